"""The remote ledger: the same hash-chained ledger, kept in a SPARQL 1.1 server.

``--ledger http(s)://…`` names a server with query and update endpoints at ``URL/query`` and
``URL/update`` (Oxigraph server's layout), or at ``URL`` itself when it ends in ``/sparql``
(Virtuoso's), unless given otherwise. Requests go as HTML forms. The server's dataset holds one
ledger and nothing else::

    GRAPH <urn:claim-ledger:ledger> {                        # bookkeeping, written only here
      <urn:claim-ledger:ledger> rl:ledgerId "urn:claim-ledger:<uuid>" ; rl:format 1 ;
          rl:hashAlgorithm "RDFC-1.0/SHA-256" ; rl:created "…"^^xsd:dateTime .
      <urn:claim-ledger:ledger:entry:7:<token>> rl:sequence 7 ;
          rl:nquads "<entry 7's canonical N-Quads, exactly the bytes that are hashed>" ;
          rl:indexed true .                                 # its query copy is complete
      <urn:claim-ledger:writer:<token>> rl:owner "host pid-namespace pid" ; rl:since NOW() .
      <urn:claim-ledger:waiting:<token>> rl:owner "…" ; rl:since NOW() .     # the writer lock
    }
    GRAPH <urn:claim-ledger:<uuid>:entry:7> { … }             # each entry's own quads, for
    GRAPH <content graphs> { … }   default graph { … }        # queries, as the embedded index

(``rl:`` is ``urn:claim-ledger:remote:``.) ``verify`` re-hashes the stored literals, so it checks
exactly what was hashed; the entries' quads are the query copy, like the embedded index, which
``verify --derived`` compares with the stored entries (``query_copy``, ``derived.check_remote``)
and ``rebuild --index`` writes again (``rebuild_query_copy``).

Blank nodes are relabelled per entry as in the embedded index (``_:e7_c14n0``) and stored as the
IRIs ``<urn:claim-ledger:<uuid>:genid:e7_c14n0>``: SPARQL cannot name a blank node that is already
stored, so without these IRIs a query could not follow a blank node found by an earlier query.
Query results turn them back into blank nodes with the same labels as the embedded index; only
``isBlank``/``isIRI``/``STR`` on such a node inside a query see the IRI.

Appending: the caller's quads are canonicalised first; then the writer takes the ledger's writer
lock (below), reads the head, and sends the entry — the literal and its quads — as ONE update
request, ``INSERT { … } WHERE { entry n is the one read, alone; FILTER NOT EXISTS { entry n+1 } }``,
which the server applies all or nothing. It then reads entry n+1 back: if the server holds it
only under this write's own IRI (a new token each time) the append is done; if under another,
it lost a race and starts again. Every hash is computed here from the stored bytes, never by
the server (Virtuoso 7's SHA256 of stored non-ASCII text is wrong).

Virtuoso differs (see the README): no default graph (such quads are refused), entries of up
to 1 MiB (its parser), the query copy written after the entry of record in parts and marked
``rl:indexed`` (the next append finishes one a dead writer left), queries run on the verified
replica, and answers it caps (ResultSetMaxRows) or cuts short are refused.

Why a lock as well: a single update is atomic in Oxigraph, but not isolated from concurrent
updates. Oxigraph 0.5 evaluates ``WHERE`` on a snapshot and commits without a write-conflict
check, so two concurrent conditional inserts can both succeed (measured: 4 forks in 200 rounds of
8 writers), and GraphDB's default READ COMMITTED allows the same; Fuseki (TDB2) runs one write
transaction at a time, where the conditional insert alone would do. The lock is built only from
single atomic writes and snapshot reads: a writer adds its own flag, reads all flags, and keeps
the lock only if no other live flag is there, else removes its flag and waits. Two writers cannot
both see only their own flag (whoever reads second sees the first's, which stays until that
writer is done), so at most one writer appends at a time. Waiting writers leave marks that order
them, first come first served. A flag or mark whose owner died on this machine (same host and PID
namespace, no such process) is removed at once; any other expires ``LOCK_LEASE`` seconds after
it was set (server time). If a fork happens anyway (a lease that ran out under a live writer, a
writer that ignores the lock), the read-back sees it and the writer that did not see its entry
alone withdraws it: its bytes, and the quads only that entry had. A third writer that built on
the withdrawn entry in those milliseconds would leave a gap, which ``verify`` names.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import logging
import os
import random
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse,
    parse_query_results,
)

from ledger.chain import canon, entry
from ledger.chain.backend import LedgerBackend, LedgerQueries, QueryResult, Term, Triple3
from ledger.chain.entry import FORMAT, HASH_PREFIX, EntryRecord, VerifyReport
from ledger.errors import (
    LedgerError,
    LedgerStateError,
    UsageError,
    VerificationError,
)
from ledger.vocab import CL_IRI, PROV_IRI, XSD_IRI

LEDGER_GRAPH = "urn:claim-ledger:ledger"
REMOTE = "urn:claim-ledger:remote:"
WRITER_PREFIX = "urn:claim-ledger:writer:"
WAITING_PREFIX = "urn:claim-ledger:waiting:"
DEFAULT_TIMEOUT = 60.0
LOCK_TIMEOUT = entry.LOCK_TIMEOUT
LOCK_LEASE = 300.0
MAX_APPEND_ATTEMPTS = 10
#: how long a read that found the ledger in a state no writer leaves (an entry counted but not
#: found; marked indexed but without its metadata) is made again before it is reported: Virtuoso
#: 7.2 answers some queries without rows it holds while it checkpoints (tests/test_remote.py),
#: and a checkpoint can last longer than 10 s (a read-back stayed short for 10 s on a loaded
#: machine); damage is reported after this wait, never taken for a steady state
UNSTEADY_READ_WAIT = 60.0
#: how many times one request is sent again when the server reports a deadlock (Virtuoso rolls
#: the losing transaction back whole, so sending it again is safe for queries and updates alike)
MAX_DEADLOCK_ATTEMPTS = 8
VERIFY_BATCH_CHARACTERS = 16 * 2**20  # how much entry text verify fetches per request
INIT_RACE_WAIT = 10.0  # how long the init that won a race waits for the others to withdraw
KNOWN_TRIPLES_BATCH = 200  # triples per query of RemoteIndex.known_triples
#: quads per update when an entry's query copy is written in parts (Virtuoso: its SPARQL parser
#: runs out of memory at about 10,000 quads in one operation)
QUERY_COPY_BATCH = 1000
#: quads per answer when the query copy is read back (``verify --derived``)
QUERY_COPY_PAGE = 5000

_L = f"<{LEDGER_GRAPH}>"
_STORED_PREFIX = LEDGER_GRAPH + ":entry:"
_LEDGER_ID = f"<{REMOTE}ledgerId>"
_FORMAT = f"<{REMOTE}format>"
_HASH_ALGORITHM = f"<{REMOTE}hashAlgorithm>"
_CREATED = f"<{REMOTE}created>"
_SEQUENCE = f"<{REMOTE}sequence>"
_NQUADS_NAME = "nquads"  # the predicate's local name, as _without_bytes lists it
_NQUADS = f"<{REMOTE}{_NQUADS_NAME}>"
_OWNER = f"<{REMOTE}owner>"
_SINCE = f"<{REMOTE}since>"
_INDEXED = f"<{REMOTE}indexed>"
_RESERVED_PREFIXES = (LEDGER_GRAPH, REMOTE, WRITER_PREFIX, WAITING_PREFIX)

#: The product name in Virtuoso's HTTP ``Server`` header: the server with the most differences.
VIRTUOSO = "Virtuoso"
#: The largest entry (its N-Quads bytes) claim-ledger sends to Virtuoso in one update.
VIRTUOSO_MAX_ENTRY_BYTES = 2**20
#: The graphs a new Virtuoso database holds already (its schemas and service description).
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)

_JSON = "application/sparql-results+json"
_ACCEPT_ANY = f"{_JSON}, application/n-triples;q=0.9, text/turtle;q=0.5"
_VERIFY_HINT = "run `claim-ledger verify` to find the first damaged entry"
_ENDPOINT_HINT = (
    "give the endpoints with --query-endpoint and --update-endpoint "
    "(Fuseki: URL/DATASET/sparql and URL/DATASET/update; "
    "GraphDB: URL/repositories/REPO and URL/repositories/REPO/statements)"
)

_log = logging.getLogger(__name__)


class ServerError(LedgerError):
    """The SPARQL server cannot be reached, or did not answer as a SPARQL server (exit 2)."""


class _NoAnswer(ServerError):
    """The request may have reached the server, but no answer came back (outcome unknown)."""


class _Deadlock(ServerError):
    """The server rolled the request's transaction back to break a deadlock; send it again."""


class _ForkedHead(LedgerStateError):
    """The last entry is stored more than once (a fork, or two writers withdrawing at once)."""


class _UnsteadyRead(LedgerStateError):
    """Two reads of the server disagree in a way no writer leaves them; read again (``_steady``)."""


_T = TypeVar("_T")


