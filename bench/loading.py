"""Benchmark of loading claim files (issue #16 item 4): time grows linearly up to the size cap.

    PYTHONPATH=. python bench/loading.py                          # 10k, 100k claims and the cap
    PYTHONPATH=. python bench/loading.py --sizes 1000,10000       # quicker
    PYTHONPATH=. python bench/loading.py --syntaxes turtle        # one syntax

For each syntax (Turtle, YAML) and size, claims made from the valid fixture
(tests/data/claims/valid/lead-thousands-fleeing.*) are written as claim files of at most
``--claims-per-file`` claims (5,000 by default, about 8 MiB of Turtle); each claim has its own id
and its own figures, 41 quads with 7 blank nodes. ``cap`` is one file of as many claims as fit
under the 16 MiB file cap (``MAX_FILE_BYTES``). Each measurement runs ``load_paths`` (what
``validate`` and ``add`` do before the shapes) in a fresh process and reports its wall time, its
CPU time (user + system: what the machine's other work does not change), claims per CPU second,
the quads and the process's peak resident memory.

The growth exponent k of CPU time ~ claims^k is given between each row and the first row of its
syntax, and over all rows of a syntax by least squares (target: k <= 1.1). Before the one-pass
location of Turtle subjects, Turtle took 15 s for 2,500 claims and 58 s for 5,000 (k ~ 2).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "claims" / "valid"
SUFFIX = {"turtle": ".ttl", "yaml": ".yaml"}


def _templates() -> dict[str, tuple[str, str]]:
    """(head, one claim with {i}, {lower}, {upper} slots) for each syntax."""
    turtle = (VALID / "lead-thousands-fleeing.ttl").read_text(encoding="utf-8")
    head, _sep, body = turtle.partition("aleppo:claim\\/lead-thousands-fleeing")
    turtle_claim = (
        "aleppo:claim\\/c{i}"
        + body.replace('"2000"^^xsd:decimal', '"{lower}"^^xsd:decimal')
        .replace('"9999"^^xsd:decimal', '"{upper}"^^xsd:decimal')
        .replace("fleeing East Aleppo.", "fleeing East Aleppo ({i}).")
        + "\n"
    )
    yaml_text = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    yaml_head, sep, yaml_body = yaml_text.partition("'@graph':\n")
    yaml_claim = (
        yaml_body.replace("claim/lead-thousands-fleeing", "claim/c{i}")
        .replace("lower: 2000", "lower: {lower}")
        .replace("upper: 9999", "upper: {upper}")
        .replace("fleeing East Aleppo.", "fleeing East Aleppo ({i}).")
    )
    return {"turtle": (head, turtle_claim), "yaml": (yaml_head + sep, yaml_claim)}


def claim_text(template: str, i: int) -> str:
    lower = 1000 + (i * 37) % 5000
    return (
        template.replace("{i}", str(i))
        .replace("{lower}", str(lower))
        .replace("{upper}", str(lower + 1 + i % 9000))
    )


def write_claims(folder: Path, syntax: str, count: int, per_file: int) -> int:
    """Write ``count`` claims in files of at most ``per_file``; return the bytes written."""
    head, template = _templates()[syntax]
    written = 0
    for number, first in enumerate(range(0, count, per_file)):
        last = min(count, first + per_file)
        text = head + "".join(claim_text(template, i) for i in range(first, last))
        path = folder / f"claims-{number:04d}{SUFFIX[syntax]}"
        path.write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
    return written


def write_cap(folder: Path, syntax: str, limit: int) -> tuple[int, int]:
    """Write one file of as many claims as fit under ``limit`` bytes: (claims, bytes)."""
    head, template = _templates()[syntax]
    size = len(head.encode("utf-8"))
    parts = [head]
    count = 0
    while True:
        claim = claim_text(template, count)
        grown = size + len(claim.encode("utf-8"))
        if grown > limit:
            break
        parts.append(claim)
        size = grown
        count += 1
    (folder / f"cap{SUFFIX[syntax]}").write_text("".join(parts), encoding="utf-8")
    return count, size


def worker(folder: str) -> None:
    """Load every claim file of ``folder`` once; print seconds, quads and peak memory as JSON."""
    sys.path.insert(0, str(ROOT))
    from ledger.intake.load import load_paths

    started, cpu_started = time.perf_counter(), time.process_time()
    batch = load_paths([Path(folder)])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    claims = len({q.subject.value for q in batch.quads if q.predicate.value.endswith("#case")})
    print(json.dumps({"seconds": seconds, "cpu": cpu, "quads": len(batch.quads),
                      "claims": claims, "peak_mib": peak_kib / 1024}))  # fmt: skip


def measure(folder: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def exponent(rows: list[tuple[int, float]]) -> float | None:
    """Least-squares k of CPU seconds ~ claims^k over the rows."""
    points = [(math.log(n), math.log(s)) for n, s in rows if n > 0 and s > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="claims, comma-separated")
    parser.add_argument("--syntaxes", default="turtle,yaml", help="turtle, yaml")
    parser.add_argument("--claims-per-file", type=int, default=5000)
    parser.add_argument("--no-cap", action="store_true", help="skip the one-file cap row")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    # Stopped by `timeout` or kill: unwind, so that the worker is killed and the files removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    from ledger.intake.load import MAX_FILE_BYTES

    sizes = [int(s) for s in args.sizes.split(",") if s]
    load = os.getloadavg()
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC on {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}, load {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}"
    )
    header = (
        f"{'syntax':>7}  {'row':>7}  {'claims':>8}  {'files':>5}  {'MiB':>5}  {'quads':>10}  "
        f"{'wall s':>7}  {'CPU s':>7}  {'claims/CPU s':>12}  {'k vs 1st':>9}  {'peak MiB':>8}"
    )
    print(header)
    print("-" * len(header))
    for syntax in args.syntaxes.split(","):
        rows: list[tuple[int, float]] = []
        plans: list[tuple[str, int]] = [(f"{n:,}", n) for n in sizes]
        if not args.no_cap:
            plans.append(("cap", -1))
        for label, count in plans:
            with tempfile.TemporaryDirectory(prefix="bench-loading-") as tmp:
                folder = Path(tmp)
                if count < 0:
                    count, size = write_cap(folder, syntax, MAX_FILE_BYTES)
                else:
                    size = write_claims(folder, syntax, count, args.claims_per_file)
                files = len(list(folder.iterdir()))
                result = measure(folder)
            if result["claims"] != count:
                raise SystemExit(f"{syntax} {label}: loaded {result['claims']} of {count} claims")
            first = rows[0] if rows else None
            rows.append((count, result["cpu"]))
            k = (
                f"{math.log(result['cpu'] / first[1]) / math.log(count / first[0]):.2f}"
                if first and first[0] != count
                else ""
            )
            print(
                f"{syntax:>7}  {label:>7}  {count:>8,}  {files:>5}  {size / 2**20:>5.1f}  "
                f"{int(result['quads']):>10,}  {result['seconds']:>7.2f}  {result['cpu']:>7.2f}  "
                f"{count / result['cpu']:>12,.0f}  {k:>9}  {result['peak_mib']:>8,.0f}",
                flush=True,
            )
        fitted = exponent(sorted(rows))
        if fitted is not None:
            verdict = "ok" if fitted <= 1.1 else "above the target 1.1"
            print(
                f"{syntax:>7}  growth exponent of CPU time, all rows: k = {fitted:.2f} ({verdict})"
            )


if __name__ == "__main__":
    main()
