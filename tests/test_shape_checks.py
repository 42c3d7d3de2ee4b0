"""Each SPARQL check of the shapes, provoked alone: its message, field and value, on both engines.

Each shape's SPARQL checks run as one constraint (a UNION of the checks, each binding its own
?message): a check that stopped firing, fired for another check's data, or lost a substituted
value would go unnoticed where the invalid corpus has no file for it. Each case here edits the
valid claim (or a source of the registry) in one place and names the one problem expected, with
the exemptions a draft's 'toCheck' marks give.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATA, EXAMPLE
from ledger.intake.load import load_paths
from ledger.intake.validate import validate_batch

VALID = DATA / "claims" / "valid" / "lead-thousands-fleeing.yaml"
SOURCES = EXAMPLE / "sources.yaml"
ENTITIES = EXAMPLE / "entities.yaml"
SRC = "https://w3id.org/claim-ledger/source/"
ENT = "https://w3id.org/claim-ledger/entity/"
ALEPPO = "https://w3id.org/claim-ledger/case/aleppo-2016-11/"

Edit = Callable[[dict[str, Any]], None]


def claim_of(doc: dict[str, Any]) -> dict[str, Any]:
    claim: dict[str, Any] = doc["@graph"][0]
    return claim


def quote(doc: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = claim_of(doc)["quote"][0]
    return first


def proposition(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = claim_of(doc)["proposition"]
    return found


def quantity(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = proposition(doc)["quantity"]
    return found


def marked(*marks: str, then: Edit) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        then(doc)
        claim_of(doc)["toCheck"] = list(marks)

    return edit


def drop(getter: Callable[[dict[str, Any]], dict[str, Any]], *keys: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        for key in keys:
            del getter(doc)[key]

    return edit


def put(getter: Callable[[dict[str, Any]], dict[str, Any]], **values: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        getter(doc).update(values)

    return edit


def both(*edits: Edit) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        for e in edits:
            e(doc)

    return edit


NOV1 = {"earliest": "2016-11-01", "latest": "2016-11-01", "precision": "dayPrecision"}
NOV30 = {"earliest": "2016-11-30", "latest": "2016-11-30", "precision": "dayPrecision"}


def declare_evacuees(with_id: bool) -> Edit:
    """The claim's count as a case property, declared in the file (with its IRI or without)."""

    def edit(doc: dict[str, Any]) -> None:
        iri = "aleppo:property/evacueeCount"
        declaration = {"type": "PropositionProperty", "label": {"en": "number of evacuees"}}
        declaration |= {"propertyKind": "Quantitative", "dimension": "Count"}
        doc["@graph"].append({"id": iri, **declaration} if with_id else declaration)
        proposition(doc)["property"] = iri

    return edit


def as_area_share(controller: str | None, upper: int = 60) -> Edit:
    """The share of Aleppo held by ``controller`` (none: no controller), 40 % to ``upper`` %."""

    def edit(doc: dict[str, Any]) -> None:
        p = proposition(doc)
        p.update({"property": "areaShareControlled", "subject": "ent:aleppo"})
        p["quantity"] = {
            "phrase": {"nb": "mellom 40 og 60 prosent"},
            "qualifier": "between",
            "lower": 40,
            "upper": upper,
            "unit": "percent",
        }
        if controller:
            p["controller"] = controller

    return edit


def as_value(doc: dict[str, Any]) -> None:
    """An entity-valued proposition: controlledBy with a value, no quantity."""
    p = proposition(doc)
    del p["quantity"]
    p.update({"property": "controlledBy", "value": "ent:east-aleppo"})


def mark_line(text: str) -> str:
    return f"Still to be decided by a checker: {text}. Decide it, then remove that 'toCheck' entry."


SUBJECT = (
    "Say what the proposition is about in 'subject': one place, force, group or organisation, "
    "by its IRI."
)
PROPERTY = "'property' must be one of the ontology's proposition properties ("
EVENT_TIME = (
    "Say when it happened in 'eventTime', as precisely as the source allows (earliest, latest, "
    "precision) and no more."
)
UNIT = (
    "Give the quantity's 'unit': person, district, item, building, vehicle, metre, kilometre, "
    "day, month, year or percent."
)
TRANSLATION = (
    "The document is not in English: give the quote an English 'translation' with its translator."
)

