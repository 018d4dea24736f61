"""CPU time a WeChat message costs the web process, in one process: the steadier figure on a shared
machine, where bench/inbound.py's share of the ceiling moves with other people's load.

    python3 bench/inproc.py [--messages 5000] [--warm 3000] [--history 20000] [--runs 3]

bench/wechat.lua's mix (2,000 citizens walking through the intake — the story, the number, 确认,
查询 — a fifth of the requests WeChat's retry of the one before, signed as WeChat signs them)
posted through the Flask app (its test client: no network, no gunicorn) on a county with a year
of history (bench/inbound.seed_history), the outbox handed to an embedded Redis as in service.
The first ``--warm`` messages fill the caches and the conversations; the next ``--messages`` are
timed with ``time.process_time()`` (this process's CPU: what another process does on the other
core is not counted). Each run is a fresh database; the median of ``--runs`` is printed. Compare
two trees by running each one's own copy of this file straight after each other.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbound import TOKEN, seed_history, signed_path  # noqa: E402

SCRIPT = ("我是下汤镇林楼村的张三，小区水泵坏了三天没水", "13812345678", "确认", "查询")
SENDERS, RETRY_PCT = 2000, 20


def xml(openid: str, text: str, msgid: int) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msgid}</MsgId></xml>")


def one_run(args) -> float:
    from bot.app import create_app
    from bot.cli.county import init_database
    from core.settings import load_settings
    from notifications.queue import embedded, unix_url
    from notifications.services import build_services

    tmp = tempfile.mkdtemp(prefix="xinfang-inproc-")
    db = f"sqlite:///{tmp}/bench.sqlite3"
    init_database(db, ROOT / "examples" / "lushan.toml")
    if args.history:
        seed_history(db, args.history)
    lite = embedded(Path(tmp) / "redis.db")
    env = dict(os.environ, DATABASE_URL=db, WECHAT_TOKEN=TOKEN, RATE_LIMIT_COUNT="1000000", OUTBOX_DELIVERY="queue",
               REDIS_URL=unix_url(lite), XINFANG_INSTANCE=tmp)
    env.pop("WECHAT_AES_KEY", None)
    app = create_app({"SERVICES": build_services(load_settings(env))})
    client = app.test_client()
    rng = random.Random(7)
    ts = int(time.time())
    step: dict[int, int] = {}
    last = None
    spent = 0.0
    for i in range(args.warm + args.messages):
        if last is not None and rng.randrange(100) < RETRY_PCT:
            path, body = last
        else:
            sender = rng.randrange(SENDERS)
            s = step.get(sender, 0) % len(SCRIPT)
            step[sender] = s + 1
            path, body = signed_path(ts, f"n{i}"), xml(f"o_bench_{sender}", SCRIPT[s], 10_000_000 + i)
            last = (path, body)
        t0 = time.process_time()
        r = client.post(path, data=body.encode(), content_type="text/xml")
        if i >= args.warm:
            spent += time.process_time() - t0
        assert r.status_code == 200, r.status_code
    return 1000 * spent / args.messages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--warm", type=int, default=3000)
    ap.add_argument("--history", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    import logging
    logging.disable(logging.WARNING)
    runs = [one_run(args) for _ in range(args.runs)]
    print(f"CPU a message, in process: {' / '.join(f'{x:.3f}' for x in runs)} ms; "
          f"median {statistics.median(runs):.3f} ms ({args.messages} messages after {args.warm}, "
          f"{args.history} petitions of history)")


if __name__ == "__main__":
    main()
