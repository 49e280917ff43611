"""Commitment utilisation, coverage and effective savings rate.

Oracle 1: the FOCUS 1.2 specification examples (``../shared/data/focus/spec-examples-1.2``), each ingested through
the real pipeline; the expected figures are worked out by hand from the rows, in the comments.
Oracle 2: the demo company, with every figure recomputed in plain DuckDB SQL over the generated CSV files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pytest

from balise import engine
from balise.demo.generator import generate
from balise.finops.commitments import (
    CommitmentFigures,
    CommitmentSummary,
    Eligibility,
    PeriodFigures,
    commitment_summary,
    summarise,
)
from balise.services.ingest import ingest
from balise.services.workspace import open_workspace

SPEC = Path("focus/spec-examples-1.2")
SCENARIOS = "commitment_discount_scenarios"
FLEX = "commitment_discount_flexibility"
TESTED = {  # every file of the two folders has a test below (test_every_spec_example_is_tested keeps it so)
    SCENARIOS: {f"commitment_discount_{kind}_scenario_{n}.csv" for kind, ns in (("purchase", "123"), ("usage", "1234"))
                for n in ns},
    FLEX: {"one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
           "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
           "one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
           "zero_percent_utilization_without_commitment_discount_flexibility.csv"},
}
# The examples are partial rows: no ServiceCategory column (so no "Compute" filter) and no BillingCurrency.
ANY_SERVICE = Eligibility(service_categories=None)
# Purchase scenarios 2 and 3 each have one recurring row whose ChargePeriodEnd is "2023-02-01T30:00:00Z" (hour
# 30): not a date-time, so the pipeline refuses the file unless told to skip that row.
BAD_TIMESTAMP = {"commitment_discount_purchase_scenario_2.csv", "commitment_discount_purchase_scenario_3.csv"}

Run = Callable[..., tuple[Any, PeriodFigures, Any]]


@pytest.fixture
def run(convert: Callable[..., Any], shared_data: Path) -> Run:
    """run(folder, name, eligibility) -> (StagedSource, the one month's figures, the one commitment's figures)."""

    def go(folder: str, name: str, eligibility: Eligibility = ANY_SERVICE, path: Path | None = None) -> Any:
        path = path or shared_data / SPEC / folder / name
        staged, _ = convert(path, default_currency="USD", skip_bad_rows=name in BAD_TIMESTAMP)
        con = engine.connect()
        s = commitment_summary(engine.focus_table(con, [f.path for f in staged.files]), con, eligibility)
        assert [p.period for p in s.months] == ["2023-01"] and len(s.totals) == 1
        assert s.totals[0].utilisation.value == s.months[0].utilisation.value  # one month: total = month
        (cd,) = s.commitment_totals
        assert cd.commitment_id == "<my-commitment-discount-id>"
        return staged, s.months[0], cd

    return go


def test_every_spec_example_is_tested(shared_data: Path) -> None:
    for folder, names in TESTED.items():
        assert {p.name for p in (shared_data / SPEC / folder).glob("*.csv")} == names


# --- purchase scenarios: a spend-based commitment of $1.00 an hour for 2023, paid three ways ---------------------

def test_purchase_scenario_1_upfront(run: Run) -> None:
    _, month, cd = run(SCENARIOS, "commitment_discount_purchase_scenario_1.csv")
    # One One-Time Purchase row: BilledCost 8760.00 (24 h x 365 d x $1.00), EffectiveCost 0, quantity 8760 USD.
    assert (cd.purchased_cost, cd.purchased_quantity, cd.purchase_rows) == (8760.0, 8760.0, 1)
    assert month.purchased_cost == 8760.0
    # No Usage row: nothing used or unused yet, no usage to cover -> every ratio is "no data", not 0 % or 100 %.
    for r in (month.utilisation, month.coverage, month.savings_rate, cd.utilisation, cd.quantity_utilisation):
        assert (r.value, r.numerator, r.denominator, r.rows) == (None, 0.0, 0.0, 0)


def test_purchase_scenario_2_recurring_with_a_bad_row(run: Run) -> None:
    staged, month, cd = run(SCENARIOS, "commitment_discount_purchase_scenario_2.csv")
    # Three Recurring Purchase rows of $1.00; the third (line 4) has ChargePeriodEnd "2023-02-01T30:00:00Z" and is
    # skipped: 2 rows kept, $1.00 rejected and reported as such -> purchased 1.00 + 1.00 = 2.00, quantity 2.
    assert staged.rows == 2
    assert [(r.problem.line, r.problem.column, r.cost) for r in staged.rejected] == [(4, "ChargePeriodEnd", 1.0)]
    assert (cd.purchased_cost, cd.purchased_quantity, cd.purchase_rows) == (2.0, 2.0, 2)
    assert month.utilisation.value is None and month.coverage.value is None


def test_purchase_scenario_3_hybrid_with_a_bad_row(run: Run) -> None:
    staged, month, cd = run(SCENARIOS, "commitment_discount_purchase_scenario_3.csv")
    # One-Time 4380.00 + Recurring 0.50 + 0.50 (+ a third 0.50 on line 5, skipped: same hour-30 timestamp)
    # = 4381.00 purchased, quantity 4381 USD, 3 purchase rows.
    assert staged.rows == 3
    assert [(r.problem.line, r.cost) for r in staged.rejected] == [(5, 0.5)]
    assert (cd.purchased_cost, cd.purchased_quantity, cd.purchase_rows) == (4381.0, 4381.0, 3)
    assert month.utilisation.value is None


# --- usage scenarios: the same $1.00-an-hour commitment during one hour ------------------------------------------

def test_usage_scenario_1_fully_used(run: Run) -> None:
    _, month, cd = run(SCENARIOS, "commitment_discount_usage_scenario_1.csv")
    # Used row: EffectiveCost 1.00, quantity 1.00 USD. No Unused row. -> 1.00 / (1.00 + 0) = 100 %.
    u = month.utilisation
    assert (u.value, u.numerator, u.denominator, u.rows, u.period, u.currency) == (1.0, 1.0, 1.0, 1, "2023-01", "USD")
    assert cd.quantity_utilisation.value == 1.0 and cd.unit == "USD"
    # The file has no ListCost column: coverage at list price cannot be measured -> no data, 1 row unpriced.
    assert month.coverage.value is None and month.unpriced_rows == 1
    assert month.savings_rate.value is None


def test_usage_scenario_2_unused(run: Run) -> None:
    _, month, cd = run(SCENARIOS, "commitment_discount_usage_scenario_2.csv")
    # Unused row only: EffectiveCost 1.00 -> 0 / (0 + 1.00) = 0 %; $1.00 wasted.
    assert (month.utilisation.value, month.utilisation.denominator, month.unused_cost) == (0.0, 1.0, 1.0)
    assert cd.quantity_utilisation.value == 0.0
    # An Unused row is not usage to cover: no eligible usage at all -> coverage no data, nothing unpriced.
    assert month.coverage.value is None and month.unpriced_rows == 0


def test_usage_scenario_3_three_quarters(run: Run) -> None:
    _, month, cd = run(SCENARIOS, "commitment_discount_usage_scenario_3.csv")
    # Used 0.75 + Unused 0.25 (EffectiveCost, and CommitmentDiscountQuantity in USD) -> 0.75 / 1.00 = 75 %.
    u = month.utilisation
    assert (u.value, u.numerator, u.denominator, u.rows) == (0.75, 0.75, 1.0, 2)
    assert (cd.quantity_utilisation.value, cd.unused_cost) == (0.75, 0.25)


def test_usage_scenario_4_overage_on_demand(run: Run) -> None:
    _, month, _ = run(SCENARIOS, "commitment_discount_usage_scenario_4.csv")
    # Used 1.00 (committed) + a Standard row of 0.50 without commitment: the overage is on-demand usage, not the
    # commitment's, so utilisation = 1.00 / 1.00 = 100 %.
    assert (month.utilisation.value, month.utilisation.rows) == (1.0, 1)
    # Both usage rows are eligible but the file has no ListCost: coverage no data, 2 rows unpriced.
    assert month.coverage.value is None and month.unpriced_rows == 2


def test_usage_scenarios_coverage_by_consumed_quantity(run: Run) -> None:
    hours = Eligibility(service_categories=None, basis="consumed")
    # Scenario 1: covered 1 h / (1 h covered + 0 h on demand) = 100 %.
    assert run(SCENARIOS, "commitment_discount_usage_scenario_1.csv", hours)[1].coverage.value == 1.0
    # Scenario 2: no usage row at all (the Unused row's ConsumedQuantity is null and it covers nothing): no data.
    assert run(SCENARIOS, "commitment_discount_usage_scenario_2.csv", hours)[1].coverage.value is None
    # Scenario 3: covered 1 h; the Unused row is left out -> 1 / 1 = 100 %.
    assert run(SCENARIOS, "commitment_discount_usage_scenario_3.csv", hours)[1].coverage.value == 1.0
    # Scenario 4: covered 1 h / (1 h + 1 h on demand) = 50 % (the example gives both split rows the full hour).
    c = run(SCENARIOS, "commitment_discount_usage_scenario_4.csv", hours)[1].coverage
    assert (c.value, c.numerator, c.denominator, c.rows) == (0.5, 1.0, 2.0, 2)


def test_utilisation_follows_the_rows(run: Run, tmp_path: Path, shared_data: Path) -> None:
    # Scenario 3 with the Unused row's EffectiveCost changed from 0.25 to 1.25 -> 0.75 / (0.75 + 1.25) = 37.5 %.
    name = "commitment_discount_usage_scenario_3.csv"
    text = (shared_data / SPEC / SCENARIOS / name).read_text()
    changed = tmp_path / name
    changed.write_text(text.replace("0.00,0.25,null", "0.00,1.25,null"))
    assert changed.read_text() != text
    assert run(SCENARIOS, name, path=changed)[1].utilisation.value == 0.375
    # The same with the Unused row's CommitmentDiscountQuantity missing: the money ratio stands (0.75 / 1.00), the
    # quantity ratio cannot be computed (a 0 would read as "all used") -> no data.
    changed.write_text(text.replace(",0.25,Unused", ",null,Unused"))
    _, month, cd = run(SCENARIOS, name, path=changed)
    assert (month.utilisation.value, cd.quantity_utilisation.value) == (0.75, None)


# --- commitment discount flexibility: TinyCloud VMs, one hour ----------------------------------------------------

def test_flexibility_100_percent_with_1_resource(run: Run) -> None:
    _, month, cd = run(FLEX, "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv")
    # Purchase: 1 Normalized Hour of VM_SMALL, BilledCost 0.50, EffectiveCost 0 (not counted again).
    # Used row (VM_LARGE, partly covered): EffectiveCost 0.50, quantity 1 Normalized Hour. No Unused row.
    # -> utilisation 0.50 / 0.50 = 100 %, and 1 / 1 normalised hour = 100 %.
    assert (month.utilisation.value, month.utilisation.numerator) == (1.0, 0.5)
    assert (cd.quantity_utilisation.value, cd.unit, cd.category) == (1.0, "Normalized Hour", "Usage")
    assert (cd.purchased_cost, cd.purchased_quantity) == (0.5, 1.0)
    # Coverage at ListCost: covered row 3.00 / (3.00 + on-demand remainder 2.25) = 57.14 %. The example is not
    # self-consistent (its covered row has PricingQuantity 0.333 x ListUnitPrice 3.00 = 1.00, not ListCost 3.00,
    # and the text says 25 % covered): Balise uses ListCost as given.
    c = month.coverage
    assert (c.numerator, c.denominator, c.rows) == (3.0, 5.25, 2)
    assert c.value == pytest.approx(3.0 / 5.25)
    # Savings: 1 - (0.50 + 2.25) / (3.00 + 2.25) = 1 - 2.75 / 5.25 = 47.62 %.
    assert month.savings_rate.value == pytest.approx(1 - 2.75 / 5.25)
    assert (month.savings_rate.numerator, month.savings_rate.denominator) == (2.75, 5.25)


def test_flexibility_100_percent_with_2_resources(run: Run) -> None:
    _, month, cd = run(FLEX, "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv")
    # Purchase: 4 Normalized Hours (VM_XLARGE), BilledCost 2.00. Two VM_MEDIUM rows Used, EffectiveCost 1.00 and
    # quantity 2 each -> utilisation (1.00 + 1.00) / 2.00 = 100 %; (2 + 2) / 4 normalised hours = 100 %.
    assert (month.utilisation.value, month.utilisation.denominator, month.utilisation.rows) == (1.0, 2.0, 2)
    assert (cd.quantity_utilisation.value, cd.quantity_utilisation.denominator) == (1.0, 4.0)
    assert (cd.purchased_cost, cd.purchased_quantity) == (2.0, 4.0)
    # Coverage: ListCost 2.00 + 2.00 covered, nothing on demand -> 4 / 4 = 100 %. Savings 1 - 2.00 / 4.00 = 50 %.
    assert (month.coverage.value, month.coverage.denominator) == (1.0, 4.0)
    assert month.savings_rate.value == 0.5


def test_flexibility_100_percent_without_flexibility(run: Run) -> None:
    _, month, cd = run(FLEX, "one_hundred_percent_utilization_without_commitment_discount_flexibility.csv")
    # VM_LARGE commitment (1 Hour, BilledCost 1.50) used by one VM_LARGE: EffectiveCost 1.50 -> 1.50 / 1.50 = 100 %.
    assert (month.utilisation.value, month.utilisation.numerator) == (1.0, 1.5)
    assert (cd.quantity_utilisation.value, cd.unit) == (1.0, "Hour")
    # Coverage 3.00 / 3.00 = 100 %; savings 1 - 1.50 / 3.00 = 50 %.
    assert (month.coverage.value, month.savings_rate.value) == (1.0, 0.5)


def test_flexibility_0_percent_without_flexibility(run: Run) -> None:
    _, month, cd = run(FLEX, "zero_percent_utilization_without_commitment_discount_flexibility.csv")
    # VM_LARGE commitment, but only a VM_MEDIUM runs (on demand, ListCost = EffectiveCost = 2.00): the commitment
    # is Unused, EffectiveCost 1.50 -> utilisation 0 / 1.50 = 0 %, 1.50 wasted, 0 / 1 hour.
    u = month.utilisation
    assert (u.value, u.numerator, u.denominator) == (0.0, 0.0, 1.5)
    assert (month.unused_cost, cd.quantity_utilisation.value) == (1.5, 0.0)
    # Coverage: the Unused row covers nothing; eligible usage is the 2.00 on demand -> 0 / 2.00 = 0 %.
    assert (month.coverage.value, month.coverage.denominator, month.coverage.rows) == (0.0, 2.0, 1)
    # Savings on eligible usage: 1 - 2.00 / 2.00 = 0 %.
    assert month.savings_rate.value == 0.0


@pytest.mark.parametrize("name", sorted(TESTED[FLEX]))
def test_file_name_states_the_utilisation(run: Run, name: str) -> None:
    expected = 1.0 if name.startswith("one_hundred_percent_utilization") else 0.0
    _, month, cd = run(FLEX, name)
    assert month.utilisation.value == cd.utilisation.value == cd.quantity_utilisation.value == expected


@pytest.mark.parametrize(("name", "covered", "eligible"), [
    # ConsumedQuantity (hours): covered rows' hours / (covered + on-demand hours). With 1 resource the VM_LARGE hour
    # is split into a covered and an on-demand row that both say 1 hour -> 1 / 2 (the basis cannot weigh sizes).
    ("one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv", 1.0, 2.0),
    ("one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv", 2.0, 2.0),
    ("one_hundred_percent_utilization_without_commitment_discount_flexibility.csv", 1.0, 1.0),
    ("zero_percent_utilization_without_commitment_discount_flexibility.csv", 0.0, 1.0),
])
def test_flexibility_coverage_by_consumed_quantity(run: Run, name: str, covered: float, eligible: float) -> None:
    c = run(FLEX, name, Eligibility(service_categories=None, basis="consumed"))[1].coverage
    assert (c.numerator, c.denominator, c.value) == (covered, eligible, covered / eligible)


def test_purchases_are_not_counted_twice(run: Run, convert: Callable[..., Any], shared_data: Path) -> None:
    name = "one_hundred_percent_utilization_without_commitment_discount_flexibility.csv"
    _, rel = convert(shared_data / SPEC / FLEX / name, default_currency="USD")
    # The Purchase row bills 1.50 (BilledCost) with EffectiveCost 0; the Used row carries the same 1.50 amortised.
    assert rel.aggregate("sum(EffectiveCost), sum(BilledCost)").fetchall() == [(1.5, 1.5)]
    _, month, cd = run(FLEX, name)
    assert month.utilisation.denominator == 1.5 == cd.purchased_cost  # the commitment's cost, once


def test_default_eligibility_is_compute(run: Run) -> None:
    # With the default filter (ServiceCategory "Compute") the examples, which have no ServiceCategory, have no
    # eligible usage; utilisation does not depend on eligibility.
    _, month, _ = run(FLEX, "zero_percent_utilization_without_commitment_discount_flexibility.csv", Eligibility())
    assert (month.coverage.value, month.coverage.rows, month.utilisation.value) == (None, 0, 0.0)


def test_bad_basis_is_refused() -> None:
    with pytest.raises(ValueError, match="basis"):
        Eligibility(basis="billed")  # type: ignore[arg-type]


def test_currencies_are_never_added() -> None:
    zero = {k: 0 for k in ("used_rows", "unused_cost", "unused_rows", "used_qty", "unused_qty", "qty_rows",
                           "purchased_cost", "purchased_qty", "purchase_rows", "on_demand", "on_demand_rows",
                           "unpriced_rows", "sr_effective", "sr_list", "sr_rows", "covered_rows")}
    base = {**zero, "commitment_id": None, "name": None, "category": None, "unit": None}
    rows = [{**base, "month": "2026-01", "currency": "USD", "used_cost": 10.0, "used_rows": 1, "covered": 20.0,
             "covered_rows": 1},
            {**base, "month": "2026-02", "currency": "EUR", "used_cost": 0.0, "unused_cost": 5.0, "unused_rows": 1,
             "covered": 0.0, "on_demand": 30.0, "on_demand_rows": 1}]
    s = summarise(rows)
    dollars, euros = (next(p for p in s.totals if p.currency == c) for c in ("USD", "EUR"))
    assert (dollars.utilisation.value, dollars.coverage.value, dollars.period) == (1.0, 1.0, "2026-01")
    assert (euros.utilisation.value, euros.coverage.value, euros.period) == (0.0, 0.0, "2026-02")


# --- the demo company ---------------------------------------------------------------------------------------------

SP = "arn:aws:savingsplans::731902846155:savingsplan/2c9d5e7a-41b3-4f68-9a0e-6b1d8c3f5e92"
RI = "arn:aws:ec2:eu-west-3:604185273948:reserved-instances/7f3e2a91-5c4d-4b8e-a2f1-9d6c3b8e0a47"
BREAK = {"2026-03", "2026-04"}  # the batch workers run 8 h a day: reserved hours go unused


class Demo(NamedTuple):
    raw: duckdb.DuckDBPyConnection  # plain DuckDB, table ``f`` read from the generated CSV files
    summary: CommitmentSummary  # Balise's figures with the default eligibility (ServiceCategory "Compute")
    table: Any  # the ingested rows as an Ibis table
    con: Any


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The default demo (48 files, four clouds) ingested into a fresh workspace, and read again by plain DuckDB."""
    root = tmp_path_factory.mktemp("demo")
    files = generate(root / "csv")
    ws = open_workspace(root / "ws", f"sqlite:///{root / 'ws.db'}")
    raw = duckdb.connect()
    try:
        ingest(ws, files, "demo")
        con = engine.connect()
        t = engine.focus_table(con, ws.live_files("demo"))
        listing = ", ".join(f"'{f}'" for f in files)
        raw.execute(f"CREATE TABLE f AS SELECT *, left(ChargePeriodStart, 7) AS month FROM read_csv([{listing}], "
                    "header = true, union_by_name = true, types = {'ChargePeriodStart': 'VARCHAR'})").fetchall()
        yield Demo(raw, commitment_summary(t, con), t, con)
    finally:
        raw.close()
        ws.close()


