"""Exports of a store's claims for other tools: ClaimReview JSON-LD, PROV-O, nanopublications, CSV.

Each function takes a pyoxigraph ``Store`` (claim files loaded, or a ledger's query index) and
returns text. Nothing is fetched while exporting.

Verdicts: the triples ``claimreview`` reads
------------------------------------------
A checker's verdict on a claim is a ``schema:ClaimReview`` node written by the ``review``
command into its ledger entry::

    <urn:claim-ledger:review:<sha256>> a schema:ClaimReview ;
        schema:itemReviewed <https://w3id.org/claim-ledger/claim/<sha256>> ;  # the claim, required
        schema:reviewRating [
            a schema:Rating ;
            schema:ratingValue "4"^^xsd:integer ;        # required (integer, decimal or text)
            schema:bestRating "5"^^xsd:integer ;         # required: the highest value
            schema:worstRating "1"^^xsd:integer ;        # required: the lowest value
            schema:alternateName "Mostly true"@en ] ;    # required: the verdict in words
        schema:author "A. Checker" ;                     # required: a literal name, or a registry
            # source (prov:Person or prov:Organization with schema:name)
        schema:datePublished "2024-05-01"^^xsd:date ;    # required (xsd:date or xsd:dateTime)
        schema:url <https://example.org/fact-check> ;    # required: the fact-check's own page
        schema:publisher <urn:claim-ledger:organization:<sha256>> ;  # optional: who publishes
        schema:reviewBody "Why, in words."@en .          # optional

    <urn:claim-ledger:organization:<sha256>> a schema:Organization ;
        schema:name "Example Fact Check" ; schema:url <https://factcheck.example.org/> .

A review without an http(s) ``schema:url`` is left out of the export (the caller is told which):
ClaimReview's ``url`` is the fact-check's page, never the claim. A rating on the old inverted
scale (``bestRating`` below ``worstRating``) is published reflected onto the same range, so that
``bestRating`` is always the highest value, as schema.org and Google read it.
A checker's assessment of a *source* has the same shape with ``a schema:Review`` and the source
as ``schema:itemReviewed`` (ratingValue A–F, the Admiralty scale); reports show it, and
"F — reliability cannot be judged" when there is none.
"""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from ledger.chain.canon import canonical_nquads, sha256_hex
from ledger.errors import UsageError
from ledger.publish import report, trusty
from ledger.publish.report import CL, Casebook, Claim
from ledger.vocab import DCTERMS_IRI as DCTERMS
from ledger.vocab import NP_IRI as NP
from ledger.vocab import OA_IRI as OA
from ledger.vocab import PROV_IRI as PROV
from ledger.vocab import RDF_IRI, RDF_TYPE
from ledger.vocab import RDFS_IRI as RDFS
from ledger.vocab import SCHEMA_IRI as SCHEMA
from ledger.vocab import XSD_IRI as XSD

NANOPUB_NAMESPACE = "https://w3id.org/claim-ledger/np/"

PREFIXES = {
    "cl": CL,
    "dcterms": DCTERMS,
    "np": NP,
    "oa": OA,
    "prov": PROV,
    "rdf": RDF_IRI,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "xsd": XSD,
}

CSV_COLUMNS = (
    "claim",
    "statement",
    "case",
    "date",
    "date_earliest",
    "date_latest",
    "date_precision",
    "place",
    "subject",
    "property",
    "value",
    "value_low",
    "value_high",
    "unit",
    "stance",
    "source",
    "source_kind",
    "alignment",
    "relay",
    "outlet",
    "quote",
    "translation",
    "grade",
    "status",
)

#: The context Google's fact-check markup requires (it reads no other): a name, never fetched here.
JSONLD_CONTEXT = "https://schema.org"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _ordered(book: Casebook) -> list[Claim]:
    return sorted(book.claims.values(), key=report.reading_order)


# --------------------------------------------------------------------------- ClaimReview


