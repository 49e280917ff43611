"""`balise carbon` and its settings commands, run as a user runs them (subprocess) on a copy of the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from balise.services.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"


def cli(ws: Workspace, *args: str, code: int = 0, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    env["BALISE_LANG"] = lang
    p = subprocess.run([sys.executable, "-m", "balise", "--workspace", str(ws.home), *args], capture_output=True,
                       text=True, env=env, timeout=300)
    assert p.returncode == code, f"exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p


def as_json(ws: Workspace, *args: str) -> Any:
    return json.loads(cli(ws, *args, "--format", "json").stdout)


def test_table_csv_and_french(demo: Workspace) -> None:
    table = cli(demo, "carbon", "--tenant", "demo", "--by", "provider", "--month", "2026-10").stdout
    assert "kgCO2e" in table and "ovhcloud" in table and "Methods: ccf-compute" in table
    csv = cli(demo, "carbon", "--tenant", "demo", "--by", "month", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("key,kgco2e,kgco2e_operational,kgco2e_embodied") and len(csv) == 13
    fr = cli(demo, "carbon", "--tenant", "demo", "--by", "provider", "--month", "2026-10", lang="fr").stdout
    assert "Empreinte carbone" in fr and "Méthodes" in fr
    bad = cli(demo, "carbon", "--tenant", "demo", "--by", "colour", code=2)
    assert "colour" in bad.stderr and "tag:KEY" in bad.stderr
    both = cli(demo, "carbon", "--tenant", "demo", "--month", "2026-10", "--start", "2026-01", code=2)
    assert "--month" in both.stderr


def test_grid_import_list_reset(demo: Workspace) -> None:
    bad = cli(demo, "carbon", "grid", "import", str(FIXTURES / "grid-bad.csv"), "--tenant", "demo", code=2)
    assert "grid-bad.csv" in bad.stderr and "3" in bad.stderr and "gco2e_per_kwh" in bad.stderr
    assert as_json(demo, "carbon", "grid", "list", "--tenant", "demo") == []
    ok = cli(demo, "carbon", "grid", "import", str(FIXTURES / "grid-overrides.csv"), "--tenant", "demo").stdout
    assert "2 grid factor overrides" in ok
    assert {o["zone"] for o in as_json(demo, "carbon", "grid", "list", "--tenant", "demo")} == {"FR",
                                                                                                "aws:eu-central-1"}
    rows = as_json(demo, "carbon", "--tenant", "demo", "--by", "region", "--month", "2026-10")
    gra = next(r for r in rows if r["key"] == "eu-west-gra")
    assert {e["factors"]["grid"]["gco2e_per_kwh"] for e in gra["estimates"]} == {21.7}
    cli(demo, "carbon", "grid", "reset", "--tenant", "demo")
    assert as_json(demo, "carbon", "grid", "list", "--tenant", "demo") == []


def test_renewables_and_market_based(demo: Workspace) -> None:
    bad = cli(demo, "carbon", "renewables", "set", "--tenant", "demo", "--provider", "ovhcloud", "--share", "1.5",
              "--source", "x", code=2)
    assert "1.5" in bad.stderr
    cli(demo, "carbon", "renewables", "set", "--tenant", "demo", "--provider", "ovhcloud", "--share", "0.5",
        "--source", "PPA 2026-001")
    assert as_json(demo, "carbon", "renewables", "list", "--tenant", "demo") == [
        {"provider": "ovhcloud", "region": None, "share": 0.5, "source": "PPA 2026-001"}]
    rows = {r["key"]: r for r in as_json(demo, "carbon", "--tenant", "demo", "--by", "provider")}
    ovh = rows["ovhcloud"]
    assert ovh["kgco2e_market"] == pytest.approx(ovh["kgco2e_operational"] / 2 + ovh["kgco2e_embodied"], abs=1e-3)
    assert rows["aws"]["kgco2e_market"] == pytest.approx(rows["aws"]["kgco2e"], abs=1e-3)
    cli(demo, "carbon", "renewables", "remove", "--tenant", "demo", "--provider", "ovhcloud")
    assert as_json(demo, "carbon", "renewables", "list", "--tenant", "demo") == []


def test_report_shows_carbon_next_to_cost(demo: Workspace) -> None:
    rep = as_json(demo, "report", "--tenant", "demo")
    c = rep["carbon"]
    assert "carbon" in rep["sections"] and c["month"] == rep["month"] == "2026-10"
    assert c["kgco2e"] == pytest.approx(c["kgco2e_operational"] + c["kgco2e_embodied"], abs=1e-2)
    month = {r["key"]: r for r in as_json(demo, "carbon", "--tenant", "demo", "--by", "month", "--month", "2026-10")}
    assert c["kgco2e"] == pytest.approx(month["2026-10"]["kgco2e"], abs=1e-2)
    assert {p["key"] for p in c["by_provider"]} == {"aws", "azure", "ovhcloud", "scaleway"}
    text = cli(demo, "report", "--tenant", "demo").stdout
    assert "Carbon:" in text and "kgCO2e" in text
