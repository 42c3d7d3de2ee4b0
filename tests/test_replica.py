"""The local replica of a ledger on a server (ledger.chain.replica), which serves its analysis.

Most tests stand a plain embedded ledger in for the server (the replica only needs a ledger's
id, URL, size, entries and entry hashes), so that a server's history can be rewritten at will;
the last ones use a real Oxigraph server through ``api``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers.synthetic_claims import claims
from oxigraph_server import OxigraphServer, ServerPool, oxigraph_executable

from ledger import api
from ledger.chain import entry, remote, replica, store
from ledger.chain.canon import sha256_hex
from ledger.errors import LedgerStateError

EX = "https://example.org/claims/"


class StandIn:
    """An embedded ledger posing as a server: what ``replica.replica`` reads, counted."""

    def __init__(self, ledger: store.Ledger, url: str = "http://127.0.0.1:1/ledger") -> None:
        self.ledger = ledger
        self.id = ledger.id
        self.url = url
        self.location = url
        self.reads: list[int] = []
        self.tampered: dict[int, bytes] = {}

    def size(self) -> int:
        return self.ledger.size()

    def read_entry(self, seq: int) -> bytes:
        self.reads.append(seq)
        return self.tampered.get(seq) or self.ledger.read_entry(seq)

    def entry_hash(self, seq: int) -> str | None:
        return entry.HASH_PREFIX + sha256_hex(self.ledger.read_entry(seq))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAIM_LEDGER_CACHE", str(folder))
    return folder


def _ledger(path: Path, entries: int, ledger_id: str | None = None) -> store.Ledger:
    book = store.init(path, ledger_id=ledger_id)
    for batch in range(entries):
        book.append(claims(2, batch), author="tester", message=str(batch), kind="add")
    return book


def _entries(book: store.Ledger) -> list[bytes]:
    return [book.read_entry(seq) for seq in range(1, book.size() + 1)]


def test_the_replica_holds_the_servers_entries_byte_for_byte(cache: Path, tmp_path: Path) -> None:
    server = StandIn(_ledger(tmp_path / "server", 3))
    local = replica.replica(server)
    assert local.path.is_relative_to(cache)
    assert local.id == server.id
    assert _entries(local) == _entries(server.ledger)
    assert local.verify().ok


def test_only_new_entries_are_read_again(cache: Path, tmp_path: Path) -> None:
    server = StandIn(_ledger(tmp_path / "server", 2))
    replica.replica(server)
    server.ledger.append(claims(1, 9), author="tester", message="more", kind="add")
    server.reads.clear()
    local = replica.replica(server)
    assert server.reads == [3]
    assert _entries(local) == _entries(server.ledger)


def test_a_rewritten_server_history_rebuilds_the_replica(cache: Path, tmp_path: Path) -> None:
    first = _ledger(tmp_path / "first", 3)
    replica.replica(StandIn(first))
    # the same ledger id at the same URL, another history (a server reset and refilled)
    second = _ledger(tmp_path / "second", 2, ledger_id=first.id)
    second.append(claims(3, 7), author="someone else", message="other", kind="add")
    local = replica.replica(StandIn(second))
    assert _entries(local) == _entries(second) != _entries(first)
    # and a server holding fewer entries than the replica (a rollback)
    shorter = _ledger(tmp_path / "shorter", 1, ledger_id=first.id)
    assert _entries(replica.replica(StandIn(shorter))) == _entries(shorter)


def test_a_tampered_entry_from_the_server_is_refused(cache: Path, tmp_path: Path) -> None:
    server = StandIn(_ledger(tmp_path / "server", 3))
    data = server.ledger.read_entry(2)
    server.tampered[2] = re.sub(
        rb'(previousEntryHash> "sha256:)[0-9a-f]{64}', rb"\g<1>" + b"0" * 64, data
    )
    assert server.tampered[2] != data
    with pytest.raises(LedgerStateError, match="previous hash"):
        replica.replica(server)
    local = store.open(replica.replica_path(server))
    assert local.size() == 1  # the entries before the bad one, verified


def test_each_server_and_ledger_has_its_own_replica(cache: Path, tmp_path: Path) -> None:
    book = _ledger(tmp_path / "server", 1)
    other = _ledger(tmp_path / "other", 1)
    paths = {
        replica.replica_path(StandIn(book)),
        replica.replica_path(StandIn(book, url="http://127.0.0.1:2/ledger")),
        replica.replica_path(StandIn(other)),
    }
    assert len(paths) == 3


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIM_LEDGER_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert replica.cache_root() == Path("/somewhere/cache/claim-ledger")
    monkeypatch.setenv("CLAIM_LEDGER_CACHE", "/elsewhere")
    assert replica.cache_root() == Path("/elsewhere")


# --- through api, on a real server -----------------------------------------------------------


@pytest.fixture
def server(oxigraph_pool: ServerPool) -> Iterator[Callable[[], OxigraphServer]]:
    if oxigraph_executable() is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    try:
        yield oxigraph_pool.acquire
    finally:
        oxigraph_pool.release_all()


def _claims_in(store_: ox.Store) -> set[str]:
    rows = store_.query(f"SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?c a <{EX}Claim> }} }}")
    return {row["c"].value for row in rows}  # type: ignore[union-attr, index]


def test_analysis_of_a_remote_ledger_reads_its_replica(
    cache: Path, server: Callable[[], OxigraphServer]
) -> None:
    far = remote.remote_init(server().url)
    far.append(claims(2, 0), author="tester", message="0", kind="add")
    with api.analysis_store(far) as (first, index):
        assert index.indexed_through == 1
        before = _claims_in(first)
    far.append(claims(2, 1), author="tester", message="1", kind="add")
    with api.analysis_store(far) as (second, index):
        assert index.indexed_through == 2
        after = _claims_in(second)
    assert before < after and len(after) == 4
    local = store.open(replica.replica_path(far))
    assert [local.read_entry(s) for s in (1, 2)] == [far.read_entry(s) for s in (1, 2)]


def test_without_a_writable_cache_the_analysis_copies_the_ledger_into_memory(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    server: Callable[[], OxigraphServer],
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CLAIM_LEDGER_CACHE", str(blocked))
    far = remote.remote_init(server().url)
    far.append(claims(2, 0), author="tester", message="0", kind="add")
    with caplog.at_level(logging.WARNING), api.analysis_store(far) as (copy, index):
        assert index.indexed_through == 1
        assert len(_claims_in(copy)) == 2
    assert "no local replica" in caplog.text
