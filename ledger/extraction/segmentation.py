"""Segmentation: an article's paragraphs (body, speech, heading, caption, label, byline) and
their sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ledger.extraction.rules import Lexicon

DASHES = "–—-"
OPEN_QUOTES = "«\"“‘'"
CLOSE_QUOTES = "»\"”’'"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's span and kind: body, speech, heading, caption, label or byline."""

    start: int
    end: int
    kind: str  # body, speech, heading, caption


def paragraphs(text: str) -> Iterator[Paragraph]:
    """The article's paragraphs (split at blank lines), each with its kind."""
    for index, (raw_start, raw_end) in enumerate(_blocks(text)):
        start, end = strip_span(text, raw_start, raw_end)
        if raw_start == 0:
            dateline = re.match(
                r"\s*(?:date|dato|published|publisert|updated|oppdatert)\s*:?\s*"
                r"\d{4}(?:-\d{2}){0,2}(?:[T ][\d:]+)?\s+",
                text[start:end],
                re.IGNORECASE,
            )
            if dateline:
                start += dateline.end()
        # "OSLO (NTB): …", "LIMA, March 3 (Wirewatch) - …", "DORVAN, Kestria, 11 March 2025 – …":
        # a place line (with the wire's credit), not a statement
        place = (
            _PLACE_LINE.match(text, start, end)
            or _BARE_CREDIT.match(text, start, end)
            or _TITLE_PLACE_CREDIT.match(text, start, end)
            or _PLACE_KICKER.match(text, start, end)
            or (text[start:end].endswith((".", "!", "?")) and _PLACE_DASH.match(text, start, end))
        )
        if place:
            start = place.end()
        if _CLOSING_CREDIT.fullmatch(text, start, end):
            start = end  # "Source: WAM": the wire's credit line, not a statement
        start, end = _without_furniture_lines(text, start, end)
        # "… er evakuert. (©NTB)": the wire's credit after the last sentence
        credit = _END_CREDIT.search(text, start, end) or _STAFF_CREDIT.search(text, start, end)
        if credit:
            end = credit.start()
        if start >= end:
            continue
        if "\n" not in text[start:end] and not text[start:end].endswith((".", "!", "?")):
            # "Commander says strike was a provocation - TASS": a headline's credit, not its words
            tail = _HEADLINE_CREDIT.search(text, start, end)
            if tail and tail.start() > start:
                end = tail.start()
        kind = _paragraph_kind(text[start:end])
        if index == 1 and kind == "heading" and _NAME_LINE.fullmatch(text[start:end]):
            kind = "byline"  # "Nadia Al Faour" under the headline: the writer's name
        if kind == "heading" and _subhead(text[start:end]):
            kind = "label"  # a question, not a claim
        if kind == "body" and _question_line(text[start:end]):
            kind = "label"  # "What do we know about the attack?": a section's question
        yield Paragraph(start, end, kind)


