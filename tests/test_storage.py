"""Storage: migrations match the models, tracking numbers stay unique under concurrency,
and logs never carry a petitioner's phone number or ID in clear."""
from __future__ import annotations

import logging
import re
from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import pytest
from sqlalchemy import func, select, text

from core.clock import SHANGHAI
from core.store.db import make_engine, make_sessionmaker, read, transaction, write
from core.store import words
from core.store.models import Base, InboundMessage, Petition
from core.phones import RedactingFilter, redact
from core.cases.tracking import next_tracking_no, normalize_tracking_no
from tests.conftest import run_together


def test_migrations_match_the_models(db_url):
    engine = make_engine(db_url, immediate=False)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": words.modelled,
                                                                  "include_object": words.modelled_on(conn.dialect.name)}),
                                Base.metadata)
    engine.dispose()
    assert diff == []


def test_a_reading_transaction_never_waits_for_a_writer(db_url):
    """Writers hold the database's write lock from their first statement (BEGIN IMMEDIATE on
    SQLite); a reading transaction, on the same engine, neither waits for one nor takes it."""
    engine = make_engine(db_url)
    try:
        with write(engine) as writer:
            writer.execute(Petition.__table__.delete().where(Petition.id == -1))   # holds the write lock
            with read(engine) as reader:
                assert reader.scalar(select(func.count()).select_from(Petition)) == 0
        with read(engine) as reader, write(engine) as writer:   # and a reader does not keep a writer out
            writer.execute(Petition.__table__.delete().where(Petition.id == -1))
    finally:
        engine.dispose()


def _drop_connections(db_url: str) -> int:
    """What a database restart does to the pools: every other backend of the database is ended."""
    admin = make_engine(db_url)
    with admin.begin() as conn:
        dropped = conn.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    return dropped


