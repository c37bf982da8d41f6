"""Mentions to claims: each figure with its id, year, period, kind, measure and subject."""
from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace

from . import resources
from .mentions import CLAUSE_MARKS as _MENTION_CLAUSE_MARKS, mentions
from .model import YEARS, Claim, Mention, Source
from .numbers import read_number, tables, unit_kind
from .segment import Token, tokens

CLAUSE_MARKS = _MENTION_CLAUSE_MARKS + "。！？"  # within a sentence, and its end


def _cues() -> dict:
    return resources.load("extract")


@dataclass(frozen=True)
class TimeRef:
    """A time expression in a sentence: 截至2018年底, 今年上半年, 2018年以来."""

    start: int
    end: int
    year: int | None
    period: str
    since: bool  # 2018年以来: it opens a period, it does not date a figure


def extract(source: Source) -> list[Claim]:
    """Every numeric claim of a report, in text order."""
    found = mentions(source.clean)
    text = source.clean.text
    sections = _sections(source)
    seen: Counter = Counter()
    claims, previous, outside, was_aside = [], None, None, False
    for m in found:
        quote = text[m.sentence_start:m.sentence_end]
        written = text[m.number.start:m.number.end]
        seen[(quote, written)] += 1
        aside = _in_aside(text, m)
        if was_aside and not aside:
            previous = outside  # …万辆（包括…万辆），比上年末增加…: the aside is not what comes next
        claim = _claim(source, m, sections.get(m.block.start, (None, "", None)), previous, seen[(quote, written)])
        claims.append(claim)
        previous, was_aside = (m, claim), aside
        outside = outside if aside else previous
    return respective_figures(split_respectively(claims))


def _in_aside(text: str, m: Mention) -> bool:
    """The figure is inside brackets in its sentence."""
    before = text[m.sentence_start:m.number.start]
    return any(before.rfind(o) > before.rfind(c) for o, c in _cues()["asides"])


def claim_id(doc: str, quote: str, written: str, nth: int) -> str:
    """A stable id from the document, the sentence and the figure as written (and which occurrence)."""
    digest = hashlib.sha1(f"{quote}\x1f{written}\x1f{nth}".encode("utf-8")).hexdigest()[:8]
    return f"{doc}-{digest}"


def _claim(source: Source, m: Mention, section: tuple, previous, nth: int) -> Claim:
    text, n = source.clean.text, m.number
    quote = text[m.sentence_start:m.sentence_end]
    written = text[n.start:n.end]
    measure = _measure(text, m, previous)
    plan = section[2] if section[2] and _over_years(text, m, measure) else None
    year, period = _year(source, m, section[0], plan)
    return Claim(
        id=claim_id(source.doc.id, quote, written, nth),
        doc=source.doc.id,
        text=written,
        quote=quote,
        offset=source.clean.offsets[n.start],
        line=source.line_of(n.start),
        value=list(n.value) if isinstance(n.value, tuple) else n.value,
        unit=n.unit,
        approx=n.approx,
        year=year,
        period=period,
        kind=_kind(source, m, year, section[1]),
        measure=measure,
        subject=_subject(text, m, previous),
    )


# ---------------------------------------------------------------- sections

def _sections(source: Source) -> dict[int, tuple[int | None, str, tuple[int, int] | None]]:
    """For each block: the year, the plan/review sense and the span of years (a five-year plan, 过去五年) of
    the latest heading that states them."""
    c = _cues()
    text, year, sense, plan, out = source.clean.text, None, "", None, {}
    for block in source.clean.blocks:
        if block.kind == "heading":
            h = text[block.start:block.end]
            found = _year_pattern().search(h)
            relative = next((off for w, off in c["heading_years"].items() if w in h), None)
            named = _plan_years(list(_plan_pattern().finditer(h)))
            if found:
                year, plan = _year_number(found.group(1)), None
            elif named:  # “十四五”时期主要目标: the plan's figures are of its years, dated to its last
                year, plan = named[1], named
            elif relative is not None:  # 过去五年工作回顾: what the report looks back on ends last year
                year = source.doc.year + relative
                plan = next(iter(_spans(h, 0, len(h), year)), None)
            if any(w in h for w in c["plan_headings"]):
                sense = "plan"
            elif any(w in h for w in c["review_headings"]):
                sense = "review"
        out[block.start] = (year, sense, plan)
    return out


