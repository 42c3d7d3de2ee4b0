"""A guided review of a draft (``claim-ledger review-draft``): every ``toCheck`` entry in turn, with
the likely answers proposed, applied to the draft in place.

The draft (and the registry, when a new source is promoted to it) is read and rewritten with
ruamel.yaml's round-trip mode, so that comments, key order and quoting survive; each write goes
to a temporary file beside the target, then replaces it (never a half-written file).

The session is the library; the terminal dialogue lives in ``cli.py``. An entry is an
:class:`Item`; :meth:`ReviewSession.proposals` gives its likely answers, best first, each
:class:`Proposal` saying whether it is **certain** (``--non-interactive`` applies only those):

- ``statement``: the quote as an English sentence (a speaker's quote as "X said: …");
- ``quote.translation``: none (a person translates), or typed in with ``edit``;
- ``proposition``: the subject among the case's entities (by the words they share with the quote),
  else a new entity named from the words; the property the words suggest (what happened to the
  people counted before who they are; the sentence before for a quote that refers back; the
  case's own counts for a figure no word names); the figure and its qualifier as extract read
  them, or as the review reads them where extract left one out or misread it (a share in words,
  "several", a bare toll); the day from the article's date; or no proposition at all
  (a claim may stand on its statement and quote); a denial gets a proposition of what is denied
  (a party's denial: its own side did the article's event); who holds a place ("recaptured the
  city": the place named before), who did an event (blame first, a side named before the
  means, the force an attack verb names), with what; a forecast, what is not known or judged
  unlikely, or a means named only as a circumstance proposes no proposition first;
- a new source's ``name``: the registry's sources by fuzzy name and alias (certain when the
  names agree but for a title or determiner), a registry source inside the name ("SOHRs
  opptelling"), for a pronoun or common nouns ("he", "Monitoring group") the registry source
  named before it (else first after), else promotion to the registry (``--sources``);
  ``sourceKind`` and ``alignment`` from its name's words, or from the organisation it acts for;
- ``stance``: asserts for a denial going on to what the source holds instead ("…, claiming
  instead that"), else keep it;
- ``proposition.quantity.unit``: the unit the words name (certain where they count people or
  name a percent);
- any other entry (``attributedTo``, ``relayedBy``, ``type`` …): keep what extract wrote.

A case's own properties (its ``vocabulary.yaml``, read by :func:`read_vocabulary` with the claim
file loader) are proposed beside the built-in ones: a Quantitative one for a figure whose words
match its label (any language), with its default unit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ledger.analysis.read import select
from ledger.analysis.rules import vocabulary as ontology_vocabulary
from ledger.errors import InputError, UsageError
from ledger.extraction.cues import Patterns
from ledger.extraction.days import DayReader, resolved_span
from ledger.extraction.quantities import QuantityReader, bounds
from ledger.extraction.rules import HEAD_COUNTS, LEXICONS, norm_name
from ledger.extraction.sources import Registry, ascii_letters, strip_parenthesis
from ledger.intake.load import context_prefixes, load_file, shipped_context
from ledger.vocab import CL, CL_IRI, RDFS_LABEL

_SOURCE_STEM = "https://w3id.org/claim-ledger/source/"
_AGENT_TYPES = ("Person", "Organization")
_ENTITY_TYPES = ("Place", "PlaceGroup", "Force", "PeopleGroup", "Concept", "Event", "Conflict")
#: properties by the unit of a figure (the ontology must declare them; see ``_known``)
_PROPERTIES_BY_UNIT = {
    "person": (*HEAD_COUNTS, "displacedCount", "population", "strength"),
    "percent": ("areaShareControlled",),
    "kilometre": ("distanceFrom",),
    "metre": ("distanceFrom",),
    "year": ("separationDuration",),
    "month": ("separationDuration",),
    "day": ("separationDuration",),
}
#: a source's kind from a word of its name, first match wins (kinds the ontology lacks are skipped)
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("UNAgency", ("united nations", "unhcr", "unicef", "ocha", "un", "fn", "fns")),
    ("HumanitarianOrganisation", ("red cross", "red crescent", "røde kors", "msf", "hospital")),
    ("HumanRightsOrganisation", ("rights", "amnesty", "watch", "menneskerett")),
    ("MonitoringGroup", ("observatory", "monitor", "observatorium")),
    ("CivilDefence", ("civil defence", "civil defense", "white helmets", "sivilforsvar", "rescue")),
    ("CivilDefence", ("hospital", "sykehus", "clinic", "medical")),
    ("StateMedia", ("state media", "state television", "state tv", "statlig", "statskanal")),
    ("NewsAgency", ("agency", "news agency", "nyhetsbyrå", "press", "wire")),
    ("Broadcaster", ("television", "tv", "radio", "channel", "broadcast", "kanal")),
    ("NewsOutlet", ("newspaper", "times", "post", "herald", "courier", "avis", "news")),
    ("Ministry", ("ministry", "departement")),
    ("ArmedForces", ("army", "armed forces", "military", "hær", "forsvar")),
    ("Government", ("ministry", "government", "regjering", "president", "army", "military")),
    ("PoliticalParty", ("party", "parti")),
    ("ArmedGroup", ("front", "brigade", "rebels", "militia", "fighters", "movement", "army")),
)
#: a side from a word of a source's name (the checker confirms; "Independent" otherwise)
_SIDE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ProGovernment", ("state", "government", "ministry", "army", "president", "regjering")),
    ("Opposition", ("rebel", "rebels", "opposition", "liberation", "front", "opprørere", "free")),
)


@dataclass(frozen=True)
class DeclaredProperty:
    """A proposition property a case declares in its ``vocabulary.yaml``."""

    iri: str
    #: as claims write it: the prefixed name of the vocabulary's context ("mariupol:…")
    name: str
    kind: str  # Exclusive | Quantitative | Plain
    dimension: str  # local name ("Count"), "" when not quantitative
    unit: str  # the default unit's local name ("person"), maybe ""
    labels: tuple[str, ...]  # every language's
    #: the prefix and namespace the name needs in the draft's context ("mariupol", "https://…/")
    prefix: tuple[str, str] | None = None


@dataclass
class Item:
    """One ``toCheck`` entry: the node it belongs to and the entry's text."""

    node: CommentedMap
    mark: str

    @property
    def field(self) -> str:
        """The field the entry is about ("proposition", "name", "quote.translation" …)."""
        return self.mark.split(":", 1)[0].strip()

    @property
    def node_id(self) -> str:
        return str(self.node.get("id", "?"))


@dataclass
class Proposal:
    """A likely answer to an item: what it does (label), whether it is certain, and how."""

    label: str
    apply: Callable[[], None] = field(repr=False)
    certain: bool = False


@dataclass
class Context:
    """What the checker sees for an item: the sentence around the quote, and the quote."""

    before: str
    quote: str
    after: str


