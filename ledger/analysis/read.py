"""Read what the analysis compares from a pyoxigraph store: claims as records, the registry
around them, and the filters of the listing commands resolved against it.

Every query is a ``ledger/queries/*.rq`` file (never with GRAPH clauses: ``default_graph`` lists
the graphs visible as of some ledger entry; ``None`` reads the union of all graphs). What the
records mean and how they are judged is ``ledger.analysis.rules``; this module only reads.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ledger import resources
from ledger.analysis.rules import (
    HIGH,
    LOW,
    Agent,
    Claim,
    Ledger,
    day,
    instant,
    local_name,
    vocabulary,
)
from ledger.errors import UsageError
from ledger.vocab import CL_IRI

STATUSES = ("current", "retracted", "superseded", "all")

# --------------------------------------------------------------------------- running queries


def select(
    store: ox.Store,
    name: str,
    default_graph: Sequence[ox.NamedNode] | None,
    substitutions: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
) -> Iterator[dict[str, str]]:
    """Rows of ``ledger/queries/<name>.rq``; every value as text, unbound as ``""``.

    Results travel as SPARQL CSV: decoding them in one call is several times faster than
    reading pyoxigraph's solution objects one term at a time.
    """
    options: dict[str, Any] = {}
    if default_graph is None:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = list(default_graph)
    if substitutions:
        options["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
    result = store.query(resources.query(name), **options)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"ledger/queries/{name}.rq is not a SELECT query")
    data = result.serialize(format=ox.QueryResultsFormat.CSV) or b""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader, [])
    for row in reader:
        yield dict(zip(header, row, strict=True))


class Interner(dict[str, str]):
    """One ``str`` object per distinct IRI: a million claims share a few thousand IRIs."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


def _number(text: str) -> float | None:
    return float(text) if text else None


def claim_from_row(row: dict[str, str], iri: str, intern: Interner) -> Claim:
    """A claim record from a row of ``propositions.rq`` (or a candidates query); the model-v2
    fields come apart, from ``proposition-extras.rq`` (``add_extras``)."""
    earliest, latest = row["earliest"], row["latest"]
    start = earliest[:10] if earliest else LOW
    end = latest[:10] if latest else HIGH
    return Claim(
        iri=iri,
        source=intern[row["source"]],
        relayed_by=intern[row.get("relayedBy", "")],
        denies=row["denies"] == "true",
        subject=intern[row["subject"]],
        prop=intern[row["property"]],
        place=intern[row["place"]],
        value=intern[row["value"]],
        lower=_number(row["lower"]),
        upper=_number(row["upper"]),
        unit=intern[row["unit"]],
        qualifier=intern[local_name(row.get("qualifier", ""))],
        start=start,
        end=end,
        single_day=bool(earliest and latest and start == end),
        day_of_week=intern[row["dayOfWeek"]],
        relative_to=intern[row["relativeTo"]],
        stated_start=instant(row.get("statedEarliest", "")),
        stated_end=instant(row.get("statedLatest", ""), end=True),
    )


def add_extras(
    store: ox.Store,
    default_graph: Sequence[ox.NamedNode] | None,
    claims: Mapping[str, Claim],
) -> None:
    """Set the model-v2 fields (scope, unknown time, coverage, degree, controller, nominal,
    hedges) and the document of an outlet's own words of ``claims`` from
    ``proposition-extras.rq``: few claims carry them."""
    fields: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in select(store, "proposition-extras", default_graph):
        if row["claim"] in claims:
            fields[row["claim"]][row["field"]].append(row["value"])
    for iri, found in fields.items():
        _set_extras(claims[iri], {k: min(v) for k, v in found.items()}, found.get("hedge", []))


