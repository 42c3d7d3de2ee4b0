"""The main job (`claim-ledger run`): ingest, validate, corroborations and conflicts, report."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import DATA, EXAMPLE
from ledger.cli import main
from ledger.publish.output import findings_lines


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
    assert lines[3] == (
        "corroborations: 10 (aligned 1, independent 3, same-origin 6); compatible, not support: 5"
    )
    assert lines[4] == "conflicts: 0"
    assert lines[5] == "scope warnings: 0"
    assert (out / "index.html").is_file()
    assert len(list((out / "claims").glob("*.html"))) == 41
    again = CliRunner().invoke(
        main, ["--ledger", str(ledger), "run", str(EXAMPLE), "--out", str(out)]
    )
    assert again.exit_code == 0
    assert "nothing new to add: 41 claim(s) already in the ledger" in again.stdout


def test_the_summary_counts_support_and_conflicts_apart_from_what_is_listed_with_them() -> None:
    """Compatible pairs are listed with the corroborations but are no support (a derivation is
    a same-origin corroboration, as in the report); revisions and updates are listed with the
    conflicts but are no conflict."""
    corroborations = [
        {"kind": "independent", "match": "same value"},
        {"kind": "aligned", "match": "nearly the same figure"},
        {"kind": "independent", "match": "compatible figures"},
        {"kind": "independent", "match": "several at once"},
        {"kind": "same-origin", "match": "derived from"},
    ]
    conflicts = [
        {"relation": "conflict", "type": "quantity"},
        {"relation": "conflict", "type": "denial"},
        {"relation": "revision", "type": "quantity"},
        {"relation": "update", "type": "running total"},
    ]
    assert findings_lines(corroborations, conflicts) == [
        "corroborations: 3 (aligned 1, independent 1, same-origin 1); compatible, not support: 2",
        "conflicts: 2 (denial 1, quantity 1)",
        "revisions and updates (not conflicts): 2 (revision 1, update 1)",
    ]
    assert findings_lines([], []) == ["corroborations: 0", "conflicts: 0"]


def test_run_refuses_claims_that_do_not_conform(tmp_path: Path) -> None:
    """A batch that does not conform stops the job before anything is written."""
    ledger, out = tmp_path / "ledger", tmp_path / "report"
    bad = DATA / "claims" / "invalid" / "02-unknown-source.yaml"
    result = CliRunner().invoke(main, ["--ledger", str(ledger), "run", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "is not in the source registry" in result.stdout
    assert not out.exists()
