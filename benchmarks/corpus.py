"""A synthetic corpus: N reports made from the seed reports' sentences with their figures changed."""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

NUMBER = re.compile(r"(?<![\d.])(\d+)(\.\d+)?(?![\d.])")


def vary(text: str, rng: random.Random) -> str:
    """The text with every figure that is not a year scaled by a random factor, keeping its digits' shape."""
    def one(m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2) or ""
        if len(whole) == 4 and whole[:2] in ("19", "20") and not frac:
            return m.group(0)
        value = float(whole + frac) * rng.uniform(0.7, 1.4)
        decimals = len(frac) - 1 if frac else 0
        return f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))
    return NUMBER.sub(one, text)


def make(seeds: Path, out: Path, n: int) -> list[str]:
    """Write n reports and their manifest into out/seeds; the ids of the reports."""
    manifest = yaml.safe_load((seeds / "documents.yaml").read_text(encoding="utf-8"))["documents"]
    target = out / "seeds"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    docs = []
    for k in range(n):
        base = manifest[k % len(manifest)]
        rng = random.Random(k)
        text = (seeds / base["file"]).read_text(encoding="utf-8")
        ident = f"r{k:04d}"
        (target / f"{ident}.txt").write_text(vary(text, rng) if k >= len(manifest) else text, encoding="utf-8")
        docs.append({"id": ident, "file": f"{ident}.txt", "title": f"{base['title']}（样本{k}）",
                     "publisher": base["publisher"], "published": base["published"], "year": base["year"]})
    (target / "documents.yaml").write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    return [d["id"] for d in docs]
