"""A file that cannot be read says where and how to fix it: syntax errors and JSON-LD errors.

Syntax errors in YAML, JSON, Turtle and N-Triples carry a hint; errors of the JSON-LD processor
carry the line of the keyword they name; ids and types that are not text are refused at their
line instead of failing inside the expansion.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledger.errors import InputError
from ledger.intake.load import load_file

VALID = Path(__file__).resolve().parent / "data" / "claims" / "valid"
YAML_CLAIM = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
STANCE = "  stance: asserts\n"


def refusal(tmp_path: Path, text: str, name: str = "claim.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_file(path)
    return str(refused.value)


@pytest.mark.parametrize(
    ("old", "new", "where", "hint"),
    [
        (STANCE, "\tstance: asserts\n", "16:1", "indent with spaces, not tabs"),
        (
            "statement: Several thousand",
            "statement: He said: several",
            "12:21",
            "a value that holds ': ' must be quoted",
        ),
        (STANCE, STANCE + "  comment: `x\n", "17:12", "must be quoted, e.g. comment: '@home'"),
        (STANCE, STANCE + '  comment: "abc\n', "53:1", "opened (at line 17) and never closed"),
    ],
    ids=["tab", "colon", "backtick", "unclosed-quote"],
)
def test_yaml_syntax_errors_say_how_to_fix_them(
    tmp_path: Path, old: str, new: str, where: str, hint: str
) -> None:
    """Each common YAML mistake is reported at its position with a hint that fits it."""
    message = refusal(tmp_path, YAML_CLAIM.replace(old, new, 1))
    assert f"claim.yaml:{where}: YAML syntax error: " in message, message
    assert f"hint: {hint}" in message or hint in message, message


@pytest.mark.parametrize(
    ("name", "text", "where", "hint"),
    [
        ("claim.jsonld", '{"a": 1,}', ":1:9: JSON syntax error", "no trailing comma"),
        (
            "claim.ttl",
            "@prefix cl: <https://w3id.org/claim-ledger/ns#> .\ncl:a cl:b cl:c\ncl:d cl:e cl:f .\n",
            ":3:1: Turtle syntax error",
            "each statement ends with ' .'",
        ),
        ("claim.nt", "<https://a.org/x> <https://a.org/y> .\n", ":1:", "ending in ' .'"),
    ],
    ids=["json", "turtle", "n-triples"],
)
def test_syntax_errors_of_other_formats_say_how_to_fix_them(
    tmp_path: Path, name: str, text: str, where: str, hint: str
) -> None:
    """JSON, Turtle and N-Triples syntax errors come with a hint too."""
    message = refusal(tmp_path, text, name)
    assert where in message, message
    assert "hint: " in message and hint in message, message


@pytest.mark.parametrize(
    ("added", "message"),
    [
        ("  comment: {'@value': x, '@language': 5}", "JSON-LD error: @language value must be"),
        ("  comment: {'@list': [a], '@set': [b]}", "JSON-LD error: @list must be the only key"),
    ],
)
def test_json_ld_errors_carry_the_line_of_the_keyword(
    tmp_path: Path, added: str, message: str
) -> None:
    """An error the JSON-LD processor finds is reported at the line of the keyword it names."""
    text = refusal(tmp_path, YAML_CLAIM.replace(STANCE, STANCE + added + "\n"))
    assert re.search(r"claim\.yaml:17:\d+: " + re.escape(message), text), text
    assert "hint: claim files use only the fields" in text


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("type: Claim", "type: 5", "10:3", "'type' must be a class name such as Claim, not 5"),
        ("id: aleppo:claim/lead-thousands-fleeing", "id: 12", "9:3", "'id' must be a name"),
        (
            "id: aleppo:claim/lead-thousands-fleeing",
            "id: 2016-11-30",
            "9:3",
            "'2016-11-30' is not an IRI",
        ),
        ("type: Claim", "type: [Claim, {a: b}]", "10:3", "'type' must be a class name"),
    ],
)
def test_ids_and_types_that_are_not_text_are_refused_at_their_line(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    """An id or type YAML reads as a number, a date or a mapping is refused at its line."""
    text = refusal(tmp_path, YAML_CLAIM.replace(old, new, 1))
    assert f"claim.yaml:{where}: {message}" in text, text
