"""Why the drafts' quote spans differ from the gold's: every inexact span of a set of pages,
classified by its shape, one TSV row each, with counts (helper spanfix, issue #14).

The pages are drafted and scored as ``bench/extract_corpus.py`` does (same options). A matched
pair whose spans differ gets a **shape** from where the two spans differ:

- ``gold-keeps-cue``: the gold's span holds the draft's and the words only the gold quotes name
  the attribution (a verb of saying, "according to", a colon, a news agency, a quotation mark
  with a comma before the cue): the corpus convention of quoting "X said …", not an error of the
  draft's words under the project's convention (README "Scoring a draft");
- ``marks-only``: the spans differ by quotation marks, punctuation or spaces alone;
- ``draft-longer``: the draft quotes more than the gold (a credit, an attribution, a clause or
  page furniture left in); ``draft-shorter``: the draft quotes less, with no cue among the words
  it leaves out (a clause split off, a fronted phrase cut); ``shifted``: each quotes words the
  other does not.

With ``--causes FILE`` (a TSV of ``page``, ``gold start`` and ``cause``), each row also gets the
cause a reader gave it; rows without one get a guess from their words (``guess: …``).

    PYTHONPATH=. python bench/span_causes.py --corpus tests/data/extract/real-blind
    PYTHONPATH=. python bench/span_causes.py                    # the development corpus
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from ledger.errors import LedgerError  # noqa: E402
from ledger.extraction import extract  # noqa: E402
from ledger.extraction.rules import LEXICONS  # noqa: E402
from ledger.extraction.score import Evaluation, evaluate  # noqa: E402

# the pages and options of bench/extract_corpus.py (bench/ is not a package)
_spec = importlib.util.spec_from_file_location("extract_corpus", HERE / "extract_corpus.py")
assert _spec is not None and _spec.loader is not None
_corpus = importlib.util.module_from_spec(_spec)
sys.modules["extract_corpus"] = _corpus  # its dataclass looks itself up there
_spec.loader.exec_module(_corpus)
CORPUS, LEXICON, Page, pages = _corpus.CORPUS, _corpus.LEXICON, _corpus.Page, _corpus.pages

#: words that name an attribution in the words only the gold quotes
_CUE_WORDS = {
    w.casefold()
    for lex in LEXICONS.values()
    for w in lex.say + lex.according + lex.deny + lex.adding
    if " " not in w
} | {
    "according",
    "tweeted",
    "stated",
    "states",
    "announced",
    "blamed",
    "blames",
    "accused",
    "frykter",
    "beskylder",
    "skuldar",
    "krev",
    "hevder",
    "ifølge",
    "citing",
    "agency",
    "nyhetsbyrå",
}
_MARKS = " \t\r\n.,;:!?\"'«»“”‘’–—-()"


def scored(page: Page) -> Evaluation | None:
    """The page's draft scored against its case (None: the gold cannot be read)."""
    with tempfile.TemporaryDirectory(prefix="span-causes-") as folder:
        article = Path(folder) / page.path.name
        shutil.copyfile(page.path, article)
        draft = Path(folder) / "draft.yaml"
        draft.write_text(
            extract.extract(
                article, LEXICON[page.lang], page.published, page.outlet, page.case / "sources.yaml"
            ),
            encoding="utf-8",
        )
        try:
            return evaluate(draft, page.case, page=True)
        except LedgerError:
            gold = Path(folder) / "case"
            shutil.copytree(page.case, gold, ignore=shutil.ignore_patterns("vocabulary.yaml"))
            try:
                return evaluate(draft, gold, page=True)
            except LedgerError:
                return None


