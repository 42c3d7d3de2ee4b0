"""RDF Dataset Canonicalization (RDFC-1.0) with bounded work; the canonical N-Quads that are hashed.

``canonical_nquads`` is the one way the ledger turns quads into the bytes it stores and hashes:
the blank nodes are relabelled by RDFC-1.0, then the quads are written in canonical N-Quads
form, one per line, lines sorted by code point (UTF-8 bytes sort the same way), each ending in
``\\n``.

RDFC-1.0 is exponential in the worst case (pyoxigraph needs minutes for a 10-node blank-node
clique and cannot be interrupted), so this module runs the algorithm itself, on the lines
pyoxigraph's N-Quads writer gives: first the cheap first-degree hashes. Blank nodes whose
first-degree hash is unique are fully labelled by that step. Only when some share a hash does
the expensive N-degree step follow, under a step budget (``CanonicalizationLimits``); a dataset
that exceeds any limit is refused with ``CanonicalizationError``.
The labels found are written into the lines directly. Where RDFC-1.0 leaves a choice to the
implementation (equal N-degree hashes or paths) and a blank node names a graph, the choice
can change the document (see ``_Labeller._choose``); every alternative is then tried and the
least document kept, so the bytes never depend on the input's order or labels. pyoxigraph's
own RDFC-1.0 is not used: it is not deterministic in those cases. The same code yields the
issued-identifier map and lets ``check_canonical`` confirm a stored entry.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal as TypingLiteral
from typing import TypeVar

from pyoxigraph import (
    BlankNode,
    Dataset,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from ledger.errors import CanonicalizationError

HASH_ALGORITHM = "RDFC-1.0/SHA-256"
"""What is done before hashing: RDFC-1.0 (SHA-256), canonical N-Quads, then SHA-256 of the bytes."""

HashName = TypingLiteral["sha256", "sha384"]

_LIMIT_HINT = (
    "give these blank nodes IRIs or properties that tell them apart, or raise the limit with "
    "ledger.chain.canon.CanonicalizationLimits if the data is trusted"
)


@dataclass(frozen=True)
class CanonicalizationLimits:
    """Bounds on the work canonicalisation may do before it refuses a dataset.

    max_blank_nodes: blank nodes in one dataset.
    max_ambiguous_group: blank nodes sharing one first-degree hash (only these need the
        N-degree step, and each member of a group explores the structure around it).
    max_steps: N-degree calls plus permutations tried, over the whole dataset; the
        exponential part of RDFC-1.0 runs under this budget.
    max_depth: nesting of N-degree calls (long chains of look-alike blank nodes).
    """

    max_blank_nodes: int = 100_000
    max_ambiguous_group: int = 1_000
    max_steps: int = 50_000
    max_depth: int = 128


DEFAULT_LIMITS = CanonicalizationLimits()


def sha256_hex(data: bytes) -> str:
    """The lowercase hexadecimal SHA-256 digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_nquads(
    quads: Iterable[Quad],
    *,
    limits: CanonicalizationLimits = DEFAULT_LIMITS,
    hash_name: HashName = "sha256",
) -> bytes:
    """The canonical N-Quads document (UTF-8) of the dataset made of ``quads``.

    Duplicate quads count once. Raises ``CanonicalizationError`` when the blank-node structure
    exceeds ``limits``, before the expensive part of the algorithm runs.
    """
    quads = quads if isinstance(quads, list) else list(quads)
    lines = _nquads_document(quads).decode("utf-8").split("\n")
    lines.pop()  # after the last newline
    return _canonical_document(lines, lambda: quads, limits, hash_name)


def canonical_nquads_of_lines(
    lines: Iterable[str],
    *,
    limits: CanonicalizationLimits = DEFAULT_LIMITS,
    hash_name: HashName = "sha256",
) -> bytes:
    """``canonical_nquads`` of the quads in ``lines``, written as pyoxigraph's writer writes them.

    Each string is one quad, without its newline, as pyoxigraph's N-Quads (or N-Triples) writer
    gives it: for a caller that holds the quads as text already, or edits them as text.
    """
    lines = list(lines)

    def parsed() -> list[Quad]:
        return list(parse("".join(line + "\n" for line in lines), format=RdfFormat.N_QUADS))

    return _canonical_document(lines, parsed, limits, hash_name)


