"""The one interface of a ledger, whatever keeps it: ``LedgerBackend`` and ``LedgerQueries``.

Two backends implement it: the embedded ledger (``ledger.chain.store.Ledger``, entry files and
a pyoxigraph index in a directory) and the ledger on a SPARQL 1.1 server
(``ledger.chain.remote.RemoteLedger``). Both write the same entries, byte for byte
(``ledger.chain.entry``), and give the same answers; the replica, verify, import/export and
``ledger.api`` speak only to these protocols, so a third backend is one more class.
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

from ledger.chain.entry import EntryRecord, PreparedContent, VerifyReport

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

        A query the backend cannot parse raises ``SyntaxError``.
        """
        ...

    def known_triples(self, triples: Sequence[Triple3]) -> set[Triple3]:
        """Which of ``triples`` the ledger holds, in any entry."""
        ...

    def close(self) -> None:
        """Release what the queries hold; later queries raise ``LedgerStateError``."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class LedgerBackend(Protocol):
    """An open ledger: append-only, hash-chained entries, verifiable, queryable."""

    @property
    def id(self) -> str:
        """The ledger id, ``urn:claim-ledger:<uuid>``."""
        ...

    @property
    def location(self) -> str:
        """Where the ledger is (a directory or a server URL), for messages and caches."""
        ...

    def entry_iri(self, seq: int) -> str:
        """The IRI of entry ``seq``: its metadata subject and the name of its metadata graph."""
        ...

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
        """Append one entry, all or nothing; ``HeadMovedError`` when ``after`` is not the size."""
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
        """Check every entry and the chain; report the first entry that fails."""
        ...

    def checkpoint(self) -> str:
        """A short text that pins the ledger's current size and head hash."""
        ...

    def verify_checkpoint(
        self, text: str, *, workers: int | None = None, deep: bool = False
    ) -> VerifyReport:
        """Verify the ledger and that it extends the checkpoint ``text``."""
        ...

    def index(self, *, timeout: float | None = None) -> LedgerQueries:
        """The query side, caught up with every entry; use it as a context manager."""
        ...
