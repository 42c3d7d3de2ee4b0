"""Scoring a draft claim file against a hand-made case (ledger.extraction.score, issue #6)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ledger.errors import InputError
from ledger.extraction.score import Span, Statement, evaluate, match, statements
from ledger.publish import output

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
ENGLISH = Path(__file__).resolve().parent / "data" / "extract" / "en"

CONTEXT: list[Any] = [
    "https://w3id.org/claim-ledger/context.jsonld",
    {"t": "https://example.org/score-test/", "src": "https://example.org/score-test/source/"},
]
TEXT = (
    "Alpha said the bridge fell. Bravo said the road is closed. "
    "Charlie said ten people fled. Delta said nothing happened.\n"
)
#: the four gold statements: (words, sources)
GOLD = [
    ("the bridge fell", ["a"]),
    ("the road is closed", ["b"]),
    ("ten people fled", ["c", "d"]),
    ("nothing happened", ["d"]),
]
SOURCES = {"a": "Alpha", "b": "Bravo", "c": "Charlie", "d": "Delta"}


def at(words: str) -> tuple[int, int]:
    """The span of ``words`` in TEXT."""
    start = TEXT.index(words)
    return start, start + len(words)


def claims_for(
    key: str, sources: list[str], start: int, end: int, document: str = "t:article"
) -> list[dict[str, Any]]:
    """One claim per source, all quoting TEXT[start:end]."""
    return [
        {
            "id": f"t:claim/{key}-{source}",
            "type": "Claim",
            "statement": f"Statement {key}.",
            "attributedTo": f"src:{source}",
            "stance": "asserts",
            "quote": [
                {
                    "source": document,
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": TEXT[start:end]},
                        {"type": "TextPositionSelector", "start": start, "end": end},
                    ],
                }
            ],
        }
        for source in sources
    ]


def agent(key: str, name: str | None = None) -> dict[str, Any]:
    return {
        "id": f"src:{key}",
        "type": "Person",
        "name": {"en": name or SOURCES.get(key, key)},
    }


def document(iri: str = "t:article", local_copy: str = "article.txt") -> dict[str, Any]:
    return {
        "id": iri,
        "type": "Document",
        "localCopy": local_copy,
        "sha256": hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        "inLanguage": "en",
    }


def write(path: Path, graph: list[dict[str, Any]]) -> Path:
    path.write_text(
        yaml.safe_dump({"@context": CONTEXT, "@graph": graph}, sort_keys=False), encoding="utf-8"
    )
    return path


def gold_claims() -> list[dict[str, Any]]:
    graph: list[dict[str, Any]] = []
    for number, (words, sources) in enumerate(GOLD, start=1):
        graph += claims_for(f"g{number}", sources, *at(words))
    return graph


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    """A small gold case: a document, a registry of four people, five claims in four statements."""
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / "article.txt").write_text(TEXT, encoding="utf-8")
    write(folder / "sources.yaml", [agent(k) for k in SOURCES] + [document()])
    write(folder / "claims.yaml", gold_claims())
    return folder


def draft_file(tmp_path: Path, graph: list[dict[str, Any]]) -> Path:
    return write(tmp_path / "draft.yaml", graph)


def values(evaluation: Any) -> dict[str, float]:
    return {str(row["metric"]): float(str(row["value"])) for row in evaluation.rows()}


# --------------------------------------------------------------------------- whole drafts


def test_draft_identical_to_gold_scores_one_everywhere(gold: Path, tmp_path: Path) -> None:
    """A copy of the gold's claims scores 1.0 on every metric and misses nothing."""
    result = evaluate(draft_file(tmp_path, gold_claims()), gold)
    assert values(result) == {
        "precision": 1.0,
        "recall": 1.0,
        "source_accuracy": 1.0,
        "quote_exactness": 1.0,
    }
    assert (result.gold_statements, result.draft_statements, result.matched) == (4, 4, 4)
    assert (result.gold_claims, result.draft_claims) == (5, 5)
    assert result.misses() == []


def test_missing_statements_lower_recall_only(gold: Path, tmp_path: Path) -> None:
    """A draft with two of four statements has recall 0.5, precision 1.0, and names the misses."""
    graph = claims_for("d1", ["a"], *at("the bridge fell")) + claims_for(
        "d2", ["b"], *at("the road is closed")
    )
    result = evaluate(draft_file(tmp_path, graph), gold)
    assert (result.precision, result.recall) == (1.0, 0.5)
    assert (result.source_accuracy, result.quote_exactness) == (1.0, 1.0)
    fled, nothing = at("ten people fled"), at("nothing happened")
    source = "https://example.org/score-test/source/"
    assert result.misses() == [
        f"missed: [{fled[0]}–{fled[1]}] 'ten people fled' from {source}c, {source}d",
        f"missed: [{nothing[0]}–{nothing[1]}] 'nothing happened' from {source}d",
    ]