# ---------------------------------------------------------------- year and period

def time_refs(text: str, start: int, end: int, ref_year: int) -> list[TimeRef]:
    """The time expressions in text[start:end], relative ones resolved against ref_year."""
    c = _cues()
    pattern, tail_re = _time_patterns()
    out = []
    for m in pattern.finditer(text, start, end):
        if m.group(3):
            out.append(TimeRef(m.start(), m.end(), None, m.group(3), False))
            continue
        year = _year_number(m.group(1)) if m.group(1) else ref_year + c["relative_years"][m.group(2)]
        stop = tail_re.match(text, m.end(), end).end()
        rest = re.split(f"[{CLAUSE_MARKS}]", text[stop:end], maxsplit=1)[0]
        since = any(rest.endswith(w) for w in c["since_words"])
        out.append(TimeRef(m.start(), stop, year, f"{year}年" + text[m.end():stop], since))
    return out


@functools.lru_cache(maxsize=1)
def _time_patterns() -> tuple[re.Pattern, re.Pattern]:
    """A year or relative year (or an undated period), and the month or part of year after it."""
    c = _cues()
    periods = "|".join(sorted(c["period_words"], key=len, reverse=True))
    rel = "|".join(c["relative_years"])
    undated = "|".join(sorted(c["undated_periods"], key=len, reverse=True))
    return (re.compile(rf"{_year_pattern().pattern}|({rel})|({undated})"),
            re.compile(rf"({_months_pattern().pattern}|{periods})?"))


@functools.lru_cache(maxsize=1)
def _months_pattern() -> re.Pattern:
    """A month or a span of months: 8月底, 1—11月."""
    marks = re.escape("".join(tables().range_marks))
    return re.compile(rf"\d{{1,2}}(?:[{marks}]\d{{1,2}})?月(?:底|末|份)?")


@functools.lru_cache(maxsize=1)
def _year_pattern() -> re.Pattern:
    """A year: 2019年, or 二〇一九年 written digit by digit (its first two digits 19 or 20, as in figures)."""
    digits = {d: v for d, v in tables().digits.items() if d != "两"}

    def of(*values: int) -> str:
        return "".join(d for d, v in digits.items() if v in values)
    return re.compile(rf"((?:19|20)\d{{2}}|(?:[{of(1)}][{of(9)}]|[{of(2)}][{of(0)}])[{of(*range(10))}]{{2}})年")


def _year_number(written: str) -> int:
    """2019, or 二〇一九 written digit by digit."""
    digits = tables().digits
    return int("".join(str(digits.get(ch, ch)) for ch in written))


def _year(source: Source, m: Mention, section_year: int | None,
          section_plan: tuple[int, int] | None) -> tuple[int | None, str]:
    text, n = source.clean.text, m.number
    refs = [r for r in time_refs(text, m.sentence_start, n.start, source.doc.year)
            if r.end <= n.start and not _baseline(text, r)]
    from_ref = None
    for ref in reversed(refs):
        if ref.since:
            continue
        if _closed_from_phrase(text, ref, n.start):
            if _in_from_phrase(text, m):  # 由2015年的50万…，贫困村由640个: parallel "from" parts
                return ref.year, ref.period
            from_ref = from_ref or ref
            continue
        if _running_total(text, m, ref):
            break
        return ref.year, ref.period
    if from_ref and _in_from_phrase(text, m):
        return from_ref.year, from_ref.period
    since = next((r for r in reversed(refs) if r.since), None)
    if since:
        return source.doc.year, f"{since.year}年以来"
    plan = _five_year_plan(text, m)
    if plan:
        return plan[1], _years(*plan)
    year = section_year or source.doc.year  # a running total too: to the date the section reports on
    own = _part_of_year(text, m, year) or _span_of_years(text, m, year) or _sentence_part(text, m, year)
    if not own and section_plan:
        return section_plan[1], _years(*section_plan)
    return year, own or _average_period(text, m, year)


