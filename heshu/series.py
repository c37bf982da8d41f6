"""Series: one indicator followed across reports and years, proposed from the claims' subjects."""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

from . import resources
from .ledger import Entry
from .model import Fact
from .segment import tokens


def rules() -> dict:
    """heshu/data/links.yaml: how claims are grouped into series and checked against each other."""
    return resources.load("links")


def unit_family(unit: str) -> str:
    """Units that measure the same thing share a family: 户 and 家 count things, % and 百分点 are rates."""
    for family, units in rules()["unit_families"].items():
        if unit in units:
            return family
    return unit


def noun_part(subject: str) -> list[str]:
    """The words of a subject that name a thing: leading scope words and trailing verbs dropped."""
    d = rules()
    toks = [t for t in tokens(subject) if not t.pos.startswith("x")]
    cues = resources.load("extract")
    verbs = set(d["drop_words"]) | set(cues["change_cues"]) | set(cues["level_cues"])
    nominal = set(cues["nominal_verbs"])
    while toks and toks[-1].word not in nominal and (not toks[-1].pos.startswith(("n", "vn", "j", "l", "nz", "eng"))
                                                     or toks[-1].word in verbs):
        toks.pop()
    while toks and (toks[0].word in d["drop_words"] or toks[0].pos in ("v", "d", "uj", "p", "m")):
        toks.pop(0)
    words = [t.word for t in toks]
    while len(words) > 1 and words[-1] in resources.load("extract")["measure_words"]:
        words.pop()
    return words


def indicator(subject: str) -> str | None:
    """The indicator a subject names: its head noun, with enough of the words before it to be specific."""
    d = rules()
    words = noun_part(subject)
    if not words:
        return None
    key = words.pop()
    while words and (len(key) < d["min_key_chars"] or key in d["generic_heads"]
                     or key[-1] in ("率", "量", "额")):
        key = words.pop() + key
        if key in d["synonyms"]:
            break
    key = d["synonyms"].get(key, key)
    return None if key in d["generic_heads"] else key


def series_id(key: str, family: str) -> str:
    return "s-" + hashlib.sha1(f"{key}|{family}".encode("utf-8")).hexdigest()[:8]


def time_order(f: Fact) -> tuple:
    """Points in time order: by year, outcomes before targets, then by what was said first."""
    return (f.year if f.year is not None else 0, f.kind != "actual", f.published, f.doc, f.offset, f.id)


def sub_period(period: str) -> str:
    """What a period says beyond its year (上半年, 1-8月, 2019—2023年, 2018年以来), '' for a whole year or its end."""
    rest = re.sub(r"^\d{4}年", "", period or "")
    return "" if rest in ("", "底", "末", "年底", "年末") else rest


def propose(facts: list[Fact], owned: list[Entry]) -> list[dict]:
    """Series the program proposes: claims of one indicator and unit family over several years or reports.

    Claims already in a series a person made or edited are left to it, and an indicator whose
    series a person edited is not proposed again.
    """
    taken = {m for e in owned for m in (e.fields.get("members") or []) if isinstance(m, str)}
    owned_ids = {e.id for e in owned}
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        key = indicator(f.subject)
        if key and f.id not in taken:
            groups[(key, unit_family(f.unit))].append(f)
    proposals = []
    for (key, family), members in sorted(groups.items()):
        sid = series_id(key, family)
        spread = {(f.doc, f.year) for f in members}
        if sid in owned_ids or len(members) < 2 or len(spread) < 2:
            continue
        members.sort(key=time_order)
        proposals.append({"id": sid, "title": _title(members, key), "unit": _unit(members),
                          "members": [f.id for f in members]})
    return proposals


def _title(members: list[Fact], key: str) -> str:
    names = Counter("".join(noun_part(f.subject)) for f in members)
    names.pop("", None)
    best = sorted(names.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    return best[0][0] if best and key in best[0][0] else key


def _unit(members: list[Fact]) -> str:
    counts = Counter(f.unit for f in members)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
