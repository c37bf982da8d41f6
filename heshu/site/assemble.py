"""All pages and files of the site, from the ledger, the reports and the links (no disk access)."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Callable, NamedTuple

from .. import parallel
from . import charts, export, search
from .pages import (Page, Rating, Site, SiteInput, View, check_views, claim_views, counts, document_blocks, markdown, rating,
                    search_records, series_chart, series_points, series_views, target_views)
from .urls import absolute, chart_file, page_path

HOME_SERIES = 6
CHECKS_PER_PAGE = 500  # a page a phone can still open
# Rows of the claim list and of the target table (about 90 KB of HTML): also what a verdict edit
# renders again of them, for each list that shows the claim (Datasette shows 100 rows a page).
CLAIMS_PER_PAGE = 200
TARGETS_PER_PAGE = 200
RECENT = 10
FEED = 50
PEOPLE_PAGES = ("index.html", "feed.xml")  # the pages people_lists() makes parts of
DATA = ("data/claims.json", "data/claims.csv")  # the data files with a row for each claim


def assemble(inp: SiteInput) -> Site:
    """Every page's context and every data file, ready to render (the data files and the search index
    may still be being made on the other core: Site.pending waits for them)."""
    many = len(inp.links.facts) >= parallel.MANY  # enough work for a fork to pay
    search_files = parallel.in_background(_search_files, inp, worth_it=many)  # first: it needs no view
    claims = claim_views(inp)
    by_doc = _by_doc(claims)
    blocks, unplaced = _blocks(inp, by_doc)
    claim_files = functools.cache(parallel.in_background(_claim_files, inp, claims, worth_it=many))
    parts = _parts(inp, claims, by_doc, blocks, unplaced)
    check_lists = _paged("checks", "checks.html", parts.rows, CHECKS_PER_PAGE, parts.common)
    pages = _site_pages(parts) + check_lists
    pages += _paged("claims", "claims.html", _in_order(claims, inp), CLAIMS_PER_PAGE, parts.common)
    pages += _paged("targets", "targets.html", parts.targets, TARGETS_PER_PAGE, parts.common)
    items = _check_pages(parts, check_lists)  # many and light, put last so the workers end on light pages
    pages += _document_pages(parts)
    items += _claim_pages(parts)
    data_files = parallel.in_background(_series_and_checks, inp, parts.series, parts.checks, worth_it=many)
    series_pages, files = _series_pages(parts)
    pages += series_pages + [Page("feed.xml", "feed.xml", {**parts.common, **parts.lists["feed.xml"]})]
    html = [p.path for p in pages + items if p.path.endswith(".html") and p.path != "404.html"]
    pages.append(Page("sitemap.xml", "sitemap.xml", {**parts.common, "paths": sorted(html)}))
    anchors = {page_path("doc", d): {b["anchor"] for b in bl} for d, bl in blocks.items()}
    return Site(pages + items, files, anchors,  # the data files are not waited for: pages can be rendered meanwhile
                pending=lambda: {**claim_files()[0], **search_files(), **data_files()}, rows=lambda: claim_files()[1])


@dataclass
class _Parts:
    """What the pages are made of: the views, and which claim is in which series, check, target and
    paragraph."""

    inp: SiteInput
    claims: dict[str, dict]
    by_doc: dict[str, list[dict]]
    blocks: dict[str, list]
    unplaced: dict[str, list]
    docs: list
    common: dict  # what every page's context has
    series: dict[str, dict]
    of_claim: dict[str, dict]  # a claim's series
    heads: dict[str, View]  # each series as the pages that list it show it
    checks: list[dict]
    rows: list[View]  # the checks as a table shows them: without their claims
    checks_of: dict[str, list[dict]]  # a claim's checks
    series_of_check: dict[str, list[str]]
    targets: list[dict]
    target_of: dict[str, dict]  # the target a claim sets or meets
    paragraph_of: dict[str, View]
    points: dict[str, list]  # each series' chart points, as its own page places them
    markers: dict[str, dict]  # and each claim page's ring over the same chart
    lists: dict[str, dict]  # see people_lists()


def _parts(inp: SiteInput, claims: dict[str, dict], by_doc: dict, blocks: dict, unplaced: dict) -> _Parts:
    """The views of series, checks and targets, and which claim is where."""
    series = series_views(inp, claims)
    of_claim = {c["id"]: s for s in series.values() for c in s["members"]}
    checks, targets = check_views(inp, claims), target_views(inp, claims)
    docs = [d for d in inp.docs if d.id in blocks]
    points = {sid: series_points(s, page_path("series", sid)) for sid, s in series.items()}
    return _Parts(
        inp=inp, claims=claims, by_doc=by_doc, blocks=blocks, unplaced=unplaced, docs=docs,
        common={"site": View(inp.config), "docs": docs},
        series=series, of_claim=of_claim, heads={sid: _head(s) for sid, s in series.items()},
        checks=checks, rows=[View({k: v for k, v in ch.items() if k != "claims"}) for ch in checks],
        checks_of=_checks_of(checks),
        series_of_check={ch["id"]: sorted({of_claim[i["id"]]["id"] for i in ch["claims"] if i["id"] in of_claim})
                         for ch in checks},
        targets=targets, target_of=_target_of(targets), paragraph_of=_paragraph_of(blocks),
        points=points, markers={sid: charts.markers(p) for sid, p in points.items()},
        lists=people_lists([rating(c) for c in claims.values()], docs, claims.__getitem__))


def _by_doc(claims: dict[str, dict]) -> dict[str, list[dict]]:
    by_doc: dict[str, list[dict]] = {}
    for c in claims.values():
        by_doc.setdefault(c["doc"], []).append(c)
    return by_doc


def _blocks(inp: SiteInput, by_doc: dict[str, list[dict]]) -> tuple[dict, dict]:
    """Each readable report's blocks with their claims marked, and its claims that no block holds."""
    blocks, unplaced = {}, {}
    for d in inp.docs:
        if d.id in inp.sources:
            blocks[d.id], unplaced[d.id] = document_blocks(inp.sources[d.id], by_doc.get(d.id, []))
    return blocks, unplaced


