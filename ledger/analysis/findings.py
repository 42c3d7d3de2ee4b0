"""The derived analysis: every pair finding of the ledger, kept in SQLite and caught up per entry.

Recomputing conflicts and corroborations reads every claim through SPARQL and judges every
candidate pair (about 150 s at a million claims). Ledger entries never change, so the findings
between two claims never change either, unless the registry around them does. This module
keeps them in a SQLite file beside the index and, before each answer, absorbs the named graphs
it has not seen yet: it reads the new graphs' claims (one graph at a time), looks up in its
own ``claims`` table, for each new claim, the earlier claims that can pair with it (the
selective key: same subject and property, event times that meet; for all the new claims at
once, one index-only statement per kind of look-up), judges only the pairs that hold a new
claim, and stores the new findings with their rows. Commands then read stored findings and
apply ``--status`` and the filters as they read.

What is derived, and from what:
- a finding (``_judge``), its independence and its reasons depend on the two claims, the names
  of the things they mention, the registry (names, ``actedOnBehalfOf``, alignment), the
  derivations of both claims and the claims those derive from;
- status (retracted, superseded), alternate names and cases only select what is shown, so they
  are applied when reading, never baked into a stored row; ``partOf`` and ``skos:broader``
  links change judging (places nest, and a value nests in a vaguer one), so a new link between
  things that stored claims mention rebuilds the file;
- a grade counts the findings whose two claims are in scope: grades for ``--status current``
  are stored, and redone on each append for the new claims, their neighbours and the claims
  whose status or short name changed; other statuses are counted from the findings as read.

So a new entry is absorbed incrementally when it only adds claims, statuses, derivations of
its own claims and registry facts about things no stored finding mentions. Anything else (a new
alignment, a relay or a name for an agent or a thing already mentioned, a derivation added to
an earlier claim, a new claim that an earlier one derives from, the same claim stored twice
with different content, a new ontology or a new ``FORMAT``) throws the findings away and
recomputes them from the whole ledger in one pass: correctness first. ``CatchUp.rebuilt``
says which happened.

The file records the named graphs it has absorbed and the ledger id and last entry sequence it
has seen; the registry as JSON values of ``meta``, the statuses and derivations as tables (a
row per claim or list item: an append writes only the rows it adds). It is written in one
SQLite transaction per catch-up (``BEGIN IMMEDIATE``: one writer at a time, readers keep
reading the last committed state, WAL mode), and a reader whose store
shows fewer graphs than the file has absorbed (an older snapshot of the index) gets the full
recomputation instead. The store's default graph must be empty (a ledger's index keeps every
quad in an entry's named graph); otherwise, or with ``default_graph`` (``--as-of``), callers
use the full recomputation of ``ledger.analysis.compare``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ledger import resources
from ledger.analysis import read, rules

#: Bump when judging, independence, row text or the tables change: the file is then rebuilt.
FORMAT = "15"
BUSY_TIMEOUT_S = 600.0  # a rebuild of a million claims holds the write lock for minutes

_CLAIM_FIELDS = tuple(f.name for f in fields(rules.Claim))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS graphs (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
  iri TEXT PRIMARY KEY, source TEXT, relayed_by TEXT, denies INTEGER, subject TEXT, prop TEXT,
  place TEXT, value TEXT, lower REAL, upper REAL, unit TEXT, start_day TEXT, end_day TEXT,
  single_day INTEGER, day_of_week TEXT, relative_to TEXT, stated_start TEXT, stated_end TEXT,
  time_unknown INTEGER, scope_kind TEXT, since_start TEXT, since_end TEXT, until_start TEXT,
  until_end TEXT, has_until INTEGER, whole INTEGER, degree TEXT, controller TEXT, hedges TEXT,
  nominal REAL, own_document TEXT, qualifier TEXT, among_others INTEGER, only_answer INTEGER,
  throughout INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_by_key ON claims (subject, prop, end_day, start_day, place);
CREATE INDEX IF NOT EXISTS claims_scoped ON claims (subject, prop) WHERE scope_kind != '';
CREATE INDEX IF NOT EXISTS claims_whole ON claims (prop, subject) WHERE whole = 1;
CREATE INDEX IF NOT EXISTS claims_by_figure ON claims (prop, place, coalesce(nominal, lower))
  WHERE place != '';
CREATE INDEX IF NOT EXISTS claims_shares ON claims (subject) WHERE controller != '';
CREATE TABLE IF NOT EXISTS findings (
  a TEXT, b TEXT, relation TEXT, type TEXT, reason TEXT, source_a TEXT, source_b TEXT,
  property TEXT, independence TEXT, independence_reason TEXT, origin_a TEXT, origin_b TEXT,
  hedged_a INTEGER, hedged_b INTEGER, PRIMARY KEY (a, b, relation)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS findings_by_b ON findings (b);
CREATE TABLE IF NOT EXISTS grades (
  claim TEXT PRIMARY KEY, source TEXT, credibility INTEGER, grade TEXT, reliability TEXT,
  independent_support INTEGER, other_support INTEGER, independent_conflicts INTEGER,
  other_conflicts INTEGER, reasons TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mentioned (iri TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retracted (claim TEXT PRIMARY KEY, at TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS superseded (
  claim TEXT, n INTEGER, by TEXT, PRIMARY KEY (claim, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS derived_from (
  claim TEXT, n INTEGER, parent TEXT, PRIMARY KEY (claim, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS written_as (claim TEXT PRIMARY KEY, iri TEXT) WITHOUT ROWID;
"""


class _Rebuild(Exception):
    """A new entry changes what stored findings say: recompute them all."""


@dataclass(frozen=True)
class CatchUp:
    """What a catch-up did: graphs and claims absorbed, findings added, whether it rebuilt."""

    graphs: int
    claims: int
    findings: int
    rebuilt: bool
    reason: str = ""


# --------------------------------------------------------------------------- the file


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # no memory map: its pages would count in the process's resident memory (2 GiB at a
        # million claims). Default 4 KiB pages: 16 and 64 KiB made catch-ups (random look-ups)
        # slower and whole-table reads no faster (bench/NOTES.md)
        conn.execute("PRAGMA cache_size=-65536")
        conn.executescript(_SCHEMA)
        yield conn
    finally:
        conn.close()


def _identity() -> str:
    """What the stored findings were computed with: FORMAT and the ontology's text."""
    ontology = resources.read_text(resources.ontology_dir(), "claim-ledger.ttl")
    return FORMAT + ":" + hashlib.sha256(ontology.encode()).hexdigest()[:16]


