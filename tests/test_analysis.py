"""ledger.analysis.compare: conflicts, corroborations, grades, claims, the batch check, user
queries."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox
import pytest

from ledger import resources
from ledger.analysis import compare as analysis
from ledger.analysis import findings
from ledger.analysis.rules import Related
from ledger.analysis.rules import pairs as rule_pairs
from ledger.errors import UsageError
from ledger.intake.load import load_paths
from ledger.vocab import SKOS_BROADER

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
DATA = Path(__file__).resolve().parent / "data" / "analysis"
CL = "https://w3id.org/claim-ledger/ns#"
PROV = "http://www.w3.org/ns/prov#"
TEST = "https://w3id.org/claim-ledger/case/analysis-tests/claim/"
ALEPPO = "https://w3id.org/claim-ledger/case/aleppo-2016-11/claim/"


def store_of(*files: str, example: bool = False) -> ox.Store:
    """An in-memory store (default graph) with both registries and the named claim files."""
    paths = [EXAMPLE / "sources.yaml", EXAMPLE / "entities.yaml"]
    paths += [DATA / "sources.yaml", DATA / "entities.yaml"]
    if example:
        paths.append(EXAMPLE / "claims.yaml")
    paths += [DATA / f for f in files]
    store = ox.Store()
    store.extend(load_paths(paths).quads)
    return store


def name(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def pairs(rows: Iterable[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    """Each row as (claim a, claim b, *columns), claims by their last path segment."""
    return [(name(r["claim_a"]), name(r["claim_b"]), *(r[c] for c in columns)) for r in rows]


@pytest.fixture(scope="module")
def example() -> ox.Store:
    return store_of(example=True)


# --------------------------------------------------------------------------- the example case


def test_example_sakhour_distance_is_independently_corroborated(example: ox.Store) -> None:
    """'Less than 1 km from Sakhour' from state media and SOHR: independent, the same figure."""
    rows = [r for r in analysis.find_corroborations(example) if "sakhour" in r["claim_a"]]
    assert pairs(rows, "match", "kind") == [
        (
            "sohr-less-than-1km-from-sakhour",
            "state-media-less-than-1km-from-sakhour",
            "same value",
            "independent",
        )
    ]
    assert rows[0]["reason"].startswith(
        "different origins: Syrian Observatory for Human Rights (opposition) and "
        "Syrian state media (pro-government)"
    )


def test_example_masaken_hanano_capture_is_aligned_not_independent(example: ox.Store) -> None:
    """State media (Saturday) and Al-Manar (Sunday) agree, but both are pro-government."""
    rows = analysis.find_corroborations(example)
    found = {(name(r["claim_a"]), name(r["claim_b"])): r for r in rows}
    row = found["al-manar-masaken-hanano-held-sunday", "state-media-masaken-hanano-saturday"]
    assert (row["match"], row["kind"]) == ("same value", "aligned")
    assert row["reason"] == (
        "Al-Manar and Syrian state media are both pro-government; both say Masaken Hanano "
        "controlled by Syrian government forces; Sunday and Saturday of the same report: "
        "a state, it still holds on the later day"
    )


def test_example_six_districts_are_the_reporters_synthesis(example: ox.Store) -> None:
    """The six districts derive from SOHR's five (Sunday) and state media's one (Saturday)."""
    rows = [r for r in analysis.find_corroborations(example) if r["match"] == "derived from"]
    assert pairs(rows, "kind") == [
        ("lead-six-districts", "sohr-five-districts-sunday", "same-origin"),
        ("lead-six-districts", "state-media-masaken-hanano-saturday", "same-origin"),
        ("six-districts-over-weekend", "sohr-five-districts-sunday", "same-origin"),
        ("six-districts-over-weekend", "state-media-masaken-hanano-saturday", "same-origin"),
    ]
    claims = {name(r["claim"]): r for r in analysis.list_claims(example)}
    assert claims["six-districts-over-weekend"]["derived_from"] == (
        f"{ALEPPO}sohr-five-districts-sunday {ALEPPO}state-media-masaken-hanano-saturday"
    )


def test_example_thousands_and_about_10000_are_compatible(example: ox.Store) -> None:
    """The photographer's 'thousands' fits SOHR's 'about 10,000'; both are opposition."""
    rows = analysis.find_corroborations(example)
    found = {(name(r["claim_a"]), name(r["claim_b"])): r for r in rows}
    row = found["khatib-thousands-fleeing", "sohr-about-10000-fled"]
    assert (row["match"], row["kind"]) == ("compatible figures", "aligned")
    assert row["reason"].endswith(
        "number displaced: 2,000–999,999 people and 9,000–11,000 people can both be true, "
        "but one is much vaguer: not support"
    )


def test_example_has_no_conflict_and_its_lead_is_only_vaguer(example: ox.Store) -> None:
    """'Several thousand' (lead) against '10,000' (sub-heading): compatible, not a conflict.

    "Several thousand" names a magnitude, not a ceiling: 10,000 lies below "tens of thousands"
    (from 20,000), so the lead understates and does not contradict; successions are no conflict.
    """
    assert analysis.find_conflicts(example) == []
    rows = analysis.find_corroborations(example)
    assert (
        "headline-10000-fled",
        "lead-thousands-fleeing",
        "compatible figures",
        "same-origin",
    ) in [(name(r.claim_a), name(r.claim_b), r.match, r.kind) for r in rows]


def test_example_grades(example: ox.Store) -> None:
    """Grades of the required findings: 2 for independent support, 3 for only aligned."""
    grades = {name(r["claim"]): r for r in analysis.grade_claims(example)}
    assert len(grades) == 41
    assert grades["sohr-less-than-1km-from-sakhour"]["credibility"] == 2
    assert grades["sohr-about-10000-fled"]["credibility"] == 3
    assert grades["zenki-allied-with-nusra"]["credibility"] == 6
    assert {r["reliability"] for r in grades.values()} == {"F"}


# --------------------------------------------------------------------------- conflicts


def test_exclusive_property_conflicts_on_the_same_day() -> None:
    """Two forces holding one district on the same named day, or on the same date."""
    rows = analysis.find_conflicts(store_of("conflict-exclusive.yaml"))
    assert pairs(rows, "relation", "type", "independence") == [
        (
            "amnesty-rebels-held-alpha-sunday",
            "sohr-gov-took-alpha-sunday",
            "conflict",
            "exclusive",
            "independent",
        ),
        (
            "kurdish-held-bravo-nov-20",
            "state-media-gov-held-bravo-nov-20",
            "conflict",
            "exclusive",
            "independent",
        ),
    ]
    assert rows[1]["reason"] == (
        "Bravo controlled by Kurdish forces in Aleppo (Kurdish press office) and Syrian "
        "government forces (Syrian state media) on the same day, 2016-11-20: only one can hold "
        "at a time"
    )


def test_successions_are_not_conflicts() -> None:
    """Saturday then Sunday; a span ending the day before a capture; two month-long spans."""
    store = store_of("succession.yaml")
    assert analysis.find_conflicts(store) == []
    assert analysis.find_corroborations(store) == []


def test_figures_conflict_only_when_their_ranges_cannot_meet() -> None:
    """Quantity conflicts after unit normalisation; the same people at another place are apart."""
    rows = analysis.find_conflicts(store_of("figures.yaml"))
    assert pairs(rows, "relation", "type") == [
        ("amnesty-at-least-4000-fled-foxtrot", "sohr-500-fled-foxtrot", "conflict", "quantity"),
        (
            "amnesty-front-under-800m-from-hotel",
            "state-media-2-to-3-km-from-hotel",
            "conflict",
            "quantity",
        ),
        (
            "ourfalian-half-km-from-hotel",
            "state-media-2-to-3-km-from-hotel",
            "conflict",
            "quantity",
        ),
        ("sohr-500-fled-foxtrot", "state-media-5000-fled-foxtrot", "conflict", "quantity"),
        ("sohr-first-300-fled-india", "sohr-then-3000-fled-india", "revision", "quantity"),
    ]
    assert rows[1]["reason"] == "distance from: 0–800 metres and 2–3 kilometres cannot both be true"


def test_a_source_revising_its_own_figure_is_a_revision() -> None:
    """SOHR's 300 on 19 November, then 3,000 on 21 November: a revision row, not a conflict."""
    rows = [r for r in analysis.find_conflicts(store_of("figures.yaml")) if "india" in r["claim_a"]]
    assert [r["relation"] for r in rows] == ["revision"]
    assert rows[0]["reason"] == (
        "Syrian Observatory for Human Rights revised its own statement: 300 people "
        "(said 2016-11-19), then 3,000 people (said 2016-11-21)"
    )


