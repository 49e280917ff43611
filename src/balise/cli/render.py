"""Rendering for the terminal (Rich tables) and for machines (JSON and CSV: stable contracts, see docs/json.md)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from balise.i18n import Text, money

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    from balise.i18n import messages as m
    err.print(f"[bold red]{m.ERROR()}:[/] {message}", markup=True, highlight=False)


def say(text: Text | str) -> None:
    out.print(str(text), markup=False)


def as_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def as_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)


def table(title: str | None, header: Sequence[Text | str], rows: Sequence[Sequence[Any]],
          right: Sequence[int] = ()) -> None:
    t = Table(title=title, title_justify="left", show_lines=False)
    for i, h in enumerate(header):
        t.add_column(str(h), justify="right" if i in right else "left")
    for r in rows:
        t.add_row(*[str(c) for c in r])
    out.print(t)


def totals_text(totals: dict[str, dict[str, float]], metric: str = "billed") -> str:
    return ", ".join(money(v.get(metric, 0.0), cur) for cur, v in sorted(totals.items())) or "—"
