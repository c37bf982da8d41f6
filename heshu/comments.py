"""The comments a person writes in claims.yaml, found in an item as written and carried into the item as
the program writes it anew (YAML parsers drop comments, so saving would lose them)."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import yaml

from .resources import Loader

BLOCK_HEADER = re.compile(r"[|>][-+1-9]*")


@dataclass(frozen=True)
class Comment:
    """One comment: a line of its own, or `# …` after a value on a field's line."""

    text: str  # the whole line as written (own_line), or the `# …` after the value
    key: str | None  # the field it is on or before (members[2], sources[0].url); None after the last one
    own_line: bool


MAYBE = re.compile(r"(?:^|\s)#", re.M)  # a comment starts a line or follows a space; a URL's # does not


def may_have(text: str) -> bool:
    """False if text has no comment; True if it may have one."""
    return MAYBE.search(text) is not None


def find(item: str, lines: dict[str, int]) -> list[Comment]:
    """The comments in one item's text; `lines` are its fields' lines in it, from 1 (as Entry.lines)."""
    if not may_have(item):
        return []
    covered, ends = _token_lines(item)
    keyed = sorted((n - 1, -len(k), k) for k, n in lines.items())  # by line; the deepest key of a line first
    out = []
    for i, row in enumerate(item.split("\n")):
        if i not in covered and row.strip().startswith("#"):
            out.append(Comment(row, next((k for n, _, k in keyed if n > i), None), True))
        elif i in ends and row[ends[i]:].strip().startswith("#"):
            above = [k for n, _, k in keyed if n < i]  # a line that continues a value: the field it is part of
            key = next((k for n, _, k in keyed if n == i), above[-1] if above else None)
            out.append(Comment(row[ends[i]:].strip(), key, False))
    return out


def _token_lines(text: str) -> tuple[set[int], dict[int, int]]:
    """The lines (from 0) that YAML tokens cover, and for each line the column where its last token ends:
    a `#` after that column is a comment, a `#` inside a token (a URL, a block of markdown) is not."""
    covered, ends, rows = set(), {}, text.split("\n")
    for tok in yaml.scan(text, Loader=Loader):
        start, end = tok.start_mark, tok.end_mark
        if (start.line, start.column) == (end.line, end.column):
            continue  # a token of structure that takes no text
        covered.update(range(start.line, end.line + (end.column > 0)))
        if end.column > 0:
            ends[end.line] = max(ends.get(end.line, 0), end.column)
        if getattr(tok, "style", None) in ("|", ">"):  # a block of text: its first line may end in a comment
            ends[start.line] = BLOCK_HEADER.match(rows[start.line], start.column).end()
    return covered, ends


def carry(item: str, comments: list[Comment], lines: dict[str, int], in_place: bool = True) -> str:
    """The item with the comments put back: each on or before the line of its field, or, for a field the
    item no longer has (or with in_place=False), after its last line."""
    before, after, last = defaultdict(list), defaultdict(str), []
    for c in comments:
        n = _line_of(c.key, lines) if in_place else None
        if n is None:
            last.append(c.text.strip() if not in_place else (c.text if c.own_line else "  " + c.text))
        elif c.own_line:
            before[n].append(c.text)
        else:
            after[n] += "  " + c.text
    rows = item.split("\n")[:-1]  # an item's text ends with a newline
    out = [r for i, row in enumerate(rows) for r in (*before[i], row + after[i])]
    return "\n".join(out + last) + "\n"


def _line_of(key: str | None, lines: dict[str, int]) -> int | None:
    """The line (from 0) of a field, or of the field it is part of (sources[0].url → sources[0] → sources)."""
    while key:
        if key in lines:
            return lines[key] - 1
        cut = max(key.rfind("["), key.rfind("."))
        key = key[:cut] if cut > 0 else None
    return None
