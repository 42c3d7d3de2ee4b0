"""The hash-chained ledger on both backends: entries, verification, checkpoints, queries.

Every test that takes the ``backend`` fixture (tests/conftest.py) runs three times: on the
embedded ledger (``ledger.chain.store``: entry files and a RocksDB index in ``tmp_path``) and on
the remote one (``ledger.chain.remote``) in the dataset of an Oxigraph server and of a Virtuoso
server, each from a pool shared by the run. Tampering
goes around the ledger's API through tests/helpers/backends.py: entry files edited, renamed or
deleted; on a server, the stored entry literals changed through SPARQL UPDATE. Tests marked
``embedded_only`` are about local files (temporary files, the RocksDB index, the file size
limit) and say why they have no remote meaning.

The reliability tests run real child processes (tests/helpers/ledger_child.py for the embedded
ledger, tests/oxigraph_server.py for the remote one): SIGKILL during appends, two writers at
once, readers during appends, a file size limit standing in for a full disk.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from helpers.backends import Embedded, Remote, Tamper
from helpers.synthetic_claims import claims
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.chain import entry, store
from ledger.chain.canon import HASH_ALGORITHM, canonical_nquads, check_canonical, sha256_hex
from ledger.chain.location import LedgerLocation
from ledger.errors import CanonicalizationError, LedgerError, LedgerStateError, UsageError

CL = "https://w3id.org/claim-ledger/ns#"
EX = "https://example.org/claims/"
Backend = Embedded | Remote
Book = Any  # store.Ledger or remote.RemoteLedger: the same methods

embedded_only = pytest.mark.embedded_only


@contextlib.contextmanager
def _child(
    command: list[str], env: dict[str, Any], *, stderr: int | None = None
) -> Iterator[subprocess.Popen[str]]:
    """A child process with pipes to and from it, killed and reaped however the test ends (a
    failed test would otherwise leave it running, and its pipes to a later test's warnings)."""
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env, text=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _ledger_with(
    backend: Backend, entries: int, claims_per_entry: int = 3, *, index_on_append: bool = True
) -> Book:
    book = backend.new(index_on_append=index_on_append)
    for batch in range(entries):
        book.append(
            claims(claims_per_entry, batch), author="tester", message=f"{batch}", kind="add"
        )
    return book


def _edit_quads(data: bytes, edit: Callable[[ox.Quad], ox.Quad | None]) -> bytes:
    """The entry re-canonicalised after ``edit`` changed (or dropped, with None) each quad."""
    edited = [edit(quad) for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS)]
    return canonical_nquads(quad for quad in edited if quad is not None)


def _with_previous_hash(data: bytes, new_hash: str) -> bytes:
    def edit(quad: ox.Quad) -> ox.Quad:
        if quad.predicate.value == CL + "previousEntryHash":
            return ox.Quad(quad.subject, quad.predicate, ox.Literal(new_hash), quad.graph_name)
        return quad

    return _edit_quads(data, edit)


def _rechain(book: Book, tamper: Tamper, start: int) -> None:
    """Re-link entries ``start``… to the (changed) entries before them: a consistent rewrite."""
    for seq in range(start, book.size() + 1):
        previous = "sha256:" + sha256_hex(book.read_entry(seq - 1))
        tamper.rewrite(seq, _with_previous_hash(book.read_entry(seq), previous))


def _change_a_claim(data: bytes) -> bytes:
    def edit(quad: ox.Quad) -> ox.Quad:
        if quad.predicate.value.endswith("/status"):
            return ox.Quad(quad.subject, quad.predicate, ox.Literal("closed"), quad.graph_name)
        return quad

    return _edit_quads(data, edit)


# --- creating and opening ---------------------------------------------------------------------


def test_init_writes_ledger_description(backend: Backend) -> None:
    """init stores a fresh urn:uuid id, UTC time, format and hash algorithm."""
    book = backend.new()
    description = backend.description(book)
    assert set(description) == {"id", "created", "format", "hash_algorithm"}
    assert description["id"] == book.id
    assert uuid.UUID(book.id.removeprefix("urn:claim-ledger:")).version == 4
    created = datetime.fromisoformat(description["created"])
    assert created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=1)
    assert description["format"] == 1
    assert description["hash_algorithm"] == HASH_ALGORITHM == "RDFC-1.0/SHA-256"
    assert book.size() == 0 and book.head() is None and list(book.entries()) == []


def test_init_refuses_an_existing_ledger(backend: Backend) -> None:
    """A second init in the same place is refused, leaving the first ledger as it was."""
    first = backend.new()
    location = LedgerLocation(backend.location(first))
    with pytest.raises(LedgerStateError, match="a ledger already exists here"):
        location.create()
    assert location.open().id == first.id


def test_init_with_a_bad_ledger_id_is_a_usage_error(backend: Backend) -> None:
    """Only urn:claim-ledger:<uuid> ids are accepted."""
    with pytest.raises(UsageError, match="is not a ledger id"):
        backend.new(ledger_id="urn:x:1")


def test_open_without_ledger_says_how_to_make_one(backend: Backend) -> None:
    """Opening a place that holds no ledger fails with a hint to run claim-ledger init."""
    with pytest.raises(LedgerStateError) as missing:
        LedgerLocation(backend.location_without_ledger()).open()
    assert "no ledger here" in str(missing.value)
    assert "claim-ledger init" in str(missing.value)
    assert missing.value.exit_code == 2


