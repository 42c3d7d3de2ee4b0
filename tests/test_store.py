"""ledger.store: the hash-chained entry files, verification, checkpoints, the query index.

The reliability tests run real child processes (tests/helpers/ledger_child.py): SIGKILL during
appends, two writers at once, a reader during appends, a file size limit standing in for a full
disk.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.synthetic_claims import claims
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger
from ledger import store
from ledger.canon import HASH_ALGORITHM, canonical_nquads, check_canonical, sha256_hex
from ledger.errors import CanonicalizationError, LedgerError, LedgerStateError, UsageError

CL = "https://w3id.org/claim-ledger/ns#"
HELPERS = Path(__file__).resolve().parent / "helpers"
CHILD = HELPERS / "ledger_child.py"
# Children import the same ledger package as this process, and the helpers.
CHILD_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(
        [str(Path(ledger.__file__).resolve().parent.parent), str(HELPERS.parent)]
    ),
}


def _ledger_with(tmp_path: Path, entries: int, claims_per_entry: int = 3) -> store.Ledger:
    book = store.init(tmp_path / "ledger")
    for batch in range(entries):
        book.append(
            claims(claims_per_entry, batch), author="tester", message=f"{batch}", kind="add"
        )
    return book


def _child(*args: str) -> list[str]:
    return [sys.executable, str(CHILD), *args]


def _rewrite(path: Path, data: bytes) -> None:
    """Replace an entry file's bytes the way someone with write access to the disk could."""
    path.chmod(0o644)
    path.write_bytes(data)


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


def _rechain(book: store.Ledger, start: int) -> None:
    """Re-link entries ``start``… to the (changed) entries before them: a consistent rewrite."""
    for seq in range(start, book.size() + 1):
        previous = "sha256:" + sha256_hex(book.read_entry(seq - 1))
        _rewrite(book.entry_path(seq), _with_previous_hash(book.read_entry(seq), previous))


def _change_a_claim(data: bytes) -> bytes:
    def edit(quad: ox.Quad) -> ox.Quad:
        if quad.predicate.value.endswith("/status"):
            return ox.Quad(quad.subject, quad.predicate, ox.Literal("closed"), quad.graph_name)
        return quad

    return _edit_quads(data, edit)


# --- creating and opening ---------------------------------------------------------------------


def test_init_writes_ledger_description(tmp_path: Path) -> None:
    """init creates ledger.json with a fresh urn:uuid id, UTC time, format and hash algorithm."""
    book = store.init(tmp_path / "l")
    description = json.loads((tmp_path / "l" / "ledger.json").read_text())
    assert set(description) == {"id", "created", "format", "hash_algorithm"}
    assert description["id"] == book.id
    assert uuid.UUID(book.id.removeprefix("urn:claim-ledger:")).version == 4
    created = datetime.fromisoformat(description["created"])
    assert created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=1)
    assert description["format"] == 1
    assert description["hash_algorithm"] == HASH_ALGORITHM == "RDFC-1.0/SHA-256"
    assert book.size() == 0 and book.head() is None and list(book.entries()) == []


def test_init_refuses_an_existing_ledger(tmp_path: Path) -> None:
    """A second init in the same place is refused, leaving the first ledger as it was."""
    first = store.init(tmp_path / "l")
    with pytest.raises(LedgerStateError, match="a ledger already exists here"):
        store.init(tmp_path / "l")
    assert store.open(tmp_path / "l").id == first.id


def test_open_without_ledger_says_how_to_make_one(tmp_path: Path) -> None:
    """Opening a folder that holds no ledger fails with a hint to run claim-ledger init."""
    with pytest.raises(LedgerStateError) as missing:
        store.open(tmp_path / "nothing")
    assert "no ledger here" in str(missing.value)
    assert "claim-ledger init" in str(missing.value)
    assert missing.value.exit_code == 2


def test_open_refuses_an_unknown_format(tmp_path: Path) -> None:
    """A ledger written in another format or hash algorithm is not silently misread."""
    store.init(tmp_path / "l")
    description_path = tmp_path / "l" / "ledger.json"
    description = json.loads(description_path.read_text())
    description_path.write_text(json.dumps({**description, "format": 2}))
    with pytest.raises(LedgerStateError, match="is not the one this version writes"):
        store.open(tmp_path / "l")


