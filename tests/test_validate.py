"""The `validate` command: the corpus of invalid claim files, the example case, report formats.

Each file of ``tests/data/claims/invalid/`` is a claim of the example case with one defect; its
entry in ``expected.yaml`` says the exit code, the message and the line the command must report.
Known bugs of ``ledger/`` or ``shapes/`` are marked ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner, Result

from ledger.cli import main
from ledger.intake.load import load_paths
from ledger.vocab import CL

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
CLAIMS_DATA = Path(__file__).resolve().parent / "data" / "claims"
INVALID = CLAIMS_DATA / "invalid"
VALID = CLAIMS_DATA / "valid"
SHAPES_IN_DATA = CLAIMS_DATA / "shapes-in-data"
REGISTRY = ["--context", str(EXAMPLE / "sources.yaml"), "--context", str(EXAMPLE / "entities.yaml")]

EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (INVALID / "expected.yaml").read_text(encoding="utf-8")
)

#: Fixtures whose expected report the current code does not give; each reason names the bug.
KNOWN_BUGS: dict[str, str] = {}


def invalid_files() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_file() and p.name != "expected.yaml")


def invalid_params() -> list[Any]:
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])]
            if name in KNOWN_BUGS
            else [],
        )
        for name in invalid_files()
    ]


def validate(*args: str) -> Result:
    """Run `claim-ledger validate ARGS` in-process."""
    return CliRunner().invoke(main, ["validate", *args])


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}\n{result.stdout}\n{result.stderr}"
    )
    assert "Traceback" not in result.stdout + result.stderr


def reported_at(text: str, name: str, line: int, message: str) -> bool:
    """Whether one line of ``text`` reports ``message`` at ``name:line``."""
    where = re.compile(rf"{re.escape(name)}:{line}(:\d+)?:")
    return any(where.search(row) and message in row for row in text.splitlines())


def test_every_invalid_fixture_has_an_expectation() -> None:
    """Every invalid fixture is listed in expected.yaml (and only those), named NN-description."""
    assert sorted(EXPECTED) == invalid_files()
    assert len(EXPECTED) >= 32
    for name, expected in EXPECTED.items():
        assert re.fullmatch(r"\d\d-[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*\.(yaml|ttl|rdf|jsonld)", name), name
        assert expected["exit"] in (1, 2), name
        assert expected["message"], name


@pytest.mark.parametrize("name", invalid_params())
def test_invalid_fixture_reports_its_defect(name: str) -> None:
    """Each invalid claim file gives its exit code and message, at its line, without a traceback."""
    expected = EXPECTED[name]
    result = validate(str(INVALID / name), *REGISTRY)
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.exit_code == expected["exit"], output
    assert_no_traceback(result)
    # Problems with the claims are data (stdout); refused input is a diagnostic (stderr).
    stream = result.stdout if expected["exit"] == 1 else result.stderr
    if expected["exit"] == 2:
        assert result.stdout == "", output
    assert expected["message"] in stream, output
    if "line" in expected:
        assert reported_at(stream, name, expected["line"], expected["message"]), (
            f"expected {expected['message']!r} at {name}:{expected['line']}\n{output}"
        )
    for unwanted in expected.get("absent", []):
        assert unwanted not in stream, output


def example_claim_count() -> int:
    """The number of claims in the example's claims.yaml, read from the file."""
    data = yaml.safe_load((EXAMPLE / "claims.yaml").read_text(encoding="utf-8"))
    return sum(1 for node in data["@graph"] if node.get("type") == "Claim")


def test_example_case_conforms() -> None:
    """The example case conforms, and the summary counts every claim of claims.yaml."""
    result = validate(str(EXAMPLE))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert_no_traceback(result)
    assert result.stderr == ""
    count = example_claim_count()
    assert count == 41
    summary = result.stdout.splitlines()[-1]
    assert f"{count} claim(s)" in summary
    assert summary.endswith(": conforms")


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.iterdir() if p.is_file()))
def test_valid_fixture_conforms(name: str) -> None:
    """Each valid fixture (YAML or hand-written Turtle) conforms with the example's registry."""
    result = validate(str(VALID / name), *REGISTRY)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert_no_traceback(result)
    summary = result.stdout.splitlines()[-1]
    assert summary.endswith("1 claim(s), 14 source(s), 1 document(s): conforms")