def usd(s: CommitmentSummary, month: str) -> PeriodFigures:
    figures = s.month(month, "USD")
    assert figures is not None
    return figures


def commitment(s: CommitmentSummary, commitment_id: str, month: str | None = None) -> CommitmentFigures:
    figures = s.commitment(commitment_id, month)
    assert figures is not None
    return figures


def by_month(raw: duckdb.DuckDBPyConnection, query: str) -> dict[str, Any]:
    return {m: v for m, v in raw.execute(query).fetchall()}


def test_demo_utilisation_matches_sql(demo: Demo) -> None:
    raw, s = demo.raw, demo.summary
    expected = by_month(raw, """
        SELECT month, sum(EffectiveCost) FILTER (CommitmentDiscountStatus = 'Used')
                      / sum(EffectiveCost) FILTER (CommitmentDiscountStatus IN ('Used', 'Unused'))
        FROM f WHERE ChargeCategory = 'Usage' AND CommitmentDiscountId IS NOT NULL GROUP BY month""")
    assert len(expected) == 12
    for month, value in expected.items():
        got = usd(s, month).utilisation.value
        assert got is not None and got == pytest.approx(value, rel=1e-9)
        if month in BREAK:
            assert got < 0.99
        else:
            assert got == pytest.approx(1.0, abs=1e-12)  # no Unused row that month
    unused = by_month(raw, "SELECT month, count(*) FROM f WHERE CommitmentDiscountStatus = 'Unused' GROUP BY month")
    assert unused == {"2026-03": 31, "2026-04": 30}


