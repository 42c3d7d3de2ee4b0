"""ledger.remote: the ledger on a SPARQL 1.1 server (an Oxigraph server the tests start).

The same behaviour as the embedded ledger is checked by building both from the same quads and
comparing; the reliability tests run real child processes (``oxigraph_server.py`` as a script):
two writers at once, SIGKILL during appends, a server that goes away.
"""

from __future__ import annotations

import http.server
import itertools
import json
import os
import random
import re
import signal
import socket
import subprocess
import threading
import time
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
    ServerPool,
    child_command,
    child_environment,
    oxigraph_executable,
)

from conftest import EXAMPLE
from ledger import remote, store
from ledger.canon import canonical_nquads, check_canonical, sha256_hex
from ledger.errors import CanonicalizationError, LedgerStateError, UsageError

CL = "https://w3id.org/claim-ledger/ns#"
EX = "https://example.org/claims/"
XSD = "http://www.w3.org/2001/XMLSchema#"
LEDGER_GRAPH = "<urn:claim-ledger:ledger>"

pytestmark = pytest.mark.skipif(
    oxigraph_executable() is None, reason="the oxigraph server is not installed"
)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    """Oxigraph servers on free 127.0.0.1 ports, started on demand, all stopped at the end."""
    servers = ServerPool(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield servers
    finally:
        servers.stop_all()


@pytest.fixture
def server(pool: ServerPool) -> Iterator[Callable[[], OxigraphServer]]:
    """A function giving a server with an empty dataset each time it is called."""
    try:
        yield pool.acquire
    finally:
        pool.release_all()


def _batch(batch: int, n: int = 3) -> list[ox.Quad]:
    """Synthetic claims plus one default-graph quad, so both kinds of graph are exercised."""
    extra = ox.Quad(
        ox.NamedNode(f"{EX}batch/{batch}"), ox.NamedNode(EX + "label"), ox.Literal(f"b{batch}")
    )
    return [*claims(n, batch), extra]


def _remote_with(server: OxigraphServer, entries: int, per_entry: int = 3) -> remote.RemoteLedger:
    book = remote.remote_init(server.url)
    for batch in range(entries):
        book.append(_batch(batch, per_entry), author="tester", message=f"{batch}", kind="add")
    return book


def _twins(
    server: OxigraphServer, tmp_path: Path, entries: int = 3
) -> tuple[remote.RemoteLedger, store.Ledger]:
    """A remote and an embedded ledger with the same id, built from the same quads."""
    far = remote.remote_init(server.url)
    near = store.init(tmp_path / "embedded", ledger_id=far.id)
    for batch in range(entries):
        for book in (far, near):
            book.append(_batch(batch, 2 + batch), author="tester", message=f"{batch}", kind="add")
    return far, near


def _without_time(data: bytes) -> bytes:
    """The entry without its time and the link to the previous entry, whose hash includes one."""
    data = re.sub(rb'<http://www.w3.org/ns/prov#generatedAtTime> "[^"]*"', b"TIME", data)
    return re.sub(rb'previousEntryHash> "sha256:[0-9a-f]{64}"', b"LINK", data)


# --- creating and opening -----------------------------------------------------------------------


def test_init_describes_the_ledger_in_its_own_graph(server: Callable[[], OxigraphServer]) -> None:
    """init writes the ledger id, format, hash algorithm and UTC time in the bookkeeping graph."""
    oxigraph = server()
    book = remote.remote_init(oxigraph.url)
    rows = oxigraph.select(f"SELECT ?p ?o WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s ?p ?o }} }}")
    values = {row["p"].rsplit(":", 1)[1]: row["o"] for row in rows}
    assert values.keys() == {"ledgerId", "format", "hashAlgorithm", "created"}
    assert values["ledgerId"] == book.id and re.fullmatch(
        r"urn:claim-ledger:[-0-9a-f]{36}", book.id
    )
    assert values["format"] == "1" and values["hashAlgorithm"] == "RDFC-1.0/SHA-256"
    assert values["created"].endswith("Z")
    opened = remote.remote_open(oxigraph.url)
    assert (opened.id, opened.size(), opened.head(), list(opened.entries())) == (
        book.id,
        0,
        None,
        [],
    )


def test_init_refuses_an_existing_ledger_or_other_data(
    server: Callable[[], OxigraphServer],
) -> None:
    """A second init is refused; so is an init in a dataset that already holds other data."""
    oxigraph = server()
    first = remote.remote_init(oxigraph.url)
    with pytest.raises(LedgerStateError, match="a ledger already exists there"):
        remote.remote_init(oxigraph.url)
    assert remote.remote_open(oxigraph.url).id == first.id
    busy = server()
    busy.update("INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/a> <https://e.org/b> 1 } }")
    with pytest.raises(LedgerStateError, match="the dataset holds other data"):
        remote.remote_init(busy.url)


def test_open_without_ledger_says_how_to_make_one(server: Callable[[], OxigraphServer]) -> None:
    """Opening a server that holds no ledger fails with a hint naming the init command."""
    oxigraph = server()
    with pytest.raises(LedgerStateError) as missing:
        remote.remote_open(oxigraph.url)
    assert "no ledger at this URL" in str(missing.value)
    assert f"claim-ledger --ledger {oxigraph.url} init" in str(missing.value)
    assert missing.value.exit_code == 2


def test_open_refuses_an_unknown_format(server: Callable[[], OxigraphServer]) -> None:
    """A ledger written in another format is not silently misread."""
    oxigraph = server()
    remote.remote_init(oxigraph.url)
    oxigraph.update(
        f"DELETE {{ GRAPH {LEDGER_GRAPH} {{ ?s ?p 1 }} }} "
        f"INSERT {{ GRAPH {LEDGER_GRAPH} {{ ?s ?p 2 }} }} "
        f"WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s ?p 1 }} }}"
    )
    with pytest.raises(LedgerStateError, match="is not the one this version writes"):
        remote.remote_open(oxigraph.url)


def test_init_with_a_bad_ledger_id_is_a_usage_error(server: Callable[[], OxigraphServer]) -> None:
    """Only urn:claim-ledger:<uuid> ids are accepted, as for the embedded ledger."""
    with pytest.raises(UsageError, match="is not a ledger id"):
        remote.remote_init(server().url, ledger_id="urn:x:1")


# --- appending and reading ----------------------------------------------------------------------


def test_stored_entries_are_the_embedded_ledgers_bytes(
    server: Callable[[], OxigraphServer], tmp_path: Path
) -> None:
    """The same quads give the same canonical bytes and hashes chain the same way (time aside)."""
    far, near = _twins(server(), tmp_path)
    for seq in (1, 2, 3):
        data = far.read_entry(seq)
        assert check_canonical(data) is None
        assert _without_time(data) == _without_time(near.read_entry(seq))
    records = list(far.entries())
    assert [r.seq for r in records] == [1, 2, 3]
    assert [r.hash for r in records] == [
        "sha256:" + sha256_hex(far.read_entry(s)) for s in (1, 2, 3)
    ]
    assert [r.previous_hash for r in records] == [None] + [r.hash for r in records[:2]]
    assert [(r.author, r.message, r.kind) for r in records] == [
        ("tester", str(b), "add") for b in range(3)
    ]
    assert far.head() == records[-1] and far.size() == 3
    assert records[0].time <= records[-1].time and records[0].time.tzinfo is not None
    with pytest.raises(LedgerStateError, match="there is no entry 4 \\(the ledger has 3\\)"):
        far.read_entry(4)


def test_append_returns_what_entries_reports(server: Callable[[], OxigraphServer]) -> None:
    """The record append returns equals the one entries() and head() give later."""
    book = remote.remote_init(server().url)
    first = book.append(claims(2), author="Ana", message="first batch", kind="add")
    second = book.append(claims(1, 1), author="Bo", message="second", kind="review")
    assert list(book.entries()) == [first, second] and book.head() == second
    assert second.previous_hash == first.hash


def test_import_entry_replays_an_export_byte_for_byte(
    server: Callable[[], OxigraphServer], tmp_path: Path
) -> None:
    """Entries of an embedded ledger go into a remote one with the same id unchanged."""
    near = store.init(tmp_path / "near")
    for batch in range(3):
        near.append(_batch(batch), author="a", message="m", kind="add")
    far = remote.remote_init(server().url, ledger_id=near.id)
    with pytest.raises(LedgerStateError, match="the entry for position 1 "):
        far.import_entry(near.read_entry(2))  # out of order
    for seq in (1, 2, 3):
        far.import_entry(near.read_entry(seq))
    assert far.checkpoint() == near.checkpoint()
    assert far.verify() == near.verify()


def test_append_refuses_bad_arguments_without_writing(server: Callable[[], OxigraphServer]) -> None:
    """Forged metadata, reserved IRIs, an empty author or poison are refused; nothing written."""
    book = remote.remote_init(server().url)
    author = ox.NamedNode(CL + "author")
    forged = ox.Quad(ox.NamedNode(f"{book.id}:entry:1"), author, ox.Literal("someone"))
    with pytest.raises(UsageError, match="entry IRIs"):
        book.append([forged], author="a", message="m", kind="add")
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
    with pytest.raises(UsageError, match="non-empty author"):
        book.append(claims(1), author=" ", message="m", kind="add")
    clique = [
        ox.Quad(ox.BlankNode(f"n{a}"), ox.NamedNode("https://e.org/p"), ox.BlankNode(f"n{b}"))
        for a in range(10)
        for b in range(10)
        if a != b
    ]
    with pytest.raises(CanonicalizationError, match="refusing to canonicalise"):
        book.append(clique, author="a", message="poison", kind="add")
    assert book.size() == 0


def test_awkward_literals_survive_the_round_trip(server: Callable[[], OxigraphServer]) -> None:
    """Quotes, backslashes, \\u escapes, braces, newlines and non-ASCII text are stored exactly."""
    book = remote.remote_init(server().url)
    texts = [
        '"} } ; DROP ALL ; INSERT DATA { <a> <b> <c> } #',
        "\\u0022 \\\\ \\n",
        "línea\r\nدو\t\x01\u2028",
        "'''",
    ]
    quads = [
        ox.Quad(
            ox.NamedNode(f"{EX}t{i}"),
            ox.NamedNode(EX + "text"),
            ox.Literal(t),
            ox.NamedNode(EX + "g"),
        )
        for i, t in enumerate(texts)
    ]
    book.append(quads, author='O"Brien \\', message="line\nbreak", kind="add")
    assert book.read_entry(1) == _recanonicalised(book.read_entry(1))
    assert book.verify().ok
    with book.index() as index:
        rows = index.query(f"SELECT ?t WHERE {{ ?s <{EX}text> ?t }}")
        assert isinstance(rows, ox.QuerySolutions)
        assert sorted(row["t"].value for row in rows) == sorted(texts)
    (record,) = book.entries()
    assert (record.author, record.message) == ('O"Brien \\', "line\nbreak")


def _recanonicalised(data: bytes) -> bytes:
    """The entry's bytes re-canonicalised from its parsed quads: equal when nothing was altered."""
    return canonical_nquads(ox.parse(data, format=ox.RdfFormat.N_QUADS))


# --- verification -------------------------------------------------------------------------------


def _edit(data: bytes, edit: Callable[[ox.Quad], ox.Quad]) -> bytes:
    return canonical_nquads(edit(quad) for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS))


