"""``claim-ledger serve`` in a real browser: headless Chromium at 1280 and 375 px.

The real command runs on a free 127.0.0.1 port (``helpers.serve_site.running_site``). Needs the
Debian packages ``chromium`` and ``chromium-driver`` and the PyPI package ``selenium``; skips,
saying which is missing, without them (as ``test_browser.py`` does). Screenshots go to the
test's tmp_path and are copied to tests/artifacts/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag, urlsplit

import pytest
from helpers.chromium import (
    CHROMEDRIVER,
    CHROMIUM,
    MISSING,
    console_errors,
    headless_chromium,
    set_width,
)
from helpers.serve_site import EXAMPLE, SCRIPT_STATEMENT, hostile_case, running_site

from ledger import api
from ledger.chain import store

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIDTHS = (1280, 375)

if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(MISSING, allow_module_level=True)
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install selenium)"
)
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402 - after the skip
from selenium.webdriver.common.by import By  # noqa: E402 - after the skip
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402 - after the skip


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example case's ledger served by the real command."""
    folder = tmp_path_factory.mktemp("serve-browser")
    api.add(store.init(folder / "ledger"), [EXAMPLE], author="encoder", message="example")
    with running_site(folder / "ledger") as address:
        yield address


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with no network services, a throw-away profile, console logging."""
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _screenshot(driver: Any, path: Path, width: int, *, full: bool = True) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": full,
            "clip": {
                "x": 0,
                "y": 0,
                "width": width,
                "height": min(height, 12000) if full else 900,
                "scale": 1,
            },
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)


# SVG links (the diagrams') have an href attribute but no string href property
_LINKS = """
return Array.from(document.querySelectorAll('a'))
  .map(a => a.getAttribute('href') || a.getAttribute('xlink:href'))
  .filter(h => h !== null)
  .map(h => new URL(h, document.baseURI).href);
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_loads_fits_and_breaks_no_link(browser: Any, url: str, width: int) -> None:
    """From the overview, every page of the site (no query string) loads without a console
    error or CSP violation, is no wider than the screen, and every link on it resolves."""
    set_width(browser, width)
    browser.get_log("browser")
    origin = urlsplit(url).netloc
    todo, visited = [url], set()
    while todo:
        page = todo.pop()
        if page in visited:
            continue
        visited.add(page)
        browser.get(page)
        assert console_errors(browser) == [], page
        assert "Not found" not in browser.title, page
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{page} is {wide} px wide at {width} px"
        for href in browser.execute_script(_LINKS):
            target, _fragment = urldefrag(href)
            parts = urlsplit(target)
            if parts.scheme in ("http", "https") and parts.netloc != origin:
                continue  # identifiers on the web: never fetched by a test
            assert parts.netloc == origin, f"{page}: link {href!r}"
            if not parts.query:
                todo.append(target)
    claim_pages = {p for p in visited if urlsplit(p).path.startswith("/claims/")}
    assert len(claim_pages) == 41
    assert any(urlsplit(p).path.startswith("/documents/") for p in visited)
    assert len({p for p in visited if urlsplit(p).path.startswith("/sources/")}) == 13


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_with_facets_fit_the_screen_and_are_kept_as_screenshots(
    browser: Any, url: str, tmp_path: Path, width: int
) -> None:
    """Overview, faceted lists, a claim and the document never scroll sideways as a whole;
    the stylesheet (by URL, under the CSP) is applied."""
    set_width(browser, width)
    browser.get(url + "claims.json")
    claim = next(r["url"] for r in _json(browser)["rows"] if r["id"] == "sohr-about-10000-fled")
    browser.get(url + "documents.json")
    document = _json(browser)["rows"][0]["url"]
    pages = {
        "overview": "",
        "corroborations": "corroborations?kind=independent",
        "claims": "claims?source=sohr&q=districts",
        "claim": claim.lstrip("/"),
        "document": document.lstrip("/"),
        "sparql": "sparql",
    }
    browser.get_log("browser")
    for name, path in pages.items():
        browser.get(url + path)
        assert console_errors(browser) == [], name
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width} px"
        accent = browser.execute_script(
            "return getComputedStyle(document.querySelector('header.site a')).color"
        )
        assert accent == "rgb(29, 78, 216)", f"{name}: the stylesheet was not applied"
        _screenshot(browser, tmp_path / f"serve-{name}-{width}.png", width)
    browser.get(url)
    _screenshot(browser, tmp_path / f"serve-top-{width}.png", width, full=False)


def _json(browser: Any) -> Any:
    import json

    return json.loads(browser.find_element(By.TAG_NAME, "body").text)


def _arrived(browser: Any, words: str) -> None:
    """Wait until the browser has followed a link or a form to a URL with ``words``, loaded."""
    WebDriverWait(browser, 20).until(
        lambda driver: (
            words in driver.current_url
            and driver.execute_script("return document.readyState") == "complete"
        )
    )


def test_search_and_facets_work_without_script(browser: Any, url: str) -> None:
    """The search box submits by GET; a facet link narrows the list; its twin link clears it."""
    set_width(browser, 1280)
    browser.get(url)
    box = browser.find_element(By.ID, "site-q")
    box.send_keys("districts")
    box.submit()
    _arrived(browser, "q=districts")
    assert urlsplit(browser.current_url).path == "/claims"
    assert "q=districts" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert rows and all("district" in row.text.lower() for row in rows)
    before = len(rows)
    browser.find_element(
        By.XPATH, "//details/summary[starts-with(normalize-space(), 'source')]"
    ).click()
    browser.find_element(By.XPATH, "//details//a[contains(@href, 'source=sohr')]").click()
    _arrived(browser, "source=sohr")
    narrowed = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert 0 < len(narrowed) < before


def test_hostile_text_runs_no_script_in_the_browser(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A claim whose text is a script shows it as text: no alert, no console error."""
    folder = tmp_path_factory.mktemp("serve-hostile")
    case = hostile_case(folder)
    api.add(store.init(folder / "ledger"), [case], author="encoder", message="hostile")
    with running_site(folder / "ledger") as address:
        browser.get(address + "claims.json?q=" + quote("alert('statement')"))
        (row,) = _json(browser)["rows"]
        browser.get_log("browser")
        for path in (row["url"], "/claims?q=alert", "/conflicts", "/documents", "/sources"):
            browser.get(address + path.lstrip("/"))
            with pytest.raises(NoAlertPresentException):
                browser.switch_to.alert.text  # noqa: B018 - raises when there is no alert
            assert console_errors(browser) == [], path
        browser.get(address + row["url"].lstrip("/"))
        assert SCRIPT_STATEMENT in browser.find_element(By.TAG_NAME, "h1").text
