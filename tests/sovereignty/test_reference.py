"""The sovereignty reference: every region billed in the demo and in the real sample files is known, facts keep
their verified/unverified status, certifications are per service, and a tenant can extend the reference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from balise.compliance.assess import locate
from balise.demo.catalog import ITEMS, SUB_ACCOUNTS
from balise.reference.sovereignty import HDS, SECNUMCLOUD, default_reference

REAL = ["focus/focus-1.0/focus_sample.csv", "focus/provider-native/aws-cur/sample-anonymous-aws-export-dataset.csv",
        "focus/provider-native/oci/reports_cost-csv_0000000030000269.csv"]


def test_every_demo_region_is_known() -> None:
    ref = default_reference()
    pairs = {(SUB_ACCOUNTS[i.account][0], i.region) for i in ITEMS if i.region}
    assert len(pairs) == 10
    unknown = [p for p in pairs if ref.region(*p) is None]
    assert unknown == []
    # the demo's OVHcloud codes are aliases of the shared file's regions
    assert ref.region("ovhcloud", "eu-west-gra").code == "GRA"  # type: ignore[union-attr]
    assert ref.region("ovhcloud", "eu-west-sbg").city == "Strasbourg"  # type: ignore[union-attr]
    assert ref.region("aws", "eu-west-3a").code == "eu-west-3"  # type: ignore[union-attr]  # a zone


@pytest.mark.parametrize("name", REAL)
def test_every_region_of_the_real_samples_is_known(name: str, shared_data: Path,
                                                   convert: Callable[..., Any]) -> None:
    _, rel = convert(shared_data / name)
    rows = rel.query("t", "SELECT DISTINCT x_Provider, coalesce(RegionId, RegionName) FROM t "
                          "WHERE coalesce(RegionId, RegionName) IS NOT NULL").fetchall()
    assert rows
    ref = default_reference()
    unknown = [(p, r) for p, r in rows if ref.region(p, r) is None]
    assert unknown == []
    assert all(ref.provider(p) is not None for p, _ in rows)


def test_location_facts() -> None:
    ref = default_reference()
    paris = locate(ref, "aws", "eu-west-3")
    assert (paris.eea, paris.eu, paris.us_exposed, paris.eu_law_only) == (True, True, True, False)
    assert paris.jurisdiction == "FR + EU + US"
    virginia = locate(ref, "aws", "us-east-1")
    assert (virginia.eea, virginia.adequacy) == (False, "dpf")
    gra = locate(ref, "ovhcloud", "eu-west-gra")
    assert (gra.eea, gra.us_exposed, gra.eu_law_only, gra.jurisdiction) == (True, False, True, "FR + EU")
    # Exoscale: Swiss headquarters, Mexican controlling owner: not exclusively subject to EU law, even in Frankfurt
    fra = locate(ref, "exoscale", "de-fra-1")
    assert (fra.eea, fra.us_exposed, fra.eu_law_only) == (True, False, False)
    geneva = locate(ref, "infomaniak", "dc3-a")
    assert (geneva.eea, geneva.adequacy) == (False, "full")
    assert locate(ref, "aws", None).region.code == "global"  # type: ignore[union-attr]  # CloudFront: no region


def test_certifications_are_per_service_and_region() -> None:
    ref = default_reference()

    def names(provider: str, service: str, region: str) -> dict[str, str]:
        r = ref.region(provider, region)
        return {c.name: c.fact.status for c in ref.certifications_for(provider, service, r)}

    assert names("scaleway", "Instances", "fr-par")[HDS] == "verified"
    assert HDS not in names("scaleway", "Instances", "nl-ams")  # Scaleway's HDS offers are in Paris only
    assert HDS not in names("scaleway", "Managed Database for PostgreSQL", "fr-par")  # not an HDS service
    assert names("ovhcloud", "Public Cloud Instance", "GRA")[HDS] == "unverified"  # shown as unverified
    assert SECNUMCLOUD not in names("ovhcloud", "Public Cloud Instance", "GRA")  # Public Cloud is not qualified
    assert names("ovhcloud", "Hosted Private Cloud", "RBX")[SECNUMCLOUD] == "verified"
    assert SECNUMCLOUD not in names("ovhcloud", "Hosted Private Cloud", "DE")  # SecNumCloud offers: France only
    assert names("outscale", "Compute", "cloudgouv-eu-west-1")[SECNUMCLOUD] == "verified"
    assert SECNUMCLOUD not in names("outscale", "Compute", "eu-west-2")


def test_unverified_facts_stay_unverified() -> None:
    ref = default_reference()
    assert ref.provider("aws-esc").fact.status == "unverified"  # type: ignore[union-attr]
    assert ref.provider("aws-esc").us_exposed  # type: ignore[union-attr]  # contested: never assumed immune
    assert ref.region("outscale", "ap-northeast-1").fact.status == "unverified"  # type: ignore[union-attr]
    assert locate(ref, "outscale", "ap-northeast-1").unverified == ["region"]
    # every row of the shipped files has a source and a date
    for p in ref.providers.values():
        assert p.fact.source and p.fact.date, p.key
    for c in ref.certifications:
        assert c.fact.source and c.fact.date, (c.provider, c.name)


def test_a_tenant_extends_the_reference_without_changing_the_shipped_one() -> None:
    base = default_reference()
    ext = base.extend({"providers": [{"provider": "acme", "name": "Acme Cloud", "hq_country": "FR",
                                      "us_law_exposure": "no"}],
                       "regions": [{"provider": "acme", "region": "par9", "city": "Paris", "country": "FR"}],
                       "certifications": [{"provider": "acme", "certification": "hds-v2", "regions": ["par9"]}]},
                      "tenant.yaml")
    loc = locate(ext, "acme", "par9")
    assert loc.known and loc.eu_law_only and loc.unverified == ["provider", "region"]  # a tenant's fact: unverified
    assert [c.fact.status for c in ext.certifications_for("acme", "X", loc.region)] == ["unverified"]
    assert ext.provider("acme").fact.source == "tenant.yaml"  # type: ignore[union-attr]
    assert base.provider("acme") is None and base.region("acme", "par9") is None
