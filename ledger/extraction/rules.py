"""The extractor's lexicon: attribution cues, clause markers, quantity and time words, per language.

Only words and small regular-expression fragments live here; the stage modules of
``ledger.extraction`` apply them.
Every fragment is a plain alternation of literal words (no nested quantifiers), so that no pattern
built from them can backtrack catastrophically.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of literal phrases, longest first (so "la til" wins over "la")."""
    escaped = sorted({w.replace(" ", r"\s+") for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(escaped) + ")"


def norm_name(text: str) -> str:
    """A name or phrase as compared: NFC, case-folded, single spaces, no outer punctuation."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip(" \t\n,.;:!?\"'«»“”’()")
    return text


@dataclass(frozen=True)
class Lexicon:
    """The words one language uses to attribute, split, count and date statements."""

    lang: str
    #: finite verbs of saying, in any position ("opplyser", "said")
    say: tuple[str, ...]
    #: the subset of ``say`` that denies what follows ("avviser", "denied")
    deny: tuple[str, ...]
    #: prepositions introducing a source ("ifølge", "according to")
    according: tuple[str, ...]
    #: verbs of showing, whose subject is a broadcaster ("viste", "showed")
    show: tuple[str, ...]
    #: participles taking a passive agent ("anklaget av", "accused by")
    passive: tuple[str, ...]
    passive_by: str
    #: words that open a content clause after a verb of saying ("at", "that")
    that: tuple[str, ...]
    #: words that open a content clause after a verb of showing ("hvordan", "how")
    show_clause: tuple[str, ...]
    #: self-description after a comma ("som kaller seg selv", "which calls itself")
    calls_itself: tuple[str, ...]
    #: "it was said in the report": an anaphoric cue naming no one ("het det i")
    it_said: tuple[str, ...]
    #: a sentence that attributes the previous one ("Det sier", "That is what")
    previous_cue: tuple[str, ...]
    person_pronouns: tuple[str, ...]
    group_pronouns: tuple[str, ...]
    #: words before a relay agency after a speaker ("til DPA", "to AFP")
    relay: tuple[str, ...]
    #: links of an apposition from a speaker to an organisation ("for", "i", "of")
    role_links: tuple[str, ...]
    #: "som er" / "who is": the start of an apposition
    apposition_open: tuple[str, ...]
    #: where a sentence splits into clauses (", mens", ", og", ", men")
    coordinators: tuple[str, ...]
    #: a non-restrictive relative clause after a comma ("som", "which", "who")
    relative: tuple[str, ...]
    #: subordinators whose clause is a statement of its own ("etter at", "after")
    subordinators: tuple[str, ...]
    #: sentence-initial phrases whose noun phrase is a statement of its own ("I tillegg til")
    fronted: tuple[str, ...]
    #: how a sentence may open with a time before an inverted verb of saying ("Lørdag")
    weekdays: dict[str, str] = field(default_factory=dict)
    #: relative days: phrase → (kind, days) where kind is day, weekend, since, last24
    relative_days: dict[str, tuple[str, int]] = field(default_factory=dict)
    parts_of_day: tuple[str, ...] = ()
    #: number words ("tre" → 3), multipliers ("millioner" → 10**6)
    numbers: dict[str, int] = field(default_factory=dict)
    multipliers: dict[str, int] = field(default_factory=dict)
    #: vague qualifiers before a number: phrase → qualifier
    qualifiers: dict[str, str] = field(default_factory=dict)
    #: vague amounts without a number: phrase → (qualifier, lower, upper or None)
    vague_amounts: dict[str, tuple[str, int, int | None]] = field(default_factory=dict)
    #: "of" between an amount and its noun ("tusenvis av", "thousands of")
    of: tuple[str, ...] = ()
    #: between-phrases: (opening, joining) ("mellom … og", "between … and")
    between: tuple[str, str] = ("", "")
    #: unit nouns → unit of the ontology
    units: dict[str, str] = field(default_factory=dict)
    #: noun stems that count people (unit person)
    person_nouns: tuple[str, ...] = ()
    #: property hints: word stem → quantitative property (a guess the checker confirms)
    property_hints: dict[str, str] = field(default_factory=dict)
    #: place nouns after an "X-controlled" adjective ("bydelen", "district")
    place_nouns: tuple[str, ...] = ()
    controlled: str = ""
    #: abbreviations that end with a full stop without ending a sentence
    abbreviations: tuple[str, ...] = ()
    #: credits of a photo caption ("Foto:", "Photo:")
    photo_credit: tuple[str, ...] = ()
    #: words marking a new agent as an organisation rather than a person
    organisation_words: tuple[str, ...] = ()
    #: publication channels that make a claim the source's own publication
    publication_channels: tuple[str, ...] = ()
    #: words that make a subject a broadcaster (for verbs of showing)
    broadcaster_words: tuple[str, ...] = ()
    #: determiners stripped from a new agent's name
    determiners: tuple[str, ...] = ()
    #: the reporter's notes on the reporting itself, not claims about events ("could not
    #: independently verify", "did not respond to a request for comment")
    reporting_notes: tuple[str, ...] = ()
    #: adverbs after a source that are not part of its name ("A and B both", "also")
    source_adverbs: tuple[str, ...] = ()
    #: roles whose holder speaks for the organisation ("a spokesman for X": X is the source)
    speaking_roles: tuple[str, ...] = ()
    #: ", adding that …": more of what the speaker said, after the cue
    adding: tuple[str, ...] = ()
    #: pronouns that open a clause ("it would …"), never a speaker after an inverted cue
    clause_pronouns: tuple[str, ...] = ()
    #: nouns of documents a source issues ("ministry records", "kommunens tall"): the source is
    #: the noun before them
    documents: tuple[str, ...] = ()
    #: finite verbs that make the words after a cue a clause, not a speaker ("would", "var")
    clause_verbs: tuple[str, ...] = ()
    #: own-voice openers that say what the reporter does not know ("Det er uklart", "It is
    #: unclear"): notes on the reporting, not claims (only without a cue)
    unknown_notes: tuple[str, ...] = ()
    #: the same at the end of an own-voice sentence ("What happens next is unclear")
    unknown_tails: tuple[str, ...] = ()
    #: "both" before two sources named together ("Både A og B", "Both A and B")
    both: tuple[str, ...] = ()
    #: possessives before an office noun: "her office" is the organisation the speaker acts for
    possessives: tuple[str, ...] = ()
    office_nouns: tuple[str, ...] = ()
    #: nouns that describe a company (its registry entry has no government or media kind)
    company_nouns: tuple[str, ...] = ()
    #: words that open a side-description after a speaker ("Ola Nordmann, 54, som bor …")
    description_open: tuple[str, ...] = ()


_NB_WEEKDAYS = {
    "mandag": "Monday",
    "tirsdag": "Tuesday",
    "onsdag": "Wednesday",
    "torsdag": "Thursday",
    "fredag": "Friday",
    "lørdag": "Saturday",
    "søndag": "Sunday",
}
_EN_WEEKDAYS = {d.lower(): d for d in _NB_WEEKDAYS.values()}

NB = Lexicon(
    lang="nb",
    say=(
        "opplyser",
        "opplyste",
        "sier",
        "sa",
        "uttaler",
        "uttalte",
        "skriver",
        "skrev",
        "melder",
        "meldte",
        "forteller",
        "fortalte",
        "mener",
        "mente",
        "hevder",
        "hevdet",
        "påstår",
        "påsto",
        "understreker",
        "understreket",
        "bekrefter",
        "bekreftet",
        "advarer",
        "advarte",
        "legger til",
        "la til",
        "erkjenner",
        "erkjente",
        "anslår",
        "anslo",
        "rapporterer",
        "rapporterte",
        "kunngjør",
        "kunngjorde",
        "avviser",
        "avviste",
        "benekter",
        "benektet",
        "nekter for",
        "nektet for",
        "tilbakeviser",
        "tilbakeviste",
        "har opplyst",
        "har sagt",
        "har uttalt",
        "har meldt",
        "har bekreftet",
        "har skrevet",
        "har fortalt",
        "varsler",
        "varslet",
    ),
    deny=(
        "avviser",
        "avviste",
        "benekter",
        "benektet",
        "nekter for",
        "nektet for",
        "tilbakeviser",
        "tilbakeviste",
    ),
    according=("ifølge", "i følge"),
    show=("viste", "viser", "sendte", "publiserte"),
    passive=("anklaget", "beskyldt", "kritisert", "fordømt"),
    passive_by="av",
    that=("at",),
    show_clause=("hvordan", "at"),
    calls_itself=("som kaller seg selv", "som kaller seg"),
    it_said=("het det i", "heter det i", "het det fra", "heter det fra", "sto det i", "står det i"),
    previous_cue=("det", "dette"),
    person_pronouns=("han", "hun"),
    group_pronouns=("de", "den"),
    relay=("til", "overfor"),
    role_links=("for", "i", "hos", "ved", "fra"),
    apposition_open=("som er", "som var"),
    coordinators=("mens", "og", "men"),
    relative=("som",),
    subordinators=("etter at",),
    fronted=("i tillegg til",),
    weekdays=_NB_WEEKDAYS,
    relative_days={
        "i helgen": ("weekend", 0),
        "i løpet av helgen": ("weekend", 0),
        "denne helgen": ("weekend", 0),
        "det siste døgnet": ("last24", 0),
        "siste døgn": ("last24", 0),
        "i dag": ("day", 0),
        "i går": ("day", 1),
        "i forgårs": ("day", 2),
        "i natt": ("day", 0),
    },
    parts_of_day=("morgen", "formiddag", "ettermiddag", "kveld", "natt"),
    numbers={
        "én": 1,
        "en": 1,
        "ett": 1,
        "to": 2,
        "tre": 3,
        "fire": 4,
        "fem": 5,
        "seks": 6,
        "sju": 7,
        "syv": 7,
        "åtte": 8,
        "ni": 9,
        "ti": 10,
        "elleve": 11,
        "tolv": 12,
        "tjue": 20,
        "hundre": 100,
        "tusen": 1000,
    },
    multipliers={
        "tusen": 1000,
        "million": 10**6,
        "millioner": 10**6,
        "milliard": 10**9,
        "milliarder": 10**9,
    },
    qualifiers={
        "om lag": "about",
        "omkring": "about",
        "rundt": "about",
        "cirka": "about",
        "ca.": "about",
        "anslagsvis": "about",
        "nesten": "nearly",
        "nærmere": "nearly",
        "snaut": "nearly",
        "mindre enn": "lessThan",
        "færre enn": "lessThan",
        "mer enn": "moreThan",
        "flere enn": "moreThan",
        "minst": "atLeast",
        "i hvert fall": "atLeast",
        "opptil": "atMost",
        "inntil": "atMost",
        "maks": "atMost",
        "høyst": "atMost",
    },
    vague_amounts={
        "flere tusen": ("several", 2000, 9999),
        "flere hundre": ("several", 200, 999),
        "tusenvis": ("many", 2000, 999999),
        "hundrevis": ("many", 200, 999),
        "titusenvis": ("many", 20000, 999999),
        "dusinvis": ("many", 24, 99),
    },
    of=("av",),
    between=("mellom", "og"),
    units={
        "kilometer": "kilometre",
        "km": "kilometre",
        "meter": "metre",
        "år": "year",
        "måned": "month",
        "måneder": "month",
        "dag": "day",
        "dager": "day",
        "døgn": "day",
        "bydel": "district",
        "bydeler": "district",
    },
    person_nouns=(
        "sivil",
        "innbygger",
        "menneske",
        "person",
        "kriger",
        "soldat",
        "flyktning",
        "barn",
        "kvinne",
        "menn",
        "døde",
        "drept",
        "såret",
        "opprører",
        "fange",
        "beboer",
        "flykt",
        "evakuert",
    ),
    property_hints={
        "flykt": "displacedCount",
        "flukt": "displacedCount",
        "fordrevet": "displacedCount",
        "innbygger": "population",
        "kriger": "strength",
        "soldat": "strength",
        "unna": "distanceFrom",
        "fra": "distanceFrom",
    },
    place_nouns=(
        "bydelen",
        "byen",
        "området",
        "landsbyen",
        "provinsen",
        "distriktet",
        "regionen",
        "forstaden",
        "nabolaget",
    ),
    controlled="kontrollerte",
    abbreviations=(
        "f.eks",
        "bl.a",
        "dvs",
        "mht",
        "osv",
        "ca",
        "nr",
        "kl",
        "jf",
        "pga",
        "evt",
        "inkl",
        "ekskl",
        "mill",
        "mrd",
        "st",
        "dr",
        "prof",
        "hr",
        "fr",
        "mr",
        "mrs",
        "ms",
    ),
    photo_credit=("Foto:", "FOTO:", "Foto :", "Bilde:"),
    organisation_words=(
        "gruppe",
        "organisasjon",
        "departement",
        "byrå",
        "medier",
        "kanal",
        "fjernsyn",
        "tv",
        "regjering",
        "hær",
        "styrker",
        "observatorium",
        "bevegelse",
        "front",
        "parti",
        "komité",
        "råd",
        "forbund",
        "avis",
        "nyhetsbyrå",
        "kontor",
        "tjeneste",
        "politi",
        "forsvar",
        "nasjoner",
        "domstol",
        "institutt",
    ),
    publication_channels=(
        "på Telegram",
        "på Twitter",
        "på X",
        "på Facebook",
        "på nettsiden",
        "i en uttalelse",
        "i en pressemelding",
        "i en rapport",
    ),
    broadcaster_words=("fjernsyn", "tv", "kanal", "fjernsynskanal", "kringkaster", "medier"),
    determiners=("den", "det", "de"),
    adding=("og la til", "og legger til", "og understreket", "og fortsatte"),
    source_adverbs=("begge", "også", "selv", "dessuten"),
    speaking_roles=(
        "talsm",
        "talsp",
        "talskvinne",
        "pressetalsp",
        "pressesjef",
        "representant",
        "uttalelse",
        "pressemelding",
        "rapport",
        "kilde",
        "melding",
        "kommunikasjonssjef",
    ),
    clause_pronouns=("det", "den", "de", "han", "hun", "vi", "jeg", "dette"),
    reporting_notes=(
        "har ikke kunnet bekrefte",
        "har ikke kunnet verifisere",
        "kan ikke uavhengig bekrefte",
        "kan ikke bekrefte opplysningene",
        "har ikke lyktes å få en kommentar",
        "har ikke svart på henvendelser",
        "har ikke besvart henvendelser",
        "har ikke fått bekreftet",
        "har ikke fått bekreftelse",
        "har ikke klart å bekrefte",
        "har ikke lyktes med å bekrefte",
        "har ikke fått svar",
        "har ikke fått kommentar",
    ),
    unknown_notes=(
        "det er uklart",
        "det er foreløpig uklart",
        "det er ikke klart",
        "det er foreløpig ikke klart",
        "det er ikke kjent",
        "det er foreløpig ikke kjent",
        "det var uklart",
    ),
    unknown_tails=(
        "er uklart",
        "er fortsatt uklart",
        "er foreløpig uklart",
        "er ikke kjent",
        "er foreløpig ikke kjent",
        "var uklart",
    ),
    both=("både",),
    documents=("tall", "tallene", "oversikt", "oversikten", "rapport", "rapporten", "anslag"),
    clause_verbs=("er", "var", "har", "hadde", "vil", "skal", "kan", "blir", "ble", "må", "kunne"),
    possessives=("hennes", "hans", "deres", "dets", "dens"),
    office_nouns=("kontor", "kontoret", "stab", "staben", "avdeling"),
    company_nouns=("selskapet", "bedriften", "firmaet", "konsernet", "fabrikken", "eieren"),
    description_open=("som", "en", "et", "ei"),
)

EN = Lexicon(
    lang="en",
    say=(
        "said",
        "says",
        "told",
        "tells",
        "reported",
        "reports",
        "claimed",
        "claims",
        "stated",
        "states",
        "added",
        "adds",
        "wrote",
        "writes",
        "announced",
        "announces",
        "insisted",
        "insists",
        "confirmed",
        "confirms",
        "warned",
        "warns",
        "alleged",
        "alleges",
        "estimated",
        "estimates",
        "explained",
        "explains",
        "argued",
        "argues",
        "noted",
        "notes",
        "denied",
        "denies",
        "rejected",
        "rejects",
        "dismissed",
        "dismisses",
        "maintained",
        "maintains",
        "acknowledged",
        "acknowledges",
        "tweeted",
        "posted",
        "believes",
        "believed",
        "say",
        "tell",
        "claim",
        "report",
        "deny",
        "warn",
        "estimate",
        "believe",
        "insist",
        "confirm",
        "thinks",
        "thought",
        "has said",
        "have said",
        "had said",
        "has confirmed",
        "have confirmed",
        "has warned",
        "has stated",
    ),
    deny=(
        "denied",
        "denies",
        "rejected",
        "rejects",
        "dismissed",
        "dismisses",
        "refuted",
        "refutes",
    ),
    according=("according to",),
    show=("showed", "shows", "broadcast", "aired", "airs"),
    passive=("accused", "criticised", "criticized", "condemned", "blamed"),
    passive_by="by",
    that=("that",),
    show_clause=("how", "that"),
    calls_itself=(
        "which calls itself",
        "who call themselves",
        "which call themselves",
        "who calls himself",
        "who calls herself",
    ),
    it_said=(
        "the report said",
        "the statement said",
        "the broadcast said",
        "the report says",
        "the statement says",
    ),
    previous_cue=("that is what", "that's what", "so said"),
    person_pronouns=("he", "she"),
    group_pronouns=("they", "it"),
    relay=("to",),
    role_links=("for", "of", "at", "with", "from", "by"),
    apposition_open=("who is", "who was"),
    coordinators=("while", "and", "but", "whereas"),
    relative=("which", "who", "whom", "whose"),
    subordinators=("after",),
    fronted=("in addition to", "besides"),
    weekdays=_EN_WEEKDAYS,
    relative_days={
        "over the weekend": ("weekend", 0),
        "this weekend": ("weekend", 0),
        "at the weekend": ("weekend", 0),
        "in the past 24 hours": ("last24", 0),
        "in the last 24 hours": ("last24", 0),
        "over the past day": ("last24", 0),
        "today": ("day", 0),
        "yesterday": ("day", 1),
        "last night": ("day", 1),
    },
    parts_of_day=("morning", "afternoon", "evening", "night"),
    numbers={
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "twenty": 20,
        "hundred": 100,
        "thousand": 1000,
        "a": 1,
    },
    multipliers={"thousand": 1000, "million": 10**6, "billion": 10**9},
    qualifiers={
        "about": "about",
        "around": "about",
        "some": "about",
        "roughly": "about",
        "approximately": "about",
        "an estimated": "about",
        "nearly": "nearly",
        "almost": "nearly",
        "close to": "nearly",
        "less than": "lessThan",
        "fewer than": "lessThan",
        "more than": "moreThan",
        "at least": "atLeast",
        "up to": "atMost",
        "at most": "atMost",
        "no more than": "atMost",
    },
    vague_amounts={
        "several thousand": ("several", 2000, 9999),
        "several hundred": ("several", 200, 999),
        "thousands": ("many", 2000, 999999),
        "hundreds": ("many", 200, 999),
        "tens of thousands": ("many", 20000, 999999),
        "dozens": ("many", 24, 99),
    },
    of=("of",),
    between=("between", "and"),
    units={
        "kilometre": "kilometre",
        "kilometres": "kilometre",
        "kilometer": "kilometre",
        "kilometers": "kilometre",
        "km": "kilometre",
        "metre": "metre",
        "metres": "metre",
        "meter": "metre",
        "meters": "metre",
        "year": "year",
        "years": "year",
        "month": "month",
        "months": "month",
        "day": "day",
        "days": "day",
        "district": "district",
        "districts": "district",
    },
    person_nouns=(
        "civilian",
        "people",
        "person",
        "resident",
        "inhabitant",
        "fighter",
        "soldier",
        "refugee",
        "child",
        "children",
        "women",
        "men",
        "dead",
        "killed",
        "wounded",
        "rebel",
        "prisoner",
        "troops",
        "casualties",
        "fled",
        "flee",
        "evacuated",
    ),
    property_hints={
        "fled": "displacedCount",
        "flee": "displacedCount",
        "displaced": "displacedCount",
        "inhabitant": "population",
        "resident": "population",
        "population": "population",
        "fighter": "strength",
        "troops": "strength",
        "soldier": "strength",
        "from": "distanceFrom",
        "away": "distanceFrom",
    },
    place_nouns=(
        "district",
        "town",
        "city",
        "area",
        "village",
        "province",
        "neighbourhood",
        "neighborhood",
        "suburb",
        "region",
    ),
    controlled="held",
    abbreviations=(
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "maj",
        "gov",
        "sen",
        "rep",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "approx",
        "jan",
        "feb",
        "aug",
        "sept",
        "oct",
        "nov",
        "dec",
    ),
    photo_credit=("Photo:", "PHOTO:", "Photograph:", "Picture:"),
    organisation_words=(
        "group",
        "organisation",
        "organization",
        "ministry",
        "agency",
        "media",
        "channel",
        "television",
        "tv",
        "government",
        "army",
        "forces",
        "observatory",
        "movement",
        "front",
        "party",
        "committee",
        "council",
        "union",
        "newspaper",
        "office",
        "service",
        "watch",
        "international",
        "department",
        "news",
        "press",
        "radio",
        "brigade",
        "nations",
        "defence",
        "defense",
        "police",
        "court",
        "bank",
        "institute",
        "network",
    ),
    publication_channels=(
        "on Telegram",
        "on Twitter",
        "on X",
        "on Facebook",
        "on its website",
        "in a statement",
        "in a press release",
        "in a report",
    ),
    broadcaster_words=("television", "tv", "channel", "broadcaster", "media", "footage"),
    determiners=("the",),
    adding=("adding", "and added", "and stressed", "and insisted", "saying"),
    source_adverbs=("both", "also", "too", "alone", "themselves", "itself", "again"),
    speaking_roles=(
        "spokes",
        "representative",
        "statement",
        "report",
        "release",
        "source",
        "official",
        "communiqu",
        "press officer",
        "post",
    ),
    clause_pronouns=("it", "they", "he", "she", "we", "i", "this", "there"),
    reporting_notes=(
        "could not independently verify",
        "could not independently confirm",
        "could not be independently verified",
        "could not be independently confirmed",
        "has not been able to verify",
        "did not respond to a request for",
        "did not respond to requests for",
        "did not immediately respond to",
        "did not reply to a request for",
        "could not immediately verify",
        "could not immediately confirm",
        "was not immediately able to verify",
        "was not immediately able to confirm",
    ),
    unknown_notes=(
        "it is unclear",
        "it was unclear",
        "it is not clear",
        "it was not clear",
        "it is not yet clear",
        "it was not yet clear",
        "it is not known",
        "it was not known",
    ),
    unknown_tails=(
        "is unclear",
        "is still unclear",
        "remains unclear",
        "was unclear",
        "is not clear",
        "is not known",
        "remains unknown",
    ),
    both=("both",),
    documents=("records", "data", "figures", "documents", "estimates", "statement", "report"),
    clause_verbs=(
        "is",
        "was",
        "were",
        "are",
        "has",
        "had",
        "have",
        "will",
        "would",
        "could",
        "can",
        "should",
        "may",
        "might",
    ),
    possessives=("her", "his", "their", "its"),
    office_nouns=("office", "staff", "team", "department"),
    company_nouns=("company", "firm", "operator", "plant operator", "owner", "employer"),
    description_open=("who", "whose", "a", "an"),
)

LEXICONS = {"nb": NB, "en": EN}
