"""ledger.publish.export: ClaimReview JSON-LD, PROV-O Turtle, nanopublications (TriG) and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import warnings
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from ledger.chain import store
from ledger.errors import UsageError
from ledger.intake.load import document_quads, load_paths
from ledger.publish import export, report, trusty

EXAMPLE = Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"
CASE = "https://w3id.org/claim-ledger/case/aleppo-2016-11/"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
CL = "https://w3id.org/claim-ledger/ns#"
ARTICLE = CASE + "article"
ARTICLE_URL = "https://www.example.no/nyheter/aleppo-flukt"
ARTICLE_ARCHIVE = "https://web.archive.org/web/20161128000000/" + ARTICLE_URL
FACT_CHECKER = "urn:claim-ledger:organization:example"
FACT_CHECKER_URL = "https://factcheck.example.org/"
REVIEWED = {
    CASE + "claim/sohr-about-10000-fled": (
        "4",
        "Mostly true",
        "2024-05-01",
        "https://factcheck.example.org/fc/1",
    ),
    CASE + "claim/al-youssef-rebels-lack-outside-support": (
        "1",
        "False",
        "2024-05-02",
        "https://factcheck.example.org/fc/2",
    ),
}
RDFLIB_INTERNAL_DEPRECATIONS = (
    "(ConjunctiveGraph is deprecated|Dataset.default_context is deprecated"
    "|Dataset.identifier is deprecated)"
)
CHECKER = "https://w3id.org/claim-ledger/source/claim-ledger-maintainers"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Parsing the export as RDF offline: the schema.org context, as far as the export uses it
#: (its terms under https://schema.org/; the published context file is never fetched).
SCHEMA_CONTEXT = {"@vocab": SCHEMA}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def review_quads(
    reviewed: dict[str, tuple[str, str, str, str | None]] = REVIEWED,
    best: str = "5",
    worst: str = "1",
) -> list[ox.Quad]:
    """Verdicts exactly as the module docstring tells `review` to write them.

    The first is published by a fact-checking organisation (schema:publisher), the others by
    the checker alone (a registry source).
    """
    quads = []
    for i, (claim, (value, words, date, url)) in enumerate(sorted(reviewed.items())):
        node, rating = _n(f"urn:claim-ledger:review:{i}"), ox.BlankNode(f"rating{i}")
        integer = _n(XSD + "integer")
        triples: list[tuple[Any, str, Any]] = [
            (node, RDF_TYPE, _n(SCHEMA + "ClaimReview")),
            (node, SCHEMA + "itemReviewed", _n(claim)),
            (node, SCHEMA + "reviewRating", rating),
            (rating, RDF_TYPE, _n(SCHEMA + "Rating")),
            (rating, SCHEMA + "ratingValue", ox.Literal(value, datatype=integer)),
            (rating, SCHEMA + "bestRating", ox.Literal(best, datatype=integer)),
            (rating, SCHEMA + "worstRating", ox.Literal(worst, datatype=integer)),
            (rating, SCHEMA + "alternateName", ox.Literal(words, language="en")),
            (node, SCHEMA + "author", _n(CHECKER)),
            (node, SCHEMA + "datePublished", ox.Literal(date, datatype=_n(XSD + "date"))),
            (node, SCHEMA + "reviewBody", ox.Literal(f"Because {words.lower()}.", language="en")),
        ]
        if url:
            triples.append((node, SCHEMA + "url", _n(url)))
        if i == 0:
            triples += [
                (node, SCHEMA + "publisher", _n(FACT_CHECKER)),
                (_n(FACT_CHECKER), RDF_TYPE, _n(SCHEMA + "Organization")),
                (_n(FACT_CHECKER), SCHEMA + "name", ox.Literal("Example Fact Check")),
                (_n(FACT_CHECKER), SCHEMA + "url", _n(FACT_CHECKER_URL)),
            ]
        quads.extend(ox.Quad(s, _n(p), o) for s, p, o in triples)
    return quads


def document_link_quads() -> list[ox.Quad]:
    """Where the example article is published and archived (schema:url, schema:archivedAt)."""
    return [
        ox.Quad(_n(ARTICLE), _n(SCHEMA + "url"), _n(ARTICLE_URL)),
        ox.Quad(_n(ARTICLE), _n(SCHEMA + "archivedAt"), _n(ARTICLE_ARCHIVE)),
    ]


@pytest.fixture(scope="module")
def example_store() -> ox.Store:
    """The example case with its article's text and two verdicts."""
    batch = load_paths([EXAMPLE])
    graph = ox.Store()
    graph.extend(batch.quads)
    graph.extend(document_quads(batch))
    graph.extend(review_quads())
    graph.extend(document_link_quads())
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


