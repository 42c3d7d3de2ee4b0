"""Oxigraph servers for the tests, and a child process that appends to a ledger on one.

``OxigraphServer`` runs ``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` on a free port,
waits until it answers and stops it (and dies with the test process on Linux). ``ServerPool``
hands out servers with an empty dataset, one per ledger a test needs at the same time, reusing
them across tests (``DROP ALL`` is much faster than a new server). ``RemoteTamper`` changes a
remote ledger the way someone with write access to the server could.

Run as a script, it is the child of the reliability tests::

    python oxigraph_server.py append-loop URL TAG   append until killed, "appended SEQ HASH" each
    python oxigraph_server.py append-n URL N TAG    after a line on stdin, append N batches
    python oxigraph_server.py read-loop URL         read every entry over and over until stdin
                                                    closes; fail on a partial one
    python oxigraph_server.py query-loop URL        count entries through queries until stdin
                                                    closes; fail on a partial one

Library errors are reported as the command line does: message on stderr, the error's exit code.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

LEDGER_GRAPH = "<urn:claim-ledger:ledger>"
SEQUENCE = "<urn:claim-ledger:remote:sequence>"
NQUADS = "<urn:claim-ledger:remote:nquads>"
START_TIMEOUT = 30.0


def oxigraph_executable() -> str | None:
    """The ``oxigraph`` command of this Python environment (PyPI package ``oxigraph``), if any."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: SIGTERM the server when the test process dies, so no server outlives a test run."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def post(url: str, body: str, content_type: str, *, timeout: float = 10.0) -> bytes:
    """POST ``body`` to ``url`` directly (no proxy) and return the answer."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        url,
        data=body.encode("utf-8"),
        method="POST",
        headers={"Content-Type": content_type, "Accept": "application/sparql-results+json"},
    )
    with opener.open(request, timeout=timeout) as response:
        answer: bytes = response.read()
        return answer


class OxigraphServer:
    """One ``oxigraph serve`` process storing its dataset in ``location``."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int | None = None) -> None:
        """Start the server (on ``port``, else a free one) and wait until it answers queries."""
        executable = oxigraph_executable()
        if executable is None:
            raise RuntimeError("the oxigraph command is not installed (pip install oxigraph)")
        self.location.mkdir(parents=True, exist_ok=True)
        for _attempt in range(5):  # another process may take the free port first
            self.port = port or free_port()
            self._log = (self.location.parent / f"{self.location.name}.log").open("ab")
            self.process = subprocess.Popen(
                [
                    executable,
                    "serve",
                    "--location",
                    str(self.location),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
            if self._wait_until_answering():
                return
            self.stop()
        raise RuntimeError(f"oxigraph serve did not start; see {self.location}.log")

    def _wait_until_answering(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                post(f"{self.url}/query", "ASK {}", "application/sparql-query", timeout=2)
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s); safe to call twice."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def update(self, sparql: str) -> None:
        post(f"{self.url}/update", sparql, "application/sparql-update")

    def select(self, sparql: str) -> list[dict[str, str]]:
        answer = json.loads(post(f"{self.url}/query", sparql, "application/sparql-query"))
        return [
            {name: cell["value"] for name, cell in row.items()}
            for row in answer["results"]["bindings"]
        ]

    def clear(self) -> None:
        self.update("DROP ALL")

    def dump(self) -> bytes:
        """The whole dataset as N-Quads (Oxigraph's graph store endpoint)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            f"{self.url}/store", headers={"Accept": "application/n-quads"}
        )
        with opener.open(request, timeout=60) as response:
            data: bytes = response.read()
            return data

    def load(self, data: bytes) -> None:
        """Add N-Quads to the dataset: with ``dump``, copies a ledger to another server."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            f"{self.url}/store",
            data=data,
            method="POST",
            headers={"Content-Type": "application/n-quads"},
        )
        with opener.open(request, timeout=60):
            pass

    def __enter__(self) -> OxigraphServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class ServerPool:
    """Servers with an empty dataset on demand: ``release_all`` after a test, ``stop_all`` last.

    kind: the server class (``OxigraphServer``, or ``virtuoso_server.VirtuosoServer``).
    """

    def __init__(self, base: Path, kind: Any = None) -> None:
        self.base = base
        self.kind = kind or OxigraphServer
        self.idle: list[Any] = []
        self.busy: list[Any] = []
        self.started = 0

    def acquire(self) -> Any:
        if self.idle:
            server = self.idle.pop()
            server.clear()
        else:
            server = self.kind(self.base / f"server-{self.started}")
            self.started += 1
            server.start()
        self.busy.append(server)
        return server

    def release_all(self) -> None:
        for server in self.busy:
            if server.process is not None:  # a test may have stopped its server
                self.idle.append(server)
            else:
                server.stop()
        self.busy = []

    def stop_all(self) -> None:
        for server in self.idle + self.busy:
            server.stop()
        self.idle, self.busy = [], []


class RemoteTamper:
    """Edit a remote ledger's stored entries directly, as someone with write access could.

    The operations mirror what the embedded tests do to entry files: replace an entry's bytes,
    delete an entry, renumber one. The entries' quads (the query copy) are left alone, as the
    embedded tests leave the index alone.
    """

    def __init__(self, server: Any) -> None:
        self.server = server  # an OxigraphServer or a virtuoso_server.VirtuosoServer

    def rewrite(self, seq: int, data: bytes) -> None:
        text = json.dumps(data.decode("utf-8"))  # a JSON string is a valid SPARQL string
        self.server.update(
            f"DELETE {{ GRAPH {LEDGER_GRAPH} {{ ?s {NQUADS} ?old }} }} "
            f"INSERT {{ GRAPH {LEDGER_GRAPH} {{ ?s {NQUADS} {text} }} }} "
            f"WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {SEQUENCE} {seq} ; {NQUADS} ?old }} }}"
        )

    def add_copy(self, seq: int, data: bytes) -> None:
        """A second stored entry ``seq``: what two writers appending at once would leave."""
        text = json.dumps(data.decode("utf-8"))
        self.server.update(
            f"INSERT DATA {{ GRAPH {LEDGER_GRAPH} {{ <urn:claim-ledger:ledger:entry:{seq}:forged> "
            f"{SEQUENCE} {seq} ; {NQUADS} {text} }} }}"
        )

    def drop_bytes(self, seq: int) -> None:
        """Remove entry ``seq``'s bytes but keep its number: an update that went half-way."""
        self.server.update(
            f"DELETE {{ GRAPH {LEDGER_GRAPH} {{ ?s {NQUADS} ?old }} }} "
            f"WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {SEQUENCE} {seq} ; {NQUADS} ?old }} }}"
        )

    def delete(self, seq: int) -> None:
        self.server.update(
            f"DELETE {{ GRAPH {LEDGER_GRAPH} {{ ?s ?p ?o }} }} "
            f"WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {SEQUENCE} {seq} ; ?p ?o }} }}"
        )

    def renumber(self, seq: int, new_seq: int) -> None:
        self.server.update(
            f"DELETE {{ GRAPH {LEDGER_GRAPH} {{ ?s {SEQUENCE} {seq} }} }} "
            f"INSERT {{ GRAPH {LEDGER_GRAPH} {{ ?s {SEQUENCE} {new_seq} }} }} "
            f"WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {SEQUENCE} {seq} }} }}"
        )

    def swap(self, seq: int, other: int) -> None:
        self.renumber(seq, 999_999)
        self.renumber(other, seq)
        self.renumber(999_999, other)

    # the query copy (the entries' quads that queries run on), which the methods above leave alone

    def delete_quad(self, quad: Any) -> None:
        """Remove one quad of the query copy (a pyoxigraph quad in a named graph)."""
        self.server.update(f"DELETE DATA {{ {_graph_block(quad)} }}")

    def add_quad(self, quad: Any) -> None:
        """Add a quad to the query copy that no entry has (a pyoxigraph quad in a named graph)."""
        self.server.update(f"INSERT DATA {{ {_graph_block(quad)} }}")


def _graph_block(quad: Any) -> str:
    return f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}"


