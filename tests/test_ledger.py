"""The ledger: extract is idempotent, people's edits survive re-extraction, nothing is dropped."""
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

import build
from heshu import ledger
from heshu.errors import HeshuError
from heshu.merge import merge_claims
from heshu.project import Project, load_corpus
from heshu.extract import extract
from heshu.model import Source
from conftest import ROOT

HEADER_LINES = ledger.HEADER.splitlines()


def run(root: Path, *args: str) -> int:
    return build.main(["--root", str(root), *args])


def claims_of(root: Path) -> dict:
    data = yaml.safe_load((root / "claims.yaml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in data["claims"]}


def edit(root: Path, claim_id: str, **fields) -> None:
    led = ledger.load(root / "claims.yaml")
    for e in led.claims:
        if e.id == claim_id:
            e.fields.update(fields)
    ledger.save(led, root / "claims.yaml")


def find(root: Path, text: str, doc: str = "sx2019") -> str:
    return next(i for i, c in claims_of(root).items() if c["text"] == text and c["doc"] == doc)


def test_extract_twice_gives_the_same_bytes(project):
    assert run(project, "extract") == 0
    first = (project / "claims.yaml").read_bytes()
    assert run(project, "extract") == 0
    assert (project / "claims.yaml").read_bytes() == first


def test_the_committed_ledger_is_what_extract_writes(project):
    (project / "claims.yaml").write_bytes((ROOT / "claims.yaml").read_bytes())
    assert run(project, "extract") == 0
    assert (project / "claims.yaml").read_bytes() == (ROOT / "claims.yaml").read_bytes()


def test_peoples_edits_survive_re_extraction(project):
    run(project, "extract")
    cid = find(project, "329万")
    note = "核对：国家统计局数据。\n\n见 [公报](https://www.stats.gov.cn/)。"
    edit(project, cid, verdict="accurate", note=note, reviewed="2026-11-20", subject="建档立卡贫困人口",
         year=2014, sources=[{"title": "统计公报", "url": "https://www.stats.gov.cn/"}])
    run(project, "extract")
    c = claims_of(project)[cid]
    assert (c["verdict"], c["note"], c["subject"], c["year"]) == ("accurate", note, "建档立卡贫困人口", 2014)
    assert c["sources"] == [{"title": "统计公报", "url": "https://www.stats.gov.cn/"}]
    assert run(project, "check") == 0


def test_a_claim_that_left_its_report_is_kept_and_marked(project, capsys):
    run(project, "extract")
    cid = find(project, "329万")
    edit(project, cid, verdict="accurate")
    report = project / "seeds" / "shanxi-2019-reform-achievements.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("329\n万", "330\n万"), encoding="utf-8")
    capsys.readouterr()
    run(project, "extract")
    claims = claims_of(project)
    assert claims[cid]["vanished"] is True and claims[cid]["verdict"] == "accurate"
    assert f"vanished: {cid}" in capsys.readouterr().err
    assert any(c["text"] == "330万" for c in claims.values())


def test_untouched_claims_take_extractor_improvements_edited_ones_do_not(project):
    run(project, "extract")
    a, b = find(project, "329万"), find(project, "918个")
    led = ledger.load(project / "claims.yaml")
    for e in led.claims:
        if e.id in (a, b):  # as an older extractor would have written them
            e.fields["subject"] = "旧主语"
            e.fields["auto"] = ledger.fingerprint(e.fields, ledger.CLAIM_MACHINE)
        if e.id == b:  # and a person then corrected b's year
            e.fields["year"] = 2017
    ledger.save(led, project / "claims.yaml")
    run(project, "extract")
    claims = claims_of(project)
    assert claims[a]["subject"] == "农村贫困人口"
    assert (claims[b]["subject"], claims[b]["year"]) == ("旧主语", 2017)


def test_hand_added_and_rejected_claims_stay(project):
    run(project, "extract")
    led = ledger.load(project / "claims.yaml")
    rejected = find(project, "两头")
    quote = next(e.fields["quote"] for e in led.claims if e.fields["text"] == "329万")
    led.claims.append(ledger.Entry({"id": "sx2019-by-hand", "doc": "sx2019", "text": "329万", "value": 3290000,
                                     "quote": quote, "note": "added by hand"}))
    ledger.save(led, project / "claims.yaml")
    edit(project, rejected, rejected=True)
    run(project, "extract")
    claims = claims_of(project)
    assert claims["sx2019-by-hand"]["note"] == "added by hand" and "vanished" not in claims["sx2019-by-hand"]
    assert claims[rejected]["rejected"] is True
    assert sum(c["text"] == "两头" for c in claims.values()) == 1


CORPUS = load_corpus(Project(ROOT))
SOURCES = CORPUS.sources
DOCS = [d.id for d in CORPUS.docs]
FRESH = [c for s in SOURCES.values() for c in extract(s)]
EDITABLE = ("verdict", "note", "subject", "year", "unit", "kind", "value", "period")
YAMLISH = st.text(alphabet='a核 \n\t#:-|>\'"*&!%@`.', max_size=30)  # text made of what YAML gives meaning to
VALUES = {"verdict": st.sampled_from(["accurate", "misleading"]), "note": st.text(max_size=30) | YAMLISH,
          "subject": st.text(min_size=1, max_size=10) | YAMLISH, "year": st.integers(1990, 2030),
          "unit": st.sampled_from(["人", "万人", "元"]), "kind": st.sampled_from(["actual", "target"]),
          "value": st.integers(0, 10 ** 9), "period": st.text(max_size=10) | YAMLISH}
edits = st.lists(st.tuples(st.integers(0, len(FRESH) - 1), st.sampled_from(EDITABLE)).flatmap(
    lambda t: st.tuples(st.just(t[0]), st.just(t[1]), VALUES[t[1]])), max_size=8)


@settings(max_examples=40, deadline=None)
@given(rounds=st.lists(edits, min_size=1, max_size=3))
def test_no_edit_is_ever_lost(rounds):
    led, _ = merge_claims(ledger.Ledger("claims.yaml", []), FRESH, set(SOURCES), DOCS)
    expected = {}
    for round_edits in rounds:
        for index, key, value in round_edits:
            entry = led.claims[index]
            entry.fields[key] = value
            expected[(entry.id, key)] = value
        led = ledger.load_text(ledger.dumps(led))  # through the file format, as a person's editor would
        led, _ = merge_claims(led, FRESH, set(SOURCES), DOCS)
        fields = {e.id: e.fields for e in led.claims}
        for (cid, key), value in expected.items():
            assert fields[cid][key] == value


def test_the_item_cache_reads_exactly_what_a_full_parse_reads(tmp_path):
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")
    edited = text.replace("verdict: unrated", "verdict: accurate\n  note: |\n    多行\n    说明", 1)
    for version in (text, edited, text):
        full, cached = ledger.load_text(version), ledger.load_cached(version)
        for a, b in ((full.claims, cached.claims), (full.series, cached.series), (full.checks, cached.checks)):
            assert [(e.fields, e.line, e.lines) for e in a] == [(e.fields, e.line, e.lines) for e in b]


@pytest.mark.parametrize("text", ["claims: []\n", "claims:\n- {id: a-1, doc: x}\n", "---\nclaims:\n- id: a-1\n",
                                  "claims:\n  - id: a-1\n  - id: a-2\n",  # sequences indented under their section
                                  "claims:\n- id: a-1\nseries:\n  - id: s-1\n    members: [a-1]\n"])
def test_other_layouts_are_read_by_a_full_parse(text):
    assert [e.fields for e in ledger.load_cached(text).claims] == [e.fields for e in ledger.load_text(text).claims]


@pytest.mark.parametrize("text, line, name", [("claims:\n- &x {id: a-1}\n- *x\n", 3, "x"),  # across items
                                              ("claims:\n- id: a-1\n  note: &n x\n  quote: *n\n", 4, "n")])
def test_an_alias_is_refused_by_the_item_cache_and_a_full_parse_alike(text, line, name):
    for load in (ledger.load_cached, ledger.load_text):
        with pytest.raises(HeshuError) as e:
            load(text)
        assert [str(p) for p in e.value.problems] == [
            f"claims.yaml:{line}: an alias (`*{name}`) repeats a value; write the value out in full here and "
            f"delete its anchor `&{name}`"]


def _whole_file(led: ledger.Ledger) -> str:
    """The ledger dumped in one piece, as dumps() did before it wrote items one at a time."""
    body = {"claims": [ledger._ordered(e.fields, ledger.CLAIM_ORDER) for e in led.claims]}
    for name, entries, order in (("series", led.series, ledger.SERIES_ORDER), ("checks", led.checks, ledger.CHECK_ORDER)):
        if entries:
            body[name] = [ledger._ordered(e.fields, order) for e in entries]
    return ledger.HEADER + yaml.dump(body, Dumper=ledger._Dumper, allow_unicode=True, sort_keys=False,
                                     default_flow_style=False, width=1_000_000, indent=2)


def test_dumps_writes_the_bytes_of_a_whole_file_dump_from_its_item_cache_or_not():
    led = ledger.load_text((ROOT / "claims.yaml").read_text(encoding="utf-8"))
    assert ledger.dumps(led) == ledger.dumps(led) == _whole_file(led)  # the second from the cache
    claim = led.claims[0]
    for value in (1, 1.0, True, "1", [1, 2], None):  # equal in Python, told apart in YAML
        claim.fields["value"] = value
        assert ledger.dumps(led) == _whole_file(led)
    assert ledger.dumps(ledger.Ledger("claims.yaml", [])) == ledger.HEADER + "claims: []\n"


def test_a_report_is_extracted_again_only_when_its_text_changes(project, tmp_path, monkeypatch):
    from heshu import project as project_mod
    monkeypatch.setenv("HESHU_CACHE", str(tmp_path / "cache"))  # nothing extracted by other tests
    sources = list(load_corpus(Project(project)).sources.values())
    extracted = []
    monkeypatch.setattr(project_mod, "extract", lambda s: extracted.append(s.doc.id) or extract(s))
    first = project_mod.extract_all(sources)
    again = project_mod.extract_all(sources)
    assert again == first and sorted(extracted) == sorted(s.doc.id for s in sources) and len(sources) == 2
    changed = Source(sources[0].doc, sources[0].raw + "\n另有数字增长了7%。\n", sources[0].clean)
    edited = project_mod.extract_all([changed, sources[1]])
    assert extracted[2:] == [changed.doc.id] and edited[sources[1].doc.id] == first[sources[1].doc.id]


@pytest.mark.parametrize("note", ["\n", "说明\n\n", "\n\n", "a\n\nb\n", " 前后空格 \n", "行一\n行二", "\n开头空行",
                                  "代码：\n\tx = 1\n"])
def test_any_text_is_read_back_as_it_was_saved(tmp_path, note):
    led = ledger.load_text((ROOT / "claims.yaml").read_text(encoding="utf-8"))
    for e in led.claims[:2]:  # two, so that one is followed by another item
        e.fields["note"] = note
    ledger.save(led, tmp_path / "claims.yaml")
    assert [e.fields["note"] for e in ledger.load(tmp_path / "claims.yaml").claims[:2]] == [note, note]


def test_the_item_cache_does_not_keep_every_version_of_the_ledger(tmp_path, monkeypatch):
    from heshu import cache
    monkeypatch.setenv("HESHU_CACHE", str(tmp_path))
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")

    def kept() -> int:
        return sum(len(cache.read(f"ledger-items/{f.name}")) for f in (tmp_path / "ledger-items").iterdir())
    ledger.load_cached(text)
    one = kept()
    assert one == len(ledger.layout(text).items)
    for verdict in ("accurate", "misleading", "inaccurate", "unverifiable", "mostly-accurate", "unrated"):
        ledger.load_cached(text.replace("verdict: unrated", f"verdict: {verdict}"))  # every claim's text changes
    assert kept() < 2 * one  # not the seven versions of each claim it has seen


def _commented(text: str, cid: str) -> str:
    """The ledger with a person's comments in every place a comment can go."""
    text = text.replace("claims:\n", "# 台账说明：张三维护\nclaims:  # 全部数字\n# 第一条之前\n", 1)
    start = text.index(f"- id: {cid}\n")
    end = text.index("\n- ", start) + 1
    item = text[start:end].replace("  verdict: accurate\n", "  # 核对过两遍\n  verdict: accurate  # 见统计公报\n", 1)
    item = item.replace("    url: https://www.stats.gov.cn/\n", "    url: https://www.stats.gov.cn/#a  # 链接含#号\n", 1)
    item = item.replace("  note: |\n", "  note: |  # 说明\n", 1)
    return text[:start] + item + "  # 这一条结束\n" + text[end:]


COMMENTS = ["# 台账说明：张三维护", "claims:  # 全部数字", "# 第一条之前", "  # 核对过两遍", "  verdict: accurate  # 见统计公报",
            "    url: https://www.stats.gov.cn/#a  # 链接含#号", "  note: |  # 说明", "  # 这一条结束"]


def test_comments_a_person_writes_are_kept_when_the_program_rewrites_the_file(project):
    run(project, "extract")
    cid = find(project, "329万")
    edit(project, cid, verdict="accurate", note="# 标题\n正文\n", sources=[{"title": "公报", "url": "https://www.stats.gov.cn/"}])
    path = project / "claims.yaml"
    path.write_text(_commented(path.read_text(encoding="utf-8"), cid), encoding="utf-8")
    before = claims_of(project)
    report = project / "seeds" / "shanxi-2019-reform-achievements.txt"
    report.write_text(report.read_text(encoding="utf-8").replace("329\n万", "330\n万"), encoding="utf-8")
    assert run(project, "extract") == 0 and run(project, "link") == 0  # the claim vanishes: its item is written anew
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [c for c in COMMENTS if c not in lines] == []
    after = claims_of(project)
    assert after[cid] == {**before[cid], "vanished": True}
    assert after[cid]["note"] == "# 标题\n正文\n" and after[cid]["sources"][0]["url"] == "https://www.stats.gov.cn/#a"
    written = path.read_bytes()
    assert run(project, "extract") == 0 and run(project, "link") == 0
    assert path.read_bytes() == written


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(-1, 6), st.text("注释#a", min_size=1, max_size=8)),
                min_size=1, max_size=6), st.sets(st.integers(0, 20), max_size=5))
