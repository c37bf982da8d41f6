#!/usr/bin/env python3
"""Heshu's command line: extract | check. A thin layer over heshu.project."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from heshu.errors import HeshuError
from heshu.project import Project, run_check, run_extract


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_extract(args: argparse.Namespace) -> int:
    """Find every numeric claim in seeds/ and merge them into claims.yaml."""
    started = time.perf_counter()
    result = run_extract(Project(args.root), log)
    r = result.report
    for claim_id in r.vanished:
        log(f"vanished: {claim_id} is no longer found in its report; kept and marked `vanished: true`")
    for claim_id in r.kept_edits:
        log(f"kept your edit: {claim_id} (the extractor now reads it differently; your fields stand)")
    total = sum(len(c) for c in result.claims.values())
    state = "claims.yaml written" if result.written else "claims.yaml unchanged"
    print(f"extract: {total} claims from {len(result.claims)} reports; {len(r.added)} new, "
          f"{len(r.updated)} updated, {len(r.kept_edits)} edited kept, {len(r.vanished)} vanished; "
          f"{state} ({time.perf_counter() - started:.1f}s)")
    return report_problems(result.problems)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the manifest and claims.yaml; exit 1 if anything is wrong."""
    problems = run_check(Project(args.root), log)
    if not problems:
        print("check: no problems")
    return report_problems(problems)


def report_problems(problems) -> int:
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Heshu (核数): fact-check the numbers in reports.")
    p.add_argument("--root", type=Path, default=Path(__file__).resolve().parent,
                   help="project folder holding seeds/ and claims.yaml (default: this folder)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, func in (("extract", cmd_extract), ("check", cmd_check)):
        s = sub.add_parser(name, help=func.__doc__, description=func.__doc__)
        s.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        args.func = lambda a: cmd_extract(a) or cmd_check(a)
    try:
        return args.func(args)
    except HeshuError as e:
        return report_problems(e.problems)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
