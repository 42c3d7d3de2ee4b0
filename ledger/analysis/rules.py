"""The rules: how two claims relate, how independent their origins are, and a claim's grade.

Pure functions on records: nothing here reads a store or a file except the ontology (property
kinds, unit factors and labels, once). ``ledger.analysis.compare`` reads the records from the
ledger and lists the findings; ``ledger.analysis.findings`` keeps them in a derived file. Both
pair the claims with ``pairs`` and judge each pair with ``judge``, so the rules live only here.

The rules, in the words of the README ("Corroborations, conflicts and grades"):

- Counts have a scope (``Scope``): a period count (within [since, until]), a running total
  (since a start, as of ``until``) or an event total. A count without a scope is a period count
  over its event time. Two counts are compared only when they measure the same scope: the same
  kind, and their ``since`` spans and their ``until`` spans each overlap (a bound given to the
  day covers the day; no further tolerance). Running totals from the same start, as of different
  times: a later smaller total conflicts (``running-total``), a later larger one is an
  ``update``. The same figure with different scopes is a ``scope-warning``, and so is the same
  running total as of two different times (the later report may repeat an earlier count).
- Vague is not support: two figures whose ranges meet corroborate only when they say nearly the
  same thing (the overlap covers at least half of the wider range, or their nominal figures are
  within 10% of each other); otherwise they are ``compatible``, listed but never support. A
  magnitude word ("several hundred", "dozens") is no ceiling (``_judged_range``): a figure
  above its stated range but below the next magnitude's word is compatible, not apart.
- A relay is not an origin: independence is decided by the attributed speakers, whom they act
  for (``prov:actedOnBehalfOf``, followed to its end), derivations and alignment.
- Places nest (``cl:partOf``): a state claimed for the whole of a place (``placeCoverage
  whole``) bears on its parts; counts are compared at the same place, or between a place and a
  part of it when the claim about the containing place covers the whole (then a part's figure
  above the whole's is a conflict).
- States persist: a state (``controlledBy``) established on a day holds until a later claim
  changes it, so a later denial conflicts with it unless a claim in between gives another
  controller; a different controller later is a succession (no finding). ``degree`` partial or
  contested never makes an exclusive conflict. A state held throughout a period
  (``heldThroughout``) holds on every day of it: another controller on a day within it conflicts.
- Event facts (``perpetratedBy``, ``meansUsed``, and exclusive properties of an ``Event``): an
  event happened once, so different answers conflict at any time, and a denial of the same
  answer conflicts. Values in concept schemes (``skos:inScheme``: the agent used, how it was
  released) compare part by part (``_judge_parts``): a conflict only on a part both answer
  differently, and on a part whose answers can hold several at once (``severalAtOnce``) only
  when a claim names its value as the only one (``onlyAnswer``); otherwise ``compatible``.
- Values nest (``Ledger.vaguer``: a concept under a broader one, ``skos:broader``; a force or a
  place part of a larger one, ``cl:partOf``): two values of an exclusive property where one is
  a vaguer form of the other (sarin, a nerve agent) are ``compatible`` (listed, never support),
  not a conflict; a denial of a value conflicts with an assertion of a narrower one, under the
  same time rules as a denial of the same value.
- Tolls (``TALLIES`` over an ``eventTotal``, or unscoped over a period past) are known
  progressively: between different origins, a larger figure stated within ``COUNTING_DAYS``
  after a smaller one, or stated at any time after a smaller one given within
  ``COUNTING_DAYS`` of the event (a first count, ``_while_counted``), is an ``update``; a
  smaller one a ``running-total`` conflict. Two figures both stated after the counting days
  are two assessments of the total, compared as such. Two said in an unknown order are an
  ``update`` when the smaller is an initial count (said by the day after the event) and the
  larger may have been said after it (``_outgrown_first_count``): they can both be true.
- A source revising itself (one origin: the same source, or speakers for one organisation),
  stated later, is a ``revision``, never a conflict. Stated times are ordered to the hour or
  part of a day when given (``_stated_later``; "in the evening" comes after "that day"). Two
  figures of one voice that cannot be ordered are a revision of unknown order, unless both are
  one document's own words at one time (``_one_statement``); statements of different origins
  that cannot be ordered are compared as said at one time.
- ``eventTime unknown`` is never compared on time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

import pyoxigraph as ox

from ledger import resources
from ledger.vocab import CL_IRI, RDFS_LABEL

LOW, HIGH = "", "9999-99-99"  # open ends of a time span, compared as strings
#: the end of a day, as a time string: sorts after every time of that day, before the next day
_DAY_END = "T99"

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
#: How much a hedged claim ("reportedly", "could not be independently verified") weighs in a
#: grade, against 1 for a claim its source states without a hedge.
HEDGED_WEIGHT = 0.5
#: Two figures "say nearly the same thing" when their nominal figures are within this share.
NOMINAL_TOLERANCE = 0.10
#: ... or when their overlap covers at least this share of the wider range.
OVERLAP_SHARE = 0.5

#: Exclusive properties of an event (it happened once): different answers conflict at any time.
EVENT_PROPERTIES = frozenset({CL_IRI + "perpetratedBy", CL_IRI + "meansUsed"})
#: The state of control that a share of a place held (cl:areaShareControlled) speaks to.
CONTROLLED_BY = CL_IRI + "controlledBy"
#: The types (a corroboration row's ``match``) of pairs that can both be true but are not
#: support: vague figures, values at two levels of detail (sarin, a nerve agent), and answers
#: that can hold together (one among others, several at once, different parts of a question).
COMPATIBLE_MATCHES = (
    "compatible figures", "two levels of detail", "one answer among others",
    "several at once", "different parts of the question",
)  # fmt: skip
#: The conflict type of an event property's different answers (as expectations name them).
_EVENT_TYPES = {CL_IRI + "perpetratedBy": "responsibility", CL_IRI + "meansUsed": "means"}


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


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class Claim:
    """The comparable part of one claim.

    Event times and scope bounds are day strings (``LOW``/``HIGH`` when open); stated times keep
    the hour when the file gives one (a day-precision latest bound ends in ``T99``). Quantity
    bounds are in the stated unit. ``scope_kind``, ``degree`` and the hedges are local names
    (``runningTotal``, ``partial``, ``reportedly``); empty when the claim does not say.
    ``own_document``: the document whose own words the claim is (``reportedIn`` of a claim
    with ``transmission ownReporting``); empty for a source the document quotes or relays.
    """

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
    start: str = LOW
    end: str = HIGH
    single_day: bool = False
    day_of_week: str = ""
    relative_to: str = ""
    stated_start: str = LOW
    stated_end: str = HIGH
    time_unknown: bool = False
    scope_kind: str = ""
    since_start: str = LOW
    since_end: str = HIGH
    until_start: str = LOW
    until_end: str = HIGH
    has_until: bool = False
    whole: bool = False
    degree: str = ""
    controller: str = ""
    hedges: str = ""
    nominal: float | None = None
    own_document: str = ""
    #: the figure's qualifier, a local name (``several``, ``atLeast`` ...); ``_judged_range``
    #: reads the magnitude words among them
    qualifier: str = ""
    #: the value is one answer of an exclusive property among possibly several (``amongOthers``)
    among_others: bool = False
    #: the value is named as the only answer (``onlyAnswer``: "the gas used was chlorine")
    only_answer: bool = False
    #: the state held on every day of the event time, a period (``heldThroughout``)
    throughout: bool = False

    @property
    def has_proposition(self) -> bool:
        return bool(self.prop)

    @property
    def is_quantity(self) -> bool:
        return bool(self.unit)

    @property
    def hedged(self) -> bool:
        return bool(self.hedges)

    @property
    def partial(self) -> bool:
        """Control claimed only in part, or contested: never an exclusive conflict."""
        return self.degree in ("partial", "contested")


def day(text: str, *, end: bool = False) -> str:
    """A date or dateTime literal as a day string (``LOW``/``HIGH`` when absent)."""
    if not text:
        return HIGH if end else LOW
    return text[:10]


def instant(text: str, *, end: bool = False) -> str:
    """A date or dateTime literal as a sortable time string; a date's end sorts after its times.

    A latest bound at the last second of a day (``T23:59:59``, or ``T24:00:00``) is that day's
    end, as a date's is: "in the evening" (18:00–23:59:59) ends when "that day" ends, so that
    the two can be ordered (``_stated_later``).
    """
    if not text:
        return HIGH if end else LOW
    if len(text) <= 10:
        return text + _DAY_END if end else text
    if end and text[10:19] in _LAST_SECONDS:
        return text[:10] + _DAY_END
    return text[:19]


_LAST_SECONDS = frozenset({"T23:59:59", "T24:00:00"})


@dataclass
class Agent:
    """A source, relay or organisation: its name, who it speaks for, its side.

    ``sides``: its side in a named conflict (``cl:alignmentIn``), which overrides ``alignment``
    (its side in every conflict) for the claims of a case about that conflict.
    """

    iri: str
    name: str = ""
    principal: str = ""
    alignment: str = ""
    sides: dict[str, str] = field(default_factory=dict)


@dataclass
class Ledger:
    """What the rules read besides the claims: registry, status, derivations, names, places."""

    agents: dict[str, Agent] = field(default_factory=dict)
    retracted: dict[str, str] = field(default_factory=dict)  # claim -> when
    superseded: dict[str, list[str]] = field(default_factory=dict)  # claim -> revised by
    derived_from: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    alternate_names: dict[str, list[str]] = field(default_factory=dict)
    part_of: dict[str, list[str]] = field(default_factory=dict)
    #: a concept -> the more general concepts it falls under (skos:broader)
    broader: dict[str, list[str]] = field(default_factory=dict)
    #: a concept -> the parts of a question it answers (skos:inScheme: the agent used)
    in_scheme: dict[str, list[str]] = field(default_factory=dict)
    #: the schemes whose concepts can hold several at once (cl:severalAtOnce)
    several_at_once: set[str] = field(default_factory=set)
    cases: dict[str, str] = field(default_factory=dict)  # case IRI -> identifier
    written_as: dict[str, str] = field(default_factory=dict)  # claim -> IRI in its file
    #: properties a case declares (``vocabulary.yaml``): IRI -> kind; English labels in names
    kinds: dict[str, str] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)  # entities of type cl:Event
    claim_conflict: dict[str, str] = field(default_factory=dict)  # claim -> its case's conflict
    _chains: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _sides: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _wholes: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _vaguer: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def status(self, claim: str) -> str:
        if claim in self.retracted:
            return "retracted"
        if claim in self.superseded:
            return "superseded"
        return "current"

    def kind(self, prop: str) -> str:
        """A property's kind: declared in the ontology or by a case; ``Plain`` when unknown."""
        return vocabulary().kinds.get(prop) or self.kinds.get(prop) or "Plain"

    def name(self, iri: str) -> str:
        """A thing's English name (or any name), else the last part of its IRI."""
        if not iri:
            return ""
        agent = self.agents.get(iri)
        if agent and agent.name:
            return agent.name
        return self.names.get(iri) or vocabulary().labels.get(iri) or local_name(iri)

    def claim_name(self, iri: str) -> str:
        """A claim's short name: the last part of the IRI it was written with, if known."""
        local = local_name(self.written_as.get(iri, iri))
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

    def side(self, agent: str, conflict: str = "") -> str:
        """The agent's side in ``conflict`` (or in every conflict): its own, else that of the
        first it acts for that has one; a side named for the conflict comes before a global one.
        """
        key = (agent, conflict)
        found = self._sides.get(key)
        if found is None:
            found = ""
            chain = [self.agents.get(link) for link in self.chain(agent)]
            if conflict:
                found = next((a.sides[conflict] for a in chain if a and conflict in a.sides), "")
            if not found:
                found = next((a.alignment for a in chain if a and a.alignment), "")
            self._sides[key] = found
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

    def wholes(self, place: str) -> frozenset[str]:
        """Every place that ``place`` lies in, through cl:partOf (transitively)."""
        found = self._wholes.get(place)
        if found is None:
            found = self._wholes[place] = _closure(place, (self.part_of,))
        return found

    def vaguer(self, value: str) -> frozenset[str]:
        """Every value that says what ``value`` says with less detail: the concepts it falls
        under (skos:broader) and the forces or places it is part of (cl:partOf), transitively."""
        found = self._vaguer.get(value)
        if found is None:
            found = self._vaguer[value] = _closure(value, (self.broader, self.part_of))
        return found

    def is_event_fact(self, claim: Claim) -> bool:
        """An exclusive property of an event: one answer at any time."""
        return claim.prop in EVENT_PROPERTIES or claim.subject in self.events


