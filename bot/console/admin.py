"""管理: the directory administered from the console (core.directory.admin) — people, their roles and units,
停用/启用, 管理员, the WeChat binding and its code, the county file handed back."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from bot.console.common import ROLE_WORDS, bp, client_address, clock_now, id_of, names_of, row_of, services, signed_in
from core.directory import admin
from core.workplace import workbench
from core.directory.lookup import BIND_TTL, ROLES, new_bind_code
from core.phones import mask_phone
from core.store.db import reading, transaction
from core.store.models import OutboundMessage, Person, Unit
from core.words import refusals as errors
from core.words import console as W


# --- 管理: the directory ----------------------------------------------------------------------------

ADMIN_ACTIONS = {"save", "deactivate", "activate", "grant", "revoke", "unbind", "bind_code", "hand_back"}


def _admin(s) -> Person:
    person = signed_in(s)
    if not person.admin:
        abort(403)
    return person


def _entry(form) -> admin.Entry:
    unit = form.get("unit", "")
    return admin.Entry(name=form.get("name", ""), phone=form.get("phone", ""), role=form.get("role", ""),
                       unit_id=id_of(unit), title=form.get("title"), wecom=form.get("wecom"))


@bp.get("/admin")
@login_required
def admin_page():
    """管理: the people of the directory, the units and who can be reached there, the county file."""
    svc = services()
    unit_id = id_of(request.args.get("unit"))
    with reading(svc.sessions) as s:
        me = _admin(s)
        d = admin.directory(s, unit_id)
        return render_template("console/admin.html", me=me, d=d, unit_id=unit_id, units=names_of(s, Unit),
                               roles=ROLES, trail=workbench.admin_trail(s))


@bp.post("/admin/people")
@login_required
def admin_add():
    svc, now = services(), clock_now()
    with transaction(svc.sessions) as s:
        me = _admin(s)
        try:
            person = admin.add_person(s, _entry(request.form))
        except admin.DirectoryError as exc:
            s.rollback()
            flash(errors.say(exc))
            return redirect(url_for("console.admin_page"))
        workbench.audit(s, me, now, "admin_add", detail=f"{person.name}（{ROLE_WORDS[person.role]}）",
                        address=client_address(), subject=person)
        person_id, name = person.id, person.name
    flash(W.person_added(name))
    return redirect(url_for("console.admin_person", person_id=person_id))


@bp.get("/admin/people/<int:person_id>")
@login_required
def admin_person(person_id: int):
    svc = services()
    with reading(svc.sessions) as s:
        me = _admin(s)
        person = row_of(s, Person, person_id) or abort(404)
        return render_template("console/admin_person.html", me=me, x=person, units=names_of(s, Unit),
                               roles=ROLES, trail=workbench.admin_trail(s, person))


@bp.post("/admin/people/<int:person_id>")
@login_required
def admin_change(person_id: int):
    """One change to a person: the form's fields, 停用/启用, 管理员, the WeChat binding, the file."""
    action = request.form.get("action", "")
    if action not in ADMIN_ACTIONS:
        abort(400)
    svc, now = services(), clock_now()
    ids: list[int] = []
    with transaction(svc.sessions) as s:
        me = _admin(s)
        person = row_of(s, Person, person_id) or abort(404)
        detail = person.name
        try:
            if action == "save":
                changed = admin.change_person(s, person, _entry(request.form), by=me)
                message = W.SAVED if changed else W.UNCHANGED
                detail = f"{person.name}：{'、'.join(changed)}" if changed else None
            elif action in ("deactivate", "activate"):
                admin.set_active(s, person, action == "activate", me)
                message = W.person_active(person.name, action == "activate")
            elif action in ("grant", "revoke"):
                admin.set_admin(s, person, action == "grant", me)
                message = W.person_admin(person.name, action == "grant")
            elif action == "unbind":
                message = W.person_unbound(person.name, admin.unbind(person))
            elif action == "hand_back":
                admin.hand_back(person)
                message = W.person_handed_back(person.name)
            else:
                if not person.active:
                    raise admin.DirectoryError("inactive", name=person.name)
                code = new_bind_code(s, person, now)
                county, _ = svc.county(s.connection())
                days = BIND_TTL // timedelta(days=1)
                said = W.bind_code(county.name, code, days)
                ids = [OutboundMessage.enqueue(s, "sms", person.phone, said, said.key, now, params=list(said.values))]
                message = W.bind_code_sent(person.name, mask_phone(person.phone), days)
        except admin.DirectoryError as exc:
            s.rollback()
            flash(errors.say(exc))
            return redirect(url_for("console.admin_person", person_id=person_id))
        if detail:
            workbench.audit(s, me, now, f"admin_{action}", detail=detail, address=client_address(), subject=person)
    svc.send_later(ids, now)
    flash(message)
    return redirect(url_for("console.admin_person", person_id=person_id))
