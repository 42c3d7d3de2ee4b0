"""Any claim file `add` accepts leaves every reading command working (issue #16, item 1).

Hypothesis writes a whole case folder (article, entities, sources, claims) with hostile but legal
values: figures at claim-ledger's limits (|x| just below 10^15, six decimals, zero, negatives),
open and closed bounds, every accepted form of date and time, an unknown event time, odd Unicode
(right-to-left text, combining marks, emoji, markup, template and format syntax) in statements,
names and quotes, one subject with several properties and places, relays, `derivedFrom` chains
and a retraction. For each case `add` (through the command line) either refuses it, and the
example is discarded, or accepts it; then every analysis command, `report` (HTML and Markdown),
every `export`, `query` and the `serve` site must answer (exit 0, HTTP 200) without a traceback
or an internal error.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from ledger.chain import store
from ledger.cli import main
from ledger.publish import site

CASE = "https://w3id.org/claim-ledger/case/prop-case/"
CONTEXT = [
    "https://w3id.org/claim-ledger/context.jsonld",
    {
        "pc": CASE,
        "src": "https://w3id.org/claim-ledger/source/",
        "ent": "https://w3id.org/claim-ledger/entity/",
    },
]
CLAIM_QUERY = (
    "SELECT ?claim ?statement WHERE { ?claim a <https://w3id.org/claim-ledger/ns#Claim> ; "
    "<https://w3id.org/claim-ledger/ns#statement> ?statement } ORDER BY ?claim LIMIT 20"
)
#: Words that must never reach a user: a bug's traceback, or the CLI's catch-all message.
CRASH_WORDS = ("Traceback", "internal error")

# --------------------------------------------------------------------------- values

#: Text a user may paste: right-to-left scripts and marks, combining marks, emoji (with joiners
#: and skin tones), markup, template and format syntax, quotes and backslashes.
HOSTILE_WORDS = [
    "قال المرصد",
    "\u200f\u05e9\u05dc\u05d5\u05dd\u200f",
    "e\u0301\u0301\u0301",
    "Z\u0351\u0352\u0353a\u0354\u0355lgo",
    "👩🏽\u200d🚒",
    "🇸🇾",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "{{ config }}",
    "{% raw %}",
    "%s %d %(name)s",
    "${jndi:x}",
    "\\n\\u0000",
    "'\"`",
    "&amp; &lt;",
    "| a | b |",
    "*bold* _it_ [link](javascript:alert(3))",
    "ﬁ ﬂ Ⅻ ½",
    "日本語の文",
    "Ελληνικά",
    "кириллица",
    "\u00a0non-breaking\u2009thin",
    "…",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_WORDS),
        st.text(
            alphabet=st.characters(
                categories=["Lu", "Ll", "Lo", "Mn", "Nd", "Po", "Ps", "Pe", "Sm", "So", "Sc"]
            ),
            min_size=1,
            max_size=8,
        ),
    ),
    min_size=1,
    max_size=4,
).map(lambda words: " ".join(words))

LIMIT = Decimal("999999999999999.999999")
#: Figures at the edges of claim-ledger's limit (|x| < 10^15, at most six decimals).
EDGE_FIGURES = [
    Decimal(0),
    Decimal("0.000001"),
    Decimal("-0.000001"),
    Decimal(1),
    Decimal(-1),
    Decimal("999999999999999"),
    LIMIT,
    -LIMIT,
    Decimal("123456789.123456"),
    Decimal("0.5"),
]
figures = st.one_of(
    st.sampled_from(EDGE_FIGURES),
    # the shapes refuse negative counts, lengths and durations: negatives come from the edges
    st.decimals(min_value=0, max_value=LIMIT, places=6, allow_nan=False),
    st.integers(min_value=0, max_value=10**6).map(Decimal),
)


@dataclass(frozen=True)
class PropertyKind:
    """A built-in property the generated claims use, with what its proposition needs."""

    name: str
    subject: str  # which entity pool: "group", "event", "force", "place"
    units: tuple[str, ...] = ()  # quantitative: its units
    value: str = ""  # an entity value: "force", "place"


PROPERTIES = [
    PropertyKind("displacedCount", "group", units=("person",)),
    PropertyKind("killedCount", "event", units=("person",)),
    PropertyKind("distanceFrom", "force", units=("metre", "kilometre")),
    PropertyKind("separationDuration", "group", units=("day", "month", "year")),
    PropertyKind("areaShareControlled", "place", units=("percent",)),
    PropertyKind("controlledBy", "place", value="force"),
    PropertyKind("fledTo", "group", value="place"),
    PropertyKind("presentIn", "force", value="place"),
]
ENTITIES = {
    "group": ("ent:pc-civilians", "ent:pc-families"),
    "event": ("ent:pc-strike",),
    "force": ("ent:pc-army", "ent:pc-rebels"),
    "place": ("ent:pc-city", "ent:pc-east", "ent:pc-camp"),
}
QUALIFIERS = ["exactly", "about", "lessThan", "atMost", "moreThan", "atLeast", "nearly", "several",
              "many", "between"]  # fmt: skip
PRECISIONS = ["instantPrecision", "hourPrecision", "partOfDayPrecision", "dayPrecision",
              "weekPrecision", "monthPrecision", "yearPrecision", "vaguePrecision"]  # fmt: skip


@st.composite
def quantities(draw: st.DrawFn, kind: PropertyKind) -> dict[str, Any]:
    """A quantity with open or closed bounds at the limits (ordered: the shapes refuse others)."""
    a, b = draw(figures), draw(figures)
    if kind.units == ("percent",):  # a share of an area: the shapes keep it within 0-100
        a, b = abs(a) % 101, abs(b) % 101
    lower, upper = min(a, b), max(a, b)
    bounds = draw(st.sampled_from(["closed", "open-upper", "open-lower", "point"]))
    quantity: dict[str, Any] = {
        "phrase": {draw(st.sampled_from(["en", "ar", "nb"])): draw(hostile_text)},
        "qualifier": draw(st.sampled_from(QUALIFIERS)),
        "unit": draw(st.sampled_from(kind.units)),
    }
    if bounds in ("closed", "open-upper"):
        quantity["lower"] = lower
    if bounds in ("closed", "open-lower"):
        quantity["upper"] = upper
    if bounds == "point" or quantity["qualifier"] == "exactly":  # exactly: one figure
        quantity["lower"] = quantity["upper"] = lower
    if draw(st.booleans()):
        quantity["nominal"] = quantity.get("lower", quantity.get("upper"))
    return quantity


#: A time bound as written: a date, a date-time (with or without zone or fraction), or typed.
@st.composite
def time_bound(draw: st.DrawFn, day: str) -> Any:
    form = draw(st.sampled_from(["date", "datetime", "zulu", "offset", "fraction", "typed"]))
    clock = draw(st.sampled_from(["00:00:00", "12:30:00", "23:59:59"]))
    if form == "date":
        return day
    if form == "datetime":
        return f"{day}T{clock}"
    if form == "zulu":
        return f"{day}T{clock}Z"
    if form == "offset":
        return f"{day}T{clock}{draw(st.sampled_from(['+05:30', '-11:00', '+14:00']))}"
    if form == "fraction":
        return f"{day}T{clock}.123456"
    return {"@value": f"{day}T{clock}", "@type": "xsd:dateTime"}


#: Days near one another (so that claims meet in time and get compared) and at the calendar's ends.
DAYS = ["2016-11-27", "2016-11-28", "2016-11-30", "2016-12-01", "0001-01-01", "9999-12-31",
        "2000-02-29"]  # fmt: skip


@st.composite
def time_spans(draw: st.DrawFn, unknown_allowed: bool) -> Any:
    """A time span (ordered), one bound only, or `unknown` where an event time may be."""
    if unknown_allowed and draw(st.integers(0, 5)) == 0:
        return "unknown"
    first, second = sorted(draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=2)))
    span: dict[str, Any] = {}
    which = draw(st.sampled_from(["both", "earliest", "latest"]))
    if which in ("both", "earliest"):
        span["earliest"] = draw(time_bound(first))
    if which in ("both", "latest"):
        span["latest"] = draw(time_bound(second if which == "both" else first))
    precisions = PRECISIONS if first == second or which != "both" else [
        p for p in PRECISIONS if p != "dayPrecision"
    ]  # fmt: skip
    span["precision"] = draw(st.sampled_from(precisions))
    if draw(st.booleans()):
        span["phrase"] = {"en": draw(hostile_text)}
    return span


@st.composite
def scopes(draw: st.DrawFn, event: bool) -> dict[str, Any]:
    """The scope of a count: a period, a running total since a time, or a whole event."""
    kinds = ["periodCount", "runningTotal", *(["eventTotal"] if event else [])]
    scope: dict[str, Any] = {"kind": draw(st.sampled_from(kinds))}
    if scope["kind"] != "eventTotal":
        first, second = sorted(draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=2)))
        precision = "dayPrecision"
        scope["since"] = {"earliest": first, "latest": first, "precision": precision}
        if scope["kind"] == "periodCount" or draw(st.booleans()):
            scope["until"] = {"earliest": second, "latest": second, "precision": precision}
    if draw(st.booleans()):
        scope["phrase"] = {"en": draw(hostile_text)}
    return scope


@dataclass
class Case:
    """A generated case folder's parts, before they are written."""

    quotes: list[str] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)
    place_names: list[str] = field(default_factory=list)
    retract_first: bool = False
    supersede_last: bool = False


