"""FIN-040 spikes, FIN-041 drifts and FIN-060 untagged spend on the demo company's planted scenarios.

Oracle: docs/demo-company.md ("Spend anomaly", "Tags", "Taxes and credits") and plain DuckDB SQL over the
generated bills."""

from __future__ import annotations

import pytest

from balise.domain.findings import Finding, Severity, Status
from balise.rules import engine
from balise.rules.builtin import default_registry
from balise.rules.policy import Policy, parse
from balise.services.context import rule_context

REG = default_registry()
AML = "Azure Machine Learning"


def findings(demo, month: str | None, code: str, policy: Policy | None = None) -> list[Finding]:
    ctx = rule_context(demo.ws, "demo", month)
    run = engine.run(ctx, REG, policy, codes=[code])
    assert all(r.ok for r in run.rules), run.rules
    return run.findings


# --- FIN-040 -------------------------------------------------------------------------------------------------

def test_the_planted_gpu_spike_is_found_with_its_figures(demo) -> None:
    (f,) = findings(demo, "2026-07", "FIN-040")
    e = f.evidence
    assert (f.status, f.subject.kind, f.subject.id) == (Status.FAIL, "anomaly", f"{AML}|EUR|2026-07-13")
    assert (e["service"], e["currency"], e["start"], e["end"], e["days"]) == (AML, "EUR", "2026-07-13", "2026-07-16", 4)
    # docs/anomalies-and-forecast.md, "What the demo company shows"
    assert (e["expected"], e["actual"], e["excess"], e["excess_eur"]) == (148.29, 976.15, 827.86, 827.86)
    # independent: each day's service total, and the median of the same weekday over the four weeks before
    days = demo.sql(f"""
        WITH daily AS (SELECT CAST(ChargePeriodStart AS DATE) AS d, sum(EffectiveCost) AS c FROM BILLS
                       WHERE ServiceName = '{AML}' GROUP BY 1)
        SELECT a.d, a.c, (SELECT median(b.c) FROM daily b WHERE b.d IN (a.d - 7, a.d - 14, a.d - 21, a.d - 28))
        FROM daily a WHERE a.d BETWEEN DATE '2026-07-13' AND DATE '2026-07-16' ORDER BY 1""")
    assert [(x["day"], x["actual"]) for x in e["daily"]] == [(str(d), round(c, 2)) for d, c, _ in days]
    assert e["expected"] == pytest.approx(sum(med for *_, med in days), abs=0.01)
    assert all(x["actual"] > 5 * x["expected"] for x in e["daily"])
    top = e["contributors"][0]
    assert top["resource_name"] == "gpu-train-cluster" and top["excess"] == pytest.approx(e["excess"], rel=0.01)
    ((owner,),) = demo.sql("SELECT DISTINCT json_extract_string(Tags, '$.owner') FROM BILLS "
                           "WHERE ResourceName = 'gpu-train-cluster'")
    assert f.owner == owner and owner
    assert f.severity == Severity.MEDIUM  # 827.86 € is between medium_eur 200 and high_eur 1000
    assert f.monthly_saving_eur is None  # an alert, not a saving
    assert f.title.render("en") == (f"Spend spike on {AML}: €976.15 instead of about €148.29 from 2026-07-13 to "
                                    "2026-07-16")
    assert "976,15\u00a0€ au lieu d'environ 148,29\u00a0€" in f.title.render("fr")
    assert "gpu-train-cluster" in f.remediation.render("en")
    assert e["period"] == {"start": "2026-05-01", "end": "2026-07-31"}


@pytest.mark.parametrize("month", ["2026-06", "2026-10"])
def test_windows_without_the_spike_do_not_report_it(demo, month: str) -> None:
    assert findings(demo, month, "FIN-040") == []


def test_a_window_still_overlapping_the_spike_reports_the_same_finding(demo) -> None:
    (july,) = findings(demo, "2026-07", "FIN-040")
    (sept,) = findings(demo, "2026-09", "FIN-040")  # window 2026-07..2026-09
    assert sept.fingerprint == july.fingerprint and sept.evidence["excess"] == july.evidence["excess"]


def test_spike_severity_follows_the_policy(demo) -> None:
    pol = parse("rules:\n  FIN-040:\n    params: {high_eur: 800}\n", "p.yaml", REG)
    (f,) = findings(demo, "2026-07", "FIN-040", pol)
    assert f.severity == Severity.HIGH
    pol = parse("rules:\n  FIN-040:\n    params: {min_excess: 1000}\n", "p.yaml", REG)
    assert findings(demo, "2026-07", "FIN-040", pol) == []  # 244 − 40 € a day is below 1,000 € a day


# --- FIN-041 -------------------------------------------------------------------------------------------------

