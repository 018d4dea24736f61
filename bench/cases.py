"""The deadline sweep and the measures over many cases (issue 3).

    python3 bench/cases.py                       # SQLite (a fresh file)
    python3 bench/cases.py --database postgresql://user:pw@127.0.0.1/xinfang_bench

1. sweep: open cases are loaded in steps (50k, 100k, 200k) with 2,000 of them due each time,
   then, at 200k open, 500 / 1,000 / 2,000 / 4,000 due: the sweep's time should follow the
   number due, not the number open. Each run is the whole sweep in one transaction, commit
   included: select the due cases, claim their reminders, write events, score events and
   the texts, move each case's ``due_next`` on.
2. measures: 1,000,000 cases over a year (a mix of statuses, ratings, reviews, repeats, group
   petitions, four channels, categories), then ``core.reports.measures.measure`` over the whole year and
   over one month, each run twice (the second with a warm cache).
Rows are bulk-loaded (COPY on PostgreSQL, executemany on SQLite) and ANALYZEd before timing.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from core.facts import REPEATED, facts_of, handling_days  # noqa: E402

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=8)))
COLUMNS = ("tracking_no", "channel", "phone", "phone_verified", "name", "township_id", "content", "status",
           "received_at", "updated_at", "unit_id", "assigned_at", "accepted_at", "met_at", "replied_at",
           "closed_at", "complexity", "extension_days", "rating", "due_assign", "due_accept", "due_meet",
           "due_reply", "due_finish", "due_next", "deadline_provisional", "overdue", "people", "category",
           "accusation", "review_level", "repeat_of_id", "facts", "handling_days", "rated_at", "county_id")
CHANNELS = ("wechat", "wechat", "wechat", "sms", "sms", "visit", "letter")
CATEGORIES = ("劳资纠纷", "土地", "水利", "城乡管理", None, None)


class Loader:
    def __init__(self, url: str):
        from core.store.db import make_engine
        self.pg = url.startswith("postgres")
        self.engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1) if self.pg else url)
        self.next_no = 0

    def only_county(self) -> int:
        """The deployment's county (a bulk load writes every row's county: COPY and a raw INSERT
        do not run the column's default, core.store.models.ONLY_COUNTY)."""
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT min(id) FROM county WHERE kind = 'county'")).scalar()

    def rows(self, make_values, n: int, start_id: int, analyze: bool = True, county_id: int | None = None) -> None:
        county_id = county_id if county_id is not None else self.only_county()

        def make(i: int) -> tuple:
            values = dict(zip(COLUMNS, make_values(i) + (0, None, None, county_id)))
            row = SimpleNamespace(**values)
            values["facts"], values["handling_days"] = facts_of(row), handling_days(row)
            if values["rating"] and values["replied_at"]:   # rated a few hours after the answer, as the app stores it
                values["rated_at"] = values["replied_at"] + timedelta(hours=3)
            return tuple(values[c] for c in COLUMNS)

        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            if self.pg:
                cols = ", ".join(f'"{c}"' for c in ("id",) + COLUMNS)
                with cur.copy(f"COPY petition ({cols}) FROM STDIN") as cp:
                    for i in range(n):
                        cp.write_row((start_id + i,) + make(start_id + i))
            else:
                marks = ", ".join("?" for _ in range(len(COLUMNS) + 1))
                sql = f"INSERT INTO petition (id, {', '.join(COLUMNS)}) VALUES ({marks})"
                cur.execute("BEGIN")
                batch = []
                for i in range(n):
                    batch.append((start_id + i,) + tuple(_sqlite(v) for v in make(start_id + i)))
                    if len(batch) == 20_000:
                        cur.executemany(sql, batch)
                        batch.clear()
                cur.executemany(sql, batch)
                cur.execute("COMMIT")
            raw.commit()
        finally:
            raw.close()
        if analyze:
            self.analyze()

    def analyze(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("ANALYZE petition" if self.pg else "ANALYZE"))

    def execute(self, sql: str, **params) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)


def _sqlite(v):
    """The way SQLAlchemy stores values on SQLite: naive UTC datetimes as text, booleans as 0/1."""
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, bool):
        return int(v)
    return v


