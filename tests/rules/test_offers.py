"""The offer catalog shipped as reference data (loader, matching, equivalents) and the cheaper-offer option
(FIN-030) on the demo company. Expected offers are found again from the raw CSV rows with the csv module."""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from recommend_data import daily, days, tenant_with

from balise.domain.findings import Finding, Severity, Status
from balise.reference.offers import SHARED_CATEGORIES, default_catalog, equivalents, find, gpu_class, load_offers
from balise.rules.context import RuleContext
from balise.rules.offers import CheaperElsewhere
from balise.services.context import rule_context
from balise.services.ingest import ingest
from balise.services.workspace import open_workspace


def raw(name: str) -> list[dict[str, str]]:
    text = resources.files("balise.reference").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def run(ctx: RuleContext, **params: Any) -> list[Finding]:
    """One finding per VM (``group_by: resource``) unless the test asks otherwise."""
    params.setdefault("group_by", "resource")
    return list(CheaperElsewhere().evaluate(ctx, CheaperElsewhere.make_params(params)))


# --- the catalog ------------------------------------------------------------------------------------------------

def test_the_catalog_is_the_2026_file_plus_gpu_types_it_lacks(shared_data: Path) -> None:
    rows = raw("offers-eu-2026.csv")
    assert len(rows) == 1433  # distinct (provider, offer); the upstream note says 1,432
    # the shipped copy is the shared reference file, byte for byte
    shipped = resources.files("balise.reference").joinpath("data", "offers-eu-2026.csv").read_bytes()
    assert shipped == (shared_data / "catalog" / "offers-eu-2026.csv").read_bytes()
    listed = {(r["provider"], r["offer"].lower()) for r in rows}
    gpu = {("ovhcloud", r["InstanceType"].lower()) for r in raw("gpu-ovhcloud-2023.csv")} | \
        {("scaleway", r["InstanceType"].lower()) for r in raw("gpu-scaleway-2023.csv")}
    offers = load_offers()
    assert len(offers) == 1433 + len(gpu - listed)
    t2 = find("ovhcloud", "t2-le-45")
    assert t2 is not None and t2.price_date == "2026-08-14" and t2.price_eur_hour == 0.8  # the 2026 price wins
    t1 = find("ovhcloud", "t1-45")
    assert t1 is not None and (t1.price_date, t1.gpu_class, t1.location) == ("2023", "V100", "BHS, GRA")
    assert t1.price_eur_month == round(1.97 * 730, 2)


def test_dates_sources_and_quality_flags() -> None:
    m6i = find("aws", "m6i.xlarge")
    assert m6i is not None
    assert (m6i.vcpu, m6i.ram_gb, m6i.price_eur_month, m6i.location, m6i.price_date, m6i.manually_collected) == \
        (4, 16.0, 145.15, "eu-central-1", "2026-08-14", False)
    ccx = find("hetzner", "ccx23")
    assert ccx is not None and ccx.manually_collected and "older list prices" in (ccx.note or "")
    cx = find("hetzner", "cx33")
    assert cx is not None and cx.note is None and cx.shared_cpu
    m9g = find("aws", "m9g.large")  # listed as x86, but AWS's "g" is Graviton
    assert m9g is not None and m9g.architecture == "arm64" and "arm64" in (m9g.note or "")
    assert {o.price_date for o in load_offers() if o.provider == "infomaniak"} == {"2026-05-20"}


@pytest.mark.parametrize(("provider", "texts", "name", "offer", "sibling"), [
    ("aws", ("C797D9E5081D8A91", "m6i.xlarge Linux on-demand instance hour"), "m6i.xlarge", "m6i.xlarge", None),
    ("aws", ("$0.0416 per On Demand Linux t3.medium Instance Hour",), "t3.medium", "t3.medium", None),
    ("aws", ("m7i-flex.xlarge",), "m7i-flex.xlarge", "m7i-flex.xlarge", None),
    ("aws", ("m5.2xlarge on-demand instance hour",), "m5.2xlarge", None, "m6a.2xlarge"),
    ("azure", ("Standard_B2s compute hours (francecentral)",), "B2s", "B2s", None),
    ("azure", ("D4s v5 node of AKS cluster aks-shop",), "D4s_v5", None, "D4s_v4"),
    ("ovhcloud", ("b3-32", "b3-32 instance hours (eu-west-gra)"), "b3-32", "b3-32", None),
    ("scaleway", ("PRO2-S", "PRO2-S instance hours (fr-par)"), "PRO2-S", "PRO2-S", None),
])
def test_resolve_instance_types_from_sku_and_description(provider: str, texts: tuple[str, ...], name: str,
                                                         offer: str | None, sibling: str | None) -> None:
    r = default_catalog().resolve(provider, *texts)
    assert r is not None and r.name == name
    assert (r.offer.name if r.offer else None, r.sibling.name if r.sibling else None) == (offer, sibling)


