"""Build a real site and read it back: links, JSON-LD, escaping of hostile text, data files, determinism."""
import copy
import csv
import gc
import hashlib
import html.parser
import io
import json
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import Markup

import build
from heshu import ledger, project
from heshu.documents import load_manifest
from heshu.site import history
from heshu.site.render import check_links
from conftest import ROOT

HOSTILE = {
    "note": "<script>alert(1)</script> [点我](javascript:alert(1)) [数据](data:text/html,<b>x</b>) "
            "\"><img src=x onerror=alert(1)> {{ 7*7 }} {% raw %} \u202egnp.exe [来源](https://www.stats.gov.cn/)",
    "subject": "\"'><svg onload=alert(1)>{{ 7*7 }}",
    "verdict": "inaccurate",
    "reviewed": "2026-11-20",
    "sources": [{"title": "\"><b>统计公报</b>{{ 7*7 }}", "url": "https://www.stats.gov.cn/?a=1&b=2"}],
}


def copy_project(dst: Path) -> Path:
    for name in ("seeds", "templates"):
        shutil.copytree(ROOT / name, dst / name)
    shutil.copy(ROOT / "claims.yaml", dst / "claims.yaml")
    return dst


def poverty_id(root: Path) -> str:
    led = ledger.load(root / "claims.yaml")
    return next(e.id for e in led.claims if e.fields["text"] == "329万")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("site"))
    led = ledger.load(root / "claims.yaml")
    for e in led.claims:
        if e.fields["text"] == "329万":
            e.fields.update(HOSTILE)
    led.checks[0].fields.update(note=HOSTILE["note"], title=HOSTILE["subject"])
    ledger.save(led, root / "claims.yaml")
    assert build.main(["--root", str(root), "build"]) == 0
    return root


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs, self.scripts, self.text, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.attrs += [(tag, k, v) for k, v in attrs]
        self._in = tag

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)

    def handle_endtag(self, tag):
        self._in = None


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_internal_link_resolves(site):
    assert check_links(site / "site") == []
    assert len(list((site / "site").rglob("*.html"))) > 400


