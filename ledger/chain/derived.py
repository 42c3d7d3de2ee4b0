"""Derived data checked against the entries: the query index and the findings file.

Both are built from the entry files, which alone are hashed and chained; anyone who can write
the ledger folder can also edit them (delete a quad from the index and a retracted claim is
current again; change a row of ``findings.sqlite`` and a grade says "confirmed"). This module
ties them back to the chain:

- ``check`` (what ``verify`` runs by default; cheap, no rebuilding): the head recorded in
  ``index.json`` (sequence and hash) is an entry of this chain with that hash; the index holds
  exactly as many quads as the entry files have lines (counted per graph only to name the
  graphs that differ); the findings file is intact for SQLite, belongs to this ledger, has
  absorbed no graph the index lacks, and its meta table holds only the JSON the analysis
  writes. It catches a stale or foreign index, a head changed after indexing, a quad deleted
  or added, a damaged or booby-trapped findings file; it cannot see a quad replaced by another
  or a findings row edited in place.
- ``check(full=True)`` (``verify --derived``): builds the index again from the entries in a
  temporary folder and compares every quad both ways, then builds the findings again from that
  fresh index in a temporary file (``ledger.analysis.findings.catch_up``) and compares every
  row of the answers the file gives (conflicts, corroborations, grades, for every status). It
  detects every edit that changes what a command says, at the cost of a rebuild. (Answers, not
  raw tables: the file may keep rows that no answer reads, such as the stored grade of a claim
  retracted since, which a rebuild does not have.)
- ``rebuild``: builds the index and/or the findings file again, atomically (into a temporary
  name, then renamed over the old one).
- ``status``: what reports and ``serve`` say about the derived data. A check that passes is
  recorded in ``derived-checked.json`` beside the stores (when, UTC; the head it checked
  against, sequence and hash; cheap or ``--derived``; which stores, and their files' identities,
  so that a store built again since is told apart); ``status`` compares that record with the
  head now.

- ``check_remote`` (``verify --derived`` on a ledger on a SPARQL server): the server's query
  copy against the quads its stored entries give, every quad both ways; without ``--derived``
  it says the copy was not checked.

The findings file is treated as the analysis module keeps it: through its public ``catch_up``
and its tables as SQLite shows them, never its private helpers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import BlankNode, NamedNode, Quad, Store

from ledger.chain.entry import HASH_PREFIX, index_quads
from ledger.chain.store import Ledger, read_index_state
from ledger.errors import LedgerError, LedgerStateError
from ledger.vocab import PROV_IRI

if TYPE_CHECKING:
    from ledger.chain.remote import RemoteLedger

INDEX = "query index"
QUERY_COPY = "query copy on the server"
FINDINGS = "findings file"
FINDINGS_NAME = "findings.sqlite"
#: the record of the last derived-data checks that passed, in the ledger folder
CHECKED_NAME = "derived-checked.json"
#: its format, so that a later change of it is read as "no record"
CHECKED_VERSION = 1
#: How many differing quads or rows a report names (the count is always given in full).
SHOWN = 5


@dataclass(frozen=True)
class DerivedCheck:
    """One store's verdict: what was checked and, when it fails, what differs."""

    store: str
    checked: str
    problems: tuple[str, ...] = ()
    hint: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class DerivedReport:
    """The verdicts on the derived stores; ``ok`` when none differs from the entries."""

    checks: list[DerivedCheck] = field(default_factory=list)
    full: bool = False
    seconds: float = 0.0
    #: stores this check left alone, each a line saying so and how to check it
    unchecked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def __str__(self) -> str:
        lines = []
        for check in self.checks:
            if check.ok:
                lines.append(f"{check.store}: ok ({check.checked})")
                continue
            lines.append(f"{check.store}: DIFFERS from the entries ({check.checked})")
            lines.extend(f"  {problem}" for problem in check.problems)
            if check.hint:
                lines.append(f"  hint: {check.hint}")
        if not self.full and self.checks:
            lines.append(
                "derived data: cheap checks only; `claim-ledger verify --derived` rebuilds "
                "both stores and compares every quad and row"
            )
        lines.extend(self.unchecked)
        return "\n".join(lines)