def test_spurious_statements_lower_precision_only(gold: Path, tmp_path: Path) -> None:
    """A fifth draft statement no gold statement overlaps makes precision 4/5 and is listed."""
    graph = gold_claims() + claims_for("extra", ["a"], *at("Alpha said"))
    result = evaluate(draft_file(tmp_path, graph), gold)
    assert (result.precision, result.recall) == (0.8, 1.0)
    assert result.misses() == [
        "spurious: [0–10] 'Alpha said' from https://example.org/score-test/source/a"
    ]


def test_wrong_sources_count_per_statement(gold: Path, tmp_path: Path) -> None:
    """A wrong source, and one of two sources missing, each make a statement's source wrong."""
    graph = (
        claims_for("d1", ["a"], *at("the bridge fell"))
        + claims_for("d2", ["c"], *at("the road is closed"))  # gold: b
        + claims_for("d3", ["c"], *at("ten people fled"))  # gold: c and d
        + claims_for("d4", ["d"], *at("nothing happened"))
    )
    result = evaluate(draft_file(tmp_path, graph), gold)
    assert (result.matched, result.right_sources, result.source_accuracy) == (4, 2, 0.5)
    start, end = at("the road is closed")
    assert (
        f"wrong source: [{start}–{end}] 'the road is closed': "
        "expected https://example.org/score-test/source/b, "
        "found https://example.org/score-test/source/c"
    ) in result.misses()


def test_new_agent_described_by_the_draft_is_never_right(gold: Path, tmp_path: Path) -> None:
    """A draft that describes its own agent under the gold's IRI does not resolve the source."""
    graph = gold_claims() + [agent("a", name="Alpha (found in the text)")]
    result = evaluate(draft_file(tmp_path, graph), gold)
    assert (result.right_sources, result.source_accuracy) == (3, 0.75)
    assert any("new agent described by the draft" in line for line in result.misses())


def test_agent_described_as_the_gold_does_is_the_golds(gold: Path, tmp_path: Path) -> None:
    """A draft repeating the gold's own description of an agent is not a new agent."""
    graph = gold_claims() + [agent("a")]
    assert evaluate(draft_file(tmp_path, graph), gold).source_accuracy == 1.0


def test_shifted_spans_match_at_half_the_shorter_span(gold: Path, tmp_path: Path) -> None:
    """Overlap of exactly half the shorter span matches (inexact); a code point less does not."""
    start, end = at("the road is closed")  # 18 code points
    graph = claims_for("half", ["b"], start + 9, end + 9) + claims_for(
        "less", ["c"], at("ten people fled")[0] + 8, at("ten people fled")[1] + 8
    )  # 15 code points, 7 shared
    result = evaluate(draft_file(tmp_path, graph), gold)
    assert (result.draft_statements, result.matched, result.exact_quotes) == (2, 1, 0)
    assert (result.precision, result.recall, result.quote_exactness) == (0.5, 0.25, 0.0)
    assert result.source_accuracy == 1.0
    assert any(line.startswith("inexact span: gold [") for line in result.misses())


def test_one_draft_span_matches_one_gold_span(gold: Path, tmp_path: Path) -> None:
    """Two drafts on one gold statement: the larger overlap matches, the other is spurious."""
    start, end = at("the bridge fell")
    graph = claims_for("whole", ["a"], start, end) + claims_for("part", ["a"], start, end - 3)
    result = evaluate(draft_file(tmp_path, graph), gold)
    assert (result.matched, result.exact_quotes) == (1, 1)
    assert [s.span.end for s in result.spurious] == [end - 3]


def test_claims_without_a_quote_are_skipped_and_counted(gold: Path, tmp_path: Path) -> None:
    """A draft claim without an anchored quote is no statement, and the count says so."""
    unquoted = claims_for("noquote", ["a"], *at("the bridge fell"))[0]
    del unquoted["quote"]
    result = evaluate(draft_file(tmp_path, gold_claims() + [unquoted]), gold)
    assert (result.draft_claims, result.draft_skipped, result.draft_statements) == (6, 1, 4)
    assert result.precision == 1.0
    assert result.misses()[-1] == (
        "skipped: 1 draft claim(s) and 0 gold claim(s) without an anchored quote (not statements)"
    )


def test_empty_draft_scores_zero_not_one(gold: Path, tmp_path: Path) -> None:
    """0/0 is 0.0: an empty draft passes no target, and the rows show the empty totals."""
    result = evaluate(draft_file(tmp_path, []), gold)
    assert values(result) == {
        "precision": 0.0,
        "recall": 0.0,
        "source_accuracy": 0.0,
        "quote_exactness": 0.0,
    }
    assert [(r["matched"], r["total"]) for r in result.rows()] == [(0, 0), (0, 4), (0, 0), (0, 0)]


