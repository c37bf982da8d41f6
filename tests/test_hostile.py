"""Hostile and broken input: every wrong type gets its message, bad reports are skipped, hostile text is
inert, random input never escapes as a traceback, and a killed build leaves the old site whole."""
import html.parser
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

import build
from heshu import ledger
from heshu.documents import clean
from heshu.extract import extract
from heshu.ledger import Entry
from heshu.merge import claim_fields
from heshu.model import Document, Source
from heshu.errors import HeshuError
from heshu.numbers import read_number
from heshu.schema import claim_problems, validate
from heshu.site.render import check_links
from conftest import ROOT

QUOTE = "脱贫攻坚取得决定性成果,贫困发生率由2014年建档立卡时的13.6%下降到1.1%。"
BASE = {"id": "sx2019-aaaa0001", "doc": "sx2019", "text": "13.6%", "value": 13.6, "quote": QUOTE}
VERDICTS = "unrated, accurate, mostly-accurate, misleading, inaccurate, unverifiable"

WRONG = [
    ("id", "../x", "`id`: `'../x'` is not a valid id; use lower-case letters, digits and - only (no / or ..)"),
    ("doc", 5, "`doc`: `5` is not a document id; use an id from seeds/documents.yaml"),
    ("text", [1], "`text`: `[1]` is not text; write the figure as it appears, in quotes if needed"),
    ("value", "abc", "`value`: `'abc'` is not a number or a range; write a number (239000) or a range [low, high]"),
    ("value", float("inf"), "`value`: `Infinity` is beyond any figure a report gives (±10^100); write the figure the "
                            "report gives"),
    ("value", -1e101, "`value`: `-1.00e+101` is beyond any figure a report gives (±10^100); write the figure the "
                      "report gives"),
    ("unit", 5, "`unit`: `5` is not a unit; write the unit as text, e.g. 人 or 元 (or '' for none)"),
    ("approx", "maybe", "`approx`: `maybe` is not one of the allowed values; use one of: exact, about, over, under"),
    ("year", 2019.5, "`year`: `2019.5` is not a year; write a year such as 2019, or null if it is unknown"),
    ("period", 5, "`period`: `5` is not text; describe the period as text, e.g. 2019年上半年"),
    ("kind", "plan", "`kind`: `plan` is not one of the allowed values; use one of: actual, target"),
    ("measure", "stock", "`measure`: `stock` is not one of the allowed values; use one of: level, change"),
    ("subject", ["a"], "`subject`: `['a']` is not text; name what is measured, e.g. 贫困人口"),
    ("verdict", True, f"`verdict`: `True` is not one of the allowed values; use one of: {VERDICTS}"),
    ("note", 5, "`note`: `5` is not text; write the note as text (markdown); use `|` for several lines"),
    ("sources", "x", "`sources`: must be a list; write each source as `- title: ...` and `url: https://...`"),
    ("sources", [{"title": "t", "url": "data:text/html,x"}],
     "`sources`: the url `data:text/html,x` is not an http(s) address; use an address starting with https:// or http://"),
    ("reviewed", "yesterday", "`reviewed`: `'yesterday'` is not a date; write the date as YYYY-MM-DD"),
    ("reviewed", "2026-02-30", "`reviewed`: `'2026-02-30'` is not a date; write the date as YYYY-MM-DD"),
    ("rejected", "nope", "`rejected`: `'nope'` is not true or false; write true or false"),
    ("quote", 5, "`quote`: `5` is not text; write the sentence as it appears in the report"),
    ("offset", -3, "`offset`: `-3` is not an offset; write a whole number of characters from the start of the file"),
    ("line", "x", "`line`: `'x'` is not a line number; write a whole number"),
    ("vanished", "x", "`vanished`: `'x'` is not true or false; write true or false, or delete the line"),
    ("auto", 5, "`auto`: `5` is not a fingerprint; delete the line; the program writes it"),
]


