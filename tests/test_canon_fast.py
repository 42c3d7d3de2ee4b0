"""The text-level fast paths of ledger.chain.canon and ledger.chain.entries give pyoxigraph's bytes.

``canonical_nquads`` relabels blank nodes itself on pyoxigraph's N-Quads lines; ``build_add``
works on N-Triples lines. These tests compare both with references that use pyoxigraph's own
RDFC-1.0 and plain Quad objects (the code as it was before the fast paths), on random datasets
full of look-alike blank nodes and awkward literals, and on realistic claim batches. Where
RDFC-1.0 allows more than one document, pyoxigraph returns one at random and ledger.chain.canon the
least (tests/test_canon_ties.py); there the comparison is that pyoxigraph's is allowed.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_canon_ties import allowed_documents, forbid_pyoxigraph_rdfc

from ledger.chain import canon, entries
from ledger.chain.canon import CanonicalizationLimits, canonical_nquads, canonical_nquads_of_lines
from ledger.errors import UsageError
from ledger.intake.load import LoadedBatch, document_quads, load_paths

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
E = "https://e.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
GENEROUS = CanonicalizationLimits(max_steps=10**7)


def pyoxigraph_canonical(quads: list[ox.Quad], hash_name: str = "sha256") -> bytes:
    """The reference: pyoxigraph's RDFC-1.0, its N-Quads writer, lines sorted and unique."""
    dataset = ox.Dataset(quads)
    algorithm = (
        ox.CanonicalizationAlgorithm.RDFC_1_0_SHA_384
        if hash_name == "sha384"
        else ox.CanonicalizationAlgorithm.RDFC_1_0
    )
    dataset.canonicalize(algorithm)
    document = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS)
    assert document is not None
    return b"".join(line + b"\n" for line in sorted(set(document.split(b"\n")) - {b""}))


def _labeller(quads: list[ox.Quad], hash_name: str = "sha256") -> Any:
    views = canon._views_of_quads(ox.Dataset(quads))
    labeller = canon._Labeller(views, limits=GENEROUS, hash_name=hash_name)
    labeller.labels()
    return labeller


def assert_is_pyoxigraphs(document: bytes, quads: list[ox.Quad], hash_name: str = "sha256") -> None:
    """``document`` is what pyoxigraph's RDFC-1.0 gives for ``quads``, wherever RDFC-1.0 allows
    one document only.

    Where it allows several (ties between blank nodes no automorphism swaps, with blank graph
    names), pyoxigraph's answer varies from call to call (it keeps related blank nodes in a
    Rust HashSet, whose order is random): then ``document`` is the least one allowed, and
    pyoxigraph's is one of those allowed.
    """
    theirs = pyoxigraph_canonical(quads, hash_name)
    if document == theirs:
        return
    labeller = _labeller(quads, hash_name)
    assert labeller.order_dependent and labeller.blank_graph_names
    allowed = allowed_documents(quads, hash_name)  # type: ignore[arg-type]
    assert len(allowed) > 1 and theirs in allowed and document == min(allowed)


# --- random datasets ----------------------------------------------------------------------------

# Labels that look like canonical ones, hold "_:" or ".", or are not ASCII.
LABELS = ["b0", "b1", "b2", "b3", "c14n0", "a", "z", "_:x", "x.y", "é"]
IRIS = [ox.NamedNode(E + name) for name in ("a", "b", "_:c14n0", "x%20y")]
PREDICATES = [ox.NamedNode(E + name) for name in ("p", "q")]
TRICKY_TEXT = [
    "_:b0",
    "_:b1 <https://e.org/a> .",
    '" <https://e.org/g> .',
    "x _:c14n1 <https://e.org/g> .",
    "line\nbreak\r\ttab",
    'quote " and \\ backslash',
    "bell \u0007 del \u007f",
    "ünï ∞ رأينا \u2028",
    " ",
    "",
]
text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8), st.sampled_from(TRICKY_TEXT)
)
literals = st.one_of(
    st.builds(ox.Literal, text),
    st.builds(
        lambda v, lang: ox.Literal(v, language=lang), text, st.sampled_from(["en", "en-gb", "ar"])
    ),
    st.builds(
        lambda v: ox.Literal(v, language="ar", direction=ox.BaseDirection.RTL),
        st.sampled_from(TRICKY_TEXT),
    ),
    st.builds(
        lambda v, t: ox.Literal(v, datatype=ox.NamedNode(XSD + t)),
        st.sampled_from(["1", "-5", "_:b0", "a b"]),
        st.sampled_from(["integer", "string", "date"]),
    ),
)
ground_triples = st.builds(ox.Triple, st.sampled_from(IRIS), st.sampled_from(PREDICATES), literals)


