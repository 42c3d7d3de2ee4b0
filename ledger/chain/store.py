"""The embedded on-disk ledger: append-only, hash-chained entry files, and a derived query index.

A ledger is a directory::

    ledger.json             id, creation time, format, hash algorithm
    lock                    flock(2) target: one writer at a time
    entries/000000000001.nq the canonical N-Quads bytes of entry 1, exactly as hashed
    entries/…
    index/                  pyoxigraph (RocksDB) store of every entry's quads, for SPARQL
    index.json              how far the index has got (a hint; the index itself is the authority)
    index.lock              flock(2) target: readers share it, the index writer holds it alone
    index.turnstile         flock(2) target passed before index.lock, so readers cannot starve it
    findings.sqlite         derived analysis (ledger.analysis.findings), caught up on demand;
    deletable
    verified-head.json      the last head a full verify passed (ledger.chain.trust): the
                            analysis commands' guard checks only the entries after it
    derived-checked.json    the last check of the derived data against the chain, cheap or
                            full (ledger.chain.derived): reports and serve say when it was

The entry files are the source of truth. An entry's hash is the SHA-256 of its file; each entry
records the previous entry's hash in its metadata graph, so changing, removing or reordering any
entry breaks the chain from there on, and a checkpoint (size and head hash kept elsewhere) exposes
a rollback or a consistently rewritten history.

An append canonicalises the caller's quads outside the lock, then under the lock reads the head,
adds the metadata quads, writes a temporary file, fsyncs it, hard-links it to the next entry name
(never overwriting) and fsyncs the directory. Readers list only complete entry names, so they never
see a partial entry, and a crash at any moment leaves n or n+1 whole entries.

The index is derived data. RocksDB allows one read-write process, and pyoxigraph calls opening it
read-only while another process writes "undefined behaviour", so access is coordinated by
``index.lock`` (entered through ``index.turnstile``): the index is opened read-write only under an
exclusive lock (by an append once its entry is safe, or by ``Ledger.index()`` catching up), and
read-only only under a shared lock, held until the ``LedgerIndex`` is closed. Each entry goes in
with one transactional ``Store.extend`` (a rebuild uses ``bulk_extend`` into a fresh folder that
replaces the old one), so the index holds whole entries only. An append that cannot get the lock
within a second leaves the index behind; the next ``index()`` catches up. Blank nodes are
relabelled per entry (``_:c14n0`` of entry 7 becomes ``_:e7_c14n0``).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import mmap
import os
import re
import secrets
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    NamedNode,
    Quad,
    Store,
    Triple,
    Variable,
)

from ledger.chain.backend import LedgerBackend, LedgerQueries, QueryResult, Term, Triple3
from ledger.chain.canon import (
    DEFAULT_LIMITS,
    HASH_ALGORITHM,
    CanonicalizationLimits,
    add_ground_quads,
    check_canonical,
    sha256_hex,
)
from ledger.chain.entry import (
    FORMAT,
    HASH_PREFIX,
    LEDGER_ID,
    LOCK_TIMEOUT,
    EntryFacts,
    EntryMetadata,
    EntryRecord,
    ExamineArgs,
    PreparedContent,
    VerifyReport,
    check_import,
    describe_os_error,
    examine_entry,
    index_quads,
    lexical_time,
    metadata_quads,
    now_lexical,
    parse_time,
    prepared_content,
    record_of,
    refuse_entry_iris,
    refuse_moved_head,
    verify_chain,
    with_hash,
)
from ledger.errors import (
    LedgerError,
    LedgerStateError,
    UsageError,
)

DEFAULT_DIRECTORY = ".claim-ledger"
INDEX_LOCK_WAIT_ON_APPEND = 1.0

_ENTRY_NAME = re.compile(r"(\d{12})\.nq")
_TEMP_PREFIX = ".tmp-"
_INIT_HINT = "create one with `claim-ledger init`, or point to an existing ledger directory"
_VERIFY_HINT = "run `claim-ledger verify` to find the first damaged entry"

_log = logging.getLogger(__name__)


# --- creating and opening ---------------------------------------------------------------------


def init(
    path: str | os.PathLike[str] = DEFAULT_DIRECTORY, *, ledger_id: str | None = None
) -> Ledger:
    """Create a new, empty ledger in ``path`` (created if needed) and return it.

    ledger_id: the id to give it (only to replay another ledger's export); a new one otherwise.
    Raises ``LedgerStateError`` if a ledger already exists there.
    """
    if ledger_id is not None and not LEDGER_ID.fullmatch(ledger_id):
        raise UsageError(f"{ledger_id!r} is not a ledger id (urn:claim-ledger:<uuid>)")
    directory = Path(path)
    if (directory / "ledger.json").exists():
        raise LedgerStateError(
            "a ledger already exists here",
            where=str(directory),
            hint="use it as it is, or choose another directory",
        )
    try:
        (directory / "entries").mkdir(parents=True, exist_ok=True)
        (directory / "lock").touch()
        (directory / "index.lock").touch()
        (directory / "index.turnstile").touch()
        description = {
            "id": ledger_id or f"urn:claim-ledger:{uuid.uuid4()}",
            "created": now_lexical(),
            "format": FORMAT,
            "hash_algorithm": HASH_ALGORITHM,
        }
        data = (json.dumps(description, indent=2) + "\n").encode("utf-8")
        _write_new_file(directory, "ledger.json", data)
    except FileExistsError:
        raise LedgerStateError(
            "a ledger already exists here (created by another process just now)",
            where=str(directory),
        ) from None
    except OSError as error:
        raise LedgerError(
            f"cannot create a ledger: {error.strerror or error}", where=str(directory)
        ) from None
    return open(directory)


# Named like the builtin on purpose (``store.open``); this module never needs the builtin.
def open(
    path: str | os.PathLike[str] = DEFAULT_DIRECTORY, *, index_on_append: bool = True
) -> Ledger:
    """Open the ledger in ``path``; ``LedgerStateError`` with a hint when there is none.

    index_on_append: update the query index after each append (else only ``index()`` does).
    """
    directory = Path(path)
    description_path = directory / "ledger.json"
    try:
        description = json.loads(description_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LedgerStateError("no ledger here", where=str(directory), hint=_INIT_HINT) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LedgerStateError(
            f"ledger.json cannot be read: {error}", where=str(description_path)
        ) from None
    if not isinstance(description, dict) or not LEDGER_ID.fullmatch(str(description.get("id", ""))):
        raise LedgerStateError("ledger.json has no valid ledger id", where=str(description_path))
    if description.get("format") != FORMAT or description.get("hash_algorithm") != HASH_ALGORITHM:
        raise LedgerStateError(
            f"ledger format {description.get('format')!r} with hash algorithm "
            f"{description.get('hash_algorithm')!r} is not the one this version writes "
            f"({FORMAT}, {HASH_ALGORITHM})",
            where=str(description_path),
            hint="use the claim-ledger version that created this ledger",
        )
    if not (directory / "entries").is_dir():
        raise LedgerStateError(
            "the ledger has no entries/ folder", where=str(directory), hint=_VERIFY_HINT
        )
    return Ledger(
        directory,
        ledger_id=description["id"],
        created=str(description.get("created", "")),
        index_on_append=index_on_append,
    )


# --- the ledger ---------------------------------------------------------------------------------


class Ledger(LedgerBackend):
    """An open ledger directory. Use ``init()`` or ``open()`` to get one."""

    def __init__(
        self,
        path: Path,
        *,
        ledger_id: str,
        created: str,
        index_on_append: bool = True,
        lock_timeout: float = LOCK_TIMEOUT,
        limits: CanonicalizationLimits = DEFAULT_LIMITS,
    ) -> None:
        self.path = path
        self.id = ledger_id
        self.created = created
        self.index_on_append = index_on_append
        self.lock_timeout = lock_timeout
        self.limits = limits
        self.entries_dir = path / "entries"
        self.index_dir = path / "index"
        #: why the last append by this object left the query index behind, or None
        self.index_behind: str | None = None

    def __repr__(self) -> str:
        return f"<Ledger {self.id} at {self.path}>"

    @property
    def location(self) -> str:
        """Where the ledger is: its directory."""
        return str(self.path)

    def entry_path(self, seq: int) -> Path:
        return self.entries_dir / f"{seq:012d}.nq"

    # --- writing ---

    def prepare(self, quads: Iterable[Quad]) -> PreparedContent:
        """Check and canonicalise an entry's content (what ``append`` does before its lock).

        Raises ``UsageError`` for quads that use the ledger's own entry IRIs and
        ``CanonicalizationError`` for blank-node structures beyond the limits.
        """
        quads = tuple(quads)
        refuse_entry_iris(self.id, quads)
        return prepared_content(self, quads)

    def append_prepared(
        self, prepared: PreparedContent, *, author: str, message: str, kind: str, after: int | None
    ) -> EntryRecord:
        """``append`` (``backend.LedgerBackend``) from the writer lock on."""
        with FileLock(self.path / "lock", timeout=self.lock_timeout, what="write to the ledger"):
            self._remove_stale_temporary_files()
            head = self._head_under_lock()
            seq = 1 if head is None else head.seq + 1
            refuse_moved_head(seq - 1, after)
            now = datetime.now(UTC)
            metadata = metadata_quads(
                ledger_id=self.id,
                seq=seq,
                previous_hash=None if head is None else head.hash,
                time=lexical_time(now),
                author=author,
                message=message,
                kind=kind,
                content_graphs=prepared.content_graphs,
            )
            data = add_ground_quads(prepared.document, metadata)
            path = self._write_entry(seq, data)
        record = EntryRecord(
            seq=seq,
            hash=HASH_PREFIX + sha256_hex(data),
            previous_hash=None if head is None else head.hash,
            time=parse_time(lexical_time(now)),
            author=author,
            message=message,
            kind=kind,
            ledger_id=self.id,
            path=path,
        )
        self.index_behind = None
        if self.index_on_append:
            try:
                self._update_index(
                    wait=INDEX_LOCK_WAIT_ON_APPEND, required=False, written=(seq, data)
                )
            except (LedgerError, OSError) as error:  # the entry is safe; the index catches up
                self.index_behind = out_of_space(error) or str(error)
                _log.warning("query index not updated after entry %d: %s", seq, error)
        return record

    def import_entry(self, data: bytes) -> EntryRecord:
        """Append an entry exported from this ledger (same id), byte for byte; verified first.

        The bytes must be canonical N-Quads, their metadata must name this ledger, the next
        sequence number and the current head's hash: a tampered or out-of-order entry is refused.
        """
        not_canonical = check_canonical(data, limits=self.limits)
        if not_canonical is not None:
            raise LedgerStateError(f"the entry is not canonical N-Quads: {not_canonical}")
        with FileLock(self.path / "lock", timeout=self.lock_timeout, what="write to the ledger"):
            self._remove_stale_temporary_files()
            head = self._head_under_lock()
            seq = 1 if head is None else head.seq + 1
            check_import(
                data, ledger_id=self.id, seq=seq, head_hash=None if head is None else head.hash
            )
            path = self._write_entry(seq, data)
        self.index_behind = None
        if self.index_on_append:
            try:
                self._update_index(
                    wait=INDEX_LOCK_WAIT_ON_APPEND, required=False, written=(seq, data)
                )
            except (LedgerError, OSError) as error:
                self.index_behind = out_of_space(error) or str(error)
                _log.warning("query index not updated after entry %d: %s", seq, error)
        del path  # the record reads the file back, as entries() does
        return self._record(seq, hash_of_file=True)

    def _remove_stale_temporary_files(self) -> None:
        """Temporary files left by a writer that died; only called under the writer lock."""
        for name in os.listdir(self.entries_dir):
            if name.startswith(_TEMP_PREFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.entries_dir / name)

    def _head_under_lock(self) -> EntryRecord | None:
        seqs = self._entry_seqs()
        if not seqs:
            return None
        if seqs[-1] != len(seqs):
            missing = next(i for i, seq in enumerate(seqs, start=1) if seq != i)
            raise LedgerStateError(
                f"refusing to append: entry {missing} is missing", hint=_VERIFY_HINT
            )
        return self._record(seqs[-1], hash_of_file=True)

    def _write_entry(self, seq: int, data: bytes) -> Path:
        final = self.entry_path(seq)
        temporary = self.entries_dir / f"{_TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        linked = False
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            _link_or_rename(temporary, final)  # fails rather than overwrite an existing entry
            linked = True
            _unlink_quietly(temporary)
            _fsync_directory(self.entries_dir)
        except FileExistsError:
            _unlink_quietly(temporary)
            raise LedgerStateError(
                f"entry {seq} appeared while this process held the writer lock",
                where=str(final),
                hint="another program writes to the ledger without its lock; " + _VERIFY_HINT,
            ) from None
        except OSError as error:
            _unlink_quietly(temporary)
            if linked:
                _unlink_quietly(final)
            raise LedgerError(
                f"could not write entry {seq}: {describe_os_error(error)}",
                where=str(final),
                hint="free disk space or raise the file size limit, then append again; "
                "the ledger is unchanged",
            ) from None
        return final

    # --- reading ---

    def _entry_seqs(self) -> list[int]:
        """Sequence numbers of the complete entry files, ascending."""
        seqs = []
        for name in os.listdir(self.entries_dir):
            match = _ENTRY_NAME.fullmatch(name)
            if match:
                seqs.append(int(match.group(1)))
        seqs.sort()
        return seqs

    def size(self) -> int:
        """The number of entries."""
        return len(self._entry_seqs())

    def read_entry(self, seq: int) -> bytes:
        """The exact bytes of entry ``seq`` (what was hashed)."""
        try:
            return self.entry_path(seq).read_bytes()
        except FileNotFoundError:
            raise LedgerStateError(
                f"there is no entry {seq} (the ledger has {self.size()})", where=str(self.path)
            ) from None

    def entry_hash(self, seq: int) -> str | None:
        """The hash of entry ``seq``, computed from its file (None when there is no such file)."""
        try:
            return HASH_PREFIX + sha256_hex(self.entry_path(seq).read_bytes())
        except FileNotFoundError:
            return None

    def head(self) -> EntryRecord | None:
        """The last entry, with its hash computed from its file; None for an empty ledger."""
        seqs = self._entry_seqs()
        return self._record(seqs[-1], hash_of_file=True) if seqs else None

    def entries(self) -> Iterator[EntryRecord]:
        """The entries in order, reading only their metadata (see ``EntryRecord.hash``)."""
        seqs = self._entry_seqs()
        previous: EntryRecord | None = None
        for seq in seqs:
            record = self._record(seq, hash_of_file=seq == seqs[-1])
            if previous is not None:
                yield with_hash(previous, record.previous_hash or "")
            previous = record
        if previous is not None:
            yield previous

    def _record(self, seq: int, *, hash_of_file: bool) -> EntryRecord:
        path = self.entry_path(seq)
        try:
            with path.open("rb") as file:
                if hash_of_file:
                    data: bytes | mmap.mmap = file.read()
                else:
                    data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (FileNotFoundError, ValueError):  # ValueError: mmap of an empty file
            raise LedgerStateError(
                f"entry {seq} is missing or empty", where=str(path), hint=_VERIFY_HINT
            ) from None
        try:
            metadata = EntryMetadata.find(data, self.entry_iri(seq))
        finally:
            if isinstance(data, mmap.mmap):
                data.close()
        if isinstance(metadata, str):
            raise LedgerStateError(f"entry {seq} {metadata}", where=str(path), hint=_VERIFY_HINT)
        return record_of(
            metadata,
            seq=seq,
            entry_hash=HASH_PREFIX + sha256_hex(data) if isinstance(data, bytes) else "",
            ledger_id=self.id,
            path=path,
        )

    # --- verifying ---

    def verify_through(
        self, hash_of: int | None, *, workers: int | None, deep: bool
    ) -> tuple[VerifyReport, str | None]:
        """``verify`` (``backend.LedgerBackend``): the entry files, checked by ``workers``
        processes (default: one per CPU for large ledgers, none for small ones)."""
        seqs = self._entry_seqs()

        def deep_problem(seq: int) -> str | None:
            if deep:
                return None  # already checked deeply
            return examine_entry(
                (str(self.entry_path(seq)), seq, self.id, self.limits, True)
            ).problem

        def missing(gap: int) -> str:
            return (
                f"entry {gap} is missing (no file {self.entry_path(gap).name}; "
                f"the next entry file is {seqs[gap - 1]})"
            )

        executor = _executor_for(workers, self._total_bytes(seqs))
        try:
            return verify_chain(
                seqs,
                lambda complete: _map(executor, self._examine_args(complete, deep=deep)),
                deep_problem,
                missing,
                hash_of=hash_of,
            )
        finally:
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)

    def _examine_args(self, seqs: Sequence[int], *, deep: bool) -> Iterator[ExamineArgs]:
        for seq in seqs:
            yield str(self.entry_path(seq)), seq, self.id, self.limits, deep

    def _total_bytes(self, seqs: Sequence[int]) -> int:
        total = 0
        for seq in seqs:
            with contextlib.suppress(OSError):
                total += self.entry_path(seq).stat().st_size
        return total

    # --- checkpoints ---

    # --- the query index ---

    def index(self, *, timeout: float | None = None) -> LedgerIndex:
        """The query index, caught up with every entry, opened read-only.

        Use it as a context manager; while it is open, appends leave the index behind (their
        entries are safe) and the next ``index()`` catches up. A missing or unreadable index is
        rebuilt from the entry files.
        """
        wait = self.lock_timeout if timeout is None else timeout
        size = self._contiguous_size()
        state = _read_index_state(self)
        if not (state.ledger == self.id and state.through == size and self.index_dir.is_dir()):
            self._update_index(wait=wait, required=True)
        for attempt in (1, 2):
            lock = _IndexLock(self.path, timeout=wait, what="read the index", shared=True)
            lock.acquire()
            try:
                try:
                    store = Store.read_only(str(self.index_dir))
                    indexed_through = _indexed_through(store, self, state.through)
                except (OSError, RuntimeError) as error:
                    raise index_unreadable(self, error) from None
            except BaseException:
                lock.release()
                raise
            if indexed_through >= size or attempt == 2:
                return LedgerIndex(store, lock, indexed_through)
            # index.json was ahead of the index (e.g. after a system crash): catch up for real.
            del store
            lock.release()
            self._update_index(wait=wait, required=True, trust_state=False)
        raise AssertionError("unreachable")

    def rebuild_index(self) -> None:
        """Throw the query index away and build it again from the entry files."""
        lock = _IndexLock(self.path, timeout=self.lock_timeout, what="rebuild the index")
        lock.acquire()
        try:
            self._rebuild_index_locked()
        finally:
            lock.release()

    def _update_index(
        self,
        *,
        wait: float,
        required: bool,
        trust_state: bool = True,
        written: tuple[int, bytes] | None = None,
    ) -> None:
        """Bring the index up to the last complete entry, under the exclusive index lock.

        required: raise if the lock is not free within ``wait`` seconds (else just return).
        trust_state: skip opening the index when index.json says it is complete.
        written: (seq, bytes) of the entry this process has just written, so that it is not
        read back from its file (the bytes are the file's, byte for byte).
        """
        lock = _IndexLock(self.path, timeout=wait, what="update the index")
        try:
            lock.acquire()
        except LedgerStateError:
            if required:
                raise
            _log.info("query index busy; it will catch up later")
            return
        try:
            size = self._contiguous_size()
            state = _read_index_state(self)
            if not self.index_dir.is_dir() or state.ledger != self.id:
                self._rebuild_index_locked()
                return
            if trust_state and state.through == size:
                return  # closed after indexing every entry: nothing to open
            try:
                store = Store(str(self.index_dir))
            except RuntimeError as error:  # RocksDB's "Corruption: …": say so, never guess
                raise index_unreadable(self, error) from None
            except OSError as error:
                _log.warning("query index unreadable (%s); rebuilding it", error)
                self._rebuild_index_locked()
                return
            through = _indexed_through(store, self, state.through)
            for seq in range(through + 1, size + 1):
                data = written[1] if written is not None and written[0] == seq else None
                store.extend(list(index_quads(seq, data or self.read_entry(seq))))
            # Flushed, so that the write-ahead log stays empty: every open replays it, read-only
            # ones without clearing it, and a 1,000-claim entry took ~0.4 s to replay on each
            # read-only open and again on the next read-write one, against ~0.2 s to flush.
            store.flush()
            del store  # closes RocksDB before the state says so
            last = written[1] if written is not None and written[0] == size else None
            _write_index_state(self, size, last)
        finally:
            lock.release()

    def _rebuild_index_locked(self) -> None:
        size = self._contiguous_size()
        for name in os.listdir(self.path):
            if name.startswith("index.tmp-"):
                shutil.rmtree(self.path / name, ignore_errors=True)
        building = self.path / f"index.tmp-{secrets.token_hex(4)}"
        store = Store(str(building))
        store.bulk_extend(
            quad for seq in range(1, size + 1) for quad in index_quads(seq, self.read_entry(seq))
        )
        store.flush()
        del store
        _unlink_index_state(self)
        shutil.rmtree(self.index_dir, ignore_errors=True)
        os.rename(building, self.index_dir)
        _fsync_directory(self.path)
        _write_index_state(self, size)

    def _contiguous_size(self) -> int:
        """Entries 1..n that exist without a gap (the index never skips one)."""
        n = 0
        for position, seq in enumerate(self._entry_seqs(), start=1):
            if seq != position:
                break
            n = seq
        return n


class LedgerIndex(LedgerQueries):
    """A read-only view of the query index, as of entry ``indexed_through``; close it when done.

    Closing releases the shared lock, after which an index writer may change the files: do not
    keep query results, iterators or ``store`` itself beyond ``close()``.
    """

    def __init__(self, store: Store, lock: _IndexLock, indexed_through: int) -> None:
        self.store: Store | None = store
        self._lock = lock
        self.indexed_through = indexed_through

    def run_query(self, sparql: str, values: Mapping[str, Term], union: bool) -> QueryResult:
        """``query`` (``backend.LedgerQueries``) on the index, with pyoxigraph's substitutions."""
        if self.store is None:
            raise LedgerStateError("the index has been closed")
        bound = {Variable(name): term for name, term in values.items()}
        return self.store.query(sparql, substitutions=bound, use_default_graph_as_union=union)

    def known_triples(self, triples: Sequence[Triple3]) -> set[Triple3]:
        """Which of ``triples`` the ledger holds, in any entry: one index lookup per triple."""
        if self.store is None:
            raise LedgerStateError("the index has been closed")
        store = self.store
        return {
            (s, p, o)
            for s, p, o in triples
            if isinstance(p, NamedNode)  # no other subject or predicate can be held
            and isinstance(s, NamedNode | BlankNode | Triple)
            and next(iter(store.quads_for_pattern(s, p, o, None)), None) is not None
        }

    def close(self) -> None:
        if self.store is not None:
            self.store = None  # drops the read-only RocksDB handle
            self._lock.release()


# --- entry metadata ---------------------------------------------------------------------------


# --- verification workers ---------------------------------------------------------------------


def _executor_for(workers: int | None, total_bytes: int) -> Executor | None:
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if total_bytes > 64 * 2**20 else 1
    if workers <= 1:
        return None
    # "spawn": the parent may hold RocksDB handles and threads that fork would copy.
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))


