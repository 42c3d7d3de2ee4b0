"""``claim-ledger serve``: routes, JSON, facets, search, the SPARQL endpoint and safety.

Most tests use Starlette's TestClient on the application (``ledger.publish.site.create_app``);
the SPARQL client test and the slow-query test start the real command on a free 127.0.0.1 port
and talk to it over HTTP.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from helpers.serve_site import (
    EXAMPLE,
    SCRIPT_HEADLINE,
    SCRIPT_QUOTE,
    SCRIPT_SOURCE_NAME,
    SCRIPT_STATEMENT,
    SCRIPT_TRANSLATION,
    hostile_case,
    running_site,
)
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from starlette.testclient import TestClient

from ledger import api
from ledger.chain import store
from ledger.cli import main
from ledger.publish import site

CL = "https://w3id.org/claim-ledger/ns#"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
XML = "application/sparql-results+xml"
SPARQL_JSON = "application/sparql-results+json"
TSV = "text/tab-separated-values"
SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
ANYTHING = "SELECT * WHERE { ?s ?p ?o }"
CLAIMS_QUERY = (
    f"SELECT ?claim ?statement WHERE {{ ?claim a <{CL}Claim> ; <{CL}statement> ?statement }} "
    "ORDER BY ?statement"
)


@pytest.fixture(scope="module")
def example_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding the example case (41 claims, no conflict, 15 corroborations)."""
    path = tmp_path_factory.mktemp("serve") / "ledger"
    api.add(store.init(path), [EXAMPLE], author="encoder", message="the example case")
    return path


@pytest.fixture(scope="module")
def client(example_ledger: Path) -> Iterator[TestClient]:
    """The site over the example ledger, any Host accepted (TestClient sends 'testserver')."""
    app = site.create_app(store.open(example_ledger), timeout_s=5)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The site over a ledger whose claim, quote, document and source names carry markup."""
    folder = tmp_path_factory.mktemp("hostile")
    case = hostile_case(folder)
    ledger = store.init(folder / "ledger")
    result = api.add(ledger, [case], author="encoder", message="hostile")
    assert result.report.conforms and result.entry is not None
    with TestClient(site.create_app(ledger, timeout_s=5)) as test_client:
        yield test_client


def _paths(client: TestClient, listing: str) -> list[str]:
    data = client.get(listing + ".json").json()
    return [row["url"] for row in data["rows"]]


class _Markup(HTMLParser):
    """Every start tag and its attributes, and the text, of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


# --------------------------------------------------------------------------- pages


def test_overview_shows_findings_first(client: TestClient) -> None:
    """The overview: conflicts, scope warnings, weakest, best-supported, then corroborations."""
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    order = [
        html.index(f'<section id="{section}">')
        for section in ("conflicts", "scope-warnings", "weakest", "best", "corroborations")
    ]
    assert order == sorted(order)
    # the example's lead ("several thousand") and sub-heading (10,000) are compatible figures
    assert "No two current claims conflict." in html[order[0] : order[1]]
    corroborations = html[order[4] :]
    assert "10,000 fled (sub-heading)." in corroborations
    assert "Several thousand civilians are fleeing East Aleppo." in corroborations
    # the analysis computes scope warnings now (issue #12); the example case has none
    assert "No scope warnings." in html[order[1] : order[2]]


def test_a_conflict_shows_on_the_overview_and_in_its_list(tmp_path: Path) -> None:
    """Invented claims of two forces holding one district the same day: listed and searchable."""
    data = Path(__file__).parent / "data" / "analysis"
    files = [EXAMPLE / "sources.yaml", EXAMPLE / "entities.yaml", data / "sources.yaml"]
    files += [data / "entities.yaml", data / "conflict-exclusive.yaml"]
    ledger = store.init(tmp_path / "ledger")
    api.add(ledger, files, author="encoder", message="invented conflicts")
    with TestClient(site.create_app(ledger, timeout_s=10)) as test_client:
        html = test_client.get("/").text
        conflicts = html[html.index('<section id="conflicts">') :]
        conflicts = conflicts[: conflicts.index("</section>")]
        assert "Government forces took Alpha on Sunday (SOHR)." in conflicts
        assert "Rebels held Alpha all day on Sunday (Amnesty International)." in conflicts
        listed = test_client.get("/index.json").json()["conflicts"]
        pairs = {frozenset((c["a"]["id"], c["b"]["id"])) for c in listed}
        assert (
            frozenset(("amnesty-rebels-held-alpha-sunday", "sohr-gov-took-alpha-sunday")) in pairs
        )
        found = test_client.get("/conflicts.json", params={"q": "amnesty"}).json()
        assert found["total"] == 1 and "Amnesty" in json.dumps(found["rows"][0])
        assert test_client.get("/conflicts.json", params={"q": "zzyzx"}).json()["total"] == 0


