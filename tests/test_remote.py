"""ledger.chain.remote: what only the ledger on a SPARQL 1.1 server has, on both servers the tests
start (Oxigraph: tests/oxigraph_server.py; Virtuoso: tests/virtuoso_server.py).

What both backends share (entries, verification of every kind of tampering, checkpoints, kill
-9, two writers, readers during appends) is tested once for both in test_store.py, through the
``backend`` fixture. This file keeps what is the server's alone: the dataset's bookkeeping
(reserved IRIs, other data, forks), the remote and embedded ledgers compared on the same quads
(stored bytes, query results), the writer lock kept in the server, servers that are wrong,
slow, gone, killed and restarted or drop an answer, the command line end to end, and what differs
on Virtuoso (no default graph, entries up to 1 MiB, the query copy written in parts, queries on
the replica, capped answers, its SHA256).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import random
import re
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from helpers.synthetic_claims import claims
from oxigraph_server import (
    OxigraphServer,
    RemoteTamper,
    child_command,
    child_environment,
)
from virtuoso_server import VirtuosoServer

from conftest import EXAMPLE, SERVERS, server_pool
from ledger import api
from ledger.chain import entry, remote, store
from ledger.chain.canon import canonical_nquads, check_canonical
from ledger.errors import LedgerStateError, UsageError

CL = "https://w3id.org/claim-ledger/ns#"
EX = "https://example.org/claims/"
XSD = "http://www.w3.org/2001/XMLSchema#"
LEDGER_GRAPH = "<urn:claim-ledger:ledger>"
INDEXED = "<urn:claim-ledger:remote:indexed>"
#: a test server of either kind (``tests/oxigraph_server.py``, ``tests/virtuoso_server.py``)
Server = OxigraphServer | VirtuosoServer
SERVER_CLASSES: dict[str, type[Server]] = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(params=SERVERS)
def server_kind(request: pytest.FixtureRequest) -> str:
    """Each SPARQL server in turn: "oxigraph", "virtuoso" (skipped, saying why, if absent)."""
    server_pool(request, request.param)
    return str(request.param)


@pytest.fixture
def server(request: pytest.FixtureRequest, server_kind: str) -> Iterator[Callable[[], Server]]:
    """A function giving a server with an empty dataset each time it is called."""
    pool = server_pool(request, server_kind)
    try:
        yield pool.acquire
    finally:
        pool.release_all()


def _batch(batch: int, n: int = 3, *, default_graph: bool = True) -> list[ox.Quad]:
    """Synthetic claims plus one quad in the default graph (else in a named graph of its own),
    so both kinds of graph are exercised where the server has both."""
    extra = ox.Quad(
        ox.NamedNode(f"{EX}batch/{batch}"),
        ox.NamedNode(EX + "label"),
        ox.Literal(f"b{batch}"),
        ox.DefaultGraph() if default_graph else ox.NamedNode(f"{EX}batch/{batch}/graph"),
    )
    return [*claims(n, batch), extra]


NO_DEFAULT_GRAPH = (
    "Virtuoso keeps no default graph of its own; quads outside a named graph are refused there "
    "(test_virtuoso_refuses_quads_outside_a_named_graph)"
)
QUERIES_ON_REPLICA = (
    "on Virtuoso the ledger's queries run on its verified local replica, not on the server "
    "(test_queries_of_a_ledger_on_virtuoso_run_on_its_replica)"
)


def _has_default_graph(server: Server) -> bool:
    """Whether the server keeps a default graph of its own (Virtuoso does not)."""
    return not isinstance(server, VirtuosoServer)


def _remote_with(server: Server, entries: int, per_entry: int = 3) -> remote.RemoteLedger:
    book = remote.remote_init(server.url)
    for batch in range(entries):
        quads = _batch(batch, per_entry, default_graph=_has_default_graph(server))
        book.append(quads, author="tester", message=f"{batch}", kind="add")
    return book


def _twins(
    server: Server, tmp_path: Path, entries: int = 3
) -> tuple[remote.RemoteLedger, store.Ledger]:
    """A remote and an embedded ledger with the same id, built from the same quads."""
    far = remote.remote_init(server.url)
    near = store.init(tmp_path / "embedded", ledger_id=far.id)
    for batch in range(entries):
        quads = _batch(batch, 2 + batch, default_graph=_has_default_graph(server))
        for book in (far, near):
            book.append(quads, author="tester", message=f"{batch}", kind="add")
    return far, near


def _without_time(data: bytes) -> bytes:
    """The entry without its time and the link to the previous entry, whose hash includes one."""
    data = re.sub(rb'<http://www.w3.org/ns/prov#generatedAtTime> "[^"]*"', b"TIME", data)
    return re.sub(rb'previousEntryHash> "sha256:[0-9a-f]{64}"', b"LINK", data)


# --- creating and opening -----------------------------------------------------------------------


def test_init_refuses_a_dataset_that_holds_other_data(server: Callable[[], Server]) -> None:
    """A ledger needs a dataset of its own: init in one that holds other data is refused."""
    busy = server()
    busy.update("INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/a> <https://e.org/b> 1 } }")
    with pytest.raises(LedgerStateError, match="the dataset holds other data"):
        remote.remote_init(busy.url)


def test_open_without_ledger_names_the_url_in_the_hint(
    server: Callable[[], Server],
) -> None:
    """The hint to create a ledger gives the whole command, with this server's URL."""
    oxigraph = server()
    with pytest.raises(LedgerStateError) as missing:
        remote.remote_open(oxigraph.url)
    assert f"claim-ledger --ledger {oxigraph.url} init" in str(missing.value)


SMALLEST_ID = "urn:claim-ledger:00000000-0000-4000-8000-000000000000"
LARGEST_ID = "urn:claim-ledger:ffffffff-ffff-4fff-bfff-ffffffffffff"


def _rival_init(url: str, rival_id: str, *, withdraws_after: float | None) -> Callable[..., None]:
    """A replacement for SparqlServer.update: our init's insert, and a rival's that raced it."""
    real = remote.SparqlServer.update
    description = (
        f"GRAPH {LEDGER_GRAPH} {{ {LEDGER_GRAPH} <urn:claim-ledger:remote:ledgerId> "
        f'"{rival_id}" ; <urn:claim-ledger:remote:created> '
        f'"2026-01-01T00:00:00Z"^^<{XSD}dateTime> }}'
    )

    def update(self: Any, sparql: str) -> None:
        real(self, sparql)
        if "INSERT" in sparql and "ledgerId> ?id" in sparql:  # its guard passed too
            real(self, f"INSERT DATA {{ {description} }}")
            if withdraws_after is not None:  # as the rival's own init does, seeing ours
                timer = threading.Timer(
                    withdraws_after, lambda: real(self, f"DELETE DATA {{ {description} }}")
                )
                timer.daemon = True
                timer.start()

    return update


@pytest.mark.parametrize("rival", ["smaller-id", "larger-id"])
def test_two_inits_at_once_leave_exactly_one_ledger(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch, rival: str
) -> None:
    """Two inits whose guards both passed: the smaller id stays, the other init withdraws."""
    oxigraph = server()
    if rival == "smaller-id":
        monkeypatch.setattr(
            remote.SparqlServer,
            "update",
            _rival_init(oxigraph.url, SMALLEST_ID, withdraws_after=None),
        )
        with pytest.raises(LedgerStateError, match="created by another process just now"):
            remote.remote_init(oxigraph.url)
        monkeypatch.undo()
        assert remote.remote_open(oxigraph.url).id == SMALLEST_ID
    else:
        monkeypatch.setattr(
            remote.SparqlServer,
            "update",
            _rival_init(oxigraph.url, LARGEST_ID, withdraws_after=0.2),
        )
        book = remote.remote_init(oxigraph.url)  # waits for the rival to withdraw
        monkeypatch.undo()
        assert book.id != LARGEST_ID and remote.remote_open(oxigraph.url).id == book.id