def test_hostile_ledger_text_comes_out_inert(site):
    cid = poverty_id(site)
    for page in (site / "site").rglob("*.html"):
        p = parse(page)
        for tag, name, value in p.attrs:
            assert not name.startswith("on"), f"{page}: <{tag}> has {name}"
            if name in ("href", "src"):
                assert not value.strip().lower().startswith(("javascript:", "data:")), f"{page}: {value}"
            assert tag not in ("iframe", "object"), f"{page}: <{tag}>"
            if tag == "img":  # the one image a page shows is its series' chart
                assert name != "src" or re.fullmatch(r"(\.\./)*series/[a-z0-9-]+/chart\.svg", value), value
    path = site / "site" / "claims" / cid / "index.html"
    claim, text = path.read_text(encoding="utf-8"), "".join(parse(path).text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in claim
    assert "&lt;svg onload=alert(1)&gt;" in claim
    assert text.count("{{ 7*7 }}") >= 3  # subject, note and source title: shown, never evaluated
    assert "[U+202E]gnp.exe" in text and "\u202e" not in claim  # shown, not obeyed
    assert 'href="https://www.stats.gov.cn/"' in claim  # a safe link in a note stays a link
    assert "&#34;&gt;&lt;b&gt;统计公报&lt;/b&gt;" in claim
    assert 'href="https://www.stats.gov.cn/?a=1&amp;b=2"' in claim


def test_each_check_has_a_page_with_its_numbers_claims_and_note(site):
    checks = json.loads((site / "site" / "data" / "checks.json").read_text(encoding="utf-8"))
    assert len(checks) > 2
    for ch in checks:
        page = (site / "site" / "checks" / ch["id"] / "index.html").read_text(encoding="utf-8")
        assert f'<h1><span class="status s-{ch["status"]}">' in page
        for name, cid in ch["claims"].items():
            assert re.search(f'<code>{name}</code> = <a class="claim-link[^"]*" href="../../claims/{cid}/index.html">', page)
        if ch["status"] != "cannot-evaluate":
            assert f"<dt>左边</dt><dd>{ch['left']}</dd>" in page and f"<dt>右边</dt><dd>{ch['right']}</dd>" in page
        assert ch["url"] == f"https://example.org/heshu/checks/{ch['id']}/"
        assert f'href="../checks/{ch["id"]}/index.html"' in (site / "site" / "checks" / "index.html").read_text(encoding="utf-8")
    first = ledger.load(site / "claims.yaml").checks[0].id
    path = site / "site" / "checks" / first / "index.html"
    page, text = path.read_text(encoding="utf-8"), "".join(parse(path).text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;svg onload=alert(1)&gt;" in page
    assert text.count("{{ 7*7 }}") >= 2 and 'href="https://www.stats.gov.cn/"' in page  # note as markdown


def test_reviewed_claims_carry_claimreview_json_ld(site):
    cid = poverty_id(site)
    p = parse(site / "site" / "claims" / cid / "index.html")
    data = json.loads(p.scripts[0])
    assert data["@type"] == "ClaimReview" and data["@context"] == "https://schema.org"
    assert data["reviewRating"]["ratingValue"] == 1 and data["reviewRating"]["alternateName"] == "不实"
    assert data["itemReviewed"]["@type"] == "Claim" and data["itemReviewed"]["appearance"]["url"].startswith("https://")
    assert data["datePublished"] == "2026-11-20" and data["url"].endswith(f"/claims/{cid}/")
    assert "329万" in data["claimReviewed"]
    raw = (site / "site" / "claims" / cid / "index.html").read_text(encoding="utf-8")
    assert "</script><" not in raw.split('application/ld+json">')[1].split("</script>")[0]


def test_unreviewed_claims_have_no_json_ld_but_opengraph(site):
    led = ledger.load(site / "claims.yaml")
    other = next(e.id for e in led.claims if e.fields.get("verdict") == "unrated")
    p = parse(site / "site" / "claims" / other / "index.html")
    assert p.scripts == []
    props = {v for _, k, v in p.attrs if k == "property"}
    assert {"og:title", "og:description", "og:url", "og:type"} <= props


def test_documents_mark_every_claim_and_count_them(site):
    page = (site / "site" / "docs" / "sx2019" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="mark ') == 137
    assert "共标出 137 个数字" in page
    assert 'lang="zh-CN"' in page


def test_data_files(site):
    out = site / "site" / "data"
    raw = (out / "claims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    claims = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    assert len(rows) == len(claims) == 216
    assert next(r for r in rows if r["text"] == "991.3亿千瓦时")["value"] == "99130000000"
    assert all(r["subject"][:1] not in "=+-@" or r["subject"].startswith("'") for r in rows)
    assert json.loads((out / "series.json").read_text(encoding="utf-8"))
    assert any(c["status"] == "fails" for c in json.loads((out / "checks.json").read_text(encoding="utf-8")))


def test_the_search_index_has_each_claim_page_and_paragraph_once(site):
    out = site / "site"
    records = []
    for f in sorted((out / "search" / "records").glob("*.js"), key=lambda f: int(f.stem)):
        text = f.read_text(encoding="utf-8")
        records += json.loads(text[text.index("(") + 1:text.rindex(")")])[1]
    claims = sorted(r[3] for r in records if r[0] == "claim")
    assert claims == sorted(p.relative_to(out).as_posix() for p in out.glob("claims/*/index.html"))
    paragraphs = sorted(r[3] for r in records if r[0] == "paragraph")
    marked = sorted(f"{p.relative_to(out).as_posix()}#{anchor}" for p in out.glob("docs/*/index.html")
                    for anchor in re.findall(r'<p id="([^"]+)"', p.read_text(encoding="utf-8")))
    assert paragraphs == marked and len(marked) > 50  # each paragraph of each report's page, as the page marks it


def test_sitemap_and_feed_are_valid_xml(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    urls = [u.text for u in ET.parse(site / "site" / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert len(urls) > 400 and all(u.startswith("https://example.org/heshu/") for u in urls)
    feed = ET.parse(site / "site" / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 1 and "不实" in entries[0].find("a:title", ns).text


def tree_hash(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_building_twice_gives_the_same_bytes(tmp_path):
    root = copy_project(tmp_path)
    assert build.main(["--root", str(root), "build"]) == 0
    first = tree_hash(root / "site")
    assert build.main(["--root", str(root), "build"]) == 0
    assert tree_hash(root / "site") == first


def test_work_done_on_the_other_core_gives_the_same_site(tmp_path, monkeypatch):
    from heshu import parallel
    monkeypatch.setattr(parallel, "can_fork", lambda: True)  # as on a machine of two cores or more
    sites = []
    for many in (0, 10 ** 9):  # validation and the data files forked, then done in this process
        monkeypatch.setattr(parallel, "MANY", many)
        root = copy_project(tmp_path / str(many))
        assert build.main(["--root", str(root), "build"]) == 0
        sites.append(tree_hash(root / "site"))
    assert sites[0] == sites[1]


@pytest.mark.parametrize("fork", [True, False])
def test_a_call_in_the_background_gives_its_result_or_its_error(monkeypatch, fork):
    import os

    from heshu import parallel
    monkeypatch.setattr(parallel, "can_fork", lambda: fork)
    assert (parallel.in_background(os.getpid)() != os.getpid()) is fork
    assert parallel.in_background(sorted, [3, 1, 2])() == [1, 2, 3]
    failed = parallel.in_background(int, "三")
    with pytest.raises(ValueError, match="三"):
        failed()
    if fork:  # a process that dies without an answer is an error, not a wait for ever
        with pytest.raises(RuntimeError, match=r"_exit\(\) ended without an answer \(exit code 3\)"):
            parallel.in_background(os._exit, 3)()


def test_a_failed_build_leaves_the_old_site_whole(tmp_path, capsys):
    root = copy_project(tmp_path)
    assert build.main(["--root", str(root), "build"]) == 0
    before = tree_hash(root / "site")
    (root / "templates" / "claim.html").write_text("{% extends 'base.html' %}{% block content %}{{ nope.x }}"
                                                   "{% endblock %}", encoding="utf-8")
    assert build.main(["--root", str(root), "build"]) == 1
    assert "templates/claim.html" in capsys.readouterr().err
    assert tree_hash(root / "site") == before and not (root / "site.tmp").exists()


def test_base_url_changes_only_absolute_addresses(tmp_path):
    root = copy_project(tmp_path)
    assert build.main(["--root", str(root), "--base-url", "https://news.example.com/check/", "build"]) == 0
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://news.example.com/check/">' in home
    assert 'href="claims/index.html"' in home


def test_corrections_come_from_git_history(tmp_path):
    root = copy_project(tmp_path)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "claims.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "one", "--date", "2026-01-01T00:00:00"], check=True)
    cid = poverty_id(root)
    led = ledger.load(root / "claims.yaml")
    for e in led.claims:
        if e.id == cid:
            e.fields.update(verdict="accurate", value=3300000)
    ledger.save(led, root / "claims.yaml")
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    assert build.main(["--root", str(root), "build"]) == 0
    page = (root / "site" / "corrections" / "index.html").read_text(encoding="utf-8")
    assert f"<code>{cid}</code></td><td>value</td><td>3290000</td><td>3300000</td>" in page
    assert f"<code>{cid}</code></td><td>verdict</td><td>unrated</td><td>accurate</td>" in page


def test_a_revision_that_cannot_be_read_is_passed_over_and_its_neighbours_compared(tmp_path):
    root = copy_project(tmp_path)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    good = (root / "claims.yaml").read_text(encoding="utf-8")
    cid = next(e.id for e in ledger.load_text(good).claims if e.fields.get("verdict") == "unrated")
    bombs = "\n".join([f"a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i else 'x'] * 9)}]" for i in range(10)])
    bombed = bombs + "\n" + re.sub(r"\n  subject: .*", "\n  subject: *a9", good, count=1)  # 9**10 values
    for n, text in enumerate([good, bombed, "claims: [unclosed\n",
                              good.replace("verdict: unrated", "verdict: accurate", 1)]):
        (root / "claims.yaml").write_text(text, encoding="utf-8")
        subprocess.run([*git, "add", "claims.yaml"], check=True)
        subprocess.run([*git, "commit", "-qm", str(n), "--date", f"2026-01-0{n + 1}T00:00:00"], check=True)
    started = time.perf_counter()
    changes = history.corrections(root)
    assert time.perf_counter() - started < 10
    assert [(c.claim, c.field, c.old, c.new) for c in changes] == [(cid, "verdict", "unrated", "accurate")]


def test_a_bad_ledger_builds_nothing(tmp_path, capsys):
    root = copy_project(tmp_path)
    text = (root / "claims.yaml").read_text(encoding="utf-8").replace("verdict: unrated", "verdict: true", 1)
    (root / "claims.yaml").write_text(text, encoding="utf-8")
    assert build.main(["--root", str(root), "build"]) == 1
    assert not (root / "site").exists()
    assert "is not one of the allowed values" in capsys.readouterr().err


def test_a_link_to_a_page_that_was_not_written_fails_the_build(tmp_path, capsys):
    root = copy_project(tmp_path)
    home = root / "templates" / "home.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}<a href=\"{{ url('claim', 'sx2019-00000000') }}\">x</a>"),
        encoding="utf-8")
    assert build.main(["--root", str(root), "build"]) == 1
    assert "site/claims/sx2019-00000000/index.html: a page links here but it was not written" in capsys.readouterr().err
    assert not (root / "site").exists()


def test_a_page_left_as_it_was_that_links_to_a_page_now_gone_fails_the_rebuild(tmp_path, capsys):
    root = copy_project(tmp_path)
    led = ledger.load(root / "claims.yaml")
    gone = led.claims[0]
    search = root / "templates" / "search.html"  # a page whose context does not change when a claim goes
    search.write_text(search.read_text(encoding="utf-8").replace(
        "{% block content %}", f"{{% block content %}}<a href=\"{{{{ url('claim', '{gone.id}') }}}}\">x</a>"),
        encoding="utf-8")
    assert build.main(["--root", str(root), "build"]) == 0
    before = tree_hash(root / "site")
    gone.fields["rejected"] = True
    ledger.save(led, root / "claims.yaml")
    capsys.readouterr()
    assert build.main(["--root", str(root), "build"]) == 1
    assert f"site/claims/{gone.id}/index.html: a page links here but it was not written" in capsys.readouterr().err
    assert tree_hash(root / "site") == before


def test_a_rebuild_after_one_edit_rewrites_only_what_depends_on_it(tmp_path):
    root = copy_project(tmp_path / "a")
    assert build.main(["--root", str(root), "build"]) == 0
    inodes = {p.relative_to(root / "site"): p.stat().st_ino for p in (root / "site").rglob("*.html")}
    led = ledger.load(root / "claims.yaml")
    edited = next(e for e in led.claims if e.fields["text"] == "991.3亿千瓦时")
    edited.fields.update(verdict="accurate", reviewed="2026-11-21", note="与统计公报一致。")
    ledger.save(led, root / "claims.yaml")
    assert build.main(["--root", str(root), "build"]) == 0
    after = {p.relative_to(root / "site"): p.stat().st_ino for p in (root / "site").rglob("*.html")}
    rewritten = {str(p) for p in after if after[p] != inodes.get(p)}
    assert f"claims/{edited.id}/index.html" in rewritten and "claims/index.html" in rewritten
    untouched = next(e.id for e in led.claims if e.fields["doc"] == "sx2019" and e.fields["text"] == "1367个")
    assert f"claims/{untouched}/index.html" not in rewritten
    assert len(rewritten) < len(after) / 4
    fresh = copy_project(tmp_path / "b")
    shutil.copy(root / "claims.yaml", fresh / "claims.yaml")
    assert build.main(["--root", str(fresh), "build"]) == 0
    assert tree_hash(fresh / "site") == tree_hash(root / "site")


def test_a_build_with_nothing_changed_leaves_the_site_alone(tmp_path, capsys):
    root = copy_project(tmp_path)
    assert build.main(["--root", str(root), "build"]) == 0
    site = root / "site"
    written = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    capsys.readouterr()
    assert build.main(["--root", str(root), "build"]) == 0
    assert ", unchanged: nothing it is built from changed" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*")} == written
    (site / "claims" / "index.html").unlink()  # a site that lost a file is built again
    assert build.main(["--root", str(root), "build"]) == 0
    assert "unchanged" not in capsys.readouterr().out and (site / "claims" / "index.html").is_file()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = {
    "ledger": lambda root: _edit(root / "claims.yaml", "verdict: unrated", "verdict: accurate"),
    "template": lambda root: _edit(root / "templates" / "claim.html", "</h1>", "</h1>\n"),
    "site settings": lambda root: _edit(root / "templates" / "site.yaml", "title:", "title: x"),
    "report": lambda root: _edit(root / "seeds" / "shanxi-2019-reform-achievements.txt", "。", "．"),
    "manifest": lambda root: _edit(root / "seeds" / "documents.yaml", "title:", "title: x"),
    "ledger history": lambda root: subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c",
                                                   "user.email=t@example.org", "commit", "-q", "--amend",
                                                   "--no-edit", "--date", "2020-01-01T00:00:00"], check=True),
}


@pytest.mark.parametrize("one, other", [
    ({"x": [["a"], "b"]}, {"x": [["a", "b"]]}),  # a list's items, nested otherwise
    ({"x": [["a"], []]}, {"x": [["a"]]}),
    ({"x": "ab", "y": ""}, {"x": "a", "y": "b"}),  # text moved from one key to the next
    ({"x": "1"}, {"x": 1}),
    ({"x": "<b>"}, {"x": Markup("<b>")}),  # escaped or not
    ({"x": {"k": [1, 2]}}, {"x": {"k": [1, 3]}}),
])
def test_contexts_that_differ_have_different_page_digests(one, other):
    from heshu.site.contexts import page_digest
    from heshu.site.pages import Page
    digests = [page_digest(Page("a/index.html", "t.html", c), "salt", {})[0] for c in (one, other, copy.deepcopy(one))]
    assert digests[0] and digests[0] != digests[1]
    assert digests[2] == digests[0]  # an equal context, of other objects


@pytest.mark.parametrize("what", sorted(EDITS))
def test_every_input_of_a_build_is_in_its_digest(tmp_path, what):
    from heshu.project import Project, build_inputs
    root = copy_project(tmp_path)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "claims.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    before = build_inputs(Project(root))
    assert build_inputs(Project(root)) == before
    assert build_inputs(Project(root), "https://elsewhere.example/") != before
    EDITS[what](root)
    assert build_inputs(Project(root)) != before


@pytest.mark.parametrize("folders, found", [
    (["jinja2-3.1.6.dist-info"], "jinja2-3.1.6.dist-info"),
    (["Jinja2-3.0.0.dist-info"], "Jinja2-3.0.0.dist-info"),
    (["jinja2.egg-info"], "jinja2.egg-info"),  # a development install's, without a version
    (["jinja2_extra-1.0.dist-info", "jinja2-3.1.6"], "-"),  # another package; a folder that is not metadata
])
def test_the_version_of_a_package_in_the_code_digest_is_its_metadata_folder(tmp_path, monkeypatch, folders, found):
    import sys

    from heshu import cache
    for name in folders:
        (tmp_path / name).mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(tmp_path)])
    assert cache._installed("jinja2") == found


def test_partials_are_rendered_once_and_keep_their_links(tmp_path):
    from heshu.site.pages import Page
    from heshu.site.render import environment, render
    (tmp_path / "_partials").mkdir()
    (tmp_path / "_partials" / "macros.html").write_text(
        "{% macro inner(c) %}<a href=\"{{ url('claim', c.id) }}\">{{ c.text }}</a>{% endmacro %}"
        "{% macro outer(c) %}<a href=\"{{ url('doc', c.doc) }}\">doc</a> {{ partial('inner', c) }}"
        " <a href=\"{{ url('claims') }}\">all</a>{% endmacro %}", encoding="utf-8")
    (tmp_path / "page.html").write_text("{{ partial('outer', c) }}|{{ partial('inner', c) }}", encoding="utf-8")
    env, fragments, c = environment(tmp_path), {}, {"id": "d-1", "doc": "d", "text": "<1>"}
    deep, top = set(), set()
    html_deep = render(env, Page("claims/d-1/index.html", "page.html", {"c": c}), "https://x.org/", deep, fragments)
    html_top = render(env, Page("index.html", "page.html", {"c": c}), "https://x.org/", top, fragments)
    assert html_deep == ('<a href="../../docs/d/index.html">doc</a> <a href="../../claims/d-1/index.html">&lt;1&gt;</a> '
                         '<a href="../../claims/index.html">all</a>|<a href="../../claims/d-1/index.html">&lt;1&gt;</a>')
    assert html_top == html_deep.replace("../../", "")
    assert deep == top == {("claims/d-1/index.html", ""), ("docs/d/index.html", ""), ("claims/index.html", "")}
    rendered = [k for k in fragments if k[0] in ("inner", "outer")]  # the others: as pages at a depth show them
    assert len(rendered) == 2  # each macro rendered once for both pages


def test_checks_are_paged_failing_first_and_each_listed_once(tmp_path, monkeypatch):
    from heshu.site import assemble
    monkeypatch.setattr(assemble, "CHECKS_PER_PAGE", 1)  # the two reports give a handful of checks
    root = copy_project(tmp_path)
    led = ledger.load(root / "claims.yaml")
    led.checks[0].fields["id"] = "page"  # a person's id that must not meet the pages of the list
    ledger.save(led, root / "claims.yaml")
    assert build.main(["--root", str(root), "build"]) == 0
    first = (root / "site" / "checks" / "index.html").read_text(encoding="utf-8")
    count = int(re.search(r"第 1 / (\d+) 页", first).group(1))
    listed = []
    for n in range(1, count + 1):
        page = root / "site" / "checks" / ("index.html" if n == 1 else f"page/{n}/index.html")
        text = page.read_text(encoding="utf-8")
        assert f'<span aria-current="page">{n}</span>' in text
        listed += re.findall(r'<tr class="check-row s-([a-z-]+)" id="([^"]+)"', text)
        for _, check_id in listed[-1:]:  # each check's page leads back to the list page that shows it
            assert f'<a href="../../checks/{"" if n == 1 else f"page/{n}/"}index.html#{check_id}">算术核查</a>' in \
                (root / "site" / "checks" / check_id / "index.html").read_text(encoding="utf-8")
    assert not (root / "site" / "checks" / "page" / str(count + 1)).exists()
    assert "page" in {i for _, i in listed} and (root / "site" / "checks" / "page" / "index.html").exists()
    checks = json.loads((root / "site" / "data" / "checks.json").read_text(encoding="utf-8"))
    assert sorted(i for _, i in listed) == sorted(c["id"] for c in checks) and count == len(checks) > 2
    statuses = [s for s, _ in listed]
    assert statuses == sorted(statuses, key=["fails", "cannot-evaluate", "holds"].index)  # failing first
    assert check_links(root / "site") == []


def list_pages(site: Path, folder: str, title: str) -> list[str]:
    """The pages of a paged list (folder/index.html, folder/page/2/index.html, …), each checked to be
    marked as the page it is, in its pager and its title; and that there is no page after the last."""
    first = (site / folder / "index.html").read_text(encoding="utf-8")
    count = int(re.search(r"第 1 / (\d+) 页", first).group(1))
    texts = []
    for n in range(1, count + 1):
        text = (site / folder / ("index.html" if n == 1 else f"page/{n}/index.html")).read_text(encoding="utf-8")
        assert f'<span aria-current="page">{n}</span>' in text and f"{title}（第 {n} 页）" in text
        texts.append(text)
    assert not (site / folder / "page" / str(count + 1)).exists()
    return texts


def test_the_claim_list_is_paged_in_report_order_and_filters_only_its_page(tmp_path, monkeypatch):
    from heshu.site import assemble
    monkeypatch.setattr(assemble, "CLAIMS_PER_PAGE", 40)
    root = copy_project(tmp_path)
    assert build.main(["--root", str(root), "build"]) == 0
    site = root / "site"
    order = [d.id for d in load_manifest(root / "seeds")[0]]
    listed, docs_offered = [], []
    pages = list_pages(site, "claims", "全部数字")
    for text in pages:
        rows = re.findall(r'<tr data-doc="([^"]+)".*?\n<td><a href="[./]*claims/([^/]+)/index.html">', text)
        assert 0 < len(rows) <= 40 and "筛选只在本页" in text
        listed += rows
        docs_offered.append((sorted({d for d, _ in rows}, key=order.index),
                             re.findall(r'<option value="([^"]+)">[^<]*</option>', text.split('name="doc"')[1].split("</select>")[0])))
    claims = json.loads((site / "data" / "claims.json").read_text(encoding="utf-8"))
    assert sorted(i for _, i in listed) == sorted(c["id"] for c in claims) and len(pages) == -(-len(claims) // 40)
    assert [d for d, _ in listed] == sorted((d for d, _ in listed), key=order.index)
    assert all(rows == offered for rows, offered in docs_offered)  # the report filter offers the page's reports
    assert check_links(site) == []


def test_the_target_table_is_paged_and_lists_each_target_once(tmp_path, monkeypatch):
    from heshu.site import assemble
    monkeypatch.setattr(assemble, "TARGETS_PER_PAGE", 2)
    root = copy_project(tmp_path)
    assert build.main(["--root", str(root), "build"]) == 0
    listed = []
    pages = list_pages(root / "site", "targets", "目标追踪")
    for text in pages:
        rows = re.findall(r'<tr>\n  <td><a class="claim-link[^"]*" href="[./]*claims/([^/]+)/index.html">', text)
        assert 0 < len(rows) <= 2
        listed += rows
    targets = project.run_check(project.Project(root)).links.targets
    assert sorted(listed) == sorted(t.target.id for t in targets) and len(pages) == -(-len(targets) // 2) > 1
    assert check_links(root / "site") == []


def test_the_garbage_collector_runs_again_after_a_command(tmp_path):
    root = copy_project(tmp_path)
    assert build.main(["--root", str(root), "build"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0  # and the site's objects are its again
    with pytest.raises(KeyError):
        with project.few_collections():
            assert not gc.isenabled()
            raise KeyError("a command stopped by an error")
    assert gc.isenabled()


def test_rendering_collects_some_shares_and_every_share_once_one_made_a_cycle():
    import weakref

    from heshu import collector

    class Node:
        pass

    def share(cyclic: bool):
        with collector.paused(then=tidy):
            a = Node()
            if cyclic:
                a.self = a  # garbage once a is gone: only a collection frees it
            refs.append(weakref.ref(a))
            del a

    tidy, refs = collector.sampled(every=3), []
    try:
        for cyclic in (False, True, False, True):  # shares 0 and 3 are collected, 1 and 2 set aside
            share(cyclic)
        assert [r() is None for r in refs] == [True, False, True, True]
        share(True)  # share 3's cycle was found: from then on every share is collected
        assert refs[-1]() is None
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("paths, taken, message", [
    (["claims/a/index.html", "../index.html"], (), "../index.html: a page would be written outside site/"),
    (["/etc/passwd"], (), "/etc/passwd: a page would be written outside site/"),
    (["claims//index.html"], (), "claims//index.html: a page would be written outside site/"),
    (["claims\\a.html"], (), "claims\\a.html: a page would be written outside site/"),
    (["a.html", "b.html", "a.html"], (), "a.html: two pages would be written to the same file"),
    (["data/claims.json"], ("data/claims.json",), "data/claims.json: two pages would be written to the same file"),
])
def test_a_path_outside_site_or_written_twice_stops_the_build(paths, taken, message):
    from heshu.errors import HeshuError
    from heshu.site.render import check_paths
    check_paths(["claims/a/index.html", "b.html"], frozenset({"c.html"}))  # plain paths pass
    with pytest.raises(HeshuError) as e:
        check_paths(paths, frozenset(taken))
    assert str(e.value.problems[0]).startswith(message)


def test_a_pages_links_kept_for_the_next_build_read_back_as_they_were():
    from hypothesis import given, strategies as st

    from heshu.site.render import pack_links, unpack_links
    part = st.text(alphabet=st.characters(blacklist_characters="\n\0", blacklist_categories=("Cs",)), max_size=12)

    @given(st.sets(st.tuples(part.filter(bool), part), max_size=8))
    def roundtrip(links):
        assert set(unpack_links(pack_links(links))) == links and len(unpack_links(pack_links(links))) == len(links)
    roundtrip()


@pytest.mark.parametrize("n, workers", [(0, 2), (1, 2), (31, 2), (33, 2), (400, 2), (5000, 2), (63162, 2), (63162, 4)])
def test_the_workers_take_every_page_once_in_runs_that_shrink_towards_the_end(n, workers):
    from heshu.site.render import _shares
    shares = _shares(n, workers)
    assert [p for start, end in shares for p in range(start, end)] == list(range(n))
    sizes = [end - start for start, end in shares]
    assert sizes[:32] == [1] * min(32, n)  # the big lists, one by one
    assert sizes[32:] == sorted(sizes[32:], reverse=True) and max(sizes, default=1) <= 256
    assert sizes[-1:] == [1][:len(sizes)]  # the last run is a single page: no worker is left with a long tail


SAME_AS_JINJA = {  # each a template, rendered by Heshu's environment and by Jinja's own with the same settings
    "output": "{{ t }}|{{ m }}|{{ n }}|{{ none }}|{{ obj }}|{{ t ~ m }}|{{ t|upper }}|{{ m|safe }}",
    "macro": "{% macro box(x) %}<b>{{ x }}</b>{% endmacro %}{% macro wrap() %}[{{ caller() }}]{% endmacro %}"
             "{{ box(t) }}|{{ box(m)|length }}|{% call wrap() %}{{ box(t) }}{{ t }}{% endcall %}",
    "set block": "{% set s %}<i>{{ t }}</i>{% endset %}{{ s }}|{{ s|length }}|{{ s ~ t }}",
    "filter block": "{% filter upper %}{{ t }}<x>{% endfilter %}",
    "loop and calls": "{% for i in range(3) %}{{ join(i) }}{{ loop.index }}{{ f(t) }}{% endfor %}"
                      "{{ ctx_name() }}{{ stop() is defined }}",
    "blocks": "{% block a %}{{ t }}{% endblock %}|{{ self.a() }}",
    "autoescape off": "{% autoescape false %}{{ t }}{% endautoescape %}|{{ t }}",
}


@pytest.mark.parametrize("name", sorted(SAME_AS_JINJA))
def test_heshus_jinja_environment_renders_what_jinjas_own_does(tmp_path, name):
    """The environment escapes output and calls helpers its own way (templating.py): same bytes as Jinja's."""
    from jinja2 import pass_context
    from markupsafe import Markup
    from benchmarks.templating import stock_environment
    from heshu.site.templating import environment

    class Shown:
        def __str__(self):
            return "<obj & \"q\">"

    def stop():
        raise StopIteration

    names = {"t": "<a href='x'>&\"", "m": Markup("<em>ok</em>"), "n": 12.5, "none": None, "obj": Shown(),
             "f": lambda s: s + "<", "join": str, "stop": stop, "ctx_name": pass_context(lambda c: c["n"] * 2)}
    (tmp_path / "t.html").write_text(SAME_AS_JINJA[name], encoding="utf-8")
    heshu = environment(tmp_path)
    jinja = stock_environment(tmp_path)
    want = jinja.get_template("t.html").render(**names)
    got = heshu.get_template("t.html").render(**names)
    assert got == want
    assert "<a href" not in got or name == "autoescape off"


def test_output_is_escaped_as_markupsafe_escapes_it():
    from markupsafe import Markup, escape
    from heshu.site.templating import escape_output
    for value in ["<script>&'\"", "", "纯文本", Markup("<b>&amp;</b>"), 3, 2.5, None, True, ["<x>"]]:
        assert escape_output(value) == str(escape(value)) and isinstance(escape_output(value), str)
