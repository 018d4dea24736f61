"""Working days and deadline rules: examples from the calendar, and properties (hypothesis)."""
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings, strategies as st

from core.clock import SHANGHAI
from core.timelines import (MILESTONES, POLICIES, STATUTORY_MAX_EXTENSION, CaseFacts, Policy,
                            return_allowed_until)
from core.workdays import WorkCalendar

CAL = WorkCalendar()


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_national_day_week_and_make_up_days():
    # 2026: 1–7 October off; the published calendar knows it
    assert not CAL.is_workday(date(2026, 10, 1))
    assert CAL.add_workdays(date(2026, 9, 30), 1).date == date(2026, 10, 8)
    # a calendar-day period ending inside the holiday ends on the next working day
    assert CAL.add_days(date(2026, 9, 25), 6).date == date(2026, 10, 8)


def test_an_unpublished_year_falls_back_to_the_county_list_then_weekdays_and_says_so():
    plain = CAL.next_workday(date(2027, 1, 1))
    assert plain.provisional and plain.date == date(2027, 1, 4)          # 元旦, the law's own, then the weekend
    assert CAL.next_workday(date(2027, 1, 8)).date == date(2027, 1, 8)  # another Friday: assumed working
    county = WorkCalendar.from_options({"calendar": {"holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}})
    day = county.next_workday(date(2027, 1, 1))
    assert day.provisional and day.date == date(2027, 1, 2)               # the make-up Saturday
    assert not CAL.next_workday(date(2026, 12, 1)).provisional


def test_friday_evening_petition_is_due_on_monday():
    d = Policy().deadlines(CaseFacts(received_at=at(2026, 11, 27, 18, 10)), CAL)
    assert d.receipt_day == date(2026, 11, 30)
    assert d.assign.date() == d.accept.date() == d.meet.date() == date(2026, 11, 30)
    assert d.finish.date() == date(2026, 12, 7)
    assert not d.provisional


def test_before_the_cutoff_it_is_the_same_day():
    d = Policy().deadlines(CaseFacts(received_at=at(2026, 11, 27, 17, 29)), CAL)
    assert d.receipt_day == date(2026, 11, 27) and d.meet.date() == date(2026, 11, 27)
    later = Policy(cutoff=time(17, 0)).deadlines(CaseFacts(received_at=at(2026, 11, 27, 17, 29)), CAL)
    assert later.receipt_day == date(2026, 11, 30)


def test_complexity_set_on_acceptance():
    accepted = at(2026, 11, 23, 11)
    simple = Policy().deadlines(CaseFacts(at(2026, 11, 23), at(2026, 11, 23), accepted, "simple"), CAL)
    complex_ = Policy().deadlines(CaseFacts(at(2026, 11, 23), at(2026, 11, 23), accepted, "complex"), CAL)
    assert simple.finish.date() == date(2026, 11, 23)
    assert complex_.finish.date() == date(2026, 12, 23)


def test_a_deadline_in_2027_is_provisional():
    d = Policy("statutory").deadlines(CaseFacts(received_at=at(2026, 11, 23)), CAL)
    assert d.finish.year == 2027 and d.provisional


def test_xingguo_3_7_21():
    d = Policy("3-7-21").deadlines(CaseFacts(received_at=at(2026, 11, 23)), CAL)
    assert (d.meet.date(), d.reply.date(), d.finish.date()) == (date(2026, 11, 26), date(2026, 11, 30),
                                                                  date(2026, 12, 14))


def test_return_window_is_five_working_days():
    # assigned on a Friday: Mon..Fri of the next week
    assert return_allowed_until(at(2026, 11, 27), CAL).date == date(2026, 12, 4)


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 6, 30)).map(
    lambda d: d.replace(tzinfo=SHANGHAI))


@st.composite
def facts(draw):
    received = draw(moments)
    assigned = received + timedelta(hours=draw(st.integers(0, 24 * 20))) if draw(st.booleans()) else None
    accepted = None
    if assigned is not None and draw(st.booleans()):
        accepted = assigned + timedelta(hours=draw(st.integers(0, 24 * 10)))
    return CaseFacts(received, assigned, accepted, draw(st.sampled_from([None, "simple", "normal", "complex"])),
                     draw(st.integers(0, 40)))


@settings(max_examples=300, deadline=None)
@given(facts(), st.sampled_from(POLICIES))
def test_deadline_properties(f, name):
    d = Policy(name).deadlines(f, CAL)
    received_day = f.received_at.date()
    for m in MILESTONES:
        due = d.get(m)
        if due is None:
            continue
        assert due.date() >= received_day, m                     # never before receipt
        assert CAL.is_workday(due.date()), m                      # due days are working days
    assert d.reply <= d.finish
    # the statutory bounds
    assert d.assign.date() <= CAL.add_days(received_day, 15).date
    base = (f.accepted_at or d.accept).date()
    assert d.finish.date() <= CAL.add_days(base, 60 + min(f.extension_days, STATUTORY_MAX_EXTENSION)).date
    # an extension never shortens
    shorter = Policy(name).deadlines(CaseFacts(f.received_at, f.assigned_at, f.accepted_at, f.complexity, 0), CAL)
    assert d.finish >= shorter.finish and d.reply >= shorter.reply


def test_one_month_is_counted_as_the_civil_code_counts_months():
    """Issue 19, 3: 当日工作法's complex matter is finished within one month (seed 000), and the
    Civil Code (Art. 202) counts a month to the same date, the month's end when it has none:
    accepted 2026-01-30 → 2026-02-28 (a 调休 working Saturday), not 30 days (→ 2026-03-02)."""
    from core.timelines import CaseFacts, Policy
    from core.workdays import WorkCalendar
    cal, policy = WorkCalendar(), Policy(name="same_day")
    def finish(accepted, ext=0):
        at = datetime(accepted.year, accepted.month, accepted.day, 10, tzinfo=SHANGHAI)
        d = policy.deadlines(CaseFacts(received_at=at, assigned_at=at, accepted_at=at, complexity="complex",
                                       extension_days=ext), cal)
        return d.finish.date()
    assert finish(date(2026, 1, 30)) == date(2026, 2, 28)
    assert finish(date(2026, 3, 31)) == date(2026, 4, 30)
    assert finish(date(2026, 11, 16)) == date(2026, 12, 16)
    assert finish(date(2026, 1, 30), ext=10) == date(2026, 3, 10)
    assert cal.add_months(date(2026, 12, 31), 2).date == date(2027, 3, 1)   # 2027-02-28 is a Sunday


def test_a_3_7_21_extension_leaves_the_7_day_feedback():
    """Issue 19, 4: received 2026-11-23 with a 10-day extension: finish moves (12-14 → 12-24), the
    7-day feedback stays 11-30."""
    from core.timelines import CaseFacts, Policy
    policy = Policy(name="3-7-21")
    at = datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)
    plain = policy.deadlines(CaseFacts(received_at=at, assigned_at=at, accepted_at=at), WorkCalendar())
    longer = policy.deadlines(CaseFacts(received_at=at, assigned_at=at, accepted_at=at, extension_days=10),
                              WorkCalendar())
    assert plain.reply.date() == longer.reply.date() == date(2026, 11, 30)
    assert (plain.finish.date(), longer.finish.date()) == (date(2026, 12, 14), date(2026, 12, 24))


