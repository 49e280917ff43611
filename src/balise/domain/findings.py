"""Findings: what a rule found about one subject, with the figures that prove it and what it is worth.

A rule (``balise.rules``) produces findings; the state database keeps their lifecycle (open → acknowledged →
resolved, or suppressed with a reason and an expiry). The types here are plain data: no I/O.

Statuses follow the usual policy-engine meaning:

- ``FAIL``: the subject breaks the rule (a forgotten VM, a budget exceeded);
- ``PASS``: the rule checked the subject and found it fine (only emitted where "checked and fine" is worth
  showing, e.g. a control or a budget);
- ``UNKNOWN``: the input does not allow a verdict (no utilisation data for a VM), and the evidence says why;
- ``SKIPPED``: the user suppressed it; never set by a rule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from balise.i18n import Text


class Status(StrEnum):
    FAIL = "FAIL"
    PASS = "PASS"
    UNKNOWN = "UNKNOWN"
    SKIPPED = "SKIPPED"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical … 4 for info: sort by it, or compare "at least as severe as"."""
        return list(Severity).index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank <= other.rank


class Domain(StrEnum):
    FINOPS = "finops"
    GREENOPS = "greenops"
    SOVEREIGNTY = "sovereignty"
    POSTURE = "posture"


class Lifecycle(StrEnum):
    """What people decided about a finding (kept in the state database, not by rules)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, slots=True)
class Subject:
    """What a finding is about. ``kind``: resource, service, account, tag, commitment, budget, tenant, kpi…"""

    kind: str
    id: str
    name: str | None = None
    provider: str | None = None
    account: str | None = None
    region: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(slots=True)
class Finding:
    code: str  # the rule's stable code, e.g. "FIN-001"
    status: Status
    severity: Severity
    domain: Domain
    subject: Subject
    title: Text  # renders in French or English
    remediation: Text
    # Figures that prove the finding, JSON-serialisable: amounts with their currency, counts, dates, and the
    # query period under "period" ({"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}).
    evidence: dict[str, Any] = field(default_factory=dict)
    monthly_saving_eur: float | None = None  # estimated, None when the rule cannot price it
    monthly_kgco2e: float | None = None
    owner: str | None = None  # who should act (a tag value, a KPI owner, "DevOps"…)

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs: the rule and its subject. The state database keys lifecycles by it."""
        key = json.dumps([self.code, self.subject.kind, self.subject.id, self.subject.account or ""])
        return hashlib.sha256(key.encode()).hexdigest()[:16]
