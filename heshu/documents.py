"""The documents: load the manifest and the reports, clean PDF debris, keep offsets."""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

from . import cache, resources
from .errors import HeshuError, Location, Problem
from .model import YEARS, Block, CleanText, Document, Source

MANIFEST = "documents.yaml"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")
YEAR_RE = re.compile(r"^[0-9]{4}$")
FIELDS = {"id": str, "file": str, "title": str, "publisher": str, "published": str, "year": int}
OPTIONAL = {"received_as": str, "url": str}

Piece = list[tuple[str, int]]  # cleaned characters with their offsets in the file


# ---------------------------------------------------------------- manifest

def load_manifest(seeds: Path) -> tuple[list[Document], list[Problem]]:
    """The documents listed in seeds/documents.yaml, and what is wrong with the list."""
    path = seeds / MANIFEST
    where = Location(f"{seeds.name}/{MANIFEST}")
    if not path.exists():
        return [], [Problem(where, "the manifest is missing", "create it with a `documents:` list")]
    try:
        node = resources.compose(resources.read_text(path, where.file), where.file)
    except HeshuError as e:
        return [], e.problems
    entries = _manifest_entries(node, where)
    if isinstance(entries, Problem):
        return [], [entries]
    docs, problems, seen = [], [], set()
    for entry in entries:
        doc, errs = _document(entry, where, seeds, seen)
        problems += errs
        if doc:
            docs.append(doc)
            seen.add(doc.id)
    return docs, problems


def _manifest_entries(node, where: Location):
    if not isinstance(node, yaml.MappingNode):
        return Problem(where, "the manifest must be a mapping with a `documents:` list", "see README")
    for key, value in node.value:
        if key.value == "documents" and isinstance(value, yaml.SequenceNode):
            return value.value or Problem(Location(where.file, key.start_mark.line + 1), "the manifest lists no reports",
                                          "add an entry for each report in seeds/")
    return Problem(where, "no `documents:` list", "add `documents:` with one entry per report")


def _document(node, where: Location, seeds: Path, seen: set) -> tuple[Document | None, list[Problem]]:
    here = Location(where.file, node.start_mark.line + 1)
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(here, "an entry must be a mapping", "write `- id: ...` with its fields")]
    raw = {k.value: v.value for k, v in node.value if isinstance(v, yaml.ScalarNode)}
    problems = [Problem(here, f"unknown field `{k}`", f"use only: {', '.join([*FIELDS, *OPTIONAL])}")
                for k in raw if k not in FIELDS and k not in OPTIONAL]
    problems += [Problem(here, f"missing field `{k}`", "add it") for k in FIELDS if k not in raw]
    if problems:
        return None, problems
    if not ID_RE.match(raw["id"]):
        problems.append(Problem(here, f"id `{raw['id']}` is not a plain name",
                                "use lower-case letters, digits and -"))
    if raw["id"] in seen:
        problems.append(Problem(here, f"id `{raw['id']}` is listed twice", "give each document its own id"))
    if not (YEAR_RE.match(raw["year"]) and int(raw["year"]) in YEARS):
        problems.append(Problem(here, f"year `{raw['year']}` is not a year", "write it as 2020"))
    if not DATE_RE.match(raw["published"]):
        problems.append(Problem(here, f"published `{raw['published']}` is not a date",
                                "write it as YYYY-MM or YYYY-MM-DD"))
    file = raw["file"]
    if "/" in file or "\\" in file or file.startswith("."):
        problems.append(_not_a_file(here, file, seeds))
    if problems:
        return None, problems
    return Document(raw["id"], file, raw["title"], raw["publisher"], raw["published"],
                    int(raw["year"]), here.line), []


def _not_a_file(where: Location, file: str, seeds: Path) -> Problem:
    return Problem(where, f"file `{file}` is not a file in {seeds.name}/",
                   f"put the report in {seeds.name}/ or correct the name")


def load_source(seeds: Path, doc: Document) -> tuple[Source | None, Problem | None]:
    """A report read and cleaned, or the problem that keeps it out of the build."""
    where = Location(f"{seeds.name}/{doc.file}")
    if not (seeds / doc.file).is_file():  # its entry stands: the claims of the report are kept, the report skipped
        return None, _not_a_file(Location(f"{seeds.name}/{MANIFEST}", doc.line), doc.file, seeds)
    if not (seeds / doc.file).resolve().is_relative_to(seeds.resolve()):  # would publish any file the build can read
        return None, Problem(where, f"the report is a link to a file outside {seeds.name}/",
                             f"copy the report into {seeds.name}/ instead of linking to it")
    data = (seeds / doc.file).read_bytes()
    if b"\x00" in data:
        return None, Problem(where, "this is a binary file, not text", "convert the report to UTF-8 text")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return None, Problem(Location(where.file, line), "the file is not UTF-8",
                             "re-save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)")
    if not raw.strip():
        return None, Problem(where, "the report is empty", "put its text in the file or drop its manifest entry")
    return Source(doc, raw, clean_cached(raw)), None


