"""Tables for people: short ids and names, fitted to the terminal; filters as claim files write."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from conftest import DATA, EXAMPLE
from ledger.cli import main
from ledger.publish import output

CONFLICTING = DATA / "analysis-corpus" / "districts-test" / "case"
#: a real event with conflicts, revisions, updates and scope warnings (read, never written)
REPORTED = DATA / "corpus" / "raqqa-2017" / "case"


def run(ledger: Path | str, *args: str, columns: int | None = 100) -> Result:
    env = {"COLUMNS": str(columns) if columns is not None else None}
    return CliRunner().invoke(main, ["--ledger", str(ledger), *args], env=env)


def ok(ledger: Path | str, *args: str, columns: int | None = 100) -> str:
    result = run(ledger, *args, columns=columns)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case in a ledger."""
    path = tmp_path_factory.mktemp("human") / "ledger"
    ok(path, "init")
    ok(path, "add", str(EXAMPLE), "--by", "A. Checker")
    return path


@pytest.fixture(scope="module")
def conflicting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small case with conflicts of every type (tests/data/analysis-corpus/districts-test)."""
    path = tmp_path_factory.mktemp("human") / "ledger"
    ok(path, "init")
    ok(path, "add", str(CONFLICTING))
    return path


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An event of the development corpus (tests/data/corpus/raqqa-2017)."""
    path = tmp_path_factory.mktemp("human") / "ledger"
    ok(path, "init")
    ok(path, "add", str(REPORTED))
    return path


def file_ids(folder: Path) -> dict[str, str]:
    """Each claim's statement -> the last part of the id its claim file gave it."""
    found: dict[str, str] = {}
    for file in sorted(folder.glob("*.yaml")):
        for node in yaml.safe_load(file.read_text(encoding="utf-8")).get("@graph", []):
            if isinstance(node, dict) and "statement" in node:
                assert str(node["statement"]) not in found, "statements name claims here"
                found[str(node["statement"])] = str(node["id"]).rsplit("/", 1)[-1]
    return found


def ids_by_iri(ledger: Path, folder: Path) -> dict[str, str]:
    """Each claim's ledger IRI -> its file id, through its statement (not through the code
    under test)."""
    by_statement = file_ids(folder)
    rows = json.loads(ok(ledger, "claims", "--status", "all", "--format", "json"))
    return {r["claim"]: by_statement[r["statement"]] for r in rows}


def blocks(table: str) -> Iterator[list[str]]:
    """The text of each row of a table, column by column (a wrapped cell's lines joined)."""
    lines = table.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    body = lines[2:]
    wrapped = "" in body
    group: list[str] = []
    for line in [*body, ""] if wrapped else body:
        if wrapped and line:
            group.append(line)
            continue
        rows = group if wrapped else [line]
        group = []
        if rows:
            yield ["".join(r[a:b].strip() for r in rows) for a, b in spans]


def without_spaces(text: str) -> str:
    return re.sub(r"\s+", "", text)


CASES = [
    ("example", "claims", ("claim",)),
    ("example", "corroborations", ("claim_a", "claim_b")),
    ("example", "grade", ("claim",)),
    ("conflicting", "conflicts", ("claim_a", "claim_b")),
    ("conflicting", "corroborations", ("claim_a", "claim_b")),
    ("conflicting", "grade", ("claim",)),
    ("reported", "conflicts", ("claim_a", "claim_b")),
    ("reported", "scope-warnings", ("claim_a", "claim_b")),
    ("reported", "claims", ("claim",)),
]


