"""Quantities: a figure with the source's words, its qualifier, the bounds its vagueness allows and
its unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ledger.extraction.rules import HEAD_COUNTS, Lexicon, norm_name
from ledger.vocab import CL

#: the head-count properties of model v2 that the ontology declares (the hints propose no other)
_KNOWN_COUNTS = frozenset(name for name in HEAD_COUNTS if name in CL.__annotations__)


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


#: participles that count people after "er"/"were" ("50 er skadd", "20 were killed")
_CASUALTY_PARTICIPLES = frozenset(
    "drept døde skadd skadet såret omkommet evakuert arrestert pågrepet savnet fordrevet "
    "killed dead injured wounded hurt evacuated arrested detained missing displaced".split()
)


class QuantityReader:
    """Reads the figures of a text (a base of the extractor)."""

    text: str
    lex: Lexicon

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

    def _quantity(self, m: re.Match[str], offset: int) -> Quantity | None:
        """The figure a quantity match gives, with its bounds and unit."""
        lex = self.lex
        noun = (m.group("noun") or "").casefold()
        if m.group("vague"):
            qualifier, low, high = lex.vague_amounts[norm_name(m.group("vague"))]
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
        elif m.group("dlow"):
            low_value = self._number(m.group("dlow"), m.group("dmul"))
            high_value = self._number(m.group("dhigh"), m.group("dmul"))
            if low_value is None or high_value is None or low_value >= high_value:
                return None  # "3-1", "24-7": no range of figures
            qualifier, lower, upper, nominal = "between", low_value, high_value, None
            phrase_end = m.end()
        else:
            value = self._number(m.group("num"), m.group("mul"))
            if value is None:
                return None
            raw_num = m.group("num").casefold()
            if raw_num in ("en", "a", "ett", "one") and not m.group("qual") and not m.group("mul"):
                return None  # an article, not a figure
            qualifier = lex.qualifiers.get(norm_name(m.group("qual") or ""), "exactly")
            nominal = value
            lower, upper = bounds(qualifier, value)
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
        if not noun:
            # "the death toll was closer to 300", "dødstallet er over 300": a toll of people
            before = self.text[max(0, offset + m.start() - 80) : offset + m.start()].casefold()
            return (
                "person"
                if re.search(
                    r"(?:\btoll|dødstall\w*|\bantall(?:et)? (?:døde|drepte)\b.*|"
                    r"\bnumber of (?:dead|deaths|people killed)\b.*)\b",
                    before,
                )
                else None
            )
        if noun in lex.units:
            return lex.units[noun]
        if noun in lex.of:
            following = re.match(
                r"\s+(?:[\wæøå-]+\s+)?([\wæøå-]+)", self.text[offset + m.end("noun") :]
            )
            if following:
                noun = following.group(1).casefold()
        # "22 IS-krigere", "flere hundre Mariupol-beboere": a compound's last part names them
        if any(part.startswith(lex.person_nouns) for part in (noun, noun.rsplit("-", 1)[-1])):
            return "person"
        follow = re.match(r"\s+([\wæøå-]+)", self.text[offset + m.end("noun") :])
        if follow and any(follow.group(1).casefold().startswith(s) for s in lex.person_nouns):
            return "person"  # "10.000 syriske flyktninger": an adjective before the noun
        if noun in lex.clause_verbs:
            # "50 er skadd", "20 were killed": a count of people by its participle
            verb = re.match(r"\s+(?:[\wæøå]+\s+)?([\wæøå-]+)", self.text[offset + m.end("noun") :])
            if verb and verb.group(1).casefold() in _CASUALTY_PARTICIPLES:
                return "person"
        return None

    def _property_hint(self, offset: int, unit: str | None) -> tuple[str, str] | None:
        """A quantitative property that a word of the sentence suggests (displacement first)."""
        sentence_end = re.search(r"[.!?\n](?=\s|$)", self.text[offset : offset + 300])
        window = self.text[offset : offset + (sentence_end.end() if sentence_end else 300)]
        dims = {
            "person": {"displacedCount", "population", "strength", *_KNOWN_COUNTS},
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


#: words that end the noun phrase after a figure ("tusenvis av krigere | fra Libanon")
_NOUN_PHRASE_ENDS = frozenset(
    "før etter under med fra i til på mot og som har er "
    "before after during with at by from in to on against and who which have are has".split()
)


def bounds(qualifier: str, value: Decimal) -> tuple[Decimal | None, Decimal | None]:
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
