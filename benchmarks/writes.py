#!/usr/bin/env python3
"""Writing a site's pages: open() and Path.mkdir() against os.open() and os.mkdir(), as heshu.site.render.put
writes them. Each page in its own folder, as claims/<id>/index.html are.
Usage: python benchmarks/writes.py [--pages 20000] [--dir DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from heshu.site.render import put  # noqa: E402

PAGE = "核数".encode("utf-8") * 1200  # about 7 KB, a claim page's size


def with_pathlib(out: Path, pages: int) -> None:
    for i in range(pages):
        (out / "claims" / f"c{i}").mkdir(parents=True, exist_ok=True)
        with open(os.path.join(out, "claims", f"c{i}", "index.html"), "wb") as f:
            f.write(PAGE)


def with_put(out: Path, pages: int) -> None:
    made: set[str] = set()
    for i in range(pages):
        put(out, f"claims/c{i}/index.html", PAGE, made)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20_000)
    ap.add_argument("--dir", type=Path, help="where to write (by default a temporary folder)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(dir=args.dir))
    try:
        for k in range(3):
            for way in (with_pathlib, with_put):
                out = work / f"{way.__name__}{k}"
                out.mkdir()
                started = time.perf_counter()
                way(out, args.pages)
                print(f"{way.__name__}: {args.pages} pages in {time.perf_counter() - started:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
