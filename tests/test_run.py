"""The main job (`claim-ledger run`): ingest, validate, corroborations and conflicts, report."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import DATA, EXAMPLE
from ledger.cli import main


def test_run_on_the_example_writes_the_ledger_and_the_report(tmp_path: Path) -> None:
    """One command creates the ledger, adds the case, analyses it and writes the report."""
    ledger, out = tmp_path / "ledger", tmp_path / "report"
    result = CliRunner().invoke(
        main, ["--ledger", str(ledger), "run", str(EXAMPLE), "--out", str(out)]
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"ledger {ledger} (created)"
    assert "41 claim(s) added" in lines[2]
    assert lines[3].startswith("corroborations: ") and "independent" in lines[3]
    assert lines[4].startswith("conflicts: ")
    assert (out / "index.html").is_file()
    assert len(list((out / "claims").glob("*.html"))) == 41
    again = CliRunner().invoke(
        main, ["--ledger", str(ledger), "run", str(EXAMPLE), "--out", str(out)]
    )
    assert again.exit_code == 0
    assert "nothing new to add: 41 claim(s) already in the ledger" in again.stdout


def test_run_refuses_claims_that_do_not_conform(tmp_path: Path) -> None:
    """A batch that does not conform stops the job before anything is written."""
    ledger, out = tmp_path / "ledger", tmp_path / "report"
    bad = DATA / "claims" / "invalid" / "02-unknown-source.yaml"
    result = CliRunner().invoke(main, ["--ledger", str(ledger), "run", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "is not in the source registry" in result.stdout
    assert not out.exists()
