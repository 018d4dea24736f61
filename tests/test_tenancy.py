"""A city over its counties (issue 31, docs/city.md): every county-owned row carries its county,
and a session bound to a county sees only that county's rows and writes its own.

Two counties in one database: 鲁山县 (the example county file) and 宝丰县, added here under 平顶山市
inside a transaction rolled back at the end (the PostgreSQL database is shared by the tests, whose
sessions read the deployment's only county).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from core.clock import SHANGHAI
from core.store import scope
from core.store.db import make_engine
from core.store.models import (County, CountyOwned, InboundMessage, OutboundMessage, Person, Petition, PetitionEvent,
                               Township, Unit, insert_new)

AT = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def _petition(no: str, township: Township, unit: Unit | None = None, county_id: int | None = None) -> Petition:
    return Petition(tracking_no=no, channel="sms", phone="+8613800000001", name="张三", township_id=township.id,
                    content="村里的井坏了", received_at=AT, updated_at=AT, unit_id=unit.id if unit else None,
                    county_id=county_id)


class World:
    """鲁山县 as the county file loaded it, 宝丰县 beside it, one petition each."""

    def __init__(self, conn) -> None:
        with Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            self.ls = s.scalars(select(County).where(County.kind == "county")).one()
            city = County(name="平顶山市", prefix="PDS", kind="city", options={})
            s.add(city)
            s.flush()
            self.ls.parent_id = city.id
            self.bf = County(name="宝丰县", prefix="BF", kind="county", parent_id=city.id, options={})
            s.add(self.bf)
            s.flush()
            self.ls_township = s.scalars(select(Township).where(Township.name == "下汤镇")).one()
            self.ls_unit = s.scalars(select(Unit).where(Unit.township_id == self.ls_township.id)).first()
            self.bf_township = Township(name="杨庄镇", county_id=self.bf.id)
            s.add(self.bf_township)
            s.flush()
            self.bf_unit = Unit(code="yangzhuang", name="杨庄镇人民政府", kind="township",
                                township_id=self.bf_township.id, county_id=self.bf.id)
            s.add(self.bf_unit)
            s.flush()
            self.bf_person = Person(name="宝丰干部", phone="+8613900009999", unit_id=self.bf_unit.id, role="cadre",
                                    county_id=self.bf.id)
            s.add(self.bf_person)
            self.ls_case = _petition("LS-20261123-0901", self.ls_township, self.ls_unit, self.ls.id)
            self.bf_case = _petition("BF-20261123-0001", self.bf_township, self.bf_unit, self.bf.id)
            s.add_all([self.ls_case, self.bf_case])
            s.flush()
            s.add_all([PetitionEvent(petition_id=p.id, at=AT, kind="received", actor="citizen", county_id=p.county_id)
                       for p in (self.ls_case, self.bf_case)])
            s.commit()   # the savepoint: the test's transaction is rolled back after it
            s.expunge_all()


@pytest.fixture
def world(db_url):
    """The two counties' data on one connection, in a transaction rolled back after the test."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        conn.begin()
        w = World(conn)
        w.conn = conn
        yield w
        conn.rollback()
    engine.dispose()


