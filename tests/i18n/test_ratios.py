"""Per-unit figures keep two significant figures: € and kgCO2e per request are tiny, never shown as 0."""

from __future__ import annotations

from balise.i18n import money_ratio, ratio


def test_small_ratios_keep_two_significant_figures() -> None:
    assert ratio(7.2e-6, "en") == "0.0000072" and ratio(7.2e-6, "fr") == "0,0000072"
    assert ratio(0.000632, "en") == "0.00063"
    assert ratio(93.38, "en") == "93.4" and ratio(93.38, "fr") == "93,4"  # large values: the digits asked for
    assert ratio(0.0, "en") == "0.0"
    assert money_ratio(0.000632, "EUR", "en") == "€0.00063"
    assert money_ratio(0.000632, "EUR", "fr") == "0,00063\u00a0€"
    assert money_ratio(3.214, "EUR", "fr") == "3,21\u00a0€"  # a cent or more: money as usual