def test_open_refuses_an_unknown_format(backend: Backend) -> None:
    """A ledger written in another format or hash algorithm is not silently misread."""
    book = backend.new()
    backend.set_format(book, 2)
    with pytest.raises(LedgerStateError, match="is not the one this version writes"):
        LedgerLocation(backend.location(book)).open()


# --- appending and reading --------------------------------------------------------------------


def test_stored_entry_is_exactly_the_hashed_canonical_bytes(backend: Backend) -> None:
    """An entry stores the canonical N-Quads of the caller's quads plus metadata, as hashed."""
    book = backend.new()
    quads = claims(5)
    first = book.append(quads, author="Ana", message="first batch", kind="add")
    second = book.append(claims(2, 1), author="Bo", message="second", kind="review")
    data = book.read_entry(1)
    assert first.hash == "sha256:" + sha256_hex(data)
    assert backend.tamper(book).stored(1) == data  # what the storage holds, read around the API
    assert check_canonical(data) is None
    entry = ox.NamedNode(f"{book.id}:entry:1")
    metadata = [q for q in ox.parse(data, format=ox.RdfFormat.N_QUADS) if q.graph_name == entry]
    assert canonical_nquads(quads + metadata) == data
    values = {q.predicate.value: q.object for q in metadata if q.subject == entry}
    content_graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    links = {q.object.value for q in metadata if q.predicate.value == CL + "contentGraph"}
    assert links == content_graphs  # the entry says which graphs hold its content
    # one value each otherwise; no previousEntryHash in entry 1
    expected = 8 + (1 if links else 0)
    assert len(values) == len(metadata) - len(links) + (1 if links else 0) == expected
    assert values["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"] == ox.NamedNode(
        CL + "LedgerEntry"
    )
    assert values[CL + "ledger"] == ox.NamedNode(book.id)
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    assert values[CL + "sequence"] == ox.Literal("1", datatype=integer)
    assert values[CL + "hashAlgorithm"] == ox.Literal("RDFC-1.0/SHA-256")
    assert values[CL + "author"] == ox.Literal("Ana")
    assert values[CL + "message"] == ox.Literal("first batch")
    assert values[CL + "entryKind"] == ox.Literal("add")
    when = values["http://www.w3.org/ns/prov#generatedAtTime"]
    assert isinstance(when, ox.Literal) and when.value.endswith("Z")
    assert when.datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
    assert second.seq == 2 and second.previous_hash == first.hash
    assert f'<{CL}previousEntryHash> "{first.hash}"'.encode() in book.read_entry(2)
    assert first.hash.encode() not in data  # an entry's own hash is not inside it


def test_reading_entries_head_and_size(backend: Backend) -> None:
    """entries() lists every entry in order with its metadata; head() and size() agree."""
    book = _ledger_with(backend, 4)
    records = list(book.entries())
    assert [r.seq for r in records] == [1, 2, 3, 4]
    assert [r.hash for r in records] == [
        "sha256:" + sha256_hex(book.read_entry(s)) for s in (1, 2, 3, 4)
    ]
    assert [r.previous_hash for r in records] == [None] + [r.hash for r in records[:3]]
    assert all(r.author == "tester" and r.kind == "add" and r.ledger_id == book.id for r in records)
    assert [r.message for r in records] == ["0", "1", "2", "3"]
    assert records[0].time <= records[-1].time and records[0].time.tzinfo is not None
    assert book.head() == records[-1]
    assert book.size() == 4
    with pytest.raises(LedgerStateError, match=r"there is no entry 5 \(the ledger has 4\)"):
        book.read_entry(5)


def test_append_returns_what_entries_reports(backend: Backend) -> None:
    """The record append returns equals the one entries() and head() give later."""
    book = backend.new()
    first = book.append(claims(2), author="Ana", message="first batch", kind="add")
    second = book.append(claims(1, 1), author="Bo", message="second", kind="review")
    assert list(book.entries()) == [first, second] and book.head() == second
    assert second.previous_hash == first.hash


def test_prepared_content_is_appended_as_the_quads_would_be(backend: Backend) -> None:
    """Content ``prepare`` canonicalised ahead is stored exactly as the quads themselves;
    content another ledger prepared is prepared again, not trusted."""
    content = claims(3)
    plain, ahead, foreign = backend.new(), backend.new(), backend.new()
    plain.append(content, author="Ana", message="m", kind="add")
    prepared = ahead.prepare(content)
    assert prepared.document == canonical_nquads(content)
    ahead.append(prepared, author="Ana", message="m", kind="add")
    tampered = entry.PreparedContent(
        ledger_id=plain.id,  # made for another ledger, and its document does not fit its quads
        limits=prepared.limits,
        quads=prepared.quads,
        document=canonical_nquads(claims(1, 7)),
        content_graphs=prepared.content_graphs,
    )
    foreign.append(tampered, author="Ana", message="m", kind="add")

    def content_lines(book: Book) -> list[bytes]:
        lines = book.read_entry(1).splitlines()
        return [line for line in lines if f"{book.id}:entry:".encode() not in line]

    assert content_lines(ahead) == content_lines(plain) == content_lines(foreign)
    assert all(book.verify().ok for book in (plain, ahead, foreign))


