"""The lake's folders: where staged and live Parquet files go, and the lock that serialises swaps.

    <lake>/tenant=<t>/provider=<p>/period=<YYYY-MM>/<ingest>s<source>-<n>.parquet
        live, if the state database lists it (a file may hold several billing accounts)
    <lake>/_staging/<ingest>/
        being written

A file is live only when the state database lists it; files are never rewritten in place. A crash leaves at
worst unlisted files behind, which ``collect_garbage`` removes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb


class Lake:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def staging(self, ingest_id: str) -> Path:
        path = self.root / "_staging" / ingest_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def absolute(self, relative: str) -> Path:
        return self.root / relative

    def partition(self, tenant: str, provider: str, period: str) -> Path:
        """The lake-relative folder of a (tenant, provider, period) partition, created if needed."""
        folder = Path(f"tenant={tenant}") / f"provider={provider}" / f"period={period}"
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        return folder

    def place(self, tenant: str, provider: str, period: str, name: str, staged: Path) -> str:
        """Move a staged file into its partition folder; returns its lake-relative path."""
        rel = self.partition(tenant, provider, period) / f"{name}.parquet"
        os.replace(staged, self.root / rel)
        _fsync_dir(self.root / rel.parent)
        return str(rel)

    def rewrite_without(self, con: duckdb.DuckDBPyConnection, relative: str, keep_accounts: list[str],
                        name: str) -> str:
        """Copy a live file keeping only the given billing accounts, next to it under a new name; returns the
        new lake-relative path. (The old file stays live until the state database says otherwise.)"""
        old = self.root / relative
        rel = Path(relative).parent / f"{name}.parquet"
        keep = ", ".join("'" + a.replace("'", "''") + "'" for a in keep_accounts)
        con.execute(f"COPY (SELECT * FROM read_parquet('{old}') WHERE coalesce(BillingAccountId, '') IN ({keep})) "
                    f"TO '{self.root / rel}' (FORMAT parquet, COMPRESSION zstd)").fetchall()
        return str(rel)

    def remove(self, relative: list[str]) -> None:
        for rel in relative:
            with contextlib.suppress(FileNotFoundError):
                (self.root / rel).unlink()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        with (self.root / ".lock").open("a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def collect_garbage(self, live: set[str], min_age_s: float = 3600.0) -> int:
        """Remove Parquet files no state lists and staging folders left by crashed ingests (older than
        ``min_age_s``, so a concurrent ingest's fresh files are spared)."""
        now, removed = time.time(), 0
        for f in self.root.glob("tenant=*/provider=*/period=*/*.parquet"):
            rel = str(f.relative_to(self.root))
            if rel not in live and now - f.stat().st_mtime > min_age_s:
                f.unlink(missing_ok=True)
                removed += 1
        staging = self.root / "_staging"
        if staging.is_dir():
            for d in staging.iterdir():
                if now - d.stat().st_mtime > min_age_s:
                    shutil.rmtree(d, ignore_errors=True)
                    removed += 1
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
