"""Verify before trust: the cheap check that the analysis, reports and exports run first.

A full ``verify`` reads and hashes every entry; at a million claims that takes longer than the
command it would guard. So after a full verify has passed, the ledger remembers its verified
head (sequence number and hash) in a small file, ``verified-head.json`` in the ledger folder
(for a ledger on a SPARQL server, in the cache folder of ``ledger.chain.replica``). The guard
then checks only:

- that the remembered entry still hashes as it did (its hash is what the next entry records,
  so the verified prefix cannot be swapped without changing it or the chain after it);
- for an embedded ledger, that no entry file up to the remembered head changed size or
  modification time since (a digest of those is remembered too); if one did, the guard runs a
  full verify instead, which names the bad entry;
- every entry after the remembered head, as ``verify`` checks it: its bytes (sorted, unique
  lines), its metadata, and that it records the hash of the entry before it.

Without a memory (or one for another ledger, or for more entries than the ledger holds now), the
guard runs a full verify and, if it passes, writes the memory. The memory is only ever written
after a full verify passed. It is a cache: deleting it costs one full verify.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ledger.chain.canon import CanonicalizationLimits, sha256_hex
from ledger.chain.entry import HASH_PREFIX, VerifyReport, examine_bytes

#: the memory's file name in an embedded ledger's folder
MEMORY_NAME = "verified-head.json"
#: the memory's format, so that a later change of it is read as "no memory"
MEMORY_VERSION = 1


class Chain(Protocol):
    """What the guard needs of a ledger (``store.Ledger`` and ``remote.RemoteLedger`` have it)."""

    id: str
    limits: CanonicalizationLimits

    def size(self) -> int: ...

    def read_entry(self, seq: int) -> bytes: ...

    def verify(self) -> VerifyReport: ...


@dataclass(frozen=True)
class VerifiedHead:
    """The last entry a full verify vouched for, and (embedded) a digest of the entry files."""

    ledger: str
    seq: int
    hash: str
    files: str | None


@dataclass(frozen=True)
class GuardResult:
    """The guard's verdict: the report, and how it was reached ("full" or "since N")."""

    report: VerifyReport
    method: str


def memory_path(ledger: Chain) -> Path:
    """Where ``ledger``'s verified head is remembered."""
    folder = getattr(ledger, "path", None)
    if isinstance(folder, Path):  # an embedded ledger: its own folder
        return folder / MEMORY_NAME
    from ledger.chain import replica  # a ledger on a server: beside its replica

    url = str(getattr(ledger, "url", ""))
    digest = hashlib.sha256(f"{url}\n{ledger.id}".encode()).hexdigest()[:24]
    return replica.cache_root() / "verified" / f"{digest}.json"


def read_memory(ledger: Chain) -> VerifiedHead | None:
    """The remembered verified head of ``ledger``; None when there is none or it is unreadable."""
    try:
        data = json.loads(memory_path(ledger).read_text(encoding="utf-8"))
        if data.get("version") != MEMORY_VERSION:
            return None
        head = VerifiedHead(
            ledger=str(data["ledger"]),
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            files=str(data["files"]) if data.get("files") is not None else None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return head if head.ledger == ledger.id and head.seq >= 1 else None


def remember(ledger: Chain, report: VerifyReport) -> None:
    """Write the memory after a full verify of ``ledger`` passed (a no-op otherwise).

    A ledger folder that cannot be written (a read-only copy) keeps no memory: the guard then
    verifies in full each time, which is slower but as safe.
    """
    if not report.ok or report.head_hash is None or report.verified < 1:
        return
    data = {
        "version": MEMORY_VERSION,
        "ledger": ledger.id,
        "seq": report.verified,
        "hash": report.head_hash,
        "files": _files_digest(ledger, report.verified),
    }
    write_record(memory_path(ledger), data)


def write_record(path: Path, data: Mapping[str, Any]) -> None:
    """Write a small JSON record atomically (a temporary file renamed over it); a folder that
    cannot be written keeps no record, and nothing is raised (records are caches)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def forget(ledger: Chain) -> None:
    """Delete the memory (the next guard verifies in full)."""
    with contextlib.suppress(OSError):
        memory_path(ledger).unlink()


def _files_digest(ledger: Chain, through: int) -> str | None:
    """A digest of the size and modification time of entry files 1..through (embedded only)."""
    entry_path = getattr(ledger, "entry_path", None)
    if entry_path is None:
        return None
    digest = hashlib.sha256()
    try:
        for seq in range(1, through + 1):
            stat = os.stat(entry_path(seq))
            digest.update(f"{seq} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    except OSError:
        return "missing"
    return digest.hexdigest()


def full_verify(ledger: Chain) -> GuardResult:
    """A full verify; its memory is written if it passed."""
    report = ledger.verify()
    remember(ledger, report)
    return GuardResult(report, "full")


def check(ledger: Chain) -> GuardResult:
    """Whether ``ledger``'s chain verifies, checking only what came after the verified head."""
    memory = read_memory(ledger)
    size = ledger.size()
    if memory is None or memory.seq > size:
        return full_verify(ledger)
    if memory.files is not None and memory.files != _files_digest(ledger, memory.seq):
        return full_verify(ledger)  # an entry file was touched: find out which, and how
    try:
        data = ledger.read_entry(memory.seq)
    except Exception:  # noqa: BLE001  # any failure to read it: the full verify names it
        return full_verify(ledger)
    digest = HASH_PREFIX + sha256_hex(data)
    if digest != memory.hash:
        return GuardResult(
            _failed(
                size,
                memory.seq - 1,
                memory.seq,
                f"entry {memory.seq} hashes to {digest}, not to {memory.hash} as it did when the "
                "ledger last verified",
            ),
            f"since {memory.seq}",
        )
    previous = memory.hash
    for seq in range(memory.seq + 1, size + 1):
        facts = examine_bytes(ledger.read_entry(seq), seq, ledger.id, ledger.limits, deep=False)
        problem = facts.problem
        if problem is None and facts.previous_hash != previous:
            problem = (
                f"entry {seq} records previous entry hash {facts.previous_hash or 'none'}, "
                f"but entry {seq - 1} hashes to {previous}"
            )
        if problem is not None:
            # Rare: let the full verify name the bad entry and why, as `verify` would.
            full = full_verify(ledger)
            if not full.report.ok:
                return full
            return GuardResult(_failed(size, seq - 1, seq, problem), f"since {memory.seq}")
        previous = facts.hash
    return GuardResult(VerifyReport(True, size, size, previous), f"since {memory.seq}")


def _failed(size: int, verified: int, seq: int, reason: str) -> VerifyReport:
    return VerifyReport(False, size, verified, None, seq, reason)