def test_vaguer_and_open_ended_figures_are_compatible() -> None:
    """'At least 4,000' fits 'about 5,000'; 'less than 800 m' fits 'about 0.5 km'."""
    rows = analysis.find_corroborations(store_of("figures.yaml"))
    assert pairs(rows, "match", "kind") == [
        (
            "amnesty-at-least-4000-fled-foxtrot",
            "state-media-5000-fled-foxtrot",
            "compatible figures",
            "independent",
        ),
        (
            "amnesty-front-under-800m-from-hotel",
            "ourfalian-half-km-from-hotel",
            "compatible figures",
            "independent",
        ),
    ]


def test_a_denial_conflicts_and_two_plain_values_do_not() -> None:
    """State media denies what Amnesty asserts; fled to Kilo and fled to Lima may both hold."""
    rows = analysis.find_conflicts(store_of("denial.yaml"))
    assert pairs(rows, "type", "reason") == [
        (
            "amnesty-civilians-in-juliett",
            "state-media-no-civilians-in-juliett",
            "denial",
            "Syrian state media denies what Amnesty International asserts: "
            "Civilians of Juliett present in Juliett",
        )
    ]


# --------------------------------------------------------------------------- corroborations


def test_corroboration_kinds() -> None:
    """Same organisation, derivation, one side, and independent origins; a wire is no origin."""
    rows = analysis.find_corroborations(store_of("origins.yaml"))
    assert pairs(rows, "kind") == [
        ("al-manar-gov-in-november", "dpa-gov-in-november", "independent"),
        ("al-manar-gov-in-november", "state-media-gov-in-november", "aligned"),
        ("amnesty-via-dpa-gov-in-mike", "khatib-gov-in-mike", "independent"),
        ("amnesty-via-dpa-gov-in-mike", "outlet-gov-in-mike", "independent"),
        ("amnesty-via-dpa-gov-in-mike", "sohr-via-dpa-gov-in-mike", "independent"),
        ("amnesty-via-dpa-gov-in-mike", "white-helmets-gov-in-mike", "independent"),
        ("dpa-gov-in-november", "state-media-gov-in-november", "independent"),
        ("khatib-gov-in-mike", "outlet-gov-in-mike", "aligned"),
        ("khatib-gov-in-mike", "sohr-via-dpa-gov-in-mike", "aligned"),
        ("khatib-gov-in-mike", "white-helmets-gov-in-mike", "same-origin"),
        ("outlet-gov-in-mike", "sohr-via-dpa-gov-in-mike", "same-origin"),
        ("outlet-gov-in-mike", "white-helmets-gov-in-mike", "aligned"),
        ("sohr-via-dpa-gov-in-mike", "white-helmets-gov-in-mike", "aligned"),
    ]
    reasons = {(name(r["claim_a"]), name(r["claim_b"])): r["reason"].split(";")[0] for r in rows}
    assert reasons["khatib-gov-in-mike", "white-helmets-gov-in-mike"] == (
        "Khaled Khatib and White Helmets both speak for White Helmets"
    )
    assert reasons["amnesty-via-dpa-gov-in-mike", "sohr-via-dpa-gov-in-mike"] == (
        "different origins: Amnesty International (international / independent) and "
        "Syrian Observatory for Human Rights (opposition)"
    )
    assert reasons["outlet-gov-in-mike", "sohr-via-dpa-gov-in-mike"] == (
        "outlet-gov-in-mike is derived from sohr-via-dpa-gov-in-mike"
    )


