"""The sovereignty rules on real billing data: the FOCUS 1.0 sample (AWS, Microsoft and Oracle rows from 25
regions on four continents), classified by its own ``environment`` tag."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from balise.reference.sovereignty import default_reference
from balise.services import sovereignty as sov
from balise.services.ingest import ingest
from balise.services.workspace import Workspace

SAMPLE = "focus/focus-1.0/focus_sample.csv"
WORKLOADS = """\
workloads:
  - name: prod
    data: [personal]
    match: {tags: {environment: prod}}
  - name: dev
    data: [internal]
    match: {tags: {environment: dev}}
"""


def expected_outside_eea(path: Path) -> dict[tuple[str, str], str]:
    """By hand from the CSV: (provider, region) of resources tagged environment=prod outside the EEA, and the
    adequacy of their country (a full adequacy decision is no gap; "dpf" is the US)."""
    ref = default_reference()
    keys = {"AWS": "aws", "Microsoft": "azure", "Oracle": "oci"}
    out: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            region = r["RegionId"] if r["RegionId"] != "NULL" else r["RegionName"]
            if r["ResourceId"] == "NULL" or region == "NULL" or '"environment": "prod"' not in r["Tags"]:
                continue
            reg = ref.region(keys[r["ProviderName"]], region)
            assert reg is not None
            country = ref.country(reg.country)
            assert country is not None
            if not country.eea and country.adequacy != "full":
                out[(keys[r["ProviderName"]], reg.code)] = country.adequacy
    return out


def test_focus_sample_personal_data_outside_the_eea(ws: Workspace, shared_data: Path) -> None:
    ingest(ws, [shared_data / SAMPLE], "sample")
    sov._store(ws, "sample", WORKLOADS, "wl.yaml")
    v = sov.sovereignty(ws, "sample")
    found = {(f.subject.provider, f.subject.region): f for f in v.gaps if f.code == "SOV-001"}
    expected = expected_outside_eea(shared_data / SAMPLE)
    assert len(expected) >= 8
    assert set(found) == set(expected)
    for key, f in found.items():
        assert f.subject.id == f"prod@{key[0]}/{key[1]}"
        assert f.severity.value == ("medium" if expected[key] == "dpf" else "high")
        assert {r["id"] for r in f.evidence["references"]} == {"GDPR-44-49", "DPF-2023"}
        assert f.evidence["alternative"]["requirements"] == ["eea", "non_us"]
    # dev resources hold internal data: no GDPR finding, wherever they are
    assert not [f for f in v.gaps if f.subject.id.startswith("dev@") and f.code in ("SOV-001", "SOV-002")]
    # every region of the sample is known: no UNKNOWN location
    assert not [f for f in v.gaps if f.code == "SOV-009"]
    # resources without an environment tag are reported as unclassified, per account
    unclassified = [f for f in v.gaps if f.code == "SOV-008"]
    assert unclassified and sum(f.evidence["resources_count"] for f in unclassified) == len(v.assessment.unclassified)


def test_focus_sample_clean_classification_has_no_finding(ws: Workspace, shared_data: Path) -> None:
    ingest(ws, [shared_data / SAMPLE], "sample")
    sov._store(ws, "sample", "workloads:\n  - {name: all, data: [public], match: {resources: ['*']}}\n", "wl.yaml")
    v = sov.sovereignty(ws, "sample")
    assert v.gaps == []
    assert len(v.placements) > 20  # 25 regions of three providers, all located


def test_unknown_region_is_unknown_not_ignored(ws: Workspace, shared_data: Path, tmp_path: Path) -> None:
    """The same real file with one region renamed to a code no reference knows: UNKNOWN, with its resources."""
    text = (shared_data / SAMPLE).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    col = rows[0].index("RegionId")
    changed = sum(1 for r in rows[1:] if r[col] == "eu-west-3")
    for r in rows[1:]:
        if r[col] == "eu-west-3":
            r[col] = "eu-mars-1"
    out = tmp_path / "focus_sample_mars.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert changed == 4
    ingest(ws, [out], "mars")
    sov._store(ws, "mars", WORKLOADS, "wl.yaml")
    v = sov.sovereignty(ws, "mars")
    (f,) = [f for f in v.gaps if f.code == "SOV-009"]
    assert (f.status.value, f.subject.id, f.evidence["unknown"]) == ("UNKNOWN", "aws:eu-mars-1", "region")
    assert f.evidence["resources"]


def test_compliance_reports_on_both_databases(ws: Workspace, shared_data: Path, tmp_path: Path) -> None:
    """Two reports of the sample tenant: the second says what changed since the first (compliance_reports)."""
    from balise.services.compliance_report import write_report

    ingest(ws, [shared_data / SAMPLE], "sample")
    sov._store(ws, "sample", WORKLOADS, "wl.yaml")
    first = write_report(ws, "sample", tmp_path / "r1.html", fmt="html", lang="en")
    assert "This is the first compliance report of this tenant." in first.path.read_text()
    sov._store(ws, "sample", WORKLOADS.replace("data: [internal]", "data: [personal]"), "wl.yaml")
    second = write_report(ws, "sample", tmp_path / "r2.pdf", fmt="pdf", lang="fr")
    assert second.gaps > first.gaps and second.path.read_bytes().startswith(b"%PDF-")
    from balise.services.compliance_report import build
    d = build(ws, "sample", "en")
    assert d.changes is not None and d.changes["score_before"] == d.changes["score_after"] == second.score
    assert d.changes["new"] == [] and d.changes["closed"] == []  # nothing changed since the second report


def placements_by_hand(path: Path, env: str) -> dict[tuple[str, str], str]:
    """(provider, region) -> country of the resources tagged environment=<env>, read from the CSV."""
    ref = default_reference()
    keys = {"AWS": "aws", "Microsoft": "azure", "Oracle": "oci"}
    out: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            region = r["RegionId"] if r["RegionId"] != "NULL" else r["RegionName"]
            if r["ResourceId"] == "NULL" or region == "NULL" or f'"environment": "{env}"' not in r["Tags"]:
                continue
            reg = ref.region(keys[r["ProviderName"]], region)
            assert reg is not None
            out[(keys[r["ProviderName"]], reg.code)] = reg.country
    return out


def test_focus_sample_health_secnumcloud_and_eu_only_both_ways(ws: Workspace, shared_data: Path) -> None:
    """The sample's prod resources declared as health data, with the secnumcloud and eu-only packs: every rule
    fires exactly where the hand-read locations say, and nowhere else."""
    ingest(ws, [shared_data / SAMPLE], "sample")
    sov._store(ws, "sample", WORKLOADS.replace("data: [personal]", "data: [health]\n    packs: [secnumcloud, eu-only]")
               .replace("workloads:", "packs: [gdpr-baseline, hds, cnil-sensitive]\nworkloads:"), "wl.yaml")
    v = sov.sovereignty(ws, "sample")
    ref = default_reference()
    prod = placements_by_hand(shared_data / SAMPLE, "prod")
    eea = {k for k, c in prod.items() if ref.countries[c].eea}
    eu = {k for k, c in prod.items() if ref.countries[c].eu}

    def where(code: str) -> set[tuple[str | None, str | None]]:
        return {(f.subject.provider, f.subject.region) for f in v.gaps if f.code == code and
                f.subject.id.startswith("prod@")}

    assert eea and set(prod) - eea  # the sample has both
    assert where("SOV-004") == set(prod) - eea  # health data outside the EEA (HDS v2)
    assert where("SOV-005") == set(prod)  # AWS, Azure and Oracle: none exclusively subject to EU law
    assert where("SOV-006") == set(prod)  # no AWS, Azure or Oracle service is SecNumCloud-qualified
    assert where("SOV-007") == set(prod) - eu  # eu-only: Ireland, Frankfurt, Stockholm, Paris pass
    assert where("SOV-002") == set(prod)  # health is personal data: US-law exposure stated
    # HDS: AWS and Azure are HDS-certified (verified); Oracle has no HDS certification in the reference
    oracle = {k for k in prod if k[0] == "oci"}
    assert oracle and where("SOV-003") == oracle
    # the dev resources (internal data, default packs) have none of these
    assert not [f for f in v.gaps if f.subject.id.startswith("dev@") and f.code != "SOV-008"]


def test_the_report_says_what_people_decided(ws: Workspace, shared_data: Path, tmp_path: Path) -> None:
    from balise.services import findings
    from balise.services.compliance_report import build, render_html

    ingest(ws, [shared_data / SAMPLE], "sample")
    sov._store(ws, "sample", WORKLOADS, "wl.yaml")
    findings.evaluate(ws, "sample")  # stores the findings, as `balise findings` does
    stored = findings.list_findings(ws, "sample", domain="sovereignty")
    target = next(x for x in stored if x.code == "SOV-001")
    findings.acknowledge(ws, "sample", target.id, "transfer covered by SCCs, TIA of 2026-11", by="dpo@example.com")
    d = build(ws, "sample", "en")
    (g,) = [g for g in d.gaps if g["fingerprint"] == target.fingerprint]
    assert g["decision"] == "acknowledged: transfer covered by SCCs, TIA of 2026-11"
    assert "acknowledged: transfer covered by SCCs" in render_html(d)
    assert sum(1 for g in d.gaps if g["decision"]) == 1
