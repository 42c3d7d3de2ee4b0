"""The blind (held-out) extraction sets: tests/data/extract/nb-blind/ and en-blind/.

Each set is an invented wire-style article with a hand-encoded gold, written and committed before
the extractor was ever run on it (each folder's README.md tells how, and records the figures
measured blind on 2026-11-26 with the misses). Two kinds of test:

- each gold validates and scores 1.0 on every metric against itself (the gold is sound);
- the extractor's figures on each set are at least the measured ones minus 0.05. That is a
  **regression floor**, not a target: it only catches a change to the rules that makes the blind
  figures worse. Do not tune the rules on these sets to raise the figures (that would end their
  use as a held-out measurement); when the rules improve on them anyway, raise the floors in
  ``MEASURED`` and record the new figures in the set's README.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from ledger.cli import main
from ledger.extraction import extract
from ledger.extraction.score import evaluate

HERE = Path(__file__).parent
SETS = HERE / "data" / "extract"


class BlindSet(NamedTuple):
    """A blind set's article, the options of its measured run, and the figures measured."""

    article: str
    lang: str
    published: str
    outlet: str
    #: precision, recall, source accuracy, quote exactness
    figures: tuple[float, float, float, float]


#: The figures with the options each set's README.md gives (the dateline's date and the outlet's
#: name). Measured blind on 2026-11-26: nb 0.8333 / 0.9615 / 0.6 / 1.0, en 0.8929 / 0.9615 / 0.6 /
#: 0.76. The floors below are the figures of 2026-11-26 after rule fixes informed by the *kinds*
#: of the blind misses (written against invented development sentences, not these sets), so they
#: are no longer a blind measurement. en-blind's source accuracy rose to 0.8846 on 2026-12-07
#: (session 8's source rules, written from the corpus: none of them read this set).
MEASURED = {
    "nb-blind": BlindSet(
        "article.nb.txt", "nb", "2026-10-16", "Vestposten", (0.963, 1.0, 0.9231, 1.0)
    ),
    "en-blind": BlindSet(
        "article.en.txt", "en", "2026-10-08", "Southport Herald", (1.0, 1.0, 0.8846, 0.9615)
    ),
}

#: How far below the measured figures a change may go before the floor fails.
MARGIN = 0.05


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_blind_gold_validates(name: str) -> None:
    """`claim-ledger validate <folder>` says the blind set conforms."""
    result = CliRunner().invoke(main, ["validate", str(SETS / name)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output and "does not conform" not in result.output, result.output


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_blind_gold_scores_one_against_itself(name: str) -> None:
    """The gold's own claims, scored as a draft against the gold, score 1.0 everywhere."""
    folder = SETS / name
    result = evaluate(folder / "claims.yaml", folder)
    assert result.precision == 1.0
    assert result.recall == 1.0
    assert result.source_accuracy == 1.0
    assert result.quote_exactness == 1.0


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_blind_figures_stay_above_the_regression_floor(name: str) -> None:
    """The extractor's figures on a blind set: at least the measured ones minus MARGIN (a floor)."""
    spec = MEASURED[name]
    folder = SETS / name
    result = extract.evaluate_extraction(
        folder / spec.article,
        folder,
        spec.lang,
        published=spec.published,
        outlet=spec.outlet,
        sources=folder / "sources.yaml",
    )
    precision, recall, sources, exactness = spec.figures
    misses = result.misses()
    assert result.precision >= precision - MARGIN, misses
    assert result.recall >= recall - MARGIN, misses
    assert result.source_accuracy >= sources - MARGIN, misses
    assert result.quote_exactness >= exactness - MARGIN, misses