#: (id, edit of the valid claim, [(message, field, value)] expected: the complete list)
CLAIM_CASES: list[tuple[str, Edit, list[tuple[str, str | None, str | None]]]] = [
    (
        "unknown-source",
        put(claim_of, attributedTo="src:nobody"),
        [
            (
                f"The source {SRC}nobody is not in the source registry: add it to the case's "
                "sources file with its name, kind and alignment, or correct the IRI.",
                "attributedTo",
                f"{SRC}nobody",
            )
        ],
    ),
    (
        "denial-without-proposition",
        both(drop(claim_of, "proposition"), put(claim_of, stance="denies")),
        [
            (
                "A denial must say what is denied: add the proposition the source denies.",
                "stance",
                None,
            )
        ],
    ),
    (
        "denial-marked",
        marked(
            "proposition: what is denied",
            then=both(drop(claim_of, "proposition"), put(claim_of, stance="denies")),
        ),
        [(mark_line("proposition: what is denied"), "toCheck", "proposition: what is denied")],
    ),
    (
        "wire-without-agency",
        put(claim_of, transmission="wireRelay"),
        [
            (
                "This claim came by wire ('transmission: wireRelay') but does not say through "
                "which agency: add 'relayedBy'.",
                "transmission",
                None,
            )
        ],
    ),
    (
        "relayed-by-not-an-agency",
        put(claim_of, transmission="wireRelay", relayedBy="src:sohr"),
        [
            (
                f"'relayedBy' must name a news agency in the source registry ({SRC}sohr is not "
                "one): give it 'sourceKind: NewsAgency' or name the agency.",
                "relayedBy",
                f"{SRC}sohr",
            )
        ],
    ),
    (
        "two-marks",
        marked("a first thing", "a second thing", then=lambda doc: None),
        [
            (mark_line("a first thing"), "toCheck", "a first thing"),
            (mark_line("a second thing"), "toCheck", "a second thing"),
        ],
    ),
    ("subject-missing", drop(proposition, "subject"), [(SUBJECT, "proposition.subject", None)]),
    (
        "subject-missing-marked",
        marked("proposition.subject: who", then=drop(proposition, "subject")),
        [(mark_line("proposition.subject: who"), "toCheck", "proposition.subject: who")],
    ),
    (
        "subject-missing-whole-proposition-marked",
        marked("proposition: all of it", then=drop(proposition, "subject")),
        [(mark_line("proposition: all of it"), "toCheck", "proposition: all of it")],
    ),
    (
        "property-missing",
        drop(proposition, "property"),
        [(PROPERTY, "proposition.property", None)],
    ),
    (
        "property-missing-marked",
        marked("proposition.property: which", then=drop(proposition, "property")),
        [(mark_line("proposition.property: which"), "toCheck", "proposition.property: which")],
    ),
    (
        "event-time-missing",
        drop(proposition, "eventTime"),
        [(EVENT_TIME, "proposition.eventTime", None)],
    ),
    (
        "event-time-missing-marked",
        marked("proposition.eventTime: when", then=drop(proposition, "eventTime")),
        [(mark_line("proposition.eventTime: when"), "toCheck", "proposition.eventTime: when")],
    ),
    (
        "subject-not-declared",
        put(proposition, subject="ent:nowhere"),
        [
            (
                f"The subject {ENT}nowhere is not declared: add it to the case's entities or "
                "sources with a name.",
                "proposition.subject",
                f"{ENT}nowhere",
            )
        ],
    ),
    (
        "value-not-declared",
        both(as_value, put(proposition, value="ent:nowhere")),
        [
            (
                f"The value {ENT}nowhere is not declared: add it to the case's entities or "
                "sources with a name.",
                "proposition.value",
                f"{ENT}nowhere",
            )
        ],
    ),
    (
        "quantitative-without-quantity",
        drop(proposition, "quantity"),
        [
            (
                "cl:displacedCount is quantitative: give the figure "
                "as 'quantity' (with lower/upper bounds and unit), not as 'value'.",
                "proposition.property",
                None,
            )
        ],
    ),
    (
        "entity-property-without-value",
        both(as_value, drop(proposition, "value")),
        [
            (
                "cl:controlledBy takes an entity: give 'value' (a "
                "place, force, group or concept), not a 'quantity'.",
                "proposition.property",
                None,
            )
        ],
    ),
    (
        "entity-property-without-value-marked",
        marked("proposition.value: whom", then=both(as_value, drop(proposition, "value"))),
        [(mark_line("proposition.value: whom"), "toCheck", "proposition.value: whom")],
    ),
    ("unit-missing", drop(quantity, "unit"), [(UNIT, "proposition.quantity.unit", None)]),
    (
        "unit-missing-marked",
        marked("proposition.quantity.unit: which", then=drop(quantity, "unit")),
        [
            (
                mark_line("proposition.quantity.unit: which"),
                "toCheck",
                "proposition.quantity.unit: which",
            )
        ],
    ),
    (
        "no-bound",
        drop(quantity, "lower", "upper"),
        [
            (
                "Give at least one bound ('lower' or 'upper'): a figure that bounds nothing "
                "cannot be compared.",
                "proposition.quantity",
                None,
            )
        ],
    ),
    (
        "exactly-with-a-range",
        put(quantity, qualifier="exactly"),
        [
            (
                "'exactly' means one figure: lower, upper and nominal must be equal.",
                "proposition.quantity.qualifier",
                None,
            )
        ],
    ),
    ("only-a-limit", put(quantity, qualifier="only"), []),
    (
        "unknown-qualifier",
        put(quantity, qualifier="few"),
        [
            (
                "Say how vague the figure is in 'qualifier': exactly, about, lessThan, atMost, "
                "moreThan, atLeast, nearly, several, many, only or between.",
                "proposition.quantity.qualifier",
                "'few'",
            )
        ],
    ),
    (
        "nominal-outside-bounds",
        put(quantity, qualifier="about", nominal=12000),
        [
            (
                "The figure as written (12000) lies outside the bounds given: check 'lower', "
                "'upper' and 'nominal'.",
                "proposition.quantity.nominal",
                None,
            )
        ],
    ),
    (
        "negative-lower",
        put(quantity, lower=-5),
        [
            (
                "Counts and distances cannot be negative: check 'lower'.",
                "proposition.quantity.lower",
                None,
            )
        ],
    ),
    (
        "time-without-bounds",
        drop(lambda doc: proposition(doc)["eventTime"], "earliest", "latest"),
        [
            (
                "Give at least one of 'earliest' and 'latest': a time with no bounds cannot be "
                "compared. When the report gives no bound on when it happened, write "
                "'eventTime: unknown'.",
                "proposition.eventTime",
                None,
            )
        ],
    ),
    (
        "time-without-bounds-marked",
        marked(
            "proposition.eventTime: when exactly",
            then=drop(lambda doc: proposition(doc)["eventTime"], "earliest", "latest"),
        ),
        [
            (
                mark_line("proposition.eventTime: when exactly"),
                "toCheck",
                "proposition.eventTime: when exactly",
            )
        ],
    ),
    (
        "suffix-not-matching",
        put(lambda doc: quote(doc)["selector"][0], suffix=" etter at syriske XX"),
        [
            (
                'The quote\'s suffix " etter at syriske XX" is not the text just after it in '
                "the document: correct the suffix.",
                "quote.selector",
                None,
            )
        ],
    ),
    ("translation-missing", drop(quote, "translation"), [(TRANSLATION, "quote.translation", None)]),
    # --- model v2 (issue #12)
    (
        "scope-on-an-entity-property",
        both(as_value, put(proposition, scope={"kind": "periodCount"})),
        [
            (
                "Only a count or another quantity has a 'scope'; cl:controlledBy is not "
                "quantitative: remove 'scope' (or use 'eventTime' for when it held).",
                "proposition.scope",
                None,
            )
        ],
    ),
    (
        "running-total-without-since",
        put(proposition, scope={"kind": "runningTotal", "until": NOV30}),
        [
            (
                "A running total counts from a start: give 'since' (when the counting began), "
                "or use kind periodCount or eventTotal.",
                "proposition.scope.since",
                None,
            )
        ],
    ),
    (
        "scope-since-after-until",
        put(proposition, scope={"kind": "periodCount", "since": NOV30, "until": NOV1}),
        [
            (
                "The scope starts (2016-11-30) after it ends (2016-11-01): 'since' must not be "
                "after 'until'; swap them or correct one.",
                "proposition.scope.until",
                None,
            )
        ],
    ),
    (
        "scope-from-a-day-until-the-same-day",
        put(proposition, scope={"kind": "periodCount", "since": NOV30, "until": dict(NOV30)}),
        [],
    ),
    (
        "degree-on-a-count",
        put(proposition, degree="partial"),
        [
            (
                "'degree' says how firmly a force controls a place: it goes only with "
                "'property: controlledBy', not cl:displacedCount.",
                "proposition.degree",
                "cl:partial",
            )
        ],
    ),
    ("degree-on-control", both(as_value, put(proposition, degree="contested")), []),
    (
        "among-others-on-a-count",
        put(proposition, amongOthers=True),
        [
            (
                "'amongOthers' says the value is one of several answers of an exclusive property "
                "(meansUsed, perpetratedBy, controlledBy ...): it does not go with "
                "cl:displacedCount; remove it.",
                "proposition.amongOthers",
                None,
            )
        ],
    ),
    ("among-others-on-an-answer", both(as_value, put(proposition, amongOthers=True)), []),
    (
        "among-others-not-a-boolean",
        both(as_value, put(proposition, amongOthers="yes")),
        [
            (
                "'amongOthers' is true (the value is one answer among possibly several) or "
                "false (the answer; the default).",
                "proposition.amongOthers",
                "yes",
            )
        ],
    ),
    ("held-throughout-on-a-state", both(as_value, put(proposition, heldThroughout=True)), []),
    (
        "held-throughout-on-a-count",
        put(proposition, heldThroughout=True),
        [
            (
                "'heldThroughout' says a state (controlledBy, or another exclusive property of a "
                "place or a force) held over a whole period; cl:displacedCount is not such a "
                "state: remove it.",
                "proposition.heldThroughout",
                None,
            )
        ],
    ),
    (
        "held-throughout-of-an-unknown-time",
        both(as_value, put(proposition, heldThroughout=True, eventTime="unknown")),
        [
            (
                "'heldThroughout' needs the period in 'eventTime' (earliest and latest day); the "
                "event time is unknown here: give the period or remove 'heldThroughout'.",
                "proposition.heldThroughout",
                None,
            )
        ],
    ),
    (
        "only-answer-on-a-count",
        put(proposition, onlyAnswer=True),
        [
            (
                "'onlyAnswer' says the value is the only answer of an exclusive property "
                "(meansUsed, perpetratedBy ...): it does not go with cl:displacedCount; remove it.",
                "proposition.onlyAnswer",
                None,
            )
        ],
    ),
    ("only-answer-on-an-answer", both(as_value, put(proposition, onlyAnswer=True)), []),
    (
        "only-answer-and-among-others",
        both(as_value, put(proposition, onlyAnswer=True, amongOthers=True)),
        [
            (
                "A value cannot be both the only answer ('onlyAnswer') and one answer among "
                "others ('amongOthers'): keep the one the source's words say.",
                "proposition.onlyAnswer",
                None,
            )
        ],
    ),
    (
        "area-share-without-controller",
        as_area_share(controller=None),
        [
            (
                "A share of an area is held by someone: name the force in 'controller' "
                "(areaShareControlled gives the share of the place that force holds).",
                "proposition.controller",
                None,
            )
        ],
    ),
    (
        "area-share-controller-not-declared",
        as_area_share(controller="ent:nobody"),
        [
            (
                f"The controller {ENT}nobody is not declared: add it to the case's entities "
                "with a name.",
                "proposition.controller",
                f"{ENT}nobody",
            )
        ],
    ),
    (
        "controller-on-a-count",
        put(proposition, controller="ent:government-forces"),
        [
            (
                "'controller' goes only with 'property: areaShareControlled'; for who holds a "
                "place use 'property: controlledBy' with the force as 'value'.",
                "proposition.controller",
                f"{ENT}government-forces",
            )
        ],
    ),
    (
        "percent-above-100",
        as_area_share(controller="ent:government-forces", upper=101),
        [
            (
                "A percentage lies between 0 and 100; 101 does not: check the bounds, or the unit.",
                "proposition.quantity.upper",
                "101",
            )
        ],
    ),
    ("percent-at-100", as_area_share(controller="ent:government-forces", upper=100), []),
    (
        "event-time-neither-span-nor-unknown",
        put(proposition, eventTime="ent:some-day"),
        [
            (
                "'eventTime' is a time span (earliest, latest, precision) or, when the report "
                f"gives no bound on when it happened, the word 'unknown'; {ENT}some-day is "
                "neither.",
                "proposition.eventTime",
                f"{ENT}some-day",
            )
        ],
    ),
    ("event-time-unknown", put(proposition, eventTime="unknown"), []),
    (
        "hedge-without-phrase",
        put(claim_of, hedge=[{"kind": "reportedly"}]),
        [
            (
                "Keep the outlet's own words for the hedge in 'phrase', with their language "
                "(phrase: {en: 'could not be independently verified'}).",
                "hedge.phrase",
                None,
            )
        ],
    ),
    ("declared-property-used", declare_evacuees(with_id=True), []),
    (
        "declared-property-without-id",
        declare_evacuees(with_id=False),
        [
            (
                "A declared property needs an IRI ('id', a prefixed name such as "
                "case:onBoardCount) so that propositions can name it.",
                None,
                None,
            ),
            (PROPERTY, "proposition.property", f"{ALEPPO}property/evacueeCount"),
        ],
    ),
    (
        "kind-outside-scope-and-hedge",
        put(claim_of, kind="eventTotal"),
        [
            (
                "'kind' is not a field here: remove it or check its spelling",
                "kind",
                "cl:eventTotal",
            ),
            (
                "'kind' (cl:eventTotal) belongs inside a proposition's 'scope' or a claim's "
                "'hedge': move it there or remove it.",
                "kind",
                "cl:eventTotal",
            ),
        ],
    ),
    (
        "translation-missing-marked",
        marked("quote.translation: needed", then=drop(quote, "translation")),
        [(mark_line("quote.translation: needed"), "toCheck", "quote.translation: needed")],
    ),
]


