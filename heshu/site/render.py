"""Render the pages with Jinja (those whose inputs changed), and check the links they make."""
from __future__ import annotations

import gc
import hashlib
import html
import os
import pickle
import posixpath
import re
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from jinja2 import Environment
from markupsafe import Markup

from .. import cache, collector, parallel
from ..errors import HeshuError, Location, Problem
from .contexts import Kept, keep, page_digest
from .pages import Page, Site, inert, inert_utf8
from .templating import environment
from .urls import absolute, from_root, page_path


PARTIALS = "_partials/macros.html"


def render(env: Environment, page: Page, base_url: str, links: set | None = None,
           fragments: dict | None = None) -> str:
    """One page as text, with links relative to its own place; the pages it links to go into `links`.

    `fragments` keeps what partial() rendered, for the other pages of this build.
    """
    return inert(_render(env, page, base_url, set() if links is None else links, {} if fragments is None else fragments))


def _render(env: Environment, page: Page, base_url: str, links: set, fragments: dict) -> str:
    """render() before direction controls are made inert."""
    try:
        return env.get_template(page.template).render(**page.context, **helpers(env, page.path, base_url, links, fragments))
    except Exception as e:  # a template error names the template and line
        line = getattr(e, "lineno", 0) or 0
        raise HeshuError([Problem(Location(f"templates/{page.template}", line),
                                  f"cannot render {page.path}: {type(e).__name__}: {e}", "fix the template")]) from None


def helpers(env: Environment, path: str, base_url: str, links: set, fragments: dict, root: str | None = None) -> dict:
    """The functions templates call: url(), static(), to(), absolute(), partial(); and the page's own addresses.

    Links lead back to the site's root through `root` (by default as many ../ as the page is deep).
    """
    root = "../" * path.count("/") if root is None else root

    def url(kind: str, ident: str | None = None, fragment: str = "") -> str:
        target = page_path(kind, ident)
        links.add((target, fragment))
        return from_root(root, target, fragment)

    def static(name: str) -> str:
        links.add((f"static/{name}", ""))
        return from_root(root, f"static/{name}", "")

    def to(target: str) -> str:
        links.add((target, ""))
        return from_root(root, target, "")

    def partial(name: str, *args) -> Markup:
        """A macro of _partials/macros.html called with args: rendered once per build, reused by every page."""
        key = (name, *[a if type(a) in PLAIN else id(a) for a in args])
        here = fragments.get((root, key))  # as pages this deep show it
        if here is None:
            hit = fragments.get(key)
            if hit is None:
                module, own = _partials(env, base_url, fragments)
                outer = set(own)  # a partial inside a macro: the links of the macro calling it so far
                own.clear()
                hit = fragments[key] = (str(getattr(module, name)(*args)), frozenset(own), args)  # args kept: ids stay unique
                own.clear()
                own.update(outer)
            here = fragments[(root, key)] = (Markup(hit[0].replace(ROOT, root)), hit[1])
        links.update(here[1])
        return here[0]

    return {"url": url, "static": static, "to": to, "partial": partial, "path": path,
            "canonical": absolute(base_url, path), "absolute": lambda p: absolute(base_url, p)}


PLAIN = {str, int, float, bool, type(None)}  # partial() arguments that are keys as they are; others by identity
ROOT = "\x00heshu-root\x00"  # where a fragment's links start; each page puts its own way back to the root there


def _partials(env: Environment, base_url: str, fragments: dict):
    """The macros module whose links start at ROOT, and the set its links go into."""
    if "module" not in fragments:
        own: set = set()
        module = env.get_template(PARTIALS).make_module(helpers(env, "", base_url, own, fragments, ROOT))
        fragments["module"] = (module, own)
    return fragments["module"]