#: a month's name, abbreviated or not (English and Norwegian)
_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|"
    r"July|August|September|October|November|December|januar|februar|mars|april|mai|juni|juli|"
    r"august|september|oktober|november|desember)\.?"
)
_WEEKDAY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mandag|Tirsdag|Onsdag|"
    r"Torsdag|Fredag|Lørdag|Søndag)"
)
#: a line of page furniture inside a paragraph: a date alone or with its clock time and the
#: writer ("August 8, 2017", "Sunday, Jul 9, 2017,18:53 IST By anju"), an update line ("Last
#: Update: Wednesday, 05 August 2020 …"), a writer's line ("By Staff Reporter"), a photo's
#: date and credit after its caption ("… north of Raqqa. August 7, 2017. / TRT World and
#: Agencies"), a dateline of agency and place alone ("AFP, THE HAGUE, Netherlands")
_FURNITURE_LINE = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\.?\s+{_MONTH}\s+\d{{4}})"
    r"(?:[\s,]*\d{1,2}[:.]\d{2}(?:\s*[A-Z]{2,4})?)?(?:\s+(?:By|Av)\s+[^\n]{1,40})?\.?"
    r"|(?:Last\s+)?(?:Update|Updated|Published|Sist\s+oppdatert|Oppdatert|Publisert)\s*:[^\n]{1,80}"
    r"|(?:By|Av)\s+(?:[A-ZÆØÅ][\w'’.-]*\s*){1,4}"
    r"|[^\n]{10,300}?[.!?]\s+[^\n]{0,40}?\s/\s+[A-ZÆØÅ][\w.&]*(?:\s+(?:and\s+|og\s+)?[A-ZÆØÅ][\w.&]*){0,3}"
    r"|[A-Z][\w.]+(?:/[A-Z][\w.]+)?,\s+[A-Z][A-Z.'-]+(?:\s[A-Z][A-Z.'-]+){0,2},"
    r"\s+[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+){0,2}"
)
#: a credit after the last sentence of a paragraph: "… in 2014. Credit: YPG via Storyful"
_CREDIT_TAIL = re.compile(
    r"(?<=[.!?»\"”])\s*(?:Photo\s+|Video\s+|Image\s+)?(?:Credit|Credits|Kreditering)\s*:"
    r"[^\n.!?]{1,60}$",
    re.IGNORECASE,
)