# --- appending and reading --------------------------------------------------------------------


def test_entry_file_is_exactly_the_hashed_canonical_bytes(tmp_path: Path) -> None:
    """An entry file holds the canonical N-Quads of the caller's quads plus metadata, as hashed."""
    book = store.init(tmp_path / "l")
    quads = claims(5)
    first = book.append(quads, author="Ana", message="first batch", kind="add")
    second = book.append(claims(2, 1), author="Bo", message="second", kind="review")
    data = book.read_entry(1)
    assert first.hash == "sha256:" + sha256_hex(data)
    assert first.path == book.entry_path(1) and first.path.read_bytes() == data
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


def test_reading_entries_head_and_size(tmp_path: Path) -> None:
    """entries() lists every entry in order with its metadata; head() and size() agree."""
    book = _ledger_with(tmp_path, 4)
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
    with pytest.raises(LedgerStateError, match="there is no entry 5"):
        book.read_entry(5)


def test_append_refuses_bad_arguments_without_writing(tmp_path: Path) -> None:
    """Quads posing as entry metadata, or an empty author, are refused and nothing is written."""
    book = store.init(tmp_path / "l")
    forged = ox.Quad(
        ox.NamedNode(f"{book.id}:entry:1"), ox.NamedNode(CL + "author"), ox.Literal("someone")
    )
    with pytest.raises(UsageError, match="entry IRIs"):
        book.append([forged], author="a", message="m", kind="add")
    with pytest.raises(UsageError, match="non-empty author"):
        book.append(claims(1), author=" ", message="m", kind="add")
    assert book.size() == 0


def test_append_refuses_poison_before_taking_the_lock(tmp_path: Path) -> None:
    """A blank-node clique is refused quickly, even while another process holds the lock."""
    book = store.init(tmp_path / "l")
    clique = [
        ox.Quad(ox.BlankNode(f"n{a}"), ox.NamedNode("https://e.org/p"), ox.BlankNode(f"n{b}"))
        for a in range(10)
        for b in range(10)
        if a != b
    ]
    with _held_lock(tmp_path / "l" / "lock"):
        started = time.monotonic()
        with pytest.raises(CanonicalizationError, match="refusing to canonicalise"):
            book.append(clique, author="a", message="poison", kind="add")
        assert time.monotonic() - started < 2
    assert book.size() == 0


class _held_lock:  # noqa: N801 - used like a function in `with`
    """Hold the ledger's writer lock as another process would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1

    def __enter__(self) -> None:
        self.fd = os.open(self.path, os.O_RDWR)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)


def test_append_times_out_when_another_writer_holds_the_lock(tmp_path: Path) -> None:
    """A writer blocked by another writer gives up with a clear message, writing nothing."""
    store.init(tmp_path / "l")
    book = store.Ledger(
        tmp_path / "l", ledger_id=store.open(tmp_path / "l").id, created="", lock_timeout=0.3
    )
    with _held_lock(tmp_path / "l" / "lock"):
        started = time.monotonic()
        with pytest.raises(LedgerStateError) as blocked:
            book.append(claims(1), author="a", message="m", kind="add")
        assert 0.3 <= time.monotonic() - started < 2
    assert "another process has held the lock for more than 0.3 s" in str(blocked.value)
    assert book.size() == 0
    assert book.append(claims(1), author="a", message="m", kind="add").seq == 1


def test_stale_temporary_files_are_removed_and_never_read(tmp_path: Path) -> None:
    """A crashed writer's temporary file is ignored by readers and removed by the next append."""
    book = _ledger_with(tmp_path, 1)
    stale = book.entries_dir / ".tmp-99999-deadbeef"
    stale.write_bytes(book.read_entry(1)[:100])
    assert book.size() == 1 and book.verify().ok
    book.append(claims(1, 5), author="a", message="m", kind="add")
    assert not stale.exists()
    assert sorted(os.listdir(book.entries_dir)) == ["000000000001.nq", "000000000002.nq"]


