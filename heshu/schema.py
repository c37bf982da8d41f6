"""What a valid ledger is: the type of every field, and references that must resolve."""
from __future__ import annotations

import datetime
import difflib
import re
from decimal import Decimal
from typing import Any, Callable

from . import arith, numbers, resources
from .errors import Problem
from .ledger import CHECK_ORDER, CLAIM_ORDER, SERIES_ORDER, Entry, Ledger
from .model import YEARS, Source

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,30}$")
Check = Callable[[Any], "tuple[str, str] | None"]


def validate(ledger: Ledger, sources: dict[str, Source], known_docs: set[str]) -> list[Problem]:
    """Every problem in the ledger: types, scales, duplicate ids, unknown documents and claims, stale quotes."""
    path, problems = ledger.path, []
    for section, entries, fields, required in (("claim", ledger.claims, CLAIM_FIELDS, CLAIM_REQUIRED),
                                               ("series", ledger.series, SERIES_FIELDS, SERIES_REQUIRED),
                                               ("check", ledger.checks, CHECK_FIELDS, CHECK_REQUIRED)):
        problems += _duplicate_ids(entries, path, section)
        for e in entries:
            problems += _fields(e, path, section, fields, required)
    for e in ledger.claims:
        problems += _claim_refs(e, path, sources, known_docs)
    claim_ids = {e.id for e in ledger.claims}
    problems += _series_refs(ledger.series, path, claim_ids)
    for e in ledger.checks:
        problems += _check_refs(e, path, claim_ids)
    return problems


def claim_problems(e: Entry, path: str) -> list[Problem]:
    """What validate() finds wrong with a claim's own fields (its references aside)."""
    return _fields(e, path, "claim", CLAIM_FIELDS, CLAIM_REQUIRED)