def _agent_json(
    book: Casebook, iri: str | None, name: str | None, store: ox.Store | None = None
) -> dict[str, Any]:
    """A Person or Organization with its name (and its url when the store records one)."""
    if iri is None:
        return {"@type": "Person", "name": name or "unnamed"}
    agent = book.agents.get(iri)
    is_person = agent.person if agent else _has_type(store, iri, SCHEMA + "Person")
    out: dict[str, Any] = {
        "@type": "Person" if is_person else "Organization",
        "name": name
        or (agent.name if agent else None)
        or _first_text(store, iri, SCHEMA + "name")
        or book.name(iri),
    }
    if report.safe_url(iri):
        out["@id"] = iri
    url = report.safe_url(_first_iri(store, iri, SCHEMA + "url"))
    if url:
        out["url"] = url
    return out


def _has_type(store: ox.Store | None, iri: str, type_iri: str) -> bool:
    if store is None:
        return False
    pattern = store.quads_for_pattern(_n(iri), _n(RDF_TYPE), _n(type_iri), None)
    return next(iter(pattern), None) is not None


def _objects(store: ox.Store | None, iri: str, predicate: str) -> list[Any]:
    if store is None:
        return []
    found = {q.object for q in store.quads_for_pattern(_n(iri), _n(predicate), None, None)}
    return sorted(found, key=str)


def _first_iri(store: ox.Store | None, iri: str, predicate: str) -> str | None:
    """The first IRI object (or, failing one, a literal holding a URL) of a property."""
    values = _objects(store, iri, predicate)
    named = [v.value for v in values if isinstance(v, ox.NamedNode)]
    texts = [v.value for v in values if isinstance(v, ox.Literal)]
    found = named or texts
    return found[0] if found else None


def _first_text(store: ox.Store | None, iri: str, predicate: str) -> str | None:
    texts = [v.value for v in _objects(store, iri, predicate) if isinstance(v, ox.Literal)]
    return texts[0] if texts else None


def _number_or_text(value: str | None) -> Any:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return int(number) if number == number.to_integral_value() else float(number)


def _document_json(book: Casebook, iri: str, store: ox.Store | None = None) -> dict[str, Any]:
    """A document as a CreativeWork: headline, date, publisher, language, url and archivedAt."""
    doc = book.documents.get(iri)
    out: dict[str, Any] = {"@id": iri, "@type": "CreativeWork"}
    if doc is None:
        return out
    out["headline"] = doc.title
    if doc.published:
        out["datePublished"] = doc.published
    if doc.publisher:
        out["publisher"] = _agent_json(book, doc.publisher, None, store)
    if doc.language:
        out["inLanguage"] = doc.language
    if report.safe_url(doc.url):
        out["url"] = doc.url
    archived = report.safe_url(_first_iri(store, iri, SCHEMA + "archivedAt"))
    if archived:
        out["archivedAt"] = archived
    return out


def _rating_json(verdict: report.Rating) -> dict[str, Any]:
    """schema:Rating with bestRating the highest value and worstRating the lowest."""
    value = _number_or_text(verdict.value)
    best = _number_or_text(verdict.best)
    worst = _number_or_text(verdict.worst)
    numbers = all(isinstance(x, int | float) for x in (value, best, worst))
    if numbers and best < worst:  # the old inverted scale (1 best, 5 worst): reflect it
        value, best, worst = best + worst - value, worst, best
    rating: dict[str, Any] = {"@type": "Rating"}
    for key, item in (
        ("ratingValue", value),
        ("bestRating", best),
        ("worstRating", worst),
        ("alternateName", verdict.alternate_name),
        ("name", verdict.alternate_name),
    ):
        if item is not None:
            rating[key] = item
    return rating


def _claim_date(book: Casebook, claim: Claim) -> str | None:
    """When the claim was made: its stated day, else the day its first appearance was published."""
    said = claim.stated_time
    if said and said.earliest and said.earliest == said.latest:
        return said.earliest
    first = book.documents.get(claim.reported_in or "")
    return first.published if first and first.published else None