def _as_rdf(text: str) -> str:
    """The export with its context name replaced by the context itself, for offline parsing."""
    document = json.loads(text)
    assert document["@context"] == "https://schema.org"
    document["@context"] = SCHEMA_CONTEXT
    return json.dumps(document)


def test_claimreview_parses_with_rdflib_and_pyoxigraph(example_store: ox.Store) -> None:
    """The JSON-LD names the schema.org context (as Google requires) and reads as RDF."""
    text = _as_rdf(export.claimreview(example_store))
    parsed = _union(_rdflib(text, "json-ld"))
    assert len(parsed) > 0
    assert len(set(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))) == len(parsed)


#: Google's fact-check markup (developers.google.com/search/docs/appearance/structured-data/
#: factcheck): what it requires and what it recommends, per type.
GOOGLE_REQUIRED = {
    "ClaimReview": ("claimReviewed", "reviewRating", "url"),
    "Rating": ("alternateName",),
}
GOOGLE_RECOMMENDED = {
    "ClaimReview": ("author", "datePublished", "itemReviewed"),
    "Claim": ("appearance", "author", "datePublished", "firstAppearance"),
    "Rating": ("bestRating", "name", "ratingValue", "worstRating"),
}


def _by_claim(example_store: ox.Store) -> dict[str, dict[str, Any]]:
    items = json.loads(export.claimreview(example_store))["@graph"]
    return {item["itemReviewed"]["@id"]: item for item in items}


@pytest.mark.parametrize("claim", sorted(REVIEWED))
def test_claimreview_has_every_field_google_requires_or_recommends(
    example_store: ox.Store, claim: str
) -> None:
    """Each ClaimReview, its Rating and its Claim carry every required and recommended field."""
    item = _by_claim(example_store)[claim]
    parts = {"ClaimReview": item, "Rating": item["reviewRating"], "Claim": item["itemReviewed"]}
    for kind, part in parts.items():
        assert part["@type"] == kind
        for key in GOOGLE_REQUIRED.get(kind, ()) + GOOGLE_RECOMMENDED.get(kind, ()):
            assert part.get(key) not in (None, "", []), f"{kind}.{key} is missing"


