"""Figures up (issue 31, 4): 平顶山市 over 鲁山县 and 宝丰县 in one database. The city's 每日访情
puts each county's own day side by side (core.reports.city); each month the city ranks its
counties (core.reports.ranking), each county's month read in a session bound to it and scored
from the same measures its own 统计 shows — each told to the city's leaders in one text."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from sqlalchemy import select

from core.clock import SHANGHAI
from core.reports.city import gather_city
from core.reports.digest import gather_all
from core.reports.measures import measure
from core.reports.ranking import RankingRules, rank_counties
from core.reports.scores import month_bounds
from core.store import scope
from core.store.models import Escalation, Petition, PetitionEvent
from core.words.templates import template_of
from notifications.digest_text import city_text, county_text
from notifications.report_text import county_ranking_table, county_ranking_text
from tests.test_tenancy import World, session_of, world  # noqa: F401  (the two counties' fixture)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


def _closed(no: str, township, unit, county, day: int, accepted_late: bool = False, rating: str = "satisfied",
            repeat_of: Petition | None = None) -> Petition:
    """A November case received at 09:00, accepted (a day late, or on time), answered and closed."""
    received = datetime(2026, 11, day, 9, 0, tzinfo=SHANGHAI)
    due_accept = received + timedelta(days=3)
    return Petition(tracking_no=no, channel="wechat", phone="+8613800000002", name="李秀英", township_id=township.id,
                    content="低保的事", received_at=received, updated_at=received, unit_id=unit.id,
                    county_id=county.id, status="closed", assigned_at=received, due_accept=due_accept,
                    accepted_at=due_accept + (timedelta(days=1) if accepted_late else -timedelta(days=1)),
                    due_reply=received + timedelta(days=30), replied_at=received + timedelta(days=10),
                    closed_at=received + timedelta(days=12), rating=rating,
                    repeat_of_id=repeat_of.id if repeat_of is not None else None)


def _trip(county, level: str, day: date, people: int) -> Escalation:
    return Escalation(level=level, occurred_on=day, people=people, matter="征地补偿", county_id=county.id,
                      registered_at=datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=18),
                      actor="staff")


@pytest.fixture
def november(world):
    """鲁山: four cases closed (one accepted late, one answered 不满意) and a 进京 trip of three;
    宝丰: two closed on time, the second a repeat of the first. Around them what must not count:
    宝丰's October case and December trip."""
    with Session(bind=world.conn, join_transaction_mode="create_savepoint") as s:
        ls = [_closed(f"LS-202611{d:02d}-0001", world.ls_township, world.ls_unit, world.ls, d, accepted_late=d == 2,
                      rating="unsatisfied" if d == 4 else "basic" if d == 3 else "satisfied") for d in (2, 3, 4, 5)]
        first = _closed("BF-20261106-0001", world.bf_township, world.bf_unit, world.bf, 6)
        s.add_all([*ls, first])
        s.flush()
        s.add(_closed("BF-20261120-0001", world.bf_township, world.bf_unit, world.bf, 20, repeat_of=first))
        october = _closed("BF-20261020-0001", world.bf_township, world.bf_unit, world.bf, 1, accepted_late=True)
        october.received_at = datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)
        s.add(october)
        s.add_all([_trip(world.ls, "beijing", date(2026, 11, 10), 3), _trip(world.bf, "province", date(2026, 12, 1), 2)])
        s.commit()
    return world


def test_the_city_ranks_its_counties_from_their_own_measures(november):
    w = november
    with session_of(w, w.ls) as s:
        city = w.ls.parent_id
        bs, ls = rank_counties(s, city, 2026, 11, NOW)
        assert scope.county_of(s) == w.ls.id          # the session is the county's again after
        # each county's figures are those its own 统计 shows for November
        start, end = month_bounds(2026, 11)
        own = measure(s, start, end, NOW).county
        assert (ls.county, ls.tally.petitions, ls.tally.accept_on_time, ls.tally.accept_due) == \
            ("鲁山县", own.petitions, own.accept_on_time, own.accept_due) == ("鲁山县", 5, 3, 4)
    # 鲁山: 按期受理 3/4 (−7.5), 满意 3/4 (基本满意 counts, −10), a 进京 批次 (−10)
    assert ls.rates == {"按期受理率": 0.75, "按期答复率": 1.0, "满意率": 0.75, "重复访率": 0.0}
    assert ls.beyond == {"beijing": (1, 3)}
    assert (ls.score, ls.lost) == (72.5, {"按期受理率": 7.5, "满意率": 10.0, "越级访": 10})
    # 宝丰: its open case of the 23rd and two closed, one a repeat (1/3 × 20); October and December not counted
    assert (bs.county, bs.tally.petitions, bs.beyond, bs.score, bs.lost) == \
        ("宝丰县", 3, {}, 93.3, {"重复访率": 6.7})
    assert [(c.rank, c.first, c.last, c.warned) for c in (bs, ls)] == [(1, True, False, False), (2, False, True, True)]

    said = county_ranking_text([bs, ls], 2026, 11, RankingRules())
    assert said == "【县区排名】2026年11月：第一名宝丰县（93.3分）；末位鲁山县（72.5分）；80分以下：鲁山县（72.5分），予以通报。"
    assert (said.key, said.values) == ("county_ranking", ("2026", "11", "1", "80"))
    assert template_of("county_ranking").render(list(said.values)) == \
        "县区排名：2026年11月各县信访工作排名已出，1个县低于80分。排名和各县得分请在工作台查看。"
    table = county_ranking_table([bs, ls], 2026, 11, RankingRules()).splitlines()
    assert table[2:] == ["1 | 宝丰县 | 93.3 | 3 | 100% | 100% | 100% | 33.3% | 0 | 重复访率扣6.7分",
                         "2 | 鲁山县 | 72.5 | 5 | 75% | 100% | 75% | 0% | 1 | 按期受理率扣7.5分、满意率扣10分、越级访扣10分"]


