"""The links as plain-text tables for the terminal and the README: series, checks, targets."""
from __future__ import annotations

from .checks import Result
from .links import Links
from .model import Fact

STATUS = {"holds": "holds", "fails": "FAILS", "cannot-evaluate": "cannot evaluate"}


def _fact(f: Fact) -> str:
    when = f"{f.year}年" if f.year else "?"
    return f"{f.text} ({f.doc}, {when}{'目标' if f.kind == 'target' else ''})"


def series_table(links: Links) -> list[str]:
    rows = ["| series | unit | points in time (level / change; targets marked 目标) |", "|---|---|---|"]
    for s in sorted(links.series, key=lambda s: (s["title"], s["id"])):
        points = []
        for m in s["members"]:
            f = links.facts.get(m)
            if f:
                mark = "目标 " if f.kind == "target" else ""
                points.append(f"{f.year or '?'}: {mark}{f.text} ({f.measure})")
        rows.append(f"| {s['title']} | {s.get('unit', '')} | {'; '.join(points)} |")
    return rows


def checks_table(links: Links) -> list[str]:
    rows = ["| check | result | figures |", "|---|---|---|"]
    order = {"fails": 0, "cannot-evaluate": 1, "holds": 2}
    for r in sorted(links.results, key=lambda r: (order[r.status], r.type, r.id)):
        rows.append(f"| {r.title or r.id} (`{r.expr}`) | {_result(r)} | {_figures(r, links)} |")
    return rows


def _result(r: Result) -> str:
    if r.status == "cannot-evaluate":
        return f"cannot evaluate: {r.reason}"
    text = f"{STATUS[r.status]}: {r.left:.6g} vs {r.right:.6g}"
    if r.status == "fails":
        rel = f", {r.relative:+.1%}" if r.relative is not None else ""
        text += f" (off by {r.difference:+.6g}{rel})"
    return text


def _figures(r: Result, links: Links) -> str:
    return "; ".join(f"{name} = {_fact(links.facts[cid])}" for name, cid in r.claims.items() if cid in links.facts)


def targets_table(links: Links) -> list[str]:
    rows = ["| target | year | outcome | status |", "|---|---|---|---|"]
    for t in links.targets:
        outcome = _fact(t.outcome) if t.outcome else "not yet reported"
        rows.append(f"| {t.target.subject or '?'}: {t.target.text} ({t.target.doc}) | {t.target.year} | "
                    f"{outcome} | {t.status} |")
    return rows


def findings(links: Links) -> list[str]:
    """One line per failing check and per target that has an outcome or is pending."""
    out = [f"finding: check {r.id} fails: {r.title}: {_result(r)}; {_figures(r, links)}"
           for r in links.results if r.status == "fails"]
    out += [f"finding: check {r.id} cannot be evaluated: {r.reason}"
            for r in links.results if r.status == "cannot-evaluate"]
    out += [f"target: {t.target.subject or t.target.id} {t.target.text} ({t.target.year}, {t.target.doc}): {t.status}"
            + (f" (outcome {_fact(t.outcome)})" if t.outcome else "") for t in links.targets]
    return out
