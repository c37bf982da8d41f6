#!/usr/bin/env python3
"""Recall of the site's search on a fixed list of Chinese queries, against the text itself.

Builds the site in a temporary folder and, for each query, compares the records the shipped index
returns (read from search/terms/*.js with the same rule as search.js: every bigram of the query) with
the records whose text contains the query. With --pagefind, also indexes the built site with Pagefind
(pip install 'pagefind[extended]') and asks it the same queries in headless Chromium, page by page.
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build  # noqa: E402
from heshu.site.search import fnv1a  # noqa: E402

QUERIES = ["贫困", "脱贫", "外送电量", "高新技术企业", "棚户区", "吞吐量", "养老金", "贫困人口", "乡村振兴", "营商环境"]


def load_js(path: Path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def our_hits(site: Path, query: str, meta: dict) -> set[int]:
    sets = []
    for i in range(len(query) - 1):
        term = f"b:{query[i:i + 2]}"
        shard = load_js(site / "search" / "terms" / f"{fnv1a(term) % meta['shards']}.js")[1]
        sets.append(set(shard.get(term, [])))
    return set.intersection(*sets) if sets else set()


def record_texts(root: Path) -> list[str]:
    """The full searched text of every record, in the index's order (the shipped files hold snippets only)."""
    from heshu import ledger
    from heshu.links import evaluate
    from heshu.project import Project, load_config, load_corpus
    from heshu.site.pages import SiteInput, search_records
    project = Project(root)
    corpus, led = load_corpus(project), ledger.load(project.ledger)
    inp = SiteInput(load_config(project), corpus.docs, corpus.sources, led, evaluate(led, corpus.docs), None, "")
    return [r.text for r in search_records(inp)]


def page_texts(site: Path) -> dict[str, str]:
    texts = {}
    for p in site.rglob("*.html"):
        if "pagefind" in p.parts:
            continue
        main = p.read_text(encoding="utf-8").split("<main", 1)[-1]
        texts[p.relative_to(site).as_posix()] = re.sub(r"<[^>]+>", "", main)
    return texts


def pagefind_counts(site: Path) -> dict[str, int]:
    import subprocess
    from playwright.sync_api import sync_playwright
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site)], check=True, capture_output=True)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = b.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        for q in QUERIES:
            out[q] = page.evaluate("async q => (await (await import('/pagefind/pagefind.js')).search(q)).results.length", q)
        b.close()
    server.shutdown()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pagefind", action="store_true", help="also measure Pagefind on the same site")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("seeds", "templates"):
            shutil.copytree(ROOT / name, root / name)
        shutil.copy(ROOT / "claims.yaml", root / "claims.yaml")
        build.main(["--root", str(root), "build"])
        site = root / "site"
        meta = load_js(site / "search" / "meta.js")
        recs = record_texts(root)
        assert len(recs) == meta["records"]
        texts = page_texts(site) if args.pagefind else {}
        found = pagefind_counts(site) if args.pagefind else {}
        print("| query | records containing it | Heshu finds | of them | "
              + ("pages containing it | Pagefind finds |" if args.pagefind else ""))
        print("|---|---|---|---|" + ("---|---|" if args.pagefind else ""))
        for q in QUERIES:
            truth = {i for i, text in enumerate(recs) if q in text}
            hits = our_hits(site, q, meta)
            row = f"| {q} | {len(truth)} | {len(hits)} | {len(hits & truth)} |"
            if args.pagefind:
                row += f" {sum(q in t for t in texts.values())} | {found[q]} |"
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
