"""The extractor's year, period, kind, measure and subject: table-driven from fixtures/extract.txt."""
import pytest

from heshu.documents import clean
from heshu.extract import claim_id, extract
from heshu.model import Document, Source
from conftest import FIXTURES


def cases():
    text = (FIXTURES / "extract.txt").read_text(encoding="utf-8")
    out = []
    for chunk in text.split("\n=== ")[1:]:
        title, rest = chunk.split("\n", 1)
        header, rest = rest.split("\n", 1)
        body, expected = rest.split("\n---\n")
        fields = dict(kv.split(": ") for kv in header.replace(" year", "\nyear").split("\n"))
        rows = []
        for line in expected.strip().splitlines():
            figure, attrs = line.split(" | ")
            rows.append((figure, dict(a.split("=", 1) for a in attrs.split())))
        out.append(pytest.param(fields, body, rows, id=f"extract.txt: {title}"))
    return out


def source_of(fields: dict, body: str) -> Source:
    doc = Document("t", "t.txt", "t", "p", fields["published"], int(fields["year"]))
    return Source(doc, body, clean(body))


@pytest.mark.parametrize("fields, body, rows", cases())
def test_claim_attributes(fields, body, rows):
    claims = {c.text: c for c in extract(source_of(fields, body))}
    for figure, attrs in rows:
        assert figure in claims, f"{figure} not found; found {list(claims)}"
        c = claims[figure]
        for key, want in attrs.items():
            assert str(getattr(c, key)) == want, f"{figure}: {key} is {getattr(c, key)!r}, expected {want}"


def test_ids_come_from_the_sentence_not_the_position():
    src = source_of({"published": "2020-01", "year": "2020"}, "新建学校12所。新建医院3所。")
    moved = source_of({"published": "2020-01", "year": "2020"}, "新建医院3所。前言。新建学校12所。")
    assert {c.id for c in extract(src)} == {c.id for c in extract(moved)}


def test_the_same_figure_twice_in_a_sentence_gets_two_ids():
    src = source_of({"published": "2020-01", "year": "2020"}, "新建学校12所，改建学校12所。")
    ids = [c.id for c in extract(src)]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert ids[0] == claim_id("t", "新建学校12所，改建学校12所。", "12所", 1)


def test_texts_segmented_by_an_earlier_run_are_not_segmented_again(tmp_path, monkeypatch):
    from heshu import segment
    monkeypatch.setenv("HESHU_CACHE", str(tmp_path))
    monkeypatch.setattr(segment, "_USED", {})
    segment._stored.cache_clear()
    first = segment.tokens("农村贫困人口全部脱贫")
    segment.remember()
    monkeypatch.setattr(segment, "_USED", {})  # as in the next run
    segment._stored.cache_clear()
    monkeypatch.setattr(segment, "_cut", lambda text: pytest.fail(f"segmented again: {text}"))
    assert segment.tokens("农村贫困人口全部脱贫") == first and [t.word for t in first][-1] == "脱贫"
    segment._stored.cache_clear()


def test_reports_extracted_on_other_cores_give_the_claims_of_one_process(monkeypatch):
    import dataclasses

    from heshu import parallel, project
    from conftest import ROOT
    corpus = project.load_corpus(project.Project(ROOT))
    sources = [dataclasses.replace(s, doc=dataclasses.replace(s.doc, id=f"{s.doc.id}-{k}"))
               for k in range(4) for s in corpus.sources.values()]  # eight reports: enough to share out
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    shared = project._extract_many(sources)
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert shared == project._extract_many(sources) and sorted(shared) == sorted(s.doc.id for s in sources)
