"""Helpers for the store and canonicalisation tests: synthetic quads, child-process scripts."""
