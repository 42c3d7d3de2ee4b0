"""verify and verify --deep on the embedded ledger; the query index fed by append.

The default ``verify`` checks what tamper evidence needs (each entry's SHA-256 over its stored
bytes, sorted unique lines, its metadata, the chain of previous-entry hashes); ``deep=True``
also proves every entry is the RDFC-1.0 canonical form of itself. An entry the default check
finds bad is checked deeply before it is reported, so both name the same entry for the same
reason; the head alone, which no successor vouches for, needs a checkpoint (or ``--deep``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from helpers.synthetic_claims import claims

from ledger.chain import store
from ledger.cli import main

CL = "https://w3id.org/claim-ledger/ns#"


def _ledger_with(tmp_path: Path, entries: int) -> store.Ledger:
    book = store.init(tmp_path / "ledger")
    for batch in range(entries):
        book.append(claims(3, batch), author="tester", message=f"{batch}", kind="add")
    return book


def _rewrite(book: store.Ledger, seq: int, data: bytes) -> None:
    path = book.entry_path(seq)
    path.chmod(0o644)
    path.write_bytes(data)


def _sorted(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in sorted(set(lines)))


def _swap_blank_labels(data: bytes) -> bytes:
    """The entry with _:c14n0 and _:c14n1 exchanged, lines sorted again: valid, sorted, not
    the labels RDFC-1.0 issues."""
    swapped = data.replace(b"_:c14n0 ", b"_:X ").replace(b"_:c14n1 ", b"_:c14n0 ")
    return _sorted(swapped.replace(b"_:X ", b"_:c14n1 ").split(b"\n")[:-1])


def _flip_byte(book: store.Ledger, seq: int) -> None:
    data = book.read_entry(seq)
    at = data.index(b"bridge closed")
    _rewrite(book, seq, data[:at] + b"Bridge closed" + data[at + 13 :])


def _break_canonical_form(book: store.Ledger, seq: int) -> None:
    _rewrite(book, seq, book.read_entry(seq).replace(b"\\t", b"\\u0009", 1))


def _swap_labels(book: store.Ledger, seq: int) -> None:
    _rewrite(book, seq, _swap_blank_labels(book.read_entry(seq)))


def _drop_a_line(book: store.Ledger, seq: int) -> None:
    lines = book.read_entry(seq).split(b"\n")[:-1]
    at = next(n for n, line in enumerate(lines) if b"/status>" in line)
    _rewrite(book, seq, _sorted(lines[:at] + lines[at + 1 :]))


def _repeat_a_line(book: store.Ledger, seq: int) -> None:
    lines = book.read_entry(seq).split(b"\n")[:-1]
    _rewrite(book, seq, b"".join(line + b"\n" for line in [lines[0], *lines]))


def _unsort(book: store.Ledger, seq: int) -> None:
    lines = book.read_entry(seq).split(b"\n")[:-1]
    _rewrite(book, seq, b"".join(line + b"\n" for line in [lines[1], lines[0], *lines[2:]]))


def _poison(book: store.Ledger, seq: int) -> None:
    p = ox.NamedNode("https://e.org/p")
    nodes = [ox.BlankNode(f"c14n{i}") for i in range(10)]
    clique = [f"{a} {p} {b} .".encode() for a in nodes for b in nodes if a != b]
    _rewrite(book, seq, _sorted(clique))


TAMPERING: list[Callable[[store.Ledger, int], None]] = [
    _flip_byte,
    _break_canonical_form,
    _swap_labels,
    _drop_a_line,
    _repeat_a_line,
    _unsort,
    _poison,
]


@pytest.mark.parametrize("tamper", [pytest.param(t, id=t.__name__[1:]) for t in TAMPERING])
@pytest.mark.parametrize("workers", [1, 2])
def test_default_and_deep_verify_report_the_same_for_a_changed_entry(
    tmp_path: Path, tamper: Callable[[store.Ledger, int], None], workers: int
) -> None:
    """Tampering with an entry that has a successor fails both levels, with the same report."""
    book = _ledger_with(tmp_path, 5)
    tamper(book, 3)
    deep = book.verify(deep=True, workers=workers)
    assert not deep.ok and deep.bad_seq == 3, deep
    assert book.verify(workers=workers) == deep


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (_repeat_a_line, r"entry 5 is not canonical N-Quads: line 2 repeats the line before it"),
        (_unsort, r"entry 5 is not canonical N-Quads: line 2 is out of order"),
        (_poison, r"entry 5 cannot be checked: refusing"),
    ],
    ids=["repeat", "unsort", "poison"],
)
def test_default_verify_checks_the_head_entry_itself(
    tmp_path: Path, tamper: Callable[[store.Ledger, int], None], reason: str
) -> None:
    """The head's lines must be sorted and unique and its metadata whole, without --deep."""
    book = _ledger_with(tmp_path, 5)
    tamper(book, 5)
    report = book.verify()
    assert not report.ok and report.bad_seq == 5 and report.verified == 4
    assert report.reason is not None and re.search(reason, report.reason), report.reason


