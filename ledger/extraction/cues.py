"""Cues: the regular expressions of one language's attribution cues, clause markers, figures and
days, compiled once from its lexicon (``ledger.extraction.rules``)."""

from __future__ import annotations

import re

from ledger.extraction.rules import Lexicon, alternation


class Patterns:
    """The regular expressions of one language, compiled once."""

    def __init__(self, lex: Lexicon) -> None:
        say = alternation(lex.say, lex.cue_adverbs)
        self.say = say
        # "But the ministry said …", "Men politiet sier at …": a conjunction opening the sentence
        # is no part of the speaker's name
        lead = r"(?:(?:But|And|Yet|Men|Og)\s+)?"
        # "The report said …": after a determiner, "report" is the noun, not the cue
        # "… raised fears that …": after a verb that makes or feeds them, "fears", "claims",
        # "reports" are nouns too
        not_a_noun = (
            r"(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bden\s)(?<!\bdet\s)(?<!\braised\s)"
            r"(?<!\bsparked\s)(?<!\bprompted\s)(?<!\bfuelled\s)(?<!\bfueled\s)(?<!\bstoked\s)"
            r"(?<!\bdismissed\s)(?<!\bdenied\s)(?<!\brejected\s)"
        )
        self.deny = re.compile(rf"^{alternation(lex.deny)}$", re.IGNORECASE)
        according = alternation(lex.according)
        quote_close = "[»\"”’']?"
        # a source's words may hold the dots of an abbreviation or initial ("a U.S. official")
        word = r"(?:[^.!?]|(?<!\w)[A-Z]\.(?=[A-Z]\.|\s))"
        # ", opplyser SOHR." / ", said the ministry." (cue, then source, at the end)
        self.trailing_inverted = re.compile(
            rf"(?:,{quote_close}|[»\"”’'],?)\s+(?P<cue>{say})\s+(?P<src>{word}+?)[.!?]*$",
            re.IGNORECASE,
        )
        # ", ifølge SOHR." / ", according to SOHR."
        self.trailing_according = re.compile(
            rf",{quote_close}\s+(?P<cue>{according})\s+(?P<src>{word}+?)[.!?]*$", re.IGNORECASE
        )
        # "…, skriver NTB.": the last comma's cue and what it names (no comma inside)
        self.closing_credit = re.compile(
            rf",{quote_close}\s+(?P<cue>{say})\s+(?P<src>[^,.!?]+?)[.!?]*$", re.IGNORECASE
        )
        # ", het det i innslaget."
        self.trailing_it_said = re.compile(
            rf",{quote_close}\s+(?P<cue>{alternation(lex.it_said)})\s*(?P<src>[^.!?]*?)[.!?]*$",
            re.IGNORECASE,
        )
        # ", the ministry said." / '," she told Reuters.' (source, then cue); ", and announced
        # …" is a clause of the subject before, not a source named "and"
        self.trailing_source_first = re.compile(
            rf"^\s+(?!(?:and|but|or|og|men|eller)\s)(?P<src>(?:[^\s.!?]|(?<!\w)[A-Z]\.)"
            rf"{word}{{0,159}}?)\s+{not_a_noun}(?P<cue>{say})\b(?P<tail>[^!?]*?)[.!?]*$",
            re.IGNORECASE,
        )
        self.leading_according = re.compile(rf"^(?P<cue>{according})\s+", re.IGNORECASE)
        that = alternation(lex.that)
        # "X has determined that …", "X fastslo at …": verbs that report only before "that"
        say_that = alternation(lex.say + lex.say_that, lex.cue_adverbs)
        # "Lørdag meldte statlige medier at …", "På en pressekonferanse sa X at …" (a fronted
        # time or place, the cue, the source, "at": the verb comes second)
        self.inverted_that = re.compile(
            rf"^(?:(?P<pre>[^\s,]+(?:\s+[^\s,]+){{0,5}})\s+)?(?P<cue>{say_that})\s+(?P<src>[^,]{{1,120}}?)"
            rf"\s+{that}\s+",
            re.IGNORECASE,
        )
        # "If confirmed, the attack would be …": a conjunction is no speaker
        conjunction = r"(?!(?i:if|unless|once|although|though|because|hvis|dersom)\s)"
        # "SOHR opplyser at …" / "The army said on Monday that …"
        self.source_that = re.compile(
            rf"^{lead}{conjunction}(?P<src>[^,]{{1,120}}?|[^,]{{1,60}},[^,]{{1,100}},)\s+{not_a_noun}(?P<cue>{say_that})"
            rf"(?P<adv>(?:\s+(?!(?:and|og)\s)[^\s,]+){{0,7}}?)\s+{that}\s+",
            re.IGNORECASE,
        )
        # "Marta Celik, 54, who lives …, said …", "En beboer på X, som …, forteller til Y at …"
        side = r"(?P<desc>(?:,\s+[^,]{1,300}?){1,3}?),\s+"
        self.described_that = re.compile(
            rf"^{lead}(?P<src>[^,]{{1,80}}?){side}(?P<cue>{say_that})"
            rf"(?P<adv>(?:\s+(?!(?:and|og)\s)[^\s,]+){{0,7}}?)\s+{that}\s+",
            re.IGNORECASE,
        )
        self.described_say = re.compile(
            rf"^{lead}(?P<src>[^,]{{1,80}}?){side}(?P<cue>{say})"
            rf"(?P<adv>(?:\s+on\s+\w+|\s+reporters|\s+[A-Z][\w.]+)?),?\s+(?=\S)",
        )
        # "Conflicting reports have emerged": before an auxiliary, "reports" is the subject
        a_noun_after = r"(?!\s+(?:have|has|had|are|were|is|was|will|would|could|may|might)\b)"
        # English without "that": "He said the town had fallen."
        self.source_say = re.compile(
            rf"^{lead}{conjunction}(?P<src>[^,]{{1,80}}?|[^,]{{1,60}},[^,]{{1,100}},)\s+{not_a_noun}(?P<cue>{say})"
            rf"{a_noun_after}"
            rf"(?P<adv>(?:\s+on\s+\w+|\s+in\s+a\s+statement|\s+reporters|\s+[A-Z][\w.]+)?),?\s+"
            rf"(?=\S)",
        )
        self.show = re.compile(
            rf"^(?P<src>[^,]{{1,120}}?)\s+(?P<cue>{alternation(lex.show)})\b", re.IGNORECASE
        )
        # 'Jane Doe said: "…"' / "Hansen sier: – …"
        self.colon = re.compile(
            rf"^{lead}(?P<src>[^,:]{{1,80}}?|[^,:]{{1,60}},[^,:]{{1,100}},)\s+{not_a_noun}(?P<cue>{say})"
            rf"(?P<adv>(?:\s+[^\s,:]+){{0,4}}?):\s+"
        )
        # "In a statement on Monday, X said …" / "Søndag kveld, …": an adverbial before the source
        # "However, X said …", "As the alliance advanced on Raqqa, X said …": a connective or a
        # fronted subordinate clause, then the source
        self.fronted_adverbial = re.compile(
            r"^(?P<adverbial>(?:In|On|At|Late|Earlier|Later|I|På|Sent|Tidligere|Senere)\b[^,]{0,60}"
            r"|(?:However|Meanwhile|Separately|Nevertheless|Instead|Likewise|Imidlertid|Samtidig|"
            r"Derimot)"
            r"|(?:As|While|After|When|Since|Although|Though|Mens|Etter at|Da|Når|Selv om)\s"
            r"[^,]{3,140}"
            r"|[^\s,]+dag(?:\s+[^\s,]+)?"
            # "Officially announcing the strike, X said …", "Speaking to reporters, X said …": a
            # participle clause before the speaker (English)
            + (
                r"|(?:[A-Z][a-z]+ly\s+[a-z]{3,}ing|[A-Z][a-z]{2,}ing)\s"
                # not an adjective before its noun and verb ("Conflicting reports have emerged")
                r"(?![^,]*\s(?:is|are|was|were|has|have|had|will|would|could|can|may|might|did|"
                r"does|do)\s)[^,]{3,100}"
                if lex.lang == "en"
                else ""
            )
            + r"),\s+"
        )
        # "… tens of thousands of civilians – beyond the 160,000 …": a spaced dash before a
        # lowercase word ends the clause; what follows is an aside of its own
        # (an aside between two spaced dashes, "the number missing — likely trapped in the
        # mud — raised fears …", is part of its sentence: matched whole as ``pair``, no cut)
        self.dash_aside = re.compile(
            r"(?P<pair>\s+[–—]\s+[^–—.!?\n]{1,150}?\s+[–—]\s+)|\s+[–—]\s+(?=[a-zæøå])"
        )
        # "However, U.S. officials …": the reporter's connective before a statement, not its words
        self.connective = re.compile(
            r"(?:However|Meanwhile|Nevertheless|Nonetheless|Imidlertid|Likevel|Samtidig),\s+"
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
            # "… ifølge Reuters om angrepet": what it was about may follow the relay
            rf"\s+(?:{alternation(lex.relay)})\s+(?P<relay>[^,]{{1,60}}?)(?:\s+om\s+[^,]{{1,60}})?$",
            re.IGNORECASE,
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
        # "The ministry released details of the strike, saying …": a subject and a verb of
        # publishing before ", saying" frame the words after it; another act ("The army shelled
        # the town, saying …") is a statement of its own before them (English)
        self.saying_frame = re.compile(
            rf"^{lead}(?P<src>[^,]{{1,80}}?)\s+(?P<verb>released|issued|published|posted|shared|"
            r"put\s+out|gave|made|held|sent|presented|provided|offered)\s[^,]{1,120}$"
            if lex.lang == "en"
            else r"(?!)"
        )
        self.saying_act = re.compile(
            rf"^{lead}(?P<src>[^,]{{1,80}}?)\s+(?P<verb>[a-z]{{3,}}ed|took|struck|hit|shot|fought|won|lost|"
            r"left|began|ran|spent|kept)\s[^,]{1,120}$"
            if lex.lang == "en"
            else r"(?!)"
        )
        # "Opplysningene var tirsdag kveld ikke bekreftet fra annet hold.": the wire's note on its
        # sources closing a sentence (not "… ikke bekreftet fra annet hold at …", a claim, nor a
        # relative clause inside one, which goes on after it)
        unconfirmed = (
            r"|\bikke\s+(?:blitt\s+)?(?:uavhengig\s+)?bekreftet\s+(?:fra|av)\s+"
            r"(?:annet|uavhengig|nøytralt)\s+hold$"
            if lex.lang == "nb"
            else ""
        )
        self.reporting_note = re.compile(
            rf"\b{alternation(lex.reporting_notes)}\b{unconfirmed}", re.IGNORECASE
        )
        self.unknown_note = re.compile(
            rf"{alternation(lex.unknown_notes)}\b|.*\s{alternation(lex.unknown_tails)}$",
            re.IGNORECASE,
        )
        # ", and announced …", ", and are pushing …": a verb phrase sharing the subject stays in
        # the clause (English), unless a passive agent gives it a source of its own ("by X")
        # (Norwegian: ", og kan ha blitt begravet …" shares the subject unless "av X" gives one;
        # ", og at …" is a second content clause of the same cue, never a statement apart)
        shared_subject = (
            r"(?!(?:is|are|was|were|has|have|had|will|would|could|can|may|might|did|does|do|"
            r"should|must|shall|[a-z]{3,}ed)\s(?![^,.]*\sby\s))"
            if lex.lang == "en"
            else r"(?!at\s)(?!(?:er|var|har|hadde|kan|kunne|skal|skulle|vil|ville|må|måtte|blir|"
            r"ble|bør|burde)\s(?![^,.]*\sav\s))"
            # ", og lovet også at …": a verb in the past shares the subject too
            r"(?!(?!(?:dette|disse|denne|andre|heller|bare|alle)\s)[a-zæøå]{3,}(?:te|et|de)\s"
            r"(?![^,.]*\sav\s))"
        )
        # a clause with a cue or a source of its own (", and the UN says …", ", men FN opplyser
        # at …", ", mens guvernøren, X, sier at …", ", men det blir anslått at …", ", og torsdag
        # ble dette gjentatt av X")
        own_cue = (
            rf"(?:(?=[^.;:!?]{{0,160}}?(?:\b(?:{say_that}|{according}|{alternation(lex.show)}|"
            r"siterer|siterte|quotes|quoted|accused|accuses|blamed|blames|beskylder|beskyldte|"
            r"anklager|anklaget|(?:blir|ble|er|var|is|are|was|were)\s+(?:anslått|meldt|"
            r"rapportert|opplyst|estimated|reported|believed|thought|feared))\b"
            r"|\s(?:by|av)\s+[A-ZÆØÅ]))"
            # ", but that …": a second content clause of the same cue, "that" no part of it
            r"|(?:that|at)\s+)"
        )
        # ", but the mud made the search slow": a contrast is one statement with the clause
        # before it (the real pages' golds keep "A, but B" whole) unless B has a cue of its own
        joining = tuple(w for w in lex.coordinators if w not in lex.contrast)
        contrast = alternation(lex.contrast) if lex.contrast else r"(?!)"
        # "…, men justerte tallene …": after "men" a verb in the past is the subject's second
        # act, a statement of its own (Norwegian; English "…, but were killed" shares the
        # subject and stays)
        act = (
            rf"|(?P<act>{contrast})\s+(?!(?:dette|disse|denne|hadde|ville|skulle|kunne|måtte|"
            r"burde|heller|bare|alle|andre)\s)(?=[a-zæøå]{3,}(?:te|et|de)\s)"
            if lex.lang == "nb"
            else ""
        )
        self.coordination = re.compile(
            rf",\s+(?:(?P<word>{alternation(joining)})\s+{shared_subject}"
            rf"|(?P<contrast>{contrast})\s+{shared_subject}{own_cue}{act})",
            re.IGNORECASE,
        )
        # the reporter's own "Nearly 60 are dead, while more than 240 are missing": a comparison
        # is one statement too, unless its second clause has a cue of its own
        plain = tuple(w for w in joining if w not in lex.comparison)
        kept = alternation(lex.contrast + lex.comparison) if lex.comparison else contrast
        self.own_coordination = re.compile(
            rf",\s+(?:(?P<word>{alternation(plain)})\s+{shared_subject}"
            rf"|(?P<kept>{kept})\s+{shared_subject}{own_cue}{act})",
            re.IGNORECASE,
        )
        # after a cue before the words ("X said A, and B", "X opplyser at A, mens B"), what
        # follows is the speaker's one statement: a clause apart only with a cue of its own
        self.reported_coordination = re.compile(
            rf",\s+(?:(?P<word>{alternation(lex.coordinators)})\s+"
            # ", and he called on …": the speaker's own act, told by the reporter
            rf"(?:{shared_subject}(?:{own_cue})|(?=(?:he|she|han|hun|ho)\s)){act})",
            re.IGNORECASE,
        )
        # "… was closer to 300 and accused the government of …": a second reported clause
        # "…, men presiserer at …", "…, and stressed that …": a verb that reports before "that",
        # after "and" or "but", opens a second reported clause too
        that_only = alternation(lex.say_that) if lex.say_that else r"(?!)"
        self.coordinated_cue = re.compile(
            rf"(?:,?\s+(?:and|og)|,\s+(?:{contrast}))\s+(?P<verb>{alternation(lex.coordinated_cues)}"
            rf"|(?:{that_only})(?=\s+(?:{that})\s))"
            rf"(?:\s+(?:{that}))?\s+(?=\w)",
            re.IGNORECASE,
        )
        self.say_verb = re.compile(rf"^{say_that}$", re.IGNORECASE)
        # "USA, Britain and France accused the regime of …": the accusers speak
        self.accuse = re.compile(
            rf"^{lead}(?P<src>[^,]{{1,80}}?|[^,]{{1,60}},[^,]{{1,60}}\s+(?:and|og)\s+[^,]{{1,40}}?)\s+"
            r"(?P<cue>accused|accuses|blamed|blames|beskylder|beskyldte|anklager|anklaget|"
            r"skuldar|skulda|klandrer|klandret)\s+(?=\S)",
            re.IGNORECASE,
        )
        # "AP siterer helseministeren på at …", "AFP quoted the minister as saying that …": the
        # medium quotes the speaker; the words after the cue are the speaker's
        self.quoting = re.compile(
            r"^(?P<relay>[^,]{1,60}?)\s+(?P<cue>siterer|siterte|quotes|quoted)\s+"
            r"(?P<src>[^,]{1,120}?)\s+(?:på\s+at|as\s+saying(?:\s+that)?)\s+(?=\S)",
            re.IGNORECASE,
        )
        # "… at han anslår at 500 er drept": a second cue of the same speaker opening the words
        # "… said they believe 350 people were …": a verb of belief needs no "that"
        believe = alternation(lex.believe) if lex.believe else r"(?!)"
        self.nested_cue = re.compile(
            rf"^(?:han|hun|de|dei|vi|jeg|eg|he|she|they|it|we|I)\s+(?:(?:{say}|anslår|anslo|mener|"
            rf"tror|estimates|estimated|believes|believed|thinks)\s+{that}"
            rf"|(?:{believe})(?:\s+{that})?)\s+(?=\S)",
            re.IGNORECASE,
        )
        # "Tidligere tirsdag var det meldt at …", "It was reported that …": no source named
        self.impersonal_cue = re.compile(
            r"^(?:(?P<pre>[^,]{1,40}?)\s+)?(?:var|ble|er|har|it\s+was|it\s+has\s+been)\s+"
            r"(?:det\s+)?(?:blitt\s+)?(?:meldt|opplyst|rapportert|reported|announced)\s+"
            rf"{that}\s+(?=\S)",
            re.IGNORECASE,
        )
        # "… bekrefter tallene overfor Reuters": the addressee after the words
        self.addressee_after = re.compile(
            rf"\s+(?:{alternation(lex.relay)})\s+(?P<medium>[^,]{{1,40}}?)[.!?]*$", re.IGNORECASE
        )
        # "Mariupol City Council: About 300 people were killed": a heading that quotes a source
        self.heading_source = re.compile(r"^(?P<src>[^:\n]{2,60}?):\s+(?=\S)")
        # "…, the RIA Novosti news agency reported, citing a Defense Ministry statement"
        self.citing = re.compile(
            r",\s+(?:citing|with reference to|med henvisning til|som viser til)\s+"
            r"(?P<src>[^,.!?]{2,120}?)[.!?]*$",
            re.IGNORECASE,
        )
        self.hedge = re.compile(
            rf"(?<![\wæøå])(?P<hedge>{alternation(tuple(lex.hedges))})(?![\wæøå])", re.IGNORECASE
        )
        # "The firm, which owned the dam, is one of …", "Broen, som ble bygd i 1974, ble revet
        # bort": a relative clause between the subject and its verb is part of the sentence
        past = (
            r"[a-z]{3,}ed|came|went|took|made|gave|left|began|saw|found|held|led|lost|won|became|"
            r"remains|remained"
            if lex.lang == "en"
            else r"[a-zæøå]{3,}(?:et|te|de)"
        )
        inside_subject = (
            rf"(?![^,.;:!?\n]{{1,150}},\s+(?:{alternation(lex.clause_verbs)}|{past})\s)"
            if lex.clause_verbs
            else ""
        )
        self.relative = re.compile(
            rf"(?P<lead>,\s+|\s+(?:og|and)\s+(?=(?:{alternation(lex.relative)})\s))"
            rf"(?P<word>{alternation(lex.relative)})\s+{inside_subject}",
            re.IGNORECASE,
        )
        self.subordinate = re.compile(
            rf"\s+(?P<word>{alternation(lex.subordinators)})\s+", re.IGNORECASE
        )
        if lex.lang == "en":
            # "Dozens died after rockets struck …", "… inquiry after port fire": the "after"
            # phrase belongs to the clause; after a comma ("…, after rebels shelled …") or a time
            # measure ("a day after the blast …", cut before the measure) it is a clause of its own
            measure = (
                r"(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few|"
                r"\d+)\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?)(?:\s+(?:ago|later))?"
            )
            # "… seven days after the flood": a noun phrase is no clause; a clause has a verb (or a
            # gerund: "after losing the capital") before its next comma
            finite = (
                r"(?=[^,.;:!?]*?\b(?:[a-z]{3,}ed|[a-z]{3,}ing|is|was|were|are|has|had|have|will|"
                r"would|could|can|fell|took|struck|hit|came|went|began|left|made|won|lost|shot|"
                r"broke|ran|sank|blew)\b)"
            )
            self.subordinate = re.compile(
                rf"(?:,\s*|\s+{measure}\s+)(?P<word>{alternation(lex.subordinators)})\s+{finite}",
                re.IGNORECASE,
            )
        # ", recently retaken by Ukrainian forces", ", previously held by IS": a participle with its
        # agent after a comma is a reduced relative clause, a statement of its own (English)
        self.reduced_relative = re.compile(
            r",\s+(?P<word>(?:(?:recently|previously|formerly|once|newly|long|now)\s+)?"
            r"(?:[a-z]{3,}ed|[a-z]{3,}en|held|built|run|won|lost|hit|struck|shot|kept|led|made|"
            r"sent|seen)\s+by\s)"
            if lex.lang == "en"
            else r"(?!)"
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
            # a range written with a dash, "40-70", "1,000–1,200" (not "from 40 to 70": a change)
            rf"|(?:(?:{qualifier})\s+)?(?P<dlow>{number})\s?[-–]\s?(?P<dhigh>{number})"
            rf"(?:\s+(?P<dmul>{multiplier}))?"
            rf"|(?:(?P<qual>{qualifier})\s+)?(?P<num>{number})(?:\s+(?P<mul>{multiplier}))?)"
            # a noun after the figure, or the clause ends ("the toll was closer to 300")
            rf"(?=\s+(?P<noun>[\wæøåÆØÅ-]+)|\s*(?:[;:)]|[,.](?!\d)|$))",
            re.IGNORECASE,
        )
