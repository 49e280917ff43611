"""Allocation and showback: on the demo (every month's lines add up to the bill, recomputed in SQL; Team/team
and environment/env merge), on a small hand-made FOCUS bill whose splits are worked out by hand, and on the
real FOCUS sample."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from balise.errors import BadSourceError
from balise.reference.fx import Rates
from balise.services import allocation
from balise.services.ingest import ingest
from balise.services.workspace import Workspace

SAMPLE = "focus/focus-1.0/focus_sample.csv"


def sql(ws: Workspace, tenant: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute(f"CREATE VIEW f AS SELECT *, strftime(ChargePeriodStart, '%Y-%m') AS month "
                f"FROM read_parquet({[str(p) for p in ws.live_files(tenant)]})")
    return con


def eur_by(con: duckdb.DuckDBPyConnection, rates: Rates, key: str, where: str = "true") -> dict[Any, float]:
    """EffectiveCost in EUR per (month, key expression), each month at its own rate."""
    out: dict[Any, float] = {}
    for month, k, cur, cost in con.execute(f"SELECT month, {key}, BillingCurrency, sum(EffectiveCost) FROM f "
                                           f"WHERE {where} GROUP BY ALL").fetchall():
        out[(month, k)] = out.get((month, k), 0.0) + float(cost) / rates.rate(cur, month).per_eur
    return out


TEAM = ("lower(trim(coalesce(nullif(trim(json_extract_string(Tags, '$.team')), ''), "
        "nullif(trim(json_extract_string(Tags, '$.Team')), ''))))")


def test_demo_showback_adds_up_to_the_bill_every_month(demo: Workspace, rates: Rates) -> None:
    s = allocation.showback(demo, "demo", "team", start="2025-11", end="2026-10", rates=rates)
    con = sql(demo, "demo")
    bill = {m: v for (m, _), v in eur_by(con, rates, "1").items()}
    assert s.months == sorted(bill) and len(s.months) == 12
    for month in s.months:
        lines = s.month_lines(month)
        assert sum(x.total for x in lines) == pytest.approx(bill[month], abs=1e-6)  # nothing lost or doubled
        assert s.bill[month] == pytest.approx(bill[month], abs=1e-6)
        assert [x.value for x in lines][-1] is None  # the untagged line closes each month
    # team values are lower-case: "Team" (Azure dev VMs) merged into "team"
    assert set(s.values()) == {"web", "data", "platform", "support"}
    direct = {(x.month, x.value): x.direct for x in s.lines}
    expected = eur_by(con, rates, TEAM)
    for (month, team), cost in expected.items():
        assert direct[(month, team)] == pytest.approx(cost, abs=1e-6), (month, team)
    # the Team-spelled rows do reach a team
    capital = eur_by(con, rates, "lower(json_extract_string(Tags, '$.Team'))", "json_extract_string(Tags, '$.Team') IS NOT NULL")
    assert capital and all(v > 0 for v in capital.values())
    assert {k for _, k in capital} <= {"web", "data", "platform", "support"}


def test_demo_env_alias(demo: Workspace, rates: Rates) -> None:
    s = allocation.showback(demo, "demo", "env", month="2026-10", rates=rates)
    con = sql(demo, "demo")
    env = ("lower(trim(coalesce(nullif(trim(json_extract_string(Tags, '$.env')), ''), "
           "nullif(trim(json_extract_string(Tags, '$.environment')), ''))))")
    assert con.execute("SELECT count(*) FROM f WHERE json_extract_string(Tags, '$.environment') IS NOT NULL "
                       "AND json_extract_string(Tags, '$.env') IS NULL").fetchone()[0] > 0  # the OVHcloud spelling
    expected = {k: v for (m, k), v in eur_by(con, rates, env, "month = '2026-10'").items()}
    got = {x.value: x.direct for x in s.lines}
    assert got.keys() == expected.keys()
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, abs=1e-6)


# --- a small bill, splits by hand ---------------------------------------------------------------------------

HEADER = ("BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,"
          "ChargeCategory,BilledCost,EffectiveCost,ListCost,ContractedCost,ProviderName,ServiceName,ServiceCategory,"
          "ResourceId,Tags")


def row(month: str, category: str, cost: float, service: str, resource: str, tags: str, cur: str = "EUR") -> str:
    nxt = {"2026-03": "2026-04", "2026-04": "2026-05"}[month]
    tags_csv = '"' + tags.replace('"', '""') + '"' if tags else ""
    return (f"acct-{cur},{cur},{month}-01T00:00:00Z,{nxt}-01T00:00:00Z,{month}-01T00:00:00Z,{month}-02T00:00:00Z,"
            f"{category},{cost},{cost},{cost},{cost},Acme,{service},Compute,{resource},{tags_csv}")


BILL = [
    row("2026-03", "Usage", 600, "VM", "vm-web", '{"team": "web", "env": "Prod"}'),
    row("2026-03", "Usage", 400, "VM", "vm-data", '{"Team": "Data", "environment": "prod"}'),
    row("2026-03", "Usage", 200, "CDN", "cdn", '{"team": "web", "env": "production"}'),
    row("2026-03", "Usage", 100, "Storage", "bucket", ""),
    row("2026-03", "Tax", 50, "VAT", "", ""),
    row("2026-04", "Usage", 300, "VM", "vm-web", '{"team": "web"}'),
    row("2026-04", "Usage", 100, "VM", "vm-data", '{"team": "data"}'),
    row("2026-04", "Usage", 40, "Storage", "bucket", "{}"),
    row("2026-04", "Usage", 116, "VM", "vm-data-us", '{"team": "data"}', cur="USD"),
]

CONFIG = """\
keys:
  team: {aliases: []}
