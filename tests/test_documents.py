"""The cleaner and the manifest: fixture-driven cases, offsets back to the file, bad reports skipped."""
import unicodedata
from pathlib import Path

import pytest

from heshu.documents import clean, load_manifest, load_source
from conftest import FIXTURES, ROOT


def cases():
    text = (FIXTURES / "cleaning.txt").read_text(encoding="utf-8")
    out = []
    for n, chunk in enumerate(text.split("\n=== ")[1:], 1):
        title, rest = chunk.split("\n", 1)
        raw, expected = rest.split("\n---\n")
        out.append(pytest.param(raw, expected.rstrip("\n"), id=f"cleaning.txt: {title}"))
    return out


def shown(c) -> str:
    parts = [("# " if b.kind == "heading" else "") + c.text[b.start:b.end] for b in c.blocks]
    return "\n\n".join(parts)


@pytest.mark.parametrize("raw, expected", cases())
def test_clean(raw, expected):
    assert shown(clean(raw)) == expected


@pytest.mark.parametrize("raw, expected", cases())
def test_every_cleaned_character_points_back_to_the_file(raw, expected):
    c = clean(raw)
    assert len(c.offsets) == len(c.text) + 1 and c.offsets[-1] == len(raw)
    for i, ch in enumerate(c.text):
        if ch in "\n ":
            continue
        assert ch in (raw[c.offsets[i]], unicodedata.normalize("NFKC", raw[c.offsets[i]]))


def test_seed_offsets_point_at_the_figures():
    docs, problems = load_manifest(ROOT / "seeds")
    assert problems == [] and len(docs) == 2
    for doc in docs:
        source, problem = load_source(ROOT / "seeds", doc)
        i = source.clean.text.index("万")
        assert source.raw[source.clean.offsets[i]] == "万"


def test_bad_reports_are_named_and_skipped(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text("全省新建学校120所。", encoding="utf-8")
    (seeds / "gbk.txt").write_bytes("全省新建学校".encode("gb18030"))
    (seeds / "empty.txt").write_text("  \n", encoding="utf-8")
    (seeds / "binary.txt").write_bytes(b"\x00\x01PK")
    entries = "".join(
        f"- {{id: {n}, file: {n}.txt, title: t, publisher: p, published: 2020-01, year: 2020}}\n"
        for n in ("good", "gbk", "empty", "binary", "missing"))
    (seeds / "documents.yaml").write_text("documents:\n" + entries, encoding="utf-8")
    docs, problems = load_manifest(seeds)
    assert problems == []  # every entry is well formed: a report that cannot be read is skipped when it is loaded
    results = {d.id: load_source(seeds, d) for d in docs}
    assert str(results["missing"][1]) == ("seeds/documents.yaml:6: file `missing.txt` is not a file in seeds/; "
                                          "put the report in seeds/ or correct the name")
    assert results["good"][0] is not None
    assert str(results["gbk"][1]) == "seeds/gbk.txt:1: the file is not UTF-8; re-save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)"
    assert str(results["empty"][1]) == "seeds/empty.txt: the report is empty; put its text in the file or drop its manifest entry"
    assert str(results["binary"][1]) == "seeds/binary.txt: this is a binary file, not text; convert the report to UTF-8 text"
