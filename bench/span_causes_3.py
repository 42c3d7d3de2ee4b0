"""Every spurious statement and every inexact quote span of ALL the real tuning sets together, by
cause, with the counts per set and whether a cause recurs across sets and publishers or stays on
one page (helper spanfix3, issue #14).

The pages are drafted and scored as ``bench/extract_corpus.py`` does (``bench/span_causes.py``
does the drafting). The causes refine those of ``bench/span_causes_2.py`` where a rule would
need to know more (which conjunction, which side of the words the attribution is on):

spurious statements
- ``heading-first``: the page's headline (its first line); ``heading-inner``: a later short line
  without a final stop (a section title);
- ``furniture``, ``count-part``, ``relative-split``, ``place-phrase`` as in span_causes_2;
- ``note``: the reporter's note on what is not known or confirmed ("The cause was not
  immediately clear", "Ingen vet …", "asked not to be identified");
- ``clause-split:<word>``: a piece of a sentence split off at <word> (", but", ", og", ", mens",
  "—", …) whose sentence the gold quotes (as one statement or not at all);
- ``own-voice``: a reporter's sentence the gold leaves out; ``source-sentence``: a source's.

inexact spans
- ``convention``: the gold quotes the cue ("X said …") or differs by marks only;
- ``cue-lead-kept``: the draft's span starts with an attribution the rules did not read as one
  ("they believe …", "Police revealed …", "Hun forklarer at …");
- ``cue-tail-kept``: the draft's span ends with one (", sier X til AFP", ", legger han til");
- ``clause-split:<word>``: the draft cuts at <word> where the gold keeps one statement;
- ``clause-merged:<word>``: the draft keeps a clause the gold cuts off at <word>;
- ``credit-or-furniture``, ``participle-kept``, ``apposition-kept``, ``other``.

    PYTHONPATH=. python bench/span_causes_3.py > rows.tsv      # all four real tuning sets
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]


def _load(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_causes: object = _load("span_causes")
_causes2: object = _load("span_causes_2")
pages = _causes.pages  # type: ignore[attr-defined]
scored = _causes.scored  # type: ignore[attr-defined]
shape = _causes.shape  # type: ignore[attr-defined]
CUE_WORDS = _causes._CUE_WORDS  # type: ignore[attr-defined]  # noqa: SLF001
base_spurious = _causes2.spurious_cause  # type: ignore[attr-defined]
base_inexact = _causes2.inexact_cause  # type: ignore[attr-defined]

ROOT = HERE.parent
SETS = {
    "real-blind": ROOT / "tests" / "data" / "extract" / "real-blind",
    "real-blind-3": ROOT / "tests" / "data" / "extract" / "real-blind-3",
    "real-blind-4": ROOT / "tests" / "data" / "extract" / "real-blind-4",
    "corpus": ROOT / "tests" / "data" / "corpus",
}

_NOTE = re.compile(
    r"not (?:immediately )?(?:clear|known|confirmed)|could not be (?:independently )?"
    r"(?:verified|confirmed)|asked not to be (?:identified|named)|on condition of anonymity|"
    r"\bIngen (?:vet|har)\b|uklart|ikke (?:kunnet )?(?:bekrefte|bekreftet)|kunna fastslå|"
    r"unclear",
    re.IGNORECASE,
)
#: the word that joins a piece to the rest of its sentence
_JOIN = re.compile(
    r"(?:,\s*|\s)(and|but|while|whereas|as|og|men|mens|der|da|so|or|eller|after|etter at)\s*$"
    r"|([–—])\s*$|(;)\s*$|(,)\s*$",
    re.IGNORECASE,
)
_JOIN_AFTER = re.compile(
    r"^\W{0,3}?(?:,\s*|\s)(and|but|while|whereas|as|og|men|mens|der|da|so|or|eller|after|"
    r"etter at)\b|^\s*([–—])|^\s*(;)|^(,)",
    re.IGNORECASE,
)


def _join(before: str, after: str) -> str:
    """The conjunction or mark at a boundary: the end of ``before`` or the start of ``after``."""
    for pattern, words in ((_JOIN, before), (_JOIN_AFTER, after)):
        m = pattern.search(words)
        if m:
            word = next(g for g in m.groups() if g)
            return word.casefold()
    return "?"


def spurious_cause(text: str, span: tuple[int, int], matched: list[tuple[int, int]]) -> str:
    """The cause of one spurious statement (see the module's docstring)."""
    cause = str(base_spurious(text, span, matched))
    a, b = span
    words = text[a:b]
    if cause == "heading":
        first_line_end = text.find("\n")
        return "heading-first" if a < max(first_line_end, 1) else "heading-inner"
    if _NOTE.search(words) and cause in ("own-voice", "source-sentence", "clause-split"):
        return "note"
    if cause == "clause-split":
        return "clause-split:" + _join(text[max(0, a - 12) : a], text[b : b + 12])
    return cause


def inexact_cause(text: str, gold: tuple[int, int], draft: tuple[int, int]) -> str:
    """The cause of one inexact span (see the module's docstring)."""
    cause = str(base_inexact(text, gold, draft))
    (g0, g1), (d0, d1) = gold, draft
    if cause in ("frame-in-quote", "other", "clause-merged"):
        lead = text[d0:g0] if d0 < g0 else ""
        tail = text[g1:d1] if d1 > g1 else ""
        lead_words = {w.casefold() for w in re.findall(r"[\wæøå]+", lead)}
        tail_words = {w.casefold() for w in re.findall(r"[\wæøå]+", tail)}
        if lead and (
            lead_words & CUE_WORDS
            or re.search(r"\b(?:that|at|om at)\s*$", lead)
            or (len(lead.split()) <= 3 and not re.search(r"[,;:]", lead))
        ):
            return "cue-lead-kept"
        if tail and tail_words & CUE_WORDS:
            return "cue-tail-kept"
    if cause == "clause-split":
        if d1 < g1:
            return "clause-split:" + _join(text[max(d1 - 12, 0) : d1], text[d1 : d1 + 12])
        return "clause-split:" + _join(text[max(d0 - 12, 0) : d0], text[d0 : d0 + 12])
    if cause == "clause-merged":
        if d1 > g1:
            return "clause-merged:" + _join(text[max(g1 - 12, 0) : g1], text[g1 : g1 + 12])
        return "clause-merged:" + _join(text[max(g0 - 12, 0) : g0], text[g0 : g0 + 12])
    return cause


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), help="default: all")
    args = parser.parse_args()
    names = args.set or list(SETS)
    rows: list[tuple[str, str, str, str, str, str, str, str]] = []
    for name in names:
        for page in pages(SETS[name].resolve()):
            result = scored(page)
            if result is None:
                continue
            text = page.path.read_text(encoding="utf-8")
            lang = "nb" if page.lang in ("nb", "nn") else page.lang
            matched = [(g.span.start, g.span.end) for g, _ in result.pairs]
            for s in result.spurious:
                span = (s.span.start, s.span.end)
                cause = spurious_cause(text, span, matched)
                words = repr(text[span[0] : span[1]])
                rows.append(
                    (
                        name,
                        lang,
                        page.path.name,
                        "spurious",
                        f"{span[0]}-{span[1]}",
                        "",
                        cause,
                        words,
                    )
                )
            for gold, draft in result.pairs:
                if gold.span == draft.span:
                    continue
                g = (gold.span.start, gold.span.end)
                d = (draft.span.start, draft.span.end)
                cause = inexact_cause(text, g, d)
                words = repr(f"G {text[g[0] : g[1]]!r} | D {text[d[0] : d[1]]!r}")
                rows.append(
                    (
                        name,
                        lang,
                        page.path.name,
                        "inexact",
                        f"{g[0]}-{g[1]}",
                        f"{d[0]}-{d[1]}",
                        cause,
                        words,
                    )
                )
    counts: Counter[tuple[str, str, str, str]] = Counter()
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    in_sets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, lang, page_name, kind, _, _, cause, _ in rows:
        counts[(kind, cause, name, lang)] += 1
        where[(kind, cause)].add(page_name)
        in_sets[(kind, cause)].add(name)
    columns = [(n, lang) for n in names for lang in ("en", "nb")]
    print(
        "# counts\tkind\tcause\t"
        + "\t".join(f"{n} {lang}" for n, lang in columns)
        + "\ttotal\tsets\tpages\trecurs"
    )
    totals = Counter({key: sum(counts[(*key, n, lang)] for n, lang in columns) for key in where})
    for key, total in totals.most_common():
        cells = "\t".join(str(counts[(*key, n, lang)]) for n, lang in columns)
        general = "recurring" if len(in_sets[key]) >= 2 or len(where[key]) >= 3 else "one page"
        if len(where[key]) == 1:
            general = "one page"
        print(
            f"# counts\t{key[0]}\t{key[1]}\t{cells}\t{total}\t{len(in_sets[key])}\t"
            f"{len(where[key])}\t{general}"
        )
    print("#")
    print("set\tlang\tpage\tkind\tgold or draft span\tdraft span\tcause\twords")
    for row in rows:
        print("\t".join(row))


if __name__ == "__main__":
    main()