def claimreview_items(store: ox.Store) -> tuple[list[dict[str, Any]], list[str]]:
    """The ClaimReview items of every reviewed claim, and the reviews left out (no http(s) url)."""
    book = report.read_casebook(store)
    items: list[dict[str, Any]] = []
    left_out: list[str] = []
    for claim in _ordered(book):
        for verdict in claim.verdicts:
            url = report.safe_url(verdict.url)
            if url is None:
                left_out.append(verdict.node)
                continue
            documents = sorted(
                {q.document for q in claim.quotes if q.document}
                | ({claim.reported_in} if claim.reported_in else set())
            )
            item: dict[str, Any] = {"@type": "Claim", "@id": claim.iri}
            if claim.source:
                item["author"] = _agent_json(book, claim.source, None, store)
            date = _claim_date(book, claim)
            if date:
                item["datePublished"] = date
            if claim.reported_in:
                item["firstAppearance"] = _document_json(book, claim.reported_in, store)
            if documents:
                item["appearance"] = [_document_json(book, d, store) for d in documents]
            publisher = _first_iri(store, verdict.node, SCHEMA + "publisher")
            author = (
                _agent_json(book, publisher, None, store)
                if publisher
                else _agent_json(book, verdict.author, verdict.author_name, store)
            )
            review: dict[str, Any] = {
                "@type": "ClaimReview",
                "url": url,
                "claimReviewed": claim.statement,
                "reviewRating": _rating_json(verdict),
                "author": author,
                "itemReviewed": item,
            }
            if report.safe_url(verdict.node) or verdict.node.startswith("urn:"):
                review["@id"] = verdict.node
            if verdict.date:
                review["datePublished"] = verdict.date
            if verdict.body:
                review["reviewBody"] = verdict.body
            items.append(review)
    return items, left_out


