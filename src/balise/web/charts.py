"""Charts drawn on the server as SVG: no script, readable with CSS off, printable. Colours come from CSS
classes (``static/balise.css``); every chart has a title and a text table beside it for screen readers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

W, H = 720, 260
PAD_L, PAD_R, PAD_T, PAD_B = 70, 20, 20, 40


@dataclass(frozen=True)
class Band:
    low: float
    high: float


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    step = 10 ** len(str(int(v))) / 10
    for f in (1, 2, 2.5, 5, 10):
        if v <= step * f:
            return step * f
    return v


def _svg(title: str, body: list[str]) -> Markup:
    t = escape(title)
    return Markup(f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{t}</title>' + "".join(body) + "</svg>")


def _axis(top: float, fmt: Callable[[float], str]) -> list[str]:
    out = []
    for i in range(5):
        v = top * i / 4
        y = PAD_T + (H - PAD_T - PAD_B) * (1 - i / 4)
        out.append(f'<line class="grid" x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="axis" x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(v))}</text>')
    return out


def trend(title: str, labels: Sequence[str], values: Sequence[float], fmt: Callable[[float], str], *,
          forecast: float | None = None, band: Band | None = None, budget: float | None = None,
          legend: dict[str, str] | None = None) -> Markup:
    """Monthly bars, the last month's month-end forecast (a hollow bar with its interval) and a budget line."""
    n = max(len(values), 1)
    top = _nice_max(max([*values, forecast or 0, band.high if band else 0, budget or 0, 0]) * 1.05)
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    slot = plot_w / n
    bar = slot * 0.62

    def y(v: float) -> float:
        return PAD_T + plot_h * (1 - v / top)

    body = _axis(top, fmt)
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = PAD_L + i * slot + (slot - bar) / 2
        hgt = max(0, plot_h - (y(v) - PAD_T))
        body.append(f'<rect class="bar" x="{x:.1f}" y="{y(v):.1f}" width="{bar:.1f}" height="{hgt:.1f}">'
                    f'<title>{escape(label)}: {escape(fmt(v))}</title></rect>')
        body.append(f'<text class="axis" x="{x + bar / 2:.1f}" y="{H - PAD_B + 16}" text-anchor="middle">'
                    f'{escape(label)}</text>')
    if forecast is not None and values:
        x = PAD_L + (n - 1) * slot + (slot - bar) / 2
        hgt = max(0, plot_h - (y(forecast) - PAD_T))
        body.append(f'<rect class="forecast" x="{x:.1f}" y="{y(forecast):.1f}" width="{bar:.1f}" '
                    f'height="{hgt:.1f}"><title>{escape(fmt(forecast))}</title></rect>')
        if band is not None:
            cx = x + bar / 2
            body.append(f'<line class="band" x1="{cx:.1f}" x2="{cx:.1f}" '
                        f'y1="{y(band.high):.1f}" y2="{y(band.low):.1f}"/>')
    if budget is not None:
        body.append(f'<line class="budget" x1="{PAD_L}" x2="{W - PAD_R}" y1="{y(budget):.1f}" y2="{y(budget):.1f}">'
                    f'<title>{escape(fmt(budget))}</title></line>')
    body += _legend(legend or {})
    return _svg(title, body)


def burndown(title: str, month_days: int, days: Sequence[int], cumulative: Sequence[float], budget: float,
             fmt: Callable[[float], str], *, forecast: float | None = None, band: Band | None = None,
             legend: dict[str, str] | None = None) -> Markup:
    """Cumulative spend in the month (days 1..N) against the budget's straight line and the month-end forecast."""
    top = _nice_max(max([budget, *cumulative, forecast or 0, band.high if band else 0, 0]) * 1.05)
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def x(day: float) -> float:
        return PAD_L + plot_w * (day / month_days)

    def y(v: float) -> float:
        return PAD_T + plot_h * (1 - v / top)

    body = _axis(top, fmt)
    for d in range(1, month_days + 1, 5 if month_days > 10 else 1):
        body.append(f'<text class="axis" x="{x(d):.1f}" y="{H - PAD_B + 16}" text-anchor="middle">{d}</text>')
    body.append(f'<line class="budget" x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(month_days):.1f}" y2="{y(budget):.1f}"/>')
    if days:
        pts = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip([0, *days], [0.0, *cumulative], strict=True))
        body.append(f'<polyline class="actual" points="{pts}"/>')
        if forecast is not None and days[-1] < month_days:
            body.append(f'<line class="forecast-line" x1="{x(days[-1]):.1f}" y1="{y(cumulative[-1]):.1f}" '
                        f'x2="{x(month_days):.1f}" y2="{y(forecast):.1f}"/>')
            if band is not None:
                body.append(f'<line class="band" x1="{x(month_days):.1f}" x2="{x(month_days):.1f}" '
                            f'y1="{y(band.high):.1f}" y2="{y(band.low):.1f}"/>')
    body += _legend(legend or {})
    return _svg(title, body)


def _legend(items: dict[str, str]) -> list[str]:
    out = []
    x = PAD_L
    for cls, label in items.items():
        out.append(f'<rect class="key {cls}" x="{x}" y="4" width="12" height="8"/>')
        out.append(f'<text class="axis" x="{x + 16}" y="12">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    return out


def share_bar(share: float, title: str) -> Markup:
    """A small horizontal bar for a share in [0, 1] (tables of the costs explorer and budgets)."""
    w = max(0.0, min(1.0, share)) * 100
    cls = "over" if share > 1 else "share"
    return Markup(f'<svg class="sharebar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
                  f'aria-label="{escape(title)}"><rect class="track" width="100" height="8"/>'
                  f'<rect class="{cls}" width="{w:.1f}" height="8"/></svg>')
