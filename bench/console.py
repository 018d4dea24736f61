"""The console's pages over a county in operation (issue 20): 1,000,000 petitions of a year (the mix
of bench/cases.py), a text per petition for 300,000 of them, then server time of each page
through the app (Flask's test client: no network, the time the web process spends), signed in as
the bureau's staff and as a unit's liaison.

    python3 bench/console.py                       # SQLite (a fresh file)
    python3 bench/console.py --database postgresql://user:pw@127.0.0.1/xinfang_bench

Targets: each list page and case file under 150 ms at p95, lookup by number or phone under 50 ms,
search by words under 300 ms, a 100,000-row export in under 15 s with bounded memory.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import NOW, Loader, _sqlite, any_case, county_db  # noqa: E402


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--petitions", type=int, default=1_000_000)
    ap.add_argument("--texts", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    from sqlalchemy import select

    from bot.app import create_app
    from core.clock import FixedClock
    from core.settings import load_settings
    from core.store.models import Person
    from notifications.services import build_services
    from notifications.sms import ConsoleSms

    db, loader, sessions, units, townships = county_db(args.database, "console")
    with sessions() as s:
        staff = s.scalars(select(Person).where(Person.role == "staff")).first()
        liaison = s.scalars(select(Person).where(Person.phone == "+8613700000011")).one()
        staff_id, liaison_id = staff.id, liaison.id
    rng = random.Random(11)
    year_start = datetime(2025, 11, 24, tzinfo=NOW.tzinfo)
    t0 = time.perf_counter()
    loader.rows(any_case(rng, units, townships, year_start), args.petitions, 1, analyze=False)
    _texts(loader, args.texts, args.petitions)
    loader.analyze()
    if loader.pg:   # as autovacuum would in a county in operation: statistics and the visibility map
        with loader.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE petition")
            conn.exec_driver_sql("VACUUM ANALYZE outbound_message")
    print(f"loaded {args.petitions:,} petitions and {args.texts:,} texts in {time.perf_counter() - t0:.0f} s")

    env = {"DATABASE_URL": db, "SECRET_KEY": "bench", "OUTBOX_DELIVERY": "inline",
           "EXPORT_DIR": str(Path(db[len("sqlite:///"):]).parent / "exports") if db.startswith("sqlite")
           else tempfile.mkdtemp(prefix="xinfang-bench-exports-")}
    svc = build_services(load_settings(env), clock=FixedClock(NOW), sms=ConsoleSms(quiet=True))
    app = create_app({"SERVICES": svc, "TESTING": True})
    backend = "PostgreSQL" if loader.pg else "SQLite"
    numbers = [f"BN-{rng.randint(1, args.petitions):08d}" for _ in range(args.runs)]
    phones = [f"+86139{i:08d}"[:14] for i in (rng.randint(1, args.petitions) for _ in range(args.runs))]
    texted = [f"BN-{rng.randint(1, args.texts):08d}" for _ in range(args.runs)]
    mine = [n for n in numbers]   # a liaison opens numbers of any unit: most are "没有找到", still timed

    print(f"\n== exports ({backend}) ==")
    exports(svc, staff_id, "2026-10-01", "2026-11-05")
    pages = {
        "工作台 (staff)": (staff_id, lambda i: "/console/"),
        "工作台 (liaison)": (liaison_id, lambda i: "/console/"),
        "case file (staff)": (staff_id, lambda i: f"/console/cases/{texted[i]}"),
        "case file (liaison)": (liaison_id, lambda i: f"/console/cases/{mine[i]}"),
        "list: status=accepted": (staff_id, lambda i: f"/console/cases?status=accepted&page={1 + i % 5}"),
        "list: one unit": (staff_id, lambda i: f"/console/cases?unit={units[i % len(units)]}"),
        "lookup by number": (staff_id, lambda i: f"/console/cases?q={numbers[i]}"),
        "lookup by phone": (staff_id, lambda i: f"/console/cases?q={phones[i][3:]}"),
        "search by words": (staff_id, lambda i: f"/console/cases?q={('土地', '纠纷')[i % 2]}"),
        "search: a rare word": (staff_id, lambda i: "/console/cases?q=扶贫款"),
        "search: a word nowhere": (staff_id, lambda i: f"/console/cases?q={('停水', '拆迁', '低保户')[i % 3]}"),
        "search: one character": (staff_id, lambda i: "/console/cases?q=水"),
        "list: channel+category+month": (staff_id, lambda i: "/console/cases?channel=sms&category=土地"
                                                            "&since=2026-10-01&until=2026-10-31"),
        "list: a shelf (待受理, 待见面)": (staff_id, lambda i: f"/console/cases?shelf={('to_accept', 'to_meet')[i % 2]}"),
        "统计 (a month)": (staff_id, lambda i: "/console/stats?from=2026-10-01&to=2026-10-31"),
    }
    print(f"\n== console pages over {args.petitions:,} petitions ({backend}), server time, {args.runs} runs ==")
    time_pages(app, svc, pages, args.runs, ok=(200, 404))



def signed_in(app, svc, person_id: int):
    """A test client signed in as the person: a session of the server's (core.workplace.signin),
    opened in the person's county (a city's, or the deployment's one), its id in the cookie."""
    from core.store import scope
    from core.store.db import transaction
    from core.store.models import Person
    from core.workplace import signin

    with transaction(svc.sessions) as s:
        person = scope.bind(s, None).get(Person, person_id)
        scope.bind(s, person.county_id)
        token = signin.open_session(s, person, NOW, "127.0.0.1")
    c = app.test_client()
    with c.session_transaction("/console/") as sess:   # only the console opens sessions (bot.console.sign_in._Cookies)
        sess["_user_id"], sess["_fresh"] = token, True
    return c