# --- appending and reading ----------------------------------------------------------------------


def test_stored_entries_are_the_embedded_ledgers_bytes(
    server: Callable[[], Server], tmp_path: Path
) -> None:
    """The same quads give the same canonical bytes and hashes chain the same way (time aside)."""
    far, near = _twins(server(), tmp_path)
    for seq in (1, 2, 3):
        data = far.read_entry(seq)
        assert check_canonical(data) is None
        assert _without_time(data) == _without_time(near.read_entry(seq))
    assert [(r.seq, r.author, r.message, r.kind) for r in far.entries()] == [
        (r.seq, r.author, r.message, r.kind) for r in near.entries()
    ]


def test_append_refuses_the_iris_the_server_keeps(
    server: Callable[[], Server], tmp_path: Path
) -> None:
    """Quads naming the bookkeeping graph, genid IRIs or lock flags are refused; nothing written."""
    book = remote.remote_init(server().url)
    near = store.init(tmp_path / "near", ledger_id=book.id)  # an embedded ledger takes them
    lock_flag = ox.NamedNode("urn:claim-ledger:writer:x")
    near.append(
        [ox.Quad(lock_flag, ox.NamedNode(EX + "p"), ox.Literal("x"))],
        author="a",
        message="m",
        kind="add",
    )
    with pytest.raises(UsageError, match="keeps for itself"):
        book.import_entry(near.read_entry(1))
    author = ox.NamedNode(CL + "author")
    for reserved in (
        "urn:claim-ledger:ledger",
        f"{book.id}:genid:e1_c14n0",
        "urn:claim-ledger:writer:x",
    ):
        quad = ox.Quad(ox.NamedNode(EX + "a"), author, ox.NamedNode(reserved))
        with pytest.raises(UsageError, match="keeps for itself"):
            book.append([quad], author="a", message="m", kind="add")
    in_bookkeeping = ox.Quad(
        ox.NamedNode(EX + "a"), author, ox.Literal("x"), ox.NamedNode("urn:claim-ledger:ledger")
    )
    with pytest.raises(UsageError, match="keeps for itself"):
        book.append([in_bookkeeping], author="a", message="m", kind="add")
    assert book.size() == 0


# --- forks --------------------------------------------------------------------------------------


def _edit(data: bytes, edit: Callable[[ox.Quad], ox.Quad]) -> bytes:
    return canonical_nquads(edit(quad) for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS))


def _change_a_claim(data: bytes) -> bytes:
    def edit(quad: ox.Quad) -> ox.Quad:
        if quad.predicate.value.endswith("/status"):
            return ox.Quad(quad.subject, quad.predicate, ox.Literal("closed"), quad.graph_name)
        return quad

    return _edit(data, edit)


def test_verify_names_a_fork(server: Callable[[], Server]) -> None:
    """Two stored entries 3 (what two writers appending at once would leave) fail verify at 3."""
    oxigraph = server()
    book = _remote_with(oxigraph, 5)
    RemoteTamper(oxigraph).add_copy(3, _change_a_claim(book.read_entry(3)))
    report = book.verify()
    assert not report.ok and report.bad_seq == 3 and report.verified == 2
    assert report.reason == "entry 3 is stored 2 times: two writers appended it at once (a fork)"


def test_a_forked_ledger_is_not_appended_to(server: Callable[[], Server]) -> None:
    """With two copies of the head, append refuses; read_entry says why."""
    oxigraph = server()
    book = _remote_with(oxigraph, 3)
    RemoteTamper(oxigraph).add_copy(3, _change_a_claim(book.read_entry(3)))
    with pytest.raises(LedgerStateError, match="refusing to append: entry 3 is stored 2 times"):
        book.append(claims(1), author="a", message="m", kind="add")
    with pytest.raises(LedgerStateError, match="entry 3 is stored 2 times"):
        book.read_entry(3)


