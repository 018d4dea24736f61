"""七晚工作法's actions, one function each (see core.acts; the rules: core.evenings.visits).

The bureau selects a backlog case (:func:`select`, also from a campaign file), the unit files
its task force and first evening (:func:`file`), members report each evening's start and end
(:func:`start`, :func:`end`, with a WeChat location checked against the home: :func:`locate`),
the petitioner confirms (:func:`answer`), the bureau excuses a missing confirmation
(:func:`excuse`), and the case is resolved or not (:func:`resolve`, :func:`unresolved`).
"""
from __future__ import annotations

from datetime import date, timedelta

from core.cases import audience, lifecycle as cases
from core.evenings import visits as ev
from core.evenings.visits import EveningRules, MemberSpec, current_members
from core.store.models import EveningPlan, EveningVisit, Person, Petition, PlanMember, Unit
from core.acts import CHECK, PETITIONER, PHONES, Act, Done, Tell
from core.words import evenings as words


def select(act: Act, p: Petition, unit: Unit, lead: Person | None, campaign: str | None = None,
           first_evening: date | None = None) -> Done:
    """The case goes to 七晚 with ``unit``'s task force (and ``lead`` as 包案 leader): the unit is
    asked to file the plan (whoever handled the case before), the leader is told."""
    plan = ev.select_case(act, p, unit, lead, campaign=campaign, first_evening=first_evening)
    cases.recompute(p, act.rules)   # answer and closing held to the law's bounds while the plan runs
    done = Done(p, {"unit": unit.name, "lead": lead.name if lead else None, "plan": plan})
    done.tells.append(Tell(PHONES, "evening_selected", {"campaign": plan.campaign, "lead": done.data["lead"],
                                                        "first": plan.first_evening},
                           phones=tuple(audience.unit(act.session, p, plan.unit_id))))
    if lead is not None:
        done.tells.append(Tell(PHONES, "evening_selected", {"lead": lead.name, "unit": unit.name},
                               phones=(lead.phone,), sentence="evening_selected_lead"))
    return done


def file(act: Act, plan: EveningPlan, members: list[MemberSpec], first: date, rules: EveningRules) -> Done:
    """报备: the task force and the first evening; the members get the schedule, the bureau and
    the 包案 leader are told."""
    ev.file_plan(act, plan, members, first, rules)
    p = plan.petition
    data = {"first": first, "names": "、".join(m.name for m in members), "unit": plan.unit.name}
    done = Done(p, {"first": first, "count": len(members)})
    done.tells.append(Tell(PHONES, "evening_filed", data, phones=tuple(m.phone for m in members),
                           sentence="evening_filed_members"))
    told = {m.phone for m in members}
    officials = tuple(to for to in audience.plan_officials(act.session, plan) if to not in told and to != act.sender)
    done.tells.append(Tell(PHONES, "evening_filed", data, phones=officials))
    return done


def _far(act: Act, plan: EveningPlan, v: EveningVisit, rules: EveningRules, done: Done) -> None:
    """A start located far from the petitioner's home is the bureau's to check."""
    if v.distance_m is None or v.distance_m <= rules.far_m:
        return
    done.data["far_m"] = v.distance_m
    done.tells.append(Tell(PHONES, "evening_far", {"number": v.number, "far_m": v.distance_m},
                           phones=tuple(audience.plan_officials(act.session, plan))))


def _check(plan: EveningPlan, v: EveningVisit, phase: str, data: dict, sentence: str) -> Tell:
    p = plan.petition
    return Tell(CHECK, "evening_check", data, sentence=sentence,
                ask={"kind": "visit", "visit_id": v.id, "phase": phase, "petition_id": p.id})


def start(act: Act, plan: EveningPlan, member: PlanMember, rules: EveningRules, location: dict | None) -> Done:
    """开始: tonight's visit starts; the petitioner is asked whether the task force has come."""
    v = ev.start(act, plan, member, rules, location)
    done = Done(plan.petition, {"visit": v})
    done.tells.append(_check(plan, v, "start", {"started_at": v.started_at}, "evening_check_start"))
    _far(act, plan, v, rules, done)
    return done


