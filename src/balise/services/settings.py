"""Per-tenant JSON documents in ``tenant_settings`` (KPI policy, allocation, carbon, workloads, posture…).

One small module with no Ibis, numpy or KPI import, so that commands reading a document (``balise posture``,
``balise sovereignty``) do not pay for the analysis stack (0.4 s of imports).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from balise.services.workspace import Workspace, now
from balise.state.models import TenantSetting


def get_setting(ws: Workspace, tenant: str, key: str) -> dict[str, Any] | None:
    t = ws.tenant(tenant)
    with ws.session() as s:
        row = s.scalar(select(TenantSetting).where(TenantSetting.tenant_id == t.id, TenantSetting.key == key))
        return None if row is None else dict(row.value)


def get_setting_source(ws: Workspace, tenant: str, key: str) -> str | None:
    t = ws.tenant(tenant)
    with ws.session() as s:
        return s.scalar(select(TenantSetting.source).where(TenantSetting.tenant_id == t.id,
                                                           TenantSetting.key == key))


def put_setting(ws: Workspace, tenant: str, key: str, value: dict[str, Any], source: str | None = None, *,
                keep_source: bool = True) -> None:
    """Store ``value`` under ``key``. ``source`` is the text the document was read from; a write without one
    keeps the earlier source (a KPI override on top of an imported file) unless ``keep_source`` is False
    (a document rewritten whole, not from a file)."""
    t = ws.tenant(tenant)
    with ws.session.begin() as s:
        row = s.scalar(select(TenantSetting).where(TenantSetting.tenant_id == t.id, TenantSetting.key == key))
        if row is None:
            s.add(TenantSetting(tenant_id=t.id, key=key, value=value, source=source, updated_at=now()))
            return
        row.value = value
        if source is not None or not keep_source:
            row.source = source
        row.updated_at = now()


def delete_setting(ws: Workspace, tenant: str, key: str) -> bool:
    t = ws.tenant(tenant)
    with ws.session.begin() as s:
        row = s.scalar(select(TenantSetting).where(TenantSetting.tenant_id == t.id, TenantSetting.key == key))
        if row is None:
            return False
        s.delete(row)
        return True