def test_prepare_refuses_what_append_refuses(backend: Backend) -> None:
    """Quads posing as entry metadata are refused by ``prepare`` as by ``append``."""
    book = backend.new()
    forged = ox.Quad(
        ox.NamedNode(f"{book.id}:entry:1"), ox.NamedNode(CL + "author"), ox.Literal("someone")
    )
    with pytest.raises(UsageError, match="entry IRIs"):
        book.prepare([forged])
    assert book.size() == 0


def test_append_refuses_bad_arguments_without_writing(backend: Backend) -> None:
    """Quads posing as entry metadata, or an empty author, are refused and nothing is written."""
    book = backend.new()
    forged = ox.Quad(
        ox.NamedNode(f"{book.id}:entry:1"), ox.NamedNode(CL + "author"), ox.Literal("someone")
    )
    with pytest.raises(UsageError, match="entry IRIs"):
        book.append([forged], author="a", message="m", kind="add")
    with pytest.raises(UsageError, match="non-empty author"):
        book.append(claims(1), author=" ", message="m", kind="add")
    assert book.size() == 0


def test_append_refuses_poison_before_taking_the_lock(backend: Backend) -> None:
    """A blank-node clique is refused before the writer lock is even asked for."""
    book = backend.new()
    clique = [
        ox.Quad(ox.BlankNode(f"n{a}"), ox.NamedNode("https://e.org/p"), ox.BlankNode(f"n{b}"))
        for a in range(10)
        for b in range(10)
        if a != b
    ]
    with backend.writer_lock_held(book):
        # Had append waited for the lock, it would have failed with the lock's timeout error
        # (LedgerStateError), not with the refusal: the order is proven without a clock.
        with pytest.raises(CanonicalizationError, match="refusing to canonicalise"):
            book.append(clique, author="a", message="poison", kind="add")
    assert book.size() == 0


def test_append_times_out_when_another_writer_holds_the_lock(backend: Backend) -> None:
    """A writer blocked by another writer gives up with a clear message, writing nothing."""
    book = backend.new()
    book.lock_timeout = 0.3
    with backend.writer_lock_held(book):
        started = time.monotonic()
        with pytest.raises(LedgerStateError) as blocked:
            book.append(claims(1), author="a", message="m", kind="add")
        assert 0.3 <= time.monotonic() - started < 30  # waited the timeout; did not hang
    assert "cannot write to the ledger: another process has held the lock for more than 0.3 s" in (
        str(blocked.value)
    )
    assert book.size() == 0
    assert book.append(claims(1), author="a", message="m", kind="add").seq == 1
    assert backend.leftovers(book) == []


def test_import_entry_replays_an_export_and_refuses_what_does_not_fit(
    backend: Backend, tmp_path: Path
) -> None:
    """import_entry takes another copy's entries byte for byte, in order; nothing else."""
    source = store.init(tmp_path / "source")
    for batch in range(3):
        source.append(claims(2, batch), author="a", message="m", kind="add")
    book = backend.new(ledger_id=source.id)
    with pytest.raises(LedgerStateError, match="the entry for position 1 "):
        book.import_entry(source.read_entry(2))  # out of order
    with pytest.raises(LedgerStateError, match="the entry is not canonical N-Quads: line 2"):
        book.import_entry(source.read_entry(1).replace(b"\n", b"\n\n", 1))
    with pytest.raises(LedgerStateError, match="the entry for position 1 "):
        backend.new().import_entry(source.read_entry(1))  # another ledger's entry
    assert book.size() == 0
    for seq in (1, 2, 3):
        assert book.import_entry(source.read_entry(seq)).hash == "sha256:" + sha256_hex(
            source.read_entry(seq)
        )
    assert book.checkpoint() == source.checkpoint()
    assert book.verify() == source.verify()


@embedded_only(
    reason="temporary entry files are how the embedded ledger writes atomically; a remote append "
    "is one update request (a dead writer's lock flag, its remote leftover, is tested in "
    "test_remote.py)"
)
def test_stale_temporary_files_are_removed_and_never_read(tmp_path: Path) -> None:
    """A crashed writer's temporary file is ignored by readers and removed by the next append."""
    book = _ledger_with(Embedded(tmp_path), 1)
    stale = book.entries_dir / ".tmp-99999-deadbeef"
    stale.write_bytes(book.read_entry(1)[:100])
    assert book.size() == 1 and book.verify().ok
    book.append(claims(1, 5), author="a", message="m", kind="add")
    assert not stale.exists()
    assert sorted(os.listdir(book.entries_dir)) == ["000000000001.nq", "000000000002.nq"]


def test_append_refuses_to_extend_a_ledger_with_a_gap(backend: Backend) -> None:
    """With an entry missing, append refuses rather than chain onto a broken ledger."""
    book = _ledger_with(backend, 3)
    backend.tamper(book).delete(2)
    with pytest.raises(LedgerStateError, match="refusing to append: entry 2 is missing"):
        book.append(claims(1), author="a", message="m", kind="add")
    assert book.size() == 2


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=6))
def test_append_never_changes_earlier_entries(backend: Backend, batch_sizes: list[int]) -> None:
    """Whatever is appended, the bytes of every earlier entry stay exactly as they were."""
    backend.recycle()  # one function-scoped fixture for all examples: a fresh ledger each
    book = backend.new(index_on_append=False)
    before: list[bytes] = []
    for number, size in enumerate(batch_sizes):
        book.append(claims(size, number), author="a", message=str(number), kind="add")
        assert [book.read_entry(seq) for seq in range(1, len(before) + 1)] == before
        before.append(book.read_entry(len(before) + 1))
    assert book.verify().ok