def test_a_head_numbered_without_its_bytes_is_not_appended_to(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head's number is stored but not its bytes: append refuses and says what is there."""
    monkeypatch.setattr(remote, "UNSTEADY_READ_WAIT", 0.2)  # damage, not a short answer
    oxigraph = server()
    book = _remote_with(oxigraph, 3)
    RemoteTamper(oxigraph).drop_bytes(3)
    with pytest.raises(
        LedgerStateError,
        match=r"refusing to append: entry 3 is numbered on the server but its bytes are not "
        r"there \(<urn:claim-ledger:ledger:entry:3:\w+> has only indexed, sequence\)",
    ):
        book.append(claims(1), author="a", message="m", kind="add")
    assert book.size() == 3


def test_verify_checks_the_stored_bytes_not_the_query_graphs(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As documented: plain verify checks the stored bytes, not the query copy (nor is the
    embedded index checked by the chain's verify); `verify --derived` checks the copy."""
    monkeypatch.setattr(remote, "UNSTEADY_READ_WAIT", 0.2)  # damage, not a short answer
    oxigraph = server()
    book = _remote_with(oxigraph, 2)
    oxigraph.update(f"DELETE WHERE {{ GRAPH <{book.entry_iri(1)}> {{ ?s ?p ?o }} }}")
    assert book.verify().ok and book.verify(deep=True).ok
    derived = api.check_derived(book, full=True)
    assert derived is not None and not derived.ok
    with pytest.raises(LedgerStateError, match="entry 1 has no metadata in the server's query"):
        list(book.entries())


# --- the query copy against the entries (verify --derived) --------------------------------------

PROV_INVALIDATED = ox.NamedNode("http://www.w3.org/ns/prov#invalidatedAtTime")
COPY = "query copy on the server"


def _retracted_example(server: Server) -> tuple[str, remote.RemoteLedger]:
    """The example case on the server, one claim retracted: its URL and the ledger."""
    url = server.url
    assert _run(url, "init").exit_code == 0
    assert _run(url, "add", str(EXAMPLE)).exit_code == 0
    assert _run(url, "retract", "khatib-aleppo-dying", "--reason", "test").exit_code == 0
    return url, remote.remote_open(url)


def _copy_quads(server: Server, predicate: ox.NamedNode) -> list[ox.Quad]:
    """The query copy's quads with ``predicate``, as the server's dump gives them."""
    return [
        quad
        for quad in ox.parse(server.dump(), format=ox.RdfFormat.N_QUADS)
        if quad.predicate == predicate
    ]


def _derived(url: str) -> Result:
    return _run(url, "verify", "--derived")


def test_a_clean_query_copy_passes_verify_derived(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Untouched, the query copy equals the entries' quads, also read in small pages; plain
    verify says it did not check it."""
    oxigraph = server()
    url, book = _retracted_example(oxigraph)
    monkeypatch.setattr(remote, "QUERY_COPY_PAGE", 7)  # graphs batched, large ones paged
    held, expected = _query_copy(oxigraph, book)
    streamed = ox.Store()
    streamed.extend(book.query_copy())
    assert {str(q) for q in streamed} == held == expected
    report = api.check_derived(book, full=True)
    assert report is not None and report.ok, str(report)
    result = _derived(url)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"{COPY}: ok (every quad compared with the quads of stored entries 1..2)" in (
        result.stdout
    )
    plain = _run(url, "verify")
    assert plain.exit_code == 0, plain.stdout + plain.stderr
    assert f"{COPY}: not checked (`claim-ledger verify --derived`" in plain.stdout


def test_verify_derived_finds_a_retraction_deleted_from_the_query_copy(
    server: Callable[[], Server],
) -> None:
    """A retraction's quad removed from the query copy: plain verify passes (bytes intact),
    verify --derived fails naming the store and the quad as a retraction; rebuild mends it."""
    oxigraph = server()
    url, book = _retracted_example(oxigraph)
    (retraction,) = _copy_quads(oxigraph, PROV_INVALIDATED)
    RemoteTamper(oxigraph).delete_quad(retraction)
    assert _copy_quads(oxigraph, PROV_INVALIDATED) == []
    if isinstance(oxigraph, OxigraphServer):  # show reads the server there (Virtuoso: replica)
        assert "# status current" in _run(url, "show", "khatib-aleppo-dying").stdout
    plain = _run(url, "verify")
    assert plain.exit_code == 0 and f"{COPY}: not checked" in plain.stdout
    result = _derived(url)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert f"{COPY}: DIFFERS from the entries" in result.stdout
    assert f"1 quad(s) of the entries are missing from the {COPY}:" in result.stdout
    assert f"- {retraction.subject} {retraction.predicate} " in result.stdout
    assert "(a retraction)" in result.stdout
    assert "claim-ledger rebuild --index" in result.stdout
    assert "export --format nquads" in result.stdout and "import ledger.nq" in result.stdout
    assert "in no entry" not in result.stdout
    rebuilt = _run(url, "rebuild", "--index")
    assert rebuilt.exit_code == 0, rebuilt.stdout + rebuilt.stderr
    assert rebuilt.stdout.startswith(f"rebuilt the {COPY} and the query index of the local")
    assert _copy_quads(oxigraph, PROV_INVALIDATED) == [retraction]
    assert "# status retracted" in _run(url, "show", "khatib-aleppo-dying").stdout
    assert _derived(url).exit_code == 0


def test_verify_derived_finds_a_forged_quad_in_the_query_copy(
    server: Callable[[], Server],
) -> None:
    """A quad in no entry added to the query copy (a forged retraction) is named as extra."""
    oxigraph = server()
    url, book = _retracted_example(oxigraph)
    (real,) = _copy_quads(oxigraph, PROV_INVALIDATED)
    forged = ox.Quad(ox.NamedNode(f"{EX}forged"), real.predicate, real.object, real.graph_name)
    RemoteTamper(oxigraph).add_quad(forged)
    report = api.check_derived(book, full=True)
    assert report is not None and not report.ok
    (check,) = report.checks
    assert check.store == COPY
    assert check.problems[0] == f"1 quad(s) in the {COPY} are in no entry:"
    assert check.problems[1].startswith(f"  + <{EX}forged> ")
    result = _derived(url)
    assert result.exit_code == 1 and f"{COPY}: DIFFERS" in result.stdout
    assert _run(url, "rebuild", "--index").exit_code == 0
    assert _copy_quads(oxigraph, PROV_INVALIDATED) == [real]
    assert _derived(url).exit_code == 0


def test_verify_derived_reads_the_default_graph_and_blank_nodes(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quads in the default graph and skolemised blank nodes are compared too: a clean copy
    passes (read in small pages), a default-graph quad deleted is named."""
    oxigraph = server()
    if not _has_default_graph(oxigraph):
        pytest.skip(NO_DEFAULT_GRAPH)
    book = _remote_with(oxigraph, 3, per_entry=4)
    monkeypatch.setattr(remote, "QUERY_COPY_PAGE", 5)
    held, expected = _query_copy(oxigraph, book)
    assert any(":genid:" in quad for quad in held)  # blank nodes, as the server holds them
    clean = api.check_derived(book, full=True)
    assert clean is not None and clean.ok, str(clean)
    in_default = next(
        q
        for q in ox.parse(oxigraph.dump(), format=ox.RdfFormat.N_QUADS)
        if isinstance(q.graph_name, ox.DefaultGraph)
    )
    oxigraph.update(
        f"DELETE DATA {{ {in_default.subject} {in_default.predicate} {in_default.object} }}"
    )
    report = api.check_derived(book, full=True)
    assert report is not None and not report.ok
    assert report.checks[0].problems[:2] == (
        f"1 quad(s) of the entries are missing from the {COPY}:",
        f"  - {in_default}",
    )


def test_the_query_copy_is_not_rebuilt_from_entries_that_do_not_verify(
    server: Callable[[], Server],
) -> None:
    """rebuild refuses to write the query copy from stored bytes that were edited."""
    oxigraph = server()
    book = _remote_with(oxigraph, 2)
    RemoteTamper(oxigraph).rewrite(1, _change_a_claim(book.read_entry(1)))
    held, expected = _query_copy(oxigraph, book)
    result = _run(oxigraph.url, "rebuild", "--index")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "refusing to write the query copy from entries that do not verify" in result.stderr
    assert "Traceback" not in result.stderr
    assert _query_copy(oxigraph, book)[0] == held  # left as it was


def test_verify_derived_finds_a_changed_literal_in_the_query_copy(
    server: Callable[[], Server],
) -> None:
    """An entry's author changed in the query copy changes what `log` says; --derived names
    the quad missing and the changed one extra."""
    oxigraph = server()
    url, book = _retracted_example(oxigraph)
    author = ox.NamedNode(CL + "author")
    original = next(q for q in _copy_quads(oxigraph, author) if q.graph_name.value.endswith(":1"))
    changed = ox.Quad(original.subject, author, ox.Literal("someone else"), original.graph_name)
    tamper = RemoteTamper(oxigraph)
    tamper.delete_quad(original)
    tamper.add_quad(changed)
    assert "someone else" in _run(url, "log").stdout  # the edit changes an answer
    result = _derived(url)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert (
        f"1 quad(s) of the entries are missing from the {COPY}:\n    - {original}" in result.stdout
    )
    assert f"1 quad(s) in the {COPY} are in no entry:\n    + {changed}" in result.stdout


# --- queries ------------------------------------------------------------------------------------

SOURCE = f"<{EX}source>"
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "bound-literal",
        f"SELECT ?entry ?seq WHERE {{ ?entry <{CL}sequence> ?seq }} ORDER BY ?entry",
        {"seq": ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))},
    ),
    (
        "count",
        f"SELECT (COUNT(DISTINCT ?span) AS ?n) WHERE {{ ?span a <{EX}SourceSpan> }}",
        {},
    ),
    (
        "describe-a-node",
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        {"s": ox.NamedNode(f"{EX}claim/1-0")},
    ),
    (
        "optional-first",  # api.claim_status: substitutions must bind before the OPTIONALs
        "SELECT ?claim ?revisionOf ?invalidatedAt ?revised ?invalidated WHERE { "
        "OPTIONAL { ?new ?revisionOf ?claim BIND(true AS ?revised) } "
        "OPTIONAL { ?claim ?invalidatedAt ?t BIND(true AS ?invalidated) } } LIMIT 1",
        {
            "claim": ox.NamedNode(f"{EX}claim/0-0"),
            "revisionOf": ox.NamedNode("http://www.w3.org/ns/prov#wasRevisionOf"),
            "invalidatedAt": ox.NamedNode("http://www.w3.org/ns/prov#invalidatedAtTime"),
        },
    ),
    (
        "subquery-only",
        "SELECT ?type ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?c a ?type } } }",
        {"type": ox.NamedNode(EX + "Claim")},
    ),
    (
        "comments-strings-and-names",
        "PREFIX where: <https://example.org/claims/> # a comment { with braces }\n"
        "SELECT ?c ?status ('{ not a group }' AS ?text) "
        "WHERE { ?c a where:Claim ; where:status ?status }",
        {"status": ox.Literal("open")},
    ),
    (
        "exists-in-projection",
        f"SELECT ?c ?label (EXISTS {{ ?c <{EX}quote> ?q }} AS ?quoted) "
        f"WHERE {{ ?c <{EX}label> ?label }}",
        {"label": ox.Literal("c1-0")},
    ),
    (
        "named-graphs",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g != {LEDGER_GRAPH}) }} GROUP BY ?g",
        {},
    ),
    ("ask", "ASK { ?c <https://example.org/claims/label> ?label }", {"label": ox.Literal("c2-1")}),
    (
        "construct",
        f"CONSTRUCT {{ ?c <{EX}hasSpan> ?span }} WHERE {{ ?c {SOURCE} ?span ; <{EX}label> ?l }}",
        {"l": ox.Literal("c2-3")},
    ),
    (
        "construct-where",
        f"CONSTRUCT WHERE {{ ?c {SOURCE} ?span }}",
        {"c": ox.NamedNode(f"{EX}claim/0-1")},
    ),
    ("describe", f"DESCRIBE ?c WHERE {{ ?c a <{EX}Quote> ; <{EX}speaker> ?who }}", {}),
]


