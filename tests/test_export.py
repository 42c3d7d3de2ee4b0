"""ledger.publish.export: ClaimReview JSON-LD, PROV-O Turtle, nanopublications (TriG) and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import warnings
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from ledger.chain import store
from ledger.intake.load import document_quads, load_paths
from ledger.publish import export, report

EXAMPLE = Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"
CASE = "https://w3id.org/claim-ledger/case/aleppo-2016-11/"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
CL = "https://w3id.org/claim-ledger/ns#"
REVIEWED = {
    CASE + "claim/sohr-about-10000-fled": (
        "2",
        "Mostly true",
        "2024-05-01",
        "https://example.org/fc/1",
    ),
    CASE + "claim/al-youssef-rebels-lack-outside-support": ("5", "False", "2024-05-02", None),
}
RDFLIB_INTERNAL_DEPRECATIONS = (
    "(ConjunctiveGraph is deprecated|Dataset.default_context is deprecated"
    "|Dataset.identifier is deprecated)"
)
CHECKER = "https://w3id.org/claim-ledger/source/claim-ledger-maintainers"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def review_quads() -> list[ox.Quad]:
    """Verdicts exactly as the module docstring tells `review` to write them."""
    quads = []
    for i, (claim, (value, words, date, url)) in enumerate(sorted(REVIEWED.items())):
        node, rating = _n(f"urn:claim-ledger:review:{i}"), ox.BlankNode(f"rating{i}")
        integer = _n(XSD + "integer")
        triples: list[tuple[Any, str, Any]] = [
            (node, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", _n(SCHEMA + "ClaimReview")),
            (node, SCHEMA + "itemReviewed", _n(claim)),
            (node, SCHEMA + "reviewRating", rating),
            (rating, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", _n(SCHEMA + "Rating")),
            (rating, SCHEMA + "ratingValue", ox.Literal(value, datatype=integer)),
            (rating, SCHEMA + "bestRating", ox.Literal("1", datatype=integer)),
            (rating, SCHEMA + "worstRating", ox.Literal("5", datatype=integer)),
            (rating, SCHEMA + "alternateName", ox.Literal(words, language="en")),
            (node, SCHEMA + "author", _n(CHECKER)),
            (node, SCHEMA + "datePublished", ox.Literal(date, datatype=_n(XSD + "date"))),
            (node, SCHEMA + "reviewBody", ox.Literal(f"Because {words.lower()}.", language="en")),
        ]
        if url:
            triples.append((node, SCHEMA + "url", _n(url)))
        quads.extend(ox.Quad(s, _n(p), o) for s, p, o in triples)
    return quads


@pytest.fixture(scope="module")
def example_store() -> ox.Store:
    """The example case with its article's text and two verdicts."""
    batch = load_paths([EXAMPLE])
    graph = ox.Store()
    graph.extend(batch.quads)
    graph.extend(document_quads(batch))
    graph.extend(review_quads())
    return graph


def _rdflib(text: str, fmt: str) -> dict[str, rdflib.Graph]:
    """Parse with rdflib: named graph (or "" for the default graph) → its triples."""
    dataset = rdflib.Dataset()
    graphs: dict[str, rdflib.Graph] = {}
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD and TriG parsers and Dataset use its deprecated ConjunctiveGraph API.
        warnings.filterwarnings("ignore", RDFLIB_INTERNAL_DEPRECATIONS, DeprecationWarning)
        dataset.parse(data=text, format=fmt)
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = "" if g is None or g == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else str(g)
            graphs.setdefault(name, rdflib.Graph()).add((s, p, o))
    return graphs


def _union(graphs: dict[str, rdflib.Graph]) -> rdflib.Graph:
    out = rdflib.Graph()
    for graph in graphs.values():
        for triple in graph:
            out.add(triple)
    return out


# --------------------------------------------------------------------------- ClaimReview


def test_claimreview_parses_with_rdflib_and_pyoxigraph(example_store: ox.Store) -> None:
    """The JSON-LD has an inline @context and reads as RDF in both libraries."""
    text = export.claimreview(example_store)
    document = json.loads(text)
    assert isinstance(document["@context"], dict)
    assert "http" not in json.dumps(document["@context"]).replace(SCHEMA, "").replace(XSD, "")
    parsed = _union(_rdflib(text, "json-ld"))
    assert len(parsed) > 0
    assert len(set(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))) == len(parsed)


