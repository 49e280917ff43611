"""Forgotten and idle resources (FIN-001..005) on the demo company, on the real FOCUS 1.0 sample, and on small
FOCUS files that plant what the demo lacks. Expected figures are computed by hand from the data."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from recommend_data import daily, days, tenant_with

from balise.domain.findings import Finding, Severity, Status
from balise.reference.fx import ecb
from balise.rules.base import Rule
from balise.rules.context import RuleContext
from balise.rules.forgotten import (
    CostWithoutUsage,
    ForgottenInstance,
    StoppedInstanceStorage,
    UnattachedIp,
    UnattachedVolume,
    volume_stem,
)
from balise.services.context import rule_context
from balise.services.ingest import ingest
from balise.services.workspace import open_workspace

MONTH = 730 / 24  # days in the catalog's 730-hour month


def run(rule: type[Rule], ctx: RuleContext, **params: Any) -> list[Finding]:
    return list(rule().evaluate(ctx, rule.make_params(params)))


@pytest.fixture(scope="module")
def demo_ctx(demo: Any) -> RuleContext:
    return rule_context(demo.ws, "demo")


# --- the demo company (docs/demo-company.md, "Forgotten resources") -----------------------------------------

def test_the_forgotten_poc_vm_is_found_and_nothing_else(demo: Any, demo_ctx: RuleContext) -> None:
    (f,) = run(ForgottenInstance, demo_ctx)
    assert f.subject.name == "poc-migration-2024" and f.status == Status.FAIL
    assert f.subject.id == "arn:aws:ec2:eu-central-1:604185273948:instance/i-0a97a266e0d2ecde7"
    assert f.evidence["days_billed"] == 92  # August to October 2026, every day
    assert f.evidence["daily_cost"] == {"min": 11.04, "max": 11.04, "currency": "USD"}
    assert f.evidence["hours_a_day"] == 24.0
    # 0.46 $/h (11.04 $ a day) for a 730-hour month, at the October 2026 ECB average (1 EUR = 1.1202 USD)
    usd = ecb().rate("USD", "2026-10").per_eur
    assert round(usd, 4) == 1.1202
    assert f.evidence["monthly_cost"]["amount"] == pytest.approx(0.46 * 730, abs=0.01)
    assert f.monthly_saving_eur == pytest.approx(0.46 * 730 / usd, abs=0.01)
    assert f.owner == "DevOps"  # neither owner nor team tag


def test_the_rule_agrees_with_plain_sql_on_the_bills(demo: Any, demo_ctx: RuleContext) -> None:
    # every VM billed on each of the 92 days at one cost, whose tags have no owner key (any case)
    (only,) = demo.sql("""
        SELECT list(DISTINCT ResourceName) FROM (
          SELECT ResourceName, count(DISTINCT ChargePeriodStart::DATE) AS d, min(EffectiveCost) AS lo,
                 max(EffectiveCost) AS hi, any_value(Tags) AS tags
          FROM BILLS WHERE ResourceType = 'Virtual Machine' AND ChargeCategory = 'Usage'
                AND ChargePeriodStart >= TIMESTAMP '2026-08-01'
          GROUP BY ResourceId, ResourceName)
        WHERE d = 92 AND lo = hi AND NOT regexp_matches(coalesce(tags, ''), '"(?i:owner)"')""")[0]
    assert only == ["poc-migration-2024"]
    assert [f.subject.name for f in run(ForgottenInstance, demo_ctx)] == only


def test_dev_boxes_without_owner_that_stop_at_night_are_not_forgotten(demo_ctx: RuleContext) -> None:
    dev = [r for r in demo_ctx.resource_rows() if (r["resource_name"] or "").startswith(("dev-", "vm-dev-"))]
    assert len(dev) == 12 and all(r["days"] == 92 for r in dev)  # billed every day, but 1 to 12 hours
    names = {f.subject.name for f in run(ForgottenInstance, demo_ctx, max_ratio=100.0)}
    assert not names & {r["resource_name"] for r in dev}  # their 8 hours a day keep them out
    names = {f.subject.name for f in run(ForgottenInstance, demo_ctx, max_ratio=100.0, min_hours_a_day=0.0)}
    assert {r["resource_name"] for r in dev} <= names  # only their varying cost and hours tell them apart


def test_an_owner_tag_of_another_name_can_be_declared(demo_ctx: RuleContext) -> None:
    # poc-migration-2024 has a "project" tag: declared as an owner tag, nothing is forgotten
    assert run(ForgottenInstance, demo_ctx, owner_tags=["Project"]) == []


def test_the_unattached_azure_disk(demo_ctx: RuleContext) -> None:
    (f,) = run(UnattachedVolume, demo_ctx)
    assert f.subject.name == "vm-recette-01_OsDisk_1_5c2e9a" and f.subject.provider == "azure"
    assert f.evidence["basis"] == ["description", "name"]  # it says so, and no VM vm-recette-01 is billed
    assert f.evidence["named_after"] == "vm-recette-01"
    assert f.severity == Severity.MEDIUM
    # P30 at 135.17 € a month list, 5 % negotiated discount: 4.221785 € a day
    assert f.monthly_saving_eur == pytest.approx(135.17 * 0.95, abs=0.01)
    assert f.owner == "web"  # team tag, no owner tag


def test_volumes_named_after_running_vms_are_attached(demo_ctx: RuleContext) -> None:
    vols = [r for r in demo_ctx.resource_rows() if r["resource_type"] == "Volume"]
    assert len(vols) == 28  # 14 shop-data, 3 rdv-app-data, 10 backoffice-data, the Azure disk
    flagged = {f.subject.name for f in run(UnattachedVolume, demo_ctx)}
    assert flagged == {"vm-recette-01_OsDisk_1_5c2e9a"}
    # without the name heuristic the description alone still finds it
    assert {f.subject.name for f in run(UnattachedVolume, demo_ctx, name_heuristic=False)} == flagged


def test_the_idle_floating_ip(demo_ctx: RuleContext) -> None:
    (f,) = run(UnattachedIp, demo_ctx)
    assert f.subject.name == "fip-51.210.14.87" and f.subject.provider == "ovhcloud"
    assert f.monthly_saving_eur == pytest.approx(0.0025 * 730, abs=0.01)  # 0.06 € a day, 24 hours
    assert f.owner == "platform"


def test_the_demo_has_no_stopped_instance_storage_nor_cost_without_usage(demo_ctx: RuleContext) -> None:
    # every demo VM is billed to 31 October, and every usage row has a quantity (docs/demo-company.md)
    assert run(StoppedInstanceStorage, demo_ctx) == []
    assert run(CostWithoutUsage, demo_ctx) == []


# --- the FOCUS 1.0 sample -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RuleContext]:
    ws = open_workspace(tmp_path_factory.mktemp("sample") / "ws")
    ingest(ws, [shared_data / "focus" / "focus-1.0" / "focus_sample.csv"], "sample")
    try:
        yield rule_context(ws, "sample")
    finally:
        ws.close()


def _sample_rows(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "focus" / "focus-1.0" / "focus_sample.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_sample_idle_ipv4_addresses_are_the_ones_its_rows_call_idle(sample: RuleContext, shared_data: Path) -> None:
    rows = _sample_rows(shared_data)
    idle = {r["ResourceId"] for r in rows if "Idle public IPv4 address" in r["ChargeDescription"]}
    in_use = {r["ResourceId"] for r in rows if "In-use public IPv4 address" in r["ChargeDescription"]}
    assert len(idle) == 4 and len(in_use) > 20
    found = run(UnattachedIp, sample)
    assert {f.subject.id for f in found} == idle
    # each bills 0.005 $ for one hour: 3.65 $ for a 730-hour month, at the September 2024 rate
    usd = ecb().rate("USD", "2024-09").per_eur
    assert all(f.monthly_saving_eur == pytest.approx(0.005 * 730 / usd, abs=0.01) for f in found)


def test_sample_has_no_forgotten_vm_unattached_volume_stopped_storage_or_idle_cost(
        sample: RuleContext, shared_data: Path) -> None:
    rows = _sample_rows(shared_data)
    instances = [r for r in rows if r["ResourceType"] == "instance"]
    # instance rows are single hours on one day each: nothing is billed every day for 30 days
    per_resource: dict[str, set[str]] = {}
    for r in instances:
        per_resource.setdefault(r["ResourceId"], set()).add(r["ChargePeriodStart"][:10])
    assert max(len(d) for d in per_resource.values()) < 30
    assert run(ForgottenInstance, sample) == []
    # volumes carry no ResourceName and price-list descriptions ("$0.08 per GB-month of ...")
    volumes = [r for r in rows if r["ResourceType"] in ("volume", "Disk", "bootvolume")]
    assert volumes and not any("attach" in r["ChargeDescription"].lower() for r in volumes)
    assert run(UnattachedVolume, sample) == []
    assert run(StoppedInstanceStorage, sample) == []
    # no resource with a cost has a zero quantity on every row over 30 days
    assert run(CostWithoutUsage, sample) == []


# --- what the demo lacks, planted in small FOCUS files --------------------------------------------------------

AUG1, AUG31, SEP1, OCT1, OCT31 = date(2026, 8, 1), date(2026, 8, 31), date(2026, 9, 1), date(2026, 10, 1), \
    date(2026, 10, 31)
ACCT = "arn:aws:ec2:eu-west-3:111122223333"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RuleContext]:
    whole = days(AUG1, OCT31)
    rows = [
        # app-07 stopped on 31 August; its volume (named after it, its id in the description) still billed
        *daily(f"{ACCT}:instance/i-0123456789abcdef0", "app-07", "Virtual Machine", days(AUG1, AUG31), 2.3136,
               24, "Hours", sku="m6i.large", description="m6i.large Linux on-demand instance hour"),
        *daily(f"{ACCT}:volume/vol-0aaa1111bbbb2222c", "app-07-data", "Volume", whole, 0.88, 240 * 24, "GB-Hours",
               category="Storage", description="EBS gp3 volume of i-0123456789abcdef0"),
        # app-08 runs, and so does its volume
        *daily(f"{ACCT}:instance/i-0fedcba9876543210", "app-08", "Virtual Machine", whole, 2.3136, 24, "Hours",
               description="m6i.large Linux on-demand instance hour"),
        *daily(f"{ACCT}:volume/vol-0ccc3333dddd4444e", "app-08-data", "Volume", whole, 0.88, 240 * 24, "GB-Hours",
               category="Storage", description="EBS gp3 volume"),
        # a load balancer billed for 60 days without one hour of use, and a busy one
        *daily(f"{ACCT}:loadbalancer/app/lb-idle/50dc6c495c0c9188", "lb-idle", "Load Balancer",
               days(SEP1, date(2026, 10, 30)), 0.72, 0, "Hours", category="Networking"),
        *daily(f"{ACCT}:loadbalancer/app/lb-busy/6f1a2b3c4d5e6f70", "lb-busy", "Load Balancer", whole, 0.72, 24,
               "Hours", category="Networking"),
        # zero quantity for only 10 days: too short to call
        *daily(f"{ACCT}:loadbalancer/app/lb-new/0a1b2c3d4e5f6a7b", "lb-new", "Load Balancer",
               days(date(2026, 10, 22), OCT31), 0.72, 0, "Hours", category="Networking"),
        # a charge that states no unit (no quantity expected): never "without usage"
        *daily(f"{ACCT}:support/plan", "support-plan", None, whole, 3.2, None, None, category="Other"),
        # an OVHcloud volume whose description says, in French, that it is attached to nothing
        *daily("9a3e5c71f2b84d06/volume/1f2e3d4c", "vol-archives", "Volume", whole, 0.4, 100 * 24, "GB-Hours",
               provider="OVHcloud", service="Block Storage", category="Storage",
               description="Volume bloc haute performance non attaché", account="9a3e5c71f2b84d06"),
        # an Elastic IP whose usage type says idle, and one in use
        *daily(f"{ACCT}:elastic-ip/eipalloc-0a1b2c3d", "eip-old", None, whole, 0.12, 24, "Hours",
               service="Amazon Virtual Private Cloud", category="Networking", sku="EUW3-ElasticIP:IdleAddress"),
        *daily(f"{ACCT}:elastic-ip/eipalloc-9f8e7d6c", "eip-web", None, whole, 0.12, 24, "Hours",
               service="Amazon Virtual Private Cloud", category="Networking",
               description="$0.005 per In-use public IPv4 address per hour"),
        # copies of the demo fleet suffix names (-c001): the volume is still named like its VMs
        *daily(f"{ACCT}:instance/i-0dddddddddddddd44", "web-01-c001", "Virtual Machine", whole, 2.3136, 24,
               "Hours"),
        *daily(f"{ACCT}:volume/vol-0eeeeeeeeeeeeee55", "web-data-03-c001", "Volume", whole, 0.88, 240 * 24,
               "GB-Hours", category="Storage", description="EBS gp3 volume"),
        # a VM without owner billed every day at one cost, but with one day missing in August: not reported
        *daily(f"{ACCT}:instance/i-0aaaaaaaaaaaaaaa1", "gap-vm", "Virtual Machine",
               days(AUG1, OCT31, skip=(date(2026, 8, 15),)), 4.6, 24, "Hours", tags='{"project":"x"}'),
        # a VM tagged "Owner" (capital O): owned
        *daily(f"{ACCT}:instance/i-0bbbbbbbbbbbbbbb2", "owned-vm", "Virtual Machine", whole, 4.6, 24, "Hours",
               tags='{"Owner":"bob@example.com"}'),
        # a VM without owner, billed every day since 1 October at one cost: forgotten after 31 days
        *daily(f"{ACCT}:instance/i-0ccccccccccccccc3", "late-vm", "Virtual Machine", days(OCT1, OCT31), 4.6, 24,
               "Hours", tags="{}"),
    ]
    root = tmp_path_factory.mktemp("planted")
    ws = tenant_with(root, rows)
    try:
        yield rule_context(ws, "t")
    finally:
        ws.close()


def test_storage_of_a_stopped_instance(planted: RuleContext) -> None:
    (f,) = run(StoppedInstanceStorage, planted)
    assert f.subject.name == "app-07-data"
    assert f.evidence["instance"]["name"] == "app-07"
    assert f.evidence["instance"]["last_compute_day"] == "2026-08-31"
    assert f.evidence["instance"]["days_without_compute"] == 61  # 31 August to 31 October
    assert f.monthly_saving_eur == pytest.approx(0.88 * MONTH, abs=0.01)
    assert f.owner == "alice@example.com"
    # 61 days: reported at N = 61, not at N = 62
    assert len(run(StoppedInstanceStorage, planted, days=61)) == 1
    assert run(StoppedInstanceStorage, planted, days=62) == []


def test_a_volume_of_a_stopped_instance_is_not_also_called_unattached(planted: RuleContext) -> None:
    # app-07 is billed in the window: its volume has an instance, stopped (FIN-004), not none (FIN-002)
    names = {f.subject.name for f in run(UnattachedVolume, planted)}
    assert names == {"vol-archives"}


def test_a_french_description_says_unattached(planted: RuleContext) -> None:
    (f,) = run(UnattachedVolume, planted)
    # « non attaché »; and no compute resource of its OVHcloud project is named like "archives"
    assert f.subject.name == "vol-archives" and f.evidence["basis"] == ["description", "name"]
    (g,) = run(UnattachedVolume, planted, name_heuristic=False)
    assert g.evidence["basis"] == ["description"]
    assert f.monthly_saving_eur == pytest.approx(0.4 * MONTH, abs=0.01)


def test_cost_without_usage(planted: RuleContext) -> None:
    (f,) = run(CostWithoutUsage, planted)
    assert f.subject.name == "lb-idle"
    assert f.evidence["consumed"] == 0 and f.evidence["consumed_unit"] == "Hours"
    assert f.title.render("en") == "lb-idle is billed with no usage (Hours = 0) for 60 days"
    assert f.monthly_saving_eur == pytest.approx(0.72 * MONTH, abs=0.01)
    assert {x.subject.name for x in run(CostWithoutUsage, planted, days=10)} == {"lb-idle", "lb-new"}


def test_an_idle_address_by_its_usage_type(planted: RuleContext) -> None:
    (f,) = run(UnattachedIp, planted)
    assert f.subject.name == "eip-old"
    assert f.monthly_saving_eur == pytest.approx(0.005 * 730, abs=0.01)  # 0.12 € a day for 24 hours


def test_forgotten_vm_needs_every_day_no_owner_and_n_days(planted: RuleContext) -> None:
    assert [f.subject.name for f in run(ForgottenInstance, planted)] == ["late-vm"]  # 31 days ≥ 30
    assert run(ForgottenInstance, planted, days=32) == []
    # gap-vm (one day missing) and owned-vm ("Owner" tag) never; app-08 has an owner
    names = {f.subject.name for f in run(ForgottenInstance, planted, days=1)}
    assert names == {"late-vm"}


def test_findings_render_in_french(planted: RuleContext) -> None:
    (f,) = run(StoppedInstanceStorage, planted)
    assert f.title.render("fr") == ("Stockage app-07-data facturé alors que son instance app-07 n'a plus de coût "
                                    "de calcul depuis 61 jours")


@pytest.mark.parametrize(("name", "vm", "stem", "words"), [
    ("vm-recette-01_OsDisk_1_5c2e9a", "vm-recette-01", ["vm", "recette"], ["vm", "recette", "01"]),
    ("backoffice-data-03", None, ["backoffice"], ["backoffice", "03"]),
    ("app-07-data", None, ["app"], ["app", "07"]),
    ("shop-data-03-c001", None, ["shop", "c001"], ["shop", "03", "c001"]),
    ("vol-0aaa1111bbbb2222c", None, [], ["0aaa1111bbbb2222c"]),
    (None, None, [], []),
])
def test_volume_name_stems(name: str | None, vm: str | None, stem: list[str], words: list[str]) -> None:
    assert volume_stem(name) == (vm, stem, words)
