"""Targets against outcomes: each plan figure linked to what a later report says happened."""
from __future__ import annotations

from dataclasses import dataclass

from .model import Fact
from .series import rules, sub_period, unit_family


@dataclass(frozen=True)
class TargetStatus:
    """A target, the outcome reported for its year (if any), and how the two compare."""

    target: Fact
    outcome: Fact | None
    status: str  # exceeded | met | missed | pending
    series: str  # the series id, '' when the target is in none
    lower_is_better: bool = False


def statuses(series: list[dict], facts: dict[str, Fact]) -> list[TargetStatus]:
    """Every target in the ledger with its status, in the order of the series and then of time."""
    of_series = {m: s["id"] for s in series for m in s["members"]}
    actuals: dict[tuple[str, int | None], list[Fact]] = {}  # a series' outcomes by year
    for s in series:
        for m in s["members"]:
            if m in facts and facts[m].kind == "actual":
                actuals.setdefault((s["id"], facts[m].year), []).append(facts[m])
    out = []
    for f in sorted(facts.values(), key=lambda f: (f.year or 0, f.doc, f.offset)):
        if f.kind != "target":
            continue
        sid = of_series.get(f.id, "")
        outcome = _outcome(f, actuals.get((sid, f.year), []) if sid else [])
        lower = _lower_is_better(f)
        out.append(TargetStatus(f, outcome, _compare(f, outcome, lower), sid, lower))
    return out


def _outcome(target: Fact, actuals: list[Fact]) -> Fact | None:
    """Of the series' outcomes for the target's year and part of it (a whole year, 上半年, 2021—2025年), the
    latest report's in its measure and unit family."""
    found = [m for m in actuals if m.measure == target.measure and unit_family(m.unit) == unit_family(target.unit)
             and sub_period(m.period) == sub_period(target.period) and m.point is not None]
    return max(found, key=lambda m: (m.published, m.doc, m.offset)) if found else None


def _lower_is_better(f: Fact) -> bool:
    """控制在5%以内, 压减到18亿吨: a target met by staying at or below the figure."""
    if f.approx == "under":
        return True
    at = f.quote.find(f.text)
    before = f.quote[max(0, at - 6):at]
    return f.measure == "level" and any(w in before for w in rules()["decrease_cues"])


def _compare(target: Fact, outcome: Fact | None, lower_is_better: bool) -> str:
    if outcome is None:
        return "pending"
    got = outcome.point
    if isinstance(target.value, tuple):
        low, high = target.value
    else:
        tol = rules()["tolerance_about"] if target.approx == "about" else 0.0
        low, high = target.point * (1 - tol), target.point * (1 + tol)
        if target.approx == "over":
            high = target.point * (1 + rules()["tolerance_about"])
            low = target.point
    if lower_is_better:
        return "exceeded" if got < low else "met" if got <= high else "missed"
    return "exceeded" if got > high else "met" if got >= low else "missed"
