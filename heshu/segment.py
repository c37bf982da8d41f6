"""Word segmentation: the only module that touches jieba, with its own tokenizer and cache.

What earlier runs segmented is kept in the cache (see remember()), so that a run that meets only
texts it has seen, such as `link` on an unchanged ledger, never loads jieba's dictionary.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from . import cache


@dataclass(frozen=True)
class Token:
    word: str
    pos: str  # jieba's part-of-speech tag: n, v, m, q, t, ...
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def _tagger():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    folder = cache.cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(folder)
    except OSError:
        pass  # an unwritable home: jieba falls back to the system temp folder
    return jieba.posseg.POSTokenizer(tokenizer)


def tokens(text: str) -> tuple[Token, ...]:
    """The words of text with their parts of speech and offsets."""
    found = _USED.get(text)
    if found is None:
        found = _stored().get(text)
        _USED[text] = found = _cut(text) if found is None else found
    return found


_USED: dict[str, tuple[Token, ...]] = {}  # what this run segmented or took from the store


@functools.lru_cache(maxsize=1)
def _stored() -> dict[str, tuple[Token, ...]]:
    found = cache.read(_store_name())
    return found if isinstance(found, dict) else {}


def _store_name() -> str:
    return f"segments/{cache.code_digest()[:16]}.pickle"  # another jieba or user dictionary: another store


def remember() -> None:
    """Keep the texts this run segmented for the next runs (only these: the store does not grow forever)."""
    if _USED.keys() != _stored().keys():
        cache.write(_store_name(), dict(_USED))


def _cut(text: str) -> tuple[Token, ...]:
    out: list[Token] = []
    i = 0
    for pair in _tagger().cut(text, HMM=False):
        word, pos, start = pair.word, pair.flag, i
        if len(out) > 1 and out[-1].word == "." and _decimal_point(out[-2].word, word):
            point, first = out.pop(), out.pop()  # jieba cuts a decimal (and PM2.5) at the point: one word
            word, pos, start = first.word + point.word + word, first.pos, first.start
        i += len(pair.word)
        out.append(Token(word, "m" if _arabic(word) else pos, start, i))
    return tuple(out)


def _decimal_point(before: str, after: str) -> bool:
    return before.isascii() and after.isascii() and before[-1:].isdigit() and after[:1].isdigit()


def _arabic(word: str) -> bool:
    """An Arabic figure, which jieba tags as a Latin word (eng): a numeral (m), like a Chinese one."""
    return word.isascii() and word.replace(".", "", 1).isdigit()


def words(text: str) -> list[str]:
    """The words of text, for matching."""
    return [t.word for t in tokens(text)]

