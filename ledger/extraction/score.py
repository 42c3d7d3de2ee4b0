"""Score a draft claim file against a hand-made case: which statements it found, from whom, where.

``claim-ledger extract --evaluate GOLD ARTICLE`` calls :func:`evaluate`. The rules:

- A **statement** is the set of claims that share one quote span: the same document and the same
  ``TextPositionSelector`` start and end. A claim with two quotes belongs to two statements; two
  claims quoting the same words (one sentence, two sources) make one statement whose sources are
  both. Claims without an anchored quote (no quote with a ``TextPositionSelector``) are not
  statements; :attr:`Evaluation.draft_skipped` and :attr:`Evaluation.gold_skipped` count them.
- Two spans are in the **same document** when the documents have the same SHA-256 (computed from
  the local copy when it loads, else as the claim file records it); a document without a known
  SHA-256 is known by its IRI, and a draft that names one of the gold's documents by its IRI
  without describing it (a claims file alone) quotes that document. A draft may thus name the
  article differently from the gold, or not describe it at all.
- A draft statement **matches** a gold statement when their spans overlap by at least half of the
  shorter span (an empty span matches nothing). Matching is one-to-one and greedy: the pair with
  the largest overlap (in code points) first; ties go to the pair whose ends differ least
  (``|Δstart| + |Δend|``), then to the earlier gold span, then to the earlier draft span.
- **precision** = matched draft statements / draft statements;
  **recall** = matched gold statements / gold statements;
  **source_accuracy** = matched pairs whose sets of ``attributedTo`` sources are equal / matched
  pairs. Sources are compared by IRI, and a new agent the draft describes itself never counts as
  right, even if its IRI happens to be the gold's (an agent minted as ``src:samir-haddad`` because
  the registry's ``src:samir-haddad`` was not recognised is a failure to resolve). An agent the
  draft describes exactly as the gold does (a draft that copies the gold's own description, or the
  whole case) is the gold's agent, not a new one.
  **quote_exactness** = matched pairs with identical spans / matched pairs.
- A ratio with nothing to count (0/0: an empty draft, or no matched pair) is **0.0**, never 1.0,
  so that an empty draft passes no target; the counts in :meth:`Evaluation.rows` show why.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ledger import resources
from ledger.errors import InputError, LedgerError
from ledger.intake.load import LoadedBatch, claim_files, load_paths, node_key
from ledger.vocab import CL_IRI

#: IRIs are shown without this common stem in the lines of :meth:`Evaluation.misses`.
_SHOWN_STEM = "https://w3id.org/claim-ledger/"


@dataclass(frozen=True, order=True)
class Span:
    """Where a statement's words stand: a document (its identity) and code-point offsets."""

    document: str
    start: int
    end: int

    def __len__(self) -> int:
        return max(0, self.end - self.start)

    def overlap(self, other: Span) -> int:
        """Code points the two spans share (0 in different documents)."""
        if self.document != other.document:
            return 0
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(frozen=True)
class Statement:
    """The claims of one side sharing one quote span, with their sources."""

    span: Span
    text: str
    sources: frozenset[str]
    claims: tuple[str, ...]
    #: sources the draft describes itself, otherwise than the gold does (never right)
    new_agents: frozenset[str] = frozenset()

    def where(self) -> str:
        return f"[{self.span.start}–{self.span.end}] {self.text!r}"


@dataclass(frozen=True)
class Side:
    """What one claim file or case folder holds, as statements."""

    statements: tuple[Statement, ...]
    claims: int
    skipped: int


