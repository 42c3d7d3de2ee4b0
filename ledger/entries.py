"""From validated claims to the quads of one ledger entry (the arrow between validate and store).

- Claim IRIs derive from the claim's canonical content: the claim node and every blank node
  reachable from it, canonicalised with RDFC-1.0 and hashed with SHA-256. The IRI the claim file
  gave is kept as ``cl:writtenAs``, and references to it inside the batch are rewritten.
- A claim already in the ledger (same content, same IRI) is reported and not written again;
  descriptions of sources, entities and documents are written only where they add triples.
- Each document's text is stored in the ledger once (by its SHA-256), so quotes can be checked
  again years later from the ledger alone.
- Retractions and supersessions are new entries: nothing is deleted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from ledger.canon import canonical_nquads, sha256_hex
from ledger.errors import UsageError
from ledger.load import LoadedBatch, document_quads

CL = "https://w3id.org/claim-ledger/ns#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CLAIM_CLASS = ox.NamedNode(CL + "Claim")
WRITTEN_AS = ox.NamedNode(CL + "writtenAs")
CLAIM_NAMESPACE = "https://w3id.org/claim-ledger/claim/"
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")

# pyoxigraph's term unions (with RDF-star Triples) do not narrow well; terms are checked at use.
Term = Any


@dataclass(frozen=True)
class MintedClaim:
    """A claim of the batch with the IRI its content gives it."""

    iri: str
    written_as: str
    new: bool


@dataclass
class EntryContent:
    """What one append will write: quads in one named graph, and what was left out."""

    graph: ox.NamedNode
    quads: list[ox.Quad] = field(default_factory=list)
    claims: list[MintedClaim] = field(default_factory=list)

    @property
    def new_claims(self) -> list[MintedClaim]:
        return [c for c in self.claims if c.new]

    @property
    def duplicate_claims(self) -> list[MintedClaim]:
        return [c for c in self.claims if not c.new]


def _closure(subject: ox.NamedNode, by_subject: dict[Term, list[ox.Quad]]) -> list[ox.Quad]:
    """The subject's triples and those of every blank node reachable from it."""
    out: list[ox.Quad] = []
    todo: list[Term] = [subject]
    seen: set[Term] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for quad in by_subject.get(node, []):
            out.append(quad)
            if isinstance(quad.object, ox.BlankNode):
                todo.append(quad.object)
    return out


def claim_iri(claim: ox.NamedNode, closure: Iterable[ox.Quad]) -> str:
    """The content-derived IRI of a claim: SHA-256 of its canonical description."""
    placeholder = ox.BlankNode("claim")
    quads = [
        ox.Quad(
            placeholder if q.subject == claim else q.subject,
            q.predicate,
            placeholder if q.object == claim else q.object,
        )
        for q in closure
    ]
    return CLAIM_NAMESPACE + sha256_hex(canonical_nquads(quads))


Triple3 = tuple[Term, Term, Term]
#: Given triples, says which of them the ledger holds already (in any entry).
KnownTriples = Callable[[Sequence[Triple3]], set[Triple3]]


def nothing_known(triples: Sequence[Triple3]) -> set[Triple3]:
    """For a batch checked against no ledger (an empty one)."""
    return set()


def build_add(batch: LoadedBatch, known: KnownTriples = nothing_known) -> EntryContent:
    """The content of an `add` entry for a validated batch, against what the ledger holds."""
    by_subject: dict[Term, list[ox.Quad]] = defaultdict(list)
    for quad in batch.quads:
        by_subject[quad.subject].append(quad)
    claims = sorted(
        {q.subject for q in batch.quads if q.predicate == RDF_TYPE and q.object == CLAIM_CLASS},
        key=str,
    )
    rename: dict[Term, ox.NamedNode] = {}
    closures: dict[Term, list[ox.Quad]] = {}
    for claim in claims:
        if not isinstance(claim, ox.NamedNode):
            raise UsageError("every claim needs an IRI ('id') before it can be added")
        closures[claim] = _closure(claim, by_subject)
        rename[claim] = ox.NamedNode(claim_iri(claim, closures[claim]))

    in_claims: set[ox.Quad] = set()
    minted: list[MintedClaim] = []
    kept: list[ox.Quad] = []

    def renamed(term: Term) -> Term:
        return rename.get(term, term) if isinstance(term, ox.NamedNode) else term

    existing = known([(rename[c], RDF_TYPE, CLAIM_CLASS) for c in claims])
    for claim in claims:
        iri = rename[claim]
        is_new = (iri, RDF_TYPE, CLAIM_CLASS) not in existing
        minted.append(
            MintedClaim(iri=iri.value, written_as=str(getattr(claim, "value", claim)), new=is_new)
        )
        closure = closures[claim]
        in_claims.update(closure)
        if is_new:
            # In a closure only the claim is a named subject; objects may name other claims.
            kept.extend(
                ox.Quad(
                    iri if isinstance(q.subject, ox.NamedNode) else q.subject,
                    q.predicate,
                    renamed(q.object),
                )
                for q in closure
            )
            kept.append(ox.Quad(iri, WRITTEN_AS, claim))

    # Sources, entities, documents, the case: only the triples the ledger does not hold yet.
    others = [
        (renamed(q.subject), q.predicate, renamed(q.object))
        for q in [*batch.quads, *document_quads(batch)]
        if q not in in_claims
    ]
    held = known(others)
    kept.extend(ox.Quad(s, p, o) for s, p, o in others if (s, p, o) not in held)

    content = sorted(set(kept), key=str)
    digest = sha256_hex(canonical_nquads(content)) if content else "empty"
    graph = ox.NamedNode(f"urn:claim-ledger:content:{digest}")
    return EntryContent(
        graph=graph,
        quads=[ox.Quad(q.subject, q.predicate, q.object, graph) for q in content],
        claims=minted,
    )