def _rebuild_hint(what: str) -> str:
    return f"run `claim-ledger rebuild --{what}` to build it again from the entries"


# --------------------------------------------------------------------------- the cheap check


def _entry_hash(ledger: Ledger, seq: int) -> str:
    return HASH_PREFIX + hashlib.sha256(ledger.read_entry(seq)).hexdigest()


def _graph_sizes_of_entries(ledger: Ledger, size: int) -> Counter[str]:
    """Quads per named graph that entries 1..size put in the index (one line is one quad)."""
    sizes: Counter[str] = Counter()
    for seq in range(1, size + 1):
        data = ledger.read_entry(seq)
        for line in data.splitlines():
            # canonical N-Quads: "S P O G ." with G an IRI or a blank node (no spaces in either)
            graph = line[:-2].rsplit(b" ", 1)[-1].decode("utf-8")
            if graph.startswith("<"):
                sizes[graph[1:-1]] += 1
            elif graph.startswith("_:"):
                sizes[f"_:e{seq}_{graph[2:]}"] += 1
            else:
                sizes[""] += 1  # the default graph: the index never keeps a quad there
    return sizes


def _graph_sizes_of_index(store: Store) -> Counter[str]:
    """Quads per named graph of the index (walked, not queried: the analysis queries never
    name graphs, and this runs only to name the graphs whose counts differ)."""
    sizes: Counter[str] = Counter()
    for quad in store:
        graph = quad.graph_name
        if isinstance(graph, NamedNode):
            sizes[graph.value] += 1
        elif isinstance(graph, BlankNode):
            sizes[f"_:{graph.value}"] += 1
        else:
            sizes[""] += 1
    return sizes


def _check_index_cheap(ledger: Ledger, size: int) -> DerivedCheck:
    state = read_index_state(ledger)
    problems: list[str] = []
    head_text = "empty ledger"
    if size:
        head_text = f"head entry {size} {_entry_hash(ledger, size)[:19]}…"
    if state.ledger is not None and state.ledger != ledger.id:
        problems.append(f"index.json names another ledger ({state.ledger})")
    elif state.through > size:
        problems.append(f"index.json records entry {state.through}, but the ledger has {size}")
    elif state.through and state.head_hash is None:
        head_text += " (index.json records no head hash: built by an older version)"
    elif state.through and state.head_hash != _entry_hash(ledger, state.through):
        problems.append(
            f"index.json records head entry {state.through} as {state.head_hash or 'no hash'}, "
            f"but that entry hashes to {_entry_hash(ledger, state.through)}: the index was "
            "built from another history (or the entry changed after it was indexed)"
        )
    if problems:
        return DerivedCheck(INDEX, head_text, tuple(problems), _rebuild_hint("index"))
    # one entry line is one quad, and no two entries share a quad (blank nodes are relabelled
    # per entry, each entry has its own graphs): the totals agree unless a quad went or came
    expected_total = sum(ledger.read_entry(seq).count(b"\n") for seq in range(1, size + 1))
    with ledger.index() as index:  # catches up first, and says so clearly when it cannot
        assert index.store is not None
        found_total = len(index.store)
        if found_total != expected_total:  # which graphs: the slower count, only to name them
            expected = _graph_sizes_of_entries(ledger, size)
            found = _graph_sizes_of_index(index.store)
            problems.append(
                f"{found_total:,} quads in the index, {expected_total:,} in the entries"
            )
            for graph in sorted(set(expected) | set(found)):
                if expected[graph] != found[graph]:
                    problems.append(
                        f"graph {graph or '(default)'}: {found[graph]} quad(s) in the index, "
                        f"{expected[graph]} in the entries"
                    )
    checked = f"{head_text}; its {found_total:,} quads counted against the entries"
    return DerivedCheck(INDEX, checked, _shown(problems), _rebuild_hint("index"))


