"""The two ledger backends behind one interface, for tests that must hold on both.

``Embedded`` keeps ledgers in ``tmp_path`` (``ledger.chain.store``); ``Remote`` keeps each
ledger in the dataset of an Oxigraph or a Virtuoso server from a shared ``ServerPool``
(``ledger.chain.remote``), one server per ledger a test needs at the same time, emptied before
it is handed out again. Each also
offers what a test needs to reach around the ledger's own API, the way someone with write
access to the storage could: ``Tamper`` (replace, delete, renumber or swap stored entries), the
ledger's description, the writer lock held by "another process", the child process of the
reliability tests, and what a crashed writer may leave behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from oxigraph_server import (
    LEDGER_GRAPH,
    NQUADS,
    SEQUENCE,
    RemoteTamper,
    ServerPool,
    child_command,
    child_environment,
)

import ledger
from ledger.chain import remote, store

HELPERS = Path(__file__).resolve().parent
LEDGER_CHILD = HELPERS / "ledger_child.py"
REMOTE_PREFIX = "urn:claim-ledger:remote:"


class Tamper(Protocol):
    """Changes to stored entries, made without the ledger's API."""

    def stored(self, seq: int) -> bytes:
        """Entry ``seq``'s bytes, read from the storage directly."""

    def rewrite(self, seq: int, data: bytes) -> None:
        """Replace entry ``seq``'s stored bytes."""

    def delete(self, seq: int) -> None:
        """Remove entry ``seq``."""

    def renumber(self, seq: int, new_seq: int) -> None:
        """Store entry ``seq`` as entry ``new_seq`` (which must not exist)."""

    def swap(self, seq: int, other: int) -> None:
        """Exchange the places of two entries."""


class FileTamper:
    """Tampering with the entry files of an embedded ledger."""

    def __init__(self, book: store.Ledger) -> None:
        self.book = book

    def stored(self, seq: int) -> bytes:
        return self.book.entry_path(seq).read_bytes()

    def rewrite(self, seq: int, data: bytes) -> None:
        path = self.book.entry_path(seq)
        path.chmod(0o644)
        path.write_bytes(data)

    def delete(self, seq: int) -> None:
        self.book.entry_path(seq).unlink()

    def renumber(self, seq: int, new_seq: int) -> None:
        self.book.entry_path(seq).rename(self.book.entry_path(new_seq))

    def swap(self, seq: int, other: int) -> None:
        parking = self.book.entries_dir / "swap"
        self.book.entry_path(seq).rename(parking)
        self.renumber(other, seq)
        parking.rename(self.book.entry_path(other))


class ServerTamper(RemoteTamper):
    """Tampering with a remote ledger through SPARQL UPDATE on its stored entry literals."""

    def stored(self, seq: int) -> bytes:
        rows = self.server.select(
            f"SELECT ?bytes WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {SEQUENCE} {seq} ; "
            f"{NQUADS} ?bytes }} }}"
        )
        (row,) = rows
        return row["bytes"].encode("utf-8")


class Embedded:
    """Ledgers in directories under ``tmp_path``."""

    name = "embedded"
    # How verify names where an entry should be and where it was found (backend words).
    missing_detail = r"no file 00000000000{seq}\.nq; the next entry file is {next}"
    reordered_detail = r"its file name says {seq}: entries were reordered"

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path

    def new(self, *, ledger_id: str | None = None, index_on_append: bool = True) -> store.Ledger:
        """A new, empty ledger of this backend."""
        place = self.tmp_path / f"ledger-{uuid.uuid4().hex[:8]}"
        path = store.init(place, ledger_id=ledger_id).path
        return store.open(path, index_on_append=index_on_append)

    def recycle(self) -> None:
        """Let the next ``new()`` reuse storage (remote: servers); earlier ledgers are gone."""

    def location_without_ledger(self) -> str:
        return str(self.tmp_path / f"nothing-{uuid.uuid4().hex[:8]}")

    def location(self, book: Any) -> str:
        return str(book.path)

    def tamper(self, book: Any) -> Tamper:
        return FileTamper(book)

    def description(self, book: Any) -> dict[str, Any]:
        """The ledger's own description, as stored (``ledger.json``)."""
        value: dict[str, Any] = json.loads((book.path / "ledger.json").read_text())
        return value

    def set_format(self, book: Any, version: int) -> None:
        path = book.path / "ledger.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), "format": version}))

    @contextlib.contextmanager
    def writer_lock_held(self, book: Any) -> Iterator[None]:
        """The ledger's writer lock, held as another process holds it."""
        fd = os.open(book.path / "lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def leftovers(self, book: Any) -> list[str]:
        """What writers left behind that a finished writer should not: temporary files."""
        return sorted(
            name for name in os.listdir(book.entries_dir) if not re.fullmatch(r"\d{12}\.nq", name)
        )

    def child(self, mode: str, book: Any, *args: str) -> tuple[list[str], dict[str, Any]]:
        """Command line and environment of the reliability tests' child process."""
        root = str(Path(ledger.__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, str(HELPERS.parent)])}
        return [sys.executable, str(LEDGER_CHILD), mode, str(book.path), *args], env


