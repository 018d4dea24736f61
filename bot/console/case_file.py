"""A case file: the case with its facts, deadlines, history, texts and messages, and the forms of
the actions this person may take now (core.actions.offered, in the catalogue's sections); a form
read into the action's arguments and taken through core.actions.perform, a refusal shown beside
its field; the history refreshed in place; the petitioner's number revealed and their media
shown — each recorded."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy import or_, select

from bot.console.common import (actor_name, bp, client_address, clock_now, id_of, leads_of, names_of, row_of,
                                send_after_commit, services, signed_in)
from bot.sms import inbound_from_raw as from_sms
from bot.wechat import inbound_from_raw as from_wechat
from core.cases import supervision
from core import actions
from core.workplace import workbench
from core.cases.lifecycle import CaseError, may_act
from core.rules import Rules
from core.directory.lookup import LEAD_ROLES, find_person, find_unit
from core.evenings.visits import EveningError
from core.phones import mask_phone
from core.store import scope
from core.store.db import reading, transaction
from core.store.models import Attachment, County, OutboundMessage, Person, Petition, Unit
from core.timelines import STATUTORY_MAX_EXTENSION
from core.words.citizens import CALL_OUTCOME_NAMES
from core.acts import Act
from handlers import notify
from core.words import refusals as errors
from core.words import officials as T
from core.words import console as W
from notifications.media import INLINE, MediaFiles, sniff


@bp.get("/cases/<no>")
@login_required
def case(no: str):
    return _case_page(no)


@dataclass(frozen=True)
class Failed:
    """A refused form of the case file, shown again where it was: what was typed, and the words of
    the refusal beside the field that caused it (``field``: its kind; None: the form as a whole)."""
    action: str
    error: str
    field: str | None = None
    values: dict = dataclass_field(default_factory=dict)


def _groups(steps: list[actions.Action]) -> list[tuple[str, str, list[actions.Action]]]:
    """The actions offered, in the case file's sections (办理, 转交, 监督, 记录): each in the
    catalogue's order, a destructive one last."""
    return [(key, word, sorted((a for a in steps if a.group == key), key=lambda a: a.destructive))
            for key, word in W.GROUPS.items() if any(a.group == key for a in steps)]


def _case_page(no: str, failed: Failed | None = None):
    svc, now = services(), clock_now()
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        file = workbench.case_file(s, person, no)
        if file is None:
            return render_template("console/not_found.html", no=no, me=person), 404
        workbench.audit(s, person, now, "view", file.petition.id, address=client_address())
        allowed = may_act(s, person, file.petition)
        units = names_of(s, Unit)
        texts = _texts_to(s, file.texts, file.petition)
        county, _ = svc.county(s.connection())
        policy = Rules.for_county(county).policy.name
        basis = dict(W.BASIS.get(policy, W.BASIS["statutory"]))
        if file.petition.under_evenings:
            basis["reply"] = basis["finish"] = W.UNDER_EVENINGS
        p = file.petition
        may_reveal = allowed   # the number only to those handling it (a 包案 leader among them)
        steps = actions.offered(s, person, p)
        leads = leads_of(s, p) if person.role == "staff" else []
        names = names_of(s, Person)
        unit = units.get(p.unit_id, "")
        return render_template("console/case.html", f=file, p=file.petition, me=person, may_act=bool(steps),
                               units=units, texts=texts, messages=[(m, _said(m)) for m in file.messages],
                               basis=basis, names=names, who=lambda actor: actor_name(actor, names),
                               groups=_groups(steps), leads=leads, failed=failed,
                               ask=lambda a: W.confirm(a.name, p.tracking_no, unit),
                               complexities=T.COMPLEXITY_WORDS, W=W, may_reveal=may_reveal), 422 if failed else 200