def test_demo_utilisation_per_commitment_matches_sql(demo: Demo) -> None:
    raw, s = demo.raw, demo.summary
    rows = raw.execute("""
        SELECT month, CommitmentDiscountId,
               sum(EffectiveCost) FILTER (CommitmentDiscountStatus = 'Used' AND ChargeCategory = 'Usage'),
               sum(EffectiveCost) FILTER (CommitmentDiscountStatus IS NOT NULL AND ChargeCategory = 'Usage'),
               sum(CommitmentDiscountQuantity) FILTER (CommitmentDiscountStatus = 'Used' AND ChargeCategory = 'Usage'),
               sum(CommitmentDiscountQuantity) FILTER (CommitmentDiscountStatus IS NOT NULL AND ChargeCategory = 'Usage'),
               sum(BilledCost) FILTER (ChargeCategory = 'Purchase')
        FROM f WHERE CommitmentDiscountId IS NOT NULL GROUP BY ALL""").fetchall()
    assert len(rows) == 24  # 2 commitments x 12 months
    for month, cd_id, used, total, used_q, total_q, fee in rows:
        cd = commitment(s, cd_id, month)
        assert cd.utilisation.value == pytest.approx(used / total, rel=1e-9)
        assert cd.quantity_utilisation.value == pytest.approx(used_q / total_q, rel=1e-9)
        assert cd.purchased_cost == pytest.approx(fee, rel=1e-9)
        # The monthly fee is what Used + Unused rows amortise: the commitment is counted once, not twice.
        assert cd.utilisation.denominator == pytest.approx(cd.purchased_cost, abs=0.01)
        if cd_id == SP or month not in BREAK:
            assert cd.utilisation.value == pytest.approx(1.0, abs=1e-12)
        else:
            assert (cd.utilisation.value or 1) < 0.99 and cd.unit == "Hours" and cd.category == "Usage"
    assert commitment(s, SP).category == "Spend" and commitment(s, SP).period == "2025-11..2026-10"
    ri = commitment(s, RI)
    assert [(ri.utilisation.rows,)] == raw.execute(
        f"SELECT count(*) FROM f WHERE CommitmentDiscountId = '{RI}' AND ChargeCategory = 'Usage'").fetchall()