def _set_extras(claim: Claim, one: Mapping[str, str], hedges: Sequence[str]) -> None:
    since_earliest, since_latest = one.get("sinceEarliest", ""), one.get("sinceLatest", "")
    until_earliest, until_latest = one.get("untilEarliest", ""), one.get("untilLatest", "")
    claim.scope_kind = local_name(one.get("scopeKind", ""))
    claim.since_start = day(since_earliest or since_latest)
    claim.since_end = day(since_latest or since_earliest, end=True)
    claim.until_start = day(until_earliest or until_latest)
    claim.until_end = day(until_latest or until_earliest, end=True)
    claim.has_until = bool(until_earliest or until_latest)
    claim.time_unknown = one.get("timeUnknown", "") == "true"
    claim.whole = one.get("coverage", "") == CL_IRI + "whole"
    claim.among_others = one.get("amongOthers", "") == "true"
    claim.only_answer = one.get("onlyAnswer", "") == "true"
    claim.throughout = one.get("heldThroughout", "") == "true"
    claim.degree = local_name(one.get("degree", ""))
    claim.controller = one.get("controller", "")
    claim.nominal = _number(one.get("nominal", ""))
    claim.hedges = " ".join(sorted({local_name(h) for h in hedges}))
    claim.own_document = one.get("ownDocument", "")


def read_ledger(
    store: ox.Store, default_graph: Sequence[ox.NamedNode] | None = None, *, names: bool = True
) -> Ledger:
    """The registry, status, derivations and (unless ``names`` is false) names and cases."""
    ledger = Ledger()
    english: dict[str, str] = {}
    for row in select(store, "sources", default_graph):
        agent = ledger.agents.setdefault(row["agent"], Agent(row["agent"]))
        if row["name"] and (row["nameLanguage"] == "en" or not agent.name):
            agent.name = row["name"]
        agent.principal = agent.principal or row["actedOnBehalfOf"]
        agent.alignment = agent.alignment or row["alignment"]
    for row in select(store, "status", default_graph):
        if row["retractedAt"]:
            ledger.retracted.setdefault(row["claim"], row["retractedAt"])
        if row["supersededBy"]:
            revised = ledger.superseded.setdefault(row["claim"], [])
            if row["supersededBy"] not in revised:
                revised.append(row["supersededBy"])
    for row in select(store, "derivations", default_graph):
        parents = ledger.derived_from.setdefault(row["claim"], [])
        if row["derivedFrom"] not in parents:
            parents.append(row["derivedFrom"])
        for claim, written in (
            (row["claim"], row["claimWrittenAs"]),
            (row["derivedFrom"], row["derivedFromWrittenAs"]),
        ):
            if written:
                ledger.written_as.setdefault(claim, written)
    for row in select(store, "names", default_graph) if names else ():
        thing = row["thing"]
        if row["partOf"]:
            ledger.part_of.setdefault(thing, []).append(row["partOf"])
        elif row["alternate"] == "true":
            ledger.alternate_names.setdefault(thing, []).append(row["name"])
        elif row["nameLanguage"] == "en" or thing not in english:
            english[thing] = row["name"]
    ledger.names = english
    for row in select(store, "cases", default_graph) if names else ():
        ledger.cases[row["case"]] = row["identifier"]
    read_model_v2(store, default_graph, ledger)
    return ledger


def read_model_v2(
    store: ox.Store, default_graph: Sequence[ox.NamedNode] | None, ledger: Ledger
) -> None:
    """Declared properties, events, sides relative to a conflict (model v2), the concepts
    under more general ones (skos:broader) and the parts of a question they answer
    (skos:inScheme)."""
    for row in select(store, "declared-properties", default_graph):
        ledger.kinds.setdefault(row["property"], local_name(row["kind"]))
        if row["label"]:
            ledger.names.setdefault(row["property"], row["label"])
    ledger.events.update(row["event"] for row in select(store, "events", default_graph))
    for row in select(store, "broader", default_graph):
        ledger.broader.setdefault(row["concept"], []).append(row["broader"])
    for row in select(store, "schemes", default_graph):
        ledger.in_scheme.setdefault(row["concept"], []).append(row["scheme"])
        if row["several"] == "true":
            ledger.several_at_once.add(row["scheme"])
    for row in select(store, "alignments-in", default_graph):
        agent = ledger.agents.setdefault(row["agent"], Agent(row["agent"]))
        agent.sides.setdefault(row["conflict"], row["side"])
    if any(a.sides for a in ledger.agents.values()):
        for row in select(store, "claim-conflicts", default_graph):
            ledger.claim_conflict.setdefault(row["claim"], row["conflict"])


