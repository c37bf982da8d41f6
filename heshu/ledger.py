"""The ledger, claims.yaml: its sections, loading with line numbers, and saving as stable bytes."""
from __future__ import annotations

import hashlib
import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import cache, resources
from .errors import HeshuError, Location, Problem

# The fields of each section, in the order they are written.
CLAIM_ORDER = ("id", "doc", "text", "value", "unit", "approx", "year", "period", "kind", "measure", "subject",
               "verdict", "note", "sources", "reviewed", "rejected", "quote", "offset", "line", "vanished", "auto")
CLAIM_MACHINE = ("doc", "text", "value", "unit", "approx", "year", "period", "kind", "measure", "subject",
                 "quote", "offset", "line")
SERIES_ORDER = ("id", "title", "unit", "members", "note", "auto")
SERIES_MACHINE = ("title", "unit", "members")
CHECK_ORDER = ("id", "type", "title", "expr", "claims", "tolerance", "note", "rejected", "auto")
CHECK_MACHINE = ("type", "title", "expr", "claims", "tolerance")
SECTIONS = ("claims", "series", "checks")
HEADER = """\
# Heshu ledger. Edit freely: your changes are kept when `python build.py extract` or `link` runs again.
# claims:  every numeric claim found in seeds/. Correct any field in place; people's fields:
#   verdict  unrated | accurate | mostly-accurate | misleading | inaccurate | unverifiable
#   note     markdown;  sources: a list of {title, url};  reviewed: YYYY-MM-DD
#   rejected true if this is not a numeric claim (it stays here so that it is not re-added)
# series:  one indicator across reports and years; rename it, add or remove members.
# checks:  arithmetic over claims (`expr` over the names in `claims`); add your own.
# `auto` is the program's fingerprint of its own fields: leave it alone. Schema: README.md.
"""


@dataclass
class Entry:
    """One item of a section as it stands in the file, with the lines its fields are on."""

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
    claims: list[Entry]
    series: list[Entry] = field(default_factory=list)
    checks: list[Entry] = field(default_factory=list)


def fingerprint(fields: dict[str, Any], keys: tuple[str, ...] = CLAIM_MACHINE) -> str:
    """A short digest of the program's fields, to tell whether a person changed any of them."""
    data = json.dumps([fields.get(k) for k in keys], ensure_ascii=False, default=str, sort_keys=True)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]


def untouched(entry: Entry, keys: tuple[str, ...]) -> bool:
    """True if the program wrote this entry and nobody has changed its fields since."""
    return entry.fields.get("auto") == fingerprint(entry.fields, keys)


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
    return load_cached(text, shown)


def load_cached(text: str, shown: str = "claims.yaml") -> Ledger:
    """The ledger written in text, reusing what earlier runs parsed of each unchanged claim.

    Parsed items are kept in ~/.cache/heshu/ledger-items/, in shards by the hash of their text, so
    that after an edit only the edited item is parsed again and only its shard is rewritten.
    """
    shards: dict[str, dict] = {}

    def lookup(key: str):
        if key[:2] not in shards:
            shards[key[:2]] = cache.read(f"ledger-items/{key[:2]}.pickle") or {}
        return shards[key[:2]].get(key)

    parsed = _load_by_items(text, shown, lookup)
    if parsed is None:
        return load_text(text, shown)
    ledger, fresh = parsed
    for prefix in sorted({k[:2] for k in fresh}):
        used = dict(shards[prefix])
        used.update({k: v for k, v in fresh.items() if k[:2] == prefix})
        cache.write(f"ledger-items/{prefix}.pickle", used)
    return ledger


SECTION_LINE = re.compile(r"^([a-z]+):[ \t]*$")


