"""Find the number expressions in cleaned text and keep the claims: an ordered list of named rules."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterator

from . import resources
from .model import Block, CleanText, Mention, Number
from .numbers import read_number, tables, unit_kind
from .segment import tokens

SENTENCE_END = "。！？!?"
CLAUSE_MARKS = "，；：,;:"
FIGURE = 40  # characters: longer than any figure written in digits or numerals


@dataclass(frozen=True)
class Candidate:
    """A number expression found in the text, and why it is not a claim (None if it is one)."""

    number: Number
    block: Block
    sentence: tuple[int, int]
    dropped: str | None = None


@functools.lru_cache(maxsize=None)
def _rules() -> dict:
    d = dict(resources.load("mentions"))
    d["label_after_re"] = re.compile("|".join(f"(?:{p})" for p in d["label_after"]))
    d["label_after_unit_re"] = re.compile("|".join(f"(?:{p})" for p in d["label_after_unit"]))
    return d


# ---------------------------------------------------------------- scanning

def scan(clean: CleanText) -> list[Candidate]:
    """Every number expression in the text, each kept or dropped with a reason."""
    out = []
    for block in clean.blocks:
        for sentence in _sentences(clean.text, block):
            out += _scan_sentence(clean.text, block, sentence)
    return _coordinate(clean.text, out)


def mentions(clean: CleanText) -> list[Mention]:
    """The candidates that are numeric claims."""
    return [Mention(c.number, c.sentence[0], c.sentence[1], c.block) for c in scan(clean) if c.dropped is None]


def _sentences(text: str, block: Block) -> list[tuple[int, int]]:
    spans, start = [], block.start
    for i in range(block.start, block.end):
        if text[i] in SENTENCE_END:
            end = i + 1
            while end < block.end and text[end] in "”’」』）)":
                end += 1
            if end > start:
                spans.append((start, end))
            start = end
    if start < block.end:
        spans.append((start, block.end))
    longest = _rules()["longest_sentence"]
    return [part for s in spans if text[s[0]:s[1]].strip() for part in _bounded(text, *s, longest)]


def _bounded(text: str, start: int, end: int, longest: int) -> list[tuple[int, int]]:
    """A sentence as parts of at most `longest` characters, each cut after its last clause mark or 、 where
    it has one. Real sentences are far shorter; a table read as one sentence is not, and every figure's
    rules look back over its sentence."""
    parts = []
    while end - start > longest:
        cut = max(text.rfind(mark, start, start + longest) for mark in CLAUSE_MARKS + "、") + 1
        cut = cut if cut > start else _before_figure(text, start + longest)
        parts.append((start, cut))
        start = cut
    return parts + [(start, end)]


def _before_figure(text: str, at: int) -> int:
    """at, or the start of the figure that runs across it (if it is not longer than FIGURE)."""
    numeral, i = tables().numeral_chars, at
    while i > at - FIGURE and (text[i - 1].isdigit() or text[i - 1] in numeral or text[i - 1] == "."):
        i -= 1
    return i if i > at - FIGURE else at


def _scan_sentence(text: str, block: Block, sentence: tuple[int, int]) -> list[Candidate]:
    out = []
    for n in _numbers(text, *sentence):
        cand = Candidate(_implied_unit(text, n, sentence), block, sentence)
        out.append(replace(cand, dropped=_first_reason(text, cand)))
    return out


def _numbers(text: str, start: int, end: int) -> Iterator[Number]:
    """The number expressions in text[start:end], in order, none running past end."""
    numeral, bounded, i = tables().numeral_chars, text[:end], start
    while i < end:
        ch = text[i]
        starts = ch.isdigit() or ch in numeral
        if starts and (i == start or not (text[i - 1].isdigit() or text[i - 1] in numeral or text[i - 1] == ".")):
            n = read_number(bounded, i)
            if n is not None:
                yield n
                i = max(n.end, i + 1)
                continue
        i += 1


def _first_reason(text: str, cand: Candidate) -> str | None:
    for name, rule in RULES:
        if rule(text, cand):
            return name
    return None


# ---------------------------------------------------------------- rules, in order

def in_heading(text: str, c: Candidate) -> bool:
    return c.block.kind == "heading"


def touches_latin(text: str, c: Candidate) -> bool:
    """5G, PM10, B2, 3A级, CO2: a figure joined to Latin letters is a code; so is one joined to another
    figure or letter by a mark such as × or + (7×24小时, 1+N)."""
    n = c.number
    before = text[n.start - 1] if n.start > 0 else ""
    after = text[n.num_end] if n.num_end < len(text) else ""
    if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
        return True
    joiners = _rules()["code_joiners"]
    left, right = text[max(0, n.start - 2):max(0, n.start - 1)], text[n.num_end + 1:n.num_end + 2]
    return (before in joiners and _code_char(left)) or (after in joiners and _code_char(right))


def _code_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()  # '' is neither


def ordinal(text: str, c: Candidate) -> bool:
    """第二届, （一）, 二轮: the number ranks, it does not count."""
    n, r = c.number, _rules()
    fig = _figure_text(text, n)
    if any(text.endswith(w, 0, n.start) for w in r["ordinal_before"]):
        return True
    if n.start > 0 and text[n.start - 1] in "（(" and text[n.num_end:n.num_end + 1] in ("）", ")"):
        return True
    return fig in r["ordinal_numerals"] and unit_kind(n.unit) == "classifier"


def date(text: str, c: Candidate) -> bool:
    """2019年, 8月, 22日-24日, 1至9月, and a bare year such as 2019能源革命展."""
    n = c.number
    low = n.value[0] if isinstance(n.value, tuple) else n.value
    year_like = isinstance(low, int) and 1900 <= low <= 2100 and len(_figure_text(text, n).split("-")[0]) == 4
    if n.unit in ("月", "日"):
        return True
    return year_like and n.unit in ("年", "")


def quoted(text: str, c: Candidate) -> bool:
    """“1234”工程, 《…20条》: inside quotation marks a number is a name, unless it is a streak."""
    if unit_kind(c.number.unit) in _rules()["quoted_claim_units"]:
        return False
    start, end = c.sentence
    for pair in _rules()["quote_pairs"]:
        opening, closing = pair[0], pair[1]
        left = text.rfind(opening, start, c.number.start)
        if left < 0 or (opening != closing and text.rfind(closing, left, c.number.start) >= 0):
            continue
        if text.find(closing, c.number.end, end) >= 0:
            return True
    return False


def part_of_name(text: str, c: Candidate) -> bool:
    """三大攻坚战, 十九届二中全会, 2号线, 百万吨死亡率."""
    n, r = c.number, _rules()
    return bool(r["label_after_re"].match(text, n.num_end) or r["label_after_unit_re"].match(text, n.end))


def lone_one(text: str, c: Candidate) -> bool:
    """一批, 一个战场: a lone 一 is an article (but 翻一番, 增长一倍 say how much)."""
    n = c.number
    return n.chinese and _figure_text(text, n) == "一" and unit_kind(n.unit) not in _rules()["lone_one_claim_units"]


def bare_power(text: str, c: Candidate) -> bool:
    """百项工程, 百年目标: a bare 十/百/千/万 names a scale unless it measures money, weight..."""
    n = c.number
    written = _figure_text(text, n)
    fig = written.rstrip("".join(tables().sections))
    over = text.startswith(tuple(tables().over_infix), n.fig_start + len(written))  # 千余个: over a thousand
    return (n.chinese and len(fig) == 1 and fig in tables().powers and not over
            and unit_kind(n.unit) not in _rules()["bare_power_units"])


def not_a_numeral_word(text: str, c: Candidate) -> bool:
    """五台山, 两山: Chinese numerals inside another word (jieba says what the word is)."""
    n = c.number
    if not n.chinese:
        return False
    s0, r = c.sentence[0], _rules()
    for tok in tokens(text[s0:c.sentence[1]]):
        if tok.start <= (n.fig_start - s0) < tok.end:
            kind = unit_kind(n.unit)
            if tok.end == n.end - s0 and kind not in r["idiom_units"] and (
                    tok.start == n.start - s0 or kind in r["word_ending_units"]):
                return False  # 近三成, 翻一番: jieba made one word of the whole expression, or of its verb and it
            if tok.start == n.fig_start - s0 and tok.end < n.num_end - s0:
                return False  # 零点|八: jieba split the figure itself, so its first word is a piece of the number
            starts = (n.fig_start - s0, n.start - s0, _after_lead(text, n) - s0)
            return tok.start not in starts or tok.pos not in r["numeral_pos"]
    return True


def _after_lead(text: str, n: Number) -> int:
    """Where the expression's numerals start, after a qualifier or sign written before them (近|三分之一)."""
    t, i = tables(), n.start
    i += next((len(w) for w, _ in t.before if text.startswith(w, i, n.fig_start)), 0)
    return i + 1 if i < n.fig_start and text[i] in t.minus + t.minus_words else i


