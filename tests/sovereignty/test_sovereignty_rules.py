"""Each sovereignty rule both ways on the demo company (its own workloads file, then variants of it), and
the gaps' legal references and compliant alternatives."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from balise.domain.findings import Finding, Status
from balise.services import sovereignty as sov
from balise.services.workspace import Workspace

DEMO = sov.demo_workloads_text()


def view(ws: Workspace, text: str | None = None) -> sov.SovereigntyView:
    sov._store(ws, "demo", textwrap.dedent(text) if text else DEMO, "test.yaml")
    return sov.sovereignty(ws, "demo")


def gaps(v: sov.SovereigntyView, code: str) -> dict[str, Finding]:
    return {f.subject.id: f for f in v.gaps if f.code == code}


def with_workload(extra: str, packs: str = "[gdpr-baseline, hds, cnil-sensitive]", sensitive: str = "[]") -> str:
    """The demo file with ``extra`` (a workload, YAML) declared first: it wins over the demo's own."""
    body = DEMO.split("workloads:\n", 1)[1]
    return (f"packs: {packs}\nsensitive: {sensitive}\nworkloads:\n" + textwrap.indent(textwrap.dedent(extra), "  ")
            + body)


def check_evidence(f: Finding, kind: str, refs: set[str]) -> dict[str, Any]:
    e = f.evidence
    assert e["kind"] == kind
    assert {r["id"] for r in e["references"]} >= refs
    assert all(r["text_en"] and r["text_fr"] for r in e["references"])
    assert e["resources"] and e["location"]["provider"] == f.subject.provider
    return e["alternative"]  # type: ignore[no-any-return]


def priced(alt: dict[str, Any]) -> None:
    """A compliant alternative from the offer catalog: same vCPU/RAM or more, a price and its date."""
    assert alt["found"] is True
    assert alt["monthly_eur"] > 0 and alt["price_dates"]
    for c in alt["compute"]:
        a = c["alternative"]
        assert a["vcpu"] >= c["current"]["vcpu"] and a["ram_gb"] >= c["current"]["ram_gb"]
        assert a["price_date"] and a["provider"] == alt["target"]["provider"]
    assert abs(sum(c["alternative"]["price_eur_month"] for c in alt["compute"]) - alt["monthly_eur"]) < 0.05


# --- the demo as shipped: every planted gap, with its reference and a compliant alternative --------------------

def test_the_demo_gaps(demo: Workspace) -> None:
    v = view(demo)
    codes = sorted({(f.code, f.subject.id) for f in v.gaps})
    assert codes == [
        ("SOV-001", "crm-analytics@aws/us-east-1"),
        ("SOV-002", "boutique@aws/eu-west-3"), ("SOV-002", "boutique@azure/francecentral"),
        ("SOV-002", "crm-analytics@aws/us-east-1"), ("SOV-002", "rdv-sante@aws/eu-west-3"),
        ("SOV-002", "support-desk@aws/eu-west-3"), ("SOV-002", "support-desk@azure/francecentral"),
        ("SOV-005", "rdv-sante@aws/eu-west-3"),
        ("SOV-008", "aws:604185273948"), ("SOV-008", "ovhcloud:2b7d90e4c1a64f38b5e2d7c09a8f1e36"),
        ("SOV-008", "ovhcloud:9a3e5c71f2b84d06a1c7e8f95b2d4c60"),
        ("SOV-008", "scaleway:6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d")]
    assert all(f.status == Status.FAIL for f in v.gaps)


