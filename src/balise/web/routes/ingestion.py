"""Ingestion: upload a billing file (size limit, type check, stored with its sha256), the history of sources
with rows, totals and checksums, and each source's reject file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response

from balise.errors import UserInputError
from balise.i18n import Text
from balise.services import accounts, views
from balise.services.ingest import IngestResult
from balise.services.sources import list_sources
from balise.web.deps import Csrf, LangDep, SettingsDep, TenantAccess, TenantDep, WsDep
from balise.web.render import page

router = APIRouter(include_in_schema=False)


def check_length(request: Request, max_mb: int) -> None:
    """Refuse a body announced larger than the limit before reading it (the copy checks again as it reads)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_mb * 1024 * 1024 + 64 * 1024:
        from balise.errors import UsageError
        from balise.i18n import web_messages as wm
        raise UsageError(wm.UPLOAD_TOO_LARGE(limit=max_mb))


def upload(ws: WsDep, settings: SettingsDep, tenant: TenantAccess, file: UploadFile, skip_bad_rows: bool
           ) -> IngestResult:
    tenant.require(accounts.CAN_EDIT)
    stored = views.store_upload(ws, file.filename or "upload", file.file, settings.upload_max_mb * 1024 * 1024)
    result = views.ingest_upload(ws, tenant.name, stored, skip_bad_rows=skip_bad_rows)
    accounts.audit(ws, tenant.name, tenant.actor, "ingest.upload", f"ingest:{result.ingest_id}", None,
                   {"file": stored.name, "sha256": stored.sha256, "bytes": stored.size,
                    "rows": sum(s.rows for s in result.sources),
                    "rejected": sum(s.rejected for s in result.sources)})
    return result


def _page(request: Request, ws: WsDep, lang: LangDep, tenant: TenantAccess, *, status: int = 200,
          error: str | None = None, result: IngestResult | None = None, settings: SettingsDep) -> HTMLResponse:
    return page(request, "ingestion.html", lang, tenant.principal, tenant, active="ingestion", status=status,
                sources=list(reversed(list_sources(ws, tenant.name))), error=error, result=result,
                max_mb=settings.upload_max_mb, suffixes=", ".join(views.UPLOAD_SUFFIXES))


@router.get("/t/{tenant}/ingestion")
def history(request: Request, ws: WsDep, lang: LangDep, settings: SettingsDep, tenant: TenantDep) -> HTMLResponse:
    return _page(request, ws, lang, tenant, settings=settings)


@router.post("/t/{tenant}/ingestion", dependencies=[Csrf])
def post(request: Request, ws: WsDep, lang: LangDep, settings: SettingsDep, tenant: TenantDep,
         file: UploadFile | None = None, skip_bad_rows: Annotated[bool, Form()] = False) -> HTMLResponse:
    tenant.require(accounts.CAN_EDIT)
    try:
        check_length(request, settings.upload_max_mb)
        if file is None or not file.filename:
            from balise.errors import UsageError
            from balise.i18n import web_messages as wm
            raise UsageError(wm.UPLOAD_EMPTY())
        result = upload(ws, settings, tenant, file, skip_bad_rows)
    except UserInputError as e:  # a malformed file: its message, in the page, with a 400
        message = e.text.render(lang) if isinstance(e.text, Text) else str(e)
        return _page(request, ws, lang, tenant, status=400, error=message, settings=settings)
    return _page(request, ws, lang, tenant, result=result, settings=settings)


@router.get("/t/{tenant}/ingestion/{source_id}/rejects")
def rejects(ws: WsDep, tenant: TenantDep, source_id: int) -> Response:
    path = views.reject_file(ws, tenant.name, source_id)
    if not path.exists():
        raise HTTPException(404)
    return FileResponse(path, media_type="text/csv", filename=f"source-{source_id}-rejects.csv")
