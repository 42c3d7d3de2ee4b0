"""ledger.chain.canon: RDFC-1.0 against the W3C suite, bounded work, canonical N-Quads bytes."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
import pytest
from helpers import nquads_reference, synthetic_claims
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_canon_ties import forbid_pyoxigraph_rdfc

from conftest import require_testsuite
from conftest import testsuites_dir as find_testsuites  # not collected as a test
from ledger.chain import canon
from ledger.chain.canon import (
    HASH_ALGORITHM,
    CanonicalizationLimits,
    HashName,
    add_ground_quads,
    canonical_nquads,
    check_canonical,
    issued_identifiers,
    sha256_hex,
)
from ledger.errors import CanonicalizationError

# A guard against a hang, not a speed figure: a refusal or a cheap case that took this long
# would mean the step budget no longer bounds the work.
HANG_GUARD_SECONDS = 60

SUITE = "w3c-rdf-canon"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFC = "https://w3c.github.io/rdf-canon/tests/vocab#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class W3cCase:
    """One entry of the W3C RDFC-1.0 manifest."""

    name: str
    kind: str
    action: Path
    result: Path | None
    hash_name: HashName


def _w3c_cases() -> list[W3cCase]:
    """The manifest entries, in manifest order; empty when the suite is not installed."""
    base = find_testsuites()
    manifest = base / SUITE / "tests" / "manifest.ttl" if base else None
    if manifest is None or not manifest.is_file():
        return []
    graph = ox.Dataset(
        ox.parse(path=str(manifest), format=ox.RdfFormat.TURTLE, base_iri=manifest.as_uri())
    )

    def value(subject: ox.NamedNode | ox.BlankNode, predicate: str) -> str | None:
        objects = graph.quads_for_subject(subject)
        found = [quad.object for quad in objects if quad.predicate.value == predicate]
        return found[0].value if found else None  # type: ignore[union-attr]

    def path(iri: str | None) -> Path | None:
        return Path(iri.removeprefix("file://")) if iri else None

    cases = []
    (head,) = graph.quads_for_predicate(ox.NamedNode(MF + "entries"))
    cell: object = head.object
    while isinstance(cell, ox.BlankNode):
        entry = ox.NamedNode(value(cell, RDF + "first") or "")
        action = path(value(entry, MF + "action"))
        assert action is not None
        cases.append(
            W3cCase(
                name=entry.value.rsplit("#", 1)[1],
                kind=(value(entry, RDF + "type") or "").removeprefix(RDFC),
                action=action,
                result=path(value(entry, MF + "result")),
                hash_name="sha384"
                if value(entry, RDFC + "hashAlgorithm") == "SHA384"
                else "sha256",
            )
        )
        rest = [
            quad.object
            for quad in graph.quads_for_subject(cell)
            if quad.predicate.value == RDF + "rest"
        ]
        cell = rest[0] if rest else None
    return cases


W3C_CASES = _w3c_cases()


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


_Term = TypeVar(
    "_Term", bound=ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph
)


def _renamed(term: _Term, labels: dict[str, str]) -> _Term | ox.BlankNode:
    return ox.BlankNode(labels[term.value]) if isinstance(term, ox.BlankNode) else term


def _relabelled(quads: list[ox.Quad], labels: dict[str, str]) -> list[ox.Quad]:
    return [
        ox.Quad(
            _renamed(q.subject, labels),
            q.predicate,
            _renamed(q.object, labels),
            _renamed(q.graph_name, labels),
        )
        for q in quads
    ]


def _iri(name: str) -> ox.NamedNode:
    return ox.NamedNode("https://e.org/" + name)


def _sorted_lines(quads: list[ox.Quad]) -> bytes:
    return "".join(sorted({nquads_reference.quad_line(q) for q in quads})).encode()


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.name) for case in W3C_CASES]
    or [pytest.param(None, id="w3c-rdf-canon-suite-missing")],
)
def test_w3c_rdfc10(case: W3cCase | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each W3C RDFC-1.0 test: canonical bytes, issued identifiers, or a refusal, as specified,
    by this module's RDFC-1.0 alone (pyoxigraph's is made to fail the test if it runs)."""
    require_testsuite(SUITE)
    assert case is not None
    quads = _quads(case.action)
    forbid_pyoxigraph_rdfc(monkeypatch)
    if case.kind == "RDFC10EvalTest":
        assert case.result is not None
        expected = case.result.read_bytes()
        assert canonical_nquads(quads, hash_name=case.hash_name) == expected
        if case.hash_name == "sha256":
            assert check_canonical(expected) is None
    elif case.kind == "RDFC10MapTest":
        assert case.result is not None
        expected_map = json.loads(case.result.read_text(encoding="utf-8"))
        assert issued_identifiers(quads, hash_name=case.hash_name) == expected_map
        # The document must be the input relabelled by the expected map.
        canonical = canonical_nquads(quads, hash_name=case.hash_name)
        assert _sorted_lines(_relabelled(quads, expected_map)) == canonical
    elif case.kind == "RDFC10NegativeEvalTest":
        started = time.monotonic()
        with pytest.raises(CanonicalizationError, match="limit max_steps=50000"):
            canonical_nquads(quads, hash_name=case.hash_name)
        assert time.monotonic() - started < HANG_GUARD_SECONDS
    else:
        pytest.fail(f"unknown test type {case.kind} in the W3C manifest")


