"""Sources: the registry of agents and their names, and how a source phrase of the article
resolves to agents (registry, description, pronoun, apposition, or a new agent)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from ledger.extraction.days import DayReader, TimeExpression
from ledger.extraction.rules import alternation, norm_name
from ledger.intake.load import load_paths, node_key
from ledger.vocab import CL_IRI
from ledger.vocab import PROV_IRI as _PROV
from ledger.vocab import RDF_TYPE as _RDF_TYPE
from ledger.vocab import SCHEMA_IRI as _SCHEMA

_CL = CL_IRI


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
    #: a new agent whose type (person or organisation) was guessed from its name alone
    type_guessed: bool = False


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
    #: the initialisms of the names ("un", "us"), case-folded: written with dots or without
    initialisms: set[str] = field(default_factory=set)
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
                # "Igor Strelkov (Girkin)", "Taliban spokesman (Zabihullah Mujahid)": the name
                # without what the parenthesis adds is a name of the source too
                for key in dict.fromkeys((name_key(name), name_key(strip_parenthesis(name)))):
                    if key:
                        registry.names.setdefault(key, iri)
                        registry.aliases.setdefault(iri, []).append(key)
                registry.initialisms.update(
                    undot(w).casefold() for w in name.split() if _INITIALISM.fullmatch(w)
                )
                words = strip_parenthesis(name).split()
                if person and len(words) >= 2 and len(words[-1]) >= 3:
                    surnames.add(norm_name(words[-1]))
            for surname in surnames:
                if surname in registry.surnames and registry.surnames[surname] != iri:
                    registry.surnames[surname] = ""  # two people share it: no one by surname
                else:
                    registry.surnames[surname] = iri
        registry.compile()
        return registry

    def compile(self) -> None:
        """One pattern for every name, longest first, at word boundaries."""
        if not self.names:
            self.pattern = None
            return
        alternatives = sorted(self.names, key=len, reverse=True)
        body = "|".join(self._name_pattern(n) for n in alternatives)
        # a name is not the first part of a compound adjective: "The US" in "The US-led
        # coalition", "IS" in "IS-kontrollerte"
        compound = r"-(?:[a-zæøå]*(?:ed|te|de)|held|run)\b"
        self.pattern = re.compile(
            rf"(?<![\w]){'(?:' + body + ')'}(?![\w]|[.\u2024]?{compound})", re.IGNORECASE
        )

    def _name_pattern(self, key: str) -> str:
        """A name as the text may write it: spaces as any white space, an initialism in
        capitals, with or without dots ("UN", "U.N.")."""
        words = []
        for word in key.split(" "):
            if word in self.initialisms and word.isalpha():
                # in capitals, so that the pronoun "who" is not the WHO
                letters = "".join(re.escape(c.upper()) + r"[.\u2024]?" for c in word)
                words.append(f"(?-i:{letters})")
            else:
                words.append(re.escape(word))
        return r"\s+".join(words)

    def exact(self, phrase: str) -> Agent | None:
        """The agent whose name or alias is exactly the phrase (case, spacing and the dots of
        an initialism aside)."""
        iri = self.names.get(name_key(phrase))
        return self.agents.get(iri) if iri else None

    def mentions(self, text: str) -> list[tuple[int, int, Agent]]:
        """Every registry name in the text, left to right, without overlaps."""
        if self.pattern is None:
            return []
        found = []
        folded = fold_accents(text)
        if len(folded) == len(text):
            text = folded  # "Medecins Sans Frontieres" and "Médecins Sans Frontières" alike
        for m in self.pattern.finditer(text):
            iri = self.names.get(name_key(m.group(0)))
            if iri:
                found.append((m.start(), m.end(), self.agents[iri]))
        return found

    def resolve(self, phrase: str) -> Agent | None:
        """The agent a phrase names: exactly, by a person's surname, else the registry name that
        ends last in it."""
        agent = self.exact(phrase) or self.exact(strip_parenthesis(phrase)) or self.surname(phrase)
        if agent:
            return agent
        found = self.mentions(phrase)
        if not found:
            return self.shorter_form(phrase)
        found.sort(key=lambda f: (f[1], f[1] - f[0]))
        return found[-1][2]

    def shorter_form(self, phrase: str) -> Agent | None:
        """The one organisation whose name or alias holds every word of a shorter form of it
        ("Syrian Observatory", "the Defense Ministry", "Rights organisations"): at least two
        words, none of them a determiner; a person is never found so."""
        words = [
            _SPELLINGS.get(w, w)
            for w in re.findall(r"[\wæøå]+", name_key(phrase))
            if w not in _NOT_NAME_WORDS
        ]
        if len(words) < 2 or len(words) > 5:
            return None
        found = {
            iri
            for name, iri in self.names.items()
            if not self.agents[iri].person
            and set(words) <= {_SPELLINGS.get(w, w) for w in re.findall(r"[\wæøå]+", name)}
        }
        return self.agents[found.pop()] if len(found) == 1 else None

    def surname(self, phrase: str) -> Agent | None:
        """The registry person a bare surname names ("Calloway" after "Ruth Calloway")."""
        phrase = phrase.strip()
        if not re.fullmatch(r"[A-ZÆØÅ][\w'-]{2,}", phrase):
            return None
        iri = self.surnames.get(norm_name(phrase))
        return self.agents.get(iri) if iri else None

    def outlets(self) -> list[Agent]:
        """The registry's news outlets."""
        return [a for a in self.agents.values() if a.kind == "NewsOutlet"]


#: nouns of what a source issues, which stand for the source named last ("the report said")
_DOCUMENT_NOUNS = (
    "report",
    "statement",
    "communique",
    "rapporten",
    "uttalelsen",
    "meldingen",
    "meldinga",
    "fråsegna",
    "pressemeldingen",
)


def _bare_name(name: str) -> str:
    """A name as variants of it are compared: no determiners, titles or punctuation, and
    "defense" spelt "defence"."""
    words = [
        w
        for w in re.sub(r"[^\wæøå]+", " ", name_key(name)).split()
        if w not in ("the", "a", "an", "dr", "mr", "mrs", "ms", "den", "det", "de")
    ]
    return " ".join(words).replace("defense", "defence")


#: spelling variants of name words, compared as one ("defense" in "Defense Ministry")
_SPELLINGS = {
    "defense": "defence",
    "organizations": "organisations",
    "organization": "organisation",
}
#: words that a shorter form of a name may add: determiners, possessives
_NOT_NAME_WORDS = frozenset("the a an its their his her den det de s".split())


#: an initialism as a name writes it: "UN", "U.N.", "U.S", "NTB"
_INITIALISM = re.compile(r"(?:[A-ZÆØÅ]\.?){2,5}")


