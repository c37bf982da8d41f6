"""Render the pages with Jinja, write the site to a fresh folder, check its links, and swap it in."""
from __future__ import annotations

import hashlib
import html
import multiprocessing
import os
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import cache
from ..errors import HeshuError, Location, Problem
from .pages import Page, Site, inert
from .urls import absolute, href, page_path


def environment(templates: Path) -> Environment:
    """Jinja with autoescape on for HTML and XML, and undefined names as errors."""
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(["html", "xml"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       finalize=inert)


def render(env: Environment, page: Page, base_url: str, links: set | None = None) -> str:
    """One page as text, with links relative to its own place; the pages it links to go into `links`."""
    links = set() if links is None else links

    def url(kind: str, ident: str | None = None, fragment: str = "") -> str:
        links.add((page_path(kind, ident), fragment))
        return href(page.path, page_path(kind, ident), fragment)

    def static(name: str) -> str:
        links.add((f"static/{name}", ""))
        return href(page.path, f"static/{name}")

    def to(path: str) -> str:
        links.add((path, ""))
        return href(page.path, path)

    helpers = {"url": url, "static": static, "to": to, "path": page.path,
               "canonical": absolute(base_url, page.path), "absolute": lambda p: absolute(base_url, p)}
    try:
        return env.get_template(page.template).render(**page.context, **helpers)
    except Exception as e:  # a template error names the template and line
        line = getattr(e, "lineno", 0) or 0
        raise HeshuError([Problem(Location(f"templates/{page.template}", line),
                                  f"cannot render {page.path}: {type(e).__name__}: {e}", "fix the template")]) from None


def write(site: Site, templates: Path, out: Path, base_url: str, workers: int | None = None,
          previous: Path | None = None) -> list[Problem]:
    """Render and write the whole site into out (a new folder); every link to a page that was not written.

    A page whose context, templates and base URL are what they were when `previous` (the site being
    replaced) was built is linked from there instead of rendered again: the bytes are the same.
    Pages are rendered by several processes where there are several cores and many pages.
    """
    paths = [p.path for p in site.pages] + sorted(site.files)
    _check_paths(paths)
    workers = workers or min(os.cpu_count() or 1, 4)
    salt = _templates_digest(templates, base_url)
    key = "builds/" + hashlib.sha1(str(out.parent.resolve()).encode("utf-8")).hexdigest() + ".pickle"
    before = (cache.read(key) or {}) if previous is not None and previous.is_dir() else {}
    global _JOB
    _JOB = (site.pages, templates, out, base_url, salt, before, previous)
    try:
        if workers > 1 and len(site.pages) > 400 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = [row for share in pool.map(_render_share, [(k, workers) for k in range(workers)])
                        for row in share]
        else:
            done = _render_share((0, 1))
    finally:
        _JOB = None
    cache.write(key, {path: (digest, links) for path, digest, links in done})
    made: set[str] = set()
    for path, content in sorted(site.files.items()):
        _put(out, path, content, made)
    static = templates / "static"
    for f in sorted(static.rglob("*")) if static.is_dir() else []:
        if f.is_file():
            rel = "static/" + f.relative_to(static).as_posix()
            _put(out, rel, f.read_bytes(), made)
            paths.append(rel)
    linked = {link for _, _, links in done for link in links}
    return _dangling(linked, set(paths), site.anchors)


_JOB = None  # what the worker processes render: they inherit it when they are forked


def _render_share(share: tuple[int, int]) -> list[tuple[str, str, frozenset]]:
    k, n = share
    pages, templates, out, base_url, salt, before, previous = _JOB
    env = environment(templates)
    made: set[str] = set()
    done, memo = [], {}
    for page in pages[k::n]:
        digest = _page_digest(page, salt, memo)
        old = before.get(page.path)
        if digest and old and old[0] == digest and _reuse(previous / page.path, out, page.path, made):
            done.append((page.path, digest, old[1]))
            continue
        links: set = set()
        _put(out, page.path, render(env, page, base_url, links).encode("utf-8"), made)
        done.append((page.path, digest, frozenset(links)))
    return done


def _page_digest(page: Page, salt: str, memo: dict) -> str:
    """What a page's bytes depend on: its template set, base URL, path and context ('' if unknowable).

    A digest of the values, not of their layout in memory; the dicts and lists many pages share
    (a series, the documents) are digested once per process, through `memo`.
    """
    try:
        return _digest((salt, page.path, page.template, page.context), memo)
    except ValueError:
        return ""


def _digest(value, memo: dict) -> str:
    key = id(value)
    if key in memo:
        return memo[key][0]
    if isinstance(value, dict):
        text = "{" + ",".join(_digest(k, memo) + ":" + _digest(v, memo) for k, v in value.items()) + "}"
    elif isinstance(value, (list, tuple)):
        text = type(value).__name__ + "[" + ",".join(_digest(v, memo) for v in value) + "]"
    elif isinstance(value, str):
        text = type(value).__name__ + ":" + value
    else:
        text = repr(value)
        if " at 0x" in text:
            raise ValueError("no stable repr")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    if isinstance(value, (dict, list)):
        memo[key] = (digest, value)  # the value is kept alive so that its id is not reused
    return digest


def _reuse(old: Path, out: Path, path: str, made: set[str]) -> bool:
    """Put the previous build's file in the new site (a hard link, or a copy), if it is there."""
    if not old.is_file():
        return False
    _folder(out, path, made)
    try:
        os.link(old, out / path)
    except OSError:
        shutil.copyfile(old, out / path)
    return True


def _templates_digest(templates: Path, base_url: str) -> str:
    h = hashlib.sha1(base_url.encode("utf-8"))
    for f in sorted(templates.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(templates).as_posix().encode("utf-8") + b"\0" + f.read_bytes())
    h.update(Path(__file__).read_bytes())  # a change in how pages are rendered renders them all
    return h.hexdigest()


def _dangling(linked: set, paths: set[str], anchors: dict[str, set[str]]) -> list[Problem]:
    """Links made through url(), static() and to() whose page, file or anchor does not exist."""
    problems = []
    for path, fragment in sorted(linked):
        if path not in paths:
            problems.append(Problem(Location(f"site/{path}"), "a page links here but it was not written",
                                    "fix the template or the id"))
        elif fragment and path in anchors and fragment not in anchors[path]:
            problems.append(Problem(Location(f"site/{path}"), f"a page links to a missing anchor #{fragment}",
                                    "fix the anchor"))
    return problems


def _check_paths(paths: list[str]) -> None:
    seen: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if path.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in path:
            raise HeshuError([Problem(Location(path), "a page would be written outside site/", "use plain ids")])
        if path in seen:
            raise HeshuError([Problem(Location(path), "two pages would be written to the same file",
                                      "give each claim, series and document its own id")])
        seen.add(path)


def _put(out: Path, path: str, content: bytes, made: set[str]) -> None:
    _folder(out, path, made)
    (out / path).write_bytes(content)


def _folder(out: Path, path: str, made: set[str]) -> None:
    """Make the folder of path inside out, once per build process."""
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    if folder not in made:
        (out / folder).mkdir(parents=True, exist_ok=True)
        made.add(folder)


# ---------------------------------------------------------------- links

LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
ANCHOR = re.compile(r'\sid="([^"]*)"')


def check_links(out: Path) -> list[Problem]:
    """Every internal link of every page that leads to no file (or no anchor), read back from the HTML.

    The build checks links as it makes them (`_dangling`); this reads a whole built site, links
    written into templates included, and is what the tests use.
    """
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
