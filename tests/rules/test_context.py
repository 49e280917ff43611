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


def _raw(ctx: Any) -> Any:
    """The same context reading every row (no rollups)."""
    import dataclasses

    return dataclasses.replace(ctx, files=None, history_files=None, _cache={})


def _daily(ctx: Any, t: Any) -> dict[Any, list[float]]:
    from balise.finops.series import daily_spend

    d = daily_spend(ctx.con, t, "service")
    return {(k.key, k.currency): [round(float(v), 6) for v in d.values[i]] for i, k in enumerate(d.keys)}


@pytest.mark.parametrize("tenant_data", ["demo", "sample"])
def test_summed_rollups_give_the_same_daily_spend_and_commitments_as_every_row(
        tenant_data: str, demo_ws: Workspace, shared_data: Path, tmp_path: Path) -> None:
    from balise.finops.commitments import Eligibility, commitment_summary

    if tenant_data == "demo":
        w, tenant = demo_ws, "demo"
    else:
        w, tenant = open_workspace(tmp_path / "ws"), "sample"
        ingest(w, [shared_data / "focus" / "focus-1.0" / "focus_sample.csv"], tenant)
    ctx = rule_context(w, tenant)
    raw = _raw(ctx)
    assert ctx.history_sums is not ctx.history and raw.history_sums is raw.history  # rollups vs rows
    n_sums = engine_count(ctx, ctx.history_sums)
    assert n_sums < engine_count(ctx, ctx.history)
    assert _daily(ctx, ctx.history_sums) == _daily(raw, raw.history)
    for elig in (Eligibility(), Eligibility(service_categories=None), Eligibility(basis="contracted")):
        fast = commitment_summary(ctx.sums, ctx.con, elig)
        slow = commitment_summary(raw.focus, raw.con, elig)
        assert _figures(fast) == _figures(slow)


def engine_count(ctx: Any, t: Any) -> int:
    from balise import engine

    return int(engine.rows(ctx.con, t.aggregate(n=t.count()))[0]["n"])


def _figures(s: Any) -> list[tuple[Any, ...]]:
    out = []
    for p in [*s.months, *s.totals]:
        for name in ("utilisation", "coverage", "savings_rate"):
            r = getattr(p, name)
            out.append((p.period, p.currency, name, None if r.value is None else round(r.value, 9),
                        round(r.numerator, 6), round(r.denominator, 6), r.rows))
        out.append((p.period, p.currency, round(p.unused_cost, 6), round(p.purchased_cost, 6), p.unpriced_rows))
    for c in [*s.commitments, *s.commitment_totals]:
        out.append((c.commitment_id, c.period, round(c.unused_cost, 6), c.purchase_rows,
                    None if c.quantity_utilisation.value is None else round(c.quantity_utilisation.value, 9),
                    c.quantity_utilisation.rows))
    return sorted(out, key=repr)
