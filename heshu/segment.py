"""Word segmentation: the only module that touches jieba, with its own tokenizer and cache."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from .cache import cache_dir


@dataclass(frozen=True)
class Token:
    word: str
    pos: str  # jieba's part-of-speech tag: n, v, m, q, t, ...
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def _tagger():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(folder)
    except OSError:
        pass  # an unwritable home: jieba falls back to the system temp folder
    return jieba.posseg.POSTokenizer(tokenizer)


@functools.lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """The words of text with their parts of speech and offsets."""
    out, i = [], 0
    for pair in _tagger().cut(text, HMM=False):
        out.append(Token(pair.word, pair.flag, i, i + len(pair.word)))
        i += len(pair.word)
    return tuple(out)


def words(text: str) -> list[str]:
    """The words of text, for matching."""
    return [t.word for t in tokens(text)]

