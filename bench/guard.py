"""Benchmark of the verify-before-trust guard (ledger/chain/trust.py) against a full verify.

    python bench/guard.py                          # 1,000 entries of 200 quads
    python bench/guard.py --entries 1000 --quads 2000 --after 0 10 100

A ledger of ``--entries`` entries (each ``--quads`` quads of synthetic claim-like triples) is
written without a query index, a full verify is run and remembered, and ``--after`` more entries
are appended. Then, each timed as the best of ``--repeat`` runs in this process:

- ``verify``: the full verify (every entry read and hashed, the chain checked);
- ``guard``: ``trust.check``: the stat digest of the entries up to the remembered head, the
  remembered entry hashed again, and the entries after it checked as ``verify`` checks them.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ledger.chain import store, trust

EX = "https://example.org/bench/"


def entry_quads(seq: int, quads: int) -> list[ox.Quad]:
    """``quads`` triples of claim-like statements, unique to entry ``seq``."""
    return [
        ox.Quad(
            ox.NamedNode(f"{EX}claim/{seq}-{i}"),
            ox.NamedNode(f"{EX}statement"),
            ox.Literal(f"In entry {seq}, statement {i}: about {i * 37 % 10000} people fled."),
        )
        for i in range(quads)
    ]


def best_of(repeat: int, function: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--quads", type=int, default=200)
    parser.add_argument("--after", type=int, nargs="+", default=[0, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="claim-ledger-guard-"))
    try:
        ledger = store.init(folder / "ledger")
        ledger.index_on_append = False
        for seq in range(1, args.entries + 1):
            ledger.append(entry_quads(seq, args.quads), author="bench", message="", kind="add")
        total = sum(ledger.entry_path(s).stat().st_size for s in range(1, args.entries + 1))
        print(f"{args.entries} entries of {args.quads} quads, {total / 1e6:.1f} MB")
        print(f"{'after head':>10} {'verify s':>9} {'guard s':>9} {'ratio':>7}  guard method")
        appended = 0
        for after in sorted(args.after):
            trust.forget(ledger)
            trust.full_verify(ledger)  # the memory: the head as it is now
            for _ in range(after):
                appended += 1
                quads = entry_quads(args.entries + appended, args.quads)
                ledger.append(quads, author="bench", message="", kind="add")
            full = best_of(args.repeat, ledger.verify)
            guard = best_of(args.repeat, lambda: trust.check(ledger))
            result = trust.check(ledger)
            assert result.report.ok, result.report
            ratio = full / guard
            print(f"{after:>10} {full:>9.3f} {guard:>9.4f} {ratio:>6.0f}x  {result.method}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
