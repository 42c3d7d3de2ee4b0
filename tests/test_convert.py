"""`convert --to json-ld`: compacted with the project's context, and a claim file again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from conftest import EXAMPLE
from ledger.cli import main
from ledger.intake import convert
from ledger.intake.load import CONTEXT_IRI, load_paths
from ledger.intake.validate import validate_batch


def _graph(quads: list[ox.Quad]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=convert.serialize(quads, "nt"), format="nt")


def _jsonld(tmp_path: Path) -> Path:
    """The example as one JSON-LD file beside a copy of its article."""
    result = CliRunner().invoke(main, ["convert", str(EXAMPLE), "--to", "json-ld"])
    assert result.exit_code == 0, result.stderr
    shutil.copy(EXAMPLE / "article.nb.txt", tmp_path / "article.nb.txt")
    path = tmp_path / "example.jsonld"
    path.write_text(result.stdout, encoding="utf-8")
    return path


def test_json_ld_names_the_project_context_and_uses_its_terms(tmp_path: Path) -> None:
    """The output's context is the project's IRI, and claims read as a claim file reads."""
    document = json.loads(_jsonld(tmp_path).read_text(encoding="utf-8"))
    assert document["@context"] == CONTEXT_IRI
    claim = next(n for n in document["@graph"] if n["id"].endswith("/claim/sohr-about-10000-fled"))
    assert claim["type"] == "Claim" and claim["stance"] == "asserts"
    assert claim["attributedTo"] == "https://w3id.org/claim-ledger/source/sohr"
    proposition = claim["proposition"]  # a blank node used once is written in place
    assert proposition["property"] == "displacedCount"
    assert proposition["quantity"]["qualifier"] == "about"
    assert proposition["quantity"]["phrase"] == {"nb": "Om lag 10.000"}
    text = json.dumps(document)
    assert "https://w3id.org/claim-ledger/ns#" not in text  # every term by its short name
    assert '"_:' not in text  # no blank node left to label in the example


def test_json_ld_loads_back_to_the_same_graph_and_conforms(tmp_path: Path) -> None:
    """The JSON-LD is a claim file: it loads to the example's graph and validates."""
    path = _jsonld(tmp_path)
    original = load_paths([EXAMPLE])
    again = load_paths([path])
    assert isomorphic(_graph(original.quads), _graph(again.quads))
    assert validate_batch(again, []).conforms


def test_json_ld_is_the_same_for_any_blank_node_labels() -> None:
    """Relabelled blank nodes (and shuffled input) give the same text."""
    quads = load_paths([EXAMPLE]).quads

    def other(term: object) -> object:
        return ox.BlankNode("z" + term.value) if isinstance(term, ox.BlankNode) else term

    relabelled = [
        ox.Quad(other(q.subject), q.predicate, other(q.object))  # type: ignore[arg-type]
        for q in reversed(quads)
    ]
    assert convert.serialize(relabelled, "json-ld") == convert.serialize(quads, "json-ld")


def test_a_blank_node_used_twice_keeps_a_label() -> None:
    """A blank node two nodes refer to stays at the top level, labelled _:b0 in both places."""
    ex = "https://example.org/"
    shared = ox.BlankNode("shared")
    quads = [
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), shared),
        ox.Quad(ox.NamedNode(ex + "b"), ox.NamedNode(ex + "p"), shared),
        ox.Quad(shared, ox.NamedNode(ex + "q"), ox.Literal("x")),
    ]
    document = convert.compact_jsonld(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    ids = [n["id"] for n in document["@graph"]]
    assert ids == [ex + "a", ex + "b", "_:b0"]
    assert all(n[ex + "p"] == {"id": "_:b0"} for n in document["@graph"][:2])
