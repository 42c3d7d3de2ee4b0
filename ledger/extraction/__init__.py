"""Extraction: draft claim files from an article's text (rules only), its word lists, scoring."""