def _map(executor: Executor | None, args: Iterator[ExamineArgs]) -> Iterator[EntryFacts]:
    if executor is None:
        return map(examine_entry, args)
    return executor.map(examine_entry, args, chunksize=4)


# --- checkpoints ------------------------------------------------------------------------------


# --- index helpers ----------------------------------------------------------------------------


#: SQLite's result code for "database or disk is full" (sqlite3.Error.sqlite_errorcode)
_SQLITE_FULL = 13


def out_of_space(error: BaseException) -> str | None:
    """What ran out when ``error`` says a write found the disk (or the file size limit) full.

    Recognises OSError numbers, RocksDB's "IO error: … No space left on device" (an OSError
    or RuntimeError without a number) and SQLite's "database or disk is full"; None otherwise.
    """
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device"
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return "the file size limit was reached"
    text = str(error)
    if "No space left on device" in text or "Disk quota exceeded" in text:
        return "no space left on the device"
    if "File too large" in text:
        return "the file size limit was reached"
    code = getattr(error, "sqlite_errorcode", None)
    if code == _SQLITE_FULL or "database or disk is full" in text:
        return "no space left on the device"
    return None


def _is_corruption(error: BaseException) -> bool:
    """Whether RocksDB refused the index's files as damaged (not a lock, space or permission)."""
    return str(error).startswith("Corruption:")