def test_awkward_literals_survive_the_round_trip(backend: Backend) -> None:
    """Quotes, backslashes, \\u escapes, braces, newlines and non-ASCII text are stored exactly."""
    book = backend.new()
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
    data = book.read_entry(1)
    assert data == canonical_nquads(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert book.verify().ok
    with book.index() as index:
        rows = index.query(f"SELECT ?t WHERE {{ ?s <{EX}text> ?t }}")
        assert isinstance(rows, ox.QuerySolutions)
        assert sorted(row["t"].value for row in rows) == sorted(texts)
    (record,) = book.entries()
    assert (record.author, record.message) == ('O"Brien \\', "line\nbreak")


# --- verification -----------------------------------------------------------------------------


def test_verify_accepts_an_intact_ledger(backend: Backend) -> None:
    """An untouched ledger verifies, reporting its size and head hash; so does an empty one."""
    assert backend.new().verify() == entry.VerifyReport(True, 0, 0, None)
    book = _ledger_with(backend, 5)
    report = book.verify()
    head = book.head()
    assert head is not None
    assert report == entry.VerifyReport(True, 5, 5, head.hash)
    assert str(report) == f"ok: 5 entries, head {head.hash}"
    assert book.verify(workers=2) == report
    assert book.verify(deep=True) == report


TamperWith = Callable[[Book, Tamper, Path], None]


def _flip_byte(book: Book, tamper: Tamper, _: Path) -> None:
    data = book.read_entry(3)
    at = data.index(b"bridge closed")
    tamper.rewrite(3, data[:at] + b"Bridge closed" + data[at + 13 :])


def _break_canonical_form(book: Book, tamper: Tamper, _: Path) -> None:
    tamper.rewrite(3, book.read_entry(3).replace(b"\\t", b"\\u0009", 1))


def _change_triple(book: Book, tamper: Tamper, _: Path) -> None:
    tamper.rewrite(3, _change_a_claim(book.read_entry(3)))


def _delete(book: Book, tamper: Tamper, _: Path) -> None:
    tamper.delete(3)


def _delete_and_renumber(book: Book, tamper: Tamper, _: Path) -> None:
    tamper.delete(3)
    for seq in (4, 5):
        tamper.renumber(seq, seq - 1)


def _swap(book: Book, tamper: Tamper, _: Path) -> None:
    tamper.swap(3, 4)


def _alter_link(book: Book, tamper: Tamper, _: Path) -> None:
    tamper.rewrite(3, _with_previous_hash(book.read_entry(3), "sha256:" + "0" * 64))


def _alter_link_and_rechain(book: Book, tamper: Tamper, tmp_path: Path) -> None:
    _alter_link(book, tamper, tmp_path)
    _rechain(book, tamper, 4)


def _foreign_entry(book: Book, tamper: Tamper, tmp_path: Path) -> None:
    other = store.init(tmp_path / "other")  # only a source of another ledger's bytes
    for batch in range(3):
        other.append(claims(3, batch), author="tester", message=f"{batch}", kind="add")
    tamper.rewrite(3, other.read_entry(3))


def _alter_last_link(book: Book, tamper: Tamper, _: Path) -> None:
    tamper.rewrite(5, _with_previous_hash(book.read_entry(5), "sha256:" + "1" * 64))


# The reason may name the backend's storage: {missing} and {reordered} are its words for where
# an entry should be (backends.Embedded/Remote.missing_detail, reordered_detail).
TAMPERING: list[tuple[TamperWith, int, str]] = [
    (
        _flip_byte,
        3,
        r"entry 3 hashes to sha256:\w+, but entry 4 records previousEntryHash sha256:\w+: "
        r"entry 3 was changed, or the entries from 4 on were rewritten",
    ),
    (_break_canonical_form, 3, r"entry 3 is not canonical N-Quads: line \d+ is not in canonical"),
    (_change_triple, 3, r"entry 3 hashes to .*: entry 3 was changed"),
    (_delete, 3, r"entry 3 is missing \({missing}\)$"),
    (_delete_and_renumber, 3, r"entry 3 holds entry 4 \({reordered}\)$"),
    (_swap, 3, r"entry 3 holds entry 4 \({reordered}\)$"),
    (
        _alter_link,
        3,
        r"entry 2 hashes to sha256:\w+, but entry 3 records previousEntryHash sha256:0{{64}}, and "
        r"entry 4 does not record entry 3's hash either: entry 3 was changed",
    ),
    (
        _alter_link_and_rechain,
        2,
        r"but entry 3 records previousEntryHash sha256:0{{64}}: entry 2 was changed, or the "
        r"entries from 3 on were rewritten",
    ),
    (_foreign_entry, 3, r"entry 3 belongs to ledger urn:claim-ledger:[-0-9a-f]+, not this one"),
    (_alter_last_link, 4, r"entry 4 or the link in entry 5 was changed"),
]


@pytest.mark.parametrize(
    ("tamper_with", "bad_seq", "reason"),
    [pytest.param(*case, id=case[0].__name__[1:]) for case in TAMPERING],
)
def test_verify_names_the_first_bad_entry(
    backend: Backend, tmp_path: Path, tamper_with: TamperWith, bad_seq: int, reason: str
) -> None:
    """Each kind of tampering makes verify fail, naming the first bad entry and why."""
    book = _ledger_with(backend, 5)
    assert book.verify().ok
    tamper_with(book, backend.tamper(book), tmp_path)
    report = book.verify()
    assert not report.ok
    assert report.bad_seq == bad_seq
    expected = reason.format(
        missing=backend.missing_detail.format(seq=3, next=4),
        reordered=backend.reordered_detail.format(seq=3),
    )
    assert report.reason is not None and re.search(expected, report.reason), report.reason
    assert report.verified == bad_seq - 1
    assert str(report).startswith(f"verification failed: entry {bad_seq}: ")
    assert book.verify(deep=True) == report  # the default check reports what a deep one does


def _swap_blank_labels(data: bytes) -> bytes:
    """The entry with _:c14n0 and _:c14n1 exchanged, lines sorted again: valid, sorted, not
    the labels RDFC-1.0 issues."""
    swapped = data.replace(b"_:c14n0 ", b"_:X ").replace(b"_:c14n1 ", b"_:c14n0 ")
    lines = swapped.replace(b"_:X ", b"_:c14n1 ").split(b"\n")[:-1]
    return b"".join(line + b"\n" for line in sorted(set(lines)))


def test_a_rewritten_head_needs_a_checkpoint_or_deep(backend: Backend) -> None:
    """A head rewritten into other sorted bytes passes the default verify; a checkpoint taken
    before exposes it, and so does deep=True when the bytes are not canonical."""
    book = _ledger_with(backend, 5)
    checkpoint = book.checkpoint()
    backend.tamper(book).rewrite(5, _swap_blank_labels(book.read_entry(5)))
    assert book.verify().ok
    deep = book.verify(deep=True)
    assert not deep.ok and deep.bad_seq == 5 and deep.verified == 4
    assert deep.reason is not None and "should be labelled _:c14n" in deep.reason
    pinned = book.verify_checkpoint(checkpoint)
    assert not pinned.ok and pinned.bad_seq == 5
    assert pinned.reason is not None and pinned.reason.startswith("history rewritten")
    assert book.verify_checkpoint(checkpoint, deep=True) == deep


def test_verify_catches_a_poisoned_entry_quickly(backend: Backend) -> None:
    """An entry replaced by a blank-node clique fails verification instead of hanging."""
    book = _ledger_with(backend, 2)
    p = ox.NamedNode("https://e.org/p")
    nodes = [ox.BlankNode(f"c14n{i}") for i in range(10)]
    clique = "".join(f"{a} {p} {b} .\n" for a in nodes for b in nodes if a != b)
    backend.tamper(book).rewrite(2, "".join(sorted(clique.splitlines(keepends=True))).encode())
    started = time.monotonic()
    report = book.verify()
    # a guard against hanging, not a speed figure: RDFC-1.0 of this clique runs for minutes
    assert time.monotonic() - started < 60
    assert report.bad_seq == 2
    assert report.reason is not None and "entry 2 cannot be checked: refusing" in report.reason


# --- checkpoints ------------------------------------------------------------------------------


def test_checkpoint_text(backend: Backend) -> None:
    """A checkpoint is four lines: header, ledger id, size and head hash."""
    book = _ledger_with(backend, 2)
    head = book.head()
    assert head is not None
    assert book.checkpoint() == (
        f"claim-ledger checkpoint v1\nledger {book.id}\nsize 2\nhead {head.hash}\n"
    )
    empty = backend.new()
    assert empty.checkpoint().endswith("size 0\nhead none\n")
    assert empty.verify_checkpoint(empty.checkpoint()).ok


def test_checkpoint_still_holds_after_more_appends(backend: Backend) -> None:
    """A ledger that only grew since a checkpoint satisfies it."""
    book = _ledger_with(backend, 3)
    checkpoint = book.checkpoint()
    book.append(claims(2, 9), author="a", message="later", kind="add")
    report = book.verify_checkpoint(checkpoint)
    assert report.ok and report.entries == 4


def test_checkpoint_exposes_a_rollback(backend: Backend) -> None:
    """Removing the newest entries (the chain stays valid) is caught by an older checkpoint."""
    book = _ledger_with(backend, 5)
    checkpoint = book.checkpoint()
    tamper = backend.tamper(book)
    tamper.delete(5)
    tamper.delete(4)
    assert book.verify().ok
    report = book.verify_checkpoint(checkpoint)
    assert not report.ok and report.bad_seq == 5
    assert report.reason == "rollback: the checkpoint records 5 entries, the ledger has only 3"


@pytest.mark.parametrize("rewritten_from", [1, 2, 4])
def test_checkpoint_exposes_a_rewritten_history(backend: Backend, rewritten_from: int) -> None:
    """Changing an old entry and re-chaining everything after it passes verify, not a checkpoint."""
    book = _ledger_with(backend, 5)
    checkpoint = book.checkpoint()
    tamper = backend.tamper(book)
    tamper.rewrite(rewritten_from, _change_a_claim(book.read_entry(rewritten_from)))
    _rechain(book, tamper, rewritten_from + 1)
    assert book.verify().ok  # a consistent rewrite: only a checkpoint can tell
    report = book.verify_checkpoint(checkpoint)
    assert not report.ok and report.bad_seq == 5
    assert report.reason is not None
    assert re.fullmatch(
        r"history rewritten: entry 5 hashes to sha256:\w{64}, the checkpoint records sha256:\w{64}",
        report.reason,
    )


def test_checkpoint_of_another_ledger_is_refused(backend: Backend) -> None:
    """A checkpoint taken from a different ledger does not vouch for this one."""
    book = _ledger_with(backend, 2)
    other = backend.new()
    report = book.verify_checkpoint(other.checkpoint())
    assert not report.ok and report.bad_seq is None
    assert report.reason == f"the checkpoint is for ledger {other.id}; this ledger is {book.id}"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda text: "", "expected 4 lines, found 1"),
        (lambda text: text.replace("v1", "v2"), "line 1 should be 'claim-ledger checkpoint v1'"),
        (lambda text: text.replace("ledger urn:claim-ledger:", "ledger urn:x:"), "line 2 should"),
        (lambda text: text.replace("size 3", "size three"), "line 3 should be 'size <number"),
        (lambda text: text[:-3] + "\n", "line 4 should be 'head sha256:<64 hex digits>'"),
        (lambda text: text + "extra\n", "expected 4 lines, found 5"),
    ],
    ids=["empty", "version", "ledger-id", "size", "short-hash", "extra-line"],
)
def test_malformed_checkpoint_is_refused(
    backend: Backend, edit: Callable[[str], str], reason: str
) -> None:
    """A checkpoint that is not in the documented format is refused, saying what is wrong."""
    book = _ledger_with(backend, 3)
    report = book.verify_checkpoint(edit(book.checkpoint()))
    assert not report.ok and report.bad_seq is None
    assert report.reason is not None and report.reason.startswith("malformed checkpoint: ")
    assert reason in report.reason


