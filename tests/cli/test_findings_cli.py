"""`balise findings`, `balise rules` and `balise policy` end to end on the demo company (the real command)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

CONTRACT = {"id", "fingerprint", "code", "domain", "severity", "status", "lifecycle", "title", "remediation",
            "subject", "evidence", "monthly_saving_eur", "monthly_kgco2e", "owner", "first_seen", "last_seen",
            "reason", "suppressed_until"}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`balise demo` once; each test works on its own copy of the workspace."""
    home = tmp_path_factory.mktemp("findings-cli") / "ws"
    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    subprocess.run([sys.executable, "-m", "balise", "--workspace", str(home), "demo"], check=True,
                   capture_output=True, env=env, timeout=300)
    return home


@pytest.fixture
def demo(balise, demo_dir: Path):  # type: ignore[no-untyped-def]
    shutil.copytree(demo_dir, balise.workspace)
    return balise


def by_code(items: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for x in items:
        out.setdefault(x["code"], []).append(x)
    return out


def test_findings_json_contract_and_the_planted_spike(demo) -> None:
    items = demo.json("findings", "--tenant", "demo", "--month", "2026-07", "--format", "json")
    assert items and all(set(x) >= CONTRACT for x in items)
    for x in items:
        assert x["status"] in ("FAIL", "PASS", "UNKNOWN", "SKIPPED") and x["lifecycle"] == "open"
        assert x["domain"] in ("finops", "greenops", "sovereignty", "posture")
        assert x["first_seen"].endswith("Z") and x["subject"]["kind"] and x["subject"]["id"]
        assert x["monthly_saving_eur"] is None or isinstance(x["monthly_saving_eur"], float | int)
    (spike,) = by_code(items)["FIN-040"]
    assert spike["title"] == ("Spend spike on Azure Machine Learning: €976.15 instead of about €148.29 from "
                              "2026-07-13 to 2026-07-16")
    e = spike["evidence"]
    assert (e["start"], e["end"], e["expected"], e["actual"], e["excess"]) == (
        "2026-07-13", "2026-07-16", 148.29, 976.15, 827.86)
    assert e["contributors"][0]["resource_name"] == "gpu-train-cluster"
    assert spike["monthly_saving_eur"] is None and spike["severity"] == "medium"
    # the default window (2026-08..2026-10) does not contain the spike: the July finding is resolved
    now = demo.json("findings", "--tenant", "demo", "--format", "json")
    assert "FIN-040" not in by_code(now)
    assert "FIN-060" in by_code(now)
    resolved = demo.json("findings", "--tenant", "demo", "--lifecycle", "resolved", "--no-refresh", "-f", "json")
    assert [x["id"] for x in by_code(resolved)["FIN-040"]] == [spike["id"]]


def test_ack_suppress_resolve_and_bad_ids(demo) -> None:
    items = demo.json("findings", "--tenant", "demo", "-f", "json")
    untagged = by_code(items)["FIN-060"][0]
    fid = str(untagged["id"])
    out = demo("findings", "ack", fid, "--tenant", "demo", "--reason", "platform team tags this sprint").stdout
    assert f"Finding {fid} acknowledged." in out
    listed = {x["id"]: x for x in demo.json("findings", "--tenant", "demo", "--no-refresh", "-f", "json")}
    assert (listed[int(fid)]["lifecycle"], listed[int(fid)]["reason"]) == ("acknowledged",
                                                                            "platform team tags this sprint")

    s = demo.json("findings", "suppress", fid, "--tenant", "demo", "--reason", "until the reorg",
                  "--until", "2099-01-31", "-f", "json")
    assert (s["status"], s["lifecycle"], s["suppressed_until"]) == ("SKIPPED", "suppressed", "2099-01-31")
    again = {x["id"]: x for x in demo.json("findings", "--tenant", "demo", "-f", "json")}  # re-evaluated
    assert again[int(fid)]["status"] == "SKIPPED"
    assert int(fid) in {x["id"] for x in demo.json("findings", "--tenant", "demo", "--status", "SKIPPED",
                                                    "--no-refresh", "-f", "json")}

    out = demo("findings", "resolve", fid, "--tenant", "demo", "--reason", "tags added").stdout
    assert f"Finding {fid} marked resolved." in out
    assert int(fid) not in {x["id"] for x in demo.json("findings", "--tenant", "demo", "--no-refresh", "-f", "json")}

    bad = demo("findings", "ack", "999999", "--tenant", "demo", "--reason", "x", check=2)
    assert "no finding '999999' for tenant 'demo'; `balise findings --tenant demo` lists their ids" in bad.stderr
    bad = demo("findings", "ack", fid, "--tenant", "demo", "--reason", "again", check=2)
    assert f"finding {fid} is resolved" in bad.stderr
    bad = demo("findings", "suppress", fid, "--tenant", "demo", "--reason", "x", "--until", "31/01/2099", check=2)
    assert "'31/01/2099' is not a date: write it as YYYY-MM-DD" in bad.stderr
    bad = demo("findings", "--tenant", "demo", "--severity", "urgent", "--no-refresh", check=2)
    assert "unknown severity 'urgent'; use one of critical, high, medium, low, info" in bad.stderr
    demo("findings", "--tenant", "nobody", check=2)


def test_table_csv_and_french(demo) -> None:
    out = demo("findings", "--tenant", "demo").stdout
    assert "Findings of demo, 2026-08 → 2026-10 (bills up to 2026-10-31)" in out
    assert "estimated savings: €" in out and "finding(s) shown" in out and "Evaluated " in out
    csv = demo("findings", "--tenant", "demo", "--no-refresh", "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("id,code,domain,severity,status,lifecycle,title,subject_kind,subject_id")
    assert any(",FIN-060,finops,medium,FAIL,open," in line for line in csv[1:])
    fr = demo("findings", "--tenant", "demo", "--no-refresh", lang="fr").stdout
    assert "Constats de demo (dernière évaluation)" in fr and "économies estimées" in fr
    fr_items = json.loads(demo("findings", "--tenant", "demo", "--no-refresh", "-f", "json", lang="fr").stdout)
    (untagged,) = by_code(fr_items)["FIN-060"]
    assert "de la dépense d'usage n'a pas l'étiquette (ou les étiquettes) team : " in untagged["title"]


def test_rules_and_policies(demo, tmp_path: Path) -> None:
    rules = demo.json("rules", "-f", "json")
    codes = {r["code"]: r for r in rules}
    assert {"FIN-040", "FIN-041", "FIN-060"} <= set(codes)
    assert codes["FIN-060"]["params"]["required_tags"]["default"] == ["team"]
    assert (codes["FIN-040"]["name"], codes["FIN-040"]["domain"], codes["FIN-040"]["groups"]) == (
        "finops.anomaly.spike", "finops", ["anomaly", "cost"])
    assert "FIN-040" in demo("rules").stdout

    schema = demo.json("policy", "schema")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(codes) == set(schema["$defs"])

    good = tmp_path / "policy.yaml"
    good.write_text("rules:\n  FIN-060:\n    owner: finops@atelier-durand.fr\n    params:\n"
                    "      required_tags: [team, cost-center]\n  FIN-041: {enabled: false}\n")
    out = demo("policy", "validate", str(good)).stdout
    assert f"{good}: valid policy; {len(codes) - 1} of {len(codes)} rules enabled." in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  FIN-060:\n    params:\n      required_tag: [team]\n")
    err = demo("policy", "import", str(bad), "--tenant", "demo", check=2).stderr
    assert f"{bad}, line 4, column 7: unknown parameter 'required_tag' of rule FIN-060" in err
    assert "Valid parameters: required_tags, max_share, min_eur, top." in err
    assert "has no policy" in demo("policy", "show", "--tenant", "demo").stdout  # the bad file changed nothing

    demo("policy", "import", str(good), "--tenant", "demo")
    assert demo("policy", "show", "--tenant", "demo").stdout == good.read_text()
    shown = demo.json("policy", "show", "--tenant", "demo", "-f", "json")
    assert shown["document"]["rules"]["FIN-041"] == {"enabled": False}
    (untagged,) = by_code(demo.json("findings", "--tenant", "demo", "-f", "json"))["FIN-060"]
    assert untagged["owner"] == "finops@atelier-durand.fr"
    assert untagged["evidence"]["required_tags"] == ["team", "cost-center"]
