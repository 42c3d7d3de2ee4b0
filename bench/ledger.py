"""Benchmark of issue #3: appending validated claims to a growing ledger, printed as a table.

Usage (from the repository's root)::

    PYTHONPATH=. python bench/ledger.py [--sizes 1000,10000,100000] [--full] [--batch 1000]
        [--dir DIR] [--keep] [--remote SIZE] [--no-baselines]
    PYTHONPATH=. python bench/ledger.py --verify-ledger 100000,1000000 [--seed-batches 10]

One ledger grows from empty, in batches of ``--batch`` synthetic claims (``claim_files.py``):
each batch is written as YAML claim files with its articles, then ``api.add`` loads, validates
(against the shapes and the context the batch needs from the ledger), mints claim IRIs and
appends it as one entry, exactly as ``claim-ledger add`` does. The registry (sources, entities)
is the ledger's first entry. When the ledger reaches each size, a row is printed: claims/s
appended with validation (median of the batches since the previous row, and overall), the last
batch's time per step, ``verify`` time, disk size and peak memory. ``--full`` adds 1,000,000.

Baselines measured in the same run: the reference SHACL engine (pySHACL) against pyshacl-turbo
on the same batch with the same context, and ``store.append`` alone against the whole ``add``
(from the step times of every batch). ``--remote SIZE`` grows a ledger to SIZE claims on each
SPARQL server the tests run on, started here as the tests start them (tests/oxigraph_server.py:
``oxigraph serve``; tests/virtuoso_server.py: ``virtuoso-t`` with its own database), and prints
them side by side (claims/s appended, verify time); a server that is not installed is named in
the notes.

``--verify-ledger SIZES`` measures ``verify`` alone on ledgers too large to grow through ``add``
here (1M claims would take ~1.5 h): ``--seed-batches`` real batches are added through ``api.add``,
then their entries' content (the canonical bytes of the content graph, as ``add`` wrote them) is
appended again and again, cycling, each time with its own metadata (sequence number, time,
previous entry's hash) merged in as the store merges it, and written with the store's own entry
writer. Every entry is a real 1,000-claim entry (same size, same look-alike blank nodes); only
the content repeats, which ``verify`` cannot see (it checks each entry on its own, and the chain).
No index is built. ``verify`` and ``verify(deep=True)`` then run in a fresh process each, so that
their peak memory is their own (self, and the largest worker).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# This file is bench/ledger.py: put the repository first on the path, or `import ledger` would
# find this script instead of the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import claim_files  # noqa: E402 - after the path is set

from ledger import api
from ledger.chain import entry, store  # noqa: E402
from ledger.chain.canon import add_ground_quads, canonical_nquads, sha256_hex  # noqa: E402
from ledger.chain.location import LedgerLocation  # noqa: E402
from ledger.intake.load import load_paths  # noqa: E402
from ledger.intake.validate import validate_batch  # noqa: E402


@dataclass
class Row:
    """One line of the table: the ledger as it stood at ``claims`` claims."""

    backend: str
    claims: int
    median_rate: float
    overall_rate: float
    last: dict[str, float]
    verify: float | None
    disk: int | None
    rss: tuple[int, int]


@dataclass
class Run:
    """A growing ledger and what its batches took."""

    backend: str
    ledger: Any
    work: Path
    batch_size: int
    next_batch: int = 0
    claims: int = 0
    elapsed: float = 0.0
    totals: list[float] = field(default_factory=list)
    steps: list[dict[str, float]] = field(default_factory=list)

    def grow_to(self, size: int, since: int) -> None:
        """Append batches until the ledger holds ``size`` claims."""
        while self.claims < size:
            folder = claim_files.write_batch(
                self.work / f"batch-{self.next_batch}", self.next_batch, self.batch_size
            )
            started = time.perf_counter()
            result = api.add(
                self.ledger, [folder], author="bench", message=f"batch {self.next_batch}"
            )
            took = time.perf_counter() - started
            if not result.report.conforms or len(result.added) != self.batch_size:
                problems = "; ".join(
                    f"{p.location()}: {p.message}" for p in result.report.problems[:3]
                )
                raise SystemExit(
                    f"batch {self.next_batch} was not added as expected "
                    f"({len(result.added)} added): {problems}"
                )
            shutil.rmtree(folder)
            self.next_batch += 1
            self.claims += self.batch_size
            self.elapsed += took
            self.totals.append(took)
            self.steps.append({"total": took, **getattr(result, "timings", {})})
            if self.next_batch % 10 == 0:
                rate = self.batch_size / statistics.median(self.totals[-10:])
                print(
                    f"  {self.backend}: {self.claims:,} claims, {rate:,.0f} claims/s (last 10)",
                    file=sys.stderr,
                    flush=True,
                )


def peak_rss() -> tuple[int, int]:
    """Peak resident memory of this process, and of the largest of its finished children
    (verify's workers; the Oxigraph server once stopped), in bytes."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own * 1024, children * 1024


def disk_usage(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def row_for(run: Run, since: int, verify: bool, disk: Path | list[Path] | None) -> Row:
    batches = run.totals[since:]
    verify_time = None
    if verify:
        started = time.perf_counter()
        report = run.ledger.verify()
        verify_time = time.perf_counter() - started
        if not report.ok:
            raise SystemExit(f"verify failed: {report}")
    return Row(
        backend=run.backend,
        claims=run.claims,
        median_rate=run.batch_size / statistics.median(batches),
        overall_rate=run.claims / run.elapsed,
        last=run.steps[-1],
        verify=verify_time,
        disk=None
        if disk is None
        else sum(map(disk_usage, disk if isinstance(disk, list) else [disk])),
        rss=peak_rss(),
    )


def print_table(rows: list[Row]) -> None:
    header = (
        "backend",
        "claims",
        "claims/s median",
        "claims/s overall",
        "last batch s (load/validate/entries/prepare/append/check)",
        "verify s",
        "disk MiB",
        "peak RSS MiB (self/child)",
    )
    lines = [header]
    for row in rows:
        last = row.last
        steps = "/".join(
            f"{last.get(k, 0):.2f}"
            for k in ("load", "validate", "entries", "prepare", "append", "check")
        )
        lines.append(
            (
                row.backend,
                f"{row.claims:,}",
                f"{row.median_rate:,.0f}",
                f"{row.overall_rate:,.0f}",
                f"{last['total']:.2f} ({steps})",
                "-" if row.verify is None else f"{row.verify:.1f}",
                "-" if row.disk is None else f"{row.disk / 2**20:,.0f}",
                f"{row.rss[0] / 2**20:,.0f}/{row.rss[1] / 2**20:,.0f}",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def engine_baseline(work: Path, size: int) -> list[tuple[str, str]]:
    """pySHACL (the reference) against pyshacl-turbo on one batch with its registry context."""
    registry = load_paths(claim_files.write_registry(work / "registry-baseline"))
    folder = claim_files.write_batch(work / "baseline", 999_999, size)
    batch = load_paths([folder])
    times: dict[str, list[float]] = {"turbo": [], "pyshacl": []}
    for engine, repeats in (("turbo", 3), ("pyshacl", 1)):
        for _ in range(repeats):
            started = time.perf_counter()
            report = validate_batch(batch, [registry], engine=engine)
            times[engine].append(time.perf_counter() - started)
            if not report.conforms:
                raise SystemExit(f"the baseline batch does not conform ({engine})")
    turbo, reference = statistics.median(times["turbo"]), statistics.median(times["pyshacl"])
    shutil.rmtree(folder)
    return [
        (
            f"validate {size} claims + registry",
            f"pyshacl-turbo {turbo:.2f} s, pySHACL {reference:.2f} s: "
            f"turbo {reference / turbo:.0f}x faster",
        )
    ]


def native_floor(work: Path, size: int, repeats: int = 5) -> list[tuple[str, str]]:
    """What the native libraries alone need for one batch: a floor no Python code can beat.

    Each step is only the call into Rust or C++ (pyoxigraph, pyshacl-turbo, RocksDB) that an
    ``add`` of ``size`` claims cannot avoid, on inputs prepared beforehand: parsing the batch's
    quads (as if the claim files were N-Quads), RDFC-1.0 of every claim (content-derived IRIs),
    RDFC-1.0 of the content (its graph name) and of the entry (the hash), the shapes, and writing
    the entry to a RocksDB index (transactional, flushed). Medians of ``repeats``. The sum over
    two cores, perfectly parallel and with no Python at all, bounds the rate ``add`` can reach.
    """
    import pyoxigraph as ox

    from ledger.chain import entries
    from ledger.intake import validate

    registry = load_paths(claim_files.write_registry(work / "registry-floor"))
    folder = claim_files.write_batch(work / "floor", 999_998, size)
    batch = load_paths([folder])
    content = entries.build_add(batch)
    by_subject: dict[Any, list[Any]] = {}
    for quad in batch.quads:
        by_subject.setdefault(quad.subject, []).append(quad)
    claim_nodes = sorted(
        {
            q.subject
            for q in batch.quads
            if q.predicate == entries.RDF_TYPE and q.object == entries.CLAIM_CLASS
        },
        key=str,
    )
    closures = [entries.blank_node_closure(node, by_subject) for node in claim_nodes]
    batch_nquads = ox.serialize(batch.quads, format=ox.RdfFormat.N_QUADS)
    ground = [ox.Quad(q.subject, q.predicate, q.object) for q in content.quads]
    entry_bytes = canonical_nquads(content.quads)
    index_quads = list(entry.index_quads(2, entry_bytes))
    data = validate.turbo_input((batch, registry))
    counter = iter(range(1_000_000))

    def index_write() -> None:
        target = ox.Store(str(work / f"floor-index-{next(counter)}"))
        target.extend(index_quads)
        target.flush()

    def canonical(quads: list[Any]) -> None:
        ox.Dataset(quads).canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    steps = {
        "parse the batch's quads": lambda: list(
            ox.parse(batch_nquads, format=ox.RdfFormat.N_QUADS)
        ),
        "RDFC-1.0 of each claim": lambda: [canonical(c) for c in closures],
        "RDFC-1.0 of the content": lambda: canonical(ground),
        "RDFC-1.0 of the entry": lambda: canonical(content.quads),
        "shapes (pyshacl-turbo's Rust call)": lambda: validate.turbo_validate(data),
        "index write (RocksDB extend + flush)": index_write,
    }
    medians: dict[str, float] = {}
    for name, step in steps.items():
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    shutil.rmtree(folder)
    for name in os.listdir(work):
        if name.startswith("floor-index-"):
            shutil.rmtree(work / name, ignore_errors=True)
    total = sum(medians.values())
    out = [
        (f"native floor, {size} claims: {name}", f"{value:.3f} s")
        for name, value in medians.items()
    ]
    out.append(
        (
            f"native floor, {size} claims: sum",
            f"{total:.2f} s on one core; over two cores with no Python at all, at best "
            f"{size / (total / 2):,.0f} claims/s",
        )
    )
    return out


def step_baseline(run: Run) -> list[tuple[str, str]]:
    """Where the time of an add goes, as medians over every batch of the run."""
    out = []
    total = statistics.median(s["total"] for s in run.steps)
    for step in ("load", "context", "validate", "entries", "prepare", "append", "check"):
        values = [s.get(step, 0.0) for s in run.steps]
        median = statistics.median(values)
        out.append(
            (
                f"{run.backend} add: {step}",
                f"median {median:.3f} s per batch ({median / total:.0%} of the add's "
                f"{total:.2f} s)",
            )
        )
    # the ledger's own work: canonicalising the entry (prepare, done while the shapes run) and
    # writing it with its index (append)
    append = statistics.median(s.get("prepare", 0.0) + s.get("append", 0.0) for s in run.steps)
    out.append(
        (
            f"{run.backend}: store.append alone (prepare + append) vs full add",
            f"{run.batch_size / append:,.0f} vs {run.batch_size / total:,.0f} claims/s "
            f"(add = {total / append:.1f}x append; validate and entries overlap)",
        )
    )
    return out


def remote_servers(work: Path) -> list[tuple[str, Any | None, str]]:
    """The SPARQL servers of the tests, not started: (name, server or None, why not)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from oxigraph_server import OxigraphServer, oxigraph_executable
    from virtuoso_server import VirtuosoServer, missing_reason

    oxigraph_missing = None if oxigraph_executable() else "oxigraph is not installed"
    virtuoso_missing = missing_reason()
    return [
        (
            "oxigraph",
            None if oxigraph_missing else OxigraphServer(work / "oxigraph"),
            oxigraph_missing or "",
        ),
        (
            "virtuoso",
            None if virtuoso_missing else VirtuosoServer(work / "virtuoso"),
            virtuoso_missing or "",
        ),
    ]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, load {load}"


def entry_content(ledger: Any, seq: int) -> tuple[bytes, str]:
    """Entry ``seq``'s content as ``add`` wrote it: the canonical lines of its content graph
    (its own metadata left out), and that graph's IRI."""
    own_graph = f" <{ledger.entry_iri(seq)}> .".encode()
    data = ledger.read_entry(seq)
    content = b"".join(
        line + b"\n" for line in data.split(b"\n") if line and not line.endswith(own_graph)
    )
    graph = content.split(b"\n", 1)[0].rsplit(b" ", 2)[1].strip(b"<>").decode()
    return content, graph


def replay_entry(
    ledger: Any, content: bytes, graph: str, seq: int, previous: str, message: str
) -> str:
    """Append ``content`` (from ``entry_content``) again as entry ``seq``, after the entry
    hashed ``previous``, with its own metadata merged in as the store merges it, written with
    the store's own entry writer. Returns the new entry's hash."""
    metadata = entry.metadata_quads(
        ledger_id=ledger.id,
        seq=seq,
        previous_hash=previous,
        time=entry.now_lexical(),
        author="bench",
        message=message,
        kind="add",
        content_graphs=[graph],
    )
    data = add_ground_quads(content, metadata)
    ledger.import_entry(data)
    return entry.HASH_PREFIX + sha256_hex(data)


def write_verify_ledger(work: Path, size: int, batch: int, seeds: int) -> Path:
    """A ledger of ``size`` claims for verify alone: real entries' content, re-chained."""
    path = work / f"verify-{size}"
    shutil.rmtree(path, ignore_errors=True)
    ledger = store.init(path)
    api.add(ledger, claim_files.write_registry(work / "registry"), author="bench", message="reg")
    contents: list[tuple[bytes, str]] = []
    for number in range(min(seeds, size // batch)):
        folder = claim_files.write_batch(work / f"seed-{number}", number, batch)
        record = api.add(ledger, [folder], author="bench", message=f"seed {number}").entry
        shutil.rmtree(folder)
        assert record is not None
        contents.append(entry_content(ledger, record.seq))
    head = ledger.head()
    assert head is not None
    previous, seq = head.hash, head.seq
    ledger = store.open(path, index_on_append=False)  # the replayed entries are not queried
    started = time.perf_counter()
    for number in range(len(contents), size // batch):
        content, graph = contents[number % len(contents)]
        seq += 1
        previous = replay_entry(ledger, content, graph, seq, previous, f"replay {number}")
        if seq % 100 == 0:
            print(f"  verify ledger: {seq:,} entries written", file=sys.stderr, flush=True)
    print(
        f"  verify ledger of {size:,} claims: {seq:,} entries, replayed in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    return path


VERIFY_CHILD = """
import json, resource, sys, time
from ledger.chain import store
ledger = store.open(sys.argv[1], index_on_append=False)
started = time.perf_counter()
report = ledger.verify(deep=sys.argv[2] == "deep")
took = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries the forking parent's peak over exec into ru_maxrss.
status = open("/proc/self/status").read().split("VmHWM:")[1].split()
own = int(status[0]) * 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"ok": report.ok, "report": str(report), "seconds": took, "rss": [own, workers]}))
"""


def timed_verify(path: Path, deep: bool) -> dict[str, Any]:
    """``verify`` (or ``verify(deep=True)``) of the ledger at ``path`` in a fresh process."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", VERIFY_CHILD, str(path), "deep" if deep else "default"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    if not result["ok"]:
        raise SystemExit(f"verify failed: {result['report']}")
    return result


def verify_rows(
    work: Path, sizes: list[int], batch: int, seeds: int, deep_max: int, keep: bool
) -> None:
    """Write a verify-only ledger per size; time verify (and verify --deep up to ``deep_max``)."""
    lines = [("claims", "entries", "GiB", "verify", "s", "peak RSS MiB (self/worker)", "load")]
    for size in sizes:
        path = write_verify_ledger(work, size, batch, seeds)
        entries = store.open(path).size()
        gib = disk_usage(path / "entries") / 2**30
        for deep in (False, True) if size <= deep_max else (False,):
            result = timed_verify(path, deep)
            own, workers = result["rss"]
            lines.append(
                (
                    f"{size:,}",
                    f"{entries:,}",
                    f"{gib:.1f}",
                    "--deep" if deep else "default",
                    f"{result['seconds']:.1f}",
                    f"{own / 2**20:,.0f}/{workers / 2**20:,.0f}",
                    f"{os.getloadavg()[0]:.1f}",
                )
            )
            print("  ".join(lines[-1]), file=sys.stderr, flush=True)
        if not keep:
            shutil.rmtree(path, ignore_errors=True)
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for number, line in enumerate(lines):
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--full", action="store_true", help="also grow to 1,000,000 claims")
    parser.add_argument("--batch", type=int, default=1000, help="claims per batch")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the ledgers afterwards")
    parser.add_argument("--remote", type=int, default=0, help="grow a remote ledger to SIZE")
    parser.add_argument("--baseline-batch", type=int, default=100, help="claims for pySHACL")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--verify-ledger", default="", help="SIZES: only time verify on re-chained real entries"
    )
    parser.add_argument("--seed-batches", type=int, default=10, help="real batches to replay")
    parser.add_argument(
        "--deep-max", type=int, default=100_000, help="largest size to verify --deep too"
    )
    args = parser.parse_args(argv)
    sizes = sorted(
        {int(s) for s in args.sizes.split(",") if s} | ({1_000_000} if args.full else set())
    )
    work = args.dir or Path(tempfile.mkdtemp(prefix="claim-ledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} on {machine()}; work folder {work}", flush=True)
    if args.verify_ledger:
        verify_sizes = [int(s) for s in args.verify_ledger.split(",") if s]
        verify_rows(work, verify_sizes, args.batch, args.seed_batches, args.deep_max, args.keep)
        print(f"# finished {time.strftime('%Y-%m-%d %H:%M')}; load {os.getloadavg()[0]:.1f}")
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
        return

    notes: list[tuple[str, str]] = []
    if not args.no_baselines:
        notes += engine_baseline(work, args.baseline_batch)
        notes += native_floor(work, args.batch)

    path = work / "ledger"
    shutil.rmtree(path, ignore_errors=True)
    ledger = store.init(path)
    started = time.perf_counter()
    registry = claim_files.write_registry(work / "registry")
    api.add(ledger, registry, author="bench", message="registry")
    notes.append(("registry entry (sources, entities)", f"{time.perf_counter() - started:.2f} s"))
    run = Run("embedded", ledger, work, args.batch)
    rows: list[Row] = []
    since = 0
    for size in sizes:
        run.grow_to(size, since)
        rows.append(row_for(run, since, verify=True, disk=path))
        since = len(run.totals)
        print_table(rows[-1:])
    if not args.no_baselines:
        notes += step_baseline(run)

    for name, server, missing in remote_servers(work) if args.remote else []:
        if server is None:
            notes.append((f"{name} server", f"not run: {missing}"))
            continue
        # the remote ledger's local replica (analysis, add's conflict check) goes in the work
        # folder, not in ~/.cache; the disk column adds it to the server's dataset
        cache = work / f"client-cache-{name}"
        os.environ["CLAIM_LEDGER_CACHE"] = str(cache)
        with server:
            remote_ledger = LedgerLocation(server.url).create()
            api.add(remote_ledger, [work / "registry"], author="bench", message="registry")
            remote_run = Run(name, remote_ledger, work, args.batch)
            remote_run.grow_to(args.remote, 0)
            rows.append(row_for(remote_run, 0, verify=True, disk=[server.location, cache]))
            notes += step_baseline(remote_run)  # its labels name the backend

    print()
    print(f"# finished {time.strftime('%Y-%m-%d %H:%M')}; load {os.getloadavg()[0]:.1f}")
    print_table(rows)
    print()
    width = max(len(name) for name, _ in notes)
    for name, value in notes:
        print(f"{name:<{width}}  {value}")
    if not args.keep and args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
