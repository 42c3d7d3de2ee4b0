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

The findings file is treated as the analysis module keeps it: through its public ``catch_up``
and its tables as SQLite shows them, never its private helpers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, NamedNode, Store

from ledger.chain.entry import HASH_PREFIX, index_quads
from ledger.chain.store import Ledger, read_index_state
from ledger.errors import LedgerError, LedgerStateError

INDEX = "query index"
FINDINGS = "findings file"
FINDINGS_NAME = "findings.sqlite"
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
    return Rebuilt(tuple(done), ledger.size(), time.perf_counter() - started)