def _five_year_plan(text: str, m: Mention) -> tuple[int, int] | None:
    """“十三五”期间…年均增长7% → (2016, 2020): the years of the five-year plan a figure's sentence names."""
    return _plan_years(list(_plan_pattern().finditer(text, m.sentence_start, m.number.start)))


def _over_years(text: str, m: Mention, measure: str) -> bool:
    """Under a five-year plan's heading, a change (增长, 新增) or a running total (累计) is of the plan's
    years; a level (达到70%) is of its last year."""
    return measure == "change" or _running_total_cue(text[_clause_start(text, m):m.number.start])


def _running_total_cue(seg: str) -> bool:
    """累计建成, 共解决: a word of seg says the figure is a running total (not 共 inside 公共)."""
    return any(t.word in _cues()["cumulative_cues"] for t in tokens(seg))


def _plan_years(found: list[re.Match]) -> tuple[int, int] | None:
    """The first and last year of the last five-year plan named (None if none)."""
    if not found:
        return None
    p = _cues()["five_year_plans"]
    number = 10 + (tables().digits[found[-1].group(1)] if found[-1].group(1) else 0)
    first = p["first_year"] + 5 * (number - p["first_number"])
    return (first, first + 4) if number >= p["first_number"] else None


@functools.lru_cache(maxsize=1)
def _plan_pattern() -> re.Pattern:
    p = _cues()["five_year_plans"]
    digits = "".join(d for d in tables().digits if tables().digits[d] > 0 and d != "两")
    after = "|".join(map(re.escape, p["after"]))
    return re.compile(rf"[“\"‘']?十([{digits}])?五[”\"’']?(?:{after})")


def _span_of_years(text: str, m: Mention, year: int) -> str:
    """过去五年…年均增长6.1% → 2019—2023年: the years its sentence says a figure covers ('' if none)."""
    spans = _spans(text, m.sentence_start, m.number.start, year)
    return _years(*spans[-1]) if spans else ""


def _spans(text: str, start: int, end: int, year: int) -> list[tuple[int, int]]:
    """The first and last years of each span of years (过去五年, 五年来) written in text[start:end]."""
    return [y for y in (_span_years(s, year) for s in _span_pattern().finditer(text, start, end)) if y]


def _average_period(text: str, m: Mention, year: int) -> str:
    """年均增长8%, its span not written: a period that is never taken for one year's ('' for no average)."""
    c = _cues()
    clause = text[_clause_start(text, m):m.number.start]
    return c["average_period"].format(year=year) if any(w in clause for w in c["average_words"]) else ""


def _span_years(span: re.Match, year: int) -> tuple[int, int] | None:
    """过去五年, 五年来 → the five years to year; None for a match that is not a span of years."""
    if not _is_span(span):
        return None
    n = read_number(span.string, span.start(2))
    if n is None or not isinstance(n.value, int) or n.value <= 1 or year - n.value + 1 not in YEARS:
        return None
    return year - n.value + 1, year


def _years(first: int, last: int) -> str:
    """The period of a figure of several years: 2019—2023年."""
    return f"{first}—{last}年"


def _is_span(match: re.Match) -> bool:
    return bool(match.group(1) or match.group(3))  # 过去五年, 五年来; not 五年 alone


def _time_opening(seg: str) -> int:
    """How long the part of a year, span of years or five-year plan that opens seg is (0 if none)."""
    span, plan = _span_pattern().match(seg), _plan_pattern().match(seg)
    if plan:
        return plan.end()
    return span.end() if span and _is_span(span) else len(_part_at(seg, 0))