POISON: dict[str, Callable[[], list[ox.Quad]]] = {
    "clique-10": lambda: synthetic_claims.clique(10),
    "clique-40": lambda: synthetic_claims.clique(40),
    "cycle-1000": lambda: synthetic_claims.cycle(1000),
    "repeated-list-1000": lambda: synthetic_claims.repeated_list(1000),
    "regular-3-48": lambda: synthetic_claims.regular(48),
    "regular-2-400": lambda: synthetic_claims.regular(400, (1, 3)),
}


@pytest.mark.parametrize("name", list(POISON))
def test_poison_graph_is_refused_by_the_budget(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blank-node structures that make RDFC-1.0 explode are refused by a limit of the bounded
    run, before any unbounded work: pyoxigraph's RDFC-1.0 (which cannot be interrupted) would
    fail the test if it ran."""
    quads = POISON[name]()
    forbid_pyoxigraph_rdfc(monkeypatch)
    started = time.monotonic()
    with pytest.raises(CanonicalizationError) as refused:
        canonical_nquads(quads)
    assert time.monotonic() - started < HANG_GUARD_SECONDS
    message = str(refused.value)
    assert "refusing to canonicalise" in message
    assert "limit max_" in message
    assert "hint: give these blank nodes IRIs" in message


def test_refusal_names_group_size_and_limit() -> None:
    """The refusal says how many blank nodes look alike, how many there are, and which limit."""
    with pytest.raises(CanonicalizationError) as refused:
        canonical_nquads(synthetic_claims.clique(10))
    assert str(refused.value).startswith(
        "refusing to canonicalise: 10 of 10 blank nodes cannot be told apart by their own quads "
        "(largest look-alike group: 10), and telling them apart needs more than 50000 steps of "
        "the N-degree search (limit max_steps=50000)"
    )


def test_limits_are_configurable() -> None:
    """Each limit can be lowered (and raised) by the caller."""
    small_clique = synthetic_claims.clique(5)
    canonical_nquads(small_clique)
    with pytest.raises(CanonicalizationError, match="limit max_steps=100"):
        canonical_nquads(small_clique, limits=CanonicalizationLimits(max_steps=100))
    with pytest.raises(CanonicalizationError, match=r"5 blank nodes \(limit max_blank_nodes=4\)"):
        canonical_nquads(small_clique, limits=CanonicalizationLimits(max_blank_nodes=4))
    with pytest.raises(CanonicalizationError, match="limit max_ambiguous_group=3"):
        canonical_nquads(small_clique, limits=CanonicalizationLimits(max_ambiguous_group=3))
    with pytest.raises(CanonicalizationError, match="limit max_depth=10"):
        canonical_nquads(synthetic_claims.cycle(50), limits=CanonicalizationLimits(max_depth=10))
    assert canonical_nquads(
        synthetic_claims.cycle(150), limits=CanonicalizationLimits(max_steps=10**6, max_depth=200)
    )


def test_many_distinct_blank_nodes_are_cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of blank nodes that differ in their own quads are labelled by their first-degree
    hashes alone: no step of the N-degree search, no pyoxigraph RDFC-1.0."""
    quads = synthetic_claims.claims(2000)
    views = list(canon._views_of_quads(ox.Dataset(quads)))
    labeller = canon._Labeller(views, limits=canon.DEFAULT_LIMITS, hash_name="sha256")
    assert len(labeller.labels()) == 4000 and labeller.steps == 0
    forbid_pyoxigraph_rdfc(monkeypatch)
    started = time.monotonic()
    document = canonical_nquads(quads)
    assert time.monotonic() - started < HANG_GUARD_SECONDS
    assert document.count(b"\n") == len(quads)
    assert b"_:c14n3999 " in document


def test_document_format() -> None:
    """Canonical N-Quads: sorted by code point, one quad per line, each ending in a newline."""
    quads = synthetic_claims.claims(3)
    document = canonical_nquads(quads + quads)  # duplicates count once
    lines = document.decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert lines[:-1] == sorted(lines[:-1]) and len(set(lines)) == len(lines)
    assert len(lines) - 1 == len(quads)
    assert canonical_nquads([]) == b""


def test_hash_names_and_constant() -> None:
    """The ledger records which algorithm was used, and SHA-256 is the standard digest."""
    assert HASH_ALGORITHM == "RDFC-1.0/SHA-256"
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_blank_node_inside_triple_term_is_refused() -> None:
    """RDFC-1.0 says nothing about blank nodes in triple terms, so they are refused clearly."""
    inner = ox.Triple(ox.BlankNode("x"), _iri("p"), ox.Literal("1"))
    quad = ox.Quad(_iri("s"), _iri("says"), inner)
    with pytest.raises(CanonicalizationError, match="inside a triple term"):
        canonical_nquads([quad])
    ground = ox.Triple(_iri("a"), _iri("p"), ox.Literal("1"))
    with_blank_subject = ox.Quad(ox.BlankNode("s"), _iri("says"), ground)
    document = canonical_nquads([with_blank_subject])
    assert document.startswith(b"_:c14n0 <https://e.org/says> <<( <https://e.org/a>")
    assert check_canonical(document) is None


def test_add_ground_quads_equals_canonicalising_the_union() -> None:
    """Adding quads without blank nodes to a canonical document needs no new canonicalisation."""
    claims = synthetic_claims.claims(20)
    extra = [ox.Quad(_iri(f"m{i}"), _iri("p"), ox.Literal(f"{i}")) for i in range(5)]
    assert add_ground_quads(canonical_nquads(claims), extra + extra[:1]) == canonical_nquads(
        claims + extra
    )
    with pytest.raises(ValueError, match="blank node"):
        add_ground_quads(b"", [ox.Quad(ox.BlankNode(), _iri("p"), ox.Literal("1"))])


_E = "https://e.org/"
GOOD = canonical_nquads(
    [
        ox.Quad(ox.NamedNode(_E + "a"), ox.NamedNode(_E + "p"), ox.BlankNode("x")),
        ox.Quad(ox.BlankNode("x"), ox.NamedNode(_E + "q"), ox.Literal("x")),
        ox.Quad(ox.BlankNode("y"), ox.NamedNode(_E + "q"), ox.Literal("y")),
    ]
)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        pytest.param(GOOD[:-1], "the last line does not end with a newline", id="no-final-newline"),
        pytest.param(
            b'_:c14n0 <https://e.org/q> "x" .\n<https://e.org/a> <https://e.org/p> _:c14n0 .\n',
            "line 2 is out of order",
            id="unsorted",
        ),
        pytest.param(GOOD + GOOD.splitlines(keepends=True)[-1], "line 4 repeats", id="duplicate"),
        pytest.param(
            b'<https://e.org/a> <https://e.org/p> "\\u0041" .\n',
            "line 1 is not in canonical N-Quads form",
            id="needless-uchar",
        ),
        pytest.param(
            b'<https://e.org/a> <https://e.org/p> "a"^^<' + XSD_STRING.encode() + b"> .\n",
            "line 1 is not in canonical N-Quads form",
            id="explicit-xsd-string",
        ),
        pytest.param(
            b'<https://e.org/a>  <https://e.org/p> "a" .\n',
            "line 1 is not in canonical N-Quads form",
            id="double-space",
        ),
        pytest.param(b"<https://e.org/a> <https://e.org/p> .\n", "not valid N-Quads", id="syntax"),
        pytest.param(
            b"".join(
                sorted(
                    GOOD.replace(b"c14n0", b"X")
                    .replace(b"c14n1", b"c14n0")
                    .replace(b"X", b"c14n1")
                    .splitlines(keepends=True)
                )
            ),
            "should be labelled",
            id="labels-swapped",
        ),
        pytest.param(
            b"_:c14n0 <https://e.org/p> _:c14n2 .\n_:c14n2 <https://e.org/p> _:c14n0 .\n",
            "blank-node labels differ",
            id="look-alike-labels-wrong",
        ),
    ],
)
def test_check_canonical_finds_non_canonical_documents(document: bytes, reason: str) -> None:
    """check_canonical says why a document is not what canonical_nquads would have written."""
    assert check_canonical(GOOD) is None
    found = check_canonical(document)
    assert found is not None and reason in found