def shape(text: str, gold: tuple[int, int], draft: tuple[int, int]) -> str:
    """Where two spans of ``text`` differ (see the module's docstring)."""
    (g0, g1), (d0, d1) = gold, draft
    only_gold = text[g0 : max(g0, min(d0, g1))] + " " + text[min(g1, max(d1, g0)) : g1]
    only_draft = text[d0 : max(d0, min(g0, d1))] + " " + text[min(d1, max(g1, d0)) : d1]
    if not only_gold.strip(_MARKS) and not only_draft.strip(_MARKS):
        return "marks-only"
    if not only_draft.strip(_MARKS):
        words = {w.casefold() for w in re.findall(r"[\wæøå]+", only_gold)}
        if words & _CUE_WORDS or ":" in only_gold or re.search(r"[,.]\s*[\"”»]", only_gold):
            return "gold-keeps-cue"
        return "draft-shorter"
    if not only_gold.strip(_MARKS):
        return "draft-longer"
    return "shifted"


#: a clause boundary at the edge of the words one side quotes and the other does not
_CLAUSE_EDGE = re.compile(
    r"^\W*(?:and|but|while|whereas|which|who|where|when|after|as|including|saying|adding|"
    r"og|men|mens|som|etter|der|da)\b|\b(?:and|but|while|which|who|where|when|after|as|og|men|"
    r"mens|som|etter at)\W*$",
    re.IGNORECASE,
)
#: page furniture before the first sentence: a dateline, a place and a dash, a credit
_FURNITURE = re.compile(
    r"^\s*(?:[A-ZÆØÅ][\w./ ]{1,40}(?:,\s*[\w. ]{1,30})?\s*(?:[–—|:-]|\([A-Za-z ]+\))"
    r"|[A-Z]{2,}|\w+\s+pic\b)"
)


def guessed_cause(text: str, gold: tuple[int, int], draft: tuple[int, int], kind: str) -> str:
    """A first guess at why the spans of one pair differ, from the words only one side quotes
    (for the rows no reader classified): ``convention`` for the shapes that are the corpus's
    way of quoting, else the furniture, the attribution or the clause boundary the words show."""
    if kind in ("gold-keeps-cue", "marks-only"):
        return "convention"
    (g0, g1), (d0, d1) = gold, draft
    lead = text[min(g0, d0) : max(g0, d0)]
    tail = text[min(g1, d1) : max(g1, d1)]
    words = {w.casefold() for w in re.findall(r"[\wæøå]+", lead + " " + tail)}
    if d0 < g0 and _FURNITURE.match(lead):
        return "furniture"
    if words & _CUE_WORDS:
        return "attribution"
    if _CLAUSE_EDGE.search(lead.strip()) or _CLAUSE_EDGE.search(tail.strip()):
        return "clause"
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--causes", type=Path, help="a TSV of page, gold start, cause")
    args = parser.parse_args()
    given: dict[tuple[str, int], str] = {}
    if args.causes:
        for line in args.causes.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1].isdigit():
                given[(parts[0], int(parts[1]))] = parts[2]
    rows = []
    for page in pages(args.corpus.resolve()):
        result = scored(page)
        if result is None:
            continue
        text = page.path.read_text(encoding="utf-8")
        for gold, draft in result.pairs:
            if gold.span == draft.span:
                continue
            g = (gold.span.start, gold.span.end)
            d = (draft.span.start, draft.span.end)
            kind = shape(text, g, d)
            cause = given.get((page.path.name, g[0])) or "guess: " + guessed_cause(text, g, d, kind)
            rows.append((page.lang, page.path.name, g, d, kind, cause, gold, draft))
    print("lang\tpage\tgold start\tgold end\tdraft start\tdraft end\tshape\tcause\tgold\tdraft")
    for lang, name, g, d, kind, cause, gold, draft in rows:
        print(
            f"{lang}\t{name}\t{g[0]}\t{g[1]}\t{d[0]}\t{d[1]}\t{kind}\t{cause}\t"
            f"{gold.text!r}\t{draft.text!r}"
        )
    print()
    for label, key in (("shape", 4), ("cause", 5)):
        # a cause counts by its name, the words before its colon ("credit-tail: …")
        counts = Counter((row[0], _name(str(row[key]))) for row in rows)
        for (lang, value), count in sorted(counts.items()):
            print(f"# {label}\t{lang}\t{value}\t{count}")


def _name(cause: str) -> str:
    return cause if cause.startswith("guess: ") else cause.split(":")[0]


if __name__ == "__main__":
    main()
