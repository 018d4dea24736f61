"""A city of ten counties in one database (issue 31, 6): the city's figures and each county's own
work over a year of every county's petitions.

    python3 bench/city.py --database postgresql://user:pw@127.0.0.1/xinfang_bench
    python3 bench/city.py --database … --counties 10 --petitions 1000000 --runs 3

Set-up (not timed): `xinfang init examples/pingdingshan.toml` (平顶山市 over 鲁山 and 宝丰), then
the city's other counties up to ``--counties`` (叶县, 郏县, 舞钢市 …: each a copy of 鲁山's
townships and units, three leaders), ``--petitions`` petitions of a year's mix in each
(bench/cases.py's ``any_case``, with its county), 60 越级访 a county over the year, a few 预警 on
the day; ANALYZE. The evening of 2026-11-23, 17:30.

Timed, each the median of ``--runs`` (wall time of the whole step, commit included):

- the city's 每日访情: every county's day gathered in its bound session and the city's text
  (core.reports.city.gather_city, notifications.digest_text.city_text);
- the daily job for all: every county's own texts to its leaders and unit heads
  (notifications.digest_text.digests, a session bound to each county) and the city's;
- the city's monthly ranking of its counties (core.reports.ranking.rank_counties, October);
- one county's 统计 for a month (core.reports.measures.measure, its bound session, with the nine
  other counties' rows in the same table);
- the console over the city (``pages``): its page, its ranking, a county looked into, a county's
  own 工作台, and the pages the city's texts point to (its day and its week and month by county);
- the deadline sweep over every county (core.cases.sweep.sweep, bound to each in turn) with 2,000
  cases due in each at bench/cases.py's hour (one run: it changes what it sweeps).

SQLite runs it too (``--database`` omitted: a fresh file), but a city is PostgreSQL's (docs/city.md).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import NOW as DUE_AT, Loader, any_case, open_case, timed  # noqa: E402
from bench.console import time_pages  # noqa: E402
from core.clock import SHANGHAI  # noqa: E402

NOW = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)
DAY = NOW.date()
# 平顶山市's other counties and districts (鲁山县 and 宝丰县 come with their files)
OTHERS = (("叶县", "YX"), ("郏县", "JX"), ("舞钢市", "WG"), ("汝州市", "RZ"), ("新华区", "XH"), ("卫东区", "WD"),
          ("石龙区", "SL"), ("湛河区", "ZH"))


def add_counties(sessions, city_id: int, template_id: int, n: int) -> None:
    """The city's other counties, each with 鲁山's townships and units (its own rows) and three leaders."""
    from sqlalchemy import select

    from core.store import scope
    from core.store.models import County, Person, Township, Unit

    with sessions() as s:
        scope.bind(s, template_id)
        template = s.get(County, template_id)
        townships = [(t.id, t.name) for t in s.scalars(select(Township))]
        units = [(u.code, u.name, u.kind, u.township_id) for u in s.scalars(select(Unit))]
        for k, (name, prefix) in enumerate(OTHERS[:n]):
            scope.bind(s, None)
            county = County(name=name, prefix=prefix, kind="county", parent_id=city_id, options=template.options)
            s.add(county)
            s.flush()
            scope.bind(s, county.id)
            ids = {}
            for old_id, tname in townships:
                t = Township(name=tname)
                s.add(t)
                s.flush()
                ids[old_id] = t.id
            made = [Unit(code=code, name=uname, kind=kind, township_id=ids.get(tid)) for code, uname, kind, tid in units]
            s.add_all(made)
            s.flush()
            s.add_all([Person(name=f"{name}领导{j}", phone=f"+861369{k:02d}{j:05d}", role="leader") for j in range(3)])
            bureau = next(u for u in made if u.kind == "bureau")   # its bureau's clerk (the console's pages)
            s.add(Person(name=f"{name}登记员", phone=f"+861368{k:02d}00001", role="staff", unit_id=bureau.id))
            s.commit()


def pages(args, db: str, tmp: str, sessions, counties, city_id: int) -> None:
    """The console over the city (issue 31, 6: p95 < 150 ms): the city's page (every county's
    shelves and 越级访), its ranking of the counties (last month's), a county looked into from it, and each county's
    bureau's own 工作台 and a shelf — server time through the app (Flask's test client, no
    network), signed in as the city's clerk and as 鲁山's and the last county's bureau."""
    from sqlalchemy import select

    from bot.app import create_app
    from core.clock import FixedClock
    from core.settings import load_settings
    from core.store import scope
    from core.store.models import County, Person
    from notifications.services import build_services
    from notifications.sms import ConsoleSms

    env = {"DATABASE_URL": db, "SECRET_KEY": "bench", "OUTBOX_DELIVERY": "inline", "EXPORT_DIR": f"{tmp}/exports"}
    svc = build_services(load_settings(env), clock=FixedClock(NOW), sms=ConsoleSms(quiet=True))
    app = create_app({"SERVICES": svc, "TESTING": True})
    last_id, last_name = counties[-1]
    with sessions() as s:
        scope.bind(s, None)
        clerk = s.scalars(select(Person).where(Person.phone == "+8613730000001")).one().id      # the city's
        ls_clerk = s.scalars(select(Person).where(Person.phone == "+8613700000001")).one().id   # 鲁山's bureau
        scope.bind(s, last_id)
        last_prefix = s.get(County, last_id).prefix
        last_staff = s.scalars(select(Person).where(Person.role == "staff")).first()
        last_staff = last_staff.id if last_staff else None

    timed_pages = {
        "the city's page (/console/city)": (clerk, lambda i: "/console/city"),
        "the city's ranking (/console/city/ranking, last month)": (clerk, lambda i: "/console/city/ranking"),
        f"the city into {last_prefix}: 工作台": (clerk, lambda i: f"/console/?county={last_prefix}"),
        f"the city into {last_prefix}: a shelf": (clerk, lambda i: f"/console/cases?county={last_prefix}"
                                                          f"&shelf={('to_accept', 'to_meet')[i % 2]}"),
        "鲁山's 工作台 (its bureau)": (ls_clerk, lambda i: "/console/"),
        "鲁山's shelf (待受理, 待见面)": (ls_clerk, lambda i: f"/console/cases?shelf={('to_accept', 'to_meet')[i % 2]}"),
    }
    if last_staff:
        timed_pages[f"{last_name}'s 工作台 (its bureau)"] = (last_staff, lambda i: "/console/")
    print(f"  the console over the city, server time, {args.page_runs} requests each:")
    time_pages(app, svc, timed_pages, args.page_runs, indent="    ")
    # what the city's texts point to (在工作台查看): a day and a week of every county, read live
    figures = {"the city's day by county (/console/city/day, today)": (clerk, lambda i: "/console/city/day"),
               "the city's week by county (/console/city/analysis, last week)":
                   (clerk, lambda i: "/console/city/analysis?kind=weekly"),
               "the city's month by county (/console/city/analysis, last month)":
                   (clerk, lambda i: "/console/city/analysis?kind=monthly")}
    runs = max(3, args.page_runs // 4)
    print(f"  the city's figures pages counted when asked, server time, {runs} requests each:")
    time_pages(app, svc, {label: (who, lambda i, p=path: p(i) + ("&" if "?" in p(i) else "?") + "live=1")
                          for label, (who, path) in figures.items()}, runs, indent="    ")
    keep_as_sent(sessions, city_id)
    print(f"  the same pages as the city's texts sent them (core.reports.kept), {args.page_runs} requests each:")
    time_pages(app, svc, {**figures, "the city's ranking (/console/city/ranking, last month)":
                          timed_pages["the city's ranking (/console/city/ranking, last month)"]},
               args.page_runs, indent="    ")
    svc.engine.dispose()


def keep_as_sent(sessions, city_id: int) -> None:
    """What the city's jobs keep when they send its texts (notifications.schedule: the day at 17:30,
    last week, last month, last month's ranking), kept here as they would."""
    from core.reports import kept
    from core.reports.analysis import last_complete
    from core.reports.city import analyse_city, gather_city
    from core.reports.ranking import rank_counties
    from core.store import scope
    from core.store.db import transaction

    with transaction(sessions) as s:
        scope.bind(s, city_id)
        kept.keep(s, "daily", DAY.isoformat(), kept.day_figures(gather_city(s, city_id, DAY, NOW)), NOW)
        for kind in ("weekly", "monthly"):
            period = last_complete(kind, DAY)
            kept.keep(s, kind, period.key, kept.analysis_figures(analyse_city(s, city_id, period, NOW)), NOW)
        kept.keep(s, "ranking", "2026-10", kept.ranking_figures(rank_counties(s, city_id, 2026, 10, NOW)), NOW)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--counties", type=int, default=10)
    ap.add_argument("--petitions", type=int, default=1_000_000, help="a year's petitions in each county")
    ap.add_argument("--due", type=int, default=2000, help="cases due in each county for the sweep")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page-runs", type=int, default=20, help="requests of each console page")
    ap.add_argument("--reuse", action="store_true",
                    help="the database holds an earlier run's city (same --counties, --petitions): time only")
    args = ap.parse_args()

    from sqlalchemy import func, insert, select

    from bot.cli.county import init_database
    from core.cases.sweep import sweep
    from core.reports.city import counties_of, gather_city
    from core.reports.measures import measure
    from core.reports.ranking import rank_counties
    from core.reports.scores import month_bounds
    from core.rules import Rules
    from core.store import scope
    from core.store.db import make_sessionmaker, transaction
    from core.store.models import County, Escalation, Petition, PetitionEvent, Township, Unit
    from notifications.digest_text import city_text, digests

    tmp = tempfile.mkdtemp(prefix="xinfang-bench-city-")
    db = args.database or f"sqlite:///{tmp}/city.sqlite3"
    loader = Loader(db)
    if loader.pg and not args.reuse:
        loader.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    t0 = time.perf_counter()
    if not args.reuse:
        init_database(db, ROOT / "examples" / "pingdingshan.toml")
    sessions = make_sessionmaker(loader.engine)
    with sessions() as s:
        scope.bind(s, None)
        city = s.scalars(select(County).where(County.kind == "city")).one()
        lushan = s.scalars(select(County).where(County.prefix == "LS")).one()
        city_id, city_name, lushan_id = city.id, city.name, lushan.id
    if not args.reuse:
        add_counties(sessions, city_id, lushan_id, max(0, args.counties - 2))
    with sessions() as s:
        scope.bind(s, None)
        counties = [(c.id, c.name) for c in counties_of(s, city_id)][:args.counties]
        next_id = 1 + (s.scalar(select(func.max(Petition.id)).execution_options(all_counties=True)) or 0)
    rng = random.Random(31)
    for county_id, name in ([] if args.reuse else counties):
        with sessions() as s:
            scope.bind(s, county_id)
            units = list(s.scalars(select(Unit.id).where(Unit.kind != "bureau")))
            townships = list(s.scalars(select(Township.id)))
        loader.rows(any_case(rng, units, townships, NOW - timedelta(days=365)), args.petitions, next_id,
                    analyze=False, county_id=county_id)
        next_id += args.petitions
        with transaction(sessions) as s:
            scope.bind(s, county_id)
            s.execute(insert(Escalation), [
                {"county_id": county_id, "level": rng.choice(("city", "city", "province", "beijing")),
                 "occurred_on": DAY - timedelta(days=rng.randint(0, 364)), "people": rng.choice((1, 1, 2, 5)),
                 "township_id": rng.choice(townships), "unit_id": None, "matter": "征地补偿",
                 "registered_at": NOW - timedelta(days=rng.randint(0, 364)), "actor": "bench"} for _ in range(60)])
            today = list(s.scalars(select(Petition.id).where(Petition.received_at >= datetime(2026, 11, 23, tzinfo=SHANGHAI))
                                   .limit(5)))
            s.execute(insert(PetitionEvent), [{"county_id": county_id, "petition_id": pid, "at": NOW - timedelta(hours=2),
                                               "kind": "warning", "actor": "citizen", "text": "扬言"} for pid in today])
        print(f"  {name}: {args.petitions:,} petitions loaded", flush=True)
    if loader.pg and not args.reuse:   # as autovacuum would in a city in operation: statistics, visibility map
        with loader.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE petition")
    elif not args.reuse:
        loader.analyze()
    backend = "PostgreSQL" if loader.pg else "SQLite"
    print(f"{backend}: {len(counties)} counties × {args.petitions:,} petitions (set-up {time.perf_counter() - t0:.0f} s)")

    def median(fn) -> tuple[float, object]:
        times, out = [], None
        for _ in range(args.runs):
            secs, out = timed(fn)
            times.append(secs)
        return statistics.median(times), out

    def city_day():
        with sessions() as s:
            scope.bind(s, city_id)
            return city_text(gather_city(s, city_id, DAY, NOW), city_name)

    secs, said = median(city_day)
    print(f"  the city's 每日访情 (every county's day, the city's text)   {secs:7.3f} s  ({len(said)} characters)")

    def daily_job():
        texts = 0
        for county_id, name in counties:
            with sessions() as s:
                scope.bind(s, county_id)
                texts += len(digests(s, DAY, name, NOW))
        return texts + 1 + (len(city_day()) > 0)

    secs, texts = median(daily_job)
    print(f"  every county's 每日访情 and the city's                     {secs:7.3f} s  ({texts} texts)")

    def ranking():
        with sessions() as s:
            scope.bind(s, city_id)
            return rank_counties(s, city_id, 2026, 10, NOW)

    secs, ranks = median(ranking)
    print(f"  the city's ranking of its counties (October)              {secs:7.3f} s  "
          f"(first {ranks[0].county} {ranks[0].score:g}, last {ranks[-1].county} {ranks[-1].score:g})")

    def one_county_month():
        with sessions() as s:
            scope.bind(s, counties[-1][0])
            return measure(s, *month_bounds(2026, 10), NOW)

    secs, m = median(one_county_month)
    print(f"  one county's 统计, October ({counties[-1][1]})                  {secs:7.3f} s  "
          f"({m.county.petitions:,} petitions)")

    pages(args, db, tmp, sessions, counties, city_id)

    # the sweep: nothing of the year due (as a county in operation), then --due cases in each
    loader.execute("UPDATE petition SET due_next = NULL WHERE due_next IS NOT NULL")   # a second run: only those the first left
    for county_id, _ in counties:
        with sessions() as s:
            scope.bind(s, county_id)
            units = list(s.scalars(select(Unit.id).where(Unit.kind != "bureau")))
            townships = list(s.scalars(select(Township.id)))
        loader.rows(open_case(rng, units, townships, True), args.due, next_id, analyze=False, county_id=county_id)
        next_id += args.due
    loader.analyze()

    def sweep_all():
        looked = 0
        for county_id, _ in counties:
            with transaction(sessions) as s:
                scope.bind(s, county_id)
                looked += sweep(s, DUE_AT, Rules.for_county(s.get(County, county_id))).looked_at
        return looked

    secs, looked = timed(sweep_all)
    print(f"  the deadline sweep over every county ({args.due:,} due each)     {secs:7.3f} s  ({looked:,} cases)")


if __name__ == "__main__":
    main()
