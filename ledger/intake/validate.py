"""Validate loaded claims against the project's SHACL shapes, and explain each problem.

The second arrow of the pipeline: quads → a report of problems, each with file:line, claim,
field (``proposition.quantity.lower``) and a message a journalist can act on. Only the shapes
shipped in ``shapes/`` are used, never shapes found in the data.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ledger import resources
from ledger.intake.load import (
    LoadedBatch,
    _term_table,
    claim_files,
    document_quads,
    load_paths,
    node_key,
    shipped_context,
)
from ledger.vocab import CL, CL_IRI, OA_IRI, PROV_IRI, RDF_IRI, RDFS_IRI, SCHEMA_IRI, XSD_IRI

# rdflib logs a traceback when a literal is ill-typed ("two thousand"^^xsd:decimal); the shapes
# report it properly, so the log would only frighten the user.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

PROV_PERSON = URIRef(PROV_IRI + "Person")
PROV_ORGANIZATION = URIRef(PROV_IRI + "Organization")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the claims, said so that a journalist can fix it."""

    message: str
    severity: str
    file: str | None
    line: int | None
    column: int | None
    claim: str | None
    node: str
    field: str | None
    value: str | None
    constraint: str
    shape: str | None

    def location(self) -> str:
        if self.file is None:
            return "(no file)"
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ValidationReport:
    """The verdict on a batch: conforms or not, with every problem and a summary."""

    conforms: bool
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    claims: int = 0
    sources: int = 0
    documents: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "files": self.files,
            "claims": self.claims,
            "sources": self.sources,
            "documents": self.documents,
            "problems": [p.as_dict() for p in self.problems],
        }


# --------------------------------------------------------------------------- graphs


def _turtle_graph(folder: Any) -> Graph:
    graph = Graph()
    for file in resources.turtle_files(folder):
        graph.parse(data=file.read_text(encoding="utf-8"), format="turtle")
    return graph


@cache
def shapes_graph() -> Graph:
    """The project's shapes (``shapes/*.ttl``), parsed once."""
    return _turtle_graph(resources.shapes_dir())


@cache
def ontology_graph() -> Graph:
    """The project's ontology (``ontology/*.ttl``), parsed once."""
    return _turtle_graph(resources.ontology_dir())


_XSD_STRING = XSD_IRI + "string"
_RELATIVE = "https://relative.invalid/"
MAX_SHOWN = 160


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def data_graph(batch: LoadedBatch, context: Iterable[LoadedBatch] = ()) -> Graph:
    """The batch's triples (and any context's), with each document's text for the quote checks."""
    graph = Graph()
    for source in (batch, *context):
        for quad in source.quads:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        for quad in document_quads(source):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


# --------------------------------------------------------------------------- context


def load_context(paths: Iterable[Path], batch: LoadedBatch) -> LoadedBatch | None:
    """The claim files named by ``paths`` (``validate --context``), less those of ``batch``.

    A file given both ways (``validate claims.yaml --context case/``) is the batch's: loading it
    again would give its claims a second copy of every blank node (two propositions each).
    None when nothing is left.
    """
    own = {path.resolve() for path in batch.files}
    files = [path for path in claim_files(paths) if path.resolve() not in own]
    return load_paths(files) if files else None


def _blank_labels(batch: LoadedBatch) -> set[str]:
    labels: set[str] = set()
    for quad in batch.quads:
        if isinstance(quad.subject, ox.BlankNode):
            labels.add(quad.subject.value)
        if isinstance(quad.object, ox.BlankNode):
            labels.add(quad.object.value)
    return labels


