"""The site in a real headless Chromium: search, filters, charts, accessibility, and screenshots.

Uses Playwright with Debian's chromium. Outside CI the tests skip, with the reason, where no
Chromium is found; in CI (CI=true) a missing browser is a failure.
"""
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import build
from conftest import ROOT

CHROMIUM = os.environ.get("HESHU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update"]
try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright
    MISSING = "" if Path(CHROMIUM).exists() else f"no Chromium at {CHROMIUM} (apt-get install chromium)"
except ImportError as e:
    MISSING = f"{e.name} is not installed (pip install -e '.[test]')"
if MISSING:
    if os.environ.get("CI"):
        raise RuntimeError(f"browser tests cannot run in CI: {MISSING}")
    pytest.skip(MISSING, allow_module_level=True)

SCREENSHOTS = ROOT / "docs" / "screenshots"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    for name in ("seeds", "templates"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "claims.yaml", root / "claims.yaml")
    assert build.main(["--root", str(root), "build"]) == 0
    return root / "site"


@pytest.fixture(scope="module")
def base(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: errors.append(f"outside request {r.url}")
          if not r.url.startswith(("http://127.0.0.1", "file://", "data:")) else None)
    yield pg
    context.close()
    assert errors == []


def search(page, query):
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.indexOf('搜索中') < 0")
    return page.locator("#results li a")


def test_search_for_poverty_reaches_a_poverty_claim(page, base):
    page.goto(base + "index.html")
    page.get_by_role("link", name="搜索").first.click()
    results = search(page, "贫困")
    results.first.wait_for()
    claim = page.locator("#results li a", has_text="数字：").filter(has_text="贫困人口").first
    claim.click()
    assert "/claims/" in page.url
    assert "贫困" in page.locator("h1").inner_text()


@pytest.mark.parametrize("query", ["贫困", "脱贫", "外送电量", "高新技术企业", "棚户区", "吞吐量", "养老金"])
def test_chinese_queries_find_results(page, base, query):
    page.goto(base + "search/index.html")
    results = search(page, query)
    assert results.count() > 0
    assert query in page.locator("#results").inner_text()


@pytest.mark.parametrize("query", ["991.3亿千瓦时", "991.3 亿", "99130000000"])
def test_a_value_finds_its_claim_however_it_is_written(page, base, query):
    page.goto(base + "search/index.html")
    results = search(page, query)
    assert "991.3亿千瓦时" in results.first.inner_text()


def test_search_works_from_the_file_system(page, site):
    page.goto((site / "search" / "index.html").as_uri() + "?q=外送电量")
    page.wait_for_selector("#results li a")
    assert "外送电量" in page.locator("#results").inner_text()


def test_the_claim_list_filters_in_the_browser(page, base):
    page.goto(base + "claims/index.html")
    rows = page.locator("#claims-table tbody tr")
    total = rows.count()
    page.select_option("select[name=kind]", "target")
    visible = page.locator("#claims-table tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert all(v == "target" for v in visible.evaluate_all("rs => rs.map(r => r.dataset.kind)"))
    assert page.locator("#shown").inner_text() == f"显示 {visible.count()} / {total} 个数字"
    page.fill("input[name=subject]", "贫困人口")
    assert page.locator("#claims-table tbody tr:not([hidden])").count() == 2  # the 2019 and 2020 targets


def test_a_check_opens_from_the_list_and_leads_back(page, base):
    page.goto(base + "checks/index.html")
    first = page.locator("tr.check-row").first
    check_id = first.get_attribute("id")
    first.locator("a").click()
    page.wait_for_url(f"**/checks/{check_id}/index.html")
    assert page.locator("article.use").count() >= 2 and page.locator("h1 .status").is_visible()
    page.get_by_role("link", name="算术核查").last.click()
    page.wait_for_url(f"**/checks/index.html#{check_id}")


def test_a_series_chart_opens(page, base):
    page.goto(base + "series/index.html")
    page.get_by_role("link", name="贫困人口", exact=True).click()
    chart = page.locator("svg.chart")
    chart.wait_for()
    assert chart.locator("circle.dot").count() >= 2 and chart.locator("rect.bar").count() >= 2
    assert "贫困人口" in chart.locator("title").first.text_content()


PAGES = ["index.html", "docs/sx2019/index.html", "claims/index.html", "search/index.html", "series/index.html",
         "checks/index.html", "targets/index.html", "data/index.html", "methodology/index.html"]


@pytest.mark.parametrize("path", PAGES + ["claims", "series", "checks"])
def test_no_serious_accessibility_violations(page, base, site, path):
    if path in ("claims", "series", "checks"):  # the first page of one claim, series or check
        path = f"{path}/" + next(p.name for p in sorted((site / path).iterdir())
                                 if (p / "index.html").exists() and p.name != "page") + "/index.html"
    page.goto(base + path)
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_screenshots_for_the_readme(page, base, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    poverty = next(p for p in (site / "claims").iterdir()
                   if (p / "index.html").is_file() and "329万" in (p / "index.html").read_text(encoding="utf-8").split("<h1>")[1][:80])
    page.set_viewport_size({"width": 1000, "height": 1400})
    page.goto(base + f"claims/{poverty.name}/index.html")
    page.screenshot(path=str(SCREENSHOTS / "claim.png"))
    page.goto(base + "docs/sx2019/index.html")
    page.screenshot(path=str(SCREENSHOTS / "document.png"))
    assert (SCREENSHOTS / "claim.png").stat().st_size > 10_000


@pytest.mark.parametrize("path", ["index.html", "docs/sx2019/index.html", "claims/index.html", "checks/index.html"])
def test_pages_fit_a_phone_screen(browser, base, path):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(base + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 1


def test_printing_leaves_out_the_navigation(page, base):
    page.goto(base + "index.html")
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert page.locator("main h1").is_visible()


def test_the_keyboard_reaches_the_content_first(page, base):
    page.goto(base + "claims/index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.wait_for_function("document.activeElement.id === 'main'")  # the skip link moves the focus to the content
    for _ in range(4):  # then the pager, if the list has several pages, and the filters, which work from the keyboard
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "doc":
            break
    assert page.evaluate("document.activeElement.name") == "doc"
