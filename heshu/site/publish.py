"""Put a built site in place of site/: whole or not at all, and touching only the files that changed.

The first build writes everything to site.tmp/ and swaps it in. Later builds stage only the
files whose bytes would change in site.tmp/, then commit: a journal (site.commit) lists the moves
and deletions, and they are applied with os.replace, one atomic rename per file, as rsync's
--delay-updates does. A build stopped before the journal is written leaves site/ as it was; one
stopped during the commit is finished by the next build before it does anything else. What each
file of site/ was built from is recorded in the cache, so the next build knows what it can leave.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Callable, NamedTuple

from .. import cache
from ..errors import HeshuError
from .assemble import Rows
from .pages import Site
from .contexts import Kept
from .render import Rendered, check_paths, dangling, put, render_pages, unpack_links

RECORD_VERSION = 6


class Published(NamedTuple):
    """What publish() or patch() wrote: the paths of the site's files; the pages it rendered or found as
    they were, with the values of their contexts (see contexts.Kept); where each claim's rows are in the
    data files (assemble.Rows: publish() only); and the digest of each file that is not a page."""

    paths: list[str]
    pages: list[Rendered]
    kept: Kept
    rows: Rows | None
    files: dict[str, str]


def publish(site: Site, templates: Path, dest: Path, base_url: str, workers: int | None = None,
            rendered: Callable[[list[Rendered], Kept], None] | None = None, for_rebuild: bool = True) -> Published:
    """Write the site to dest (site/), or raise HeshuError with every broken link and leave dest as it was.
    `rendered` is called with the pages and their contexts' values as soon as all are rendered. With
    for_rebuild=False the pages are neither digested nor kept (render_pages): all are rendered and
    written, and the next build renders all of them again."""
    files = _files(site, templates)
    check_paths([p.path for p in site.pages] + sorted(files))
    cache.remove(_stamp_key(dest))  # from here until remember(), site/ may change: no build is known to match it
    recover(dest)
    staging = dest.with_name(dest.name + ".tmp")
    before, _ = _read_record(dest) if dest.is_dir() else (None, None)
    staging.mkdir()
    try:
        record, rows, kept = _stage(site, templates, files, staging, dest if before else staging, base_url, before,
                                    workers, rendered=rendered, for_rebuild=for_rebuild)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    record["serial"] = os.urandom(8).hex()  # what a later patch's record names as the one it changes
    writes, removes = [(_record_key(dest), _pickled_record(record))], [_delta_key(dest)]
    if not before:
        swap(staging, dest)
        _apply(writes, removes)
    elif _changed(staging, record, before):
        _commit(staging, dest, sorted(set(before["pages"]) - set(record["pages"]) |
                                      set(before["files"]) - set(record["files"])), writes, removes)
    else:
        shutil.rmtree(staging)  # nothing changed
    return Published([p.path for p in site.pages] + sorted(record["files"]), rows, kept, site.rows(), record["files"])


def patch(site: Site, dest: Path, templates: Path, base_url: str, memo: dict | None = None) -> Published | None:
    """Rewrite these pages and files of the site the last build wrote to dest, and leave its others as
    they are: for a rebuild that knows which pages an edit reaches. None if there is no such build.
    `memo`: what is known of the pages' values, as for render_pages()."""
    staging = dest.with_name(dest.name + ".tmp")
    before, delta = _read_record(dest, links=False) if dest.is_dir() and not _journal(dest).exists() else (None, None)
    if before is None or not {p.path for p in site.pages} <= before["pages"].keys():
        return None
    cache.remove(_stamp_key(dest))
    recover(dest)
    staging.mkdir()
    try:
        record, rows, kept = _stage(site, templates, site.files, staging, dest, base_url, before, 1, whole=False,
                                    memo=memo)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    rendered = [r for r in rows if r.links is not None]  # a page left as it was keeps its entry
    delta = {"serial": before["serial"], "pages": {**delta["pages"], **{r.path: r.digest for r in rendered}},
             "links": {**delta["links"], **{r.path: r.links for r in rendered}},
             "files": {**delta["files"], **{path: record["files"][path] for path in site.files}}}
    _commit(staging, dest, [], [(_delta_key(dest), pickle.dumps(delta, protocol=5))], [])
    return Published(list(record["pages"]) + sorted(record["files"]), rows, kept, None, record["files"])


