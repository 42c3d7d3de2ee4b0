"""A user's read-only SPARQL query (`claim-ledger query`) and its answer with its types kept.

SELECT and ASK answer rows whose numbers and booleans stay numbers and booleans (so JSON output
has ``3``, not ``"3"``); CONSTRUCT and DESCRIBE answer RDF, printed as Turtle, N-Triples or
JSON-LD compacted with the project's context (``ledger.intake.convert``). The query is checked
first (``analysis.check_user_query``: no update, LOAD or SERVICE) and runs in a forked child
process that is killed at the deadline, since a pyoxigraph query cannot be interrupted.
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.connection
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import pyoxigraph as ox

from ledger.errors import InputError, LedgerError, UsageError

XSD = "http://www.w3.org/2001/XMLSchema#"
#: XSD datatypes whose values are integers (the derived ones included)
INTEGER_TYPES = frozenset(
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "nonPositiveInteger",
        "positiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)  # fmt: skip
DECIMAL_TYPES = frozenset(XSD + name for name in ("decimal", "double", "float"))
BOOLEAN = XSD + "boolean"
#: the ``--format`` names of RDF output, for CONSTRUCT and DESCRIBE
GRAPH_FORMATS = ("turtle", "nt", "json-ld")

Value = str | int | float | bool | None


@dataclass(frozen=True)
class QueryAnswer:
    """What a query answered: rows (SELECT, ASK) or triples (CONSTRUCT, DESCRIBE)."""

    kind: Literal["solutions", "boolean", "graph"]
    columns: tuple[str, ...] = ()
    rows: list[dict[str, Value]] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)

    @property
    def is_graph(self) -> bool:
        return self.kind == "graph"


def typed_value(term: object) -> Value:
    """A result term as JSON would want it: numbers and booleans as such, the rest as text."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        text = term.value.strip()
        if datatype in INTEGER_TYPES:
            try:
                return int(text)
            except ValueError:
                return term.value  # an ill-typed literal stays as written
        if datatype in DECIMAL_TYPES:
            try:
                exact = Decimal(text)
            except (InvalidOperation, ValueError):
                return term.value
            if not exact.is_finite():
                return term.value  # NaN and INF have no JSON number
            if datatype == XSD + "decimal" and exact == exact.to_integral_value():
                return int(exact)  # 9000, not 9000.0
            number = float(exact)
            return number if math.isfinite(number) else term.value
        if datatype == BOOLEAN and text in ("true", "false", "1", "0"):
            return text in ("true", "1")
        return term.value
    return str(term)


def check_query(text: str) -> None:
    """Refuse, before it runs, a query that does not parse, updates, loads or calls SERVICE."""
    from ledger.analysis.compare import check_user_query

    check_user_query(text)


def graph_quads(answer: QueryAnswer) -> list[ox.Quad]:
    """A graph answer's triples as default-graph quads (what ``convert.serialize`` takes)."""
    return [ox.Quad(t.subject, t.predicate, t.object) for t in answer.triples]


def run_query(
    store: ox.Store,
    text: str,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    timeout_s: float = 30,
) -> QueryAnswer:
    """Run a user's read-only query, stopping it after ``timeout_s`` seconds."""
    check_query(text)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock; the child only
        # runs one query on the inherited store and writes to a pipe (no locks are taken)
        warnings.simplefilter("ignore", DeprecationWarning)
        child = context.Process(
            target=_child, args=(store, text, default_graph, sender), daemon=True
        )
        child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise LedgerError(
                f"the query was stopped after {timeout_s:g} s",
                hint="narrow it (LIMIT, fewer patterns, bound values) or raise --timeout",
            )
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise LedgerError("the query process ended without an answer") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "error":
        raise InputError(f"the query failed: {payload}")
    kind, data = payload
    return _decode(kind, data)


def _child(
    store: ox.Store,
    text: str,
    default_graph: Sequence[ox.NamedNode] | None,
    sender: multiprocessing.connection.Connection,
) -> None:
    options: dict[str, Any] = (
        {"use_default_graph_as_union": True}
        if default_graph is None
        else {"default_graph": list(default_graph)}
    )
    try:
        result = store.query(text, **options)
        if isinstance(result, ox.QueryBoolean):
            answer: tuple[str, bytes] = ("boolean", b"true" if bool(result) else b"false")
        elif isinstance(result, ox.QuerySolutions):
            answer = ("solutions", result.serialize(format=ox.QueryResultsFormat.JSON) or b"")
        else:
            answer = ("graph", result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
        sender.send(("ok", answer))
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        sender.send(("error", str(exc)))
    finally:
        sender.close()


def _decode(kind: str, data: bytes) -> QueryAnswer:
    if kind == "boolean":
        return QueryAnswer("boolean", ("result",), [{"result": data == b"true"}])
    if kind == "graph":
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        ]
        return QueryAnswer("graph", ("subject", "predicate", "object"), triples=triples)
    solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    variables = list(solutions.variables)
    columns = tuple(v.value for v in variables)
    rows = [
        {c: typed_value(s[v]) for c, v in zip(columns, variables, strict=True)} for s in solutions
    ]
    return QueryAnswer("solutions", columns, rows)


def output_format(answer: QueryAnswer, fmt: str | None) -> str:
    """The ``--format`` to print ``answer`` in: RDF formats only for RDF, Turtle by default."""
    if answer.is_graph:
        return fmt or "turtle"
    if fmt in GRAPH_FORMATS:
        raise UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; this query answers rows",
            hint="use --format table, json, jsonl, csv or tsv",
        )
    return fmt or "table"


def triple_rows(answer: QueryAnswer) -> list[dict[str, Value]]:
    """A graph answer as subject / predicate / object rows (for the row formats)."""
    return [
        {
            "subject": typed_value(t.subject),
            "predicate": typed_value(t.predicate),
            "object": typed_value(t.object),
        }
        for t in answer.triples
    ]