# --- property tests -------------------------------------------------------------------------

LABELS = [f"b{i}" for i in range(6)]
# Blank-node look-alikes inside IRIs and literals must not confuse the text-level shortcuts.
IRIS = [ox.NamedNode(f"https://e.org/{name}") for name in ("a", "b", "_:c14n0")]
PREDICATES = [ox.NamedNode(f"https://e.org/{name}") for name in ("p", "q")]
GRAPHS = [ox.DefaultGraph(), ox.NamedNode("https://e.org/g")]

text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    st.sampled_from(["_:c14n0", "x _:c14n1 <https://e.org/g> .", "_:b1 ", '"_:a"']),
)
literals = st.one_of(
    st.builds(ox.Literal, text),
    st.builds(lambda v, lang: ox.Literal(v, language=lang), text, st.sampled_from(["en", "ar"])),
    st.builds(
        lambda v: ox.Literal(v, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        st.integers(-5, 5).map(str),
    ),
)
blank_nodes = st.sampled_from(LABELS).map(ox.BlankNode)
subjects = st.one_of(st.sampled_from(IRIS), blank_nodes)
objects = st.one_of(st.sampled_from(IRIS), blank_nodes, literals)
graphs = st.one_of(st.sampled_from(GRAPHS), blank_nodes)
datasets = st.lists(
    st.builds(ox.Quad, subjects, st.sampled_from(PREDICATES), objects, graphs), max_size=14
)
# Small graphs can still be look-alike cliques; the properties are about results, not bounds.
GENEROUS = CanonicalizationLimits(max_steps=10**7)
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(datasets, st.randoms(use_true_random=False))
def test_canonical_bytes_ignore_blank_labels_and_order(
    quads: list[ox.Quad], rng: random.Random
) -> None:
    """Renaming blank nodes and reordering quads never changes the canonical bytes."""
    renamed = dict(zip(LABELS, [f"x{rng.randrange(10**9)}_{i}" for i in range(6)], strict=True))
    shuffled = _relabelled(quads, renamed)
    rng.shuffle(shuffled)
    assert canonical_nquads(shuffled, limits=GENEROUS) == canonical_nquads(quads, limits=GENEROUS)


@PROPERTY_SETTINGS
@given(datasets)
def test_own_rdfc10_agrees_with_pyoxigraph(quads: list[ox.Quad]) -> None:
    """The issued-identifier map and check_canonical agree with pyoxigraph's canonical output."""
    document = canonical_nquads(quads, limits=GENEROUS)
    labels = issued_identifiers(quads, limits=GENEROUS)
    assert _sorted_lines(_relabelled(quads, labels)) == document
    assert check_canonical(document, limits=GENEROUS) is None


@PROPERTY_SETTINGS
@given(datasets, st.randoms(use_true_random=False))
def test_check_canonical_notices_relabelled_blank_nodes(
    quads: list[ox.Quad], rng: random.Random
) -> None:
    """Permuting canonical blank-node labels is caught unless it leaves the bytes as they are."""
    document = canonical_nquads(quads, limits=GENEROUS)
    stored = list(ox.parse(document, format=ox.RdfFormat.N_QUADS))
    labels = sorted(
        {
            t.value
            for q in stored
            for t in (q.subject, q.object, q.graph_name)
            if isinstance(t, ox.BlankNode)
        }
    )
    shuffled = labels[:]
    rng.shuffle(shuffled)
    relabelled = _sorted_lines(_relabelled(stored, dict(zip(labels, shuffled, strict=True))))
    if relabelled != document:
        assert check_canonical(relabelled, limits=GENEROUS) is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(literals, min_size=1, max_size=5))
