"""The officials' actions on a case, one function each (see core.acts)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from core import status

from core.cases import accusations, audience, instructions, lifecycle as cases, threats
from core.cases.threats import Heard
from core.store import outbox as outbox_rows
from core.cases.similar import most_similar
from core.store.models import County, Person, Petition, PetitionEvent, Unit
from core.acts import PETITIONER, PHONES, STAFF, UNIT, Act, Done, Tell
from core.words import jobs as words
from core.words.officials import PROVISIONAL_BASIS, assigned_sentence


def _unit_name(p: Petition, default: str = "责任单位") -> str:
    return p.unit.name if p.unit else default


def accept(act: Act, p: Petition, complexity: str | None) -> Done:
    done = Done(p)
    cases.accept(act, p, complexity)
    done.tells.append(Tell(PETITIONER, "case_accepted", {"unit": _unit_name(p), "meet_by": p.due_meet or p.due_accept}))
    return done


def meet(act: Act, p: Petition, note: str) -> Done:
    done = Done(p)
    cases.meet(act, p, note)
    done.tells.append(Tell(PETITIONER, "meet_check", ask={"kind": "met", "petition_id": p.id}))
    return done


def reply(act: Act, p: Petition, text: str) -> Done:
    done = Done(p)
    cases.reply(act, p, text)
    done.tells.append(Tell(PETITIONER, "case_replied", {"unit": _unit_name(p), "text": p.reply_text}))
    done.tells.append(Tell(PETITIONER, "rating", ask={"kind": "rate", "petition_id": p.id}))
    if p.from_city_id is not None:   # handed down by the city: its answer goes back to the city's bureau
        phones = tuple(audience.city_staff(act.session, p.from_city_id))
        if phones:
            county = act.session.get(County, p.county_id)
            done.tells.append(Tell(PHONES, "city_case_answered", {"county": county.name if county else "",
                                                                   "unit": _unit_name(p)}, phones=phones))
    return done


def handed_down(act: Act, p: Petition, city: County) -> list[Tell]:
    """The city's bureau registered ``p`` (到市访, 来信; its ``from_city_id``) for this county and
    handed it down at once (issue 31, 3): the case is the county's from the first moment, its
    bureau is told, the city follows it and hears its answer (:func:`reply`)."""
    cases.event(act.session, p, act.now, "handed_down", act.actor, words.handed_down_event(city.name),
                act.inbound_id)
    return [Tell(STAFF, "city_handed_down", {"city": city.name})]


def close(act: Act, p: Petition) -> Done:
    done = Done(p)
    cases.close(act, p)
    done.tells.append(Tell(PETITIONER, "case_closed"))
    return done


def not_accept(act: Act, p: Petition, reason: str) -> Done:
    """不予受理 (信访工作条例 Art. 23, 32): the unit (or the bureau) decides, with a reason, not to
    accept a case it has not accepted; the petitioner is told why and where to turn, the bureau
    is told."""
    done = Done(p, {"unit": _unit_name(p, "信访局")})
    cases.not_accept(act, p, reason)
    data = {"unit": done.data["unit"], "reason": reason.strip()}
    done.tells.append(Tell(PETITIONER, "case_not_accepted", data))
    if act.person is None or act.person.role != "staff":
        done.tells.append(Tell(STAFF, "not_accepted", data))
    return done


def extend(act: Act, p: Petition, days: int, reason: str) -> Done:
    done = Done(p, {"days": days})
    cases.request_extension(act, p, days, reason)
    done.tells.append(Tell(STAFF, "extension_request", {"unit": _unit_name(p, ""), "days": days,
                                                       "reason": reason}))
    return done


def approve_extension(act: Act, p: Petition) -> Done:
    ask = cases.approve_extension(act, p)
    done = Done(p, {"days": ask["days"]})
    done.tells.append(Tell(PETITIONER, "case_extended", {"days": ask["days"], "reason": ask["reason"]}))
    done.tells.append(Tell(UNIT, "extension_approved", {"days": ask["days"]}))
    return done


def send_back(act: Act, p: Petition, reason: str) -> Done:
    done = Done(p, {"unit": _unit_name(p, "")})
    cases.send_back(act, p, reason)
    done.tells.append(Tell(STAFF, "returned", {"unit": done.data["unit"], "reason": reason}))
    return done


WARN_AGAIN = timedelta(hours=24)   # a case warned of a threat is warned again of a graver one, or a day on


def file_new(act: Act, p: Petition, county: County, registered: str, repeat_of: Petition | None = None,
             directory=None, said: str = "", threat: Heard | None = None, accused: bool = False) -> Done:
    """See :func:`_file_new`. ``threat``: the gravest 扬言 the petitioner made while filing it
    (core.cases.threats: 喝农药, 同归于尽, 堵路, 进京 …): the case is marked with it and the bureau's staff
    and the head of the unit it went to (never one it accuses) get a 【预警】 at once."""
    done = _file_new(act, p, county, registered, repeat_of, directory, said, threat, accused)
    if threat is not None and done.data.get("joined"):   # warned of as the case it joined, once a day
        done.tells += warn(act, done.petition, threat).tells
    elif threat is not None:
        unit = done.data.get("unit")
        done.tells += warning_tells(act, done.petition, unit.id if unit is not None else None, threat)
    return done


def warn(act: Act, p: Petition, threat: Heard) -> Done:
    """扬言 in a later message of the petitioner (a 补充, an answer, anything): the case is marked at
    once and the bureau and its unit's head are warned — unless it was marked as gravely within
    WARN_AGAIN (the words are kept with the case all the same). A repeat joined to an open case
    marks that case too, and is warned of as that case (it is handled there)."""
    target = p
    if p.status == status.Status.JOINED and p.repeat_of_id is not None:
        target = act.session.get(Petition, p.repeat_of_id) or p
    again = (target.threat_at is not None and act.now - target.threat_at < WARN_AGAIN
             and not threats.graver(threat.kind, target.threat))
    for marked in [p] + ([target] if target is not p else []):
        _mark(act, marked, threat)
        if not again or marked.threat_at is None:   # (the day counts from the 预警 sent)
            marked.threat_at = act.now
    done = Done(target, {"warned": not again})
    if not again:
        done.tells += warning_tells(act, target, target.unit_id, threat)
    return done


def _mark(act: Act, p: Petition, threat: Heard) -> None:
    """Mark ``p`` 扬言 (the gravest kind it was said with) and keep the words as its 'warning' event."""
    if threats.graver(threat.kind, p.threat):
        p.threat = threat.kind
    p.updated_at = act.now
    act.session.add(PetitionEvent(petition_id=p.id, at=act.now, kind="warning", actor="system",
                                  inbound_id=act.inbound_id, text=warning_text(p, threat)))


def warning_text(p: Petition, threat: Heard) -> str:
    """The 'warning' event's words: what kind, and the petitioner's own clause."""
    if threat.kind == "trip":
        return words.trip_warned(threat.level or "county", p.people or 1, threat.said[:200])
    return words.threat_warned(threat.kind, threat.said[:200])


def warning_tells(act: Act, p: Petition, unit_id: int | None, threat: Heard) -> list[Tell]:
    """The 【预警】 to the bureau's staff and the unit's head(s), none the case accuses."""
    if threat.kind == "trip":
        what, data = "trip_warning", {"level": threat.level or "county"}
    else:
        what, data = "threat_warning", {"kind": threat.kind, "said": threat.said}
    tells = [Tell(STAFF, what, data)]
    heads = audience.heads(act.reader, p, unit_id) if unit_id is not None else []
    if heads:
        tells.append(Tell(PHONES, what, data, phones=tuple(heads)))
    return tells


def _file_new(act: Act, p: Petition, county: County, registered: str, repeat_of: Petition | None,
              directory, said: str, threat: Heard | None, accused: bool = False) -> Done:
    """Store a new petition and route it at once (即时交办): to its default unit, whose cadres are
    told; with no unit for it, the bureau's staff are told to assign it by hand. An accusation
    (检举/揭发/控告) is never assigned automatically: the units and people of the directory it
    names are recused, and staff decide where it goes.

    ``p`` comes unsaved. Its category, unit and deadlines are decided first, and it is written once
    with its events (core.cases.lifecycle.NewCase) on ``act.conn``: every submission takes this path
    (bench/inbound.py), and an ORM session is made only for a repeat or an accusation. ``Done``:
    the petition to go on with (the stored row, for an accusation), its id and the unit it went to
    (None: the bureau's to assign). ``said``: everything else the person wrote while filing it,
    screened for whom it accuses with the story (a name or a 举报 given as the wrong answer)."""
    if repeat_of is not None and repeat_of.status in status.UNANSWERED:
        screened = f"{p.content}\n{said}" if said else p.content
        if not accused and not accusations.held(screened, accusations.named_in(act.reader, screened, directory)):
            return _join(act, p, repeat_of, registered)   # (an accusation goes to the bureau, as any)
    new = cases.NewCase(p)
    new.add(PetitionEvent(at=act.now, kind="registered", actor=act.actor, text=registered, inbound_id=act.inbound_id))
    if threat is not None:
        p.threat, p.threat_at = threat.kind, act.now
        new.add(PetitionEvent(at=act.now, kind="warning", actor="system", inbound_id=act.inbound_id,
                              text=warning_text(p, threat)))
    if repeat_of is not None:
        cases.link_repeat(act, p, repeat_of)
    route = cases.route_for(p, county)
    p.category = route.get("category") if route else None
    screened = f"{p.content}\n{said}" if said else p.content
    named = accusations.named_in(act.reader, screened, directory)
    # ``accused``: staff said so; a repeat of an accusation is one too (it carries its recusals)
    accusation = accused or accusations.held(screened, named) or bool(repeat_of is not None and repeat_of.accusation)
    unit = None if accusation else cases.default_unit(act.reader, p, county)
    if unit is not None:
        cases.assign(replace(act, db=new, actor="system"), p, unit)
    else:
        cases.recompute(p, act.rules)
    petition_id = new.store(act.conn)
    if accusation:
        p = act.session.get(Petition, petition_id)
        p.accusation = True
        if repeat_of is not None:
            cases.inherit_recusals(act.session, p, repeat_of, act.now)
        for unit_id in named.recused_units():
            if unit_id not in cases.recused_units(act.session, p):
                _withdraw_from_accused(act, cases.recuse(act.session, p, act.now, "system", inbound_id=act.inbound_id,
                                                         unit=act.session.get(Unit, unit_id)))
        for x in named.people:
            if x.id not in cases.recused_people(act.session, p):
                _withdraw_from_accused(act, cases.recuse(act.session, p, act.now, "system", inbound_id=act.inbound_id,
                                                         person=act.session.get(Person, x.id)))
        cases.recompute(p, act.rules)
        return Done(p, {"petition_id": petition_id, "unit": None},
                    [Tell(STAFF, "assign_needed", {"named": "、".join(cases.recused_names(act.session, p)) or "未识别"})])
    if unit is None:
        return Done(p, {"petition_id": petition_id, "unit": None}, [Tell(STAFF, "assign_needed")])
    done = Done(p, {"petition_id": petition_id, "unit": unit}, assigned_tells(act.reader, p, unit.name))
    provisional(act, done, was=False)
    return done


def _join(act: Act, p: Petition, original: Petition, registered: str) -> Done:
    """A repeat of a petition not yet answered is joined to it (并案): kept and counted as a 重复访,
    but no second 交办 and no second set of deadlines — the unit handling the original is told
    "重复反映，请一并办理" (the bureau, while nobody handles it yet)."""
    p.status, p.unit_id, p.category = status.Status.JOINED, original.unit_id, original.category
    act.session.add(p)
    cases.link_repeat(act, p, original)
    act.session.add(PetitionEvent(petition=p, at=act.now, kind="registered", actor=act.actor, text=registered,
                                  inbound_id=act.inbound_id))
    act.session.add(PetitionEvent(petition=p, at=act.now, kind="joined", actor="system",
                                  text=f"并入{original.tracking_no}一并办理", inbound_id=act.inbound_id))
    act.session.flush()
    cases.inherit_recusals(act.session, p, original, act.now)   # whom the matter accuses never sees its repeat
    done = Done(p, {"petition_id": p.id, "unit": original.unit, "joined": original.tracking_no})
    data = {"original": original.tracking_no}
    if original.unit_id is not None and original.status in status.HANDLING:
        done.tells.append(Tell(UNIT, "repeat_joined", data, phones=tuple(audience.unit(act.session, original))))
    else:
        done.tells.append(Tell(STAFF, "repeat_joined", data))
    return done


def register(act: Act, county: County, p: Petition, how: str, registered: str, original: Petition | None,
             directory=None, accused: str | None = None) -> Done:
    """登记: a petition received at the bureau in person (走访) or by letter (来信) — ``p`` unsaved,
    its phone taken as the petitioner's only when given in person (a number written in a letter
    is not trusted until it texts us, 004); ``original``: the open petition it repeats
    (:func:`open_repeat_of`); ``accused``: staff marked it 检举控告 (the names it accuses, or "").
    Then the path of any other, and a receipt by SMS."""
    done = file_new(act, p, county, registered, original, directory, said=accused or "",
                    threat=threats.heard(p.content), accused=accused is not None)
    if p.phone:
        done.tells.append(Tell(PETITIONER, "receipt", {"how": how}))
    return done


def open_repeat_of(s, p: Petition) -> Petition | None:
    """The open petition of the same phone and township on a similar matter, which ``p`` repeats."""
    if not p.phone:
        return None
    return most_similar(s.scalars(select(Petition).where(
        Petition.phone == p.phone, Petition.township_id == p.township_id,
        Petition.status.in_(status.OPEN)).limit(20)), p.content)


def assign(act: Act, p: Petition, unit: Unit) -> Done:
    """交办 to ``unit``: its contacts get the case (with the petitioner's contact: only the handling
    unit has it); a unit with nobody in the directory is the bureau's to telephone."""
    done = Done(p, {"unit": unit.name})
    cases.assign(act, p, unit)
    done.tells += assigned_tells(act.session, p, unit.name)
    return done