def test_a_message_is_stored_when_the_database_dropped_the_pooled_connection(peer, services, db_url):
    """No ping on every checkout (a round trip a message): a connection found dropped while
    storing a message is replaced once, and the message is stored and answered."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a SQLite file has no connections to drop")
    assert "请问您怎么称呼" in peer.say("o_restart", "我要反映")
    assert _drop_connections(db_url) >= 1
    assert "手机号码" in peer.say("o_restart", "张三")
    engine = make_engine(db_url)
    with read(engine) as conn:
        assert conn.scalar(select(func.count()).select_from(InboundMessage)
                           .where(InboundMessage.sender == "o_restart", InboundMessage.status == "done")) == 2
    engine.dispose()


def test_a_connection_idle_in_the_pool_is_checked_before_use(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("a SQLite file has no connections to drop")
    engine = make_engine(db_url, ping_idle_after=0)
    try:
        with engine.connect() as conn:
            before = conn.scalar(text("SELECT pg_backend_pid()"))
        _drop_connections(db_url)
        with engine.connect() as conn:   # the ping finds it dropped; the pool connects anew
            assert conn.scalar(text("SELECT pg_backend_pid()")) != before
    finally:
        engine.dispose()


def test_the_web_requests_end_no_transaction_in_a_rollback(peer, wechat, services, db_url):
    """psycopg drops every statement it has prepared on a connection when a transaction there
    rolls back; a web process whose reads ended so (a health check, a report, a retry's wait)
    parsed and planned its statements anew for ever (bench/: PostgreSQL planned nearly every
    statement it ran). Whatever a citizen, a health check or a leader's report link asks, the
    transactions of the web process end in COMMIT — and on SQLite reading takes no writer's lock."""
    from sqlalchemy import event

    from notifications.report_html import link
    rollbacks = []
    event.listen(services.engine, "rollback", lambda conn: rollbacks.append(conn))
    ts = peer.now_ts
    assert "欢迎关注" in peer.reply_of(peer.post_wechat(wechat.event("o_rb", "subscribe", ts())))
    peer.say("o_rb", "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    xml = wechat.text("o_rb", "13812345678", ts())
    assert peer.reply_of(peer.post_wechat(xml)) == peer.reply_of(peer.post_wechat(xml))   # a retry
    submitted = peer.say("o_rb", "确认")
    no = re.search(r"LS-\d{8}-\d{4}", submitted).group(0)
    assert no in peer.say("o_rb", "查询")
    assert "已受理" in peer.text_sms("+8613700000011", f"受理 {no}")     # the 下汤镇 liaison
    assert "没有找到" in peer.text_sms("+8613700000011", "受理 LS-20261123-0999")
    assert peer.text_sms("+8613900000001", "我要反映")
    assert peer.client.get("/healthz").status_code == 200
    report = link("http://localhost", "weekly", "2026-11-16", services.clock.now())
    assert peer.client.get(report[len("http://localhost"):]).status_code == 200
    assert rollbacks == []


def test_tracking_numbers_unique_under_concurrent_submissions(db_url):
    engine = make_engine(db_url)
    factory = make_sessionmaker(engine)
    day = datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI)
    got = []

    def worker(_i):
        for _ in range(25):
            with transaction(factory) as s:
                got.append(next_tracking_no(s, "LS", day))
    try:
        run_together(worker, 8)
    finally:
        engine.dispose()
    assert len(got) == 200 and len(set(got)) == 200
    assert sorted(got)[0] == "LS-20261122-0001" and sorted(got)[-1] == "LS-20261122-0200"


def test_concurrent_petitions_from_many_senders_all_get_distinct_numbers(app, wechat, clock, db):
    from peers.webhooks import PeerClient

    def citizen(i):
        peer = PeerClient(app.test_client(), clock, wechat, None)
        who = f"o_citizen_{i:03d}"
        name = "张" + "甲乙丙丁戊己庚辛壬癸子丑"[i]
        peer.say(who, f"我是下汤镇林楼村的{name}，第{i}号楼的水泵坏了")
        peer.say(who, "13812345678")
        return peer.say(who, "确认")
    results = run_together(citizen, 12)
    db.rollback()
    numbers = [p.tracking_no for p in db.scalars(select(Petition))]
    assert len(numbers) == 12 and len(set(numbers)) == 12
    assert all("受理编号" in r for r in results)


def test_tracking_number_typed_loosely():
    assert normalize_tracking_no("查询 ls-20261122-7") == "LS-20261122-0007"
    assert normalize_tracking_no("LS202611220007") == "LS-20261122-0007"
    assert normalize_tracking_no("LS－20261122－0012") == "LS-20261122-0012"
    assert normalize_tracking_no("我的低保") is None


def test_redaction_masks_phones_and_ids():
    line = redact("from +8613812345678 and 13912345678, id 41042319900101123X, order 2026112200001")
    assert "13812345678" not in line and "13912345678" not in line and "19900101" not in line
    assert "138****5678" in line and "2026112200001" in line


def test_no_phone_number_in_logs_during_a_conversation(peer, services, caplog):
    handler_filter = RedactingFilter()
    caplog.handler.addFilter(handler_filter)
    caplog.set_level(logging.DEBUG)

    def boom(msg, _session):
        if msg.text == "13812345678":
            logging.getLogger("test").error("handling %s from %s", msg.text, "+8613812345678")
            raise RuntimeError(f"cannot handle {msg.text}")
    services.before_handle = boom
    peer.say("o_zs", "我是下汤镇的张三，小区水泵坏了")
    peer.say("o_zs", "13812345678")
    peer.text_sms("+8613912345678", "你好")
    text = caplog.text
    assert "handling" in text  # the records are there
    assert "13812345678" not in text and "13912345678" not in text


def test_migration_0005_backfills_the_facts_of_existing_petitions(tmp_path):
    from sqlalchemy import text

    from core import facts as F
    from core.store.db import migrate

    url = f"sqlite:///{tmp_path}/old.sqlite3"
    migrate(url, "0004")
    engine = make_engine(url)
    received, accepted, closed = ("2026-11-23 02:00:00.000000", "2026-11-23 03:00:00.000000",
                                  "2026-11-24 02:00:00.000000")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO township (id, name, active) VALUES (1, '下汤镇', 1)"))
        for pid, status, repeat_of, closed_at in ((1, "closed", None, closed), (2, "accepted", 1, None)):
            conn.execute(text(
                "INSERT INTO petition (id, tracking_no, channel, phone_verified, name, township_id, content, status,"
                " received_at, updated_at, accepted_at, due_accept, closed_at, rating, extension_days,"
                " deadline_provisional, overdue, people, accusation, repeat_of_id) VALUES (:id, :no, 'sms', 1, '张三',"
                " 1, '停水', :status, :r, :r, :a, :due, :c, 'satisfied', 0, 0, 0, 1, 0, :rep)"),
                {"id": pid, "no": f"LS-20261123-000{pid}", "status": status, "r": received, "a": accepted,
                 "due": "2026-11-23 15:59:59.000000", "c": closed_at, "rep": repeat_of})
    migrate(url)
    with make_sessionmaker(engine)() as s:
        first, second = s.scalars(select(Petition).order_by(Petition.id)).all()
    engine.dispose()
    assert first.facts & F.CLOSED and first.facts & F.REPEATED and first.facts & F.ON_TIME["accept"]
    assert first.facts & F.SATISFIED and first.handling_days == 1.0
    assert second.facts & F.REPEAT and second.facts & F.OPEN and not second.facts & F.CLOSED
    assert second.handling_days is None


def test_healthz_says_whether_the_database_takes_a_write_and_how_far_behind_things_are(peer, services, clock,
                                                                                       monkeypatch):
    """Issue 17, loss 12: a full disk made every message 500 while /healthz said ok."""
    from sqlalchemy.exc import OperationalError

    import core.store.counters as counters
    services.send_later = lambda ids, now: None          # the workers are behind: texts wait
    peer.text_sms("+8613912340080", "我是下汤镇林楼村的刘四，村里的路灯坏了一个月")
    peer.text_sms("+8613912340080", "确认")              # filed: the unit's notice waits in the outbox
    clock.advance(minutes=7)
    body = peer.client.get("/healthz")
    assert body.status_code == 200
    got = body.get_json()
    assert got["ok"] and got["database"] == "ok"
    assert got["outbox"]["sms_waiting"] >= 1 and got["outbox"]["sms_oldest_due_s"] >= 420
    assert got["inbound"]["not_handled"] == 0

    def full(_conn):
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))
    monkeypatch.setattr(counters, "can_write", full)
    refused = peer.client.get("/healthz")
    assert refused.status_code == 503 and refused.get_json()["database"].startswith("refused")


def test_a_request_key_under_another_message_is_refused_but_the_same_message_is_a_retry(services):
    """core.store.inbox.store: both unique keys collide (a retry racing its first delivery) is a
    retry, not a forgery; only the request key colliding is refused, with nothing stored."""
    from core.store import inbox
    from core.store.inbox import ReusedRequest
    now = services.clock.now()
    row = dict(channel="wechat", dedupe_key="msg:1", sender="o_a", msg_type="text", raw="<xml/>",
               received_at=now, status="processing", request_key="1764547200:123")
    with services.engine.connect() as conn:
        first, _ = inbox.store(conn, row)
        assert first is not None
        again, _ = inbox.store(conn, row)
        assert again is None
        with pytest.raises(ReusedRequest):
            inbox.store(conn, dict(row, dedupe_key="msg:2", sender="o_b"))
        assert inbox.store(conn, dict(row, dedupe_key="msg:3", request_key=None))[0] is not None
        assert inbox.store(conn, dict(row, dedupe_key="msg:4", channel="sms", request_key=None))[0] is not None
