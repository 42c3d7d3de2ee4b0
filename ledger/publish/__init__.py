"""Publishing: rows for the terminal and files, the provenance report, exports, SVG."""