def time_pages(app, svc, pages: dict, runs: int, ok: tuple[int, ...] = (200,), indent: str = "") -> None:
    """Each page's server time over ``runs`` requests (after one to warm), signed in as its person:
    ``pages`` maps a label to (person id, the path of the i-th request); median and p95 printed."""
    width = max(24, *(len(label) for label in pages))
    print(f"{indent}{'page':<{width}} {'median ms':>10} {'p95 ms':>8}")
    for label, (person_id, path) in pages.items():
        c = signed_in(app, svc, person_id)
        c.get(path(0))   # warm
        times = []
        for i in range(runs):
            t = time.perf_counter()
            r = c.get(path(i))
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code in ok, (label, r.status_code)
        print(f"{indent}{label:<{width}} {statistics.median(times):>10.1f} {p95(times):>8.1f}", flush=True)


def exports(svc, person_id: int, first: str, last: str) -> None:
    """The 台账 of [first, last] as CSV and as Excel, built as the reports' worker builds it
    (notifications.exports: never in a web request since issue 29): seconds, rows, the file, and
    what the peak memory of the process grew by (each before any page was timed)."""
    from datetime import date

    from core.store.db import transaction
    from core.store.models import LedgerExport, Person
    from notifications import exports as ledger
    for fmt in ("csv", "xlsx"):
        with transaction(svc.sessions) as s:
            export_id = ledger.ask(s, s.get(Person, person_id), date.fromisoformat(first), date.fromisoformat(last),
                                   fmt, NOW).id
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.perf_counter()
        ledger.build(svc, export_id)
        secs = time.perf_counter() - t
        with svc.sessions() as s:
            row = s.get(LedgerExport, export_id)
            size = (svc.settings.export_dir / row.file).stat().st_size
            rows = row.rows_done
        grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        print(f"export {fmt:<5} {first}–{last}: {secs:5.1f} s, {size / 1e6:5.1f} MB, {rows:,} rows; "
              f"peak memory grew {grew:.0f} MB", flush=True)


def _texts(loader: Loader, n: int, petitions: int) -> None:
    """One text per petition for the first ``n``: the outbox a case file reads."""
    rows = ((f"+86139{i:08d}"[:14], f"您好！您反映的事项BN-{i:08d}已办结。", "case_closed", "sent", NOW, NOW, i)
            for i in range(1, n + 1))
    county_id = loader.only_county()   # a raw load writes the county (no column default runs)
    raw = loader.engine.raw_connection()
    try:
        cur = raw.cursor()
        cols = "channel, \"to\", body, purpose, status, created_at, sent_at, petition_id, attempts, county_id"
        if loader.pg:
            with cur.copy(f"COPY outbound_message ({cols}) FROM STDIN") as cp:
                for to, body, purpose, status, created, sent, pid in rows:
                    cp.write_row(("sms", to, body, purpose, status, created, sent, pid, 1, county_id))
        else:
            cur.execute("BEGIN")
            cur.executemany(f"INSERT INTO outbound_message ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [("sms", to, body, purpose, status, _sqlite(created), _sqlite(sent), pid, 1, county_id)
                             for to, body, purpose, status, created, sent, pid in rows])
            cur.execute("COMMIT")
        raw.commit()
    finally:
        raw.close()


if __name__ == "__main__":
    main()