@pytest.mark.parametrize("claim", sorted(REVIEWED))
def test_claimreview_values_are_what_google_expects(example_store: ox.Store, claim: str) -> None:
    """url is the fact-check's page, the rating runs worst 1 to best 5, the claim is described."""
    value, words, date, url = REVIEWED[claim]
    item = _by_claim(example_store)[claim]
    book = report.read_casebook(example_store)
    assert item["url"] == url and item["url"] != claim
    assert item["claimReviewed"] == book.claims[claim].statement
    assert item["datePublished"] == date
    rating = item["reviewRating"]
    assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
    assert all(isinstance(rating[k], int) for k in ("ratingValue", "bestRating", "worstRating"))
    assert rating["worstRating"] >= 1 and rating["bestRating"] > rating["worstRating"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["ratingValue"] == int(value)
    assert rating["alternateName"] == rating["name"] == words
    reviewed = item["itemReviewed"]
    source = book.agents[book.claims[claim].sources[0]]
    assert reviewed["author"]["name"] == source.name
    assert reviewed["author"]["@type"] == ("Person" if source.person else "Organization")
    assert reviewed["datePublished"] == "2016-11"  # the article's date: the claim went public
    assert reviewed["firstAppearance"]["@id"] == ARTICLE
    for appearance in [reviewed["firstAppearance"], *reviewed["appearance"]]:
        assert appearance["@type"] == "CreativeWork"
        assert appearance["url"] == ARTICLE_URL
        assert appearance["archivedAt"] == ARTICLE_ARCHIVE
        assert appearance["headline"] == "Flere tusen sivile er på flukt"


def test_claimreview_author_is_the_publishing_organization(example_store: ox.Store) -> None:
    """A review with a publisher has it as author: an Organization with its name and url."""
    items = _by_claim(example_store)
    first, second = (items[c] for c in sorted(REVIEWED))
    assert first["author"] == {
        "@type": "Organization",
        "name": "Example Fact Check",
        "url": FACT_CHECKER_URL,
    }
    assert second["author"]["name"] == "claim-ledger maintainers"
    assert second["author"]["@type"] == "Organization"


def test_claimreview_round_trip_keeps_every_verdict(example_store: ox.Store) -> None:
    """Parsed back, the export gives each review's claim, rating, words, date, url and author."""
    graph = _union(_rdflib(_as_rdf(export.claimreview(example_store)), "json-ld"))
    rows = graph.query(
        """
        PREFIX schema: <https://schema.org/>
        SELECT ?claim ?value ?words ?date ?url ?statement WHERE {
          ?review a schema:ClaimReview ; schema:itemReviewed ?claim ; schema:url ?url ;
                  schema:datePublished ?date ; schema:claimReviewed ?statement ;
                  schema:reviewRating [ schema:ratingValue ?value ; schema:alternateName ?words ] .
        } ORDER BY ?claim
        """
    )
    book = report.read_casebook(example_store)
    found = {
        str(r.claim): (str(r.value), str(r.words), str(r.date), str(r.url), str(r.statement))  # type: ignore[union-attr]
        for r in rows
    }
    expected = {
        claim: (value, words, date, url, book.claims[claim].statement)
        for claim, (value, words, date, url) in REVIEWED.items()
    }
    assert found == expected


def test_claimreview_leaves_out_a_review_without_url() -> None:
    """A review that records no page of its own is left out and named, never given the claim IRI."""
    batch = load_paths([EXAMPLE])
    graph = ox.Store()
    graph.extend(batch.quads)
    without = {claim: (*verdict[:3], None) for claim, verdict in REVIEWED.items()}
    graph.extend(review_quads(without))
    left_out: list[str] = []
    document = json.loads(export.claimreview(graph, left_out=left_out))
    assert document["@graph"] == []
    assert sorted(left_out) == ["urn:claim-ledger:review:0", "urn:claim-ledger:review:1"]


def test_claimreview_reflects_the_old_inverted_scale() -> None:
    """A verdict stored as 1 best, 5 worst is published with bestRating 5 and worstRating 1."""
    batch = load_paths([EXAMPLE])
    graph = ox.Store()
    graph.extend(batch.quads)
    claim = CASE + "claim/sohr-about-10000-fled"
    old = ("2", "Mostly true", "2024-05-01", "https://factcheck.example.org/old")
    graph.extend(review_quads({claim: old}, best="1", worst="5"))
    (item,) = json.loads(export.claimreview(graph))["@graph"]
    rating = item["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (4, 5, 1)


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

CREATOR = "https://orcid.org/0000-0002-1825-0097"
WHEN = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _nanopubs(store: ox.Store, **options: Any) -> str:
    return export.nanopub(store, creator=CREATOR, created=WHEN, **options)


def test_nanopub_one_per_claim_with_head_assertion_provenance_pubinfo(
    example_store: ox.Store,
) -> None:
    """Each claim is one nanopublication whose four graphs are there and say what they must."""
    text = _nanopubs(example_store)
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
        assert len(head) == 4
        assert (this, rdflib.RDF.type, np_.Nanopublication) in head
        assertion = head.value(this, np_.hasAssertion)
        provenance = graphs[str(head.value(this, np_.hasProvenance))]
        pubinfo = graphs[str(head.value(this, np_.hasPublicationInfo))]
        assert len(graphs[str(assertion)]) > 0
        assert any(True for _ in provenance.triples((assertion, None, None)))
        assert any(True for _ in pubinfo.triples((this, None, None)))
        for graph_name in (
            assertion,
            *(head.value(this, p) for p in (np_.hasProvenance, np_.hasPublicationInfo)),
        ):
            assert str(graph_name).startswith(str(this) + "#")


def test_nanopub_pubinfo_names_creator_licence_and_creation_time(example_store: ox.Store) -> None:
    """Every pubinfo graph says who created the nanopublication, when, and under what licence."""
    licence = "https://creativecommons.org/publicdomain/zero/1.0/"
    graphs = _rdflib(_nanopubs(example_store, license_iri=licence), "trig")
    dct = rdflib.Namespace(export.DCTERMS)
    pubinfos = {name: g for name, g in graphs.items() if name.endswith("#pubinfo")}
    assert len(pubinfos) == 41
    for name, pubinfo in pubinfos.items():
        this = rdflib.URIRef(name.removesuffix("#pubinfo"))
        assert pubinfo.value(this, dct.creator) == rdflib.URIRef(CREATOR)
        assert pubinfo.value(this, dct.license) == rdflib.URIRef(licence)
        created = pubinfo.value(this, dct.created)
        assert isinstance(created, rdflib.Literal) and created.datatype == rdflib.XSD.dateTime
        assert created.toPython() == WHEN


def test_nanopub_iris_are_trusty_and_check(example_store: ox.Store) -> None:
    """Each nanopublication's IRI ends in the RA code of its own content, which verifies."""
    items = export.nanopub_items(example_store, creator=CREATOR, created=WHEN)
    assert len({iri for iri, _quads in items}) == 41
    for iri, quads in items:
        code = iri.removeprefix(export.NANOPUB_NAMESPACE)
        assert trusty.ARTIFACT_CODE.fullmatch(code)
        assert trusty.check(quads, code)
        assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
        # a changed word gives another code
        changed = [
            ox.Quad(
                q.subject,
                q.predicate,
                ox.Literal(q.object.value + "!", language="en"),
                q.graph_name,
            )
            if isinstance(q.object, ox.Literal) and q.object.language == "en"
            else q
            for q in quads
        ]
        assert not trusty.check(changed, code)


def test_nanopub_does_not_depend_on_blank_node_labels(example_store: ox.Store) -> None:
    """Other blank-node labels for the same claims give the same nanopublications, byte for byte."""
    relabelled = ox.Store()

    def other(term: Any) -> Any:
        return ox.BlankNode("other" + term.value) if isinstance(term, ox.BlankNode) else term

    relabelled.extend(
        ox.Quad(other(q.subject), q.predicate, other(q.object), q.graph_name) for q in example_store
    )
    assert _nanopubs(relabelled) == _nanopubs(example_store)


def test_nanopub_assertions_hold_exactly_the_claims(example_store: ox.Store) -> None:
    """The union of the assertion graphs is the claims and everything they are made of."""
    text = _nanopubs(example_store)
    assertions = _union(
        {name: g for name, g in _rdflib(text, "trig").items() if name.endswith("#assertion")}
    )
    # blank nodes became IRIs …/np/RA…#_n: read them back as blank nodes to compare
    skolem = re.compile(re.escape(export.NANOPUB_NAMESPACE) + r"RA[A-Za-z0-9_-]{43}#_\d+")
    unskolemised = rdflib.Graph()
    for triple in assertions:
        unskolemised.add(
            tuple(  # type: ignore[arg-type]
                rdflib.BNode(str(t).replace("#", "_").replace("/", "_").replace(":", "_"))
                if isinstance(t, rdflib.URIRef) and skolem.fullmatch(str(t))
                else t
                for t in triple
            )
        )
    expected = rdflib.Graph()
    for claim in report.read_casebook(example_store).claims:
        data = ox.serialize(
            export.claim_closure(example_store, claim), format=ox.RdfFormat.N_TRIPLES
        )
        expected.parse(data=(data or b"").decode(), format="nt")
    same, only_export, only_store = graph_diff(to_isomorphic(unskolemised), to_isomorphic(expected))
    assert len(only_export) == 0 and len(only_store) == 0, (
        only_export.serialize(format="nt"),
        only_store.serialize(format="nt"),
    )


def test_nanopub_refuses_a_creator_that_is_not_an_iri(example_store: ox.Store) -> None:
    """A creator or licence that is not an http(s) IRI is a usage error naming the option."""
    with pytest.raises(UsageError, match="--creator"):
        export.nanopub(example_store, creator="A. Checker")
    with pytest.raises(UsageError, match="--license"):
        export.nanopub(example_store, creator=CREATOR, license_iri="CC-BY")


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
        assert _nanopubs(example_store) == _nanopubs(example_store)
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
        options = {"creator": CREATOR} if name == "nanopub" else {}
        text = export.EXPORTS[name](index.store, **options)
    assert CASE + "claim/sohr-about-10000-fled" in text


# --------------------------------------------------------------------------- review → export


def _cli(ledger: Path, *args: str) -> Any:
    from click.testing import CliRunner

    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", str(ledger), *args])


@pytest.fixture(scope="module")
def reviewed_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case in a ledger, one claim reviewed through the `review` command."""
    ledger = tmp_path_factory.mktemp("reviewed") / "ledger"
    assert _cli(ledger, "init").exit_code == 0
    added = _cli(ledger, "add", str(EXAMPLE), "--author", "tester")
    assert added.exit_code == 0, added.stdout + added.stderr
    result = _cli(
        ledger, "review", "sohr-about-10000-fled", "--rating", "true", "--explanation",
        "Confirmed by UN figures", "--by", "A. Checker", "--url", "https://factcheck.example.org/1",
        "--organization", "Example Fact Check", "--organization-url", FACT_CHECKER_URL,
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    return ledger


def test_review_then_export_publishes_the_verdict(reviewed_ledger: Path) -> None:
    """`review --rating true` exports as ratingValue 5 of 1–5, with its page and organisation."""
    result = _cli(reviewed_ledger, "export", "--format", "claimreview")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    (item,) = json.loads(result.stdout)["@graph"]
    rating = item["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (5, 5, 1)
    assert rating["alternateName"] == "True"
    assert item["url"] == "https://factcheck.example.org/1"
    assert item["author"] == {
        "@type": "Organization",
        "name": "Example Fact Check",
        "url": FACT_CHECKER_URL,
    }
    assert item["reviewBody"] == "Confirmed by UN figures"
    assert item["itemReviewed"]["@id"].startswith("https://w3id.org/claim-ledger/claim/")


@pytest.mark.parametrize(
    ("url_args", "message"),
    [
        pytest.param([], "Missing option '--url'", id="no-url"),
        pytest.param(["--url", "ftp://example.org/x"], "must be an http(s) address", id="ftp"),
        pytest.param(
            ["--url", "https://w3id.org/claim-ledger/claim/abc"], "names the claim", id="claim-iri"
        ),
    ],
)
def test_review_refuses_a_missing_or_wrong_url(
    reviewed_ledger: Path, url_args: list[str], message: str
) -> None:
    """`review` needs the fact-check's own http(s) page: exit 2 with a message, nothing written."""
    before = _cli(reviewed_ledger, "log", "--format", "json").stdout
    result = _cli(
        reviewed_ledger, "review", "sohr-about-10000-fled", "--rating", "false",
        "--explanation", "x", "--by", "B. Checker", *url_args,
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.stderr
    assert _cli(reviewed_ledger, "log", "--format", "json").stdout == before


def test_export_nanopub_needs_a_creator(reviewed_ledger: Path) -> None:
    """`export --format nanopub` without --creator: exit 2 and says what to give; with it, TriG."""
    refused = _cli(reviewed_ledger, "export", "--format", "nanopub")
    assert refused.exit_code == 2 and "--creator" in refused.stderr and refused.stdout == ""
    result = _cli(reviewed_ledger, "export", "--format", "nanopub", "--creator", CREATOR)
    assert result.exit_code == 0, result.stderr
    heads = {
        q.graph_name
        for q in ox.parse(result.stdout.encode(), format=ox.RdfFormat.TRIG)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.endswith("#Head")
    }
    assert len(heads) == 41


# --------------------------------------------------------------------------- PROV-O activities

PROV_NS = rdflib.Namespace(PROV)


def test_prov_has_an_activity_per_ledger_entry(reviewed_ledger: Path, tmp_path: Path) -> None:
    """add, review and retract each give a prov:Activity: its time, its author, what it made."""
    import shutil

    ledger = tmp_path / "ledger"
    shutil.copytree(reviewed_ledger, ledger)
    retracted = _cli(ledger, "retract", "sohr-about-10000-fled", "--reason", "x", "--author", "Bo")
    assert retracted.exit_code == 0, retracted.stderr
    log = json.loads(_cli(ledger, "log", "--format", "json").stdout)
    result = _cli(ledger, "export", "--format", "prov")
    assert result.exit_code == 0, result.stderr
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    activities = sorted(graph.subjects(rdflib.RDF.type, PROV_NS.Activity), key=str)
    assert len(activities) == len(log) == 3
    claim = _cli(ledger, "show", "sohr-about-10000-fled").stdout.splitlines()[0].split()[-1]
    for row in log:
        (entry,) = [
            e
            for e in graph.subjects(rdflib.RDF.type, PROV_NS.Entity)
            if str(e).endswith(f":entry:{row['seq']}")
        ]
        activity = graph.value(entry, PROV_NS.wasGeneratedBy)
        assert activity in activities
        generated = set(graph.objects(activity, PROV_NS.generated))
        assert entry in generated
        started = graph.value(activity, PROV_NS.startedAtTime).toPython()  # type: ignore[union-attr]
        assert started.replace(microsecond=0) == dt.datetime.fromisoformat(row["time"])
        agent = graph.value(activity, PROV_NS.wasAssociatedWith)
        assert str(graph.value(agent, rdflib.RDFS.label)) == row["author"]
        if row["kind"] == "add":
            claims = {g for g in generated if str(g).startswith(entries_namespace())}
            assert len(claims) == 41
        if row["kind"] == "review":
            (review,) = [g for g in generated if str(g).startswith("urn:claim-ledger:review:")]
            assert (review, rdflib.RDF.type, rdflib.URIRef(SCHEMA + "ClaimReview")) in graph
            assert str(graph.value(review, PROV_NS.value)) == "True"
            assert str(graph.value(review, rdflib.URIRef(SCHEMA + "itemReviewed"))) == claim
            rating = graph.value(review, rdflib.URIRef(SCHEMA + "reviewRating"))
            values = [
                graph.value(rating, rdflib.URIRef(SCHEMA + k)).toPython()  # type: ignore[union-attr]
                for k in ("ratingValue", "bestRating", "worstRating")
            ]
            assert values == [5, 5, 1]
            assert graph.value(review, PROV_NS.wasGeneratedBy) == activity
            assert (activity, PROV_NS.used, rdflib.URIRef(claim)) in graph
        if row["kind"] == "retract":
            assert set(graph.objects(activity, PROV_NS.invalidated)) == {rdflib.URIRef(claim)}


def entries_namespace() -> str:
    from ledger.chain import entries

    return entries.CLAIM_NAMESPACE


def test_prov_verdicts_outside_a_ledger_have_their_activity(example_store: ox.Store) -> None:
    """In claim files, each verdict is generated by an activity of its checker, at its date."""
    graph = rdflib.Graph().parse(data=export.prov(example_store), format="turtle")
    reviews = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(SCHEMA + "ClaimReview")))
    assert len(reviews) == len(REVIEWED)
    for review in reviews:
        claim = str(graph.value(review, rdflib.URIRef(SCHEMA + "itemReviewed")))
        value, words, date, _url = REVIEWED[claim]
        activity = graph.value(review, PROV_NS.wasGeneratedBy)
        assert (activity, rdflib.RDF.type, PROV_NS.Activity) in graph
        assert str(graph.value(activity, PROV_NS.startedAtTime)) == date
        assert str(graph.value(activity, PROV_NS.wasAssociatedWith)) == CHECKER
        assert str(graph.value(review, PROV_NS.wasAttributedTo)) == CHECKER
        assert str(graph.value(review, PROV_NS.value)) == words
        assert (activity, PROV_NS.used, rdflib.URIRef(claim)) in graph
