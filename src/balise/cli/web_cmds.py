"""`balise serve` (the web cockpit and REST API) and the administration of its users and API tokens."""

from __future__ import annotations

import os
import secrets
import sys
from typing import Annotated

import typer

from balise.cli import render
from balise.cli.app import Output, app, h, state, workspace
from balise.errors import UsageError
from balise.i18n import web_messages as wm

users_app = typer.Typer(help=h(wm.HELP_USERS), no_args_is_help=True, add_completion=False)
tokens_app = typer.Typer(help=h(wm.HELP_TOKENS), no_args_is_help=True, add_completion=False)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

Email = Annotated[str, typer.Argument(help=h(wm.HELP_EMAIL), show_default=False)]
Fmt = Annotated[Output, typer.Option("--format", "-f")]
DEMO_EMAIL = "demo@balise.local"


def demo_login() -> tuple[str, str]:
    """Create the demo login (admin of tenant demo) or give it a new password; returns (e-mail, password)."""
    from balise.services import accounts
    from balise.services.demo import DEMO_TENANT

    ws = workspace()
    if DEMO_TENANT not in {t.name for t in ws.tenants()}:
        raise UsageError(wm.NO_DEMO())
    password = secrets.token_urlsafe(9)
    known = {u.email for u, _ in accounts.list_users(ws)}
    if DEMO_EMAIL in known:
        accounts.set_password(ws, DEMO_EMAIL, password)
    else:
        accounts.add_user(ws, DEMO_EMAIL, "Demo", password, locale=None)
    accounts.grant(ws, DEMO_EMAIL, DEMO_TENANT, "admin")
    return DEMO_EMAIL, password


@app.command(help=h(wm.HELP_SERVE))
def serve(
    host: Annotated[str, typer.Option("--host", help=h(wm.HELP_HOST))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help=h(wm.HELP_PORT))] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help=h(wm.HELP_WORKERS))] = 1,
    demo: Annotated[bool, typer.Option("--demo", help=h(wm.HELP_DEMO_LOGIN))] = False,
) -> None:
    import uvicorn

    ws = workspace()
    if workers > 1 and ws.database_url.startswith("sqlite"):
        raise UsageError(wm.WORKERS_NEED_PG(n=workers))
    if demo:
        email, password = demo_login()
        render.say(wm.DEMO_LOGIN(email=email, password=password))
    os.environ["BALISE_HOME"] = str(ws.home)
    os.environ["BALISE_DATABASE_URL"] = ws.database_url
    shown = f"[{host}]" if ":" in host else host
    render.say(wm.SERVING(url=f"http://{shown}:{port}/", workspace=str(ws.home)))
    sys.stdout.flush()
    ws.close()
    state.ws = None
    uvicorn.run("balise.web.asgi:create", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=True, server_header=False)


def _password(stdin: bool) -> str:
    if stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(h(wm.PASSWORD_PROMPT), hide_input=True, confirmation_prompt=True))


@users_app.command("add", help=h(wm.HELP_USERS_ADD))
def users_add(
    email: Email,
    name: Annotated[str, typer.Option("--name", help=h(wm.HELP_NAME))] = "",
    superuser: Annotated[bool, typer.Option("--superuser", help=h(wm.HELP_SUPERUSER))] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    role: Annotated[str, typer.Option("--role", help=h(wm.HELP_ROLE))] = "viewer",
) -> None:
    from balise.services import accounts

    accounts.check_role(role)
    if tenant is not None:
        workspace().tenant(tenant)
    u = accounts.add_user(workspace(), email, name or email, _password(password_stdin), superuser=superuser)
    render.say(wm.USER_ADDED(email=u.email))
    if tenant is not None:
        accounts.grant(workspace(), u.email, tenant, role)
        render.say(wm.GRANTED(email=u.email, role=role, tenant=tenant))


