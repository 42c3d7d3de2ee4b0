"""The library behind the ledger commands: add, retract, supersede, log, show, as-of views.

``cli.py`` parses options and calls one function here; each returns plain data that
``output.py`` prints. The pipeline runs one way: load → validate → entries → store.
"""

from __future__ import annotations

import inspect
import logging
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from ledger import query, resources
from ledger.chain import derived, entries
from ledger.chain.backend import LedgerBackend, LedgerQueries
from ledger.chain.canon import canonical_nquads as canon_bytes
from ledger.chain.canon import sha256_hex
from ledger.chain.entries import RATINGS, RELIABILITY
from ledger.chain.entry import EntryRecord, PreparedContent, VerifyReport, index_quads
from ledger.chain.location import LedgerLocation
from ledger.chain.store import DEFAULT_DIRECTORY, Ledger, out_of_space
from ledger.errors import (
    HeadMovedError,
    InputError,
    LedgerError,
    LedgerStateError,
    UsageError,
    VerificationError,
)
from ledger.extraction.extract import LANGUAGES as EXTRACT_LANGUAGES
from ledger.extraction.review import EDIT_HELP as REVIEW_EDIT_HELP
from ledger.extraction.review import Item as ReviewItem
from ledger.extraction.review import Proposal as ReviewProposal
from ledger.extraction.review import ReviewSession, default_vocabulary
from ledger.intake.anchor import Anchor, find_anchor
from ledger.intake.convert import FORMATS as CONVERT_FORMATS
from ledger.intake.load import (
    MAX_DOCUMENT_BYTES,
    LoadedBatch,
    document_quads,
    load_paths,
    read_text_file,
)
from ledger.intake.validate import ENGINES, ValidationReport, load_context, validate_batch
from ledger.query import DEFAULT_MEMORY_MIB as DEFAULT_QUERY_MEMORY_MIB
from ledger.vocab import CL_IRI, RDF_TYPE, XSD_IRI
from ledger.vocab import PROV_IRI as PROV

CL = CL_IRI

#: An open ledger: the embedded ``store.Ledger`` or the remote one (``ledger.chain.backend``).
Backend = LedgerBackend
_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ledger.extraction.score import Evaluation as ExtractionEvaluation
    from ledger.pipeline import RunResult
#: a typed analysis row (``ledger.analysis.compare.ConflictRow``, …)
RowT = TypeVar("RowT")
Index = LedgerQueries


@dataclass
class AddResult:
    """What an add (or supersede) did: the entry written, the claims, and the verdict."""

    entry: EntryRecord | None
    report: ValidationReport
    claims: list[entries.MintedClaim] = field(default_factory=list)
    #: seconds spent per step (load, context, validate, entries, append); validate and entries
    #: overlap in time
    timings: dict[str, float] = field(default_factory=dict)
    #: the conflicts and revisions between the added claims and the ledger (``conflicts`` rows)
    conflicts: list[Mapping[str, Any]] = field(default_factory=list)
    #: why the conflict check could not run (the entry is appended all the same), or None
    check_failed: str | None = None

    @property
    def added(self) -> list[entries.MintedClaim]:
        return [c for c in self.claims if c.new]

    @property
    def duplicates(self) -> list[entries.MintedClaim]:
        return [c for c in self.claims if not c.new]


# ---------------------------------------------------------------- the ledger's side of a batch


def _one(index: Index, sparql: str, **values: Any) -> list[Any]:
    result = index.query(sparql, substitutions=values)
    return list(result)  # type: ignore[arg-type]


def known_triples(index: Index) -> entries.KnownTriples:
    """Which of some triples the ledger already holds (in any entry), asked in batches."""

    def known(triples: Sequence[entries.Triple3]) -> set[entries.Triple3]:
        return index.known_triples(triples)

    return known


def ledger_context(batch: LoadedBatch, index: Index, hops: int = 2) -> LoadedBatch:
    """The ledger's descriptions of what the batch refers to but does not describe itself.

    Sources, entities, the case and documents added in earlier entries: only those the batch
    names (and what they name, ``hops`` deep), never the whole ledger.
    """
    described = {q.subject for q in batch.quads}
    frontier = {
        q.object
        for q in batch.quads
        if isinstance(q.object, ox.NamedNode) and q.object not in described
    }
    context = LoadedBatch()
    seen: set[ox.NamedNode] = set()
    for _ in range(hops):
        following: set[ox.NamedNode] = set()
        for node in sorted(frontier - seen, key=str):
            seen.add(node)
            for row in _one(index, resources.query("node-triples"), s=node):
                predicate, obj = row["p"], row["o"]
                context.quads.append(ox.Quad(node, predicate, obj))
                if isinstance(obj, ox.NamedNode) and obj not in described:
                    following.add(obj)
        frontier = following
    # The last ring: only what makes those nodes conform on their own (type, name, kind,
    # alignment), not their links, so that the context stays bounded.
    for node in sorted(frontier - seen, key=str):
        for row in _one(index, resources.query("node-summary"), s=node):
            context.quads.append(ox.Quad(node, row["p"], row["o"]))
    return context


# ---------------------------------------------------------------- add, retract, supersede


#: how many times ``add`` looks for duplicates again when other writers append first
APPEND_ATTEMPTS = 20


