"""Nothing a claim file says is silently dropped: every IRI is checked before JSON-LD expansion.

JSON-LD drops a node or a link whose IRI holds a space or ``<>"{}|^`\\`` (``relayedBy: src:a fp``
vanished, and with it the relay that decides independence), so every id, link, type, closed-list
value, prefixed key and @context prefix is checked (RFC 3987; no bidirectional or control
characters) at its line before expansion; JSON-LD keywords claim files do not need (@reverse,
@nest) are refused at their line; and every field of every valid claim file reaches the graph.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml

from ledger import resources
from ledger.errors import InputError
from ledger.intake.load import _term_table, load_file

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
VALID = DATA / "claims" / "valid"
YAML_CLAIM = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
TURTLE_CLAIM = (VALID / "lead-thousands-fleeing.ttl").read_text(encoding="utf-8")
SOURCES = (ROOT / "claims" / "aleppo-2016-11" / "sources.yaml").read_text(encoding="utf-8")

#: Characters no IRI may hold, each as a YAML double-quoted escape and as a message names it.
BAD_CHARACTERS = [
    (" ", "a space"),
    ("<", "the character '<'"),
    (">", "the character '>'"),
    ('\\"', "the character '\"'"),
    ("{", "the character '{'"),
    ("}", "the character '}'"),
    ("|", "the character '|'"),
    ("^", "the character '^'"),
    ("`", "the character '`'"),
    ("\\\\", "the character '\\\\'"),
    ("\\t", "U+0009"),
    ("\\a", "U+0007"),
    ("\\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\\u200f", "U+200F (RIGHT-TO-LEFT MARK)"),
    ("\\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    ("\\x85", "U+0085"),
]

#: (what is replaced, its line, the field) in the valid claim: one IRI of each kind.
IRI_PLACES = [
    ("id: aleppo:claim/lead-thousands-fleeing", 9, "id"),
    ("type: Claim", 10, "type"),
    ("case: aleppo:case", 11, "case"),
    ("attributedTo: src:article-outlet", 13, "attributedTo"),
    ("reportedIn: aleppo:article", 15, "reportedIn"),
    ("stance: asserts", 16, "stance"),
    ("subject: ent:east-aleppo-civilians", 18, "subject"),
    ("unit: person", 26, "unit"),
    ("source: aleppo:article", 40, "source"),
]


def write(tmp_path: Path, text: str, name: str = "claim.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as refused:
        load_file(path)
    return str(refused.value)


@pytest.mark.parametrize(("escape", "named"), BAD_CHARACTERS, ids=[c[1] for c in BAD_CHARACTERS])
@pytest.mark.parametrize(("place", "line", "key"), IRI_PLACES, ids=[p[2] for p in IRI_PLACES])
def test_an_invalid_iri_is_refused_at_its_line(
    tmp_path: Path, place: str, line: int, key: str, escape: str, named: str
) -> None:
    """Each field that holds an IRI refuses each character no IRI may hold, at the field's line."""
    field, _sep, value = place.partition(": ")
    broken = f'{field}: "{value[:4]}{escape}{value[4:]}"'
    text = refusal(write(tmp_path, YAML_CLAIM.replace(place, broken)))
    assert re.match(rf"\S+claim\.yaml:{line}:\d+: '{key}': '.*' is not an IRI: ", text), text
    assert f"it holds {named}" in text, text
    assert "hint: " in text


@pytest.mark.parametrize(
    ("added", "key"),
    [
        ("  relayedBy: src:a fp", "relayedBy"),
        ("  derivedFrom: [aleppo:claim/x, 'aleppo:claim/y z']", "derivedFrom"),
        ("  derivedFrom:\n  - aleppo:claim/x\n  - aleppo:claim/{y}", "derivedFrom"),
        ("  'cl:transmissionNote two': words", "cl:transmissionNote two"),
    ],
)
def test_a_link_that_json_ld_would_drop_is_refused(tmp_path: Path, added: str, key: str) -> None:
    """relayedBy, derivedFrom and prefixed keys with a space or brace are refused, not dropped."""
    text = YAML_CLAIM.replace("  stance: asserts\n", f"  stance: asserts\n{added}\n")
    message = refusal(write(tmp_path, text))
    assert re.match(rf"\S+claim\.yaml:17:\d+: '{key}': ", message), message


