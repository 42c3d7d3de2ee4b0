"""Virtuoso Open Source servers for the tests: the second real SPARQL server a ledger runs on.

``VirtuosoServer`` writes a minimal ``virtuoso.ini`` into its own temporary folder (database,
transaction log and temporary database there; SQL and HTTP ports on 127.0.0.1, free ones),
starts ``virtuoso-t -f -c virtuoso.ini``, waits until its SPARQL endpoint answers, grants SPARQL
UPDATE to the endpoint's ``SPARQL`` user through ``isql`` on the SQL port, and stops it (and dies
with the test process on Linux). The ledger's URL is ``http://127.0.0.1:PORT/sparql``: Virtuoso
answers queries and updates at that one endpoint. It offers what ``OxigraphServer`` offers, so
that ``ServerPool``, ``RemoteTamper`` and the backend helpers take either.

Debian and Ubuntu: ``apt-get install virtuoso-opensource`` (``.ci/run`` does it); the tests that
need it skip, saying so, when ``virtuoso-t`` is not installed.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

from oxigraph_server import die_with_parent, free_port

from ledger.chain.remote import VIRTUOSO_SYSTEM_GRAPHS

START_TIMEOUT = 60.0

# The smallest configuration that serves the tests: its own files, no row cap, no time limit
# (the ledger refuses capped or partial answers; see ledger.chain.remote), little memory.
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxKeepAlives = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


def virtuoso_executable() -> str | None:
    """The ``virtuoso-t`` server command (Debian package ``virtuoso-opensource``), if any."""
    return shutil.which("virtuoso-t")


def isql_executable() -> str | None:
    """Virtuoso's SQL client: ``isql-vt`` on Debian (plain ``isql`` is unixODBC's there)."""
    return shutil.which("isql-vt") or shutil.which("isql-v")


def missing_reason() -> str | None:
    """Why the Virtuoso tests cannot run here, or None when they can."""
    if virtuoso_executable() is None:
        return "Virtuoso is not installed (virtuoso-t; Debian: apt-get install virtuoso-opensource)"
    if isql_executable() is None:
        return "Virtuoso's isql-vt is not installed (Debian: apt-get install virtuoso-opensource)"
    return None


class VirtuosoServer:
    """One ``virtuoso-t`` process with its database in ``location``."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = 0  # HTTP
        self.sql_port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """The ledger's URL: Virtuoso's one SPARQL endpoint for queries and updates."""
        return f"http://127.0.0.1:{self.port}/sparql"

    def start(self, port: int | None = None) -> None:
        """Start the server (HTTP on ``port``, else a free one) and wait until it answers."""
        executable, isql = virtuoso_executable(), isql_executable()
        if executable is None or isql is None:
            raise RuntimeError(missing_reason())
        self.location.mkdir(parents=True, exist_ok=True)
        first_start = not (self.location / "virtuoso.db").exists()
        for _attempt in range(5):  # another process may take a free port first
            self.port = port or free_port()
            self.sql_port = free_port()
            (self.location / "virtuoso.ini").write_text(
                INI.format(folder=self.location, sql_port=self.sql_port, http_port=self.port)
            )
            self._log = (self.location.parent / f"{self.location.name}.log").open("ab")
            self.process = subprocess.Popen(
                [executable, "-f", "-c", str(self.location / "virtuoso.ini")],
                cwd=self.location,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
            if self._wait_until_answering():
                if first_start:
                    self._grant_update(isql)
                return
            self.stop()
        raise RuntimeError(f"virtuoso-t did not start; see {self.location}.log")

    def _wait_until_answering(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                self._post({"query": "ASK {}"}, timeout=2)
                return True
            time.sleep(0.1)
        return False

    def _grant_update(self, isql: str) -> None:
        """Let the endpoint's anonymous ``SPARQL`` user write (Virtuoso's default is read-only)."""
        subprocess.run(
            [isql, str(self.sql_port), "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 20 s); safe to call twice."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _post(self, form: dict[str, str], *, timeout: float = 60.0) -> bytes:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(form).encode("ascii"),
            method="POST",
            headers={"Accept": "application/sparql-results+json"},
        )
        with opener.open(request, timeout=timeout) as response:
            answer: bytes = response.read()
            return answer

    def update(self, sparql: str) -> None:
        self._post({"update": sparql})

    def checkpoint(self) -> None:
        """Make the server checkpoint now (its SQL ``checkpoint``), as it does on its own."""
        isql = isql_executable()
        assert isql is not None
        subprocess.run(
            [isql, str(self.sql_port), "dba", "dba", "exec=checkpoint;"],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def select(self, sparql: str) -> list[dict[str, str]]:
        answer = json.loads(self._post({"query": sparql}))
        return [
            {name: cell["value"] for name, cell in row.items()}
            for row in answer["results"]["bindings"]
        ]

    def _user_graphs(self) -> str:
        system = ", ".join(f"<{graph}>" for graph in VIRTUOSO_SYSTEM_GRAPHS)
        return f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({system}))"

    def clear(self) -> None:
        """Remove every graph but Virtuoso's own (what ``DROP ALL`` does on Oxigraph)."""
        self.update(f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {self._user_graphs()} }}")

    def dump(self) -> bytes:
        """Every quad outside Virtuoso's own graphs, as N-Quads."""
        import pyoxigraph as ox

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(
                {"query": f"SELECT ?s ?p ?o ?g WHERE {{ {self._user_graphs()} }}"}
            ).encode("ascii"),
            method="POST",
            headers={"Accept": "application/sparql-results+json"},
        )
        with opener.open(request, timeout=60) as response:
            rows = ox.parse_query_results(response.read(), format=ox.QueryResultsFormat.JSON)
        assert isinstance(rows, ox.QuerySolutions)
        quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows]  # type: ignore[arg-type]
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""

    def __enter__(self) -> VirtuosoServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
