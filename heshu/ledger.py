"""The ledger, claims.yaml: schema, load with line numbers, validate, merge, save."""
from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from . import resources
from .errors import HeshuError, Location, Problem
from .model import Claim, Source

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
MACHINE = ("doc", "text", "value", "unit", "approx", "year", "period", "kind", "measure", "subject",
           "quote", "offset", "line")
PEOPLE = ("verdict", "note", "sources", "reviewed", "rejected")
PROGRAM = ("vanished", "auto")
ORDER = ("id", "doc", "text", "value", "unit", "approx", "year", "period", "kind", "measure", "subject",
         *PEOPLE, "quote", "offset", "line", *PROGRAM)
REQUIRED = ("id", "doc", "text", "value", "quote")
SECTIONS = ("claims",)
HEADER = """\
# Heshu ledger: every numeric claim found in seeds/, one entry per claim.
# Edit freely: your changes are kept when `python build.py extract` runs again.
#   verdict   unrated | accurate | mostly-accurate | misleading | inaccurate | unverifiable
#   note      markdown; sources: a list of {title, url}; reviewed: YYYY-MM-DD
#   rejected  true if this is not a numeric claim (it stays here so that it is not re-added)
# Correct any extracted field (value, unit, year, kind, subject ...) in place.
# `auto` is the extractor's fingerprint of its own fields; leave it alone.
# `vanished: true` marks a claim the extractor no longer finds in its report.
# Schema and workflow: README.md.
"""


@dataclass
class Entry:
    """One claim as it stands in claims.yaml, with the lines its fields are on."""

    fields: dict[str, Any]
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.fields.get("id", ""))

    def where(self, path: str, key: str | None = None) -> Location:
        return Location(path, self.lines.get(key, self.line) if key else self.line)


@dataclass
class Ledger:
    path: str  # as shown in messages: claims.yaml
    entries: list[Entry]


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- load

def load(path: Path, shown: str = "claims.yaml") -> Ledger:
    """The ledger at path (empty if the file does not exist); HeshuError on a file that cannot be read."""
    if not path.exists():
        return Ledger(shown, [])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise HeshuError([Problem(Location(shown), f"the file is not UTF-8 text ({e.reason})",
                                  "re-save it as UTF-8")]) from None
    return load_text(text, shown)


def load_text(text: str, shown: str = "claims.yaml") -> Ledger:
    """The ledger written in text; HeshuError with every problem that keeps it from being read."""
    problems: list[Problem] = []
    node = _compose(text, shown)
    if node is None:
        return Ledger(shown, [])
    if not isinstance(node, yaml.MappingNode):
        raise HeshuError([Problem(Location(shown, node.start_mark.line + 1),
                                  "the ledger must be a mapping with a `claims:` list",
                                  "start the file with `claims:`")])
    problems += _duplicate_keys(node, shown)
    sections = {}
    for key, value in node.value:
        if key.value not in SECTIONS:
            problems.append(Problem(Location(shown, key.start_mark.line + 1), f"unknown section `{key.value}`",
                                    f"the ledger has these sections: {', '.join(SECTIONS)}"))
        sections[key.value] = value
    claims = sections.get("claims")
    if claims is None or (isinstance(claims, yaml.ScalarNode) and claims.value in ("", "null", "~")):
        entries: list[Entry] = []
    elif not isinstance(claims, yaml.SequenceNode):
        problems.append(Problem(Location(shown, claims.start_mark.line + 1), "`claims` must be a list",
                                "write each claim as an item starting with `- id: ...`"))
        entries = []
    else:
        entries, errs = _entries(claims, shown)
        problems += errs
    if problems:
        raise HeshuError(problems)
    return Ledger(shown, entries)


def _compose(text: str, shown: str):
    tab = next((i for i, line in enumerate(text.splitlines(), 1) if line[:len(line) - len(line.lstrip())].count("\t")), 0)
    if tab:
        raise HeshuError([Problem(Location(shown, tab), "a tab indents this line",
                                  "YAML indents with spaces only: replace the tab with spaces")])
    try:
        return yaml.compose(text, Loader=resources.Loader)
    except yaml.MarkedYAMLError as e:
        at_end = e.problem_mark is not None and e.problem_mark.index >= len(text) - 1
        mark = e.context_mark if (at_end and e.context_mark) else (e.problem_mark or e.context_mark)
        line = mark.line + 1 if mark else 0
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise HeshuError([Problem(Location(shown, line), f"not valid YAML: {what}",
                                  "fix the syntax here (check quotes, colons and indentation)")]) from None
    except yaml.YAMLError as e:
        raise HeshuError([Problem(Location(shown), f"not valid YAML: {e}", "fix the syntax")]) from None