@bp.get("/media/<int:attachment_id>")
@login_required
def media_file(attachment_id: int):
    """A photo, recording or video the petitioner sent, from our stored copy — to one who may see
    its case, and recorded; anything else is 404, like a case not theirs."""
    svc, now = services(), clock_now()
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        a = row_of(s, Attachment, attachment_id)
        p = s.get(Petition, a.petition_id) if a is not None and a.petition_id else None
        if p is None or a.fetch_status != "stored" or not workbench.may_see(s, person, p):
            abort(404)
        workbench.audit(s, person, now, "media", p.id, detail=f"{a.kind} #{a.id}", address=client_address())
        path = MediaFiles(svc.settings.media_dir).path(a.sha256)
    if not path.exists():
        abort(404)
    with path.open("rb") as f:
        kind = sniff(f.read(16))   # what the bytes are, not what was stored from WeChat's response
    response = send_file(path.resolve(), mimetype=kind, max_age=0, as_attachment=kind not in INLINE,   # absolute: Flask reads a relative path from bot/
                         download_name=f"{p.tracking_no}-{attachment_id}" + MEDIA_SUFFIX.get(kind, ".bin"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"   # nothing in it runs
    response.headers["Cache-Control"] = "private, no-store"
    return response


MEDIA_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                "audio/amr": ".amr", "audio/amr-wb": ".amr", "audio/mpeg": ".mp3", "video/mp4": ".mp4"}


@bp.post("/cases/<no>/reveal")
@login_required
def reveal(no: str):
    """The petitioner's number, shown to one who handles the case, and recorded."""
    svc, now = services(), clock_now()
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        p = workbench.find_case(s, person, no)
        if p is None or not may_act(s, person, p):
            abort(404)
        workbench.audit(s, person, now, "reveal", p.id, address=client_address())
        phone = p.phone or "（未留电话）"
    return Markup('<span id="phone">{}</span>').format(phone)


@bp.get("/cases/<no>/events")
@login_required
def events(no: str):
    """The case's history, for the case file to refresh in place (htmx, every 10 s): a cadre's SMS
    answer appears while staff look at it."""
    svc = services()
    with reading(svc.sessions) as s:
        p = workbench.find_case(s, signed_in(s), no)
        if p is None:
            abort(404)
        names = names_of(s, Person)   # only the history: the poll reads no texts, messages or media
        return render_template("console/_events.html", events=workbench.events_of(s, p),
                               who=lambda actor: actor_name(actor, names))


@bp.post("/cases/<no>/act")
@login_required
def act(no: str):
    """One action on the case: the same use case as the SMS command, its sentence as the result."""
    action = request.form.get("action", "")
    if action not in actions.ACTIONS:
        abort(400)
    svc, now = services(), clock_now()
    form = {k: request.form.get(k, "").strip() for k in ("text", "unit", "lead", "days", "outcome", "complexity")}
    message, outbox = None, None
    with transaction(svc.sessions) as s:
        person = signed_in(s)
        p = workbench.find_case(s, person, no, lock=True)
        if p is None:
            abort(404)
        county, gazetteer = svc.county(s.connection())
        outbox = notify.Outbox(s, county, gazetteer, now)
        doing = Act(s, Rules.for_county(county), now, f"{person.role}:{person.id}", person)
        failed, done = None, None
        try:
            done = actions.perform(doing, p, action, _arguments(s, actions.ACTIONS[action], form))
        except Unfilled as exc:
            failed = Failed(action, exc.words, exc.field, form)
        except (CaseError, EveningError) as exc:   # refused: nothing of it is kept
            s.rollback()
            failed = Failed(action, W.NOT_YOURS if exc.code == "not_found" else errors.say(exc),
                            FIELD_OF.get(exc.code), form)
        if done is not None:
            notify.deliver(outbox, done)
            message = done.said
            workbench.audit(s, person, now, action, p.id, detail=_detail(s, form) or None, address=client_address())
        else:
            message, outbox = failed.error, None
    if outbox is not None:
        send_after_commit(svc, outbox, now)
    flash(message)
    if request.form.get("back") == "follow_ups":   # the 回访 page's own form
        return redirect(url_for("console.follow_ups_page") + f"#fu-{no}")
    if failed is not None:   # the form again, as typed, its error beside the field (and at the top)
        return _case_page(no, failed)
    return redirect(url_for("console.case", no=no))


# a refusal that is about one field of the form: shown beside it
FIELD_OF = {"extend_too_long": "days", "extend_format": "days", "not_accept_reason": "text",
            "send_back_reason": "text", "reply_empty": "text", "lead_not_leader": "lead", "lead_accused": "lead",
            "assign_to_bureau": "unit", "assign_accused": "unit", "reassign_same": "unit",
            "follow_up_outcome": "outcome", "complexity_unknown": "complexity", "recused_already": "accused",
            "supervise_days": "days", "supervise_due_past": "days", "supervise_reason": "text",
            "supervise_reason_long": "text"}


class Unfilled(Exception):
    """A field of the form left empty or not found: its words, said beside it."""

    def __init__(self, field: str, words: str):
        super().__init__(words)
        self.field, self.words = field, words


def _detail(s, form: dict) -> str:
    """What the form said, for the audit trail (a leader by name, not by id)."""
    lead = _lead_of(s, form)
    outcome = CALL_OUTCOME_NAMES.get(form["outcome"], "")
    return " ".join(x for x in (form["unit"], lead.name if lead else "", form["days"] and f"{form['days']}日",
                                outcome, form["text"]) if x)


def _lead_of(s, form: dict) -> Person | None:
    lead = s.get(Person, id_of(form["lead"])) if id_of(form["lead"]) else None
    return lead if lead is not None and lead.active and lead.role in LEAD_ROLES else None


CHOSEN = ("unit", "lead", "outcome", "complexity")   # the fields chosen from a list (请选择 first)


def _arguments(s, action: actions.Action, form: dict):
    """The form's fields read into the action's arguments (core.actions, which checks their rules);
    a field left empty or at 请选择, a unit or person not found, is :class:`Unfilled`."""
    values = {}
    for field in action.asks:
        raw = form["text"] if field.kind in ("text", "note", "accused") else form[field.kind]
        if field.required and not raw:
            raise Unfilled(field.kind, W.choose(field.label) if field.kind in CHOSEN else W.fill_in(field.label))
        if field.kind in ("text", "note"):
            values["text"] = raw
        elif field.kind == "outcome":
            values["outcome"] = raw            # its rule is the value's (actions.Call)
        elif field.kind == "complexity":
            values["complexity"] = raw or None     # its rule is the value's (actions.Complexity)
        elif field.kind == "unit":
            values["unit"] = find_unit(s, raw)
            if values["unit"] is None:
                raise Unfilled(field.kind, T.unit_not_found(raw))
        elif field.kind == "lead":
            values["lead"] = _lead_of(s, form)
            if values["lead"] is None and raw:   # not a leader (any more), or no such person
                raise Unfilled(field.kind, W.choose(field.label))
        elif field.kind == "days":
            if not raw.isdigit():
                raise Unfilled(field.kind, errors.say(CaseError("supervise_days", most=supervision.MOST_DAYS)
                                                      if action.name == "supervise" else
                                                      CaseError("extend_too_long", most=STATUTORY_MAX_EXTENSION)))
            values["days"] = int(raw)
        elif field.kind == "accused":
            values["unit"] = find_unit(s, raw)
            values["person"] = None if values["unit"] is not None else find_person(s, raw)
            if values["unit"] is None and values["person"] is None:
                raise Unfilled(field.kind, T.unit_or_person_not_found(raw))
    try:
        return action.args(**values)
    except CaseError as exc:   # a typed value's own rule (延期's days and reason): beside its field
        raise Unfilled(FIELD_OF.get(exc.code) or action.asks[0].kind, errors.say(exc)) from None


def _said(m) -> str:
    """What the petitioner wrote, as they wrote it (the stored raw message)."""
    try:
        msg = (from_wechat if m.channel == "wechat" else from_sms)(m.raw, m.id, m.received_at)
    except Exception:   # a message we could not read is still shown as stored
        return "（无法解析的消息）"
    if msg.kind == "text" or msg.text:
        return msg.text
    return {"image": "［图片］", "voice": "［语音］", "video": "［视频］", "location": "［位置］"}.get(msg.kind, f"［{msg.kind}］")


def _texts_to(s, texts: list[OutboundMessage], p) -> list[tuple[OutboundMessage, str]]:
    """Each text with who it went to, as the console shows it: the petitioner as 信访人; an
    official by name above their number masked (李强 / 138****0011) — the city's people and another
    county's among them (a 【市交办】's answer to the city's bureau); an address nobody of the
    directory has, masked alone."""
    addresses = {m.to for m in texts if m.to not in (p.phone, p.openid)}
    names: dict[str, str] = {}
    if addresses:
        county = s.get(County, p.county_id)     # the case's county's people, and its city's
        counties = [c for c in (p.county_id, county.parent_id if county else None) if c is not None]
        for name, *theirs in s.execute(
                select(Person.name, Person.phone, Person.openid, Person.wecom_userid)
                .where(Person.county_id.in_(counties), or_(Person.phone.in_(addresses), Person.openid.in_(addresses),
                                                           Person.wecom_userid.in_(addresses))),
                execution_options={scope.ALL_COUNTIES: True}):
            names.update({a: name for a in theirs if a in addresses})
    out = []
    for m in texts:
        if m.to in (p.phone, p.openid):
            out.append((m, "信访人"))
            continue
        masked = mask_phone(m.to) if m.to.startswith("+") else m.to[:6] + "…"
        out.append((m, Markup("{}<br>{}").format(names[m.to], masked) if m.to in names else masked))   # a phone's width
    return out
