"""Compare claims: conflicts, corroborations, scope warnings, grades, and a user's own query.

The analysis in layers, each importing only those below it: ``rules`` (pure: records, pairing,
judging, independence, grades, typed rows), ``read`` (the records and registry from a store),
``findings`` (the derived findings file), and this module (the listings and the batch check).

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

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ledger import resources
from ledger.analysis import findings as derived
from ledger.analysis.read import (
    STATUSES,
    Filters,
    Interner,
    Selection,
    add_extras,
    claim_from_row,
    graph_options,
    read_claims,
    read_ledger,
    select,
    select_claims,
)
from ledger.analysis.rules import (
    CONFLICT_COLUMNS,
    CORROBORATION_COLUMNS,
    CREDIBILITY,
    SCOPE_WARNING_COLUMNS,
    UNJUDGED_RELIABILITY,
    Agent,
    Claim,
    ConflictRow,
    CorroborationRow,
    Finding,
    GradeRow,
    Ledger,
    Related,
    ScopeWarningRow,
    Vocabulary,
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
from ledger.vocab import CL_IRI

CLAIM_COLUMNS = (
    "claim", "status", "case", "source", "relayed_by", "stance", "subject", "property",
    "value", "quantity", "place", "event_time", "derived_from", "statement",
)  # fmt: skip
GRADE_COLUMNS = GradeRow.COLUMNS


@dataclass
class Analysis:
    """Claims, registry and the findings between the claims in the status scope."""

    ledger: Ledger
    claims: dict[str, Claim]
    selection: Selection
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
    selection = select_claims(store, default_graph, ledger, filters, claims)
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
    ledger: Ledger, claims: dict[str, Claim], selection: Selection, findings: list[Finding]
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
    nearly the same thing are listed with ``match`` ``compatible figures``, values at two levels
    of detail (sarin, a nerve agent) with ``two levels of detail``, answers that can hold at once
    with ``one answer among others``, ``several at once`` or ``different parts of the
    question`` (``rules.COMPATIBLE_MATCHES``): not support.
    """
    filters = Filters(case, source, place, property, time, status)
    if findings is not None and default_graph is None:
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
    intern = Interner()
    shown: dict[str, tuple[Claim, dict[str, str]]] = {}
    for row in select(store, "claims", default_graph):
        if row["claim"] in shown:
            continue
        record = dict(row, denies=str(row["stance"] == CL_IRI + "denies").lower())
        record.update(statedEarliest="", statedLatest="")
        shown[row["claim"]] = (claim_from_row(record, row["claim"], intern), row)
    claims = {iri: claim for iri, (claim, _) in shown.items()}
    filters = Filters(case, source, place, property, time, status)
    selection = select_claims(store, default_graph, ledger, filters, claims)
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
        stored = derived.batch_conflict_rows(store, findings, claim_iris)
        if stored is not None:
            return stored
    ledger = read_ledger(store, default_graph, names=False)
    if keyed is None:
        keyed = bool(
            store.query(
                resources.query("comparison-keyed"),
                **graph_options(default_graph),
            )
        )
    intern = Interner()
    claims: dict[str, Claim] = {}
    batch: set[str] = set()
    looked_up: dict[tuple[str, str, str], dict[str, Claim]] = {}
    for iri in dict.fromkeys(claim_iris):
        if ledger.status(iri) != "current":
            continue
        bound = {"claim": ox.NamedNode(iri)}
        key_rows = list(select(store, "comparison-key", default_graph, bound))
        if not key_rows:  # no proposition: nothing to compare
            continue
        key = (key_rows[0]["subject"], key_rows[0]["property"], key_rows[0]["place"])
        if key not in looked_up:
            looked_up[key] = _candidates(store, key, default_graph, keyed, intern)
        if iri in looked_up[key]:
            batch.add(iri)
    for candidates in looked_up.values():
        claims.update(candidates)
    add_extras(store, default_graph, claims)
    # places nest, and forces (a value and a force it is part of say the same): read cl:partOf
    if any(c.whole or (c.value and ledger.kind(c.prop) == "Exclusive") for c in claims.values()):
        for row in select(store, "names", default_graph):
            if row["partOf"]:
                ledger.part_of.setdefault(row["thing"], []).append(row["partOf"])
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
    intern: Interner,
) -> None:
    """Read what the batch check left out for the claims of ``found``, and what reasons name."""
    wanted = {c.iri for pair in found for c in pair}
    for claim in list(wanted):
        wanted |= ledger.ancestors(claim)  # the voices of derived claims
    for iri in sorted(wanted):
        rows = list(select(store, "claim-origin", default_graph, {"claim": ox.NamedNode(iri)}))
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
        for row in select(store, "name-of", default_graph, {"thing": ox.NamedNode(thing)}):
            if row["nameLanguage"] == "en" or thing not in ledger.names:
                ledger.names[thing] = row["name"]


def _candidates(
    store: ox.Store,
    key: tuple[str, str, str],
    default_graph: Sequence[ox.NamedNode] | None,
    keyed: bool,
    intern: Interner,
) -> dict[str, Claim]:
    """The claims to compare with a claim of this subject, property and place (it included)."""
    subject, prop, place = key
    about = {"subject": ox.NamedNode(subject), "property": ox.NamedNode(prop)}
    rows: list[dict[str, str]]
    if keyed and place:
        rows = list(
            select(
                store, "candidates-by-place", default_graph, {**about, "place": ox.NamedNode(place)}
            )
        )
        placeless = {"placelessKey": ox.Literal(comparison_key(subject, prop))}
        rows += select(store, "candidates-by-key", default_graph, placeless)
    else:  # no place: every place compares; no keys: the claims without a place are in here
        rows = list(select(store, "candidates-by-subject", default_graph, about))
    found: dict[str, Claim] = {}
    for row in rows:
        candidate = row["candidate"]
        if candidate not in found:
            found[candidate] = claim_from_row(row, candidate, intern)
    return found


__all__ = [
    "CLAIM_COLUMNS", "CONFLICT_COLUMNS", "CORROBORATION_COLUMNS", "CREDIBILITY", "GRADE_COLUMNS",
    "STATUSES", "SCOPE_WARNING_COLUMNS", "UNJUDGED_RELIABILITY", "Agent", "Analysis", "Claim",
    "ConflictRow", "CorroborationRow", "Filters", "Finding", "GradeRow", "Ledger",
    "ScopeWarningRow", "Vocabulary", "analyse", "comparison_key",
    "comparison_key_quads", "conflict_row", "conflicts_for_batch", "corroboration_row",
    "find_conflicts", "find_corroborations", "find_scope_warnings", "grade_claims", "grade_row",
    "independence", "list_claims", "read_claims", "read_ledger",
    "scope_warning_row", "vocabulary",
]  # fmt: skip
