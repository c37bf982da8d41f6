"""A rebuild after edits to people's fields of claims (verdict, note, sources, review date), from what the
last build kept (state.py): only the pages that show an edited claim, the pages made from every
claim's verdict (assemble.PEOPLE_PAGES) and the claims' data files are made again.

The pages' contexts come back from the kept pickles, with the edited claims' views in place of the old
ones; so the pages are rendered exactly as a full build would render them.
"""
from __future__ import annotations

import pickle
from pathlib import Path

from ..model import Document
from .assemble import DATA, PEOPLE_PAGES, Rows, claim_row, people_lists
from .contexts import known_view, load_value
from .pages import ClaimView, Page, Rating, Site, people_view
from .publish import Published, patch
from .state import State, claim_files, ratings_after, rows_after


def rebuild(kept: State, dest: Path, templates: Path, config: dict, docs: dict[str, Document],
            edits: dict[str, dict]) -> tuple[Published, Rows] | None:
    """Rewrite the pages of the site in dest that these edits reach (people's fields of claims, by claim
    id), as a full build would; what was written and the claims' rows now. None if what was kept does
    not allow it."""
    rows, views = kept.rows(), _Views(kept)
    edited = {}
    for cid, fields in edits.items():
        if cid in rows.ratings:  # a claim no page shows (rejected, say) changes nothing
            c = views[cid]
            views[cid] = c = ClaimView({**c, **people_view(c, fields, docs.get(c["doc"]), config)})
            edited[cid] = claim_row(c, config)
    pages = _pages(kept, kept.pages_showing(edited) | set(PEOPLE_PAGES), views)
    files = _claim_files(dest, rows, edited)
    if pages is None or files is None:
        return None
    ratings = [Rating(cid, *rest) for cid, rest in ratings_after(rows, edited).items()]
    docs_shown = pages[PEOPLE_PAGES[0]].context["docs"]  # the documents every page lists
    for path, values in people_lists(ratings, docs_shown, views.__getitem__).items():
        pages[path].context.update(values)
    published = patch(Site(sorted(pages.values(), key=lambda p: p.path), files), dest,
                      templates, config["base_url"], views.memo)
    return None if published is None else (published, rows_after(rows, edited, published.files))


def _claim_files(dest: Path, rows: Rows, edited: dict) -> dict[str, bytes] | None:
    """The site's claims.json and claims.csv with the edited claims' rows put in."""
    try:
        current = {path: (dest / path).read_bytes() for path in DATA}
    except OSError:
        return None
    return claim_files(rows, edited, current)


class _Views(dict):
    """Claim views by id, each read from what was kept when first asked for; and, in `memo`, what those
    views pickle to (for contexts.page_digest)."""

    def __init__(self, kept: State):
        super().__init__()
        self.kept, self.memo = kept, {}

    def __missing__(self, cid: str) -> ClaimView:
        self.read([cid])
        if cid not in self:
            raise KeyError(cid)  # not kept
        return self[cid]

    def read(self, ids) -> None:
        """Read these views, if not read yet."""
        for cid, data in self.kept.views([cid for cid in ids if cid not in self]).items():
            view = self[cid] = pickle.loads(data)
            known_view(self.memo, view, data)


def _pages(kept: State, paths: set[str], views: _Views) -> dict[str, Page] | None:
    """The kept pages at these paths, their contexts unpickled with the given claim views in them."""
    layouts = kept.layouts(paths)
    if layouts.keys() != paths or not all(layout for _, layout, _ in layouts.values()):
        return None  # a page the last build did not keep, or one whose context it could not pickle
    views.read({cid for _, _, shown in layouts.values() for cid in shown})
    loaded: dict[bytes, object] = {}

    def value(token):
        if isinstance(token, str):
            return token
        kind, what = token
        if kind == "c":
            return views[what]
        if what not in loaded:
            data = kept.values([what])[what]
            if kind == "l":
                tokens = pickle.loads(data)
                views.read(t[1] for t in tokens if not isinstance(t, str) and t[0] == "c")  # at once, not one by one
                loaded[what] = [value(t) for t in tokens]
            else:
                loaded[what] = load_value(data, views, views.memo)
        return loaded[what]

    try:
        return {path: Page(path, template, {key: value(token) for key, token in layout})
                for path, (template, layout, _) in layouts.items()}
    except KeyError:  # a value or claim view that was not kept
        return None