def keep_blank_nodes_apart(batch: LoadedBatch, context: Sequence[LoadedBatch]) -> list[LoadedBatch]:
    """The context batches, each blank node that the batch or an earlier context also uses renamed.

    Blank-node labels are local to a file (the loader writes a node's line and column,
    ``_:L18C5``), and ``load_paths`` keeps the files of one call apart; but a context is loaded
    by another call, and where it reused a label of the batch the two unrelated nodes (a claim's
    proposition, a source's alignment) became one node with the fields of both: false problems
    on the context's claims that the same files did not have as PATHS. The batch keeps its
    labels (problems are reported on it); a renamed context node keeps its locations.
    """
    taken = _blank_labels(batch)
    apart: list[LoadedBatch] = []
    for number, source in enumerate(context, start=1):
        own = _blank_labels(source)
        clashing = own & taken
        if not clashing:
            apart.append(source)
            taken |= own
            continue
        renamed: dict[str, str] = {}
        for label in sorted(clashing):
            fresh = f"X{number}{label}"
            while fresh in taken or fresh in own:
                fresh += "_"
            renamed[label] = fresh
        apart.append(_relabelled(source, renamed))
        taken |= (own - clashing) | set(renamed.values())
    return apart


def _relabelled(source: LoadedBatch, renamed: dict[str, str]) -> LoadedBatch:
    """A copy of ``source`` with blank nodes renamed, in its quads and everything keyed by them."""

    def term(value: Any) -> Any:
        if isinstance(value, ox.BlankNode) and value.value in renamed:
            return ox.BlankNode(renamed[value.value])
        return value

    def key(node: str) -> str:
        if node.startswith("_:") and node[2:] in renamed:
            return "_:" + renamed[node[2:]]
        return node

    return LoadedBatch(
        files=list(source.files),
        quads=[
            ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name)
            for q in source.quads
        ],
        documents={
            key(k): dataclasses.replace(d, iri=key(d.iri)) for k, d in source.documents.items()
        },
        node_locations={key(k): v for k, v in source.node_locations.items()},
        field_locations={(key(k), p): v for (k, p), v in source.field_locations.items()},
    )


# --------------------------------------------------------------------------- validation