def test_overview_json_lists_the_same_findings(client: TestClient) -> None:
    """/index.json and Accept: application/json give the overview's findings as data."""
    data = client.get("/index.json").json()
    assert client.get("/", headers={"accept": "application/json"}).json() == data
    assert data["claims"] == 41
    assert data["ledger"]["verified"] is True
    assert data["ledger"]["head"].startswith("sha256:")
    assert data["conflicts"] == []
    assert data["scope_warnings_computed"] is True and data["scope_warnings"] == []
    assert all(row["credibility"] in (4, 5) for row in data["weakest"])
    assert data["best_supported"] and all(
        row["credibility"] in (1, 2) for row in data["best_supported"]
    )
    assert len(data["corroborations"]) == 15


def test_every_claim_has_a_page_with_the_report_template(client: TestClient) -> None:
    """Each of the 41 claims has a page with the report's sections and its statement."""
    listing = client.get("/claims.json").json()
    assert listing["total"] == 41 and len(listing["rows"]) == 41
    for row in listing["rows"]:
        page = client.get(row["url"])
        assert page.status_code == 200, row["url"]
        text = "".join(_markup(page.text).text)
        assert row["statement"] in text
        for section in ("Original words", "Attribution chain", "Ledger record", "Grade"):
            assert section in text, (row["url"], section)


def test_every_source_has_a_page(client: TestClient) -> None:
    """Each source listed has its page (the report's source template) with its name."""
    rows = client.get("/sources.json").json()["rows"]
    assert len(rows) == 13  # the registry's 14 less the one no claim names
    for row in rows:
        page = client.get(row["url"])
        assert page.status_code == 200
        assert "Track record in these claims" in page.text
        assert row["name"] in "".join(_markup(page.text).text)
    listed = re.findall(r'<a href="/claims\?source=([^"]+)">(\d+)</a>', client.get("/sources").text)
    assert len(listed) == sum(1 for row in rows if row["claims"])
    for key, count in listed:
        chosen = client.get("/claims.json?source=" + key).json()
        assert chosen["total"] == int(count), key
    sohr = next(r for r in rows if r["source"].endswith("/sohr"))
    data = client.get(sohr["url"] + ".json").json()
    assert data["source"]["name"] == sohr["name"]
    assert len(data["claims"]) == sohr["claims"] > 0


def test_document_page_marks_every_quote_in_the_text(client: TestClient) -> None:
    """The article's page shows its whole text, every anchored quote marked and numbered."""
    (url,) = _paths(client, "/documents")
    data = client.get(url + ".json").json()
    text = data["document"]["text"]
    quoting = data["quotes"]
    assert len(quoting) == 41  # every claim of the example quotes the article
    assert [q["number"] for q in quoting] == list(range(1, 42))
    html = client.get(url).text
    parsed = _markup(html)
    (shown,) = re.findall(r'<div class="document-text"[^>]*>(.*?)</div>', html, flags=re.S)
    without_numbers = re.sub(r'<sup class="ref">.*?</sup>', "", shown)
    assert "".join(_markup(without_numbers).text) == text
    links = [dict(a).get("href") for tag, a in parsed.tags if tag == "a"]
    for row in quoting:
        assert row["url"] in links
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", html, flags=re.S)
    assert len(marks) >= 41
    # a statement shared by two sources (SOHR and state media) is one mark for two claims
    assert any(len(m["claims"]) > 1 for m in data["marked"])


