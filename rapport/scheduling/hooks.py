"""Registers the scheduling app's jobs, panels and demo loader (imported in ready())."""
