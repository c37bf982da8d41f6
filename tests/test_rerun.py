"""extract and link skip their work when all that changed since their last run is what they do not read,
and a skipped run leaves claims.yaml and reports exactly what a full run would."""
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from heshu import ledger, rerun
from heshu.project import Project, run_extract, run_link
from conftest import ROOT

TEXT = (ROOT / "claims.yaml").read_text(encoding="utf-8")
BEFORE = ledger.shape(TEXT)


def _claim_item(text: str, n: int) -> str:
    return ledger.layout(text).items[n].text


def _replace_claim(text: str, n: int, **fields) -> str:
    """text with claim n's fields changed (None removes one), written as save writes it."""
    item = _claim_item(text, n)
    new = dict(ledger._parse_item(item, "")[0])
    for k, v in fields.items():
        new.pop(k, None) if v is None else new.__setitem__(k, v)
    return text.replace(item, ledger._item_text(new, ledger.CLAIM_ORDER), 1)


FIRST = _claim_item(TEXT, 0)
SERIES = next(i for i in ledger.layout(TEXT).items if i.section == "series").text


@pytest.mark.parametrize("edited, expected", [
    (TEXT, set()),
    (_replace_claim(TEXT, 0, verdict="accurate"), {"verdict"}),
    (_replace_claim(TEXT, 3, note="多行\n说明", reviewed="2026-11-20"), {"note", "reviewed"}),
    (_replace_claim(_replace_claim(TEXT, 0, verdict="misleading"), 5, sources=[{"title": "公报", "url": "https://x.org/"}]),
     {"verdict", "sources"}),
    (_replace_claim(TEXT, 1, value=12345), {"value"}),
    (_replace_claim(TEXT, 2, rejected=True), {"rejected"}),
    (_replace_claim(TEXT, 2, subject=None), {"subject"}),
    (_replace_claim(TEXT, 0, mine="我的字段"), {"mine"}),
], ids=["nothing", "verdict", "note and date", "two claims", "value", "rejected", "field removed", "own field"])
def test_the_claim_fields_edited_since_a_shape_are_named(edited, expected):
    ledger.load_cached(TEXT)  # the earlier text's items are in the cache, as after any run
    assert ledger.claim_fields_edited(BEFORE, edited) == expected


def test_a_value_of_another_type_is_an_edit():
    value = ledger._parse_item(FIRST, "")[0]["value"]
    assert isinstance(value, int)
    ledger.load_cached(TEXT)
    assert ledger.claim_fields_edited(BEFORE, _replace_claim(TEXT, 0, value=float(value))) == {"value"}


@pytest.mark.parametrize("edited", [
    TEXT.replace("verdict: unrated", "verdict: 'accurate'", 1),  # not as save writes it: a run would rewrite it
    TEXT.replace("verdict: unrated", "verdict: accurate  # 核对过", 1),
    TEXT.replace(FIRST, FIRST + "\n", 1),  # a blank line
    TEXT.replace(FIRST, "", 1),  # a claim removed
    TEXT.replace(FIRST, FIRST + FIRST, 1),  # a claim added
    TEXT.replace(FIRST + _claim_item(TEXT, 1), _claim_item(TEXT, 1) + FIRST, 1),  # order changed
    TEXT.replace(SERIES, SERIES.replace("title: ", "title: 改", 1), 1),  # a series changed
    TEXT.replace("# Heshu ledger.", "# My ledger.", 1),  # the header
    "claims: []\n",
    "not: a ledger\n",
], ids=["quoted", "comment", "blank line", "removed", "added", "moved", "series", "header", "empty", "other layout"])
def test_any_other_change_is_not_a_claim_edit(edited):
    ledger.load_cached(TEXT)
    assert ledger.claim_fields_edited(BEFORE, edited) is None


def test_an_earlier_item_no_longer_in_the_cache_is_not_compared(tmp_path, monkeypatch):
    monkeypatch.setenv("HESHU_CACHE", str(tmp_path))  # the earlier text was never read here
    assert ledger.claim_fields_edited(BEFORE, _replace_claim(TEXT, 0, verdict="accurate")) is None


# ---------------------------------------------------------------- skipped runs give what full runs give

