"""What a build keeps of its pages for the next one: each page's template and context, the claim views
the contexts refer to, which pages show which claim, and each claim's place in the data files; in
SQLite, read item by item (see rebuild.py). The ledger the build read is kept beside it.

A page's context is kept as a layout of tokens (see contexts.Kept): text as it is, a claim view by id,
any other value by the hash of its pickle, in which each claim view is a reference to its id. So an
edit to a claim's view reaches every page that shows it without touching what those pages keep.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import cache, parallel
from .assemble import DATA, ClaimRow, Rows
from .contexts import Kept
from .render import Rendered

VERSION = 2
SCHEMA = """
create table meta (key text primary key, value blob);
create table claim (id text primary key, view blob);
create table value (key blob primary key, data blob);
create table page (path text primary key, template text, layout blob, claims blob);
create table shown (claim text primary key, paths blob);
"""


@dataclass
class Meta:
    """What the kept pages were built from: a digest of all the build read, one of all it read but the
    ledger, one of the ledger (kept beside), and the build's summary (pages, claims, problems)."""

    inputs: str
    others: str
    ledger: str
    summary: tuple


def where(dest: Path) -> Path:
    return cache.cache_dir() / "builds" / (hashlib.sha1(str(dest.resolve()).encode("utf-8")).hexdigest() + ".state")


@dataclass
class Keeping:
    """A whole build's keep, begun as soon as its pages are rendered (on the other core, where there is
    one and the site is large) while the build goes on, then finished, or dropped. Never begun (no
    pages_rendered), finishing and dropping it do nothing: the old keep stays as it is."""

    dest: Path
    wait: Callable[[], Path] | None = None  # the new file with the pages, once written

    def pages_rendered(self, pages: list[Rendered], kept: Kept) -> None:
        self.wait = parallel.in_background(write_pages, self.dest, pages, kept, worth_it=len(pages) >= parallel.MANY)

    def finish(self, meta_of: Meta, ledger: bytes, published) -> None:
        """Add the build's meta and claims' rows (from what publish() returned) to the new file, and put it
        in place of the old keep, with the ledger the build read."""
        tmp = self._written()
        if tmp is None:
            return
        try:
            _keep_ledger(where(self.dest), ledger)
            with _connect(tmp) as db:
                db.execute("pragma journal_mode = off")  # a new file, put in place only when whole
                _write_meta(db, meta_of, published.rows)
            os.replace(tmp, where(self.dest))
        except (OSError, sqlite3.Error):
            tmp.unlink(missing_ok=True)
            forget(self.dest)

    def drop(self) -> None:
        """Leave the old keep as it is (the build failed, or its inputs were edited while it ran)."""
        tmp = self._written()
        if tmp is not None:
            tmp.unlink(missing_ok=True)

    def _written(self) -> Path | None:
        try:
            return self.wait() if self.wait else None
        except (OSError, sqlite3.Error, RuntimeError):
            forget(self.dest)
            return None


def write_pages(dest: Path, pages: list[Rendered], kept: Kept) -> Path:
    """Write what a whole build keeps of its pages into a new file beside the keep, not yet in its place
    (Keeping.finish puts it there); its path."""
    path = where(dest)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.unlink(missing_ok=True)
    try:
        with _connect(tmp) as db:
            db.execute("pragma journal_mode = off")
            db.executescript(SCHEMA)
            _write_pages(db, pages, kept)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def forget(dest: Path) -> None:
    """Drop what the last build kept, and the ledger it read: the next rebuild is a full one."""
    for path in (where(dest), where(dest).with_suffix(".ledger")):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


class State:
    """The kept pages of the last build to dest, open for reading and for patching."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db, self.path = db, path

    def meta(self) -> Meta | None:
        rows = dict(self.db.execute("select key, value from meta where key in ('version', 'meta')"))
        return pickle.loads(rows["meta"]) if rows.get("version") == VERSION else None

    def ledger(self, meta: Meta) -> bytes | None:
        """The ledger the kept build read, if it is still the one its meta names."""
        try:
            data = self.path.with_suffix(".ledger").read_bytes()
        except OSError:
            return None
        return data if hashlib.sha1(data).hexdigest() == meta.ledger else None

    def rows(self) -> Rows:
        (data,), = self.db.execute("select value from meta where key = 'rows'")
        return pickle.loads(data)

    def views(self, ids: list[str]) -> dict[str, bytes]:
        """The pickled views of these claims (those that were kept)."""
        return dict(self._rows("select id, view from claim where id in ({})", ids))

    def pages_showing(self, ids: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for (paths,) in self._rows("select paths from shown where claim in ({})", list(ids)):
            out.update(pickle.loads(paths))
        return out

    def layouts(self, paths: Iterable[str]) -> dict[str, tuple[str, tuple, list[str]]]:
        """(template, layout, the claims it shows) by path."""
        return {path: (template, pickle.loads(layout), pickle.loads(claims)) for path, template, layout, claims in
                self._rows("select path, template, layout, claims from page where path in ({})", list(paths))}

    def values(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        return dict(self._rows("select key, data from value where key in ({})", list(keys)))

    def patch(self, meta_of: Meta, ledger: bytes, published, rows: Rows) -> None:
        """Put what patch() rendered in place of what was kept, with the claims' rows and the ledger."""
        try:
            _keep_ledger(self.path, ledger)
            with self.db:
                self.db.executemany("update claim set view = ? where id = ?",
                                    [(v, cid) for cid, v in published.kept.claims.items()])
                _write_pages(self.db, published.pages, published.kept, whole=False)
                _write_meta(self.db, meta_of, rows)
        except (OSError, sqlite3.Error):
            self.path.unlink(missing_ok=True)  # the next rebuild is a full one

    def _rows(self, query: str, args: list):
        return _select(self.db, query, args)


