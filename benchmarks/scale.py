#!/usr/bin/env python3
"""How Heshu scales: a synthetic corpus of N reports through extract, link and build.

For N = 2, 20, 200 (or --sizes), prints claims, pages, seconds for extract, link and build, pages
per second, peak memory, seconds to rebuild after one claim's verdict changes and with nothing
changed, seconds for all three steps (`python build.py`) after another verdict changes (the first
time after extract and link wrote the ledger, and once more), and the bytes a search for 贫困 loads;
and, on the same disk in the same run, three references for the same
page count: Jinja2 rendering the pages with one template and nothing else (the floor of a Python
build), Hugo building as many pages from generated content (where `hugo` is installed), and the
time to create 10,000 files of 5 KB in nested folders (the disk's floor). The full build, the
same with --once (nothing kept for a quick rebuild, as a CI build would run it), the Jinja2 floor and
Hugo are each timed three times, in turn, and the ratios use the best of each.
On a virtual machine it also prints the share of CPU time the host took away during the run, and
the time of a fixed loop at the start and at the end (how fast the core was).
Usage: python benchmarks/scale.py [--sizes 2 20 200] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
import corpus  # noqa: E402


def run_step(root: Path, *command: str, code_root: Path = ROOT) -> tuple[float, int, str]:
    """Seconds, peak memory (KiB) and output of one build.py command (none: all steps) in its own process,
    with the Heshu checkout at code_root."""
    os.sync()  # each step starts with the disk's queue empty, as the references do
    code = ("import resource, subprocess, sys, time;"
            f"t = time.perf_counter(); p = subprocess.run([sys.executable, {str(code_root / 'build.py')!r}, '--root', "
            f"{str(root)!r}, *{list(command)!r}], capture_output=True, text=True);"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
            "print(p.stdout + p.stderr, file=sys.stderr)")
    # As Python runs by default: writing the bytecode of the modules it compiles, so that a run after the
    # first does not compile Heshu's modules again (a machine may turn that off; main() says if this one did).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(code_root)  # that checkout's heshu, whichever one is installed
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    seconds, peak = done.stdout.split()
    return float(seconds), int(peak), done.stderr


def built(output: str) -> tuple[int, int]:
    """The pages and claims a build says it wrote, from its output (0, 0 if it says nothing of them)."""
    line = next((l for l in output.splitlines() if l.startswith("build:") and "pages," in l), "")
    return (int(line.split()[1]), int(line.split()[3])) if line else (0, 0)


def jinja_floor(pages: int, out: Path) -> float:
    """Seconds for Jinja2 to render and write `pages` small pages with one template, one process."""
    from jinja2 import Environment
    env = Environment(autoescape=True)
    template = env.from_string(
        "<!doctype html><html lang=zh-CN><head><title>{{ title }}</title></head><body><nav>{% for l in links %}"
        "<a href=\"{{ l }}\">{{ l }}</a>{% endfor %}</nav><main><h1>{{ title }}</h1><p>{{ text }}</p>"
        "<dl>{% for k, v in facts %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl></main></body></html>")
    links = [f"../../section{i}/index.html" for i in range(8)]
    facts = [("数值", "23.9万人"), ("时期", "2019年"), ("类型", "实际"), ("指标", "贫困人口")]
    text = "截至2018年底，农村贫困人口由2014年建档立卡时的329万减少到25.5万，贫困村由7993个减少到918个。" * 3
    os.sync()
    started = time.perf_counter()
    for i in range(pages):
        folder = out / "claims" / f"c{i:06d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(template.render(title=f"数字 {i}", links=links, text=text, facts=facts),
                                           encoding="utf-8")
    return time.perf_counter() - started


def files_floor(out: Path, count: int = 10_000, size: int = 5 * 1024) -> float:
    blob = b"x" * size
    os.sync()
    started = time.perf_counter()
    for i in range(count):
        folder = out / f"d{i // 1000}" / f"e{i // 100 % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i}.html").write_bytes(blob)
    return time.perf_counter() - started


def hugo(pages: int, out: Path, public: str = "public") -> float | None:
    """Seconds for Hugo to build `pages` pages from generated content into out/public, or None without hugo."""
    exe = shutil.which("hugo")
    if not exe:
        return None
    if not (out / "hugo.toml").exists():
        _hugo_content(pages, out)
    os.sync()
    started = time.perf_counter()
    subprocess.run([exe, "--source", str(out), "--destination", str(out / public), "--quiet"], check=True)
    return time.perf_counter() - started


def _hugo_content(pages: int, out: Path) -> None:
    (out / "content" / "claims").mkdir(parents=True)
    (out / "layouts" / "_default").mkdir(parents=True)
    (out / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "bench"\n'
                                   'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    (out / "layouts" / "_default" / "single.html").write_text(
        "<!doctype html><html lang=zh-CN><head><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>"
        "{{ .Content }}<dl>{{ range $k, $v := .Params.facts }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}</dl>"
        "</main></body></html>", encoding="utf-8")
    (out / "layouts" / "_default" / "list.html").write_text("<html><body>{{ .Title }}</body></html>", encoding="utf-8")
    (out / "layouts" / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    text = "截至2018年底，农村贫困人口由2014年建档立卡时的329万减少到25.5万，贫困村由7993个减少到918个。" * 3
    for i in range(pages):
        (out / "content" / "claims" / f"c{i:06d}.md").write_text(
            f'---\ntitle: "数字 {i}"\nfacts:\n  数值: 23.9万人\n  时期: 2019年\n---\n{text}\n', encoding="utf-8")


def query_bytes(site: Path, query: str) -> int:
    """Bytes search.js loads for a Chinese query: meta, one shard per bigram, the records of the first hits."""
    from heshu.site.search import fnv1a

    def load(path: Path):
        text = path.read_text(encoding="utf-8")
        return json.loads(text[text.index("(") + 1:text.rindex(")")]), path.stat().st_size
    meta, total = load(site / "search" / "meta.js")
    hits = None
    shards = set()
    for i in range(len(query) - 1):
        term = f"b:{query[i:i + 2]}"
        n = fnv1a(term) % meta["shards"]
        (_, shard), size = load(site / "search" / "terms" / f"{n}.js")
        if n not in shards:
            total += size
            shards.add(n)
        found = set(shard.get(term, []))
        hits = found if hits is None else hits & found
    for chunk in sorted({i // meta["chunk"] for i in sorted(hits or [])[:60]}):  # as search.js: the first 60
        total += (site / "search" / "records" / f"{chunk}.js").stat().st_size
    return total


def empty_folder(path: Path) -> Path:
    """path, made if need be; the script stops with a message if something is in it already."""
    if path.is_dir() and any(path.iterdir()):
        sys.exit(f"{path} is not empty: remove it, or name another folder for --keep")
    path.mkdir(parents=True, exist_ok=True)
    return path


def measure(n: int, work: Path) -> dict:
    root = work / f"n{n}"
    shutil.copytree(ROOT / "templates", root / "templates")
    corpus.make(ROOT / "seeds", root, n)
    os.environ["HESHU_CACHE"] = str(work / f"cache{n}")  # nothing cached from other runs: a first build is a full one
    row = {"reports": n}
    for step in ("extract", "link", "build"):
        seconds, peak, output = run_step(root, step)
        row[step] = round(seconds, 2)
        row[f"{step}_peak_mib"] = round(peak / 1024)
        if step == "build":
            row["pages"], row["claims"] = built(output)
    row["pages_per_s"] = round(row["pages"] / row["build"]) if row["build"] else 0
    ledger = root / "claims.yaml"

    def one_edit():
        ledger.write_text(ledger.read_text(encoding="utf-8").replace("verdict: unrated", "verdict: accurate", 1),
                          encoding="utf-8")
    one_edit()
    row["rebuild_one_edit"] = round(run_step(root, "build")[0], 2)
    row["rebuild_no_change"] = round(run_step(root, "build")[0], 2)
    one_edit()
    row["all_steps_one_edit"] = round(run_step(root)[0], 2)  # `python build.py`: extract, link and build
    one_edit()  # and again: extract and link last ran on a ledger they left as it was, so they can skip
    row["all_steps_next_edit"] = round(run_step(root)[0], 2)
    row["search_kib_贫困"] = round(query_bytes(root / "site", "贫困") / 1024)
    builds, onces, floors, hugos = [row["build"]], [], [], []
    for k in range(REPEATS):  # the disk is noisy: each of the four, in turn, REPEATS times; the best of each
        if k:
            builds.append(full_build(root, work / "trash"))
        onces.append(full_build(root, work / "trash", options=("--once",)))
        floors.append(jinja_floor(row["pages"], work / f"jinja{n}-{k}"))
        hugos.append(hugo(row["pages"], work / f"hugo{n}", f"public{k}"))
    row["build_best"] = round(min(builds), 2)
    row["jinja_floor"] = round(min(floors), 2)
    row["build_vs_jinja"] = round(row["build_best"] / row["jinja_floor"], 2) if row["jinja_floor"] else None
    h = min(hugos) if None not in hugos else None
    row["hugo"] = round(h, 2) if h is not None else None
    row["hugo_pages_per_s"] = round(row["pages"] / h) if h else None
    row["speed_vs_hugo"] = round(row["pages"] / row["build_best"] / row["hugo_pages_per_s"], 2) if h else None
    row["once_best"] = round(min(onces), 2)  # `build.py --once build`: nothing kept for a quick rebuild
    row["once_vs_jinja"] = round(row["once_best"] / row["jinja_floor"], 2) if row["jinja_floor"] else None
    row["once_speed_vs_hugo"] = round(row["pages"] / row["once_best"] / row["hugo_pages_per_s"], 2) if h else None
    shutil.rmtree(work / "trash", ignore_errors=True)
    return row


REPEATS = 3


def full_build(root: Path, trash: Path, code_root: Path = ROOT, options: tuple[str, ...] = ()) -> float:
    """Seconds of another full build (with the checkout at code_root, and these options of build.py):
    site/ moved aside (deleting 60,000 files slows the disk for a while), the record of the last build and
    the search index dropped from the cache."""
    trash.mkdir(exist_ok=True)
    (root / "site").rename(trash / f"site-{time.monotonic_ns()}")
    cache = Path(os.environ["HESHU_CACHE"])
    shutil.rmtree(cache / "builds", ignore_errors=True)
    (cache / "search-index.pickle").unlink(missing_ok=True)
    seconds, _, output = run_step(root, *options, "build", code_root=code_root)
    if not built(output)[0]:  # a build that wrote nothing is not a time to compare
        raise RuntimeError(f"the build with {code_root} failed:\n{output[-2000:]}")
    return seconds


def cpu_gauge() -> float:
    """Seconds for a fixed loop of Python arithmetic: how fast this core is now. A virtual machine's
    host may slow it down without taking CPU time away (by a fifth within an hour here), so the
    script runs it at the start and at the end of the run."""
    started, total = time.perf_counter(), 0
    for i in range(20_000_000):
        total += i * i
    return time.perf_counter() - started


def cpu_times() -> tuple[int, int] | None:
    """(stolen, total) CPU time since boot, in ticks, from /proc/stat: the time a virtual machine's
    host gave to others while this one wanted to run. None where there is no /proc/stat."""
    try:
        ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return (ticks[7] if len(ticks) > 7 else 0), sum(ticks[:8])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2, 20, 200])
    ap.add_argument("--keep", type=Path, help="keep the generated projects in this folder")
    args = ap.parse_args()
    work = empty_folder(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="heshu-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set here: the steps run without it, as Python runs by default")
    print(f"10,000 files of 5 KB in nested folders: {files_floor(work / 'files'):.2f} s")
    gauge = cpu_gauge()
    before = cpu_times()
    rows = [measure(n, work) for n in args.sizes]
    after = cpu_times()
    if before and after and after[1] > before[1]:  # timings on a busy host are slower, and vary more
        print(f"CPU time stolen by the host during the run: {(after[0] - before[0]) / (after[1] - before[1]):.0%}")
    print(f"CPU gauge (a fixed loop of Python arithmetic): {gauge:.2f} s at the start, {cpu_gauge():.2f} s at the end")
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    print(json.dumps(rows, ensure_ascii=False))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