def test_demo_coverage_matches_sql(demo: Demo) -> None:
    raw, s = demo.raw, demo.summary
    # The demo's own definition: ListCost of Used rows / ListCost of AWS compute usage. It equals Balise's because
    # the demo's Unused rows have ListCost 0 and its compute usage is either Committed or Standard (checked).
    assert raw.execute("SELECT DISTINCT PricingCategory FROM f WHERE ServiceCategory = 'Compute' "
                       "AND ChargeCategory = 'Usage' ORDER BY 1").fetchall() == [("Committed",), ("Standard",)]
    query = """SELECT {key}, sum(ListCost) FILTER (CommitmentDiscountStatus = 'Used'), sum(ListCost)
               FROM f WHERE ServiceCategory = 'Compute' AND ChargeCategory = 'Usage' AND BillingCurrency = 'USD'
               {where} GROUP BY ALL"""
    for month, covered, total in raw.execute(query.format(key="month", where="")).fetchall():
        c = usd(s, month).coverage
        assert (c.numerator, c.denominator) == (pytest.approx(covered, rel=1e-9), pytest.approx(total, rel=1e-9))
    (_, covered, total), = raw.execute(query.format(key="'all'", where="")).fetchall()
    (dollars,) = [p for p in s.totals if p.currency == "USD"]
    assert dollars.coverage.value == pytest.approx(covered / total, rel=1e-9)
    assert dollars.coverage.value == pytest.approx(0.46, abs=0.005) and dollars.period == "2025-11..2026-10"
    # March-April together, from the months' inputs: (covered 03 + covered 04) / (eligible 03 + eligible 04) ~ 40 %.
    march, april = usd(s, "2026-03").coverage, usd(s, "2026-04").coverage
    spring = (march.numerator + april.numerator) / (march.denominator + april.denominator)
    (_, covered, total), = raw.execute(query.format(key="'x'", where="AND month IN ('2026-03', '2026-04')")).fetchall()
    assert spring == pytest.approx(covered / total, rel=1e-9) and spring == pytest.approx(0.40, abs=0.005)