def _steady(read: Callable[[], _T], what: str) -> _T:
    """``read()``, made again while it raises ``_UnsteadyRead``, for up to UNSTEADY_READ_WAIT s.

    Virtuoso 7.2 sometimes answers without rows it holds (measured while it checkpoints: an entry
    counted but not found by its number, an entry marked indexed whose metadata is not there),
    and a moment later with them. Reading again tells that apart from damage, which stays and is
    then reported as it was found.
    """
    started = time.monotonic()
    deadline = started + UNSTEADY_READ_WAIT
    pause = 0.02
    reads = 0
    while True:
        reads += 1
        try:
            return read()
        except _UnsteadyRead as error:
            if time.monotonic() >= deadline:
                waited = time.monotonic() - started
                raise _UnsteadyRead(
                    f"{error.message} (the same after {reads} reads over {waited:.0f} s)",
                    where=error.where,
                    hint=error.hint,
                ) from None
            _log.info("%s: %s; reading again", what, error.message)
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _whole(read: Callable[[], list[_T]], rows: int, url: str, what: str) -> list[_T]:
    """``read()``'s answer, which must have at least ``rows`` rows: read again while it has
    fewer (Virtuoso's short answer while it checkpoints, ``_steady``), then the error for a
    server that caps its answers, which stays so."""

    def answer() -> list[_T]:
        found = read()
        if len(found) < rows:
            raise _UnsteadyRead(f"{len(found)} rows where {rows} are held", where=url)
        return found

    try:
        return _steady(answer, what)
    except _UnsteadyRead:
        raise _capped(url) from None


# --- creating and opening ---------------------------------------------------------------------


def remote_init(
    url: str,
    *,
    query_endpoint: str | None = None,
    update_endpoint: str | None = None,
    ledger_id: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> RemoteLedger:
    """Create a new, empty ledger in the (empty) dataset of the SPARQL server at ``url``.

    ledger_id: the id to give it (only to replay another ledger's export); a new one otherwise.
    Raises ``LedgerStateError`` if a ledger, or any other data, is already there.
    """
    if ledger_id is not None and not entry.LEDGER_ID.fullmatch(ledger_id):
        raise UsageError(f"{ledger_id!r} is not a ledger id (urn:claim-ledger:<uuid>)")
    server = SparqlServer(url, query_endpoint, update_endpoint, timeout)
    if server.ask(f"ASK {{ GRAPH {_L} {{ {_L} {_LEDGER_ID} ?id }} }}"):
        raise LedgerStateError(
            "a ledger already exists here",
            where=server.url,
            hint="use it as it is, or choose another dataset",
        )
    if server.product == VIRTUOSO:
        # Virtuoso's default graph is every graph, its own system graphs among them.
        system = ", ".join(f"<{graph}>" for graph in VIRTUOSO_SYSTEM_GRAPHS)
        other_data = f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({_L}, {system})) }}"
    else:
        other_data = (
            f"ASK {{ {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_L}) }} UNION "
            f"{{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH {_L} {{ ?s ?p ?o }} }} }} }}"
        )
    if server.ask(other_data):
        raise LedgerStateError(
            "the dataset holds other data: a ledger needs a dataset of its own",
            where=server.url,
            hint="use an empty dataset (Oxigraph: a new --location; Fuseki, GraphDB: a new "
            "dataset or repository)",
        )
    new_id = ledger_id or f"urn:claim-ledger:{uuid.uuid4()}"
    mine = _bind(
        id=new_id,
        created=Literal(entry.now_lexical(), datatype=NamedNode(XSD_IRI + "dateTime")),
    )
    server.update(
        f"INSERT {{ GRAPH {_L} {{ {_L} {_LEDGER_ID} ?id ; {_CREATED} ?created ; "
        f"{_FORMAT} ?format ; {_HASH_ALGORITHM} ?algorithm }} }} "
        f"WHERE {{ {mine} {_bind(format=FORMAT, algorithm=canon.HASH_ALGORITHM)} "
        f"FILTER NOT EXISTS {{ GRAPH {_L} {{ {_L} {_LEDGER_ID} ?existing }} }} }}"
    )

    def ids() -> set[str]:
        rows = server.select(f"SELECT ?id WHERE {{ GRAPH {_L} {{ {_L} {_LEDGER_ID} ?id }} }}")
        return {row["id"] for row in rows}

    found = ids()
    if found != {new_id} and new_id in found and new_id == min(found):
        # Two inits at once (the guard is not isolated, see the module docstring). Had both
        # withdrawn, neither ledger would be left: the smallest id stays, the others withdraw.
        deadline = time.monotonic() + INIT_RACE_WAIT
        while found != {new_id} and new_id in found and time.monotonic() < deadline:
            time.sleep(0.01)
            found = ids()
    if found != {new_id}:
        if new_id in found:
            server.update(
                f"DELETE {{ GRAPH {_L} {{ {_L} {_LEDGER_ID} ?id ; {_CREATED} ?created }} }} "
                f"WHERE {{ {mine} }}"
            )
        raise LedgerStateError(
            "a ledger already exists here (created by another process just now)",
            where=server.url,
        )
    return remote_open(
        url, query_endpoint=query_endpoint, update_endpoint=update_endpoint, timeout=timeout
    )