def _shown(problems: list[str]) -> tuple[str, ...]:
    if len(problems) <= SHOWN:
        return tuple(problems)
    return (*problems[:SHOWN], f"… and {len(problems) - SHOWN} more")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _check_findings_cheap(ledger: Ledger) -> DerivedCheck | None:
    path = ledger.path / FINDINGS_NAME
    if not path.exists():
        return None  # not built yet: the first analysis command builds it
    problems: list[str] = []
    try:
        conn = _read_only(path)
        try:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                problems.append(f"SQLite finds the file damaged: {verdict}")
            else:
                recorded = _meta_text(conn, "ledger_id")
                if recorded and recorded != ledger.id:
                    problems.append(f"it belongs to another ledger ({recorded})")
                problems.extend(_not_json(conn))
                absorbed = {str(name) for (name,) in conn.execute("SELECT name FROM graphs")}
        finally:
            conn.close()
    except sqlite3.Error as error:
        return DerivedCheck(
            FINDINGS, "readable", (f"SQLite cannot read it: {error}",), _rebuild_hint("findings")
        )
    if problems:
        return DerivedCheck(FINDINGS, "integrity", tuple(problems), _rebuild_hint("findings"))
    with ledger.index() as index:
        assert index.store is not None
        graphs = {g.value for g in index.store.named_graphs() if isinstance(g, NamedNode)}
    extra = sorted(absorbed - graphs)
    if extra:
        problems.append(
            f"it has absorbed {len(extra)} graph(s) the entries do not have, e.g. {extra[0]}"
        )
    checked = f"SQLite integrity; {len(absorbed):,} absorbed graphs against the index"
    if not problems and absorbed != graphs:
        checked += f" ({len(graphs - absorbed)} not absorbed yet: the next analysis catches up)"
    return DerivedCheck(FINDINGS, checked, tuple(problems), _rebuild_hint("findings"))


#: Pickle opcodes that import or call something: the analysis stores only containers of
#: strings, numbers and tuples, so any of these in the file was put there by someone else, and
#: unpickling it would run their code.
def _not_json(conn: sqlite3.Connection) -> list[str]:
    """The analysis's ``meta`` values that are not the JSON text it writes (never decoded else).

    The analysis keeps its registry there as JSON (statuses and derivations are tables of text,
    compared with a rebuild by the full check); a value of another
    kind (a pickle, say, that would run code if anything unpickled it) is forged or damaged.
    """
    problems = []
    for key, value in conn.execute("SELECT key, value FROM meta WHERE key LIKE 'ledger.%'"):
        try:
            if not isinstance(value, str):
                raise ValueError(f"a {type(value).__name__} value, not text")
            json.loads(value)
        except ValueError as error:
            problems.append(
                f"table meta: {key} is not the JSON the analysis writes ({str(error)[:80]}): "
                "forged or damaged; rebuild it with `claim-ledger rebuild --findings`"
            )
    return sorted(problems)


def _meta_text(conn: sqlite3.Connection, key: str) -> str | None:
    with contextlib.suppress(sqlite3.Error):
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is not None and isinstance(row[0], str):
            return row[0]
    return None


# --------------------------------------------------------------------------- the full check


#: A scratch folder or file older than this was left by a process that died (a killed
#: `verify --derived` or `rebuild`): the next one removes it.
STALE_AFTER_S = 24 * 3600


def _remove_stale(ledger: Ledger) -> None:
    now = time.time()
    for path in ledger.path.glob("*.tmp-*"):
        if path.name.startswith(("verify.tmp-", f"{FINDINGS_NAME}.tmp-")):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > STALE_AFTER_S:
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink()


