"""The demo company, Atelier Numérique Durand: deterministic FOCUS 1.2 bills for demos, tests, benchmarks."""

from balise.demo.generator import generate, minimum_rows, natural_rows

__all__ = ["generate", "minimum_rows", "natural_rows"]