def reassign(act: Act, p: Petition, unit: Unit) -> Done:
    """改派: staff move a case its unit has not accepted to ``unit``. Whoever of the old unit got it
    (its contacts and head, none the case accuses) is told it was moved; the new unit gets the
    【交办】 as on a first assignment."""
    told = tuple(dict.fromkeys(audience.unit(act.session, p) + audience.heads(act.session, p)))
    was = cases.reassign(act, p, unit)
    done = Done(p, {"unit": unit.name, "was": was.name if was else ""})
    if told:
        done.tells.append(Tell(PHONES, "reassigned_away", {"unit": unit.name}, phones=told))
    done.tells += assigned_tells(act.session, p, unit.name)
    return done


def urge(act: Act, p: Petition, note: str) -> Done:
    """催办: staff press the unit on the case's next deadline; its contacts and head (none the
    case accuses) get the 【催办】 with the bureau's note."""
    milestone = cases.urge(act, p, note)
    told = tuple(dict.fromkeys(audience.unit(act.session, p) + audience.heads(act.session, p)))
    done = Done(p, {"unit": p.unit.name if p.unit else ""})
    if told:
        done.tells.append(Tell(PHONES, "case_urged", {"milestone": milestone, "note": note}, phones=told))
    return done


def assigned_tells(db, p: Petition, unit_name: str) -> list[Tell]:
    """Who hears of a case just assigned (by staff, or at once on arrival): the unit's contacts,
    and the bureau when the unit has none. ``db``: a session or the hot path's connection."""
    contacts = tuple(audience.unit(db, p))
    out = [] if contacts else [Tell(STAFF, "no_contact", {"unit": unit_name})]
    return out + [Tell(UNIT, "case_assigned", phones=contacts, sentence=assigned_sentence(p))]


