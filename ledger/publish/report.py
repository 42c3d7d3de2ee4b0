"""Provenance reports: a case overview, one page per claim and one per source, in HTML or Markdown.

``render(store, out_dir=…)`` reads the claims of a pyoxigraph store (claim files loaded with
``load_paths`` + ``document_quads``, or a ledger's query index), asks ``ledger.analysis.compare``
for
conflicts, corroborations and grades, and writes the pages with the jinja2 templates of
``reports/``. What only a ledger knows (the entry that recorded each claim, its hash, whether the
chain verifies) comes in a ``LedgerInfo``; without one the pages say "not recorded in a ledger".

The store is read with ``quads_for_pattern`` over every graph, so claims in the default graph and
claims in a ledger's entry graphs read the same. Nothing here trusts the text it reads: HTML is
autoescaped, Markdown goes through ``md_escape``, SVG text is escaped in ``ledger.publish.svg``,
and only
http/https IRIs become links.

History and verdicts are read from the store (they are RDF a ledger entry wrote, see
``ledger.publish.export`` for the exact triples of a verdict); ``LedgerInfo`` adds which entry
wrote them.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import html
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from ledger import resources
from ledger.analysis import compare
from ledger.analysis.rules import COMPATIBLE_MATCHES
from ledger.errors import InputError, UsageError
from ledger.publish import svg
from ledger.vocab import CL_IRI, RDF_IRI, RDF_TYPE
from ledger.vocab import OA_IRI as OA
from ledger.vocab import PROV_IRI as PROV
from ledger.vocab import RDFS_IRI as RDFS
from ledger.vocab import SCHEMA_IRI as SCHEMA

if TYPE_CHECKING:
    from ledger.chain.derived import DerivedStatus

CL = CL_IRI
RDF_VALUE = RDF_IRI + "value"
LEDGER_CLAIM_NAMESPACE = "https://w3id.org/claim-ledger/claim/"

FORMATS = ("html", "md")
NOT_IN_LEDGER = "not recorded in a ledger"
DEFAULT_RELIABILITY = "F — reliability cannot be judged"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Subject = ox.NamedNode | ox.BlankNode

# --------------------------------------------------------------------------- reading the store


class Reader:
    """Values of a store, from every graph, deduplicated and in a stable order."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def objects(self, subject: Subject, predicate: str) -> list[Term]:
        found = {
            q.object for q in self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
        }
        return sorted(found, key=str)

    def subjects(self, predicate: str, obj: Term) -> list[Subject]:
        found = {
            q.subject
            for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), obj)
            if isinstance(q.subject, ox.NamedNode | ox.BlankNode)
        }
        return sorted(found, key=str)

    def nodes(self, subject: Subject, predicate: str) -> list[Subject]:
        return [
            o
            for o in self.objects(subject, predicate)
            if isinstance(o, ox.NamedNode | ox.BlankNode)
        ]

    def node(self, subject: Subject, predicate: str) -> Subject | None:
        found = self.nodes(subject, predicate)
        return found[0] if found else None

    def iri(self, subject: Subject, predicate: str) -> str | None:
        found = [o.value for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)]
        return found[0] if found else None

    def iris(self, subject: Subject, predicate: str) -> list[str]:
        return [o.value for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)]

    def literals(self, subject: Subject, predicate: str) -> list[ox.Literal]:
        return [o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]

    def text(self, subject: Subject, predicate: str, language: str = "en") -> str | None:
        """One literal, preferring ``language``, then none, then the first other language."""
        found = self.literals(subject, predicate)
        if not found:
            return None
        ranked = sorted(
            found,
            key=lambda lit: (
                0 if lit.language == language else 1 if not lit.language else 2,
                lit.language or "",
                lit.value,
            ),
        )
        return ranked[0].value

    def has_type(self, subject: Subject, type_iri: str) -> bool:
        pattern = self.store.quads_for_pattern(
            subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(type_iri)
        )
        return next(iter(pattern), None) is not None


@cache
def _ontology_terms() -> dict[str, tuple[str, str]]:
    """IRI → (English label, comment) of every term of the shipped ontology files."""
    terms: dict[str, dict[str, str]] = {}
    folder = resources.ontology_dir()
    for file in resources.turtle_files(folder):
        for quad in ox.parse(file.read_bytes(), format=ox.RdfFormat.TURTLE):
            if not isinstance(quad.subject, ox.NamedNode) or not isinstance(
                quad.object, ox.Literal
            ):
                continue
            if quad.object.language not in (None, "en"):
                continue
            key = {RDFS + "label": "label", RDFS + "comment": "comment"}.get(quad.predicate.value)
            if key:
                terms.setdefault(quad.subject.value, {})[key] = quad.object.value
    return {iri: (v.get("label", ""), v.get("comment", "")) for iri, v in terms.items()}


def term_label(iri: str | None) -> str:
    """The ontology's English label of a term, or the end of its IRI."""
    if not iri:
        return ""
    label = _ontology_terms().get(iri, ("", ""))[0]
    return label or local_name(iri)


def local_name(iri: str) -> str:
    return re.split(r"[#/:]", iri.rstrip("/#"))[-1] or iri


def safe_url(value: str | None) -> str | None:
    """``value`` when it is an http or https URL with a host, else None (rendered as text)."""
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c in value for c in "\"'<>`\\ \t\r\n"):
        return None
    return value.strip()


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Phrase:
    """Words of a source in their language."""

    text: str
    language: str


@dataclass(frozen=True)
class Assumption:
    """What a checker assumed about a time, and who."""

    text: str
    by: str | None


@dataclass(frozen=True)
class TimeSpan:
    """A time as precisely as the source gives it; ``label`` says it without inventing a date."""

    earliest: str | None
    latest: str | None
    precision: str | None
    day_of_week: str | None
    phrases: tuple[Phrase, ...] = ()
    relative_to: str | None = None
    assumptions: tuple[Assumption, ...] = ()

    @property
    def precision_label(self) -> str:
        return term_label(self.precision) if self.precision else "precision not stated"

    @property
    def label(self) -> str:
        return describe_span(self)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.earliest or "", self.latest or "9999", self.day_of_week or "")

    @property
    def iso(self) -> str:
        """earliest/latest as an ISO 8601 interval, open ends as '..'."""
        return f"{self.earliest or '..'}/{self.latest or '..'}"


@dataclass(frozen=True)
class Quantity:
    """A figure as stated and the bounds the checker reads it as."""

    phrases: tuple[Phrase, ...]
    qualifier: str | None
    lower: str | None
    upper: str | None
    nominal: str | None
    unit: str | None

    @property
    def label(self) -> str:
        words = f"{term_label(self.qualifier)} " if self.qualifier else ""
        stated = f"{words}{format_number(self.nominal)}" if self.nominal else words.strip()
        bounds = self.bounds_label
        return f"{stated} ({bounds})" if stated and bounds else stated or bounds

    @property
    def bounds_label(self) -> str:
        unit = unit_plural(self.unit)
        low, high = format_number(self.lower), format_number(self.upper)
        if low and open_upper_bound(self.upper):
            high = ""  # "thousands": at least 2,000, not "2,000–999,999"
        if low and high:
            span = low if low == high else f"{low}–{high}"
        elif low:
            span = f"at least {low}"
        elif high:
            span = f"at most {high}"
        else:
            return unit
        return f"{span} {unit}".strip()