def _canonical_document(
    lines: list[str],
    quads: Callable[[], list[Quad]],
    limits: CanonicalizationLimits,
    hash_name: HashName,
) -> bytes:
    """The canonical document of the quads in ``lines`` (pyoxigraph's writing of ``quads()``)."""
    ground: list[str] = []
    # Lines whose only blank node is the subject: label and rest of line, as two lists (no
    # tuple per line: fewer allocations, fewer garbage-collector passes).
    subject_labels: list[str] = []
    subject_rests: list[str] = []
    views: list[_QuadView] = []
    try:
        for line in dict.fromkeys(lines):  # duplicates dropped, in the given order
            if "_:" not in line:
                ground.append(line)
            elif line.startswith("_:") and line.count("_:") == 1:  # most quads of blank nodes
                space = line.index(" ")
                subject_labels.append(line[2:space])
                subject_rests.append(line[space:])
            else:
                view = _view_of_line(line)
                if view is None:
                    ground.append(line)
                else:
                    views.append(view)
    except _UnusualLine:  # e.g. a triple term: read the quads themselves
        return _canonical_nquads_of_quads(quads(), limits, hash_name)
    subject_only = (subject_labels, subject_rests)
    labeller = _Labeller(views, limits=limits, hash_name=hash_name, subject_only=subject_only)
    labels = _least_labels(labeller, views, subject_only)
    _relabelled_lines(views, subject_only, labels, ground)
    if not ground:
        return b""
    ground.sort()  # relabelled lines are distinct: the labels are a one-to-one map
    ground.append("")
    return "\n".join(ground).encode("utf-8")


def _canonical_nquads_of_quads(
    quads: list[Quad], limits: CanonicalizationLimits, hash_name: HashName
) -> bytes:
    """``canonical_nquads`` for quads whose lines ``_view_of_line`` does not read: by term."""
    dataset = Dataset(quads)
    views = list(_views_of_quads(dataset))
    labels = _least_labels(_Labeller(views, limits=limits, hash_name=hash_name), views)
    relabelled = Dataset(
        Quad(
            _relabelled(quad.subject, labels),
            quad.predicate,
            _relabelled(quad.object, labels),
            _relabelled(quad.graph_name, labels),
        )
        for quad in dataset
    )
    return _sorted_document(_nquads_document(relabelled))


_Term = TypeVar("_Term", NamedNode, BlankNode, Literal, Triple, DefaultGraph)


def _relabelled(term: _Term, labels: dict[str, str]) -> _Term:
    """``term`` with the label ``labels`` gives it if it is a blank node (in no triple term:
    RDFC-1.0 does not define those, and ``_views_of_quads`` refuses them)."""
    return BlankNode(labels[term.value]) if isinstance(term, BlankNode) else term


def _relabelled_lines(
    views: Iterable[_QuadView],
    subject_only: tuple[Sequence[str], Sequence[str]],
    labels: dict[str, str],
    lines: list[str] | None = None,
) -> list[str]:
    """The lines of the quads that mention a blank node, with the blank nodes ``labels`` gives,
    appended to ``lines`` if given (no second list of them all)."""
    if lines is None:
        lines = []
    lines.extend(["_:" + labels[label] + rest for label, rest in zip(*subject_only, strict=True)])
    for (subject, predicate, obj, graph), (subject_blank, obj_blank, graph_blank) in views:
        if subject_blank is not None:
            subject = "_:" + labels[subject_blank]
        if obj_blank is not None:
            obj = "_:" + labels[obj_blank]
        if graph_blank is not None:
            graph = "_:" + labels[graph_blank]
        lines.append(
            f"{subject} {predicate} {obj} {graph} ." if graph else f"{subject} {predicate} {obj} ."
        )
    return lines


def _least_labels(
    labeller: _Labeller,
    views: Sequence[_QuadView],
    subject_only: tuple[Sequence[str], Sequence[str]] = ((), ()),
) -> dict[str, str]:
    """The RDFC-1.0 labels, with every choice RDFC-1.0 leaves open made so the document is least.

    Usually RDFC-1.0 meets no such choice and one run of ``labeller`` decides. Otherwise every
    sequence of alternatives is tried (all runs under the one step budget) and the labels whose
    relabelled lines, sorted, come first are kept. The set of documents RDFC-1.0 allows does
    not depend on the input's labels or order, so neither does the least one. Comparing the
    blank-node lines alone orders the whole documents the same way: the ground lines are the
    same in every document and equal no blank-node line.
    """
    labels = labeller.labels()
    if not labeller.order_dependent or not labeller.every_choice:
        return labels
    least = sorted(_relabelled_lines(views, subject_only, labels))
    while labeller.choices.advance():
        candidate = labeller.labels()
        lines = sorted(_relabelled_lines(views, subject_only, candidate))
        if lines < least:
            least, labels = lines, candidate
    return labels


def add_ground_quads(document: bytes, quads: Iterable[Quad]) -> bytes:
    """The canonical document of ``document``'s dataset plus ``quads``, none with a blank node.

    Equals ``canonical_nquads`` of the union without canonicalising again: RDFC-1.0 labels
    depend only on the quads that mention a blank node. The ledger uses it to add an entry's
    metadata under the writer lock after the caller's quads were canonicalised outside it.
    """
    added = list(quads)
    for quad in added:
        if any(_mentions_blank(term) for term in (quad.subject, quad.object, quad.graph_name)):
            raise ValueError(f"a quad added to a canonical document has a blank node: {quad}")
    return _sorted_document(document + _nquads_document(Dataset(added)))


