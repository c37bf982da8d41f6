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
from pathlib import Path

from .. import cache
from ..errors import HeshuError
from .pages import Site
from .render import check_paths, dangling, put, render_pages, unpack_links

RECORD_VERSION = 4


def publish(site: Site, templates: Path, dest: Path, base_url: str, workers: int | None = None) -> list[str]:
    """Write the site to dest (site/), or raise HeshuError with every broken link and leave dest as it was.

    Returns the paths of the site's files.
    """
    files = _files(site, templates)
    check_paths([p.path for p in site.pages] + sorted(files))
    cache.remove(_stamp_key(dest))  # from here until remember(), site/ may change: no build is known to match it
    recover(dest)
    key, staging = _record_key(dest), dest.with_name(dest.name + ".tmp")
    before = _valid(cache.read(key)) if dest.is_dir() else None
    staging.mkdir()
    try:
        record = _stage(site, templates, files, staging, dest if before else staging, base_url, before, workers)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not before:
        swap(staging, dest)
        cache.write(key, record)
    elif any(staging.iterdir()) or record["pages"].keys() != before["pages"].keys() \
            or record["files"].keys() != before["files"].keys():
        _commit(staging, dest, record, before, key)
    else:
        shutil.rmtree(staging)  # nothing changed
    return [p.path for p in site.pages] + sorted(record["files"])


def remember(dest: Path, inputs: str, paths: list[str], summary: tuple) -> None:
    """Note that dest now holds the site built from `inputs` (a digest of all a build reads)."""
    cache.write(_stamp_key(dest), {"version": RECORD_VERSION, "inputs": inputs, "paths": paths, "summary": summary})


def last_build(dest: Path, inputs: str) -> tuple | None:
    """The summary remember() kept, if dest was last built from these very inputs and has all its files."""
    stamp = cache.read(_stamp_key(dest))
    if not isinstance(stamp, dict) or stamp.get("version") != RECORD_VERSION or stamp.get("inputs") != inputs \
            or _journal(dest).exists():
        return None  # none, another version's, another build's, or one whose commit is unfinished
    root = str(dest)
    if not all(os.path.isfile(os.path.join(root, path)) for path in stamp["paths"]):
        return None
    return stamp["summary"]


def _stage(site: Site, templates: Path, files: dict[str, bytes], staging: Path, current: Path, base_url: str,
           before: dict | None, workers: int | None) -> dict:
    """Write into staging every page and file that `current` lacks or has with other bytes; the new record."""
    known = {p.path for p in site.pages} | set(files)
    rows, nowhere = render_pages(site, templates, staging, base_url, before["pages"] if before else {}, current,
                                 known, workers)
    later = site.pending()  # made on the other core while the pages were rendered
    check_paths(sorted(later), known)
    files = {**files, **later}
    known |= later.keys()
    digests = {path: hashlib.sha1(content).hexdigest() for path, content in files.items()}
    made: set[str] = set()
    for path, content in sorted(files.items()):
        if not before or before["files"].get(path) != digests[path] or not (current / path).is_file():
            put(staging, path, content, made)
    if before and (before["pages"].keys() | before["files"].keys() != known or before["anchors"] != site.anchors):
        for path, _, links in rows:  # a page left as it was may link to what is gone now
            nowhere.update(unpack_links(links))
    broken = dangling(nowhere, known, site.anchors)
    if broken:
        raise HeshuError(broken)
    return {"version": RECORD_VERSION, "pages": {path: (digest, links) for path, digest, links in rows},
            "files": digests, "anchors": site.anchors}


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


def _stamp_key(dest: Path) -> str:
    return _record_key(dest).replace(".pickle", ".stamp")


def _journal(dest: Path) -> Path:
    return dest.with_name(dest.name + ".commit")


def _commit(staging: Path, dest: Path, record: dict, before: dict, key: str) -> None:
    """Move the staged files into dest and delete the ones the site no longer has, through a journal."""
    moves = sorted(str(p.relative_to(staging).as_posix()) for p in staging.rglob("*") if p.is_file())
    gone = sorted(set(before["pages"]) - set(record["pages"]) | set(before["files"]) - set(record["files"]))
    journal = _journal(dest)
    tmp = journal.with_name(journal.name + ".tmp")
    record = pickle.dumps(record, protocol=5)  # once: the journal keeps these bytes, and the cache gets them
    tmp.write_bytes(pickle.dumps({"moves": moves, "gone": gone, "record": record, "key": key}, protocol=5))
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
        record = todo["record"]  # pickled, or (from an older Heshu's journal) not
        cache.write_pickled(todo["key"], record if isinstance(record, bytes) else pickle.dumps(record, protocol=5))
        journal.unlink()
    if staging.exists():
        shutil.rmtree(staging)
    journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)


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
