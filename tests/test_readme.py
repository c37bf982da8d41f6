"""The README stays true: its commands and the ledger's fields are all documented."""
import re

import build
from heshu import ledger
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```\n(.*?)\n```", README, re.S)
    assert blocks[0] == "pip install -e . && python build.py"
    assert blocks[1] == "pip install -e '.[test]' && pytest"


def test_every_command_is_documented():
    commands = build.parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`python build.py {name}`" in README


def test_every_ledger_field_is_documented():
    for name in ledger.ORDER:
        assert f"| `{name}` |" in README