@contextlib.contextmanager
def _scratch(ledger: Ledger, what: str) -> Iterator[Path]:
    """A temporary folder inside the ledger folder (same file system), removed afterwards."""
    _remove_stale(ledger)
    folder = ledger.path / f"{what}.tmp-{secrets.token_hex(4)}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fresh_index(ledger: Ledger, size: int, folder: Path) -> Store:
    store = Store(str(folder / "index"))
    store.bulk_extend(
        quad for seq in range(1, size + 1) for quad in index_quads(seq, ledger.read_entry(seq))
    )
    store.flush()
    return store


def _compare_indexes(existing: Store, fresh: Store) -> list[str]:
    problems: list[str] = []
    missing = [q for q in fresh if q not in existing]
    extra = [q for q in existing if q not in fresh]
    if missing:
        problems.append(f"{len(missing)} quad(s) of the entries are missing from the index:")
        problems.extend("  - " + str(q) for q in missing[:SHOWN])
    if extra:
        problems.append(f"{len(extra)} quad(s) in the index are in no entry:")
        problems.extend("  + " + str(q) for q in extra[:SHOWN])
    return problems


#: The answers the findings file gives (``ledger.analysis.findings``) and the commands that
#: show them, compared row by row.
_ANSWERS = {
    "conflict_rows": "conflicts",
    "corroboration_rows": "corroborations",
    "grade_rows": "grade",
}


def _row_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in row.items() if v not in (None, ""))


def _compare_findings(existing: Store, path: Path, fresh: Store, rebuilt: Path) -> list[str]:
    """Every answer the file gives, for every status, against the answers of a rebuilt file.

    Answers rather than raw tables: the file may keep rows no answer reads (a grade of a claim
    since retracted), which a rebuild does not have; an edit that changes what a command says
    always shows here.
    """
    from ledger.analysis import compare as an  # the analysis reads the chain: it comes after
    from ledger.analysis import findings

    problems: list[str] = []
    for status in an.STATUSES:
        filters = an.Filters(status=status)
        for name, command in _ANSWERS.items():
            answer = getattr(findings, name)
            have = answer(existing, path, filters)
            want = answer(fresh, rebuilt, filters)
            if have is None or want is None:
                problems.append(f"{command} --status {status}: the file cannot answer")
                continue
            mine = Counter(tuple(sorted(row.items())) for row in have)
            theirs = Counter(tuple(sorted(row.items())) for row in want)
            changed, lost = mine - theirs, theirs - mine
            if changed:
                problems.append(
                    f"{command} --status {status}: {sum(changed.values())} row(s) "
                    "that a rebuild does not give:"
                )
                problems.extend(
                    "  + " + _row_text(dict(r)) for r in sorted(changed, key=repr)[:SHOWN]
                )
            if lost:
                problems.append(
                    f"{command} --status {status}: {sum(lost.values())} row(s) of a rebuild "
                    "missing:"
                )
                problems.extend("  - " + _row_text(dict(r)) for r in sorted(lost, key=repr)[:SHOWN])
    problems.extend(_compare_ledger_tables(path, rebuilt))
    return problems


def _compare_ledger_tables(path: Path, rebuilt: Path) -> list[str]:
    """The statuses and derivations the file keeps (its tables ``retracted``, ``superseded``,
    ``derived_from``, ``written_as``) against a rebuild's: a derivation no answer shows yet
    still decides how the next entries' findings are judged."""
    from ledger.analysis import findings  # the analysis reads the chain: it comes after

    problems: list[str] = []
    have = findings.status_and_derivation_rows(path)
    want = findings.status_and_derivation_rows(rebuilt)
    for table in sorted(want):
        mine, theirs = Counter(have.get(table, [])), Counter(want[table])
        for sign, rows, what in (
            ("+", mine - theirs, "row(s) that a rebuild does not give:"),
            ("-", theirs - mine, "row(s) of a rebuild missing:"),
        ):
            if rows:
                problems.append(f"table {table}: {sum(rows.values())} {what}")
                problems.extend(
                    f"  {sign} claim={claim!r}, value={value!r}"
                    for claim, value in sorted(rows)[:SHOWN]
                )
    return problems


def _build_findings(store: Store, path: Path) -> None:
    from ledger.analysis import findings  # the analysis reads the chain: it comes after

    findings.catch_up(store, path)


