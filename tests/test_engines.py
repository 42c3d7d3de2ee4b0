"""pyshacl-turbo (the fast engine) and pySHACL (the reference) agree on every claim file."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from conftest import DATA, EXAMPLE
from ledger.errors import LedgerError
from ledger.intake.load import LoadedBatch, load_paths
from ledger.intake.validate import data_graph, ontology_graph, run_shacl

INVALID = DATA / "claims" / "invalid"
REGISTRY = [EXAMPLE / "sources.yaml", EXAMPLE / "entities.yaml"]


def loads(path: Path) -> bool:
    try:
        load_paths([path])
    except LedgerError:
        return False  # refused by the loader: no engine sees it
    return True


def corpus() -> list[Path]:
    """The example, the valid files and every invalid file that gets as far as validation."""
    files = sorted(p for p in INVALID.iterdir() if p.is_file() and p.name != "expected.yaml")
    every = [EXAMPLE, *sorted((DATA / "claims" / "valid").iterdir()), *files]
    return [p for p in every if loads(p)]


def results(graph: Graph, engine: str) -> list[tuple[str, str, str, str]]:
    return summary(run_shacl(graph, engine))


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_both_engines_give_the_same_results(path: Path) -> None:
    """Same focus nodes, fields, severities and messages from both SHACL engines."""
    batch = load_paths([path])
    context: list[LoadedBatch] = [] if path == EXAMPLE else [load_paths(REGISTRY)]
    graph = data_graph(batch, context) + ontology_graph()
    assert results(graph, "turbo") == results(graph, "pyshacl")


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_turbo_on_quads_gives_the_reference_results(path: Path) -> None:
    """validate_batch's pyshacl-turbo input (term records, no rdflib graph) gives pySHACL's."""
    from ledger.intake.validate import _fast_turbo_results

    batch = load_paths([path])
    context: list[LoadedBatch] = [] if path == EXAMPLE else [load_paths(REGISTRY)]
    fast = _fast_turbo_results([batch, *context])
    assert fast is not None
    graph = data_graph(batch, context) + ontology_graph()
    assert summary(fast) == results(graph, "pyshacl")


def summary(report: Graph) -> list[tuple[str, str, str, str]]:
    return sorted(
        (
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath)),
            str(report.value(r, SH.resultSeverity)),
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )
