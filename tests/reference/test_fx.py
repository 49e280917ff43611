"""Exchange rates: the ECB history shipped as data, monthly averages, users' own files, clear errors."""

from __future__ import annotations

import csv
import io
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from balise.errors import BadSourceError, UsageError
from balise.reference.fx import ecb, from_file


def _ecb_daily(currency: str, month: str) -> list[float]:
    """The ECB file read independently of balise.reference.fx."""
    data = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rows = list(csv.DictReader(io.StringIO(z.read(z.namelist()[0]).decode())))
    return [float(r[currency]) for r in rows if r["Date"].startswith(month) and r[currency] not in ("N/A", "")]


def test_ecb_monthly_average_is_the_mean_of_the_daily_fixings() -> None:
    daily = _ecb_daily("USD", "2024-09")
    r = ecb().rate("USD", "2024-09")
    assert r.fixings == len(daily) >= 19
    assert r.per_eur == pytest.approx(sum(daily) / len(daily), rel=1e-12)
    amount, used = ecb().to_eur(1000.0, "USD", "2024-09")
    assert amount == pytest.approx(1000.0 / r.per_eur) and used == r


def test_month_without_fixings_uses_the_latest_and_says_so() -> None:
    r = ecb().rate("USD", "2099-01")
    assert r.basis_month < "2099-01" and r.month == "2099-01"
    assert "latest available" in r.describe()


def test_eur_needs_no_rate_and_unknown_currency_is_a_clear_error() -> None:
    assert ecb().to_eur(12.5, "EUR", "2026-03")[0] == 12.5
    with pytest.raises(UsageError, match="no exchange rate for XYZ"):
        ecb().rate("XYZ", "2026-03")


def test_users_rates_file(tmp_path: Path) -> None:
    f = tmp_path / "rates.csv"
    f.write_text("date,currency,rate\n2026-03-02,USD,1.10\n2026-03-03,USD,1.20\n2026-04,CHF,0,95\n")
    with pytest.raises(BadSourceError) as err:
        from_file(f)
    assert err.value.problem.line == 4 and err.value.problem.column == "rate"
    f.write_text("date,currency,rate\n2026-03-02,USD,1.10\n2026-03-03,USD,1.20\n2026-04,CHF,\"0,95\"\n")
    rates = from_file(f)
    assert rates.rate("USD", "2026-03").per_eur == pytest.approx(1.15)
    assert rates.rate("CHF", "2026-04").per_eur == pytest.approx(0.95)
    assert "rates.csv" in rates.rate("USD", "2026-03").describe()
    f.write_text("day,code,value\n")
    with pytest.raises(BadSourceError, match="lacks the column"):
        from_file(f)


def test_ecb_monthly_averages_match_a_plain_csv_reading_of_the_same_file() -> None:
    """The Arrow/numpy reader gives exactly the averages of a straightforward csv-module reading."""
    import csv
    import io
    import math
    import zipfile
    from importlib import resources

    from balise.reference.fx import ecb

    data = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        text = z.read(z.namelist()[0]).decode()
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    acc: dict[tuple[str, str], list[float]] = {}
    for rec in reader:
        for cur, val in zip(header[1:], rec[1:], strict=False):
            if cur and val.strip() and val.strip() != "N/A":
                acc.setdefault((cur, rec[0].strip()[:7]), []).append(float(val))
    rates = ecb()
    assert len(acc) > 5000
    for (cur, month), values in acc.items():
        r = rates.rate(cur, month)
        assert (r.basis_month, r.fixings) == (month, len(values)), (cur, month)
        assert math.isclose(r.per_eur, sum(values) / len(values), rel_tol=1e-12), (cur, month)
