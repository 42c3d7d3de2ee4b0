"""Synthetic claim files for the ledger benchmark: YAML batches that conform to the shapes.

``write_registry(folder)`` writes the sources and entities every batch refers to (about 60
sources, 400 places in 40 regions, forces, groups of people); ``write_batch(folder, n, size)``
writes batch ``n``: ``size`` claims in one YAML file, and the 50 news articles they quote, each
a synthetic text of about 4,000 characters stored beside it with its SHA-256. A batch names the
registry without describing it, as a journalist's batch names sources already in the ledger, so
``add`` validates it against the context it needs from the ledger.

The claims vary as a war-reporting ledger does: control of places by six forces, displacement
figures with qualifiers and bounds, distances in metres and kilometres, durations, strengths,
plain relations between entities; stances asserted and denied; own reporting, wire relays
(naming the agency), broadcasts and unstated transmissions; times of day, week and month
precision, some counted back from the article ("on Sunday"); derivations from earlier claims of
the batch; quotes in Norwegian, English or Arabic, anchored by code-point offsets with prefix and
suffix, and translated into English where the article is not. Everything is a pure function of
the batch number, so a run is reproducible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

CONTEXT = """'@context':
- https://w3id.org/claim-ledger/context.jsonld
- syn: https://w3id.org/claim-ledger/case/synthetic/
  src: https://w3id.org/claim-ledger/source/synthetic/
  ent: https://w3id.org/claim-ledger/entity/synthetic/