@dataclass(frozen=True)
class Proposition:
    """What a claim is about, in the comparable form."""

    subject: str | None
    property_iri: str | None
    value: str | None
    quantity: Quantity | None
    place: str | None
    event_time: TimeSpan | None
    #: the value is named as one answer among possibly several (cl:amongOthers)
    among_others: bool = False
    #: the value is named as the only answer (cl:onlyAnswer)
    only_answer: bool = False
    #: the state held on every day of the event time (cl:heldThroughout)
    held_throughout: bool = False

    @property
    def property_label(self) -> str:
        return term_label(self.property_iri)


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a stored document and its translation."""

    document: str | None
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    translation: str | None
    translator: str | None
    language: str | None


@dataclass(frozen=True)
class HistoryEvent:
    """A retraction or supersession touching a claim, as the ledger recorded it."""

    node: str
    kind: Literal["retracted", "superseded", "supersedes"]
    time: str | None
    author: str | None
    reason: str | None
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rating:
    """A checker's review of a claim (schema:ClaimReview) or of a source (schema:Review)."""

    node: str
    item: str
    value: str | None
    alternate_name: str | None
    best: str | None
    worst: str | None
    author: str | None
    author_name: str | None
    date: str | None
    url: str | None
    body: str | None

    @property
    def label(self) -> str:
        words = self.alternate_name or ""
        if self.value and words:
            return f"{self.value} — {words}"
        return self.value or words or "no rating"

    @property
    def scale(self) -> str:
        if self.best and self.worst:
            return f"scale {self.best} (best) to {self.worst} (worst)"
        return ""


@dataclass(frozen=True)
class Claim:
    """One attributed claim, with everything its pages show."""

    iri: str
    written_as: str | None
    case: str | None
    statement: str
    sources: tuple[str, ...]
    stance: str | None
    transmission: str | None
    relayed_by: tuple[str, ...]
    reported_in: str | None
    proposition: Proposition | None
    stated_time: TimeSpan | None
    quotes: tuple[Quote, ...]
    derived_from: tuple[str, ...]
    comments: tuple[str, ...]
    status: Literal["current", "retracted", "superseded"]
    history: tuple[HistoryEvent, ...]
    verdicts: tuple[Rating, ...]

    @property
    def source(self) -> str | None:
        return self.sources[0] if self.sources else None

    @property
    def short_id(self) -> str:
        return local_name(self.written_as or self.iri)

    @property
    def stance_label(self) -> str:
        return term_label(self.stance) if self.stance else "stance not stated"

    @property
    def transmission_label(self) -> str:
        return term_label(self.transmission) if self.transmission else "not stated"


