"""Who is told: the one place that decides which people of the directory hear of a case.

Two readers, one rule. The functions read one case's people as a message is handled (a few
indexed statements); :class:`Directory` reads the whole directory once for a sweep or a digest
that writes to many. Both pick a unit's contacts with :func:`pick_contacts` and leave out
everyone the case accuses (recusal, 信访工作条例 Art. 30).
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.cases.lifecycle import barred, recused_people, recusals_of
from core.store import scope
from core.store.models import EveningPlan, Person, Petition

BUREAU_MILESTONES = ("assign", "review")   # deadlines the bureau itself must meet


def staff(s: Session, p: Petition | None = None) -> list[str]:
    """The bureau's staff: told of cases to assign, send-backs, extensions and complaints (not a
    staff member the petition accuses)."""
    barred = recused_people(s, p) if p is not None else set()
    return [phone for pid, phone in s.execute(select(Person.id, Person.phone).where(
        Person.role == "staff", Person.active.is_(True)).order_by(Person.id)) if pid not in barred]


def city_staff(s: Session, city_id: int) -> list[str]:
    """The city's bureau's staff (the city's people, read from a county's session): told of the
    answer to a case the city handed down."""
    return list(s.scalars(select(Person.phone).where(Person.county_id == city_id, Person.role == "staff",
                                                     Person.active.is_(True)).order_by(Person.id),
                          execution_options={scope.ALL_COUNTIES: True}))


def leaders(s: Session) -> list[str]:
    """The county's leaders (县领导): the daily 访情's readers, told at once of what cannot wait."""
    return list(s.scalars(select(Person.phone).where(Person.role == "leader", Person.active.is_(True))
                          .order_by(Person.id)))


def unit(s: Session, p: Petition | None, unit_id: int | None = None) -> list[str]:
    """Who in the case's unit (or ``unit_id``) gets it: the liaison cadres, else the head and
    cadres — never a person the petition accuses. ``p`` None: what concerns the unit itself, not
    a case (a 日排查 reminder)."""
    unit_id = unit_id or (p.unit_id if p is not None else None)
    if unit_id is None:
        return []
    rows = list(s.execute(_UNIT_MEMBERS, {"unit_id": unit_id}))
    phones = {pid: phone for pid, phone, _ in rows}
    barred = recused_people(s, p) if p is not None else set()
    return [phones[pid] for pid in pick_contacts([(pid, role) for pid, _, role in rows], barred)]


_UNIT_MEMBERS = select(Person.id, Person.phone, Person.role).where(
    Person.unit_id == bindparam("unit_id"), Person.active.is_(True)).order_by(Person.id)


def heads(s: Session, p: Petition | None, unit_id: int | None = None) -> list[str]:
    """The head(s) of the case's unit (or ``unit_id``) — never one the petition accuses (``p``
    None: no case, the unit's own matter)."""
    unit_id = unit_id if unit_id is not None else p.unit_id
    if unit_id is None:
        return []
    barred = recused_people(s, p) if p is not None and p.id is not None else set()
    return [phone for pid, phone in s.execute(select(Person.id, Person.phone).where(
        Person.unit_id == unit_id, Person.role == "head", Person.active.is_(True)).order_by(Person.id))
        if pid not in barred]


def pick_contacts(members: list[tuple[int, str]], barred) -> list[int]:
    """Of a unit's (person id, role): the liaison cadres, else the head and cadres; never the barred."""
    liaison = [pid for pid, role in members if role == "liaison" and pid not in barred]
    return liaison or [pid for pid, role in members if role in ("head", "cadre") and pid not in barred]

def members(s: Session, unit_id: int) -> list[Person]:
    """The active people of a unit."""
    return list(s.scalars(select(Person).where(Person.unit_id == unit_id, Person.active.is_(True))))


def plan_officials(s: Session, plan: EveningPlan) -> list[str]:
    """The bureau's staff and a 七晚 plan's 包案 leader (none the case accuses)."""
    phones = staff(s, plan.petition)
    lead = s.get(Person, plan.lead_person_id) if plan.lead_person_id else None
    if lead is not None and lead.active and not barred(s, plan.petition).bars(lead):
        phones.append(lead.phone)
    return phones


def lead(s: Session, p: Petition) -> str | None:
    """The phone of the case's 包案 leader, unless the case accuses them."""
    person = s.get(Person, p.lead_person_id) if p.lead_person_id else None
    if person is None or not person.active or barred(s, p).bars(person):
        return None
    return person.phone


def petitioner(p: Petition) -> tuple[str, str | None]:
    """(channel, address) of a message to the petitioner: the channel they used."""
    return ("wechat", p.openid) if p.channel == "wechat" else ("sms", p.phone)


def petitioner_check(p: Petition) -> tuple[str, str | None]:
    """(channel, address) of a check the petitioner must answer themselves (七晚): SMS to a number
    they have proven (or the only one there is), else WeChat — not whoever a number written down
    belongs to."""
    sms = p.phone and (p.phone_verified or not p.openid)
    return ("sms", p.phone) if sms else ("wechat", p.openid)


class Directory:
    """The people a sweep writes to, read once per sweep instead of once per case."""

    def __init__(self, s: Session):
        people = list(s.execute(select(Person.id, Person.phone, Person.role, Person.unit_id)
                                .where(Person.active.is_(True)).order_by(Person.id)))
        self.phone = {pid: phone for pid, phone, _, _ in people}
        self.staff = [pid for pid, _, role, _ in people if role == "staff"]
        self.heads: dict[int, list[int]] = defaultdict(list)
        members: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pid, _, role, unit_id in people:
            if unit_id is not None:
                members[unit_id].append((pid, role))
                if role == "head":
                    self.heads[unit_id].append(pid)
        self.members = members
        self.s = s
        self.barred: dict[int, set[int]] = {}

    def load_recusals(self, petition_ids: list[int]) -> None:
        """The people each petition accuses (a unit it accuses is never its unit)."""
        self.barred = {pid: b.people for pid, b in recusals_of(self.s, petition_ids).items()}

    def _allowed(self, p: Petition, ids: list[int]) -> list[int]:
        barred = self.barred.get(p.id, ())
        return [i for i in ids if i not in barred]

    def reminded(self, p: Petition, milestone: str) -> list[int]:
        if milestone in BUREAU_MILESTONES:
            return self._allowed(p, self.staff)
        return pick_contacts(self.members.get(p.unit_id, []), self.barred.get(p.id, ()))

    def heads_of(self, p: Petition, unit_id: int | None = None) -> list[int]:
        """The head(s) of the case's unit (or ``unit_id``) the case does not accuse."""
        unit_id = unit_id if unit_id is not None else p.unit_id
        return self._allowed(p, list(self.heads.get(unit_id, [])) if unit_id is not None else [])

    def alerted(self, p: Petition, plan=None) -> list[int]:
        """The unit head(s), the 包案 leader and the bureau's staff — none the case accuses. A 七晚
        plan (``plan``) names its own unit and leader."""
        ids = self.heads_of(p, plan.unit_id if plan is not None else None)
        lead = plan.lead_person_id if plan is not None else p.lead_person_id
        if lead is not None and lead in self.phone and lead not in ids:
            ids.append(lead)
        return self._allowed(p, ids + [i for i in self.staff if i not in ids])
