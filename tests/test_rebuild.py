"""The rebuild after edits to people's fields of claims (heshu/site/rebuild.py): it rewrites only the
pages that show the edited claims, gives the bytes of a full build, and falls back to a full build
whenever anything else changed or what the last build kept cannot be used."""
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import build
from heshu import ledger, parallel
from heshu.site import publish, state
from test_site import copy_project, tree_hash

QUICK = "claims edited in people's fields only"


def run(root: Path, capsys, *options: str) -> tuple[int, str]:
    capsys.readouterr()
    status = build.main(["--root", str(root), *options, "build"])
    out = capsys.readouterr()
    return status, out.out + out.err


def full_build_of(root: Path, other: Path, capsys) -> dict:
    """The site a full build makes of root's inputs, in a project of its own."""
    shutil.rmtree(other, ignore_errors=True)
    copy_project(other)
    shutil.copy(root / "claims.yaml", other / "claims.yaml")
    status, log = run(other, capsys)
    assert status == 0 and QUICK not in log
    return tree_hash(other / "site")


def page_digests(root: Path) -> dict[str, str]:
    """What the record of the last build to root/site says each page's digest is (what a later build
    compares to know whether a page would render to other bytes)."""
    record, _ = publish._read_record(root / "site")
    return record["pages"]


