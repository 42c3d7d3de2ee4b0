"""ledger.publish.report: overview, claim and source pages in HTML and Markdown, and their
safety."""

from __future__ import annotations

import datetime as dt
import re
import types
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
import yaml

from ledger import api, vocab
from ledger.chain import store
from ledger.errors import InputError, UsageError
from ledger.intake.load import document_quads, load_paths
from ledger.publish import report
from ledger.vocab import CL_IRI

DATA = Path(__file__).resolve().parent / "data" / "report"
CASE = "https://w3id.org/claim-ledger/case/aleppo-2016-11/"
CL = CL_IRI
SOHR_10000 = CASE + "claim/sohr-about-10000-fled"
SOHR_SUNDAY = CASE + "claim/sohr-five-districts-sunday"
STATE_SAKHOUR = CASE + "claim/state-media-less-than-1km-from-sakhour"
SOHR_SAKHOUR = CASE + "claim/sohr-less-than-1km-from-sakhour"


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The example case loaded as `validate` loads it, with the article's text."""
    batch = load_paths([Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"])
    graph = ox.Store()
    graph.extend(batch.quads)
    graph.extend(document_quads(batch))
    return graph


def hostile_store() -> ox.Store:
    graph = ox.Store()
    graph.load(path=str(DATA / "hostile.ttl"), format=ox.RdfFormat.TURTLE)
    return graph


class Page(HTMLParser):
    """What a test needs from an HTML page: elements, attributes, ids, links, text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}  # type: ignore[misc]

    @property
    def hrefs(self) -> list[str]:
        return [a["href"] for _, a in self.tags if a.get("href") is not None]  # type: ignore[misc]

    @property
    def plain(self) -> str:
        return "".join(self.text)


def _pages(paths: list[Path]) -> dict[Path, Page]:
    return {p: Page(p.read_text(encoding="utf-8")) for p in paths if p.suffix == ".html"}


def _claim_page(out: Path, paths: list[Path], claim_id: str, suffix: str = ".html") -> str:
    name = claim_id.rsplit("/", 1)[-1]
    page = re.compile(re.escape(name) + "-[0-9a-f]{8}" + re.escape(suffix))
    found = [p for p in paths if p.parent.name == "claims" and page.fullmatch(p.name)]
    assert len(found) == 1, found
    return found[0].read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the example case


def test_whole_store_writes_overview_claim_and_source_pages(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """Without a selector every claim and every source gets a page, plus index.html."""
    paths = report.render(example_store, out_dir=tmp_path)
    assert (tmp_path / "index.html") in paths
    assert len([p for p in paths if p.parent.name == "claims"]) == 41
    sources = {p.name.rsplit("-", 1)[0] for p in paths if p.parent.name == "sources"}
    assert {"sohr", "syrian-state-media", "al-manar", "hezbollah", "dpa", "afp"} <= sources
    assert all(p.is_relative_to(tmp_path) for p in paths)


def test_every_internal_link_and_fragment_resolves(example_store: ox.Store, tmp_path: Path) -> None:
    """No internal link points at a page or an id that is not there."""
    paths = report.render(example_store, out_dir=tmp_path)
    pages = _pages(paths)
    for path, page in pages.items():
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme:
                assert parts.scheme in ("http", "https"), href
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target in pages, f"{path.name}: broken link {href}"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{path.name}: no #{parts.fragment}"


def test_html_is_self_contained(example_store: ox.Store, tmp_path: Path) -> None:
    """No scripts, stylesheets, images, fonts or frames are loaded from anywhere."""
    for path, page in _pages(report.render(example_store, out_dir=tmp_path)).items():
        tags = {tag for tag, _ in page.tags}
        assert not tags & {"script", "link", "img", "iframe", "object", "embed"}, path
        assert all(not a.get("src") for _, a in page.tags), path
        text = path.read_text(encoding="utf-8")
        assert "@import" not in text and "@font-face" not in text
        assert re.findall(r"url\(([^)]*)\)", text) == [
            m for m in re.findall(r"url\(([^)]*)\)", text) if m.startswith("#")
        ]
        assert "@media print" in text and "width=device-width" in text


def test_overview_lists_every_claim_with_its_columns(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """The overview's table has a row per claim: statement, source, stance, time, grade, status."""
    report.render(example_store, out_dir=tmp_path)
    page = Page((tmp_path / "index.html").read_text(encoding="utf-8"))
    labels = [a.get("data-label") for tag, a in page.tags if tag == "td"]
    for column in ("Statement", "Source", "Stance", "Event time", "Grade", "Status"):
        assert labels.count(column) == 41, column
    claim_links = {h for h in page.hrefs if h.startswith("claims/")}
    assert len(claim_links) == 41
    assert "a Sunday in November 2016 (which Sunday is not stated)" in page.plain
    assert "<svg" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_quote_is_marked_inside_its_paragraph_beside_its_translation(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """The quoted words are <mark>ed in the paragraph the offsets point into."""
    paths = report.render(example_store, out_dir=tmp_path)
    text = _claim_page(tmp_path, paths, SOHR_10000)
    assert (
        "<mark>Om lag 10.000 sivile har flyktet fra de østlige delene av byen det siste døgnet"
        in text
    )
    assert "</mark>, ifølge SOHR. Noen har tatt seg fram til Masaken Hanano" in text
    assert "About 10,000 civilians have fled from the eastern parts of the city" in text
    assert "Characters 1574–1653" in text


def test_claim_page_shows_chain_proposition_and_honest_times(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """The chain runs speaker → organisation → agency → outlet → article; days stay unknown."""
    paths = report.render(example_store, out_dir=tmp_path)
    html_text = _claim_page(tmp_path, paths, CASE + "claim/al-youssef-air-power-decides")
    relayed = Page(html_text)
    chain = html_text[html_text.index('<figure class="chain">') :]
    svg_text = [t for t in Page(chain[: chain.index("</svg>")]).text if t.strip()]
    order = [
        svg_text.index("Yasser al-Youssef"),
        svg_text.index("Nour al-Din al-Zenki Movement"),
        svg_text.index("Deutsche Presse-Agentur"),
    ]
    assert order == sorted(order)
    assert "relayed by" in relayed.plain and "acts on behalf of" in relayed.plain
    sunday = Page(_claim_page(tmp_path, paths, SOHR_SUNDAY)).plain
    assert "a Sunday in November 2016 (which Sunday is not stated)" in sunday
    assert not re.search(r"\b([1-9]|[12]\d|30) November 2016", sunday)
    assert "not recorded in a ledger" in sunday.lower()


@pytest.mark.parametrize("suffix", [".html", ".md"])
@pytest.mark.parametrize(
    ("term", "words"),
    [
        ("amongOthers", "one answer among others"),
        ("onlyAnswer", "the only answer"),
        ("heldThroughout", "held on every day of it"),
    ],
)
def test_a_value_named_among_others_or_the_only_answer_or_held_throughout_says_so(
    example_store: ox.Store, tmp_path: Path, suffix: str, term: str, words: str
) -> None:
    """A proposition marked amongOthers shows its value as one answer among others, one marked
    onlyAnswer as the only answer, one marked heldThroughout its time as a period; the rest
    not."""
    graph = ox.Store()
    graph.extend(example_store)
    claim = ox.NamedNode(CASE + "claim/al-youssef-air-power-decides")
    (quad,) = graph.quads_for_pattern(claim, ox.NamedNode(CL + "proposition"), None, None)
    node = quad.object
    assert isinstance(node, ox.BlankNode | ox.NamedNode)
    graph.add(ox.Quad(node, ox.NamedNode(CL + term), ox.Literal(True), quad.graph_name))
    paths = report.render(graph, out_dir=tmp_path, fmt=suffix[1:])
    marked = _claim_page(tmp_path, paths, claim.value, suffix)
    assert f"({words})" in marked
    other = _claim_page(tmp_path, paths, SOHR_SUNDAY, suffix)
    assert words not in other


def test_a_source_revising_itself_is_listed_apart_from_the_conflicts(tmp_path: Path) -> None:
    """SOHR's 300, then its own 3,000 two days later: the overview lists the pair under
    'Revisions and updates', never counts it as a conflict, and the claim page calls it a
    revision."""
    analysis_data = Path(__file__).resolve().parent / "data" / "analysis"
    example = Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"
    paths = [example / "sources.yaml", example / "entities.yaml"]
    paths += [analysis_data / name for name in ("sources.yaml", "entities.yaml", "figures.yaml")]
    graph = ox.Store()
    graph.extend(load_paths(paths).quads)
    found = report.analyse(graph)
    revisions = [r for r in found.changes if any("india" in c for c in r.claims)]
    assert [r.kind for r in revisions] == ["revision"]
    assert not any("india" in c for r in found.conflicts for c in r.claims)
    paths_out = report.render(graph, out_dir=tmp_path, fmt="md")
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert f"{len(found.conflicts)} conflict(s)" in index and found.conflicts
    listed = index.split("### Revisions and updates", 1)[1].split("## Scope warnings", 1)[0]
    assert "3,000" in listed or "3000" in listed
    page = _claim_page(tmp_path, paths_out, revisions[0].claims[0], ".md")
    assert "| revision |" in page


def test_source_page_shows_alignment_rationale_and_default_reliability(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """A source page gives its alignment with the reason, and F when no checker assessed it."""
    paths = report.render(example_store, out_dir=tmp_path, source="sohr")
    assert [p.parent.name for p in paths] == ["sources"]
    page = Page(paths[0].read_text(encoding="utf-8")).plain
    assert "opposition" in page and "Rami Abdulrahman" in page
    assert report.DEFAULT_RELIABILITY in page
    assert "Attributed to it (6)" in page


def test_person_takes_the_alignment_of_the_organisation_it_speaks_for(
    example_store: ox.Store,
) -> None:
    """Khaled Khatib has no alignment of his own: he takes the White Helmets'."""
    book = report.read_casebook(example_store)
    khatib = book.agents["https://w3id.org/claim-ledger/source/khaled-khatib"]
    assert khatib.alignment_label == "opposition"
    assert khatib.alignment_via == "https://w3id.org/claim-ledger/source/white-helmets"


def test_case_selector_and_unknown_case(example_store: ox.Store, tmp_path: Path) -> None:
    """case= renders that case (by identifier or IRI); an unknown case names the known ones."""
    paths = report.render(example_store, out_dir=tmp_path, case="aleppo-2016-11")
    assert len([p for p in paths if p.parent.name == "claims"]) == 41
    with pytest.raises(InputError, match="aleppo-2016-11"):
        report.render(example_store, out_dir=tmp_path, case="nowhere")


def test_claim_selector_writes_one_page_without_dangling_links(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """claim= writes that page only, and links nothing that was not written."""
    paths = report.render(example_store, out_dir=tmp_path, claim="sohr-about-10000-fled")
    assert len(paths) == 1 and paths[0].parent.name == "claims"
    page = Page(paths[0].read_text(encoding="utf-8"))
    assert [h for h in page.hrefs if not urlsplit(h).scheme and not h.startswith("#")] == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"fmt": "pdf"}, UsageError, id="unknown-format"),
        pytest.param({"case": "x", "claim": "y"}, UsageError, id="two-selectors"),
        pytest.param({"claim": "no-such-claim"}, InputError, id="unknown-claim"),
        pytest.param({"source": "no-such-source"}, InputError, id="unknown-source"),
    ],
)
def test_bad_selectors_are_refused(
    example_store: ox.Store, tmp_path: Path, kwargs: dict[str, str], error: type[Exception]
) -> None:
    """Bad options give a library error (exit 2 in the CLI), not a traceback."""
    with pytest.raises(error):
        report.render(example_store, out_dir=tmp_path, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("earliest", "latest", "precision", "day", "expected"),
    [
        pytest.param(
            "2016-11-01", "2016-11-30", "monthPrecision", None, "November 2016", id="month"
        ),
        pytest.param(
            "2016-11-01",
            "2016-11-30",
            "monthPrecision",
            "Sunday",
            "a Sunday in November 2016 (which Sunday is not stated)",
            id="weekday-in-month",
        ),
        pytest.param(
            "2016-11-20", "2016-11-20", "dayPrecision", None, "Sunday 20 November 2016", id="day"
        ),
        pytest.param(
            "2016-11-10", "2016-11-20", "vaguePrecision", None, "10–20 November 2016", id="range"
        ),
        pytest.param(
            None, "2011-03-15", "vaguePrecision", None, "on or before 15 March 2011", id="before"
        ),
        pytest.param(
            "2011-03-15", None, "vaguePrecision", None, "on or after 15 March 2011", id="after"
        ),
        pytest.param("2016-01-01", "2016-12-31", "yearPrecision", None, "2016", id="year"),
        pytest.param(None, None, None, None, "time not stated", id="none"),
    ],
)
def test_time_spans_in_words(
    earliest: str | None, latest: str | None, precision: str | None, day: str | None, expected: str
) -> None:
    """A span is said as precisely as it is known, never more."""
    span = report.TimeSpan(earliest, latest, report.CL + precision if precision else None, day)
    assert span.label == expected


# --------------------------------------------------------------------------- Markdown


def test_markdown_carries_the_same_pages_and_diagrams(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """fmt=md writes index.md, claim and source pages, and the diagrams as SVG files."""
    paths = report.render(example_store, out_dir=tmp_path, fmt="md")
    assert (tmp_path / "index.md") in paths and (tmp_path / "network.svg") in paths
    claims = [p for p in paths if p.parent.name == "claims" and p.suffix == ".md"]
    assert len(claims) == 41
    assert len([p for p in paths if p.name.endswith(".chain.svg")]) == 41
    for path in paths:
        if path.suffix != ".md":
            continue
        for target in re.findall(r"\]\(([^)]+)\)", path.read_text(encoding="utf-8")):
            if not urlsplit(target).scheme:
                assert (path.parent / unquote(target)).exists(), f"{path.name}: {target}"
    text = _claim_page(tmp_path, paths, SOHR_10000, ".md")
    assert "**Om lag 10.000 sivile har flyktet" in text
    assert "a Sunday" not in text and "November 2016 · month" in text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        pytest.param("<script>", "&lt;script&gt;", id="html"),
        pytest.param("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))", id="link"),
        pytest.param("a | b", "a \\| b", id="table-cell"),
        pytest.param("# heading", "\\# heading", id="heading"),
        pytest.param("1. item", "1\\. item", id="list"),
        pytest.param("two\nlines", "two lines", id="newline"),
        pytest.param("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`", id="emphasis"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    """Text from claims cannot become Markdown or HTML."""
    assert report.md_escape(raw) == escaped


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        pytest.param("https://example.org/a", True, id="https"),
        pytest.param("http://example.org/a", True, id="http"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("JaVaScRiPt:alert(1)", False, id="javascript-case"),
        pytest.param("data:text/html,<script>", False, id="data"),
        pytest.param("urn:claim-ledger:x", False, id="urn"),
        pytest.param("//example.org/a", False, id="scheme-relative"),
        pytest.param('https://e.org/"><script>', False, id="quote"),
        pytest.param("https:///nohost", False, id="no-host"),
    ],
)
def test_only_http_and_https_become_links(url: str, safe: bool) -> None:
    """Anything but an http/https URL with a host is rendered as text."""
    assert (report.safe_url(url) is not None) == safe


# --------------------------------------------------------------------------- hostile input


class LiveContent(HTMLParser):
    """Collects whatever a browser would run or follow: scripts, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "img", "textarea", "base", "form"):
            self.live.append(f"<{tag}>")
        if tag == "style" and "head" not in self.stack:
            self.live.append("<style> outside head")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.live.append(f"{tag} {name}")
            if name.lower() in ("href", "src", "xlink:href", "action", "formaction") and value:
                if urlsplit(value.strip()).scheme.lower() not in ("", "http", "https"):
                    self.live.append(f"{tag} {name}={value}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_hostile_claim_text_is_never_live(tmp_path: Path, fmt: str) -> None:
    """<script>, javascript: URLs, attribute break-outs and </svg> in claims stay text."""
    paths = report.render(hostile_store(), out_dir=tmp_path, fmt=fmt)
    assert len([p for p in paths if p.parent.name == "claims" and p.suffix == f".{fmt}"]) == 2
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".html", ".svg"):
            parser = LiveContent()
            parser.feed(text)
            assert parser.live == [], f"{path.name}: {parser.live}"
            assert text.count("<svg") == text.count("</svg>"), path.name
        else:
            assert "<" not in text, path.name
            assert not re.search(r"(?<!\\)\]\((javascript|data):", text, re.IGNORECASE)
    claim = next(p for p in paths if p.name.startswith("claim-") and p.suffix == f".{fmt}")
    text = claim.read_text(encoding="utf-8")
    if fmt == "html":
        plain = Page(text).plain
        assert "<script>alert('statement')</script>" in plain
        assert "</svg><script>alert('speaker')</script>" in plain
        assert "<script>alert('rating')</script>" in plain
        assert "javascript:alert('review')" in plain
    else:
        assert "&lt;script&gt;alert('statement')&lt;/script&gt;" in text


# --------------------------------------------------------------------------- analysis and ledger


@dataclass(frozen=True)
class _Pair:
    claim_a: str
    claim_b: str
    independent: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Graded:
    claim: str
    grade: str
    reasons: tuple[str, ...]


@pytest.fixture
def fake_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for ledger.analysis.compare with one corroboration, one conflict and a grade."""
    module = types.ModuleType("ledger.analysis.compare")
    module.find_conflicts = lambda s: [  # type: ignore[attr-defined]
        _Pair(SOHR_SUNDAY, SOHR_10000, False, ("<b>made-up</b> conflict for the test",))
    ]
    module.find_corroborations = lambda s: [  # type: ignore[attr-defined]
        _Pair(SOHR_SAKHOUR, STATE_SAKHOUR, True, ("same figure, opposed sides",))
    ]
    module.grade_claims = lambda s: [  # type: ignore[attr-defined]
        _Graded(SOHR_SAKHOUR, "2 — probably true", ("independently corroborated",))
    ]
    monkeypatch.setattr(report, "compare", module)


@pytest.mark.usefixtures("fake_analysis")
def test_relations_grades_and_source_record_are_shown(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """Conflicts and corroborations appear with independence and reasons; grades with reasons."""
    paths = report.render(example_store, out_dir=tmp_path)
    overview = Page((tmp_path / "index.html").read_text(encoding="utf-8")).plain
    assert "1 conflict, 1 corroboration" in overview
    assert "<b>made-up</b> conflict for the test" in overview
    claim = Page(_claim_page(tmp_path, paths, SOHR_SAKHOUR)).plain
    assert "corroboration" in claim and "independent sources" in claim
    assert "2 — probably true" in claim and "independently corroborated" in claim
    sohr = next(p for p in paths if p.parent.name == "sources" and p.name.startswith("sohr-"))
    record = Page(sohr.read_text(encoding="utf-8")).plain
    assert "1 independently corroborated (1 corroborated at all)" in record
    assert "2 contradicted (0 by an independent source)" in record


def test_missing_analysis_is_said_not_hidden(example_store: ox.Store, tmp_path: Path) -> None:
    """Without ledger.analysis.compare the pages say that nothing was computed."""
    if report.analyse(example_store).available:
        pytest.skip("ledger.analysis.compare is installed")
    report.render(example_store, out_dir=tmp_path)
    assert "Not computed" in (tmp_path / "index.html").read_text(encoding="utf-8")


def _ledger_with_example(tmp_path: Path) -> tuple[store.Ledger, str]:
    """A real ledger holding the example case, with one claim retracted and one reviewed."""
    book = store.init(tmp_path / "ledger")
    batch = load_paths([Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"])
    book.append([*batch.quads, *document_quads(batch)], author="tester", message="add", kind="add")
    retraction = ox.NamedNode("urn:claim-ledger:retraction:test")
    when = ox.Literal("2024-02-01T10:00:00Z", datatype=ox.NamedNode(vocab.XSD_IRI + "dateTime"))
    target = ox.NamedNode(STATE_SAKHOUR)
    book.append(
        [
            ox.Quad(
                retraction, ox.NamedNode(vocab.RDF_TYPE), ox.NamedNode(report.CL + "Retraction")
            ),
            ox.Quad(retraction, ox.NamedNode(report.CL + "invalidates"), target),
            ox.Quad(retraction, ox.NamedNode(report.CL + "reason"), ox.Literal("wrong source")),
            ox.Quad(retraction, ox.NamedNode(report.CL + "author"), ox.Literal("checker")),
            ox.Quad(retraction, ox.NamedNode(vocab.PROV_IRI + "generatedAtTime"), when),
            ox.Quad(target, ox.NamedNode(vocab.PROV_IRI + "invalidatedAtTime"), when),
        ],
        author="checker",
        message="wrong source",
        kind="retract",
    )
    return book, STATE_SAKHOUR


def test_ledger_entry_hash_verification_and_retraction(tmp_path: Path) -> None:
    """From a ledger: each claim's entry and hash, the chain's status, the retraction."""
    book, retracted = _ledger_with_example(tmp_path)
    info = report.collect_ledger_info(book)
    assert info.verification.ok
    assert info.entries[SOHR_10000].seq == 1
    assert info.entries["urn:claim-ledger:retraction:test"].seq == 2
    with book.index() as index:
        assert index.store is not None
        paths = report.render(index.store, out_dir=tmp_path / "out", ledger_info=info)
    claim = Page(_claim_page(tmp_path, paths, retracted)).plain
    assert "Retracted on 2024-02-01T10:00:00Z by checker: “wrong source”" in claim
    assert info.entries[retracted].hash in claim and "chain verified" in claim
    overview = Page((tmp_path / "out" / "index.html").read_text(encoding="utf-8")).plain
    assert "retracted" in overview


def test_ledger_info_by_hand_is_rendered_and_a_failed_chain_is_loud(
    example_store: ox.Store, tmp_path: Path
) -> None:
    """A LedgerInfo whose verification failed says so on every page."""
    info = report.LedgerInfo(
        ledger_id="urn:claim-ledger:00000000-0000-0000-0000-000000000000",
        verification=report.Verification(
            ok=False,
            summary="verification failed: entry 2: hash mismatch",
            checked_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        ),
        entries={
            SOHR_10000: report.EntryRef(
                1, "sha256:" + "ab" * 32, dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "add", "me", "m"
            )
        },
    )
    paths = report.render(example_store, out_dir=tmp_path, ledger_info=info)
    claim = Page(_claim_page(tmp_path, paths, SOHR_10000)).plain
    assert "sha256:" + "ab" * 32 in claim
    assert "chain verification failed" in claim and "hash mismatch" in claim


def test_report_of_a_ledger_built_by_the_ledger_commands(tmp_path: Path) -> None:
    """add, supersede, retract through ledger.api: content-derived IRIs, history both ways."""
    book = store.init(tmp_path / "ledger")
    example = Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"
    api.add(book, [example], author="encoder", message="the example case")
    data = yaml.safe_load((example / "claims.yaml").read_text(encoding="utf-8"))
    old = next(c for c in data["@graph"] if c["id"].endswith("/sohr-about-10000-fled"))
    fixed = dict(old, id=old["id"] + "-v2", statement="About 10,000 civilians fled in 24 hours.")
    correction = tmp_path / "fix.yaml"
    correction.write_text(
        yaml.safe_dump({"@context": data["@context"], "@graph": [fixed]}, allow_unicode=True),
        encoding="utf-8",
    )
    api.supersede(
        book, "sohr-about-10000-fled", [correction], reason="clearer wording", author="checker"
    )
    api.retract(book, "state-media-less-than-1km-from-sakhour", reason="double", author="checker")
    info = report.collect_ledger_info(book)
    with book.index() as index:
        assert index.store is not None
        paths = report.render(index.store, out_dir=tmp_path / "out", ledger_info=info)
    assert len([p for p in paths if p.parent.name == "claims"]) == 42
    old_page = Page(_claim_page(tmp_path, paths, SOHR_10000)).plain
    assert "Superseded on" in old_page and "“clearer wording”" in old_page
    assert "Replaced by About 10,000 civilians fled in 24 hours." in old_page
    assert "1 (add" in old_page
    new_page = Page(_claim_page(tmp_path, paths, SOHR_10000 + "-v2")).plain
    assert "Supersedes About 10,000 civilians have fled" in new_page
    assert "2 (supersede" in new_page
    retracted = Page(_claim_page(tmp_path, paths, STATE_SAKHOUR)).plain
    assert "Retracted on" in retracted and "“double”" in retracted
    overview = Page((tmp_path / "out" / "index.html").read_text(encoding="utf-8")).plain
    assert overview.count("superseded") >= 1 and overview.count("retracted") >= 1


# --------------------------------------------------------------------------- findings first


@dataclass(frozen=True)
class _Credibility:
    claim: str
    grade: str
    credibility: int
    reasons: tuple[str, ...]


@pytest.fixture
def graded_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in analysis with a conflict, a scope warning and graded claims (1, 2, 4, 5)."""
    module = types.ModuleType("ledger.analysis.compare")
    module.find_conflicts = lambda s: [  # type: ignore[attr-defined]
        _Pair(SOHR_SUNDAY, SOHR_10000, True, ("conflict for the test",))
    ]
    module.find_corroborations = lambda s: [  # type: ignore[attr-defined]
        _Pair(SOHR_SAKHOUR, STATE_SAKHOUR, True, ("same figure",))
    ]
    module.find_scope_warnings = lambda s: [  # type: ignore[attr-defined]
        _Pair(SOHR_10000, STATE_SAKHOUR, True, ("scope warning for the test",))
    ]
    module.grade_claims = lambda s: [  # type: ignore[attr-defined]
        _Credibility(SOHR_SAKHOUR, "probably true", 2, ()),
        _Credibility(STATE_SAKHOUR, "confirmed", 1, ()),
        _Credibility(SOHR_SUNDAY, "doubtful", 4, ()),
        _Credibility(SOHR_10000, "improbable", 5, ()),
    ]
    monkeypatch.setattr(report, "compare", module)


def _section_ids(page: str) -> list[str]:
    return re.findall(r'<section id="([a-z-]+)"', page)


@pytest.mark.usefixtures("graded_analysis")
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_overview_puts_findings_first(example_store: ox.Store, tmp_path: Path, fmt: str) -> None:
    """Conflicts, then scope warnings, then the weakest and the best-supported claims, then the
    rest: each list in order of grade."""
    report.render(example_store, out_dir=tmp_path, fmt=fmt)
    page = (tmp_path / f"index.{fmt}").read_text(encoding="utf-8")
    if fmt == "html":
        ids = _section_ids(page)
        order = ["conflicts", "scope-warnings", "weakest", "best-supported", "claims"]
        assert [i for i in ids if i in order] == order
        raw = dict(re.findall(r'<section id="([a-z-]+)">(.*?)</section>', page, re.S))
        sections = {name: Page(body).plain + body for name, body in raw.items()}
    else:
        parts = re.split(r"^## (.+)$", page, flags=re.MULTILINE)
        headings = parts[1::2]
        assert headings[:5] == [
            "Conflicts",
            "Scope warnings",
            "Weakest claims",
            "Best-supported claims",
            "Other claims",
        ]
        names = ["conflicts", "scope-warnings", "weakest", "best-supported", "claims"]
        sections = dict(zip(names, parts[2::2], strict=False))
    assert "scope warning for the test" in sections["scope-warnings"]
    weakest = sections["weakest"]
    assert weakest.index("About 10,000 civilians") < weakest.index("Jabal Badro")
    best = sections["best-supported"]
    assert best.index("(state media)") < best.index("(SOHR)")
    rest = sections["claims"]
    for listed in (SOHR_SUNDAY, SOHR_10000, SOHR_SAKHOUR, STATE_SAKHOUR):
        assert f"claims/{listed.rsplit('/', 1)[1]}-" not in rest
    assert "claims/lead-thousands-fleeing-" in rest


def test_scope_warnings_hook_is_named_when_missing(
    example_store: ox.Store, tmp_path: Path, fake_analysis: None
) -> None:
    """An analysis without find_scope_warnings: the overview says they were not computed."""
    report.render(example_store, out_dir=tmp_path)
    text = Page((tmp_path / "index.html").read_text(encoding="utf-8")).plain
    assert "Not computed: this version of the analysis has no scope warnings" in text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_document_page_marks_every_quote(example_store: ox.Store, tmp_path: Path, fmt: str) -> None:
    """A page per document: its text with every quote marked and numbered, each number linked
    to its claim page, which exists; the overview links the page."""
    paths = report.render(example_store, out_dir=tmp_path, fmt=fmt)
    docs = [p for p in paths if p.parent.name == "documents"]
    assert len(docs) == 1
    page = docs[0].read_text(encoding="utf-8")
    book = report.read_casebook(example_store)
    doc_iri = next(iter(book.documents))
    segments, order = report.document_segments(book, doc_iri)
    assert len(order) >= 30  # nearly every claim of the case quotes the article
    if fmt == "html":
        parsed = Page(page)
        marks = [t for t, _ in parsed.tags if t == "mark"]
        assert len(marks) == sum(1 for s in segments if s.claims)
        links = {h for h in parsed.hrefs if h.startswith("../claims/")}
        assert len(links) == len(order)
        for href in links:
            assert (docs[0].parent / unquote(href)).resolve().is_file()
    else:
        text = page[page.index("## Text") : page.index("## Claims quoting it")]
        assert text.count("**") == 2 * sum(1 for s in segments if s.claims)
        assert all(f"[{n}]" in page for n in range(1, len(order) + 1))
    overview = (tmp_path / f"index.{fmt}").read_text(encoding="utf-8")
    assert f"documents/{docs[0].name}" in overview


def test_site_and_report_share_the_document_macro() -> None:
    """The serve site's document page and the report's use the same macro, not a copy."""
    from ledger import resources

    folder = resources.templates_dir()
    for name in ("document.html.j2", "site/document.html.j2"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "m.document_text(doc, segments, numbers)" in text
        assert "<mark" not in text


@pytest.mark.parametrize(
    ("lower", "upper", "label"),
    [
        ("2000", "999999", "at least 2,000 people"),
        ("20000", "999999", "at least 20,000 people"),
        ("2000", "9999999", "at least 2,000 people"),
        ("2000", "9999", "2,000–9,999 people"),
        ("9000", "11000", "9,000–11,000 people"),
        (None, "999999", "at most 999,999 people"),
    ],
)
def test_open_upper_bound_reads_at_least(lower: str | None, upper: str, label: str) -> None:
    """'thousands' (2,000 to 999,999 in the claim file) reads "at least 2,000 people"."""
    quantity = report.Quantity(
        (), None, lower, upper, None, "https://w3id.org/claim-ledger/ns#person"
    )
    assert quantity.bounds_label == label


def test_thousands_in_the_example_reads_at_least(example_store: ox.Store, tmp_path: Path) -> None:
    """The example's "tusenvis" claim page says "at least 2,000", never "999,999"."""
    paths = report.render(example_store, out_dir=tmp_path)
    page = Page(_claim_page(tmp_path, paths, CASE + "claim/shia-fighters-thousands")).plain
    assert "at least 2,000" in page
    assert "999,999" not in page


def test_report_as_of_an_entry(tmp_path: Path) -> None:
    """`report --as-of 1` shows the ledger before the retraction in entry 2, and says so."""
    from click.testing import CliRunner

    from ledger.cli import main

    book = store.init(tmp_path / "ledger")
    example = Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"
    api.add(book, [example], author="encoder", message="the example case", check=False)
    api.retract(book, "state-media-less-than-1km-from-sakhour", reason="double", author="checker")
    runner = CliRunner()
    for as_of, status in (("1", "current"), ("2", "retracted")):
        out = tmp_path / f"out-{as_of}"
        result = runner.invoke(
            main, ["--ledger", str(book.path), "report", "--out", str(out), "--as-of", as_of]
        )
        assert result.exit_code == 0, result.stderr
        claim = next((out / "claims").glob("state-media-less-than-1km-from-sakhour-*.html"))
        text = Page(claim.read_text(encoding="utf-8")).plain
        assert ("Retracted on" in text) == (status == "retracted")
        overview = Page((out / "index.html").read_text(encoding="utf-8")).plain
        assert f"As of entry {as_of}" in overview
    result = runner.invoke(
        main, ["--ledger", str(book.path), "report", "--out", str(tmp_path / "x"), "--as-of", "9"]
    )
    assert result.exit_code == 2 and "no entry 9" in result.stderr


#: The footer says when the report verified the chain, to the minute: the one text that may
#: differ between two runs.
_CHECKED = re.compile(rb"checked \d{4}-\d\d-\d\d \d\d:\d\d UTC")


def test_the_report_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Runs of `report` with different PYTHONHASHSEED write the same files, but for the minute
    the chain was verified (the best-supported and weakest claims were once in a set's order)."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    work = tmp_path / "work"
    work.mkdir()
    cli = [sys.executable, "-m", "ledger"]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    subprocess.run(
        [*cli, "run", str(repo / "claims" / "aleppo-2016-11"), "--out", "first/"],
        cwd=work, env=env, check=True, capture_output=True,
    )  # fmt: skip
    outputs = []
    for seed in ("1", "2", "3"):
        subprocess.run(
            [*cli, "report", "--out", f"seed{seed}/"],
            cwd=work, env={**env, "PYTHONHASHSEED": seed}, check=True, capture_output=True,
        )  # fmt: skip
        folder = work / f"seed{seed}"
        outputs.append({
            p.relative_to(folder): _CHECKED.sub(b"checked (the minute of the run)", p.read_bytes())
            for p in folder.rglob("*") if p.is_file()
        })  # fmt: skip
    assert outputs[0]
    for other in outputs[1:]:
        differ = sorted(str(k) for k in outputs[0].keys() | other.keys()
                        if outputs[0].get(k) != other.get(k))  # fmt: skip
        assert not differ, f"files that differ between hash seeds: {differ}"
