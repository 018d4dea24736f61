"""The outbox's delivery (issue 5): the real twilio client against a local stub of Twilio's
Messages API — 429s, 500s, time-outs, permanent errors — retries with backoff, a deliverer
killed mid-send, day time for citizens' texts, segments, and Twilio's status callbacks."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.clock import SHANGHAI
from core.store.db import transaction
from core.store.models import OutboundMessage
from core.outbound import hold_until, sms_segments
from notifications import outbox
from notifications.outbox import FAILED_PURPOSE, LEASE, MAX_ATTEMPTS, TAKEN_OVER, deliver
from notifications.sms import TwilioSms
from tests.conftest import Killed
from tests.test_cases import STAFF

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
CITIZEN = "+8613812345678"


@pytest.fixture
def twilio_sms(stub):
    return TwilioSms(stub.account_sid, stub.auth_token, "+8610690000", base_url=stub.base_url, timeout=0.3)


def queue(services, body="【鲁山县信访局】您的反映已受理。", purpose="case_accepted", to=CITIZEN, at=T0) -> int:
    with transaction(services.sessions) as s:
        return OutboundMessage.enqueue(s, "sms", to, body, purpose, at)


def row(db, mid) -> OutboundMessage:
    db.rollback()
    return db.get(OutboundMessage, mid)


def staff_told(db) -> list[OutboundMessage]:
    db.rollback()
    return list(db.scalars(select(OutboundMessage).where(OutboundMessage.purpose == FAILED_PURPOSE)))


def test_sent_through_the_twilio_client_then_delivered_by_callback(services, db, stub, twilio_sms, peer, twilio):
    mid = queue(services, body="您好" * 40)        # 80 UCS-2 characters: two parts
    report = deliver(services.sessions, twilio_sms, None, T0, status_callback="https://x.example/sms/status")
    assert (report.claimed, report.sent) == (1, 1)
    [got] = stub.received
    assert got["To"] == CITIZEN and got["From"] == "+8610690000" and got["Body"] == "您好" * 40
    assert got["StatusCallback"] == "https://x.example/sms/status"
    r = row(db, mid)
    assert (r.status, r.provider_id, r.attempts, r.segments) == ("sent", got["sid"], 1, 2)
    # Twilio's callbacks: signed as Twilio signs them; an unsigned one changes nothing
    form = {"MessageSid": got["sid"], "MessageStatus": "delivered", "AccountSid": twilio.account_sid}
    assert peer.client.post("/sms/status", data=form, headers={"X-Twilio-Signature": "bad"}).status_code == 403
    assert row(db, mid).status == "sent"
    resp = peer.client.post("/sms/status", data=form,
                            headers={"X-Twilio-Signature": twilio.sign(peer.base + "/sms/status", form)})
    assert resp.status_code == 204 and row(db, mid).status == "delivered" and row(db, mid).delivered_at
    # a late "sent" never moves it back
    late = {**form, "MessageStatus": "sent"}
    peer.client.post("/sms/status", data=late, headers={"X-Twilio-Signature": twilio.sign(peer.base + "/sms/status", late)})
    assert row(db, mid).status == "delivered"


def test_undelivered_by_callback_is_shown_to_staff(services, db, stub, twilio_sms, peer, twilio):
    mid = queue(services)
    deliver(services.sessions, twilio_sms, [mid], T0)
    form = {"MessageSid": row(db, mid).provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    peer.client.post("/sms/status", data=form, headers={"X-Twilio-Signature": twilio.sign(peer.base + "/sms/status", form)})
    assert row(db, mid).status == "undelivered" and "30003" in row(db, mid).error
    [told] = staff_told(db)
    assert told.to == STAFF and "138****5678" in told.body and "无法接通" in told.body and CITIZEN not in told.body
    # sent with the report's answer, not left for the next traffic or the minute's flush
    assert told.status == "sent" and told.sent_at == services.clock.now()


def test_429_and_500_are_retried_with_backoff(services, db, stub, twilio_sms):
    mid = queue(services)
    stub.script.extend([(429, 20429), (500, None)])
    r1 = deliver(services.sessions, twilio_sms, None, T0)
    assert (r1.sent, r1.retry) == (0, 1)
    first = row(db, mid)
    assert (first.status, first.attempts) == ("queued", 1) and "429" in first.error
    assert first.next_attempt_at == T0 + timedelta(seconds=30)
    assert deliver(services.sessions, twilio_sms, None, T0 + timedelta(seconds=29)).claimed == 0   # not yet
    deliver(services.sessions, twilio_sms, None, T0 + timedelta(seconds=30))
    second = row(db, mid)
    assert (second.status, second.attempts) == ("queued", 2) and "500" in second.error
    assert second.next_attempt_at == T0 + timedelta(seconds=30) + timedelta(minutes=2)
    r3 = deliver(services.sessions, twilio_sms, None, T0 + timedelta(minutes=3))
    assert r3.sent == 1 and row(db, mid).status == "sent" and row(db, mid).attempts == 3
    assert len(stub.received) == 1 and staff_told(db) == []


def test_a_time_out_is_temporary(services, db, stub, twilio_sms):
    mid = queue(services)
    stub.script.append("hang")
    assert deliver(services.sessions, twilio_sms, None, T0).retry == 1
    r = row(db, mid)
    assert r.status == "queued" and r.next_attempt_at is not None and "timed out" in r.error.lower()


def test_a_permanent_error_fails_at_once_and_staff_are_told(services, db, stub, twilio_sms):
    mid = queue(services)
    stub.script.append((400, 21211))
    assert deliver(services.sessions, twilio_sms, None, T0).failed == 1
    r = row(db, mid)
    assert r.status == "failed" and "21211" in r.error and r.next_attempt_at is None
    [told] = staff_told(db)
    assert "号码无效" in told.body
    # never retried; the staff's own text goes out
    report = deliver(services.sessions, twilio_sms, None, T0 + timedelta(hours=3))
    assert report.sent == 1 and [m["To"] for m in stub.received] == [STAFF]


def test_gives_up_after_the_last_attempt(services, db, stub, twilio_sms):
    mid = queue(services)
    with transaction(services.sessions) as s:
        s.get(OutboundMessage, mid).attempts = MAX_ATTEMPTS - 1
    stub.script.append((503, None))
    assert deliver(services.sessions, twilio_sms, [mid], T0).failed == 1
    assert row(db, mid).error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    assert "多次重试仍失败" in staff_told(db)[0].body


def test_a_deliverer_killed_mid_send_is_taken_over_and_says_so(services, db, stub, twilio_sms):
    mid = queue(services)
    with transaction(services.sessions) as s:      # a deliverer claims it, then its process dies
        assert [r[0] for r in outbox._claim(s, None, T0, 10)] == [mid]
    assert row(db, mid).status == "sending"
    assert deliver(services.sessions, twilio_sms, None, T0 + LEASE - timedelta(seconds=1)).claimed == 0
    report = deliver(services.sessions, twilio_sms, None, T0 + LEASE + timedelta(seconds=1))
    assert (report.sent, report.taken_over) == (1, 1)
    r = row(db, mid)
    assert r.status == "sent" and r.attempts == 2 and r.error == TAKEN_OVER


def test_only_the_ids_given_and_never_wechat(services, db, stub, twilio_sms):
    a, b = queue(services), queue(services)
    with transaction(services.sessions) as s:
        w = OutboundMessage.enqueue(s, "wechat", "o_someone", "您好", "case_accepted", T0)
    assert deliver(services.sessions, twilio_sms, [b, w], T0).sent == 1
    assert (row(db, a).status, row(db, b).status, row(db, w).status) == ("queued", "sent", "queued")


def test_citizens_texts_that_can_wait_wait_for_day_time(services, db, stub, twilio_sms):
    night = datetime(2026, 11, 23, 23, 10, tzinfo=SHANGHAI)
    morning = datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    assert hold_until("receipt", night) == morning
    assert hold_until("receipt", datetime(2026, 11, 24, 6, 0, tzinfo=SHANGHAI)) == morning
    assert hold_until("receipt", datetime(2026, 11, 24, 21, 29, tzinfo=SHANGHAI)) is None
    for urgent in ("evening_check", "meet_check", "verify_phone", "case_assigned", "evening_remind"):
        assert hold_until(urgent, night) is None, urgent
    receipt = queue(services, purpose="receipt", at=night)
    check = queue(services, purpose="evening_check", at=night)
    assert deliver(services.sessions, twilio_sms, None, night).sent == 1
    assert (row(db, receipt).status, row(db, check).status) == ("queued", "sent")
    assert deliver(services.sessions, twilio_sms, None, morning).sent == 1


def test_segments():
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2 and sms_segments("a" * 307) == 3
    assert sms_segments("您" * 70) == 1 and sms_segments("您" * 71) == 2 and sms_segments("您" * 134) == 2
    assert sms_segments("您" * 135) == 3 and sms_segments("[" * 80) == 1 and sms_segments("[" * 81) == 2


def test_a_timed_out_text_says_it_may_have_been_sent_and_its_resend_says_so_too(services, db, stub, twilio_sms):
    """Issue 17, loss 9: the provider may have taken a text whose answer timed out."""
    mid = queue(services)
    stub.script.append("hang")
    deliver(services.sessions, twilio_sms, None, T0)
    assert row(db, mid).error.startswith("timed out, may have been sent")
    later = row(db, mid).next_attempt_at
    assert deliver(services.sessions, twilio_sms, None, later).sent == 1
    r = row(db, mid)
    assert r.status == "sent" and "may also have been delivered" in r.error


def test_a_deliverer_killed_mid_batch_sends_again_only_the_text_in_flight(services, db, stub, twilio_sms):
    """Issue 17, loss 9: each text's result is recorded as it is sent, not at the end of the batch."""
    ids = [queue(services, body=f"第{i}条", to=f"+86138000000{i:02d}") for i in range(5)]
    real = twilio_sms.send
    sent = []

    def send(to, body, *rest):
        if len(sent) == 3:
            raise Killed()      # the work horse is killed while the fourth is with the provider
        sent.append(to)
        return real(to, body, *rest)
    twilio_sms.send = send
    with pytest.raises(Killed):
        deliver(services.sessions, twilio_sms, None, T0)
    assert [row(db, i).status for i in ids] == ["sent", "sent", "sent", "sending", "sending"]
    twilio_sms.send = real
    after_lease = T0 + timedelta(minutes=6)
    report = deliver(services.sessions, twilio_sms, None, after_lease)
    assert report.sent == 2 and report.taken_over == 2          # only the two never recorded go again
    assert [row(db, i).status for i in ids] == ["sent"] * 5


def test_a_tracking_number_never_runs_into_what_follows(services, db):
    """Issue 19, 7: "【七晚】LS-20261201-000112月1日（第1晚）未计入" read as case …000112. Every text
    queued gets a space after a number that runs into a digit or a character; quotes stay."""
    from core.store.models import OutboundMessage
    with transaction(services.sessions) as s:
        mid = OutboundMessage.enqueue(s, "sms", "+8613700000011", "【七晚】LS-20261201-000112月1日（第1晚）未计入；"
                                      "回复“查询 LS-20261201-0002”", "evening_missed", T0)
    assert row(db, mid).body == "【七晚】LS-20261201-0001 12月1日（第1晚）未计入；回复“查询 LS-20261201-0002”"
