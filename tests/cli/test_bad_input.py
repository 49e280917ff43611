"""Every kind of bad input: a clear message naming the file (and line, column), exit code 2, and a workspace
left exactly as it was."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

SAMPLE = "focus/focus-1.0/focus_sample.csv"


@pytest.fixture
def loaded(balise, shared_data: Path):  # type: ignore[no-untyped-def]
    balise("ingest", str(shared_data / SAMPLE), "--tenant", "acme")
    return balise


def _sample_lines(shared_data: Path) -> list[str]:
    return (shared_data / SAMPLE).read_text(encoding="utf-8-sig").splitlines()


def _cases(shared_data: Path, tmp: Path) -> dict[str, tuple[Path, list[str], tuple[str, ...]]]:
    """name -> (file, fragments the message must contain, extra CLI args)."""
    lines = _sample_lines(shared_data)
    header = lines[0].split(",")
    cases: dict[str, tuple[Path, list[str], tuple[str, ...]]] = {}

    raw = (shared_data / SAMPLE).read_bytes()
    (tmp / "truncated.csv").write_bytes(raw[: len(raw) // 2])
    cases["truncated"] = (tmp / "truncated.csv", ["truncated.csv", "line 50", "fields where the header has 44"], ())

    (tmp / "unknown.csv").write_text("Date;Montant;Libellé\n01/03/2026;12,50;Serveur\n")
    cases["unknown format"] = (tmp / "unknown.csv", ["unknown.csv", "match no known billing format", "--format"], ())

    i = header.index('"BilledCost"')
    (tmp / "nocost.csv").write_text("\n".join(",".join(c for j, c in enumerate(row.split(",")) if j != i)
                                              for row in lines[:20] if row.count(",") == len(header) - 1) + "\n")
    cases["missing column"] = (tmp / "nocost.csv", ["nocost.csv", "'BilledCost' is missing"], ("--format", "focus"))

    bad = list(lines)
    f = bad[11].split(",")
    f[i] = "N/A"
    bad[11] = ",".join(f)
    (tmp / "nan.csv").write_text("\n".join(bad) + "\n")
    cases["non-numeric cost"] = (tmp / "nan.csv", ["nan.csv", "line 12", "'BilledCost'", "not a number", "'N/A'"], ())

    s, e = header.index('"ChargePeriodStart"'), header.index('"ChargePeriodEnd"')
    bad = list(lines)
    f = bad[5].split(",")
    f[s], f[e] = f[e], f[s]
    bad[5] = ",".join(f)
    (tmp / "reversed.csv").write_text("\n".join(bad) + "\n")
    cases["end before start"] = (tmp / "reversed.csv", ["reversed.csv", "line 6", "ends before it starts"], ())

    (tmp / "empty.csv").write_bytes(b"")
    cases["empty file"] = (tmp / "empty.csv", ["empty.csv", "empty (0 bytes)"], ())

    (tmp / "empty.csv.gz").write_bytes(b"")
    cases["0-byte gz"] = (tmp / "empty.csv.gz", ["empty.csv.gz", "empty (0 bytes)"], ())

    gz = gzip.compress(raw)
    (tmp / "cut.csv.gz").write_bytes(gz[: len(gz) // 2])
    cases["truncated gz"] = (tmp / "cut.csv.gz", ["cut.csv.gz", "damaged or truncated"], ())

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bill.csv", lines[0] + "\n" + "0" * (60 * 1024 * 1024))
    (tmp / "bomb.zip").write_bytes(buf.getvalue())
    cases["zip bomb"] = (tmp / "bomb.zip", ["bomb.zip!bill.csv", "zip bomb"], ())
    return cases


CASES = ["truncated", "unknown format", "missing column", "non-numeric cost", "end before start", "empty file",
         "0-byte gz", "truncated gz", "zip bomb"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_clearly_and_changes_nothing(loaded, observe, shared_data: Path, tmp_path: Path,
                                                          case: str) -> None:
    path, fragments, extra = _cases(shared_data, tmp_path)[case]
    before = observe()
    proc = loaded("ingest", str(path), "--tenant", "acme", *extra, check=2)
    for frag in fragments:
        assert frag in proc.stderr, f"{frag!r} not in: {proc.stderr}"
    assert "Traceback" not in proc.stderr
    assert observe() == before
    # the same input with a new tenant creates no tenant either
    loaded("ingest", str(path), "--tenant", "newco", *extra, check=2)
    assert "newco" not in loaded("tenants", "-f", "json").stdout


def test_messages_are_in_french_too(loaded, shared_data: Path, tmp_path: Path) -> None:
    path, _, _ = _cases(shared_data, tmp_path)["non-numeric cost"]
    proc = loaded("ingest", str(path), "--tenant", "acme", lang="fr", check=2)
    assert "ligne 12" in proc.stderr and "ce n'est pas un nombre" in proc.stderr and "Erreur" in proc.stderr


def test_skip_bad_rows_keeps_the_good_ones_and_explains_the_rest(balise, shared_data: Path, tmp_path: Path) -> None:
    lines = _sample_lines(shared_data)
    header = lines[0].split(",")
    i = header.index('"BilledCost"')
    bad = list(lines)
    costs = []
    for n in (3, 40, 41):
        f = bad[n].split(",")
        costs.append(float(f[i]))
        f[i] = "douze"
        bad[n] = ",".join(f)
    (tmp_path / "some-bad.csv").write_text("\n".join(bad) + "\n")
    out = balise.json("ingest", str(tmp_path / "some-bad.csv"), "--tenant", "acme", "--skip-bad-rows", "-o", "json")
    (src,) = out["sources"]
    assert src["rows"] == 997 and src["rows_rejected"] == 3
    assert src["rejected_cost"] == {}  # the cost itself was unreadable
    rejects = Path(src["reject_file"]).read_text().splitlines()
    assert len(rejects) == 4 and rejects[0].startswith("x_Line,x_Column,x_Reason,")
    assert [r.split(",")[0] for r in rejects[1:]] == ["4", "41", "42"]
    assert all("not a number" in r for r in rejects[1:])


@pytest.mark.parametrize("args, fragment", [
    (("costs", "--tenant", "acme", "--bogus"), "No such option: --bogus"),
    (("findings", "ack", "1", "--tenant", "acme"), "Missing option '--reason'"),
])
def test_command_line_mistakes_exit_2_with_a_usage_message_not_a_traceback(balise, args, fragment) -> None:  # type: ignore[no-untyped-def]
    proc = balise(*args, check=2)
    assert fragment in proc.stderr
    assert "Traceback" not in proc.stderr