def remote_open(
    url: str,
    query_endpoint: str | None = None,
    update_endpoint: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> RemoteLedger:
    """Open the ledger on the SPARQL server at ``url``; ``LedgerStateError`` when there is none."""
    server = SparqlServer(url, query_endpoint, update_endpoint, timeout)
    rows = server.select(
        f"SELECT ?id ?format ?algorithm ?created WHERE {{ GRAPH {_L} {{ {_L} {_LEDGER_ID} ?id "
        f"OPTIONAL {{ {_L} {_FORMAT} ?format }} OPTIONAL {{ {_L} {_HASH_ALGORITHM} ?algorithm }} "
        f"OPTIONAL {{ {_L} {_CREATED} ?created }} }} }}"
    )
    if not rows:
        raise LedgerStateError(
            "no ledger here",
            where=server.url,
            hint=f"create one with `claim-ledger init` (here: `claim-ledger --ledger {server.url} "
            "init`), or check the URL and endpoints",
        )
    ids = sorted({row["id"] for row in rows})
    if len(ids) != 1 or len(rows) != 1:
        raise LedgerStateError(
            f"the server holds {len(ids)} ledger descriptions ({', '.join(ids)}) or a damaged one",
            where=server.url,
            hint="two `init`s ran at once, or someone else wrote to <urn:claim-ledger:ledger>",
        )
    row = rows[0]
    if not entry.LEDGER_ID.fullmatch(row["id"]):
        raise LedgerStateError(f"the ledger id {row['id']!r} is not valid", where=server.url)
    if row.get("format") != str(FORMAT) or row.get("algorithm") != canon.HASH_ALGORITHM:
        raise LedgerStateError(
            f"ledger format {row.get('format')!r} with hash algorithm {row.get('algorithm')!r} "
            f"is not the one this version writes ({FORMAT}, {canon.HASH_ALGORITHM})",
            where=server.url,
            hint="use the claim-ledger version that created this ledger",
        )
    return RemoteLedger(server, ledger_id=row["id"], created=row.get("created") or "")


# --- the ledger ---------------------------------------------------------------------------------


class RemoteLedger(LedgerBackend):
    """A ledger on a SPARQL server; the same methods as ``store.Ledger``.

    Use ``remote_init()`` or ``remote_open()`` to get one.
    """

    def __init__(self, server: SparqlServer, *, ledger_id: str, created: str) -> None:
        self.server = server
        self.url = server.url
        self.id = ledger_id
        self.created = created
        self.limits: canon.CanonicalizationLimits = canon.DEFAULT_LIMITS
        #: how long to wait for the writer lock, and how long a lock mark lives without its owner
        self.lock_timeout, self.lock_lease = LOCK_TIMEOUT, LOCK_LEASE
        self.use_writer_lock = True  # tests switch it off to provoke forks
        self.skolem_prefix = f"{ledger_id}:genid:"

    def __repr__(self) -> str:
        return f"<RemoteLedger {self.id} at {self.url}>"

    @property
    def location(self) -> str:
        """Where the ledger is: the server's URL."""
        return self.url

    # --- writing ---

    def prepare(self, quads: Iterable[Quad]) -> entry.PreparedContent:
        """Check and canonicalise an entry's content, as ``store.Ledger.prepare`` does."""
        quads = tuple(quads)
        self._refuse_reserved(quads)
        prepared = entry.prepared_content(self, quads)
        self._refuse_what_the_server_cannot_keep(quads, len(prepared.document))
        return prepared

    def append_prepared(
        self,
        prepared: entry.PreparedContent,
        *,
        author: str,
        message: str,
        kind: str,
        after: int | None,
    ) -> EntryRecord:
        """``append`` (``backend.LedgerBackend``) from the writer lock on; raises what the
        embedded ledger raises, plus ``ServerError`` when the server cannot be reached (the
        message says whether the entry may have been written)."""

        def build(head: _Head | None) -> bytes:
            entry.refuse_moved_head(0 if head is None else head.seq, after)
            metadata = entry.metadata_quads(
                ledger_id=self.id,
                seq=1 if head is None else head.seq + 1,
                previous_hash=None if head is None else head.hash,
                time=entry.lexical_time(datetime.now(UTC)),
                author=author,
                message=message,
                kind=kind,
                content_graphs=prepared.content_graphs,
            )
            return canon.add_ground_quads(prepared.document, metadata)

        return self._append_built(build)

    def import_entry(self, data: bytes) -> EntryRecord:
        """Append an entry exported from this ledger (same id), byte for byte; verified first."""
        not_canonical = canon.check_canonical(data, limits=self.limits)
        if not_canonical is not None:
            raise LedgerStateError(f"the entry is not canonical N-Quads: {not_canonical}")
        quads = list(parse(data, format=RdfFormat.N_QUADS))
        self._refuse_reserved(quads, own_entries_allowed=True)
        self._refuse_what_the_server_cannot_keep(quads, len(data))

        def build(head: _Head | None) -> bytes:
            seq = 1 if head is None else head.seq + 1
            entry.check_import(
                data, ledger_id=self.id, seq=seq, head_hash=None if head is None else head.hash
            )
            return data

        return self._append_built(build)

    def _refuse_reserved(self, quads: Iterable[Quad], *, own_entries_allowed: bool = False) -> None:
        """UsageError for quads that would pose as entry metadata or as the server bookkeeping."""
        quads = tuple(quads)
        if not own_entries_allowed:
            entry.refuse_entry_iris(self.id, quads)
        for quad in quads:
            for iri in _iris_of(quad):
                if iri.startswith(_RESERVED_PREFIXES) or iri.startswith(self.skolem_prefix):
                    raise UsageError(
                        f"quads may not use the IRIs a ledger on a SPARQL server keeps for "
                        f"itself (<{iri}>)",
                        hint="urn:claim-ledger:ledger…, urn:claim-ledger:remote:…, "
                        "urn:claim-ledger:writer:… and <ledger id>:genid:… are reserved",
                    )

    def _refuse_what_the_server_cannot_keep(self, quads: Iterable[Quad], size: int) -> None:
        """UsageError, before anything is written, for what this server cannot store whole.

        Virtuoso keeps no default graph of its own, and its SPARQL parser takes an entry's
        bytes in one update only up to about 1 MiB (it slows down quadratically, and crashed on
        3.4 MB here).
        """
        if self.server.product != VIRTUOSO:
            return
        if any(isinstance(quad.graph_name, DefaultGraph) for quad in quads):
            raise UsageError(
                "this ledger's server (Virtuoso) keeps no default graph of its own: it cannot "
                "store quads outside a named graph",
                hint="put the quads in named graphs (claim files do), or use a server with a "
                "default graph (Oxigraph) or an embedded ledger",
            )
        if size > VIRTUOSO_MAX_ENTRY_BYTES:
            raise UsageError(
                f"the entry would be {size / 2**20:.1f} MiB: this ledger's server (Virtuoso) "
                f"takes entries of up to {VIRTUOSO_MAX_ENTRY_BYTES / 2**20:g} MiB in one update",
                hint="add fewer claim files at a time (100 to 300 claims make 1 MiB)",
            )

    def _append_built(self, build: Callable[[_Head | None], bytes]) -> EntryRecord:
        """Build the entry on the current head and insert it, under the writer lock."""
        lock = _WriterLock(self) if self.use_writer_lock else None
        if lock is not None:
            lock.acquire()
        try:
            for attempt in range(1, MAX_APPEND_ATTEMPTS + 1):
                last = attempt == MAX_APPEND_ATTEMPTS
                try:
                    head = _steady(self._head_for_append, "reading the head")
                except _ForkedHead:
                    if last:
                        raise
                    outcome = "forked"  # maybe two writers withdrawing: look again
                else:
                    if head is not None and self.server.product == VIRTUOSO:
                        self._complete_query_copy(head)
                    data: bytes = build(head)
                    seq = 1 if head is None else head.seq + 1
                    outcome = self._insert_entry(seq, data, head, last_attempt=last)
                    if outcome == "written":
                        return self._record_of(seq, data)
                _log.info("append attempt %d: %s; retrying", attempt, outcome)
                time.sleep(random.uniform(0.001, 0.01 * attempt))
        finally:
            if lock is not None:
                lock.release()
        raise LedgerStateError(
            f"could not append after {MAX_APPEND_ATTEMPTS} attempts: other writers kept "
            "appending first",
            where=self.url,
            hint="try again; if it keeps happening, a writer is not using the ledger's lock",
        )

    def _head_for_append(self) -> _Head | None:
        """The last entry, whole and unforked, with no gap before it; else LedgerStateError."""
        rows = self.server.select(
            f"SELECT (COUNT(DISTINCT ?seq) AS ?n) (MAX(?seq) AS ?last) "
            f"WHERE {{ GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq }} }}"
        )
        count = int(rows[0].get("n") or 0) if rows else 0
        if count == 0:
            return None
        last = _integer(rows[0].get("last"))
        if last != count:
            missing = next(
                (i for i, seq in enumerate(self._stored_seqs(), start=1) if seq != i), count
            )
            raise LedgerStateError(
                f"refusing to append: entry {missing} is missing", where=self.url, hint=_VERIFY_HINT
            )
        stored = self._stored(last)
        if len(stored) != 1:
            problem = f"is stored {len(stored)} times" if stored else self._without_bytes(last)
            # counted but its bytes not found: withdrawn since (read the head again), or an
            # answer the server cut short (read again); no writer leaves it so, a second look tells
            raise (_ForkedHead if stored else _UnsteadyRead)(
                f"refusing to append: entry {last} {problem}", where=self.url, hint=_VERIFY_HINT
            )
        ((stored_as, data),) = stored.items()
        metadata = entry.EntryMetadata.find(data, self.entry_iri(last))
        if isinstance(metadata, str):
            raise LedgerStateError(f"entry {last} {metadata}", where=self.url, hint=_VERIFY_HINT)
        return _Head(last, HASH_PREFIX + canon.sha256_hex(data), stored_as)

    def _insert_entry(
        self, seq: int, data: bytes, head: _Head | None, *, last_attempt: bool
    ) -> str:
        """Insert entry ``seq`` unless one exists; "written" if it is ours alone, else "lost"."""
        stored = NamedNode(f"{_STORED_PREFIX}{seq}:{uuid.uuid4().hex}")
        quads_for_index = list(self.skolemised(entry.index_quads(seq, data)))
        # Built on exactly the entry read as the head: it is still there, alone, under the IRI
        # it was read from (each write stores its bytes under a new IRI, so the IRI stands for
        # the bytes; the server's SHA256 is not used: Virtuoso 7 hashes non-ASCII text wrongly).
        previous = (
            ""
            if head is None
            else f"{_bind(previousSeq=head.seq, previous=NamedNode(head.stored))} "
            f"GRAPH {_L} {{ ?previous {_SEQUENCE} ?previousSeq }} "
            f"FILTER NOT EXISTS {{ GRAPH {_L} {{ ?twin {_SEQUENCE} ?previousSeq }} "
            "FILTER(?twin != ?previous) } "
        )
        # The bytes go into the template as a constant: Virtuoso 7 refuses a long string bound
        # by VALUES ("Value of ANY type column too long"). _term writes and checks it as a term.
        # Where one update cannot hold a large entry (Virtuoso), the entry of record (its bytes)
        # goes in first, alone, and its query copy after it, in parts (see the README).
        in_parts = self.server.product == VIRTUOSO
        indexed = "" if in_parts else f"; {_INDEXED} true "
        update = (
            f"INSERT {{ GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq ; "
            f"{_NQUADS} {_term(Literal(data.decode('utf-8')))} {indexed}. }}\n"
            f"{'' if in_parts else _quads_block(quads_for_index)}}}\n"
            f"WHERE {{ {_bind(stored=stored, seq=seq, id=self.id)} "
            f"GRAPH {_L} {{ {_L} {_LEDGER_ID} ?id }} {previous}"
            f"FILTER NOT EXISTS {{ GRAPH {_L} {{ ?other {_SEQUENCE} ?seq }} }} }}"
        )
        try:
            self.server.update(update)
        except _NoAnswer as error:
            raise ServerError(
                error.message,
                where=error.where,
                hint=f"entry {seq} may or may not have been written: run `claim-ledger log` "
                "when the server answers again",
            ) from None
        candidates = self._stored(seq)
        if not candidates:
            # the server took the update but shows no entry ``seq``: ours was refused because
            # another was there and has been withdrawn since, or the server answered short. Not
            # to append the same claims twice, look again before calling it lost.
            candidates = _steady(partial(self._stored_or_unsteady, seq), "reading back")
        if candidates.keys() == {stored.value}:
            if in_parts:
                self._write_query_copy(stored, quads_for_index)
            return "written"
        if not candidates:
            if not last_attempt:  # a candidate that blocked ours may have been withdrawn
                return "lost"
            raise ServerError(
                f"the update endpoint accepted entry {seq}, but the server does not hold it",
                where=self.server.update_url,
                hint="check that the update endpoint belongs to the same dataset as the query "
                "endpoint; " + _ENDPOINT_HINT,
            )
        if stored.value in candidates:
            # A fork: another writer's entry went in at the same time. We did not see ours
            # alone, so whoever did (if anyone) keeps theirs; withdraw ours and try again.
            _log.warning("entry %d was written by two writers at once; withdrawing ours", seq)
            others = [data for iri, data in candidates.items() if iri != stored.value]
            self._withdraw(seq, quads_for_index, stored, others)
        return "lost"

    def _write_query_copy(self, stored: NamedNode, quads: Sequence[Quad]) -> None:
        """Write an entry's query copy in parts, then mark it complete (``rl:indexed``).

        Each part is an ``INSERT DATA``, so writing a part again adds nothing: a writer that
        finds the head's copy unmarked (its writer died half-way) writes it again.
        """
        for start in range(0, len(quads), QUERY_COPY_BATCH):
            part = _quads_block(quads[start : start + QUERY_COPY_BATCH])
            self.server.update(f"INSERT DATA {{ {part} }}")
        self.server.update(f"INSERT DATA {{ GRAPH {_L} {{ {_term(stored)} {_INDEXED} true }} }}")

    def _complete_query_copy(self, head: _Head) -> None:
        """Finish the head's query copy if its writer died before marking it complete."""
        stored = _bind(stored=NamedNode(head.stored))
        if not self.server.ask(f"ASK {{ {stored} GRAPH {_L} {{ ?stored {_INDEXED} ?x }} }}"):
            _log.warning("entry %d's query copy was left unfinished; completing it", head.seq)
            data = self.read_entry(head.seq)
            self._write_query_copy(
                NamedNode(head.stored), list(self.skolemised(entry.index_quads(head.seq, data)))
            )

    def _withdraw(
        self, seq: int, index_quads: list[Quad], stored: NamedNode, others: list[bytes]
    ) -> None:
        """Remove our candidate for entry ``seq``: its stored bytes and what only it added.

        Quads of other entries may equal ours (RDF is a set), so only quads that belong to entry
        ``seq`` alone — in its metadata graph, or naming its blank nodes — and that no other
        candidate (``others``: their bytes) holds are removed; ground content quads stay (the
        retry writes them again).
        """
        held_by_others: set[Quad] = set()
        for other_data in others:
            held_by_others.update(self.skolemised(entry.index_quads(seq, other_data)))
        metadata_graph = NamedNode(self.entry_iri(seq))
        own_nodes = f"{self.skolem_prefix}e{seq}_"
        exclusive = [
            quad
            for quad in index_quads
            if quad not in held_by_others
            and (
                quad.graph_name == metadata_graph
                or any(i.startswith(own_nodes) for i in _iris_of(quad))
            )
        ]
        self.server.update(
            f"DELETE {{ GRAPH {_L} {{ ?stored ?p ?o . }}\n{_quads_block(exclusive)}}}\n"
            f"WHERE {{ {_bind(stored=stored)} GRAPH {_L} {{ ?stored ?p ?o }} }}"
        )

    def _record_of(self, seq: int, data: bytes) -> EntryRecord:
        metadata = entry.EntryMetadata.find(data, self.entry_iri(seq))
        if isinstance(metadata, str):  # cannot happen for bytes this process built or checked
            raise LedgerStateError(f"entry {seq} {metadata}", where=self.url)
        return entry.record_of(
            metadata,
            seq=seq,
            entry_hash=HASH_PREFIX + canon.sha256_hex(data),
            ledger_id=self.id,
            path=Path(self.entry_iri(seq)),
        )

    def skolemised(self, quads: Iterable[Quad]) -> Iterator[Quad]:
        """The quads with blank nodes replaced by this ledger's genid IRIs (see the module doc)."""
        prefix = self.skolem_prefix

        def term(value: Any) -> Any:
            return NamedNode(prefix + value.value) if isinstance(value, BlankNode) else value

        for quad in quads:
            yield Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))

    # --- reading ---

    def _stored_seqs(self) -> list[int]:
        at_least = self.size()  # asked first: appends only add to it
        query = (
            f"SELECT DISTINCT ?seq WHERE {{ GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq }} }} "
            "ORDER BY ?seq"
        )
        rows = _whole(partial(self.server.select, query), at_least, self.url, "listing numbers")
        return sorted(_integer(row.get("seq")) for row in rows)

    def _stored(self, seq: int) -> dict[str, bytes]:
        """What the server stores as entry ``seq``: stored IRI -> bytes (one, unless forked)."""
        rows = self.server.select(
            f"SELECT ?stored ?bytes WHERE {{ {_bind(seq=seq)} "
            f"GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq ; {_NQUADS} ?bytes }} }}"
        )
        return {row["stored"]: row["bytes"].encode("utf-8") for row in rows}

    def _stored_or_unsteady(self, seq: int) -> dict[str, bytes]:
        """``_stored(seq)``, or ``_UnsteadyRead`` when it finds nothing that the count includes."""
        found = self._stored(seq)
        if not found and (size := self.size()) >= seq:
            # what the server holds under the number tells a dropped long literal (its
            # predicate listed, its value not returned) from an entry that is not there
            raise _UnsteadyRead(
                f"there is no entry {seq} (the ledger has {size}; entry {seq} "
                f"{self._without_bytes(seq)})",
                where=self.url,
            )
        return found

    def _without_bytes(self, seq: int) -> str:
        """What the server holds under number ``seq`` when it holds no bytes for it."""
        rows = self.server.select(
            f"SELECT ?stored ?p WHERE {{ {_bind(seq=seq)} "
            f"GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq ; ?p ?o }} }} ORDER BY ?stored ?p"
        )
        held: dict[str, list[str]] = {}
        for row in rows:
            held.setdefault(row["stored"], []).append(row["p"].removeprefix(REMOTE))
        if not held:
            return "was withdrawn while it was read"
        listed = any(_NQUADS_NAME in ps for ps in held.values())
        has = "has" if listed else "has only"
        described = "; ".join(f"<{iri}> {has} {', '.join(ps)}" for iri, ps in held.items())
        if listed:
            return (
                "is numbered on the server and holds its bytes, but a read of them by number "
                f"returned none ({described})"
            )
        return f"is numbered on the server but its bytes are not there ({described})"

    def size(self) -> int:
        """The number of entries."""
        rows = self.server.select(
            f"SELECT (COUNT(DISTINCT ?seq) AS ?n) WHERE {{ GRAPH {_L} {{ ?s {_SEQUENCE} ?seq }} }}"
        )
        return int(rows[0].get("n") or 0) if rows else 0

    def read_entry(self, seq: int) -> bytes:
        """The exact bytes of entry ``seq`` (what was hashed)."""
        datas = list(_steady(partial(self._stored_or_unsteady, seq), "reading an entry").values())
        if not datas:
            raise LedgerStateError(
                f"there is no entry {seq} (the ledger has {self.size()})", where=self.url
            )
        if len(datas) > 1:
            raise LedgerStateError(
                f"entry {seq} is stored {len(datas)} times", where=self.url, hint=_VERIFY_HINT
            )
        return datas[0]

    def entry_hash(self, seq: int) -> str | None:
        """The hash of entry ``seq``, computed from its stored bytes (None when
        the server holds no entry ``seq``, or holds it more than once)."""
        stored = list(self._stored(seq).values())
        return HASH_PREFIX + canon.sha256_hex(stored[0]) if len(stored) == 1 else None

    def head(self) -> EntryRecord | None:
        """The last entry, its hash computed from its stored bytes; None for an empty ledger."""
        rows = self.server.select(
            f"SELECT (MAX(?seq) AS ?last) WHERE {{ GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq }} }}"
        )
        if not rows or rows[0].get("last") is None:
            return None
        last = _integer(rows[0]["last"])
        return self._record_of(last, self.read_entry(last))

    def entries(self) -> Iterator[EntryRecord]:
        """The entries in order, from their metadata in the server (see ``EntryRecord.hash``).

        As in the embedded ledger, an entry's hash is the next entry's ``previousEntryHash``;
        the head's is computed from its stored bytes.
        """
        yield from _steady(self._records, "listing the entries")

    def _records(self) -> list[EntryRecord]:
        """The entries in order with their hashes (``entries``), read in one go."""
        meta = {
            name: f"<{iri}>"
            for name, iri in (
                ("time", PROV_IRI + "generatedAtTime"),
                ("author", CL_IRI + "author"),
                ("message", CL_IRI + "message"),
                ("kind", CL_IRI + "entryKind"),
                ("previous", CL_IRI + "previousEntryHash"),
            )
        }
        at_least = self.size()  # asked first: appends only add to it
        query = (
            f"SELECT ?seq ?time ?author ?message ?kind ?previous ?indexed WHERE {{ "
            f"{_bind(entryPrefix=self.id + ':entry:')} "
            f"GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq OPTIONAL {{ ?stored {_INDEXED} ?indexed }} }} "
            "BIND(IRI(CONCAT(?entryPrefix, STR(?seq))) AS ?entry) "
            + " ".join(
                f"OPTIONAL {{ GRAPH ?entry {{ ?entry {iri} ?{name} }} }}"
                for name, iri in meta.items()
            )
            + " } ORDER BY ?seq"
        )
        # fewer rows than entries: an answer cut short, or capped (Virtuoso: 10,000 rows)
        rows = _whole(partial(self.server.select, query), at_least, self.url, "listing entries")
        by_seq: dict[int, dict[str, str]] = {}
        for row in rows:
            seq = _integer(row.get("seq"))
            if seq in by_seq:
                raise LedgerStateError(
                    f"entry {seq} is stored more than once or has conflicting metadata",
                    where=self.url,
                    hint=_VERIFY_HINT,
                )
            by_seq[seq] = row
        if not by_seq:
            return []
        seqs = sorted(by_seq)
        head_bytes = list(self._stored(seqs[-1]).values())
        if not head_bytes:  # counted above, not found by its number now
            raise _UnsteadyRead(
                f"entry {seqs[-1]} is listed but its bytes cannot be read",
                where=self.url,
                hint=_VERIFY_HINT,
            )
        # a head stored twice (a fork being withdrawn) has no one hash
        head_hash = HASH_PREFIX + canon.sha256_hex(head_bytes[0]) if len(head_bytes) == 1 else ""
        records: list[EntryRecord] = []
        for seq in seqs:
            row = by_seq[seq]
            if row.get("indexed") is None and any(
                row.get(name) is None for name in ("time", "author", "message", "kind")
            ):
                # its query copy is still being written (in parts, on Virtuoso): some or all
                # of its metadata is not there yet, so read it from the stored bytes
                row = self._metadata_row(seq)
            if any(row.get(name) is None for name in ("time", "author", "message", "kind")):
                raise _UnsteadyRead(  # reported as found if it stays so (see _steady)
                    f"entry {seq} has no metadata in the server's query data",
                    where=self.url,
                    hint=_VERIFY_HINT,
                )
            try:
                when = entry.parse_time(row["time"])
            except ValueError:
                raise LedgerStateError(
                    f"entry {seq} has prov:generatedAtTime {row['time']!r}, not a UTC date-time",
                    where=self.url,
                    hint=_VERIFY_HINT,
                ) from None
            records.append(
                EntryRecord(
                    seq=seq,
                    hash="",
                    previous_hash=row.get("previous"),
                    time=when,
                    author=row["author"],
                    message=row["message"],
                    kind=row["kind"],
                    ledger_id=self.id,
                    path=Path(self.entry_iri(seq)),
                )
            )
        return [
            entry.with_hash(record, following.previous_hash or "")
            for record, following in zip(records, records[1:], strict=False)
        ] + [entry.with_hash(records[-1], head_hash)]

    def _metadata_row(self, seq: int) -> dict[str, str]:
        """Entry ``seq``'s metadata read from its stored bytes, named as ``entries`` names it."""
        metadata = entry.EntryMetadata.find(self.read_entry(seq), self.entry_iri(seq))
        if isinstance(metadata, str):
            raise LedgerStateError(f"entry {seq} {metadata}", where=self.url, hint=_VERIFY_HINT)
        row = {
            "time": entry.lexical_time(metadata.time),
            "author": metadata.author,
            "message": metadata.message,
            "kind": metadata.kind,
        }
        if metadata.previous_hash is not None:
            row["previous"] = metadata.previous_hash
        return row

    # --- verifying ---

    def verify_through(
        self, hash_of: int | None, *, workers: int | None, deep: bool
    ) -> tuple[VerifyReport, str | None]:
        """``verify`` (``backend.LedgerBackend``) of the bytes the server holds, fetched about
        16 MiB at a time; ``workers`` is not used: the checks run in this process (the network
        is the slow part)."""
        del workers
        copies: dict[int, int] = {}
        sizes: dict[int, int] = {}
        at_least = self.size()  # asked first: appends only add to it
        query = (
            f"SELECT ?seq (COUNT(?bytes) AS ?copies) (SUM(STRLEN(?bytes)) AS ?characters) "
            f"WHERE {{ GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq "
            f"OPTIONAL {{ ?stored {_NQUADS} ?bytes }} }} }} GROUP BY ?seq"
        )
        per_entry = _whole(partial(self.server.select, query), at_least, self.url, "sizing")
        for row in per_entry:
            try:
                seq = _integer(row.get("seq"))
            except LedgerStateError:
                continue  # a sequence that is not a number: reported as a gap below
            copies[seq] = int(row.get("copies") or 0)
            sizes[seq] = int(row.get("characters") or 0)
        seqs = sorted(copies)

        def deep_problem(seq: int) -> str | None:
            if deep:
                return None  # already checked deeply
            datas = list(self._stored(seq).values())
            if len(datas) != 1:
                return None  # missing or forked: the default check said so already
            return _examine_bytes(datas[0], seq, self.id, self.limits, deep=True).problem

        def missing(gap: int) -> str:
            return (
                f"entry {gap} is missing (the server holds no entry {gap}; "
                f"the next stored entry is {seqs[gap - 1]})"
            )

        return entry.verify_chain(
            seqs,
            lambda complete: self._examine_all(list(complete), copies, sizes, deep=deep),
            deep_problem,
            missing,
            hash_of=hash_of,
        )

    def _examine_all(
        self, seqs: list[int], copies: Mapping[int, int], sizes: Mapping[int, int], *, deep: bool
    ) -> Iterator[entry.EntryFacts]:
        """The facts of each entry, in order, fetching a bounded amount of text per request."""
        batches: list[list[int]] = []
        budget = 0
        for seq in seqs:
            if not batches or budget + sizes.get(seq, 0) > VERIFY_BATCH_CHARACTERS:
                batches.append([])
                budget = 0
            batches[-1].append(seq)
            budget += sizes.get(seq, 0)
        for batch in batches:
            datas: dict[int, list[bytes]] = {seq: [] for seq in batch}
            query = (
                f"SELECT ?seq ?bytes WHERE {{ {_bind(first=batch[0], last=batch[-1])} "
                f"GRAPH {_L} {{ ?stored {_SEQUENCE} ?seq ; {_NQUADS} ?bytes }} "
                "FILTER(?seq >= ?first && ?seq <= ?last) }"
            )
            held = sum(copies.get(seq, 0) for seq in batch)
            rows = _whole(partial(self.server.select, query), held, self.url, "verifying")
            for row in rows:
                datas.setdefault(_integer(row.get("seq")), []).append(row["bytes"].encode("utf-8"))
            for seq in batch:
                found = datas.get(seq, [])
                if copies.get(seq, 0) > 1 or len(found) > 1:
                    yield entry.EntryFacts(
                        seq,
                        "",
                        None,
                        f"entry {seq} is stored {max(len(found), copies[seq])} times: two "
                        "writers appended it at once (a fork)",
                    )
                elif not found:
                    yield entry.EntryFacts(seq, "", None, f"entry {seq} has no stored bytes")
                else:
                    yield _examine_bytes(found[0], seq, self.id, self.limits, deep=deep)

    # --- the query copy ---

    def query_copy(self) -> Iterator[Quad]:
        """Every quad of the server's query copy: its graphs but the bookkeeping graph (and
        Virtuoso's own), and the default graph where the server keeps one of its own.

        Streamed: graphs are fetched together up to ``QUERY_COPY_PAGE`` quads per request, a
        larger graph in ordered pages of that size, so no answer holds more than a page.
        Blank nodes are as the server holds them (the ledger's own are IRIs there).
        """
        batch: list[Any] = []
        held = 0
        for row in self._query_copy_graphs():
            count = int(row["n"].value)
            if batch and held + count > QUERY_COPY_PAGE:
                yield from self._graphs_quads(batch, held)
                batch, held = [], 0
            if count > QUERY_COPY_PAGE:
                yield from self._paged_quads(f"GRAPH {_term(row['g'])}", count, row["g"])
            else:
                batch.append(row["g"])
                held += count
        if batch:
            yield from self._graphs_quads(batch, held)
        if self.server.product != VIRTUOSO:  # Virtuoso's default graph is the union of all
            rows = self.server.select_terms("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            count = int(rows[0]["n"].value) if rows and "n" in rows[0] else 0
            if count:
                yield from self._paged_quads("", count, DefaultGraph())

    def _query_copy_graphs(self) -> list[dict[str, Any]]:
        """The named graphs of the query copy, each with its number of quads (``g``, ``n``)."""
        skipped = [LEDGER_GRAPH]
        if self.server.product == VIRTUOSO:
            skipped.extend(VIRTUOSO_SYSTEM_GRAPHS)
        not_ours = ", ".join(_term(NamedNode(graph)) for graph in skipped)
        return self.server.select_terms(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(?g NOT IN ({not_ours})) }} GROUP BY ?g ORDER BY ?g"
        )

    def rebuild_query_copy(self) -> int:
        """Write the query copy again from the stored entries; the number of entries written.

        Under the writer lock, after ``verify`` passes (the copy is written from the bytes, so
        they must be the chain's): every graph of the copy is emptied, and the default graph
        where the server keeps one, then each entry's quads are written in parts as on
        Virtuoso. Not atomic: a query meanwhile sees part of the copy, and an interrupted
        rebuild leaves part of it (``verify --derived`` says so; run it again).
        """
        lock = _WriterLock(self) if self.use_writer_lock else None
        if lock is not None:
            lock.acquire()
        try:
            report = self.verify()
            if not report.ok:
                raise VerificationError(
                    f"refusing to write the query copy from entries that do not verify: {report}",
                    where=self.url,
                    hint=_VERIFY_HINT,
                )
            for row in self._query_copy_graphs():
                graph = _bind(g=row["g"])
                self.server.update(
                    f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {graph} "
                    "GRAPH ?g { ?s ?p ?o } }"
                )
            if self.server.product != VIRTUOSO:  # Virtuoso's default graph is the union of all
                self.server.update("CLEAR DEFAULT")
            size = self.size()
            for seq in range(1, size + 1):
                ((stored, data),) = self._stored(seq).items()  # one each: verify passed
                quads = list(self.skolemised(entry.index_quads(seq, data)))
                self._write_query_copy(NamedNode(stored), quads)
            return size
        finally:
            if lock is not None:
                lock.release()

    def _graphs_quads(self, graphs: list[Any], count: int) -> Iterator[Quad]:
        """The quads of several small graphs in one request (``count`` of them in all)."""
        values = " ".join(_term(graph) for graph in graphs)
        query = f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        rows = _whole(partial(self.server.select_terms, query), count, self.url, "reading quads")
        for row in rows:
            yield Quad(row["s"], row["p"], row["o"], row["g"])

    def _paged_quads(self, graph: str, count: int, graph_name: Any) -> Iterator[Quad]:
        """The quads of one graph (``GRAPH <g>``, or "" for the default graph) page by page."""
        for offset in range(0, count, QUERY_COPY_PAGE):
            query = (
                f"SELECT ?s ?p ?o WHERE {{ {graph} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o "
                f"LIMIT {QUERY_COPY_PAGE} OFFSET {offset}"
            )
            page = min(QUERY_COPY_PAGE, count - offset)
            rows = _whole(partial(self.server.select_terms, query), page, self.url, "paging")
            for row in rows:
                yield Quad(row["s"], row["p"], row["o"], graph_name)

    # --- checkpoints ---

    # --- queries ---

    def index(self, *, timeout: float | None = None) -> RemoteIndex | LedgerQueries:
        """The query side of the ledger, as a context manager like ``store.LedgerIndex``.

        Unlike the embedded index, it is live: each query sees every entry committed before it
        started (whole entries only: each entry went in with one update).

        On Virtuoso, whose answers differ from the embedded index's (booleans as integers, its
        own graphs in the default graph, another order, language-tagged values not matched by
        VALUES) and whose query copy of a large entry is written in parts, the queries run on
        the ledger's verified local replica instead (``ledger.chain.replica``), brought up to
        date first: the same answers as on the embedded ledger, as of this call.
        """
        if self.server.product != VIRTUOSO:
            return RemoteIndex(self, self.size())
        from ledger.chain import replica  # imported here: only a ledger on Virtuoso needs it

        try:
            local = replica.replica(self)
        except OSError as error:
            raise LedgerStateError(
                "queries of a ledger on Virtuoso run on its local replica, which cannot be "
                f"kept here: {error.strerror or error}",
                where=str(replica.cache_root()),
                hint="make the folder writable, or set CLAIM_LEDGER_CACHE to one that is",
            ) from None
        return local.index(timeout=timeout)


