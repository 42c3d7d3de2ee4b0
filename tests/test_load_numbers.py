"""Figures the analysis cannot compare are refused at intake, in every syntax, at their line.

A bound of ``1e400`` once passed ``validate``, was committed by ``add`` and then broke every
analysis command for the whole ledger. Every numeric field (bounds, nominal, offsets, counts)
and every literal of a numeric datatype must be a legal xsd:decimal within claim-ledger's limit
(|x| < 10^15, at most 6 decimals), or the file is refused naming the field and the limit.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import InputError
from ledger.intake.load import MAX_DECIMALS, MAX_INTEGER_DIGITS, load_file
from ledger.vocab import CL

VALID = Path(__file__).resolve().parent / "data" / "claims" / "valid"
YAML_CLAIM = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
TURTLE_CLAIM = (VALID / "lead-thousands-fleeing.ttl").read_text(encoding="utf-8")
LOWER = str(CL.lower)
OA_START = "http://www.w3.org/ns/oa#start"


def yaml_with(tmp_path: Path, old: str, new: str) -> Path:
    """The valid YAML claim with one value replaced."""
    assert old in YAML_CLAIM
    path = tmp_path / "claim.yaml"
    path.write_text(YAML_CLAIM.replace(old, new), encoding="utf-8")
    return path


def values_of(path: Path, predicate: str) -> list[str]:
    return [q.object.value for q in load_file(path).quads if q.predicate.value == predicate]


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as refused:
        load_file(path)
    return str(refused.value)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1e400", "'lower' is '1e400', which is not a decimal number"),
        ("-1e400", "'lower' is '-1e400', which is not a decimal number"),
        ("1.0e+400", "'lower' is '1.0e+400', which is not a decimal number"),
        ("1.5e+300", "'lower' is '1.5e+300', which is not a decimal number"),
        ("1e-400", "'lower' is '1e-400', which is not a decimal number"),
        ("NaN", "'lower' is 'NaN', which is not a decimal number"),
        (".nan", "'lower' is '.nan', which is not a decimal number"),
        ("-.inf", "'lower' is '-.inf', which is not a decimal number"),
        ("inf", "'lower' is 'inf', which is not a decimal number"),
        ("9" * 5000, "(5,000 characters), which exceeds claim-ledger's limit of |x| < 10^15"),
        ("1000000000000000", "which exceeds claim-ledger's limit of |x| < 10^15"),
        ("-1000000000000000", "which exceeds claim-ledger's limit of |x| < 10^15"),
        ("0.1234567", "7 decimals exceed claim-ledger's limit"),
        ("'2e3'", "'lower' is '2e3', which is not a decimal number"),
    ],
)
def test_poison_figures_in_yaml_are_refused_at_the_field(
    tmp_path: Path, written: str, message: str
) -> None:
    """A figure no xsd:decimal can hold, or beyond the limit, is refused at 'lower' (24:7)."""
    text = refusal(yaml_with(tmp_path, "lower: 2000", f"lower: {written}"))
    assert message in text, text
    assert text.startswith(f"{tmp_path / 'claim.yaml'}:24:7: "), text
    assert "hint: " in text


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("999999999999999", "999999999999999"),
        ("-999999999999999.999999", "-999999999999999.999999"),
        ("2.0e+3", "2000"),
        ("0.000001", "0.000001"),
        ("2000.1000000", "2000.1000000"),
        ("'000000000000000000002000'", "2000"),
    ],
)
def test_figures_within_the_limit_load(tmp_path: Path, written: str, stored: str) -> None:
    """Figures up to 15 digits and 6 decimals load, as the same decimal."""
    [value] = values_of(yaml_with(tmp_path, "lower: 2000", f"lower: {written}"), LOWER)
    assert Decimal(value) == Decimal(stored)


def test_an_offset_of_10_to_the_30_is_quoted_as_written(tmp_path: Path) -> None:
    """A start offset of 10^30 is refused showing its digits, never the double '1.0E30'."""
    text = refusal(yaml_with(tmp_path, "start: 14", "start: " + "1" + "0" * 30))
    assert "'start' is '1" + "0" * 30 + "'" in text
    assert "E30" not in text and "e+30" not in text


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1e400", "'lower' is '1e400', which is not a decimal number"),
        ('"NaN"^^xsd:decimal', "'lower' is 'NaN', which is not a decimal number"),
        ('"INF"^^xsd:double', "'lower' is 'INF', which is not a decimal number"),
        ("12345678901234567890", "which exceeds claim-ledger's limit of |x| < 10^15"),
        ('"2.1234567"^^xsd:decimal', "7 decimals exceed claim-ledger's limit"),
    ],
)
def test_poison_figures_in_turtle_are_refused_at_their_line(
    tmp_path: Path, written: str, message: str
) -> None:
    """Turtle is held to the same limit, at the line and column of the figure."""
    path = tmp_path / "claim.ttl"
    path.write_text(
        TURTLE_CLAIM.replace('cl:lower "2000"^^xsd:decimal', f"cl:lower {written}"),
        encoding="utf-8",
    )
    text = refusal(path)
    assert message in text, text
    assert re.match(rf"{re.escape(str(path))}:24:\d+: ", text), text


def test_a_numeric_literal_on_any_field_is_held_to_the_limit(tmp_path: Path) -> None:
    """Any literal of a numeric datatype is checked, not only the fields the context types."""
    path = tmp_path / "claim.ttl"
    path.write_text(
        TURTLE_CLAIM.replace("cl:case aleppo:case ;", "cl:case aleppo:case ;\n    cl:x 1e999 ;"),
        encoding="utf-8",
    )
    text = refusal(path)
    assert "'https://w3id.org/claim-ledger/ns#x' is '1e999'" in text, text
    assert ":13:" in text


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1e400", "'lower' is '1e400', which is not a decimal number"),
        ("NaN", "'lower' is 'NaN', which is not a decimal number"),
        ("-Infinity", "'lower' is '-Infinity', which is not a decimal number"),
        ("1" + "0" * 30, "which exceeds claim-ledger's limit"),
        ("9" * 5000, "(5,000 characters), which exceeds claim-ledger's limit"),
    ],
)
def test_poison_figures_in_json_ld_are_refused_at_their_line(
    tmp_path: Path, written: str, message: str
) -> None:
    """JSON-LD's numbers are held to the limit too, as written, at their line."""
    document = json.dumps(yaml.safe_load(YAML_CLAIM), indent=1)
    path = tmp_path / "claim.jsonld"
    path.write_text(document.replace('"lower": 2000', f'"lower": {written}'), encoding="utf-8")
    line = document.split('"lower"')[0].count("\n") + 1
    text = refusal(path)
    assert message in text, text
    assert re.match(rf"{re.escape(str(path))}:{line}:\d+: ", text), text