def test_lists_of_claims_documents_sources_and_sparql_have_json(client: TestClient) -> None:
    """Every page answers JSON at path.json and for Accept: application/json."""
    claim = _paths(client, "/claims")[0]
    source = _paths(client, "/sources")[0]
    document = _paths(client, "/documents")[0]
    pages = ["/", "/claims", "/conflicts", "/corroborations", "/scope-warnings", "/sources"]
    pages += ["/documents", claim, source, document]
    for path in pages:
        suffixed = "/index.json" if path == "/" else path + ".json"
        as_json = client.get(suffixed)
        assert as_json.status_code == 200, suffixed
        assert as_json.headers["content-type"] == "application/json"
        negotiated = client.get(path, headers={"accept": "application/json"})
        assert negotiated.json() == as_json.json(), path
        assert client.get(path, headers={"accept": "text/html"}).text.startswith("<!DOCTYPE html>")
    described = client.get("/sparql", headers={"accept": "application/json"}).json()
    assert described["endpoint"] == "/sparql" and described["max_query_chars"] > 0


# --------------------------------------------------------------------------- facets and search


def test_corroborations_facet_by_kind(client: TestClient) -> None:
    """?kind=independent keeps the 3 independent corroborations; the facet counts all kinds."""
    everything = client.get("/corroborations.json").json()
    assert everything["total"] == 15
    kinds = {v["value"]: v["count"] for v in everything["facets"]["kind"]}
    assert kinds == {"aligned": 3, "independent": 3, "same-origin": 9}
    independent = client.get("/corroborations.json?kind=independent").json()
    assert independent["total"] == 3
    assert {row["category"] for row in independent["rows"]} == {"independent"}
    html = client.get("/corroborations?kind=independent").text
    assert 'href="/corroborations"' in html  # the selected value's link removes the filter


@pytest.mark.parametrize(
    ("facet", "value", "check"),
    [
        ("source", "sohr", lambda row: any(s["iri"].endswith("/sohr") for s in row["sources"])),
        ("status", "current", lambda row: row["status"] == "current"),
        ("property", "displacedCount", lambda row: row["property"] == "number displaced"),
        ("place", "east-aleppo", lambda row: row["place"].startswith("East Aleppo")),
        ("grade", "3", lambda row: row["credibility"] == 3),
        ("time", "November 2016", lambda row: row["event_time"] == "November 2016"),
        ("alignment", "opposition", lambda row: bool(row["sources"])),
        ("kind", "MonitoringGroup", lambda row: bool(row["sources"])),
    ],
)
def test_claims_facets_filter_the_list(
    client: TestClient, facet: str, value: str, check: Any
) -> None:
    """Each facet in the URL keeps only claims with that value, as many as the facet counted."""
    everything = client.get("/claims.json").json()
    counted = {v["value"]: v["count"] for v in everything["facets"][facet]}
    assert value in counted, counted
    chosen = client.get("/claims.json", params={facet: value}).json()
    assert chosen["total"] == counted[value] > 0
    assert chosen["filters"] == {facet: value}
    assert all(check(row) for row in chosen["rows"])
    assert chosen["total"] < everything["total"] or facet in ("status", "time")


def test_search_finds_statements_quotes_and_names(client: TestClient) -> None:
    """?q= matches words of statements, of the original quotes, and of source names."""
    by_statement = client.get("/claims.json", params={"q": "several thousand"}).json()
    assert "lead-thousands-fleeing" in [r["id"] for r in by_statement["rows"]]
    by_quote = client.get("/claims.json", params={"q": "flere tusen sivile"}).json()  # Norwegian
    assert "lead-thousands-fleeing" in [r["id"] for r in by_quote["rows"]]
    by_name = client.get("/claims.json", params={"q": "observatory"}).json()
    assert by_name["total"] > 0
    assert all(
        any(s["iri"].endswith("/sohr") for s in r["sources"])
        or "observatory" in json.dumps(r).lower()
        for r in by_name["rows"]
    )
    nothing = client.get("/claims.json", params={"q": "zzyzx-no-such-word"}).json()
    assert nothing["total"] == 0 and nothing["rows"] == []
    corroborations = client.get("/corroborations.json", params={"q": "10,000"}).json()
    assert corroborations["total"] > 0 and all(
        "10,000" in json.dumps(row) for row in corroborations["rows"]
    )
    assert client.get("/corroborations.json", params={"q": "zzyzx"}).json()["total"] == 0