@contextmanager
def _parsed_query_cache() -> Iterator[None]:
    """Parse each SPARQL constraint once, not once per focus node.

    pySHACL sends the same query text for every focus node (binding $this separately);
    rdflib parses it anew each time, which was 70 % of validation time. Prepared queries are
    rdflib's documented way to reuse a parse, so cache them for the duration of one validation.
    """
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query
    cache: dict[tuple[Any, ...], Any] = {}

    def query(
        self: Any,
        q: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: Any = None,
        DEBUG: bool = False,
    ) -> Any:  # noqa: N803 - rdflib's names
        if isinstance(q, str):
            key = (q, base, tuple(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(q), base, initNs)
            q = cache[key]
        return original(self, q, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


ENGINES = ("turbo", "pyshacl")


def validate_batch(
    batch: LoadedBatch, context: Iterable[LoadedBatch] = (), *, engine: str = "turbo"
) -> ValidationReport:
    """Validate a batch (with optional context batches) against the project's shapes.

    engine: "turbo" (pyshacl-turbo, a Rust SHACL engine with pySHACL's API: 25× faster) or
    "pyshacl", the reference; the test suite requires both to give the same verdicts and
    messages on every valid and invalid claim file.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}")
    context = keep_blank_nodes_apart(batch, list(context))
    sources = (batch, *context)
    graph: Graph | None = None
    results = _fast_turbo_results(sources) if engine == "turbo" else None
    if results is None:
        graph = _full_data_graph(sources)
        results = run_shacl(graph, engine)
    merged = LoadedBatch()
    for source in sources:
        merged.extend(source)
    problems: list[Problem] = []
    if (None, RDF.type, SH.ValidationResult) in results:
        # Explaining a problem needs the graph around it; a conforming batch never builds it.
        data = graph if graph is not None else _full_data_graph(sources)
        problems = explain(results, data, merged)
    return ValidationReport(
        conforms=not any(p.severity == "violation" for p in problems),
        problems=problems,
        files=[str(f) for f in merged.files],
        claims=len(_typed_subjects(sources, {_CLAIM})),
        sources=len(_typed_subjects(sources, {_PERSON, _ORGANIZATION})),
        documents=len(merged.documents),
    )


_RDF_TYPE = str(RDF.type)
_CLAIM = str(CL.Claim)
_PERSON = str(PROV_PERSON)
_ORGANIZATION = str(PROV_ORGANIZATION)


def _typed_subjects(sources: Iterable[LoadedBatch], classes: set[str]) -> set[Any]:
    return {
        q.subject
        for source in sources
        for q in source.quads
        if q.predicate.value == _RDF_TYPE and getattr(q.object, "value", None) in classes
    }


def _full_data_graph(sources: Sequence[LoadedBatch]) -> Graph:
    """The batch's and context's triples with the documents' text and the ontology, in rdflib."""
    graph = data_graph(sources[0], sources[1:])
    # The ontology's own triples (property kinds, dimensions, subclass axioms) go into the data
    # graph: pySHACL's ont_graph mix-in copies only RDFS/OWL axioms, and the shapes read more.
    graph += ontology_graph()
    return graph


@cache
def _compiled_shapes() -> Any:
    """The shapes compiled once for pyshacl-turbo (it would re-serialise them on every call)."""
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(shapes_graph())  # type: ignore[no-untyped-call]


@cache
def _ontology_terms() -> tuple[list[tuple[Any, ...]], list[tuple[int, int, int, None]]]:
    """The ontology as pyshacl-turbo's term records, in rdflib's lexical forms."""
    from pyshacl_turbo.rdf import _term_input

    records, quads = _term_input(ontology_graph()).source  # type: ignore[no-untyped-call]
    return records, quads


_PLAIN_DATATYPES = frozenset({_XSD_STRING, RDF_IRI + "langString"})


@lru_cache(maxsize=1 << 16)
def _rdflib_lexical(value: str, datatype: str) -> str:
    """The lexical form rdflib gives a typed literal ("+5" → "5" for integers, "1" → "true")."""
    return str(Literal(value, datatype=URIRef(datatype)))


def _term_record(term: Any) -> tuple[int, str, str | None, str | None]:
    """A term as pyshacl-turbo records it from rdflib (kind, lexical, datatype, language)."""
    if isinstance(term, ox.NamedNode):
        return (0, term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return (1, term.value, None, None)
    if term.language:
        return (2, term.value, None, term.language)
    datatype = term.datatype.value
    if datatype in _PLAIN_DATATYPES:
        return (2, term.value, None, None)
    return (2, _rdflib_lexical(term.value, datatype), datatype, None)


def _fast_turbo_results(sources: Sequence[LoadedBatch]) -> Graph | None:
    """The SHACL results of pyshacl-turbo on the quads themselves, without an rdflib graph.

    Hands pyshacl-turbo the term records it would make from an rdflib graph (typed literals in
    rdflib's lexical forms, "+5" → "5"), so the results equal those of ``run_shacl`` on
    ``_full_data_graph`` (a test checks this on the whole corpus); building that graph cost more
    than validating. Records, not N-Triples text: the report comes back as records too, where a
    text report is re-parsed by rdflib in time quadratic in the length of a quoted value.
    None when this version of pyshacl-turbo does not take the input the expected way.
    """
    data = turbo_input(sources)
    if data is None:  # pragma: no cover - another pyshacl-turbo layout
        return None
    return turbo_validate(data)


def turbo_input(sources: Sequence[LoadedBatch]) -> Any:
    """The batch and context (with the ontology) as pyshacl-turbo's input records, or None."""
    try:
        from pyshacl_turbo.rdf import Input
    except ImportError:  # pragma: no cover - another pyshacl-turbo layout
        return None
    ontology_records, ontology_quads = _ontology_terms()
    records: list[tuple[Any, ...]] = list(ontology_records)
    quads: list[tuple[int, int, int, None]] = list(ontology_quads)
    known = {record: number for number, record in enumerate(ontology_records)}
    index: dict[Any, int] = {}

    def intern(term: Any) -> int:  # one record per distinct term, as pyshacl-turbo makes them
        number = index.get(term)
        if number is None:
            record = _term_record(term)
            number = known.get(record)
            if number is None:
                number = len(records)
                records.append(record)
            index[term] = number
        return number

    for source in sources:
        for quad in (*source.quads, *document_quads(source)):
            quads.append((intern(quad.subject), intern(quad.predicate), intern(quad.object), None))
    return Input((records, quads), "terms", None, {}, preserve_ids=True)


def turbo_validate(data: Any) -> Graph | None:
    """pyshacl-turbo's results graph for ``turbo_input``'s records (the Rust engine's work)."""
    conforms, results, _text = _compiled_shapes().validate(
        data, allow_infos=True, allow_warnings=True, abort_on_first=False
    )
    if not isinstance(results, Graph):  # pragma: no cover - a validation failure
        return None
    return results


def run_shacl(graph: Graph, engine: str) -> Graph:
    """The SHACL results graph of the project's shapes on ``graph``."""
    options: dict[str, Any] = {
        "shacl_graph": shapes_graph(),
        "inference": "none",
        "abort_on_first": False,
        "allow_infos": True,
        "allow_warnings": True,
        "meta_shacl": False,
        "advanced": False,
        "debug": False,
    }
    if engine == "turbo":
        import pyshacl_turbo  # imported here: only validation needs it

        result = pyshacl_turbo.validate(graph, **options)
    else:
        import pyshacl

        with _parsed_query_cache():
            result = pyshacl.validate(graph, **options)
    results: Graph = result[1]
    return results


# --------------------------------------------------------------------------- explanation

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@cache
def _reverse_terms() -> dict[str, str]:
    terms, _ = _term_table()
    reverse: dict[str, str] = {}
    for term, iri in sorted(terms.items()):
        if term[:1].islower():
            reverse.setdefault(iri, term)
    reverse[str(RDF.type)] = "type"
    # A field of a property-scoped context ('kind' inside 'scope' or 'hedge') is named as it is
    # written there, not by the top-level alias the loader needs ('scopeKind', 'hedgeKind').
    for definition in shipped_context().values():
        if isinstance(definition, dict) and definition.get("@type") != "@vocab":
            for name, inner in sorted(definition.get("@context", {}).items()):
                if isinstance(inner, dict) and "@id" in inner:
                    prefix, _, local = str(inner["@id"]).partition(":")
                    reverse[str(shipped_context().get(prefix, prefix + ":")) + local] = name
    return reverse


def _term_name(iri: str, parent_field: str | None = None) -> str:
    if iri == str(RDF.value):
        return "english" if parent_field == "translation" else "assumed"
    return _reverse_terms().get(iri, _compact(iri))


def _compact(iri: str) -> str:
    if iri.startswith(_RELATIVE):
        return repr(iri[len(_RELATIVE) :])
    prefixes = {
        CL_IRI: "cl:",
        PROV_IRI: "prov:",
        OA_IRI: "oa:",
        SCHEMA_IRI: "schema:",
        RDF_IRI: "rdf:",
        RDFS_IRI: "rdfs:",
        "http://www.w3.org/ns/shacl#": "sh:",
    }
    for ns, prefix in prefixes.items():
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


def _show(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return _compact(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return _shorten(str(term))


def explain(results: Graph, data: Graph, batch: LoadedBatch) -> list[Problem]:
    """Turn a SHACL results graph into problems with file, line, claim and field."""
    parents: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in data:
        if isinstance(o, URIRef | BNode) and p != RDF.type:
            parents[o].append((s, p))
    claims = set(data.subjects(RDF.type, CL.Claim))

    raw = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(result, SH.sourceShape)
        raw.append(
            {
                "focus": results.value(result, SH.focusNode),
                "path": results.value(result, SH.resultPath),
                "value": results.value(result, SH.value),
                "message": _chosen_message(list(results.objects(result, SH.resultMessage)), shape),
                "severity": results.value(result, SH.resultSeverity),
                "component": results.value(result, SH.sourceConstraintComponent),
                "shape": shape,
            }
        )
    # The results come in the order of a set: put them in one order, so that the same input
    # always gives the same problems (which of two equal problems is kept, and their order).
    raw.sort(
        key=lambda r: tuple(
            str(r[k]) for k in ("focus", "path", "value", "message", "component", "shape")
        )
    )
    # An sh:node failure is explained by the nested node's own results: keep only those.
    focused = {r["focus"] for r in raw}
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for r in raw:
        if r["component"] == SH.NodeConstraintComponent and r["value"] in focused:
            continue
        problem = _problem(r, parents, claims, batch)
        key = (problem.node, problem.field, problem.message, problem.value)
        if key in seen:
            continue
        seen.add(key)
        problems.append(problem)
    problems.sort(
        key=lambda p: (
            p.file or "",
            p.line or 0,
            p.column or 0,
            p.message,
            p.field or "",
            p.node,
            p.value or "",
            p.constraint,
        )
    )
    return problems


def _chosen_message(messages: list[Node], shape: Node | None) -> Node | None:
    """The message of one result: the constraint's own, not the one its node shape has for
    its other constraints (both engines attach both to a SPARQL constraint's results)."""
    if len(messages) <= 1:
        return messages[0] if messages else None
    of_shape = set(shapes_graph().objects(shape, SH.message)) if shape is not None else set()
    own = [message for message in messages if message not in of_shape]
    return sorted(own or messages, key=str)[0]


def _ancestry(
    node: Node, parents: dict[Node, list[tuple[Node, Node]]], claims: set[Node]
) -> tuple[Node | None, list[Node]]:
    """The claim a node belongs to and the predicates leading from it down to the node."""
    path: list[Node] = []
    current = node
    visited = {node}
    while current not in claims:
        ups = parents.get(current)
        if not ups or not isinstance(current, BNode):
            return None, []
        parent, predicate = ups[0]
        if parent in visited:
            return None, []
        visited.add(parent)
        path.insert(0, predicate)
        current = parent
    return current, path


def _problem(
    r: dict[str, Any],
    parents: dict[Node, list[tuple[Node, Node]]],
    claims: set[Node],
    batch: LoadedBatch,
) -> Problem:
    focus: Node = r["focus"]
    claim, trail = _ancestry(focus, parents, claims)
    names: list[str] = []
    for predicate in trail:
        names.append(_term_name(str(predicate), names[-1] if names else None))
    path = r["path"]
    if isinstance(path, URIRef):
        names.append(_term_name(str(path), names[-1] if names else None))
    field_name = ".".join(names) or None
    component = _compact(str(r["component"])) if r["component"] else "sh:?"
    message = str(r["message"]) if r["message"] else "does not conform"
    if r["component"] == SH.ClosedConstraintComponent and isinstance(path, URIRef):
        message = f"{_term_name(str(path))!r} is not a field here: remove it or check its spelling"
    message = _tidy(message)

    focus_key = node_key(_to_ox(focus))
    location = None
    if isinstance(path, URIRef):
        location = batch.field_locations.get((focus_key, str(path)))
    if location is None:
        location = batch.node_locations.get(focus_key)
    if location is None and claim is not None:
        location = batch.node_locations.get(node_key(_to_ox(claim)))
    return Problem(
        message=message,
        severity=_SEVERITY.get(r["severity"], "violation"),
        file=location.path if location else None,
        line=location.line if location else None,
        column=location.column if location else None,
        claim=str(claim) if isinstance(claim, URIRef) else None,
        node=_show(focus) or "",
        field=field_name,
        value=None if r["value"] == focus else _show(r["value"]),
        constraint=component,
        shape=_show(r["shape"]) if isinstance(r["shape"], URIRef) else None,
    )


def _to_ox(term: Node) -> Any:
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    return term


def _shorten(text: str, limit: int = MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tidy(message: str) -> str:
    """Shorten IRIs that SPARQL messages substitute, and any long quoted value."""
    message = re.sub(r"(https?://[^\s\"')]+)", lambda m: _compact(m.group(1)), message)
    long_value = re.compile('"([^"]{' + str(MAX_SHOWN) + ',})"')
    message = long_value.sub(lambda m: '"' + _shorten(m.group(1)) + '"', message)
    return _shorten(message, 4 * MAX_SHOWN)
