"""The one place that maps pages to paths and links: relative links, safe schemes, no path outside site/."""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]*\Z")  # what quote() would leave as it is
FIXED = {
    "home": "index.html", "claims": "claims/index.html", "series-index": "series/index.html",
    "checks": "checks/index.html", "targets": "targets/index.html", "search": "search/index.html",
    "data": "data/index.html", "methodology": "methodology/index.html", "corrections": "corrections/index.html",
    "docs": "docs/index.html", "404": "404.html", "feed": "feed.xml", "sitemap": "sitemap.xml",
}
BY_ID = {"doc": "docs/{}/index.html", "claim": "claims/{}/index.html", "card": "claims/{}/card.html",
         "series": "series/{}/index.html", "check": "checks/{}/index.html", "checks-page": "checks/page/{}/index.html",
         "claims-page": "claims/page/{}/index.html", "targets-page": "targets/page/{}/index.html"}


class UnsafePath(ValueError):
    """An id that would make a path outside site/ or an unreadable URL."""


def page_path(kind: str, ident: str | None = None) -> str:
    """The path of a page inside site/, e.g. claims/sx2019-1a2b3c4d/index.html."""
    if ident is None:
        return FIXED[kind]
    if not SAFE_ID.match(ident):
        raise UnsafePath(f"`{ident}` cannot name a page: use lower-case letters, digits and - only")
    return BY_ID[kind].format(ident)


def chart_file(series_id: str) -> str:
    """The path of a series' chart as an SVG file of its own (claim pages show it as an image)."""
    return page_path("series", series_id).replace("index.html", "chart.svg")


def href(from_path: str, to_path: str, fragment: str = "") -> str:
    """A relative link from one page to another, which works from a sub-path and from the file system.

    Both paths are inside site/; the link climbs to the site's root and goes down again.
    """
    return from_root("../" * from_path.count("/"), to_path, fragment)


def from_root(root: str, to_path: str, fragment: str = "") -> str:
    """A link to a path inside site/ from wherever `root` leads back to the site's root."""
    return root + (to_path if PLAIN_PATH.match(to_path) else quote(to_path)) + (f"#{fragment}" if fragment else "")


def absolute(base_url: str, path: str) -> str:
    """The published address of a path: base_url + path (index.html dropped)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return base + (path if PLAIN_PATH.match(path) else quote(path))


def safe_link(url: str) -> bool:
    """True for the links a note may carry: http(s), mailto and relative ones; never javascript: or data:."""
    url = url.strip()
    if not url or any(ord(c) < 32 for c in url):
        return False
    scheme = urlsplit(url).scheme.lower()
    if scheme:
        return scheme in ("http", "https", "mailto")
    return not url.startswith("//") and ":" not in url.split("/")[0]
