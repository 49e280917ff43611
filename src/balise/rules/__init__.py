"""Rules: the registry, the rule contract, the shared context, and the built-in rules (see base.py)."""
