"""督办 by the city (issue 31, 3; core.cases.supervision): 平顶山市信访局's clerk marks a 宝丰 case
挂牌督办 — 宝丰's bureau and the unit head are told, nobody of 鲁山, never a person the case
accuses; the county's own staff cannot (they 催办), the city cannot handle a county's case in its
place; a 督办 missed is told to 宝丰's leaders, scored against the unit and counted against 宝丰
in the city's ranking; one answered in time is met."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import actions
from core.acts import PHONES, STAFF, Act
from core.cases import audience
from core.cases.lifecycle import CaseError
from core.cases.supervision import supervisions_of, sweep_supervisions
from core.clock import SHANGHAI
from core.reports.ranking import rank_counties
from core.rules import Rules
from core.store import scope
from core.store.models import County, OutboundMessage, Person, Petition, PetitionEvent, Recusal, ScoreEvent, Unit
from core.words import refusals
from tests.test_tenancy import World, session_of, world  # noqa: F401  (the two counties' fixture)

MARKED = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)      # a Tuesday
REASON = "群众反映三次未见面，请县信访局督促承办单位当面答复"


@pytest.fixture
def city(world):
    """The city's bureau and its clerk 孟晓燕; 宝丰's staff, head and leader; the 宝丰 case accepted."""
    w = world
    with Session(bind=w.conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        bureau = Unit(code="sxfj", name="平顶山市信访局", kind="bureau", county_id=w.ls.parent_id)
        s.add(bureau)
        s.flush()
        w.clerk = Person(name="孟晓燕", phone="+8613730000001", role="staff", unit_id=bureau.id, county_id=w.ls.parent_id)
        w.bf_staff = Person(name="宝丰登记员", phone="+8613790000001", role="staff", county_id=w.bf.id)
        w.bf_head = Person(name="杨庄镇长", phone="+8613790000002", role="head", unit_id=w.bf_unit.id, county_id=w.bf.id)
        w.bf_leader = Person(name="宝丰县长", phone="+8613790000003", role="leader", county_id=w.bf.id)
        s.add_all([w.clerk, w.bf_staff, w.bf_head, w.bf_leader])
        for case in (w.bf_case, w.ls_case):
            p = s.get(Petition, case.id)
            p.status, p.assigned_at, p.accepted_at = "accepted", case.received_at, case.received_at
        s.commit()
    return w


def _act(s: Session, person: Person, county: County, now: datetime = MARKED) -> Act:
    """The person acting (the city's clerk is the city's: read across counties), then the session
    bound to the case's county: its rules, its rows."""
    actor = s.get(Person, person.id, execution_options={scope.ALL_COUNTIES: True})
    scope.bind(s, county.id)
    return Act(s, Rules.for_county(s.get(County, county.id)), now, f"staff:{person.id}", person=actor)


def test_the_city_marks_a_county_case_and_the_county_is_told(city):
    w = city
    with session_of(w, None) as s:
        act = _act(s, w.clerk, w.bf)
        bf_case = s.get(Petition, w.bf_case.id)
        assert [a.name for a in actions.offered(s, act.person, bf_case)] == ["supervise"]   # read, 督办, nothing else
        done = actions.perform(act, "BF-20261123-0001", "supervise", actions.Supervise(5, REASON))
        # five working days from Tuesday the 24th: the end of Tuesday 1 December
        assert done.said == "已对BF-20261123-0001挂牌督办，期限12月1日；县信访局和承办单位负责人已收到督办通知。"
        [sup] = supervisions_of(s, bf_case)
        assert (sup.reason, sup.by_name, sup.county_id, sup.due_at) == \
            (REASON, "平顶山市", w.bf.id, datetime(2026, 12, 1, 23, 59, 59, tzinfo=SHANGHAI))
        [staff, heads] = done.tells
        assert (staff.to, staff.what, heads.to, heads.phones) == (STAFF, "case_supervised", PHONES, ("+8613790000002",))
        # the bureau told is 宝丰's (the session is 宝丰's): never 鲁山's staff nor the city's clerk
        assert audience.staff(s, bf_case) == ["+8613790000001"]
        assert s.scalars(select(PetitionEvent.text).where(PetitionEvent.petition_id == bf_case.id,
                                                          PetitionEvent.kind == "supervised")).all() == \
            [f"平顶山市信访局挂牌督办，期限12月1日：{REASON}"]
        s.commit()

        # again, while it stands: refused, nothing written
        with pytest.raises(CaseError) as again:
            actions.perform(_act(s, w.clerk, w.bf), "BF-20261123-0001", "supervise", actions.Supervise(3, "再督办"))
        assert refusals.say(again.value) == "BF-20261123-0001已在督办中（期限12月1日），请勿重复督办。"
        # the city cannot handle the county's case in its place
        with pytest.raises(CaseError) as urge:
            actions.perform(_act(s, w.clerk, w.bf), "BF-20261123-0001", "urge", actions.Text("快办"))
        assert urge.value.code == "not_yours"


