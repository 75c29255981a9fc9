"""Tests of the Sage component actions (sage_accounting.actions) against the emulator."""