def add(
    ledger: Backend, paths: Sequence[Path], *, author: str, message: str, check: bool = True
) -> AddResult:
    """Validate a batch exactly as ``validate`` does; append it as one entry if it conforms."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    batch = load_paths(paths)
    timings["load"] = time.perf_counter() - started
    with ledger.index() as index:
        started = time.perf_counter()
        context = ledger_context(batch, index)
        timings["context"] = time.perf_counter() - started
        report, content, prepared = _validate_and_build(ledger, batch, context, index, timings)
        built_on = index.indexed_through
    if content is None:
        return AddResult(entry=None, report=report, timings=timings)
    started = time.perf_counter()
    for attempt in range(1, APPEND_ATTEMPTS + 1):
        if prepared is None:  # nothing new to add
            return AddResult(entry=None, report=report, claims=content.claims, timings=timings)
        try:
            # duplicates were looked for in the ledger of `built_on` entries: append only if
            # no other writer has appended since, else look again (the same claim, added by
            # two writers at once, is then added once)
            record = ledger.append(
                prepared, author=author, message=message, kind="add", after=built_on
            )
            break
        except HeadMovedError:
            if attempt == APPEND_ATTEMPTS:
                raise
            with ledger.index() as index:
                content = entries.build_add(batch, known_triples(index))
                built_on = index.indexed_through
            prepared = ledger.prepare(content.quads) if content.quads else None
    timings["append"] = time.perf_counter() - started
    result = AddResult(entry=record, report=report, claims=content.claims, timings=timings)
    if check and result.added:
        started = time.perf_counter()
        try:
            result.conflicts = batch_conflicts(ledger, [c.iri for c in result.added])
        except LedgerError as error:  # the entry is safe; only the report of conflicts is missing
            result.check_failed = str(error)
        except (OSError, RuntimeError, sqlite3.Error) as error:
            space = out_of_space(error)
            if space is None:
                raise
            store = "findings file" if isinstance(error, sqlite3.Error) else "query index"
            result.check_failed = (
                f"entry {record.seq} was added; the {store} could not be updated ({space}); "
                "it catches up on the next command once space is free"
            )
        timings["check"] = time.perf_counter() - started
    return result


def local_ledger(ledger: Backend) -> Ledger | None:
    """The embedded ledger whose query index and findings file serve the analysis of ``ledger``.

    The ledger itself when embedded. For a ledger on a SPARQL server, its verified local replica
    (``ledger.chain.replica``), brought up to date with the server first; None (with a warning) when
    no replica can be kept, e.g. the cache folder is not writable.
    """
    if isinstance(ledger, Ledger):
        return ledger
    from ledger.chain import replica  # only a ledger on a server needs one

    try:
        return replica.replica(ledger)
    except OSError as error:
        _log.warning(
            "no local replica of %s (%s): the analysis reads a copy of the ledger in memory",
            ledger.location,
            error,
        )
        return None


def findings_file(ledger: Ledger | None) -> Path | None:
    """The derived findings file of an embedded ledger (``ledger.analysis.findings``); None without
    one.

    It lives beside the query index, is rebuilt from the ledger when missing or out of step,
    and may be deleted at any time.
    """
    return ledger.path / "findings.sqlite" if ledger is not None else None


@contextmanager
def _analysis_sources(
    ledger: Backend,
) -> Iterator[tuple[ox.Store, Index, Path | None]]:
    """The store, index and findings file (or None) that the analysis of ``ledger`` reads."""
    local = local_ledger(ledger)
    if local is not None:
        with local.index() as index:
            assert index.store is not None  # an embedded ledger's index is a local store
            findings = findings_file(local)
            try:
                yield index.store, index, findings
            except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
                if findings is None or not _findings_damaged(error):
                    raise
                raise LedgerStateError(
                    f"the findings file (derived from the entries) cannot be read: {error}",
                    where=str(findings),
                    hint="the entries are not affected; run `claim-ledger rebuild --findings` "
                    "to build it again from them",
                ) from None
        return
    # No replica: a copy in memory of the server's entries, each entry's quads as the embedded
    # index holds them (about as much memory as an in-memory Oxigraph store: ~5 KiB per claim).
    with ledger.index() as index:
        copy = ox.Store()
        for seq in range(1, index.indexed_through + 1):
            copy.bulk_extend(index_quads(seq, ledger.read_entry(seq)))
        yield copy, index, None


def _findings_damaged(error: BaseException) -> bool:
    """Whether ``error``, raised while the analysis read the findings file, says it is damaged
    (not locked, and not a full disk, which the command line names itself)."""
    if isinstance(error, sqlite3.OperationalError):
        return "malformed" in str(error)
    return out_of_space(error) is None


@contextmanager
def analysis_store(ledger: Backend) -> Iterator[tuple[ox.Store, Index]]:
    """A pyoxigraph store of the ledger's quads for the analysis, reports and exports, and
    the index it reflects.

    The embedded ledger's query index itself; for a ledger on a SPARQL server, the index of its
    local replica (``local_ledger``), so that every command runs the same queries and code on
    both backends.
    """
    with _analysis_sources(ledger) as (store, index, _findings):
        yield store, index


def batch_conflicts(ledger: Backend, claims: Sequence[str]) -> list[Mapping[str, Any]]:
    """The conflicts and revisions between ``claims`` (just appended) and the rest of the ledger."""
    # the analysis reads what the ledger holds: it comes after
    from ledger.analysis import compare as analysis

    with _analysis_sources(ledger) as (store, _index, findings):
        return list(analysis.conflicts_for_batch(store, claims, findings=findings))


def analyse(
    ledger: Backend,
    function: Callable[..., Sequence[RowT]],
    as_of: str | None,
    **filters: Any,
) -> list[RowT]:
    """Rows of one analysis function (``analysis.find_conflicts``, …) on the ledger.

    The current ledger is read through the findings file when the ledger has one (embedded);
    ``as_of`` (an entry number, hash or date) recomputes from the entries visible then.
    """
    seq = as_of_entry(ledger, as_of)
    with _analysis_sources(ledger) as (store, index, findings):
        if seq is not None:
            return list(function(store, default_graph=graphs_as_of(index, seq), **filters))
        if findings is not None and "findings" in inspect.signature(function).parameters:
            return list(function(store, findings=findings, **filters))
        return list(function(store, **filters))


def _validate_and_build(
    ledger: Backend,
    batch: LoadedBatch,
    context: LoadedBatch,
    index: Index,
    timings: dict[str, float],
) -> tuple[ValidationReport, entries.EntryContent | None, PreparedContent | None]:
    """The verdict on a batch and, if it conforms, the content of its entry, prepared.

    The content does not depend on the verdict, so it is built, and canonicalised for the
    ledger (``prepare``), while the shapes run: SHACL validation runs in pyshacl-turbo's Rust
    code without the GIL, on the other core. The outcome is the one of doing the two in turn:
    a batch that does not conform gets its report (whatever building its content would have
    raised), and nothing is appended for it. The prepared content is None when nothing is new.
    """

    def validate() -> ValidationReport:
        started = time.perf_counter()
        try:
            return validate_batch(batch, [context])
        finally:
            timings["validate"] = time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=1) as pool:
        verdict = pool.submit(validate)
        content: entries.EntryContent | None = None
        prepared: PreparedContent | None = None
        failure: LedgerError | None = None
        started = time.perf_counter()
        try:
            content = entries.build_add(batch, known_triples(index))
            timings["entries"] = time.perf_counter() - started
            started = time.perf_counter()
            prepared = ledger.prepare(content.quads) if content.quads else None
            timings["prepare"] = time.perf_counter() - started
        except LedgerError as error:
            failure = error
        report = verdict.result()
    if not report.conforms:
        return report, None, None
    if failure is not None:
        raise failure
    return report, content, prepared


def retract(ledger: Backend, claim: str, *, reason: str, author: str) -> EntryRecord:
    """Append an entry that takes a claim out of the current view, with the reason."""
    with ledger.index() as index:
        iri = resolve_claim(index, claim)
        status = claim_status(index, iri)
    if status != "current":
        raise LedgerStateError(f"claim {iri} is already {status}", hint="see `claim-ledger show`")
    content = entries.build_retract(iri, reason, author)
    return ledger.append(content.quads, author=author, message=reason, kind="retract")


def supersede(
    ledger: Backend, claim: str, paths: Sequence[Path], *, reason: str, author: str
) -> AddResult:
    """Append the corrected claim(s) as revisions of CLAIM, in one entry."""
    batch = load_paths(paths)
    with ledger.index() as index:
        iri = resolve_claim(index, claim)
        status = claim_status(index, iri)
        if status != "current":
            raise LedgerStateError(f"claim {iri} is already {status}")
        report = validate_batch(batch, [ledger_context(batch, index)])
        if not report.conforms:
            return AddResult(entry=None, report=report)
        new = entries.build_add(batch, known_triples(index))
    if not new.new_claims:
        raise UsageError(
            "the superseding file holds no new claim (its claims are already in the ledger)"
        )
    content = entries.build_supersede(iri, new, reason, author)
    record = ledger.append(content.quads, author=author, message=reason, kind="supersede")
    return AddResult(entry=record, report=report, claims=content.claims)


# --------------------------------------------------------------------------- lookups


def resolve_claim(index: Index, reference: str) -> str:
    """A claim's ledger IRI from its IRI, a unique hash prefix, or the IRI its file gave it."""
    reference = reference.strip()
    candidates: set[str] = set()
    digest = reference.removeprefix(entries.CLAIM_NAMESPACE)
    if re.fullmatch(r"[0-9a-f]{6,64}", digest):
        rows = _one(
            index,
            resources.query("claims-by-hash-prefix"),
            start=ox.Literal(entries.CLAIM_NAMESPACE + digest),
        )
        candidates = {row["c"].value for row in rows}
    if not candidates:
        rows = _one(
            index,
            resources.query("claims-by-file-id"),
            ref=ox.Literal(reference),
        )
        candidates = {row["c"].value for row in rows}
    if not candidates:
        raise InputError(
            f"no claim {reference!r} in the ledger",
            hint="give the claim's IRI, the start of its hash, or the id its claim file gave it "
            "(`claim-ledger claims` lists them)",
        )
    if len(candidates) > 1:  # a claim and its revisions share the file's id: take the current one
        current = [c for c in candidates if claim_status(index, c) == "current"]
        if len(current) == 1:
            return current[0]
    if len(candidates) > 1:
        raise InputError(
            f"{reference!r} matches {len(candidates)} claims: " + ", ".join(sorted(candidates)),
            hint="give more of the IRI",
        )
    return candidates.pop()


