"""People and their access: users (argon2 password hashes), roles per tenant, personal API tokens, browser
sessions, the login rate limit and the audit log.

- **Roles** per tenant: ``viewer`` reads; ``editor`` also decides (findings, budgets, uploads); ``operator``
  (an MSP's staff on a tenant it was granted) and ``admin`` also configure (channels, KPI thresholds); only
  ``admin`` (and a superuser) manages who has access. A superuser sees every tenant as an admin.
- **Tokens and sessions** are random; the database keeps only their sha256, so a copy of the database opens
  nothing. A token is shown once, at creation.
- **Tenant isolation**: every function that takes a tenant and an object id looks the object up *within* that
  tenant; an object of another tenant is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select

from balise.errors import UsageError
from balise.i18n import web_messages as wm
from balise.services.workspace import Workspace, check_tenant_name, now
from balise.state.models import ApiToken, AuditEntry, LoginAttempt, Membership, Tenant, User, WebSession

ROLES = ("viewer", "editor", "operator", "admin")
CAN_EDIT = frozenset({"editor", "operator", "admin"})
CAN_CONFIGURE = frozenset({"operator", "admin"})
CAN_MANAGE = frozenset({"admin"})
TOKEN_PREFIX = "blz_"
SESSION_HOURS = 12
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MIN_PASSWORD = 10

# Lighter than argon2-cffi's defaults (64 MiB, 3 passes) so that a 2-core server stays responsive during a login
# burst, and still OWASP's recommended minimum for argon2id (19 MiB, 2 passes).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying against this hash when the e-mail is unknown takes the same time as a real check.
_DUMMY = _hasher.hash("not-a-password-" + secrets.token_hex(8))


@dataclass(frozen=True)
class UserView:
    id: int
    email: str
    name: str
    locale: str | None
    is_superuser: bool
    disabled: bool
    created_at: datetime


@dataclass(frozen=True)
class MembershipView:
    tenant: str
    role: str
    granted_at: datetime


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    view: TokenView
    token: str  # shown once


@dataclass(frozen=True)
class SessionInfo:
    cookie: str  # the value for the browser; only its sha256 is stored
    csrf: str
    user: UserView
    expires_at: datetime


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user, through a browser session or an API token, and their roles by tenant."""

    user: UserView
    roles: dict[str, str]  # tenant name -> role
    via: str  # "session" or "token:<prefix>"
    csrf: str | None = None

    @property
    def actor(self) -> str:
        return self.user.email if self.via == "session" else f"{self.user.email} ({self.via})"

    def role(self, tenant: str) -> str | None:
        return self.roles.get(tenant)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _user_view(u: User) -> UserView:
    return UserView(u.id, u.email, u.name, u.locale, u.is_superuser, u.disabled, u.created_at)


def _token_view(t: ApiToken) -> TokenView:
    return TokenView(t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, t.revoked_at)


# --- users ----------------------------------------------------------------------------------------------------

def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(wm.PASSWORD_SHORT(n=MIN_PASSWORD))
    return password


def add_user(ws: Workspace, email: str, name: str, password: str | None, *, superuser: bool = False,
             locale: str | None = None, actor: str = "cli") -> UserView:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise UsageError(wm.BAD_EMAIL(email=email))
    if locale not in (None, "en", "fr"):
        raise UsageError(wm.BAD_LOCALE(value=locale))
    hashed = _hasher.hash(check_password(password)) if password is not None else None
    with ws.session.begin() as s:
        if s.scalar(select(User.id).where(User.email == email)) is not None:
            raise UsageError(wm.USER_EXISTS(email=email))
        u = User(email=email, name=name.strip() or email, password_hash=hashed, locale=locale,
                 is_superuser=superuser, disabled=False, created_at=now())
        s.add(u)
        s.flush()
        view = _user_view(u)
    audit(ws, None, actor, "user.create", email, None, {"name": view.name, "superuser": superuser})
    return view


def set_password(ws: Workspace, email: str, password: str, *, actor: str = "cli") -> None:
    hashed = _hasher.hash(check_password(password))
    with ws.session.begin() as s:
        u = _user_row(s, email)
        u.password_hash = hashed
        s.execute(delete(WebSession).where(WebSession.user_id == u.id))  # other browsers are logged out
    audit(ws, None, actor, "user.password", email.strip().lower(), None, None)


def get_user(ws: Workspace, email: str) -> UserView:
    with ws.session() as s:
        return _user_view(_user_row(s, email))