def claimreview(store: ox.Store, *, left_out: list[str] | None = None) -> str:
    """schema.org ClaimReview JSON-LD (Google's fact-check markup) for every reviewed claim.

    left_out: if given, receives the reviews that could not be published (no http(s) url).
    """
    items, skipped = claimreview_items(store)
    if left_out is not None:
        left_out.extend(skipped)
    document = {"@context": JSONLD_CONTEXT, "@graph": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- PROV-O


def prov_quads(store: ox.Store) -> list[ox.Quad]:
    """PROV-O triples of the claims: entities, agents, attributions, derivations, quotations."""
    book = report.read_casebook(store)
    reader = report.Reader(store)
    out: set[ox.Quad] = set()

    def add(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        out.add(ox.Quad(s, _n(p), o))

    entity, agent_class = _n(PROV + "Entity"), _n(PROV + "Agent")
    for claim in book.claims.values():
        node = _n(claim.iri)
        add(node, RDF_TYPE, entity)
        add(node, RDF_TYPE, _n(CL + "Claim"))
        add(node, PROV + "value", ox.Literal(claim.statement, language="en"))
        for source in claim.sources:
            add(node, PROV + "wasAttributedTo", _n(source))
        for other in claim.derived_from:
            add(node, PROV + "wasDerivedFrom", _n(other))
        for agency in claim.relayed_by:
            add(node, CL + "relayedBy", _n(agency))
            add(node, PROV + "wasInfluencedBy", _n(agency))
        if claim.reported_in:
            add(node, CL + "reportedIn", _n(claim.reported_in))
        for quote_node in reader.nodes(node, CL + "quote"):
            quote = report.read_quote(reader, quote_node)
            add(node, CL + "quote", quote_node)
            add(quote_node, RDF_TYPE, entity)
            add(quote_node, RDF_TYPE, _n(CL + "Quote"))
            words = ox.Literal(quote.exact, language=quote.language) if quote.language else None
            add(quote_node, PROV + "value", words or ox.Literal(quote.exact))
            if quote.document:
                add(quote_node, PROV + "wasQuotedFrom", _n(quote.document))
            translation = reader.node(quote_node, CL + "translation")
            if translation is not None and quote.translation is not None:
                add(quote_node, CL + "translation", translation)
                add(translation, RDF_TYPE, entity)
                add(translation, RDF_TYPE, _n(CL + "Translation"))
                add(translation, PROV + "value", ox.Literal(quote.translation, language="en"))
                add(translation, PROV + "wasDerivedFrom", quote_node)
                if quote.translator:
                    add(translation, PROV + "wasAttributedTo", _n(quote.translator))
        for old in reader.iris(node, PROV + "wasRevisionOf"):
            add(node, PROV + "wasRevisionOf", _n(old))
        for lit in reader.literals(node, PROV + "invalidatedAtTime"):
            add(node, PROV + "invalidatedAtTime", lit)
    for doc in book.documents.values():
        node = _n(doc.iri)
        add(node, RDF_TYPE, entity)
        add(node, RDF_TYPE, _n(CL + "Document"))
        add(node, RDFS + "label", ox.Literal(doc.title))
        if doc.publisher:
            add(node, PROV + "wasAttributedTo", _n(doc.publisher))
    for agent in book.agents.values():
        node = _n(agent.iri)
        add(node, RDF_TYPE, agent_class)
        add(node, RDF_TYPE, _n(PROV + ("Person" if agent.person else "Organization")))
        add(node, RDFS + "label", ox.Literal(agent.name, language="en"))
        for org in agent.acts_for:
            add(node, PROV + "actedOnBehalfOf", _n(org))
    out.update(activity_quads(store, book))
    return sorted(out, key=str)


#: The review classes whose nodes PROV-O shows as the verdicts an activity generated: a
#: checker's verdict on a claim, and a checker's assessment of a source.
REVIEW_CLASSES = (SCHEMA + "ClaimReview", SCHEMA + "Review")


def _agent_node(book: Casebook, name: str) -> ox.NamedNode:
    """The agent an entry's author names: an IRI as given, a registry source of that name or
    id, else ``urn:claim-ledger:agent:<sha256 of the name>``."""
    if report.safe_url(name):
        return _n(name.strip())
    for agent in sorted(book.agents.values(), key=lambda a: a.iri):
        if name in (agent.name, agent.iri) or agent.iri.endswith("/" + name):
            return _n(agent.iri)
    return _n("urn:claim-ledger:agent:" + sha256_hex(name.encode("utf-8")))


def _literal(store: ox.Store, subject: Any, predicate: str) -> ox.Literal | None:
    found = sorted(
        (
            q.object
            for q in store.quads_for_pattern(subject, _n(predicate), None, None)
            if isinstance(q.object, ox.Literal)
        ),
        key=str,
    )
    return found[0] if found else None


def activity_quads(store: ox.Store, book: Casebook | None = None) -> set[ox.Quad]:
    """PROV-O activities: one per ledger entry (append, retraction, supersession, review,
    assessment) and, outside a ledger, one per verdict; each ``prov:Activity`` with its
    ``prov:startedAtTime``, ``prov:wasAssociatedWith`` its author and ``prov:generated`` the entry,
    the claims it added and the verdicts it gave (ratings included); ``prov:used`` the claim or
    source a verdict judges; ``prov:invalidated`` the claims it retracted or superseded."""
    book = book or report.read_casebook(store)
    out: set[ox.Quad] = set()

    def add(s: Any, p: str, o: Any) -> None:
        out.add(ox.Quad(s, _n(p), o))

    def associate(activity: ox.NamedNode, author: str) -> ox.NamedNode:
        agent = _agent_node(book, author)
        add(activity, PROV + "wasAssociatedWith", agent)
        add(agent, RDF_TYPE, _n(PROV + "Agent"))
        if agent.value.startswith("urn:claim-ledger:agent:"):
            add(agent, RDFS + "label", ox.Literal(author))
        return agent

    def verdict(node: Any, activity: ox.NamedNode, agent: ox.NamedNode | None) -> None:
        add(node, RDF_TYPE, _n(PROV + "Entity"))
        add(activity, PROV + "generated", node)
        add(node, PROV + "wasGeneratedBy", activity)
        if agent is not None:
            add(node, PROV + "wasAttributedTo", agent)
        for predicate in (RDF_TYPE, SCHEMA + "itemReviewed", SCHEMA + "url"):
            for q in store.quads_for_pattern(node, _n(predicate), None, None):
                add(node, predicate, q.object)
                if predicate == SCHEMA + "itemReviewed":  # the claim or source judged
                    add(activity, PROV + "used", q.object)
        for q in store.quads_for_pattern(node, _n(SCHEMA + "reviewRating"), None, None):
            add(node, SCHEMA + "reviewRating", q.object)
            for part in ("ratingValue", "bestRating", "worstRating", "alternateName"):
                value = _literal(store, q.object, SCHEMA + part)
                if value is not None:
                    add(q.object, SCHEMA + part, value)
                    if part == "alternateName":
                        add(node, PROV + "value", value)
        body = _literal(store, node, SCHEMA + "reviewBody")
        if body is not None:
            add(node, SCHEMA + "reviewBody", body)

    reviews_in_entries: set[Any] = set()
    entry_type = _n(CL + "LedgerEntry")
    for entry_quad in store.quads_for_pattern(None, _n(RDF_TYPE), entry_type, None):
        entry = entry_quad.subject
        if not isinstance(entry, ox.NamedNode):
            continue
        activity = _n(entry.value + ":activity")
        add(activity, RDF_TYPE, _n(PROV + "Activity"))
        add(entry, RDF_TYPE, _n(PROV + "Entity"))
        add(entry, RDF_TYPE, entry_type)
        add(activity, PROV + "generated", entry)
        add(entry, PROV + "wasGeneratedBy", activity)
        time = _literal(store, entry, PROV + "generatedAtTime")
        if time is not None:
            add(activity, PROV + "startedAtTime", time)
            add(activity, PROV + "endedAtTime", time)
            add(entry, PROV + "generatedAtTime", time)
        kind = _literal(store, entry, CL + "entryKind")
        sequence = _literal(store, entry, CL + "sequence")
        message = _literal(store, entry, CL + "message")
        if sequence is not None:
            add(entry, CL + "sequence", sequence)
        label = f"entry {sequence.value if sequence else '?'} ({kind.value if kind else '?'})"
        if message is not None and message.value:
            label += f": {message.value}"
        add(activity, RDFS + "label", ox.Literal(label))
        author = _literal(store, entry, CL + "author")
        agent = associate(activity, author.value) if author is not None else None
        for content_quad in store.quads_for_pattern(entry, _n(CL + "contentGraph"), None, None):
            graph = content_quad.object
            if not isinstance(graph, ox.NamedNode):
                continue
            for q in store.quads_for_pattern(None, _n(RDF_TYPE), _n(CL + "Claim"), graph):
                add(activity, PROV + "generated", q.subject)
            for predicate in (CL + "invalidates",):
                for q in store.quads_for_pattern(None, _n(predicate), None, graph):
                    add(activity, PROV + "invalidated", q.object)
            for review_class in REVIEW_CLASSES:
                for q in store.quads_for_pattern(None, _n(RDF_TYPE), _n(review_class), graph):
                    reviews_in_entries.add(q.subject)
                    verdict(q.subject, activity, agent)
    # verdicts outside a ledger (claim files, an export read back): an activity each
    for review_class in REVIEW_CLASSES:
        for q in store.quads_for_pattern(None, _n(RDF_TYPE), _n(review_class), None):
            node = q.subject
            if node in reviews_in_entries or not isinstance(node, ox.NamedNode):
                continue
            activity = _n(node.value + ":activity")
            add(activity, RDF_TYPE, _n(PROV + "Activity"))
            date = _literal(store, node, SCHEMA + "datePublished")
            if date is not None:
                add(activity, PROV + "startedAtTime", date)
            author_iri = next(
                (
                    a.object
                    for a in store.quads_for_pattern(node, _n(SCHEMA + "author"), None, None)
                    if isinstance(a.object, ox.NamedNode)
                ),
                None,
            )
            author_name = _literal(store, node, SCHEMA + "author")
            agent = None
            if author_iri is not None:
                agent = author_iri
                add(activity, PROV + "wasAssociatedWith", agent)
            elif author_name is not None:
                agent = associate(activity, author_name.value)
            verdict(node, activity, agent)
    return out


def prov(store: ox.Store) -> str:
    """PROV-O Turtle of the claims, their agents, attributions, derivations and quotations."""
    data = ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in prov_quads(store)],
        format=ox.RdfFormat.TURTLE,
        prefixes=_prefixes("cl", "prov", "rdf", "rdfs", "schema", "xsd"),
    )
    return (data or b"").decode("utf-8")