def _closure(start: str, links: Sequence[Mapping[str, list[str]]]) -> frozenset[str]:
    """Everything reached from ``start`` through any of ``links`` (each maps a thing to the
    wider things it lies in), transitively; never ``start`` itself, even through a cycle."""
    seen: set[str] = set()
    todo = [wider for link in links for wider in link.get(start, ())]
    while todo:
        wider = todo.pop()
        if wider not in seen and wider != start:
            seen.add(wider)
            todo.extend(further for link in links for further in link.get(wider, ()))
    return frozenset(seen)


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


# --------------------------------------------------------------------------- scopes


@dataclass(frozen=True, slots=True)
class Scope:
    """What a count measures: its kind and, unless an event total, its since and until spans."""

    kind: str  # periodCount | runningTotal | eventTotal
    since: tuple[str, str]
    until: tuple[str, str]

    def text(self) -> str:
        if self.kind == "eventTotal":
            return "the whole event"
        since, until = _span_text(*self.since), _span_text(*self.until)
        if self.kind == "runningTotal":
            return f"a running total since {since} as of {until}"
        return f"a count from {since} to {until}"


def scope_of(claim: Claim) -> Scope | None:
    """A count's scope; None when it cannot be placed in time (eventTime unknown, no scope)."""
    kind = claim.scope_kind or "periodCount"
    if kind == "eventTotal":
        return Scope(kind, (LOW, HIGH), (LOW, HIGH))
    if not claim.scope_kind:
        if claim.time_unknown:
            return None
        return Scope(kind, (claim.start, claim.end), (claim.start, claim.end))
    since = (claim.since_start, claim.since_end)
    if claim.has_until:
        until = (claim.until_start, claim.until_end)
    elif kind == "runningTotal" and (claim.stated_start, claim.stated_end) != (LOW, HIGH):
        until = (day(claim.stated_start), day(claim.stated_end, end=True))
    elif not claim.time_unknown:
        until = (claim.start, claim.end)
    else:
        return None
    if kind == "periodCount" and since == (LOW, HIGH):
        if claim.time_unknown:
            return None
        since = (claim.start, claim.end)
    return Scope(kind, since, until)


def _meets(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def same_scope(a: Scope, b: Scope) -> bool:
    """The same kind and overlapping since and until spans (an event total: the same kind)."""
    if a.kind != b.kind:
        return False
    return a.kind == "eventTotal" or (_meets(a.since, b.since) and _meets(a.until, b.until))


def reach(claim: Claim) -> tuple[str, str]:
    """The days a claim can bear on, for pairing: its event time and its scope's bounds."""
    if claim.time_unknown and not claim.scope_kind:
        return LOW, HIGH
    start, end = (HIGH, LOW) if claim.time_unknown else (claim.start, claim.end)
    if claim.scope_kind == "eventTotal":
        return LOW, HIGH
    if claim.scope_kind:
        bounds = [claim.since_start, claim.since_end]
        if claim.has_until:
            bounds += [claim.until_start, claim.until_end]
        elif claim.stated_start != LOW:
            bounds += [day(claim.stated_start), day(claim.stated_end, end=True)]
        given = [b for b in bounds if b not in (LOW, HIGH)]
        if given:
            start, end = min(start, *given), max(end, *given)
    if start > end:
        return LOW, HIGH
    return start, end


# --------------------------------------------------------------------------- judging a pair


@dataclass(frozen=True, slots=True)
class Finding:
    """What two claims are to each other.

    ``relation``: conflict | revision | corroboration | compatible | update | scope-warning |
    derivation. ``type``: for a conflict, exclusive | quantity | denial | running-total |
    responsibility | means; for a corroboration, same value | nearly the same figure | …; for
    a compatible pair, one of ``COMPATIBLE_MATCHES``.
    """

    a: Claim
    b: Claim
    relation: str
    type: str
    reason: str


def ordered(finding: Finding) -> Finding:
    """The finding with its claims in IRI order."""
    if finding.a.iri <= finding.b.iri:
        return finding
    return Finding(finding.b, finding.a, finding.relation, finding.type, finding.reason)


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


def _within(inner: Claim, period: Claim) -> bool:
    """``period`` held on every day of its event time (``heldThroughout``) and ``inner``'s time
    lies within it, so both name that day or those days."""
    return period.throughout and period.start <= inner.start and inner.end <= period.end


def _both_hold(a: Claim, b: Claim) -> bool:
    """The two states are said to hold on one same day: the same day, a day within a period one
    of them held throughout, or two such periods that meet."""
    if _same_day(a, b) or _within(a, b) or _within(b, a):
        return True
    return a.throughout and b.throughout and _overlap(a, b)


def _before(a: Claim, b: Claim) -> bool:
    """``a``'s event time is wholly before ``b``'s (days, or named days of one document)."""
    if _named_days(a, b):
        return _DAYS.get(a.day_of_week, 0) < _DAYS.get(b.day_of_week, 0) and a.end <= b.end
    return a.end < b.start


_DAYS = {
    CL_IRI + day: number
    for number, day in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), 1
    )
}