def claim_iri(ledger: Backend, reference: str) -> str:
    """A claim's ledger IRI, named as every command names it (``resolve_claim``)."""
    with ledger.index() as index:
        return resolve_claim(index, reference)


def claim_status(index: Index, iri: str) -> str:
    """current, retracted or superseded."""
    rows = _one(
        index,
        resources.query("claim-status"),
        claim=ox.NamedNode(iri),
    )
    if rows and rows[0]["revised"] is not None:
        return "superseded"
    if rows and rows[0]["invalidated"] is not None:
        return "retracted"
    return "current"


def log_rows(ledger: Backend) -> list[dict[str, Any]]:
    """One row per entry, oldest first."""
    return [
        {
            "seq": e.seq,
            "time": e.time.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "kind": e.kind,
            "author": e.author,
            "message": e.message,
            "hash": e.hash,
        }
        for e in ledger.entries()
    ]


def find_entry(ledger: Backend, reference: str) -> EntryRecord:
    """An entry by sequence number or by (a prefix of) its hash."""
    reference = reference.strip().removeprefix("sha256:")
    records = list(ledger.entries())
    if reference.isdigit() and len(reference) < 12:
        seq = int(reference)
        for record in records:
            if record.seq == seq:
                return record
        raise InputError(f"no entry {seq}: the ledger has {len(records)} entries")
    matches = [r for r in records if r.hash.removeprefix("sha256:").startswith(reference)]
    if len(matches) != 1:
        raise InputError(
            f"{reference!r} matches {len(matches)} entries",
            hint="give the entry's number or more of its hash",
        )
    return matches[0]


def as_of_entry(ledger: Backend, as_of: str | None) -> int | None:
    """The last entry visible at ``as_of`` (an entry number or hash, or an ISO date/time)."""
    if as_of is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", as_of):
        try:
            moment = datetime.fromisoformat(as_of.replace("Z", "+00:00"))
        except ValueError as exc:
            raise UsageError(f"--as-of {as_of!r} is not a date or date-time: {exc}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if len(as_of) == 10:  # a day: the ledger as it stood at the end of that day
            moment = moment.replace(hour=23, minute=59, second=59)
        last = 0
        for record in ledger.entries():
            if record.time <= moment:
                last = record.seq
        return last
    return find_entry(ledger, as_of).seq


# ---------------------------------------------------------------- showing and exporting


def show_entry(ledger: Backend, reference: str) -> tuple[EntryRecord, str]:
    """An entry's record and its stored N-Quads, exactly as hashed."""
    record = find_entry(ledger, reference)
    return record, ledger.read_entry(record.seq).decode("utf-8")


def show_claim(ledger: Backend, reference: str) -> dict[str, Any]:
    """A claim's IRI, status and description (its triples and its blank nodes', as Turtle)."""
    with ledger.index() as index:
        iri = resolve_claim(index, reference)
        status = claim_status(index, iri)
        triples: list[ox.Triple] = []
        todo: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
        seen: set[Any] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for row in _one(index, resources.query("node-triples"), s=node):
                triples.append(ox.Triple(node, row["p"], row["o"]))
                if isinstance(row["o"], ox.BlankNode):
                    todo.append(row["o"])
    from ledger.intake.convert import serialize

    turtle = serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], "turtle")
    return {"claim": iri, "status": status, "turtle": turtle}


def entry_graph_names(data: bytes) -> list[str]:
    """The named graphs an entry's quads are in."""
    names = {
        quad.graph_name.value
        for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS)
        if isinstance(quad.graph_name, ox.NamedNode)
    }
    return sorted(names)