class RemoteIndex(LedgerQueries):
    """SPARQL queries over the ledger's quads on the server; close it when done."""

    def __init__(self, ledger: RemoteLedger, indexed_through: int) -> None:
        self.ledger: RemoteLedger | None = ledger
        self.indexed_through = indexed_through

    def run_query(self, sparql: str, values: Mapping[str, Term], union: bool) -> QueryResult:
        """``query`` (``backend.LedgerQueries``) on the server.

        Substitutions (``values``) are bound by a ``VALUES`` block placed first in the query's
        outermost group (terms written by pyoxigraph, then checked to be single terms), which is
        what pyoxigraph's substitutions do: the variables start bound, OPTIONAL and FILTERs see
        them.
        A query the server refuses raises ``SyntaxError``, as pyoxigraph does.
        """
        if self.ledger is None:
            raise LedgerStateError("the index has been closed")
        ledger = self.ledger
        if values:
            sparql = _with_values(sparql, values, ledger.skolem_prefix)
        content_type, body = ledger.server.query(
            sparql, accept=_ACCEPT_ANY, union=union, user_query=True
        )
        prefix = ledger.skolem_prefix
        if content_type in (_JSON, "application/json"):
            try:
                document = json.loads(body)
            except ValueError:
                raise ledger.server.not_sparql(content_type) from None
            if prefix.encode() in body:
                document = _unskolemise_json(document, prefix)
            return parse_query_results(
                json.dumps(document).encode("utf-8"), format=QueryResultsFormat.JSON
            )
        rdf_format = RdfFormat.from_media_type(content_type)
        if rdf_format is None:
            raise ledger.server.not_sparql(content_type)
        # pyoxigraph cannot build a QueryTriples from triples; a throwaway store gives a real one.
        graph = Store()
        graph.extend(
            Quad(*(_unskolemise_term(term, prefix) for term in (q.subject, q.predicate, q.object)))
            for q in parse(body, format=rdf_format)
        )
        return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def known_triples(self, triples: Sequence[Triple3]) -> set[Triple3]:
        """Which of ``triples`` the ledger holds, in any entry (``api.known_triples``' remote path).

        Asked 200 at a time, the triples bound as rows of a ``VALUES`` block (terms written by
        pyoxigraph and checked, as for ``query``'s substitutions), never formatted into the
        query. Triples with blank nodes are never known: the ledger's blank nodes are its own.
        """
        if self.ledger is None:
            raise LedgerStateError("the index has been closed")
        ledger = self.ledger
        ground = [t for t in triples if not any(isinstance(x, BlankNode) for x in t)]
        found: set[Triple3] = set()
        for start in range(0, len(ground), KNOWN_TRIPLES_BATCH):
            rows = " ".join(
                f"({' '.join(_term(term) for term in triple)})"
                for triple in ground[start : start + KNOWN_TRIPLES_BATCH]
            )
            for row in ledger.server.select_terms(
                f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o }}", union=True
            ):
                found.add((row["s"], row["p"], row["o"]))
        return found

    def close(self) -> None:
        self.ledger = None


