#!/usr/bin/env python3
"""Heshu's command line: extract | link | check. A thin layer over heshu.project."""
from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from heshu import report
from heshu.errors import HeshuError
from heshu.project import Project, run_build, run_check, run_extract, run_link


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
    total = sum(result.counts.values())
    state = "claims.yaml written" if result.written else "claims.yaml unchanged"
    print(f"extract: {total} claims from {len(result.counts)} reports; {len(r.added)} new, "
          f"{len(r.updated)} updated, {len(r.kept_edits)} edited kept, {len(r.vanished)} vanished; "
          f"{state} ({time.perf_counter() - started:.1f}s)")
    return report_problems(result.problems)


def cmd_link(args: argparse.Namespace) -> int:
    """Propose series and arithmetic checks in claims.yaml, then show series, checks and targets."""
    result = run_link(Project(args.root), log)
    for name, r in (("series", result.series), ("checks", result.checks)):
        for item in r.removed:
            log(f"{name}: {item} is no longer proposed and nobody edited it; removed")
    if args.tables:
        for table in (report.series_table, report.checks_table, report.targets_table):
            print("\n".join(table(result.links)) + "\n")
    n = result.counts
    state = "claims.yaml written" if result.written else "claims.yaml unchanged"
    print(f"link: {n['series']} series, {n['checks']} checks ({n['failing']} failing), {n['targets']} targets; {state}")
    return report_problems(result.problems)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the manifest and claims.yaml (exit 1 if anything is wrong); list failing checks and targets."""
    result = run_check(Project(args.root), log, args.base_url)
    if result.links is not None:
        for line in report.findings(result.links):
            print(line)
    if not result.problems:
        print("check: no problems")
    return report_problems(result.problems)


MAX_SHOWN = 200


REPORTED: set = set()  # problems already printed in this run (extract, link and build share the reports')


def report_problems(problems) -> int:
    """Print the problems (the first MAX_SHOWN of a flood) and return the exit status."""
    new = [p for p in problems if p not in REPORTED]
    REPORTED.update(new)
    problems = new
    for p in problems[:MAX_SHOWN]:
        print(p, file=sys.stderr)
    if len(problems) > MAX_SHOWN:
        print(f"... and {len(problems) - MAX_SHOWN} more", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems or REPORTED else 0


def cmd_build(args: argparse.Namespace) -> int:
    """Check claims.yaml, then write the site to site/ (a failed build leaves the old site/ whole)."""
    started = time.perf_counter()
    result = run_build(Project(args.root), log, args.base_url, once=args.once)
    if result.pages:
        state = ", unchanged: nothing it is built from changed" if result.unchanged else ""
        print(f"build: {result.pages} pages, {result.claims} claims in site/{state} ({time.perf_counter() - started:.1f}s)")
    return report_problems(result.problems)


def cmd_serve(args: argparse.Namespace) -> int:
    """Build, serve site/ on localhost, and rebuild when seeds/, claims.yaml or templates/ change."""
    from heshu.site.serve import serve

    project = Project(args.root)
    cmd_all(args)
    if not project.site.exists():
        return 1
    serve(project.site, [project.seeds, project.ledger, project.templates], lambda: cmd_all(args), args.port, log)
    return 0


def cmd_all(args: argparse.Namespace) -> int:
    """extract, link, then build (which checks first)."""
    args.tables = False
    statuses = [cmd_extract(args), cmd_link(args), cmd_build(args)]  # a bad report does not stop the others
    return max(statuses)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Heshu (核数): fact-check the numbers in reports.")
    p.add_argument("--root", type=Path, default=Path(__file__).resolve().parent,
                   help="project folder holding seeds/ and claims.yaml (default: this folder)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    p.add_argument("--base-url", help="the address the site is published at (default: templates/site.yaml)")
    p.add_argument("--once", action="store_true",
                   help="keep nothing for a quick rebuild, for a build that no later build starts from (CI on a "
                        "clean clone): less time; the next build is a full one")
    for name, func in (("extract", cmd_extract), ("link", cmd_link), ("check", cmd_check), ("build", cmd_build),
                       ("serve", cmd_serve)):
        s = sub.add_parser(name, help=func.__doc__, description=func.__doc__)
        s.set_defaults(func=func)
        if name == "link":
            s.add_argument("--tables", action="store_true", help="print the series, checks and targets as tables")
        if name == "serve":
            s.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (0 picks a free one)")
    return p


def main(argv: list[str] | None = None) -> int:
    REPORTED.clear()
    p = parser()
    args = p.parse_args(argv)
    func = getattr(args, "func", cmd_all)
    if args.once and func is cmd_serve:
        p.error("serve rebuilds after every edit, which --once would make full builds: leave --once out")
    try:
        return func(args)
    except HeshuError as e:
        return report_problems(e.problems)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    status = main()
    # The process ends here: the collector need not walk the build's objects once more on the way out
    # (at 200 reports that last collection took 0.3 to 0.4 s).
    gc.freeze()
    sys.exit(status)
