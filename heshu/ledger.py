"""The ledger, claims.yaml: its sections, loading with line numbers, and saving as stable bytes."""
from __future__ import annotations

import functools
import hashlib
import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from . import cache, comments, resources
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
    return load_cached(read(path, shown), shown)


def read(path: Path, shown: str = "claims.yaml") -> str | None:
    """The text of the ledger file, or None if there is none; HeshuError if it is not UTF-8."""
    return resources.read_text(path, shown) if path.exists() else None


def load_cached(text: str | None, shown: str = "claims.yaml") -> Ledger:
    """The ledger written in text (empty for None: no file), reusing what earlier runs parsed of each
    unchanged claim.

    Parsed items are kept in ~/.cache/heshu/ledger-items/, in shards by the hash of their text, so
    that after an edit only the edited item is parsed again and only its shard is rewritten.
    """
    if text is None:
        return Ledger(shown, [])
    shards: dict[str, dict] = {}
    cut = layout(text)
    parsed = _load_by_items(cut, shown, lambda key: _cached_item(shards, key)) if cut else None
    if parsed is None:
        return load_text(text, shown)
    ledger, fresh = parsed
    _cache_items(shards, fresh, {item.key for item in cut.items})
    return ledger


ITEMS = "ledger-items/v3-"  # v2: an item's text runs to the next line at the margin, its newline included;
# v3: the lines of a field's parts at every depth


def _cached_item(shards: dict[str, dict], key: str):
    """An item parsed before, by the hash of its text (None if it was not kept)."""
    return _shard(shards, key[:2]).get(key)


def _shard(shards: dict[str, dict], prefix: str) -> dict:
    """The parsed items whose hashes start with prefix, read from the cache once."""
    if prefix not in shards:
        shards[prefix] = cache.read(f"{ITEMS}{prefix}.pickle") or {}
    return shards[prefix]


def _cache_items(shards: dict[str, dict], fresh: dict, keep: set[str]) -> None:
    """Add the items parsed now to their shards, which keep only the items in `keep` besides: the
    shards do not grow with every version of the ledger."""
    for prefix in sorted({k[:2] for k in fresh}):
        used = {k: v for k, v in _shard(shards, prefix).items() if k in keep}
        used.update({k: v for k, v in fresh.items() if k[:2] == prefix})
        cache.write(f"{ITEMS}{prefix}.pickle", used)


SECTION_LINE = re.compile(r"^([a-z]+):[ \t]*(?:#.*)?$")
MARGIN = re.compile(r"^[^ #\n].*", re.M)  # lines at the margin: not indented, not a comment, not blank


@dataclass(frozen=True)
class Item:
    """One list item of a ledger file as written: its text runs from its `- ` line to the next line at the
    margin (comments and blank lines after it included)."""

    section: str
    start: int  # the line its `- ` is on, from 0
    text: str
    key: str  # the hash of its text, by which the cache keeps it parsed


@dataclass(frozen=True)
class Layout:
    """A ledger file cut into its items, and the rest of it (comments before the first section, and the
    section lines)."""

    frame: str
    items: list[Item]


@functools.lru_cache(maxsize=1)  # a command cuts the same text up to three times (load, compare, keep)
def layout(text: str) -> Layout | None:
    """The file's items, for a file laid out as `save` writes it: sections of `- ` items at the margin.
    None for any other layout (the caller then parses the whole file)."""
    marks = [(m.start(), m.group()) for m in MARGIN.finditer(text)]
    frame, items, seen, section, line, at = [text[:marks[0][0]] if marks else text], [], set(), None, 0, 0
    for k, (start, head) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        line, at = line + text.count("\n", at, start), start
        if head.startswith("- ") and section is not None:
            chunk = text[start:end]
            items.append(Item(section, line, chunk, hashlib.sha1(chunk.encode("utf-8")).hexdigest()))
            continue
        m = SECTION_LINE.match(head)
        if not m or m.group(1) not in SECTIONS or m.group(1) in seen or not _only_notes(text, start, end):
            return None
        section = m.group(1)
        seen.add(section)
        frame.append(text[start:end])
    return Layout("".join(frame), items)