def _load_by_items(text: str, shown: str, lookup) -> tuple[Ledger, dict] | None:
    """The ledger parsed one list item at a time, each taken from `lookup` when it was parsed before;
    and the items parsed now.

    Works on files laid out as `save` writes them (sections of `- ` items at the margin); for
    anything else, or any item that does not parse alone, returns None and the caller parses the
    whole file, which also gives the exact error.
    """
    lines = text.split("\n")
    sections: dict[str, list[Entry]] = {name: [] for name in SECTIONS}
    seen, current, fresh, start = set(), None, {}, None

    def close(end: int) -> bool:
        if current is None or start is None:
            return True
        chunk = "\n".join(lines[start:end])
        key = hashlib.sha1(chunk.encode("utf-8")).hexdigest()
        entry = lookup(key)
        if entry is None:
            entry = _parse_item(chunk, shown)
            if entry is None:
                return False
            fresh[key] = entry
        fields, line, lines_ = entry
        sections[current].append(Entry(dict(fields), line + start, {k: v + start for k, v in lines_.items()}))
        return True

    for n, line in enumerate(lines):
        if not line or line[0] in " #":
            continue
        if line.startswith("- ") and current is not None:
            if not close(n):
                return None
            start = n
            continue
        m = SECTION_LINE.match(line)
        if not m or m.group(1) not in SECTIONS or m.group(1) in seen or not close(n):
            return None
        current, start = m.group(1), None
        seen.add(current)
    if not close(len(lines)):
        return None
    return Ledger(shown, sections["claims"], sections["series"], sections["checks"]), fresh


def _parse_item(chunk: str, shown: str) -> tuple[dict, int, dict] | None:
    try:
        node = yaml.compose(chunk, Loader=resources.Loader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1 or _duplicate_keys(node, shown, top=False):
        return None
    entries, problems = _entries(node, shown, "item")
    if problems or len(entries) != 1:
        return None
    return entries[0].fields, entries[0].line, entries[0].lines


def load_text(text: str, shown: str = "claims.yaml") -> Ledger:
    """The ledger written in text; HeshuError with every problem that keeps it from being read."""
    node = _compose(text, shown)
    if node is None:
        return Ledger(shown, [])
    if not isinstance(node, yaml.MappingNode):
        raise HeshuError([Problem(Location(shown, node.start_mark.line + 1),
                                  "the ledger must be a mapping with a `claims:` list",
                                  "start the file with `claims:`")])
    problems = _duplicate_keys(node, shown)
    sections: dict[str, list[Entry]] = {name: [] for name in SECTIONS}
    for key, value in node.value:
        line = key.start_mark.line + 1
        if key.value not in SECTIONS:
            problems.append(Problem(Location(shown, line), f"unknown section `{key.value}`",
                                    f"the ledger has these sections: {', '.join(SECTIONS)}"))
        elif isinstance(value, yaml.ScalarNode) and value.value in ("", "null", "~"):
            continue
        elif not isinstance(value, yaml.SequenceNode):
            problems.append(Problem(Location(shown, line), f"`{key.value}` must be a list",
                                    "write each item as a list entry starting with `- id: ...`"))
        else:
            sections[key.value], errs = _entries(value, shown, key.value)
            problems += errs
    if problems:
        raise HeshuError(problems)
    return Ledger(shown, sections["claims"], sections["series"], sections["checks"])


def _compose(text: str, shown: str):
    for n, line in enumerate(text.splitlines(), 1):
        if "\t" in line[:len(line) - len(line.lstrip())]:
            raise HeshuError([Problem(Location(shown, n), "a tab indents this line",
                                      "YAML indents with spaces only: replace the tab with spaces")])
    try:
        return yaml.compose(text, Loader=resources.Loader)
    except yaml.MarkedYAMLError as e:
        at_end = e.problem_mark is not None and e.problem_mark.index >= len(text) - 1
        mark = e.context_mark if (at_end and e.context_mark) else (e.problem_mark or e.context_mark)
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise HeshuError([Problem(Location(shown, mark.line + 1 if mark else 0), f"not valid YAML: {what}",
                                  "fix the syntax here (check quotes, colons and indentation)")]) from None
    except yaml.YAMLError as e:
        raise HeshuError([Problem(Location(shown), f"not valid YAML: {e}", "fix the syntax")]) from None


def _duplicate_keys(node, shown: str, top: bool = True) -> list[Problem]:
    """Keys written twice in one mapping (YAML would silently keep the last one)."""
    problems, stack = [], [(node, top)]
    while stack:
        n, is_top = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen = set()
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        what = f"the section `{k.value}` appears twice" if is_top else \
                            f"the key `{k.value}` appears twice in one entry"
                        fix = "merge the two into one" if is_top else "keep one of them"
                        problems.append(Problem(Location(shown, k.start_mark.line + 1), what, fix))
                    seen.add(k.value)
                stack.append((v, False))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((item, False) for item in n.value)
    return problems


def _entries(seq, shown: str, section: str) -> tuple[list[Entry], list[Problem]]:
    constructor = yaml.constructor.SafeConstructor()
    entries, problems = [], []
    for item in seq.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(Location(shown, line), f"an item of `{section}` must be a mapping of fields",
                                    "write it as `- id: ...` followed by its fields"))
            continue
        fields, lines = {}, {}
        for k, v in item.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k.value)
            try:
                fields[key] = constructor.construct_document(v)
            except yaml.YAMLError as e:
                problems.append(Problem(Location(shown, k.start_mark.line + 1), f"`{key}` cannot be read ({e})",
                                        "write a plain value"))
                continue
            lines[key] = k.start_mark.line + 1
            lines.update(_item_lines(key, v))
        entries.append(Entry(fields, line, lines))
    return entries, problems