def test_document_is_recognised_by_its_sha256(gold: Path, tmp_path: Path) -> None:
    """A draft naming the article by another IRI, with the same text, is scored against it."""
    shutil.copy(gold / "article.txt", tmp_path / "article.txt")
    graph = [document("t:draft-article")] + [
        dict(c, quote=[dict(c["quote"][0], source="t:draft-article")]) for c in gold_claims()
    ]
    assert evaluate(draft_file(tmp_path, graph), gold).quote_exactness == 1.0


def test_rows_feed_the_table_and_json_output(gold: Path, tmp_path: Path) -> None:
    """rows() gives one flat record per metric that ledger.publish.output prints."""
    result = evaluate(draft_file(tmp_path, gold_claims()[:2]), gold)
    columns = ["metric", "value", "matched", "total"]
    assert json.loads(output.rows(columns, result.rows(), "json")) == [
        {"metric": "precision", "value": 1.0, "matched": 2, "total": 2},
        {"metric": "recall", "value": 0.5, "matched": 2, "total": 4},
        {"metric": "source_accuracy", "value": 1.0, "matched": 2, "total": 2},
        {"metric": "quote_exactness", "value": 1.0, "matched": 2, "total": 2},
    ]
    assert output.rows(columns, result.rows(), "table").splitlines()[2].split() == [
        "precision",
        "1.0",
        "2",
        "2",
    ]


# --------------------------------------------------------------------------- matching rules


def statement(start: int, end: int, document: str = "doc") -> Statement:
    return Statement(span=Span(document, start, end), text="", sources=frozenset(), claims=())


def test_ties_go_to_the_closest_then_earliest_span() -> None:
    """Equal overlaps: the pair whose ends differ least wins, then the earlier draft span."""
    gold = [statement(10, 20)]
    left, right = statement(5, 15), statement(15, 25)
    assert match(gold, [right, left]) == [(gold[0], left)]
    closer = statement(15, 20)  # overlap 5 as well, ends differ by 5 only
    assert match(gold, [left, right, closer]) == [(gold[0], closer)]


def test_nested_statements_match_one_to_one() -> None:
    """An outer and an inner span on both sides pair outer with outer and inner with inner."""
    outer, inner = statement(0, 100), statement(40, 60)
    draft_outer, draft_inner = statement(0, 90), statement(40, 60)
    assert match([inner, outer], [draft_inner, draft_outer]) == [
        (outer, draft_outer),
        (inner, draft_inner),
    ]


def test_spans_in_different_documents_never_match() -> None:
    """The same offsets in another document are no overlap."""
    assert match([statement(0, 10, "one")], [statement(0, 10, "two")]) == []


def test_empty_span_matches_nothing() -> None:
    """A zero-length span shares nothing, even inside a gold span."""
    assert match([statement(0, 10)], [statement(5, 5)]) == []


# --------------------------------------------------------------------------- bad input


def test_draft_that_does_not_load_is_an_input_error(gold: Path, tmp_path: Path) -> None:
    """A draft with a YAML syntax error is refused, saying it is the draft and where."""
    bad = tmp_path / "draft.yaml"
    bad.write_text("'@graph': [\n", encoding="utf-8")
    with pytest.raises(InputError, match="the draft cannot be read: YAML syntax error") as caught:
        evaluate(bad, gold)
    assert str(caught.value).startswith(f"{bad}:")


def test_missing_draft_is_an_input_error(gold: Path, tmp_path: Path) -> None:
    """A draft path that does not exist is refused by name."""
    with pytest.raises(InputError, match="the draft cannot be read: no such file or folder"):
        evaluate(tmp_path / "nothing.yaml", gold)


def test_gold_folder_without_claim_files_is_an_input_error(tmp_path: Path) -> None:
    """A gold folder holding no claim files is refused."""
    (tmp_path / "empty").mkdir()
    draft = draft_file(tmp_path, [])
    with pytest.raises(InputError, match="the gold cannot be read: no claim files in this folder"):
        evaluate(draft, tmp_path / "empty")


def test_gold_without_claims_is_an_input_error(gold: Path, tmp_path: Path) -> None:
    """A gold that is only a registry holds nothing to score against."""
    with pytest.raises(InputError, match="the gold holds no claims"):
        evaluate(draft_file(tmp_path, []), gold / "sources.yaml")


def test_gold_without_anchored_quotes_is_an_input_error(gold: Path, tmp_path: Path) -> None:
    """A gold whose claims have no quotes has no statements, and says how to anchor them."""
    unquoted = [{k: v for k, v in c.items() if k != "quote"} for c in gold_claims()]
    write(gold / "claims.yaml", unquoted)
    with pytest.raises(InputError, match="none of the gold's 5 claim\\(s\\) has an anchored quote"):
        evaluate(draft_file(tmp_path, []), gold)