def per_base(text: str, c: Candidate) -> bool:
    """每百元营业收入中的成本为78.2元: the figure after 每 is what a rate is per."""
    return any(text.endswith(w, 0, c.number.start) for w in _rules()["per_words"])


def scopes_a_time(text: str, c: Candidate) -> bool:
    """两年平均增长5.2%, 三年来: a span of time that another figure is measured over."""
    return unit_kind(c.number.unit) == "time" and text.startswith(tuple(_rules()["time_scope_after"]), c.number.end)


def describes_a_noun(text: str, c: Candidate) -> bool:
    """60岁以上老人, 5000万元以上项目120个: a figure before the noun it qualifies says which ones (an
    age; or a threshold, when another figure of the clause then counts them)."""
    n, r = c.number, _rules()
    if unit_kind(n.unit) in r["attribute_units"]:
        return _noun_at(text, n.end, c.sentence[1])
    if any(text.endswith(w, 0, n.end) for w in r["threshold_after"]) and _noun_at(text, n.end, c.sentence[1]):
        stop = min([c.sentence[1]] + [k for k in (text.find(p, n.end, c.sentence[1]) for p in CLAUSE_MARKS) if k >= 0])
        return any(not _unmeasured(text, later) for later in _numbers(text, n.end, stop))
    return False


