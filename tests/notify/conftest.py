from __future__ import annotations

from collections.abc import Iterator

import pytest
from localservers import HttpReceiver, SmtpReceiver

from balise.i18n import Msg, money
from balise.notify import Field, Item, Message, RetryPolicy

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=1.0, timeout=2.0)


@pytest.fixture
def http() -> Iterator[HttpReceiver]:
    with HttpReceiver() as r:
        yield r


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with SmtpReceiver() as s:
        yield s


SAVING = Msg("Monthly saving", "Économie mensuelle")
TITLE = Msg("Forgotten VM {name}", "VM oubliée {name}")
SUBJECT = Msg("[Balise demo] 1 finding to act on", "[Balise demo] 1 constat à traiter")
BODY = Msg("A VM has been running all year without an owner.", "Une VM tourne toute l'année sans propriétaire.")


def sample(**kw: object) -> Message:
    item = Item(TITLE(name="poc-migration-2024"), text="m5.2xlarge, eu-central-1 <AWS & co>",
                link="https://balise.example/findings/abc", fields=(Field(SAVING(), lambda lang: money(335.35, "EUR",
                                                                                                   lang)),))
    args: dict = {"tenant": "demo", "subject": SUBJECT(), "text": BODY(), "dedup_key": "finding:abc",
                  "severity": "high", "items": (item,), "data": {"fingerprint": "abc", "monthly_saving_eur": 335.35}}
    args.update(kw)
    return Message(**args)
