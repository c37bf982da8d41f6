"""The safe evaluator behind checks: table-driven from fixtures/arith.txt, and random input."""
import pytest
from hypothesis import given, settings, strategies as st

from heshu import arith
from conftest import table


@pytest.mark.parametrize("title, expr, values, tolerance, expected", table("arith.txt", 5))
def test_evaluate(title, expr, values, tolerance, expected):
    names = {k: float(v) for k, v in (pair.split("=") for pair in values.split())}
    try:
        out = arith.evaluate(expr, names, float(tolerance))
    except arith.ArithError as e:
        assert str(e) == expected
        return
    except ZeroDivisionError as e:
        assert str(e) == expected
        return
    assert ("holds" if out.holds else "fails") == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_evaluated_or_refused_never_run(text):
    try:
        arith.evaluate(text, {"a": 1.0, "b": 2.0})
    except (arith.ArithError, ZeroDivisionError):
        pass