def _rows(result: Any) -> Any:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return sorted(str(triple) for triple in result)
    variables = [v.value for v in result.variables]
    return variables, sorted(tuple(str(row[v]) for v in variables) for row in result)


@pytest.mark.parametrize(
    ("sparql", "substitutions"), [pytest.param(q, s, id=name) for name, q, s in QUERIES]
)
def test_index_answers_as_the_embedded_index(
    server: Callable[[], Server], tmp_path: Path, sparql: str, substitutions: dict[str, Any]
) -> None:
    """The same query, with the same substitutions, gives the same results on both ledgers."""
    far, near = _twins(server(), tmp_path)
    with far.index() as remote_index, near.index() as local_index:
        expected = _rows(local_index.query(sparql, substitutions=substitutions))
        assert expected not in ([], False, ([], [])), "the query should find something"
        assert _rows(remote_index.query(sparql, substitutions=substitutions)) == expected
        assert remote_index.indexed_through == local_index.indexed_through == 3


def test_default_graph_alone_is_queried_on_request(
    server: Callable[[], Server], tmp_path: Path
) -> None:
    """use_default_graph_as_union=False sees only default-graph quads, as embedded."""
    if not _has_default_graph(server()):
        pytest.skip(NO_DEFAULT_GRAPH)
    far, near = _twins(server(), tmp_path)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    with far.index() as remote_index, near.index() as local_index:
        expected = _rows(local_index.query(query, use_default_graph_as_union=False))
        assert len(expected[1]) == 3
        assert _rows(remote_index.query(query, use_default_graph_as_union=False)) == expected


def test_blank_nodes_can_be_followed_from_one_query_to_the_next(
    server: Callable[[], Server], tmp_path: Path
) -> None:
    """A blank node found by one query can be bound in the next, with the embedded labels."""
    far, near = _twins(server(), tmp_path)
    found = []
    for book in (far, near):
        with book.index() as index:
            (row,) = index.query(
                f"SELECT ?c ?span WHERE {{ ?c {SOURCE} ?span }}",
                substitutions={"c": ox.NamedNode(f"{EX}claim/2-1")},
            )  # type: ignore[misc]
            span = row["span"]
            assert isinstance(span, ox.BlankNode)
            rows = index.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", substitutions={"s": span})
            found.append((span.value, _rows(rows)))
    assert found[0] == found[1] and found[0][0].startswith("e3_c14n")
    assert len(found[0][1][1]) == 5


def test_what_only_the_remote_index_shows(server: Callable[[], Server], tmp_path: Path) -> None:
    """The bookkeeping graph is the one difference: queries over all graphs also see it."""
    if isinstance(server(), VirtuosoServer):
        pytest.skip(QUERIES_ON_REPLICA)
    far, near = _twins(server(), tmp_path)
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    with far.index() as remote_index, near.index() as local_index:
        remote_graphs = set(_rows(remote_index.query(query))[1])
        local_graphs = set(_rows(local_index.query(query))[1])
    assert remote_graphs - local_graphs == {(LEDGER_GRAPH,)}


def test_substitutions_are_values_not_query_text(server: Callable[[], Server]) -> None:
    """A value that looks like SPARQL is only ever a value: nothing is injected, nothing changes."""
    if isinstance(server(), VirtuosoServer):
        pytest.skip(QUERIES_ON_REPLICA)
    book = _remote_with(server(), 1)
    hostile = ox.Literal('x" } } ; DROP ALL ; INSERT DATA { <a> <b> <c> } #\n')
    with book.index() as index:
        rows = index.query("SELECT ?s WHERE { ?s ?p ?o }", substitutions={"o": hostile})
        assert list(rows) == []  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            index.query("SELECT ?s WHERE { ?s ?p ?o }", substitutions={"o} ?x {": hostile})
        with pytest.raises(UsageError, match="need a WHERE clause"):
            index.query("DESCRIBE ?s", substitutions={"s": ox.NamedNode(EX + "a")})
        with pytest.raises(SyntaxError, match="the SPARQL server refused the query"):
            index.query("SELECT ?s WHERE { ?s ?p }")
    assert book.size() == 1 and book.verify().ok