@pytest.fixture
def project(tmp_path):
    for name in ("seeds", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def check(project: Path, text: str, capsys) -> tuple[int, list[str]]:
    (project / "claims.yaml").write_text(text, encoding="utf-8")
    status = build.main(["--root", str(project), "check"])
    return status, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("field, value, message", WRONG, ids=[f"{w[0]}={w[1]!r}" for w in WRONG])
def test_a_wrong_type_in_each_field(project, capsys, field, value, message):
    claim = {**BASE, field: value}
    text = yaml.safe_dump({"claims": [claim]}, allow_unicode=True, sort_keys=False)
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.lstrip("- ").startswith(f"{field}:"))
    status, err = check(project, text, capsys)
    assert status == 1
    assert err[0] == f"claims.yaml:{line}: {message}"


def test_every_field_of_the_schema_has_a_wrong_type_case():
    from heshu.schema import CLAIM_FIELDS
    assert set(CLAIM_FIELDS) == {w[0] for w in WRONG}


def test_a_ledger_of_100000_claims_is_read_and_checked(project, capsys):
    base = yaml.safe_dump({"claims": [BASE]}, allow_unicode=True, sort_keys=False).split("\n", 1)[1]
    items = [base.replace("aaaa0001", f"{i:08x}") for i in range(100_000)]
    items[-1] = items[-1].replace("value: 13.6", "value: lots")
    started = time.perf_counter()
    status, err = check(project, "claims:\n" + "".join(items), capsys)
    seconds = time.perf_counter() - started
    assert status == 1
    assert err == [f"claims.yaml:{1 + 5 * 99_999 + 4}: `value`: `'lots'` is not a number or a range; "
                   "write a number (239000) or a range [low, high]", "1 problem(s)"]
    assert seconds < 120


