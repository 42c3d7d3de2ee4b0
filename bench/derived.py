"""What checking the derived data costs: `verify`, its cheap derived checks, `verify --derived`,
and `rebuild`, on an existing ledger, printed as a table.

Usage (from the repository's root; grow a ledger first, e.g. 10,000 claims in ~3 min)::

    PYTHONPATH=. python bench/ledger.py --sizes 10000 --no-baselines --keep --dir /tmp/b10k
    PYTHONPATH=. python bench/derived.py /tmp/b10k/ledger

Each step runs once, in this process, one after the other (the cheap check first, so that
it finds the index and findings caught up); CPU seconds count every thread of the process
(RocksDB's own included), so they say more than wall seconds on a loaded machine; peak memory
is the process's.
"""

from __future__ import annotations

import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.chain import derived, store  # noqa: E402


def main(argv: list[str]) -> None:
    book = store.open(Path(argv[0]))
    size = book.size()
    quads = sum(book.read_entry(seq).count(b"\n") for seq in range(1, size + 1))
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, Python "
        f"{platform.python_version()}; {size} entries, {quads:,} quads"
    )
    print(f"{'step':<40} {'wall s':>8} {'CPU s':>8} {'verdict':>8}")
    steps = [
        ("verify (entries and chain)", lambda: book.verify(workers=1).ok),
        ("derived data, cheap (verify's default)", lambda: derived.check(book).ok),
        ("derived data, full (verify --derived)", lambda: derived.check(book, full=True).ok),
        ("rebuild --index", lambda: bool(derived.rebuild(book, findings=False))),
        ("rebuild --findings", lambda: bool(derived.rebuild(book, index=False))),
    ]
    for name, step in steps:
        started, cpu = time.perf_counter(), time.process_time()
        verdict = step()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{name:<40} {wall:>8.2f} {cpu:>8.2f} {'ok' if verdict else 'FAIL':>8}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory: {peak} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
