"""登记: a petition received at the bureau — 走访, 来信, 电话访 — registered by the staff member
acting. The SMS command (handlers.officials.register) and the console's form
(bot.console.register) read their words into one :class:`Received` and take this one way in: the
case, its route (core.cases.usecases.register: a repeat joined, an accusation held for the
bureau), whom it names; the front end writes the ``Tell``s and says what was done."""
from __future__ import annotations

from dataclasses import dataclass

from core.acts import Act, Done
from core.cases import usecases
from core.cases.tracking import next_tracking_no
from core.store.models import County, Petition
from core.words import officials as words


@dataclass(frozen=True)
class Received:
    """A petition as the bureau received it."""

    kind: str                       # visit (走访), letter (来信), call (电话访)
    name: str
    phone: str | None               # given in person: the petitioner's; written in a letter: not trusted yet
    people: int
    content: str
    township_id: int
    village_id: int | None = None
    accused: str | None = None      # staff marked it 检举控告: whom it accuses ("" not named yet)
    location: str | None = None     # the place as written, where the township is not it (the city's own cases)


def register_received(act: Act, county: County, received: Received, directory=None,
                      from_city: County | None = None) -> Done:
    """Register ``received``: the case, routed at once (or held for the bureau when it accuses);
    ``Done.data``: petition_id, unit (None: the bureau's to assign). ``from_city``: registered by
    the city's bureau for this county — the county's case, handed down (usecases.handed_down)."""
    s = act.session
    p = Petition(tracking_no=next_tracking_no(s, county.prefix, act.now), channel=received.kind,
                 phone=received.phone, phone_verified=received.phone is not None and received.kind == "visit",
                 name=received.name[:32], township_id=received.township_id, village_id=received.village_id,
                 location={"label": received.location[:200]} if received.location else None,
                 content=received.content.strip(), status="registered", received_at=act.now, updated_at=act.now,
                 people=received.people, county_id=county.id,
                 from_city_id=from_city.id if from_city is not None else None)
    original = usecases.open_repeat_of(s, p)
    done = usecases.register(act, county, p, words.KIND_WORDS[received.kind],
                             words.registered_event(received.kind, received.people, original is None), original,
                             directory, accused=received.accused)
    if from_city is not None:
        done.tells += usecases.handed_down(act, done.petition, from_city)
    return done