def test_nothing_to_resolve() -> None:
    c = default_catalog()
    assert c.resolve("aws", "RDS for PostgreSQL db.r6g.xlarge Multi-AZ instance hour") is None
    assert c.resolve("aws", None, "") is None and c.resolve(None, "m6i.xlarge") is None
    assert c.resolve("ovhcloud", "m6i.xlarge") is None  # per provider
    assert find("azure", "standard_d4S_V4") is not None  # case and prefix


@pytest.mark.parametrize(("model", "cls"), [("Tesla V100S 32GB", "V100"), ("V100-32GB", "V100"), ("V100", "V100"),
                                            ("NVIDIA A2", "A2"), ("A100-80GB", "A100"), ("RTX 3070", "RTX 3070"),
                                            ("NVIDIA L40S", "L40"), ("", None), (None, None)])
def test_gpu_classes(model: str | None, cls: str | None) -> None:
    assert gpu_class(model) == cls


def test_equivalents_are_at_least_as_big_cheapest_first() -> None:
    found = equivalents(8, 32, exclude_providers=["aws"], architecture="x86", shared_cpu=False)
    assert found and all(o.vcpu >= 8 and o.ram_gb >= 32 and o.gpu_count == 0 for o in found)
    assert all(o.provider != "aws" and o.architecture == "x86" and o.category not in SHARED_CATEGORIES
               for o in found)
    prices = [o.price_eur_month for o in found]
    assert prices == sorted(prices)
    expected = min(float(r["price_eur_month"]) for r in raw("offers-eu-2026.csv")
                   if r["provider"] != "aws" and float(r["vcpu"]) >= 8 and float(r["ram_gb"]) >= 32
                   and r["gpu_count"] == "0" and r["architecture"] == "x86" and r["category"] not in SHARED_CATEGORIES)
    assert found[0].price_eur_month == expected


def test_gpu_equivalents_keep_the_gpu_class() -> None:
    found = equivalents(8, 45, 1, "V100")
    assert found and {o.gpu_class for o in found} == {"V100"} and {o.provider for o in found} == {"ovhcloud"}
    assert [o.name for o in found][:2] == ["t1-le-45", "t2-le-45"]  # 0.77 €/h (2023), then 0.80 €/h (2026)
    assert all(o.gpu_count == 0 for o in equivalents(8, 45))  # no GPU asked, none given
    assert equivalents(8, 16, 1, None) == []  # a GPU of unknown class matches nothing


# --- FIN-030 on the demo ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_ctx(demo: Any) -> RuleContext:
    return rule_context(demo.ws, "demo")


def cheapest_elsewhere(provider: str, vcpu: float, ram: float, shared_ok: bool, manual_ok: bool = True) -> dict[str, str]:
    pool = [r for r in raw("offers-eu-2026.csv")
            if r["provider"] != provider and float(r["vcpu"]) >= vcpu and float(r["ram_gb"]) >= ram
            and r["gpu_count"] == "0" and r["architecture"] == "x86"
            and (shared_ok or r["category"] not in SHARED_CATEGORIES)
            and (manual_ok or r["manually_collected"] == "False")]
    return min(pool, key=lambda r: float(r["price_eur_month"]))


def test_options_for_the_demo_vms(demo_ctx: RuleContext) -> None:
    found = {f.subject.name: f for f in run(demo_ctx)}
    f = found["shop-web-01"]
    assert f.status == Status.FAIL and f.severity == Severity.INFO and f.evidence["option"] is True
    best = cheapest_elsewhere("aws", 4, 16, shared_ok=False)
    assert f.evidence["alternative"]["offer"] == best["offer"]
    assert f.evidence["alternative"]["provider"] == best["provider"]
    assert f.monthly_saving_eur == pytest.approx(145.15 - float(best["price_eur_month"]), abs=0.01)
    assert f.evidence["current"]["price_date"] == "2026-08-14"
    assert f.evidence["alternative"]["price_date"] == best["price_date"]
    assert f.evidence["alternative"]["manually_collected"] is (best["manually_collected"] == "True")
    assert "one location per provider" in f.evidence["note"]
    assert len(f.evidence["alternatives"]) == 3
    b = found["backoffice-01"]  # OVHcloud b3-32: 8 vCPU, 32 GB, 149.36 €
    best = cheapest_elsewhere("ovhcloud", 8, 32, shared_ok=False)
    assert b.evidence["alternative"]["offer"] == best["offer"]
    assert b.monthly_saving_eur == pytest.approx(149.36 - float(best["price_eur_month"]), abs=0.01)
    assert "not your region" in b.remediation.render("en") and "pas votre région" in b.remediation.render("fr")


