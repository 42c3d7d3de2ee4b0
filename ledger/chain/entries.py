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

from ledger.chain.canon import canonical_nquads, canonical_nquads_of_lines, sha256_hex
from ledger.errors import UsageError
from ledger.intake.load import LoadedBatch, document_quads
from ledger.vocab import CL_IRI, XSD_IRI
from ledger.vocab import PROV_IRI as PROV
from ledger.vocab import RDF_TYPE as _RDF_TYPE
from ledger.vocab import SCHEMA_IRI as SCHEMA

CL = CL_IRI
RDF_TYPE = ox.NamedNode(_RDF_TYPE)
CLAIM_CLASS = ox.NamedNode(CL + "Claim")
WRITTEN_AS = ox.NamedNode(CL + "writtenAs")
CLAIM_NAMESPACE = "https://w3id.org/claim-ledger/claim/"
#: IRIs of the project's own terms and things: never the page of a published fact-check
CLAIM_LEDGER_NAMESPACE = "https://w3id.org/claim-ledger/"
XSD_DATETIME = ox.NamedNode(XSD_IRI + "dateTime")

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


def blank_node_closure(
    subject: ox.NamedNode, by_subject: dict[Term, list[ox.Quad]]
) -> list[ox.Quad]:
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
    """The content-derived IRI of a claim: SHA-256 of its canonical description.

    The description is the closure's triples (graph names dropped) with the claim itself as the
    blank node ``_:claim``.
    """
    closure = list(closure)
    try:
        return _claim_iri(f"<{claim.value}>", _triple_lines(closure))
    except SyntaxError:  # a blank-node label N-Quads cannot hold: see build_add
        return _claim_iri_of_quads(claim, closure)


def _claim_iri(claim: str, closure: Iterable[str]) -> str:
    """``claim_iri`` on N-Triples lines (pyoxigraph's writing) and the claim's ``<IRI>``."""
    as_subject, as_object = claim + " ", " " + claim + " ."
    lines = []
    for line in closure:
        # In N-Triples the subject is the first term and the object the last before " .": a
        # literal or triple term never ends with " <IRI>".
        if line.startswith(as_subject):
            line = _PLACEHOLDER + line[len(claim) :]
        if line.endswith(as_object):
            line = line[: -len(as_object) + 1] + _PLACEHOLDER + " ."
        lines.append(line)
    return CLAIM_NAMESPACE + sha256_hex(canonical_nquads_of_lines(lines))


_PLACEHOLDER = "_:claim"


def _triple_lines(quads: Sequence[ox.Quad]) -> list[str]:
    """One N-Triples line per quad, in order (graph names dropped), as pyoxigraph writes them."""
    try:
        document = ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)
    except ValueError:  # a quad in a named graph, which a claim's content ignores
        triples = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
        document = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert document is not None  # serialize returns the bytes when given no output
    lines = document.decode("utf-8").split("\n")
    lines.pop()  # after the last newline
    assert len(lines) == len(quads)  # literals hold no raw newline in N-Triples
    return lines


def _line_closure(subject: str, lines_of: dict[str, list[str]]) -> list[str]:
    """``blank_node_closure`` on N-Triples lines, with ``lines_of`` keyed by the subject's text."""
    out: list[str] = []
    todo = [subject]
    seen: set[str] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for line in lines_of.get(node, ()):
            out.append(line)
            start = line.index(" ", line.index(" ") + 1) + 1
            if line.startswith("_:", start):  # the object is a blank node
                todo.append(line[start:-2])
    return out


def _renamed_line(line: str, rename: dict[str, str]) -> str:
    """An N-Triples line with the subject and object IRIs in ``rename`` replaced."""
    subject_end = line.index(" ")
    predicate_end = line.index(" ", subject_end + 1)
    subject, obj = line[:subject_end], line[predicate_end + 1 : -2]
    if subject[0] == "<":
        subject = rename.get(subject, subject)
    if obj[0] == "<":  # a triple term ("<<(") is no key of rename
        obj = rename.get(obj, obj)
    return f"{subject}{line[subject_end:predicate_end]} {obj} ."


Triple3 = tuple[Term, Term, Term]
#: Given triples, says which of them the ledger holds already (in any entry).
KnownTriples = Callable[[Sequence[Triple3]], set[Triple3]]


