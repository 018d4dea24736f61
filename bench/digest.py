"""每日访情 over a large history (issue 5): computed in under 0.5 s with 1,000,000 petitions in
history; 1,000 recipients' texts queued in under 1 s.

    python3 bench/digest.py                      # SQLite (a fresh file)
    python3 bench/digest.py --database postgresql://user:pw@127.0.0.1/xinfang_bench

Set-up (not timed): the example county, ``--history`` petitions over the past year (bench/cases.py's
mix: 93 % of the old ones closed, recent ones 60 %; the last day has a few thousand), then
``--recipients`` people to write to: the example's leaders and head plus heads of extra units.
Timed, each twice (cold, warm): the county's day (``core.reports.digest.gather``), one unit's day, and
the whole job — every recipient's text computed and written to the outbox in one transaction.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import Loader, any_case, timed  # noqa: E402
from core.clock import SHANGHAI  # noqa: E402

NOW = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--history", type=int, default=1_000_000)
    ap.add_argument("--recipients", type=int, default=1000)
    args = ap.parse_args()

    from sqlalchemy import func, insert, select

    from bot.cli.county import init_database
    from core.store.db import make_sessionmaker, transaction
    from core.reports.digest import gather
    from notifications.digest_text import digests
    from core.store.models import OutboundMessage, Person, Petition, Township, Unit

    tmp = tempfile.mkdtemp(prefix="xinfang-bench-")
    db = args.database or f"sqlite:///{tmp}/digest.sqlite3"
    loader = Loader(db)
    if loader.pg:
        loader.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    init_database(db, ROOT / "examples" / "lushan.toml")
    sessions = make_sessionmaker(loader.engine)
    with sessions() as s:
        units = list(s.scalars(select(Unit.id).where(Unit.kind != "bureau")))
        townships = list(s.scalars(select(Township.id)))
    t = time.perf_counter()
    # a year up to this evening: the loader's year starts 365 days before
    loader.rows(any_case(random.Random(11), units, townships, NOW - timedelta(days=365)), args.history, 1)
    with transaction(sessions) as s:
        have = s.scalar(select(func.count()).select_from(Person).where(Person.role.in_(("leader", "head"))))
        for i in range(max(0, args.recipients - have)):
            unit = Unit(code=f"bench{i}", name=f"县第{i}局", kind="department", active=True)
            s.add(unit)
            s.flush()
            s.add(Person(name=f"局长{i:04d}", phone=f"+86136{i:08d}", unit_id=unit.id, role="head", active=True))
    loader.analyze()
    backend = "PostgreSQL" if loader.pg else "SQLite"
    with sessions() as s:
        today = s.scalar(select(func.count()).select_from(Petition).where(
            Petition.received_at >= NOW.replace(hour=0, minute=30), Petition.received_at < NOW))
        recipients = s.scalar(select(func.count()).select_from(Person).where(Person.role.in_(("leader", "head"))))
    print(f"{backend}: {args.history} petitions in history ({today} today), {recipients} recipients "
          f"(set-up {time.perf_counter() - t:.0f} s)")

    day = NOW.date()
    xiatang = units[0]
    for label, fn in (("county's day (gather)", lambda s: gather(s, day)),
                      ("one unit's day (gather)", lambda s: gather(s, day, xiatang))):
        for run in ("cold", "warm"):
            with sessions() as s:
                secs, d = timed(lambda: fn(s))
            print(f"  {label:<28} {run}: {secs:6.3f} s  ({d.batches} batches, {d.people} people, "
                  f"{len(d.overdue)} flagged)")

    def job():
        with transaction(sessions) as s:
            texts = digests(s, day, "鲁山县")
            rows = [{"channel": "sms", "to": x.phone, "body": x.body, "purpose": "daily_digest", "status": "queued",
                     "created_at": NOW, "attempts": 0} for x in texts]
            s.execute(insert(OutboundMessage), rows)
        return texts
    for run in ("first", "again"):
        secs, texts = timed(job)
        print(f"  every recipient's text queued ({run}): {secs:6.3f} s  ({len(texts)} texts, "
              f"longest {max(len(x.body) for x in texts)} characters)")


if __name__ == "__main__":
    main()
