"""Compare claims: conflicts, corroborations, credibility grades, and a user's own query.

The claims are read from a pyoxigraph ``Store`` with the SPARQL queries of ``ledger/queries/``
(never with GRAPH clauses: ``default_graph`` lists the graphs visible as of some ledger entry;
``None`` reads the union of all graphs). One query reads the comparable part of every claim
once; the claims are then paired only within their comparison key (same subject and property,
and the same place when both give one), and each pair is judged by the rules below. The rules
are written out in ``SEMANTICS`` (README text) and in the docstrings of ``_judge`` and ``grade``.

Every function returns flat rows (``dict`` keyed by column name), sorted, ready for
``ledger.publish.output.rows``.

``find_conflicts``, ``find_corroborations``, ``grade_claims`` and ``conflicts_for_batch`` take
``findings=PATH``: the derived findings file of ``ledger.analysis.findings``, caught up with the
store
before it answers (the same rows, without recomputing the ledger). Without it, or with
``default_graph`` (``--as-of``), everything is recomputed from the store as described here.
"""

from __future__ import annotations

import bisect
import csv
import io
import multiprocessing
import multiprocessing.connection
import os
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox

from ledger import resources
from ledger.errors import InputError, LedgerError, UnsafeInputError, UsageError
from ledger.vocab import CL_IRI

PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

STATUSES = ("current", "retracted", "superseded", "all")
CLAIM_COLUMNS = (
    "claim", "status", "case", "source", "relayed_by", "stance", "subject", "property",
    "value", "quantity", "place", "event_time", "derived_from", "statement",
)  # fmt: skip
CONFLICT_COLUMNS = (
    "claim_a", "source_a", "claim_b", "source_b", "property", "relation", "type", "reason",
    "independence", "independence_reason",
)  # fmt: skip
CORROBORATION_COLUMNS = (
    "claim_a", "source_a", "claim_b", "source_b", "property", "match", "kind", "reason",
)  # fmt: skip
GRADE_COLUMNS = (
    "claim", "source", "credibility", "grade", "reliability", "independent_support",
    "other_support", "independent_conflicts", "other_conflicts", "reasons",
)  # fmt: skip
CREDIBILITY = {
    1: "confirmed by independent sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}
#: Source reliability (A-F) is a checker's judgement; claim-ledger records none yet.
UNJUDGED_RELIABILITY = "F"

_LOW, _HIGH = "", "9999-99-99"  # open ends of a time span, compared as day strings


# --------------------------------------------------------------------------- the ontology


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology says that the ledger does not carry: kinds, unit factors, labels."""

    kinds: dict[str, str]  # property IRI -> "Exclusive" | "Quantitative" | "Plain"
    factors: dict[str, float]  # unit IRI -> factor to the base unit of its dimension
    dimensions: dict[str, str]  # unit IRI -> dimension IRI
    labels: dict[str, str]  # term IRI -> English label


@cache
def vocabulary() -> Vocabulary:
    """Property kinds, unit factors and labels, read once from ``ontology/claim-ledger.ttl``."""
    text = resources.read_text(resources.ontology_dir(), "claim-ledger.ttl")
    kinds: dict[str, str] = {}
    factors: dict[str, float] = {}
    dimensions: dict[str, str] = {}
    labels: dict[str, str] = {}
    for triple in ox.parse(text, format=ox.RdfFormat.TURTLE):
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == CL_IRI + "propertyKind":
            kinds[s.value] = o.value.removeprefix(CL_IRI)
        elif p == CL_IRI + "toBase":
            factors[s.value] = float(o.value)
        elif p == CL_IRI + "dimension":
            dimensions[s.value] = o.value
        elif p == RDFS_LABEL and isinstance(o, ox.Literal) and o.language == "en":
            labels[s.value] = o.value
    return Vocabulary(kinds, factors, dimensions, labels)


# --------------------------------------------------------------------------- running queries


def _select(
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


class _Interner(dict[str, str]):
    """One ``str`` object per distinct IRI: a million claims share a few thousand IRIs."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


# --------------------------------------------------------------------------- claims as records


@dataclass(slots=True)
class Claim:
    """The comparable part of one claim (times as day strings, bounds in the stated unit)."""

    iri: str
    source: str
    relayed_by: str
    denies: bool
    subject: str = ""
    prop: str = ""
    place: str = ""
    value: str = ""
    lower: float | None = None
    upper: float | None = None
    unit: str = ""
    start: str = _LOW
    end: str = _HIGH
    single_day: bool = False
    day_of_week: str = ""
    relative_to: str = ""
    stated_start: str = _LOW
    stated_end: str = _HIGH

    @property
    def has_proposition(self) -> bool:
        return bool(self.prop)

    @property
    def is_quantity(self) -> bool:
        return bool(self.unit)


def _number(text: str) -> float | None:
    return float(text) if text else None


def _claim_from_row(row: dict[str, str], iri: str, intern: _Interner) -> Claim:
    earliest, latest = row["earliest"], row["latest"]
    start = earliest[:10] if earliest else _LOW
    end = latest[:10] if latest else _HIGH
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
        start=start,
        end=end,
        single_day=bool(earliest and latest and start == end),
        day_of_week=intern[row["dayOfWeek"]],
        relative_to=intern[row["relativeTo"]],
        stated_start=row.get("statedEarliest", "")[:10] or _LOW,
        stated_end=row.get("statedLatest", "")[:10] or _HIGH,
    )


# --------------------------------------------------------------------------- the source registry


@dataclass
class Agent:
    """A source, relay or organisation: its name, who it speaks for, its side."""

    iri: str
    name: str = ""
    principal: str = ""
    alignment: str = ""


