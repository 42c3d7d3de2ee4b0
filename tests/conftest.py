"""Shared fixtures: paths to the example case, the test data and the W3C/RFC test suites."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import backends
from oxigraph_server import ServerPool, oxigraph_executable
from virtuoso_server import VirtuosoServer, missing_reason

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


# --- ledger backends ----------------------------------------------------------------------------

BACKENDS = ["embedded", "oxigraph", "virtuoso"]
#: the SPARQL servers every remote-ledger test runs on
SERVERS = ["oxigraph", "virtuoso"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "embedded_only(reason): a ledger test that has no meaning on a SPARQL server (it is "
        "about local files); the reason says why, and the README lists it among the differences",
    )


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Replicas of remote ledgers (ledger.chain.replica) go to a folder of the run, never
    ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLAIM_LEDGER_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def oxigraph_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    """Oxigraph servers on free 127.0.0.1 ports, started on demand, shared by the whole run."""
    servers = ServerPool(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield servers
    finally:
        servers.stop_all()


@pytest.fixture(scope="session")
def virtuoso_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    """Virtuoso servers on free 127.0.0.1 ports, each with its own temporary database."""
    servers = ServerPool(tmp_path_factory.mktemp("virtuoso"), VirtuosoServer)
    try:
        yield servers
    finally:
        servers.stop_all()


def server_pool(request: pytest.FixtureRequest, name: str) -> ServerPool:
    """The pool of ``name`` servers ("oxigraph" or "virtuoso"); skips, saying why, without it."""
    if name == "oxigraph" and oxigraph_executable() is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    if name == "virtuoso" and missing_reason() is not None:
        pytest.skip(str(missing_reason()))
    pool: ServerPool = request.getfixturevalue(f"{name}_pool")
    return pool


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[backends.Embedded | backends.Remote]:
    """Makes empty ledgers of one backend: a directory, or the dataset of an Oxigraph or a
    Virtuoso server."""
    if request.param == "embedded":
        yield backends.Embedded(tmp_path)
        return
    remote_backend = backends.Remote(server_pool(request, request.param), request.param)
    try:
        yield remote_backend
    finally:
        remote_backend.recycle()