# --- the query index --------------------------------------------------------------------------


def test_index_answers_sparql_over_all_entries(backend: Backend) -> None:
    """The index holds every entry's quads, metadata included, for SPARQL with bound values."""
    book = _ledger_with(backend, 3, claims_per_entry=4)
    with book.index() as index:
        assert index.indexed_through == 3
        rows = index.query(
            "SELECT ?entry ?seq WHERE { ?entry <https://w3id.org/claim-ledger/ns#sequence> ?seq } "
            "ORDER BY ?entry",
            substitutions={
                "seq": ox.Literal(
                    "2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                )
            },
        )
        assert isinstance(rows, ox.QuerySolutions)
        assert [row["entry"] for row in rows] == [ox.NamedNode(f"{book.id}:entry:2")]
        spans = index.query(
            "SELECT (COUNT(DISTINCT ?span) AS ?n) "
            "WHERE { ?span a <https://example.org/claims/SourceSpan> }"
        )
        assert isinstance(spans, ox.QuerySolutions)
        assert [row["n"] for row in spans] == [
            ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        ]


def test_index_keeps_blank_nodes_of_entries_apart(backend: Backend) -> None:
    """Canonical labels repeat in every entry; in the index each entry's blank nodes are its own."""
    book = _ledger_with(backend, 2, claims_per_entry=1)
    assert b"_:c14n0 " in book.read_entry(1) and b"_:c14n0 " in book.read_entry(2)
    with book.index() as index:
        rows = index.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
        assert isinstance(rows, ox.QuerySolutions)
        labels = {
            term.value
            for row in rows
            for term in (row["s"], row["o"])
            if isinstance(term, ox.BlankNode)
        }
    assert labels == {"e1_c14n0", "e1_c14n1", "e2_c14n0", "e2_c14n1"}


def test_append_while_the_index_is_read_does_not_wait_for_the_reader(backend: Backend) -> None:
    """A long reader does not block appends; its index stays as it was, the next one sees more."""
    book = _ledger_with(backend, 1)
    with book.index() as index:
        started = time.monotonic()
        book.append(claims(1, 3), author="a", message="m", kind="add")
        assert time.monotonic() - started < store.INDEX_LOCK_WAIT_ON_APPEND + 1
        assert index.indexed_through == 1
    with book.index() as index:
        assert index.indexed_through == 2


INDEX_FILES = (
    "the embedded index is a local RocksDB copy derived from the entry files, rebuilt or caught "
    "up when needed; on a server an entry's quads go in with its bytes in one update, so there "
    "is no separate index to lose, rebuild or catch up"
)


def _index_dump(book: store.Ledger) -> list[str]:
    with book.index() as index:
        assert index.store is not None
        return sorted(str(quad) for quad in index.store)


@embedded_only(reason=INDEX_FILES)
def test_deleted_index_is_rebuilt_identically(tmp_path: Path) -> None:
    """The index is derived data: deleted, it is rebuilt from the entries, quad for quad."""
    book = _ledger_with(Embedded(tmp_path), 4)
    before = _index_dump(book)
    assert len(before) > 4 * 3 * 20
    shutil.rmtree(book.index_dir)
    assert _index_dump(book) == before
    (book.path / "index.json").write_text("not json")
    assert _index_dump(book) == before
    book.rebuild_index()
    assert _index_dump(book) == before


@embedded_only(reason=INDEX_FILES)
def test_index_catches_up_with_entries_written_without_it(tmp_path: Path) -> None:
    """Entries written while the index was not updated (a crash, a busy index) are added later."""
    book = _ledger_with(Embedded(tmp_path), 2)
    quiet = store.open(book.path, index_on_append=False)
    quiet.append(claims(2, 7), author="a", message="m", kind="add")
    quiet.append(claims(2, 8), author="a", message="m", kind="add")
    assert json.loads((book.path / "index.json").read_text())["through"] == 2
    with book.index() as index:
        assert index.indexed_through == 4
    # A stale state file (as after a crash between indexing and recording it) is only a hint.
    (book.path / "index.json").write_text(json.dumps({"ledger": book.id, "through": 1}))
    with book.index() as index:
        assert index.indexed_through == 4


@embedded_only(reason=INDEX_FILES)
def test_index_state_file_claiming_too_much_is_not_believed(tmp_path: Path) -> None:
    """If index.json says the index is complete when it is not (a system crash), index() heals."""
    book = _ledger_with(Embedded(tmp_path), 2)
    quiet = store.open(book.path, index_on_append=False)
    quiet.append(claims(2, 7), author="a", message="m", kind="add")
    (book.path / "index.json").write_text(json.dumps({"ledger": book.id, "through": 3}))
    with book.index() as index:
        assert index.indexed_through == 3


# --- reliability (child processes) ------------------------------------------------------------

# The remote ledger gets fewer kill -9 trials: its append has one moment that matters (the one
# update request carrying the entry, applied by the server all or nothing), where the embedded
# append has several (temporary file, fsync, link, directory fsync, index update) for the kill
# to land between. 60 trials still land kills before, during and after that request.
KILL_TRIALS = {"embedded": 120, "oxigraph": 60, "virtuoso": 30}


@pytest.mark.slow
def test_kill_9_during_append_never_loses_or_tears_an_entry(backend: Backend) -> None:
    """SIGKILL at random moments of appending: whole entries only, every reported one kept."""
    book = backend.new()
    rng = random.Random(20161130)
    reported: dict[int, str] = {}
    trials = KILL_TRIALS[backend.name]
    command, env = backend.child("append-loop", book, "killed")
    # Kills land over a span of several appends, however fast appends are on this machine now.
    started = time.monotonic()
    book.append(claims(4, 10**9), author="timing", message="m", kind="add")
    window = max(0.25, 2.5 * (time.monotonic() - started))
    for _trial in range(trials):
        before = book.size()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0, window))
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
    with book.index() as index:  # the index survived being killed mid-update too
        assert index.indexed_through == book.size()
    # What the killed writers left (a temporary file, a lock flag) does not block the next one.
    assert book.append(claims(1), author="after", message="m", kind="add").seq == book.size()
    assert backend.leftovers(book) == []