def test_claimreview_items_have_the_required_fields(example_store: ox.Store) -> None:
    """Each ClaimReview has url, claimReviewed, a full reviewRating, author, date, itemReviewed."""
    items = json.loads(export.claimreview(example_store))["@graph"]
    assert len(items) == len(REVIEWED)
    for item in items:
        assert item["@type"] == "ClaimReview"
        assert item["url"].startswith(("https://", "http://"))
        assert item["claimReviewed"]
        rating = item["reviewRating"]
        assert rating["@type"] == "Rating"
        for key in ("ratingValue", "bestRating", "worstRating", "alternateName"):
            assert rating[key] not in (None, ""), key
        assert item["author"]["@type"] in ("Person", "Organization") and item["author"]["name"]
        assert item["datePublished"]
        claim = item["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["name"] and claim["author"]["@type"] in ("Person", "Organization")
        assert claim["firstAppearance"]["@id"] and claim["appearance"]


def test_claimreview_round_trip_keeps_every_verdict(example_store: ox.Store) -> None:
    """Parsed back, the export gives each review's claim, rating, words, date, url and author."""
    graph = _union(_rdflib(export.claimreview(example_store), "json-ld"))
    rows = graph.query(
        """
        PREFIX schema: <https://schema.org/>
        SELECT ?claim ?value ?words ?date ?url ?author ?statement WHERE {
          ?review a schema:ClaimReview ; schema:itemReviewed ?claim ; schema:url ?url ;
                  schema:datePublished ?date ; schema:claimReviewed ?statement ;
                  schema:author/schema:name ?author ;
                  schema:reviewRating [ schema:ratingValue ?value ; schema:alternateName ?words ] .
        } ORDER BY ?claim
        """
    )
    book = report.read_casebook(example_store)
    found = {
        str(r.claim): (
            str(r.value),
            str(r.words),
            str(r.date),
            str(r.url),
            str(r.author),
            str(r.statement),
        )  # type: ignore[union-attr]
        for r in rows
    }
    expected = {
        claim: (
            value,
            words,
            date,
            url or claim,
            "claim-ledger maintainers",
            book.claims[claim].statement,
        )
        for claim, (value, words, date, url) in REVIEWED.items()
    }
    assert found == expected


def test_claimreview_without_verdicts_is_an_empty_graph(tmp_path: Path) -> None:
    """No reviewed claim, no item (and still valid JSON-LD)."""
    batch = load_paths([EXAMPLE])
    graph = ox.Store()
    graph.extend(batch.quads)
    assert json.loads(export.claimreview(graph))["@graph"] == []


# --------------------------------------------------------------------------- PROV-O


def test_prov_parses_and_keeps_attributions_derivations_and_quotations(
    example_store: ox.Store,
) -> None:
    """Every attribution, derivation, relay, quote, translation and delegation survives."""
    text = export.prov(example_store)
    assert len(list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))) > 0
    graph = rdflib.Graph().parse(data=text, format="turtle")
    book = report.read_casebook(example_store)
    p = rdflib.Namespace(PROV)
    c = rdflib.Namespace(CL)

    def objects(s: str, pred: rdflib.URIRef) -> set[str]:
        return {str(o) for o in graph.objects(rdflib.URIRef(s), pred)}

    for claim in book.claims.values():
        assert (rdflib.URIRef(claim.iri), rdflib.RDF.type, p.Entity) in graph
        assert objects(claim.iri, p.wasAttributedTo) == set(claim.sources)
        assert objects(claim.iri, p.wasDerivedFrom) == set(claim.derived_from)
        assert objects(claim.iri, c.relayedBy) == set(claim.relayed_by)
        assert objects(claim.iri, p.value) == {claim.statement}
        quotes = set()
        for quote in graph.objects(rdflib.URIRef(claim.iri), c.quote):
            translation = graph.value(quote, c.translation)
            quotes.add(
                (
                    str(graph.value(quote, p.value)),
                    str(graph.value(quote, p.wasQuotedFrom)),
                    str(graph.value(translation, p.value)),
                    str(graph.value(translation, p.wasAttributedTo)),
                    (translation, p.wasDerivedFrom, quote) in graph,
                )
            )
        assert quotes == {
            (q.exact, q.document, q.translation, q.translator, True) for q in claim.quotes
        }
    for agent in book.agents.values():
        assert objects(agent.iri, p.actedOnBehalfOf) == set(agent.acts_for)
        assert (rdflib.URIRef(agent.iri), rdflib.RDF.type, p.Agent) in graph


# --------------------------------------------------------------------------- nanopublications