def _prefixes(*names: str) -> dict[str, str]:
    return {name: PREFIXES[name] for name in sorted(names)}


# --------------------------------------------------------------------------- nanopublications


def claim_closure(store: ox.Store, claim: str) -> list[ox.Triple]:
    """The claim's triples and those of every blank node reachable from it."""
    triples: set[ox.Triple] = set()
    todo: list[ox.NamedNode | ox.BlankNode] = [_n(claim)]
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for quad in store.quads_for_pattern(node, None, None):
            triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
            if isinstance(quad.object, ox.BlankNode):
                todo.append(quad.object)
    return sorted(triples, key=str)


#: the licence of a nanopublication unless the caller names another
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _canonical_closure(store: ox.Store, claim: str) -> list[ox.Quad]:
    """The claim's closure with blank nodes labelled and ordered canonically (RDFC-1.0), so that
    the nanopublication (and its trusty URI) does not depend on how a store labelled them."""
    triples = [ox.Quad(t.subject, t.predicate, t.object) for t in claim_closure(store, claim)]
    return list(ox.parse(canonical_nquads(triples), format=ox.RdfFormat.N_QUADS))


def _nanopub_quads(
    store: ox.Store,
    claim: Claim,
    *,
    stamp: ox.Literal,
    creator: str,
    license_iri: str,
) -> list[ox.Quad]:
    """One claim's nanopublication before it is made trusty: IRIs under ``NANOPUB_NAMESPACE``."""
    this = _n(NANOPUB_NAMESPACE)
    head, assertion, provenance, pubinfo = (
        _n(NANOPUB_NAMESPACE + name) for name in ("Head", "assertion", "provenance", "pubinfo")
    )
    quads: list[ox.Quad] = []

    def add(s: Any, p: str, o: Any, g: ox.NamedNode) -> None:
        quads.append(ox.Quad(s, _n(p), o, g))

    add(this, RDF_TYPE, _n(NP + "Nanopublication"), head)
    add(this, NP + "hasAssertion", assertion, head)
    add(this, NP + "hasProvenance", provenance, head)
    add(this, NP + "hasPublicationInfo", pubinfo, head)
    for quad in _canonical_closure(store, claim.iri):
        quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, assertion))
    documents = {q.document for q in claim.quotes if q.document}
    if claim.reported_in:
        documents.add(claim.reported_in)
    for doc in sorted(documents):
        add(assertion, PROV + "wasDerivedFrom", _n(doc), provenance)
    for source in claim.sources:
        add(assertion, PROV + "wasAttributedTo", _n(source), provenance)
    if not documents and not claim.sources:
        note = ox.Literal("no stored document or source is recorded for this claim", language="en")
        add(assertion, RDFS + "comment", note, provenance)
    add(this, DCTERMS + "created", stamp, pubinfo)
    add(this, DCTERMS + "creator", _n(creator), pubinfo)
    add(this, DCTERMS + "license", _n(license_iri), pubinfo)
    add(this, DCTERMS + "subject", _n(claim.iri), pubinfo)
    add(this, RDFS + "label", ox.Literal(f"Claim: {claim.statement}", language="en"), pubinfo)
    return quads