#: what the dot of an initialism is while the cue patterns read a sentence (they take "." for
#: the end of a sentence): ONE DOT LEADER, one code point as the dot is
INITIAL_DOT = "\u2024"
_INITIALS = re.compile(
    r"(?<![\w.\u2024])((?:[A-Za-zÆØÅæøå][.\u2024]){1,4}[A-Za-zÆØÅæøå](?:[.\u2024]|(?![\w])))"
)


def undot(text: str) -> str:
    """The text with the dots of its initialisms left out ("U.N. officials" → "UN officials",
    "U.S.-led" → "US-led")."""
    return _INITIALS.sub(lambda m: re.sub(r"[.\u2024]", "", m.group(1)), text)


def mask_initials(text: str) -> str:
    """The text with each dot of an initialism ("U.N.", "U.S.-led") written ``INITIAL_DOT``:
    as long as the text, so that offsets hold, and not a full stop to the cue patterns."""
    return _INITIALS.sub(lambda m: m.group(1).replace(".", INITIAL_DOT), text)


def unmask_initials(text: str) -> str:
    """The words as the article writes them (``mask_initials`` undone)."""
    return text.replace(INITIAL_DOT, ".")


def name_key(text: str) -> str:
    """A name or phrase as the registry compares it: ``norm_name`` of it without the dots of
    its initialisms and without accents ("Medecins" for "Médecins", "Stephane")."""
    return norm_name(fold_accents(undot(text)))


def fold_accents(text: str) -> str:
    """The text without accents on its letters ("é" → "e", "ü" → "u"), the Norwegian letters
    kept ("å", "æ", "ø"); one code point for one, when the text is in NFC."""
    kept = text.replace("å", "\x00").replace("Å", "\x01")
    bare = "".join(c for c in unicodedata.normalize("NFD", kept) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).replace("\x00", "å").replace("\x01", "Å")


