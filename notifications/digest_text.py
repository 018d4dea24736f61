"""每日访情 in words: the daily texts (core.digest gathers the values) and the "详情" lines, names
masked. Nothing in a text a recused person must not see: core.digest's views leave out every
case that accuses the reader or their unit."""
from __future__ import annotations

from core.words.jobs import DIGEST as TEMPLATES

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import local, with_weekday
from core.checks import planned
from core.digest import CHANNELS, LEVELS, Day, gather_all, lead_cases, readers
from core.digest import details as details_of
from core.evenings import tonight_text
from core.phones import mask_name, mask_text
from core.places import unit_short_name
from core.store.models import Person, Unit
from core.text import fit, gist


def _head(day: date) -> str:
    return with_weekday(day)


def _body(d: Day, unit_view: bool) -> list[str]:
    """The parts of a digest, most important first; the caller fits them to three segments."""
    by_channel = "、".join(f"{word}{d.channels[c][0]}" for c, word in CHANNELS if c in d.channels)
    parts = [(f"新交办{d.batches}批{d.people}人次" if unit_view else f"到县访{d.batches}批{d.people}人次")
             + (f"（{by_channel}）" if by_channel else "")]
    if d.warnings:   # an announced trip comes before everything else
        shown = "、".join(d.warnings[:3]) + ("等" if len(d.warnings) > 3 else "")
        parts.insert(0, f"预警{len(d.warnings)}件（{shown}）")
    if d.groups:
        parts.append(f"其中集体访{d.groups}批")
    beyond = "、".join(f"{word}{d.beyond[level][0]}批{d.beyond[level][1]}人" for level, word in LEVELS
                       if level in d.beyond)
    parts.append(f"越级访：{beyond}" if beyond else "无越级访")
    if d.meet_due:
        parts.append(f"当日见面率{d.met / d.meet_due:.0%}（{d.met}/{d.meet_due}）")
    if d.overdue:
        if unit_view:
            shown = "、".join(no for no, _ in d.overdue[:3]) + ("等" if len(d.overdue) > 3 else "")
            parts.append(f"挂牌督办{len(d.overdue)}件（{shown}）")
        else:
            units = Counter(unit for _, unit in d.overdue)
            shown = "、".join(f"{unit_short_name(u)}{n}" for u, n in units.most_common(3)) + ("等" if len(units) > 3 else "")
            parts.append(f"挂牌督办{len(d.overdue)}件（{shown}）")
    else:
        parts.append("无挂牌督办")
    checks = _checks(d, unit_view)
    if checks:
        parts.append(checks)
    if d.plans:
        parts.append(f"七晚进行中{d.plans}件，今晚已开始{d.tonight_started}件")
    return parts


def _checks(d: Day, unit_view: bool) -> str | None:
    """日排查: who did not report (the county's view) or whether this township did, and what was found."""
    if not d.checks_due:
        return None
    found = (f"，排查发现{d.checks_found}起{d.checks_people}人" if d.checks_found else "") + (
        f"（拟越级或到县{d.checks_moving}起）" if d.checks_moving else "")
    if unit_view:
        said = ("日排查" + "、".join(d.checks_missing) + "未报告") if d.checks_missing else "日排查已按时报告"
        return said + found
    if d.checks_missing:
        shown = "、".join(unit_short_name(u) for u in d.checks_missing[:3]) + ("等" if len(d.checks_missing) > 3 else "")
        said = f"日排查{d.checks_due}个乡镇，{len(d.checks_missing)}个未按时报告（{shown}）"
    else:
        said = f"日排查{d.checks_due}个乡镇均已报告"
    return said + found


def county_text(d: Day, county_name: str, lead: list[str] | None = None) -> str:
    parts = _body(d, unit_view=False)
    if lead:
        parts.insert(0, "您包案" + "、".join(lead))
    return fit(f"【每日访情】{_head(d.day)}{county_name}：", parts, "回复“详情”查看要点")


