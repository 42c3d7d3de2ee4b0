"""A user's own SPARQL query, run in a child process bounded in time and memory, answer streamed.

The one runner behind ``claim-ledger query`` and the ``serve`` SPARQL endpoint. A pyoxigraph
query cannot be interrupted from a thread, and a hostile one can build strings until the
machine runs out of memory (2.3 GB in 30 s), so the query runs in a forked child:

- time: the parent stops waiting at the deadline and kills the child (``QueryTimeoutError``);
- memory: the child sets ``RLIMIT_AS`` to what it has mapped at the fork plus ``memory_mib``
  (an address-space limit: the kernel refuses the allocation that would cross it). Oxigraph
  then aborts the child; its error output (a Rust message and backtrace) goes to a temporary
  file that the parent reads only to tell a memory failure from another one, and the user gets
  one sentence naming ``--memory``;
- the answer: the child writes it to a pipe in frames as the query yields it, and the parent
  hands the frames on, so a large answer is never held whole by either process. Each kind of
  answer (SELECT solutions, an ASK boolean, a CONSTRUCT or DESCRIBE graph) comes either as
  typed rows in batches (``ROWS``: numbers and booleans stay numbers and booleans, ASK is one
  boolean ``result`` row, a graph is subject/predicate/object rows) or as bytes in chunks,
  serialised in the SPARQL results format or RDF format the caller asked for.

Refused before anything runs (``check_user_query``): SERVICE, updates, LOAD, text that does not
parse.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import math
import multiprocessing
import os
import re
import resource
import select
import signal
import struct
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Literal

import pyoxigraph as ox

from ledger.errors import InputError, LedgerError, UnsafeInputError
from ledger.vocab import XSD_IRI as XSD

#: The memory a user query may take on top of what the process had mapped, in MiB.
DEFAULT_MEMORY_MIB = 1024
DEFAULT_TIMEOUT_S = 30.0
#: Rows handed on together: small enough to write at once, large enough to be cheap.
BATCH_ROWS = 1000
#: Bytes of a serialised answer handed on together.
CHUNK_BYTES = 1 << 16
_MEMORY_SIGNS = ("memory allocation of", "MemoryError", "out of memory", "bad_alloc")

#: An answer wanted as typed rows, not serialised (``stream_query``'s ``results`` and ``graphs``).
ROWS: Literal["rows"] = "rows"

Value = str | int | float | bool | None
Row = dict[str, Value]
AnswerKind = Literal["solutions", "boolean", "graph"]

#: XSD datatypes whose values are integers (the derived ones included)
INTEGER_TYPES = frozenset(
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "nonPositiveInteger",
        "positiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)  # fmt: skip
DECIMAL_TYPES = frozenset(XSD + name for name in ("decimal", "double", "float"))
BOOLEAN = XSD + "boolean"
GRAPH_COLUMNS = ("subject", "predicate", "object")


class QueryTimeoutError(LedgerError):
    """A query ran past its time limit and was stopped (exit 2)."""


class QueryMemoryError(LedgerError):
    """A query needed more than its memory limit and was stopped (exit 2)."""


@dataclass
class QueryStream:
    """A running query's answer as typed rows, arriving in batches (consume them only once)."""

    kind: AnswerKind
    columns: tuple[str, ...]
    batches: Iterator[list[Row]]


@dataclass
class SerializedStream:
    """A running query's answer serialised (``media_type``), arriving in chunks (consume once)."""

    kind: AnswerKind
    media_type: str
    chunks: Iterator[bytes]


def typed_value(term: object) -> Value:
    """A result term as JSON would want it: numbers and booleans as such, the rest as text."""
    if isinstance(term, ox.Literal):  # the commonest first: this runs for every cell
        datatype = term.datatype.value
        if datatype in INTEGER_TYPES:
            try:
                return int(term.value.strip())
            except ValueError:
                return term.value  # an ill-typed literal stays as written
        if datatype in DECIMAL_TYPES:
            return _decimal_value(term.value, datatype)
        if datatype == BOOLEAN and (text := term.value.strip()) in ("true", "false", "1", "0"):
            return text in ("true", "1")
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _decimal_value(lexical: str, datatype: str) -> Value:
    """An xsd:decimal, double or float as a JSON number (an integer when it is whole)."""
    try:
        exact = Decimal(lexical.strip())
    except (InvalidOperation, ValueError):
        return lexical
    if not exact.is_finite():
        return lexical  # NaN and INF have no JSON number
    if datatype == XSD + "decimal" and exact == exact.to_integral_value():
        return int(exact)  # 9000, not 9000.0
    number = float(exact)
    return number if math.isfinite(number) else lexical


