"""Links: series, targets and checks over the ledger's claims, merged into the ledger and evaluated."""
from __future__ import annotations

from dataclasses import dataclass

from . import checks as checks_mod
from . import series as series_mod
from . import targets as targets_mod
from .ledger import CHECK_MACHINE, CLAIM_MACHINE, SERIES_MACHINE, Entry, Ledger
from .merge import MergeReport, merge_proposals, people_owned
from .model import Document, Fact


@dataclass
class Links:
    """Everything the ledger's claims say about each other."""

    series: list[dict]
    results: list[checks_mod.Result]
    targets: list[targets_mod.TargetStatus]
    facts: dict[str, Fact]


# The fields of a claim that linking and evaluating read (through facts()); the others make no difference.
CLAIM_FIELDS_READ = frozenset(CLAIM_MACHINE) | {"id", "rejected", "vanished"}


def facts(ledger: Ledger, docs: list[Document]) -> dict[str, Fact]:
    """The ledger's claims as they now stand, less rejected, vanished and malformed ones."""
    published = {d.id: d.published for d in docs}
    out = {}
    for e in ledger.claims:
        f = e.fields
        if f.get("rejected") is True or f.get("vanished") is True or not _well_formed(f):
            continue
        value = tuple(f["value"]) if isinstance(f["value"], list) else f["value"]
        out[e.id] = Fact(e.id, f["doc"], f["text"], value, f.get("unit", ""), f.get("approx", "exact"),
                         f.get("year"), f.get("period", ""), f.get("kind", "actual"), f.get("measure", "level"),
                         f.get("subject", ""), f["quote"], f.get("offset", 0), published.get(f["doc"], ""))
    return out


def _well_formed(f: dict) -> bool:
    v = f.get("value")
    number = isinstance(v, (int, float)) and not isinstance(v, bool)
    pair = isinstance(v, list) and len(v) == 2
    year = f.get("year")
    return (number or pair) and isinstance(f.get("doc"), str) and isinstance(f.get("quote"), str) \
        and isinstance(f.get("text"), str) and (year is None or isinstance(year, int))


def link(ledger: Ledger, docs: list[Document]) -> tuple[Ledger, MergeReport, MergeReport]:
    """The ledger with the program's series and derived checks merged in; people's own are kept."""
    known = facts(ledger, docs)
    s_report, c_report = MergeReport(), MergeReport()
    owned = people_owned(ledger.series, SERIES_MACHINE)
    proposed = series_mod.propose(list(known.values()), owned)
    series = merge_proposals(ledger.series, proposed, SERIES_MACHINE, s_report)
    derived = checks_mod.derive([e.fields for e in series], known)
    checks = merge_proposals(ledger.checks, derived, CHECK_MACHINE, c_report)
    return Ledger(ledger.path, ledger.claims, series, checks), s_report, c_report


def evaluate(ledger: Ledger, docs: list[Document]) -> Links:
    """The results of every check and the status of every target, on the ledger as it stands."""
    known = facts(ledger, docs)
    series = [_series_fields(e) for e in ledger.series]
    results = [checks_mod.evaluate(e.fields, known) for e in ledger.checks if not e.fields.get("rejected")]
    return Links(series, results, targets_mod.statuses(series, known), known)


def _series_fields(e: Entry) -> dict:
    members = e.fields.get("members")
    return {**e.fields, "members": [m for m in members if isinstance(m, str)] if isinstance(members, list) else []}
