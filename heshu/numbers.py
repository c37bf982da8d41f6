"""Read one number expression at a position: 4万人, 约 640 个, 3-5 个, 千亿元, 十连涨, 45%."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from . import resources
from .model import Number, Value

ARABIC = re.compile(r"\d+(?:\.\d+)?")
FRACTION = "/"  # the unit of a share out of a denominator with no sign of its own: 2/3, 12/10万
LARGEST = 1e100  # above any figure a report states; the sums and products of two figures below it,
# and the axis of a chart over them, stay within a float


@dataclass(frozen=True)
class Tables:
    digits: dict
    powers: dict
    sections: dict
    multipliers: dict
    range_marks: tuple
    over_infix: tuple
    fraction_mark: str  # 分之
    fraction_signs: dict  # 100 → %
    point: str  # 点, the decimal point in words
    minus: tuple  # signs before a figure that make it negative
    minus_words: tuple  # words that do so, for units of minus_word_kinds only
    minus_word_kinds: tuple
    units: tuple  # longest first
    unit_kind: dict
    canonical: dict
    before: tuple  # (word, approx), longest first
    after: tuple

    @functools.cached_property
    def numeral_chars(self) -> str:
        return "".join([*self.digits, *self.powers, *self.sections])


@functools.lru_cache(maxsize=None)
def tables() -> Tables:
    """The reader's tables, from heshu/data/numbers.yaml."""
    d = resources.load("numbers")
    unit_kind = {u: kind for kind, words in d["units"].items() for u in words}
    unit_kind[FRACTION] = d["fraction_kind"]
    quals = d["qualifiers"]

    def ordered(side: str) -> tuple:
        pairs = [(w, a) for a, words in quals[side].items() for w in words]
        return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))

    return Tables(d["chinese_digits"], d["chinese_powers"], d["chinese_sections"], d["multipliers"],
                  tuple(d["range_marks"]), tuple(d["over_infix"]), d["fraction_mark"], d["fraction_signs"],
                  d["chinese_point"], tuple(d["minus_signs"]),
                  tuple(d["minus_words"]), tuple(d["minus_word_kinds"]),
                  tuple(resources.longest_first(list(unit_kind))), unit_kind, d["unit_canonical"],
                  ordered("before"), ordered("after"))


def read_number(text: str, pos: int) -> Number | None:
    """The number expression that starts at text[pos], or None if none starts there.

    Reads a figure (Arabic or Chinese, with 万/亿 multipliers), an optional
    second figure of a range, the unit, and qualifiers on either side.
    """
    t = tables()
    fig_start, share = _fraction(text, pos) or (pos, "")
    first = _figure(text, fig_start)
    if first is None:
        return None
    value, end, chinese, over, factor = first
    unit, after_unit = (share, end) if share else _unit(text, end)
    second = _range_end(text, after_unit if unit else end, unit, chinese)
    if second:
        low = _plain(Decimal(str(value)) * second[5]) if factor == 1 and not unit else value  # 2~3亿元: both 亿
        if low <= second[0]:  # a range reads low to high: 六～五年 is no range
            value, unit, after_unit, over, end = (low, second[0]), second[1], second[2], over or second[3], second[4]
    approx, stop = _after_qualifier(text, after_unit if unit else end)
    if over and approx == "exact":
        approx = "over"
    start = pos
    if not isinstance(value, tuple) and _minus_at(text, pos - 1, unit):
        value, start = -value, pos - 1
    before_approx, start = _before_qualifier(text, start)
    if approx == "exact":
        approx = before_approx
    return Number(start, stop, value, t.canonical.get(unit, unit), approx, chinese, fig_start, end)


def unit_kind(unit: str) -> str:
    """The kind of a unit (percent, money, classifier, time ...), '' for none."""
    t = tables()
    if unit.startswith(FRACTION):
        return t.unit_kind[FRACTION]
    return t.unit_kind.get(unit) or t.unit_kind.get(next((k for k, v in t.canonical.items() if v == unit), ""), "")


def _fraction(text: str, pos: int) -> tuple[int, str] | None:
    """(where the figure starts, its unit) for a denominator in words at pos: 三分之 → /3, 百分之 → %."""
    t = tables()
    run = _chinese_run(text, pos)
    if not run or not text.startswith(t.fraction_mark, pos + len(run)):
        return None
    base = _chinese_value(run) or t.sections.get(run)  # 万分之: a section word alone is its value
    if not base:
        return None
    return pos + len(run) + len(t.fraction_mark), t.fraction_signs.get(int(base)) or FRACTION + _short(base)


# ---------------------------------------------------------------- figures

def _figure(text: str, pos: int) -> tuple[Value, int, bool, bool, Decimal] | None:
    """(value, end, chinese, over, multiplier) for a figure with its multipliers at pos."""
    t = tables()
    m = ARABIC.match(text, pos)
    if m:
        base, end, chinese = Decimal(m.group()), m.end(), False
    else:
        run = _chinese_run(text, pos)
        if not run:
            return None
        base = _chinese_value(run)
        if base is None and run in t.sections and _over_then_unit(text, pos + 1):  # 万余人次: over ten thousand
            base = Decimal(t.sections[run])
        if base is None:
            return None
        end, chinese = pos + len(run), True
        base, end = _chinese_decimals(text, end, base, run)
    over = False
    if end < len(text) and text[end] in t.over_infix and _multiplier_at(text, end + 1):
        over, end = True, end + 1
    factor = Decimal(1)
    while end < len(text) and _multiplier_at(text, end) and not (chinese and text[end] in t.powers):
        factor *= t.multipliers[text[end]]
        end += 1
    if _over_then_unit(text, end):
        over, end = True, end + 1
    if base * factor > LARGEST:  # a run of digits or 亿 that is no figure
        return None
    return _plain(base * factor), end, chinese, over, factor