def end(act: Act, plan: EveningPlan, member: PlanMember, rules: EveningRules, summary: str | None) -> Done:
    """结束: tonight's visit ends; shorter than the minimum it does not count (nothing is asked);
    else the petitioner is asked to confirm (the start too, if they have not answered it)."""
    v = ev.end(act, plan, member, rules, summary or None)
    took = v.ended_at - v.started_at
    done = Done(plan.petition, {"visit": v, "took": took, "short": took < timedelta(minutes=rules.min_minutes),
                                "by_other": member.id != v.started_by})
    if not done.data["short"]:
        both = v.petitioner_start is None
        done.tells.append(_check(plan, v, "both" if both else "end",
                                 {"started_at": v.started_at, "ended_at": v.ended_at, "took": took},
                                 "evening_check_both" if both else "evening_check_end"))
    return done


def locate(act: Act, plan: EveningPlan, v: EveningVisit, location: dict, rules: EveningRules) -> Done:
    """A member's WeChat location, sent just after 开始: kept on the visit, measured to the home."""
    v.location = location
    v.distance_m = ev.distance_m(location, plan.petition.location)
    ev.event(act.session, plan.petition, act.now, "evening_located", act.actor, words.located(v.number, v.distance_m),
             act.inbound_id)
    done = Done(plan.petition, {"visit": v})
    _far(act, plan, v, rules, done)
    return done


def answer(act: Act, plan: EveningPlan, v: EveningVisit, phase: str, yes: bool) -> Done:
    """The petitioner's 1/2 to a check; a "no" goes to the bureau and the 包案 leader."""
    ev.answer(act, v, phase, yes)
    done = Done(plan.petition, {"yes": yes})
    if not yes:
        done.tells.append(Tell(PHONES, "evening_denied", {"number": v.number, "started_at": v.started_at},
                               phones=tuple(audience.plan_officials(act.session, plan))))
    return done


def excuse(act: Act, plan: EveningPlan, number: int, reason: str, rules: EveningRules) -> Done:
    """确认 编号 第N晚 理由: the bureau accepts why the petitioner's confirmation is missing."""
    v = ev.excuse(act, plan, number, reason)
    return Done(plan.petition, {"visit": v, "left": ev.shortfalls(v, rules)})


def _everyone(act: Act, plan: EveningPlan) -> tuple[str, ...]:
    p = plan.petition
    everyone = [m.phone for m in current_members(plan)] + audience.unit(act.session, p, plan.unit_id) \
        + audience.plan_officials(act.session, plan)
    return tuple(to for to in dict.fromkeys(everyone) if to != act.sender)


def resolve(act: Act, plan: EveningPlan, rules: EveningRules, note: str) -> Done:
    """化解: resolved and cleared (销号); a signed 息访息诉协议 noted; the unit earns its bonus."""
    agreement = "协议" in note
    ev.resolve(act, plan, rules, agreement, note or None)
    done = Done(plan.petition, {"agreement": agreement, "unit": plan.unit.name, "points": rules.resolved_points})
    done.tells.append(Tell(PHONES, "evening_outcome", {"agreement": agreement}, phones=_everyone(act, plan),
                           sentence="evening_resolved"))
    done.tells.append(Tell(PETITIONER, "case_closed", sentence="case_resolved"))
    return done


def unresolved(act: Act, plan: EveningPlan, reason: str) -> Done:
    """未化解: the plan ends, the case stays flagged (挂牌)."""
    ev.unresolved(act, plan, reason)
    cases.recompute(plan.petition, act.rules)   # the county's targets again: a date passed is overdue now
    done = Done(plan.petition)
    done.tells.append(Tell(PHONES, "evening_outcome", {"reason": reason}, phones=_everyone(act, plan),
                           sentence="evening_unresolved"))
    return done
