"""What people and ingests decided, in a transactional database (SQLite by default, PostgreSQL for servers).

The lake holds the facts (FOCUS rows in Parquet); this database says which lake files are live. Swapping a
set of files for another is one transaction here, so a crash leaves either the old set or the new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Ingest(Base):
    """One `balise ingest` run: all its sources land together or not at all."""

    __tablename__ = "ingests"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    sources: Mapped[list[Source]] = relationship(back_populates="ingest")


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    ingest_id: Mapped[str] = mapped_column(ForeignKey("ingests.id"))
    file_name: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(50))
    rows: Mapped[int] = mapped_column(BigInteger)
    rows_rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected_cost: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reject_file: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    periods: Mapped[list[str]] = mapped_column(default=list)
    parts: Mapped[int] = mapped_column(Integer, default=0)  # (provider, account, period) keys it brought
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    ingest: Mapped[Ingest] = relationship(back_populates="sources")


class LakeFile(Base):
    """One billing account's rows in a live Parquet file of the lake (a file may hold several accounts of one
    provider and period). Replacing an (account, period) deletes its rows here in the same transaction that
    inserts the new ones."""

    __tablename__ = "lake_files"
    __table_args__ = (
        Index("ix_lake_key", "tenant_id", "provider", "billing_account_id", "period"),
        UniqueConstraint("path", "billing_account_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    provider: Mapped[str] = mapped_column(String(50))
    billing_account_id: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(7))
    path: Mapped[str] = mapped_column(String(1000))  # relative to the lake root
    rows: Mapped[int] = mapped_column(BigInteger)
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- what people decided: settings, budgets, findings, notifications (migration 0002) ---------------------

class TenantSetting(Base):
    """A tenant's configuration document by key: ``kpis`` (KPI overrides and additions), ``allocation`` (tag
    aliases, value normalisation, shared-cost splits), ``policy`` (rule selection and parameters). The value is
    the validated document, and ``source`` the YAML text it came from when imported from a file."""

    __tablename__ = "tenant_settings"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    key: Mapped[str] = mapped_column(String(50))
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Budget(Base):
    """A monthly budget (optionally with a yearly amount) for a tenant, or for one tag value of it."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(200))
    tag_key: Mapped[str | None] = mapped_column(String(200), nullable=True)  # None: the whole tenant
    tag_value: Mapped[str | None] = mapped_column(String(500), nullable=True)
    monthly: Mapped[float] = mapped_column(Float)
    yearly: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Alert thresholds as fractions of the budget: on actual spend, and on the month-end forecast.
    thresholds_actual: Mapped[list[float]] = mapped_column(JSON, default=list)
    thresholds_forecast: Mapped[list[float]] = mapped_column(JSON, default=list)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FindingRecord(Base):
    """A finding's lifecycle: the latest evaluation of (rule, subject) and what people decided about it."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("tenant_id", "fingerprint"), Index("ix_findings_tenant_state", "tenant_id",
                                                                           "lifecycle"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    fingerprint: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(30))
    domain: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))  # FAIL / PASS / UNKNOWN at the last evaluation
    lifecycle: Mapped[str] = mapped_column(String(15))  # open / acknowledged / resolved / suppressed
    subject: Mapped[dict[str, Any]] = mapped_column(default=dict)
    title_en: Mapped[str] = mapped_column(Text)
    title_fr: Mapped[str] = mapped_column(Text)
    remediation_en: Mapped[str] = mapped_column(Text)
    remediation_fr: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    monthly_saving_eur: Mapped[float | None] = mapped_column(Float, nullable=True)
    monthly_kgco2e: Mapped[float | None] = mapped_column(Float, nullable=True)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # of the last ack / suppress / resolve
    suppressed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FindingEvent(Base):
    """Every change of a finding's lifecycle, by whom and why (the audit trail of decisions)."""

    __tablename__ = "finding_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(20))  # opened, acknowledged, suppressed, resolved, reopened, expired
    before: Mapped[str | None] = mapped_column(String(15), nullable=True)
    after: Mapped[str] = mapped_column(String(15))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class BusinessUnit(Base):
    """A business volume per month (requests, orders, active users…) for unit-cost KPIs."""

    __tablename__ = "business_units"
    __table_args__ = (UniqueConstraint("tenant_id", "unit", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    unit: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(String(7))
    quantity: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(1000))
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class UtilisationFile(Base):
    """An import of CPU / memory utilisation samples (CSV or Prometheus), stored as Parquet in the workspace."""

    __tablename__ = "utilisation_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000))  # relative to the workspace
    source: Mapped[str] = mapped_column(String(1000))  # file name or Prometheus URL and query
    sha256: Mapped[str] = mapped_column(String(64))
    resources: Mapped[int] = mapped_column(Integer)
    samples: Mapped[int] = mapped_column(BigInteger)
    first: Mapped[datetime] = mapped_column(DateTime)
    last: Mapped[datetime] = mapped_column(DateTime)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class NotificationChannel(Base):
    """Where a tenant's alerts go (see ``balise.notify.channel`` for the configuration keys by kind)."""

    __tablename__ = "notification_channels"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # webhook, slack, teams, email
    lang: Mapped[str] = mapped_column(String(5), default="en")  # language of the messages sent to it
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)  # url / smtp host, port, from, to…
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class NotificationSent(Base):
    """Every send attempt's outcome: sent, failed (after retries), deduplicated or rate-limited."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_dedup", "channel_id", "dedup_key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    # NULL once the channel is removed; ``channel`` keeps its name so the log still reads.
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("notification_channels.id", ondelete="SET NULL"),
                                                   nullable=True)
    channel: Mapped[str] = mapped_column(String(100))
    dedup_key: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcome: Mapped[str] = mapped_column(String(20))  # sent, failed, deduplicated, rate_limited
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)


# --- Sovereignty and posture (issue 5) -------------------------------------------------------------------------
# The workloads file, the chosen policy packs and the responsibility (RACI) matrix are whole documents, kept in
# ``tenant_settings`` (keys "workloads", "compliance", "responsibility") so that an import replaces them in one
# write. Evidence and report snapshots are rows of their own.


class Evidence(Base):
    """Proof that a posture control is in place: when, by whom, a link or a stored file and its sha256."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_tenant_control", "tenant_id", "control"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    control: Mapped[str] = mapped_column(String(50))  # control code, e.g. "POS-007"
    date: Mapped[datetime] = mapped_column(DateTime)  # when the control was performed / verified
    by: Mapped[str] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    file_name: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    stored_path: Mapped[str | None] = mapped_column(String(1000), nullable=True)  # under <workspace>/evidence/
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    origin: Mapped[str] = mapped_column(String(20), default="manual")  # manual | detected
    added_at: Mapped[datetime] = mapped_column(DateTime)