def problems(
    files: list[Path], context: list[Path], engine: str
) -> list[tuple[str, str | None, str | None]]:
    report = validate_batch(load_paths(files), [load_paths(context)], engine=engine)
    return [(p.message, p.field, p.value) for p in report.problems]


def write(tmp_path: Path, source: Path, edit: Edit) -> Path:
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    edited = copy.deepcopy(doc)
    edit(edited)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(edited, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in CLAIM_CASES], ids=[c[0] for c in CLAIM_CASES]
)
def test_each_claim_check_reports_its_problem(
    tmp_path: Path, engine: str, edit: Edit, expected: list[tuple[str, str | None, str | None]]
) -> None:
    """One edit of the valid claim gives exactly the expected problems (and a mark, only it)."""
    path = write(tmp_path, VALID, edit)
    found = problems([path], [SOURCES, ENTITIES], engine)
    for message, field, value in expected:
        if message.endswith("("):  # a long message: its start is enough
            hits = [f for f in found if f[0].startswith(message) and f[1:] == (field, value)]
            assert len(hits) == 1, found
            found.remove(hits[0])
        else:
            assert (message, field, value) in found
            found.remove((message, field, value))
    assert found == []


def new_source(**fields: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        doc["@graph"].append({"id": "src:new-source", "name": {"en": "New source"}, **fields})

    return edit


ORG = {"type": "Organization"}
ALIGNED = {"alignment": "Independent", "alignmentRationale": "Says so."}

#: (id, a source added to the registry, [(message, field, value)] expected)
SOURCE_CASES: list[tuple[str, Edit, list[tuple[str, str | None, str | None]]]] = [
    (
        "organisation-without-kind",
        new_source(**ORG, **ALIGNED),
        [
            (
                "Give the organisation's kind in 'sourceKind' (StateMedia, Broadcaster, "
                "MonitoringGroup, NewsAgency, UNAgency, Ministry, …).",
                None,
                None,
            )
        ],
    ),
    (
        "organisation-without-kind-marked",
        new_source(**ORG, **ALIGNED, toCheck=["sourceKind: which"]),
        [(mark_line("sourceKind: which"), "toCheck", "sourceKind: which")],
    ),
    (
        "without-alignment",
        new_source(**ORG, sourceKind="NewsOutlet"),
        [
            (
                "Record the source's alignment ('alignment' in every conflict, or 'alignmentIn' "
                "for the case's conflict) with its rationale: independence between sources is "
                "decided from it. A person may instead act on behalf of an organisation that "
                "has one.",
                None,
                None,
            )
        ],
    ),
    (
        "person-aligned-through-the-organisation",
        new_source(type="Person", actedOnBehalfOf="src:sohr"),
        [],
    ),
    (
        "checker-without-alignment",
        new_source(**ORG, sourceKind="Checker"),
        [],
    ),
    (
        "alignment-without-rationale",
        new_source(**ORG, sourceKind="NewsOutlet", alignment="Independent"),
        [
            (
                "Explain the alignment in 'alignmentRationale' (ownership, funding, stated "
                "position), so a reader can dispute it.",
                "alignment",
                None,
            )
        ],
    ),
    (
        "acting-for-an-unknown-organisation",
        new_source(type="Person", actedOnBehalfOf="src:nobody", **ALIGNED),
        [
            (
                f"{SRC}nobody ('actedOnBehalfOf') is not an organisation in the source "
                "registry: add it with its name, kind and alignment.",
                "actedOnBehalfOf",
                f"{SRC}nobody",
            )
        ],
    ),
]


CONFLICT = {"id": "ent:battle-of-aleppo", "type": "Conflict", "name": {"en": "Battle of Aleppo"}}


def aligned_in(conflict: str, **alignment: Any) -> Edit:
    """A monitoring group aligned in ``conflict`` (declared as a Conflict alongside)."""

    def edit(doc: dict[str, Any]) -> None:
        doc["@graph"].append(CONFLICT)
        entry = {"conflict": conflict, **alignment}
        new_source(**ORG, sourceKind="MonitoringGroup", alignmentIn=[entry])(doc)

    return edit


WHY = {"en": "Counts victims on every side."}

SOURCE_CASES += [
    ("aligned-in-a-conflict", aligned_in(CONFLICT["id"], side="Independent", rationale=WHY), []),
    (
        "aligned-in-something-not-a-conflict",
        aligned_in("ent:aleppo", side="Independent", rationale=WHY),
        [
            (
                "Name the conflict this alignment holds in, in 'conflict': an entity of type "
                "Conflict declared in the case's entities.",
                "conflict",
                f"{ENT}aleppo",
            )
        ],
    ),
    (
        "aligned-in-a-conflict-without-rationale",
        aligned_in(CONFLICT["id"], side="Opposition"),
        [
            (
                "Explain the alignment in 'rationale' with its language (ownership, funding, "
                "stated position), so a reader can dispute it.",
                "alignmentRationale",
                None,
            )
        ],
    ),
    (
        "kind-on-a-source",
        new_source(**ORG, **ALIGNED, sourceKind="NewsOutlet", kind="runningTotal"),
        [
            (
                "'kind' (cl:runningTotal) belongs inside a proposition's 'scope' or a claim's "
                "'hedge': move it there or remove it.",
                "kind",
                "cl:runningTotal",
            )
        ],
    ),
]


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in SOURCE_CASES], ids=[c[0] for c in SOURCE_CASES]
)
def test_each_source_check_reports_its_problem(
    tmp_path: Path, engine: str, edit: Edit, expected: list[tuple[str, str | None, str | None]]
) -> None:
    """A source added to the registry gives exactly the expected problems.

    SourceShape's node-level sh:message is attached to its SPARQL results too (by both
    engines); the problem shows the constraint's own message, whatever the string hashing.
    """
    path = write(tmp_path, SOURCES, edit)
    found = problems([VALID], [path, ENTITIES], engine)
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_the_same_input_gives_the_same_problems_in_every_process(
    tmp_path: Path, engine: str
) -> None:
    """Problems do not depend on the process's string hashing (PYTHONHASHSEED): the message a
    result shows, which of two equal problems is kept, and their order are fixed."""
    import os
    import subprocess
    import sys

    sources = write(
        tmp_path,
        SOURCES,
        new_source(**ORG, sourceKind="NewsOutlet", alignment="Independent"),  # no rationale
    )
    outputs = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        env["PYTHONPATH"] = os.pathsep.join([str(EXAMPLE.parent.parent), env.get("PYTHONPATH", "")])
        command = [sys.executable, "-m", "ledger", "validate", str(VALID), "--context"]
        command += [str(sources), "--context", str(ENTITIES), "--engine", engine]
        done = subprocess.run(command + ["--format", "json"], capture_output=True, env=env)
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert b"Explain the alignment in 'alignmentRationale'" in outputs.pop()