def _with_previous_hash(data: bytes, new_hash: str) -> bytes:
    def edit(quad: ox.Quad) -> ox.Quad:
        if quad.predicate.value == CL + "previousEntryHash":
            return ox.Quad(quad.subject, quad.predicate, ox.Literal(new_hash), quad.graph_name)
        return quad

    return _edit(data, edit)


def _change_a_claim(data: bytes) -> bytes:
    def edit(quad: ox.Quad) -> ox.Quad:
        if quad.predicate.value.endswith("/status"):
            return ox.Quad(quad.subject, quad.predicate, ox.Literal("closed"), quad.graph_name)
        return quad

    return _edit(data, edit)


Tamper = Callable[[remote.RemoteLedger, RemoteTamper, Path], None]


def _flip_byte(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    data = book.read_entry(3)
    at = data.index(b"bridge closed")
    tamper.rewrite(3, data[:at] + b"Bridge closed" + data[at + 13 :])


def _break_canonical_form(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.rewrite(3, book.read_entry(3).replace(b"\\t", b"\\u0009", 1))


def _change_triple(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.rewrite(3, _change_a_claim(book.read_entry(3)))


def _delete(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.delete(3)


def _delete_and_renumber(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.delete(3)
    tamper.renumber(4, 3)
    tamper.renumber(5, 4)


def _swap(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.swap(3, 4)


def _alter_link(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.rewrite(3, _with_previous_hash(book.read_entry(3), "sha256:" + "0" * 64))


def _alter_link_and_rechain(book: remote.RemoteLedger, tamper: RemoteTamper, tmp: Path) -> None:
    _alter_link(book, tamper, tmp)
    for seq in (4, 5):
        previous = "sha256:" + sha256_hex(book.read_entry(seq - 1))
        tamper.rewrite(seq, _with_previous_hash(book.read_entry(seq), previous))


def _foreign_entry(book: remote.RemoteLedger, tamper: RemoteTamper, tmp: Path) -> None:
    other = store.init(tmp / "other")
    for batch in range(3):
        other.append(_batch(batch), author="tester", message=f"{batch}", kind="add")
    tamper.rewrite(3, other.read_entry(3))


def _alter_last_link(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.rewrite(5, _with_previous_hash(book.read_entry(5), "sha256:" + "1" * 64))


def _fork(book: remote.RemoteLedger, tamper: RemoteTamper, _: Path) -> None:
    tamper.add_copy(3, _change_a_claim(book.read_entry(3)))


TAMPERING: list[tuple[Tamper, int, str]] = [
    (
        _flip_byte,
        3,
        r"entry 3 hashes to sha256:\w+, but entry 4 records previousEntryHash sha256:\w+: "
        r"entry 3 was changed, or the entries from 4 on were rewritten",
    ),
    (_break_canonical_form, 3, r"entry 3 is not canonical N-Quads: line \d+ is not in canonical"),
    (_change_triple, 3, r"entry 3 hashes to .*: entry 3 was changed"),
    (_delete, 3, r"entry 3 is missing \(the server holds no entry 3; the next stored entry is 4\)"),
    (
        _delete_and_renumber,
        3,
        r"entry 3 holds entry 4 \(it is stored as entry 3: entries were reordered\)",
    ),
    (_swap, 3, r"entry 3 holds entry 4 \(it is stored as entry 3"),
    (
        _alter_link,
        3,
        r"entry 2 hashes to sha256:\w+, but entry 3 records previousEntryHash sha256:0{64}, and "
        r"entry 4 does not record entry 3's hash either: entry 3 was changed",
    ),
    (
        _alter_link_and_rechain,
        2,
        r"but entry 3 records previousEntryHash sha256:0{64}: entry 2 was changed, or the "
        r"entries from 3 on were rewritten",
    ),
    (_foreign_entry, 3, r"entry 3 belongs to ledger urn:claim-ledger:[-0-9a-f]+, not this one"),
    (_alter_last_link, 4, r"entry 4 or the link in entry 5 was changed"),
    (_fork, 3, r"entry 3 is stored 2 times: two writers appended it at once \(a fork\)"),
]


@pytest.mark.parametrize(
    ("tamper", "bad_seq", "reason"),
    [pytest.param(*case, id=case[0].__name__[1:]) for case in TAMPERING],
)
def test_verify_names_the_first_bad_entry(
    server: Callable[[], OxigraphServer], tmp_path: Path, tamper: Tamper, bad_seq: int, reason: str
) -> None:
    """Stored bytes changed through SPARQL UPDATE make verify fail, naming the entry and why."""
    oxigraph = server()
    book = _remote_with(oxigraph, 5)
    assert book.verify() == store.VerifyReport(True, 5, 5, book.head().hash)  # type: ignore[union-attr]
    tamper(book, RemoteTamper(oxigraph), tmp_path)
    report = book.verify()
    assert not report.ok
    assert report.bad_seq == bad_seq
    assert report.reason is not None and re.search(reason, report.reason), report.reason
    assert report.verified == bad_seq - 1
    assert str(report).startswith(f"verification failed: entry {bad_seq}: ")


def test_a_forked_or_gapped_ledger_is_not_appended_to(server: Callable[[], OxigraphServer]) -> None:
    """With two copies of the head, or an entry missing, append refuses; read_entry says why."""
    oxigraph = server()
    book = _remote_with(oxigraph, 3)
    RemoteTamper(oxigraph).add_copy(3, _change_a_claim(book.read_entry(3)))
    with pytest.raises(LedgerStateError, match="refusing to append: entry 3 is stored 2 times"):
        book.append(claims(1), author="a", message="m", kind="add")
    with pytest.raises(LedgerStateError, match="entry 3 is stored 2 times"):
        book.read_entry(3)
    gap_server = server()
    gapped = _remote_with(gap_server, 3)
    RemoteTamper(gap_server).delete(2)
    with pytest.raises(LedgerStateError, match="refusing to append: entry 2 is missing"):
        gapped.append(claims(1), author="a", message="m", kind="add")


def test_checkpoints_behave_as_embedded(server: Callable[[], OxigraphServer]) -> None:
    """A checkpoint holds after more appends, and exposes a rollback and a rewritten history."""
    oxigraph = server()
    book = _remote_with(oxigraph, 3)
    checkpoint = book.checkpoint()
    head = book.head()
    assert head is not None
    assert checkpoint == f"claim-ledger checkpoint v1\nledger {book.id}\nsize 3\nhead {head.hash}\n"
    book.append(claims(2, 9), author="a", message="later", kind="add")
    assert book.verify_checkpoint(checkpoint).ok
    later = book.checkpoint()
    tamper = RemoteTamper(oxigraph)
    tamper.delete(4)
    assert book.verify().ok
    rolled_back = book.verify_checkpoint(later)
    assert rolled_back.reason == "rollback: the checkpoint records 4 entries, the ledger has only 3"
    tamper.rewrite(2, _change_a_claim(book.read_entry(2)))
    tamper.rewrite(
        3, _with_previous_hash(book.read_entry(3), "sha256:" + sha256_hex(book.read_entry(2)))
    )
    assert book.verify().ok  # a consistent rewrite: only a checkpoint can tell
    rewritten = book.verify_checkpoint(checkpoint)
    assert not rewritten.ok and rewritten.bad_seq == 3
    assert rewritten.reason is not None and rewritten.reason.startswith(
        "history rewritten: entry 3"
    )
    other = remote.remote_init(server().url)
    assert book.verify_checkpoint(other.checkpoint()).reason == (
        f"the checkpoint is for ledger {other.id}; this ledger is {book.id}"
    )
    assert book.verify_checkpoint("").reason == "malformed checkpoint: expected 4 lines, found 1"
    assert other.verify_checkpoint(other.checkpoint()).ok


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
    server: Callable[[], OxigraphServer], tmp_path: Path, sparql: str, substitutions: dict[str, Any]
) -> None:
    """The same query, with the same substitutions, gives the same results on both ledgers."""
    far, near = _twins(server(), tmp_path)
    with far.index() as remote_index, near.index() as local_index:
        expected = _rows(local_index.query(sparql, substitutions=substitutions))
        assert expected not in ([], False, ([], [])), "the query should find something"
        assert _rows(remote_index.query(sparql, substitutions=substitutions)) == expected
        assert remote_index.indexed_through == local_index.indexed_through == 3


def test_default_graph_alone_is_queried_on_request(
    server: Callable[[], OxigraphServer], tmp_path: Path
) -> None:
    """use_default_graph_as_union=False sees only default-graph quads, as embedded."""
    far, near = _twins(server(), tmp_path)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    with far.index() as remote_index, near.index() as local_index:
        expected = _rows(local_index.query(query, use_default_graph_as_union=False))
        assert len(expected[1]) == 3
        assert _rows(remote_index.query(query, use_default_graph_as_union=False)) == expected


def test_blank_nodes_can_be_followed_from_one_query_to_the_next(
    server: Callable[[], OxigraphServer], tmp_path: Path
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


def test_what_only_the_remote_index_shows(
    server: Callable[[], OxigraphServer], tmp_path: Path
) -> None:
    """The bookkeeping graph is the one difference: queries over all graphs also see it."""
    far, near = _twins(server(), tmp_path)
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    with far.index() as remote_index, near.index() as local_index:
        remote_graphs = set(_rows(remote_index.query(query))[1])
        local_graphs = set(_rows(local_index.query(query))[1])
    assert remote_graphs - local_graphs == {(LEDGER_GRAPH,)}


def test_substitutions_are_values_not_query_text(server: Callable[[], OxigraphServer]) -> None:
    """A value that looks like SPARQL is only ever a value: nothing is injected, nothing changes."""
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


def test_a_closed_index_refuses_queries(server: Callable[[], OxigraphServer]) -> None:
    """After the with block, the index says it is closed instead of querying."""
    book = _remote_with(server(), 1)
    with book.index() as index:
        pass
    with pytest.raises(LedgerStateError, match="the index has been closed"):
        index.query("ASK {}")


# --- the writer lock ----------------------------------------------------------------------------


def _flag(oxigraph: OxigraphServer, owner: str, since: str = "NOW()") -> None:
    oxigraph.update(
        f"INSERT {{ GRAPH {LEDGER_GRAPH} {{ "
        f"<urn:claim-ledger:writer:test-{random.randrange(10**9)}> "
        f"<urn:claim-ledger:remote:owner> {json.dumps(owner)} ; "
        "<urn:claim-ledger:remote:since> ?t } } "
        f"WHERE {{ BIND({since} AS ?t) }}"
    )


def _flags(oxigraph: OxigraphServer) -> int:
    rows = oxigraph.select(
        f"SELECT ?f WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?f <urn:claim-ledger:remote:owner> ?o }} }}"
    )
    return len(rows)


def test_append_waits_for_another_writer_then_gives_up(
    server: Callable[[], OxigraphServer],
) -> None:
    """A live writer's flag blocks appends; after lock_timeout the append fails, writing nothing."""
    oxigraph = server()
    book = _remote_with(oxigraph, 1)
    book.lock_timeout = 0.3
    _flag(oxigraph, "another-host 1 4242")
    started = time.monotonic()
    with pytest.raises(LedgerStateError) as blocked:
        book.append(claims(1, 5), author="a", message="m", kind="add")
    assert 0.3 <= time.monotonic() - started < 3
    assert "another writer has held its lock for more than 0.3 s" in str(blocked.value)
    assert book.size() == 1 and _flags(oxigraph) == 1


def test_flags_of_dead_or_expired_writers_do_not_block(
    server: Callable[[], OxigraphServer],
) -> None:
    """A flag left by a process that died here, or older than the lease, is removed at once."""
    oxigraph = server()
    book = _remote_with(oxigraph, 1)
    book.lock_timeout = 0.3
    dead = subprocess.Popen(["true"])
    dead.wait()
    _flag(oxigraph, remote._owner().rsplit(" ", 1)[0] + f" {dead.pid}")
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


def _query_copy(oxigraph: OxigraphServer, book: remote.RemoteLedger) -> tuple[set[str], set[str]]:
    """The entries' quads the server holds, and the ones its stored entries give."""
    held = {
        str(quad)
        for quad in ox.parse(oxigraph.dump(), format=ox.RdfFormat.N_QUADS)
        if quad.graph_name != ox.NamedNode("urn:claim-ledger:ledger")
    }
    rebuilt = ox.Store()  # the same engine writes both sides (it normalises xsd:dateTime)
    for seq in range(1, book.size() + 1):
        rebuilt.extend(book._skolemised(store._index_quads(seq, book.read_entry(seq))))
    return held, {str(quad) for quad in rebuilt}


def test_a_rival_that_appended_first_makes_the_append_retry(
    server: Callable[[], OxigraphServer], monkeypatch: pytest.MonkeyPatch
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
    server: Callable[[], OxigraphServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two entries 3 at once (a snapshot race): ours is withdrawn whole and goes in as entry 4."""
    oxigraph = server()
    book = _remote_with(oxigraph, 2)
    sequence = "<urn:claim-ledger:remote:sequence>"
    guard = f"FILTER NOT EXISTS {{ GRAPH {LEDGER_GRAPH} {{ ?other {sequence} 3 }} }}"
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


def test_a_wrong_endpoint_says_which_options_to_give(server: Callable[[], OxigraphServer]) -> None:
    """A query endpoint that does not exist is reported with the endpoint options to use."""
    oxigraph = server()
    with pytest.raises(
        remote.ServerError, match=r"no SPARQL query endpoint here \(HTTP 404"
    ) as wrong:
        remote.remote_open(oxigraph.url, query_endpoint=f"{oxigraph.url}/nothing")
    assert "--query-endpoint" in str(wrong.value)
    book = remote.remote_init(oxigraph.url)
    opened = remote.remote_open(
        oxigraph.url + "/ignored",
        query_endpoint=f"{oxigraph.url}/query",
        update_endpoint=f"{oxigraph.url}/update",
    )
    assert opened.id == book.id


def test_a_server_that_goes_away_gives_a_clear_error(tmp_path: Path) -> None:
    """Stopping the server mid-run turns every call into a ServerError, never a traceback."""
    with OxigraphServer(tmp_path / "data") as oxigraph:
        book = _remote_with(oxigraph, 2)
    for call in (
        lambda: book.append(claims(1), author="a", message="m", kind="add"),
        book.size,
        book.verify,
        lambda: list(book.entries()),
    ):
        with pytest.raises(remote.ServerError, match="cannot reach the SPARQL server"):
            call()
    with OxigraphServer(tmp_path / "data") as again:  # the data survived the restart
        assert remote.remote_open(again.url).verify().ok


class _DroppingProxy:
    """A proxy to a real server that closes the connection on the request carrying an entry."""

    def __init__(self, upstream: str) -> None:
        self.dropped = 0
        proxy = self

        def forward(handler: http.server.BaseHTTPRequestHandler) -> None:
            length = int(handler.headers.get("Content-Length") or 0)
            body = handler.rfile.read(length)
            if b"FILTER NOT EXISTS" in body and b"remote:nquads" in body:
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                request = urllib.request.Request(
                    upstream + handler.path,
                    data=body,
                    method="POST",
                    headers={"Content-Type": handler.headers["Content-Type"]},
                )
                with opener.open(request, timeout=10):
                    pass  # the entry is written, but the answer is lost
                proxy.dropped += 1
                handler.close_connection = True
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            request = urllib.request.Request(
                upstream + handler.path,
                data=body,
                method="POST",
                headers={
                    k: v for k, v in handler.headers.items() if k in ("Content-Type", "Accept")
                },
            )
            with opener.open(request, timeout=10) as response:
                answer = response.read()
                handler.send_response(response.status)
                handler.send_header(
                    "Content-Type", response.headers["Content-Type"] or "text/plain"
                )
                handler.send_header("Content-Length", str(len(answer)))
                handler.end_headers()
                handler.wfile.write(answer)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                forward(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def test_a_lost_answer_says_the_entry_may_have_been_written(
    server: Callable[[], OxigraphServer],
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


# --- the command line ---------------------------------------------------------------------------


def _run(url: str, *args: str) -> Result:
    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", url, *args])


@pytest.mark.slow
def test_the_commands_work_on_a_remote_ledger(
    server: Callable[[], OxigraphServer], tmp_path: Path
) -> None:
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


# --- reliability (child processes) --------------------------------------------------------------


@pytest.mark.slow
def test_two_writers_interleave_without_fork_or_loss(server: Callable[[], OxigraphServer]) -> None:
    """Two processes appending 30 batches each give 60 gapless entries that verify."""
    oxigraph = server()
    book = remote.remote_init(oxigraph.url)
    writers = [
        subprocess.Popen(
            child_command("append-n", oxigraph.url, "30", tag),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_environment(),
            text=True,
        )
        for tag in ("writer-a", "writer-b")
    ]
    for writer in writers:  # both are connected before either starts
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outputs = [writer.communicate(timeout=300) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], outputs
    seqs_by_writer = []
    for stdout, _stderr in outputs:
        lines = stdout.splitlines()
        assert len(lines) == 30
        seqs_by_writer.append([int(line.split()[1]) for line in lines])
    assert sorted(seqs_by_writer[0] + seqs_by_writer[1]) == list(range(1, 61))
    authors = {record.seq: record.author for record in book.entries()}
    assert all(authors[seq] == "writer-a" for seq in seqs_by_writer[0])
    assert all(authors[seq] == "writer-b" for seq in seqs_by_writer[1])
    assert book.verify() == store.VerifyReport(True, 60, 60, book.head().hash)  # type: ignore[union-attr]
    interleaved = sum(1 for a, b in itertools.pairwise(seqs_by_writer[0]) if b != a + 1)
    assert interleaved > 0  # the writers really ran at the same time
    assert _flags(oxigraph) == 0


@pytest.mark.slow
def test_kill_9_during_append_never_loses_or_tears_an_entry(
    server: Callable[[], OxigraphServer],
) -> None:
    """SIGKILL at random moments of appending: whole entries only, every reported one kept."""
    oxigraph = server()
    book = remote.remote_init(oxigraph.url)
    rng = random.Random(20161130)
    reported: dict[int, str] = {}
    trials = 30
    for _trial in range(trials):
        before = book.size()
        child = subprocess.Popen(
            child_command("append-loop", oxigraph.url, "killed"),
            stdout=subprocess.PIPE,
            env=child_environment(),
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait()
        lines = child.stdout.read().splitlines()
        child.stdout.close()
        for line in lines:
            _, seq, entry_hash = line.split()
            reported[int(seq)] = entry_hash
        after = book.size()
        assert before + len(lines) <= after <= before + len(lines) + 1
        report = book.verify()
        assert report.ok, report
    records = {record.seq: record.hash for record in book.entries()}
    assert all(records[seq] == entry_hash for seq, entry_hash in reported.items())
    assert len(reported) > trials // 4  # the children did append before they were killed
    assert book.append(claims(1), author="after", message="m", kind="add").seq == book.size()


@pytest.mark.slow
def test_large_entries_round_trip(server: Callable[[], OxigraphServer]) -> None:
    """An entry of 1,000 claims (24,000 quads) is stored, read back and verified exactly."""
    book = remote.remote_init(server().url)
    started = time.monotonic()
    record = book.append(claims(1000, 1), author="a", message="big", kind="add")
    data = book.read_entry(1)
    assert record.hash == "sha256:" + sha256_hex(data) and len(data) > 3_000_000
    assert book.verify().ok
    with book.index() as index:
        (row,) = index.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a <{EX}Claim> }}")  # type: ignore[misc]
        assert row["n"].value == "1000"
    assert time.monotonic() - started < 60


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