def looks_like_entry(reference: str) -> bool:
    """An entry number or an entry hash (``sha256:…``), as opposed to a claim."""
    return reference.isdigit() and len(reference) < 12 or reference.startswith("sha256:")


EXPORT_GRAPH = ox.NamedNode("urn:claim-ledger:export")
HEAD_HASH = ox.NamedNode(CL + "headHash")
CONTENT_GRAPH = ox.NamedNode(CL + "contentGraph")
LEDGER = ox.NamedNode(CL + "ledger")
MAX_IMPORT_BYTES = 8 * 1024 * 1024 * 1024


def export_ledger(ledger: Backend, fmt: str) -> str:
    """The whole ledger as N-Quads or TriG: every entry's quads, chain metadata included.

    Blank nodes are made distinct per entry (``e<seq>_…``), as in the query index; ``import``
    regroups the quads into entries by their metadata (``cl:contentGraph``) and re-canonicalises
    each, so the hashes of the export are the hashes of the ledger.
    """
    quads: list[ox.Quad] = []
    for record in ledger.entries():
        prefix = f"e{record.seq}_"
        for quad in ox.parse(ledger.read_entry(record.seq), format=ox.RdfFormat.N_QUADS):
            quads.append(
                ox.Quad(
                    _relabel(quad.subject, prefix),
                    quad.predicate,
                    _relabel(quad.object, prefix),
                    quad.graph_name,
                )
            )
    ledger_node = ox.NamedNode(ledger.id)
    quads.append(
        ox.Quad(ledger_node, ox.NamedNode(RDF_TYPE), ox.NamedNode(CL + "Ledger"), EXPORT_GRAPH)
    )
    head = ledger.head()
    if head is not None:  # the last entry has no successor to vouch for it: the export does
        quads.append(ox.Quad(ledger_node, HEAD_HASH, ox.Literal(head.hash), EXPORT_GRAPH))
    rdf_format = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
    prefixes = {"cl": CL, "prov": PROV, "xsd": XSD_IRI}
    data = ox.serialize(quads, format=rdf_format, prefixes=prefixes if fmt == "trig" else None)
    return (data or b"").decode("utf-8")


def _relabel(term: Any, prefix: str) -> Any:
    return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term


def import_ledger(location: LedgerLocation, file: Path) -> EntryRecord | None:
    """Replay an export into a new ledger with the exported ledger's id; refuse any tampering."""
    fmt = ox.RdfFormat.TRIG if file.suffix.lower() == ".trig" else ox.RdfFormat.N_QUADS
    try:
        with file.open("rb") as stream:
            quads = list(ox.parse(stream, format=fmt))
    except OSError as exc:
        raise InputError(f"cannot read the export: {exc.strerror}", where=str(file)) from None
    except SyntaxError as exc:
        raise InputError(
            f"the export is not valid {fmt.name}: {exc.msg}", where=str(file)
        ) from None
    ledgers = {
        q.subject.value
        for q in quads
        if q.graph_name == EXPORT_GRAPH and q.object == ox.NamedNode(CL + "Ledger")
    }
    if len(ledgers) != 1:
        raise InputError("the file is not a claim-ledger export (no ledger id)", where=str(file))
    ledger_id = ledgers.pop()
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name != EXPORT_GRAPH:
            by_graph.setdefault(quad.graph_name.value, []).append(quad)
    sequence = ox.NamedNode(CL + "sequence")
    entries_found: dict[int, str] = {}
    for quad in quads:
        subject, graph, obj = quad.subject, quad.graph_name, quad.object
        if (
            quad.predicate == sequence
            and isinstance(subject, ox.NamedNode)
            and isinstance(graph, ox.NamedNode)
            and isinstance(obj, ox.Literal)
            and subject.value == graph.value
        ):
            entries_found[int(obj.value)] = subject.value
    if sorted(entries_found) != list(range(1, len(entries_found) + 1)):
        raise InputError(
            f"the export's entries are not numbered 1..n: {sorted(entries_found)}", where=str(file)
        )
    # Rebuild and check every entry before anything is written: a tampered export leaves nothing.
    datas: list[bytes] = []
    used: set[str] = set()
    previous: str | None = None
    for seq in sorted(entries_found):
        entry = entries_found[seq]
        graphs = [entry] + [
            q.object.value
            for q in by_graph.get(entry, [])
            if q.predicate == CONTENT_GRAPH and isinstance(q.object, ox.NamedNode)
        ]
        used.update(graphs)
        data = canon_bytes([q for g in graphs for q in by_graph.get(g, [])])
        recorded = [
            str(getattr(q.object, "value", ""))
            for q in by_graph.get(entry, [])
            if q.predicate == ox.NamedNode(CL + "previousEntryHash")
        ]
        if (recorded[0] if recorded else None) != previous:
            raise VerificationError(
                f"the export does not verify at entry {seq}: it records previous hash "
                f"{recorded[0] if recorded else 'none'}, but entry {seq - 1} hashes to {previous}",
                where=str(file),
                hint="the export was changed or damaged; nothing was imported",
            )
        previous = "sha256:" + sha256_hex(data)
        datas.append(data)
    stray = sorted(set(by_graph) - used)
    if stray:
        raise VerificationError(
            f"the export holds graphs that belong to no entry: {', '.join(stray[:3])}",
            where=str(file),
            hint="nothing was imported",
        )
    heads = [
        q.object.value for q in quads if q.graph_name == EXPORT_GRAPH and q.predicate == HEAD_HASH
    ]
    if heads != ([previous] if previous else []):
        raise VerificationError(
            f"the export's last entry hashes to {previous}, but the export records head "
            f"{heads[0] if heads else 'none'}",
            where=str(file),
            hint="the export was changed or damaged; nothing was imported",
        )
    ledger = location.create(ledger_id=ledger_id)
    record = None
    for data in datas:
        record = ledger.import_entry(data)
    return record


def review(
    ledger: Backend,
    claim: str,
    *,
    rating: str,
    explanation: str,
    by: str,
    url: str,
    organization: str | None = None,
    organization_url: str | None = None,
) -> EntryRecord:
    """Record a checker's verdict on a claim; it revises that checker's earlier verdicts.

    url: the fact-check's published page; organization(_url): who publishes it.
    """
    with ledger.index() as index:
        iri = resolve_claim(index, claim)
        rows = _one(
            index,
            resources.query("reviews-by-checker"),
            claim=ox.NamedNode(iri),
            author=ox.Literal(by),
        )
    previous = sorted(row["review"].value for row in rows)
    content = entries.build_review(
        iri,
        rating=rating,
        explanation=explanation,
        by=by,
        url=url,
        organization=organization,
        organization_url=organization_url,
        previous=previous,
    )
    return ledger.append(
        content.quads, author=by, message=f"{rating}: {explanation}", kind="review"
    )


