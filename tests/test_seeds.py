"""Every Arabic-digit run in the seed reports is accounted for: a claim, a date, or a label."""
import re

import pytest

from heshu.mentions import scan
from heshu.project import Project, load_corpus
from conftest import ROOT

CORPUS = load_corpus(Project(ROOT))
ACCOUNTED = {None, "date", "code", "ordinal", "quoted name", "name", "heading"}


@pytest.mark.parametrize("doc_id", sorted(CORPUS.sources))
def test_every_digit_run_is_a_claim_a_date_or_a_label(doc_id):
    clean = CORPUS.sources[doc_id].clean
    candidates = scan(clean)
    unaccounted = []
    for run in re.finditer(r"\d+(?:\.\d+)?", clean.text):
        cover = [c for c in candidates if c.number.start <= run.start() < c.number.end]
        if not cover or cover[0].dropped not in ACCOUNTED:
            context = clean.text[max(0, run.start() - 10):run.end() + 6]
            unaccounted.append(f"{run.group()} in …{context}… ({cover[0].dropped if cover else 'not read'})")
    assert unaccounted == []


@pytest.mark.parametrize("doc_id", sorted(CORPUS.sources))
def test_the_raw_file_digits_all_reach_the_cleaned_text(doc_id):
    source = CORPUS.sources[doc_id]
    raw_digits = re.sub(r"\D", "", source.raw)
    assert re.sub(r"\D", "", source.clean.text) == raw_digits
