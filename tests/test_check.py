"""`build.py check` on broken ledgers: the exact messages, all in one run, exit status 1, no traceback."""
import subprocess
import sys
from pathlib import Path

import pytest

import build
from conftest import FIXTURES, ROOT

LEDGERS = sorted((FIXTURES / "ledgers").glob("*.yaml"))


def expected(path: Path) -> list[str]:
    return [line[len("# expect: "):] for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("# expect: ")]


@pytest.mark.parametrize("ledger", LEDGERS, ids=[p.name for p in LEDGERS])
def test_check_reports_every_problem(ledger, project, capsys):
    (project / "claims.yaml").write_text(ledger.read_text(encoding="utf-8"), encoding="utf-8")
    status = build.main(["--root", str(project), "check"])
    err = capsys.readouterr().err.splitlines()
    want = expected(ledger)
    assert status == 1
    assert err == want + [f"{len(want)} problem(s)"]


def test_the_committed_ledger_passes_check(capsys):
    assert build.main(["--root", str(ROOT), "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "check: no problems"


def test_cli_prints_no_traceback(project):
    (project / "claims.yaml").write_text("claims:\n- id: [unclosed\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project), "check"],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("claims.yaml:2: not valid YAML")


def test_extract_refuses_to_overwrite_a_broken_ledger(project, capsys):
    broken = "claims:\n- id: x\n  value: [1\n"
    (project / "claims.yaml").write_text(broken, encoding="utf-8")
    assert build.main(["--root", str(project), "extract"]) == 1
    assert (project / "claims.yaml").read_text(encoding="utf-8") == broken


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        build.main(["frobnicate"])
    assert e.value.code == 2