@dataclass
class Ledger:
    """What the analysis reads besides the claims: registry, status, derivations, names."""

    agents: dict[str, Agent] = field(default_factory=dict)
    retracted: dict[str, str] = field(default_factory=dict)  # claim -> when
    superseded: dict[str, list[str]] = field(default_factory=dict)  # claim -> revised by
    derived_from: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    alternate_names: dict[str, list[str]] = field(default_factory=dict)
    part_of: dict[str, list[str]] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)  # case IRI -> identifier
    written_as: dict[str, str] = field(default_factory=dict)  # claim -> IRI in its file
    _chains: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _sides: dict[str, str] = field(default_factory=dict, repr=False)

    def status(self, claim: str) -> str:
        if claim in self.retracted:
            return "retracted"
        if claim in self.superseded:
            return "superseded"
        return "current"

    def name(self, iri: str) -> str:
        """A thing's English name (or any name), else the last part of its IRI."""
        if not iri:
            return ""
        agent = self.agents.get(iri)
        if agent and agent.name:
            return agent.name
        return self.names.get(iri) or vocabulary().labels.get(iri) or _local_name(iri)

    def claim_name(self, iri: str) -> str:
        """A claim's short name: the last part of the IRI it was written with, if known."""
        local = _local_name(self.written_as.get(iri, iri))
        return local if len(local) < 40 else local[:12] + "…"

    def chain(self, agent: str) -> list[str]:
        """The agent, then whom it acts for, and so on (prov:actedOnBehalfOf)."""
        found = self._chains.get(agent)
        if found is None:
            found = [agent]
            while (principal := self.agents.get(found[-1], Agent("")).principal) and (
                principal not in found
            ):
                found.append(principal)
            self._chains[agent] = found
        return found

    def origin(self, agent: str) -> str:
        return self.chain(agent)[-1]

    def side(self, agent: str) -> str:
        """The agent's own alignment, else the alignment of the first it acts for that has one."""
        found = self._sides.get(agent)
        if found is None:
            found = ""
            for link in self.chain(agent):
                info = self.agents.get(link)
                if info and info.alignment:
                    found = info.alignment
                    break
            self._sides[agent] = found
        return found

    def ancestors(self, claim: str) -> set[str]:
        """Every claim this one was derived from, directly or through others."""
        if claim not in self.derived_from:
            return set()
        seen: set[str] = set()
        todo = list(self.derived_from.get(claim, ()))
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(self.derived_from.get(parent, ()))
        return seen


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


def read_ledger(
    store: ox.Store, default_graph: Sequence[ox.NamedNode] | None = None, *, names: bool = True
) -> Ledger:
    """The registry, status, derivations and (unless ``names`` is false) names and cases."""
    ledger = Ledger()
    english: dict[str, str] = {}
    for row in _select(store, "sources", default_graph):
        agent = ledger.agents.setdefault(row["agent"], Agent(row["agent"]))
        if row["name"] and (row["nameLanguage"] == "en" or not agent.name):
            agent.name = row["name"]
        agent.principal = agent.principal or row["actedOnBehalfOf"]
        agent.alignment = agent.alignment or row["alignment"]
    for row in _select(store, "status", default_graph):
        if row["retractedAt"]:
            ledger.retracted.setdefault(row["claim"], row["retractedAt"])
        if row["supersededBy"]:
            revised = ledger.superseded.setdefault(row["claim"], [])
            if row["supersededBy"] not in revised:
                revised.append(row["supersededBy"])
    for row in _select(store, "derivations", default_graph):
        parents = ledger.derived_from.setdefault(row["claim"], [])
        if row["derivedFrom"] not in parents:
            parents.append(row["derivedFrom"])
        for claim, written in (
            (row["claim"], row["claimWrittenAs"]),
            (row["derivedFrom"], row["derivedFromWrittenAs"]),
        ):
            if written:
                ledger.written_as.setdefault(claim, written)
    for row in _select(store, "names", default_graph) if names else ():
        thing = row["thing"]
        if row["partOf"]:
            ledger.part_of.setdefault(thing, []).append(row["partOf"])
        elif row["alternate"] == "true":
            ledger.alternate_names.setdefault(thing, []).append(row["name"])
        elif row["nameLanguage"] == "en" or thing not in english:
            english[thing] = row["name"]
    ledger.names = english
    for row in _select(store, "cases", default_graph) if names else ():
        ledger.cases[row["case"]] = row["identifier"]
    return ledger


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
    intern = _Interner()
    claims: dict[str, Claim] = {}
    for graph in graphs:
        for row in _select(store, "propositions", [graph]):
            iri = row["claim"]
            # the same claim in two entries' graphs, or a claim with two values for one field,
            # gives two rows: keep one, the same one every time
            if iri in claims and _row_key(row) >= _row_key_of(claims[iri]):
                continue
            claims[iri] = _claim_from_row(row, iri, intern)
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
class _Selection:
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
            or wanted == _local_name(thing).casefold()
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


def _select_claims(
    store: ox.Store,
    default_graph: Sequence[ox.NamedNode] | None,
    ledger: Ledger,
    filters: Filters,
    claims: dict[str, Claim],
) -> _Selection:
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
            for row in _select(store, "claims-in-case", default_graph, {"case": ox.NamedNode(case)})
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
        if prop not in vocabulary().kinds:
            names = ", ".join(sorted(_local_name(k) for k in vocabulary().kinds))
            raise UsageError(f"unknown property {filters.property!r}", hint=f"one of: {names}")
    window = _time_window(filters.time) if filters.time is not None else None
    return _Selection(claims_in_case, source, places, prop, window, statuses)


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


# --------------------------------------------------------------------------- judging a pair


@dataclass(frozen=True, slots=True)
class Finding:
    """What two claims about the same subject and property are to each other."""

    a: Claim
    b: Claim
    relation: str  # "conflict" | "revision" | "corroboration" | "derivation"
    type: str  # exclusive | quantity | denial, or same value | compatible figures | derived from
    reason: str


def _overlap(a: Claim, b: Claim) -> bool:
    return a.start <= b.end and b.start <= a.end


def _named_days(a: Claim, b: Claim) -> bool:
    """Both times are named days (``søndag``) counted back from the same document."""
    return bool(
        a.day_of_week and b.day_of_week and a.relative_to and a.relative_to == b.relative_to
    )


def _same_day(a: Claim, b: Claim) -> bool:
    """The two times are known to be one and the same day."""
    if _named_days(a, b):
        return a.day_of_week == b.day_of_week
    return a.single_day and b.single_day and a.start == b.start


def _places_compatible(a: Claim, b: Claim) -> bool:
    return not a.place or not b.place or a.place == b.place


