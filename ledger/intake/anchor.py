"""Anchor a quote in a document: Web Annotation selectors computed from the exact words."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.errors import InputError

CONTEXT_CHARS = 24


@dataclass(frozen=True)
class Anchor:
    """Where a quote stands: code-point offsets, the exact words, and text either side."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    def selectors(self) -> list[dict[str, object]]:
        """The two selectors, as claim files write them."""
        return [
            {
                "type": "TextQuoteSelector",
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
            },
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
        ]


def occurrences(text: str, exact: str) -> list[int]:
    """Every code-point offset where ``exact`` starts in ``text`` (overlapping ones included)."""
    found: list[int] = []
    start = text.find(exact)
    while start >= 0:
        found.append(start)
        start = text.find(exact, start + 1)
    return found


def _in_context(text: str, start: int, end: int, context: int) -> str:
    """The words with ``context`` characters either side, on one line, the words in [brackets]."""
    before = text[max(0, start - context) : start]
    after = text[end : end + context]
    line = f"{'…' if start > context else ''}{before}[{text[start:end]}]{after}"
    line += "…" if end + context < len(text) else ""
    return " ".join(line.split())


def find_anchor(
    text: str, exact: str, occurrence: int | None = None, context: int = CONTEXT_CHARS
) -> Anchor:
    """Anchor ``exact`` in ``text`` (offsets in code points).

    occurrence: which appearance (1 = the first); required when the words appear more than once,
    so that a quote is never anchored at an appearance nobody chose.
    """
    if not exact:
        raise InputError("the quote is empty")
    starts = occurrences(text, exact)
    if not starts:
        raise InputError(
            f"the words {exact!r} do not appear in the document",
            hint="copy the words exactly as they stand, including punctuation and dashes",
        )
    if occurrence is None and len(starts) > 1:
        listing = "\n".join(
            f"  --occurrence {n}: offset {start}: "
            + _in_context(text, start, start + len(exact), context)
            for n, start in enumerate(starts, 1)
        )
        raise InputError(
            f"the words {exact!r} appear {len(starts)} times in the document:\n{listing}",
            hint="say which one with --occurrence N, or quote more words so that they appear once",
        )
    chosen = occurrence or 1
    if chosen > len(starts):
        raise InputError(
            f"the words {exact!r} appear {len(starts)} time(s) in the document, not {chosen}",
            hint=f"give --occurrence between 1 and {len(starts)}",
        )
    start = starts[chosen - 1]
    end = start + len(exact)
    return Anchor(
        start=start,
        end=end,
        exact=exact,
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )
