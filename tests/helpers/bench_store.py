"""Benchmark of the store: append throughput and verify time, printed as a table.

Usage: python tests/helpers/bench_store.py DIRECTORY [ENTRIES] [CLAIMS_PER_ENTRY] [WORKERS]

Builds (or reuses) a ledger of ENTRIES entries of CLAIMS_PER_ENTRY synthetic claims (about 24
quads each) in DIRECTORY, appending without the query index, then times ``verify``. Appends with
the index on are timed separately on a few entries of the same size.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from helpers.synthetic_claims import claims
from ledger.chain import store


def main(argv: list[str]) -> None:
    directory = Path(argv[0])
    n_entries = int(argv[1]) if len(argv) > 1 else 1000
    per_entry = int(argv[2]) if len(argv) > 2 else 1000
    workers = int(argv[3]) if len(argv) > 3 else 2
    rows: list[tuple[str, str]] = []
    book = (
        store.open(directory, index_on_append=False)
        if (directory / "ledger.json").exists()
        else store.open(store.init(directory).path, index_on_append=False)
    )
    existing = book.size()
    started = time.monotonic()
    for batch in range(existing, n_entries):
        book.append(claims(per_entry, batch), author="bench", message=str(batch), kind="add")
        if batch % 50 == 0:
            print(f"  appended {batch + 1}/{n_entries}", file=sys.stderr, flush=True)
    if n_entries > existing:
        elapsed = time.monotonic() - started
        per_second = (n_entries - existing) / elapsed
        rows.append(
            (
                "append, index off",
                f"{per_second:.2f} entries/s ({per_second * per_entry:.0f} claims/s)",
            )
        )
    size = sum(path.stat().st_size for path in book.entries_dir.iterdir())
    rows.append(("ledger", f"{book.size()} entries x {per_entry} claims, {size / 2**30:.2f} GiB"))

    started = time.monotonic()
    report = book.verify(workers=workers)
    rows.append((f"verify, {workers} workers", f"{time.monotonic() - started:.1f} s ({report})"))

    sample = directory.parent / (directory.name + "-indexed")
    shutil.rmtree(sample, ignore_errors=True)
    indexed = store.init(sample)
    started = time.monotonic()
    for batch in range(5):
        indexed.append(claims(per_entry, batch), author="bench", message="", kind="add")
    elapsed = time.monotonic() - started
    rows.append(
        (
            "append, index on",
            f"{5 / elapsed:.2f} entries/s ({5 * per_entry / elapsed:.0f} claims/s)",
        )
    )
    small = store.init(directory.parent / (directory.name + "-small"))
    started = time.monotonic()
    for batch in range(50):
        small.append(claims(3, batch), author="bench", message="", kind="add")
    elapsed = time.monotonic() - started
    rows.append(("append 3 claims, index on", f"{elapsed / 50 * 1000:.0f} ms per append"))
    shutil.rmtree(sample, ignore_errors=True)
    shutil.rmtree(small.path, ignore_errors=True)

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main(sys.argv[1:])
