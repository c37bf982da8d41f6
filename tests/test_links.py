"""Series, targets and checks, starting from the reports themselves."""
from pathlib import Path

import pytest
import yaml

import build
from heshu import ledger, series
from heshu.project import Project, run_check, run_link

POVERTY = [("329万", 2014, "actual"), ("25.5万", 2018, "actual"), ("23.9万", 2019, "actual"),
           ("22万左右", 2019, "target"), ("2.16万", 2020, "target")]


def linked(root: Path):
    assert build.main(["--root", str(root), "extract"]) == 0
    return run_link(Project(root)).links


def series_with(links, text: str) -> dict:
    return next(s for s in links.series if any(links.facts[m].text == text for m in s["members"]))


def points(links, s: dict) -> list:
    return [(links.facts[m].text, links.facts[m].year, links.facts[m].kind) for m in s["members"]]


@pytest.mark.parametrize("subject, key", [("GDP", "生产总值"), ("全省GDP总量", "生产总值"), ("地区生产总值", "生产总值"),
                                          ("PM2.5浓度", "PM2.5浓度"), ("新建5G基站", "5G基站"),
                                          ("高新技术企业数量", "高新技术企业"), ("增长", None)])
def test_a_subject_names_its_indicator(subject, key):
    assert series.indicator(subject) == key


@pytest.fixture(scope="module")
def seeds_linked(tmp_path_factory):
    root = tmp_path_factory.mktemp("p")
    import shutil
    shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", root / "seeds")
    return root, linked(root)


def test_the_poverty_series_comes_out_of_the_reports(seeds_linked):
    _, links = seeds_linked
    s = series_with(links, "329万")
    assert points(links, s) == POVERTY
    assert s["title"] == "贫困人口" and s["unit"] == "人"


def test_no_claim_is_in_two_series(seeds_linked):
    _, links = seeds_linked
    members = [m for s in links.series for m in s["members"]]
    assert len(members) == len(set(members))


@pytest.mark.parametrize("text, indicator", [("7993个", "贫困村"), ("41个", "贫困县"), ("720家", "高新技术企业"),
                                             ("991.3亿千瓦时", "外送电量"), ("突破1400万人次", "旅客吞吐量")])
def test_other_indicators_recur(seeds_linked, text, indicator):
    _, links = seeds_linked
    s = series_with(links, text)
    assert s["title"] == indicator
    assert len({links.facts[m].doc for m in s["members"]}) == 2 or len({links.facts[m].year for m in s["members"]}) > 1


def test_the_2019_poverty_targets_were_exceeded(seeds_linked):
    _, links = seeds_linked
    status = {(t.target.text, t.target.doc): (t.status, t.outcome.text if t.outcome else None) for t in links.targets}
    assert status[("22万左右", "sx2019")] == ("exceeded", "23.9万")
    assert status[("800个左右", "sx2019")] == ("exceeded", "918个")
    assert status[("2.16万", "sx2020")] == ("pending", None)


def test_the_poverty_stock_and_flow_do_not_add_up(seeds_linked):
    _, links = seeds_linked
    r = next(r for r in links.results if r.type == "stock-flow")
    texts = {name: links.facts[cid].text for name, cid in r.claims.items()}
    assert texts == {"before": "25.5万", "change": "23.9万", "after": "2.16万"}
    assert r.status == "fails"
    assert r.left == 16000 and r.right == 21600 and r.difference == -5600


def test_doubling_growth_and_restatement_checks_hold(seeds_linked):
    _, links = seeds_linked
    by_type = {r.type: r for r in links.results}
    assert by_type["doubling"].status == "holds" and by_type["doubling"].left == pytest.approx(1630 / 720)
    assert by_type["growth"].status == "holds"
    assert by_type["restatement"].status == "holds"


def test_link_is_idempotent_and_check_reports_findings_without_failing(seeds_linked, capsys):
    root, _ = seeds_linked
    before = (root / "claims.yaml").read_bytes()
    assert build.main(["--root", str(root), "link"]) == 0
    assert (root / "claims.yaml").read_bytes() == before
    capsys.readouterr()
    assert build.main(["--root", str(root), "check"]) == 0
    out = capsys.readouterr().out
    assert "finding: check stock-flow-" in out and "fails" in out
    assert "target: 贫困人口脱贫 22万左右 (2019, sx2019): exceeded" in out


THIRD = """2021年政府工作报告

2020年工作回顾

脱贫攻坚取得全面胜利，2.16万剩余贫困人口全部脱贫。全年外送电量达到1053亿千瓦时。完成农村户厕改造45万座。
"""


