"""A user's query is bounded in memory and time, and its rows are streamed in batches."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from ledger import query
from ledger.cli import main
from ledger.errors import InputError, LedgerError, UnsafeInputError
from ledger.publish import output

#: A query that builds one string of ~1 GB (10^7 rows of 92 characters, concatenated).
HOSTILE = (
    """SELECT (STRLEN(GROUP_CONCAT(?s; SEPARATOR="")) AS ?n) WHERE {
  VALUES ?a { 1 2 3 4 5 6 7 8 9 10 } VALUES ?b { 1 2 3 4 5 6 7 8 9 10 }
  VALUES ?c { 1 2 3 4 5 6 7 8 9 10 } VALUES ?d { 1 2 3 4 5 6 7 8 9 10 }
  VALUES ?e { 1 2 3 4 5 6 7 8 9 10 } VALUES ?f { 1 2 3 4 5 6 7 8 9 10 }
  VALUES ?g { 1 2 3 4 5 6 7 8 9 10 }
  BIND(CONCAT(\""""
    + "x" * 90
    + """\", STR(?a)) AS ?s)
}
"""
)
#: 10^4 rows from nothing: enough for several batches.
MANY = """SELECT ?a ?b ?c ?d WHERE {
  VALUES ?a { 0 1 2 3 4 5 6 7 8 9 } VALUES ?b { 0 1 2 3 4 5 6 7 8 9 }
  VALUES ?c { 0 1 2 3 4 5 6 7 8 9 } VALUES ?d { 0 1 2 3 4 5 6 7 8 9 }
} ORDER BY ?a ?b ?c ?d"""


def run(ledger: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--ledger", str(ledger), *args], input=stdin)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case in a ledger."""
    path = tmp_path_factory.mktemp("query") / "ledger"
    assert run(path, "init").exit_code == 0
    assert run(path, "add", str(EXAMPLE)).exit_code == 0
    return path


def test_a_string_building_query_is_stopped_at_its_memory_limit(ledger: Path) -> None:
    """The hostile query ends with one sentence naming --memory: no Rust backtrace, no
    internal error, and not the timeout (the memory limit stopped it)."""
    result = run(ledger, "query", "-", "--memory", "200", "--timeout", "120", stdin=HOSTILE)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: the query needed more than its 200 MiB of memory and was stopped\n"
        "  hint: narrow it (LIMIT, fewer patterns, shorter strings) or raise --memory (MiB)\n"
    )


def test_the_memory_limit_is_on_the_child_only() -> None:
    """After a query is stopped for memory, the calling process can still allocate freely."""
    with pytest.raises(LedgerError, match="needed more than its 100 MiB"):
        query.run_user_query(ox.Store(), HOSTILE, memory_mib=100, timeout_s=120)
    big = bytearray(300 * 1024 * 1024)  # more than the child was allowed
    assert len(big) == 300 * 1024 * 1024


def test_rows_arrive_in_batches() -> None:
    """A large answer comes in batches of BATCH_ROWS rows, in order, never as one block."""
    with query.stream_query(ox.Store(), MANY) as stream:
        assert isinstance(stream, query.QueryStream)
        assert stream.columns == ("a", "b", "c", "d")
        sizes = []
        first = None
        for batch in stream.batches:
            sizes.append(len(batch))
            first = first or batch[0]
    assert sizes == [query.BATCH_ROWS] * (10_000 // query.BATCH_ROWS)
    assert first == {"a": 0, "b": 0, "c": 0, "d": 0}  # typed rows: numbers stay numbers


@pytest.mark.parametrize("fmt", output.ROW_FORMATS)
def test_streamed_output_is_the_buffered_output(ledger: Path, fmt: str) -> None:
    """`query` writes, batch by batch, exactly the text the buffered formatter gives."""
    columns, rows = query.run_user_query(ox.Store(), MANY)
    result = run(ledger, "query", "-", "--format", fmt, stdin=MANY)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == output.rows(columns, rows, fmt)


def test_empty_and_boolean_answers(ledger: Path) -> None:
    """No rows gives an empty JSON list; ASK gives one boolean 'result' row."""
    empty = run(
        ledger, "query", "-", "--format", "json", stdin="SELECT ?s WHERE { ?s <urn:x:none> ?o }"
    )
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []
    ask = run(ledger, "query", "-", "--format", "json", stdin="ASK { ?s ?p ?o }")
    assert json.loads(ask.stdout) == [{"result": True}]


def test_a_long_query_is_stopped_at_the_timeout() -> None:
    """A query still running at the deadline is killed and reported with --timeout."""
    endless = (
        "SELECT (COUNT(*) AS ?n) WHERE { "
        + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(12))
        + " }"
    )
    with pytest.raises(LedgerError, match=r"stopped after 0.5 s(?s:.*)--timeout"):
        query.run_user_query(ox.Store(), endless, timeout_s=0.5)


def test_a_query_the_engine_rejects_says_why() -> None:
    """Text the first parser accepts but Oxigraph rejects is an input error with its reason."""
    with pytest.raises(InputError, match="the query failed: .*SELECT \\* is not authorized"):
        query.run_user_query(ox.Store(), "SELECT * WHERE { ?s ?p ?o } GROUP BY ?s")


def test_a_serialised_answer_arrives_in_chunks() -> None:
    """Asked in a SPARQL results format, the answer comes in chunks of at most CHUNK_BYTES
    that together are the whole document, with the same solutions as the typed rows."""
    with query.stream_query(ox.Store(), MANY, results=ox.QueryResultsFormat.JSON) as stream:
        assert isinstance(stream, query.SerializedStream)
        assert (stream.kind, stream.media_type) == ("solutions", "application/sparql-results+json")
        chunks = list(stream.chunks)
    assert len(chunks) > 1 and all(0 < len(c) <= query.CHUNK_BYTES for c in chunks)
    solutions = ox.parse_query_results(b"".join(chunks), format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    parsed = [{v.value: int(s[v].value) for v in solutions.variables} for s in solutions]
    assert parsed == query.run_user_query(ox.Store(), MANY)[1]


def test_a_graph_answers_rows_or_rdf_as_asked() -> None:
    """CONSTRUCT gives subject/predicate/object rows with typed objects, or the RDF asked for."""
    construct = "CONSTRUCT { <urn:x:s> <urn:x:n> ?n } WHERE { VALUES ?n { 1 2 } }"
    with query.stream_query(ox.Store(), construct) as rows:
        assert isinstance(rows, query.QueryStream) and rows.kind == "graph"
        assert rows.columns == ("subject", "predicate", "object")
        assert sorted(r["object"] for b in rows.batches for r in b) == [1, 2]
    with query.stream_query(ox.Store(), construct, graphs=ox.RdfFormat.N_TRIPLES) as rdf:
        assert isinstance(rdf, query.SerializedStream) and rdf.media_type == "application/n-triples"
        triples = list(ox.parse(b"".join(rdf.chunks), format=ox.RdfFormat.N_TRIPLES))
    assert sorted(q.object.value for q in triples) == ["1", "2"]


def test_a_query_is_stopped_at_the_timeout_while_its_answer_is_written() -> None:
    """The deadline holds while a serialised answer is still being produced, not only before."""
    endless = (
        "SELECT ?v0 WHERE { "
        + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(12))
        + " }"
    )
    with (
        pytest.raises(query.QueryTimeoutError, match=r"stopped after 0.5 s"),
        query.stream_query(
            ox.Store(), endless, results=ox.QueryResultsFormat.TSV, timeout_s=0.5
        ) as stream,
    ):
        assert isinstance(stream, query.SerializedStream)
        for _chunk in stream.chunks:
            pass


def test_the_sparql_endpoint_is_memory_limited(ledger: Path) -> None:
    """`serve`'s SPARQL endpoint runs on the same runner: the hostile query is stopped at the
    site's memory limit (503 with the sentence), which its description gives."""
    from starlette.testclient import TestClient

    from ledger.chain import store
    from ledger.publish import site

    app = site.create_app(store.open(ledger), timeout_s=120, memory_mib=100)
    with TestClient(app) as client:
        described = client.get("/sparql", headers={"accept": "application/json"}).json()
        assert described["memory_mib"] == 100
        response = client.get("/sparql", params={"query": HOSTILE})
    assert response.status_code == 503
    assert "the query needed more than its 100 MiB of memory and was stopped" in response.text
    assert "Traceback" not in response.text and "memory allocation" not in response.text


def test_a_reader_that_stops_early_is_no_error(ledger: Path) -> None:
    """`query ... | head -1`: when the reader closes the pipe, the command stops quietly."""
    import subprocess
    import sys

    reader = subprocess.Popen(
        [sys.executable, "-m", "ledger", "--ledger", str(ledger), "query", "-", "--format", "csv"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdin is not None and reader.stdout is not None and reader.stderr is not None
    reader.stdin.write(MANY.encode())
    reader.stdin.close()
    assert reader.stdout.readline() == b"a,b,c,d\n"
    reader.stdout.close()
    assert reader.wait(timeout=60) == 0
    assert reader.stderr.read() == b""
    reader.stderr.close()


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        pytest.param(
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            UnsafeInputError,
            "SERVICE is refused",
            id="service",
        ),
        pytest.param(
            "SELECT * { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://x.example/> { ?s ?q ?r } } }",
            UnsafeInputError,
            "SERVICE is refused",
            id="service-nested",
        ),
        pytest.param(
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            UnsafeInputError,
            "updates .* are refused",
            id="insert",
        ),
        pytest.param(
            "LOAD <http://example.org/data.ttl>", UnsafeInputError, "are refused", id="load"
        ),
        pytest.param("DELETE WHERE { ?s ?p ?o }", UnsafeInputError, "are refused", id="delete"),
        pytest.param("SELECT ?s WHERE { ?s ?p }", InputError, "does not parse", id="syntax"),
    ],
)
def test_user_queries_refused_before_they_run(
    text: str, error: type[Exception], message: str
) -> None:
    """SERVICE, updates, LOAD and unparsable text are refused with a clear error."""
    with pytest.raises(error, match=message):
        query.run_user_query(ox.Store(), text)


def test_a_pathological_regular_expression_cannot_hang_the_tool() -> None:
    """Oxigraph's regex engine is linear: a classic catastrophic pattern answers at once."""
    text = 'SELECT ?m WHERE { BIND(REGEX("' + "a" * 5000 + '!", "^(a+)+$") AS ?m) }'
    _columns, rows = query.run_user_query(ox.Store(), text, timeout_s=20)
    assert rows == [{"m": False}]