def test_options_are_never_smaller_nor_dearer(demo_ctx: RuleContext) -> None:
    found = run(demo_ctx)
    assert len(found) > 20
    for f in found:
        cur, alt = f.evidence["current"], f.evidence["alternative"]
        assert alt["provider"] != cur["provider"]
        assert alt["vcpu"] >= cur["vcpu"] and alt["ram_gb"] >= cur["ram_gb"] and alt["gpu_count"] == cur["gpu_count"]
        assert alt["architecture"] == cur["architecture"]
        assert f.monthly_saving_eur is not None and f.monthly_saving_eur >= 10
        share = f.evidence["share_of_month_running"]
        assert f.monthly_saving_eur == pytest.approx((cur["price_eur_month"] - alt["price_eur_month"]) * share,
                                                     rel=1e-3)  # share is rounded to 4 digits in evidence


def test_part_time_dev_boxes_compare_their_hours(demo_ctx: RuleContext) -> None:
    # dev boxes (t3.medium, burstable) run about 8 hours a day: a third of each monthly difference
    found = [f for f in run(demo_ctx, min_monthly_difference_eur=0.0) if f.subject.name == "dev-01"]
    (f,) = found
    assert 0.3 < f.evidence["share_of_month_running"] < 0.37
    best = cheapest_elsewhere("aws", 2, 4, shared_ok=True)  # burstable already: shared vCPUs compare
    assert f.evidence["alternative"]["offer"] == best["offer"]
    assert "dev-01" not in {x.subject.name for x in run(demo_ctx)}  # below 10 € a month


def test_api_prices_only_and_chosen_providers(demo_ctx: RuleContext) -> None:
    f = next(x for x in run(demo_ctx, include_manually_collected=False) if x.subject.name == "shop-web-01")
    best = cheapest_elsewhere("aws", 4, 16, shared_ok=False, manual_ok=False)
    assert f.evidence["alternative"]["offer"] == best["offer"] and best["manually_collected"] == "False"
    found = run(demo_ctx, providers=["ovhcloud", "scaleway"])
    assert found and {f.evidence["alternative"]["provider"] for f in found} <= {"ovhcloud", "scaleway"}
    assert not [f for f in found if f.subject.provider in ("ovhcloud",) and
                f.evidence["alternative"]["provider"] == "ovhcloud"]


def test_a_gpu_vm_gets_no_gpu_less_option(tmp_path: Path) -> None:
    rows = daily("9a3e5c71/instance/6c1d", "train-01", "Virtual Machine", days(date(2026, 10, 1), date(2026, 10, 31)),
                 0.8 * 24, 24, "Hours", provider="OVHcloud", service="Public Cloud Instance", sku="t2-le-45",
                 description="t2-le-45 instance hours (eu-west-gra)")
    ws = tenant_with(tmp_path, rows)
    try:
        # V100 offers exist only at OVHcloud: no option elsewhere, and never one without a GPU
        assert run(rule_context(ws, "t"), min_monthly_difference_eur=0.0) == []
    finally:
        ws.close()


def test_the_focus_sample_has_no_option_worth_ten_euros(shared_data: Path, tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "ws")
    try:
        ingest(ws, [shared_data / "focus" / "focus-1.0" / "focus_sample.csv"], "sample")
        ctx = rule_context(ws, "sample")
        # its instances are sampled rows of about one hour a day: the monthly differences shrink to 1/24
        assert run(ctx) == []
        some = run(ctx, min_monthly_difference_eur=0.0)
        assert some and all(f.evidence["share_of_month_running"] <= round(1 / 24, 4) for f in some)
        assert {f.evidence["current"]["offer"] for f in some} <= {"t3.medium", "t3.micro", "m7i-flex.xlarge"}
    finally:
        ws.close()


def test_by_default_one_option_per_instance_type_and_account_lists_its_vms(demo_ctx: RuleContext) -> None:
    per_vm = run(demo_ctx)
    grouped = run(demo_ctx, group_by="instance_type")
    assert 0 < len(grouped) < len(per_vm)
    # the same VMs and the same euros, in fewer findings
    assert sum(f.evidence["vms"] for f in grouped) == len(per_vm)
    assert sum(f.monthly_saving_eur or 0 for f in grouped) == pytest.approx(
        sum(f.monthly_saving_eur or 0 for f in per_vm), abs=0.05)
    shop = next(f for f in grouped if f.subject.id.endswith(":m6i.xlarge"))
    names = {r["name"] for r in shop.evidence["resources"]}
    assert {f"shop-web-0{i}" for i in range(1, 7)} <= names
    assert shop.subject.kind == "instance-type" and shop.evidence["vms"] == len(names)
    one = next(f for f in per_vm if f.subject.name == "shop-web-01")
    assert shop.evidence["alternative"]["offer"] == one.evidence["alternative"]["offer"]
    assert shop.monthly_saving_eur == pytest.approx(
        sum(r["monthly_difference_eur"] for r in shop.evidence["resources"]), abs=0.05)
