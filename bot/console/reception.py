"""接访日程: the leaders' receptions on the schedule citizens read ("接访")."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from bot.console.common import bp, clock_now, id_of, leads_of, services, signed_in
from core.directory import reception
from core.workplace import workbench
from core.clock import SHANGHAI
from core.store.db import transaction
from core.store.models import Person
from core.words import console as W


@bp.route("/reception", methods=["GET", "POST"])
@login_required
def reception_page():
    """接访日程: staff put the leaders' receptions on the schedule citizens read ("接访")."""
    svc, now = services(), clock_now()
    today = now.astimezone(SHANGHAI).date()
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        leaders = leads_of(s)
        if request.method == "POST":
            if person.role != "staff":
                abort(403)
            try:
                if request.form.get("cancel"):
                    slot = reception.cancel(s, id_of(request.form.get("cancel")) or 0)
                    flash(W.RECEPTION_CANCELLED if slot else W.RECEPTION_NOT_FOUND)
                    if slot:
                        workbench.audit(s, person, now, "reception_cancel", detail=f"{slot.day} {slot.leader}")
                else:
                    leader = s.get(Person, id_of(request.form.get("leader")) or 0)
                    day = date.fromisoformat(request.form.get("day", ""))
                    if leader is None:
                        raise reception.ReceptionError("reception_leader", name="")
                    slot = reception.add(s, day, request.form.get("hours", ""), leader, request.form.get("place", ""),
                                         request.form.get("note"), today, now, f"staff:{person.id}")
                    workbench.audit(s, person, now, "reception_add", detail=f"{slot.day} {slot.starts}-{slot.ends} {slot.leader}")
                    flash(W.reception_published(slot.day, slot.starts, slot.ends, slot.leader, slot.place))
            except ValueError as exc:
                flash(W.RECEPTION_ERRORS.get(getattr(exc, "code", ""), W.RECEPTION_FORMAT))
            return redirect(url_for("console.reception_page"))
        slots = reception.upcoming(s, today)
        return render_template("console/reception.html", me=person, slots=slots, leaders=leaders, today=today)
