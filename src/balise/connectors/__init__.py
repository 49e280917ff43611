"""Connectors: one module per family of billing formats, each exporting ``CONNECTORS``.

The registry is an explicit list (no import side effects): a format is known once its module is listed here.
"""

from __future__ import annotations

from balise.connectors import aws, azure, focus, gcp, oci, ovhcloud, scaleway
from balise.connectors.base import Connector, Header
from balise.errors import UnknownFormatError, UsageError
from balise.i18n import messages as m

_MODULES = (focus, aws, azure, gcp, ovhcloud, scaleway, oci)


def _build() -> dict[str, Connector]:
    found: dict[str, Connector] = {}
    for module in _MODULES:
        conns = getattr(module, "CONNECTORS", None)
        if conns is None:
            conns = (module.CONNECTOR,)
        for c in conns:
            if c.name in found:
                raise RuntimeError(f"two connectors are named {c.name!r}")
            found[c.name] = c
    return found


REGISTRY: dict[str, Connector] = _build()


def names() -> list[str]:
    return sorted(REGISTRY)


def get(name: str) -> Connector:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UsageError(m.UNKNOWN_FORMAT_NAME(name=name, known=", ".join(names()))) from None


def detect(header: list[str], file: str) -> Connector:
    """The most specific connector that recognises this header."""
    h = Header(header)
    matches = [c for c in REGISTRY.values() if c.detect(h)]
    if not matches:
        raise UnknownFormatError(file, header, names())
    return max(matches, key=lambda c: c.specificity)
