"""Derived data tied to the chain: `verify` and `verify --derived` detect every forged store,
and `rebuild` builds them again; a damaged index names `claim-ledger rebuild`."""

from __future__ import annotations

import errno
import json
import os
import pickle
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from conftest import EXAMPLE
from ledger.analysis import findings
from ledger.chain import derived, store
from ledger.cli import main
from ledger.publish import site

PROV = "http://www.w3.org/ns/prov#"
ANALYSIS_DATA = Path(__file__).parent / "data" / "analysis"


def run(ledger: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--ledger", str(ledger), *args], input=stdin)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case, one claim retracted, findings built (by `conflicts`)."""
    path = tmp_path_factory.mktemp("derived") / "ledger"
    assert run(path, "init").exit_code == 0
    assert run(path, "add", str(EXAMPLE)).exit_code == 0
    assert run(path, "retract", "khatib-aleppo-dying", "--reason", "test").exit_code == 0
    assert run(path, "conflicts").exit_code == 0
    return path


@pytest.fixture
def ledger(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built ledger, free to damage."""
    copy = tmp_path / "ledger"
    shutil.copytree(built, copy)
    return copy


def _retracted_claim(ledger: Path) -> ox.Quad:
    index = ox.Store(str(ledger / "index"))
    quads = list(index.quads_for_pattern(None, ox.NamedNode(PROV + "invalidatedAtTime"), None))
    assert len(quads) == 1
    return quads[0]


def _delete_from_index(ledger: Path, quad: ox.Quad) -> None:
    index = ox.Store(str(ledger / "index"))
    index.remove(quad)
    index.flush()


def test_clean_ledger_verifies_with_derived_checks(ledger: Path) -> None:
    """An untouched ledger passes both the cheap and the full derived checks, and says so."""
    result = run(ledger, "verify")
    assert result.exit_code == 0, result.output
    assert "query index: ok (head entry 2 sha256:" in result.stdout
    assert "findings file: ok (SQLite integrity" in result.stdout
    assert "cheap checks only" in result.stdout
    result = run(ledger, "verify", "--derived")
    assert result.exit_code == 0, result.output
    assert "every quad compared with a rebuild" in result.stdout
    assert "compared with a rebuild" in result.stdout.split("findings file:")[1]


def test_deleting_the_retraction_from_the_index_is_detected(ledger: Path, tmp_path: Path) -> None:
    """A quad removed from the index un-retracts a claim; verify, --derived and --checkpoint
    all fail naming the query index and the quad."""
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(run(ledger, "checkpoint").stdout)
    quad = _retracted_claim(ledger)
    _delete_from_index(ledger, quad)
    shown = run(ledger, "show", quad.subject.value)  # type: ignore[union-attr]
    assert shown.exit_code == 0 and "current" in shown.stdout  # the forgery works on reads

    cheap = run(ledger, "verify")
    assert cheap.exit_code == 1
    assert "query index: DIFFERS from the entries" in cheap.stdout
    assert re.search(
        rf"graph {quad.graph_name.value}: \d+ quad\(s\) in the index, \d+ in", cheap.stdout
    )  # type: ignore[union-attr]
    assert "claim-ledger rebuild --index" in cheap.stdout

    full = run(ledger, "verify", "--derived")
    assert full.exit_code == 1
    assert "1 quad(s) of the entries are missing from the index:" in full.stdout
    assert f"- {quad}" in full.stdout

    pinned = run(ledger, "verify", "--checkpoint", str(checkpoint))
    assert pinned.exit_code == 1
    assert "query index: DIFFERS" in pinned.stdout

    assert run(ledger, "rebuild", "--index").exit_code == 0
    assert run(ledger, "verify", "--derived").exit_code == 0
    shown = run(ledger, "show", quad.subject.value)  # type: ignore[union-attr]
    assert "retracted" in shown.stdout


def test_a_quad_added_to_the_index_is_named(ledger: Path) -> None:
    """A quad in no entry (a forged retraction) is listed by --derived as extra."""
    index = ox.Store(str(ledger / "index"))
    claim = next(iter(index.quads_for_pattern(None, None, None))).graph_name
    forged = ox.Quad(
        ox.NamedNode("https://w3id.org/claim-ledger/claim/forged"),
        ox.NamedNode(PROV + "invalidatedAtTime"),
        ox.Literal("2020-01-01T00:00:00Z"),
        claim,
    )
    index.add(forged)
    index.flush()
    del index
    result = run(ledger, "verify", "--derived")
    assert result.exit_code == 1
    assert "1 quad(s) in the index are in no entry:" in result.stdout
    assert "+ " + str(forged) in result.stdout


def _edit_findings(ledger: Path, sql: str) -> int:
    conn = sqlite3.connect(ledger / "findings.sqlite")
    try:
        changed = conn.execute(sql).rowcount
        conn.commit()
    finally:
        conn.close()
    return changed


def test_a_forged_grade_is_detected(ledger: Path) -> None:
    """A grade changed in findings.sqlite: --derived names the findings file, the command and the
    forged row; the cheap check says it did not look at rows."""
    changed = _edit_findings(
        ledger,
        "UPDATE grades SET grade = 'confirmed' WHERE claim = "
        "(SELECT claim FROM grades WHERE grade != 'confirmed' ORDER BY claim LIMIT 1)",
    )
    assert changed == 1
    cheap = run(ledger, "verify")
    assert cheap.exit_code == 0
    assert "cheap checks only" in cheap.stdout
    full = run(ledger, "verify", "--derived")
    assert full.exit_code == 1
    assert "findings file: DIFFERS from the entries" in full.stdout
    assert "grade --status current: 1 row(s) that a rebuild does not give:" in full.stdout
    assert "grade='confirmed'" in full.stdout
    assert "claim-ledger rebuild --findings" in full.stdout
    assert run(ledger, "rebuild", "--findings").exit_code == 0
    assert run(ledger, "verify", "--derived").exit_code == 0


def test_a_hidden_conflict_is_detected(ledger: Path) -> None:
    """A conflict row deleted from findings.sqlite hides it from `conflicts`; --derived says so.

    The example has no conflict: the invented claims of two forces holding one district on one
    day (tests/data/analysis/conflict-exclusive.yaml) bring two."""
    invented = [str(ANALYSIS_DATA / name) for name in ("sources.yaml", "entities.yaml")]
    added = run(ledger, "add", *invented, str(ANALYSIS_DATA / "conflict-exclusive.yaml"))
    assert added.exit_code == 0, added.output
    shown = run(ledger, "conflicts", "--format", "json")
    assert [row["relation"] for row in json.loads(shown.stdout)] == ["conflict", "conflict"]
    assert _edit_findings(ledger, "DELETE FROM findings WHERE relation = 'conflict'") == 2
    hidden = run(ledger, "conflicts", "--format", "json")
    assert hidden.exit_code == 0 and json.loads(hidden.stdout) == []  # the forgery works
    full = run(ledger, "verify", "--derived")
    assert full.exit_code == 1
    assert "conflicts --status current: 2 row(s) of a rebuild missing:" in full.stdout
    assert "relation='conflict'" in full.stdout


#: An edit of each table of statuses and derivations in findings.sqlite: one row changed or
#: added (a derivation or an IRI as written that no answer shows, yet the next entries'
#: findings are judged with them).
TABLE_EDITS = {
    "retracted": "UPDATE retracted SET at = '2000-01-01T00:00:00Z'",
    "superseded": "INSERT INTO superseded "
    "SELECT claim, 0, parent FROM derived_from ORDER BY claim, n LIMIT 1",
    "derived_from": "UPDATE derived_from SET parent = parent || '-forged' "
    "WHERE (claim, n) = (SELECT claim, n FROM derived_from ORDER BY claim, n LIMIT 1)",
    "written_as": "UPDATE written_as SET iri = iri || '-forged' "
    "WHERE claim = (SELECT min(claim) FROM written_as)",
}


@pytest.mark.parametrize("table", sorted(TABLE_EDITS))
def test_an_edited_status_or_derivation_row_is_detected(ledger: Path, table: str) -> None:
    """A row of a status or derivation table of findings.sqlite edited: --derived names the
    table and the row, and a rebuild of the findings file clears it."""
    assert _edit_findings(ledger, TABLE_EDITS[table]) == 1
    full = run(ledger, "verify", "--derived")
    assert full.exit_code == 1
    assert "findings file: DIFFERS from the entries" in full.stdout
    assert f"table {table}: 1 row(s) that a rebuild does not give:" in full.stdout
    assert "-forged" in full.stdout or table in ("retracted", "superseded")
    assert "claim-ledger rebuild --findings" in full.stdout
    assert run(ledger, "rebuild", "--findings").exit_code == 0
    assert run(ledger, "verify", "--derived").exit_code == 0


def test_a_status_row_that_is_not_text_names_rebuild(ledger: Path) -> None:
    """A retraction row whose date is a blob (not what the analysis writes): the analysis
    commands refuse the file with the rebuild to run, never a traceback."""
    assert _edit_findings(ledger, "UPDATE retracted SET at = X'00'") == 1
    result = run(ledger, "conflicts")
    assert result.exit_code == 2
    assert "claim-ledger rebuild --findings" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_an_index_of_another_history_is_named(ledger: Path) -> None:
    """index.json whose recorded head hash is not the chain's: the index is from another history."""
    state_path = ledger / "index.json"
    state = json.loads(state_path.read_text())
    assert state["through"] == 2 and state["head_hash"].startswith("sha256:")
    state["head_hash"] = "sha256:" + "0" * 64
    state_path.write_text(json.dumps(state))
    result = run(ledger, "verify")
    assert result.exit_code == 1
    assert "built from another history" in result.stdout


def test_a_damaged_findings_file_is_named(ledger: Path) -> None:
    """findings.sqlite overwritten with junk: verify names the file and `rebuild --findings`."""
    (ledger / "findings.sqlite").write_bytes(b"not a database" * 100)
    result = run(ledger, "verify")
    assert result.exit_code == 1
    assert "findings file: DIFFERS" in result.stdout
    assert "claim-ledger rebuild --findings" in result.stdout


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(100, len(data) - 200, 50):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_corrupt_index_gives_a_message_naming_rebuild(ledger: Path) -> None:
    """A damaged RocksDB file: commands say the query index is damaged and to run
    `claim-ledger rebuild`, never "internal error"; after the rebuild they work again."""
    for table in sorted((ledger / "index").glob("*.sst")):
        _corrupt(table)
    for command in (["claims"], ["conflicts"], ["verify"]):
        result = run(ledger, *command)
        assert result.exit_code in (1, 2), (command, result.output)
        assert "internal error" not in result.output
        assert "query index" in result.output and "damaged" in result.output
        assert "claim-ledger rebuild --index" in result.output
    rebuilt = run(ledger, "rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.stdout.startswith("rebuilt the query index and the findings file from entries")
    assert run(ledger, "claims").exit_code == 0
    assert run(ledger, "verify", "--derived").exit_code == 0


def test_an_interrupted_findings_rebuild_leaves_the_old_file(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild that fails midway leaves the old findings file in place and no temporary file."""
    before = (ledger / "findings.sqlite").read_bytes()

    def fail(store: ox.Store, path: Path) -> None:
        sqlite3.connect(path).close()  # a partial file under the temporary name
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(findings, "catch_up", fail)
    with pytest.raises(Exception, match="could not build the findings file: disk I/O error"):
        derived.rebuild(store.open(ledger), index=False, findings=True)
    assert (ledger / "findings.sqlite").read_bytes() == before
    assert not [p for p in ledger.iterdir() if ".tmp-" in p.name]


# --- a full disk after the entry is written ---------------------------------------------------

NO_SPACE = "IO error: While appending to file: index/000008.log: No space left on device"


def _index_writes_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write to the query index fails as RocksDB does on a full disk."""

    def full(seq: int, data: bytes) -> Iterator[ox.Quad]:
        raise OSError(NO_SPACE)
        yield  # a generator, as index_quads is

    monkeypatch.setattr(store, "index_quads", full)


def test_add_on_a_full_disk_says_what_was_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry is written but the index cannot be: `add` exits 0 naming the entry added and
    what catches up; while the disk stays full, commands say so (never "internal error");
    once space is free they catch up."""
    ledger = tmp_path / "ledger"
    assert run(ledger, "init").exit_code == 0
    with monkeypatch.context() as patch:
        _index_writes_fail(patch)
        added = run(ledger, "add", str(EXAMPLE))
        assert added.exit_code == 0, added.output
        assert "entry 1 (add) sha256:" in added.stdout
        assert (
            "entry 1 was added; the query index could not be updated (no space left on the "
            "device); it catches up on the next command once space is free"
        ) in added.stdout
        for command in (["claims"], ["conflicts"], ["query", "-"]):
            result = run(ledger, *command, stdin="ASK { ?s ?p ?o }")
            assert result.exit_code == 2, (command, result.output)
            assert result.stderr.startswith("error: the disk is full (no space left on the device)")
            assert "internal error" not in result.output
    assert run(ledger, "log").stdout.count("\n") >= 1
    caught_up = run(ledger, "corroborations", "--format", "json")
    assert caught_up.exit_code == 0, caught_up.output
    assert len(json.loads(caught_up.stdout)) == 15
    assert run(ledger, "verify", "--derived").exit_code == 0


def test_a_full_disk_under_the_findings_file_is_named(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's "database or disk is full" while catching up the findings: a clear message."""

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(findings, "catch_up", full)
    (ledger / "findings.sqlite").unlink()
    result = run(ledger, "grade")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        "error: the disk is full (no space left on the device): database or disk is full"
    )


def test_out_of_space_recognises_each_form() -> None:
    """errno, RocksDB's text, SQLite's text and the file size limit are recognised; others not."""
    assert store.out_of_space(OSError(errno.ENOSPC, "x")) == "no space left on the device"
    assert store.out_of_space(OSError(errno.EFBIG, "x")) == "the file size limit was reached"
    assert store.out_of_space(OSError(NO_SPACE)) == "no space left on the device"
    assert store.out_of_space(RuntimeError("IO error: File too large")) is not None
    assert store.out_of_space(sqlite3.OperationalError("database or disk is full")) is not None
    assert store.out_of_space(OSError(errno.EACCES, "Permission denied")) is None
    assert store.out_of_space(ValueError("no")) is None


@pytest.mark.parametrize("command", ["conflicts", "corroborations", "grade"])
def test_a_damaged_findings_file_names_rebuild_on_every_analysis(
    ledger: Path, command: str
) -> None:
    """An analysis command reading a findings file that is not a database says which file and
    to run `claim-ledger rebuild --findings`, never "internal error"."""
    (ledger / "findings.sqlite").write_bytes(b"junk" * 1000)
    result = run(ledger, command)
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert "the findings file (derived from the entries) cannot be read" in result.stderr
    assert "claim-ledger rebuild --findings" in result.stderr


class _Payload:
    """Something whose unpickling calls a function: what a forged findings file could hold."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("forged",))


def test_a_findings_pickle_that_runs_code_is_refused_unread(ledger: Path) -> None:
    """A meta value replaced by a pickle that would call code: verify names it, and the
    analysis commands refuse the file (it holds JSON only) without ever unpickling it."""
    blob = pickle.dumps(_Payload())
    assert (
        _edit_findings(
            ledger, f"UPDATE meta SET value = X'{blob.hex()}' WHERE key = 'ledger.registry'"
        )
        == 1
    )
    for options in ([], ["--derived"]):
        result = run(ledger, "verify", *options)
        assert result.exit_code == 1, result.output
        assert "table meta: ledger.registry is not the JSON the analysis writes" in result.stdout
        assert "forged" not in result.stdout.splitlines()  # print was never called
    result = run(ledger, "conflicts")
    assert result.exit_code == 2
    assert "claim-ledger rebuild --findings" in result.stderr
    assert "forged" not in result.stdout.splitlines()


def test_scratch_left_by_a_killed_verify_is_removed(ledger: Path) -> None:
    """A day-old verify.tmp-* folder (a killed `verify --derived`) goes with the next one; a
    fresh one (perhaps another verify's, running) stays."""
    old = ledger / "verify.tmp-0badc0de"
    young = ledger / "verify.tmp-12345678"
    for folder in (old, young):
        folder.mkdir()
        (folder / "index").write_bytes(b"x")
    day_ago = time.time() - derived.STALE_AFTER_S - 60
    os.utime(old, (day_ago, day_ago))
    assert run(ledger, "verify", "--derived").exit_code == 0
    assert not old.exists()
    assert young.exists()


# --------------------------------------------------------------------------- when last checked

NEW_CLAIM = """\
'@context':
- https://w3id.org/claim-ledger/context.jsonld
- aleppo: https://w3id.org/claim-ledger/case/aleppo-2016-11/
  src: https://w3id.org/claim-ledger/source/
  ent: https://w3id.org/claim-ledger/entity/
'@graph':
- id: aleppo:claim/status-test-thousands
  type: Claim
  case: aleppo:case
  statement: Thousands of civilians are fleeing East Aleppo (a claim added after the check).
  attributedTo: src:article-outlet
  transmission: ownReporting
  reportedIn: aleppo:article
  stance: asserts
  quote:
  - source: aleppo:article
    selector:
    - {type: TextQuoteSelector, exact: Flere tusen sivile er på flukt}
    - {type: TextPositionSelector, start: 14, end: 44}
    translation:
      english: Several thousand civilians are fleeing
      attributedTo: src:claim-ledger-maintainers
"""


def _overviews(ledger: Path, out: Path) -> tuple[str, str, str, dict[str, Any]]:
    """The report's overview (HTML, Markdown) and the site's overview (HTML, JSON)."""
    for fmt in ("html", "md"):
        result = run(ledger, "report", "--out", str(out / fmt), "--format", fmt)
        assert result.exit_code == 0, result.output
    html = (out / "html" / "index.html").read_text(encoding="utf-8")
    # Markdown escapes the backticks of the text it is given
    markdown = (out / "md" / "index.md").read_text(encoding="utf-8").replace("\\`", "`")
    with TestClient(site.create_app(store.open(ledger), timeout_s=5)) as client:
        page = client.get("/")
        data = client.get("/index.json")
    assert page.status_code == 200 and data.status_code == 200
    return html, markdown, page.text, data.json()["ledger"]["derived_data"]


def _head(ledger: Path) -> tuple[int, str]:
    opened = store.open(ledger)
    head = opened.head()
    assert head is not None
    return head.seq, head.hash


def test_reports_and_site_say_when_derived_data_was_never_checked(
    ledger: Path, tmp_path: Path
) -> None:
    """Before any `verify`, the report and the site say the derived data was not checked."""
    html, markdown, page, data = _overviews(ledger, tmp_path / "out")
    said = "not checked against the chain since it was built; run `claim-ledger verify --derived`"
    assert said in html and said in markdown and said in page
    assert data["last_check"] is None and data["current"] is False


def test_reports_and_site_state_the_last_derived_check_and_its_head(
    ledger: Path, tmp_path: Path
) -> None:
    """After `verify --derived`, the report and the site give its time, head and thoroughness."""
    assert run(ledger, "verify", "--derived").exit_code == 0
    seq, digest = _head(ledger)
    html, markdown, page, data = _overviews(ledger, tmp_path / "out")
    said = re.compile(
        r"Derived data \(query index and findings file\) last checked against the chain on "
        rf"\d{{4}}-\d\d-\d\d \d\d:\d\d UTC at entry {seq} \({re.escape(digest[:15])}…\): every "
        r"quad and row compared with a rebuild \(`verify --derived`\)\. That is the head"
    )
    for text in (html, markdown, page):
        assert said.search(text), text[:3000]
    assert data["current"] is True and data["changed_since"] is None
    assert data["last_check"]["entry"] == seq and data["last_check"]["hash"] == digest
    assert data["last_check"]["full"] is True
    assert data["last_full_check"] == data["last_check"]


def test_a_new_add_makes_the_derived_check_older_than_the_head(
    ledger: Path, tmp_path: Path
) -> None:
    """After `verify --derived` and a new `add`, both say the check is older than the head."""
    assert run(ledger, "verify", "--derived").exit_code == 0
    checked, _digest = _head(ledger)
    claim = tmp_path / "new-claim.yaml"
    claim.write_text(NEW_CLAIM, encoding="utf-8")
    added = run(ledger, "add", str(claim))
    assert added.exit_code == 0, added.output
    seq, digest = _head(ledger)
    assert seq == checked + 1
    html, markdown, page, data = _overviews(ledger, tmp_path / "out")
    said = (
        f"The check is older than the head, entry {seq} ({digest[:15]}…): 1 entry added since, "
        "not checked; run `claim-ledger verify --derived`."
    )
    assert said in html and said in markdown and said in page
    assert f"at entry {checked} (" in html
    assert data["current"] is False
    assert data["last_check"]["entry"] == checked and data["head"] == {"entry": seq, "hash": digest}


def test_a_cheap_check_says_so_and_keeps_the_last_full_one(ledger: Path, tmp_path: Path) -> None:
    """A plain `verify` after `verify --derived` is stated as cheap, with the full one's date."""
    assert run(ledger, "verify", "--derived").exit_code == 0
    assert run(ledger, "verify").exit_code == 0
    _html, markdown, _page, data = _overviews(ledger, tmp_path / "out")
    assert "cheap checks only: head, quad count, findings integrity (`verify`)" in markdown
    assert "; every row last compared on " in markdown
    assert data["last_check"]["full"] is False and data["last_full_check"]["full"] is True


def test_a_rebuild_forgets_the_last_check(ledger: Path) -> None:
    """After `rebuild` the stores are new: no earlier check is claimed for them."""
    assert run(ledger, "verify", "--derived").exit_code == 0
    assert derived.status(store.open(ledger)).current
    assert run(ledger, "rebuild").exit_code == 0
    status = derived.status(store.open(ledger))
    assert status.latest is None and "not checked against the chain since it was built" in (
        status.summary
    )


def test_a_failed_check_replaces_the_passing_ones(ledger: Path, tmp_path: Path) -> None:
    """A check that finds the index differs is stated as such, never an earlier passing one."""
    assert run(ledger, "verify", "--derived").exit_code == 0
    _delete_from_index(ledger, _retracted_claim(ledger))
    assert run(ledger, "verify").exit_code == 1
    html, _markdown, _page, data = _overviews(ledger, tmp_path / "out")
    assert "Derived data (query index and findings file): DIFFERS from the entries" in html
    assert data["last_check"] is None and data["failed_check"]["entry"] == 2
    assert data["failed_check"]["problem"].startswith("query index: ")


def test_an_index_built_again_behind_the_checks_back_is_told(ledger: Path) -> None:
    """An index rebuilt without `rebuild` (deleted, then caught up) is not passed off as checked."""
    assert run(ledger, "verify").exit_code == 0
    shutil.rmtree(ledger / "index")
    assert run(ledger, "claims").exit_code == 0  # builds the index again from the entries
    status = derived.status(store.open(ledger))
    assert not status.current
    assert "Since then the query index was built again: not checked since" in status.summary