def _check_full(ledger: Ledger, size: int) -> list[DerivedCheck]:
    checks: list[DerivedCheck] = []
    findings_path = ledger.path / FINDINGS_NAME
    with _scratch(ledger, "verify") as folder:
        fresh = _fresh_index(ledger, size, folder)
        cheap = _check_index_cheap(ledger, size)
        with ledger.index() as index:
            assert index.store is not None
            problems = list(cheap.problems) + _compare_indexes(index.store, fresh)
            checks.append(
                DerivedCheck(
                    INDEX,
                    f"{cheap.checked}; every quad compared with a rebuild",
                    _shown_lines(problems),
                    _rebuild_hint("index"),
                )
            )
            guard = _check_findings_cheap(ledger) if findings_path.exists() else None
            if guard is not None and not guard.ok:  # never read a damaged or forged file
                checks.append(guard)
            elif findings_path.exists():
                rebuilt = folder / FINDINGS_NAME
                try:
                    _build_findings(fresh, rebuilt)
                    # answered from the index users query, as every analysis command does
                    problems = _compare_findings(index.store, findings_path, fresh, rebuilt)
                except sqlite3.Error as error:
                    problems = [f"SQLite cannot read it: {error}"]
                checks.append(
                    DerivedCheck(
                        FINDINGS,
                        "every row of conflicts, corroborations and grades, for every status, "
                        "and the statuses and derivations kept, compared with a rebuild",
                        _shown_lines(problems),
                        _rebuild_hint("findings"),
                    )
                )
    return checks


def _shown_lines(problems: list[str]) -> tuple[str, ...]:
    limit = 4 * SHOWN + 4
    if len(problems) <= limit:
        return tuple(problems)
    return (*problems[:limit], f"… and {len(problems) - limit} more line(s)")


def check(ledger: Ledger, *, full: bool = False) -> DerivedReport:
    """Check the query index and the findings file against the entries (see the module doc).

    full: rebuild both in temporary places and compare every quad and row (``--derived``).
    Raises ``LedgerStateError`` naming ``claim-ledger rebuild`` when the index cannot be opened.
    """
    started = time.perf_counter()
    size = ledger.size()
    report = DerivedReport(full=full)
    try:
        if full:
            report.checks.extend(_check_full(ledger, size))
        else:
            report.checks.append(_check_index_cheap(ledger, size))
            findings_check = _check_findings_cheap(ledger)
            if findings_check is not None:
                report.checks.append(findings_check)
    except LedgerStateError as error:
        if "index" not in error.message:
            raise
        report.checks.append(
            DerivedCheck(INDEX, "opening it", (error.message,), _rebuild_hint("index"))
        )
    report.seconds = time.perf_counter() - started
    if report.checks:
        _record_check(ledger, report, size)
    return report


# --------------------------------------------------------------------------- on a server

#: what recovers a server's query copy that differs from its entries (which verify)
QUERY_COPY_HINT = (
    "run `claim-ledger rebuild --index` to write it again from the entries, which verify (or "
    "export the ledger, `claim-ledger --ledger URL export --format nquads > ledger.nq`, and "
    "import it into an empty dataset, `claim-ledger --ledger NEW_URL import ledger.nq`)"
)
_RETRACTION = NamedNode(PROV_IRI + "invalidatedAtTime")


def _quad_text(quad: Quad) -> str:
    return str(quad) + ("   (a retraction)" if quad.predicate == _RETRACTION else "")


def _some(quads: Store) -> list[Quad]:
    """A few of the quads to show, retractions first (a missing one un-retracts a claim)."""
    retractions = list(itertools.islice(quads.quads_for_pattern(None, _RETRACTION, None), SHOWN))
    others = (q for q in quads if q.predicate != _RETRACTION)
    return retractions + list(itertools.islice(others, SHOWN - len(retractions)))