def test_search_and_facets_combine(client: TestClient) -> None:
    """Words and a facet together narrow the list; the HTML shows what is chosen."""
    both = client.get("/claims.json", params={"q": "districts", "source": "sohr"}).json()
    assert both["total"] >= 1
    words_only = client.get("/claims.json", params={"q": "districts"}).json()
    assert both["total"] < words_only["total"]
    html = client.get("/claims", params={"q": "districts", "source": "sohr"}).text
    assert "words: districts" in html and "clear all" in html


def test_a_bad_page_number_is_a_clear_400(client: TestClient) -> None:
    """?page=x is refused with a message, not a crash."""
    response = client.get("/claims?page=x")
    assert response.status_code == 400
    assert "page must be a whole number" in response.text


# --------------------------------------------------------------------------- SPARQL


def test_sparql_get_answers_sparql_json(client: TestClient) -> None:
    """GET /sparql?query= gives SPARQL JSON with typed terms (IRIs, language-tagged literals)."""
    response = client.get("/sparql", params={"query": CLAIMS_QUERY})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) == 41
    assert bindings[0]["claim"]["type"] == "uri"
    assert bindings[0]["statement"]["type"] == "literal"


@pytest.mark.parametrize(
    ("how", "media"),
    [
        ({"headers": {"accept": XML}}, XML),
        ({"headers": {"accept": "text/csv"}}, "text/csv; charset=utf-8"),
        ({"headers": {"accept": TSV}}, TSV + "; charset=utf-8"),
        ({"params": {"format": "xml"}}, XML),
        ({"params": {"format": "csv"}}, "text/csv; charset=utf-8"),
        ({"headers": {"accept": "text/csv;q=0.5, " + SPARQL_JSON}}, SPARQL_JSON),
    ],
    ids=["accept-xml", "accept-csv", "accept-tsv", "format-xml", "format-csv", "accept-ranked"],
)  # fmt: skip
def test_sparql_results_format_by_accept_or_format(
    client: TestClient, how: dict[str, Any], media: str
) -> None:
    """The results format follows the Accept header, or format= when given."""
    params = {"query": CLAIMS_QUERY, **how.get("params", {})}
    response = client.get("/sparql", params=params, headers=how.get("headers", {}))
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    assert "https://w3id.org/claim-ledger/claim/" in response.text


def test_sparql_post_form_and_body(client: TestClient) -> None:
    """POST as a form (query=) and as application/sparql-query give the same answer as GET."""
    expected = client.get("/sparql", params={"query": CLAIMS_QUERY}).json()
    form = client.post("/sparql", data={"query": CLAIMS_QUERY})
    assert form.status_code == 200 and form.json() == expected
    body = client.post(
        "/sparql",
        content=CLAIMS_QUERY.encode(),
        headers={"content-type": "application/sparql-query"},
    )
    assert body.status_code == 200 and body.json() == expected
    odd = client.post("/sparql", content=b"x", headers={"content-type": "text/plain"})
    assert odd.status_code == 415


def test_sparql_ask_and_construct(client: TestClient) -> None:
    """ASK answers a boolean; CONSTRUCT answers Turtle (or N-Triples by Accept)."""
    ask = client.get("/sparql", params={"query": f"ASK {{ ?c a <{CL}Claim> }}"})
    assert ask.json() == {"head": {}, "boolean": True}
    construct = f"CONSTRUCT {{ ?c a <{CL}Claim> }} WHERE {{ ?c a <{CL}Claim> }}"
    turtle = client.get("/sparql", params={"query": construct})
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) == 41
    nt = client.get(
        "/sparql", params={"query": construct}, headers={"accept": "application/n-triples"}
    )
    assert nt.headers["content-type"] == "application/n-triples"
    assert len(rdflib.Graph().parse(data=nt.text, format="nt")) == 41


