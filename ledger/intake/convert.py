"""Serialise the RDF that claim files mean, with fixed, sorted prefixes.

JSON-LD is compacted with the project's own context (``ontology/context.jsonld``, read from the
package, never fetched) and names it by its IRI, so the output reads like a claim file and loads
back as one: terms instead of IRIs, blank nodes nested where they are used once, vocabulary
values by their short names (``stance: asserts``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from ledger.intake.load import CONTEXT_IRI, shipped_context
from ledger.vocab import CL_IRI, OA_IRI, PROV_IRI, RDF_IRI, RDFS_IRI, SCHEMA_IRI, XSD_IRI

FORMATS = ("turtle", "nt", "json-ld")

PREFIXES = {
    "cl": CL_IRI,
    "oa": OA_IRI,
    "prov": PROV_IRI,
    "rdf": RDF_IRI,
    "rdfs": RDFS_IRI,
    "schema": SCHEMA_IRI,
    "xsd": XSD_IRI,
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
        return json.dumps(compact_jsonld(triples), indent=2, ensure_ascii=False) + "\n"
    prefixes = dict(sorted({**PREFIXES, **(extra_prefixes or {})}.items()))
    return _text(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))


def compact_jsonld(triples: Iterable[ox.Triple]) -> dict[str, Any]:
    """Triples as a JSON-LD document compacted with the project's context (``@graph`` form).

    rdflib compacts with the context (terms, coercions, language and set containers); then a
    blank node used exactly once is nested where it is used, vocabulary values take the short
    names their term's scoped context gives them, and the remaining blank nodes are labelled
    ``_:b0``, ``_:b1`` … in order, so that the same graph always gives the same text.
    """
    import rdflib  # only JSON-LD needs it

    context = shipped_context()
    data = _text(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES))
    graph = rdflib.Graph().parse(data=data, format="nt")
    with warnings.catch_warnings():
        # rdflib's JSON-LD serializer goes through its own deprecated ConjunctiveGraph API
        warnings.simplefilter("ignore", DeprecationWarning)
        compacted = json.loads(
            graph.serialize(format="json-ld", context=context, auto_compact=True)
        )
    nodes = compacted.get("@graph", [compacted] if "id" in compacted else [])
    nodes = [n for n in nodes if isinstance(n, dict) and n.get("id")]
    nodes = _nest_blank_nodes(nodes)
    for node in nodes:
        _short_vocab_values(node, context)
    nodes = _relabel_blank_nodes(sorted(nodes, key=_node_order))
    return {"@context": CONTEXT_IRI, "@graph": nodes}


def _node_order(node: dict[str, Any]) -> tuple[bool, str, str]:
    """Named nodes by IRI first, then blank nodes by their content (their labels are arbitrary)."""
    identifier = str(node.get("id", ""))
    blank = identifier.startswith("_:")
    content = json.dumps({k: v for k, v in node.items() if k != "id"}, sort_keys=True)
    return (blank, "" if blank else identifier, content)


def _references(value: Any, counts: dict[str, int]) -> None:
    if isinstance(value, dict):
        if set(value) == {"id"} and str(value["id"]).startswith("_:"):
            counts[value["id"]] = counts.get(value["id"], 0) + 1
            return
        for key, item in value.items():
            if key != "id":
                _references(item, counts)
    elif isinstance(value, list):
        for item in value:
            _references(item, counts)


def _nest_blank_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each blank node referred to exactly once is written inside the node that refers to it."""
    counts: dict[str, int] = {}
    for node in nodes:
        _references(node, counts)
    blank = {n["id"]: n for n in nodes if str(n["id"]).startswith("_:")}
    nested = {label for label, count in counts.items() if count == 1 and label in blank}
    placed: set[str] = set()

    def embed(value: Any, path: frozenset[str]) -> Any:
        if isinstance(value, dict):
            label = value.get("id")
            if set(value) == {"id"} and label in nested and label not in path:
                placed.add(label)
                inner = {k: v for k, v in blank[label].items() if k != "id"}
                return embed(inner, path | {label})
            return {k: (v if k == "id" else embed(v, path)) for k, v in value.items()}
        if isinstance(value, list):
            return [embed(item, path) for item in value]
        return value

    out = [embed(n, frozenset({n["id"]})) for n in nodes]
    return [n for n in out if n["id"] not in placed]


def _short_vocab_values(value: Any, context: dict[str, Any]) -> None:
    """``cl:asserts`` → ``asserts`` where the term's scoped context names it so."""
    if isinstance(value, list):
        for item in value:
            _short_vocab_values(item, context)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        definition = context.get(key)
        names: dict[str, str] = {}
        if isinstance(definition, dict) and definition.get("@type") == "@vocab":
            names = {v: k for k, v in definition.get("@context", {}).items() if isinstance(v, str)}
        if names:
            if isinstance(item, str):
                value[key] = names.get(item, item)
            elif isinstance(item, list):
                value[key] = [names.get(v, v) if isinstance(v, str) else v for v in item]
        else:
            _short_vocab_values(item, context)


def _relabel_blank_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The blank nodes left at the top level, and references to them, labelled in order."""
    labels: dict[str, str] = {}

    def label(old: str) -> str:
        return labels.setdefault(old, f"_:b{len(labels)}")

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (label(v) if k == "id" and str(v).startswith("_:") else walk(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return [walk(node) for node in nodes]


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


__all__ = ["FORMATS", "compact_jsonld", "serialize", "shipped_context"]
