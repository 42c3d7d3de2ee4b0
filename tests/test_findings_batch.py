"""The findings file's catch-up looks up an entry's candidates in batches: the same findings."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ledger.analysis import findings
from ledger.intake.load import load_paths

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
DATA = Path(__file__).resolve().parent / "data"
RAQQA = DATA / "corpus" / "raqqa-2017" / "case"  # shares of a city, all of it, running totals
MOSUL = DATA / "corpus" / "mosul-2016-17" / "case"  # the same figure for two things
CLAIM = "https://w3id.org/claim-ledger/ns#Claim"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
REGISTRIES = [
    EXAMPLE / "sources.yaml",
    EXAMPLE / "entities.yaml",
    DATA / "analysis" / "sources.yaml",
    DATA / "analysis" / "entities.yaml",
    RAQQA / "sources.yaml",
    RAQQA / "entities.yaml",
    MOSUL / "sources.yaml",
    MOSUL / "entities.yaml",
]
CLAIMS = [
    DATA / "analysis-model-v2" / "model-v2.yaml",
    DATA / "analysis" / "conflict-exclusive.yaml",
    DATA / "analysis" / "figures.yaml",
    DATA / "analysis" / "denial.yaml",
    DATA / "analysis" / "succession.yaml",
    RAQQA / "claims.yaml",
    MOSUL / "claims.yaml",
]
ENTRIES = 5


def _by_claim(quads: list[ox.Quad]) -> tuple[list[ox.Quad], dict[str, list[ox.Quad]]]:
    """The quads of each claim (those of its IRI and of the blank nodes under it), and the rest."""
    about: dict[Any, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        about[quad.subject].append(quad)
    claims = sorted(
        q.subject.value for q in quads if q.predicate.value == RDF_TYPE and q.object.value == CLAIM
    )
    taken: set[ox.Quad] = set()
    parts: dict[str, list[ox.Quad]] = {}
    for iri in claims:
        todo: list[Any] = [ox.NamedNode(iri)]
        part: list[ox.Quad] = []
        while todo:
            for quad in about.pop(todo.pop(), []):
                part.append(quad)
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
        parts[iri] = part
        taken.update(part)
    return [q for q in quads if q not in taken], parts


def _entries(*, reverse: bool) -> list[list[ox.Quad]]:
    """The registries and what the claims refer to first, then the claims dealt into entries.

    The claims go round the entries in order of IRI (or the reverse order: each pair then
    arrives the other way round), so that each entry meets stored claims of every kind
    (states, counts with and without scopes, shares, wholes, the same figure). One load for
    all the files: blank nodes of separate loads could share a label.
    """
    rest, parts = _by_claim(list(load_paths(REGISTRIES + CLAIMS).quads))
    order = sorted(parts, reverse=reverse)
    entry = {iri: number % ENTRIES for number, iri in enumerate(order)}
    links = [
        (iri, q.object.value)
        for iri, quads in parts.items()
        for q in quads
        if q.predicate.value == DERIVED_FROM and q.object.value in parts
    ]
    for _ in links:  # a derived claim no earlier than what it derives from (else: a rebuild)
        for child, parent in links:
            entry[child] = max(entry[child], entry[parent])
    entries: list[list[ox.Quad]] = [[] for _ in range(ENTRIES)]
    for iri in sorted(parts):
        entries[entry[iri]] += parts[iri]
    return [rest, *entries]


def _rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
    finally:
        connection.close()


@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "reversed"])
def test_batched_catch_up_finds_what_one_pass_over_every_claim_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reverse: bool
) -> None:
    """Entries caught up one by one (looked up in batches) give the findings and grades of a
    file computed in one pass over the whole ledger, every kind of look-up finding claims."""
    found: dict[str, int] = defaultdict(int)
    real_run = findings._Lookups.run  # noqa: SLF001 - counts what each kind found

    def counting(self: Any) -> None:
        real_run(self)
        for (kind, _key), iris in self.iris.items():
            found[kind] += len(iris)

    monkeypatch.setattr(findings._Lookups, "run", counting)  # noqa: SLF001
    path = tmp_path / "caught-up.sqlite"
    store = ox.Store()
    for number, quads in enumerate(_entries(reverse=reverse), start=1):
        graph = ox.NamedNode(f"urn:test:entry:{number}")
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        done = findings.catch_up(store, path)
        assert done is not None and done.rebuilt == (number == 1), done
    assert set(found) == {"group", "meeting", "figure", "shares", "whole"}, dict(found)
    assert all(found.values()), dict(found)
    once = tmp_path / "one-pass.sqlite"
    done = findings.catch_up(store, once)
    assert done is not None and done.rebuilt
    for table in ("claims", "findings", "grades"):
        assert _rows(path, table) == _rows(once, table), table
    assert len(_rows(once, "findings")) > 50


def test_each_kind_of_look_up_reads_an_index(tmp_path: Path) -> None:
    """The batched look-ups name their index: none scans the claims table."""
    findings.catch_up(ox.Store(), tmp_path / "findings.sqlite")
    connection = sqlite3.connect(tmp_path / "findings.sqlite")
    widths = {"group": 2, "meeting": 4, "figure": 3, "shares": 1, "whole": 2}
    assert set(widths) == set(findings._LOOKUP_SQL)  # noqa: SLF001 - the statements' plans
    try:
        for kind, width in widths.items():
            sql = findings._lookup_sql(kind, 3, width)  # noqa: SLF001
            plan = [
                row[-1]
                for row in connection.execute("EXPLAIN QUERY PLAN " + sql, [0] * (3 * (width + 1)))
            ]
            searches = [step for step in plan if step.startswith(("SEARCH c", "SCAN c"))]
            assert searches and all(step.startswith("SEARCH c USING") for step in searches), plan
        sql = findings._lookup_sql("meeting", 1, 4)  # noqa: SLF001
        meeting = " ".join(
            row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, [0] * 5)
        )
        assert "COVERING INDEX claims_by_key (subject=? AND prop=? AND end_day>?)" in meeting
    finally:
        connection.close()


LOOKUPS = DATA / "findings-batch" / "lookups.yaml"
#: entry 3's claims are each paired with entry 2's through one kind of look-up
LOOKUP_ENTRIES = [
    ["lb-gov-all-of-golf", "lb-rebels-all-of-east-aleppo", "lb-gov-holds-india",
     "lb-no-gov-in-india", "lb-gov-30-percent-of-kilo", "lb-90-percent-of-kilo",
     "lb-1000-fled-lima-since-november", "lb-more-than-1500-fighters-left-lima",
     "lb-rebels-held-mike-throughout"],
    ["lb-gov-60-percent-of-golf", "lb-gov-holds-hotel", "lb-rebels-hold-india",
     "lb-rebels-hold-kilo", "lb-5000-fled-lima-by-10-november", "lb-1500-people-left-lima",
     "lb-gov-holds-mike-on-15"],
]  # fmt: skip


def test_a_share_a_whole_place_and_a_denial_judged_again_are_caught_up_as_in_one_pass(
    tmp_path: Path,
) -> None:
    """A share after its controller's hold of all of it, a part after a state of the whole, an
    assertion between a state and its denial, a state after shares, a running total after one
    whose scope alone meets it, a figure stated with other bounds for another thing, a day within
    a period held throughout: caught up entry by entry, the findings of one pass."""
    rest, parts = _by_claim(list(load_paths([*REGISTRIES[:4], LOOKUPS]).quads))
    by_name = {iri.rsplit("/", 1)[-1]: quads for iri, quads in parts.items()}
    assert sorted(by_name) == sorted(n for entry in LOOKUP_ENTRIES for n in entry)
    path, store = tmp_path / "caught-up.sqlite", ox.Store()
    entries = [rest, *([q for n in names for q in by_name[n]] for names in LOOKUP_ENTRIES)]
    for number, quads in enumerate(entries, start=1):
        graph = ox.NamedNode(f"urn:test:entry:{number}")
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        done = findings.catch_up(store, path)
        assert done is not None and done.rebuilt == (number == 1), done
    once = tmp_path / "one-pass.sqlite"
    assert findings.catch_up(store, once) is not None
    pairs = {
        (a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1], relation)
        for a, b, relation, *_ in _rows(once, "findings")
    }
    assert {
        ("lb-gov-60-percent-of-golf", "lb-gov-all-of-golf", "conflict"),
        ("lb-gov-holds-hotel", "lb-rebels-all-of-east-aleppo", "conflict"),
        ("lb-90-percent-of-kilo", "lb-gov-30-percent-of-kilo", "conflict"),
        ("lb-1000-fled-lima-since-november", "lb-5000-fled-lima-by-10-november", "conflict"),
        ("lb-1500-people-left-lima", "lb-more-than-1500-fighters-left-lima", "scope-warning"),
        ("lb-gov-holds-mike-on-15", "lb-rebels-held-mike-throughout", "conflict"),
    } <= pairs, pairs
    assert not {p for p in pairs if {"lb-gov-holds-india", "lb-no-gov-in-india"} <= set(p)}
    for table in ("claims", "findings", "grades"):
        assert _rows(path, table) == _rows(once, table), table
