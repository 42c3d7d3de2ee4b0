"""Load claim files (YAML, JSON-LD, Turtle, N-Triples, RDF/XML) into RDF quads, safely.

The first arrow of the pipeline: files → quads. Nothing here fetches anything: the one
``@context`` a claim file may name is the project's own, shipped in ``ontology/``; any other
remote context, ``owl:imports``, a document behind a URL, a DOCTYPE, a YAML alias is refused
with an error naming the file, the line and what to do instead.

Every node of a YAML claim file is given a blank-node label that encodes its line and column
(``_:L12C5``) or keeps its ``id``, so that validation can point at the line of the field at fault.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import gc
import hashlib
import json
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from ledger import resources
from ledger.errors import InputError, Location, UnsafeInputError
from ledger.vocab import CL, CL_IRI, OWL_IMPORTS, SCHEMA, XSD_IRI

_log = logging.getLogger(__name__)

CONTEXT_IRI = "https://w3id.org/claim-ledger/context.jsonld"
#: Relative IRIs are resolved against this base so that they can be found and refused.
_RELATIVE_BASE = "https://relative.invalid/"
_ALLOWED_SCHEMES = {"http", "https", "urn", "tag", "mailto"}

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
#: The longest value a field of a claim file may hold (quotes are sentences, not documents).
MAX_VALUE_CHARS = 64 * 1024
#: Figures and offsets claim-ledger compares: fewer than 10^15 in magnitude (15 digits before the
#: point), at most 6 decimals. Larger figures are typos or need a larger unit; the analysis
#: compares them exactly as decimals, and a value like 1e400 once broke it for a whole ledger.
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 6
NUMBER_LIMIT = f"|x| < 10^{MAX_INTEGER_DIGITS} with at most {MAX_DECIMALS} decimals"
#: The most values one field of one node may list in YAML or JSON-LD, and the most links and
#: nested nodes one node may have in any syntax: a claim has a dozen; the shapes' checks of one
#: claim grow faster than its size (1,000 quotes validate in 2 s, 20,000 took minutes).
MAX_VALUES_PER_FIELD = 1000
MAX_LINKS_PER_NODE = 2 * MAX_VALUES_PER_FIELD

YAML_SUFFIXES = {".yaml", ".yml"}
RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
JSONLD_SUFFIXES = {".jsonld", ".json"}
CLAIM_FILE_SUFFIXES = YAML_SUFFIXES | set(RDF_SUFFIXES) | JSONLD_SUFFIXES


@dataclass(frozen=True)
class Document:
    """A stored source document: its IRI, local file, text and SHA-256."""

    iri: str
    path: Path
    sha256: str
    text: str


@dataclass
class LoadedBatch:
    """Everything a set of claim files means, with where each node and field was written."""

    files: list[Path] = field(default_factory=list)
    quads: list[ox.Quad] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    #: node (IRI or ``_:label``) → where it is written
    node_locations: dict[str, Location] = field(default_factory=dict)
    #: (node, predicate IRI) → where that field is written
    field_locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    #: what is accepted but looks wrong ("file:line: warning: …"), also logged as it is found
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: LoadedBatch) -> None:
        self.files.extend(other.files)
        self.warnings.extend(other.warnings)
        self.quads.extend(other.quads)
        self.documents.update(other.documents)
        for key, loc in other.node_locations.items():
            self.node_locations.setdefault(key, loc)
        for fkey, loc in other.field_locations.items():
            self.field_locations.setdefault(fkey, loc)


def node_key(term: ox.NamedNode | ox.BlankNode | Any) -> str:
    """The key a node is known by in location maps: its IRI, or ``_:label``."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


# --------------------------------------------------------------------------- the shipped context


@cache
def shipped_context() -> dict[str, Any]:
    """The project's JSON-LD context (the value of its ``@context`` key)."""
    data = json.loads(resources.read_text(resources.ontology_dir(), "context.jsonld"))
    ctx: dict[str, Any] = data["@context"]
    return ctx


@cache
def _language_tagged_terms() -> frozenset[str]:
    """Text fields whose plain strings the context tags with a language (``"@language"``)."""
    return frozenset(
        key
        for key, value in shipped_context().items()
        if isinstance(value, dict) and "@language" in value and "@container" not in value
    )


_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _is_language_map(value: Any) -> bool:
    """``{en: "…", nb: "…"}``: language tags to texts."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and _LANGUAGE_TAG.fullmatch(k) for k in value)
        and all(isinstance(text, str) for text in value.values())
    )


@cache
def _term_table() -> tuple[dict[str, str], frozenset[str]]:
    """(term or prefix → expanded IRI, terms whose values are language maps)."""
    ctx = shipped_context()
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    terms: dict[str, str] = {}
    language_maps: set[str] = set()
    for key, value in ctx.items():
        if key.startswith("@"):
            continue
        iri = value if isinstance(value, str) else value.get("@id", "")
        terms[key] = _expand_with(iri, prefixes)
        if isinstance(value, dict) and value.get("@container") == "@language":
            language_maps.add(key)
    return terms, frozenset(language_maps)


def _expand_with(value: str, prefixes: dict[str, str]) -> str:
    if value.startswith("@") or value.startswith("_:"):
        return value
    prefix, sep, rest = value.partition(":")
    if sep and prefix in prefixes and not rest.startswith("//"):
        return prefixes[prefix] + rest
    return value


# --------------------------------------------------------------------------- entry points


def claim_files(paths: Iterable[Path]) -> list[Path]:
    """The claim files named by ``paths``: files as given, folders expanded (sorted, recursive).

    A folder's hidden files and folders (``.claim-ledger/``, the ledger itself, ``.git/``, an
    editor's ``.swp``) are never claim files: ``claim-ledger run .`` inside a case folder must
    not read the ledger it writes.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in CLAIM_FILE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                raise InputError(
                    "no claim files in this folder",
                    where=str(path),
                    hint="claim files end in .yaml, .yml, .ttl, .nt, .jsonld or .rdf",
                )
            found.extend(inside)
        elif path.exists():
            found.append(path)
        else:
            raise InputError("no such file or folder", where=str(path))
    return found


def load_paths(paths: Iterable[Path]) -> LoadedBatch:
    """Load every claim file named by ``paths`` into one batch.

    Blank nodes are local to their file: where two files use the same label (``_:L18C5``, the
    same line and column in both), the later file's node is relabelled (``_:F2L18C5``) so that
    the two stay two nodes.
    """
    batch = LoadedBatch()
    labels: set[str] = set()
    with _no_gc_pauses():
        for number, path in enumerate(claim_files(paths), start=1):
            loaded = load_file(path)
            own = _blank_labels(loaded.quads)
            if own & labels:
                renamed = {label: _fresh_label(f"F{number}{label}", labels | own) for label in own}
                _relabel_blank_nodes(loaded, renamed)
                own = set(renamed.values())
            labels |= own
            batch.extend(loaded)
    return batch


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Hold off Python's cycle collector while files are loaded; let it run after as usual.

    Loading allocates hundreds of thousands of objects that stay alive (the YAML tree, the
    locations, the quads); each allocation burst sets off a collection that walks all of them
    again, which took about half the time of loading a 1,000-claim batch. Nothing collectable is
    made here in quantity: what the loading leaves for the collector is collected once it is
    back on. The collector is only switched back on if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _blank_labels(quads: Iterable[ox.Quad]) -> set[str]:
    found: set[str] = set()
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode):
            found.add(quad.subject.value)
        if isinstance(quad.object, ox.BlankNode):
            found.add(quad.object.value)
    return found


