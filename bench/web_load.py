"""Load benchmark of the web cockpit: `balise serve` in one process, this load tool in another, on loopback.

    python bench/web_load.py --workspace DIR [--users 50] [--seconds 60] [--tenant demo]

Creates (or resets) a benchmark login in the workspace, starts the server, warms each page once, then runs
``--users`` concurrent simulated users (asyncio + httpx, each with its own session) cycling through the pages
for ``--seconds``. Prints per page: requests, errors, p50 and p95 latency (ms), and the totals; exits 1 on any
error. Results are recorded in docs/benchmarks.md ("Web cockpit")."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

PAGES = ["/t/{t}/", "/t/{t}/costs", "/t/{t}/costs?by=tag:team", "/t/{t}/costs/resources?by=provider&key=aws",
         "/t/{t}/findings", "/t/{t}/carbon", "/t/{t}/sovereignty", "/t/{t}/posture", "/t/{t}/budgets",
         "/t/{t}/ingestion", "/t/{t}/settings", "/api/v1/tenants/{t}/overview", "/api/v1/tenants/{t}/findings"]
EMAIL, PASSWORD = "bench@balise.local", "bench-password-123"


def setup_user(home: Path, tenant: str) -> str:
    from balise.services import accounts
    from balise.services.workspace import open_workspace

    ws = open_workspace(home)
    try:
        if EMAIL in {u.email for u, _ in accounts.list_users(ws)}:
            accounts.set_password(ws, EMAIL, PASSWORD)
        else:
            accounts.add_user(ws, EMAIL, "Bench", PASSWORD)
        accounts.grant(ws, EMAIL, tenant, "viewer")
        from sqlalchemy import delete

        from balise.state.models import LoginAttempt
        with ws.session.begin() as s:
            s.execute(delete(LoginAttempt))
        return accounts.create_token(ws, EMAIL, "web_load benchmark", days=1).token
    finally:
        ws.close()


async def login(client: httpx.AsyncClient, token: str) -> None:
    client.headers["authorization"] = f"Bearer {token}"  # for /api/v1 (pages use the session cookie)
    r = await client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    r = await client.post("/login", data={"email": EMAIL, "password": PASSWORD, "login_csrf": token, "next": "/"})
    assert r.status_code == 303, r.status_code


async def user(base: str, token: str, pages: list[str], until: float, out: dict[str, list[float]],
               errors: dict[str, int], offset: int, think: tuple[float, float]) -> None:
    import random

    rnd = random.Random(offset)
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as c:
        await login(c, token)
        i = offset
        while time.perf_counter() < until:
            p = pages[i % len(pages)]
            i += 1
            t0 = time.perf_counter()
            try:
                r = await c.get(p)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            (out.setdefault(p, []) if ok else out.setdefault("_", [])).append((time.perf_counter() - t0) * 1000)
            if not ok:
                errors[p] = errors.get(p, 0) + 1
            if think[1] > 0:
                await asyncio.sleep(rnd.uniform(*think))


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


async def run(base: str, token: str, tenant: str, users: int, seconds: float, think: tuple[float, float]) -> int:
    pages = [p.format(t=tenant) for p in PAGES]
    async with httpx.AsyncClient(base_url=base, timeout=300) as c:  # warm: first computation of each page
        await login(c, token)
        for p in pages:
            t0 = time.perf_counter()
            r = await c.get(p)
            print(f"warm {p}: {r.status_code} in {(time.perf_counter() - t0) * 1000:.0f} ms")
    out: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    until = time.perf_counter() + seconds
    t0 = time.perf_counter()
    await asyncio.gather(*(user(base, token, pages, until, out, errors, i, think) for i in range(users)))
    wall = time.perf_counter() - t0
    total = sum(len(v) for k, v in out.items() if k != "_")
    print(f"\n{users} users for {seconds:.0f} s, think time {think[0]:g}-{think[1]:g} s: {total} requests "
          f"({total / wall:.1f}/s), {sum(errors.values())} errors")
    print(f"{'page':55} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for p in pages:
        xs = out.get(p, [])
        if xs:
            print(f"{p:55} {len(xs):>8} {statistics.median(xs):>8.0f} {pct(xs, 0.95):>8.0f}")
    allx = [x for k, v in out.items() if k != "_" for x in v]
    print(f"{'all pages':55} {len(allx):>8} {statistics.median(allx):>8.0f} {pct(allx, 0.95):>8.0f}")
    return 1 if errors else 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--tenant", default="demo")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--think", default="0-0", help="seconds each user waits between requests, MIN-MAX")
    a = ap.parse_args()
    lo, _, hi = a.think.partition("-")
    think = (float(lo), float(hi or lo))
    token = setup_user(a.workspace, a.tenant)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "BALISE_HOME"}
    server = subprocess.Popen([sys.executable, "-m", "balise", "--workspace", str(a.workspace), "serve",
                               "--port", str(port), "--workers", str(a.workers)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        code = asyncio.run(run(base, token, a.tenant, a.users, a.seconds, think))
    finally:
        server.terminate()
        server.wait(timeout=20)
    sys.exit(code)


if __name__ == "__main__":
    main()