# --- the writer lock --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Head:
    seq: int
    hash: str
    stored: str  # the IRI the entry's bytes are stored under (unique to each write)


class _WriterLock:
    """The writer lock: flag quads in the bookkeeping graph (see the module docstring).

    Mutual exclusion comes from the flags alone: a writer adds its flag, reads all flags, and
    keeps the lock only if no other live flag is there. Fairness comes from waiting marks: a
    writer that finds the lock taken leaves a mark (with the server's time) and only flags once
    no older mark is left, so a writer that appends in a loop cannot starve the others. Marks
    only order the writers; a lost or stale mark can delay a writer, never let two in.
    """

    def __init__(self, ledger: RemoteLedger) -> None:
        self.ledger = ledger
        self.flag: str | None = None

    def acquire(self) -> None:
        ledger = self.ledger
        deadline = time.monotonic() + ledger.lock_timeout
        delay = 0.002
        waiting: str | None = None
        try:
            while True:
                marks = self._marks()
                mine = next((mark for mark in marks if mark.subject == waiting), None)
                holders = [mark for mark in marks if mark.subject.startswith(WRITER_PREFIX)]
                ahead = [
                    mark
                    for mark in marks
                    if mark.subject.startswith(WAITING_PREFIX)
                    and mark.subject != waiting
                    and (mine is None or (mark.since, mark.subject) < (mine.since, mine.subject))
                ]
                if not holders and not ahead:
                    flag = self._mark(WRITER_PREFIX)
                    try:
                        others = [
                            mark
                            for mark in self._marks()
                            if mark.subject.startswith(WRITER_PREFIX) and mark.subject != flag
                        ]
                    except BaseException:
                        self._remove(flag)
                        raise
                    if not others:
                        self.flag = flag
                        return
                    self._remove(flag)  # two writers flagged at once: both step back
                elif waiting is None:
                    waiting = self._mark(WAITING_PREFIX)
                    continue
                if time.monotonic() >= deadline:
                    raise LedgerStateError(
                        f"cannot write to the ledger: another process has held the lock for more "
                        f"than {ledger.lock_timeout:g} s",
                        where=ledger.url,
                        hint="wait for the other claim-ledger command to finish and try again "
                        f"(the lock of a writer that died elsewhere expires after "
                        f"{ledger.lock_lease:g} s)",
                    )
                time.sleep(random.uniform(delay / 2, delay))
                delay = min(delay * 1.5, 0.02)
        finally:
            if waiting is not None:
                self._remove_quietly(waiting)

    def _mark(self, prefix: str) -> str:
        """Add a flag or a waiting mark, stamped with the server's time; its IRI."""
        subject = f"{prefix}{uuid.uuid4().hex}"
        self.ledger.server.update(
            f"INSERT {{ GRAPH {_L} {{ ?subject {_OWNER} ?owner ; {_SINCE} ?now }} }} "
            f"WHERE {{ {_bind(subject=NamedNode(subject), owner=_owner())} BIND(NOW() AS ?now) }}"
        )
        return subject

    def _marks(self) -> list[_Mark]:
        """The live flags and waiting marks; stale ones are removed on the way."""
        rows = self.ledger.server.select(
            f"SELECT ?subject ?owner ?since (NOW() AS ?now) WHERE {{ GRAPH {_L} {{ "
            f"?subject {_OWNER} ?owner ; {_SINCE} ?since }} }}"
        )
        live = []
        for row in rows:
            if _flag_is_stale(row, self.ledger.lock_lease):
                _log.info("removing the stale lock mark of %s", row.get("owner"))
                self._remove(row["subject"])
            else:
                live.append(_Mark(row["subject"], _server_time(row["since"])))
        return live

    def _remove(self, subject: str) -> None:
        self.ledger.server.update(
            f"DELETE {{ GRAPH {_L} {{ ?subject ?p ?o }} }} "
            f"WHERE {{ {_bind(subject=NamedNode(subject))} GRAPH {_L} {{ ?subject ?p ?o }} }}"
        )

    def _remove_quietly(self, subject: str) -> None:
        try:
            self._remove(subject)
        except LedgerError as error:  # it expires after the lease; the entry is safe
            _log.warning("could not remove a writer lock mark: %s", error)

    def release(self) -> None:
        if self.flag is not None:
            flag, self.flag = self.flag, None
            self._remove_quietly(flag)


