"""Outbox delivery against the local Twilio stub (issue 5): at least 200 messages/s, throttling off.

    python3 bench/delivery.py                    # SQLite (a fresh file)
    python3 bench/delivery.py --database postgresql://user:pw@127.0.0.1/xinfang_bench

``--messages`` queued SMS rows (citizens' and cadres' texts of one to three parts) are delivered
through the real twilio client to ``peers.apis.TwilioApiStub`` on loopback (its own process, so it
does not share the deliverer's interpreter):

1. one deliverer in this process, ``notifications.outbox.deliver`` batch after batch — what one
   RQ job does;
2. ``--workers`` real ``rq worker --burst`` processes on an embedded Redis, the ids enqueued in
   jobs of ``--batch`` (RQ forks a work horse for each job, which builds its services anew).
The time is from the first claim to the last row recorded ``sent``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.clock import SHANGHAI  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
WORKER_CLASS: list[str] = []
STUB = """
import sys, time
sys.path.insert(0, {root!r})
from peers.apis import {stub}
s = {stub}()
print(s.base_url, flush=True)
time.sleep(3600)
"""
WECOM_PHONE = "+8613700000021"   # 赵志强: wecom = "ZhaoZhiQiang" in examples/lushan.toml


def fill(sessions, n: int, to: str | None = None) -> list[int]:
    from sqlalchemy import insert

    from core.store.db import transaction
    from core.store.models import OutboundMessage
    bodies = ["【鲁山县信访局】您的反映已受理，编号LS-20261123-0001。", "【交办】LS-20261123-0001 张三 下汤镇林楼村：小区水泵坏了三天没水。"
              "请今天17:30前受理并见面，11月30日前办结。回复：受理 LS-20261123-0001" * 2]
    rows = [{"channel": "sms", "to": to or f"+86138{i:08d}", "body": bodies[i % 2], "purpose": "case_accepted",
             "status": "queued", "created_at": NOW - timedelta(minutes=1), "attempts": 0,
             "params": ["LS-20261123-0001", "下汤镇人民政府", "在今天（11月23日）内"]} for i in range(n)]
    with transaction(sessions) as s:
        return list(s.scalars(insert(OutboundMessage).returning(OutboundMessage.id), rows))


def sent(sessions) -> int:
    from sqlalchemy import func, select

    from core.store.models import OutboundMessage
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(OutboundMessage).where(OutboundMessage.status == "sent"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--batch", type=int, default=125, help="ids per RQ job")
    ap.add_argument("--worker-class", default=None, help="e.g. rq.worker.SimpleWorker (no fork per job)")
    args = ap.parse_args()
    if args.worker_class:
        WORKER_CLASS[:] = ["--worker-class", args.worker_class]

    from bot.cli.county import init_database
    from core.store.db import make_engine, make_sessionmaker
    from notifications.outbox import deliver
    from notifications.queue import QUEUE, embedded, unix_url
    from notifications.sms import TwilioSms

    tmp = tempfile.mkdtemp(prefix="xinfang-bench-")
    db = args.database or f"sqlite:///{tmp}/delivery.sqlite3"
    url = db.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = make_engine(url)
    if url.startswith("postgresql"):
        from sqlalchemy import text
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    init_database(url, ROOT / "examples" / "lushan.toml")
    sessions = make_sessionmaker(engine)
    stubs = {name: subprocess.Popen([sys.executable, "-c", STUB.format(root=str(ROOT), stub=name)],
                                    stdout=subprocess.PIPE, text=True)
             for name in ("TwilioApiStub", "TencentSmsApiStub", "WeComApiStub")}
    bases = {name: p.stdout.readline().strip() for name, p in stubs.items()}
    base = bases["TwilioApiStub"]
    sid, token = "AC" + "1" * 32, "stub-token"
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{backend}, stubs on loopback, {args.messages} texts each run, throttling off")
    try:
        # 1. one deliverer in this process, through each provider (Twilio: the baseline of the run)
        from notifications.queue import embedded as embedded_redis
        from notifications.sms import TencentSms
        from notifications.wecom import WeComSender
        token_redis = embedded_redis(Path(tmp) / "tokens.db")
        runs = [("Twilio (the real twilio client)", lambda: TwilioSms(sid, token, "+8610690000", base_url=base), None, None),
                ("Tencent Cloud SMS (the official SDK, templates)",
                 lambda: TencentSms("AKIDstub0000000000000000000000000000", "stub-secret-key", "1400000001",
                                    api_base=bases["TencentSmsApiStub"]), None, None),
                ("WeCom app messages (wechatpy), to 赵志强", lambda: TwilioSms(sid, token, "+8610690000", base_url=base),
                 WECOM_PHONE, lambda: WeComSender("ww0000000000stub", 1000002, "stub-wecom-secret", token_redis,
                                                 api_base=bases["WeComApiStub"]))]
        baseline = None
        for label, make_sms, to, make_wecom in runs:
            fill(sessions, args.messages, to)
            sms, wecom = make_sms(), make_wecom() if make_wecom else None
            before = sent(sessions)
            t = time.perf_counter()
            while deliver(sessions, sms, None, NOW, limit=500, wecom=wecom).claimed:
                pass
            secs = time.perf_counter() - t
            rate = args.messages / secs
            baseline = baseline or rate
            print(f"  one deliverer, {label}: {secs:6.2f} s  {rate:6.0f} msg/s  ({sent(sessions) - before} sent; "
                  f"{rate / baseline:.2f} of Twilio's)")
        token_redis.shutdown(nosave=True)

        # 2. RQ worker processes
        from rq import Queue

        from notifications.jobs import deliver_outbox
        lite = embedded(Path(tmp) / "redis.db")
        ids = fill(sessions, args.messages)
        q = Queue(QUEUE, connection=lite)
        for i in range(0, len(ids), args.batch):
            q.enqueue(deliver_outbox, ids[i:i + args.batch], NOW.isoformat())
        env = dict(os.environ, DATABASE_URL=url, REDIS_URL=unix_url(lite), TWILIO_ACCOUNT_SID=sid,
                   TWILIO_AUTH_TOKEN=token, TWILIO_FROM="+8610690000", TWILIO_API_BASE=base, SMS_RATE="0")
        before = sent(sessions)
        t = time.perf_counter()
        workers = [subprocess.Popen([sys.executable, "-c", "from rq.cli import main; main()", "worker", "--burst", *WORKER_CLASS,
                                     "--url", env["REDIS_URL"], QUEUE], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for _ in range(args.workers)]
        for w in workers:
            w.wait()
        secs = time.perf_counter() - t
        done = sent(sessions) - before
        print(f"  {args.workers} rq workers, jobs of {args.batch}:   {secs:6.2f} s  {done / secs:6.0f} msg/s  ({done} sent; "
              f"includes the workers' start-up)")
        lite.shutdown(nosave=True)
    finally:
        for p in stubs.values():
            p.kill()


if __name__ == "__main__":
    main()
