"""Every deadline against an independent computation from the 信访工作条例 and the Civil Code,
across 2024–2028 (issue 19: the published years, their 调休 make-up days, and the years the
State Council has not published yet), with hypothesis.

The reference here is written from the texts, not from core: the periods (条例 Art. 22: 交办 within
15 days; Art. 23: 受理 within 15 days; Art. 34: 办结 within 60 days, extended by at most 30), the
Civil Code's counting (Art. 201: a period starts the day after; Art. 203: a last day that is a
holiday moves to the day after the holiday ends), the published calendar for the years it covers,
and for later years the days the 全国年节及纪念日放假办法 itself fixes — written out below from the
lunar calendar (春节 from 除夕, 清明, 端午, 中秋), not computed by the library core uses."""
from datetime import date, datetime, time, timedelta

import chinese_calendar
from hypothesis import given, settings, strategies as st

from core.cases.lifecycle import REVIEW_DAYS
from core.clock import SHANGHAI
from core.timelines import CaseFacts, Policy, return_allowed_until
from core.workdays import WorkCalendar

# the law's own days off for the years not yet published (the 调休 bridging days are not the law's)
LAW_HOLIDAYS = {
    2027: {date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),   # 除夕–初三
           date(2027, 4, 5), date(2027, 5, 1), date(2027, 5, 2), date(2027, 6, 9), date(2027, 9, 15),
           date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)},
    2028: {date(2028, 1, 1), date(2028, 1, 25), date(2028, 1, 26), date(2028, 1, 27), date(2028, 1, 28),
           date(2028, 4, 4), date(2028, 5, 1), date(2028, 5, 2), date(2028, 5, 28), date(2028, 10, 1),
           date(2028, 10, 2), date(2028, 10, 3)},                                        # 中秋 is 10-03 too
}
PUBLISHED = range(2024, 2027)
CAL = WorkCalendar()


def off(d: date) -> bool:
    if d.year in PUBLISHED or d.year < 2024:
        return not chinese_calendar.is_workday(d)
    return d.weekday() >= 5 or d in LAW_HOLIDAYS[d.year]


def walk(d: date) -> tuple[date, bool]:
    """Art. 203: the first working day on or after ``d``; and whether any day looked at is in a
    year not yet published (the answer is then provisional)."""
    provisional = d.year not in PUBLISHED
    while off(d):
        d += timedelta(days=1)
        provisional |= d.year not in PUBLISHED
    return d, provisional


def period(start: date, days: int) -> tuple[date, bool]:
    return walk(start + timedelta(days=days))   # Art. 201: counted from the day after


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 8, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI))


@st.composite
def cases(draw):
    received = draw(moments)
    assigned = received + timedelta(hours=draw(st.integers(0, 24 * 14))) if draw(st.booleans()) else None
    accepted = assigned + timedelta(hours=draw(st.integers(0, 24 * 14))) if assigned and draw(st.booleans()) else None
    return CaseFacts(received, assigned, accepted, None, draw(st.integers(0, 45)))


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_statutory_policy_is_the_law(f):
    d = Policy("statutory").deadlines(f, CAL)
    received = f.received_at.date()
    assign, p1 = period(received, 15)                                           # Art. 22
    accept, p2 = period((f.assigned_at or f.received_at).date(), 15)            # Art. 23
    accepted = f.accepted_at.date() if f.accepted_at else accept
    finish, p3 = period(accepted, 60 + min(f.extension_days, 30))               # Art. 34
    cutoff = time(17, 30)
    receipt, p0 = walk(received if f.received_at.timetz().replace(tzinfo=None) < cutoff else received + timedelta(days=1))
    assert (d.assign.date(), d.accept.date(), d.finish.date(), d.reply.date()) == (assign, accept, finish, finish)
    assert d.receipt_day == receipt
    assert d.provisional == (p0 or p1 or p2 or p3), (f, d)


@settings(max_examples=400, deadline=None)
@given(cases(), st.sampled_from(["same_day", "3-7-21"]))
def test_the_county_s_policies_stay_within_the_law(f, name):
    d = Policy(name).deadlines(f, CAL)
    received = f.received_at.date()
    law = Policy("statutory").deadlines(f, CAL)
    for due in (d.assign, d.accept, d.meet, d.reply, d.finish):
        if due is None:
            continue
        assert not off(due.date()), due                       # never due on a day off, 调休 included
        assert due.date() >= received
        if due.year not in PUBLISHED:                         # a year not published yet says so
            assert d.provisional
    assert d.assign <= law.assign and d.accept <= law.accept and d.finish <= law.finish
    assert d.reply <= d.finish


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 11, 15)))
def test_the_return_window_is_five_working_days(day):
    last = return_allowed_until(datetime.combine(day, time(10), SHANGHAI), CAL)
    counted, d = 0, day
    while counted < 5:
        d += timedelta(days=1)
        counted += not off(d)
    assert last.date == d


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 11, 15)))
def test_a_review_may_be_asked_for_thirty_days(day):
    """条例 Art. 35: 复查 within 30 days of the reply; a holiday end moves on (Art. 203)."""
    got = CAL.add_days(day, REVIEW_DAYS)
    want, provisional = period(day, 30)
    assert got.date == want and got.provisional == provisional


def test_make_up_working_weekends_count_and_the_law_s_holidays_do_not():
    # 调休: Saturday 2026-02-28 was a working day — a period ending on it ends there
    assert CAL.add_days(date(2026, 2, 13), 15).date == date(2026, 2, 28)
    # Sunday 2024-02-04 the same
    assert CAL.add_days(date(2024, 1, 20), 15).date == date(2024, 2, 4)
    # 2027 is not published: 春节 (除夕 02-05 – 初三 02-08) is the law's, so a period ending on
    # 除夕 moves to Tuesday 02-09 — never earlier than the law allows
    day = CAL.add_days(date(2027, 1, 21), 15)
    assert (day.date, day.provisional) == (date(2027, 2, 9), True)
    # 2028's 中秋 falls on 国庆: 10-01 – 10-03 off, Wednesday 10-04 the first working day
    assert CAL.add_days(date(2028, 9, 16), 15).date == date(2028, 10, 4)