@pytest.mark.parametrize(("which", "command", "claim_columns"), CASES)
def test_every_table_line_fits_100_columns_and_every_row_names_its_claims(
    which: str, command: str, claim_columns: tuple[str, ...], request: pytest.FixtureRequest
) -> None:
    """No line is wider than 100 columns; each row shows its claims' file ids, no IRI."""
    ledger: Path = request.getfixturevalue(which)
    folder = {"example": EXAMPLE, "conflicting": CONFLICTING, "reported": REPORTED}[which]
    ids = ids_by_iri(ledger, folder)
    rows: list[dict[str, Any]] = json.loads(ok(ledger, command, "--format", "json"))
    assert rows, f"the {which} ledger has {command}"
    table = ok(ledger, command)
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "https://" not in table
    shown = list(blocks(table))
    assert len(shown) == len(rows)
    header = table.splitlines()[0].split()
    for row, cells in zip(rows, shown, strict=True):
        for column in claim_columns:
            cell = without_spaces(cells[header.index(column)])
            assert without_spaces(ids[row[column]]) in cell, (column, cells)


def test_conflicts_name_their_sources_and_reasons_by_name(conflicting: Path) -> None:
    """A conflict's row shows both sources by their registry names and the reason in full."""
    rows = json.loads(ok(conflicting, "conflicts", "--format", "json"))
    names = {
        s["id"]: s["name"] if isinstance(s["name"], str) else s["name"]["en"]
        for f in CONFLICTING.glob("*sources.yaml")
        for s in yaml.safe_load(f.read_text(encoding="utf-8"))["@graph"]
        if "name" in s
    }
    shown = list(blocks(ok(conflicting, "conflicts")))
    for row, cells in zip(rows, shown, strict=True):
        text = without_spaces(" ".join(cells))
        for source in (row["source_a"], row["source_b"]):
            name = next(n for i, n in names.items() if source.endswith(i.split(":")[-1]))
            assert without_spaces(name) in text
        if len(row["reason"]) < 100:  # longer reasons may be cut after 8 lines
            assert without_spaces(row["reason"]) in text


def test_grade_shows_each_claims_statement(example: Path) -> None:
    """The grade table has a statement column holding each claim's statement."""
    ids = file_ids(EXAMPLE)
    table = ok(example, "grade")
    header = table.splitlines()[0].split()
    assert "statement" in header
    for cells in blocks(table):
        statement = without_spaces(cells[header.index("statement")]).rstrip("…")
        claim = cells[header.index("claim")]
        assert any(
            without_spaces(s).startswith(statement) and without_spaces(i) in without_spaces(claim)
            for s, i in ids.items()
        ), cells


@pytest.mark.parametrize("columns", [60, 80, 160])
def test_tables_follow_the_terminal_width(example: Path, columns: int) -> None:
    """Every line fits the width the terminal reports (COLUMNS)."""
    for command in ("claims", "corroborations", "grade", "log"):
        table = ok(example, command, columns=columns)
        assert max(len(line) for line in table.splitlines()) <= columns, command