def test_append_refuses_to_extend_a_ledger_with_a_gap(tmp_path: Path) -> None:
    """With an entry missing, append refuses rather than chain onto a broken ledger."""
    book = _ledger_with(tmp_path, 3)
    book.entry_path(2).unlink()
    with pytest.raises(LedgerStateError, match="refusing to append: entry 2 is missing"):
        book.append(claims(1), author="a", message="m", kind="add")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=6))
def test_append_never_changes_earlier_entries(tmp_path: Path, batch_sizes: list[int]) -> None:
    """Whatever is appended, the bytes of every earlier entry stay exactly as they were."""
    book = store.open(store.init(tmp_path / uuid.uuid4().hex).path, index_on_append=False)
    before: list[bytes] = []
    for number, size in enumerate(batch_sizes):
        book.append(claims(size, number), author="a", message=str(number), kind="add")
        assert [book.read_entry(seq) for seq in range(1, len(before) + 1)] == before
        before.append(book.read_entry(len(before) + 1))
    assert book.verify().ok


# --- verification -----------------------------------------------------------------------------


def test_verify_accepts_an_intact_ledger(tmp_path: Path) -> None:
    """An untouched ledger verifies, reporting its size and head hash; so does an empty one."""
    assert store.init(tmp_path / "empty").verify() == store.VerifyReport(True, 0, 0, None)
    book = _ledger_with(tmp_path, 5)
    report = book.verify()
    head = book.head()
    assert head is not None
    assert report == store.VerifyReport(True, 5, 5, head.hash)
    assert str(report) == f"ok: 5 entries, head {head.hash}"
    assert book.verify(workers=2) == report


def _flip_byte(book: store.Ledger) -> None:
    data = book.read_entry(3)
    at = data.index(b"bridge closed")
    _rewrite(book.entry_path(3), data[:at] + b"Bridge closed" + data[at + 13 :])


def _break_canonical_form(book: store.Ledger) -> None:
    _rewrite(book.entry_path(3), book.read_entry(3).replace(b"\\t", b"\\u0009", 1))


def _change_triple(book: store.Ledger) -> None:
    _rewrite(book.entry_path(3), _change_a_claim(book.read_entry(3)))


def _delete(book: store.Ledger) -> None:
    book.entry_path(3).unlink()


def _delete_and_renumber(book: store.Ledger) -> None:
    book.entry_path(3).unlink()
    for seq in (4, 5):
        book.entry_path(seq).rename(book.entry_path(seq - 1))


def _swap(book: store.Ledger) -> None:
    book.entry_path(3).rename(book.entries_dir / "x")
    book.entry_path(4).rename(book.entry_path(3))
    (book.entries_dir / "x").rename(book.entry_path(4))


def _alter_link(book: store.Ledger) -> None:
    _rewrite(book.entry_path(3), _with_previous_hash(book.read_entry(3), "sha256:" + "0" * 64))


def _alter_link_and_rechain(book: store.Ledger) -> None:
    _alter_link(book)
    _rechain(book, 4)


def _foreign_entry(book: store.Ledger) -> None:
    other = store.init(book.path.parent / "other")
    for batch in range(3):
        other.append(claims(3, batch), author="tester", message=f"{batch}", kind="add")
    _rewrite(book.entry_path(3), other.read_entry(3))


def _alter_last_link(book: store.Ledger) -> None:
    _rewrite(book.entry_path(5), _with_previous_hash(book.read_entry(5), "sha256:" + "1" * 64))


TAMPERING: list[tuple[Callable[[store.Ledger], None], int, str]] = [
    (
        _flip_byte,
        3,
        r"entry 3 hashes to sha256:\w+, but entry 4 records previousEntryHash sha256:\w+: "
        r"entry 3 was changed, or the entries from 4 on were rewritten",
    ),
    (_break_canonical_form, 3, r"entry 3 is not canonical N-Quads: line \d+ is not in canonical"),
    (_change_triple, 3, r"entry 3 hashes to .*: entry 3 was changed"),
    (_delete, 3, r"entry 3 is missing \(no file 000000000003.nq; the next entry file is 4\)"),
    (
        _delete_and_renumber,
        3,
        r"entry 3 holds entry 4 \(its file name says 3: entries were reordered\)",
    ),
    (_swap, 3, r"entry 3 holds entry 4 \(its file name says 3"),
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
]


