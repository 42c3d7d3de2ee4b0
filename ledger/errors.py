"""One hierarchy of library errors; the CLI turns them into messages and exit codes in one place.

Exit codes: 0 success, 1 claims do not conform or verification failed, 2 usage or unreadable input.
"""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """Base of every error claim-ledger reports to a user (never a traceback)."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(LedgerError):
    """A file cannot be read or parsed (exit 2)."""


class UnsafeInputError(InputError):
    """Input asks for something the tool refuses to do: fetch a URL, expand entities (exit 2)."""


class UsageError(LedgerError):
    """A command was called with options that do not fit together (exit 2)."""


class NotConformingError(LedgerError):
    """Claims do not conform to the shapes (exit 1)."""

    exit_code = 1


class VerificationError(LedgerError):
    """The ledger, an export or a checkpoint failed verification (exit 1)."""

    exit_code = 1


class LedgerStateError(LedgerError):
    """The ledger is missing, locked, or not in the state an operation needs (exit 2)."""


class HeadMovedError(LedgerStateError):
    """Another writer appended after the caller built its entry against the ledger (exit 2).

    ``append(..., after=n)`` raises it, under the writer lock, when the ledger no longer has
    ``n`` entries; ``api.add`` then looks for duplicates again and retries.
    """


class CanonicalizationError(LedgerError):
    """A dataset could not be canonicalised within the configured bounds (exit 2)."""


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, line and column when known."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text
