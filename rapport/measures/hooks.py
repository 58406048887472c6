"""Registers the measures app's jobs, panels and demo loader (imported in ready())."""
