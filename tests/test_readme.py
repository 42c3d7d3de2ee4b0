"""The README documents the command line as it is: every command, and the exit codes."""

from __future__ import annotations

import re

from click.testing import CliRunner

from conftest import ROOT
from ledger.cli import main

README = ROOT / "README.md"


def _section(title: str) -> str:
    """The text of the README's ``## title`` section, up to the next section of that level."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match is not None, f"the README has no section '## {title}'"
    return match.group(1)


def _table_commands() -> set[str]:
    """The commands named in the first column of the README's command table."""
    names: set[str] = set()
    for line in _section("Commands").splitlines():
        if line.startswith("| `claim-ledger"):
            first_cell = re.split(r"(?<!\\)\|", line)[1]
            names.update(re.findall(r"`claim-ledger ([a-z][a-z-]*)", first_cell))
    return names


def test_every_command_is_in_help() -> None:
    """``claim-ledger --help`` lists every command the command line has."""
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = set(re.findall(r"^  ([a-z][a-z-]*)  ", result.stdout.split("Commands:", 1)[1], re.M))
    assert listed == set(main.commands)


def test_every_command_is_in_the_readme_command_table() -> None:
    """The README's command table has a row for every command, and none for a command gone."""
    assert _table_commands() == set(main.commands)


def test_the_exit_codes_are_documented_in_one_place() -> None:
    """The README's "Exit codes" section gives each code the meaning ``--help`` gives it."""
    section = _section("Exit codes")
    for code, meaning in (
        ("0", "success"),
        ("1", "claims do not conform or verification failed"),
        ("2", "usage error"),
    ):
        assert re.search(rf"^\| {code} \| {meaning}", section, re.M), (code, section)
    help_text = " ".join(CliRunner().invoke(main, ["--help"]).stdout.split())
    assert "0 success; 1 claims do not conform or verification failed; 2 usage error" in help_text