def _without_furniture_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """A paragraph without the lines of page furniture at its start and its end (dates, update
    and writer's lines, a photo's credit line, a lone dateline) and without a credit after its
    last sentence; a paragraph of nothing else is left empty."""
    while start < end:
        cut = text.find("\n", start, end)
        line_end = end if cut < 0 else cut
        if not _FURNITURE_LINE.fullmatch(text[start:line_end].strip()):
            break
        start = end if cut < 0 else cut + 1
    while start < end:
        cut = text.rfind("\n", start, end)
        line_start = start if cut < 0 else cut + 1
        if not _FURNITURE_LINE.fullmatch(text[line_start:end].strip()):
            break
        end = start if cut < 0 else cut
    credit = _CREDIT_TAIL.search(text, start, end)
    if credit:
        end = credit.start()
    return strip_span(text, start, end)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Where the paragraphs are: blank lines part them; the page's first line stands alone when
    it has no final stop and a capital opens the next line (a headline over the body, "Russia
    sends military police to Douma\nMOSCOW - …")."""
    blocks: list[tuple[int, int]] = []
    position = 0
    for m in re.finditer(r"\n[ \t\r]*\n|\Z", text):
        blocks.append((position, m.start()))
        position = m.end()
        if m.end() == m.start():
            break
    if blocks:
        first_start, first_end = blocks[0]
        line = re.match(
            r"[ \t]*([^\n]{3,150}?)[ \t\r]*\n(?=[ \t]*[A-ZÆØÅ])", text[first_start:first_end]
        )
        if line and not re.search(r"[.!?:;,]$|\bdate\b", line.group(1), re.IGNORECASE):
            cut = first_start + line.end()
            blocks[0:1] = [(first_start, cut - 1), (cut, first_end)]
    return blocks


_PLACE_LINE = re.compile(
    r"[A-ZÆØÅ][A-ZÆØÅ .'/-]{1,30}"
    # OSLO (NTB): …, LIMA, March 3 (Wirewatch) - …, BEIRUT, Lebanon (AP) — …, AMMAN/BEIRUT
    # (REUTERS, AFP) – …, GENEVA (Sputnik)According … (the credit glued to the first word)
    r"(?:(?:,[^,\n.:()]{1,30}){0,2}\s*\((?P<credit>[^()\n]{1,30})\)(?:\s*[:–—-]+\s+|(?=[A-ZÆØÅ]))"
    r"|(?:,[^,\n.:]{1,30}){0,2},\s*\d{1,2}\.?\s+\w+\s+\d{4}(?:\s*[–—]\s+|\s*\n\s*|\s*$)"
    # LIMA, March 3 - …, OSLO, 3. mars – …
    r"|,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\.?\s+[A-Za-zæøå]{3,9})\s+[–—-]+\s+"
    r"|\s+[–—-]\s+)"  # OSLO – …, MOSCOW - …
)

#: "Kramatorsk, Ukraine: Dozens …": a place and its country before the first words, a dateline
_PLACE_KICKER = re.compile(
    r"(?:[A-ZÆØÅ][\w'-]+(?:\s+[A-ZÆØÅ][\w'-]+){0,2}"
    # "Oct. 4, Kabul: …": a date, then the place
    r"|[A-Z][a-z]{2,8}\.?\s?\d{1,2})"
    r",\s+[A-ZÆØÅ][\w'-]+(?:\s+[A-ZÆØÅ][\w'-]+){0,2}:\s+(?=[A-ZÆØÅ\"“«])"
)

#: "Kyiv – Ukrainian officials …", "Amsterdam/Kuala Lumpur – On board …", "Mosul | Iraqi …",
#: "Iraq, 4 November 2016 - The …": a place (and date) in title case, a dash, the first words
_PLACE_DASH = re.compile(
    r"[A-ZÆØÅ][\w'.]+(?:[ /][A-ZÆØÅ][\w'.]+){0,2}(?:,\s*\d{1,2}\.?\s+[A-Za-zæøå]+\s+\d{4})?"
    r"\s+[–—|-]\s+(?=[A-ZÆØÅ])"
)

#: a name alone (two to four capitalised words, no figure, no stop)
_NAME_LINE = re.compile(r"(?:[A-ZÆØÅ][\w'’.-]*[ \t]+){1,3}[A-ZÆØÅ][^\W\d_]*(?:['’-][^\W\d_]+)*")

#: the desk's credit after the last sentence: "(Reporting by X; Editing by Y)"
_STAFF_CREDIT = re.compile(
    r"(?<=[.!?»\"”])\s*\((?:Additional\s+)?(?:Reporting|Writing|Editing|Compiled|"
    r"Tilleggsrapportering)\b[^()\n]*\)\s*$",
    re.IGNORECASE,
)

#: a credit after a headline: " - TASS", " – Reuters" (one or two capitalised words)
_HEADLINE_CREDIT = re.compile(r"\s+[–—-]\s+[A-ZÆØÅ][\w.&/]*(?:\s+[A-ZÆØÅ][\w.&/]*)?\s*$")

#: a wire credit closing a paragraph after its last sentence: "(©NTB)", "(Reuters)", "(NTB/AFP)"
_END_CREDIT = re.compile(
    r"(?<=[.!?»\"”])\s*\(©?\s*(?:[A-ZÆØÅ][\w .&/,-]{1,28}|[a-zæøå]{2,6}(?:/[\w]{2,10}){0,2})\)\s*$"
)

#: a dateline with a place in title case and a wire's credit, lowercase or not: "Kabul (dpa) - …",
#: "Lagos (dpa/NAN) – …", "New Delhi, India (AFP) — …"
_TITLE_PLACE_CREDIT = re.compile(
    r"[A-ZÆØÅ][\w'.-]+(?:[ /][A-ZÆØÅ][\w'.-]+){0,2}(?:,\s*[A-ZÆØÅ][\w'. -]{1,30})?\s*"
    r"\((?P<credit>[A-Za-zÆØÅæøå]{2,12}(?:/[A-Za-zÆØÅæøå]{2,12}){0,2})\)\s*[–—-]+\s+"
)


def wire_credit(text: str) -> str | None:
    """The agency the copy credits: a wire dateline ("LIMA, March 3 (Wirewatch) -" →
    "Wirewatch", "(Reuters) - …"), else a closing credit line ("Source: WAM", "Kilde: NTB")
    or credit ("… evakuert. (©NTB)", "… — NTB")."""
    paras = [p.strip() for p in re.split(r"\n[ \t\r]*\n|\n", text) if p.strip()]
    for para in paras[:3]:
        place = (
            _PLACE_LINE.match(para) or _BARE_CREDIT.match(para) or _TITLE_PLACE_CREDIT.match(para)
        )
        if place and place.group("credit"):
            credit = place.group("credit").strip(" ©")
            return credit if re.fullmatch(r"[\w .&/-]{2,30}", credit) else None
    closing = _CLOSING_CREDIT.fullmatch(paras[-1]) if paras else None
    if closing:
        return (closing.group("credit") or closing.group("credit2")).strip()
    end = _END_CREDIT.search(paras[-1]) if paras else None
    if end:
        credit = end.group(0).strip(" ().©")
        return credit if re.fullmatch(r"[\w .&/-]{2,30}", credit) else None
    return None


#: a paragraph opening with the wire's credit: "(Reuters) - …", "(AP) — …"
_BARE_CREDIT = re.compile(r"\((?P<credit>[A-ZÆØÅ][\w .&/-]{1,28})\)\s*[:–—-]+\s+")
#: the last line of wire copy: "Source: WAM", "Kilde: NTB", "— NTB"
_CLOSING_CREDIT = re.compile(
    r"(?:Source|Sources|SOURCE|SOURCES|Kilde|KILDE|Kjelde)\s*:\s*"
    r"(?P<credit>[A-ZÆØÅ][\w .&/-]{1,28}?)\.?"
    r"|[–—]\s*(?P<credit2>[A-ZÆØÅ]{2,}(?:/[A-ZÆØÅ]{2,})?)"
)


_BYLINE = re.compile(
    r"^\(?(?:©|By|Av|Based on reporting by|Additional reporting|Reporting by|Editing by|"
    r"Written by|Writing by|"
    r"Tilleggsrapportering|"
    r"This article (?:was|has been) (?:updated|amended|corrected)|"
    r"Denne artikkelen (?:ble|er) (?:oppdatert|endret|rettet))\b"
)


def _subhead(para: str) -> bool:
    """A heading that claims nothing: a question ("What do we know about the attack"); a quoted
    heading ("– Mangler støtte") is a speaker's words, kept. (Short section titles such as "Ny
    offensiv" stay headings: the example's gold holds them as the outlet's claims.)"""
    if para[:1] in DASHES or para[:1] in OPEN_QUOTES:
        return False
    if re.match(
        r"(?:What|Why|How|Who|When|Where|Which|Hva|Hvorfor|Hvordan|Hvem|Når|Hvor|Kva|Korleis|Kven)"
        r"\b",
        para,
    ):
        return True
    return False


def _question_line(para: str) -> bool:
    """A paragraph that is one short question of the reporter's, a wh-word first and a question
    mark last ("What do we know about the attack?"): it asks, it claims nothing."""
    return (
        "\n" not in para
        and para.endswith("?")
        and len(para.split()) <= 12
        and para.count("?") == 1
        and _subhead(para)
    )


#: a headline whose words a short label before a colon gives ("Reuters: …", "Ordfører: – …"):
#: a line without a final stop of at most 16 words, the label at most three
_LABELLED_HEADING = re.compile(r"^[^\s:,.]+(?:\s+[^\s:,.]+){0,2}:\s+\S+(?:\s+\S+){0,12}$")


#: page furniture: an update line ("Last Update: …", "Sist oppdatert: …"), a line of
#: "•"-separated page facts ("Apr 08, 2022 • 42 minutes ago • < 1 minute read"), a wire desk
#: ("NTB utenriks")
_FURNITURE = re.compile(
    r"(?:Last\s+)?(?:Update|Updated|Published|Sist\s+oppdatert|Oppdatert|Publisert)\s*:\s*\S"
    r"|(?:.*\n)?[^\n]*\s•\s+(?:[^\n]*\s)?(?:ago|read|siden|lesetid)\b"
    r"|[A-ZÆØÅ]{2,6}\s+(?:utenriks|innenriks|sport|økonomi|staff|desk)$",
    re.IGNORECASE,
)


def _paragraph_kind(para: str) -> str:
    """What a paragraph is: a byline, a caption, a label, a heading, speech or body."""
    if _FURNITURE.match(para) and len(para.split()) <= 25 and para.count("\n") <= 2:
        return "byline"
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
        and not para.rstrip(CLOSE_QUOTES).endswith((".", "!", "?", ":", ";", ","))
    ):
        return "heading"
    if (
        _LABELLED_HEADING.match(para)
        and "\n" not in para
        and not para.rstrip(" " + CLOSE_QUOTES).endswith((".", "!", "?", ":", ";", ","))
    ):
        return "heading"  # "Reuters: Rakettangrep mot togstasjon - flere enn 39 drept"
    if para[0] in DASHES and len(para) > 1 and para[1].isspace():
        return "speech"
    return "body"