def test_a_county_cannot_supervise_and_bad_input_changes_nothing(city):
    w = city
    with session_of(w, None) as s:
        ls_staff = s.scalars(select(Person).where(Person.county_id == w.ls.id, Person.role == "staff")).first()
        act = _act(s, ls_staff, w.ls)
        ls_case = s.get(Petition, w.ls_case.id)
        assert "supervise" not in [a.name for a in actions.offered(s, act.person, ls_case)]
        assert "urge" in [a.name for a in actions.offered(s, act.person, ls_case)]
        with pytest.raises(CaseError) as own:
            actions.perform(act, "LS-20261123-0901", "supervise", actions.Supervise(5, REASON))
        assert refusals.say(own.value) == "挂牌督办由市信访局对县里的事项作出；县信访局请用“催办”。"
        for days, text, said in ((0, REASON, "督办期限请填1至30个工作日。"), (31, REASON, "督办期限请填1至30个工作日。"),
                                 (5, "  ", "请写明督办理由。")):
            with pytest.raises(CaseError) as bad:
                actions.Supervise(days, text)
            assert refusals.say(bad.value) == said
        # 鲁山's staff cannot even find 宝丰's case (as if it did not exist)
        with pytest.raises(CaseError) as hidden:
            actions.perform(act, "BF-20261123-0001", "urge", actions.Text(""))
        assert hidden.value.code == "not_found"
        scope.bind(s, None)
        assert s.scalars(select(PetitionEvent).where(PetitionEvent.kind == "supervised")).all() == []


def test_a_missed_supervision_is_told_to_the_countys_leaders_scored_and_ranked(city):
    w = city
    with session_of(w, None) as s:
        actions.perform(_act(s, w.clerk, w.bf), "BF-20261123-0001", "supervise", actions.Supervise(5, REASON))
        s.commit()
    with session_of(w, w.bf) as s:
        bf = s.get(County, w.bf.id)
        before = sweep_supervisions(s, datetime(2026, 12, 1, 23, 0, tzinfo=SHANGHAI), Rules.for_county(bf))
        assert (before.met, before.missed, before.messages) == (0, 0, [])
        after = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
        report = sweep_supervisions(s, after, Rules.for_county(bf))
        assert (report.met, report.missed, len(report.messages)) == (0, 1, 3)
        sent = s.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(report.messages))
                         .order_by(OutboundMessage.id)).all()
        assert [m.to for m in sent] == ["+8613790000003", "+8613790000001", "+8613790000002"]   # leader, bureau, head
        assert {m.county_id for m in sent} == {w.bf.id}
        assert sent[0].body == ("【督办逾期】平顶山市信访局督办的事项BF-20261123-0001（杨庄镇人民政府）已过督办期限12月1日"
                                "仍未答复，已记入月考评，请即督促办理。")
        assert sent[0].params == {"t": "supervision_missed", "v": ["平顶山市", "BF-20261123-0001", "12月1日"]}
        [score] = s.scalars(select(ScoreEvent).where(ScoreEvent.kind == "supervision_missed")).all()
        assert (score.unit_id, score.points, score.note) == (w.bf_unit.id, -5, "BF-20261123-0001平顶山市督办逾期")
        # settled once: the next sweep finds nothing
        assert sweep_supervisions(s, after, Rules.for_county(bf)).missed == 0
        s.commit()
    with session_of(w, None) as s:
        ranks = {c.county: c for c in rank_counties(s, w.ls.parent_id, 2026, 12, after)}
    assert (ranks["宝丰县"].supervisions_missed, ranks["宝丰县"].lost, ranks["宝丰县"].score) == (1, {"督办逾期": 3}, 97)
    assert ranks["鲁山县"].lost == {}


def test_a_supervision_answered_in_time_is_met_and_an_accused_head_is_never_told(city):
    w = city
    with session_of(w, None) as s:
        scope.bind(s, w.bf.id)
        s.add(Recusal(petition_id=w.bf_case.id, person_id=w.bf_head.id, at=MARKED, actor="staff"))
        s.get(Petition, w.bf_case.id).accusation = True     # as 被反映 marks it (core.cases.lifecycle.recuse)
        s.flush()
        done = actions.perform(_act(s, w.clerk, w.bf), "BF-20261123-0001", "supervise", actions.Supervise(5, REASON))
        assert [t.to for t in done.tells] == [STAFF]        # the head the case accuses hears nothing of it
        p = s.get(Petition, w.bf_case.id)
        p.status, p.replied_at, p.reply_text = "replied", datetime(2026, 11, 30, 16, 0, tzinfo=SHANGHAI), "已解决"
        s.flush()
        report = sweep_supervisions(s, datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI), Rules.for_county(s.get(County, w.bf.id)))
        assert (report.met, report.missed, report.messages) == (1, 0, [])
        [sup] = supervisions_of(s, p)
        assert (sup.met_at, sup.missed_at) == (datetime(2026, 11, 30, 16, 0, tzinfo=SHANGHAI), None)
        assert s.scalars(select(ScoreEvent)).all() == []