def nothing_known(triples: Sequence[Triple3]) -> set[Triple3]:
    """For a batch checked against no ledger (an empty one)."""
    return set()


_IS_CLAIM = f" <{RDF_TYPE.value}> <{CLAIM_CLASS.value}> ."
_WRITTEN_AS = f" <{WRITTEN_AS.value}> "


def build_add(batch: LoadedBatch, known: KnownTriples = nothing_known) -> EntryContent:
    """The content of an `add` entry for a validated batch, against what the ledger holds."""
    try:
        return _build_add_of_lines(batch, known)
    except SyntaxError:
        # pyoxigraph accepts blank-node labels (one with ":") that its N-Quads parser refuses;
        # where the text path has to parse such a label back, the quads themselves are used.
        return _build_add_of_quads(batch, known)


def _build_add_of_lines(batch: LoadedBatch, known: KnownTriples) -> EntryContent:
    """``build_add`` on the quads as N-Triples lines (one ``serialize`` call; IRIs and blank
    nodes compared by their text, which is what the content digest hashes anyway): several
    times faster than on Quad objects, whose every term access builds a Python object. The
    entry's quads are parsed back from the lines at the end."""
    quads = [*batch.quads, *document_quads(batch)]
    lines = _triple_lines(quads)
    batch_lines = lines[: len(batch.quads)]
    lines_of: dict[str, list[str]] = defaultdict(list)
    for line in batch_lines:
        lines_of[line[: line.index(" ")]].append(line)
    claims = sorted({line[: line.index(" ")] for line in batch_lines if line.endswith(_IS_CLAIM)})
    rename: dict[str, str] = {}
    closures: dict[str, list[str]] = {}
    for claim in claims:
        if not claim.startswith("<"):
            raise UsageError("every claim needs an IRI ('id') before it can be added")
        closures[claim] = _line_closure(claim, lines_of)
        rename[claim] = "<" + _claim_iri(claim, closures[claim]) + ">"

    minted_iris = {claim: ox.NamedNode(rename[claim][1:-1]) for claim in claims}
    existing = known([(minted_iris[c], RDF_TYPE, CLAIM_CLASS) for c in claims])
    in_claims: set[str] = set()
    minted: list[MintedClaim] = []
    kept: list[str] = []
    for claim in claims:
        iri = minted_iris[claim]
        is_new = (iri, RDF_TYPE, CLAIM_CLASS) not in existing
        minted.append(MintedClaim(iri=iri.value, written_as=claim[1:-1], new=is_new))
        closure = closures[claim]
        in_claims.update(closure)
        if is_new:
            # In a closure only the claim is a named subject; objects may name other claims.
            kept.extend(_renamed_line(line, rename) for line in closure)
            kept.append(rename[claim] + _WRITTEN_AS + claim + " .")

    # Sources, entities, documents, the case: only the triples the ledger does not hold yet.
    rename_terms = {claim: minted_iris[claim] for claim in claims}

    def renamed(term: Term) -> Term:
        return rename_terms.get(f"<{term.value}>", term) if isinstance(term, ox.NamedNode) else term

    other_lines: list[str] = []
    others: list[Triple3] = []
    for quad, line in zip(quads, lines, strict=True):
        if line not in in_claims:
            other_lines.append(_renamed_line(line, rename))
            others.append((renamed(quad.subject), quad.predicate, renamed(quad.object)))
    held = known(others)
    kept.extend(
        line for line, triple in zip(other_lines, others, strict=True) if triple not in held
    )

    # Sorted as the quads' str() would sort them: the lines are those strings plus " .".
    content = sorted(set(kept))
    digest = sha256_hex(canonical_nquads_of_lines(content)) if content else "empty"
    graph = ox.NamedNode(f"urn:claim-ledger:content:{digest}")
    in_graph = "".join(f"{line[:-1]}<{graph.value}> .\n" for line in content)
    return EntryContent(
        graph=graph,
        quads=list(ox.parse(in_graph, format=ox.RdfFormat.N_QUADS)),
        claims=minted,
    )


