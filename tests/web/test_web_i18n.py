"""No string of the cockpit is left untranslated: every marked string has its French in the catalog, and no
template holds text outside a translation call."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from web_helpers import Web

from balise.web import catalog
from balise.web.i18n import Formatter, negotiate

TEMPLATES = Path(catalog.ROOT) / "templates"
# Text that reads the same in both languages: the product's name, formats, units, proper nouns, symbols.
LITERAL = {"Balise", "English", "Français", "Slack / Mattermost", "Microsoft Teams", "MB", "UTC", "CSV", "XLSX",
           "kgCO2e", "kWh"}


def test_every_marked_string_is_in_both_catalogs_and_translated() -> None:
    found = catalog.extract()
    assert len(found) > 150
    for lang in ("en", "fr"):
        with catalog.po_path(lang).open("rb") as f:
            cat = read_po(f)
        ids = {m.id for m in cat if m.id}
        assert set(found) <= ids, sorted(set(found) - ids)[:10]
        empty = [m.id for m in cat if m.id and not m.string]
        assert empty == [], (lang, empty[:10])
    with catalog.po_path("fr").open("rb") as f:
        fr = {m.id: m.string for m in read_po(f) if m.id}
    same = [k for k, v in fr.items() if k == v and re.search(r"[a-z]{5,}", k)]
    assert set(same) <= {"webhook", "Budget", "Budgets", "Service", "service", "Format", "Action", "Total", "info", "Pages", "Certifications", "Posture",
                         "URL (webhook, Slack, Teams)"}, same


def test_templates_hold_no_literal_text() -> None:
    for path in TEMPLATES.glob("*.html"):
        src = path.read_text()
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", src, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text)
        for chunk in re.split(r"\s{2,}|\n", text):
            word = chunk.strip(" ·:;,.()—←→…#/-+'\"")
            if re.search(r"[A-Za-zÀ-ÿ]{2,}", word):
                assert word in LITERAL, f"{path.name}: {word!r} is not translated"
        for attr in re.findall(r'(?:placeholder|title|aria-label|alt)="([^"{]*[A-Za-z][^"{]*)"', src):
            assert attr in ("80%, 100%", "100%"), f"{path.name}: attribute {attr!r} is not translated"


def test_accept_language_and_locale_formats() -> None:
    assert negotiate("fr-FR,fr;q=0.9,en-US;q=0.8") == "fr"
    assert negotiate("de-DE,en;q=0.5,fr;q=0.4") == "en"
    assert negotiate("de") == "en" and negotiate(None) == "en"
    fr, en = Formatter("fr"), Formatter("en")
    assert fr.money(1234.5) == "1\u202f234,50\u00a0€" and en.money(1234.5) == "€1,234.50"
    import datetime
    assert fr.date(datetime.date(2026, 10, 31)) == "31 oct. 2026" and en.date(datetime.date(2026, 10, 31)) == "31 Oct 2026"
    assert fr.month("2026-10") == "oct. 2026"


def test_language_switch_changes_every_page(web: Web) -> None:
    c = web.login("admin@demo.test", lang="en")
    assert "Overview" in c.get("/t/demo/").text
    r = c.get("/lang/fr?next=/t/demo/costs", follow_redirects=False)
    assert r.headers["location"] == "/t/demo/costs"
    for path, word in [("/t/demo/", "Vue d'ensemble"), ("/t/demo/costs", "Explorateur de coûts"),
                       ("/t/demo/findings", "Gravité"), ("/t/demo/budgets", "Tous les budgets"),
                       ("/t/demo/ingestion", "Historique des sources"), ("/t/demo/settings", "Canaux de notification")]:
        html = c.get(path).text
        assert word.replace("'", "&#39;") in html, path
        for english in (">Overview<", ">Findings<", ">Settings<", "Log out"):
            assert english not in html, (path, english)