def test_draft_of_another_document_is_an_input_error(gold: Path, tmp_path: Path) -> None:
    """A draft whose quotes are all in a document the gold does not hold is refused."""
    (tmp_path / "article.txt").write_text(TEXT.upper(), encoding="utf-8")
    other = dict(document("t:other"))
    other["sha256"] = hashlib.sha256(TEXT.upper().encode("utf-8")).hexdigest()
    graph = [other] + claims_for("x", ["a"], *at("the bridge fell"), document="t:other")
    with pytest.raises(InputError, match="the draft quotes no document of the gold"):
        evaluate(draft_file(tmp_path, graph), gold)


# --------------------------------------------------------------------------- the two gold sets


def test_example_case_has_44_statements_and_scores_itself_one() -> None:
    """The example's 41 claims make 44 statements (45 quotes, one shared by two sources)."""
    side = statements(EXAMPLE)
    assert (side.claims, len(side.statements), side.skipped) == (41, 44, 0)
    result = evaluate(EXAMPLE / "claims.yaml", EXAMPLE)
    assert (result.precision, result.recall, result.source_accuracy, result.quote_exactness) == (
        1.0,
        1.0,
        1.0,
        1.0,
    )


def test_english_set_has_37_statements_and_scores_itself_one() -> None:
    """The English set's 39 claims make 37 statements, unknown sources included, all right."""
    side = statements(ENGLISH)
    assert (side.claims, len(side.statements), side.skipped) == (39, 37, 0)
    shared = [s for s in side.statements if len(s.sources) == 2]
    assert [s.text for s in shared] == [
        "government troops were less than one kilometre from the Brask bridge on Monday evening",
        "the Eastbank hospital had been hit twice over the weekend",
    ]
    result = evaluate(ENGLISH / "claims.yaml", ENGLISH)
    assert (result.precision, result.recall, result.source_accuracy, result.quote_exactness) == (
        1.0,
        1.0,
        1.0,
        1.0,
    )


def test_english_set_leaves_out_the_non_claims() -> None:
    """No gold statement quotes the byline, labels, caveats, credits or update note."""
    text = (ENGLISH / "article.en.txt").read_text(encoding="utf-8")
    quoted = [text[s.span.start : s.span.end] for s in statements(ENGLISH).statements]
    for words in (
        "By the Coastline Courier",
        "could not independently verify",
        "did not respond",
        "is unclear",
        "Photo: Tomas Lind",
        "Additional reporting",
        "This article was updated",
        "That was the promise",
    ):
        assert not any(words in q for q in quoted), words


def test_page_mode_scores_one_page_of_a_many_page_gold(tmp_path: Path) -> None:
    """`page=True`: the gold is the claims quoting the draft's page; the other page's neither
    count nor miss (without it, the other page's statements are all missed)."""
    from ledger.extraction import extract

    gold = tmp_path / "event"
    pages = gold / "pages"
    pages.mkdir(parents=True)
    texts = {
        "a.en.txt": "Alpha said the bridge fell. The road is closed, Bravo said.\n",
        "b.en.txt": "Charlie said ten people fled. Delta said nothing happened.\n",
    }
    for name, text in texts.items():
        (pages / name).write_text(text, encoding="utf-8")
        draft = extract.extract(pages / name, "en")
        (pages / f"{name}.claims.yaml").write_text(draft, encoding="utf-8")
    article = tmp_path / "a.en.txt"
    shutil.copyfile(pages / "a.en.txt", article)
    draft = tmp_path / "draft.yaml"
    draft.write_text(extract.extract(article, "en"), encoding="utf-8")
    whole = evaluate(draft, gold)
    one = evaluate(draft, gold, page=True)
    assert (one.precision, one.recall, one.gold_statements) == (1.0, 1.0, 2)
    assert one.source_accuracy == 1.0  # the gold describes the new agents as the draft does
    assert whole.gold_statements == 4 and whole.recall == 0.5


def test_a_draft_saved_in_the_case_folder_is_not_gold(tmp_path: Path) -> None:
    """`extract --evaluate CASE/` with the draft beside the article (as the README advises):
    the draft is scored, never counted as gold (it was counted as gold too)."""
    from click.testing import CliRunner

    from ledger.cli import main

    case = tmp_path / "case"
    shutil.copytree(EXAMPLE, case)
    article = case / "article.nb.txt"
    drafted = CliRunner().invoke(main, ["extract", str(article), "--lang", "nb"])
    assert drafted.exit_code == 0, drafted.stderr
    (case / "draft.yaml").write_text(drafted.stdout, encoding="utf-8")
    alone = evaluate(case / "draft.yaml", EXAMPLE)
    beside = evaluate(case / "draft.yaml", case)
    assert beside.rows() == alone.rows()