MODEL_V2 = VALID / "model-v2"


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_model_v2_case_conforms(engine: str) -> None:
    """The model-v2 case (every new field, its own registry and vocabulary.yaml) conforms."""
    result = validate(str(MODEL_V2), "--engine", engine)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert_no_traceback(result)
    assert result.stdout.splitlines()[-1] == (
        "4 file(s), 20 claim(s), 9 source(s), 1 document(s): conforms"
    )


MODEL_V2_TERMS = [
    "scope", "scopeKind", "since", "until", "placeCoverage", "degree", "controller", "hedge",
    "hedgeKind", "alignmentIn", "conflict", "side", "propertyKind", "dimension", "defaultUnit",
    "unknownTime", "periodCount", "runningTotal", "eventTotal", "whole", "full", "contested",
    "reportedly", "unverified", "disputed", "Conflict", "Side", "Event", "PropositionProperty",
    "killedCount", "injuredCount", "casualtyCount", "detainedCount", "surrenderedCount",
    "evacuatedCount", "returnedCount", "areaShareControlled", "perpetratedBy", "meansUsed",
    "percent", "building", "vehicle", "partOfDayPrecision", "UNAgency",
    "HumanitarianOrganisation", "PoliticalParty", "ArmedForces", "Ministry",
]  # fmt: skip


def test_model_v2_case_uses_every_new_term() -> None:
    """The model-v2 case really exercises the new fields and values (as loaded terms)."""
    batch = load_paths([MODEL_V2])
    used = {
        term.value.rpartition("#")[2]
        for quad in batch.quads
        for term in (quad.predicate, quad.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(str(CL))
    }
    assert sorted(set(MODEL_V2_TERMS) - used) == []


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("88-misspelt-scope.yaml", "scope"), ("89-misspelt-hedge-kind.yaml", "kind")],
)
def test_a_misspelt_new_field_is_refused_with_a_suggestion(name: str, suggestion: str) -> None:
    """A misspelt model-v2 field, top-level or property-scoped ('kind' in a hedge), gets a hint."""
    result = validate(str(INVALID / name), *REGISTRY)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert f"hint: did you mean {suggestion!r}?" in result.stderr


def test_json_format_gives_the_same_problems_as_data() -> None:
    """--format json lists the same problems as the text report, as objects with where and what."""
    path = str(INVALID / "04-offsets-off-by-one.yaml")
    text = validate(path, *REGISTRY)
    as_json = validate(path, *REGISTRY, "--format", "json")
    assert text.exit_code == 1
    assert as_json.exit_code == 1
    assert_no_traceback(as_json)
    report = json.loads(as_json.stdout)
    assert report["conforms"] is False
    assert report["claims"] == 1
    problems = report["problems"]
    assert len(problems) == 3
    for problem in problems:
        assert {"file", "line", "claim", "field", "message"} <= problem.keys()
        assert problem["file"] == path
        assert isinstance(problem["line"], int)
        assert problem["claim"] == (
            "https://w3id.org/claim-ledger/case/aleppo-2016-11/claim/lead-thousands-fleeing"
        )
        location = f"{problem['file']}:{problem['line']}"
        assert any(
            row.startswith(location) and problem["message"] in row
            for row in text.stdout.splitlines()
        ), problem
    text_problems = [row for row in text.stdout.splitlines() if ": violation: " in row]
    assert len(text_problems) == len(problems)


def test_problem_names_file_line_claim_and_field() -> None:
    """A problem says file:line, the claim's IRI and the dotted field path, in text and JSON."""
    name = "09-missing-unit.yaml"
    path = str(INVALID / name)
    claim = "https://w3id.org/claim-ledger/case/aleppo-2016-11/claim/lead-thousands-fleeing"
    text = validate(path, *REGISTRY)
    assert text.exit_code == 1
    assert f"{path}:21:7: violation: Give the quantity's 'unit'" in text.stdout
    assert f"claim {claim}; field proposition.quantity.unit" in text.stdout
    (problem,) = json.loads(validate(path, *REGISTRY, "--format", "json").stdout)["problems"]
    assert (problem["file"], problem["line"], problem["claim"], problem["field"]) == (
        path,
        21,
        claim,
        "proposition.quantity.unit",
    )


