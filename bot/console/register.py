"""登记: staff register a visit, a letter or a call, with the same checks as the SMS command
(core.cases.registration). The city's bureau registers a 到市访 or a letter for one of its
counties (chosen first: the form is then that county's, its places): the county's case from the
first moment, handed down (docs/city.md)."""
from __future__ import annotations

import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import login_required

from bot.console.common import bp, client_address, clock_now, services, signed_in
from core.workplace import workbench
from core.rules import Rules
from core.directory.lookup import find_person, find_unit
from core.phones import find_mobile
from core.store.db import transaction
from core.acts import Act
from handlers import notify
from core.words import officials as T
from core.words import console as W
from core.cases import registration
from core.directory.places import CITY_OWN_PLACE
from core.reports.city import counties_of
from core.store import scope
from core.store.models import County


KINDS = {"visit": "走访", "letter": "来信", "phone": "电话访"}


@bp.route("/register", methods=["GET", "POST"])
@login_required
def register():
    """登记: a visit (走访), a letter (来信) or a call (电话访), with the same checks as the SMS
    command; marked 检举控告, with whom it accuses, it is held for the bureau whatever its words."""
    svc, now = services(), clock_now()
    form = {k: request.form.get(k, "").strip() for k in ("kind", "place", "name", "phone", "people", "content",
                                                          "accused")}
    accusation = request.form.get("accusation") == "yes"
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        if person.role != "staff":
            abort(403)
        city, own = None, False
        if g.get("city_id") is not None:     # the city's bureau registers for one of its counties, or its own
            own = g.get("looked_into") is None and request.values.get("own") == "1"
            if g.get("looked_into") is None and not own:
                counties = [(c.prefix, c.name) for c in counties_of(scope.bind(s, None), g.city_id)]
                return render_template("console/register_city.html", me=person, counties=counties)
            city = None if own else s.get(County, g.city_id)
        county, gazetteer = svc.county(s.connection())
        townships = [] if own else sorted(gazetteer.names.values())
        if request.method == "GET":
            return render_template("console/register.html", me=person, form=form, townships=townships, kinds=KINDS,
                                   accusation=False, own=own)
        problem, found, phone = None, None, None
        if form["kind"] not in KINDS:
            problem = T.REGISTER_KIND
        elif own and not 2 <= len(form["place"]) <= 60:
            problem = W.CITY_PLACE_NEEDED
        elif (found := gazetteer.match(CITY_OWN_PLACE if own else form["place"]).unique) is None:
            # the city's own place, the petitioner's as written (core.directory.places.place_of)
            problem = T.township_not_found(CITY_OWN_PLACE if own else form["place"] or "（空）")
        elif not form["name"]:
            problem = W.NAME_NEEDED
        elif form["phone"] and (phone := find_mobile(form["phone"])) is None:
            problem = T.register_bad_phone(form["phone"])
        elif not form["people"].isdigit() or not 1 <= int(form["people"]) <= 10_000:
            problem = T.REGISTER_PEOPLE
        elif len(form["content"]) < 4:
            problem = W.CONTENT_NEEDED
        elif accusation and (unknown := [w for w in re.split(r"[、，,；;\s]+", form["accused"]) if w
                                         and find_unit(s, w) is None and find_person(s, w) is None]):
            problem = T.unit_or_person_not_found(unknown[0]) + W.ACCUSED_LATER
        if problem:
            flash(problem)
            return render_template("console/register.html", me=person, form=form, townships=townships,
                                   kinds=KINDS, accusation=accusation, own=own), 400
        outbox = notify.Outbox(s, county, gazetteer, now)
        doing = Act(s, Rules.for_county(county), now, f"staff:{person.id}", person, conn=s.connection())
        done = registration.register_received(doing, county, registration.Received(
            form["kind"], form["name"], phone, int(form["people"]), form["content"], found.township_id,
            found.village_id, accused=form["accused"] if accusation else None,
            location=form["place"] if own else None), gazetteer.directory_names,
            from_city=city)
        notify.deliver(outbox, done)
        p = done.petition
        workbench.audit(s, person, now, "register", p.id, address=client_address())
        message = T.registered(p, form["kind"], done.data["unit"].name if done.data["unit"] is not None else None)
        no = p.tracking_no
    svc.send_later(outbox.outbox_ids, now)
    flash(message)
    return redirect(url_for("console.case", no=no))
