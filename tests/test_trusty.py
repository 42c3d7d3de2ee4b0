"""ledger.publish.trusty: the RA artifact code of trusty URIs, against the trustyuri test suite."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.publish import trusty

VECTORS = Path(__file__).parent / "data" / "trusty"
SUITE_BASE = "http://trustyuri.net/testsuite/"
NANOPUB1 = "RAC__rNHIdWuEBi0QWf7FaCcNzfbUyXfz98ds_b8Ho3D8"

#: file of pre/ → the artifact code the test suite's valid/ file of that name carries
PRE_CODES = {
    "nanopub1.trig": NANOPUB1,
    "turtle1.ttl": "RAtZIeG4mFhUbFxRS_8dwvMJpbyY7XBhPDxZS3OW6Lomk",
    "literals1.ttl": "RAmlIKbud0SUy-7wuH9zwuuQSaGp8Doyd1RM4N3RoPoEk",
    "sorting1.nq": "RAJ8oOBI5SUieR_rIlCJRU5p2PtcSQS_jNmeYJwlfQVu0",
    "language-en2.ttl": "RArfaL_xeSvxwonkhUtblrKvB_R9QURXbgA7HLerBvNs8",
}
FORMATS = {".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE, ".nq": ox.RdfFormat.N_QUADS}


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=FORMATS[path.suffix]))


@pytest.mark.parametrize("name", sorted(PRE_CODES))
def test_transformed_content_gets_the_suites_artifact_code(name: str) -> None:
    """Each pre/ file, made trusty under the suite's base IRI, gets the suite's code."""
    path = VECTORS / "pre" / name
    code, _quads_out = trusty.make_trusty(_quads(path), SUITE_BASE + path.stem)
    assert code == PRE_CODES[name]


def test_transformed_nanopub_is_the_suites_trusty_nanopub() -> None:
    """The nanopub made trusty is, quad for quad, the suite's valid trusty nanopub."""
    code, made = trusty.make_trusty(
        _quads(VECTORS / "pre" / "nanopub1.trig"), SUITE_BASE + "nanopub1"
    )
    valid = _quads(VECTORS / "valid" / f"nanopub1.{NANOPUB1}.trig")
    assert code == NANOPUB1
    assert set(made) == set(valid)
    assert any(str(q.graph_name).endswith(f"nanopub1.{NANOPUB1}#Head>") for q in made)


def test_the_suites_valid_nanopub_checks() -> None:
    """The suite's valid trusty nanopub verifies against the code in its IRIs."""
    assert trusty.check(_quads(VECTORS / "valid" / f"nanopub1.{NANOPUB1}.trig"), NANOPUB1)


def test_the_suites_invalid_nanopub_does_not_check() -> None:
    """A file whose IRIs carry a code that is not its hash fails the check."""
    path = next((VECTORS / "invalid").glob("nanopub1.*.nq"))
    code = path.name.split(".")[1]
    assert code != NANOPUB1 and not trusty.check(_quads(path), code)


def test_a_changed_literal_breaks_the_check() -> None:
    """Changing one word of a trusty nanopub makes its code wrong."""
    valid = _quads(VECTORS / "valid" / f"nanopub1.{NANOPUB1}.trig")
    changed = [
        ox.Quad(q.subject, q.predicate, ox.NamedNode("http://example.com/dengue"), q.graph_name)
        if q.object == ox.NamedNode("http://example.com/malaria")
        else q
        for q in valid
    ]
    assert changed != valid and not trusty.check(changed, NANOPUB1)


def test_blank_nodes_are_skolemised_in_order_of_appearance() -> None:
    """Blank nodes become <base>.<code>#_1, #_2 … and the result checks."""
    ex = "http://example.com/"
    quads = [
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.BlankNode("x")),
        ox.Quad(ox.BlankNode("x"), ox.NamedNode(ex + "q"), ox.BlankNode("y")),
        ox.Quad(ox.BlankNode("y"), ox.NamedNode(ex + "r"), ox.Literal("line\nbreak \\ slash")),
    ]
    code, made = trusty.make_trusty(quads, ex + "doc")
    subjects = [q.subject for q in made]
    assert subjects[1] == ox.NamedNode(f"{ex}doc.{code}#_1")
    assert subjects[2] == ox.NamedNode(f"{ex}doc.{code}#_2")
    assert trusty.check(made, code)
    assert "line\\nbreak \\\\ slash" in trusty.digest_text(
        [(None, ("iri", ex + "s"), ("iri", ex + "p"), ("literal", "line\nbreak \\ slash", "", "x"))]
    )


def test_suffixes_keep_their_meaning() -> None:
    """A suffix's '#' is escaped and a leading '_' doubled, so it cannot pass for a blank node."""
    assert trusty.pre_iri("https://w3id.org/np/", "Head") == "https://w3id.org/np/ #Head"
    assert trusty.pre_iri("http://x.org/np1", "_1") == "http://x.org/np1. #__1"
    assert trusty.pre_iri("http://x.org/np1#", "a#b") == "http://x.org/np1# .a%23b"


_TERMS = st.sampled_from(
    [ox.NamedNode("http://example.com/" + n) for n in ("a", "b", "doc", "doc#x", "docz")]
    + [ox.BlankNode(n) for n in ("p", "q")]
)
_OBJECTS = (
    _TERMS
    | st.builds(ox.Literal, st.text(max_size=8), language=st.sampled_from(["en", "nb-NO"]))
    | st.builds(ox.Literal, st.text(max_size=8))
)
_GRAPHS = st.sampled_from(
    [ox.DefaultGraph(), ox.NamedNode("http://example.com/doc#g"), ox.NamedNode("http://x.org/g")]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            _TERMS, st.sampled_from(["http://example.com/p", "http://x.org/q"]), _OBJECTS, _GRAPHS
        ),
        min_size=1,
        max_size=12,
    )
)
def test_made_trusty_content_always_checks(rows: list[tuple[object, str, object, object]]) -> None:
    """Whatever the content, made trusty it checks, and its IRIs carry its code."""
    quads = [ox.Quad(s, ox.NamedNode(p), o, g) for s, p, o, g in rows]  # type: ignore[arg-type]
    code, made = trusty.make_trusty(quads, "http://example.com/doc")
    assert trusty.check(made, code)
    assert len(set(made)) == len(set(quads))