def _compare_query_copy(book: RemoteLedger, size: int, folder: Path) -> list[str]:
    """The server's query copy against the quads entries 1..size give, both ways.

    The entries' quads go into a pyoxigraph store on disk; the server's are streamed past it,
    each one found there is removed, so what is left is missing and what was not found is
    extra. Looking them up in pyoxigraph puts values in one form (Virtuoso gives xsd:dateTime
    back as written, Oxigraph in canonical form). Entries appended meanwhile are no forgery:
    their quads are taken out of the extra ones at the end.
    """
    expected = Store(str(folder / "entries"))
    expected.bulk_extend(
        quad
        for seq in range(1, size + 1)
        for quad in book.skolemised(index_quads(seq, book.read_entry(seq)))
    )
    extra = Store()  # normally empty: only quads in no entry
    for quad in book.query_copy():
        if quad in expected:
            expected.remove(quad)
        else:
            extra.add(quad)
    if len(extra):
        for seq in range(size + 1, book.size() + 1):
            for quad in book.skolemised(index_quads(seq, book.read_entry(seq))):
                extra.remove(quad)
    problems: list[str] = []
    if len(expected):
        problems.append(
            f"{len(expected)} quad(s) of the entries are missing from the {QUERY_COPY}:"
        )
        problems.extend("  - " + _quad_text(q) for q in _some(expected))
    if len(extra):
        problems.append(f"{len(extra)} quad(s) in the {QUERY_COPY} are in no entry:")
        problems.extend("  + " + _quad_text(q) for q in _some(extra))
    return problems


def check_remote(book: RemoteLedger, *, full: bool = False) -> DerivedReport:
    """Check a ledger on a SPARQL server's query copy against its stored entries.

    full (``verify --derived``): every quad the entries give (skolemised, as the server holds
    them) compared both ways with every quad of the server's query copy. Without it, nothing
    is checked and the report says so: the copy can only be checked by reading it all.
    """
    started = time.perf_counter()
    report = DerivedReport(full=full)
    if not full:
        report.unchecked = (
            f"{QUERY_COPY}: not checked (`claim-ledger verify --derived` compares every quad of "
            "it with the stored entries)",
        )
        return report
    size = book.size()
    with tempfile.TemporaryDirectory(prefix="claim-ledger-verify-") as folder:
        problems = _compare_query_copy(book, size, Path(folder))
    report.checks.append(
        DerivedCheck(
            QUERY_COPY,
            f"every quad compared with the quads of stored entries 1..{size}",
            _shown_lines(problems),
            QUERY_COPY_HINT,
        )
    )
    report.seconds = time.perf_counter() - started
    return report


# --------------------------------------------------------------------------- rebuilding


@dataclass(frozen=True)
class Rebuilt:
    """What ``rebuild`` built, through which entry, and how long it took."""

    stores: tuple[str, ...]
    through: int
    seconds: float


def rebuild(ledger: Ledger, *, index: bool = True, findings: bool = True) -> Rebuilt:
    """Build the query index and/or the findings file again from the entries, atomically.

    Each is built under a temporary name and renamed over the old one, so a reader sees the
    old store or the new one, and an interrupted rebuild leaves the old one in place.
    """
    started = time.perf_counter()
    done: list[str] = []
    if index:
        ledger.rebuild_index()
        done.append(INDEX)
    if findings:
        _remove_stale(ledger)
        target = ledger.path / FINDINGS_NAME
        building = ledger.path / f"{FINDINGS_NAME}.tmp-{secrets.token_hex(4)}"
        try:
            with ledger.index() as opened:
                assert opened.store is not None
                _build_findings(opened.store, building)
            for suffix in ("-wal", "-shm"):  # the old file's journal must not meet the new one
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{target}{suffix}")
            os.replace(building, target)
        except sqlite3.Error as error:
            raise LedgerError(f"could not build the findings file: {error}") from None
        finally:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{building}{suffix}")
        done.append(FINDINGS)
    if not done:
        raise LedgerStateError("nothing to rebuild")
    forget_checks(ledger)  # what was checked is gone: the new stores are unchecked
    return Rebuilt(tuple(done), ledger.size(), time.perf_counter() - started)


