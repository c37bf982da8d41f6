"""Series charts as SVG drawn at build time: axes, labels, units; levels, changes and targets told apart."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..numbers import format_value

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 78, 20, 34, 46


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    kind: str  # actual | target
    measure: str  # level | change
    label: str  # as written
    href: str
    claim: str = ""


def chart(key: str, title: str, unit: str, points: list[Point], small: bool = False) -> Markup:
    """An SVG chart of a series: levels as a line of dots, changes as bars, targets hollow and dashed."""
    points = [p for p in points if p.value is not None]
    if not points:
        return Markup("")
    width, height = (320, 150) if small else (WIDTH, HEIGHT)
    years = sorted({p.year for p in points})
    top = _nice(max(p.value for p in points))
    x0, x1, y0, y1 = LEFT, width - RIGHT, height - BOTTOM, TOP

    def x(year: int) -> float:
        return x0 + (x1 - x0) * (0.5 if len(years) == 1 else (years.index(year) + 0.5) / len(years))

    def y(v: float) -> float:
        return y0 - (y0 - y1) * (v / top if top else 0)

    band = (x1 - x0) / max(len(years), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="group" aria-labelledby="chart-{escape(key)}">',
             f'<title id="chart-{escape(key)}">{escape(title)}（单位：{escape(unit)}）</title>']
    parts += _axes(years, top, unit, x, y, x0, x1, y0, small)
    changes = [p for p in points if p.measure == "change"]
    for i, p in enumerate(changes):
        offset = (i % 2) * band * 0.18 - band * 0.09
        cls = "bar target" if p.kind == "target" else "bar"
        parts.append(f'<a href="{escape(p.href)}"><rect class="{cls}"{_pid(p, key)} '
                     f'x="{x(p.year) + offset - band * 0.12:.1f}" y="{y(p.value):.1f}" width="{band * 0.24:.1f}" '
                     f'height="{y0 - y(p.value):.1f}"><title>{escape(_tip(p, unit))}</title></rect></a>')
    levels = sorted([p for p in points if p.measure == "level" and p.kind == "actual"], key=lambda p: p.year)
    if len(levels) > 1:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(p.year):.1f},{y(p.value):.1f}" for i, p in enumerate(levels))
        parts.append(f'<path class="line" d="{path}"/>')
    for p in [p for p in points if p.measure == "level"]:
        cls = "dot target" if p.kind == "target" else "dot"
        parts.append(f'<a href="{escape(p.href)}"><circle class="{cls}"{_pid(p, key)} '
                     f'cx="{x(p.year):.1f}" cy="{y(p.value):.1f}" r="5">'
                     f'<title>{escape(_tip(p, unit))}</title></circle></a>')
    if not small:
        parts += _legend(width)
    parts.append("</svg>")
    return Markup("".join(parts))


def _pid(p: Point, key: str) -> str:
    """An id for the point, so that a page can mark it with CSS (claim pages share their series' chart)."""
    return f' id="pt-{escape(p.claim)}"' if p.claim and not key.endswith("-small") else ""


def _tip(p: Point, unit: str) -> str:
    kind = "目标" if p.kind == "target" else "实际"
    measure = "存量/水平" if p.measure == "level" else "变化量"
    return f"{p.year}年 {kind} {measure}：{p.label}"


def _axes(years, top, unit, x, y, x0, x1, y0, small) -> list[str]:
    out = [f'<line class="axis" x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}"/>',
           f'<line class="axis" x1="{x0}" y1="{y(top):.1f}" x2="{x0}" y2="{y0}"/>']
    for i in range(5):
        v = top * i / 4
        out.append(f'<line class="grid" x1="{x0}" y1="{y(v):.1f}" x2="{x1}" y2="{y(v):.1f}"/>')
        out.append(f'<text class="tick" x="{x0 - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
                   f'{escape(format_value(_round(v)))}</text>')
    for yr in years:
        out.append(f'<text class="tick" x="{x(yr):.1f}" y="{y0 + 18}" text-anchor="middle">{yr}</text>')
    if not small:
        out.append(f'<text class="label" x="{x0}" y="{y(top) - 12:.1f}">单位：{escape(unit)}</text>')
        out.append(f'<text class="label" x="{x1}" y="{y0 + 38}" text-anchor="end">年份</text>')
    return out


def _legend(width: int) -> list[str]:
    x = width - 330
    return [f'<g class="legend" transform="translate({x},12)">',
            '<circle class="dot" cx="6" cy="0" r="5"/><text x="15" y="4">水平（实际）</text>',
            '<circle class="dot target" cx="96" cy="0" r="5"/><text x="105" y="4">水平（目标）</text>',
            '<rect class="bar" x="182" y="-6" width="10" height="12"/><text x="196" y="4">变化（实际）</text>',
            '<rect class="bar target" x="262" y="-6" width="10" height="12"/><text x="276" y="4">目标</text>',
            '</g>']


def _nice(v: float) -> float:
    """A round number just above v for the top of the axis."""
    if v <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(v))) - 1)
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _round(v: float) -> float:
    return int(v) if v == int(v) else round(v, 2)