def open_case(rng: random.Random, units: list[int], townships: list[int], due: bool):
    """An accepted case not yet met: due now (its meeting deadline passed an hour ago) or later."""
    def make(i: int):
        received = NOW - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 600))
        if due:
            meet, nxt = NOW - timedelta(hours=1), NOW - timedelta(hours=1)
        else:
            meet = NOW + timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
            nxt = meet - timedelta(days=1)
        finish = meet + timedelta(days=7)
        return (f"BN-{i:08d}", rng.choice(CHANNELS), f"+86138{i:08d}"[:14], True, "张三", rng.choice(townships),
                "小区停水", "accepted", received, received, rng.choice(units), received, received, None, None,
                None, "normal", 0, None, received, received + timedelta(hours=6), meet, finish, finish, nxt,
                False, False, 1, rng.choice(CATEGORIES), False, None, None)
    return make


# what petitioners write, in pieces (the console's search by words needs texts that differ: the
# bigram index narrows by what is rare); 停水 is in none of them, 扶贫款 in one case in 20,000
PLACES = ("村里", "我们组", "小区", "镇上", "我家门口", "村东头", "老街", "学校旁边", "河边", "新农村社区")
MATTERS = ("土地纠纷一直没人管", "宅基地被邻居占了", "拖欠工资三个月", "低保评定不公平", "路灯坏了半年",
           "征地补偿款没发到位", "土地承包合同到期不给续", "排水沟堵了一下雨就淹", "危房改造补助没到手",
           "医保报销手续太难", "养殖场臭味太大", "修路占了耕地没补偿", "邻里纠纷打了起来", "垃圾堆没人清运",
           "孩子上学被拒收", "噪音扰民晚上睡不着", "山林权属纠纷", "退役军人待遇没落实", "物业乱收费",
           "工地夜里施工")
DETAILS = ("找了好几次都没解决", "希望领导重视", "请尽快处理", "村干部说不归他们管", "已经反映过一次了",
           "家里老人身体不好", "全组群众都有意见", "要求给个说法")


def matter(rng: random.Random, i: int) -> str:
    if i % 20000 == 0:
        return f"{rng.choice(PLACES)}的扶贫款被挪用了，{rng.choice(DETAILS)}"
    return f"{rng.choice(PLACES)}{rng.choice(MATTERS)}，{rng.choice(DETAILS)}"


def any_case(rng: random.Random, units: list[int], townships: list[int], year_start: datetime):
    """A case of a year's mix: finished when older than 60 days (93 % closed, the rest withdrawn or
    rejected), else 60 % closed; ratings, reviews (3 %), repeats (8 %), group petitions (20 %)."""
    def make(i: int):
        received = year_start + timedelta(minutes=rng.randint(0, 365 * 24 * 60 - 1))
        assigned = received + timedelta(minutes=rng.randint(1, 90))
        accepted = assigned + timedelta(hours=rng.choice((1, 2, 3, 30)))
        met = accepted + timedelta(hours=rng.choice((1, 2, 20))) if rng.random() < 0.9 else None
        replied = accepted + timedelta(days=rng.randint(0, 12))
        closed = replied + timedelta(hours=rng.randint(1, 48))
        r = rng.random()
        if NOW - received > timedelta(days=60):       # older cases are finished
            status = "closed" if r < 0.93 else ("withdrawn" if r < 0.97 else "rejected")
        else:
            status = "closed" if r < 0.6 else ("replied" if r < 0.75 else "accepted")
        due_accept = assigned.replace(hour=15, minute=59)
        due_meet = due_accept
        due_finish = accepted + timedelta(days=7)
        return (f"BN-{i:08d}", rng.choice(CHANNELS), f"+86139{i:08d}"[:14], True, "李四", rng.choice(townships),
                matter(rng, i), status, received, received, rng.choice(units), assigned, accepted,
                met, replied if status in ("closed", "replied") else None, closed if status == "closed" else None,
                "normal", 0, rng.choice(("satisfied", "satisfied", "basic", "unsatisfied", None))
                if status in ("closed", "replied") else None,
                received, due_accept, due_meet, due_finish, due_finish,
                due_finish if status in ("accepted", "replied") else None, False, rng.random() < 0.03,
                rng.choice((1, 1, 1, 1, 1, 1, 1, 1, 3, 12)), rng.choice(CATEGORIES), False,
                "review" if status == "closed" and rng.random() < 0.03 else None,
                i - rng.randint(1, 1000) if i > 1000 and rng.random() < 0.08 else None)
    return make


