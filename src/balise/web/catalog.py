"""Keep the gettext catalogs in step with the code: ``python -m balise.web.catalog`` extracts every string
marked in the templates (``_('…')``) and in the web modules (``_("…")``, ``N_("…")``), and rewrites
``locale/{en,fr}/LC_MESSAGES/messages.po`` with them, keeping the translations already there. English is the
source language (its catalog translates each string to itself); a test fails on any French string left empty."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).parent
LOCALE = ROOT / "locale"
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "N_": None, "gettext": None}


def extract() -> dict[str, list[tuple[str, int]]]:
    """msgid -> [(file, line)]"""
    out: dict[str, list[tuple[str, int]]] = {}
    for path, line, msg, _comments, _ctx in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS,
                                                             options_map={"templates/**.html": {"trimmed": "true"}}):
        if isinstance(msg, str) and msg:
            out.setdefault(msg, []).append((path, line))
    return out


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang)
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def update() -> dict[str, list[str]]:
    """Rewrite both catalogs; returns the French msgids still untranslated."""
    found = extract()
    missing: list[str] = []
    for lang in ("en", "fr"):
        old = load(lang)
        new = Catalog(locale=lang, project="Balise", charset="utf-8")
        for msgid, where in sorted(found.items()):
            prev = old.get(msgid)
            text = prev.string if prev is not None and prev.string else ("" if lang == "fr" else msgid)
            if lang == "fr" and not text:
                missing.append(msgid)
            new.add(msgid, text, locations=where)
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with po_path(lang).open("wb") as f:
            write_po(f, new, width=120, omit_header=False, sort_output=True)
    return {"fr": missing}


if __name__ == "__main__":
    left = update()["fr"]
    for m in left:
        print(m)
