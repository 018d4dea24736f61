"""A city's scheduled jobs (issue 31; notifications.schedule): in one deployment of 平顶山市 over
鲁山县 and 宝丰县 each county's jobs run for that county — its sessions bound to it, its runs named
by its prefix — and the city's for the city: at 17:30 each county's leaders get their own
每日访情 and the city's leaders the city's; on the first working day of a month the city's
leaders and bureau get the ranking of the counties."""
from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.cli.county import init_database
from core.clock import SHANGHAI, FixedClock
from core.settings import load_settings
from core.store.models import County, OutboundMessage, Person, ScheduledRun
from notifications.schedule import tick
from notifications.services import build_services
from notifications.sms import ConsoleSms
from tests.conftest import ROOT, make_env

CITY = ROOT / "examples" / "pingdingshan.toml"
EVENING = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)     # a Monday


@pytest.fixture(scope="module")
def city_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cityjobs") / "city.sqlite3"
    init_database(f"sqlite:///{path}", CITY, now=datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    return path


@pytest.fixture
def svc(city_file, tmp_path):
    path = tmp_path / "city.sqlite3"
    shutil.copy(city_file, path)
    services = build_services(load_settings(make_env(f"sqlite:///{path}", EXPORT_DIR=str(tmp_path / "exports"))),
                              clock=FixedClock(EVENING), sms=ConsoleSms(quiet=True))
    yield services
    services.engine.dispose()


def _sent(svc, purpose: str) -> dict[str, list[tuple[str, str]]]:
    """Each county's (by prefix) texts of ``purpose``: (to, body)."""
    with svc.engine.connect() as conn:
        prefixes = dict(conn.execute(select(County.id, County.prefix)).all())
        rows = conn.execute(select(OutboundMessage.county_id, OutboundMessage.to, OutboundMessage.body)
                            .where(OutboundMessage.purpose == purpose).order_by(OutboundMessage.id)).all()
    out: dict[str, list[tuple[str, str]]] = {}
    for county_id, to, body in rows:
        out.setdefault(prefixes[county_id], []).append((to, body))
    return out


def _leaders(svc, prefix: str) -> list[str]:
    with svc.engine.connect() as conn:
        return list(conn.scalars(select(Person.phone).join(County, County.id == Person.county_id)
                                 .where(County.prefix == prefix, Person.role == "leader").order_by(Person.id)))


def test_each_county_gets_its_own_evening_text_and_the_city_its_own(svc):
    ran = {name: result for name, _, result in tick(svc, EVENING)}
    assert {"LS:daily_digest", "BF:daily_digest", "PDS:city_digest", "outbox"} <= set(ran), ran
    assert not [r for r in ran.values() if r.startswith("error")], ran
    digests = _sent(svc, "daily_digest")
    assert sorted(digests) == ["BF", "LS"]
    assert {to for to, _ in digests["LS"]} >= set(_leaders(svc, "LS"))
    assert {to for to, _ in digests["BF"]} >= set(_leaders(svc, "BF"))
    assert all("鲁山县" in body for to, body in digests["LS"] if to in _leaders(svc, "LS"))
    assert all("宝丰县" in body for to, body in digests["BF"] if to in _leaders(svc, "BF"))
    city = _sent(svc, "city_digest")
    assert list(city) == ["PDS"] and [to for to, _ in city["PDS"]] == _leaders(svc, "PDS")
    # Monday's: from Saturday, as each county's own (its days the counties' calendar keeps)
    assert city["PDS"][0][1].startswith("【每日访情】11月21日至23日（周一）平顶山市：各县到县访0批0人次")
    assert all(body.startswith("【每日访情】11月21日至23日（周一）") for body in
               [b for _, b in digests["LS"]] + [b for _, b in digests["BF"]] if body.startswith("【每日访情】"))
    # once a day: the next tick runs none of them again
    assert not {"LS:daily_digest", "BF:daily_digest", "PDS:city_digest"} & {n for n, _, _ in tick(svc, EVENING)}
    with svc.engine.connect() as conn:
        assert "daily_digest" not in set(conn.scalars(select(ScheduledRun.name)))   # every run is a county's


def test_the_city_ranks_its_counties_on_the_first_working_day(svc):
    morning = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    ran = {name: result for name, _, result in tick(svc, morning)}
    assert {"PDS:county_ranking", "LS:monthly_scores", "BF:monthly_scores"} <= set(ran), ran
    ranking = _sent(svc, "county_ranking")
    assert list(ranking) == ["PDS"]
    with svc.engine.connect() as conn:
        city_people = set(conn.scalars(select(Person.phone).join(County, County.id == Person.county_id).where(
            County.prefix == "PDS", Person.role.in_(("leader", "staff")))))
    assert {to for to, _ in ranking["PDS"]} == city_people
    assert ranking["PDS"][0][1] == "【县区排名】2026年11月：本月各县均无信访事项，不排名次；80分以下：无。"