@dataclass(frozen=True)
class Agent:
    """A source of the registry (person or organisation)."""

    iri: str
    name: str
    person: bool
    alternate_names: tuple[str, ...]
    kind: str | None
    alignment: str | None
    alignment_via: str | None
    rationale: str | None
    acts_for: tuple[str, ...]
    job_title: str | None
    description: str | None
    reliability: tuple[Rating, ...]
    #: assessments a later one by the same checker revised, oldest first (the source's history)
    earlier_reliability: tuple[Rating, ...] = ()

    @property
    def kind_label(self) -> str:
        if self.kind:
            return term_label(self.kind)
        return "person" if self.person else "kind not recorded"

    @property
    def alignment_label(self) -> str:
        return term_label(self.alignment) if self.alignment else "alignment not recorded"

    @property
    def alignment_short(self) -> str:
        return self.tone if self.alignment else "alignment not recorded"

    @property
    def tone(self) -> str:
        return {
            CL + "ProGovernment": "pro-government",
            CL + "Opposition": "opposition",
            CL + "Kurdish": "kurdish",
            CL + "Independent": "independent",
        }.get(self.alignment or "", "unknown")


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document a claim was reported in."""

    iri: str
    headline: str | None
    published: str | None
    publisher: str | None
    language: str | None
    sha256: str | None
    url: str | None
    text: str | None

    @property
    def title(self) -> str:
        return self.headline or local_name(self.iri)


@dataclass(frozen=True)
class Case:
    """An investigation."""

    iri: str
    identifier: str
    name: str


@dataclass
class Casebook:
    """Everything the store says about a set of claims, ready for pages and exports."""

    claims: dict[str, Claim] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    documents: dict[str, DocumentInfo] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def name(self, iri: str | None) -> str:
        """The English name of anything the claims mention (source, entity, term)."""
        if not iri:
            return ""
        if iri in self.agents:
            return self.agents[iri].name
        return self.names.get(iri) or term_label(iri)

    def claims_by(self, source: str) -> list[Claim]:
        return [c for c in self.claims.values() if source in c.sources]

    def outlet(self, claim: Claim) -> str | None:
        doc = self.documents.get(claim.reported_in or "")
        return doc.publisher if doc else None

    def organisations(self, agent: str) -> list[str]:
        """Whom ``agent`` acts for, transitively, nearest first (cycles cut)."""
        out: list[str] = []
        todo = list(self.agents[agent].acts_for) if agent in self.agents else []
        while todo:
            nxt = todo.pop(0)
            if nxt in out or nxt == agent:
                continue
            out.append(nxt)
            if nxt in self.agents:
                todo.extend(self.agents[nxt].acts_for)
        return out


def read_casebook(store: ox.Store) -> Casebook:
    """Every claim of the store and what it refers to."""
    reader = Reader(store)
    book = Casebook()
    claim_nodes = [
        n
        for n in reader.subjects(RDF_TYPE, ox.NamedNode(CL + "Claim"))
        if isinstance(n, ox.NamedNode)
    ]
    reviews = _ratings(reader, SCHEMA + "ClaimReview")
    for node in claim_nodes:
        claim = _read_claim(reader, node, reviews.get(node.value, ()))
        book.claims[claim.iri] = claim
    mentioned: set[str] = set()
    for claim in book.claims.values():
        mentioned.update(claim.sources)
        mentioned.update(claim.relayed_by)
        for doc_iri in [claim.reported_in, *(q.document for q in claim.quotes)]:
            if doc_iri and doc_iri not in book.documents:
                book.documents[doc_iri] = _read_document(reader, ox.NamedNode(doc_iri))
        mentioned.update(q.translator for q in claim.quotes if q.translator)
        if claim.case and claim.case not in book.cases:
            book.cases[claim.case] = _read_case(reader, ox.NamedNode(claim.case))
    for doc in book.documents.values():
        if doc.publisher:
            mentioned.add(doc.publisher)
    source_reviews = _ratings(reader, SCHEMA + "Review")
    earlier_reviews = _ratings(reader, SCHEMA + "Review", revised_only=True)
    todo = sorted(mentioned)
    while todo:
        iri = todo.pop(0)
        if iri in book.agents:
            continue
        agent = _read_agent(
            reader,
            ox.NamedNode(iri),
            source_reviews.get(iri, ()),
            earlier_reviews.get(iri, ()),
        )
        book.agents[iri] = agent
        todo.extend(a for a in agent.acts_for if a not in book.agents)
    _inherit_alignments(book)
    for claim in book.claims.values():
        prop = claim.proposition
        for mentioned_iri in (prop.subject, prop.value, prop.place) if prop else ():
            if mentioned_iri and mentioned_iri not in book.names:
                book.names[mentioned_iri] = _name(reader, ox.NamedNode(mentioned_iri))
    return book


def _name(reader: Reader, node: Subject) -> str:
    for predicate in (SCHEMA + "name", RDFS + "label", SCHEMA + "headline"):
        found = reader.text(node, predicate)
        if found:
            return found
    return term_label(node.value) if isinstance(node, ox.NamedNode) else "(unnamed)"


def _phrases(reader: Reader, node: Subject) -> tuple[Phrase, ...]:
    return tuple(
        Phrase(lit.value, lit.language or "") for lit in reader.literals(node, CL + "phrase")
    )


def _decimal(reader: Reader, node: Subject, predicate: str) -> str | None:
    found = reader.literals(node, predicate)
    return found[0].value if found else None


def _read_span(reader: Reader, node: Subject | None) -> TimeSpan | None:
    if node is None:
        return None
    assumptions = []
    for item in reader.nodes(node, CL + "assumption"):
        text = reader.text(item, RDF_VALUE) or ""
        assumptions.append(Assumption(text, reader.iri(item, PROV + "wasAttributedTo")))
    dow = reader.iri(node, CL + "dayOfWeek")
    return TimeSpan(
        earliest=_decimal(reader, node, CL + "earliest"),
        latest=_decimal(reader, node, CL + "latest"),
        precision=reader.iri(node, CL + "precision"),
        day_of_week=local_name(dow) if dow else None,
        phrases=_phrases(reader, node),
        relative_to=reader.iri(node, CL + "relativeTo"),
        assumptions=tuple(assumptions),
    )


def _read_quantity(reader: Reader, node: Subject | None) -> Quantity | None:
    if node is None:
        return None
    return Quantity(
        phrases=_phrases(reader, node),
        qualifier=reader.iri(node, CL + "qualifier"),
        lower=_decimal(reader, node, CL + "lower"),
        upper=_decimal(reader, node, CL + "upper"),
        nominal=_decimal(reader, node, CL + "nominal"),
        unit=reader.iri(node, CL + "unit"),
    )


def read_quote(reader: Reader, node: Subject) -> Quote:
    exact = prefix = suffix = ""
    start = end = None
    for selector in reader.nodes(node, OA + "hasSelector"):
        if reader.has_type(selector, OA + "TextPositionSelector"):
            start = _int(_decimal(reader, selector, OA + "start"))
            end = _int(_decimal(reader, selector, OA + "end"))
        else:
            exact = reader.text(selector, OA + "exact") or exact
            prefix = reader.text(selector, OA + "prefix") or prefix
            suffix = reader.text(selector, OA + "suffix") or suffix
    translation = reader.node(node, CL + "translation")
    document = reader.iri(node, OA + "hasSource")
    language = None
    if document:
        language = reader.text(ox.NamedNode(document), SCHEMA + "inLanguage")
    return Quote(
        document=document,
        exact=exact,
        prefix=prefix,
        suffix=suffix,
        start=start,
        end=end,
        translation=reader.text(translation, RDF_VALUE) if translation else None,
        translator=reader.iri(translation, PROV + "wasAttributedTo") if translation else None,
        language=language,
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _flag(reader: Reader, node: Subject, term: str) -> bool:
    """Whether ``node`` says the claim-ledger boolean ``term`` (``amongOthers``) is true."""
    return any(lit.value == "true" for lit in reader.literals(node, CL + term))


def _read_claim(reader: Reader, node: ox.NamedNode, verdicts: Sequence[Rating]) -> Claim:
    prop_node = reader.node(node, CL + "proposition")
    proposition = None
    if prop_node is not None:
        proposition = Proposition(
            subject=reader.iri(prop_node, CL + "subject"),
            property_iri=reader.iri(prop_node, CL + "property"),
            value=reader.iri(prop_node, CL + "value"),
            quantity=_read_quantity(reader, reader.node(prop_node, CL + "quantity")),
            place=reader.iri(prop_node, CL + "place"),
            event_time=_read_span(reader, reader.node(prop_node, CL + "eventTime")),
            among_others=_flag(reader, prop_node, "amongOthers"),
            only_answer=_flag(reader, prop_node, "onlyAnswer"),
            held_throughout=_flag(reader, prop_node, "heldThroughout"),
        )
    quotes = sorted(
        (read_quote(reader, q) for q in reader.nodes(node, CL + "quote")),
        key=lambda q: (q.start if q.start is not None else -1, q.exact),
    )
    history = _history(reader, node)
    status: Literal["current", "retracted", "superseded"] = "current"
    if reader.subjects(PROV + "wasRevisionOf", node):
        status = "superseded"
    elif reader.objects(node, PROV + "invalidatedAtTime"):
        status = "retracted"
    return Claim(
        iri=node.value,
        written_as=reader.iri(node, CL + "writtenAs"),
        case=reader.iri(node, CL + "case"),
        statement=reader.text(node, CL + "statement") or "(no statement)",
        sources=tuple(reader.iris(node, PROV + "wasAttributedTo")),
        stance=reader.iri(node, CL + "stance"),
        transmission=reader.iri(node, CL + "transmission"),
        relayed_by=tuple(reader.iris(node, CL + "relayedBy")),
        reported_in=reader.iri(node, CL + "reportedIn"),
        proposition=proposition,
        stated_time=_read_span(reader, reader.node(node, CL + "statedTime")),
        quotes=tuple(quotes),
        derived_from=tuple(reader.iris(node, PROV + "wasDerivedFrom")),
        comments=tuple(lit.value for lit in reader.literals(node, RDFS + "comment")),
        status=status,
        history=history,
        verdicts=tuple(verdicts),
    )


def _history(reader: Reader, node: ox.NamedNode) -> tuple[HistoryEvent, ...]:
    events: list[HistoryEvent] = []
    for change in reader.subjects(CL + "invalidates", node):
        superseding = reader.has_type(change, CL + "Supersession")
        events.append(
            HistoryEvent(
                node=str(change.value),
                kind="superseded" if superseding else "retracted",
                time=_decimal(reader, change, PROV + "generatedAtTime"),
                author=reader.text(change, CL + "author"),
                reason=reader.text(change, CL + "reason"),
                others=tuple(str(s.value) for s in reader.subjects(PROV + "wasRevisionOf", node))
                if superseding
                else (),
            )
        )
    for old in reader.iris(node, PROV + "wasRevisionOf"):
        for change in reader.subjects(CL + "invalidates", ox.NamedNode(old)):
            if reader.has_type(change, CL + "Supersession"):
                events.append(
                    HistoryEvent(
                        node=str(change.value),
                        kind="supersedes",
                        time=_decimal(reader, change, PROV + "generatedAtTime"),
                        author=reader.text(change, CL + "author"),
                        reason=reader.text(change, CL + "reason"),
                        others=(old,),
                    )
                )
    return tuple(sorted(events, key=lambda e: (e.time or "", e.kind, e.node)))


def _ratings(
    reader: Reader, type_iri: str, *, revised_only: bool = False
) -> dict[str, tuple[Rating, ...]]:
    """Reviews of the given class, by the IRI of the item they review.

    A review that a later one revises (``prov:wasRevisionOf``: the same checker's new verdict)
    is left out: it stays in the ledger's history, but it is no longer the checker's verdict.
    revised_only: only those revised reviews instead (the history a source page shows).
    """
    out: dict[str, list[Rating]] = {}
    nodes = list(reader.subjects(RDF_TYPE, ox.NamedNode(type_iri)))
    revised = {target for node in nodes for target in reader.iris(node, PROV + "wasRevisionOf")}
    for node in nodes:
        if (str(node.value) in revised) != revised_only:
            continue
        for item in reader.iris(node, SCHEMA + "itemReviewed"):
            rating = reader.node(node, SCHEMA + "reviewRating")

            def value(predicate: str, rating: Subject | None = rating) -> str | None:
                return _decimal(reader, rating, predicate) if rating is not None else None

            author_iri = reader.iri(node, SCHEMA + "author")
            author_name = (
                _name(reader, ox.NamedNode(author_iri))
                if author_iri
                else reader.text(node, SCHEMA + "author")
            )
            out.setdefault(item, []).append(
                Rating(
                    node=str(node.value),
                    item=item,
                    value=value(SCHEMA + "ratingValue"),
                    alternate_name=reader.text(rating, SCHEMA + "alternateName")
                    if rating is not None
                    else None,
                    best=value(SCHEMA + "bestRating"),
                    worst=value(SCHEMA + "worstRating"),
                    author=author_iri,
                    author_name=author_name,
                    date=_decimal(reader, node, SCHEMA + "datePublished"),
                    url=reader.iri(node, SCHEMA + "url") or reader.text(node, SCHEMA + "url"),
                    body=reader.text(node, SCHEMA + "reviewBody"),
                )
            )
    return {k: tuple(sorted(v, key=lambda r: (r.date or "", r.node))) for k, v in out.items()}


def _read_agent(
    reader: Reader,
    node: ox.NamedNode,
    reliability: Sequence[Rating],
    earlier: Sequence[Rating] = (),
) -> Agent:
    names = reader.literals(node, SCHEMA + "alternateName")
    return Agent(
        iri=node.value,
        name=_name(reader, node),
        person=reader.has_type(node, PROV + "Person"),
        alternate_names=tuple(sorted({lit.value for lit in names})),
        kind=reader.iri(node, CL + "sourceKind"),
        alignment=reader.iri(node, CL + "alignment"),
        alignment_via=None,
        rationale=reader.text(node, CL + "alignmentRationale"),
        acts_for=tuple(reader.iris(node, PROV + "actedOnBehalfOf")),
        job_title=reader.text(node, SCHEMA + "jobTitle"),
        description=reader.text(node, SCHEMA + "description"),
        reliability=tuple(reliability),
        earlier_reliability=tuple(earlier),
    )


def _inherit_alignments(book: Casebook) -> None:
    """Persons without an alignment take that of the organisation they act for."""
    for iri, agent in list(book.agents.items()):
        if agent.alignment:
            continue
        for org in book.organisations(iri):
            found = book.agents.get(org)
            if found and found.alignment:
                book.agents[iri] = _replace(
                    agent, alignment=found.alignment, alignment_via=org, rationale=found.rationale
                )
                break


def _replace(agent: Agent, **changes: Any) -> Agent:
    from dataclasses import replace

    return replace(agent, **changes)


def _read_document(reader: Reader, node: ox.NamedNode) -> DocumentInfo:
    published = _decimal(reader, node, SCHEMA + "datePublished")
    return DocumentInfo(
        iri=node.value,
        headline=reader.text(node, SCHEMA + "headline", language="en")
        or reader.text(node, SCHEMA + "name"),
        published=published,
        publisher=reader.iri(node, SCHEMA + "publisher"),
        language=reader.text(node, SCHEMA + "inLanguage"),
        sha256=reader.text(node, CL + "sha256"),
        url=reader.iri(node, SCHEMA + "url") or reader.text(node, SCHEMA + "url"),
        text=reader.text(node, CL + "text"),
    )


def _read_case(reader: Reader, node: ox.NamedNode) -> Case:
    return Case(
        iri=node.value,
        identifier=reader.text(node, SCHEMA + "identifier") or local_name(node.value),
        name=_name(reader, node),
    )


# --------------------------------------------------------------------------- words for values

_UNIT_PLURALS = {
    CL + "person": "people",
    CL + "district": "districts",
    CL + "item": "items",
    CL + "metre": "metres",
    CL + "kilometre": "kilometres",
    CL + "day": "days",
    CL + "month": "months",
    CL + "year": "years",
}


def open_upper_bound(value: str | None) -> bool:
    """Whether an upper bound only closes an open-ended figure: 999,999 or more, all nines.

    Claim files read "thousands" as 2,000 to 999,999 ("fewer than a million", so that it does
    not corroborate "a million"); a reader is told "at least 2,000", which is what was said.
    """
    digits = (value or "").split(".")[0]
    return len(digits) >= 6 and set(digits) == {"9"}


def unit_plural(unit: str | None) -> str:
    if not unit:
        return ""
    return _UNIT_PLURALS.get(unit) or term_label(unit)


def format_number(value: str | None) -> str:
    """A decimal literal with thousands separators and no trailing zeros ('10000.0' → '10,000')."""
    if value is None:
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _day(value: dt.date) -> str:
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


def describe_span(span: TimeSpan) -> str:
    """A time span in words, never more precise than the source ('a Sunday in November 2016')."""
    early, late = _date(span.earliest), _date(span.latest)
    exact_times = bool(span.earliest and "T" in span.earliest) or bool(
        span.latest and "T" in span.latest
    )
    if exact_times:
        text = (
            f"{(span.earliest or '…').replace('T', ' ')} – {(span.latest or '…').replace('T', ' ')}"
        )
    elif early and late:
        last_day = calendar.monthrange(late.year, late.month)[1]
        whole_months = early.day == 1 and late.day == last_day
        if early == late:
            # The date is known, so its weekday is a fact, not a guess.
            text = f"{calendar.day_name[early.weekday()]} {_day(early)}"
        elif whole_months and (early.year, early.month) == (late.year, late.month):
            text = f"{calendar.month_name[early.month]} {early.year}"
        elif whole_months and early.month == 1 and late.month == 12 and early.year == late.year:
            text = str(early.year)
        elif whole_months:
            text = (
                f"{calendar.month_name[early.month]} {early.year} – "
                f"{calendar.month_name[late.month]} {late.year}"
            )
        elif (early.year, early.month) == (late.year, late.month):
            text = f"{early.day}–{_day(late)}"
        else:
            text = f"{_day(early)} – {_day(late)}"
    elif late:
        text = f"on or before {_day(late)}"
    elif early:
        text = f"on or after {_day(early)}"
    else:
        text = "time not stated"
    if span.day_of_week:
        if early and late and early == late:
            return text
        if early and late:
            return f"a {span.day_of_week} in {text} (which {span.day_of_week} is not stated)"
        return f"a {span.day_of_week}, {text}"
    return text


# ------------------------------------------------------------------------- what only a ledger knows


@dataclass(frozen=True)
class EntryRef:
    """The ledger entry that recorded something."""

    seq: int
    hash: str
    time: dt.datetime
    kind: str
    author: str
    message: str


@dataclass(frozen=True)
class Verification:
    """The chain's verification at report time."""

    ok: bool
    summary: str
    checked_at: dt.datetime


@dataclass(frozen=True)
class LedgerInfo:
    """What the ledger adds to the store's claims: entries (by IRI written) and verification.

    entries maps the IRI of each claim, retraction, supersession and review to the entry that
    wrote it (``collect_ledger_info`` builds it from a ``ledger.chain.store.Ledger``).
    """

    ledger_id: str
    verification: Verification
    entries: Mapping[str, EntryRef] = field(default_factory=dict)
    #: the last entry shown when the report shows the ledger as it stood then (``--as-of``)
    as_of: int | None = None
    #: when the derived data (index, findings) was last checked; None for a ledger on a server
    derived: DerivedStatus | None = None

    @property
    def derived_summary(self) -> str:
        """When the derived data was last checked against the chain, as a report says it."""
        if self.derived is not None:
            return self.derived.summary
        return (
            "Derived data: this ledger is kept on a SPARQL server; its local replica is built "
            "from entries verified as they are read, and `claim-ledger verify --derived` compares "
            "the server's query copy with the entries (that check is not recorded here)."
        )

    def entry(self, iri: str) -> EntryRef | None:
        return self.entries.get(iri)

    def up_to(self, seq: int) -> LedgerInfo:
        """The same, for the ledger as it stood at entry ``seq``."""
        kept = {iri: ref for iri, ref in self.entries.items() if ref.seq <= seq}
        return dataclasses.replace(self, entries=kept, as_of=seq)


_RECORDED_TYPES = {
    CL + "Claim",
    CL + "Retraction",
    CL + "Supersession",
    SCHEMA + "ClaimReview",
    SCHEMA + "Review",
}


def collect_ledger_info(ledger: Any) -> LedgerInfo:
    """Verify ``ledger`` (a ``ledger.chain.store.Ledger``) and map what each entry recorded to
    it.

    The verification is ``ledger.chain.trust.check``: a full verify the first time, then only the
    entries after the head that verify last vouched for.
    """
    from ledger.chain import derived, store, trust  # the report reads only their verdicts

    report = trust.check(ledger).report
    derived_status = derived.status(ledger) if isinstance(ledger, store.Ledger) else None
    entries: dict[str, EntryRef] = {}
    for record in ledger.entries():
        ref = EntryRef(
            seq=record.seq,
            hash=record.hash,
            time=record.time,
            kind=record.kind,
            author=record.author,
            message=record.message,
        )
        for quad in ox.parse(ledger.read_entry(record.seq), format=ox.RdfFormat.N_QUADS):
            if (
                quad.predicate.value == RDF_TYPE
                and isinstance(quad.subject, ox.NamedNode)
                and quad.object.value in _RECORDED_TYPES
            ):
                entries.setdefault(quad.subject.value, ref)
    return LedgerInfo(
        ledger_id=ledger.id,
        verification=Verification(
            ok=bool(report.ok), summary=str(report), checked_at=dt.datetime.now(dt.UTC)
        ),
        entries=entries,
        derived=derived_status,
    )


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Relation:
    """Two claims that conflict or corroborate each other, with independence and reasons."""

    kind: Literal["conflict", "corroboration", "scope warning", "revision", "update"]
    claims: tuple[str, str]
    independent: bool | None
    reasons: tuple[str, ...]

    def other(self, iri: str) -> str:
        return self.claims[1] if self.claims[0] == iri else self.claims[0]

    @property
    def independence_label(self) -> str:
        if self.independent is None:
            return "independence not assessed"
        return "independent sources" if self.independent else "not independent"


@dataclass(frozen=True)
class Grade:
    """A claim's grade and the reasons for it."""

    claim: str
    grade: str
    reasons: tuple[str, ...]
    #: 1 (confirmed by independent sources) to 6 (cannot be judged); None when not given
    credibility: int | None = None


#: the credibility grades the overview lists first: the weakest and the best-supported claims
WEAKEST = (5, 4)
BEST_SUPPORTED = (1, 2)


@dataclass(frozen=True)
class Analysis:
    """Conflicts, corroborations and grades of the store's claims (``ledger.analysis.compare``)."""

    available: bool
    note: str = ""
    conflicts: tuple[Relation, ...] = ()
    corroborations: tuple[Relation, ...] = ()
    grades: Mapping[str, Grade] = field(default_factory=dict)
    #: listed with the conflicts but none: a source revising itself, a running total that grew
    changes: tuple[Relation, ...] = ()
    #: same figure, different scopes (``compare.find_scope_warnings``); None when this version
    #: of the analysis has no such function (the overview then says so)
    scope_warnings: tuple[Relation, ...] | None = None

    def graded(self, iris: Iterable[str], credibility: Sequence[int]) -> list[str]:
        """The claims among ``iris`` graded one of ``credibility``, in that order of grades, and
        in the order of ``iris`` within a grade (a sequence, so that reports are reproducible)."""
        found = [i for i in iris if self._credibility(i) in credibility]
        return sorted(found, key=lambda i: credibility.index(self._credibility(i) or 0))

    def _credibility(self, iri: str) -> int | None:
        grade = self.grades.get(iri)
        return grade.credibility if grade else None

    def relations(self, iri: str) -> list[Relation]:
        return self._by_claim.get(iri, [])

    @cached_property
    def _by_claim(self) -> dict[str, list[Relation]]:
        found: dict[str, list[Relation]] = {}
        for relation in (*self.conflicts, *self.changes, *self.corroborations):
            for claim in set(relation.claims):
                found.setdefault(claim, []).append(relation)
        return found

    def grade_label(self, iri: str) -> str:
        if not self.available:
            return "not graded"
        found = self.grades.get(iri)
        return found.grade if found else "not graded"


def analyse(store: ox.Store) -> Analysis:
    """Conflicts, corroborations and grades of the store's claims (``ledger.analysis.compare``)."""
    functions: dict[str, Callable[[ox.Store], Iterable[Any]]] = {
        "find_conflicts": compare.find_conflicts,
        "find_corroborations": compare.find_corroborations,
        "grade_claims": compare.grade_claims,
    }
    conflicts: list[Relation] = []
    changes: list[Relation] = []
    for item in _items(functions["find_conflicts"](store)):
        relation = _get(item, "relation")
        if relation == "revision" or relation == "update":
            changes.append(_relation(relation, item))
        else:
            conflicts.append(_relation("conflict", item))
    corroborations = tuple(
        _relation("corroboration", item)
        for item in _items(functions["find_corroborations"](store))
        if _get(item, "match") not in COMPATIBLE_MATCHES  # listed by the analysis, never support
    )
    grades = {}
    for item in _items(functions["grade_claims"](store)):
        grade = _grade(item)
        grades[grade.claim] = grade
    # The hook for scope warnings: used when the analysis provides them.
    find_scope_warnings = getattr(compare, "find_scope_warnings", None)
    scope_warnings = None
    if callable(find_scope_warnings):
        scope_warnings = tuple(
            sorted(
                {_relation("scope warning", item) for item in _items(find_scope_warnings(store))},
                key=lambda r: r.claims,
            )
        )
    return Analysis(
        available=True,
        conflicts=tuple(sorted(set(conflicts), key=lambda r: r.claims)),
        corroborations=tuple(sorted(set(corroborations), key=lambda r: r.claims)),
        grades=grades,
        changes=tuple(sorted(set(changes), key=lambda r: r.claims)),
        scope_warnings=scope_warnings,
    )


def _items(result: Any) -> list[Any]:
    if isinstance(result, Mapping):
        return [
            {"claim": k, **(v if isinstance(v, Mapping) else {"grade": v})}
            for k, v in result.items()
        ]
    return list(result)


def _get(item: Any, *names: str) -> Any:
    for name in names:
        if isinstance(item, Mapping) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return None


def _reasons(item: Any) -> tuple[str, ...]:
    found = _get(item, "reasons", "reason", "explanation", "why")
    if found is None:
        return ()
    if isinstance(found, str):
        return (found,)
    return tuple(str(r) for r in found)


def _relation(
    kind: Literal["conflict", "corroboration", "scope warning", "revision", "update"], item: Any
) -> Relation:
    pair = _get(item, "claims", "pair")
    if pair is None:
        pair = (
            _get(item, "claim_a", "first", "a", "left", "claim"),
            _get(item, "claim_b", "second", "b", "right", "other"),
        )
    first, second = sorted(str(getattr(c, "value", c)) for c in pair)
    independent = _get(item, "independent", "independence", "kind")
    if isinstance(independent, str):
        independent = independent.lower() in ("independent", "true", "yes")
    return Relation(
        kind=kind,
        claims=(first, second),
        independent=None if independent is None else bool(independent),
        reasons=_reasons(item),
    )


def _grade(item: Any) -> Grade:
    claim = _get(item, "claim", "iri")
    grade = _get(item, "grade", "label", "credibility", "rating")
    credibility = _get(item, "credibility")
    return Grade(
        claim=str(getattr(claim, "value", claim)),
        grade=str(grade),
        reasons=_reasons(item),
        credibility=credibility if isinstance(credibility, int) else None,
    )


# --------------------------------------------------------------------------- escaping


class MdSafe(str):
    """Markdown that is already escaped (a link built by ``md_link``)."""

    __slots__ = ()


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")


def md_escape(value: Any) -> str:
    """Text safe inside a Markdown line or table cell: no markup, no HTML, one line."""
    if isinstance(value, MdSafe):
        return value
    text = "" if value is None else str(value)
    text = html.escape(text, quote=False)
    text = _MD_INLINE.sub(r"\\\1", text)
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    match = _MD_LINE_START.match(text)
    if match is None:
        return text
    head, mark = match.group(1), match.group(2)
    if mark[0].isdigit():  # "1. item": escape the dot, a backslash before a digit is literal
        return f"{head}{mark}\\{text[match.end() :]}"
    return f"{head}\\{text[len(head) :]}"


def _md_href(href: str) -> str:
    return url_quote(href, safe=":/?#@!$&'*+,;=%-._~").replace("(", "%28").replace(")", "%29")


def html_link(text: Any, href: str | None) -> Markup:
    """An HTML link, or escaped text when there is nothing safe to link to."""
    if not href:
        return Markup("{}").format(text)
    return Markup('<a href="{}">{}</a>').format(href, text)


def md_link(text: Any, href: str | None) -> MdSafe:
    if not href:
        return MdSafe(md_escape(text))
    return MdSafe(f"[{md_escape(text)}]({_md_href(href)})")


# --------------------------------------------------------------------------- the site


def slug(iri: str, hint: str) -> str:
    """A file name for a page: readable words from ``hint`` and a hash of the IRI."""
    words = re.sub(r"[^a-z0-9]+", "-", hint.lower()).strip("-")[:48].strip("-") or "item"
    return f"{words}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"


@dataclass
class _Site:
    """Which pages exist, so that every internal link points at a page that is written."""

    fmt: str
    claim_pages: dict[str, str] = field(default_factory=dict)
    source_pages: dict[str, str] = field(default_factory=dict)
    document_pages: dict[str, str] = field(default_factory=dict)
    index: bool = False

    def page(self, kind: str, iri: str, hint: str) -> str:
        return f"{kind}/{slug(iri, hint)}.{self.fmt}"


class Links:
    """Relative links from one page to the others; None where the target is not written."""

    def __init__(self, site: _Site, page: str) -> None:
        self._site = site
        self._dir = posixpath.dirname(page)

    def _rel(self, target: str | None) -> str | None:
        if target is None:
            return None
        return posixpath.relpath(target, self._dir or ".")

    def claim(self, iri: str | None) -> str | None:
        return self._rel(self._site.claim_pages.get(iri or ""))

    def source(self, iri: str | None) -> str | None:
        return self._rel(self._site.source_pages.get(iri or ""))

    def document(self, iri: str | None) -> str | None:
        return self._rel(self._site.document_pages.get(iri or ""))

    def index(self) -> str | None:
        return self._rel(f"index.{self._site.fmt}") if self._site.index else None

    def asset(self, name: str) -> str:
        rel = self._rel(name)
        assert rel is not None
        return rel

    @staticmethod
    def external(iri: str | None) -> str | None:
        return safe_url(iri)


# --------------------------------------------------------------------------- views for templates


@dataclass(frozen=True)
class Segment:
    """A stretch of a document's text and the claims whose quotes cover all of it."""

    text: str
    claims: tuple[str, ...]
    ends: tuple[str, ...]  # claims whose quote ends with this stretch


def document_segments(book: Casebook, document: str) -> tuple[list[Segment], list[str]]:
    """The document's text cut at every quote's start and end; the claims in order of quoting.

    Only quotes whose offsets hold their exact words are marked (others are listed on the claim
    page with its note). The document pages of the report and of ``serve`` both show these.
    """
    doc = book.documents[document]
    text = doc.text or ""
    spans: list[tuple[int, int, str]] = []
    for claim in book.claims.values():
        for quote in claim.quotes:
            start, end = quote.start, quote.end
            if (
                quote.document == document
                and start is not None
                and end is not None
                and 0 <= start < end <= len(text)
                and text[start:end] == quote.exact
            ):
                spans.append((start, end, claim.iri))
    spans.sort()
    order: list[str] = []
    for _start, _end, iri in spans:
        if iri not in order:
            order.append(iri)
    cuts = sorted({0, len(text), *(s for s, _e, _c in spans), *(e for _s, e, _c in spans)})
    segments = []
    for begin, finish in zip(cuts, cuts[1:], strict=False):
        covering = tuple(
            sorted({c for s, e, c in spans if s <= begin and finish <= e}, key=order.index)
        )
        ending = tuple(sorted({c for _s, e, c in spans if e == finish}, key=order.index))
        segments.append(Segment(text[begin:finish], covering, ending))
    return segments, order


@dataclass(frozen=True)
class QuoteView:
    """A quote inside its paragraph: the text before, the quote, the text after."""

    quote: Quote
    before: str
    marked: str
    after: str
    anchored: bool
    note: str


_CONTEXT_LIMIT = 700


def quote_in_paragraph(quote: Quote, text: str | None) -> QuoteView:
    """The paragraph of ``text`` around the quote's TextPositionSelector, the quote marked."""
    start, end = quote.start, quote.end
    if text is None or start is None or end is None:
        return QuoteView(
            quote,
            quote.prefix,
            quote.exact,
            quote.suffix,
            False,
            "the document's text is not in the store: showing the quote selector",
        )
    if not 0 <= start <= end <= len(text) or text[start:end] != quote.exact:
        return QuoteView(
            quote,
            quote.prefix,
            quote.exact,
            quote.suffix,
            False,
            "the stored text does not hold these words at these offsets: "
            "showing the quote selector",
        )
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_start:start], text[end:para_end]
    if len(before) > _CONTEXT_LIMIT:
        before = "…" + before[-_CONTEXT_LIMIT:]
    if len(after) > _CONTEXT_LIMIT:
        after = after[:_CONTEXT_LIMIT] + "…"
    return QuoteView(quote, before.lstrip(), text[start:end], after.rstrip(), True, "")