@functools.lru_cache(maxsize=1)
def _span_pattern() -> re.Pattern:
    c, t = _cues(), tables()
    before, after = ("|".join(map(re.escape, resources.longest_first(c[k]))) for k in ("span_before", "span_after"))
    return re.compile(rf"({before})?([0-9{t.numeral_chars}]+)年({after})?")


def _part_of_year(text: str, m: Mention, year: int) -> str:
    """一季度力争增长4.5%: a part of the year that opens the figure's clause, with no year of its own, is of
    the year the figure is dated to ('' if none)."""
    word = _part_at(text, _clause_start(text, m))
    return f"{year}年{word}" if word else ""


def _sentence_part(text: str, m: Mention, year: int) -> str:
    """上半年，…增长3.1%，…增长5%: a part of the year that is the sentence's first clause scopes the clauses
    after it, but for one of the whole year (…，全年增长6%) ('' if none)."""
    start = _clause_start(text, m)
    first = re.split(f"[{CLAUSE_MARKS}]", text[m.sentence_start:start], maxsplit=1)
    if len(first) < 2 or not first[0] or _part_at(first[0], 0) != first[0]:
        return ""
    whole = any(text.startswith(w, start) for w in _cues()["whole_year_words"])
    return "" if whole else f"{year}年{first[0]}"


def _part_at(text: str, pos: int) -> str:
    """The part of a year written at text[pos] (前三季度, 1—11月), or ''."""
    months = _months_pattern().match(text, pos)
    if months:
        return months.group()
    return next((w for w in _parts_of_year() if text.startswith(w, pos)), "")


@functools.lru_cache(maxsize=1)
def _parts_of_year() -> tuple[str, ...]:
    return tuple(w for w in _cues()["period_words"] if len(w) > 1)  # 底, 末, 初 alone are parts of other words


def _baseline(text: str, ref: TimeRef) -> bool:
    """比上年, 较2020年, 是2018年的2.3倍: the time a figure is compared with, which does not date it."""
    c = _cues()
    if any(text.endswith(w, 0, ref.start) for w in c["baseline_words"]):
        return True
    of = c["multiple_of"]
    return (any(text.endswith(w, 0, ref.start) for w in of["before"]) and text.startswith(of["after"], ref.end)
            and read_number(text, ref.end + len(of["after"])) is not None)


def _without_baselines(text: str, start: int, end: int, ref_year: int) -> str:
    """text[start:end] without the times its figures are compared with."""
    pieces, at = [], start
    for ref in time_refs(text, start, end, ref_year):
        if _baseline(text, ref):
            pieces.append(text[at:ref.start])
            at = ref.end
    return "".join(pieces) + text[at:end]


def _running_total(text: str, m: Mention, ref: TimeRef) -> bool:
    """累计发放…120亿元 after a year that dates another clause: a total to the date the section reports on."""
    c = _cues()
    clause = text[_clause_start(text, m):m.number.start]
    if not any(w in clause for w in c["running_total_cues"]):
        return False
    dated_end = any(text.endswith(w, 0, ref.start) for w in c["until_words"])
    return not dated_end and ref.start < _clause_start(text, m)


def _compared_at(text: str, start: int, end: int) -> int:
    """Where what a figure is compared with begins in text[start:end] (低于年初预期目标…个百分点), else end."""
    at = max(text.rfind(w, start, end) for w in _cues()["comparison_words"])
    return at if at >= 0 else end


def _closed_from_phrase(text: str, ref: TimeRef, pos: int) -> bool:
    """由2015年…的50万减少到8万: the year of the "from" part does not date what follows 到."""
    c = _cues()
    opener = text[max(0, ref.start - 2):ref.start]
    return any(w in opener for w in c["from_words"]) and any(w in text[ref.end:pos] for w in c["to_words"])


def _in_from_phrase(text: str, m: Mention) -> bool:
    c = _cues()
    before = text[max(m.sentence_start, m.number.start - 3):m.number.start]
    return any(w in before for w in c["from_words"])


# ---------------------------------------------------------------- kind