def test_personal_crm_data_in_us_east_1(demo: Workspace) -> None:
    f = gaps(view(demo), "SOV-001")["crm-analytics@aws/us-east-1"]
    assert f.severity.value == "medium"  # the transfer relies on the DPF: not "no basis at all"
    alt = check_evidence(f, "law", {"GDPR-44-49", "DPF-2023"})
    assert f.evidence["adequacy"] == "dpf" and f.evidence["location"]["country"] == "US"
    assert {r["name"] for r in f.evidence["resources"]} == {"anum-crm-exports-us", "crm-sync-worker"}
    priced(alt)
    t = alt["target"]
    assert t["eea"] and t["us_law_exposure"] == "no"  # compliant: in the EEA and not exposed to US law
    assert [c["current"]["offer"] for c in alt["compute"]] == ["t3.medium"]
    assert "EEA" in f.title.render("en") and "EEE" in f.title.render("fr")


def test_health_data_on_a_us_exposed_provider(demo: Workspace) -> None:
    v = view(demo)
    f = gaps(v, "SOV-005")["rdv-sante@aws/eu-west-3"]
    alt = check_evidence(f, "official-guidance", {"CNIL-2024-07-19", "SNC-3.2"})
    assert f.evidence["sensitive_by_law"] == ["health"] and f.owner == "nadia.lefevre@atelier-durand.fr"
    priced(alt)
    # the alternative keeps the health data legal: HDS-certified compute, in the EEA, exclusively EU law
    t = alt["target"]
    assert (t["provider"], t["region"]) == ("scaleway", "fr-par")
    assert {"certification": "hds-v2", "status": "verified"} in t["certifications"]
    assert sorted(c["current"]["offer"] for c in alt["compute"]) == ["m6i.large"] * 3 + ["r6g.xlarge"]
    # AWS is HDS-certified in Paris: neither HDS rule fires
    assert not gaps(v, "SOV-003") and not gaps(v, "SOV-004")
    assert "SOV-002" in {g.code for g in v.gaps if g.subject.id == "rdv-sante@aws/eu-west-3"}


def test_us_law_exposure_both_ways(demo: Workspace) -> None:
    v = view(demo)
    exposed = gaps(v, "SOV-002")
    assert all(f.subject.provider in ("aws", "azure") for f in exposed.values())
    f = exposed["support-desk@aws/eu-west-3"]
    check_evidence(f, "official-guidance", {"US-CLOUD-ACT", "DPF-2023"})
    assert f.evidence["provider"]["us_law_exposure"] == "yes"
    # the same workload's personal data on OVHcloud Roubaix: no exposure, no finding
    assert any(p.placement.key == "support-desk@ovhcloud/RBX" and not p.gaps for p in v.placements)


def test_unclassified_resources_are_a_gap(demo: Workspace) -> None:
    v = view(demo)
    f = gaps(v, "SOV-008")["aws:604185273948"]
    assert [r["name"] for r in f.evidence["resources"]] == ["poc-migration-2024"]
    assert f.evidence["kind"] == "policy-choice" and f.evidence["references"][0]["id"] == "GDPR-30"
    # PASS: a workload that takes every remaining resource leaves nothing unclassified
    v2 = view(demo, with_workload("""\
        - name: everything-else
          data: [internal]
          match: {resources: ["*poc-migration*", "*anum-archive*", "*backoffice-data*", "*sandbox*"]}
        """))
    assert not gaps(v2, "SOV-008") and not v2.assessment.unclassified


# --- rules the demo's own file does not trigger: variants of it ------------------------------------------------

def test_hds_not_certified_both_ways(demo: Workspace) -> None:
    v = view(demo, with_workload("""\
        - name: patient-archive
          data: [health]
          match: {resources: ["*anum-glacier*", "*anum-backups*"]}
        """))
    found = gaps(v, "SOV-003")
    # Scaleway nl-ams: no HDS offer there -> FAIL; OVHcloud GRA: HDS listed but unverified -> UNKNOWN
    assert found["patient-archive@scaleway/nl-ams"].status == Status.FAIL
    assert found["patient-archive@ovhcloud/GRA"].status == Status.UNKNOWN
    assert found["patient-archive@ovhcloud/GRA"].evidence["hds"] == {"missing": 0, "unverified": 1}
    alt = check_evidence(found["patient-archive@scaleway/nl-ams"], "law", {"CSP-L1111-8", "HDS-V2-2024"})
    assert alt["found"] is False and alt["target"]["eea"]  # storage only: a compliant place, nothing to price
    # PASS: the demo's rdv-sante on AWS eu-west-3 (HDS v2 verified)
    assert "rdv-sante@aws/eu-west-3" not in found


