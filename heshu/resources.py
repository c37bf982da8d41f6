"""Read the data files in heshu/data/ (units, qualifiers, label rules, cue words); and people's YAML files,
with errors that name the line, and without letting their nesting overflow a stack."""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Iterator

import yaml

from .errors import HeshuError, Location, Problem

DATA_DIR = Path(__file__).parent / "data"
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=None)
def load(name: str) -> Any:
    """The parsed content of heshu/data/<name>.yaml."""
    with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)


def longest_first(words: list[str]) -> list[str]:
    """Words sorted so that a longer word is tried before its prefix."""
    return sorted(set(words), key=lambda w: (-len(w), w))


CONFLICT = re.compile(r"^(?:(?:<{7}|>{7})(?: .*)?|={7})\r?$", re.M)  # git's lines around the two sides of a conflict


def read_text(path: Path, shown: str) -> str:
    """The text of a person's file; HeshuError if it cannot be read or is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise HeshuError([Problem(Location(shown), f"the file is not UTF-8 text ({e.reason})",
                                  "re-save it as UTF-8")]) from None
    except OSError as e:  # a folder of that name, or a file the build may not read
        raise HeshuError([Problem(Location(shown), f"the file cannot be read ({e.strerror})",
                                  "make it a file that the build can read")]) from None


def compose(text: str, shown: str) -> yaml.Node | None:
    """The YAML document in a person's file, as nodes with their lines; HeshuError naming the line of a
    tab that indents, a syntax error, or lists and mappings nested too deep."""
    conflict = CONFLICT.search(text)
    if conflict:
        raise HeshuError([Problem(Location(shown, text.count("\n", 0, conflict.start()) + 1),
                                  "a merge conflict is left in the file here",
                                  "keep the lines you want and delete the markers <<<<<<<, ======= and >>>>>>>")])
    try:
        return _compose(text)
    except _TooDeep as e:
        raise HeshuError([Problem(Location(shown, e.problem_mark.line + 1), e.problem,
                                  "write the value as plain text, a list or a mapping of plain values")]) from None
    except yaml.MarkedYAMLError as e:
        at_end = e.problem_mark is not None and e.problem_mark.index >= len(text) - 1
        mark = e.context_mark if (at_end and e.context_mark) else (e.problem_mark or e.context_mark)
        line = mark.line + 1 if mark else 0
        if e.problem_mark is not None and _tab_indents(text, e.problem_mark.line):  # a tab in a note's text is fine
            raise HeshuError([Problem(Location(shown, e.problem_mark.line + 1), "a tab indents this line",
                                      "YAML indents with spaces only: replace the tab with spaces")]) from None
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise HeshuError([Problem(Location(shown, line), f"not valid YAML: {what}",
                                  "fix the syntax here (check quotes, colons and indentation)")]) from None
    except yaml.YAMLError as e:
        raise HeshuError([Problem(Location(shown), f"not valid YAML: {e}", "fix the syntax")]) from None


def construct(node: yaml.Node) -> Any:
    """The value of a composed YAML node; yaml.YAMLError, with the node's place, also for a value that
    YAML reads but Python cannot hold (the date 2026-02-30, a whole number of 5,000 digits)."""
    try:
        return yaml.constructor.SafeConstructor().construct_document(node)
    except ValueError as e:
        what = str(e).split(":")[0]  # not Python's advice on its own limits after the colon
        raise yaml.constructor.ConstructorError(problem=what, problem_mark=node.start_mark) from None


def _tab_indents(text: str, line: int) -> bool:
    """Whether a tab is in the indentation of the line (from 0) of text."""
    rows = text.split("\n")
    row = rows[line] if line < len(rows) else ""
    return "\t" in row[:len(row) - len(row.lstrip())]


MAX_DEPTH = 32  # a ledger nests five deep (sections, items, fields, sources, a source's keys)
SHORT = 2_000  # characters: a text this short cannot nest deep enough to overflow libyaml's composer
OPENS, CLOSES = (yaml.SequenceStartEvent, yaml.MappingStartEvent), (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class _TooDeep(yaml.MarkedYAMLError):
    """Lists and mappings nested more than MAX_DEPTH deep."""


def _compose(text: str) -> yaml.Node | None:
    """The YAML document in text, as nodes, unless its collections nest more than MAX_DEPTH deep:
    libyaml's composer recurses once a level in C and crashes the process at some thousands of levels,
    and Python's constructor and pickle stop at about a thousand."""
    if len(text) > SHORT:
        _check_depth(yaml.parse(text, Loader=Loader))
        return yaml.compose(text, Loader=Loader)
    node = yaml.compose(text, Loader=Loader)
    for n, depth in nodes(node):
        if depth > MAX_DEPTH:
            raise _too_deep(n.start_mark)
    return node


def nodes(node: yaml.Node | None) -> Iterator[tuple[yaml.Node, int]]:
    """Every node of a composed YAML document with its depth (1 for the top), each once; (None, 0) each
    time one is reached again through an alias (an alias of an alias can stand for billions of values,
    and walking them all would never end)."""
    stack, visited = [(node, 1)] if node is not None else [], set()
    while stack:
        n, depth = stack.pop()
        if id(n) in visited:
            yield None, 0
            continue
        visited.add(id(n))
        yield n, depth
        if isinstance(n, yaml.MappingNode):
            stack += [(v, depth + 1) for _, v in n.value]
        elif isinstance(n, yaml.SequenceNode):
            stack += [(v, depth + 1) for v in n.value]


def has_alias(node: yaml.Node | None, text: str) -> bool:
    """Whether a value of the document is repeated by an alias (each is written with a `*`: most files
    have none)."""
    return "*" in text and any(n is None for n, _ in nodes(node))


def _check_depth(events) -> None:
    depth = 0
    for e in events:
        if isinstance(e, OPENS):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(e.start_mark)
        elif isinstance(e, CLOSES):
            depth -= 1


def _too_deep(mark) -> _TooDeep:
    return _TooDeep(problem=f"lists and mappings are nested more than {MAX_DEPTH} deep here", problem_mark=mark)
