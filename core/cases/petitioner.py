"""The petitioner's own actions on their petition, one function each (see core.acts): filing it
(:func:`file`, the end of the conversation), adding material, asking for a review, withdrawing,
confirming a meeting, rating the reply. The conversation that leads to them is handlers'
(handlers.intake, handlers.commands, handlers.asks)."""
from __future__ import annotations

from dataclasses import dataclass

from core.acts import STAFF, UNIT, Act, Done, Tell
from core.cases import lifecycle as cases
from core.cases import threats
from core.cases.tracking import next_tracking_no
from core.cases.usecases import file_new, provisional
from core.store import media, petitions
from core.store.models import Attachment, County, Petition, PetitionEvent, insert_all
from core.words import citizens as texts
from core.words.citizens import CALL_OUTCOME_NAMES, RATING_NAMES   # the words kept on the events



@dataclass(frozen=True)
class Filing:
    """A citizen's petition as their conversation took it down (handlers.intake): who, where, what,
    and everything that came with it."""

    channel: str                         # wechat, sms
    name: str
    phone: str | None
    phone_verified: bool
    township_id: int
    village_id: int | None
    content: str                         # the matter (a village not on the list follows it)
    people: int = 1
    location: dict | None = None
    said: str = ""                       # everything the person wrote while filing: screened for 扬言 and accusations
    heard: str = ""                      # said while filing that is not the matter (an announcement, who typed …)
    images: tuple[dict, ...] = ()        # images entered without a message of their own
    messages: tuple[int, ...] = ()       # the conversation's messages (信访材料: kept with the petition)
    entrance_id: int | None = None       # the city's entrance it came by (its account, its number), else None


def file(act: Act, county: County, filing: Filing, directory=None, repeat_of: Petition | None = None) -> Done:
    """File a citizen's petition: its tracking number, the petition and its routing at once
    (core.cases.usecases.file_new: 交办, or the bureau for an accusation; a repeat joined or
    linked; 扬言 in anything said marks it and warns), the note of what was heard that is not
    the matter, the images without a message of their own, and every message of the conversation
    kept with it (their media with them). ``act``: the petitioner, on the message's connection
    (``act.conn``; an ORM session only when the filing needs one). ``Done.data``: petition_id,
    tracking_no, unit (None: the bureau's to assign), joined (the case a repeat joined)."""
    p = Petition(
        tracking_no=next_tracking_no(act.conn, county.prefix, act.now), channel=filing.channel,
        openid=act.sender if filing.channel == "wechat" else None,
        phone=filing.phone, phone_verified=filing.phone_verified, name=filing.name,
        township_id=filing.township_id, village_id=filing.village_id, content=filing.content,
        location=filing.location, status="registered", received_at=act.now, updated_at=act.now,
        people=filing.people, county_id=county.id, entrance_id=filing.entrance_id)
    tracking_no = p.tracking_no
    done = file_new(act, p, county, texts.registered_as(repeat_of.tracking_no if repeat_of is not None else None),
                    repeat_of, directory, said=filing.said, threat=threats.heard(filing.said))
    petition_id = done.data["petition_id"]
    if filing.heard:
        insert_all(act.conn, [PetitionEvent(petition_id=petition_id, county_id=county.id, at=act.now, kind="note",
                                            actor=act.actor,
                                            inbound_id=act.inbound_id, text=texts.heard_note(filing.heard))])
    insert_all(act.conn, [Attachment(petition_id=petition_id, county_id=county.id, kind="image", media_id=image.get("media_id"),
                                     url=image.get("url"), at=act.now,
                                     fetch_status=media.PENDING if image.get("media_id") else None,
                                     fetch_next_at=act.now)
                          for image in filing.images])
    keep(act, filing.messages, petition_id)
    done.data["tracking_no"] = tracking_no
    return done


def keep(act: Act, messages, petition_id: int) -> None:
    """The messages of a conversation kept with the petition they made or joined, and the images,
    voices and videos they carried (recorded when they arrived: core.store.media) with them."""
    ids = [*messages, *([act.inbound_id] if act.inbound_id else [])]
    if ids:
        conn = act.conn if act.conn is not None else act.session.connection()
        petitions.file_inbound(conn, ids, petition_id)
        media.link(conn, ids, petition_id)


def supplement(act: Act, p: Petition, text: str) -> Done:
    """补充: the text is kept with the petition, in order (信访材料 are never lost)."""
    act.session.add(PetitionEvent(petition_id=p.id, at=act.now, kind="supplement", actor=act.actor, text=text,
                                  inbound_id=act.inbound_id))
    p.updated_at = act.now
    return Done(p)


MEDIA_LABELS = {"image": "[图片]", "voice": "[语音]", "video": "[视频]"}


