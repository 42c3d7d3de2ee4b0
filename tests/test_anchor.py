"""`claim-ledger anchor` and ``ledger.intake.anchor``: words that appear more than once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ledger.cli import main
from ledger.errors import InputError
from ledger.intake.anchor import find_anchor, occurrences

TEXT = "SOHR said so. Later, SOHR said more; and SOHR again."


def test_words_that_appear_several_times_need_an_occurrence() -> None:
    """Without --occurrence, repeated words are refused, every appearance listed with context."""
    with pytest.raises(InputError) as caught:
        find_anchor(TEXT, "SOHR")
    message = str(caught.value)
    assert "appear 3 times" in message
    for n, start in enumerate(occurrences(TEXT, "SOHR"), 1):
        assert f"--occurrence {n}: offset {start}:" in message
    assert "[SOHR] said so." in message and "Later, [SOHR] said more" in message
    assert "--occurrence N" in message


def test_the_chosen_occurrence_is_anchored() -> None:
    """--occurrence 2 anchors the second appearance, with its own prefix and suffix."""
    anchor = find_anchor(TEXT, "SOHR", 2)
    assert (anchor.start, anchor.end) == (21, 25)
    assert TEXT[anchor.start : anchor.end] == "SOHR"
    assert anchor.prefix.endswith("Later, ") and anchor.suffix.startswith(" said more")


def test_an_occurrence_past_the_last_is_refused() -> None:
    """Asking for the fourth of three appearances says how many there are."""
    with pytest.raises(InputError, match="appear 3 time"):
        find_anchor(TEXT, "SOHR", 4)


def test_words_that_appear_once_need_no_occurrence() -> None:
    """A single appearance is anchored as before, without --occurrence."""
    anchor = find_anchor(TEXT, "Later")
    assert TEXT[anchor.start : anchor.end] == "Later"


def test_cli_lists_the_appearances_and_exits_2(tmp_path: Path) -> None:
    """The command exits 2, prints nothing on stdout, and lists each appearance on stderr."""
    document = tmp_path / "doc.txt"
    document.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["anchor", str(document), "SOHR"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "appear 3 times" in result.stderr and "--occurrence 3: offset 41:" in result.stderr
    chosen = CliRunner().invoke(main, ["anchor", str(document), "SOHR", "--occurrence", "3"])
    assert chosen.exit_code == 0, chosen.stderr
    position = yaml.safe_load(chosen.stdout)["selector"][1]
    assert (position["start"], position["end"]) == (41, 45)