def _claim_iri_of_quads(claim: ox.NamedNode, closure: Iterable[ox.Quad]) -> str:
    """``claim_iri`` on Quad objects: where a blank-node label cannot be read back from text."""
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


def _build_add_of_quads(batch: LoadedBatch, known: KnownTriples) -> EntryContent:
    """``build_add`` on Quad objects: where a blank-node label cannot be read back from text."""
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
        closures[claim] = blank_node_closure(claim, by_subject)
        rename[claim] = ox.NamedNode(_claim_iri_of_quads(claim, closures[claim]))

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


#: The verdict scale of `review`: name → (rating value, words), as schema.org's Rating and
#: Google's fact-check markup read it: ``bestRating`` is the highest value (5, true) and
#: ``worstRating`` the lowest (1, false). "unproven" sits in the middle, with its own words,
#: since the evidence neither way suffices.
RATINGS: dict[str, tuple[int, str]] = {
    "true": (5, "True"),
    "mostly-true": (4, "Mostly true"),
    "mixed": (3, "Mixed"),
    "unproven": (3, "Unproven"),
    "mostly-false": (2, "Mostly false"),
    "false": (1, "False"),
}
BEST_RATING = max(value for value, _words in RATINGS.values())
WORST_RATING = min(value for value, _words in RATINGS.values())