def _now() -> ox.Literal:
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return ox.Literal(stamp, datatype=XSD_DATETIME)


def build_retract(claim: str, reason: str, author: str) -> EntryContent:
    """The content of a `retract` entry: the claim is invalidated, with the reason."""
    return _invalidation("Retraction", claim, reason, author, [])


def build_supersede(old: str, new_content: EntryContent, reason: str, author: str) -> EntryContent:
    """The content of a `supersede` entry: the new claims, each a revision of the old one."""
    if not new_content.claims:
        raise UsageError("the superseding file holds no claim")
    extra = [
        ox.Quad(ox.NamedNode(c.iri), ox.NamedNode(PROV + "wasRevisionOf"), ox.NamedNode(old))
        for c in new_content.claims
    ]
    quads = [ox.Quad(q.subject, q.predicate, q.object) for q in new_content.quads]
    entry = _invalidation("Supersession", old, reason, author, quads + extra)
    entry.claims = new_content.claims
    return entry


def _invalidation(
    kind: str, claim: str, reason: str, author: str, extra: list[ox.Quad]
) -> EntryContent:
    if not reason.strip():
        raise UsageError(f"a {kind.lower()} needs a reason (--reason)")
    target = ox.NamedNode(claim)
    time = _now()
    node = ox.NamedNode(
        f"urn:claim-ledger:{kind.lower()}:"
        + sha256_hex(f"{claim}\n{reason}\n{author}\n{time.value}".encode())
    )
    triples = [
        ox.Quad(node, RDF_TYPE, ox.NamedNode(CL + kind)),
        ox.Quad(node, ox.NamedNode(CL + "invalidates"), target),
        ox.Quad(node, ox.NamedNode(CL + "reason"), ox.Literal(reason)),
        ox.Quad(node, ox.NamedNode(CL + "author"), ox.Literal(author)),
        ox.Quad(node, ox.NamedNode(PROV + "generatedAtTime"), time),
        *extra,
    ]
    if kind == "Retraction":
        triples.append(ox.Quad(target, ox.NamedNode(PROV + "invalidatedAtTime"), time))
    content = sorted(set(triples), key=str)
    graph = ox.NamedNode(f"urn:claim-ledger:content:{sha256_hex(canonical_nquads(content))}")
    return EntryContent(
        graph=graph, quads=[ox.Quad(q.subject, q.predicate, q.object, graph) for q in content]
    )


SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: The verdict scale of `review`: name → (rating value, words). 1 is best, 5 worst;
#: "unproven" sits in the middle, with its own words, since the evidence neither way suffices.
RATINGS: dict[str, tuple[int, str]] = {
    "true": (1, "True"),
    "mostly-true": (2, "Mostly true"),
    "mixed": (3, "Mixed"),
    "unproven": (3, "Unproven"),
    "mostly-false": (4, "Mostly false"),
    "false": (5, "False"),
}


def build_review(
    claim: str,
    *,
    rating: str,
    explanation: str,
    by: str,
    url: str | None,
    previous: Sequence[str] = (),
) -> EntryContent:
    """The content of a `review` entry: a schema:ClaimReview of the claim by a checker.

    previous: this checker's earlier reviews of the claim, which the new one revises.
    """
    if rating not in RATINGS:
        raise UsageError(f"unknown rating {rating!r}; use one of {', '.join(RATINGS)}")
    if not explanation.strip():
        raise UsageError("a review needs an explanation (--explanation)")
    if url is not None and not url.startswith(("http://", "https://")):
        raise UsageError(f"--url must be an http(s) address, not {url!r}")
    value, words = RATINGS[rating]
    time = _now()
    review = ox.NamedNode(
        "urn:claim-ledger:review:"
        + sha256_hex(f"{claim}\n{rating}\n{explanation}\n{by}\n{time.value}".encode())
    )
    rating_node = ox.NamedNode(review.value + ":rating")
    integer = ox.NamedNode(XSD + "integer")

    def s(name: str) -> ox.NamedNode:
        return ox.NamedNode(SCHEMA + name)

    triples = [
        ox.Quad(review, RDF_TYPE, s("ClaimReview")),
        ox.Quad(review, s("itemReviewed"), ox.NamedNode(claim)),
        ox.Quad(review, s("reviewRating"), rating_node),
        ox.Quad(rating_node, RDF_TYPE, s("Rating")),
        ox.Quad(rating_node, s("ratingValue"), ox.Literal(str(value), datatype=integer)),
        ox.Quad(rating_node, s("bestRating"), ox.Literal("1", datatype=integer)),
        ox.Quad(rating_node, s("worstRating"), ox.Literal("5", datatype=integer)),
        ox.Quad(rating_node, s("alternateName"), ox.Literal(words, language="en")),
        ox.Quad(review, s("author"), ox.Literal(by)),
        ox.Quad(review, s("datePublished"), time),
        ox.Quad(review, s("reviewBody"), ox.Literal(explanation, language="en")),
        *(ox.Quad(review, ox.NamedNode(PROV + "wasRevisionOf"), ox.NamedNode(p)) for p in previous),
    ]
    if url is not None:
        triples.append(ox.Quad(review, s("url"), ox.NamedNode(url)))
    content = sorted(set(triples), key=str)
    graph = ox.NamedNode(f"urn:claim-ledger:content:{sha256_hex(canonical_nquads(content))}")
    return EntryContent(
        graph=graph, quads=[ox.Quad(q.subject, q.predicate, q.object, graph) for q in content]
    )