@contextmanager
def session_of(world: World, county: County | None):
    with Session(bind=world.conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        scope.bind(s, county.id if county else None)
        yield s


def test_every_county_owned_row_of_the_file_belongs_to_the_county(db_url):
    engine = make_engine(db_url)
    with Session(engine) as s:
        county = s.scalars(select(County)).one()
        assert (county.kind, county.parent_id) == ("county", None)
        for model in (Township, Unit, Person):
            assert s.scalars(select(model.county_id).distinct()).all() == [county.id]
    engine.dispose()


def test_a_county_never_sees_another_countys_cases_people_or_units(world):
    with session_of(world, world.ls) as s:
        assert world.ls_case.id in s.scalars(select(Petition.id)).all()
        assert world.bf_case.id not in s.scalars(select(Petition.id)).all()
        assert [p.tracking_no for p in s.scalars(select(Petition))] == ["LS-20261123-0901"]
        assert s.get(Petition, world.bf_case.id) is None                       # by id: as if it did not exist
        assert s.get(Petition, world.ls_case.id).tracking_no == "LS-20261123-0901"
        assert s.get(Unit, world.bf_unit.id) is None and s.get(Person, world.bf_person.id) is None
        assert s.scalars(select(Township).where(Township.name == "杨庄镇")).all() == []
        assert world.bf_person.id not in s.scalars(select(Person.id)).all()
        assert s.scalar(select(func.count()).select_from(Petition)) == 1
        # joins: a county's case with another county's unit, through an alias too
        assert s.scalars(select(Petition.id).join(Unit, Petition.unit_id == Unit.id)
                         .where(Unit.code == "yangzhuang")).all() == []
        other = aliased(Unit)
        assert s.scalars(select(Petition.tracking_no).join(other, Petition.unit_id == other.id)).all() == \
            ["LS-20261123-0901"]
        assert s.scalars(select(PetitionEvent.petition_id)).all() == [world.ls_case.id]
        # a subquery of another model is scoped as well
        assert s.scalars(select(Person.id).where(Person.unit_id.in_(
            select(Unit.id).where(Unit.code == "yangzhuang")))).all() == []
    with session_of(world, world.bf) as s:
        [case] = s.scalars(select(Petition)).all()
        assert case.tracking_no == "BF-20261123-0001" and case.unit.name == "杨庄镇人民政府"
        assert [e.kind for e in case.events] == ["received"]
        assert s.get(Petition, world.ls_case.id) is None
        assert [p.name for p in s.scalars(select(Person))] == ["宝丰干部"]


def test_an_update_or_delete_in_a_county_touches_only_its_rows(world):
    from sqlalchemy import delete, update
    with session_of(world, world.ls) as s:
        assert s.execute(update(Petition).values(name="李四")).rowcount == 1
        assert s.execute(delete(PetitionEvent)).rowcount == 1
        s.commit()
    with session_of(world, None) as s:
        assert dict(s.execute(select(Petition.tracking_no, Petition.name).where(
            Petition.id.in_([world.ls_case.id, world.bf_case.id]))).all()) == \
            {"LS-20261123-0901": "李四", "BF-20261123-0001": "张三"}
        assert s.scalars(select(PetitionEvent.petition_id)).all() == [world.bf_case.id]


def test_an_unbound_session_and_a_statement_across_counties_see_both(world):
    both = {"LS-20261123-0901", "BF-20261123-0001"}
    with session_of(world, None) as s:
        assert both <= set(s.scalars(select(Petition.tracking_no)))
    with session_of(world, world.ls) as s:
        assert both <= set(s.scalars(select(Petition.tracking_no), execution_options={scope.ALL_COUNTIES: True}))


def test_new_rows_get_the_county_of_their_session(world):
    with session_of(world, world.bf) as s:
        p = _petition("BF-20261123-0002", world.bf_township)
        s.add(p)
        s.flush()
        s.add(PetitionEvent(petition_id=p.id, at=AT, kind="received", actor="citizen"))
        s.add(Township(name="前营乡"))
        s.commit()
        assert p.county_id == world.bf.id
    with session_of(world, None) as s:
        assert s.scalar(select(Petition.county_id).where(Petition.tracking_no == "BF-20261123-0002")) == world.bf.id
        assert s.scalar(select(Township.county_id).where(Township.name == "前营乡")) == world.bf.id
        assert set(s.scalars(select(PetitionEvent.county_id).where(PetitionEvent.petition_id == p.id))) == {world.bf.id}
    with session_of(world, world.ls) as s:
        assert s.scalars(select(Township).where(Township.name == "前营乡")).all() == []


def test_with_two_counties_a_row_must_say_its_county(world):
    """The column's default is the deployment's only county: with two, a row written without its
    county is refused, never given one; and a session left to the deployment is refused too."""
    with session_of(world, None) as s:
        s.add(_petition("LS-20261123-0902", world.ls_township))
        with pytest.raises(IntegrityError):
            s.flush()
    with pytest.raises(IntegrityError), world.conn.begin_nested():
        insert_new(world.conn, _petition("LS-20261123-0903", world.ls_township))
    with pytest.raises(IntegrityError), world.conn.begin_nested():
        world.conn.execute(OutboundMessage.__table__.insert(), OutboundMessage.queued_row(
            "sms", "+8613800000001", "您好", "case_accepted", AT))
    # the hot path's statements write the county they are given
    with world.conn.begin_nested():
        pid = insert_new(world.conn, _petition("BF-20261123-0003", world.bf_township, county_id=world.bf.id))
        assert world.conn.scalar(select(Petition.county_id).where(Petition.id == pid)) == world.bf.id
    with session_of(world, None) as s:
        s.info[scope.COUNTY] = scope.DEPLOYMENT
        with pytest.raises(scope.ScopeError):
            s.scalars(select(Petition)).all()


def test_a_deployment_of_one_county_gives_every_row_its_county(db_url):
    """One county (every deployment before the city): rows written as before, without a county
    said — the hot path's Core statements, a session of the product — are the county's, and the
    product's sessions read it as theirs."""
    from core.store.db import make_sessionmaker
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn, conn.begin() as outer:
            county_id = conn.scalar(select(County.id))
            township = Session(bind=conn).scalars(select(Township)).first()
            pid = insert_new(conn, _petition("LS-20261123-0904", township))
            conn.execute(InboundMessage.__table__.insert(), {
                "channel": "sms", "dedupe_key": "SM-tenancy", "sender": "+8613800000001", "msg_type": "text",
                "raw": "{}", "received_at": AT, "status": "done"})
            assert conn.scalar(select(Petition.county_id).where(Petition.id == pid)) == county_id
            assert conn.scalar(select(InboundMessage.county_id).where(InboundMessage.dedupe_key == "SM-tenancy")) == \
                county_id
            with make_sessionmaker(engine)(bind=conn, join_transaction_mode="create_savepoint") as s:
                assert s.get(Petition, pid).tracking_no == "LS-20261123-0904"
                assert scope.county_of(s) == county_id
            outer.rollback()
    finally:
        engine.dispose()


def test_every_county_owned_model_says_its_county():
    """Each county-owned table has county_id, NOT NULL, pointing at its county."""
    owned = [m for m in CountyOwned.__subclasses__()]
    assert len(owned) == 22
    for model in owned:
        column = model.__table__.c.county_id
        assert not column.nullable and [fk.column.table.name for fk in column.foreign_keys] == ["county"]


def test_the_migration_keeps_every_row_and_gives_it_the_county(db_url):
    """Migration 0034 on a county's database with its cases: down to 0033 (no county_id), a case
    written as 0033 knew it, up again: every row kept, each the county's; down again drops only
    the columns."""
    from alembic import command

    from core.store.db import alembic_config, migrate
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            before = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("township", "unit", "person")}
            county_id = conn.scalar(text("SELECT id FROM county"))
        command.downgrade(alembic_config(db_url), "0033")
        with engine.begin() as conn:
            assert "county_id" not in {c["name"] for c in _columns(conn, "petition")}
            township_id = conn.scalar(text("SELECT min(id) FROM township"))
            conn.execute(text(
                "INSERT INTO petition (tracking_no, channel, phone_verified, name, township_id, content, status,"
                " received_at, updated_at, extension_days, deadline_provisional, overdue, people, accusation,"
                " under_evenings, facts) VALUES ('LS-20261123-0905', 'sms', :f, '张三', :t, '停水', 'registered',"
                " :r, :r, 0, :f, :f, 1, :f, :f, 0)"),
                {"t": township_id, "r": AT, "f": False})
        migrate(db_url, "head")
        with engine.connect() as conn:
            assert {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in before} == before
            for table in ("township", "unit", "person", "petition"):
                assert conn.execute(text(f"SELECT DISTINCT county_id FROM {table}")).scalars().all() == [county_id]
            assert conn.execute(text("SELECT kind, parent_id FROM county")).one() == ("county", None)
            conn.execute(text("DELETE FROM petition WHERE tracking_no = 'LS-20261123-0905'"))
            conn.commit()
    finally:
        engine.dispose()