def _base_range(claim: Claim) -> tuple[float, float, str] | None:
    """The quantity's bounds in the base unit of its dimension (open bounds are infinite)."""
    vocab = vocabulary()
    factor = vocab.factors.get(claim.unit)
    if factor is None:
        return None
    low = claim.lower * factor if claim.lower is not None else float("-inf")
    high = claim.upper * factor if claim.upper is not None else float("inf")
    return low, high, vocab.dimensions.get(claim.unit, "")


def _ranges_meet(a: Claim, b: Claim) -> bool | None:
    """Whether the two figures can both be true; None when they measure different things."""
    ra, rb = _base_range(a), _base_range(b)
    if ra is None or rb is None or ra[2] != rb[2]:
        return None
    return ra[0] <= rb[1] and rb[0] <= ra[1]


def _judge(a: Claim, b: Claim, ledger: Ledger) -> Finding | None:
    """The relation between two claims about the same subject and property, if any.

    Both must be at the same place when both give one, at overlapping times. Then, by the
    property's kind in the ontology:
    - exclusive (controlledBy, a state): different values asserted for the same day conflict;
      on different or unknown days they are a succession, not a conflict (a capture on
      Saturday, another force on Sunday). The same value corroborates at any overlapping time,
      even on two named days (control taken on Saturday still holds on Sunday). A denial
      conflicts with an assertion of the same value only on the same day.
    - quantitative: asserted figures whose ranges (in base units, vagueness included in the
      bounds, an absent upper bound open) do not meet conflict; figures that meet corroborate;
      a denial conflicts with an assertion whose range meets it.
    - plain: a denial conflicts with an assertion of the same value; the same value with the
      same stance corroborates; different values do not conflict (both may hold).
    For quantitative and plain properties, two named days of the same document that differ
    are different times: no relation.
    A conflict between two claims of the same source stated at times that do not overlap is a
    revision by that source, not a conflict.
    """
    if b.iri < a.iri:  # the same reason whichever way round the pair comes
        a, b = b, a
    if not (_places_compatible(a, b) and _overlap(a, b)):
        return None
    if a.is_quantity != b.is_quantity:
        return None
    kind = vocabulary().kinds.get(a.prop, "Plain")
    prop = ledger.name(a.prop)
    finding: tuple[str, str, str] | None = None
    if kind == "Exclusive" and not a.is_quantity:
        finding = _judge_state(a, b, ledger, prop)
    elif _named_days(a, b) and a.day_of_week != b.day_of_week:
        return None
    elif a.is_quantity:
        finding = _judge_figures(a, b, ledger, prop)
    else:
        finding = _judge_plain(a, b, ledger, prop)
    if finding is None:
        return None
    relation, kind_of, reason = finding
    if relation == "conflict" and a.source == b.source:
        later = _stated_later(a, b)
        if later is not None:
            first, second = (a, b) if later is b else (b, a)
            reason = (
                f"{ledger.name(a.source)} revised its own statement: "
                f"{_said(first, ledger)} (said {_day_text(first.stated_start, first.stated_end)}), "
                f"then {_said(second, ledger)} "
                f"(said {_day_text(second.stated_start, second.stated_end)})"
            )
            relation = "revision"
        else:
            reason += f"; both from {ledger.name(a.source)}"
    return Finding(a, b, relation, kind_of, reason)


def _judge_state(a: Claim, b: Claim, ledger: Ledger, prop: str) -> tuple[str, str, str] | None:
    subject = ledger.name(a.subject)
    if a.value == b.value:
        if a.denies == b.denies:
            note = ""
            if _named_days(a, b) and a.day_of_week != b.day_of_week:
                note = (
                    f"; {ledger.name(a.day_of_week)} and {ledger.name(b.day_of_week)} of the "
                    "same report: a state, it still holds on the later day"
                )
            verb = "deny" if a.denies else "say"
            return (
                "corroboration",
                "same value",
                f"both {verb} {subject} {prop} {ledger.name(a.value)}{note}",
            )
        if _same_day(a, b):
            asserting, denying = (b, a) if a.denies else (a, b)
            return (
                "conflict",
                "denial",
                f"{ledger.name(denying.source)} denies that {subject} was {prop} "
                f"{ledger.name(a.value)} on {_when(a, ledger)}, "
                f"which {ledger.name(asserting.source)} asserts",
            )
        return None
    if not a.denies and not b.denies and _same_day(a, b):
        return (
            "conflict",
            "exclusive",
            f"{subject} {prop} {ledger.name(a.value)} ({ledger.name(a.source)}) and "
            f"{ledger.name(b.value)} ({ledger.name(b.source)}) on the same day, "
            f"{_when(a, ledger)}: only one can hold at a time",
        )
    return None


def _judge_figures(a: Claim, b: Claim, ledger: Ledger, prop: str) -> tuple[str, str, str] | None:
    meet = _ranges_meet(a, b)
    if meet is None:
        return None
    figures = f"{_range_text(a, ledger)} and {_range_text(b, ledger)}"
    if a.denies == b.denies:
        if meet:
            same = (a.lower, a.upper, a.unit) == (b.lower, b.upper, b.unit)
            return (
                "corroboration",
                "same value" if same else "compatible figures",
                f"{prop}: {figures} " + ("are the same figure" if same else "overlap"),
            )
        if a.denies:
            return None
        return ("conflict", "quantity", f"{prop}: {figures} cannot both be true")
    if meet:
        asserting, denying = (b, a) if a.denies else (a, b)
        return (
            "conflict",
            "denial",
            f"{ledger.name(denying.source)} denies {prop} {_range_text(denying, ledger)}, "
            f"{ledger.name(asserting.source)} asserts {_range_text(asserting, ledger)}",
        )
    return None


def _judge_plain(a: Claim, b: Claim, ledger: Ledger, prop: str) -> tuple[str, str, str] | None:
    if a.value != b.value:
        return None
    said = f"{ledger.name(a.subject)} {prop} {ledger.name(a.value)}"
    if a.denies == b.denies:
        return ("corroboration", "same value", f"both {'deny' if a.denies else 'say'} {said}")
    asserting, denying = (b, a) if a.denies else (a, b)
    return (
        "conflict",
        "denial",
        f"{ledger.name(denying.source)} denies what {ledger.name(asserting.source)} asserts: "
        f"{said}",
    )