class ReviewSession:
    """A draft under review: its items in order, their proposals, and the writes."""

    def __init__(
        self,
        draft: Path,
        sources: Path | None = None,
        entities: Path | None = None,
        vocabulary: Path | None = None,
    ) -> None:
        self.path = draft
        self.yaml = YAML(typ="rt")
        self.yaml.width = 100
        self.yaml.preserve_quotes = True
        self.yaml.allow_unicode = True
        self.data = self._read(draft, "draft")
        graph = self.data.get("@graph") if isinstance(self.data, CommentedMap) else None
        if not isinstance(graph, CommentedSeq):
            raise InputError(
                "the draft has no '@graph' list of nodes",
                where=str(draft),
                hint="give a draft written by `claim-ledger extract`",
            )
        self.graph: CommentedSeq = graph
        self.registry_path = sources
        self.registry = Registry.load(sources) if sources is not None else Registry()
        self.registry_data = self._read(sources, "registry") if sources is not None else None
        self.entities_path = entities
        self.extra_entities = (
            self._entities_of(self._read(entities, "entities")) if entities else {}
        )
        self.document = self._document()
        self.lang = str(self.document.get("inLanguage", "en")) if self.document else "en"
        if self.lang not in LEXICONS:
            self.lang = "en"
        self.text = self._article_text()
        self.published = self._published()
        self.skipped: set[tuple[str, str]] = set()
        self.changed = False
        self.vocabulary_path = vocabulary
        self.declared = read_vocabulary(vocabulary) if vocabulary is not None else ()

    # ------------------------------------------------------------------ reading

    def _read(self, path: Path, role: str) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"the {role} file does not exist", where=str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"the {role} file cannot be read: {exc}", where=str(path)) from None
        try:
            return self.yaml.load(text)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            raise InputError(
                f"the {role} is not YAML: {getattr(exc, 'problem', exc)}",
                where=where,
                hint="fix the YAML syntax at that line, or extract the draft again",
            ) from None

    def _document(self) -> CommentedMap | None:
        for node in self.graph:
            if isinstance(node, CommentedMap) and "localCopy" in node:
                return node
        return None

    def _article_text(self) -> str:
        if self.document is None:
            return ""
        article = self.path.parent / str(self.document["localCopy"])
        try:
            return article.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""  # the quotes are still shown, without their sentence

    def _published(self) -> tuple[dt.date, dt.date, str] | None:
        value = self.document.get("datePublished") if self.document else None
        if isinstance(value, CommentedMap):
            value = value.get("@value")
        if isinstance(value, dt.date):
            return value, value, "dayPrecision"
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            return day, day, "dayPrecision"
        return None

    @staticmethod
    def _entities_of(data: Any) -> dict[str, str]:
        """Entity id → name, of the nodes of a claim file whose type is an entity type."""
        found: dict[str, str] = {}
        graph = data.get("@graph", []) if isinstance(data, dict) else []
        for node in graph:
            if not isinstance(node, dict):
                continue
            types = node.get("type")
            kinds = types if isinstance(types, list) else [types]
            if any(k in _ENTITY_TYPES for k in kinds) and "id" in node:
                found[str(node["id"])] = _name(node.get("name")) or str(node["id"])
        return found

    # ------------------------------------------------------------------ items

    def items(self) -> Iterator[Item]:
        """The entries still to decide and not skipped: new organisations first (a person
        may act for one), then people, then claims; within a node, ``name`` last."""

        def order(node: CommentedMap) -> int:
            kind = node.get("type")
            return {"Organization": 0, "Person": 1}.get(str(kind), 2)

        nodes = [n for n in self.graph if isinstance(n, CommentedMap) and n.get("toCheck")]
        for node in sorted(nodes, key=order):
            marks = [str(m) for m in node["toCheck"]]
            marks.sort(key=lambda m: m.startswith("name:"))
            for mark in marks:
                if (str(node.get("id")), mark) not in self.skipped:
                    yield Item(node, mark)

    def next_item(self) -> Item | None:
        """The first entry still to decide, or None when none is left."""
        return next(self.items(), None)

    def remaining(self) -> list[Item]:
        """Every entry still in the draft (skipped ones included)."""
        return [
            Item(node, str(mark))
            for node in self.graph
            if isinstance(node, CommentedMap)
            for mark in node.get("toCheck", [])
        ]

    def skip(self, item: Item) -> None:
        """Leave the entry as it is for now."""
        self.skipped.add((item.node_id, item.mark))

    def resolve(self, item: Item, proposal: Proposal) -> None:
        """Apply a proposal, drop the entry, write the draft (and the registry) in place."""
        proposal.apply()
        self._drop_mark(item.node, item.mark)
        self.save()

    def _drop_mark(self, node: CommentedMap, mark: str) -> None:
        marks = node.get("toCheck")
        if isinstance(marks, CommentedSeq) and mark in marks:
            marks.remove(mark)
            if not marks:
                del node["toCheck"]
        self.changed = True

    # ------------------------------------------------------------------ what the checker sees

    def context(self, item: Item) -> Context:
        """The sentence of the quote (a claim's, or the first claim citing a new source)."""
        claim = item.node if item.node.get("type") == "Claim" else self._citing(item.node_id)
        if claim is None:
            return Context("", _name(item.node.get("name")) or item.node_id, "")
        span = _position(claim)
        if span is None or not self.text:
            return Context("", exact_quote(claim), "")
        start, end = span
        begin = max(self.text.rfind("\n", 0, start) + 1, start - 240)
        stop = self.text.find("\n", end)
        stop = min(stop if stop >= 0 else len(self.text), end + 240)
        return Context(self.text[begin:start], self.text[start:end], self.text[end:stop])

    def _citing(self, agent: str) -> CommentedMap | None:
        for node in self.graph:
            if isinstance(node, CommentedMap) and node.get("type") == "Claim":
                if agent in (node.get("attributedTo"), node.get("relayedBy")):
                    return node
        for node in self.graph:  # a person's organisation: the claim of the person
            if isinstance(node, CommentedMap) and node.get("actedOnBehalfOf") == agent:
                return self._citing(str(node.get("id")))
        return None

    # ------------------------------------------------------------------ proposals

    def proposals(self, item: Item) -> list[Proposal]:
        """The likely answers to an entry, best first (maybe none)."""
        node, kind = item.node, item.field
        if node.get("type") in _AGENT_TYPES and not str(node.get("id", "")).startswith(
            "draft:claim"
        ):
            if kind == "name":
                return self._name_proposals(node)
            if kind == "sourceKind":
                return self._kind_proposals(node)
            if kind == "alignment":
                return self._alignment_proposals(node)
            return [Proposal(f"keep {kind} as extract wrote it", lambda: None)]
        if kind == "statement":
            return self._statement_proposals(node)
        if kind == "quote.translation":
            return []
        if kind in (
            "proposition",
            "proposition.subject",
            "proposition.property",
            "proposition.value",
        ):
            return self._proposition_proposals(node)
        if kind == "proposition.eventTime":
            return self._time_proposals(node)
        if kind == "proposition.quantity.unit":
            return self._unit_proposals(node)
        if kind == "hedge":
            return self._hedge_proposals(node, item.mark)
        if kind == "stance":
            return self._stance_proposals(node)
        return [Proposal(f"keep {kind} as extract wrote it", lambda: None)]

    def _stance_proposals(self, claim: CommentedMap) -> list[Proposal]:
        """A denial whose words go on to what the source holds instead ("denied Syria was
        behind the attack, claiming instead that rebel forces were responsible"): the quote
        asserts that; else keep what extract wrote."""
        stance = str(claim.get("stance", ""))
        # never certain: even after a verb that can only deny, the quote may be what the source
        # holds instead ("denied it, saying the missile was only used by …")
        keep = Proposal(f"keep stance {stance} as extract wrote it", lambda: None)
        if stance == "denies" and _INSTEAD.search(exact_quote(claim)):
            return [
                Proposal(
                    "stance asserts: the quote goes on to what the source holds instead",
                    partial(_set, claim, "stance", "asserts"),
                ),
                keep,
            ]
        return [keep]

    # claims

    def _statement_proposals(self, claim: CommentedMap) -> list[Proposal]:
        quote = exact_quote(claim)
        speaker = self._agent_name(str(claim.get("attributedTo", "")))
        first = quote.split()[0].casefold() if quote.split() else ""
        first_person = re.search(r"\b(?:I|we|We|our|Our|my|My|us)\b", quote) or (
            first in _CLAUSE_OPENERS
        )
        sentence = quote[:1].upper() + quote[1:] + ("" if quote.endswith((".", "!", "?")) else ".")
        said = f'{speaker} said: "{quote}"' if speaker else sentence
        best = said if first_person else sentence
        other = sentence if first_person else said
        return [
            Proposal(f"statement: {best}", lambda: _set(claim, "statement", best)),
            Proposal(f"statement: {other}", lambda: _set(claim, "statement", other)),
        ]

    def _proposition_proposals(self, claim: CommentedMap) -> list[Proposal]:
        found = self._proposition_candidates(claim)
        if _UNKNOWN.search(exact_quote(claim)):
            # "it was not immediately clear which areas …": what no one knows yet is no fact
            # to hold: no proposition first
            found.sort(key=lambda p: not p.label.startswith("no proposition"))
        return found

    def _proposition_candidates(self, claim: CommentedMap) -> list[Proposal]:
        proposition = claim.get("proposition")
        quote = exact_quote(claim)
        drop = Proposal(
            "no proposition: the claim stands on its statement and quote",
            lambda: self._drop_proposition(claim),
        )
        time = self._event_time(proposition)
        if time is None:
            return [drop] if claim.get("stance") != "denies" else []
        quantity = proposition.get("quantity") if isinstance(proposition, CommentedMap) else None
        # a figure extract did not read ("half of the city", "killed several staff", "rose to
        # 86"), or read wrong ("about a" of "about a quarter"): the review reads it, and writes
        # it with the proposition the checker accepts
        read = self._figure_read(quote, quantity if isinstance(quantity, CommentedMap) else None)
        if read is not None:
            quantity = read
        if isinstance(quantity, CommentedMap):
            unit = str(quantity.get("unit", ""))
            properties = self._ranked_properties(claim, quote, unit, read is not None)
            # "… killed 23 people, including 13 staff": the figure's sentence says what it counts;
            # "Of them, at least 1,130 were civilians": the sentence before, for a quote that
            # refers back
            properties = properties or self._properties(self._sentence(claim), unit)
            if not properties and _REFERS_BACK.search(quote):
                properties = self._properties(self._sentence_before(claim), unit)
            # the case's own properties whose label the words match: half of it or more, first
            # (a case declares what the ontology is too general for), unless the words name a
            # built-in one ("killing 600 people … in the building" is a death toll); else after
            declared = self._declared_for(quote, unit) or self._declared_for(
                self._sentence(claim), unit
            )
            # (or only who the people are: "340 passengers on board" is the case's passenger
            # count before a population)
            generic = all(p in _WHO_THEY_ARE for p in properties)
            strong = [d.name for share, d in declared if share >= 0.5 and generic]
            properties = [*strong, *(p for p in properties if p not in strong)]
            properties += [d.name for _, d in declared if d.name not in properties]
            if not properties and unit in ("", "person"):
                # a figure of people whose words name nothing the ontology counts ("around
                # 1,000 people were in the theatre"): the case's own counts, as it declares them
                declared = [(0.0, d) for d in self._declared_counts(unit)]
                properties = [d.name for _, d in declared]
            if not properties:
                # a figure that counts nothing the ontology names ("500,000 others are in
                # Daesh-controlled parts"): who holds the place may still be the claim
                return [*self._relations(claim, quote, time), drop]
            by_name = {d.name: d for _, d in declared}
            found: list[Proposal] = []
            for prop in properties[:2]:
                own = by_name.get(prop)
                for subject, label, create in self._subjects(quote, quantity, prop, claim)[:2]:
                    figure = _figure(quantity)
                    named = prop
                    if own is not None:
                        named = f"{prop} (the case's: {own.labels[0]})"
                        if not quantity.get("unit") and own.unit:
                            figure += f" {own.unit} (its default unit)"
                        create = self._declaring(claim, own, create)
                    apply = self._fill(claim, subject, prop, None, time, create)
                    if read is not None:
                        apply = self._with_figure(claim, read, apply)
                    found.append(
                        Proposal(
                            f"subject {subject} ({label}), property {named}, {figure}, "
                            f"eventTime {_span_label(time)}",
                            apply,
                        )
                    )
            if _BLAME.search(quote):
                # "blamed IS for the deaths of more than 100": the blame is the claim, the
                # figure says what it is for (first when a culprit is named)
                blame = [
                    p
                    for p in self._event_proposal(claim, quote, time)[:1]
                    if " property perpetratedBy" in p.label
                ]
                found = [*blame, *found] if _BLAMED_FOR.search(quote) else [*found, *blame]
            if _FORECAST.search(quote):
                # "as many as 200,000 may try to flee": a forecast, not a count of what happened
                return [drop, *found]
            return [*found, drop]
        relations = self._relations(claim, quote, time)
        if claim.get("stance") == "denies" and relations:
            return relations  # what is denied: who did it, with what, who holds the place
        if claim.get("stance") == "denies":
            # what is denied, as a proposition the denial can point at
            subject = self._new_entity_id(quote)
            denied = "draft:entity/reported-event"
            label = (
                f"subject {subject} (new Concept '{quote}'), property describedAs, value {denied}"
            )

            def create() -> None:
                self._add_entity(subject, "Concept", quote)
                self._add_entity(denied, "Concept", "what the source denies took place")

            return [
                *self._denied_responsibility(claim, time),
                Proposal(
                    label + f", eventTime {_span_label(time)}",
                    self._fill(claim, subject, "describedAs", denied, time, create),
                ),
            ]
        # a case's own Exclusive or Plain property the words name: first when no built-in
        # relation (control, blame, means) is read, after them otherwise
        declared_relations = self._declared_relations(claim, quote, time)
        control = any(" property controlledBy" in p.label for p in relations)
        if _FORECAST.search(quote) or (not control and self._means_only(quote)):
            # "those in Daesh-controlled areas would be more exposed", "in its bombing runs":
            # what may happen, or a means named without its use, is no relation to hold first
            return [drop, *relations, *declared_relations]
        return [*relations, *declared_relations, drop]

    def _means_only(self, quote: str) -> bool:
        """Does the quote name a means of attack only as a circumstance, after a preposition
        ("in its bombing runs", "etter granatangrep og bombing"), without saying it was used,
        who used it ("the Russian bombing") or who is to blame?"""
        means = _MEANS.search(quote)
        if means is None or _USED.search(quote) or _BLAME.search(quote):
            return False
        if self._actor_of_means(quote, means, self._entities()) is not None:
            return False
        before = re.findall(r"[\wæøå'-]+", quote[: means.start()].casefold())[-3:]
        return any(word in _CIRCUMSTANCE for word in before)

    def _figure_read(self, quote: str, quantity: CommentedMap | None) -> CommentedMap | None:
        """A figure of the quote the draft lacks, read by the review: a share of a place ("half
        of the city", "about a quarter", "to tredeler") where extract read none or misread its
        article ("about a"); else, for a claim without a figure, the first figure of people
        ("rose to 86" after a death toll, "killed several staff", "9,606 names of people
        killed"). None when the draft's figure stands or none is read."""
        if isinstance(quantity, CommentedMap) and quantity.get("unit"):
            return None
        share = _share(quote, self.lang)
        if share is not None:
            return share
        if quantity is not None:
            return None
        return _FigureReader(self.lang).people(quote)

    def _with_figure(
        self, claim: CommentedMap, figure: CommentedMap, apply: Callable[[], None]
    ) -> Callable[[], None]:
        """Apply a proposal, then write the figure the review read into its proposition (the
        figure's unit is decided with it)."""

        def with_figure() -> None:
            apply()
            proposition = claim["proposition"]
            after = "value" if "value" in proposition else "property"
            if "quantity" in proposition:
                proposition["quantity"] = CommentedMap(figure)
            else:
                _insert_after(proposition, "quantity", CommentedMap(figure), after)
            for mark in [str(m) for m in claim.get("toCheck", [])]:
                if mark.startswith("proposition.quantity.unit"):
                    self._drop_mark(claim, mark)

        return with_figure

    def _ranked_properties(
        self, claim: CommentedMap, quote: str, unit: str, read: bool
    ) -> list[str]:
        """The properties a figure's words suggest, best first: what happened to the people
        counted before who they are ("13,500 fighters … left Douma": evacuated, not a force's
        strength), a return before a displacement ("3,300 IDPs returned"); extract's guess
        first only when its word is in the quote (a word later in the sentence, else)."""
        proposition = claim.get("proposition")
        guess = str(proposition.get("property", "")) if isinstance(proposition, dict) else ""
        if read:
            guess = ""  # extract's guess was about the figure it misread
        said = self._properties(quote, unit)
        word = next(
            (
                m.group(1)
                for mark in claim.get("toCheck", []) or []
                if (m := re.search(r"from the word '([^']+)'", str(mark)))
            ),
            "",
        )
        if guess and said and word and word.casefold() not in quote.casefold():
            properties = [*said, guess]  # the quote's own words first
        else:
            properties = [guess, *said] if guess else said
        properties = list(dict.fromkeys(properties))
        if "evacuatedCount" in properties or "returnedCount" in properties:
            # "IDPs returned", "fled … evacuated": the later step counts them
            properties.sort(key=lambda p: p == "displacedCount")
        if any(p not in _WHO_THEY_ARE for p in properties):
            properties.sort(key=lambda p: p in _WHO_THEY_ARE)
        return properties

    def _sentence_before(self, claim: CommentedMap) -> str:
        """The sentence before the claim's (a quote that refers back: "Of them, …")."""
        span = _position(claim)
        if span is None or not self.text:
            return ""
        marks = [m.end() for m in re.finditer(r"[.!?\n]\s", self.text[: span[0]])]
        if not marks:
            return ""
        end = marks[-1]
        begin = next((m for m in reversed(marks[:-1]) if m < end - 1), 0)
        return self.text[begin:end]

    def _declared_counts(self, unit: str) -> list[DeclaredProperty]:
        """The case's Quantitative properties that count (the Count dimension), as declared."""
        return [
            d
            for d in self.declared
            if d.kind == "Quantitative"
            and d.dimension == "Count"
            and (not unit or d.unit in ("", unit))
        ]

    def _denied_responsibility(self, claim: CommentedMap, time: dict[str, Any]) -> list[Proposal]:
        """A party's denial ("the army denied the civilian deaths") most often denies its own
        side did the event the article is about: that event, perpetratedBy the speaker's force."""
        if not _known("perpetratedBy"):
            return []
        entities = self._entities()
        happenings = self._happenings(entities)
        events = self._named_before(claim, happenings, ("Event", "Concept")) or self._of_article(
            happenings, ("Event", "Concept")
        )
        forces = self._speaker_forces(claim, entities)
        if not events or not forces:
            return []
        event, force = events[0], forces[0]
        return [
            Proposal(
                f"subject {event} ({entities[event][0]}), property perpetratedBy, value {force} "
                f"({entities[force][0]}), eventTime {_span_label(time)} (what the speaker denies)",
                self._fill(claim, event, "perpetratedBy", force, time, None),
            )
        ]

    def _relations(self, claim: CommentedMap, quote: str, time: dict[str, Any]) -> list[Proposal]:
        """Who holds a place, who did an event, with what: the blame or the means used first
        when the words say so ("blamed X for", "chlorine was used"), else control."""
        control = self._control_proposal(claim, quote, time)
        event = self._event_proposal(claim, quote, time)
        means_used = _MEANS.search(quote) and _USED.search(quote)
        if _BLAME.search(quote) or means_used:
            return [*event, *control]
        return [*control, *event]

    def _control_proposal(
        self, claim: CommentedMap, quote: str, time: dict[str, Any]
    ) -> list[Proposal]:
        """ "… took control of the Saltmarket": controlledBy, place and force from the entities
        (not what someone sets out to do: "the battle to liberate the city")."""
        if not re.search(
            r"\b(?:control|controls|controlled|seized|captured|took(?! place)|taken(?! place)|"
            r"retook|retaken|held|"
            r"holds|overran|recaptur\w*|liberat\w*|victory|fell|fallen|loss of|losing|"
            r"occupation|occupied|driven out|flag|kontroll|kontrollerer|kontrollert\w*|tok|"
            r"inntok|gjenerobr\w*|erobr\w*|befri\w*|seier|falt|drevet ut|okkup\w*)\b",
            _PURPOSE.sub(" ", quote),
            re.IGNORECASE,
        ):
            return []
        entities = self._entities()
        ranked = self._ranked(quote, entities)
        places = [e for e in ranked if entities[e][1] in ("Place", "PlaceGroup")]
        # "the city", "byen": the place the article named last before the quote
        places = places or self._named_before(claim, entities, ("Place", "PlaceGroup"))
        places = places or self._of_article(entities, ("Place", "PlaceGroup"))
        losers = {e for e in ranked if _lost_by(quote, entities[e][0])}
        forces = [e for e in ranked if entities[e][1] == "Force" and e not in losers]
        mentioned = [
            _short(a.iri)
            for _, _, a in self.registry.mentions(quote)
            if not a.person and not _lost_by(quote, a.name)
        ]
        if not forces and not mentioned:
            # "our forces have taken full control", the army "wrestled back control": a party
            # speaking of control speaks of its own side
            forces = self._speaker_forces(claim, entities)
        if not places:
            return []
        if not forces and not mentioned:
            return []
        place = places[0]
        force = forces[0] if forces else mentioned[0]
        if force not in entities:
            entities = {**entities, force: (self._agent_name(force), "Organization")}
        return [
            Proposal(
                f"subject {place} ({entities[place][0]}), property controlledBy, value {force} "
                f"({entities[force][0]}), eventTime {_span_label(time)}",
                self._fill(claim, place, "controlledBy", force, time, None),
            )
        ]

    def _event_proposal(
        self, claim: CommentedMap, quote: str, time: dict[str, Any]
    ) -> list[Proposal]:
        """ "… blamed the regime for the attack" (perpetratedBy), "… used sarin" (meansUsed): the
        event among the case's entities (else a new one), the agent or the means named."""
        found: list[Proposal] = []
        entities = self._entities()
        ranked = self._ranked(quote, entities)
        events = [e for e in ranked if entities[e][1] == "Event"]
        events += [
            e for e in ranked if entities[e][1] == "Concept" and not _MEANS.search(entities[e][0])
        ]
        # "the attack" unnamed: the event the article named last before the quote
        happenings = self._happenings(entities)
        events = events or self._named_before(claim, happenings, ("Event", "Concept"))
        events = events or self._of_article(happenings, ("Event", "Concept"))
        event = events[0] if events else "draft:entity/the-attack"
        label = entities[event][0] if event in entities else "new Event 'the attack'"

        def create() -> None:
            if event not in entities:
                self._add_entity(event, "Event" if _known("Event") else "Concept", "the attack")

        means = _MEANS.search(quote)
        if means and _known("meansUsed"):
            concepts = [
                e
                for e in self._ranked(means.group(0), entities)
                if entities[e][1] == "Concept" and e != event
            ]
            value = concepts[0] if concepts else self._new_entity_id(means.group(0))
            word = means.group(0)

            def create_means() -> None:
                create()
                if value not in entities:
                    self._add_entity(value, "Concept", word)

            found.append(
                Proposal(
                    f"subject {event} ({label}), property meansUsed, value {value}, eventTime "
                    f"{_span_label(time)}",
                    self._fill(claim, event, "meansUsed", value, time, create_means),
                )
            )
        actor = self._actor_of_means(quote, means, entities) if means else None
        if actor is None and not _BLAME.search(quote):
            # "the Azov regiment attacked the theatre", "was shelled by the NF": the force that
            # does the attack
            actor = self._attacker(quote, ranked, entities)
        if actor is not None and _known("perpetratedBy") and not _BLAME.search(quote):
            # "an apparent US air strike", "the Russian bombing of the theatre": who did it
            found.insert(
                0,
                Proposal(
                    f"subject {event} ({label}), property perpetratedBy, value {actor}, "
                    f"eventTime {_span_label(time)}",
                    self._fill(claim, event, "perpetratedBy", actor, time, create),
                ),
            )
        if _BLAME.search(quote) and _known("perpetratedBy"):
            agents = [_short(a.iri) for _, _, a in self.registry.mentions(quote) if not a.person]
            forces = [e for e in ranked if entities[e][1] == "Force"]
            culprits = [*forces, *agents]
            if not culprits and _REGIME.search(quote):
                # "blamed the regime", "beskylder Assads regime": the government's forces
                culprits = [
                    e
                    for e, (name, kind) in entities.items()
                    if kind == "Force"
                    and re.search(r"\b(?:government|regjering)", name, re.IGNORECASE)
                ][:1]
            if culprits:
                found.insert(
                    0,
                    Proposal(
                        f"subject {event} ({label}), property perpetratedBy, value {culprits[0]}, "
                        f"eventTime {_span_label(time)}",
                        self._fill(claim, event, "perpetratedBy", culprits[0], time, create),
                    ),
                )
        return found

    def _attacker(
        self, quote: str, ranked: list[str], entities: dict[str, tuple[str, str]]
    ) -> str | None:
        """The force the quote names as doing an attack: before an attack verb ("X attacked",
        "X-regimentet angrepet"), or after it as its agent ("shelled by X", "bombet av X")."""
        verb = _ATTACK_VERB.search(quote)
        if verb is None:
            return None
        lowered = quote.casefold()
        agent = re.match(r"\s+(?:by|av)\s", quote[verb.end() :], re.IGNORECASE)
        for entity in ranked:
            if entities[entity][1] != "Force":
                continue
            own = [
                w for w in _words(entities[entity][0]) if len(w) > 2 and w not in _FUNCTION_WORDS
            ]
            spots = [m.start() for w in own for m in re.finditer(rf"\b{re.escape(w)}", lowered)]
            if not spots:
                continue
            if agent is not None and any(0 < spot - verb.end() < 12 for spot in spots):
                return entity
            before = [spot for spot in spots if spot < verb.start()]
            between = quote[max(before) : verb.start()] if before else ","
            # the force is the verb's subject: at most three words between, no comma
            if agent is None and "," not in between and len(between.split()) <= 4:
                return entity
        return None

    def _actor_of_means(
        self, quote: str, means: re.Match[str], entities: dict[str, tuple[str, str]]
    ) -> str | None:
        """The force a word just before the means names ("US air strike": US forces)."""
        before = re.findall(r"[\wæøå.-]+", quote[: means.start()])[-2:]
        if not before or before[-1].casefold() in ("a", "an", "the", "of", "by", "en", "et"):
            return None
        words = [w.strip(".").replace(".", "") for w in before if w[:1].isupper()]
        if not words:
            return None
        forces = {e: v for e, v in entities.items() if v[1] == "Force"}
        for entity, (name, _) in forces.items():
            own = {w.replace(".", "") for w in re.findall(r"[\w.]+", name)}
            if any(w in own or w.rstrip("n") in own for w in words):
                return entity
        return None

    def _named_before(
        self, claim: CommentedMap, entities: dict[str, tuple[str, str]], kinds: tuple[str, ...]
    ) -> list[str]:
        """Entities of those kinds whose name the article gives before the claim's quote, the
        latest first ("… in Raqqa. Our forces have taken the city": Raqqa)."""
        span = _position(claim)
        if span is None or not self.text:
            return []
        before = self.text[: span[0]]
        found: list[tuple[int, str]] = []
        for entity, (name, kind) in entities.items():
            if kind not in kinds:
                continue
            for form in {name, strip_parenthesis(name)}:
                starts = [
                    m.start() for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", before)
                ]
                if starts and len(form) > 2:
                    found.append((starts[-1], entity))
        return [entity for _, entity in sorted(found, reverse=True)]

    def _sentence(self, claim: CommentedMap) -> str:
        """The sentence (or line) the claim's quote stands in, else the quote."""
        span = _position(claim)
        if span is None or not self.text:
            return exact_quote(claim)
        start, end = span
        marks = [m.end() for m in re.finditer(r"[.!?\n]\s", self.text[:start])]
        begin = marks[-1] if marks else 0
        after = re.search(r"[.!?\n](?=\s|$)", self.text[end:])
        stop = end + after.end() if after else len(self.text)
        return self.text[begin:stop]

    @staticmethod
    def _happenings(entities: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
        """The entities that are events: typed Event, or a Concept named as one ("The killing
        of civilians in al-Heisha", "The chemical attack on Douma"; a case without the Event
        kind types its events as Concepts)."""
        return {
            e: (name, kind)
            for e, (name, kind) in entities.items()
            if kind == "Event" or (kind == "Concept" and _EVENT_WORDS.search(name))
        }

    def _of_article(
        self, entities: dict[str, tuple[str, str]], kinds: tuple[str, ...]
    ) -> list[str]:
        """Entities of those kinds by how much of their name the article's words hold (the
        event or place an article is about, when a quote says only "the attack", "the city")."""
        ranked = self._ranked(self.text, {e: v for e, v in entities.items() if v[1] in kinds})
        return ranked[:1]

    def _speaker_forces(
        self, claim: CommentedMap, entities: dict[str, tuple[str, str]]
    ) -> list[str]:
        """The Force entity named like the speaker or the organisation it acts for."""
        speaker = str(claim.get("attributedTo", ""))
        names = [self._agent_name(speaker)]
        for node in self.graph:
            if isinstance(node, CommentedMap) and node.get("id") == speaker:
                names.append(self._agent_name(str(node.get("actedOnBehalfOf", ""))))
        iri = _SOURCE_STEM + speaker.removeprefix("src:")
        agent = self.registry.agents.get(iri)
        if agent is not None and agent.on_behalf_of:
            names.append(self._agent_name(_short(agent.on_behalf_of)))
        forces = [e for e, (_, kind) in entities.items() if kind == "Force"]
        for name in names:
            own = [w for w in _words(name) if len(w) > 2 and w not in _FUNCTION_WORDS]
            for entity in self._ranked(name, entities):
                # most of the speaker's name in the force's ("Afghan security forces" in "Afghan
                # government forces"), not one shared word ("Syrian Observatory …")
                if entity in forces and own:
                    theirs = set(_words(entities[entity][0]))
                    if sum(1 for w in own if w in theirs) / len(own) >= 0.5:
                        return [entity]
        # a state's defence ministry, army or government speaks for its armed forces ("Russian
        # Ministry of Defence": "Russian armed forces"): the force of the same country
        for name in names:
            own = [w for w in _words(name) if len(w) > 2 and w not in _FUNCTION_WORDS]
            if not own or not any(w.startswith(_STATE_WORDS) for w in own):
                continue
            for entity in forces:
                content = [
                    w
                    for w in _words(entities[entity][0])
                    if len(w) > 2 and w not in _FUNCTION_WORDS
                ]
                armed = any(w.startswith(_ARMED_WORDS) for w in content)
                country = content[0] if content else ""
                if armed and country in own and not country.startswith(_ARMED_WORDS):
                    return [entity]
        return []

    def _fill(
        self,
        claim: CommentedMap,
        subject: str,
        prop: str,
        value: str | None,
        time: dict[str, Any],
        create: Callable[[], None] | None,
    ) -> Callable[[], None]:
        def apply() -> None:
            if create is not None:
                create()
            proposition = claim.get("proposition")
            if not isinstance(proposition, CommentedMap):
                proposition = CommentedMap()
                _insert_after(claim, "proposition", proposition, "stance")
            _put_first(proposition, "subject", subject)
            _insert_after(proposition, "property", prop, "subject")
            if value is not None:
                _insert_after(proposition, "value", value, "property")
            if "eventTime" not in proposition:
                proposition["eventTime"] = CommentedMap(time)
            self._drop_marks(claim, "proposition")

        return apply

    def _drop_proposition(self, claim: CommentedMap) -> None:
        if "proposition" in claim:
            del claim["proposition"]
        for mark in [str(m) for m in claim.get("toCheck", [])]:
            if mark.startswith("proposition"):  # its unit and time went with it
                self._drop_mark(claim, mark)

    def _drop_marks(self, node: CommentedMap, prefix: str) -> None:
        """Every entry about the field (one decision answers them all)."""
        for mark in [str(m) for m in node.get("toCheck", [])]:
            if mark.startswith(prefix) and not mark.startswith("proposition.quantity.unit"):
                self._drop_mark(node, mark)

    def _event_time(self, proposition: Any) -> dict[str, Any] | None:
        """The proposition's eventTime, else by the article's date (None: no date known)."""
        if isinstance(proposition, CommentedMap) and isinstance(
            proposition.get("eventTime"), CommentedMap
        ):
            span = proposition["eventTime"]
            if "earliest" in span or "latest" in span:
                return dict(span)
        if self.published is None:
            return None
        return {
            "latest": self.published[1].isoformat(),
            "precision": "vaguePrecision",
            "relativeTo": str(self.document.get("id")) if self.document else "draft:article",
        }

    def _time_proposals(self, claim: CommentedMap) -> list[Proposal]:
        proposition = claim.get("proposition")
        if self.published is None or not isinstance(proposition, CommentedMap):
            return []
        span = proposition.get("eventTime")
        phrase = _name(span.get("phrase")) if isinstance(span, CommentedMap) else ""
        reader = _Days(self.lang)
        time = reader.time_in(phrase) if phrase else None
        if time is None:
            resolved: dict[str, Any] = {
                "latest": self.published[1].isoformat(),
                "precision": "vaguePrecision",
                "relativeTo": str(self.document.get("id")) if self.document else "draft:article",
            }
        else:
            resolved = resolved_span(self.published, time, self.lang)
            if self.document is not None:
                resolved["relativeTo"] = str(self.document.get("id"))

        def apply() -> None:
            proposition["eventTime"] = CommentedMap(resolved)

        return [Proposal(f"eventTime {_span_label(resolved)}", apply, certain=True)]

    def _unit_proposals(self, claim: CommentedMap) -> list[Proposal]:
        proposition = claim.get("proposition")
        if not isinstance(proposition, CommentedMap):
            return []
        quantity = proposition.get("quantity")
        if not isinstance(quantity, CommentedMap):
            return []
        # the unit the words around the figure name first ("a quarter of the city": a share)
        words = exact_quote(claim).casefold()
        units = ["person", "item", "district"]
        own = next((d for d in self.declared if d.name == proposition.get("property")), None)
        if own is not None and own.unit:
            units.insert(0, own.unit)  # the case's property says what it counts
        elif re.search(
            r"\b(?:per ?cent|percent|prosent|quarter|half|third|halv\w*|kvart|tredel\w*)", words
        ):
            units.insert(0, "percent")
        elif re.search(r"\b(?:district|neighbou?rhood|nabolag|bydel)", words):
            units.insert(0, "district")
        units = list(dict.fromkeys(units))
        # certain where the words say it: a percent or share word, or words that count people
        # by the figure ("Seventy people suffocated to death", "the number dead at more than
        # 150"); the checker is not asked then
        phrase = _name(quantity.get("phrase"))
        quote = exact_quote(claim)
        at = quote.find(phrase) if phrase else -1
        sure = (units[0] == "percent" and own is None) or (
            units[0] == "person" and at >= 0 and _counting_near(quote, at, at + len(phrase))
        )
        return [
            Proposal(f"unit {unit}", partial(_set, quantity, "unit", unit), certain=sure and i == 0)
            for i, unit in enumerate(units)
        ]

    def _hedge_proposals(self, claim: CommentedMap, mark: str) -> list[Proposal]:
        m = re.match(r"hedge: the outlet hedges the claim \((\w+): '(.*)'\)", mark)
        if m and "hedge" in shipped_context():
            kind, phrase = m.group(1), m.group(2)

            def apply() -> None:
                hedges = claim.get("hedge")
                if not isinstance(hedges, CommentedSeq):
                    hedges = CommentedSeq()
                    _insert_after(claim, "hedge", hedges, "stance")
                hedges.append(CommentedMap(kind=kind, phrase=CommentedMap({self.lang: phrase})))

            return [Proposal(f"hedge {kind}: '{phrase}'", apply, certain=True)]
        return [Proposal("leave the hedge out (this model has no hedge field)", lambda: None)]

    def _properties(self, quote: str, unit: str) -> list[str]:
        """Quantitative properties the words suggest, for the figure's unit."""
        words = re.findall(r"[\wæøå]+", quote.casefold())
        said = [
            p
            for stem, p in LEXICONS[self.lang].property_hints.items()
            if any(w.startswith(stem) for w in words)
        ]
        # the review's own words: a short one whole ("bor", not "bord"), a longer one as a stem
        said += [
            p
            for stem, p in _MORE_HINTS.get(self.lang, {}).items()
            if any(w.startswith(stem) if len(stem) >= 5 else w == stem for w in words)
        ]
        if "evacuatedCount" in said and not re.search(r"evacu|evaku", self.text.casefold()):
            # "1,500 people left the town": an evacuation where the article speaks of one,
            # else a displacement
            said = [("displacedCount" if p == "evacuatedCount" else p) for p in said]
        if not unit and (
            any(w.startswith(_PEOPLE_COUNT_STEMS) for w in words)
            or any(p in _PROPERTIES_BY_UNIT["person"] for p in said)
        ):
            # "70 killed", "dødstallet er 86", "an estimated 3,300 IDPs returned": people
            unit = "person"
        allowed = [p for p in _PROPERTIES_BY_UNIT.get(unit, ()) if _known(p)]
        return [p for i, p in enumerate(said) if p in allowed and p not in said[:i]]

    def _declared_for(self, text: str, unit: str) -> list[tuple[float, DeclaredProperty]]:
        """The case's Quantitative properties whose label the words match, best first; a
        figure whose unit measures another dimension is left out ("45 percent" is no Count)."""
        dimensions = ontology_vocabulary().dimensions
        found: list[tuple[float, DeclaredProperty]] = []
        for prop in self.declared:
            if prop.kind != "Quantitative":
                continue
            if unit and dimensions.get(CL_IRI + unit, "").removeprefix(CL_IRI) != prop.dimension:
                continue
            share = label_match(prop, text)
            if share > 0:
                found.append((share, prop))
        return sorted(found, key=lambda pair: -pair[0])

    def _declared_relations(
        self, claim: CommentedMap, quote: str, time: dict[str, Any]
    ) -> list[Proposal]:
        """The case's Exclusive or Plain properties whose words the quote holds (half or more),
        between the two entities the quote names, in the order it names them."""
        entities = self._entities()
        named: list[tuple[int, int, str]] = []
        for rank, entity in enumerate(self._ranked(quote, entities)):
            own = [
                w for w in _words(entities[entity][0]) if len(w) > 2 and w not in _FUNCTION_WORDS
            ]
            spots = [
                m.start() for w in own for m in re.finditer(rf"\b{re.escape(w)}", quote.casefold())
            ]
            if spots:  # where the quote names it; the better named first at one place
                named.append((min(spots), rank, entity))
        pair: list[str] = []
        for _, _, entity in sorted(named):
            if len(pair) < 2 and not any(
                entities[entity][0] in entities[other][0]
                or entities[other][0] in entities[entity][0]
                for other in pair
            ):
                pair.append(entity)
        if len(pair) < 2:
            return []
        subject, value = pair
        ranked = sorted(
            ((label_match(d, quote), d) for d in self.declared if d.kind != "Quantitative"),
            key=lambda found: -found[0],
        )
        return [
            Proposal(
                f"subject {subject} ({entities[subject][0]}), property {prop.name} (the case's: "
                f"{prop.labels[0]}), value {value} ({entities[value][0]}), eventTime "
                f"{_span_label(time)}",
                self._fill(
                    claim, subject, prop.name, value, time, self._declaring(claim, prop, None)
                ),
            )
            for share, prop in ranked
            if share >= 0.5
        ]

    def _declaring(
        self, claim: CommentedMap, prop: DeclaredProperty, create: Callable[[], None] | None
    ) -> Callable[[], None]:
        """Before a declared property is written: its prefix in the draft's context, its
        default unit on a figure without one (that entry decided with it)."""

        def apply() -> None:
            if create is not None:
                create()
            self._declare_prefix(prop)
            proposition = claim.get("proposition")
            quantity = proposition.get("quantity") if isinstance(proposition, dict) else None
            if isinstance(quantity, CommentedMap) and not quantity.get("unit") and prop.unit:
                _set(quantity, "unit", prop.unit)
                for mark in [str(m) for m in claim.get("toCheck", [])]:
                    if mark.startswith("proposition.quantity.unit"):
                        self._drop_mark(claim, mark)

        return apply

    def _declare_prefix(self, prop: DeclaredProperty) -> None:
        """The vocabulary's prefix in the draft's ``@context`` (a map of it), unless there."""
        if prop.prefix is None:
            return
        name, stem = prop.prefix
        context = self.data.get("@context")
        if not isinstance(context, CommentedSeq):
            context = CommentedSeq([context]) if context is not None else CommentedSeq()
            self.data["@context"] = context
        maps = [part for part in context if isinstance(part, CommentedMap)]
        if any(name in part for part in maps):
            return
        if maps:
            maps[-1][name] = stem
        else:
            context.append(CommentedMap({name: stem}))

    def _subjects(
        self, quote: str, quantity: CommentedMap, prop: str, claim: CommentedMap | None = None
    ) -> list[tuple[str, str, Callable[[], None] | None]]:
        """Subjects for a figure: entities sharing words with the quote, else a new one; a share
        of "the city" is of the place the article named last before the quote."""
        entities = self._entities()
        wanted: tuple[str, ...] = ("PeopleGroup", "Force")
        if prop == "population":
            wanted = ("PeopleGroup", "Place", "PlaceGroup")  # the people in a place, or the place
        elif prop == "areaShareControlled":
            wanted = ("Place", "PlaceGroup")  # how much of a place is held
        ranked = [e for e in self._ranked(quote, entities) if entities[e][1] in wanted]
        if not ranked and prop == "areaShareControlled" and claim is not None:
            ranked = self._named_before(claim, entities, wanted)[:1]
        found: list[tuple[str, str, Callable[[], None] | None]] = [
            (e, entities[e][0], None) for e in ranked
        ]
        name = self._counted(quote, quantity, prop)
        if name:
            new = self._new_entity_id(name)
            kind = wanted[0]
            label = f"new {kind} '{name}'"

            def create(new: str = new, kind: str = kind, name: str = name) -> None:
                self._add_entity(new, kind, name)

            found.append((new, label, create))
        return found

    def _counted(self, quote: str, quantity: CommentedMap, prop: str) -> str:
        """What a figure counts, in the quote's words ("civilians", "Dorvan")."""
        if prop == "areaShareControlled":
            names = re.findall(r"\b[A-ZÆØÅ][\w'-]+(?:\s+[A-ZÆØÅ][\w'-]+)*", quote[1:])
            return names[0] if names else ""
        phrase = _name(quantity.get("phrase"))
        at = quote.find(phrase) if phrase else -1
        rest = quote[at + len(phrase) :] if at >= 0 else quote
        if prop in ("distanceFrom", "separationDuration"):
            # "government troops were less than one kilometre from …": the subject opens it
            head = []
            for word in re.findall(r"[\wæøå'-]+", quote[: max(at, 0)]):
                if word.casefold() in _PHRASE_ENDS:
                    break
                head.append(word)
            return " ".join(head[:4])
        words: list[str] = []
        people = tuple(stem for stem in LEXICONS[self.lang].person_nouns if stem not in _VERB_STEMS)
        for word in re.findall(r"[\wæøå'-]+", rest)[:4]:
            if word.casefold() in _PHRASE_ENDS:
                break
            words.append(word)
            if word.casefold().startswith(people):
                break
        else:
            words = []
        if not words or not words[-1].casefold().startswith(people):
            words = ["people" if self.lang == "en" else "personer"]
        place = re.search(
            r"\b(?:in|of|from|i|fra)\s+(?:the\s+)?([A-ZÆØÅ][\w'-]+(?:\s+[A-ZÆØÅ][\w'-]+)*)", rest
        )
        name = " ".join(words)
        if name and place:
            name += f" ({place.group(1)})"
        return name

    def _entities(self) -> dict[str, tuple[str, str]]:
        """Every entity the checker has: id → (name, type), the draft's and --entities'."""
        found: dict[str, tuple[str, str]] = {}
        for source in (self.extra_entities, self._entities_of(self.data)):
            for entity, name in source.items():
                found[entity] = (name, "")
        for data in (
            self.data,
            self._read(self.entities_path, "entities") if self.entities_path else None,
        ):
            graph = data.get("@graph", []) if isinstance(data, dict) else []
            for node in graph:
                if isinstance(node, dict) and str(node.get("id")) in found:
                    types = node.get("type")
                    kind = types[0] if isinstance(types, list) else types
                    found[str(node["id"])] = (found[str(node["id"])][0], str(kind))
        return found

    def _ranked(self, quote: str, entities: dict[str, tuple[str, str]]) -> list[str]:
        """Entities by the share of their name's words found in the quote (none: left out)."""
        words = set(_words(quote))
        scored = []
        for entity, (name, _) in entities.items():
            own = [w for w in _words(name) if len(w) > 2 and w not in _FUNCTION_WORDS]
            if not own:
                continue
            share = sum(1 for w in own if w in words) / len(own)
            # "The Islamic State group (IS, ISIS, Daesh)": an alias in parentheses, as written
            aliases = [
                a.strip() for inner in re.findall(r"\(([^)]*)\)", name) for a in inner.split(",")
            ]
            if any(
                re.search(rf"(?<![\wæøå]){re.escape(a)}(?![\wæøå])", quote)
                for a in aliases
                if a[:1].isupper() and 1 < len(a) <= 12
            ):
                share = 1.0
            if share > 0:
                scored.append((-share, len(own), entity))
        return [entity for _, _, entity in sorted(scored)]

    def _new_entity_id(self, name: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_letters(name).casefold()).strip("-")[:60]
        return f"draft:entity/{slug or 'entity'}"

    def _add_entity(self, entity: str, kind: str, name: str) -> None:
        """A new entity node in the draft (before the claims), unless it is there already."""
        if any(isinstance(n, CommentedMap) and n.get("id") == entity for n in self.graph):
            return
        node = CommentedMap(id=entity, type=kind, name=CommentedMap({self.lang: name}))
        position = next(
            (
                i
                for i, n in enumerate(self.graph)
                if isinstance(n, CommentedMap) and n.get("type") == "Claim"
            ),
            len(self.graph),
        )
        self.graph.insert(position, node)

    # new sources

    def _name_proposals(self, agent: CommentedMap) -> list[Proposal]:
        name = _name(agent.get("name"))
        lex = LEXICONS[self.lang]
        bare_name = name.strip(" –—-").casefold()
        person = agent.get("type") == "Person" or bare_name in (*lex.person_pronouns, "i", "jeg")
        found: list[Proposal] = []
        scored = self._registry_matches(name, person)
        if len(scored) > 1 and not any(certain for _, _, certain in scored):
            # alike only by a shared word ("A ministry statement": two ministries): the one the
            # article named last before the quote first
            named = self._mentioned_before(agent)
            scored.sort(key=lambda m: (-m[1], -(named.index(m[0]) if m[0] in named else -1)))
        matches = [(iri, certain) for iri, _, certain in scored]
        # "SOHRs opptelling av ofre", "the Observatory's count": the registry source inside
        matches += [(iri, False) for iri in self._named_inside(name) if iri not in dict(matches)]
        if not matches and _generic(name, self.lang):
            # "he", "– Jeg", "Monitoring group": the source the article named last before it
            matches = [(iri, False) for iri in self._named_before_agent(agent, person)]
        for iri, certain in matches:
            known = self.registry.agents[iri]
            ref = _short(iri)
            found.append(
                Proposal(
                    f"the registry's {ref} ({known.name})",
                    partial(self._replace_agent, agent, ref),
                    certain=certain,
                )
            )
        if self.registry_data is not None and self._promotable(agent):
            ref = f"src:{self._slug(name)}"
            found.append(
                Proposal(f"promote it to the registry as {ref}", lambda: self._promote(agent, ref))
            )
        found.append(Proposal("keep it in the draft as a new source", lambda: None))
        return found

    def _registry_matches(self, name: str, person: bool) -> list[tuple[str, float, bool]]:
        """Registry sources whose name or alias is like the new name, best first."""
        wanted = _bare(name)
        scored: dict[str, tuple[float, bool]] = {}
        content = [w for w in wanted.split() if len(w) >= 4 and w not in _COMMON_NAME_WORDS]
        # the head noun must be shared ("a ministry statement": ministry), not a place before it
        own_words = set(content[-1:])
        for alias, iri in self.registry.names.items():
            agent = self.registry.agents.get(iri)
            if agent is None or agent.kind == "NewsOutlet":
                continue
            bare = _bare(alias)
            ratio = difflib.SequenceMatcher(None, wanted, bare).ratio()
            inside = bool(bare) and (f" {bare} " in f" {wanted} " or f" {wanted} " in f" {bare} ")
            score = max(ratio, 0.9 if inside and len(bare.split()) >= 2 else 0.0)
            if agent.person != person or score < 0.75:
                score = 0.0  # unlike names (a person is not an organisation, however alike)
            # fewer alike: a word of the name in common ("a ministry statement" → a ministry)
            shared = own_words & set(bare.replace("defense", "defence").split())
            if score < 0.75 and shared:
                score = min(0.74, 0.5 + 0.1 * len(shared))
            certain = wanted == bare and agent.person == person
            if score >= 0.5 and (iri not in scored or scored[iri][0] < score):
                scored[iri] = (score, certain or scored.get(iri, (0, False))[1])
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [(iri, score, certain) for iri, (score, certain) in ranked[:3]]

    def _named_inside(self, name: str) -> list[str]:
        """Registry sources (not outlets) a new source's name holds, a possessive's too."""
        found = [a.iri for _, _, a in self.registry.mentions(name) if a.kind != "NewsOutlet"]
        for word in re.findall(r"[\wæøå-]+?(?:'s|’s|s)\b", name):
            agent = self.registry.exact(re.sub(r"(?:'s|’s|s)$", "", word))
            if agent is not None and agent.kind != "NewsOutlet" and agent.iri not in found:
                found.append(agent.iri)
        return found

    def _mentioned_before(self, agent: CommentedMap) -> list[str]:
        """The registry sources the article names before the first quote citing the agent, in
        the order it names them (each at its last mention), a person's organisation with them
        (its ``actedOnBehalfOf``)."""
        claim = self._citing(str(agent.get("id")))
        span = _position(claim) if claim is not None else None
        if span is None or not self.text:
            return []
        named: list[str] = []
        for _, _, agent_named in self.registry.mentions(self.text[: span[0]]):
            named.append(agent_named.iri)
            if agent_named.on_behalf_of:
                # "Dawlat Waziri, spokesman for the Ministry of Defense": his ministry is named
                named.append(agent_named.on_behalf_of)
        return list(reversed(dict.fromkeys(reversed(named))))

    def _named_before_agent(self, agent: CommentedMap, person: bool) -> list[str]:
        """The registry source (a person for a person) the article names last before the
        first quote that cites the new source, else first after it; not a news outlet."""
        claim = self._citing(str(agent.get("id")))
        span = _position(claim) if claim is not None else None
        if span is None or not self.text:
            return []
        named = [
            a.iri
            for _, _, a in self.registry.mentions(self.text[: span[0]])
            if a.person == person and a.kind != "NewsOutlet"
        ]
        if named:
            return named[-1:]
        # a heading's "Monitoring group says …": the source the body names first
        after = [
            a.iri
            for _, _, a in self.registry.mentions(self.text[span[1] :])
            if a.person == person and a.kind != "NewsOutlet"
        ]
        return after[:1]

    def _promotable(self, agent: CommentedMap) -> bool:
        behalf = str(agent.get("actedOnBehalfOf", ""))
        return not behalf.startswith("draft:")

    def _slug(self, name: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", ascii_letters(name).casefold()).strip("-") or "source"

    def _replace_agent(self, agent: CommentedMap, ref: str) -> None:
        """Every reference to the new agent now names ``ref``; the new agent's node goes."""
        old = str(agent.get("id"))
        self.graph.remove(agent)
        for node in self.graph:
            if isinstance(node, CommentedMap):
                _rename_refs(node, old, ref)
        self.changed = True

    def _promote(self, agent: CommentedMap, ref: str) -> None:
        """Move the new agent to the registry file under ``ref`` (its decided fields with it)."""
        assert self.registry_data is not None and self.registry_path is not None
        graph = self.registry_data.get("@graph")
        if not isinstance(graph, CommentedSeq):
            raise InputError(
                "the registry has no '@graph' list to add the source to",
                where=str(self.registry_path),
            )
        moved = CommentedMap()
        for key, value in agent.items():
            if key == "toCheck":
                continue
            moved[key] = ref if key == "id" else value
        graph.append(moved)
        self._write(self.registry_path, self.registry_data)
        self.registry = Registry.load(self.registry_path)
        self._replace_agent(agent, ref)

    def _kind_proposals(self, agent: CommentedMap) -> list[Proposal]:
        lowered = f" {norm_name(_name(agent.get('name')))} "
        kinds: list[str] = []
        for kind, words in _KIND_WORDS:
            if _known(kind) and kind not in kinds and any(_has_word(lowered, w) for w in words):
                kinds.append(kind)
        return [
            Proposal(
                f"sourceKind {kind}",
                partial(_insert_after, agent, "sourceKind", kind, "name"),
            )
            for kind in kinds[:3]
        ]

    def _alignment_proposals(self, agent: CommentedMap) -> list[Proposal]:
        behalf = str(agent.get("actedOnBehalfOf", ""))
        if behalf and self._has_alignment(behalf):
            return [
                Proposal(
                    f"none of its own: it acts for {behalf}, whose alignment counts",
                    lambda: None,
                    certain=True,
                )
            ]
        name = _name(agent.get("name"))
        lowered = f" {norm_name(name)} "
        sides = [side for side, words in _SIDE_WORDS if any(_has_word(lowered, w) for w in words)]
        sides = [*sides, "Independent"] if "Independent" not in sides else sides
        document = str(self.document.get("localCopy")) if self.document else "the article"
        found = []
        for side in sides[:2]:
            why = (
                f"Set in review-draft from {document}: its name places {name} on this side."
                if side != "Independent"
                else f"Set in review-draft from {document}: the article ties {name} to no side."
            )
            found.append(
                Proposal(
                    f"alignment {side} ({why})",
                    partial(self._align, agent, side, why),
                )
            )
        return found

    def _align(self, agent: CommentedMap, side: str, why: str) -> None:
        after = "sourceKind" if "sourceKind" in agent else "name"
        _insert_after(agent, "alignment", side, after)
        _insert_after(agent, "alignmentRationale", why, "alignment")

    def _has_alignment(self, ref: str) -> bool:
        for node in self.graph:
            if isinstance(node, CommentedMap) and node.get("id") == ref:
                return "alignment" in node
        iri = _SOURCE_STEM + ref.removeprefix("src:") if ref.startswith("src:") else ref
        if self.registry_data is not None:
            for node in self.registry_data.get("@graph", []):
                if isinstance(node, dict) and str(node.get("id")) in (ref, iri):
                    return "alignment" in node
        return False

    def _agent_name(self, ref: str) -> str:
        for node in self.graph:
            if isinstance(node, CommentedMap) and node.get("id") == ref:
                return _name(node.get("name"))
        iri = _SOURCE_STEM + ref.removeprefix("src:") if ref.startswith("src:") else ref
        agent = self.registry.agents.get(iri)
        return agent.name if agent else ref.rsplit("/", 1)[-1].replace("-", " ")

    # ------------------------------------------------------------------ edits

    def edit(self, item: Item, answer: str) -> None:
        """Apply a typed answer to an entry (see ``EDIT_HELP``), or raise UsageError."""
        answer = answer.strip()
        if not answer:
            raise UsageError("an empty answer changes nothing", hint="type an answer, or skip")
        node, kind = item.node, item.field
        if kind == "statement":
            _set(node, "statement", answer)
        elif kind == "quote.translation":
            self._translate(node, answer)
        elif kind.startswith("proposition") and kind != "proposition.quantity.unit":
            self._edit_proposition(node, answer)
        elif kind == "proposition.quantity.unit":
            quantity = node.get("proposition", {}).get("quantity")
            if not isinstance(quantity, CommentedMap):
                raise UsageError("the claim has no quantity to give a unit")
            _set(quantity, "unit", answer)
        elif kind == "sourceKind":
            _insert_after(node, "sourceKind", answer, "name")
        elif kind == "alignment":
            side, _, why = answer.partition(":")
            if not why.strip():
                raise UsageError(
                    "give the side and why: 'Independent: not tied to any side'",
                    hint="ProGovernment, Opposition, Kurdish or Independent, a colon, the reason",
                )
            self._align(node, side.strip(), why.strip())
        elif kind == "name":
            self._replace_agent(node, answer)
        elif kind == "stance":
            _set(node, "stance", answer)
        else:
            raise UsageError(
                f"'{kind}' cannot be typed in here", hint="accept, skip, or edit the file"
            )
        if kind != "name":  # a replaced source's node is gone, and its entries with it
            self._drop_mark(node, item.mark)
        self.changed = True
        self.save()

    def _translate(self, claim: CommentedMap, english: str) -> None:
        translator = next(
            (_short(a.iri) for a in self.registry.agents.values() if a.kind == "Checker"), None
        )
        if translator is None:
            raise UsageError(
                "the registry names no translator (a source of kind Checker)",
                hint="add yourself to the registry with sourceKind: Checker, and give --sources",
            )
        quotes = claim.get("quote")
        if not isinstance(quotes, CommentedSeq) or not quotes:
            raise UsageError("the claim has no quote to translate")
        quotes[0]["translation"] = CommentedMap(english=english, attributedTo=translator)
        _set(claim, "statement", english[:1].upper() + english[1:].rstrip(".") + ".")
        self._drop_marks(claim, "statement")

    def _edit_proposition(self, claim: CommentedMap, answer: str) -> None:
        if answer.casefold() in ("none", "drop", "-"):
            self._drop_proposition(claim)
            return
        fields = dict(
            (k.strip(), v.strip())
            for k, _, v in (part.partition("=") for part in answer.split(";"))
            if k.strip()
        )
        if not {"subject", "property"} <= set(fields):
            raise UsageError(
                "give at least subject and property: 'subject=ent:x; property=displacedCount'",
                hint="add '; value=ent:y' for a property that takes an entity, or 'none'",
            )
        time = self._event_time(claim.get("proposition"))
        if time is None:
            raise UsageError("the article has no date to bound the event time by")
        self._fill(claim, fields["subject"], fields["property"], fields.get("value"), time, None)()

    # ------------------------------------------------------------------ writing

    def apply_certain(self) -> list[tuple[Item, Proposal]]:
        """Apply every certain proposal (``--non-interactive``); the applied ones, in order."""
        applied: list[tuple[Item, Proposal]] = []
        while True:
            for item in self.items():
                certain = [p for p in self.proposals(item) if p.certain]
                if certain:
                    self.resolve(item, certain[0])
                    applied.append((item, certain[0]))
                    break
                self.skip(item)
            else:
                break
        self.skipped.clear()
        return applied

    def save(self) -> None:
        """Write the draft in place, atomically."""
        self._write(self.path, self.data)

    def _write(self, path: Path, data: Any) -> None:
        buffer = io.StringIO()
        self.yaml.dump(data, buffer)
        folder = path.parent
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(buffer.getvalue())
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


#: How to type an answer with ``edit``, per field.
EDIT_HELP = {
    "statement": "the claim as one plain English sentence",
    "quote.translation": "the quote in English (the registry's Checker is the translator)",
    "proposition": "'subject=ent:x; property=displacedCount[; value=ent:y]', or 'none'",
    "proposition.eventTime": "not typed in: accept or skip",
    "proposition.quantity.unit": "person, item, district, metre, kilometre, day, month or year",
    "sourceKind": "the kind: Government, ArmedGroup, MonitoringGroup, NewsAgency, …",
    "alignment": "'Side: why', e.g. 'Independent: not tied to any side'",
    "name": "the registry id it is (src:…)",
    "stance": "asserts or denies",
}

#: words too common in source names to tie a new source to a registry one
_COMMON_NAME_WORDS = frozenset(
    "said says group news agency official officials spokesman spokeswoman statement report "
    "source sources local international national forces people".split()
)

#: words that make a figure without a unit a count of people
_PEOPLE_COUNT_STEMS = (
    "kill",
    "dead",
    "died",
    "death",
    "toll",
    "wound",
    "injur",
    "fled",
    "displac",
    "evacu",
    "drept",
    "døde",
    "dødstall",
    "omkom",
    "skadd",
    "såret",
    "flykt",
    "evakuer",
)
#: the means of an attack named in a claim's words
_MEANS = re.compile(
    r"\b(?:sarin|chlorine|nerve (?:agents?|gas)|chemical weapons?|toxic (?:gas|chemicals?)|"
    r"barrel bombs?|air ?strikes?|air raids?|bombing|shelling|artillery|explosives?|"
    r"booby[- ]?trap\w*|missiles?|Buk|shells?|klorgass|giftgass|nervegass|kjemiske våpen|"
    r"flyangrep|luftangrep|bombing\w*|rakett\w*|bomber?)\b",
    re.IGNORECASE,
)
#: words too common to tie an entity's name to a quote ("its", "the", "from")
_FUNCTION_WORDS = frozenset(
    "the and its his her their our from with for that this was were are has have into over "
    "after before during den det dei som fra frå med til og for etter under over hans deres".split()
)
#: words that say who is responsible for an event
_BLAME = re.compile(
    r"\b(?:blam\w*|responsib\w*|carried out|behind|perpetrat\w*|accus\w*|sto bak|står bak|"
    r"stå bak|stod bak|ansvarl\w*|skyld\w*|beskyld\w*|skuld\w*|anklag\w*)\b",
    re.IGNORECASE,
)
#: words that say a means was used ("chlorine was used", "bruk av kjemiske våpen")
_USED = re.compile(
    r"\b(?:used|use|using|dropped|fired|released|release|contain\w*|brukt|bruk|bruke|brukte|"
    r"sluppet|inneholdt)\b",
    re.IGNORECASE,
)
#: words that name an event ("attack", "strike", "killing", "angrepet")
_EVENT_WORDS = re.compile(
    r"\b(?:attack|strike|airstrike|air strike|raid|bombing|shelling|blast|explosion|killing|"
    r"massacre|downing|shooting|angrep\w*|bombing\w*|eksplosjon\w*|nedskyting\w*)\b",
    re.IGNORECASE,
)
#: the government's side named as a regime ("the regime", "Assads regime", "regimet")
_REGIME = re.compile(r"\b(?:regime|regimet|regimes|regimets|regjeringsstyrk\w*)\b", re.IGNORECASE)
#: words that say something is not known ("it was not immediately clear", "uklart")
_UNKNOWN = re.compile(
    r"\b(?:not (?:immediately |yet )?(?:clear|known)|unclear|could not be (?:determined|"
    r"established|confirmed)|uklart|ikke kjent|ikke klart|"
    # "they do not know for sure how many", "has not been acknowledged", "did not have a toll"
    r"(?:do|does|did) not know|don't know|vet ikke|not been (?:acknowledged|confirmed|"
    r"established)|(?:did|does) not have a (?:toll|figure|count)|"
    # a judgement that something is unlikely is not the fact itself ("it was implausible to
    # suppose that the rebels could have …", "det er ikke logisk av regimet å …")
    r"implausible|unlikely|not logical|illogical|ikke logisk|ulogisk)\b",
    re.IGNORECASE,
)
#: a figure of what may yet happen ("could be displaced", "may try to flee", "kan komme til å")
_FORECAST = re.compile(
    r"\b(?:may|could|might|will|would)\s+(?:not\s+|also\s+|yet\s+|soon\s+)?"
    r"(?!have\b|had\b|been\b)[a-z]+\b|\bkan (?:komme|bli|stige)\b|\bvil (?:bli|stige|komme)\b",
    re.IGNORECASE,
)
#: a blame whose object is the figure's event ("blamed IS booby traps for the deaths of more
#: than 100", "holder regimet ansvarlig for drapet på")
_BLAMED_FOR = re.compile(
    r"\b(?:blam\w*|responsib\w*|accus\w*|ansvarl\w*|skyld\w*|beskyld\w*)\b[^.;]*?\b(?:for|of|på)\s+"
    r"(?:the\s+)?(?:deaths?|killings?|killing|drapet|drapene|dødsfall\w*)\b",
    re.IGNORECASE,
)
#: words of a state's offices that speak for its armed forces (a ministry, the army …)
_STATE_WORDS = (
    "ministry",
    "defence",
    "defense",
    "army",
    "military",
    "government",
    "president",
    "forsvar",
    "departement",
    "regjering",
    "hær",
    "militær",
)
#: words that name a force as armed ("Russian armed forces", "regjeringsstyrker")
_ARMED_WORDS = ("forces", "force", "army", "armed", "military", "troops", "styrk", "hær", "militær")
#: verbs of an attack whose subject (or agent after "by") did it
_ATTACK_VERB = re.compile(
    r"\b(?:attacked|shelled|bombed|struck|targeted|shot down|angrep(?:et)?|bombet|beskjøt|"
    r"skjøt ned)\b",
    re.IGNORECASE,
)
#: a denial going on to what the source holds instead ("…, claiming instead that", "…, saying
#: that", "og hevder i stedet at")
_INSTEAD = re.compile(
    r",\s*(?:claiming|saying|insisting|arguing|asserting|contending|suggesting)\b|"
    r"\b(?:og|men)\s+(?:hevder|mener|sier|seier|påstår)\s+(?:i staden\s+|i stedet\s+)?at\b",
    re.IGNORECASE,
)
#: an infinitive of purpose: what someone sets out to do is not done ("the battle to liberate
#: the city", "in their effort to liberate their land", "for å gjenerobre byen")
_PURPOSE = re.compile(
    r"\b(?:(?:battle|fight|struggle|effort|efforts|operation|operations|offensive|campaign|bid|"
    r"attempt|push|drive|plan|plans|order)\s+to|for å|forsøk på å)\s+(?:\w+\s+)?"
    r"(?:liberate|retake|recapture|capture|seize|take|control|free|drive|use|befri\w*|"
    r"gjenerobre|erobre|ta|kontrollere|bruke)\b",
    re.IGNORECASE,
)
#: prepositions that make a means of attack a circumstance ("in its bombing runs", "etter
#: granatangrep", "utsett for luftangrep"), not what the claim says was used
_CIRCUMSTANCE = frozenset(
    "in during after amid under from through i under etter fra frå for gjennom blant".split()
)
#: person-noun stems of the lexicon that are verbs or participles, never the name of a group
_VERB_STEMS = frozenset(
    "fled flee killed dead wounded evacuated flykt drept såret døde evakuert".split()
)

#: words that open a clause, not a sentence: a quote opening so is given as what X said
_CLAUSE_OPENERS = frozenset(
    "he she it they we i you his her its their our my this that these those which who whom "
    "whose there han hun den det de vi jeg som hans hennes dens dets deres".split()
)

_PHRASE_ENDS = frozenset(
    "have has had were was are is will would could in of from to on at by who which that and "
    "har hadde er var ble blir vil skal i fra til på av som og".split()
)


#: review-side words of what a figure counts, beside the lexicon's (the lexicon's first):
#: what people suffered, where they still are, that they left
_MORE_HINTS: dict[str, dict[str, str]] = {
    "en": {
        "suffer": "injuredCount",
        "treated": "injuredCount",
        "symptom": "injuredCount",
        "left": "evacuatedCount",
        "leaving": "evacuatedCount",
        "evacuat": "evacuatedCount",
        "live": "population",
        "living": "population",
        "remain": "population",
        "caught": "population",
        "stuck": "population",
    },
    "nb": {
        "led": "injuredCount",
        "behandl": "injuredCount",
        "forlot": "evacuatedCount",
        "evaku": "evacuatedCount",
        "bor": "population",
        "budde": "population",
        "innanfor": "population",
        "innenfor": "population",
        "befant": "population",
        "fanget": "population",
    },
}
#: properties of who the people counted are (a force's fighters, a place's inhabitants), after
#: any property of what happened to them
_WHO_THEY_ARE = frozenset({"strength", "population"})
#: a quote that refers back to the sentence before for what it counts ("Of them", "Av dem")
_REFERS_BACK = re.compile(
    r"^\W*(?:of (?:them|those|these)|among them|including|another|others?|av (?:dem|disse)|"
    r"blant (?:dem|disse)|derav)\b",
    re.IGNORECASE,
)
#: a share of a place in words: "half of the city", "about a quarter", "two thirds", "to tredeler"
_FRACTIONS: dict[str, dict[str, int | Decimal]] = {
    "en": {"half": 50, "quarter": 25, "third": Decimal("33.3"), "thirds": Decimal("33.3")},
    "nb": {
        "halvparten": 50,
        "halve": 50,
        "halvdelen": 50,
        "kvart": 25,
        "fjerdedel": 25,
        "fjerdedeler": 25,
        "tredel": Decimal("33.3"),
        "tredeler": Decimal("33.3"),
        "tredjedel": Decimal("33.3"),
        "tredjedeler": Decimal("33.3"),
        "tredjepart": Decimal("33.3"),
    },
}
_FRACTION_COUNTS = {
    "en": {"a": 1, "one": 1, "two": 2, "three": 3},
    "nb": {"en": 1, "ei": 1, "to": 2, "tre": 3},
}
#: the vague figures of people extract's lexicon lacks ("several staff", "a few hundred")
_MORE_VAGUE: dict[str, dict[str, tuple[str, int, int | None]]] = {
    "en": {"a few hundred": ("several", 200, 999), "several": ("several", 3, None)},
    "nb": {"noen hundre": ("several", 200, 999)},
}


def _share(quote: str, lang: str) -> CommentedMap | None:
    """A share in words as a percent figure ("about a quarter of the city": about 25)."""
    fractions = _FRACTIONS.get(lang, {})
    counts = _FRACTION_COUNTS.get(lang, {})
    qualifiers = LEXICONS[lang].qualifiers
    alternatives = [sorted(qualifiers, key=len, reverse=True), list(counts)]
    qual, count_words = ("|".join(re.escape(w) for w in words) for words in alternatives)
    parts = "|".join(sorted(fractions, key=len, reverse=True))
    m = re.search(
        rf"(?<![\wæøå])(?:(?P<qual>{qual})\s+)?(?:(?P<count>{count_words})\s+)?"
        rf"(?P<part>{parts})(?![\wæøå])",
        quote,
        re.IGNORECASE,
    )
    if m is None:
        return None
    part = m.group("part").casefold()
    if part in ("half", "halve") and not re.match(r"\s+(?:of|av)\b", quote[m.end() :]):
        return None  # "half an hour", "halve prisen": no share of a place
    if re.search(r"\b(?:the|den|det)\s+[\wæøå-]+\s+$", quote[: m.start()], re.IGNORECASE):
        return None  # "the western half of the city", "den østlige halvdelen": a place
    count = counts.get((m.group("count") or "").casefold(), 1)
    value = Decimal(fractions[part]) * count
    if value == Decimal("66.6"):
        value = Decimal("66.7")
    qualifier = qualifiers.get(norm_name(m.group("qual") or ""), "about")
    lower, upper = bounds(qualifier, value)
    figure = CommentedMap(phrase=CommentedMap({lang: m.group(0)}), qualifier=qualifier)
    for key, number in (("lower", lower), ("upper", upper), ("nominal", value)):
        if number is not None:
            figure[key] = _plain(number)
    figure["unit"] = "percent"
    return figure


def _counting_near(quote: str, start: int, end: int) -> bool:
    """Do words that count people stand by a bare figure, in its clause (before it, or in the
    five words after it; no comma between): "the toll rose to 86", "9,606 names of people
    killed"?"""
    before = re.split(r"[,;:()]", quote[:start])[-1]
    after = re.split(r"[,;:()]", quote[end:])[0]
    near = re.findall(r"[\wæøå]+", before.casefold())
    near += re.findall(r"[\wæøå]+", after.casefold())[:5]
    return any(w.startswith(_PEOPLE_COUNT_STEMS) for w in near) and not re.search(
        r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
        r"december|januar|februar|mars|mai|juni|juli|oktober|desember)\s*$",
        quote[:start].casefold(),
    )


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


class _FigureReader(QuantityReader):
    """Reads the figures of a quote with the lexicon's number words (as extract does)."""

    def __init__(self, lang: str) -> None:
        self.lex = LEXICONS[lang]
        self.p = Patterns(self.lex)
        self.text = ""
        self.lang = lang

    def people(self, quote: str) -> CommentedMap | None:
        """The first figure of people in the quote: one whose noun names people, else a bare
        figure in words that count people ("the toll rose to 86", "22,224 displaced"), else a
        vague one ("several", "a few hundred"); None when there is none."""
        self.text = quote
        words = [w.casefold() for w in re.findall(r"[\wæøå]+", quote)]
        counts_people = any(w.startswith(_PEOPLE_COUNT_STEMS) for w in words)
        if not counts_people:
            return None
        vague = self._vague(quote, several=False)
        if vague is not None:
            return vague  # "a few hundred": not the "hundred" in it
        for m in self.p.quantity.finditer(quote):
            quantity = self._quantity(m, 0)
            if quantity is None or quantity.unit not in (None, "person"):
                continue
            if quantity.unit is None and not _counting_near(quote, m.start(), m.end()):
                continue  # "on March 16", "an estimate of 300, making it the deadliest …"
            if (
                quantity.qualifier == "exactly"
                and quantity.nominal is not None
                and (
                    quantity.nominal < 2
                    or 1900 <= quantity.nominal <= 2100
                    and "," not in m.group(0)
                )
            ):
                continue  # "one", a year
            figure = CommentedMap(
                phrase=CommentedMap({self.lang: quantity.phrase}), qualifier=quantity.qualifier
            )
            for key in ("lower", "upper", "nominal"):
                number = getattr(quantity, key)
                if number is not None:
                    figure[key] = _plain(number)
            figure["unit"] = "person"
            return figure
        return self._vague(quote, several=True)

    def _vague(self, quote: str, several: bool) -> CommentedMap | None:
        """A vague figure the lexicon lacks: the phrases of several words ("a few hundred"),
        with ``several`` the single words too ("several staff")."""
        for phrase, (qualifier, low, high) in _MORE_VAGUE.get(self.lang, {}).items():
            if " " not in phrase and not several:
                continue
            vague = re.search(rf"(?<![\wæøå]){re.escape(phrase)}(?![\wæøå])", quote, re.IGNORECASE)
            if vague:
                figure = CommentedMap(
                    phrase=CommentedMap({self.lang: vague.group(0)}), qualifier=qualifier
                )
                figure["lower"] = low
                if high is not None:
                    figure["upper"] = high
                figure["unit"] = "person"
                return figure
        return None


class _Days(DayReader):
    """Reads a time phrase of the draft with the lexicon's day words."""

    def __init__(self, lang: str) -> None:
        self.lex = LEXICONS[lang]
        self.p = Patterns(self.lex)
        self.text = ""


# --------------------------------------------------------------------------- small helpers


def _known(term: str) -> bool:
    """Does the ontology declare the term (model v2's kinds and properties may not be there)?"""
    return term in CL.__annotations__


def _generic(name: str, lang: str) -> bool:
    """Is a new source's name no proper name: a pronoun ("he", "– Jeg") or common nouns
    only ("Monitoring group", "sources"), capitalised at most as a sentence's first word?"""
    words = re.findall(r"[\wæøå'’-]+", name)
    if not words:
        return True
    lex = LEXICONS[lang]
    pronouns = {*lex.person_pronouns, *lex.group_pronouns, *lex.clause_pronouns}
    if len(words) == 1:
        return words[0].casefold() in pronouns or words[0].islower()
    return all(w.islower() for w in words[1:])


def _lost_by(quote: str, name: str) -> bool:
    """Is the name the side that lost the place ("recaptured the city from the Taliban",
    "victory over Daesh", "drevet ut av …" is not: there the agent is after "av")?"""
    bare = strip_parenthesis(name).strip()
    if len(bare) < 3:
        return False
    return (
        re.search(
            rf"\b(?:from|over|against|fra|mot)\s+(?:the\s+|[\w-]+\s+)?{re.escape(bare)}",
            quote,
            re.IGNORECASE,
        )
        is not None
    )


def _has_word(text: str, word: str) -> bool:
    """Does the text hold the word (or phrase) as whole words?"""
    return re.search(rf"(?<![\wæøå]){re.escape(word.strip())}(?![\wæøå])", text) is not None


def _name(value: Any) -> str:
    """A language map's first value (or the value itself)."""
    if isinstance(value, dict):
        for text in value.values():
            return str(text[0] if isinstance(text, list) else text)
        return ""
    return str(value) if value is not None else ""


def exact_quote(claim: Mapping[str, Any]) -> str:
    """The exact words of a claim's first TextQuoteSelector ("" when it has none)."""
    for quote in claim.get("quote", []) or []:
        for selector in quote.get("selector", []) or []:
            if selector.get("type") == "TextQuoteSelector":
                return str(selector.get("exact", ""))
    return ""


def _position(claim: CommentedMap) -> tuple[int, int] | None:
    for quote in claim.get("quote", []) or []:
        for selector in quote.get("selector", []) or []:
            if selector.get("type") == "TextPositionSelector":
                return int(selector["start"]), int(selector["end"])
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[\wæøå]+", norm_name(text))


def _bare(name: str) -> str:
    """A name without determiners, titles and punctuation, for comparing ("Dr Anika Sorel" →
    "anika sorel", "Nour al-Din" → "nour al din")."""
    words = [
        w
        for w in re.sub(r"[^\wæøå]+", " ", norm_name(name)).split()
        if w not in ("the", "a", "an", "dr", "mr", "mrs", "ms", "prof", "den", "det", "de")
    ]
    return " ".join(words)


def _short(iri: str) -> str:
    return "src:" + iri.removeprefix(_SOURCE_STEM) if iri.startswith(_SOURCE_STEM) else iri


def _figure(quantity: CommentedMap) -> str:
    phrase = _name(quantity.get("phrase"))
    bounds = "–".join(str(quantity[k]) if k in quantity else "…" for k in ("lower", "upper"))
    return f"'{phrase}' {quantity.get('qualifier', '')} {bounds} {quantity.get('unit', '')}".strip()


def _span_label(span: dict[str, Any]) -> str:
    earliest, latest = span.get("earliest"), span.get("latest")
    if earliest and latest and earliest != latest:
        return f"{earliest}–{latest}"
    if earliest or latest:
        return f"{'by ' if not earliest else ''}{latest or earliest}"
    return "unknown"


def _set(node: CommentedMap, key: str, value: Any) -> None:
    node[key] = value


def _put_first(node: CommentedMap, key: str, value: Any) -> None:
    if key in node:
        node[key] = value
    else:
        node.insert(0, key, value)


def _insert_after(node: CommentedMap, key: str, value: Any, after: str) -> None:
    """Set ``key``, placed after ``after`` when it is new (the house order of fields)."""
    if key in node:
        node[key] = value
        return
    keys = list(node.keys())
    position = keys.index(after) + 1 if after in keys else len(keys)
    node.insert(position, key, value)


def _rename_refs(value: Any, old: str, new: str) -> None:
    """Replace every string ``old`` inside a node (references) with ``new``."""
    if isinstance(value, CommentedMap):
        for key in list(value.keys()):
            if value[key] == old:
                value[key] = new
            else:
                _rename_refs(value[key], old, new)
    elif isinstance(value, CommentedSeq):
        for index, item in enumerate(value):
            if item == old:
                value[index] = new
            else:
                _rename_refs(item, old, new)


# --------------------------------------------------------------------------- a case's vocabulary

#: the file a case declares its own properties in, looked for beside the registry or the draft
VOCABULARY_FILE = "vocabulary.yaml"
_KINDS = ("Exclusive", "Quantitative", "Plain")
#: words of a property's label that say it counts, not what it counts ("number of people …")
_LABEL_FILLER = frozenset(
    "number numbers count amount total people person persons how many time times who which "
    "that whose where when antall tall mengde personer folk mennesker hvor mange gang ganger "
    "tid".split()
)


def default_vocabulary(draft: Path, sources: Path | None) -> Path | None:
    """The case's ``vocabulary.yaml`` beside the registry (``--sources``), else beside the
    draft; None when there is none."""
    for folder in ([sources.parent] if sources is not None else []) + [draft.parent]:
        candidate = folder / VOCABULARY_FILE
        if candidate.is_file():
            return candidate
    return None


def read_vocabulary(path: Path) -> tuple[DeclaredProperty, ...]:
    """The proposition properties a case's vocabulary file declares, read as a claim file (the
    loader, then ``queries/declared-properties.rq``); InputError with file:line when the file
    is not a vocabulary the review can use."""
    batch = load_file(path)
    store = ox.Store()
    store.extend(batch.quads)
    rows = {row["property"]: row for row in select(store, "declared-properties", None)}
    declared_type = CL_IRI + "PropositionProperty"
    typed = [
        q.subject.value
        for q in batch.quads
        if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        and isinstance(q.object, ox.NamedNode)
        and q.object.value == declared_type
        and isinstance(q.subject, ox.NamedNode)
    ]
    if not typed:
        raise InputError(
            "the vocabulary declares no proposition property",
            where=str(path),
            hint="declare each property as a node with 'type: PropositionProperty', a 'label', "
            "a 'propertyKind' and, for a quantity, a 'dimension' and a 'defaultUnit' (README: "
            "A case's own properties)",
        )
    labels: dict[str, list[str]] = {}
    for quad in batch.quads:
        if (
            quad.predicate.value == RDFS_LABEL
            and isinstance(quad.subject, ox.NamedNode)
            and isinstance(quad.object, ox.Literal)
        ):
            labels.setdefault(quad.subject.value, []).append(quad.object.value)
    prefixes = context_prefixes(path)
    found: list[DeclaredProperty] = []
    for iri in dict.fromkeys(typed):
        prefix = next(
            (
                (name, stem)
                for name, stem in sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
                if iri.startswith(stem) and len(iri) > len(stem)
            ),
            None,
        )
        name = f"{prefix[0]}:{iri.removeprefix(prefix[1])}" if prefix else iri
        where = str(batch.node_locations.get(iri, path))
        row = rows.get(iri)
        kind = row["kind"].removeprefix(CL_IRI) if row else ""
        if kind not in _KINDS:
            raise InputError(
                f"the property {name} has no propertyKind the review knows"
                + (f" ({kind!r})" if kind else ""),
                where=where,
                hint="give it 'propertyKind: Exclusive', 'Quantitative' or 'Plain'",
            )
        if not labels.get(iri):
            raise InputError(
                f"the property {name} has no label",
                where=where,
                hint="give it a label with its language: label: {en: number of passengers}",
            )
        dimension = row["dimension"].removeprefix(CL_IRI) if row else ""
        if kind == "Quantitative" and not dimension:
            raise InputError(
                f"the quantitative property {name} has no dimension",
                where=where,
                hint="give it 'dimension: Count' (or Length, Duration, Ratio) and a defaultUnit",
            )
        found.append(
            DeclaredProperty(
                iri=iri,
                name=name,
                kind=kind,
                dimension=dimension,
                unit=row["defaultUnit"].removeprefix(CL_IRI) if row else "",
                labels=tuple(dict.fromkeys(labels[iri])),
                prefix=prefix,
            )
        )
    return tuple(found)


def _label_words(label: str) -> list[str]:
    """A label's words that name what is counted or said ("sheltering", "building")."""
    return [
        w
        for w in _words(label)
        if len(w) > 2 and w not in _LABEL_FILLER and w not in _FUNCTION_WORDS
    ]


def _same_stem(word: str, other: str) -> bool:
    """One word, inflected or not ("escape", "escaped"; "passenger", "passengers")."""
    if word == other:
        return True
    shared = len(os.path.commonprefix([word, other]))
    return shared >= 5 and shared >= min(len(word), len(other)) - 3


def label_match(prop: DeclaredProperty, text: str) -> float:
    """The share of a declared property's words the text holds: its label's (the best of its
    languages) with its name's ("survivorCount": survivor) counted with each."""
    words = _words(text)
    local = re.split(r"[/#:]", prop.name)[-1]
    named = _label_words(re.sub(r"(?<=[a-zæøå])(?=[A-ZÆØÅ])", " ", local))
    best = 0.0
    for label in prop.labels or ("",):
        own = list(dict.fromkeys([*_label_words(label), *named]))
        if own:
            hits = sum(1 for w in own if any(_same_stem(w, t) for t in words))
            best = max(best, hits / len(own))
    return best