def _read_record(dest: Path, links: bool = True) -> tuple[dict | None, dict | None]:
    """The record of the last build to dest (None if there is none, or it is another version's), with the
    changes patch() made since (also returned on their own). Its "pages" are the pages' digests by path;
    its "links", read only if asked for, their links (as pack_links() writes them)."""
    parts = cache.read_parts(_record_key(dest), 2 if links else 1)
    base = _valid(parts[0]) if parts else None
    if base is None:
        return None, None
    delta = cache.read(_delta_key(dest))
    if not isinstance(delta, dict) or delta.get("serial") != base.get("serial"):
        delta = {"pages": {}, "links": {}, "files": {}}
    record = {**base, "pages": {**base["pages"], **delta["pages"]}, "files": {**base["files"], **delta["files"]}}
    if links:
        record["links"] = {**parts[1], **delta["links"]}
    return record, delta


def _pickled_record(record: dict) -> bytes:
    """The record as two pickles: the pages' links after the rest, which a rebuild seldom needs."""
    return cache.pickled_parts({k: v for k, v in record.items() if k != "links"}, record["links"])


def _changed(staging: Path, record: dict, before: dict) -> bool:
    return any(staging.iterdir()) or record["pages"].keys() != before["pages"].keys() \
        or record["files"].keys() != before["files"].keys()


def remember(dest: Path, inputs: str, paths: list[str], summary: tuple) -> None:
    """Note that dest now holds the site built from `inputs` (a digest of all a build reads)."""
    cache.write_pickled(_stamp_key(dest), cache.pickled_parts(
        {"version": RECORD_VERSION, "inputs": inputs, "summary": summary}, paths))  # the paths read only if need be


def last_build(dest: Path, inputs: str, whole: bool = True) -> tuple | None:
    """The summary remember() kept, if dest was last built from these very inputs (and, if `whole`, still
    has all its files)."""
    stamp = cache.read(_stamp_key(dest))
    if not isinstance(stamp, dict) or stamp.get("version") != RECORD_VERSION or stamp.get("inputs") != inputs \
            or _journal(dest).exists():
        return None  # none, another version's, another build's, or one whose commit is unfinished
    if whole:
        _, paths = cache.read_parts(_stamp_key(dest), 2) or (None, None)
        root = str(dest)
        if not isinstance(paths, list) or not all(os.path.isfile(os.path.join(root, path)) for path in paths):
            return None
    return stamp["summary"]


def _stage(site: Site, templates: Path, files: dict[str, bytes], staging: Path, current: Path, base_url: str,
           before: dict | None, workers: int | None, whole: bool = True, memo: dict | None = None,
           rendered: Callable[[list[Rendered], Kept], None] | None = None, for_rebuild: bool = True
           ) -> tuple[dict, list[Rendered], Kept]:
    """Write into staging every page and file that `current` lacks or has with other bytes; the new record,
    the pages, and their contexts' values. With whole=False the site is the last build's (`before`) with
    these pages and files in place of its own, and a page left as it was keeps no links in its row."""
    known = {p.path for p in site.pages} | set(files)
    if not whole:
        known |= before["pages"].keys() | before["files"].keys()
    anchors = site.anchors if whole else before["anchors"]
    rows, nowhere, kept = render_pages(replace(site, anchors=anchors), templates, staging, base_url,
                                       before["pages"] if before else {}, current, known, workers, memo, for_rebuild)
    if whole and before:  # a page left as it was has the links it had
        rows = [row if row.links is not None else row._replace(links=before["links"][row.path]) for row in rows]
    if rendered:
        rendered(rows, kept)
    later = site.pending()  # made on the other core while the pages were rendered
    check_paths(sorted(later), known if whole else set())
    files = {**files, **later}
    known |= later.keys()
    digests = {path: hashlib.sha1(content).hexdigest() for path, content in files.items()}
    made: set[str] = set()
    for path, content in sorted(files.items()):
        if not before or before["files"].get(path) != digests[path] or not (current / path).is_file():
            put(staging, path, content, made)
    if whole and before and (before["pages"].keys() | before["files"].keys() != known or before["anchors"] != anchors):
        for row in rows:  # a page left as it was may link to what is gone now
            nowhere.update(unpack_links(row.links))
    broken = dangling(nowhere, known, anchors)
    if broken:
        raise HeshuError(broken)
    pages = {row.path: row.digest for row in rows}
    if not whole:  # the links of the pages not given are not read: patch() keeps only the new ones
        return {"pages": {**before["pages"], **pages}, "files": {**before["files"], **digests}}, rows, kept
    return {"version": RECORD_VERSION, "pages": pages, "links": {row.path: row.links for row in rows},
            "files": digests, "anchors": anchors}, rows, kept


