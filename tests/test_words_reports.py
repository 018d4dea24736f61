"""The reports' words come from one place (issue 33): the week's analysis and the 月考评 that the
leaders get on Monday and on the first of the month are the texts core.words.reports makes, and
each goes with its template's parameters equal to the values those words were made from — the
same figures whether the leader's phone gets the full sentence (Twilio) or the registered
template (Tencent)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.reports.analysis import analyse, last_complete
from core.clock import SHANGHAI
from core.directory.lookup import current_county
from core.reports.scores import month_scores
from core.rules import ScoreRules
from core.store.models import OutboundMessage
from notifications import schedule
from notifications.report_html import link
from notifications.report_text import ranking_text
from tests.test_cases import submit


def test_the_weeks_analysis_and_the_months_ranking_carry_the_values_their_words_were_made_from(peer, db, services):
    submit(peer)                        # 张三 petitions on Monday 23 November: the week has one
    monday, first = datetime(2026, 11, 30, 9, tzinfo=SHANGHAI), datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    schedule._analysis_job("weekly")(services, monday)
    schedule.monthly_scores(services, first)

    db.rollback()
    rows = list(db.scalars(select(OutboundMessage).where(OutboundMessage.purpose.in_(("weekly_report", "monthly_scores")))))
    by = {m.purpose: m for m in rows}
    assert set(by) == {"weekly_report", "monthly_scores"}

    period = last_complete("weekly", monday.date())
    url = link(services.settings.public_base_url, "weekly", period.key, monday) if services.settings.public_base_url else None
    week = analyse(db, period, monday).summary(url)
    assert week.key == "weekly_report" and week.values[1:3] == ("1", "1")     # one petition, one person
    assert by["weekly_report"].body == week and by["weekly_report"].params == list(week.values)

    rules = ScoreRules.from_options(current_county(db).options)
    month = ranking_text(month_scores(db, 2026, 11, rules), 2026, 11, rules)
    assert month.key == "monthly_scores" and month.values[:2] == ("2026", "11")
    assert by["monthly_scores"].body == month and by["monthly_scores"].params == list(month.values)
