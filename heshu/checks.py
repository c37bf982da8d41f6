"""Arithmetic checks: the ones the program derives from series, and evaluating any check."""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from . import arith
from .model import Fact
from .series import rules, sub_period, time_order


@dataclass(frozen=True)
class Result:
    """What a check came to: holds, fails or cannot-evaluate, with the numbers."""

    id: str
    type: str
    title: str
    expr: str
    claims: dict  # name -> claim id
    status: str  # holds | fails | cannot-evaluate
    left: float | None = None
    right: float | None = None
    reason: str = ""

    @property
    def difference(self) -> float | None:
        return None if self.left is None else self.left - self.right

    @property
    def relative(self) -> float | None:
        return self.difference / abs(self.right) if self.right else None


def evaluate(check: dict, facts: dict[str, Fact]) -> Result:
    """The result of one check (as written in the ledger) on the claims as they stand."""
    names, expr = check.get("claims") or {}, check.get("expr", "")
    base = dict(id=check["id"], type=check.get("type", "declared"), title=check.get("title", ""),
                expr=expr, claims=dict(names))
    values = {}
    for name, cid in names.items():
        f = facts.get(cid)
        if f is None:
            return Result(**base, status="cannot-evaluate", reason=f"claim `{cid}` is not in the ledger "
                          "(or is rejected or vanished)")
        if f.point is None:
            return Result(**base, status="cannot-evaluate", reason=f"claim `{cid}` is a range")
        values[name] = f.point
    try:
        out = arith.evaluate(expr, values, float(check.get("tolerance", 0) or 0))
    except arith.ArithError as e:
        return Result(**base, status="cannot-evaluate", reason=str(e))
    except ZeroDivisionError:
        return Result(**base, status="cannot-evaluate", reason="division by zero")
    return Result(**base, status="holds" if out.holds else "fails", left=out.left, right=out.right)


# ---------------------------------------------------------------- derived checks

def derive(series: list[dict], facts: dict[str, Fact]) -> list[dict]:
    """Every check the program can propose from the series: stock and flow, growth, doubling, restatement."""
    out: list[dict] = []
    rates: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for g in facts.values():
        if g.measure == "change" and g.unit in ("%", "百分点"):
            rates[(g.doc, g.quote)].append(g)
    for s in series:
        members = [facts[m] for m in s["members"] if m in facts]
        out += _stock_flow(s, members) + _growth(s, members, rates) + _doubling(s, members)
        out += _restatements(s, members)
    unique = {c["id"]: c for c in out}
    return [unique[k] for k in sorted(unique)]


def _check(kind: str, title: str, expr: str, claims: dict, tolerance: float) -> dict:
    digest = hashlib.sha1(f"{kind}|{expr}|{sorted(claims.items())}".encode("utf-8")).hexdigest()[:8]
    return {"id": f"{kind}-{digest}", "type": kind, "title": title, "expr": expr, "claims": claims,
            "tolerance": tolerance}


def _tolerance(*facts: Fact) -> float:
    d = rules()
    return d["tolerance_exact"] if all(f.approx == "exact" for f in facts) else d["tolerance_about"]


def _near(f: Fact, words: list[str]) -> bool:
    """One of the words stands next to the figure in its sentence."""
    before, after = rules()["cue_window"]
    at = f.quote.find(f.text)
    if at < 0:
        return False
    window = f.quote[max(0, at - before):at + len(f.text) + after]
    return any(w in window for w in words)


def _direction(f: Fact) -> int:
    d = rules()
    if _near(f, d["decrease_cues"]):
        return -1
    return 1 if _near(f, d["increase_cues"]) else 0


def _stocks(members: list[Fact]) -> dict[int, list[Fact]]:
    """Levels at the end of each year, including a remainder stated for the year after (剩余…)."""
    stocks: dict[int, list[Fact]] = defaultdict(list)
    whole = [f for f in members if _whole_year(f)]
    for f in whole:
        if f.measure == "level" and f.kind == "actual":
            stocks[f.year].append(f)
    for f in whole:
        if f.measure == "change" and _near(f, rules()["remainder_cues"]):
            stocks[f.year - 1].append(f)
    return stocks


def _whole_year(f: Fact) -> bool:
    """A figure of one year as a whole (or its end), not of a part of it (上半年) or a span (2019—2023年)."""
    return f.year is not None and sub_period(f.period) == ""


def _stock_flow(s: dict, members: list[Fact]) -> list[dict]:
    stocks, out = _stocks(members), []
    flows = [f for f in members if f.kind == "actual" and f.measure == "change" and _whole_year(f)]
    for f in flows:
        sign = _direction(f)
        before = [x for x in stocks.get(f.year - 1, []) if x.id != f.id]
        after = [x for x in stocks.get(f.year, []) if x.id != f.id]
        if not sign or not before or not after or f.point is None:
            continue
        s0, s1 = before[0], after[0]
        op = "-" if sign < 0 else "+"
        title = f"{s['title']}: {f.year - 1}年末 {op} {f.year}年{('减少' if sign < 0 else '增加')} = {f.year}年末"
        out.append(_check("stock-flow", title, f"before {op} change == after",
                          {"before": s0.id, "change": f.id, "after": s1.id}, _tolerance(s0, f, s1)))
    return out


