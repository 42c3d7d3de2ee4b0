"""Headless Chromium for the browser tests of the report and the site.

Selenium drives the Debian chromedriver given explicitly, so Selenium Manager never downloads
anything. The test modules skip, saying what is missing, before they use this.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = "headless Chromium is not installed (apt-get install chromium chromium-driver)"


@contextmanager
def headless_chromium(profile: Path) -> Iterator[Any]:
    """Headless Chromium with no network services, a throw-away profile, console logging."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def set_width(driver: Any, width: int) -> None:
    """Lay the page out at ``width`` CSS pixels (a phone below 600)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def console_errors(driver: Any) -> list[str]:
    """Console errors, CSP violations included (Chromium logs each blocked resource)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