def recuse(act: Act, p: Petition, unit: Unit | None = None, person: Person | None = None) -> Done:
    """被反映: the case accuses ``unit`` or ``person``; never assigned, shown or digested to them.
    A case with the accused unit is taken back, and that unit is told only that it was."""
    told = tuple(audience.unit(act.session, p))   # before the case leaves the unit
    recused = cases.recuse(act.session, p, act.now, act.actor, unit=unit, person=person, inbound_id=act.inbound_id)
    taken_back = p in recused.taken_back
    _withdraw_from_accused(act, recused)
    done = Done(p, {"taken_back": taken_back, "name": (unit or person).name, "is_unit": unit is not None})
    if taken_back:
        done.tells.append(Tell(PHONES, "taken_back", phones=told))
    return done


def _withdraw_from_accused(act: Act, recused: cases.Recused) -> None:
    """The texts still unsent to whom the matter now accuses (the people, the barred units'
    members) are withdrawn, for every petition of the matter — one statement."""
    accused = recused.people + [x for u in recused.units for x in audience.members(act.session, u.id)]
    outbox_rows.withdraw(act.session, [q.id for q in recused.matter],
                         [a for x in accused for a in (x.phone, x.openid) if a])


def set_lead(act: Act, p: Petition, lead: Person) -> Done:
    cases.set_lead(act, p, lead)
    done = Done(p, {"lead": lead.name})
    done.tells.append(Tell(PHONES, "lead_set", {"lead": lead.name, "unit": _unit_name(p, "待交办"),
                                                "due": cases.next_due(p)}, phones=(lead.phone,)))
    return done