def open_state(dest: Path) -> State | None:
    """The kept pages of the last build to dest, or None."""
    path = where(dest)
    if not path.is_file():
        return None
    try:
        state = State(_connect(path), path)
        return state if state.meta() is not None else None
    except (sqlite3.Error, pickle.UnpicklingError, KeyError, EOFError, ValueError):
        return None


def claim_files(rows: Rows, edited: dict[str, ClaimRow], current: dict[str, bytes]) -> dict[str, bytes] | None:
    """claims.json and claims.csv with the edited claims' rows in place of their rows in the current files
    (None if those are not the files `rows` describes)."""
    if tuple(hashlib.sha1(current[p]).hexdigest() for p in DATA) != rows.digests:
        return None
    out = {}
    for path, lengths, sep, new in ((DATA[0], rows.lengths[0], 2, {c: r.json for c, r in edited.items()}),
                                    (DATA[1], rows.lengths[1], 0, {c: r.csv for c, r in edited.items()})):
        data = current[path]
        start = 2 if sep else len(data) - sum(lengths)  # after "[\n"; after the byte-order mark and the header
        ends = list(itertools.accumulate(lengths))
        pieces, at = [], 0
        for k, cid in enumerate(rows.ids):
            if cid in new:
                begin = start + (ends[k - 1] if k else 0) + sep * k
                pieces += [data[at:begin], new[cid].encode("utf-8")]
                at = begin + lengths[k]
        out[path] = b"".join(pieces + [data[at:]])
    return out


def rows_after(rows: Rows, edited: dict[str, ClaimRow], digests: dict[str, str]) -> Rows:
    """The Rows once the edited claims' rows are in the data files (whose digests are now `digests`)."""
    index = {cid: k for k, cid in enumerate(rows.ids)}
    lengths = (list(rows.lengths[0]), list(rows.lengths[1]))
    for cid, r in edited.items():
        lengths[0][index[cid]], lengths[1][index[cid]] = len(r.json.encode("utf-8")), len(r.csv.encode("utf-8"))
    return Rows(ratings_after(rows, edited), rows.ids, lengths, tuple(digests[p] for p in DATA))


def ratings_after(rows: Rows, edited: dict[str, ClaimRow]) -> dict[str, tuple]:
    return {**rows.ratings, **{cid: tuple(r.rating[1:]) for cid, r in edited.items()}}


PARAMETERS = 500  # the values bound in one query, below SQLite's limit


def _select(db: sqlite3.Connection, query: str, args: list):
    """The rows of query for every value in args, its `({})` filled with as many placeholders, a chunk at a time."""
    for n in range(0, len(args), PARAMETERS):
        chunk = args[n:n + PARAMETERS]
        yield from db.execute(query.format(",".join("?" * len(chunk))), chunk)


def _keep_ledger(path: Path, ledger: bytes) -> None:
    """Keep beside the keep at `path` the ledger its build read."""
    target = path.with_suffix(".ledger")
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(ledger)
    os.replace(tmp, target)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("pragma synchronous = off")  # a cache: a lost write only means a full rebuild
    return db


def _write_meta(db: sqlite3.Connection, meta_of: Meta, rows: Rows) -> None:
    db.executemany("insert or replace into meta values (?, ?)",
                   [("version", VERSION), ("meta", pickle.dumps(meta_of, protocol=5)),
                    ("rows", pickle.dumps(rows, protocol=5))])


def _write_pages(db: sqlite3.Connection, pages: list[Rendered], kept: Kept, whole: bool = True) -> None:
    if whole:
        db.executemany("insert into claim values (?, ?)", kept.claims.items())
        added = [(claim, p.path) for p in pages for claim in p.claims]
    else:  # a claim is still shown by the pages that showed it: only the pairs new now are added
        had = {path: set(pickle.loads(claims)) for path, claims in
               _select(db, "select path, claims from page where path in ({})", [p.path for p in pages])}
        added = [(claim, p.path) for p in pages for claim in p.claims if claim not in had.get(p.path, ())]
    db.executemany("insert or ignore into value values (?, ?)", kept.values.items())
    db.executemany("insert or replace into page values (?, ?, ?, ?)",
                   [(p.path, p.template, p.layout, pickle.dumps(list(p.claims), protocol=5))
                    for p in pages])
    shown: dict[str, set[str]] = {}
    for claim, path in added:
        shown.setdefault(claim, set()).add(path)
    if not whole:
        for claim, paths in _select(db, "select claim, paths from shown where claim in ({})", list(shown)):
            shown[claim].update(pickle.loads(paths))
    db.executemany("insert or replace into shown values (?, ?)",
                   [(claim, pickle.dumps(sorted(paths), protocol=5)) for claim, paths in shown.items()])