def test_aliases_of_aliases_are_refused_without_walking_what_they_stand_for(project, capsys):
    """Ten levels of nine aliases each stand for 9**10 values: walked or written out, they would never end."""
    levels = ['  lol: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"  lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = "claims:\n- id: sx2019-aaaa0001\n  doc: sx2019\n  sources:\n  - title: t\n" + "\n".join(levels) + "\n"
    started = time.perf_counter()
    status, err = check(project, text, capsys)
    assert time.perf_counter() - started < 10
    assert status == 1
    assert err == [f"claims.yaml:{7 + i}: an alias (`*a{i}`) repeats a value; write the value out in full here "
                   f"and delete its anchor `&a{i}`" for i in range(9)] + ["9 problem(s)"]


@pytest.mark.parametrize("depth", [40, 1_000, 100_000])  # past Python's recursion limit; past libyaml's stack
def test_values_nested_too_deep_are_refused_at_their_line(project, capsys, depth):
    text = f"claims:\n- id: sx2019-aaaa0001\n  doc: sx2019\n  note: {'[' * depth}{']' * depth}\n"
    assert check(project, text, capsys) == (1, [
        "claims.yaml:4: lists and mappings are nested more than 32 deep here; write the value as plain text, a list "
        "or a mapping of plain values", "1 problem(s)"])


SETTINGS = [
    ("title: [unclosed\n", "templates/site.yaml:1: not valid YAML: while parsing a flow sequence did not find "
                            "expected ',' or ']'; fix the syntax here (check quotes, colons and indentation)"),
    ("- title\n", "templates/site.yaml:1: the settings must be a mapping; write one `name: value` a line, e.g. "
                  "`title: 核数`"),
    ("title: x\nauthor: [1]\n", "templates/site.yaml:2: `author` is not text; write it as text, in quotes if needed"),
    ("title: 2026-02-30\n", "templates/site.yaml:1: a setting cannot be read (day is out of range for month); write a "
                            "plain value"),
    ("base_url: javascript:alert(1)\n", "templates/site.yaml:1: the base URL `javascript:alert(1)` is not an "
                                        "http(s) address; give the address site/ is published at, starting with "
                                        "https:// or http://"),
]


@pytest.mark.parametrize("settings, message", SETTINGS, ids=["syntax", "not-a-mapping", "not-text", "no-date", "base-url"])
def test_broken_settings_are_named_by_check_and_build_and_the_old_site_stays(project, capsys, settings, message):
    shutil.copy(ROOT / "claims.yaml", project / "claims.yaml")
    assert build.main(["--root", str(project), "build"]) == 0
    before = (project / "site" / "index.html").read_bytes()
    (project / "templates" / "site.yaml").write_text(settings, encoding="utf-8")
    capsys.readouterr()
    for command in ("check", "build"):
        assert build.main(["--root", str(project), command]) == 1
        assert capsys.readouterr().err.splitlines() == [message, "1 problem(s)"]
    assert (project / "site" / "index.html").read_bytes() == before


def test_a_methodology_page_that_is_not_utf8_is_named_and_the_old_site_stays(project, capsys):
    shutil.copy(ROOT / "claims.yaml", project / "claims.yaml")
    assert build.main(["--root", str(project), "build"]) == 0
    before = (project / "site" / "index.html").read_bytes()
    (project / "templates" / "pages" / "methodology.md").write_bytes("# 方法".encode("gb18030"))
    capsys.readouterr()
    assert build.main(["--root", str(project), "build"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "templates/pages/methodology.md: the file is not UTF-8 text (invalid start byte); re-save it as UTF-8",
        "1 problem(s)"]
    assert (project / "site" / "index.html").read_bytes() == before


@pytest.mark.parametrize("name", ["claims.yaml", "seeds/documents.yaml", "templates/site.yaml",
                                  "templates/pages/methodology.md"])
def test_a_folder_where_a_file_should_be_is_named_without_a_traceback(project, capsys, name):
    shutil.copy(ROOT / "claims.yaml", project / "claims.yaml")
    (project / name).unlink()
    (project / name).mkdir()
    assert build.main(["--root", str(project), "build"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{name}: the file cannot be read (Is a directory); make it a file that the build can read", "1 problem(s)"]


def test_a_base_url_given_on_the_command_line_is_checked_too(project, capsys):
    shutil.copy(ROOT / "claims.yaml", project / "claims.yaml")
    assert build.main(["--root", str(project), "--base-url", "data:text/html,x", "build"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "--base-url: the base URL `data:text/html,x` is not an http(s) address; give the address site/ is published "
        "at, starting with https:// or http://", "1 problem(s)"]
    assert not (project / "site").exists()


def test_a_check_whose_arithmetic_overflows_cannot_be_evaluated_and_the_site_builds(project):
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")
    claim = ledger.load_text(text).claims[0].id
    check_text = (f"- id: overflow\n  type: declared\n  title: t\n  expr: a * 1e308 * 10 == a\n"
                  f"  claims:\n    a: {claim}\n")
    text = text + check_text if "\nchecks:\n" in text else text + "checks:\n" + check_text
    (project / "claims.yaml").write_text(text, encoding="utf-8")
    assert build.main(["--root", str(project), "build"]) == 0
    page = (project / "site" / "checks" / "overflow" / "index.html").read_text(encoding="utf-8")
    assert "<dd>无法计算：a side of the comparison is too large to compute</dd>" in page


def test_broken_reports_are_named_and_skipped_and_the_rest_builds(project, capsys):
    shutil.copy(ROOT / "claims.yaml", project / "claims.yaml")
    (project / "seeds" / "gbk.txt").write_bytes("全省新建学校120所。".encode("gb18030"))
    (project / "seeds" / "blank.txt").write_text("\n\n", encoding="utf-8")
    with open(project / "seeds" / "documents.yaml", "a", encoding="utf-8") as f:
        for ident in ("gbk", "blank", "gone"):
            f.write(f"- {{id: {ident}, file: {ident}.txt, title: t, publisher: p, published: 2020-01, year: 2020}}\n")
    assert build.main(["--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert "seeds/gbk.txt:1: the file is not UTF-8" in err
    assert "seeds/blank.txt: the report is empty" in err
    assert "file `gone.txt` is not a file in seeds/" in err
    assert (project / "site" / "docs" / "sx2019" / "index.html").exists()
    assert not (project / "site" / "docs" / "gbk").exists()


SX2020 = "shanxi-2020-government-work-report.txt"


@pytest.mark.parametrize("breaks, message", [
    (lambda f: f.write_bytes(f.read_text(encoding="utf-8").encode("gb18030")),
     f"skipped sx2020: seeds/{SX2020}:3: the file is not UTF-8; re-save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)"),
    (lambda f: f.unlink(),
     f"skipped sx2020: seeds/documents.yaml:7: file `{SX2020}` is not a file in seeds/; put the report in seeds/ "
     "or correct the name"),
], ids=["re-saved as GB18030", "deleted"])
def test_a_report_that_can_no_longer_be_read_keeps_its_claims_and_the_rest_builds(project, capsys, breaks, message):
    """Its claims were extracted while it could be read; now it is skipped, and their pages name it
    without a link to the page it no longer has."""
    assert build.main(["--root", str(project)]) == 0
    breaks(project / "seeds" / SX2020)
    before = (project / "claims.yaml").read_bytes()
    capsys.readouterr()
    assert build.main(["--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert message in err.splitlines()
    assert "unknown document" not in err and "a page links here but it was not written" not in err
    assert (project / "claims.yaml").read_bytes() == before  # its claims are kept as they were
    site = project / "site"
    assert not (site / "docs" / "sx2020").exists() and (site / "docs" / "sx2019" / "index.html").exists()
    claim = next(e["id"] for e in yaml.safe_load(before)["claims"] if e["doc"] == "sx2020")
    page = (site / "claims" / claim / "index.html").read_text(encoding="utf-8")
    assert "山西省2020年政府工作报告（摘要）" in page and "docs/sx2020" not in page
    assert check_links(site) == []


HOSTILE_REPORT = """2019年工作回顾

全省新建学校120所<script>alert(1)</script>，{{ 7*7 }}{% raw %}，"><img src=x onerror=alert(1)>，\u202e新增就业52万人。
"""


def test_hostile_text_in_a_report_is_inert_everywhere(project):
    (project / "seeds" / "evil.txt").write_text(HOSTILE_REPORT, encoding="utf-8")
    with open(project / "seeds" / "documents.yaml", "a", encoding="utf-8") as f:
        f.write("- {id: evil, file: evil.txt, title: '<b>报告</b>{{ 1+1 }}', publisher: p, published: 2020-01, "
                "year: 2020}\n")
    assert build.main(["--root", str(project)]) == 0
    site = project / "site"
    texts = {p: p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in (".html", ".xml", ".js", ".json")
             and "static" not in p.parts}
    for path, text in texts.items():
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>报告" not in text, path
        assert "\u202e" not in text, path
    doc = texts[site / "docs" / "evil" / "index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc and "{{7*7}}" in doc and "[U+202E]" in doc
    assert "&lt;b&gt;报告&lt;/b&gt;{{ 1+1 }}" in doc


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.integers(0, 40))
def test_the_number_reader_never_fails_on_any_text(text, pos):
    n = read_number(text, min(pos, len(text)))
    if n is not None:
        assert 0 <= n.start <= n.fig_start < n.num_end <= n.end <= len(text)
        assert n.approx in ("exact", "about", "over", "under")


# Pieces of report text, figures and the words around them, and of hostile text, for random reports.
PIECES = [*"0123456789.%‰万亿千百十一二三四五六七八九零〇两负约近超过余多个人元年月季度比增长下降目标左右以上以下",
          *"分之第（）“”、，。；：！？ \n\f-—~/",
          "增长", "下降", "年均", "累计", "同比", "比上年", "十四五", "过去五年", "到2025年", "前三季度", "亿元",
          "万人", "个百分点", "分别", "其中", "占", "翻一番", "以内", "千分之", "零点", "1-11月", "二〇二二年",
          "“十三五”时期", "全年", "达到", "倍", "由", "减少到", "共", "<script>", "{{x}}", "\u202e", "\u2028", "\x01"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=50, max_size=400).map("".join))
def test_what_the_extractor_finds_in_any_text_is_a_claim_the_ledger_accepts(raw):
    """Else `check` would fail on the program's own output for a report nobody has seen."""
    doc = Document("random", "random.txt", "t", "p", "2023-01", 2023)
    for claim in extract(Source(doc, raw, clean(raw))):
        assert claim_problems(Entry({"id": claim.id, **claim_fields(claim)}, 1, {}), "claims.yaml") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_the_ledger_loader_reads_or_explains_any_text(text):
    try:
        led = ledger.load_text(text)
    except HeshuError as e:
        assert all(str(p).startswith("claims.yaml") for p in e.problems)
        return
    validate(led, {}, {"sx2019"})


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                            max_size=3), max_leaves=10)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["claims", "series", "checks", "other"]),
                       st.lists(st.dictionaries(st.sampled_from(["id", "doc", "value", "members", "expr", "claims",
                                                                 "verdict", "x"]), VALUES, max_size=5), max_size=3)))
def test_any_yaml_structure_is_validated_without_a_traceback(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        led = ledger.load_text(text)
    except HeshuError:
        return
    for p in validate(led, {}, {"sx2019"}):
        assert str(p).startswith("claims.yaml")


class Heading(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or tag == "h1"

    def handle_endtag(self, tag):
        if tag == "h1":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


@pytest.fixture(scope="module")
def claim_page():
    from heshu.links import evaluate
    from heshu.project import Project, load_config, load_corpus
    from heshu.site.assemble import assemble
    from heshu.site.pages import SiteInput
    from heshu.site.render import environment
    project = Project(ROOT)
    corpus, led = load_corpus(project), ledger.load(project.ledger)
    site = assemble(SiteInput(load_config(project), corpus.docs, corpus.sources, led, evaluate(led, corpus.docs),
                              None, ""))
    return next(p for p in site.pages if p.template == "claim.html"), environment(project.templates)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_any_subject_is_rendered_as_text(claim_page, subject):
    from heshu.site.pages import Page, inert
    from heshu.site.render import render
    page, env = claim_page
    c = {**page.context["c"], "subject": subject}
    out = render(env, Page(page.path, page.template, {**page.context, "c": c}), "https://example.org/")
    parser = Heading()
    parser.feed(out)
    assert parser.text == f"{c['text']} {inert(subject)}"


@given(st.text(alphabet=st.sampled_from("核数\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
                                       "\u200d\u2014\u201c\u2026\u2060\u00e2<&a"), max_size=30))
def test_pages_made_inert_as_bytes_are_the_bytes_of_pages_made_inert_as_text(text):
    from heshu.site.pages import inert, inert_utf8
    assert inert_utf8(text.encode("utf-8")) == inert(text).encode("utf-8")


def test_a_killed_build_leaves_the_previous_site_whole(project):
    shutil.copy(ROOT / "claims.yaml", project / "claims.yaml")
    assert build.main(["--root", str(project), "build"]) == 0
    before = {p.relative_to(project / "site"): p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    # another base URL changes every page, so that the build is killed while it writes many of them
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(project),
                             "--base-url", "https://other.example.org/", "build"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not (project / "site.tmp" / "claims").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {p.relative_to(project / "site"): p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before
    assert build.main(["--root", str(project), "build"]) == 0  # and the next build clears the debris
    assert not (project / "site.tmp").exists()


def test_a_commit_stopped_halfway_is_finished_by_the_next_build(project, tmp_path, monkeypatch):
    from heshu.project import Project, build_inputs
    from heshu.site import publish
    shutil.copy(ROOT / "claims.yaml", project / "claims.yaml")
    assert build.main(["--root", str(project), "build"]) == 0
    first = build_inputs(Project(project))
    led = ledger.load(project / "claims.yaml")
    for e in led.claims[:5]:
        e.fields.update(verdict="accurate", note="核对无误。")
    ledger.save(led, project / "claims.yaml")
    moved = []

    def stop_after_three(staged, target):
        if len(moved) == 3:
            raise KeyboardInterrupt  # as if the build were stopped in the middle of its commit
        moved.append(target)
        real_move(staged, target)
    real_move = publish._move
    monkeypatch.setattr(publish, "_move", stop_after_three)
    assert build.main(["--root", str(project), "build"]) == 130
    monkeypatch.undo()
    assert (project / "site.commit").exists() and len(moved) == 3
    assert publish.last_build(project / "site", first) is None  # site/ is no longer what the first build made
    assert build.main(["--root", str(project), "build"]) == 0
    assert not (project / "site.commit").exists() and not (project / "site.tmp").exists()
    fresh = tmp_path / "fresh"
    for name in ("seeds", "templates"):
        shutil.copytree(project / name, fresh / name)
    shutil.copy(project / "claims.yaml", fresh / "claims.yaml")
    assert build.main(["--root", str(fresh), "build"]) == 0
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}  # noqa: E731
    assert files(project / "site") == files(fresh / "site")
