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


def find_anchor(text: str, exact: str, occurrence: int = 1, context: int = CONTEXT_CHARS) -> Anchor:
    """Anchor the ``occurrence``-th appearance of ``exact`` in ``text`` (offsets in code points)."""
    if not exact:
        raise InputError("the quote is empty")
    start = -1
    for _ in range(occurrence):
        start = text.find(exact, start + 1)
        if start < 0:
            count = text.count(exact)
            raise InputError(
                f"the words {exact!r} appear {count} time(s) in the document, not {occurrence}"
                if count
                else f"the words {exact!r} do not appear in the document",
                hint="copy the words exactly as they stand, including punctuation and dashes",
            )
    end = start + len(exact)
    return Anchor(
        start=start,
        end=end,
        exact=exact,
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )
