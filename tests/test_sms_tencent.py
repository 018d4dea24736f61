"""Tencent Cloud SMS's callbacks (issue 21), posted as Tencent posts them — JSON to the URL its
console was given, the secret in the path (Tencent signs neither callback): a villager's texts to
the county's number, a cadre's 受理 from the road, a reply called twice, a forged call, and the
delivery reports of texts we sent."""
from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from core.store.models import InboundMessage, OutboundMessage, Petition
from tests.test_cases import LIAISON, STAFF, case, submit

from tests.conftest import TENCENT_SECRET as SECRET

WANG = "13912345678"


def replies_to(db, phone: str) -> list[str]:
    db.rollback()
    return [m.body for m in db.scalars(select(OutboundMessage).where(OutboundMessage.to == phone,
                                                                     OutboundMessage.purpose == "reply")
                                       .order_by(OutboundMessage.id))]


def stored(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(InboundMessage))


def test_a_villager_petitions_by_text_through_tencent_and_every_answer_comes_back_by_text(tencent, db, sms_out):
    """王大爷 texts the county's number the way he texts his son: a bit at a time."""
    for i, words in enumerate(("你好", "王有田", "下汤镇林楼村", "村口那座桥裂了条大缝，拖拉机都不敢过", "确认")):
        got = tencent(WANG, words, at=1764560000 + i)
        assert got.status_code == 200 and got.get_json() == {"result": 0, "errmsg": "OK"}
    answers = replies_to(db, "+86" + WANG)
    assert len(answers) == 5 and "怎么称呼" in answers[0]
    assert "LS-20261123-0001" in answers[-1]                              # the tracking number, by text
    assert [b for to, b in sms_out.sent if to == "+86" + WANG] == answers   # each one sent
    p = db.scalars(select(Petition)).one()
    assert (p.channel, p.phone, p.phone_verified, p.name) == ("sms", "+86" + WANG, True, "王有田")


def test_a_reply_tencent_calls_twice_is_handled_once(tencent, db):
    first = tencent(WANG, "你好", at=1764560000)
    again = tencent(WANG, "你好", at=1764560000)
    assert first.get_json() == again.get_json() == {"result": 0, "errmsg": "OK"}
    assert stored(db) == 1 and len(replies_to(db, "+86" + WANG)) == 1
    tencent(WANG, "你好", at=1764560007)                                   # the same words later: a new text
    assert stored(db) == 2


def test_a_forged_or_unconfigured_callback_stores_nothing(tencent, services, db):
    assert tencent(WANG, "你好", secret="guessing-the-county-secret-xx").status_code == 403
    assert tencent(WANG, "你好", secret=SECRET[:-1]).status_code == 403
    bad = tencent.client.post(f"/sms/tencent/{SECRET}", json={"text": "没有号码"})
    assert bad.status_code == 400
    services.settings = dataclasses.replace(services.settings, tencent_sms_callback_secret=None)
    assert tencent(WANG, "你好").status_code == 503
    assert stored(db) == 0


def test_a_cadre_accepts_a_case_by_text_from_the_road(peer, tencent, db, sms_out):
    no = submit(peer)
    tencent(LIAISON[3:], f"受理 {no}")
    assert case(db, no).status == "accepted"
    assert "已受理" in replies_to(db, LIAISON)[-1]


def test_delivery_reports_settle_the_outbox_and_never_move_a_row_back(tencent, db, services, clock):
    from core.store.db import transaction
    with transaction(services.sessions) as s:
        for sid in ("sid-delivered", "sid-failed"):
            row_id = OutboundMessage.enqueue(s, "sms", "+8613912345678", "您好", "receipt", clock.now())
            row = s.get(OutboundMessage, row_id)
            row.status, row.provider_id = "sent", sid
    report = [{"user_receive_time": "2026-11-23 10:03:04", "nationcode": "86", "mobile": WANG,
               "report_status": "SUCCESS", "errmsg": "DELIVRD", "description": "用户短信送达成功", "sid": "sid-delivered"},
              {"user_receive_time": "2026-11-23 10:03:05", "nationcode": "86", "mobile": WANG,
               "report_status": "FAIL", "errmsg": "MK:0001", "description": "空号", "sid": "sid-failed"}]
    assert tencent.client.post(f"/sms/tencent/{SECRET}/status", json=report).get_json()["result"] == 0
    late = [dict(report[0], report_status="FAIL", errmsg="MK:0005")]      # a late contrary word
    tencent.client.post(f"/sms/tencent/{SECRET}/status", json=late)
    assert tencent.client.post(f"/sms/tencent/{SECRET[:-2]}/status", json=report).status_code == 403
    db.rollback()
    rows = {m.provider_id: m for m in db.scalars(select(OutboundMessage).where(OutboundMessage.provider_id.is_not(None)))}
    assert rows["sid-delivered"].status == "delivered" and rows["sid-delivered"].error is None
    assert rows["sid-failed"].status == "undelivered" and rows["sid-failed"].error == "tencent undelivered MK:0001"
    told = db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == "send_failed")).all()
    assert told and all(m.to != "+8613912345678" for m in told) and any(m.to == STAFF for m in told)
