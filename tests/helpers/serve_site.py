"""The ledgers and the running site that the ``serve`` tests share.

``hostile_case`` writes a copy of the example case with script and attribute injections in a
claim's statement, quote and translation, a document's text and headline, and a source's name.
``running_site`` starts ``claim-ledger serve --port 0`` as a real process on 127.0.0.1 and
yields its URL; the process is stopped when the block ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"

SCRIPT_STATEMENT = "<script>alert('statement')</script> \"onerror=alert(1) x=\""
SCRIPT_QUOTE = "<script>alert('quote')</script>\" and \"onerror=alert(2) x="
SCRIPT_TRANSLATION = "<img src=x onerror=alert(3)>"
SCRIPT_HEADLINE = "<script>alert('headline')</script>"
SCRIPT_SOURCE_NAME = 'SOHR <b onmouseover="alert(4)">'
HOSTILE_TEXT = f'Report.\n\nA witness said "{SCRIPT_QUOTE}" then left.\n'


def hostile_case(folder: Path) -> Path:
    """A copy of the example case with hostile text in every kind of field a page shows."""
    case = folder / "hostile-case"
    shutil.copytree(EXAMPLE, case)
    (case / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    entities = yaml.safe_load((case / "entities.yaml").read_text(encoding="utf-8"))
    entities["@graph"].append(
        {
            "id": "aleppo:hostile-article",
            "type": ["Document", "NewsArticle"],
            "localCopy": "hostile.txt",
            "sha256": hashlib.sha256(HOSTILE_TEXT.encode("utf-8")).hexdigest(),
            "inLanguage": "en",
            "datePublished": {"@value": "2016-11", "@type": "xsd:gYearMonth"},
            "publisher": "src:article-outlet",
            "headline": {"en": SCRIPT_HEADLINE},
        }
    )
    (case / "entities.yaml").write_text(yaml.safe_dump(entities, allow_unicode=True), "utf-8")
    sources = yaml.safe_load((case / "sources.yaml").read_text(encoding="utf-8"))
    for node in sources["@graph"]:
        if str(node.get("id", "")).endswith(":sohr"):
            node["name"] = {"en": SCRIPT_SOURCE_NAME}
    (case / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True), "utf-8")
    claims = yaml.safe_load((case / "claims.yaml").read_text(encoding="utf-8"))
    start = HOSTILE_TEXT.index(SCRIPT_QUOTE)
    end = start + len(SCRIPT_QUOTE)
    claims["@graph"].append(
        {
            "id": "aleppo:claim/hostile",
            "type": "Claim",
            "case": "aleppo:case",
            "statement": SCRIPT_STATEMENT,
            "attributedTo": "src:sohr",
            "transmission": "ownReporting",
            "reportedIn": "aleppo:hostile-article",
            "stance": "asserts",
            "proposition": {
                "subject": "ent:east-aleppo-civilians",
                "property": "displacedCount",
                "quantity": {
                    "phrase": {"en": SCRIPT_TRANSLATION},
                    "qualifier": "exactly",
                    "lower": 3,
                    "upper": 3,
                    "unit": "person",
                },
                "place": "ent:east-aleppo",
                "eventTime": {
                    "earliest": "2016-11-01",
                    "latest": "2016-11-30",
                    "precision": "monthPrecision",
                },
            },
            "quote": [
                {
                    "source": "aleppo:hostile-article",
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "exact": SCRIPT_QUOTE,
                            "prefix": HOSTILE_TEXT[max(0, start - 20) : start],
                            "suffix": HOSTILE_TEXT[end : end + 20],
                        },
                        {"type": "TextPositionSelector", "start": start, "end": end},
                    ],
                    "translation": {
                        "english": SCRIPT_TRANSLATION,
                        "attributedTo": "src:claim-ledger-maintainers",
                    },
                }
            ],
        }
    )
    (case / "claims.yaml").write_text(yaml.safe_dump(claims, allow_unicode=True), "utf-8")
    return case


def _lines(stream: object, out: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        out.put(line)


@contextlib.contextmanager
def running_site(ledger: Path, *, timeout: float = 10.0) -> Iterator[str]:
    """``claim-ledger serve --port 0`` on the ledger, as a real process; yields its URL."""
    command = [
        sys.executable, "-m", "ledger", "--ledger", str(ledger), "serve",
        "--port", "0", "--timeout", str(timeout),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=ledger.parent,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        try:
            first = lines.get(timeout=60)
        except queue.Empty:
            raise AssertionError("claim-ledger serve did not say where it listens") from None
        assert first.startswith("serving http://127.0.0.1:"), first
        yield first.split()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(15)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()
