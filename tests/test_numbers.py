"""The number reader, table-driven from fixtures/numbers.txt."""
import pytest

from heshu.numbers import read_number, tables
from conftest import table


def first_figure(text: str) -> int:
    numerals = tables().numeral_chars
    return next(i for i, ch in enumerate(text) if ch.isdigit() or ch in numerals)  # 百分之 starts with a numeral too


def expected_value(cell: str):
    if ".." in cell:
        low, high = cell.split("..")
        return (float(low), float(high))
    return float(cell)


@pytest.mark.parametrize("title, text, value, unit, approx, span", table("numbers.txt", 6))
def test_read_number(title, text, value, unit, approx, span):
    n = read_number(text, first_figure(text))
    if value == "-":
        assert n is None
        return
    assert n is not None, f"nothing read from {text!r}"
    got = tuple(float(v) for v in n.value) if isinstance(n.value, tuple) else float(n.value)
    assert got == expected_value(value)
    assert (n.unit, n.approx, text[n.start:n.end]) == (unit, approx, span)


def test_values_are_exact_decimals():
    # 23.9 × 10000 in binary floating point is 239000.00000000003
    assert read_number("23.9万", 0).value == 239000
    assert isinstance(read_number("1704.85亿元", 0).value, int)
    assert read_number("0.35万", 0).value == 3500
