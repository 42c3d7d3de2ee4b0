"""Analysis: claims compared (conflicts, corroborations, grades) and the derived findings file."""