def _checks_of(checks: list[dict]) -> dict[str, list[dict]]:
    checks_of: dict[str, list[dict]] = {}
    for ch in checks:
        for item in ch["claims"]:
            checks_of.setdefault(item["id"], []).append(ch)
    return checks_of


def _target_of(targets: list[dict]) -> dict[str, dict]:
    target_of = {}
    for t in targets:
        target_of[t["target"]["id"]] = t
        if t["outcome"]:
            target_of.setdefault(t["outcome"]["id"], t)
    return target_of


def _paragraph_of(blocks: dict[str, list]) -> dict[str, View]:
    """What a claim page shows of its paragraph (not the other claims in it), one for them all."""
    paragraph_of = {}
    for b in (b for bl in blocks.values() for b in bl):
        head = View(anchor=b["anchor"], text=b["text"])
        paragraph_of.update(dict.fromkeys(b["claims"], head))
    return paragraph_of


def _site_pages(p: _Parts) -> list[Page]:
    """The home page and the site's other pages of their own."""
    common, targets, inp = p.common, p.targets, p.inp
    return [
        Page("index.html", "home.html", {**common, "checks": p.checks[:8],
                                         "targets": [t for t in targets if t["status"] != "pending"][:10],
                                         "pending": sum(t["status"] == "pending" for t in targets),
                                         "series": _main_series(p.series), **p.lists["index.html"]}),
        Page(page_path("docs"), "docs.html", {**common, "by_doc": {d: len(v) for d, v in p.by_doc.items()}}),
        Page(page_path("series-index"), "series_index.html",
             {**common, "series": sorted(p.heads.values(), key=lambda s: s["title"])}),
        Page(page_path("search"), "search.html", common),
        Page(page_path("data"), "data.html", {**common, "count": len(p.claims)}),
        Page(page_path("methodology"), "page.html", {**common, "title": "方法说明",
                                                     "body": markdown().render(inp.methodology)}),
        Page(page_path("corrections"), "corrections.html", {**common, "changes": inp.history}),
        Page("404.html", "404.html", common),
    ]