"""

CLAIMS_PER_ARTICLE = 20
REGIONS = 40
PLACES_PER_REGION = 10
START = dt.date(2015, 1, 1)
PERIOD_DAYS = 1460
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

FORCES = [
    ("government-forces", "Government forces", "regjeringsstyrkene", "القوات الحكومية"),
    ("rebel-forces", "Rebel forces", "opprørerne", "قوات المعارضة"),
    ("kurdish-forces", "Kurdish forces", "kurdiske styrker", "القوات الكردية"),
    ("isis", "Islamic State", "IS", "تنظيم الدولة"),
    ("turkish-backed-forces", "Turkish-backed forces", "tyrkiskstøttede styrker", "فصائل مدعومة"),
    ("militia", "Local militia", "lokal milits", "ميليشيا محلية"),
]
#: (slug, English name, kind, alignment): organisations that speak.
ORGANISATIONS = [
    ("state-news-agency", "State news agency", "StateMedia", "ProGovernment"),
    ("state-television", "State television", "StateMedia", "ProGovernment"),
    ("ministry-of-defence", "Ministry of Defence", "Government", "ProGovernment"),
    ("allied-broadcaster", "Allied broadcaster", "Broadcaster", "ProGovernment"),
    ("allied-militia", "Allied militia", "ArmedGroup", "ProGovernment"),
    ("monitoring-group", "Monitoring group", "MonitoringGroup", "Opposition"),
    ("civil-defence", "Civil defence", "CivilDefence", "Opposition"),
    ("rebel-coalition", "Rebel coalition", "ArmedGroup", "Opposition"),
    ("opposition-council", "Opposition council", "Government", "Opposition"),
    ("opposition-tv", "Opposition television", "Broadcaster", "Opposition"),
    ("kurdish-command", "Kurdish command", "ArmedGroup", "Kurdish"),
    ("kurdish-news", "Kurdish news network", "Broadcaster", "Kurdish"),
    ("rights-watch", "Rights watch", "HumanRightsOrganisation", "Independent"),
    ("aid-coalition", "Aid coalition", "HumanRightsOrganisation", "Independent"),
    ("un-office", "UN office", "Government", "Independent"),
]
AGENCIES = ["wire-north", "wire-south", "wire-east", "wire-west"]
OUTLETS = [f"outlet-{n}" for n in range(10)]
#: persons speaking for the organisation at that index of ORGANISATIONS
SPOKESPEOPLE = [(n % len(ORGANISATIONS), f"spokesperson-{n}") for n in range(30)]
LANGUAGES = ["nb", "en", "ar"]

WORDS = {
    "nb": "og i på det som en til er for med har av de ikke den sa var om fra etter byen "
    "styrkene sivile området nord sør vest øst kamper angrep flukt bydel veien grensen".split(),
    "en": "and in the of to a is for with has by they not it said was about from after city "
    "forces civilians area north south west east fighting attack flight district road".split(),
    "ar": "في من على إلى عن مع بعد قال المدينة القوات المدنيين المنطقة شمال جنوب غرب شرق "
    "معارك هجوم نزوح حي الطريق الحدود".split(),
}
QUALIFIERS = ["about", "atLeast", "moreThan", "nearly", "several", "between", "exactly", "many"]
PLAIN = ["fledTo", "supportedBy", "alliedWith", "presentIn", "borders", "launchedOffensiveAgainst"]


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def place_slug(n: int) -> str:
    return f"place-{n // PLACES_PER_REGION:02d}-{n % PLACES_PER_REGION}"


def write_registry(folder: Path) -> list[Path]:
    """The sources and entities that every batch names; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [CONTEXT, "'@graph':\n"]
    for slug, name, kind, alignment in ORGANISATIONS:
        lines.append(
            f"- id: src:{slug}\n  type: Organization\n  name:\n    en: {_q(name)}\n"
            f"  alternateName:\n    nb:\n    - {_q(name + ' (nb)')}\n"
            f"  sourceKind: {kind}\n  alignment: {alignment}\n"
            f"  alignmentRationale: {_q(f'{name} is run by or sides with the {alignment} camp.')}\n"
        )
    for slug in AGENCIES:
        lines.append(
            f"- id: src:{slug}\n  type: Organization\n  name:\n    en: {_q(slug.title())}\n"
            "  sourceKind: NewsAgency\n  alignment: Independent\n"
            "  alignmentRationale: A wire service with no stake in the conflict.\n"
        )
    for slug in OUTLETS:
        lines.append(
            f"- id: src:{slug}\n  type: Organization\n  name:\n    en: {_q(slug.title())}\n"
            "  sourceKind: NewsOutlet\n  alignment: Independent\n"
            "  alignmentRationale: A newspaper that reports the conflict from abroad.\n"
        )
    for org, slug in SPOKESPEOPLE:
        lines.append(
            f"- id: src:{slug}\n  type: Person\n  name:\n    en: {_q(slug.title())}\n"
            f"  jobTitle:\n    en: Spokesperson\n  actedOnBehalfOf: src:{ORGANISATIONS[org][0]}\n"
        )
    lines.append(
        "- id: src:translators\n  type: Organization\n  name:\n    en: Synthetic translators\n"
        "  sourceKind: Checker\n"
    )
    (folder / "sources.yaml").write_text("".join(lines), encoding="utf-8")

    lines = [CONTEXT, "'@graph':\n"]
    lines.append(
        "- id: syn:case\n  type: Case\n  identifier: synthetic\n"
        "  name:\n    en: Synthetic war reporting\n"
    )
    for region in range(REGIONS):
        lines.append(
            f"- id: ent:region-{region:02d}\n  type: Place\n"
            f"  name:\n    en: Region {region}\n    nb: Region {region}\n"
        )
    for n in range(REGIONS * PLACES_PER_REGION):
        lines.append(
            f"- id: ent:{place_slug(n)}\n  type: Place\n  name:\n    en: Town {n}\n"
            f"    nb: By {n}\n  partOf: ent:region-{n // PLACES_PER_REGION:02d}\n"
            f"- id: ent:civilians-{place_slug(n)}\n  type: PeopleGroup\n"
            f"  name:\n    en: Civilians of town {n}\n"
        )
    for slug, en, nb, _ar in FORCES:
        lines.append(
            f"- id: ent:{slug}\n  type: Force\n  name:\n    en: {_q(en)}\n    nb: {_q(nb)}\n"
        )
    (folder / "entities.yaml").write_text("".join(lines), encoding="utf-8")
    return [folder / "sources.yaml", folder / "entities.yaml"]


@dataclass
class _Sentence:
    start: int
    end: int
    text: str


def _article(rng: random.Random, language: str, n_sentences: int) -> tuple[str, list[_Sentence]]:
    """An article of filler sentences; returns its text and where each sentence is."""
    words = WORDS[language]
    parts: list[str] = []
    sentences: list[_Sentence] = []
    position = 0
    header = f" date {rng.randrange(2015, 2019)}\n\n"
    parts.append(header)
    position += len(header)
    for n in range(n_sentences):
        body = " ".join(rng.choice(words) for _ in range(rng.randrange(12, 30)))
        text = f"{body[0].upper()}{body[1:]} {n}"
        sentences.append(_Sentence(position, position + len(text), text))
        tail = ".\n\n" if n % 4 == 3 else ". "
        parts.append(text + tail)
        position += len(text) + len(tail)
    return "".join(parts), sentences


def _date(day: int) -> str:
    return (START + dt.timedelta(days=day)).isoformat()


