"""Rows for the terminal and for other tools: every format, written piece by piece."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

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
