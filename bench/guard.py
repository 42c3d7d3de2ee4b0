"""Benchmark of the verify-before-trust guard (ledger/chain/trust.py) against a full verify.

    python -P bench/guard.py                          # 1,000 entries of 200 quads
    python -P bench/guard.py --entries 1000 --quads 2000 --after 0 10 100
    python -P bench/guard.py --claims 1000000 --cache /tmp/guard-1m   # 1,000 entries of 1,000

Synthetic (default): a ledger of ``--entries`` entries (each ``--quads`` quads of synthetic
claim-like triples) is written without a query index, a full verify is run and remembered, and
``--after`` more entries are appended.

``--claims N``: a ledger of N real claims in entries of ``--batch`` claims, built by
``bench/ledger.py``'s ``--verify-ledger`` builder (``--seed-batches`` real batches through
``api.add``, then their entries' content appended again, each with its own metadata and chain
link). It is kept in ``--cache`` (``verify-N``; ``verify-N.built`` marks it complete), so a
rerun does not build it again; each run appends one more real entry to it (the "1 new entry"
row), which the table's entry count shows. Then, in this process:

- ``full verify``: ``verify`` of the whole chain (every entry read and hashed);
- ``guard, head unchanged``: ``trust.check`` right after a full verify was remembered: the stat
  digest of the entry files up to the remembered head and the remembered entry hashed again;
- ``guard, 1 new entry``: the same after one real 1,000-claim entry was appended: that entry
  is also checked as ``verify`` checks it.

Every time is the median of ``--repeat`` runs (each run is listed); the ratio is the full
verify's median over the row's. The machine's CPUs and load are printed first.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox

from ledger.chain import store, trust

EX = "https://example.org/bench/"
BENCH = Path(__file__).resolve().parent


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


def timed(repeat: int, function: Callable[[], object]) -> list[float]:
    """The seconds each of ``repeat`` calls of ``function`` took."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def bench_ledger() -> ModuleType:
    """``bench/ledger.py`` (its large-ledger builder), loaded under another name: as
    ``ledger`` it would hide the package."""
    sys.path.insert(0, str(BENCH))  # bench/ledger.py imports claim_files beside it
    spec = importlib.util.spec_from_file_location("bench_ledger", BENCH / "ledger.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def synthetic(args: argparse.Namespace) -> None:
    """The guard on a synthetic ledger, ``--after`` entries past the remembered head."""
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
            full = statistics.median(timed(args.repeat, ledger.verify))
            guard = statistics.median(timed(args.repeat, lambda: trust.check(ledger)))
            result = trust.check(ledger)
            assert result.report.ok, result.report
            ratio = full / guard
            print(f"{after:>10} {full:>9.3f} {guard:>9.4f} {ratio:>6.0f}x  {result.method}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cached_ledger(builder: ModuleType, cache: Path, claims: int, batch: int, seeds: int) -> Path:
    """The ledger of ``claims`` claims in ``cache``, built there first if it is not complete."""
    path = cache / f"verify-{claims}"
    built = cache / f"verify-{claims}.built"
    if built.exists() and path.is_dir():
        print(f"# reusing {path} (built {built.read_text().strip()})", flush=True)
        return path
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    builder.write_verify_ledger(cache, claims, batch, seeds)
    took = f"{time.perf_counter() - started:.0f} s"
    built.write_text(f"{time.strftime('%Y-%m-%d %H:%M')} in {took}\n")
    print(f"# built {path} in {took}", flush=True)
    return path


def guard_method(ledger: store.Ledger) -> str:
    """How the guard checks ``ledger`` now ("since N"); stops the bench if it would not pass
    or would fall back to a full verify (then it would not measure the guard)."""
    result = trust.check(ledger)
    if not result.report.ok or result.method == "full":
        raise SystemExit(f"the guard did not check since a remembered head: {result}")
    return result.method


def large(args: argparse.Namespace) -> None:
    """The guard against a full verify on a ledger of ``--claims`` real claims."""
    builder = bench_ledger()
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} on {builder.machine()}", flush=True)
    path = cached_ledger(builder, args.cache, args.claims, args.batch, args.seed_batches)
    ledger = store.open(path, index_on_append=False)
    size = ledger.size()
    gb = sum(ledger.entry_path(s).stat().st_size for s in range(1, size + 1)) / 1e9
    rows: list[tuple[str, list[float], str]] = []
    load_before = os.getloadavg()[0]

    full = timed(args.repeat, lambda: trust.full_verify(ledger))  # the last one is remembered
    rows.append(("full verify", full, "full"))
    method = guard_method(ledger)
    rows.append(("guard, head unchanged", timed(args.repeat, lambda: trust.check(ledger)), method))

    head = ledger.head()
    assert head is not None
    content, graph = builder.entry_content(ledger, 2)  # a real batch's entry (1 is the registry)
    builder.replay_entry(ledger, content, graph, head.seq + 1, head.hash, "guard bench")
    method = guard_method(ledger)
    rows.append(("guard, 1 new entry", timed(args.repeat, lambda: trust.check(ledger)), method))

    print(
        f"{size:,} entries ({(size - 1) * args.batch:,} claims and the registry) before the "
        f"new one, {gb:.1f} GB; median of {args.repeat} runs in one process; "
        f"load {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    full_median = statistics.median(full)
    head_row = ("measurement", "median s", "runs s", "full verify / it", "guard method")
    lines = [head_row]
    for name, times, method in rows:
        median = statistics.median(times)
        lines.append(
            (
                name,
                f"{median:.3f}",
                " ".join(f"{t:.3f}" for t in times),
                f"{full_median / median:,.0f}x",
                method,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head_row))]
    for number, line in enumerate(lines):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000, help="synthetic: entries")
    parser.add_argument("--quads", type=int, default=200, help="synthetic: quads per entry")
    parser.add_argument("--after", type=int, nargs="+", default=[0, 10, 100])
    parser.add_argument("--repeat", type=int, default=3, help="runs per time (the median)")
    parser.add_argument("--claims", type=int, default=0, help="real claims (e.g. 1000000)")
    parser.add_argument("--batch", type=int, default=1000, help="--claims: claims per entry")
    parser.add_argument("--seed-batches", type=int, default=10, help="--claims: real batches")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "claim-ledger-guard",
        help="--claims: where the ledger is kept between runs",
    )
    args = parser.parse_args()
    if args.claims:
        large(args)
    else:
        synthetic(args)


if __name__ == "__main__":
    main()