SOURCES = ["src:pc-monitor", "src:pc-ministry", "src:pc-person", "src:pc-wire", "src:pc-outlet"]


@st.composite
def claims(
    draw: st.DrawFn, number: int, case: Case, focus: PropertyKind, shared: dict[str, Any]
) -> dict[str, Any]:
    """One claim of the case, mostly on the case's focus property (so that claims meet); its
    quote's words go into the article."""
    focused = draw(st.integers(0, 2)) > 0
    kind = focus if focused else draw(st.sampled_from(PROPERTIES))
    subjects = ENTITIES[kind.subject]
    proposition: dict[str, Any] = {
        "subject": subjects[0] if focused else draw(st.sampled_from(subjects)),
        "property": kind.name,
    }
    if kind.units and focused and draw(st.booleans()):  # the case's shared figure, repeated
        proposition["quantity"] = dict(shared)
    elif kind.units:
        proposition["quantity"] = draw(quantities(kind))
    else:
        proposition["value"] = draw(st.sampled_from(ENTITIES[kind.value]))
    if kind.units == ("person",) and draw(st.booleans()):  # a count: its scope
        proposition["scope"] = draw(scopes(event=kind.subject == "event"))
    if kind.name == "areaShareControlled":
        proposition["controller"] = draw(st.sampled_from(ENTITIES["force"]))
    if kind.name == "controlledBy" and draw(st.booleans()):
        proposition["degree"] = draw(st.sampled_from(["full", "partial", "contested"]))
    if focused:  # about the same subject, place and property: compared with one another
        proposition["place"] = ENTITIES["place"][0]
    elif draw(st.booleans()):
        proposition["place"] = draw(st.sampled_from(ENTITIES["place"]))
    if draw(st.booleans()):
        proposition["placeCoverage"] = "whole"
    proposition["eventTime"] = draw(time_spans(unknown_allowed=True))
    source = draw(st.sampled_from([*SOURCES[:3], SOURCES[4]]))
    claim: dict[str, Any] = {
        "id": f"pc:claim/c{number}",
        "type": "Claim",
        "case": "pc:case",
        "statement": "Claim " + draw(hostile_text),
        "attributedTo": source,
        "reportedIn": "pc:article",
        "stance": draw(st.sampled_from(["asserts", "asserts", "denies"])),
        "proposition": proposition,
    }
    transmission = draw(st.sampled_from(["ownReporting", "wireRelay", "broadcast", "unstated"]))
    claim["transmission"] = transmission
    if transmission == "wireRelay":
        claim["relayedBy"] = "src:pc-wire"
    if draw(st.booleans()):
        claim["statedTime"] = draw(time_spans(unknown_allowed=False))
    if number and draw(st.booleans()):  # a chain: each may derive from the one before
        claim["derivedFrom"] = f"pc:claim/c{number - 1}"
    if draw(st.booleans()):
        claim["hedge"] = [
            {
                "kind": draw(st.sampled_from(["reportedly", "unverified", "alleged"])),
                "phrase": {"en": draw(hostile_text)},
            }
        ]
    exact = draw(hostile_text)
    start = sum(len(q) + 2 for q in case.quotes)  # quotes are joined by blank lines
    case.quotes.append(exact)
    quote: dict[str, Any] = {
        "source": "pc:article",
        "selector": [
            {"type": "TextQuoteSelector", "exact": exact},
            {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
        ],
    }
    # the article is not in English, so every quote needs its translation
    quote["translation"] = {"english": draw(hostile_text), "attributedTo": "src:pc-person"}
    claim["quote"] = [quote]
    return claim


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A case of 1-4 claims about few subjects, places and times, so that they meet."""
    case = Case()
    case.source_names = [draw(hostile_text) for _ in SOURCES]
    case.place_names = [draw(hostile_text) for _ in ENTITIES["place"]]
    focus = draw(st.sampled_from(PROPERTIES))
    shared = draw(quantities(focus)) if focus.units else {}
    for number in range(draw(st.integers(1, 4))):
        case.claims.append(draw(claims(number, case, focus, shared)))
    case.retract_first = draw(st.booleans())
    case.supersede_last = len(case.claims) > 1 and draw(st.booleans())
    return case


# --------------------------------------------------------------------------- writing the case


class _Dumper(yaml.SafeDumper):
    """YAML with decimals written as plain numbers, exactly as drawn, and no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    if "." in text:
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_scalar("tag:yaml.org,2002:int", text)


_Dumper.add_representer(Decimal, _decimal)


def _dump(path: Path, graph: list[dict[str, Any]]) -> None:
    text = yaml.dump({"@context": CONTEXT, "@graph": graph}, Dumper=_Dumper, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


def _named(iri: str, kind: str, name: str, **more: Any) -> dict[str, Any]:
    return {"id": iri, "type": kind, "name": {"en": name}, **more}


def write_case(case: Case, folder: Path) -> Path:
    """The case as a folder `add` takes: article.txt, entities, sources and claims."""
    folder.mkdir(parents=True)
    article = "\n\n".join(case.quotes)
    (folder / "article.txt").write_bytes(article.encode("utf-8"))
    city, east, camp = ENTITIES["place"]
    entities = [
        {
            "id": "pc:case",
            "type": "Case",
            "identifier": "prop-case",
            "name": {"en": "Generated case " + case.place_names[0]},
        },
        {
            "id": "pc:article",
            "type": ["Document", "NewsArticle"],
            "localCopy": "article.txt",
            "sha256": hashlib.sha256(article.encode("utf-8")).hexdigest(),
            "inLanguage": "ar",
            "datePublished": {"@value": "2016-11-30", "@type": "xsd:date"},
            "publisher": "src:pc-outlet",
            "headline": {"ar": case.place_names[1]},
        },
        _named(city, "Place", case.place_names[0]),
        _named(east, "Place", case.place_names[1], partOf=city),
        _named(camp, "Place", case.place_names[2], partOf=city),
        _named("ent:pc-civilians", "PeopleGroup", "civilians"),
        _named("ent:pc-families", "PeopleGroup", "families " + case.place_names[2]),
        _named("ent:pc-strike", "Event", "the strike"),
        _named("ent:pc-army", "Force", "army"),
        _named("ent:pc-rebels", "Force", "rebels"),
    ]
    monitor, ministry, person, wire, outlet = SOURCES
    sources = [
        {
            **_named(monitor, "Organization", case.source_names[0]),
            "sourceKind": "MonitoringGroup",
            "alignment": "Opposition",
            "alignmentRationale": {"en": "Runs " + case.source_names[0]},
        },
        {
            **_named(ministry, "Organization", case.source_names[1]),
            "sourceKind": "Ministry",
            "alignment": "ProGovernment",
            "alignmentRationale": {"en": "A ministry"},
        },
        {**_named(person, "Person", case.source_names[2]), "actedOnBehalfOf": ministry},
        {
            **_named(wire, "Organization", case.source_names[3]),
            "sourceKind": "NewsAgency",
            "alignment": "Independent",
            "alignmentRationale": {"en": "A wire agency"},
        },
        {
            **_named(outlet, "Organization", case.source_names[4]),
            "sourceKind": "NewsOutlet",
            "alignment": "Independent",
            "alignmentRationale": {"en": "An outlet"},
        },
    ]
    _dump(folder / "entities.yaml", entities)
    _dump(folder / "sources.yaml", sources)
    _dump(folder / "claims.yaml", case.claims)
    return folder


# --------------------------------------------------------------------------- the commands


def _ok(result: Result, command: list[str]) -> str:
    """The command's output, after asserting it exited 0 without a crash."""
    shown = f"{' '.join(command)} -> exit {result.exit_code}\n{result.output}"
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        shown += "".join(traceback.format_exception(*result.exc_info))
    assert result.exit_code == 0, shown
    for word in CRASH_WORDS:
        assert word not in result.output, shown
    return result.stdout


def _reading_commands(out: Path, claim: str, query: Path) -> Iterator[list[str]]:
    for listing in ("claims", "conflicts", "corroborations", "scope-warnings", "grade"):
        for fmt in ("table", "json"):
            yield [listing, "--status", "all", "--format", fmt]
    yield ["grade"]
    yield ["conflicts", "--as-of", "1"]
    yield ["log"]
    yield ["show", claim]
    yield ["verify"]
    for fmt in ("html", "md"):
        yield ["report", "--out", str(out / f"report-{fmt}"), "--format", fmt]
    for fmt in ("nquads", "trig", "claimreview", "prov", "csv"):
        yield ["export", "--format", fmt]
    yield ["export", "--format", "nanopub", "--creator", "https://example.org/checker"]
    yield ["query", str(query), "--format", "json"]
    yield ["verify", "--derived"]


def _serve(ledger: Path, words: str) -> None:
    """Every kind of page of the site answers 200, and no page shows an internal error."""
    app = site.create_app(store.open(ledger), timeout_s=20)
    with TestClient(app) as client:

        def get(path: str, **params: str) -> Any:
            response = client.get(path, params=params)
            shown = f"GET {path} {params} -> {response.status_code}\n{response.text[:2000]}"
            assert response.status_code == 200, shown
            for word in CRASH_WORDS:
                assert word not in response.text, shown
            return response

        overview = get("/index.json").json()
        assert isinstance(overview, dict)
        get("/")
        for listing in ("/claims", "/conflicts", "/corroborations", "/scope-warnings",
                        "/sources", "/documents"):  # fmt: skip
            rows = get(listing + ".json").json()["rows"]
            get(listing)
            for row in rows[:2]:
                if row.get("url", "").startswith("/"):
                    get(row["url"])
                    get(row["url"] + ".json")
        get("/claims", q=words)
        get("/claims.json", q=words)
        get("/sparql", query=CLAIM_QUERY, format="json")


_counter = itertools.count()


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(case=cases())
def test_every_command_answers_on_any_ledger_add_accepts(tmp_path: Path, case: Case) -> None:
    """Whatever `add` accepts, every reading command, report, export and the site still answer."""
    folder = tmp_path / f"example-{next(_counter)}"
    write_case(case, folder / "case")
    ledger = folder / "ledger"
    runner = CliRunner()

    def run(*arguments: str) -> Result:
        return runner.invoke(main, ["--ledger", str(ledger), *arguments], catch_exceptions=True)

    _ok(run("init"), ["init"])
    added = run("add", str(folder / "case"), "--by", "prop")
    assert "Traceback" not in added.output and "internal error" not in added.output, added.output
    assume(added.exit_code == 0)
    if case.retract_first:
        command = ["retract", "c0", "--reason", case.claims[0]["statement"], "--by", "prop"]
        _ok(run(*command), command)
    if case.supersede_last:  # the last claim (never the retracted one) corrected: a new statement
        last = case.claims[-1]
        correction = {**last, "id": last["id"] + "-corrected", "statement": "Corrected: " + (
            last["statement"])}  # fmt: skip
        _dump(folder / "correction.yaml", [correction])
        command = ["supersede", last["id"].rsplit("/", 1)[-1], str(folder / "correction.yaml"),
                   "--reason", last["statement"], "--by", "prop"]  # fmt: skip
        _ok(run(*command), command)
    query = folder / "claims.rq"
    query.write_text(CLAIM_QUERY, encoding="utf-8")
    for command in _reading_commands(folder, "c0", query):
        _ok(run(*command), command)
    for listing in ("conflicts", "corroborations", "scope-warnings"):  # what the examples met
        found = json.loads(_ok(run(listing, "--status", "all", "--format", "json"), [listing]))
        event(f"{listing}: {'some' if found else 'none'}")
    listed = ["claims", "--status", "all", "--format", "json"]
    assert len(json.loads(_ok(run(*listed), listed))) == len(case.claims) + case.supersede_last
    _serve(ledger, case.claims[-1]["statement"].split()[-1])
