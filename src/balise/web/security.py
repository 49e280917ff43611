"""Security headers on every response: a strict Content-Security-Policy (no inline script, nothing from another
origin), no framing, no sniffing, no referrer leaks, and HSTS when the request came over TLS."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def csp(form_origins: tuple[str, ...] = ()) -> str:
    """The policy; ``form_origins`` are added to form-action: the OIDC provider's origin, since Chromium applies
    form-action to the redirect that follows the "Sign in with …" form."""
    forms = " ".join(("'self'", *form_origins))
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            f"connect-src 'self'; form-action {forms}; base-uri 'none'; frame-ancestors 'none'")


CSP = csp()
# The API's OpenAPI viewer is not served (it needs a CDN); the JSON document is at /api/v1/openapi.json.
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def is_tls(scope: Scope, trust_forwarded: bool) -> bool:
    if scope.get("scheme") == "https":
        return True
    if trust_forwarded:
        for k, v in scope.get("headers", []):
            if k == b"x-forwarded-proto":
                return v.split(b",")[0].strip().lower() == b"https"
    return False


class SecurityHeaders:
    def __init__(self, app: ASGIApp, trust_forwarded: bool = True, form_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.trust_forwarded = trust_forwarded
        self.headers = [(b"content-security-policy", csp(form_origins).encode()) if k == b"content-security-policy"
                        else (k, v) for k, v in HEADERS]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = is_tls(scope, self.trust_forwarded)
        path = scope.get("path", "")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in {k for k, _ in HEADERS}]
                headers += self.headers
                if tls:
                    headers.append(HSTS)
                if not path.startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)