def _valid(record) -> dict | None:
    """The record of the last build as publish uses it, or None if it is missing or from another version."""
    return record if isinstance(record, dict) and record.get("version") == RECORD_VERSION else None


def _files(site: Site, templates: Path) -> dict[str, bytes]:
    """The data files of the site and the static files of the templates."""
    files = dict(site.files)
    static = templates / "static"
    for f in sorted(static.rglob("*")) if static.is_dir() else []:
        if f.is_file():
            files["static/" + f.relative_to(static).as_posix()] = f.read_bytes()
    return files


def _record_key(dest: Path) -> str:
    return "builds/" + hashlib.sha1(str(dest.resolve()).encode("utf-8")).hexdigest() + ".pickle"


def _delta_key(dest: Path) -> str:
    return _record_key(dest).replace(".pickle", ".delta")


def _stamp_key(dest: Path) -> str:
    return _record_key(dest).replace(".pickle", ".stamp")


def _journal(dest: Path) -> Path:
    return dest.with_name(dest.name + ".commit")


def _commit(staging: Path, dest: Path, gone: list[str], writes: list[tuple[str, bytes]], removes: list[str]) -> None:
    """Move the staged files into dest and delete the `gone` ones, then write the record's cache files and
    remove the `removes` ones: all through a journal."""
    moves = sorted(str(p.relative_to(staging).as_posix()) for p in staging.rglob("*") if p.is_file())
    journal = _journal(dest)
    tmp = journal.with_name(journal.name + ".tmp")
    tmp.write_bytes(pickle.dumps({"moves": moves, "gone": gone, "writes": writes, "removes": removes}, protocol=5))
    os.replace(tmp, journal)  # from here on the build is done, even if it is stopped: the next one finishes it
    recover(dest)


def recover(dest: Path) -> None:
    """Finish a commit that was stopped halfway, and clear what an interrupted build left behind."""
    journal, staging = _journal(dest), dest.with_name(dest.name + ".tmp")
    if journal.exists():
        todo = pickle.loads(journal.read_bytes())
        for path in todo["moves"]:
            if (staging / path).is_file():
                _move(staging / path, dest / path)
        for path in todo["gone"]:
            _remove(dest, path)
        if "writes" in todo:
            _apply(todo["writes"], todo["removes"])
        else:  # an older Heshu's journal: its record, pickled or not
            record = todo["record"]
            _apply([(todo["key"], record if isinstance(record, bytes) else pickle.dumps(record, protocol=5))], [])
        journal.unlink()
    if staging.exists():
        shutil.rmtree(staging)
    journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)


def _apply(writes: list[tuple[str, bytes]], removes: list[str]) -> None:
    for key in removes:
        cache.remove(key)
    for key, data in writes:
        cache.write_pickled(key, data)


def _move(staged: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)


def _remove(dest: Path, path: str) -> None:
    """Delete a file of the site, and its folders as they become empty."""
    (dest / path).unlink(missing_ok=True)
    folder = (dest / path).parent
    while folder != dest and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def swap(new: Path, site: Path) -> None:
    """Put a freshly written site in place of the old one; the old one stays whole until then."""
    old = site.with_name(site.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if site.exists():
        os.replace(site, old)
    os.replace(new, site)
    if old.exists():
        shutil.rmtree(old)