def test_without_a_terminal_tables_are_100_columns(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output that is not a terminal (a pipe, a file) gets 100 columns."""
    monkeypatch.delenv("COLUMNS", raising=False)
    assert output.terminal_width() == 100
    table = ok(example, "claims", columns=None)
    widest = max(len(line) for line in table.splitlines())
    assert 90 <= widest <= 100


def test_wide_shows_every_column_one_line_per_row(example: Path) -> None:
    """--wide: the JSON's columns (bar the label columns: the table labels the IRI columns in
    place), one line per row, nothing wrapped or cut."""
    rows = json.loads(ok(example, "corroborations", "--format", "json"))
    table = ok(example, "corroborations", "--wide")
    lines = table.splitlines()
    assert output.labelled_columns(lines[0].split()) == list(rows[0])
    assert len(lines) == len(rows) + 2
    assert "…" not in "".join(r["reason"] for r in rows)
    for row in rows:
        assert any(row["reason"] in line for line in lines)


def test_full_iri_shows_iris_instead_of_short_ids(example: Path) -> None:
    """--full-iri (with --wide, on one line) shows each claim's and source's IRI."""
    rows = json.loads(ok(example, "grade", "--format", "json"))
    table = ok(example, "grade", "--wide", "--full-iri")
    for row in rows:
        assert row["claim"] in table and row["source"] in table


def test_json_and_csv_stay_complete(example: Path) -> None:
    """JSON and CSV rows keep full IRIs and whole statements, whatever the terminal width."""
    statements = set(file_ids(EXAMPLE))
    rows = json.loads(ok(example, "claims", "--format", "json", columns=40))
    assert {r["statement"] for r in rows} == statements
    assert all(r["claim"].startswith("https://w3id.org/claim-ledger/claim/") for r in rows)
    csv_text = ok(example, "claims", "--format", "csv", columns=40)
    assert all(s in csv_text for s in statements if "\n" not in s and '"' not in s)


@pytest.mark.parametrize(
    "reference",
    ["src:sohr", "sohr", "SOHR", "https://w3id.org/claim-ledger/source/sohr"],
)
def test_source_filter_takes_what_claim_files_write(example: Path, reference: str) -> None:
    """--source src:sohr, sohr, the name and the IRI select the same claims."""
    expected = json.loads(ok(example, "claims", "--source", "sohr", "--format", "json"))
    assert expected
    assert json.loads(ok(example, "claims", "--source", reference, "--format", "json")) == expected


@pytest.mark.parametrize(
    "reference", ["ent:sakhour", "sakhour", "https://w3id.org/claim-ledger/entity/sakhour"]
)
def test_place_filter_takes_what_claim_files_write(example: Path, reference: str) -> None:
    """--place ent:sakhour, sakhour and the IRI select the same claims."""
    expected = json.loads(ok(example, "claims", "--place", "sakhour", "--format", "json"))
    assert expected
    assert json.loads(ok(example, "claims", "--place", reference, "--format", "json")) == expected


def test_an_unknown_prefixed_source_is_a_usage_error(example: Path) -> None:
    """src:nobody is refused with a message naming it, not a traceback."""
    result = run(example, "claims", "--source", "src:nobody")
    assert result.exit_code == 2
    assert "nobody" in result.stderr and "Traceback" not in result.stderr


def test_log_shows_a_hash_prefix_that_show_takes_with_or_without_sha256(example: Path) -> None:
    """The log's short hash, with or without sha256:, shows that entry."""
    log = ok(example, "log").splitlines()
    short = log[2].split()[-1]
    assert re.fullmatch(rf"sha256:[0-9a-f]{{{output.HASH_DIGITS}}}", short)
    for reference in (short, short.removeprefix("sha256:")):
        shown = ok(example, "show", reference)
        assert shown.startswith("entry     1\n"), reference
    full = json.loads(ok(example, "log", "--format", "json"))[0]["hash"]
    assert full in ok(example, "log", "--wide")


def test_an_unknown_hash_prefix_names_both_claims_and_entries(example: Path) -> None:
    """A hex prefix that is neither a claim's nor an entry's says so (exit 2)."""
    result = run(example, "show", "abcdef0123")
    assert result.exit_code == 2
    assert "no claim and no entry" in result.stderr


def test_show_names_a_claim_by_its_file_id(example: Path) -> None:
    """`show` prints the claim's short id under its IRI."""
    shown = ok(example, "show", "sohr-about-10000-fled")
    assert "# id     sohr-about-10000-fled\n" in shown


@pytest.mark.parametrize("command", ["add", "retract", "supersede", "run", "review", "assess"])
def test_the_acting_checker_is_by_everywhere(command: str) -> None:
    """Help shows --by on every command a checker acts with, and no --author."""
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert re.search(r"^\s+--by CHECKER", result.stdout, re.M)
    assert "--author" not in result.stdout


