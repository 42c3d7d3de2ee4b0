"""Measure the analysis on a corpus whose expected relations were written down first.

A corpus folder holds one folder per event: ``expected.yaml`` (the relations a fact-checker must
be shown, and the traps that must not be flagged; format in the README, "Corroborations,
conflicts and grades") and the case's claim files, in ``case/`` or beside ``expected.yaml``.
Each event is loaded and analysed by the caller's ``Analyse`` (``api.evaluate`` gives one that
adds it to a fresh embedded ledger in a temporary folder through the normal door and runs the
conflicts, corroborations and scope warnings: this module never writes a ledger), and scored:

- conflicts: precision (flagged pairs that were expected) and recall (expected pairs flagged);
  only ``relation = conflict`` counts as flagged (a revision or an update is not a conflict);
- traps: expected non-conflicts flagged as conflicts (should be 0);
- corroborations: expected pairs listed as support, and among them those whose independence
  label (independent, aligned, same-origin) is the expected one; compatible pairs (vague
  figures, values at two levels of detail, answers that can hold at once) and derivation rows
  are not support;
- scope warnings: expected pairs listed as scope warnings.

Every miss and every false finding is listed with the reason: what the analysis said about that
pair instead, or that it said nothing. A measurement, not a check: it never fails on low figures.

An event may also hold ``review.yaml``: a second annotator's completeness review, written without
the analysis's output, that adds pairs ``expected.yaml`` does not list (``conflicts``, and
``not_conflicts`` scored as traps) and reports the entries it disputes (``disputes``, listed,
never applied). It is read only when asked (``review=True``), so the figure against the answers
written first stays the default and the two are never mixed up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from ledger.analysis import rules
from ledger.errors import InputError
from ledger.intake.load import claim_files, context_prefixes

#: The sections of ``expected.yaml`` and the field that labels each entry.
SECTIONS = {
    "conflicts": "type",
    "corroborations": "independence",
    "scope_warnings": "",
    "traps": "trap",
}
INDEPENDENCE = ("independent", "aligned", "same-origin")
#: The sections of ``review.yaml``: section → (the expected.yaml section it adds to, label field).
REVIEW_SECTIONS = {
    "conflicts": ("conflicts", "type"),
    "not_conflicts": ("traps", "kind"),
    "disputes": ("disputes", "section"),
}


@dataclass(frozen=True)
class Expectation:
    """One expected relation: a pair of claims (their IRIs as written), its label and why."""

    section: str
    a: str
    b: str
    label: str
    why: str
    line: int
    origin: str = "expected.yaml"

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


@dataclass(frozen=True)
class Note:
    """A miss or a false finding, with the analysis's own words about the pair."""

    event: str
    kind: str  # missed conflict | false conflict | trap flagged | missed corroboration | …
    a: str
    b: str
    expected: str
    found: str


