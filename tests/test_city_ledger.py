"""台账 across counties (issue 31, 4; docs/city.md "Figures up"): the city's staff export the
ledger of all its counties or chosen ones from the city's page — each county's rows read in the
session bound to that county, its name first on each row; a county's clerk exports their own
county only (asking for another is refused and writes nothing; an export row that names counties
but is not the city's builds nothing)."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import SHANGHAI
from core.store import scope
from core.store.models import County, LedgerExport, Person
from notifications import exports
from tests.test_city_console import BF_CLERK, CITY_CLERK, LS_CLERK, city, city_file  # noqa: F401  (fixtures)
from tests.test_export_limits import Console

LS_CASE, BF_CASE = "LS-20261123-0001", "BF-20261123-0001"


def _ledger(clerk: Console, asked) -> list[list[str]]:
    assert asked.status_code == 302 and "/console/exports/" in asked.headers["Location"], asked.status_code
    got = clerk.get(asked.headers["Location"] + "/file")
    assert got.status_code == 200
    return list(csv.reader(io.StringIO(got.get_data().decode("utf-8-sig"))))


def _exports(app) -> int:
    with Session(app.extensions["xinfang"].engine) as s:
        return scope.bind(s, None).scalar(select(func.count()).select_from(LedgerExport))


def test_the_city_exports_the_ledger_of_every_county_or_those_chosen(city):
    app, sms = city
    clerk = Console(app, sms, CITY_CLERK)
    page = clerk.get("/console/city").get_data(as_text=True)
    assert 'id="city-export"' in page and 'value="LS"' in page and 'value="BF"' in page
    period = {"from": "2026-11-01", "to": "2026-11-23", "format": "csv"}
    every = _ledger(clerk, clerk.post("/console/exports", counties=["*"], **period))
    assert every[0][:2] == ["县（市、区）", "编号"]
    assert [(r[0], r[1]) for r in every[1:]] == [("鲁山县", LS_CASE), ("宝丰县", BF_CASE)]
    chosen = _ledger(clerk, clerk.post("/console/exports", counties=["*", "BF"], **period))
    assert [(r[0], r[1]) for r in chosen[1:]] == [("宝丰县", BF_CASE)]
    with Session(app.extensions["xinfang"].engine) as s:
        rows = list(scope.bind(s, None).scalars(select(LedgerExport).order_by(LedgerExport.id)))
        city_id = s.scalar(select(County.id).where(County.prefix == "PDS"))
    assert [(r.county_id, r.counties, r.status) for r in rows] == [(city_id, "LS,BF", "done"), (city_id, "BF", "done")]
    # a prefix that is not one of the city's counties is refused, and nothing is written
    bad = clerk.post("/console/exports", counties=["*", "XX"], **period)
    assert bad.status_code == 302 and _exports(app) == 2
    assert "只有市信访局可以导出各县台账" in clerk.said(bad)


def test_a_countys_clerk_cannot_export_another_county(city):
    app, sms = city
    ls = Console(app, sms, LS_CLERK)
    period = {"from": "2026-11-01", "to": "2026-11-23", "format": "csv"}
    refused = ls.post("/console/exports", counties=["BF"], **period)
    assert refused.status_code == 302 and "/console/exports/" not in refused.headers["Location"]
    assert "只有市信访局可以导出各县台账" in ls.said(refused) and _exports(app) == 0
    assert ls.post("/console/exports", counties=["*"], **period).headers["Location"].endswith("/console/stats?from=2026-11-01&to=2026-11-23")
    own = _ledger(ls, ls.post("/console/exports", **period))      # their own county's, as always
    assert own[0][0] == "编号" and [r[0] for r in own[1:]] == [LS_CASE]
    # an export row of 鲁山's that names 宝丰 (written past the console) builds nothing
    svc = app.extensions["xinfang"]
    with Session(svc.engine) as s:
        ls_id = s.scalar(select(County.id).where(County.prefix == "LS"))
        scope.bind(s, ls_id)
        person = s.scalars(select(Person).where(Person.phone == LS_CLERK)).one()
        forged = LedgerExport(person_id=person.id, first=datetime(2026, 11, 1).date(), last=datetime(2026, 11, 23).date(),
                              status="queued", rows_done=0, created_at=datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI),
                              counties="BF", file="ledger-99.csv")
        s.add(forged)
        s.commit()
        forged_id = forged.id
    assert exports.build(svc, forged_id) == f"台账导出{forged_id}：不能导出所选的县（市、区）"
    with Session(svc.engine) as s:
        row = scope.bind(s, None).get(LedgerExport, forged_id)
        assert (row.status, row.error, row.rows_done) == ("failed", "counties", 0)
    assert not list(svc.settings.export_dir.glob(f"ledger-{forged_id}*"))
