"""Render the pages with Jinja, write the site to a fresh folder, check its links, and swap it in."""
from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..errors import HeshuError, Location, Problem
from .pages import Page, Site, inert
from .urls import absolute, href, page_path


def environment(templates: Path) -> Environment:
    """Jinja with autoescape on for HTML and XML, and undefined names as errors."""
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(["html", "xml"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       finalize=inert)


def render(env: Environment, page: Page, base_url: str) -> str:
    """One page as text, with links relative to its own place."""
    def url(kind: str, ident: str | None = None, fragment: str = "") -> str:
        return href(page.path, page_path(kind, ident), fragment)

    def static(name: str) -> str:
        return href(page.path, f"static/{name}")

    def to(path: str) -> str:
        return href(page.path, path)

    helpers = {"url": url, "static": static, "to": to, "path": page.path,
               "canonical": absolute(base_url, page.path), "absolute": lambda p: absolute(base_url, p)}
    try:
        return env.get_template(page.template).render(**page.context, **helpers)
    except Exception as e:  # a template error names the template and line
        line = getattr(e, "lineno", 0) or 0
        raise HeshuError([Problem(Location(f"templates/{page.template}", line),
                                  f"cannot render {page.path}: {type(e).__name__}: {e}", "fix the template")]) from None


def write(site: Site, templates: Path, out: Path, base_url: str) -> int:
    """Render and write the whole site into out (a new folder); the number of pages."""
    env = environment(templates)
    written: set[str] = set()
    for page in site.pages:
        _put(out, page.path, render(env, page, base_url).encode("utf-8"), written)
    for path, content in sorted(site.files.items()):
        _put(out, path, content, written)
    static = templates / "static"
    for f in sorted(static.rglob("*")) if static.is_dir() else []:
        if f.is_file():
            _put(out, "static/" + f.relative_to(static).as_posix(), f.read_bytes(), written)
    return len(site.pages)


def _put(out: Path, path: str, content: bytes, written: set[str]) -> None:
    target = (out / path).resolve()
    if out.resolve() not in target.parents:
        raise HeshuError([Problem(Location(path), "a page would be written outside site/", "use plain ids")])
    if path in written:
        raise HeshuError([Problem(Location(path), "two pages would be written to the same file",
                                  "give each claim, series and document its own id")])
    written.add(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


# ---------------------------------------------------------------- links

LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
ANCHOR = re.compile(r'\sid="([^"]*)"')


def check_links(out: Path) -> list[Problem]:
    """Every internal link of every page that leads to no file (or no anchor)."""
    pages = {f.relative_to(out).as_posix(): f.read_text(encoding="utf-8") for f in sorted(out.rglob("*.html"))}
    anchors: dict[str, set[str]] = {}
    problems = []
    for path, text in pages.items():
        if path == "404.html":
            continue  # its links are absolute, for any depth
        for link in sorted(set(LINK.findall(text))):
            link = html.unescape(link)
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path))) if parts.path else path
            if target not in pages and not (out / target).is_file():
                problems.append(Problem(Location(f"site/{path}"), f"broken link to {link}", "fix the template or the id"))
            elif parts.fragment and target in pages:
                if target not in anchors:
                    anchors[target] = set(ANCHOR.findall(pages[target]))
                if parts.fragment not in anchors[target]:
                    problems.append(Problem(Location(f"site/{path}"), f"link to a missing anchor {link}", "fix the anchor"))
    return problems


# ---------------------------------------------------------------- swap

def swap(new: Path, site: Path) -> None:
    """Put the freshly written site in place of the old one; the old one stays whole until then."""
    old = site.with_name(site.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if site.exists():
        os.replace(site, old)
    os.replace(new, site)
    if old.exists():
        shutil.rmtree(old)