@dataclass(frozen=True)
class _Mark:
    subject: str
    since: datetime  # the server's clock: the order of the marks


def _owner() -> str:
    return f"{socket.gethostname()} {_pid_namespace()} {os.getpid()}"


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def _flag_is_stale(row: Mapping[str, str], lease: float) -> bool:
    try:
        age = _server_time(row["now"]) - _server_time(row["since"])
    except (KeyError, ValueError):
        return True  # only this module writes flags; one it cannot read must not block forever
    if age > timedelta(seconds=lease):
        return True
    host, namespace, pid_text = (row.get("owner", "").rsplit(" ", 2) + ["", "", ""])[:3]
    if (host, namespace) != (socket.gethostname(), _pid_namespace()) or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # another thread of this process: alive
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a zombie (killed, not yet reaped) holds nothing
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def _server_time(text: str) -> datetime:
    """An xsd:dateTime from the server (Python keeps microseconds of its nanoseconds)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- verification of stored bytes -------------------------------------------------------------


def _examine_bytes(
    data: bytes, seq: int, ledger_id: str, limits: canon.CanonicalizationLimits, *, deep: bool
) -> entry.EntryFacts:
    """``entry.examine_bytes`` of the bytes the server holds for entry ``seq``."""
    return entry.examine_bytes(
        data, seq, ledger_id, limits, deep=deep, stored_as="it is stored as entry"
    )


# --- SPARQL text --------------------------------------------------------------------------------

_IRI_TOKEN = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_SAFE_TERM = re.compile(
    rf"{_IRI_TOKEN}"
    r'|"(?:[^"\\\n\r]++|\\[tbnrf"\'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+"'
    rf"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--(?:ltr|rtl))?|\^\^{_IRI_TOKEN})?"
)


def _term(term: Any) -> str:
    """A term in SPARQL syntax, written by pyoxigraph and checked to be exactly one term.

    pyoxigraph writes N-Triples terms (IRIs it has validated, literals with quotes, backslashes
    and line breaks escaped), which are SPARQL terms too; the check makes sure that no value can
    ever end the term early and become query text.
    """
    if isinstance(term, Triple):
        return f"<<( {_term(term.subject)} {_term(term.predicate)} {_term(term.object)} )>>"
    if not isinstance(term, NamedNode | Literal):
        raise UsageError(f"cannot write {term!r} into SPARQL (blank nodes become IRIs first)")
    text = str(term)
    if not _SAFE_TERM.fullmatch(text):
        raise UsageError(f"cannot write {text[:80]!r} into SPARQL safely")
    return text


def _bind(**values: Term | str | int) -> str:
    """``VALUES (?name …) { (term …) }``: how a value goes into a query claim-ledger sends.

    A SPARQL server takes no parameters beside the query text, so values are bound as a one-row
    ``VALUES`` block (strings and integers become literals), each term written by pyoxigraph
    and checked by ``_term``; the query names them only as variables. Put it first in the
    group whose patterns use the variables.
    """
    names = " ".join(str(Variable(name)) for name in values)  # Variable() checks the name
    terms = []
    for value in values.values():
        if isinstance(value, bool):
            raise TypeError("no booleans in _bind")
        if isinstance(value, int):
            value = Literal(str(value), datatype=NamedNode(XSD_IRI + "integer"))
        elif isinstance(value, str):
            value = Literal(value)
        terms.append(_term(value))
    return f"VALUES ({names}) {{ ({' '.join(terms)}) }}"


def _quads_block(quads: Iterable[Quad]) -> str:
    """Quads as the body of an INSERT/DELETE template: default-graph triples, then GRAPH blocks."""
    by_graph: dict[str, list[str]] = {}
    written: dict[Any, str] = {}  # graphs, predicates and subjects repeat: check each once

    def term(value: Any) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = _term(value)
        return text

    for quad in quads:
        graph = "" if isinstance(quad.graph_name, DefaultGraph) else term(quad.graph_name)
        line = f"{term(quad.subject)} {term(quad.predicate)} {term(quad.object)} ."
        by_graph.setdefault(graph, []).append(line)
    parts = []
    for graph, lines in by_graph.items():
        body = "\n".join(lines)
        parts.append(f"GRAPH {graph} {{\n{body}\n}}\n" if graph else body + "\n")
    return "".join(parts)


def _iris_of(quad: Quad) -> Iterator[str]:
    def walk(term: Any) -> Iterator[str]:
        if isinstance(term, NamedNode):
            yield term.value
        elif isinstance(term, Triple):
            yield from walk(term.subject)
            yield from walk(term.predicate)
            yield from walk(term.object)

    for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
        yield from walk(term)


def _unskolemise_term(term: Any, prefix: str) -> Any:
    if isinstance(term, NamedNode) and term.value.startswith(prefix):
        return BlankNode(term.value[len(prefix) :])
    if isinstance(term, Triple):
        return Triple(
            _unskolemise_term(term.subject, prefix),
            term.predicate,
            _unskolemise_term(term.object, prefix),
        )
    return term


def _unskolemise_json(value: Any, prefix: str) -> Any:
    """SPARQL JSON results with this ledger's genid IRIs turned back into blank nodes."""
    if isinstance(value, dict):
        if value.get("type") == "uri" and str(value.get("value", "")).startswith(prefix):
            return {"type": "bnode", "value": value["value"][len(prefix) :]}
        return {key: _unskolemise_json(item, prefix) for key, item in value.items()}
    if isinstance(value, list):
        return [_unskolemise_json(item, prefix) for item in value]
    return value


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<name>(?:[^\W\d][\w.-]*)?:(?:[\w:.%-]|\\.)*|[^\W\d]\w*)
  | (?P<var>[?$]\w+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


def _tokens(sparql: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of the query's tokens, without spaces and comments."""
    found = []
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            found.append((kind, match.group(), match.start(), match.end()))
    return found


def _matching(tokens: list[tuple[str, str, int, int]], opening: int) -> int:
    """The index of the ``}`` that closes the ``{`` at ``tokens[opening]``."""
    depth = 0
    for index in range(opening, len(tokens)):
        text = tokens[index][1]
        if tokens[index][0] == "other":
            depth += text == "{"
            depth -= text == "}"
            if depth == 0:
                return index
    raise SyntaxError("unbalanced braces in the query")


def _with_values(sparql: str, substitutions: Mapping[str, Term], skolem_prefix: str) -> str:
    """The query with ``VALUES (?v …) { (term …) }`` first in its outermost WHERE group."""
    names = sorted(substitutions)
    variables = " ".join(str(Variable(name)) for name in names)  # Variable() checks the name
    values = []
    for name in names:
        term = substitutions[name]
        if isinstance(term, BlankNode):
            term = NamedNode(skolem_prefix + term.value)
        values.append(_term(term))
    block = f"VALUES ({variables}) {{ ({' '.join(values)}) }}"
    tokens = _tokens(sparql)
    form_at = next(
        (i for i, token in enumerate(tokens) if token[0] == "name" and token[1].upper() in _FORMS),
        None,
    )
    if form_at is None:
        raise SyntaxError("not a SPARQL query (no SELECT, CONSTRUCT, DESCRIBE or ASK)")
    form = tokens[form_at][1].upper()
    index = form_at + 1
    if form == "CONSTRUCT" and index < len(tokens):
        if tokens[index][1] == "{":  # the template; the WHERE group follows it
            index = _matching(tokens, index) + 1
        elif tokens[index][1].upper() == "WHERE":  # CONSTRUCT WHERE { triples }: spell it out
            opening = index + 1
            closing = _matching(tokens, opening)
            body = sparql[tokens[opening][3] : tokens[closing][2]]
            return (
                f"{sparql[: tokens[form_at][3]]} {{{body}}} WHERE {{ {block} {body}}}"
                f"{sparql[tokens[closing][3] :]}"
            )
    parens = 0
    for position in range(index, len(tokens)):
        kind, text, _start, end = tokens[position]
        if kind == "name" and text.upper() == "VALUES" and parens == 0:
            break  # DESCRIBE … VALUES …: a trailing VALUES clause, and no WHERE group
        if kind != "other":
            continue
        if text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "{" and parens == 0:
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            if following is not None and following[1].upper() == "SELECT":
                closing = _matching(tokens, position)  # { SELECT … } is a group of its own
                inner_end = tokens[closing][2]
                return f"{sparql[:end]} {block} {{{sparql[end:inner_end]}}} {sparql[inner_end:]}"
            return f"{sparql[:end]} {block} {sparql[end:]}"
    raise UsageError(
        "substitutions need a WHERE clause to bind them in",
        hint="add WHERE { } to the query",
    )


# --- HTTP ---------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as a GET without its body: report it instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class SparqlServer:
    """The query and update endpoints of one SPARQL server, with timeouts and clear errors."""

    def __init__(
        self, url: str, query_endpoint: str | None, update_endpoint: str | None, timeout: float
    ) -> None:
        self.url = url.rstrip("/")
        # A URL ending in /sparql is one endpoint for both (Virtuoso's layout); else Oxigraph's.
        single = self.url if self.url.rsplit("/", 1)[-1] == "sparql" else None
        self.query_url = query_endpoint or single or f"{self.url}/query"
        self.update_url = update_endpoint or single or f"{self.url}/update"
        self.timeout = timeout
        #: the server's product as its ``Server`` header names it ("Virtuoso", "oxigraph", …),
        #: known after the first answer; the few differences between servers hang on it
        self.product = ""
        for endpoint in (self.url, self.query_url, self.update_url):
            parts = urllib.parse.urlsplit(endpoint)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise UsageError(f"{endpoint!r} is not an http(s) URL of a SPARQL server")
        self._direct = urllib.request.build_opener(_NoRedirect(), urllib.request.ProxyHandler({}))
        self._proxied = urllib.request.build_opener(_NoRedirect())

    def _opener(self, url: str) -> urllib.request.OpenerDirector:
        """Loopback addresses never go through a proxy; others follow the *_proxy variables."""
        host = urllib.parse.urlsplit(url).hostname or ""
        if host == "localhost":
            return self._direct
        try:
            return self._direct if ipaddress.ip_address(host).is_loopback else self._proxied
        except ValueError:
            return self._proxied

    def _post(
        self, url: str, body: str, content_type: str, accept: str, what: str
    ) -> tuple[str, bytes]:
        for attempt in range(1, MAX_DEADLOCK_ATTEMPTS + 1):
            try:
                return self._post_once(url, body, content_type, accept, what)
            except _Deadlock as deadlock:
                if attempt == MAX_DEADLOCK_ATTEMPTS:
                    raise ServerError(
                        f"the server reported a deadlock {attempt} times in a row for the "
                        f"{what} ({deadlock.message}); nothing of it was written",
                        where=url,
                        hint="other clients are writing to the server heavily; try again",
                    ) from None
                _log.info("%s: %s; sending it again", what, deadlock.message)
                time.sleep(random.uniform(0.005, 0.02 * attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_once(
        self, url: str, body: str, content_type: str, accept: str, what: str
    ) -> tuple[str, bytes]:
        # Sent as an HTML form (``query=…`` / ``update=…``), which every SPARQL 1.1 server takes:
        # Virtuoso 7 never answers a POST of application/sparql-query.
        field = "query" if content_type == "application/sparql-query" else "update"
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode({field: body}).encode("ascii"),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": accept,
                "User-Agent": "claim-ledger",
            },
        )
        try:
            with self._opener(url).open(request, timeout=self.timeout) as response:
                self.product = _product(response.headers.get("Server"))
                partial = response.headers.get("X-SQL-State")
                message = response.headers.get("X-SQL-Message") or ""
                if partial and (partial == "40001" or message.startswith("SR172")):
                    # Virtuoso answers 200 with these headers when the request's transaction
                    # lost a deadlock: it was rolled back whole (tests/test_remote.py)
                    raise _Deadlock(message or f"X-SQL-State {partial}", where=url)
                if partial:  # Virtuoso's "anytime" answer: what it found before a time limit
                    raise ServerError(
                        f"the server sent a partial answer to the {what} "
                        f"(X-SQL-State {partial}{': ' + message if message else ''}: it stopped "
                        "at its time limit)",
                        where=url,
                        hint="raise the server's query time limit (Virtuoso: "
                        "[SPARQL] MaxQueryExecutionTime = 0 in virtuoso.ini)",
                    )
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            with contextlib.closing(error):
                detail = _error_text(error)
                code, reason = error.code, error.reason
                location = error.headers.get("Location") if error.headers else None
            if 300 <= code < 400:
                raise ServerError(
                    f"the server redirects the {what} (HTTP {code}) to {location}",
                    where=url,
                    hint="give the URL it redirects to",
                ) from None
            if code in (404, 405):
                endpoint = "query" if what.endswith("query") else "update"
                raise ServerError(
                    f"no SPARQL {endpoint} endpoint here (HTTP {code} {reason})",
                    where=url,
                    hint=_ENDPOINT_HINT,
                ) from None
            if code in (401, 403):
                raise ServerError(
                    f"the server refused access (HTTP {code} {reason})",
                    where=url,
                    hint="claim-ledger sends no credentials; allow it at the server or a proxy",
                ) from None
            if code == 400 and what == "user query":
                raise SyntaxError(f"the SPARQL server refused the query: {detail}") from None
            raise ServerError(
                f"the server refused the {what} (HTTP {code} {reason}): {detail}", where=url
            ) from None
        except urllib.error.URLError as error:
            cause = error.reason
            if isinstance(cause, ConnectionRefusedError):
                text = "connection refused"
            elif isinstance(cause, socket.gaierror):
                text = "host not found"
            elif isinstance(cause, TimeoutError):
                raise _NoAnswer(
                    f"the SPARQL server did not answer within {self.timeout:g} s", where=url
                ) from None
            else:
                text = str(getattr(cause, "strerror", None) or cause)
            raise ServerError(
                f"cannot reach the SPARQL server: {text}",
                where=url,
                hint="start the server, or check the URL given to --ledger",
            ) from None
        except TimeoutError:
            raise _NoAnswer(
                f"the SPARQL server did not answer within {self.timeout:g} s", where=url
            ) from None
        except (http.client.HTTPException, OSError) as error:
            raise _NoAnswer(
                f"the SPARQL server closed the connection without answering "
                f"({type(error).__name__})",
                where=url,
                hint="is the server still running?",
            ) from None

    def query(
        self, sparql: str, *, accept: str = _JSON, union: bool = False, user_query: bool = False
    ) -> tuple[str, bytes]:
        url = self.query_url
        # Oxigraph's parameter; others ignore it. Virtuoso's default graph is always the union.
        if union and self.product != VIRTUOSO:
            url += ("&" if "?" in url else "?") + "union-default-graph"
        return self._post(
            url, sparql, "application/sparql-query", accept, "user query" if user_query else "query"
        )

    def select(self, sparql: str) -> list[dict[str, str]]:
        """The rows of a SELECT that claim-ledger itself sends: variable -> lexical value."""
        content_type, body = self.query(sparql)
        document = self._json(content_type, body)
        try:
            bindings = document["results"]["bindings"]
            return [{name: cell["value"] for name, cell in row.items()} for row in bindings]
        except (KeyError, TypeError):
            raise self.not_sparql(content_type) from None

    def select_terms(self, sparql: str, *, union: bool = False) -> list[dict[str, Any]]:
        """The rows of a SELECT that claim-ledger itself sends: variable -> pyoxigraph term."""
        content_type, body = self.query(sparql, union=union)
        self._json(content_type, body)  # a SPARQL JSON document, or ServerError
        try:
            solutions = parse_query_results(body, format=QueryResultsFormat.JSON)
        except SyntaxError:
            raise self.not_sparql(content_type) from None
        if not isinstance(solutions, QuerySolutions):
            raise self.not_sparql(content_type)
        names = [variable.value for variable in solutions.variables]
        return [{name: row[name] for name in names if row[name] is not None} for row in solutions]

    def ask(self, sparql: str) -> bool:
        content_type, body = self.query(sparql)
        answer = _boolean(self._json(content_type, body))
        if answer is None:
            raise self.not_sparql(content_type)
        return answer

    def update(self, sparql: str) -> None:
        self._post(self.update_url, sparql, "application/sparql-update", "*/*", "update")

    def _json(self, content_type: str, body: bytes) -> dict[str, Any]:
        if content_type not in (_JSON, "application/json"):
            raise self.not_sparql(content_type)
        try:
            document = json.loads(body)
        except ValueError:
            raise self.not_sparql(content_type) from None
        if not isinstance(document, dict):
            raise self.not_sparql(content_type)
        return document

    def not_sparql(self, content_type: str) -> ServerError:
        return ServerError(
            f"the server did not answer as a SPARQL endpoint (it sent {content_type} to a query)",
            where=self.query_url,
            hint="check the URL; " + _ENDPOINT_HINT,
        )


def _product(server_header: str | None) -> str:
    """The product name in an HTTP ``Server`` header (``Virtuoso/07.20.3229 (Linux)`` ->
    ``Virtuoso``)."""
    return (server_header or "").split("/", 1)[0].strip()


def _boolean(document: Mapping[str, Any]) -> bool | None:
    """The answer of an ASK in SPARQL JSON; Virtuoso 7 sends it as a SELECT of ``__ASK_RETVAL``:
    one row holding 1 for true, no row for false."""
    answer = document.get("boolean")
    if isinstance(answer, bool):
        return answer
    try:
        if document["head"]["vars"] != ["__ASK_RETVAL"]:
            return None
        rows = document["results"]["bindings"]
        if not rows:
            return False
        (row,) = rows
        return {"1": True, "0": False}.get(str(row["__ASK_RETVAL"]["value"]))
    except (KeyError, TypeError, ValueError):
        return None


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        text = error.read(2000).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _capped(url: str) -> ServerError:
    """The error for an answer that has fewer rows than the server holds: a capped answer."""
    return ServerError(
        "the server sent fewer rows than it holds entries: it caps the rows of an answer, "
        "and a ledger cannot be read or verified in part",
        where=url,
        hint="lift the cap (Virtuoso: [SPARQL] ResultSetMaxRows in virtuoso.ini, 10,000 by "
        "default, e.g. to 100000000)",
    )


def _integer(value: str | None) -> int:
    if value is None or not value.lstrip("+").isdigit():
        raise LedgerStateError(f"the server holds an entry number {value!r}", hint=_VERIFY_HINT)
    return int(value)