def _item_lines(key: str, node) -> dict[str, int]:
    """Lines of the items of a list or mapping field: members[2], claims.a."""
    if isinstance(node, yaml.SequenceNode):
        return {f"{key}[{i}]": item.start_mark.line + 1 for i, item in enumerate(node.value)}
    if isinstance(node, yaml.MappingNode):
        return {f"{key}.{k.value}": k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    return {}


# ---------------------------------------------------------------- save

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    def ignore_aliases(self, data) -> bool:
        return True  # each value written out in full: no &anchors for a person to trip over


def _str(dumper, s: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


def _list(dumper, items: list):
    flow = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dumps(ledger: Ledger) -> str:
    """The ledger as YAML text, the same bytes for the same content.

    Each item is written on its own (a list's text is its items' texts one after the other) and
    kept in the cache by its fields, so that saving a large ledger after a few edits writes YAML
    only for the items that changed.
    """
    known, used = cache.read(DUMPED), {}
    known = known if isinstance(known, dict) else {}
    parts = [HEADER]
    for name, entries, order in (("claims", ledger.claims, CLAIM_ORDER), ("series", ledger.series, SERIES_ORDER),
                                 ("checks", ledger.checks, CHECK_ORDER)):
        if not entries:
            parts.append("claims: []\n" if name == "claims" else "")
            continue
        parts.append(f"{name}:\n")
        for e in entries:
            fields = _ordered(e.fields, order)
            key = hashlib.sha1(pickle.dumps(fields, protocol=5)).digest()  # pickles tell 1, 1.0, True and "1" apart
            text = used.get(key) or known.get(key)
            if text is None:
                text = yaml.dump([fields], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                                 default_flow_style=False, width=1_000_000, indent=2)
            used[key] = text
            parts.append(text)
    if used.keys() != known.keys():
        cache.write(DUMPED, used)
    return "".join(parts)


DUMPED = "ledger-dumped.pickle"


def _ordered(fields: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    known = [k for k in order if k in fields]
    return {k: fields[k] for k in known + sorted(k for k in fields if k not in order)}


def save(ledger: Ledger, path: Path) -> bool:
    """Write the ledger if its bytes changed; True if the file was written."""
    text = dumps(ledger)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True
