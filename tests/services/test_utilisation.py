"""Utilisation imports: CSV files (bad lines named, nothing half-written), Prometheus' HTTP API served by a real
local HTTP server replaying recorded responses, the table rules read, and the CLI. State on SQLite and
PostgreSQL (the ``ws`` fixture)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select

from balise import engine
from balise.errors import BadSourceError, ExecutionError, UnknownTenantError, UsageError
from balise.services.ingest import ingest
from balise.services.utilisation import (
    CPU_QUERY,
    MAX_POINTS,
    MEMORY_QUERY,
    import_csv,
    import_prometheus,
    list_imports,
    utilisation_table,
)
from balise.services.workspace import Workspace
from balise.state.models import UtilisationFile

FIXTURES = Path(__file__).parent / "fixtures"
BILL = ("BillingAccountId,BillingCurrency,BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,"
        "ProviderName,ResourceId,ResourceName,ResourceType\n"
        "111122223333,EUR,2.40,2.40,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,AWS,"
        "arn:aws:ec2:eu-west-3:111122223333:instance/i-0123456789abcdef0,web-01,Virtual Machine\n")


@pytest.fixture
def tenant(ws: Workspace, tmp_path: Path) -> str:
    bill = tmp_path / "bill.csv"
    bill.write_text(BILL)
    ingest(ws, [bill], "acme")
    return "acme"


def samples(ws: Workspace, tenant: str) -> list[dict[str, Any]]:
    con = engine.connect()
    t = utilisation_table(ws, con, tenant)
    assert t is not None
    return engine.rows(con, t.order_by([t.resource_id, t.ts]))


def stored_files(ws: Workspace) -> list[Path]:
    return sorted((ws.home / "utilisation").rglob("*.parquet")) if (ws.home / "utilisation").exists() else []


# --- CSV -----------------------------------------------------------------------------------------------------

def test_csv_with_ids_and_names(ws: Workspace, tenant: str, tmp_path: Path) -> None:
    f = tmp_path / "util.csv"
    f.write_text("timestamp,resource_id,resource_name,cpu_percent,memory_percent\n"
                 "2026-10-01T00:00:00Z,i-0123456789abcdef0,,12.5,40\n"
                 "2026-10-01T01:00:00Z,,web-02,7,\n"
                 "\n"
                 "2026-10-01T02:00:00+02:00,i-0123456789abcdef0,web-01,100,0\n")
    r = import_csv(ws, tenant, f)
    assert (r.samples, r.resources, r.source) == (3, 2, "util.csv")
    assert (r.first, r.last) == (datetime(2026, 10, 1, 0), datetime(2026, 10, 1, 1))
    assert r.path.startswith("utilisation/tenant=acme/") and (ws.home / r.path).is_file()
    rows = samples(ws, tenant)
    assert [(x["resource_id"], x["resource_name"], x["ts"], x["cpu"], x["memory"]) for x in rows] == [
        ("i-0123456789abcdef0", None, datetime(2026, 10, 1, 0), 0.125, 0.40),
        ("i-0123456789abcdef0", "web-01", datetime(2026, 10, 1, 0), 1.0, 0.0),  # 02:00+02:00 is 00:00 UTC
        ("web-02", "web-02", datetime(2026, 10, 1, 1), 0.07, None),  # only a name: it is the key
    ]
    (listed,) = list_imports(ws, tenant)
    assert listed.id == r.id and listed.samples == 3


def test_french_csv_semicolons_and_decimal_commas(ws: Workspace, tenant: str, tmp_path: Path) -> None:
    f = tmp_path / "fr.csv"
    f.write_text("\ufefftimestamp;resource_name;cpu_percent;memory_percent\n"
                 "2026-10-01 14:00:00;web-01;12,5;33,3 %\n", encoding="utf-8")
    import_csv(ws, tenant, f)
    (row,) = samples(ws, tenant)
    assert row["ts"] == datetime(2026, 10, 1, 14) and row["cpu"] == 0.125 and row["memory"] == pytest.approx(0.333)


@pytest.mark.parametrize(("content", "line", "column", "value", "says"), [
    ("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,a,10\n01/10/2026 01:00,a,10\n", 3, "timestamp",
     "01/10/2026 01:00", "ISO 8601"),
    ("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,a,110\n", 2, "cpu_percent", "110", "0 to 100"),
    ("timestamp,resource_id,cpu_percent,memory_percent\n2026-10-01T00:00:00Z,a,10,lots\n", 2, "memory_percent",
     "lots", "0 to 100"),
    ("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,,10\n", 2, "resource_id", "", "resource id"),
])
def test_a_bad_line_names_file_line_column_and_writes_nothing(ws: Workspace, tenant: str, tmp_path: Path,
                                                              content: str, line: int, column: str, value: str,
                                                              says: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content)
    with pytest.raises(BadSourceError) as e:
        import_csv(ws, tenant, f)
    p = e.value.problem
    assert (p.line, p.column, p.value) == (line, column, value)
    assert p.file == str(f) and says in str(e.value)
    assert str(e.value).startswith(f"{f}, line {line}, column {column!r}")
    assert stored_files(ws) == [] and list_imports(ws, tenant) == []


def test_missing_columns_and_wrong_field_counts(ws: Workspace, tenant: str, tmp_path: Path) -> None:
    f = tmp_path / "cols.csv"
    f.write_text("time,resource_id,cpu\n2026-10-01T00:00:00Z,a,10\n")
    with pytest.raises(BadSourceError, match="the column 'timestamp' is missing") as e:
        import_csv(ws, tenant, f)
    assert e.value.problem.line == 1 and "found: time, resource_id, cpu" in str(e.value)
    f.write_text("timestamp,cpu_percent\n2026-10-01T00:00:00Z,10\n")
    with pytest.raises(BadSourceError, match="neither a resource_id nor a resource_name column"):
        import_csv(ws, tenant, f)
    f.write_text("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,a,10,5\nx,y,z\n")
    with pytest.raises(BadSourceError, match="4 fields where the header has 3") as e:
        import_csv(ws, tenant, f)
    assert e.value.more == 1  # the second bad line is counted, not hidden
    with pytest.raises(UsageError, match="no such file"):
        import_csv(ws, tenant, tmp_path / "absent.csv")
    with pytest.raises(UnknownTenantError):
        import_csv(ws, "nobody", f)
    assert stored_files(ws) == []


def test_importing_the_same_samples_again_replaces_them(ws: Workspace, tenant: str, tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,a,10\n")
    first = import_csv(ws, tenant, f)
    again = import_csv(ws, tenant, f)
    assert again.replaced == 1 and again.id != first.id
    assert stored_files(ws) == [ws.home / again.path]
    with ws.session() as s:
        assert s.scalar(select(func.count()).select_from(UtilisationFile)) == 1


def test_a_later_import_wins_for_the_same_resource_and_time(ws: Workspace, tenant: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,x,10\n2026-10-01T01:00:00Z,x,20\n")
    b.write_text("timestamp,resource_id,cpu_percent\n2026-10-01T01:00:00Z,x,50\n")
    import_csv(ws, tenant, a)
    import_csv(ws, tenant, b)
    assert [(r["ts"].hour, r["cpu"]) for r in samples(ws, tenant)] == [(0, 0.10), (1, 0.50)]


def test_no_import_no_table(ws: Workspace, tenant: str) -> None:
    assert utilisation_table(ws, engine.connect(), tenant) is None


# --- Prometheus --------------------------------------------------------------------------------------------

class _Prometheus(BaseHTTPRequestHandler):
    """Replays the recorded ``query_range`` answers of tests/services/fixtures; /bad answers as Prometheus does
    to a malformed query, /html like a web page, /percent with percentages instead of fractions."""

    requests: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        self.requests.append({"path": url.path, **q})
        if url.path.startswith("/bad/"):
            self._send(400, {"status": "error", "errorType": "bad_data",
                             "error": "invalid parameter \"query\": 1:1: parse error: unexpected end of input"})
        elif url.path.startswith("/html/"):
            self._send(200, "<html><body>Grafana</body></html>", "text/html")
        elif url.path.endswith("/api/v1/query_range"):
            name = "prometheus-node-memory.json" if "node_memory" in q["query"] else "prometheus-node-cpu.json"
            doc = json.loads((FIXTURES / name).read_text())
            if url.path.startswith("/percent/"):
                for s in doc["data"]["result"]:
                    s["values"] = [[t, str(float(v) * 100)] for t, v in s["values"]]
            if url.path.startswith("/nolabel/"):
                for s in doc["data"]["result"]:
                    s["metric"] = {"nodename": s["metric"]["instance"].split(":")[0]}
            self._send(200, doc)
        else:
            self._send(404, "404 page not found", "text/plain")

    def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def prometheus() -> Iterator[str]:
    _Prometheus.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Prometheus)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


START, END = datetime(2026, 10, 1, 0, 0), datetime(2026, 10, 1, 1, 0)


def test_prometheus_query_range_with_node_exporter_queries(ws: Workspace, tenant: str, prometheus: str) -> None:
    r = import_prometheus(ws, tenant, prometheus + "/", start=START, end=END, step="5m")
    # the two queries, over the range asked for, at the step asked for
    assert [x["query"] for x in _Prometheus.requests] == [CPU_QUERY, MEMORY_QUERY]
    assert all(x["path"] == "/api/v1/query_range" and x["start"] == "1790812800" and x["end"] == "1790816400"
               and x["step"] == "300" for x in _Prometheus.requests)
    # 13 CPU points for web-01, 12 for batch-01 (its last one is NaN): 25 samples of 2 machines
    assert (r.samples, r.resources) == (25, 2)
    assert r.source.startswith(prometheus + " [2026-10-01T00:00:00Z, 2026-10-01T01:00:00Z, step 5m] cpu=")
    rows = samples(ws, tenant)
    web = [x for x in rows if x["resource_id"] == "web-01"]  # the port is dropped from "web-01:9100"
    assert len(web) == 13 and web[0]["ts"] == START and web[0]["cpu"] == 0.12 and web[0]["memory"] == 0.41
    assert web[5]["cpu"] == 0.35 and web[5]["memory"] == 0.47
    batch = [x for x in rows if x["resource_id"] == "batch-01"]
    assert len(batch) == 12 and max(x["cpu"] for x in batch) == 0.97


def test_long_ranges_are_split_below_the_points_limit(ws: Workspace, tenant: str, prometheus: str) -> None:
    end = datetime(2026, 10, 22, 0, 0)  # 21 days at 60 s: 30,241 points, four requests of at most 10,000
    import_prometheus(ws, tenant, prometheus, start=START, end=end, step="1m", memory_query=None)
    spans = [(float(x["start"]), float(x["end"])) for x in _Prometheus.requests]
    assert len(spans) == 4
    assert spans[0][0] == 1790812800
    assert all((b - a) / 60 + 1 <= MAX_POINTS for a, b in spans)
    assert all(spans[i + 1][0] == spans[i][1] + 60 for i in range(3))  # contiguous, no point twice
    assert spans[-1][1] == 1790812800 + 21 * 86400


def test_prometheus_errors_are_clear(ws: Workspace, tenant: str, prometheus: str) -> None:
    with pytest.raises(UsageError, match=r"refused the query .* \(HTTP 400, bad_data\): invalid parameter"):
        import_prometheus(ws, tenant, prometheus + "/bad", start=START, end=END)
    with pytest.raises(UsageError, match="did not answer like the Prometheus HTTP API"):
        import_prometheus(ws, tenant, prometheus + "/html", start=START, end=END)
    with pytest.raises(UsageError, match="must return a fraction from 0 to 1"):
        import_prometheus(ws, tenant, prometheus + "/percent", start=START, end=END)
    with pytest.raises(UsageError, match=r"carries the label 'instance'.*found: nodename"):
        import_prometheus(ws, tenant, prometheus + "/nolabel", start=START, end=END)
    with pytest.raises(UsageError, match="not a step"):
        import_prometheus(ws, tenant, prometheus, start=START, end=END, step="five minutes")
    with pytest.raises(UsageError, match="is not before"):
        import_prometheus(ws, tenant, prometheus, start=END, end=START)
    assert stored_files(ws) == [] and list_imports(ws, tenant) == []
    # another label names the machines
    r = import_prometheus(ws, tenant, prometheus + "/nolabel", start=START, end=END, resource_label="nodename",
                          memory_query=None)
    assert r.resources == 2


def test_prometheus_unreachable(ws: Workspace, tenant: str) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ExecutionError, match=rf"cannot reach Prometheus at http://127.0.0.1:{port}: .*refused"):
        import_prometheus(ws, tenant, f"http://127.0.0.1:{port}", start=START, end=END)


# --- the demo's samples, and the CLI -------------------------------------------------------------------------

def test_demo_utilisation_is_deterministic_and_covers_the_demo_vms(tmp_path: Path) -> None:
    from balise.demo.utilisation import machines, write_csv

    a, b = write_csv(tmp_path / "a.csv"), write_csv(tmp_path / "b.csv")
    assert a.read_bytes() == b.read_bytes()
    names = [n for n, _ in machines()]
    assert len(names) == 61 and "poc-migration-2024" not in names
    lines = a.read_text().splitlines()
    assert lines[0] == "timestamp,resource_name,cpu_percent,memory_percent"
    assert lines[1].startswith("2026-10-02T00:00:00Z,shop-web-01,")
    # the sandboxes come last; they run on weekdays 08:00-18:59 and 31 October 2026 is a Saturday
    assert lines[-1].startswith("2026-10-30T18:00:00Z,sandbox-06,")
    # 43 always-on VMs × 720 hours + 18 office VMs × 21 weekdays (2 to 30 October) × 11 hours
    assert len(lines) - 1 == 43 * 720 + 18 * 21 * 11


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BALISE_HOME", "BALISE_DATABASE_URL")}
    env["BALISE_LANG"] = "en"
    return subprocess.run([sys.executable, "-m", "balise", "--workspace", str(home), *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_cli_import_list_and_bad_line(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    bill = tmp_path / "bill.csv"
    bill.write_text(BILL)
    assert _cli(home, "ingest", str(bill), "--tenant", "acme").returncode == 0
    f = tmp_path / "util.csv"
    f.write_text("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,i-0123456789abcdef0,10\n"
                 "2026-10-01T01:00:00Z,i-0123456789abcdef0,12\n")
    done = _cli(home, "utilisation", "import", str(f), "--tenant", "acme")
    assert done.returncode == 0, done.stderr
    assert "Imported 2 samples of 1 resource(s) from 2026-10-01 00:00 to 2026-10-01 01:00" in done.stdout
    listed = json.loads(_cli(home, "utilisation", "list", "--tenant", "acme", "-f", "json").stdout)
    assert [(x["source"], x["samples"], x["first"]) for x in listed] == [("util.csv", 2, "2026-10-01T00:00:00Z")]
    f.write_text("timestamp,resource_id,cpu_percent\n2026-10-01T00:00:00Z,i-0123456789abcdef0,ten\n")
    bad = _cli(home, "utilisation", "import", str(f), "--tenant", "acme")
    assert bad.returncode == 2
    assert f"{f}, line 2, column 'cpu_percent' (#3): not a percentage from 0 to 100 (value 'ten')" in bad.stderr
    neither = _cli(home, "utilisation", "import", "--tenant", "acme")
    assert neither.returncode == 2 and "give a CSV file, or --prometheus URL" in neither.stderr


def test_cli_import_from_prometheus(tmp_path: Path, prometheus: str) -> None:
    home = tmp_path / "ws"
    bill = tmp_path / "bill.csv"
    bill.write_text(BILL)
    assert _cli(home, "ingest", str(bill), "--tenant", "acme").returncode == 0
    done = _cli(home, "utilisation", "import", "--prometheus", prometheus, "--tenant", "acme", "--from",
                "2026-10-01T00:00:00Z", "--to", "2026-10-01T01:00:00Z", "--step", "5m", "-f", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["samples"], out["resources"], out["first"], out["last"]) == (25, 2, "2026-10-01T00:00:00Z",
                                                                             "2026-10-01T01:00:00Z")
    # a date alone for --to means the end of that day
    day = _cli(home, "utilisation", "import", "--prometheus", prometheus, "--tenant", "acme", "--from",
               "2026-10-01", "--to", "2026-10-01", "--memory-query", "none")
    assert day.returncode == 0, day.stderr
    assert [x["end"] for x in _Prometheus.requests[-1:]] == [str(1790812800 + 86399)]
    bad = _cli(home, "utilisation", "import", "--prometheus", prometheus + "/bad", "--tenant", "acme", "--from",
               "2026-10-01", "--to", "2026-10-02")
    assert bad.returncode == 2 and "HTTP 400, bad_data" in bad.stderr
    when = _cli(home, "utilisation", "import", "--prometheus", prometheus, "--tenant", "acme", "--from", "yesterday",
                "--to", "2026-10-02")
    assert when.returncode == 2 and "'yesterday' is not a date or time" in when.stderr
