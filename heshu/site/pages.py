"""Page contexts: everything each page shows, built from the ledger, the reports and the links."""
from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from markupsafe import Markup

from .. import resources
from ..ledger import Ledger
from ..links import Links
from ..model import Document, Source
from ..numbers import format_value
from . import charts, export, search
from .history import Change
from .urls import SAFE_ID, absolute, href, page_path, safe_link

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@dataclass
class Page:
    """One HTML (or XML) page: where it goes, which template draws it, and what it shows."""

    path: str
    template: str
    context: dict[str, Any]


@dataclass
class SiteInput:
    config: dict
    docs: list[Document]
    sources: dict[str, Source]
    ledger: Ledger
    links: Links
    history: list[Change] | None
    methodology: str  # markdown


@dataclass
class Site:
    pages: list[Page]
    files: dict[str, bytes] = field(default_factory=dict)  # data files, charts
    anchors: dict[str, set[str]] = field(default_factory=dict)  # the ids links may point into, by page
    pending: Callable[[], dict[str, bytes]] = dict  # waits for the files still being made on the other core
    rows: Callable[[], Any] = lambda: None  # and for where each claim's rows are in claims.json and claims.csv (assemble.Rows)


class View(dict):
    """A dict whose keys are also its attributes: `c.text` in a template finds it at once (a plain dict
    makes Jinja try an attribute, fail, and then the key)."""

    __slots__ = ("__dict__",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self

    def __reduce__(self):  # unpickled, its attributes are its keys again (not a copy of them)
        return type(self), (dict(self),)


class ClaimView(View):
    """A claim as the pages show it. Pages refer to it rather than copy it: a rebuild after an edit to
    people's fields of a claim (PEOPLE_FIELDS) finds the pages that show it through it."""

    __slots__ = ()


BIDI = {c: f"[U+{ord(c):04X}]" for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"}
BIDI_RE = re.compile("[" + "".join(BIDI) + "]")


def inert(value):
    """Text with its direction-changing control characters shown instead of obeyed."""
    if isinstance(value, str) and BIDI_RE.search(value):
        out = "".join(BIDI.get(c, c) for c in value)
        return Markup(out) if isinstance(value, Markup) else out
    return value


def _utf8_pattern(chars) -> re.Pattern:
    """A bytes pattern for these characters in UTF-8: one class of last bytes per leading bytes (a search
    for eleven alternatives is about three times slower over a page with Chinese punctuation)."""
    last: dict[bytes, list[bytes]] = {}
    for c in sorted(chars):
        data = c.encode("utf-8")
        last.setdefault(data[:-1], []).append(data[-1:])
    return re.compile(b"|".join(re.escape(lead) + b"[" + b"".join(re.escape(b) for b in ends) + b"]"
                                for lead, ends in last.items()))


BIDI_UTF8 = _utf8_pattern(BIDI)


def inert_utf8(data: bytes) -> bytes:
    """inert() for UTF-8 text: the same bytes, found out about eight times faster than by searching the str."""
    return inert(data.decode("utf-8")).encode("utf-8") if BIDI_UTF8.search(data) else data


def markdown() -> MarkdownIt:
    """Notes and the methodology as markdown: raw HTML off, links only to http(s), mailto and relative."""
    from markdown_it import MarkdownIt  # imported when first needed: a quick rebuild often needs none
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = safe_link
    return md


def labels() -> dict:
    return resources.load("ledger")["labels"]


def verdicts() -> dict:
    return resources.load("ledger")["verdicts"]


# ---------------------------------------------------------------- claims

PEOPLE_FIELDS = frozenset({"verdict", "note", "sources", "reviewed"})  # a claim's fields people_view() reads


def claim_views(inp: SiteInput) -> dict[str, ClaimView]:
    """Every claim people have not rejected, as the pages show it."""
    lab, config = labels(), inp.config
    docs = {d.id: d for d in inp.docs}
    out = {}
    for e in inp.ledger.claims:
        f = e.fields
        if f.get("rejected") is True or e.id not in inp.links.facts:
            continue
        fact = inp.links.facts[e.id]
        at = fact.quote.find(fact.text)
        c = ClaimView({
            "id": e.id, "doc": fact.doc, "doc_title": doc_title(docs, fact.doc),
            "text": fact.text, "value": f["value"], "display": format_value(fact.value, fact.unit), "unit": fact.unit,
            "approx": fact.approx, "approx_label": lab["approx"].get(fact.approx, fact.approx),
            "year": fact.year, "period": fact.period, "kind": fact.kind, "kind_label": lab["kind"].get(fact.kind, ""),
            "measure": fact.measure, "measure_label": lab["measure"].get(fact.measure, ""),
            "subject": fact.subject, "quote": fact.quote,
            "before": fact.quote[:at] if at >= 0 else fact.quote, "figure": fact.text if at >= 0 else "",
            "after": fact.quote[at + len(fact.text):] if at >= 0 else "", "vanished": f.get("vanished") is True,
            "line": f.get("line"), "offset": fact.offset,
        })
        c.update(people_view(c, f, docs.get(fact.doc), config))
        out[e.id] = c
    return out


def doc_title(docs: dict[str, Document], doc: str) -> str:
    """The title of a report by id (its id if the manifest does not name it)."""
    return docs[doc].title if doc in docs else doc


def people_view(c: dict, fields: dict, doc: Document | None, config: dict) -> dict:
    """The keys of a claim's view that come from its people's fields (PEOPLE_FIELDS), given the rest of
    its view: the verdict, the note, the sources, the review date, and the JSON-LD of a reviewed claim."""
    verdict = verdicts()
    v = fields.get("verdict") if fields.get("verdict") in verdict else "unrated"
    out = {"verdict": v, "verdict_label": verdict[v]["label"], "verdict_en": verdict[v]["en"],
           "note": Markup(_markdown().render(fields["note"])) if isinstance(fields.get("note"), str) else "",
           "note_text": fields.get("note") or "", "sources": _sources(fields.get("sources")),
           "reviewed": str(fields["reviewed"]) if fields.get("reviewed") else ""}
    out["json_ld"] = json_ld({**c, **out}, doc, config) if v != "unrated" and doc else ""
    return out


_MD: list = []


def _markdown() -> MarkdownIt:
    """One markdown renderer for all the notes of a process."""
    if not _MD:
        _MD.append(markdown())
    return _MD[0]


def _sources(items) -> list[dict]:
    out = []
    for s in items if isinstance(items, list) else []:
        if isinstance(s, dict) and isinstance(s.get("title"), str):
            url = s.get("url") if isinstance(s.get("url"), str) and safe_link(s["url"]) else ""
            out.append(View(title=s["title"], url=url))
    return out


# ---------------------------------------------------------------- documents

def document_blocks(source: Source, claims: list[dict]) -> tuple[list[dict], list[dict]]:
    """The report's blocks, each split into text and marked claims; and the claims that could not be placed."""
    text, offsets = source.clean.text, source.clean.offsets
    spans, unplaced = [], []  # spans kept in order of start, none overlapping
    for c in sorted(claims, key=lambda c: c["offset"]):
        start = bisect.bisect_left(offsets, c["offset"], 0, len(text))
        if not text.startswith(c["text"], start):
            q = text.find(c["quote"])
            start = text.find(c["text"], q) if q >= 0 else -1
        end = start + len(c["text"])
        at = bisect.bisect_left(spans, (start,), key=lambda s: (s[0],))
        if start < 0 or (at < len(spans) and spans[at][0] < end) or (at > 0 and spans[at - 1][1] > start):
            unplaced.append(c)
            continue
        spans.insert(at, (start, end, c))
    blocks, starts = [], [s[0] for s in spans]
    for n, b in enumerate(source.clean.blocks):
        first, past = bisect.bisect_left(starts, b.start), bisect.bisect_left(starts, b.end)
        inside = [s for s in spans[first:past] if s[1] <= b.end]  # the spans that start in the block and end in it
        segments, at = [], b.start
        for start, end, c in inside:
            segments.append(View(text=text[at:start], claim=None))
            segments.append(View(text=text[start:end], claim=c))
            at = end
        segments.append(View(text=text[at:b.end], claim=None))
        blocks.append(View({"kind": b.kind, "level": min(max(b.level, 2), 4), "anchor": block_anchor(b.kind, n),
                       "segments": [s for s in segments if s["text"]], "text": text[b.start:b.end],
                       "claims": [c["id"] for _, _, c in inside]}))
    return blocks, unplaced


def block_anchor(kind: str, n: int) -> str:
    """The id of a report's n-th block (from 0) on its page."""
    return f"{'h' if kind == 'heading' else 'p'}-{n}"


# ---------------------------------------------------------------- series and charts

def series_views(inp: SiteInput, claims: dict[str, dict]) -> dict[str, dict]:
    out = {}
    for s in inp.links.series:
        members = [claims[m] for m in s["members"] if m in claims]
        if not SAFE_ID.match(s["id"]) or not members:
            continue
        out[s["id"]] = View(id=s["id"], title=s.get("title") or s["id"], unit=s.get("unit") or "",
                            members=members, note=s.get("note") or "")
    return out


def series_points(s: dict, from_path: str) -> list[charts.Point]:
    """The points of a series' chart as seen from a page (each links to its claim)."""
    return [charts.Point(c["year"], _number(c["value"]), c["kind"], c["measure"], c["text"],
                         href(from_path, page_path("claim", c["id"])), c["id"], c["period"])
            for c in s["members"] if c["year"] is not None and _number(c["value"]) is not None]


def series_chart(s: dict, points: list[charts.Point], small: bool = False) -> Markup:
    """The chart of a series from its points (as series_points gives them for the page that shows it)."""
    return charts.chart(s["id"] + ("-small" if small else ""), s["title"], s["unit"], points, small)


def _number(v):
    if isinstance(v, list):
        return None
    return float(v)


# ---------------------------------------------------------------- checks and targets

def check_views(inp: SiteInput, claims: dict[str, dict]) -> list[dict]:
    """Every check people have not rejected, failing first, with its numbers, claims, tolerance and note."""
    lab, md = labels(), markdown()
    order = {"fails": 0, "cannot-evaluate": 1, "holds": 2}
    written = {e.id: e.fields for e in inp.ledger.checks}
    out = []
    for r in sorted(inp.links.results, key=lambda r: (order[r.status], r.type, r.id)):
        f = written.get(r.id, {})
        note, tolerance = f.get("note"), f.get("tolerance")
        out.append(View(id=r.id, type=r.type, type_label=lab["check_types"].get(r.type, r.type),
                        title=r.title or r.id, expr=r.expr, status=r.status, status_label=lab["status"][r.status],
                        left=_fmt(r.left), right=_fmt(r.right), difference=_fmt(r.difference),
                        relative=f"{r.relative:+.1%}" if r.relative is not None else "", reason=r.reason,
                        claims=[View(name=n, claim=claims.get(cid), id=cid) for n, cid in r.claims.items()],
                        tolerance=f"{tolerance * 100:g}%" if tolerance else "",  # a fraction, as the schema checked
                        note=Markup(md.render(note)) if isinstance(note, str) else ""))
    return out


def _fmt(v) -> str:
    if v is None:
        return ""
    return format_value(round(v, 4)) if abs(v) >= 1 else f"{v:.4g}"


def target_views(inp: SiteInput, claims: dict[str, dict]) -> list[dict]:
    lab = labels()
    order = {"missed": 0, "exceeded": 1, "met": 2, "pending": 3}
    out = []
    for t in sorted(inp.links.targets, key=lambda t: (order[t.status], t.target.year or 0, t.target.doc, t.target.offset)):
        if t.target.id not in claims:
            continue
        out.append(View(target=claims[t.target.id], outcome=claims.get(t.outcome.id) if t.outcome else None,
                        status=t.status, status_label=lab["status"][t.status], series=t.series,
                        lower_is_better=t.lower_is_better))
    return out


# ---------------------------------------------------------------- search, data, feeds

def search_records(inp: SiteInput) -> list[search.Record]:
    """What the search finds: each claim pages show, then each paragraph of each report.

    Made from the links' facts and the reports alone, not from the claims' views: the search index
    shows nothing of people's fields, so it can be begun before the views are made."""
    docs = {d.id: d for d in inp.docs}
    records = []
    for cid, fact in inp.links.facts.items():  # the claims that have views (claim_views), in the same order
        values = () if isinstance(fact.value, tuple) else (export.plain_number(fact.value),)
        records.append(search.Record("claim", inert(f"{fact.text} · {fact.subject}"), inert(fact.quote),
                                     page_path("claim", cid),
                                     " ".join([fact.text, fact.subject, fact.quote, doc_title(docs, fact.doc)]), values))
    for d in inp.docs:
        clean = inp.sources[d.id].clean if d.id in inp.sources else None
        for n, b in enumerate(clean.blocks if clean else ()):
            if b.kind == "paragraph":
                text = clean.text[b.start:b.end]
                records.append(search.Record("paragraph", inert(d.title), inert(text[:140]),
                                             page_path("doc", d.id) + "#" + block_anchor(b.kind, n), text))
    return records


def json_ld(c: dict, doc: Document, config: dict) -> Markup:
    """schema.org ClaimReview for a reviewed claim, safe inside a script element."""
    rating = verdicts()[c["verdict"]]["rating"]
    data = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": absolute(config["base_url"], page_path("claim", c["id"])),
        "claimReviewed": c["quote"],
        "author": {"@type": "Organization", "name": config["author"]},
        "reviewRating": {"@type": "Rating", "alternateName": c["verdict_label"], "bestRating": 5, "worstRating": 1,
                         **({"ratingValue": rating} if rating else {})},
        "itemReviewed": {"@type": "Claim", "datePublished": doc.published,
                         "author": {"@type": "Organization", "name": doc.publisher},
                         "appearance": {"@type": "CreativeWork", "name": doc.title,
                                        "url": absolute(config["base_url"], page_path("doc", doc.id))}},
    }
    if c["reviewed"]:
        data["datePublished"] = c["reviewed"]
    body = inert(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1))
    return Markup(body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class Rating(NamedTuple):
    """What the lists made from every claim take of one: its verdict, its kind and when it was reviewed."""

    id: str
    verdict: str
    kind: str
    reviewed: str


def rating(c: dict) -> Rating:
    return Rating(c["id"], c["verdict"], c["kind"], c["reviewed"])


def counts(ratings: list[Rating]) -> dict:
    v = Counter(r.verdict for r in ratings)
    k = Counter(r.kind for r in ratings)
    return {"verdicts": [{"key": key, "label": val["label"], "n": v.get(key, 0)} for key, val in verdicts().items()],
            "kinds": [{"key": key, "label": labels()["kind"][key], "n": k.get(key, 0)} for key in ("actual", "target")],
            "total": len(ratings)}