@contextlib.contextmanager
def stream_query(
    store: ox.Store,
    text: str,
    *,
    results: ox.QueryResultsFormat | Literal["rows"] = ROWS,
    graphs: ox.RdfFormat | Literal["rows"] = ROWS,
    default_graph: Sequence[ox.NamedNode] | None = None,
    named_graphs: Sequence[ox.NamedNode] = (),
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mib: int = DEFAULT_MEMORY_MIB,
) -> Iterator[QueryStream | SerializedStream]:
    """Run a user's read-only query in a child process; yield its answer as it comes.

    results: how SELECT and ASK answer, ``ROWS`` or a SPARQL results format; graphs: how
    CONSTRUCT and DESCRIBE answer, ``ROWS`` or an RDF format. The default graph is the union
    of all graphs unless ``default_graph`` names them; ``named_graphs`` narrows GRAPH patterns.

    Raises ``UnsafeInputError``/``InputError`` before it runs for a refused or unparsable query,
    ``InputError`` when the query fails, ``QueryTimeoutError`` or ``QueryMemoryError`` (naming
    ``--timeout`` or ``--memory``) when the child is stopped at the deadline or runs out of its
    memory, also while the answer is read. The child is gone when the context ends.
    """
    check_user_query(text)
    options: dict[str, Any] = (
        {"use_default_graph_as_union": True}
        if default_graph is None
        else {"default_graph": list(default_graph)}
    )
    if named_graphs:
        options["named_graphs"] = list(named_graphs)
    deadline = time.monotonic() + timeout_s
    context = multiprocessing.get_context("fork")
    read_fd, write_fd = os.pipe()
    with tempfile.TemporaryFile() as errors:
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a multi-threaded process may deadlock; the child
            # only runs one query on the inherited store and writes to a pipe (no locks taken)
            warnings.simplefilter("ignore", DeprecationWarning)
            child = context.Process(
                target=_child,
                args=(store, text, options, results, graphs, write_fd, errors.fileno(), memory_mib),
                daemon=True,
            )
            child.start()
        os.close(write_fd)
        frames = _Frames(read_fd, deadline, _Failure(child, errors, timeout_s, memory_mib))
        try:
            yield _answer(frames, results, graphs)
        finally:
            os.close(read_fd)
            if child.is_alive():
                child.kill()
            child.join()


def run_user_query(
    store: ox.Store,
    text: str,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mib: int = DEFAULT_MEMORY_MIB,
) -> tuple[tuple[str, ...], list[Row]]:
    """The columns and all typed rows of a user query (``stream_query``, collected)."""
    with stream_query(
        store, text, default_graph=default_graph, timeout_s=timeout_s, memory_mib=memory_mib
    ) as stream:
        assert isinstance(stream, QueryStream)  # ROWS for both kinds asked
        return stream.columns, [row for batch in stream.batches for row in batch]


# --------------------------------------------------------------------------- the parent

# A frame: one tag byte, the payload's length (4 bytes, big-endian), the payload.
_HEAD = struct.Struct(">cI")
_HEADER, _ROWS, _BYTES, _ERROR, _END = b"H", b"R", b"B", b"E", b"Z"


def _answer(
    frames: _Frames,
    results: ox.QueryResultsFormat | Literal["rows"],
    graphs: ox.RdfFormat | Literal["rows"],
) -> QueryStream | SerializedStream:
    """The answer's stream, once the child has said what kind of answer it is."""
    tag, payload = frames.next_frame()
    if tag == _ERROR:
        raise InputError(f"the query failed: {payload.decode('utf-8', 'replace')}")
    header = json.loads(payload)
    kind: AnswerKind = header["kind"]
    asked = graphs if kind == "graph" else results
    if asked == ROWS:
        columns = tuple(str(c) for c in header["columns"])
        return QueryStream(kind, columns, _row_batches(frames, columns))
    return SerializedStream(kind, asked.media_type, _byte_chunks(frames))


