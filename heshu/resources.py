"""Read the data files in heshu/data/ (units, qualifiers, label rules, cue words)."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

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
