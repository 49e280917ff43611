"""Commitment purchase (FIN-020) and underused commitments (FIN-021) on the demo company's AWS savings plan and
reserved instances (docs/demo-company.md, "Commitment discounts"), checked against plain SQL on the bills."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import numpy as np
import pytest
from recommend_data import daily, days, tenant_with

from balise.domain.findings import Finding, Severity
from balise.reference.fx import ecb
from balise.rules.base import Rule
from balise.rules.commitment_rules import CommitmentPurchase, CommitmentUnderused
from balise.rules.context import RuleContext
from balise.services.context import rule_context

RI = "arn:aws:ec2:eu-west-3:604185273948:reserved-instances/7f3e2a91-5c4d-4b8e-a2f1-9d6c3b8e0a47"
RI_HOUR = 0.396 * 0.62  # c6i.2xlarge on demand, amortised at 62 %


def run(rule: type[Rule], ctx: RuleContext, **params: Any) -> list[Finding]:
    return list(rule().evaluate(ctx, rule.make_params(params)))


def usd(month: str) -> float:
    return ecb().rate("USD", month).per_eur


# --- FIN-021 ----------------------------------------------------------------------------------------------------

def test_the_reservation_is_underused_in_april_2026(demo: Any) -> None:
    (f,) = run(CommitmentUnderused, rule_context(demo.ws, "demo", "2026-04"))
    assert f.subject.kind == "commitment" and f.subject.id == RI and f.subject.name == "ri-c6i-2xlarge-batch"
    # 4 workers ran 8 of the 24 reserved hours on each of April's 30 days
    used, unused = 30 * 4 * 8 * RI_HOUR, 30 * 4 * 16 * RI_HOUR
    assert f.evidence["utilisation"] == pytest.approx(1 / 3, abs=1e-4)
    assert f.evidence["used"]["amount"] == pytest.approx(used, abs=0.01)  # 235.70 $
    assert f.evidence["unused"]["amount"] == pytest.approx(unused, abs=0.01)  # 471.40 $
    assert f.monthly_saving_eur == pytest.approx(unused / usd("2026-04"), abs=0.01)
    assert f.severity == Severity.HIGH  # below 50 %
    assert f.title.render("en") == ("Commitment ri-c6i-2xlarge-batch used at 33% in 2026-04: US$471.40 paid "
                                    "for nothing")
    assert f.owner == "julie.rousseau@atelier-durand.fr"  # the commitment's own owner tag


def test_the_plain_sql_utilisation_agrees(demo: Any) -> None:
    ((used, total),) = demo.sql(f"""
        SELECT sum(EffectiveCost) FILTER (WHERE CommitmentDiscountStatus = 'Used'), sum(EffectiveCost)
        FROM BILLS WHERE ChargeCategory = 'Usage' AND CommitmentDiscountId = '{RI}'
              AND strftime(ChargePeriodStart, '%Y-%m') = '2026-04'""")
    (f,) = run(CommitmentUnderused, rule_context(demo.ws, "demo", "2026-04"))
    assert f.evidence["utilisation"] == pytest.approx(used / total, abs=1e-4)


def test_nothing_is_underused_in_october_2026(demo: Any) -> None:
    assert run(CommitmentUnderused, rule_context(demo.ws, "demo", "2026-10")) == []
    assert run(CommitmentUnderused, rule_context(demo.ws, "demo", "2026-02")) == []  # before the slowdown


def test_three_months_to_may(demo: Any) -> None:
    (f,) = run(CommitmentUnderused, rule_context(demo.ws, "demo", "2026-05"), months=3)
    # March and April at 8 hours a day, May at 24: 4 × (31×8 + 30×8 + 31×24) of 4 × 92 × 24 hours
    assert f.evidence["months"] == ["2026-03", "2026-04", "2026-05"]
    assert f.evidence["utilisation"] == pytest.approx((31 * 8 + 30 * 8 + 31 * 24) / (92 * 24), abs=1e-4)
    unused_a_month = (31 + 30) * 4 * 16 * RI_HOUR / 3
    assert f.monthly_saving_eur == pytest.approx(unused_a_month / usd("2026-05"), abs=0.01)
    assert f.severity == Severity.MEDIUM  # 56 %
    assert run(CommitmentUnderused, rule_context(demo.ws, "demo", "2026-05")) == []  # May alone: fully used


def test_the_threshold(demo: Any) -> None:
    ctx = rule_context(demo.ws, "demo", "2026-04")
    assert run(CommitmentUnderused, ctx, threshold=0.33) == []
    assert len(run(CommitmentUnderused, ctx, threshold=0.34)) == 1


# --- FIN-020 ----------------------------------------------------------------------------------------------------

def on_demand_days(demo: Any, provider: str) -> np.ndarray:
    rows = demo.sql(f"""
        SELECT ChargePeriodStart::DATE AS d, sum(EffectiveCost) FROM BILLS
        WHERE ChargeCategory = 'Usage' AND CommitmentDiscountId IS NULL AND PricingCategory = 'Standard'
              AND ServiceCategory = 'Compute' AND ProviderName = '{provider}'
              AND ChargePeriodStart >= TIMESTAMP '2026-10-02' AND ChargePeriodStart < TIMESTAMP '2026-11-01'
        GROUP BY d ORDER BY d""")
    assert len(rows) == 30
    return np.array([c for _, c in rows])


def test_a_stable_on_demand_baseline_on_aws_and_azure(demo: Any) -> None:
    found = {f.subject.provider: f for f in run(CommitmentPurchase, rule_context(demo.ws, "demo"))}
    assert set(found) == {"aws", "azure"}  # OVHcloud and Scaleway are not in the default providers
    for provider, name, currency in (("aws", "AWS", "USD"), ("azure", "Microsoft", "EUR")):
        daily_cost = on_demand_days(demo, name)
        baseline = float(np.quantile(daily_cost, 0.10))
        f = found[provider]
        assert f.evidence["currency"] == currency
        assert f.evidence["period"] == {"start": "2026-10-02", "end": "2026-10-31"}
        assert f.evidence["daily_on_demand"]["baseline"] == pytest.approx(baseline, abs=0.01)
        assert f.evidence["commitment_hourly"]["amount"] == pytest.approx(baseline / 24 * 0.72, abs=0.01)
        monthly = baseline / 24 * 0.28 * 730
        rate = usd("2026-10") if currency == "USD" else 1.0
        assert f.monthly_saving_eur == pytest.approx(monthly / rate, abs=0.01)
        assert f.evidence["break_even_utilisation"] == 0.72 and f.evidence["break_even_months"] == 0
        assert f.owner == "FinOps lead"
    # AWS: weekdays about 125 $, weekends about 75 $; the p10 is a weekend day
    assert 70 < found["aws"].evidence["daily_on_demand"]["baseline"] < 80


def test_upfront_payment_breaks_even_later(demo: Any) -> None:
    f = next(x for x in run(CommitmentPurchase, rule_context(demo.ws, "demo"), upfront=1.0)
             if x.subject.provider == "aws")
    assert f.evidence["break_even_months"] == pytest.approx(12 * 0.72)
    baseline = f.evidence["daily_on_demand"]["baseline"]  # the whole term's commitment, paid at purchase
    assert f.evidence["upfront_payment"]["amount"] == pytest.approx(baseline / 24 * 0.72 * 730 * 12, rel=1e-4)


def test_other_providers_when_asked(demo: Any) -> None:
    found = run(CommitmentPurchase, rule_context(demo.ws, "demo"), providers=["ovhcloud"])
    assert [f.subject.provider for f in found] == ["ovhcloud"]


OCT31 = date(2026, 10, 31)


@pytest.fixture(scope="module")
def unstable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RuleContext]:
    # a VM on 20 of the last 30 days (on-demand spend falls to 0 on ten days), and a small steady one
    rows = [*daily("arn:aws:ec2:eu-west-3:1:instance/i-01", "sometimes", "Virtual Machine",
                   days(date(2026, 10, 12), OCT31), 48.0, 24, "Hours"),
            *daily("arn:aws:ec2:eu-west-3:1:instance/i-02", "small", "Virtual Machine",
                   days(date(2026, 10, 1), OCT31), 1.2, 24, "Hours", account="222233334444")]
    ws = tenant_with(tmp_path_factory.mktemp("unstable"), rows)
    try:
        yield rule_context(ws, "t")
    finally:
        ws.close()


def test_no_commitment_for_spend_that_stops(unstable: RuleContext) -> None:
    # the p10 of the 30 days is the small VM alone, 1.2 € a day: 1.2 / 24 × 0.28 × 730 = 10.22 € a month
    assert run(CommitmentPurchase, unstable) == []  # below the 50 € default
    (f,) = run(CommitmentPurchase, unstable, min_monthly_saving_eur=0.0)
    assert f.evidence["daily_on_demand"]["baseline"] == pytest.approx(1.2)
    assert f.monthly_saving_eur == pytest.approx(1.2 / 24 * 0.28 * 730, abs=0.01)
    # over the last 20 days the big VM runs every day: its minimum is both VMs
    (g,) = run(CommitmentPurchase, unstable, min_monthly_saving_eur=0.0, days=20, percentile=0.0)
    assert g.evidence["daily_on_demand"]["baseline"] == pytest.approx(49.2)


# --- the FOCUS 1.0 sample ---------------------------------------------------------------------------------------

def test_the_focus_sample_gives_no_commitment_finding(shared_data: Any, tmp_path: Any) -> None:
    import csv

    from balise.services.ingest import ingest
    from balise.services.workspace import open_workspace

    path = shared_data / "focus" / "focus-1.0" / "focus_sample.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    on_demand: dict[str, float] = {}
    for r in rows:
        if (r["ServiceCategory"], r["ChargeCategory"], r["PricingCategory"]) == ("Compute", "Usage", "Standard") \
                and r["CommitmentDiscountId"] in ("NULL", "") and r["ChargePeriodStart"] >= "2024-09-01":
            on_demand[r["ChargePeriodStart"][:10]] = on_demand.get(r["ChargePeriodStart"][:10], 0.0) + \
                float(r["EffectiveCost"])
    # its on-demand compute rows have an EffectiveCost of 0 on most September days: the p10 is 0
    assert sum(1 for v in on_demand.values() if v == 0) >= 3
    commitment = [r for r in rows if r["CommitmentDiscountId"] not in ("NULL", "")]  # the file writes both
    # four savings-plan rows, all Used, EffectiveCost 0, none Unused: utilisation is undefined, not low
    assert len(commitment) == 4 and {r["CommitmentDiscountStatus"] for r in commitment} == {"Used"}
    assert sum(float(r["EffectiveCost"]) for r in commitment) == 0
    ws = open_workspace(tmp_path / "ws")
    try:
        ingest(ws, [path], "sample")
        ctx = rule_context(ws, "sample")
        assert run(CommitmentPurchase, ctx, min_monthly_saving_eur=0.0) == []
        assert run(CommitmentUnderused, ctx, min_unused_eur=0.0) == []
    finally:
        ws.close()