def _duplicate_keys(node, shown: str) -> list[Problem]:
    problems, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen = set()
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        problems.append(Problem(Location(shown, k.start_mark.line + 1),
                                                f"the key `{k.value}` appears twice in one entry",
                                                "keep one of them"))
                    seen.add(k.value)
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    return problems


def _entries(seq, shown: str) -> tuple[list[Entry], list[Problem]]:
    constructor = yaml.constructor.SafeConstructor()
    entries, problems = [], []
    for item in seq.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(Location(shown, line), "a claim must be a mapping of fields",
                                    "write it as `- id: ...` followed by its fields"))
            continue
        fields, lines = {}, {}
        for k, v in item.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k.value)
            fields[key] = constructor.construct_document(v)
            lines[key] = k.start_mark.line + 1
        entries.append(Entry(fields, line, lines))
    return entries, problems


# ---------------------------------------------------------------- validate

def validate(ledger: Ledger, sources: dict[str, Source], known_docs: set[str]) -> list[Problem]:
    """Every problem in the ledger: types, scales, duplicate ids, unknown documents, stale quotes."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for e in ledger.entries:
        problems += _validate_entry(e, ledger.path, known_docs)
        if e.id in seen:
            problems.append(Problem(e.where(ledger.path, "id"), f"id `{e.id}` is used twice (first on line {seen[e.id]})",
                                    "give each claim its own id, or delete the duplicate"))
        seen.setdefault(e.id, e.line)
        problems += _validate_quote(e, ledger.path, sources)
    return problems


def _validate_entry(e: Entry, path: str, known_docs: set[str]) -> list[Problem]:
    problems = []
    for key in e.fields:
        if key not in ORDER:
            near = difflib.get_close_matches(key, ORDER, n=1)
            hint = f"did you mean `{near[0]}`?" if near else f"the fields are: {', '.join(ORDER)}"
            problems.append(Problem(e.where(path, key), f"unknown field `{key}`", hint))
    for key in REQUIRED:
        if key not in e.fields:
            problems.append(Problem(e.where(path), f"claim `{e.id or '?'}` has no `{key}`", f"add `{key}:`"))
    for key, check in CHECKS.items():
        if key in e.fields:
            msg = check(e.fields[key])
            if msg:
                problems.append(Problem(e.where(path, key), f"`{key}`: {msg[0]}", msg[1]))
    doc = e.fields.get("doc")
    if isinstance(doc, str) and known_docs and doc not in known_docs:
        problems.append(Problem(e.where(path, "doc"), f"unknown document `{doc}`",
                                f"use one of the ids in seeds/documents.yaml: {', '.join(sorted(known_docs))}"))
    return problems


def _validate_quote(e: Entry, path: str, sources: dict[str, Source]) -> list[Problem]:
    src, quote, text = sources.get(e.fields.get("doc")), e.fields.get("quote"), e.fields.get("text")
    if src is None or not isinstance(quote, str) or e.fields.get("rejected") is True:
        return []
    if quote not in src.clean.text:
        return [Problem(e.where(path, "quote"), f"the quote of `{e.id}` is no longer in its document",
                        "copy the sentence as it now reads in the report, or mark the claim `rejected: true`")]
    if isinstance(text, str) and text not in quote:
        return [Problem(e.where(path, "text"), f"`text` of `{e.id}` is not part of its quote",
                        "write the figure exactly as it appears in the quote")]
    return []


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _one_of(options: list[str]) -> Callable[[Any], tuple[str, str] | None]:
    def check(v: Any):
        if v not in options:
            return f"`{v}` is not one of the allowed values", f"use one of: {', '.join(options)}"
        return None
    return check


def _typed(kind: type, name: str, fix: str) -> Callable[[Any], tuple[str, str] | None]:
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
    return f"`{v!r}` is not a number or a range", "write a number (239000) or a range [low, high]"


def _check_year(v: Any):
    if v is None or (isinstance(v, int) and not isinstance(v, bool) and 1900 <= v <= 2200):
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
    if isinstance(v, datetime.date) or (isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)):
        return None
    return f"`{v!r}` is not a date", "write the date as YYYY-MM-DD"


CHECKS: dict[str, Callable[[Any], tuple[str, str] | None]] = {
    "id": _check_id,
    "doc": _typed(str, "a document id", "use an id from seeds/documents.yaml"),
    "text": _typed(str, "text", "write the figure as it appears, in quotes if needed"),
    "quote": _typed(str, "text", "write the sentence as it appears in the report"),
    "value": _check_value,
    "unit": _typed(str, "a unit", "write the unit as text, e.g. 人 or 亿元 (or '' for none)"),
    "approx": lambda v: _one_of(resources.load("ledger")["approx"])(v),
    "year": _check_year,
    "period": _typed(str, "text", "describe the period as text, e.g. 2019年上半年"),
    "kind": lambda v: _one_of(resources.load("ledger")["kind"])(v),
    "measure": lambda v: _one_of(resources.load("ledger")["measure"])(v),
    "subject": _typed(str, "text", "name what is measured, e.g. 贫困人口"),
    "offset": lambda v: None if isinstance(v, int) and not isinstance(v, bool) and v >= 0
    else (f"`{v!r}` is not an offset", "write a whole number of characters from the start of the file"),
    "line": _typed(int, "a line number", "write a whole number"),
    "verdict": lambda v: _one_of(list(resources.load("ledger")["verdicts"]))(v),
    "note": _typed(str, "text", "write the note as text (markdown); use `|` for several lines"),
    "sources": _check_sources,
    "reviewed": _check_reviewed,
    "rejected": _typed(bool, "true or false", "write true or false"),
    "vanished": _typed(bool, "true or false", "write true or false, or delete the line"),
    "auto": _typed(str, "a fingerprint", "delete the line; the extractor writes it"),
}


# ---------------------------------------------------------------- merge

def machine_fields(claim: Claim) -> dict[str, Any]:
    """The fields the extractor writes for a claim."""
    return {k: getattr(claim, k) for k in MACHINE}


def fingerprint(fields: dict[str, Any]) -> str:
    """A short digest of the extractor's fields, to tell whether a person changed any of them."""
    data = json.dumps([fields.get(k) for k in MACHINE], ensure_ascii=False, default=str)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]


