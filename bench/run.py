"""Ingest and query benchmarks, each side by side with its reference in the same run.

    .venv/bin/python bench/run.py --rows 1000000 10000000

For each size: generate the demo company's bills (CSV and Parquet), then time in separate processes
- DuckDB's own raw copy of the same files: COPY (SELECT * FROM read_csv(...)) TO '...parquet'
- `balise ingest` of the same files (detection, FOCUS conversion, validation, partitioning, atomic commit)
- `balise costs --by service` on the ingested lake (whole command, and the query alone in-process)
with peak memory (max RSS of the process, from wait4). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BALISE = [sys.executable, "-m", "balise"]


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB (the child's own, from wait4) and stdout of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(cmd)} failed")
    return wall, usage.ru_maxrss / 1024, out


def duckdb_copy(files: list[Path], out: Path, kind: str) -> list[str]:
    """DuckDB's raw copy of the same files to one Parquet file, in its own process."""
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    # files_to_sniff=-1: the providers' files differ in inferred types (AWS account ids look numeric, Azure's
    # are GUIDs), and DuckDB refuses the list otherwise; it is DuckDB's own remedy, and costs it little.
    reader = f"read_csv({listing}, files_to_sniff=-1)" if kind == "csv" else f"read_parquet({listing})"
    code = (f"import duckdb; c = duckdb.connect(config={{'memory_limit': '1GB'}}); "
            f"c.execute(\"COPY (SELECT * FROM {reader}) TO '{out}' (FORMAT parquet)\").fetchall()")
    return [sys.executable, "-c", code]


def duckdb_copy_each(files: list[Path], out: Path, kind: str) -> list[str]:
    """DuckDB's raw copy of each file on its own (auto-detection per file), all in one process."""
    reader = "read_csv" if kind == "csv" else "read_parquet"
    code = ("import duckdb, sys; c = duckdb.connect(config={'memory_limit': '1GB'})\n"
            f"for i, f in enumerate({[str(f) for f in files]!r}):\n"
            f"    c.execute(f\"COPY (SELECT * FROM {reader}('{{f}}')) TO '{out}-{{i}}.parquet' (FORMAT parquet)\")"
            ".fetchall()")
    return [sys.executable, "-c", code]


def query_only(workspace: Path, repeat: int = 5) -> float:
    code = ("import time, statistics; from balise.services.workspace import open_workspace; "
            "from balise.services.costs import costs; from balise import engine; "
            f"ws = open_workspace(__import__('pathlib').Path('{workspace}')); con = engine.connect(); ts = []\n"
            f"for _ in range({repeat}):\n"
            "    t = time.perf_counter(); costs(ws, 'bench', 'service', con=con); ts.append(time.perf_counter() - t)\n"
            "print(statistics.median(ts))")
    return float(subprocess.check_output([sys.executable, "-c", code], text=True).strip())


def generate(data: Path, rows: int, kind: str) -> list[Path]:
    """The demo bills, generated in a child process: this process must stay small, because a child's peak RSS
    as the kernel reports it (wait4) starts from its parent's at fork time."""
    code = ("from pathlib import Path; from balise.demo.generator import generate; "
            f"print('\\n'.join(str(p) for p in generate(Path('{data}'), {rows}, fmt='{kind}')))")
    out = subprocess.check_output([sys.executable, "-c", code], text=True)
    return [Path(line) for line in out.splitlines() if line]


def bench(rows: int, work: Path) -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    for kind in ("csv", "parquet"):
        data = work / f"data-{kind}"
        data.mkdir()
        files = generate(data, rows, kind)
        size = sum(f.stat().st_size for f in files)
        ref_wall, ref_rss, _ = timed(duckdb_copy(files, work / f"ref-{kind}.parquet", kind))
        each_wall, _, _ = timed(duckdb_copy_each(files, work / f"each-{kind}", kind))
        ws = work / f"ws-{kind}"
        wall, rss, out = timed([*BALISE, "--workspace", str(ws), "ingest", str(data), "--tenant", "bench",
                                "-o", "json"])
        ingested = sum(s["rows"] for s in json.loads(out)["sources"])
        assert ingested == rows, (ingested, rows)
        results.append({"what": f"ingest {kind}", "rows": rows, "files": len(files), "bytes": size,
                        "duckdb_s": ref_wall, "each_s": each_wall, "duckdb_rss": ref_rss, "balise_s": wall,
                        "balise_rss": rss, "ratio": ref_wall / wall, "ratio_each": each_wall / wall})
        if kind == "csv":
            walls = [timed([*BALISE, "--workspace", str(ws), "costs", "--tenant", "bench", "--by", "service",
                            "-f", "json"])[0] for _ in range(5)]
            results.append({"what": "costs --by service", "rows": rows, "command_s": statistics.median(walls),
                            "query_s": query_only(ws)})
        shutil.rmtree(data)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    import resource

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; this process's own peak RSS (a floor for the children's): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    all_results = []
    for n in args.rows:
        work = Path(tempfile.mkdtemp(prefix="balise-bench-", dir=args.work))
        try:
            all_results += bench(n, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("\n| what | rows | input | DuckDB raw copy, all files in one COPY | DuckDB raw copy, file by file | "
          "Balise ingest | Balise speed / DuckDB (one COPY, file by file) | peak RSS DuckDB | peak RSS Balise |"
          "\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in all_results:
        if str(r["what"]).startswith("ingest"):
            print(f"| {r['what']} | {r['rows']:,} | {r['files']} files, {r['bytes'] / 1e6:,.0f} MB | "
                  f"{r['duckdb_s']:.2f} s | {r['each_s']:.2f} s | "
                  f"{r['balise_s']:.2f} s ({r['rows'] / r['balise_s']:,.0f} rows/s) | "
                  f"{r['ratio']:.2f}, {r['ratio_each']:.2f} | {r['duckdb_rss']:,.0f} MiB | "
                  f"{r['balise_rss']:,.0f} MiB |")
    print("\n| query | rows | whole command (median of 5) | query alone (median of 5) |\n|---|---:|---:|---:|")
    for r in all_results:
        if r["what"] == "costs --by service":
            print(f"| {r['what']} | {r['rows']:,} | {r['command_s']:.3f} s | {r['query_s']:.3f} s |")


if __name__ == "__main__":
    main()