def _time_span(rng: random.Random, day: int, article: str, indent: str) -> str:
    kind = rng.random()
    if kind < 0.5:
        lines = [f"earliest: '{_date(day)}'", f"latest: '{_date(day)}'"]
        lines.append("precision: dayPrecision")
    elif kind < 0.8:
        lines = [f"earliest: '{_date(day)}'", f"latest: '{_date(day + 6)}'"]
        lines.append("precision: weekPrecision")
    else:
        first = START + dt.timedelta(days=day)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        lines = [
            f"earliest: '{first.replace(day=1).isoformat()}'",
            f"latest: '{last.isoformat()}'",
            "precision: monthPrecision",
        ]
        if rng.random() < 0.5:
            lines += [f"dayOfWeek: {rng.choice(DAYS)}", f"relativeTo: {article}"]
    return "".join(f"{indent}{line}\n" for line in lines)


def _proposition(rng: random.Random, batch: int, claim: int) -> tuple[str, str]:
    """A proposition (YAML lines at 4 spaces) and its English statement."""
    place = rng.randrange(REGIONS * PLACES_PER_REGION)
    pslug = place_slug(place)
    kind = rng.random()
    if kind < 0.35:
        force = FORCES[rng.randrange(len(FORCES))]
        return (
            f"    subject: ent:{pslug}\n    property: controlledBy\n    value: ent:{force[0]}\n"
            f"    place: ent:{pslug}\n",
            f"{force[1]} control town {place}.",
        )
    if kind < 0.65:
        nominal = rng.choice([50, 200, 1000, 2500, 5000, 10000, 30000]) * rng.randrange(1, 4)
        qualifier = rng.choice(QUALIFIERS)
        lower, upper = _bounds(qualifier, nominal)
        quantity = _quantity(qualifier, nominal, lower, upper, "person", f"{nominal} sivile")
        return (
            f"    subject: ent:civilians-{pslug}\n    property: displacedCount\n{quantity}"
            f"    place: ent:{pslug}\n",
            f"{qualifier} {nominal} civilians have fled town {place}.",
        )
    if kind < 0.75:
        unit = rng.choice(["metre", "kilometre"])
        nominal = rng.randrange(1, 40) * (100 if unit == "metre" else 1)
        qualifier = rng.choice(["about", "lessThan", "nearly", "exactly"])
        lower, upper = _bounds(qualifier, nominal)
        force = FORCES[rng.randrange(len(FORCES))]
        quantity = _quantity(qualifier, nominal, lower, upper, unit, f"{nominal} {unit}")
        return (
            f"    subject: ent:{force[0]}\n    property: distanceFrom\n{quantity}"
            f"    place: ent:{pslug}\n",
            f"{force[1]} are {qualifier} {nominal} {unit}s from town {place}.",
        )
    if kind < 0.82:
        force = FORCES[rng.randrange(len(FORCES))]
        nominal = rng.randrange(100, 5000)
        qualifier = rng.choice(["about", "atLeast", "several"])
        lower, upper = _bounds(qualifier, nominal)
        quantity = _quantity(qualifier, nominal, lower, upper, "person", f"{nominal} krigere")
        return (
            f"    subject: ent:{force[0]}\n    property: strength\n{quantity}"
            f"    place: ent:{pslug}\n",
            f"{force[1]} have {qualifier} {nominal} fighters near town {place}.",
        )
    if kind < 0.87:
        unit = rng.choice(["day", "month", "year"])
        nominal = rng.randrange(2, 30)
        lower, upper = _bounds("about", nominal)
        quantity = _quantity("about", nominal, lower, upper, unit, f"{nominal} {unit}")
        return (
            f"    subject: ent:civilians-{pslug}\n    property: separationDuration\n{quantity}",
            f"Families of town {place} have been apart for about {nominal} {unit}s.",
        )
    relation = rng.choice(PLAIN)
    other = place_slug(rng.randrange(REGIONS * PLACES_PER_REGION))
    if relation in ("fledTo", "presentIn"):
        subject, value = f"ent:civilians-{pslug}", f"ent:{other}"
    elif relation == "borders":
        subject, value = f"ent:{pslug}", f"ent:{other}"
    else:
        a, b = rng.sample(FORCES, 2)
        subject, value = f"ent:{a[0]}", f"ent:{b[0]}"
    return (
        f"    subject: {subject}\n    property: {relation}\n    value: {value}\n"
        f"    place: ent:{pslug}\n",
        f"{subject.split(':')[1]} {relation} {value.split(':')[1]} (claim {batch}-{claim}).",
    )


def _bounds(qualifier: str, nominal: int) -> tuple[int | None, int | None]:
    if qualifier == "exactly":
        return nominal, nominal
    if qualifier in ("about", "between"):
        return nominal * 9 // 10, nominal * 11 // 10 + 1
    if qualifier in ("atLeast", "moreThan", "many"):
        return nominal, None
    if qualifier in ("lessThan", "nearly"):
        return 0, nominal
    return 2, nominal * 5  # several


