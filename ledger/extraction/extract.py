"""Draft claims from a news article: who says what, where the words stand, with what vagueness.

``claim-ledger extract ARTICLE --lang nb|en`` reads the article and a source registry and prints a
draft claim file. Rules only (``ledger.extraction.rules`` holds the words), nothing downloaded:

1. **Segmentation**: paragraphs; a date line, headings, photo captions ("LABEL: … Foto: …") and
   speech introduced by a dash are told apart; sentences end at ``.!?`` unless an abbreviation,
   an initial or a number ("10.000") says otherwise.
2. **Attribution**: a cue after the statement (", opplyser SOHR", ", ifølge SOHR", "…, he said"),
   before it ("Ifølge A og B …", "Lørdag meldte X at …", "X said that …"), a broadcaster's
   "viste"/"showed", a passive agent ("anklaget av X", "accused by X"), a self-description
   ("som kaller seg selv …"), a cue in the next sentence, a pronoun ("mener han") resolved to the
   last named speaker, "het det i innslaget" to the last named source; sentences without a cue are
   the reporter's own voice, attributed to the outlet.
3. **Sources** resolve through the registry's names and aliases; an apposition gives speaker,
   organisation and relay ("X, talsmann for Y til DPA"); an unknown source becomes a new agent
   with its name as written, marked for the checker.
4. **Statements** are clauses: relative clauses, coordinated and subordinate clauses are claims of
   their own (direct quotes are kept whole, one per sentence); vague head counts and
   "X-controlled <place> Name" phrases inside a clause are claims too.
5. **Quantities** keep their words and get bounds ("om lag 10.000" → 9,000–11,000); **relative
   days** resolve against ``--published`` or stay honest intervals.

Whatever the rules cannot decide is listed in the claim's ``toCheck`` (validate reports each).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import yaml

from ledger.errors import InputError, UsageError
from ledger.extraction.rules import LEXICONS, Lexicon, alternation
from ledger.intake.anchor import CONTEXT_CHARS
from ledger.intake.load import CONTEXT_IRI, load_paths, node_key, read_text_file

if TYPE_CHECKING:
    from ledger.extraction.score import Evaluation

LANGUAGES = tuple(LEXICONS)
#: A news article is tens of kilobytes; a larger input is refused before any work.
MAX_ARTICLE_BYTES = 1024 * 1024
#: The most statements a draft holds: a checker cannot review more, and writing them takes long.
MAX_STATEMENTS = 3000
#: The longest sentence the rules look into (a longer "sentence" is kept whole, own voice).
MAX_SENTENCE_CHARS = 2000

_SCHEMA = "https://schema.org/"
_PROV = "http://www.w3.org/ns/prov#"
_CL = "https://w3id.org/claim-ledger/ns#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DRAFT_STEM = "https://w3id.org/claim-ledger/draft/"

_DASHES = "–—-"
_OPEN_QUOTES = "«\"“‘'"
_CLOSE_QUOTES = "»\"”’'"


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Agent:
    """A source: from the registry (by IRI), or new, named as written and marked for a checker."""

    iri: str
    name: str
    person: bool = False
    kind: str | None = None
    on_behalf_of: str | None = None
    new: bool = False
    lang: str = "en"
    #: the job title the registry gives a person ("ordfører", "fire chief"), case-folded
    role: str | None = None


@dataclass
class Registry:
    """The source registry's agents and every name or alias they go by."""

    agents: dict[str, Agent] = field(default_factory=dict)
    #: normalised name → IRI
    names: dict[str, str] = field(default_factory=dict)
    #: IRI → its normalised names
    aliases: dict[str, list[str]] = field(default_factory=dict)
    #: a person's surname (case-folded) → IRI, for surnames only one registry person has
    surnames: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    @classmethod
    def load(cls, path: Path | None) -> Registry:
        """Read a registry (a claim file or folder ``validate`` reads); None: an empty one."""
        registry = cls()
        if path is None:
            return registry
        batch = load_paths([path])
        names: dict[str, list[tuple[str, str]]] = {}
        types: dict[str, set[str]] = {}
        kind: dict[str, str] = {}
        behalf: dict[str, str] = {}
        titles: dict[str, str] = {}
        for quad in batch.quads:
            subject = node_key(quad.subject)
            predicate = quad.predicate.value
            obj = quad.object
            if predicate == _RDF_TYPE:
                types.setdefault(subject, set()).add(node_key(obj))
            elif predicate in (_SCHEMA + "name", _SCHEMA + "alternateName"):
                if isinstance(obj, ox.Literal):
                    names.setdefault(subject, []).append((obj.value, obj.language or "en"))
            elif predicate == _CL + "sourceKind":
                kind[subject] = node_key(obj).removeprefix(_CL)
            elif predicate == _PROV + "actedOnBehalfOf":
                behalf[subject] = node_key(obj)
            elif predicate == _SCHEMA + "jobTitle" and isinstance(obj, ox.Literal):
                titles[subject] = " ".join(filter(None, (titles.get(subject), obj.value)))
        for iri, kinds in types.items():
            person = _PROV + "Person" in kinds
            if not person and _PROV + "Organization" not in kinds:
                continue
            if iri.startswith("_:"):
                continue
            written = names.get(iri, [])
            english = [n for n, lang in written if lang == "en"]
            label = (english or [n for n, _ in written] or [iri])[0]
            registry.agents[iri] = Agent(
                iri=iri,
                name=label,
                person=person,
                kind=kind.get(iri),
                on_behalf_of=behalf.get(iri),
                role=titles[iri].casefold() if iri in titles else None,
            )
            surnames: set[str] = set()
            for name, _ in written:
                key = _norm(name)
                if key:
                    registry.names.setdefault(key, iri)
                    registry.aliases.setdefault(iri, []).append(key)
                words = name.split()
                if person and len(words) >= 2 and len(words[-1]) >= 3:
                    surnames.add(_norm(words[-1]))
            for surname in surnames:
                if surname in registry.surnames and registry.surnames[surname] != iri:
                    registry.surnames[surname] = ""  # two people share it: no one by surname
                else:
                    registry.surnames[surname] = iri
        registry._compile()
        return registry

    def _compile(self) -> None:
        """One pattern for every name, longest first, at word boundaries."""
        if not self.names:
            self.pattern = None
            return
        alternatives = sorted(self.names, key=len, reverse=True)
        body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in alternatives)
        self.pattern = re.compile(rf"(?<![\w]){'(?:' + body + ')'}(?![\w])", re.IGNORECASE)

    def exact(self, phrase: str) -> Agent | None:
        """The agent whose name or alias is exactly the phrase (case and spacing aside)."""
        iri = self.names.get(_norm(phrase))
        return self.agents.get(iri) if iri else None

    def mentions(self, text: str) -> list[tuple[int, int, Agent]]:
        """Every registry name in the text, left to right, without overlaps."""
        if self.pattern is None:
            return []
        found = []
        for m in self.pattern.finditer(text):
            iri = self.names.get(_norm(m.group(0)))
            if iri:
                found.append((m.start(), m.end(), self.agents[iri]))
        return found

    def resolve(self, phrase: str) -> Agent | None:
        """The agent a phrase names: exactly, by a person's surname, else the registry name that
        ends last in it."""
        agent = self.exact(phrase) or self.exact(_strip_parenthesis(phrase)) or self.surname(phrase)
        if agent:
            return agent
        found = self.mentions(phrase)
        if not found:
            return None
        found.sort(key=lambda f: (f[1], f[1] - f[0]))
        return found[-1][2]

    def surname(self, phrase: str) -> Agent | None:
        """The registry person a bare surname names ("Calloway" after "Ruth Calloway")."""
        phrase = phrase.strip()
        if not re.fullmatch(r"[A-ZÆØÅ][\w'-]{2,}", phrase):
            return None
        iri = self.surnames.get(_norm(phrase))
        return self.agents.get(iri) if iri else None

    def outlets(self) -> list[Agent]:
        """The registry's news outlets."""
        return [a for a in self.agents.values() if a.kind == "NewsOutlet"]


def _norm(text: str) -> str:
    """A name as compared: NFC, case-folded, single spaces, no outer punctuation."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip(" \t\n,.;:!?\"'«»“”’()")
    return text


def _strip_parenthesis(text: str) -> str:
    """The text without parenthesised parts ("SOHR (UK)" → "SOHR")."""
    return re.sub(r"\s*\([^()]*\)", "", text)


# --------------------------------------------------------------------------- what a draft holds


@dataclass(frozen=True)
class TimeExpression:
    """A time phrase of the statement and the span it allows."""

    phrase: str
    kind: str  # weekday, weekend, last24, day
    weekday: str | None = None
    days_back: int = 0


@dataclass(frozen=True)
class Attribution:
    """Who a statement is from, through whom, how it came, and whether it is denied."""

    sources: tuple[Agent, ...]
    relay: Agent | None = None
    transmission: str = "unstated"
    stance: str = "asserts"
    cue: str = ""
    marks: tuple[str, ...] = ()
    #: when the source said it, as the cue says ("Lørdag meldte", "said on Monday")
    cue_time: TimeExpression | None = None


@dataclass(frozen=True)
class Quantity:
    """A figure with the source's words and the bounds its vagueness allows."""

    phrase: str
    qualifier: str
    lower: Decimal | None
    upper: Decimal | None
    nominal: Decimal | None
    unit: str | None
    start: int
    end: int
    #: the quantitative property a word nearby suggests (a guess, marked), with that word
    property_hint: tuple[str, str] | None = None


@dataclass
class Statement:
    """One attributed statement: the words (code-point span), its attribution, figure and time."""

    start: int
    end: int
    attribution: Attribution
    direct: bool = False
    quantity: Quantity | None = None
    time: TimeExpression | None = None
    marks: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """The statements found in an article, and the new agents they name."""

    text: str
    lang: str
    statements: list[Statement]
    new_agents: list[Agent]
    outlet: Agent
    published: tuple[dt.date, dt.date, str] | None


# --------------------------------------------------------------------------- reading the input


def read_article(path: Path) -> str:
    """The article's text: UTF-8, not binary, not empty, at most ``MAX_ARTICLE_BYTES``."""
    text = read_text_file(path, MAX_ARTICLE_BYTES)
    if not text.strip():
        raise InputError(
            "the article is empty: there is nothing to extract",
            where=str(path),
            hint="give the text of a news article, as a UTF-8 text file",
        )
    return text


def parse_published(value: str | None) -> tuple[dt.date, dt.date, str] | None:
    """``--published`` as (earliest, latest, precision): YYYY-MM-DD, YYYY-MM or YYYY."""
    if value is None:
        return None
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            return day, day, "dayPrecision"
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = int(value[:4]), int(value[5:])
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), "monthPrecision"
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "yearPrecision"
    except ValueError:
        pass
    raise UsageError(
        f"--published {value!r} is not a date",
        hint="give the day the article was published as YYYY-MM-DD (or YYYY-MM, YYYY)",
    )


# --------------------------------------------------------------------------- segmentation


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's span and kind: body, speech, heading, caption, label or byline."""

    start: int
    end: int
    kind: str  # body, speech, heading, caption


def paragraphs(text: str) -> Iterator[Paragraph]:
    """The article's paragraphs (split at blank lines), each with its kind."""
    position = 0
    for m in re.finditer(r"\n[ \t\r]*\n|\Z", text):
        raw_start, end = position, m.start()
        position = m.end()
        start, end = _strip_span(text, raw_start, end)
        if raw_start == 0:
            dateline = re.match(
                r"\s*(?:date|dato|published|publisert|updated|oppdatert)\s*:?\s*"
                r"\d{4}(?:-\d{2}){0,2}(?:[T ][\d:]+)?\s+",
                text[start:end],
                re.IGNORECASE,
            )
            if dateline:
                start += dateline.end()
        # "OSLO (NTB): …", "DORVAN, Kestria, 11 March 2025 – …": a place line, not a statement
        place = _PLACE_LINE.match(text, start, end)
        if place:
            start = place.end()
        if start >= end:
            continue
        yield Paragraph(start, end, _paragraph_kind(text[start:end]))
        if m.end() == m.start():
            break