def test_demo_savings_rate_matches_sql(demo: Demo) -> None:
    raw, s = demo.raw, demo.summary
    expected = by_month(raw, """
        SELECT month, 1 - sum(EffectiveCost) / sum(ListCost) FROM f
        WHERE ServiceCategory = 'Compute' AND ChargeCategory = 'Usage' AND BillingCurrency = 'USD'
          AND (CommitmentDiscountStatus = 'Used' OR (PricingCategory = 'Standard' AND CommitmentDiscountId IS NULL))
        GROUP BY month""")
    for month, value in expected.items():
        assert usd(s, month).savings_rate.value == pytest.approx(value, rel=1e-9)
        assert 0.1 < value < 0.2  # about half the compute at 62-72 % of list


def test_demo_euro_clouds_stay_apart(demo: Demo) -> None:
    raw, s = demo.raw, demo.summary
    # Azure, OVHcloud and Scaleway bill in EUR and have no commitment: their compute is all on demand (0 %
    # coverage), there is nothing to utilise (no data), and none of it dilutes the USD figures above.
    (eur,) = [p for p in s.totals if p.currency == "EUR"]
    assert (eur.coverage.value, eur.utilisation.value, eur.purchased_cost) == (0.0, None, 0.0)
    ((total,),) = raw.execute("SELECT sum(ListCost) FROM f WHERE ServiceCategory = 'Compute' AND ChargeCategory = "
                              "'Usage' AND BillingCurrency = 'EUR' AND PricingCategory = 'Standard'").fetchall()
    assert eur.coverage.denominator == pytest.approx(total, rel=1e-9)