def _base_range(claim: Claim) -> tuple[float, float, str] | None:
    """The quantity's bounds in the base unit of its dimension (open bounds are infinite)."""
    vocab = vocabulary()
    factor = vocab.factors.get(claim.unit)
    if factor is None:
        return None
    low = claim.lower * factor if claim.lower is not None else float("-inf")
    high = claim.upper * factor if claim.upper is not None else float("inf")
    return low, high, vocab.dimensions.get(claim.unit, "")


#: Figures given as a magnitude word: "several hundred", "dozens", "thousands".
MAGNITUDE_WORDS = frozenset({"several", "many"})


def _judged_range(claim: Claim) -> tuple[float, float, str] | None:
    """The bounds a figure is held to when judging whether two figures cannot both be true.

    A magnitude word names an order of magnitude, not a ceiling: "several hundred" (read as
    200-999) said of 1,200 people understates, it does not contradict; it is wrong only where
    the figure needs the next magnitude's own word ("thousands", from 2,000). So the upper
    bound of a ``several`` or ``many`` figure is held open up to twice the next power of ten
    above its magnitude (its magnitude is half its lower bound: "several hundred" from 200,
    "dozens" from 24): "several" below 20, "dozens" below 200, "several hundred" below 2,000,
    "several thousand" below 20,000. The stated bounds still decide what the figure supports.
    """
    found = _base_range(claim)
    if found is None or claim.qualifier not in MAGNITUDE_WORDS or claim.lower is None:
        return found
    low, high, dimension = found
    if claim.lower <= 0 or high == float("inf"):
        return found
    factor = vocabulary().factors.get(claim.unit, 1.0)
    next_magnitude = 10.0 ** (math.floor(math.log10(claim.lower / 2)) + 1)
    soft = math.nextafter(2 * next_magnitude * factor, 0.0)
    return low, max(high, soft), dimension


#: The tallies: how many people something happened to during the event time (a toll of the
#: killed or injured, the detained, the displaced ...). Counted as the news comes in, the figure
#: for one event or one past period only grows; a stock at a moment (a population, a strength,
#: the people in a building), a distance or a share can go either way.
TALLIES = frozenset(
    CL_IRI + name
    for name in (
        "killedCount", "injuredCount", "casualtyCount", "detainedCount", "surrenderedCount",
        "evacuatedCount", "displacedCount", "returnedCount",
    )
)  # fmt: skip
#: A tally (a toll, a count of a day past) is still being counted this many days after the end
#: of what it counts: a larger figure stated within this many days of an earlier one updates
#: it, and so does any later, larger figure when the earlier one was stated within this many
#: days of the event (a first count); two figures both stated later are two assessments.
COUNTING_DAYS = 7
#: a toll said by the day after the event is an initial count (``_outgrown_first_count``)
INITIAL_COUNT_DAYS = 1
#: Counts of two different things at one place are flagged as the same figure only from this
#: size up: small figures coincide by chance, a figure like 3,200 or 22,224 does not.
SAME_FIGURE_AT_LEAST = 1000
#: A closed range wider than this share of its middle has no nominal figure ("thousands" read
#: as 2,000–999,999 says no figure; "about 10,000" read as 9,000–11,000 says 10,000).
NARROW_RANGE = 0.2
#: "More than 493,000" (read as at least 493,001) and "493,000" cite one figure: a gap smaller
#: than this share, on the side of an open-ended range, is no gap.
CITED_GAP = 0.01


def _nominal(claim: Claim, low: float, high: float) -> float | None:
    """The figure the source gave (cl:nominal), else the middle of a narrow closed range, else
    the bound it gave ("at least 2,000": 2,000); None for a wide range ("thousands")."""
    if claim.nominal is not None:
        return claim.nominal * vocabulary().factors.get(claim.unit, 1.0)
    if low == float("-inf") and high == float("inf"):
        return None
    if low == float("-inf"):
        return high
    if high == float("inf"):
        return low
    middle = (low + high) / 2
    return middle if high - low <= NARROW_RANGE * abs(middle) else None


def closeness(a: Claim, b: Claim) -> str | None:
    """How two figures relate: "apart", "compatible", "near" (nearly the same) or "same";
    None when they measure different things (dimensions, unknown units).

    Near: the nominal figures within ``NOMINAL_TOLERANCE`` of each other, or an overlap that
    covers at least ``OVERLAP_SHARE`` of the wider (finite) range. Ranges that do not meet are
    apart, unless the gap is under ``CITED_GAP`` and faces an open-ended range ("more than
    493,000" against "493,000").
    """
    ra, rb = _base_range(a), _base_range(b)
    if ra is None or rb is None or ra[2] != rb[2]:
        return None
    if (a.lower, a.upper, a.unit) == (b.lower, b.upper, b.unit):
        return "same"
    na, nb = _nominal(a, ra[0], ra[1]), _nominal(b, rb[0], rb[1])
    near = (
        na is not None
        and nb is not None
        and abs(na - nb) <= NOMINAL_TOLERANCE * max(abs(na), abs(nb))
    )
    if not (ra[0] <= rb[1] and rb[0] <= ra[1]):
        ja, jb = _judged_range(a) or ra, _judged_range(b) or rb
        if ja[0] <= jb[1] and jb[0] <= ja[1]:
            return "compatible"  # a magnitude word's reach: understated, not contradicted
        low, high = (ra, rb) if ra[1] < rb[0] else (rb, ra)  # low lies wholly below high
        gap = high[0] - low[1]
        facing_open = high[1] == float("inf") or low[0] == float("-inf")
        if near and facing_open and gap < CITED_GAP * abs(high[0]):
            return "near"
        return "apart"
    if near:
        return "near"
    overlap = min(ra[1], rb[1]) - max(ra[0], rb[0])
    wider = max(ra[1] - ra[0], rb[1] - rb[0])
    if wider != float("inf") and wider > 0 and overlap >= OVERLAP_SHARE * wider:
        return "near"
    return "compatible"


def judge(a: Claim, b: Claim, ledger: Ledger) -> Finding | None:
    """The relation between two claims about the same property, if any.

    The pair comes from ``pairs``: about the same subject (or a place and a part of it), at the
    same place or one without a place, at times that can meet, or (states) an assertion and a
    later denial with no change of state between them. By the property's kind:
    - exclusive state (``controlledBy``): different values for the same day conflict (unless
      either is partial or contested); on different or unknown days they are a succession, no
      finding. The same value corroborates at overlapping times. A denial conflicts with an
      assertion of the same value on the same day, or made earlier (the state persists).
    - exclusive event fact (``perpetratedBy``, ``meansUsed``): different answers conflict, a
      denial of the same answer conflicts, at any time.
    - quantitative: see ``_judge_figures`` (scopes, running totals, vague figures).
    - plain: a denial conflicts with an assertion of the same value; the same value with the
      same stance corroborates; different values do not conflict (both may hold).
    A conflict between two claims of the same source, or of speakers for the same organisation
    (``prov:actedOnBehalfOf``), is a revision by that organisation, not a conflict, when one was
    stated later (``_stated_later``). Two figures of one voice (``_one_voice``: the same source,
    or a speaker and the organisation they speak for) whose stated times cannot be ordered are a
    revision of unknown order, unless both are one document's own words at one time
    (``_one_statement``): then the document contradicts itself. Other answers that cannot be
    ordered (two offices of one government, or not figures) stay a conflict.
    """
    if b.iri < a.iri:  # the same reason whichever way round the pair comes
        a, b = b, a
    if a.controller and a.is_quantity and b.prop == CONTROLLED_BY:
        return _judge_share(a, b, ledger)
    if b.controller and b.is_quantity and a.prop == CONTROLLED_BY:
        return _judge_share(b, a, ledger)
    if a.prop != b.prop or a.is_quantity != b.is_quantity:
        return None
    prop = ledger.name(a.prop)
    kind = ledger.kind(a.prop)
    finding: tuple[str, str, str] | None
    if a.subject != b.subject:
        if kind == "Exclusive":
            finding = _judge_nested_state(a, b, ledger, prop)
        else:
            finding = _judge_other_things(a, b, ledger, prop)
    elif kind == "Exclusive" and not a.is_quantity:
        if not (not a.place or not b.place or a.place == b.place):
            return None
        if ledger.is_event_fact(a):
            finding = _judge_event(a, b, ledger, prop)
        else:
            if a.time_unknown or b.time_unknown:
                return None
            finding = _judge_state(a, b, ledger, prop)
    elif a.is_quantity:
        finding = _judge_figures(a, b, ledger, prop)
    else:
        if not (not a.place or not b.place or a.place == b.place):
            return None
        if a.time_unknown or b.time_unknown or not _overlap(a, b):
            return None
        if _named_days(a, b) and a.day_of_week != b.day_of_week:
            return None
        finding = _judge_plain(a, b, ledger, prop)
    if finding is None:
        return None
    relation, kind_of, reason = finding
    if relation in ("conflict", "compatible") and ledger.origin(a.source) == ledger.origin(
        b.source
    ):
        revised = _revision(a, b, ledger)
        if revised is not None:
            # compatible figures of one origin ("more than 40", then "at least 150") differ too
            kind_of = "quantity" if relation == "compatible" else kind_of
            relation, reason = "revision", revised
        elif relation == "conflict" and a.source == b.source:
            reason += f"; both from {ledger.name(a.source)}"
    return Finding(a, b, relation, kind_of, reason)


