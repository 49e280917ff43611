"""The shared-responsibility (RACI) matrix: import from YAML or CSV, defaults, and bad files refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from balise.errors import UsageError
from balise.services import posture
from balise.services.workspace import Workspace


def test_defaults_then_an_imported_yaml_matrix(acme: Workspace, tmp_path: Path) -> None:
    matrix = posture.responsibility(acme, "acme")
    raci, source = matrix["POS-007"]
    assert source == "default" and raci == {"R": ("msp",), "A": ("company",), "C": (), "I": ()}
    f = tmp_path / "raci.yaml"
    f.write_text("controls:\n  POS-007: {company: AR, msp: C}\n  pos-002:\n    company: I\n    msp: AR\n")
    assert posture.import_responsibility(acme, "acme", f) == {"POS-007": {"company": "RA", "msp": "C"},
                                                              "POS-002": {"company": "I", "msp": "RA"}}
    matrix = posture.responsibility(acme, "acme")
    assert matrix["POS-007"] == ({"R": ("company",), "A": ("company",), "C": ("msp",), "I": ()}, "tenant")
    assert matrix["POS-001"][1] == "default"
    (v,) = [v for v in posture.controls(acme, "acme") if v.code == "POS-007"]
    assert v.owner == "company" and v.raci_source == "tenant"


def test_a_csv_matrix_replaces_the_previous_one(acme: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "raci.csv"
    f.write_text("control,company,msp\nPOS-001,A,R\nPOS-006,AR,\n")
    posture.import_responsibility(acme, "acme", f)
    m = posture.responsibility(acme, "acme")
    assert m["POS-006"] == ({"R": ("company",), "A": ("company",), "C": (), "I": ()}, "tenant")
    assert m["POS-001"][0]["R"] == ("msp",)


@pytest.mark.parametrize(("name", "text", "where", "what"), [
    ("raci.yaml", "POS-001: {company: A, msp: R}\nPOS-002: {company: A, msp: X}\n", ":2:", "unknown role letter"),
    ("raci.yaml", "POS-001: {company: A, msp: R}\nPOS-002: {company: A, cloud: R}\n", ":2:", "unknown party 'cloud'"),
    ("raci.yaml", "POS-001: {company: A, msp: R}\n\nPOS-042: {company: A, msp: R}\n", ":3:", "unknown control 'POS-042'"),
    ("raci.yaml", "POS-001: {company: AR, msp: A}\n", ":1:", "exactly one Accountable"),
    ("raci.yaml", "POS-001: {company: A, msp: C}\n", ":1:", "at least one Responsible"),
    ("raci.csv", "control,company,msp\nPOS-001,A,R\nPOS-002,A,Z\n", ":3:", "unknown role letter"),
    ("raci.csv", "control,company,msp\nPOS-001,A,R\nPOS-077,A,R\n", ":3:", "unknown control"),
    ("raci.csv", "control,company,vendor\nPOS-001,A,R\n", ":2:", "unknown party 'vendor'"),
    ("raci.csv", "code,company,msp\nPOS-001,A,R\n", ":1:", "header must be control,company,msp"),
    ("raci.txt", "POS-001 A R\n", "", "unsupported file type"),
])
def test_a_bad_matrix_names_file_and_line_and_changes_nothing(acme: Workspace, tmp_path: Path, name: str, text: str,
                                                              where: str, what: str) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("POS-003: {company: AR, msp: I}\n")
    posture.import_responsibility(acme, "acme", good)
    before = posture.responsibility(acme, "acme")
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(UsageError) as e:
        posture.import_responsibility(acme, "acme", f)
    assert what in str(e.value) and (str(f) + where) in str(e.value) if where else what in str(e.value)
    assert posture.responsibility(acme, "acme") == before
    with pytest.raises(UsageError, match="no such file"):
        posture.import_responsibility(acme, "acme", tmp_path / "missing.yaml")