def answer_review(act: Act, p: Petition, text: str) -> Done:
    level = p.review_level
    cases.answer_review(act, p, text)
    done = Done(p, {"level": level})
    done.tells.append(Tell(PETITIONER, "review_answered", {"level": level, "text": text.strip()}))
    return done


def progress(act: Act, p: Petition, text: str) -> Done:
    """进展: the unit's progress on a case a county leader instructed on, forwarded to the leaders."""
    rows = instructions.report(act.session, p, text, act.now, act.actor, act.inbound_id)
    leaders = {r.person_id for r in rows}
    phones = tuple(act.session.scalars(select(Person.phone).where(Person.id.in_(leaders), Person.active.is_(True))
                                       .order_by(Person.id)))
    done = Done(p, {"next_due": rows[0].next_report_due})
    done.tells.append(Tell(PHONES, "progress", {"unit": _unit_name(p, "信访局"), "text": text.strip()}, phones=phones))
    return done


def instruct(act: Act, p: Petition, text: str) -> Done:
    """批示 by a county leader: recorded, forwarded to the unit handling the case and the bureau;
    the unit reports progress every 10 days."""
    leader = act.person
    row = instructions.instruct(act.session, p, leader, text, act.now, act.inbound_id)
    data = {"title": leader.title or "县领导", "leader": leader.name, "text": row.text}
    done = Done(p, {"where": _unit_name(p, "信访局（待交办）")})
    done.tells += [Tell(UNIT, "instruction", data), Tell(STAFF, "instruction", data)]
    return done


def note(act: Act, p: Petition, text: str) -> Done:
    """备注: a line the handling person keeps on the case's history."""
    cases.event(act.session, p, act.now, "note", act.actor, text[:2000])
    return Done(p)


def provisional(act: Act, done: Done, was: bool) -> None:
    """A deadline that now rests on a year whose holidays are not yet published is computed on the
    county's list (or Monday–Friday); the bureau is told once, so it can check it later."""
    p = done.petition
    if not p.deadline_provisional or was:
        return
    basis = "county_list" if act.rules.calendar.holidays else "weekdays"
    cases.event(act.session, p, act.now, "deadline_provisional", "system", PROVISIONAL_BASIS[basis])
    done.tells.append(Tell(STAFF, "deadline_provisional", {"basis": basis}))