@pytest.mark.parametrize(
    ("tamper", "bad_seq", "reason"),
    [pytest.param(*case, id=case[0].__name__[1:]) for case in TAMPERING],
)
def test_verify_names_the_first_bad_entry(
    tmp_path: Path, tamper: Callable[[store.Ledger], None], bad_seq: int, reason: str
) -> None:
    """Each kind of tampering makes verify fail, naming the first bad entry and why."""
    book = _ledger_with(tmp_path, 5)
    assert book.verify().ok
    tamper(book)
    report = book.verify()
    assert not report.ok
    assert report.bad_seq == bad_seq
    assert report.reason is not None and re.search(reason, report.reason), report.reason
    assert report.verified == bad_seq - 1
    assert str(report).startswith(f"verification failed: entry {bad_seq}: ")


def test_verify_catches_a_poisoned_entry_quickly(tmp_path: Path) -> None:
    """An entry file replaced by a blank-node clique fails verification instead of hanging."""
    book = _ledger_with(tmp_path, 2)
    p = ox.NamedNode("https://e.org/p")
    nodes = [ox.BlankNode(f"c14n{i}") for i in range(10)]
    clique = "".join(f"{a} {p} {b} .\n" for a in nodes for b in nodes if a != b)
    _rewrite(book.entry_path(2), "".join(sorted(clique.splitlines(keepends=True))).encode())
    started = time.monotonic()
    report = book.verify()
    assert time.monotonic() - started < 3
    assert report.bad_seq == 2
    assert report.reason is not None and "entry 2 cannot be checked: refusing" in report.reason


# --- checkpoints ------------------------------------------------------------------------------


def test_checkpoint_text(tmp_path: Path) -> None:
    """A checkpoint is four lines: header, ledger id, size and head hash."""
    book = _ledger_with(tmp_path, 2)
    head = book.head()
    assert head is not None
    assert book.checkpoint() == (
        f"claim-ledger checkpoint v1\nledger {book.id}\nsize 2\nhead {head.hash}\n"
    )
    empty = store.init(tmp_path / "empty")
    assert empty.checkpoint().endswith("size 0\nhead none\n")
    assert empty.verify_checkpoint(empty.checkpoint()).ok


def test_checkpoint_still_holds_after_more_appends(tmp_path: Path) -> None:
    """A ledger that only grew since a checkpoint satisfies it."""
    book = _ledger_with(tmp_path, 3)
    checkpoint = book.checkpoint()
    book.append(claims(2, 9), author="a", message="later", kind="add")
    report = book.verify_checkpoint(checkpoint)
    assert report.ok and report.entries == 4


def test_checkpoint_exposes_a_rollback(tmp_path: Path) -> None:
    """Removing the newest entries (the chain stays valid) is caught by an older checkpoint."""
    book = _ledger_with(tmp_path, 5)
    checkpoint = book.checkpoint()
    book.entry_path(5).unlink()
    book.entry_path(4).unlink()
    assert book.verify().ok
    report = book.verify_checkpoint(checkpoint)
    assert not report.ok and report.bad_seq == 5
    assert report.reason == "rollback: the checkpoint records 5 entries, the ledger has only 3"


@pytest.mark.parametrize("rewritten_from", [1, 2, 4])
def test_checkpoint_exposes_a_rewritten_history(tmp_path: Path, rewritten_from: int) -> None:
    """Changing an old entry and re-chaining everything after it passes verify, not a checkpoint."""
    book = _ledger_with(tmp_path, 5)
    checkpoint = book.checkpoint()
    _rewrite(book.entry_path(rewritten_from), _change_a_claim(book.read_entry(rewritten_from)))
    _rechain(book, rewritten_from + 1)
    assert book.verify().ok  # a consistent rewrite: only a checkpoint can tell
    report = book.verify_checkpoint(checkpoint)
    assert not report.ok and report.bad_seq == 5
    assert report.reason is not None
    assert re.fullmatch(
        r"history rewritten: entry 5 hashes to sha256:\w{64}, the checkpoint records sha256:\w{64}",
        report.reason,
    )


