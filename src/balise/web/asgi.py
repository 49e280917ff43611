"""The ASGI entry point for uvicorn workers: ``uvicorn --factory balise.web.asgi:create``. The workspace comes
from BALISE_HOME (and BALISE_DATABASE_URL), as for the CLI."""

from __future__ import annotations

from fastapi import FastAPI

from balise.web.app import create_app
from balise.web.config import WebSettings


def create() -> FastAPI:
    return create_app(WebSettings.from_env())