@pytest.mark.slow
def test_two_writers_interleave_without_fork_or_loss(backend: Backend) -> None:
    """Two processes appending 100 batches each give 200 gapless entries that verify."""
    book = backend.new()
    with contextlib.ExitStack() as children:
        writers = []
        for tag in ("writer-a", "writer-b"):
            command, env = backend.child("append-n", book, "100", tag)
            writers.append(children.enter_context(_child(command, env, stderr=subprocess.PIPE)))
        # The remote child connects, says "ready" and waits for a line; the embedded one starts
        # at once. (Reading "ready" first would lose lines: communicate() reads the pipe, not
        # the buffer readline() filled.)
        for writer in writers:
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        outputs = [writer.communicate(timeout=300) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], outputs
    seqs_by_writer = []
    for stdout, _stderr in outputs:
        lines = stdout.splitlines()
        assert lines[0] == "ready" and len(lines) == 101
        seqs_by_writer.append([int(line.split()[1]) for line in lines[1:]])
    assert all(seqs == sorted(seqs) for seqs in seqs_by_writer)
    assert sorted(seqs_by_writer[0] + seqs_by_writer[1]) == list(range(1, 201))
    authors = {record.seq: record.author for record in book.entries()}
    assert all(authors[seq] == "writer-a" for seq in seqs_by_writer[0])
    assert all(authors[seq] == "writer-b" for seq in seqs_by_writer[1])
    assert book.verify() == entry.VerifyReport(True, 200, 200, book.head().hash)
    interleaved = sum(1 for a, b in itertools.pairwise(seqs_by_writer[0]) if b != a + 1)
    assert interleaved > 0  # the writers really ran at the same time
    assert backend.leftovers(book) == []