def test_the_citys_file_weighs_the_measures_and_draws_the_line(november):
    w = november
    rules = RankingRules.from_raw({"satisfied": 20, "escalation_beijing": -2, "warn_below": 90})
    with session_of(w, None) as s:
        bs, ls = rank_counties(s, w.ls.parent_id, 2026, 11, NOW, rules)
        assert scope.county_of(s) is None
    assert (ls.score, ls.lost) == (85.5, {"按期受理率": 7.5, "满意率": 5.0, "越级访": 2})
    assert [c.warned for c in (bs, ls)] == [False, True]
    assert county_ranking_text([bs, ls], 2026, 11, rules).endswith("90分以下：鲁山县（85.5分），予以通报。")
    for bad, why in (({"satisfy": 40}, "not a setting"), ({"repeat": "20"}, "a number"),
                     ({"escalation_city": 2}, "costs points"), ({"satisfied": -1}, "0 or more")):
        with pytest.raises(ValueError, match=why):
            RankingRules.from_raw(bad)


def test_a_month_with_nothing_names_no_first_and_equal_scores_share_a_rank(world):
    with session_of(world, world.ls) as s:
        ranks = rank_counties(s, world.ls.parent_id, 2026, 9, NOW)
        assert s.scalars(select(Petition.county_id).distinct()).all() == [world.ls.id]
    assert [(c.county, c.score, c.rank, c.first, c.last, c.warned) for c in ranks] == \
        [("鲁山县", 100, 1, False, False, False), ("宝丰县", 100, 1, False, False, False)]
    assert county_ranking_text(ranks, 2026, 9, RankingRules()) == \
        "【县区排名】2026年9月：本月各县均无信访事项，不排名次；80分以下：无。"


def test_the_citys_day_is_its_counties_days_side_by_side(world):
    """23 November: each county's case of the day (tests.test_tenancy.World); 宝丰 also a group of
    six and an old case flagged overdue, a 进京 trip; 鲁山 a trip to the city of two and a threat
    to drink pesticide on its case. The city's leaders read the sums and where they came from,
    and never a case's number."""
    w, day = world, date(2026, 11, 23)
    at = datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI)
    with Session(bind=w.conn, join_transaction_mode="create_savepoint") as s:
        group = _closed("BF-20261123-0002", w.bf_township, w.bf_unit, w.bf, 23)
        group.people, group.status, group.closed_at, group.rating = 6, "accepted", None, None
        old = _closed("BF-20261101-0001", w.bf_township, w.bf_unit, w.bf, 1)
        old.status, old.closed_at, old.rating, old.overdue = "accepted", None, None, True
        threatened = s.get(Petition, w.ls_case.id)
        threatened.threat, threatened.threat_at = "self_harm", at
        s.add_all([group, old, _trip(w.ls, "city", day, 2), _trip(w.bf, "beijing", day, 1),
                   PetitionEvent(petition_id=threatened.id, at=at, kind="warning", actor="citizen", county_id=w.ls.id)])
        s.commit()
    now = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI)
    with session_of(w, w.bf) as s:
        city = gather_city(s, w.ls.parent_id, day, now)
        assert scope.county_of(s) == w.bf.id
        bf_own = gather_all(s, day, now).view()
    with session_of(w, w.ls) as s:
        ls_own = gather_all(s, day, now).view()
    assert [name for name, _ in city.counties] == ["鲁山县", "宝丰县"]
    # each county's figures are its own 每日访情's
    assert [(d.batches, d.people, d.beyond, len(d.overdue), d.warnings) for _, d in city.counties] == \
        [(ls_own.batches, ls_own.people, ls_own.beyond, len(ls_own.overdue), ls_own.warnings),
         (bf_own.batches, bf_own.people, bf_own.beyond, len(bf_own.overdue), bf_own.warnings)] == \
        [(1, 1, {"city": (1, 2)}, 0, [("LS-20261123-0901", "self_harm")]), (2, 7, {"beijing": (1, 1)}, 1, [])]
    said = city_text(city, "平顶山市")
    assert said == ("【每日访情】11月23日（周一）平顶山市：扬言预警1件（鲁山1）；各县到县访3批8人次（宝丰2、鲁山1）；"
                    "到市访1批2人（鲁山1）；进京访1批1人（宝丰1）；集体访1批（宝丰1）；挂牌督办1件（宝丰1）。")
    assert "LS-" not in said and "BF-" not in said
    assert said.params == {"t": "city_digest", "v": ["11月23日（周一）", "3", "8", "2", "1", "1"]}
    assert template_of("city_digest").render(said.values) == \
        "每日访情（11月23日（周一））：各县到县访3批8人次，越级访2批，挂牌督办1件，扬言预警1件。各县情况请在工作台查看。"
    # 鲁山's own leaders read their case's number, as before
    assert "LS-20261123-0901 扬言轻生" in county_text(ls_own, "鲁山县")


def test_a_quiet_day_in_the_city_says_so(world):
    with session_of(world, None) as s:
        city = gather_city(s, world.ls.parent_id, date(2026, 11, 24), datetime(2026, 11, 24, 17, 30, tzinfo=SHANGHAI))
    assert city_text(city, "平顶山市") == "【每日访情】11月24日（周二）平顶山市：各县到县访0批0人次；无越级访；无挂牌督办。"
