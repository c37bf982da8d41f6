"""The README stays true: its commands, the ledger's fields, and the link tables of the seed reports."""
import re

import build
from heshu import ledger, report
from heshu.links import evaluate
from heshu.project import Project, load_corpus
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def link_tables() -> str:
    """The section of the README between the link-tables markers, as the ledger gives it now."""
    links = evaluate(ledger.load(ROOT / "claims.yaml"), load_corpus(Project(ROOT)).docs)
    return "\n".join(["", "Series:", "", *report.series_table(links), "", "Checks:", "", *report.checks_table(links),
                      "", "<details><summary>Targets</summary>", "", *report.targets_table(links), "",
                      "</details>", ""])


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```\n(.*?)\n```", README, re.S)
    assert blocks[0] == "pip install -e . && python build.py"
    assert blocks[1] == "pip install -e '.[test]' && pytest"


def test_every_command_is_documented():
    commands = build.parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`python build.py {name}`" in README


def test_every_option_of_the_command_line_is_documented():
    options = [o for a in build.parser()._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
    assert options
    for option in options:
        assert f"`python build.py {option}" in README


def test_every_ledger_field_is_documented():
    for name in (*ledger.CLAIM_ORDER, *ledger.SERIES_ORDER, *ledger.CHECK_ORDER):
        assert f"`{name}`" in README


def test_the_link_tables_are_current():
    section = README.split("<!-- link-tables")[1].split("-->", 1)[1].split("<!-- end link-tables -->")[0]
    assert section == link_tables()


if __name__ == "__main__":  # python tests/test_readme.py: rewrite the README's link tables
    head, rest = README.split("<!-- link-tables", 1)
    marker, rest = rest.split("-->", 1)
    tail = rest.split("<!-- end link-tables -->", 1)[1]
    (ROOT / "README.md").write_text(f"{head}<!-- link-tables{marker}-->{link_tables()}<!-- end link-tables -->{tail}",
                                    encoding="utf-8")