def test_the_fallback_calendar_knows_the_holidays_the_law_fixes():
    """Issue 19, 2: for a year chinese-calendar does not know (2027 here) the 放假办法's own days
    are days off — 元旦, 春节 from 除夕, 清明, 劳动节, 端午, 中秋, 国庆 — so a petition at 2026-12-31
    23:10 is assigned on 2027-01-04, not 01-01, and a unit's 5 working days to 退回 are not cut
    short. For the years it does know, every such day is a holiday there too (checked against it)."""
    import chinese_calendar
    from core.timelines import Policy, return_allowed_until
    from core.workdays import statutory_holidays
    for year in (2025, 2026):          # the amended 办法 (春节 from 除夕, 劳动节 2 days) applies from 2025
        for d in statutory_holidays(year):
            assert chinese_calendar.is_holiday(d), d
    cal = WorkCalendar()
    assert not cal.is_workday(date(2027, 1, 1)) and cal.check(date(2027, 1, 1)) == (False, True)
    assert all(not cal.is_workday(date(2027, 2, d)) for d in (5, 8)) and cal.is_workday(date(2027, 2, 9))
    late = datetime(2026, 12, 31, 23, 10, tzinfo=SHANGHAI)
    day = Policy(name="same_day").receipt_day(late, cal)
    assert day.date == date(2027, 1, 4) and day.provisional
    back = return_allowed_until(datetime(2027, 2, 3, 10, tzinfo=SHANGHAI), cal)
    assert back.date == date(2027, 2, 12) and back.provisional     # 2-4, 2-9 … 2-12: 除夕 to 初三 skipped