def _columns(conn, table: str):
    from sqlalchemy import inspect
    return inspect(conn).get_columns(table)


def test_the_hot_paths_statements_write_the_county_they_are_given(world):
    """A filed case's Core statements (core.cases.lifecycle.NewCase: the petition, then its events)
    and the outbox rows of a message and of a bound session carry their county, not a default."""
    from core.cases.lifecycle import NewCase
    with world.conn.begin_nested():
        new = NewCase(_petition("BF-20261123-0004", world.bf_township, world.bf_unit, world.bf.id))
        new.add(PetitionEvent(at=AT, kind="registered", actor="citizen"))
        new.add(PetitionEvent(at=AT, kind="assigned", actor="system"))
        pid = new.store(world.conn)
        assert set(world.conn.scalars(select(PetitionEvent.county_id).where(PetitionEvent.petition_id == pid))) == \
            {world.bf.id}
        one = OutboundMessage.enqueue(world.conn, "sms", "+8613800000001", "您好", "case_accepted", AT, pid,
                                      county_id=world.bf.id)
        with session_of(world, world.bf) as s:
            many = OutboundMessage.enqueue_many(s, [("+8613800000002", "您好", "daily_digest", None)], AT)
            s.commit()
        assert set(world.conn.scalars(select(OutboundMessage.county_id).where(OutboundMessage.id.in_([one, *many])))) \
            == {world.bf.id}


def test_a_townships_name_and_a_units_code_are_unique_in_their_county(world):
    """0035: two counties may both have a 下汤镇 and a unit coded "renshe"; one county not twice."""
    with session_of(world, world.bf) as s:
        s.add(Township(name="下汤镇"))
        s.add(Unit(code=world.ls_unit.code, name="宝丰县某单位", kind="department"))
        s.commit()
    with session_of(world, world.ls) as s:
        s.add(Township(name="下汤镇"))
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
        s.add(Unit(code=world.ls_unit.code, name="重复", kind="department"))
        with pytest.raises(IntegrityError):
            s.flush()