def list_users(ws: Workspace, tenant: str | None = None) -> list[tuple[UserView, list[MembershipView]]]:
    """Every user (or those with a role on ``tenant``) with their memberships."""
    with ws.session() as s:
        q = select(User).order_by(User.email)
        if tenant is not None:
            tid = ws.tenant(tenant).id
            q = q.where(User.id.in_(select(Membership.user_id).where(Membership.tenant_id == tid)))
        users = list(s.scalars(q))
        names = {a: b for a, b in s.execute(select(Tenant.id, Tenant.name))}
        rows = s.execute(select(Membership).where(Membership.user_id.in_([u.id for u in users]))).scalars()
        by_user: dict[int, list[MembershipView]] = {}
        for mship in rows:
            if tenant is None or names[mship.tenant_id] == tenant:
                by_user.setdefault(mship.user_id, []).append(
                    MembershipView(names[mship.tenant_id], mship.role, mship.granted_at))
        return [(_user_view(u), sorted(by_user.get(u.id, []), key=lambda x: x.tenant)) for u in users]


def _user_row(s: Any, email: str) -> User:
    u = s.scalar(select(User).where(User.email == email.strip().lower()))
    if u is None:
        raise UsageError(wm.UNKNOWN_USER(email=email))
    return u  # type: ignore[no-any-return]


def set_locale(ws: Workspace, user_id: int, locale: str) -> None:
    if locale not in ("en", "fr"):
        raise UsageError(wm.BAD_LOCALE(value=locale))
    with ws.session.begin() as s:
        u = s.get(User, user_id)
        if u is not None:
            u.locale = locale


def set_disabled(ws: Workspace, email: str, disabled: bool, *, actor: str = "cli") -> UserView:
    with ws.session.begin() as s:
        u = _user_row(s, email)
        before = u.disabled
        u.disabled = disabled
        if disabled:
            s.execute(delete(WebSession).where(WebSession.user_id == u.id))
        view = _user_view(u)
    audit(ws, None, actor, "user.disable" if disabled else "user.enable", view.email,
          {"disabled": before}, {"disabled": disabled})
    return view


# --- memberships ----------------------------------------------------------------------------------------------

def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(wm.BAD_ROLE(role=role, known=", ".join(ROLES)))
    return role


def grant(ws: Workspace, email: str, tenant: str, role: str, *, actor: str = "cli") -> MembershipView:
    """Give ``email`` the ``role`` on ``tenant`` (replacing the role it had there)."""
    check_role(role)
    t = ws.tenant(tenant)
    with ws.session.begin() as s:
        u = _user_row(s, email)
        mship = s.scalar(select(Membership).where(Membership.user_id == u.id, Membership.tenant_id == t.id))
        before = None if mship is None else {"role": mship.role}
        if mship is None:
            mship = Membership(user_id=u.id, tenant_id=t.id, role=role, granted_at=now())
            s.add(mship)
        mship.role = role
        view = MembershipView(tenant, role, mship.granted_at)
        email = u.email
    audit(ws, tenant, actor, "membership.grant", email, before, {"role": role})
    return view


def revoke(ws: Workspace, email: str, tenant: str, *, actor: str = "cli") -> None:
    t = ws.tenant(tenant)
    with ws.session.begin() as s:
        u = _user_row(s, email)
        mship = s.scalar(select(Membership).where(Membership.user_id == u.id, Membership.tenant_id == t.id))
        if mship is None:
            raise UsageError(wm.NO_MEMBERSHIP(email=u.email, tenant=tenant))
        before = {"role": mship.role}
        s.delete(mship)
        email = u.email
    audit(ws, tenant, actor, "membership.revoke", email, before, None)


def roles_of(ws: Workspace, user: UserView) -> dict[str, str]:
    with ws.session() as s:
        if user.is_superuser:
            return dict.fromkeys(s.scalars(select(Tenant.name).order_by(Tenant.name)), "admin")
        q = (select(Tenant.name, Membership.role).join(Tenant, Tenant.id == Membership.tenant_id)
             .where(Membership.user_id == user.id).order_by(Tenant.name))
        return dict(((a, b) for a, b in s.execute(q)))


def create_tenant(ws: Workspace, name: str, *, actor: str = "cli") -> str:
    check_tenant_name(name)
    with ws.session.begin() as s:
        if s.scalar(select(Tenant.id).where(Tenant.name == name)) is not None:
            raise UsageError(wm.TENANT_EXISTS(tenant=name))
        s.add(Tenant(name=name, created_at=now()))
    audit(ws, name, actor, "tenant.create", name, None, {"name": name})
    return name


# --- passwords and sessions -----------------------------------------------------------------------------------

def _failures(s: Any, key: str, since: datetime) -> int:
    return int(s.scalar(select(func.count()).select_from(LoginAttempt)
                        .where(LoginAttempt.key == key, LoginAttempt.at >= since)) or 0)


