"""Loading grows linearly with the input, and every input the size caps allow is bounded.

Turtle subjects used to be located by looking for each subject in every line (2,500 claims
15 s, 5,000 claims 58 s). These tests generate Turtle claims from the valid fixture and check
where each subject is found, and that loading four times the claims takes about four times as
long, not sixteen.
"""

from __future__ import annotations

import time
from pathlib import Path

from ledger.intake.load import load_file

VALID = Path(__file__).resolve().parent / "data" / "claims" / "valid"
CASE = "https://w3id.org/claim-ledger/case/aleppo-2016-11/"


def turtle_claims(count: int, names: list[str] | None = None) -> str:
    """``count`` copies of the valid Turtle claim, each with its own subject."""
    text = (VALID / "lead-thousands-fleeing.ttl").read_text(encoding="utf-8")
    head, _sep, body = text.partition("aleppo:claim\\/lead-thousands-fleeing")
    names = names or [f"aleppo:claim\\/c{i}" for i in range(count)]
    return head + "".join(name + body + "\n" for name in names)


def seconds_to_load(path: Path) -> float:
    """The best of two loads of ``path``, in seconds."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        load_file(path)
        best = min(best, time.perf_counter() - started)
    return best


def test_turtle_loading_grows_linearly(tmp_path: Path) -> None:
    """Four times the Turtle claims take less than eight times as long to load (was sixteen)."""
    small, large = tmp_path / "small.ttl", tmp_path / "large.ttl"
    small.write_text(turtle_claims(600), encoding="utf-8")
    large.write_text(turtle_claims(2400), encoding="utf-8")
    ratio = seconds_to_load(large) / seconds_to_load(small)
    assert ratio < 8, f"4x the claims took {ratio:.1f}x as long"


def test_turtle_subjects_are_located_at_their_own_line(tmp_path: Path) -> None:
    """Each subject is found where it is written, not where a longer name starting alike is."""
    names = ["aleppo:claim\\/c10", "aleppo:claim\\/c1", f"<{CASE}claim/c2>"]
    path = tmp_path / "claims.ttl"
    path.write_text(turtle_claims(3, names), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    batch = load_file(path)
    for name, local in (("c10", names[0]), ("c1", names[1]), ("c2", names[2])):
        location = batch.node_locations[f"{CASE}claim/{name}"]
        assert location.line is not None
        assert lines[location.line - 1].startswith(local + " "), (name, location)
