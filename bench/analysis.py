"""Benchmark of the analysis (issue #4): conflicts, corroborations, grades and the batch check.

    python bench/analysis.py                       # 10k, 100k and 1M claims (about 20 minutes)
    python bench/analysis.py --sizes 10000 100000  # fewer sizes
    python bench/analysis.py --cache DIR           # where the generated stores are kept

For each size a synthetic ledger (bench/synthetic.py) is written straight into an on-disk
pyoxigraph store (RocksDB), in named graphs of 1,000 claims like the ledger's entries, with
cl:comparisonKey literals as the append path would add them. Each measurement runs in a fresh
process, reading the union of the graphs, and reports wall time, rows and peak resident memory
(the process's whole peak: Python, pyoxigraph and RocksDB). The batch check binds 1,000 claims
of the ledger as the new batch, once through the keys and once without them. The baseline runs
the same queries and the same Python through rdflib's SPARQL engine on an in-memory graph,
under a time cap. The last table gives the growth exponent k of time ~ n^k between sizes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# bench/ledger.py (the ledger benchmark) would hide the ledger package: the repository first
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

COMMANDS = ("conflicts", "corroborations", "grade", "batch-keyed", "batch-unkeyed")
TARGET_SECONDS, TARGET_GIB, TARGET_BATCH, TARGET_EXPONENT = 10.0, 2.0, 1.0, 1.2


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


def worker(command: str, store_path: str, engine: str) -> dict[str, Any]:
    """Run one command in this (fresh) process; its time, rows and peak memory."""
    import pyoxigraph as ox

    from ledger import analysis

    store = ox.Store.read_only(store_path)
    if engine == "rdflib":
        store = _rdflib_engine(store, analysis)
    started = time.perf_counter()
    if command == "conflicts":
        rows = len(analysis.find_conflicts(store))
    elif command == "corroborations":
        rows = len(analysis.find_corroborations(store))
    elif command == "grade":
        rows = len(analysis.grade_claims(store))
    else:
        claims = [
            str(s["c"].value)
            for s in store.query(
                "SELECT ?c WHERE { ?c a <https://w3id.org/claim-ledger/ns#Claim> }",
                use_default_graph_as_union=True,
            )
        ]
        batch = random.Random(7).sample(sorted(claims), 1000)
        started = time.perf_counter()
        rows = len(analysis.conflicts_for_batch(store, batch, keyed=command == "batch-keyed"))
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "rows": rows, "peak_gib": peak_kib / 2**20}


def _rdflib_engine(store: Any, analysis: Any) -> Any:
    """Route ledger.analysis's queries through rdflib's SPARQL engine on an in-memory graph."""
    import csv
    import io

    import pyoxigraph as ox
    import rdflib

    from ledger import resources

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

    analysis._select = select
    return store


def measure(command: str, store_path: Path, engine: str, cap: float) -> dict[str, Any]:
    """Run ``worker`` in a child process, stopped after ``cap`` seconds."""
    args = [sys.executable, __file__, "--worker", command, str(store_path), engine]
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
    return f"{result['seconds']:8.2f} s {result['peak_gib']:5.2f} GiB {result['rows']:>9,} rows"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cache", type=Path, default=None, help="keep generated stores here")
    parser.add_argument("--cap", type=float, default=300, help="seconds before a run is stopped")
    parser.add_argument("--baseline-cap", type=float, default=60, help="rdflib's time cap")
    parser.add_argument("--baseline-sizes", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    # the stores take minutes to build (about ten for a million claims): kept for the next run
    cache = args.cache or Path(tempfile.gettempdir()) / "claim-ledger-bench-analysis"
    results: dict[tuple[int, str, str], dict[str, Any]] = {}
    print(f"{'claims':>9}  {'engine':8} {'command':15} {'time':>10} {'peak':>9} {'rows':>14}")
    for n in sorted(set(args.sizes) | set(args.baseline_sizes)):
        folder = cache / f"claims-{n}"
        seconds = build(n, folder)
        print(f"{n:>9,}  {'build':8} {'(generate+load)':15} {seconds:8.2f} s", flush=True)
        for command in COMMANDS if n in args.sizes else ():
            result = measure(command, folder / "store", "oxigraph", args.cap)
            results[n, "oxigraph", command] = result
            print(f"{n:>9,}  {'oxigraph':8} {command:15} {_cell(result)}", flush=True)
        if n in args.baseline_sizes:
            for command in ("conflicts", "corroborations", "grade"):
                result = measure(command, folder / "store", "rdflib", args.baseline_cap)
                results[n, "rdflib", command] = result
                print(f"{n:>9,}  {'rdflib':8} {command:15} {_cell(result)}", flush=True)
    print()
    print("growth exponent k (time ~ n^k) between sizes, Oxigraph on disk")
    sizes = sorted(args.sizes)
    for command in COMMANDS:
        parts = []
        for small, large in zip(sizes, sizes[1:], strict=False):
            a, b = results[small, "oxigraph", command], results[large, "oxigraph", command]
            if a.get("seconds") and b.get("seconds"):
                k = math.log(b["seconds"] / a["seconds"]) / math.log(large / small)
                parts.append(f"{small:,}->{large:,}: {k:.2f}")
        print(f"  {command:15} " + ("   ".join(parts) or "-"))
    largest = max(args.sizes)
    print()
    print(
        f"targets at {largest:,} claims: each command <= {TARGET_SECONDS:g} s and "
        f"<= {TARGET_GIB:g} GiB; batch of 1,000 <= {TARGET_BATCH:g} s; "
        f"growth <= n^{TARGET_EXPONENT}"
    )
    for command in COMMANDS:
        r = results.get((largest, "oxigraph", command), {})
        limit = TARGET_BATCH if command.startswith("batch") else TARGET_SECONDS
        ok = r.get("seconds") is not None and r["seconds"] <= limit and r["peak_gib"] <= TARGET_GIB
        print(f"  {command:15} {'met' if ok else 'NOT met'}")
    print(f"\nstores kept in {cache} (delete it to rebuild)")


if __name__ == "__main__":
    main()