def test_no_comment_is_lost_wherever_it_is_written(placed, changed):
    """Comments after values (indent -1) or as lines of their own at random places and indents; some items
    then changed by the program."""
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")
    text = text[:text.index("\n- id:", 4000) + 1]  # a few claims
    rows = text.split("\n")
    for at, indent, words in sorted(placed, reverse=True):
        i = len(HEADER_LINES) + at % (len(rows) - len(HEADER_LINES))
        if indent < 0:
            rows[i] += "  # " + words
        else:
            rows.insert(i, " " * indent + "# " + words)
    commented = "\n".join(rows)
    try:
        led = ledger.load_text(commented)
    except HeshuError:
        return
    plain = ledger.load_text(text)
    if [e.fields for e in led.claims] != [e.fields for e in plain.claims]:
        return  # a comment line that ended a block of text early: a different ledger, not a comment
    for i in changed:
        if i < len(led.claims):
            led.claims[i].fields["vanished"] = True
    saved = ledger.dumps(led, commented)
    assert [e.fields for e in ledger.load_text(saved).claims] == [e.fields for e in led.claims]
    assert [w for _, _, w in placed if saved.count("# " + w) < commented.count("# " + w)] == []
    assert ledger.dumps(ledger.load_text(saved), saved) == saved


def test_a_ledger_whose_lists_are_indented_under_their_sections_keeps_every_edit(project):
    """As a YAML formatter writes it: the same data, which the item cache once read as no claims at all."""
    run(project, "extract")
    cid = find(project, "329万")
    edit(project, cid, verdict="accurate")
    path = project / "claims.yaml"
    rows = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join("  " + r if r.startswith(("- ", "  ")) else r for r in rows), encoding="utf-8")
    assert run(project, "extract") == 0
    assert claims_of(project)[cid]["verdict"] == "accurate"


