"""Loading claim files into RDF: YAML and Turtle mean the same graph; the vocabulary is closed.

Graphs are compared as isomorphic graphs, printing rdflib's ``graph_diff`` on failure.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.term import Node

from ledger import resources
from ledger.cli import convert_, main
from ledger.intake.load import LoadedBatch, load_file, load_paths, shipped_context
from ledger.intake.validate import to_rdflib
from ledger.vocab import CL, CL_IRI

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
VALID = Path(__file__).resolve().parent / "data" / "claims" / "valid"
ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))
SHAPE_FILES = sorted((ROOT / "shapes").glob("*.ttl"))
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def as_rdflib(term: Any) -> Node:
    """A pyoxigraph term as rdflib's, keeping plain literals plain (unlike xsd:string in rdflib)."""
    converted = to_rdflib(term)
    if isinstance(converted, Literal) and converted.datatype == XSD.string:
        return Literal(str(converted))
    return converted


def as_graph(batch: LoadedBatch) -> Graph:
    graph = Graph()
    for quad in batch.quads:
        graph.add((as_rdflib(quad.subject), as_rdflib(quad.predicate), as_rdflib(quad.object)))
    return graph


def turtle_graph(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@cache
def ontology() -> Graph:
    return turtle_graph([ROOT / "ontology" / "claim-ledger.ttl"])


@cache
def example() -> Graph:
    return as_graph(load_paths([EXAMPLE]))


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    """Assert two graphs are isomorphic; on failure print the triples only one of them has."""
    if isomorphic(expected, actual):
        return
    _both, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = ["graphs differ", "only in expected:"]
    lines += sorted(f"  {t}" for t in only_expected.triples((None, None, None)))
    lines += ["only in actual:"]
    lines += sorted(f"  {t}" for t in only_actual.triples((None, None, None)))
    pytest.fail("\n".join(lines[:200]))


def canonical(graph: Graph) -> list[str]:
    """The triples with canonical blank-node labels (pyoxigraph: milliseconds, not seconds)."""
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(quad) for quad in dataset)


def assert_same_graph(expected: Graph, actual: Graph) -> None:
    """Fast isomorphism check for large graphs; rdflib's difference is printed only on failure."""
    if canonical(expected) != canonical(actual):
        assert_isomorphic(expected, actual)
        pytest.fail("canonical forms differ although rdflib finds the graphs isomorphic")


def test_yaml_and_turtle_claims_are_isomorphic() -> None:
    """A claim written in YAML and the same claim written by hand in Turtle give the same graph."""
    from_yaml = as_graph(load_file(VALID / "lead-thousands-fleeing.yaml"))
    from_turtle = as_graph(load_file(VALID / "lead-thousands-fleeing.ttl"))
    assert len(from_yaml) > 30
    assert_isomorphic(from_yaml, from_turtle)


def cl_terms(graph: Graph) -> set[URIRef]:
    """Every IRI in the cl: namespace the graph uses, as subject, predicate, object or datatype."""
    found: set[URIRef] = set()
    for triple in graph:
        for term in triple:
            for iri in (term, getattr(term, "datatype", None)):
                if isinstance(iri, URIRef) and str(iri).startswith(CL_IRI):
                    found.add(iri)
    return found


def declared_terms() -> set[URIRef]:
    return {s for s in ontology().subjects() if isinstance(s, URIRef) and str(s).startswith(CL_IRI)}


@pytest.mark.parametrize(
    "where",
    [pytest.param("example", id="example-case"), pytest.param("shapes", id="shapes")],
)
def test_every_cl_term_used_is_declared_in_the_ontology(where: str) -> None:
    """Every cl: term in the example claims or in shapes/ is declared in the ontology."""
    used = cl_terms(example() if where == "example" else turtle_graph(SHAPE_FILES))
    assert used, "no cl: terms found: the check would prove nothing"
    assert sorted(used - declared_terms()) == []


@pytest.mark.parametrize(
    "path", ONTOLOGY_FILES + SHAPE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}"
)
@pytest.mark.parametrize("parser", ["rdflib", "pyoxigraph"])
def test_ontology_and_shapes_parse(path: Path, parser: str) -> None:
    """Each ontology and shapes file is valid Turtle for both rdflib and pyoxigraph."""
    if parser == "rdflib":
        triples = len(Graph().parse(path, format="turtle"))
    else:
        triples = len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)))
    assert triples > 0


