"""七晚 at county scale (issue 4): 500 plans running on the same evening.

    python3 bench/evenings.py                       # SQLite (a fresh file)
    python3 bench/evenings.py --database postgresql://user:pw@127.0.0.1/xinfang_bench

Set-up (not timed): the example county, ``--history`` petitions of the past year bulk-loaded
(bench/cases.py's loader), 500 more cases each with a filed plan whose task force is a cadre of
the directory and an elder outside it (五老人员, known by phone), first evening Monday.

1. One evening's messages, through the real SMS webhook (Flask app in-process, each post signed
   as Twilio signs it, the reply's TwiML parsed): every cadre sends "开始 编号" at 18:30, every
   petitioner answers "1", every elder sends "结束 编号 纪要" at 21:45, every petitioner answers
   "1" — 2,000 messages, sent by ``--threads`` concurrent senders. Latency is per message, from
   the post to the parsed reply (handling, commit and the hand-off of the outbound texts).
2. The evening sweep over the 500 plans, each run one transaction with its commit: the 17:30
   reminders (1,000 texts) on Tuesday, Tuesday's noon judging of Monday's 500 visits, and the
   22:00 run of an evening nobody started (500 misses, their score rows and texts).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import Loader, any_case  # noqa: E402
from core.clock import SHANGHAI  # noqa: E402

MON = date(2026, 11, 23)
TOKEN = "bench-twilio-token"


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SHANGHAI)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def setup(url: str, plans: int, history: int, loader: Loader) -> list[tuple[str, str, str, str]]:
    """The plans' (tracking no, cadre phone, elder phone, petitioner phone)."""
    from sqlalchemy import func, select

    from core.store.db import make_sessionmaker, transaction
    from core.evenings.visits import EveningRules, MemberSpec, file_plan, select_case
    from core.directory.lookup import current_county
    from core.store.models import Person, Petition, Township, Unit

    sessions = make_sessionmaker(loader.engine)
    with sessions() as s:
        units = list(s.scalars(select(Unit.id).where(Unit.kind != "bureau")))
        townships = list(s.scalars(select(Township.id)))
    if history:
        loader.rows(any_case(random.Random(7), units, townships, datetime(2025, 11, 23, tzinfo=SHANGHAI)),
                    history, 1)
        loader.analyze()
    out = []
    now = at(MON, 9)
    with transaction(sessions) as s:
        county = current_county(s)
        rules = EveningRules.from_options(county.options)
        unit = s.scalars(select(Unit).where(Unit.code == "xiatang")).one()
        lead = s.scalars(select(Person).where(Person.role == "leader")).first()
        township = s.scalars(select(Township).where(Township.name == "下汤镇")).one()
        next_id = (s.scalar(select(func.max(Petition.id))) or 0) + 1
        for i in range(plans):
            cadre = Person(name=f"干部{i:03d}", phone=f"+86137100{i:05d}", unit_id=unit.id, role="cadre", active=True)
            citizen = f"+86138200{i:05d}"
            p = Petition(id=next_id + i, tracking_no=f"LS-20261001-{9000 + i:04d}"[:32] if i < 1000 else f"LS-B-{i}",
                         channel="sms", phone=citizen, phone_verified=True, name=f"信访人{i:03d}",
                         township_id=township.id, content="老宅拆迁补偿多年未落实，反复上访", status="accepted",
                         received_at=at(MON, 8) - timedelta(days=400), updated_at=now, unit_id=unit.id)
            s.add_all([cadre, p])
            s.flush()
            plan = select_case(s, p, unit, lead, now, "bench", campaign="bench")
            elder = f"+86139300{i:05d}"
            file_plan(s, plan, [MemberSpec(cadre.name, cadre.phone, cadre), MemberSpec(f"五老{i:03d}", elder)],
                      MON, now, rules, "bench")
            out.append((p.tracking_no, cadre.phone, elder, citizen))
    loader.analyze()
    return out


