"""The demo company (Atelier Numérique Durand): deterministic FOCUS 1.2 bills for demos, tests and benchmarks."""

from balise.demo.generator import generate

__all__ = ["generate"]