def store_of(batch: LoadedBatch) -> ox.Store:
    """An in-memory store of claim files (with their documents' text), for a report preview."""
    store = ox.Store()
    store.extend(batch.quads)
    store.extend(document_quads(batch))
    return store


def graphs_as_of(index: Index, seq: int) -> list[ox.NamedNode]:
    """The named graphs of entries 1..seq: queries over them see the ledger as it was then."""
    rows = _one(
        index,
        resources.query("entry-graphs"),
    )
    graphs: set[str] = set()
    for row in rows:
        if int(row["sequence"].value) <= seq:
            graphs.update((row["entry"].value, row["content"].value))
    return [ox.NamedNode(g) for g in sorted(graphs)]


@contextmanager
def user_query(
    ledger: Backend,
    text: str,
    *,
    as_of: str | None = None,
    graphs_as_rows: bool = False,
    timeout_s: float = query.DEFAULT_TIMEOUT_S,
    memory_mib: int = query.DEFAULT_MEMORY_MIB,
) -> Iterator[query.QueryStream | query.SerializedStream]:
    """A user's read-only query on the ledger (``claim-ledger query``), its answer streamed.

    SELECT and ASK answer typed rows; CONSTRUCT and DESCRIBE answer N-Triples in chunks, or
    subject/predicate/object rows with ``graphs_as_rows``. ``as_of`` (an entry or a date) limits
    the default graph to the entries up to it. Bounds and errors: ``query.stream_query``.
    """
    seq = as_of_entry(ledger, as_of)
    with analysis_store(ledger) as (store, index):
        graphs = None if seq is None else graphs_as_of(index, seq)
        with query.stream_query(
            store,
            text,
            graphs=query.ROWS if graphs_as_rows else ox.RdfFormat.N_TRIPLES,
            default_graph=graphs,
            timeout_s=timeout_s,
            memory_mib=memory_mib,
        ) as answer:
            yield answer


# ---------------------------------------------------------------- the local site (serve)


#: A query stopped at its time limit (``sparql_answer``; the site answers 503).
QueryTimeoutError = query.QueryTimeoutError


@dataclass(frozen=True)
class SparqlAnswer:
    """A SPARQL query's answer, serialised: ``kind`` is boolean, solutions or graph."""

    kind: str
    media_type: str
    body: bytes


#: SPARQL results formats the endpoint writes (SELECT and ASK), by short name
SPARQL_RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
#: RDF formats the endpoint writes (CONSTRUCT and DESCRIBE), by short name
SPARQL_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def sparql_answer(
    ledger: Backend,
    text: str,
    *,
    results_format: str = "json",
    graph_format: str = "turtle",
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    timeout_s: float = 10.0,
    memory_mib: int = query.DEFAULT_MEMORY_MIB,
) -> SparqlAnswer:
    """Run a read-only SPARQL query for the SPARQL endpoint of ``serve``; the answer serialised.

    The runner of ``claim-ledger query`` (``ledger.query.stream_query``: the same checks, a
    child process stopped after ``timeout_s`` seconds or ``memory_mib`` MiB) over the analysis
    store, the answer kept in a standard serialisation (term types, datatypes, languages),
    which a SPARQL client needs. Without ``default_graphs`` the default graph is the union of
    all graphs. A graph IRI that is not an IRI raises ``ValueError``.
    """
    defaults = [ox.NamedNode(iri) for iri in default_graphs] or None
    named = [ox.NamedNode(iri) for iri in named_graphs]
    with (
        analysis_store(ledger) as (store, _index),
        query.stream_query(
            store,
            text,
            results=SPARQL_RESULTS_FORMATS[results_format],
            graphs=SPARQL_GRAPH_FORMATS[graph_format],
            default_graph=defaults,
            named_graphs=named,
            timeout_s=timeout_s,
            memory_mib=memory_mib,
        ) as answer,
    ):
        assert isinstance(answer, query.SerializedStream)  # formats asked for both kinds
        return SparqlAnswer(answer.kind, answer.media_type, b"".join(answer.chunks))


def is_loopback_host(host: str) -> bool:
    """``host`` is a loopback name or address (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    ledger: Backend,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    timeout_s: float = 10.0,
    memory_mib: int = query.DEFAULT_MEMORY_MIB,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the read-only local site over ``ledger`` until interrupted (``ledger.publish.site``).

    A SPARQL query is stopped after ``timeout_s`` seconds or ``memory_mib`` MiB. ``ready`` is
    called with the site's URL once the socket is bound.
    """
    from ledger.publish import site  # the web stack is needed only here

    site.run(ledger, host=host, port=port, timeout_s=timeout_s, memory_mib=memory_mib, ready=ready)


# ---------------------------------------------------------------- the trust model (assess, verify)


def resolve_source(index: Index, reference: str) -> str:
    """A source's IRI from what claim files write: ``src:sohr``, ``sohr``, ``<IRI>`` or the IRI.

    A source's name (``SOHR``) is accepted too. An unknown source is refused with the closest
    names the ledger knows.
    """

    names: dict[str, set[str]] = {}
    for row in _one(index, resources.query("sources")):
        agent = row["agent"].value
        names.setdefault(agent, set())
        if row["name"] is not None:
            names[agent].add(row["name"].value)
    text = reference.strip().removeprefix("<").removesuffix(">")
    local = text
    if not text.startswith(("http://", "https://", "urn:")) and ":" in text:
        local = text.split(":", 1)[1]  # a prefixed name: src:sohr

    def last_part(iri: str) -> str:
        return re.split(r"[/#:]", iri)[-1]

    found = sorted(a for a in names if a == text or last_part(a).casefold() == local.casefold())
    if not found:
        found = sorted(a for a, n in names.items() if text.casefold() in {x.casefold() for x in n})
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise InputError(
            f"{reference!r} matches {len(found)} sources: " + ", ".join(found),
            hint="give the source's full IRI",
        )
    import difflib

    choices = {last_part(a): a for a in names}
    choices.update({n.casefold(): a for a, ns in names.items() for n in ns})
    close = difflib.get_close_matches(local.casefold(), list(choices), n=3, cutoff=0.5)
    suggestions = sorted({"src:" + last_part(choices[c]) for c in close})
    hint = (
        f"did you mean {' or '.join(suggestions)}?"
        if suggestions
        else "give a source as the claim files write it (e.g. src:sohr)"
    )
    raise InputError(
        f"no source {reference!r} in the ledger",
        hint=hint + " (`claim-ledger claims` shows each claim's source)",
    )


