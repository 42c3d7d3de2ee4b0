"""Any value a person can type in a YAML claim file gets an answer, never an internal error.

A valid claim file has one of its values replaced by something YAML reads in a special way
(tags, YAML 1.1 keys, timestamps, special floats, nested structures, control characters, …),
chosen by hypothesis; ``validate`` must then accept it, or refuse it (exit 1 or 2) with a
message that says where, and must never report an internal error (a bug) or a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
VALID_CLAIM = (
    Path(__file__).resolve().parent / "data" / "claims" / "valid" / "lead-thousands-fleeing.yaml"
)
REGISTRY = ("--context", str(EXAMPLE / "sources.yaml"), "--context", str(EXAMPLE / "entities.yaml"))

#: Values YAML treats specially, or that the claim model has to judge.
SPECIAL_VALUES = [
    "=",
    "<<",
    "~",
    "null",
    "Null",
    "true",
    "no",
    "on",
    "yes",
    ".nan",
    ".inf",
    "-.inf",
    "0x1F",
    "0o17",
    "1_000",
    "+12",
    "1e309",
    "1e400",
    "-1e400",
    "NaN",
    "1000000000000000",
    "0.1234567",
    "1" + "0" * 30,
    "-0",
    "2016-13-45",
    "2016-11-30T25:61:00",
    "2016-11-30",
    "2016-11-30 12:00:00 +02:00",
    "12:30:00",
    "!foo words",
    "!!binary aGVsbG8=",
    "!!str 12",
    "!!int x",
    "!!float nope",
    "!!timestamp 2016",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object:os.system ls",
    "!<tag:example.org,2026:x> y",
    "[]",
    "{}",
    "[a, [b, {c: d}]]",
    "{id: x, type: Claim}",
    "'@id'",
    '"\\u0000"',
    '"\\x07 bell"',
    '"\\uD800"',
    '"tab\\there"',
    "''",
    '""',
    "' '",
    "|\n    multi\n    line",
    ">\n    folded",
    "&anchor value",
    "*anchor",
    "? complex",
    "- item",
    "@reserved",
    "`backtick",
    "%directive",
    "http://",
    "_:blank",
    "urn:x",
    "src:nobody",
    "aleppo:claim/lead-thousands-fleeing",
    "9" * 400,
    "x" * 5000,
    "raw \x1f control",
    "raw \x7f delete",
]


def _value_lines(text: str) -> list[int]:
    """Lines of the file that hold ``key: value`` with a scalar value."""
    return [
        number
        for number, line in enumerate(text.split("\n"))
        if re.match(r"^\s*-?\s*[A-Za-z@']+[A-Za-z']*:\s+\S", line)
        and not line.lstrip().startswith("#")
    ]


def _validate_with(folder: Path, number: int, value: str) -> None:
    """Validate the claim file with line ``number`` given ``value``; no crash, a located answer."""
    lines = VALID_CLAIM.read_text(encoding="utf-8").split("\n")
    key, _sep, _old = lines[number].partition(":")
    lines[number] = f"{key}: {value}"
    path = folder / "claim.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), *REGISTRY], catch_exceptions=True)
    output = result.output  # stdout and stderr, as a terminal shows them
    where = f"line {number + 1} = {value!r}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where}: {result.exception!r}"
    )
    assert result.exit_code in (0, 1, 2), f"{where}:\n{output}"
    assert "internal error" not in output, f"{where}:\n{output}"
    assert "Traceback" not in output
    if result.exit_code == 2:
        assert "claim.yaml" in output, output  # the refusal says where


#: a line of the context (a prefix IRI) and a line of the claim (its statement)
FIXED_LINES = {"context prefix": 4, "statement": 11}


@pytest.mark.parametrize("line", FIXED_LINES.values(), ids=FIXED_LINES.keys())
@pytest.mark.parametrize("value", SPECIAL_VALUES, ids=lambda value: repr(value)[:30])
def test_each_special_value_gets_an_answer(tmp_path: Path, line: int, value: str) -> None:
    _validate_with(tmp_path, line, value)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    line_choice=st.integers(min_value=0, max_value=10_000),
    value=st.one_of(
        st.sampled_from(SPECIAL_VALUES),
        st.text(min_size=1, max_size=40).map(lambda text: text.replace("\n", " ")),
    ),
)
def test_a_special_value_anywhere_gets_an_answer_not_a_crash(
    tmp_path_factory: pytest.TempPathFactory, line_choice: int, value: str
) -> None:
    candidates = _value_lines(VALID_CLAIM.read_text(encoding="utf-8"))
    _validate_with(
        tmp_path_factory.mktemp("hostile"), candidates[line_choice % len(candidates)], value
    )
