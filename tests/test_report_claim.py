"""`report --claim` / `--source`: the page it says to open exists; claims named as in `show`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from conftest import EXAMPLE

VALID = Path(__file__).parent / "data" / "claims" / "valid" / "lead-thousands-fleeing.yaml"


def run(ledger: Path, *args: str) -> Result:
    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", str(ledger), *args])


@pytest.fixture(scope="module")
def superseded_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case, then a correction of lead-thousands-fleeing (same file id, new claim)."""
    root = tmp_path_factory.mktemp("report-claim")
    ledger = root / "ledger"
    assert run(ledger, "init").exit_code == 0
    added = run(ledger, "add", str(EXAMPLE), "--author", "tester")
    assert added.exit_code == 0, added.stdout + added.stderr
    doc = yaml.safe_load(VALID.read_text(encoding="utf-8"))
    doc["@graph"][0]["statement"] = "Several thousand civilians fled East Aleppo that weekend."
    corrected = root / "corrected.yaml"
    corrected.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = run(ledger, "supersede", "lead-thousands-fleeing", str(corrected), "--reason", "tense")
    assert result.exit_code == 0, result.stdout + result.stderr
    return ledger


def _opened(result: Result) -> Path:
    match = re.search(r"; open (.+)$", result.stdout.strip())
    assert match, result.stdout
    return Path(match.group(1))


def test_claim_report_names_the_page_it_wrote(superseded_ledger: Path, tmp_path: Path) -> None:
    """--claim says to open the claim's page, which exists, not an index.html never written."""
    out = tmp_path / "out"
    result = run(superseded_ledger, "report", "--claim", "sohr-about-10000-fled", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    page = _opened(result)
    assert page.is_file() and page.parent == out / "claims"
    assert not (out / "index.html").exists()
    assert "sohr-about-10000-fled" in page.name


def test_source_report_names_the_page_it_wrote(superseded_ledger: Path, tmp_path: Path) -> None:
    """--source says to open the source's page, which exists."""
    out = tmp_path / "out"
    result = run(
        superseded_ledger, "report", "--source", "sohr", "--out", str(out), "--format", "md"
    )
    assert result.exit_code == 0, result.stderr
    page = _opened(result)
    assert page.is_file() and page.suffix == ".md" and page.parent == out / "sources"


def test_claim_report_takes_a_file_id_as_show_does(superseded_ledger: Path, tmp_path: Path) -> None:
    """A file id shared by a claim and its correction names the current claim, as in `show`."""
    shown = run(superseded_ledger, "show", "lead-thousands-fleeing")
    assert shown.exit_code == 0 and "# status current" in shown.stdout
    current = shown.stdout.splitlines()[0].split()[-1]
    out = tmp_path / "out"
    result = run(
        superseded_ledger, "report", "--claim", "lead-thousands-fleeing", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    page = _opened(result).read_text(encoding="utf-8")
    assert "that weekend" in page and current in page


def test_claim_report_takes_a_hash_prefix(superseded_ledger: Path, tmp_path: Path) -> None:
    """The start of the claim's hash names it in `report` as in `show`."""
    shown = run(superseded_ledger, "show", "sohr-about-10000-fled")
    digest = shown.stdout.splitlines()[0].split()[-1].rsplit("/", 1)[1]
    result = run(superseded_ledger, "report", "--claim", digest[:10], "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    assert _opened(result).is_file()


def test_claim_report_of_claim_files_names_the_page(tmp_path: Path) -> None:
    """A preview of claim files (PATHS) with --claim also names the page it wrote."""
    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    out = tmp_path / "out"
    result = run(
        tmp_path / "no-ledger",
        "report",
        str(case),
        "--claim",
        "sohr-about-10000-fled",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert _opened(result).is_file()


def test_unknown_claim_is_named_in_the_error(superseded_ledger: Path, tmp_path: Path) -> None:
    """A claim the ledger does not hold: exit 2, its name in the message, nothing written."""
    out = tmp_path / "out"
    result = run(superseded_ledger, "report", "--claim", "no-such-claim", "--out", str(out))
    assert result.exit_code == 2
    assert "no claim 'no-such-claim'" in result.stderr
    assert not out.exists()
