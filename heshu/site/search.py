"""The search index: Chinese bigrams, Latin words and values, in shards loaded as scripts.

Every Chinese word of two characters or more is found through its bigrams (贫困 in 贫困人口,
脱贫 in 脱贫攻坚), so the index needs no segmenter at build time. A query loads only the shards
of its terms (one small script each) and then the records of the hits, so it stays fast on a
large site, and works from the file system as well as a server.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from .. import cache
from .export import script_safe


CJK = re.compile(r"[\u3400-\u9fff]+")
LATIN = re.compile(r"[a-z0-9][a-z0-9.]*")
RECORDS_PER_CHUNK = 50
TERMS_PER_SHARD = 400


@dataclass(frozen=True)
class Record:
    """One search result: a claim or a paragraph of a report."""

    kind: str  # claim | paragraph
    title: str
    snippet: str
    path: str  # the page inside site/, with its fragment
    text: str  # what is searched
    values: tuple[str, ...] = ()  # exact values, e.g. 99130000000


def fnv1a(term: str) -> int:
    """FNV-1a (32 bit) of the term's UTF-8 bytes; search.js computes the same."""
    h = 0x811C9DC5
    for b in term.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def terms(text: str) -> set[str]:
    """The index terms of a text: Chinese bigrams (b:) and Latin words and numbers (l:)."""
    bigrams, words = _terms(text)
    return {f"b:{b}" for b in bigrams} | {f"l:{w}" for w in words}


def _terms(text: str) -> tuple[set[str], set[str]]:
    text = unicodedata.normalize("NFKC", text).lower()
    bigrams: set[str] = set()
    for run in CJK.findall(text):
        bigrams.update(map(str.__add__, run, run[1:]))  # each character with the next
    return bigrams, set(LATIN.findall(text))


def build(records: list[Record]) -> dict[str, str]:
    """The files of the index, path (inside search/) → content."""
    by_kind: dict[str, dict[str, list[int]]] = {"b:": defaultdict(list), "l:": defaultdict(list), "v:": defaultdict(list)}
    for i, r in enumerate(records):  # records in order, so each posting list is ascending
        # by kind of term: the prefixes are added once per term below, not once per posting (half the time)
        for lists, found in zip(by_kind.values(), (*_terms(r.text), r.values)):
            for t in found:
                lists[t].append(i)
    postings = {prefix + t: found for prefix, lists in by_kind.items() for t, found in lists.items()}
    shard_count = 1
    while len(postings) / shard_count > TERMS_PER_SHARD:
        shard_count *= 2
    shards: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for t in sorted(postings):
        shards[fnv1a(t) % shard_count][t] = postings[t]
    files = {"meta.js": _js("meta", {"shards": shard_count, "chunk": RECORDS_PER_CHUNK, "records": len(records)})}
    for n in range(shard_count):
        files[f"terms/{n}.js"] = _js("shard", [n, shards.get(n, {})])
    for start in range(0, len(records), RECORDS_PER_CHUNK):
        chunk = [[r.kind, r.title, r.snippet, r.path] for r in records[start:start + RECORDS_PER_CHUNK]]
        files[f"records/{start // RECORDS_PER_CHUNK}.js"] = _js("records", [start // RECORDS_PER_CHUNK, chunk])
    return files


def build_cached(records: list[Record]) -> dict[str, str]:
    """build(records), reused from the last build when no record changed (a verdict edit, say)."""
    key = hashlib.sha1(repr([(r.kind, r.title, r.snippet, r.path, r.text, r.values, RECORDS_PER_CHUNK,
                               TERMS_PER_SHARD) for r in records]).encode("utf-8")).hexdigest()
    found = cache.read("search-index.pickle")
    if found and found[0] == key:
        return found[1]
    files = build(records)
    cache.write("search-index.pickle", (key, files))
    return files


def _js(call: str, data) -> str:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # </script>, line separators and direction controls must not survive inside a script
    body = script_safe(body)
    return f"heshuSearch.{call}({body});\n"
