#!/usr/bin/env python3
"""Rendering a site's pages: Jinja's own environment against Heshu's (heshu.site.templating), on the
same pages of a synthetic corpus, in one process, the two in turn, best of --rounds for each.

Prints, for the claim, check and card pages (most of a site): microseconds per page with each, and
whether both rendered the same text. Turning in turn makes the comparison fair on a machine whose core
speeds up and slows down by a fifth within the hour (README, Scale).
Usage: python benchmarks/templating.py [--reports 20] [--pages 1500] [--rounds 12]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
import corpus  # noqa: E402

TEMPLATES = ("claim.html", "check.html", "card.html")


def stock_environment(templates: Path):
    """Jinja's own environment with the settings of heshu.site.templating.environment()."""
    from jinja2 import Environment, FileSystemLoader
    from heshu.site.templating import SETTINGS
    return Environment(loader=FileSystemLoader(str(templates)), **SETTINGS)


def site_of(root: Path):
    """The assembled site of the project at root, after extract and link."""
    from heshu import project
    from heshu.site.assemble import assemble
    from heshu.site.pages import SiteInput
    p = project.Project(root)
    project.run_extract(p)
    project.run_link(p)
    checked = project.run_check(p)
    c = checked.corpus
    return assemble(SiteInput(project.load_config(p), c.docs, c.sources, checked.ledger, checked.links, None, ""))


def compare(site, templates: Path, pages: int, rounds: int) -> None:
    from heshu.site.render import _render
    from heshu.site.templating import environment
    envs = {"jinja": stock_environment(templates), "heshu": environment(templates)}
    print(f"{'template':12} {'pages':>6} {'Jinja µs':>9} {'Heshu µs':>9} {'ratio':>6}  same text")
    for name in TEMPLATES:
        chosen = [p for p in site.pages if p.template == name][:pages]
        best, text, fragments = dict.fromkeys(envs, float("inf")), {}, {k: {} for k in envs}
        for _ in range(rounds):
            for k, env in envs.items():
                started = time.perf_counter()
                text[k] = [_render(env, p, "https://example.org/", set(), fragments[k]) for p in chosen]
                best[k] = min(best[k], time.perf_counter() - started)
        us = {k: best[k] / max(1, len(chosen)) * 1e6 for k in envs}
        print(f"{name:12} {len(chosen):6d} {us['jinja']:9.1f} {us['heshu']:9.1f} {us['heshu'] / us['jinja']:6.2f}  "
              f"{text['jinja'] == text['heshu']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=20)
    ap.add_argument("--pages", type=int, default=1500, help="pages of each template")
    ap.add_argument("--rounds", type=int, default=12)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="heshu-templating-"))
    os.environ["HESHU_CACHE"] = str(work / "cache")
    try:
        root = work / "project"
        shutil.copytree(ROOT / "templates", root / "templates")
        corpus.make(ROOT / "seeds", root, args.reports)
        compare(site_of(root), root / "templates", args.pages, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