# --------------------------------------------------------------------------- grades


def test_grades_follow_independent_origins() -> None:
    """1: confirmed by two origins; 4: contradicted by one; 5: by two, unsupported; 6: nothing."""
    rows = analysis.grade_claims(store_of("grades.yaml"))
    assert [
        (
            name(r["claim"]),
            r["credibility"],
            r["independent_support"],
            r["independent_conflicts"],
            r["reliability"],
        )
        for r in rows
    ] == [
        ("amnesty-gov-holds-papa", 1, 2, 0, "F"),
        ("amnesty-rebels-hold-oscar", 4, 2, 1, "F"),
        ("kurdish-rebels-hold-oscar", 4, 2, 1, "F"),
        ("outlet-situation-unclear", 6, 0, 0, "F"),
        ("sohr-gov-holds-papa", 1, 2, 0, "F"),
        ("sohr-rebels-hold-oscar", 4, 2, 1, "F"),
        ("state-media-gov-holds-oscar", 5, 0, 3, "F"),
        ("state-media-gov-holds-papa", 1, 2, 0, "F"),
    ]
    unclear = next(r for r in rows if r["claim"].endswith("outlet-situation-unclear"))
    assert (unclear["grade"], unclear["reasons"]) == (
        "cannot be judged",
        "no proposition to compare",
    )


def test_only_aligned_support_grades_3_and_nothing_to_compare_grades_6() -> None:
    """Support from one's own side only is 'possibly true'; no comparable claim is 6."""
    rows = {name(r["claim"]): r for r in analysis.grade_claims(store_of("succession.yaml"))}
    assert {r["credibility"] for r in rows.values()} == {6}
    assert rows["sohr-gov-took-charlie-sunday"]["reasons"] == (
        "no other claim about the same subject, property and time"
    )
    origins = {name(r["claim"]): r for r in analysis.grade_claims(store_of("origins.yaml"))}
    assert origins["khatib-gov-in-mike"]["credibility"] == 2  # Amnesty (via dpa) independent
    aligned_only = analysis.grade_row(
        "urn:x:claim", "urn:x:sohr", True,
        [Related("urn:x:other", "corroboration", "aligned", "urn:x:khatib", CL + "Opposition")],
        analysis.Ledger(), lambda iri: iri,
    )  # fmt: skip
    assert (aligned_only.credibility, aligned_only.other_support) == (3, 1)
    assert origins["al-manar-gov-in-november"]["reasons"].endswith(
        "supported by Syrian state media (aligned, state-media-gov-in-november)"
    )


# --------------------------------------------------------------------------- status


def test_retracted_and_superseded_claims_drop_out_unless_asked_for() -> None:
    """A retracted claim neither conflicts nor is listed by default; --status all shows it."""
    store = store_of("conflict-exclusive.yaml")
    store.add(
        ox.Quad(
            ox.NamedNode(TEST + "sohr-gov-took-alpha-sunday"),
            ox.NamedNode(PROV + "invalidatedAtTime"),
            ox.Literal("2016-12-01T00:00:00Z", datatype=ox.NamedNode(XSD_DATETIME)),
        )
    )
    store.add(
        ox.Quad(
            ox.NamedNode(TEST + "some-later-claim"),
            ox.NamedNode(PROV + "wasRevisionOf"),
            ox.NamedNode(TEST + "kurdish-held-bravo-nov-20"),
        )
    )
    assert analysis.find_conflicts(store) == []
    assert len(analysis.find_conflicts(store, status="all")) == 2
    statuses = {name(r["claim"]): r["status"] for r in analysis.list_claims(store, status="all")}
    assert statuses == {
        "amnesty-rebels-held-alpha-sunday": "current",
        "kurdish-held-bravo-nov-20": "superseded",
        "sohr-gov-took-alpha-sunday": "retracted",
        "state-media-gov-held-bravo-nov-20": "current",
    }
    retracted = analysis.list_claims(store, status="retracted")
    assert [name(r["claim"]) for r in retracted] == ["sohr-gov-took-alpha-sunday"]


XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
SCHEMA_NAME = "https://schema.org/name"


# --------------------------------------------------------------------------- filters


@pytest.fixture(scope="module")
def everything() -> ox.Store:
    return store_of(
        "conflict-exclusive.yaml", "figures.yaml", "denial.yaml", "grades.yaml", example=True
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({"case": "aleppo-2016-11"}, 0, id="case-identifier-no-conflict"),
        pytest.param({"case": "analysis-tests"}, 11, id="case-identifier"),
        pytest.param(
            {"case": "https://w3id.org/claim-ledger/case/analysis-tests/case"}, 11, id="case-iri"
        ),
        pytest.param({"source": "SOHR"}, 5, id="source-alternate-name"),
        pytest.param({"source": "Hezbollah"}, 0, id="source-organisation-of-members"),
        pytest.param({"place": "https://w3id.org/claim-ledger/test/none"}, 0, id="place-iri"),
        pytest.param({"place": "Oscar"}, 3, id="place-name"),
        pytest.param({"property": "distanceFrom"}, 2, id="property"),
        pytest.param({"time": "2016-11-21"}, 4, id="time-day"),
        pytest.param({"time": "2016-10"}, 0, id="time-month"),
        pytest.param({"time": "2016-11-19/2016-11-20"}, 8, id="time-span"),
    ],
)
def test_filters_keep_pairs_where_either_claim_matches(
    everything: ox.Store, filters: dict[str, str], expected: int
) -> None:
    """Each filter narrows the conflicts to pairs with at least one matching claim."""
    assert len(analysis.find_conflicts(everything, **filters)) == expected


