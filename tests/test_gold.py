"""The extractor against the hand-checked reference (tests/fixtures/gold/): the bar the README reports."""
from benchmarks.evaluate import ATTRIBUTES, Score, evaluate

REQUIRED = ("value", "unit", "approx", "year", "kind")


def test_precision_recall_and_attributes_meet_the_bar():
    total = Score()
    for score in evaluate().values():
        total.add(score)
    assert total.gold > 200
    assert total.recall >= 0.98, total.misses
    assert total.precision >= 0.97, total.extras
    for attr in REQUIRED:
        assert total.accuracy(attr) >= 0.95, [w for w in total.wrong if f": {attr} " in w]
    assert set(REQUIRED) <= set(ATTRIBUTES)
