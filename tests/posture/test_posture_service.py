"""The posture service on a real state database: evidence, freshness, RACI, overrides, bad input."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from balise.errors import UsageError
from balise.services import posture
from balise.services.workspace import Workspace

DAY = date(2026, 12, 1)


def view(ws: Workspace, code: str, as_of: date = DAY) -> posture.ControlView:
    (v,) = [v for v in posture.controls(ws, "acme", as_of=as_of) if v.code == code]
    return v


def test_without_evidence_every_control_fails_and_a_never_restored_backup_says_so(acme: Workspace) -> None:
    views = posture.controls(acme, "acme", as_of=DAY)
    assert [v.code for v in views] == [f"POS-00{i}" for i in range(1, 10)]
    assert {v.status for v in views} == {"fail"}
    assert all(v.evidence is None and v.due is None for v in views)
    assert "never restore-tested" in view(acme, "POS-007").reason.render("en")
    assert "jamais restaurée" in view(acme, "POS-007").reason.render("fr")


def test_fresh_evidence_passes_until_its_due_day_then_fails(acme: Workspace) -> None:
    posture.add_evidence(acme, "acme", "POS-007", day=date(2026, 10, 1), by="MSP", link="https://x.example/r")
    v = view(acme, "POS-007")
    assert v.status == "pass" and v.age_days == 61 and v.freshness_days == 90
    assert v.due == date(2026, 12, 30) and v.owner == "msp"
    assert view(acme, "POS-007", as_of=date(2026, 12, 30)).status == "pass"  # 90 days: still accepted
    stale = view(acme, "POS-007", as_of=date(2026, 12, 31))  # 91 days
    assert stale.status == "fail" and "91 days old (accepted: 90 days)" in stale.reason.render("en")
    # evidence dated after the day judged is not seen
    assert view(acme, "POS-007", as_of=date(2026, 9, 30)).status == "fail"


def test_the_newest_evidence_counts_and_a_tenant_can_override_freshness(acme: Workspace) -> None:
    posture.add_evidence(acme, "acme", "POS-006", day=DAY - timedelta(days=240), by="PASSI", link="https://a")
    assert view(acme, "POS-006").status == "fail"  # 240 > 92 days
    posture.add_evidence(acme, "acme", "POS-006", day=DAY - timedelta(days=30), by="PASSI", link="https://b")
    v = view(acme, "POS-006")
    assert v.status == "pass" and v.evidence is not None and v.evidence.link == "https://b"
    assert v.evidence_count == 2
    posture.set_overrides(acme, "acme", freshness_days={"pos-006": 20}, disabled=["POS-004"])
    assert view(acme, "POS-006").status == "fail" and view(acme, "POS-006").freshness_days == 20
    assert "POS-004" not in [v.code for v in posture.controls(acme, "acme", as_of=DAY)]
    with pytest.raises(UsageError, match="POS-999"):
        posture.set_overrides(acme, "acme", freshness_days={"POS-999": 20})
    with pytest.raises(UsageError, match="1 to 3650"):
        posture.set_overrides(acme, "acme", freshness_days={"POS-001": 0})


def test_a_file_is_copied_with_its_sha256(acme: Workspace, tmp_path: Path) -> None:
    report = tmp_path / "restore-report.pdf"
    report.write_bytes(b"%PDF-1.4 restore of db-prod OK in 42 min\n")
    e = posture.add_evidence(acme, "acme", "POS-007", day=DAY, by="MSP", file=report, note="quarterly")
    # sha256 of the bytes above, computed independently: printf '%%PDF-1.4 restore…' | sha256sum
    import hashlib
    assert e.sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
    stored = acme.home / e.stored_path  # type: ignore[operator]
    assert stored.read_bytes() == report.read_bytes()
    assert stored.parent == acme.home / "evidence" / "acme" and e.file_name == "restore-report.pdf"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"control": "POS-999"}, "unknown control 'POS-999'"),
    ({"day": "2027-01-01"}, "in the future"),
    ({"day": "01/12/2026"}, "not a date"),
    ({"file": Path("/nonexistent/report.pdf"), "link": None}, "no such file"),
    ({"link": None}, "--file F"),
    ({"by": " "}, "--by"),
    ({"by": "x" * 201}, "--by is longer than 200"),
])
def test_bad_evidence_is_refused_and_nothing_is_written(acme: Workspace, kwargs: dict, message: str) -> None:
    args = {"control": "POS-001", "day": "2026-11-30", "by": "MSP", "link": "https://x", **kwargs}
    control = args.pop("control")
    with pytest.raises(UsageError, match=message):
        posture.add_evidence(acme, "acme", control, **args)
    assert posture.list_evidence(acme, "acme") == []
    assert not (acme.home / "evidence").exists() or not any((acme.home / "evidence").rglob("*"))


def test_the_report_gets_a_posture_section_only_for_a_tenant_that_tracks_it(acme: Workspace) -> None:
    from balise.services.report import Report

    def report() -> Report:
        r = Report(tenant="acme", month="2026-11", currency="EUR", total=0.0, previous_month="2026-10",
                   previous_total=None, change=None, top_services=[], top_providers=[], top_regions=[],
                   untagged_cost=0.0, untagged_share=0.0, rows=0, sections=["spend"])
        posture.report_section(acme, r, None)
        return r

    assert report().sections == ["spend"] and not posture.tracked(acme, "acme")
    posture.add_evidence(acme, "acme", "POS-008", day=posture.today(), by="RSSI", link="https://wiki/pca")
    r = report()
    assert r.sections == ["spend", "posture"]
    assert r.extra["posture"]["summary"] == {"total": 9, "pass": 1, "fail": 8, "unknown": 0, "stale": 0,
                                             "missing": 8, "violations": 0}