def issued_identifiers(
    quads: Iterable[Quad],
    *,
    limits: CanonicalizationLimits = DEFAULT_LIMITS,
    hash_name: HashName = "sha256",
) -> dict[str, str]:
    """The RDFC-1.0 issued identifiers map: input blank-node label to canonical label.

    The map ``canonical_nquads`` writes the document with; the tests check it against the W3C
    map tests.
    """
    views = list(_views_of_quads(Dataset(quads)))
    return _least_labels(_Labeller(views, limits=limits, hash_name=hash_name), views)


def check_sorted_lines(data: bytes) -> str | None:
    """Why ``data`` is not sorted, unique, newline-terminated lines, or None if it is.

    The part of ``check_canonical`` that needs no parsing: what ``verify`` checks by default.
    """
    if not data:
        return None
    if not data.endswith(b"\n"):
        return "the last line does not end with a newline"
    lines = data.split(b"\n")
    lines.pop()
    if not all(map(operator.lt, lines, itertools.islice(lines, 1, None))):
        for number, (before, after) in enumerate(itertools.pairwise(lines), start=2):
            if before >= after:
                what = "repeats the line before it" if before == after else "is out of order"
                return f"line {number} {what} (canonical N-Quads lines are sorted and unique)"
    return None


def check_canonical(data: bytes, *, limits: CanonicalizationLimits = DEFAULT_LIMITS) -> str | None:
    """Why ``data`` is not the canonical N-Quads document of its own dataset, or None if it is.

    Same answer as ``canonical_nquads(parse(data)) == data``, cheaper: term forms are checked by
    one parse and re-serialisation, and when every blank node has a unique first-degree hash,
    RDFC-1.0 labels them in the order of those hashes. Look-alike blank nodes are labelled by
    the N-degree step; only if that does not give back the document's own labels (a wrong
    label, or a symmetric structure whose labels may be swapped) is the document canonicalised
    again and compared.
    Raises ``CanonicalizationError`` when the blank-node structure exceeds ``limits``.
    """
    unsorted = check_sorted_lines(data)
    if unsorted is not None or not data:
        return unsorted
    lines = data.split(b"\n")
    lines.pop()
    try:
        rewritten = _nquads_document(parse(data, format=RdfFormat.N_QUADS))
    except SyntaxError as error:
        return f"not valid N-Quads: {error}"
    if rewritten != data:
        rewritten_lines = rewritten.split(b"\n")
        for number, (line, expected) in enumerate(
            zip(lines, rewritten_lines, strict=False), start=1
        ):
            if line != expected:
                return f"line {number} is not in canonical N-Quads form (expected {expected!r})"
        return "a line does not hold exactly one quad"
    first_degree = _first_degree_hashes_of_document(data)
    if len(first_degree) > limits.max_blank_nodes:
        raise CanonicalizationError(
            f"refusing to canonicalise {len(first_degree)} blank nodes "
            f"(limit max_blank_nodes={limits.max_blank_nodes})",
            hint=_LIMIT_HINT,
        )
    by_hash = sorted((digest, label) for label, digest in first_degree.items())
    if any(a[0] == b[0] for a, b in itertools.pairwise(by_hash)):
        # Look-alike blank nodes (identical time spans, quantities) need the N-degree step.
        blank_lines = _lines_containing(data, b"_:", 0, len(data))
        views = list(_views_of_lines(line.decode("utf-8") for line in blank_lines))
        issued = _least_labels(_Labeller(views, limits=limits, hash_name="sha256"), views)
        if all(label == canonical for label, canonical in issued.items()):
            return None
        expected_document = canonical_nquads(parse(data, format=RdfFormat.N_QUADS), limits=limits)
        if expected_document != data:
            return "blank-node labels differ from the ones RDFC-1.0 issues"
        return None
    # Unique first-degree hashes: RDFC-1.0 issues c14n0, c14n1, ... in the order of the hashes.
    for number, (_digest, label) in enumerate(by_hash):
        if label != f"c14n{number}":
            return f"blank node _:{label} should be labelled _:c14n{number} by RDFC-1.0"
    return None