def _slice(url: str, when: datetime, messages: list[tuple[str, str]], expect: str) -> tuple[list[float], list[str]]:
    """One worker process's share of a phase, sent one after another (as one gunicorn worker
    takes requests); its own app, engine and clock, on the shared database."""
    from bot.app import create_app
    from peers.webhooks import PeerClient, TwilioServer
    from notifications.services import build_services
    from core.clock import FixedClock
    from core.settings import load_settings
    from notifications.sms import ConsoleSms

    clock = FixedClock(when)
    svc = build_services(load_settings({"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN, "OUTBOX_DELIVERY": "inline"}), clock=clock,
                         sms=ConsoleSms(quiet=True))
    peer = PeerClient(create_app({"SERVICES": svc}).test_client(), clock, None, TwilioServer(auth_token=TOKEN))
    lat, wrong = [], []
    for sender, body in messages:
        t = time.perf_counter()
        reply = peer.text_sms(sender, body)
        lat.append(time.perf_counter() - t)
        if expect not in reply:
            wrong.append(reply)
    svc.engine.dispose()
    return lat, wrong


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--plans", type=int, default=500)
    ap.add_argument("--history", type=int, default=100_000, help="past petitions loaded first")
    ap.add_argument("--threads", type=int, default=8, help="concurrent senders in this process")
    ap.add_argument("--workers", type=int, default=0,
                    help="instead: this many worker processes (like gunicorn's), each sending its share in turn")
    args = ap.parse_args()

    from bot.app import create_app
    from bot.cli.county import init_database
    from peers.webhooks import PeerClient, TwilioServer
    from notifications.services import build_services
    from core.clock import FixedClock
    from core.directory.lookup import current_county
    from core.store.db import transaction
    from core.evenings.sweep import sweep_evenings
    from core.evenings.visits import EveningRules
    from core.settings import load_settings
    from notifications.sms import ConsoleSms

    tmp = tempfile.mkdtemp(prefix="xinfang-bench-")
    db = args.database or f"sqlite:///{tmp}/evenings.sqlite3"
    loader = Loader(db)
    if loader.pg:
        loader.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    init_database(db, ROOT / "examples" / "lushan.toml")
    t0 = time.perf_counter()
    plans = setup(db, args.plans, args.history, loader)
    backend = "PostgreSQL" if loader.pg else "SQLite"
    print(f"{backend}: {args.history} past petitions, {len(plans)} plans filed "
          f"(set-up {time.perf_counter() - t0:.1f} s)")

    clock = FixedClock(at(MON, 18, 30))
    url = db.replace("postgresql://", "postgresql+psycopg://", 1) if loader.pg else db
    svc = build_services(load_settings({"DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN, "OUTBOX_DELIVERY": "inline"}), clock=clock,
                         sms=ConsoleSms(quiet=True))
    app = create_app({"SERVICES": svc})
    twilio = TwilioServer(auth_token=TOKEN)

    def phase(label: str, messages: list[tuple[str, str]], expect: str) -> list[float]:
        lat: list[float] = []
        wrong: list[str] = []

        def one(item):
            sender, body = item
            peer = PeerClient(app.test_client(), clock, None, twilio)
            t = time.perf_counter()
            reply = peer.text_sms(sender, body)
            lat.append(time.perf_counter() - t)
            if expect not in reply:
                wrong.append(reply)

        t = time.perf_counter()
        if args.workers:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            n = args.workers
            with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
                for got, bad in pool.map(_slice, [url] * n, [clock.now()] * n, [messages[i::n] for i in range(n)],
                                         [expect] * n):
                    lat += got
                    wrong += bad
        else:
            with ThreadPoolExecutor(args.threads) as pool:
                list(pool.map(one, messages))
        wall = time.perf_counter() - t
        if wrong:
            raise SystemExit(f"{label}: {len(wrong)} unexpected replies, e.g. {wrong[0]!r}")
        print(f"  {label:<26} {len(messages):>5} msgs {len(messages) / wall:>7.0f}/s  "
              f"p50 {pct(lat, .5) * 1000:6.1f} ms  p99 {pct(lat, .99) * 1000:6.1f} ms  max {max(lat) * 1000:6.1f} ms")
        return lat

    how = f"{args.workers} worker processes" if args.workers else f"{args.threads} concurrent senders in one process"
    print(f"one evening through the SMS webhook ({how}):")
    everything: list[float] = []
    clock.set(at(MON, 18, 30))
    everything += phase("开始 (cadres)", [(c, f"开始 {no}") for no, c, _, _ in plans], "第1晚开始")
    everything += phase("petitioner 1 (arrived)", [(p, "1") for no, _, _, p in plans], "感谢")
    clock.set(at(MON, 21, 45))
    everything += phase("结束 (elders, outside dir)", [(e, f"结束 {no} 谈心") for no, _, e, _ in plans], "历时3小时15分")
    everything += phase("petitioner 1 (left)", [(p, "1") for no, _, _, p in plans], "感谢")
    print(f"  {'all':<26} {len(everything):>5} msgs            p50 {pct(everything, .5) * 1000:6.1f} ms  "
          f"p99 {pct(everything, .99) * 1000:6.1f} ms  mean {statistics.mean(everything) * 1000:.1f} ms")

    with svc.sessions() as s:
        rules = EveningRules.from_options(current_county(s).options)

    def sweep(when: datetime):
        t = time.perf_counter()
        with transaction(svc.sessions) as s:
            report = sweep_evenings(s, when, rules)
        return time.perf_counter() - t, report

    print("evening sweep over the plans (one transaction each, commit included):")
    tue = MON + timedelta(days=1)
    for label, when in (("Tue 12:00 judge Monday", at(tue, 12)), ("Tue 17:30 reminders", at(tue, 17, 30)),
                        ("Tue 20:00 late starts", at(tue, 20)), ("Tue 22:00 nobody started", at(tue, 22)),
                        ("Tue 22:05 nothing to do", at(tue, 22, 5))):
        secs, r = sweep(when)
        print(f"  {label:<26} {secs:7.3f} s  {r.summary()}; {len(r.messages)} texts")


if __name__ == "__main__":
    main()