shared:
  - name: cdn
    key: team
    filter: {services: [CDN]}
    split: fixed
    percentages: {web: 70, data: 30}
  - name: rest
    key: team
    filter: {untagged: true}
    split: proportional
"""


@pytest.fixture
def small(ws: Workspace, tmp_path: Path) -> Workspace:
    path = tmp_path / "bill.csv"
    path.write_text("\n".join([HEADER, *BILL]) + "\n")
    ingest(ws, [path], "small")
    return ws


def lines(s: allocation.Showback, month: str) -> dict[str | None, tuple[float, float]]:
    return {x.value: (round(x.direct, 6), round(x.shared, 6)) for x in s.month_lines(month)}


def test_without_configuration_untagged_stays_untagged(small: Workspace, rates: Rates) -> None:
    s = allocation.showback(small, "small", "team", month="2026-03", rates=rates)
    # web: vm-web 600 + cdn 200; data: vm-data ("Team": "Data") 400; untagged: bucket 100 + VAT 50
    assert lines(s, "2026-03") == {"web": (800.0, 0.0), "data": (400.0, 0.0), None: (150.0, 0.0)}
    env = allocation.showback(small, "small", "env", month="2026-03", rates=rates)
    # "Prod", "prod" (under the alias environment) and "production" (default mapping) are one value
    assert lines(env, "2026-03") == {"prod": (1200.0, 0.0), None: (150.0, 0.0)}


def test_fixed_then_proportional_splits_by_hand(small: Workspace, rates: Rates, tmp_path: Path) -> None:
    cfg = tmp_path / "alloc.yaml"
    cfg.write_text(CONFIG)
    allocation.import_config(small, "small", cfg)
    s = allocation.showback(small, "small", "team", start="2026-03", end="2026-04", rates=rates)
    # March: direct web 600, data 400 (the CDN is shared now). CDN 200 fixed 70/30: web 140, data 60.
    # Untagged 150 (bucket + VAT) proportional to direct 600:400: web 90, data 60.
    assert lines(s, "2026-03") == {"web": (600.0, 230.0), "data": (400.0, 120.0), None: (0.0, 0.0)}
    assert sum(x.total for x in s.month_lines("2026-03")) == pytest.approx(1350.0)
    march = {x.value: x.by_rule for x in s.month_lines("2026-03")}
    assert march["web"] == pytest.approx({"cdn": 140.0, "rest": 90.0})
    # April: the USD row converts at April's ECB rate; untagged 40 splits 300 : data's direct
    usd = 116 / rates.rate("USD", "2026-04").per_eur
    data_direct = 100 + usd
    april = lines(s, "2026-04")
    assert april["web"] == pytest.approx((300.0, 40 * 300 / (300 + data_direct)))
    assert april["data"] == pytest.approx((data_direct, 40 * data_direct / (300 + data_direct)))
    assert sum(x.total for x in s.month_lines("2026-04")) == pytest.approx(440 + usd)
    assert [r.currency for r in s.rates] == ["USD"]


def test_even_split_among_named_values(small: Workspace, rates: Rates, tmp_path: Path) -> None:
    cfg = tmp_path / "even.yaml"
    cfg.write_text("shared:\n  - {name: rest, key: team, filter: {untagged: true}, split: even, "
                   "among: [web, data, ops]}\n")
    allocation.import_config(small, "small", cfg)
    s = allocation.showback(small, "small", "team", month="2026-03", rates=rates)
    # 150 untagged, a third each, including "ops" which spent nothing directly
    assert lines(s, "2026-03") == {"web": (800.0, 50.0), "data": (400.0, 50.0), "ops": (0.0, 50.0),
                                   None: (0.0, 0.0)}


def test_config_errors_are_located_and_change_nothing(small: Workspace, tmp_path: Path) -> None:
    good = tmp_path / "alloc.yaml"
    good.write_text(CONFIG)
    allocation.import_config(small, "small", good)
    bad = tmp_path / "bad.yaml"
    bad.write_text(CONFIG.replace("{web: 70, data: 30}", "{web: 70, data: 20}"))
    with pytest.raises(BadSourceError) as e:
        allocation.import_config(small, "small", bad)
    assert str(e.value).startswith(f"{bad}:8:18: the percentages add up to 90, not 100")
    bad.write_text(CONFIG.replace("split: proportional", "split: pro-rata"))
    with pytest.raises(BadSourceError) as e:
        allocation.import_config(small, "small", bad)
    assert str(e.value).startswith(f"{bad}:12:12") and "proportional, even, fixed" in str(e.value)
    bad.write_text(CONFIG.replace("filter: {untagged: true}", "filter: {untaged: true}"))
    with pytest.raises(BadSourceError) as e:
        allocation.import_config(small, "small", bad)
    assert str(e.value).startswith(f"{bad}:11:14") and "'untaged'" in str(e.value)
    view = allocation.show_config(small, "small")
    assert not view.default and view.source == CONFIG  # the good one is still there
    assert allocation.reset_config(small, "small") and allocation.show_config(small, "small").default


def test_xlsx_has_the_lines_in_a_money_format(small: Workspace, rates: Rates, tmp_path: Path) -> None:
    cfg = tmp_path / "alloc.yaml"
    cfg.write_text(CONFIG)
    allocation.import_config(small, "small", cfg)
    s = allocation.showback(small, "small", "team", month="2026-03", rates=rates)
    out = tmp_path / "showback.xlsx"
    allocation.write_xlsx(s, out, {"sheet_lines": "Showback", "sheet_summary": "By month", "month": "Month",
                                   "direct": "Direct", "shared": "Shared", "total": "Total",
                                   "untagged": "(untagged)", "bill": "Bill", "rates": "Rates: "})
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        summary = z.read("xl/worksheets/sheet2.xml").decode()
        styles = z.read("xl/styles.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    values = [float(v) for v in re.findall(r"<v>([0-9.]+)</v>", sheet) if "." in v or float(v) > 50]
    assert {600.0, 230.0, 830.0, 400.0, 120.0, 520.0} <= set(values)  # direct, shared, total of web and data
    assert 'formatCode="#,##0.00 &quot;€&quot;"' in styles
    assert "web" in strings and "(untagged)" in strings and "Bill" in strings
    assert "<v>1350</v>" in summary  # the bill total row


# --- the real FOCUS sample --------------------------------------------------------------------------------

def test_focus_sample_showback(ws: Workspace, shared_data: Path, rates: Rates) -> None:
    ingest(ws, [shared_data / SAMPLE], "sample")
    con = sql(ws, "sample")
    total = eur_by(con, rates, "1")[("2024-09", 1)]
    # the sample's own keys: "environment" (alias of env) on most tagged rows, "env" on a few
    s = allocation.showback(ws, "sample", "env", month="2024-09", rates=rates)
    assert sum(x.total for x in s.lines) == pytest.approx(total, abs=1e-9)
    env = ("lower(trim(coalesce(nullif(trim(json_extract_string(Tags, '$.env')), ''), "
           "nullif(trim(json_extract_string(Tags, '$.environment')), ''))))")
    expected = {k: v for (_, k), v in eur_by(con, rates, env).items()}
    got = {x.value: x.direct for x in s.lines}
    assert set(got) == set(expected) and {"prod", "dev"} <= set(got)
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, abs=1e-9)
    # by team: the sample has no such key: everything is on the untagged line
    t = allocation.showback(ws, "sample", "team", month="2024-09", rates=rates)
    assert [(x.value, round(x.total, 9)) for x in t.lines] == [(None, round(total, 9))]