@dataclass(frozen=True)
class TimelineRow:
    """One time, in words, and the claims at it (each with the span as its source put it)."""

    label: str
    precision: str
    items: tuple[tuple[Claim, TimeSpan], ...]


def timeline(claims: Iterable[Claim], which: Literal["event", "stated"]) -> list[TimelineRow]:
    """Claims grouped by the time of their event (or statement) in words, earliest first."""
    groups: dict[tuple[str, str], list[tuple[Claim, TimeSpan]]] = {}
    keys: dict[tuple[str, str], tuple[str, str, str]] = {}
    for claim in claims:
        if which == "event":
            span = claim.proposition.event_time if claim.proposition else None
        else:
            span = claim.stated_time
        if span is None:
            continue
        key = (span.label, span.precision_label)
        groups.setdefault(key, []).append((claim, span))
        keys[key] = min(keys.get(key, span.sort_key), span.sort_key)
    return [
        TimelineRow(label, precision, tuple(sorted(items, key=lambda i: i[0].statement)))
        for (label, precision), items in sorted(groups.items(), key=lambda kv: (keys[kv[0]], kv[0]))
    ]


@dataclass(frozen=True)
class NetworkEdge:
    """An edge of the source network, for the text beside the diagram."""

    source: str
    target: str
    style: str
    claims: int