def _http_url(value: str, option: str) -> str:
    """``value`` if it is an http(s) URL with a host, else a UsageError naming the option."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c in value.strip() for c in "\"'<>`\\ \t\r\n")
    ):
        raise UsageError(
            f"{option} must be an http(s) address, not {value!r}",
            hint=f"give {option} as https://… (the page itself, not a claim IRI)",
        )
    return value.strip()


def build_review(
    claim: str,
    *,
    rating: str,
    explanation: str,
    by: str,
    url: str,
    organization: str | None = None,
    organization_url: str | None = None,
    previous: Sequence[str] = (),
) -> EntryContent:
    """The content of a `review` entry: a schema:ClaimReview of the claim by a checker.

    url: the fact-check's own published page (required: ClaimReview's ``url`` is never the
    claim). organization, organization_url: the fact-checking organisation that publishes it
    (``schema:publisher``; exports make it the ClaimReview's author, as Google expects).
    previous: this checker's earlier reviews of the claim, which the new one revises.
    """
    if rating not in RATINGS:
        raise UsageError(f"unknown rating {rating!r}; use one of {', '.join(RATINGS)}")
    if not explanation.strip():
        raise UsageError("a review needs an explanation (--explanation)")
    url = _http_url(url, "--url")
    if url == claim or url.startswith(CLAIM_LEDGER_NAMESPACE):
        raise UsageError(
            f"--url {url!r} names the claim, not a published fact-check",
            hint="give the address of the page where the fact-check is published",
        )
    if organization_url is not None:
        organization_url = _http_url(organization_url, "--organization-url")
        if organization is None or not organization.strip():
            raise UsageError("--organization-url needs --organization (the organisation's name)")
    if organization is not None and not organization.strip():
        raise UsageError("--organization must name the fact-checking organisation")
    value, words = RATINGS[rating]
    time = _now()
    review = ox.NamedNode(
        "urn:claim-ledger:review:"
        + sha256_hex(f"{claim}\n{rating}\n{explanation}\n{by}\n{time.value}".encode())
    )
    rating_node = ox.NamedNode(review.value + ":rating")
    integer = ox.NamedNode(XSD_IRI + "integer")

    def s(name: str) -> ox.NamedNode:
        return ox.NamedNode(SCHEMA + name)

    triples = [
        ox.Quad(review, RDF_TYPE, s("ClaimReview")),
        ox.Quad(review, s("itemReviewed"), ox.NamedNode(claim)),
        ox.Quad(review, s("reviewRating"), rating_node),
        ox.Quad(rating_node, RDF_TYPE, s("Rating")),
        ox.Quad(rating_node, s("ratingValue"), ox.Literal(str(value), datatype=integer)),
        ox.Quad(rating_node, s("bestRating"), ox.Literal(str(BEST_RATING), datatype=integer)),
        ox.Quad(rating_node, s("worstRating"), ox.Literal(str(WORST_RATING), datatype=integer)),
        ox.Quad(rating_node, s("alternateName"), ox.Literal(words, language="en")),
        ox.Quad(review, s("author"), ox.Literal(by)),
        ox.Quad(review, s("datePublished"), time),
        ox.Quad(review, s("reviewBody"), ox.Literal(explanation, language="en")),
        ox.Quad(review, s("url"), ox.NamedNode(url)),
        *(ox.Quad(review, ox.NamedNode(PROV + "wasRevisionOf"), ox.NamedNode(p)) for p in previous),
    ]
    if organization is not None:
        name = organization.strip()
        publisher = ox.NamedNode(
            "urn:claim-ledger:organization:"
            + sha256_hex(f"{name}\n{organization_url or ''}".encode())
        )
        triples += [
            ox.Quad(review, s("publisher"), publisher),
            ox.Quad(publisher, RDF_TYPE, s("Organization")),
            ox.Quad(publisher, s("name"), ox.Literal(name)),
        ]
        if organization_url is not None:
            triples.append(ox.Quad(publisher, s("url"), ox.NamedNode(organization_url)))
    content = sorted(set(triples), key=str)
    graph = ox.NamedNode(f"urn:claim-ledger:content:{sha256_hex(canonical_nquads(content))}")
    return EntryContent(
        graph=graph, quads=[ox.Quad(q.subject, q.predicate, q.object, graph) for q in content]
    )


#: The reliability scale of `assess` (the Admiralty code's A–F): letter → words. A is best.
RELIABILITY: dict[str, str] = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}


def build_assessment(
    source: str,
    *,
    reliability: str,
    rationale: str,
    by: str,
    previous: Sequence[str] = (),
) -> EntryContent:
    """The content of an `assess` entry: a schema:Review of a source's reliability by a checker.

    The shape of a review (``build_review``) with the source as ``schema:itemReviewed`` and a
    letter A–F as ``schema:ratingValue`` (best A, worst F). previous: this checker's earlier
    assessments of the source, which the new one revises (``prov:wasRevisionOf``).
    """
    letter = reliability.strip().upper()
    if letter not in RELIABILITY:
        raise UsageError(
            f"unknown reliability {reliability!r}; use a letter A–F "
            "(A completely reliable … E unreliable, F cannot be judged)"
        )
    if not rationale.strip():
        raise UsageError("an assessment needs a rationale (--rationale)")
    if not by.strip():
        raise UsageError("an assessment needs the checker who makes it (--by)")
    time = _now()
    review = ox.NamedNode(
        "urn:claim-ledger:assessment:"
        + sha256_hex(f"{source}\n{letter}\n{rationale}\n{by}\n{time.value}".encode())
    )
    rating_node = ox.NamedNode(review.value + ":rating")

    def s(name: str) -> ox.NamedNode:
        return ox.NamedNode(SCHEMA + name)

    triples = [
        ox.Quad(review, RDF_TYPE, s("Review")),
        ox.Quad(review, s("itemReviewed"), ox.NamedNode(source)),
        ox.Quad(review, s("reviewRating"), rating_node),
        ox.Quad(rating_node, RDF_TYPE, s("Rating")),
        ox.Quad(rating_node, s("ratingValue"), ox.Literal(letter)),
        ox.Quad(rating_node, s("bestRating"), ox.Literal("A")),
        ox.Quad(rating_node, s("worstRating"), ox.Literal("F")),
        ox.Quad(rating_node, s("alternateName"), ox.Literal(RELIABILITY[letter], language="en")),
        ox.Quad(review, s("author"), ox.Literal(by)),
        ox.Quad(review, s("datePublished"), time),
        ox.Quad(review, s("reviewBody"), ox.Literal(rationale, language="en")),
        *(ox.Quad(review, ox.NamedNode(PROV + "wasRevisionOf"), ox.NamedNode(p)) for p in previous),
    ]
    content = sorted(set(triples), key=str)
    graph = ox.NamedNode(f"urn:claim-ledger:content:{sha256_hex(canonical_nquads(content))}")
    return EntryContent(
        graph=graph, quads=[ox.Quad(q.subject, q.predicate, q.object, graph) for q in content]
    )


_closure = blank_node_closure  # the earlier name, which tests/test_canon_fast.py still uses
