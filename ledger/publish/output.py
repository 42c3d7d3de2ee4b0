"""Turn library results into text for the terminal: tables, JSON, problem lists, RDF.

The last arrow of the pipeline for the command line. Nothing here computes anything.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import yaml

from ledger.api import AddResult, Labels, claim_short_id
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


# ---------------------------------------------------------------------- tables for people

#: the width of a table when standard output is not a terminal
DEFAULT_WIDTH = 100
#: the columns a command's table shows (``--wide`` shows every column; JSON and CSV always do).
#: Some are made from the row's columns (``_cell``): a claim with its source in brackets, a
#: claim's proposition in one cell, a grade's credibility with its words, ``for/against`` the
#: independent origins that support and contradict it, a revision's relation with its type, a
#: corroboration's kind with its match. A conflict's property is in its reason.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "claims": ("claim", "status", "stance", "proposition", "statement"),
    "conflicts": ("claim_a", "claim_b", "type", "reason", "independence"),
    "corroborations": ("claim_a", "claim_b", "property", "kind", "reason"),
    "scope-warnings": ("claim_a", "claim_b", "property", "reason", "independence"),
    "grade": ("claim", "credibility", "reliability", "for/against", "statement", "reasons"),
    "log": ("seq", "time", "kind", "author", "message", "hash"),
}  # fmt: skip
#: a column left out of a table when every row has this value in it
UNIFORM_OMITTED = {"status": "current", "reliability": "F"}
#: a cell wraps onto at most this many lines; the last one ends with "…" when cut
MAX_CELL_LINES = 8
#: an entry hash in a table: "sha256:" and this many hex digits (what `show` takes)
HASH_DIGITS = 12
_IRI = re.compile(r"^(https?://|urn:|tag:)\S+$")


def terminal_width() -> int:
    """The terminal's width in columns, or ``DEFAULT_WIDTH`` when output is not a terminal."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def table_iris(records: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every IRI in ``records`` (a cell may list several, space-separated): what to label."""
    found: set[str] = set()
    for record in records:
        for value in record.values():
            if isinstance(value, str) and ":" in value:
                found.update(part for part in value.split() if _IRI.match(part))
    return found


def short_iri(iri: str) -> str:
    """The last part of an IRI (after its last ``/`` or ``#``)."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _label(value: Any, labels: Labels, full_iri: bool) -> str:
    """A cell's text: IRIs by their label or last part (or whole with ``full_iri``)."""
    if value is None:
        return ""
    text = str(value)
    if full_iri or not isinstance(value, str) or ":" not in text:
        return text
    parts = text.split()
    if not parts or not all(_IRI.match(p) for p in parts):
        return text
    return ", ".join(labels.names.get(p) or short_iri(p) for p in parts)


def _cell(column: str, record: Mapping[str, Any], labels: Labels, full_iri: bool) -> str:
    """The text of ``column`` in a table, including the columns made from others."""
    if column in ("claim_a", "claim_b") or (column == "claim" and "source" in record):
        source = record.get("source" + column.removeprefix("claim"))
        claim = _label(record.get(column), labels, full_iri)
        return claim + (f" ({_label(source, labels, full_iri)})" if source else "")
    if column == "proposition" and "subject" in record:
        value = record.get("quantity") or _label(record.get("value"), labels, full_iri)
        parts = [_label(record.get(c), labels, full_iri) for c in ("subject", "property")]
        text = " ".join(p for p in [*parts, value] if p)
        if record.get("place"):
            text += f"; at {_label(record['place'], labels, full_iri)}"
        return text + (f"; {record['event_time']}" if record.get("event_time") else "")
    if column == "credibility" and "grade" in record:
        return f"{record.get('credibility')} {record.get('grade')}"
    if column == "for/against" and "independent_support" in record:
        return f"{record['independent_support']} / {record.get('independent_conflicts')}"
    if column == "type" and record.get("relation") not in (None, "conflict"):
        return f"{record['relation']}: {record.get('type')}"
    if column == "kind" and record.get("match"):
        return f"{record.get('kind')}: {record['match']}"
    if column == "statement" and "statement" not in record:
        return labels.statements.get(str(record.get("claim")), "")
    if column == "hash" and not full_iri and isinstance(record.get("hash"), str):
        algorithm, _, digest = str(record["hash"]).partition(":")
        return f"{algorithm}:{digest[:HASH_DIGITS]}" if digest else algorithm
    return _label(record.get(column), labels, full_iri).replace("\n", " ")


