"""GRN-001 and GRN-002 on the demo, both ways; the Electricity Maps connector on a recorded answer; the KPIs."""

from __future__ import annotations

import io
import json
import urllib.error
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from balise.connectors import electricitymaps
from balise.domain.findings import Status
from balise.errors import ExecutionError, UsageError
from balise.reference.fx import Rates
from balise.rules import engine as rule_engine
from balise.rules.builtin import default_registry
from balise.rules.policy import Policy, from_document
from balise.services import carbon, kpis
from balise.services.context import rule_context
from balise.services.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"


def run(ws: Workspace, code: str, rates: Rates, params: dict[str, Any] | None = None) -> list[Any]:
    ctx = rule_context(ws, "demo", rates=rates)
    registry = default_registry()
    pol = from_document({"rules": {code: {"params": params}}}, registry) if params else Policy()
    return [f for f in rule_engine.run(ctx, registry, pol, codes=[code]).findings if f.status == Status.FAIL]


def test_grn001_finds_the_frankfurt_vms_not_the_paris_ones(demo: Workspace, rates: Rates) -> None:
    found = run(demo, "GRN-001", rates)
    names = sorted(f.subject.name for f in found)
    # Frankfurt (311 gCO2e/kWh) -> Stockholm (8.8): the forgotten m5.2xlarge and the three r6i.xlarge pipelines
    assert names == ["data-pipeline-01", "data-pipeline-02", "data-pipeline-03", "poc-migration-2024"]
    poc = next(f for f in found if f.subject.name == "poc-migration-2024")
    ev = poc.evidence
    assert ev["alternative_region"] == "eu-north-1" and ev["current_region"] == "eu-central-1"
    # by hand: 730 h of m5.2xlarge at 50 %, Skylake, extra memory, PUE 1.135, 311 vs 8.8 g/kWh
    lo, hi, gb = 0.6129888539040325, 4.104170352960531, 75.09995781995782
    kwh = 8 * 730 * (lo + 0.5 * (hi - lo)) / 1000 + (384 - gb) / (384 / 32) * 730 * 0.000392
    assert poc.monthly_kgco2e == pytest.approx(kwh * 1.135 * (311.0 - 8.8) / 1000, abs=1e-3)
    assert ev["monthly_difference_eur"] == 0.0 and ev["price_date"]  # one catalog price per provider
    # the Paris VMs (51.1 g/kWh) save less than the 2 kg threshold by moving to Stockholm
    assert not any(f.subject.name.startswith("shop-web") for f in found)


def test_grn001_threshold_and_eea_rule(demo: Workspace, rates: Rates) -> None:
    assert run(demo, "GRN-001", rates, {"min_monthly_kgco2e": 10.0}) == []
    # crm-sync-worker runs in us-east-1 (not EEA): any AWS region is allowed, the greenest is Stockholm
    found = run(demo, "GRN-001", rates, {"min_monthly_kgco2e": 0.5})
    crm = next(f for f in found if f.subject.name == "crm-sync-worker")
    assert crm.evidence["alternative_region"] == "eu-north-1"


def test_grn002_options_elsewhere_with_kg_and_euros(demo: Workspace, rates: Rates) -> None:
    found = run(demo, "GRN-002", rates)
    by_name = {f.subject.name: f for f in found}
    assert {"data-pipeline-01", "data-pipeline-02", "data-pipeline-03"} <= set(by_name)
    f = by_name["data-pipeline-01"]
    ev = f.evidence
    assert ev["alternative"]["provider"] != "aws" and ev["alternative"]["price_date"] and ev["current"]["price_date"]
    assert ev["alternative"]["vcpu"] >= 4 and ev["alternative"]["ram_gb"] >= 32  # r6i.xlarge: 4 vCPU, 32 GB
    assert ev["eea_only"] is True and ev["alternative"]["region"]
    assert f.monthly_kgco2e == pytest.approx(ev["kgco2e_month_current"] - ev["kgco2e_month_alternative"], abs=1e-3)
    assert f.monthly_kgco2e >= 2.0
    assert ev["monthly_difference_eur"] == pytest.approx(
        ev["current"]["price_eur_month"] - ev["alternative"]["price_eur_month"], abs=0.01)
    assert ev["monthly_difference_eur"] >= 0  # not more expensive by default
    # a VM already on a low-carbon grid gets no option
    assert not any(n.startswith("shop-web") for n in by_name)
    assert run(demo, "GRN-002", rates, {"min_monthly_kgco2e": 50.0}) == []


def test_co2e_kpis(demo: Workspace, rates: Rates, tmp_path: Path) -> None:
    from balise.services import units

    (tmp_path / "u.csv").write_text("month,unit,quantity\n2026-10,orders,12500\n")
    units.import_units(demo, "demo", tmp_path / "u.csv")
    k = {r.id: r for r in kpis.kpis(demo, "demo", rates=rates)}
    october = next(x for x in carbon.estimate(demo, "demo", "month", rates=rates).lines if x.key == "2026-10")
    assert k["co2e_intensity"].value == pytest.approx(october.total("operational") / october.total("facility_kwh")
                                                      * 1000)
    assert k["unit_co2e.orders"].value == pytest.approx(october.kgco2e / 12500)
    assert k["unit_co2e.orders"].unit == "kgCO2e/orders"


class _Resp(io.BytesIO):
    status = 200

    def __enter__(self) -> _Resp:
        return self

    def __exit__(self, *a: object) -> None:
        self.close()


def test_electricitymaps_recorded_answer(demo: Workspace, rates: Rates) -> None:
    body = (FIXTURES / "electricitymaps-latest-FR.json").read_bytes()
    seen: list[Any] = []

    def opener(req: Any, timeout: float) -> _Resp:
        seen.append(req)
        return _Resp(body)

    got = carbon.fetch_electricitymaps(demo, "demo", ["FR"], "t0ken", opener=opener)
    try:
        assert seen[0].full_url == "https://api.electricitymap.org/v3/carbon-intensity/latest?zone=FR"
        assert seen[0].get_header("Auth-token") == "t0ken"
        (o,) = got
        assert o.zone == "FR" and o.g_per_kwh == json.loads(body)["carbonIntensity"] and o.year == "2026"
        assert "Electricity Maps" in o.source and "lifecycle" in o.source and "estimated" in o.source
        line = next(x for x in carbon.estimate(demo, "demo", "region", rates=rates).lines if x.key == "fr-par")
        assert all(c.f.grid is not None and c.f.grid.g_per_kwh == 33 for c in line.components.values())
    finally:
        carbon.reset_grid(demo, "demo")


def test_electricitymaps_errors() -> None:
    with pytest.raises(UsageError):
        electricitymaps.latest("FR", "")

    def refused(req: Any, timeout: float) -> Any:
        raise urllib.error.HTTPError(req.full_url, 401, "Unauthorized", Message(), io.BytesIO(b'{"error":"bad token"}'))
    with pytest.raises(UsageError, match="401"):
        electricitymaps.latest("FR", "x", opener=refused)

    def down(req: Any, timeout: float) -> Any:
        raise urllib.error.URLError("no route")
    with pytest.raises(ExecutionError):
        electricitymaps.latest("FR", "x", opener=down)
    with pytest.raises(UsageError):
        electricitymaps.parse(b'{"zone": "FR"}', "FR")
