"""Whom a petition accuses, and whether it must be held for the bureau before it goes anywhere.

信访工作条例 Art. 30 (and 003 第十九条(三)): a petition is never handed to the person or the organ
it accuses, and nothing in it reaches them. People do not write 检举 in a legal register: they
write 举报, 实名举报, 投诉某某干部, 告某某, 反映某某书记吃拿卡要 … So a new petition is held for staff
to 核定 (never assigned at once) when

- it uses a word of reporting someone (举报, 检举, 揭发, 控告, 告发);
- it names a person of the directory (by full name) — when in doubt, hold;
- it complains of an official by title (投诉/告/反映 … 书记、镇长、干部 …); or
- it names wrongdoing (吃拿卡要, 贪污, 不作为 …) together with an official's title or a unit.

Held, it is recused from every unit and person it names as wrongdoer: a unit named by its full
name (a department also without the leading 县: "水利局"; a township as "下汤镇人民政府" or
"下汤镇政府", never by the place name alone, which says where the matter is), every named person,
and the unit of a named head. Whether the unit of another named person may handle it is the
staff's decision (被反映 marks more).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.directory.places import unit_short_name
from core.store.models import Person, Petition, Recusal, Unit

REPORTING = ("举报", "检举", "揭发", "控告", "告发")
TITLES = ("书记", "镇长", "乡长", "县长", "局长", "副局长", "主任", "所长", "站长", "队长", "村长", "支书", "会计",
          "组长", "干部", "领导", "工作人员", "公务员", "民警", "警察", "城管")
WRONGDOING = ("吃拿卡要", "贪污", "受贿", "索贿", "行贿", "腐败", "挪用", "克扣", "截留", "侵占", "私分", "违纪",
              "以权谋私", "优亲厚友", "不作为", "乱作为", "打人", "骂人", "殴打", "刁难", "敲诈", "勒索", "包庇",
              "报复", "打击报复", "威胁", "推诿", "吃回扣", "收红包", "收钱", "好处费")
_TITLE = "|".join(sorted(TITLES, key=len, reverse=True))
COMPLAINT = re.compile(rf"(投诉|状告|告|反映)[^，,。；;！!？?\n]{{0,14}}?({_TITLE})")
OFFICIAL = re.compile(_TITLE)


@dataclass
class Named:
    """Units and people of the directory a text names (rows: id, name …)."""

    units: list = field(default_factory=list)     # (id, name)
    people: list = field(default_factory=list)    # (id, name, role, unit_id)

    def recused_units(self) -> list[int]:
        """The units a held petition is recused from: those it names, and those of named heads."""
        ids = [u.id for u in self.units]
        ids += [x.unit_id for x in self.people if x.role == "head" and x.unit_id is not None]
        return list(dict.fromkeys(ids))

    def names(self) -> list[str]:
        return [u.name for u in self.units] + [x.name for x in self.people]


@dataclass(frozen=True)
class DirectoryNames:
    """The directory's units and people as rows, read once with the county's places and kept in
    memory like them (notifications.services: re-read every minute), so a new petition is checked
    without a query."""

    units: tuple
    people: tuple

    @classmethod
    def load(cls, db: Session | Connection) -> DirectoryNames:
        return cls(tuple(db.execute(_UNITS)), tuple(db.execute(_PEOPLE)))


def named_in(db: Session | Connection, text: str, directory: DirectoryNames | None = None) -> Named:
    """The active units (not the bureau) and people of the directory ``text`` names — from
    ``directory`` when given, else two small statements (no ORM session either way)."""
    directory = directory or DirectoryNames.load(db)
    units = []
    for u in directory.units:
        names = {u.name}
        if u.kind == "department":
            names.add(unit_short_name(u.name))
        if u.name.endswith("人民政府"):
            names.add(u.name[:-4] + "政府")
        if any(n in text for n in names):
            units.append(u)
    people = [x for x in directory.people if len(x.name) >= 2 and x.name in text]
    return Named(units, people)


def held(text: str, named: Named) -> bool:
    """Whether a new petition must wait for staff to 核定 whom it accuses (see the module)."""
    if any(w in text for w in REPORTING) or named.people:
        return True
    if COMPLAINT.search(text):
        return True
    return any(w in text for w in WRONGDOING) and (bool(named.units) or OFFICIAL.search(text) is not None)


_UNITS = select(Unit.id, Unit.name, Unit.kind).where(Unit.active.is_(True), Unit.kind != "bureau").order_by(Unit.id)
_PEOPLE = select(Person.id, Person.name, Person.role, Person.unit_id).where(Person.active.is_(True)).order_by(Person.id)


def not_recused(person: Person):
    """A filter on Petition for lists, digests and counts shown to ``person``: leaves out every
    petition that accuses them or their unit (here, below core.cases.lifecycle and the read models, so that
    each of them can use it)."""
    cond = Recusal.person_id == person.id
    if person.unit_id is not None:
        cond = or_(cond, Recusal.unit_id == person.unit_id)
    return ~exists().where(Recusal.petition_id == Petition.id, cond)