class ComplianceReport(Base):
    """A compliance report as issued: its figures, so the next one can say what changed."""

    __tablename__ = "compliance_reports"
    __table_args__ = (Index("ix_compliance_reports_tenant", "tenant_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    lang: Mapped[str] = mapped_column(String(5))
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- Web cockpit and API (issue 6) -----------------------------------------------------------------------------


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(500), nullable=True)  # argon2; None: OIDC only
    oidc_subject: Mapped[str | None] = mapped_column(String(500), nullable=True, unique=True)
    locale: Mapped[str | None] = mapped_column(String(5), nullable=True)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)  # manages tenants and users
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Membership(Base):
    """A user's role on one tenant: viewer, editor, admin, or operator (an MSP's staff on a granted tenant)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A personal API token; only its hash is stored (the token is shown once, at creation)."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), index=True)  # first characters, to find and to show
    token_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class WebSession(Base):
    """A browser session: the cookie carries the id, the database its sha256 and its CSRF secret."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginAttempt(Base):
    """Failed logins, by key (e-mail and client address), for rate limiting across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """Every state-changing action: who, when, what, on which object, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_tenant_at", "tenant_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(320))  # user e-mail, "token:<prefix>", or "cli"
    action: Mapped[str] = mapped_column(String(100))  # e.g. "finding.ack", "budget.create"
    object: Mapped[str | None] = mapped_column(String(500), nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