def unit_text(d: Day, unit_name: str, lead: list[str] | None = None) -> str:
    parts = _body(d, unit_view=True)
    if lead:
        parts.insert(0, "您包案" + "、".join(lead))
    return fit(f"【每日访情·{unit_short_name(unit_name)}】{_head(d.day)}：", parts, "回复“详情”查看要点")


def lead_lines(s: Session, leads: list[Person]) -> dict[int, list[str]]:
    """What each 包案 leader reads first: how many cases they own, and which are flagged."""
    out = {}
    for person_id, mine in lead_cases(s, leads).items():
        flagged = [no for no, overdue in mine if overdue]
        out[person_id] = [f"{len(mine)}件" + (
            f"，挂牌{len(flagged)}件（{'、'.join(flagged[:2])}{'等' if len(flagged) > 2 else ''}）"
            if flagged else "，均在期限内")]
    return out


# the same texts as a domestic provider's registered templates (core.words.templates lists them):
# the day's figures only — what else the full text says is a reply of "详情" away


def _figures(d: Day, unit_name: str | None) -> dict:
    """The template's parameters of a day's text."""
    beyond = sum(b for b, _ in d.beyond.values())
    if unit_name is None:
        return {"t": "daily_digest", "v": [_head(d.day), str(d.batches), str(d.people), str(beyond),
                                           str(len(d.overdue)), str(len(d.warnings))]}
    return {"t": "daily_digest_unit", "v": [unit_short_name(unit_name), _head(d.day), str(d.batches), str(d.people),
                                            str(len(d.overdue)), str(len(d.warnings))]}


@dataclass(frozen=True)
class Text:
    person_id: int
    phone: str
    body: str
    params: dict | None = None    # for a provider that sends templates only


def digests(s: Session, day: date, county_name: str, now: datetime | None = None) -> list[Text]:
    """The day's texts: each leader (county view), the head of each unit concerned that day (their
    unit), each 包案 leader's cases first. The day is read once for the county and all units; each reader's text is cut
    from it, leaving out what accuses them."""
    people = readers(s)
    whole = gather_all(s, day, now)
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    leads = lead_lines(s, people)
    out: list[Text] = []
    for person in people:
        if person.role == "leader":
            view = whole.view(None, person)
            body, params = county_text(view, county_name, leads.get(person.id)), _figures(view, None)
        elif person.unit_id is not None:
            mine = whole.view(person.unit_id, person)
            if not mine.concerns and person.id not in leads:   # the head of each unit concerned (001)
                continue
            body = unit_text(mine, names[person.unit_id], leads.get(person.id))
            params = _figures(mine, names[person.unit_id])
        else:
            continue
        out.append(Text(person.id, person.phone, body, params))
    return out


def details(s: Session, now: datetime, person: Person, limit: int = 10) -> list[str]:
    """"详情": the day's petitions and the flagged cases, names masked, for this reader."""
    d = details_of(s, local(now).date(), person, limit)

    def story(x) -> str:   # names and numbers masked wherever they stand, then cut
        return gist(mask_text(x.content, [x.name, *d.directory]), 16)

    items = [f"{x.tracking_no} {mask_name(x.name)} {x.township.name if x.township else ''}"
             f"{'（' + str(x.people) + '人）' if x.people > 1 else ''}：{story(x)}" for x in d.new]
    items += [f"挂牌 {x.tracking_no} {unit_short_name(x.unit.name) if x.unit else '未交办'} {mask_name(x.name)}：{story(x)}"
              for x in d.flagged]
    for c in d.checks:
        moving = f"（{planned(c.movement)}）" if c.movement else ""
        items.append(f"{'预警' if c.movement else '排查'} {unit_short_name(c.unit.name)} {c.village or ''}"
                     f"{str(c.people) + '人' if c.people else ''}：{gist(mask_text(c.matter or '', d.directory), 20)}{moving}")
    for plan, x, visit in d.plans:
        items.append(f"七晚 {x.tracking_no} {unit_short_name(plan.unit.name)} {mask_name(x.name)}："
                     f"{tonight_text(plan, visit, d.rules, now)}")
    return items
