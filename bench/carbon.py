"""Carbon annotation benchmark (issue 4: carbon of 10 M rows adds less than 30 % to the equivalent cost query).

    .venv/bin/balise --workspace /tmp/carbon10m demo --rows 10000000          # once (several minutes)
    .venv/bin/python bench/carbon.py --workspace /tmp/carbon10m --repeat 7

Side by side in one process, on the same workspace, alternating, each run on a fresh DuckDB connection:
- reference: ``balise.services.costs.costs(by=D, currency="EUR")``, the cost query by the same dimension,
  converted to EUR as the carbon figures are (the carbon query also sums cost in EUR);
- ``balise.services.carbon.estimate(by=D)``: the same scan (usage rows only), grouped by profile, month,
  currency and key (and measured utilisation, which the demo has), then the factors of each profile applied.
One warm-up run of each first (Parquet footers, reference data, offer catalog loaded once per process).

Carbon reads a per-lake-file usage summary (the ``usage`` rollup in ``<workspace>/cache/rollups/``, built with
the other rollups at ingest, or at the first query when missing); ``--cold`` also times the first query after
deleting those rollups (rebuilt from the 10 M rows): what a workspace pays when its cache was deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--tenant", default="demo")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--by", nargs="*", default=["service", "provider", "month", "region", "tag:team"])
    ap.add_argument("--cold", type=int, default=0, help="also time N cold runs (cache deleted) of --by service")
    args = ap.parse_args()

    from balise import engine
    from balise.reference.fx import ecb
    from balise.services import carbon
    from balise.services.context import rollup_dir
    from balise.services.costs import costs
    from balise.services.workspace import open_workspace

    ws = open_workspace(args.workspace)
    rates = ecb()
    rows = 0
    results = []
    for by in args.by:
        est = carbon.make_estimator(ws, args.tenant)
        costs(ws, args.tenant, by, currency="EUR", rates=rates, con=engine.connect())
        r = carbon.estimate(ws, args.tenant, by, rates=rates, con=engine.connect(), estimator=est)
        rows = r.rows
        t_cost, t_carbon = [], []
        for _ in range(args.repeat):
            con = engine.connect()
            t0 = time.perf_counter()
            costs(ws, args.tenant, by, currency="EUR", rates=rates, con=con)
            t_cost.append(time.perf_counter() - t0)
            con = engine.connect()
            t0 = time.perf_counter()
            carbon.estimate(ws, args.tenant, by, rates=rates, con=con, estimator=carbon.make_estimator(ws, args.tenant))
            t_carbon.append(time.perf_counter() - t0)
        c, k = statistics.median(t_cost), statistics.median(t_carbon)
        results.append({"by": by, "cost_s": round(c, 3), "carbon_s": round(k, 3),
                        "overhead": round(k / c - 1, 3), "lines": len(r.lines),
                        "kgco2e": round(sum(x.kgco2e for x in r.lines), 1)})
        print(f"--by {by:10s} cost {c:6.3f} s   carbon {k:6.3f} s   overhead {100 * (k / c - 1):+6.1f} %   "
              f"({len(r.lines)} lines)", flush=True)
    cold = []
    for _ in range(args.cold):
        for f in rollup_dir(ws).glob("*.usage.parquet"):  # the usage rollups only
            f.unlink()
        t0 = time.perf_counter()
        carbon.estimate(ws, args.tenant, "service", rates=rates, con=engine.connect())
        cold.append(time.perf_counter() - t0)
        con = engine.connect()
        t0 = time.perf_counter()
        costs(ws, args.tenant, "service", currency="EUR", rates=rates, con=con)
        cold.append(-(time.perf_counter() - t0))
    if cold:
        k = statistics.median([x for x in cold if x > 0])
        c = statistics.median([-x for x in cold if x < 0])
        results.append({"by": "service (cold: cache rebuilt)", "cost_s": round(c, 3), "carbon_s": round(k, 3),
                        "overhead": round(k / c - 1, 3)})
        print(f"--by service, cold: cost {c:6.3f} s   carbon {k:6.3f} s   overhead {100 * (k / c - 1):+6.1f} %")
    print(json.dumps({"workspace": str(args.workspace), "usage_rows": rows, "repeat": args.repeat,
                      "machine": f"{platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}",
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
