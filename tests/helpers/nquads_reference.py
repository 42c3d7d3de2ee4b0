"""A reference writer of canonical N-Quads terms (RDF 1.2 N-Triples, section "Canonical form").

Written from the specification, independently of pyoxigraph, so a test can check that
pyoxigraph's serializer still writes what the ledger hashes.
"""

from __future__ import annotations

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# ECHAR is used for exactly these characters; other controls use UCHAR with uppercase hex.
_ECHAR = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def escape_string(text: str) -> str:
    """The body of a canonical STRING_LITERAL_QUOTE."""
    out = []
    for char in text:
        if char in _ECHAR:
            out.append(_ECHAR[char])
        elif ord(char) <= 0x1F or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """One term in canonical N-Quads form."""
    if isinstance(node, ox.Triple):
        return f"<<( {term(node.subject)} {term(node.predicate)} {term(node.object)} )>>"
    if isinstance(node, ox.NamedNode):
        return f"<{node.value}>"
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    text = f'"{escape_string(node.value)}"'
    if node.language is not None:
        text += f"@{node.language}"
        if node.direction is not None:
            text += f"--{node.direction}"
        return text
    if node.datatype.value != XSD_STRING:
        text += f"^^<{node.datatype.value}>"
    return text


def quad_line(quad: ox.Quad) -> str:
    """One quad as a canonical N-Quads line, with its newline."""
    parts = [term(quad.subject), term(quad.predicate), term(quad.object)]
    if not isinstance(quad.graph_name, ox.DefaultGraph):
        parts.append(term(quad.graph_name))
    return " ".join(parts) + " .\n"
