"""The main job, end to end: ingest claim files into the ledger, find corroborations and
conflicts, write the provenance report. Each step is the same library call its own command
makes (``add``, ``corroborations``, ``conflicts``, ``report``); this module only chains them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger import api
from ledger.chain.location import LedgerLocation


@dataclass
class RunResult:
    """What the main job did, step by step."""

    created: bool
    add: api.AddResult
    corroborations: list[Mapping[str, Any]] = field(default_factory=list)
    conflicts: list[Mapping[str, Any]] = field(default_factory=list)
    scope_warnings: list[Mapping[str, Any]] = field(default_factory=list)
    report_files: list[Path] = field(default_factory=list)
    report_index: Path | None = None


def run(
    location: LedgerLocation,
    paths: list[Path],
    *,
    out: Path,
    fmt: str,
    author: str,
    message: str,
) -> RunResult:
    """Add PATHS to the ledger (creating it if needed), analyse, and write the report.

    Stops after ``add`` when the claims do not conform: nothing is written then.
    """
    from ledger.analysis import compare as analysis
    from ledger.publish import report  # noqa: I001

    created = not location.exists()
    ledger = location.create() if created else location.open()
    added = api.add(ledger, paths, author=author, message=message, check=False)
    result = RunResult(created=created, add=added)
    if not added.report.conforms:
        return result
    result.corroborations = api.analyse(ledger, analysis.find_corroborations, None)
    result.conflicts = api.analyse(ledger, analysis.find_conflicts, None)
    result.scope_warnings = api.analyse(ledger, analysis.find_scope_warnings, None)
    info = report.collect_ledger_info(ledger)
    with api.analysis_store(ledger) as (store, _index):
        result.report_files = report.render(store, out_dir=out, fmt=fmt, ledger_info=info)
    result.report_index = out / f"index.{fmt}"
    return result