def _first_degree_hashes_of_document(data: bytes) -> dict[str, str]:
    """RDFC-1.0 first-degree hashes of the blank nodes of a canonical N-Quads document.

    ``data`` must be sorted, with every line in canonical form. Lines whose subject is a blank
    node are all at the end (``_`` sorts after ``<``), each node's in one run; a run with no
    other blank node gives that node's ``_:a …`` template lines by one replacement, already in
    order. Other lines that mention a blank node are handled one by one. A node's hash input
    is its ``<…`` lines, its ``_:a …`` lines, then its ``_:z …`` lines, each part sorted
    (``<`` < ``_:a`` < ``_:z`` in code point order).
    """
    before: dict[str, list[bytes]] = defaultdict(list)  # templates starting with an IRI
    own: dict[str, list[bytes]] = defaultdict(list)  # templates starting with _:a
    after: dict[str, list[bytes]] = defaultdict(list)  # templates starting with _:z
    region_start = 0 if data.startswith(b"_:") else data.find(b"\n_:") + 1
    if region_start == 0 and not data.startswith(b"_:"):
        region_start = len(data)
    slow_lines = _lines_containing(data, b"_:", 0, region_start)
    region = data[region_start:]
    if region:
        subjects = _SUBJECT_LABEL.findall(b"\n" + region)
        runs = [(label, len(list(run))) for label, run in itertools.groupby(subjects)]
        if len(subjects) != region.count(b"\n") or len(runs) != len({label for label, _ in runs}):
            slow_lines.extend(region.split(b"\n")[:-1])  # not one "_:label " per line
            runs = []
        start = 0
        for number, (label, n_lines) in enumerate(runs):
            if number + 1 < len(runs):
                end = region.find(b"\n_:" + runs[number + 1][0] + b" ", start) + 1
                if end <= start:  # cannot happen in a sorted document; stay exact anyway
                    slow_lines.extend(region[start:].split(b"\n")[:-1])
                    break
            else:
                end = len(region)
            block = region[start:end]
            if block.count(b"_:") == n_lines:  # no other blank node in the run
                prefix = b"\n_:" + label + b" "
                own[label.decode("utf-8")].append((b"\n" + block).replace(prefix, b"\n_:a ")[1:])
            else:
                slow_lines.extend(block.split(b"\n")[:-1])
            start = end
    other_lines = []
    for line in slow_lines:  # mostly "<subject> <predicate> _:object <graph> ."
        match = _IRI_TO_BLANK.fullmatch(line)
        if match is None:
            other_lines.append(line)
        else:
            head, label, graph_text = match.groups()
            before[label.decode("utf-8")].append(head + b"_:a" + (graph_text or b"") + b" .\n")
    for (subject, predicate, obj, graph), blanks in _views_of_lines(
        line.decode("utf-8") for line in other_lines
    ):
        for label in {blank for blank in blanks if blank is not None}:
            parts = [subject, predicate, obj]
            for position, blank in ((0, blanks[0]), (2, blanks[1])):
                if blank is not None:
                    parts[position] = "_:a" if blank == label else "_:z"
            if graph:
                parts.append(("_:a" if blanks[2] == label else "_:z") if blanks[2] else graph)
            template = (" ".join(parts) + " .\n").encode("utf-8")
            first = parts[0]
            target = own if first == "_:a" else after if first == "_:z" else before
            target[label].append(template)
    hashes = {}
    empty: list[bytes] = []
    for label in before.keys() | own.keys() | after.keys():
        text = b"".join(sorted(before.get(label, empty)))
        text += b"".join(sorted(own.get(label, empty)))
        text += b"".join(sorted(after.get(label, empty)))
        hashes[label] = hashlib.sha256(text).hexdigest()
    return hashes


def _lines_containing(data: bytes, needle: bytes, start: int, end: int) -> list[bytes]:
    """The lines of ``data[start:end]`` (whole lines) that contain ``needle``."""
    found = []
    at = data.find(needle, start, end)
    while at >= 0:
        line_start = data.rfind(b"\n", start, at) + 1 or start
        line_end = data.find(b"\n", at, end)
        found.append(data[line_start:line_end])
        at = data.find(needle, line_end, end)
    return found


def _nquads_document(quads: Iterable[Quad]) -> bytes:
    document = serialize(quads, format=RdfFormat.N_QUADS)
    assert document is not None  # serialize returns the bytes when given no output
    return document


def _sorted_document(document: bytes) -> bytes:
    """The lines of an N-Quads document, without repeats, in code point order."""
    # Literals and IRIs never hold a raw newline in N-Quads, so splitting on b"\n" finds the quads.
    lines = set(document.split(b"\n"))
    lines.discard(b"")
    return b"".join(line + b"\n" for line in sorted(lines))


def _nquads_term(term: NamedNode | BlankNode | Literal | Triple | DefaultGraph) -> str:
    if isinstance(term, Triple):
        subject, predicate, obj = term.subject, term.predicate, term.object
        return f"<<( {_nquads_term(subject)} {predicate} {_nquads_term(obj)} )>>"
    return str(term)


def _mentions_blank(term: object) -> bool:
    if isinstance(term, BlankNode):
        return True
    if isinstance(term, Triple):
        return _mentions_blank(term.subject) or _mentions_blank(term.object)
    return False


class _IdentifierIssuer:
    """RDFC-1.0 identifier issuer: a prefix, a counter and the identifiers issued, in order."""

    __slots__ = ("prefix", "issued")

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = issued if issued is not None else {}

    def issue(self, existing: str) -> str:
        identifier = self.issued.get(existing)
        if identifier is None:
            identifier = f"{self.prefix}{len(self.issued)}"
            self.issued[existing] = identifier
        return identifier

    def copy(self) -> _IdentifierIssuer:
        return _IdentifierIssuer(self.prefix, dict(self.issued))