def _stated_later(a: Claim, b: Claim) -> Claim | None:
    """The claim stated strictly after the other (their stated times do not overlap)."""
    if a.stated_end < b.stated_start:
        return b
    if b.stated_end < a.stated_start:
        return a
    return None


def _said(claim: Claim, ledger: Ledger) -> str:
    return _range_text(claim, ledger) if claim.is_quantity else ledger.name(claim.value)


def _number_text(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def _range_text(claim: Claim, ledger: Ledger) -> str:
    unit = ledger.name(claim.unit)
    low, high = claim.lower, claim.upper
    plural = unit if (high == 1 and (low is None or low in (0, 1))) else _plural(unit)
    if low is not None and high is not None:
        if low == high:
            return f"{_number_text(low)} {plural}"
        return f"{_number_text(low)}–{_number_text(high)} {plural}"
    if low is not None:
        return f"at least {_number_text(low)} {plural}"
    if high is not None:
        return f"at most {_number_text(high)} {plural}"
    return f"an unstated number of {plural}"


def _plural(unit: str) -> str:
    return {"person": "people"}.get(unit, unit + "s" if unit else unit)


def _day_text(start: str, end: str) -> str:
    if start == end:
        return start
    return f"{start or '…'} to {end if end != _HIGH else '…'}"


def _when(claim: Claim, ledger: Ledger) -> str:
    if claim.day_of_week:
        return f"{ledger.name(claim.day_of_week)} ({_day_text(claim.start, claim.end)})"
    return _day_text(claim.start, claim.end)


# --------------------------------------------------------------------------- independence


def independence(
    a: Claim, b: Claim, ledger: Ledger, claims: dict[str, Claim], *, explain: bool = True
) -> tuple[str, str]:
    """Whether two claims come from independent origins: (kind, reason).

    A claim derived from others (prov:wasDerivedFrom, a reporter's synthesis) speaks with the
    voices of the claims it was derived from, followed back to claims derived from nothing.
    ``same-origin``: one derived from the other, or both from a common claim; or, between the
    voices: the same source, sources acting for the same organisation (prov:actedOnBehalfOf,
    followed to its end), the same news agency relaying both (cl:relayedBy), or one relayed
    through the other's source. ``aligned``: otherwise, every voice of one on the same side as
    every voice of the other (cl:alignment; a person takes the side of whom they act for), a
    side other than cl:Independent. ``independent``: neither.
    """
    name = ledger.name
    ancestors_a, ancestors_b = ledger.ancestors(a.iri), ledger.ancestors(b.iri)
    if b.iri in ancestors_a:
        return (
            "same-origin",
            f"{ledger.claim_name(a.iri)} is derived from {ledger.claim_name(b.iri)}",
        )
    if a.iri in ancestors_b:
        return (
            "same-origin",
            f"{ledger.claim_name(b.iri)} is derived from {ledger.claim_name(a.iri)}",
        )
    common = sorted(ancestors_a & ancestors_b)
    if common:
        return "same-origin", "both are derived from " + ", ".join(map(ledger.claim_name, common))
    voices_a, voices_b = _voices(a, ledger, claims), _voices(b, ledger, claims)
    for x in voices_a:
        for y in voices_b:
            if x.source == y.source:
                return "same-origin", f"the same source, {name(x.source)}"
            origin = ledger.origin(x.source)
            if origin == ledger.origin(y.source):
                return (
                    "same-origin",
                    f"{name(x.source)} and {name(y.source)} both speak for {name(origin)}",
                )
            if x.relayed_by and x.relayed_by == y.relayed_by:
                return "same-origin", f"both relayed by {name(x.relayed_by)}"
            for relayed, other in ((x, y), (y, x)):
                if relayed.relayed_by and relayed.relayed_by in ledger.chain(other.source):
                    return (
                        "same-origin",
                        f"{name(relayed.source)} was relayed by {name(relayed.relayed_by)}, "
                        f"the source of the other",
                    )
    sides = {ledger.side(v.source) for v in voices_a} | {ledger.side(v.source) for v in voices_b}
    if len(sides) == 1 and (side := sides.pop()) and side != CL_IRI + "Independent":
        if not explain:
            return "aligned", ""
        names = " and ".join(sorted({name(v.source) for v in voices_a + voices_b}))
        return "aligned", f"{names} are all {name(side)}" if names.count(" and ") > 1 else (
            f"{names} are both {name(side)}"
        )
    if not explain:
        return "independent", ""
    return "independent", "different origins: " + " and ".join(
        _voice_text(voices, ledger) for voices in (voices_a, voices_b)
    )


def _voices(claim: Claim, ledger: Ledger, claims: dict[str, Claim]) -> list[Claim]:
    """The claims a claim's content comes from: itself, or what it was derived from."""
    if claim.iri not in ledger.derived_from:
        return [claim]
    roots = [
        claims[c]
        for c in sorted(ledger.ancestors(claim.iri))
        if c in claims and not ledger.derived_from.get(c)
    ]
    return roots or [claim]


def _voice_text(voices: list[Claim], ledger: Ledger) -> str:
    parts = []
    for v in voices:
        origin = ledger.origin(v.source)
        side = ledger.name(ledger.side(v.source)) or "no side recorded"
        parts.append(f"{ledger.name(origin)} ({side})")
    return ", ".join(sorted(set(parts)))


def _origin_class(claim: Claim, ledger: Ledger) -> str:
    """What counts as one origin: the side when it has one, else the organisation."""
    side = ledger.side(claim.source)
    if side and side != CL_IRI + "Independent":
        return side
    return ledger.origin(claim.source)


# --------------------------------------------------------------------------- pairing


def _pairs(claims: Iterable[Claim]) -> Iterator[tuple[Claim, Claim]]:
    """Every two claims with the same comparison key whose event times overlap, once.

    The key is subject + property + place; a claim that gives no place is compared with every
    place. Within a key, claims are sorted by start and swept, so pairs that cannot overlap in
    time are never formed.
    """
    groups: dict[tuple[str, str], dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for claim in claims:
        if claim.has_proposition:
            groups[claim.subject, claim.prop][claim.place].append(claim)
    for by_place in groups.values():
        for members in by_place.values():
            members.sort(key=lambda c: (c.start, c.iri))
            yield from _sweep(members)
        placeless = by_place.get("")
        if placeless:
            placed = sorted(
                (c for place, cs in by_place.items() if place for c in cs),
                key=lambda c: (c.start, c.iri),
            )
            starts = [c.start for c in placed]
            for a in placeless:
                for b in placed[: bisect.bisect_right(starts, a.end)]:
                    if b.end >= a.start:
                        yield a, b


def _sweep(members: list[Claim]) -> Iterator[tuple[Claim, Claim]]:
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if b.start > a.end:
                break
            yield a, b


def _ordered(finding: Finding) -> Finding:
    if finding.a.iri <= finding.b.iri:
        return finding
    return Finding(finding.b, finding.a, finding.relation, finding.type, finding.reason)


@dataclass
class Analysis:
    """Claims, registry and the findings between the claims in the status scope."""

    ledger: Ledger
    claims: dict[str, Claim]
    selection: _Selection
    findings: list[Finding]

    def listed(self, finding: Finding) -> bool:
        """A pair is listed when either of its claims meets the filters."""
        return self.selection.matches(self.ledger, finding.a) or self.selection.matches(
            self.ledger, finding.b
        )


def analyse(
    store: ox.Store,
    filters: Filters = Filters(),  # noqa: B008 - frozen, never mutated
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    with_derivations: bool = False,
) -> Analysis:
    """Read the ledger once and judge every pair of comparable claims in the status scope."""
    ledger = read_ledger(store, default_graph)
    claims = read_claims(store, default_graph)
    selection = _select_claims(store, default_graph, ledger, filters, claims)
    pool = [c for c in claims.values() if selection.status_ok(ledger, c.iri)]
    findings = []
    for a, b in _pairs(pool):
        found = _judge(a, b, ledger)
        if found is not None:
            findings.append(_ordered(found))
    if with_derivations:
        findings.extend(_derivations(ledger, claims, selection, findings))
    return Analysis(ledger, claims, selection, findings)


def _derivations(
    ledger: Ledger, claims: dict[str, Claim], selection: _Selection, findings: list[Finding]
) -> list[Finding]:
    """A row for each claim derived from another that does not already agree with it."""
    agreeing = {(f.a.iri, f.b.iri) for f in findings if f.relation == "corroboration"}
    out = []
    for child, parents in ledger.derived_from.items():
        for parent in parents:
            a, b = claims.get(child), claims.get(parent)
            if a is None or b is None:
                continue
            if not (selection.status_ok(ledger, child) and selection.status_ok(ledger, parent)):
                continue
            pair = tuple(sorted((child, parent)))
            if pair in agreeing:
                continue
            reason = f"{ledger.claim_name(child)} is derived from {ledger.claim_name(parent)}"
            if a.source != b.source:
                reason += f" ({ledger.name(a.source)} drawing on {ledger.name(b.source)})"
            out.append(_ordered(Finding(a, b, "derivation", "derived from", reason)))
    return out


# --------------------------------------------------------------------------- the four listings


def _sorted_rows(rows: Iterable[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))


def find_conflicts(
    store: ox.Store,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    case: str | None = None,
    source: str | None = None,
    place: str | None = None,
    property: str | None = None,  # noqa: A002 - the option's name
    time: str | None = None,
    status: str = "current",
    findings: str | os.PathLike[str] | None = None,
) -> list[dict[str, Any]]:
    """Pairs of claims that cannot both be true, and revisions of a source's own statement."""
    filters = Filters(case, source, place, property, time, status)
    if findings is not None and default_graph is None:
        from ledger.analysis import findings as derived  # it builds on this module

        stored = derived.conflict_rows(store, findings, filters)
        if stored is not None:
            return stored
    analysis = analyse(store, filters, default_graph=default_graph)
    listed = (f for f in analysis.findings if analysis.listed(f))
    return _conflict_rows(analysis.ledger, analysis.claims, listed)


def _conflict_rows(
    ledger: Ledger, claims: dict[str, Claim], findings: Iterable[Finding]
) -> list[dict[str, Any]]:
    rows = []
    for f in findings:
        if f.relation not in ("conflict", "revision"):
            continue
        origins, why = independence(f.a, f.b, ledger, claims)
        rows.append(
            {
                "claim_a": f.a.iri,
                "source_a": f.a.source,
                "claim_b": f.b.iri,
                "source_b": f.b.source,
                "property": f.a.prop,
                "relation": f.relation,
                "type": f.type,
                "reason": f.reason,
                "independence": origins,
                "independence_reason": why,
            }
        )
    return _sorted_rows(rows, "claim_a", "claim_b")


def find_corroborations(
    store: ox.Store,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    case: str | None = None,
    source: str | None = None,
    place: str | None = None,
    property: str | None = None,  # noqa: A002 - the option's name
    time: str | None = None,
    status: str = "current",
    findings: str | os.PathLike[str] | None = None,
) -> list[dict[str, Any]]:
    """Pairs of claims that support each other (or one derived from the other), with their kind.

    ``kind`` is ``independent``, ``aligned`` or ``same-origin`` (see ``independence``), and
    ``reason`` says why, then what they agree on.
    """
    filters = Filters(case, source, place, property, time, status)
    if findings is not None and default_graph is None:
        from ledger.analysis import findings as derived  # it builds on this module

        stored = derived.corroboration_rows(store, findings, filters)
        if stored is not None:
            return stored
    analysis = analyse(store, filters, default_graph=default_graph, with_derivations=True)
    rows = []
    for f in analysis.findings:
        if f.relation not in ("corroboration", "derivation") or not analysis.listed(f):
            continue
        kind, why = independence(f.a, f.b, analysis.ledger, analysis.claims)
        rows.append(
            {
                "claim_a": f.a.iri,
                "source_a": f.a.source,
                "claim_b": f.b.iri,
                "source_b": f.b.source,
                "property": f.a.prop if f.relation == "corroboration" else "",
                "match": f.type,
                "kind": kind,
                "reason": f.reason if f.relation == "derivation" else f"{why}; {f.reason}",
            }
        )
    return _sorted_rows(rows, "claim_a", "claim_b")


def grade_claims(
    store: ox.Store,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    case: str | None = None,
    source: str | None = None,
    place: str | None = None,
    property: str | None = None,  # noqa: A002 - the option's name
    time: str | None = None,
    status: str = "current",
    findings: str | os.PathLike[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per claim: its Admiralty-style credibility (1-6) and the reasons for it.

    Corroborations and conflicts are counted in origins, never in claims or outlets: the
    origins of the claims that agree (or disagree) and are independent of this one count once
    per side they are aligned with (cl:Independent sources count once per organisation).
    First rule that applies:
      6  cannot be judged: the claim has no proposition;
      5  improbable: in conflict with 2 or more independent origins, and none supports it;
      4  doubtful: in conflict with an independent origin;
      1  confirmed: supported by 2 or more independent origins, and no conflict at all;
      2  probably true: supported by 1 independent origin, and no conflict at all;
      3  possibly true: some support or conflict, but only from the same origin or side
         (or independent support with a conflict from its own side);
      6  cannot be judged: nothing in the ledger to compare it with.
    A revision by the claim's own source is listed among the reasons and does not count.
    Source reliability (A-F) is a checker's judgement that claim-ledger does not record yet:
    every row shows F (cannot be judged).
    """
    filters = Filters(case, source, place, property, time, status)
    if findings is not None and default_graph is None:
        from ledger.analysis import findings as derived  # it builds on this module

        stored = derived.grade_rows(store, findings, filters)
        if stored is not None:
            return stored
    analysis = analyse(store, filters, default_graph=default_graph)
    ledger, claims = analysis.ledger, analysis.claims
    related: dict[str, list[tuple[Finding, Claim]]] = defaultdict(list)
    for f in analysis.findings:
        related[f.a.iri].append((f, f.b))
        related[f.b.iri].append((f, f.a))
    rows = []
    for claim in claims.values():
        if not (
            analysis.selection.status_ok(ledger, claim.iri)
            and analysis.selection.matches(ledger, claim)
        ):
            continue
        rows.append(_grade(claim, related.get(claim.iri, []), ledger, claims))
    return _sorted_rows(rows, "claim")


def _grade(
    claim: Claim,
    related: list[tuple[Finding, Claim]],
    ledger: Ledger,
    claims: dict[str, Claim],
) -> dict[str, Any]:
    def facts(finding: Finding, other: Claim) -> tuple[str, str, str, str, str]:
        if finding.relation == "revision":
            return (other.iri, finding.relation, "", other.source, "")
        kind, _ = independence(claim, other, ledger, claims, explain=False)
        return (other.iri, finding.relation, kind, other.source, _origin_class(other, ledger))

    ordered = [facts(f, other) for f, other in sorted(related, key=lambda r: r[1].iri)]
    return grade_row(
        claim.iri, claim.source, claim.has_proposition, ordered, ledger, ledger.claim_name
    )


def grade_row(
    iri: str,
    source: str,
    has_proposition: bool,
    related: Iterable[tuple[str, str, str, str, str]],
    ledger: Ledger,
    claim_name: Callable[[str], str],
) -> dict[str, Any]:
    """A claim's credibility 1–6 and its reasons (the ``grade`` row), from what it relates to.

    ``related``, in the order the reasons list them: (other claim, relation, independence kind,
    other claim's source, other claim's origin class). The one place the grading rules live:
    the full recomputation and the findings file (``ledger.analysis.findings``) both call it.
    """
    support: dict[str, set[str]] = {"independent": set(), "other": set()}
    against: dict[str, set[str]] = {"independent": set(), "other": set()}
    reasons: list[str] = []
    for other, relation, kind, other_source, origin in related:
        if relation == "revision":
            reasons.append(f"revised by its own source ({claim_name(other)})")
            continue
        bucket = support if relation == "corroboration" else against
        bucket["independent" if kind == "independent" else "other"].add(origin)
        verb = "supported" if relation == "corroboration" else "contradicted"
        reasons.append(f"{verb} by {ledger.name(other_source)} ({kind}, {claim_name(other)})")
    n_support, n_against = len(support["independent"]), len(against["independent"])
    other_support, other_against = len(support["other"]), len(against["other"])
    if not has_proposition:
        credibility = 6
        reasons.insert(0, "no proposition to compare")
    elif n_against >= 2 and n_support == 0:
        credibility = 5
    elif n_against >= 1:
        credibility = 4
    elif n_support >= 2 and other_against == 0:
        credibility = 1
    elif n_support == 1 and other_against == 0:
        credibility = 2
    elif n_support or other_support or other_against:
        credibility = 3
    else:
        credibility = 6
        reasons.append("no other claim about the same subject, property and time")
    return {
        "claim": iri,
        "source": source,
        "credibility": credibility,
        "grade": CREDIBILITY[credibility],
        "reliability": UNJUDGED_RELIABILITY,
        "independent_support": n_support,
        "other_support": other_support,
        "independent_conflicts": n_against,
        "other_conflicts": other_against,
        "reasons": "; ".join(reasons),
    }


def list_claims(
    store: ox.Store,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    case: str | None = None,
    source: str | None = None,
    place: str | None = None,
    property: str | None = None,  # noqa: A002 - the option's name
    time: str | None = None,
    status: str = "current",
) -> list[dict[str, Any]]:
    """Every claim that meets the filters, with its status and what it was derived from."""
    ledger = read_ledger(store, default_graph)
    intern = _Interner()
    shown: dict[str, tuple[Claim, dict[str, str]]] = {}
    for row in _select(store, "claims", default_graph):
        if row["claim"] in shown:
            continue
        record = dict(row, denies=str(row["stance"] == CL_IRI + "denies").lower())
        record.update(statedEarliest="", statedLatest="")
        shown[row["claim"]] = (_claim_from_row(record, row["claim"], intern), row)
    claims = {iri: claim for iri, (claim, _) in shown.items()}
    filters = Filters(case, source, place, property, time, status)
    selection = _select_claims(store, default_graph, ledger, filters, claims)
    rows = []
    for iri, (claim, row) in shown.items():
        if not (selection.status_ok(ledger, iri) and selection.matches(ledger, claim)):
            continue
        rows.append(
            {
                "claim": iri,
                "status": ledger.status(iri),
                "case": row["case"],
                "source": row["source"],
                "relayed_by": row["relayedBy"],
                "stance": _local_name(row["stance"]),
                "subject": row["subject"],
                "property": row["property"],
                "value": row["value"],
                "quantity": _range_text(claim, ledger) if claim.is_quantity else "",
                "place": row["place"],
                "event_time": _when(claim, ledger) if claim.has_proposition else "",
                "derived_from": " ".join(ledger.derived_from.get(iri, [])),
                "statement": row["statement"],
            }
        )
    return _sorted_rows(rows, "claim")


# --------------------------------------------------------------------------- a new batch


def comparison_key(subject: str, property: str, place: str | None = None) -> str:  # noqa: A002
    """The cl:comparisonKey literal of a proposition: subject, property and place IRIs.

    Written at append time, it lets ``conflicts_for_batch`` find the claims that give no place
    with one index look-up instead of reading every proposition about the subject.
    """
    return " ".join(filter(None, (subject, property, place)))


def comparison_key_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The cl:comparisonKey quads for the propositions among ``quads`` (same graph as each)."""
    parts: dict[tuple[Any, Any], dict[str, str]] = defaultdict(dict)
    wanted = {CL_IRI + "subject": "s", CL_IRI + "property": "p", CL_IRI + "place": "l"}
    for quad in quads:
        role = wanted.get(quad.predicate.value)
        if role is not None:
            parts[quad.subject, quad.graph_name][role] = str(getattr(quad.object, "value", ""))
    key = ox.NamedNode(CL_IRI + "comparisonKey")
    return [
        ox.Quad(node, key, ox.Literal(comparison_key(f["s"], f["p"], f.get("l"))), graph)
        for (node, graph), f in parts.items()
        if "s" in f and "p" in f
    ]


def conflicts_for_batch(
    store: ox.Store,
    claim_iris: Iterable[str],
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    keyed: bool | None = None,
    findings: str | os.PathLike[str] | None = None,
) -> list[dict[str, Any]]:
    """The conflicts (and revisions) between newly appended claims and the ledger.

    With ``findings`` (the derived findings file, ``ledger.analysis.findings``), the file catches up
    with the store (absorbing the new entry's graphs: its claims are judged against the
    stored claims of the same subject and property) and the rows of the batch's claims are
    read from it. Otherwise only the new claims are bound: for each, its candidates are looked
    up from it (same place; no place, through cl:comparisonKey when the ledger is ``keyed``;
    or every proposition about the subject). ``keyed=None`` asks the store whether keys exist.
    Either way the rows are those of ``find_conflicts`` that involve a claim of the batch.
    """
    if findings is not None and default_graph is None:
        from ledger.analysis import findings as derived  # it builds on this module

        stored = derived.batch_conflict_rows(store, findings, claim_iris)
        if stored is not None:
            return stored
    ledger = read_ledger(store, default_graph, names=False)
    if keyed is None:
        keyed = bool(
            store.query(
                resources.query("comparison-keyed"),
                **_graph_options(default_graph),
            )
        )
    intern = _Interner()
    seen: set[tuple[str, str]] = set()
    conflicting: list[tuple[Claim, Claim]] = []
    claims: dict[str, Claim] = {}
    looked_up: dict[tuple[str, str, str], dict[str, Claim]] = {}
    for iri in dict.fromkeys(claim_iris):
        if ledger.status(iri) != "current":
            continue
        bound = {"claim": ox.NamedNode(iri)}
        key_rows = list(_select(store, "comparison-key", default_graph, bound))
        if not key_rows:  # no proposition: nothing to compare
            continue
        key = (key_rows[0]["subject"], key_rows[0]["property"], key_rows[0]["place"])
        if key not in looked_up:
            looked_up[key] = _candidates(store, key, default_graph, keyed, intern)
        candidates = looked_up[key]
        claim = candidates.get(iri)
        if claim is None:
            continue
        claims.update(candidates)
        for other in candidates.values():
            pair = (min(iri, other.iri), max(iri, other.iri))
            if other.iri == iri or pair in seen or ledger.status(other.iri) != "current":
                continue
            seen.add(pair)
            found = _judge(claim, other, ledger)
            if found is not None and found.relation == "conflict":
                conflicting.append((claim, other))
    # the few claims in conflict: their relay and stated time (a revision?), and the names and
    # origins the reasons need, read one by one
    _complete(store, default_graph, ledger, claims, conflicting, intern)
    judged = []
    for a, b in conflicting:
        found = _judge(claims[a.iri], claims[b.iri], ledger)
        if found is not None and found.relation in ("conflict", "revision"):
            judged.append(_ordered(found))
    return _conflict_rows(ledger, claims, judged)


def _complete(
    store: ox.Store,
    default_graph: Sequence[ox.NamedNode] | None,
    ledger: Ledger,
    claims: dict[str, Claim],
    pairs: list[tuple[Claim, Claim]],
    intern: _Interner,
) -> None:
    """Read what the batch check left out for the claims of ``pairs``, and what reasons name."""
    wanted = {c.iri for pair in pairs for c in pair}
    for claim in list(wanted):
        wanted |= ledger.ancestors(claim)  # the voices of derived claims
    for iri in sorted(wanted):
        rows = list(_select(store, "claim-origin", default_graph, {"claim": ox.NamedNode(iri)}))
        if not rows:
            continue
        row = rows[0]
        known = claims.get(iri) or Claim(iri, intern[row["source"]], "", False)
        known.relayed_by = intern[row["relayedBy"]]
        known.stated_start = row["statedEarliest"][:10] or _LOW
        known.stated_end = row["statedLatest"][:10] or _HIGH
        claims[iri] = known
    named = {t for pair in pairs for c in pair for t in (c.subject, c.value, c.place) if t}
    for thing in sorted(named - set(ledger.names)):
        for row in _select(store, "name-of", default_graph, {"thing": ox.NamedNode(thing)}):
            if row["nameLanguage"] == "en" or thing not in ledger.names:
                ledger.names[thing] = row["name"]


def _graph_options(default_graph: Sequence[ox.NamedNode] | None) -> dict[str, Any]:
    if default_graph is None:
        return {"use_default_graph_as_union": True}
    return {"default_graph": list(default_graph)}


def _candidates(
    store: ox.Store,
    key: tuple[str, str, str],
    default_graph: Sequence[ox.NamedNode] | None,
    keyed: bool,
    intern: _Interner,
) -> dict[str, Claim]:
    """The claims to compare with a claim of this subject, property and place (it included)."""
    subject, prop, place = key
    about = {"subject": ox.NamedNode(subject), "property": ox.NamedNode(prop)}
    rows: list[dict[str, str]]
    if keyed and place:
        rows = list(
            _select(
                store, "candidates-by-place", default_graph, {**about, "place": ox.NamedNode(place)}
            )
        )
        placeless = {"placelessKey": ox.Literal(comparison_key(subject, prop))}
        rows += _select(store, "candidates-by-key", default_graph, placeless)
    else:  # no place: every place compares; no keys: the claims without a place are in here
        rows = list(_select(store, "candidates-by-subject", default_graph, about))
    found: dict[str, Claim] = {}
    for row in rows:
        candidate = row["candidate"]
        if candidate not in found:
            found[candidate] = _claim_from_row(row, candidate, intern)
    return found


# --------------------------------------------------------------------------- a user's query


@dataclass(frozen=True)
class QueryResult:
    """A user query's answer as flat rows: a SELECT's variables, ASK's ``result``, or triples."""

    columns: tuple[str, ...]
    rows: list[dict[str, str | None]]


def check_user_query(text: str) -> None:
    """Refuse, before it runs, a query that does not parse, updates, loads or calls SERVICE."""
    from pyparsing import ParseException  # rdflib's parser; imported only when needed
    from rdflib.plugins.sparql import parser

    try:
        tree = parser.parseQuery(text)
    except ParseException as exc:
        try:
            parser.parseUpdate(text)
        except ParseException:
            raise InputError(
                f"the query does not parse: {exc.msg}",
                where=f"line {exc.lineno}, column {exc.col}",
                hint="check the SPARQL syntax near that place",
            ) from None
        raise UnsafeInputError(
            "updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) are refused: "
            "the ledger is append-only and `query` only reads",
            hint="use `claim-ledger add` to append claims",
        ) from None
    if _contains_service(tree) or _mentions_service(text):
        raise UnsafeInputError(
            "SERVICE is refused: claim-ledger never fetches anything",
            hint="remove the SERVICE block; query only the ledger",
        )


def _contains_service(node: Any) -> bool:
    from pyparsing import ParseResults

    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, Mapping):
        return any(_contains_service(v) for v in node.values())
    if isinstance(node, ParseResults | list | tuple):
        return any(_contains_service(v) for v in node)
    return False


#: strings, IRIs and comments, removed before looking for the SERVICE keyword
_NOT_KEYWORDS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)


def _mentions_service(text: str) -> bool:
    """SERVICE as a keyword anywhere (a second guard, should the parse tree change shape)."""
    code = _NOT_KEYWORDS.sub(" ", text)
    return re.search(r"(?<![\w:])SERVICE\b", code, re.IGNORECASE) is not None


def run_user_query(
    store: ox.Store,
    text: str,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    timeout_s: float = 30,
) -> QueryResult:
    """Run a user's read-only SPARQL query, stopping it after ``timeout_s`` seconds.

    The query runs in a forked child process (a pyoxigraph query cannot be interrupted from a
    thread); at the deadline the child is killed. Regular expressions run in Oxigraph's
    linear-time engine, and the deadline bounds everything else.
    """
    check_user_query(text)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock; the child only
        # runs one query on the inherited store and writes to a pipe (no locks are taken)
        warnings.simplefilter("ignore", DeprecationWarning)
        child = context.Process(
            target=_query_child, args=(store, text, default_graph, sender), daemon=True
        )
        child.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise LedgerError(
                f"the query was stopped after {timeout_s:g} s",
                hint="narrow it (LIMIT, fewer patterns, bound values) or raise --timeout",
            )
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise LedgerError("the query process ended without an answer") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "error":
        raise InputError(f"the query failed: {payload}")
    kind, data = payload
    return _decode_answer(kind, data)


def _query_child(
    store: ox.Store,
    text: str,
    default_graph: Sequence[ox.NamedNode] | None,
    sender: multiprocessing.connection.Connection,
) -> None:
    try:
        result = store.query(text, **_graph_options(default_graph))
        if isinstance(result, ox.QueryBoolean):
            answer: tuple[str, bytes] = ("boolean", b"true" if bool(result) else b"false")
        elif isinstance(result, ox.QuerySolutions):
            answer = ("solutions", result.serialize(format=ox.QueryResultsFormat.JSON) or b"")
        else:
            answer = ("triples", result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
        sender.send(("ok", answer))
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        sender.send(("error", str(exc)))
    finally:
        sender.close()


def _term_text(term: Any) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return str(term)


def _decode_answer(kind: str, data: bytes) -> QueryResult:
    if kind == "boolean":
        return QueryResult(("result",), [{"result": data.decode()}])
    if kind == "triples":
        rows: list[dict[str, str | None]] = [
            {
                "subject": _term_text(t.subject),
                "predicate": _term_text(t.predicate),
                "object": _term_text(t.object),
            }
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        ]
        return QueryResult(("subject", "predicate", "object"), rows)
    solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    columns = tuple(v.value for v in solutions.variables)
    variables = list(solutions.variables)
    rows = [
        {c: _term_text(s[v]) for c, v in zip(columns, variables, strict=True)} for s in solutions
    ]
    return QueryResult(columns, rows)


__all__ = [
    "Analysis", "Claim", "Filters", "Finding", "QueryResult", "Vocabulary", "analyse",
    "check_user_query", "comparison_key", "comparison_key_quads", "conflicts_for_batch",
    "find_conflicts", "find_corroborations", "grade_claims", "grade_row", "independence",
    "list_claims",
    "read_claims", "read_ledger", "run_user_query", "vocabulary",
]  # fmt: skip