@dataclass(frozen=True)
class Assessment:
    """A checker's current assessment of a source's reliability (the latest by that checker)."""

    node: str
    source: str
    reliability: str
    by: str
    date: str
    rationale: str


def assessments(
    store: ox.Store, *, default_graph: Sequence[ox.NamedNode] | None = None
) -> list[Assessment]:
    """The current assessments of sources in ``store`` (those no later one revises), in order."""

    options: dict[str, Any] = (
        {"default_graph": list(default_graph)}
        if default_graph is not None
        else {"use_default_graph_as_union": True}
    )
    out = []
    for row in store.query(resources.query("assessments"), **options):  # type: ignore[union-attr]
        if row["revised"].value == "true" or not isinstance(row["item"], ox.NamedNode):
            continue
        out.append(
            Assessment(
                node=row["assessment"].value,
                source=row["item"].value,
                reliability=row["value"].value,
                by=row["author"].value,
                date=row["date"].value,
                rationale=row["body"].value if row["body"] is not None else "",
            )
        )
    return out


def reliability_by_source(found: Sequence[Assessment]) -> dict[str, str]:
    """Each assessed source's reliability letter; checkers who disagree give ``B/C``."""
    letters: dict[str, set[str]] = {}
    for assessment in found:
        letters.setdefault(assessment.source, set()).add(assessment.reliability)
    return {source: "/".join(sorted(found_letters)) for source, found_letters in letters.items()}


def assess(
    ledger: Backend, source: str, *, reliability: str, rationale: str, by: str
) -> EntryRecord:
    """Record a checker's assessment (A–F) of a source; it revises that checker's earlier one."""

    with ledger.index() as index:
        iri = resolve_source(index, source)
        rows = _one(index, resources.query("assessments"), item=ox.NamedNode(iri))
    previous = sorted(
        row["assessment"].value
        for row in rows
        if row["author"].value == by and row["revised"].value != "true"
    )
    content = entries.build_assessment(
        iri, reliability=reliability, rationale=rationale, by=by, previous=previous
    )
    letter = reliability.strip().upper()
    return ledger.append(content.quads, author=by, message=f"{letter}: {rationale}", kind="assess")


def with_reliability(ledger: Backend, rows: list[Any], as_of: str | None) -> list[Any]:
    """``grade`` rows with the checkers' assessed reliability of each row's source.

    The analysis leaves it at F (cannot be judged); a source a checker assessed shows the
    letter (the latest assessment per checker counts).
    """
    if not rows or not _has_column(rows[0], "reliability"):
        return rows
    seq = as_of_entry(ledger, as_of)
    with _analysis_sources(ledger) as (store, index, _findings):
        graphs = graphs_as_of(index, seq) if seq is not None else None
        letters = reliability_by_source(assessments(store, default_graph=graphs))
    return [_with_column(row, "reliability", letters.get(_column(row, "source"))) for row in rows]


# Rows are dicts today; typed rows (dataclasses) are read and copied the same way.


def _has_column(row: Any, name: str) -> bool:
    return name in row if isinstance(row, dict) else hasattr(row, name)


def _column(row: Any, name: str) -> str:
    return str(row.get(name, "") if isinstance(row, dict) else getattr(row, name, ""))


def _with_column(row: Any, name: str, value: str | None) -> Any:
    if value is None:
        return row
    if isinstance(row, dict):
        return {**row, name: value}
    import dataclasses

    return dataclasses.replace(row, **{name: value})


def require_verified(ledger: Backend, *, unverified: bool = False) -> None:
    """Refuse to go on (exit 1) when the ledger's chain does not verify, unless ``unverified``.

    Cheap on a large ledger: ``ledger.chain.trust`` checks only what came after the last head
    a full verify vouched for.
    """
    if unverified:
        return
    from ledger.chain import trust

    result = trust.check(ledger)
    if not result.report.ok:
        where = f"entry {result.report.bad_seq}: " if result.report.bad_seq is not None else ""
        raise VerificationError(
            f"the ledger does not verify ({where}{result.report.reason}); nothing was read",
            hint="run `claim-ledger verify` for the full check; --unverified runs anyway, on "
            "data that may have been changed",
        )


@contextmanager
def store_as_of(ledger: Backend, as_of: str | None) -> Iterator[tuple[ox.Store, int | None]]:
    """The store a report reads: the analysis store, or (``as_of``) a copy in memory of the
    quads of entries 1..N only, so that every page shows the ledger as it stood at entry N."""
    seq = as_of_entry(ledger, as_of)
    with _analysis_sources(ledger) as (store, index, _findings):
        if seq is None:
            yield store, None
            return
        copy = ox.Store()
        for graph in graphs_as_of(index, seq):
            copy.bulk_extend(store.quads_for_pattern(None, None, None, graph))
        yield copy, seq


# ---------------------------------------------------------------- derived data


def check_derived(ledger: Backend, *, full: bool = False) -> derived.DerivedReport | None:
    """The query index and findings file checked against the entries (``chain.derived``).

    full: rebuild both in temporary places and compare every quad and answer row
    (``verify --derived``); else the cheap checks. For a ledger on a SPARQL server, the
    server's query copy against the stored entries (``derived.check_remote``; with ``full``
    only, else a report that says it was not checked); None for any other backend.
    """
    from ledger.chain import remote  # a module of its own: only a ledger on a server needs it

    if isinstance(ledger, remote.RemoteLedger):
        return derived.check_remote(ledger, full=full)
    if not isinstance(ledger, Ledger):
        return None
    return derived.check(ledger, full=full)


def derived_status(ledger: Backend) -> derived.DerivedStatus | None:
    """When the derived data was last checked against the chain (``verify``, cheap, or
    ``verify --derived``), and whether that check is older than the head; None for a ledger on a
    server (a check of its query copy, ``verify --derived``, is not recorded)."""
    if not isinstance(ledger, Ledger):
        return None
    return derived.status(ledger)