def edit_claims(root: Path, **fields) -> list[str]:
    """Set these fields on two claims of each report (the first, a middle one); their ids."""
    led = ledger.load(root / "claims.yaml")
    chosen = []
    for doc in ("sx2019", "sx2020"):
        mine = [e for e in led.claims if e.fields["doc"] == doc]
        chosen += [mine[0], mine[len(mine) // 2]]
    for e in chosen:
        e.fields.update(fields)
    ledger.save(led, root / "claims.yaml")
    return [e.id for e in chosen]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project built once, whose ledger the tests may edit (each restores it)."""
    root = copy_project(tmp_path_factory.mktemp("quick"))
    assert build.main(["--root", str(root), "build"]) == 0
    return root


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
EDIT = st.one_of(
    st.fixed_dictionaries({"verdict": st.sampled_from(["accurate", "misleading", "inaccurate", "unrated"])}),
    st.fixed_dictionaries({"note": TEXT | st.sampled_from(["<script>x</script> [a](javascript:x) {{ 7*7 }}",
                                                            "第一段\n\n**第二段**"])}),
    st.fixed_dictionaries({"reviewed": st.dates().map(str)}),
    st.fixed_dictionaries({"sources": st.lists(st.fixed_dictionaries(
        {"title": TEXT, "url": st.sampled_from(["https://www.stats.gov.cn/?a=1&b=2", "http://x.org/?q=%E5%9B%BD&r=1#a"])}),
        max_size=2)}),
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 10 ** 6), EDIT), min_size=1, max_size=3))
def test_any_edits_to_peoples_fields_are_rebuilt_quickly_to_the_bytes_of_a_full_build(built, tmp_path, capsys,
                                                                                      edits):
    original = (built / "claims.yaml").read_bytes()
    try:
        led = ledger.load(built / "claims.yaml")
        for at, fields in edits:
            led.claims[at % len(led.claims)].fields.update(fields)
        ledger.save(led, built / "claims.yaml")
        status, log = run(built, capsys)
        assert status == 0
        assert (QUICK in log) is ((built / "claims.yaml").read_bytes() != original)
        assert tree_hash(built / "site") == full_build_of(built, tmp_path / "full", capsys)
        assert page_digests(built) == page_digests(tmp_path / "full")
    finally:
        (built / "claims.yaml").write_bytes(original)
        assert run(built, capsys)[0] == 0


def test_a_quick_rebuild_rewrites_only_the_pages_that_show_the_edited_claims(built, capsys):
    original = (built / "claims.yaml").read_bytes()
    site = built / "site"
    inodes = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    try:
        ids = edit_claims(built, verdict="misleading", note="见 **统计公报**。")
        status, log = run(built, capsys)
        assert status == 0 and QUICK in log
        rewritten = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
                     and inodes.get(p) != p.stat().st_ino}
        for cid in ids:
            assert {f"claims/{cid}/index.html", f"claims/{cid}/card.html"} <= rewritten
        assert {"index.html", "feed.xml", "data/claims.json", "data/claims.csv", "docs/sx2019/index.html"} <= rewritten
        assert not {"search/meta.js", "sitemap.xml", "methodology/index.html", "series/index.html"} & rewritten
        assert len(rewritten) < len(inodes) / 5
    finally:
        (built / "claims.yaml").write_bytes(original)
        assert run(built, capsys)[0] == 0


BEYOND = {
    "a figure": lambda text: re.sub(r"\n  value: (\d+)\n", lambda m: f"\n  value: {int(m[1]) + 1}\n", text, count=1),
    "a comment in a claim": lambda text: text.replace("  verdict: unrated\n", "  verdict: unrated  # 待查\n", 1),
    "a series": lambda text: text.replace("series:\n- id: ", "series:\n- id: x", 1),
    "rejected": lambda text: text.replace("  verdict: unrated\n", "  verdict: unrated\n  rejected: true\n", 1),
    "a claim added by hand": lambda text: text.replace(
        "series:\n", "- id: hand-1\n  doc: sx2020\n  text: 68%\n  value: 68\n  quote: 煤炭先进产能占比达到68%。\n"
        "series:\n", 1),
}


@pytest.mark.parametrize("what", BEYOND)
def test_an_edit_beyond_peoples_fields_is_a_full_build(built, tmp_path, capsys, what):
    original = (built / "claims.yaml").read_bytes()
    try:
        text = original.decode("utf-8")
        edited = BEYOND[what](text)
        assert edited != text
        (built / "claims.yaml").write_text(edited, encoding="utf-8")
        status, log = run(built, capsys)
        assert QUICK not in log
        if status == 0:
            assert tree_hash(built / "site") == full_build_of(built, tmp_path / "full", capsys)
    finally:
        (built / "claims.yaml").write_bytes(original)
        assert run(built, capsys)[0] == 0


@pytest.mark.parametrize("damage", ["missing", "garbage", "kept ledger changed"])
def test_a_damaged_or_missing_keep_means_a_full_build(built, tmp_path, capsys, damage):
    original = (built / "claims.yaml").read_bytes()
    kept = state.where(built / "site")
    assert kept.is_file() and kept.with_suffix(".ledger").is_file()
    try:
        if damage == "missing":
            kept.unlink(missing_ok=True)
        elif damage == "garbage":
            kept.write_bytes(b"not a database" * 100)
        else:
            kept.with_suffix(".ledger").write_bytes(b"claims: []\n")
        edit_claims(built, verdict="accurate")
        status, log = run(built, capsys)
        assert status == 0 and QUICK not in log
        assert tree_hash(built / "site") == full_build_of(built, tmp_path / "full", capsys)
    finally:
        (built / "claims.yaml").write_bytes(original)
        assert run(built, capsys)[0] == 0


def test_a_bad_edit_is_reported_as_a_full_check_reports_it_and_the_site_is_left_alone(built, tmp_path, capsys):
    original = (built / "claims.yaml").read_bytes()
    before = tree_hash(built / "site")
    try:
        ids = edit_claims(built, verdict="maybe", sources=[{"title": "x", "url": "javascript:alert(1)"}])
        status, quick = run(built, capsys)
        assert status == 1 and quick.count("`verdict`") == len(ids) and "javascript:alert(1)" in quick
        assert tree_hash(built / "site") == before
        other = copy_project(tmp_path / "full")
        shutil.copy(built / "claims.yaml", other / "claims.yaml")
        status, full = run(other, capsys)
        assert status == 1 and quick == full
    finally:
        (built / "claims.yaml").write_bytes(original)
        assert run(built, capsys)[0] == 0


ITEMS = "claims:\n- id: a\n  verdict: unrated\n  quote: 一\n- id: b\n  verdict: unrated\n  quote: 二\nseries:\n- id: s\n"


@pytest.mark.parametrize("new, expected", [
    (ITEMS, []),
    (ITEMS.replace("unrated\n  quote: 一", "accurate\n  quote: 一"), [("a", {"verdict"})]),
    (ITEMS.replace("unrated\n  quote: 二", "accurate\n  quote: 二"), [("b", {"verdict"})]),
    (ITEMS.replace("unrated", "accurate").replace("quote: 二", "quote: 三"), [("a", {"verdict"}),
                                                                          ("b", {"verdict", "quote"})]),
    (ITEMS.replace("- id: b", "- id: c"), None),  # another claim
    (ITEMS.replace("  quote: 一\n", "  quote: 一\n  # 注\n"), None),  # not as save writes it
    (ITEMS.replace("- id: s", "- id: t"), None),  # a series
    (ITEMS.replace("claims:\n", "# 注\nclaims:\n"), None),  # the frame
    (ITEMS.replace("series:\n", "- id: c\n  quote: 三\nseries:\n"), None),  # a claim added
])
def test_edited_claims_reads_only_claims_edited_in_place(new, expected):
    edits = ledger.edited_claims(ITEMS.encode("utf-8"), new.encode("utf-8"))
    if expected is None:
        assert edits is None
    else:
        assert [(e.id, fields) for e, fields in edits] == expected
        lines = new.splitlines()
        for e, _ in edits:
            assert lines[e.line - 1] == f"- id: {e.id}"


def test_the_keep_written_on_the_other_core_serves_the_next_rebuild(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "MANY", 1)  # as at scale: the keep is written in a forked process
    root = copy_project(tmp_path / "project")
    assert run(root, capsys)[0] == 0
    kept = state.where(root / "site")
    assert kept.is_file() and not list(kept.parent.glob("*.tmp"))
    edit_claims(root, verdict="misleading")
    status, log = run(root, capsys)
    assert status == 0 and QUICK in log
    assert tree_hash(root / "site") == full_build_of(root, tmp_path / "full", capsys)


def test_a_build_whose_inputs_change_while_it_runs_keeps_nothing(tmp_path, capsys, monkeypatch):
    from heshu.site import publish as publish_mod
    monkeypatch.setattr(parallel, "MANY", 1)
    root = copy_project(tmp_path / "project")
    write = publish_mod.publish

    def edited_meanwhile(*args, **kwargs):
        done = write(*args, **kwargs)
        edit_claims(root, note="改于构建之中")
        return done
    monkeypatch.setattr(publish_mod, "publish", edited_meanwhile)
    assert run(root, capsys)[0] == 0
    kept = state.where(root / "site")
    assert not kept.exists() and not list(kept.parent.glob("*.tmp"))
    monkeypatch.setattr(publish_mod, "publish", write)
    status, log = run(root, capsys)  # the site was not built from this ledger: a full build, not a quick one
    assert status == 0 and QUICK not in log and kept.is_file()


def test_a_build_once_gives_the_bytes_of_a_build_that_keeps_and_keeps_nothing(tmp_path, capsys):
    once, kept = copy_project(tmp_path / "once"), copy_project(tmp_path / "kept")
    assert run(once, capsys, "--once")[0] == 0 and run(kept, capsys)[0] == 0
    assert tree_hash(once / "site") == tree_hash(kept / "site")
    assert state.where(kept / "site").is_file()
    assert not state.where(once / "site").exists() and not state.where(once / "site").with_suffix(".ledger").exists()


def test_after_a_build_once_the_next_build_is_a_full_one_and_keeps_again(tmp_path, capsys):
    root = copy_project(tmp_path / "project")
    assert run(root, capsys)[0] == 0
    kept = state.where(root / "site")
    for options, quick, keeps in ((("--once",), False, False),  # the old keep is of a site/ this build replaces
                                  ((), False, True),  # nothing kept to start from: a full build, which keeps
                                  ((), True, True)):
        edit_claims(root, verdict="misleading" if quick else "accurate", note=f"第{len(options)}次")
        status, log = run(root, capsys, *options)
        assert status == 0 and (QUICK in log) is quick and kept.is_file() is keeps
        assert tree_hash(root / "site") == full_build_of(root, tmp_path / "full", capsys)


def test_serve_refuses_once_with_the_reason(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        build.main(["--root", str(tmp_path), "--once", "serve"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "build.py: error: serve rebuilds after every edit, which --once would make full builds: leave --once out\n")
