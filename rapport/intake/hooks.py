"""Registers the intake app's panels and demo loader (imported in ready())."""