def test_author_is_still_accepted_as_an_alias_of_by(tmp_path: Path) -> None:
    """--author still works and records the same author as --by."""
    ledger = tmp_path / "ledger"
    ok(ledger, "init")
    ok(ledger, "add", str(EXAMPLE), "--author", "Old Name")
    ok(ledger, "retract", "sohr-about-10000-fled", "--reason", "test", "--by", "New Name")
    authors = [r["author"] for r in json.loads(ok(ledger, "log", "--format", "json"))]
    assert authors == ["Old Name", "New Name"]


def test_tables_are_the_same_on_both_backends(backend: Any, example: Path) -> None:
    """On a SPARQL server the tables name claims and sources as on the embedded ledger."""
    where = backend.location(backend.new())
    ok(where, "add", str(EXAMPLE))
    for command in ("claims", "corroborations", "grade"):
        assert ok(where, command) == ok(example, command), command


def test_show_takes_a_hash_prefix_as_grade_reasons_print_it(conflicting: Path) -> None:
    """A reason's "c9a61767106a…" names a claim that `show` finds, the "…" included."""
    reasons = " ".join(
        r["reasons"] for r in json.loads(ok(conflicting, "grade", "--format", "json"))
    )
    printed = re.findall(r"\b[0-9a-f]{12}…", reasons)
    assert printed
    shown = ok(conflicting, "show", printed[0])
    assert shown.startswith("# claim  https://w3id.org/claim-ledger/claim/" + printed[0][:12])


def test_add_names_a_claim_already_in_the_ledger_by_its_file_id(example: Path) -> None:
    """Adding a claim again names it by its file id (and its ledger IRI), as tables do."""
    text = ok(example, "add", str(EXAMPLE))
    assert "already in the ledger: sohr-about-10000-fled (https://w3id.org/" in text


def test_report_source_takes_what_claim_files_write(example: Path, tmp_path: Path) -> None:
    """`report --source src:sohr` writes SOHR's page, as `--source sohr` does."""
    out = tmp_path / "report"
    said = ok(example, "report", "--source", "src:sohr", "--out", str(out), "--format", "md")
    assert "sources/sohr-" in said
    assert [p.name.split("-")[0] for p in (out / "sources").glob("*.md")] == ["sohr"]


# ------------------------------------------------- JSON and CSV rows: IRIs and labels side by side

PAIR_COLUMNS = [
    "claim_a", "claim_a_id", "statement_a", "source_a", "source_a_name",
    "claim_b", "claim_b_id", "statement_b", "source_b", "source_b_name",
    "subject", "subject_label", "property", "property_label", "place", "place_label",
]  # fmt: skip
#: each command's CSV header: every column it had, each IRI column followed by its label(s)
LABELLED_HEADERS = {
    "claims": [
        "claim", "claim_id", "status", "case", "source", "source_name", "relayed_by",
        "relayed_by_name", "stance", "subject", "subject_label", "property", "property_label",
        "value", "value_label", "quantity", "place", "place_label", "event_time",
        "derived_from", "derived_from_ids", "statement",
    ],
    "conflicts": [
        *PAIR_COLUMNS, "relation", "type", "reason", "independence", "independence_reason",
    ],
    "corroborations": [*PAIR_COLUMNS, "match", "kind", "reason"],
    "scope-warnings": [*PAIR_COLUMNS, "reason", "independence"],
    "grade": [
        "claim", "claim_id", "statement", "source", "source_name", "credibility", "grade",
        "reliability", "independent_support", "other_support", "independent_conflicts",
        "other_conflicts", "reasons",
    ],
}  # fmt: skip


def parsed(text: str, fmt: str) -> list[dict[str, Any]]:
    """Rows of a command's JSON, JSON lines or CSV output."""
    if fmt == "json":
        data: list[dict[str, Any]] = json.loads(text)
        return data
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    return list(csv.DictReader(io.StringIO(text, newline="")))


