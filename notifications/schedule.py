"""What runs when: ``tick(services, now)`` runs every scheduled job that is due at ``now``.

RQ's cron (``rq cron notifications.cron_config``, see the Procfile) enqueues ``tick`` every
minute and any worker runs it; ``xinfang tick --now ISO`` runs it by hand. Schedule times are
computed here, in the county's time (Asia/Shanghai), whatever the server's timezone — RQ's
cron strings would be read in the server's local time, so only its plain interval is used.

A job runs once per period: the run is claimed by inserting ``(name, period)`` under a unique
key before it starts, so several workers and cron processes ticking at once run it once. The
period is computed from ``now`` alone, so after a stop the current period runs once on the first
tick — a missed run is made up once, not once per missed period.

A slow job (``slow=True``: the weekly and monthly analyses, the exports' sweep) is not run inside
the tick when the tick can hand it off (the workers' tick: ``hand_off`` enqueues it on the
reports' queue, notifications.queue.REPORTS): the tick runs on the texts' queue, and a report
there held every text behind it. Its run is claimed here all the same, so it runs once;
:func:`run_claimed` runs it and records its result.

A deployment of several counties (a city over its counties, docs/city.md) runs each county's jobs
for that county — its sessions bound to it, its file's times and calendar, its runs named by its
prefix ("LS:daily_digest") — and the city's own (its 每日访情 of the counties, the monthly ranking)
for the city; what is the deployment's (the outbox, the media, the exports' files) runs once,
across counties. A deployment of one county runs as it always has.
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from sqlalchemy import select, update

from core.cases import audience

from core.checks import daily as checks
from core.reports.analysis import analyse, in_use_before, last_complete
from core.rules import Rules
from core.checks.daily import CheckRules
from core.directory.places import unit_short_name
from core.clock import clock_time, day_start, local, month_day
from core.county import WEEKDAYS
from core.directory.lookup import current_county
from core.evenings.sweep import sweep_evenings
from core.cases.followup import follow_up
from core.evenings.visits import EveningRules
from core.cases.instructions import PROGRESS_DAYS, due
from core.reports import kept
from core.reports.city import analyse_city, gather_city
from core.reports.ranking import RankingRules, rank_counties
from core.reports.scores import month_scores
from core.rules import ScoreRules
from core.store import inbox, scope
from core.store.db import reading, transaction, upsert
from core.store.models import County, OutboundMessage, Person, ScheduledRun
from core.cases.supervision import sweep_supervisions
from core.cases.sweep import sweep
from core.words import jobs as words
from core.workdays import WorkCalendar
from notifications.digest_text import city_text, digests
from notifications import exports
from notifications.media import BATCH as MEDIA_BATCH
from notifications.media import MediaReport, fetch
from notifications.outbox import BATCH, DeliveryReport
from notifications.report_html import link
from notifications.report_text import city_analysis_text, county_ranking_text, ranking_text
from notifications.bound import Bound

log = logging.getLogger(__name__)
RUNS = ScheduledRun.__table__


@dataclass(frozen=True)
class Every:
    """Every ``minutes`` minutes, counted from county midnight."""

    name: str
    minutes: int
    run: Callable[[object, datetime], str]
    slow: bool = False

    def period(self, now: datetime, options: dict | None = None) -> str | None:
        t = local(now)
        minute = (t.hour * 60 + t.minute) // self.minutes * self.minutes
        return f"{t:%Y-%m-%d}T{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class _At:
    """A job at a county-local time of day, ``[county.reports] <key>`` (default ``default``)."""

    name: str
    key: str
    default: str
    run: Callable[[object, datetime], str]
    slow: bool = False

    def _moment(self, now: datetime, options: dict | None):

        options = options or {}
        at = clock_time(options.get("reports", {}).get(self.key, self.default))
        return local(now), at, WorkCalendar.from_options(options)


class DailyAt(_At):
    """Once a working day (the county's calendar) from its time on; a day whose time passed while
    everything was down runs on the first tick after."""

    def period(self, now: datetime, options: dict | None = None) -> str | None:
        t, at, calendar = self._moment(now, options)
        if t.time() < at or not calendar.is_workday(t.date()):
            return None
        return f"{t:%Y-%m-%d}"


class MonthlyAt(_At):
    """Once a month, on its first working day from its time on (a first working day missed while
    everything was down is made up on a later day of the month, once)."""

    def period(self, now: datetime, options: dict | None = None) -> str | None:
        t, at, calendar = self._moment(now, options)
        first = calendar.next_workday(t.date().replace(day=1)).date
        if t.date() < first or (t.date() == first and t.time() < at):
            return None
        return f"{t:%Y-%m}"


def flush_outbox(svc, now: datetime) -> str:
    """Send what is due in the outbox: retries whose time has come, texts held for day time, and
    anything a web process could not hand to the queue (Redis away)."""

    total = DeliveryReport()
    for _ in range(20):   # at most 10,000 a minute; the rest next minute
        r = svc.deliver(None, now, limit=BATCH)
        total.add(r)
        if r.claimed < BATCH:
            break
    return total.summary()


def fetch_media(svc, now: datetime) -> str:
    """Download the media due: retries, and any whose job was lost (Redis away, a worker died)."""
    total = MediaReport()
    for _ in range(10):
        r = fetch(svc, now)
        total.stored, total.retried, total.failed = (total.stored + r.stored, total.retried + r.retried,
                                                     total.failed + r.failed)
        if r.stored + r.retried + r.failed < MEDIA_BATCH:
            break
    return total.summary()


def sweeps(svc, now: datetime):
    """The deadline sweep and the 七晚 evening sweep, each in its transaction; their texts are
    handed on (queued for the workers, or sent here when delivery is inline). Both reports."""

    with transaction(svc.sessions) as s:
        county = current_county(s)
        rules = Rules.for_county(county)
        cases = sweep(s, now, rules)
        cases.messages += sweep_supervisions(s, now, rules).messages   # 督办 of the city met or missed
    with transaction(svc.sessions) as s:
        evenings = sweep_evenings(s, now, EveningRules.from_options(county.options))
    svc.send_later(cases.messages + evenings.messages, now)
    return cases, evenings


def run_sweeps(svc, now: datetime) -> str:
    cases, evenings = sweeps(svc, now)
    return cases.summary() + "; " + evenings.summary()


def daily_digest(svc, now: datetime) -> str:
    """每日访情 to each leader, unit head and 包案 leader (core.reports.digest)."""

    with transaction(svc.sessions) as s:
        county = current_county(s)
        day = local(now).date()
        since, after = _digest_since(s, day, WorkCalendar.from_options(county.options), run_name(svc, "daily_digest"))
        texts = digests(s, day, county.name, now, since=since, after=after)
        ids = OutboundMessage.enqueue_many(s, [(t.phone, t.body, "daily_digest", None, t.params) for t in texts], now)
    svc.send_later(ids, now)
    return words.ran("daily_digest", sent=len(ids))


DIGEST_REACH = timedelta(days=31)   # the longest a daily 访情 looks back (after a long stop)


def _digest_since(s, day, calendar: WorkCalendar, name: str = "daily_digest") -> tuple[date, datetime | None]:
    """What a daily 访情 sent on ``day`` counts. The first day it names: the day after the last one
    sent (the rest days between, or the days the system was down), else the day after the working
    day before — so what arrived on a Saturday or a holiday is in the next working day's text. And
    the moment it counts from: the last text's (what came in after Monday's 17:30 text is in
    Tuesday's, never in none), within DIGEST_REACH."""
    last = s.execute(select(ScheduledRun.period, ScheduledRun.started_at)
                     .where(ScheduledRun.name == name, ScheduledRun.period < f"{day:%Y-%m-%d}")
                     .order_by(ScheduledRun.period.desc()).limit(1)).first()
    previous = day - timedelta(days=1)
    while not calendar.is_workday(previous) and day - previous < DIGEST_REACH:
        previous -= timedelta(days=1)
    if last is not None:
        previous = min(previous, date.fromisoformat(last.period))
    since = max(previous + timedelta(days=1), day - DIGEST_REACH)
    after = local(last.started_at) if last is not None else None
    return since, after if after is not None and after.date() >= day - DIGEST_REACH else None


def monthly_scores(svc, now: datetime) -> str:
    """月考评 of the month just ended: the ranking text to every leader and unit head (the monthly
    report's first part)."""


    t = local(now)
    year, month = (t.year, t.month - 1) if t.month > 1 else (t.year - 1, 12)
    with transaction(svc.sessions) as s:
        if not in_use_before(s, day_start(date(year + month // 12, month % 12 + 1, 1))):
            return words.ran("not_in_use", what=words.SCORES_WORDS, period=f"{year}-{month:02d}")
        rules = ScoreRules.from_options(current_county(s).options)
        scores = month_scores(s, year, month, rules)
        text = ranking_text(scores, year, month, rules)
        phones = list(s.scalars(select(Person.phone).where(Person.active.is_(True),
                                                           Person.role.in_(("leader", "head", "staff")))))
        under = sum(1 for u in scores if u.score < rules.warn_below)
        params = [str(year), str(month), str(under), f"{rules.warn_below:g}"]
        ids = OutboundMessage.enqueue_many(s, [(phone, text, "monthly_scores", None, params) for phone in phones], now)
    svc.send_later(ids, now)
    return words.ran("monthly_scores", year=year, month=month, sent=len(ids))


def failed_messages(svc, now: datetime) -> str:
    """Each working morning, the bureau's staff are told how many citizens' messages failed on
    every try (docs/operations.md): one text, not one per message; none when there are none."""
    with transaction(svc.sessions) as s:
        rows = inbox.given_up(s.connection(), scope.county_of(s))
        ids = []
        if rows:
            first = min(local(r.received_at) for r in rows)
            said = words.messages_failed(len(rows), month_day(first))
            ids = OutboundMessage.enqueue_many(s, [(to, said, "messages_failed", None, list(said.values))
                                                   for to in audience.staff(s)], now)
    svc.send_later(ids, now)
    return words.ran("failed_messages", count=len(rows))


def follow_ups(svc, now: datetime) -> str:
    """回访 (core.cases.followup): closed cases not rated are asked once more, two working days on."""
    with transaction(svc.sessions) as s:
        county = current_county(s)
        report = follow_up(s, now, WorkCalendar.from_options(county.options))
    svc.send_later(report.messages, now)
    return report.summary()


def instruction_reminders(svc, now: datetime) -> str:
    """A leader's instruction whose progress report is due: the unit is asked for it (each working
    morning until it reports; the leader is told when it does)."""


    with transaction(svc.sessions) as s:
        rows = []
        for instruction, p in due(s, now):
            expected = (instruction.last_report_at or instruction.at) + timedelta(days=PROGRESS_DAYS)
            late = (local(now).date() - local(expected).date()).days
            said = words.progress_due(p.tracking_no, late, month_day(instruction.at))
            rows += [(to, said, "progress_due", p.id, list(said.values)) for to in audience.unit(s, p)]
            instruction.next_report_due = max(instruction.next_report_due, now) + timedelta(days=1)
        ids = OutboundMessage.enqueue_many(s, rows, now)
    svc.send_later(ids, now)
    return words.ran("instruction_reminders", sent=len(ids))


def _round(now: datetime, options: dict, after_grace: bool) -> tuple[CheckRules, int | None]:
    rules = CheckRules.from_options(options)
    if not rules.is_check_day(local(now).date(), WorkCalendar.from_options(options)):
        return rules, None
    return rules, rules.last_passed(now, after_grace)


def check_asks(svc, now: datetime) -> str:
    """日排查: at a report time, each township that has not reported for it is asked, once."""
    with transaction(svc.sessions) as s:
        rules, i = _round(now, current_county(s).options, after_grace=False)
        if i is None:
            return words.NO_CHECK_TODAY
        day = local(now).date()
        rows = []
        for unit in checks.missing(s, day, i):
            said = words.check_ask(unit_short_name(unit.name), rules.label(i))
            rows += [(to, said, "check_ask", None, list(said.values)) for to in audience.unit(s, None, unit.id)]
        ids = OutboundMessage.enqueue_many(s, rows, now)
    svc.send_later(ids, now)
    return words.ran("check_asks", round=rules.label(i), sent=len(ids))


def check_misses(svc, now: datetime) -> str:
    """日排查: a round closed (its time and grace passed); each township still without a report
    is recorded for its 月考评, and the bureau is told who, in one text."""
    with transaction(svc.sessions) as s:
        options = current_county(s).options
        rules, i = _round(now, options, after_grace=True)
        if i is None:
            return words.NO_CHECK_TODAY
        day = local(now).date()
        late = checks.record_misses(s, day, i, now, ScoreRules.from_options(options).of("check_missed"))
        ids = []
        if late:
            said = words.check_missed(day.month, day.day, rules.label(i), [unit_short_name(u.name) for u in late])
            ids = OutboundMessage.enqueue_many(s, [(to, said, "check_missed", None, list(said.values))
                                                   for to in audience.staff(s)], now)
    svc.send_later(ids, now)
    return words.ran("check_misses", round=rules.label(i), missed=len(late))


@dataclass(frozen=True)
class CheckRound:
    """At each of the day's 日排查 report times (``[county.daily_checks] report_at``), or that long
    after it (the grace): once per round."""

    name: str
    after_grace: bool
    run: Callable[[object, datetime], str]

    def period(self, now: datetime, options: dict | None = None) -> str | None:
        _, i = _round(now, options or {}, self.after_grace)
        return None if i is None else f"{local(now):%Y-%m-%d}#{i}"


def _analysis_job(kind: str):
    def run(svc, now: datetime) -> str:
        """每周访情分析 / 月信访形势分析 of the period just ended: a short text with a signed link
        to the whole analysis, to every leader."""


        period = last_complete(kind, local(now).date())
        with transaction(svc.sessions) as s:
            if not in_use_before(s, period.end):
                return words.ran("not_in_use", what=words.ANALYSIS_WORDS.get(kind, kind), period=period.key)
            analysis = analyse(s, period, now)
            url = link(svc.settings.public_base_url, kind, period.key, now) if svc.settings.public_base_url else None
            text = analysis.summary(url)
            params = list(text.values)     # the period, 到县访 批次 and 人次, 越级访 批次
            phones = audience.leaders(s)
            ids = OutboundMessage.enqueue_many(s, [(phone, text, f"{kind}_report", None, params) for phone in phones], now)
        svc.send_later(ids, now)
        return words.ran("analysis", what=words.ANALYSIS_WORDS.get(kind, kind), period=period.key, sent=len(ids))
    return run


class WeeklyOn(_At):
    """Once a week on ``[county.reports] weekly_on`` (monday … sunday; default monday) from its
    time on; a week's run missed while down is made up later that week, once."""

    def period(self, now: datetime, options: dict | None = None) -> str | None:
        t, at, _ = self._moment(now, options)
        weekday = WEEKDAYS.index(str((options or {}).get("reports", {}).get("weekly_on", "monday")).lower())
        if t.weekday() < weekday or (t.weekday() == weekday and t.time() < at):
            return None
        monday = t.date() - timedelta(days=t.weekday())
        return f"{monday:%Y-%m-%d}"


def sweep_exports(svc, now: datetime) -> str:
    """What the 台账 exports left behind (notifications.exports.sweep): lost exports' files, files
    past their retention, and the old in-request export's files in the temporary directory."""
    return exports.sweep(svc, now, legacy_dir=tempfile.gettempdir())


def city_digest(svc, now: datetime) -> str:
    """The city's 每日访情 (issue 31, 4): every county's day side by side, to the city's leaders."""
    with transaction(svc.sessions) as s:
        city = s.get(County, scope.county_of(s))
        # what it counts as a county's own text counts it: the rest days since the last, and
        # what came after the last text's 17:30
        since, after = _digest_since(s, local(now).date(), WorkCalendar.from_options(city.options),
                                     run_name(svc, "city_digest"))
        day = gather_city(s, city.id, local(now).date(), now, since=since, after=after)
        said = city_text(day, city.name)
        kept.keep(s, "daily", day.day.isoformat(), kept.day_figures(day), now)   # the page shows it
        ids = OutboundMessage.enqueue_many(s, [(phone, said, "city_digest", None, said.params)
                                               for phone in audience.leaders(s)], now)
    svc.send_later(ids, now)
    return words.ran("city_digest", sent=len(ids))


def _city_analysis_job(kind: str):
    def run(svc, now: datetime) -> str:
        """The city's 每周访情分析 / 月信访形势分析 of the period just ended (issue 31, 4): each
        county's own analysis (core.reports.analysis.analyse in the session bound to it) side by
        side with the city's totals, to the city's leaders."""
        period = last_complete(kind, local(now).date())
        with transaction(svc.sessions) as s:
            city = s.get(County, scope.county_of(s))
            analysis = analyse_city(s, city.id, period, now)
            what = words.ANALYSIS_WORDS.get(kind, kind)
            if not analysis.counties:
                return words.ran("not_in_use", what=what, period=period.key)
            said = city_analysis_text(analysis, city.name)
            kept.keep(s, kind, period.key, kept.analysis_figures(analysis), now)
            ids = OutboundMessage.enqueue_many(s, [(phone, said, said.key, None, said.params)
                                                   for phone in audience.leaders(s)], now)
        svc.send_later(ids, now)
        return words.ran("analysis", what=what, period=period.key, sent=len(ids))
    return run


def county_ranking(svc, now: datetime) -> str:
    """The city's ranking of its counties for the month just ended, to the city's leaders and its
    bureau (core.reports.ranking; the city file's ``[ranking]``)."""
    t = local(now)
    year, month = (t.year, t.month - 1) if t.month > 1 else (t.year - 1, 12)
    with transaction(svc.sessions) as s:
        city = s.get(County, scope.county_of(s))
        rules = RankingRules.from_raw((city.options or {}).get("ranking"))
        ranks = rank_counties(s, city.id, year, month, now, rules)
        said = county_ranking_text(ranks, year, month, rules)
        kept.keep(s, "ranking", f"{year:04d}-{month:02d}", kept.ranking_figures(ranks), now)
        phones = list(s.scalars(select(Person.phone).where(Person.active.is_(True),
                                                           Person.role.in_(("leader", "staff")))))
        ids = OutboundMessage.enqueue_many(s, [(phone, said, "county_ranking", None, said.params) for phone in phones],
                                           now)
    svc.send_later(ids, now)
    return words.ran("county_ranking", year=year, month=month, sent=len(ids))


SWEEP = Every("sweep", 5, run_sweeps)   # a county's cases, and the city's own (its departments')
JOBS: tuple = (
    SWEEP,
    Every("outbox", 1, flush_outbox),
    Every("media", 1, fetch_media),
    DailyAt("daily_digest", "daily_at", "17:30", daily_digest),
    MonthlyAt("monthly_scores", "monthly_at", "09:00", monthly_scores),
    DailyAt("instruction_reminders", "reminders_at", "09:00", instruction_reminders),
    DailyAt("failed_messages", "reminders_at", "09:00", failed_messages),
    DailyAt("follow_ups", "reminders_at", "09:00", follow_ups),
    CheckRound("check_asks", False, check_asks),
    CheckRound("check_misses", True, check_misses),
    WeeklyOn("weekly_report", "weekly_at", "09:00", _analysis_job("weekly"), slow=True),
    MonthlyAt("monthly_report", "monthly_at", "09:00", _analysis_job("monthly"), slow=True),
    Every("exports", 60, sweep_exports, slow=True),
)
CITY_JOBS: tuple = (
    SWEEP,
    DailyAt("city_digest", "daily_at", "17:30", city_digest),
    MonthlyAt("county_ranking", "monthly_at", "09:00", county_ranking),
    # named as the counties' (PDS:weekly_report): the city's analysis over its counties
    WeeklyOn("weekly_report", "weekly_at", "09:00", _city_analysis_job("weekly"), slow=True),
    MonthlyAt("monthly_report", "monthly_at", "09:00", _city_analysis_job("monthly"), slow=True),
)
BY_NAME = {job.name: job for job in JOBS}
CITY_BY_NAME = {job.name: job for job in CITY_JOBS}   # the city's runs: some share a county job's name
DEPLOYMENT_JOBS = frozenset({"outbox", "media", "exports"})   # once for the whole deployment, across counties


@dataclass(frozen=True)
class Place:
    """Where a job runs: a county or the city (``prefix`` names its runs), or the deployment of
    one county (``county_id`` None, runs named as always)."""

    county_id: int | None
    prefix: str | None
    kind: str
    options: dict


def for_place(svc, place: Place) -> Bound:
    """The services as the jobs of ``place`` see them: its sessions, its county."""
    return Bound(svc, place.county_id, place=place)


def run_name(svc, name: str) -> str:
    """A job's run as ``scheduled_run`` names it: with its county's prefix in a city."""
    place = getattr(svc, "place", None)
    return f"{place.prefix}:{name}" if place is not None and place.prefix else name


def places(svc) -> list[Place]:
    """The deployment's counties and its city, as the jobs run for them."""
    with reading(svc.sessions) as s:
        scope.bind(s, None)           # the counties themselves: nobody's
        rows = s.execute(select(County.id, County.prefix, County.kind, County.options).order_by(County.id)).all()
    if len(rows) <= 1:
        return [Place(None, None, "county", (rows[0].options if rows else None) or {})]
    return [Place(r.id, r.prefix, r.kind, r.options or {}) for r in rows]


def _options(svc) -> dict:
    return places(svc)[0].options


def tick(svc, now: datetime, jobs: tuple[Every, ...] = JOBS,
         hand_off: Callable[[str, int, datetime], None] | None = None) -> list[tuple[str, str, str]]:
    """Run every job due at ``now`` that no one has run for its period; what ran and its result.
    ``hand_off(name, run_id, now)``: where a slow job goes instead of running here (the reports'
    queue); without it (``xinfang tick``), or when it fails, the job runs here."""
    done = []
    every = places(svc)
    if every[0].prefix is None:      # a deployment of one county
        return _tick(svc, now, jobs, every[0].options, hand_off)
    across = for_place(svc, Place(None, None, "deployment", {}))     # unbound: every county's rows
    done += _tick(across, now, tuple(j for j in jobs if j.name in DEPLOYMENT_JOBS), every[0].options, hand_off)
    for place in every:
        mine = tuple(j for j in jobs if j.name not in DEPLOYMENT_JOBS) if place.kind == "county" else \
            tuple(j for j in CITY_JOBS if jobs is JOBS or j in jobs)
        done += _tick(for_place(svc, place), now, mine, place.options, hand_off)
    return done


def _tick(svc, now: datetime, jobs: tuple, options: dict, hand_off) -> list[tuple[str, str, str]]:
    done = []
    for job in jobs:
        period = job.period(now, options)
        if period is None:
            continue
        name = run_name(svc, job.name)
        with transaction(svc.sessions) as s:
            claimed = s.connection().execute(
                upsert(s, RUNS).values(name=name, period=period, started_at=now)
                .on_conflict_do_nothing(index_elements=["name", "period"]).returning(RUNS.c.id)).scalar()
        if claimed is None:
            continue
        if getattr(job, "slow", False) and hand_off is not None:
            try:
                hand_off(name, claimed, now)
                done.append((name, period, "handed to the reports worker"))
                continue
            except Exception as exc:   # the reports' queue is away: run it here rather than not at all
                log.warning("scheduled %s not handed off (%s): run in the tick", name, exc)
        done.append((name, period, run_claimed(svc, job, claimed, now)))
    return done


def run_named(svc, name: str, run_id: int, now: datetime) -> str:
    """A claimed run handed off by its name ("daily_digest", or "LS:weekly_report" in a city)."""
    prefix, _, job = name.rpartition(":")
    if not prefix:
        return run_claimed(svc, BY_NAME[job], run_id, now)
    place = next(p for p in places(svc) if p.prefix == prefix)
    return run_claimed(for_place(svc, place), (CITY_BY_NAME if place.kind == "city" else BY_NAME)[job], run_id, now)


def run_claimed(svc, job, run_id: int, now: datetime) -> str:
    """Run a job whose run (``scheduled_run.id``) is claimed, and record its result."""
    try:
        result = job.run(svc, now)
    except Exception as exc:   # recorded; the next period tries again
        log.exception("scheduled %s (run %s) failed", job.name, run_id)
        result = f"error: {type(exc).__name__}: {exc}"
    with transaction(svc.sessions) as s:
        s.connection().execute(update(RUNS).where(RUNS.c.id == run_id).values(finished_at=now, result=result[:2000]))
    return result