def test_vocab_lists_exactly_the_declared_terms() -> None:
    """ledger.vocab.CL names exactly the cl: terms ontology/claim-ledger.ttl declares."""
    in_vocab = {name for name in CL.__annotations__ if not name.startswith("_")}
    in_ontology = {str(iri)[len(CL_IRI) :] for iri in declared_terms()}
    assert sorted(in_vocab - in_ontology) == [], "in ledger/vocab.py but not in the ontology"
    assert sorted(in_ontology - in_vocab) == [], "in the ontology but not in ledger/vocab.py"


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_every_class_and_property_has_label_and_comment(path: Path) -> None:
    """Every class and property of ontology/*.ttl has an rdfs:label and an rdfs:comment."""
    graph = Graph().parse(path, format="turtle")
    kinds = (
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
    )
    terms = {s for kind in kinds for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    assert terms
    missing = sorted(
        f"{term} lacks {name}"
        for term in terms
        for name, predicate in (("rdfs:label", RDFS.label), ("rdfs:comment", RDFS.comment))
        if graph.value(term, predicate) is None
    )
    assert missing == []


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [
        ("turtle", "turtle"),
        ("nt", "nt"),
        pytest.param(
            "json-ld",
            "json-ld",
            # rdflib's own JSON-LD parser builds a ConjunctiveGraph, which rdflib 7 deprecates.
            marks=pytest.mark.filterwarnings(
                "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
            ),
        ),
    ],
)
def test_convert_output_reparses_to_the_loaded_graph(fmt: str, rdflib_format: str) -> None:
    """`convert --to FORMAT` of the example prints RDF rdflib reads back as the loaded graph."""
    result = CliRunner().invoke(convert_, [str(EXAMPLE), "--to", fmt])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    if fmt == "json-ld":  # it names the project's context; rdflib gets the shipped file instead
        document = json.loads(text)
        assert document["@context"] == "https://w3id.org/claim-ledger/context.jsonld"
        document["@context"] = shipped_context()
        text = json.dumps(document)
    printed = Graph().parse(data=text, format=rdflib_format)
    assert len(printed) == len(example())
    assert_same_graph(example(), printed)


def test_convert_command_is_called_convert() -> None:
    """The command is invoked as `claim-ledger convert`, as its help text says."""
    result = CliRunner().invoke(main, ["convert", str(VALID / "lead-thousands-fleeing.yaml")])
    assert result.exit_code == 0, result.stdout + result.stderr


def test_yaml_locations_are_recorded() -> None:
    """Loading YAML records the line of each node and field, for the problem reports."""
    batch = load_file(VALID / "lead-thousands-fleeing.yaml")
    claim = "https://w3id.org/claim-ledger/case/aleppo-2016-11/claim/lead-thousands-fleeing"
    assert batch.node_locations[claim].line == 9
    statement = batch.field_locations[(claim, str(CL.statement))]
    assert (statement.line, statement.column) == (12, 3)


def test_yaml_number_with_exponent_is_a_valid_decimal(tmp_path: Path) -> None:
    """A YAML figure written with an exponent (2.0e+3) becomes a valid xsd:decimal literal."""
    source = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    path = tmp_path / "exponent.yaml"
    path.write_text(source.replace("lower: 2000", "lower: 2.0e+3"), encoding="utf-8")
    lowers = [q.object for q in load_file(path).quads if q.predicate.value == str(CL.lower)]
    assert len(lowers) == 1
    assert lowers[0].datatype.value == XSD_DECIMAL
    assert lowers[0].value in ("2000", "2000.0", "2000.00")


def test_shipped_resources_are_the_checkout_files() -> None:
    """ledger.resources finds the same ontology and shapes files the tests read."""
    folders = ((resources.shapes_dir(), SHAPE_FILES), (resources.ontology_dir(), ONTOLOGY_FILES))
    for folder, files in folders:
        assert [f.name for f in resources.turtle_files(folder)] == [p.name for p in files]


FLOW_AND_UNICODE = """\
'@context': [https://w3id.org/claim-ledger/context.jsonld, {ent: 'https://example.org/'}]
'@graph':
- {id: ent:øst, type: Place, name: {nb: "Øst-Aleppo ☃", en: Østre}}  # ☃ before a mapping
-   id: ent:vest
    type: Place
    name:
      en: "tabs\\tand ∞ \\u00e9"
    comment: 'AT&T and 3 * 4 in words'
"""