def table_view(
    command: str,
    records: Sequence[Mapping[str, Any]],
    labels: Labels,
    *,
    width: int,
    wide: bool = False,
    full_iri: bool = False,
    columns: Sequence[str] | None = None,
) -> Iterator[str]:
    """A command's rows as a table for people, in pieces.

    Claims by their short id, sources, places and properties by name, fitted to ``width``
    columns: the widest cells are wrapped (at most ``MAX_CELL_LINES`` lines, then cut with
    "…"). ``wide``: every column, nothing wrapped; ``full_iri``: IRIs as they are.
    """
    shown = list(columns or ()) if wide else list(TABLE_COLUMNS.get(command, columns or ()))
    if not wide:
        shown = [
            c
            for c in shown
            if c not in UNIFORM_OMITTED or any(r.get(c) != UNIFORM_OMITTED[c] for r in records)
        ]
    if wide:
        texts = [
            [_label(r.get(c), labels, full_iri).replace("\n", " ") for c in shown] for r in records
        ]
        yield from _table_chunks(shown, [dict(zip(shown, t, strict=True)) for t in texts])
        return
    texts = [[_cell(c, r, labels, full_iri) for c in shown] for r in records]
    yield from fitted_table(shown, texts, width)


def fitted_table(
    columns: Sequence[str], texts: Sequence[Sequence[str]], width: int
) -> Iterator[str]:
    """A table of ``texts`` no line of which is wider than ``width`` (when the headers fit)."""
    natural = [len(c) for c in columns]
    for row in texts:
        natural = [max(n, len(t)) for n, t in zip(natural, row, strict=True)]
    weights = [COLUMN_WEIGHTS.get(c, 2) for c in columns]
    widths = fit_widths(natural, [len(c) for c in columns], width - 2 * (len(columns) - 1), weights)
    wrapped = any(n > w for n, w in zip(natural, widths, strict=True))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"

    yield line([_cut(c, w) for c, w in zip(columns, widths, strict=True)])
    yield line(["-" * w for w in widths])
    for start in range(0, len(texts), CHUNK_ROWS):
        out: list[str] = []
        for row in texts[start : start + CHUNK_ROWS]:
            if not wrapped:
                out.append(line(row))
                continue
            cells = [_wrap(t, w) for t, w in zip(row, widths, strict=True)]
            height = max(len(c) for c in cells)
            out.extend(line([c[i] if i < len(c) else "" for c in cells]) for i in range(height))
            out.append("\n")  # a blank line between rows that take several lines
        yield "".join(out)


#: how much of the width a column may take when cells must wrap, in halves of a common cap:
#: text (statements, reasons) twice the cap, claims one and a half, the rest the cap
COLUMN_WEIGHTS = {
    "statement": 4, "reason": 4, "reasons": 4, "proposition": 4, "independence_reason": 4,
    "message": 4, "claim": 3, "claim_a": 3, "claim_b": 3,
}  # fmt: skip


