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

One module per stage: ``segmentation`` (paragraphs, sentences), ``cues`` (the compiled patterns),
``attribution`` (sentences → attributed statements and clauses), ``sources`` (registry and source
phrases), ``quantities`` (figures), ``days`` (relative days), ``draft`` (the claim file); this
module is the entry point that runs them.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.errors import InputError, UsageError
from ledger.extraction.attribution import Extractor, Statement
from ledger.extraction.days import parse_published
from ledger.extraction.draft import Draft, render_draft
from ledger.extraction.rules import LEXICONS
from ledger.extraction.segmentation import paragraphs, sentences, wire_credit
from ledger.extraction.sources import (
    Agent,
    Registry,
    byline_wire,
    credited_wire,
    wire_agency,
)
from ledger.intake.load import read_text_file

if TYPE_CHECKING:
    from ledger.extraction.score import Evaluation

__all__ = [
    "LANGUAGES",
    "MAX_ARTICLE_BYTES",
    "MAX_STATEMENTS",
    "Draft",
    "Statement",
    "evaluate_extraction",
    "extract",
    "extract_draft",
    "paragraphs",
    "parse_published",
    "read_article",
    "render_draft",
    "sentences",
]

LANGUAGES = tuple(LEXICONS)
#: A news article is tens of kilobytes; a larger input is refused before any work.
MAX_ARTICLE_BYTES = 1024 * 1024
#: The most statements a draft holds: a checker cannot review more, and writing them takes long.
MAX_STATEMENTS = 3000


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
    credit = wire_credit(text) or byline_wire(text, registry) or credited_wire(text, registry)
    agency = wire_agency(credit, registry) if credit else None
    if agency is not None:
        credit = agency.name  # "(dpa/NAN)": dpa wrote the copy, NAN carried it
    outlet_agent = _outlet(registry, outlet, lang, credit)
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
    page: bool = False,
) -> Evaluation:
    """Extract a draft and score it against a hand-made case (``extract --evaluate GOLD``);
    ``page``: against the gold's claims that quote this article only (a corpus of pages).

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
        return evaluate(draft_file, gold, page=page)


def _outlet(registry: Registry, outlet: str | None, lang: str, credit: str | None = None) -> Agent:
    """The source of the own-voice statements: the registry's agency a wire credit names
    (dateline, closing credit line, or a byline "NTB utenriks") else --outlet, the registry's
    one outlet, the agency a wire dateline credits ("LIMA, March 3 (Wirewatch) -"), or new."""
    if outlet:
        found = registry.resolve(outlet)
        wire = registry.resolve(credit) if credit else None
        if wire is not None and not wire.person and wire is not found:
            # wire copy on the outlet's page ("MOSUL, Iraq (AP) —", "Source: WAM"): the
            # reporter's voice is the wire's, the outlet its publisher
            return wire
        if found is not None:
            return found
        return Agent(iri="new-source/outlet", name=outlet, kind="NewsOutlet", new=True, lang=lang)
    outlets = registry.outlets()
    if len(outlets) == 1:
        return outlets[0]
    if credit:
        agency = registry.resolve(credit)
        if agency is not None and not agency.person:
            return agency
        return Agent(iri="new-source/outlet", name=credit, kind="NewsAgency", new=True, lang=lang)
    return Agent(iri="new-source/outlet", name="the outlet", kind="NewsOutlet", new=True, lang="en")