def test_demo_eligibility_filters(demo: Demo) -> None:
    # Only AWS virtual machines: Lambda functions and the EKS control plane (Standard, Compute) drop out of the
    # denominator, so coverage rises; utilisation is about the commitments and does not move.
    vms = Eligibility(resource_types=("Virtual Machine",), providers=("aws",))
    s = commitment_summary(demo.table, demo.con, vms)
    assert [p.currency for p in s.totals] == ["USD"]  # the EUR clouds are filtered out of coverage ...
    (covered, total), = demo.raw.execute(
        "SELECT sum(ListCost) FILTER (CommitmentDiscountStatus = 'Used'), sum(ListCost) FROM f "
        "WHERE ServiceCategory = 'Compute' AND ChargeCategory = 'Usage' AND ResourceType = 'Virtual Machine' "
        "AND ProviderName = 'AWS'").fetchall()
    assert s.totals[0].coverage.value == pytest.approx(covered / total, rel=1e-9)
    (dollars,) = [p for p in demo.summary.totals if p.currency == "USD"]
    assert (s.totals[0].coverage.value or 0) > (dollars.coverage.value or 1)
    # ... and had no commitment anyway (sums in a parallel engine may differ in the last bits: approx)
    u, v = s.totals[0].utilisation, dollars.utilisation
    assert (u.value, u.numerator, u.rows) == (pytest.approx(v.value), pytest.approx(v.numerator), v.rows)