# --- the child process --------------------------------------------------------------------------


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _append_batches(url: str, count: int | None, tag: str) -> None:
    from helpers.synthetic_claims import claims

    from ledger.chain import remote

    ledger = remote.remote_open(url)
    _say("ready")
    if count is not None:
        sys.stdin.readline()  # "go": writers started together really run at the same time
    done = 0
    while count is None or done < count:
        batch = random.randrange(10**9)
        record = ledger.append(
            claims(random.randint(1, 4), batch), author=tag, message=f"batch {batch}", kind="add"
        )
        _say(f"appended {record.seq} {record.hash}")
        done += 1


def _until_stdin_closes() -> Any:
    import threading

    stop = threading.Event()

    def wait() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait, daemon=True).start()
    return stop


def _read_loop(url: str) -> None:
    """Read all entries until stdin closes; exit 1 on anything partial (ledger_child's twin)."""
    from ledger.chain import remote
    from ledger.chain.canon import check_canonical

    ledger = remote.remote_open(url)
    stop = _until_stdin_closes()
    _say("ready")
    seen: set[int] = set()
    rounds = 0
    last_round = False
    while not last_round:
        last_round = stop.is_set()  # one more round after stdin closed: the writer was done
        rounds += 1
        for record in ledger.entries():
            if record.seq in seen:
                continue
            problem = check_canonical(ledger.read_entry(record.seq))
            if problem is not None:
                _say(f"PARTIAL {record.seq}: {problem}")
                sys.exit(1)
            seen.add(record.seq)
    _say(f"read {len(seen)} entries in {rounds} rounds")