def test_known_triples_are_asked_with_bound_values(
    server: Callable[[], Server], tmp_path: Path
) -> None:
    """known_triples finds what the embedded index finds; hostile values stay values."""
    far, near = _twins(server(), tmp_path)
    held = [
        (q.subject, q.predicate, q.object)
        for q in _batch(1, 3)
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    ][:5]
    hostile = ox.Literal('x" } } ; DROP ALL ; INSERT DATA { <a> <b> <c> } #\n')
    absent = [
        (ox.NamedNode(EX + "nobody"), ox.NamedNode(EX + "label"), hostile),
        (ox.BlankNode("c14n0"), ox.NamedNode(EX + "label"), ox.Literal("b1")),
        *[
            (ox.NamedNode(f"{EX}n{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)))
            for i in range(250)
        ],
    ]
    with near.index() as local_index, far.index() as remote_index:
        expected = api.known_triples(local_index)(held + absent)
        assert expected == set(held)
        assert remote_index.known_triples(held + absent) == expected
    assert far.size() == 3 and far.verify().ok


def test_a_closed_index_refuses_queries(server: Callable[[], Server]) -> None:
    """After the with block, the index says it is closed instead of querying."""
    book = _remote_with(server(), 1)
    with book.index() as index:
        pass
    with pytest.raises(LedgerStateError, match="the index has been closed"):
        index.query("ASK {}")


# --- the writer lock ----------------------------------------------------------------------------


def _flag(oxigraph: Server, owner: str, since: str = "NOW()") -> None:
    oxigraph.update(
        f"INSERT {{ GRAPH {LEDGER_GRAPH} {{ "
        f"<urn:claim-ledger:writer:test-{random.randrange(10**9)}> "
        f"<urn:claim-ledger:remote:owner> {json.dumps(owner)} ; "
        "<urn:claim-ledger:remote:since> ?t } } "
        f"WHERE {{ BIND({since} AS ?t) }}"
    )


def _flags(oxigraph: Server) -> int:
    rows = oxigraph.select(
        f"SELECT ?f WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?f <urn:claim-ledger:remote:owner> ?o }} }}"
    )
    return len(rows)


def test_flags_of_dead_or_expired_writers_do_not_block(
    server: Callable[[], Server],
) -> None:
    """A flag left by a process that died here, or older than the lease, is removed at once."""
    oxigraph = server()
    book = _remote_with(oxigraph, 1)
    book.lock_timeout = 0.3
    dead = subprocess.Popen(["true"])
    dead.wait()
    # the lock marks name their owner as _owner() writes it: this machine, a dead PID
    _flag(oxigraph, remote._owner().rsplit(" ", 1)[0] + f" {dead.pid}")  # noqa: SLF001
    _flag(
        oxigraph,
        "another-host 1 4242",
        since='"2001-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
    )
    assert book.append(claims(1, 5), author="a", message="m", kind="add").seq == 2
    assert _flags(oxigraph) == 0


def _is_entry_insert(sparql: str) -> bool:
    return "FILTER NOT EXISTS" in sparql and "remote:nquads" in sparql


class _Captured(Exception):
    pass


def _rival_update(url: str, batch: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """The update another writer sends for the next entry, captured instead of sent."""
    rival = remote.remote_open(url)
    captured: list[str] = []
    real = rival.server.update

    def capture(sparql: str) -> None:
        if _is_entry_insert(sparql):
            captured.append(sparql)
            raise _Captured
        real(sparql)

    monkeypatch.setattr(rival.server, "update", capture)
    with pytest.raises(_Captured):
        rival.append(claims(2, batch), author="rival", message="m", kind="add")
    return captured[0]


def _query_copy(oxigraph: Server, book: remote.RemoteLedger) -> tuple[set[str], set[str]]:
    """The entries' quads the server holds, and the ones its stored entries give."""
    # Both sides go through a pyoxigraph store, which writes values in one form (Virtuoso gives
    # back xsd:dateTime as stored, Oxigraph and pyoxigraph normalise it).
    server_side = ox.Store()
    server_side.extend(
        quad
        for quad in ox.parse(oxigraph.dump(), format=ox.RdfFormat.N_QUADS)
        if quad.graph_name != ox.NamedNode("urn:claim-ledger:ledger")
    )
    held = {str(quad) for quad in server_side}
    rebuilt = ox.Store()
    for seq in range(1, book.size() + 1):
        rebuilt.extend(book.skolemised(entry.index_quads(seq, book.read_entry(seq))))
    return held, {str(quad) for quad in rebuilt}


def test_a_rival_that_appended_first_makes_the_append_retry(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry written between reading the head and inserting blocks ours; ours goes next."""
    oxigraph = server()
    book = _remote_with(oxigraph, 2)
    book.use_writer_lock = False  # as if the rival did not respect the lock
    real = book.server.update
    rival = remote.remote_open(oxigraph.url)

    def rival_first(sparql: str) -> None:
        if _is_entry_insert(sparql) and rival.size() == 2:
            rival.append(claims(2, 8), author="rival", message="m", kind="add")
        real(sparql)

    monkeypatch.setattr(book.server, "update", rival_first)
    record = book.append(claims(1, 9), author="me", message="m", kind="add")
    assert record.seq == 4
    assert [(r.seq, r.author) for r in book.entries()][2:] == [(3, "rival"), (4, "me")]
    assert book.verify().ok
    held, expected = _query_copy(oxigraph, book)
    assert held == expected


def test_a_fork_is_withdrawn_by_the_writer_that_did_not_see_its_entry_alone(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two entries 3 at once (a snapshot race): ours is withdrawn whole and goes in as entry 4."""
    oxigraph = server()
    book = _remote_with(oxigraph, 2)
    sequence = "<urn:claim-ledger:remote:sequence>"
    guard = f"FILTER NOT EXISTS {{ GRAPH {LEDGER_GRAPH} {{ ?other {sequence} ?seq }} }}"
    rival = _rival_update(oxigraph.url, 8, monkeypatch)
    assert guard in rival
    real = book.server.update
    raced: list[bool] = []

    def rival_races(sparql: str) -> None:
        real(sparql)
        if _is_entry_insert(sparql) and not raced:  # its guard ran before ours committed
            raced.append(True)
            real(rival.replace(guard, ""))

    monkeypatch.setattr(book.server, "update", rival_races)
    record = book.append(claims(1, 9), author="me", message="m", kind="add")
    assert raced and record.seq == 4
    assert [(r.seq, r.author) for r in book.entries()][2:] == [(3, "rival"), (4, "me")]
    assert book.verify().ok
    held, expected = _query_copy(oxigraph, book)
    assert held == expected  # nothing of the withdrawn entry 3 is left


# --- errors from the server ---------------------------------------------------------------------


class _FakeServer:
    """An HTTP server on 127.0.0.1 that answers every POST with ``handle``; for bad servers."""

    def __init__(self, handle: Callable[[http.server.BaseHTTPRequestHandler], None]) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                handle(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def _html(handler: http.server.BaseHTTPRequestHandler) -> None:
    body = b"<html><body>Welcome</body></html>"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _slow(handler: http.server.BaseHTTPRequestHandler) -> None:
    time.sleep(1.5)


def test_unreachable_or_non_sparql_servers_give_clear_errors() -> None:
    """Refused connections, non-SPARQL servers, 404s and silence are LedgerErrors saying so."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(
        remote.ServerError, match="cannot reach the SPARQL server: connection refused"
    ) as refused:
        remote.remote_open(f"http://127.0.0.1:{port}")
    assert "hint: start the server" in str(refused.value) and refused.value.exit_code == 2
    with _FakeServer(_html) as fake:
        with pytest.raises(
            remote.ServerError, match=r"did not answer as a SPARQL endpoint \(it sent text/html"
        ):
            remote.remote_open(fake.url)
    with _FakeServer(_slow) as fake:
        started = time.monotonic()
        with pytest.raises(remote.ServerError, match="did not answer within 0.5 s"):
            remote.remote_open(fake.url, timeout=0.5)
        assert time.monotonic() - started < 1.4
    with pytest.raises(UsageError, match="is not an http"):
        remote.remote_open("ftp://127.0.0.1/")


def test_a_wrong_endpoint_says_which_options_to_give(server: Callable[[], Server]) -> None:
    """A query endpoint that does not exist is reported with the endpoint options to use."""
    oxigraph = server()
    base = oxigraph.url.removesuffix("/sparql")
    with pytest.raises(
        remote.ServerError, match=r"no SPARQL query endpoint here \(HTTP 404"
    ) as wrong:
        remote.remote_open(oxigraph.url, query_endpoint=f"{base}/nothing")
    assert "--query-endpoint" in str(wrong.value)
    book = remote.remote_init(oxigraph.url)
    # Oxigraph's layout is URL/query and URL/update; Virtuoso's, URL/sparql for both
    query, update = (
        (f"{base}/query", f"{base}/update")
        if _has_default_graph(oxigraph)
        else (oxigraph.url, oxigraph.url)
    )
    opened = remote.remote_open(base + "/ignored", query_endpoint=query, update_endpoint=update)
    assert opened.id == book.id


def test_a_server_that_goes_away_gives_a_clear_error(tmp_path: Path, server_kind: str) -> None:
    """Stopping the server mid-run turns every call into a ServerError, never a traceback."""
    with SERVER_CLASSES[server_kind](tmp_path / "data") as oxigraph:
        book = _remote_with(oxigraph, 2)
    for call in (
        lambda: book.append(claims(1), author="a", message="m", kind="add"),
        book.size,
        book.verify,
        lambda: list(book.entries()),
    ):
        with pytest.raises(remote.ServerError, match="cannot reach the SPARQL server"):
            call()
    with SERVER_CLASSES[server_kind](tmp_path / "data") as again:  # the data survived
        assert remote.remote_open(again.url).verify().ok


class _Proxy:
    """A proxy on 127.0.0.1 to a real SPARQL server, at the same path (so that /sparql still
    names Virtuoso's one endpoint); ``intercept`` may answer a request itself."""

    def __init__(self, upstream: str) -> None:
        parts = urllib.parse.urlsplit(upstream)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sent = urllib.parse.unquote_plus(body.decode("ascii"))  # the request is a form
                if not proxy.intercept(self, sent, body):
                    proxy.forward(self, body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{parts.path}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def intercept(
        self, handler: http.server.BaseHTTPRequestHandler, sent: str, body: bytes
    ) -> bool:
        """Answer ``handler``'s request here (True), or let it through to the server (False)."""
        return False

    def send_upstream(self, handler: http.server.BaseHTTPRequestHandler, body: bytes) -> Any:
        request = urllib.request.Request(
            self.origin + handler.path,
            data=body,
            method="POST",
            headers={k: v for k, v in handler.headers.items() if k in ("Content-Type", "Accept")},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        return opener.open(request, timeout=10)

    def forward(self, handler: http.server.BaseHTTPRequestHandler, body: bytes) -> None:
        with self.send_upstream(handler, body) as response:
            answer = response.read()
            handler.send_response(response.status)
            handler.send_header("Content-Type", response.headers["Content-Type"] or "text/plain")
            if response.headers["Server"]:
                handler.send_header("Server", response.headers["Server"])
            handler.send_header("Content-Length", str(len(answer)))
            handler.end_headers()
            handler.wfile.write(answer)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def _is_append(sent: str) -> bool:
    """Whether a request is the update that inserts an entry."""
    return "FILTER NOT EXISTS" in sent and "remote:nquads" in sent


class _DroppingProxy(_Proxy):
    """Closes the connection on the request carrying an entry, after the server wrote it."""

    def __init__(self, upstream: str) -> None:
        self.dropped = 0
        super().__init__(upstream)

    def intercept(
        self, handler: http.server.BaseHTTPRequestHandler, sent: str, body: bytes
    ) -> bool:
        if not _is_append(sent):
            return False
        with self.send_upstream(handler, body):
            pass  # the entry is written, but the answer is lost
        self.dropped += 1
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)
        return True


class _DeadlockingProxy(_Proxy):
    """Answers the first ``deadlocks`` appends as Virtuoso answers a transaction it rolled back
    to break a deadlock: HTTP 200, ``X-SQL-State: 00000`` and ``X-SQL-Message: SR172:
    Transaction deadlocked`` (measured on Virtuoso 7.2 with two writers inserting at once),
    without passing them on."""

    def __init__(self, upstream: str, deadlocks: int) -> None:
        self.left = deadlocks
        self.refused = 0
        super().__init__(upstream)

    def intercept(
        self, handler: http.server.BaseHTTPRequestHandler, sent: str, body: bytes
    ) -> bool:
        if self.left <= 0 or not _is_append(sent):
            return False
        self.left -= 1
        self.refused += 1
        answer = b"<html>deadlocked</html>"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("X-SQL-State", "00000")
        handler.send_header("X-SQL-Message", "SR172: Transaction deadlocked")
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)
        return True


def test_a_lost_answer_says_the_entry_may_have_been_written(
    server: Callable[[], Server],
) -> None:
    """When the answer to an append is lost, the error says so and the entry is whole or absent."""
    oxigraph = server()
    _remote_with(oxigraph, 1)
    proxy = _DroppingProxy(oxigraph.url)
    try:
        book = remote.remote_open(proxy.url)
        with pytest.raises(remote.ServerError) as lost:
            book.append(claims(2, 7), author="a", message="m", kind="add")
    finally:
        proxy.close()
    assert proxy.dropped == 1
    assert "closed the connection without answering" in str(lost.value)
    assert "entry 2 may or may not have been written" in str(lost.value)
    direct = remote.remote_open(oxigraph.url)
    assert direct.size() == 2 and direct.verify().ok  # here it was written, whole


def test_a_deadlocked_append_is_sent_again(server: Callable[[], Server]) -> None:
    """A server that rolled an append back to break a deadlock gets it again; none is lost."""
    oxigraph = server()
    _remote_with(oxigraph, 1)
    proxy = _DeadlockingProxy(oxigraph.url, deadlocks=3)
    try:
        record = remote.remote_open(proxy.url).append(
            claims(2, 7), author="a", message="m", kind="add"
        )
    finally:
        proxy.close()
    assert proxy.refused == 3 and record.seq == 2
    direct = remote.remote_open(oxigraph.url)
    assert direct.size() == 2 and direct.verify().ok


def test_a_server_that_keeps_deadlocking_says_so(server: Callable[[], Server]) -> None:
    """Deadlock after deadlock: a clear ServerError saying nothing was written, not a time limit."""
    oxigraph = server()
    _remote_with(oxigraph, 1)
    proxy = _DeadlockingProxy(oxigraph.url, deadlocks=10**6)
    try:
        with pytest.raises(remote.ServerError) as failed:
            remote.remote_open(proxy.url).append(claims(2, 7), author="a", message="m", kind="add")
    finally:
        proxy.close()
    message = str(failed.value)
    assert f"reported a deadlock {remote.MAX_DEADLOCK_ATTEMPTS} times in a row" in message
    assert "SR172: Transaction deadlocked" in message and "time limit" not in message
    assert remote.remote_open(oxigraph.url).size() == 1


class _ShortAnswers:
    """Wraps a ledger's ``server.select``: the first ``times`` answers to queries containing
    ``marker`` come back without rows (or, with ``keep``, without those variables), as Virtuoso
    7.2 answered while it checkpointed."""

    def __init__(
        self, book: remote.RemoteLedger, marker: str, times: int, keep: bool = False
    ) -> None:
        self.select = book.server.select
        self.marker, self.left, self.keep, self.shortened = marker, times, keep, 0
        book.server.select = self  # type: ignore[method-assign]

    def __call__(self, sparql: str) -> list[dict[str, str]]:
        rows = self.select(sparql)
        if self.marker in sparql and self.left > 0:
            self.left -= 1
            self.shortened += 1
            strip = ("time", "author", "message", "kind")
            return (
                [{k: v for k, v in row.items() if k not in strip} for row in rows]
                if (self.keep)
                else []
            )
        return rows


_BYTES_BY_NUMBER = "SELECT ?stored ?bytes"
_LISTING = "SELECT ?seq ?time ?author"


def test_an_answer_short_of_an_entry_is_read_again(server: Callable[[], Server]) -> None:
    """An entry counted but missing from the next answer, or listed without its metadata, is
    read again: reads, the listing and the next append go through, nothing is written twice."""
    book = _remote_with(server(), 3)
    short = _ShortAnswers(book, _BYTES_BY_NUMBER, times=2)
    assert check_canonical(book.read_entry(3)) is None
    short.left = 1
    record = book.append(claims(2, 9), author="a", message="after", kind="add")
    assert record.seq == 4 and book.size() == 4
    listing = _ShortAnswers(book, _LISTING, times=1, keep=True)
    assert [r.message for r in book.entries()] == ["0", "1", "2", "after"]
    assert short.shortened == 3 and listing.shortened == 1
    assert book.verify().ok


def test_verify_and_the_listing_read_a_short_answer_again(server: Callable[[], Server]) -> None:
    """An answer with fewer rows than the ledger's entries, once, is read again: verify passes
    and the listing is whole (only a server that keeps capping gets the capped error)."""
    book = _remote_with(server(), 3)
    sizing = _ShortAnswers(book, "SELECT ?seq (COUNT(?bytes)", times=1)
    batch = _ShortAnswers(book, "SELECT ?seq ?bytes WHERE", times=1)
    listing = _ShortAnswers(book, _LISTING, times=1)
    assert book.verify().ok
    assert [r.seq for r in book.entries()] == [1, 2, 3]
    assert (sizing.shortened, batch.shortened, listing.shortened) == (1, 1, 1)


def test_an_entry_that_stays_unreadable_is_reported_as_found(
    server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry that stays counted but unreadable past the wait is reported, not appended on."""
    monkeypatch.setattr(remote, "UNSTEADY_READ_WAIT", 0.2)
    book = _remote_with(server(), 3)
    _ShortAnswers(book, _BYTES_BY_NUMBER, times=10**6)
    with pytest.raises(LedgerStateError, match=r"there is no entry 3 \(the ledger has 3; ") as got:
        book.read_entry(3)
    # what the server holds under the number, and how long it was read again, say why
    assert "holds its bytes, but a read of them by number returned none" in str(got.value)
    assert re.search(r"the same after \d+ reads over \d+ s", str(got.value)), str(got.value)
    with pytest.raises(
        LedgerStateError, match="refusing to append: entry 3 (was withdrawn|is numbered)"
    ):
        book.append(claims(1), author="a", message="m", kind="add")
    listed = remote.remote_open(book.url)
    _ShortAnswers(listed, _LISTING, times=10**6, keep=True)
    with pytest.raises(LedgerStateError, match="has no metadata in the server's query data"):
        list(listed.entries())
    assert remote.remote_open(book.url).size() == 3


# --- the command line ---------------------------------------------------------------------------


def _run(url: str, *args: str) -> Result:
    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", url, *args])


@pytest.mark.slow
def test_the_commands_work_on_a_remote_ledger(server: Callable[[], Server], tmp_path: Path) -> None:
    """init, add, log, show, retract, verify, checkpoint, export and import against a server."""
    url = server().url
    assert _run(url, "init").exit_code == 0
    added = _run(
        url, "add", str(EXAMPLE), "--author", "tester", "--message", "example", "--format", "json"
    )
    assert added.exit_code == 0, added.stdout + added.stderr
    assert len(json.loads(added.stdout)["added"]) == 41
    again = _run(url, "add", str(EXAMPLE), "--format", "json")
    assert again.exit_code == 0 and len(json.loads(again.stdout)["duplicates"]) == 41
    retracted = _run(url, "retract", "sohr-about-10000-fled", "--reason", "figure corrected")
    assert retracted.exit_code == 0, retracted.stderr
    shown = _run(url, "show", "sohr-about-10000-fled")
    assert shown.exit_code == 0 and "# status retracted" in shown.stdout
    log = json.loads(_run(url, "log", "--format", "json").stdout)
    assert [(r["seq"], r["kind"]) for r in log] == [(1, "add"), (2, "retract")]
    assert _run(url, "show", "1").stdout.endswith(remote.remote_open(url).read_entry(1).decode())
    assert _run(url, "verify").exit_code == 0
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(_run(url, "checkpoint").stdout)
    assert _run(url, "verify", "--checkpoint", str(checkpoint)).exit_code == 0
    exported = tmp_path / "export.trig"
    exported.write_text(_run(url, "export", "--format", "trig").stdout, encoding="utf-8")
    restored = server().url
    imported = _run(restored, "import", str(exported))
    assert imported.exit_code == 0, imported.stderr
    assert _run(restored, "checkpoint").stdout == checkpoint.read_text()
    near = tmp_path / "embedded"
    assert _run(str(near), "import", str(exported)).exit_code == 0
    assert _run(str(near), "checkpoint").stdout == checkpoint.read_text()
    missing = _run(server().url, "log")
    assert missing.exit_code == 2 and "claim-ledger --ledger" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_child_process_runs_this_checkout() -> None:
    """The child command runs this checkout's ledger package (a broken import would hide tests)."""
    result = subprocess.run(
        child_command("unknown-mode", "http://127.0.0.1:1"),
        capture_output=True,
        env=child_environment(),
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "unknown mode unknown-mode" in result.stderr
    assert os.path.basename(child_command()[1]) == "oxigraph_server.py"


def test_the_analysis_commands_give_the_same_rows_on_both_backends(
    server: Callable[[], Server], tmp_path: Path
) -> None:
    """claims, corroborations, conflicts, grade, query, export and report: remote = embedded."""
    analysis_cases = Path(__file__).parent / "data" / "analysis"
    url, near = server().url, str(tmp_path / "embedded")
    for where in (url, near):
        assert _run(where, "init").exit_code == 0
        assert _run(where, "add", str(EXAMPLE)).exit_code == 0
        added = _run(where, "add", str(analysis_cases), "--format", "json")
        assert added.exit_code == 0, added.stderr
        assert len(json.loads(added.stdout)["conflicts"]) == 11
        assert _run(where, "retract", "sohr-500-fled-foxtrot", "--reason", "test").exit_code == 0
    query = tmp_path / "count.rq"
    query.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/claim-ledger/ns#Claim> }"
    )
    for args in (
        ("claims", "--format", "json"),
        ("corroborations", "--format", "json"),
        ("conflicts", "--format", "json"),
        ("conflicts", "--as-of", "2", "--format", "json"),
        ("grade", "--format", "json"),
        ("query", str(query), "--format", "json"),
        ("export", "--format", "claimreview"),
        ("export", "--format", "csv"),
    ):
        remote_rows, embedded_rows = _run(url, *args), _run(near, *args)
        assert remote_rows.exit_code == 0, (args, remote_rows.stderr)
        assert remote_rows.stdout == embedded_rows.stdout, args
    assert json.loads(_run(url, "conflicts", "--format", "json").stdout)
    for where, out in ((url, tmp_path / "remote-report"), (near, tmp_path / "embedded-report")):
        assert _run(where, "report", "--out", str(out), "--format", "md").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "remote-report").rglob("*.md")) == sorted(
        p.name for p in (tmp_path / "embedded-report").rglob("*.md")
    )


# --- Virtuoso's differences -----------------------------------------------------------------------


@pytest.fixture
def virtuoso(request: pytest.FixtureRequest) -> Iterator[VirtuosoServer]:
    """A Virtuoso server with an empty dataset (skipped, saying why, without Virtuoso)."""
    pool = server_pool(request, "virtuoso")
    try:
        yield pool.acquire()
    finally:
        pool.release_all()


def test_virtuoso_refuses_quads_outside_a_named_graph(virtuoso: VirtuosoServer) -> None:
    """Virtuoso has no default graph of its own: such quads are refused, nothing is written."""
    book = remote.remote_init(virtuoso.url)
    with pytest.raises(UsageError, match="keeps no default graph of its own"):
        book.append(_batch(1, 2), author="a", message="m", kind="add")
    assert book.size() == 0
    book.append(_batch(1, 2, default_graph=False), author="a", message="m", kind="add")
    assert book.size() == 1 and book.verify().ok


def test_queries_of_a_ledger_on_virtuoso_run_on_its_replica(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    """On Virtuoso, index() is the verified replica's: booleans stay booleans, as embedded."""
    far, near = _twins(virtuoso, tmp_path)
    query = f"SELECT ?c ?flag WHERE {{ ?c <{CL}flag> ?flag }} ORDER BY ?c"
    flag = ox.Quad(
        ox.NamedNode(EX + "c"), ox.NamedNode(CL + "flag"), ox.Literal(True), ox.NamedNode(EX + "g")
    )
    for book in (near, far):
        book.append([flag], author="a", message="m", kind="add")
    with far.index() as remote_index, near.index() as local_index:
        assert not isinstance(remote_index, remote.RemoteIndex)
        assert remote_index.indexed_through == far.size() == 4
        assert _rows(remote_index.query(query)) == _rows(local_index.query(query))
    # Virtuoso itself answers otherwise: the boolean comes back as an integer.
    (row,) = virtuoso.select(f"SELECT ?flag WHERE {{ GRAPH ?g {{ ?c <{CL}flag> ?flag }} }}")
    assert row["flag"] == "1"


def test_a_large_entry_goes_to_virtuoso_with_its_query_copy_in_parts(
    virtuoso: VirtuosoServer,
) -> None:
    """An entry beyond one Virtuoso update is stored whole; its query copy follows in parts."""
    book = remote.remote_init(virtuoso.url)
    record = book.append(claims(250, 1), author="a", message="large", kind="add")
    data = book.read_entry(1)
    quads = len(data.splitlines())
    assert quads > 2 * remote.QUERY_COPY_BATCH  # more than one part
    assert record.hash == "sha256:" + hashlib.sha256(data).hexdigest()
    (row,) = virtuoso.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{book.entry_iri(1)}> {{ ?s ?p ?o }} }}"
    )
    assert int(row["n"]) > 0
    (marked,) = virtuoso.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {INDEXED} ?o }} }}"
    )
    assert marked["n"] == "1"
    assert book.verify(deep=True).ok