# --------------------------------------------------------------------------- how things nest


def new_entity(**fields: Any) -> Edit:
    """An invented entity, in a registry file of its own beside the example's entities."""

    def edit(doc: dict[str, Any]) -> None:
        doc["@graph"] = [{"id": "ent:new-thing", "name": {"en": "New thing"}, **fields}]

    return edit


NOT_A_CONCEPT = (
    "'broader' names a more general Concept declared in the case's entities (type Concept)."
)
NOT_PART_OF = (
    "'partOf' is for a place (the larger place it lies in) or a force (the larger force or "
    "coalition it is part of); a concept under a more general one uses 'broader'."
)
NOT_BROADER = (
    "'broader' links a Concept to a more general Concept (sarin: a nerve agent); a place or a "
    "force that is part of a larger one uses 'partOf'."
)
NOT_A_SCHEME = (
    "'inScheme' names a part of the question declared in the case's entities (type "
    "ConceptScheme, with a name)."
)
NOT_IN_SCHEME = (
    "'inScheme' puts a Concept in the part of a question it answers (sarin: the agent used); "
    "only a Concept (type Concept) goes in a scheme."
)
ENTITY_CASES: list[tuple[str, Edit, list[tuple[str, str | None, str | None]]]] = [
    ("a-part-of-the-question", new_entity(type="ConceptScheme", severalAtOnce=True), []),
    (
        "a-part-of-the-question-several-not-a-boolean",
        new_entity(type="ConceptScheme", severalAtOnce="often"),
        [
            (
                "'severalAtOnce' is true (several of the scheme's concepts can hold at once: two "
                "agents in one attack) or false (one at a time; the default).",
                "severalAtOnce",
                "often",
            )
        ],
    ),
    (
        "concept-in-a-force",
        new_entity(type="Concept", inScheme="ent:rebels"),
        [(NOT_A_SCHEME, "inScheme", f"{ENT}rebels")],
    ),
    (
        "force-in-a-scheme",
        new_entity(type="Force", inScheme="ent:rebels"),
        [(NOT_IN_SCHEME, None, None), (NOT_A_SCHEME, "inScheme", f"{ENT}rebels")],
    ),
    ("force-part-of-a-force", new_entity(type="Force", partOf="ent:rebels"), []),
    (
        "force-part-of-a-place",
        new_entity(type="Force", partOf="ent:aleppo"),
        [
            (
                "'partOf' of a force names a larger force or coalition it is part of: an entity "
                "of type Force declared in the case's entities.",
                "partOf",
                f"{ENT}aleppo",
            )
        ],
    ),
    (
        "place-part-of-a-force",
        new_entity(type="Place", partOf="ent:rebels"),
        [("'partOf' names the one larger place this place lies in.", "partOf", f"{ENT}rebels")],
    ),
    (
        "concept-part-of-a-concept",
        new_entity(type="Concept", partOf="ent:outside-backers"),
        [(NOT_PART_OF, None, None)],
    ),
    ("concept-under-a-concept", new_entity(type="Concept", broader="ent:outside-backers"), []),
    (
        "concept-under-a-force",
        new_entity(type="Concept", broader="ent:rebels"),
        [(NOT_A_CONCEPT, "broader", f"{ENT}rebels")],
    ),
    (
        "force-under-a-force",
        new_entity(type="Force", broader="ent:rebels"),
        [(NOT_BROADER, None, None), (NOT_A_CONCEPT, "broader", f"{ENT}rebels")],
    ),
]


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in ENTITY_CASES], ids=[c[0] for c in ENTITY_CASES]
)
def test_each_nesting_check_reports_its_problem(
    tmp_path: Path, engine: str, edit: Edit, expected: list[tuple[str, str | None, str | None]]
) -> None:
    """A place nests in a place, a force in a force (partOf), a concept under a concept
    (broader): an entity added to the registry gives exactly the expected problems."""
    path = write(tmp_path, ENTITIES, edit)
    found = problems([VALID], [SOURCES, ENTITIES, path.rename(path.with_name("new.yaml"))], engine)
    assert sorted(found) == sorted(expected)