def strip_span(text: str, start: int, end: int, chars: str = " \t\r\n") -> tuple[int, int]:
    """The span without the given characters at either end."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


#: a closing quotation mark → its opening mark
_QUOTE_PAIRS = {"”": "“", "»": "«", "’": "‘", '"': '"', "'": "'"}


def closing_quote_end(text: str, start: int, end: int) -> int:
    """The end of a span, taken over the closing quotation mark right after its last word when
    the span holds the mark that opened it ("… is Ukrainian 'provocation'", "… a
    “fabrication”"): a quotation inside the words closes inside them. A mark after a comma or
    a stop ('"…," she said') is left out, as the quotation that opened before the span is."""
    if end >= len(text) or end <= start or not text[end - 1].isalnum():
        return end
    close = text[end]
    opener = _QUOTE_PAIRS.get(close)
    if opener is None:
        return end
    words = text[start:end]
    if opener != close:
        return end + 1 if words.count(opener) > words.count(close) else end
    # a straight mark opens at a word's start and closes at its end ("Russia's" does neither)
    mark = re.escape(close)
    opened = len(re.findall(rf"(?:^|(?<=[\s(\[–—-])){mark}(?=\w)", words))
    closed = len(re.findall(rf"(?<=[\w.,!?]){mark}(?!\w)", words))
    return end + 1 if opened > closed else end


def sentences(text: str, start: int, end: int, lexicon: Lexicon) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]``: ends at .!? before a capital, a dash or a quote."""
    found: list[tuple[int, int]] = []
    begin = start
    abbreviations = {a.casefold() for a in lexicon.abbreviations}
    held = _quotation_end(text, begin, end)
    for m in re.finditer(r"[.!?]+[»\"”’')]*(?=\s)", text[start:end]):
        stop = start + m.end()
        if stop < held:
            continue  # inside a quotation that one cue after it attributes whole
        after = re.match(r"\s+(\S)", text[stop:end])
        if not after:
            continue
        nxt = after.group(1)
        if not (nxt.isupper() or nxt.isdigit() or nxt in DASHES or nxt in OPEN_QUOTES):
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
        held = _quotation_end(text, begin, end)
    if begin < end:
        found.append((begin, end))
    return [s for s in found if s[1] > s[0]]


def _quotation_end(text: str, begin: int, end: int) -> int:
    """Where a quotation that opens at ``begin`` closes, when a comma before its closing mark
    says a cue follows ('"I felt …. We ran …. I saw …," she said'): one quotation before one cue
    is one statement, its sentences and all; else ``begin`` (nothing held)."""
    close = {"“": "”", '"': '"'}.get(text[begin : begin + 1])
    if close is None:
        return begin
    at = text.find(close, begin + 1, end)
    if at > begin + 1 and text[at - 1] == ",":
        return at + 1
    return begin


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
