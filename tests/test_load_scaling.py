"""Loading grows linearly with the input, and every input the size caps allow is bounded.

Turtle subjects used to be located by looking for each subject in every line (2,500 claims
15 s, 5,000 claims 58 s). These tests generate Turtle claims from the valid fixture and check
where each subject is found, and that loading four times the claims takes about four times as
long, not sixteen.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ledger.errors import InputError
from ledger.intake.load import MAX_LINKS_PER_NODE, MAX_VALUES_PER_FIELD, load_file
from ledger.vocab import CL

VALID = Path(__file__).resolve().parent / "data" / "claims" / "valid"
CASE = "https://w3id.org/claim-ledger/case/aleppo-2016-11/"


def turtle_claims(count: int, names: list[str] | None = None) -> str:
    """``count`` copies of the valid Turtle claim, each with its own subject."""
    text = (VALID / "lead-thousands-fleeing.ttl").read_text(encoding="utf-8")
    head, _sep, body = text.partition("aleppo:claim\\/lead-thousands-fleeing")
    names = names or [f"aleppo:claim\\/c{i}" for i in range(count)]
    return head + "".join(name + body + "\n" for name in names)


def seconds_to_load(path: Path) -> float:
    """The best of three loads of ``path``, in CPU seconds (other work on the machine aside)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        load_file(path)
        best = min(best, time.process_time() - started)
    return best


def yaml_claims(count: int) -> str:
    """``count`` copies of the valid YAML claim, each with its own id."""
    text = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    head, sep, body = text.partition("'@graph':\n")
    return (
        head
        + sep
        + "".join(body.replace("claim/lead-thousands-fleeing", f"claim/c{i}") for i in range(count))
    )


@pytest.mark.parametrize("syntax", ["ttl", "yaml"])
def test_loading_grows_linearly(tmp_path: Path, syntax: str) -> None:
    """Four times the claims take less than eight times the CPU time to load (Turtle was 16x)."""
    make = turtle_claims if syntax == "ttl" else yaml_claims
    small, large = tmp_path / f"small.{syntax}", tmp_path / f"large.{syntax}"
    small.write_text(make(600), encoding="utf-8")
    large.write_text(make(2400), encoding="utf-8")
    ratio = seconds_to_load(large) / seconds_to_load(small)
    assert ratio < 8, f"4x the claims took {ratio:.1f}x as long"


def test_turtle_subjects_are_located_at_their_own_line(tmp_path: Path) -> None:
    """Each subject is found where it is written, not where a longer name starting alike is."""
    names = ["aleppo:claim\\/c10", "aleppo:claim\\/c1", f"<{CASE}claim/c2>"]
    path = tmp_path / "claims.ttl"
    path.write_text(turtle_claims(3, names), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    batch = load_file(path)
    for name, local in (("c10", names[0]), ("c1", names[1]), ("c2", names[2])):
        location = batch.node_locations[f"{CASE}claim/{name}"]
        assert location.line is not None
        assert lines[location.line - 1].startswith(local + " "), (name, location)


def quotes_yaml(count: int) -> str:
    """The valid YAML claim with its one quote repeated ``count`` times."""
    text = (VALID / "lead-thousands-fleeing.yaml").read_text(encoding="utf-8")
    head, sep, quote = text.partition("  quote:\n")
    return head + sep + quote * count


def test_a_claim_may_list_a_thousand_quotes(tmp_path: Path) -> None:
    """1,000 quotes of one claim (the limit) still load."""
    path = tmp_path / "quotes.yaml"
    path.write_text(quotes_yaml(MAX_VALUES_PER_FIELD), encoding="utf-8")
    quotes = [q for q in load_file(path).quads if q.predicate.value == str(CL.quote)]
    assert len(quotes) == MAX_VALUES_PER_FIELD


def test_a_claim_listing_more_quotes_than_the_limit_is_refused_at_the_field(
    tmp_path: Path,
) -> None:
    """1,001 quotes of one claim are refused at 'quote', naming the limit."""
    path = tmp_path / "quotes.yaml"
    path.write_text(quotes_yaml(MAX_VALUES_PER_FIELD + 1), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_file(path)
    message = str(refused.value)
    assert message.startswith(f"{path}:39:3: 'quote' lists 1,001 values, more than the 1,000")


@pytest.mark.parametrize(("syntax", "count"), [("turtle", 100_000), ("n-triples", 50_000)])
def test_a_claim_with_100000_quote_nodes_is_refused_in_seconds(
    tmp_path: Path, syntax: str, count: int
) -> None:
    """100,000 quote nodes of one claim (50,000 in N-Triples, under the cap) are refused at once."""
    claim = f"<{CASE}claim/c>"
    quote = "<http://www.w3.org/ns/oa#hasSource>"
    if syntax == "turtle":
        path = tmp_path / "quotes.ttl"
        body = ",\n".join(f"  [ {quote} <{CASE}article> ]" for _ in range(count))
        path.write_text(f"{claim} <{CL.quote}>\n{body} .\n", encoding="utf-8")
    else:
        path = tmp_path / "quotes.nt"
        path.write_text(
            "".join(
                f"{claim} <{CL.quote}> _:q{i} .\n_:q{i} {quote} <{CASE}article> .\n"
                for i in range(count)
            ),
            encoding="utf-8",
        )
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        load_file(path)
    assert time.perf_counter() - started < 30
    assert f"one node has {count:,} links and nested nodes" in str(refused.value)
    assert f"more than the {MAX_LINKS_PER_NODE:,} claim-ledger accepts" in str(refused.value)
