"""The last run of extract or link, kept so that the next run can be skipped when all that changed since
is what the command does not read: a claim's verdict, note, sources or review date, say.

A run is kept only if it left claims.yaml as it found it. Then, with the same reports and code, a
ledger that differs from that one only in claim fields the command does not read, each edited claim
written as `save` writes it, would again be left as it is, with the same result: the command merges
claim by claim, and carries the fields it does not read through untouched.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from . import cache
from . import ledger as ledger_mod

VERSION = 1


def inputs(seeds: Path) -> str:
    """A digest of what extract and link read besides the ledger: the reports and their manifest, and
    Heshu's code, data and packages."""
    h = hashlib.sha1(f"{VERSION}\0{cache.code_digest()}".encode("utf-8"))
    cache.add_files(h, seeds)
    return h.hexdigest()


def last(command: str, ledger: Path, made_from: str, text: str | None, reads: frozenset[str]) -> Any | None:
    """What the kept run of command returned, if it ran on the same inputs (`made_from`) and the ledger
    text has changed since only in claim fields outside `reads`; else None."""
    kept = cache.read(_key(command, ledger))
    if text is None or not isinstance(kept, dict) or kept.get("version") != VERSION \
            or kept.get("inputs") != made_from:
        return None
    edited = ledger_mod.claim_fields_edited(kept["shape"], text)
    return None if edited is None or edited & reads else kept["result"]


def finished(command: str, ledger: Path, made_from: str, text: str | None, result: Any) -> None:
    """After a full run that found the ledger as `text`: keep its result if the ledger is still so (the
    run did not write it, nor did anybody meanwhile), else forget the kept one."""
    if text is not None and not result.written and ledger_mod.read(ledger) == text:
        remember(command, ledger, made_from, text, result)
    else:
        forget(command, ledger)


def remember(command: str, ledger: Path, made_from: str, text: str, result: Any) -> None:
    """Keep the result of a run on the ledger `text` that left it as it was."""
    shape = ledger_mod.shape(text)
    if shape is None:
        forget(command, ledger)
    else:
        cache.write(_key(command, ledger), {"version": VERSION, "inputs": made_from, "shape": shape, "result": result})


def forget(command: str, ledger: Path) -> None:
    """Drop the kept run of command: its next run is a full one."""
    cache.remove(_key(command, ledger))


def _key(command: str, ledger: Path) -> str:
    return f"runs/{command}-{hashlib.sha1(str(ledger.resolve()).encode('utf-8')).hexdigest()}.pickle"