def read_claims(
    store: ox.Store, default_graph: Sequence[ox.NamedNode] | None = None
) -> dict[str, Claim]:
    """The comparable part of every visible claim, by claim IRI.

    Read one graph at a time (each ledger entry's graph holds whole claims): Oxigraph's hash
    joins then stay the size of an entry, not of the ledger (0.1 GiB instead of 0.8 GiB at
    100k claims), and scanning one graph's indexes is faster than scanning the union.
    """
    graphs: list[Any] = (
        list(default_graph)
        if default_graph is not None
        else [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]
    )
    intern = Interner()
    claims: dict[str, Claim] = {}
    for graph in graphs:
        for row in select(store, "propositions", [graph]):
            iri = row["claim"]
            # the same claim in two entries' graphs, or a claim with two values for one field,
            # gives two rows: keep one, the same one every time
            if iri in claims and _row_key(row) >= _row_key_of(claims[iri]):
                continue
            claims[iri] = claim_from_row(row, iri, intern)
    add_extras(store, default_graph, claims)
    return claims


def _row_key(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row.values())


def _row_key_of(claim: Claim) -> tuple[str, ...]:
    # rebuilt only on duplicates, which are rare
    return (
        claim.iri, claim.source, claim.relayed_by, "true" if claim.denies else "false",
        claim.subject, claim.prop, claim.place, claim.value,
    )  # fmt: skip


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """Which claims a command lists. Strings as the user typed them; ``None`` = no filter.

    ``case``: an identifier (``aleppo-2016-11``) or IRI; ``source``: an IRI or name (its members
    count); ``place``: an IRI or name (places ``partOf`` it count; the proposition's subject or
    place); ``property``: ``controlledBy`` or an IRI; ``time``: ``2016-11``, ``2016-11-20`` or
    ``2016-11-01/2016-11-30`` (the event time must meet it); ``status``: one of ``STATUSES``.
    """

    case: str | None = None
    source: str | None = None
    place: str | None = None
    property: str | None = None
    time: str | None = None
    status: str = "current"


@dataclass
class Selection:
    """Filters resolved against the ledger."""

    claims_in_case: set[str] | None
    source: str | None
    places: set[str] | None
    property: str | None
    window: tuple[str, str] | None
    statuses: set[str]

    def status_ok(self, ledger: Ledger, claim: str) -> bool:
        return ledger.status(claim) in self.statuses

    def matches(self, ledger: Ledger, claim: Claim) -> bool:
        if self.claims_in_case is not None and claim.iri not in self.claims_in_case:
            return False
        if self.source is not None and self.source not in ledger.chain(claim.source):
            return False
        if self.property is not None and claim.prop != self.property:
            return False
        if self.places is not None and not ({claim.subject, claim.place} & self.places):
            return False
        if self.window is not None:
            start, end = self.window
            if not (claim.start <= end and start <= claim.end):
                return False
        return True


def _is_iri(text: str) -> bool:
    return bool(re.match(r"^(https?://|urn:|tag:)", text))


