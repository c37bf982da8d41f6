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
    (tmp_path / "secret.txt").write_text("全省新建学校120所。", encoding="utf-8")
    (seeds / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (seeds / "inside.txt").symlink_to(seeds / "good.txt")
    entries = "".join(
        f"- {{id: {n}, file: {n}.txt, title: t, publisher: p, published: 2020-01, year: 2020}}\n"
        for n in ("good", "gbk", "empty", "binary", "missing", "outside", "inside"))
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
    assert str(results["outside"][1]) == ("seeds/outside.txt: the report is a link to a file outside seeds/; "
                                          "copy the report into seeds/ instead of linking to it")
    assert results["inside"][0] is not None


DEEP = "documents: " + "[" * 50_000 + "]" * 50_000 + "\n"  # past the depth at which libyaml's composer crashed


@pytest.mark.parametrize("manifest, message", [
    (b"documents:\n- id: \xff\n", "seeds/documents.yaml: the file is not UTF-8 text (invalid start byte); re-save it as UTF-8"),
    (b"documents:\n\t- id: a\n", "seeds/documents.yaml:2: a tab indents this line; YAML indents with spaces only: "
                                 "replace the tab with spaces"),
    (b"documents: [\n", "seeds/documents.yaml:2: not valid YAML: while parsing a flow node did not find expected "
                        "node content; fix the syntax here (check quotes, colons and indentation)"),
    (DEEP.encode(), "seeds/documents.yaml:1: lists and mappings are nested more than 32 deep here; write the value "
                    "as plain text, a list or a mapping of plain values"),
    (b"documents: []\n", "seeds/documents.yaml:1: the manifest lists no reports; add an entry for each report in seeds/"),
], ids=["not-utf8", "tab", "syntax", "deep", "empty"])
def test_a_manifest_that_cannot_be_read_is_named_with_its_line(tmp_path: Path, manifest: bytes, message: str):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "documents.yaml").write_bytes(manifest)
    docs, problems = load_manifest(seeds)
    assert docs == [] and [str(p) for p in problems] == [message]


@pytest.mark.parametrize("year", ["²⁰²⁰", "２０２０", "20200", "1066"])
def test_a_year_that_is_not_a_report_year_is_named(tmp_path: Path, year: str):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("全省新建学校120所。", encoding="utf-8")
    (seeds / "documents.yaml").write_text(
        f"documents:\n- {{id: a, file: a.txt, title: t, publisher: p, published: 2020-01, year: '{year}'}}\n",
        encoding="utf-8")
    docs, problems = load_manifest(seeds)
    assert docs == [] and [str(p) for p in problems] == [
        f"seeds/documents.yaml:2: year `{year}` is not a year; write it as 2020"]


def test_control_characters_are_dropped_and_the_figures_around_them_read():
    raw = "全省新建\x01学校\x1b120所，培训\x7f教师3\x85万人，\ufffe新增\x9f农场5个。\u2028全年完成\x08投资12亿元。\n"
    c = clean(raw)
    assert c.text == "全省新建学校120所，培训教师3万人，新增农场5个。全年完成投资12亿元。"
    for i, ch in enumerate(c.text):
        assert raw[c.offsets[i]] == ch
