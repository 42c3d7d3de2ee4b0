"""The fast loading paths give exactly what the exact ones give: quads, order, locations, errors.

``ledger.intake.load`` reads YAML through libyaml's events (``_fast_yaml_tree``) and falls back to
PyYAML's pure-Python composer (``_exact_yaml_tree``) for anything unusual. These tests load every
claim file of the repository and a generated benchmark batch both ways and compare everything a
``LoadedBatch`` holds, or the error each way gives; Turtle and friends are compared with
pyoxigraph's own parse; and the benchmark batch is compared with a digest frozen from the loader
as it was before the fast paths, so a change shared by both paths is caught too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ledger.intake import load
from ledger.intake.load import LoadedBatch, load_file, load_paths

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CLAIM_FOLDERS = [ROOT / "claims", DATA / "claims", DATA / "extract"]


def repository_claim_files() -> list[Path]:
    return sorted(
        path
        for folder in CLAIM_FOLDERS
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in load.CLAIM_FILE_SUFFIXES
    )


def fingerprint(batch: LoadedBatch, root: Path) -> list[str]:
    """Everything a batch holds, as lines (paths relative to ``root``), quads in their order."""

    def where(location: Any) -> str:
        return str(location).replace(str(root), "<root>")

    lines = [f"file {where(p)}" for p in batch.files]
    lines += [f"quad {q}" for q in batch.quads]
    lines += [f"node {k} {where(v)}" for k, v in batch.node_locations.items()]
    lines += [f"field {k} {p} {where(v)}" for (k, p), v in batch.field_locations.items()]
    lines += [
        f"document {k} {d.iri} {where(d.path)} {d.sha256} "
        f"{hashlib.sha256(d.text.encode()).hexdigest()}"
        for k, d in batch.documents.items()
    ]
    return _numbered_random_blank_nodes(lines)


#: A blank node pyoxigraph labelled at random (Turtle's [ ] and _:x); the YAML loader's labels
#: (_:L12C5, _:F2L12C5) say where the node is written and are compared as they are.
_RANDOM_BLANK = re.compile(r"_:([0-9a-f]{16,})\b")


def _numbered_random_blank_nodes(lines: list[str]) -> list[str]:
    """Randomly labelled blank nodes renamed _:r1, _:r2... in the order they first appear."""
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return numbers.setdefault(match.group(1), f"_:r{len(numbers) + 1}")

    return [_RANDOM_BLANK.sub(number, line) for line in lines]


def outcome(load_one: Any, path: Path) -> list[str]:
    """The fingerprint of a file's batch, or the type and message of the error it gives."""
    try:
        batch = load_one(path)
    except Exception as error:  # noqa: BLE001 - the error is the outcome compared
        return [f"error {type(error).__name__}: {error}"]
    return fingerprint(batch, ROOT)


