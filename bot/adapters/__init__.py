"""Adapters that translate between chat platforms and the neutral core."""