@functools.lru_cache(maxsize=1)
def _cleaner_version() -> str:
    """A digest of the cleaner's code and rules: a cached text is reused only by the same cleaner."""
    code = Path(__file__).read_bytes() + (resources.DATA_DIR / "cleaning.yaml").read_bytes()
    return hashlib.sha1(code).hexdigest()[:12]


def clean_cached(raw: str) -> CleanText:
    """clean(raw), reused from ~/.cache/heshu when this cleaner has cleaned the same text before."""
    key = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    name = f"clean/{_cleaner_version()}/{key[:2]}/{key}.pickle"
    found = cache.read(name)
    if isinstance(found, CleanText):
        return found
    result = clean(raw)
    cache.write(name, result)
    return result


# ---------------------------------------------------------------- cleaning

def clean(raw: str) -> CleanText:
    """Join PDF-broken lines and numbers, drop page furniture, keep headings and paragraphs."""
    lines = [_normalize(line) for line in _split_lines(raw)]
    lines = _drop_furniture(lines)
    blocks = _group(lines)
    return _assemble(blocks, len(raw))


LINE_BREAKS = "\n\f\v\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() breaks at, \r aside


def _split_lines(raw: str) -> list[Piece]:
    lines, cur = [], []
    for i, ch in enumerate(raw):
        if ch in LINE_BREAKS:
            lines.append(cur)
            cur = []
            if ch == "\f":  # a page break also ends the line it interrupts
                lines.append([("\f", i)])
        elif ch != "\r":
            cur.append((ch, i))
    lines.append(cur)
    return lines


CONTROLS = {chr(c) for c in (*range(0x20), *range(0x7f, 0xa0))} - set(LINE_BREAKS) - {"\t", "\r"}
DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufffe", "\uffff", *CONTROLS}
SPACES = {"\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u202f", "\t"}


def _normalize(line: Piece) -> Piece:
    """Full-width digits, letters and signs to ASCII; odd spaces to plain; invisible characters out."""
    out = []
    for ch, off in line:
        if ch in DROP:
            continue
        if ch in SPACES:
            ch = " "
        elif "\uff01" <= ch <= "\uff5e" and (ch.isalnum() or ch in "％．＋－／"):
            ch = unicodedata.normalize("NFKC", ch)
        out.append((ch, off))
    return _drop_thousands_separators(out)


THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:(?P<sep>[, ])\d{3})(?:(?P=sep)\d{3})*(?![\d,])")


def _drop_thousands_separators(line: Piece) -> Piece:
    """1,200 and 2 000 (a space or thin space between groups, then a unit, not a column of figures) as 1200."""
    text = "".join(c for c, _ in line)
    keep = [True] * len(line)
    for m in THOUSANDS.finditer(text):
        if m.group("sep") == " " and not re.match(r" ?[^\s\d]", text[m.end():m.end() + 2]):
            continue
        for j in range(m.start(), m.end()):
            if text[j] == m.group("sep"):
                keep[j] = False
    return [p for p, k in zip(line, keep) if k]


def _text(line: Piece) -> str:
    return "".join(c for c, _ in line)


def _drop_furniture(lines: list[Piece]) -> list[Piece]:
    """Page numbers, page-break marks and running headers become blank lines' worth of nothing."""
    rules = resources.load("cleaning")
    furniture = re.compile("|".join(f"(?:{p})" for p in rules["page_furniture"]))
    counts = Counter(_text(line).strip() for line in lines)
    out = []
    for i, line in enumerate(lines):
        t = _text(line).strip()
        if t == "\f" or furniture.fullmatch(t):
            continue
        if t.isdigit() and len(t) <= 3 and _next_to_page_break(lines, i):
            continue
        if (counts[t] >= rules["repeated_header_min"] and 0 < len(t) <= rules["repeated_header_max_len"]
                and t[-1] not in rules["sentence_end"]):
            continue
        out.append(line)
    return out


def _next_to_page_break(lines: list[Piece], i: int) -> bool:
    near = [_text(lines[j]).strip() for j in (i - 1, i + 1) if 0 <= j < len(lines)]
    return "\f" in near