# --------------------------------------------------------------------------- when last checked


@dataclass(frozen=True)
class CheckRecord:
    """One derived-data check that passed: when, against which head, how thoroughly."""

    checked_at: dt.datetime
    seq: int
    hash: str | None
    full: bool
    stores: tuple[str, ...]
    #: each store's file identity when checked (device and inode; None when it did not exist)
    identities: dict[str, str | None] = field(default_factory=dict)
    #: for a check that failed, its first problem
    problem: str = ""

    @property
    def how(self) -> str:
        if self.full:
            return "every quad and row compared with a rebuild (`verify --derived`)"
        return "cheap checks only: head, quad count, findings integrity (`verify`)"

    def as_json(self) -> dict[str, Any]:
        return {
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "entry": self.seq,
            "hash": self.hash,
            "full": self.full,
            "stores": list(self.stores),
        }


@dataclass(frozen=True)
class DerivedStatus:
    """The derived data as reports state it: the last passing checks against the head now.

    latest: the most recent check that passed (cheap or full); full: the most recent full one.
    changed: what happened to the derived data since ``latest`` (built again, another history);
    empty when nothing did. failed: the last check, when it found the data differs (then no
    passing check is kept: it no longer vouches for anything).
    """

    head_seq: int
    head_hash: str | None
    latest: CheckRecord | None = None
    full: CheckRecord | None = None
    changed: str = ""
    failed: CheckRecord | None = None

    @property
    def current(self) -> bool:
        """The latest check was made at today's head, and nothing changed since."""
        return (
            self.latest is not None
            and not self.changed
            and self.latest.seq == self.head_seq
            and self.latest.hash == self.head_hash
        )

    @property
    def summary(self) -> str:
        """One paragraph for a report's or the site's overview."""
        what = f"Derived data ({INDEX} and {FINDINGS})"
        advice = "run `claim-ledger verify --derived`"
        if self.failed is not None:
            what = f"Derived data ({' and '.join(self.failed.stores)})"
            return (
                f"{what}: DIFFERS from the entries: the check on {_checked(self.failed)} found "
                f"{self.failed.problem}; `claim-ledger verify --derived` lists what differs, "
                "`claim-ledger rebuild` builds it again."
            )
        if self.latest is None:
            return f"{what}: not checked against the chain since it was built; {advice}."
        what = f"Derived data ({' and '.join(self.latest.stores)})"
        text = f"{what} last checked against the chain on {_checked(self.latest)}: "
        text += self.latest.how
        if self.full is not None and self.full != self.latest:
            text += f"; every row last compared on {_checked(self.full)}"
        if self.changed:
            return f"{text}. Since then {self.changed}: not checked since; {advice}."
        if self.current:
            return f"{text}. That is the head: nothing added since."
        added = self.head_seq - self.latest.seq
        return (
            f"{text}. The check is older than the head, entry {self.head_seq} "
            f"({_short(self.head_hash)}): {added} entr{'y' if added == 1 else 'ies'} added "
            f"since, not checked; {advice}."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "current": self.current,
            "head": {"entry": self.head_seq, "hash": self.head_hash},
            "last_check": None if self.latest is None else self.latest.as_json(),
            "last_full_check": None if self.full is None else self.full.as_json(),
            "changed_since": self.changed or None,
            "failed_check": None
            if self.failed is None
            else {**self.failed.as_json(), "problem": self.failed.problem},
        }


def _short(digest: str | None) -> str:
    return "no entries" if digest is None else f"{digest[:15]}…"


def _checked(record: CheckRecord) -> str:
    when = record.checked_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if record.seq == 0:
        return f"{when}, when the ledger was empty"
    return f"{when} at entry {record.seq} ({_short(record.hash)})"


def _checked_path(ledger: Ledger) -> Path:
    return ledger.path / CHECKED_NAME


