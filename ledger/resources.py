"""The one place that finds the project's data: ontology, shapes, queries, templates, example.

An installed wheel carries the top-level folders inside the package (``ledger/_data/``); a
development checkout has them beside the package. Nothing else computes paths to them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

_PACKAGE = files("ledger")


def _data_dir(name: str) -> Traversable:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent / name  # type: ignore[attr-defined]
    if isinstance(checkout, Traversable) and checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"claim-ledger data folder {name!r} is missing from the installation")


def ontology_dir() -> Traversable:
    return _data_dir("ontology")


def shapes_dir() -> Traversable:
    return _data_dir("shapes")


def templates_dir() -> Traversable:
    return _data_dir("reports")


def example_case_dir() -> Traversable:
    return _data_dir("claims") / "aleppo-2016-11"


def queries_dir() -> Traversable:
    return _PACKAGE / "queries"


def read_text(folder: Traversable, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def turtle_files(folder: Traversable) -> list[Traversable]:
    """The ``.ttl`` files of a data folder, in a stable order."""
    return sorted((f for f in folder.iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


@cache
def query(name: str) -> str:
    """The text of ``ledger/queries/<name>.rq``."""
    return read_text(queries_dir(), f"{name}.rq")
