"""The draft: the statements of an article as a claim file in YAML (JSON-LD), with what the
checker must still decide in each claim's ``toCheck``."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ledger.extraction.attribution import Statement
from ledger.extraction.days import resolved_span
from ledger.extraction.sources import Agent, Attribution, ascii_letters
from ledger.intake.anchor import CONTEXT_CHARS
from ledger.intake.load import CONTEXT_IRI, shipped_context

_DRAFT_STEM = "https://w3id.org/claim-ledger/draft/"


@dataclass
class Draft:
    """The statements found in an article, and the new agents they name."""

    text: str
    lang: str
    statements: list[Statement]
    new_agents: list[Agent]
    outlet: Agent
    published: tuple[dt.date, dt.date, str] | None


def render_draft(draft: Draft, article: Path) -> str:
    """The draft as a claim file in YAML (JSON-LD), loadable by ``validate`` and ``convert``."""
    text = draft.text
    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    stem = f"{_DRAFT_STEM}{digest[:12]}/"
    document = "draft:article"
    graph: list[dict[str, Any]] = []
    case_id = (
        re.sub(r"[^a-z0-9]+", "-", ascii_letters(article.stem).casefold()).strip("-") or "draft"
    )
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
    if agent.type_guessed:
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


@cache
def _knows_field(name: str) -> bool:
    """Does the shipped JSON-LD context define the field (model v2's ``hedge``)?"""
    return name in shipped_context()


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
    plain = _plain_sentence(draft, statement, words)
    claim["statement"] = plain or f'{agent.name}: "{quoted}"'
    if plain is None and draft.lang == "en":
        marks.append(
            "statement: write what the claim says as one plain English sentence "
            "(extract copied the source's words)"
        )
    claim["attributedTo"] = _ref(agent)
    if attribution.relay is not None:
        claim["relayedBy"] = _ref(attribution.relay)
    claim["transmission"] = attribution.transmission
    claim["reportedIn"] = document
    claim["stance"] = attribution.stance
    if statement.hedges:
        if _knows_field("hedge"):
            claim["hedge"] = [
                {"kind": kind, "phrase": {draft.lang: phrase}} for kind, phrase in statement.hedges
            ]
        else:
            marks.extend(
                f"hedge: the outlet hedges the claim ({kind}: '{phrase}'); this version of the "
                "model has no hedge field, so extract could not record it"
                for kind, phrase in statement.hedges
            )
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
        # one task, not two: the English statement is written from the translation
        marks.append(
            "quote.translation: translate the quote into English, with its translator, and write "
            "the claim's statement as one plain English sentence from it (extract copied the "
            "original words)"
        )
    marks.extend(attribution.marks)
    marks.extend(statement.marks)
    if attribution.stance == "denies":
        marks.append(f"stance: denies, from the cue '{attribution.cue}'; confirm what is denied")
    claim["toCheck"] = marks
    return claim


def _plain_sentence(draft: Draft, statement: Statement, words: str) -> str | None:
    """The claim's statement when the source's own words already are one plain English sentence:
    reported (not quoted) words in English that open with a name, a determiner or a figure, not
    a pronoun whose referent a reader would have to look up."""
    if draft.lang != "en" or statement.direct or len(words) > 300 or "\n" in words:
        return None
    first = words.split()[0] if words.split() else ""
    if len(words.split()) < 4 or first.casefold() in _NOT_A_SENTENCE_START:
        return None
    if not (first[:1].isupper() or first[:1].isdigit() or first.casefold() in ("the", "a", "an")):
        return None
    if words[-1] in "\"'”’»":
        return None
    return words[:1].upper() + words[1:] + "."


#: words that open a clause but not a sentence a reader can take alone
_NOT_A_SENTENCE_START = frozenset(
    "he she it they we i you his her its their our my this that these those which who whom "
    "whose there and but or while whereas after because if when although as".split()
)


def _proposition(draft: Draft, statement: Statement, marks: list[str]) -> dict[str, Any] | None:
    """What the rules know of the proposition (figure, time); one mark for the rest.

    The subject, property and value are one decision for the checker (what the claim asserts),
    so they get one ``proposition:`` entry, naming a guessed property to confirm.
    """
    proposition: dict[str, Any] = {}
    quantity = statement.quantity
    undecided = ["subject"]
    guess = ""
    if quantity is not None:
        if quantity.property_hint:
            prop, word = quantity.property_hint
            proposition["property"] = prop
            guess = f"; property guessed as {prop} from the word '{word}' (confirm)"
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
    if quantity is None:
        marks.insert(0, "proposition: subject, property and value not decided by extract")
    else:
        marks.insert(0, f"proposition: {' and '.join(undecided)} not decided by extract{guess}")
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
        # no time in the words: bounded by the publication date only, which is certain
        earliest, latest, _ = published
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
    return resolved_span(published, time, lang)


def _stated_time(draft: Draft, attribution: Attribution) -> dict[str, Any] | None:
    """When the claim was made: the cue's day, the article's date for the outlet, else by then."""
    if draft.published is None:
        return None  # an optional field, left out rather than guessed
    if attribution.cue_time is not None:
        return resolved_span(draft.published, attribution.cue_time, draft.lang)
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
