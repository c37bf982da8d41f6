"""Open data: the claims, series and checks as JSON and CSV, in stable bytes."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

CLAIM_COLUMNS = ("id", "doc", "text", "value", "unit", "approx", "year", "period", "kind", "measure", "subject",
                 "verdict", "reviewed", "quote", "url")


def plain_number(v) -> str:
    """A number without exponent or trailing zeros: 52000000000, 2.5."""
    d = Decimal(str(v)).normalize()
    return format(d, "f")


SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
               **{c: f"\\u{ord(c):04x}" for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}}


SCRIPT_SAFE_TABLE = str.maketrans(SCRIPT_SAFE)


def dumps(data) -> str:
    """JSON that is the same data, but safe even if a page inlines it: <, >, & and direction controls escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    return text.translate(SCRIPT_SAFE_TABLE) + "\n"


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
