"""Open data: the claims, series and checks as JSON and CSV, in stable bytes."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

CLAIM_COLUMNS = ("id", "doc", "text", "value", "unit", "approx", "year", "period", "kind", "measure", "subject",
                 "verdict", "reviewed", "quote", "url")


def plain_number(v) -> str:
    """A number without exponent or trailing zeros: 52000000000, 3.25."""
    d = Decimal(str(v)).normalize()
    return format(d, "f")


SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
               **{c: f"\\u{ord(c):04x}" for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}}


def script_safe(text: str) -> str:
    """JSON text with the characters of SCRIPT_SAFE escaped (one pass per character: quicker than translate)."""
    for c, escaped in SCRIPT_SAFE.items():
        if c in text:
            text = text.replace(c, escaped)
    return text


def dumps(data) -> str:
    """JSON that is the same data, but safe even if a page inlines it: <, >, & and direction controls escaped.

    A list is written one item per line (easy to diff, and quick: Python's C encoder does not indent).
    """
    return json_list([json_item(item) for item in data]) if isinstance(data, list) and data else json_item(data) + "\n"


def json_item(item) -> str:
    """One item of a list as dumps() writes it."""
    return script_safe(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str))


def json_list(items: list[str]) -> str:
    """A list as dumps() writes it, from its items as json_item() writes them."""
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"


def claim_csv_row(r: dict) -> str:
    """One claim as a row of claims.csv."""
    value = r["value"]
    cell = f"{plain_number(value[0])}-{plain_number(value[1])}" if isinstance(value, list) else plain_number(value)
    return _csv_row([_cell(cell if c == "value" else r.get(c)) for c in CLAIM_COLUMNS])


def claims_csv(rows: list[str]) -> bytes:
    """The claims as CSV that Excel opens right (UTF-8 with a byte-order mark, CRLF line ends), from its rows
    as claim_csv_row() writes them."""
    return ("\ufeff" + _csv_row(list(CLAIM_COLUMNS)) + "".join(rows)).encode("utf-8")


def _csv_row(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def _cell(v) -> str:
    s = "" if v is None else str(v)
    # a cell that starts like a formula is shown as text by spreadsheets
    return "'" + s if s[:1] in ("=", "+", "-", "@") and not _numeric(s) else s


def _numeric(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False
