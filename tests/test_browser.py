"""The HTML report in a real browser: headless Chromium opens it from disk at 1280 and 375 px.

Needs the Debian packages ``chromium`` and ``chromium-driver`` and the PyPI package ``selenium``;
skips, saying which is missing, without them. Selenium drives /usr/bin/chromedriver given
explicitly, so Selenium Manager never downloads anything. Screenshots are written under the
test's tmp_path and copied to tests/artifacts/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pyoxigraph as ox
import pytest
from helpers.chromium import (
    CHROMEDRIVER,
    CHROMIUM,
    MISSING,
    console_errors,
    headless_chromium,
    set_width,
)

from ledger.intake.load import document_quads, load_paths
from ledger.publish import report

EXAMPLE = Path(__file__).resolve().parent.parent / "claims" / "aleppo-2016-11"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIDTHS = (1280, 375)

if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(MISSING, allow_module_level=True)
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install selenium)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case rendered as HTML."""
    batch = load_paths([EXAMPLE])
    graph = ox.Store()
    graph.extend(batch.quads)
    graph.extend(document_quads(batch))
    out = tmp_path_factory.mktemp("report")
    report.render(graph, out_dir=out)
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with no network services, a throw-away profile, console logging."""
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


_LINKS = """
return Array.from(document.querySelectorAll('a')).map(
  a => a.getAttribute('href') || a.getAttribute('xlink:href')).filter(h => h !== null);
"""


def _screenshot(driver: Any, path: Path, width: int) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 12000), "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_claim_is_reachable_and_no_link_is_broken(
    browser: Any, site: Path, width: int
) -> None:
    """From index.html every page loads without console errors and every link resolves."""
    set_width(browser, width)
    browser.get_log("browser")  # drop what came before
    todo = [(site / "index.html").resolve().as_uri()]
    visited: dict[str, set[str]] = {}  # page URL → its element ids
    fragments: list[tuple[str, str, str]] = []  # (from, page, fragment)
    while todo:
        url = todo.pop()
        if url in visited:
            continue
        browser.get(url)
        assert console_errors(browser) == [], url
        visited[url] = set(
            browser.execute_script(
                "return Array.from(document.querySelectorAll('[id]')).map(e => e.id)"
            )
        )
        for href in browser.execute_script(_LINKS):
            target, fragment = urldefrag(
                browser.execute_script("return new URL(arguments[0], document.baseURI).href", href)
            )
            scheme = urlsplit(target).scheme
            if scheme in ("http", "https"):
                continue  # identifiers on the web: never fetched by a test
            assert scheme == "file", f"{url}: link {href!r}"
            assert Path(unquote(urlsplit(target).path)).is_file(), f"{url}: broken link {href!r}"
            if fragment:
                fragments.append((url, target, fragment))
            todo.append(target)
    for source, page, fragment in fragments:
        assert fragment in visited[page], f"{source}: no #{fragment} in {page}"
    claim_pages = {p.resolve().as_uri() for p in (site / "claims").glob("*.html")}
    assert len(claim_pages) == 41
    assert claim_pages <= set(visited)


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_and_are_kept_as_screenshots(
    browser: Any, site: Path, tmp_path: Path, width: int
) -> None:
    """Overview, a claim, a source and a document page never scroll sideways as a whole."""
    claim = next((site / "claims").glob("sohr-about-10000-fled-*.html"))
    source = next((site / "sources").glob("sohr-*.html"))
    document = next((site / "documents").glob("*.html"))
    set_width(browser, width)
    pages = (("overview", site / "index.html"), ("claim", claim), ("source", source))
    for name, page in (*pages, ("document", document)):
        browser.get(page.resolve().as_uri())
        assert console_errors(browser) == []
        overflow = browser.execute_script("return document.documentElement.scrollWidth")
        assert overflow <= width, f"{name} is {overflow} px wide at {width} px"
        _screenshot(browser, tmp_path / f"report-{name}-{width}.png", width)


def test_print_hides_navigation_and_keeps_diagrams(
    browser: Any, site: Path, tmp_path: Path
) -> None:
    """With print media the navigation is hidden and the network fits the page; a PDF is kept."""
    set_width(browser, 1280)
    browser.get((site / "index.html").resolve().as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return getComputedStyle(document.querySelector('header.site')).display"
        )
        assert hidden == "none"
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    path = tmp_path / "report-overview.pdf"
    path.write_bytes(base64.b64decode(pdf["data"]))
    assert path.read_bytes().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)
