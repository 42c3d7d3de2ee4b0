"""The ledger commands end to end: init, add, retract, supersede, log, show, verify, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from ledger.chain import entries
from ledger.intake.load import load_paths


def run(ledger: Path, *args: str) -> Result:
    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", str(ledger), *args])


@pytest.fixture(scope="module")
def example_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding the example case as entry 1 (built once: validation takes seconds)."""
    ledger = tmp_path_factory.mktemp("ledger") / "ledger"
    assert run(ledger, "init").exit_code == 0
    result = run(ledger, "add", str(EXAMPLE), "--author", "tester", "--message", "example")
    assert result.exit_code == 0, result.stdout + result.stderr
    return ledger


@pytest.fixture
def ledger(example_ledger: Path, tmp_path: Path) -> Path:
    """A private copy of the example ledger that a test may change."""
    copy = tmp_path / "ledger"
    shutil.copytree(example_ledger, copy)
    return copy


def test_add_writes_one_entry_with_every_claim(example_ledger: Path) -> None:
    """`add` of the example writes entry 1 and reports the 41 claims it added."""
    result = run(example_ledger, "log", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["seq"], r["kind"], r["author"], r["message"]) for r in rows] == [
        (1, "add", "tester", "example")
    ]


def test_adding_the_same_claims_again_writes_nothing(ledger: Path) -> None:
    """Identical claims are recognised by their content and not duplicated."""
    result = run(ledger, "add", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["entry"] is None and report["added"] == []
    assert len(report["duplicates"]) == 41
    assert len(json.loads(run(ledger, "log", "--format", "json").stdout)) == 1


def test_a_batch_that_does_not_conform_writes_nothing(ledger: Path, tmp_path: Path) -> None:
    """A refused batch lists its problems, exits 1 and leaves the ledger as it was."""
    bad = tmp_path / "bad.yaml"
    shutil.copy(Path(__file__).parent / "data/claims/invalid/02-unknown-source.yaml", bad)
    result = run(ledger, "add", str(bad))
    assert result.exit_code == 1
    assert "is not in the source registry" in result.stdout
    assert "nothing was written" in result.stdout
    assert len(json.loads(run(ledger, "log", "--format", "json").stdout)) == 1


def test_a_new_claim_is_validated_against_the_registry_in_the_ledger(
    ledger: Path, tmp_path: Path
) -> None:
    """A claim file that names sources added earlier validates without the registry file."""
    source = Path(__file__).parent / "data/claims/valid/lead-thousands-fleeing.yaml"
    text = source.read_text(encoding="utf-8").replace("lower: 2000", "lower: 2500")
    changed = tmp_path / "changed.yaml"
    changed.write_text(text, encoding="utf-8")
    result = run(ledger, "add", str(changed), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert len(json.loads(result.stdout)["added"]) == 1


def test_claim_iris_derive_from_content() -> None:
    """The same claim content always gets the same IRI, and another content another IRI."""
    batch = load_paths([EXAMPLE])
    first = entries.build_add(batch)
    second = entries.build_add(load_paths([EXAMPLE]))
    assert [c.iri for c in first.claims] == [c.iri for c in second.claims]
    assert len({c.iri for c in first.claims}) == 41
    assert all(c.iri.startswith(entries.CLAIM_NAMESPACE) for c in first.claims)


def test_example_content_hash_is_pinned() -> None:
    """A golden hash: the example's canonical content, so a library upgrade cannot move it."""
    content = entries.build_add(load_paths([EXAMPLE]))
    digest = content.graph.value.rsplit(":", 1)[1]
    golden = (Path(__file__).parent / "data" / "golden-example-content.sha256").read_text().strip()
    assert digest == golden


def test_retract_then_show_says_retracted(ledger: Path) -> None:
    """A retraction is a new entry; the claim stays and is shown as retracted."""
    result = run(ledger, "retract", "sohr-about-10000-fled", "--reason", "figure corrected")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("entry 2 (retract)")
    shown = run(ledger, "show", "sohr-about-10000-fled")
    assert shown.exit_code == 0
    assert "# status retracted" in shown.stdout
    again = run(ledger, "retract", "sohr-about-10000-fled", "--reason", "twice")
    assert again.exit_code == 2
    assert "already retracted" in again.stderr


def test_supersede_links_the_revision(ledger: Path, tmp_path: Path) -> None:
    """A supersession adds the corrected claim as prov:wasRevisionOf the old one."""
    source = Path(__file__).parent / "data/claims/valid/lead-thousands-fleeing.yaml"
    corrected = tmp_path / "corrected.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    doc["@graph"][0]["statement"] = "Several thousand civilians fled East Aleppo that weekend."
    corrected.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    old = run(ledger, "show", "lead-thousands-fleeing").stdout.splitlines()[0].split()[-1]
    result = run(ledger, "supersede", "lead-thousands-fleeing", str(corrected), "--reason", "tense")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "(supersede)" in result.stdout
    assert "# status superseded" in run(ledger, "show", old).stdout
    current = run(ledger, "show", "lead-thousands-fleeing").stdout
    assert "# status current" in current and "that weekend" in current
    assert f"prov:wasRevisionOf <{old}>" in current


def test_unknown_claim_is_a_clear_error(ledger: Path) -> None:
    """Retracting a claim that is not there says so, exit 2, no traceback."""
    result = run(ledger, "retract", "no-such-claim", "--reason", "x")
    assert result.exit_code == 2
    assert "no claim 'no-such-claim' in the ledger" in result.stderr


def test_show_entry_prints_the_hashed_bytes(ledger: Path) -> None:
    """`show 1` prints the entry's record and its N-Quads exactly as stored."""
    result = run(ledger, "show", "1")
    assert result.exit_code == 0
    stored = next((ledger / "entries").glob("000000000001.nq")).read_text(encoding="utf-8")
    assert result.stdout.endswith(stored)


def test_verify_and_checkpoint(ledger: Path, tmp_path: Path) -> None:
    """A checkpoint taken now verifies; after the head entry is changed it fails.

    No later entry vouches for the head entry: only a checkpoint kept elsewhere does.
    """
    assert run(ledger, "verify").exit_code == 0
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(run(ledger, "checkpoint").stdout)
    assert run(ledger, "verify", "--checkpoint", str(checkpoint)).exit_code == 0
    entry = ledger / "entries" / "000000000001.nq"
    entry.chmod(0o644)
    entry.write_bytes(entry.read_bytes().replace(b"Several thousand", b"Several hundred", 1))
    result = run(ledger, "verify", "--checkpoint", str(checkpoint))
    assert result.exit_code == 1
    assert "entry 1" in result.stdout


def test_export_import_round_trip(ledger: Path, tmp_path: Path) -> None:
    """An export replays into an empty ledger with the same id, entries and head hash."""
    run(ledger, "retract", "sohr-about-10000-fled", "--reason", "figure corrected")
    for fmt, suffix in (("nquads", ".nq"), ("trig", ".trig")):
        exported = tmp_path / f"export{suffix}"
        result = run(ledger, "export", "--format", fmt)
        assert result.exit_code == 0
        exported.write_text(result.stdout, encoding="utf-8")
        restored = tmp_path / f"restored-{fmt}"
        imported = run(restored, "import", str(exported))
        assert imported.exit_code == 0, imported.stderr
        assert run(restored, "checkpoint").stdout == run(ledger, "checkpoint").stdout
        assert run(restored, "verify").exit_code == 0


@pytest.mark.parametrize("entry", ["first", "last"])
def test_a_tampered_export_is_refused_and_nothing_is_written(
    ledger: Path, tmp_path: Path, entry: str
) -> None:
    """Changing a triple of any entry in an export makes import refuse it, writing nothing."""
    run(ledger, "retract", "sohr-about-10000-fled", "--reason", "figure corrected")
    text = run(ledger, "export").stdout
    needle = "Several thousand civilians are fleeing" if entry == "first" else "figure corrected"
    assert needle in text
    tampered = tmp_path / "tampered.nq"
    tampered.write_text(text.replace(needle, needle.upper(), 1), encoding="utf-8")
    restored = tmp_path / "restored"
    result = run(restored, "import", str(tampered))
    assert result.exit_code == 1
    assert "nothing was imported" in result.stderr
    assert not restored.exists()


def test_commands_need_a_ledger(tmp_path: Path) -> None:
    """Without a ledger, commands say how to create one (exit 2)."""
    result = run(tmp_path / "none", "log")
    assert result.exit_code == 2
    assert "claim-ledger init" in result.stderr


ANALYSIS_CASES = Path(__file__).parent / "data" / "analysis"


def test_add_reports_the_conflicts_its_batch_takes_part_in(ledger: Path) -> None:
    """`add` lists each conflict and revision of the added claims: those `conflicts` shows."""
    added = run(ledger, "add", str(ANALYSIS_CASES), "--format", "json")
    assert added.exit_code == 0, added.stderr
    report = json.loads(added.stdout)
    batch = {c["claim"] for c in report["added"]}
    listed = json.loads(run(ledger, "conflicts", "--format", "json").stdout)
    expected = [r for r in listed if r["claim_a"] in batch or r["claim_b"] in batch]
    assert report["check_failed"] is None
    assert sorted(report["conflicts"], key=lambda r: (r["claim_a"], r["claim_b"])) == sorted(
        expected, key=lambda r: (r["claim_a"], r["claim_b"])
    )
    assert {r["relation"] for r in report["conflicts"]} == {"conflict", "revision"}


def test_add_names_the_conflicting_claims_by_their_ids(ledger: Path) -> None:
    """The text report says how many conflicts and names both claims and the reason."""
    added = run(ledger, "add", str(ANALYSIS_CASES))
    assert added.exit_code == 0, added.stderr
    assert "this batch conflicts with the ledger: 10 conflict(s)\n" in added.stdout
    assert (
        "  sohr-gov-took-alpha-sunday x amnesty-rebels-held-alpha-sunday: exclusive: Alpha "
        "controlled by Syrian government forces" in added.stdout
    )
    assert "revisions by the same source: 1\n  sohr-first-300-fled-india -> " in added.stdout


def test_add_no_check_appends_without_the_conflict_report(ledger: Path) -> None:
    """`--no-check` appends the same entry and reports no conflicts."""
    added = run(ledger, "add", str(ANALYSIS_CASES), "--no-check", "--format", "json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["conflicts"] == []
    assert json.loads(added.stdout)["entry"]["seq"] == 2


def test_stored_findings_give_the_rows_a_full_recomputation_gives(ledger: Path) -> None:
    """Listings read through the findings file equal those recomputed as of the head entry."""
    assert run(ledger, "add", str(ANALYSIS_CASES)).exit_code == 0
    assert run(ledger, "retract", "sohr-500-fled-foxtrot", "--reason", "test").exit_code == 0
    for command in ("conflicts", "corroborations", "grade"):
        stored = run(ledger, command, "--format", "json")
        recomputed = run(ledger, command, "--as-of", "3", "--format", "json")
        assert stored.exit_code == 0 and recomputed.exit_code == 0, stored.stderr
        assert json.loads(stored.stdout) == json.loads(recomputed.stdout), command
    assert (ledger / "findings.sqlite").is_file()
