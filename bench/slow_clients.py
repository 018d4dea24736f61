"""Signed WeChat messages answered while slow clients hold connections open (issue 17, 10).

    python3 bench/slow_clients.py [--slow 50] [--messages 300] [--rate 20] [--runs 3]

`xinfang serve --web-only` as deployed (2 gunicorn sync workers; SQLite with the example county),
and an open-loop generator (asyncio) sending signed plaintext-mode WeChat messages — 100 citizens
walking through the intake — at a steady rate, one connection each, as WeChat does:

1. baseline: behind nginx (`--proxy nginx`), no slow client;
2. behind nginx with ``--slow`` connections each sending its request headers one byte a second
   (a dropped one reconnects at once, so that many are open all the time);
3. gunicorn facing the clients itself (`--proxy none`) with the same slow connections: how many
   messages are answered within WeChat's 5 seconds.

Medians over ``--runs`` runs of p50/p99/max for 1 and 2 (and their ratio), and of 3's answered
share. Needs nginx (Debian package) on PATH.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbound import TOKEN, signed_path, stop  # noqa: E402

WECHAT_DEADLINE = 5.0
SCRIPT = ["我是下汤镇林楼村的张三，小区水泵坏了三天没水", "13812345678", "确认", "查询"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tmp: Path, template: Path, proxy: str, tag: str) -> tuple[subprocess.Popen, int]:
    db = tmp / f"{tag}.sqlite3"
    shutil.copy(template, db)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "WECHAT_AES_KEY")}
    env.update(DATABASE_URL=f"sqlite:///{db}", XINFANG_INSTANCE=str(tmp / f"instance-{tag}"), WECHAT_TOKEN=TOKEN,
               OUTBOX_DELIVERY="inline", RATE_LIMIT_COUNT="1000000", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "serve", "--web-only",
                             "--workers", "2", "--port", str(port), "--proxy", proxy],
                            env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"xinfang serve --proxy {proxy} did not come up")


async def slow_client(port: int, stop_at: asyncio.Event) -> None:
    """Headers one byte a second, for ever: when the server drops it, connect again."""
    request = b"POST /wechat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: 100\r\n\r\n"
    while not stop_at.is_set():
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for byte in request:
                writer.write(bytes([byte]))
                await writer.drain()
                try:
                    await asyncio.wait_for(stop_at.wait(), 1.0)
                    break
                except asyncio.TimeoutError:
                    pass
            writer.close()
        except OSError:
            await asyncio.sleep(0.1)


async def load(port: int, messages: int, rate: int, slow: int, run: int) -> dict:
    stop_at = asyncio.Event()
    crawlers = [asyncio.create_task(slow_client(port, stop_at)) for _ in range(slow)]
    if slow:
        await asyncio.sleep(2.0)          # all of them connected and under way
    ts = int(time.time())
    latencies: list[float] = []
    late = 0

    async def one(i: int) -> None:
        nonlocal late
        sender = f"o_slowbench_{run}_{i % 100}"
        body = (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
                f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{SCRIPT[(i // 100) % 4]}]]></Content><MsgId>{run * 10**6 + i}</MsgId></xml>"
                ).encode()
        req = (f"POST {signed_path(ts, f'r{run}n{i}')} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
        t0 = time.perf_counter()
        try:
            async def exchange() -> bytes:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(req)
                await writer.drain()
                data = await reader.read()
                writer.close()
                return data
            data = await asyncio.wait_for(exchange(), WECHAT_DEADLINE)
            if b" 200 " not in data.split(b"\r\n", 1)[0]:
                late += 1
                return
        except (OSError, asyncio.TimeoutError):
            late += 1
            return
        latencies.append((time.perf_counter() - t0) * 1000)

    start = time.perf_counter()
    tasks = []
    for i in range(messages):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    stop_at.set()
    await asyncio.gather(*crawlers)
    latencies.sort()
    answered = len(latencies)
    return {"answered": answered / messages, "late_or_failed": late,
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p99_ms": latencies[max(0, int(answered * 0.99) - 1)] if latencies else None,
            "max_ms": latencies[-1] if latencies else None}


def main() -> None:
    from bot.proxy import nginx_binary
    from bot.cli.county import init_database

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slow", type=int, default=50)
    ap.add_argument("--messages", type=int, default=300)
    ap.add_argument("--rate", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if nginx_binary() is None:
        raise SystemExit("nginx is not installed (apt install nginx)")
    results: dict[str, list[dict]] = {"baseline": [], "nginx": [], "none": []}
    with tempfile.TemporaryDirectory(prefix="xinfang-slow-") as tmp_name:
        tmp = Path(tmp_name)
        template = tmp / "template.sqlite3"
        init_database(f"sqlite:///{template}", ROOT / "examples" / "lushan.toml")
        for run in range(args.runs):
            for name, proxy, slow, messages in (("baseline", "nginx", 0, args.messages),
                                                ("nginx", "nginx", args.slow, args.messages),
                                                ("none", "none", args.slow, min(args.messages, 60))):
                proc, port = serve(tmp, template, proxy, f"{name}{run}")
                try:
                    got = asyncio.run(load(port, messages, args.rate, slow, run * 3 + len(results[name])))
                finally:
                    stop(proc)
                results[name].append(got)
                print(f"run {run + 1} {name:8s} ({slow} slow): {got}", flush=True)

    def med(name: str, key: str):
        values = [r[key] for r in results[name] if r[key] is not None]
        return statistics.median(values) if values else None

    print(f"\nmedians of {args.runs} runs, {args.messages} signed messages at {args.rate}/s, "
          f"{args.slow} slow connections:")
    for name, label in (("baseline", "nginx, no slow client"), ("nginx", f"nginx, {args.slow} slow clients")):
        print(f"- {label}: answered {med(name, 'answered'):.0%}, p50 {med(name, 'p50_ms'):.1f} ms, "
              f"p99 {med(name, 'p99_ms'):.1f} ms, max {med(name, 'max_ms'):.1f} ms")
    print(f"- p99 with slow clients / without: {med('nginx', 'p99_ms') / med('baseline', 'p99_ms'):.2f}")
    print(f"- gunicorn alone, {args.slow} slow clients: answered within {WECHAT_DEADLINE:.0f} s: "
          f"{med('none', 'answered'):.0%}")


if __name__ == "__main__":
    main()