def _kind(source: Source, m: Mention, year: int | None, sense: str) -> str:
    c = _cues()
    text = source.clean.text
    clause_start = _clause_start(text, m)
    clause = _without_baselines(text, clause_start, m.number.start, source.doc.year)
    if any(w in clause for w in c["actual_cues"]):
        return "actual"
    before = text[m.sentence_start:_compared_at(text, clause_start, m.number.start)]
    for word in c["cue_holders"]:
        before = before.replace(word, "")
    if any(w in before for w in c["target_cues"]):
        return "target"
    published = int(source.doc.published[:4])
    if year is not None and year > published:
        return "target"
    return "target" if sense == "plan" else "actual"


def _clause_start(text: str, m: Mention) -> int:
    return max([m.sentence_start] + [text.rfind(p, m.sentence_start, m.number.start) + 1 for p in CLAUSE_MARKS])


# ---------------------------------------------------------------- measure

def _measure(text: str, m: Mention, previous) -> str:
    c, n = _cues(), m.number
    if n.unit in c["change_units"]:
        return "change"  # 提高…个百分点, 翻一番
    if unit_kind(n.unit) == "time" or text.startswith("的", n.end):
        return "level"  # a duration, or a figure that describes a noun (超千亿元的产业)
    seg = text[_segment_start(text, m, previous):n.start]
    if any(seg.endswith(w) for w in c["to_words"]) or _in_from_phrase(text, m):
        return "level"
    if n.unit == "%" and any(w in seg for w in c["share_cues"]) or _of_base(seg, n.unit):
        return "level"  # 占…的40%, 达到全国平均水平的80%: a share
    if _running_total_cue(seg):
        return "level"  # a running total is a level
    per = max(map(seg.rfind, resources.load("mentions")["per_words"]))
    if per >= 0 and not _nearest_cue(seg[per:]):
        return "level"  # 每户补助1.5万元: an amount for each one is a rate, unless it changes (每人提高30元)
    if _came_to(seg):
        return "level"
    cue = _nearest_cue(seg)
    if cue:
        return cue
    if _coordinated(text, m, previous) or (previous and _continues_list(text, m, previous, seg)):
        return previous[1].measure
    drop = set(c["subject_drop_words"])
    words = [t for t in tokens(seg) if not t.pos.startswith(("x", "m", "t", "eng", "u")) and t.word not in drop]
    if not words:  # 12万贫困人口脱贫, 最后5个贫困县全部摘帽: the verb comes after
        after = text[n.end:_clause_end(text, m)]
        return "change" if any(w in after for w in c["change_cues"]) else "level"
    return "change" if words[-1].pos == "v" and words[-1].word not in c["nominal_verbs"] else "level"


def _came_to(seg: str) -> bool:
    """收入完成385亿元, 零售总额实现1200亿元: what is measured, then a word saying what it came to."""
    return any(seg.endswith(w) and seg[:-len(w)].endswith(_measured_names()) for w in _cues()["came_to_words"])


@functools.lru_cache(maxsize=1)
def _measured_names() -> tuple[str, ...]:
    c = _cues()
    return tuple(c["nominal_verbs"]) + tuple(w for w in c["level_cues"] if len(w) > 1)


def _continues_list(text: str, m: Mention, previous, seg: str) -> bool:
    """The next item of a list shares its verb: 新建实验室20家、工程技术研究中心19家 (the noun first),
    新建5个中试基地、11个创新团队 (the figure first, nothing but the last item between them)."""
    between = text[previous[0].number.end:m.number.start]
    if previous[0].sentence_start != m.sentence_start:
        return False
    joins = resources.load("mentions")["coordinators"]
    return between == "" or between[:1] in joins or (between == seg and between[-1:] in joins)


def _nearest_cue(seg: str) -> str:
    c = _cues()
    best = (-1, 0, "")
    for kind, words in (("change", c["change_cues"]), ("level", c["level_cues"])):
        for w in words:
            at = seg.rfind(w)
            if at >= 0:
                best = max(best, (at + len(w), len(w), kind))
    return best[2]


