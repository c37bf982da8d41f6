"""`build.py serve`: the site on localhost, rebuilt when the ledger changes."""
import re
import shutil
import subprocess
import sys
import time
import urllib.request

from heshu import ledger
from conftest import ROOT


def test_serve_rebuilds_when_the_ledger_changes(tmp_path):
    for name in ("seeds", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "claims.yaml", tmp_path / "claims.yaml")
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(tmp_path), "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = ""
        deadline = time.time() + 60
        while "serving" not in line and time.time() < deadline:
            line = proc.stdout.readline()
        base = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        assert "核数" in urllib.request.urlopen(base + "index.html", timeout=10).read().decode("utf-8")
        led = ledger.load(tmp_path / "claims.yaml")
        claim = next(e for e in led.claims if e.fields["text"] == "329万")
        claim.fields["verdict"] = "accurate"
        ledger.save(led, tmp_path / "claims.yaml")
        page = base + f"claims/{claim.id}/index.html"
        deadline, shown = time.time() + 60, ""
        while "属实" not in shown and time.time() < deadline:
            time.sleep(0.5)
            try:
                shown = urllib.request.urlopen(page, timeout=10).read().decode("utf-8")
            except OSError:
                pass  # the site is being swapped
        assert 'class="verdict v-accurate"' in shown
    finally:
        proc.terminate()
        proc.wait(timeout=10)