def _over_then_unit(text: str, i: int) -> bool:
    """多 or 余 at i, then a unit (5万多台, 10余个)."""
    return i < len(text) and text[i] in tables().over_infix and bool(_unit_at(text, i + 1))


def _multiplier_at(text: str, i: int) -> bool:
    return i < len(text) and text[i] in tables().multipliers and not _unit_at(text, i)


def _chinese_run(text: str, pos: int) -> str:
    chars = tables().numeral_chars
    end = pos
    while end < len(text) and text[end] in chars:
        end += 1
    run = text[pos:end]
    # a section word at the end is a multiplier, read by the caller (千亿 = 千 × 亿)
    while run and run[-1] in tables().sections and len(run) > 1 and _chinese_value(run) is None:
        run = run[:-1]
    return run


def _chinese_value(run: str) -> Decimal | None:
    """The value of a Chinese numeral, or None if it is not a well-formed one (十三五)."""
    t = tables()
    if len(run) > 1 and all(c in t.digits for c in run):  # 二〇一九, digit by digit
        return Decimal("".join(str(t.digits[c]) for c in run)) if "两" not in run else None
    total, section, digit, last_power = 0, 0, None, 10 ** 9
    for c in run:
        if c in t.digits:
            if digit is not None and not (digit == 0 or t.digits[c] == 0):
                return None
            digit = t.digits[c] if t.digits[c] else (digit if digit is not None else 0)
        elif c in t.powers:
            p = t.powers[c]
            if p >= last_power:
                return None
            section += (digit if digit is not None else 1) * p
            digit, last_power = None, p
        else:  # 万 or 亿
            unit = t.sections[c]
            if section == 0 and digit is None and total == 0:
                return None
            total = (total + section + (digit or 0)) * unit
            section, digit, last_power = 0, None, 10 ** 9
    return Decimal(total + section + (digit or 0))


def _chinese_decimals(text: str, end: int, base: Decimal, run: str) -> tuple[Decimal, int]:
    """十一点二: the digits after a point in words, added to the figure before it (none after 万, 亿)."""
    t = tables()
    j = end + len(t.point)
    if not text.startswith(t.point, end) or run[-1] in t.sections:
        return base, end
    k = j
    while k < len(text) and text[k] in t.digits and text[k] != "两":
        k += 1
    if k == j:
        return base, end
    return base + Decimal("0." + "".join(str(t.digits[c]) for c in text[j:k])), k


def _plain(v: Decimal) -> int | float:
    v = v.normalize()
    return int(v) if v == v.to_integral_value() else float(v)


# ---------------------------------------------------------------- units, ranges, qualifiers

def _unit_at(text: str, i: int) -> str:
    return next((u for u in tables().units if text.startswith(u, i)), "")


def _unit(text: str, i: int) -> tuple[str, int]:
    u = _unit_at(text, i)
    return u, i + len(u)


def _range_end(text: str, i: int, unit: str, chinese: bool):
    """The second figure of a range (3-5个, 10%-15%, 三至五年), or None."""
    t = tables()
    if i >= len(text) or text[i] not in t.range_marks:
        return None
    j = i + 1
    if chinese != (ARABIC.match(text, j) is None):
        return None
    second = _figure(text, j)
    if second is None:
        return None
    value, end, _, over, factor = second
    if text.startswith(t.fraction_mark, end):  # 五分之一到三分之一: two shares, not one range
        return None
    unit2, after = _unit(text, end)
    if unit and unit2 and unit2 != unit:
        return None
    return value, unit2 or unit, after if unit2 else end, over, end, factor


def _after_qualifier(text: str, i: int) -> tuple[str, int]:
    for word, approx in tables().after:
        if text.startswith(word, i):
            return approx, i + len(word)
    return "exact", i


def _minus_at(text: str, i: int, unit: str) -> bool:
    """A minus sign at i (增长-2.1%), not the mark of a range (1-2月) or part of a code (COVID-19)."""
    t = tables()
    if i < 0 or text[i] not in t.minus and (text[i] not in t.minus_words or unit_kind(unit) not in t.minus_word_kinds):
        return False
    before = text[i - 1] if i > 0 else ""
    return not (before.isalnum() and (before.isascii() or before in t.numeral_chars))


def _before_qualifier(text: str, pos: int) -> tuple[str, int]:
    for word, approx in tables().before:
        if text.endswith(word, 0, pos):
            return approx, pos - len(word)
    return "exact", pos


def format_value(value: Value, unit: str = "") -> str:
    """A value written the way the reports write it: 120000 人 → 12万人, (3, 5) 个 → 3-5个."""
    if isinstance(value, (tuple, list)):
        return f"{_short(value[0])}-{_short(value[1])}{unit}"
    return f"{_short(value)}{unit}"


def _short(v: float) -> str:
    for size, word in ((10 ** 12, "万亿"), (10 ** 8, "亿"), (10 ** 4, "万")):
        if abs(v) >= size:
            return f"{_plain(Decimal(str(v)) / size)}{word}"
    return str(_plain(Decimal(str(v))))
