"""Trusty URIs of RDF content (module ``RA``), as nanopublications use them.

A trusty URI ends in an *artifact code*: ``RA`` and the SHA-256 of the content's quads, in
URL-safe base64 without padding (43 characters). The content refers to itself with the code in
its own IRIs, so the hash is taken over the quads with the code replaced by one space, and
anyone can recompute it (Kuhn and Dumontier, "Trusty URIs", ESWC 2014; the reference
implementation is trustyuri-java, checked here against the trustyuri test suite's vectors).

The digest: the distinct quads, sorted by graph (the default graph first), subject, predicate,
then object (IRIs before literals; literals by lexical form, then datatype with language-tagged
literals first, then lower-cased language tag), all text compared as Java compares strings
(UTF-16 code units). Each quad is four lines: the graph IRI (empty for the default graph),
the subject and predicate IRIs, and the object: an IRI, ``@<lang> <text>`` or
``^<datatype> <text>``, with ``\\`` and newlines in the text escaped as ``\\\\`` and ``\\n``.

Making content trusty (``make_trusty``): every IRI that starts with the base IRI becomes
``<base>[.]<code>`` plus ``#`` and the rest (the rest's ``#`` written ``%23``, a leading ``_``
doubled), blank nodes become ``<base>[.]<code>#_<n>`` numbered in order of appearance, the
code is computed with a space in its place, then written in.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox

MODULE_ID = "RA"
#: what stands for the artifact code while it is computed (no IRI holds a space otherwise)
PLACEHOLDER = " "
ARTIFACT_CODE = re.compile(r"RA[A-Za-z0-9_-]{43}")

#: A term as the digest sees it: ("iri", text) or ("literal", text, datatype, language); None
#: is the default graph. IRIs are text because a pre-IRI holds a space, which no IRI type allows.
Node = tuple[str, ...]
Row = tuple[Node | None, Node, Node, Node]


def _java_order(text: str) -> bytes:
    """A sort key that orders strings as Java's String.compareTo does (UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _line(node: Node | None) -> str:
    if node is None:
        return "\n"
    if node[0] == "iri":
        return node[1] + "\n"
    _kind, text, datatype, language = node
    if language:
        return f"@{language.lower()} {_escape(text)}\n"
    return f"^{datatype} {_escape(text)}\n"


def _node_key(node: Node | None) -> tuple[object, ...]:
    if node is None:  # the default graph, first
        return (0,)
    if node[0] == "iri":  # IRIs before literals
        return (1, _java_order(node[1]))
    _kind, text, datatype, language = node
    # lexical form; then no datatype (a language-tagged literal) first, datatype; then language
    return (
        2,
        _java_order(text),
        (1, _java_order(datatype)) if not language else (0, b""),
        (1, _java_order(language.lower())) if language else (0, b""),
    )


def _row_key(row: Row) -> tuple[object, ...]:
    return tuple(_node_key(node) for node in row)


def digest_text(rows: Iterable[Row]) -> str:
    """The exact text the artifact code hashes (for inspection and tests)."""
    return "".join("".join(_line(node) for node in row) for row in sorted(set(rows), key=_row_key))


def _code_of(rows: Iterable[Row]) -> str:
    digest = hashlib.sha256(digest_text(rows).encode("utf-8")).digest()
    return MODULE_ID + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _rows(quads: Iterable[ox.Quad], iri: Callable[[ox.NamedNode | ox.BlankNode], str]) -> list[Row]:
    """Quads as digest rows, each IRI (and blank node) written as ``iri`` says."""

    def node(term: object) -> Node:
        if isinstance(term, ox.NamedNode | ox.BlankNode):
            return ("iri", iri(term))
        if isinstance(term, ox.Literal):
            return ("literal", term.value, term.datatype.value, term.language or "")
        raise ValueError(f"a trusty URI cannot cover the term {term!r}")

    rows: list[Row] = []
    for q in quads:
        # in the order trustyuri-java meets the terms (blank nodes are numbered so): graph first
        graph = None if isinstance(q.graph_name, ox.DefaultGraph) else node(q.graph_name)
        rows.append((graph, node(q.subject), node(q.predicate), node(q.object)))
    return rows


def check(quads: Iterable[ox.Quad], code: str) -> bool:
    """Whether ``code`` is the artifact code of trusty content (its IRIs carrying ``code``)."""
    if not ARTIFACT_CODE.fullmatch(code):
        return False

    def normalised(term: ox.NamedNode | ox.BlankNode) -> str:
        if isinstance(term, ox.BlankNode):
            raise ValueError("trusty content holds no blank nodes")
        return term.value.replace(code, PLACEHOLDER)

    return _code_of(_rows(quads, normalised)) == code


def _expand_base(base: str) -> str:
    return base + "." if re.search(r"[A-Za-z0-9_-]$", base) else base


def _post_code_char(base: str) -> str:
    return "." if "#" in base else "#"


def pre_iri(base: str, suffix: str | None = None) -> str:
    """The IRI ``base`` + ``suffix`` will have, with ``PLACEHOLDER`` where the code goes."""
    iri = _expand_base(base) + PLACEHOLDER
    if suffix:
        suffix = suffix.replace("#", "%23")
        iri += _post_code_char(base) + ("_" if suffix.startswith("_") else "") + suffix
    return iri


def make_trusty(quads: Sequence[ox.Quad], base: str) -> tuple[str, list[ox.Quad]]:
    """Content made trusty under ``base``: its artifact code, and the quads with the code in.

    IRIs that start with ``base`` are rewritten to carry the code; blank nodes become IRIs
    ``…#_1``, ``…#_2`` in the order they first appear (graph, subject, predicate, object).
    """
    blank_numbers: dict[str, int] = {}

    def pre(term: ox.NamedNode | ox.BlankNode) -> str:
        if isinstance(term, ox.BlankNode):
            number = blank_numbers.setdefault(term.value, len(blank_numbers) + 1)
            return _expand_base(base) + PLACEHOLDER + _post_code_char(base) + f"_{number}"
        if term.value.startswith(base):
            return pre_iri(base, term.value[len(base) :])
        return term.value

    rows = _rows(quads, pre)
    code = _code_of(rows)

    def term(node: Node) -> ox.NamedNode | ox.Literal:
        if node[0] == "iri":
            return ox.NamedNode(node[1].replace(PLACEHOLDER, code))
        _kind, text, datatype, language = node
        if language:
            return ox.Literal(text, language=language)
        return ox.Literal(text, datatype=ox.NamedNode(datatype))

    out = []
    for graph, subject, predicate, obj in rows:
        out.append(
            ox.Quad(
                term(subject),  # type: ignore[arg-type]  # an IRI, as it came
                term(predicate),  # type: ignore[arg-type]
                term(obj),
                ox.DefaultGraph() if graph is None else term(graph),  # type: ignore[arg-type]
            )
        )
    return code, out