def _datasets(blank_labels: list[str], max_size: int) -> st.SearchStrategy[list[ox.Quad]]:
    blanks = st.sampled_from(blank_labels).map(ox.BlankNode)
    subjects = st.one_of(st.sampled_from(IRIS), blanks)
    objects = st.one_of(st.sampled_from(IRIS), blanks, blanks, literals, ground_triples)
    graphs = st.one_of(
        st.just(ox.DefaultGraph()), st.just(ox.DefaultGraph()), st.sampled_from(IRIS[:2]), blanks
    )
    quads = st.builds(ox.Quad, subjects, st.sampled_from(PREDICATES), objects, graphs)
    return st.lists(quads, max_size=max_size)


datasets = _datasets(LABELS, 16)
# Few labels, few predicates: many blank nodes share a first-degree hash (the N-degree step).
look_alike_datasets = _datasets(LABELS[:5], 12)


@st.composite
def copies_of_a_pattern(draw: st.DrawFn) -> list[ox.Quad]:
    """Copies of one blank-node pattern hung off different IRIs: look-alikes told apart by
    their neighbours (like identical time spans of different claims)."""
    pattern = draw(_datasets(["n0", "n1", "n2"], 5))
    if draw(st.booleans()):  # a chain of look-alikes in the default graph, rarely symmetric
        pattern += [
            ox.Quad(ox.BlankNode("n0"), PREDICATES[1], ox.BlankNode("n1")),
            ox.Quad(ox.BlankNode("n1"), PREDICATES[0], draw(literals)),
        ]
    anchors = draw(st.lists(st.sampled_from(IRIS), min_size=1, max_size=4, unique=True))
    quads = []
    for copy, anchor in enumerate(anchors):

        def renamed(term: Any, copy: int = copy) -> Any:
            return ox.BlankNode(f"{term.value}_{copy}") if isinstance(term, ox.BlankNode) else term

        quads.append(ox.Quad(anchor, PREDICATES[0], ox.BlankNode(f"n0_{copy}")))
        quads += [
            ox.Quad(renamed(q.subject), q.predicate, renamed(q.object), renamed(q.graph_name))
            for q in pattern
        ]
    return quads


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.one_of(datasets, look_alike_datasets, copies_of_a_pattern()))
def test_fast_canonical_nquads_is_pyoxigraphs(quads: list[ox.Quad]) -> None:
    """canonical_nquads gives exactly the bytes of pyoxigraph's RDFC-1.0 (and duplicates and
    order do not matter)."""
    assert_is_pyoxigraphs(canonical_nquads(quads, limits=GENEROUS), quads)
    again = canonical_nquads(list(reversed(quads)) + quads[:3], limits=GENEROUS)
    assert_is_pyoxigraphs(again, quads)


@SETTINGS
@given(copies_of_a_pattern())
def test_fast_n_degree_is_pyoxigraphs(quads: list[ox.Quad]) -> None:
    """Look-alikes told apart by the N-degree step (many meet a choice RDFC-1.0 leaves open)."""
    assert_is_pyoxigraphs(canonical_nquads(quads, limits=GENEROUS), quads)


@SETTINGS
@given(st.one_of(datasets, look_alike_datasets))
def test_fast_path_sha384(quads: list[ox.Quad]) -> None:
    """The same with SHA-384 as the hash function."""
    document = canonical_nquads(quads, limits=GENEROUS, hash_name="sha384")
    assert_is_pyoxigraphs(document, quads, "sha384")