def fit_widths(
    natural: list[int], headers: list[int], budget: int, weights: Sequence[int] | None = None
) -> list[int]:
    """Column widths that add up to at most ``budget``: every column keeps its natural width
    up to its share of a common cap (``weights``, in halves of the cap), the cap chosen as
    large as fits; no column narrower than its header (nor than 3 when even the headers do
    not fit)."""
    if sum(natural) <= budget:
        return natural
    halves = list(weights) if weights is not None else [2] * len(natural)
    floors = headers if sum(headers) <= budget else [min(h, 3) for h in headers]

    def widths_at(cap: int) -> list[int]:
        return [
            max(f, min(n, cap * w // 2)) for n, f, w in zip(natural, floors, halves, strict=True)
        ]

    low, high = 1, max(natural)
    while low < high:  # the largest cap that fits
        cap = (low + high + 1) // 2
        if sum(widths_at(cap)) <= budget:
            low = cap
        else:
            high = cap - 1
    widths = widths_at(low)
    spare = budget - sum(widths)
    order = sorted(range(len(widths)), key=lambda i: (-halves[i], widths[i] - natural[i]))
    for i in order:  # what the cap's rounding left over, text first
        extra = min(spare, natural[i] - widths[i])
        if extra > 0:
            widths[i] += extra
            spare -= extra
    return widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, at most ``MAX_CELL_LINES`` of them."""
    if len(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]
    if len(lines) > MAX_CELL_LINES:
        lines = lines[:MAX_CELL_LINES]
        lines[-1] = _cut(lines[-1] + " …", width)
    return lines


# ------------------------------------------------------------ labels beside IRIs, for tools

#: the claim, source and proposition columns whose label JSON, JSON lines, CSV and TSV rows
#: carry beside them: ``claim`` -> ``claim_id`` (+ ``statement``), ``source`` / ``relayed_by``
#: -> ``…_name``, ``subject`` / ``place`` / ``property`` / ``value`` -> ``…_label``,
#: ``derived_from`` -> ``derived_from_ids``; the same for ``_a`` and ``_b``. A pair's row also
#: says what it is about (``subject``, ``place``).
CLAIM_IRI_COLUMNS = ("claim", "claim_a", "claim_b")
SOURCE_IRI_COLUMNS = ("source", "source_a", "source_b", "relayed_by")
LABELLED_IRI_COLUMNS = ("subject", "place", "property", "value")
CLAIMS_IRI_COLUMNS = ("derived_from",)


def labelled_columns(columns: Sequence[str]) -> list[str]:
    """``columns`` with each claim, source, subject, place and property column followed by its
    label column(s); a pair's (``claim_a``) ``subject`` and ``place`` around its property."""
    pair = "claim_a" in columns
    out: list[str] = []
    for column in columns:
        if pair and column == "property":
            out += ["subject", "subject_label"]
        out.append(column)
        if column in CLAIM_IRI_COLUMNS:
            side = column.removeprefix("claim")  # "", "_a" or "_b"
            out.append(f"{column}_id")
            if f"statement{side}" not in columns:
                out.append(f"statement{side}")
        elif column in SOURCE_IRI_COLUMNS:
            out.append(f"{column}_name")
        elif column in LABELLED_IRI_COLUMNS:
            out.append(f"{column}_label")
        elif column in CLAIMS_IRI_COLUMNS:
            out.append(f"{column}_ids")
        if pair and column == "property":
            out += ["place", "place_label"]
    return out


def pair_claims(records: Iterable[Mapping[str, Any]]) -> set[str]:
    """The claims of rows of pairs (``claim_a``, ``claim_b``): whose subject and place the rows
    name (``api.row_labels``'s ``topics_of``)."""
    return {
        str(r[c]) for r in records for c in ("claim_a", "claim_b") if r.get(c) and "claim_a" in r
    }


class LabelledRows(Sequence[dict[str, Any]]):
    """``records`` with the label columns of ``labelled_columns``, each row made when it is
    read (a million rows are never all copied at once).

    Every label is what a table shows (``_label``: a claim's short id, a thing's name, else
    the last part of its IRI); a claim's statement from ``labels.statements``; a pair's subject
    and place are its claims' (``labels.topics``), both when they differ (space-separated IRIs,
    labels joined by ", ", as a table joins them). Values keep their types (numbers stay
    numbers in JSON).
    """

    def __init__(
        self, columns: Sequence[str], records: Sequence[Mapping[str, Any]], labels: Labels
    ) -> None:
        self.columns = labelled_columns(columns)
        self._records = records
        self._labels = labels

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._row(r) for r in self._records[index]]
        return self._row(self._records[index])

    def _row(self, record: Mapping[str, Any]) -> dict[str, Any]:
        labels = self._labels
        row: dict[str, Any] = {}
        for column in self.columns:
            if column in record:
                row[column] = record.get(column)
            elif column in ("subject", "place"):  # a pair's: what its claims are about
                row[column] = self._topic(record, 0 if column == "subject" else 1)
            elif column.endswith(("_id", "_ids")):  # claims, as a table names them
                row[column] = _label(record.get(column.rsplit("_", 1)[0]), labels, False)
            elif column.startswith("statement"):
                claim = record.get("claim" + column.removeprefix("statement"))
                row[column] = labels.statements.get(str(claim), "") if claim else ""
            elif column.endswith("_name"):
                row[column] = _label(record.get(column.removesuffix("_name")), labels, False)
            elif column.endswith("_label"):
                base = column.removesuffix("_label")
                row[column] = _label(row.get(base, record.get(base)), labels, False)
        return row

    def _topic(self, record: Mapping[str, Any], part: int) -> str:
        """The subject (``part`` 0) or place (1) of a pair's claims, each IRI once, a's first."""
        found: list[str] = []
        for column in ("claim_a", "claim_b"):
            iri = self._labels.topics.get(str(record.get(column)), ("", ""))[part]
            if iri and iri not in found:
                found.append(iri)
        return " ".join(found)


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


def add_result(result: AddResult, fmt: str, labels: Labels | None = None) -> str:
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
                    "added": [_added(c.iri, c.written_as) for c in result.added],
                    "duplicates": [_added(c.iri, c.written_as) for c in result.duplicates],
                    "problems": [p.as_dict() for p in result.report.problems],
                    "conflicts": list(
                        LabelledRows(
                            list(result.conflicts[0]) if result.conflicts else [],
                            result.conflicts,
                            labels or Labels(),
                        )
                    ),
                    "check_failed": result.check_failed,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    if not result.report.conforms:
        return validation_text(result.report) + "nothing was written to the ledger\n"
    lines = [
        f"already in the ledger: {claim_short_id(c.iri, c.written_as)} ({c.iri})"
        for c in result.duplicates
    ]
    if result.entry is None:
        lines.append(f"nothing new to add: {len(result.duplicates)} claim(s) already in the ledger")
    else:
        lines.append(
            f"{entry_line(result.entry)}: {len(result.added)} claim(s) added"
            + (f", {len(result.duplicates)} already in the ledger" if result.duplicates else "")
        )
    lines.extend(_batch_conflict_lines(result, labels or Labels()))
    return "\n".join(lines) + "\n"


def _added(iri: str, written_as: str | None) -> dict[str, Any]:
    """An added (or already present) claim in ``add --format json``: IRI, file id, short id."""
    return {"claim": iri, "written_as": written_as, "claim_id": claim_short_id(iri, written_as)}


def _batch_conflict_lines(result: AddResult, labels: Labels) -> list[str]:
    """ "This batch conflicts with …": one line per conflict or revision of an added claim.

    Every claim is named as tables name it: by the id its file gave it (``labels``, or the
    batch's own files), else by the start of its hash (both are what `show` takes); the reason
    names the sources and the values.
    """
    if result.check_failed is not None:
        return [f"the conflict check did not run (the entry is written): {result.check_failed}"]
    ids = {c.iri: c.written_as.rstrip("/").rsplit("/", 1)[-1] for c in result.claims}

    def short(iri: str) -> str:
        return ids.get(iri) or labels.names.get(iri) or claim_short_id(iri)

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


def claim_text(shown: dict[str, Any], labels: Labels | None = None) -> str:
    """A claim's IRI, its short id (as tables name it) and status, then its description in
    Turtle."""
    short = (labels or Labels()).names.get(shown["claim"])
    named = f"# id     {short}\n" if short else ""
    return f"# claim  {shown['claim']}\n{named}# status {shown['status']}\n{shown['turtle']}"


def _counted(count: int, parts: Mapping[str, int]) -> str:
    """``6 (aligned 1, independent 3, same-origin 2)``: a count and its parts, by name."""
    named = ", ".join(f"{k} {n}" for k, n in sorted(parts.items()) if n)
    return f"{count} ({named})" if named else str(count)


def findings_lines(
    corroborations: Sequence[Mapping[str, Any]], conflicts: Sequence[Mapping[str, Any]]
) -> list[str]:
    """The main job's summary of the analysis, counted as the report counts it: corroborations
    by independence (a claim derived from another is a same-origin one), then the compatible
    pairs listed with them, which are not support; conflicts by type, then the revisions and
    updates listed with them, which are not conflicts."""
    from ledger.analysis.rules import COMPATIBLE_MATCHES

    support: dict[str, int] = {}
    compatible = 0
    for row in corroborations:
        if row.get("match") in COMPATIBLE_MATCHES:
            compatible += 1
        else:
            support[str(row.get("kind"))] = support.get(str(row.get("kind")), 0) + 1
    types: dict[str, int] = {}
    changes: dict[str, int] = {}
    for row in conflicts:
        if row.get("relation", "conflict") == "conflict":
            key = str(row.get("conflict_type") or row.get("type"))
            types[key] = types.get(key, 0) + 1
        else:
            changes[str(row.get("relation"))] = changes.get(str(row.get("relation")), 0) + 1
    lines = [f"corroborations: {_counted(sum(support.values()), support)}"]
    if compatible:
        lines[0] += f"; compatible, not support: {compatible}"
    lines.append(f"conflicts: {_counted(sum(types.values()), types)}")
    if changes:
        lines.append(
            f"revisions and updates (not conflicts): {_counted(sum(changes.values()), changes)}"
        )
    return lines


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
    lines.extend(findings_lines(result.corroborations, result.conflicts))
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
    disputes = [{c: getattr(n, c) for c in NOTE_COLUMNS} for n in result.disputes]
    if fmt == "json":
        data = {
            "answers": result.answers,
            "events": events,
            "overall": overall,
            "notes": notes,
            "disputes": disputes,
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    text = rows(EVALUATION_COLUMNS, [*events, overall], "table")
    lines = [f"answers: {result.answers}", "", text.rstrip("\n"), ""]
    if notes:
        lines.append(f"misses and false findings: {len(notes)}")
        for n in notes:
            lines.append(f"- {n['event']}: {n['kind']}: {n['a']} x {n['b']}")
            lines.append(f"    expected: {n['expected']}")
            lines.append(f"    analysis: {n['found']}")
    else:
        lines.append("no misses and no false findings")
    if disputes:
        lines += ["", f"expectations a review disputes (listed, not applied): {len(disputes)}"]
        for n in disputes:
            lines.append(f"- {n['event']}: {n['kind']}: {n['a']} x {n['b']}")
            lines.append(f"    why: {n['found']}")
    return "\n".join(lines) + "\n"