def _fresh_label(label: str, taken: set[str]) -> str:
    while label in taken:
        label += "_"
    return label


def _relabel_blank_nodes(batch: LoadedBatch, renamed: dict[str, str]) -> None:
    """Rename blank nodes in a file's quads and in everything keyed by them."""

    def term(value: Any) -> Any:
        if isinstance(value, ox.BlankNode):
            return ox.BlankNode(renamed.get(value.value, value.value))
        return value

    def key(node: str) -> str:
        return "_:" + renamed.get(node[2:], node[2:]) if node.startswith("_:") else node

    batch.quads = [
        ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in batch.quads
    ]
    batch.node_locations = {key(k): v for k, v in batch.node_locations.items()}
    batch.field_locations = {(key(k), p): v for (k, p), v in batch.field_locations.items()}
    batch.documents = {
        key(k): dataclasses.replace(d, iri=key(d.iri)) for k, d in batch.documents.items()
    }


def context_prefixes(path: Path) -> dict[str, str]:
    """The prefixes a YAML claim file declares in its ``@context`` (name → namespace; the first
    of a name wins), for writing IRIs back as the file writes them; ``{}`` when the file cannot
    be read as YAML (loading it says why)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    context = data.get("@context") if isinstance(data, dict) else None
    found: dict[str, str] = {}
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str) and not str(key).startswith("@"):
                    found.setdefault(str(key), value)
    return found


def load_file(path: Path) -> LoadedBatch:
    """Load one claim file, choosing the reader by its suffix."""
    try:
        return _load_file(path)
    except RecursionError:
        raise InputError("the file is nested too deeply to process", where=str(path)) from None


def _load_file(path: Path) -> LoadedBatch:
    suffix = path.suffix.lower()
    if suffix not in CLAIM_FILE_SUFFIXES:
        raise InputError(
            f"unsupported file type {suffix or '(none)'!r}",
            where=str(path),
            hint="claim files end in .yaml, .yml, .ttl, .nt, .jsonld or .rdf",
        )
    text = read_text_file(path, MAX_FILE_BYTES)
    if not text.strip():
        raise InputError(
            "the file is empty",
            where=str(path),
            hint="a claim file holds an @context and a @graph of claims (YAML) or triples (Turtle)",
        )
    if suffix in YAML_SUFFIXES:
        return _load_jsonld(path, _yaml_tree(path, text), text)
    if suffix in JSONLD_SUFFIXES:
        try:
            # Numbers stay as written where JSON-LD would change them: a fraction (2.5 would
            # become the double 2.5E0), and anything a float or the analysis cannot hold
            # (1e400 would become INF, 10^30 "1.0E30"), which the checks then refuse as written.
            tree = json.loads(
                text, parse_float=_exact_decimal_text, parse_int=_json_int, parse_constant=str
            )
        except json.JSONDecodeError as exc:
            raise InputError(
                f"JSON syntax error: {exc.msg}",
                where=str(Location(str(path), exc.lineno, exc.colno)),
                hint="look for a missing comma, quote or bracket just before this position; "
                "JSON allows no trailing comma and no comments",
            ) from None
        return _load_jsonld(path, _PlainTree(tree), text)
    return _load_rdf(path, text, RDF_SUFFIXES[suffix])


def read_text_file(path: Path, limit: int) -> str:
    """A file's text, refusing what is too large, binary or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                f"file is {size:,} bytes, more than the {limit:,} a claim-ledger input may have",
                where=str(path),
                hint="split the file into smaller batches",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", where=str(path)) from None
    if b"\x00" in data:
        raise InputError(
            "this is a binary file, not a text claim file (it contains NUL bytes)",
            where=str(path),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            where=str(Location(str(path), line, column)),
            hint="save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
        ) from None
    return text.removeprefix("\ufeff")


