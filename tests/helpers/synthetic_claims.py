"""Synthetic quads for the store and canonicalisation tests (no claim model needed).

``claims(n, batch)`` gives about 24 quads per claim, two of them blank nodes (a source span and
a quote), in one named graph per batch, with literals that exercise escaping. The other
functions build blank-node structures that make RDFC-1.0 exponential or slow ("poison").
"""

from __future__ import annotations

import pyoxigraph as ox

EX = "https://example.org/claims/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(EX + path)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def claims(n: int, batch: int = 0) -> list[ox.Quad]:
    """``n`` synthetic claims of batch ``batch``, in the named graph ``<…/batch/{batch}>``."""
    graph = _iri(f"batch/{batch}")
    quads: list[ox.Quad] = []

    def add(
        subject: ox.NamedNode | ox.BlankNode,
        predicate: str,
        obj: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> None:
        iri = ox.NamedNode(RDF_TYPE) if predicate == "type" else _iri(predicate)
        quads.append(ox.Quad(subject, iri, obj, graph))

    for i in range(n):
        claim = _iri(f"claim/{batch}-{i}")
        span, quote = ox.BlankNode(), ox.BlankNode()
        add(claim, "type", _iri("Claim"))
        add(claim, "text", ox.Literal(f"Claim {i} of batch {batch}: bridge closed", language="en"))
        add(claim, "claimant", _iri(f"person/{i % 50}"))
        add(claim, "date", _typed(f"2016-11-{1 + i % 28:02d}", "date"))
        for topic in range(3):
            add(claim, "topic", _iri(f"topic/{(i + topic) % 20}"))
        add(claim, "confidence", _typed(str(i % 5), "integer"))
        add(claim, "status", ox.Literal("open"))
        add(claim, "label", ox.Literal(f"c{batch}-{i}"))
        add(claim, "source", span)
        add(span, "type", _iri("SourceSpan"))
        add(span, "document", _iri(f"document/{i % 7}"))
        add(span, "start", _typed(str(i * 10), "integer"))
        add(span, "end", _typed(str(i * 10 + 42), "integer"))
        add(span, "excerpt", ox.Literal(f'"quoted" text {batch}-{i}\twith a tab\nand a newline'))
        add(claim, "quote", quote)
        add(quote, "type", _iri("Quote"))
        add(quote, "text", ox.Literal(f"رأينا ذلك {batch}-{i}", language="ar"))
        add(quote, "speaker", _iri(f"person/{(i * 7) % 50}"))
        add(quote, "time", _typed("2016-11-30T12:00:00Z", "dateTime"))
        add(claim, "about", _iri(f"place/{i % 30}"))
        add(claim, "sameAs", _iri(f"other/{batch}-{i}"))
        add(claim, "note", ox.Literal(f"note {i} ∞ ünïcødé \\ backslash \u0007 bell"))
    return quads


_P = ox.NamedNode(EX + "p")


def _blanks(n: int) -> list[ox.BlankNode]:
    return [ox.BlankNode(f"n{i}") for i in range(n)]


def clique(n: int) -> list[ox.Quad]:
    """``n`` blank nodes, each linked to every other (the W3C "poison" clique for n=10)."""
    nodes = _blanks(n)
    return [ox.Quad(a, _P, b) for a in nodes for b in nodes if a != b]


def cycle(n: int) -> list[ox.Quad]:
    """A ring of ``n`` look-alike blank nodes."""
    nodes = _blanks(n)
    return [ox.Quad(nodes[i], _P, nodes[(i + 1) % n]) for i in range(n)]


def repeated_list(n: int) -> list[ox.Quad]:
    """An RDF list of ``n`` identical items: the middle cells cannot be told apart locally."""
    cells = _blanks(n)
    first, rest = _iri("first"), _iri("rest")
    quads = [ox.Quad(cell, first, ox.Literal("same")) for cell in cells]
    quads += [ox.Quad(cells[i], rest, cells[i + 1]) for i in range(n - 1)]
    return quads


def regular(n: int, offsets: tuple[int, ...] = (1, 2, 5)) -> list[ox.Quad]:
    """A circulant graph: node i links to i+k for each k in ``offsets`` (all nodes look alike)."""
    nodes = _blanks(n)
    return [ox.Quad(nodes[i], _P, nodes[(i + k) % n]) for i in range(n) for k in offsets]