def login(ws: Workspace, email: str, password: str, client: str = "?") -> SessionInfo:
    """Check the password and open a session. Too many failures for this e-mail (or from this client) in the
    last 15 minutes refuse even a right password until the window passes; every failure is recorded."""
    email = email.strip().lower()
    at = now()
    keys = (f"email:{email}"[:400], f"client:{client}"[:400])
    with ws.session() as s:
        if (_failures(s, keys[0], at - LOGIN_WINDOW) >= MAX_FAILURES_PER_EMAIL
                or _failures(s, keys[1], at - LOGIN_WINDOW) >= MAX_FAILURES_PER_CLIENT):
            raise UsageError(wm.LOGIN_LOCKED(minutes=int(LOGIN_WINDOW.total_seconds() // 60)))
        u = s.scalar(select(User).where(User.email == email))
    ok = False
    try:
        if u is not None and u.password_hash and not u.disabled:
            ok = _hasher.verify(u.password_hash, password)
        else:
            _hasher.verify(_DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or u is None:
        with ws.session.begin() as s:
            s.execute(delete(LoginAttempt).where(LoginAttempt.at < at - LOGIN_WINDOW))  # the table stays small
            s.add_all([LoginAttempt(key=k, at=at) for k in keys])
        raise UsageError(wm.LOGIN_FAILED())
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = at + timedelta(hours=SESSION_HOURS)
    with ws.session.begin() as s:
        s.execute(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
        s.execute(delete(WebSession).where(WebSession.expires_at < at))
        s.add(WebSession(id=sha256(cookie), user_id=u.id, csrf=csrf, created_at=at, expires_at=expires))
        if _hasher.check_needs_rehash(u.password_hash or ""):
            row = s.get(User, u.id)
            if row is not None:
                row.password_hash = _hasher.hash(password)
    audit(ws, None, u.email, "session.login", u.email, None, {"client": client})
    return SessionInfo(cookie, csrf, _user_view(u), expires)


class OidcRefused(Exception):
    """An OpenID Connect login that Balise refuses: ``reason`` is "unknown" (no user has this subject and linking
    by e-mail is off or the e-mail is not verified), "domain" (e-mail domain not allowed), "disabled" or "locked"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def login_locked(ws: Workspace, client: str) -> bool:
    """Too many failed logins from this client address in the window (password or OIDC alike)."""
    with ws.session() as s:
        return _failures(s, f"client:{client}"[:400], now() - LOGIN_WINDOW) >= MAX_FAILURES_PER_CLIENT


def record_login_failure(ws: Workspace, client: str) -> None:
    at = now()
    with ws.session.begin() as s:
        s.execute(delete(LoginAttempt).where(LoginAttempt.at < at - LOGIN_WINDOW))
        s.add(LoginAttempt(key=f"client:{client}"[:400], at=at))


def oidc_login(ws: Workspace, subject: str, email: str | None, email_verified: bool, name: str | None, *,
               link_by_email: bool, email_domains: tuple[str, ...] = (), client: str = "?") -> SessionInfo:
    """Open a session for an identity the provider vouched for (its ID token already verified).

    The user is the one holding ``subject``; else, only when ``link_by_email`` and the e-mail is verified, the
    user with that e-mail (linked now, if not linked to another subject) or a new user with no password and no
    membership. Roles come from Balise's memberships only. A refusal records a failure for the rate limit."""
    if login_locked(ws, client):
        raise OidcRefused("locked")
    at = now()
    domain_ok = not email_domains or (email is not None and email.rsplit("@", 1)[-1] in email_domains)
    with ws.session() as s:
        u = s.scalar(select(User).where(User.oidc_subject == subject))
        by_mail = s.scalar(select(User).where(User.email == email)) if email else None
    reason = None
    if not domain_ok:
        reason = "domain"
    elif u is None and not (link_by_email and email_verified and email and EMAIL.match(email)):
        reason = "unknown"
    elif u is None and by_mail is not None and by_mail.oidc_subject is not None:
        reason = "unknown"  # that e-mail's user is linked to another subject
    elif (u or by_mail) is not None and bool(getattr(u or by_mail, "disabled", False)):
        reason = "disabled"
    if reason:
        record_login_failure(ws, client)
        raise OidcRefused(reason)
    if u is None:
        assert email is not None
        if by_mail is None:
            view = add_user(ws, email, (name or email.split("@")[0])[:200], None, actor=f"oidc:{email}")
            uid, action = view.id, "user.create_oidc"
        else:
            uid, action = by_mail.id, "user.link_oidc"
        with ws.session.begin() as s:
            row = s.get(User, uid)
            assert row is not None
            row.oidc_subject = subject
        with ws.session() as s:
            u = s.get(User, uid)
        assert u is not None
        audit(ws, None, email, action, email, {"oidc_subject": None}, {"oidc_subject": subject})
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = at + timedelta(hours=SESSION_HOURS)
    with ws.session.begin() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < at))
        s.add(WebSession(id=sha256(cookie), user_id=u.id, csrf=csrf, created_at=at, expires_at=expires))
    audit(ws, None, u.email, "session.login", u.email, None, {"client": client, "via": "oidc", "subject": subject})
    return SessionInfo(cookie, csrf, _user_view(u), expires)


def session_user(ws: Workspace, cookie: str) -> tuple[UserView, str] | None:
    """The user and CSRF secret of a live session cookie, or None."""
    if not cookie or len(cookie) > 200:
        return None
    with ws.session() as s:
        row = s.get(WebSession, sha256(cookie))
        if row is None or row.expires_at <= now():
            return None
        u = s.get(User, row.user_id)
        if u is None or u.disabled:
            return None
        return _user_view(u), row.csrf


def logout(ws: Workspace, cookie: str) -> None:
    with ws.session.begin() as s:
        row = s.get(WebSession, sha256(cookie))
        if row is None:
            return
        u = s.get(User, row.user_id)
        s.delete(row)
        email = u.email if u else "?"
    audit(ws, None, email, "session.logout", email, None, None)


# --- API tokens -----------------------------------------------------------------------------------------------

def create_token(ws: Workspace, email: str, name: str, *, days: int | None = None, actor: str = "cli") -> NewToken:
    if not name.strip():
        raise UsageError(wm.TOKEN_NAME_REQUIRED())
    if days is not None and not 1 <= days <= 3650:
        raise UsageError(wm.BAD_TOKEN_DAYS(days=days))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with ws.session.begin() as s:
        u = _user_row(s, email)
        row = ApiToken(user_id=u.id, name=name.strip()[:200], prefix=token[:12], token_hash=sha256(token),
                       created_at=now(), expires_at=now() + timedelta(days=days) if days else None)
        s.add(row)
        s.flush()
        view = _token_view(row)
        email = u.email
    audit(ws, None, actor, "token.create", f"{email}:{view.prefix}", None, {"name": view.name})
    return NewToken(view, token)


def list_tokens(ws: Workspace, email: str) -> list[TokenView]:
    with ws.session() as s:
        u = _user_row(s, email)
        return [_token_view(t) for t in s.scalars(select(ApiToken).where(ApiToken.user_id == u.id)
                                                  .order_by(ApiToken.created_at, ApiToken.id))]


def revoke_token(ws: Workspace, email: str, token_id: int, *, actor: str = "cli") -> TokenView:
    """Revoke one of ``email``'s tokens; another user's token is not found."""
    with ws.session.begin() as s:
        u = _user_row(s, email)
        row = s.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == u.id)) \
            if 0 < token_id < 2**31 else None
        if row is None:
            raise UsageError(wm.UNKNOWN_TOKEN(id=token_id))
        if row.revoked_at is None:
            row.revoked_at = now()
        view = _token_view(row)
        email = u.email
    audit(ws, None, actor, "token.revoke", f"{email}:{view.prefix}", None, {"revoked": True})
    return view


def token_user(ws: Workspace, token: str) -> tuple[UserView, str] | None:
    """The user and prefix of a live API token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    at = now()
    with ws.session.begin() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.prefix == token[:12], ApiToken.token_hash == sha256(token)))
        if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= at):
            return None
        u = s.get(User, row.user_id)
        if u is None or u.disabled:
            return None
        if row.last_used_at is None or at - row.last_used_at > timedelta(minutes=1):
            row.last_used_at = at  # at most one write a minute per token under load
        return _user_view(u), row.prefix


# --- audit log ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditView:
    at: datetime
    tenant: str | None
    actor: str
    action: str
    object: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit(ws: Workspace, tenant: str | None, actor: str, action: str, obj: str | None,
          before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Record one state-changing action (who, when, what, on which object, before and after)."""
    tid = ws.tenant(tenant).id if tenant else None
    with ws.session.begin() as s:
        s.add(AuditEntry(tenant_id=tid, at=now(), actor=actor[:320], action=action[:100],
                         object=None if obj is None else obj[:500], before=_jsonable(before),
                         after=_jsonable(after)))


def _jsonable(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in d.items()}


def audit_log(ws: Workspace, tenant: str | None, *, limit: int = 200) -> list[AuditView]:
    """The latest entries first: of one tenant, or those about no tenant (users, sessions) when None."""
    with ws.session() as s:
        q = select(AuditEntry)
        if tenant is None:
            q = q.where(AuditEntry.tenant_id.is_(None))
        else:
            q = q.where(AuditEntry.tenant_id == ws.tenant(tenant).id)
        rows = s.scalars(q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
        return [AuditView(r.at, tenant, r.actor, r.action, r.object, r.before, r.after) for r in rows]
