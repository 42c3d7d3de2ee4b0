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
    #: why the chain does not verify, when ``--unverified`` ran the job on it anyway
    unverified_chain: str | None = None


def run(
    location: LedgerLocation,
    paths: list[Path],
    *,
    out: Path,
    fmt: str,
    author: str,
    message: str,
    unverified: bool = False,
) -> RunResult:
    """Add PATHS to the ledger (creating it if needed), analyse, and write the report.

    An existing ledger whose chain does not verify is refused first (``VerificationError``,
    naming the bad entry), before anything is appended to it or reported on, unless
    ``unverified``: then the batch is appended after the head as it is, and the report says on
    every page that the chain failed. Stops after ``add`` when the claims do not conform:
    nothing is written then.
    """
    from ledger.analysis import compare as analysis
    from ledger.publish import report  # noqa: I001

    created = not location.exists()
    ledger = location.create() if created else location.open()
    if not created:
        api.require_verified(ledger, unverified=unverified)
    added = api.add(ledger, paths, author=author, message=message, check=False)
    result = RunResult(created=created, add=added)
    if not added.report.conforms:
        return result
    result.corroborations = api.analyse(ledger, analysis.find_corroborations, None)
    result.conflicts = api.analyse(ledger, analysis.find_conflicts, None)
    result.scope_warnings = api.analyse(ledger, analysis.find_scope_warnings, None)
    info = report.collect_ledger_info(ledger)
    if not info.verification.ok:
        result.unverified_chain = info.verification.summary
    with api.analysis_store(ledger) as (store, _index):
        result.report_files = report.render(store, out_dir=out, fmt=fmt, ledger_info=info)
    result.report_index = out / f"index.{fmt}"
    return result
