"""Attribution: paragraphs → sentences → statements, each with who says it (a cue after it,
before it, in the next sentence, a pronoun, or the outlet's own voice), cut into clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ledger.extraction.cues import Patterns
from ledger.extraction.days import TimeExpression
from ledger.extraction.quantities import Quantity, QuantityReader
from ledger.extraction.rules import LEXICONS, alternation, norm_name
from ledger.extraction.segmentation import (
    CLOSE_QUOTES,
    DASHES,
    OPEN_QUOTES,
    Paragraph,
    closing_quote_end,
    paragraphs,
    sentences,
    strip_span,
)
from ledger.extraction.sources import (
    Agent,
    Attribution,
    Context,
    Registry,
    SourceResolver,
    mask_initials,
)

#: The longest sentence the rules look into (a longer "sentence" is kept whole, own voice).
MAX_SENTENCE_CHARS = 2000


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
    #: the outlet's hedges on the statement: (kind, the words), e.g. ("reportedly", "reportedly")
    hedges: list[tuple[str, str]] = field(default_factory=list)


#: words after which a head count is a participant of its own ("with 3 million inhabitants",
#: "including 20 children", "inkludert 13 ansatte")
_COUNT_INTRODUCERS = frozenset(
    ("med", "fra", "with", "from", "including", "inkludert", "deriblant", "herunder")
)


#: of these, the words that count a part of a figure ("including 13 staff and 10 patients"):
#: each part is a claim of its own, however small
_PART_OF = frozenset(("including", "inkludert", "deriblant", "herunder"))


#: a participle phrase before the speaker: "Announcing the strike, X said …", "Speaking to
#: reporters in Y, X said …", "Asked about the toll, X said …"
_FRONTED_PARTICIPLE = re.compile(
    r"^(?P<adverbial>(?:[A-Z][a-z]{2,}ing|Citing|Asked|Pressed|Questioned|Interviewed|Reached|Contacted)"
    r"\s[^,]{2,120}),\s+"
)
#: the subject of a cue, with at most one side-description between commas
_CUE_SUBJECT = r"(?P<src>[^,]{1,80}?|[^,]{1,60},[^,]{1,100},)"
#: a source's figure: "X put the death toll at 83", "X placed the number of dead at", "another
#: put it closer to 1,300", "X has estimated the total at"
_FIGURE_CUE = re.compile(
    rf"^{_CUE_SUBJECT}\s+(?P<cue>(?:has\s+|have\s+|had\s+)?(?:put|puts|placed|places|set|sets))"
    r"\s+(?:(?:the|its|their|his|her)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:toll|number|figure|count|total|tally|it)\b[^.;]{0,60}?\s(?:at|closer\s+to|near)\s"
)
#: what a source issued came from it: "The initial report of the strike, …, came from the
#: activist group X", "The figures came from the health ministry"
_CAME_FROM = re.compile(
    r"^(?:The|An?|Those|These)\s+(?:[\w-]+\s+){0,2}?(?:report|reports|information|figure|figures|"
    r"claim|claims|account|accounts|toll|estimate|estimates|news|word)\b.{0,140}?\s+came\s+from\s+"
    r"(?P<src>[^.;:]{2,120}?)\s*$"
)
#: "X is reported to have boasted that …", "X was said to have told …" (a verb of saying: "Afghan
#: troops are reported to have recaptured the city" is the reporter's, hedged)
_REPORTED_TO_HAVE = re.compile(
    rf"^{_CUE_SUBJECT}\s+(?:is|was|are|were)\s+(?:reported|said|quoted|understood)\s+to\s+have\s+"
    r"(?P<cue>said|told|claimed|stated|written|warned|confirmed|admitted|boasted|bragged|"
    r"declared|conceded|acknowledged|announced|insisted|denied)\s+(?:that\s+)?(?=\S)"
)
#: a source's count: "X documented the death of some 1,400 civilians", "X has recorded 300
#: deaths", "the IOM's tracking matrix registered a total of 22,224 …" (a figure soon after)
_COUNTED = re.compile(
    rf"^{_CUE_SUBJECT}\s+(?P<cue>(?:has\s+|have\s+|had\s+)?(?:documented|recorded|counted|"
    r"registered|tallied))\s+(?:[^\s,.;]+\s+){0,6}?(?:at\s+least\s+|more\s+than\s+|some\s+|"
    r"about\s+|around\s+|nearly\s+|over\s+|almost\s+)?\d"
)
#: a source's judgement of a thing: "X has called the allegations a "fabrication"", "X
#: described the strike as a crime", "X dismissed the reports as "IS news""; a time adverb may
#: stand between subject and verb ("It later described …"); the judgement's words start at
#: ``obj`` (the thing judged)
_CALLED_IT = re.compile(
    rf"^{_CUE_SUBJECT}\s+(?:(?:later|earlier|also|then|previously)\s+)?(?:has\s+|have\s+|had\s+)?"
    r"(?:(?P<cue>called|branded|labelled|labeled)\s+(?P<obj>(?:the|these|those|this|it|them|their|"
    r"its)\b)[^.;:]{0,100}?\s+(?:an?\s+|[\"“])"
    r"|(?P<cue2>described|dismissed|denounced|condemned)\s+"
    r"(?P<obj2>(?:the|these|those|this|it|them|their|its)\b)[^.;:]{0,100}?\s+as\s+)"
)
#: a source's judgement in Norwegian: "X kaller jordskjelvet den verste katastrofen", "X har
#: kalt angrepet en krigsforbrytelse" (nynorsk "kallar", "kalla")
_CALLS_NB = re.compile(
    rf"^{_CUE_SUBJECT}\s+(?:har\s+)?(?P<cue>kaller|kalte|kalt|kallar|kalla)\s+"
    r"(?!seg\b|sin\b|sitt\b|sine\b|inn\b|opp\b|på\b|til\b|ut\b)(?=\S)"
)
#: a clause of time after a trailing cue and its comma: "…, X said, after …"
_AFTER_CUE = re.compile(r",\s+(?P<word>after|before|as|when|since|amid|following)\s+\S")
#: a relative clause whose verb is a source's cue: "which witnesses said killed …", "that
#: local officials say collapsed …" (the verb after the cue, no "that")
_EMBEDDED_CUE = re.compile(
    r"\b(?:which|that|who)\s+(?P<src>[^,;:]{2,60}?)\s+"
    r"(?P<cue>say|says|said|claim|claims|claimed|believe|believed|allege|alleged|estimate|"
    r"estimated)\s+(?!that\b|it\b|they\b|he\b|she\b|the\b|a\b|an\b)(?=[a-z])"
)
#: a time put before the speaker: "Last month", "Earlier this week", "Two days later", "Hours
#: after the strike"
_FRONTED_TIME = re.compile(
    r"(?:(?:Last|This|Next|Earlier|Later|Late|Early)(?:\s+(?:this|last|next))?\s+"
    r"(?:week|month|year|night|weekend|summer|winter|spring|autumn|fall|morning|afternoon|"
    r"evening|[A-Z][a-z]+day)"
    r"|(?:A|One|Two|Three|Four|Five|Several|Some|Hours|Days|Weeks|Months|Minutes)\s+"
    r"(?:(?:hours?|days?|weeks?|months?|years?|minutes?)\s+)?(?:later|earlier|before|after\b.*))"
)
#: words after a cue that are a clause, not a speaker: a figure then a verb ("said 42 people
#: died", "said 300 homes were hit"), or a verb in the past at the end ("said the town fell")
_CLAUSE_AFTER_CUE = re.compile(
    r"\d[\d,.]*\s+\S+(?:\s+\S+)?\s+[a-z]+"
    r"|.*\s(?:[a-z]{3,}ed|died|fled|rose|fell|left|began|grew|lost|won|fought|struck|shot|hit|"
    r"took|came|went|ran|held|saw|sank|burned|burnt)$"
)
#: the gender a pronoun that opens a sentence refers to
_PRONOUN_GENDERS = {"She": "f", "He": "m"}
#: a coordinator before a second clause that may have a source and a cue of its own
_SECOND_CLAUSE = re.compile(r"(?:,?\s+(?:while|whereas|mens)|,?\s+(?:but|and|men|og)|;)\s+(?=\S)")

#: a source phrase with a relative clause about it: "a U.S. government source who was not …"
_DESCRIBED_SOURCE = re.compile(r"(.{3,80}?)\s+(?:who|whom|that|som)\s+\S")


class Extractor(SourceResolver, QuantityReader):
    """Rules applied to one article: paragraphs → sentences → attributed statements."""

    def __init__(self, text: str, lang: str, registry: Registry, outlet: Agent) -> None:
        self.text = text
        self.lex = LEXICONS[lang]
        self.p = Patterns(self.lex)
        self.registry = registry
        self.outlet = outlet
        self.context = Context()
        #: IRI → the role words the article gives a person ("ordfører Kari Lunde")
        self.roles: dict[str, str] = {}
        #: IRI → "f" or "m", as a pronoun that referred to the person told
        self.genders: dict[str, str] = {}
        self.statements: list[Statement] = []
        self._paragraph_start = 0
        #: the paragraph before ended inside a speaker's open quote
        self._carried_quote = False
        #: the speaker of the dash quote of the paragraph before
        self._speech_speaker: Attribution | None = None
        self.new_agents: dict[str, Agent] = {outlet.iri: outlet} if outlet.new else {}
        #: the names of new agents, so that one referent stays one agent
        self.new_registry = Registry()
        self.own = Attribution(sources=(outlet,), transmission="ownReporting")
        #: headings labelled with a role ("Ordfører: – …"), and the role, case-folded
        self._role_headings: list[tuple[Statement, str]] = []

    # ------------------------------------------------------------------ paragraphs

    def run(self) -> list[Statement]:
        """Every statement of the article, in document order."""
        headings: list[Statement] = []
        for para in paragraphs(self.text):
            if para.kind in ("label", "byline"):
                continue
            if para.kind in ("heading", "caption"):
                self._speech_speaker, self._carried_quote = None, False
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
        for heading, role in self._role_headings:
            self._role_heading(heading, role)
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
        chars = " \t\r\n" + DASHES + OPEN_QUOTES + CLOSE_QUOTES + ".,;:!?"
        start, end = strip_span(self.text, start, end, chars)
        return start, closing_quote_end(self.text, start, end)

    def _heading(self, para: Paragraph) -> Statement:
        """A heading is the outlet's; a quoted one waits for the speaker it repeats."""
        raw = self.text[para.start : para.end]
        direct = raw[0] in DASHES or raw[0] in OPEN_QUOTES
        labelled = self.p.heading_source.match(raw)
        if labelled and not direct:
            # "Mariupol City Council: About 300 …" (a source's words), "Syria war: At least 70
            # killed …" (a topic label): the statement is what follows the colon
            label = labelled.group("src").strip()
            agent = self.registry.exact(label) or self.registry.resolve(label)
            mentions = self.registry.mentions(label)
            if agent is not None and mentions and mentions[-1][1] < len(label):
                agent = None  # "Syria war: …": a topic that names a source, not the source
            attribution = self.own
            if agent is not None and agent is not self.outlet:
                attribution = Attribution(sources=(agent,), transmission="unstated", cue=":")
            statement = Statement(para.start + labelled.end(), para.end, attribution)
            if agent is None and re.fullmatch(r"[A-ZÆØÅ]?[a-zæøå]{3,}", label):
                # "Ordfører: – …": a role; the person the body names with it said it
                self._role_headings.append((statement, label.casefold()))
            return statement
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

    def _role_heading(self, heading: Statement, role: str) -> None:
        """A heading labelled with a role is the first later speaker the article or the
        registry gives that role ("Ordfører: – …" and "Ordføreren i byen, Anatolij Fedoruk")."""
        for other in self.statements:
            if other.start < heading.end or len(other.attribution.sources) != 1:
                continue
            agent = other.attribution.sources[0]
            if agent.new or not agent.person:
                continue
            words = [agent.role or "", self.roles.get(agent.iri, "")]
            words += self.registry.aliases.get(agent.iri, [])
            if any(w.startswith(role) for phrase in words for w in phrase.casefold().split()):
                heading.attribution = replace(other.attribution, cue=":", relay=None)
                heading.direct = True
                return

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
        # '"… day and night.¶"Our children …': a quote left open at the end of the paragraph
        # before goes on in this one, when it opens with a quotation mark; so does a quote
        # after a paragraph that ended with a speaker's quote and its cue
        carried = (
            self._carried_quote and self.text[para.start] in OPEN_QUOTES
        ) or self._quote_paragraph_follows(para)
        self._paragraph_start = para.start
        quoted: list[Statement] = []
        closed = False  # a speech paragraph's quote has been attributed ("…, sier X.")
        speech_speaker = self._speech_speaker
        self._carried_quote = False
        self._speech_speaker = None
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
            opens_quote = self.text[start] in DASHES or self.text[start] in OPEN_QUOTES
            if speech and closed and not opens_quote:
                # "– …, sier X. Kommunen fikk nye pumper i fjor.": after the attribution, a
                # sentence without a dash is the reporter's again
                for s in self._sentence(start, end, False):
                    self._add(s)
                continue
            if opens_quote:
                closed = False
            found = self._sentence(start, end, speech)
            for _, _, agent in self.registry.mentions(mask_initials(self.text[start:end])):
                if agent.person:  # for a "he"/"she" before any person has spoken
                    self.context.mentioned.append(agent)
            if not speech:
                self._quote_before_cue(para.start, start, found)
            if not speech and all(s.attribution is self.own for s in found):
                continued = (carried and start == para.start) or self._inside_quote(
                    para.start, start
                )
                if continued and self._quote_goes_on():
                    assert self.context.last is not None
                    found = [Statement(start, end, self.context.last, direct=True)]
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
            if speech_speaker is not None:
                # "– …, sier X.¶– Barna kan ikke sove.": the dash quote goes on with X
                s.attribution = speech_speaker
                continue
            # a dash quote whose speaker is never named: the last named speaker, marked
            if self.context.last is not None:
                s.attribution = self.context.last
            s.marks.append("attributedTo: a quote whose speaker the article does not name here")
        if speech and (closed or (quoted and speech_speaker is not None)):
            self._speech_speaker = (
                quoted[0].attribution if quoted and not closed else self.context.last
            )
        if not speech and self._inside_quote(para.start, para.end) and self._quote_goes_on():
            self._carried_quote = True

    def _quote_before_cue(self, begin: int, start: int, found: list[Statement]) -> None:
        """'"I was hit. … I saw bodies on the floor," she said.': the cue after the last sentence
        of a quote is the speaker's for the sentences of the quote before it too."""
        cued = [s for s in found if s.attribution is not self.own and s.start == start]
        opened = self._quote_opened_at(begin, start)
        if not cued or opened is None:
            return
        for statement in self.statements:
            if opened <= statement.start < start and statement.attribution is self.own:
                statement.attribution = cued[0].attribution
                statement.direct = True

    def _quote_opened_at(self, begin: int, at: int) -> int | None:
        """Where the quotation open at ``at`` opened, after ``begin``; None if none is open."""
        curly: list[int] = []
        straight: int | None = None
        for index in range(begin, at):
            char = self.text[index]
            if char in "“«":
                curly.append(index)
            elif char in "”»" and curly:
                curly.pop()
            elif char == '"':
                straight = index if straight is None else None
        opened = [i for i in (*curly[-1:], straight) if i is not None]
        return max(opened) if opened else None

    def _inside_quote(self, begin: int, at: int) -> bool:
        """Is ``at`` inside a quotation opened after ``begin`` and not closed before ``at``?"""
        words = self.text[begin:at]
        depth = words.count("“") - words.count("”") + words.count("«") - words.count("»")
        return depth > 0 or words.count('"') % 2 == 1

    def _quote_goes_on(self) -> bool:
        """Was the latest statement a named speaker's direct quote (that a sentence continues)?"""
        if not self.statements or self.context.last is None:
            return False
        last = self.statements[-1]
        return (
            self._quoted(last)
            and last.attribution.sources != (self.outlet,)
            and last.attribution.sources == self.context.last.sources
        )

    def _quoted(self, statement: Statement) -> bool:
        """A direct quote, or words that end in the speaker's quotation marks before the cue
        ('This hospital "was one of 20 …," the agency said')."""
        if statement.direct:
            return True
        words = self.text[statement.start : statement.end]
        after = self.text[statement.end : statement.end + 2]
        opened = any(q in words for q in OPEN_QUOTES) or words.count('"') % 2 == 1
        return opened and any(q in after for q in CLOSE_QUOTES)

    def _quote_paragraph_follows(self, para: Paragraph) -> bool:
        """Does a paragraph in quotation marks follow one that ended with a named speaker's
        quote and its cue ('"…," X said.¶"Then the sky went orange."'): X's quote goes on."""
        if self.text[para.start] not in OPEN_QUOTES or not self.statements:
            return False
        last = self.statements[-1]
        between = self.text[last.end : para.start]
        return (
            last.start >= self._paragraph_start
            and between.count("\n") <= 3
            and not re.search(r"[.!?][»\"”’']?\s+[A-ZÆØÅ]", between)
            and self._quote_goes_on()
        )

    # ------------------------------------------------------------------ sentences

    def _sentence(self, start: int, end: int, speech: bool) -> list[Statement]:
        """The statements of one sentence: a cue after it, before it, or the outlet's voice."""
        text = self.text
        s_end = strip_span(text, start, end, " \t\r\n.!?")[1]
        self.sentence_span = (start, s_end)
        # "U.N. officials said": the dots of initialisms are no full stops to the cue patterns
        sentence = mask_initials(text[start:s_end])
        if self._previous_cue(start, sentence):
            return []  # "Det sier X.": it attributed the sentence before and says nothing new
        if not speech and self.p.reporting_note.search(sentence):
            # "could not independently verify …": about the reporting, not the events; it
            # hedges what the paragraph said before it (else the paragraph before)
            self._hedge_before(start, sentence)
            return self._relative_of_note(start, sentence)
        if not speech:
            second = self._second_speaker(start, sentence)
            if second is not None:
                # "The UN put the toll at 83 while the Observatory said it was 87": two
                # statements, the second one's source and cue its own
                cut, resume = second
                return self._sentence(start, start + cut, speech) + self._sentence(
                    start + resume, end, speech
                )
        adding = self.p.adding.search(sentence)
        head = sentence[: adding.start()] if adding else sentence
        described = None if speech else self._described_speaker(start, sentence)
        if described is not None:
            stmt_start, attribution = described
            stop, attribution = self._credited(start, sentence, s_end, attribution)
            direct = self._is_quoted(stmt_start, stop)
            return self._clauses(stmt_start, stop, attribution, direct, background=True)
        # "Citing hospital records, X said 40 people died": the cue after the fronted phrase,
        # not a trailing one ("…, X said" with a short tail)
        fronted = (
            not speech
            and self.lex.lang == "en"
            and _FRONTED_PARTICIPLE.match(sentence) is not None
            and self._trial_cue(start, sentence, fronted=True) is not None
        )
        hit = None if fronted else self._trailing(start, head)
        if hit is not None:
            stmt_end, attribution = hit
            relayed = self._cued_before_relay(start, stmt_end, attribution)
            if relayed is not None:  # "X sier at …, melder Reuters": X's, relayed by Reuters
                stmt_start, attribution = relayed
                return self._clauses(stmt_start, stmt_end, attribution, False, background=True)
            direct = speech or self._is_quoted(start, stmt_end)
            statements = self._clauses(start, stmt_end, attribution, direct)
            if adding:  # '"…," he said, adding that …': what he added is his too
                statements += self._clauses(start + adding.end(), s_end, attribution, False)
            elif not speech and self.lex.lang == "en":
                # "…, the charity said, after a US air strike destroyed its hospital": the
                # clause of time after the cue is the reporter's
                after = _AFTER_CUE.search(self.text, stmt_end, s_end)
                if after is not None and re.search(r"\w", self.text[after.end() : s_end]):
                    statements += self._clauses(after.start("word"), s_end, self.own, False)
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
            stop, attribution = self._credited(start, sentence, s_end, attribution)
            direct = self._is_quoted(stmt_start, stop)
            if adding and stmt_start < start + adding.start() and not direct:
                # "X denied …, saying …", "X said that …, adding that …": what follows is X's too
                statements = self._clauses(
                    stmt_start, start + adding.start(), attribution, False, background=True
                )
                return statements + self._clauses(start + adding.end(), stop, attribution, False)
            return self._clauses(stmt_start, stop, attribution, direct, background=True)
        if speech:
            return [Statement(start, s_end, self.own, direct=True)]
        framed = None if adding is None else self._saying_frame(start, s_end, head, adding)
        if framed is not None:
            return framed
        inside = self._according_inside(sentence)
        if inside is not None:
            # "Det var ifølge X ingen soldater der": X's, and the sentence is the quote
            return self._clauses(start, s_end, inside, False)
        if self.p.unknown_note.match(sentence):
            # "Det er uklart …", "It is unclear …": what the reporter does not know
            return self._relative_of_note(start, sentence)
        if self._is_quoted(start, s_end) and self._continues_quote(start):
            # '"…," said X. "Then the sky went orange."': X's quote goes on
            assert self.context.last is not None
            return [Statement(start, s_end, self.context.last, direct=True)]
        resumed = self._quote_after_paraphrase(start) if self._is_quoted(start, s_end) else None
        if resumed is not None:
            # '"…," she said. She could not get help there. "I don't know how I walked."': her
            # quote resumes after the reporter's sentence about her
            return [Statement(start, s_end, resumed, direct=True)]
        self._note_subject(sentence)
        return self._clauses(start, s_end, self.own, self._is_quoted(start, s_end))

    def _saying_frame(
        self, start: int, end: int, head: str, adding: re.Match[str]
    ) -> list[Statement] | None:
        """ "The ministry released details of the strike, saying …": the words after "saying"
        are the subject's, the clause before them their frame (a verb of publishing), or the
        outlet's statement of another act ("The army shelled the town, saying …")."""
        if not adding.group(0).strip(" ,;").casefold().startswith("saying"):
            return None
        frame = self.p.saying_frame.match(head)
        act = frame or self.p.saying_act.match(head)
        if act is None or self._auxiliary_end(act.group("src")):
            return None
        if not self._sourcelike(act.group("src")):
            return None
        attribution = self._source(act.group("src"), "saying")
        if attribution is None:
            return None
        before = [] if frame else self._clauses(start, start + len(head), self.own, False)
        return before + self._clauses(start + adding.end(), end, attribution, False)

    def _second_speaker(self, start: int, sentence: str) -> tuple[int, int] | None:
        """Where the first clause ends and a second one with a source and a cue of its own
        starts, after a clause of at least three words and a coordinator ("…, while X said …",
        "… whereas X says …", "…; X said …", "…, but X told …"), outside quotation marks."""
        for m in _SECOND_CLAUSE.finditer(sentence):
            head = sentence[: m.start()].split()
            if len(head) < 3 or self._inside_quote(start, start + m.start()):
                continue
            bare = "," not in m.group(0) and m.group(0).split()[0] in ("and", "but", "og", "men")
            if bare and (len(head) < 5 or len(head) <= 8 and self._sourcelike(" ".join(head))):
                continue  # "Residents of Dorvan and the UN said …": two speakers, one cue
            rest = sentence[m.end() :]
            if self.p.say_verb.match(rest.split()[0] if rest.split() else ""):
                continue  # "…, og sier at …": the same subject's second cue, no new speaker
            found = self._trial_cue(start + m.end(), rest)
            if found is None or found[2] or found[1].sources == (self.outlet,):
                continue
            if found[0] >= start + len(sentence):
                continue
            if bare and any(a.new for a in found[1].sources):
                continue  # "… fled Mosul and its surroundings are …": no registry speaker
            return m.start(), m.end()
        return None

    def _trial_cue(
        self, start: int, sentence: str, fronted: bool = False
    ) -> tuple[int, Attribution, bool] | None:
        """``_leading_cue`` (``fronted``: ``_leading``, a fronted phrase allowed) as a trial
        reading, with what the reader remembers left as it was (a
        trial may name speakers and make new agents that the reading then does not use)."""
        context = replace(self.context, named=list(self.context.named))
        context.mentioned = list(self.context.mentioned)
        new_agents = dict(self.new_agents)
        names = dict(self.new_registry.names)
        agents = dict(self.new_registry.agents)
        roles, genders = dict(self.roles), dict(self.genders)
        try:
            if fronted:
                return self._leading(start, sentence)
            return self._leading_cue(start, sentence)
        finally:
            self.context, self.roles, self.genders = context, roles, genders
            self.new_agents = new_agents
            self.new_registry.names, self.new_registry.agents = names, agents
            self.new_registry.compile()

    def _relative_of_note(self, start: int, sentence: str) -> list[Statement]:
        """A note on the reporting or on what is unknown is no statement, but its relative clause
        about the world is the reporter's ("It remains unclear what caused the explosions, which
        resulted in a massive mushroom cloud")."""
        m = self.p.relative.search(sentence)
        if m is None:
            return []
        return self._clauses(start + m.start("word"), start + len(sentence), self.own, False)

    def _note_subject(self, sentence: str) -> None:
        """A reporter's sentence that opens with a registry person's name, after at most a
        title ("Dr. Jo Lee was operating …", "Jo Lee, 34, was in a café …"): the person a
        following "he"/"she" refers to."""
        for m_start, _, agent in self.registry.mentions(sentence[:120]):
            before = sentence[:m_start]
            if agent.person and re.fullmatch(r"(?:[A-ZÆØÅ][\w.'’\u2024-]*\s+){0,3}", before):
                self.context.subject = agent
            return

    def _according_inside(self, sentence: str) -> Attribution | None:
        """ "Det var ifølge X ingen …", "There were according to X no …": a source named
        inside the clause, after its first words, before the rest of it."""
        m = re.match(
            r"(?P<head>[^,]{1,40}?)\s+(?P<cue>ifølgje|ifølge|i\s+følgje|i\s+følge|according\s+to)\s+",
            sentence,
            re.IGNORECASE,
        )
        if m is None or len(m.group("head").split()) > 4:
            return None
        stop, attribution = self._source_prefix(sentence, m.end(), m.group("cue"))
        if attribution is None or not sentence[stop:].strip(" ,"):
            return None
        return attribution

    def _hedge_before(self, start: int, sentence: str) -> None:
        """ "The claims could not be independently verified.": a hedge on the statements of the
        paragraph before this sentence, else on those of the paragraph before it."""
        m = self.p.hedge.search(sentence)
        if m is None:
            return
        hedge = (self.lex.hedges[norm_name(m.group("hedge"))], m.group("hedge"))
        targets = [s for s in self.statements if self._paragraph_start <= s.start < start]
        if not targets:
            before = [s for s in self.statements if s.end <= self._paragraph_start]
            if before:
                last_para = self.text.rfind("\n", 0, before[-1].start) + 1
                targets = [s for s in before if s.start >= last_para]
        for statement in targets:
            if hedge not in statement.hedges:
                statement.hedges.append(hedge)

    def _continues_quote(self, start: int) -> bool:
        """Does a quoted sentence follow a source's quote in the same paragraph?"""
        if not self.statements or self.context.last is None:
            return False
        last = self.statements[-1]
        if last.attribution.sources == (self.outlet,):
            return False
        if last.attribution.sources != self.context.last.sources:
            return False
        if not self._quoted(last):
            # '"…," she said, adding she had not been there. "…"': the words she added, reported,
            # between her quote and its going on
            same = [
                s for s in self.statements if s.start >= self._paragraph_start and s.end <= start
            ]
            speaker = last.attribution.sources
            run = []
            for statement in reversed(same):
                if statement.attribution.sources != speaker:
                    break
                run.append(statement)
            if not any(self._quoted(s) for s in run) or last.attribution.cue is None:
                return False
        between = self.text[last.end : start]
        # a line break may part them ('"…," X said.\n"…"'), a blank line not (a new paragraph)
        return last.end <= start and not re.search(r"\n\s*\n", between) and len(between) <= 200

    def _quote_after_paraphrase(self, start: int) -> Attribution | None:
        """The person whose quote an uncued quoted sentence resumes: the last person who spoke,
        when they spoke in quotes earlier in the paragraph and the sentence just before opens
        with the pronoun for them ("She could not get help there."); English only."""
        last = self.context.last_person
        if self.lex.lang != "en" or last is None:
            return None
        before = self.text[self._paragraph_start : start].strip()
        previous = re.split(r"(?<=[.!?])[\"”’']?\s+", before)[-1] if before else ""
        pronoun = re.match(r"(She|He)\s", previous)
        if pronoun is None:
            return None
        gender = _PRONOUN_GENDERS[pronoun.group(1)]
        people = [a for a in last.sources if a.person]
        if not people or any(self.genders.get(a.iri) not in (None, gender) for a in people):
            return None
        spoke = any(
            s.start >= self._paragraph_start and s.direct and s.attribution.sources == last.sources
            for s in self.statements
        )
        return last if spoke else None

    def _is_quoted(self, start: int, end: int) -> bool:
        """Do the words open with a quotation mark or a speech dash?"""
        first = self.text[start : start + 1]
        return bool(first) and (first in OPEN_QUOTES or first in DASHES)

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
        speech = self._uncued_speech_before(start)
        for s in self.statements:
            if speech is not None and speech[0] <= s.start < speech[1] and s.direct:
                # "– Situasjonen er uoversiktlig. … \n\nDet opplyser X til Y.": the dash
                # paragraph before, which named no speaker, is X's
                s.attribution = attribution
        return True

    def _uncued_speech_before(self, start: int) -> tuple[int, int] | None:
        """The paragraph just before the one that opens at ``start``, when it is speech opened
        by a dash that names no speaker (no verb of saying after a comma); None otherwise."""
        if self.text.rfind("\n", 0, start) + 1 != start and start != self._paragraph_start:
            return None
        before = self.text[:start].rstrip()
        para_start = before.rfind("\n") + 1
        para = before[para_start:]
        if para[:1] not in DASHES or re.search(rf",\s+(?:{self.p.say})\b", para, re.IGNORECASE):
            return None
        return para_start, len(before)

    def _sentence_start_of_last(self) -> int:
        """Where the sentence of the latest statement starts."""
        last = self.statements[-1]
        para_start = self.text.rfind("\n", 0, last.start) + 1
        starts = [a for a, _ in sentences(self.text, para_start, last.end, self.lex)]
        return starts[-1] if starts else last.start

    def _trailing(self, start: int, sentence: str) -> tuple[int, Attribution] | None:
        """A cue after the statement: ", opplyser X", ", ifølge X", ", X said", ", het det i …";
        a news agency after it relays the speaker before it ("…, X said, according to TASS",
        "…, RIA Novosti reported, citing X")."""
        via_agency = self._relayed_cue(start, sentence)
        if via_agency is not None:
            return via_agency
        for pattern in (self.p.trailing_it_said, self.p.trailing_according):
            m = pattern.search(sentence)
            if m:
                # "…, according to a U.S. government source who was not authorized …": the
                # source is the head, not a name in its relative clause ("who" is not WHO)
                described = _DESCRIBED_SOURCE.match(m.group("src"))
                attribution = None
                if described:
                    attribution = self._source(described.group(1), m.group("cue"))
                if attribution is None:
                    attribution = self._source(m.group("src"), m.group("cue"), anaphoric=True)
                if attribution:
                    return start + m.start(), attribution
                if pattern is self.p.trailing_according and re.fullmatch(
                    r"[^,;:]+", m.group("src")
                ):
                    # "…, ifølge oppdaterte tall fra begge land": no source the rules resolve,
                    # but the cue and what it names (a phrase closing the sentence) are still no
                    # part of the words
                    return start + m.start(), self.own
        candidates = [m for m in self.p.trailing_inverted.finditer(sentence)]
        for m in reversed(candidates):
            if m.group("cue").casefold() in ("told", "tells"):
                continue  # "…, told state television": the addressee, not the speaker
            words = m.group("src").split()
            if words[0].casefold() in self.lex.that:
                continue  # "…, estimated that …": a content clause, not a speaker
            if words[0].casefold() in _PREPOSITIONS | {"by"}:
                # "X, a spokesman, said on October 18 that …": the statement follows; "…, Jo
                # Lee, the UN's coordinator, said in a statement", "…, X, head of Y, was quoted
                # as saying by Interfax": the speaker is before the cue
                continue
            head_words = re.split(r"\s(?:who|whom|whose|which)\s", m.group("src").split(",")[0])[0]
            if self.lex.lang == "en" and (
                any(w.casefold() in self.lex.clause_verbs for w in head_words.split())
                or _CLAUSE_AFTER_CUE.match(head_words)
            ):
                # "X, the top commander, said the Pentagon was aware …": a clause after the cue,
                # not a speaker after it ("…, said a source who was not authorized …" is one)
                continue
            relayed = len(words) > 1 and words[1].casefold() in self.lex.relay
            # "…, sier det ukrainske jernbaneverket": a determiner, an adjective, a definite
            # noun (Norwegian double definiteness) name the speaker; "sier det var …" does not
            noun_phrase = (
                self.lex.lang == "nb"
                and len(words) > 2
                and words[1].islower()
                and words[1].endswith("e")
                and re.search(r"(?:et|en|ene|a)$", words[2]) is not None
            )
            # "…, sa han på en pressekonferanse": a person and an adverbial, not a clause
            adverbial = (
                len(words) > 1
                and self.p.person_pronoun.match(words[0]) is not None
                and words[1].casefold() in _PREPOSITIONS
            )
            if (
                len(words) > 1
                and words[0].casefold() in self.lex.clause_pronouns
                and not (relayed or noun_phrase or adverbial)
            ):
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
            if (first in self.lex.relative + self.lex.that and not src.split()[0].isupper()) or (
                first in self.lex.clause_pronouns and len(src.split()) > 1
            ):
                continue  # "…, which has denied …": a clause, not a speaker
            if re.match(r"(?:a|an|en|et)\s", src, re.IGNORECASE):
                previous = max([c for c in commas if c < comma], default=-1)
                before = sentence[previous + 1 : comma].strip(" ,»\"”’'")
                if re.fullmatch(r"(?:[A-ZÆØÅ][\w.'-]*\s+){0,3}[A-ZÆØÅ][\w'-]*", before):
                    continue  # "…, a spokesman for X, said": the speaker's name is further left
            if re.match(r"the\s", src, re.IGNORECASE) or src[:1].islower():
                previous = max([c for c in commas if c < comma], default=-1)
                before = sentence[previous + 1 : comma].strip(" ,»\"”’'")
                person = self.registry.exact(before)
                if (
                    previous >= 0
                    and re.fullmatch(r"(?:[A-ZÆØÅ][\w.'-]*\s+){1,3}[A-ZÆØÅ][\w'-]*", before)
                    and (person is None or person.person)
                    and not self._organisation_name(before)
                ):
                    # "…," Lise Grande, the UN's coordinator in Iraq, said", "…, Jo Lee, head of
                    # X, was quoted as saying": the named person speaks, the title after the name
                    # says for whom
                    continue
            first_part = src.split(",")[0].strip()
            if "," in src and not (
                first_part[:1].isupper()
                or self._definite_description(first_part)
                or self._speaking_role(first_part)
            ):
                continue  # "…, and costs climbed, a spokeswoman said": a clause, not a name
            tail = m.group("tail").lstrip(" ,").split()
            if self.lex.lang == "en" and re.match(
                r"\d[\d,.]*\s+\S+(?:\s+\S+)?\s+[a-z]+", " ".join(tail)
            ):
                continue  # "…, X said 43 people died": the statement follows the cue
            # "…, the OPCW said on Friday in a long-awaited final report on the attack": an
            # adverbial tail may be long; a tail of other words is the statement that follows
            adverbial = bool(tail) and (
                tail[0].casefold() in _PREPOSITIONS or self._is_time(tail[0])  # "said Sunday as …"
            )
            if len(tail) > (16 if adverbial else 7) or any(
                w.casefold() in self.lex.that + self.lex.clause_verbs for w in tail
            ):
                continue  # "X, a surgeon, said that …": the statement follows, not precedes
            attribution = self._source(src, m.group("cue"), tail=m.group("tail"))
            if attribution:
                previous = max([c for c in commas if c < comma], default=-1)
                before = sentence[previous + 1 : comma].strip(" ,»\"”’'")
                if (
                    previous > 0
                    and re.match(r"(?:a|an|the|en|et)\s+[a-zæøå]", before)
                    # a title, not the end of the speaker's quotation ('…, the claims lack …," X')
                    and not re.match(r",?[»\"”’']", sentence[comma:])
                    and len(before.split()) <= 8
                ):
                    comma = previous  # "…, a hospital spokesman, Ben Hart, said": his title
                return start + comma, attribution
        return None

    def _relayed_cue(self, start: int, sentence: str) -> tuple[int, Attribution] | None:
        """ "…, Yevtushenko said on Thursday, according to TASS news agency": Yevtushenko,
        relayed by TASS; "…, the RIA Novosti news agency reported, citing a Defense Ministry
        statement": the ministry, relayed by RIA Novosti."""
        m = self.p.trailing_according.search(sentence)
        if m is not None and self._agency(m.group("src")) is not None:
            inner = self._trailing(start, sentence[: m.start()])
            agency = self._agency(m.group("src"))
            if inner is not None and agency is not None and inner[1].sources != (agency,):
                end, attribution = inner
                return end, replace(attribution, relay=agency, transmission="wireRelay")
        citing = self.p.citing.search(sentence)
        if citing is not None:
            inner = self._trailing(start, sentence[: citing.start()])
            cited = self._source(citing.group("src"), "citing")
            if inner is not None and cited is not None:
                end, attribution = inner
                agency = next((a for a in attribution.sources if self._is_agency(a)), None)
                if agency is not None:
                    combined = replace(cited, relay=agency, transmission="wireRelay")
                    self._remember(combined)
                    return end, combined
        return None

    def _credited(
        self, start: int, sentence: str, end: int, attribution: Attribution
    ) -> tuple[int, Attribution]:
        """ "X sier at …, skriver NTB": the statement ends before the closing credit; a news
        agency credited so relays X."""
        credit = self._medium_credit(start, sentence)
        if credit is None:
            return end, attribution
        stop, medium = credit
        if self._is_agency(medium) and attribution.relay is None:
            attribution = replace(attribution, relay=medium, transmission="wireRelay")
            self._remember(attribution)
        return stop, attribution

    def _medium_credit(self, start: int, sentence: str) -> tuple[int, Agent] | None:
        """ "…, skriver NTB", "…, Reuters reported": where a closing credit to a news agency or
        paper starts, and the medium it names."""
        m = self.p.closing_credit.search(sentence)
        if m is None:
            return None
        phrase = m.group("src").strip()
        words = [w.casefold() for w in phrase.split()]
        if len(words) > 4 or any(w in self.lex.that for w in words):
            return None  # "…, told Reuters that shops were shut": the statement follows
        medium = self.registry.exact(phrase) or self._agency(phrase)
        if medium is None or not (
            self._is_agency(medium) or medium.kind == "NewsOutlet" or medium == self.outlet
        ):
            return None
        return start + m.start(), medium

    def _cued_before_relay(
        self, start: int, end: int, trailing: Attribution
    ) -> tuple[int, Attribution] | None:
        """ "X sier at …, melder Reuters", "X says …, the TASS news agency reported": the
        trailing cue names only the news medium that carried it; the clause before has its own
        speaker and cue, so the statement is that speaker's, relayed by the agency."""
        if len(trailing.sources) != 1:
            return None
        medium = trailing.sources[0]
        spokesman = medium.new and bool(
            re.match(rf"(?:en|et|ei|a|an)\s+(?:{_SPOKESMEN})\w*$", medium.name, re.IGNORECASE)
        )
        if medium.new and _AGENCY_NOUN.fullmatch(medium.name):
            # "…, skriver nyhetsbyrået": the news agency named last
            named = [a for _, _, a in self.registry.mentions(self.text[:start])]
            medium = next((a for a in reversed(named) if self._is_agency(a)), medium)
        elif not spokesman and (
            trailing.relay is not None
            or not (self._is_medium(medium) or self._new_medium(medium, trailing.cue))
        ):
            return None
        found = self._leading_cue(start, mask_initials(self.text[start:end]))
        if found is None or found[2] or found[1].sources == trailing.sources:
            return None
        stmt_start, attribution, _ = found
        if spokesman:
            # "X benekter at …, sier en talsmann til Reuters": X's spokesman speaks for X
            if any(a.new for a in attribution.sources):
                return None
            medium = trailing.relay or medium
        if self._is_agency(medium) and attribution.relay is None:
            attribution = replace(attribution, relay=medium, transmission="wireRelay")
            self._remember(attribution)
        return stmt_start, attribution

    def _new_medium(self, agent: Agent, cue: str) -> bool:
        """ "…, The Guardian reported", "…, melder Dagsavisen": a new agent named with capitals
        and a verb of publishing after a clause with its own speaker is the medium that carried
        it."""
        return (
            agent.new
            and (not agent.person or agent.type_guessed)
            and cue.casefold() in _PUBLISHING
            and all(w[:1].isupper() for w in agent.name.split())
        )

    def _is_medium(self, agent: Agent) -> bool:
        """A news agency, a news outlet or this article's outlet."""
        return self._is_agency(agent) or agent.kind == "NewsOutlet" or agent == self.outlet

    def _agency(self, phrase: str) -> Agent | None:
        """The news agency a phrase names ("TASS news agency", "NTB"), known or new."""
        phrase = phrase.strip(" ,.")
        agent = self.registry.resolve(phrase)
        if agent is not None:
            return agent if self._is_agency(agent) else None
        if re.search(r"\b(?:news\s+agency|nyhetsbyrå\w*|agency)\b", phrase, re.IGNORECASE):
            name = re.sub(r"^(?:the\s+)|\s+news\s+agency$", "", phrase, flags=re.IGNORECASE)
            return self._new_agent(name, person=False, kind="NewsAgency")
        return None

    def _is_agency(self, agent: Agent) -> bool:
        return agent.kind == "NewsAgency" or bool(
            re.search(r"\b(?:news agency|nyhetsbyrå)\b", agent.name, re.IGNORECASE)
        )

    def _leading(self, start: int, sentence: str) -> tuple[int, Attribution, bool] | None:
        """A cue before the statement; (statement start, attribution, whole sentence?)."""
        found = self._leading_cue(start, sentence)
        if found is not None and not found[2] and self.lex.lang == "en":
            first = self.text[found[0] : found[0] + 40].split()[:1]
            that = re.search(r"\bthat\s+$", self.text[max(0, found[0] - 8) : found[0]])
            if first and first[0].casefold() in self.lex.clause_verbs:
                if that:
                    # "X said that was the largest toll": "that" is the subject, not "that …"
                    found = (found[0] - len(that.group(0)), found[1], found[2])
                else:
                    # "Conflicting reports have emerged …": "reports" is a noun, no cue; what an
                    # English cue introduces does not open with an auxiliary (a Norwegian one
                    # may: "Ifølge X er …", the verb second)
                    found = None
        if found is not None:
            return found
        fronted = self.p.fronted_adverbial.match(sentence)
        if fronted is None and self.lex.lang == "en":
            fronted = _FRONTED_PARTICIPLE.match(sentence)
            time = re.match(r"(?P<adverbial>[^,]{3,40}),\s+", sentence)
            if (
                fronted is None
                and time
                and (
                    self._is_time(time.group("adverbial"))
                    or _FRONTED_TIME.fullmatch(time.group("adverbial"))
                )
            ):
                fronted = time  # "Last month, X documented …", "Two days later, X said …"
        if fronted:
            found = self._leading_cue(start + fronted.end(), sentence[fronted.end() :])
            if found is not None and not found[2]:
                stop, attribution, _ = found
                if self.p.channel.search(" " + fronted.group("adverbial")):
                    attribution = replace(attribution, transmission="sourcePublication")
                return stop, attribution, False
            if found is not None and self.lex.lang == "en":
                return found  # "Last month, X documented the death of 1,400 …": the whole clause
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
            pieces = [p.strip() for p in m.group("desc").split(",") if p.strip()]
            # "Lena Moor, director of Kestria Watch, said …": a role in apposition; "The
            # director of Kestria Watch, Lena Moor, said …": the name in apposition to the role
            role_after = (
                self.lex.lang == "en"
                and len(pieces) == 1
                and bool(first)
                and self._role_word(
                    first[1] if first[0].casefold() == "the" and first[1:] else first[0]
                )
            )
            name_after = (
                self.lex.lang == "en"
                and len(pieces) == 1
                and re.fullmatch(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}", pieces[0]) is not None
                and any(self._role_word(w) for w in m.group("src").split())
            )
            if not first or not (
                first[0].casefold() in self.lex.description_open + self.lex.relative
                or first[0][:1].isdigit()
                or role_after
                or name_after
            ):
                continue
            if self.p.pronoun.match(m.group("src").strip()):
                continue
            phrase = m.group("src")
            if pieces[0].split()[0].casefold() in ("a", "an", "en", "et", "ei") or role_after:
                phrase = f"{phrase}, {pieces[0]}"  # "X, a spokesman for Y, who …": X for Y
            elif name_after:
                phrase = f"{phrase}, {pieces[0]}"  # "Y's director, X": X
            attribution = self._source(phrase, m.group("cue"), tail=m.group("adv"))
            if attribution:
                return start + m.end(), attribution
        return None

    def _role_word(self, word: str) -> bool:
        """Does a word name a role a person speaks in ("director", "spokesman", "head")?"""
        word = word.casefold().strip(",")
        return word in self.lex.title_words or word.startswith(self.lex.speaking_roles)

    def _leading_cue(self, start: int, sentence: str) -> tuple[int, Attribution, bool] | None:
        """A cue before the statement, at the very start of the sentence."""
        m = _REPORTED_TO_HAVE.match(sentence) if self.lex.lang == "en" else None
        if m and self._sourcelike(m.group("src")):
            # "X is reported to have boasted that …": X's words, hedged by the reporter, the
            # whole clause (what X is reported to have said is no quote of X)
            attribution = self._source(m.group("src"), m.group("cue"))
            if attribution:
                return start, attribution, True
        m = _CAME_FROM.match(sentence) if self.lex.lang == "en" else None
        if m:
            # "The initial report of the strike came from the activist group, X": X's
            src = m.group("src")
            parts = [p.strip() for p in src.split(",")]
            attribution = None
            if len(parts) == 2 and parts[0][:1].islower():
                attribution = self._source(parts[1], "came from")  # "the group, X"
            attribution = attribution or self._source(src, "came from")
            if attribution:
                return start, attribution, True
        described = self._described_speaker(start, sentence)
        if described is not None:
            return described[0], described[1], False
        m = self.p.colon.match(sentence)
        if m and self._sourcelike(m.group("src")):
            attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("adv"))
            if attribution:
                return start + m.end(), attribution, False
        m = self.p.impersonal_cue.match(sentence)
        pre = m.group("pre") if m else None
        if m and (not pre or pre.casefold() == "det" or self._fronted_phrase(pre)):
            # "Tidligere tirsdag var det meldt at …": the reporter's, from the words after "at"
            return start + m.end(), self.own, False
        m = self.p.quoting.match(sentence)
        if m:
            attribution = self._source(m.group("src"), m.group("cue"))
            if attribution:
                medium = self.registry.resolve(m.group("relay").strip()) or self._agency(
                    m.group("relay")
                )
                if medium is not None and self._is_agency(medium):
                    attribution = replace(attribution, relay=medium, transmission="wireRelay")
                    self._remember(attribution)
                return start + m.end(), attribution, False
        m = self.p.leading_according.match(sentence)
        if m:
            stop, attribution = self._source_prefix(sentence, m.end(), m.group("cue"))
            if attribution:
                return start + stop, attribution, False
        inverted = self._inverted_after_adverb(start, sentence)
        if inverted is not None:
            return inverted
        m = self.p.inverted_that.match(sentence)
        if m and (not m.group("pre") or self._fronted_phrase(m.group("pre"))):
            attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("pre") or "")
            words = m.group("src").split()
            cut = next((i for i, w in enumerate(words) if w.casefold() in _PREPOSITIONS), 0)
            if attribution is None and cut:
                # "Like etter skriver de i en ny melding at …": the subject before its adverbial
                tail = " ".join(words[cut:])
                attribution = self._source(" ".join(words[:cut]), m.group("cue"), tail=tail)
            if attribution:
                return start + m.end(), attribution, False
        m = self.p.source_that.match(sentence)
        if m and not self._fronted_phrase(m.group("src").strip()):
            attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("adv"))
            if attribution:
                return start + m.end(), attribution, False
        m = self.p.accuse.match(sentence)
        if m and self._sourcelike(m.group("src")) and not self._auxiliary_end(m.group("src")):
            # "X accused Y of Z": X's accusation, its words after the verb
            attribution = self._source(m.group("src"), m.group("cue"))
            if attribution:
                return start + m.start("cue"), attribution, False
        m = self.p.source_say.match(sentence)
        if m and (self.lex.lang == "en" or not self._auxiliary_end(m.group("src"))):
            if self._sourcelike(m.group("src")):
                attribution = self._source(m.group("src"), m.group("cue"), tail=m.group("adv"))
                if attribution:
                    about = re.match(r"om\s+(?=\S)", sentence[m.end() :])
                    if self.lex.lang == "nb" and about:
                        return start + m.end() + about.end(), attribution, False  # "melder om"
                    return start + m.end(), attribution, False
        if self.lex.lang == "nb":
            m = _CALLS_NB.match(sentence)
            if m and self._sourcelike(m.group("src")) and not self._auxiliary_end(m.group("src")):
                # "X kaller jordskjelvet den verste katastrofen": X's judgement, the words after
                # the verb
                attribution = self._source(m.group("src"), m.group("cue"))
                if attribution:
                    return start + m.end(), attribution, False
        if self.lex.lang == "en":
            m = _CALLED_IT.match(sentence)
            if m and self._sourcelike(m.group("src")) and not self._auxiliary_end(m.group("src")):
                # "Syria has called the allegations a "fabrication"", "X dismissed the reports
                # as propaganda": X's judgement, its words from the thing judged on (the cue
                # left out, as after "X said")
                attribution = self._source(m.group("src"), m.group("cue") or m.group("cue2"))
                if attribution:
                    obj = m.start("obj") if m.group("obj") else m.start("obj2")
                    return start + obj, attribution, False
            m = _FIGURE_CUE.match(sentence) or _COUNTED.match(sentence)
            if m and self._sourcelike(m.group("src")) and not self._auxiliary_end(m.group("src")):
                # "The UN put the death toll at 83": the source's figure is the whole clause,
                # verb and object
                attribution = self._source(m.group("src"), m.group("cue"))
                if attribution:
                    return start, attribution, True
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

    def _inverted_after_adverb(
        self, start: int, sentence: str
    ) -> tuple[int, Attribution, bool] | None:
        """Norwegian puts the verb second: after a fronted adverb ("Samtidig bekrefter WHO at
        …", "Selv mener hun …", "Nå melder imidlertid organisasjonen at …") the speaker follows
        the verb of saying. The first word is such an adverb when it names no source (registry,
        new agent, pronoun, description) and the words after the verb do: a name, a pronoun or a
        definite description, with a sentence adverb before it, then "at" or the statement
        itself."""
        if self.lex.lang != "nb":
            return None
        m = re.match(
            rf"(?P<pre>[^\W\d_]+(?:\s+[^\s,]+){{0,3}}?)\s+(?P<cue>{self.p.say})\s+(?=\S)",
            sentence,
            re.IGNORECASE,
        )
        if m is None or not m.group("pre")[:1].isupper():
            return None
        pre = m.group("pre")
        if " " in pre and not self._fronted_phrase(pre):
            return None  # "Tidligere tirsdag kunngjorde …"; more words are the speaker's
        if self.p.pronoun.match(pre) or self._names_source(pre):
            return None
        if " " not in pre and not (
            pre.casefold() in self.lex.cue_adverbs
            or re.search(rf"(?<![\w.!?]\s)(?<!^)\b{re.escape(pre.casefold())}\b", self.text)
        ):
            return None  # "Dahl sier han …": a name, unless the word is an adverb elsewhere
        rest = sentence[m.end() :]
        words = list(re.finditer(r"[^\s,]+", rest))
        skip = 0
        while skip < len(words) and words[skip].group(0).casefold() in self.lex.cue_adverbs:
            skip += 1
        for size in range(1, 5):
            if skip + size > len(words):
                break
            phrase_start, phrase_end = words[skip].start(), words[skip + size - 1].end()
            phrase = rest[phrase_start:phrase_end]
            if not (self.p.pronoun.match(phrase) or self._names_source(phrase)):
                continue
            while skip + size < len(words) and words[skip + size].group(0)[:1].isupper():
                longer = rest[phrase_start : words[skip + size].end()]
                if not self._names_source(longer):
                    break
                size, phrase, phrase_end = size + 1, longer, words[skip + size].end()
            after = rest[phrase_end:]
            that_word = alternation(self.lex.that)
            first = after.split()[:1]
            adverbial = bool(first) and first[0].casefold() in _ADVERBIAL_WORDS
            # "Like etter skriver de i en ny melding at …": an adverbial, then "at"
            words_before = r"[^,]{1,80}?\s+" if adverbial else ""
            that = re.match(rf"\s+{words_before}{that_word}\s+(?=\S)", after)
            bare = None if adverbial else re.match(r"\s+(?=[\wæøåÆØÅ«\"“])", after)
            gap = that or bare
            if gap is None:
                continue
            attribution = self._source(phrase, m.group("cue"))
            if attribution is None:
                continue
            return start + m.end() + (len(rest) - len(after)) + gap.end(), attribution, False
        return None

    def _names_source(self, phrase: str) -> bool:
        """Do these words name or describe a source: the registry's, a new agent named before,
        or a definite description of one?"""
        return bool(
            self.registry.resolve(phrase)
            or self.new_registry.resolve(phrase)
            or self._definite_description(phrase)
        )

    def _fronted_phrase(self, phrase: str) -> bool:
        """A time or place put before the verb ("Lørdag", "På en pressekonferanse", "Enda senere
        på kvelden", "Like etter"): not the speaker, who follows the verb."""
        words = phrase.split()
        if self._is_time(phrase):
            return True
        if len(words) < 2:
            return False
        first = words[0].casefold()
        return (
            first in _PREPOSITIONS
            or (
                first in _FRONTING_ADVERBS
                and (
                    words[1].casefold() in _PREPOSITIONS | _FRONTING_ADVERBS
                    or self._is_time(" ".join(words[1:]))  # "Tidligere tirsdag"
                    # "Kort tid etter SOHRs melding": a preposition after a noun of time
                    or any(w.casefold() in _PREPOSITIONS for w in words[2:3])
                )
            )
        )

    def _auxiliary_end(self, phrase: str) -> bool:
        """Does the phrase end with an auxiliary ("X was", "Y ble"): a passive, not a speaker?"""
        words = phrase.split()
        return bool(words) and words[-1].casefold() in self.lex.clause_verbs + ("been", "blitt")

    def _sourcelike(self, phrase: str) -> bool:
        """Could these words, before a verb of saying, be the speaker?"""
        phrase = phrase.strip()
        if self.p.pronoun.match(phrase) or self.registry.exact(phrase):
            return True
        if self.lex.lang == "nb" and self._definite_description(phrase):
            return True  # "politiet frykter …": a definite noun for a source named or registered
        if (
            self._described_source(phrase)
            or self._account_owner(phrase)
            or self._named_with_postmodifier(phrase)
        ):
            # "A Kestrian Health Ministry official at the hospital said …", "A statement on the
            # ministry's website said …"
            return True
        named = self.registry.mentions(phrase)
        if named and named[-1][1] == len(phrase) and "," not in phrase:
            return True  # "The monitoring group Syrian Observatory for Human Rights said …"
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
            between = sentence[consumed:comma] if comma >= 0 else "-"
            rest = re.sub(r"^(?:'s|’s)\s*", "", between.strip()).split()
            role = (
                self.lex.lang == "en"
                and 1 <= len(rest) <= 3
                and all(w.islower() for w in rest)
                and self._role_word(rest[-1].rstrip("s"))
            )
            if not rest or (len(rest) <= 2 and rest[0].casefold() in self.lex.documents) or role:
                # "Ifølge SOHR, …", "According to UN estimates, …", "According to a Kestrian
                # Health Ministry official, …"
                stop = comma + 1
            return stop, self._source(phrase, cue)
        if comma > at:
            return comma + 1, self._source(sentence[at:comma], cue)
        words = list(re.finditer(r"\S+", sentence[at:]))
        for size in range(1, min(4, len(words) - 1) + 1):
            # "Ifølge departementet dreier det seg om …": a description of a source, then the
            # verb (second, in Norwegian) and the statement
            phrase = sentence[at : at + words[size - 1].end()]
            if self._names_source(phrase) and words[size].group(0)[:1].islower():
                return at + words[size].start(), self._source(phrase, cue)
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
        connective = self.p.connective.match(self.text, start, end)
        if connective:
            start = connective.end()
        if background:
            start, end, attribution = self._cue_edges(start, end, attribution)
        pieces = self._split(
            start, end, reported=background, own=attribution.sources == (self.outlet,)
        )
        statements: list[Statement] = []
        for index, (piece_start, piece_end, role) in enumerate(pieces):
            if index + 1 < len(pieces) and pieces[index + 1][2] == "calls-itself":
                continue  # the name a self-description is about, not a statement
            owner = attribution
            if role == "relative" and background:
                owner = self.own
            if role == "calls-itself":
                owner = self._self_description(start, piece_start) or attribution
            if role.startswith("coordinated:"):
                owner = replace(attribution, stance=role.removeprefix("coordinated:"))
            if index > 0 and role == "main":
                # "…, and the United Nations says more than 13,000 have fled": a clause with a
                # source and cue of its own
                lead = self._leading(piece_start, self.text[piece_start:piece_end])
                if lead is not None and not lead[2] and lead[0] < piece_end:
                    piece_start, owner = lead[0], lead[1]
            passive = self.p.passive.search(self.text[piece_start:piece_end])
            if passive:
                agent = self._source(passive.group("src"), "")
                if agent:
                    owner = replace(agent, transmission="unstated")
            if owner.sources == (self.outlet,) and self.lex.lang == "en":
                # "the blast, which witnesses said killed 43 people": the witnesses' words
                owner = self._embedded_cue(piece_start, piece_end) or owner
            statements.append(Statement(piece_start, piece_end, owner))
            statements.extend(self._nested(piece_start, piece_end, owner))
        return statements

    def _embedded_cue(self, start: int, end: int) -> Attribution | None:
        """A cue inside a relative clause of the reporter's words: "…, which witnesses said
        killed 43 people", "a strike that local officials say collapsed three buildings": the
        source of that cue (the clause is its claim)."""
        m = _EMBEDDED_CUE.search(mask_initials(self.text[start:end]))
        if m is None or m.group("src").split()[0].casefold() in self.lex.clause_pronouns:
            return None
        src = m.group("src")
        if not (self._people_source(src) or self._sourcelike(src)):
            return None
        return self._source(src, m.group("cue"))

    def _cue_edges(
        self, start: int, end: int, attribution: Attribution
    ) -> tuple[int, int, Attribution]:
        """The words after a cue without the cue's own words at their edges: "om" and "ifølge X
        om" ("melder ifølge X om …"), the speaker's second cue ("at han anslår at …"), the
        addressee at the end ("… overfor Reuters": a news agency relays it)."""
        words = self.text[start:end]
        lead = re.match(
            r"(?:(?:ifølgje|ifølge|i\s+følgje|i\s+følge)\s+[^,]{1,60}?\s+)?om\s+(?=\S)", words
        )
        if self.lex.lang == "nb" and lead:
            start += lead.end()
        nested = self.p.nested_cue.match(self.text[start:end])
        if nested:
            start += nested.end()
        if attribution.sources != (self.outlet,):
            tail = self.p.addressee_after.search(self.text[start:end])
            if tail:
                medium = self.registry.exact(tail.group("medium"))
                if medium is not None and (
                    self._is_agency(medium) or medium.kind == "NewsOutlet" or medium == self.outlet
                ):
                    end = start + tail.start()
                    if self._is_agency(medium) and attribution.relay is None:
                        attribution = replace(attribution, relay=medium, transmission="wireRelay")
        return start, end, attribution

    def _split(
        self, start: int, end: int, reported: bool = False, own: bool = False
    ) -> list[tuple[int, int, str]]:
        """Cut a span at relative, coordinated, subordinate clauses, participle clauses and
        fronted phrases (``reported``: the words after a cue before them, cut at a coordinated
        clause only where it has a cue of its own; ``own``: the reporter's words, cut at a
        comparison only so)."""
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
        for m in self.p.reduced_relative.finditer(span):
            # "…, recently retaken by X." / "…, previously held by IS, and …": at the clause's end
            # or before a coordinated clause; "The plant, run by X, stored …" (inside the
            # subject, the verb after it) stays in the clause
            close = span.find(",", m.end())
            if close > 0 and not re.match(r",\s+(?:and|but)\s", span[close:]):
                continue
            cuts.append((start + m.start(), start + m.start("word"), "relative"))
            if close > 0:
                cuts.append((start + close, start + close + 1, "main"))
        coordination = (
            self.p.reported_coordination
            if reported
            else self.p.own_coordination
            if own
            else self.p.coordination
        )
        for m in coordination.finditer(span):
            cuts.append((start + m.start(), start + m.end(), "main"))
        for m in self.p.coordinated_cue.finditer(span):
            # "… and said that X": X; "… and accused Y of Z": the accusation, verb and all
            said = self.p.say_verb.match(m.group("verb")) is not None
            clause = m.end() if said else m.start("verb")
            cuts = [c for c in cuts if c[0] != start + m.start()]
            # "X avviser at … og legger skylden på Y": the second act has its own stance
            stance = "denies" if self.p.deny.match(m.group("verb")) else "asserts"
            cuts.append((start + m.start(), start + clause, f"coordinated:{stance}"))
        for m in self.p.dash_aside.finditer(span):
            if m.group("pair"):
                continue  # "X — an aside — Y": the aside is part of the sentence
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
            word = before.group(1).casefold() if before else ""
            if word not in _COUNT_INTRODUCERS and not (
                word in ("and", "og") and found and found[-1].end >= start + m.start() - 6
            ):
                continue  # a count introduced by "with" or "from" is a participant of its own
            quantity = self._quantity(m, start)
            if quantity is None or quantity.unit != "person":
                continue
            large = quantity.nominal is not None and quantity.nominal >= 100
            part = word in _PART_OF or word in ("and", "og")
            if quantity.qualifier == "exactly" and not large and not part:
                continue  # "med to barn": a detail of the clause, not a figure to check
            noun_end = self._noun_phrase_end(start + m.end(), end)
            found.append(Statement(start + m.start(), noun_end, owner))
        for m in self.p.controlled.finditer(text):
            found.append(Statement(start + m.start(), start + m.end(), owner))
        return found

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
            for m in self.p.hedge.finditer(self._hedge_scope(statement)):
                hedge = (self.lex.hedges[norm_name(m.group("hedge"))], m.group("hedge"))
                if hedge not in statement.hedges:
                    statement.hedges.append(hedge)

    def _hedge_scope(self, statement: Statement) -> str:
        """Where an outlet's hedge on a statement stands: its words, and the cue before them
        when no other statement of the sentence is in between ("X reportedly said that …")."""
        line = self.text.rfind("\n", 0, statement.start) + 1
        stops = [
            m.end() for m in re.finditer(r"[.!?][»\"”’')]*\s", self.text[line : statement.start])
        ]
        begin = line + (stops[-1] if stops else 0)
        if any(begin <= other.end <= statement.start for other in self.statements):
            begin = statement.start
        return self.text[begin : statement.end]


#: verbs with which a medium publishes what a source said ("…, The Guardian reported")
_PUBLISHING = frozenset("reported reports wrote writes melder meldte skriver skrev".split())
#: words that open an adverbial after a cue ("said on Friday in a report"), never a speaker
#: a definite noun for a news agency or paper, standing for the one named before it
_AGENCY_NOUN = re.compile(r"(?:the\s+)?(?:nyhetsbyrået|byrået|news\s+agency|agency)", re.IGNORECASE)
_SPOKESMEN = "talsmann|talskvinne|talsperson|spokes"
_PREPOSITIONS = frozenset("on in at during after before late earlier i på etter under".split())
#: adverbs that open a fronted time phrase with a preposition or another such adverb ("Enda
#: senere på kvelden", "Like etter", "Much later")
#: words that open an adverbial between a speaker and "at" ("skriver de i en ny melding at")
_ADVERBIAL_WORDS = frozenset("i på etter under før ved fra til om med".split())
_FRONTING_ADVERBS = frozenset("enda like rett kort litt senere tidligere much shortly soon".split())