def test_case_filter_keeps_the_pairs_of_that_case(everything: ox.Store) -> None:
    """--case aleppo-2016-11: the example's 15 corroboration rows, none of the test case's."""
    rows = analysis.find_corroborations(everything, case="aleppo-2016-11")
    assert len(rows) == 15
    assert all("/aleppo-2016-11/" in r["claim_a"] or "/aleppo-2016-11/" in r["claim_b"]
               for r in rows)  # fmt: skip


def test_place_filter_takes_in_the_places_inside() -> None:
    """East Aleppo takes in the test districts (cl:partOf) and the example's districts."""
    rows = analysis.list_claims(
        store_of("grades.yaml"), place="https://w3id.org/claim-ledger/entity/east-aleppo"
    )
    assert len(rows) == 7


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        pytest.param({"case": "no-such-case"}, "no case 'no-such-case' in the ledger", id="case"),
        pytest.param({"source": "Nobody"}, "no source named 'Nobody' in the ledger", id="source"),
        pytest.param({"property": "ownedBy"}, "unknown property 'ownedBy'", id="property"),
        pytest.param({"time": "last week"}, "time 'last week' is not a date", id="time"),
        pytest.param({"status": "old"}, "status 'old' is not one of", id="status"),
    ],
)
def test_unknown_filter_values_are_usage_errors(
    everything: ox.Store, filters: dict[str, str], message: str
) -> None:
    """A filter that names nothing in the ledger says so and what to try."""
    with pytest.raises(UsageError, match=message):
        analysis.find_conflicts(everything, **filters)


# --------------------------------------------------------------------------- ledger graphs


def test_claims_in_several_named_graphs_are_read_once() -> None:
    """The union of entry graphs repeats a triple stored twice; rows do not repeat."""
    single = store_of("conflict-exclusive.yaml")
    store = ox.Store()
    for i in (1, 2):
        graph = ox.NamedNode(f"urn:claim-ledger:entry:{i}")
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in single)
    assert analysis.find_conflicts(store) == analysis.find_conflicts(single)
    as_of_first = [ox.NamedNode("urn:claim-ledger:entry:1")]
    assert analysis.find_conflicts(store, default_graph=as_of_first) == analysis.find_conflicts(
        single
    )
    assert analysis.find_conflicts(store, default_graph=[]) == []


# --------------------------------------------------------------------------- a new batch


@pytest.mark.parametrize("keyed", [True, False], ids=["keyed", "unkeyed"])
def test_batch_check_finds_the_conflicts_of_the_new_claims(
    everything: ox.Store, keyed: bool
) -> None:
    """Binding only the new claims gives the full analysis's rows that involve them."""
    store = ox.Store()
    store.extend(everything)
    if keyed:
        store.extend(analysis.comparison_key_quads(everything))
    batch = [TEST + "state-media-gov-holds-oscar", TEST + "sohr-first-300-fled-india"]
    expected = [
        r
        for r in analysis.find_conflicts(everything)
        if r["claim_a"] in batch or r["claim_b"] in batch
    ]
    assert len(expected) == 4
    assert analysis.conflicts_for_batch(store, batch, keyed=keyed) == expected
    assert analysis.conflicts_for_batch(store, batch) == expected


def test_placeless_claims_are_found_through_the_comparison_key() -> None:
    """A claim with a place meets one without, through the key, one look-up."""
    store = store_of("figures.yaml")
    claim = ox.NamedNode(TEST + "sohr-500-fled-foxtrot")
    placeless = [
        q
        for q in store.quads_for_pattern(None, ox.NamedNode(CL + "place"), None)
        if any(store.quads_for_pattern(None, ox.NamedNode(CL + "proposition"), q.subject))
        and list(store.quads_for_pattern(claim, ox.NamedNode(CL + "proposition"), q.subject)) == []
        and q.object.value.endswith("foxtrot")
    ]
    for quad in placeless:  # the other Foxtrot figures now give no place
        store.remove(quad)
    store.extend(analysis.comparison_key_quads(store))
    rows = analysis.conflicts_for_batch(store, [claim.value], keyed=True)
    assert pairs(rows, "type") == [
        ("amnesty-at-least-4000-fled-foxtrot", "sohr-500-fled-foxtrot", "quantity"),
        ("sohr-500-fled-foxtrot", "state-media-5000-fled-foxtrot", "quantity"),
    ]


def test_comparison_key_names_subject_property_and_place() -> None:
    """The key is the three IRIs, the place left out when there is none."""
    assert analysis.comparison_key("s:1", "p:2", "l:3") == "s:1 p:2 l:3"
    assert analysis.comparison_key("s:1", "p:2") == "s:1 p:2"
    keys = analysis.comparison_key_quads(store_of("denial.yaml"))
    people = "https://w3id.org/claim-ledger/case/analysis-tests/juliett-civilians"
    assert sorted(str(q.object.value) for q in keys) == [
        f"{people} {CL}fledTo",
        f"{people} {CL}fledTo",
        f"{people} {CL}presentIn",
        f"{people} {CL}presentIn",
    ]