def yaml_files() -> list[Path]:
    """Every YAML file of the example and the test data that is UTF-8 text."""
    data = Path(__file__).resolve().parent / "data"
    found = []
    for path in sorted([*EXAMPLE.glob("*.yaml"), *data.rglob("*.yaml")]):
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # refused before any YAML is read
        found.append(path)
    return found


@pytest.mark.parametrize("path", [*yaml_files(), None], ids=lambda p: p.name if p else "flow")
def test_libyaml_and_pure_python_yaml_give_the_same_tree(path: Path | None) -> None:
    """The fast path (libyaml's events) gives the values, lines and columns PyYAML's gives."""
    from ledger.intake import load

    text = FLOW_AND_UNICODE if path is None else path.read_text(encoding="utf-8")
    where = Path("x.yaml") if path is None else path
    try:
        exact = load._exact_yaml_tree(where, text)
    except Exception as error:  # the exact path refuses it: the fast one must step aside
        assert load._fast_yaml_tree(where, text) is None or load._MAYBE_ANCHOR.search(text), error
        return
    fast = load._fast_yaml_tree(where, text)
    assert fast is not None
    assert fast.value == exact.value
    assert sorted(fast.node_marks.values()) == sorted(exact.node_marks.values())
    assert sorted((k, m) for (_, k), m in fast.key_marks.items()) == sorted(
        (k, m) for (_, k), m in exact.key_marks.items()
    )


