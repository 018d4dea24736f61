"""日排查日报告's action (see core.acts; the rules: core.checks.daily): a township's cadre
reports the day's check; a report of people planning to go to the county or beyond is a 预警 for
the bureau and the township's head at once."""
from __future__ import annotations

from core.cases import audience

from core.checks import daily as checks
from core.checks.daily import CheckRules
from core.store.models import Unit
from core.acts import PHONES, STAFF, Act, Done, Tell


def report(act: Act, unit: Unit, rules: CheckRules, *, nothing_new: bool = False, village: str | None = None,
           people: int | None = None, matter: str | None = None, movement: str | None = None) -> Done:
    row = checks.record(act.session, unit, act.person, act.now, rules, act.rules.calendar, nothing_new=nothing_new,
                        village=village, people=people, matter=matter, movement=movement,
                        inbound_id=act.inbound_id)
    done = Done(None, {"row": row, "unit": unit.name, "round": rules.label(row.round), "day": row.day})
    if movement:
        data = {"unit": unit.name, "village": village, "people": people, "matter": row.matter, "movement": movement}
        done.tells.append(Tell(STAFF, "check_warning", data))
        heads = tuple(phone for phone in audience.heads(act.session, None, unit.id) if phone != act.sender)
        if heads:
            done.tells.append(Tell(PHONES, "check_warning", data, phones=heads))
    return done
