"""Rows for the terminal and for other tools: every format, written piece by piece."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from ledger import api
from ledger.publish import output

COLUMNS = ["claim", "count", "note"]
VALUES: list[Any] = [None, 0, -7, 10**20, 2.5, True, False, "", "é\nz", 'q"uote, comma', "tab\tx"]


def records(n: int) -> list[dict[str, Any]]:
    """``n`` rows cycling through awkward values, some without every column."""
    rows = []
    for i in range(n):
        row = {c: VALUES[(i * 7 + j * 3) % len(VALUES)] for j, c in enumerate(COLUMNS)}
        if i % 5 == 0:
            del row["note"]
        rows.append(row)
    return rows


# row counts around the chunk size, so that pieces join exactly
SIZES = [0, 1, 2, output.CHUNK_ROWS - 1, output.CHUNK_ROWS, output.CHUNK_ROWS + 1, 4500]


@pytest.mark.parametrize("n", SIZES)
def test_json_is_exactly_a_list_of_flat_objects_indented_by_two(n: int) -> None:
    """JSON rows are json.dumps(indent=2) of the rows, byte for byte, however many."""
    rows = records(n)
    expected = json.dumps(
        [{c: r.get(c) for c in COLUMNS} for r in rows], indent=2, ensure_ascii=False
    )
    assert output.rows(COLUMNS, rows, "json") == expected + "\n"


def test_json_values_that_are_not_scalars_keep_their_indentation() -> None:
    """A list or object in a cell is written as json.dumps(indent=2) writes it in place."""
    rows = [{"claim": {"k": [1, "v"]}, "count": [], "note": float("nan")}]
    expected = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    assert output.rows(COLUMNS, rows, "json") == expected


@pytest.mark.parametrize("n", SIZES)
def test_json_lines_are_one_object_per_row(n: int) -> None:
    """Each line parses back to its row (missing columns as null)."""
    rows = records(n)
    text = output.rows(COLUMNS, rows, "jsonl")
    assert [json.loads(line) for line in text.splitlines()] == [
        {c: r.get(c) for c in COLUMNS} for r in rows
    ]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("n", SIZES)
def test_csv_and_tsv_read_back_to_the_rows(fmt: str, n: int) -> None:
    """A header, then one record per row; None and missing cells are empty fields."""
    rows = records(n)
    text = output.rows(COLUMNS, rows, fmt)
    read = list(csv.reader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t"))
    assert read[0] == COLUMNS
    assert read[1:] == [["" if r.get(c) is None else str(r.get(c)) for c in COLUMNS] for r in rows]


@pytest.mark.parametrize("n", SIZES)
def test_table_aligns_every_column_to_its_widest_cell(n: int) -> None:
    """Header, rule, one line per row; each column as wide as its widest cell; no newlines."""
    rows = records(n)
    lines = output.rows(COLUMNS, rows, "table").splitlines()
    assert len(lines) == n + 2
    widths = [len(rule) for rule in lines[1].split("  ")]
    for j, c in enumerate(COLUMNS):
        cells = [len(str(r.get(c)).replace("\n", " ")) for r in rows if r.get(c) is not None]
        assert widths[j] == max([len(c), *cells])
    assert lines[0].split() == COLUMNS


def test_pieces_are_bounded_in_rows() -> None:
    """Long outputs come in pieces of at most CHUNK_ROWS rows, so they are written as they come."""
    rows = [  # no line breaks inside cells: a piece's lines are then its rows'
        {c: v.replace("\n", " ") if isinstance(v, str) else v for c, v in r.items()}
        for r in records(3 * output.CHUNK_ROWS)
    ]
    for fmt in ("json", "jsonl", "csv", "tsv", "table"):
        pieces = list(output.row_chunks(COLUMNS, rows, fmt))
        assert len(pieces) >= 3, fmt
        lines_per_row = len(COLUMNS) + 2 if fmt == "json" else 1
        assert max(p.count("\n") for p in pieces) <= output.CHUNK_ROWS * lines_per_row + 2, fmt


# ---------------------------------------------------------------------- tables for people

LONG = "word " * 200


def test_a_table_that_fits_is_unchanged_by_fitting() -> None:
    """Cells that fit the width are laid out as the plain table lays them out."""
    texts = [["a", "bb"], ["ccc", "d"]]
    fitted = "".join(output.fitted_table(["x", "y"], texts, 100))
    plain = output.table(["x", "y"], [{"x": "a", "y": "bb"}, {"x": "ccc", "y": "d"}])
    assert fitted == plain


@pytest.mark.parametrize("width", [30, 50, 100])
def test_long_cells_wrap_within_the_width_and_are_cut_after_the_last_line(width: int) -> None:
    """No line is wider than the width; a cell longer than MAX_CELL_LINES lines ends with …."""
    texts = [["short-id", LONG], ["other", "a few words"]]
    lines = "".join(output.fitted_table(["claim", "reason"], texts, width)).splitlines()
    assert max(len(line) for line in lines) <= width
    first = lines[2 : 2 + output.MAX_CELL_LINES]
    assert lines[2 + output.MAX_CELL_LINES] == ""  # a blank line between wrapped rows
    assert first[-1].rstrip().endswith("…")
    assert first[0].startswith("short-id")


def test_text_columns_get_more_of_the_width_than_ids() -> None:
    """When cells must wrap, a reason column is given about twice a plain column's width."""
    widths = output.fit_widths([200, 200, 200], [5, 4, 6], 90, [2, 2, 4])
    assert sum(widths) <= 90
    assert widths[2] >= 2 * widths[0] - 1


def test_iris_are_shown_by_label_or_last_part_unless_full_iri() -> None:
    """A labelled IRI shows its label, another its last part; --full-iri keeps both whole."""
    iri, other = "https://w3id.org/claim-ledger/source/sohr", "https://example.org/x#place"
    labels = api.Labels(names={iri: "SOHR"})
    row = {"claim": f"{iri} {other}", "note": "text: not an IRI"}
    shown = "".join(output.table_view("x", [row], labels, width=100, columns=["claim", "note"]))
    assert "SOHR, place" in shown and "text: not an IRI" in shown
    whole = output.table_view("x", [row], labels, width=200, full_iri=True, columns=["claim"])
    assert f"{iri} {other}" in "".join(whole)
    assert output.table_iris([row]) == {iri, other}


def test_add_names_every_claim_of_its_conflicts_by_its_file_id() -> None:
    """The batch's claims by the id their file gave; a ledger claim by its label, else by the
    start of its hash."""
    from ledger.chain.entries import CLAIM_NAMESPACE, MintedClaim
    from ledger.intake.validate import ValidationReport

    new, old, bare = (CLAIM_NAMESPACE + c * 64 for c in "abc")
    result = api.AddResult(
        entry=None,
        report=ValidationReport(conforms=True),
        claims=[MintedClaim(new, "https://example.org/case/claim/new-one", True)],
        conflicts=[
            {"claim_a": new, "claim_b": old, "relation": "conflict", "type": "t", "reason": "r"},
            {"claim_a": new, "claim_b": bare, "relation": "conflict", "type": "t", "reason": "r"},
        ],
    )
    text = output.add_result(result, "text", api.Labels(names={old: "old-one"}))
    assert "  new-one x old-one: t: r\n" in text
    assert f"  new-one x {'c' * api.CLAIM_HASH_DIGITS}: t: r\n" in text