def _segment_start(text: str, m: Mention, previous) -> int:
    start = _clause_start(text, m)
    if previous and previous[0].sentence_start == m.sentence_start and previous[0].number.end > start:
        start = previous[0].number.end
    return start


def _clause_end(text: str, m: Mention) -> int:
    ends = [text.find(p, m.number.end, m.sentence_end) for p in CLAUSE_MARKS]
    return min([e for e in ends if e >= 0] + [m.sentence_end])


def _coordinated(text: str, m: Mention, previous) -> bool:
    if not previous or previous[0].sentence_start != m.sentence_start:
        return False
    between = text[previous[0].number.end:m.number.start]
    return between in resources.load("mentions")["coordinators"]


# ---------------------------------------------------------------- subject

def _subject(text: str, m: Mention, previous) -> str:
    """A short phrase naming what is measured, from the words around the figure."""
    c = _cues()
    seg = text[_segment_start(text, m, previous):m.number.start]
    seg = seg[_time_opening(seg):]  # 前三季度, 三年来: they date, they name nothing
    for w in c["from_words"]:
        at = seg.rfind(w)
        if at > 0:
            seg = seg[:at]
            break
    seg = seg[:_comparison_at(seg)]  # 增速比全国 | 高, 快于经济增长: what follows is the base
    before = _phrase(tokens(_without_base(seg, m.number.unit)), from_right=True)
    if _join(before) in c["measure_words"]:
        return _noun_before(text[m.sentence_start:m.number.start], _join(before)) + _join(before)
    after_end = min([_clause_end(text, m)] + [i for i in range(m.number.end, _clause_end(text, m))
                                              if text[i].isdigit()])
    following = re.split(_aside_opening(), text[m.number.end:after_end])[0].split("、")[0]
    after = _phrase(tokens(following), from_right=False) if following else []
    counted = unit_kind(m.number.unit) == "classifier"
    for phrase in ((after, before) if counted else (before, after)):  # 3个国家级基地: the thing counted follows
        if _has_noun(phrase):
            return _join(phrase)
    same_sentence = previous and previous[0].sentence_start == m.sentence_start
    if _coordinated(text, m, previous) or (same_sentence and (_in_to_phrase(seg) or not before + after)):
        return previous[1].subject
    return _join(before or after)


def _comparison_at(seg: str) -> int:
    """Where the first comparison word (比, 高于, 快|于) starts, on word boundaries, after measure words such
    as 占比 are joined again; len(seg) if none."""
    words = _cues()["comparison_words"]
    if not any(w in seg for w in words):
        return len(seg)
    toks = _rejoined(tokens(seg), _measure_cue_words())
    ends = {t.end for t in toks}
    return next((t.start for t in toks for w in words if seg.startswith(w, t.start) and t.start + len(w) in ends),
                len(seg))


def _without_base(seg: str, unit: str) -> str:
    """人均收入达到 | 全国平均水平的80%: a share or multiple of a base names what is measured before the verb
    that leads to the base, when something is named there."""
    if not _of_base(seg, unit) or any(w in seg for w in _cues()["share_cues"]):
        return seg  # 占…的31%: the share's own verb leads to the base
    toks, nominal = tokens(seg), _cues()["nominal_verbs"]
    verb = [t.pos.startswith("v") and t.pos != "vn" and t.word not in nominal for t in toks]
    for k in range(len(toks) - 1, 0, -1):
        if verb[k] and not verb[k - 1] and _has_noun(_phrase(toks[:k], from_right=True)):
            return seg[:toks[k].start]  # the first verb of a chain: 恢复到
    return seg


def _of_base(seg: str, unit: str) -> bool:
    c = _cues()
    return unit_kind(unit) in c["of_base_units"] and seg.endswith(c["of_base_mark"])


@functools.lru_cache(maxsize=1)
def _aside_opening() -> str:
    return "|".join(re.escape(o) for o, _ in _cues()["asides"])


