"""Extraction measured on the corpus of real news pages (issue #14): one row per page, totals per
language.

For each page of ``tests/data/corpus/<event>/case/pages/`` in a language the rules read (en; nb,
and nn read as nb), or of another set of case folders given with ``--corpus`` (``<set>/<name>/``
holding ``claims.yaml``, as ``tests/data/extract/real-blind/en/`` and ``nb/``), the draft is
made with the options a checker would give (``--lang`` from the page's Document,
``--published`` its ``datePublished``, ``--outlet`` its publisher's name, ``--sources`` the
case's ``sources.yaml``) and scored with ``extract --evaluate CASE --page``: the gold is the
case's claims that quote that page. The totals add the counts of the pages (matched / total), so
a long page weighs more than a short one. ``toCheck`` entries per claim of the drafts are counted
too.

    PYTHONPATH=. python bench/extract_corpus.py                 # the table, misses on stderr
    PYTHONPATH=. python bench/extract_corpus.py --misses        # the misses under each page
    PYTHONPATH=. python bench/extract_corpus.py --corpus tests/data/extract/real-blind --misses
    PYTHONPATH=. python bench/extract_corpus.py --causes bench/proposal-causes.tsv  # why rejected

The last column counts the entries still asked once review-draft has applied its certain answers
(``--non-interactive``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
# bench/ledger.py would shadow the package: the checkout's root first, bench/ left out
sys.path[:] = [str(HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != HERE]

from ledger.errors import LedgerError  # noqa: E402 - after the path fix above
from ledger.extraction import extract  # noqa: E402
from ledger.extraction.review import ReviewSession, exact_quote  # noqa: E402
from ledger.extraction.score import Evaluation, evaluate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
#: events scored without their vocabulary.yaml, which the loader refused
VOCABULARY_LEFT_OUT: set[str] = set()
#: events whose vocabulary.yaml review-draft refused (proposals judged without it)
REVIEW_VOCABULARY_LEFT_OUT: set[str] = set()
#: --no-vocabulary: the review proposes the built-in properties only (the figure before #14's)
NO_VOCABULARY = False
#: every rejected first proposal: (kind, cause, detail), for ``--causes``
REJECTED: list[tuple[str, str, str]] = []
#: the page's language → the lexicon that reads it
LEXICON = {"en": "en", "nb": "nb", "nn": "nb"}


@dataclass
class Page:
    """One page of the corpus with the options its draft is made with."""

    event: str
    case: Path
    path: Path
    lang: str
    published: str | None
    outlet: str | None


def cases(corpus: Path) -> list[Path]:
    """The case folders of a corpus: ``<event>/case/`` (the development corpus), else every
    ``<name>/`` holding a ``claims.yaml`` (the real-blind sets); none is an error."""
    found = sorted(corpus.glob("*/case")) or sorted(
        path.parent for path in corpus.glob("*/claims.yaml")
    )
    if not found:
        raise SystemExit(
            f"error: no case folder in {corpus}: give a folder whose sub-folders are cases "
            "(<event>/case/ or <name>/claims.yaml)"
        )
    return found


def pages(corpus: Path) -> list[Page]:
    """Every page of the corpus whose language the rules read, event by event."""
    found = []
    for case in cases(corpus):
        entities = yaml.safe_load((case / "entities.yaml").read_text(encoding="utf-8"))
        sources = yaml.safe_load((case / "sources.yaml").read_text(encoding="utf-8"))
        names = {node.get("id"): _name(node.get("name")) for node in sources["@graph"]}
        for node in entities["@graph"]:
            if "localCopy" not in node or node.get("inLanguage") not in LEXICON:
                continue
            published = node.get("datePublished")
            if isinstance(published, dict):
                published = published.get("@value")
            found.append(
                Page(
                    event=case.parent.name if case.name == "case" else case.name,
                    case=case,
                    path=case / node["localCopy"],
                    lang=str(node["inLanguage"]),
                    published=str(published)[:10] if published else None,
                    outlet=names.get(node.get("publisher")) or None,
                )
            )
    return found


def _name(value: Any) -> str:
    if isinstance(value, dict):
        for text in value.values():
            return str(text[0] if isinstance(text, list) else text)
    return str(value or "")


def measure(page: Page) -> tuple[Evaluation, int, int, Counter[str]]:
    """The page's scores, its draft's claims and toCheck entries (claims and new sources), and
    how the review's first proposals fare against the gold (see ``proposals_judged``; its
    ``asked`` counts the entries left once the certain answers are applied)."""
    with tempfile.TemporaryDirectory(prefix="extract-corpus-") as folder:
        article = Path(folder) / page.path.name
        shutil.copyfile(page.path, article)
        text = extract.extract(
            article, LEXICON[page.lang], page.published, page.outlet, page.case / "sources.yaml"
        )
        draft = Path(folder) / "draft.yaml"
        draft.write_text(text, encoding="utf-8")
        try:
            result = evaluate(draft, page.case, page=True)
        except LedgerError:
            # a case vocabulary the loader refuses declares properties only: score against
            # the case without it (claims, entities, sources and pages as they are)
            gold = Path(folder) / "case"
            shutil.copytree(page.case, gold, ignore=shutil.ignore_patterns("vocabulary.yaml"))
            result = evaluate(draft, gold, page=True)
            VOCABULARY_LEFT_OUT.add(page.event)
        judged = proposals_judged(page, draft, result)
        judged["asked"] += asked_after_certain(page, Path(folder), text)
    graph = yaml.safe_load(text)["@graph"]
    claims = sum(1 for node in graph if node.get("type") == "Claim")
    items = sum(len(node.get("toCheck", [])) for node in graph)
    return result, claims, items, judged


def asked_after_certain(page: Page, folder: Path, text: str) -> int:
    """The toCheck entries a checker is still asked once review-draft has applied its certain
    answers (``--non-interactive``), on a copy of the draft and of the registry."""
    copy = folder / "certain"
    copy.mkdir()
    shutil.copyfile(page.path, copy / page.path.name)
    shutil.copyfile(page.case / "sources.yaml", copy / "sources.yaml")
    draft = copy / "draft.yaml"
    draft.write_text(text, encoding="utf-8")
    vocabulary = page.case / "vocabulary.yaml"
    try:
        session = ReviewSession(
            draft,
            copy / "sources.yaml",
            page.case / "entities.yaml",
            vocabulary if vocabulary.is_file() and not NO_VOCABULARY else None,
        )
    except LedgerError:
        session = ReviewSession(draft, copy / "sources.yaml", page.case / "entities.yaml")
    session.apply_certain()
    return len(session.remaining())


def proposals_judged(page: Page, draft: Path, result: Evaluation) -> Counter[str]:
    """The review's first proposal for each toCheck entry of a matched claim, judged against
    the gold claim at the same words: ``accepted``, ``rejected``, or ``not comparable``
    (a statement's or a translation's wording, a new source's kind or side). Judged: the
    proposition (no proposition when the gold has none; else the property the gold gives), a
    figure's unit (the gold quantity's), a new source (the registry source the gold names),
    stance (the one the proposal sets, else the draft's it keeps), hedge kinds, attributedTo,
    relayedBy; an entry without a proposal is rejected. A unit is not comparable where the gold
    claim has no figure (the proposition's entry is judged on that)."""
    gold = _gold_claims(page.case)
    by_draft: dict[str, list[dict[str, Any]]] = {}
    for gold_statement, draft_statement in result.pairs:
        claims = [gold[c] for c in gold_statement.claims if c in gold]
        for claim in draft_statement.claims:
            by_draft[claim.rsplit("/claim/", 1)[-1]] = claims
    vocabulary = page.case / "vocabulary.yaml"
    try:
        session = ReviewSession(
            draft,
            page.case / "sources.yaml",
            page.case / "entities.yaml",
            vocabulary if vocabulary.is_file() and not NO_VOCABULARY else None,
        )
    except LedgerError:
        # a vocabulary review-draft refuses: judged without the case's own properties, said so
        REVIEW_VOCABULARY_LEFT_OUT.add(page.event)
        session = ReviewSession(draft, page.case / "sources.yaml", page.case / "entities.yaml")
    judged: Counter[str] = Counter()
    cited: dict[str, list[dict[str, Any]]] = {}
    for node in session.graph:
        if node.get("type") == "Claim":
            number = str(node.get("id")).rsplit("/", 1)[-1]
            cited.setdefault(str(node.get("attributedTo")), []).extend(by_draft.get(number, []))
    for item in session.remaining():
        if item.node.get("type") == "Claim":
            claims = by_draft.get(item.node_id.rsplit("/", 1)[-1])
        else:
            claims = cited.get(item.node_id)
        if not claims:
            continue  # a spurious claim's, or a source only spurious claims cite
        proposals = session.proposals(item)
        first = proposals[0].label if proposals else None
        verdict = _judge(item.field, item.node, first, claims)
        if proposals and proposals[0].certain:
            judged[f"certain: {verdict}"] += 1
        if verdict == "accepted" and first and item.field == "proposition":
            # stricter, for information: the subject (and value) the gold gives as well
            judged["strict: " + _strict(first, claims)] += 1
        if verdict == "rejected":
            kind, cause, detail = _cause(
                item.field, item.node, [p.label for p in proposals], claims
            )
            where = f"{page.event}/{page.path.stem} {item.node_id.rsplit('/', 1)[-1]}"
            REJECTED.append((kind, cause, f"{detail} ({where})"))
        judged[verdict] += 1
        judged[f"{item.field}: {verdict}"] += 1
    return judged


def _judge(field: str, node: Any, label: str | None, gold: list[dict[str, Any]]) -> str:
    if field in ("statement", "quote.translation", "sourceKind", "alignment", "type"):
        return "not comparable"  # free wording (a statement, a translation), or no gold field
    if label is None:
        return "rejected"
    if field == "proposition.quantity.unit":
        quantities = [(c.get("proposition") or {}).get("quantity") for c in gold]
        if not any(isinstance(q, dict) for q in quantities):
            # the gold has no figure: the unit is moot, and the proposition's entry already
            # carries the disagreement (a figure proposed where the gold gives none)
            return "not comparable"
        m = re.match(r"unit (\w+)", label)
        units = {str(q.get("unit", "")) for q in quantities if isinstance(q, dict)}
        return "accepted" if m and m.group(1) in units else "rejected"
    if field.startswith("proposition"):
        if label.startswith("no proposition"):
            return "accepted" if not any("proposition" in c for c in gold) else "rejected"
        # a case's own property is proposed by its prefixed name ("mariupol:shelteringCount")
        m = re.search(r"property (?:[\w-]+:)?(\w+)", label)
        wanted = {str(c.get("proposition", {}).get("property", "")).split(":")[-1] for c in gold}
        return "accepted" if m and m.group(1) in wanted else "rejected"
    if field == "name":
        m = re.match(r"the registry's (\S+)", label)
        sources = {str(c.get("attributedTo")) for c in gold}
        return "accepted" if m and m.group(1) in sources else "rejected"
    if field == "stance":
        # the stance the proposal sets ("stance asserts: …"), else the draft's it keeps
        m = re.match(r"stance (asserts|denies)\b", label)
        stance = m.group(1) if m else node.get("stance")
        same = any(c.get("stance") == stance for c in gold)
        return "accepted" if same else "rejected"
    if field == "hedge":
        m = re.match(r"hedge (\w+)", label)
        kinds = {h.get("kind") for c in gold for h in c.get("hedge", []) or []}
        return "accepted" if m and m.group(1) in kinds else "rejected"
    if field in ("attributedTo", "relayedBy"):
        values = {str(c.get(field)) for c in gold}
        return "accepted" if str(node.get(field)) in values else "rejected"
    return "not comparable"


def _strict(label: str, gold: list[dict[str, Any]]) -> str:
    """Does an accepted proposition proposal also name the gold's subject and value?
    ``same`` (or no proposition on both sides), else ``other entities``."""
    if label.startswith("no proposition"):
        return "same"
    subject = re.search(r"subject (\S+)", label)
    value = re.search(r"value (\S+?),? ", label)
    for claim in gold:
        proposition = claim.get("proposition") or {}
        if subject and proposition.get("subject") == subject.group(1):
            wanted = proposition.get("value")
            if wanted is None or (value is not None and value.group(1) == wanted):
                return "same"
    return "other entities"


def _proposed_property(label: str) -> str:
    m = re.search(r"property (?:[\w-]+:)?(\w+)", label)
    return m.group(1) if m else "?"


def _cause(
    field: str, node: Any, labels: list[str], gold: list[dict[str, Any]]
) -> tuple[str, str, str]:
    """Why a first proposal was rejected: the item's kind (what the entry decides), a general
    cause, and the detail (what was proposed, what the gold gives)."""
    first = labels[0] if labels else None
    if field == "proposition.quantity.unit":
        units = sorted(
            {str((c.get("proposition") or {}).get("quantity", {}).get("unit")) for c in gold}
        )
        return "figure/unit", "another unit than the gold's", f"{first} → {', '.join(units)}"
    if field.startswith("proposition"):
        propositions = [c["proposition"] for c in gold if c.get("proposition")]
        proposition = node.get("proposition")
        figure = isinstance(proposition, dict) and isinstance(proposition.get("quantity"), dict)
        quote = exact_quote(node)
        if first is None:
            return "proposition", "no proposal at all", quote[:60]
        phrases = [
            _name(p["quantity"].get("phrase"))
            for p in propositions
            if isinstance(p.get("quantity"), dict)
        ]
        if phrases and not any(ph and ph.casefold() in quote.casefold() for ph in phrases):
            # the statement matched, but the draft's quote holds other words than the gold's
            # figure (a split or a merge of sentences): no proposal on these words can match
            return (
                "span",
                "the gold's figure is outside the draft's quote",
                (f"'{phrases[0]}'; quote '{quote[:50]}'"),
            )
        if first.startswith("no proposition"):
            wanted = propositions[0]
            prop = str(wanted.get("property", "")).split(":")[-1]
            quantity = wanted.get("quantity")
            if isinstance(quantity, dict) and not figure:
                phrase = _name(quantity.get("phrase"))
                return (
                    "figure",
                    "a figure in the quote neither extract nor the review reads",
                    f"'{phrase}' ({prop})",
                )
            if isinstance(quantity, dict):
                return "property", "a figure read, no property from its words", prop
            return "property", "a relation no rule reads from the words", f"{prop}: '{quote[:60]}'"
        proposed = _proposed_property(first)
        if not propositions:
            what = "a figure" if figure else "a relation"
            return (
                "proposition",
                f"{what} proposed where the gold gives no proposition",
                f"{proposed}: '{quote[:60]}'",
            )
        wanted_props = sorted({str(p.get("property", "")).split(":")[-1] for p in propositions})
        counts = any(isinstance(p.get("quantity"), dict) for p in propositions)
        if figure and counts:
            cause = "another count property than the gold's"
        elif figure:
            cause = "a count proposed where the gold gives a relation"
        elif counts:
            cause = "a relation proposed where the gold gives a count"
        else:
            cause = "another relation than the gold's"
        return "property", cause, f"{proposed} → {', '.join(wanted_props)}"
    if field == "name":
        sources = sorted({str(c.get("attributedTo")) for c in gold})
        named = _name(node.get("name"))
        later = [label for label in labels[1:] if any(f"registry's {s} " in label for s in sources)]
        if later:
            cause = "the gold's registry source proposed, not first"
        elif first and first.startswith("the registry's"):
            cause = "another registry source proposed first"
        else:
            cause = "a promotion proposed where the gold names a registry source"
        return "source", cause, f"'{named}': {first} → {', '.join(sources)}"
    if field == "stance":
        stances = sorted({str(c.get("stance")) for c in gold})
        return "stance", "another stance than the gold's", f"{node.get('stance')} → {stances}"
    values = sorted({str(c.get(field)) for c in gold})
    return "source", f"{field} kept, the gold gives another", f"{node.get(field)} → {values}"


def write_causes(path: Path) -> None:
    """The rejected first proposals by kind and cause, with counts and every detail."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, cause, detail in REJECTED:
        groups[(kind, cause)].append(detail)
    lines = ["kind\tcause\tcount\tdetails (proposed → gold (event/page claim))"]
    for (kind, cause), details in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"{kind}\t{cause}\t{len(details)}\t{' | '.join(details)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _gold_claims(case: Path) -> dict[str, dict[str, Any]]:
    """The case's claims by full IRI."""
    data = yaml.safe_load((case / "claims.yaml").read_text(encoding="utf-8"))
    prefixes: dict[str, str] = {}
    for part in data.get("@context", []):
        if isinstance(part, dict):
            prefixes.update({k: v for k, v in part.items() if isinstance(v, str)})
    claims = {}
    for node in data["@graph"]:
        prefix, _, rest = str(node.get("id", "")).partition(":")
        claims[prefixes.get(prefix, prefix + ":") + rest] = node
    return claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses", action="store_true", help="print the misses under each page")
    parser.add_argument(
        "--causes",
        type=Path,
        help="write the rejected proposals by kind and cause to this TSV file",
    )
    parser.add_argument("--note", default="", help="a line for the header ('blind: first run')")
    parser.add_argument(
        "--no-vocabulary",
        action="store_true",
        help="judge the proposals without the cases' vocabulary.yaml (built-in properties only)",
    )
    args = parser.parse_args()
    global NO_VOCABULARY
    NO_VOCABULARY = args.no_vocabulary
    corpus = args.corpus.resolve()
    started = time.monotonic()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    rules = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cs", "--", "ledger/extraction"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    where = corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus
    print(f"# extraction on the corpus ({where}), commit {commit}")
    print(f"# rules: the last commit to ledger/extraction/ is {rules or 'unknown'}")
    print(f"# run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    if args.note:
        print(f"# {args.note}")
    header = ("event", "page", "lang", "gold", "draft", "P", "R", "src", "quote", "items/claim")
    print("\t".join(header))
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 9)
    judged: Counter[str] = Counter()
    unreadable: dict[str, str] = {}
    for page in pages(corpus):
        if page.event in unreadable:
            continue
        try:
            result, claims, items, page_judged = measure(page)
        except LedgerError as exc:  # a gold the loader refuses: its event is left out, said why
            unreadable[page.event] = f"{exc.message} ({exc.where})"
            continue
        judged.update(page_judged)
        keys = [page.lang, "nb+nn"] if page.lang in ("nb", "nn") else [page.lang]
        values = (
            result.gold_statements,
            result.draft_statements,
            result.matched,
            result.right_sources,
            result.exact_quotes,
            claims,
            items,
            1,
            page_judged["asked"],
        )
        for key in keys:
            totals[key] = [a + b for a, b in zip(totals[key], values, strict=True)]
        print(
            "\t".join(
                (
                    page.event,
                    page.path.name,
                    page.lang,
                    str(result.gold_statements),
                    str(result.draft_statements),
                    f"{result.precision:.2f}",
                    f"{result.recall:.2f}",
                    f"{result.source_accuracy:.2f}",
                    f"{result.quote_exactness:.2f}",
                    f"{items / claims:.2f}" if claims else "-",
                )
            )
        )
        if args.misses:
            for line in result.misses():
                print(f"    {line}")
    print()
    print(
        "lang\tpages\tgold\tdraft\tprecision\trecall\tsource accuracy\tquote exactness\t"
        "items/claim\tasked/claim (after the certain answers)"
    )
    for lang in ("en", "nb", "nn", "nb+nn"):
        if lang not in totals:
            continue
        gold, draft, matched, right, exact, claims, items, count, asked = totals[lang]
        print(
            "\t".join(
                (
                    lang,
                    str(count),
                    str(gold),
                    str(draft),
                    _ratio(matched, draft),
                    _ratio(matched, gold),
                    _ratio(right, matched),
                    _ratio(exact, matched),
                    f"{items / claims:.2f} ({items}/{claims})" if claims else "-",
                    f"{asked / claims:.2f} ({asked}/{claims})" if claims else "-",
                )
            )
        )
    compared = judged["accepted"] + judged["rejected"]
    print(
        f"\nreview-draft's first proposals against the gold (entries of matched claims): "
        f"accepted {_ratio(judged['accepted'], compared)}, "
        f"not comparable {judged['not comparable']} (a statement's or translation's wording, a "
        "new source's kind, side or type)"
    )
    strict = judged["strict: same"] + judged["strict: other entities"]
    print(
        f"  accepted propositions that also name the gold's subject (and value): "
        f"{_ratio(judged['strict: same'], strict)} (for information; the figure judges the "
        "property)"
    )
    sure = judged["certain: accepted"] + judged["certain: rejected"]
    print(
        f"  certain first proposals (applied by --non-interactive): accepted "
        f"{_ratio(judged['certain: accepted'], sure)}, not comparable "
        f"{judged['certain: not comparable']}"
    )
    fields = sorted(
        {
            key.split(": ")[0]
            for key in judged
            if ": " in key and not key.startswith(("certain", "strict"))
        }
    )
    for name in fields:
        yes, no = judged[f"{name}: accepted"], judged[f"{name}: rejected"]
        if yes + no:
            print(f"  {name}: accepted {_ratio(yes, yes + no)}")
    print(
        "# proposals judged "
        + ("without the cases' vocabularies" if NO_VOCABULARY else "with each case's vocabulary")
    )
    if args.causes:
        write_causes(args.causes)
    for event in sorted(REVIEW_VOCABULARY_LEFT_OUT):
        print(f"# {event}: proposals judged without its vocabulary.yaml, which review refuses")
    for event in sorted(VOCABULARY_LEFT_OUT):
        print(f"# {event}: scored without its vocabulary.yaml, which the loader refuses")
    for event, why in unreadable.items():
        print(f"# left out: {event}: the gold cannot be read: {why}")
    print(f"\n# {time.monotonic() - started:.0f} s", file=sys.stderr)


def _ratio(count: int, total: int) -> str:
    return f"{count / total if total else 0.0:.3f} ({count}/{total})"


if __name__ == "__main__":
    main()