def rebuild_derived(ledger: Backend, *, index: bool, findings: bool) -> derived.Rebuilt:
    """Build the query index and/or the findings file again from the entries, atomically.

    For a ledger on a SPARQL server, ``index`` also writes the server's query copy again
    (``RemoteLedger.rebuild_query_copy``, not atomic); the stores rebuilt are its local
    replica's.
    """
    from ledger.chain import remote  # a module of its own: only a ledger on a server needs it

    if isinstance(ledger, remote.RemoteLedger) and index:
        started = time.perf_counter()
        through = ledger.rebuild_query_copy()
        local = local_ledger(ledger)
        replicas: tuple[str, ...] = ()
        if local is not None:
            done = derived.rebuild(local, index=index, findings=findings)
            replicas = tuple(f"{store} of the local replica" for store in done.stores)
        return derived.Rebuilt(
            (derived.QUERY_COPY, *replicas), through, time.perf_counter() - started
        )
    local = local_ledger(ledger)
    if local is None:
        raise LedgerStateError(
            "this ledger has no local derived data to rebuild",
            hint="its replica folder could not be kept; see the warning above",
        )
    return derived.rebuild(local, index=index, findings=findings)


def evaluate(corpus: Path, *, review: bool = False) -> Any:
    """Score the analysis on a corpus of events with expected relations
    (``ledger.analysis.evaluate``): an ``Evaluation``; with ``review``, each event's
    ``review.yaml`` (a second annotator's additions) is part of the answers. Each event is
    added to a fresh embedded ledger in a temporary folder, through ``add``, and analysed."""
    from ledger.analysis import evaluate as evaluation

    return evaluation.evaluate(corpus, _analyse_event, review=review)


def _analyse_event(files: list[Path], name: str) -> Any:
    """One event of ``evaluate``: its files added to a temporary ledger, then analysed."""
    from ledger.analysis import compare, read
    from ledger.analysis.evaluate import Analysed
    from ledger.chain import store

    with tempfile.TemporaryDirectory(prefix="claim-ledger-evaluate-") as work:
        ledger = store.init(Path(work) / "ledger")
        try:
            added = add(ledger, files, author="evaluate", message=name, check=False)
        except LedgerError as error:  # a file that does not load: this event, not the corpus
            return Analysed(problem=str(error))
        if not added.report.conforms:
            problems = added.report.problems
            first = problems[0] if problems else None
            return Analysed(
                problem=f"{len(problems)} problem(s), first: {first.file}:{first.line}: "
                f"{first.message}"
                if first
                else "does not conform"
            )
        with analysis_store(ledger) as (index_store, _index):
            records = read.read_claims(index_store)
        return Analysed(
            claims={c.written_as: c.iri for c in added.claims},
            records=records,
            conflicts=list(analyse(ledger, compare.find_conflicts, None)),
            corroborations=list(analyse(ledger, compare.find_corroborations, None)),
            scope_warnings=list(analyse(ledger, compare.find_scope_warnings, None)),
        )


def open_draft_review(
    draft: Path,
    sources: Path | None = None,
    entities: Path | None = None,
    vocabulary: Path | None = None,
) -> ReviewSession:
    """A guided review of a draft's 'toCheck' entries (``claim-ledger review-draft``); the
    case's own properties from ``vocabulary``, else the ``vocabulary.yaml`` beside the registry
    or the draft, when there is one."""
    if vocabulary is None:
        vocabulary = default_vocabulary(draft, sources)
    return ReviewSession(draft, sources, entities, vocabulary)


# ---------------------------------------------------------------- labels for tables


@dataclass(frozen=True)
class Labels:
    """What a table shows instead of an IRI.

    ``names``: a claim's short id (``claim_short_id``), any other thing's name (English
    first); ``statements``: a claim's statement (English first); ``topics`` (``row_labels``):
    a claim's subject and place (``""`` for none), what a row of a pair says it is about.
    """

    names: dict[str, str] = field(default_factory=dict)
    statements: dict[str, str] = field(default_factory=dict)
    topics: dict[str, tuple[str, str]] = field(default_factory=dict)


#: the hex digits of a claim's hash that name it when its file gave it no id (what `show` takes)
CLAIM_HASH_DIGITS = 12


def claim_short_id(iri: str, written_as: str | None = None) -> str:
    """A claim's short id: the last part of the IRI its file gave it, whole; else the first
    ``CLAIM_HASH_DIGITS`` of its hash. Both are what `show`, `retract` and `report` take."""
    if written_as:
        return re.split(r"[/#]", written_as.rstrip("/#"))[-1] or written_as
    local = iri.rsplit("/", 1)[-1]
    return local[:CLAIM_HASH_DIGITS] if iri.startswith(entries.CLAIM_NAMESPACE) else local


#: up to this many IRIs, one indexed query per IRI; above, one query reads every label
LABEL_LOOKUPS = 2000


def labels(ledger: Backend, iris: Iterable[str]) -> Labels:
    """The names and statements of ``iris`` (claims, sources, places, …) that the ledger holds.

    IRIs without a name are left out: a table then shows the last part of the IRI.
    """
    from ledger.analysis.read import select

    wanted = {iri for iri in iris if re.match(r"^(https?://|urn:|tag:)\S+$", iri)}
    if not wanted:
        return Labels()
    rank = {"en": 0, "": 1}
    # the query is unordered (see labels.rq): of several values, the least (language rank,
    # language, value) wins, whatever order they come in
    names: dict[str, tuple[int, str, str]] = {}
    statements: dict[str, tuple[int, str, str]] = {}
    written_as: dict[str, str] = {}
    with analysis_store(ledger) as (store, _index):
        if len(wanted) <= LABEL_LOOKUPS:
            found: Iterable[dict[str, str]] = (
                row
                for iri in sorted(wanted)
                for row in select(store, "labels", None, {"thing": ox.NamedNode(iri)})
            )
        else:
            found = (row for row in select(store, "labels", None) if row["thing"] in wanted)
        for row in found:
            thing, language = row["thing"], row["language"]
            if row["writtenAs"]:
                written_as[thing] = min(written_as.get(thing, row["writtenAs"]), row["writtenAs"])
            for value, best in ((row["name"], names), (row["statement"], statements)):
                key = (rank.get(language, 2), language, value)
                if value and (thing not in best or key < best[thing]):
                    best[thing] = key
    shown = {thing: name for thing, (_, _, name) in names.items()}
    shown.update(
        (iri, claim_short_id(iri, written_as.get(iri)))
        for iri in wanted
        if iri in written_as or iri.startswith(entries.CLAIM_NAMESPACE)
    )
    return Labels(shown, {thing: text for thing, (_, _, text) in statements.items()})