def test_a_report_reviewing_2020_settles_the_2020_targets(tmp_path):
    import shutil
    shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", tmp_path / "seeds")
    linked(tmp_path)
    (tmp_path / "seeds" / "sx2021.txt").write_text(THIRD, encoding="utf-8")
    with open(tmp_path / "seeds" / "documents.yaml", "a", encoding="utf-8") as f:
        f.write("- {id: sx2021, file: sx2021.txt, title: 2021年政府工作报告, publisher: 山西省人民政府, "
                "published: 2021-01, year: 2021}\n")
    links = linked(tmp_path)
    status = {(t.target.text, t.target.doc): t.status for t in links.targets}
    assert status[("2.16万", "sx2020")] == "met"
    assert status[("突破1000亿千瓦时", "sx2020")] == "exceeded"
    assert status[("53万座", "sx2020")] == "missed"


def test_peoples_series_edits_are_kept(tmp_path):
    import shutil
    shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", tmp_path / "seeds")
    links = linked(tmp_path)
    poverty = series_with(links, "329万")
    dropped = next(m for m in poverty["members"] if links.facts[m].text == "22万左右")
    led = ledger.load(tmp_path / "claims.yaml")
    for e in led.series:
        if e.id == poverty["id"]:
            e.fields["title"] = "农村贫困人口（建档立卡）"
            e.fields["members"] = [m for m in e.fields["members"] if m != dropped]
    rate = next(m for m, f in links.facts.items() if f.text == "13.6%")
    led.series.append(ledger.Entry({"id": "my-series", "title": "我的序列", "unit": "%", "members": [rate]}))
    ledger.save(led, tmp_path / "claims.yaml")
    links = run_link(Project(tmp_path)).links
    mine = {s["id"]: s for s in links.series}
    assert mine[poverty["id"]]["title"] == "农村贫困人口（建档立卡）"
    assert dropped not in [m for s in links.series for m in s["members"]]
    assert mine["my-series"]["members"] == [rate]
    assert sum(rate in s["members"] for s in links.series) == 1
    assert run_check(Project(tmp_path)).problems == []


def test_a_declared_check_is_evaluated(tmp_path, capsys):
    import shutil
    shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", tmp_path / "seeds")
    links = linked(tmp_path)
    ids = {f.text: m for m, f in links.facts.items() if f.doc == "sx2019"}
    text = (tmp_path / "claims.yaml").read_text(encoding="utf-8")
    text += (f"- id: my-poverty-check\n  title: 2014年以来减少的贫困人口\n  expr: before - now >= 3000000\n"
             f"  claims:\n    before: {ids['329万']}\n    now: {ids['25.5万']}\n  tolerance: 0\n")
    (tmp_path / "claims.yaml").write_text(text, encoding="utf-8")
    results = {r.id: r for r in run_check(Project(tmp_path)).links.results}
    assert results["my-poverty-check"].status == "holds"
    assert results["my-poverty-check"].left == 3035000
    assert build.main(["--root", str(tmp_path), "link"]) == 0
    assert "my-poverty-check" in yaml.safe_load((tmp_path / "claims.yaml").read_text(encoding="utf-8"))["checks"][-1]["id"] \
        or any(c["id"] == "my-poverty-check"
               for c in yaml.safe_load((tmp_path / "claims.yaml").read_text(encoding="utf-8"))["checks"])


IN_SENTENCE = """2019年工作回顾

全省高速公路里程由2015年的5000公里增长到2018年的6000公里，增长20%。森林覆盖率由2015年的20%提高到2018年的23.5%，提高3.5个百分点。全省快递业务量由2016年的1亿件增长到2018年的3亿件，实现翻一番。
"""


def test_in_sentence_growth_points_and_doubling_are_recomputed(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "r.txt").write_text(IN_SENTENCE, encoding="utf-8")
    (tmp_path / "seeds" / "documents.yaml").write_text(
        "documents:\n- {id: r, file: r.txt, title: r, publisher: p, published: 2020-01, year: 2020}\n", encoding="utf-8")
    links = linked(tmp_path)
    results = {(r.type, links.facts[r.claims["now"]].text): r.status for r in links.results if "now" in r.claims}
    assert results == {("growth", "6000公里"): "holds", ("growth", "23.5%"): "holds", ("doubling", "3亿件"): "holds"}


