"""The command line: help, version, anchor, and errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ledger.cli import main


def test_help_lists_the_commands() -> None:
    """-h is an alias of --help and every command is listed."""
    result = CliRunner().invoke(main, ["-h"])
    assert result.exit_code == 0
    for command in ("validate", "convert", "anchor"):
        assert command in result.stdout


def test_anchor_prints_selectors_that_match_the_document(example_case: Path) -> None:
    """anchor's selectors point at the exact words, counted in code points."""
    article = example_case / "article.nb.txt"
    result = CliRunner().invoke(main, ["anchor", str(article), "mindre enn én kilometer"])
    assert result.exit_code == 0, result.stderr
    selectors = yaml.safe_load(result.stdout)["selector"]
    position = next(s for s in selectors if s["type"] == "TextPositionSelector")
    text = article.read_text(encoding="utf-8")
    assert text[position["start"] : position["end"]] == "mindre enn én kilometer"


def test_anchor_refuses_words_not_in_the_document(example_case: Path) -> None:
    """Words that are not in the document give exit 2 and say so, without a traceback."""
    result = CliRunner().invoke(main, ["anchor", str(example_case / "article.nb.txt"), "ikke her"])
    assert result.exit_code == 2
    assert "do not appear in the document" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_that_stops_early_gets_no_error(example_case: Path, tmp_path: Path) -> None:
    """`claims | head -1`: a closed pipe ends the command quietly, not in 'internal error'."""
    import subprocess
    import sys

    ledger = ["--ledger", str(tmp_path / "ledger")]
    base = [sys.executable, "-m", "ledger", *ledger]
    subprocess.run([*base, "init"], check=True, capture_output=True)
    subprocess.run([*base, "add", str(example_case)], check=True, capture_output=True)
    with subprocess.Popen(
        [*base, "claims"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.readline()
        child.stdout.close()  # the reader goes away while the command still writes
        error = child.stderr.read().decode()
        code = child.wait(timeout=120)
    assert "internal error" not in error and "Traceback" not in error, error
    assert code in (0, 1)


def test_run_inside_a_case_folder_never_reads_its_own_ledger(
    example_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run .` twice in a case folder: the ledger's .claim-ledger/ files are not claim files."""
    import shutil

    case = tmp_path / "case"
    shutil.copytree(example_case, case)
    monkeypatch.chdir(case)
    first = CliRunner().invoke(main, ["run", ".", "--out", "report"])
    assert first.exit_code == 0, first.stderr
    assert (case / ".claim-ledger" / "ledger.json").exists()
    again = CliRunner().invoke(main, ["validate", "."])
    assert again.exit_code == 0, again.stderr
    assert "ledger.json" not in again.stderr