def supplement_media(act: Act, p: Petition, kind: str, media_id: str | None, url: str | None) -> Done:
    """补充 with a photo, a voice or a video: the attachment joins the petition, with its event. A
    message's medium was recorded when it arrived (core.store.media.record); one without a
    message (entered by hand) is recorded here."""
    if act.inbound_id is not None:
        media.link(act.session.connection(), [act.inbound_id], p.id)
    else:
        act.session.add(Attachment(petition_id=p.id, kind=kind, media_id=media_id, url=url, at=act.now,
                                   fetch_status=media.PENDING if media_id else None, fetch_next_at=act.now))
    act.session.add(PetitionEvent(petition_id=p.id, at=act.now, kind="supplement", actor=act.actor,
                                  text=MEDIA_LABELS.get(kind, "[材料]"), inbound_id=act.inbound_id))
    p.updated_at = act.now
    return Done(p)


def request_review(act: Act, p: Petition, level: str, text: str = "") -> Done:
    """申请复查 (within 30 days of the reply) / 申请复核 (of the 复查 answer): the bureau answers
    within 30 days and is told now."""
    was = bool(p.deadline_provisional)
    cases.request_review(act, p, level)
    if text:
        supplement(act, p, text)
    done = Done(p, {"level": level})
    done.tells.append(Tell(STAFF, "review_requested", {"level": level}))
    provisional(act, done, was)    # due in a year the calendar does not know: staff told, once
    return done


def withdraw(act: Act, p: Petition) -> Done:
    """撤回: nothing more is due; the unit handling it stops, and is told so."""
    cases.withdraw(act, p)
    done = Done(p)
    if p.unit_id is not None:
        done.tells.append(Tell(UNIT, "withdrawn"))
    return done


def confirm_meeting(act: Act, p: Petition, met: bool) -> Done:
    """The petitioner's 1/2 to "今天工作人员是否已与您见面": a "no" goes to the bureau (督促确认)."""
    p.meet_confirmed = met
    cases.event(act.session, p, act.now, "meet_confirmed" if met else "meet_denied", act.actor, None, act.inbound_id)
    done = Done(p, {"met": met})
    if not met:
        done.tells.append(Tell(STAFF, "meet_denied"))
    return done


def rate(act: Act, p: Petition, rating: str) -> Done:
    """满意 / 基本满意 / 不满意: kept; a rating never reopens a case. 不满意 reaches the bureau at
    once (回访: the case is for them to follow up), before the petitioner says why."""
    p.rating, p.rated_at = rating, act.now
    cases.event(act.session, p, act.now, "rated", act.actor, RATING_NAMES[rating], act.inbound_id)
    done = Done(p, {"rating": rating})
    if rating == "unsatisfied":
        done.tells.append(Tell(STAFF, "rated_unsatisfied"))
    return done


CALL_RATES = tuple(RATING_NAMES)


def call_outcomes(p: Petition) -> list[tuple[str, str]]:
    """What a call about ``p`` may record: a rating only where the petitioner gave none."""
    return [(k, w) for k, w in CALL_OUTCOME_NAMES.items() if not (p.rating and k in CALL_RATES)]


def phone_follow_up(act: Act, p: Petition, outcome: str, note: str) -> Done:
    """电话回访: the bureau telephoned the petitioner about an answered case; what came of it is
    kept (``follow_up_call``). A rating said on the telephone is kept as the petitioner's, marked
    as by telephone — but only for a case they had not rated: their own rating, 不满意 above all,
    is never overwritten by a call (a unit's score may not be talked up)."""
    if p.status not in ("replied", "closed"):
        raise cases.CaseError("follow_up_unanswered", no=p.tracking_no)
    if outcome in CALL_RATES and p.rating is not None:
        raise cases.CaseError("follow_up_rated", no=p.tracking_no, rating=RATING_NAMES[p.rating])
    said = CALL_OUTCOME_NAMES[outcome] + (f"：{note.strip()[:1000]}" if note.strip() else "")
    cases.event(act.session, p, act.now, "follow_up_call", act.actor, said, act.inbound_id)
    done = Done(p, {"outcome": CALL_OUTCOME_NAMES[outcome]})
    if outcome in CALL_RATES:
        p.rating, p.rated_at = outcome, act.now
        cases.event(act.session, p, act.now, "rated", act.actor, f"{RATING_NAMES[outcome]}（电话回访）", act.inbound_id)
    return done


def review_deadline(rules, p: Petition):
    """The last moment the petitioner may ask for 复查 (or 复核), or None when they may not."""
    window = cases.review_window(p, rules)
    return window[1] if window else None


def rating_reason(act: Act, p: Petition, text: str) -> Done:
    """Why the petitioner is not satisfied: kept, and the bureau told."""
    cases.event(act.session, p, act.now, "rating_reason", act.actor, text.strip()[:2000], act.inbound_id)
    done = Done(p)
    done.tells.append(Tell(STAFF, "unsatisfied", {"text": text}))
    return done
