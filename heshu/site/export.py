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
    def one(item) -> str:
        return json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
    text = "[\n" + ",\n".join(map(one, data)) + "\n]" if isinstance(data, list) and data else one(data)
    return script_safe(text) + "\n"


def claims_csv(rows: list[dict]) -> bytes:
    """The claims as CSV that Excel opens right: UTF-8 with a byte-order mark, CRLF line ends."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CLAIM_COLUMNS)
    for r in rows:
        value = r["value"]
        cell = f"{plain_number(value[0])}-{plain_number(value[1])}" if isinstance(value, list) else plain_number(value)
        w.writerow([_cell(cell if c == "value" else r.get(c)) for c in CLAIM_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


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