# --------------------------------------------------------------------------- queries, ontology


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=p.name) for p in sorted(Path(str(resources.queries_dir())).glob("*.rq"))],
)
def test_every_query_names_its_inputs_and_columns_and_is_ordered(path: Path) -> None:
    """Header comment with inputs and columns; ORDER BY, bar the documented exceptions."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert "# Inputs" in text
    assert "# Result" in text
    code = "\n".join(line.split("#")[0] for line in text.splitlines() if not line.startswith("#"))
    assert re.search(r"\bGRAPH\b", code, re.IGNORECASE) is None  # no GRAPH clause
    if path.name in ("propositions.rq", "labels.rq", "claim-topics.rq"):
        assert "# No ORDER BY" in text  # each says why, and how its reader stays deterministic
        assert "ORDER BY" not in code
    elif "\nASK" in text:
        assert "an ASK has no rows to order" in text
    else:
        assert "\nORDER BY " in text


def test_vocabulary_comes_from_the_ontology() -> None:
    """Property kinds and unit factors are read from ontology/claim-ledger.ttl."""
    vocab = analysis.vocabulary()
    assert vocab.kinds[CL + "controlledBy"] == "Exclusive"
    assert vocab.kinds[CL + "displacedCount"] == "Quantitative"
    assert vocab.kinds[CL + "fledTo"] == "Plain"
    assert vocab.factors[CL + "kilometre"] == 1000.0
    assert vocab.dimensions[CL + "year"] == CL + "Duration"


# --------------------------------------------------------------------------- the plan's shape


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10,000-claim synthetic ledger in an on-disk store (graphs of 1,000 claims)."""
    folder = tmp_path_factory.mktemp("synthetic-10k") / "store"
    store = ox.Store(str(folder))
    store.bulk_extend(_synthetic().generate(10_000, keys=True))
    store.flush()
    del store
    return folder


def _plan_nodes(node: dict[str, Any]) -> Iterable[dict[str, Any]]:
    yield node
    for child in node.get("children", []):
        yield from _plan_nodes(child)