def _revision(a: Claim, b: Claim, ledger: Ledger) -> str | None:
    """Why two claims of one origin are a revision, or None: one was stated later, or they are
    two figures of one voice whose times cannot be ordered and that are not one statement."""
    origin = ledger.name(ledger.origin(a.source))
    later = _stated_later(a, b)
    if later is not None:
        first, second = (a, b) if later is b else (b, a)
        return (
            f"{origin} revised its own statement: {_said(first, ledger)} (said "
            f"{_stated_text(first)}), then {_said(second, ledger)} (said {_stated_text(second)})"
        )
    if a.is_quantity and _one_voice(a, b, ledger) and not _one_statement(a, b):
        return (
            f"{origin} gave two figures at times that cannot be ordered: {_said(a, ledger)} "
            f"(said {_stated_text(a)}) and {_said(b, ledger)} (said {_stated_text(b)}): a "
            "revision, order not known"
        )
    return None


def _one_voice(a: Claim, b: Claim, ledger: Ledger) -> bool:
    """The same source, or a speaker and the organisation they speak for (directly or through
    others): one voice, which may change its figure. Two offices of one government are one
    origin but two voices."""
    return (
        a.source == b.source
        or a.source in ledger.chain(b.source)
        or b.source in ledger.chain(a.source)
    )


def _one_statement(a: Claim, b: Claim) -> bool:
    """Both claims are one document's own words, stated at times that meet: one statement at
    one time (an article's lead and its sub-heading), which cannot revise itself."""
    return bool(
        a.own_document
        and a.own_document == b.own_document
        and a.stated_start <= b.stated_end
        and b.stated_start <= a.stated_end
    )


def _denied_when(
    asserting: Claim, denying: Claim, ledger: Ledger, what: str, first: Claim
) -> str | None:
    """When a denial meets an assertion of a state (``what`` names the asserted value): the
    same day (told as ``first``, the pair's first claim, says it), or a later day while the
    asserted state persists; None when the denial came first (a later assertion is a new
    state, not a contradiction)."""
    if _same_day(asserting, denying):
        return f"on {_when(first, ledger)}"
    if _within(denying, asserting):
        return (
            f"on {_when(denying, ledger)}, within the period asserted ({_when(asserting, ledger)})"
        )
    if _before(asserting, denying):
        return (
            f"on {_when(denying, ledger)}, after {what} was asserted for "
            f"{_when(asserting, ledger)} and nothing in between changed it"
        )
    return None


def _judge_state(a: Claim, b: Claim, ledger: Ledger, prop: str) -> tuple[str, str, str] | None:
    subject = ledger.name(a.subject)
    levels = _levels(a, b, ledger)
    if levels is not None:
        narrow, broad = levels
        if broad.denies and not narrow.denies:
            if narrow.partial:
                return None
            when = _denied_when(narrow, broad, ledger, ledger.name(narrow.value), a)
            if when is None:
                return None
            return _judge_levels(narrow, broad, ledger, f"{subject} was {prop}", f" {when}")
        if not _overlap(a, b):
            return None
        when = _when(a, ledger)
        if (a.start, a.end, a.day_of_week) != (b.start, b.end, b.day_of_week):
            when += f" and {_when(b, ledger)}"
        return _judge_levels(narrow, broad, ledger, f"{subject} {prop}", f" ({when})")
    if a.value == b.value:
        if a.denies == b.denies:
            if not _overlap(a, b):
                return None
            if not a.denies and _same_day(a, b) and _one_whole_one_contested(a, b):
                whole, contested = (a, b) if b.degree == "contested" else (b, a)
                return (
                    "conflict",
                    "exclusive",
                    f"{ledger.name(whole.source)} says {ledger.name(a.value)} held all of "
                    f"{subject} on {_when(a, ledger)}; {ledger.name(contested.source)} says it "
                    "was contested that day",
                )
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
        asserting, denying = (b, a) if a.denies else (a, b)
        if asserting.partial:
            return None
        when = _denied_when(asserting, denying, ledger, "it", a)
        if when is None:
            return None
        return (
            "conflict",
            "denial",
            f"{ledger.name(denying.source)} denies that {subject} was {prop} "
            f"{ledger.name(a.value)} {when}, which {ledger.name(asserting.source)} asserts",
        )
    if a.denies or b.denies or not _both_hold(a, b):
        return None
    if (a.partial or b.partial) and not _one_whole_one_partial(a, b):
        return None
    if _same_day(a, b):
        return (
            "conflict",
            "exclusive",
            f"{subject} {prop} {ledger.name(a.value)} ({ledger.name(a.source)}) and "
            f"{ledger.name(b.value)} ({ledger.name(b.source)}) on the same day, "
            f"{_when(a, ledger)}: only one can hold at a time",
        )
    period, other = (a, b) if _within(b, a) or (not _within(a, b) and a.throughout) else (b, a)
    held = "throughout" if other.throughout else "on"
    return (
        "conflict",
        "exclusive",
        f"{subject} {prop} {ledger.name(period.value)} ({ledger.name(period.source)}) throughout "
        f"{_when(period, ledger)}, and {ledger.name(other.value)} "
        f"({ledger.name(other.source)}) {held} {_when(other, ledger)}: only one can hold at a time",
    )


def _holds_all(claim: Claim) -> bool:
    """Full control of the whole place: ``placeCoverage: whole`` (or ``degree: full``) and not
    partial or contested."""
    return (claim.whole or claim.degree == "full") and not claim.partial


def _one_whole_one_partial(a: Claim, b: Claim) -> bool:
    """One holds all of the place while the other claims part of it: they exclude each other."""
    return (_holds_all(a) and b.partial) or (_holds_all(b) and a.partial)


def _one_whole_one_contested(a: Claim, b: Claim) -> bool:
    """The same controller said to hold all of the place and to be fighting for it."""
    return (_holds_all(a) and b.degree == "contested") or (
        _holds_all(b) and a.degree == "contested"
    )


def _judge_nested_state(
    a: Claim, b: Claim, ledger: Ledger, prop: str
) -> tuple[str, str, str] | None:
    """A state claimed for the whole of a place against a state of a part of it, same day."""
    if b.whole and b.subject in ledger.wholes(a.subject):
        whole, part = b, a
    elif a.whole and a.subject in ledger.wholes(b.subject):
        whole, part = a, b
    else:
        return None
    if whole.denies or whole.partial or part.partial or ledger.is_event_fact(whole):
        return None
    if whole.time_unknown or part.time_unknown or not _same_day(whole, part):
        return None
    area, piece = ledger.name(whole.subject), ledger.name(part.subject)
    if part.denies and part.value in ledger.vaguer(whole.value):
        return (
            "conflict",
            "denial",
            f"{ledger.name(whole.source)} says all of {area} was {prop} "
            f"{ledger.name(whole.value)} on {_when(whole, ledger)}; {ledger.name(part.source)} "
            f"denies that {piece}, part of it, was {prop} {ledger.name(part.value)}, and "
            f"{_nesting_text(whole.value, part.value, ledger)}",
        )
    if part.denies and part.value == whole.value:
        return (
            "conflict",
            "denial",
            f"{ledger.name(whole.source)} says all of {area} was {prop} "
            f"{ledger.name(whole.value)} on {_when(whole, ledger)}; {ledger.name(part.source)} "
            f"denies it for {piece}, part of it",
        )
    if part.denies or part.value == whole.value or _levels(whole, part, ledger) is not None:
        return None
    return (
        "conflict",
        "exclusive",
        f"all of {area} {prop} {ledger.name(whole.value)} ({ledger.name(whole.source)}) and "
        f"{piece}, part of it, {prop} {ledger.name(part.value)} ({ledger.name(part.source)}) "
        f"on the same day, {_when(whole, ledger)}",
    )