_PLACE_LINE = re.compile(
    r"[A-ZÆØÅ][A-ZÆØÅ .'-]{1,30}"
    r"(?:\s*\([^()\n]{1,20}\)\s*[:–—]\s+"  # OSLO (NTB): …
    r"|(?:,[^,\n.:]{1,30}){0,2},\s*\d{1,2}\.?\s+\w+\s+\d{4}(?:\s*[–—]\s+|\s*\n\s*|\s*$)"
    r"|\s+[–—]\s+)"  # OSLO – …
)


_BYLINE = re.compile(
    r"^\(?(?:By|Av|Additional reporting|Reporting by|Editing by|Written by|Writing by|"
    r"Tilleggsrapportering|"
    r"This article (?:was|has been) (?:updated|amended|corrected)|"
    r"Denne artikkelen (?:ble|er) (?:oppdatert|endret|rettet))\b"
)


def _paragraph_kind(para: str) -> str:
    """What a paragraph is: a byline, a caption, a label, a heading, speech or body."""
    byline = _BYLINE.match(para)
    if byline and len(para.split()) <= 25:
        # "By Monday, 40 had died." is a sentence: a bare "By"/"Av" line has no full stop
        if byline.group(0) not in ("By", "Av") or not para.rstrip().endswith((".", "!", "?")):
            return "byline"
    if re.search(r"\b(?:Foto|FOTO|Photo|PHOTO|Photograph|Bilde)\s?:", para):
        return "caption"
    words = para.split()
    if len(words) == 1 and len(para) <= 40:
        return "label"
    if (
        len(words) <= 7
        and len(para) <= 80
        and "\n" not in para
        and not para.rstrip(_CLOSE_QUOTES).endswith((".", "!", "?", ":", ";", ","))
    ):
        return "heading"
    if para[0] in _DASHES and len(para) > 1 and para[1].isspace():
        return "speech"
    return "body"


def _strip_span(text: str, start: int, end: int, chars: str = " \t\r\n") -> tuple[int, int]:
    """The span without the given characters at either end."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def sentences(text: str, start: int, end: int, lexicon: Lexicon) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]``: ends at .!? before a capital, a dash or a quote."""
    found: list[tuple[int, int]] = []
    begin = start
    abbreviations = {a.casefold() for a in lexicon.abbreviations}
    for m in re.finditer(r"[.!?]+[»\"”’')]*(?=\s)", text[start:end]):
        stop = start + m.end()
        after = re.match(r"\s+(\S)", text[stop:end])
        if not after:
            continue
        nxt = after.group(1)
        if not (nxt.isupper() or nxt.isdigit() or nxt in _DASHES or nxt in _OPEN_QUOTES):
            continue
        if m.group(0).startswith("."):
            word = re.search(r"(\S+)$", text[begin : start + m.start()])
            token = word.group(1).casefold().lstrip('(«"“') if word else ""
            if token in abbreviations:
                continue
            if len(token) == 1 and token.isalpha() and _initial(text, begin, start + m.start()):
                continue
        found.append((begin, stop))
        begin = stop
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end:
        found.append((begin, end))
    return [s for s in found if s[1] > s[0]]


def _initial(text: str, begin: int, at: int) -> bool:
    """Is the single letter before ``at`` an initial ("John F. Kennedy", "J. Smith")?

    An initial follows a name or another initial, or opens the sentence; a letter after a
    lowercase word ("a post on X.") is a word of its own (a platform, a plan) and may end it.
    """
    before = re.search(r"(\S+)\s+\S$", text[begin:at])
    if before is None:
        return True
    previous = before.group(1).lstrip('(«"“')
    return not previous[:1].islower()


# --------------------------------------------------------------------------- the extractor


class _Patterns:
    """The regular expressions of one language, compiled once."""

    def __init__(self, lex: Lexicon) -> None:
        say = alternation(lex.say)
        self.say = say
        self.deny = re.compile(rf"^{alternation(lex.deny)}$", re.IGNORECASE)
        according = alternation(lex.according)
        quote_close = "[»\"”’']?"
        # ", opplyser SOHR." / ", said the ministry." (cue, then source, at the end)
        self.trailing_inverted = re.compile(
            rf"(?:,{quote_close}|[»\"”’'],?)\s+(?P<cue>{say})\s+(?P<src>[^.!?]+?)[.!?]*$",
            re.IGNORECASE,
        )
        # ", ifølge SOHR." / ", according to SOHR."
        self.trailing_according = re.compile(
            rf",{quote_close}\s+(?P<cue>{according})\s+(?P<src>[^.!?]+?)[.!?]*$", re.IGNORECASE
        )
        # ", het det i innslaget."
        self.trailing_it_said = re.compile(
            rf",{quote_close}\s+(?P<cue>{alternation(lex.it_said)})\s*(?P<src>[^.!?]*?)[.!?]*$",
            re.IGNORECASE,
        )
        # ", the ministry said." / '," she told Reuters.' (source, then cue)
        self.trailing_source_first = re.compile(
            rf"^\s+(?P<src>[^.!?]{{1,160}}?)\s+(?P<cue>{say})\b(?P<tail>[^!?]*?)[.!?]*$",
            re.IGNORECASE,
        )
        self.leading_according = re.compile(rf"^(?P<cue>{according})\s+", re.IGNORECASE)
        that = alternation(lex.that)
        # "Lørdag meldte statlige medier at …" (a time, the cue, the source, "at")
        self.inverted_that = re.compile(
            rf"^(?:(?P<pre>[^\s,]+(?:\s+[^\s,]+)?)\s+)?(?P<cue>{say})\s+(?P<src>[^,]{{1,120}}?)"
            rf"\s+{that}\s+",
            re.IGNORECASE,
        )
        # "SOHR opplyser at …" / "The army said on Monday that …"
        self.source_that = re.compile(
            rf"^(?P<src>[^,]{{1,120}}?|[^,]{{1,60}},[^,]{{1,100}},)\s+(?P<cue>{say})"
            rf"(?P<adv>(?:\s+[^\s,]+){{0,7}}?)\s+{that}\s+",
            re.IGNORECASE,
        )
        # "Marta Celik, 54, who lives …, said …", "En beboer på X, som …, forteller til Y at …"
        side = r"(?P<desc>(?:,\s+[^,]{1,300}?){1,3}?),\s+"
        self.described_that = re.compile(
            rf"^(?P<src>[^,]{{1,80}}?){side}(?P<cue>{say})"
            rf"(?P<adv>(?:\s+[^\s,]+){{0,7}}?)\s+{that}\s+",
            re.IGNORECASE,
        )
        self.described_say = re.compile(
            rf"^(?P<src>[^,]{{1,80}}?){side}(?P<cue>{say})"
            rf"(?P<adv>(?:\s+on\s+\w+|\s+reporters|\s+[A-Z][\w.]+)?),?\s+(?=\S)",
        )
        # English without "that": "He said the town had fallen."
        self.source_say = re.compile(
            rf"^(?P<src>[^,]{{1,80}}?|[^,]{{1,60}},[^,]{{1,100}},)\s+(?P<cue>{say})"
            rf"(?P<adv>(?:\s+on\s+\w+|\s+in\s+a\s+statement|\s+reporters|\s+[A-Z][\w.]+)?),?\s+"
            rf"(?=\S)",
        )
        self.show = re.compile(
            rf"^(?P<src>[^,]{{1,120}}?)\s+(?P<cue>{alternation(lex.show)})\b", re.IGNORECASE
        )
        # 'Jane Doe said: "…"' / "Hansen sier: – …"
        self.colon = re.compile(
            rf"^(?P<src>[^,:]{{1,80}}?|[^,:]{{1,60}},[^,:]{{1,100}},)\s+(?P<cue>{say})"
            rf"(?P<adv>(?:\s+[^\s,:]+){{0,4}}?):\s+"
        )
        # "In a statement on Monday, X said …" / "Søndag kveld, …": an adverbial before the source
        self.fronted_adverbial = re.compile(
            r"^(?P<adverbial>(?:In|On|At|Late|Earlier|Later|I|På|Sent|Tidligere|Senere)\b[^,]{0,60}"
            r"|[^\s,]+dag(?:\s+[^\s,]+)?),\s+"
        )
        self.show_clause = re.compile(
            rf"\b(?:{alternation(lex.show)})\b(?:\s+[^\s,]+){{0,2}}?\s+"
            rf"(?:{alternation(lex.show_clause)})\s+",
            re.IGNORECASE,
        )
        self.passive = re.compile(
            rf"\b(?:{alternation(lex.passive)})\s+{lex.passive_by}\s+(?P<src>[^,]{{1,80}}?)"
            rf"(?=\s+(?:for|of|som|as)\b|[,.]|$)",
            re.IGNORECASE,
        )
        self.calls_itself = re.compile(
            rf",\s+(?P<cue>{alternation(lex.calls_itself)})\s+[^,]+", re.IGNORECASE
        )
        self.previous_noun = re.compile(
            r"^(?:That|This|Det|Dette)\s+(?:was|is|var|er)\s+(?:what|the\s+\w+|[\wæøå]+(?:et|en))"
            r"\s+(?:of\s+|fra\s+)?(?P<src>(?:[A-ZÆØÅ][\w'-]*\s*){1,5})(?:\s+\w+.*)?[.!?]*$"
        )
        self.previous = re.compile(
            rf"^(?:{alternation(lex.previous_cue)})\s+(?:(?P<cue>{say})\s+(?P<src>[^.!?]+?)|"
            rf"(?P<src2>[^.!?]+?)\s+(?P<cue2>{say}))[.!?]*$",
            re.IGNORECASE,
        )
        pronouns = alternation(lex.person_pronouns + lex.group_pronouns)
        self.pronoun = re.compile(rf"^{pronouns}$", re.IGNORECASE)
        self.person_pronoun = re.compile(rf"^{alternation(lex.person_pronouns)}$", re.IGNORECASE)
        self.relay = re.compile(
            rf"\s+(?:{alternation(lex.relay)})\s+(?P<relay>[^,]{{1,60}})$", re.IGNORECASE
        )
        self.told = re.compile(r"^\s*(?P<relay>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})")
        self.channel = re.compile(
            rf"\s+(?:{alternation(lex.publication_channels)})\b.*$", re.IGNORECASE
        )
        self.role = re.compile(
            rf"^(?:(?:{alternation(lex.apposition_open)})\s+)?(?:(?:en|et|ei|a|an|the)\s+)?"
            rf"(?P<role>[^,]{{1,60}}?)\s+(?:{alternation(lex.role_links)})\s+(?P<org>[^,]{{1,100}})$",
            re.IGNORECASE,
        )
        self.role_before_name = re.compile(
            r"^(?P<org>.{1,80}?)\s+(?P<role>spokesman|spokeswoman|spokesperson|chief|director|"
            r"head|commander|minister|official|leader|talsmann|talskvinne|talsperson|leder|"
            r"sjef|fotograf|photographer)\s+(?P<name>[A-ZÆØÅ][\w-]+(?:\s+[\w-]+){0,3})$"
        )
        # a role, then a person's name: "SOHR-leder Rami Abdulrahman", "army spokesman Jo Lee"
        self.described_name = re.compile(
            r"^(?P<org>(?:\S+\s+)*?(?:\S+-)?[a-zæøå][\w'-]*)\s+"
            r"(?P<name>(?:[A-ZÆØÅ][\w']*(?:-[A-ZÆØÅ][\w']*)*)"
            r"(?:\s+(?:al-|el-|van\s+|de\s+|von\s+)?[A-ZÆØÅ][\w']*(?:-[A-ZÆØÅ][\w']*)*){1,2})$"
        )
        self.adding = re.compile(
            rf"[,;]\s+(?:{alternation(lex.adding)})(?:\s+(?:{alternation(lex.that)}))?\s+",
            re.IGNORECASE,
        )
        self.reporting_note = re.compile(rf"\b{alternation(lex.reporting_notes)}\b", re.IGNORECASE)
        self.unknown_note = re.compile(
            rf"{alternation(lex.unknown_notes)}\b|.*\s{alternation(lex.unknown_tails)}$",
            re.IGNORECASE,
        )
        self.coordination = re.compile(
            rf",\s+(?P<word>{alternation(lex.coordinators)})\s+", re.IGNORECASE
        )
        self.relative = re.compile(
            rf"(?P<lead>,\s+|\s+(?:og|and)\s+(?=(?:{alternation(lex.relative)})\s))"
            rf"(?P<word>{alternation(lex.relative)})\s+",
            re.IGNORECASE,
        )
        self.subordinate = re.compile(
            rf"\s+(?P<word>{alternation(lex.subordinators)})\s+", re.IGNORECASE
        )
        self.fronted = re.compile(rf"^(?P<word>{alternation(lex.fronted)})\s+", re.IGNORECASE)
        place = alternation(lex.place_nouns)
        proper = r"[A-ZÆØÅ][\w'-]*(?:\s+(?:al-|el-)?[A-ZÆØÅ][\w'-]*)*"
        if lex.lang == "nb":
            self.controlled = re.compile(
                rf"\b(?:den|det|de)\s+(?:[a-zæøå]+\s+){{0,2}}?[\wæøå-]*{lex.controlled}\s+"
                rf"{place}\s+{proper}"
            )
        else:
            self.controlled = re.compile(
                rf"\b(?:the\s+)?[\w-]+-(?:held|controlled)\s+(?:{place}\s+(?:of\s+)?)?{proper}",
            )
        self.weekday = re.compile(
            rf"\b(?P<day>{alternation(tuple(lex.weekdays))})"
            rf"(?:\s+(?P<part>{alternation(lex.parts_of_day)}))?\b",
            re.IGNORECASE,
        )
        self.relative_day = re.compile(
            rf"\b(?:(?P<since>since|siden|fra)\s+(?P<sday>{alternation(tuple(lex.weekdays))})|"
            rf"(?P<phrase>{alternation(tuple(lex.relative_days))}))\b",
            re.IGNORECASE,
        )
        number = r"\d{1,3}(?:[.  ,]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?|" + alternation(
            tuple(lex.numbers)
        )
        multiplier = alternation(tuple(lex.multipliers))
        qualifier = alternation(tuple(lex.qualifiers))
        between_open, between_join = lex.between
        self.quantity = re.compile(
            rf"(?<![\w.,])(?:(?P<vague>{alternation(tuple(lex.vague_amounts))})"
            rf"(?:\s+(?:{alternation(lex.of)}))?"
            rf"|{between_open}\s+(?P<low>{number})(?:\s+(?P<lowmul>{multiplier}))?\s+"
            rf"{between_join}\s+(?P<high>{number})(?:\s+(?P<highmul>{multiplier}))?"
            rf"|(?:(?P<qual>{qualifier})\s+)?(?P<num>{number})(?:\s+(?P<mul>{multiplier}))?)"
            rf"(?=\s+(?P<noun>[\wæøåÆØÅ-]+))",
            re.IGNORECASE,
        )