@pytest.mark.slow
def test_reader_never_sees_a_partial_entry(backend: Backend) -> None:
    """A reader process looping over the entries while a writer appends only sees whole ones."""
    book = _ledger_with(backend, 1)
    command, env = backend.child("read-loop", book)
    with _child(command, env) as reader:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline() == "ready\n"
        for batch in range(40):
            book.append(claims(40 + batch, batch), author="w", message="m", kind="add")
        reader.stdin.close()
        out = reader.stdout.read()
        assert reader.wait(timeout=60) == 0, out
    match = re.fullmatch(r"read (\d+) entries in (\d+) rounds\n", out)
    assert match is not None, out
    # every entry, read whole while the writer went on (more rounds than one; how many depends
    # on the machine's load: 40+ on an idle one, fewer when the tests share it)
    assert int(match.group(1)) == 41 and int(match.group(2)) > 2


@pytest.mark.slow
def test_index_reader_process_and_writer_share_the_index_safely(backend: Backend) -> None:
    """A process querying the index while another appends sees whole entries, never fewer."""
    book = _ledger_with(backend, 1)
    command, env = backend.child("query-loop", book)
    with _child(command, env) as reader:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline() == "ready\n"
        for batch in range(30):
            book.append(claims(20, batch), author="w", message="m", kind="add")
        with book.index() as index:  # catches up with appends the reader made wait
            assert index.indexed_through == 31
        time.sleep(0.5)
        reader.stdin.close()
        out = reader.stdout.read()
        assert reader.wait(timeout=60) == 0, out
    match = re.fullmatch(r"queried (\d+) times, saw (\d+) sizes, last 31\n", out)
    assert match is not None, out
    assert int(match.group(2)) > 2  # the reader saw the index grow while it ran


