"""Series charts as SVG drawn at build time: axes, labels, units; levels, changes and targets told apart."""
from __future__ import annotations

import bisect
import math
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
    period: str = ""  # when it is more or less than the year: 2023年上半年, 2019—2023年


@dataclass(frozen=True)
class Frame:
    """Where a chart puts its axes and points: the same for the chart and for a marker drawn over it."""

    width: int
    height: int
    years: tuple[int, ...]
    top: float
    bottom: float = 0.0  # below zero when a value is
    steps: int = 4  # grid lines from bottom to top, zero on one of them

    @property
    def band(self) -> float:
        return (self.width - RIGHT - LEFT) / max(len(self.years), 1)

    def x(self, year: int) -> float:
        n = len(self.years)
        return LEFT + (self.width - RIGHT - LEFT) * (0.5 if n == 1 else (bisect.bisect_left(self.years, year) + 0.5) / n)

    def y(self, v: float) -> float:
        y0, span = self.height - BOTTOM, self.top - self.bottom
        return y0 - (y0 - TOP) * ((v - self.bottom) / span if span else 0)

    def ticks(self) -> list[float]:
        return [self.bottom + (self.top - self.bottom) * i / self.steps for i in range(self.steps + 1)]


def frame(points: list[Point], small: bool = False) -> Frame:
    width, height = (320, 150) if small else (WIDTH, HEIGHT)
    return Frame(width, height, tuple(sorted({p.year for p in points})), *_value_axis([p.value for p in points]))


def _value_axis(values: list[float]) -> tuple[float, float, int]:
    """The top and bottom of the value axis and its steps: zero and the values inside, in steps of a
    quarter of the round number just above the larger side."""
    high, low = max(max(values), 0), min(min(values), 0)
    if low == 0:
        return _nice(high), 0.0, 4
    step = _nice(max(high, -low)) / 4
    up, down = math.ceil(high / step), math.ceil(-low / step)
    return step * up, -step * down, up + down


def _bars(points: list[Point], f: Frame) -> list[tuple[Point, float, float, float, float]]:
    """Each change as a bar (x, y, width, height) from zero; bars of one year side by side."""
    zero, band = f.y(0), f.band
    out = []
    for i, p in enumerate([p for p in points if p.measure == "change"]):
        offset = (i % 2) * band * 0.18 - band * 0.09
        y = f.y(p.value)
        out.append((p, f.x(p.year) + offset - band * 0.12, min(y, zero), band * 0.24, abs(zero - y)))
    return out


def chart(key: str, title: str, unit: str, points: list[Point], small: bool = False) -> Markup:
    """An SVG chart of a series: levels as a line of dots, changes as bars, targets hollow and dashed."""
    points = [p for p in points if p.value is not None]
    if not points:
        return Markup("")
    f = frame(points, small)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {f.width} {f.height}" '
             f'role="group" aria-labelledby="chart-{escape(key)}">',
             f'<title id="chart-{escape(key)}">{escape(title)}（单位：{escape(unit)}）</title>']
    parts += _axes(f, unit, small)
    for p, bx, by, bw, bh in _bars(points, f):
        cls = "bar target" if p.kind == "target" else "bar"
        parts.append(f'<a href="{escape(p.href)}"><rect class="{cls}" '
                     f'x="{bx:.1f}" y="{by:.1f}" width="{bw:.1f}" height="{bh:.1f}">'
                     f'<title>{escape(_tip(p, unit))}</title></rect></a>')
    levels = sorted([p for p in points if p.measure == "level" and p.kind == "actual"], key=lambda p: p.year)
    if len(levels) > 1:
        path = " ".join(f"{'M' if i == 0 else 'L'}{f.x(p.year):.1f},{f.y(p.value):.1f}" for i, p in enumerate(levels))
        parts.append(f'<path class="line" d="{path}"/>')
    for p in [p for p in points if p.measure == "level"]:
        cls = "dot target" if p.kind == "target" else "dot"
        parts.append(f'<a href="{escape(p.href)}"><circle class="{cls}" '
                     f'cx="{f.x(p.year):.1f}" cy="{f.y(p.value):.1f}" r="5">'
                     f'<title>{escape(_tip(p, unit))}</title></circle></a>')
    if not small:
        parts += _legend(f.width)
    parts.append("</svg>")
    return Markup("".join(parts))


STYLE = ("<style>.axis{stroke:#333}.grid{stroke:#e6e6ea}.tick,.label,.legend text{font-size:11px;fill:#333;"
         "font-family:sans-serif}.line{fill:none;stroke:#0b57a3;stroke-width:2}.dot{fill:#0b57a3;stroke:#fff;"
         "stroke-width:1.5}.dot.target{fill:#fff;stroke:#0b57a3;stroke-width:2;stroke-dasharray:3 2}"
         ".bar{fill:#7aa7d6}.bar.target{fill:#fff;stroke:#7aa7d6;stroke-width:2;stroke-dasharray:4 2}</style>")


def standalone(svg: Markup) -> bytes:
    """A chart as an SVG file of its own, styled inside (pages show it with <img>, which caches it once)."""
    if not svg:
        return b""
    head, rest = str(svg).split(">", 1)
    return (head + ">" + STYLE + rest + "\n").encode("utf-8")


def markers(points: list[Point]) -> dict[str, Markup]:
    """For each claim in a chart, a transparent layer the size of the chart with a ring around its point."""
    points = [p for p in points if p.value is not None]
    if not points:
        return {}
    f = frame(points)
    shapes = {p.claim: f'<rect x="{bx - 3:.1f}" y="{by - 3:.1f}" width="{bw + 6:.1f}" height="{bh + 6:.1f}"/>'
              for p, bx, by, bw, bh in _bars(points, f)}
    for p in points:
        if p.measure == "level":
            shapes[p.claim] = f'<circle cx="{f.x(p.year):.1f}" cy="{f.y(p.value):.1f}" r="9"/>'
    return {claim: Markup(f'<svg class="marker" viewBox="0 0 {f.width} {f.height}" aria-hidden="true" '
                          f'focusable="false">{shape}</svg>') for claim, shape in shapes.items() if claim}


def _tip(p: Point, unit: str) -> str:
    kind = "目标" if p.kind == "target" else "实际"
    measure = "存量/水平" if p.measure == "level" else "变化量"
    return f"{p.period or f'{p.year}年'} {kind} {measure}：{p.label}"


def _axes(f: Frame, unit: str, small: bool) -> list[str]:
    x0, x1, y0 = LEFT, f.width - RIGHT, f.height - BOTTOM
    zero = f"{f.y(0):.1f}" if f.bottom else y0  # the axis the bars stand on
    out = [f'<line class="axis" x1="{x0}" y1="{zero}" x2="{x1}" y2="{zero}"/>',
           f'<line class="axis" x1="{x0}" y1="{f.y(f.top):.1f}" x2="{x0}" y2="{y0}"/>']
    for v in f.ticks():
        out.append(f'<line class="grid" x1="{x0}" y1="{f.y(v):.1f}" x2="{x1}" y2="{f.y(v):.1f}"/>')
        out.append(f'<text class="tick" x="{x0 - 6}" y="{f.y(v) + 4:.1f}" text-anchor="end">'
                   f'{escape(format_value(_round(v)))}</text>')
    for yr in f.years:
        out.append(f'<text class="tick" x="{f.x(yr):.1f}" y="{y0 + 18}" text-anchor="middle">{yr}</text>')
    if not small:
        out.append(f'<text class="label" x="{x0}" y="{f.y(f.top) - 12:.1f}">单位：{escape(unit)}</text>')
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
