"""The one interface of a ledger, whatever keeps it: ``LedgerBackend`` and ``LedgerQueries``.

Two backends implement it: the embedded ledger (``ledger.chain.store.Ledger``, entry files and
a pyoxigraph index in a directory) and the ledger on a SPARQL 1.1 server
(``ledger.chain.remote.RemoteLedger``). Both write the same entries, byte for byte
(``ledger.chain.entry``), and give the same answers; the replica, verify, import/export and
``ledger.api`` speak only to these protocols, so a third backend is one more class.

Both backends also subclass them, to inherit what is the same for every backend: ``append``'s
checks before the writer lock, ``entry_iri``, ``checkpoint``, and ``with`` for the queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Protocol, Self

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Triple,
)

from ledger.chain.canon import CanonicalizationLimits
from ledger.chain.entry import (
    EntryRecord,
    PreparedContent,
    VerifyReport,
    checkpoint_text,
    prepared_by,
    verify_against_checkpoint,
)
from ledger.errors import UsageError

#: A term a query may be given as the value of a variable.
Term = NamedNode | BlankNode | Literal | Triple
#: A triple, as the duplicate check asks about it.
Triple3 = tuple[Term, Term, Term]
QueryResult = QuerySolutions | QueryBoolean | QueryTriples


class LedgerQueries(Protocol):
    """The query side of a ledger, as of entry ``indexed_through``; a context manager."""

    indexed_through: int

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        use_default_graph_as_union: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query; values go in as ``substitutions`` (variable name -> term).

        A query the backend cannot parse raises ``SyntaxError``; a closed one,
        ``LedgerStateError``.
        """
        return self.run_query(sparql, substitutions or {}, use_default_graph_as_union)

    def run_query(self, sparql: str, values: Mapping[str, Term], union: bool) -> QueryResult:
        """``query``, as the backend runs it (union: the default graph is every graph)."""
        ...

    def known_triples(self, triples: Sequence[Triple3]) -> set[Triple3]:
        """Which of ``triples`` the ledger holds, in any entry."""
        ...

    def close(self) -> None:
        """Release what the queries hold; later queries raise ``LedgerStateError``."""
        ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class LedgerBackend(Protocol):
    """An open ledger: append-only, hash-chained entries, verifiable, queryable."""

    #: the ledger id, ``urn:claim-ledger:<uuid>``
    id: str
    #: how much blank-node work canonicalisation may do before it refuses an entry
    limits: CanonicalizationLimits

    @property
    def location(self) -> str:
        """Where the ledger is (a directory or a server URL), for messages and caches."""
        ...

    def entry_iri(self, seq: int) -> str:
        """The IRI of entry ``seq``: its metadata subject and the name of its metadata graph."""
        return f"{self.id}:entry:{seq}"

    def prepare(self, quads: Iterable[Quad]) -> PreparedContent:
        """Check and canonicalise an entry's content (the expensive part of ``append``)."""
        ...

    def append(
        self,
        quads: Iterable[Quad] | PreparedContent,
        *,
        author: str,
        message: str,
        kind: str,
        after: int | None = None,
    ) -> EntryRecord:
        """Append one entry holding ``quads`` (or content ``prepare`` made) plus its metadata;
        all or nothing.

        kind: what the entry does, e.g. "add", "retract", "supersede", "review".
        Raises ``UsageError`` for quads that use the ledger's own entry IRIs or empty
        author/kind, ``CanonicalizationError`` for blank-node structures beyond the limits,
        ``LedgerStateError`` when another writer holds the lock too long or the head is damaged,
        and ``LedgerError`` when the entry cannot be written (the ledger is then unchanged).
        after: the number of entries the caller built ``quads`` against (e.g. looking for
        duplicates); ``HeadMovedError`` when, under the lock, the ledger has another number.
        """
        if not author.strip() or not kind.strip():
            raise UsageError("an entry needs a non-empty author and kind")
        # The expensive part, and any refusal, happens before the writer lock is taken.
        prepared = prepared_by(self, quads)
        return self.append_prepared(
            prepared, author=author, message=message, kind=kind, after=after
        )

    def append_prepared(
        self, prepared: PreparedContent, *, author: str, message: str, kind: str, after: int | None
    ) -> EntryRecord:
        """``append``, from the writer lock on: content this ledger prepared, arguments checked."""
        ...

    def import_entry(self, data: bytes) -> EntryRecord:
        """Append an exported entry of this ledger byte for byte, verified first."""
        ...

    def size(self) -> int:
        """The number of entries."""
        ...

    def read_entry(self, seq: int) -> bytes:
        """The exact bytes of entry ``seq`` (what was hashed)."""
        ...

    def entry_hash(self, seq: int) -> str | None:
        """The hash of entry ``seq`` as stored; None when it is not there (or not once)."""
        ...

    def head(self) -> EntryRecord | None:
        """The last entry, its hash computed from its bytes; None for an empty ledger."""
        ...

    def entries(self) -> Iterator[EntryRecord]:
        """The entries in order, from their metadata."""
        ...

    def verify(self, *, workers: int | None = None, deep: bool = False) -> VerifyReport:
        """Check every entry and the chain; report the first entry that fails.

        Each entry's lines must be sorted and unique, its metadata must name this ledger, its
        own sequence number and hash algorithm, and it must record the previous entry's
        recomputed SHA-256. deep: also prove that every entry is the RDFC-1.0 canonical
        N-Quads of its own dataset (parses every entry; several times slower). Without it, an
        entry found bad is checked deeply before it is reported, so the reason is the one a
        deep check gives. Memory stays flat. workers: processes to use where the backend can
        (default: its choice).
        """
        return self.verify_through(None, workers=workers, deep=deep)[0]

    def verify_through(
        self, hash_of: int | None, *, workers: int | None, deep: bool
    ) -> tuple[VerifyReport, str | None]:
        """``verify``'s report, and the recomputed hash of entry ``hash_of`` if it was reached."""
        ...

    def checkpoint(self) -> str:
        """A short text that pins the ledger's current size and head hash.

        Keep it somewhere else (a notebook, an e-mail, another machine); ``verify_checkpoint``
        later shows whether the ledger still extends it. It is computed from the head as it
        is; run ``verify()`` first to vouch for the entries before it.
        """
        return checkpoint_text(self.id, self.head())

    def verify_checkpoint(
        self, text: str, *, workers: int | None = None, deep: bool = False
    ) -> VerifyReport:
        """Verify the ledger and that it extends the checkpoint ``text`` (no rollback/rewrite).

        deep: as for ``verify``.
        """
        return verify_against_checkpoint(
            text,
            self.id,
            self.size,
            lambda size: self.verify_through(size, workers=workers, deep=deep),
        )

    def index(self, *, timeout: float | None = None) -> LedgerQueries:
        """The query side, caught up with every entry; use it as a context manager."""
        ...