def claim_facts(ledger: Path, folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Each claim's IRI -> its file id (through its statement, ``ids_by_iri``), and -> its
    statement (the `claims` listing's own column)."""
    rows = json.loads(ok(ledger, "claims", "--status", "all", "--format", "json"))
    return ids_by_iri(ledger, folder), {r["claim"]: r["statement"] for r in rows}


@pytest.mark.parametrize("command", sorted(LABELLED_HEADERS))
def test_csv_header_has_the_label_columns(example: Path, command: str) -> None:
    """The CSV header keeps every column and puts each IRI column's label column beside it."""
    header = ok(example, command, "--format", "csv").splitlines()[0]
    assert header.split(",") == LABELLED_HEADERS[command]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
@pytest.mark.parametrize(
    ("case", "command"),
    [
        ("example", "claims"),
        ("example", "corroborations"),
        ("example", "grade"),
        ("reported", "conflicts"),
        ("reported", "scope-warnings"),
    ],
)
def test_every_row_names_its_claims_by_id_and_statement(
    request: pytest.FixtureRequest, case: str, command: str, fmt: str
) -> None:
    """Every JSON and CSV row gives each claim's IRI, its file id and its statement, and each
    source's IRI and name; JSON numbers stay numbers."""
    ledger: Path = request.getfixturevalue(case)
    ids, statements = claim_facts(ledger, EXAMPLE if case == "example" else REPORTED)
    rows = parsed(ok(ledger, command, "--format", fmt), fmt)
    assert rows
    for row in rows:
        assert list(row) == LABELLED_HEADERS[command]
        for side in ("", "_a", "_b"):
            claim = row.get(f"claim{side}")
            if claim is None:
                continue
            assert row[f"claim{side}_id"] == ids[claim], row
            assert row[f"statement{side}"] == statements[claim], row
            source = row[f"source{side}"]
            assert source.startswith("https://w3id.org/claim-ledger/source/")
            assert row[f"source{side}_name"] not in ("", source), row
        if command == "grade" and fmt != "csv":
            assert isinstance(row["credibility"], int) and isinstance(row["other_support"], int)


def test_a_corroboration_row_about_sakhour_reads_alone(example: Path) -> None:
    """One CSV line of a corroboration about Sakhour names the place, the subject, the
    property, both claims and their statements and sources: grep finds it."""
    text = ok(example, "corroborations", "--format", "csv")
    lines = [line for line in text.splitlines() if "Sakhour" in line]
    assert len(lines) == 1, text
    row = next(csv.DictReader(io.StringIO(text.splitlines()[0] + "\n" + lines[0] + "\n")))
    assert row["place"] == "https://w3id.org/claim-ledger/entity/sakhour"
    assert row["place_label"] == "Sakhour"
    assert row["subject_label"] == "Syrian government forces"
    assert row["property_label"] == "distanceFrom"
    assert {row["claim_a_id"], row["claim_b_id"]} == {
        "sohr-less-than-1km-from-sakhour",
        "state-media-less-than-1km-from-sakhour",
    }
    assert {row["source_a_name"], row["source_b_name"]} == {
        "Syrian Observatory for Human Rights",
        "Syrian state media",
    }


def test_add_json_names_claims_and_conflicts_by_id(tmp_path: Path) -> None:
    """`add --format json`: each added claim has its short id; each conflict row its claims'
    ids, statements, sources' names and what it is about, as `conflicts` gives them."""
    ledger = tmp_path / "ledger"
    ok(ledger, "init")
    report = json.loads(ok(ledger, "add", str(CONFLICTING), "--format", "json"))
    by_statement = file_ids(CONFLICTING)
    ids = {c["claim"]: c["claim_id"] for c in report["added"]}
    assert sorted(ids.values()) == sorted(by_statement.values())
    assert report["conflicts"]
    listed = json.loads(ok(ledger, "conflicts", "--format", "json"))
    for row in report["conflicts"]:
        assert list(row) == LABELLED_HEADERS["conflicts"]
        assert row["claim_a_id"] == ids[row["claim_a"]]
        assert by_statement[row["statement_b"]] == row["claim_b_id"]
        assert row in listed
