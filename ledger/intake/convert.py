"""Serialise the RDF that claim files mean, with fixed, sorted prefixes."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox

from ledger.intake.load import shipped_context

FORMATS = ("turtle", "nt", "json-ld")

PREFIXES = {
    "cl": "https://w3id.org/claim-ledger/ns#",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def serialize(
    quads: Iterable[ox.Quad], fmt: str, extra_prefixes: dict[str, str] | None = None
) -> str:
    """Quads (default graph) as Turtle, N-Triples or JSON-LD, deterministically ordered."""
    triples = sorted(
        (ox.Triple(q.subject, q.predicate, q.object) for q in quads), key=lambda t: str(t)
    )
    if fmt == "nt":
        return _text(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    if fmt == "json-ld":
        # Expanded JSON-LD is written by pyoxigraph; compact with the shipped context's prefixes.
        doc = json.loads(_text(ox.serialize(triples, format=ox.RdfFormat.JSON_LD)))
        return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    prefixes = dict(sorted({**PREFIXES, **(extra_prefixes or {})}.items()))
    return _text(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


__all__ = ["FORMATS", "serialize", "shipped_context"]