def network_edges(book: Casebook, claims: Iterable[Claim]) -> list[NetworkEdge]:
    """Who acts for whom, who relays whom, which outlet reports whom."""
    counts: dict[tuple[str, str, str], int] = {}
    involved: set[str] = set()
    for claim in claims:
        outlet = book.outlet(claim)
        for speaker in claim.sources:
            involved.add(speaker)
            carrier = speaker
            for agency in claim.relayed_by:
                counts[(speaker, agency, "relayed-by")] = (
                    counts.get((speaker, agency, "relayed-by"), 0) + 1
                )
                carrier = agency
            if outlet and outlet != carrier:
                counts[(carrier, outlet, "reported-by")] = (
                    counts.get((carrier, outlet, "reported-by"), 0) + 1
                )
    seen: set[str] = set()
    todo = sorted(involved)
    while todo:
        iri = todo.pop(0)
        if iri in seen or iri not in book.agents:
            continue
        seen.add(iri)
        for org in book.agents[iri].acts_for:
            counts.setdefault((iri, org, "acts-for"), 0)
            todo.append(org)
    return [NetworkEdge(s, t, style, n) for (s, t, style), n in sorted(counts.items())]


def network_svg(book: Casebook, edges: Sequence[NetworkEdge], links: Links | None) -> str:
    """The source network as SVG: speakers left, organisations, agencies, outlets right."""
    agents = sorted({e.source for e in edges} | {e.target for e in edges})
    acts_for = {
        a: [e.target for e in edges if e.source == a and e.style == "acts-for"] for a in agents
    }

    def depth(iri: str, seen: frozenset[str] = frozenset()) -> int:
        return max(
            (1 + depth(o, seen | {iri}) for o in acts_for.get(iri, []) if o not in seen), default=0
        )

    def kind_of(iri: str) -> str | None:
        return book.agents[iri].kind if iri in book.agents else None

    levels = {a: depth(a) for a in agents}
    deepest = max(levels.values(), default=0)
    nodes = []
    for iri in agents:
        agent = book.agents.get(iri)
        kind = kind_of(iri)
        column = {CL + "NewsAgency": deepest + 1, CL + "NewsOutlet": deepest + 2}.get(
            kind or "", deepest - levels[iri]
        )
        nodes.append(
            svg.Node(
                key=iri,
                title=book.name(iri),
                subtitle=f"{agent.alignment_short} · {agent.kind_label}"
                if agent
                else "not in the registry",
                column=column,
                tone=agent.tone if agent else "unknown",
                href=links.source(iri) if links else None,
            )
        )
    nodes.sort(key=lambda n: (n.column, n.tone, n.title))
    return svg.network(
        nodes,
        [svg.Edge(e.source, e.target, e.style) for e in edges],
        label="Source network: who acts for whom, who relays whom, and their alignments",
    )