def test_serializer_writes_canonical_terms(values: list[ox.Literal]) -> None:
    """pyoxigraph's N-Quads writer escapes literals exactly as canonical N-Triples requires."""
    quads = [
        ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode(f"https://e.org/p{i}"), value)
        for i, value in enumerate(values)
    ]
    assert canonical_nquads(quads) == _sorted_lines(quads)


def _look_alikes() -> list[ox.Quad]:
    """Two claims whose time spans are identical blank nodes, told apart by their claims."""
    quads = []
    for name in ("a", "b"):
        claim, span = ox.BlankNode(f"claim-{name}"), ox.BlankNode(f"span-{name}")
        quads += [
            ox.Quad(claim, _iri("name"), ox.Literal(name)),
            ox.Quad(claim, _iri("when"), span),
            ox.Quad(span, _iri("start"), ox.Literal("2016-11-28")),
            ox.Quad(span, _iri("end"), ox.Literal("2016-11-30")),
        ]
    return quads


def test_check_canonical_labels_look_alike_blank_nodes_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Look-alike blank nodes are checked by this module's N-degree step, not by pyoxigraph."""
    document = canonical_nquads(_look_alikes())
    swapped = _sorted_lines(
        _relabelled(
            list(ox.parse(document, format=ox.RdfFormat.N_QUADS)),
            {label: label for label in ("c14n0", "c14n1")} | {"c14n2": "c14n3", "c14n3": "c14n2"},
        )
    )
    assert swapped != document and b"_:c14n3 " in document

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("pyoxigraph's RDFC-1.0 ran")

    with monkeypatch.context() as patched:
        patched.setattr("ledger.chain.canon.canonical_nquads", refuse)
        assert check_canonical(document) is None
    found = check_canonical(swapped)
    assert found is not None and "blank-node labels differ" in found
