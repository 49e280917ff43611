"""`balise users`, `balise tokens` and `balise serve` through the real CLI (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from balise.services import accounts
from balise.services.workspace import open_workspace


def run(home: Path, *args: str, stdin: str = "", lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    env["BALISE_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "balise", "--workspace", str(home), *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


def test_users_and_tokens(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    ws = open_workspace(home)
    accounts.create_tenant(ws, "acme")
    ws.close()
    r = run(home, "users", "add", "Daf@Acme.test", "--name", "Claire", "--tenant", "acme", "--role", "editor",
            stdin="a-long-password-1\n")
    assert r.returncode == 0, r.stderr
    assert "User daf@acme.test added." in r.stdout and "daf@acme.test is editor on acme." in r.stdout
    r = run(home, "users", "add", "x@acme.test", stdin="short\n", lang="fr")
    assert r.returncode == 2 and "trop court" in r.stderr + r.stdout
    r = run(home, "users", "grant", "daf@acme.test", "--tenant", "acme", "--role", "boss")
    assert r.returncode == 2 and "viewer, editor, operator, admin" in r.stderr + r.stdout
    assert run(home, "users", "grant", "daf@acme.test", "--tenant", "acme", "--role", "admin").returncode == 0
    users = json.loads(run(home, "users", "list", "-f", "json").stdout)
    assert users == [{"email": "daf@acme.test", "name": "Claire", "superuser": False, "disabled": False,
                      "roles": {"acme": "admin"}}]
    made = json.loads(run(home, "tokens", "create", "daf@acme.test", "--name", "grafana", "-f", "json").stdout)
    assert made["token"].startswith("blz_") and made["prefix"] == made["token"][:12]
    listed = json.loads(run(home, "tokens", "list", "daf@acme.test", "-f", "json").stdout)
    assert [t["name"] for t in listed] == ["grafana"] and "token" not in listed[0] and not listed[0]["revoked"]
    assert run(home, "tokens", "revoke", "daf@acme.test", str(made["id"])).returncode == 0
    assert json.loads(run(home, "tokens", "list", "daf@acme.test", "-f", "json").stdout)[0]["revoked"]
    r = run(home, "tokens", "revoke", "daf@acme.test", "999")
    assert r.returncode == 2 and "no token #999" in r.stderr + r.stdout
    r = run(home, "users", "revoke", "daf@acme.test", "--tenant", "acme")
    assert r.returncode == 0
    ws = open_workspace(home)
    actions = [e.action for e in accounts.audit_log(ws, "acme")]
    ws.close()
    assert actions == ["membership.revoke", "membership.grant", "membership.grant", "tenant.create"]


def test_serve_refuses_several_workers_on_sqlite_and_demo_needs_the_demo(tmp_path: Path) -> None:
    r = run(tmp_path / "ws", "serve", "--workers", "3")
    assert r.returncode == 2 and "PostgreSQL" in r.stderr + r.stdout
    r = run(tmp_path / "ws", "serve", "--demo")
    assert r.returncode == 2 and "balise demo" in r.stderr + r.stdout


@pytest.mark.parametrize("web", ["postgres"], indirect=True)
def test_serve_with_several_workers_on_postgresql(web) -> None:  # type: ignore[no-untyped-def]
    """Server mode: PostgreSQL state, two uvicorn workers, both answering logged-in API calls."""
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "BALISE_HOME"}
    env["BALISE_DATABASE_URL"] = web.url
    proc = subprocess.Popen([sys.executable, "-m", "balise", "--workspace", str(web.home), "serve", "--port",
                             str(port), "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = web.token("viewer@demo.test")
        with httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=60) as c:
            results = [c.get("/api/v1/tenants/demo/findings").status_code for _ in range(8)]
        assert results == [200] * 8
    finally:
        proc.terminate()
        proc.wait(timeout=20)
