"""The entry format both ledger backends share: records, metadata, verification, checkpoints.

An entry is the canonical N-Quads of its content plus a metadata graph named by the entry's IRI
(``<ledger id>:entry:<seq>``): type cl:LedgerEntry, ledger, sequence, hash algorithm, time,
author, message, kind, the previous entry's hash and the content graphs. An entry's hash is the
SHA-256 of those bytes. The embedded ledger (``ledger.chain.store``) keeps them as files, the
SPARQL-server ledger (``ledger.chain.remote``) as literals; both check them here, with the same
checks and messages.
"""

from __future__ import annotations

import dataclasses
import errno
import mmap
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse

from ledger.chain.canon import (
    HASH_ALGORITHM,
    CanonicalizationLimits,
    canonical_nquads,
    check_canonical,
    check_sorted_lines,
    sha256_hex,
)
from ledger.errors import CanonicalizationError, HeadMovedError, LedgerStateError, UsageError
from ledger.vocab import CL_IRI as CL
from ledger.vocab import PROV_IRI as PROV
from ledger.vocab import RDF_TYPE
from ledger.vocab import XSD_IRI as XSD

FORMAT = 1
HASH_PREFIX = "sha256:"
CHECKPOINT_HEADER = "claim-ledger checkpoint v1"
LEDGER_ID = re.compile(
    r"urn:claim-ledger:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


@dataclass(frozen=True)
class EntryRecord:
    """What the ledger knows about one entry without reading its claims.

    ``hash`` is ``sha256:<hex>`` of the entry file. ``entries()`` takes it from the next entry's
    ``previousEntryHash`` (and computes the head's), so it costs no full read; ``verify()``
    recomputes every hash.
    """

    seq: int
    hash: str
    previous_hash: str | None
    time: datetime
    author: str
    message: str
    kind: str
    ledger_id: str
    path: Path


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of ``verify()`` or ``verify_checkpoint()``.

    entries: entry files in the ledger. verified: entries 1..verified were checked and chain
    correctly. head_hash: hash of the last verified entry. bad_seq: the first entry that could
    not be verified (None when ok, or when the problem is not one entry's, e.g. a malformed
    checkpoint). reason: what is wrong.
    """

    ok: bool
    entries: int
    verified: int
    head_hash: str | None
    bad_seq: int | None = None
    reason: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"ok: {self.entries} entries, head {self.head_hash or 'none (empty ledger)'}"
        where = f"entry {self.bad_seq}: " if self.bad_seq is not None else ""
        return f"verification failed: {where}{self.reason}"


@dataclass(frozen=True)
class PreparedContent:
    """An entry's content, checked and canonicalised before the writer lock (``prepare``).

    ``append`` takes it instead of quads, so that a caller can do the expensive part while it
    waits for something else (``api.add`` canonicalises while the shapes run). It is only
    trusted by the ledger that made it, with the same limits.
    """

    ledger_id: str
    limits: CanonicalizationLimits
    quads: tuple[Quad, ...]
    document: bytes
    content_graphs: tuple[str, ...]


@dataclass(frozen=True)
class EntryMetadata:
    sequence: int
    ledger: str
    previous_hash: str | None
    hash_algorithm: str
    time: datetime
    author: str
    message: str
    kind: str

    @staticmethod
    def find(data: bytes | mmap.mmap, entry_iri: str) -> EntryMetadata | str:
        """The metadata of entry ``entry_iri`` in a sorted N-Quads document, or what is wrong."""
        subject = f"<{entry_iri}> ".encode()
        graph = f" <{entry_iri}> .".encode()
        lines = [line for line in lines_starting_with(data, subject) if line.endswith(graph)]
        if not lines:
            other = other_ledger(data)
            if other is not None:
                return f"belongs to ledger {other}, not this one"
            return f"has no metadata for <{entry_iri}> (it is damaged or foreign)"
        try:
            quads = list(parse(b"\n".join(lines) + b"\n", format=RdfFormat.N_QUADS))
        except SyntaxError as error:
            return f"has metadata that cannot be parsed: {error}"
        values: dict[str, list[NamedNode | BlankNode | Literal | Triple]] = {}
        for quad in quads:
            values.setdefault(quad.predicate.value, []).append(quad.object)

        def one(predicate: str, *, optional: bool = False) -> str | None:
            found = values.get(predicate, [])
            if not found and optional:
                return None
            if len(found) != 1:
                raise BadMetadata(f"has {len(found)} values for <{predicate}>, not one")
            term = found[0]
            if isinstance(term, Triple | BlankNode):
                raise BadMetadata(f"has a <{predicate}> that is not an IRI or a literal")
            return term.value

        try:
            if one(RDF_TYPE) != CL + "LedgerEntry":
                return "is not marked as a cl:LedgerEntry"
            sequence = one(CL + "sequence") or ""
            time_text = one(PROV + "generatedAtTime") or ""
            if not sequence.isdigit():
                return f"has cl:sequence {sequence!r}, not a number"
            try:
                when = parse_time(time_text)
            except ValueError:
                return f"has prov:generatedAtTime {time_text!r}, not a UTC date-time"
            return EntryMetadata(
                sequence=int(sequence),
                ledger=one(CL + "ledger") or "",
                previous_hash=one(CL + "previousEntryHash", optional=True),
                hash_algorithm=one(CL + "hashAlgorithm") or "",
                time=when,
                author=one(CL + "author") or "",
                message=one(CL + "message") or "",
                kind=one(CL + "entryKind") or "",
            )
        except BadMetadata as bad:
            return str(bad)


class BadMetadata(Exception):
    pass


def lines_starting_with(data: bytes | mmap.mmap, prefix: bytes) -> list[bytes]:
    """The lines of a sorted document that start with ``prefix``, found by binary search."""
    low, high = 0, len(data)
    # Invariant: lines starting before `low` sort before `prefix`; lines from `high` do not.
    while low < high:
        middle = (low + high) // 2
        newline = data.rfind(b"\n", low, middle)
        start = low if newline < 0 else newline + 1
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end] < prefix:
            low = end + 1
        else:
            high = start
    lines = []
    while low < len(data):
        end = data.find(b"\n", low)
        end = len(data) if end < 0 else end
        line = data[low:end]
        if not line.startswith(prefix):
            break
        lines.append(line)
        low = end + 1
    return lines


LEDGER_PREDICATE = f" <{CL}ledger> <urn:claim-ledger:".encode()


def other_ledger(data: bytes | mmap.mmap) -> str | None:
    """The ledger a foreign entry names in its metadata, if any."""
    at = data.find(LEDGER_PREDICATE)
    if at < 0:
        return None
    start = at + len(LEDGER_PREDICATE) - len(b"urn:claim-ledger:")
    end = data.find(b">", start)
    return bytes(data[start:end]).decode("utf-8", "replace")


@dataclass(frozen=True)
class EntryFacts:
    seq: int
    hash: str
    previous_hash: str | None
    problem: str | None


#: path, sequence number, ledger id, limits, deep: one entry for a verification worker.
ExamineArgs = tuple[str, int, str, CanonicalizationLimits, bool]


def examine_bytes(
    data: bytes,
    seq: int,
    ledger_id: str,
    limits: CanonicalizationLimits,
    *,
    deep: bool,
    stored_as: str = "its file name says",
) -> EntryFacts:
    """Everything ``verify`` needs to know about the stored bytes of entry ``seq``.

    The default check reads the bytes once: SHA-256, sorted unique lines, the metadata found by
    binary search. deep also proves the bytes are the canonical N-Quads of their own dataset.
    stored_as: how the backend names where entry ``seq`` was found, for a reordering.
    """
    digest = HASH_PREFIX + sha256_hex(data)

    def bad(problem: str) -> EntryFacts:
        return EntryFacts(seq, digest, None, f"entry {seq} {problem}")

    try:
        not_canonical = check_canonical(data, limits=limits) if deep else check_sorted_lines(data)
    except CanonicalizationError as error:
        return bad(f"cannot be checked: {error.message}")
    if not_canonical is not None:
        return bad(f"is not canonical N-Quads: {not_canonical}")
    metadata = EntryMetadata.find(data, f"{ledger_id}:entry:{seq}")
    if isinstance(metadata, str):
        found = recorded_sequence(data, ledger_id)
        if found is not None and found != seq:
            return bad(f"holds entry {found} ({stored_as} {seq}: entries were reordered)")
        return bad(metadata)
    if metadata.sequence != seq:
        return bad(f"records sequence {metadata.sequence}")
    if metadata.ledger != ledger_id:
        return bad(f"records ledger {metadata.ledger}, not this one")
    if metadata.hash_algorithm != HASH_ALGORITHM:
        return bad(f"records hash algorithm {metadata.hash_algorithm!r}, not {HASH_ALGORITHM}")
    return EntryFacts(seq, digest, metadata.previous_hash, None)


def examine_entry(
    args: ExamineArgs | tuple[str, int, str, CanonicalizationLimits],
) -> EntryFacts:
    """``examine_bytes`` of one entry file (runs in a verification worker process).

    deep (the fifth argument) defaults to True.
    """
    path, seq, ledger_id, limits = args[:4]
    deep = args[4] if len(args) > 4 else True
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return EntryFacts(seq, "", None, f"cannot be read: {describe_os_error(error)}")
    return examine_bytes(data, seq, ledger_id, limits, deep=deep)


def recorded_sequence(data: bytes, ledger_id: str) -> int | None:
    """The sequence number in the entry metadata graph of ``ledger_id``, whatever its number."""
    pattern = re.compile(
        rb"<"
        + re.escape(ledger_id.encode())
        + rb":entry:(\d+)> <"
        + re.escape(CL.encode())
        + rb"sequence> "
    )
    match = pattern.search(data)
    return int(match.group(1)) if match else None


def broken_link(
    previous: EntryFacts, current: EntryFacts, following: EntryFacts | None
) -> tuple[int, str]:
    """The first bad entry, and why, when entry ``current`` does not record ``previous``'s hash.

    The chain alone cannot tell "entry k changed" from "entries k+1… rewritten and re-chained",
    so that reason names both. An entry that matches neither neighbour is the one changed.
    """
    text = (
        f"entry {previous.seq} hashes to {previous.hash}, but entry {current.seq} records "
        f"previousEntryHash {current.previous_hash or 'nothing'}"
    )
    if following is None:
        return (
            previous.seq,
            f"{text}: entry {previous.seq} or the link in entry {current.seq} was changed",
        )
    if following.problem is None and following.previous_hash == current.hash:
        return previous.seq, (
            f"{text}: entry {previous.seq} was changed, or the entries from {current.seq} on "
            "were rewritten"
        )
    return current.seq, (
        f"{text}, and entry {following.seq} does not record entry {current.seq}'s hash either: "
        f"entry {current.seq} was changed"
    )


def parse_checkpoint(text: str) -> tuple[str, int, str | None] | str:
    """(ledger id, size, head hash or None), or what is malformed."""
    lines = text.strip("\n").split("\n")
    if len(lines) != 4:
        return f"expected 4 lines, found {len(lines)}"
    header, ledger_line, size_line, head_line = (line.rstrip("\r") for line in lines)
    if header != CHECKPOINT_HEADER:
        return f"line 1 should be {CHECKPOINT_HEADER!r}"
    ledger_id = ledger_line.removeprefix("ledger ")
    if ledger_line == ledger_id or not LEDGER_ID.fullmatch(ledger_id):
        return "line 2 should be 'ledger urn:claim-ledger:<uuid>'"
    size_text = size_line.removeprefix("size ")
    if size_line == size_text or not size_text.isdigit():
        return "line 3 should be 'size <number of entries>'"
    head = head_line.removeprefix("head ")
    size = int(size_text)
    if size == 0:
        if head != "none":
            return "line 4 should be 'head none' for an empty ledger"
        return ledger_id, 0, None
    if head_line == head or not re.fullmatch(r"sha256:[0-9a-f]{64}", head):
        return "line 4 should be 'head sha256:<64 hex digits>'"
    return ledger_id, size, head


def failed_copy(report: VerifyReport, seq: int, reason: str) -> VerifyReport:
    return VerifyReport(False, report.entries, report.verified, report.head_hash, seq, reason)


def prepared_content(ledger: Preparer, quads: tuple[Quad, ...]) -> PreparedContent:
    """``quads`` canonicalised for ``ledger`` (after its own checks of them): ``prepare``."""
    return PreparedContent(
        ledger_id=ledger.id,
        limits=ledger.limits,
        quads=quads,
        document=canonical_nquads(quads, limits=ledger.limits),
        content_graphs=tuple(
            sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, NamedNode)})
        ),
    )


class Preparer(Protocol):
    id: str
    limits: CanonicalizationLimits

    def prepare(self, quads: Iterable[Quad]) -> PreparedContent: ...


def prepared_by(ledger: Preparer, quads: Iterable[Quad] | PreparedContent) -> PreparedContent:
    """``quads`` checked and canonicalised by ``ledger``, unless it already prepared them."""
    if (
        isinstance(quads, PreparedContent)
        and quads.ledger_id == ledger.id
        and quads.limits == ledger.limits
    ):
        return quads
    return ledger.prepare(quads.quads if isinstance(quads, PreparedContent) else quads)


def refuse_moved_head(size: int, after: int | None) -> None:
    """``HeadMovedError`` when an entry built against ``after`` entries meets ``size`` (append)."""
    if after is not None and size != after:
        raise HeadMovedError(f"the ledger has {size} entries, the entry was built against {after}")


def describe_os_error(error: OSError) -> str:
    if error.errno == errno.EFBIG:
        return "file too large (the file size limit was reached)"
    if error.errno == errno.ENOSPC:
        return "no space left on the device"
    return error.strerror or str(error)


def lexical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_lexical() -> str:
    return lexical_time(datetime.now(UTC))


def parse_time(text: str) -> datetime:
    if not text.endswith("Z"):
        raise ValueError(f"not a UTC time: {text!r}")
    return datetime.fromisoformat(text)


def with_hash(record: EntryRecord, entry_hash: str) -> EntryRecord:
    return dataclasses.replace(record, hash=entry_hash)


def metadata_quads(
    *,
    ledger_id: str,
    seq: int,
    previous_hash: str | None,
    time: str,
    author: str,
    message: str,
    kind: str,
    content_graphs: Sequence[str] = (),
) -> list[Quad]:
    """The metadata graph of entry ``seq`` of ledger ``ledger_id``."""
    entry = NamedNode(f"{ledger_id}:entry:{seq}")
    values: list[tuple[str, NamedNode | Literal]] = [
        (RDF_TYPE, NamedNode(CL + "LedgerEntry")),
        (CL + "ledger", NamedNode(ledger_id)),
        (CL + "sequence", Literal(str(seq), datatype=NamedNode(XSD + "integer"))),
        (CL + "hashAlgorithm", Literal(HASH_ALGORITHM)),
        (PROV + "generatedAtTime", Literal(time, datatype=NamedNode(XSD + "dateTime"))),
        (CL + "author", Literal(author)),
        (CL + "message", Literal(message)),
        (CL + "entryKind", Literal(kind)),
    ]
    if previous_hash is not None:
        values.append((CL + "previousEntryHash", Literal(previous_hash)))
    # Which named graphs hold the entry's content: an export can be split into entries again.
    values.extend((CL + "contentGraph", NamedNode(graph)) for graph in content_graphs)
    return [Quad(entry, NamedNode(predicate), obj, entry) for predicate, obj in values]


def verify_chain(
    seqs: Sequence[int],
    examine: Callable[[Sequence[int]], Iterator[EntryFacts]],
    deep_problem: Callable[[int], str | None],
    missing: Callable[[int], str],
    *,
    hash_of: int | None = None,
) -> tuple[VerifyReport, str | None]:
    """Walk the stored entries ``seqs`` in order; the report and entry ``hash_of``'s hash.

    examine: the facts of each of the given (contiguous) entries, in order. deep_problem: what
    a deep check finds wrong with an entry after a default check failed (None when the check
    was deep already), so the reason given is the one a deep check gives. missing: the reason
    for a gap in the numbering at a sequence number.
    """
    count = len(seqs)
    verified = 0
    head_hash: str | None = None
    wanted_hash: str | None = None

    def failed(seq: int, reason: str) -> tuple[VerifyReport, str | None]:
        return VerifyReport(False, count, verified, head_hash, seq, reason), wanted_hash

    gap = next((i for i, seq in enumerate(seqs, start=1) if seq != i), None)
    facts_stream = examine(seqs if gap is None else seqs[: gap - 1])
    previous: EntryFacts | None = None
    hashes: dict[int, str] = {}
    for facts in facts_stream:
        if facts.problem is not None:
            return failed(facts.seq, deep_problem(facts.seq) or facts.problem)
        if previous is not None and facts.previous_hash != previous.hash:
            # A deep check examines each entry before the link; report what it would.
            problem = deep_problem(previous.seq)
            if problem is not None:
                verified, head_hash = previous.seq - 1, hashes.get(previous.seq - 1)
                return failed(previous.seq, problem)
            problem = deep_problem(facts.seq)
            if problem is not None:
                verified, head_hash = previous.seq, previous.hash
                return failed(facts.seq, problem)
            following = next(facts_stream, None)
            bad_seq, reason = broken_link(previous, facts, following)
            verified, head_hash = bad_seq - 1, hashes.get(bad_seq - 1)
            return failed(bad_seq, reason)
        if previous is None and facts.previous_hash is not None:
            return failed(facts.seq, "entry 1 records a previousEntryHash; it must not")
        hashes = {previous.seq: previous.hash} if previous else {}
        hashes[facts.seq] = facts.hash
        verified, head_hash = facts.seq, facts.hash
        if facts.seq == hash_of:
            wanted_hash = facts.hash
        previous = facts
    if gap is not None:
        return failed(gap, missing(gap))
    return VerifyReport(True, count, verified, head_hash), wanted_hash


def checkpoint_text(ledger_id: str, head: EntryRecord | None) -> str:
    """A short text that pins a ledger's size and head hash (see ``verify_checkpoint``)."""
    return (
        f"{CHECKPOINT_HEADER}\n"
        f"ledger {ledger_id}\n"
        f"size {0 if head is None else head.seq}\n"
        f"head {'none' if head is None else head.hash}\n"
    )


def verify_against_checkpoint(
    text: str,
    ledger_id: str,
    size: Callable[[], int],
    verify: Callable[[int], tuple[VerifyReport, str | None]],
) -> VerifyReport:
    """Whether the ledger verifies and extends the checkpoint ``text`` (no rollback/rewrite).

    size: the ledger's number of entries. verify: the ledger's verification, returning the
    recomputed hash of the entry at the given position as well.
    """
    parsed = parse_checkpoint(text)
    if isinstance(parsed, str):
        return VerifyReport(False, size(), 0, None, None, f"malformed checkpoint: {parsed}")
    checkpoint_ledger, checkpoint_size, head = parsed
    if checkpoint_ledger != ledger_id:
        return VerifyReport(
            False,
            size(),
            0,
            None,
            None,
            f"the checkpoint is for ledger {checkpoint_ledger}; this ledger is {ledger_id}",
        )
    report, hash_at_size = verify(checkpoint_size)
    if not report.ok:
        return report
    if report.entries < checkpoint_size:
        return failed_copy(
            report,
            checkpoint_size,
            f"rollback: the checkpoint records {checkpoint_size} entries, the ledger has only "
            f"{report.entries}",
        )
    if checkpoint_size > 0 and hash_at_size != head:
        return failed_copy(
            report,
            checkpoint_size,
            f"history rewritten: entry {checkpoint_size} hashes to {hash_at_size}, the "
            f"checkpoint records {head}",
        )
    return report


# --- shared by both backends' writers and readers ---------------------------------------------

#: how long a writer waits for another one's writer lock, in seconds (both backends)
LOCK_TIMEOUT = 30.0


def refuse_entry_iris(ledger_id: str, quads: Iterable[Quad]) -> None:
    """``UsageError`` for content quads that use the ledger's own entry IRIs (its metadata)."""
    reserved = f"{ledger_id}:entry:"
    for quad in quads:
        for term in (quad.subject, quad.graph_name):
            if isinstance(term, NamedNode) and term.value.startswith(reserved):
                raise UsageError(
                    f"quads may not use the ledger's own entry IRIs ({term})",
                    hint="entry metadata is written by the ledger itself",
                )


def check_import(data: bytes, *, ledger_id: str, seq: int, head_hash: str | None) -> None:
    """``LedgerStateError`` unless ``data`` (an exported entry) is entry ``seq`` of this ledger,
    built on the head whose hash is ``head_hash`` (None: the ledger is empty)."""
    metadata = EntryMetadata.find(data, f"{ledger_id}:entry:{seq}")
    if isinstance(metadata, str):
        raise LedgerStateError(f"the entry for position {seq} {metadata}")
    if metadata.previous_hash != head_hash:
        raise LedgerStateError(
            f"entry {seq} records previous hash {metadata.previous_hash}, "
            f"but entry {seq - 1} hashes to {head_hash}"
        )
    if metadata.ledger != ledger_id or metadata.hash_algorithm != HASH_ALGORITHM:
        raise LedgerStateError(f"entry {seq} belongs to ledger {metadata.ledger}")
    if metadata.sequence != seq:
        raise LedgerStateError(f"entry {seq} records sequence {metadata.sequence}")


def record_of(
    metadata: EntryMetadata, *, seq: int, entry_hash: str, ledger_id: str, path: Path
) -> EntryRecord:
    """The record of entry ``seq`` from its metadata (``entry_hash`` "" when not computed)."""
    return EntryRecord(
        seq=seq,
        hash=entry_hash,
        previous_hash=metadata.previous_hash,
        time=metadata.time,
        author=metadata.author,
        message=metadata.message,
        kind=metadata.kind,
        ledger_id=ledger_id,
        path=path,
    )


def index_quads(seq: int, data: bytes) -> Iterator[Quad]:
    """The quads of entry ``seq`` with blank nodes made distinct from other entries' (e{seq}_…)."""
    prefix = f"e{seq}_"
    for quad in parse(data, format=RdfFormat.N_QUADS):
        subject, obj, graph = quad.subject, quad.object, quad.graph_name
        if (
            isinstance(subject, BlankNode)
            or isinstance(obj, BlankNode)
            or isinstance(graph, BlankNode)
        ):
            yield Quad(
                BlankNode(prefix + subject.value) if isinstance(subject, BlankNode) else subject,
                quad.predicate,
                BlankNode(prefix + obj.value) if isinstance(obj, BlankNode) else obj,
                BlankNode(prefix + graph.value) if isinstance(graph, BlankNode) else graph,
            )
        else:
            yield quad