def exact_load(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The outcome of loading with the fast YAML path switched off."""
    with monkeypatch.context() as patch:
        patch.setattr(load, "_fast_yaml_tree", lambda path, text: None)
        return outcome(load_file, path)


def test_the_repository_has_claim_files_to_compare() -> None:
    files = repository_claim_files()
    assert sum(p.suffix == ".yaml" for p in files) >= 40
    assert sum(p.suffix == ".ttl" for p in files) >= 5


@pytest.mark.parametrize("path", repository_claim_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_and_exact_paths_load_the_same(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each claim file gives the same batch (or the same error) by the fast and exact paths."""
    fast = outcome(load_file, path)
    assert fast == exact_load(path, monkeypatch)
    if path.suffix.lower() in load.RDF_SUFFIXES and not fast[0].startswith("error"):
        # Turtle and friends: the quads are pyoxigraph's, in its order, nothing added or lost
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        fmt = load.RDF_SUFFIXES[path.suffix.lower()]
        parsed = ox.parse(text, format=fmt, base_iri=load._RELATIVE_BASE)
        expected = _numbered_random_blank_nodes([f"quad {q}" for q in parsed])
        assert [line for line in fast if line.startswith("quad ")] == expected


#: YAML that libyaml's events and PyYAML's composer might read differently: every implicit type,
#: explicit and non-specific tags, empty values, keys that are not text, repeated keys, several
#: documents, none, anchors, and syntax errors.
TRICKY_YAML = [
    "a: 1\nb: -2\nc: +3\nd: 0x1F\ne: 0o17\nf: 1_000\ng: 3.25\nh: -.5e+3\ni: .inf\nj: .NaN\n",
    "a: true\nb: False\nc: yes\nd: No\ne: on\nf: OFF\ng: null\nh: ~\ni:\nj: ''\nk: Null\n",
    "a: 2016-11-28\nb: 2016-11-28T10:00:00Z\nc: 2016-13-45\nd: 2016-11-28 10:00:00.5 +01:00\n",
    "a: '1'\nb: \"true\"\nc: !!str 2\nd: !!int '3'\ne: ! 4\nf: !!float 5\ng: =\nh: <<\n",
    "a: !!binary aGVsbG8=\nb: !!timestamp 2001-12-14\nc: [1, '2', three, 4.0]\n",
    "'@context': x\n1: a\n",
    "a: 1\na: 2\n",
    "? [1, 2]\n: x\n",
    "? {a: 1}\n: x\n",
    "null: x\n",
    "true: x\n",
    "a: 1\n---\nb: 2\n",
    "--- a\n...\n",
    "",
    "# only a comment\n",
    "a: &x 1\nb: *x\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "a:\n  - b\n - c\n",
    "- 1\n- [2, {a: b}]\n- {}\n- []\n",
    "a: !foo bar\n",
    "a: |\n  text\n  more\nb: >-\n  folded\n  text\n",
    "a: \"tab\\tand\\u00e9 ☃\"\nb: 'it''s'\nc: plain with # not a comment\n",
    "{a: 1, b: [x, y], c: {d: e}}\n",
    "[a, b]\n",
    "plain\n",
]


@pytest.mark.parametrize("text", TRICKY_YAML, ids=range(len(TRICKY_YAML)))
def test_fast_and_exact_yaml_trees_agree_on_tricky_yaml(text: str) -> None:
    """Where the fast path answers, its tree, lines and columns are the exact path's."""
    where = Path("x.yaml")
    try:
        exact = load._exact_yaml_tree(where, text)
    except Exception as error:  # noqa: BLE001 - the exact path refuses it: the fast one steps aside
        try:
            fast = load._fast_yaml_tree(where, text)
        except Exception as fast_error:  # noqa: BLE001
            # a constructor error (an unknown tag) is no refusal of the file: both raise it
            assert type(fast_error) is type(error)
            return
        assert fast is None, error
        return
    fast = load._fast_yaml_tree(where, text)
    if fast is None:
        return  # stepped aside: the exact path's answer is used
    assert fast.value == exact.value
    assert type(fast.value) is type(exact.value)
    assert sorted(fast.node_marks.values()) == sorted(exact.node_marks.values())
    assert sorted((k, m) for (_, k), m in fast.key_marks.items()) == sorted(
        (k, m) for (_, k), m in exact.key_marks.items()
    )


@pytest.mark.parametrize("text", TRICKY_YAML, ids=range(len(TRICKY_YAML)))
def test_fast_and_exact_paths_give_the_same_errors(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading tricky YAML as a claim file gives the same batch or message both ways."""
    path = tmp_path / "tricky.yaml"
    path.write_text(text, encoding="utf-8")
    fast, exact = outcome(load_file, path), exact_load(path, monkeypatch)
    if fast[0].startswith("error ConstructorError"):
        # A tag no constructor knows (the plain scalar '=' is one) escapes as PyYAML's error,
        # whose excerpt of the line only the pure-Python reader can show: the same first line.
        assert fast[0].splitlines()[0] == exact[0].splitlines()[0]
    else:
        assert fast == exact


@pytest.fixture(scope="module")
def benchmark_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # bench/ is no package, and its ledger.py would hide the ledger package: load the one file
    spec = importlib.util.spec_from_file_location("claim_files", ROOT / "bench" / "claim_files.py")
    assert spec is not None and spec.loader is not None
    claim_files = importlib.util.module_from_spec(spec)
    sys.modules["claim_files"] = claim_files  # dataclasses look their module up
    spec.loader.exec_module(claim_files)
    folder = tmp_path_factory.mktemp("bench")
    return Path(claim_files.write_batch(folder / "b0", 0, 1000))


def test_benchmark_batch_loads_the_same_both_ways(
    benchmark_batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generated 1,000-claim batch gives the same batch by the fast and the exact path."""
    files = load.claim_files([benchmark_batch])
    assert [p.suffix for p in files] == [".yaml", ".yaml"]
    with monkeypatch.context() as patch:
        patch.setattr(load, "_fast_yaml_tree", lambda path, text: None)
        exact = fingerprint(load_paths([benchmark_batch]), benchmark_batch)
    fast = fingerprint(load_paths([benchmark_batch]), benchmark_batch)
    assert len(fast) > 30_000
    assert fast == exact


#: sha256 of the fingerprint lines of the 1,000-claim batch 0 of bench/claim_files.py, as the
#: loader gave it before the fast paths (quads in order, locations, documents). A change to
#: bench/claim_files.py's output changes it too: recompute it with the loader of that time.
BENCHMARK_BATCH_DIGEST = "c4f3d94022dfaadd5511d9e1d73e04701406ecd3da16f3b36ab04fe93db94aee"


def test_benchmark_batch_loads_as_it_did(benchmark_batch: Path) -> None:
    lines = fingerprint(load_paths([benchmark_batch]), benchmark_batch)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert digest == BENCHMARK_BATCH_DIGEST