def _noun_before(text: str, measure_word: str) -> str:
    """The longest run of nouns in text before the measure word (全省高新技术企业 → 高新技术企业)."""
    drop = set(_cues()["subject_drop_words"])
    runs, cur = [], []
    for t in tokens(text[:text.rfind(measure_word)]):
        if t.pos.startswith(("n", "j")) and t.word not in drop and t.word != measure_word:
            cur.append(t.word)
        else:
            runs.append(cur)
            cur = []
    runs.append(cur)
    best = max(runs, key=lambda r: (len(r), len("".join(r))))
    return "".join(best)


def _in_to_phrase(seg: str) -> bool:
    return any(w in seg for w in _cues()["to_words"])


def split_respectively(claims: list[Claim]) -> list[Claim]:
    """床位、人员和机构…20万张、25万人和4万个: one listed subject per figure."""
    out, i = list(claims), 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and out[j + 1].quote == out[i].quote and out[j + 1].subject == out[i].subject:
            j += 1
        parts = _list_items(out[i].subject)
        size = j - i + 1
        if len(parts) > 1 and size % len(parts) == 0 and all(
                _listed(out[k:k + len(parts)]) for k in range(i, j + 1, len(parts))):
            for k in range(i, j + 1):
                out[k] = replace(out[k], subject=parts[(k - i) % len(parts)])
        i = j + 1
    return out


def _listed(claims: list[Claim]) -> bool:
    """The figures are written as a list (…万张、…万人和…万个, …件…人), not as a figure and its change
    (…亿元，增长…%)."""
    quote, texts = claims[0].quote, [c.text for c in claims]
    places = _places(quote, texts)
    joiners = ["", *resources.load("mentions")["coordinators"]]
    return -1 not in places and all(quote[a + len(t):b] in joiners for a, t, b in zip(places, texts, places[1:]))


def respective_figures(claims: list[Claim]) -> list[Claim]:
    """营业收入3.2万亿元，利润总额2100亿元，分别增长6%和9%: the figures after 分别 are of the figures
    before it, in order, when as many of those name different things."""
    word, out = _cues()["respectively"], list(claims)
    for sentence in _by_sentence(out):
        quote = out[sentence[0]].quote
        at = quote.find(word)
        places = _places(quote, [out[k].text for k in sentence])
        after = [k for k, p in zip(sentence, places) if p > at >= 0]
        before = [k for k, p in zip(sentence, places) if 0 <= p < at][-len(after):] if after else []
        subjects = [out[k].subject for k in before]
        if len(after) > 1 and len(before) == len(after) and len(set(subjects)) == len(subjects):
            for k, subject in zip(after, subjects):
                out[k] = replace(out[k], subject=subject)
    return out


def _by_sentence(claims: list[Claim]) -> list[list[int]]:
    """The indexes of the claims, grouped by the sentence they are in (claims come in text order)."""
    groups: list[list[int]] = []
    for k, c in enumerate(claims):
        if groups and claims[groups[-1][0]].quote == c.quote and claims[groups[-1][0]].doc == c.doc:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


def _places(quote: str, texts: list[str]) -> list[int]:
    """Where each figure is in its sentence, found in order (-1 if not found)."""
    out, at = [], 0
    for text in texts:
        found = quote.find(text, at)
        out.append(found)
        at = found + len(text) if found >= 0 else at
    return out


def _list_items(phrase: str) -> list[str]:
    """The items of an enumeration, split at 、 and at conjunctions (和, 及), not inside words (普及率)."""
    items, cur = [], ""
    for t in tokens(phrase):
        if t.word == "、" or t.pos == "c":
            items.append(cur)
            cur = ""
        else:
            cur += t.word
    return [i for i in items + [cur] if i]


