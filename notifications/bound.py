"""The services as one county's work sees them, in a deployment of several counties (docs/city.md):
a job of that county or of the city (notifications.schedule), a console request of its people
(bot.console.common.services), an export built for one of them (notifications.exports)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker

from core.store import scope
from core.store.db import reading


class Bound:
    """The services as one county's work sees them — a job of that county (or of the city), a
    console request of its people: every session bound to it (``county_id`` None: across
    counties), and that county by default where the services' county is asked for. Everything
    else is the services' own."""

    def __init__(self, svc, county_id: int | None, **about) -> None:
        self._svc, self.county_id = svc, county_id
        kw = svc.sessions.kw
        self.sessions = sessionmaker(class_=svc.sessions.class_,
                                     **{**kw, "info": {**kw.get("info", {}), scope.COUNTY: county_id}})
        self.__dict__.update(about)

    def county(self, conn: Connection, county_id: int | None = None):
        return self._svc.county(conn, county_id if county_id is not None else self.county_id)

    def __getattr__(self, name: str):
        return getattr(self._svc, name)


def owner_of(svc, model, row_id: int):
    """``svc`` as the county of a county-owned row sees it (a queued export's): ``svc`` itself in a
    deployment of one county."""
    if not svc.several_counties():
        return svc
    with reading(svc.sessions) as s:
        county_id = scope.bind(s, None).scalar(select(model.county_id).where(model.id == row_id))
    return Bound(svc, county_id)