def _row_batches(frames: _Frames, columns: tuple[str, ...]) -> Iterator[list[Row]]:
    for tag, payload in frames.until_end():
        if tag == _ROWS:
            yield [dict(zip(columns, row, strict=True)) for row in json.loads(payload)]


def _byte_chunks(frames: _Frames) -> Iterator[bytes]:
    for tag, payload in frames.until_end():
        if tag == _BYTES:
            yield payload


class _Failure:
    """Turns the end of a child without an answer into one sentence (never its backtrace)."""

    def __init__(self, child: Any, errors: IO[bytes], timeout_s: float, memory_mib: int) -> None:
        self.child = child
        self.errors = errors
        self.timeout_s = timeout_s
        self.memory_mib = memory_mib

    def timed_out(self) -> LedgerError:
        return QueryTimeoutError(
            f"the query was stopped after {self.timeout_s:g} s",
            hint="narrow it (LIMIT, fewer patterns, bound values) or raise --timeout",
        )

    def ended(self) -> LedgerError:
        self.child.join(5)
        self.errors.seek(0)
        said = self.errors.read(64 * 1024).decode("utf-8", "replace")
        code = self.child.exitcode
        if any(sign in said for sign in _MEMORY_SIGNS) or code in (-signal.SIGABRT, 3):
            return QueryMemoryError(
                f"the query needed more than its {self.memory_mib:,} MiB of memory and was stopped",
                hint="narrow it (LIMIT, fewer patterns, shorter strings) or raise --memory (MiB)",
            )
        first = next((line for line in said.splitlines() if line.strip()), "")
        return LedgerError(
            f"the query process ended without an answer (exit code {code})"
            + (f": {first[:200]}" if first else ""),
            hint="try again; if it persists, report the query",
        )


class _Frames:
    """Frames from the child's pipe, waiting no later than the deadline."""

    def __init__(self, fd: int, deadline: float, failure: _Failure) -> None:
        self.fd = fd
        self.deadline = deadline
        self.failure = failure
        self.buffer = bytearray()

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise self.failure.timed_out()
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                raise self.failure.timed_out()
            chunk = os.read(self.fd, max(1 << 16, size - len(self.buffer)))
            if not chunk:
                raise self.failure.ended()
            self.buffer += chunk
        taken = bytes(self.buffer[:size])
        del self.buffer[:size]
        return taken

    def next_frame(self) -> tuple[bytes, bytes]:
        tag, length = _HEAD.unpack(self._read(_HEAD.size))
        return tag, self._read(length)

    def until_end(self) -> Iterator[tuple[bytes, bytes]]:
        """Data frames up to the end frame; an error frame raises ``InputError``."""
        while True:
            tag, payload = self.next_frame()
            if tag == _END:
                return
            if tag == _ERROR:
                raise InputError(f"the query failed: {payload.decode('utf-8', 'replace')}")
            yield tag, payload


# --------------------------------------------------------------------------- the child


