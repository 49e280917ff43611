"""Rightsizing (FIN-010) on the demo company with its utilisation samples, and on planted VMs for the other
paths (a type the catalog lacks, a VM that runs part-time, no samples). Prices are the catalog rows of
src/balise/reference/data/offers-eu-2026.csv; percentiles are recomputed from the samples with numpy."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from recommend_data import copy_workspace, daily, days, tenant_with

from balise.demo.utilisation import write_csv
from balise.domain.findings import Finding, Status
from balise.reference.fx import ecb
from balise.reference.offers import default_catalog
from balise.rules.context import RuleContext
from balise.rules.rightsizing import Rightsizing, family
from balise.services.context import rule_context
from balise.services.utilisation import import_csv


def run(ctx: RuleContext, **params: Any) -> list[Finding]:
    return list(Rightsizing().evaluate(ctx, Rightsizing.make_params(params)))


def price(name: str) -> float:
    offer = default_catalog().find("aws", name)
    assert offer is not None
    return offer.price_eur_month


@pytest.fixture(scope="module")
def demo_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv(tmp_path_factory.mktemp("util") / "demo-utilisation.csv")


@pytest.fixture(scope="module")
def demo_ctx(demo: Any, demo_samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RuleContext]:
    """The demo with its utilisation imported, as `balise demo` does (in a copy of the shared workspace)."""
    ws = copy_workspace(demo.ws, tmp_path_factory.mktemp("rightsizing") / "ws")
    import_csv(ws, "demo", demo_samples)
    try:
        yield rule_context(ws, "demo")
    finally:
        ws.close()


def p95(samples: Path, name: str, column: str) -> float:
    with samples.open(newline="") as f:
        values = [float(r[column]) / 100 for r in csv.DictReader(f) if r["resource_name"] == name]
    return float(np.percentile(values, 95))  # linear interpolation, as DuckDB's quantile_cont


def test_the_oversized_shop_web_servers_and_only_them(demo_ctx: RuleContext, demo_samples: Path) -> None:
    found = run(demo_ctx)
    assert sorted(f.subject.label for f in found) == [f"shop-web-0{i}" for i in range(1, 7)]
    f = next(x for x in found if x.subject.name == "shop-web-01")
    cpu, mem = p95(demo_samples, "shop-web-01", "cpu_percent"), p95(demo_samples, "shop-web-01", "memory_percent")
    assert 0.13 < cpu < 0.15 and 0.33 < mem < 0.35  # docs/demo-company.md: p95 CPU ≈ 14 %
    assert f.evidence["cpu"] == pytest.approx(cpu, abs=1e-4) and f.evidence["memory"] == pytest.approx(mem, abs=1e-4)
    assert f.evidence["samples"] == 720  # hourly, 2 to 31 October
    # m6i.xlarge: 4 vCPU, 16 GiB. Needs: max(p95 × 4 × 1.2, 2) vCPU and p95 × 16 × 1.2 GiB
    assert f.evidence["current"]["catalog"]["offer"] == "m6i.xlarge"
    assert f.evidence["needed"] == {"vcpu": 2.0, "ram_gb": pytest.approx(mem * 16 * 1.2, abs=0.01)}
    # the cheapest AWS x86 type with dedicated vCPUs, ≥ 2 vCPU and ≥ 6.6 GiB, smaller than 4/16: m6a.large
    assert f.evidence["proposed"]["offer"] == "m6a.large"
    assert f.monthly_saving_eur == pytest.approx(price("m6i.xlarge") - price("m6a.large"), abs=0.01)  # 79.83
    assert f.evidence["same_family_option"]["offer"] == "m6i.large"
    # billed under the savings plan: 0.224 $ × 72 % an hour for 730 hours; the change priced on that is smaller
    billed = 0.224 * 0.72 * 730 / ecb().rate("USD", "2026-10").per_eur
    assert f.evidence["billed_monthly_cost"]["eur"] == pytest.approx(billed, abs=0.01)
    assert f.evidence["saving_at_billed_rates_eur"] == pytest.approx(
        billed * (1 - price("m6a.large") / price("m6i.xlarge")), abs=0.01)
    assert f.evidence["proposed"]["price_date"] == "2026-08-14" and "one location" in f.evidence["note"]
    assert f.title.render("en") == "Rightsize shop-web-01: m6i.xlarge to m6a.large (p95 CPU 14%, memory 34%)"
    assert f.title.render("fr") == ("Redimensionner shop-web-01 : m6i.xlarge vers m6a.large (p95 CPU 14 %, "
                                    "mémoire 34 %)")
    assert f.owner == "camille.bernard@atelier-durand.fr"


def test_busy_batch_workers_need_all_their_vcpus(demo_ctx: RuleContext, demo_samples: Path) -> None:
    cpu = p95(demo_samples, "batch-worker-01", "cpu_percent")
    assert cpu * 8 * 1.2 > 8  # more than a c6i.2xlarge's 8 vCPUs with 20 % headroom: nothing smaller fits
    assert not [f for f in run(demo_ctx) if f.subject.label.startswith("batch-worker")]
    # with no headroom they would fit 8 vCPUs, still not fewer: still nothing
    assert not [f for f in run(demo_ctx, headroom=0.0) if f.subject.label.startswith("batch-worker")]


def test_same_family_proposes_m6i_large(demo_ctx: RuleContext) -> None:
    found = run(demo_ctx, same_family=True)
    assert {f.evidence["proposed"]["offer"] for f in found} == {"m6i.large"}
    assert all(f.monthly_saving_eur == pytest.approx(price("m6i.xlarge") - price("m6i.large"), abs=0.01)
               for f in found)


def test_one_vcpu_allowed(demo_ctx: RuleContext) -> None:
    f = next(x for x in run(demo_ctx, min_vcpu=0.0) if x.subject.name == "shop-web-01")
    assert f.evidence["proposed"]["offer"] == "r7a.medium"  # 1 vCPU, 8 GiB: the cheapest that fits
    assert f.monthly_saving_eur == pytest.approx(price("m6i.xlarge") - price("r7a.medium"), abs=0.01)


def test_vms_without_samples_are_unknown_only_when_asked(demo_ctx: RuleContext) -> None:
    assert all(f.status == Status.FAIL for f in run(demo_ctx))
    unknown = [f for f in run(demo_ctx, report_missing=True) if f.status == Status.UNKNOWN]
    # the forgotten VM has no monitoring agent (docs/demo-company.md, "Utilisation"); every other VM reports
    assert [f.subject.name for f in unknown] == ["poc-migration-2024"]
    assert unknown[0].title.render("en") == ("Cannot size poc-migration-2024: no utilisation sample in the last "
                                             "30 days")


def test_no_utilisation_imported(demo: Any) -> None:
    ctx = rule_context(demo.ws, "demo")
    assert ctx.input("utilisation") is None
    assert run(ctx) == []
    unknown = run(ctx, report_missing=True)
    vms = [r for r in ctx.resource_rows() if r["resource_type"] == "Virtual Machine"]
    assert len(unknown) == len(vms) == 61 + 1  # the 61 monitored VMs and the forgotten one
    assert all(f.status == Status.UNKNOWN for f in unknown)


# --- planted VMs ------------------------------------------------------------------------------------------------

OCT1, OCT31 = date(2026, 10, 1), date(2026, 10, 31)
ACCT = "arn:aws:ec2:eu-west-3:111122223333:instance"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RuleContext]:
    root = tmp_path_factory.mktemp("planted-rs")
    oct_ = days(OCT1, OCT31)
    rows = [
        # a previous-generation type the catalog does not list
        *daily(f"{ACCT}/i-0aaaa1111bbbb2222", "legacy-01", "Virtual Machine", oct_, 0.46 * 24, 24, "Hours",
               description="m5.2xlarge Linux on-demand instance hour"),
        # a type nobody knows
        *daily(f"{ACCT}/i-0cccc3333dddd4444", "odd-01", "Virtual Machine", oct_, 1.0, 24, "Hours",
               description="custom virtual server"),
        # an m6i.xlarge that runs 8 hours a day
        *daily(f"{ACCT}/i-0eeee5555ffff6666", "part-time-01", "Virtual Machine", oct_, 0.1988 * 8, 8, "Hours",
               description="m6i.xlarge Linux on-demand instance hour"),
    ]
    ws = tenant_with(root, rows)
    samples = root / "util.csv"
    start = datetime(2026, 10, 30)
    with samples.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["timestamp", "resource_id", "cpu_percent", "memory_percent"])
        for h in range(48):
            ts = (start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")
            w.writerow([ts, "i-0aaaa1111bbbb2222", 10, 20])  # the instance id: the end of the ResourceId
            w.writerow([ts, "i-0cccc3333dddd4444", 10, 20])
            w.writerow([ts, "i-0eeee5555ffff6666", 10, 20])
    import_csv(ws, "t", samples)
    try:
        yield rule_context(ws, "t")
    finally:
        ws.close()


def test_a_type_missing_from_the_catalog_is_sized_by_its_sibling(planted: RuleContext) -> None:
    f = next(x for x in run(planted) if x.subject.name == "legacy-01")
    sibling = f.evidence["current"]["size_from"]
    assert sibling["offer"] == "m6a.2xlarge" and (sibling["vcpu"], sibling["ram_gb"]) == (8, 32)
    # needs max(0.1 × 8 × 1.2, 2) = 2 vCPU and 0.2 × 32 × 1.2 = 7.68 GiB: m6a.large (2, 8)
    assert f.evidence["needed"] == {"vcpu": 2.0, "ram_gb": 7.68}
    assert f.evidence["proposed"]["offer"] == "m6a.large"
    assert "m5.2xlarge is not in the catalog" in f.evidence["saving_basis"]
    # billed 0.46 € an hour for 730 hours, times (1 - m6a.large price / m6a.2xlarge price)
    expected = 0.46 * 730 * (1 - price("m6a.large") / price("m6a.2xlarge"))
    assert f.monthly_saving_eur == pytest.approx(expected, abs=0.01)


def test_an_unknown_type_with_samples_is_unknown(planted: RuleContext) -> None:
    (f,) = [x for x in run(planted) if x.subject.name == "odd-01"]
    assert f.status == Status.UNKNOWN and "not in the offer catalog" in f.evidence["reason"]


def test_a_part_time_vm_saves_its_share_of_the_month(planted: RuleContext) -> None:
    f = next(x for x in run(planted) if x.subject.name == "part-time-01")
    assert f.evidence["hours_a_day"] == 8.0
    # needs max(0.1 × 4 × 1.2, 2) = 2 vCPU and 0.2 × 16 × 1.2 = 3.84 GiB: c6a.large (2, 4) is the cheapest
    assert f.evidence["needed"] == {"vcpu": 2.0, "ram_gb": 3.84}
    assert f.evidence["proposed"]["offer"] == "c6a.large"
    assert f.monthly_saving_eur == pytest.approx((price("m6i.xlarge") - price("c6a.large")) * 8 / 24, abs=0.01)


def test_too_few_samples(planted: RuleContext) -> None:
    assert run(planted, min_samples=49) == []  # 48 hourly samples each
    unknown = run(planted, min_samples=49, report_missing=True)
    assert len(unknown) == 3 and all("only 48 utilisation samples" in f.evidence["reason"] for f in unknown)


def test_the_sample_window_is_the_last_n_days(planted: RuleContext) -> None:
    # the samples are of 30 and 31 October: a 1-day window keeps 24 of them, too few at min_samples 25
    assert [f for f in run(planted, days=1, min_samples=25) if f.status == Status.FAIL] == []
    assert len([f for f in run(planted, days=1, min_samples=24) if f.status == Status.FAIL]) == 2


@pytest.mark.parametrize(("provider", "name", "fam"), [
    ("aws", "m6i.xlarge", "m6i"), ("aws", "m7i-flex.large", "m7i-flex"), ("azure", "D4s_v5", "Ds_v5"),
    ("azure", "B2s", "Bs"), ("ovhcloud", "b3-32", "b3"), ("scaleway", "PRO2-S", "PRO2"),
])
def test_families(provider: str, name: str, fam: str) -> None:
    assert family(provider, name) == fam
