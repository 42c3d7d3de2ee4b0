"""The answer of a user's query (`claim-ledger query`) as text, written as it arrives.

SELECT and ASK answer rows whose numbers and booleans stay numbers and booleans (so JSON output
has ``3``, not ``"3"``), in the row formats of ``output.row_stream``; CONSTRUCT and DESCRIBE
answer RDF, printed as Turtle, N-Triples or JSON-LD compacted with the project's context
(``ledger.intake.convert``), or as subject/predicate/object rows. The query itself runs in
``ledger.query``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from ledger.errors import UsageError
from ledger.intake import convert
from ledger.publish import output
from ledger.query import QueryStream, SerializedStream

#: the ``--format`` names of RDF output, for CONSTRUCT and DESCRIBE
GRAPH_FORMATS = ("turtle", "nt", "json-ld")


def graphs_as_rows(fmt: str | None) -> bool:
    """Whether a CONSTRUCT or DESCRIBE printed in ``fmt`` is wanted as rows (not as RDF)."""
    return fmt in output.ROW_FORMATS


def answer_text(answer: QueryStream | SerializedStream, fmt: str | None) -> Iterator[str]:
    """``answer`` in ``fmt``, piece by piece: rows as a table unless told, RDF as Turtle.

    An RDF format for an answer of rows is a ``UsageError`` (raised before any text).
    A graph's RDF waits for all its triples: they are printed sorted, with fixed prefixes.
    """
    if isinstance(answer, SerializedStream):  # a graph, as N-Triples (``api.user_query``)
        quads = ox.parse(b"".join(answer.chunks), format=ox.RdfFormat.N_TRIPLES)
        yield convert.serialize(quads, fmt or "turtle")
        return
    if fmt in GRAPH_FORMATS:
        raise UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; this query answers rows",
            hint="use --format table, json, jsonl, csv or tsv",
        )
    yield from output.row_stream(answer.columns, answer.batches, fmt or "table")