def test_the_end_of_the_startup_credits_is_a_drift_once_small_changes_count(demo) -> None:
    """Scaleway's −300 € a month credit ends after January 2026: the Credits (EUR) series goes from −300/31 €
    a day to 0 on 1 February (+9.68 € a day, under the default min_change of 10 € a day)."""
    assert findings(demo, "2026-03", "FIN-041") == []
    pol = parse("rules:\n  FIN-041:\n    params: {min_change: 5}\n", "p.yaml", REG)
    (f,) = findings(demo, "2026-03", "FIN-041", pol)
    e = f.evidence
    ((credit,),) = demo.sql("SELECT sum(EffectiveCost) FROM BILLS WHERE ChargeCategory = 'Credit' "
                            "AND BillingCurrency = 'EUR' AND strftime(ChargePeriodStart, '%Y-%m') = '2026-01'")
    assert credit == pytest.approx(-300.0)
    assert (e["service"], e["since"], e["confirmed"]) == ("Credits", "2026-02-01", "2026-02-21")
    assert (e["before_per_day"], e["after_per_day"]) == (round(credit / 31, 2), 0.0)
    assert e["change_per_month"] == round(-credit / 31 * 365.25 / 12, 2)
    assert f.severity == Severity.LOW and f.subject.id == "Credits|EUR|up"
    assert "since 2026-02-01" in f.title.render("en")
    # a window whose weeks after February 1st are not all in it does not see the drift start
    assert findings(demo, "2026-07", "FIN-041", pol) == []


def test_the_steady_demo_services_do_not_drift(demo) -> None:
    assert findings(demo, None, "FIN-041") == []


# --- FIN-060 -------------------------------------------------------------------------------------------------

UNTAGGED = """
    SELECT sum(CASE WHEN Tags IS NULL OR NOT list_contains(list_transform(json_keys(Tags::JSON), lambda k: lower(k)),
                                                           '{key}') THEN eur ELSE 0 END), sum(eur)
    FROM (SELECT *, EffectiveCost / CASE BillingCurrency WHEN 'USD' THEN {usd} ELSE 1 END AS eur FROM BILLS)
    WHERE ChargeCategory = 'Usage' AND strftime(ChargePeriodStart, '%Y-%m') BETWEEN '2026-08' AND '2026-10'"""


def test_untagged_spend_matches_plain_sql(demo) -> None:
    ctx = rule_context(demo.ws, "demo")
    usd = ctx.rates.rate("USD", "2026-10").per_eur
    ((untagged, total),) = demo.sql(UNTAGGED.format(key="team", usd=usd))
    (f,) = findings(demo, None, "FIN-060")
    e = f.evidence
    assert e["untagged_eur"] == pytest.approx(untagged, abs=0.01) and e["usage_eur"] == pytest.approx(total, abs=0.01)
    assert e["share"] == round(untagged / total, 4) and 0.12 < e["share"] < 0.14  # ≈ 13 % (demo: 12 % untagged)
    assert (f.subject.kind, f.subject.id, f.status, f.severity) == ("tenant", "demo", Status.FAIL, Severity.MEDIUM)
    names = {r["resource_name"] for r in e["top_resources"]}
    assert "poc-migration-2024" in names  # tagged project and env only (docs/demo-company.md)
    assert set(e["without_resource_eur"]) == {"Bandwidth", "AWS Data Transfer", "Amazon Virtual Private Cloud"}
    assert f.title.render("en").startswith(f"{e['share']:.1%} of usage spend lacks the tag(s) team: €")


def test_untagged_spend_under_the_threshold_or_with_other_keys(demo) -> None:
    pol = parse("rules:\n  FIN-060:\n    params: {max_share: 0.15}\n", "p.yaml", REG)
    assert findings(demo, None, "FIN-060", pol) == []
    pol = parse("rules:\n  FIN-060:\n    params: {required_tags: [TEAM, cost-center]}\n", "p.yaml", REG)
    (f,) = findings(demo, None, "FIN-060", pol)
    usd = rule_context(demo.ws, "demo").rates.rate("USD", "2026-10").per_eur
    ((no_cc, _),) = demo.sql(UNTAGGED.format(key="cost-center", usd=usd))
    ((no_team, _),) = demo.sql(UNTAGGED.format(key="team", usd=usd))
    assert f.evidence["missing_by_key_eur"] == {"TEAM": pytest.approx(no_team, abs=0.01),  # keys: any case
                                                "cost-center": pytest.approx(no_cc, abs=0.01)}
    assert f.evidence["required_tags"] == ["TEAM", "cost-center"]
    pol = parse("rules:\n  FIN-060:\n    params: {required_tags: [env]}\n", "p.yaml", REG)
    (env,) = findings(demo, None, "FIN-060", pol)  # OVHcloud spells it `environment`: that is not `env`
    ((no_env, _),) = demo.sql(UNTAGGED.format(key="env", usd=usd))
    assert env.evidence["untagged_eur"] == pytest.approx(no_env, abs=0.01) and no_env > no_team