@dataclass(frozen=True)
class Evaluation:
    """The score of a draft against a gold case, with every statement behind it."""

    precision: float
    recall: float
    source_accuracy: float
    quote_exactness: float
    gold_statements: int
    draft_statements: int
    matched: int
    right_sources: int
    exact_quotes: int
    gold_claims: int
    draft_claims: int
    #: claims without an anchored quote, which are not statements
    gold_skipped: int
    draft_skipped: int
    pairs: tuple[tuple[Statement, Statement], ...] = field(repr=False)
    missed: tuple[Statement, ...] = field(repr=False)
    spurious: tuple[Statement, ...] = field(repr=False)

    def rows(self) -> list[dict[str, object]]:
        """One row per metric: metric, value (rounded to 4 places), matched, total."""
        return [
            {
                "metric": "precision",
                "value": round(self.precision, 4),
                "matched": self.matched,
                "total": self.draft_statements,
            },
            {
                "metric": "recall",
                "value": round(self.recall, 4),
                "matched": self.matched,
                "total": self.gold_statements,
            },
            {
                "metric": "source_accuracy",
                "value": round(self.source_accuracy, 4),
                "matched": self.right_sources,
                "total": self.matched,
            },
            {
                "metric": "quote_exactness",
                "value": round(self.quote_exactness, 4),
                "matched": self.exact_quotes,
                "total": self.matched,
            },
        ]

    def misses(self) -> list[str]:
        """What went wrong, one line each, in document order.

        Missed gold statements, spurious draft statements, wrong sources (expected vs found),
        inexact spans, then how many claims had no anchored quote.
        """
        events: list[tuple[Span, int, str]] = []
        for gold in self.missed:
            events.append((gold.span, 0, f"missed: {gold.where()} from {_names(gold.sources)}"))
        for draft in self.spurious:
            events.append(
                (draft.span, 1, f"spurious: {draft.where()} from {_names(draft.sources)}")
            )
        for gold, draft in self.pairs:
            if not _sources_right(gold, draft):
                found = _names(draft.sources)
                if draft.new_agents:
                    found += f" (new agent described by the draft: {_names(draft.new_agents)})"
                events.append(
                    (
                        gold.span,
                        2,
                        f"wrong source: {gold.where()}: expected {_names(gold.sources)}, "
                        f"found {found}",
                    )
                )
            if gold.span != draft.span:
                events.append(
                    (
                        gold.span,
                        3,
                        f"inexact span: gold {gold.where()}, draft {draft.where()}",
                    )
                )
        lines = [text for _, _, text in sorted(events)]
        if self.draft_skipped or self.gold_skipped:
            lines.append(
                f"skipped: {self.draft_skipped} draft claim(s) and {self.gold_skipped} gold "
                "claim(s) without an anchored quote (not statements)"
            )
        return lines


# --------------------------------------------------------------------------- the evaluation


def evaluate(draft: Path, gold: Path, page: bool = False) -> Evaluation:
    """Score the draft claim file ``draft`` against the case folder (or claim file) ``gold``.

    ``page``: the gold covers many documents (a corpus event of several news pages) and the
    draft one of them: the gold is then that page's claims alone, the statements whose quote is
    in a document the draft quotes (gold claims quoting other pages neither count nor miss).
    """
    gold_batch = _load_gold(gold, draft)
    draft_batch = _load(draft, "draft")
    gold_side = _side(gold_batch)
    if gold_side.claims == 0:
        raise InputError(
            "the gold holds no claims",
            where=str(gold),
            hint="give the case folder (or claim file) with the hand-made claims",
        )
    if not gold_side.statements:
        raise InputError(
            f"none of the gold's {gold_side.claims} claim(s) has an anchored quote, "
            "so there is nothing to score against",
            where=str(gold),
            hint="anchor each claim's words with `claim-ledger anchor DOCUMENT 'exact words'`",
        )
    draft_side = _side(
        draft_batch,
        gold_agents=_agent_descriptions(_store(gold_batch)),
        known_documents={
            iri: f"sha256:{document.sha256}" for iri, document in gold_batch.documents.items()
        },
    )
    draft_documents = {s.span.document for s in draft_side.statements}
    if page:
        gold_side = _only_documents(gold_side, draft_documents | _documents_of(draft_batch))
    gold_documents = {s.span.document for s in gold_side.statements}
    if draft_documents and not draft_documents & gold_documents:
        raise InputError(
            "the draft quotes no document of the gold: "
            f"{', '.join(sorted(_shown(d) for d in draft_documents))} "
            f"against {', '.join(sorted(_shown(d) for d in gold_documents))}",
            where=str(draft),
            hint="documents are matched by SHA-256: extract from the gold's own article file",
        )
    pairs = match(gold_side.statements, draft_side.statements)
    matched_gold = {id(g) for g, _ in pairs}
    matched_draft = {id(d) for _, d in pairs}
    right = sum(1 for g, d in pairs if _sources_right(g, d))
    exact = sum(1 for g, d in pairs if g.span == d.span)
    return Evaluation(
        precision=_ratio(len(pairs), len(draft_side.statements)),
        recall=_ratio(len(pairs), len(gold_side.statements)),
        source_accuracy=_ratio(right, len(pairs)),
        quote_exactness=_ratio(exact, len(pairs)),
        gold_statements=len(gold_side.statements),
        draft_statements=len(draft_side.statements),
        matched=len(pairs),
        right_sources=right,
        exact_quotes=exact,
        gold_claims=gold_side.claims,
        draft_claims=draft_side.claims,
        gold_skipped=gold_side.skipped,
        draft_skipped=draft_side.skipped,
        pairs=tuple(pairs),
        missed=tuple(g for g in gold_side.statements if id(g) not in matched_gold),
        spurious=tuple(d for d in draft_side.statements if id(d) not in matched_draft),
    )


