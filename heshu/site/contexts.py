"""A page's context as what the page's bytes depend on (a digest), and as tokens that the next build
can take up again without the rest of the site (see state.py)."""
from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping
from typing import Any, NamedTuple

from markupsafe import Markup

from .pages import ClaimView, Page, View


class Kept(NamedTuple):
    """The values of the pages' contexts, pickled with each ClaimView in them as a reference to its id:
    `values` by the hash of their pickle, `claims` (the views) by id. A page's layout has a token for
    each context key: the text itself, ("c", claim id), ("d", hash of a value's pickle) or ("l", hash of
    the pickled list of its items' tokens)."""

    values: dict[bytes, bytes]
    claims: dict[str, bytes]


NO_CLAIMS: frozenset = frozenset()


def page_digest(page: Page, salt: str, memo: dict) -> tuple[str, tuple, frozenset]:
    """What a page's bytes depend on: its template set, base URL, path and context ('' if unknowable);
    the page's context as tokens; and the claims whose views it shows.

    Each value of the context is pickled and hashed once per process, however many pages share it
    (the documents, a series); equal pickles mean equal values, so a page whose digest is unchanged
    would render to the same bytes.
    """
    parts = [f"{salt}\0{page.path}\0{page.template}".encode("utf-8", "surrogatepass")]
    layout, claims = [], NO_CLAIMS
    try:
        for key, value in page.context.items():
            digest, token, refs = _value_digest(value, memo)
            parts += (_KEYS.get(key) or _key(key), digest)
            layout.append((key, token))
            if refs:
                claims = claims | refs if claims else refs
    except (pickle.PicklingError, TypeError, AttributeError):
        return "", (), NO_CLAIMS
    return hashlib.sha1(b"".join(parts)).hexdigest(), tuple(layout), claims


_KEYS: dict[str, bytes] = {}  # a page has a dozen keys, the same on every page of its kind


def _key(key: str) -> bytes:
    """A context key as page_digest() writes it before the key's value."""
    _KEYS[key] = b"\0" + key.encode("utf-8", "surrogatepass") + b"="
    return _KEYS[key]


def _value_digest(value, memo: dict) -> tuple[bytes, Any, frozenset]:
    """A value's bytes for a page digest, its token (see Kept) and the ids of the claim views in it.

    Text is taken as it is; a claim view as the hash of its pickle; a list as its length and the bytes of its
    items (a list of text only, as the hash of its pickle); anything else as the hash of its pickle, with
    each claim view in it pickled as a reference, and the hashes of those views.
    """
    kind = type(value)
    if kind is str or kind is Markup:  # most often a page's own: not worth a pickle and a place in memo
        data = value.encode("utf-8", "surrogatepass")
        return b"%s%d:%s" % (b"s" if kind is str else b"m", len(data), data), value, NO_CLAIMS
    key = id(value)
    hit = memo.get(key)
    if hit is None:
        if kind is list and all(type(v) is str for v in value):  # a list of text (the sitemap's 60,000 paths)
            tokens = pickle.dumps(value, protocol=5)  # its items are their own tokens
            token = hashlib.sha1(tokens).digest()
            hit = (b"L" + token, ("l", token), NO_CLAIMS, tokens)
        elif kind is list:
            items = [_value_digest(v, memo) for v in value]
            tokens = pickle.dumps([t for _, t, _ in items], protocol=5)
            # the count first, or [[a], b] and [[a, b]] would give the same bytes
            hit = (b"l%d:" % len(items) + b"".join(d for d, _, _ in items), ("l", hashlib.sha1(tokens).digest()),
                   frozenset().union(*[c for _, _, c in items]), tokens)
        elif kind is ClaimView:
            hit = _view_hit(value, pickle.dumps(value, protocol=5))
        else:
            hit = _pickled_hit(*_pickle_with_refs(value), memo)
        memo[key] = (*hit, value)  # value kept alive: its id stays unique
    return hit[0], hit[1], hit[2]


def known_view(memo: dict, view: ClaimView, data: bytes) -> None:
    """Note in a memo for page_digest() that this claim view pickles to data (as a build kept it), so
    that it is not pickled again."""
    memo[id(view)] = (*_view_hit(view, data), view)


def _view_hit(view: ClaimView, data: bytes) -> tuple:
    return b"d" + hashlib.sha1(data).digest(), ("c", view["id"]), frozenset([view["id"]]), data


def _pickled_hit(data: bytes, refs: list[ClaimView], memo: dict) -> tuple:
    """A value's memo entry from its pickle (with references to claim views) and the views referred to."""
    digest = hashlib.sha1(data)
    token = digest.digest()
    for c in refs:
        digest.update(_value_digest(c, memo)[0])
    return b"d" + digest.digest(), ("d", token), frozenset(c["id"] for c in refs), data


class _RefPickler(pickle.Pickler):
    """Pickles each ClaimView in a value as a reference to its id, and lists the views it met.

    Through reducer_override, which pickle calls only for objects that are not plain str, int, float,
    list, dict and the like (persistent_id is called for every object: 2.6 million calls for a
    200-report site, whose 31,063 distinct values pickle in 0.296 s this way against 0.339 s).
    """

    def __init__(self, file):
        super().__init__(file, protocol=5)
        self.claims: list = []

    def reducer_override(self, obj):
        kind = type(obj)
        if kind is View:  # View.__reduce__ itself, without pickle going through object.__reduce_ex__ to it
            return obj.__reduce__()
        if kind is ClaimView:
            self.claims.append(obj)  # once per view: pickle refers to it by its memo after that
            return _claim, (obj["id"],)
        return NotImplemented


def _claim(claim_id: str):
    """Where a kept value refers to a claim view: load_value() puts the view in its place."""
    raise pickle.UnpicklingError(f"a kept value refers to claim {claim_id!r}: read it with load_value()")


def _pickle_with_refs(value) -> tuple[bytes, list]:
    f = io.BytesIO()
    p = _RefPickler(f)
    p.dump(value)
    return f.getvalue(), p.claims


def keep(context: dict, memo: dict, sent: set, kept: Kept) -> None:
    """Add to kept the pickles of the context's values that this process has not sent yet."""
    for value in context.values():
        hit = memo.get(id(value))
        if hit is None or id(value) in sent:
            continue
        sent.add(id(value))
        token, data = hit[1], hit[3]
        if token[0] == "c":
            kept.claims[token[1]] = data
        else:
            kept.values[token[1]] = data
        if token[0] == "l":
            keep(dict(enumerate(hit[4])), memo, sent, kept)


def load_value(data: bytes, views: Mapping[str, ClaimView], memo: dict | None = None) -> Any:
    """A value pickled as keep() keeps it, with the view of each claim it refers to taken from views.
    With a memo, notes there what page_digest() needs of the value, from these very bytes: pickled
    again, the value need not give the same bytes (pickle writes a string it met before as a reference,
    and once unpickled, which of its strings are the very objects found in the claim views differs)."""
    unpickler = _RefUnpickler(data, views)
    value = unpickler.load()
    if memo is not None:
        memo[id(value)] = (*_pickled_hit(data, unpickler.refs, memo), value)
    return value


class _RefUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, views: Mapping[str, ClaimView]):
        super().__init__(io.BytesIO(data))
        self.views, self.refs = views, []

    def find_class(self, module, name):
        if module == __name__ and name == "_claim":
            return self._view
        return super().find_class(module, name)

    def _view(self, claim_id: str) -> ClaimView:
        view = self.views[claim_id]
        self.refs.append(view)  # in the order the pickler met them, as _pickled_hit takes them
        return view
