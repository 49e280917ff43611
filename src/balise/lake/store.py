"""The lake's folders: where staged and live Parquet files go, and the lock that serialises swaps.

    <lake>/tenant=<t>/provider=<p>/period=<YYYY-MM>/<account-hash>-<ingest>s<source>-<n>.parquet
        live, if the state database lists it
    <lake>/_staging/<ingest>/
        being written

A file is live only when the state database lists it; files are never rewritten in place. A crash leaves at
worst unlisted files behind, which ``collect_garbage`` removes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path


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

    def place(self, tenant: str, provider: str, account: str, period: str, batch: str,
              files: list[Path]) -> list[str]:
        """Move staged files to their partition folder; returns their lake-relative paths."""
        folder = Path(f"tenant={tenant}") / f"provider={provider}" / f"period={period}"
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        acct = hashlib.sha256(account.encode()).hexdigest()[:12]
        out = []
        for i, f in enumerate(files):
            rel = folder / f"{acct}-{batch}-{i}.parquet"
            os.replace(f, self.root / rel)
            out.append(str(rel))
        _fsync_dir(self.root / folder)
        return out

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