class _Choices:
    """The alternatives taken at the choices RDFC-1.0 leaves open, over repeated runs.

    A run takes the recorded alternative at each choice it meets, in the order it meets them,
    and the first alternative (recording it) beyond them; ``advance`` then moves to the next
    sequence, as an odometer does, so that the runs together take every sequence of
    alternatives. A run is deterministic, so the same prefix always meets the same choices.
    """

    __slots__ = ("taken", "counts", "position")

    def __init__(self) -> None:
        self.taken: list[int] = []
        self.counts: list[int] = []
        self.position = 0

    def rewind(self) -> None:
        self.position = 0

    def choose(self, alternatives: int) -> int:
        position = self.position
        self.position += 1
        if position == len(self.taken):
            self.taken.append(0)
            self.counts.append(alternatives)
        return self.taken[position]

    def advance(self) -> bool:
        """Move to the next sequence of alternatives; False when every one has been taken."""
        while self.taken:
            if self.taken[-1] + 1 < self.counts[-1]:
                self.taken[-1] += 1
                return True
            self.taken.pop()
            self.counts.pop()
        return False


class _BudgetExceeded(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


# One quad as RDFC-1.0 sees it: the N-Quads text of subject, predicate, object and graph name
# ("" for the default graph), and the blank-node label in subject, object and graph position.
_QuadView = tuple[tuple[str, str, str, str], tuple[str | None, str | None, str | None]]

_IRI = r"<[^<>\" ]*>"
_BLANK = r"_:[^ ]+"
_LITERAL = r'"(?:[^"\\]|\\.)*"(?:@[^ ]+|\^\^' + _IRI + ")?"
_SUBJECT_LABEL = re.compile(rb"\n_:([^ ]+) ")  # used on b"\n" + text: faster than ^ with re.M
_IRI_TO_BLANK = re.compile(rb'(<[^<>" ]*> <[^<>" ]*> )_:([^ ]+)( <[^<>" ]*>)? \.')
_CANONICAL_LINE = re.compile(
    rf"(?P<s>{_IRI}|{_BLANK}) (?P<p>{_IRI}) (?P<o>{_IRI}|{_BLANK}|{_LITERAL})"
    rf"(?: (?P<g>{_IRI}|{_BLANK}))? \."
)


def _views_of_quads(quads: Iterable[Quad]) -> Iterator[_QuadView]:
    """The views of the quads that mention a blank node (the quads must be distinct)."""
    for quad in quads:
        subject, obj, graph = quad.subject, quad.object, quad.graph_name
        if isinstance(obj, Triple) and _mentions_blank(obj):
            raise CanonicalizationError(
                "RDFC-1.0 does not define how to canonicalise a blank node inside a triple term",
                where=str(quad),
                hint="use an IRI for the node inside the triple term",
            )
        blanks = (
            subject.value if isinstance(subject, BlankNode) else None,
            obj.value if isinstance(obj, BlankNode) else None,
            graph.value if isinstance(graph, BlankNode) else None,
        )
        if blanks != (None, None, None):
            texts = (
                str(subject),
                str(quad.predicate),
                _nquads_term(obj),
                "" if isinstance(graph, DefaultGraph) else str(graph),
            )
            yield texts, blanks


class _UnusualLine(Exception):
    """A line ``_view_of_line`` does not read (a triple term); the quads are read as terms."""


def _view_of_line(line: str) -> _QuadView | None:
    """The view of one line of pyoxigraph's N-Quads writer, or None if no term is a blank node.

    Relies on what the writer guarantees for valid terms: one space between terms and `` .`` at
    the end; no space or ``"`` in an IRI or a blank-node label; in a literal, nothing but a
    language tag or a datatype IRI (no space) after the closing quote. So a line with a ``"``
    has a literal object, and its last space-separated piece is a graph name exactly when that
    piece holds no ``"``. ``_:`` inside a literal is not a blank node. Raises ``_UnusualLine``
    for what it cannot read this way (a triple term).
    """
    if '"' in line:
        subject, predicate, rest = line.split(" ", 2)
        rest = rest[:-2]  # " ."
        obj, _, graph = rest.rpartition(" ")
        if not obj or '"' in graph:  # no graph name; any space is inside the literal
            obj, graph = rest, ""
        if obj[0] != '"' or (graph and graph[0] not in "<_"):
            raise _UnusualLine(line)
        obj_blank = None
    else:
        parts = line.split(" ")
        if len(parts) == 4:
            subject, predicate, obj, _ = parts
            graph = ""
        elif len(parts) == 5:
            subject, predicate, obj, graph, _ = parts
        else:  # a triple term has spaces inside
            raise _UnusualLine(line)
        obj_blank = obj[2:] if obj[0] == "_" else None
    if predicate[0] != "<":
        raise _UnusualLine(line)
    subject_blank = subject[2:] if subject[0] == "_" else None
    graph_blank = graph[2:] if graph and graph[0] == "_" else None
    if subject_blank is None and obj_blank is None and graph_blank is None:
        return None
    return (subject, predicate, obj, graph), (subject_blank, obj_blank, graph_blank)


def _views_of_lines(lines: Iterable[str]) -> Iterator[_QuadView]:
    """The views of canonical N-Quads lines (parsed by pattern, or by pyoxigraph when unusual)."""
    for line in lines:
        match = _CANONICAL_LINE.fullmatch(line)
        if match is None:  # e.g. a triple term: let the parser decide
            yield from _views_of_quads(parse(line + "\n", format=RdfFormat.N_QUADS))
            continue
        subject, predicate, obj, graph = match.group("s", "p", "o", "g")
        blanks = (
            subject[2:] if subject.startswith("_:") else None,
            obj[2:] if obj.startswith("_:") else None,
            graph[2:] if graph is not None and graph.startswith("_:") else None,
        )
        if blanks != (None, None, None):
            yield (subject, predicate, obj, graph or ""), blanks


def _template(view: _QuadView, label: str) -> str:
    """A line of blank node ``label``'s first-degree hash input: _:a for it, _:z for others."""
    (subject, predicate, obj, graph), (subject_blank, obj_blank, graph_blank) = view
    if subject_blank is not None:
        subject = "_:a" if subject_blank == label else "_:z"
    if obj_blank is not None:
        obj = "_:a" if obj_blank == label else "_:z"
    if graph_blank is not None:
        graph = "_:a" if graph_blank == label else "_:z"
    return (
        f"{subject} {predicate} {obj} {graph} .\n" if graph else f"{subject} {predicate} {obj} .\n"
    )


class _Labeller:
    """RDFC-1.0 (W3C Recommendation, 21 May 2024, section 4.4) over the blank-node quads."""

    def __init__(
        self,
        views: Iterable[_QuadView],
        *,
        limits: CanonicalizationLimits,
        hash_name: str,
        subject_only: tuple[Sequence[str], Sequence[str]] = ((), ()),
    ) -> None:
        """``subject_only``: quads whose only blank node is the subject, as the labels and the
        rests of their lines after ``_:label``; they relate the node to no other, so need no
        view."""
        self.limits = limits
        self.new_hash = hashlib.sha384 if hash_name == "sha384" else hashlib.sha256
        # Per blank node, its quads as first-degree hash input: itself as _:a, others as _:z.
        templates_of: dict[str, list[str]] = defaultdict(list)
        for label, rest in zip(*subject_only, strict=True):
            templates_of[label].append("_:a" + rest + "\n")
        # Per blank node, the quads that relate it to other blank nodes (the N-degree step's).
        self.quads_of: dict[str, list[_QuadView]] = defaultdict(list)
        quads_of = self.quads_of
        # Whether a blank node names a graph: only then can RDFC-1.0's ties be between blank
        # nodes that no automorphism swaps (see _choose).
        self.blank_graph_names = False
        for view in views:
            subject, obj, graph = view[1]
            if subject is not None and obj is None and graph is None:
                _s, predicate, obj_text, graph_text = view[0]
                templates_of[subject].append(
                    f"_:a {predicate} {obj_text} {graph_text} .\n"
                    if graph_text
                    else f"_:a {predicate} {obj_text} .\n"
                )
                continue
            if subject is not None:
                quads_of[subject].append(view)
                templates_of[subject].append(_template(view, subject))
            if obj is not None and obj != subject:
                quads_of[obj].append(view)
                templates_of[obj].append(_template(view, obj))
            if graph is not None:
                self.blank_graph_names = True
                if graph != subject and graph != obj:
                    quads_of[graph].append(view)
                    templates_of[graph].append(_template(view, graph))
        self.blank_nodes = len(templates_of)
        if self.blank_nodes > limits.max_blank_nodes:
            raise CanonicalizationError(
                f"refusing to canonicalise {self.blank_nodes} blank nodes "
                f"(limit max_blank_nodes={limits.max_blank_nodes})",
                hint=_LIMIT_HINT,
            )
        self.first_degree: dict[str, str] = {
            label: self._digest("".join(sorted(templates)))
            for label, templates in templates_of.items()
        }
        self.groups: dict[str, list[str]] = defaultdict(list)
        for label, digest in self.first_degree.items():
            self.groups[digest].append(label)
        self.steps = 0
        # Set when the N-degree step met a choice RDFC-1.0 leaves open (see labels()).
        self.order_dependent = False
        # Choices between the results of look-alike nodes (labels); inside one node's N-degree
        # step, ``_outcomes`` makes choices of its own the active ones.
        self.choices = _Choices()
        self.active_choices = self.choices
        # Whether to try every alternative (see _choose); tests may set it.
        self.every_choice = self.blank_graph_names
        self._outcome_cache: dict[tuple[str, tuple[int, ...]], dict[str, list[_IdentifierIssuer]]]
        self._outcome_cache = {}

    def _digest(self, text: str) -> str:
        return self.new_hash(text.encode("utf-8")).hexdigest()

    def nodes_with_unique_hash_only(self) -> bool:
        """Whether the first-degree hashes alone decide every canonical label."""
        return all(len(members) == 1 for members in self.groups.values())

    def labels(self) -> dict[str, str]:
        """The issued identifiers map, or ``CanonicalizationError`` beyond the limits.

        Sets ``order_dependent`` where RDFC-1.0 leaves a choice open (see ``_choose``). Without
        such a choice every step is decided by hashes and paths alone, so any RDFC-1.0 gives this
        map. With one, and ``every_choice`` set, each look-alike node's N-degree results are
        found for every alternative inside its own N-degree step (``_outcomes``), and each call
        takes the choices between them that ``choices`` holds (the first alternative where it
        holds none), recording the ones it meets, so that ``_least_labels`` can try them all.
        The steps add up over calls, under one budget.
        """
        self.choices.rewind()
        canonical = _IdentifierIssuer("c14n")
        ambiguous: list[list[str]] = []
        for digest in sorted(self.groups):
            members = self.groups[digest]
            if len(members) == 1:
                canonical.issue(members[0])
            else:
                ambiguous.append(members)
        if not ambiguous:
            return canonical.issued
        largest = max(len(members) for members in ambiguous)
        if largest > self.limits.max_ambiguous_group:
            raise CanonicalizationError(
                f"refusing to canonicalise: {largest} of {self.blank_nodes} blank nodes share "
                f"one first-degree hash (limit max_ambiguous_group="
                f"{self.limits.max_ambiguous_group})",
                hint=_LIMIT_HINT,
            )
        try:
            for members in ambiguous:
                # Per member: its N-degree hash, and the issuers it may give with that hash.
                results: list[tuple[str, list[_IdentifierIssuer]]] = []
                for label in members:
                    if label in canonical.issued:
                        continue
                    by_hash = self._outcomes(label, canonical)
                    digests = sorted(by_hash)
                    digest = digests[self._choose(len(digests))] if len(digests) > 1 else digests[0]
                    results.append((digest, by_hash[digest]))
                results.sort(key=operator.itemgetter(0))
                for _digest, tied in itertools.groupby(results, key=operator.itemgetter(0)):
                    self._issue_tied(canonical, [issuers for _digest, issuers in tied])
        except _BudgetExceeded as exceeded:
            raise CanonicalizationError(
                f"refusing to canonicalise: {sum(map(len, ambiguous))} of {self.blank_nodes} "
                f"blank nodes cannot be told apart by their own quads (largest look-alike group: "
                f"{largest}), and telling them apart needs {exceeded.what}",
                hint=_LIMIT_HINT,
            ) from None
        return canonical.issued

    def _choose(self, alternatives: int) -> int:
        """Which of ``alternatives`` (more than one) to take at a choice RDFC-1.0 leaves open.

        RDFC-1.0 orders blank nodes by hashes and paths; where two are equal it takes the first
        in an order it does not define (the input's, or a hash set's). The specification's note
        says this only happens between automorphic nodes, where the choice cannot change the
        document, but that is not so: the related-node hash records the related node's position
        in a quad, not the node's own, so with blank graph names ``_:x <p> _:c _:y`` and
        ``_:y <p> _:d _:x`` can give ``_:x`` and ``_:y`` equal N-degree hashes although no
        automorphism swaps them. Then implementations (pyoxigraph's hash-set order, the input
        order of the reference code) give different documents for one dataset. Where a blank
        node names a graph, this module tries every alternative and keeps the least document
        (``_least_labels``): one document for every input order and labelling, and one that
        RDFC-1.0 allows. Elsewhere the first alternative is taken: without blank graph names no
        tie that changes the document is known (none in the W3C suite, none in thousands of
        random datasets tried with every alternative), and trying them all would exceed the
        step budget for symmetric structures the W3C suite expects to be canonicalised.
        """
        self.order_dependent = True
        return self.active_choices.choose(alternatives)

    def _outcomes(
        self, label: str, canonical: _IdentifierIssuer
    ) -> dict[str, list[_IdentifierIssuer]]:
        """Step 5.2's N-degree results for ``label``: per hash, the distinct issuers.

        One result unless ``every_choice`` is set; then every sequence of alternatives inside
        this one N-degree step is tried, apart from those of other members, so the runs add up
        rather than multiply. They depend on the canonical labels issued so far only, which the
        choices taken so far in this call of ``labels`` decide, so later calls reuse them.
        """
        if not self.every_choice:  # one run: the first alternatives, as recorded in choices
            temporary = _IdentifierIssuer("b")
            temporary.issue(label)
            digest, issuer = self._hash_n_degree(label, temporary, canonical, 1)
            return {digest: [issuer]}
        choices = self.choices
        key = (label, tuple(choices.taken[: choices.position]))
        found = self._outcome_cache.get(key)
        if found is not None:
            return found
        top_level, self.active_choices = self.active_choices, _Choices()
        outcomes: dict[tuple[str, tuple[str, ...]], _IdentifierIssuer] = {}
        try:
            while True:
                self.active_choices.rewind()
                temporary = _IdentifierIssuer("b")
                temporary.issue(label)
                digest, issuer = self._hash_n_degree(label, temporary, canonical, 1)
                outcomes.setdefault((digest, tuple(issuer.issued)), issuer)
                if not self.active_choices.advance():
                    break
        finally:
            self.active_choices = top_level
        found = {}
        for (digest, _order), issuer in outcomes.items():
            found.setdefault(digest, []).append(issuer)
        self._outcome_cache[key] = found
        return found

    def _issue_tied(
        self, canonical: _IdentifierIssuer, members: list[list[_IdentifierIssuer]]
    ) -> None:
        """Step 5.3 for members whose N-degree results share one hash: issue their nodes, in
        some order, each member by one of its issuers."""
        if len(members) == 1 and len(members[0]) == 1:  # the usual case: nothing to choose
            for existing in members[0][0].issued:
                canonical.issue(existing)
            return
        members = list(members)
        while members:
            # Only the blank nodes a result would newly issue matter, and results that would
            # issue the same nodes in the same order are one alternative.
            fresh: dict[tuple[str, ...], tuple[int, _IdentifierIssuer]] = {}
            for index, issuers in enumerate(members):
                for issuer in issuers:
                    new = tuple(label for label in issuer.issued if label not in canonical.issued)
                    if new:
                        fresh.setdefault(new, (index, issuer))
            if not fresh:
                return
            options = list(fresh.values())
            index, chosen = options[self._choose(len(options))] if len(options) > 1 else options[0]
            del members[index]
            for existing in chosen.issued:
                canonical.issue(existing)

    def _count_step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise _BudgetExceeded(
                f"more than {self.limits.max_steps} steps of the N-degree search "
                f"(limit max_steps={self.limits.max_steps})"
            )

    def _hash_related(
        self,
        related: str,
        predicate: str,
        position: str,
        issuer: _IdentifierIssuer,
        canonical: _IdentifierIssuer,
    ) -> str:
        text = position if position == "g" else position + predicate
        identifier = canonical.issued.get(related) or issuer.issued.get(related)
        text += f"_:{identifier}" if identifier is not None else self.first_degree[related]
        return self._digest(text)

    def _hash_n_degree(
        self, label: str, issuer: _IdentifierIssuer, canonical: _IdentifierIssuer, depth: int
    ) -> tuple[str, _IdentifierIssuer]:
        self._count_step()
        if depth > self.limits.max_depth:
            raise _BudgetExceeded(
                f"N-degree hashing nested deeper than {self.limits.max_depth} "
                f"(limit max_depth={self.limits.max_depth})"
            )
        # Each related blank node once per hash, in the order met. The specification's reference
        # code keeps a list, so a node related twice by one hash (through two quads that differ
        # only in a term the related hash leaves out) is permuted twice; pyoxigraph keeps a set.
        # The set is kept here: the documents the ledger has stored were written by pyoxigraph,
        # and a list would change the labels of such datasets.
        related_by_hash: dict[str, dict[str, None]] = defaultdict(dict)
        for (_s, predicate, _o, _g), blanks in self.quads_of.get(label, ()):
            for position, related in zip("sog", blanks, strict=True):
                if related is not None and related != label:
                    digest = self._hash_related(related, predicate, position, issuer, canonical)
                    related_by_hash[digest][related] = None
        data_to_hash = ""
        for related_hash in sorted(related_by_hash):
            data_to_hash += related_hash
            chosen_path = ""
            # The issuers of the permutations with the least path; equal issuers count once.
            chosen_issuers: list[_IdentifierIssuer] = []
            for permutation in itertools.permutations(related_by_hash[related_hash]):
                self._count_step()
                path, issuer_copy = self._path_for(
                    permutation, issuer, canonical, chosen_path, depth
                )
                if path is not None and (not chosen_path or path < chosen_path):
                    chosen_path, chosen_issuers = path, [issuer_copy]
                elif path == chosen_path and all(
                    issuer_copy.issued != chosen.issued for chosen in chosen_issuers
                ):
                    chosen_issuers.append(issuer_copy)
            data_to_hash += chosen_path
            # the first permutation is never skipped, so there is a chosen issuer
            if len(chosen_issuers) > 1:
                issuer = chosen_issuers[self._choose(len(chosen_issuers))]
            else:
                issuer = chosen_issuers[0]
        return self._digest(data_to_hash), issuer

    def _path_for(
        self,
        permutation: Sequence[str],
        issuer: _IdentifierIssuer,
        canonical: _IdentifierIssuer,
        chosen_path: str,
        depth: int,
    ) -> tuple[str | None, _IdentifierIssuer]:
        """The path of one permutation, or None where it can only be worse than ``chosen_path``."""
        issuer_copy = issuer.copy()
        path = ""
        recursion_list: list[str] = []
        for related in permutation:
            identifier = canonical.issued.get(related)
            if identifier is None:
                if related not in issuer_copy.issued:
                    recursion_list.append(related)
                identifier = issuer_copy.issue(related)
            path += "_:" + identifier
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None, issuer_copy
        for related in recursion_list:
            digest, result_issuer = self._hash_n_degree(related, issuer_copy, canonical, depth + 1)
            path += "_:" + issuer_copy.issue(related) + "<" + digest + ">"
            issuer_copy = result_issuer
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None, issuer_copy
        return path, issuer_copy
