"""The 工作台 and its lists: the home page's shelves (and a county leader's 看板), 七晚's plans,
回访's calls to make, the list and search of cases with their filters, and the bureau's bulk
交办 / 改派 / 催办 on a list's ticked cases."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from bot.console.common import (actor_name, bp, client_address, clock_now, county_today, day_of, id_of, met_words,
                                names_of, row_of, send_after_commit, services, signed_in, SEARCH_CHARS, SEARCH_WORDS)
from core import actions
from core.workplace import workbench
from core.cases.lifecycle import CaseError
from core.rules import Rules
from core.clock import SHANGHAI, day_start
from core.directory.lookup import current_county
from core.reports.digest import gather
from core.reports.measures import measure
from core.reports.scores import month_scores
from core.rules import ScoreRules
from core.status import WITH_BUREAU
from core.evenings.visits import EveningError, EveningRules
from core.store.db import reading, transaction
from core.store.models import Person, Unit
from core.acts import Act
from handlers import notify
from core.words import refusals as errors
from core.words import console as W
from core.words import reports as R


@bp.get("/")
@login_required
def home():
    svc, now = services(), clock_now()
    if current_user.role == "admin":   # an administrator who is nobody of the file has no cases
        return redirect(url_for("console.admin_page"))
    with reading(svc.sessions) as s:
        person = signed_in(s)
        shelves = workbench.shelves(s, person, now)
        units = names_of(s, Unit)
        board = _board(s, person, now) if person.role == "leader" else None
        return render_template("console/home.html", shelves=shelves, units=units, me=person, board=board,
                               CASE_SHELVES=workbench.CASE_SHELVES, pct=R.percent, met=met_words)


def _board(s, person: Person, now: datetime) -> dict:
    """A county leader's 看板: the day (the daily 访情's figures), the month so far, what is 挂牌 by
    unit (counts: the cases stay with those handling them), the month's 月考评 so far — red flag
    and the units in orange and red."""
    today = now.astimezone(SHANGHAI).date()
    first = today.replace(day=1)
    day = gather(s, today, None, person, now)
    hidden_from = workbench.counts_hidden_from(s, person)
    month = measure(s, day_start(first), day_start(today + timedelta(days=1)), now, hidden_from).county
    late: dict[str, int] = {}
    for _, unit in day.overdue:
        late[unit] = late.get(unit, 0) + 1
    scores = month_scores(s, first.year, first.month, ScoreRules.from_options(current_county(s).options), hidden_from)
    return {"day": day, "month": month, "first": first, "late": sorted(late.items(), key=lambda kv: -kv[1]),
            "flags": [u for u in scores if u.flag], "warned": [u for u in scores if u.colour in ("orange", "red")]}


@bp.get("/evenings")
@login_required
def evenings():
    """七晚: each plan under way with its evenings — started, ended, confirmed, counted."""
    svc, now = services(), clock_now()
    with reading(svc.sessions) as s:
        person = signed_in(s)
        plans = workbench.evening_plans(s, person)
        return render_template("console/evenings.html", me=person, plans=plans, units=names_of(s, Unit),
                               rules=EveningRules.from_options(current_county(s).options), now=now)


@bp.get("/follow-ups")
@login_required
def follow_ups_page():
    """回访: the answered cases to telephone — not satisfied first, then unrated — with what the
    petitioner said, whether they were asked again, the calls so far, and a form for the call."""
    svc, now = services(), clock_now()
    with reading(svc.sessions) as s:
        person = signed_in(s)
        rows = workbench.follow_ups(s, person, now)
        names = names_of(s, Person)
        return render_template("console/follow_ups.html", me=person, rows=rows, units=names_of(s, Unit),
                               who=lambda actor: actor_name(actor, names),
                               may_call=person.role == "staff")


@bp.get("/cases")
@login_required
def cases():
    svc = services()
    args = request.args
    q = args.get("q", "")
    page = args.get("page", 1, type=int)
    problems = []
    if len(q.split()) > SEARCH_WORDS or len(q) > SEARCH_CHARS:
        problems.append(W.search_too_long(SEARCH_WORDS, SEARCH_CHARS))
    today = county_today()
    since, until = day_of(args.get("since"), today, problems), day_of(args.get("until"), today, problems)
    unit_id = id_of(args.get("unit"))
    if args.get("unit") and unit_id is None:
        problems.append(W.CHOOSE_UNIT)
    filters = workbench.Filters(unit_id=unit_id, status=args.get("status") or None,
                                channel=args.get("channel") or None, category=args.get("category") or None,
                                since=since, until=until, shelf=args.get("shelf") or None)
    with reading(svc.sessions) as s:
        person = signed_in(s)
        shelf = workbench.shelf_of(person, filters.shelf)
        # a request the search must not run: said, and nothing read (a 500-word search was a 500)
        found = workbench.Found([], 0, 1, 1) if problems else workbench.search(s, person, q, page=page, filters=filters,
                                                                              now=clock_now())
        units = names_of(s, Unit)
        routes = (current_county(s).options or {}).get("routes", [])
        categories = list(dict.fromkeys([r["category"] for r in routes if r.get("category")] + ["其他"]))
        shown = {k: v for k, v in args.items() if k != "page" and v}
        routable = set(s.scalars(select(Unit.id).where(Unit.active.is_(True), Unit.kind != "bureau"))) \
            if person.role == "staff" else set()
        for problem in dict.fromkeys(problems):
            flash(problem)
        return render_template("console/cases.html", found=found, q=q, f=filters, units=units, me=person,
                               categories=categories, shown=shown, shelf=shelf, routable=routable), 400 if problems else 200




BULK_MOST = 50      # cases one bulk action takes (a list's page)


@bp.post("/cases/bulk")
@login_required
def bulk():
    """Several cases of a list at once, by the bureau's staff: 交办 / 改派 to one unit — each case
    as it stands (with the bureau: 交办; with a unit that has not accepted it: 改派) — or 催办.
    Each case is its own action through the catalogue (core.actions.perform: lock, scope, recusal,
    its rule) in its own transaction: one refused leaves the others done, and is said with why."""
    svc, now = services(), clock_now()
    what, back = request.form.get("bulk", ""), request.form.get("back", "")
    back = back if back.startswith("/console/cases") and "//" not in back else url_for("console.cases")
    numbers = list(dict.fromkeys(n.strip().upper() for n in request.form.getlist("no") if n.strip()))
    unit_id, note = id_of(request.form.get("unit")), request.form.get("note", "").strip()
    if what not in ("route", "urge") or not numbers:
        flash(W.BULK_CHOOSE_CASES)
        return redirect(back)
    if what == "route" and unit_id is None:
        flash(W.CHOOSE_UNIT)
        return redirect(back)
    if len(numbers) > BULK_MOST:
        flash(W.bulk_too_many(BULK_MOST))
        return redirect(back)
    done_nos, refused = [], []
    for no in numbers:
        outbox = None
        with transaction(svc.sessions) as s:
            person = signed_in(s)
            if person.role != "staff":
                abort(403)
            county, gazetteer = svc.county(s.connection())
            doing = Act(s, Rules.for_county(county), now, f"{person.role}:{person.id}", person)
            p = workbench.find_case(s, person, no, lock=True)
            try:
                if p is None:
                    raise CaseError("not_found", number=no, role=person.role, scope="unit")
                if what == "route":
                    unit = row_of(s, Unit, unit_id)
                    name = "assign" if p.status in WITH_BUREAU else "reassign"
                    done = actions.perform(doing, p, name, actions.ToUnit(unit)) if unit else None
                    if done is None:
                        raise CaseError("assign_to_bureau")
                else:
                    name = "urge"
                    done = actions.perform(doing, p, name, actions.Text(note))
            except (CaseError, EveningError) as exc:   # refused: nothing of it is kept
                s.rollback()
                refused.append((no, errors.say(exc)))
                continue
            outbox = notify.Outbox(s, county, gazetteer, now)
            notify.deliver(outbox, done)
            workbench.audit(s, person, now, name, p.id, detail=(unit.name if what == "route" else note) or None,
                            address=client_address())
            done_nos.append(no)
        send_after_commit(svc, outbox, now)
    flash(W.bulk_done(what, done_nos, refused))
    return redirect(back)
