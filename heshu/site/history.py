"""Corrections: what changed in claims.yaml, from its git history."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import HeshuError
from ..resources import compose, construct, has_alias

WATCHED = ("value", "unit", "approx", "year", "period", "kind", "measure", "subject", "verdict", "rejected", "text")
MAX_COMMITS = 500


@dataclass(frozen=True)
class Change:
    date: str  # YYYY-MM-DD of the commit
    claim: str
    field: str
    old: str
    new: str


def revisions(root: Path, ledger: str = "claims.yaml") -> str | None:
    """The commits of the ledger that corrections() reads, one `sha date` per line; None without git."""
    return _git(root, "log", f"-{MAX_COMMITS}", "--format=%H %cs", "--", ledger)


def corrections(root: Path, ledger: str = "claims.yaml") -> list[Change] | None:
    """Every revision of a claim's figure or verdict, newest first; None when there is no git history."""
    log = revisions(root, ledger)
    if log is None:
        return None
    commits = [line.split() for line in log.splitlines() if line.strip()]
    changes: list[Change] = []
    newer = None
    for sha, date in commits:  # newest first
        claims = _claims_at(root, sha, ledger)
        if claims is None:  # a revision that cannot be read is passed over: its neighbours are compared
            continue
        if newer is not None:
            changes += _diff(claims, newer[1], newer[0])
        newer = (date, claims)
    return sorted(changes, key=lambda c: (c.date, c.claim, c.field), reverse=True)


def _git(root: Path, *args: str) -> str | None:
    try:
        run = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return run.stdout if run.returncode == 0 else None


def _claims_at(root: Path, sha: str, ledger: str) -> dict[str, dict] | None:
    """The claims of the ledger at a commit by id; None if that revision is not YAML, nests too deep or has
    an alias (an alias of an alias can stand for billions of values)."""
    try:
        text = _git(root, "show", f"{sha}:{ledger}") or ""
        node = compose(text, ledger)
        if has_alias(node, text):
            return None
        data = construct(node) if node is not None else None
    except (HeshuError, yaml.YAMLError):
        return None
    claims = data.get("claims") if isinstance(data, dict) else None
    return {c["id"]: c for c in claims or [] if isinstance(c, dict) and isinstance(c.get("id"), str)}


def _diff(old: dict[str, dict], new: dict[str, dict], date: str) -> list[Change]:
    out = []
    for cid in sorted(set(old) & set(new)):
        for f in WATCHED:
            a, b = old[cid].get(f), new[cid].get(f)
            if a != b:
                out.append(Change(date, cid, f, "" if a is None else str(a), "" if b is None else str(b)))
    return out