def _absolute_iri(value: str, option: str) -> str:
    """An absolute http(s) IRI for the creator or licence, else a UsageError saying which."""
    if report.safe_url(value) is None:
        raise UsageError(
            f"{option} must be an http(s) IRI, not {value!r}",
            hint="e.g. --creator https://orcid.org/0000-0002-1825-0097",
        )
    return value.strip()


def nanopub_items(
    store: ox.Store,
    *,
    creator: str,
    license_iri: str = DEFAULT_LICENSE,
    created: dt.datetime | None = None,
) -> list[tuple[str, list[ox.Quad]]]:
    """Each claim's nanopublication, trusty: its IRI and its quads (four named graphs)."""
    creator = _absolute_iri(creator, "--creator")
    license_iri = _absolute_iri(license_iri, "--license")
    book = report.read_casebook(store)
    when = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = ox.Literal(
        when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        datatype=_n(XSD + "dateTime"),
    )
    out = []
    for claim in _ordered(book):
        pre = _nanopub_quads(store, claim, stamp=stamp, creator=creator, license_iri=license_iri)
        code, quads = trusty.make_trusty(pre, NANOPUB_NAMESPACE)
        out.append((NANOPUB_NAMESPACE + code, quads))
    return out


def nanopub(
    store: ox.Store,
    *,
    creator: str,
    license_iri: str = DEFAULT_LICENSE,
    created: dt.datetime | None = None,
) -> str:
    """TriG: one trusty nanopublication per claim (head, assertion, provenance, pubinfo).

    creator: who publishes them (an ORCID or organisation IRI); license_iri: their licence;
    created: their creation time (now by default). Each nanopublication's IRI is
    ``https://w3id.org/claim-ledger/np/RA…``, the trusty URI of its content, so it can be
    published as it is (``ledger.publish.trusty``).
    """
    items = nanopub_items(store, creator=creator, license_iri=license_iri, created=created)
    quads = [quad for _iri, item in items for quad in item]
    data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_prefixes(*PREFIXES))
    return (data or b"").decode("utf-8")