def chain_steps(book: Casebook, claim: Claim, links: Links | None) -> list[svg.Step]:
    """speaker → organisation(s) → news agency → outlet → article."""
    steps: list[svg.Step] = []

    def agent_step(iri: str, role: str, arrow: str) -> svg.Step:
        agent = book.agents.get(iri)
        return svg.Step(
            role=role,
            title=book.name(iri),
            subtitle=f"{agent.alignment_short} · {agent.kind_label}" if agent else "",
            tone=agent.tone if agent else "unknown",
            href=links.source(iri) if links else None,
            arrow_label=arrow,
        )

    shown: list[str] = []
    for speaker in claim.sources:
        steps.append(
            agent_step(
                speaker,
                "speaker" if not shown else "also attributed to",
                "" if not shown else "and",
            )
        )
        shown.append(speaker)
        for org in book.organisations(speaker):
            if org not in shown:
                steps.append(agent_step(org, "on behalf of", "acts on behalf of"))
                shown.append(org)
    for agency in claim.relayed_by:
        if agency not in shown:
            steps.append(agent_step(agency, "news agency", "relayed by"))
            shown.append(agency)
    outlet = book.outlet(claim)
    transmission = claim.transmission_label
    if outlet and outlet not in shown:
        steps.append(agent_step(outlet, "outlet", f"reported by ({transmission})"))
    doc = book.documents.get(claim.reported_in or "")
    if doc is not None:
        published = f"published {doc.published}" if doc.published else "publication date not stated"
        steps.append(
            svg.Step(
                role="article",
                title=doc.title,
                subtitle=published,
                arrow_label="published in" if outlet else f"reported in ({transmission})",
            )
        )
    return steps


