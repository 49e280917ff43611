"""KPIs and findings benchmark (issue 3: all KPIs and findings of one tenant, 12 months, 10 M rows, under 3 s).

    .venv/bin/python bench/finops.py --rows 10000000 --work /tmp          # generate, ingest, measure
    .venv/bin/python bench/finops.py --workspace WS --tenant bench         # measure an existing workspace

Side by side in one run, on the same workspace:
- reference: the plain cost query of issue 2 (``costs --by service``, in-process, warm): what one scan of the
  tenant's rows costs on this machine at this moment;
- every KPI and every finding of the tenant (``balise.services.cockpit.evaluate_all``: one rule context, the
  KPIs, then the rules with the findings persisted), in-process, warm, median of ``--repeat`` runs, with the
  time of each rule;
- the whole commands a user runs (``balise kpis``, ``balise findings``, ``balise check``), cold processes,
  median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BALISE = [sys.executable, "-m", "balise"]


def in_process(workspace: Path, tenant: str, repeat: int) -> dict[str, object]:
    code = f"""
import gc, json, statistics, time
from pathlib import Path
from balise import engine
from balise.services.workspace import open_workspace
from balise.services.costs import costs
from balise.services.cockpit import evaluate_all
ws = open_workspace(Path({str(workspace)!r}))
con = engine.connect()
costs(ws, {tenant!r}, 'service', con=con)   # warm the file cache for both
evaluate_all(ws, {tenant!r})                 # and the rollups, if the workspace was made without them
gc.freeze(); gc.set_threshold(50_000, 20, 50)  # as the CLI does (balise.cli.app.main)
ref, full, last = [], [], None
for _ in range({repeat}):
    t = time.perf_counter(); costs(ws, {tenant!r}, 'service', con=con); ref.append(time.perf_counter() - t)
    t = time.perf_counter(); last = evaluate_all(ws, {tenant!r}); full.append(time.perf_counter() - t)
rules = {{r.code: round(r.seconds, 3) for r in last.findings_run.rules}}
print(json.dumps({{"reference_s": statistics.median(ref), "all_s": statistics.median(full), "runs": full,
                  "kpis": len(last.kpis), "findings": len(last.findings_run.findings), "rules": rules,
                  "context_s": last.context_seconds, "kpis_s": last.kpis_seconds,
                  "rules_s": last.findings_run.rules_seconds, "persist_s": last.findings_run.persist_seconds}}))
"""
    return json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))  # type: ignore[no-any-return]


def command(workspace: Path, args: list[str], repeat: int) -> float:
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([*BALISE, "--workspace", str(workspace), *args], capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):  # check exits 1 when something is in alert
            raise SystemExit(f"{args} failed: {proc.stderr}")
    return statistics.median(walls)


def prepare(rows: int, work: Path) -> Path:
    data, ws = work / "data", work / "ws"
    code = ("from pathlib import Path; from balise.demo.generator import generate; "
            f"generate(Path({str(data)!r}), {rows}, fmt='parquet')")
    subprocess.check_call([sys.executable, "-c", code])
    start = time.perf_counter()
    subprocess.check_call([*BALISE, "--workspace", str(ws), "ingest", str(data), "--tenant", "bench", "-o", "json"],
                          stdout=subprocess.DEVNULL)
    print(f"ingest of {rows:,} rows (Parquet, with rollups): {time.perf_counter() - start:.1f} s")
    return ws


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--workspace", type=Path, default=None)
    ap.add_argument("--tenant", default="bench")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    ws = args.workspace or prepare(args.rows, Path(tempfile.mkdtemp(prefix="balise-finops-", dir=args.work)))
    r = in_process(ws, args.tenant, args.repeat)
    cmds = {name: command(ws, [name, "--tenant", args.tenant, "-f", "json"], args.repeat)
            for name in ("kpis", "findings", "check")}
    print(f"\n| what | median of {args.repeat} |\n|---|---:|")
    print(f"| reference: costs --by service query, in-process | {r['reference_s']:.3f} s |")
    print(f"| all KPIs ({r['kpis']}) and findings ({r['findings']}), in-process | {r['all_s']:.3f} s |")
    print(f"| … of which: context {r['context_s']:.3f} s, KPIs {r['kpis_s']:.3f} s, rules {r['rules_s']:.3f} s, "
          f"persist {r['persist_s']:.3f} s (last run) | |")
    for name, wall in cmds.items():
        print(f"| `balise {name} --tenant {args.tenant} -f json`, whole command | {wall:.3f} s |")
    print("\nper rule (last run): " + ", ".join(f"{k} {v:.3f} s" for k, v in sorted(r["rules"].items())))  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
