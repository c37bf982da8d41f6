#!/usr/bin/env python3
"""Score the extractor against the hand-checked claims in tests/fixtures/gold/.

Prints, per report and in all: claims found, precision, recall, and how often
each attribute of a correctly found claim is right.  Usage:
    python benchmarks/evaluate.py [--root DIR]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heshu.project import Project, load_corpus  # noqa: E402
from heshu.extract import extract  # noqa: E402

ATTRIBUTES = ("value", "unit", "approx", "year", "kind", "measure")


@dataclass
class Score:
    found: int = 0
    gold: int = 0
    matched: int = 0
    right: Counter = field(default_factory=Counter)
    misses: list = field(default_factory=list)
    extras: list = field(default_factory=list)
    wrong: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    def accuracy(self, attr: str) -> float:
        return self.right[attr] / self.matched if self.matched else 1.0

    def add(self, other: "Score") -> None:
        self.found += other.found
        self.gold += other.gold
        self.matched += other.matched
        self.right.update(other.right)
        self.misses += other.misses
        self.extras += other.extras
        self.wrong += other.wrong


def read_gold(path: Path) -> dict[tuple[str, int], dict[str, str]]:
    """The reference rows keyed by (text, nth)."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        text, nth, value, unit, approx, year, kind, measure = cells[:8]
        rows[(text, int(nth))] = dict(value=value, unit=unit, approx=approx, year=year, kind=kind, measure=measure)
    return rows


def _as_row(claim) -> dict[str, str]:
    v = claim.value
    value = f"{v[0]}-{v[1]}" if isinstance(v, list) else str(v)
    return dict(value=value, unit=claim.unit, approx=claim.approx, year=str(claim.year),
                kind=claim.kind, measure=claim.measure)


def score_document(claims, gold: dict) -> Score:
    s = Score(found=len(claims), gold=len(gold))
    seen: Counter = Counter()
    for c in claims:
        seen[c.text] += 1
        key = (c.text, seen[c.text])
        if key not in gold:
            s.extras.append(f"{c.doc} {c.text} ({c.quote[:30]})")
            continue
        s.matched += 1
        row = _as_row(c)
        for attr in ATTRIBUTES:
            if row[attr] == gold[key][attr]:
                s.right[attr] += 1
            else:
                s.wrong.append(f"{c.doc} {c.text}: {attr} {row[attr]} (reference: {gold[key][attr]})")
    found_keys = set()
    seen.clear()
    for c in claims:
        seen[c.text] += 1
        found_keys.add((c.text, seen[c.text]))
    s.misses = [f"{k[0]} #{k[1]}" for k in gold if k not in found_keys]
    return s


def evaluate(root: Path = ROOT) -> dict[str, Score]:
    """Scores per document id, for every document that has a reference file."""
    corpus = load_corpus(Project(root))
    scores = {}
    for doc_id, source in corpus.sources.items():
        path = root / "tests" / "fixtures" / "gold" / f"{doc_id}.tsv"
        if path.exists():
            scores[doc_id] = score_document(extract(source), read_gold(path))
    return scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss, extra and wrong attribute")
    args = ap.parse_args()
    scores = evaluate(args.root)
    total = Score()
    print("| report | claims found | reference | precision | recall | " + " | ".join(ATTRIBUTES) + " |")
    print("|---" * (5 + len(ATTRIBUTES)) + "|")
    for doc_id, s in [*scores.items(), ("all", total)]:
        if doc_id != "all":
            total.add(s)
        cells = [f"{s.accuracy(a):.3f}" for a in ATTRIBUTES]
        print(f"| {doc_id} | {s.found} | {s.gold} | {s.precision:.3f} | {s.recall:.3f} | " + " | ".join(cells) + " |")
    if args.verbose:
        for label, items in (("missed", total.misses), ("not claims", total.extras), ("wrong", total.wrong)):
            for item in items:
                print(f"{label}: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