def no_unit(text: str, c: Candidate) -> bool:
    """A figure with neither unit nor 万/亿 is not a measured amount."""
    return _unmeasured(text, c.number)


RULES: list[tuple[str, Callable[[str, Candidate], bool]]] = [
    ("heading", in_heading),
    ("code", touches_latin),
    ("ordinal", ordinal),
    ("date", date),
    ("quoted name", quoted),
    ("name", part_of_name),
    ("article", lone_one),
    ("scale word", bare_power),
    ("inside a word", not_a_numeral_word),
    ("per", per_base),
    ("time span", scopes_a_time),
    ("describes a noun", describes_a_noun),
    ("no unit", no_unit),
]


# ---------------------------------------------------------------- helpers

def _figure_text(text: str, n: Number) -> str:
    """The figure as written, without qualifiers, multiplier or unit."""
    i = n.fig_start
    j = i
    while j < n.num_end and (text[j].isdigit() or text[j] in tables().numeral_chars + tables().point + ".-"):
        j += 1
    return text[i:j]


def _unmeasured(text: str, n: Number) -> bool:
    return n.unit == "" and not any(ch in tables().sections for ch in text[n.fig_start:n.num_end])


def _noun_at(text: str, pos: int, end: int) -> bool:
    """Whether a noun (or 的 and a noun) starts at text[pos]."""
    toks = tokens(text[pos:min(end, pos + 8)])
    if toks and toks[0].word == "的":
        toks = toks[1:]
    return bool(toks) and toks[0].pos.startswith(tuple(_rules()["noun_pos"]))


def _implied_unit(text: str, n: Number, sentence: tuple[int, int]) -> Number:
    """12万贫困人口: a count of people with no unit written is in 人."""
    if n.unit:
        return n
    r = _rules()
    after = tokens(text[n.end:min(sentence[1], n.end + r["implied_unit_window"])])
    clause_start = max([sentence[0]] + [text.rfind(p, sentence[0], n.start) + 1 for p in CLAUSE_MARKS])
    before = reversed(tokens(text[clause_start:n.start]))
    for toks in (after, before):
        for tok in toks:
            if tok.pos.startswith("x"):
                break
            if any(tok.word.endswith(p) for p in r["people_nouns"]):
                return replace(n, unit="人")
    return n


def _coordinate(text: str, cands: list[Candidate]) -> list[Candidate]:
    """1个和2个百分点, 超过90%和85%: coordinated figures share a unit and a qualifier."""
    out = list(cands)
    joiners = _rules()["coordinators"]
    for k in range(len(out) - 2, -1, -1):
        a, b = out[k], out[k + 1]
        if a.sentence != b.sentence or text[a.number.end:b.number.start] not in joiners:
            continue
        na, nb = a.number, b.number
        if na.unit and nb.unit != na.unit and nb.unit.startswith(na.unit):
            na = replace(na, unit=nb.unit)
        elif nb.unit.endswith("百分点") and na.unit == "个":
            na = replace(na, unit="百分点")
        if nb.approx == "exact" and na.approx != "exact" and nb.unit == na.unit and na.start < na.fig_start:
            nb = replace(nb, approx=na.approx)
        out[k], out[k + 1] = replace(a, number=na), replace(b, number=nb)
    return out
