"""The analysis commands on the example ledger: the findings a fact-checker must see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from ledger.cli import main


def run(ledger: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--ledger", str(ledger), *args])


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case in a ledger, with one retraction as entry 2."""
    path = tmp_path_factory.mktemp("analysis") / "ledger"
    assert run(path, "init").exit_code == 0
    assert run(path, "add", str(EXAMPLE)).exit_code == 0
    retracted = run(path, "retract", "khatib-aleppo-dying", "--reason", "test")
    assert retracted.exit_code == 0
    return path


def rows(ledger: Path, *args: str) -> list[dict[str, str]]:
    result = run(ledger, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, str]] = json.loads(result.stdout)
    return data


def pairs(found: list[dict[str, str]]) -> set[tuple[str, str, str]]:
    def short(iri: str) -> str:
        return iri.rsplit("/", 1)[-1]

    return {
        (*sorted((short(r["source_a"]), short(r["source_b"]))), r["kind"])  # type: ignore[misc]
        for r in found
    }


def test_corroborations_show_the_four_findings_of_the_example(ledger: Path) -> None:
    """Sakhour: independent; Masaken Hanano: aligned; six districts derived; figures compatible."""
    found = rows(ledger, "corroborations")
    kinds = pairs(found)
    assert ("sohr", "syrian-state-media", "independent") in kinds
    assert ("al-manar", "syrian-state-media", "aligned") in kinds
    assert ("article-outlet", "sohr", "same-origin") in kinds
    assert ("article-outlet", "syrian-state-media", "same-origin") in kinds
    assert ("khaled-khatib", "sohr", "aligned") in kinds
    khatib = [
        r
        for r in found
        if {"khaled-khatib", "sohr"}
        == {r["source_a"].rsplit("/", 1)[1], r["source_b"].rsplit("/", 1)[1]}
    ]
    assert khatib and all(r["match"] == "compatible figures" for r in khatib)


def test_conflicts_and_grades_have_reasons(ledger: Path) -> None:
    """Every conflict and every grade row says why."""
    for row in rows(ledger, "conflicts"):
        assert row["type"] and row["reason"]
    grades = rows(ledger, "grade")
    assert len(grades) == 40  # 41 claims, one retracted
    assert all(1 <= int(g["credibility"]) <= 6 and g["reasons"] for g in grades)


def test_status_and_as_of_see_the_retraction_or_not(ledger: Path) -> None:
    """--status retracted lists the retracted claim; --as-of 1 shows the ledger before it."""
    assert len(rows(ledger, "claims", "--status", "retracted")) == 1
    assert rows(ledger, "claims", "--status", "retracted", "--as-of", "1") == []
    assert len(rows(ledger, "claims", "--as-of", "1")) == 41


def test_user_query_refuses_service_and_updates(ledger: Path, tmp_path: Path) -> None:
    """A user's query with SERVICE or an update is refused before it runs (exit 2)."""
    for text in (
        "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "SELECT * WHERE { ?s ?p",
    ):
        path = tmp_path / "q.rq"
        path.write_text(text, encoding="utf-8")
        result = run(ledger, "query", str(path))
        assert result.exit_code == 2, text
        assert "error:" in result.stderr
    count = tmp_path / "count.rq"
    count.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/claim-ledger/ns#Claim> }"
    )
    assert rows(ledger, "query", str(count)) == [{"n": 41}]  # a number stays a number
