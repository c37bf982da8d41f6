"""A cache in a folder the user owns (~/.cache/heshu), for work that is slow to redo."""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    """The folder for Heshu's caches: $HESHU_CACHE, else $XDG_CACHE_HOME/heshu, else ~/.cache/heshu."""
    if os.environ.get("HESHU_CACHE"):
        return Path(os.environ["HESHU_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "heshu"


def read(name: str) -> Any:
    """What was stored under name, or None (a missing or unreadable cache is no error)."""
    parts = read_parts(name, 1)
    return parts[0] if parts else None


def read_parts(name: str, count: int) -> list | None:
    """The first `count` of the values stored under name as pickled_parts() pickled them, or None."""
    try:
        with open(cache_dir() / name, "rb") as f:
            return [pickle.load(f) for _ in range(count)]
    except Exception:  # a cache from another version, or a half-written one
        return None


def pickled_parts(*values: Any) -> bytes:
    """Values pickled one after the other, for write_pickled(): read_parts() reads only as many as it needs."""
    return b"".join(pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for v in values)


def write(name: str, value: Any) -> None:
    """Store value under name, atomically; a cache that cannot be written is skipped."""
    write_pickled(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def write_pickled(name: str, data: bytes) -> None:
    """write() for a value already pickled."""
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


def remove(name: str) -> None:
    """Forget what was stored under name."""
    try:
        (cache_dir() / name).unlink(missing_ok=True)
    except OSError:
        pass


def add_files(h: Any, folder: Path, pattern: str = "*") -> None:
    """Feed the path and bytes of every file under folder matching pattern into the hashlib hash h, in
    a stable order."""
    for f in sorted(folder.rglob(pattern)) if folder.is_dir() else []:
        if f.is_file():
            h.update(f.relative_to(folder).as_posix().encode("utf-8") + b"\0" + f.read_bytes() + b"\0")


PACKAGES = ("jinja2", "markupsafe", "markdown-it-py", "PyYAML", "jieba")  # what Heshu's results are made with


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of Heshu's code and data and the versions of the packages it uses: what a cached
    result was computed with."""
    import sys
    h = hashlib.sha1(sys.version.encode("utf-8"))
    found = _metadata_folders(PACKAGES)
    for name in PACKAGES:
        h.update(found.get(_normal(name), "-").encode("utf-8"))
    here = Path(__file__).parent
    add_files(h, here, "*.py")
    add_files(h, here / "data")
    return h.hexdigest()


def _installed(package: str) -> str:
    """The name of a package's installed metadata folder ('-' if none)."""
    return _metadata_folders((package,)).get(_normal(package), "-")


def _metadata_folders(packages: tuple[str, ...]) -> dict[str, str]:
    """The name of each package's installed metadata folder, `<name>-<version>.dist-info`, the first on
    sys.path, by the package's normalized name (missing if none): its version, without importlib.metadata's
    cost of reading the metadata. Each folder of sys.path is listed once."""
    import sys
    wanted, out = {_normal(p) for p in packages}, {}
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                package = _normal(name.rsplit(".", 1)[0].split("-", 1)[0])
                if package in wanted:
                    out.setdefault(package, name)
    return out


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")
