"""The findings file keeps statuses and derivations as rows: an append writes only its own."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from conftest import EXAMPLE
from ledger.analysis import findings
from ledger.intake.load import load_paths

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CL = "https://w3id.org/claim-ledger/ns#"
CLAIM = CL + "Claim"
#: the statuses and derivations the file could keep, as tables or as ``meta`` values
TABLES = ("retracted", "superseded", "derived_from", "written_as")


def _two_entries() -> tuple[list[ox.Quad], list[ox.Quad], list[tuple[str, str]], str]:
    """The example case as two entries: everything but the derived claims, then those claims
    (with their IRIs as written) and a retraction of a claim of the first entry. Returns the
    entries, the derivation links of the second entry and the claim it retracts."""
    quads = list(load_paths([EXAMPLE]).quads)
    about: dict[Any, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        about[quad.subject].append(quad)
    claims = sorted(
        q.subject.value for q in quads if q.predicate.value == RDF_TYPE and q.object.value == CLAIM
    )
    links = sorted(
        (q.subject.value, q.object.value)
        for q in quads
        if q.predicate.value == PROV + "wasDerivedFrom" and q.subject.value in claims
    )
    children = {child for child, _ in links}
    later: list[ox.Quad] = []
    for iri in sorted(children):  # a claim's quads and those of the blank nodes under it
        todo: list[Any] = [ox.NamedNode(iri)]
        while todo:
            for quad in about.pop(todo.pop(), []):
                later.append(quad)
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
    taken = set(later)
    first = [q for q in quads if q not in taken]
    retracted = next(c for c in claims if c not in children and c not in {p for _, p in links})
    later.append(
        ox.Quad(
            ox.NamedNode(retracted),
            ox.NamedNode(PROV + "invalidatedAtTime"),
            ox.Literal("2017-01-01T00:00:00Z", datatype=ox.NamedNode(XSD_DATETIME)),
        )
    )
    for child in sorted(children):  # as `add` keeps the IRI a claim had in its file
        later.append(
            ox.Quad(
                ox.NamedNode(child), ox.NamedNode(CL + "writtenAs"), ox.NamedNode(child + "-as")
            )
        )
    return first, later, links, retracted


XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _log_writes(path: Path) -> None:
    """Triggers that log every row written into ``meta`` (its key) and into the status and
    derivation tables there are (the claim), in a table ``written``."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE written (tab TEXT, what TEXT)")
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        for table, column in (("meta", "key"), *((t, "claim") for t in TABLES)):
            if table not in tables:
                continue
            for event in ("INSERT", "UPDATE"):
                conn.execute(
                    f"CREATE TRIGGER log_{table}_{event} AFTER {event} ON {table} BEGIN "
                    f"INSERT INTO written VALUES ('{table}', NEW.{column}); END"
                )
        conn.commit()
    finally:
        conn.close()


def _written(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        found: dict[str, list[str]] = defaultdict(list)
        for table, what in conn.execute("SELECT tab, what FROM written ORDER BY tab, what"):
            found[table].append(what)
        return dict(found)
    finally:
        conn.close()


def _stored(path: Path) -> dict[str, list[tuple[str, str]]]:
    """The (claim, value) rows of the status and derivation tables the file has."""
    conn = sqlite3.connect(path)
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        return {
            table: sorted(
                row[::2] if len(row) == 3 else row
                for row in conn.execute(
                    f"SELECT * FROM {table}"  # noqa: S608 - the table names above
                )
            )
            for table in TABLES
            if table in tables
        }
    finally:
        conn.close()


def test_an_append_writes_only_the_status_and_derivation_rows_it_adds(tmp_path: Path) -> None:
    """An entry with derived claims and a retraction writes their rows alone, no ``meta``
    value of statuses or derivations, and the rows are those of a file built in one pass."""
    first, later, links, retracted = _two_entries()
    assert links and later
    store, path = ox.Store(), tmp_path / "findings.sqlite"
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("urn:e:1")) for q in first)
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt
    before = _stored(path)
    _log_writes(path)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("urn:e:2")) for q in later)
    done = findings.catch_up(store, path)
    assert done is not None and not done.rebuilt and done.claims == len({c for c, _ in links})
    written = _written(path)
    assert not [key for key in written.get("meta", []) if key.startswith("ledger.")], written
    after = _stored(path)
    assert written.get("retracted") == [retracted]
    assert written.get("derived_from") == sorted(c for c, _ in links)
    assert "superseded" not in written
    children = sorted({c for c, _ in links})
    assert written.get("written_as") == children
    assert sorted(set(after["written_as"]) - set(before["written_as"])) == [
        (c, c + "-as") for c in children
    ]
    assert len(after["derived_from"]) == len(before["derived_from"]) + len(links)
    once = tmp_path / "one-pass.sqlite"
    done = findings.catch_up(store, once)
    assert done is not None and done.rebuilt
    assert findings.status_and_derivation_rows(once) == after
    assert findings.status_and_derivation_rows(path) == after