def test_figures_after_respectively_are_checked_against_their_own_figures(tmp_path):
    """营业收入…，利润总额…，分别增长10%和5%: each growth rate is checked against its own figure's series."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "r.txt").write_text(
        "## 2023年工作回顾\n\n2022年，全省工业企业营业收入3万亿元，利润总额2000亿元。"
        "2023年，全省工业企业营业收入3.3万亿元，利润总额2100亿元，分别增长10%和5%。\n", encoding="utf-8")
    (tmp_path / "seeds" / "documents.yaml").write_text(
        "documents:\n- {id: r, file: r.txt, title: r, publisher: p, published: 2024-01, year: 2024}\n", encoding="utf-8")
    links = linked(tmp_path)
    growth = {(links.facts[r.claims["now"]].text, links.facts[r.claims["rate"]].text): r.status
              for r in links.results if r.type == "growth"}
    assert growth == {("3.3万亿元", "10%"): "holds", ("2100亿元", "5%"): "holds"}


WEB_2023 = """2023年政府工作报告
各位代表：
一、2022年工作回顾
过去一年，全省地区生产总值增长4.5%，城镇新增就业48.6万人，粮食产量达到1460万吨。
二、2023年主要目标任务
全省地区生产总值增长6%左右，城镇新增就业50万人以上，粮食产量稳定在1450万吨以上，新建5G基站2万个。
"""
WEB_2024 = """2024年政府工作报告
各位代表：
一、2023年工作回顾
过去一年，全省地区生产总值增长5.2%，城镇新增就业51.3万人，粮食产量达到1445万吨，新建5G基站2.3万个。
二、2024年主要目标任务
全省地区生产总值增长5.5%左右，城镇新增就业50万人以上。
"""


def test_reports_copied_from_a_web_page_settle_each_others_targets(tmp_path):
    """A paragraph to a line, headings without blank lines: the plan of one year meets the next year's review."""
    (tmp_path / "seeds").mkdir()
    entries = []
    for year, text in ((2023, WEB_2023), (2024, WEB_2024)):
        (tmp_path / "seeds" / f"r{year}.txt").write_text(text, encoding="utf-8")
        entries.append(f"- {{id: r{year}, file: r{year}.txt, title: {year}年政府工作报告, publisher: 某省人民政府, "
                       f"published: {year}-01, year: {year}}}\n")
    (tmp_path / "seeds" / "documents.yaml").write_text("documents:\n" + "".join(entries), encoding="utf-8")
    links = linked(tmp_path)
    status = {(t.target.text, t.target.doc): (t.status, t.outcome.text if t.outcome else None) for t in links.targets}
    assert status == {("6%左右", "r2023"): ("missed", "5.2%"), ("50万人以上", "r2023"): ("met", "51.3万人"),
                      ("1450万吨以上", "r2023"): ("missed", "1445万吨"), ("2万个", "r2023"): ("exceeded", "2.3万个"),
                      ("5.5%左右", "r2024"): ("pending", None), ("50万人以上", "r2024"): ("pending", None)}
    assert {s["title"] for s in links.series} >= {"城镇新增就业", "粮食产量"}  # 就业, tagged a verb, still names it


def test_a_figure_of_several_years_neither_settles_nor_restates_one_year(tmp_path):
    """过去五年…年均增长6.1%: dated to the last year of the five, it is not that year's growth."""
    (tmp_path / "seeds").mkdir()
    review = "过去五年，全省地区生产总值年均增长6.1%，城镇新增就业年均50.5万人。\n"
    entries = []
    for year, text in ((2023, WEB_2023), (2024, WEB_2024.replace("二、", review + "二、"))):
        (tmp_path / "seeds" / f"r{year}.txt").write_text(text, encoding="utf-8")
        entries.append(f"- {{id: r{year}, file: r{year}.txt, title: {year}年政府工作报告, publisher: 某省人民政府, "
                       f"published: {year}-01, year: {year}}}\n")
    (tmp_path / "seeds" / "documents.yaml").write_text("documents:\n" + "".join(entries), encoding="utf-8")
    links = linked(tmp_path)
    status = {(t.target.text, t.target.doc): (t.status, t.outcome.text) for t in links.targets if t.outcome}
    assert status[("6%左右", "r2023")] == ("missed", "5.2%")
    assert status[("50万人以上", "r2023")] == ("met", "51.3万人")
    averages = {m for s in links.series for m in s["members"] if links.facts[m].period == "2019—2023年"}
    assert len(averages) == 2  # in their series, shown with the years they cover
    assert not [r for r in links.results if set(r.claims.values()) & averages]

