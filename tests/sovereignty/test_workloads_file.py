"""The workloads file: bad input names file:line:column and changes nothing; the score is the documented
formula, checked by hand on a small example and recomputed from the demo's own data location table."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from balise.compliance.assess import assess
from balise.compliance.workloads import Config
from balise.errors import UserInputError
from balise.reference.sovereignty import default_reference
from balise.services import sovereignty as sov
from balise.services.kpis import get_setting
from balise.services.workspace import Workspace

GOOD = """\
packs: [gdpr-baseline, hds]
workloads:
  - name: shop
    data: [personal]
    match: {tags: {project: boutique}}
"""

BAD = {
    "category": ("""\
workloads:
  - name: shop
    data: [personal, helth]
    match: {tags: {project: boutique}}
""", "wl.yaml:3:22", "unknown data category 'helth'"),
    "provider": ("""\
workloads:
  - name: shop
    data: [personal]
    match:
      providers: [aws, ovh-cloud]
""", "wl.yaml:5:24", "unknown provider 'ovh-cloud'"),
    "region": ("""\
workloads:
  - name: shop
    data: [personal]
    match:
      providers: [aws]
      regions: [eu-west-3, mars-north-1]
""", "wl.yaml:6:28", "unknown region 'mars-north-1'"),
    "pack": ("""\
packs: [gdpr-baseline, hipaa]
workloads: []
""", "wl.yaml:1:24", "unknown policy pack 'hipaa'"),
    "key": ("""\
workloads:
  - name: shop
    data: [personal]
    labels: {a: b}
    match: {tags: {project: boutique}}
""", "wl.yaml:4:5", "unknown key 'labels'"),
    "no match": ("""\
workloads:
  - name: shop
    data: [personal]
""", "wl.yaml:2:5", "'match' is missing"),
    "reference country": ("""\
reference:
  regions:
    - {provider: aws, region: eu-moon-1, city: Tycho, country: XM}
workloads: []
""", "wl.yaml:3:64", "unknown country code 'XM'"),
    "duplicate": ("""\
workloads:
  - {name: a, data: [public], match: {providers: [aws]}}
  - {name: a, data: [public], match: {providers: [azure]}}
""", "wl.yaml:3:12", "declared twice"),
    "syntax": ("workloads:\n  - name: [shop\n", "wl.yaml:3:", "YAML"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_file_names_file_and_line_and_changes_nothing(demo: Workspace, tmp_path: Path, case: str) -> None:
    text, where, what = BAD[case]
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    sov.import_workloads(demo, "demo", good)
    before = get_setting(demo, "demo", sov.SETTING)
    bad = tmp_path / "wl.yaml"
    bad.write_text(text)
    with pytest.raises(UserInputError) as e:
        sov.import_workloads(demo, "demo", bad)
    message = str(e.value)
    assert f"{tmp_path}/{where}" in message and what in message, message
    assert e.value.exit_code == 2
    assert get_setting(demo, "demo", sov.SETTING) == before  # nothing half-applied
    sov._store(demo, "demo", sov.demo_workloads_text(), "demo")


def test_a_region_declared_in_the_file_is_accepted(demo: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "wl.yaml"
    f.write_text(textwrap.dedent("""\
        reference:
          providers: [{provider: acme, name: Acme, hq_country: FR, us_law_exposure: "no"}]
          regions: [{provider: acme, region: par9, city: Paris, country: FR}]
        workloads:
          - {name: a, data: [public], match: {providers: [acme], regions: [par9]}}
        """))
    r = sov.import_workloads(demo, "demo", f)
    assert (r.workloads, r.packs, r.replaced) == (1, ("gdpr-baseline", "hds", "cnil-sensitive"), True)
    cfg = sov.config(demo, "demo")
    assert sov.compliance_input(cfg).reference.region("acme", "PAR9") is not None
    sov._store(demo, "demo", sov.demo_workloads_text(), "demo")


def rec(rid: str, provider: str, region: str, service: str, eur: float, data_class: str) -> dict[str, object]:
    return {"resource_id": rid, "resource_name": rid, "provider": provider, "region": region, "service": service,
            "account": "1", "tags": {"data-class": data_class}, "monthly_eur": eur}


def test_score_by_hand() -> None:
    rows = [rec("a", "aws", "eu-west-3", "Amazon Elastic Compute Cloud", 100.0, "health"),
            rec("b", "scaleway", "fr-par", "Instances", 50.0, "health"),
            rec("c", "ovhcloud", "eu-west-gra", "Public Cloud Instance", 50.0, "internal"),
            rec("d", "aws", "us-east-1", "Amazon Simple Storage Service", 0.0, "public")]
    cfg = Config.from_dict({"workloads": [{"name": "wa", "data": ["health"], "match": {"resources": ["a"]}},
                                          {"name": "wb", "data": ["health"], "match": {"resources": ["b"]}}]})
    s = assess(rows, cfg, default_reference()).score
    # EEA: a, b, c = 200/200; not US-exposed: b, c = 100/200; certified: a HDS 0.5×100 + b HDS 0.5×50 (c's HDS
    # is unverified: 0) = 75/200; sensitive workloads: wa on AWS fails, wb on Scaleway fr-par HDS passes = 1/2
    assert s.breakdown == {"eu_located": 1.0, "non_us_exposed": 0.5, "certified": 0.375, "sensitive_workloads": 0.5}
    assert s.score == round(30 * 1.0 + 30 * 0.5 + 15 * 0.375 + 25 * 0.5)  # 63.125 -> 63
    assert (s.spend_eur, s.sensitive_workloads, s.sensitive_ok, s.unverified_share) == (200.0, 2, 1, 0.25)
    # no sensitive workload: its weight is left out
    s2 = assess(rows[2:], Config(), default_reference()).score
    assert s2.breakdown["sensitive_workloads"] is None
    assert s2.score == round(100 * (30 * 1.0 + 30 * 1.0 + 15 * 0.0) / 75)


def test_demo_score_from_its_own_location_table(demo: Workspace) -> None:
    sov._store(demo, "demo", sov.demo_workloads_text(), "demo")
    j = sov.view_json(sov.sovereignty(demo, "demo"))
    spend = [w for w in j["workloads"] if w["monthly_eur"] > 0]
    total = sum(w["monthly_eur"] for w in spend)
    assert abs(total - j["spend_eur_month"]) < 0.05
    eu = sum(w["monthly_eur"] for w in spend if w["eea"]) / total
    non_us = sum(w["monthly_eur"] for w in spend if w["us_law_exposure"] == "no") / total
    b = j["breakdown"]
    assert abs(b["eu_located"] - eu) < 1e-3 and abs(b["non_us_exposed"] - non_us) < 1e-3
    # rdv-sante (health, on AWS) is the one sensitive workload, and it is not on an EU-law-only provider
    assert j["sensitive_workloads"] == {"total": 1, "compliant": 0} and b["sensitive_workloads"] == 0.0
    assert j["score"] == round(30 * b["eu_located"] + 30 * b["non_us_exposed"] + 15 * b["certified"])
    assert 0.85 < b["eu_located"] < 0.92 and 0.2 < b["non_us_exposed"] < 0.25  # us-east-1 + CloudFront; AWS+Azure
