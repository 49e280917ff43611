"""Budgets: create and edit, and each one's burn-down against actual and forecast."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from balise.services import accounts, views
from balise.services import budgets as budgets_service
from balise.web.deps import Csrf, LangDep, RatesDep, TenantDep, WsDep
from balise.web.render import page

router = APIRouter(include_in_schema=False)


def _pct(values: tuple[float, ...]) -> str:
    return ", ".join(f"{v * 100:g}%" for v in values)


@router.get("/t/{tenant}/budgets")
def listing(request: Request, ws: WsDep, lang: LangDep, rates: RatesDep, tenant: TenantDep,
            edit: str | None = None) -> HTMLResponse:
    month, burns = views.budget_burndowns(ws, tenant.name, rates)
    defs = budgets_service.list_budgets(ws, tenant.name)
    editing = next((b for b in defs if b.name == edit), None) if edit else None
    if edit and editing is None:
        from fastapi import HTTPException
        raise HTTPException(404)
    return page(request, "budgets.html", lang, tenant.principal, tenant, active="budgets", month=month, burns=burns,
                defs=defs, editing=editing, pct=_pct)


def save(ws: WsDep, tenant: TenantDep, name: str, monthly: float, yearly: float | None, tag: str | None,
         actual: str | None, forecast: str | None, owner: str | None) -> budgets_service.BudgetDef:
    tenant.require(accounts.CAN_EDIT)
    before = next((b for b in budgets_service.list_budgets(ws, tenant.name) if b.name == name.strip()), None)
    b, _ = budgets_service.add_budget(ws, tenant.name, name.strip(), monthly, yearly=yearly, tag=tag or None,
                                      actual=actual or None, forecast=forecast or None, owner=owner or None)
    accounts.audit(ws, tenant.name, tenant.actor, "budget.update" if before else "budget.create", f"budget:{b.name}",
                   None if before is None else _doc(before), _doc(b))
    return b


def remove(ws: WsDep, tenant: TenantDep, name: str) -> None:
    tenant.require(accounts.CAN_EDIT)
    before = next((b for b in budgets_service.list_budgets(ws, tenant.name) if b.name == name), None)
    budgets_service.remove_budget(ws, tenant.name, name)
    accounts.audit(ws, tenant.name, tenant.actor, "budget.delete", f"budget:{name}",
                   None if before is None else _doc(before), None)


def _doc(b: budgets_service.BudgetDef) -> dict[str, object]:
    return {"name": b.name, "scope": b.scope, "monthly": b.monthly, "yearly": b.yearly, "owner": b.owner,
            "thresholds_actual": list(b.thresholds_actual), "thresholds_forecast": list(b.thresholds_forecast)}


Text200 = Annotated[str | None, Form(max_length=200)]


@router.post("/t/{tenant}/budgets", dependencies=[Csrf])
def create(ws: WsDep, tenant: TenantDep, name: Annotated[str, Form(max_length=200)],
           monthly: Annotated[float, Form(gt=0, lt=1e12)], yearly: Annotated[float | None, Form(gt=0, lt=1e13)] = None,
           tag: Text200 = None, actual: Text200 = None, forecast: Text200 = None, owner: Text200 = None) -> Response:
    save(ws, tenant, name, monthly, yearly, tag, actual, forecast, owner)
    return RedirectResponse(f"/t/{tenant.name}/budgets?done=saved", status_code=303)


@router.post("/t/{tenant}/budgets/{name}/delete", dependencies=[Csrf])
def delete(ws: WsDep, tenant: TenantDep, name: str) -> Response:
    remove(ws, tenant, name)
    return RedirectResponse(f"/t/{tenant.name}/budgets?done=deleted", status_code=303)