# In one query (one snapshot): the entries whose metadata the query copy holds, and the entries
# whose bytes are stored. An entry goes in with one update, so the two are always equal.
WHOLE_ENTRIES = (
    "SELECT ?n ?stored WHERE { "
    "{ SELECT (COUNT(?entry) AS ?n) WHERE { "
    "GRAPH ?entry { ?entry a <https://w3id.org/claim-ledger/ns#LedgerEntry> } } } "
    f"{{ SELECT (COUNT(?s) AS ?stored) WHERE {{ GRAPH {LEDGER_GRAPH} {{ ?s {NQUADS} ?b }} }} }} }}"
)


INDEXED_ENTRIES = (
    "SELECT (COUNT(?entry) AS ?n) WHERE { "
    "GRAPH ?entry { ?entry a <https://w3id.org/claim-ledger/ns#LedgerEntry> } }"
)


def _query_loop(url: str) -> None:
    """Query until stdin closes; the entries seen are whole and may only grow."""
    from pyoxigraph import QuerySolutions

    from ledger.chain import remote

    ledger = remote.remote_open(url)
    stop = _until_stdin_closes()
    _say("ready")
    counts: list[int] = []
    while not stop.is_set():
        with ledger.index() as index:
            if isinstance(index, remote.RemoteIndex):
                rows = index.query(WHOLE_ENTRIES)
                assert isinstance(rows, QuerySolutions)
                (row,) = rows
                count, stored = int(row["n"].value), int(row["stored"].value)
            else:  # Virtuoso: the replica's index, which holds whole entries up to its size
                rows = index.query(INDEXED_ENTRIES)
                assert isinstance(rows, QuerySolutions)
                (row,) = rows
                count, stored = int(row["n"].value), index.indexed_through
            if count != stored or count < index.indexed_through or (counts and count < counts[-1]):
                _say(f"INCONSISTENT {count} entries, {stored} stored, after {counts[-1:]}")
                sys.exit(1)
            counts.append(count)
    _say(f"queried {len(counts)} times, saw {len(set(counts))} sizes, last {counts[-1]}")


def main(argv: list[str]) -> int:
    from ledger.errors import LedgerError

    mode, url, *rest = argv
    try:
        if mode == "append-loop":
            _append_batches(url, None, rest[0])
        elif mode == "append-n":
            _append_batches(url, int(rest[0]), rest[1])
        elif mode == "read-loop":
            _read_loop(url)
        elif mode == "query-loop":
            _query_loop(url)
        else:
            raise SystemExit(f"unknown mode {mode}")
    except LedgerError as error:
        sys.stderr.write(f"error: {error}\n")
        return error.exit_code
    return 0


def child_command(*args: str) -> list[str]:
    """The command line that runs this module as the child process."""
    return [sys.executable, str(Path(__file__).resolve()), *args]


def child_environment() -> dict[str, Any]:
    """The environment for children: the same ledger package and the tests' helpers."""
    import ledger

    root = Path(ledger.__file__).resolve().parent.parent
    tests = Path(__file__).resolve().parent
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(tests)])}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