def _documents_of(batch: LoadedBatch) -> set[str]:
    """The identities of the documents a batch describes (a draft's article, even unquoted)."""
    return {f"sha256:{document.sha256}" for document in batch.documents.values()}


def _only_documents(side: Side, documents: set[str]) -> Side:
    """The statements (and their claims) of a side that quote one of the documents."""
    kept = tuple(s for s in side.statements if s.span.document in documents)
    claims = {claim for s in kept for claim in s.claims}
    return Side(statements=kept, claims=len(claims), skipped=0)


def statements(path: Path) -> Side:
    """The statements of a claim file or case folder (as the gold side reads them)."""
    return _side(_load(path, "claims"))


def match(
    gold: Iterable[Statement], draft: Iterable[Statement]
) -> list[tuple[Statement, Statement]]:
    """Pair gold and draft statements one-to-one, greedily by largest overlap (see the rules)."""
    candidates: list[tuple[int, int, Span, Span, int, int]] = []
    golds = list(gold)
    drafts = list(draft)
    for gi, g in enumerate(golds):
        for di, d in enumerate(drafts):
            shared = g.span.overlap(d.span)
            if shared == 0 or 2 * shared < min(len(g.span), len(d.span)):
                continue
            distance = abs(g.span.start - d.span.start) + abs(g.span.end - d.span.end)
            candidates.append((-shared, distance, g.span, d.span, gi, di))
    candidates.sort()
    used_gold: set[int] = set()
    used_draft: set[int] = set()
    pairs: list[tuple[Statement, Statement]] = []
    for _, _, _, _, gi, di in candidates:
        if gi in used_gold or di in used_draft:
            continue
        used_gold.add(gi)
        used_draft.add(di)
        pairs.append((golds[gi], drafts[di]))
    pairs.sort(key=lambda pair: (pair[0].span, pair[1].span))
    return pairs


# --------------------------------------------------------------------------- reading one side


def _load_gold(gold: Path, draft: Path) -> LoadedBatch:
    """The gold's claim files without the drafts among them.

    The README advises saving a draft beside its article, so in the case folder: a file whose
    claims carry ``toCheck`` marks is a draft (``add`` refuses it), never part of the gold.
    """
    del draft  # a draft is known by its marks, wherever it is saved
    if not gold.is_dir():
        return _load(gold, "gold")
    try:
        kept = [
            f
            for f in claim_files([gold])
            if not any(q.predicate.value == _TO_CHECK for q in load_paths([f]).quads)
        ]
        return load_paths(kept or [gold])  # in one call, so the files' blank nodes stay apart
    except LedgerError as exc:
        raise InputError(
            f"the gold cannot be read: {exc.message}", where=exc.where or str(gold), hint=exc.hint
        ) from None


_TO_CHECK = CL_IRI + "toCheck"


def _load(path: Path, role: str) -> LoadedBatch:
    try:
        return load_paths([path])
    except LedgerError as exc:
        raise InputError(
            f"the {role} cannot be read: {exc.message}",
            where=exc.where or str(path),
            hint=exc.hint,
        ) from None


def _store(batch: LoadedBatch) -> ox.Store:
    store = ox.Store()
    store.extend(batch.quads)
    return store


