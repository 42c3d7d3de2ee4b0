"""Intake: claim files read (load), checked against the shapes (validate), quotes anchored, RDF
converted."""
