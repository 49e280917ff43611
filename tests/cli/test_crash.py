"""Crash safety: kill -9 an ingest at many moments; the workspace must show the old state or the new one,
complete, never a mix, and the next ingest must work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

SAMPLE = "focus/focus-1.0/focus_sample.csv"
COPIES = 3000  # 3 M rows: a few seconds of ingest on this machine


@pytest.mark.slow
def test_kill_9_mid_ingest_leaves_old_or_new_state(balise, shared_data: Path, tmp_path: Path) -> None:
    sample = shared_data / SAMPLE
    big = tmp_path / "big.parquet"
    duckdb.sql(f"COPY (SELECT s.* FROM read_csv('{sample}', nullstr='NULL') s, range({COPIES})) "
               f"TO '{big}' (FORMAT parquet)")
    balise("ingest", str(sample), "--tenant", "acme")
    old = balise.json("costs", "--tenant", "acme", "--by", "provider", "-f", "json")
    old_rows = sum(x["rows"] for x in old)
    assert old_rows == 1000

    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    outcomes = set()
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        proc = subprocess.Popen([sys.executable, "-m", "balise", "--workspace", str(balise.workspace), "ingest",
                                 str(big), "--tenant", "acme"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = balise.json("costs", "--tenant", "acme", "--by", "provider", "-f", "json")
        rows = sum(x["rows"] for x in now)
        assert rows in (old_rows, old_rows * COPIES), f"mixed state after kill at {delay}s: {rows} rows"
        if rows == old_rows:
            assert now == old
        outcomes.add(rows)
        # every source the state lists as live points at files that exist
        for s in json.loads(balise("sources", "--tenant", "acme", "-f", "json").stdout):
            assert s["status"] in ("live", "replaced", "partly_replaced")
    assert old_rows in outcomes, "no kill landed before the commit: make the file bigger"
    # after all that, a normal ingest still works and the totals are exact
    balise("ingest", str(sample), "--tenant", "acme")
    assert balise.json("costs", "--tenant", "acme", "--by", "provider", "-f", "json") == old
