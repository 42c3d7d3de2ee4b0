"""claim-ledger evaluate: the analysis scored against an invented corpus's expected relations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import DATA
from ledger import api
from ledger.analysis import evaluate
from ledger.cli import main

CORPUS = DATA / "analysis-corpus"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["evaluate", *args])


@pytest.fixture(scope="module")
def scored() -> evaluate.Evaluation:
    return api.evaluate(CORPUS)


def test_figures_per_event_and_overall(scored: evaluate.Evaluation) -> None:
    """Conflicts right/expected, flagged, traps, corroborations and labels, per event, overall."""
    rows = {s.event: s.row() for s in [*scored.events, scored.overall]}
    assert [s.event for s in scored.events] == ["districts-test", "origins-test"]
    districts = rows["districts-test"]
    assert (districts["conflicts"], districts["flagged"], districts["precision"]) == (
        "7/7", 7, "1.00"
    )  # fmt: skip
    assert districts["traps_flagged"] == "0/5"
    origins = rows["origins-test"]
    assert (origins["conflicts"], origins["recall"], origins["precision"]) == ("0/1", "0.00", "")
    assert (origins["corroborations"], origins["right_label"]) == ("6/6", "6/6")
    overall = rows["overall"]
    assert (overall["conflicts"], overall["precision"], overall["recall"]) == (
        "7/8", "1.00", "0.88"
    )  # fmt: skip
    assert (overall["claims"], overall["traps_flagged"]) == (31, "0/7")


def test_every_miss_is_listed_with_what_the_analysis_said(scored: evaluate.Evaluation) -> None:
    """The one expected conflict the rules cannot see is listed, with 'no finding'."""
    assert [(n.event, n.kind, n.a, n.b, n.found) for n in scored.overall.notes] == [
        (
            "origins-test",
            "missed conflict",
            "test:claim/sohr-rebels-held-echo-november",
            "test:claim/state-media-gov-held-echo-november",
            "no finding for this pair",
        )
    ]


def test_cli_table_and_json_exit_0() -> None:
    """Both formats print the same figures; a measurement exits 0 even with misses."""
    table = run(str(CORPUS))
    assert table.exit_code == 0, table.stderr
    assert "overall         31      7/8        7        1.00       0.88" in table.stdout
    assert "- origins-test: missed conflict: test:claim/sohr-rebels-held-echo-november" in (
        table.stdout
    )
    as_json = run(str(CORPUS), "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["overall"]["conflicts"] == "7/8"
    assert [n["kind"] for n in data["notes"]] == ["missed conflict"]


def test_false_conflicts_and_flagged_traps_are_listed(tmp_path: Path) -> None:
    """Expecting nothing of districts-test: every conflict is false, a trap flagged is named."""
    event = tmp_path / "corpus" / "districts-test"
    shutil.copytree(CORPUS / "districts-test" / "case", event / "case")
    (event / "expected.yaml").write_text(
        "traps:\n  - {a: 'test:claim/sohr-500-fled-foxtrot', "
        "b: 'test:claim/state-media-5000-fled-foxtrot', trap: different-windows, why: test}\n",
        encoding="utf-8",
    )
    score = api.evaluate(tmp_path / "corpus").overall
    kinds = [n.kind for n in score.notes]
    assert kinds.count("false conflict") == 6 and kinds.count("trap flagged") == 1
    assert (score.conflicts_flagged, score.precision, score.traps_flagged) == (7, 0.0, 1)
    flagged = next(n for n in score.notes if n.kind == "trap flagged")
    assert flagged.found.startswith("conflict (quantity, independent): ")


def test_an_event_that_does_not_load_counts_its_expectations_as_missed(tmp_path: Path) -> None:
    """Claims that do not conform: the event says so and every expected conflict is missed."""
    event = tmp_path / "corpus" / "broken"
    shutil.copytree(CORPUS / "districts-test", event)
    (event / "case" / "figures.yaml").write_text(
        (event / "case" / "figures.yaml")
        .read_text(encoding="utf-8")
        .replace("stance: asserts", "stance: maybe", 1),
        encoding="utf-8",
    )
    score = api.evaluate(tmp_path / "corpus").events[0]
    assert not score.loaded and score.row()["claims"].startswith("not loaded: ")
    assert (score.conflicts_expected, score.conflicts_right, score.recall) == (7, 0, 0.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("conflicts:\n  - {a: x:one}\n", "each entry of conflicts needs", id="no-b"),
        pytest.param(
            "corroborations:\n  - {a: x:1, b: x:2, independence: maybe}\n",
            "independence 'maybe' is not one of",
            id="bad-label",
        ),
        pytest.param("conflicts: [a, [b\n", "expected.yaml is not YAML", id="not-yaml"),
        pytest.param("- just a list\n", "must be a mapping", id="not-a-mapping"),
    ],
)
def test_bad_expectations_are_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    """A malformed expected.yaml: exit 2, what is wrong and where, no traceback."""
    event = tmp_path / "corpus" / "bad"
    shutil.copytree(CORPUS / "districts-test" / "case", event / "case")
    (event / "expected.yaml").write_text(text, encoding="utf-8")
    result = run(str(tmp_path / "corpus"))
    assert result.exit_code == 2
    assert message in result.stderr and "expected.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_without_events_is_a_clear_error(tmp_path: Path) -> None:
    """No event folder with an expected.yaml: exit 2 and a hint."""
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "no event folders with an expected.yaml" in result.stderr


def test_an_event_whose_files_do_not_load_is_reported_not_raised(tmp_path: Path) -> None:
    """A file the loader refuses: that event is not loaded, the others are still scored."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    bad = tmp_path / "corpus" / "districts-test" / "case" / "figures.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n  - [unclosed\n", encoding="utf-8")
    scored = api.evaluate(tmp_path / "corpus")
    districts, origins = scored.events
    assert not districts.loaded and "figures.yaml" in districts.problem
    assert origins.loaded and origins.corroborations_found == 6


# --------------------------------------------------------------------------- review.yaml

#: The districts-test event with only two of its seven conflicts expected; its review adds two.
_FIRST = (
    "conflicts:\n"
    "  - {a: 'test:claim/sohr-gov-took-alpha-sunday', "
    "b: 'test:claim/amnesty-rebels-held-alpha-sunday', type: exclusive, why: test}\n"
    "  - {a: 'test:claim/kurdish-held-bravo-nov-20', "
    "b: 'test:claim/state-media-gov-held-bravo-nov-20', type: exclusive, why: test}\n"
)
_REVIEW = (
    "conflicts:\n"
    "  - {a: 'test:claim/sohr-500-fled-foxtrot', b: 'test:claim/state-media-5000-fled-foxtrot', "
    "type: quantity, why: 500 against about 5,000}\n"
    "  - {a: 'test:claim/sohr-3000-fled-golf', b: 'test:claim/sohr-500-fled-foxtrot', "
    "type: quantity, why: a conflict no rule sees}\n"
    "not_conflicts:\n"
    "  - {a: 'test:claim/sohr-500-fled-foxtrot', "
    "b: 'test:claim/amnesty-at-least-4000-fled-foxtrot', kind: different-windows, why: test}\n"
    "disputes:\n"
    "  - {a: 'test:claim/sohr-gov-took-alpha-sunday', "
    "b: 'test:claim/amnesty-rebels-held-alpha-sunday', section: conflicts, why: reviewer says no}\n"
)


def _reviewed_corpus(tmp_path: Path, review: str) -> Path:
    event = tmp_path / "corpus" / "districts-test"
    shutil.copytree(CORPUS / "districts-test" / "case", event / "case")
    (event / "expected.yaml").write_text(_FIRST, encoding="utf-8")
    (event / "review.yaml").write_text(review, encoding="utf-8")
    return tmp_path / "corpus"


def test_a_review_is_read_only_when_asked(tmp_path: Path) -> None:
    """Without review=True the answers are expected.yaml alone: 2 right of 7 flagged."""
    result = api.evaluate(_reviewed_corpus(tmp_path, _REVIEW))
    assert result.answers == "expected.yaml" and result.disputes == []
    score = result.overall
    assert (score.conflicts_expected, score.conflicts_right, score.conflicts_flagged) == (2, 2, 7)


def test_a_review_adds_conflicts_and_traps_and_lists_its_disputes(tmp_path: Path) -> None:
    """Review conflicts count as expected, not_conflicts as traps; disputes are only listed."""
    result = api.evaluate(_reviewed_corpus(tmp_path, _REVIEW), review=True)
    assert result.answers == "expected.yaml + review.yaml"
    score = result.overall
    assert (score.conflicts_expected, score.conflicts_right, score.conflicts_flagged) == (4, 3, 7)
    assert (score.traps, score.traps_flagged) == (1, 1)
    kinds = sorted(n.kind for n in score.notes)
    assert "missed conflict (from review.yaml)" in kinds
    assert "trap flagged (from review.yaml)" in kinds
    assert [(d.kind, d.found) for d in result.disputes] == [
        ("disputed (conflicts)", "reviewer says no")
    ]
    table = run(str(tmp_path / "corpus"), "--with-review")
    assert table.exit_code == 0, table.stderr
    assert table.stdout.startswith("answers: expected.yaml + review.yaml\n")
    assert "expectations a review disputes (listed, not applied): 1" in table.stdout


@pytest.mark.parametrize(
    ("review", "message"),
    [
        pytest.param(
            "conflicts:\n  - {a: 'test:claim/kurdish-held-bravo-nov-20', "
            "b: 'test:claim/state-media-gov-held-bravo-nov-20', type: exclusive, why: again}\n",
            "this pair is already listed in expected.yaml:3 (conflicts)",
            id="listed-twice",
        ),
        pytest.param(
            "disputes:\n  - {a: x:1, b: x:2, section: misc, why: test}\n",
            "a dispute's section 'misc' is not one of",
            id="bad-dispute",
        ),
        pytest.param("not_conflicts: {a: x:1}\n", "not_conflicts must be a list", id="not-list"),
    ],
)
def test_a_bad_review_is_a_clear_error(tmp_path: Path, review: str, message: str) -> None:
    """A malformed review.yaml: exit 2, what is wrong, where (review.yaml:line), no traceback."""
    result = run(str(_reviewed_corpus(tmp_path, review)), "--with-review")
    assert result.exit_code == 2
    assert message in result.stderr and "review.yaml" in result.stderr
    assert "Traceback" not in result.stderr