def test_comments_in_a_ledger_whose_lists_are_indented_are_kept_too():
    text = ("claims:\n  - id: a-1  # 一\n    doc: x\n    # 二\n  - id: a-2\n    doc: y  # 三\n# 四\n"
            "series:\n  - id: s-1  # 五\n    members: [a-1]  # 六\n")
    led = ledger.load_text(text)
    led.claims[0].fields["vanished"] = True
    saved = ledger.dumps(led, text)
    assert [n for n in "一二三四五六" if f"# {n}" not in saved] == []
    assert [e.fields for e in ledger.load_text(saved).claims] == [e.fields for e in led.claims]


def test_the_comments_of_an_item_the_program_removes_stay_at_the_end_of_the_file():
    text = "claims:\n- id: a-1\n  doc: x\nseries:\n- id: s-1  # 我的系列\n  members:\n  - a-1\n- id: s-2\n  members: []\n"
    led = ledger.load_text(text)
    led.series = led.series[1:]  # as `link` drops a series it no longer proposes and nobody edited
    saved = ledger.dumps(led, text)
    assert saved.endswith("- id: s-2\n  members: []\n# comments on s-1, which is no longer in the ledger:\n# 我的系列\n")
    assert ledger.dumps(ledger.load_text(saved), saved) == saved


def test_a_tab_in_a_notes_text_is_text_and_a_tab_that_indents_is_named():
    note = "claims:\n- id: a-1\n  note: |\n    代码：\n    \tx = 1\n"
    assert ledger.load_text(note).claims[0].fields["note"] == "代码：\n\tx = 1\n"
    with pytest.raises(HeshuError) as e:
        ledger.load_text("claims:\n- id: a-1\n\tdoc: x\n")
    assert [str(p) for p in e.value.problems] == [
        "claims.yaml:3: a tab indents this line; YAML indents with spaces only: replace the tab with spaces"]