def _address_space_in_use() -> int:
    """Bytes the process has mapped now (VmSize), 0 when /proc cannot tell."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    return 0


def _limit_memory(memory_mib: int) -> None:
    limit = _address_space_in_use() + memory_mib * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class _FrameWriter(io.RawIOBase):
    """What a serialiser writes, sent on as ``_BYTES`` frames (buffered to ``CHUNK_BYTES``)."""

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__()
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if chunk:
            _send(self.out, _BYTES, chunk)
        return len(chunk)


def _send(out: IO[bytes], tag: bytes, payload: bytes) -> None:
    out.write(_HEAD.pack(tag, len(payload)) + payload)


def _send_json(out: IO[bytes], tag: bytes, message: Any) -> None:
    _send(out, tag, json.dumps(message, ensure_ascii=False).encode("utf-8"))


def _send_rows(out: IO[bytes], rows: Iterator[list[Value]]) -> None:
    batch: list[list[Value]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            _send_json(out, _ROWS, batch)
            batch = []
    if batch:
        _send_json(out, _ROWS, batch)


def _child(
    store: ox.Store,
    text: str,
    options: dict[str, Any],
    results: ox.QueryResultsFormat | Literal["rows"],
    graphs: ox.RdfFormat | Literal["rows"],
    write_fd: int,
    errors_fd: int,
    memory_mib: int,
) -> None:
    os.dup2(errors_fd, 2)  # a Rust abort prints a backtrace: it goes to the parent's file
    faulthandler.disable()  # it may write to a copy of the old stderr (pytest, -X faulthandler)
    _limit_memory(memory_mib)
    with os.fdopen(write_fd, "wb", buffering=CHUNK_BYTES) as out:
        try:
            answer = store.query(text, **options)
            kind, columns, rows = _typed_rows(answer)
            _send_json(out, _HEADER, {"kind": kind, "columns": columns})
            asked = graphs if kind == "graph" else results
            if asked == ROWS:
                _send_rows(out, rows)
            else:
                _serialize(answer, asked, out)
            _send(out, _END, b"")
        except MemoryError:
            out.flush()
            os._exit(3)  # nothing more can be said safely; the parent names --memory
        except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
            _send(out, _ERROR, str(exc).encode("utf-8"))


def _typed_rows(
    answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples,
) -> tuple[AnswerKind, list[str], Iterator[list[Value]]]:
    """The kind of ``answer``, its columns and its rows of typed values (read lazily)."""
    if isinstance(answer, ox.QueryBoolean):
        return "boolean", ["result"], iter([[bool(answer)]])
    if isinstance(answer, ox.QuerySolutions):
        variables = list(answer.variables)
        # a solution iterates over its values in the order of the variables (None: unbound),
        # several times faster than looking each one up by its variable
        rows = ([typed_value(term) for term in solution] for solution in answer)
        return "solutions", [v.value for v in variables], rows
    triples = (
        [typed_value(t.subject), typed_value(t.predicate), typed_value(t.object)] for t in answer
    )
    return "graph", list(GRAPH_COLUMNS), triples


def _serialize(
    answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples,
    fmt: ox.QueryResultsFormat | ox.RdfFormat,
    out: IO[bytes],
) -> None:
    """``answer`` in ``fmt``, written to ``out`` as it is serialised, in ``_BYTES`` frames."""
    with io.BufferedWriter(_FrameWriter(out), buffer_size=CHUNK_BYTES) as chunks:
        answer.serialize(chunks, format=fmt)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- refusals


def check_user_query(text: str) -> None:
    """Refuse, before it runs, a query that does not parse, updates, loads or calls SERVICE."""
    from pyparsing import ParseException  # rdflib's parser; imported only when needed
    from rdflib.plugins.sparql import parser

    try:
        tree = parser.parseQuery(text)
    except ParseException as exc:
        try:
            parser.parseUpdate(text)
        except ParseException:
            raise InputError(
                f"the query does not parse: {exc.msg}",
                where=f"line {exc.lineno}, column {exc.col}",
                hint="check the SPARQL syntax near that place",
            ) from None
        raise UnsafeInputError(
            "updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) are refused: "
            "the ledger is append-only and `query` only reads",
            hint="use `claim-ledger add` to append claims",
        ) from None
    if _contains_service(tree) or _mentions_service(text):
        raise UnsafeInputError(
            "SERVICE is refused: claim-ledger never fetches anything",
            hint="remove the SERVICE block; query only the ledger",
        )


def _contains_service(node: Any) -> bool:
    from pyparsing import ParseResults

    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, Mapping):
        return any(_contains_service(v) for v in node.values())
    if isinstance(node, ParseResults | list | tuple):
        return any(_contains_service(v) for v in node)
    return False


#: strings, IRIs and comments, removed before looking for the SERVICE keyword
_NOT_KEYWORDS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)


def _mentions_service(text: str) -> bool:
    """SERVICE as a keyword anywhere (a second guard, should the parse tree change shape)."""
    code = _NOT_KEYWORDS.sub(" ", text)
    return re.search(r"(?<![\w:])SERVICE\b", code, re.IGNORECASE) is not None
