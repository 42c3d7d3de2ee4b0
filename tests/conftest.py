"""Shared fixtures: paths to the example case, the test data and the W3C/RFC test suites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"


def testsuites_dir() -> Path | None:
    """The shared test suites, read in place; ``CLAIM_LEDGER_TESTSUITES`` overrides the path."""
    override = os.environ.get("CLAIM_LEDGER_TESTSUITES")
    path = Path(override) if override else ROOT.parent / "shared" / "testsuites"
    return path if path.is_dir() else None


def require_testsuite(name: str) -> Path:
    """The named suite's folder, or skip the test saying where it was looked for."""
    base = testsuites_dir()
    if base is None or not (base / name).is_dir():
        where = base or ROOT.parent / "shared" / "testsuites"
        pytest.skip(
            f"test suite {name!r} not found under {where}; "
            "set CLAIM_LEDGER_TESTSUITES to the folder that holds it"
        )
    return base / name


@pytest.fixture
def example_case() -> Path:
    return EXAMPLE


@pytest.fixture
def data_dir() -> Path:
    return DATA
