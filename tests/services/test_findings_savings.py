"""Savings totals count each subject once and keep options (other providers' offers) apart."""

from __future__ import annotations

from datetime import datetime

from balise.i18n import Msg
from balise.services.findings import FindingView, savings


def _view(code: str, subject: str, saving: float | None, status: str = "FAIL") -> FindingView:
    t = Msg("x", "x")()
    at = datetime(2026, 10, 31)
    return FindingView(id=0, fingerprint=code + subject, code=code, domain="finops", severity="medium",
                       status=status, lifecycle="open", title=t, remediation=t,
                       subject={"kind": "resource", "id": subject}, evidence={}, monthly_saving_eur=saving,
                       monthly_kgco2e=None, owner=None, first_seen=at, last_seen=at, reason=None,
                       suppressed_until=None)


def test_a_forgotten_and_oversized_vm_is_saved_once_at_the_larger_figure() -> None:
    views = [_view("FIN-001", "vm-a", 300.0), _view("FIN-010", "vm-a", 120.0), _view("FIN-010", "vm-b", 80.0),
             _view("FIN-030", "vm-a", 200.0), _view("FIN-030", "vm-b", 50.0), _view("FIN-030", "vm-b", 70.0),
             _view("FIN-002", "disk", 10.0, status="PASS"), _view("FIN-060", "tenant", None)]
    s = savings(views)
    assert s.total_eur == 300.0 + 80.0
    assert s.options_eur == 200.0 + 70.0
    assert s.findings == 3