@users_app.command("list", help=h(wm.HELP_USERS_LIST))
def users_list(fmt: Fmt = Output.table) -> None:
    from balise.services import accounts

    items = accounts.list_users(workspace())
    if fmt == Output.json:
        render.as_json([{"email": u.email, "name": u.name, "superuser": u.is_superuser, "disabled": u.disabled,
                         "roles": {x.tenant: x.role for x in ms}} for u, ms in items])
        return
    if not items:
        render.say(wm.USERS_NONE())
        return
    render.table(None, [wm.H_EMAIL(), wm.HELP_NAME(), wm.H_ROLES()],
                 [[u.email, u.name, (str(wm.SUPERUSER()) + "; " if u.is_superuser else "")
                   + ", ".join(f"{x.tenant}={x.role}" for x in ms)] for u, ms in items])


@users_app.command("grant", help=h(wm.HELP_USERS_GRANT))
def users_grant(email: Email, tenant: Annotated[str, typer.Option("--tenant", "-t")],
                role: Annotated[str, typer.Option("--role", help=h(wm.HELP_ROLE))]) -> None:
    from balise.services import accounts

    accounts.grant(workspace(), email, tenant, role)
    render.say(wm.GRANTED(email=email, role=role, tenant=tenant))


@users_app.command("revoke", help=h(wm.HELP_USERS_REVOKE))
def users_revoke(email: Email, tenant: Annotated[str, typer.Option("--tenant", "-t")]) -> None:
    from balise.services import accounts

    accounts.revoke(workspace(), email, tenant)
    render.say(wm.REVOKED(email=email, tenant=tenant))


@tokens_app.command("create", help=h(wm.HELP_TOKENS_CREATE))
def tokens_create(email: Email, name: Annotated[str, typer.Option("--name", help=h(wm.HELP_TOKEN_NAME))],
                  days: Annotated[int | None, typer.Option("--days", help=h(wm.HELP_DAYS))] = None,
                  fmt: Fmt = Output.table) -> None:
    from balise.services import accounts

    new = accounts.create_token(workspace(), email, name, days=days)
    if fmt == Output.json:
        render.as_json({"id": new.view.id, "name": new.view.name, "prefix": new.view.prefix, "token": new.token})
        return
    render.say(wm.TOKEN_CREATED(id=new.view.id, name=new.view.name, email=email))
    print(new.token)


@tokens_app.command("list", help=h(wm.HELP_TOKENS_LIST))
def tokens_list(email: Email, fmt: Fmt = Output.table) -> None:
    from balise.services import accounts
    from balise.services.workspace import now

    items = accounts.list_tokens(workspace(), email)

    def state_of(t: accounts.TokenView) -> str:
        if t.revoked_at:
            return str(wm.ST_REVOKED())
        return str(wm.ST_EXPIRED() if t.expires_at and t.expires_at <= now() else wm.ST_ACTIVE())

    if fmt == Output.json:
        render.as_json([{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat() + "Z",
                         "last_used_at": t.last_used_at.isoformat() + "Z" if t.last_used_at else None,
                         "expires_at": t.expires_at.isoformat() + "Z" if t.expires_at else None,
                         "revoked": t.revoked_at is not None} for t in items])
        return
    if not items:
        render.say(wm.TOKENS_NONE())
        return
    render.table(None, ["#", wm.HELP_TOKEN_NAME(), wm.H_TOKEN(), wm.H_CREATED(), wm.H_LAST_USED(), wm.H_STATE()],
                 [[str(t.id), t.name, t.prefix + "…", t.created_at.strftime("%Y-%m-%d"),
                   t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "—", state_of(t)]
                  for t in items])


@tokens_app.command("revoke", help=h(wm.HELP_TOKENS_REVOKE))
def tokens_revoke(email: Email, token_id: Annotated[int, typer.Argument(show_default=False)]) -> None:
    from balise.services import accounts

    accounts.revoke_token(workspace(), email, token_id)
    render.say(wm.TOKEN_REVOKED(id=token_id))