def index_unreadable(ledger: Ledger, error: BaseException) -> LedgerError:
    """The error for a query index that cannot be opened, naming ``claim-ledger rebuild``."""
    if _is_corruption(error):
        reason = f"its files are damaged ({str(error).split('  ')[0][:160]})"
    else:
        reason = describe_os_error(error) if isinstance(error, OSError) else str(error)[:200]
    return LedgerStateError(
        f"the query index (derived from the entries) cannot be read: {reason}",
        where=str(ledger.index_dir),
        hint="the entries are not affected; run `claim-ledger rebuild --index` to build the "
        "index again from them",
    )


def _indexed_through(store: Store, ledger: Ledger, hint: int) -> int:
    """The last entry whose metadata graph is in the index (each entry goes in atomically)."""
    through = (
        hint if hint > 0 and store.contains_named_graph(NamedNode(ledger.entry_iri(hint))) else 0
    )
    while store.contains_named_graph(NamedNode(ledger.entry_iri(through + 1))):
        through += 1
    return through


@dataclass(frozen=True)
class IndexState:
    """What index.json records: the ledger, and the head (sequence and hash) indexed through."""

    ledger: str | None
    through: int
    head_hash: str | None = None


def read_index_state(ledger: Ledger) -> IndexState:
    """What index.json says; a hint only, so anything unreadable means "start from scratch"."""
    try:
        state = json.loads((ledger.path / "index.json").read_text(encoding="utf-8"))
        head_hash = state.get("head_hash")
        return IndexState(
            str(state["ledger"]),
            int(state["through"]),
            head_hash if isinstance(head_hash, str) else None,
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return IndexState(None, 0)


_read_index_state = read_index_state


def _write_index_state(ledger: Ledger, through: int, data: bytes | None = None) -> None:
    """Record the head the index was built through: its sequence and its entry's hash.

    data: the bytes of entry ``through`` when the caller has them (else the file is read).
    """
    head_hash = None
    if through > 0:
        head_hash = HASH_PREFIX + sha256_hex(
            data if data is not None else ledger.read_entry(through)
        )
    state = {"ledger": ledger.id, "through": through, "head_hash": head_hash}
    temporary = ledger.path / f"index.json.{secrets.token_hex(4)}"
    temporary.write_text(json.dumps(state) + "\n", encoding="utf-8")
    os.replace(temporary, ledger.path / "index.json")


def _unlink_index_state(ledger: Ledger) -> None:
    _unlink_quietly(ledger.path / "index.json")


# --- files, locks, time -----------------------------------------------------------------------


class FileLock:
    """flock(2) on a file, waiting up to ``timeout`` seconds, with a clear error after that."""

    def __init__(self, path: Path, *, timeout: float, what: str, shared: bool = False) -> None:
        self.path = path
        self.timeout = timeout
        self.what = what
        self.shared = shared
        self.fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        delay = 0.001
        operation = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        while True:
            try:
                fcntl.flock(fd, operation)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LedgerStateError(
                        f"cannot {self.what}: another process has held the lock for more than "
                        f"{self.timeout:g} s",
                        where=str(self.path),
                        hint="wait for the other claim-ledger command to finish and try again",
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exception: object) -> None:
        self.release()


class _IndexLock:
    """The index's readers-writer lock: readers share ``index.lock``, a writer holds it alone.

    flock(2) is not fair, so a stream of short readers could starve a writer. Everyone first
    passes ``index.turnstile`` (exclusive, held only while waiting for ``index.lock``): a waiting
    writer holds it, new readers queue behind it, and the writer gets in once the readers
    already inside are done.
    """

    def __init__(
        self, ledger_path: Path, *, timeout: float, what: str, shared: bool = False
    ) -> None:
        self.ledger_path = ledger_path
        self.timeout = timeout
        self.what = what
        self.shared = shared
        self.lock: FileLock | None = None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        turnstile = FileLock(
            self.ledger_path / "index.turnstile", timeout=self.timeout, what=self.what
        )
        turnstile.acquire()
        try:
            lock = FileLock(
                self.ledger_path / "index.lock",
                timeout=max(0.0, deadline - time.monotonic()),
                what=self.what,
                shared=self.shared,
            )
            lock.acquire()
            self.lock = lock
        finally:
            turnstile.release()

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def _write_new_file(directory: Path, name: str, data: bytes) -> None:
    """Write ``directory/name`` durably; FileExistsError if it already exists."""
    temporary = directory / f"{_TEMP_PREFIX}{name}-{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        _link_or_rename(temporary, directory / name)
    finally:
        _unlink_quietly(temporary)
    _fsync_directory(directory)


def _link_or_rename(source: Path, target: Path) -> None:
    """Give ``source`` the name ``target`` atomically, never replacing an existing ``target``.

    A hard link fails if the target exists. Where the file system has no hard links, a rename
    after a check does the same job because the caller holds the writer lock.
    """
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "entry exists", str(target)) from None
        os.rename(source, target)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