def _only_notes(text: str, start: int, end: int) -> bool:
    """True if the lines after the one at start, to end, are blank or comments (not items indented under
    their section: `claims:` then `  - id: …`)."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text[start:end].split("\n")[1:])


def _load_by_items(cut: Layout, shown: str, lookup) -> tuple[Ledger, dict] | None:
    """The ledger parsed one list item at a time, each taken from `lookup` when it was parsed before;
    and the items parsed now. None if an item does not parse alone: the caller then parses the whole
    file, which also gives the exact error.
    """
    sections: dict[str, list[Entry]] = {name: [] for name in SECTIONS}
    fresh = {}
    for item in cut.items:
        key = item.key
        entry = lookup(key)
        if entry is None:
            entry = _parse_item(item.text, shown)
            if entry is None:
                return None
            fresh[key] = entry
        fields, line, lines = entry
        sections[item.section].append(Entry(dict(fields), line + item.start,
                                            {k: v + item.start for k, v in lines.items()}))
    return Ledger(shown, sections["claims"], sections["series"], sections["checks"]), fresh


@dataclass(frozen=True)
class Shape:
    """What a later run needs to tell how a ledger file has changed: its frame and its items' sections
    and text hashes."""

    frame: str
    items: tuple[tuple[str, str], ...]


def shape(text: str) -> Shape | None:
    """The shape of a ledger text laid out as `save` writes it, else None."""
    cut = layout(text)
    return None if cut is None else Shape(cut.frame, tuple((i.section, i.key) for i in cut.items))


def claim_fields_edited(before: Shape, text: str) -> set[str] | None:
    """The fields of claims that were added, removed or changed since the ledger had the shape `before`,
    if that is all that changed: the same frame, series and checks, the same claims in the same order,
    and each edited claim written as `save` writes it (so that saving the ledger again would not change
    its bytes). None if anything else changed, or an item cannot be read or was not kept in the cache."""
    cut = layout(text)
    if cut is None or cut.frame != before.frame or len(cut.items) != len(before.items):
        return None
    shards: dict[str, dict] = {}
    edited, fresh = set(), {}
    for item, (section, old_key) in zip(cut.items, before.items):
        key = item.key
        if key == old_key:
            continue
        old, cached = _cached_item(shards, old_key), _cached_item(shards, key)
        new = cached or _parse_item(item.text, "")
        fields = _claim_edit(old, new, item.text) if section == "claims" == item.section else None
        if fields is None:
            return None
        if cached is None:
            fresh[key] = new
        edited |= fields
    _cache_items(shards, fresh, {i.key for i in cut.items} | {key for _, key in before.items})
    return edited


def _claim_edit(old: tuple | None, new: tuple | None, text: str) -> set[str] | None:
    """The fields that differ between two parsed versions of a claim item, the new one written as
    `text`; None unless both parsed, have the same id, and the new one is written as `save` writes it."""
    if old is None or new is None or old[0].get("id") != new[0].get("id") or _item_text(new[0], CLAIM_ORDER) != text:
        return None
    return {k for k in old[0].keys() | new[0].keys() if _differs(old[0].get(k, _NONE), new[0].get(k, _NONE))}


def edited_claims(old: bytes, new: bytes, shown: str = "claims.yaml") -> list[tuple[Entry, set[str]]] | None:
    """The claims of the ledger file `new` that differ from those of `old`, as entries of `new` with the
    fields that changed, if that is all that differs: claims edited in place, each written as `save`
    writes it. None if anything else changed. Only the items around the bytes that differ are read.
    """
    start, end = _common_prefix(old, new), _common_suffix(old, new)
    if start == len(old) == len(new):
        return []
    end = min(end, min(len(old), len(new)) - start)  # the same bytes, not counted at both ends
    a = old.rfind(b"\n- ", 0, start) + 1  # the start of an item that begins before the first change
    if a == 0:
        return None
    after_end = old.find(b"\n- ", len(old) - end)  # and of the first item after the last change
    b = after_end + 1 if after_end >= 0 else len(old)
    try:
        before, after = (layout("claims:\n" + t[x:y].decode("utf-8"))
                         for t, x, y in ((old, a, b), (new, a, b + len(new) - len(old))))
    except UnicodeDecodeError:
        return None
    if before is None or after is None or len(before.items) != len(after.items) or before.frame != after.frame:
        return None
    first_line = new.count(b"\n", 0, a) - 1  # the synthetic `claims:` line is line 0 of the window
    out = []
    for was, item in zip(before.items, after.items):
        if was.text == item.text:
            continue
        parsed = _parse_item(item.text, shown)
        fields = _claim_edit(_parse_item(was.text, shown), parsed, item.text) if "claims" == was.section == item.section \
            else None
        if fields is None:
            return None
        at = first_line + item.start
        out.append((Entry(dict(parsed[0]), parsed[1] + at, {k: v + at for k, v in parsed[2].items()}), fields))
    return out


def _common_prefix(a: bytes, b: bytes) -> int:
    """How many bytes a and b have in common at their start (compared a block at a time)."""
    return _common(a, b, lambda x, at, step: x[at:at + step])


def _common_suffix(a: bytes, b: bytes) -> int:
    """How many bytes a and b have in common at their end."""
    return _common(a, b, lambda x, at, step: x[len(x) - at - step:len(x) - at])


def _common(a: bytes, b: bytes, block: Callable[[bytes, int, int], bytes]) -> int:
    n, at, step = min(len(a), len(b)), 0, 1 << 16
    while step:
        while at + step <= n and block(a, at, step) == block(b, at, step):
            at += step
        step //= 2
    return at


_NONE = object()  # a field that is not there


def _differs(a: Any, b: Any) -> bool:
    """True unless a and b are the same value of the same types (1, 1.0, True and "1" differ in a ledger)."""
    return a is not b and (a is _NONE or b is _NONE or pickle.dumps(a, protocol=5) != pickle.dumps(b, protocol=5))


def _parse_item(chunk: str, shown: str) -> tuple[dict, int, dict] | None:
    try:
        node = resources.compose(chunk, shown)
    except HeshuError:
        return None
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
        return None
    if resources.has_alias(node, chunk) or _duplicate_keys(node, shown, top=False):
        return None
    entries, problems = _entries(node, shown, "item")
    if problems or len(entries) != 1:
        return None
    return entries[0].fields, entries[0].line, entries[0].lines


def load_text(text: str, shown: str = "claims.yaml") -> Ledger:
    """The ledger written in text; HeshuError with every problem that keeps it from being read."""
    node = resources.compose(text, shown)
    if node is None:
        return Ledger(shown, [])
    if not isinstance(node, yaml.MappingNode):
        raise HeshuError([Problem(Location(shown, node.start_mark.line + 1),
                                  "the ledger must be a mapping with a `claims:` list",
                                  "start the file with `claims:`")])
    if resources.has_alias(node, text):  # nothing walks its values: they could be billions
        raise HeshuError(_aliases(text, shown))
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


def _aliases(text: str, shown: str) -> list[Problem]:
    """One problem per alias (`*name`) and line: save writes every value out in full, so an alias would not
    survive the next save."""
    found = dict.fromkeys((e.start_mark.line + 1, e.anchor) for e in yaml.parse(text, Loader=resources.Loader)
                          if isinstance(e, yaml.AliasEvent))
    return [Problem(Location(shown, line), f"an alias (`*{anchor}`) repeats a value",
                    f"write the value out in full here and delete its anchor `&{anchor}`") for line, anchor in found]


def _entries(seq, shown: str, section: str) -> tuple[list[Entry], list[Problem]]:
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
                fields[key] = resources.construct(v)
            except yaml.YAMLError as e:
                what = getattr(e, "problem", None) or e
                problems.append(Problem(Location(shown, k.start_mark.line + 1), f"`{key}` cannot be read ({what})",
                                        "write a plain value (a real date as YYYY-MM-DD, a shorter number)"))
                continue
            lines[key] = k.start_mark.line + 1
            lines.update(_item_lines(key, v))
        entries.append(Entry(fields, line, lines))
    return entries, problems


def _item_lines(key: str, node) -> dict[str, int]:
    """Lines of the parts of a list or mapping field, at every depth: members[2], claims.a, sources[0].url."""
    if isinstance(node, yaml.SequenceNode):
        parts = [(f"{key}[{i}]", item, item) for i, item in enumerate(node.value)]
    elif isinstance(node, yaml.MappingNode):
        parts = [(f"{key}.{k.value}", k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    else:
        return {}
    out = {}
    for name, at, value in parts:
        out[name] = at.start_mark.line + 1
        out.update(_item_lines(name, value))
    return out


# ---------------------------------------------------------------- save

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    def ignore_aliases(self, data) -> bool:
        return True  # each value written out in full: no &anchors for a person to trip over


def _str(dumper, s: str):
    body = s[:-1] if s.endswith("\n") else s
    # a block (|) for text of several lines; in quotes if it ends in blank lines, which a block keeps
    # only with a `...` after it, and that would end the file there
    block = "\n" in s and body != "" and not body.endswith("\n")
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if block else ('"' if "\n" in s else None))


def _list(dumper, items: list):
    flow = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dumps(ledger: Ledger, old: str | None = None) -> str:
    """The ledger as YAML text, the same bytes for the same content, with the comments a person wrote in
    `old` (the file as it stands) kept.

    Each item is written on its own (a list's text is its items' texts one after the other) and
    kept in the cache by its fields, so that saving a large ledger after a few edits writes YAML
    only for the items that changed.
    """
    known, used = cache.read(DUMPED), {}
    known = known if isinstance(known, dict) else {}
    head, section_notes, notes = _comments_in(old)
    parts = [HEADER + head]
    for name, entries, order in (("claims", ledger.claims, CLAIM_ORDER), ("series", ledger.series, SERIES_ORDER),
                                 ("checks", ledger.checks, CHECK_ORDER)):
        if not entries:
            parts.append("claims: []\n" if name == "claims" else "")
            continue
        parts.append(f"{name}:{section_notes.get(name, '')}\n")
        for e in entries:
            fields = _ordered(e.fields, order)
            key = hashlib.sha1(pickle.dumps(fields, protocol=5)).digest()  # pickles tell 1, 1.0, True and "1" apart
            text = used.get(key) or known.get(key)
            if text is None:
                text = _item_text(fields)
            used[key] = text
            found = notes.pop((name, e.id), None)
            parts.append(_with_comments(text, fields, found) if found else text)
    parts += [_orphaned(item_id, found) for (_, item_id), found in notes.items()]
    if used.keys() != known.keys():
        cache.write(DUMPED, used)
    return "".join(parts)


# ---------------------------------------------------------------- a person's comments, kept on save

def _orphaned(item_id: str, found: list[comments.Comment]) -> str:
    """The comments of an item no longer in the ledger (a series or check the program no longer proposes),
    as lines of their own at the end of the file."""
    return f"# comments on {item_id}, which is no longer in the ledger:\n" + _as_lines(found)


def _as_lines(found: list[comments.Comment]) -> str:
    """Comments as lines of their own at the margin."""
    return "".join(f"# {c.text.strip().lstrip('#').strip()}\n" for c in found)


def _comments_in(old: str | None) -> tuple[str, dict[str, str], dict[tuple[str, str], list[comments.Comment]]]:
    """What a person commented in the ledger file as it stands: comment lines of their own above the first
    section, a section's line and the comments after it as written, and the comments in each item, by
    section and id."""
    if not old or "#" not in old:
        return "", {}, {}
    cut = layout(old)
    head, section_notes = _frame_comments(cut.frame) if cut else ("", {})
    kept = cache.read(COMMENTED) if cut else None
    known = kept[1] if isinstance(kept, tuple) and kept[0] == cache.code_digest() else {}
    used, notes = {}, {}
    for section, text, key in (((i.section, i.text, i.key) for i in cut.items) if cut else _items_as_written(old)):
        if not comments.may_have(text):
            continue
        found = known[key] if key in known else _item_comments(text)
        if key is not None:
            used[key] = found
        if found:
            notes[(section, found[0])] = found[1]
    if cut and used.keys() != known.keys():
        cache.write(COMMENTED, (cache.code_digest(), used))
    return head, section_notes, notes


def _item_comments(text: str) -> tuple[str, list[comments.Comment]] | None:
    """The id of the item written in text and its comments; None if it has none."""
    parsed = _parse_item(text, "")
    found = comments.find(text, parsed[2]) if parsed else []
    return (str(parsed[0].get("id", "")), found) if found else None


COMMENTED = "ledger-commented.pickle"  # (Heshu's code digest, {an item's text hash: its id and comments, or None})


def _frame_comments(frame: str) -> tuple[str, dict[str, str]]:
    """A person's comment lines above the first section; each section's line with the comments after it."""
    pre, *sections = re.split(r"(?m)^(?=[a-z]+:)", frame)
    header = set(HEADER.splitlines())
    head = "".join(line + "\n" for line in pre.splitlines() if line.strip() and line not in header)
    return head, {chunk.split(":", 1)[0]: chunk.split(":", 1)[1].rstrip("\n") for chunk in sections if "#" in chunk}


def _items_as_written(text: str) -> Iterator[tuple[str, str, None]]:
    """For a file not laid out as save writes it (lists indented under their sections): each item's lines,
    from its first to the next item's, moved to the margin as save would write them."""
    try:
        led = load_text(text)
    except HeshuError:
        return
    rows = text.split("\n")
    for section, entries in (("claims", led.claims), ("series", led.series), ("checks", led.checks)):
        for e in entries:
            first = rows[e.line - 1]
            indent = len(first) - len(first.lstrip(" "))
            if first[indent:indent + 2] != "- ":
                continue
            chunk = [first[indent:]]
            for row in rows[e.line:]:
                if row.strip() and not row.lstrip().startswith("#") and len(row) - len(row.lstrip(" ")) <= indent:
                    break  # the next item, or the next section
                chunk.append(row[indent:] if not row[:indent].strip() else row)
            yield section, "\n".join(chunk).rstrip("\n") + "\n", None


def _with_comments(text: str, fields: dict[str, Any], found: list[comments.Comment]) -> str:
    """The item's text with a person's comments put back, each on or before its field where that reads
    back as the same fields, else after the item's last line."""
    lines = _parse_item(text, "")[2]
    for in_place in (True, False):
        out = comments.carry(text, found, lines, in_place)
        parsed = _parse_item(out, "")
        if parsed is not None and not _differs(parsed[0], fields):
            return out
    return text + _as_lines(found)


def _item_text(fields: dict[str, Any], order: tuple[str, ...] | None = None) -> str:
    """One item as save writes it (fields in `order` if given, else as they come)."""
    return yaml.dump([_ordered(fields, order) if order else fields], Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=1_000_000, indent=2)


DUMPED = "ledger-dumped.pickle"


def _ordered(fields: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    known = [k for k in order if k in fields]
    return {k: fields[k] for k in known + sorted(k for k in fields if k not in order)}


def save(ledger: Ledger, path: Path) -> bool:
    """Write the ledger if its bytes changed; True if the file was written."""
    old = path.read_text(encoding="utf-8") if path.exists() else None
    text = dumps(ledger, old)
    if old == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True