# --------------------------------------------------------------------------- CSV


def csv_rows(store: ox.Store) -> list[dict[str, str]]:
    """One row per claim (``CSV_COLUMNS``); several values in one cell go on separate lines."""
    book = report.read_casebook(store)
    analysis = report.analyse(store)
    rows = []
    for claim in _ordered(book):
        prop = claim.proposition
        span = prop.event_time if prop else None
        quantity = prop.quantity if prop else None
        sources = [book.agents.get(s) for s in claim.sources]
        case = book.cases.get(claim.case or "")
        rows.append(
            {
                "claim": claim.iri,
                "statement": claim.statement,
                "case": case.identifier if case else "",
                "date": span.label if span else "",
                "date_earliest": (span.earliest or "") if span else "",
                "date_latest": (span.latest or "") if span else "",
                "date_precision": span.precision_label if span else "",
                "place": book.name(prop.place) if prop and prop.place else "",
                "subject": book.name(prop.subject) if prop and prop.subject else "",
                "property": prop.property_label if prop else "",
                "value": (
                    book.name(prop.value)
                    if prop and prop.value
                    else quantity.label
                    if quantity
                    else ""
                ),
                "value_low": (quantity.lower or "") if quantity else "",
                "value_high": (quantity.upper or "") if quantity else "",
                "unit": report.term_label(quantity.unit) if quantity and quantity.unit else "",
                "stance": claim.stance_label,
                "source": _lines(book.name(s) for s in claim.sources),
                "source_kind": _lines(a.kind_label for a in sources if a),
                "alignment": _lines(a.alignment_label for a in sources if a),
                "relay": _lines(book.name(a) for a in claim.relayed_by),
                "outlet": book.name(book.outlet(claim)),
                "quote": _lines(q.exact for q in claim.quotes),
                "translation": _lines(q.translation or "" for q in claim.quotes),
                "grade": analysis.grade_label(claim.iri) if analysis.available else "",
                "status": claim.status,
            }
        )
    return rows


def _lines(values: Any) -> str:
    return "\n".join(v for v in values if v)


def csv(store: ox.Store) -> str:
    """CSV, one row per claim (columns: ``CSV_COLUMNS``)."""
    buffer = io.StringIO()
    writer = csv_module.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(store))
    return buffer.getvalue()


#: ``--format`` name → export function (each takes the store, and options by keyword, and
#: returns text); ``nanopub`` needs ``creator``.
EXPORTS: dict[str, Callable[..., str]] = {
    "claimreview": claimreview,
    "csv": csv,
    "nanopub": nanopub,
    "prov": prov,
}