def test_an_invalid_prefix_in_the_context_is_refused(tmp_path: Path) -> None:
    """An inline @context prefix whose IRI holds a space is refused at @context."""
    text = YAML_CLAIM.replace(
        "src: https://w3id.org/claim-ledger/source/", "src: https://w3id.org/claim ledger/source/"
    )
    message = refusal(write(tmp_path, text))
    assert re.match(r"\S+claim\.yaml:3:\d+: '@context src': .* is not an IRI: ", message), message


def test_an_invalid_id_in_json_ld_is_refused_at_its_line(tmp_path: Path) -> None:
    """A .jsonld file's id with a space is refused at the line it is written on."""
    document = json.dumps(yaml.safe_load(YAML_CLAIM), indent=1)
    document = document.replace("claim/lead-thousands-fleeing", "claim/lead thousands")
    line = document.split("claim/lead thousands")[0].count("\n") + 1
    message = refusal(write(tmp_path, document, "claim.jsonld"))
    assert re.match(rf"\S+claim\.jsonld:{line}:\d+: 'id': ", message), message


def test_a_bidi_mark_in_a_turtle_iri_is_refused(tmp_path: Path) -> None:
    """Turtle's parser accepts a right-to-left override in an IRI; claim-ledger refuses it."""
    text = TURTLE_CLAIM.replace(
        "<https://w3id.org/claim-ledger/source/>", "<https://w3id.org/s\u202e/>"
    )
    message = refusal(write(tmp_path, text, "claim.ttl"))
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in message
    assert re.match(r"\S+claim\.ttl:\d+: ", message), message


@pytest.mark.parametrize(
    ("keyword", "value", "hint"),
    [
        ("@reverse", "{attributedTo: src:sohr}", "write the link on the other node"),
        ("@nest", "{comment: words}", "write the nested fields directly"),
        ("@included", "[{id: src:x}]", "write the node's fields directly"),
        ("@index", "x", "write the node's fields directly"),
    ],
)
def test_json_ld_keywords_claim_files_do_not_use_are_refused_at_their_line(
    tmp_path: Path, keyword: str, value: str, hint: str
) -> None:
    """@reverse, @nest and JSON-LD's other extras are refused at their line, with a hint."""
    text = YAML_CLAIM.replace("  stance: asserts\n", f"  stance: asserts\n  '{keyword}': {value}\n")
    message = refusal(write(tmp_path, text))
    assert re.match(rf"\S+claim\.yaml:17:3: the JSON-LD keyword {keyword} is not used", message)
    assert hint in message


def test_json_ld_keyword_in_a_jsonld_file_is_refused_at_its_line(tmp_path: Path) -> None:
    """In a .jsonld file too, @reverse is refused at the line it is written on."""
    data = yaml.safe_load(YAML_CLAIM)
    data["@graph"][0]["@reverse"] = {"attributedTo": "src:sohr"}
    document = json.dumps(data, indent=1)
    line = document.split('"@reverse"')[0].count("\n") + 1
    message = refusal(write(tmp_path, document, "claim.jsonld"))
    assert message.startswith(f"{tmp_path / 'claim.jsonld'}:{line}:"), message


