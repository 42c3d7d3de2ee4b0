"""`assess`: a checker's attributed A–F assessment of a source, and where it shows."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from ledger.chain import entries

SOHR = "https://w3id.org/claim-ledger/source/sohr"
SCHEMA = "https://schema.org/"


def run(ledger: Path, *args: str) -> Result:
    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", str(ledger), *args])


@pytest.fixture(scope="module")
def example_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding the example case as entry 1."""
    ledger = tmp_path_factory.mktemp("ledger") / "ledger"
    assert run(ledger, "init").exit_code == 0
    result = run(ledger, "add", str(EXAMPLE), "--by", "tester", "--no-check")
    assert result.exit_code == 0, result.stdout + result.stderr
    return ledger


@pytest.fixture
def ledger(example_ledger: Path, tmp_path: Path) -> Path:
    """A private copy of the example ledger that a test may change."""
    copy = tmp_path / "ledger"
    shutil.copytree(example_ledger, copy)
    return copy


def assess(ledger: Path, source: str, letter: str, why: str, by: str) -> Result:
    return run(ledger, "assess", source, "--reliability", letter, "--rationale", why, "--by", by)


def reliability_of(ledger: Path, *args: str) -> dict[str, set[str]]:
    """The reliability letters `grade` shows, by source."""
    result = run(ledger, "grade", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    out: dict[str, set[str]] = {}
    for row in json.loads(result.stdout):
        out.setdefault(row["source"], set()).add(row["reliability"])
    return out


def test_grade_shows_the_assessed_letter(ledger: Path) -> None:
    """An assessed source's claims show its letter in `grade`; the others stay F."""
    before = reliability_of(ledger)
    assert before[SOHR] == {"F"}
    result = assess(ledger, "src:sohr", "B", "Its counts matched later UN figures", "A. Checker")
    assert result.exit_code == 0, result.stderr
    assert "(assess)" in result.stdout
    after = reliability_of(ledger)
    assert after[SOHR] == {"B"}
    assert all(letters == {"F"} for source, letters in after.items() if source != SOHR)


def test_latest_assessment_per_checker_counts(ledger: Path) -> None:
    """A checker's later assessment revises their earlier one; two checkers may disagree."""
    assert assess(ledger, "sohr", "B", "first look", "A. Checker").exit_code == 0
    assert assess(ledger, "sohr", "d", "second look", "A. Checker").exit_code == 0
    assert reliability_of(ledger)[SOHR] == {"D"}
    assert assess(ledger, SOHR, "C", "another view", "B. Other").exit_code == 0
    assert reliability_of(ledger)[SOHR] == {"C/D"}
    assert reliability_of(ledger, "--as-of", "2")[SOHR] == {"B"}
    assert reliability_of(ledger, "--as-of", "1")[SOHR] == {"F"}


@pytest.mark.parametrize(
    "form", ["src:sohr", "sohr", SOHR, f"<{SOHR}>", "SOHR", "Syrian Observatory for Human Rights"]
)
def test_source_forms(ledger: Path, form: str) -> None:
    """SOURCE as claim files write it (prefixed, last part, IRI) or by its name."""
    result = assess(ledger, form, "C", "why", "A. Checker")
    assert result.exit_code == 0, result.stderr
    assert reliability_of(ledger)[SOHR] == {"C"}


def test_unknown_source_suggests_the_closest(ledger: Path) -> None:
    """An unknown source is refused (exit 2) with the closest names, and nothing is written."""
    result = assess(ledger, "src:sohrr", "B", "why", "A. Checker")
    assert result.exit_code == 2
    assert "no source 'src:sohrr' in the ledger" in result.stderr
    assert "did you mean src:sohr?" in result.stderr
    assert len(json.loads(run(ledger, "log", "--format", "json").stdout)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reliability", "G", "--rationale", "x", "--by", "X"], "Invalid value"),
        (["--reliability", "B", "--rationale", " ", "--by", "X"], "needs a rationale"),
        (["--reliability", "B", "--rationale", "x"], "Missing option '--by'"),
    ],
    ids=["bad-letter", "empty-rationale", "no-checker"],
)
def test_bad_assessments_refused(ledger: Path, args: list[str], message: str) -> None:
    """A letter outside A–F, an empty rationale or no checker: exit 2, nothing written."""
    result = run(ledger, "assess", "src:sohr", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(json.loads(run(ledger, "log", "--format", "json").stdout)) == 1


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_report_source_page_shows_who_when_why(ledger: Path, tmp_path: Path, fmt: str) -> None:
    """The report's source page shows each checker's letter, date and rationale, and the
    assessments they revised as history."""
    assert assess(ledger, "src:sohr", "D", "Too early to say", "A. Checker").exit_code == 0
    assert assess(ledger, "src:sohr", "B", "Matched UN counts", "A. Checker").exit_code == 0
    out = tmp_path / "report"
    assert run(ledger, "report", "--out", str(out), "--format", fmt).exit_code == 0
    page = next((out / "sources").glob(f"sohr*.{fmt}")).read_text(encoding="utf-8")
    start = page.index('id="reliability"' if fmt == "html" else "## Reliability")
    section = page[start : page.index("</section>" if fmt == "html" else "## Track record")]
    current, _, earlier = section.partition("Earlier assessments")
    assert "B — Usually reliable" in current and "D — " not in current
    assert "assessed by A. Checker" in current
    assert "Matched UN counts" in current
    assert datetime.now(UTC).strftime("%Y-%m-%d") in current
    assert "no checker has assessed" not in section
    assert "D — Not usually reliable" in earlier and "Too early to say" in earlier


def test_assessment_shape() -> None:
    """An assessment is a schema:Review of the source, rated A (best) to F (worst), attributed,
    dated, with its rationale, revising the checker's earlier one (what the exports read)."""
    content = entries.build_assessment(
        SOHR, reliability="b", rationale="why", by="A. Checker", previous=["urn:x:old"]
    )
    store = ox.Store()
    store.extend(content.quads)
    rows = list(
        store.query(
            "PREFIX schema: <https://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> "
            "SELECT ?v ?best ?worst ?words ?author ?date ?body ?old WHERE { "
            f"?r a schema:Review ; schema:itemReviewed <{SOHR}> ; schema:reviewRating ?rating ; "
            "schema:author ?author ; schema:datePublished ?date ; schema:reviewBody ?body ; "
            "prov:wasRevisionOf ?old . ?rating a schema:Rating ; schema:ratingValue ?v ; "
            "schema:bestRating ?best ; schema:worstRating ?worst ; schema:alternateName ?words }",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row["v"].value, row["best"].value, row["worst"].value) == ("B", "A", "F")
    assert row["words"].value == "Usually reliable"
    assert (row["author"].value, row["body"].value) == ("A. Checker", "why")
    assert row["date"].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
    assert row["old"] == ox.NamedNode("urn:x:old")


def test_by_is_the_checker_option_everywhere(ledger: Path) -> None:
    """`--by` names the acting checker in add, retract, supersede, review and assess; the old
    `--author` still works but is no longer listed."""
    from ledger.cli import main

    for command in ("add", "retract", "supersede", "review", "assess"):
        help_text = CliRunner().invoke(main, [command, "-h"]).stdout
        assert "--by CHECKER" in help_text, command
        assert "--author" not in help_text, command
    result = run(ledger, "assess", "src:sohr", "--reliability", "B", "--rationale", "x")
    assert result.exit_code == 2
    result = run(
        ledger, "assess", "src:sohr", "--reliability", "B", "--rationale", "x", "--author", "Old"
    )
    assert result.exit_code == 0, result.stderr
    log = json.loads(run(ledger, "log", "--format", "json").stdout)
    assert log[-1]["author"] == "Old" and log[-1]["kind"] == "assess"


def test_hostile_rationale_is_text(ledger: Path, tmp_path: Path) -> None:
    """A rationale with markup is shown as text on the source page, never as live HTML."""
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    assert assess(ledger, "src:sohr", "C", hostile, "<b>Mallory</b>").exit_code == 0
    out = tmp_path / "report"
    assert run(ledger, "report", "--out", str(out)).exit_code == 0
    page = next((out / "sources").glob("sohr*.html")).read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>Mallory" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page


def test_prov_export_shows_the_assessment(ledger: Path) -> None:
    """The PROV-O export has the assessment as a verdict the assess entry generated, using the
    source, attributed to the checker, with its letter and rationale."""
    assert assess(ledger, "src:sohr", "B", "Matched UN counts", "A. Checker").exit_code == 0
    result = run(ledger, "export", "--format", "prov")
    assert result.exit_code == 0, result.stderr
    store = ox.Store()
    store.load(result.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = list(
        store.query(
            "PREFIX schema: <https://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?value ?body ?checker WHERE { ?activity prov:generated ?review ; "
            f"prov:used <{SOHR}> ; prov:wasAssociatedWith ?agent . "
            "?agent rdfs:label ?checker . ?review a schema:Review ; "
            "schema:reviewRating/schema:ratingValue ?value ; schema:reviewBody ?body }"
        )
    )
    assert [(r["value"].value, r["body"].value, r["checker"].value) for r in rows] == [
        ("B", "Matched UN counts", "A. Checker")
    ]
