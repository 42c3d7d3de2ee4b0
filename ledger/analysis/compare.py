"""Compare claims: conflicts, corroborations, credibility grades, and a user's own query.

The claims are read from a pyoxigraph ``Store`` with the SPARQL queries of ``ledger/queries/``
(never with GRAPH clauses: ``default_graph`` lists the graphs visible as of some ledger entry;
``None`` reads the union of all graphs). One query reads the comparable part of every claim
once; the claims are then paired and judged by the pure rules of ``ledger.analysis.rules``
(``pairs``, ``judge``, ``independence``, ``grade_row``), which say what the rules are.

Every listing returns typed rows (``ConflictRow``, ``CorroborationRow``, ``ScopeWarningRow``,
``GradeRow``: frozen dataclasses that also read as mappings keyed by column name), sorted,
ready for ``ledger.publish.output.rows``.

``find_conflicts``, ``find_corroborations``, ``grade_claims`` and ``conflicts_for_batch`` take
``findings=PATH``: the derived findings file of ``ledger.analysis.findings``, caught up with the
store
before it answers (the same rows, without recomputing the ledger). Without it, or with
``default_graph`` (``--as-of``), everything is recomputed from the store as described here.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import multiprocessing.connection
import os
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pyoxigraph as ox

from ledger import resources
from ledger.analysis.rules import (
    CREDIBILITY,
    HIGH,
    LOW,
    UNJUDGED_RELIABILITY,
    Agent,
    Claim,
    Finding,
    GradeRow,
    Ledger,
    Related,
    Row,
    Vocabulary,
    day,
    grade_row,
    independence,
    instant,
    judge,
    local_name,
    ordered,
    origin_class,
    pairs,
    range_text,
    vocabulary,
    when,
)
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
GRADE_COLUMNS = GradeRow.COLUMNS
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


def _number(text: str) -> float | None:
    return float(text) if text else None


def _claim_from_row(row: dict[str, str], iri: str, intern: _Interner) -> Claim:
    earliest, latest = row["earliest"], row["latest"]
    start = earliest[:10] if earliest else LOW
    end = latest[:10] if latest else HIGH
    until = row.get("untilEarliest", "") or row.get("untilLatest", "")
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
        stated_start=instant(row.get("statedEarliest", "")),
        stated_end=instant(row.get("statedLatest", ""), end=True),
        time_unknown=row.get("timeUnknown", "") == "true",
        scope_kind=intern[local_name(row.get("scopeKind", ""))],
        since_start=day(row.get("sinceEarliest", "")),
        since_end=day(row.get("sinceLatest", "") or row.get("sinceEarliest", ""), end=True),
        until_start=day(row.get("untilEarliest", "") or row.get("untilLatest", "")),
        until_end=day(row.get("untilLatest", "") or row.get("untilEarliest", ""), end=True),
        has_until=bool(until),
        whole=row.get("coverage", "") == CL_IRI + "whole",
        degree=intern[local_name(row.get("degree", ""))],
        controller=intern[row.get("controller", "")],
        hedges=" ".join(sorted(local_name(h) for h in row.get("hedges", "").split())),
        nominal=_number(row.get("nominal", "")),
    )


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
    read_model_v2(store, default_graph, ledger)
    return ledger


def read_model_v2(
    store: ox.Store, default_graph: Sequence[ox.NamedNode] | None, ledger: Ledger
) -> None:
    """Places (cl:partOf), declared properties, events and sides relative to a conflict."""
    if not ledger.part_of:
        for row in _select(store, "names", default_graph):
            if row["partOf"]:
                ledger.part_of.setdefault(row["thing"], []).append(row["partOf"])
    for row in _select(store, "declared-properties", default_graph):
        ledger.kinds.setdefault(row["property"], local_name(row["kind"]))
        if row["label"]:
            ledger.names.setdefault(row["property"], row["label"])
    ledger.events.update(row["event"] for row in _select(store, "events", default_graph))
    for row in _select(store, "alignments-in", default_graph):
        agent = ledger.agents.setdefault(row["agent"], Agent(row["agent"]))
        agent.sides.setdefault(row["conflict"], row["side"])
    if any(a.sides for a in ledger.agents.values()):
        for row in _select(store, "claim-conflicts", default_graph):
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
        if prop not in vocabulary().kinds and prop not in ledger.kinds:
            names = ", ".join(sorted(local_name(k) for k in {*vocabulary().kinds, *ledger.kinds}))
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
    findings = []
    shown = lambda iri: selection.status_ok(ledger, iri)  # noqa: E731
    for a, b in pairs(claims.values(), ledger, shown):
        found = judge(a, b, ledger)
        if found is not None:
            findings.append(ordered(found))
    if with_derivations:
        findings.extend(_derivations(ledger, claims, selection, findings))
    return Analysis(ledger, claims, selection, findings)


def _derivations(
    ledger: Ledger, claims: dict[str, Claim], selection: _Selection, findings: list[Finding]
) -> list[Finding]:
    """A row for each claim derived from another that does not already agree with it."""
    agreeing = {
        (f.a.iri, f.b.iri) for f in findings if f.relation in ("corroboration", "compatible")
    }
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
            out.append(ordered(Finding(a, b, "derivation", "derived from", reason)))
    return out


# --------------------------------------------------------------------------- the four listings


def _sorted_rows(rows: Iterable[Any], *keys: str) -> list[Any]:
    return sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))


#: The relations each listing shows.
CONFLICT_RELATIONS = ("conflict", "revision", "update")
CORROBORATION_RELATIONS = ("corroboration", "compatible", "derivation")


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
) -> list[ConflictRow]:
    """Pairs of claims that cannot both be true, revisions of a source's own statement, and
    updates of a running total (``relation``: conflict, revision, update)."""
    filters = Filters(case, source, place, property, time, status)
    if findings is not None and default_graph is None:
        from ledger.analysis import findings as derived  # it builds on this module

        stored = derived.conflict_rows(store, findings, filters)
        if stored is not None:
            return stored
    analysis = analyse(store, filters, default_graph=default_graph)
    listed = (f for f in analysis.findings if analysis.listed(f))
    return _conflict_rows(analysis.ledger, analysis.claims, listed)


def conflict_row(f: Finding, ledger: Ledger, claims: dict[str, Claim]) -> ConflictRow:
    """A conflict, revision or update as a row."""
    origins, why = independence(f.a, f.b, ledger, claims)
    return ConflictRow(
        f.a.iri, f.a.source, f.b.iri, f.b.source, f.a.prop, f.relation, f.type, f.reason,
        origins, why,
    )  # fmt: skip


def _conflict_rows(
    ledger: Ledger, claims: dict[str, Claim], findings: Iterable[Finding]
) -> list[ConflictRow]:
    rows = [conflict_row(f, ledger, claims) for f in findings if f.relation in CONFLICT_RELATIONS]
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
) -> list[CorroborationRow]:
    """Pairs of claims that support each other (or one derived from the other), with their kind.

    ``kind`` is ``independent``, ``aligned`` or ``same-origin`` (see ``independence``), and
    ``reason`` says why, then what they agree on. Figures that can both be true but do not say
    nearly the same thing are listed with ``match`` ``compatible figures``: not support.
    """
    filters = Filters(case, source, place, property, time, status)
    if findings is not None and default_graph is None:
        from ledger.analysis import findings as derived  # it builds on this module

        stored = derived.corroboration_rows(store, findings, filters)
        if stored is not None:
            return stored
    analysis = analyse(store, filters, default_graph=default_graph, with_derivations=True)
    rows = [
        corroboration_row(f, analysis.ledger, analysis.claims)
        for f in analysis.findings
        if f.relation in CORROBORATION_RELATIONS and analysis.listed(f)
    ]
    return _sorted_rows(rows, "claim_a", "claim_b")


def corroboration_row(f: Finding, ledger: Ledger, claims: dict[str, Claim]) -> CorroborationRow:
    """A corroboration, compatible figures or a derivation as a row."""
    kind, why = independence(f.a, f.b, ledger, claims)
    derivation = f.relation == "derivation"
    return CorroborationRow(
        f.a.iri, f.a.source, f.b.iri, f.b.source, "" if derivation else f.a.prop, f.type, kind,
        f.reason if derivation else f"{why}; {f.reason}",
    )  # fmt: skip


def find_scope_warnings(
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
) -> list[ScopeWarningRow]:
    """Pairs of claims that give the same figure for different scopes (a count over another
    window, a running total against a count within a period): not a conflict, not support."""
    filters = Filters(case, source, place, property, time, status)
    if findings is not None and default_graph is None:
        from ledger.analysis import findings as derived  # it builds on this module

        stored = derived.scope_warning_rows(store, findings, filters)
        if stored is not None:
            return stored
    analysis = analyse(store, filters, default_graph=default_graph)
    rows = [
        scope_warning_row(f, analysis.ledger, analysis.claims)
        for f in analysis.findings
        if f.relation == "scope-warning" and analysis.listed(f)
    ]
    return _sorted_rows(rows, "claim_a", "claim_b")


def scope_warning_row(f: Finding, ledger: Ledger, claims: dict[str, Claim]) -> ScopeWarningRow:
    """A scope warning as a row."""
    kind, _ = independence(f.a, f.b, ledger, claims, explain=False)
    return ScopeWarningRow(f.a.iri, f.a.source, f.b.iri, f.b.source, f.a.prop, f.reason, kind)


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
) -> list[GradeRow]:
    """One row per claim: its Admiralty-style credibility (1-6) and the reasons for it
    (``ledger.analysis.rules.grade_row`` says how).

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
) -> GradeRow:
    def facts(finding: Finding, other: Claim) -> Related:
        if finding.relation not in ("corroboration", "conflict"):
            return Related(other.iri, finding.relation, "", other.source, "")
        kind, _ = independence(claim, other, ledger, claims, explain=False)
        return Related(
            other.iri, finding.relation, kind, other.source, origin_class(other, ledger),
            other.hedged,
        )  # fmt: skip

    found = [facts(f, other) for f, other in sorted(related, key=lambda r: r[1].iri)]
    return grade_row(
        claim.iri, claim.source, claim.has_proposition, found, ledger, ledger.claim_name,
        hedged=claim.hedged,
    )  # fmt: skip


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
                "stance": local_name(row["stance"]),
                "subject": row["subject"],
                "property": row["property"],
                "value": row["value"],
                "quantity": range_text(claim, ledger) if claim.is_quantity else "",
                "place": row["place"],
                "event_time": when(claim, ledger) if claim.has_proposition else "",
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
) -> list[ConflictRow]:
    """The conflicts (and revisions, updates) between newly appended claims and the ledger.

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
    claims: dict[str, Claim] = {}
    batch: set[str] = set()
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
        if iri in looked_up[key]:
            batch.add(iri)
    for candidates in looked_up.values():
        claims.update(candidates)
    seen: set[tuple[str, str]] = set()
    conflicting: list[tuple[Claim, Claim]] = []
    current = lambda iri: ledger.status(iri) == "current"  # noqa: E731
    for a, b in pairs(claims.values(), ledger, current):
        pair = (min(a.iri, b.iri), max(a.iri, b.iri))
        if (a.iri not in batch and b.iri not in batch) or pair in seen:
            continue
        seen.add(pair)
        found = judge(a, b, ledger)
        if found is not None and found.relation in CONFLICT_RELATIONS:
            conflicting.append((a, b))
    # the few claims in conflict: their relay and stated time (a revision?), and the names and
    # origins the reasons need, read one by one
    _complete(store, default_graph, ledger, claims, conflicting, intern)
    judged = []
    for a, b in conflicting:
        found = judge(claims[a.iri], claims[b.iri], ledger)
        if found is not None and found.relation in CONFLICT_RELATIONS:
            judged.append(ordered(found))
    return _conflict_rows(ledger, claims, judged)


def _complete(
    store: ox.Store,
    default_graph: Sequence[ox.NamedNode] | None,
    ledger: Ledger,
    claims: dict[str, Claim],
    found: list[tuple[Claim, Claim]],
    intern: _Interner,
) -> None:
    """Read what the batch check left out for the claims of ``found``, and what reasons name."""
    wanted = {c.iri for pair in found for c in pair}
    for claim in list(wanted):
        wanted |= ledger.ancestors(claim)  # the voices of derived claims
    for iri in sorted(wanted):
        rows = list(_select(store, "claim-origin", default_graph, {"claim": ox.NamedNode(iri)}))
        if not rows:
            continue
        row = rows[0]
        known = claims.get(iri) or Claim(iri, intern[row["source"]], "", False)
        known.relayed_by = intern[row["relayedBy"]]
        known.stated_start = instant(row["statedEarliest"])
        known.stated_end = instant(row["statedLatest"], end=True)
        claims[iri] = known
    named = {t for pair in found for c in pair for t in (c.subject, c.value, c.place) if t}
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
    "CLAIM_COLUMNS", "CONFLICT_COLUMNS", "CORROBORATION_COLUMNS", "CREDIBILITY", "GRADE_COLUMNS",
    "SCOPE_WARNING_COLUMNS", "UNJUDGED_RELIABILITY", "Agent", "Analysis", "Claim", "ConflictRow",
    "CorroborationRow", "Filters", "Finding", "GradeRow", "Ledger", "QueryResult",
    "ScopeWarningRow", "Vocabulary", "analyse", "check_user_query", "comparison_key",
    "comparison_key_quads", "conflict_row", "conflicts_for_batch", "corroboration_row",
    "find_conflicts", "find_corroborations", "find_scope_warnings", "grade_claims", "grade_row",
    "independence", "list_claims", "read_claims", "read_ledger", "run_user_query",
    "scope_warning_row", "vocabulary",
]  # fmt: skip