def test_spot_usage_is_not_eligible(run: Run, tmp_path: Path, shared_data: Path) -> None:
    # The 0 % example plus one spot hour (PricingCategory "Dynamic", ListCost 5.00, EffectiveCost 1.00): spot
    # usage cannot be covered by a commitment, so coverage stays 0 / 2.00 and savings 1 - 2.00 / 2.00 = 0 %.
    name = "zero_percent_utilization_without_commitment_discount_flexibility.csv"
    spot = ("2023-01-01T00:00:00Z,2023-02-01T00:00:00Z,2023-01-01T00:00:00Z,2023-01-01T01:00:00Z,Usage,Usage-Based,"
            "Dynamic,<my-spot-vm-id>,1.00,5.00,5.00,1.50,1.00,1.00,1.00,Hour,VM_XLARGE,VM_XLARGE_SPOT_HOUR,"
            "null,null,null,null,null\n")
    path = tmp_path / name
    path.write_text((shared_data / SPEC / FLEX / name).read_text().rstrip("\n") + "\n" + spot)
    staged, month, _ = run(FLEX, name, path=path)
    assert staged.rows == 4
    assert (month.coverage.value, month.coverage.denominator, month.coverage.rows) == (0.0, 2.0, 1)
    assert month.savings_rate.value == 0.0