def test_nanopub_one_per_claim_with_head_assertion_provenance_pubinfo(
    example_store: ox.Store,
) -> None:
    """Each claim is one nanopublication whose four graphs are there and say what they must."""
    text = export.nanopub(example_store, created=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TRIG))
    graphs = _rdflib(text, "trig")
    assert len(quads) == sum(len(g) for g in graphs.values())
    assert "" not in graphs  # everything is in a nanopublication graph
    np_ = rdflib.Namespace(export.NP)
    heads = [name for name in graphs if name.endswith("#Head")]
    book = report.read_casebook(example_store)
    assert len(heads) == len(book.claims) == 41
    for name in heads:
        head = graphs[name]
        this = rdflib.URIRef(name.removesuffix("#Head"))
        assert (this, rdflib.RDF.type, np_.Nanopublication) in head
        assertion = head.value(this, np_.hasAssertion)
        provenance = graphs[str(head.value(this, np_.hasProvenance))]
        pubinfo = graphs[str(head.value(this, np_.hasPublicationInfo))]
        assert len(graphs[str(assertion)]) > 0
        assert any(True for _ in provenance.triples((assertion, None, None)))
        assert any(True for _ in pubinfo.triples((this, None, None)))


def test_nanopub_assertions_hold_exactly_the_claims(example_store: ox.Store) -> None:
    """The union of the assertion graphs is the claims and everything they are made of."""
    text = export.nanopub(example_store)
    assertions = _union(
        {name: g for name, g in _rdflib(text, "trig").items() if name.endswith("#assertion")}
    )
    expected = rdflib.Graph()
    for claim in report.read_casebook(example_store).claims:
        data = ox.serialize(
            export.claim_closure(example_store, claim), format=ox.RdfFormat.N_TRIPLES
        )
        expected.parse(data=(data or b"").decode(), format="nt")
    same, only_export, only_store = graph_diff(to_isomorphic(assertions), to_isomorphic(expected))
    assert len(only_export) == 0 and len(only_store) == 0, (
        only_export.serialize(format="nt"),
        only_store.serialize(format="nt"),
    )


# --------------------------------------------------------------------------- CSV


def test_csv_round_trip_one_row_per_claim(example_store: ox.Store) -> None:
    """Read back, the CSV has every claim once and every column as the report computes it."""
    text = export.csv(example_store)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == export.CSV_COLUMNS
    assert rows == export.csv_rows(example_store)
    by_claim = {r["claim"]: r for r in rows}
    assert len(by_claim) == len(rows) == 41
    sohr = by_claim[CASE + "claim/sohr-about-10000-fled"]
    assert (sohr["value_low"], sohr["value_high"], sohr["unit"]) == ("9000", "11000", "person")
    assert (sohr["source"], sohr["source_kind"], sohr["alignment"]) == (
        "Syrian Observatory for Human Rights",
        "monitoring group",
        "opposition",
    )
    assert sohr["date"] == "November 2016" and sohr["date_precision"] == "month"
    relayed = by_claim[CASE + "claim/al-youssef-rebels-lack-outside-support"]
    assert relayed["relay"] == "Deutsche Presse-Agentur" and relayed["stance"] == "denies"
    assert "\n" in relayed["quote"]  # two quotes, one cell, one per line
    assert all(r["status"] == "current" for r in rows)


# --------------------------------------------------------------------------- every export


@pytest.mark.parametrize("name", sorted(export.EXPORTS))
def test_exports_are_deterministic(example_store: ox.Store, name: str) -> None:
    """The same store gives the same bytes (nanopub given a fixed creation time)."""
    if name == "nanopub":
        when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        assert export.nanopub(example_store, created=when) == export.nanopub(
            example_store, created=when
        )
    else:
        assert export.EXPORTS[name](example_store) == export.EXPORTS[name](example_store)


@pytest.mark.parametrize("name", sorted(export.EXPORTS))
def test_exports_read_a_ledger_index(tmp_path: Path, name: str) -> None:
    """Claims in a ledger's entry graphs export as claims in the default graph do."""
    book = store.init(tmp_path / "ledger")
    batch = load_paths([EXAMPLE])
    book.append(
        [*batch.quads, *document_quads(batch), *review_quads()],
        author="tester",
        message="add",
        kind="add",
    )
    with book.index() as index:
        assert index.store is not None
        text = export.EXPORTS[name](index.store)
    assert CASE + "claim/sohr-about-10000-fled" in text