def test_checkpoint_of_another_ledger_is_refused(tmp_path: Path) -> None:
    """A checkpoint taken from a different ledger does not vouch for this one."""
    book = _ledger_with(tmp_path, 2)
    other = store.init(tmp_path / "other")
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
    tmp_path: Path, edit: Callable[[str], str], reason: str
) -> None:
    """A checkpoint that is not in the documented format is refused, saying what is wrong."""
    book = _ledger_with(tmp_path, 3)
    report = book.verify_checkpoint(edit(book.checkpoint()))
    assert not report.ok and report.bad_seq is None
    assert report.reason is not None and report.reason.startswith("malformed checkpoint: ")
    assert reason in report.reason


# --- the query index --------------------------------------------------------------------------


def _index_dump(book: store.Ledger) -> list[str]:
    with book.index() as index:
        assert index.store is not None
        return sorted(str(quad) for quad in index.store)


def test_index_answers_sparql_over_all_entries(tmp_path: Path) -> None:
    """The index holds every entry's quads, metadata included, for SPARQL with bound values."""
    book = _ledger_with(tmp_path, 3, claims_per_entry=4)
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


def test_index_keeps_blank_nodes_of_entries_apart(tmp_path: Path) -> None:
    """Canonical labels repeat in every entry; in the index each entry's blank nodes are its own."""
    book = _ledger_with(tmp_path, 2, claims_per_entry=1)
    assert b"_:c14n0 " in book.read_entry(1) and b"_:c14n0 " in book.read_entry(2)
    dump = _index_dump(book)
    labels = {label for line in dump for label in re.findall(r"_:(\S+)", line)}
    assert labels == {"e1_c14n0", "e1_c14n1", "e2_c14n0", "e2_c14n1"}


def test_deleted_index_is_rebuilt_identically(tmp_path: Path) -> None:
    """The index is derived data: deleted, it is rebuilt from the entries, quad for quad."""
    book = _ledger_with(tmp_path, 4)
    before = _index_dump(book)
    assert len(before) > 4 * 3 * 20
    shutil.rmtree(book.index_dir)
    assert _index_dump(book) == before
    (book.path / "index.json").write_text("not json")
    assert _index_dump(book) == before
    book.rebuild_index()
    assert _index_dump(book) == before


def test_index_catches_up_with_entries_written_without_it(tmp_path: Path) -> None:
    """Entries written while the index was not updated (a crash, a busy index) are added later."""
    book = _ledger_with(tmp_path, 2)
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


def test_index_state_file_claiming_too_much_is_not_believed(tmp_path: Path) -> None:
    """If index.json says the index is complete when it is not (a system crash), index() heals."""
    book = _ledger_with(tmp_path, 2)
    quiet = store.open(book.path, index_on_append=False)
    quiet.append(claims(2, 7), author="a", message="m", kind="add")
    (book.path / "index.json").write_text(json.dumps({"ledger": book.id, "through": 3}))
    with book.index() as index:
        assert index.indexed_through == 3


def test_append_while_the_index_is_read_does_not_wait_for_the_reader(tmp_path: Path) -> None:
    """A long reader does not block appends; the index lags and catches up after the reader."""
    book = _ledger_with(tmp_path, 1)
    with book.index() as index:
        started = time.monotonic()
        book.append(claims(1, 3), author="a", message="m", kind="add")
        assert time.monotonic() - started < store.INDEX_LOCK_WAIT_ON_APPEND + 1
        assert index.indexed_through == 1
    with book.index() as index:
        assert index.indexed_through == 2