def test_yaml_that_might_hold_an_alias_takes_the_exact_path() -> None:
    """An alias is refused with its position whichever composer would have read the file."""
    from ledger.errors import UnsafeInputError
    from ledger.intake import load

    text = "a: &x [1, 2]\nb: *x\n"
    assert load._MAYBE_ANCHOR.search(text)
    with pytest.raises(UnsafeInputError, match="anchors and aliases"):
        load._yaml_tree(Path("x.yaml"), text)
    # libyaml alone would compose the alias silently as the same node: the tree walk notices
    assert load._fast_yaml_tree(Path("x.yaml"), text) is None


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    """Two claim files with nodes at the same line and column give two nodes, not one."""
    source = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    other = source.replace("claim/lead-thousands-fleeing", "claim/other").replace(
        "lower: 2000", "lower: 3000"
    )
    (tmp_path / "b.yaml").write_text(other, encoding="utf-8")
    batch = load_paths([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    lowers = [q for q in batch.quads if q.predicate.value == str(CL.lower)]
    assert len(lowers) == 2
    assert lowers[0].subject != lowers[1].subject
    node = f"_:{lowers[1].subject.value}"
    assert batch.node_locations[node].path.endswith("b.yaml")


@pytest.mark.parametrize("word", ["=", "<<"])
def test_bare_yaml_1_1_keys_as_values_are_plain_words(tmp_path: Path, word: str) -> None:
    """A value written as a bare "=" or "<<" (special keys in YAML 1.1) is kept as its text."""
    source = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    assert "toCheck" not in source
    path = tmp_path / "word.yaml"
    path.write_text(source.rstrip("\n") + f"\n  comment: {word}\n", encoding="utf-8")
    comments = [
        q.object.value for q in load_file(path).quads if q.predicate.value == str(RDFS.comment)
    ]
    assert comments == [word]


@pytest.mark.parametrize("tag", ["!foo", "!!python/object:os.system", "!<tag:example.org,2026:x>"])
def test_unknown_yaml_tags_are_refused_at_their_line(tmp_path: Path, tag: str) -> None:
    """A YAML tag claim files do not use is an input error at its position, not a crash."""
    from ledger.errors import InputError

    source = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    lines = source.rstrip("\n").split("\n")
    path = tmp_path / "tagged.yaml"
    path.write_text("\n".join([*lines, f"  comment: {tag} words"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_file(path)
    message = str(refused.value)
    assert f"tagged.yaml:{len(lines) + 1}:12" in message
    assert "is not allowed in claim files" in message and "quote the value" in message


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system [echo hi]",
        "!!python/object:os.system {x: 1}",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!foo [words]",
    ],
)
def test_tagged_lists_and_mappings_are_refused_at_their_line(tmp_path: Path, tagged: str) -> None:
    """A YAML tag on a list or mapping (!!python/…) is refused as written, not read as a value."""
    from ledger.errors import InputError

    source = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    lines = source.rstrip("\n").split("\n")
    path = tmp_path / "tagged.yaml"
    path.write_text("\n".join([*lines, f"  comment: {tagged}"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_file(path)
    message = str(refused.value)
    assert f"tagged.yaml:{len(lines) + 1}:12: the YAML tag {tagged.split()[0]} " in message
    assert "is not allowed in claim files" in message


def test_a_bound_to_the_hour_is_a_date_time(tmp_path: Path) -> None:
    """statedTime earliest '2017-04-05T18:00:00' loads as xsd:dateTime, not an ill-typed date."""
    claim = tmp_path / "claims.yaml"
    claim.write_text(
        "'@context':\n- https://w3id.org/claim-ledger/context.jsonld\n"
        "- ex: https://example.org/\n"
        "'@graph':\n- id: ex:span\n  type: TimeSpan\n"
        "  earliest: '2017-04-05T18:00:00'\n  latest: '2017-04-05'\n",
        encoding="utf-8",
    )
    quads = load_paths([claim]).quads
    types = {
        q.predicate.value.rsplit("#", 1)[1]: q.object.datatype.value.rsplit("#", 1)[1]
        for q in quads
        if q.predicate.value.endswith(("#earliest", "#latest"))
    }
    assert types == {"earliest": "dateTime", "latest": "date"}


@pytest.mark.parametrize(
    ("written", "datatype"),
    [("2016-11-28", "date"), ("'2016-11'", "gYearMonth"), ("'2016'", "gYear")],
)
def test_a_plain_date_published_is_typed_as_written(
    tmp_path: Path, written: str, datatype: str
) -> None:
    """`datePublished: 2016-11-28` is an xsd:date, as precise as written (it was refused)."""
    claim = tmp_path / "doc.yaml"
    claim.write_text(
        "'@context':\n- https://w3id.org/claim-ledger/context.jsonld\n"
        "- ex: https://example.org/\n"
        f"'@graph':\n- id: ex:doc\n  type: Document\n  datePublished: {written}\n",
        encoding="utf-8",
    )
    (quad,) = [q for q in load_paths([claim]).quads if q.predicate.value.endswith("Published")]
    assert quad.object.datatype.value.rsplit("#", 1)[1] == datatype


def test_an_alignment_rationale_takes_a_language_map(tmp_path: Path) -> None:
    """`alignmentRationale: {en: …, nb: …}` works as `name: {en: …}` does (it was refused)."""
    source = tmp_path / "sources.yaml"
    source.write_text(
        "'@context':\n- https://w3id.org/claim-ledger/context.jsonld\n"
        "- src: https://w3id.org/claim-ledger/source/\n"
        "'@graph':\n- id: src:x\n  type: Organization\n  alignmentRationale:\n"
        "    en: Owned by the state.\n    nb: Eid av staten.\n",
        encoding="utf-8",
    )
    texts = {
        (q.object.value, q.object.language)
        for q in load_paths([source]).quads
        if q.predicate.value.endswith("alignmentRationale")
    }
    assert texts == {("Owned by the state.", "en"), ("Eid av staten.", "nb")}


def test_a_document_takes_its_url_and_archived_copy(tmp_path: Path) -> None:
    """`url:` and `archivedAt:` on a document become schema:url / schema:archivedAt IRIs, which
    the ClaimReview export publishes as the claim's appearance."""
    doc = tmp_path / "doc.yaml"
    doc.write_text(
        "'@context':\n- https://w3id.org/claim-ledger/context.jsonld\n"
        "- ex: https://example.org/\n"
        "'@graph':\n- id: ex:doc\n  type: Document\n  url: https://example.org/news/1\n"
        "  archivedAt: https://web.archive.org/web/2016/https://example.org/news/1\n",
        encoding="utf-8",
    )
    found = {
        q.predicate.value.rsplit("/", 1)[1]: q.object
        for q in load_paths([doc]).quads
        if q.predicate.value.startswith("https://schema.org/")
    }
    assert found["url"] == ox.NamedNode("https://example.org/news/1")
    assert isinstance(found["archivedAt"], ox.NamedNode)
