"""Merging the program's output into the ledger: people's edits always win, nothing is dropped."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .ledger import CLAIM_MACHINE, Entry, Ledger, fingerprint, untouched
from .model import Claim


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # the program's own entries it no longer proposes


# ---------------------------------------------------------------- claims

# The fields of a claim that merging reads; it carries any other field through as it is.
CLAIM_FIELDS_READ = frozenset(CLAIM_MACHINE) | {"id", "auto", "vanished"}


def claim_fields(claim: Claim) -> dict[str, Any]:
    """The fields the extractor writes for a claim."""
    return {k: getattr(claim, k) for k in CLAIM_MACHINE}


def merge_claims(ledger: Ledger, fresh: list[Claim], extracted_docs: set[str],
                 doc_order: list[str]) -> tuple[Ledger, MergeReport]:
    """The ledger with fresh claims merged in; a claim no longer found is kept and marked vanished."""
    report = MergeReport()
    old = {e.id: e for e in ledger.claims}
    out, fresh_ids = [], set()
    for claim in fresh:
        fresh_ids.add(claim.id)
        out.append(_merge_claim(old.get(claim.id), claim, report))
    for e in ledger.claims:
        if e.id in fresh_ids:
            continue
        if e.fields.get("doc") in extracted_docs and "auto" in e.fields and not e.fields.get("vanished"):
            e = Entry({**e.fields, "vanished": True}, e.line, e.lines)
            report.vanished.append(e.id)
        out.append(e)
    return Ledger(ledger.path, _in_text_order(out, doc_order), ledger.series, ledger.checks), report


def _merge_claim(old: Entry | None, claim: Claim, report: MergeReport) -> Entry:
    fields = claim_fields(claim)
    if old is None:
        report.added.append(claim.id)
        return Entry({"id": claim.id, **fields, "verdict": "unrated", "auto": fingerprint(fields)})
    merged = dict(old.fields)
    if merged.pop("vanished", False):
        report.returned.append(claim.id)
    if untouched(old, CLAIM_MACHINE):
        if any(merged.get(k) != v for k, v in fields.items()):
            report.updated.append(claim.id)
        merged.update(fields)
        merged["auto"] = fingerprint(fields)
    elif any(merged.get(k) != v for k, v in fields.items()):
        report.kept_edits.append(claim.id)
    return Entry(merged, old.line, old.lines)


def _in_text_order(entries: list[Entry], doc_order: list[str]) -> list[Entry]:
    rank = {d: i for i, d in enumerate(doc_order)}

    def key(e: Entry):
        off = e.fields.get("offset")
        return rank.get(e.fields.get("doc"), len(rank)), off if isinstance(off, int) else 10 ** 12, e.id
    return sorted(entries, key=key)


# ---------------------------------------------------------------- series and checks

def merge_proposals(old: list[Entry], proposed: list[dict], machine: tuple[str, ...],
                    report: MergeReport) -> list[Entry]:
    """Entries the program proposes, merged with what people wrote.

    An entry a person created or edited is kept as it is; the program's own untouched entries
    are replaced by the new proposal with the same id, or removed if it no longer proposes them.
    """
    by_id = {p["id"]: p for p in proposed}
    before = {e.id: e for e in reversed(old)}  # the first entry of an id, as a scan would find it
    out, kept = [], set()
    for e in old:
        if _owned(e, machine):
            out.append(e)
            kept.add(e.id)
        elif e.id not in by_id and not e.fields.get("rejected"):
            report.removed.append(e.id)
    for p in proposed:
        if p["id"] in kept:
            continue
        fields = {**p, "auto": fingerprint(p, machine)}
        previous = before.get(p["id"])
        if previous is None:
            report.added.append(p["id"])
        elif {k: previous.fields.get(k) for k in machine} != {k: p.get(k) for k in machine}:
            report.updated.append(p["id"])
        out.append(Entry(fields))
    return sorted(out, key=lambda e: e.id)


def _owned(e: Entry, machine: tuple[str, ...]) -> bool:
    """A person created or changed this entry, or added a field of their own to it."""
    own = set(e.fields) - set(machine) - {"id", "auto"}
    return not untouched(e, machine) or bool(own)


def people_owned(entries: list[Entry], machine: tuple[str, ...]) -> list[Entry]:
    """The entries a person created, changed or annotated."""
    return [e for e in entries if _owned(e, machine)]