def _duplicate_ids(entries: list[Entry], path: str, section: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for e in entries:
        if e.id in seen:
            problems.append(Problem(e.where(path, "id"), f"id `{e.id}` is used twice (first on line {seen[e.id]})",
                                    f"give each {section} its own id, or delete the duplicate"))
        seen.setdefault(e.id, e.line)
    return problems


def _fields(e: Entry, path: str, section: str, checks: dict[str, Check], required: tuple) -> list[Problem]:
    problems = []
    for key in e.fields:
        if key not in checks:
            near = difflib.get_close_matches(key, list(checks), n=1)
            hint = f"did you mean `{near[0]}`?" if near else f"the fields are: {', '.join(checks)}"
            problems.append(Problem(e.where(path, key), f"unknown field `{key}`", hint))
    for key in required:
        if key not in e.fields:
            problems.append(Problem(e.where(path), f"{section} `{e.id or '?'}` has no `{key}`", f"add `{key}:`"))
    for key, check in checks.items():
        if key in e.fields:
            msg = check(e.fields[key])
            if msg:
                problems.append(Problem(e.where(path, key), f"`{key}`: {msg[0]}", msg[1]))
    return problems


def _claim_refs(e: Entry, path: str, sources: dict[str, Source], known_docs: set[str]) -> list[Problem]:
    doc, quote, text = e.fields.get("doc"), e.fields.get("quote"), e.fields.get("text")
    if not isinstance(doc, str):
        return []  # its type is reported with the other fields
    if known_docs and doc not in known_docs:
        return [Problem(e.where(path, "doc"), f"unknown document `{doc}`",
                        f"use one of the ids in seeds/documents.yaml: {', '.join(sorted(known_docs))}")]
    src = sources.get(doc)
    if src is None or not isinstance(quote, str) or e.fields.get("rejected") is True:
        return []
    if quote not in src.clean.text:
        return [Problem(e.where(path, "quote"), f"the quote of `{e.id}` is no longer in its document",
                        "copy the sentence as it now reads in the report, or mark the claim `rejected: true`")]
    if isinstance(text, str) and text not in quote:
        return [Problem(e.where(path, "text"), f"`text` of `{e.id}` is not part of its quote",
                        "write the figure exactly as it appears in the quote")]
    return []


def _series_refs(series: list[Entry], path: str, claim_ids: set[str]) -> list[Problem]:
    problems, owner = [], {}
    for s in series:
        members = s.fields.get("members")
        for i, m in enumerate(members if isinstance(members, list) else []):
            where = s.where(path, f"members[{i}]")
            if not isinstance(m, str):
                continue  # reported as a wrong type
            if m not in claim_ids:
                problems.append(Problem(where, f"series `{s.id}` names unknown claim `{m}`",
                                        "use the id of a claim in the `claims` section, or remove it"))
            elif m in owner and owner[m] != s.id:
                problems.append(Problem(where, f"claim `{m}` is in series `{owner[m]}` and `{s.id}`",
                                        "keep it in one series only"))
            elif m in owner:
                problems.append(Problem(where, f"claim `{m}` is listed twice in series `{s.id}`", "list it once"))
            owner.setdefault(m, s.id)
    return problems


def _check_refs(e: Entry, path: str, claim_ids: set[str]) -> list[Problem]:
    problems, names = [], e.fields.get("claims")
    if isinstance(names, dict):
        for name, cid in names.items():
            if isinstance(cid, str) and cid not in claim_ids:
                problems.append(Problem(e.where(path, f"claims.{name}"), f"check `{e.id}` names unknown claim `{cid}`",
                                        "use the id of a claim in the `claims` section"))
    expr = e.fields.get("expr")
    if isinstance(expr, str) and isinstance(names, dict):
        try:
            arith.parse(expr, set(names))
        except arith.ArithError as err:
            problems.append(Problem(e.where(path, "expr"), f"check `{e.id}`: {err}", err.fix))
    return problems


# ---------------------------------------------------------------- field checks

def _is_number(v: Any) -> bool:
    """An int or float that is not a bool, nan, or larger than any figure the number reader reads."""
    return _numeric(v) and abs(v) <= numbers.LARGEST


def _numeric(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _one_of(key: str) -> Check:
    def check(v: Any):
        options = list(resources.load("ledger")[key])
        if v not in options:
            return f"`{v}` is not one of the allowed values", f"use one of: {', '.join(options)}"
        return None
    return check


def _typed(kind: type, name: str, fix: str) -> Check:
    def check(v: Any):
        ok = isinstance(v, kind) and not (kind is int and isinstance(v, bool))
        return None if ok else (f"`{v!r}` is not {name}", fix)
    return check


def _check_id(v: Any):
    if not isinstance(v, str) or not ID_RE.match(v):
        return f"`{v!r}` is not a valid id", "use lower-case letters, digits and - only (no / or ..)"
    return None


def _check_value(v: Any):
    if _is_number(v):
        return None
    if isinstance(v, list) and len(v) == 2 and all(_is_number(x) for x in v) and v[0] <= v[1]:
        return None
    if _numeric(v) and v == v:  # not nan
        return f"`{Decimal(v):.3g}` is beyond any figure a report gives (±10^100)", "write the figure the report gives"
    return f"`{v!r}` is not a number or a range", "write a number (239000) or a range [low, high]"


def _check_year(v: Any):
    if v is None or (isinstance(v, int) and not isinstance(v, bool) and v in YEARS):
        return None
    return f"`{v!r}` is not a year", "write a year such as 2019, or null if it is unknown"


def _check_sources(v: Any):
    if not isinstance(v, list):
        return "must be a list", "write each source as `- title: ...` and `url: https://...`"
    for s in v:
        if not isinstance(s, dict) or not isinstance(s.get("title"), str) or set(s) - {"title", "url"}:
            return f"`{s!r}` is not a source", "give each source a `title` and a `url`, nothing else"
        url = s.get("url")
        if url is not None and (not isinstance(url, str) or not URL_RE.match(url)):
            return f"the url `{url}` is not an http(s) address", "use an address starting with https:// or http://"
    return None


def _check_reviewed(v: Any):
    if isinstance(v, datetime.date) or (isinstance(v, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v)
                                        and _is_date(v)):
        return None
    return f"`{v!r}` is not a date", "write the date as YYYY-MM-DD"


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:  # 2026-02-30, 9999-99-99
        return False
    return True


def _check_offset(v: Any):
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        return None
    return f"`{v!r}` is not an offset", "write a whole number of characters from the start of the file"


def _check_members(v: Any):
    if isinstance(v, list) and all(isinstance(m, str) for m in v):
        return None
    return f"`{v!r}` is not a list of claim ids", "write one claim id per line, each starting with `- `"


def _check_names(v: Any):
    if isinstance(v, dict) and v and all(isinstance(k, str) and NAME_RE.match(k) and isinstance(c, str)
                                         for k, c in v.items()):
        return None
    return (f"`{v!r}` is not a mapping of names to claim ids",
            "write `claims:` followed by lines such as `a: sx2019-1a2b3c4d` (names are letters, digits, _)")


def _check_tolerance(v: Any):
    if _is_number(v) and 0 <= v < 1:
        return None
    return f"`{v!r}` is not a tolerance", "write a fraction between 0 and 1, e.g. 0.01 for 1%"


TEXT = _typed(str, "text", "write it as text")
NOTE = _typed(str, "text", "write the note as text (markdown); use `|` for several lines")
FLAG = _typed(bool, "true or false", "write true or false")
AUTO = _typed(str, "a fingerprint", "delete the line; the program writes it")

CLAIM_FIELDS: dict[str, Check] = {
    "id": _check_id, "doc": _typed(str, "a document id", "use an id from seeds/documents.yaml"),
    "text": _typed(str, "text", "write the figure as it appears, in quotes if needed"),
    "value": _check_value,
    "unit": _typed(str, "a unit", "write the unit as text, e.g. 人 or 元 (or '' for none)"),
    "approx": _one_of("approx"), "year": _check_year,
    "period": _typed(str, "text", "describe the period as text, e.g. 2019年上半年"),
    "kind": _one_of("kind"), "measure": _one_of("measure"),
    "subject": _typed(str, "text", "name what is measured, e.g. 贫困人口"),
    "verdict": _one_of("verdicts"), "note": NOTE, "sources": _check_sources, "reviewed": _check_reviewed,
    "rejected": FLAG,
    "quote": _typed(str, "text", "write the sentence as it appears in the report"),
    "offset": _check_offset, "line": _typed(int, "a line number", "write a whole number"),
    "vanished": _typed(bool, "true or false", "write true or false, or delete the line"), "auto": AUTO,
}
CLAIM_REQUIRED = ("id", "doc", "text", "value", "quote")
SERIES_FIELDS: dict[str, Check] = {
    "id": _check_id, "title": TEXT, "unit": TEXT, "members": _check_members, "note": NOTE, "auto": AUTO,
}
SERIES_REQUIRED = ("id", "title", "members")
CHECK_FIELDS: dict[str, Check] = {
    "id": _check_id, "type": _one_of("check_types"), "title": TEXT,
    "expr": _typed(str, "an expression", "write it as text, e.g. a - b == c"),
    "claims": _check_names, "tolerance": _check_tolerance, "note": NOTE, "rejected": FLAG, "auto": AUTO,
}
CHECK_REQUIRED = ("id", "expr", "claims")
assert tuple(CLAIM_FIELDS) == CLAIM_ORDER and tuple(SERIES_FIELDS) == SERIES_ORDER
assert tuple(CHECK_FIELDS) == CHECK_ORDER
