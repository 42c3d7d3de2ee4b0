"""`claim-ledger query`: SELECT rows keep their numbers; CONSTRUCT and DESCRIBE print RDF."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from ledger.intake.load import CONTEXT_IRI, shipped_context
from ledger.query import typed_value

CL = "https://w3id.org/claim-ledger/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SOHR = "https://w3id.org/claim-ledger/source/sohr"
CONSTRUCT = f"""
PREFIX cl: <{CL}>
PREFIX prov: <http://www.w3.org/ns/prov#>
CONSTRUCT {{ ?claim cl:statement ?statement ; cl:lower ?lower }}
WHERE {{ ?claim prov:wasAttributedTo <{SOHR}> ; cl:statement ?statement ;
               cl:proposition/cl:quantity/cl:lower ?lower }}
"""


def run(ledger: Path, *args: str, query: str | None = None) -> Result:
    from ledger.cli import main

    return CliRunner().invoke(main, ["--ledger", str(ledger), *args], input=query)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example case in a ledger."""
    path = tmp_path_factory.mktemp("query") / "ledger"
    assert run(path, "init").exit_code == 0
    added = run(path, "add", str(EXAMPLE))
    assert added.exit_code == 0, added.stderr
    return path


def test_select_numbers_stay_numbers_in_json(ledger: Path) -> None:
    """COUNT and decimal bounds come out as JSON numbers, strings as strings."""
    text = f"""PREFIX cl: <{CL}>
    SELECT (COUNT(*) AS ?n) (MAX(?lower) AS ?most) (SAMPLE("x") AS ?word)
    WHERE {{ ?c cl:proposition/cl:quantity/cl:lower ?lower }}"""
    result = run(ledger, "query", "-", "--format", "json", query=text)
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert isinstance(row["n"], int) and row["n"] > 0
    assert isinstance(row["most"], int) and row["most"] == 2_700_000  # the largest lower bound
    assert row["word"] == "x"
    jsonl = run(ledger, "query", "-", "--format", "jsonl", query=text)
    assert json.loads(jsonl.stdout.splitlines()[0]) == row


def test_ask_is_a_json_boolean(ledger: Path) -> None:
    """ASK answers true or false, not a string."""
    result = run(ledger, "query", "-", "--format", "json", query="ASK { ?s ?p ?o }")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"result": True}]


def _values(graph: rdflib.Graph) -> set[tuple[str, str, float]]:
    """(claim, statement, lower bound) of a graph of the CONSTRUCT's shape."""
    return {
        (str(claim), str(statement), float(graph.value(claim, rdflib.URIRef(CL + "lower"))))  # type: ignore[arg-type]
        for claim, statement in graph.subject_objects(rdflib.URIRef(CL + "statement"))
    }


def _expected(ledger: Path) -> set[tuple[str, str, float]]:
    """The CONSTRUCT's triples, asked as a SELECT."""
    select = CONSTRUCT.replace(
        "CONSTRUCT { ?claim cl:statement ?statement ; cl:lower ?lower }",
        "SELECT ?claim ?statement ?lower",
    )
    result = run(ledger, "query", "-", "--format", "json", query=select)
    assert result.exit_code == 0, result.stderr
    found = {(r["claim"], r["statement"], float(r["lower"])) for r in json.loads(result.stdout)}
    assert len(found) >= 2
    return found


@pytest.mark.parametrize(
    ("args", "rdflib_format"),
    [
        pytest.param((), "turtle", id="turtle-by-default"),
        pytest.param(("--format", "turtle"), "turtle", id="turtle"),
        pytest.param(("--format", "nt"), "nt", id="nt"),
        pytest.param(("--format", "json-ld"), "json-ld", id="json-ld"),
    ],
)
def test_construct_prints_rdf(ledger: Path, args: tuple[str, ...], rdflib_format: str) -> None:
    """CONSTRUCT prints the graph it built, Turtle unless --format says nt or json-ld."""
    result = run(ledger, "query", "-", *args, query=CONSTRUCT)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    if rdflib_format == "json-ld":
        document = json.loads(text)
        assert document["@context"] == CONTEXT_IRI
        assert all("statement" in node for node in document["@graph"])  # the context's terms
        document["@context"] = shipped_context()
        text = json.dumps(document)
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser builds a ConjunctiveGraph, which rdflib 7 deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        printed = rdflib.Graph().parse(data=text, format=rdflib_format)
    assert _values(printed) == _expected(ledger)


def test_describe_prints_the_resource(ledger: Path) -> None:
    """DESCRIBE prints a resource's triples as Turtle."""
    result = run(ledger, "query", "-", query=f"DESCRIBE <{SOHR}>")
    assert result.exit_code == 0, result.stderr
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert (rdflib.URIRef(SOHR), rdflib.URIRef("https://schema.org/name"), None) in graph


def test_construct_as_rows_still_works(ledger: Path) -> None:
    """--format json on a CONSTRUCT gives subject/predicate/object rows, numbers as numbers."""
    result = run(ledger, "query", "-", "--format", "json", query=CONSTRUCT)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    lowers = [r["object"] for r in rows if r["predicate"] == CL + "lower"]
    assert lowers and all(isinstance(v, int | float) for v in lowers)


def test_an_rdf_format_for_a_select_is_a_usage_error(ledger: Path) -> None:
    """--format turtle on a SELECT: exit 2, saying which formats fit."""
    result = run(ledger, "query", "-", "--format", "turtle", query="SELECT * { ?s ?p ?o } LIMIT 1")
    assert result.exit_code == 2
    assert "for CONSTRUCT and DESCRIBE" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")), 42),
        (ox.Literal("7", datatype=ox.NamedNode(XSD + "unsignedByte")), 7),
        (ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal")), 2.5),
        (ox.Literal("9000.0", datatype=ox.NamedNode(XSD + "decimal")), 9000),
        (ox.Literal("1.0E3", datatype=ox.NamedNode(XSD + "double")), 1000.0),
        (ox.Literal("NaN", datatype=ox.NamedNode(XSD + "double")), "NaN"),
        (ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")), True),
        (ox.Literal("0", datatype=ox.NamedNode(XSD + "boolean")), False),
        (ox.Literal("forty", datatype=ox.NamedNode(XSD + "integer")), "forty"),
        (ox.Literal("2016-11", datatype=ox.NamedNode(XSD + "gYearMonth")), "2016-11"),
        (ox.Literal("10", language="en"), "10"),
        (ox.NamedNode(SOHR), SOHR),
        (ox.BlankNode("b1"), "_:b1"),
        (None, None),
    ],
)
def test_typed_value(term: object, expected: object) -> None:
    """Numeric and boolean literals become numbers and booleans; anything else stays text."""
    value = typed_value(term)
    assert value == expected and type(value) is type(expected)