def _phrase(toks: tuple[Token, ...], from_right: bool) -> list[Token]:
    c = _cues()
    drop_pos, drop_words = _subject_drops()
    keep = [t for t in _rejoined(toks, _measure_cue_words())
            if (t.pos != "x" or t.word == "、") and t.word not in "“”‘’《》（）()"]
    if from_right:
        cues = (set(c["change_cues"]) | set(c["level_cues"]) | {"同比"}) - set(c["subject_measure_cues"])
        last, last_pos = drop_words | set(c["subject_drop_last"]), drop_pos | set(c["subject_drop_last_pos"])
        keep = _cue_split_off(keep)
        while keep and (keep[-1].pos in last_pos or keep[-1].word in last
                        or (keep[-1].word in cues and keep[-1].pos[:1] in "vpdc")):
            keep.pop()
    else:
        cut = next((i for i, t in enumerate(keep) if t.pos == "c"), len(keep))
        keep = [t for t in keep[:cut] if t.pos not in ("d", "t", "ul", "uj")]
    while keep and (keep[0].pos in drop_pos or keep[0].word in drop_words or keep[0].word == "、"):
        if _modifies_noun(keep):
            break
        keep.pop(0)
    if not from_right:
        # the noun phrase after the figure ends at its verb: 贫困人口脱贫
        for i, t in enumerate(keep):
            if t.pos.startswith("v") and _has_noun(keep[:i]):
                keep = keep[:i + 1]
                break
    return keep


def _modifies_noun(keep: list[Token]) -> bool:
    """自然|增长率, 低速|货车: a word jieba tags as an adverb, right before a noun, is the noun's modifier."""
    return (keep[0].pos in _cues()["noun_modifier_pos"] and len(keep) > 1 and keep[1].pos.startswith("n")
            and keep[0].word not in _subject_drops()[1])


@functools.lru_cache(maxsize=1)
def _subject_drops() -> tuple[frozenset, frozenset]:
    """The parts of speech and the words dropped from the edges of a subject."""
    c = _cues()
    words = set(c["subject_drop_words"]) | set(c["target_cues"]) | set(c["baseline_words"])
    return frozenset(c["subject_drop_pos"]), frozenset(words)


def _cue_split_off(keep: list[Token]) -> list[Token]:
    """The tokens with a change cue that jieba made the end of one word (价格上涨, 人口减少) cut off it."""
    c = _cues()
    if not keep or keep[-1].pos not in c["cue_split_pos"]:
        return keep  # 提起公诉 (a verb) and 一审判决 (jieba's name) are the act counted
    last = keep[-1]
    ends = [w for w in c["change_cues"] if last.word.endswith(w) and len(last.word) > len(w)]
    if not ends:
        return keep
    cue = max(ends, key=len)  # the longest, whatever the list's order: 再提高 before 提高
    return [*keep[:-1], Token(last.word[:-len(cue)], "n", last.start, last.end - len(cue))]


@functools.lru_cache(maxsize=1)
def _measure_cue_words() -> tuple[str, ...]:
    return tuple(resources.longest_first(_cues()["subject_measure_cues"]))


def _rejoined(toks, words: tuple[str, ...]) -> list[Token]:
    """The tokens with two neighbours jieba split out of one of these words (占比 as 占 and 比, or as 占 and
    比达) joined again, as a noun, and what the second ran on past the word left as a token of its own."""
    out: list[Token] = []
    for tok in toks:
        joined = out[-1].word + tok.word if out else ""
        word = next((w for w in words if joined.startswith(w) and len(w) > len(out[-1].word)), "")  # longest first
        if word:
            first = out.pop()
            cut = first.start + len(word)
            out.append(Token(word, "n", first.start, cut))
            if cut < tok.end:
                out.append(Token(joined[len(word):], tok.pos, cut, tok.end))
            continue
        out.append(tok)
    return out


def _has_noun(toks: list[Token]) -> bool:
    nominal = _cues()["nominal_verbs"]
    return any(t.pos.startswith(("n", "vn", "j", "l")) or t.word in nominal for t in toks)


def _join(toks: list[Token]) -> str:
    """The words joined, the first ones left out while they are longer than a subject may be (whole
    words: 数字经济核心产业…, not 字经济核心产业…)."""
    limit, toks = _cues()["subject_max_chars"], list(toks)
    while len(toks) > 1 and sum(len(t.word) for t in toks) > limit:
        toks.pop(0)
    return "".join(t.word for t in toks)
