"""The web cockpit and REST API (FastAPI), over balise.services."""
