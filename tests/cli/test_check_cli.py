"""`balise check` and `balise notify` end to end: the real command on the demo company (which has alerts) and on
a small clean FOCUS file (which has none), with real local HTTP and SMTP servers receiving the notifications."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "notify"))
from localservers import HttpReceiver, SmtpReceiver


class Cli:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace

    def __call__(self, *args: str, lang: str = "en", code: int | None = 0) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
        env["BALISE_LANG"] = lang
        proc = subprocess.run([sys.executable, "-m", "balise", "--workspace", str(self.workspace), *args],
                              capture_output=True, text=True, env=env, timeout=300)
        if code is not None:
            assert proc.returncode == code, f"exit {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}"
        return proc

    def json(self, *args: str, code: int = 0) -> Any:
        return json.loads(self(*args, "--format", "json", code=code).stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = Cli(tmp_path_factory.mktemp("demo") / "ws")
    cli("demo")
    return cli


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    folder = tmp_path_factory.mktemp("clean")
    cli = Cli(folder / "ws")
    cli("ingest", str(clean_focus(folder / "clean.csv")), "--tenant", "clean")
    return cli


@pytest.fixture
def http() -> Iterator[HttpReceiver]:
    with HttpReceiver() as r:
        yield r


TAGS = {"team": "web", "owner": "web@clean.example", "env": "prod", "cost-center": "CC-1", "project": "site",
        "data-class": "internal"}  # classified (no SOV-008), not personal: no sovereignty gap on OVHcloud Gravelines
COLUMNS = ["BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd",
           "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ChargeFrequency", "ChargeDescription",
           "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ProviderName", "PublisherName",
           "InvoiceIssuerName", "SubAccountId", "SubAccountName", "ServiceName", "ServiceCategory", "ResourceId",
           "ResourceName", "ResourceType", "RegionId", "RegionName", "Tags"]


def clean_focus(path: Path) -> Path:
    """Two months of a tidy company: an object-storage bucket (2.40 €/day) and a managed database (6 €/day),
    every row tagged with team, owner, env, cost-center and project; no VM, no commitment, no budget. So:
    tag coverage 100 %, spend change Sept → Oct = 31/30 − 1 = +3.3 % (< 10 %), no forgotten instance, and the
    KPIs that need missing inputs (budget, CPU, carbon, commitments) have no data rather than an alert."""
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for month in (9, 10):
            first, end = date(2026, month, 1), date(2026, month + 1, 1)
            day = first
            while day < end:
                for rid, service, category, rtype, cost in (
                        ("bucket-site", "Object Storage", "Storage", "Bucket", 2.40),
                        ("db-site", "Managed Databases", "Databases", "Database", 6.00)):
                    w.writerow(["ovh-clean", "Clean SARL", "EUR", f"{first}T00:00:00Z", f"{end}T00:00:00Z",
                                f"{day}T00:00:00Z", f"{day + timedelta(days=1)}T00:00:00Z", "Usage", "Usage-Based",
                                service, cost, cost, cost, cost, "OVHcloud", "OVHcloud", "OVHcloud", "proj-clean",
                                "clean-prod", service, category, f"{rid}-id", rid, rtype, "eu-west-gra",
                                "Gravelines", json.dumps(TAGS)])
                day += timedelta(days=1)
    return path


def test_demo_fails_the_check_with_its_planted_alerts(demo: Cli) -> None:
    r = demo.json("check", "--tenant", "demo", code=1)
    assert r["tenant"] == "demo" and r["month"] == "2026-10" and r["exit_code"] == 1 and r["severity"] == "high"
    assert set(r) == {"tenant", "month", "severity", "exit_code", "kpis_in_alert", "findings", "acknowledged",
                      "summary", "notifications", "seconds"}  # docs/json.md
    assert set(r["summary"]) == {"kpis", "kpis_in_alert", "findings", "open_by_severity", "saving_eur",
                                 "open_saving_eur"}
    for k in r["kpis_in_alert"]:
        assert {"id", "label", "value", "unit", "threshold", "status", "owner", "frequency"} <= set(k)
    alerts = {k["id"]: k for k in r["kpis_in_alert"]}
    # docs/demo-company.md: AWS compute coverage 46 % over the year (< 60 %), and 12–15 % of the spend untagged
    # (so tag coverage < 90 %)
    assert {"commitment_coverage", "tag_coverage"} <= set(alerts)
    cov = alerts["commitment_coverage"]
    assert cov["status"] == "alert" and cov["threshold"] == {"operator": "<", "value": 60.0} and cov["value"] < 60
    assert cov["owner"] == "FinOps lead" and cov["frequency"] == "quarterly"
    assert 85 <= alerts["tag_coverage"]["value"] < 90
    # exactly the KPIs in alert of `balise kpis`
    kpis = demo.json("kpis", "--tenant", "demo")
    assert set(alerts) == {k["id"] for k in kpis if k["status"] == "alert"}
    # the failing findings are exactly the FAIL, open ones of severity high or worse
    listed = demo.json("findings", "--tenant", "demo", "--no-refresh")
    expected = {f["id"] for f in listed if f["status"] == "FAIL" and f["lifecycle"] == "open"
                and f["severity"] in ("critical", "high")}
    assert {f["id"] for f in r["findings"]} == expected
    assert r["summary"]["saving_eur"] == pytest.approx(sum(f["monthly_saving_eur"] or 0 for f in r["findings"]),
                                                       abs=0.02)
    assert r["notifications"] == []  # no --notify


def test_demo_table_in_french(demo: Cli) -> None:
    out = demo("check", "--tenant", "demo", lang="fr", code=1).stdout
    assert "Vérification de demo, 2026-10" in out and "Indicateurs en alerte" in out
    assert "Résultat : alertes (code de sortie 1)." in out


def test_acknowledged_findings_do_not_fail_unless_asked(demo: Cli) -> None:
    r = demo.json("check", "--tenant", "demo", "--severity", "info", code=1)
    if not r["findings"]:
        pytest.fail("the demo has no open finding at all: the findings engine found none of its planted scenarios")
    target = r["findings"][0]
    demo("findings", "ack", str(target["id"]), "--tenant", "demo", "--reason", "taken by the SRE team")
    after = demo.json("check", "--tenant", "demo", "--severity", "info", code=1)
    assert target["id"] not in {f["id"] for f in after["findings"]}
    assert target["id"] in {f["id"] for f in after["acknowledged"]}
    strict = demo.json("check", "--tenant", "demo", "--severity", "info", "--include-acknowledged", code=1)
    assert target["id"] in {f["id"] for f in strict["findings"]}


def test_notify_through_a_webhook_then_deduplicated(demo: Cli, http: HttpReceiver) -> None:
    demo("notify", "add", "ops", "--tenant", "demo", "--kind", "webhook", "--url", http.url,
         "--header", "X-Team: sre", "--rate-limit", "100")
    try:
        r = demo.json("check", "--tenant", "demo", "--notify", code=1)
        alerts = len(r["kpis_in_alert"]) + len(r["findings"])
        assert alerts >= 2 and [n["outcome"] for n in r["notifications"]] == ["sent"] * alerts
        assert len(http.requests) == alerts and http.requests[0].headers["X-Team"] == "sre"
        assert set(r["notifications"][0]) == {"channel", "kind", "dedup_key", "subject", "outcome", "attempts",
                                              "error", "at"}
        keys = {req.json()["dedup_key"] for req in http.requests}
        assert {f"kpi:{k['id']}:2026-10" for k in r["kpis_in_alert"]} | \
            {f"finding:{f['fingerprint']}" for f in r["findings"]} == keys
        again = demo.json("check", "--tenant", "demo", "--notify", code=1)
        assert {n["outcome"] for n in again["notifications"]} == {"deduplicated"} and len(http.requests) == alerts
        log = demo.json("notify", "log", "--tenant", "demo", "--channel", "ops", "--limit", "1000")
        assert sorted({x["outcome"] for x in log}) == ["deduplicated", "sent"]
        assert sum(x["outcome"] == "sent" for x in log) == alerts
    finally:
        demo("notify", "remove", "ops", "--tenant", "demo", code=None)


def test_clean_tenant_passes(clean: Cli) -> None:
    cli = clean
    r = cli.json("check", "--tenant", "clean", "--severity", "info")
    assert r["exit_code"] == 0 and r["kpis_in_alert"] == [] and r["findings"] == []
    assert r["summary"]["open_by_severity"] == {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0}
    kpis = {k["id"]: k for k in cli.json("kpis", "--tenant", "clean")}
    assert kpis["tag_coverage"]["value"] == pytest.approx(100.0) and kpis["tag_coverage"]["status"] == "ok"
    assert kpis["mom_change"]["value"] == pytest.approx((31 / 30 - 1) * 100, abs=0.01)
    assert "Result: nothing to report (exit 0)." in cli("check", "--tenant", "clean").stdout


def test_email_channel_test_in_french(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "ws")
    cli("ingest", str(clean_focus(tmp_path / "clean.csv")), "--tenant", "clean")
    with SmtpReceiver() as smtp:
        out = cli("notify", "add", "daf", "--tenant", "clean", "--kind", "email", "--smtp",
                  f"127.0.0.1:{smtp.port}", "--smtp-tls", "none", "--from", "Balise <balise@clean.example>",
                  "--to", "daf@clean.example", "--to", "sre@clean.example", "--lang", "fr").stdout
        assert "Channel daf (email, fr) added to clean" in out
        assert "Message de test envoyé sur daf" in cli("notify", "test", "daf", "--tenant", "clean", lang="fr").stdout
        (mail,) = smtp.mails
    assert mail.recipients == ["daf@clean.example", "sre@clean.example"]
    assert mail.message["Subject"] == "[Balise clean] message de test"
    listed = cli.json("notify", "list", "--tenant", "clean")
    assert [(c["name"], c["kind"], c["lang"]) for c in listed] == [("daf", "email", "fr")]
    # the server is gone: the test fails, says so, exits 1, and the failure is in the log
    failed = cli("notify", "test", "daf", "--tenant", "clean", code=1)
    assert "not sent" in failed.stderr and "ConnectionRefusedError" in failed.stderr
    assert [x["outcome"] for x in cli.json("notify", "log", "--tenant", "clean")] == ["failed", "sent"]


@pytest.mark.parametrize(("args", "says"), [
    (("check", "--tenant", "nobody"), "unknown tenant 'nobody'"),
    (("check", "--tenant", "clean", "--severity", "urgent"), "use one of critical, high, medium, low, info"),
    (("check", "--tenant", "clean", "--month", "2026-13"), "YYYY-MM"),
    (("notify", "add", "x", "--tenant", "clean", "--kind", "slack", "--url", "hooks.slack.com/x"), "--url"),
    (("notify", "add", "x", "--tenant", "clean", "--kind", "sms", "--url", "https://x.example"), "sms"),
    (("notify", "add", "x", "--tenant", "clean", "--kind", "email", "--smtp", "smtp.x.fr:587", "--from", "me",
      "--to", "a@x.fr"), "--from 'me' is not an e-mail address"),
    (("notify", "add", "x", "--tenant", "clean", "--kind", "email", "--smtp", "smtp.x.fr:port", "--from",
      "a@x.fr", "--to", "b@x.fr"), "HOST:PORT"),
    (("notify", "add", "x", "--tenant", "clean", "--kind", "webhook", "--url", "https://x.example/h", "--header",
      "no-colon"), "--header"),
    (("notify", "test", "nope", "--tenant", "clean"), "has no channel named 'nope'"),
])
def test_user_errors_exit_2(clean: Cli, args: tuple[str, ...], says: str) -> None:
    proc = clean(*args, code=2)
    assert says in proc.stderr
    assert clean.json("notify", "list", "--tenant", "clean") == []  # nothing half-added
