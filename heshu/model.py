"""The nouns of the pipeline, as small frozen dataclasses."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

Value = Union[int, float, tuple]  # a number, or (low, high) for a range
YEARS = range(1900, 2201)  # the years a report or a claim may be of


@dataclass(frozen=True)
class Document:
    """One report as listed in seeds/documents.yaml."""

    id: str
    file: str
    title: str
    publisher: str
    published: str  # YYYY-MM or YYYY-MM-DD
    year: int  # what 今年 means in this document
    line: int = 0  # its entry's line in the manifest


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph of cleaned text, [start, end) in cleaned offsets."""

    kind: str  # "heading" | "paragraph"
    level: int  # heading level, 0 for paragraphs
    start: int
    end: int


@dataclass(frozen=True)
class CleanText:
    """A report's text with PDF debris removed, and the way back to the file.

    offsets[i] is the character offset in the file of cleaned character i;
    offsets[len(text)] is the file's length.
    """

    text: str
    offsets: tuple[int, ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Source:
    """A loaded report: its manifest entry, the file as stored, and its cleaned text."""

    doc: Document
    raw: str
    clean: CleanText

    def line_of(self, cleaned_offset: int) -> int:
        """1-based line in the stored file of a cleaned offset."""
        return self.raw.count("\n", 0, self.clean.offsets[cleaned_offset]) + 1


@dataclass(frozen=True)
class Number:
    """One number expression read from text: 约 4 万人, 3-5 个, 45%, 十连涨."""

    start: int
    end: int
    value: Value  # multiplier applied; (low, high) for a range
    unit: str  # the bare unit after the multiplier, "" when none
    approx: str  # exact | about | over | under
    chinese: bool  # written with Chinese numerals
    fig_start: int  # where the figure begins, after any qualifier written before it
    num_end: int  # where the figure (with its multiplier) ends and the unit begins


@dataclass(frozen=True)
class Mention:
    """A number expression that the rules kept as a claim candidate, in its sentence."""

    number: Number
    sentence_start: int
    sentence_end: int
    block: Block


@dataclass(frozen=True)
class Claim:
    """What the extractor says about one numeric claim. People's fields live in the ledger."""

    id: str
    doc: str
    text: str
    quote: str
    offset: int
    line: int
    value: Value
    unit: str
    approx: str
    year: int | None
    period: str
    kind: str  # actual | target
    measure: str  # level | change
    subject: str


@dataclass(frozen=True)
class Fact:
    """A claim as the ledger now states it (people's corrections applied), for linking."""

    id: str
    doc: str
    text: str
    value: float | tuple  # (low, high) for a range
    unit: str
    approx: str
    year: int | None
    period: str
    kind: str
    measure: str
    subject: str
    quote: str
    offset: int
    published: str  # the document's publication date, to order what was said when

    @property
    def point(self) -> float | None:
        """The value as one number, None for a range."""
        return None if isinstance(self.value, tuple) else float(self.value)