@dataclass
class Score:
    """The figures of one event, or of the whole corpus."""

    event: str
    claims: int = 0
    loaded: bool = True
    problem: str = ""
    conflicts_expected: int = 0
    conflicts_flagged: int = 0
    conflicts_right: int = 0
    traps: int = 0
    traps_flagged: int = 0
    corroborations_expected: int = 0
    corroborations_found: int = 0
    corroborations_labelled: int = 0
    scope_warnings_expected: int = 0
    scope_warnings_found: int = 0
    scope_warnings_listed: int = 0
    conflicts_restated: int = 0
    notes: list[Note] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.conflicts_right / self.conflicts_flagged if self.conflicts_flagged else None

    @property
    def recall(self) -> float | None:
        return self.conflicts_right / self.conflicts_expected if self.conflicts_expected else None

    @property
    def distinct_precision(self) -> float | None:
        """Precision when a flagged pair that restates an expected conflict (each claim says
        what one side of an expected pair says) is not counted as false."""
        counted = self.conflicts_flagged - self.conflicts_restated
        return self.conflicts_right / counted if counted else None

    @property
    def label_share(self) -> float | None:
        """Right independence labels among the expected corroborations found."""
        found = self.corroborations_found
        return self.corroborations_labelled / found if found else None

    def add(self, other: Score) -> None:
        for name in (
            "claims", "conflicts_expected", "conflicts_flagged", "conflicts_right", "traps",
            "traps_flagged", "corroborations_expected", "corroborations_found",
            "corroborations_labelled", "scope_warnings_expected", "scope_warnings_found",
            "scope_warnings_listed", "conflicts_restated",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes.extend(other.notes)

    def row(self) -> dict[str, Any]:
        """The figures as one flat row (``EVALUATION_COLUMNS``)."""

        def share(value: float | None) -> str:
            return "" if value is None else f"{value:.2f}"

        return {
            "event": self.event,
            "claims": self.claims if self.loaded else f"not loaded: {self.problem}",
            "conflicts": f"{self.conflicts_right}/{self.conflicts_expected}",
            "flagged": self.conflicts_flagged,
            "precision": share(self.precision),
            "recall": share(self.recall),
            "traps_flagged": f"{self.traps_flagged}/{self.traps}",
            "corroborations": f"{self.corroborations_found}/{self.corroborations_expected}",
            "right_label": f"{self.corroborations_labelled}/{self.corroborations_found}",
            "label_share": share(self.label_share),
            "scope_warnings": f"{self.scope_warnings_found}/{self.scope_warnings_expected}",
            "scope_listed": self.scope_warnings_listed,
            "restated": self.conflicts_restated,
            "precision_distinct": share(self.distinct_precision),
        }


EVALUATION_COLUMNS = (
    "event", "claims", "conflicts", "flagged", "precision", "recall", "traps_flagged",
    "corroborations", "right_label", "label_share", "scope_warnings", "scope_listed", "restated",
    "precision_distinct",
)  # fmt: skip
NOTE_COLUMNS = ("event", "kind", "a", "b", "expected", "found")


@dataclass
class Evaluation:
    """Per event and overall."""

    events: list[Score]
    overall: Score
    #: Where the answers came from: ``expected.yaml``, or with the second annotator's review.
    answers: str = "expected.yaml"
    #: Entries of expected.yaml a review disputes (event, a, b, section, why): listed, not applied.
    disputes: list[Note] = field(default_factory=list)


@dataclass
class Analysed:
    """One event as the analysis saw it, or why it could not (``problem``)."""

    #: each claim's id as its file writes it -> its IRI in the ledger
    claims: Mapping[str, str] = field(default_factory=dict)
    #: each claim as the analysis read it, by IRI
    records: Mapping[str, rules.Claim] = field(default_factory=dict)
    conflicts: list[Any] = field(default_factory=list)
    corroborations: list[Any] = field(default_factory=list)
    scope_warnings: list[Any] = field(default_factory=list)
    #: set when the event's files did not load or conform: what was wrong, where
    problem: str | None = None


class Analyse(Protocol):
    """Loads one event's claim files and analyses them (``api.evaluate`` gives one)."""

    def __call__(self, files: list[Path], name: str) -> Analysed: ...


# --------------------------------------------------------------------------- expected.yaml


class _LineLoader(yaml.SafeLoader):
    """YAML with the line of each mapping, for messages that say where."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def read_expected(
    path: Path, prefixes: Mapping[str, str], *, review: bool = False
) -> list[Expectation]:
    """The expectations of one event, claim ids expanded with the case files' prefixes.

    With ``review``, ``path`` is a ``review.yaml``: its ``conflicts`` are expected conflicts, its
    ``not_conflicts`` traps, its ``disputes`` come back with section ``disputes``."""
    name = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the expectations: {error}", where=str(path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(f"{name} is not YAML: {error}", where=where) from None
    sections = (
        REVIEW_SECTIONS
        if review
        else {section: (section, label) for section, label in SECTIONS.items()}
    )
    if not isinstance(data, dict):
        raise InputError(
            f"{name} must be a mapping with {', '.join(sections)}",
            where=str(path),
        )
    found: list[Expectation] = []
    for key, (section, label_field) in sections.items():
        entries = data.get(key) or []
        if not isinstance(entries, list):
            raise InputError(f"{key} must be a list", where=f"{path}:{data['__line__']}")
        for entry in entries:
            line = entry.get("__line__", 0) if isinstance(entry, dict) else 0
            where = f"{path}:{line}"
            if not isinstance(entry, dict) or not entry.get("a") or not entry.get("b"):
                raise InputError(
                    f"each entry of {key} needs claim ids a and b",
                    where=where,
                    hint="e.g. {a: case:claim/one, b: case:claim/two, why: ...}",
                )
            label = str(entry.get(label_field, "")) if label_field else ""
            if section == "corroborations" and label not in INDEPENDENCE:
                raise InputError(
                    f"independence {label!r} is not one of {', '.join(INDEPENDENCE)}",
                    where=where,
                )
            if section == "disputes" and label not in SECTIONS:
                raise InputError(
                    f"a dispute's section {label!r} is not one of {', '.join(SECTIONS)}",
                    where=where,
                )
            found.append(
                Expectation(
                    section,
                    _expand(str(entry["a"]), prefixes),
                    _expand(str(entry["b"]), prefixes),
                    label,
                    str(entry.get("why", "")),
                    line,
                    name,
                )
            )
    return found


def read_review(
    path: Path, prefixes: Mapping[str, str], expected: list[Expectation]
) -> tuple[list[Expectation], list[Expectation]]:
    """A review's added expectations and its disputes. A review adds only pairs that
    ``expected.yaml`` does not list: a pair listed in both is an error naming both lines."""
    listed = {e.pair: e for e in expected}
    added: list[Expectation] = []
    disputes: list[Expectation] = []
    for entry in read_expected(path, prefixes, review=True):
        if entry.section == "disputes":
            disputes.append(entry)
            continue
        first = listed.get(entry.pair)
        if first is not None:
            raise InputError(
                f"this pair is already listed in {first.origin}:{first.line} ({first.section})",
                where=f"{path}:{entry.line}",
                hint="a review adds only pairs expected.yaml does not list; put a "
                "disagreement with it under disputes",
            )
        listed[entry.pair] = entry
        added.append(entry)
    return added, disputes


def _expand(claim_id: str, prefixes: Mapping[str, str]) -> str:
    prefix, colon, rest = claim_id.partition(":")
    if colon and prefix in prefixes and not rest.startswith("//"):
        return prefixes[prefix] + rest
    return claim_id


def _prefixes(files: Iterable[Path]) -> dict[str, str]:
    """The prefixes the case's YAML files declare in their ``@context``."""
    found: dict[str, str] = {}
    for path in files:
        if path.suffix.lower() in (".yaml", ".yml"):
            for name, namespace in context_prefixes(path).items():
                found.setdefault(name, namespace)
    return found


# --------------------------------------------------------------------------- one event


def event_folders(corpus: Path) -> list[Path]:
    """The folders of ``corpus`` that hold an ``expected.yaml``, sorted by name."""
    if not corpus.is_dir():
        raise InputError("no such corpus folder", where=str(corpus))
    folders = sorted(p.parent for p in corpus.glob("*/expected.yaml"))
    if not folders:
        raise InputError(
            "no event folders with an expected.yaml",
            where=str(corpus),
            hint="each event is a folder with expected.yaml and its claim files (or case/)",
        )
    return folders


def evaluate_event(
    folder: Path, analyse: Analyse, *, review: bool = False, disputes: list[Note] | None = None
) -> Score:
    """Analyse one event (``analyse``) and score it; with ``review``, against
    ``expected.yaml`` and the event's ``review.yaml`` (if any), its disputes added to
    ``disputes``."""
    case = folder / "case" if (folder / "case").is_dir() else folder
    files = [p for p in claim_files([case]) if p.name not in ("expected.yaml", "review.yaml")]
    prefixes = _prefixes(files)
    expected = read_expected(folder / "expected.yaml", prefixes)
    if review and (folder / "review.yaml").is_file():
        added, disputed = read_review(folder / "review.yaml", prefixes, expected)
        expected += added
        if disputes is not None:
            disputes.extend(
                _compact_note(
                    Note(folder.name, f"disputed ({e.label})", e.a, e.b, "in expected.yaml", e.why),
                    prefixes,
                )
                for e in disputed
            )
    score = Score(folder.name)
    try:
        return _evaluate_loaded(analyse(files, folder.name), expected, score)
    finally:
        score.notes = [_compact_note(n, prefixes) for n in score.notes]


def _compact_note(note: Note, prefixes: Mapping[str, str]) -> Note:
    """Claim IRIs in a note written as expected.yaml writes them (``case:claim/x``)."""

    def compact(iri: str) -> str:
        best = max(
            ((p, ns) for p, ns in prefixes.items() if ns and iri.startswith(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri

    return Note(note.event, note.kind, compact(note.a), compact(note.b), note.expected, note.found)


def _evaluate_loaded(analysed: Analysed, expected: list[Expectation], score: Score) -> Score:
    if analysed.problem is not None:  # a file that does not load: this event, not the corpus
        score.loaded = False
        score.problem = analysed.problem
        _score(score, expected, {}, {})
        return score
    iri_of = analysed.claims
    written = {iri: written_as for written_as, iri in iri_of.items()}
    score.claims = len(iri_of)
    positions = {written[i]: _position(c) for i, c in analysed.records.items() if i in written}
    rows: dict[str, list[Any]] = {
        "conflicts": analysed.conflicts,
        "corroborations": analysed.corroborations,
        "scope_warnings": analysed.scope_warnings,
    }
    by_pair: dict[frozenset[str], list[str]] = {}
    for section, found in rows.items():
        for r in found:
            pair = frozenset((written.get(r["claim_a"], r["claim_a"]),
                              written.get(r["claim_b"], r["claim_b"])))  # fmt: skip
            by_pair.setdefault(pair, []).append(_describe(section, r))
    listed = {
        "conflict": {
            frozenset((written.get(r.claim_a, r.claim_a), written.get(r.claim_b, r.claim_b))): r
            for r in rows["conflicts"]
            if r.relation == "conflict"
        },
        "corroboration": {
            frozenset((written.get(r.claim_a, r.claim_a), written.get(r.claim_b, r.claim_b))): r
            for r in rows["corroborations"]
            if r.match not in (*rules.COMPATIBLE_MATCHES, "derived from")
        },
        "scope-warning": {
            frozenset((written.get(r.claim_a, r.claim_a), written.get(r.claim_b, r.claim_b))): r
            for r in rows["scope_warnings"]
        },
    }
    unknown = sorted({c for e in expected for c in (e.a, e.b)} - set(iri_of))
    for claim in unknown:
        score.notes.append(
            Note(score.event, "unknown claim id", claim, "", "in expected.yaml", "no such claim")
        )
    _score(score, expected, listed, by_pair, positions)
    return score


def _position(claim: rules.Claim) -> tuple[Any, ...]:
    """What a claim says, whoever says it: subject, property, value or figure, stance."""
    return (claim.subject, claim.prop, claim.value, claim.lower, claim.upper, claim.unit,
            claim.denies)  # fmt: skip


def _describe(section: str, row: Any) -> str:
    if section == "conflicts":
        return f"{row.relation} ({row.type}, {row.independence}): {row.reason}"
    if section == "corroborations":
        return f"{row.match} ({row.kind}): {row.reason}"
    return f"scope warning: {row.reason}"


def _score(
    score: Score,
    expected: list[Expectation],
    listed: Mapping[str, Mapping[frozenset[str], Any]],
    by_pair: Mapping[frozenset[str], list[str]],
    positions: Mapping[str, tuple[Any, ...]] | None = None,
) -> None:
    event = score.event
    conflicts = listed.get("conflict", {})
    corroborations = listed.get("corroboration", {})
    warnings = listed.get("scope-warning", {})

    def said(pair: frozenset[str]) -> str:
        return " | ".join(by_pair.get(pair, [])) or "no finding for this pair"

    def note(kind: str, e: Expectation) -> None:
        label = f"{e.label}: " if e.label else ""
        if e.origin != "expected.yaml":
            kind = f"{kind} (from {e.origin})"
        score.notes.append(Note(event, kind, e.a, e.b, f"{label}{e.why}", said(e.pair)))

    expected_conflicts = {e.pair for e in expected if e.section == "conflicts"}
    expected_warnings = {e.pair for e in expected if e.section == "scope_warnings"}
    score.conflicts_expected = len(expected_conflicts)
    score.conflicts_flagged = len(conflicts)
    score.conflicts_right = len(expected_conflicts & set(conflicts))
    score.scope_warnings_listed = len(warnings)
    for e in expected:
        if e.section == "conflicts" and e.pair not in conflicts:
            note("missed conflict", e)
        elif e.section == "traps":
            score.traps += 1
            if e.pair in conflicts:
                score.traps_flagged += 1
                note("trap flagged", e)
        elif e.section == "corroborations":
            score.corroborations_expected += 1
            row = corroborations.get(e.pair)
            if row is None:
                note("missed corroboration", e)
            else:
                score.corroborations_found += 1
                if row.kind == e.label:
                    score.corroborations_labelled += 1
                else:
                    note("wrong independence", e)
        elif e.section == "scope_warnings":
            score.scope_warnings_expected += 1
            if e.pair in warnings:
                score.scope_warnings_found += 1
            else:
                note("missed scope warning", e)
    traps = {e.pair for e in expected if e.section == "traps"}
    stated = positions or {}

    def sides(pair: frozenset[str]) -> frozenset[tuple[Any, ...]]:
        return frozenset(stated.get(c, (c,)) for c in pair)

    expected_sides = {sides(p) for p in expected_conflicts}
    for pair, row in sorted(conflicts.items(), key=lambda item: sorted(item[0])):
        if pair not in expected_conflicts and pair not in traps:
            a, b = sorted(pair)
            kind = "false conflict"
            if len(sides(pair)) == 2 and sides(pair) in expected_sides:
                score.conflicts_restated += 1
                kind = "restates an expected conflict"
            score.notes.append(Note(event, kind, a, b, "not expected", f"{row.type}: {row.reason}"))
    for pair, row in sorted(warnings.items(), key=lambda item: sorted(item[0])):
        if pair not in expected_warnings:
            a, b = sorted(pair)
            score.notes.append(Note(event, "false scope warning", a, b, "not expected", row.reason))


# --------------------------------------------------------------------------- the corpus


def evaluate(corpus: Path, analyse: Analyse, *, review: bool = False) -> Evaluation:
    """Score every event folder of ``corpus``, each analysed by ``analyse``, then the corpus as a
    whole; with ``review``, against the answers written first plus each event's
    ``review.yaml``."""
    disputes: list[Note] = []
    events = [
        evaluate_event(folder, analyse, review=review, disputes=disputes)
        for folder in event_folders(corpus)
    ]
    overall = Score("overall")
    for score in events:
        overall.add(score)
    answers = "expected.yaml + review.yaml" if review else "expected.yaml"
    return Evaluation(events, overall, answers, disputes)


__all__ = [
    "EVALUATION_COLUMNS", "NOTE_COLUMNS", "REVIEW_SECTIONS", "Analyse", "Analysed", "Evaluation",
    "Expectation", "Note",
    "Score", "evaluate", "evaluate_event", "event_folders", "read_expected", "read_review",
]  # fmt: skip
