#!/usr/bin/env python3
"""Is a change faster? Full builds of two checkouts of Heshu in turn on the same synthetic corpus (each
checkout with its own templates/), with Hugo building as many pages between them, so that each build
is compared with a reference timed beside it.

On a virtual machine whose core speeds up and slows down by half within the hour (README, Scale),
two runs of benchmarks/scale.py at different times cannot tell a change of 15 % from the machine's
drift; builds in turn can. Prints each round's seconds and, at the end, the best of each and each
checkout's best pages per second against Hugo's best.
Usage: python benchmarks/against.py OTHER_CHECKOUT [--reports 200] [--rounds 4] [--keep DIR]
(e.g. `git worktree add /tmp/before HEAD~3`, then `python benchmarks/against.py /tmp/before`)
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402
import scale  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("other", type=Path, help="the other checkout (its build.py and heshu/)")
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    work = scale.empty_folder(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="heshu-against-"))
    checkouts = {"this": ROOT, "other": args.other.resolve()}
    try:
        root = work / "project"
        shutil.copytree(ROOT / "templates", root / "templates")
        corpus.make(ROOT / "seeds", root, args.reports)
        os.environ["HESHU_CACHE"] = str(work / "cache")
        for step in ("extract", "link", "build"):
            output = scale.run_step(root, step)[2]
        pages = scale.built(output)[0]
        for code in checkouts.values():  # each checkout's own caches (keyed by its code) filled once, untimed
            _templates(root, code)
            scale.full_build(root, work / "trash", code)
        times: dict[str, list[float]] = {"this": [], "other": [], "hugo": []}
        print(f"{args.reports} reports, {pages} pages; this: {ROOT}, other: {checkouts['other']}")
        print(f"{'round':>5} {'this s':>8} {'other s':>8} {'Hugo s':>8} {'gauge s':>8}")
        for k in range(args.rounds):
            gauge = scale.cpu_gauge()
            for name, code in checkouts.items():
                _templates(root, code)
                times[name].append(scale.full_build(root, work / "trash", code))
            times["hugo"].append(scale.hugo(pages, work / "hugo", f"public{k}") or float("nan"))
            shutil.rmtree(work / "trash", ignore_errors=True)
            print(f"{k + 1:5d} {times['this'][-1]:8.2f} {times['other'][-1]:8.2f} {times['hugo'][-1]:8.2f} {gauge:8.2f}")
        best = {name: min(t) for name, t in times.items()}
        print("best: " + ", ".join(f"{name} {t:.2f} s" for name, t in best.items()))
        print("pages/s against Hugo's: " + ", ".join(f"{name} {best['hugo'] / best[name]:.2f}" for name in checkouts))
        print(f"this ÷ other, best: {best['this'] / best['other']:.3f}; round by round: "
              + " ".join(f"{a / b:.3f}" for a, b in zip(times["this"], times["other"])))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _templates(root: Path, code: Path) -> None:
    """The project's templates as the checkout has them: a checkout's code and its templates go together."""
    shutil.rmtree(root / "templates", ignore_errors=True)
    shutil.copytree(code / "templates", root / "templates")


if __name__ == "__main__":
    main()