# --------------------------------------------------------------------------- YAML


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML loading that refuses anchors and aliases (a YAML alias bomb can't expand)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs
        if isinstance(event, yaml.AliasEvent):
            raise _AliasError(event.start_mark)
        if getattr(event, "anchor", None):
            raise _AliasError(event.start_mark)
        return super().compose_node(parent, index)


class _AliasError(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__()
        self.mark = mark


@dataclass
class _Tree:
    """A parsed JSON-LD tree with the line of each mapping and key, when known."""

    value: Any
    # id(mapping) → (line, column); id(mapping), key → line
    node_marks: dict[int, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)


def _PlainTree(value: Any) -> _Tree:  # noqa: N802 - reads like a constructor
    return _Tree(value)


#: Where an anchor (&name) or alias (*name) could start: after a space, a line start or a flow
#: indicator. Text matching nowhere cannot hold one; text matching somewhere (a quoted "Q & *A")
#: takes the exact, slower path.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:?-])[&*][^\s]", re.M)


def _yaml_tree(path: Path, text: str) -> _Tree:
    """The file's YAML as a JSON-compatible tree with the position of every mapping and key."""
    if yaml.__with_libyaml__ and not _MAYBE_ANCHOR.search(text):
        tree = _fast_yaml_tree(path, text)
        if tree is not None:
            return tree
    return _exact_yaml_tree(path, text)


def _fast_yaml_tree(path: Path, text: str) -> _Tree | None:
    """libyaml's parser (C, about 10x faster), or None to take the exact path.

    The tree is built from libyaml's events rather than its composer's nodes: the composer makes
    a Python node and calls the Python resolver for every scalar, and ``_convert`` then walks
    the nodes again (about a fifth of the YAML time of a 1,000-claim batch). The values are the
    ones ``_convert`` gives for the composed nodes (the same tag resolution, the same
    ``_scalar``), in the same order, so that its errors come in the same order too. Any parse
    error, anchor or alias, and any tree ``_convert`` would refuse, goes back to the pure-Python
    composer, whose messages and positions are the ones users and tests see.
    libyaml counts lines and columns in characters, as PyYAML does.
    """
    loader = yaml.CSafeLoader(text)
    try:
        # The whole stream is parsed before any scalar is constructed, as the composer did, so
        # a syntax error anywhere is found before a constructor error in an earlier value.
        events = _yaml_events(loader)
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    if events is None:
        return None
    tree = _Tree(None)
    try:
        tree.value = _EventTreeBuilder(events, tree).build()
    except (_StepAside, _TagError, RecursionError):
        return None
    return tree


class _StepAside(Exception):
    """The fast YAML path cannot give the exact path's result: take the exact path."""


def _yaml_events(loader: Any) -> list[Any] | None:
    """The events of a one-document stream without anchors or aliases, else None."""
    get_event = loader.get_event
    events = [get_event(), get_event()]
    if not isinstance(events[1], yaml.DocumentStartEvent):
        return None  # no document at all
    while True:
        event = get_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return None
        events.append(event)
        if isinstance(event, yaml.DocumentEndEvent):
            break
    if not isinstance(get_event(), yaml.StreamEndEvent):
        return None  # another document follows
    return events


#: The first characters of a plain scalar that some implicit resolver (int, float, bool, null,
#: timestamp, ...) may claim; any other plain scalar resolves to a string, as
#: ``BaseResolver.resolve`` finds no resolver to try. None would mean resolvers for any scalar.
_IMPLICIT_FIRST = frozenset(yaml.CSafeLoader.yaml_implicit_resolvers)
_ALWAYS_RESOLVE = None in _IMPLICIT_FIRST or bool(yaml.CSafeLoader.yaml_path_resolvers)


class _EventTreeBuilder:
    """Build a JSON-compatible tree from a document's events, as ``_convert`` does from nodes."""

    def __init__(self, events: list[Any], tree: _Tree) -> None:
        self.events = iter(events[2:])  # after the stream and document starts
        self.node_marks = tree.node_marks
        self.key_marks = tree.key_marks

    def build(self) -> Any:
        return self.value(next(self.events))

    def value(self, event: Any) -> Any:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            return _event_scalar(event)
        if event.tag is not None and event.tag != "!":
            raise _StepAside  # a tagged list or mapping: the exact path refuses it
        if kind is yaml.MappingStartEvent:
            return self.mapping(event)
        if kind is yaml.SequenceStartEvent:
            events = self.events
            out: list[Any] = []
            append = out.append
            item = next(events)
            while type(item) is not yaml.SequenceEndEvent:
                append(self.value(item))
                item = next(events)
            return out
        raise _StepAside

    def mapping(self, event: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        out_id = id(out)
        mark: Any = event.start_mark
        self.node_marks[out_id] = (mark.line + 1, mark.column + 1)
        key_marks = self.key_marks
        events = self.events
        key_event: Any = next(events)
        while type(key_event) is not yaml.MappingEndEvent:
            if type(key_event) is not yaml.ScalarEvent:
                raise _StepAside  # a mapping or list as a key: _convert refuses it
            key = _event_scalar(key_event)
            if type(key) is not str or key in out:
                raise _StepAside  # _convert refuses it, with the exact path's position
            value_event = next(events)
            if type(value_event) is yaml.ScalarEvent:  # most values: one call fewer
                out[key] = _event_scalar(value_event)
            else:
                out[key] = self.value(value_event)
            mark = key_event.start_mark
            key_marks[(out_id, key)] = (mark.line + 1, mark.column + 1)
            key_event = next(events)
        return out


def _event_scalar(event: Any) -> Any:
    """The value ``_scalar`` gives for the node the composer would make of this scalar event."""
    tag = event.tag
    if tag is None or tag == "!":
        # The composer's tag resolution (CParser._compose_scalar_node → Resolver.resolve),
        # skipping the call where resolve() can only answer "string".
        implicit = event.implicit
        value = event.value
        if not _ALWAYS_RESOLVE and (not implicit[0] or value[:1] not in _IMPLICIT_FIRST):
            return value
        tag = _SCALAR_LOADER.resolve(  # type: ignore[no-untyped-call]  # PyYAML's stubs
            yaml.ScalarNode, value, implicit
        )
        if tag == _STR_TAG:
            return value
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    return _scalar(node)


def _exact_yaml_tree(path: Path, text: str) -> _Tree:
    try:
        loader = _NoAliasLoader(text)  # its reader refuses unprintable characters at once
    except yaml.reader.ReaderError as exc:
        raise InputError(
            f"YAML does not allow the character U+{exc.character:04X} "
            "(a control or other unprintable character)",
            where=str(_text_location(path, text, exc.position)),
            hint='remove it, or write it as an escape inside double quotes, e.g. "\\x07"',
        ) from None
    try:
        node = loader.get_single_node()
    except _AliasError as exc:
        raise UnsafeInputError(
            "YAML anchors and aliases (&name, *name) are not allowed in claim files",
            where=str(Location(str(path), exc.mark.line + 1, exc.mark.column + 1)),
            hint="write each value out in full",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = str(Location(str(path), mark.line + 1, mark.column + 1)) if mark else str(path)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"YAML syntax error: {problem}",
            where=where,
            hint=_yaml_hint(problem, exc.context_mark.line + 1 if exc.context_mark else None),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", where=str(path)) from None
    except RecursionError:
        raise InputError("YAML is nested too deeply", where=str(path)) from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError("the file holds no YAML document", where=str(path))
    tree = _Tree(None)
    try:
        tree.value = _convert(node, tree, path)
    except RecursionError:
        raise InputError("YAML is nested too deeply", where=str(path)) from None
    except _TagError as exc:
        raise InputError(
            str(exc),
            where=str(_mark(path, exc.node)),
            hint="remove the tag, or quote the value to keep it as text",
        ) from None
    return tree


def _convert(node: yaml.Node, tree: _Tree, path: Path, seen: set[int] | None = None) -> Any:
    """YAML node → JSON-compatible value; dates become ISO strings, floats exact decimals.

    seen: ids of the collection nodes met so far, to notice a node composed twice (an alias).
    """
    if seen is not None and not isinstance(node, yaml.ScalarNode):
        if id(node) in seen:
            raise _AliasError(node.start_mark)
        seen.add(id(node))
    if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
        raise _TagError(node, "is not allowed in claim files")  # !!python/object:…, !!set
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        tree.node_marks[id(out)] = (node.start_mark.line + 1, node.start_mark.column + 1)
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if not isinstance(key, str):
                raise InputError(
                    f"mapping keys must be text, not {key!r}",
                    where=str(_mark(path, key_node)),
                )
            if key in out:
                raise InputError(
                    f"the key {key!r} appears twice in the same mapping",
                    where=str(_mark(path, key_node)),
                    hint="write a list for several values",
                )
            out[key] = _convert(value_node, tree, path, seen)
            tree.key_marks[(id(out), key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, tree, path, seen) for item in node.value]
    return _scalar(node)


def _surrogate_location(path: Path) -> Location | str:
    """Where a YAML file writes a lone surrogate escape (\\uD800-\\uDFFF), or just the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return str(path)
    found = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", text)
    return _text_location(path, text, found.start()) if found else str(path)


def _text_location(path: Path, text: str, position: int) -> Location:
    """The line and column (from 1) of the character at ``position`` in ``text``."""
    line_start = text.rfind("\n", 0, position) + 1
    return Location(str(path), text.count("\n", 0, position) + 1, position - line_start + 1)


def _mark(path: Path, node: yaml.Node) -> Location:
    return Location(str(path), node.start_mark.line + 1, node.start_mark.column + 1)


_STR_TAG = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_WORD_TAGS = frozenset({"tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"})


class _TagError(Exception):
    """A value with a YAML tag that claim files do not use (``!foo``, ``!!python/…``), or that
    does not fit its value (``!!timestamp 2016``)."""

    def __init__(self, node: yaml.Node, problem: str) -> None:
        tag = str(node.tag)
        if tag.startswith("tag:yaml.org,2002:"):
            tag = "!!" + tag.removeprefix("tag:yaml.org,2002:")  # as the file writes it
        super().__init__(f"the YAML tag {tag} {problem}")
        self.node = node


def _scalar(node: yaml.Node) -> Any:
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value  # what SafeConstructor.construct_yaml_str returns, without the calls
    try:
        value = yaml.SafeLoader.construct_object(_SCALAR_LOADER, node)
    except (ValueError, OverflowError):
        # A date-like scalar that is no date (2016-13-45): keep the words; the shapes say why
        # they are not a date.
        return str(node.value)
    except yaml.constructor.ConstructorError:
        if node.tag in _WORD_TAGS:  # a bare "=" or "<<": YAML 1.1 keys, plain words here
            return str(node.value)
        raise _TagError(node, "is not allowed in claim files") from None
    except (AttributeError, TypeError, KeyError):  # PyYAML's constructors on a value that does
        # not fit the tag written before it (!!timestamp 2016) fail in these ways
        raise _TagError(node, f"does not fit the value {str(node.value)[:40]!r}") from None
    finally:
        # The constructor remembers every node it built until the end of a document, which
        # never comes for this shared loader: forget it, or every scalar ever loaded stays.
        _SCALAR_LOADER.constructed_objects.pop(node, None)
        _SCALAR_LOADER.recursive_objects.pop(node, None)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(node.value)
        return _exact_decimal_text(str(node.value).replace("_", ""))
    if type(value) is int and not -_INT_LIMIT < value < _INT_LIMIT:
        # JSON-LD would turn 10^30 into the double "1.0E30"; as digits, the checks refuse it
        # quoting what was written.
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return node.value
    return value


_SCALAR_LOADER = yaml.SafeLoader("")
_INT_LIMIT = 10**MAX_INTEGER_DIGITS


def _exact_decimal_text(written: str) -> str:
    """A fraction as exact decimal digits (2.0e+3 → 2000); as written when far out of bounds.

    Kept as written (1e400, 1.5e+300, 1e-400) when its digits would far exceed the limits: the
    checks then refuse it quoting what the file says, not 400 digits.
    """
    try:
        number = Decimal(written)
    except ArithmeticError:
        return written
    if not number.is_finite():
        return written
    exponent = number.as_tuple().exponent
    if number.adjusted() >= MAX_INTEGER_DIGITS or (
        isinstance(exponent, int) and exponent < -(MAX_DECIMALS + 30)
    ):
        return written
    return format(number, "f")


def _json_int(written: str) -> int | str:
    """A JSON integer as a number, or as its digits when beyond the limits (see ``_scalar``)."""
    if len(written.lstrip("-")) > MAX_INTEGER_DIGITS:
        return written
    return int(written)


# --------------------------------------------------------------------------- JSON-LD


def _check_context(path: Path, tree: _Tree, text: str | None = None) -> dict[str, str]:
    """Replace the project's context IRI by the shipped context; refuse anything remote.

    Returns the prefixes the file defines in its inline contexts (for locating nodes).
    """
    doc = tree.value
    where = str(path)
    if isinstance(doc, list):
        raise InputError(
            "a claim file is one mapping with @context and @graph, not a list",
            where=where,
            hint=f"start the file with '\"@context\": {CONTEXT_IRI}'",
        )
    if not isinstance(doc, dict):
        raise InputError(
            "a claim file is a mapping with @context and @graph",
            where=where,
            hint=f"start the file with '\"@context\": {CONTEXT_IRI}'",
        )
    line = tree.key_marks.get((id(doc), "@context"))
    if line:
        where = str(Location(str(path), *line))
    if "@context" not in doc:
        raise InputError(
            "the file has no @context",
            where=where,
            hint=f"start the file with '\"@context\": {CONTEXT_IRI}'",
        )
    context = doc["@context"]
    parts = context if isinstance(context, list) else [context]
    resolved: list[Any] = []
    local_prefixes: dict[str, str] = {}
    for part in parts:
        if isinstance(part, str):
            if part != CONTEXT_IRI:
                raise UnsafeInputError(
                    f"remote @context {part!r} refused: claim-ledger never fetches anything",
                    where=where,
                    hint=f"use the shipped context {CONTEXT_IRI} and define extra prefixes inline",
                )
            resolved.append(shipped_context())
        elif isinstance(part, dict):
            _refuse_remote_in_context(part, where)
            hidden = sorted(k for k in part if k in shipped_context() and not k.startswith("@"))
            if hidden:
                raise InputError(
                    "the inline @context redefines claim-ledger's term(s) "
                    + ", ".join(map(repr, hidden)),
                    where=where,
                    hint="choose another prefix name (e.g. 'mycase' instead of 'case')",
                )
            for key, value in part.items():
                iri = value.get("@id") if isinstance(value, dict) else value
                if isinstance(iri, str) and not key.startswith("@"):
                    _refuse_invalid_iri(iri, f"@context {key}", path, text, where)
            local_prefixes.update(
                {k: v for k, v in part.items() if isinstance(v, str) and not k.startswith("@")}
            )
            resolved.append(part)
        else:
            raise InputError(
                f"@context entries must be text or mappings, not {part!r}", where=where
            )
    if not any(p is shipped_context() for p in resolved):
        raise InputError(
            "the @context does not include claim-ledger's context",
            where=where,
            hint=f"list {CONTEXT_IRI} first in @context",
        )
    doc["@context"] = resolved
    return local_prefixes


def _refuse_remote_in_context(context: dict[str, Any], where: str) -> None:
    for key, value in context.items():
        if key in ("@import", "@base", "@propagate"):
            raise UnsafeInputError(
                f"{key} in an inline @context is refused: claim-ledger never fetches anything",
                where=where,
            )
        if isinstance(value, dict) and "@context" in value:
            raise UnsafeInputError(
                f"a scoped @context in term {key!r} is refused in claim files", where=where
            )


_VALUE_KEYS = {"@value", "@list", "@set", "@language", "@direction"}


def _label_nodes(
    tree: _Tree,
    path: Path,
    prefixes: dict[str, str],
    batch: LoadedBatch,
    text: str | None = None,
) -> None:
    """Give unnamed nodes a line-encoding blank-node label; record node and field lines.

    Refuses, at the key's line, what JSON-LD would silently drop or what claim files do not use:
    a value that is no IRI where an IRI is due (``src:a fp``), a JSON-LD keyword such as
    ``@reverse`` or ``@nest``, a field the context does not define.
    """
    terms, language_maps = _term_table()
    tagged_terms = _language_tagged_terms()
    iri_keys = _iri_valued_keys()
    known_keys = set(terms) | set(prefixes)
    all_prefixes = prefixes | _prefix_map()
    where = str(path)
    node_marks, key_marks = tree.node_marks, tree.key_marks
    node_locations, field_locations = batch.node_locations, batch.field_locations
    # A file repeats the same few keys thousands of times: each key's checks and expansion are
    # done once (the answers depend on the key alone).
    accepted_keys = set(known_keys)
    predicate_of: dict[str, str] = {}

    def walk(value: Any, parent_key: str | None, is_top: bool) -> None:
        if isinstance(value, list):
            for item in value:
                if isinstance(item, (list, dict)):
                    walk(item, parent_key, False)
            return
        if not isinstance(value, dict):
            return
        if parent_key in language_maps or parent_key == "@context":
            return
        value_id = id(value)
        mark = node_marks.get(value_id)
        is_node = _VALUE_KEYS.isdisjoint(value) and not (is_top and "@graph" in value)
        key: str | None = None
        if is_node:
            # the value of the first of "id" and "@id" that the mapping has
            explicit = value["id"] if "id" in value else value.get("@id")
            if isinstance(explicit, str):
                key = _expand_with(explicit, all_prefixes)
            elif mark:
                key = f"_:L{mark[0]}C{mark[1]}"
                value["@id"] = key
            if key and mark and key not in node_locations:
                node_locations[key] = Location(where, *mark)
        for k, v in value.items():
            if k == "@context":
                continue
            if k in tagged_terms and _is_language_map(v):
                # {en: "…", nb: "…"} for a text field tagged English by default (as `name`
                # takes it): the same texts with their languages, not a node with a field 'en'
                v = value[k] = [{"@value": s, "@language": tag} for tag, s in v.items()]
            if k in _ID_AND_TYPE_KEYS and not all(
                isinstance(i, str)
                for i in (v if isinstance(v, list) and k in ("type", "@type") else [v])
            ):
                kmark = key_marks.get((value_id, k))
                raise InputError(
                    f"{k!r} must be {_ID_OR_TYPE_EXAMPLE['id' in k]}, "
                    f"not {_shorten_iri(json.dumps(v, ensure_ascii=False, default=str))}",
                    where=str(Location(where, *kmark)) if kmark else where,
                    hint="write it as one word; quote it if YAML would read it as a number or date",
                )
            if k in iri_keys or ":" in k:
                written = [k] if ":" in k and k not in iri_keys else []
                written += [i for i in (v if isinstance(v, list) else [v]) if isinstance(i, str)]
                for item in written:
                    if _NOT_IN_IRI.search(item):  # the location is made only for a refusal
                        kmark = key_marks.get((value_id, k))
                        place = str(Location(where, *kmark)) if kmark else where
                        _refuse_invalid_iri(item, k, path, text, place)
            if k not in accepted_keys:
                if k.startswith("@") and k not in _CLAIM_FILE_KEYWORDS:
                    kmark = key_marks.get((value_id, k))
                    raise InputError(
                        f"the JSON-LD keyword {k} is not used in claim files",
                        where=str(Location(where, *kmark))
                        if kmark
                        else _text_where(path, text, json.dumps(k), where),
                        hint=_KEYWORD_HINTS.get(k, _KEYWORD_HINT),
                    )
                if not k.startswith("@") and ":" not in k:
                    kmark = key_marks.get((value_id, k))
                    suggestion = difflib.get_close_matches(k, sorted(terms), n=1)
                    raise InputError(
                        f"unknown field {k!r}",
                        where=str(Location(where, *kmark)) if kmark else where,
                        hint=(
                            f"did you mean {suggestion[0]!r}?"
                            if suggestion
                            else "see the fields of ontology/context.jsonld"
                        ),
                    )
                accepted_keys.add(k)
            if key:
                kmark = key_marks.get((value_id, k))
                if kmark:
                    predicate = predicate_of.get(k)
                    if predicate is None:
                        predicate = terms.get(k) or _expand_with(k, all_prefixes)
                        predicate_of[k] = predicate
                    if (key, predicate) not in field_locations:
                        field_locations[(key, predicate)] = Location(where, *kmark)
            if isinstance(v, list) and len(v) > MAX_VALUES_PER_FIELD and k != "@graph":
                kmark = key_marks.get((value_id, k))
                raise InputError(
                    f"{k!r} lists {len(v):,} values, more than the {MAX_VALUES_PER_FIELD:,} "
                    "one field of claim-ledger may hold",
                    where=str(Location(where, *kmark)) if kmark else where,
                    hint="a claim rests on a few quotes: give each statement its own claim",
                )
            if isinstance(v, (list, dict)):
                walk(v, k, False)

    walk(tree.value, None, True)


#: The JSON-LD keywords a claim file may use; JSON-LD's others (@reverse, @nest, @included,
#: @index, …) are refused: none is needed, and some make the expansion drop or move data.
_CLAIM_FILE_KEYWORDS = frozenset(
    {"@context", "@graph", "@id", "@type", "@value", "@language", "@list", "@set"}
)
_KEYWORD_HINTS = {
    "@reverse": "write the link on the other node (e.g. give the claim 'attributedTo' its source)",
    "@nest": "write the nested fields directly in the node",
}
_ID_AND_TYPE_KEYS = frozenset({"id", "@id", "type", "@type"})
_ID_OR_TYPE_EXAMPLE = {True: "a name such as src:sohr", False: "a class name such as Claim"}
_KEYWORD_HINT = "write the node's fields directly, as ontology/context.jsonld names them"

#: Characters no IRI may hold (RFC 3987): controls, space, the delimiters <>"{}|^`\, the
#: bidirectional formatting marks (which make an IRI display as another), noncharacters.
_NOT_IN_IRI = re.compile(
    r'[\x00-\x20<>"{}|^`\\\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069'
    r"\ufdd0-\ufdef\ufff0-\uffff\ud800-\udfff]"
)


def _refuse_invalid_iri(value: str, key: str, path: Path, text: str | None, where: str) -> None:
    """Refuse ``value`` where an IRI is due if it holds a character no IRI may hold."""
    bad = _NOT_IN_IRI.search(value)
    if bad is None:
        return
    char = bad.group()
    name = unicodedata.name(char, "a control character")
    if text is not None and where == str(path):
        where = _text_where(path, text, value, where)
    raise InputError(
        f"{key!r}: {_shorten_iri(value)!r} is not an IRI: it holds {_describe(char)}"
        + ("" if char in ' <>"{}|^`\\' else f" ({name})")
        + ", which JSON-LD would drop with its link",
        where=where,
        hint="an id or link is one word: write a hyphen for a space (src:a-fp), or "
        "percent-encode the character (%20)",
    )


def _describe(char: str) -> str:
    if char == " ":
        return "a space"
    if char.isprintable() and not unicodedata.category(char).startswith("C"):
        return f"the character {char!r}"
    return f"U+{ord(char):04X}"


def _shorten_iri(value: str) -> str:
    return value if len(value) <= 80 else value[:60] + "…"


def _text_where(path: Path, text: str | None, needle: str, default: str) -> str:
    """The line and column of ``needle``'s first appearance in ``text``, else ``default``."""
    if text is not None:
        position = text.find(needle)
        if position >= 0:
            return str(_text_location(path, text, position))
    return default


@cache
def _iri_valued_keys() -> frozenset[str]:
    """Keys whose values are IRIs or terms: ids, types, links and closed lists."""
    ctx = shipped_context()
    keys = {"id", "@id", "type", "@type"}
    keys.update(
        k for k, v in ctx.items() if isinstance(v, dict) and v.get("@type") in ("@id", "@vocab")
    )
    return frozenset(keys)


@cache
def _vocab_fields() -> frozenset[str]:
    """Predicates whose values are terms of a closed list (``"@type": "@vocab"``)."""
    terms, _ = _term_table()
    ctx = shipped_context()
    return frozenset(
        terms[k] for k, v in ctx.items() if isinstance(v, dict) and v.get("@type") == "@vocab"
    )


@cache
def _prefix_map() -> dict[str, str]:
    ctx = shipped_context()
    return {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}


def _load_jsonld(path: Path, tree: _Tree, text: str | None = None) -> LoadedBatch:
    batch = LoadedBatch(files=[path])
    prefixes = _check_context(path, tree, text)
    _label_nodes(tree, path, prefixes, batch, text)
    quads: list[ox.Quad] = []
    for part in _json_ld_parts(tree.value):
        try:
            document = json.dumps(part, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:  # "\uD800" in YAML: half of a UTF-16 pair
            raise InputError(
                f"a value holds U+{ord(exc.object[exc.start]):04X}, half of a UTF-16 surrogate "
                "pair, which is not a character",
                where=str(_surrogate_location(path)),
                hint="write the character itself, or its full \\U0001XXXX escape",
            ) from None
        try:
            quads.extend(ox.parse(document, format=ox.RdfFormat.JSON_LD, base_iri=_RELATIVE_BASE))
        except SyntaxError as exc:
            raise _json_ld_error(path, text, str(exc.msg)) from None
        except ValueError as exc:
            raise _json_ld_error(path, text, str(exc)) from None
    batch.quads = _date_times_typed(quads)
    _check_quads(path, batch, text)
    _attach_documents(path, batch)
    return batch


_BOUNDS = (ox.NamedNode(CL_IRI + "earliest"), ox.NamedNode(CL_IRI + "latest"))
_XSD_DATE = ox.NamedNode(XSD_IRI + "date")


_DATE_PUBLISHED = ox.NamedNode(str(SCHEMA.datePublished))
_XSD_STRING = ox.NamedNode(XSD_IRI + "string")
#: a plain ``datePublished`` as precise as it is written: its datatype by its form
_DATE_FORMS = (
    (re.compile(r"\d{4}"), "gYear"),
    (re.compile(r"\d{4}-\d{2}"), "gYearMonth"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "date"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?"), "dateTime"),
)


def _date_times_typed(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Dates typed as they are written, where the context cannot know.

    A time span's bound written with a time of day (``'2017-04-05T18:00:00'``) is a dateTime:
    the context types ``earliest`` and ``latest`` as ``xsd:date``, what most bounds are, and a
    bound to the hour would otherwise be an ill-typed date that rdflib cuts to its day. A plain
    ``datePublished: 2016-11-28`` is an ``xsd:date`` (``2016-11`` a gYearMonth, ``2016`` a
    gYear), as the typed form ``{'@value': …, '@type': …}`` says it.
    """
    for i, quad in enumerate(quads):
        obj = quad.object
        if not isinstance(obj, ox.Literal):
            continue
        datatype = ""
        if quad.predicate in _BOUNDS and obj.datatype == _XSD_DATE and "T" in obj.value:
            datatype = "dateTime"
        elif quad.predicate == _DATE_PUBLISHED and obj.datatype == _XSD_STRING:
            datatype = next((t for form, t in _DATE_FORMS if form.fullmatch(obj.value)), "")
        if datatype:
            quads[i] = ox.Quad(
                quad.subject,
                quad.predicate,
                ox.Literal(obj.value, datatype=ox.NamedNode(XSD_IRI + datatype)),
                quad.graph_name,
            )
    return quads


#: Nodes of a file's @graph expanded per JSON-LD document. pyoxigraph's JSON-LD parser takes
#: time that grows faster than the document (2,000 claims 1.0 s, 8,000 claims 5.7 s of CPU);
#: in parts of 250 nodes it is linear (0.7 s, 2.9 s) and gives the same quads in the same order.
_JSON_LD_PART = 250


def _json_ld_parts(document: Any) -> Iterator[Any]:
    """The document, or the same context with its @graph in parts of ``_JSON_LD_PART`` nodes.

    Only a document that is exactly a context and a list of top-level nodes is split: each node
    names what it links to by IRI, and its blank nodes carry file-wide labels (``_:L12C5``),
    so the parts mean what the whole does.
    """
    graph = document.get("@graph") if isinstance(document, dict) else None
    if (
        not isinstance(graph, list)
        or len(graph) <= _JSON_LD_PART
        or set(document)
        != {
            "@context",
            "@graph",
        }
    ):
        yield document
        return
    for start in range(0, len(graph), _JSON_LD_PART):
        yield {"@context": document["@context"], "@graph": graph[start : start + _JSON_LD_PART]}


# --------------------------------------------------------------------------- Turtle and friends

_DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)


def _load_rdf(path: Path, text: str, fmt: ox.RdfFormat) -> LoadedBatch:
    if fmt == ox.RdfFormat.RDF_XML and _DOCTYPE.search(text):
        m = _DOCTYPE.search(text)
        assert m is not None
        line = text.count("\n", 0, m.start()) + 1
        raise UnsafeInputError(
            "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)",
            where=str(Location(str(path), line)),
            hint="remove the DOCTYPE; write full IRIs or use Turtle",
        )
    batch = LoadedBatch(files=[path])
    try:
        batch.quads = list(ox.parse(text, format=fmt, base_iri=_RELATIVE_BASE))
    except SyntaxError as exc:
        position = _syntax_position(exc)
        message = re.sub(
            r"^Parser error (at|between) line \d+ (column \d+|between columns \d+ and \d+)"
            r"( and line \d+ column \d+)?: ",
            "",
            str(exc.msg),
        )
        raise InputError(
            f"{_FORMAT_NAMES.get(fmt, 'RDF')} syntax error: {message}",
            where=str(Location(str(path), *position)),
            hint=_RDF_HINTS.get(fmt),
        ) from None
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot parse: {exc}", where=str(path)) from None
    _locate_subjects(path, text, batch)
    _check_quads(path, batch, text)
    _attach_documents(path, batch)
    return batch


_RDF_HINTS = {
    ox.RdfFormat.TURTLE: "check this line and the one before it: each statement ends with ' .', "
    "a subject's fields are separated by ' ;', IRIs are written <...> and every prefix is "
    "declared with @prefix",
    ox.RdfFormat.N_TRIPLES: "each line is one triple, <subject> <predicate> object, ending in ' .'",
    ox.RdfFormat.RDF_XML: "check that every element is closed and every attribute quoted",
}


def _yaml_hint(problem: str, context_line: int | None = None) -> str:
    """How to fix the YAML syntax error ``problem`` names."""
    if "'\\t'" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return (
            "a value that holds ': ' must be quoted (statement: 'He said: no'); the fields of "
            "one node line up under each other"
        )
    if "cannot start any token" in problem:
        return "a value that starts with @, `, %, | or > must be quoted, e.g. comment: '@home'"
    if "expected <block end>" in problem or "expected ':'" in problem:
        return "check the indentation: fields of one node line up, a list item starts with '- '"
    if "end of the stream" in problem or "found unexpected end" in problem:
        opened = f" (at line {context_line})" if context_line else ""
        return f"a quote or bracket is opened{opened} and never closed"
    return "check the indentation and quoting of this line and the one before it"


def _json_ld_error(path: Path, text: str | None, message: str) -> InputError:
    """A JSON-LD processor's error, at the line of the keyword or term it names when found."""
    where = str(path)
    for token in re.findall(r"@\w+|\"[^\"\s]+\"|'[^'\s]+'", message):
        found = _text_where(path, text, token.strip("'\""), "")
        if found:
            where = found
            break
    return InputError(
        f"JSON-LD error: {message}",
        where=where,
        hint="claim files use only the fields of ontology/context.jsonld, @context, @graph, "
        "id and type; see the README's 'Claim files'",
    )


_FORMAT_NAMES = {
    ox.RdfFormat.TURTLE: "Turtle",
    ox.RdfFormat.N_TRIPLES: "N-Triples",
    ox.RdfFormat.RDF_XML: "RDF/XML",
}


def _syntax_position(exc: SyntaxError) -> tuple[int | None, int | None]:
    line = exc.lineno if isinstance(exc.lineno, int) else None
    column = exc.offset if isinstance(exc.offset, int) else None
    return line, column


def _locate_subjects(path: Path, text: str, batch: LoadedBatch) -> None:
    """Find the line where each named subject is first written (for error messages).

    One pass over the lines: the term each line starts with is read and expanded, and kept if
    it is a subject not yet located. (Looking for every subject in every line took time
    quadratic in the file's size: 2,500 claims 15 s, 5,000 claims 58 s.)
    """
    prefixes = dict(_TURTLE_PREFIX.findall(text))
    wanted = {q.subject.value for q in batch.quads if isinstance(q.subject, ox.NamedNode)}
    locations = batch.node_locations
    where = str(path)
    for number, line in enumerate(text.splitlines(), 1):
        found = _LEADING_TERM.match(line)
        if found is None:
            continue
        term = found.group(1)
        if term.startswith("<"):
            iri = term[1:-1]
        else:
            prefix, _colon, local = term.rstrip(".").partition(":")
            if prefix not in prefixes:
                continue
            if "\\" in local:  # Turtle lets a local name escape reserved characters (x:a\/b)
                local = _LOCAL_ESCAPE.sub(r"\1", local)
            iri = prefixes[prefix] + local
        if iri in wanted:
            wanted.discard(iri)
            locations[iri] = Location(where, number)
            if not wanted:
                break


_TURTLE_PREFIX = re.compile(r"^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", re.I | re.M)
#: The IRI or prefixed name a line starts with (after indentation).
_LEADING_TERM = re.compile(r"\s*(<[^<>\s]*>|[\w.-]*:(?:\\.|[^\s;,()\[\]\"'<>#\\])*)")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


# --------------------------------------------------------------------------- checks common to all


_CL_TEXT = str(CL.text)
_CL_LOCAL_COPY = str(CL.localCopy)
_CL_SHA256 = str(CL.sha256)


_OWL_IMPORTS_NODE = ox.NamedNode(OWL_IMPORTS)
_CL_TEXT_NODE = ox.NamedNode(_CL_TEXT)


def _check_quads(path: Path, batch: LoadedBatch, text: str | None = None) -> None:
    """Refuse what no claim file may hold; ``text`` (Turtle and friends) helps to locate it."""
    # Terms are compared as terms, not by their text: reading a term's .value makes a new
    # Python string each time, which was most of this loop's cost.
    checked: set[ox.NamedNode] = set()  # IRIs that passed _check_iri wherever they stand
    numeric_fields, numeric_types = _numeric_fields(), _NUMERIC_TYPES
    links: defaultdict[Any, int] = defaultdict(int)  # node → its IRI and blank-node values
    for quad in batch.quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            raise InputError(
                "claim files hold triples; named graphs are made by the ledger",
                where=str(path),
            )
        predicate = quad.predicate
        obj = quad.object
        if isinstance(obj, ox.Literal):
            value = obj.value
            if len(value) > MAX_VALUE_CHARS:
                location = batch.field_locations.get((node_key(quad.subject), predicate.value))
                raise InputError(
                    f"a value of {len(value):,} characters is longer than the "
                    f"{MAX_VALUE_CHARS:,} a claim file's field may hold",
                    where=str(location or _where(batch, path, quad.subject)),
                    hint="quote only the words the claim rests on; a document's text goes in "
                    "its localCopy file",
                )
            if value[:1] in _NUMERIC_START and (
                predicate in numeric_fields or obj.datatype in numeric_types
            ):
                _check_number(path, batch, text, quad, obj)
            if predicate in _NAME_FIELDS and not value.isascii():
                _warn_mixed_scripts(path, batch, quad, value)
        else:
            links[quad.subject] += 1
        if predicate == _OWL_IMPORTS_NODE:
            raise UnsafeInputError(
                f"owl:imports <{_term_text(obj)}> refused: claim-ledger never fetches anything",
                where=str(_where(batch, path, quad.subject)),
                hint="remove the owl:imports; the ontology is built in",
            )
        if predicate == _CL_TEXT_NODE:
            raise InputError(
                "cl:text is filled in by claim-ledger from the document's localCopy",
                where=str(_where(batch, path, quad.subject)),
                hint="remove it and give localCopy and sha256 instead",
            )
        for term in (quad.subject, predicate, obj):
            if isinstance(term, ox.NamedNode) and term not in checked:
                if _check_iri(path, batch, term, quad):
                    checked.add(term)
    crowded = next((node for node, count in links.items() if count > MAX_LINKS_PER_NODE), None)
    if crowded is not None:
        raise InputError(
            f"one node has {links[crowded]:,} links and nested nodes (quotes, selectors, "
            f"derivedFrom, …), more than the {MAX_LINKS_PER_NODE:,} claim-ledger accepts",
            where=str(_where(batch, path, crowded)),
            hint="a claim rests on a few quotes: give each statement its own claim",
        )


#: The first character of any literal _LOOKS_NUMERIC matches ("" for an empty literal).
_NUMERIC_START = frozenset("0123456789+-.nNiI \t\r\n")
_NUMERIC_TYPES = frozenset(
    ox.NamedNode(XSD_IRI + name)
    for name in (
        "decimal integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger "
        "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float"
    ).split()
)
#: What a figure looks like, to tell a broken figure (1e400, NaN) from words ("two thousand",
#: which the shapes explain).
_LOOKS_NUMERIC = re.compile(r"\s*[+-]?(?:\d|\.\d|\.?nan\b|\.?inf)", re.I)
_DECIMAL_FORM = re.compile(r"[+-]?(\d*)(?:\.(\d*))?")


@cache
def _numeric_fields() -> frozenset[ox.NamedNode]:
    """Predicates the context types as numbers (``lower``, ``start``, ``memberCount``, …)."""
    terms, _ = _term_table()
    ctx = shipped_context()
    numeric = {str(t.value) for t in _NUMERIC_TYPES}
    return frozenset(
        ox.NamedNode(terms[k])
        for k, v in ctx.items()
        if isinstance(v, dict) and _expand_with(str(v.get("@type", "")), _prefix_map()) in numeric
    )


def _check_number(
    path: Path, batch: LoadedBatch, text: str | None, quad: ox.Quad, literal: ox.Literal
) -> None:
    """Refuse a figure that is no xsd:decimal (1e400, NaN, INF) or beyond ``NUMBER_LIMIT``."""
    value = literal.value
    if not _LOOKS_NUMERIC.match(value):
        return  # words: the shapes say the field takes a number
    form = _DECIMAL_FORM.fullmatch(value.strip())
    if form is not None and (form.group(1) or form.group(2)):
        whole, decimals = form.group(1).lstrip("0"), (form.group(2) or "").rstrip("0")
        if len(whole) <= MAX_INTEGER_DIGITS and len(decimals) <= MAX_DECIMALS:
            return
    name = _field_name(quad.predicate.value)
    shown = _shown_figure(value)
    where = _value_location(path, batch, text, quad, value)
    if form is None or not (form.group(1) or form.group(2)):
        raise InputError(
            f"{name!r} is {shown}, which is not a decimal number "
            "(digits with at most one point: no exponent, NaN or INF)",
            where=where,
            hint=_decimal_hint(value),
        )
    whole, decimals = form.group(1).lstrip("0"), (form.group(2) or "").rstrip("0")
    if len(whole) > MAX_INTEGER_DIGITS:
        raise InputError(
            f"{name!r} is {shown}, which exceeds claim-ledger's limit of {NUMBER_LIMIT}",
            where=where,
            hint="check the figure for a typo (no count or offset is this large); give a "
            "distance or a duration in a larger unit (kilometre, year)",
        )
    if len(decimals) > MAX_DECIMALS:
        raise InputError(
            f"{name!r} is {shown}: {len(decimals)} decimals exceed claim-ledger's limit of "
            f"{NUMBER_LIMIT}",
            where=where,
            hint=f"round the figure to {MAX_DECIMALS} decimals, or give it in a smaller unit",
        )


def _decimal_hint(value: str) -> str:
    """How to write ``value`` as a decimal claim-ledger accepts, when it has such a form."""
    try:
        number = Decimal(value.strip())
    except ArithmeticError:
        number = Decimal("NaN")
    if number.is_finite() and abs(number.adjusted()) < MAX_INTEGER_DIGITS:
        plain = format(number, "f")
        if "." in plain:
            plain = plain.rstrip("0").rstrip(".")
        return f"write it as {plain}"
    return "write the figure in digits, e.g. 2000 or 2.5; a range goes in 'lower' and 'upper'"


def _shown_figure(value: str) -> str:
    """A figure as a message quotes it: exactly, or its ends and its length when long."""
    if len(value) <= 40:
        return repr(value)
    return f"'{value[:12]}…{value[-6:]}' ({len(value):,} characters)"


def _field_name(predicate: str) -> str:
    """The name a claim file gives a predicate (``lower``), else its IRI."""
    terms, _ = _term_table()
    for term, iri in terms.items():
        if iri == predicate and not term[:1].isupper():
            return term
    return predicate


def _value_location(
    path: Path, batch: LoadedBatch, text: str | None, quad: ox.Quad, value: str
) -> str:
    """Where a field's value is written: its key in YAML, the value itself in other syntaxes."""
    location = batch.field_locations.get((node_key(quad.subject), quad.predicate.value))
    if location is not None:
        return str(location)
    if text is not None:
        name = _field_name(quad.predicate.value)
        for pattern in (
            r"(?<![\w.+-])" + re.escape(value) + r"(?![\w.])",
            r"[\"':]" + re.escape(name) + r"\b",
        ):
            for found in re.finditer(pattern, text):
                line_start = text.rfind("\n", 0, found.start()) + 1
                if not text[line_start : found.start()].lstrip().startswith(("#", "<!--")):
                    return str(_text_location(path, text, found.start()))
    return str(_where(batch, path, quad.subject))


def _check_iri(path: Path, batch: LoadedBatch, term: ox.NamedNode, quad: ox.Quad) -> bool:
    """Refuse an IRI that is relative or has an unknown scheme; True if it is fine anywhere.

    Also refuses what RFC 3987 forbids and a parser let through (a bidirectional mark in
    Turtle), and warns of an IRI that mixes scripts.
    """
    iri = term.value
    if not iri.isascii():
        bad = _NOT_IN_IRI.search(iri)
        if bad is not None:
            location = batch.field_locations.get((node_key(quad.subject), quad.predicate.value))
            _refuse_invalid_iri(
                iri,
                _field_name(quad.predicate.value),
                path,
                None,
                str(location or _where(batch, path, quad.subject)),
            )
        _warn_mixed_scripts(path, batch, quad, iri)
    closed_list = quad.predicate.value in _vocab_fields() and term == quad.object
    if iri.startswith(_RELATIVE_BASE) and closed_list:
        return False  # an unknown value of a closed list: the shapes say which are allowed
    scheme = iri.split(":", 1)[0].lower()
    if not iri.startswith(_RELATIVE_BASE) and scheme in _ALLOWED_SCHEMES:
        return True
    field_location = batch.field_locations.get((node_key(quad.subject), quad.predicate.value))
    where = str(field_location or _where(batch, path, quad.subject))
    if iri.startswith(_RELATIVE_BASE):
        written = iri[len(_RELATIVE_BASE) :]
        if term == quad.subject and written in batch.node_locations:
            where = str(batch.node_locations[written])  # an id as the file writes it
        raise InputError(
            f"{written!r} is not an IRI "
            "(a relative reference, or a term the @context does not define)",
            where=where,
            hint="write a prefixed name such as case:name, with the prefix defined in @context",
        )
    raise InputError(
        f"{iri!r} uses the undefined prefix or scheme {scheme!r}",
        where=where,
        hint=f"define {scheme!r} in the file's @context, or correct the spelling",
    )


_NAME_FIELDS = frozenset(
    ox.NamedNode(str(SCHEMA[name])) for name in ("name", "alternateName", "identifier")
)
_WORD = re.compile(r"[^\W\d_]+")
#: Scripts with letters that look like other scripts' letters (Latin a, Cyrillic а, Greek α).
_LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "FULLWIDTH"})


def _script(char: str) -> str:
    """The script of a letter as Unicode names it (LATIN, CYRILLIC, GREEK, ARABIC, …)."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _warn_mixed_scripts(path: Path, batch: LoadedBatch, quad: ox.Quad, text: str) -> None:
    """Warn of a word that mixes scripts ("SОHR" with a Cyrillic О): two sources look alike."""
    for word in _WORD.findall(text):
        scripts = [_script(char) for char in word]
        if len(set(scripts)) < 2 or _LOOK_ALIKE_SCRIPTS.isdisjoint(scripts):
            continue  # one script, or scripts that mix as a rule (Japanese kanji and kana)
        usual = max(set(scripts), key=scripts.count)
        odd = next(char for char, script in zip(word, scripts, strict=True) if script != usual)
        location = batch.field_locations.get((node_key(quad.subject), quad.predicate.value))
        where = location or _where(batch, path, quad.subject)
        message = (
            f"{where}: warning: {_field_name(quad.predicate.value)!r} {text!r} mixes scripts: "
            f"{odd!r} is U+{ord(odd):04X} {unicodedata.name(odd, '')} among "
            f"{usual.title()} letters in {word!r}; a look-alike letter makes another source"
        )
        batch.warnings.append(message)
        _log.warning(message)
        return


def _term_text(term: Any) -> str:
    return str(getattr(term, "value", term))


def _where(batch: LoadedBatch, path: Path, node: Any) -> Location:
    return batch.node_locations.get(node_key(node), Location(str(path)))


def _attach_documents(path: Path, batch: LoadedBatch) -> None:
    """Read each declared document's local copy, check its SHA-256, add its text."""
    copies = [q for q in batch.quads if q.predicate.value == _CL_LOCAL_COPY]
    if not copies:
        return
    sha256_of: dict[Any, list[str]] = {}
    for q in batch.quads:
        if q.predicate.value == _CL_SHA256:
            sha256_of.setdefault(q.subject, []).append(_term_text(q.object))
    for quad in copies:
        doc = quad.subject
        where = batch.field_locations.get((node_key(doc), _CL_LOCAL_COPY)) or _where(
            batch, path, doc
        )
        if not isinstance(quad.object, ox.Literal):
            raise InputError("localCopy must be a file name (text)", where=str(where))
        name = quad.object.value
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", name):
            raise UnsafeInputError(
                f"localCopy {name!r} is a URL: claim-ledger never fetches documents",
                where=str(where),
                hint="save the document beside the claim file and give its file name",
            )
        folder = path.parent.resolve()
        file = (folder / name).resolve()
        if not file.is_relative_to(folder):
            raise UnsafeInputError(
                f"localCopy {name!r} points outside the claim file's folder",
                where=str(where),
                hint="keep the document in the same folder as the claim file (or below it)",
            )
        if not file.is_file():
            raise InputError(
                f"the document's local copy {name!r} does not exist (looked for {file})",
                where=str(where),
                hint="localCopy is relative to the claim file that declares the document",
            )
        text = read_text_file(file, MAX_DOCUMENT_BYTES)
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        declared = sha256_of.get(doc, [])
        if declared and declared[0].lower() != digest:
            raise InputError(
                f"the document {name!r} has changed: its SHA-256 is {digest}, "
                f"the claim file records {declared[0]}",
                where=str(batch.field_locations.get((node_key(doc), _CL_SHA256)) or where),
                hint="quotes were anchored in another text; restore the original or re-anchor",
            )
        iri = node_key(doc)
        batch.documents[iri] = Document(iri=iri, path=file, sha256=digest, text=text)


def document_quads(batch: LoadedBatch) -> Iterator[ox.Quad]:
    """The quads that give each document's text to the shapes (kept out of the claims)."""
    for doc in batch.documents.values():
        subject = ox.BlankNode(doc.iri[2:]) if doc.iri.startswith("_:") else ox.NamedNode(doc.iri)
        yield ox.Quad(subject, ox.NamedNode(_CL_TEXT), ox.Literal(doc.text))