def byline_wire(text: str, registry: Registry) -> str | None:
    """The news agency a byline on the page's first line credits: "NTB", "NTB utenriks" (a
    desk after it), "AFP, THE HAGUE, Netherlands" (a place after a comma): the registry's name
    of that agency; None when the first line is anything else."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = re.sub(
        r"^(?:date|dato|published|publisert)\s*:?\s*\d{4}(?:-\d{2}){0,2}\s+",
        "",
        first,
        flags=re.IGNORECASE,
    )
    for line in [line.strip() for line in text.splitlines() if line.strip()][:4]:
        # "Av NTB | 08.10.2023 21:13", "By AP, Dorvan": a byline naming an agency as the writer;
        # "NTB-Reuters-AFP", "Vestpress/NAN": a line of agencies only, the first wrote the copy
        byline = re.fullmatch(r"(?:By|Av)\s+(?P<credit>[^|,\n]{2,40}?)\s*(?:[|,].{0,60})?", line)
        credit = byline.group("credit") if byline else None
        if credit is None and re.fullmatch(
            r"[A-ZÆØÅ][\w.&]*(?:\s*[-/]\s*[A-ZÆØÅ][\w.&]*){1,3}", line
        ):
            credit = line
        agency = wire_agency(credit, registry) if credit else None
        if agency is not None:
            return agency.name
    if not first or len(first) > 60 or first[-1] in ".!?:;":
        return None
    words = first.split(",")[0].split()
    for size in range(len(words), 0, -1):
        agent = registry.exact(" ".join(words[:size]))
        if agent is None:
            continue
        desk = words[size:]
        if agent.kind == "NewsAgency" and len(desk) <= 2 and all(w.islower() for w in desk):
            return agent.name
        return None
    return None


def wire_agency(credit: str, registry: Registry) -> Agent | None:
    """The registry's news agency a credit names; of a credit of several ("dpa/NAN",
    "NTB-Reuters-AFP", "Vestpress and AP"), the first part the registry has as a news agency
    (the agency that wrote the copy; those after it carried it)."""
    whole = registry.exact(credit.strip(" ©()"))
    if whole is not None and whole.kind == "NewsAgency":
        return whole
    for part in re.split(r"\s*(?:/|,|;|\s-\s|-|\band\b|\bog\b)\s*", credit):
        agent = registry.exact(part.strip(" ©()"))
        if agent is not None and agent.kind == "NewsAgency":
            return agent
    return None


def credited_wire(text: str, registry: Registry) -> str | None:
    """The registry's news agency a credit of the copy names where the dateline patterns do not
    read it: after a place at the top ("DORVAN (Vestpress/NAN) Forty …", "Dorvan, (dpa) The
    …"), on a line of its own at the bottom ("(Vestpress)", "- AP", "© dpa"), or after the last
    sentence ("… on Monday. - Vestpress"); of a credit of several ("dpa/NAN"), the first part
    the registry has as a news agency. None when no credit names one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    found = [m.group("credit") for m in [_TOP_CREDIT.match(lines[0])] if m]
    found += [
        m.group("credit") or m.group("credit2") for m in [_LINE_CREDIT.fullmatch(lines[-1])] if m
    ]
    found += [m.group("credit") for m in [_TAIL_CREDIT.search(lines[-1])] if m]
    for credit in found:
        for part in re.split(r"\s*(?:/|,|;|\band\b)\s*", credit):
            agent = registry.exact(part.strip(" ©"))
            if agent is not None and agent.kind == "NewsAgency":
                return agent.name
    return None


#: a place (one to four capitalised words) and a credit in parentheses at the top
_TOP_CREDIT = re.compile(
    r"[A-ZÆØÅ][\w'.-]*(?:[ ,/]+[A-ZÆØÅ][\w'.-]*){0,3},?\s*\((?P<credit>[^()\n]{2,40})\)\s"
)
#: a line of its own that only credits: "(Vestpress)", "- AP", "— dpa/NAN", "© Reuters"
_LINE_CREDIT = re.compile(
    r"\(\s*©?\s*(?P<credit>[^()\n]{2,40})\)|(?:[-–—]|©)\s*(?P<credit2>[^()\n.!?]{2,40})"
)
#: a credit after the last sentence of the copy: "… on Monday. - Vestpress"
_TAIL_CREDIT = re.compile(r"(?<=[.!?\"”»])\s+[-–—]\s*(?P<credit>[^\s.!?()][^.!?()\n]{1,38})$")


def strip_parenthesis(text: str) -> str:
    """The text without parenthesised parts ("SOHR (UK)" → "SOHR")."""
    return re.sub(r"\s*\([^()]*\)", "", text)


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


@dataclass
class Context:
    """What the reader remembers: the last speakers named, statements awaiting a source."""

    last: Attribution | None = None
    last_person: Attribution | None = None
    #: every agent named so far, the latest last
    named: list[Agent] = field(default_factory=list)
    #: a registry person the reporter's latest sentence is about ("Dr. Jo Lee was operating
    #: …"), named after the last speaker: whom a following "he said" means
    subject: Agent | None = None
    #: the source that spoke last through a spokesperson ("sier en IDF-talsperson"): whom a
    #: following "talspersonen" / "the spokesman" means
    spoken_through: Agent | None = None
    #: the registry people the article has mentioned so far, the latest last (as a speaker or
    #: not): whom "he"/"she" means when no person has spoken before
    mentioned: list[Agent] = field(default_factory=list)


class SourceResolver(DayReader):
    """Resolves source phrases to agents, remembering who spoke (a base of the extractor)."""

    registry: Registry
    outlet: Agent
    context: Context
    roles: dict[str, str]
    genders: dict[str, str]
    new_agents: dict[str, Agent]
    new_registry: Registry
    own: Attribution
    #: the article's text
    text: str
    #: where the sentence being read starts and ends (a person it names is whom "his office"
    #: means: "PM Jo Lee declared victory, his office said")
    sentence_span: tuple[int, int] = (0, 0)

    def _kind_source(self, phrase: str) -> Agent | None:
        """ "a monitoring group", "the international medical charity", "en
        hjelpeorganisasjon": the source of the kind the noun names (``_KIND_NOUNS``): the latest
        of that kind named before, else the one the article names anywhere, else the
        registry's only one."""
        words = [w for w in name_key(phrase).split() if w not in self.lex.determiners]
        if not 1 <= len(words) <= 5 or any(w in ("and", "og", "or", "eller") for w in words):
            return None
        if any(w[:1].isupper() for w in phrase.split()[1:]):
            return None  # "a group called Raqqa Watch": a name, not a kind
        kind = None
        for size in (2, 1):
            tail = " ".join(words[-size:])
            if self.lex.lang == "nb":
                tail = re.sub(r"(?:ene|en|et|a|er)$", "", tail)
            kind = kind or _KIND_NOUNS.get(tail)
        if kind is None and self.lex.lang == "en":
            kind = self._kind_by_name(words)
        if kind is None:
            return None
        of_kind = [a for a in self.context.named if a.kind == kind and not a.new]
        if of_kind:
            return of_kind[-1]
        named = {a.iri: a for _, _, a in self.registry.mentions(self.text) if a.kind == kind}
        if len(named) == 1:
            return next(iter(named.values()))
        if named:
            return None
        every = [a for a in self.registry.agents.values() if a.kind == kind]
        return every[0] if len(every) == 1 else None

    def _kind_by_name(self, words: list[str]) -> str | None:
        """The registry's ``sourceKind`` a description spells out ("the humanitarian
        organisation" → HumanitarianOrganisation, "the rights organization" →
        HumanRightsOrganisation, "the broadcaster" → Broadcaster): the head noun is the kind's
        last word and every other word of the description one of the kind's (generic ones such as
        "international" aside); one kind only."""
        wanted = [
            _SPELLINGS.get(w, w)
            for w in words
            if w not in _GENERIC_MODIFIERS and w not in ("international", "local", "main")
        ]
        if not wanted or not all(w.isalpha() for w in wanted):
            return None
        found = set()
        for kind in {a.kind for a in self.registry.agents.values() if a.kind}:
            parts = [w.casefold() for w in re.findall(r"[A-Z][a-z]+", kind)]
            parts = [_SPELLINGS.get(w, w) for w in parts]
            if parts and parts[-1] == wanted[-1] and set(wanted[:-1]) <= set(parts[:-1]):
                found.add(kind)
        return found.pop() if len(found) == 1 else None

    def _head_noun_source(self, phrase: str) -> Agent | None:
        """ "Officials", "local officials": the one registry source whose name or alias ends
        with that plural noun and holds every word before it ("Ukrainian officials")."""
        words = [w for w in name_key(phrase).split() if w not in self.lex.determiners]
        if not 1 <= len(words) <= 3 or words[-1] not in self.lex.people_sources:
            return None
        if any(w[:1].isupper() for w in phrase.split()[1:]):
            return None
        found = {
            iri
            for name, iri in self.registry.names.items()
            if _name_head(name) == words[-1]
            and set(words[:-1]) <= set(name.split())
            and len(name.split()) > len(words)
        }
        return self.registry.agents[found.pop()] if len(found) == 1 else None

    def _described_source(self, phrase: str) -> Agent | None:
        """A speaker described by a head noun and modifiers, resolved to the registry source
        the modifiers name ("a coalition spokesman", "a Kestrian Health Ministry official at the
        hospital", "a Syrian army officer at the airfield", "UN officials", "the world's chemical
        weapons watchdog", "a ministry statement").

        The head is the last word before a place ("at the airfield", "in Dorvan"); a head that
        names one who speaks for others or a document (``_SPEAKER_HEADS``, the lexicon's speaking
        roles, people and titles) stands for the organisation the modifiers name, a head that
        names an organisation (``_BODY_HEADS``) is part of the name when a registry name has it.
        Every modifier but generic ones ("senior", "local", a possessive "the world's") must be a
        word of the source's name or alias (a demonym for its country: "Kestrian", "Kestria");
        a registry person whose name holds the head and the modifiers ("Taliban spokesman (Jo
        Lee)") is preferred; among several, the one named last; an English description only.
        """
        if self.lex.lang != "en":
            return None
        phrase = re.split(
            r"\s+(?:at|in|on|near|inside|outside|from|with|who|which|that)\s", phrase
        )[0]
        words = [w for w in re.findall(r"[\w'’.-]+", unmask_initials(phrase))]
        while words and words[0].casefold() in _DESCRIPTION_OPENERS:
            words = words[1:]
        if not 2 <= len(words) <= 6 or any(w[:1].isupper() for w in words[-1:]):
            return None
        head = words[-1].casefold()
        speaker = (
            head in _SPEAKER_HEADS
            or head.startswith(self.lex.speaking_roles)
            or (head in self.lex.people_sources or head in self.lex.title_words)
        )
        body = head in _BODY_HEADS or head in self.lex.organisation_words
        if not (speaker or body):
            return None
        kept = [
            w
            for w in words[:-1]
            if not re.search(r"['’]s?$", w) and w.casefold() not in _GENERIC_MODIFIERS
        ]
        modifiers = [undot(w).casefold().strip(".") for w in kept]
        if not modifiers or any(not w.isalpha() for w in modifiers):
            return None
        #: a capitalised modifier may be a demonym of a name's country ("Kestrian", "Kestria")
        proper = {m for m, w in zip(modifiers, kept, strict=True) if w[:1].isupper()}

        def holds(name_words: set[str], wanted: list[str]) -> bool:
            return all(
                any(w == n or (w in proper and _demonym(w, n)) for n in name_words) for w in wanted
            )

        named: dict[str, set[str]] = {}
        for name, iri in self.registry.names.items():
            named.setdefault(iri, set()).update(re.findall(r"[\wæøå]+", undot(name)))
        every_name = set().union(*named.values()) if named else set()
        wanted = modifiers + ([head] if body and head in every_name else [])
        people = [
            iri
            for iri, name_words in named.items()
            if self.registry.agents[iri].person and speaker and holds(name_words, [*wanted, head])
        ]
        found = people or [
            iri
            for iri, name_words in named.items()
            if not self.registry.agents[iri].person and holds(name_words, wanted)
        ]
        if len(found) > 1:
            latest = [a.iri for a in self.context.named if a.iri in found]
            found = latest[-1:]
        return self.registry.agents[found[0]] if len(found) == 1 else None

    def _speaking_role(self, phrase: str) -> bool:
        """ "a spokesman for the company", "officials at the ministry": a role that speaks."""
        role = self.p.role.match(phrase)
        return role is not None and any(
            w.startswith(self.lex.speaking_roles) for w in role.group("role").casefold().split()
        )

    def _document_owner(self, phrase: str) -> Agent | None:
        """The registry organisation whose document a phrase names: a genitive or a name before
        a document noun ("SOHRs opptelling av ofre", "the IOM data", "UN estimates")."""
        for m in re.finditer(r"\s+(?P<noun>[\wæøå]+)", phrase):
            if not m.group("noun").casefold().startswith(_OWNED_NOUNS):
                continue
            head = phrase[: m.start()]
            for name in (head, re.sub(r"(?:'s|’s|s)$", "", head)):
                owner = self.registry.exact(name)
                if owner is not None and not owner.person:
                    return owner
        return None

    def _named_with_postmodifier(self, phrase: str) -> Agent | None:
        """A registry organisation named first, then a phrase that places or qualifies it ("The
        US-led coalition against the Islamic State in Iraq and Syria (ISIS)", "the Syrian
        Observatory for Human Rights in London"): that organisation, though a later name in the
        phrase ends last; an English phrase without a comma, up to 16 words."""
        if self.lex.lang != "en" or "," in phrase or len(phrase.split()) > 16:
            return None
        found = self.registry.mentions(phrase)
        if not found:
            return None
        begin, end, agent = found[0]
        if agent.person or not re.fullmatch(r"(?:the\s+)?", phrase[:begin], re.IGNORECASE):
            return None
        rest = phrase[end:].split()
        if not rest or rest[0].casefold() not in _POSTMODIFIER_OPENERS:
            return None
        if any(w.casefold() in ("is", "was", "are", "were", "has", "have", "had") for w in rest):
            return None
        return agent

    def _account_owner(self, phrase: str) -> Agent | None:
        """The registry source whose account, page or website a phrase names: "a post on Ana
        Holm's official Twitter account", "a statement on the ministry's website", "a video on
        Kestria Watch's Telegram channel"."""
        m = _ACCOUNT.search(phrase)
        if m is None:
            return None
        owner = m.group("owner")
        return (
            self.registry.exact(owner)
            or self.registry.surname(owner)
            or self.registry.resolve(owner)
            or self._definite_description(owner)
        )

    def _speaking_word(self, phrase: str) -> bool:
        """Does a word of the phrase name one who speaks for others ("spokesman",
        "IDF-talsperson")?"""
        return any(
            part.startswith(self.lex.speaking_roles)
            for word in phrase.casefold().split()
            for part in word.split("-")
        )

    def _source(
        self, phrase: str, cue: str, tail: str = "", anaphoric: bool = False
    ) -> Attribution | None:
        """The attribution a source phrase gives: speaker, organisation, relay, transmission."""
        phrase, tail = unmask_initials(phrase), unmask_initials(tail)
        phrase = re.sub(r"\s+", " ", phrase).strip(" ,.;:!?\"'«»“”’")
        phrase = re.sub(r"\s*\(\d{1,3}\)", "", phrase)  # "Hanne Rud (61)": her age
        if phrase.split()[:1] and phrase.split()[0].casefold() in _CONJUNCTIONS:
            return None  # "If confirmed, …": a condition, not a speaker
        restrictive = re.match(
            rf"(?P<np>(?:{alternation(self.lex.determiners + ('a', 'an', 'en', 'et', 'ei'))})"
            r"\s[^,]{1,60}?)\s+(?:who|som)\s+(?!\W)",
            phrase,
            re.IGNORECASE,
        )
        if restrictive and len(restrictive.group("np").split()) <= 4:
            # "the source who has experience with explosives": the source the clause describes
            phrase = restrictive.group("np")
        words = phrase.split()
        if (
            len(words) > 1
            and self.p.person_pronoun.match(words[0])
            and words[1].casefold() in _ADVERBIAL_OPENERS
        ):
            # "sa han på en pressekonferanse i Damaskus": the pronoun, then where he said it
            phrase, tail = words[0], f"{' '.join(words[1:])} {tail}".strip()
        if not phrase and not anaphoric:
            return None
        stance = "denies" if self.p.deny.match(re.sub(r"\s+", " ", cue.strip())) else "asserts"
        cue_time = self.time_in(f"{phrase} {tail}")
        transmission = "unstated"
        marks: list[str] = []
        channel = self.p.channel.search(" " + phrase)
        if channel or (tail and self.p.channel.search(" " + tail)):
            transmission = "sourcePublication"
            if channel:
                cut = (" " + phrase)[channel.start() :]
                relayed = self.p.relay.search(cut)
                # "X i en uttalelse ifølge Reuters": the channel goes, the relay after it stays
                phrase = (" " + phrase)[: channel.start()].strip()
                if relayed:
                    phrase += cut[relayed.start() :]
        phrase = self._strip_time(phrase)
        relay: Agent | None = None
        if tail and re.match(rf"\s*{alternation(self.lex.relay)}\s+\S", tail, re.IGNORECASE):
            phrase = f"{phrase} {tail.strip()}"  # ", Jane Doe said to NTB": the relay follows
        told = self.p.told.match(tail or "") if cue.casefold() in ("told", "tells") else None
        if told:
            relay = self.registry.resolve(told.group("relay"))
        quoted_by = re.match(r"\s*by\s+(?:the\s+)?(?P<relay>[^,]{2,60})", tail or "")
        if quoted_by and "quoted" in cue.casefold():
            # "X was quoted as saying by the Interfax news agency": Interfax relays X
            agency = self.registry.resolve(quoted_by.group("relay"))
            if agency is None:
                name = re.sub(r"\s+news\s+agency$", "", quoted_by.group("relay").strip(" ."))
                agency = self._new_agent(name, person=False, kind="NewsAgency")
            relay = agency
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

        def named(agent: Agent) -> Attribution:
            """The statement credited to ``agent`` alone, remembered for what refers back."""
            attribution = Attribution(
                sources=(agent,),
                relay=relay,
                transmission=transmission,
                stance=stance,
                cue=cue,
                marks=tuple(marks),
                cue_time=cue_time,
            )
            self._remember(attribution)
            return attribution

        base: Attribution | None = None
        if _SAME_SOURCE.fullmatch(phrase) and self.context.last is not None:
            # "AFP siterer samme kilde på at …", "the same source said": the source named last
            same = self.context.last
            return replace(
                same,
                relay=relay or same.relay,
                transmission=transmission if relay else same.transmission,
                stance=stance,
                cue=cue,
                cue_time=cue_time,
            )
        owner = self._document_owner(phrase) or self._account_owner(phrase)
        if owner is not None:
            return named(owner)  # "SOHRs opptelling av ofre", "the IOM's data": SOHR, the IOM
        office = self._office(phrase) if phrase else None
        if office is not None:
            return named(office)
        document = phrase.split()
        if document and document[0].casefold() in self.lex.determiners:
            document = document[1:]
        if (
            len(document) == 1
            and document[0].casefold() in self.lex.documents + _DOCUMENT_NOUNS
            and self.context.last is not None
            and self.context.last.sources != (self.outlet,)
        ):
            # "The report said …", "Rapporten viser …": the source named last issued it
            return replace(self.context.last, stance=stance, cue=cue, cue_time=cue_time)
        if phrase and anaphoric and self._anaphoric(phrase):
            described = self._definite_description(phrase)
            if described is not None:
                return named(described)
        if not phrase or anaphoric and self._anaphoric(phrase):
            base = self.context.last
            if base is None:
                return None
        elif self.p.pronoun.match(phrase):
            person = self.p.person_pronoun.match(phrase)
            gender = _PRONOUN_GENDER.get(phrase.casefold())
            subject = self.context.subject
            if person and subject is not None and self.genders.get(subject.iri) in (None, gender):
                # "Dr. Jo Lee was operating at the time. "…," he said.": the person the
                # reporter's sentence was about, named after the last speaker
                if gender is not None:
                    self.genders.setdefault(subject.iri, gender)
                return named(subject)
            base = self.context.last_person if person else self.context.last
            if person and base is not None:
                base = self._gendered(base, gender)
            if not person and base is not None and self.lex.lang == "en":
                base = self._group_of(base)
            mentioned = [
                a for a in self.context.mentioned if self.genders.get(a.iri) in (None, gender)
            ]
            if person and base is None and mentioned:
                # "… ble gjentatt av utenriksminister X. Han hevder at …": no person has spoken
                # yet; the person the article mentioned last
                if gender is not None:
                    self.genders.setdefault(mentioned[-1].iri, gender)
                return named(mentioned[-1])
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
            return named(described)
        if not self._sourcelike_phrase(phrase):
            return None
        sources = self._agents(phrase)
        if not sources:
            return None
        if len(sources) == 1 and not sources[0].person and self._speaking_word(phrase):
            self.context.spoken_through = sources[0]  # "en IDF-talsperson": the IDF spoke
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
        # "Police said …", "…, police believe", "…, mayor says": English names some bodies and
        # office holders by a bare noun; one that heads a registry name or alias ("Met police",
        # "provincial police") or a registry person's title ("mayor of Derna") is such a noun
        bare = (
            self.lex.lang == "en"
            and len(words) == 1
            and phrase.split()[0] == words[0]
            and words[0][1:].islower()
            and words[0].isalpha()
        )
        bare_body = bare and any(
            _name_head(name) == words[0].casefold() for name in self.registry.names
        )
        # "…, mayor says": the title of a registry person ("mayor of Derna")
        bare_title = bare and any(
            self._role_noun(a.role.split(",")[0]).split()[-1:] == [words[0].casefold()]
            for a in self.registry.agents.values()
            if a.person and a.role
        )
        bare_head = bare_body or bare_title
        if not words[0].islower() and not bare_head:
            # "Tilsynet", "Ordføreren" open a sentence: a Norwegian definite noun
            if not (
                self.lex.lang == "nb"
                and len(words) == 1
                and words[0] == phrase.split()[0]
                and words[0][1:].islower()
                and re.search(r"(?:en|et|a|ne)$", words[0])
            ):
                return None
        if (
            len(words) == 1
            and phrase.split()[0] == words[0]
            and self.lex.lang == "en"
            and not bare_head
        ):
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
            names = [norm_name(agent.name), *self.registry.aliases.get(agent.iri, [])]
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
            if (
                not agent.person
                and agent.kind
                and self.lex.lang == "en"
                and lowered[-1] not in ("group", "organisation", "organization")
            ):
                # "the agency" after a news agency or a UN agency spoke: the words of its kind
                # ("the group" is whoever was named last, below)
                kind = [w.casefold() for w in re.findall(r"[A-Z][a-z]+", agent.kind)]
                if kind and lowered[-1] == kind[-1] and set(lowered[:-1]) <= set(kind):
                    return True
            return False

        if within is not None:
            matching = [a for a in within if describes(a)]
            return matching[0] if len(matching) == 1 else None
        for agent in reversed(self.context.named):
            if agent.person and bare_body and not bare_title:
                continue  # "police" is the force, not an officer whose title names it
            if describes(agent):
                return agent
        kind = self._kind_source(phrase)
        if kind is not None:
            return kind
        if len(words) == 1 and stems & _REPORTER_NOUNS:
            if not self.outlet.new or self.outlet.kind == "NewsAgency":
                return self.outlet  # "the journalists said": the outlet's own reporters
        if len(words) == 1 and stems & _PERSON_NOUNS:
            # "according to the official", "sier talspersonen": one person, not a registry
            # organisation's plural alias ("Ukrainian officials"): the source that last spoke
            # through a spokesperson, else the last person named
            spoken = self.context.spoken_through
            if spoken is not None and self._speaking_word(words[0]):
                return spoken
            people = [a for a in self.context.named if a.person]
            return people[-1] if people else None
        generic = {"group", "organisation", "organization", "gruppe", "organisasjon"}
        if stems & generic:
            for agent in reversed(self.context.named):
                if not agent.person:
                    return agent
            return None
        candidates = [
            a
            for a in self.registry.agents.values()
            if a.kind != "NewsOutlet"
            and describes(a)
            and not (a.person and bare_body and not bare_title)
        ]
        if len(candidates) == 1:
            return candidates[0]  # the one registry source of that kind, not named before
        named = {a.iri for _, _, a in self.registry.mentions(self.text)}
        # "provincial police Lieutenant X": the organisation of a person the article names
        named |= {a.on_behalf_of for _, _, a in self.registry.mentions(self.text) if a.on_behalf_of}
        mentioned = [a for a in candidates if a.iri in named]
        if len(mentioned) == 1:
            return mentioned[0]  # of several, the one the article names (later on)
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
            words = set(re.findall(r"[\wæøå]+", norm_name(agent.name)))
            return agent.kind is None or bool(words & _COMPANY_NAME_WORDS)

        for agent in reversed(self.context.named):
            if company(agent) and not agent.new:
                return agent
        candidates = [a for a in self.registry.agents.values() if company(a)]
        return candidates[0] if len(candidates) == 1 else None

    def _office(self, phrase: str) -> Agent | None:
        """ "her office", "hans kontor": the registry's office of the person's title, else the
        organisation the person acts for; the person: a registry person the sentence names, else
        the last person who spoke, else the registry person the article mentioned last."""
        words = phrase.casefold().split()
        if (
            len(words) != 2
            or words[0] not in self.lex.possessives
            or words[1] not in self.lex.office_nouns
        ):
            return None
        start, end = self.sentence_span
        here = [a for _, _, a in self.registry.mentions(self.text[start:end]) if a.person]
        last = self.context.last_person
        people = here[:1] or (list(last.sources) if last is not None else [])
        if not people and self.context.mentioned:
            people = self.context.mentioned[-1:]  # "X declared victory. His office said …"
        for agent in people:
            office = self._office_of(self.roles.get(agent.iri) or agent.role or "")
            if agent.person and office is not None:
                return office  # "his office" of the prime minister: the PM's office
        for agent in people:
            if agent.person and agent.on_behalf_of:
                behalf = self.registry.agents.get(agent.on_behalf_of) or self.new_agents.get(
                    agent.on_behalf_of
                )
                if behalf is not None:
                    return behalf
        return None

    def _office_of(self, title: str) -> Agent | None:
        """The registry's one office whose name holds every word of a title ("President" →
        "Office of the President of Ukraine", "Prime Minister" → "Office of the Iraqi Prime
        Minister"; "Defence Minister" → none of them)."""
        # "Prime Minister of Iraq and commander in chief": the first title, before its "of"
        title = re.split(r"\s+(?:of|for|and|i|og|for)\s+|,", title.casefold())[0]
        words = set(re.findall(r"[\wæøå]+", title)) - set(self.lex.determiners)
        if not words & set(self.lex.title_words + _HEADS):
            return None
        found = {
            iri
            for name, iri in self.registry.names.items()
            if not self.registry.agents[iri].person
            and words <= set(name.split())
            and set(name.split()) & {"office", "kontor", "kontoret"}
        }
        return self.registry.agents[found.pop()] if len(found) == 1 else None

    def _spokesman_of(self, phrase: str) -> Agent | None:
        """ "President Jo Lee's spokesman", "the mayor's office": the organisation the owner
        acts for, the registry's office of the owner's title, or the owner organisation."""
        m = re.fullmatch(r"(?P<owner>.{2,80}?)(?:'s|’s)\s+(?P<role>[\w-]+)", phrase)
        if m is None:
            return None
        role = m.group("role").casefold()
        if not (role.startswith(self.lex.speaking_roles) or role in self.lex.office_nouns):
            return None
        owner_words = m.group("owner")
        owner = self.registry.resolve(owner_words)
        if owner is not None and not owner.person:
            return owner
        if owner is not None and owner.on_behalf_of in self.registry.agents:
            return self.registry.agents[owner.on_behalf_of or ""]
        titled = self._titled_name(owner_words)
        title = titled[0] if titled else (owner.role if owner is not None else None)
        if title is None:
            first = owner_words.split()[0].casefold()
            title = first if first in _HEADS else None
        return self._office_of(title) if title else None

    def _anaphoric(self, phrase: str) -> bool:
        """ "innslaget", "the report": a source named before, not a new one."""
        if self.registry.resolve(phrase) or self._people_source(phrase):
            return False
        words = phrase.split()
        return len(words) <= 3 and not any(w[:1].isupper() for w in words)

    def _people_source(self, phrase: str) -> bool:
        """ "witnesses", "local officials", "lokale kilder": people speaking as a group."""
        words = norm_name(phrase).split()
        if words and words[0] in self.lex.determiners + ("some", "several", "noen", "flere"):
            words = words[1:]
        if not 1 <= len(words) <= 4:
            return False
        joined = " ".join(words)
        return any(
            joined == group or joined.endswith(" " + group) for group in self.lex.people_sources
        )

    def _organisation_name(self, phrase: str) -> bool:
        """ "The Syrian Observatory for Human Rights", "Ministry of Defence of Kestria", "Nour
        al-Din al-Zenki Movement": one organisation's name, its inner particles included.

        Capitalised words joined by the name particles of the language, with a word that names
        an organisation in it; a title before a person's name ("Defence Minister Ivo Radek") is
        not one.
        """
        words = phrase.split()
        if words and words[0].casefold() in self.lex.determiners:
            words = words[1:]
        if len(words) < 2 or len(words) > 12 or not words[0][:1].isupper():
            return False
        particles = self.lex.name_particles
        for word in words:
            bare = re.sub(r"^(?:al|el|ad|as|ash|an)-", "", word)
            if not (bare[:1].isupper() or bare[:1].isdigit() or word.casefold() in particles):
                return False
        if words[-1].casefold() in particles:
            return False
        lowered = " ".join(w.casefold() for w in words)
        if not any(
            re.search(rf"(?<![\wæøå]){re.escape(o)}", lowered) for o in self.lex.organisation_words
        ):
            return False
        first = next((i for i, w in enumerate(words) if w.casefold() in particles), 0)
        person = self.registry.exact(" ".join(words[:first])) if first >= 2 else None
        if person is not None and person.person:
            return False  # "Lena Moor of Kestria Watch": a registry person and whom she is with
        return self._titled_name(phrase) is None

    def _titled_name(self, phrase: str) -> tuple[str, str] | None:
        """ "Defence Minister Ivo Radek", "Helseminister Kari Lunde": (title, name), where the
        title ends with a title word and the name is two or three capitalised words."""
        words = phrase.split()
        for size in (2, 3):
            if len(words) <= size:
                break
            title, name = words[:-size], words[-size:]
            if not all(re.fullmatch(r"(?:al-|el-)?[A-ZÆØÅ][\w'’-]+", w) for w in name):
                continue
            last = title[-1].casefold()
            if not any(last.endswith(word) for word in self.lex.title_words):
                continue
            if len(title) == 1 and last in self.lex.title_words:
                return None  # "General Ivo Radek": the title is how the article names him
            joined = " ".join(name)
            if any(
                re.search(rf"(?<![\wæøå]){re.escape(o)}", joined.casefold())
                for o in self.lex.organisation_words
            ):
                return None
            return " ".join(title), joined
        return None

    def _sourcelike_phrase(self, phrase: str) -> bool:
        """Could the phrase after a cue name a source (not a clause)?"""
        if self.registry.resolve(phrase) or self._described_source(phrase):
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

    def _group_of(self, base: Attribution) -> Attribution:
        """ "…," Commander Jo Lee said. They have since found …": "they" / "it" is no one
        person; after a speaker who is one person acting for a registry organisation, that
        organisation (otherwise the speaker, as before)."""
        people = [a for a in base.sources if a.person]
        if len(base.sources) != 1 or len(people) != 1:
            return base
        behalf = self.registry.agents.get(people[0].on_behalf_of or "")
        if behalf is None or behalf.person:
            return base
        return replace(base, sources=(behalf,))

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
        self.context.subject = None
        if any(a.person for a in attribution.sources):
            self.context.last_person = attribution

    def _agents(self, phrase: str) -> list[Agent]:
        """The agents of a source phrase: one, several ("A og B"), or a speaker for an org."""
        perfect = re.fullmatch(r"(?P<src>.+?)\s+(?:had|has|have|hadde|har)", phrase)
        if perfect and self.registry.exact(
            re.sub(r"^(?:the|den|det)\s+", "", perfect.group("src"), flags=re.IGNORECASE)
        ):
            # "The Ministry of Security and Public Administration had reported that …": the
            # auxiliary of the verb's perfect is no part of the name (nor its "and" a list)
            phrase = perfect.group("src")
        whole = (
            self.registry.exact(phrase)
            or self.registry.exact(strip_parenthesis(phrase))
            or self._named_with_postmodifier(phrase)
        )
        if whole:
            return [whole]
        described = (
            self._definite_description(phrase)
            or self._kind_source(phrase)
            or self._head_noun_source(phrase)
            or self._spokesman_of(phrase)
        )
        if described is not None:
            return [described]
        listed = re.split(r",\s*|\s+(?:og|and)\s+", phrase)
        if len(listed) >= 3 and all(
            re.fullmatch(r"(?:the\s+)?[A-ZÆØÅ][\w.'-]*(?:\s+[A-ZÆØÅ][\w.'-]*){0,3}", part)
            for part in listed
        ):
            # "USA, Britain and France": each of them
            each: list[Agent] = []
            for part in listed:
                found = self.registry.resolve(part) or self._new_agent(part, person=None)
                if found not in each:
                    each.append(found)
            return each
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
        if not comma and self._organisation_name(phrase):
            # "The Syrian Observatory for Human Rights": one name, not a role "for" a group
            known = self.registry.resolve(phrase) or self._placed_description(phrase)
            return [known or self._new_agent(phrase, person=False)]
        titled = None
        if not comma and not (
            self._described_name(phrase) or self.p.role_before_name.match(phrase)
        ):
            titled = self._titled_name(phrase)
        if titled is not None:
            # "Defence Minister Ivo Radek": the person, with the title as their role
            title, name = titled
            speaker = self.registry.exact(name) or self.registry.surname(name)
            if speaker is None or not speaker.person:
                org = self.registry.resolve(title)
                behalf = org if org is not None and not org.person else None
                speaker = self._new_agent(name, person=True, on_behalf_of=behalf)
            self.roles.setdefault(speaker.iri, title.casefold())
            return [speaker]
        linked = self._role_name_org(phrase)
        if linked is not None:
            return [linked]
        placed = self._placed_description(phrase)
        if placed is not None:
            return [placed]
        described_source = self._described_source(phrase)
        if described_source is not None:
            return [described_source]
        unnamed = re.fullmatch(r"(?:a|an|en|et|ei|the)\s+(?P<org>.{1,60}?)\s+(?P<role>\S+)", phrase)
        if unnamed and unnamed.group("role").casefold().startswith(self.lex.speaking_roles):
            # "a fire service spokeswoman": the organisation the role speaks for, if known
            org_words = unnamed.group("org")
            org = self.registry.resolve(org_words) or self._definite_description(
                f"{self.lex.determiners[0]} {org_words}" if self.lex.lang == "en" else org_words
            )
            if org is not None and not org.person:
                return [org]
            if all(w[:1].isupper() for w in org_words.split()):
                # "a Defense Ministry statement": the organisation, named as written
                return [self._new_agent(org_words, person=False)]
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
        if role and (
            speaking
            or not any(w[:1].isupper() for w in role.group("role").split())
            or role.group("role")[:1].islower()
            and not self.registry.mentions(phrase)
        ):
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
        place = set(re.findall(r"[\wæøå]+", norm_name(m.group("place"))))
        within = [
            agent
            for agent in [*self.registry.agents.values(), *self.new_agents.values()]
            if not agent.person
            and any(
                place <= set(re.findall(r"[\wæøå]+", name))
                for name in [norm_name(agent.name), *self.registry.aliases.get(agent.iri, [])]
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
        if role in self.lex.role_links:
            return None  # "a spokesman for Nour al-Din al-Zenki": the organisation, not a person
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
        name = unmask_initials(phrase).strip(" ,.;:")
        words = name.split()
        while words and words[0].casefold() in self.lex.determiners and len(words) > 1:
            words = words[1:]
        name = " ".join(words)
        agency = re.fullmatch(r"(?P<name>.+?)\s+news\s+agency", name, re.IGNORECASE)
        if agency and person is not True:
            # "the RIA Novosti news agency": RIA Novosti, a news agency
            name, person, kind = agency.group("name"), False, kind or "NewsAgency"
        known = self._known_new_agent(name, person) or self._registry_variant(name, person)
        if known is not None:
            return known
        guessed = person is None
        if person is None:
            lowered = name.casefold()
            organisation = any(
                re.search(rf"(?<![\wæøå]){re.escape(w)}", lowered)
                for w in self.lex.organisation_words
            ) or any(re.fullmatch(r"[A-ZÆØÅ]{3,}", w) for w in words)  # "UNHCR Iraq"
            capitals = [w for w in words if w[:1].isupper()]
            person = not organisation and 2 <= len(capitals) == len(words) <= 4
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_letters(name).casefold()).strip("-") or "source"
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
            type_guessed=guessed,
        )
        self.new_agents[iri] = agent
        for alias in {name, strip_parenthesis(name), *re.findall(r"\(([^()]{2,40})\)", name)}:
            if name_key(alias):
                self.new_registry.names.setdefault(name_key(alias), iri)
        self.new_registry.agents[iri] = agent
        self.new_registry.compile()
        return agent

    def _registry_variant(self, name: str, person: bool | None) -> Agent | None:
        """The one registry source a new name is a variant of: a spelling ("Sergej Orlov" for
        "Sergei Orlov", "Defense" for "Defence"), or a longer phrase that holds its whole name
        ("den syriske eksilgruppen Syrian Observatory for Human Rights (SOHR)")."""
        bare = _bare_name(name)
        if len(bare) < 4:
            return None
        held = [a for _, _, a in self.registry.mentions(name) if len(_bare_name(a.name)) >= 4]
        held = [a for a in held if person is None or a.person == person]
        if len({a.iri for a in held}) == 1 and len(bare.split()) <= 3 * len(
            _bare_name(held[0].name).split()
        ):
            return held[0]
        close: set[str] = set()
        for alias, iri in self.registry.names.items():
            agent = self.registry.agents.get(iri)
            if agent is None or (person is not None and agent.person != person):
                continue
            other = _bare_name(alias)
            if len(other.split()) != len(bare.split()) or len(other) < 6:
                continue
            if difflib.SequenceMatcher(None, bare, other).ratio() >= 0.88:
                close.add(iri)
        return self.registry.agents[close.pop()] if len(close) == 1 else None

    def _known_new_agent(self, name: str, person: bool | None) -> Agent | None:
        """A new agent named before: by a name, an abbreviation, or a person's surname."""
        found = self.new_registry.resolve(name)
        if found is not None and (person is None or found.person == person):
            return found
        words = norm_name(name).split()
        if person is not True and len(words) >= 2:
            for agent in self.new_agents.values():
                if not agent.person and f" {' '.join(words)} " in f" {norm_name(agent.name)} ":
                    return agent  # "Ministry of Defence" after "Kestrian Ministry of Defence"
        surname = name.split()[-1] if name.split() else ""
        if person is not False and len(surname) >= 3 and surname[:1].isupper():
            for agent in reversed(list(self.new_agents.values())):
                if agent.person and agent.name.split()[-1] == surname:
                    return agent  # "General Radek" after "General Ivo Radek"
        return None


#: the beginnings of nouns for what an organisation counts or issues, after its name ("SOHRs
#: opptelling", "the IOM data", "UN estimates")
_OWNED_NOUNS = (
    "opptelling",
    "oversikt",
    "tall",
    "rapport",
    "anslag",
    "melding",
    "uttalelse",
    "data",
    "estimate",
    "figure",
    "report",
    "statement",
    "count",
    "record",
    "tally",
)
#: words that open what follows an organisation's name in its noun phrase ("… against IS", "…
#: in London", "… based in Beirut")
_POSTMODIFIER_OPENERS = frozenset("against of for in at on based from".split())
#: the owner of an account or page that published: "on Ana Holm's official Twitter account"
_ACCOUNT = re.compile(
    r"\b(?:on|in|from)\s+(?P<owner>(?:the\s+)?[\w.'’-]+(?:\s+[\w.'’-]+){0,4}?)(?:'s|’s)\s+"
    r"(?:(?:official|verified|own)\s+)?(?:[A-Z][\w]*\s+)?"
    r"(?:account|page|channel|website|site|feed|blog)\b"
)
#: head nouns of a described speaker who speaks for an organisation, or of what it issues ("a
#: coalition spokesman", "an army officer", "UN officials", "a ministry statement")
_SPEAKER_HEADS = frozenset(
    "spokesman spokeswoman spokesperson spokespeople official officials officer officers "
    "source sources statement statements commander commanders representative representatives "
    "soldier soldiers member members leader leaders employee employees worker workers staff "
    "medic medics doctor doctors investigator investigators inspector inspectors experts "
    "expert researcher researchers analyst analysts envoy diplomat diplomats team".split()
)
#: head nouns of a described organisation ("the world's chemical weapons watchdog", "the
#: rights body")
_BODY_HEADS = frozenset(
    "watchdog body monitor agency group organisation organization ministry department "
    "authority authorities government military army forces charity coalition alliance "
    "militia regime office mission".split()
)
#: what opens a description and names no source ("a", "the", "one", "another", "some")
_DESCRIPTION_OPENERS = frozenset("a an the one another some several two three other".split())
#: modifiers of a description that no name needs to hold ("a senior official")
_GENERIC_MODIFIERS = frozenset(
    "senior junior top local leading main chief former deputy unnamed anonymous high-ranking "
    "ranking spokesman government".split()
)


def _name_head(name: str) -> str:
    """The head noun of a registry name: its last word before a place or a parenthesis ("local
    officials" → "officials", "witnesses in douma (unnamed)" → "witnesses")."""
    words = strip_parenthesis(name).split()
    for index, word in enumerate(words[1:], start=1):
        if word in ("in", "at", "of", "from", "near", "on", "i", "på", "fra"):
            return words[index - 1]
    return words[-1] if words else ""


def _demonym(word: str, name_word: str) -> bool:
    """Are two words a country's name and its demonym ("kestrian" and "kestria", "syrian" and
    "syria", "afghan" and "afghanistan"): one begins the other, at most four letters apart?"""
    short, long_ = sorted((word, name_word), key=len)
    return len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 4


#: nouns that name a kind of source ("a monitoring group", "the charity"), with the registry's
#: ``sourceKind`` they describe; Norwegian without the definite ending
_KIND_NOUNS = {
    "monitoring group": "MonitoringGroup",
    "war monitor": "MonitoringGroup",
    "monitor": "MonitoringGroup",
    "overvåkingsgrupp": "MonitoringGroup",
    "overvåkningsgrupp": "MonitoringGroup",
    "charity": "HumanitarianOrganisation",
    "medical charity": "HumanitarianOrganisation",
    "aid group": "HumanitarianOrganisation",
    "aid agency": "HumanitarianOrganisation",
    "aid organisation": "HumanitarianOrganisation",
    "aid organization": "HumanitarianOrganisation",
    "hjelpeorganisasjon": "HumanitarianOrganisation",
    "nødhjelpsorganisasjon": "HumanitarianOrganisation",
    "rights group": "HumanRightsOrganisation",
    "human rights group": "HumanRightsOrganisation",
    "rights organisation": "HumanRightsOrganisation",
    "rights organization": "HumanRightsOrganisation",
    "menneskerettighetsorganisasjon": "HumanRightsOrganisation",
}
#: prepositions that open an adverbial after a speaker ("sa han på en pressekonferanse")
_ADVERBIAL_OPENERS = frozenset("på i under etter før on in at during after before".split())
#: words that open a clause of condition or time, never a speaker ("If confirmed, …")
_CONJUNCTIONS = frozenset(
    "if unless when whether although though because once hvis dersom når".split()
)
#: the outlet's own reporters, as a definite plural ("the journalists", "journalistene")
_REPORTER_NOUNS = frozenset("journalists reporters correspondents journalist reporter".split())
#: titles of heads of state or government, whose office speaks for them
_HEADS = ("president", "presidenten", "premier", "prime", "chancellor", "king", "kongen")
#: singular nouns for one person who speaks, as a definite description uses them ("the
#: official", "talspersonen"; Norwegian without the definite ending)
_PERSON_NOUNS = frozenset(
    "official spokesman spokeswoman spokesperson talsperson talsmann talskvinne "
    "tjenestemann".split()
)
#: "the same source", "samme kilde": the source named last
_SAME_SOURCE = re.compile(
    r"(?:the\s+)?same\s+(?:source|official|person)|samme\s+(?:kilde|kjelde|person)n?",
    re.IGNORECASE,
)

#: the person a pronoun refers to is a woman ("f") or a man ("m")
_PRONOUN_GENDER = {"hun": "f", "she": "f", "han": "m", "he": "m"}

#: words that end a company's name ("Norcast Polymers", "Vestgass AS", "Acme Inc")
_COMPANY_NAME_WORDS = frozenset(
    "inc ltd corp corporation company co plc llc as asa ab gmbh industries chemicals chemical "
    "polymers energy holdings konsern".split()
)


def ascii_letters(text: str) -> str:
    """ASCII letters for an identifier (ø → o, æ → ae, accents dropped)."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "AE")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