def _meta(conn: sqlite3.Connection, key: str) -> Any:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def _set_meta(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


#: The parts of ``analysis.Ledger`` kept in ``meta``, each as JSON text apart (never pickles:
#: whoever can write the folder could make a pickle run code): an append rewrites the parts it
#: changed (rarely: a new name or agent), not the others.
_LEDGER_PARTS = {
    "registry": ("names", "alternate_names", "part_of", "kinds", "events", "claim_conflict",
                 "broader", "in_scheme", "several_at_once"),
}  # fmt: skip
#: The parts kept as tables, a row per claim (or per item of a claim's list, numbered ``n`` in
#: order): an append writes only the rows of the claims whose status or derivations it adds
#: (a few pages), not the whole (7 MB of JSON at a million claims, rewritten on every append
#: while they were ``meta`` values). Each table is named after the ``Ledger`` field it holds.
_TABLE_PARTS = {
    "status": ("retracted", "superseded"),
    "derivations": ("derived_from", "written_as"),
}
#: The ``Ledger`` fields of ``_LEDGER_PARTS`` that are sets (kept as sorted lists).
_SETS = ("events", "several_at_once")
#: Every part of the ledger kept in the file.
_PARTS = ("agents", *_LEDGER_PARTS, *_TABLE_PARTS)
#: The ``Ledger`` fields those parts hold.
_LEDGER_FIELDS = (
    "agents",
    *(name for names in _LEDGER_PARTS.values() for name in names),
    *(table for tables in _TABLE_PARTS.values() for table in tables),
)


def _load_ledger(conn: sqlite3.Connection, parts: Iterable[str] | None = None) -> rules.Ledger:
    ledger = rules.Ledger()
    wanted = set(parts) if parts is not None else set(_PARTS)
    agents = _meta(conn, "ledger.agents") if "agents" in wanted else None
    if agents is not None:
        ledger.agents = {
            iri: rules.Agent(iri, *rest) for iri, *rest in _decoded(agents, "ledger.agents")
        }
    for part, names in _LEDGER_PARTS.items():
        if part not in wanted:
            continue
        text = _meta(conn, "ledger." + part)
        if text is not None:
            for name, value in zip(names, _decoded(text, "ledger." + part), strict=True):
                setattr(ledger, name, set(value) if name in _SETS else value)
    for part, tables in _TABLE_PARTS.items():
        if part in wanted:
            for table in tables:
                setattr(ledger, table, _table_values(conn, table))
    return ledger


def _table_values(conn: sqlite3.Connection, table: str) -> dict[str, Any]:
    """A table of ``_TABLE_PARTS`` as the ``Ledger`` field it holds: claim -> text, or claim ->
    list of texts (rows numbered ``n``) for ``superseded`` and ``derived_from``."""
    listed = table in ("superseded", "derived_from")
    order = "claim, n" if listed else "claim"
    values: dict[str, Any] = {}
    for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):  # noqa: S608 - fixed names
        claim, value = row[0], row[-1]
        if not isinstance(claim, str) or not isinstance(value, str):
            bad = value if isinstance(claim, str) else claim
            raise sqlite3.DatabaseError(
                f"the findings file's table {table} holds a {type(bad).__name__} value, not the "
                "text claim-ledger writes"
            )
        if listed:
            values.setdefault(claim, []).append(value)
        else:
            values[claim] = value
    return values