def render_pages(site: Site, templates: Path, out: Path, base_url: str, before: dict, current: Path,
                 known: set[str], workers: int | None = None, memo: dict | None = None, for_rebuild: bool = True
                 ) -> tuple[list[Rendered], set[tuple], Kept]:
    """Render into out every page that is not already in `current` as it would be; a row per page, the
    links of the rendered pages that lead to no path in `known` or to a missing anchor, and the values
    of the pages' contexts as the next build may take them up again (Kept).

    A page is left alone when its digest (context, templates and base URL) is the one `before`
    recorded for the file in `current` (by path): it would render to the same bytes; its row's links
    are None then. Pages are rendered by several processes where there are several cores and many
    pages. `memo` may hold what is already known of the contexts' values (see contexts.known_view).
    With for_rebuild=False no page is digested or kept (a build that no later build starts from): every
    page is rendered, and the rows have no digest, layout or claims.
    """
    workers = workers or min(os.cpu_count() or 1, 4)
    global _JOB
    _JOB = (site.pages, templates, out, base_url, _templates_digest(templates, base_url), before, current, known,
            site.anchors, {"memo": memo or {}}, for_rebuild)
    gc.freeze()  # the site's objects live until the build ends (the caller may gc.unfreeze() them then)
    try:
        if workers > 1 and len(site.pages) > POOL_PAGES and parallel.can_fork():
            import multiprocessing  # here: a rebuild of a few pages renders them in this process
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                shares = list(pool.imap(_render_share, _shares(len(site.pages), workers)))
        else:
            shares = [_render_share((0, len(site.pages)))]
    finally:
        _JOB = None
    rows = [row for share in shares for row in share[0]]
    kept = Kept({}, {})
    for _, _, values, claims in shares:
        kept.values.update(values)
        kept.claims.update(claims)
    return rows, {link for share in shares for link in share[1]}, kept


class Rendered(NamedTuple):
    """A page as render_pages() left it: its digest, its links (as pack_links() writes them; None if it was
    left as it was), its template, its context as tokens (see contexts.Kept), pickled, and the ids of the
    claims whose views it shows, in order. (Pickled by the process that rendered the page: the process
    that receives it then unpickles bytes, not thousands of small tuples, and keeps them as they are.)"""

    path: str
    digest: str
    links: str | None
    template: str
    layout: bytes
    claims: tuple[str, ...]


POOL_PAGES = 400  # pages below which starting a pool of workers costs more than they save
_JOB = None  # what the worker processes render: they inherit it when they are forked