EDITS = st.sampled_from([
    ("verdict", st.sampled_from(["accurate", "misleading", "unverifiable", "unrated"])),
    ("note", st.text(alphabet="核数 <>&*_\n#", max_size=12)),
    ("reviewed", st.sampled_from(["2026-11-20", "2025-01-02"])),
    ("sources", st.just([{"title": "公报", "url": "https://www.stats.gov.cn/"}])),
    ("rejected", st.booleans()),
    ("value", st.integers(1, 10 ** 6)),
    ("subject", st.sampled_from(["贫困人口", "地区生产总值", None])),
    ("auto", st.just("000000000000")),
    ("mine", st.text(max_size=5)),
]).flatmap(lambda kv: st.tuples(st.just(kv[0]), kv[1]))


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Iterator[Path]:
    """The seed reports with claims.yaml made by extract and link, run until neither changes it; in a
    cache of their own (other tests fill the shared one with large ledgers, slow to look items up in)."""
    root = tmp_path_factory.mktemp("linked")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HESHU_CACHE", str(root / "cache"))
        yield _linked(root)


def _linked(root: Path) -> Path:
    shutil.copytree(ROOT / "seeds", root / "seeds")
    for _ in range(2):
        run_extract(Project(root))
        run_link(Project(root))
    return root


def _outcome(result) -> tuple:
    """What a run reports: its counts, what it merged (added, updated, kept...), whether it wrote, its problems."""
    merged = [getattr(result, name).__dict__ for name in ("report", "series", "checks") if hasattr(result, name)]
    return result.counts, merged, result.written, result.problems


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=st.lists(st.tuples(st.integers(0, 215), EDITS, st.booleans()), min_size=1, max_size=4))
def test_a_skipped_run_leaves_the_ledger_and_reports_what_a_full_run_would(linked, tmp_path_factory, rounds):
    kept, full = (tmp_path_factory.mktemp(name) for name in ("kept", "full"))
    for root in (kept, full):
        shutil.copytree(linked / "seeds", root / "seeds")
        shutil.copy(linked / "claims.yaml", root / "claims.yaml")
        for run in (run_extract, run_link):  # a run that leaves the ledger as it is, and is kept
            assert not run(Project(root)).written
    skipped = 0
    for n, (field, value), as_save_writes in rounds:
        text = (kept / "claims.yaml").read_text(encoding="utf-8")
        edited = _replace_claim(text, n, **{field: value}) if as_save_writes else \
            text.replace(_claim_item(text, n), _claim_item(text, n).replace("\n", "  # 改\n", 1), 1)
        for root in (kept, full):
            (root / "claims.yaml").write_text(edited, encoding="utf-8")
        for run, command in ((run_extract, "extract"), (run_link, "link")):
            rerun.forget(command, full / "claims.yaml")  # the full project always runs in full
            a, b = run(Project(kept)), run(Project(full))
            skipped += a.skipped
            assert not b.skipped and _outcome(a) == _outcome(b)
            assert (kept / "claims.yaml").read_bytes() == (full / "claims.yaml").read_bytes()
            if command == "link":
                assert a.links.series == b.links.series and a.links.results == b.links.results
    if all(f in ("verdict", "note", "reviewed", "sources", "mine") and canonical for _, (f, _), canonical in rounds):
        assert skipped == 2 * len(rounds)  # people's fields only, as save writes them: every run skipped


def test_a_run_that_changes_the_ledger_is_not_kept(project):
    assert run_extract(Project(project)).written
    again = run_extract(Project(project))
    assert not again.skipped and not again.written  # the first run wrote: the second had nothing to go by
    assert run_extract(Project(project)).skipped


def test_new_code_or_reports_mean_a_full_run(project, monkeypatch):
    run_extract(Project(project))
    run_extract(Project(project))
    assert run_extract(Project(project)).skipped
    monkeypatch.setattr(rerun, "VERSION", rerun.VERSION + 1)  # as a change to Heshu's code would
    assert not run_extract(Project(project)).skipped
    report = next((project / "seeds").glob("*.txt"))
    report.write_text(report.read_text(encoding="utf-8") + "\n另有数字增长了7%。\n", encoding="utf-8")
    assert not run_extract(Project(project)).skipped
