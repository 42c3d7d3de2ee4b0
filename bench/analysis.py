"""Benchmark of the analysis (issue #4): conflicts, corroborations, grades and the batch check.

    python bench/analysis.py                       # 10k, 100k, 1M; rdflib at 1k (about 40 min)
    python bench/analysis.py --sizes 10000 100000  # fewer sizes
    python bench/analysis.py --cache DIR           # where the generated stores are kept
    python bench/analysis.py --sizes 1000000 --recompute-sizes --baseline-sizes \
        --commands add-check --repeat 3            # one command, the median of three runs

For each size a synthetic ledger (bench/synthetic.py) is written straight into an on-disk
pyoxigraph store (RocksDB), in named graphs of 1,000 claims like the ledger's entries, with
cl:comparisonKey literals as the append path would add them. A copy of it without its last
claims entry plays the ledger before an ``add``. Each measurement runs in a fresh process and
reports wall time, rows and peak resident memory (the process's whole peak: Python, pyoxigraph,
RocksDB and SQLite):

- ``findings-build``: the derived findings file (ledger/analysis/findings.py) built from nothing,
over
  the ledger without its last entry: one pass over every claim (what a first command, or a
  registry change, costs);
- ``add-check``: the last entry appended to that store, then ``conflicts_for_batch`` with the
  findings file: the catch-up (the new entry's 1,000 claims judged against the stored claims
  of the same subject and property) and the rows of the batch's conflicts; it starts from the
  copy of the findings file that ``findings-build`` keeps (``findings-before-last.sqlite``), so
  it can be run again without a build;
- ``add-pages`` (only when named in ``--commands``): ``add-check`` with a second connection
  open on the findings file, so that the write-ahead log keeps every page the catch-up's
  commit wrote; the pages are counted from its size (the time is not comparable: the
  checkpoint is no longer the last connection's);
- ``conflicts``, ``corroborations``, ``grade``: the commands on the whole ledger, the findings
  file caught up (the state after any command or ``add``);
- ``recompute-*`` (``--recompute-sizes``): the same commands recomputed from the store without
  the findings file, and ``batch-sparql``, the batch check through SPARQL look-ups;
- ``rdflib``: the full recomputation through rdflib's SPARQL engine on an in-memory graph, as a
  baseline, under a time cap (``--baseline-sizes``); a size is skipped when the smaller one,
  scaled linearly, would exceed the cap.

With ``--repeat N`` each command runs N times (each in a fresh process) and the table gives
the median run; ``--commands`` runs only the commands named (``findings-build`` must have run
once before ``add-check``). The last tables give the growth exponent k of time ~ n^k between
sizes and the targets.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# bench/ledger.py (the ledger benchmark) would hide the ledger package: the repository first
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

COMMANDS = ("findings-build", "add-check", "conflicts", "corroborations", "grade")
RECOMPUTE = ("recompute-conflicts", "recompute-corroborations", "recompute-grade", "batch-sparql")
TARGETED = ("add-check", "conflicts", "corroborations", "grade")
NAMED_ONLY = ("add-pages",)  # run only when named in --commands
TARGET_SECONDS, TARGET_GIB, TARGET_BATCH, TARGET_EXPONENT = 10.0, 2.0, 1.0, 1.2
#: the findings file as findings-build leaves it (the ledger without its last entry)
KEPT = "findings-before-last.sqlite"
CL = "https://w3id.org/claim-ledger/ns#"


def build(n: int, path: Path) -> float:
    """Write the synthetic ledger of ``n`` claims into an on-disk store; seconds taken."""
    import importlib.util

    import pyoxigraph as ox

    spec = importlib.util.spec_from_file_location("synthetic", HERE / "synthetic.py")
    assert spec is not None and spec.loader is not None
    synthetic = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = synthetic
    spec.loader.exec_module(synthetic)
    marker = path / "complete.json"
    if marker.exists():
        return float(json.loads(marker.read_text())["seconds"])
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    started = time.perf_counter()
    store = ox.Store(str(path / "store"))
    store.bulk_extend(synthetic.generate(n, keys=True))
    store.flush()
    del store
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"claims": n, "seconds": seconds}))
    return seconds


# --------------------------------------------------------------------------- one measurement


def _last_entry(store: Any) -> Any:
    """The named graph of the last 1,000-claim entry (``entry/<highest number>``)."""
    numbered = [g for g in store.named_graphs() if g.value.rsplit("/", 1)[-1].isdigit()]
    return max(numbered, key=lambda g: int(g.value.rsplit("/", 1)[-1]))


def before_last(folder: Path) -> Path:
    """A copy of the store without its last entry: the ledger before an ``add`` (kept)."""
    import pyoxigraph as ox

    work = folder / "before-last"
    marker = folder / "before-last.json"
    if marker.exists():
        return work
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder / "store", work)
    store = ox.Store(str(work))
    last = _last_entry(store)
    store.remove_graph(last)
    store.flush()
    del store
    marker.write_text(json.dumps({"removed": last.value}))
    return work


def worker(command: str, folder_text: str, engine: str) -> dict[str, Any]:
    """Run one command in this (fresh) process; its time, rows and peak memory."""
    import pyoxigraph as ox

    from ledger.analysis import compare as analysis
    from ledger.analysis import findings

    folder = Path(folder_text)
    derived = folder / "findings.sqlite"
    started = time.perf_counter()
    extra: dict[str, Any] = {}
    if command == "findings-build":
        for stale in folder.glob("findings.sqlite*"):
            stale.unlink()
        store = ox.Store.read_only(str(folder / "before-last"))
        started = time.perf_counter()
        done = findings.catch_up(store, derived)
        assert done is not None
        rows, extra = done.findings, {"claims": done.claims}
        seconds = time.perf_counter() - started
        del store
        shutil.copyfile(derived, folder / KEPT)  # what add-check starts from (not timed)
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {"seconds": seconds, "rows": rows, "peak_gib": peak_kib / 2**20, **extra}
    elif command in ("add-check", "add-pages"):
        if not (folder / KEPT).exists():
            raise SystemExit(f"no {folder / KEPT}: run findings-build first")
        for stale in folder.glob("findings.sqlite*"):
            stale.unlink()
        shutil.copyfile(folder / KEPT, derived)  # the findings before the last entry (not timed)
        source = ox.Store.read_only(str(folder / "store"))
        last = json.loads((folder / "before-last.json").read_text())["removed"]
        quads = list(source.quads_for_pattern(None, None, None, ox.NamedNode(last)))
        batch = sorted(
            {q.subject.value for q in quads if q.predicate.value.endswith("#type")
             and q.object.value == CL + "Claim"}
        )  # fmt: skip
        del source
        store = ox.Store(str(folder / "before-last"))
        store.extend(quads)  # the append (not timed): the index as ``add`` leaves it
        hold = None
        if command == "add-pages":  # a reader keeps the log's frames: no checkpoint on close
            hold = sqlite3.connect(derived)
            hold.execute("SELECT count(*) FROM graphs").fetchone()
        started = time.perf_counter()
        done = findings.catch_up(store, derived)  # what conflicts_for_batch would do first
        caught_up = time.perf_counter() - started
        rows = len(analysis.conflicts_for_batch(store, batch, findings=derived))
        seconds = time.perf_counter() - started
        assert done is not None and not done.rebuilt, done
        written = ""
        if hold is not None:
            page = int(hold.execute("PRAGMA page_size").fetchone()[0])
            wal = Path(str(derived) + "-wal").stat().st_size
            written = f", {(wal - 32) // (page + 24):,} pages of {page:,} B written"
            hold.close()
        store.remove_graph(ox.NamedNode(last))  # the kept store stays before the last entry
        store.flush()
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {
            "seconds": seconds, "rows": rows, "peak_gib": peak_kib / 2**20,
            "note": f"catch-up {caught_up:.2f} s, {len(batch):,} claims, {done.findings} findings"
            + written,
        }  # fmt: skip
    else:
        store = ox.Store.read_only(str(folder / "store"))
        if engine == "rdflib":
            store = _rdflib_engine(store, analysis)
        use = (
            None if command.startswith(("recompute-", "batch-")) or engine == "rdflib" else derived
        )
        name = command.removeprefix("recompute-")
        started = time.perf_counter()
        if name == "conflicts":
            rows = len(analysis.find_conflicts(store, findings=use))
        elif name == "corroborations":
            rows = len(analysis.find_corroborations(store, findings=use))
        elif name == "grade":
            rows = len(analysis.grade_claims(store, findings=use))
        else:  # batch-sparql: 1,000 claims of the ledger bound as the batch, no findings file
            claims = [
                str(s["c"].value)
                for s in store.query(
                    f"SELECT ?c WHERE {{ ?c a <{CL}Claim> }}", use_default_graph_as_union=True
                )
            ]
            batch = random.Random(7).sample(sorted(claims), 1000)
            started = time.perf_counter()
            rows = len(analysis.conflicts_for_batch(store, batch, keyed=True))
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "rows": rows, "peak_gib": peak_kib / 2**20, **extra}


def _rdflib_engine(store: Any, analysis: Any) -> Any:
    """Route ledger.analysis.compare's queries through rdflib's SPARQL engine on an in-memory
    graph."""
    import csv
    import io

    import pyoxigraph as ox
    import rdflib

    from ledger import resources
    from ledger.analysis import read

    graph = rdflib.Graph()
    data = ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in store), format=ox.RdfFormat.N_TRIPLES
    )
    graph.parse(data=data, format="nt")

    def select(_store: Any, name: str, _graph: Any, substitutions: Any = None) -> Any:
        bindings = {
            rdflib.Variable(k): rdflib.URIRef(v.value) if isinstance(v, ox.NamedNode) else v.value
            for k, v in (substitutions or {}).items()
        }
        result = graph.query(resources.query(name), initBindings=bindings)
        text = result.serialize(format="csv").decode("utf-8")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        for row in reader:
            yield dict(zip(header, row, strict=True))

    read.select = select
    analysis.select = select
    # the graph holds every entry's triples: read the claims once, not once per entry graph
    read_claims = analysis.read_claims
    analysis.read_claims = lambda store, default_graph=None: read_claims(store, [ox.DefaultGraph()])
    return store


def measure(command: str, folder: Path, engine: str, cap: float, repeat: int = 1) -> dict[str, Any]:
    """The median of ``repeat`` runs of ``command`` (each ``measure_once``), with every time."""
    runs = [measure_once(command, folder, engine, cap) for _ in range(repeat)]
    if repeat == 1 or any(r.get("seconds") is None for r in runs):
        return runs[0] if repeat == 1 else next(r for r in runs if r.get("seconds") is None)
    median = statistics.median(r["seconds"] for r in runs)
    result = dict(min(runs, key=lambda r: abs(r["seconds"] - median)), seconds=median)
    times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    result["note"] = f"median of {repeat}: {times} s" + (
        f"; {result['note']}" if result.get("note") else ""
    )
    return result


def measure_once(command: str, folder: Path, engine: str, cap: float) -> dict[str, Any]:
    """Run ``worker`` in a child process, stopped after ``cap`` seconds."""
    args = [sys.executable, __file__, "--worker", command, str(folder), engine]
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=cap, env=env)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "note": f"> {cap:.0f} s (stopped)"}
    if done.returncode != 0:
        return {"seconds": None, "note": "failed: " + done.stderr.strip().splitlines()[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- the tables


def _cell(result: dict[str, Any]) -> str:
    if result.get("seconds") is None:
        return str(result.get("note", "-"))
    note = f"  ({result['note']})" if result.get("note") else ""
    return (
        f"{result['seconds']:8.2f} s {result['peak_gib']:5.2f} GiB {result['rows']:>9,} rows{note}"
    )


def _exponents(results: dict[tuple[int, str, str], dict[str, Any]], sizes: list[int]) -> None:
    print("growth exponent k (time ~ n^k) between sizes, Oxigraph on disk")
    for command in COMMANDS + RECOMPUTE:
        parts = []
        for small, large in zip(sizes, sizes[1:], strict=False):
            a = results.get((small, "oxigraph", command), {})
            b = results.get((large, "oxigraph", command), {})
            if a.get("seconds") and b.get("seconds"):
                k = math.log(b["seconds"] / a["seconds"]) / math.log(large / small)
                parts.append(f"{small:,}->{large:,}: {k:.2f}")
        if parts:
            print(f"  {command:24} " + "   ".join(parts))


def _baseline_expected(
    results: dict[tuple[int, str, str], dict[str, Any]], n: int, command: str
) -> float | None:
    """rdflib's time at ``n`` claims, extrapolated linearly from a smaller size (inf if stopped)."""
    smaller = [size for size, engine, c in results if engine == "rdflib" and c == command]
    if not smaller:
        return None
    size = max(smaller)
    seconds = results[size, "rdflib", command].get("seconds")
    return float("inf") if seconds is None else seconds * n / size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cache", type=Path, default=None, help="keep generated stores here")
    parser.add_argument("--cap", type=float, default=300, help="seconds before a run is stopped")
    parser.add_argument("--build-cap", type=float, default=1800, help="findings-build's cap")
    parser.add_argument("--recompute-sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--baseline-cap", type=float, default=300, help="rdflib's time cap")
    parser.add_argument("--baseline-sizes", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument(
        "--commands",
        nargs="+",
        choices=COMMANDS + RECOMPUTE + NAMED_ONLY,
        default=None,
        help="run only these commands (default: all)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the median is shown")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    # the stores take minutes to build (about fifteen for a million claims): kept for next time
    cache = args.cache or Path(tempfile.gettempdir()) / "claim-ledger-bench-analysis"
    results: dict[tuple[int, str, str], dict[str, Any]] = {}
    print(f"{'claims':>9}  {'engine':8} {'command':24} {'time':>10} {'peak':>9} {'rows':>14}")
    for n in sorted(set(args.sizes) | set(args.baseline_sizes)):
        folder = cache / f"claims-{n}"
        seconds = build(n, folder)
        print(f"{n:>9,}  {'build':8} {'(generate+load)':24} {seconds:8.2f} s", flush=True)
        commands: tuple[str, ...] = COMMANDS if n in args.sizes else ()
        if n in args.recompute_sizes:
            commands += RECOMPUTE
        if args.commands is not None:
            named = NAMED_ONLY if n in args.sizes else ()
            commands = tuple(c for c in commands + named if c in args.commands)
        if commands:
            before_last(folder)
        for command in commands:
            cap = args.build_cap if command == "findings-build" else args.cap
            result = measure(command, folder, "oxigraph", cap, args.repeat)
            results[n, "oxigraph", command] = result
            print(f"{n:>9,}  {'oxigraph':8} {command:24} {_cell(result)}", flush=True)
        if n in args.baseline_sizes:
            for command in ("conflicts", "corroborations", "grade"):
                expected = _baseline_expected(results, n, command)
                if expected is not None and expected > args.baseline_cap:
                    why = (
                        "stopped at a smaller size"
                        if expected == float("inf")
                        else (f"~{expected:,.0f} s expected")
                    )
                    result = {"seconds": None, "note": f"skipped: {why}"}
                else:
                    result = measure(command, folder, "rdflib", args.baseline_cap)
                results[n, "rdflib", command] = result
                print(f"{n:>9,}  {'rdflib':8} {command:24} {_cell(result)}", flush=True)
    print()
    _exponents(results, sorted(args.sizes))
    largest = max(args.sizes)
    print()
    print(
        f"targets at {largest:,} claims: each command <= {TARGET_SECONDS:g} s and "
        f"<= {TARGET_GIB:g} GiB; batch of 1,000 (add-check) <= {TARGET_BATCH:g} s; "
        f"growth 100,000->1,000,000 <= n^{TARGET_EXPONENT}"
    )
    for command in TARGETED:
        r = results.get((largest, "oxigraph", command), {})
        if not r:
            print(f"  {command:15} not run")
            continue
        limit = TARGET_BATCH if command == "add-check" else TARGET_SECONDS
        ok = r.get("seconds") is not None and r["seconds"] <= limit and r["peak_gib"] <= TARGET_GIB
        growth = ""
        small = 100_000 if largest == 1_000_000 else None
        a = results.get((small, "oxigraph", command), {}) if small else {}
        if a.get("seconds") and r.get("seconds"):
            k = math.log(r["seconds"] / a["seconds"]) / math.log(largest / small)
            growth = f"; growth n^{k:.2f} {'met' if k <= TARGET_EXPONENT else 'NOT met'}"
        print(f"  {command:15} {'met' if ok else 'NOT met'}{growth}")
    print(f"\nstores kept in {cache} (delete it to rebuild)")


if __name__ == "__main__":
    main()
