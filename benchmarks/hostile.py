#!/usr/bin/env python3
"""How long extraction takes on texts shaped to be slow: thousands of figures in one sentence (a table
read as text), long runs of digits or numerals, brackets nested deep. Each text is cleaned and
extracted in this process, best of --rounds; prints characters, claims found and seconds.
Usage: python benchmarks/hostile.py [--size 5000] [--rounds 3] [--root CHECKOUT]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def texts(n: int) -> dict[str, str]:
    """Each shape with about n figures or n repetitions."""
    return {
        "figures listed with 、 in one sentence": "全省新建" + "学校120所、" * n + "医院3家。",
        "clauses with a rate each in one sentence": "增长5%，" * n + "。",
        "figures with commas, no sentence end": "1，" * (4 * n),
        "a run of 亿": "亿" * (20 * n),
        "a run of numerals then a unit": "一" * (20 * n) + "个",
        "a run of digits": "1" * (20 * n),
        "brackets nested deep": "（" * (4 * n) + "5个" + "）" * (4 * n),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=5000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = p.parse_args()
    sys.path.insert(0, str(args.root))
    from heshu.documents import clean
    from heshu.extract import extract
    from heshu.model import Document, Source
    doc = Document("hostile", "hostile.txt", "t", "p", "2023-01", 2023)
    extract(Source(doc, "全省新建学校120所。", clean("全省新建学校120所。")))  # jieba loaded before timing
    print(f"{'text':44} {'chars':>8} {'claims':>7} {'seconds':>8}")
    for name, raw in texts(args.size).items():
        best, found = float("inf"), 0
        for _ in range(args.rounds):
            started = time.perf_counter()
            found = len(extract(Source(doc, raw, clean(raw))))
            best = min(best, time.perf_counter() - started)
        print(f"{name:44} {len(raw):8} {found:7} {best:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