def merge(ledger: Ledger, fresh: list[Claim], extracted_docs: set[str]) -> tuple[Ledger, MergeReport]:
    """The ledger updated with fresh claims; people's edits always win and nothing is dropped."""
    report = MergeReport()
    old = {e.id: e for e in ledger.entries}
    out, fresh_ids = [], set()
    for claim in fresh:
        fresh_ids.add(claim.id)
        out.append(_merge_one(old.get(claim.id), claim, report))
    for e in ledger.entries:
        if e.id in fresh_ids:
            continue
        if e.fields.get("doc") in extracted_docs and "auto" in e.fields and not e.fields.get("vanished"):
            e = Entry({**e.fields, "vanished": True}, e.line, e.lines)
            report.vanished.append(e.id)
        out.append(e)
    return Ledger(ledger.path, out), report


def _merge_one(old: Entry | None, claim: Claim, report: MergeReport) -> Entry:
    fields = machine_fields(claim)
    if old is None:
        report.added.append(claim.id)
        return Entry({"id": claim.id, **fields, "verdict": "unrated", "auto": fingerprint(fields)})
    merged = dict(old.fields)
    if merged.pop("vanished", False):
        report.returned.append(claim.id)
    untouched = merged.get("auto") == fingerprint(merged)
    if untouched:
        if any(merged.get(k) != v for k, v in fields.items()):
            report.updated.append(claim.id)
        merged.update(fields)
        merged["auto"] = fingerprint(fields)
    elif any(merged.get(k) != v for k, v in fields.items()):
        report.kept_edits.append(claim.id)
    return Entry(merged, old.line, old.lines)


# ---------------------------------------------------------------- save

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    pass


def _str(dumper, s: str):
    style = "|" if "\n" in s else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


def _list(dumper, items: list):
    flow = all(_is_number(x) for x in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dumps(ledger: Ledger) -> str:
    """The ledger as YAML text, the same bytes for the same content."""
    claims = [_ordered(e.fields) for e in ledger.entries]
    body = yaml.dump({"claims": claims}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000, indent=2)
    return HEADER + body


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    known = [k for k in ORDER if k in fields]
    return {k: fields[k] for k in known + sorted(k for k in fields if k not in ORDER)}


def save(ledger: Ledger, path: Path) -> bool:
    """Write the ledger if its bytes changed; True if the file was written."""
    text = dumps(ledger)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def sort_entries(ledger: Ledger, doc_order: list[str]) -> Ledger:
    """Entries in the order of the manifest's documents, then of their place in the report."""
    rank = {d: i for i, d in enumerate(doc_order)}

    def key(e: Entry):
        f = e.fields
        off = f.get("offset") if isinstance(f.get("offset"), int) else 10 ** 12
        return rank.get(f.get("doc"), len(rank)), off, e.id
    return Ledger(ledger.path, sorted(ledger.entries, key=key))
