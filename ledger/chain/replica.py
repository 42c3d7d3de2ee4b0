"""A verified local replica of a ledger on a SPARQL server, for the analysis of that ledger.

The analysis, reports and exports read a pyoxigraph store of the whole ledger and the derived
findings file beside it. An embedded ledger has both. For a ledger on a server, this module keeps
a replica: an embedded ledger with the same id in the user's cache folder, to which every entry
the server holds is imported once, verified as ``import`` verifies an export (canonical bytes,
sequence number, previous entry's hash, ledger id). Each command then only imports the entries
appended since the last one, and the replica's index and findings file serve the analysis; the
server is read, never written.

The replica is a cache: it may be deleted at any time and is rebuilt from the server. When its
last entry is not the server's entry at that position (the server's ledger was reset or its
history rewritten), it is thrown away and rebuilt. It checks the chain of what it imports; it
does not re-check entries it imported earlier: ``verify`` (on the server) is the check of record.

Where: ``$CLAIM_LEDGER_CACHE`` or ``$XDG_CACHE_HOME/claim-ledger`` or ``~/.cache/claim-ledger``,
then ``replicas/<digest of the server URL and ledger id>``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ledger.chain import store
from ledger.chain.backend import LedgerBackend
from ledger.errors import LedgerStateError

#: how long a command waits for another one to finish bringing the same replica up to date
LOCK_TIMEOUT_S = 600.0


def cache_root() -> Path:
    """The folder that holds claim-ledger's caches."""
    configured = os.environ.get("CLAIM_LEDGER_CACHE")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "claim-ledger"


def replica_path(server: LedgerBackend) -> Path:
    """Where the replica of ``server``'s ledger lives."""
    digest = hashlib.sha256(f"{server.location}\n{server.id}".encode()).hexdigest()[:24]
    return cache_root() / "replicas" / digest


def replica(server: LedgerBackend) -> store.Ledger:
    """The replica of ``server``'s ledger, holding every entry the server held when called.

    Raises ``OSError`` when the cache folder cannot be written, and ``LedgerStateError`` when an
    entry from the server does not verify (the replica then keeps the entries before it).
    """
    path = replica_path(server)
    path.parent.mkdir(parents=True, exist_ok=True)
    with store.FileLock(
        path.with_suffix(".lock"), timeout=LOCK_TIMEOUT_S, what="update the local replica"
    ):
        local = _open_or_create(path, server)
        size = server.size()
        if not _same_history(local, server, size):
            shutil.rmtree(path)
            local = _open_or_create(path, server)
        for seq in range(local.size() + 1, size + 1):
            local.import_entry(server.read_entry(seq))
        return local


def _open_or_create(path: Path, server: LedgerBackend) -> store.Ledger:
    if (path / "ledger.json").exists():
        try:
            local = store.open(path)
            if local.id == server.id:
                return local
        except LedgerStateError:  # e.g. written by another format: a cache, so start again
            pass
        shutil.rmtree(path)
    return store.init(path, ledger_id=server.id)


def _same_history(local: store.Ledger, server: LedgerBackend, server_size: int) -> bool:
    """Whether the replica's last entry is the server's entry at the same position."""
    head = local.head()
    if head is None:
        return True
    if head.seq > server_size:
        return False
    return head.hash == server.entry_hash(head.seq)