@pytest.mark.parametrize(
    ("old", "new", "odd", "field"),
    [
        (
            "    - SOHR\n    nb:",
            "    - S\u041eHR\n    nb:",
            "U+041E CYRILLIC CAPITAL LETTER O",
            "alternateName",
        ),
        ("id: src:sohr\n", "id: src:s\u043ehr\n", "U+043E CYRILLIC SMALL LETTER O", "id"),
        (
            "en: Syrian Observatory",
            "en: Syrian \u039fbservatory",
            "U+039F GREEK CAPITAL LETTER OMICRON",
            "name",
        ),
    ],
)
def test_a_source_mixing_scripts_gets_a_warning_naming_the_character(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, old: str, new: str, odd: str, field: str
) -> None:
    """A look-alike letter from another script in a source's name or id is warned of, by name."""
    assert old in SOURCES
    with caplog.at_level(logging.WARNING, logger="ledger.intake.load"):
        batch = load_file(write(tmp_path, SOURCES.replace(old, new, 1)))
    assert len(batch.warnings) == 1, batch.warnings
    assert f"is {odd} among Latin letters" in batch.warnings[0]
    assert re.match(r"\S+claim\.yaml:\d+(:\d+)?: warning: ", batch.warnings[0])
    assert caplog.messages == batch.warnings
    assert field in ("id", "name", "alternateName")


# ------------------------------------------------------------------- nothing is dropped


def yaml_claim_files() -> list[Path]:
    """Every YAML claim file that should load: the example case, the valid fixtures, the golds."""
    folders = [ROOT / "claims", VALID, DATA / "extract"]
    return sorted(p for folder in folders for p in folder.rglob("*.yaml"))


def expected_triples(node: dict[str, Any], language_maps: frozenset[str]) -> int:
    """How many triples a YAML node and the nodes inside it must give: one per value."""
    count = 0
    for key, value in node.items():
        if key in ("@context", "id", "@id"):
            continue
        if key == "@graph":
            count += sum(expected_triples(item, language_maps) for item in value)
            continue
        for item in value if isinstance(value, list) else [value]:
            if key in language_maps and isinstance(item, dict):
                count += sum(len(v) if isinstance(v, list) else 1 for v in item.values())
            elif isinstance(item, dict) and "@value" not in item:
                count += 1 + expected_triples(item, language_maps)
            else:
                count += 1
    return count


def leaves(node: Any, key: str | None = None) -> list[tuple[str, Any]]:
    """Every (key, scalar) of a YAML tree outside @context, ids excepted."""
    if isinstance(node, dict):
        return [
            leaf
            for k, v in node.items()
            if k not in ("@context", "id", "@id")
            for leaf in leaves(v, k if key is None or not isinstance(node, dict) else k)
        ]
    if isinstance(node, list):
        return [leaf for item in node for leaf in leaves(item, key)]
    return [(key or "", node)]


@cache
def _scoped_words() -> dict[str, set[str]]:
    """IRI -> the words a property-scoped context gives it (`eventTime: unknown`)."""
    text = resources.read_text(resources.ontology_dir(), "context.jsonld")
    context = json.loads(text)["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str)}
    words: dict[str, set[str]] = {}
    for definition in context.values():
        scoped = definition.get("@context") if isinstance(definition, dict) else None
        for word, target in (scoped or {}).items():
            iri = target if isinstance(target, str) else target.get("@id", "")
            prefix, _, local = iri.partition(":")
            words.setdefault(prefixes.get(prefix, prefix + ":") + local, set()).add(word)
    return words


@pytest.mark.parametrize("path", yaml_claim_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_field_of_a_valid_claim_file_reaches_the_graph(path: Path) -> None:
    """Each value of each valid YAML claim file gives one triple, and each leaf is in the graph."""
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    _terms, language_maps = _term_table()
    quads = load_file(path).quads
    assert len(quads) == expected_triples(tree, language_maps), "a value did not reach the graph"
    written: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object):
            if isinstance(term, ox.Literal):
                written.add(term.value)
                written.add(term.datatype.value.rsplit("#", 1)[-1])
            elif isinstance(term, ox.NamedNode):
                written.add(term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
                written.update(_scoped_words().get(term.value, ()))
    missing = [
        (key, value)
        for key, value in leaves(tree)
        if str(value).rsplit(":", 1)[-1].rsplit("/", 1)[-1] not in written
        and str(value) not in written
        and not (isinstance(value, int | float) and str(value).rstrip("0").rstrip(".") in written)
    ]
    assert missing == []
