"""Ingesting into a workspace: money kept to the cent, idempotent re-ingest, replacement by account and period,
all-or-nothing batches — on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from balise.errors import BadSourceError
from balise.services.costs import costs
from balise.services.ingest import ingest
from balise.services.sources import list_sources
from balise.services.workspace import Workspace

SAMPLE = "focus/focus-1.0/focus_sample.csv"


def native_total(path: Path, where: dict[str, str] | None = None) -> float:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(float(r["BilledCost"]) for r in csv.DictReader(f)
                   if all(r[k] == v for k, v in (where or {}).items()))


def lake_total(ws: Workspace, tenant: str) -> float:
    return sum(x.cost for x in costs(ws, tenant, "provider"))


def snapshot(ws: Workspace) -> tuple[object, ...]:
    """Everything a user could observe: live files and their bytes, sources, tenants."""
    files = sorted((str(p.relative_to(ws.lake.root)), p.stat().st_size)
                   for p in ws.lake.root.glob("tenant=*/**/*.parquet"))
    tenants = [t.name for t in ws.tenants()]
    srcs = [(s.file_name, s.rows, s.status) for t in tenants for s in list_sources(ws, t)]
    return tuple(files), tuple(tenants), tuple(srcs)


def test_sample_totals_by_provider_to_the_cent(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / SAMPLE
    ingest(ws, [path], "acme")
    by = {x.key: x.cost for x in costs(ws, "acme", "provider")}
    assert round(by["aws"], 2) == round(native_total(path, {"ProviderName": "AWS"}), 2)
    assert round(by["azure"], 2) == round(native_total(path, {"ProviderName": "Microsoft"}), 2)
    assert round(sum(by.values()), 2) == round(native_total(path), 2)


def test_reingest_same_file_never_doubles(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / SAMPLE
    first = ingest(ws, [path], "acme")
    total = lake_total(ws, "acme")
    second = ingest(ws, [path], "acme")
    assert round(lake_total(ws, "acme"), 6) == round(total, 6)
    assert second.replaced_files == sum(1 for _ in ws.live_files("acme"))
    assert first.replaced_files == 0
    statuses = [s.status for s in list_sources(ws, "acme")]
    assert statuses == ["replaced", "live"]


def test_corrected_export_replaces_only_its_account_and_period(ws: Workspace, shared_data: Path,
                                                               tmp_path: Path) -> None:
    path = shared_data / SAMPLE
    ingest(ws, [path], "acme")
    # A corrected export of the AWS account for 2024-09 only: every AWS cost doubled.
    corrected = tmp_path / "aws-corrected.csv"
    with path.open(encoding="utf-8-sig", newline="") as f, corrected.open("w", newline="") as out:
        reader = csv.DictReader(f)
        w = csv.DictWriter(out, reader.fieldnames or [])
        w.writeheader()
        for r in reader:
            if r["ProviderName"] == "AWS":
                r["BilledCost"] = repr(float(r["BilledCost"]) * 2)
                w.writerow(r)
    ingest(ws, [corrected], "acme")
    by = {x.key: x.cost for x in costs(ws, "acme", "provider")}
    assert round(by["aws"], 2) == round(2 * native_total(path, {"ProviderName": "AWS"}), 2)
    assert round(by["azure"], 2) == round(native_total(path, {"ProviderName": "Microsoft"}), 2)


def test_parts_of_one_export_in_one_ingest_are_all_kept(ws: Workspace, shared_data: Path, tmp_path: Path) -> None:
    """A month split in two part files (as AWS does for large CURs) must add up, not replace each other."""
    path = shared_data / SAMPLE
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts/part-1.csv").write_text("".join(lines[:500]))
    (tmp_path / "parts/part-2.csv").write_text(lines[0] + "".join(lines[500:]))
    result = ingest(ws, [tmp_path / "parts"], "acme")
    assert [s.rows for s in result.sources] == [499, 501]
    assert round(lake_total(ws, "acme"), 2) == round(native_total(path), 2)


def test_tenants_are_isolated(ws: Workspace, shared_data: Path) -> None:
    ingest(ws, [shared_data / SAMPLE], "acme")
    ingest(ws, [shared_data / "focus/spec-examples-1.2/saas_examples/spend_agreements/saas_spend_agreements_a1.csv"],
           "globex")
    assert round(lake_total(ws, "globex"), 2) == 1200.0
    assert round(lake_total(ws, "acme"), 2) == round(native_total(shared_data / SAMPLE), 2)


def test_a_bad_file_in_a_batch_leaves_everything_as_before(ws: Workspace, shared_data: Path,
                                                           tmp_path: Path) -> None:
    ingest(ws, [shared_data / SAMPLE], "acme")
    before = snapshot(ws)
    bad = tmp_path / "bad.csv"
    text = (shared_data / SAMPLE).read_text(encoding="utf-8-sig").splitlines()
    text[7] = text[7].replace("0.00000080000", "douze", 1) if "0.00000080000" in text[7] else \
        text[7].split(",", 2)[0] + ",douze," + text[7].split(",", 2)[2]
    bad.write_text("\n".join(text) + "\n")
    good = tmp_path / "good.csv"
    shutil.copy(shared_data / SAMPLE, good)
    with pytest.raises(BadSourceError) as err:
        ingest(ws, [good, bad], "acme")
    assert err.value.problem.line == 8 and err.value.problem.column == "BilledCost"
    assert snapshot(ws) == before
    assert not any((ws.lake.root / "_staging").iterdir())


def _focus_rows(path: Path, rows: list[tuple[str, float]]) -> Path:
    """A small FOCUS file: (billing account, cost) rows, AWS, March 2026."""
    lines = ["BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,"
             "ChargeCategory,ProviderName,ServiceName"]
    for i, (acct, cost) in enumerate(rows):
        lines.append(f"{cost},{acct},EUR,2026-03-01T00:00:00Z,2026-03-{i % 28 + 1:02d}T00:00:00Z,"
                     f"2026-03-{i % 28 + 1:02d}T01:00:00Z,Usage,AWS,EC2")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_correcting_one_account_of_a_shared_file_keeps_the_other(ws: Workspace, tmp_path: Path) -> None:
    """One export holding accounts A and B for the same month; a corrected export of A alone replaces A's
    rows and leaves B's (the shared Parquet file is rewritten without A)."""
    both = _focus_rows(tmp_path / "both.csv", [("A", 10.0), ("A", 5.0), ("B", 7.25), ("B", 0.75)])
    ingest(ws, [both], "acme")
    assert {x.key: x.cost for x in costs(ws, "acme", "account")} == {"A": 15.0, "B": 8.0}
    before = set(ws.live_files("acme"))
    assert len(before) == 1
    fixed = _focus_rows(tmp_path / "a-fixed.csv", [("A", 20.0)])
    result = ingest(ws, [fixed], "acme")
    assert result.replaced_files == 1
    assert {x.key: x.cost for x in costs(ws, "acme", "account")} == {"A": 20.0, "B": 8.0}
    after = set(ws.live_files("acme"))
    assert len(after) == 2 and not (after & before)
    assert not any(p.exists() for p in before)  # the retired file is gone from disk
    assert [s.status for s in list_sources(ws, "acme")] == ["partly replaced", "live"]
    # re-ingesting the original file restores both accounts exactly
    ingest(ws, [both], "acme")
    assert {x.key: x.cost for x in costs(ws, "acme", "account")} == {"A": 15.0, "B": 8.0}


