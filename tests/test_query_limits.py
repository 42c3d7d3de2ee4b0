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
from ledger.errors import InputError, LedgerError
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
    with query.stream_user_query(ox.Store(), MANY) as stream:
        assert stream.columns == ("a", "b", "c", "d")
        sizes = []
        first = None
        for batch in stream.batches:
            sizes.append(len(batch))
            first = first or batch[0]
    assert sizes == [query.BATCH_ROWS] * (10_000 // query.BATCH_ROWS)
    assert first == {"a": "0", "b": "0", "c": "0", "d": "0"}


@pytest.mark.parametrize("fmt", output.ROW_FORMATS)
def test_streamed_output_is_the_buffered_output(ledger: Path, fmt: str) -> None:
    """`query` writes, batch by batch, exactly the text the buffered formatter gives."""
    columns, rows = query.run_user_query(ox.Store(), MANY)
    result = run(ledger, "query", "-", "--format", fmt, stdin=MANY)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == output.rows(columns, rows, fmt)


def test_empty_and_boolean_answers(ledger: Path) -> None:
    """No rows gives an empty JSON list; ASK gives one 'result' row."""
    empty = run(
        ledger, "query", "-", "--format", "json", stdin="SELECT ?s WHERE { ?s <urn:x:none> ?o }"
    )
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []
    ask = run(ledger, "query", "-", "--format", "json", stdin="ASK { ?s ?p ?o }")
    assert json.loads(ask.stdout) == [{"result": "true"}]


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
