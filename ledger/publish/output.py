"""Turn library results into text for the terminal: tables, JSON, problem lists, RDF.

The last arrow of the pipeline for the command line. Nothing here computes anything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import yaml

from ledger.api import AddResult
from ledger.chain.entry import EntryRecord
from ledger.intake.anchor import Anchor
from ledger.intake.validate import ValidationReport

ROW_FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def rows(columns: Sequence[str], records: Sequence[Mapping[str, Any]], fmt: str) -> str:
    """Rows as a table, JSON (a list of flat objects), JSON lines, CSV or TSV."""
    return "".join(row_chunks(columns, records, fmt))


#: rows per piece of text ``row_chunks`` yields: output starts at once and memory stays small
CHUNK_ROWS = 2000


def row_chunks(
    columns: Sequence[str], records: Sequence[Mapping[str, Any]], fmt: str
) -> Iterator[str]:
    """The text of ``rows``, in pieces of ``CHUNK_ROWS`` rows, to write as they come.

    A million rows make hundreds of MiB of text: written piece by piece they never exist whole.
    """
    if fmt == "json":
        if not records:
            yield "[]\n"
            return
        keys = [f"    {_json_value(c)}: " for c in columns]
        yield "[\n"
        for start in range(0, len(records), CHUNK_ROWS):
            yield ",\n".join(
                "  {\n"
                + ",\n".join(k + _json_value(r.get(c)) for k, c in zip(keys, columns, strict=True))
                + "\n  }"
                for r in records[start : start + CHUNK_ROWS]
            ) + (",\n" if start + CHUNK_ROWS < len(records) else "\n")
        yield "]\n"
    elif fmt == "jsonl":
        for start in range(0, len(records), CHUNK_ROWS):
            yield "".join(
                json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False) + "\n"
                for r in records[start : start + CHUNK_ROWS]
            )
    elif fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for start in range(0, len(records), CHUNK_ROWS):
            writer.writerows(  # csv writes None as an empty field
                [r.get(c) for c in columns] for r in records[start : start + CHUNK_ROWS]
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
    else:
        yield from _table_chunks(columns, records)


def row_stream(
    columns: Sequence[str], batches: Iterable[Sequence[dict[str, Any]]], fmt: str
) -> Iterator[str]:
    """The text of ``rows`` for rows that arrive in batches, each batch written as it comes.

    The same text as ``rows``; a table alone waits for every row (its column widths need them).
    """
    if fmt == "table":
        yield from _table_chunks(columns, [r for batch in batches for r in batch])
        return
    started = False
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        yield buffer.getvalue()
        for batch in batches:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([r.get(c) for c in columns] for r in batch)
            yield buffer.getvalue()
        return
    for batch in batches:
        if fmt == "jsonl":
            yield "".join(
                json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False) + "\n" for r in batch
            )
            continue
        keys = [f"    {_json_value(c)}: " for c in columns]
        for r in batch:
            yield (
                ("[\n" if not started else ",\n")
                + "  {\n"
                + ",\n".join(k + _json_value(r.get(c)) for k, c in zip(keys, columns, strict=True))
                + "\n  }"
            )
            started = True
    if fmt == "json":
        yield "\n]\n" if started else "[]\n"


def _json_value(value: Any) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it inside a row object.

    Strings and numbers go through the C encoder: with ``indent``, ``json.dumps`` takes the
    pure-Python encoder, three times slower on a million rows.
    """
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)  # what json writes (an IntEnum too)
    if isinstance(value, float):
        return json.dumps(value)
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n    ")


_encode_string = json.encoder.encode_basestring


def table(columns: Sequence[str], records: Sequence[dict[str, Any]]) -> str:
    """A plain-text table with a header row; long cells are kept whole."""
    return "".join(_table_chunks(columns, records))