@pytest.mark.parametrize(
    ("request_args", "message"),
    [
        ({"params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, "updates"),
        ({"params": {"query": "LOAD <http://example.org/x.ttl>"}}, "updates"),
        ({"params": {"query": "DROP ALL"}}, "updates"),
        ({"params": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, "updates are refused"),
        ({"params": {"query": SERVICE}}, "SERVICE is refused"),
        ({"params": {"query": "SELECT ?s WHERE { ?s ?p }"}}, "does not parse"),
        ({"params": {"query": ANYTHING, "format": "pdf"}}, "unknown format"),
        ({"params": {"query": ANYTHING, "default-graph-uri": "not an iri"}}, "not an IRI"),
        ({"params": {"query": ["ASK {}", "ASK {}"]}}, "exactly one query"),
    ],
    ids=["insert", "load", "drop", "update-param", "service", "syntax", "format", "graph", "two"],
)  # fmt: skip
def test_sparql_refuses_with_400_and_a_message(
    client: TestClient, request_args: dict[str, Any], message: str
) -> None:
    """Updates, LOAD, SERVICE and bad queries are refused with 400 and a clear message."""
    response = client.get("/sparql", **request_args)
    assert response.status_code == 400
    assert message in response.text
    assert "Traceback" not in response.text


def test_sparql_update_by_post_is_refused(client: TestClient) -> None:
    """A SPARQL Update sent as application/sparql-update or update= is refused (400)."""
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for response in (
        client.post(
            "/sparql", content=update, headers={"content-type": "application/sparql-update"}
        ),
        client.post("/sparql", data={"update": update}),
    ):
        assert response.status_code == 400
        assert "updates are refused" in response.text
    ask = client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json()
    assert ask["boolean"] is False


def test_oversized_query_is_413(client: TestClient) -> None:
    """A query text over the limit is refused with 413, by GET and by POST."""
    padding = "#" + "x" * site.MAX_QUERY_CHARS + "\n"
    text = padding + "ASK { ?s ?p ?o }"
    assert client.get("/sparql", params={"query": text}).status_code == 413
    assert client.post("/sparql", data={"query": text}).status_code == 413
    huge = client.post(
        "/sparql",
        content=b"#" * (site.MAX_QUERY_CHARS * 5),
        headers={"content-type": "application/sparql-query"},
    )
    assert huge.status_code == 413
    fits = client.get("/sparql", params={"query": "#" + "x" * 1000 + "\nASK { ?s ?p ?o }"})
    assert fits.status_code == 200


def test_slow_query_is_stopped_and_the_site_keeps_answering(example_ledger: Path) -> None:
    """A query past the time limit gets 503 with the reason; pages answer meanwhile."""
    app = site.create_app(store.open(example_ledger), timeout_s=3)
    with TestClient(app) as test_client:
        outcome: dict[str, Any] = {}

        def slow() -> None:
            started = time.monotonic()
            outcome["response"] = test_client.get("/sparql", params={"query": ENDLESS})
            outcome["seconds"] = time.monotonic() - started

        worker = threading.Thread(target=slow)
        worker.start()
        time.sleep(0.3)
        started = time.monotonic()
        page = test_client.get("/claims.json")
        assert page.status_code == 200 and time.monotonic() - started < 2.5
        assert "response" not in outcome  # answered while the query still ran
        worker.join(30)
        response = outcome["response"]
        assert response.status_code == 503
        assert "the query was stopped after 3 s" in response.text
        assert outcome["seconds"] < 20
        assert test_client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_no_route_writes(client: TestClient, method: str) -> None:
    """Every page refuses methods that could write (405 with Allow: GET, HEAD)."""
    claim = _paths(client, "/claims")[0]
    for path in ("/", "/claims", claim, "/conflicts", "/sources", "/documents", "/style.css"):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    if method != "POST":
        assert client.request(method, "/sparql").status_code == 405


def test_unknown_pages_are_404_in_html_and_json(client: TestClient) -> None:
    """A claim, source or document that is not there: 404 with a message, as HTML or JSON."""
    for path in ("/claims/nope", "/sources/nope", "/documents/nope", "/no/such/page"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert page.text.startswith("<!DOCTYPE html>") and "Not found" in page.text
    data = client.get("/claims/nope.json")
    assert data.status_code == 404
    assert data.json() == {"error": "no claim 'nope' in the ledger", "hint": "see /claims"}
    head = client.head("/claims")
    assert head.status_code == 200 and head.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/documents/../../etc/passwd",
        "/documents/..%2f..%2fetc%2fpasswd",
        "/documents/%2e%2e/%2e%2e/etc/passwd",
        "/documents/%252e%252e%252fetc%252fpasswd",
        "/documents/....//....//etc/passwd",
        "/claims/..%5c..%5cetc%5cpasswd",
        "/style.css/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/documents/%00",
    ],
)
def test_path_traversal_finds_nothing(client: TestClient, path: str) -> None:
    """Traversal paths, plain or encoded, are 404s that show no file."""
    response = client.get(path)
    assert response.status_code in (400, 404), path
    assert "root:" not in response.text


def test_security_headers_on_every_answer(client: TestClient) -> None:
    """Pages, JSON, errors and SPARQL answers carry the CSP (no script) and nosniff."""
    for response in (
        client.get("/"),
        client.get("/claims.json"),
        client.get("/no-such-page"),
        client.get("/sparql", params={"query": "ASK {}"}),
        client.get("/sparql", params={"query": "DROP ALL"}),
        client.post("/"),
    ):
        assert response.headers["content-security-policy"] == site.CONTENT_SECURITY_POLICY
        assert "script-src" not in response.headers["content-security-policy"]
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_script_and_no_inline_style(client: TestClient) -> None:
    """No page has a script, an event handler or a style attribute the CSP would block."""
    pages = ["/", "/claims", "/conflicts", "/corroborations", "/sources", "/documents", "/sparql"]
    pages += _paths(client, "/claims")[:5] + _paths(client, "/documents")
    for path in pages:
        parsed = _markup(client.get(path).text)
        assert not [t for t, _a in parsed.tags if t in ("script", "style", "iframe", "object")]
        for tag, attributes in parsed.tags:
            names = {name for name, _value in attributes}
            assert not {n for n in names if n.startswith("on")}, (path, tag)
            assert "style" not in names, (path, tag)


def test_hostile_text_is_escaped_everywhere(hostile_client: TestClient) -> None:
    """Markup in a statement, quote, translation, headline or source name shows as text."""
    claims = hostile_client.get("/claims.json", params={"q": "alert('statement')"}).json()
    assert claims["total"] == 1
    (row,) = claims["rows"]
    assert row["statement"] == SCRIPT_STATEMENT
    pages = [
        "/",
        "/claims",
        "/claims?q=" + urllib.parse.quote(SCRIPT_STATEMENT),
        "/conflicts",
        "/sources",
        "/documents",
        row["url"],
        *_paths(hostile_client, "/documents"),
        *_paths(hostile_client, "/sources"),
    ]
    shown: set[str] = set()
    for path in pages:
        html = hostile_client.get(path).text
        parsed = _markup(html)
        assert not [t for t, _a in parsed.tags if t in ("script", "img", "b")], path
        for _tag, attributes in parsed.tags:
            assert not [n for n, _v in attributes if n.startswith("on")], path
        assert "<script" not in html and "<img" not in html, path
        text = "".join(parsed.text)
        shown.update(
            v
            for v in (SCRIPT_STATEMENT, SCRIPT_QUOTE, SCRIPT_TRANSLATION, SCRIPT_HEADLINE)
            if v in text
        )
        shown.update([SCRIPT_SOURCE_NAME] if SCRIPT_SOURCE_NAME in text else [])
    # every hostile value was shown, as text, somewhere
    assert shown == {
        SCRIPT_STATEMENT,
        SCRIPT_QUOTE,
        SCRIPT_TRANSLATION,
        SCRIPT_HEADLINE,
        SCRIPT_SOURCE_NAME,
    }
    data = hostile_client.get(row["url"] + ".json")
    assert data.headers["content-type"] == "application/json"
    assert data.json()["statement"] == SCRIPT_STATEMENT


def test_host_header_must_be_loopback_when_bound_to_loopback(example_ledger: Path) -> None:
    """Bound to 127.0.0.1, the site refuses other Host names (DNS rebinding) with 421."""
    app = site.create_app(
        store.open(example_ledger), allowed_hosts=site.LOOPBACK_NAMES | {"127.0.0.1"}
    )
    with TestClient(app, base_url="http://127.0.0.1:8080") as local:
        assert local.get("/").status_code == 200
        assert local.get("/", headers={"host": "localhost:8080"}).status_code == 200
        assert local.get("/", headers={"host": "[::1]:8080"}).status_code == 200
        refused = local.get("/", headers={"host": "attacker.example:8080"})
        assert refused.status_code == 421
        assert refused.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("::", False),
        ("example.org", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    """Only loopback names and addresses count as local."""
    assert api.is_loopback_host(host) is loopback


# --------------------------------------------------------------------------- live ledger


def test_the_site_follows_the_ledger(tmp_path: Path) -> None:
    """A claim retracted while the site runs shows as retracted on the next request."""
    ledger = store.init(tmp_path / "ledger")
    api.add(ledger, [EXAMPLE], author="encoder", message="the example case")
    with TestClient(site.create_app(ledger)) as test_client:
        before = test_client.get("/claims.json", params={"status": "retracted"}).json()
        assert before["total"] == 0
        api.retract(ledger, "sohr-about-10000-fled", reason="test", author="checker")
        after = test_client.get("/claims.json", params={"status": "retracted"}).json()
        assert [row["id"] for row in after["rows"]] == ["sohr-about-10000-fled"]
        overview = test_client.get("/index.json").json()
        assert overview["current_claims"] == 40


def test_pages_answer_from_the_previous_state_while_new_entries_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow re-read does not hold pages up: they show the previous state and say so."""
    ledger = store.init(tmp_path / "ledger")
    api.add(ledger, [EXAMPLE], author="encoder", message="the example case")
    real = site.build_snapshot
    gate = threading.Event()

    def slow_after_the_first(book: Any) -> site.Snapshot:
        if calls:
            gate.wait(30)
        calls.append(1)
        return real(book)

    calls: list[int] = []
    monkeypatch.setattr(site, "build_snapshot", slow_after_the_first)
    monkeypatch.setattr(site, "REFRESH_WAIT_S", 0.2)
    with TestClient(site.create_app(ledger)) as test_client:
        assert test_client.get("/index.json").json()["current_claims"] == 41
        api.retract(ledger, "sohr-about-10000-fled", reason="test", author="checker")
        started = time.monotonic()
        stale = test_client.get("/")
        assert time.monotonic() - started < 5
        assert "still being read" in stale.text and "41 current claims" in stale.text
        gate.set()
        for _attempt in range(100):
            fresh = test_client.get("/index.json").json()
            if fresh["current_claims"] == 40:
                break
            time.sleep(0.1)
        assert fresh["current_claims"] == 40
        assert "still being read" not in test_client.get("/").text


def test_the_site_reads_both_backends(backend: Any) -> None:
    """Embedded or on a SPARQL server: the same findings, pages and SPARQL answers."""
    ledger = backend.new()
    api.add(ledger, [EXAMPLE], author="encoder", message="the example case")
    with TestClient(site.create_app(ledger, timeout_s=10)) as test_client:
        overview = test_client.get("/index.json").json()
        assert overview["claims"] == 41 and overview["conflicts"] == []
        assert test_client.get("/corroborations.json").json()["total"] == 15
        claim = test_client.get("/claims.json", params={"q": "several thousand"}).json()
        assert test_client.get(claim["rows"][0]["url"]).status_code == 200
        answer = test_client.get("/sparql", params={"query": CLAIMS_QUERY}).json()
        assert len(answer["results"]["bindings"]) == 41
        html = test_client.get("/").text
        assert "chain verified" in html


def test_an_empty_ledger_serves_empty_pages(tmp_path: Path) -> None:
    """A new ledger without entries: every list is empty, nothing fails."""
    ledger = store.init(tmp_path / "ledger")
    with TestClient(site.create_app(ledger)) as test_client:
        for path in ("/", "/claims", "/conflicts", "/sources", "/documents", "/sparql"):
            assert test_client.get(path).status_code == 200, path
        assert test_client.get("/claims.json").json()["total"] == 0


# --------------------------------------------------------------------------- the command


def test_serve_help() -> None:
    """serve -h documents host, port and timeout, with examples."""
    result = CliRunner().invoke(main, ["serve", "-h"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--timeout", "127.0.0.1"):
        assert option in result.stdout


def test_serve_warns_loudly_off_loopback(
    example_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--host 0.0.0.0 prints a warning on stderr before serving (server replaced by a stub)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(api, "serve", lambda ledger, **options: calls.append(options))
    result = CliRunner().invoke(
        main, ["--ledger", str(example_ledger), "serve", "--host", "0.0.0.0", "--port", "9"]
    )
    assert result.exit_code == 0
    assert "WARNING: listening on 0.0.0.0" in result.stderr
    assert calls and calls[0]["host"] == "0.0.0.0" and calls[0]["port"] == 9
    quiet = CliRunner().invoke(main, ["--ledger", str(example_ledger), "serve"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert calls[1]["host"] == "127.0.0.1" and calls[1]["port"] == 8080


def test_serve_on_a_busy_port_is_a_clear_error(example_ledger: Path) -> None:
    """A port in use: exit 2 and a message naming it, no traceback."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            main, ["--ledger", str(example_ledger), "serve", "--port", str(port)]
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output


def test_serve_without_a_ledger_is_a_clear_error(tmp_path: Path) -> None:
    """No ledger at --ledger: exit 2 with the ledger's own message."""
    result = CliRunner().invoke(main, ["--ledger", str(tmp_path / "none"), "serve"])
    assert result.exit_code == 2
    assert "error:" in result.stderr and "Traceback" not in result.output


# --------------------------------------------------------------------------- a real server


def test_a_standard_sparql_client_queries_the_running_server(example_ledger: Path) -> None:
    """rdflib's SPARQLStore, over HTTP to `claim-ledger serve`: SELECT, ASK and CONSTRUCT."""
    with running_site(example_ledger) as url:
        sparql = SPARQLStore(query_endpoint=url + "sparql", method="POST_FORM")
        rows = list(sparql.query(CLAIMS_QUERY))
        assert len(rows) == 41
        claim, statement = rows[0]
        assert isinstance(claim, rdflib.URIRef) and isinstance(statement, rdflib.Literal)
        assert str(claim).startswith("https://w3id.org/claim-ledger/claim/")
        languages = list(
            sparql.query(
                "SELECT ?name WHERE { <https://w3id.org/claim-ledger/source/sohr> "
                "<https://schema.org/name> ?name } ORDER BY ?name"
            )
        )
        assert {row[0].language for row in languages} >= {"en"}
        assert sparql.query(f"ASK {{ ?c a <{CL}Claim> }}").askAnswer is True
        get = SPARQLStore(query_endpoint=url + "sparql", method="GET")
        graph = get.query(f"CONSTRUCT {{ ?c a <{CL}Claim> }} WHERE {{ ?c a <{CL}Claim> }}").graph
        assert graph is not None and len(graph) == 41
        with urllib.request.urlopen(url + "corroborations.json", timeout=30) as page:
            assert json.load(page)["total"] == 15


def test_the_running_server_stops_a_slow_query_and_stays_responsive(example_ledger: Path) -> None:
    """Over HTTP: while an endless query runs, pages answer; the query ends in 503."""
    with running_site(example_ledger, timeout=4) as url:
        outcome: dict[str, Any] = {}

        def slow() -> None:
            request = url + "sparql?" + urllib.parse.urlencode({"query": ENDLESS})
            try:
                urllib.request.urlopen(request, timeout=60)
            except urllib.error.HTTPError as error:
                with error:
                    outcome["status"] = error.code
                    outcome["body"] = error.read().decode()

        worker = threading.Thread(target=slow)
        worker.start()
        time.sleep(0.5)
        started = time.monotonic()
        with urllib.request.urlopen(url + "claims.json", timeout=30) as page:
            assert json.load(page)["total"] == 41
        assert time.monotonic() - started < 3
        assert "status" not in outcome  # answered while the query still ran
        worker.join(60)
        assert outcome["status"] == 503
        assert "the query was stopped after 4 s" in outcome["body"]
        with urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=30) as answer:
            assert json.load(answer)["boolean"] is True