def _identity(path: Path) -> str | None:
    """The findings file's device and inode: a file built again and renamed into place has
    another (unless the system reuses the inode of the one it replaced)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{stat.st_dev}:{stat.st_ino}"


def _index_identity(ledger: Ledger) -> str | None:
    """The query index's identity: the unique id RocksDB writes into a database it creates."""
    try:
        return (ledger.index_dir / "IDENTITY").read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _identities(ledger: Ledger) -> dict[str, str | None]:
    return {INDEX: _index_identity(ledger), FINDINGS: _identity(ledger.path / FINDINGS_NAME)}


def _record_check(ledger: Ledger, report: DerivedReport, size: int) -> None:
    """Remember a check: a passing one as the latest (and the latest full one); a failing one
    instead of them, with its first problem. A folder that cannot be written keeps no record,
    and reports then say the data was not checked."""
    record: dict[str, Any] = {
        "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seq": size,
        "hash": _entry_hash(ledger, size) if size else None,
        "full": report.full,
        "stores": [check.store for check in report.checks],
        "identities": _identities(ledger),
    }
    data = _read_checks(ledger) or {}
    data.update({"version": CHECKED_VERSION, "ledger": ledger.id})
    if report.ok:
        data.pop("failed", None)
        data["latest"] = record
        if report.full:
            data["full"] = record
    else:
        first = next(check for check in report.checks if not check.ok)
        record["problem"] = f"{first.store}: {first.problems[0]}"
        data = {"version": CHECKED_VERSION, "ledger": ledger.id, "failed": record}
    from ledger.chain import trust  # its atomic write of a small JSON record

    trust.write_record(_checked_path(ledger), data)


def _read_checks(ledger: Ledger) -> dict[str, Any] | None:
    try:
        data = json.loads(_checked_path(ledger).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != CHECKED_VERSION:
        return None
    return data if data.get("ledger") == ledger.id else None


def _parse_record(value: Any) -> CheckRecord | None:
    try:
        checked_at = dt.datetime.fromisoformat(str(value["checked_at"]))
        identities = value.get("identities") or {}
        return CheckRecord(
            checked_at=checked_at if checked_at.tzinfo else checked_at.replace(tzinfo=dt.UTC),
            seq=int(value["seq"]),
            hash=None if value.get("hash") is None else str(value["hash"]),
            full=bool(value["full"]),
            stores=tuple(str(store) for store in value["stores"]),
            identities={str(k): None if v is None else str(v) for k, v in dict(identities).items()},
            problem=str(value.get("problem") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def forget_checks(ledger: Ledger) -> None:
    """Delete the record of checks (after a rebuild: the new stores have not been checked)."""
    with contextlib.suppress(OSError):
        _checked_path(ledger).unlink()


def status(ledger: Ledger) -> DerivedStatus:
    """When the derived data was last checked against the chain, compared with the head now.

    Cheap: reads the record and the head entry (and the checked entry, to see that it still
    hashes the same); checks nothing itself.
    """
    size = ledger.size()
    head_hash = _entry_hash(ledger, size) if size else None
    data = _read_checks(ledger) or {}
    latest, full = _parse_record(data.get("latest")), _parse_record(data.get("full"))
    failed = _parse_record(data.get("failed"))
    changed = ""
    if latest is not None:
        if latest.seq > size:
            changed = f"the ledger holds only {size} entries (the check was of another history)"
        elif latest.seq and _entry_hash(ledger, latest.seq) != latest.hash:
            changed = f"entry {latest.seq} no longer hashes as it did (another history)"
        else:
            now = _identities(ledger)
            rebuilt = [
                store
                for store in latest.stores
                if store in latest.identities and latest.identities[store] != now.get(store)
            ]
            if rebuilt:  # renamed into place: built again (or the folder was copied)
                verb = "was" if len(rebuilt) == 1 else "were"
                changed = f"the {' and the '.join(rebuilt)} {verb} built again"
    return DerivedStatus(size, head_hash, latest, full, changed, failed)