def _judge_share(share: Claim, whole: Claim, ledger: Ledger) -> Finding | None:
    """'X holds all of the place' against 'X holds N percent of it', N under 100, the same day
    or later while the state persisted (``pairs`` checks nothing changed between)."""
    if share.subject != whole.subject or share.controller != whole.value or share.denies:
        return None
    if whole.denies or not _holds_all(whole) or whole.time_unknown or share.time_unknown:
        return None
    if not (_same_day(whole, share) or whole.end < share.start):
        return None
    high = (_base_range(share) or (0.0, float("inf"), ""))[1]
    if high >= 100:
        return None
    reason = (
        f"{ledger.name(whole.source)} says {ledger.name(whole.value)} held all of "
        f"{ledger.name(whole.subject)} on {_when(whole, ledger)}; {ledger.name(share.source)} "
        f"gives it {_range_text(share, ledger)} of it on {_when(share, ledger)}"
    )
    return ordered(Finding(whole, share, "conflict", "exclusive", reason))


def _judge_other_things(
    a: Claim, b: Claim, ledger: Ledger, prop: str
) -> tuple[str, str, str] | None:
    """The same figure at one place for two different things counted: a scope warning."""
    key = same_figure_key(a)
    if key is None or key != same_figure_key(b):
        return None
    return (
        "scope-warning",
        "same figure, different things counted",
        f"{prop}: {_range_text(a, ledger)} at {ledger.name(a.place)} is given for "
        f"{ledger.name(a.subject)} and for {ledger.name(b.subject)}: not the same measurement",
    )


def _levels(a: Claim, b: Claim, ledger: Ledger) -> tuple[Claim, Claim] | None:
    """(narrower, vaguer) when one claim's value says the other's with more detail (sarin
    against a nerve agent: ``Ledger.vaguer``); None for equal or unrelated values."""
    if not a.value or not b.value or a.value == b.value:
        return None
    if b.value in ledger.vaguer(a.value):
        return a, b
    if a.value in ledger.vaguer(b.value):
        return b, a
    return None


def _judge_levels(
    narrow: Claim, broad: Claim, ledger: Ledger, said: str, when: str
) -> tuple[str, str, str] | None:
    """Two values at two levels of detail: compatible (listed, never support) when both are
    asserted; a denial of the vaguer value conflicts with an assertion of the narrower one (no
    nerve agent, against sarin); a denial of the narrower value says nothing of the vaguer one.

    ``said`` is the subject and property as words, ``when`` the time the reason names (the
    caller has checked the times)."""
    nesting = _nesting_text(narrow.value, broad.value, ledger)
    if broad.denies and not narrow.denies:
        return (
            "conflict",
            "denial",
            f"{ledger.name(broad.source)} denies that {said} {ledger.name(broad.value)}{when}; "
            f"{ledger.name(narrow.source)} asserts {ledger.name(narrow.value)}, and {nesting}",
        )
    if narrow.denies or broad.denies:
        return None
    return (
        "compatible",
        "two levels of detail",
        f"{said} {ledger.name(narrow.value)} ({ledger.name(narrow.source)}) and "
        f"{ledger.name(broad.value)} ({ledger.name(broad.source)}){when}: {nesting}, the two say "
        "the same at two levels of detail: not support",
    )


def _nesting_text(narrow: str, broad: str, ledger: Ledger) -> str:
    """How one value nests in another, in words: ``Sarin is a kind of a nerve agent``."""
    concepts = Ledger(broader=ledger.broader).vaguer(narrow)
    parts = Ledger(part_of=ledger.part_of).vaguer(narrow)
    link = "falls under"
    if broad in concepts or broad in parts:
        link = "is a kind of" if broad in concepts else "is part of"
    return f"{ledger.name(narrow)} {link} {_in_sentence(ledger.name(broad))}"


def _in_sentence(name: str) -> str:
    """A name that starts with an article, as it reads inside a sentence (``a nerve agent``)."""
    first, _, rest = name.partition(" ")
    return first.lower() + " " + rest if rest and first in ("A", "An", "The") else name


def _judge_event(a: Claim, b: Claim, ledger: Ledger, prop: str) -> tuple[str, str, str] | None:
    subject = ledger.name(a.subject)
    if a.value == b.value:
        if a.denies == b.denies:
            verb = "deny" if a.denies else "say"
            return ("corroboration", "same value", f"both {verb} {subject} {prop} "
                    f"{ledger.name(a.value)}")  # fmt: skip
        asserting, denying = (b, a) if a.denies else (a, b)
        return (
            "conflict",
            "denial",
            f"{ledger.name(denying.source)} denies that {subject} {prop} "
            f"{ledger.name(a.value)}, which {ledger.name(asserting.source)} asserts",
        )
    levels = _levels(a, b, ledger)
    if levels is not None:
        return _judge_levels(*levels, ledger, f"{subject} {prop}", "")
    if a.denies or b.denies:
        return None
    parts = _judge_parts(a, b, ledger, f"{subject} {prop}")
    if parts is not None:
        return parts
    if a.among_others and b.among_others:
        # each names one answer among others; against the answer ("the gas used was X"), one
        # among others is still a different answer
        return (
            "compatible",
            "one answer among others",
            f"{subject} {prop} {ledger.name(a.value)} ({ledger.name(a.source)}) and "
            f"{ledger.name(b.value)} ({ledger.name(b.source)}): each is named as one answer "
            "among others, so both can be true: not support",
        )
    return (
        "conflict",
        _EVENT_TYPES.get(a.prop, "exclusive"),
        f"{subject} {prop} {ledger.name(a.value)} ({ledger.name(a.source)}) or "
        f"{ledger.name(b.value)} ({ledger.name(b.source)}): an event happened once",
    )


def _parts(value: str, ledger: Ledger) -> dict[str, set[str]]:
    """The parts of the question that ``value`` answers (skos:inScheme of it or of a concept it
    falls under), each with the concepts that answer it: sarin under a nerve agent answers "the
    agent" with both."""
    found: dict[str, set[str]] = {}
    for concept in (value, *ledger.vaguer(value)):
        for scheme in ledger.in_scheme.get(concept, ()):
            found.setdefault(scheme, set()).add(concept)
    return found


def _differ(these: set[str], those: set[str], ledger: Ledger) -> bool:
    """Whether two answers to one part differ: some concept of one neither is, nor nests in,
    nor holds a concept of the other (sarin and chlorine differ; sarin and a nerve agent not)."""
    return any(
        x != y and x not in ledger.vaguer(y) and y not in ledger.vaguer(x)
        for x in these
        for y in those
    )


def _judge_parts(a: Claim, b: Claim, ledger: Ledger, said: str) -> tuple[str, str, str] | None:
    """Two different values of an event's exclusive property, compared part by part when both
    are in concept schemes (``Ledger.in_scheme``); None when either answers the whole question.

    They conflict on a part both answer differently, unless several of that part's concepts can
    hold at once (``Ledger.several_at_once``: two agents in one attack) and neither claim names
    its value as the only answer, or both name theirs as one among others. Values that differ
    only on such parts are compatible ("several at once").
    Values that agree on every part both answer (or share none) answer different parts of
    the question (a nerve agent; a depot hit by an air strike): compatible. None is support."""
    these, those = _parts(a.value, ledger), _parts(b.value, ledger)
    if not these or not those:
        return None
    shared = these.keys() & those.keys()
    differing = [s for s in sorted(shared) if _differ(these[s], those[s], ledger)]
    one_only = a.only_answer or b.only_answer
    both_among = a.among_others and b.among_others
    clash = [
        s for s in differing if not both_among and (one_only or s not in ledger.several_at_once)
    ]
    first, second = (
        f"{ledger.name(c.value)} ({ledger.name(c.source)})" for c in (a, b)
    )  # fmt: skip
    if clash:
        return (
            "conflict",
            _EVENT_TYPES.get(a.prop, "exclusive"),
            f"{said} {first} or {second}: two answers to the part "
            f'"{ledger.name(clash[0])}", and an event happened once',
        )
    if differing:
        return (
            "compatible",
            "several at once",
            f"{said} {first} and {second}: several answers to the part "
            f'"{ledger.name(differing[0])}" can hold at once, and neither is named as the '
            "only one: not support",
        )
    own = " and ".join(
        f'"{ledger.name(min(p.keys() - shared or p.keys()))}"' for p in (these, those)
    )
    agree = f'the same answer to "{ledger.name(min(shared))}", and otherwise ' if shared else ""
    return (
        "compatible",
        "different parts of the question",
        f"{said} {first} and {second}: {agree}answers to different parts of the question "
        f"({own}): not support",
    )


