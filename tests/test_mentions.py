"""Which number expressions are claims: table-driven from fixtures/mentions.txt."""
import re

import pytest

from heshu.documents import clean
from heshu.mentions import scan
from conftest import table


def marked(sentence: str) -> tuple[str, list[str]]:
    return sentence.replace("[", "").replace("]", ""), re.findall(r"\[([^\]]+)\]", sentence)


@pytest.mark.parametrize("title, sentence", table("mentions.txt", 2))
def test_claims_in_sentence(title, sentence):
    text, expected = marked(sentence)
    c = clean(text)
    kept = [c.text[x.number.start:x.number.end] for x in scan(c) if x.dropped is None]
    assert kept == expected


@pytest.mark.parametrize("text, figure, reason", [
    ("## 2019年工作回顾", "2019年", "heading"),
    ("2019年，全省如此。", "2019年", "date"),
    ("推进“1331”工程。", "1331", "quoted name"),
    ("建设5G网络。", "5", "code"),
    ("第二届运动会。", "二届", "ordinal"),
    ("扎实推进三大攻坚战。", "三", "name"),
    ("打造一批企业。", "一批", "article"),
    ("提升五台山影响力。", "五台", "inside a word"),
    ("民营经济发展。总数为128。", "128", "no unit"),
])
def test_reason_a_figure_is_not_a_claim(text, figure, reason):
    c = clean(text)
    found = {c.text[x.number.start:x.number.end]: x.dropped for x in scan(c)}
    assert found[figure] == reason


@pytest.mark.parametrize("text, figures", [
    ("全省新建" + "学校120所、" * 600 + "医院3家。", ["120所"] * 600 + ["3家"]),
    ("全" * 995 + "12345678个" + "全" * 100 + "。", ["12345678个"]),  # no mark: cut before the figure, not in it
], ids=["a table read as one sentence", "no clause mark"])
def test_a_sentence_past_the_longest_is_read_in_parts_and_every_figure_whole(text, figures):
    c = clean(text)
    kept = [x for x in scan(c) if x.dropped is None]
    assert [c.text[x.number.start:x.number.end] for x in kept] == figures
    assert all(end - start <= 1000 for start, end in (x.sentence for x in kept))
