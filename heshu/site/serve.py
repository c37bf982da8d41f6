"""A local preview: serve site/ on localhost and rebuild when the inputs change."""
from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name is http.server's
        pass


def snapshot(paths: list[Path]) -> tuple:
    """The names, sizes and times of every file under the watched paths."""
    out = []
    for p in paths:
        files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file()) if p.exists() else []
        out += [(str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files]
    return tuple(out)


def serve(site: Path, watched: list[Path], rebuild: Callable[[], object], port: int,
          log: Callable[[str], None], interval: float = 0.5) -> None:
    """Serve site/ at http://127.0.0.1:port/ until interrupted, rebuilding on every change."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C stops)", flush=True)
    seen = snapshot(watched)
    try:
        while True:
            time.sleep(interval)
            now = snapshot(watched)
            if now != seen:
                log("change seen: rebuilding")
                rebuild()
                seen = snapshot(watched)  # the rebuild may itself touch claims.yaml
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
