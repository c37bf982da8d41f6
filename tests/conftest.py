"""Shared helpers: fixture files, a temporary project with the seed reports."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# the tests keep their caches (parsed ledger items, jieba's dictionary) apart from the user's
os.environ.setdefault("HESHU_CACHE", tempfile.mkdtemp(prefix="heshu-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def table(name: str, columns: int) -> list:
    """Rows of a `a | b | c` fixture file as pytest params, each named after its file and line."""
    rows = []
    for n, line in enumerate((FIXTURES / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(" | ")]
        assert len(cells) == columns, f"{name}:{n}: expected {columns} cells, found {len(cells)}"
        rows.append(pytest.param(*cells, id=f"{name}:{n}: {cells[0]}"))
    return rows


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project's seeds/ in a temporary folder, with no ledger yet."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path