def _growth(s: dict, members: list[Fact], rates: dict[tuple[str, str], list[Fact]]) -> list[dict]:
    """增长8.5% beside a figure: that figure over the same figure a year before says the same."""
    out = []
    for measure in ("level", "change"):
        # the first thing said about a year wins: later items overwrite earlier ones, so go in reverse
        points = {f.year: f for f in sorted(members, key=time_order, reverse=True)
                  if f.measure == measure and f.kind == "actual" and _whole_year(f) and f.unit != "百分点"}
        for now in points.values():
            before = _from_beside(now, members) or points.get(now.year - 1)
            rate = _rate_beside(now, rates) if before else None
            if rate is None:
                continue
            expr = _growth_expr(rate, now)
            if expr:
                out.append(_check("growth", f"{s['title']}: {before.year}→{now.year}年的增幅", expr,
                                  {"before": before.id, "now": now.id, "rate": rate.id}, rules()["tolerance_growth"]))
    return out


def _from_beside(now: Fact, members: list[Fact]) -> Fact | None:
    """由470家增长到1090家: the figure the same sentence starts from, if it names an earlier year."""
    earlier = [f for f in members if f.quote == now.quote and f.doc == now.doc and f.offset < now.offset
               and f.year is not None and f.year < now.year and f.unit == now.unit]
    return max(earlier, key=lambda f: f.offset) if earlier else None


def _rate_beside(now: Fact, rates: dict[tuple[str, str], list[Fact]]) -> Fact | None:
    """The growth rate stated right after a figure in its sentence (52万户，增长8.5%); of the figure's own
    subject first (A 3亿元，B 2亿元，分别增长6%和9%: B's is 9%)."""
    after = [g for g in rates.get((now.doc, now.quote), []) if g.offset > now.offset and _whole_year(g)]
    return min(after, key=lambda g: (g.subject != now.subject, g.offset)) if after else None


def _growth_expr(rate: Fact, now: Fact) -> str:
    sign = _direction(rate) or 1
    if rate.unit == "%" and now.unit != "%":
        return "(now / before - 1) * 100 == rate" if sign > 0 else "(1 - now / before) * 100 == rate"
    if rate.unit == "百分点" and now.unit == "%":
        return "now - before == rate" if sign > 0 else "before - now == rate"
    return ""


def _doubling(s: dict, members: list[Fact]) -> list[dict]:
    """倍增/翻一番 in a sentence that goes from one level to another: the second is at least twice the first."""
    out = []
    by_quote: dict[str, list[Fact]] = defaultdict(list)
    for f in members:
        if f.measure == "level" and f.year is not None:
            by_quote[f.quote].append(f)
    for quote, fs in by_quote.items():
        fs.sort(key=lambda f: f.offset)
        if len(fs) >= 2 and fs[0].year < fs[-1].year and any(w in quote for w in rules()["doubling_cues"]):
            title = f"{s['title']}: {fs[0].year}→{fs[-1].year}年翻一番"
            out.append(_check("doubling", title, "now / before >= 2", {"before": fs[0].id, "now": fs[-1].id}, 0))
    return out


def _restatements(s: dict, members: list[Fact]) -> list[dict]:
    """Two claims about the same year, kind and measure: they should agree."""
    out = []
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in members:
        if f.year is not None:
            groups[(f.year, f.kind, f.measure, sub_period(f.period))].append(f)
    for (year, kind, measure, _), fs in sorted(groups.items(), key=lambda kv: str(kv[0])):
        out += _pairs(s, sorted(fs, key=time_order), f"{year}年")
    stocks = _stocks(members)
    for year, fs in sorted(stocks.items()):
        virtual = [f for f in fs if f.measure == "change"]
        real = [f for f in fs if f.measure == "level"]
        if virtual and real:
            out += _pairs(s, [real[0], virtual[0]], f"{year}年末")
    return out


def _pairs(s: dict, fs: list[Fact], when: str) -> list[dict]:
    out = []
    for a, b in zip(fs, fs[1:]):
        if a.quote == b.quote and a.doc == b.doc:
            continue  # one sentence lists different things (建设10个实验室、10个基地)
        if a.approx == "over" and b.approx != "over":
            expr = "b >= a"
        elif a.approx == "under" and b.approx != "under":
            expr = "b <= a"
        elif b.approx == "over" and a.approx != "over":
            expr = "a >= b"
        elif b.approx == "under" and a.approx != "under":
            expr = "a <= b"
        else:
            expr = "a == b"
        out.append(_check("restatement", f"{s['title']}: {when}的两处说法", expr, {"a": a.id, "b": b.id},
                          _tolerance(a, b)))
    return out