@SETTINGS
@given(st.one_of(datasets, look_alike_datasets))
def test_canonical_nquads_of_lines(quads: list[ox.Quad]) -> None:
    """Lines as pyoxigraph's writer writes them give the same document as the quads."""
    blank_nodes = [
        t for q in quads for t in (q.subject, q.object, q.graph_name) if isinstance(t, ox.BlankNode)
    ]
    assume(not any(":" in b.value for b in blank_nodes))  # N-Quads cannot read "_:_:x" back
    document = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert document is not None
    lines = document.decode("utf-8").split("\n")[:-1]
    assert_is_pyoxigraphs(canonical_nquads_of_lines(lines, limits=GENEROUS), quads)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(ox.Quad, st.sampled_from(IRIS), st.sampled_from(PREDICATES), literals)))
def test_literal_and_triple_writing_agree(quads: list[ox.Quad]) -> None:
    """The N-Triples writer writes default-graph quads as the N-Quads writer does, and str()
    of a term as both write it (the fast paths rely on all three)."""
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert nquads == ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)
    assert nquads == "".join(f"{q} .\n" for q in quads).encode()


def _refuse_pyoxigraph(monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_pyoxigraph_rdfc(monkeypatch)


def test_look_alikes_are_labelled_without_pyoxigraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Identical time spans of two claims: the N-degree step decides alone, pyoxigraph agrees."""
    quads = []
    for name in ("a", "b"):
        claim, span = ox.BlankNode(f"claim-{name}"), ox.BlankNode(f"span-{name}")
        quads += [
            ox.Quad(claim, ox.NamedNode(E + "name"), ox.Literal(name)),
            ox.Quad(claim, ox.NamedNode(E + "when"), span),
            ox.Quad(span, ox.NamedNode(E + "start"), ox.Literal("2016-11-28")),
        ]
    expected = pyoxigraph_canonical(quads)
    assert len(_labeller(quads).groups) == 3 and not _labeller(quads).order_dependent
    _refuse_pyoxigraph(monkeypatch)
    assert canonical_nquads(quads) == expected


def test_a_node_related_twice_by_one_hash_counts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_:b0`` is related to ``_:b3`` twice with one hash (as a subject with predicate p, in two
    quads that differ in the position of ``_:b0``, which the related hash leaves out).
    pyoxigraph keeps related nodes in a set, so it permutes ``[_:b3]``; the specification's
    reference code (and pyld) keep a list and permute ``[_:b3, _:b3]``, which labels this
    dataset otherwise. The set is kept: the bytes stay the ones pyoxigraph always gave."""
    document = (
        "_:b3 <http://e/p> _:b2 _:b0 .\n"
        "_:b3 <http://e/p> _:b0 _:b1 .\n"
        "_:b2 <http://e/p> _:b1 _:b3 .\n"
    )
    expected = (
        b"_:c14n0 <http://e/p> _:c14n1 _:c14n2 .\n"
        b"_:c14n0 <http://e/p> _:c14n2 _:c14n3 .\n"
        b"_:c14n1 <http://e/p> _:c14n3 _:c14n0 .\n"
    )
    quads = list(ox.parse(document, format=ox.RdfFormat.N_QUADS))
    assert allowed_documents(quads) == {expected}  # no choice left open
    assert {pyoxigraph_canonical(quads) for _ in range(10)} == {expected}
    _refuse_pyoxigraph(monkeypatch)
    assert canonical_nquads(quads) == expected
    assert canonical_nquads(list(reversed(quads))) == expected


def test_unique_hashes_need_no_pyoxigraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """The common case (every first-degree hash unique) never calls pyoxigraph's RDFC-1.0."""
    quads = [
        ox.Quad(ox.BlankNode(f"n{i}"), PREDICATES[0], ox.Literal(f'"{i}" _:n{i + 1}\n'))
        for i in range(50)
    ] + [
        ox.Quad(ox.BlankNode(f"n{i}"), PREDICATES[1], ox.BlankNode(f"n{i + 1}")) for i in range(49)
    ]
    expected = pyoxigraph_canonical(quads)
    _refuse_pyoxigraph(monkeypatch)
    assert canonical_nquads(quads) == expected


# --- build_add against the quad-level reference ------------------------------------------------


def _reference_claim_iri(claim: ox.NamedNode, closure: list[ox.Quad]) -> str:
    placeholder = ox.BlankNode("claim")
    quads = [
        ox.Quad(
            placeholder if q.subject == claim else q.subject,
            q.predicate,
            placeholder if q.object == claim else q.object,
        )
        for q in closure
    ]
    return entries.CLAIM_NAMESPACE + canon.sha256_hex(pyoxigraph_canonical(quads))


def reference_build_add(
    batch: LoadedBatch, known: entries.KnownTriples = entries.nothing_known
) -> entries.EntryContent:
    """build_add as it was written on Quad objects, with pyoxigraph's RDFC-1.0."""
    by_subject: dict[Any, list[ox.Quad]] = defaultdict(list)
    for quad in batch.quads:
        by_subject[quad.subject].append(quad)
    claims = sorted(
        {
            q.subject
            for q in batch.quads
            if q.predicate == entries.RDF_TYPE and q.object == entries.CLAIM_CLASS
        },
        key=str,
    )
    rename: dict[Any, ox.NamedNode] = {}
    closures: dict[Any, list[ox.Quad]] = {}
    for claim in claims:
        if not isinstance(claim, ox.NamedNode):
            raise UsageError("every claim needs an IRI ('id') before it can be added")
        closures[claim] = entries._closure(claim, by_subject)
        rename[claim] = ox.NamedNode(_reference_claim_iri(claim, closures[claim]))
    in_claims: set[ox.Quad] = set()
    minted: list[entries.MintedClaim] = []
    kept: list[ox.Quad] = []

    def renamed(term: Any) -> Any:
        return rename.get(term, term) if isinstance(term, ox.NamedNode) else term

    existing = known([(rename[c], entries.RDF_TYPE, entries.CLAIM_CLASS) for c in claims])
    for claim in claims:
        iri = rename[claim]
        is_new = (iri, entries.RDF_TYPE, entries.CLAIM_CLASS) not in existing
        minted.append(entries.MintedClaim(iri=iri.value, written_as=claim.value, new=is_new))
        closure = closures[claim]
        in_claims.update(closure)
        if is_new:
            kept.extend(
                ox.Quad(
                    iri if isinstance(q.subject, ox.NamedNode) else q.subject,
                    q.predicate,
                    renamed(q.object),
                )
                for q in closure
            )
            kept.append(ox.Quad(iri, entries.WRITTEN_AS, claim))
    others = [
        (renamed(q.subject), q.predicate, renamed(q.object))
        for q in [*batch.quads, *document_quads(batch)]
        if q not in in_claims
    ]
    held = known(others)
    kept.extend(ox.Quad(s, p, o) for s, p, o in others if (s, p, o) not in held)
    content = sorted(set(kept), key=str)
    digest = canon.sha256_hex(pyoxigraph_canonical(content)) if content else "empty"
    graph = ox.NamedNode(f"urn:claim-ledger:content:{digest}")
    return entries.EntryContent(
        graph=graph,
        quads=[ox.Quad(q.subject, q.predicate, q.object, graph) for q in content],
        claims=minted,
    )


def _assert_same(batch: LoadedBatch, known: entries.KnownTriples = entries.nothing_known) -> None:
    fast, reference = entries.build_add(batch, known), reference_build_add(batch, known)
    assert fast.graph == reference.graph
    assert fast.quads == reference.quads
    assert fast.claims == reference.claims


def _every_third_known(triples: Any) -> set[Any]:
    """A ledger that holds every third triple asked about (claims and others)."""
    return {t for i, t in enumerate(triples) if i % 3 == 0}


def test_build_add_matches_reference_on_the_example() -> None:
    batch = load_paths([EXAMPLE])
    _assert_same(batch)
    _assert_same(batch, _every_third_known)


def test_build_add_matches_reference_on_a_benchmark_batch(tmp_path: Path) -> None:
    """A realistic batch: quotes in three scripts, look-alike time spans, derived claims."""
    spec = importlib.util.spec_from_file_location("claim_files", ROOT / "bench" / "claim_files.py")
    assert spec is not None and spec.loader is not None
    claim_files = importlib.util.module_from_spec(spec)
    sys.modules["claim_files"] = claim_files  # dataclasses look their module up
    spec.loader.exec_module(claim_files)
    batch = load_paths([claim_files.write_batch(tmp_path / "batch", 3, 120)])
    _assert_same(batch)
    _assert_same(batch, _every_third_known)


def _claim(name: str) -> ox.NamedNode:
    return ox.NamedNode(E + "claim/" + name)


def test_build_add_matches_reference_on_awkward_batches() -> None:
    """Claims naming claims (and themselves), text that looks like N-Triples, a claim's IRI
    as a datatype and inside a triple term, shared blank nodes, duplicates, named graphs."""
    a, b, c = _claim("a"), _claim("b"), _claim("c")
    p, shared = ox.NamedNode(E + "p"), ox.BlankNode("shared")
    quads = [ox.Quad(claim, entries.RDF_TYPE, entries.CLAIM_CLASS) for claim in (a, b, c)] + [
        ox.Quad(a, p, b),
        ox.Quad(a, p, a),
        ox.Quad(
            b,
            p,
            ox.Literal(f"see <{a.value}> ."),
        ),
        ox.Quad(b, p, ox.Literal("x", datatype=a)),
        ox.Quad(b, p, ox.Triple(a, p, ox.Literal("1"))),
        ox.Quad(a, p, shared),
        ox.Quad(c, p, shared),
        ox.Quad(shared, p, ox.Literal("_:claim")),
        ox.Quad(shared, p, ox.BlankNode("claim")),
        ox.Quad(c, p, ox.BlankNode("span")),
        ox.Quad(ox.BlankNode("span"), p, ox.Literal("2016")),
        ox.Quad(ox.NamedNode(E + "source"), p, a),
        ox.Quad(ox.NamedNode(E + "source"), p, ox.Literal("only the ledger's")),
        ox.Quad(a, p, b),
    ]
    _assert_same(LoadedBatch(quads=quads))
    _assert_same(LoadedBatch(quads=quads), _every_third_known)
    in_graphs = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(E + "g")) for q in quads]
    _assert_same(LoadedBatch(quads=in_graphs))
    # A label pyoxigraph accepts but N-Quads cannot read back: the quads are used instead.
    odd = [ox.Quad(a, p, ox.BlankNode("x:y")), ox.Quad(ox.BlankNode("x:y"), p, ox.Literal("1"))]
    _assert_same(LoadedBatch(quads=quads + odd))
    assert entries.claim_iri(a, odd) == _reference_claim_iri(a, odd)
    assert entries.build_add(LoadedBatch(quads=[])).graph.value.endswith(":empty")


def test_build_add_refuses_a_blank_claim_as_before() -> None:
    quads = [ox.Quad(ox.BlankNode("c"), entries.RDF_TYPE, entries.CLAIM_CLASS)]
    for build in (entries.build_add, reference_build_add):
        with pytest.raises(UsageError, match="every claim needs an IRI"):
            build(LoadedBatch(quads=quads))


def test_claim_iri_matches_reference() -> None:
    batch = load_paths([EXAMPLE])
    by_subject: dict[Any, list[ox.Quad]] = defaultdict(list)
    for quad in batch.quads:
        by_subject[quad.subject].append(quad)
    claims = {q.subject for q in batch.quads if q.object == entries.CLAIM_CLASS}
    for claim in sorted(claims, key=str)[:10]:
        closure = entries._closure(claim, by_subject)
        assert entries.claim_iri(claim, closure) == _reference_claim_iri(claim, closure)
