"""A user's own SPARQL query, run in a child process bounded in time and memory, rows streamed.

A pyoxigraph query cannot be interrupted from a thread, and a hostile one can build strings
until the machine runs out of memory (2.3 GB in 30 s), so the query runs in a forked child:

- time: the parent stops waiting at the deadline and kills the child;
- memory: the child sets ``RLIMIT_AS`` to what it has mapped at the fork plus ``memory_mib``
  (an address-space limit: the kernel refuses the allocation that would cross it). Oxigraph
  then aborts the child; its error output (a Rust message and backtrace) goes to a temporary
  file that the parent reads only to tell a memory failure from another one, and the user gets
  one sentence naming ``--memory``;
- rows: the child writes one JSON line per row to a pipe as the query yields it, and the
  parent hands them on in batches, so a large answer is never held whole by either process
  (the CLI writes each batch as it comes, except as a table, whose column widths need them all).

Refused before anything runs (``check_user_query``): SERVICE, updates, LOAD, text that does not
parse.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import multiprocessing
import os
import resource
import select
import signal
import tempfile
import time
import warnings
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import pyoxigraph as ox

from ledger.errors import InputError, LedgerError

#: The memory a user query may take on top of what the process had mapped, in MiB.
DEFAULT_MEMORY_MIB = 1024
DEFAULT_TIMEOUT_S = 30.0
#: Rows handed on together: small enough to write at once, large enough to be cheap.
BATCH_ROWS = 1000
_MEMORY_SIGNS = ("memory allocation of", "MemoryError", "out of memory", "bad_alloc")

Row = dict[str, str | None]


@dataclass
class QueryStream:
    """A running query's columns and its rows, arriving in batches (consume them only once)."""

    columns: tuple[str, ...]
    batches: Iterator[list[Row]]


@contextlib.contextmanager
def stream_user_query(
    store: ox.Store,
    text: str,
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mib: int = DEFAULT_MEMORY_MIB,
) -> Iterator[QueryStream]:
    """Run a user's read-only query in a child process; yield its rows as they come.

    Raises ``UnsafeInputError``/``InputError`` before it runs for a refused or unparsable query,
    ``InputError`` when the query fails, and ``LedgerError`` naming ``--timeout`` or ``--memory``
    when the child is stopped at the deadline or runs out of its memory (also while the rows
    are read). The child is gone when the context ends.
    """
    from ledger.analysis.compare import check_user_query  # the rules refuse before we fork

    check_user_query(text)
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
                args=(store, text, default_graph, write_fd, errors.fileno(), memory_mib),
                daemon=True,
            )
            child.start()
        os.close(write_fd)
        lines = _Lines(read_fd, deadline)
        failure = _Failure(child, errors, timeout_s, memory_mib)
        try:
            header = lines.next_message(failure)
            if "error" in header:
                raise InputError(f"the query failed: {header['error']}")
            columns = tuple(str(c) for c in header["columns"])
            yield QueryStream(columns, _batches(lines, columns, failure))
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
    """The columns and all rows of a user query (``stream_user_query``, collected)."""
    with stream_user_query(
        store, text, default_graph=default_graph, timeout_s=timeout_s, memory_mib=memory_mib
    ) as stream:
        return stream.columns, [row for batch in stream.batches for row in batch]


def _batches(lines: _Lines, columns: tuple[str, ...], failure: _Failure) -> Iterator[list[Row]]:
    batch: list[Row] = []
    while True:
        message = lines.next_message(failure)
        if isinstance(message, list):
            batch.append(dict(zip(columns, message, strict=True)))
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
            continue
        if "error" in message:
            raise InputError(f"the query failed: {message['error']}")
        break  # {"end": true}
    if batch:
        yield batch


class _Failure:
    """Turns the end of a child without an answer into one sentence (never its backtrace)."""

    def __init__(self, child: Any, errors: IO[bytes], timeout_s: float, memory_mib: int) -> None:
        self.child = child
        self.errors = errors
        self.timeout_s = timeout_s
        self.memory_mib = memory_mib

    def timed_out(self) -> LedgerError:
        return LedgerError(
            f"the query was stopped after {self.timeout_s:g} s",
            hint="narrow it (LIMIT, fewer patterns, bound values) or raise --timeout",
        )

    def ended(self) -> LedgerError:
        self.child.join(5)
        self.errors.seek(0)
        said = self.errors.read(64 * 1024).decode("utf-8", "replace")
        code = self.child.exitcode
        if any(sign in said for sign in _MEMORY_SIGNS) or code in (-signal.SIGABRT, 3):
            return LedgerError(
                f"the query needed more than its {self.memory_mib:,} MiB of memory and was stopped",
                hint="narrow it (LIMIT, fewer patterns, shorter strings) or raise --memory (MiB)",
            )
        first = next((line for line in said.splitlines() if line.strip()), "")
        return LedgerError(
            f"the query process ended without an answer (exit code {code})"
            + (f": {first[:200]}" if first else ""),
            hint="try again; if it persists, report the query",
        )


class _Lines:
    """JSON lines from the child's pipe, waiting no later than the deadline."""

    def __init__(self, fd: int, deadline: float) -> None:
        self.fd = fd
        self.deadline = deadline
        self.buffer = b""
        self.pending: deque[bytes] = deque()

    def next_message(self, failure: _Failure) -> Any:
        while not self.pending:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise failure.timed_out()
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                raise failure.timed_out()
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise failure.ended()
            *complete, self.buffer = (self.buffer + chunk).split(b"\n")
            self.pending.extend(line for line in complete if line)
        return json.loads(self.pending.popleft())


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


def _term_text(term: Any) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return str(term)


def _child(
    store: ox.Store,
    text: str,
    default_graph: Sequence[ox.NamedNode] | None,
    write_fd: int,
    errors_fd: int,
    memory_mib: int,
) -> None:
    os.dup2(errors_fd, 2)  # a Rust abort prints a backtrace: it goes to the parent's file
    faulthandler.disable()  # it may write to a copy of the old stderr (pytest, -X faulthandler)
    _limit_memory(memory_mib)
    with os.fdopen(write_fd, "wb", buffering=1 << 16) as out:

        def send(message: Any) -> None:
            out.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")

        try:
            options: dict[str, Any] = (
                {"use_default_graph_as_union": True}
                if default_graph is None
                else {"default_graph": list(default_graph)}
            )
            result = store.query(text, **options)
            if isinstance(result, ox.QueryBoolean):
                send({"columns": ["result"]})
                send(["true" if bool(result) else "false"])
            elif isinstance(result, ox.QuerySolutions):
                variables = list(result.variables)
                send({"columns": [v.value for v in variables]})
                for solution in result:
                    send([_term_text(solution[v]) for v in variables])
            else:
                send({"columns": ["subject", "predicate", "object"]})
                for triple in result:
                    send([_term_text(t) for t in (triple.subject, triple.predicate, triple.object)])
            send({"end": True})
        except MemoryError:
            out.flush()
            os._exit(3)  # nothing more can be said safely; the parent names --memory
        except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
            send({"error": str(exc)})