@dataclass
class _Context:
    """What the reader remembers: the last speakers named, statements awaiting a source."""

    last: Attribution | None = None
    last_person: Attribution | None = None
    #: every agent named so far, the latest last
    named: list[Agent] = field(default_factory=list)


class Extractor:
    """Rules applied to one article: paragraphs → sentences → attributed statements."""

    def __init__(self, text: str, lang: str, registry: Registry, outlet: Agent) -> None:
        self.text = text
        self.lex = LEXICONS[lang]
        self.p = _Patterns(self.lex)
        self.registry = registry
        self.outlet = outlet
        self.context = _Context()
        #: IRI → the role words the article gives a person ("ordfører Kari Lunde")
        self.roles: dict[str, str] = {}
        #: IRI → "f" or "m", as a pronoun that referred to the person told
        self.genders: dict[str, str] = {}
        self.statements: list[Statement] = []
        self.new_agents: dict[str, Agent] = {outlet.iri: outlet} if outlet.new else {}
        #: the names of new agents, so that one referent stays one agent
        self.new_registry = Registry()
        self.own = Attribution(sources=(outlet,), transmission="ownReporting")

    # ------------------------------------------------------------------ paragraphs

    def run(self) -> list[Statement]:
        """Every statement of the article, in document order."""
        headings: list[Statement] = []
        for para in paragraphs(self.text):
            if para.kind in ("label", "byline"):
                continue
            if para.kind == "heading":
                statement = self._heading(para)
                if statement.direct:
                    headings.append(statement)
                self._add(statement)
            elif para.kind == "caption":
                self._caption(para)
            else:
                self._paragraph(para)
        for heading in headings:
            self._quoted_heading(heading)
        self.statements.sort(key=lambda s: (s.start, -s.end))
        return self.statements

    def _add(self, statement: Statement) -> None:
        """Keep a statement, trimmed to its words; drop what is left of nothing."""
        start, end = self._trim(statement.start, statement.end)
        if end - start < 2:
            return
        statement.start, statement.end = start, end
        self.statements.append(statement)

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """A statement's words without surrounding spaces, dashes, quote marks and end stops."""
        chars = " \t\r\n" + _DASHES + _OPEN_QUOTES + _CLOSE_QUOTES + ".,;:!?"
        return _strip_span(self.text, start, end, chars)

    def _heading(self, para: Paragraph) -> Statement:
        """A heading is the outlet's; a quoted one waits for the speaker it repeats."""
        raw = self.text[para.start : para.end]
        direct = raw[0] in _DASHES or raw[0] in _OPEN_QUOTES
        statement = Statement(para.start, para.end, self.own, direct=direct)
        if direct:
            statement.marks.append(
                "attributedTo: a quoted heading; extract found no later statement with its words"
            )
        return statement

    def _quoted_heading(self, heading: Statement) -> None:
        """A heading in quotes repeats a later quote: it is that speaker's."""
        words = {w.casefold() for w in re.findall(r"\w+", self.text[heading.start : heading.end])}
        best: Statement | None = None
        for other in self.statements:
            if other is heading or other.start < heading.end:
                continue
            if other.attribution.sources == (self.outlet,):
                continue
            found = {w.casefold() for w in re.findall(r"\w+", self.text[other.start : other.end])}
            if words and words <= found:
                best = other
                break
        if best is not None:
            heading.attribution = best.attribution
            heading.marks = []

    def _caption(self, para: Paragraph) -> None:
        """A caption's label and body, the body relayed by a credited agency."""
        raw = self.text[para.start : para.end]
        credits = list(
            re.finditer(r"\b(?:Foto|FOTO|Photo|PHOTO|Photograph|Bilde)\s?:\s*(?P<who>[^:]*)$", raw)
        )
        credit = credits[-1] if credits else None
        body_end = para.start + (credit.start() if credit else len(raw))
        relay: Agent | None = None
        if credit:
            for part in reversed(re.split(r"\s*[,/]\s*", credit.group("who"))):
                agent = self.registry.resolve(part) if part.strip() else None
                if agent and agent.kind == "NewsAgency":
                    relay = agent
                    break
        attribution = replace(
            self.own,
            relay=relay,
            transmission="wireRelay" if relay else "ownReporting",
        )
        body_start = para.start
        label = re.match(r"(?P<label>[^\W\d_a-zæøå][^:a-zæøå]{1,60}?):\s+", raw)
        if label and label.group("label").upper() == label.group("label"):
            if label.group("label").casefold() not in ("foto", "photo", "bilde", "photograph"):
                self._add(Statement(para.start, para.start + label.end("label"), self.own))
            body_start = para.start + label.end()
        self._add(Statement(body_start, body_end, attribution))

    def _paragraph(self, para: Paragraph) -> None:
        """The statements of a body or speech paragraph, sentence by sentence."""
        speech = para.kind == "speech"
        quoted: list[Statement] = []
        closed = False  # a speech paragraph's quote has been attributed ("…, sier X.")
        for start, end in sentences(self.text, para.start, para.end, self.lex):
            if end - start > MAX_SENTENCE_CHARS:
                # not a sentence a source says: the outlet's, its start quoted, marked
                self._add(
                    Statement(
                        start,
                        start + MAX_SENTENCE_CHARS,
                        self.own,
                        marks=[
                            f"attributedTo: a 'sentence' of {end - start:,} characters, of which "
                            f"extract quoted the first {MAX_SENTENCE_CHARS:,} and read no cue"
                        ],
                    )
                )
                continue
            opens_quote = self.text[start] in _DASHES or self.text[start] in _OPEN_QUOTES
            if speech and closed and not opens_quote:
                # "– …, sier X. Kommunen fikk nye pumper i fjor.": after the attribution, a
                # sentence without a dash is the reporter's again
                for s in self._sentence(start, end, False):
                    self._add(s)
                continue
            if opens_quote:
                closed = False
            found = self._sentence(start, end, speech)
            if speech and any(s.attribution is not self.own for s in found):
                closed = True
            if speech:
                unattributed = [s for s in found if s.attribution is self.own]
                for s in unattributed:
                    s.direct = True
                quoted.extend(unattributed)
                attributed = [s for s in found if s.attribution is not self.own]
                if attributed and quoted:
                    for s in quoted:
                        s.attribution = attributed[0].attribution
                    quoted = []
            for s in found:
                self._add(s)
        for s in quoted:
            # a dash quote whose speaker is never named: the last named speaker, marked
            if self.context.last is not None:
                s.attribution = self.context.last
            s.marks.append("attributedTo: a quote whose speaker the article does not name here")

    # ------------------------------------------------------------------ sentences

    def _sentence(self, start: int, end: int, speech: bool) -> list[Statement]:
        """The statements of one sentence: a cue after it, before it, or the outlet's voice."""
        text = self.text
        s_end = _strip_span(text, start, end, " \t\r\n.!?")[1]
        sentence = text[start:s_end]
        if self._previous_cue(start, sentence):
            return []  # "Det sier X.": it attributed the sentence before and says nothing new
        if not speech and self.p.reporting_note.search(sentence):
            return []  # "could not independently verify …": about the reporting, not the events
        adding = self.p.adding.search(sentence)
        head = sentence[: adding.start()] if adding else sentence
        described = None if speech else self._described_speaker(start, sentence)
        if described is not None:
            stmt_start, attribution = described
            direct = self._is_quoted(stmt_start, s_end)
            return self._clauses(stmt_start, s_end, attribution, direct, background=True)
        hit = self._trailing(start, head)
        if hit is not None:
            stmt_end, attribution = hit
            direct = speech or self._is_quoted(start, stmt_end)
            statements = self._clauses(start, stmt_end, attribution, direct)
            if adding:  # '"…," he said, adding that …': what he added is his too
                statements += self._clauses(start + adding.end(), s_end, attribution, False)
            return statements
        hit2 = self._leading(start, sentence)
        if hit2 is not None:
            stmt_start, attribution, whole = hit2
            if whole:
                statements = self._clauses(start, s_end, attribution, False, background=False)
                clause = self.p.show_clause.search(sentence)
                if clause:
                    statements.append(Statement(start + clause.end(), s_end, attribution))
                return statements
            direct = self._is_quoted(stmt_start, s_end)
            return self._clauses(stmt_start, s_end, attribution, direct, background=True)
        if speech:
            return [Statement(start, s_end, self.own, direct=True)]
        if self.p.unknown_note.match(sentence):
            return []  # "Det er uklart …", "It is unclear …": what the reporter does not know
        if self._is_quoted(start, s_end) and self._continues_quote(start):
            # '"…," said X. "Then the sky went orange."': X's quote goes on
            assert self.context.last is not None
            return [Statement(start, s_end, self.context.last, direct=True)]
        return self._clauses(start, s_end, self.own, self._is_quoted(start, s_end))

    def _continues_quote(self, start: int) -> bool:
        """Does a quoted sentence follow a source's quote in the same paragraph?"""
        if not self.statements or self.context.last is None:
            return False
        last = self.statements[-1]
        if not last.direct or last.attribution.sources == (self.outlet,):
            return False
        if last.attribution.sources != self.context.last.sources:
            return False
        between = self.text[last.end : start]
        return last.end <= start and "\n" not in between and len(between) <= 200

    def _is_quoted(self, start: int, end: int) -> bool:
        """Do the words open with a quotation mark or a speech dash?"""
        first = self.text[start : start + 1]
        return bool(first) and (first in _OPEN_QUOTES or first in _DASHES)

    def _previous_cue(self, start: int, sentence: str) -> bool:
        """ "Det sier X." / "That is what X said.": the source of the sentence before."""
        m = self.p.previous.match(sentence)
        noun = None if m else self.p.previous_noun.match(sentence)
        if not (m or noun) or not self.statements:
            return False
        if m:
            phrase = m.group("src") or m.group("src2") or ""
            cue = m.group("cue") or m.group("cue2") or ""
        else:
            assert noun is not None
            phrase, cue = noun.group("src").strip(), ""
        attribution = self._source(phrase, cue)
        if attribution is None:
            return False
        last_start = self._sentence_start_of_last()
        for s in self.statements:
            if s.start >= last_start and s.attribution is self.own:
                s.attribution = attribution
        return True

    def _sentence_start_of_last(self) -> int:
        """Where the sentence of the latest statement starts."""
        last = self.statements[-1]
        para_start = self.text.rfind("\n", 0, last.start) + 1
        starts = [a for a, _ in sentences(self.text, para_start, last.end, self.lex)]
        return starts[-1] if starts else last.start

    def _trailing(self, start: int, sentence: str) -> tuple[int, Attribution] | None:
        """A cue after the statement: ", opplyser X", ", ifølge X", ", X said", ", het det i …"."""
        for pattern in (self.p.trailing_it_said, self.p.trailing_according):
            m = pattern.search(sentence)
            if m:
                attribution = self._source(m.group("src"), m.group("cue"), anaphoric=True)
                if attribution:
                    return start + m.start(), attribution
        candidates = [m for m in self.p.trailing_inverted.finditer(sentence)]
        for m in reversed(candidates):
            if m.group("cue").casefold() in ("told", "tells"):
                continue  # "…, told state television": the addressee, not the speaker
            words = m.group("src").split()
            if words[0].casefold() in self.lex.that:
                continue  # "…, estimated that …": a content clause, not a speaker
            relayed = len(words) > 1 and words[1].casefold() in self.lex.relay
            if len(words) > 1 and words[0].casefold() in self.lex.clause_pronouns and not relayed:
                continue  # "…, said it would investigate": a clause, not a speaker
            attribution = self._source(m.group("src"), m.group("cue"))
            if attribution:
                return start + m.start(), attribution
        commas = [m.start() for m in re.finditer(r",[»\"”’']?|[»\"”’'],?(?=\s)", sentence)]
        for comma in reversed(commas):
            rest = sentence[comma:].lstrip(",»\"”’'")
            m = self.p.trailing_source_first.match(rest)
            if not m:
                continue
            src = m.group("src")
            first = src.split()[0].casefold()
            if first in self.lex.relative + self.lex.that or (
                first in self.lex.clause_pronouns and len(src.split()) > 1
            ):
                continue  # "…, which has denied …": a clause, not a speaker
            if re.match(r"(?:a|an|en|et)\s", src, re.IGNORECASE):
                previous = max([c for c in commas if c < comma], default=-1)
                before = sentence[previous + 1 : comma].strip(" ,»\"”’'")
                if re.fullmatch(r"(?:[A-ZÆØÅ][\w.'-]*\s+){0,3}[A-ZÆØÅ][\w'-]*", before):
                    continue  # "…, a spokesman for X, said": the speaker's name is further left
            first_part = src.split(",")[0].strip()
            if "," in src and not (
                first_part[:1].isupper()
                or self._definite_description(first_part)
                or self._speaking_role(first_part)
            ):
                continue  # "…, and costs climbed, a spokeswoman said": a clause, not a name
            tail = m.group("tail").split()
            if len(tail) > 7 or any(
                w.casefold() in self.lex.that + self.lex.clause_verbs for w in tail
            ):
                continue  # "X, a surgeon, said that …": the statement follows, not precedes
            attribution = self._source(src, m.group("cue"), tail=m.group("tail"))
            if attribution:
                previous = max([c for c in commas if c < comma], default=-1)
                before = sentence[previous + 1 : comma].strip(" ,»\"”’'")
                if previous > 0 and re.match(r"(?:a|an|the|en|et)\s+[a-zæøå]", before):
                    comma = previous  # "…, a hospital spokesman, Ben Hart, said": his title
                return start + comma, attribution
        return None

    def _leading(self, start: int, sentence: str) -> tuple[int, Attribution, bool] | None:
        """A cue before the statement; (statement start, attribution, whole sentence?)."""
        found = self._leading_cue(start, sentence)
        if found is not None:
            return found
        fronted = self.p.fronted_adverbial.match(sentence)
        if fronted:
            found = self._leading_cue(start + fronted.end(), sentence[fronted.end() :])
            if found is not None and not found[2]:
                stop, attribution, _ = found
                if self.p.channel.search(" " + fronted.group("adverbial")):
                    attribution = replace(attribution, transmission="sourcePublication")
                return stop, attribution, False
        return None

    def _described_speaker(self, start: int, sentence: str) -> tuple[int, Attribution] | None:
        """ "Marta Celik, 54, who lives …, said …", "A supervisor, who spoke on condition of
        anonymity …, told X that …": a speaker, a side-description, the cue, the statement."""
        patterns = [self.p.described_that]
        if self.lex.lang == "en":
            patterns.append(self.p.described_say)
        for pattern in patterns:
            m = pattern.match(sentence)
            if m is None or not self._sourcelike(m.group("src")):
                continue
            first = m.group("desc").lstrip(", ").split()
            if not first or not (
                first[0].casefold() in self.lex.description_open + self.lex.relative
                or first[0][:1].isdigit()
            ):
                continue
            if self.p.pronoun.match(m.group("src").strip()):
                continue
            phrase = m.group("src")
            pieces = [p.strip() for p in m.group("desc").split(",") if p.strip()]
            if pieces[0].split()[0].casefold() in ("a", "an", "en", "et", "ei"):
                phrase = f"{phrase}, {pieces[0]}"  # "X, a spokesman for Y, who …": X for Y
            attribution = self._source(phrase, m.group("cue"), tail=m.group("adv"))
            if attribution:
                return start + m.end(), attribution
        return None

    def _leading_cue(self, start: int, sentence: str) -> tuple[int, Attribution, bool] | None:
        """A cue before the statement, at the very start of the sentence."""
        described = self._described_speaker(start, sentence)
        if described is not None:
            return described[0], described[1], False
        m = self.p.colon.match(sentence)
        if m and self._sourcelike(m.group("src")):
            attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("adv"))
            if attribution:
                return start + m.end(), attribution, False
        m = self.p.leading_according.match(sentence)
        if m:
            stop, attribution = self._source_prefix(sentence, m.end(), m.group("cue"))
            if attribution:
                return start + stop, attribution, False
        m = self.p.inverted_that.match(sentence)
        if m and (not m.group("pre") or self._is_time(m.group("pre"))):
            attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("pre") or "")
            if attribution:
                return start + m.end(), attribution, False
        m = self.p.source_that.match(sentence)
        if m:
            attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("adv"))
            if attribution:
                return start + m.end(), attribution, False
        if self.lex.lang == "en":
            m = self.p.source_say.match(sentence)
            if m and self._sourcelike(m.group("src")):
                attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("adv"))
                if attribution:
                    return start + m.end(), attribution, False
        m = self.p.show.match(sentence)
        if m:
            src = m.group("src")
            agent = self.registry.resolve(src)
            words = {w.casefold() for w in re.findall(r"[\w-]+", src)}
            broadcaster = any(w in words for w in self.lex.broadcaster_words)
            if agent or broadcaster:
                attribution = self._source(src, m.group("cue"))
                if attribution:
                    attribution = replace(attribution, transmission="broadcast")
                    self._remember(attribution)
                    return start, attribution, True
        return None

    def _is_time(self, phrase: str) -> bool:
        """Is the phrase a weekday or a relative day?"""
        return bool(self.p.weekday.fullmatch(phrase) or self.p.relative_day.fullmatch(phrase))

    def _sourcelike(self, phrase: str) -> bool:
        """Could these words, before a verb of saying, be the speaker?"""
        phrase = phrase.strip()
        if self.p.pronoun.match(phrase) or self.registry.exact(phrase):
            return True
        head = phrase.split(",")[0].split()
        if head and head[0].casefold() in self.lex.both and len(head) <= 9:
            head = head[1:]  # "Both the fire service and the ministry said …"
        joined = re.split(r"\s+(?:and|og)\s+", " ".join(head))
        if len(joined) == 2 and len(head) <= 9 and all(self._describes_source(p) for p in joined):
            return True  # "The fire service and the ministry both said …"
        if (
            not head
            or len(head) > 6
            or head[-1].casefold()
            in self.lex.determiners
            + ("a", "an", "its", "their", "his", "her", "en", "et", "sin", "sine")
        ):
            return False
        return any(w[:1].isupper() for w in head) or head[0].casefold() in self.lex.determiners

    def _speaking_role(self, phrase: str) -> bool:
        """ "a spokesman for the company", "officials at the ministry": a role that speaks."""
        role = self.p.role.match(phrase)
        return role is not None and any(
            w.startswith(self.lex.speaking_roles) for w in role.group("role").casefold().split()
        )

    def _describes_source(self, phrase: str) -> bool:
        """Does a short phrase name or describe a source (registry, named before, or kind)?"""
        phrase = self._strip_time(phrase.strip())
        return bool(
            self.registry.resolve(phrase)
            or self.new_registry.resolve(phrase)
            or self._definite_description(phrase)
        )

    def _source_prefix(self, sentence: str, at: int, cue: str) -> tuple[int, Attribution | None]:
        """ "Ifølge A og B <statement>": where the sources end and the statement starts."""
        comma = sentence.find(",", at)
        position = at
        consumed = at
        while True:
            window = sentence[position : position + 120]
            mentions = self.registry.mentions(window)
            if not mentions:
                break
            m_start, m_end, _ = mentions[0]
            if re.search(r"[^\w\s'-]|\b(?:er|var|har|is|was|has)\b", window[:m_start]):
                break
            consumed = position + m_end
            joiner = re.match(r"(?:,\s*|\s+(?:og|and)\s+)", sentence[consumed:])
            if not joiner:
                break
            position = consumed + joiner.end()
        if consumed > at:
            phrase = sentence[at:consumed]
            stop = consumed
            if comma >= 0 and sentence[consumed:comma].strip() == "":
                stop = comma + 1
            return stop, self._source(phrase, cue)
        if comma > at:
            return comma + 1, self._source(sentence[at:comma], cue)
        verb = re.search(
            r"\s(?:er|var|har|hadde|sto|står|blir|ble|skal|vil|kan|tok|fikk)\s", sentence[at:]
        )
        if verb:
            return at + verb.start() + 1, self._source(sentence[at : at + verb.start()], cue)
        return at, None

    # ------------------------------------------------------------------ clauses

    def _clauses(
        self,
        start: int,
        end: int,
        attribution: Attribution,
        direct: bool,
        background: bool = False,
    ) -> list[Statement]:
        """The statements of a span: direct quotes whole, indirect speech split into clauses.

        ``background``: the span follows a cue before it ("meldte X at …"); its non-restrictive
        relative clauses are then the reporter's description, not the source's words.
        """
        if direct:
            return [Statement(start, end, attribution, direct=True)]
        pieces = self._split(start, end)
        statements: list[Statement] = []
        for index, (piece_start, piece_end, role) in enumerate(pieces):
            if index + 1 < len(pieces) and pieces[index + 1][2] == "calls-itself":
                continue  # the name a self-description is about, not a statement
            owner = attribution
            if role == "relative" and background:
                owner = self.own
            if role == "calls-itself":
                owner = self._self_description(start, piece_start) or attribution
            passive = self.p.passive.search(self.text[piece_start:piece_end])
            if passive:
                agent = self._source(passive.group("src"), "")
                if agent:
                    owner = replace(agent, transmission="unstated")
            statements.append(Statement(piece_start, piece_end, owner))
            statements.extend(self._nested(piece_start, piece_end, owner))
        return statements

    def _split(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Cut a span at relative, coordinated, subordinate clauses and fronted phrases."""
        text = self.text
        cuts: list[tuple[int, int, str]] = []  # (cut at, clause starts at, role of the clause)
        span = text[start:end]
        fronted = self.p.fronted.match(span)
        if fronted:
            comma = span.find(",", fronted.end())
            if comma > 0:
                cuts.append((start, start + fronted.end(), "fronted"))
                cuts.append((start + comma, start + comma + 1, "main"))
        for m in self.p.calls_itself.finditer(span):
            cuts.append((start + m.start(), start + m.start() + 1, "calls-itself"))
            cuts.append((start + m.end(), start + m.end() + 1, "main"))
        for m in self.p.relative.finditer(span):
            if any(c[0] == start + m.start() for c in cuts):
                continue
            cuts.append((start + m.start(), start + m.start("word"), "relative"))
        for m in self.p.coordination.finditer(span):
            cuts.append((start + m.start(), start + m.end(), "main"))
        for m in self.p.subordinate.finditer(span):
            if span[m.end() : m.end() + 1].isalpha():  # a clause follows, not a number
                cuts.append((start + m.start(), start + m.end(), "main"))
        cuts.sort()
        pieces: list[tuple[int, int, str]] = []
        position, role = start, "main"
        for cut, nxt, nxt_role in cuts:
            if cut < position:
                continue
            pieces.append((position, cut, role))
            position, role = nxt, nxt_role
        pieces.append((position, end, role))
        result = []
        for a, b, r in pieces:
            a, b = self._trim(a, b)
            if b - a >= 3 and re.search(r"\w", text[a:b]):
                result.append((a, b, r))
        return result

    def _self_description(self, sentence_start: int, at: int) -> Attribution | None:
        """ "X, som kaller seg selv …": X, if the registry knows it."""
        head = self.text[sentence_start:at]
        agent = self.registry.resolve(head)
        if agent is None:
            return None
        return Attribution(sources=(agent,), transmission="unstated", cue="calls itself")

    def _nested(self, start: int, end: int, owner: Attribution) -> list[Statement]:
        """Claims inside a clause: a vague or large head count after "med"/"fra"/"with"/"from"
        ("med om lag tre millioner innbyggere"), and an "X-kontrollerte bydelen Name"."""
        text = self.text[start:end]
        found: list[Statement] = []
        for m in self.p.quantity.finditer(text):
            before = re.search(r"([\wæøå]+)\s+$", text[: m.start()])
            if not before or before.group(1).casefold() not in ("med", "fra", "with", "from"):
                continue  # a count introduced by "with" or "from" is a participant of its own
            quantity = self._quantity(m, start)
            if quantity is None or quantity.unit != "person":
                continue
            large = quantity.nominal is not None and quantity.nominal >= 100
            if quantity.qualifier == "exactly" and not large:
                continue  # "med to barn": a detail of the clause, not a figure to check
            noun_end = self._noun_phrase_end(start + m.end(), end)
            found.append(Statement(start + m.start(), noun_end, owner))
        for m in self.p.controlled.finditer(text):
            found.append(Statement(start + m.start(), start + m.end(), owner))
        return found

    def _noun_phrase_end(self, at: int, limit: int) -> int:
        """The end of the noun phrase after a figure: up to a preposition, comma or stop."""
        position = at
        for m in re.finditer(r"\s+([\wæøåÆØÅ-]+)|[,.;:]", self.text[at:limit]):
            if not m.group(0).strip() or m.group(0) in ",.;:":
                break
            if m.group(1).casefold() in _NOUN_PHRASE_ENDS:
                break
            position = at + m.end()
        return position

    # ------------------------------------------------------------------ sources

    def _source(
        self, phrase: str, cue: str, tail: str = "", anaphoric: bool = False
    ) -> Attribution | None:
        """The attribution a source phrase gives: speaker, organisation, relay, transmission."""
        phrase = re.sub(r"\s+", " ", phrase).strip(" ,.;:!?\"'«»“”’")
        phrase = re.sub(r"\s*\(\d{1,3}\)", "", phrase)  # "Hanne Rud (61)": her age
        if not phrase and not anaphoric:
            return None
        stance = "denies" if self.p.deny.match(re.sub(r"\s+", " ", cue.strip())) else "asserts"
        cue_time = self._time_in(f"{phrase} {tail}")
        transmission = "unstated"
        marks: list[str] = []
        channel = self.p.channel.search(" " + phrase)
        if channel or (tail and self.p.channel.search(" " + tail)):
            transmission = "sourcePublication"
            if channel:
                phrase = (" " + phrase)[: channel.start()].strip()
        phrase = self._strip_time(phrase)
        relay: Agent | None = None
        if tail and re.match(rf"\s*{alternation(self.lex.relay)}\s+\S", tail, re.IGNORECASE):
            phrase = f"{phrase} {tail.strip()}"  # ", Jane Doe said to NTB": the relay follows
        told = self.p.told.match(tail or "") if cue.casefold() in ("told", "tells") else None
        if told:
            relay = self.registry.resolve(told.group("relay"))
        m = self.p.relay.search(phrase)
        if m:
            agent = self.registry.resolve(m.group("relay"))
            words = m.group("relay").split()
            if agent is None and 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
                agent = self._new_agent(m.group("relay"), person=False, kind="NewsAgency")
                marks.append(
                    f"relayedBy: '{m.group('relay')}' is taken as the news agency that relayed it"
                )
            if agent is not None:
                relay = agent
                phrase = phrase[: m.start()]
        if relay is not None and relay.kind != "NewsAgency":
            marks.append(
                f"relayedBy: told {relay.name}, which the registry has not as a news agency"
            )
            relay = None
        if relay is not None:
            transmission = "wireRelay"
        base: Attribution | None = None
        office = self._office(phrase) if phrase else None
        if office is not None:
            attribution = Attribution(
                sources=(office,),
                relay=relay,
                transmission=transmission,
                stance=stance,
                cue=cue,
                marks=tuple(marks),
                cue_time=cue_time,
            )
            self._remember(attribution)
            return attribution
        if phrase and anaphoric and self._anaphoric(phrase):
            described = self._definite_description(phrase)
            if described is not None:
                attribution = Attribution(
                    sources=(described,),
                    relay=relay,
                    transmission=transmission,
                    stance=stance,
                    cue=cue,
                    marks=tuple(marks),
                    cue_time=cue_time,
                )
                self._remember(attribution)
                return attribution
        if not phrase or anaphoric and self._anaphoric(phrase):
            base = self.context.last
            if base is None:
                return None
        elif self.p.pronoun.match(phrase):
            person = self.p.person_pronoun.match(phrase)
            base = self.context.last_person if person else self.context.last
            if person and base is not None:
                base = self._gendered(base, _PRONOUN_GENDER.get(phrase.casefold()))
            if base is None:
                unnamed = self._new_agent(phrase, person=bool(person))
                return Attribution(
                    sources=(unnamed,),
                    stance=stance,
                    cue=cue,
                    cue_time=cue_time,
                    marks=(f"attributedTo: '{phrase}' refers to no speaker named before it",),
                )
        if base is not None:
            return replace(base, stance=stance, cue=cue, cue_time=cue_time)
        described = self._definite_description(phrase)
        if described is not None:
            attribution = Attribution(
                sources=(described,),
                relay=relay,
                transmission=transmission,
                stance=stance,
                cue=cue,
                marks=tuple(marks),
                cue_time=cue_time,
            )
            self._remember(attribution)
            return attribution
        if not self._sourcelike_phrase(phrase):
            return None
        sources = self._agents(phrase)
        if not sources:
            return None
        attribution = Attribution(
            sources=tuple(sources),
            relay=relay,
            transmission=transmission,
            stance=stance,
            cue=cue,
            marks=tuple(marks),
            cue_time=cue_time,
        )
        self._remember(attribution)
        return attribution

    def _definite_description(self, phrase: str, within: list[Agent] | None = None) -> Agent | None:
        """ "the observatory", "gruppen", "tilsynet", "ordføreren", "the company": the latest
        named source the noun describes (by its name, its role, or its kind), else the one
        registry source it describes; ``within``: only among these agents."""
        if self.registry.exact(phrase):
            return None
        words = phrase.split()
        if words and words[0].casefold() in self.lex.determiners:
            words = words[1:]
        if not 1 <= len(words) <= 3:
            return None
        if any(not w.islower() for w in words[1:]):
            return None
        if not words[0].islower():
            # "Tilsynet", "Ordføreren" open a sentence: a Norwegian definite noun
            if not (
                self.lex.lang == "nb"
                and len(words) == 1
                and words[0] == phrase.split()[0]
                and words[0][1:].islower()
                and re.search(r"(?:en|et|a|ne)$", words[0])
            ):
                return None
        if len(words) == 1 and phrase.split()[0] == words[0] and self.lex.lang == "en":
            return None  # English needs "the": a bare lowercase word is not a source
        lowered = [w.casefold() for w in words]
        head = lowered[-1]
        if len(words) >= 2 and head in self.lex.documents:
            # "ministry records", "kommunens tall": the source that keeps them
            modifier = words[-2]
            if self.lex.lang == "nb" and modifier.endswith("s"):
                modifier = modifier[:-1]
            elif self.lex.lang == "en":
                modifier = "the " + modifier.removesuffix("'s")
            return self._definite_description(modifier)
        if " ".join(lowered) in self.lex.company_nouns or head in self.lex.company_nouns:
            return self._company()
        stems = {head}
        if self.lex.lang == "nb":
            stems |= {re.sub(r"(?:ene|en|et|a)$", "", head)}
        others = [
            re.sub(r"(?:ene|en|et|a)$", "", w) if self.lex.lang == "nb" else w for w in lowered
        ]

        def fits(stem: str, word: str) -> bool:
            if not stem:
                return False
            if stem == word:
                return True
            if len(stem) < 5:
                return False
            return stem in word if self.lex.lang == "nb" else word.startswith(stem)

        def role_fits(stem: str, word: str) -> bool:
            return bool(stem) and word.startswith(stem) and len(word) - len(stem) <= 3

        def describes(agent: Agent) -> bool:
            names = [_norm(agent.name), *self.registry.aliases.get(agent.iri, [])]
            roles = [self._role_noun(r) for r in (agent.role, self.roles.get(agent.iri)) if r]
            for text in names:
                found = re.findall(r"[\wæøå]+", text)
                test = fits if not agent.person else role_fits
                if any(test(stem, w) for stem in stems for w in found) and all(
                    any(test(o, w) or o == w for w in found) for o in others[:-1]
                ):
                    return True
            for text in roles:
                found = re.findall(r"[\wæøå]+", text)
                if any(role_fits(stem, w) for stem in stems for w in found):
                    return True
            return False

        if within is not None:
            matching = [a for a in within if describes(a)]
            return matching[0] if len(matching) == 1 else None
        for agent in reversed(self.context.named):
            if describes(agent):
                return agent
        generic = {"group", "organisation", "organization", "gruppe", "organisasjon"}
        if stems & generic:
            for agent in reversed(self.context.named):
                if not agent.person:
                    return agent
            return None
        candidates = [
            a for a in self.registry.agents.values() if a.kind != "NewsOutlet" and describes(a)
        ]
        if len(candidates) == 1:
            return candidates[0]  # the one registry source of that kind, not named before
        return None

    def _role_noun(self, role: str) -> str:
        """A job title without the organisation it names ("spokesman for the X" → "spokesman")."""
        links = alternation(self.lex.role_links)
        return re.split(rf"\s+(?:{links})\s+", role, maxsplit=1, flags=re.IGNORECASE)[0]

    def _company(self) -> Agent | None:
        """ "the company", "selskapet": the latest named organisation with a company's name
        ("… Polymers", "… AS") or no kind, else the registry's only such organisation."""

        def company(agent: Agent) -> bool:
            if agent.person:
                return False
            words = set(re.findall(r"[\wæøå]+", _norm(agent.name)))
            return agent.kind is None or bool(words & _COMPANY_NAME_WORDS)

        for agent in reversed(self.context.named):
            if company(agent) and not agent.new:
                return agent
        candidates = [a for a in self.registry.agents.values() if company(a)]
        return candidates[0] if len(candidates) == 1 else None

    def _office(self, phrase: str) -> Agent | None:
        """ "her office", "hans kontor": the organisation the last person named acts for."""
        words = phrase.casefold().split()
        if (
            len(words) != 2
            or words[0] not in self.lex.possessives
            or words[1] not in self.lex.office_nouns
        ):
            return None
        last = self.context.last_person
        if last is None:
            return None
        for agent in last.sources:
            if agent.person and agent.on_behalf_of:
                behalf = self.registry.agents.get(agent.on_behalf_of) or self.new_agents.get(
                    agent.on_behalf_of
                )
                if behalf is not None:
                    return behalf
        return None

    def _anaphoric(self, phrase: str) -> bool:
        """ "innslaget", "the report": a source named before, not a new one."""
        if self.registry.resolve(phrase):
            return False
        words = phrase.split()
        return len(words) <= 3 and not any(w[:1].isupper() for w in words)

    def _sourcelike_phrase(self, phrase: str) -> bool:
        """Could the phrase after a cue name a source (not a clause)?"""
        if self.registry.resolve(phrase):
            return True
        words = phrase.split()
        if not words or len(words) > 16:
            return False
        head = phrase.split(",")[0].split()
        if any(w.casefold() in self.lex.clause_verbs for w in head):
            return False  # "…, said production would resume": a clause, not a speaker
        if self._speaking_role(" ".join(head)):
            return True  # "…, said a spokesman for the company"
        return any(w[:1].isupper() for w in head) or len(head) <= 4

    def _strip_time(self, phrase: str) -> str:
        """The source phrase without a trailing time or adverb ("SOHR søndag", "A and B both")."""
        words = phrase.split()
        while len(words) > 1 and (
            words[-1].casefold() in self.lex.source_adverbs
            or self._is_time(words[-1])
            or words[-1].casefold() in self.lex.parts_of_day
            or (len(words) >= 2 and self._is_time(" ".join(words[-2:])))
        ):
            if len(words) >= 2 and words[-2].casefold() in ("on", "late", "early", "last", "på"):
                words = words[:-2]
            else:
                words = words[:-1]
        return " ".join(words)

    def _gendered(self, base: Attribution, gender: str | None) -> Attribution:
        """The last person a "she"/"he" can refer to: not one the article called the other."""
        if gender is None:
            return base
        people = [a for a in base.sources if a.person]
        if people and all(self.genders.get(a.iri, gender) == gender for a in people):
            for agent in people:
                self.genders.setdefault(agent.iri, gender)
            return base
        for agent in reversed(self.context.named):
            if (
                agent.person
                and agent not in people
                and self.genders.get(agent.iri) in (None, gender)
            ):
                self.genders.setdefault(agent.iri, gender)
                return Attribution(sources=(agent,))
        return base

    def _remember(self, attribution: Attribution) -> None:
        """Note who spoke, for pronouns and descriptions later."""
        for agent in attribution.sources:
            if agent in self.context.named:
                self.context.named.remove(agent)
            self.context.named.append(agent)
            behalf = self.registry.agents.get(agent.on_behalf_of or "") or self.new_agents.get(
                agent.on_behalf_of or ""
            )
            if behalf is not None and behalf not in self.context.named:
                self.context.named.insert(len(self.context.named) - 1, behalf)
        self.context.last = attribution
        if any(a.person for a in attribution.sources):
            self.context.last_person = attribution

    def _agents(self, phrase: str) -> list[Agent]:
        """The agents of a source phrase: one, several ("A og B"), or a speaker for an org."""
        whole = self.registry.exact(phrase) or self.registry.exact(_strip_parenthesis(phrase))
        if whole:
            return [whole]
        described = self._definite_description(phrase)
        if described is not None:
            return [described]
        head, comma, rest = phrase.partition(", ")
        name = rest.strip()
        if (
            comma
            and any(w.islower() for w in head.split())
            and re.fullmatch(r"[A-ZÆØÅ][\w'-]+(?:\s+[A-ZÆØÅ][\w'-]+){0,3}", name)
            and not self.registry.exact(head)
        ):
            # "The company's chief executive, Owen Pratt": the named person speaks
            known = self.registry.exact(name) or self.registry.surname(name)
            if known is not None and known.person:
                return [known]
            if known is None and not any(w in name.casefold() for w in self.lex.organisation_words):
                owner = re.match(r"(?P<org>.+?)(?:'s|’s)\s", head)
                org = None
                if owner is not None:  # "The ministry's chief inspector, Ruth Lowe"
                    org_words = owner.group("org")
                    org = self.registry.resolve(org_words) or self._definite_description(org_words)
                    org = org if org is not None and not org.person else None
                return [self._new_agent(name, person=True, on_behalf_of=org)]
        if comma and rest.split()[0].casefold() in self.lex.relative:
            return self._agents(head)  # "Rud, som har bodd på Nesset i 30 år": Rud
        if comma and not self.p.role.match(rest.strip()) and not self.registry.exact(head):
            return self._agents(head)  # "The army, which has denied any role": the army
        if comma:
            role = self.p.role.match(rest.strip())
            speaker = self.registry.exact(head) or self.registry.resolve(head)
            if speaker is None:  # "Ola Hansen, talsmann for Y": a new person acting for Y
                org = self._organisation(role.group("org")) if role else None
                speaker = self._new_agent(head, person=True, on_behalf_of=org)
            return [speaker]
        linked = self._role_name_org(phrase)
        if linked is not None:
            return [linked]
        placed = self._placed_description(phrase)
        if placed is not None:
            return [placed]
        unnamed = re.fullmatch(r"(?:a|an|en|et|ei|the)\s+(?P<org>.{1,60}?)\s+(?P<role>\S+)", phrase)
        if unnamed and unnamed.group("role").casefold().startswith(self.lex.speaking_roles):
            # "a fire service spokeswoman": the organisation the role speaks for, if known
            org_words = unnamed.group("org")
            org = self.registry.resolve(org_words) or self._definite_description(
                f"{self.lex.determiners[0]} {org_words}" if self.lex.lang == "en" else org_words
            )
            if org is not None and not org.person:
                return [org]
        both = re.match(rf"(?:{alternation(self.lex.both)})\s+", phrase, re.IGNORECASE)
        if both and re.search(r"\s(?:og|and)\s", phrase):
            phrase = phrase[both.end() :]  # "Både politiet og kommunen": each of them
        before = self.p.role_before_name.match(phrase) or self._described_name(phrase)
        if before and before.re is self.p.described_name:
            kind_word = before.group("org").split()[-1].casefold()
            if any(word in kind_word for word in self.lex.organisation_words):
                # "avisen Kathmandu Post", "the newspaper Le Monde": an organisation's name
                name = before.group("name")
                return [self.registry.resolve(name) or self._new_agent(name, person=False)]
        if before:
            name = before.group("name")
            speaker = self.registry.exact(name) or self.registry.resolve(name)
            if speaker is None or not speaker.person:
                org = self.registry.resolve(before.group("org"))
                if org is None and before.re is self.p.role_before_name:
                    org = self._organisation(before.group("org"))
                speaker = self._new_agent(name, person=True, on_behalf_of=org)
            return [speaker]
        role = self.p.role.match(phrase)
        speaking = role is not None and any(
            w.startswith(self.lex.speaking_roles) for w in role.group("role").casefold().split()
        )
        if role and (speaking or not role.group("role")[:1].isupper()):
            words = role.group("role").casefold().split()
            if speaking:
                # "a spokesman for X", "en uttalelse fra X": X speaks
                org = self._organisation(role.group("org"))
                if org is not None:
                    return [org]
            else:
                # "a resident of Hillgate": a person, named as written, for X if X is known
                org = self.registry.resolve(role.group("org"))
                behalf = org if org is not None and not org.person else None
                return [self._new_agent(phrase, person=True, on_behalf_of=behalf)]
        parts = [p for p in re.split(r",\s*|\s+(?:og|and)\s+", phrase) if p.strip()]
        if len(parts) > 1:
            resolved = [
                self.registry.resolve(p)
                or self.new_registry.resolve(p)
                or self._definite_description(p.strip())
                for p in parts
            ]
            named = [
                agent is not None
                or re.fullmatch(r"(?:the\s+)?[A-ZÆØÅ][\w'-]*(?:\s+\S+){0,4}", part) is not None
                for agent, part in zip(resolved, parts, strict=True)
            ]
            short = all(len(part.split()) <= 6 for part in parts)
            if not all(resolved) and (all(named) or (any(resolved) and short)):
                resolved = [
                    agent or self._new_agent(part, person=None)
                    for agent, part in zip(resolved, parts, strict=True)
                ]
            if all(resolved):
                unique: list[Agent] = []
                for agent in resolved:
                    if agent and agent not in unique:
                        unique.append(agent)
                return unique
        agent = self.registry.resolve(phrase)
        if agent:
            return [agent]
        words = phrase.casefold().split()
        indefinite = len(words) >= 2 and words[0] in ("a", "an", "en", "et", "ei")
        person = None
        if indefinite and not any(w in phrase.casefold() for w in self.lex.organisation_words):
            person = True  # "a plant supervisor", "en beboer på Moen": an unnamed person
        return [self._new_agent(phrase, person=person, on_behalf_of=None)]

    def _placed_description(self, phrase: str) -> Agent | None:
        """ "Politiet i Heia", "the fire service in Greyford": the source of that kind whose
        name holds the place."""
        m = re.fullmatch(
            r"(?P<desc>(?:[Tt]he\s+)?[\wæøåÆØÅ][a-zæøå]*(?:\s+[a-zæøå]+)?)\s+(?:i|in|på|of)\s+"
            r"(?P<place>[A-ZÆØÅ][\w'-]*(?:\s+[A-ZÆØÅ][\w'-]*){0,2})",
            phrase,
        )
        if m is None or self.registry.exact(phrase):
            return None
        place = set(re.findall(r"[\wæøå]+", _norm(m.group("place"))))
        within = [
            agent
            for agent in [*self.registry.agents.values(), *self.new_agents.values()]
            if not agent.person
            and any(
                place <= set(re.findall(r"[\wæøå]+", name))
                for name in [_norm(agent.name), *self.registry.aliases.get(agent.iri, [])]
            )
        ]
        if not within:
            return None
        return self._definite_description(m.group("desc"), within=within)

    def _role_name_org(self, phrase: str) -> Agent | None:
        """ "operasjonsleder Per Holm i Fjordane politidistrikt", "fire chief Jo Lee of the X":
        the named person (from the registry, else new, acting for the organisation)."""
        links = alternation(self.lex.role_links)
        for m in re.finditer(rf"\s+(?:{links})\s+", phrase, re.IGNORECASE):
            left, right = phrase[: m.start()].strip(), phrase[m.end() :].strip()
            org_words = right.split()
            if org_words and org_words[0].casefold() in self.lex.determiners:
                org_words = org_words[1:]
            if not org_words or not org_words[0][:1].isupper() or len(org_words) > 6:
                continue
            described = self._described_name(left)
            if described is not None:
                name, role = described.group("name"), described.group("org")
            elif re.fullmatch(r"[A-ZÆØÅ][\w'-]+(?:\s+[A-ZÆØÅ][\w'-]+){1,3}", left):
                name, role = left, ""
            else:
                continue
            if any(w in name.casefold() for w in self.lex.organisation_words):
                continue
            org = self.registry.resolve(right)
            if org is not None and org.person:
                continue
            speaker = self.registry.exact(name) or self.registry.surname(name)
            if speaker is None or not speaker.person:
                behalf = org or self._new_agent(right, person=False)
                speaker = self._new_agent(name, person=True, on_behalf_of=behalf)
            if role:
                self.roles[speaker.iri] = role.casefold()
            return speaker
        return None

    def _described_name(self, phrase: str) -> re.Match[str] | None:
        """ "politiets innsatsleder Per Hansen", "army spokesman Daniel Hagari": a named person."""
        m = self.p.described_name.match(phrase)
        if m is None:
            return None
        role = m.group("org").split()[-1].casefold()
        if role in self.lex.determiners or role in ("and", "og", "a", "an", "en", "et"):
            return None
        named = self.registry.resolve(m.group("name"))
        if named is not None and not named.person:
            return None  # "the UK-based Syrian Observatory": an organisation, not a person
        name = m.group("name").casefold()
        if any(word in name for word in self.lex.organisation_words):
            return None
        return m

    def _organisation(self, phrase: str) -> Agent | None:
        """The organisation a phrase names: registry, a description of one named before, or new."""
        phrase = phrase.strip()
        if not phrase:
            return None
        return (
            self.registry.resolve(phrase)
            or self._definite_description(phrase)
            or self._new_agent(phrase, person=False)
        )

    def _new_agent(
        self,
        phrase: str,
        person: bool | None,
        on_behalf_of: Agent | None = None,
        kind: str | None = None,
    ) -> Agent:
        """A source the registry does not know, named as written (one per referent)."""
        name = phrase.strip(" ,.;:")
        words = name.split()
        while words and words[0].casefold() in self.lex.determiners and len(words) > 1:
            words = words[1:]
        name = " ".join(words)
        known = self._known_new_agent(name, person)
        if known is not None:
            return known
        if person is None:
            lowered = name.casefold()
            organisation = any(w in lowered for w in self.lex.organisation_words)
            capitals = [w for w in words if w[:1].isupper()]
            person = not organisation and 2 <= len(capitals) == len(words) <= 4
        slug = re.sub(r"[^a-z0-9]+", "-", _ascii(name).casefold()).strip("-") or "source"
        iri = f"new-source/{slug}"
        existing = self.new_agents.get(iri)
        if existing is not None and existing.person == person:
            return existing
        if existing is not None:
            iri = f"{iri}-{len(self.new_agents)}"  # the same words for a person and a group
        agent = Agent(
            iri=iri,
            name=name,
            person=person,
            new=True,
            lang=self.lex.lang,
            on_behalf_of=on_behalf_of.iri if on_behalf_of else None,
            kind=kind,
        )
        self.new_agents[iri] = agent
        for alias in {name, _strip_parenthesis(name), *re.findall(r"\(([^()]{2,40})\)", name)}:
            if _norm(alias):
                self.new_registry.names.setdefault(_norm(alias), iri)
        self.new_registry.agents[iri] = agent
        self.new_registry._compile()
        return agent

    def _known_new_agent(self, name: str, person: bool | None) -> Agent | None:
        """A new agent named before: by a name, an abbreviation, or a person's surname."""
        found = self.new_registry.resolve(name)
        if found is not None and (person is None or found.person == person):
            return found
        words = _norm(name).split()
        if person is not True and len(words) >= 2:
            for agent in self.new_agents.values():
                if not agent.person and f" {' '.join(words)} " in f" {_norm(agent.name)} ":
                    return agent  # "Ministry of Defence" after "Kestrian Ministry of Defence"
        surname = name.split()[-1] if name.split() else ""
        if person is not False and len(surname) >= 3 and surname[:1].isupper():
            for agent in reversed(list(self.new_agents.values())):
                if agent.person and agent.name.split()[-1] == surname:
                    return agent  # "General Radek" after "General Ivo Radek"
        return None

    # ------------------------------------------------------------------ figures and times

    def _quantity(self, m: re.Match[str], offset: int) -> Quantity | None:
        """The figure a quantity match gives, with its bounds and unit."""
        lex = self.lex
        noun = (m.group("noun") or "").casefold()
        if m.group("vague"):
            qualifier, low, high = lex.vague_amounts[_norm(m.group("vague"))]
            lower: Decimal | None = Decimal(low)
            upper: Decimal | None = Decimal(high) if high is not None else None
            nominal: Decimal | None = None
            phrase_end = m.end("vague")
        elif m.group("low"):
            low_value = self._number(m.group("low"), m.group("lowmul"))
            high_value = self._number(m.group("high"), m.group("highmul"))
            if low_value is None or high_value is None:
                return None
            qualifier, lower, upper, nominal = "between", low_value, high_value, None
            phrase_end = m.end()
        else:
            value = self._number(m.group("num"), m.group("mul"))
            if value is None:
                return None
            raw_num = m.group("num").casefold()
            if raw_num in ("en", "a", "ett", "one") and not m.group("qual") and not m.group("mul"):
                return None  # an article, not a figure
            qualifier = lex.qualifiers.get(_norm(m.group("qual") or ""), "exactly")
            nominal = value
            lower, upper = _bounds(qualifier, value)
            phrase_end = m.end()
        unit = self._unit(noun, m, offset)
        end_of_phrase = phrase_end
        if unit in ("kilometre", "metre", "year", "month", "day", "district"):
            end_of_phrase = m.end() + 1 + len(m.group("noun"))
        if unit is None and noun in lex.of:
            following = re.match(r"\s+\w+\s+([\wæøå-]+)", self.text[offset + m.end() :])
            unit = self._unit(following.group(1).casefold(), m, offset) if following else None
        hint = self._property_hint(offset, unit)
        return Quantity(
            phrase=self.text[offset + m.start() : offset + end_of_phrase],
            qualifier=qualifier,
            lower=lower,
            upper=upper,
            nominal=nominal,
            unit=unit,
            start=offset + m.start(),
            end=offset + end_of_phrase,
            property_hint=hint if unit else None,
        )

    def _unit(self, noun: str, m: re.Match[str], offset: int) -> str | None:
        """The unit the noun after a figure names, if the lexicon knows it."""
        lex = self.lex
        if noun in lex.units:
            return lex.units[noun]
        if noun in lex.of:
            following = re.match(
                r"\s+(?:[\wæøå-]+\s+)?([\wæøå-]+)", self.text[offset + m.end("noun") :]
            )
            if following:
                noun = following.group(1).casefold()
        if any(noun.startswith(stem) for stem in lex.person_nouns):
            return "person"
        follow = re.match(r"\s+([\wæøå-]+)", self.text[offset + m.end("noun") :])
        if follow and any(follow.group(1).casefold().startswith(s) for s in lex.person_nouns):
            return "person"  # "10.000 syriske flyktninger": an adjective before the noun
        return None

    def _property_hint(self, offset: int, unit: str | None) -> tuple[str, str] | None:
        """A quantitative property that a word of the sentence suggests (displacement first)."""
        sentence_end = re.search(r"[.!?\n](?=\s|$)", self.text[offset : offset + 300])
        window = self.text[offset : offset + (sentence_end.end() if sentence_end else 300)]
        dims = {
            "person": {"displacedCount", "population", "strength"},
            "kilometre": {"distanceFrom"},
            "metre": {"distanceFrom"},
        }
        allowed = dims.get(unit or "", set())
        words = re.findall(r"[\wæøå-]+", window.casefold())
        for stem, prop in self.lex.property_hints.items():  # in the lexicon's order
            for word in words:
                if word.startswith(stem) and prop in allowed:
                    return prop, word
        return None

    def _number(self, raw: str, multiplier: str | None) -> Decimal | None:
        """A written number ("10.000", "tre", "3,5 millioner") as a decimal."""
        lex = self.lex
        word = raw.casefold()
        if word in lex.numbers:
            value = Decimal(lex.numbers[word])
        else:
            digits = raw.replace("\u00a0", " ").replace("\u202f", " ")
            if lex.lang == "nb":
                if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+", digits):
                    digits = re.sub(r"[. ]", "", digits)
                digits = digits.replace(",", ".")
            else:
                if re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?", digits):
                    digits = re.sub(r"[, ]", "", digits)
            try:
                value = Decimal(digits)
            except ArithmeticError:
                return None
        if multiplier:
            value *= lex.multipliers.get(multiplier.casefold(), 1)
        return value

    def _time(self, start: int, end: int) -> TimeExpression | None:
        """The first relative day or weekday in a span of the article."""
        return self._time_in(self.text[start:end])

    def _time_in(self, text: str) -> TimeExpression | None:
        """The first relative day or weekday in a text."""
        m = self.p.relative_day.search(text)
        if m:
            if m.group("since"):
                day = self.lex.weekdays[m.group("sday").casefold()]
                return TimeExpression(m.group(0), "since", weekday=day)
            kind, days = self.lex.relative_days[_norm(m.group("phrase"))]
            return TimeExpression(m.group(0), kind, days_back=days)
        w = self.p.weekday.search(text)
        if w:
            return TimeExpression(
                w.group(0), "weekday", weekday=self.lex.weekdays[w.group("day").casefold()]
            )
        return None

    def decorate(self) -> None:
        """Give each statement its figure and its time, found within its words."""
        for statement in self.statements:
            words = self.text[statement.start : statement.end]
            for m in self.p.quantity.finditer(words):
                quantity = self._quantity(m, statement.start)
                if quantity is not None and (
                    quantity.qualifier != "exactly" or quantity.unit is not None
                ):
                    statement.quantity = quantity
                    break
            statement.time = self._time(statement.start, statement.end)


#: the person a pronoun refers to is a woman ("f") or a man ("m")
_PRONOUN_GENDER = {"hun": "f", "she": "f", "han": "m", "he": "m"}

#: words that end a company's name ("Norcast Polymers", "Vestgass AS", "Acme Inc")
_COMPANY_NAME_WORDS = frozenset(
    "inc ltd corp corporation company co plc llc as asa ab gmbh industries chemicals chemical "
    "polymers energy holdings konsern".split()
)

#: words that end the noun phrase after a figure ("tusenvis av krigere | fra Libanon")
_NOUN_PHRASE_ENDS = frozenset(
    "før etter under med fra i til på mot og som har er "
    "before after during with at by from in to on against and who which have are has".split()
)


def _bounds(qualifier: str, value: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """The bounds a qualifier allows around a figure (README: "about" is ±10 %)."""
    if qualifier == "about":
        return (value * Decimal("0.9")).normalize(), (value * Decimal("1.1")).normalize()
    if qualifier == "nearly":
        return (value * Decimal("0.9")).normalize(), value
    if qualifier == "lessThan":
        return Decimal(0), value
    if qualifier == "atMost":
        return Decimal(0), value
    if qualifier in ("moreThan", "atLeast"):
        return value, None
    return value, value


def _ascii(text: str) -> str:
    """ASCII letters for an identifier (ø → o, æ → ae, accents dropped)."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "AE")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# --------------------------------------------------------------------------- the library call


def extract(
    article: Path,
    lang: str,
    published: str | None = None,
    outlet: str | None = None,
    sources: Path | None = None,
) -> str:
    """The draft claim file (YAML) for an article: what ``claim-ledger extract`` prints."""
    draft = extract_draft(article, lang, published, outlet, sources)
    return render_draft(draft, article)


def extract_draft(
    article: Path,
    lang: str,
    published: str | None = None,
    outlet: str | None = None,
    sources: Path | None = None,
) -> Draft:
    """The statements of an article, attributed, with figures and times."""
    if lang not in LEXICONS:
        raise UsageError(f"--lang {lang!r} is not supported", hint=f"use one of {LANGUAGES}")
    when = parse_published(published)
    text = read_article(article)
    registry = Registry.load(sources)
    outlet_agent = _outlet(registry, outlet, lang)
    extractor = Extractor(text, lang, registry, outlet_agent)
    statements = extractor.run()
    if len(statements) > MAX_STATEMENTS:
        raise InputError(
            f"the article yields {len(statements):,} statements, more than the "
            f"{MAX_STATEMENTS:,} a draft may hold for one checker",
            where=str(article),
            hint="give the text of one news article, or split a long text into articles",
        )
    extractor.decorate()
    new = list(extractor.new_agents.values())
    return Draft(text, lang, statements, new, outlet_agent, when)


def evaluate_extraction(
    article: Path,
    gold: Path,
    lang: str,
    published: str | None = None,
    outlet: str | None = None,
    sources: Path | None = None,
) -> Evaluation:
    """Extract a draft and score it against a hand-made case (``extract --evaluate GOLD``).

    The registry is ``--sources``, else the case's ``sources.yaml``: names and aliases only; the
    gold's claims are read by the scorer alone, after the draft is made.
    """
    from ledger.extraction.score import evaluate

    if sources is None and gold.is_dir() and (gold / "sources.yaml").is_file():
        sources = gold / "sources.yaml"
    draft = extract(article, lang, published, outlet, sources)
    with tempfile.TemporaryDirectory(prefix="claim-ledger-extract-") as folder:
        # the draft names the article by its file name, beside it
        shutil.copyfile(article, Path(folder) / article.name)
        draft_file = Path(folder) / "draft.yaml"
        draft_file.write_text(draft, encoding="utf-8")
        return evaluate(draft_file, gold)


def _outlet(registry: Registry, outlet: str | None, lang: str) -> Agent:
    """The outlet of the own-voice statements: --outlet, the registry's one outlet, or new."""
    if outlet:
        found = registry.resolve(outlet)
        if found is not None:
            return found
        return Agent(iri="new-source/outlet", name=outlet, kind="NewsOutlet", new=True, lang=lang)
    outlets = registry.outlets()
    if len(outlets) == 1:
        return outlets[0]
    return Agent(iri="new-source/outlet", name="the outlet", kind="NewsOutlet", new=True, lang="en")


# --------------------------------------------------------------------------- the draft file


def render_draft(draft: Draft, article: Path) -> str:
    """The draft as a claim file in YAML (JSON-LD), loadable by ``validate`` and ``convert``."""
    text = draft.text
    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    stem = f"{_DRAFT_STEM}{digest[:12]}/"
    document = "draft:article"
    graph: list[dict[str, Any]] = []
    case_id = re.sub(r"[^a-z0-9]+", "-", _ascii(article.stem).casefold()).strip("-") or "draft"
    graph.append(
        {
            "id": "draft:case",
            "type": "Case",
            "identifier": f"draft-{case_id}",
            "name": {"en": f"Draft claims extracted from {article.name}"},
        }
    )
    doc: dict[str, Any] = {
        "id": document,
        "type": ["Document", "NewsArticle"],
        "localCopy": article.name,
        "sha256": digest,
        "inLanguage": draft.lang,
    }
    if draft.published is not None:
        earliest, _, precision = draft.published
        value = {
            "dayPrecision": earliest.isoformat(),
            "monthPrecision": earliest.isoformat()[:7],
            "yearPrecision": earliest.isoformat()[:4],
        }[precision]
        kind = {
            "dayPrecision": "xsd:date",
            "monthPrecision": "xsd:gYearMonth",
            "yearPrecision": "xsd:gYear",
        }[precision]
        doc["datePublished"] = {"@value": value, "@type": kind}
    if not draft.outlet.new and draft.outlet.kind == "NewsOutlet":
        doc["publisher"] = _ref(draft.outlet)
    graph.append(doc)
    for agent in draft.new_agents:
        graph.append(_agent_node(agent))
    for number, statement in enumerate(_claims(draft), start=1):
        graph.append(_claim_node(draft, statement, number, document, text))
    data = {
        "@context": [CONTEXT_IRI, {"draft": stem, "src": "https://w3id.org/claim-ledger/source/"}],
        "@graph": graph,
    }
    header = (
        f"# Draft claims extracted by `claim-ledger extract` from {article.name} "
        f"(--lang {draft.lang}).\n"
        "# Nothing here is decided: every 'toCheck' entry names what a checker must still do;\n"
        "# `claim-ledger validate` lists them and `claim-ledger add` refuses the file until\n"
        "# they are done. Save this file beside the article (localCopy is its file name).\n"
    )
    dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(
        data,
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    return header + body


def _claims(draft: Draft) -> Iterator[tuple[Statement, Agent]]:
    """One claim per statement and source."""
    for statement in draft.statements:
        for agent in statement.attribution.sources:
            yield statement, agent


def _ref(agent: Agent) -> str:
    """How the draft names an agent: ``src:…`` for the registry, ``draft:…`` for new ones."""
    if agent.new:
        return f"draft:{agent.iri}"
    if agent.iri.startswith("https://w3id.org/claim-ledger/source/"):
        return "src:" + agent.iri.removeprefix("https://w3id.org/claim-ledger/source/")
    return agent.iri


def _agent_node(agent: Agent) -> dict[str, Any]:
    """A new agent as a node of the draft, with what the checker must decide about it."""
    node: dict[str, Any] = {
        "id": _ref(agent),
        "type": "Person" if agent.person else "Organization",
        "name": {agent.lang: agent.name},
    }
    marks = [
        f"name: '{agent.name}' is a source extract did not find in the registry; "
        "say who it is (or correct the claim's attributedTo) and move it to the registry"
    ]
    if agent.on_behalf_of:
        node["actedOnBehalfOf"] = _ref_iri(agent.on_behalf_of)
    if agent.kind:
        node["sourceKind"] = agent.kind
    elif not agent.person:
        marks.append("sourceKind: not decided by extract")
    if not agent.on_behalf_of or agent.on_behalf_of.startswith("new-source/"):
        marks.append("alignment: not decided by extract (with its alignmentRationale)")
    if agent.person is not None:
        marks.append(f"type: {'Person' if agent.person else 'Organization'} guessed from the name")
    node["toCheck"] = marks
    return node


def _ref_iri(iri: str) -> str:
    """How the draft names an agent known only by IRI."""
    if iri.startswith("new-source/"):
        return f"draft:{iri}"
    if iri.startswith("https://w3id.org/claim-ledger/source/"):
        return "src:" + iri.removeprefix("https://w3id.org/claim-ledger/source/")
    return iri


def _claim_node(
    draft: Draft, pair: tuple[Statement, Agent], number: int, document: str, text: str
) -> dict[str, Any]:
    """One claim of the draft: attribution, quote, proposition, times and marks."""
    statement, agent = pair
    attribution = statement.attribution
    words = text[statement.start : statement.end]
    marks: list[str] = []
    claim: dict[str, Any] = {"id": f"draft:claim/{number}", "type": "Claim", "case": "draft:case"}
    quoted = words if len(words) <= 300 else words[:297] + "…"
    claim["statement"] = f'{agent.name}: "{quoted}"'
    marks.append(
        "statement: write what the claim says as one plain English sentence "
        + (
            "(extract copied the source's words)"
            if draft.lang == "en"
            else "(extract copied the Norwegian words; translate them)"
        )
    )
    claim["attributedTo"] = _ref(agent)
    if attribution.relay is not None:
        claim["relayedBy"] = _ref(attribution.relay)
    claim["transmission"] = attribution.transmission
    claim["reportedIn"] = document
    claim["stance"] = attribution.stance
    proposition = _proposition(draft, statement, marks)
    if proposition:
        claim["proposition"] = proposition
    stated = _stated_time(draft, attribution)
    if stated:
        claim["statedTime"] = stated
    selector = [
        {
            "type": "TextQuoteSelector",
            "exact": words,
            "prefix": text[max(0, statement.start - CONTEXT_CHARS) : statement.start],
            "suffix": text[statement.end : statement.end + CONTEXT_CHARS],
        },
        {"type": "TextPositionSelector", "start": statement.start, "end": statement.end},
    ]
    claim["quote"] = [{"source": document, "selector": selector}]
    if draft.lang != "en":
        marks.append("quote.translation: translate the quote into English, with its translator")
    marks.extend(attribution.marks)
    marks.extend(statement.marks)
    if attribution.stance == "denies":
        marks.append(f"stance: denies, from the cue '{attribution.cue}'; confirm what is denied")
    claim["toCheck"] = marks
    return claim


def _proposition(draft: Draft, statement: Statement, marks: list[str]) -> dict[str, Any] | None:
    """What the rules know of the proposition (figure, time); marks for the rest."""
    proposition: dict[str, Any] = {}
    quantity = statement.quantity
    undecided = ["subject"]
    if quantity is not None:
        if quantity.property_hint:
            prop, word = quantity.property_hint
            proposition["property"] = prop
            marks.append(f"proposition.property: guessed {prop} from the word '{word}'; confirm")
        else:
            undecided.append("property")
        q: dict[str, Any] = {
            "phrase": {draft.lang: quantity.phrase},
            "qualifier": quantity.qualifier,
        }
        for key in ("lower", "upper", "nominal"):
            value = getattr(quantity, key)
            if value is not None:
                q[key] = _number_value(value)
        if quantity.unit:
            q["unit"] = quantity.unit
        else:
            marks.append(f"proposition.quantity.unit: the unit of '{quantity.phrase}' not decided")
        proposition["quantity"] = q
    else:
        undecided.extend(["property", "value"])
    time = _event_time(draft, statement, marks)
    if time is not None:
        proposition["eventTime"] = time
    elif proposition:
        marks.append(
            "proposition.eventTime: not decided (no time in the words and no publication date; "
            "extract --published DATE bounds it)"
        )
    if not proposition:
        marks.insert(0, "proposition: subject, property and value not decided by extract")
        return None
    for name in undecided:
        marks.insert(0, f"proposition.{name}: not decided by extract")
    return proposition


def _number_value(value: Decimal) -> int | float:
    """A figure as YAML writes it: an integer when it is one."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _event_time(draft: Draft, statement: Statement, marks: list[str]) -> dict[str, Any] | None:
    """When it happened: resolved against --published, else kept as words, marked."""
    time = statement.time
    published = draft.published
    lang = draft.lang
    if time is None:
        if published is None:
            return None
        earliest, latest, _ = published
        marks.append("proposition.eventTime: no time in the words; bounded by publication only")
        return {
            "latest": latest.isoformat(),
            "precision": "vaguePrecision",
            "relativeTo": "draft:article",
        }
    span: dict[str, Any] = {}
    if published is None:
        span["precision"] = "vaguePrecision"
        if time.weekday:
            span["dayOfWeek"] = time.weekday
        span["relativeTo"] = "draft:article"
        span["phrase"] = {lang: time.phrase}
        marks.append(
            f"proposition.eventTime: '{time.phrase}' is counted from the publication date, "
            "which was not given (extract --published DATE)"
        )
        return span
    return _resolved_span(published, time, lang)


def _resolved_span(
    published: tuple[dt.date, dt.date, str], time: TimeExpression, lang: str
) -> dict[str, Any]:
    """A relative time counted back from the publication date, as precise as both allow."""
    span: dict[str, Any] = {}
    earliest, latest, precision = published
    if precision == "dayPrecision":
        day = latest
        if time.kind == "weekday" and time.weekday:
            target = list(calendar.day_name).index(time.weekday)
            back = (day.weekday() - target) % 7
            start = end = day - dt.timedelta(days=back)
            span.update(
                earliest=start.isoformat(), latest=end.isoformat(), precision="dayPrecision"
            )
        elif time.kind == "since" and time.weekday:
            target = list(calendar.day_name).index(time.weekday)
            back = (day.weekday() - target) % 7
            span.update(
                earliest=(day - dt.timedelta(days=back)).isoformat(),
                latest=day.isoformat(),
                precision="weekPrecision",
            )
        elif time.kind == "weekend":
            back = (day.weekday() - 5) % 7
            saturday = day - dt.timedelta(days=back)
            span.update(
                earliest=saturday.isoformat(),
                latest=min(day, saturday + dt.timedelta(days=1)).isoformat(),
                precision="weekPrecision",
            )
        elif time.kind == "last24":
            span.update(
                earliest=(day - dt.timedelta(days=1)).isoformat(),
                latest=day.isoformat(),
                precision="weekPrecision",
            )
        else:
            one = day - dt.timedelta(days=time.days_back)
            span.update(earliest=one.isoformat(), latest=one.isoformat(), precision="dayPrecision")
    else:
        # only the month (or year) is known: the days before it may fall in the month before
        span.update(
            earliest=(earliest - dt.timedelta(days=7)).isoformat(),
            latest=latest.isoformat(),
            precision=precision,
        )
    if time.weekday:
        span["dayOfWeek"] = time.weekday
    span["relativeTo"] = "draft:article"
    span["phrase"] = {lang: time.phrase}
    return span


def _stated_time(draft: Draft, attribution: Attribution) -> dict[str, Any] | None:
    """When the claim was made: the cue's day, the article's date for the outlet, else by then."""
    if draft.published is None:
        return None  # an optional field, left out rather than guessed
    if attribution.cue_time is not None:
        return _resolved_span(draft.published, attribution.cue_time, draft.lang)
    earliest, latest, precision = draft.published
    if attribution.transmission == "ownReporting":
        return {
            "earliest": earliest.isoformat(),
            "latest": latest.isoformat(),
            "precision": precision,
            "relativeTo": "draft:article",
        }
    return {
        "latest": latest.isoformat(),
        "precision": "vaguePrecision",
        "relativeTo": "draft:article",
    }