def _check_pages(p: _Parts, check_lists: list[Page]) -> list[Page]:
    return [Page(page_path("check", ch["id"]), "check.html",
                 {**p.common, "ch": ch, "series": [p.heads[sid] for sid in p.series_of_check[ch["id"]]],
                  "listed": check_lists[n // CHECKS_PER_PAGE].path})
            for n, ch in enumerate(p.checks)]


def _document_pages(p: _Parts) -> list[Page]:
    return [Page(page_path("doc", d.id), "document.html",
                 {**p.common, "doc": d, "blocks": p.blocks[d.id], "unplaced": p.unplaced[d.id],
                  "count": len(p.by_doc.get(d.id, []))})
            for d in p.docs]


def _claim_pages(p: _Parts) -> list[Page]:
    """A page and a card for each claim."""
    doc_by_id = {d.id: d for d in p.inp.docs}
    pages = []
    for c in p.claims.values():
        s = p.of_claim.get(c["id"])
        ctx = {**p.common, "c": c, "doc": doc_by_id[c["doc"]], "doc_page": c["doc"] in p.blocks,  # a report that can be read
               "series": p.heads[s["id"]] if s else None,
               "checks": p.checks_of.get(c["id"], []),
               "target": p.target_of.get(c["id"]), "paragraph": p.paragraph_of.get(c["id"])}
        ctx["card"] = page_path("card", c["id"])
        ctx["chart"] = chart_file(s["id"]) if s and p.markers[s["id"]] else ""
        ctx["marker"] = p.markers[s["id"]].get(c["id"], "") if s else ""
        pages.append(Page(page_path("claim", c["id"]), "claim.html", ctx))
        pages.append(Page(page_path("card", c["id"]), "card.html", {**p.common, "c": c}))
    return pages


def _series_pages(p: _Parts) -> tuple[list[Page], dict[str, bytes]]:
    """A page for each series, and its chart as a file of its own."""
    checks_of_series: dict[str, list[dict]] = {}
    for ch, row in zip(p.checks, p.rows):
        for sid in p.series_of_check[ch["id"]]:
            checks_of_series.setdefault(sid, []).append(row)
    pages, files = [], {}
    for s in p.series.values():
        chart = series_chart(s, p.points[s["id"]])
        if chart:
            files[chart_file(s["id"])] = charts.standalone(chart)
        pages.append(Page(page_path("series", s["id"]), "series.html", {**p.common, "s": s, "chart": chart,
                                                "checks": checks_of_series.get(s["id"], [])}))
    return pages, files


def _paged(kind: str, template: str, rows: list[dict], per_page: int, common: dict) -> list[Page]:
    """A list of rows, per_page to a page: e.g. checks/, then checks/page/2/, checks/page/3/…; each page's
    context has its rows under `kind`, and the page's number, the pager and the total."""
    paths = [page_path(kind) if n == 1 else page_path(f"{kind}-page", str(n))
             for n in range(1, max(1, -(-len(rows) // per_page)) + 1)]
    pager = [(n, path) for n, path in enumerate(paths, 1)]
    return [Page(path, template, {**common, kind: rows[(n - 1) * per_page:n * per_page],
                                  "page": n, "pager": pager, "total": len(rows)})
            for n, path in pager]


def _in_order(claims: dict[str, dict], inp) -> list[dict]:
    rank = {d.id: i for i, d in enumerate(inp.docs)}
    return sorted(claims.values(), key=lambda c: (rank.get(c["doc"], 99), c["offset"], c["id"]))


def people_lists(ratings: list[Rating], docs: list, view: Callable[[str], dict]) -> dict[str, dict]:
    """What pages show of every claim's people's fields at once, by page and context key: the counts by
    verdict and the latest reviews on the home page, the reviewed claims in the feed. `view` gives the
    view of a claim by id."""
    latest = sorted([r for r in ratings if r.reviewed], key=lambda r: (r.reviewed, r.id), reverse=True)
    reviewed = sorted([r for r in ratings if r.verdict != "unrated"], key=lambda r: (r.reviewed, r.id), reverse=True)
    dates = [r.reviewed for r in reviewed if r.reviewed] + [d.published for d in docs]
    updated = max(dates) if dates else "2000-01-01"
    return {"index.html": {"counts": counts(ratings), "recent": [view(r.id) for r in latest[:RECENT]]},
            "feed.xml": {"claims": [view(r.id) for r in reviewed[:FEED]],
                         "updated": updated if len(updated) == 10 else updated + "-01"}}


def _head(s: dict) -> View:
    """What the pages that list a series show of it: not its claims, so that they do not change with
    a verdict."""
    return View(id=s["id"], title=s["title"], unit=s["unit"], size=len(s["members"]),
                years=sorted({c["year"] for c in s["members"] if c["year"] is not None}))


def _main_series(series: dict[str, dict]) -> list[dict]:
    ranked = sorted(series.values(), key=lambda s: (-len(s["members"]), s["title"]))[:HOME_SERIES]
    return [View(_head(s), chart=series_chart(s, series_points(s, "index.html"), small=True)) for s in ranked]


def _claim_files(inp, claims) -> tuple[dict[str, bytes], Rows]:
    """claims.json and claims.csv (made on the other core while the pages are assembled and rendered),
    and where each claim's rows are in them."""
    rows = {cid: claim_row(c, inp.config) for cid, c in claims.items()}
    files = claim_data(rows)
    return files, rows_of(rows, files)


def _search_files(inp) -> dict[str, bytes]:
    """The search index's files (made on the other core from the start of assembling)."""
    return {f"search/{name}": content.encode("utf-8") for name, content in search.build_cached(search_records(inp)).items()}


class ClaimRow(NamedTuple):
    """A claim as a line of claims.json and a row of claims.csv, and what the lists of every claim take of it."""

    json: str
    csv: str
    rating: Rating


@dataclass
class Rows:
    """Every claim's rating, and its rows' places in the data files: the claims in the files' order (by
    id), the length in bytes of each one's line of claims.json and row of claims.csv, and the digests
    of the two files."""

    ratings: dict[str, tuple]  # Rating's fields but the id
    ids: list[str]
    lengths: tuple[list[int], list[int]]
    digests: tuple[str, str]


def rows_of(rows: dict[str, ClaimRow], files: dict[str, bytes]) -> Rows:
    """The Rows of these claims' rows in the data files made from them (claim_data)."""
    ids = sorted(rows)
    return Rows({cid: tuple(r.rating[1:]) for cid, r in rows.items()}, ids,
                ([len(rows[c].json.encode("utf-8")) for c in ids], [len(rows[c].csv.encode("utf-8")) for c in ids]),
                tuple(hashlib.sha1(files[p]).hexdigest() for p in DATA))


def claim_row(c: dict, config: dict) -> ClaimRow:
    row = {k: c[k] for k in ("id", "doc", "text", "value", "unit", "approx", "year", "period", "kind", "measure",
                             "subject", "verdict", "reviewed", "quote")} \
        | {"note": c["note_text"], "sources": c["sources"],
           "url": absolute(config["base_url"], page_path("claim", c["id"]))}
    return ClaimRow(export.json_item(row), export.claim_csv_row(row), rating(c))


def claim_data(rows: dict[str, ClaimRow]) -> dict[str, bytes]:
    """claims.json and claims.csv, from each claim's rows."""
    ordered = [rows[cid] for cid in sorted(rows)]
    return claim_files(",\n".join(r.json for r in ordered), "".join(r.csv for r in ordered))


def claim_files(json_items: str, csv_rows: str) -> dict[str, bytes]:
    """claims.json and claims.csv from their rows in order, joined (json by ",\\n")."""
    return {"data/claims.json": export.json_list([json_items] if json_items else []).encode("utf-8"),
            "data/claims.csv": export.claims_csv([csv_rows])}


def _series_and_checks(inp, series, checks) -> dict[str, bytes]:
    """series.json and checks.json."""
    return {
        "data/series.json": export.dumps([{"id": s["id"], "title": s["title"], "unit": s["unit"],
                                           "members": [m["id"] for m in s["members"]]}
                                          for s in sorted(series.values(), key=lambda s: s["id"])]).encode("utf-8"),
        "data/checks.json": export.dumps([{k: ch[k] for k in ("id", "type", "title", "expr", "status", "reason")}
                                          | {"claims": {i["name"]: i["id"] for i in ch["claims"]},
                                             "left": ch["left"], "right": ch["right"],
                                             "url": absolute(inp.config["base_url"], page_path("check", ch["id"]))}
                                          for ch in checks]).encode("utf-8"),
    }