def test_field_path_reaches_the_faulty_value() -> None:
    """A value of the wrong type is reported at its own line, with its full dotted field path."""
    path = str(INVALID / "45-lower-not-a-number.yaml")
    result = validate(path, *REGISTRY, "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    lower = [p for p in problems if p["field"] == "proposition.quantity.lower"]
    assert len(lower) == 1
    assert (lower[0]["line"], lower[0]["value"]) == (24, "two thousand")
    assert "'lower' is one number" in lower[0]["message"]


@pytest.mark.parametrize(
    ("name", "exit_code", "message"),
    [
        pytest.param("contradicting-shape.ttl", 0, ": conforms", id="contradicting-shape"),
        pytest.param(
            "deactivating-shape.ttl",
            1,
            "The lower bound 99999 is above the upper bound 2000",
            id="deactivating-shape",
        ),
    ],
)
def test_shapes_in_the_data_are_ignored(name: str, exit_code: int, message: str) -> None:
    """Shapes written in a claim file (new or deactivating ours) never change the verdict."""
    result = validate(str(SHAPES_IN_DATA / name), *REGISTRY)
    assert result.exit_code == exit_code, result.stdout + result.stderr
    assert_no_traceback(result)
    assert message in result.stdout
    assert "Claims must not have a statement" not in result.stdout


def test_claims_without_their_registry_explain_the_unknown_source() -> None:
    """A claims file validated without its sources file says the source is not in the registry."""
    result = validate(str(VALID / "lead-thousands-fleeing.yaml"))
    assert result.exit_code == 1
    assert_no_traceback(result)
    assert re.search(
        r"lead-thousands-fleeing\.yaml:\d+:\d+: violation: The source \S*article-outlet "
        r"is not in the source registry: add it to the case's sources file",
        result.stdout,
    ), result.stdout


def test_no_sparql_constraint_reaches_the_focus_node_through_a_property_path() -> None:
    """`?x a/b $this` is evaluated from every ?x (a batch's validation grew by 45 %): bind $this."""
    shapes_dir = ROOT / "shapes"
    offending = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(shapes_dir.glob("*.ttl"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\w+:\w+/\^?\w+:\w+\s+\$this\b", line)
    ]
    assert offending == []


def shifted_example_copy(tmp_path: Path) -> Path:
    """The example's claims under new IRIs, five lines down: its blank-node labels (line and
    column) now name other nodes than the same labels in the example."""
    text = (EXAMPLE / "claims.yaml").read_text(encoding="utf-8")
    copy = tmp_path / "claims.yaml"
    copy.write_text("# moved down\n" * 5 + text.replace("aleppo:claim/", "aleppo:claim/copy-"))
    return copy


def shared_blank_labels(a: Path, b: Path) -> set[str]:
    """The blank-node labels two separately loaded claim files both use."""

    def labels(path: Path) -> set[str]:
        return {
            term.value
            for quad in load_paths([path]).quads
            for term in (quad.subject, quad.object)
            if isinstance(term, ox.BlankNode)
        }

    return labels(a) & labels(b)


@pytest.mark.parametrize(
    "reverse", [False, True], ids=["copy-with-context", "example-with-context"]
)
def test_context_gives_the_verdict_of_the_same_files_as_paths(
    tmp_path: Path, reverse: bool
) -> None:
    """`validate A --context B` conforms when `validate A B` does, though A and B reuse labels."""
    copy = shifted_example_copy(tmp_path)
    assert shared_blank_labels(copy, EXAMPLE / "claims.yaml")  # else this test proves nothing
    paths, context = (EXAMPLE, copy) if reverse else (copy, EXAMPLE)
    as_paths = validate(str(paths), str(context))
    assert as_paths.exit_code == 0, as_paths.stdout
    as_context = validate(str(paths), "--context", str(context))
    assert_no_traceback(as_context)
    assert as_context.exit_code == 0, as_context.stdout
    assert as_context.stdout.splitlines()[-1] == as_paths.stdout.splitlines()[-1]


def test_a_file_given_as_path_and_in_the_context_is_read_once() -> None:
    """`validate case/claims.yaml --context case/` reads claims.yaml once and conforms."""
    result = validate(str(EXAMPLE / "claims.yaml"), "--context", str(EXAMPLE))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == (
        "3 file(s), 41 claim(s), 14 source(s), 1 document(s): conforms"
    )
