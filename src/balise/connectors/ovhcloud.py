"""Connectors for ovhcloud billing exports (being written)."""

from __future__ import annotations

from balise.connectors.base import Connector

CONNECTORS: tuple[Connector, ...] = ()