def _table_rows(
    ledger: rules.Ledger, table: str, claims: Iterable[str] | None
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``table`` for ``claims`` (default: every claim), as ``_table_values`` reads
    them."""
    values: dict[str, Any] = getattr(ledger, table)
    for claim in sorted(values) if claims is None else sorted(c for c in claims if c in values):
        value = values[claim]
        if isinstance(value, list):
            yield from ((claim, n, item) for n, item in enumerate(value))
        else:
            yield (claim, value)


def _decoded(text: Any, key: str) -> Any:
    """A ``meta`` value as ``_save_ledger`` wrote it: JSON text, never anything that runs."""
    try:
        if not isinstance(text, str):
            raise ValueError(f"a {type(text).__name__} value, not text")
        return json.loads(text)
    except ValueError as error:
        raise sqlite3.DatabaseError(
            f"the findings file's meta value {key} is not the JSON claim-ledger writes "
            f"({str(error)[:80]})"
        ) from None


def _save_ledger(
    conn: sqlite3.Connection,
    ledger: rules.Ledger,
    parts: Iterable[str] = _PARTS,
    claims: Iterable[str] | None = None,
) -> None:
    """Write ``parts`` of ``ledger``: the ``meta`` values whole, and the table rows of
    ``claims`` (default: every claim) that are not stored yet (rows are only ever added: a
    claim's status, its list items and derivations never change once written)."""
    wanted = None if claims is None else sorted(claims)
    for part in parts:
        if part in _TABLE_PARTS:
            for table in _TABLE_PARTS[part]:
                width = 3 if table in ("superseded", "derived_from") else 2
                conn.executemany(
                    f"INSERT OR IGNORE INTO {table} VALUES ({','.join('?' * width)})",  # noqa: S608
                    _table_rows(ledger, table, wanted),
                )
            continue
        if part == "agents":
            value: Any = [
                (a.iri, a.name, a.principal, a.alignment, a.sides) for a in ledger.agents.values()
            ]
        else:
            value = [
                sorted(v) if isinstance(v, set) else getattr(ledger, name)
                for name in _LEDGER_PARTS[part]
                for v in (getattr(ledger, name),)
            ]
        _set_meta(conn, "ledger." + part, json.dumps(value, ensure_ascii=False))


def _claim_row(claim: rules.Claim) -> tuple[Any, ...]:
    return tuple(getattr(claim, name) for name in _CLAIM_FIELDS)


def _claim_of(row: Sequence[Any]) -> rules.Claim:
    claim = rules.Claim(*row)
    claim.denies = bool(claim.denies)
    claim.single_day = bool(claim.single_day)
    claim.time_unknown = bool(claim.time_unknown)
    claim.has_until = bool(claim.has_until)
    claim.whole = bool(claim.whole)
    claim.among_others = bool(claim.among_others)
    claim.only_answer = bool(claim.only_answer)
    claim.throughout = bool(claim.throughout)
    return claim


# --------------------------------------------------------------------------- the store's side


def _graph_text(graph: Any) -> str:
    return str(graph.value)


def usable(store: ox.Store) -> bool:
    """Whether ``store`` keeps every quad in named graphs (a ledger's index does)."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None


def _ledger_position(store: ox.Store) -> tuple[str, int]:
    """The ledger id and the last entry sequence the store holds ("", 0 when it has none)."""
    best: tuple[str, int] = ("", 0)
    for row in read.select(store, "entries", None):
        sequence = int(row["sequence"])
        if sequence >= best[1]:
            best = (row["ledger"], sequence)
    return best


# --------------------------------------------------------------------------- catching up


def catch_up(
    store: ox.Store, path: str | os.PathLike[str], *, graphs: Iterable[Any] | None = None
) -> CatchUp | None:
    """Absorb the named graphs of ``store`` that the findings file has not seen yet.

    ``graphs`` (default: every named graph of the store) are the graphs visible now. Returns
    None when the file has absorbed graphs that are not visible (an older snapshot of the
    index, or another ledger's file): the caller recomputes instead.
    """
    visible = sorted({_graph_text(g) for g in (graphs or store.named_graphs())})
    with _connect(Path(path)) as conn:
        absorbed = {name for (name,) in conn.execute("SELECT name FROM graphs")}
        fresh = _meta(conn, "identity") == _identity()
        if fresh and absorbed <= set(visible) and len(absorbed) == len(visible):
            return CatchUp(0, 0, 0, False)
        if fresh and not absorbed <= set(visible):
            recorded = _meta(conn, "ledger_id") or ""
            if not recorded or recorded == _ledger_position(store)[0]:
                return None  # an older snapshot of the index than the findings: recompute
        conn.execute("BEGIN IMMEDIATE")  # one writer; readers see the last commit
        try:
            result = _catch_up_locked(conn, store, visible)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return result


def _catch_up_locked(
    conn: sqlite3.Connection, store: ox.Store, visible: list[str]
) -> CatchUp | None:
    absorbed = {name for (name,) in conn.execute("SELECT name FROM graphs")}
    ledger_id, sequence = _ledger_position(store)
    recorded_id = _meta(conn, "ledger_id") or ""
    reason = ""
    if _meta(conn, "identity") != _identity():
        reason = "computed by another version or ontology" if absorbed else "first build"
    elif recorded_id and ledger_id and recorded_id != ledger_id:
        reason = "another ledger"
    elif not absorbed <= set(visible):
        return None  # this snapshot is older than the findings: not ours to change
    new = [g for g in visible if g not in absorbed]
    if not reason and not new:
        return CatchUp(0, 0, 0, False)
    if not reason:
        try:
            added = _absorb(conn, store, new, incremental=True)
        except _Rebuild as why:
            reason = str(why)
        else:
            _record(conn, new, ledger_id, sequence)
            return CatchUp(len(new), added[0], added[1], False)
    tables = [t for names in _TABLE_PARTS.values() for t in names]
    for table in ("graphs", "claims", "findings", "grades", "mentioned", "meta", *tables):
        conn.execute(f"DROP TABLE {table}")  # noqa: S608 - fixed names; another FORMAT's tables
    for statement in filter(str.strip, _SCHEMA.split(";")):
        conn.execute(statement)  # executescript would commit the transaction first
    added = _absorb(conn, store, visible, incremental=False)
    _set_meta(conn, "identity", _identity())
    _record(conn, visible, ledger_id, sequence)
    return CatchUp(len(visible), added[0], added[1], True, reason)


def _record(conn: sqlite3.Connection, graphs: list[str], ledger_id: str, sequence: int) -> None:
    conn.executemany("INSERT OR IGNORE INTO graphs VALUES (?)", ((g,) for g in graphs))
    if ledger_id:
        _set_meta(conn, "ledger_id", ledger_id)
        _set_meta(conn, "sequence", max(sequence, int(_meta(conn, "sequence") or 0)))


def _absorb(
    conn: sqlite3.Connection, store: ox.Store, graphs: list[str], *, incremental: bool
) -> tuple[int, int]:
    """Add the claims and registry of ``graphs`` and the findings that involve their claims.

    Raises ``_Rebuild`` (incremental only) when the graphs change something a stored finding
    depends on. Returns (claims added, findings added).
    """
    graph_nodes = [ox.NamedNode(g) for g in graphs]
    ledger = _load_ledger(conn)
    old_claims: set[str] = set()
    new_claims = read.read_claims(store, graph_nodes)
    if incremental:
        old_claims = _check_claims(conn, ledger, new_claims)
        for iri in old_claims:
            del new_claims[iri]  # the same claim stored again, unchanged
    touched, changed, rows = _merge_registry(
        conn, store, ledger, graph_nodes, new_claims, incremental=incremental
    )
    # candidates: the stored claims that may pair with a new claim (``_candidates``); a new
    # assertion of a state can end what an earlier one said until a later denial: those stored
    # denials are judged again with their whole group
    known: dict[str, rules.Claim] = dict(new_claims)
    rejudged: set[str] = set()
    shares: set[str] = set()
    if incremental:
        rejudged, shares = _candidates(conn, ledger, new_claims, known)
        for kind, again in (("type = 'denial'", rejudged), ("1 = 1", shares)):
            stored = sorted(again - set(new_claims))
            for start in range(0, len(stored), 400):
                chunk = stored[start : start + 400]
                marks = ",".join("?" * len(chunk))
                where = (
                    f"relation = 'conflict' AND {kind} "  # noqa: S608
                    f"AND (a IN ({marks}) OR b IN ({marks}))"
                )
                for a, b in conn.execute(
                    f"SELECT a, b FROM findings WHERE {where}",  # noqa: S608
                    (*chunk, *chunk),
                ):
                    touched.update((a, b))  # their grades change with the finding
                conn.execute(f"DELETE FROM findings WHERE {where}", (*chunk, *chunk))
        rejudged |= shares
    findings = []
    for a, b in rules.pairs(known.values(), ledger):
        if a.iri not in new_claims and b.iri not in new_claims:
            if a.iri not in rejudged and b.iri not in rejudged:
                continue
        found = rules.judge(a, b, ledger)
        if found is not None:
            findings.append(rules.ordered(found))
    touched |= rejudged
    _load_ancestors(conn, ledger, known, {c for f in findings for c in (f.a.iri, f.b.iri)})
    derivations = _new_derivations(conn, ledger, known, new_claims, findings)
    findings += derivations
    in_findings = {c for f in findings for c in (f.a.iri, f.b.iri)}
    count = len(findings)
    conn.executemany("INSERT INTO claims VALUES (" + ",".join("?" * len(_CLAIM_FIELDS)) + ")",
                     (_claim_row(c) for c in new_claims.values()))  # fmt: skip
    # rows made as they are written: a million of them at once would double the peak memory
    conn.executemany(
        "INSERT OR REPLACE INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (_finding_row(f, ledger, known) for f in findings),
    )
    del findings, derivations
    conn.executemany(
        "INSERT OR IGNORE INTO mentioned VALUES (?)",
        ((t,) for t in sorted(_mentions(new_claims.values(), ledger)) if t),
    )
    absorbed = len(new_claims)
    if incremental:
        regrade = set(new_claims) | touched | in_findings | _neighbours(conn, touched)
        _store_grades(conn, ledger, sorted(regrade))
    else:
        known.clear()  # the claims are stored: grades are counted from the tables
        new_claims.clear()
        in_findings.clear()
        _store_all_grades(conn, ledger)
    _save_ledger(conn, ledger, sorted(changed), None if rows is None else sorted(rows))
    return absorbed, count


#: The selective key: the stored claims that may pair with a new claim (same subject and
#: property; ``rules.pairs`` then keeps those whose place and time can meet it).
CANDIDATES_SQL = "SELECT * FROM claims WHERE subject = ? AND prop = ?"
#: The claims of a share of a place held by a controller (cl:areaShareControlled) of a subject.
SHARES_SQL = "SELECT * FROM claims WHERE subject = ? AND controller != ''"
#: Counts of the same property at the same place stating the same figure (``rules.stated_figure``:
#: the nominal figure, else the lower bound), of any subject.
FIGURE_SQL = (
    "SELECT * FROM claims WHERE prop = ? AND place = ? AND coalesce(nominal, lower) = ? "
    "AND place != ''"
)
#: The same for a count or a plain property: only claims whose days meet the new claim's reach,
#: or counts with a scope (whose own reach may be wider than their event time).
CANDIDATES_MEETING_SQL = (
    CANDIDATES_SQL + " AND ((start_day <= ? AND end_day >= ?) OR scope_kind != '')"
)

#: The look-ups of an entry's candidates, one statement per kind and chunk of keys: ``k`` holds
#: the keys (``n`` numbers them; ``a``, ``b``, ... their values), each search names its index
#: (a plan that cannot use it is an error, not a scan) and reads the index alone where it can;
#: the claims' rows are read afterwards, once, by IRI, for every kind together.
_LOOKUP_SQL = {
    # CANDIDATES_SQL: the whole group of a subject and property (a state, the controller's)
    "group": "SELECT k.n, c.iri FROM k CROSS JOIN claims AS c INDEXED BY claims_by_key "
    "WHERE c.subject = k.a AND c.prop = k.b",
    # CANDIDATES_MEETING_SQL as two searches (its OR made SQLite read every row of the group)
    "meeting": "SELECT k.n, c.iri FROM k CROSS JOIN claims AS c INDEXED BY claims_by_key "
    "WHERE c.subject = k.a AND c.prop = k.b AND c.end_day >= k.c AND c.start_day <= k.d "
    "UNION ALL SELECT k.n, c.iri FROM k CROSS JOIN claims AS c INDEXED BY claims_scoped "
    "WHERE c.subject = k.a AND c.prop = k.b AND c.scope_kind != ''",
    # FIGURE_SQL
    "figure": "SELECT k.n, c.iri FROM k CROSS JOIN claims AS c INDEXED BY claims_by_figure "
    "WHERE c.prop = k.a AND c.place = k.b AND coalesce(c.nominal, c.lower) = k.c "
    "AND c.place != ''",
    # SHARES_SQL
    "shares": "SELECT k.n, c.iri FROM k CROSS JOIN claims AS c INDEXED BY claims_shares "
    "WHERE c.subject = k.a AND c.controller != ''",
    # the states claimed for all of a place (a whole of the new claim's subject)
    "whole": "SELECT k.n, c.iri FROM k CROSS JOIN claims AS c INDEXED BY claims_whole "
    "WHERE c.whole = 1 AND c.prop = k.a AND c.subject = k.b",
}
_KEY_COLUMNS = "abcd"
_KEYS_PER_STATEMENT = 150  # at most 750 bound values: under SQLite's oldest limit (999)


def _lookup_sql(kind: str, keys: int, width: int) -> str:
    """``_LOOKUP_SQL[kind]`` for ``keys`` keys of ``width`` values, bound in order."""
    row = "(" + ",".join("?" * (width + 1)) + ")"
    columns = ", ".join(("n", *_KEY_COLUMNS[:width]))
    return f"WITH k({columns}) AS (VALUES {','.join([row] * keys)}) {_LOOKUP_SQL[kind]}"


class _Lookups:
    """The stored claims found for keys of each kind, looked up for many keys at once.

    ``want`` the keys first, ``run`` the look-ups (one statement per kind and chunk of
    keys, then the rows of the claims found, by IRI), then read each key's claims with
    ``found`` in the order the single-key query read them (its index's order).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.wanted: dict[str, dict[tuple[Any, ...], None]] = defaultdict(dict)
        self.iris: dict[tuple[str, tuple[Any, ...]], list[str]] = {}
        self.claims: dict[str, rules.Claim] = {}

    def want(self, kind: str, *key: Any) -> None:
        if (kind, key) not in self.iris:
            self.wanted[kind][key] = None

    def run(self) -> None:
        missing: set[str] = set()
        for kind, wanted in self.wanted.items():
            keys = list(wanted)
            for start in range(0, len(keys), _KEYS_PER_STATEMENT):
                chunk = keys[start : start + _KEYS_PER_STATEMENT]
                found: list[list[str]] = [[] for _ in chunk]
                values = [v for n, key in enumerate(chunk) for v in (n, *key)]
                sql = _lookup_sql(kind, len(chunk), len(chunk[0]))
                for n, iri in self.conn.execute(sql, values):
                    found[n].append(iri)
                for key, iris in zip(chunk, found, strict=True):
                    unique = list(dict.fromkeys(iris))  # a scoped claim whose days meet: twice
                    self.iris[kind, key] = unique
                    missing.update(i for i in unique if i not in self.claims)
        self.wanted.clear()
        ordered = sorted(missing)
        for start in range(0, len(ordered), 500):
            iris = ordered[start : start + 500]
            marks = ",".join("?" * len(iris))
            for row in self.conn.execute(f"SELECT * FROM claims WHERE iri IN ({marks})", iris):  # noqa: S608
                self.claims[row[0]] = _claim_of(row)

    def found(self, kind: str, *key: Any) -> list[rules.Claim]:
        claims = [self.claims[iri] for iri in self.iris[kind, key]]
        if kind in ("group", "meeting"):  # as FORMAT 5's claims_by_key: place, days, then IRI
            return sorted(claims, key=lambda c: (c.place, c.start, c.end, c.iri))
        return sorted(claims, key=lambda c: c.iri)  # the other indexes: one key, then IRI


def _candidates(
    conn: sqlite3.Connection,
    ledger: rules.Ledger,
    new_claims: dict[str, rules.Claim],
    known: dict[str, rules.Claim],
) -> tuple[set[str], set[str]]:
    """Add to ``known`` the stored claims that may pair with the new claims of an entry.

    Through the selective key: the stored claims with the same subject and property (a
    state's whole group, as it persists; for a count or a plain claim, those whose days meet
    its reach or that have a scope), the counts of the same figure at the same place, the
    controller's states for a share of a place and the shares for a new state of control (with
    their groups), and the states claimed for all of a place that holds the subject. Looked up
    for the whole entry at once (one statement per kind), then taken claim by claim as a
    look-up per claim would have. Returns the stored denials and shares to judge again.
    """
    rejudged: set[str] = set()
    shares: set[str] = set()
    stored_wholes = conn.execute("SELECT 1 FROM claims WHERE whole = 1 LIMIT 1").fetchone()
    new = [c for c in sorted(new_claims.values(), key=lambda c: c.iri) if c.has_proposition]
    states = {c.iri: ledger.kind(c.prop) == "Exclusive" for c in new}
    wholes: dict[str, list[str]] = {}
    lookups = _Lookups(conn)
    for c in new:
        if states[c.iri]:  # a state persists, an event fact holds at any time: the whole group
            lookups.want("group", c.subject, c.prop)
        else:
            first, last = rules.reach(c)
            lookups.want("meeting", c.subject, c.prop, first, last)
        if rules.same_figure_key(c) is not None:  # the same figure for another thing
            lookups.want("figure", c.prop, c.place, rules.stated_figure(c))
        if c.controller and c.is_quantity:  # a share of the place: who holds all of it
            lookups.want("group", c.subject, rules.CONTROLLED_BY)
        if c.prop == rules.CONTROLLED_BY:  # the shares it may contradict, judged again
            lookups.want("shares", c.subject)
        if states[c.iri] and not ledger.is_event_fact(c) and stored_wholes is not None:
            wholes[c.iri] = sorted(ledger.wholes(c.subject))
            for whole in wholes[c.iri]:
                lookups.want("whole", c.prop, whole)
    lookups.run()
    for c in new:  # the groups of the shares found, judged again with them
        if c.prop == rules.CONTROLLED_BY:
            for share in lookups.found("shares", c.subject):
                lookups.want("group", share.subject, share.prop)
    lookups.run()
    for c in new:
        state = states[c.iri]
        if state:
            group = lookups.found("group", c.subject, c.prop)
        else:
            group = lookups.found("meeting", c.subject, c.prop, *rules.reach(c))
        for other in group:
            known.setdefault(other.iri, other)
        if rules.same_figure_key(c) is not None:
            for other in lookups.found("figure", c.prop, c.place, rules.stated_figure(c)):
                known.setdefault(other.iri, other)
        if c.controller and c.is_quantity:
            for other in lookups.found("group", c.subject, rules.CONTROLLED_BY):
                known.setdefault(other.iri, other)
        if c.prop == rules.CONTROLLED_BY:
            for found in lookups.found("shares", c.subject):
                share = known.setdefault(found.iri, found)
                shares.add(share.iri)
                for other in lookups.found("group", share.subject, share.prop):
                    known.setdefault(other.iri, other)
        if not state or ledger.is_event_fact(c):
            continue
        if not c.denies and not c.time_unknown:
            rejudged.update(
                o.iri for o in group if o.denies and not o.time_unknown and o.start > c.end
            )
        for whole in wholes.get(c.iri, []):
            for other in lookups.found("whole", c.prop, whole):
                known.setdefault(other.iri, other)
    return rejudged, shares


_RELATED_SQL = (
    "SELECT b, relation, independence, source_b, origin_b, hedged_b FROM findings "
    "WHERE a = ? AND relation NOT IN ('derivation', 'scope-warning') UNION ALL "
    "SELECT a, relation, independence, source_a, origin_a, hedged_a FROM findings "
    "WHERE b = ? AND relation NOT IN ('derivation', 'scope-warning')"
)


def _neighbours(conn: sqlite3.Connection, claims: set[str]) -> set[str]:
    found: set[str] = set()
    for iri in sorted(claims):
        found.update(row[0] for row in conn.execute(_RELATED_SQL, (iri, iri)))
    return found


def _short_names(ledger: rules.Ledger) -> Any:
    short_names: dict[str, str] = {}

    def short_name(iri: str) -> str:
        found = short_names.get(iri)
        if found is None:
            found = short_names[iri] = ledger.claim_name(iri)
        return found

    return short_name


def _store_grades(conn: sqlite3.Connection, ledger: rules.Ledger, claims: list[str]) -> None:
    """Grade ``claims`` again as ``--status current`` sees them, from the stored findings."""
    short_name, current = _short_names(ledger), _current(ledger)
    rows = []
    for iri in claims:
        found = conn.execute(
            "SELECT source, prop, hedges FROM claims WHERE iri = ?", (iri,)
        ).fetchone()
        if found is None:
            continue
        related = [r for r in conn.execute(_RELATED_SQL, (iri, iri)) if current(r[0])]
        if not current(iri):
            related = []  # not shown under --status current; kept for the row's sake
        rows.append(
            _grade(iri, found[0], bool(found[1]), related, ledger, short_name, bool(found[2]))
        )
    conn.executemany(_INSERT_GRADE, (tuple(r.values()) for r in rows))


def _store_all_grades(conn: sqlite3.Connection, ledger: rules.Ledger) -> None:
    conn.executemany(
        _INSERT_GRADE, (tuple(r.values()) for r in _all_grades(conn, ledger, _current(ledger)))
    )


_INSERT_GRADE = "INSERT OR REPLACE INTO grades VALUES (?,?,?,?,?,?,?,?,?,?)"


def _current(ledger: rules.Ledger) -> Any:
    retracted, superseded = ledger.retracted, ledger.superseded
    return lambda iri: iri not in retracted and iri not in superseded


def _all_grades(
    conn: sqlite3.Connection,
    ledger: rules.Ledger,
    in_scope: Any,
    matches: Any = None,
) -> Iterator[rules.GradeRow]:
    """Every claim's grade with the claims ``in_scope``, counted from the stored findings."""
    related: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in conn.execute(
        "SELECT a, b, relation, independence, source_a, source_b, origin_a, origin_b, "
        "hedged_a, hedged_b FROM findings "
        "WHERE relation NOT IN ('derivation', 'scope-warning')"
    ):
        a, b, relation, kind, source_a, source_b, origin_a, origin_b, hedged_a, hedged_b = row
        if in_scope(a) and in_scope(b):
            related[a].append((b, relation, kind, source_b, origin_b, hedged_b))
            related[b].append((a, relation, kind, source_a, origin_a, hedged_a))
    short_name = _short_names(ledger)
    for iri, source, prop, hedges in conn.execute(
        "SELECT iri, source, prop, hedges FROM claims ORDER BY iri"
    ):
        if not in_scope(iri) or (matches is not None and not matches(iri)):
            continue
        yield _grade(
            iri, source, bool(prop), related.get(iri, []), ledger, short_name, bool(hedges)
        )


def _check_claims(
    conn: sqlite3.Connection, ledger: rules.Ledger, new_claims: dict[str, rules.Claim]
) -> set[str]:
    """New claims already stored (unchanged); rebuild if one changed or is an ancestor."""
    again: set[str] = set()
    iris = list(new_claims)
    for start in range(0, len(iris), 500):
        chunk = iris[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM claims WHERE iri IN ({marks})", chunk):  # noqa: S608
            if _claim_of(row) != new_claims[row[0]]:
                raise _Rebuild(f"claim {row[0]} stored again with other content")
            again.add(row[0])
    parents = {p for ps in ledger.derived_from.values() for p in ps}
    for iri in new_claims:
        if iri in parents and iri not in again:
            raise _Rebuild(f"an earlier claim is derived from the new claim {iri}")
    return again


def _merge_registry(
    conn: sqlite3.Connection,
    store: ox.Store,
    ledger: rules.Ledger,
    graphs: list[ox.NamedNode],
    new_claims: dict[str, rules.Claim],
    *,
    incremental: bool,
) -> tuple[set[str], set[str], set[str] | None]:
    """Merge the registry, statuses and derivations of ``graphs`` into ``ledger``.

    Incremental: agents and names that the graphs describe are read again over the whole
    ledger; a changed one that a stored finding may mention raises ``_Rebuild``. Returns the
    earlier claims whose status or short name changed (their neighbours' grades change), the
    parts of the ledger to save again, and the claims whose status or derivation rows to write
    (None: every claim's).
    """
    touched: set[str] = set()
    changed: set[str] = {"status", "derivations"}
    rows: set[str] = set()
    if not incremental:
        # over the union when every graph is visible: a list of graphs as the default graph
        # multiplies every index look-up by the number of graphs
        everything = {_graph_text(g) for g in store.named_graphs()} == {g.value for g in graphs}
        whole = read.read_ledger(store, None if everything else graphs, names=True)
        whole.cases = {}
        for name in _LEDGER_FIELDS:
            setattr(ledger, name, getattr(whole, name))
        return touched, set(_PARTS), None
    # agents: those the new graphs describe, or that are new, read over the whole ledger
    described: set[str] = set()
    for row in read.select(store, "sources", graphs):
        agent = row["agent"]
        if agent not in ledger.agents or row["name"] or row["actedOnBehalfOf"] or row["alignment"]:
            described.add(agent)
    for agent in sorted(described):
        found = rules.Agent(agent)
        for row in read.select(store, "agent", None, {"agent": ox.NamedNode(agent)}):
            if row["name"] and (row["nameLanguage"] == "en" or not found.name):
                found.name = row["name"]
            found.principal = found.principal or row["actedOnBehalfOf"]
            found.alignment = found.alignment or row["alignment"]
        old = ledger.agents.get(agent)
        if old is not None and (old.name, old.principal, old.alignment) != (
            found.name, found.principal, found.alignment,
        ):  # fmt: skip
            raise _Rebuild(f"the registry changed for {agent}")
        if old is None and _is_mentioned(conn, ledger, agent) and found.name:
            raise _Rebuild(f"{agent} became a named source after claims mentioned it")
        ledger.agents[agent] = found
        changed.add("agents")
    # declared properties, events, sides in a conflict and the parts of a question change how
    # stored pairs are judged, and the new claims need them too: rebuild (quick while no claim
    # is stored)
    for query, what in (
        ("declared-properties", "a proposition property"),
        ("events", "an event"),
        ("alignments-in", "a side in a conflict"),
        ("schemes", "a part of a question a concept answers"),
    ):
        if next(read.select(store, query, graphs), None) is not None:
            raise _Rebuild(f"the new entry declares {what}")
    if any(a.sides for a in ledger.agents.values()):
        for row in read.select(store, "claim-conflicts", None):
            if ledger.claim_conflict.setdefault(row["claim"], row["conflict"]) == row["conflict"]:
                changed.add("registry")
    # names: a new name for a thing already named or mentioned changes stored reasons
    named: set[str] = set()
    nestings: list[tuple[str, str]] = []
    for row in read.select(store, "broader", graphs):
        if row["broader"] not in ledger.broader.get(row["concept"], []):
            ledger.broader.setdefault(row["concept"], []).append(row["broader"])
            nestings.append((row["concept"], row["broader"]))
            changed.add("registry")
    for row in read.select(store, "names", graphs):
        thing = row["thing"]
        if row["partOf"]:
            if row["partOf"] not in ledger.part_of.get(thing, []):
                ledger.part_of.setdefault(thing, []).append(row["partOf"])
                nestings.append((thing, row["partOf"]))
        elif row["alternate"] == "true":
            if row["name"] not in ledger.alternate_names.get(thing, []):
                ledger.alternate_names.setdefault(thing, []).append(row["name"])
        else:
            named.add(thing)
        changed.add("registry")
    _check_links(conn, ledger, nestings)
    for thing in sorted(named):
        english = ""
        for row in read.select(store, "name-of", None, {"thing": ox.NamedNode(thing)}):
            if row["nameLanguage"] == "en" or not english:
                english = row["name"]
        old_name = ledger.names.get(thing)
        if old_name != english and (old_name is not None or _is_mentioned(conn, ledger, thing)):
            raise _Rebuild(f"the name of {thing} changed after claims mentioned it")
        ledger.names[thing] = english
    # statuses only select what is shown
    for row in read.select(store, "status", graphs):
        if row["retractedAt"]:
            ledger.retracted.setdefault(row["claim"], row["retractedAt"])
            touched.add(row["claim"])
            rows.add(row["claim"])
        if row["supersededBy"]:
            revised = ledger.superseded.setdefault(row["claim"], [])
            if row["supersededBy"] not in revised:
                revised.append(row["supersededBy"])
                touched.add(row["claim"])
                rows.add(row["claim"])
    # derivations: only of the new claims
    derived_before = set(ledger.derived_from)
    parents_before = {p for ps in ledger.derived_from.values() for p in ps}
    typed = {(r["claim"], r["derivedFrom"]) for r in read.select(store, "derivations", graphs)}
    links = {(r["claim"], r["derivedFrom"]) for r in read.select(store, "derived-from", graphs)}
    for child, parent in sorted(links):
        known_parents = ledger.derived_from.get(child, [])
        if parent in known_parents:
            continue
        if (child, parent) not in typed or child not in new_claims or child in derived_before:
            raise _Rebuild(f"a derivation was added to the earlier claim {child}")
        ledger.derived_from.setdefault(child, []).append(parent)
        rows.add(child)
    for iri in sorted({c for link in links for c in link} - set(ledger.written_as)):
        written = {
            r["writtenAs"]
            for r in read.select(store, "written-as", None, {"claim": ox.NamedNode(iri)})
        }
        if len(written) > 1:
            raise _Rebuild(f"{iri} was written with several IRIs")
        if written and (iri in derived_before or iri in parents_before):
            raise _Rebuild(f"{iri}, already named in derivations, got a cl:writtenAs")
        if written:
            ledger.written_as[iri] = written.pop()
            touched.add(iri)
            rows.add(iri)
    return touched, changed, rows


def _check_links(
    conn: sqlite3.Connection, ledger: rules.Ledger, links: list[tuple[str, str]]
) -> None:
    """Rebuild when a new link (cl:partOf, skos:broader, already in ``ledger``) nests a thing
    that claims mention, or one under it, in a thing they mention, or one above it: stored
    findings between the two (a conflict that is now two levels of detail, a state of a whole
    place that now bears on a part) would be stale."""
    if not links:
        return
    under: dict[str, set[str]] = defaultdict(set)
    for nested in (ledger.part_of, ledger.broader):
        for thing, wider in nested.items():
            for w in wider:
                under[w].add(thing)
    for narrow, wide in links:
        below, todo = {narrow}, [narrow]
        while todo:
            for thing in under.get(todo.pop(), ()):
                if thing not in below:
                    below.add(thing)
                    todo.append(thing)
        above = {wide} | ledger.vaguer(wide)
        if any(_is_mentioned(conn, ledger, t) for t in sorted(below)) and any(
            _is_mentioned(conn, ledger, t) for t in sorted(above)
        ):
            raise _Rebuild(f"{narrow} was put in or under {wide} after claims mentioned both")


def _is_mentioned(conn: sqlite3.Connection, ledger: rules.Ledger, thing: str) -> bool:
    """Whether a stored claim or the registry names ``thing`` (so a stored reason may)."""
    if any(thing in (a.principal, a.alignment) for a in ledger.agents.values()):
        return True
    return conn.execute("SELECT 1 FROM mentioned WHERE iri = ?", (thing,)).fetchone() is not None


def _mentions(claims: Iterable[rules.Claim], ledger: rules.Ledger) -> set[str]:
    found: set[str] = set()
    for c in claims:
        found.update((c.source, c.relayed_by, c.subject, c.prop, c.place, c.value, c.unit,
                      c.day_of_week))  # fmt: skip
    for agent in ledger.agents.values():
        found.update((agent.iri, agent.principal, agent.alignment))
    return found


def _load_ancestors(
    conn: sqlite3.Connection, ledger: rules.Ledger, known: dict[str, rules.Claim], claims: set[str]
) -> None:
    """Stored claims that the claims of new findings derive from (their voices)."""
    wanted = sorted({p for c in claims for p in ledger.ancestors(c)} - set(known))
    for iri in wanted:
        row = conn.execute("SELECT * FROM claims WHERE iri = ?", (iri,)).fetchone()
        if row is not None:
            known[iri] = _claim_of(row)


def _new_derivations(
    conn: sqlite3.Connection,
    ledger: rules.Ledger,
    known: dict[str, rules.Claim],
    new_claims: dict[str, rules.Claim],
    findings: list[rules.Finding],
) -> list[rules.Finding]:
    """The derivation rows of new claims (``analysis._derivations``, status left for later)."""
    agreeing = {
        (f.a.iri, f.b.iri) for f in findings if f.relation in ("corroboration", "compatible")
    }
    out = []
    for child in sorted(c for c in new_claims if c in ledger.derived_from):
        for parent in ledger.derived_from[child]:
            if parent not in known:
                row = conn.execute("SELECT * FROM claims WHERE iri = ?", (parent,)).fetchone()
                if row is None:
                    continue
                known[parent] = _claim_of(row)
            a, b = known[child], known[parent]
            if tuple(sorted((child, parent))) in agreeing:
                continue
            reason = f"{ledger.claim_name(child)} is derived from {ledger.claim_name(parent)}"
            if a.source != b.source:
                reason += f" ({ledger.name(a.source)} drawing on {ledger.name(b.source)})"
            out.append(rules.ordered(rules.Finding(a, b, "derivation", "derived from", reason)))
    _load_ancestors(conn, ledger, known, {c for f in out for c in (f.a.iri, f.b.iri)})
    return out


def _finding_row(
    f: rules.Finding, ledger: rules.Ledger, claims: dict[str, rules.Claim]
) -> tuple[Any, ...]:
    kind, why = rules.independence(f.a, f.b, ledger, claims)
    return (
        f.a.iri, f.b.iri, f.relation, f.type, f.reason, f.a.source, f.b.source, f.a.prop, kind,
        why, rules.origin_class(f.a, ledger), rules.origin_class(f.b, ledger), f.a.hedged,
        f.b.hedged,
    )  # fmt: skip


# --------------------------------------------------------------------------- reading answers


@dataclass
class _View:
    """The caught-up findings file, read in one SQLite transaction (a consistent snapshot)."""

    conn: sqlite3.Connection
    ledger: rules.Ledger
    selection: read.Selection
    claims: dict[str, rules.Claim] | None  # only when a filter needs them

    def in_scope(self, iri: str) -> bool:
        return self.ledger.status(iri) in self.selection.statuses

    def shows(self, a: str, b: str) -> bool:
        """A pair is shown when both claims are in the status scope and either meets the
        filters."""
        return self.in_scope(a) and self.in_scope(b) and self.listed(a, b)

    def listed(self, a: str, b: str) -> bool:
        if self.claims is None:
            return True
        return self.selection.matches(self.ledger, self.claims[a]) or self.selection.matches(
            self.ledger, self.claims[b]
        )


@contextmanager
def _view(
    store: ox.Store, path: Path, filters: read.Filters, *, parts: Iterable[str] | None = None
) -> Iterator[_View]:
    with _connect(path) as conn:
        conn.execute("BEGIN")
        try:
            ledger = _load_ledger(conn, parts)
            if filters.case is not None:
                for row in read.select(store, "cases", None):
                    ledger.cases[row["case"]] = row["identifier"]
            selection = read.select_claims(store, None, ledger, filters, {})
            claims = None
            filtered = any(
                v is not None
                for v in (filters.case, filters.source, filters.place, filters.property,
                          filters.time)
            )  # fmt: skip
            if filtered:
                # what the filters look at, no more: a million Claim records otherwise
                claims = {
                    iri: rules.Claim(iri, source, "", False, subject, prop, place, start=s, end=e)
                    for iri, source, subject, prop, place, s, e in conn.execute(
                        "SELECT iri, source, subject, prop, place, start_day, end_day FROM claims"
                    )
                }
            yield _View(conn, ledger, selection, claims)
        finally:
            conn.execute("COMMIT")


def _ready(store: ox.Store, path: str | os.PathLike[str]) -> bool:
    return usable(store) and catch_up(store, path) is not None


def conflict_rows(
    store: ox.Store, path: str | os.PathLike[str], filters: read.Filters
) -> list[rules.ConflictRow] | None:
    """``analysis.find_conflicts`` read from the caught-up findings; None if it cannot be."""
    if not _ready(store, path):
        return None
    with _view(store, Path(path), filters) as view:
        rows = view.conn.execute(
            "SELECT a, source_a, b, source_b, property, relation, type, reason, independence, "
            "independence_reason FROM findings "
            "WHERE relation IN ('conflict', 'revision', 'update') ORDER BY a, b"
        )
        return [rules.ConflictRow(*row) for row in rows if view.shows(row[0], row[2])]


def corroboration_rows(
    store: ox.Store, path: str | os.PathLike[str], filters: read.Filters
) -> list[rules.CorroborationRow] | None:
    """``analysis.find_corroborations`` read from the caught-up findings; None if it cannot be."""
    if not _ready(store, path):
        return None
    with _view(store, Path(path), filters) as view:
        rows = view.conn.execute(
            "SELECT a, source_a, b, source_b, property, relation, type, reason, independence, "
            "independence_reason FROM findings "
            "WHERE relation IN ('corroboration', 'compatible', 'derivation') ORDER BY a, b"
        )
        out = []
        for a, source_a, b, source_b, prop, relation, kind_of, reason, kind, why in rows:
            if not view.shows(a, b):
                continue
            derivation = relation == "derivation"
            out.append(
                rules.CorroborationRow(
                    a,
                    source_a,
                    b,
                    source_b,
                    "" if derivation else prop,
                    kind_of,
                    kind,
                    reason if derivation else f"{why}; {reason}",
                )  # fmt: skip
            )
        return out


def scope_warning_rows(
    store: ox.Store, path: str | os.PathLike[str], filters: read.Filters
) -> list[rules.ScopeWarningRow] | None:
    """``analysis.find_scope_warnings`` read from the caught-up findings; None if it cannot be."""
    if not _ready(store, path):
        return None
    with _view(store, Path(path), filters) as view:
        rows = view.conn.execute(
            "SELECT a, source_a, b, source_b, property, reason, independence FROM findings "
            "WHERE relation = 'scope-warning' ORDER BY a, b"
        )
        return [rules.ScopeWarningRow(*row) for row in rows if view.shows(row[0], row[2])]


def grade_rows(
    store: ox.Store, path: str | os.PathLike[str], filters: read.Filters
) -> list[rules.GradeRow] | None:
    """``analysis.grade_claims`` counted from the caught-up findings; None if it cannot be."""
    if not _ready(store, path):
        return None
    with _view(store, Path(path), filters) as view:
        ledger, selection, claims = view.ledger, view.selection, view.claims
        matches = None
        if claims is not None:
            matches = lambda iri: selection.matches(ledger, claims[iri])  # noqa: E731
        if selection.statuses != {"current"}:
            # grades stored are those of --status current; others are counted now
            return list(_all_grades(view.conn, ledger, view.in_scope, matches))
        current = _current(ledger)
        return [
            rules.GradeRow(*row)
            for row in view.conn.execute("SELECT * FROM grades ORDER BY claim")
            if current(row[0]) and (matches is None or matches(row[0]))
        ]


def _grade(
    iri: str,
    source: str,
    has_proposition: bool,
    related: list[tuple[Any, ...]],
    ledger: rules.Ledger,
    claim_name: Any,
    hedged: bool = False,
) -> rules.GradeRow:
    """``rules.grade_row`` from stored findings, in the order of the other claims."""
    found = [
        rules.Related(other, relation, kind, other_source, origin, bool(other_hedged))
        for other, relation, kind, other_source, origin, other_hedged in sorted(related)
    ]
    return rules.grade_row(iri, source, has_proposition, found, ledger, claim_name, hedged=hedged)


def status_and_derivation_rows(path: str | os.PathLike[str]) -> dict[str, list[tuple[str, str]]]:
    """The statuses and derivations the file keeps, per table: sorted (claim, value) pairs
    (each item of a claim's list a pair of its own, whatever its place in the list)."""
    with _connect(Path(path)) as conn:
        conn.execute("BEGIN")
        try:
            return {
                table: sorted(
                    (claim, item)
                    for claim, value in _table_values(conn, table).items()
                    for item in (value if isinstance(value, list) else [value])
                )
                for tables in _TABLE_PARTS.values()
                for table in tables
            }
        finally:
            conn.execute("COMMIT")


def batch_conflict_rows(
    store: ox.Store, path: str | os.PathLike[str], claim_iris: Iterable[str]
) -> list[rules.ConflictRow] | None:
    """The conflicts and revisions between current claims that involve ``claim_iris``."""
    if not _ready(store, path):
        return None
    batch = sorted(set(claim_iris))
    with _view(store, Path(path), read.Filters(), parts=["status"]) as view:
        found: dict[tuple[str, str], tuple[Any, ...]] = {}
        columns = (
            "a, source_a, b, source_b, property, relation, type, reason, independence, "
            "independence_reason"
        )
        for side in ("a", "b"):
            for start in range(0, len(batch), 500):
                chunk = batch[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for row in view.conn.execute(
                    f"SELECT {columns} FROM findings WHERE {side} IN ({marks}) "  # noqa: S608
                    "AND relation IN ('conflict', 'revision', 'update')",
                    chunk,
                ):
                    if view.in_scope(row[0]) and view.in_scope(row[2]):
                        found[row[0], row[2]] = row
        return [rules.ConflictRow(*found[k]) for k in sorted(found)]


__all__ = [
    "CANDIDATES_MEETING_SQL", "CANDIDATES_SQL", "FIGURE_SQL", "FORMAT", "SHARES_SQL", "CatchUp",
    "batch_conflict_rows", "catch_up", "conflict_rows", "corroboration_rows", "grade_rows",
    "scope_warning_rows", "status_and_derivation_rows", "usable",
]  # fmt: skip