@pytest.mark.slow
@embedded_only(
    reason="RLIMIT_FSIZE limits the files this process writes; a remote append writes no local "
    "file, and a server whose disk is full refuses the update (a ServerError, the ledger "
    "unchanged: the update is all or nothing)"
)
def test_full_disk_leaves_the_ledger_intact(tmp_path: Path) -> None:
    """An append that hits the file size limit fails cleanly and leaves the ledger as it was."""
    backend = Embedded(tmp_path)
    book = _ledger_with(backend, 2)
    before = [book.read_entry(seq) for seq in (1, 2)]
    command, env = backend.child("append-big", book, "3000", str(256 * 1024))
    result = subprocess.run(command, capture_output=True, env=env, text=True, timeout=120)
    assert result.returncode == LedgerError.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"error: {book.entry_path(3)}: could not write entry 3: file too large "
        "(the file size limit was reached)\n  hint: free disk space"
    )
    assert "the ledger is unchanged" in result.stderr
    assert [book.read_entry(seq) for seq in (1, 2)] == before and book.size() == 2
    assert sorted(os.listdir(book.entries_dir)) == ["000000000001.nq", "000000000002.nq"]
    assert book.verify().ok
    assert book.append(claims(1), author="a", message="after", kind="add").seq == 3


# --- speed ------------------------------------------------------------------------------------


# Fewer remote entries: each remote append of 1,000 claims takes ~1.7 s (the request carries
# the entry twice, as a literal and as quads), which the verification being measured does not.
LARGE_ENTRIES = {"embedded": 12, "oxigraph": 4, "virtuoso": 4}
# Virtuoso takes entries of up to 1 MiB (test_remote.py: test_virtuoso_refuses_an_entry_too_large)
LARGE_ENTRY_CLAIMS = {"embedded": 1000, "oxigraph": 1000, "virtuoso": 250}


@pytest.mark.slow
def test_large_entries_verify_alike_with_one_or_two_workers(backend: Backend) -> None:
    """Entries of 1,000 claims (24,000 quads) verify, the same with 1 or 2 workers and deeply.

    How fast is for the benchmark (``python bench/ledger.py``), not for a test."""
    book = backend.new(index_on_append=False)
    entries = LARGE_ENTRIES[backend.name]
    for batch in range(entries):
        book.append(
            claims(LARGE_ENTRY_CLAIMS[backend.name], batch), author="a", message="m", kind="add"
        )
    report = book.verify(workers=1)
    assert report.ok and report.entries == entries
    assert book.verify(workers=2) == report
    deep = book.verify(deep=True)
    assert deep == report


# --------------------------------------------------------------------------- built against a head


def test_an_entry_built_against_an_older_head_is_refused(backend: Backend) -> None:
    """append(after=n) writes only while the ledger still has n entries (checked under the lock)."""
    from ledger.errors import HeadMovedError

    book = _ledger_with(backend, 2)
    with pytest.raises(HeadMovedError, match="has 2 entries, the entry was built against 1"):
        book.append(claims(3, 9), author="tester", message="late", kind="add", after=1)
    assert book.size() == 2
    record = book.append(claims(3, 9), author="tester", message="on time", kind="add", after=2)
    assert record.seq == 3 and book.verify().ok


def test_the_same_new_claims_added_by_two_writers_at_once_are_added_once(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that appends between another's duplicate check and its append: no duplicate."""
    import sys

    from conftest import EXAMPLE
    from ledger import api

    book = backend.new()
    real = api._validate_and_build  # noqa: SLF001 - the race needs the step between check and append
    rivals: list[subprocess.CompletedProcess[str]] = []

    def racing(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if not rivals:  # another process adds the same files now, after this one's check
            command = [sys.executable, "-m", "ledger", "--ledger", backend.location(book)]
            rival = subprocess.run(
                [*command, "add", str(EXAMPLE), "--no-check", "--format", "json"],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
            )
            rivals.append(rival)
        return found

    monkeypatch.setattr(api, "_validate_and_build", racing)
    late = api.add(book, [EXAMPLE], author="tester", message="second", check=False)
    assert rivals[0].returncode == 0, rivals[0].stderr
    assert len(json.loads(rivals[0].stdout)["added"]) == 41
    assert late.entry is None and len(late.duplicates) == 41
    assert book.size() == 1 and book.verify().ok
