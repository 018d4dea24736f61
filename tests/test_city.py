"""A city's file (issue 31, docs/city.md): `xinfang init examples/pingdingshan.toml` loads 平顶山市
(kind "city", its own bureau and departments) and each county file it lists (kind "county", the
city its parent), each with its own directory — two counties with the same unit codes side by side."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli.county import init_database
from core.county import CountyFileError, parse_city_file
from core.store import scope
from core.store.db import make_engine
from core.store.models import County, DirectoryLoad, Person, Township, Unit, Village
from tests.conftest import ROOT

CITY = ROOT / "examples" / "pingdingshan.toml"


def test_a_city_file_loads_the_city_and_each_county_with_its_own_directory(tmp_path):
    url = f"sqlite:///{tmp_path / 'city.sqlite3'}"
    assert init_database(url, CITY).splitlines() == [
        "平顶山市：县情文件已载入：新建县1、人员8、乡镇1、单位3",
        "鲁山县：县情文件已载入：新建县1、人员55、乡镇22、单位27、村（社区）47",
        "宝丰县：县情文件已载入：新建县1、人员73、乡镇13、单位29、村（社区）28"]
    engine = make_engine(url)
    with Session(engine) as s:
        rows = {c.prefix: c for c in s.scalars(select(County))}
        city, ls, bf = rows["PDS"], rows["LS"], rows["BF"]
        assert (city.kind, city.parent_id, city.name) == ("city", None, "平顶山市")
        assert (ls.kind, ls.parent_id, bf.kind, bf.parent_id) == ("county", city.id, "county", city.id)
        assert bf.options["timelines"]["policy"] == "statutory" and ls.options["timelines"]["policy"] == "same_day"
        # the same unit code in two counties: each its own row, its own county's
        assert sorted(s.scalars(select(Unit.county_id).where(Unit.code == "xfj"))) == sorted([ls.id, bf.id])
        assert s.scalar(select(Unit.name).where(Unit.code == "xfj", Unit.county_id == bf.id)) == "宝丰县信访局"
        assert set(s.scalars(select(Unit.county_id).where(Unit.code == "sxfj"))) == {city.id}
        # the city's one place: its own departments' cases (市本级), the petitioner's place as written beside it
        assert s.scalars(select(Township.name).where(Township.county_id == city.id)).all() == ["市本级"]
        bf_villages = s.scalars(select(Village.name).join(Township).where(Township.county_id == bf.id)).all()
        assert "马街村" in bf_villages and "三官庙村" not in bf_villages
        assert s.scalar(select(Person.county_id).where(Person.phone == "+8613730000001")) == city.id
        assert {c for c in s.scalars(select(DirectoryLoad.county_id))} == {city.id, ls.id, bf.id}
        scope.bind(s, bf.id)
        assert "下汤镇" not in s.scalars(select(Township.name)).all()
    engine.dispose()
    # loaded again: nothing changes, nothing of one county is deactivated by another's file
    assert init_database(url, CITY).splitlines() == [
        "平顶山市：县情文件已载入：无变化", "鲁山县：县情文件已载入：无变化", "宝丰县：县情文件已载入：无变化"]
    # a county's file alone updates that county of the city, and no other
    assert init_database(url, ROOT / "examples" / "baofeng.toml") == "县情文件已载入：无变化"
    engine = make_engine(url)
    with Session(engine) as s:
        assert s.scalar(select(County.parent_id).where(County.prefix == "BF")) == city.id
        assert s.scalar(select(Village.active).join(Township).where(
            Township.county_id == ls.id, Village.name == "三官庙村")) is True
    engine.dispose()


def test_a_deployment_of_one_county_becomes_a_citys_county_with_nothing_lost(tmp_path, sqlite_template):
    """The example county's database (a deployment of one) takes the city's file: 鲁山县 keeps its
    row and its people, now under 平顶山市, and 宝丰县 is loaded beside it. (On a copy of the
    SQLite template: the PostgreSQL database of the tests keeps one county.)"""
    shutil.copy(sqlite_template, tmp_path / "one.sqlite3")
    db_url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    engine = make_engine(db_url)
    with Session(engine) as s:
        ls_id = s.scalar(select(County.id))
        people = s.scalar(select(Person.id).where(Person.county_id == ls_id).order_by(Person.id.desc()).limit(1))
    init_database(db_url, CITY)
    with Session(engine) as s:
        assert s.get(County, ls_id).prefix == "LS" and s.get(County, ls_id).parent_id is not None
        assert s.get(Person, people).county_id == ls_id
        assert s.scalar(select(County.id).where(County.prefix == "BF")) is not None
    engine.dispose()


def test_a_number_given_in_two_files_of_a_city_is_refused(tmp_path):
    for name in ("lushan.toml", "baofeng.toml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    text = (ROOT / "examples" / "pingdingshan.toml").read_text(encoding="utf-8")
    city = tmp_path / "city.toml"
    city.write_text(text.replace('phone = "13730000001"', 'phone = "13720000001"'), encoding="utf-8")
    with pytest.raises(CountyFileError, match="phone number"):
        parse_city_file(city)