def chain_svg(book: Casebook, claim: Claim, links: Links | None) -> str:
    return svg.chain(
        chain_steps(book, claim, links),
        label="Attribution chain: from the speaker to the article",
    )


@dataclass(frozen=True)
class SourceRecord:
    """How a source's claims fared: corroborated or contradicted, independently or not."""

    claims: tuple[Claim, ...]
    on_behalf: tuple[Claim, ...]
    relayed: tuple[Claim, ...]
    published: tuple[Claim, ...]
    corroborated: int
    independently_corroborated: int
    contradicted: int
    independently_contradicted: int


def source_record(book: Casebook, analysis: Analysis, iri: str) -> SourceRecord:
    own = tuple(sorted(book.claims_by(iri), key=lambda c: c.statement))
    on_behalf = tuple(
        sorted(
            (
                c
                for c in book.claims.values()
                if iri not in c.sources and any(iri in book.organisations(s) for s in c.sources)
            ),
            key=lambda c: c.statement,
        )
    )
    relayed = tuple(
        sorted((c for c in book.claims.values() if iri in c.relayed_by), key=lambda c: c.statement)
    )
    published = tuple(
        sorted(
            (c for c in book.claims.values() if book.outlet(c) == iri), key=lambda c: c.statement
        )
    )

    def count(relations: Sequence[Relation], independent_only: bool) -> int:
        return sum(
            1
            for c in own
            if any(c.iri in r.claims and (r.independent or not independent_only) for r in relations)
        )

    return SourceRecord(
        claims=own,
        on_behalf=on_behalf,
        relayed=relayed,
        published=published,
        corroborated=count(analysis.corroborations, False),
        independently_corroborated=count(analysis.corroborations, True),
        contradicted=count(analysis.conflicts, False),
        independently_contradicted=count(analysis.conflicts, True),
    )


# --------------------------------------------------------------------------- rendering


def _environment(fmt: str) -> jinja2.Environment:
    folder = resources.templates_dir()
    loader = jinja2.FunctionLoader(
        lambda name: (
            (folder / name).read_text(encoding="utf-8") if (folder / name).is_file() else None
        )
    )
    if fmt == "html":
        env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.globals["link"] = html_link
    else:
        env = jinja2.Environment(
            loader=loader,
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=md_escape,
        )
        env.globals["link"] = md_link
        # Macro output is already escaped; ``|raw`` keeps finalize from escaping it twice.
        env.filters["raw"] = MdSafe
    env.globals.update(
        NOT_IN_LEDGER=NOT_IN_LEDGER,
        DEFAULT_RELIABILITY=DEFAULT_RELIABILITY,
        format_number=format_number,
        term_label=term_label,
    )
    return env


def _select_case(book: Casebook, case: str) -> str:
    for found in book.cases.values():
        if case in (found.iri, found.identifier):
            return found.iri
    known = ", ".join(sorted(c.identifier for c in book.cases.values())) or "none"
    raise InputError(f"no case {case!r} in the store", hint=f"cases: {known}")


def resolve_claim(book: Casebook, reference: str) -> str:
    """A claim's IRI from its IRI, its file IRI, the end of either, or a ledger hash prefix."""
    reference = reference.strip()
    exact = [c.iri for c in book.claims.values() if reference in (c.iri, c.written_as)]
    if not exact:
        digest = reference.removeprefix(LEDGER_CLAIM_NAMESPACE)
        exact = [
            c.iri
            for c in book.claims.values()
            if (
                c.iri.startswith(LEDGER_CLAIM_NAMESPACE)
                and re.fullmatch(r"[0-9a-f]{6,64}", digest)
                and c.iri.removeprefix(LEDGER_CLAIM_NAMESPACE).startswith(digest)
            )
            or any((i or "").endswith("/" + reference) for i in (c.iri, c.written_as))
        ]
    if len(set(exact)) > 1:  # a claim and its revisions share the file's id: the current one
        current = [i for i in set(exact) if book.claims[i].status == "current"]
        if len(current) == 1:
            return current[0]
    return _one(sorted(set(exact)), reference, "claim")


def resolve_source(book: Casebook, reference: str) -> str:
    """A source's IRI from its IRI or the end of it ('sohr')."""
    reference = reference.strip()
    found = [
        a
        for a in book.agents
        if a == reference or a.endswith("/" + reference) or a.endswith("#" + reference)
    ]
    return _one(sorted(found), reference, "source")


def _one(found: list[str], reference: str, what: str) -> str:
    if not found:
        raise InputError(
            f"no {what} {reference!r} in the store", hint=f"give the {what}'s IRI or the end of it"
        )
    if len(found) > 1:
        raise InputError(
            f"{reference!r} matches {len(found)} {what}s: " + ", ".join(found),
            hint="give more of the IRI",
        )
    return found[0]