def test_health_outside_eea_both_ways(demo: Workspace) -> None:
    v = view(demo, with_workload("""\
        - name: crm-health
          data: [health]
          match: {resources: ["*crm-*"]}
        """))
    f = gaps(v, "SOV-004")["crm-health@aws/us-east-1"]
    assert f.severity.value == "critical"
    priced(check_evidence(f, "law", {"HDS-V2-2024"}))
    assert list(gaps(v, "SOV-004")) == ["crm-health@aws/us-east-1"]  # rdv-sante in Paris: no finding


def test_secnumcloud_pack_both_ways(demo: Workspace) -> None:
    v = view(demo, with_workload("""\
        - name: rdv-snc
          data: [health]
          packs: [secnumcloud]
          match: {accounts: ["219384756012"]}
        """))
    f = gaps(v, "SOV-006")["rdv-snc@aws/eu-west-3"]
    alt = check_evidence(f, "policy-choice", {"POLICY-SNC", "SNC-3.2"})
    # no catalog offer is SecNumCloud-qualified: the qualified services of the reference, unpriced, and why
    assert alt["found"] is False
    assert {q["provider"] for q in alt["qualified_services"]} == {"ovhcloud", "outscale", "s3ns"}
    assert "catalog" in alt["note"]
    assert list(gaps(v, "SOV-006")) == ["rdv-snc@aws/eu-west-3"]  # only the workload that chose the pack
    # PASS: a tenant-declared, verified qualification of the service the workload uses
    v2 = view(demo, with_workload("""\
        - name: backoffice-snc
          data: [internal]
          packs: [secnumcloud]
          match: {tags: {project: backoffice}, providers: [ovhcloud]}
        """).replace("workloads:\n", "reference:\n  certifications:\n    - {provider: ovhcloud, certification: "
                     "secnumcloud-3.2, status: verified, source: test}\nworkloads:\n", 1))
    assert not gaps(v2, "SOV-006")


def test_eu_only_both_ways(demo: Workspace) -> None:
    v = view(demo)
    # the demo's data platform chose eu-only and runs in EU regions only: no finding
    assert "eu-only" in next(p.packs for p in v.placements if p.placement.group == "data-platform")
    assert not gaps(v, "SOV-007")
    v2 = view(demo, with_workload("""\
        - name: boutique-eu
          data: [personal]
          packs: [eu-only]
          match: {tags: {project: boutique}}
        """))
    f = gaps(v2, "SOV-007")["boutique-eu@aws/global"]  # CloudFront: no region, served worldwide
    check_evidence(f, "policy-choice", {"POLICY-EU-ONLY"})
    assert list(gaps(v2, "SOV-007")) == ["boutique-eu@aws/global"]


def test_extra_sensitive_categories_are_a_policy_choice(demo: Workspace) -> None:
    v = view(demo, with_workload("""\
        - name: boutique-pay
          data: [personal, payment]
          match: {tags: {project: boutique}}
        """, sensitive="[payment]"))
    found = gaps(v, "SOV-005")
    f = found["boutique-pay@aws/eu-west-3"]
    assert f.evidence["kind"] == "policy-choice" and f.evidence["sensitive_by_policy"] == ["payment"]
    assert f.evidence["references"][0]["id"] == "POLICY-SENSITIVE"
    # boutique's personal+payment data on Scaleway fr-par: exclusively EU law, no finding
    assert "boutique-pay@scaleway/fr-par" not in found
    # without the tenant's choice, payment data is not sensitive
    v2 = view(demo, with_workload("""\
        - name: boutique-pay
          data: [personal, payment]
          match: {tags: {project: boutique}}
        """))
    assert "boutique-pay@aws/eu-west-3" not in gaps(v2, "SOV-005")