def _judge_figures(a: Claim, b: Claim, ledger: Ledger, prop: str) -> tuple[str, str, str] | None:
    """Two figures of the same subject and property.

    At different places they compare only when one place lies in the other and the claim about
    the containing place covers the whole of it: a part's figure above the whole's conflicts.
    Otherwise by scope (``scope_of``): the same scope compares the figures (apart: conflict;
    nearly the same: corroboration; meeting only: compatible; a denial conflicts with an
    assertion it meets); running totals from the same start at different times: a later smaller
    total conflicts, a later larger one is an update, the same figure a scope warning; different
    scopes: the same figure is a scope warning.
    """
    sa, sb = scope_of(a), scope_of(b)
    if sa is None or sb is None:
        return None
    figures = f"{_range_text(a, ledger)} and {_range_text(b, ledger)}"
    if a.place and b.place and a.place != b.place:
        return _nested_figures(a, b, sa, sb, ledger, prop)
    close = closeness(a, b)
    if close is None:
        return None
    if sa.kind == sb.kind == "runningTotal" and _meets(sa.since, sb.since):
        if not _meets(sa.until, sb.until):
            if a.denies or b.denies:
                return None
            earlier, later = (a, b) if sa.until[1] < sb.until[0] else (b, a)
            low_e, high_e, _ = _base_range(earlier) or (0.0, 0.0, "")
            low_l, high_l, _ = _base_range(later) or (0.0, 0.0, "")
            totals = (
                f"{prop} since {_span_text(*sa.since)}: {_range_text(earlier, ledger)} "
                f"({ledger.name(earlier.source)}, as of {_span_text(*_until(earlier))}), then "
                f"{_range_text(later, ledger)} ({ledger.name(later.source)}, as of "
                f"{_span_text(*_until(later))})"
            )
            if (_judged_range(later) or (0.0, 0.0, ""))[1] < low_e:
                return ("conflict", "running-total", totals + ": a running total cannot shrink")
            nominal_e = _nominal(earlier, low_e, high_e)
            same = close == "same" or (
                nominal_e is not None and nominal_e == _nominal(later, low_l, high_l)
            )
            if same:  # the same range, or the same nominal figure ("some 450,000", "450,000")
                # the scope warning: one figure for two windows (since June, as of
                # 29 August and as of 17 October); the later may repeat the earlier count
                return (
                    "scope-warning",
                    "same figure, different scopes",
                    f"{prop}: {figures}, but {sa.text()} and {sb.text()}: the same figure as "
                    "of two dates, not the same measurement (the later may repeat an earlier "
                    "count)",
                )
            if low_l > high_e or close in ("same", "near"):
                return ("update", "running total", totals)
            return None
    tally = a.prop in TALLIES and (
        sa.kind == sb.kind == "eventTotal" or not (a.scope_kind or b.scope_kind)
    )
    others = ledger.origin(a.source) != ledger.origin(b.source)  # else: a revision, below
    if tally and others and close == "apart" and same_scope(sa, sb) and not (a.denies or b.denies):
        told_later = _stated_later(a, b)
        first = b if told_later is a else a
        if told_later is not None and (
            _days_between(first, told_later) <= COUNTING_DAYS or _while_counted(first)
        ):
            # a toll, or a count of a day past, is a tally: it grows while it is counted, and
            # a figure given while it was counted is outgrown by any later, larger one
            totals = (
                f"{prop} ({sa.text()}): {_range_text(first, ledger)} "
                f"({ledger.name(first.source)}, said {_stated_text(first)}), then "
                f"{_range_text(told_later, ledger)} ({ledger.name(told_later.source)}, said "
                f"{_stated_text(told_later)})"
            )
            low_e = (_base_range(first) or (0.0, 0.0, ""))[0]
            high_l = (_judged_range(told_later) or (0.0, 0.0, ""))[1]
            if high_l < low_e:
                return ("conflict", "running-total", totals + ": a toll cannot shrink")
            return ("update", "running total", totals)
        if told_later is None:
            outgrown = _outgrown_first_count(a, b)
            if outgrown is not None:
                smaller, larger = outgrown
                return (
                    "update",
                    "running total",
                    f"{prop} ({sa.text()}): {_range_text(smaller, ledger)} "
                    f"({ledger.name(smaller.source)}, said {_stated_text(smaller)}, a first "
                    f"count) and {_range_text(larger, ledger)} ({ledger.name(larger.source)}, "
                    f"said {_stated_text(larger)}): the order they were said in is not known; "
                    "both are true if the larger came later",
                )
    if not same_scope(sa, sb):
        if a.denies or b.denies or close not in ("same", "near"):
            return None
        return (
            "scope-warning",
            "same figure, different scopes",
            f"{prop}: {figures}, but {sa.text()} and {sb.text()}: not the same measurement",
        )
    if a.denies == b.denies:
        if close == "apart":
            if a.denies:
                return None
            of = f" of {sa.text()}" if a.scope_kind or b.scope_kind else ""
            return ("conflict", "quantity", f"{prop}: {figures} cannot both be true{of}")
        if close == "compatible":
            return (
                "compatible",
                "compatible figures",
                f"{prop}: {figures} can both be true, but one is much vaguer: not support",
            )
        same = close == "same"
        return (
            "corroboration",
            "same value" if same else "nearly the same figure",
            f"{prop}: {figures} " + ("are the same figure" if same else "say nearly the same"),
        )
    if close != "apart":
        asserting, denying = (b, a) if a.denies else (a, b)
        return (
            "conflict",
            "denial",
            f"{ledger.name(denying.source)} denies {prop} {_range_text(denying, ledger)}, "
            f"{ledger.name(asserting.source)} asserts {_range_text(asserting, ledger)}",
        )
    return None


def _nested_figures(
    a: Claim, b: Claim, sa: Scope, sb: Scope, ledger: Ledger, prop: str
) -> tuple[str, str, str] | None:
    if b.whole and b.place in ledger.wholes(a.place):
        whole, part = b, a
    elif a.whole and a.place in ledger.wholes(b.place):
        whole, part = a, b
    else:
        return None
    if whole.denies or part.denies or not same_scope(sa, sb):
        return None
    rw, rp = _judged_range(whole), _base_range(part)
    if rw is None or rp is None or rw[2] != rp[2] or rp[0] <= rw[1]:
        return None
    return (
        "conflict",
        "quantity",
        f"{prop}: {_range_text(part, ledger)} in {ledger.name(part.place)} "
        f"({ledger.name(part.source)}) is more than {_range_text(whole, ledger)} in all of "
        f"{ledger.name(whole.place)} ({ledger.name(whole.source)}), which it is part of",
    )


def _until(claim: Claim) -> tuple[str, str]:
    scope = scope_of(claim)
    return scope.until if scope is not None else (LOW, HIGH)


def _while_counted(claim: Claim, days: int = COUNTING_DAYS) -> bool:
    """The claim's figure was stated within ``days`` (``COUNTING_DAYS``) of the end of the event
    or period it counts (both known to the day): a first count, which later counts may outgrow."""
    try:
        end = dt.date.fromisoformat(claim.end[:10])
        said = dt.date.fromisoformat(claim.stated_end[:10])
    except ValueError:  # an open or unknown end: not known to be early
        return False
    return (said - end).days <= days


def _outgrown_first_count(a: Claim, b: Claim) -> tuple[Claim, Claim] | None:
    """(smaller, larger) when two tolls said in an unknown order can both be true: the smaller
    is an initial count, said by the day after the event (``INITIAL_COUNT_DAYS``), and the
    larger may have been said after it (its stated time ends later). A toll grows while it is
    counted, so that order makes the pair an update, and a conflict needs two figures that
    cannot both be true. (A smaller figure said days later is another account of the total,
    which a figure of unknown date may as well have preceded: still compared.)"""
    low_a = (_base_range(a) or (0.0, 0.0, ""))[0]
    low_b = (_base_range(b) or (0.0, 0.0, ""))[0]
    if low_a == low_b:
        return None
    smaller, larger = (a, b) if low_a < low_b else (b, a)
    high_larger = (_judged_range(larger) or (0.0, 0.0, ""))[1]
    high_smaller = (_judged_range(smaller) or (0.0, 0.0, ""))[1]
    if high_larger < high_smaller or not _while_counted(smaller, INITIAL_COUNT_DAYS):
        return None
    return (smaller, larger) if larger.stated_end > smaller.stated_end else None


def _days_between(first: Claim, later: Claim) -> int:
    """Whole days from the end of one statement to the start of a later one."""
    try:
        end = dt.date.fromisoformat(first.stated_end[:10])
        start = dt.date.fromisoformat(later.stated_start[:10])
    except ValueError:  # an open end: no order in days
        return 0
    return (start - end).days


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
    """The claim stated after the other: their stated times do not overlap, or one span starts
    later and ends no earlier ("that week" against "on the Friday that ended it")."""
    if a.stated_end < b.stated_start:
        return b
    if b.stated_end < a.stated_start:
        return a
    if a.stated_start < b.stated_start and a.stated_end <= b.stated_end:
        return b
    if b.stated_start < a.stated_start and b.stated_end <= a.stated_end:
        return a
    return None


def _said(claim: Claim, ledger: Ledger) -> str:
    return _range_text(claim, ledger) if claim.is_quantity else ledger.name(claim.value)


