"""Verify before trust: commands that read the ledger refuse a chain that does not verify."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from ledger.chain import store, trust
from ledger.chain.entry import VerifyReport


def run(ledger: Path, *args: str) -> Result:
    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", str(ledger), *args])


@pytest.fixture(scope="module")
def example_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case (entry 1), verified (remembered head 1), then two assessments (2, 3)."""
    ledger = tmp_path_factory.mktemp("ledger") / "ledger"
    assert run(ledger, "init").exit_code == 0
    result = run(ledger, "add", str(EXAMPLE), "--by", "tester", "--no-check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert run(ledger, "verify").exit_code == 0
    for letter, why in (("B", "first look"), ("C", "second look")):
        result = run(
            ledger, "assess", "src:sohr", "--reliability", letter, "--rationale", why, "--by", "X"
        )
        assert result.exit_code == 0, result.stdout + result.stderr
    return ledger


@pytest.fixture
def ledger(example_ledger: Path, tmp_path: Path) -> Path:
    """A private copy of the example ledger (file times kept) that a test may change."""
    copy = tmp_path / "ledger"
    shutil.copytree(example_ledger, copy)
    return copy


def entry_file(ledger: Path, seq: int) -> Path:
    return ledger / "entries" / f"{seq:012d}.nq"


def tamper(ledger: Path, seq: int, old: bytes, new: bytes, *, keep_times: bool = False) -> None:
    """Change bytes of entry ``seq`` in place (optionally keeping its modification time)."""
    path = entry_file(ledger, seq)
    stat = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    if keep_times:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


COMMANDS = [
    ("conflicts",),
    ("grade", "--format", "json"),
    ("claims",),
    ("corroborations",),
    ("export", "--format", "csv"),
    ("export", "--format", "nquads"),
]


def test_memory_written_by_a_passed_verify(ledger: Path) -> None:
    """`verify` remembers the head it verified; the guard then checks only what came after."""
    memory = trust.read_memory(store.open(ledger))
    assert memory is not None and memory.seq == 1
    assert run(ledger, "verify").exit_code == 0
    memory = trust.read_memory(store.open(ledger))
    assert memory is not None and memory.seq == 3


def test_guard_reads_only_after_the_remembered_head(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a memory, the guard neither runs a full verify nor reads the entries before it."""
    opened = store.open(ledger)

    def no_full_verify(**_: object) -> VerifyReport:
        raise AssertionError("the guard ran a full verify")

    read: list[int] = []
    original = opened.read_entry

    def reading(seq: int) -> bytes:
        read.append(seq)
        return original(seq)

    monkeypatch.setattr(opened, "verify", no_full_verify)
    monkeypatch.setattr(opened, "read_entry", reading)
    result = trust.check(opened)
    assert result.report.ok, result.report
    assert result.method == "since 1"
    assert read == [1, 2, 3]  # the remembered entry (its hash) and the two after it


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_clean_ledger_runs(ledger: Path, command: tuple[str, ...]) -> None:
    """Every guarded command runs on a ledger that verifies."""
    result = run(ledger, *command)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_tampered_after_the_head_refused(ledger: Path, command: tuple[str, ...]) -> None:
    """An entry changed after the remembered head: exit 1 naming it and `claim-ledger verify`."""
    tamper(ledger, 2, b"first look", b"first lock")
    result = run(ledger, *command)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert "the ledger does not verify (entry 2" in result.stderr
    assert "claim-ledger verify" in result.stderr
    assert "--unverified" in result.stderr
    forced = run(ledger, *command, "--unverified")
    assert forced.exit_code == 0, forced.stderr


def test_remembered_head_changed_with_its_time_kept(ledger: Path) -> None:
    """The remembered entry itself changed (its file time restored): refused, naming it."""
    assert run(ledger, "verify").exit_code == 0  # remembered head: 3, the last entry
    tamper(ledger, 3, b"second look", b"second lock", keep_times=True)
    result = run(ledger, "grade")
    assert result.exit_code == 1
    assert "entry 3: entry 3 hashes to sha256:" in result.stderr
    assert "as it did when the ledger last verified" in result.stderr


def test_tampered_before_the_head_refused(ledger: Path) -> None:
    """An entry before the remembered head changed: its file changed, so the guard verifies in
    full and names it."""
    assert run(ledger, "verify").exit_code == 0  # remembered head: 3
    tamper(ledger, 2, b"first look", b"first lock")
    result = run(ledger, "conflicts")
    assert result.exit_code == 1
    assert "(entry 2" in result.stderr
    assert trust.read_memory(store.open(ledger)) is not None  # the old memory stays as it was


def test_no_memory_without_a_passed_verify(ledger: Path) -> None:
    """A ledger that fails the full verify gets no memory; one that passes gets one."""
    trust.forget(store.open(ledger))
    tamper(ledger, 2, b"first look", b"first lock")
    assert run(ledger, "claims").exit_code == 1
    assert trust.read_memory(store.open(ledger)) is None
    tamper(ledger, 2, b"first lock", b"first look")
    assert run(ledger, "claims").exit_code == 0
    memory = trust.read_memory(store.open(ledger))
    assert memory is not None and memory.seq == 3


def test_report_and_query_refused(ledger: Path, tmp_path: Path) -> None:
    """`report` and `query` refuse a tampered ledger too; `report` of claim files needs no
    ledger."""
    tamper(ledger, 2, b"first look", b"first lock")
    out = tmp_path / "report"
    result = run(ledger, "report", "--out", str(out))
    assert result.exit_code == 1 and "claim-ledger verify" in result.stderr
    assert not out.exists()
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    result = run(ledger, "query", str(query))
    assert result.exit_code == 1 and "(entry 2" in result.stderr
    assert run(ledger, "report", str(EXAMPLE), "--out", str(out)).exit_code == 0


def test_serve_refused(ledger: Path) -> None:
    """`serve` refuses a tampered ledger before it listens."""
    tamper(ledger, 2, b"first look", b"first lock")
    result = run(ledger, "serve", "--port", "0")
    assert result.exit_code == 1
    assert "(entry 2" in result.stderr and "serving" not in result.stdout


MODEL_V2 = Path(__file__).resolve().parent / "data" / "claims" / "valid" / "model-v2"


def test_run_refused_before_it_appends(ledger: Path, tmp_path: Path) -> None:
    """`run` on a tampered ledger: exit 1 naming the entry; no entry appended, no report."""
    tamper(ledger, 2, b"first look", b"first lock")
    out = tmp_path / "report"
    result = run(ledger, "run", str(MODEL_V2), "--out", str(out), "--by", "tester")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert "the ledger does not verify (entry 2" in result.stderr
    assert "claim-ledger verify" in result.stderr and "--unverified" in result.stderr
    assert store.open(ledger).size() == 3
    assert not out.exists()


def test_run_unverified_appends_and_reports_the_failure(ledger: Path, tmp_path: Path) -> None:
    """`run --unverified` on a tampered ledger appends the batch, writes the report (whose
    pages say the chain failed) and warns on stderr; the chain still fails."""
    tamper(ledger, 2, b"first look", b"first lock")
    out = tmp_path / "report"
    args = ("run", str(MODEL_V2), "--out", str(out), "--by", "tester", "--unverified")
    result = run(ledger, *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "entry 4 (add)" in result.stdout
    assert "warning: the ledger's chain does not verify (" in result.stderr
    assert "entry 2" in result.stderr
    assert store.open(ledger).size() == 4
    assert "chain verification FAILED" in (out / "index.html").read_text(encoding="utf-8")
    assert run(ledger, "verify").exit_code == 1


def test_run_on_a_ledger_that_verifies(ledger: Path, tmp_path: Path) -> None:
    """`run` on a ledger that verifies appends, reports, and warns of nothing."""
    out = tmp_path / "report"
    result = run(ledger, "run", str(MODEL_V2), "--out", str(out), "--by", "tester")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "entry 4 (add)" in result.stdout
    assert "warning" not in result.stderr
    assert "chain verified" in (out / "index.html").read_text(encoding="utf-8")
