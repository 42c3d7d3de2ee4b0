"""A child process for the store's reliability tests: append, read or fail, and say what it did.

Usage: python ledger_child.py MODE LEDGER_DIR [ARGS...]

  append-loop DIR TAG         append small batches until killed; "appended SEQ HASH" after each
  append-n DIR N TAG          append N small batches, then exit 0
  append-big DIR CLAIMS LIMIT append one batch of CLAIMS claims with RLIMIT_FSIZE=LIMIT bytes
  read-loop DIR               read every complete entry over and over until stdin closes
  query-loop DIR              count entries through the query index until stdin closes

Library errors are reported as the command line does: the message on stderr, exit code from
the error, no traceback. Lines go to stdout flushed, so a killed child has reported exactly the
appends that returned.
"""

from __future__ import annotations

import random
import resource
import sys
import threading

from pyoxigraph import QuerySolutions

from helpers.synthetic_claims import claims
from ledger.chain import store
from ledger.chain.canon import check_canonical
from ledger.errors import LedgerError


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def append_batches(directory: str, count: int | None, tag: str) -> None:
    ledger = store.open(directory)
    say("ready")
    done = 0
    while count is None or done < count:
        batch = random.randrange(10**9)
        record = ledger.append(
            claims(random.randint(1, 4), batch), author=tag, message=f"batch {batch}", kind="add"
        )
        say(f"appended {record.seq} {record.hash}")
        done += 1


def append_big(directory: str, n_claims: int, limit: int) -> None:
    ledger = store.open(directory)
    quads = claims(n_claims, 7)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    record = ledger.append(quads, author="big", message="too big for the disk", kind="add")
    say(f"appended {record.seq} {record.hash}")


def read_loop(directory: str) -> None:
    """Read all entries until stdin closes; fail loudly on anything partial."""
    ledger = store.open(directory, index_on_append=False)
    stop = threading.Event()

    def wait_for_stdin_to_close() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_stdin_to_close, daemon=True).start()
    say("ready")
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
                say(f"PARTIAL {record.seq}: {problem}")
                sys.exit(1)
            seen.add(record.seq)
    say(f"read {len(seen)} entries in {rounds} rounds")


ENTRY_COUNT = (
    "SELECT (COUNT(?entry) AS ?n) WHERE { ?entry a <https://w3id.org/claim-ledger/ns#LedgerEntry> }"
)


def query_loop(directory: str) -> None:
    """Query the index until stdin closes; the count of entries may only grow."""
    ledger = store.open(directory, index_on_append=False)
    stop = threading.Event()

    def wait_for_stdin_to_close() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_stdin_to_close, daemon=True).start()
    say("ready")
    counts: list[int] = []
    while not stop.is_set():
        with ledger.index(timeout=60) as index:
            rows = index.query(ENTRY_COUNT)
            assert isinstance(rows, QuerySolutions)
            (row,) = rows
            count = int(row["n"].value)
            if count != index.indexed_through or (counts and count < counts[-1]):
                say(f"INCONSISTENT {count} after {counts[-1:]} (indexed {index.indexed_through})")
                sys.exit(1)
            counts.append(count)
    say(f"queried {len(counts)} times, saw {len(set(counts))} sizes, last {counts[-1]}")


def main(argv: list[str]) -> int:
    mode, directory, *rest = argv
    try:
        if mode == "append-loop":
            append_batches(directory, None, rest[0])
        elif mode == "append-n":
            append_batches(directory, int(rest[0]), rest[1])
        elif mode == "append-big":
            append_big(directory, int(rest[0]), int(rest[1]))
        elif mode == "read-loop":
            read_loop(directory)
        elif mode == "query-loop":
            query_loop(directory)
        else:
            raise SystemExit(f"unknown mode {mode}")
    except LedgerError as error:
        sys.stderr.write(f"error: {error}\n")
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