def _number_text(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def range_text(claim: Claim, ledger: Ledger) -> str:
    """A quantity as words: ``2,000–9,999 people``, ``at least 471 people``."""
    return _range_text(claim, ledger)


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
    return {"person": "people", "percent": "percent"}.get(unit, unit + "s" if unit else unit)


def _span_text(start: str, end: str) -> str:
    start, end = start.removesuffix(_DAY_END), end.removesuffix(_DAY_END)
    if start == end:
        return start
    return f"{start or '…'} to {end if end != HIGH else '…'}"


def day_text(start: str, end: str) -> str:
    """A span of days (or times) as text: ``2016-11-27``, ``2016-11-01 to 2016-11-30``."""
    return _span_text(start, end)


def _stated_text(claim: Claim) -> str:
    start, end = claim.stated_start, claim.stated_end.removesuffix(_DAY_END)
    if start == end or (len(start) == 10 and end == start):
        return start.replace("T", " ")
    if len(start) > 10 and end == start[:10]:  # from an hour of a day to its end: "evening"
        return f"{start.replace('T', ' ')} to 23:59:59"
    return _span_text(start.replace("T", " "), end.replace("T", " "))


def when(claim: Claim, ledger: Ledger) -> str:
    """A claim's event time as text (a named day with its span, or ``unknown``)."""
    return _when(claim, ledger)


def _when(claim: Claim, ledger: Ledger) -> str:
    if claim.time_unknown:
        return "an unknown time"
    if claim.day_of_week:
        return f"{ledger.name(claim.day_of_week)} ({_span_text(claim.start, claim.end)})"
    return _span_text(claim.start, claim.end)


# --------------------------------------------------------------------------- independence


def independence(
    a: Claim, b: Claim, ledger: Ledger, claims: dict[str, Claim], *, explain: bool = True
) -> tuple[str, str]:
    """Whether two claims come from independent origins: (kind, reason).

    A claim derived from others (prov:wasDerivedFrom, a reporter's synthesis) speaks with the
    voices of the claims it was derived from, followed back to claims derived from nothing.
    ``same-origin``: one derived from the other, or both from a common claim; or, between the
    voices: the same source, or sources acting for the same organisation (prov:actedOnBehalfOf,
    followed to its end). A relay (cl:relayedBy) is not an origin: two speakers carried by the
    same agency stay as independent as they are; the agency is an origin only where it is the
    attributed source. ``aligned``: otherwise, every voice of one on the same side as every
    voice of the other (its side in the conflict of the claim's case, cl:alignmentIn, else its
    cl:alignment; a person takes the side of whom they act for), a side other than
    cl:Independent. ``independent``: neither.
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
    sides = {_side(v, ledger) for v in voices_a} | {_side(v, ledger) for v in voices_b}
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


def _side(claim: Claim, ledger: Ledger) -> str:
    return ledger.side(claim.source, ledger.claim_conflict.get(claim.iri, ""))


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
        side = ledger.name(_side(v, ledger)) or "no side recorded"
        parts.append(f"{ledger.name(origin)} ({side})")
    return ", ".join(sorted(set(parts)))


def origin_class(claim: Claim, ledger: Ledger) -> str:
    """What counts as one origin in a grade: the side when it has one, else the organisation."""
    side = _side(claim, ledger)
    if side and side != CL_IRI + "Independent":
        return side
    return ledger.origin(claim.source)


# --------------------------------------------------------------------------- pairing


def pairs(
    claims: Iterable[Claim], ledger: Ledger, shown: Callable[[str], bool] | None = None
) -> Iterator[tuple[Claim, Claim]]:
    """Every two claims that ``judge`` may relate, once (both ``shown``, when given).

    Within a subject and property: claims at the same place (or one without a place) whose
    days can meet (``reach``: the event time and, for a count, its scope's bounds), swept in
    order of start so that pairs that cannot meet are never formed (an event's facts, who did
    it and how: every two claims, whatever their times); for a state, also each
    denial with the earlier assertions of the same value that no claim in between changed;
    for a place whose claim covers the whole, also the claims about (or at) its parts.
    Whether a state persisted is read from every claim given, shown or not (a retracted
    claim was still said: the findings file judges once, whatever the status filter).
    """
    if shown is None:
        return _pairs(claims, ledger)
    keep = shown
    return (p for p in _pairs(claims, ledger) if keep(p[0].iri) and keep(p[1].iri))


def _pairs(claims: Iterable[Claim], ledger: Ledger) -> Iterator[tuple[Claim, Claim]]:
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.has_proposition:
            groups[claim.subject, claim.prop].append(claim)
    wholes: list[Claim] = []
    for (_subject, prop), members in groups.items():
        if ledger.kind(prop) == "Exclusive" and ledger.is_event_fact(members[0]):
            # an event happened once: its answers compare whatever their times
            members.sort(key=lambda c: c.iri)
            yield from itertools.combinations(members, 2)
            continue
        spans = {c.iri: reach(c) for c in members}
        by_place: dict[str, list[Claim]] = defaultdict(list)
        for c in members:
            by_place[c.place].append(c)
            if c.whole:
                wholes.append(c)

        def start(c: Claim) -> tuple[str, str]:
            return spans[c.iri][0], c.iri  # noqa: B023 - used within this iteration only

        for place_members in by_place.values():
            place_members.sort(key=start)
            yield from _sweep(place_members, spans)
        placeless = by_place.get("")
        if placeless:
            placed = sorted((c for p, cs in by_place.items() if p for c in cs), key=start)
            for a in placeless:
                for b in placed:
                    if spans[b.iri][0] > spans[a.iri][1]:
                        break
                    if spans[b.iri][1] >= spans[a.iri][0]:
                        yield a, b
        if ledger.kind(prop) == "Exclusive" and not ledger.is_event_fact(members[0]):
            yield from _persisting(members, ledger)
        if any(c.whole for c in members) and len(by_place) > 1:
            for w in (c for c in members if c.whole and c.place):
                for c in members:
                    if c.place and c.place != w.place and w.place in ledger.wholes(c.place):
                        yield w, c
    # a share of a place held by a controller against that controller holding all of it
    for (subject, _prop), members in groups.items():
        shares = [c for c in members if c.controller and c.is_quantity and not c.time_unknown]
        if not shares:
            continue
        states = groups.get((subject, CONTROLLED_BY), [])
        for share in shares:
            yield from _share_pairs(share, states)
    # the same figure given for two different things counted at one place: a scope warning
    figures: dict[tuple[Any, ...], list[Claim]] = defaultdict(list)
    for (_subject, _prop), members in groups.items():
        for c in members:
            key = same_figure_key(c)
            if key is not None:
                figures[key].append(c)
    for members in figures.values():
        if len({c.subject for c in members}) > 1:
            members.sort(key=lambda c: c.iri)
            for a, b in itertools.combinations(members, 2):
                if a.subject != b.subject:
                    yield a, b
    # a state claimed for a whole place bears on the states of its parts
    for w in wholes:
        if ledger.kind(w.prop) != "Exclusive":
            continue
        for (subject, prop), members in groups.items():
            if prop == w.prop and subject != w.subject and w.subject in ledger.wholes(subject):
                for c in members:
                    yield w, c


def _share_pairs(share: Claim, states: list[Claim]) -> Iterator[tuple[Claim, Claim]]:
    """The claims that its controller holds all of the place, the same day or before it with no
    claim in between giving another controller, a denial or a partial hold."""
    for whole in states:
        if whole.value != share.controller or not _holds_all(whole) or whole.denies:
            continue
        if whole.time_unknown or not (_same_day(whole, share) or whole.end < share.start):
            continue
        between = [
            t
            for t in states
            if whole.end < t.start and t.end < share.start and t is not whole
            and (t.value != whole.value or t.denies or t.partial)
        ]  # fmt: skip
        if not between:
            yield whole, share


def stated_figure(claim: Claim) -> float | None:
    """The figure a count states: its nominal figure where the source gave one ("more than
    1,500" and "about 1,500" both state 1,500), else its lower bound."""
    return claim.nominal if claim.nominal is not None else claim.lower


def same_figure_key(claim: Claim) -> tuple[str, str, float, float, str] | None:
    """What two counts of different things must share to be the same figure at one place: the
    property, the place and the figure stated (``stated_figure``), with the exact bounds of a
    range stated without one (not a wide vague range); None when the claim has none of that."""
    figure = stated_figure(claim)
    if not (claim.is_quantity and claim.place and figure is not None) or claim.denies:
        return None
    if abs(figure) < SAME_FIGURE_AT_LEAST:  # 20 women and 20 children: a coincidence
        return None
    upper = claim.upper
    if claim.nominal is not None or upper is None or upper == figure:
        return claim.prop, claim.place, figure, figure, claim.unit  # one figure stated
    if _nominal(claim, figure, upper) is None:
        return None
    return claim.prop, claim.place, figure, upper, claim.unit  # a narrow range stated as such


def _sweep(
    members: list[Claim], spans: dict[str, tuple[str, str]]
) -> Iterator[tuple[Claim, Claim]]:
    for i, a in enumerate(members):
        end = spans[a.iri][1]
        for b in members[i + 1 :]:
            if spans[b.iri][0] > end:
                break
            yield a, b


def _persisting(members: list[Claim], ledger: Ledger) -> Iterator[tuple[Claim, Claim]]:
    """Each denial of a state with the earlier assertions of the same value (or of a narrower
    one: ``Ledger.vaguer``) that still hold.

    Walking back from the denial, an assertion of another value (full control) changes the
    state and ends the walk; a vaguer value than the denied one does not change it. Only pairs
    whose times do not meet: the sweep forms the others.
    """
    timed = sorted((c for c in members if not c.time_unknown), key=lambda c: (c.end, c.iri))
    for i, denial in enumerate(timed):
        if not denial.denies:
            continue
        for earlier in reversed(timed[:i]):
            if not _before(earlier, denial):
                continue
            if earlier.denies:
                continue
            if earlier.value != denial.value and denial.value not in ledger.vaguer(earlier.value):
                if not earlier.partial and earlier.value not in ledger.vaguer(denial.value):
                    break
                continue
            if earlier.end < denial.start:
                yield earlier, denial


# --------------------------------------------------------------------------- grades


@dataclass(frozen=True, slots=True)
class Related:
    """One finding as a grade sees it: the other claim, the relation and whose it is."""

    other: str
    relation: str
    independence: str
    other_source: str
    origin: str
    hedged: bool = False


class Row(Mapping[str, Any]):
    """A typed result row that also reads as a mapping keyed by its ``COLUMNS`` (for the
    output functions, the report and JSON), in column order."""

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __getitem__(self, key: str) -> Any:
        if key not in self.COLUMNS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.COLUMNS)

    def __len__(self) -> int:
        return len(self.COLUMNS)


@dataclass(frozen=True)
class GradeRow(Row):
    """A claim's credibility 1–6 (``grade``) and its reasons."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "claim", "source", "credibility", "grade", "reliability", "independent_support",
        "other_support", "independent_conflicts", "other_conflicts", "reasons",
    )  # fmt: skip
    claim: str
    source: str
    credibility: int
    grade: str
    reliability: str
    independent_support: int
    other_support: int
    independent_conflicts: int
    other_conflicts: int
    reasons: str


CONFLICT_COLUMNS = (
    "claim_a", "source_a", "claim_b", "source_b", "property", "relation", "type", "reason",
    "independence", "independence_reason",
)  # fmt: skip
CORROBORATION_COLUMNS = (
    "claim_a", "source_a", "claim_b", "source_b", "property", "match", "kind", "reason",
)  # fmt: skip
SCOPE_WARNING_COLUMNS = (
    "claim_a", "source_a", "claim_b", "source_b", "property", "reason", "independence",
)  # fmt: skip


@dataclass(frozen=True)
class ConflictRow(Row):
    """Two claims that cannot both be true (``conflict``), or a source's own ``revision``, or a
    running total's ``update``, with the independence of their origins."""

    COLUMNS: ClassVar[tuple[str, ...]] = CONFLICT_COLUMNS
    claim_a: str
    source_a: str
    claim_b: str
    source_b: str
    property: str
    relation: str
    type: str
    reason: str
    independence: str
    independence_reason: str


@dataclass(frozen=True)
class CorroborationRow(Row):
    """Two claims that support each other (or one derived from the other, or figures that are
    only ``compatible``: match ``compatible figures``, never support), with their kind."""

    COLUMNS: ClassVar[tuple[str, ...]] = CORROBORATION_COLUMNS
    claim_a: str
    source_a: str
    claim_b: str
    source_b: str
    property: str
    match: str
    kind: str
    reason: str


@dataclass(frozen=True)
class ScopeWarningRow(Row):
    """The same figure reported with different scopes: neither a conflict nor support."""

    COLUMNS: ClassVar[tuple[str, ...]] = SCOPE_WARNING_COLUMNS
    claim_a: str
    source_a: str
    claim_b: str
    source_b: str
    property: str
    reason: str
    independence: str


def grade_row(
    iri: str,
    source: str,
    has_proposition: bool,
    related: Iterable[Related],
    ledger: Ledger,
    claim_name: Callable[[str], str],
    *,
    hedged: bool = False,
) -> GradeRow:
    """A claim's credibility 1–6 and its reasons, from what it relates to.

    Corroborations and conflicts are counted in origins, never in claims or outlets: the
    origins of the claims that agree (or disagree) and are independent of this one count once
    per side they are aligned with (cl:Independent sources count once per organisation). An
    origin weighs 1, or ``HEDGED_WEIGHT`` when every claim it speaks through is hedged. First
    rule that applies (weights summed over independent origins):
      6  cannot be judged: the claim has no proposition;
      5  improbable: conflict weighing 2 or more, and no independent support;
      4  doubtful: conflict weighing 1 or more;
      1  confirmed: support weighing 2 or more, no conflict at all, and the claim not hedged;
      2  probably true: support weighing 1 or more, and no conflict at all;
      3  possibly true: some support or conflict, but only from the same origin or side, or
         too hedged to count fully;
      6  cannot be judged: nothing in the ledger to compare it with.
    A revision by the claim's own source is listed among the reasons and does not count;
    ``compatible`` figures, updates and scope warnings are listed and do not count either.
    """
    support: dict[str, dict[str, float]] = {"independent": {}, "other": {}}
    against: dict[str, dict[str, float]] = {"independent": {}, "other": {}}
    reasons: list[str] = []
    for r in related:
        if r.relation not in ("corroboration", "conflict"):
            label = {
                "revision": "revised by its own source",
                "compatible": "compatible with, not supported by",
                "update": "updated by",
                "scope-warning": "the same figure with another scope in",
            }.get(r.relation, r.relation)
            reasons.append(f"{label} ({claim_name(r.other)})")
            continue
        bucket = support if r.relation == "corroboration" else against
        weights = bucket["independent" if r.independence == "independent" else "other"]
        weight = HEDGED_WEIGHT if r.hedged else 1.0
        weights[r.origin] = max(weights.get(r.origin, 0.0), weight)
        verb = "supported" if r.relation == "corroboration" else "contradicted"
        hedge = ", hedged" if r.hedged else ""
        reasons.append(
            f"{verb} by {ledger.name(r.other_source)} ({r.independence}{hedge}, "
            f"{claim_name(r.other)})"
        )
    n_support, n_against = len(support["independent"]), len(against["independent"])
    w_support = sum(support["independent"].values())
    w_against = sum(against["independent"].values())
    other_support, other_against = len(support["other"]), len(against["other"])
    if hedged:
        reasons.append("hedged by its source: not graded above 2")
    if not has_proposition:
        credibility = 6
        reasons.insert(0, "no proposition to compare")
    elif w_against >= 2 and n_support == 0:
        credibility = 5
    elif w_against >= 1:
        credibility = 4
    elif w_support >= 2 and other_against == 0 and n_against == 0 and not hedged:
        credibility = 1
    elif w_support >= 1 and other_against == 0 and n_against == 0:
        credibility = 2
    elif n_support or n_against or other_support or other_against:
        credibility = 3
    else:
        credibility = 6
        reasons.append("no other claim about the same subject, property and time")
    return GradeRow(
        claim=iri,
        source=source,
        credibility=credibility,
        grade=CREDIBILITY[credibility],
        reliability=UNJUDGED_RELIABILITY,
        independent_support=n_support,
        other_support=other_support,
        independent_conflicts=n_against,
        other_conflicts=other_against,
        reasons="; ".join(reasons),
    )


__all__ = [
    "CITED_GAP", "COMPATIBLE_MATCHES", "CONFLICT_COLUMNS", "CONTROLLED_BY",
    "CORROBORATION_COLUMNS", "COUNTING_DAYS", "CREDIBILITY",
    "EVENT_PROPERTIES", "HEDGED_WEIGHT", "HIGH", "LOW", "NARROW_RANGE", "SAME_FIGURE_AT_LEAST",
    "SCOPE_WARNING_COLUMNS", "TALLIES", "Agent", "Claim", "ConflictRow", "CorroborationRow",
    "Finding",
    "GradeRow", "Ledger", "Related", "Row", "Scope", "ScopeWarningRow", "Vocabulary", "closeness",
    "day", "day_text", "grade_row", "independence", "instant", "judge", "local_name", "ordered",
    "origin_class", "pairs", "range_text", "reach", "same_figure_key", "same_scope", "scope_of",
    "stated_figure", "vocabulary", "when",
]  # fmt: skip