class Remote:
    """Ledgers on SPARQL servers from a shared pool, one server (dataset) per ledger.

    name: the server, "oxigraph" or "virtuoso" (the pool's kind of server).
    """

    missing_detail = r"the server holds no entry {seq}; the next stored entry is {next}"
    reordered_detail = r"it is stored as entry {seq}: entries were reordered"

    def __init__(self, pool: ServerPool, name: str) -> None:
        self.pool = pool
        self.name = name
        self.servers: dict[str, Any] = {}

    def new(
        self, *, ledger_id: str | None = None, index_on_append: bool = True
    ) -> remote.RemoteLedger:
        del index_on_append  # the server's data is the index: nothing to defer
        server = self.pool.acquire()
        self.servers[server.url] = server
        return remote.remote_init(server.url, ledger_id=ledger_id)

    def recycle(self) -> None:
        self.pool.release_all()
        self.servers = {}

    def location_without_ledger(self) -> str:
        server = self.pool.acquire()
        self.servers[server.url] = server
        return server.url

    def location(self, book: Any) -> str:
        return str(book.url)

    def server(self, book: Any) -> Any:
        """The server (``OxigraphServer`` or ``VirtuosoServer``) that holds ``book``."""
        return self.servers[book.url]

    def tamper(self, book: Any) -> Tamper:
        return ServerTamper(self.server(book))

    def description(self, book: Any) -> dict[str, Any]:
        """The ledger's own description, as stored (the bookkeeping graph), named as embedded."""
        rows = self.server(book).select(
            f"SELECT ?p ?o WHERE {{ GRAPH {LEDGER_GRAPH} {{ {LEDGER_GRAPH} ?p ?o }} }}"
        )
        names = {"ledgerId": "id", "hashAlgorithm": "hash_algorithm"}
        found: dict[str, Any] = {}
        for row in rows:
            name = row["p"].removeprefix(REMOTE_PREFIX)
            found[names.get(name, name)] = int(row["o"]) if name == "format" else row["o"]
        return found

    def set_format(self, book: Any, version: int) -> None:
        self.server(book).update(
            f"DELETE {{ GRAPH {LEDGER_GRAPH} {{ ?s <{REMOTE_PREFIX}format> ?old }} }} "
            f"INSERT {{ GRAPH {LEDGER_GRAPH} {{ ?s <{REMOTE_PREFIX}format> {int(version)} }} }} "
            f"WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s <{REMOTE_PREFIX}format> ?old }} }}"
        )

    @contextlib.contextmanager
    def writer_lock_held(self, book: Any) -> Iterator[None]:
        """A live writer's flag from another machine, as a writer holding the lock leaves it."""
        server = self.server(book)
        flag = f"<urn:claim-ledger:writer:test-{random.randrange(10**9)}>"
        server.update(
            f"INSERT {{ GRAPH {LEDGER_GRAPH} {{ {flag} <{REMOTE_PREFIX}owner> "
            f'"another-host 1 4242" ; <{REMOTE_PREFIX}since> ?t }} }} WHERE {{ BIND(NOW() AS ?t) }}'
        )
        try:
            yield
        finally:
            server.update(f"DELETE WHERE {{ GRAPH {LEDGER_GRAPH} {{ {flag} ?p ?o }} }}")

    def leftovers(self, book: Any) -> list[str]:
        """What writers left behind that a finished writer should not: lock flags and marks."""
        rows = self.server(book).select(
            f"SELECT ?f WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?f <{REMOTE_PREFIX}owner> ?o }} }}"
        )
        return sorted(row["f"] for row in rows)

    def child(self, mode: str, book: Any, *args: str) -> tuple[list[str], dict[str, Any]]:
        return child_command(mode, str(book.url), *args), child_environment()