def test_virtuoso_refuses_an_entry_too_large(virtuoso: VirtuosoServer) -> None:
    """An entry beyond 1 MiB, which Virtuoso's parser cannot take, is refused before writing."""
    book = remote.remote_init(virtuoso.url)
    with pytest.raises(UsageError, match=r"takes entries of up to 1 MiB") as refused:
        book.append(claims(400, 1), author="a", message="too large", kind="add")
    assert "add fewer claim files at a time" in str(refused.value)
    assert book.size() == 0


def test_an_unfinished_query_copy_is_completed_by_the_next_append(
    virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that dies between its entry and its query copy: the next writer finishes it."""
    book = remote.remote_init(virtuoso.url)
    with monkeypatch.context() as patch:
        patch.setattr(remote.RemoteLedger, "_write_query_copy", lambda *args: None)
        book.append(claims(2, 1), author="a", message="died", kind="add")
    assert list(book.entries())[0].message == "died"  # its metadata, read from its bytes
    book.append(claims(2, 2), author="a", message="next", kind="add")
    (row,) = virtuoso.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {INDEXED} ?o }} }}"
    )
    assert row["n"] == "2"
    (meta,) = virtuoso.select(
        f"SELECT ?m WHERE {{ GRAPH <{book.entry_iri(1)}> {{ ?e <{CL}message> ?m }} }}"
    )
    assert meta["m"] == "died"


@pytest.mark.slow
def test_a_reader_and_a_writer_go_on_while_virtuoso_checkpoints(virtuoso: VirtuosoServer) -> None:
    """Checkpoints every 0.2 s under a reader process and a writer: no error, whole entries.

    Virtuoso 7.2 then answered some reads without rows it held (an entry counted but not found,
    an entry without its metadata); before those were read again, 1 run in 6 of 40 appends
    failed this way, and CI failed on it twice.
    """
    book = _remote_with(virtuoso, 1)
    stop = threading.Event()

    def checkpoints() -> None:
        while not stop.wait(0.2):
            virtuoso.checkpoint()

    checkpointer = threading.Thread(target=checkpoints)
    reader = subprocess.Popen(
        child_command("read-loop", virtuoso.url),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_environment(),
        text=True,
    )
    checkpointer.start()
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "ready\n"
        for batch in range(80):
            book.append(claims(40, batch), author="w", message="m", kind="add")
        out, err = reader.communicate("", timeout=120)
    finally:
        stop.set()
        checkpointer.join()
        if reader.poll() is None:
            reader.kill()
            reader.communicate()
    assert reader.returncode == 0, err  # it read entries whole, and never failed to find one
    assert re.fullmatch(r"read 81 entries in \d+ rounds", out.splitlines()[-1]), out
    assert book.verify().ok


def test_a_capped_answer_is_refused_not_taken_for_the_whole_ledger(
    virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that caps its rows (Virtuoso's ResultSetMaxRows) gets an error, not a short log."""
    monkeypatch.setattr(remote, "UNSTEADY_READ_WAIT", 0.2)  # it stays capped when read again
    book = remote.remote_init(virtuoso.url)
    for batch in range(3):
        book.append(claims(1, batch), author="a", message="m", kind="add")
    real = remote.SparqlServer.select

    def capped(self: remote.SparqlServer, sparql: str) -> list[dict[str, str]]:
        rows = real(self, sparql)
        return rows if "COUNT" in sparql or "MAX" in sparql else rows[:2]

    monkeypatch.setattr(remote.SparqlServer, "select", capped)
    for call in (lambda: list(book.entries()), book.verify):
        with pytest.raises(remote.ServerError, match="caps the rows of an answer"):
            call()


def test_server_hashes_are_not_trusted(virtuoso: VirtuosoServer) -> None:
    """Virtuoso's SHA256() of non-ASCII text is wrong; entries with such text still verify."""
    book = remote.remote_init(virtuoso.url)
    text = "Çà et là: ثلاثة، 東京 😀"
    probe = f'GRAPH <urn:probe> {{ <urn:probe> <urn:says> "{text}" }}'
    virtuoso.update(f"INSERT DATA {{ {probe} }}")
    (row,) = virtuoso.select(
        "SELECT (SHA256(?t) AS ?h) WHERE { GRAPH <urn:probe> { <urn:probe> <urn:says> ?t } }"
    )
    assert row["h"] != hashlib.sha256(text.encode()).hexdigest()  # why the backend hashes itself
    virtuoso.update(f"DELETE DATA {{ {probe} }}")
    quad = ox.Quad(
        ox.NamedNode(EX + "c"), ox.NamedNode(EX + "says"), ox.Literal(text), ox.NamedNode(EX + "g")
    )
    first = book.append([quad], author="a", message=text, kind="add")
    second = book.append(claims(1, 2), author="a", message="m", kind="add")
    assert second.previous_hash == first.hash == book.entry_hash(1)
    assert book.verify(deep=True).ok


@pytest.mark.slow
def test_a_server_killed_and_restarted_mid_append_keeps_whole_entries(
    tmp_path: Path, server_kind: str
) -> None:
    """kill -9 of the server while a writer appends, then a restart: every entry the writer was
    told about is there, whole; the writer got a clear error; verify passes; appends go on."""
    server = SERVER_CLASSES[server_kind](tmp_path / "data")
    server.start()
    try:
        _remote_with(server, 1)
        writer = subprocess.Popen(
            child_command("append-loop", server.url, "writer"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_environment(),
            text=True,
        )
        assert writer.stdout is not None and writer.stderr is not None
        assert writer.stdout.readline() == "ready\n"
        reported = [writer.stdout.readline().split() for _ in range(2)]
        assert server.process is not None
        server.process.kill()  # in the middle of the writer's next append
        server.stop()
        assert writer.wait(timeout=120) == 2  # a ServerError: exit 2, no traceback
        reported += [line.split() for line in writer.stdout.read().splitlines()]
        message = writer.stderr.read()
        writer.stdout.close()
        writer.stderr.close()
        assert message.startswith("error: ") and "Traceback" not in message, message
        server.start(port=server.port)  # the same data
        again = remote.remote_open(server.url)
        hashes = {record.seq: record.hash for record in again.entries()}
        assert all(hashes[int(seq)] == entry_hash for _, seq, entry_hash in reported)
        assert 1 + len(reported) <= again.size() <= 2 + len(reported)
        assert again.verify().ok
        record = again.append(claims(2, 99), author="a", message="after", kind="add")
        assert record.seq == again.size() and again.verify(deep=True).ok
    finally:
        server.stop()