def test_a_json_ld_fraction_stays_a_decimal(tmp_path: Path) -> None:
    """A JSON number 2.5 loads as the decimal 2.5, not the double 2.5E0."""
    document = json.dumps(yaml.safe_load(YAML_CLAIM))
    path = tmp_path / "claim.jsonld"
    path.write_text(document.replace('"lower": 2000', '"lower": 2000.5'), encoding="utf-8")
    assert values_of(path, LOWER) == ["2000.5"]


def within_limit(value: str) -> bool:
    """Whether ``value`` is an xsd:decimal within claim-ledger's limit."""
    form = re.fullmatch(r"[+-]?(\d*)(?:\.(\d*))?", value)
    if form is None or not (form.group(1) or form.group(2)):
        return False
    whole, decimals = form.group(1).lstrip("0"), (form.group(2) or "").rstrip("0")
    return len(whole) <= MAX_INTEGER_DIGITS and len(decimals) <= MAX_DECIMALS


FIGURES = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.from_regex(r"[+-]?[0-9_]{1,30}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.sampled_from([".nan", ".NaN", "-.inf", "+.inf", ".Inf", "NaN", "Infinity", "0x1F", "0o17"]),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(written=FIGURES)
def test_any_figure_loads_within_the_limit_or_is_refused(tmp_path: Path, written: str) -> None:
    """Whatever figure YAML is given for a bound, what loads is a decimal within the limit."""
    path = yaml_with(tmp_path, "lower: 2000", f"lower: {written}")
    try:
        values = values_of(path, LOWER)
    except InputError as refused:
        assert str(refused).startswith(f"{path}:"), refused
        return
    for value in values:
        if re.match(r"\s*[+-]?(\d|\.\d|\.?nan|\.?inf)", value, re.I):
            assert within_limit(value), f"{written!r} loaded as {value!r}"
