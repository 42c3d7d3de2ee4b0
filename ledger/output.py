"""Turn library results into text for the terminal: tables, JSON, problem lists, RDF.

The last arrow of the pipeline for the command line. Nothing here computes anything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import yaml

from ledger.anchor import Anchor
from ledger.validate import ValidationReport

ROW_FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def rows(columns: Sequence[str], records: Sequence[dict[str, Any]], fmt: str) -> str:
    """Rows as a table, JSON (a list of flat objects), JSON lines, CSV or TSV."""
    if fmt == "json":
        return (
            json.dumps(
                [{c: r.get(c) for c in columns} for r in records], indent=2, ensure_ascii=False
            )
            + "\n"
        )
    if fmt == "jsonl":
        return "".join(
            json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False) + "\n" for r in records
        )
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for r in records:
            writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        return buffer.getvalue()
    return table(columns, records)


def table(columns: Sequence[str], records: Sequence[dict[str, Any]]) -> str:
    """A plain-text table with a header row; long cells are kept whole."""
    cells = [
        [("" if r.get(c) is None else str(r.get(c))).replace("\n", " ") for c in columns]
        for r in records
    ]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def validation_text(report: ValidationReport) -> str:
    """Each problem on its own lines (where, claim, field, message), then a summary."""
    out: list[str] = []
    for p in report.problems:
        out.append(f"{p.location()}: {p.severity}: {p.message}")
        details = []
        if p.claim:
            details.append(f"claim {p.claim}")
        elif p.node:
            details.append(f"node {p.node}")
        if p.field:
            details.append(f"field {p.field}")
        if p.value is not None and p.value not in p.message:
            details.append(f"value {p.value}")
        if details:
            out.append("    " + "; ".join(details))
    violations = sum(1 for p in report.problems if p.severity == "violation")
    verdict = "conforms" if report.conforms else f"does not conform: {violations} problem(s)"
    out.append(
        f"{len(report.files)} file(s), {report.claims} claim(s), {report.sources} source(s), "
        f"{report.documents} document(s): {verdict}"
    )
    return "\n".join(out) + "\n"


def validation_json(report: ValidationReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def selectors_yaml(anchor: Anchor) -> str:
    """The selectors of a quote, as the 'selector' field of a claim file."""
    text: str = yaml.safe_dump(
        {"selector": anchor.selectors()}, allow_unicode=True, sort_keys=False, width=1000
    )
    return text