def test_a_rewritten_head_needs_a_checkpoint_or_deep(tmp_path: Path) -> None:
    """A head rewritten into other valid, sorted bytes passes the default check; a checkpoint
    taken before exposes it, and so does --deep when the bytes are not canonical."""
    book = _ledger_with(tmp_path, 5)
    checkpoint = book.checkpoint()
    _swap_labels(book, 5)
    assert book.verify().ok
    deep = book.verify(deep=True)
    assert not deep.ok and deep.bad_seq == 5
    assert deep.reason is not None and "should be labelled _:c14n" in deep.reason
    pinned = book.verify_checkpoint(checkpoint)
    assert not pinned.ok and pinned.bad_seq == 5
    assert pinned.reason is not None and pinned.reason.startswith("history rewritten")
    assert book.verify_checkpoint(checkpoint, deep=True) == deep


def test_verify_deep_on_the_command_line(tmp_path: Path) -> None:
    """`verify --deep` exits 0 on an intact ledger and 1 naming a non-canonical head."""
    book = _ledger_with(tmp_path, 3)
    runner = CliRunner()
    ok = runner.invoke(main, ["--ledger", str(book.path), "verify", "--deep"])
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.startswith("ok: 3 entries, head sha256:")
    _swap_labels(book, 3)
    # the chain alone cannot tell (no successor vouches for the head), but the head hash the
    # query index recorded when it indexed entry 3 can
    cheap = runner.invoke(main, ["--ledger", str(book.path), "verify"])
    assert cheap.exit_code == 1
    assert cheap.stdout.startswith("ok: 3 entries, head sha256:")
    assert "the entry changed after it was indexed" in cheap.stdout
    failed = runner.invoke(main, ["--ledger", str(book.path), "verify", "--deep"])
    assert failed.exit_code == 1
    assert failed.stdout.startswith("verification failed: entry 3: entry 3 is not canonical")


# --- the index --------------------------------------------------------------------------------


def _index_contents(book: store.Ledger) -> list[str]:
    with book.index() as index:
        assert index.store is not None
        return sorted(str(quad) for quad in index.store)


def test_index_fed_by_append_equals_the_index_rebuilt_from_files(tmp_path: Path) -> None:
    """Appends index the bytes they wrote; rebuilding from the entry files gives the same."""
    book = _ledger_with(tmp_path, 4)
    appended = _index_contents(book)
    reference = ox.Store()  # the index's own literal forms (e.g. of xsd:dateTime)
    for seq in range(1, 5):
        relabelled = re.sub(rb"_:c14n", f"_:e{seq}_c14n".encode(), book.read_entry(seq))
        reference.extend(list(ox.parse(relabelled, format=ox.RdfFormat.N_QUADS)))
    assert appended == sorted(str(quad) for quad in reference)
    assert any("_:e4_c14n0" in line for line in appended)
    book.rebuild_index()
    assert _index_contents(book) == appended