def _select(store: ox.Store, name: str) -> Iterator[ox.QuerySolution]:
    result = store.query(resources.query(name))
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"ledger/queries/{name}.rq is not a SELECT query")
    yield from result


@dataclass
class _Gathered:
    """The claims found at one span while reading rows."""

    document: str
    text: str = ""
    sources: set[str] = field(default_factory=set)
    claims: set[str] = field(default_factory=set)


def _side(
    batch: LoadedBatch,
    gold_agents: dict[str, frozenset[tuple[str, str]]] | None = None,
    known_documents: dict[str, str] | None = None,
) -> Side:
    """The statements of a loaded batch.

    For a draft, ``gold_agents`` holds the gold's descriptions of its agents: an agent the draft
    describes otherwise is a new agent. ``known_documents`` maps the gold's document IRIs to
    their identity, for a draft document whose SHA-256 is not known (a claim file without its
    document's description).
    """
    store = _store(batch)
    new_agents: frozenset[str] = frozenset()
    if gold_agents is not None:
        new_agents = frozenset(
            agent
            for agent, facts in _agent_descriptions(store).items()
            if gold_agents.get(agent) != facts
        )
    claims: set[str] = set()
    anchored: set[str] = set()
    by_span: dict[Span, _Gathered] = {}
    for row in _select(store, "statement-spans"):
        claim = node_key(row["claim"])
        claims.add(claim)
        if row["start"] is None or row["end"] is None or row["document"] is None:
            continue
        try:
            start, end = int(row["start"].value), int(row["end"].value)
        except ValueError:
            continue  # an ill-typed offset anchors nothing; validation says so
        anchored.add(claim)
        document = node_key(row["document"])
        identity = _document_identity(batch, document, row["sha256"])
        if identity == document and known_documents:
            identity = known_documents.get(document, document)
        span = Span(identity, start, end)
        gathered = by_span.setdefault(span, _Gathered(document))
        if row["exact"] is not None and not gathered.text:
            gathered.text = row["exact"].value
        if row["source"] is not None:
            gathered.sources.add(node_key(row["source"]))
        gathered.claims.add(claim)
    found: list[Statement] = []
    for span, gathered in sorted(by_span.items()):
        sources = frozenset(gathered.sources)
        found.append(
            Statement(
                span=span,
                text=gathered.text or _document_text(batch, gathered.document, span),
                sources=sources,
                claims=tuple(sorted(gathered.claims)),
                new_agents=sources & new_agents,
            )
        )
    return Side(statements=tuple(found), claims=len(claims), skipped=len(claims - anchored))


def _agent_descriptions(store: ox.Store) -> dict[str, frozenset[tuple[str, str]]]:
    """Each agent the claim files describe, with what they say of it (blank nodes left out)."""
    described: dict[str, set[tuple[str, str]]] = {}
    for row in _select(store, "agent-descriptions"):
        described.setdefault(node_key(row["agent"]), set()).add(
            (row["property"].value, str(row["value"]))
        )
    return {agent: frozenset(facts) for agent, facts in described.items()}


def _document_identity(batch: LoadedBatch, document: str, sha256: ox.Literal | None) -> str:
    loaded = batch.documents.get(document)
    if loaded is not None:
        return f"sha256:{loaded.sha256}"
    if sha256 is not None and sha256.value.strip():
        return f"sha256:{sha256.value.strip().lower()}"
    return document


def _document_text(batch: LoadedBatch, document: str, span: Span) -> str:
    loaded = batch.documents.get(document)
    return loaded.text[span.start : span.end] if loaded is not None else ""


# --------------------------------------------------------------------------- small helpers


def _sources_right(gold: Statement, draft: Statement) -> bool:
    return not draft.new_agents and draft.sources == gold.sources


def _ratio(count: int, total: int) -> float:
    return count / total if total else 0.0


def _shown(iri: str) -> str:
    return iri[len(_SHOWN_STEM) :] if iri.startswith(_SHOWN_STEM) else iri


def _names(iris: Iterable[str]) -> str:
    shown = sorted(_shown(i) for i in iris)
    return ", ".join(shown) if shown else "(no source)"
