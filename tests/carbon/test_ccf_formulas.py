"""The Cloud Carbon Footprint formulas on hand-computed cases. Every expected value is computed here from the
coefficients written out literally (copied from the shipped files, named below), never from Balise's code: a
changed coefficient file or a wrong formula fails these tests."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from balise.carbon import model
from balise.carbon.estimate import Estimator, Profile, annotate
from balise.reference.carbon import CarbonReference, Watts, default_reference
from balise.reference.offers import default_catalog

# ccf-coefficients-aws-use.csv, row Skylake (the m5 family's Xeon Platinum 8175M)
SKYLAKE_MIN, SKYLAKE_MAX, SKYLAKE_GB_CHIP = 0.6129888539040325, 4.104170352960531, 75.09995781995782
# ccf-aws-instances.csv m5.xlarge: 4 vCPU, 16 GB, host 96 vCPU / 384 GB; coefficients-aws-embodied.csv: 1610.79 kg
M5_VCPU, M5_MEM, HOST_VCPU, HOST_MEM, M5_EMBODIED = 4, 16, 96, 384, 1610.79
PUE_AWS = 1.135  # ccf-app-constants.json aws.PUE
EU_WEST_3 = 51.1  # ccf-app-grid-emissions-factors.csv aws,eu-west-3 (gCO2e/kWh)
MEMORY = 0.000392  # kWh per GB-hour
LIFESPAN = 35040  # hours (4 years)


def grid_of(ref: CarbonReference) -> Any:
    return lambda provider, region: ref.grid(provider or "", region)


def no_renewables(provider: str | None, region: str | None) -> tuple[float, str | None]:
    return 0.0, None


def estimator(ref: CarbonReference | None = None) -> Estimator:
    ref = ref or default_reference()
    return Estimator(ref, default_catalog(), grid_of(ref), no_renewables)


def row(p: Profile, quantity: float, cost: float = 100.0, utilisation: float | None = None,
        key: str = "k") -> dict[str, Any]:
    return {"provider": p.provider, "service": p.service, "category": p.category, "region": p.region,
            "resource_type": p.resource_type, "sku": p.sku, "description": p.description, "unit": p.unit,
            "key": key, "month": "2026-10", "currency": "EUR", "utilisation": utilisation, "quantity": quantity,
            "cost": cost, "rows": 1}


M5 = Profile("aws", "Amazon Elastic Compute Cloud", "Compute", "eu-west-3", "Virtual Machine", "H9ZN7EUEHC2S7YH5",
             "$0.214 per On Demand Linux m5.xlarge Instance Hour", "Hours")


def m5_expected(hours: float, u: float, watts: tuple[float, float] = (SKYLAKE_MIN, SKYLAKE_MAX)) -> dict[str, float]:
    lo, hi = watts
    compute = M5_VCPU * hours * (lo + u * (hi - lo)) / 1000
    chips = math.ceil(HOST_VCPU / 96)  # 1
    extra_gb = (HOST_MEM / chips - SKYLAKE_GB_CHIP) / (HOST_MEM / M5_MEM)  # 12.8708... GB beyond the CPU figure
    memory = extra_gb * hours * MEMORY
    kwh = compute + memory
    return {"compute": compute, "memory": memory, "kwh": kwh, "operational": kwh * PUE_AWS * EU_WEST_3 / 1000,
            "embodied": M5_EMBODIED * hours / LIFESPAN * M5_VCPU / HOST_VCPU}


def test_m5_xlarge_in_paris_730_hours_at_50_percent() -> None:
    e = m5_expected(730, 0.5)
    # the figures themselves: 6.8871 kWh of CPU, 3.6831 kWh of extra memory, 0.6131 kg operational + 1.3983 kg embodied
    assert e["compute"] == pytest.approx(6.887052, rel=1e-6) and e["memory"] == pytest.approx(3.683118, rel=1e-6)
    assert e["operational"] == pytest.approx(0.613054, rel=1e-5) and e["embodied"] == pytest.approx(1.398255, rel=1e-6)
    (line,) = annotate([row(M5, 730)], estimator(), lambda a, c, m: a)
    (c,) = line.components.values()
    assert c.f.method == "ccf-compute" and c.f.confidence == "high" and c.f.instance_type == "m5.xlarge"
    assert c.kwh == pytest.approx(e["kwh"], rel=1e-12)
    assert c.operational == pytest.approx(e["operational"], rel=1e-12)
    assert c.embodied == pytest.approx(e["embodied"], rel=1e-12)
    assert line.kgco2e == pytest.approx(e["operational"] + e["embodied"], rel=1e-12)
    assert c.facility_kwh == pytest.approx(e["kwh"] * PUE_AWS, rel=1e-12)
    f = c.f.factors
    assert f["architectures"] == ["Skylake"] and f["host_vcpu"] == HOST_VCPU and f["host_embodied_kg"] == M5_EMBODIED
    assert c.f.pue is not None and c.f.pue.value == PUE_AWS and c.f.grid is not None and c.f.grid.g_per_kwh == EU_WEST_3


def test_measured_utilisation_replaces_the_default() -> None:
    (line,) = annotate([row(M5, 730, utilisation=0.12)], estimator(), lambda a, c, m: a)
    assert line.total("kwh") == pytest.approx(m5_expected(730, 0.12)["kwh"], rel=1e-12)
    assert line.total("kwh") < m5_expected(730, 0.5)["kwh"]


def test_a_wrong_coefficient_is_caught() -> None:
    """The same case with Skylake's max watts changed by 10 % no longer matches the hand-computed figure: the
    test above depends on the coefficient, not only on the formula."""
    ref = default_reference()
    table = dict(ref.watts["ccf-aws"])
    w = table["Skylake"]
    table["Skylake"] = Watts(w.architecture, w.min_w, w.max_w * 1.1, w.gb_per_chip, w.source)
    wrong = dataclasses.replace(ref, watts={**ref.watts, "ccf-aws": table})
    (line,) = annotate([row(M5, 730)], estimator(wrong), lambda a, c, m: a)
    assert line.total("kwh") != pytest.approx(m5_expected(730, 0.5)["kwh"], rel=1e-3)
    # and the shipped file still has the published Skylake figures
    assert (w.min_w, w.max_w, w.gb_per_chip) == (SKYLAKE_MIN, SKYLAKE_MAX, SKYLAKE_GB_CHIP)


def test_ovhcloud_b3_32_in_gravelines() -> None:
    """A European offer: specs from the offer catalog (b3-32: 8 vCPU, 32 GB), CPU AMD EPYC 7763 (eu-families.csv,
    from Boavizta's platform data) = EPYC 3rd Gen: AWS use file 0.4556 / 1.9573 W and 137.14 GB per chip; host:
    the most common AWS EPYC 3rd Gen host of the CCF files (192 vCPU = 2 chips, 768 GB, 1900 kg); OVHcloud's
    PUE 1.2; France's 2023 grid factor 56.039 g/kWh (OWID)."""
    p = Profile("ovhcloud", "Public Cloud Instance", "Compute", "eu-west-gra", "Virtual Machine", "b3-32",
                "b3-32 instance hours (eu-west-gra)", "Hours")
    (line,) = annotate([row(p, 730)], estimator(), lambda a, c, m: a)
    (c,) = line.components.values()
    lo, hi, gb = 0.45562453497023814, 1.957333519345238, 137.14285714285714
    compute = 8 * 730 * (lo + 0.5 * (hi - lo)) / 1000
    memory = (768 / 2 - gb) / (768 / 32) * 730 * MEMORY
    assert (c.f.factors["host_vcpu"], c.f.factors["host_memory_gb"], c.f.factors["host_embodied_kg"]) == (192, 768, 1900)
    assert c.f.factors["cpu"] == "AMD EPYC 7763" and c.f.factors["architectures"] == ["EPYC 3rd Gen"]
    assert c.kwh == pytest.approx(compute + memory, rel=1e-9)
    assert c.operational == pytest.approx((compute + memory) * 1.2 * 56.039 / 1000, rel=1e-9)
    assert c.embodied == pytest.approx(1900 * 730 / LIFESPAN * 8 / 192, rel=1e-9)
    assert c.f.confidence == "medium" and c.f.grid is not None and c.f.grid.zone == "FR" and c.f.grid.year == "2023"


def test_unknown_micro_architecture_uses_the_provider_average() -> None:
    """OVHcloud d2-4 (older family, no CPU known): CCF's rule, the AWS averages 0.74 / 3.5 W, 80.69 GB per chip,
    and the median AWS host without GPU of the CCF files (128 vCPU = 2 chips, 768 GB, 1900 kg)."""
    p = Profile("ovhcloud", "Public Cloud Instance", "Compute", "eu-west-gra", "Virtual Machine", "d2-4", "", "Hours")
    (line,) = annotate([row(p, 730)], estimator(), lambda a, c, m: a)
    (c,) = line.components.values()
    assert c.f.factors["architectures"] == ["unknown"] and c.f.factors["vcpu"] == 2
    memory = (768 / 2 - 80.69) / (768 / c.f.factors["memory_gb"]) * 730 * MEMORY
    assert c.kwh == pytest.approx(2 * 730 * (0.74 + 0.5 * (3.5 - 0.74)) / 1000 + memory, rel=1e-9)
    assert c.embodied == pytest.approx(1900 * 730 / LIFESPAN * 2 / 128, rel=1e-9)


def test_scaleway_pro2_s_in_paris() -> None:
    """PRO2-S (8 vCPU, 32 GB): EPYC 3rd Gen per eu-families.csv (an assumption, flagged there), AWS use file
    0.4556 / 1.9573 W and 137.14 GB per chip; host: the most common AWS EPYC 3rd Gen host (192 vCPU, 768 GB,
    1900 kg); Scaleway Paris PUE 1.34."""
    p = Profile("scaleway", "Instances", "Compute", "fr-par", "Virtual Machine", "PRO2-S", "", "Hours")
    (line,) = annotate([row(p, 730)], estimator(), lambda a, c, m: a)
    (c,) = line.components.values()
    lo, hi, gb = 0.45562453497023814, 1.957333519345238, 137.14285714285714
    compute = 8 * 730 * (lo + 0.5 * (hi - lo)) / 1000
    memory = (768 / 2 - gb) / (768 / 32) * 730 * MEMORY  # 192 vCPU = 2 chips
    assert c.kwh == pytest.approx(compute + memory, rel=1e-9)
    assert c.operational == pytest.approx((compute + memory) * 1.34 * 56.039 / 1000, rel=1e-9)
    assert c.embodied == pytest.approx(1900 * 730 / LIFESPAN * 8 / 192, rel=1e-9)


def test_storage_network_and_serverless() -> None:
    s3 = Profile("aws", "Amazon Simple Storage Service", "Storage", "eu-west-3", "Bucket", "X", "S3 Standard", "GB-Hours")
    ebs = Profile("aws", "Amazon Elastic Compute Cloud", "Storage", "eu-west-3", "Volume", "X",
                  "$0.08 per GB-month of General Purpose (gp3) provisioned storage", "GB-Months")
    net = Profile("aws", "AWS Data Transfer", "Networking", "eu-west-3", None, "X",
                  "data transfer inter-region to eu-central-1", "GB")
    fn = Profile("aws", "AWS Lambda", "Compute", "eu-west-3", "Function", "X", "Lambda", "GB-Seconds")
    lines = {x.key: x for x in annotate([row(s3, 1e6, key="s3"), row(ebs, 100, key="ebs"), row(net, 500, key="net"),
                                         row(fn, 3.6e6, key="fn")], estimator(), lambda a, c, m: a)}
    assert lines["s3"].total("kwh") == pytest.approx(1e6 / 1000 * 0.65 / 1000 * 6)  # HDD, CCF S3 replication 6
    assert lines["ebs"].total("kwh") == pytest.approx(100 * 730 / 1000 * 1.2 / 1000 * 2)  # SSD, EBS replication 2
    assert lines["net"].total("kwh") == pytest.approx(500 * 0.001)
    (n,) = lines["net"].components.values()
    assert n.f.confidence == "medium" and n.f.factors["scope"] == "inter-region"
    # 3.6 M GB-seconds = 1,000 GB-hours = 565.3 vCPU-hours at 1.769 GB per vCPU, AWS average watts
    vcpu_h = 1000 / 1.769
    assert lines["fn"].total("kwh") == pytest.approx(vcpu_h * (0.74 + 0.5 * (3.5 - 0.74)) / 1000 + 1000 * MEMORY)


def test_spend_based_fallback_uses_the_kwh_per_euro_of_estimated_usage() -> None:
    nat = Profile("aws", "Amazon Virtual Private Cloud", "Networking", "eu-west-3", "NAT Gateway", "X",
                  "NAT Gateway Hours", "Hours")
    tokens = Profile("aws", "Amazon Bedrock", "AI", "eu-west-3", "Model", "X", "input tokens", "Tokens")
    lines = {x.key: x for x in annotate([row(M5, 730, cost=140.0, key="vm"), row(nat, 730, cost=35.0, key="nat"),
                                         row(tokens, 1e6, cost=70.0, key="ai")], estimator(), lambda a, c, m: a)}
    ratio = m5_expected(730, 0.5)["kwh"] / 140.0
    assert lines["nat"].total("kwh") == pytest.approx(35.0 * ratio) and lines["ai"].total("kwh") == pytest.approx(70 * ratio)
    (c,) = lines["ai"].components.values()
    assert c.f.method == "spend-based" and c.f.confidence == "low" and lines["ai"].confidence() == "low"
    assert c.f.factors["kwh_per_eur"] == pytest.approx(ratio, rel=1e-5) and c.embodied == 0


def test_nothing_estimable_is_not_estimated_rather_than_invented() -> None:
    tokens = Profile("azure", "Azure OpenAI", "AI", "francecentral", "Model", "X", "input tokens", "Tokens")
    (line,) = annotate([row(tokens, 1e6, cost=70.0)], estimator(), lambda a, c, m: a)
    assert line.kgco2e == 0 and line.confidence() == "none"


def test_market_based_counts_the_covered_share_at_zero() -> None:
    ref = default_reference()
    est = Estimator(ref, default_catalog(), grid_of(ref), lambda p, r: (0.75, "PPA 2026") if p == "aws" else (0, None))
    (line,) = annotate([row(M5, 730)], est, lambda a, c, m: a)
    e = m5_expected(730, 0.5)
    assert line.total("market") == pytest.approx(0.25 * e["operational"]) and line.total("embodied") == pytest.approx(
        e["embodied"])
    assert model.market_kg(10.0, 1.5) == 0.0  # a share above 1 is capped


def test_the_formula_functions() -> None:
    assert model.compute_kwh(10, 1, 3, 0.5) == pytest.approx(0.02)
    assert model.memory_gb_hours(1, 16, 96, 64, 75.1) == 0.0  # a host without extra memory
    assert model.chips(192) == 2 and model.chips(20) == 1
    assert model.embodied_kg(1000, 35040, 8, 4, 35040) == 1000  # the share is capped at the whole host