def _table_chunks(columns: Sequence[str], records: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    def cells(r: Mapping[str, Any]) -> list[str]:
        return [("" if r.get(c) is None else str(r.get(c))).replace("\n", " ") for c in columns]

    widths = [len(c) for c in columns]
    for r in records:
        widths = [max(w, len(v)) for w, v in zip(widths, cells(r), strict=True)]
    head = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
    yield head + "\n" + "  ".join("-" * w for w in widths) + "\n"
    for start in range(0, len(records), CHUNK_ROWS):
        yield "".join(
            "  ".join(v.ljust(w) for v, w in zip(cells(r), widths, strict=True)).rstrip() + "\n"
            for r in records[start : start + CHUNK_ROWS]
        )


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


def entry_line(record: EntryRecord) -> str:
    """One line naming an entry: number, kind, hash."""
    return f"entry {record.seq} ({record.kind}) {record.hash}"


def add_result(result: AddResult, fmt: str) -> str:
    """What an add did: the problems when refused, else the entry and the claims."""
    if fmt == "json":
        return (
            json.dumps(
                {
                    "conforms": result.report.conforms,
                    "entry": None
                    if result.entry is None
                    else {
                        "seq": result.entry.seq,
                        "hash": result.entry.hash,
                        "kind": result.entry.kind,
                    },
                    "added": [{"claim": c.iri, "written_as": c.written_as} for c in result.added],
                    "duplicates": [
                        {"claim": c.iri, "written_as": c.written_as} for c in result.duplicates
                    ],
                    "problems": [p.as_dict() for p in result.report.problems],
                    "conflicts": [dict(r) for r in result.conflicts],
                    "check_failed": result.check_failed,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    if not result.report.conforms:
        return validation_text(result.report) + "nothing was written to the ledger\n"
    lines = [f"already in the ledger: {c.written_as} = {c.iri}" for c in result.duplicates]
    if result.entry is None:
        lines.append(f"nothing new to add: {len(result.duplicates)} claim(s) already in the ledger")
    else:
        lines.append(
            f"{entry_line(result.entry)}: {len(result.added)} claim(s) added"
            + (f", {len(result.duplicates)} already in the ledger" if result.duplicates else "")
        )
    lines.extend(_batch_conflict_lines(result))
    return "\n".join(lines) + "\n"


def _batch_conflict_lines(result: AddResult) -> list[str]:
    """ "This batch conflicts with …": one line per conflict or revision of an added claim.

    A claim of the batch is named by the id its file gave it, any other by the start of its
    hash (both are what `show` takes); the reason names the sources and the values.
    """
    if result.check_failed is not None:
        return [f"the conflict check did not run (the entry is written): {result.check_failed}"]
    ids = {c.iri: c.written_as.rstrip("/").rsplit("/", 1)[-1] for c in result.claims}

    def short(iri: str) -> str:
        return ids.get(iri) or iri.rsplit("/", 1)[-1][:12]

    conflicts = [r for r in result.conflicts if r["relation"] == "conflict"]
    revisions = [r for r in result.conflicts if r["relation"] != "conflict"]
    lines = []
    if conflicts:
        lines.append(f"this batch conflicts with the ledger: {len(conflicts)} conflict(s)")
        lines += [
            f"  {short(r['claim_a'])} x {short(r['claim_b'])}: {r['type']}: {r['reason']}"
            for r in conflicts
        ]
    if revisions:
        lines.append(f"revisions by the same source: {len(revisions)}")
        lines += [
            f"  {short(r['claim_a'])} -> {short(r['claim_b'])}: {r['reason']}" for r in revisions
        ]
    return lines


def entry_text(record: EntryRecord, nquads: str) -> str:
    """An entry's record, then its N-Quads exactly as stored and hashed."""
    head = [
        f"entry     {record.seq}",
        f"kind      {record.kind}",
        f"time      {record.time.isoformat(timespec='seconds')}",
        f"author    {record.author}",
        f"message   {record.message}",
        f"hash      {record.hash}",
        f"previous  {record.previous_hash or '-'}",
        "",
    ]
    return "\n".join(head) + nquads


def claim_text(shown: dict[str, Any]) -> str:
    """A claim's IRI and status, then its description in Turtle."""
    return f"# claim  {shown['claim']}\n# status {shown['status']}\n{shown['turtle']}"


def run_text(location: object, result: Any) -> str:
    """The main job's steps, one line each, then where the report is."""
    lines = [f"ledger {location}" + (" (created)" if result.created else "")]
    add = result.add
    if not add.report.conforms:
        return "\n".join(lines) + "\n" + add_result(add, "text")
    report = add.report
    lines.append(
        f"validated {len(report.files)} file(s): {report.claims} claim(s), "
        f"{report.sources} source(s), {report.documents} document(s): conforms"
    )
    lines.append(add_result(add, "text").rstrip("\n").splitlines()[-1])
    kinds: dict[str, int] = {}
    for row in result.corroborations:
        kinds[str(row.get("kind"))] = kinds.get(str(row.get("kind")), 0) + 1
    lines.append(
        f"corroborations: {len(result.corroborations)}"
        + (" (" + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")" if kinds else "")
    )
    types: dict[str, int] = {}
    for row in result.conflicts:
        key = str(row.get("conflict_type") or row.get("type"))
        types[key] = types.get(key, 0) + 1
    lines.append(
        f"conflicts: {len(result.conflicts)}"
        + (" (" + ", ".join(f"{k} {n}" for k, n in sorted(types.items())) + ")" if types else "")
    )
    lines.append(f"scope warnings: {len(result.scope_warnings)}")
    lines.append(f"report: {len(result.report_files)} file(s); open {result.report_index}")
    return "\n".join(lines) + "\n"


def evaluation_text(result: Any, fmt: str) -> str:
    """``evaluate``'s figures: a table per event and overall, then every miss and false finding
    (``fmt`` table), or one JSON object with ``events``, ``overall`` and ``notes``."""
    from ledger.analysis.evaluate import EVALUATION_COLUMNS, NOTE_COLUMNS

    events = [score.row() for score in result.events]
    overall = result.overall.row()
    notes = [
        {c: getattr(n, c) for c in NOTE_COLUMNS}
        for n in sorted(result.overall.notes, key=lambda n: (n.event, n.kind, n.a, n.b))
    ]
    if fmt == "json":
        data = {"events": events, "overall": overall, "notes": notes}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    text = rows(EVALUATION_COLUMNS, [*events, overall], "table")
    lines = [text.rstrip("\n"), ""]
    if notes:
        lines.append(f"misses and false findings: {len(notes)}")
        for n in notes:
            lines.append(f"- {n['event']}: {n['kind']}: {n['a']} x {n['b']}")
            lines.append(f"    expected: {n['expected']}")
            lines.append(f"    analysis: {n['found']}")
    else:
        lines.append("no misses and no false findings")
    return "\n".join(lines) + "\n"
