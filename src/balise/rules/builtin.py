"""The built-in rules, listed explicitly (no registration by import side effect)."""

from __future__ import annotations

from balise.rules.base import Registry, Rule


def builtin_rules() -> tuple[type[Rule], ...]:
    # Each capability's module exposes RULES; add one line per module.
    from balise.rules import anomaly_rules, commitment_rules, forgotten, offers, rightsizing

    rules: list[type[Rule]] = []
    rules.extend(anomaly_rules.RULES)
    rules.extend(forgotten.RULES)
    rules.extend(rightsizing.RULES)
    rules.extend(commitment_rules.RULES)
    rules.extend(offers.RULES)
    from balise.rules import budget_rules, carbon_rules, posture_rules, sovereignty_rules
    rules.extend(budget_rules.RULES)
    rules.extend(carbon_rules.RULES)
    rules.extend(sovereignty_rules.RULES)
    rules.extend(posture_rules.RULES)
    return tuple(rules)


def default_registry() -> Registry:
    return Registry(builtin_rules())
