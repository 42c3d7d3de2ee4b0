"""Where the ledger lives: a directory (embedded) or a SPARQL 1.1 server (remote)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ledger.chain import store
from ledger.chain.backend import LedgerBackend
from ledger.errors import LedgerStateError, UsageError

_URL = re.compile(r"^https?://", re.I)


@dataclass(frozen=True)
class LedgerLocation:
    """The ``--ledger`` option: a path, or a server URL with optional endpoint overrides."""

    location: str
    query_endpoint: str | None = None
    update_endpoint: str | None = None

    @property
    def is_remote(self) -> bool:
        return bool(_URL.match(self.location))

    def __str__(self) -> str:
        return self.location

    def _check_options(self) -> None:
        if not self.is_remote and (self.query_endpoint or self.update_endpoint):
            raise UsageError(
                "--query-endpoint and --update-endpoint are for a ledger on a SPARQL server",
                hint="give --ledger http(s)://… or leave the endpoints out",
            )

    def exists(self) -> bool:
        """Whether a ledger is there already."""
        if not self.is_remote:
            return (Path(self.location) / "ledger.json").exists()
        try:
            self.open()
        except LedgerStateError:
            return False
        return True

    def open(self) -> LedgerBackend:
        """The ledger at this location (``store.Ledger`` or ``remote.RemoteLedger``)."""
        self._check_options()
        if self.is_remote:
            from ledger.chain import remote  # imported only for a ledger on a server

            return remote.remote_open(
                self.location,
                query_endpoint=self.query_endpoint,
                update_endpoint=self.update_endpoint,
            )
        return store.open(self.location)

    def create(self, ledger_id: str | None = None) -> LedgerBackend:
        """A new, empty ledger at this location."""
        self._check_options()
        if self.is_remote:
            from ledger.chain import remote  # imported only for a ledger on a server

            return remote.remote_init(
                self.location,
                query_endpoint=self.query_endpoint,
                update_endpoint=self.update_endpoint,
                ledger_id=ledger_id,
            )
        return store.init(self.location, ledger_id=ledger_id)
