"""A web worker's resident memory over a year's data (issue 17: under 150 MB).

    python3 bench/memory.py [--database URL] [--history 20000] [--runs 3]

The database holds a county's year (bench/inbound.py's history: 20,000 petitions of
bench/cases.py's mix, 60,000 stored messages, 20,000 conversations, 40,000 texts). gunicorn
runs the app as deployed (2 sync workers); the load is what a web worker does in a day, and
more: 250 citizens walking through the intake over WeChat (signed, plaintext mode; 1,000
messages, a tenth of them retried), and every analysis page a leader may open — the twelve
monthly reports of the year, the last eight weekly ones and the last seven daily ones, each over
that year's rows. Each worker's VmRSS (now) and VmHWM (its peak) are read from /proc after
start-up and after the load. For scale, the same gunicorn serving bench/bare_app.py (Flask and a
signature check, nothing else) is measured first. Medians over ``--runs`` fresh servers.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbound import TOKEN, gunicorn, seed_history, signed_path, stop  # noqa: E402

SCRIPT = ["我是下汤镇林楼村的张三，小区水泵坏了三天没水", "13812345678", "确认", "查询"]
SECRET = "bench-memory-secret"


def workers_of(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(entry.name))
    return sorted(children)


def memory(pid: int) -> dict[str, float]:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {k: int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def get(url: str, data: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "text/xml"} if data else {})
    with urllib.request.urlopen(req, timeout=60) as resp:
        resp.read()
        return resp.status


def load(port: int, run: int) -> int:
    from notifications.report_html import link
    from core.clock import SHANGHAI
    from datetime import datetime

    base = f"http://127.0.0.1:{port}"
    rng = random.Random(run)
    ts = int(time.time())
    sent = 0
    for i in range(1000):
        sender = f"o_mem_{run}_{i % 250}"
        body = (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
                f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{SCRIPT[(i // 250) % 4]}]]></Content><MsgId>{run * 10**6 + i}</MsgId></xml>"
                ).encode()
        path = signed_path(ts, f"m{run}n{i}")
        for _ in range(2 if rng.random() < 0.1 else 1):   # a WeChat retry: the same request again
            assert get(base + path, body) == 200
            sent += 1
    now = datetime.now(SHANGHAI)
    today = now.date()
    pages = [("monthly", date(today.year - (m >= today.month), (today.month - m - 1) % 12 + 1, 1))
             for m in range(12)]
    monday = today - timedelta(days=today.weekday())
    pages += [("weekly", monday - timedelta(weeks=w + 1)) for w in range(8)]
    pages += [("daily", today - timedelta(days=d + 1)) for d in range(7)]
    for kind, first in pages:
        url = link(base, kind, first.isoformat(), now, key=SECRET.encode())
        assert get(url) == 200, url
        sent += 1
    return sent


def main() -> None:
    from bot.cli.county import init_database

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--history", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xinfang-mem-") as tmp:
        db = args.database or f"sqlite:///{tmp}/xinfang.sqlite3"
        print(init_database(db, ROOT / "examples" / "lushan.toml"))
        t0 = time.perf_counter()
        seed_history(db, args.history)
        print(f"history: {args.history} petitions ({time.perf_counter() - t0:.1f} s)")
        env = dict(os.environ, DATABASE_URL=db, WECHAT_TOKEN=TOKEN, RATE_LIMIT_COUNT="1000000",
                   OUTBOX_DELIVERY="inline", SECRET_KEY=SECRET, PYTHONPATH=str(ROOT), XINFANG_INSTANCE=tmp)
        for key in ("WECHAT_AES_KEY", "REDIS_URL"):
            env.pop(key, None)

        bare = gunicorn("bench.bare_app:app", 18091, env)
        try:
            get(f"http://127.0.0.1:18091{signed_path(int(time.time()), 'warm')}", b"<xml/>")
            floor = max(memory(pid)["VmRSS"] for pid in workers_of(bare.pid))
        finally:
            stop(bare)

        rows = []
        for run in range(args.runs):
            app = gunicorn("bot.wsgi:app", 18092, env)
            try:
                get("http://127.0.0.1:18092/healthz")
                pids = workers_of(app.pid)
                started = max(memory(pid)["VmRSS"] for pid in pids)
                requests = load(18092, run)
                after = [memory(pid) for pid in pids]
            finally:
                stop(app)
            row = {"started": started, "rss": max(m["VmRSS"] for m in after), "peak": max(m["VmHWM"] for m in after)}
            rows.append(row)
            print(f"run {run + 1}: {requests} requests; worker RSS after start {row['started']:.1f} MB, "
                  f"after the load {row['rss']:.1f} MB, peak {row['peak']:.1f} MB", flush=True)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    backend = db.split(":")[0]
    print(f"\n## web worker memory, {backend}, {args.history} petitions of history, medians of {args.runs}")
    print(f"- bare Flask worker (bench/bare_app.py): {floor:.1f} MB")
    print(f"- xinfang worker after start: {med('started'):.1f} MB; after the load: {med('rss'):.1f} MB; "
          f"peak (VmHWM): {med('peak'):.1f} MB (target: under 150 MB)")


if __name__ == "__main__":
    main()