def test_propositions_plan_reads_each_claim_a_bounded_number_of_times(
    synthetic_10k: Path, tmp_path: Path
) -> None:
    """propositions.rq at 10k claims: hash joins on a shared key, no operator above 3 rows a claim.

    A slip (a pattern order or an OPTIONAL joined on an optional variable that makes a cross
    product, a nested loop over all claims) shows as an operator with far more rows.
    """
    oxigraph = Path(sys.executable).parent / "oxigraph"
    if not oxigraph.exists():
        pytest.skip("the oxigraph command (PyPI package oxigraph) is not installed")
    read_only = tmp_path / "store"
    shutil.copytree(synthetic_10k, read_only)  # the CLI opens the store read-write
    plan_file = tmp_path / "plan.json"
    done = subprocess.run(
        [str(oxigraph), "query", "--location", str(read_only),
         "--query-file", str(Path(str(resources.queries_dir())) / "propositions.rq"),
         "--union-default-graph", "--results-file", str(tmp_path / "rows.csv"),
         "--explain-file", str(plan_file), "--stats"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    nodes = list(_plan_nodes(json.loads(plan_file.read_text())["plan"]))
    assert nodes[0]["number of results"] == 10_000
    assert max(n["number of results"] for n in nodes) <= 3 * 10_000
    joins = [n["name"] for n in nodes if "Join" in n["name"]]
    assert joins
    for name in joins:
        assert name.startswith("ForLoopLeftJoin") or "keys = ?" in name, name


def test_candidate_pairs_grow_with_the_claims_not_their_square(synthetic_10k: Path) -> None:
    """Pairs formed through the key (subject + property + place, times that meet, states that
    persist) at 10k: < 3n."""
    store = ox.Store.read_only(str(synthetic_10k))
    claims = analysis.read_claims(store)
    ledger = analysis.read_ledger(store)
    assert len(claims) == 10_000
    assert sum(1 for _ in rule_pairs(claims.values(), ledger)) < 3 * len(claims)


def test_candidates_are_looked_up_through_the_key_index(tmp_path: Path) -> None:
    """A new claim's candidates: one index search by subject and property, no scan."""
    store = ox.Store()
    findings.catch_up(store, tmp_path / "findings.sqlite")
    connection = sqlite3.connect(tmp_path / "findings.sqlite")
    plans = {}
    for name, sql, values in (("key", findings.CANDIDATES_SQL, ("s", "p")),):
        rows = connection.execute("EXPLAIN QUERY PLAN " + sql, values)
        plans[name] = " ".join(str(row[-1]) for row in rows)
    connection.close()
    assert "claims_by_key (subject=? AND prop=?)" in plans["key"]
    assert "SCAN" not in " ".join(plans.values()), plans


# --------------------------------------------------------------------------- the findings file


def _in_graph(quads: Iterable[ox.Quad], graph: str) -> list[ox.Quad]:
    return [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads]


def _same_as_recomputed(store: ox.Store, path: Path) -> None:
    """Every listing read from the findings file equals the full recomputation."""
    for function in (analysis.find_conflicts, analysis.find_corroborations, analysis.grade_claims):
        for filters in ({}, {"status": "all"}, {"status": "retracted"}, {"time": "2016-11-20"}):
            expected = function(store, **filters)
            assert function(store, findings=path, **filters) == expected, (function, filters)


def test_findings_caught_up_entry_by_entry_equal_the_full_recomputation(tmp_path: Path) -> None:
    """Entries absorbed one at a time, retractions, supersessions and a registry change."""
    path = tmp_path / "findings.sqlite"
    entries = [
        [EXAMPLE / "sources.yaml", EXAMPLE / "entities.yaml"],
        [DATA / "sources.yaml", DATA / "entities.yaml"],
        [EXAMPLE / "claims.yaml"],
        [DATA / "conflict-exclusive.yaml", DATA / "figures.yaml"],
        [DATA / "denial.yaml"],
        [DATA / "grades.yaml", DATA / "origins.yaml"],
    ]
    store = ox.Store()
    for seq, paths in enumerate(entries, start=1):
        store.extend(_in_graph(load_paths(paths).quads, f"urn:test:entry:{seq}"))
        done = findings.catch_up(store, path)
        assert done is not None and done.rebuilt == (seq == 1), done
        _same_as_recomputed(store, path)
    corrections = [
        ox.Quad(
            ox.NamedNode(TEST + "sohr-gov-took-alpha-sunday"),
            ox.NamedNode(PROV + "invalidatedAtTime"),
            ox.Literal("2016-12-01T00:00:00Z", datatype=ox.NamedNode(XSD_DATETIME)),
        ),
        ox.Quad(
            ox.NamedNode(TEST + "some-later-claim"),
            ox.NamedNode(PROV + "wasRevisionOf"),
            ox.NamedNode(TEST + "kurdish-held-bravo-nov-20"),
        ),
    ]
    store.extend(_in_graph(corrections, "urn:test:entry:7"))
    done = findings.catch_up(store, path)
    assert done is not None and not done.rebuilt
    _same_as_recomputed(store, path)
    # a registry change after claims were analysed: a source that had no side gets one
    ledger = analysis.read_ledger(store)
    sideless = sorted(agent.iri for agent in ledger.agents.values() if not ledger.side(agent.iri))
    assert sideless
    change = ox.Quad(
        ox.NamedNode(sideless[0]), ox.NamedNode(CL + "alignment"), ox.NamedNode(CL + "Opposition")
    )
    store.extend(_in_graph([change], "urn:test:entry:8"))
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt and "registry" in done.reason
    _same_as_recomputed(store, path)
    # a source now relayed through, and acting for, another organisation
    relay = ox.Quad(
        ox.NamedNode(sideless[-1]),
        ox.NamedNode(PROV + "actedOnBehalfOf"),
        ox.NamedNode(sorted(ledger.agents)[0]),
    )
    store.extend(_in_graph([relay], "urn:test:entry:9"))
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt and "registry" in done.reason
    _same_as_recomputed(store, path)
    # a new English name for a thing that stored reasons already name (sorted last, it wins)
    subject = next(iter(analysis.read_claims(store).values())).subject
    renamed = ox.Quad(
        ox.NamedNode(subject), ox.NamedNode(SCHEMA_NAME), ox.Literal("~renamed", language="en")
    )
    store.extend(_in_graph([renamed], "urn:test:entry:10"))
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt and "name" in done.reason
    _same_as_recomputed(store, path)
    # and new claims after that are absorbed alone again
    store.extend(_in_graph(load_paths([DATA / "succession.yaml"]).quads, "urn:test:entry:11"))
    done = findings.catch_up(store, path)
    assert done is not None and not done.rebuilt and done.claims > 0
    _same_as_recomputed(store, path)


LEVELS = "urn:test:levels:"
LEVELS_TTL = f"""
@prefix cl: <{CL}> .
@prefix prov: <{PROV}> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{LEVELS}vx> schema:name "VX"@en .
<{LEVELS}nerve-agent> schema:name "A nerve agent"@en .
<{LEVELS}source-a> schema:name "Source A"@en .
<{LEVELS}source-b> schema:name "Source B"@en .
<{LEVELS}claim-vx> prov:wasAttributedTo <{LEVELS}source-a> ; cl:stance cl:asserts ;
    cl:proposition [ cl:subject <{LEVELS}shelling> ; cl:property cl:meansUsed ;
        cl:value <{LEVELS}vx> ;
        cl:eventTime [ cl:earliest "2017-05-02"^^xsd:date ; cl:latest "2017-05-02"^^xsd:date ] ] .
<{LEVELS}claim-nerve> prov:wasAttributedTo <{LEVELS}source-b> ; cl:stance cl:asserts ;
    cl:proposition [ cl:subject <{LEVELS}shelling> ; cl:property cl:meansUsed ;
        cl:value <{LEVELS}nerve-agent> ;
        cl:eventTime [ cl:earliest "2017-05-03"^^xsd:date ; cl:latest "2017-05-03"^^xsd:date ] ] .
"""


def test_a_nesting_link_added_after_the_claims_rebuilds_the_findings(tmp_path: Path) -> None:
    """'VX' against 'a nerve agent' conflicts until an entry says VX is a nerve agent: the
    findings file is then rebuilt (the pair is compatible), as it is not for a link between
    things no claim mentions."""
    path = tmp_path / "findings.sqlite"
    store = ox.Store()
    store.extend(_in_graph(ox.parse(LEVELS_TTL, format=ox.RdfFormat.TURTLE), "urn:test:entry:1"))
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt
    conflicts = analysis.find_conflicts(store, findings=path)
    assert [(r["relation"], r["type"]) for r in conflicts] == [("conflict", "means")]
    link = ox.Quad(
        ox.NamedNode(LEVELS + "vx"),
        ox.NamedNode(SKOS_BROADER),
        ox.NamedNode(LEVELS + "nerve-agent"),
    )
    store.extend(_in_graph([link], "urn:test:entry:2"))
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt and "after claims mentioned both" in done.reason
    assert analysis.find_conflicts(store, findings=path) == []
    rows = analysis.find_corroborations(store, findings=path)
    assert [r["match"] for r in rows] == ["two levels of detail"]
    assert "VX is a kind of a nerve agent" in rows[0]["reason"]
    _same_as_recomputed(store, path)
    unmentioned = ox.Quad(
        ox.NamedNode(LEVELS + "brigade"), ox.NamedNode(CL + "partOf"), ox.NamedNode(LEVELS + "vx")
    )
    store.extend(_in_graph([unmentioned], "urn:test:entry:3"))
    done = findings.catch_up(store, path)
    assert done is not None and not done.rebuilt
    _same_as_recomputed(store, path)


def test_a_part_of_the_question_declared_after_the_claims_rebuilds_the_findings(
    tmp_path: Path,
) -> None:
    """'VX', 'a nerve agent' and 'chlorine' for one shelling conflict until an entry puts the
    agents in one part of the question where several can hold at once (skos:inScheme,
    cl:severalAtOnce); the findings file is then rebuilt, and the pairs are compatible."""
    path = tmp_path / "findings.sqlite"
    store = ox.Store()
    chlorine = f"""
@prefix cl: <{CL}> .
@prefix prov: <{PROV}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{LEVELS}claim-chlorine> prov:wasAttributedTo <{LEVELS}source-b> ; cl:stance cl:asserts ;
    cl:proposition [ cl:subject <{LEVELS}shelling> ; cl:property cl:meansUsed ;
        cl:value <{LEVELS}chlorine> ;
        cl:eventTime [ cl:earliest "2017-05-02"^^xsd:date ; cl:latest "2017-05-02"^^xsd:date ] ] .
"""
    for n, text in enumerate((LEVELS_TTL, chlorine), start=1):
        quads = ox.parse(text, format=ox.RdfFormat.TURTLE)
        store.extend(_in_graph(quads, f"urn:test:entry:{n}"))
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt
    assert len(analysis.find_conflicts(store, findings=path)) == 3  # each pair of the three
    skos = "http://www.w3.org/2004/02/skos/core#"
    scheme = f"""
@prefix cl: <{CL}> .
@prefix skos: <{skos}> .
<{LEVELS}vx> skos:inScheme <{LEVELS}agent> .
<{LEVELS}nerve-agent> skos:inScheme <{LEVELS}agent> .
<{LEVELS}chlorine> skos:inScheme <{LEVELS}agent> .
<{LEVELS}agent> a cl:ConceptScheme ; cl:severalAtOnce true .
"""
    store.extend(_in_graph(ox.parse(scheme, format=ox.RdfFormat.TURTLE), "urn:test:entry:3"))
    done = findings.catch_up(store, path)
    assert done is not None and done.rebuilt and "part of a question" in done.reason
    assert analysis.find_conflicts(store, findings=path) == []
    matches = [r["match"] for r in analysis.find_corroborations(store, findings=path)]
    assert matches == ["several at once"] * 3  # the ledger does not say VX is a nerve agent
    _same_as_recomputed(store, path)


def test_findings_of_a_synthetic_ledger_appended_in_batches(tmp_path: Path) -> None:
    """4,000 synthetic claims in 1,000-claim entries, derivations and corrections: no rebuild."""
    quads = list(_synthetic().generate(4_000))
    graphs = sorted(
        {q.graph_name.value for q in quads}, key=lambda g: (not g.endswith("registry"), g)
    )
    path = tmp_path / "findings.sqlite"
    store = ox.Store()
    for graph in graphs:
        store.extend(q for q in quads if q.graph_name.value == graph)
        done = findings.catch_up(store, path)
        assert done is not None and done.rebuilt == graph.endswith("registry"), done
    _same_as_recomputed(store, path)
    batch = sorted(
        {q.subject.value for q in quads if q.graph_name.value == graphs[-2]
         and q.predicate.value == PROV + "wasAttributedTo"}
    )  # fmt: skip
    expected = [
        r for r in analysis.find_conflicts(store) if r["claim_a"] in batch or r["claim_b"] in batch
    ]
    assert expected
    assert analysis.conflicts_for_batch(store, batch, findings=path) == expected


def test_an_older_snapshot_or_as_of_is_recomputed(tmp_path: Path) -> None:
    """Findings ahead of the store, or --as-of, give the full recomputation's rows."""
    path = tmp_path / "findings.sqlite"
    single = store_of("conflict-exclusive.yaml", "figures.yaml")
    store = ox.Store()
    store.extend(_in_graph(single, "urn:test:entry:1"))
    store.extend(_in_graph(store_of("denial.yaml"), "urn:test:entry:2"))
    assert findings.catch_up(store, path) is not None
    older = ox.Store()
    older.extend(_in_graph(single, "urn:test:entry:1"))
    assert findings.catch_up(older, path) is None
    assert analysis.find_conflicts(older, findings=path) == analysis.find_conflicts(older)
    first = [ox.NamedNode("urn:test:entry:1")]
    assert analysis.find_conflicts(
        store, default_graph=first, findings=path
    ) == analysis.find_conflicts(older)
    assert analysis.find_conflicts(single, findings=path) == analysis.find_conflicts(single)


def test_findings_of_a_ledger_index_follow_its_entries(tmp_path: Path) -> None:
    """On a ledger's index: the second entry is absorbed alone; its batch rows are the full ones."""
    from ledger import api
    from ledger.chain import store as ledger_store

    ledger = ledger_store.init(tmp_path / "ledger")
    path = tmp_path / "findings.sqlite"
    registries = [EXAMPLE / "sources.yaml", EXAMPLE / "entities.yaml"]
    registries += [DATA / "sources.yaml", DATA / "entities.yaml"]
    api.add(ledger, registries, author="t", message="1")
    with ledger.index() as index:
        assert index.store is not None
        first = findings.catch_up(index.store, path)
        assert first is not None and first.rebuilt
    claims = [EXAMPLE / "claims.yaml", DATA / "conflict-exclusive.yaml"]
    added = api.add(ledger, claims, author="t", message="2").added
    batch = [claim.iri for claim in added]
    with ledger.index() as index:
        assert index.store is not None
        second = findings.catch_up(index.store, path)
        assert second is not None and not second.rebuilt and second.claims == len(batch)
        rows = analysis.conflicts_for_batch(index.store, batch, findings=path)
        assert rows == analysis.conflicts_for_batch(index.store, batch)
        assert len(rows) == 2  # Alpha on Sunday, Bravo on 20 November
        assert findings.catch_up(index.store, path) == findings.CatchUp(0, 0, 0, False)
        _same_as_recomputed(index.store, path)


# --------------------------------------------------------------------------- model v2 read


def test_the_model_v2_fields_are_read_from_the_store() -> None:
    """Scope, hedge, unknown time, coverage, degree, controller, nominal, hour of statement."""
    claims = {
        name(i): c
        for i, c in analysis.read_claims(store_of("../analysis-model-v2/model-v2.yaml")).items()
    }
    running = claims["v2-running-8000"]
    assert (running.scope_kind, running.since_start, running.until_end, running.has_until) == (
        "runningTotal", "2016-11-14", "2016-11-17", True
    )  # fmt: skip
    assert (running.hedges, running.nominal) == ("reportedly", 8000.0)
    assert (running.stated_start, running.stated_end) == (
        "2016-11-17T15:00:00", "2016-11-17T18:00:00"
    )  # fmt: skip
    partial = claims["v2-partial-unknown-time"]
    assert (partial.time_unknown, partial.degree, partial.whole) == (True, "partial", False)
    assert claims["v2-all-of-zulu"].whole
    assert (
        claims["v2-share-90"].controller == "https://w3id.org/claim-ledger/entity/government-forces"
    )


def test_case_vocabulary_events_and_sides_in_a_conflict_are_read() -> None:
    """Declared properties, Event entities, alignmentIn and each claim's case conflict."""
    ledger = analysis.read_ledger(store_of("../analysis-model-v2/model-v2.yaml"))
    case = "https://w3id.org/claim-ledger/case/analysis-tests/"
    assert ledger.kinds == {case + "mayorOf": "Exclusive"}
    assert ledger.events == {case + "v2-attack"}
    agency = ledger.agents["https://w3id.org/claim-ledger/source/test-un-agency"]
    war = "https://w3id.org/claim-ledger/entity/test-war"
    assert agency.sides == {war: CL + "ProGovernment"}
    assert ledger.claim_conflict[case + "claim/v2-share-90"] == war
    assert ledger.side(agency.iri, war) == CL + "ProGovernment"
    assert ledger.side(agency.iri) == CL + "Independent"


def test_a_share_under_all_of_it_is_found_through_the_store_and_the_findings_file(
    tmp_path: Path,
) -> None:
    """90 percent against all of Zulu, the same day: one conflict, recomputed or stored."""
    store = ox.Store()
    store.extend(_in_graph(store_of("../analysis-model-v2/model-v2.yaml"), "urn:test:entry:1"))
    rows = analysis.find_conflicts(store)
    assert pairs(rows, "type") == [("v2-all-of-zulu", "v2-share-90", "exclusive")]
    assert analysis.find_conflicts(store, findings=tmp_path / "f.sqlite") == rows


def test_a_property_declared_in_the_first_entry_with_claims_is_read(tmp_path: Path) -> None:
    """A ledger whose first entry holds no claim, then an entry declaring an exclusive property
    with two claims giving it different values: the findings file reads the declaration and
    finds the conflict, as a full computation does (it was absorbed without the declaration
    while no claim was stored)."""
    store = ox.Store()
    name = ox.Quad(
        ox.NamedNode(LEVELS + "town"), ox.NamedNode(SCHEMA_NAME), ox.Literal("Town", language="en")
    )
    store.extend(_in_graph([name], "urn:test:entry:1"))
    path = tmp_path / "f.sqlite"
    assert findings.catch_up(store, path) is not None
    claims = f"""
@prefix cl: <{CL}> .
@prefix prov: <{PROV}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{LEVELS}mayor> a cl:PropositionProperty ; cl:propertyKind cl:Exclusive .
<{LEVELS}claim-x> prov:wasAttributedTo <{LEVELS}source-a> ; cl:stance cl:asserts ;
    cl:proposition [ cl:subject <{LEVELS}town> ; cl:property <{LEVELS}mayor> ;
        cl:value <{LEVELS}x> ;
        cl:eventTime [ cl:earliest "2017-05-02"^^xsd:date ; cl:latest "2017-05-02"^^xsd:date ] ] .
<{LEVELS}claim-y> prov:wasAttributedTo <{LEVELS}source-b> ; cl:stance cl:asserts ;
    cl:proposition [ cl:subject <{LEVELS}town> ; cl:property <{LEVELS}mayor> ;
        cl:value <{LEVELS}y> ;
        cl:eventTime [ cl:earliest "2017-05-02"^^xsd:date ; cl:latest "2017-05-02"^^xsd:date ] ] .
"""
    store.extend(_in_graph(ox.parse(claims, format=ox.RdfFormat.TURTLE), "urn:test:entry:2"))
    assert findings.catch_up(store, path) is not None
    assert len(analysis.find_conflicts(store, findings=path)) == 1
    _same_as_recomputed(store, path)


# --------------------------------------------------------------------------- tolls and revisions


def test_the_document_of_an_outlets_own_words_is_read_from_the_store(example: ox.Store) -> None:
    """An outlet's own reporting knows its article; a source it quotes has no own document."""
    claims = {name(i): c for i, c in analysis.read_claims(example).items()}
    article = "https://w3id.org/claim-ledger/case/aleppo-2016-11/article"
    assert claims["lead-thousands-fleeing"].own_document == article
    assert claims["headline-10000-fled"].own_document == article
    assert claims["sohr-five-districts-sunday"].own_document == ""