def _quantity(
    qualifier: str, nominal: int, lower: int | None, upper: int | None, unit: str, phrase: str
) -> str:
    lines = [f"      phrase:\n        nb: {_q(phrase)}\n", f"      qualifier: {qualifier}\n"]
    if lower is not None:
        lines.append(f"      lower: {lower}\n")
    if upper is not None:
        lines.append(f"      upper: {upper}\n")
    lines.append(f"      nominal: {nominal}\n      unit: {unit}\n")
    return "    quantity:\n" + "".join(lines)


def write_batch(folder: Path, batch: int, size: int) -> Path:
    """Write batch ``batch`` (``size`` claims and their articles) into ``folder``; returns it."""
    rng = random.Random(batch)
    folder.mkdir(parents=True, exist_ok=True)
    n_articles = max(1, -(-size // CLAIMS_PER_ARTICLE))
    docs = [CONTEXT, "'@graph':\n"]
    claims = [CONTEXT, "'@graph':\n"]
    sources = [slug for slug, *_ in ORGANISATIONS] + [slug for _, slug in SPOKESPEOPLE]
    written = 0
    for article_no in range(n_articles):
        language = LANGUAGES[(batch + article_no) % len(LANGUAGES)]
        count = min(CLAIMS_PER_ARTICLE, size - written)
        text, sentences = _article(rng, language, max(count, 24))
        name = f"article-{batch:06d}-{article_no:03d}.{language}.txt"
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        article = f"syn:article/{batch}/{article_no}"
        outlet = OUTLETS[(batch * 7 + article_no) % len(OUTLETS)]
        day = 10 + (batch * 37 + article_no * 3) % (PERIOD_DAYS - 20)
        docs.append(
            f"- id: {article}\n  type:\n  - Document\n  - NewsArticle\n"
            f"  localCopy: {name}\n  sha256: {hashlib.sha256(data).hexdigest()}\n"
            f"  inLanguage: {language}\n  datePublished:\n    '@value': '{_date(day + 2)}'\n"
            f"    '@type': xsd:date\n  publisher: src:{outlet}\n"
            f"  headline:\n    {language}: {_q(sentences[0].text[:60])}\n"
        )
        chosen = rng.sample(range(len(sentences)), count)
        for k, sentence_no in enumerate(chosen):
            claim_no = written + k
            sentence = sentences[sentence_no]
            proposition, statement = _proposition(rng, batch, claim_no)
            stance = "denies" if rng.random() < 0.1 else "asserts"
            transmission = rng.choice(["ownReporting", "wireRelay", "broadcast", "unstated"])
            source = outlet if transmission == "ownReporting" else rng.choice(sources)
            lines = [
                f"- id: syn:claim/{batch}/{claim_no}\n  type: Claim\n  case: syn:case\n",
                f"  statement: {_q(statement[0].upper() + statement[1:])}\n",
                f"  attributedTo: src:{source}\n  transmission: {transmission}\n",
            ]
            if transmission == "wireRelay":
                lines.append(f"  relayedBy: src:{rng.choice(AGENCIES)}\n")
            lines.append(f"  reportedIn: {article}\n  stance: {stance}\n  proposition:\n")
            lines.append(proposition)
            lines.append("    eventTime:\n")
            lines.append(_time_span(rng, day - rng.randrange(0, 5), article, "      "))
            if rng.random() < 0.3:
                lines.append("  statedTime:\n")
                lines.append(_time_span(rng, day, article, "    "))
            if k > 0 and rng.random() < 0.15:
                lines.append(f"  derivedFrom:\n  - syn:claim/{batch}/{claim_no - 1}\n")
            start, end = sentence.start, sentence.end
            prefix = text[max(0, start - 20) : start]
            suffix = text[end : end + 20]
            lines.append(
                f"  quote:\n  - source: {article}\n    selector:\n"
                f"    - type: TextQuoteSelector\n      exact: {_q(sentence.text)}\n"
                f"      prefix: {_q(prefix)}\n      suffix: {_q(suffix)}\n"
                f"    - type: TextPositionSelector\n      start: {start}\n      end: {end}\n"
            )
            if language != "en":
                lines.append(
                    f"    translation:\n      english: {_q(statement)}\n"
                    "      attributedTo: src:translators\n"
                )
            claims.append("".join(lines))
        written += count
    (folder / "articles.yaml").write_text("".join(docs), encoding="utf-8")
    (folder / "claims.yaml").write_text("".join(claims), encoding="utf-8")
    return folder