def county_db(database: str | None, prefix: str):
    """A fresh database with the example county (a new SQLite file, or the PostgreSQL database
    emptied): its URL, a Loader, a sessionmaker, the units' and the townships' ids."""
    from bot.cli.county import init_database
    from core.store.db import make_sessionmaker
    from core.store.models import Township, Unit
    from sqlalchemy import select

    tmp = tempfile.mkdtemp(prefix=f"xinfang-bench-{prefix}-")
    db = database or f"sqlite:///{tmp}/{prefix}.sqlite3"
    loader = Loader(db)
    if loader.pg:
        loader.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    print(init_database(db, ROOT / "examples" / "lushan.toml"))
    sessions = make_sessionmaker(loader.engine)
    with sessions() as s:
        units = list(s.scalars(select(Unit.id).where(Unit.kind != "bureau")))
        townships = list(s.scalars(select(Township.id)))
    return db, loader, sessions, units, townships


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--open", type=int, default=200_000)
    ap.add_argument("--measures", type=int, default=1_000_000)
    args = ap.parse_args()

    from core.rules import Rules
    from core.directory.lookup import current_county
    from core.store.db import transaction
    from core.reports.measures import measure
    from core.cases.sweep import sweep

    db, loader, sessions, units, townships = county_db(args.database, "cases")
    with sessions() as s:
        rules = Rules.for_county(current_county(s))
    rng = random.Random(7)
    backend = "PostgreSQL" if loader.pg else "SQLite"
    print(f"\n== sweep ({backend}) ==")
    print(f"{'open':>8} {'due':>6} {'seconds':>8} {'looked':>7} {'overdue':>8} {'texts':>6}")

    next_id = 1

    def add(n: int, due: bool) -> None:
        nonlocal next_id
        loader.rows(open_case(rng, units, townships, due), n, next_id)
        next_id += n

    def run_sweep(open_now: int, due: int) -> None:
        def go():
            with transaction(sessions) as s:
                return sweep(s, NOW, rules)
        secs, report = timed(go)
        print(f"{open_now:>8} {due:>6} {secs:>8.3f} {report.looked_at:>7} {report.overdue:>8} "
              f"{len(report.messages):>6}", flush=True)

    open_now = 0
    for target in [t for t in (50_000, 100_000) if t < args.open] + [args.open]:
        add(target - open_now - 2000, due=False)
        add(2000, due=True)
        open_now = target
        run_sweep(open_now, 2000)
    for due in (500, 1000, 4000):
        add(due, due=True)
        open_now += due
        run_sweep(open_now, due)
    # nothing due: the cost of looking
    run_sweep(open_now, 0)

    print(f"\n== measures over {args.measures:,} cases ({backend}) ==")
    loader.execute("DELETE FROM petition_event")
    loader.execute("DELETE FROM score_event")
    loader.execute("DELETE FROM reminder")
    loader.execute("DELETE FROM outbound_message")
    loader.execute("DELETE FROM petition")
    year_start = datetime(2025, 11, 24, tzinfo=NOW.tzinfo)
    secs, _ = timed(lambda: loader.rows(any_case(rng, units, townships, year_start), args.measures, 1))
    loader.execute(f"UPDATE petition SET facts = facts | {REPEATED} WHERE id IN "
                   "(SELECT repeat_of_id FROM petition WHERE repeat_of_id IS NOT NULL)")
    loader.analyze()
    print(f"loaded in {secs:.1f} s")
    ranges = {"whole year": (year_start, year_start + timedelta(days=366)),
              "one month": (datetime(2026, 10, 1, tzinfo=NOW.tzinfo), datetime(2026, 11, 1, tzinfo=NOW.tzinfo))}
    for label, (start, end) in ranges.items():
        for attempt in (1, 2):
            with sessions() as s:
                secs, m = timed(lambda: measure(s, start, end, NOW))
            rates = m.county.rates()
            print(f"{label:>10} run {attempt}: {secs:.3f} s  {m.county.petitions:,} petitions, "
                  f"{len(m.units)} units; 按期受理率 {rates['按期受理率']:.3f}, 当日见面率 {rates['当日见面率']:.3f}, "
                  f"一次性化解率 {rates['一次性化解率']:.3f}, 平均办结 {rates['平均办结时长']:.1f} 天",
                  flush=True)


if __name__ == "__main__":
    main()
