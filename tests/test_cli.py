"""The command line: help, version, anchor, and errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

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