@pytest.mark.parametrize("packs", ["[]", "[eu-only]"])
def test_packs_chosen_per_tenant(demo: Workspace, packs: str) -> None:
    v = view(demo, with_workload("", packs=packs))
    assert not {f.code for f in v.gaps} & {"SOV-001", "SOV-002", "SOV-003", "SOV-004", "SOV-005", "SOV-008"}


def test_a_clean_tenant_has_no_false_finding(demo: Workspace) -> None:
    """Everything classified, sensitive data where the law and the CNIL want it: not one finding."""
    v = view(demo, """\
        packs: [gdpr-baseline, hds, cnil-sensitive]
        workloads:
          - name: us-crm
            data: [public]
            match: {regions: [us-east-1], resources: ["*"]}
          - name: cdn
            data: [public]
            match: {providers: [aws], regions: [global]}
          - name: on-us-clouds            # named resources: the declaration wins over their tags
            data: [internal]
            match: {providers: [aws, azure], resources: ["*"]}
          - name: eu-clouds
            data: [personal]
            match: {providers: [ovhcloud, scaleway]}
        """)
    assert [(f.code, f.subject.id) for f in v.gaps] == []
    assert v.assessment.unclassified == [] and len(v.placements) > 10


def test_an_unverified_fact_gives_unknown_not_pass(demo: Workspace) -> None:
    """Health data on OVHcloud (exclusively EU law, HDS listed as unverified): with the provider's facts
    re-declared by the tenant (a tenant's fact is unverified), neither SOV-003 nor SOV-005 can pass."""
    text = with_workload("""\
        - name: ovh-health
          data: [health]
          match: {resources: ["*backoffice-0*", "pg-backoffice*"]}
        """)
    v = view(demo, text)
    assert gaps(v, "SOV-003")["ovh-health@ovhcloud/GRA"].status == Status.UNKNOWN  # HDS unverified
    assert "ovh-health@ovhcloud/GRA" not in gaps(v, "SOV-005")  # verified facts: exclusively EU law
    v2 = view(demo, text.replace("workloads:\n", "reference:\n  providers:\n    - {provider: ovhcloud, name: OVHcloud, "
                                 "hq_country: FR, us_law_exposure: 'no'}\nworkloads:\n", 1))
    f = gaps(v2, "SOV-005")["ovh-health@ovhcloud/GRA"]
    assert f.status == Status.UNKNOWN and f.evidence["provider"]["status"] == "unverified"
    j = sov.view_json(v2)
    row = next(w for w in j["workloads"] if w["workload"] == "ovh-health")
    assert row["provider_status"] == "unverified"
    assert {"certification": "hds-v2", "label": "HDS v2", "status": "unverified"} in row["certifications"]


def test_a_contested_exposure_is_unknown_and_still_counted_as_exposed(demo: Workspace) -> None:
    """AWS re-declared by the tenant as 'contested' (as the shared file says of the AWS European Sovereign
    Cloud): SOV-002 cannot say FAIL or PASS, and the score still counts the spend as exposed."""
    v = view(demo, DEMO.replace("workloads:\n", "reference:\n  providers:\n    - {provider: aws, name: AWS, "
                                "hq_country: US, us_law_exposure: contested}\nworkloads:\n", 1))
    f = gaps(v, "SOV-002")["rdv-sante@aws/eu-west-3"]
    assert f.status == Status.UNKNOWN and f.evidence["provider"]["us_law_exposure"] == "contested"
    assert "US (contested)" in f.evidence["location"]["jurisdiction"]
    assert v.assessment.score.breakdown["non_us_exposed"] == view(demo).assessment.score.breakdown["non_us_exposed"]