# --- reliability (child processes) ------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_during_append_never_loses_or_tears_an_entry(tmp_path: Path) -> None:
    """SIGKILL at random moments of appending: whole entries only, every reported one kept."""
    book = store.init(tmp_path / "l")
    rng = random.Random(20161130)
    reported: dict[int, str] = {}
    trials = 120
    for _trial in range(trials):
        before = book.size()
        child = subprocess.Popen(
            _child("append-loop", str(book.path), "killed"),
            stdout=subprocess.PIPE,
            env=CHILD_ENV,
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
    with book.index() as index:  # the index survived being killed mid-update too
        assert index.indexed_through == book.size()


@pytest.mark.slow
def test_two_writers_interleave_without_fork_or_loss(tmp_path: Path) -> None:
    """Two processes appending 100 batches each give 200 gapless entries that verify."""
    book = store.init(tmp_path / "l")
    writers = [
        subprocess.Popen(
            _child("append-n", str(book.path), "100", tag),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=CHILD_ENV,
            text=True,
        )
        for tag in ("writer-a", "writer-b")
    ]
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
    assert book.verify() == store.VerifyReport(True, 200, 200, book.head().hash)  # type: ignore[union-attr]
    interleaved = sum(1 for a, b in itertools.pairwise(seqs_by_writer[0]) if b != a + 1)
    assert interleaved > 0  # the writers really ran at the same time


@pytest.mark.slow
def test_reader_never_sees_a_partial_entry(tmp_path: Path) -> None:
    """A reader process looping over the entries while a writer appends only sees whole ones."""
    book = _ledger_with(tmp_path, 1)
    reader = subprocess.Popen(
        _child("read-loop", str(book.path)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=CHILD_ENV,
        text=True,
    )
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline() == "ready\n"
    for batch in range(40):
        book.append(claims(40 + batch, batch), author="w", message="m", kind="add")
    reader.stdin.close()
    out = reader.stdout.read()
    reader.stdout.close()
    assert reader.wait(timeout=60) == 0, out
    match = re.fullmatch(r"read (\d+) entries in (\d+) rounds\n", out)
    assert match is not None, out
    assert int(match.group(1)) == 41 and int(match.group(2)) > 40


@pytest.mark.slow
def test_index_reader_process_and_writer_share_the_index_safely(tmp_path: Path) -> None:
    """A process querying the index while another appends sees whole entries, never fewer."""
    book = _ledger_with(tmp_path, 1)
    reader = subprocess.Popen(
        _child("query-loop", str(book.path)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=CHILD_ENV,
        text=True,
    )
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline() == "ready\n"
    for batch in range(30):
        book.append(claims(20, batch), author="w", message="m", kind="add")
    with book.index() as index:  # catches up with appends the reader made wait
        assert index.indexed_through == 31
    time.sleep(0.5)
    reader.stdin.close()
    out = reader.stdout.read()
    reader.stdout.close()
    assert reader.wait(timeout=60) == 0, out
    match = re.fullmatch(r"queried (\d+) times, saw (\d+) sizes, last 31\n", out)
    assert match is not None, out
    assert int(match.group(2)) > 2  # the reader saw the index grow while it ran


@pytest.mark.slow
def test_full_disk_leaves_the_ledger_intact(tmp_path: Path) -> None:
    """An append that hits the file size limit fails cleanly and leaves the ledger as it was."""
    book = _ledger_with(tmp_path, 2)
    before = [book.read_entry(seq) for seq in (1, 2)]
    result = subprocess.run(
        _child("append-big", str(book.path), "3000", str(256 * 1024)),
        capture_output=True,
        env=CHILD_ENV,
        text=True,
        timeout=120,
    )
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


@pytest.mark.slow
def test_verify_speed_on_large_entries(tmp_path: Path) -> None:
    """Entries of 1,000 claims (24,000 quads) verify at several per second on one core."""
    book = store.open(store.init(tmp_path / "l").path, index_on_append=False)
    for batch in range(12):
        book.append(claims(1000, batch), author="a", message="m", kind="add")
    started = time.monotonic()
    report = book.verify(workers=1)
    elapsed = time.monotonic() - started
    assert report.ok and report.entries == 12
    assert elapsed < 5  # about 1 s here; the benchmark (tests/helpers/bench_store.py) has more
    assert book.verify(workers=2) == report