def _group(lines: list[Piece]) -> list[tuple[str, int, Piece]]:
    """Lines into (kind, level, text) blocks: headings stand alone, broken lines are joined."""
    rules = resources.load("cleaning")
    blocks: list[tuple[str, int, Piece]] = []
    open_para: Piece | None = None
    blank_before = True
    stripped = [s for s in (_text(line).strip() for line in lines) if s]
    lengths = sorted(map(len, stripped))
    typical = lengths[len(lengths) * 9 // 10] if lengths else 0  # the length of a full line
    full = [s for s in stripped if len(s) > rules["title_max_len"]]  # no titles
    whole = bool(full) and sum(_ends_sentence(s, rules) for s in full) >= rules["paragraph_lines"] * len(full)
    for i, line in enumerate(lines):
        t = _text(line)
        if not t.strip():
            blank_before = True
            continue
        heading = _heading(line, rules, blank_before or whole or t[:1] == " ")
        if not heading and _stands_alone(lines, i, open_para, blank_before, rules, typical):
            heading = (2, _strip(_unbold(line)))
        if heading:
            blocks.append(("heading", heading[0], heading[1]))
            open_para = None
        elif open_para is not None and not _starts_paragraph(open_para, t, blank_before or whole, rules):
            open_para[:] = _join(open_para, _strip(line))
        else:
            open_para = _strip(line)
            blocks.append(("paragraph", 0, open_para))
        blank_before = False
    return [(k, lvl, _squeeze(p)) for k, lvl, p in blocks if _text(p).strip()]


def _stands_alone(lines: list[Piece], i: int, para: Piece | None, blank_before: bool, rules: dict,
                  typical: int) -> bool:
    """A short line with no punctuation between blank lines, after a finished sentence, is a title.

    Short means shorter than the text's own lines too: in a narrow column every line is short.
    """
    t = _text(lines[i]).strip()
    if typical < 2 * rules["title_max_len"] and len(t) > 0.7 * typical:
        return False
    blank_after = i + 1 >= len(lines) or not _text(lines[i + 1]).strip()
    finished = para is None or _text(para).rstrip()[-1:] in rules["sentence_end"] + rules["closing_quotes"]
    bare = not any(ch in t for ch in rules["sentence_end"] + "，,、：:")
    return blank_before and blank_after and finished and bare and len(t) <= rules["title_max_len"]


def _heading(line: Piece, rules: dict, blank_before: bool) -> tuple[int, Piece] | None:
    t = _text(line).strip()
    if t.startswith("#"):
        level = len(t) - len(t.lstrip("#"))
        return level, _strip([p for p in _unbold(line) if p[0] != "#"])
    starts = re.compile("|".join(rules["heading_starts"]))
    if (blank_before and starts.match(t) and len(t) <= rules["heading_max_len"]
            and t[-1] not in rules["sentence_end"] + "，,、："):
        return 2, _strip(_unbold(line))
    return None


def _unbold(line: Piece) -> Piece:
    t = _text(line)
    drop = {j for m in re.finditer(r"\*\*|__", t) for j in (m.start(), m.start() + 1)}
    return [p for j, p in enumerate(line) if j not in drop]


def _starts_paragraph(para: Piece, t: str, blank_before: bool, rules: dict) -> bool:
    """A line starts a new paragraph when the one before ended a sentence and a break follows."""
    return _ends_sentence(_text(para).rstrip(), rules) and (blank_before or t[:1] == " ")


def _ends_sentence(last: str, rules: dict) -> bool:
    ends = rules["sentence_end"]
    return bool(last) and (last[-1] in ends or (last[-1] in rules["closing_quotes"] and len(last) > 1
                                                 and last[-2] in ends))


def _strip(line: Piece) -> Piece:
    s, e = 0, len(line)
    while s < e and line[s][0] == " ":
        s += 1
    while e > s and line[e - 1][0] == " ":
        e -= 1
    return line[s:e]


def _join(a: Piece, b: Piece) -> Piece:
    if a and b and _latin(a[-1][0]) and _latin(b[0][0]):
        return a + [(" ", b[0][1])] + b
    return a + b


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _squeeze(line: Piece) -> Piece:
    """Drop spaces a PDF put between characters; keep one between two Latin words or numbers."""
    out: Piece = []
    for j, (ch, off) in enumerate(line):
        if ch != " ":
            out.append((ch, off))
            continue
        nxt = next((c for c, _ in line[j + 1:] if c != " "), "")
        if out and out[-1][0] != " " and _latin(out[-1][0]) and _latin(nxt):
            out.append((" ", off))
    return out


def _assemble(blocks: list[tuple[str, int, Piece]], size: int) -> CleanText:
    text: list[str] = []
    offsets: list[int] = []
    spans: list[Block] = []
    for kind, level, piece in blocks:
        if text:
            nxt = piece[0][1]
            text += ["\n", "\n"]
            offsets += [nxt, nxt]
        start = len(text)
        text += [c for c, _ in piece]
        offsets += [o for _, o in piece]
        spans.append(Block(kind, level, start, len(text)))
    offsets.append(size)
    return CleanText("".join(text), tuple(offsets), tuple(spans))