def row_labels(ledger: Backend, iris: Iterable[str], topics_of: Iterable[str] = ()) -> Labels:
    """What JSON and CSV rows carry beside their IRIs: the ``labels`` of ``iris``, the subject
    and place of each claim in ``topics_of`` (``Labels.topics``) and the labels of those."""
    from ledger.analysis.read import select

    claims = sorted(set(topics_of))
    topics: dict[str, tuple[str, str]] = {}
    if claims:
        with analysis_store(ledger) as (store, _index):
            if len(claims) <= LABEL_LOOKUPS:
                found: Iterable[dict[str, str]] = (
                    row
                    for iri in claims
                    for row in select(store, "claim-topics", None, {"claim": ox.NamedNode(iri)})
                )
            else:
                wanted = set(claims)
                found = (r for r in select(store, "claim-topics", None) if r["claim"] in wanted)
            for row in found:  # unordered (see claim-topics.rq): the least pair wins
                pair = (row["subject"], row["place"])
                topics[row["claim"]] = min(topics.get(row["claim"], pair), pair)
    about = {iri for pair in topics.values() for iri in pair if iri}
    named = labels(ledger, set(iris) | about)
    return Labels(named.names, named.statements, topics)


#: the review's names that ``cli.py`` uses through this module (explicit re-exports for mypy)


# ---------------------------------------------------------------- what the command line calls
#
# The command line reaches the library through this module only: the choices and defaults it
# shows (imported above), and one call per command. The heavier stages (export, report, the
# pipeline, the analysis) are imported when a command needs them.


def validate_files(
    paths: Sequence[Path], context_paths: Sequence[Path], *, engine: str
) -> ValidationReport:
    """``claim-ledger validate``: the claim files checked against the shapes, with the files
    they rely on (``--context``) read as context."""
    batch = load_paths(list(paths))
    context = load_context(list(context_paths), batch)
    return validate_batch(batch, [context] if context else [], engine=engine)


def convert_files(paths: Sequence[Path], fmt: str) -> str:
    """``claim-ledger convert``: the RDF the claim files mean, in ``fmt``."""
    from ledger.intake import convert

    return convert.serialize(load_paths(list(paths)).quads, fmt)


def anchor_quote(document: Path, exact: str, occurrence: int | None) -> Anchor:
    """``claim-ledger anchor``: the selectors of ``exact`` in the stored document."""
    return find_anchor(read_text_file(document, MAX_DOCUMENT_BYTES), exact, occurrence)


def extract_article(
    article: Path,
    lang: str,
    published: str | None,
    outlet: str | None,
    sources: Path | None,
) -> str:
    """``claim-ledger extract``: the draft claim file (YAML) of an article."""
    from ledger.extraction import extract

    return extract.extract(article, lang, published, outlet, sources)


def evaluate_extraction(
    article: Path,
    gold: Path,
    lang: str,
    published: str | None,
    outlet: str | None,
    sources: Path | None,
    *,
    page: bool,
) -> ExtractionEvaluation:
    """``claim-ledger extract --evaluate``: the draft scored against a hand-made case."""
    from ledger.extraction import extract

    return extract.evaluate_extraction(article, gold, lang, published, outlet, sources, page=page)


def verify_ledger(
    ledger: Backend, *, checkpoint: str | None = None, deep: bool = False
) -> VerifyReport:
    """``claim-ledger verify``: the chain (against a checkpoint's text when given); a full
    verify that passes is remembered, so the trust guard checks only what comes after it."""
    options = {"deep": True} if deep else {}  # a backend without --deep is asked as before
    if checkpoint is not None:
        return ledger.verify_checkpoint(checkpoint, **options)
    from ledger.chain import trust

    report = ledger.verify(**options)
    trust.remember(ledger, report)
    return report


def export_for_tools(
    ledger: Backend,
    fmt: str,
    *,
    creator: str | None = None,
    license_iri: str | None = None,
    left_out: list[str] | None = None,
) -> str:
    """``claim-ledger export --format claimreview|prov|nanopub|csv``: the claims for other
    tools. ``left_out`` collects the reviews ClaimReview could not publish (no page of their
    own)."""
    from ledger.publish import export as exports

    with analysis_store(ledger) as (store, _index):
        if fmt == "claimreview":
            return exports.claimreview(store, left_out=left_out)
        if fmt == "nanopub":
            if not creator:
                raise UsageError("a nanopublication names its creator: give --creator IRI")
            if license_iri:
                return exports.nanopub(store, creator=creator, license_iri=license_iri)
            return exports.nanopub(store, creator=creator)
        return exports.EXPORTS[fmt](store)


def render_report(
    location: LedgerLocation,
    paths: Sequence[Path],
    out: Path,
    fmt: str,
    as_of: str | None = None,
    **selectors: Any,
) -> list[Path]:
    """``claim-ledger report``: the provenance report of claim files, or of the ledger (as of
    an entry or date); the files written."""
    from ledger.publish import report as reports

    if paths:
        return list(reports.render(store_of(load_paths(list(paths))), out_dir=out, fmt=fmt,
                                   **selectors))  # fmt: skip
    ledger = location.open()
    if selectors.get("claim") is not None:  # named as `show` names it
        selectors["claim"] = claim_iri(ledger, selectors["claim"])
    info = reports.collect_ledger_info(ledger)
    with store_as_of(ledger, as_of) as (store, seq):
        if seq is not None:
            info = info.up_to(seq)
        return list(reports.render(store, out_dir=out, fmt=fmt, ledger_info=info, **selectors))


def run_main_job(
    location: LedgerLocation,
    paths: Sequence[Path],
    *,
    out: Path,
    fmt: str,
    author: str,
    message: str,
    unverified: bool = False,
) -> RunResult:
    """``claim-ledger run``: add, corroborations, conflicts, report (``ledger.pipeline``);
    refused on a ledger whose chain does not verify unless ``unverified``."""
    from ledger import pipeline

    return pipeline.run(
        location,
        list(paths),
        out=out,
        fmt=fmt,
        author=author,
        message=message,
        unverified=unverified,
    )


def analysis_part(name: str) -> Any:
    """A listing function (``find_conflicts``, ``grade_claims``, …) or its columns
    (``CONFLICT_COLUMNS``, …) of the analysis, by name."""
    from ledger.analysis import compare

    return getattr(compare, name)


#: names of other modules that callers (``cli.py``) use through this one: explicit re-exports
__all__ = [
    "CONVERT_FORMATS", "DEFAULT_DIRECTORY", "DEFAULT_QUERY_MEMORY_MIB", "ENGINES",
    "EXTRACT_LANGUAGES", "RATINGS", "RELIABILITY", "REVIEW_EDIT_HELP", "LedgerLocation",
    "ReviewItem", "ReviewProposal", "ReviewSession", "out_of_space", "read_text_file",
]  # fmt: skip