def _shares(n: int, workers: int, alone: int = 32, size: int = 256) -> list[tuple[int, int]]:
    """Runs of pages for the workers to take in turn: the first pages (the big lists) one by one, then
    runs of up to `size` that shrink towards the end, so that the workers finish together however
    unevenly the last pages weigh (guided self-scheduling)."""
    shares = [(i, i + 1) for i in range(min(alone, n))]
    start = len(shares)
    while start < n:
        step = max(1, min(size, (n - start) // (4 * workers)))
        shares.append((start, start + step))
        start += step
    return shares


@collector.paused(then=collector.sampled())
def _render_share(share: tuple[int, int]):
    """Render a run of pages with the collector's automatic rounds off (Jinja's many short-lived objects
    set them off again and again, and each walks the values kept so far: a tenth of the time); what
    cycles a template makes, if any, are found by collecting after some of the shares (collector.sampled)."""
    pages, templates, out, base_url, salt, before, current, known, anchors, state, for_rebuild = _JOB
    if "env" not in state:  # once per process: what its pages can share
        state.update(env=environment(templates), made=set(), fragments={}, sent=set(), seen=set())
    env, made, memo, fragments, sent = state["env"], state["made"], state["memo"], state["fragments"], state["sent"]
    seen = state["seen"]  # the links already looked up: most pages link to the same few dozen
    done, nowhere, root, kept = [], set(), str(current), Kept({}, {})
    for page in pages[share[0]:share[1]]:
        if for_rebuild:
            digest, layout, shown = page_digest(page, salt, memo)
            layout, claims = pickle.dumps(layout, protocol=5), tuple(sorted(shown))
            keep(page.context, memo, sent, kept)
        else:
            digest, layout, claims = "", b"", ()
        if digest and before.get(page.path) == digest and os.path.isfile(os.path.join(root, page.path)):
            done.append(Rendered(page.path, digest, None, page.template, layout, claims))
            continue
        links: set = set()
        put(out, page.path, inert_utf8(_render(env, page, base_url, links, fragments).encode("utf-8")), made)
        fresh = links - seen
        if fresh:
            nowhere.update(unresolved(fresh, known, anchors))
            seen |= fresh
        done.append(Rendered(page.path, digest, pack_links(links), page.template, layout, claims))
    return done, nowhere, kept.values, kept.claims


def _templates_digest(templates: Path, base_url: str) -> str:
    h = hashlib.sha1((base_url + "\0" + cache.code_digest()).encode("utf-8"))  # new code renders every page
    cache.add_files(h, templates)
    return h.hexdigest()


def unresolved(links, known: set[str], anchors: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Of the (path, fragment) links made through url(), static() and to(), those whose page, file or
    anchor does not exist."""
    return [(path, fragment) for path, fragment in links if path not in known
            or (fragment and path in anchors and fragment not in anchors[path])]


def dangling(links, known: set[str], anchors: dict[str, set[str]]) -> list[Problem]:
    """A problem for each link that unresolved() finds (one for a missing page, whatever fragments its
    links carry), in order."""
    problems = set()
    for path, fragment in unresolved(links, known, anchors):
        if path not in known:
            problems.add(Problem(Location(f"site/{path}"), "a page links here but it was not written",
                                 "fix the template or the id"))
        else:
            problems.add(Problem(Location(f"site/{path}"), f"a page links to a missing anchor #{fragment}",
                                 "fix the anchor"))
    return sorted(problems)


def pack_links(links: set[tuple[str, str]]) -> str:
    """A page's links as one string, to keep for the next build (quicker to store than a set)."""
    return "\n".join(sorted(map("\0".join, links)))


def unpack_links(packed: str) -> list[tuple[str, str]]:
    """The (path, fragment) links that pack_links() wrote."""
    return [link.partition("\0")[::2] for link in packed.split("\n")] if packed else []


def check_paths(paths: list[str], taken: AbstractSet[str] = frozenset()) -> None:
    """HeshuError for a path outside site/, or one that is twice in paths or already in `taken`."""
    seen: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if path.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in path:
            raise HeshuError([Problem(Location(path), "a page would be written outside site/", "use plain ids")])
        if path in seen or path in taken:
            raise HeshuError([Problem(Location(path), "two pages would be written to the same file",
                                      "give each claim, series and document its own id")])
        seen.add(path)


def put(out: Path, path: str, content: bytes, made: set[str]) -> None:
    """Write a file of the site into out, making its folder once per process.

    Through os.open and os.mkdir rather than open() and Path.mkdir(): this runs for every page, and
    those take about twice as long (20,000 pages in their own folders: 0.93 s against 0.50 s in memory,
    2.2 s against 1.7 s on disk, measured with benchmarks/writes.py).
    """
    folder = path.rpartition("/")[0]
    if folder not in made:
        _make_folder(str(out), folder, made)
    fd = os.open(os.path.join(out, path), WRITE, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _make_folder(out: str, folder: str, made: set[str]) -> None:
    """Make out/folder and the folders above it that are missing (and note them in made)."""
    if folder:
        parent = folder.rpartition("/")[0]
        if parent not in made:
            _make_folder(out, parent, made)
        try:
            os.mkdir(os.path.join(out, folder))
        except FileExistsError:
            pass
    made.add(folder)


# ---------------------------------------------------------------- links

LINK = re.compile(r'\s(?:href|src)="([^"]*)"')
ANCHOR = re.compile(r'\sid="([^"]*)"')


def check_links(out: Path) -> list[Problem]:
    """Every internal link of every page that leads to no file (or no anchor), read back from the HTML.

    The build checks links as it makes them (`dangling`); this reads a whole built site, links
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