def test_multi_month_export_is_split_by_period(ws: Workspace, shared_data: Path) -> None:
    """The FOCUS sample spans 2024-09 and 2024-10: each (provider, period) gets its own partition folder."""
    ingest(ws, [shared_data / SAMPLE], "acme")
    folders = {p.parent.relative_to(ws.lake.root).as_posix() for p in ws.live_files("acme")}
    assert {"tenant=acme/provider=aws/period=2024-09", "tenant=acme/provider=azure/period=2024-09",
            "tenant=acme/provider=oci/period=2024-09", "tenant=acme/provider=oci/period=2024-10"} <= folders


def test_files_left_by_a_crash_are_collected_later(ws: Workspace, shared_data: Path) -> None:
    import os
    import time

    ingest(ws, [shared_data / SAMPLE], "acme")
    folder = next(iter(ws.live_files("acme"))).parent
    old, fresh = folder / "orphan-old.parquet", folder / "orphan-fresh.parquet"
    old.write_bytes(b"PAR1")
    fresh.write_bytes(b"PAR1")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    stale = ws.lake.root / "_staging" / "crashed"
    stale.mkdir(parents=True)
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    ingest(ws, [shared_data / SAMPLE], "acme")
    assert not old.exists() and not stale.exists()
    assert fresh.exists()  # could belong to an ingest running right now
    assert round(lake_total(ws, "acme"), 2) == round(native_total(shared_data / SAMPLE), 2)
