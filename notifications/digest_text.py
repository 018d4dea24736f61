"""每日访情 in words: the daily texts (core.reports.digest gathers the values) and the "详情" lines, names
masked. Nothing in a text a recused person must not see: core.reports.digest's views leave out every
case that accuses the reader or their unit."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import local, with_weekday
from core.checks.daily import planned
from core.reports.city import CityDay
from core.reports.digest import CHANNELS, LEVELS, Day, gather_all, lead_cases, readers
from core.reports.digest import details as details_of
from core.evenings.visits import tonight_text
from core.reports.measures import Tally
from core.phones import mask_name, mask_text
from core.directory.places import unit_short_name
from core.store.models import Person, Unit
from core.text import gist
from core.words.said import Said
from core.words import reports as words


def _head(d: Day) -> str:
    """"12月7日（周一）", or the days it covers after rest days: "12月5日至7日（周一）"."""
    return words.days_covered(d.since, d.day) if d.since else with_weekday(d.day)


def _body(d: Day, unit_view: bool) -> list[str]:
    """The parts of a digest, most important first; the caller fits them to three segments."""
    by_channel = [(word, d.channels[c][0]) for c, word in CHANNELS if c in d.channels]
    parts = [words.daily_volume(unit_view, d.batches, d.people, by_channel)]
    if d.warnings:   # 扬言 (a threat, an announced trip) comes before everything else
        parts.insert(0, words.daily_warnings(d.warnings))
    parts += day_figures(d.tally, d.beyond)
    if unit_view:
        shown = [no for no, _ in d.overdue]
    else:
        shown = [f"{unit_short_name(u)}{n}" for u, n in Counter(unit for _, unit in d.overdue).most_common()]
    parts.append(words.daily_overdue(len(d.overdue), shown))
    checks = _checks(d, unit_view)
    if checks:
        parts.append(checks)
    if d.plans:
        parts.append(words.daily_evenings(d.plans, d.tonight_started))
    return parts


def day_figures(t: Tally, beyond: dict[str, tuple[int, int]]) -> list[str]:
    """集体访, 越级访 and 当日见面率 (with the meetings waiting) in the daily 访情's words — also the
    console's 今日访情 and ``xinfang stats`` (core.reports.measures' figures)."""
    parts = [words.daily_groups(t.groups)] if t.groups else []
    parts.append(words.daily_beyond([(word, *beyond[level]) for level, word in LEVELS if level in beyond]))
    if t.meet_due or t.meet_waiting:
        parts.append(words.daily_met(t.meet_on_time, t.meet_due, t.meet_waiting))
    return parts


def _checks(d: Day, unit_view: bool) -> str | None:
    """日排查: who did not report (the county's view) or whether this township did, and what was found."""
    if not d.checks_due:
        return None
    found = words.checks_found(d.checks_found, d.checks_people, d.checks_moving)
    if unit_view:
        return words.checks_unit(d.checks_missing) + found
    return words.checks_county(d.checks_due, [unit_short_name(u) for u in d.checks_missing]) + found


def county_text(d: Day, county_name: str, lead: list[str] | None = None) -> Said:
    parts = _body(d, unit_view=False)
    if lead:
        parts.insert(0, words.lead(lead))
    f = _figures(d)
    return words.daily(_head(d), county_name, parts, f.batches, f.people, f.beyond, f.overdue, f.warnings)


def unit_text(d: Day, unit_name: str, lead: list[str] | None = None) -> Said:
    parts = _body(d, unit_view=True)
    if lead:
        parts.insert(0, words.lead(lead))
    f = _figures(d)
    return words.daily_unit(unit_short_name(unit_name), _head(d), parts, f.batches, f.people, f.overdue, f.warnings)


def lead_lines(s: Session, leads: list[Person]) -> dict[int, list[str]]:
    """What each 包案 leader reads first: how many cases they own, and which are flagged."""
    out = {}
    for person_id, mine in lead_cases(s, leads).items():
        flagged = [no for no, overdue in mine if overdue]
        out[person_id] = [words.lead_line(len(mine), flagged)]
    return out


# the same texts as a domestic provider's registered templates (core.words.templates lists them):
# the day's figures only — what else the full text says is a reply of "详情" away


def city_text(city: CityDay, city_name: str) -> Said:
    """The city's 每日访情 for its leaders (issue 31, 4): 扬言 first, then each figure of every
    county with the counties it came from — 到县访, 到市/赴省/进京, 集体访, 挂牌督办, the city's 督办
    marked that day and those missed. Counts only:
    a case's number and its people stay in its county's text and console."""
    t, beyond = city.total(), city.beyond()
    warned = sum(len(d.warnings) for _, d in city.counties)
    overdue = sum(len(d.overdue) for _, d in city.counties)
    parts = [words.city_warnings(warned, city.by_county(lambda d: len(d.warnings)))] if warned else []
    batches, people = sum(d.batches for _, d in city.counties), sum(d.people for _, d in city.counties)   # 到县访
    parts.append(words.city_volume(batches, people, city.by_county(lambda d: d.batches)))
    for level, word in LEVELS:
        if level in beyond:
            parts.append(words.city_beyond(word, *beyond[level], city.by_county(
                lambda d, lv=level: d.beyond.get(lv, (0, 0))[0])))
    if not beyond:
        parts.append(words.daily_beyond([]))
    if t.groups:
        parts.append(words.city_groups(t.groups, city.by_county(lambda d: d.groups)))
    parts.append(words.city_overdue(overdue, city.by_county(lambda d: len(d.overdue))))
    marked, where = city.supervisions(0)
    if marked:     # the city's own 督办 of the day, and those its counties missed: counts only
        parts.append(words.city_supervised(marked, where))
    missed, where = city.supervisions(1)
    if missed:
        parts.append(words.city_supervision_missed(missed, where))
    head = words.days_covered(city.since, city.day) if city.since else with_weekday(city.day)
    return words.city_daily(head, city_name, parts, batches, people, sum(b for b, _ in beyond.values()),
                            overdue, warned)


@dataclass(frozen=True)
class Figures:
    batches: int
    people: int
    beyond: int
    overdue: int
    warnings: int


def _figures(d: Day) -> Figures:
    """The day's figures, a text's template's parameters (the county's, a unit's)."""
    return Figures(d.batches, d.people, sum(b for b, _ in d.beyond.values()), len(d.overdue), len(d.warnings))


@dataclass(frozen=True)
class Text:
    person_id: int
    phone: str
    body: str
    params: dict | None = None    # for a provider that sends templates only


def digests(s: Session, day: date, county_name: str, now: datetime | None = None,
            since: date | None = None, after: datetime | None = None) -> list[Text]:
    """The day's texts: each leader (county view), the head of each unit concerned that day (their
    unit), each 包案 leader's cases first. The day is read once for the county and all units; each reader's text is cut
    from it, leaving out what accuses them. ``since``, ``after``: see core.reports.digest.gather_all."""
    people = readers(s)
    whole = gather_all(s, day, now, since, after)
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    leads = lead_lines(s, people)
    out: list[Text] = []
    for person in people:
        if person.role == "leader":
            view = whole.view(None, person)
            body = county_text(view, county_name, leads.get(person.id))
        elif person.unit_id is not None:
            mine = whole.view(person.unit_id, person)
            if not mine.concerns and person.id not in leads:   # the head of each unit concerned (001)
                continue
            body = unit_text(mine, names[person.unit_id], leads.get(person.id))
        else:
            continue
        out.append(Text(person.id, person.phone, body, body.params))
    return out


def details(s: Session, now: datetime, person: Person, limit: int = 10) -> list[str]:
    """"详情": the day's petitions and the flagged cases, names masked, for this reader."""
    d = details_of(s, local(now).date(), person, limit)

    def story(x) -> str:   # names and numbers masked wherever they stand, then cut
        return gist(mask_text(x.content, [x.name, *d.directory]), 16)

    items = [words.detail_new(x.tracking_no, mask_name(x.name), x.township.name if x.township else "", x.people,
                              story(x)) for x in d.new]
    items += [words.detail_flagged(x.tracking_no, unit_short_name(x.unit.name) if x.unit else None, mask_name(x.name),
                                   story(x)) for x in d.flagged]
    for c in d.checks:
        items.append(words.detail_check(bool(c.movement), unit_short_name(c.unit.name), c.village or "", c.people,
                                        gist(mask_text(c.matter or "", d.directory), 20),
                                        planned(c.movement) if c.movement else ""))
    for plan, x, visit in d.plans:
        items.append(words.detail_evening(x.tracking_no, unit_short_name(plan.unit.name), mask_name(x.name),
                                          tonight_text(plan, visit, d.rules, now)))
    return items
