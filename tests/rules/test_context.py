"""The shared per-resource aggregate: the rollup cache gives exactly what a scan of every row gives."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from balise.demo.generator import generate
from balise.lake import rollup
from balise.services.context import rollup_dir, rule_context
from balise.services.ingest import ingest
from balise.services.workspace import Workspace, open_workspace


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def _both(w: Workspace, tenant: str, month: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ctx = rule_context(w, tenant, month)
    fast = sorted(ctx.resource_rows(), key=lambda r: (r["resource_id"], r["currency"]))
    ctx.files = None  # the row scan
    ctx._cache.clear()
    slow = sorted(ctx.resource_rows(), key=lambda r: (r["resource_id"], r["currency"]))
    return fast, slow


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("ctx")
    w = open_workspace(root / "ws")
    ingest(w, generate(root / "bills", months=4), "demo")
    return w


def test_rollups_equal_the_row_scan_on_the_demo(demo_ws: Workspace) -> None:
    fast, slow = _both(demo_ws, "demo")
    assert len(fast) == len(slow) > 150
    for f, s in zip(fast, slow, strict=True):
        bad = {k: (f[k], s[k]) for k in s if not _same(f[k], s[k])}
        assert not bad, (s["resource_id"], bad)
    poc = next(r for r in fast if r["resource_name"] == "poc-migration-2024")
    # 11.04 $ a day, every day of the window (the demo's 4 months from 2025-11: window 2025-12..2026-02)
    assert (poc["days"], poc["min_daily"], poc["max_daily"]) == (90, 11.04, 11.04)
    assert poc["effective"] == pytest.approx(90 * 11.04)
    assert "owner" not in poc["tags"]


def test_rollups_equal_the_row_scan_on_the_real_focus_sample(shared_data: Path, tmp_path: Path) -> None:
    w = open_workspace(tmp_path / "ws")
    ingest(w, [shared_data / "focus" / "focus-1.0" / "focus_sample.csv"], "sample")
    fast, slow = _both(w, "sample")
    assert len(fast) == len(slow) > 100
    for f, s in zip(fast, slow, strict=True):
        bad = {k: (f[k], s[k]) for k in s if not _same(f[k], s[k])}
        assert not bad, (s["resource_id"], bad)


def test_a_rollup_is_computed_once_and_a_new_file_gets_a_new_one(demo_ws: Workspace) -> None:
    files = demo_ws.live_files("demo")
    cache = rollup_dir(demo_ws)
    paths = rollup.ensure(files, cache)
    stamps = [p.stat().st_mtime_ns for p in paths]
    assert rollup.ensure(files, cache) == paths
    assert [p.stat().st_mtime_ns for p in paths] == stamps
    assert len(set(paths)) == len(files)