def _resolve_name(ledger: Ledger, text: str, what: str, candidates: Iterable[str]) -> str:
    """The IRI a user means by ``text``: an IRI as given, else the thing with that name."""
    if _is_iri(text):
        return text
    wanted = text.casefold()
    found = sorted(
        {
            thing
            for thing in candidates
            if wanted == ledger.name(thing).casefold()
            or any(wanted == n.casefold() for n in ledger.alternate_names.get(thing, ()))
            or wanted == local_name(thing).casefold()
        }
    )
    if not found:
        raise UsageError(
            f"no {what} named {text!r} in the ledger",
            hint=f"give the {what}'s IRI, or one of its names as written in the registry",
        )
    if len(found) > 1:
        raise UsageError(
            f"{text!r} names several {what}s: " + ", ".join(found),
            hint=f"give the {what}'s IRI",
        )
    return found[0]


def _time_window(text: str) -> tuple[str, str]:
    """``2016``, ``2016-11``, ``2016-11-20`` or ``start/end`` as (first day, last day)."""
    parts = text.split("/")
    if len(parts) > 2 or not all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", p) for p in parts):
        raise UsageError(
            f"time {text!r} is not a date, a month, a year or start/end",
            hint="e.g. --time 2016-11, --time 2016-11-20, --time 2016-11-19/2016-11-20",
        )
    first, last = parts[0], parts[-1]
    start = first + "-01-01"[len(first) - 4 :] if len(first) < 10 else first
    end = last + "-12-31"[len(last) - 4 :] if len(last) < 10 else last
    # "2016-11" ends on "2016-11-31": day strings compare as text, and 31 is after every last day
    return start, end


def select_claims(
    store: ox.Store,
    default_graph: Sequence[ox.NamedNode] | None,
    ledger: Ledger,
    filters: Filters,
    claims: dict[str, Claim],
) -> Selection:
    if filters.status not in STATUSES:
        raise UsageError(
            f"status {filters.status!r} is not one of {', '.join(STATUSES)}",
        )
    statuses = (
        {"current", "retracted", "superseded"} if filters.status == "all" else {filters.status}
    )
    claims_in_case: set[str] | None = None
    if filters.case is not None:
        case = filters.case
        if not _is_iri(case):
            matching = [iri for iri, ident in ledger.cases.items() if ident == case]
            if not matching:
                known = ", ".join(sorted(filter(None, ledger.cases.values()))) or "none"
                raise UsageError(f"no case {case!r} in the ledger", hint=f"cases: {known}")
            case = matching[0]
        claims_in_case = {
            row["claim"]
            for row in select(store, "claims-in-case", default_graph, {"case": ox.NamedNode(case)})
        }
    source = None
    if filters.source is not None:
        source = _resolve_name(ledger, filters.source, "source", ledger.agents)
    places = None
    if filters.place is not None:
        entities = set(ledger.names) | set(ledger.part_of)
        place = _resolve_name(ledger, filters.place, "place", entities)
        places = {place} | _parts(ledger, place)
    prop = None
    if filters.property is not None:
        prop = filters.property
        if not _is_iri(prop):
            prop = CL_IRI + prop.removeprefix("cl:")
        if prop not in vocabulary().kinds and prop not in ledger.kinds:
            names = ", ".join(sorted(local_name(k) for k in {*vocabulary().kinds, *ledger.kinds}))
            raise UsageError(f"unknown property {filters.property!r}", hint=f"one of: {names}")
    window = _time_window(filters.time) if filters.time is not None else None
    return Selection(claims_in_case, source, places, prop, window, statuses)


def _parts(ledger: Ledger, place: str) -> set[str]:
    """Every place that lies in ``place``, through cl:partOf."""
    inside: dict[str, list[str]] = defaultdict(list)
    for part, wholes in ledger.part_of.items():
        for whole in wholes:
            inside[whole].append(part)
    found: set[str] = set()
    todo = [place]
    while todo:
        for part in inside.get(todo.pop(), ()):
            if part not in found:
                found.add(part)
                todo.append(part)
    return found


def graph_options(default_graph: Sequence[ox.NamedNode] | None) -> dict[str, Any]:
    """The query options that read ``default_graph`` (``None``: the union of all graphs)."""
    if default_graph is None:
        return {"use_default_graph_as_union": True}
    return {"default_graph": list(default_graph)}