def render(
    store: ox.Store,
    *,
    out_dir: Path,
    fmt: str = "html",
    case: str | None = None,
    claim: str | None = None,
    source: str | None = None,
    ledger_info: LedgerInfo | None = None,
) -> list[Path]:
    """Write the report pages for the store (or one case, claim or source); return the files.

    Without a selector: the overview (``index``), a page per claim and a page per source of every
    case. ``case``: that case's overview, claims and sources. ``claim`` / ``source``: that one
    page. Links point only at pages this call writes.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}", hint="use html or md")
    if sum(x is not None for x in (case, claim, source)) > 1:
        raise UsageError("choose one of case, claim or source")
    book = read_casebook(store)
    analysis = analyse(store)
    site = _Site(fmt)
    claims = sorted(book.claims.values(), key=reading_order)
    sources: list[str]
    if claim is not None:
        claims = [book.claims[resolve_claim(book, claim)]]
        sources = []
    elif source is not None:
        sources = [resolve_source(book, source)]
        claims = []
    else:
        if case is not None:
            chosen = _select_case(book, case)
            claims = [c for c in claims if c.case == chosen]
        site.index = True
        sources = sorted(_agents_of(book, claims))
    for c in claims:
        site.claim_pages[c.iri] = site.page("claims", c.iri, c.short_id)
    for s in sources:
        site.source_pages[s] = site.page("sources", s, local_name(s))
    documents = sorted(_documents_of(book, claims)) if site.index else []
    for doc_iri in documents:
        site.document_pages[doc_iri] = site.page("documents", doc_iri, local_name(doc_iri))

    env = _environment(fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    common: dict[str, Any] = {"book": book, "analysis": analysis, "ledger": ledger_info, "fmt": fmt}

    def write(page: str, template: str, **context: Any) -> None:
        links = Links(site, page)
        text = env.get_template(template).render(links=links, page=page, **common, **context)
        path = out_dir / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    def write_svg(name: str, text: str) -> None:
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", encoding="utf-8")
        written.append(path)

    if site.index:
        edges = network_edges(book, claims)
        index_links = Links(site, f"index.{fmt}")
        network = network_svg(book, edges, index_links if fmt == "html" else None)
        if fmt == "md" and network:
            write_svg("network.svg", network)
        in_order = [c.iri for c in claims]  # the report's order: a set's changes from run to run
        shown = set(in_order)
        weakest = [book.claims[i] for i in analysis.graded(in_order, WEAKEST)]
        best_supported = [book.claims[i] for i in analysis.graded(in_order, BEST_SUPPORTED)]
        listed = {c.iri for c in (*weakest, *best_supported)}
        groups = _case_groups(book, claims)
        cases = [g.case for g in groups if g.case is not None]
        write(
            f"index.{fmt}",
            f"index.{fmt}.j2",
            title=cases[0].name if len(cases) == 1 and len(groups) == 1 else "Claims of every case",
            claims=claims,
            groups=groups,
            rest=_case_groups(book, [c for c in claims if c.iri not in listed]),
            cases=cases,
            speakers=len({s for c in claims for s in c.sources}),
            events=timeline(claims, "event"),
            statements=timeline(claims, "stated"),
            edges=edges,
            network=Markup(network),
            alignments=_alignment_groups(
                book, {e.source for e in edges} | {e.target for e in edges}
            ),
            conflicts=[r for r in analysis.conflicts if not shown.isdisjoint(r.claims)],
            changes=[r for r in analysis.changes if not shown.isdisjoint(r.claims)],
            scope_warnings=None
            if analysis.scope_warnings is None
            else [r for r in analysis.scope_warnings if not shown.isdisjoint(r.claims)],
            corroborations=[r for r in analysis.corroborations if not shown.isdisjoint(r.claims)],
            weakest=weakest,
            best_supported=best_supported,
            documents=[book.documents[doc_iri] for doc_iri in documents],
        )
    derived_by: dict[str, list[Claim]] = {}
    for d in sorted(book.claims.values(), key=lambda d: d.statement):
        for origin in d.derived_from:
            derived_by.setdefault(origin, []).append(d)
    for c in claims:
        page = site.claim_pages[c.iri]
        links = Links(site, page)
        chain = chain_svg(book, c, links if fmt == "html" else None)
        chain_file = page.removesuffix(f".{fmt}") + ".chain.svg"
        if fmt == "md" and chain:
            write_svg(chain_file, chain)
        write(
            page,
            f"claim.{fmt}.j2",
            claim=c,
            chain=Markup(chain),
            chain_steps=chain_steps(book, c, None),
            chain_file=posixpath.basename(chain_file),
            quotes=[
                quote_in_paragraph(
                    q, book.documents[q.document].text if q.document in book.documents else None
                )
                for q in c.quotes
            ],
            relations=analysis.relations(c.iri),
            grade=analysis.grades.get(c.iri),
            derived_by=derived_by.get(c.iri, []),
        )
    for s in sources:
        write(
            site.source_pages[s],
            f"source.{fmt}.j2",
            agent=book.agents[s],
            record=source_record(book, analysis, s),
            acting_for_it=sorted(
                (a for a in book.agents.values() if s in a.acts_for), key=lambda a: a.name
            ),
        )
    for doc_iri in documents:
        segments, order = document_segments(book, doc_iri)
        write(
            site.document_pages[doc_iri],
            f"document.{fmt}.j2",
            doc=book.documents[doc_iri],
            segments=segments,
            order=order,
            numbers={c: n for n, c in enumerate(order, start=1)},
        )
    return written


def _documents_of(book: Casebook, claims: Iterable[Claim]) -> set[str]:
    """The documents the claims quote or are reported in."""
    found: set[str] = set()
    for claim in claims:
        found.update(q.document for q in claim.quotes if q.document)
        if claim.reported_in:
            found.add(claim.reported_in)
    return {d for d in found if d in book.documents}


def _agents_of(book: Casebook, claims: Iterable[Claim]) -> set[str]:
    found: set[str] = set()
    for claim in claims:
        found.update(claim.sources)
        found.update(claim.relayed_by)
        for speaker in claim.sources:
            found.update(book.organisations(speaker))
        outlet = book.outlet(claim)
        if outlet:
            found.add(outlet)
        found.update(q.translator for q in claim.quotes if q.translator)
    return {a for a in found if a in book.agents}


@dataclass(frozen=True)
class AlignmentGroup:
    """Sources on one side: they cannot corroborate each other independently."""

    alignment: str
    agents: tuple[Agent, ...]


def _alignment_groups(book: Casebook, iris: Iterable[str]) -> list[AlignmentGroup]:
    groups: dict[str, list[Agent]] = {}
    for iri in iris:
        agent = book.agents.get(iri)
        if agent:
            groups.setdefault(agent.alignment_label, []).append(agent)
    return [
        AlignmentGroup(label, tuple(sorted(agents, key=lambda a: a.name)))
        for label, agents in sorted(groups.items())
    ]


@dataclass(frozen=True)
class ClaimGroup:
    """The claims of one case (or of none)."""

    case: Case | None
    claims: tuple[Claim, ...]

    @property
    def title(self) -> str:
        return (
            f"{self.case.name} ({self.case.identifier})" if self.case else "Claims without a case"
        )


def _case_groups(book: Casebook, claims: Sequence[Claim]) -> list[ClaimGroup]:
    by_case: dict[str, list[Claim]] = {}
    for claim in claims:
        by_case.setdefault(claim.case or "", []).append(claim)
    return [
        ClaimGroup(book.cases.get(key), tuple(items))
        for key, items in sorted(by_case.items(), key=lambda kv: (kv[0] == "", kv[0]))
    ]


def reading_order(claim: Claim) -> tuple[str, str, int, str, str]:
    """Case, document, then where the claim's first quote stands in it."""
    first = claim.quotes[0] if claim.quotes else None
    start = first.start if first and first.start is not None else 1 << 62
    return (claim.case or "", claim.reported_in or "", start, claim.statement, claim.iri)
