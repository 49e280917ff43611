"""How a delimited text file is written: encoding, delimiter, decimal mark, thousands separator, date order.

French exports are common: ``;`` delimiters, decimal commas, ``1 234,56`` or ``1.234,56``, UTF-8 with a BOM
or Windows-1252. The sniffer reads the first 256 KiB and decides from the header and the values.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Literal

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")

_DOT_DECIMAL = re.compile(r"^-?\d+\.\d+(?:[eE][-+]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")
_GROUPED_COMMA = re.compile(r"^-?\d{1,3}(?:([ .\u00a0\u202f'])\d{3})+(?:,\d+)?$")
_GROUPED_DOT = re.compile(r"^-?\d{1,3}(?:(,)\d{3})+\.\d+$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True, slots=True)
class Dialect:
    encoding: Literal["utf-8", "cp1252"] = "utf-8"
    bom: bool = False
    delimiter: str = ","
    decimal: str = "."
    thousands: str | None = None
    date_order: Literal["MDY", "DMY"] = "MDY"  # only for d/m/y-style dates; ISO dates need none
    slash_dates: bool = False  # some values look like 5/1/25 or 01/05/2025

    def describe(self) -> str:
        parts = [self.encoding + (" with BOM" if self.bom else ""), f"delimiter {self.delimiter!r}",
                 f"decimal {self.decimal!r}"]
        if self.thousands:
            parts.append(f"thousands {self.thousands!r}")
        return ", ".join(parts)


def decode_sample(raw: bytes, truncated: bool = True) -> tuple[str, Literal["utf-8", "cp1252"], bool]:
    bom = raw.startswith(b"\xef\xbb\xbf")
    if bom:
        raw = raw[3:]
    try:
        # A sample may cut a multi-byte character in two at its end: drop at most 3 trailing bytes, but only
        # when the sample is cut (a whole small file ending in a Windows-1252 'é' is not UTF-8).
        for cut in range(4 if truncated else 1):
            try:
                return raw[: len(raw) - cut].decode("utf-8"), "utf-8", bom
            except UnicodeDecodeError as e:
                if e.start < len(raw) - 4:
                    raise
        raise UnicodeDecodeError("utf-8", raw, 0, 1, "undecodable")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252", False


def sniff(raw: bytes) -> tuple[Dialect, list[str]]:
    """Dialect and header of a delimited file from its first bytes."""
    text, encoding, bom = decode_sample(raw, truncated=len(raw) >= SAMPLE_BYTES)
    if len(raw) >= SAMPLE_BYTES:  # drop the last, probably cut, line
        text = text[: text.rfind("\n") + 1] or text
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=lambda d: _count_outside_quotes(first_line, d))
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in rows[0]] if rows else []
    values = [v.strip().removesuffix("€").strip() for row in rows[1:200] for v in row if v]

    dot = sum(1 for v in values if _DOT_DECIMAL.match(v))
    comma = sum(1 for v in values if _COMMA_DECIMAL.match(v))
    grouped_comma = [m.group(1) for v in values if (m := _GROUPED_COMMA.match(v)) and ("," in v or delimiter != ",")]
    grouped_dot = [v for v in values if _GROUPED_DOT.match(v)]
    decimal, thousands = ".", None
    if comma + len(grouped_comma) > dot + len(grouped_dot):
        decimal = ","
        if grouped_comma:
            thousands = max(set(grouped_comma), key=grouped_comma.count)
    elif grouped_dot:
        thousands = ","

    # A decimal comma or a ';' delimiter means a European locale: day first unless a value says otherwise.
    order: Literal["MDY", "DMY"] = "DMY" if decimal == "," or delimiter == ";" else "MDY"
    slash = False
    for v in values:
        m = _SLASH_DATE.match(v)
        if m:
            slash = True
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b:
                order = "DMY"
                break
            if b > 12 >= a:
                order = "MDY"
                break
    return Dialect(encoding, bom, delimiter, decimal, thousands, order, slash), header


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n
