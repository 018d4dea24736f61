"""The county file (TOML): places, units, people. Loaded idempotently by ``xinfang init FILE``.

Natural keys decide identity: a township by name, a village by (township, name), a unit by
code, a person by phone. Loading the same file twice changes nothing; editing and reloading
updates; an entry removed from the file is marked inactive, never deleted (its history stays).
A person an administrator changed in the console (``managed = "console"``, core.directory.admin) is left
as they are until handed back to the file.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.directory.lookup import ROLES, UNIT_ROLES, WECOM_USERID
from core.directory.places import CITY_OWN_PLACE
from core.store import scope
from core.store.models import County, DirectoryLoad, Person, Township, Unit, Village
from core.clock import clock_time
from core.checks.daily import CheckRules
from core.evenings.visits import EveningRules
from core.outbound import DayTime, NumberLimits
from core.rules import ScoreRules
from core.timelines import Policy
from core.workdays import WorkCalendar
from core.phones import InvalidPhone, normalize_phone
from core.words import reports as words


UNIT_KINDS = {"township", "department", "bureau"}


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def check_reports(options: dict | None) -> None:
    """``[county.reports]``: daily_at, weekly_at, monthly_at, reminders_at ("17:30"), weekly_on
    (monday … sunday). Raises ValueError naming the bad key."""
    raw = dict((options or {}).get("reports") or {})
    known = {"daily_at", "weekly_at", "monthly_at", "reminders_at", "weekly_on"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"reports: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    for key in sorted(known - {"weekly_on"}):
        if key in raw:
            try:
                clock_time(raw[key])
            except ValueError as exc:
                raise ValueError(f"reports.{key}: {exc}") from None
    if "weekly_on" in raw and str(raw["weekly_on"]).lower() not in WEEKDAYS:
        raise ValueError(f"reports.weekly_on: a day like \"monday\", got {raw['weekly_on']!r}")



def check_contact(options: dict | None) -> None:
    """``[county.contact]``: hotline, hours, reception, address — what a person who asks for a
    person is told. Raises ValueError naming the bad key."""
    raw = dict((options or {}).get("contact") or {})
    known = {"hotline", "hours", "reception", "address"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"contact: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip() or len(value) > 60:
            raise ValueError(f"contact.{key}: a short text, got {value!r}")


def check_sms(options: dict | None) -> None:
    """``[county.sms]``: the signature (签名) and template ids of a domestic provider (issue 21) —
    a signature without 【】 (the provider adds them), the account's variable length, each id the
    provider's number. Raises ValueError naming the bad key."""
    raw = dict((options or {}).get("sms") or {})
    known = {"sign", "param_limit", "param_max", "templates", "per_number"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"sms: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    sign = raw.get("sign")
    if sign is not None and (not isinstance(sign, str) or not 2 <= len(sign.strip()) <= 20 or "【" in sign or "】" in sign):
        raise ValueError(f"sms.sign: the approved signature, 2 to 20 characters without 【】, got {sign!r}")
    sms_param_limit(options)
    for purpose, template_id in (raw.get("templates") or {}).items():
        if not isinstance(template_id, str) or not template_id.isdigit():
            raise ValueError(f"sms.templates.{purpose}: the provider's template id (digits, as text), got {template_id!r}")
    NumberLimits.from_options(options)


PARAM_LIMIT_WORDS = "\"none\" (an account verified as an organisation) or the characters it allows (personal: 12)"


def sms_param_limit(options: dict | None) -> int | None:
    """``[county.sms] param_limit``: the longest value one variable of a template may carry on the
    county's Tencent Cloud SMS account (refused beyond it: InvalidParameterValue.TemplateParameterLengthLimit).
    An account verified as an organisation (企业实名认证: a 信访局, as a government body) has no
    limit — ``"none"``; a personally verified one 12 characters (Chinese, letters, digits,
    punctuation and spaces each count one); an account Tencent opened after 2024-01-25, or one long
    unused, may be held to 6 until raised — its console says. Returns None for no limit, also when
    the file says nothing; the older ``param_max = N`` is read as ``param_limit = N``. Raises
    ValueError naming the bad key."""
    raw = (options or {}).get("sms") or {}
    if "param_limit" in raw and "param_max" in raw:
        raise ValueError("sms.param_limit: give param_limit only (param_max is its older name)")
    key = "param_limit" if "param_limit" in raw else "param_max"
    value = raw.get(key, "none")
    if value == "none":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 500:
        raise ValueError(f"sms.{key}: {PARAM_LIMIT_WORDS}, got {value!r}")
    return value



class CountyFileError(ValueError):
    """The county file is malformed; the message says where."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deactivated: dict[str, int] = field(default_factory=dict)
    kept: int = 0     # people an administrator changed in the console: the file leaves them be

    def _bump(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)

    def summary(self) -> str:
        return self._summary() + words.kept(self.kept)

    def _summary(self) -> str:
        return words.loaded([(change, getattr(self, change)) for change, _ in words.LOAD_CHANGES])


def _require(table: dict, key: str, where: str, kind=str):
    if key not in table:
        raise CountyFileError(f"{where}: '{key}' is missing")
    value = table[key]
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise CountyFileError(f"{where}.{key}: expected a non-empty {kind.__name__}, got {value!r}")
    return value.strip() if kind is str else value


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CountyFileError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise CountyFileError(f"{path}: not valid TOML: {exc}") from None


def is_city_file(path: str | Path) -> bool:
    """Whether ``path`` is a city's file (``[city]``, listing its counties' files) rather than a county's."""
    return isinstance(_read_toml(Path(path)).get("city"), dict)


def parse_county_file(path: str | Path) -> dict:
    """Read and validate the file; returns plain data ready for :func:`load_county`."""
    return _parse(_read_toml(Path(path)), "county")


def parse_city_file(path: str | Path) -> dict:
    """A city's file (docs/city.md): ``[city]`` — its name, prefix and options as a county's —,
    ``counties = ["lushan.toml", …]`` (paths beside the city's file), and the city's own bureau,
    leaders and departments (``[[units]]``, ``[[leaders]]``, ``[[staff]]``; no townships). Returns
    ``{"city": …, "counties": [{"file": path, **parsed county file}, …]}``; a prefix, a phone
    number or a WeCom id given twice across the files is refused (each says who writes: one person,
    one county)."""
    path = Path(path)
    raw = _read_toml(path)
    table = raw.get("city")
    if not isinstance(table, dict):
        raise CountyFileError("[city] table is missing")
    files = table.get("counties")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f.strip() for f in files):
        raise CountyFileError("city.counties: the counties' files, e.g. [\"lushan.toml\", \"baofeng.toml\"]")
    city = _parse({**raw, "county": {k: v for k, v in table.items() if k != "counties"}}, "city")
    # the city's own place: where the cases of its own departments are filed (到市访 交办 to 市住建局),
    # the petitioner's place kept as written beside it (docs/city.md)
    city["townships"] = [{"name": CITY_OWN_PLACE, "villages": []}]
    counties = []
    for name in files:
        county_path = path.parent / name
        try:
            counties.append({"file": str(county_path), **parse_county_file(county_path)})
        except CountyFileError as exc:
            raise CountyFileError(f"{name}: {exc}") from None
    seen: dict[str, str] = {}
    for where, data in [("city", city)] + [(c["file"], c) for c in counties]:
        keys = [("prefix", data["county"]["prefix"])] + [("phone", p["phone"]) for p in data["people"]] + \
            [("wecom", p["wecom"].lower()) for p in data["people"] if p.get("wecom")]
        for key in keys:
            label = f"{key[0]} {key[1]}" if key[0] != "phone" else "a phone number"
            if key in seen:
                raise CountyFileError(f"{where}: {label} is also {seen[key]}'s")
            seen[key] = where
    return {"city": city, "counties": counties}


def _parse(raw: dict, kind: str) -> dict:
    """A county's (or, ``kind="city"``, the city's) table and directory, validated."""
    county = raw.get("county")
    if not isinstance(county, dict):
        raise CountyFileError("[county] table is missing")
    name = _require(county, "name", kind)
    prefix = _require(county, "prefix", kind)
    if not re.fullmatch(r"[A-Z]{1,6}", prefix):
        raise CountyFileError(f"county.prefix: 1 to 6 capital letters (e.g. LS), got {prefix!r}")
    tz = county.get("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CountyFileError(f"county.timezone: unknown timezone {tz!r}") from None
    if tz != "Asia/Shanghai":
        # every deadline, working day and schedule is China's (the law's, the State Council's
        # holidays): a county file may say so, but cannot change it
        raise CountyFileError(f"county.timezone: only Asia/Shanghai is supported (China's working days and "
                              f"deadlines), got {tz!r}; leave the key out")
    options = {k: v for k, v in county.items() if k not in {"name", "prefix", "timezone"}}
    try:
        Policy.from_options(options)
    except (ValueError, TypeError) as exc:
        raise CountyFileError(f"county.timelines: {exc}") from None
    try:
        WorkCalendar.from_options(options)
    except (ValueError, TypeError) as exc:
        raise CountyFileError(f"county.calendar: dates are written 2027-01-01 ({exc})") from None
    try:
        EveningRules.from_options(options)
        rules = ScoreRules.from_options(options)
        if rules.in_use_from is not None:   # a TOML date is kept as text (the options are JSON)
            options["scores"] = {**options["scores"], "in_use_from": rules.in_use_from.isoformat()}
        DayTime.from_options(options)
        check_reports(options)
        CheckRules.from_options(options)
        check_contact(options)
        check_sms(options)
    except (ValueError, TypeError) as exc:
        raise CountyFileError(f"county.{exc}") from None

    townships = []
    seen = set()
    for i, t in enumerate(raw.get("townships", [])):
        where = f"townships[{i}]"
        tname = _require(t, "name", where)
        if tname in seen:
            raise CountyFileError(f"{where}.name: township {tname!r} appears twice")
        seen.add(tname)
        villages = t.get("villages", [])
        if not isinstance(villages, list) or not all(isinstance(v, str) and v.strip() for v in villages):
            raise CountyFileError(f"{where}.villages: expected a list of names")
        if len(set(villages)) != len(villages):
            raise CountyFileError(f"{where}.villages: a village appears twice")
        townships.append({"name": tname, "villages": [v.strip() for v in villages]})
    if not townships and kind == "county":   # the city's own file has its bureau and departments only
        raise CountyFileError("at least one [[townships]] entry is needed")

    units = []
    codes = set()
    unit_aliases: dict[str, str] = {}
    for i, u in enumerate(raw.get("units", [])):
        where = f"units[{i}]"
        code = _require(u, "code", where)
        if code in codes:
            raise CountyFileError(f"{where}.code: unit code {code!r} appears twice")
        codes.add(code)
        kind = u.get("kind", "department")
        if kind not in UNIT_KINDS:
            raise CountyFileError(f"{where}.kind: one of {sorted(UNIT_KINDS)}, got {kind!r}")
        township = u.get("township")
        if township is not None and township not in seen:
            raise CountyFileError(f"{where}.township: unknown township {township!r}")
        aliases = u.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise CountyFileError(f"{where}.aliases: a list of the short names people use, e.g. [\"住建局\"]")
        for alias in aliases:
            if alias.strip() in unit_aliases:
                raise CountyFileError(f"{where}.aliases: {alias!r} is already another unit's")
            unit_aliases[alias.strip()] = code
        units.append({"code": code, "name": _require(u, "name", where), "kind": kind, "township": township})

    people = []
    phones, wecom_ids = set(), set()
    for section in ("cadres", "leaders", "staff"):
        for i, p in enumerate(raw.get(section, [])):
            where = f"{section}[{i}]"
            default_role = {"cadres": "cadre", "leaders": "leader", "staff": "staff"}[section]
            role = p.get("role", default_role)
            if role not in ROLES:
                raise CountyFileError(f"{where}.role: one of {sorted(ROLES)}, got {role!r}")
            try:
                phone = normalize_phone(_require(p, "phone", where))
            except InvalidPhone as exc:
                raise CountyFileError(f"{where}.phone: {exc}") from None
            if phone in phones:
                raise CountyFileError(f"{where}.phone: this number is given to two people")
            phones.add(phone)
            unit = p.get("unit")
            if unit is not None and unit not in codes:
                raise CountyFileError(f"{where}.unit: unknown unit code {unit!r}")
            if role in UNIT_ROLES and unit is None:
                raise CountyFileError(f"{where}.unit: a {role} must belong to a unit")
            wecom = p.get("wecom")
            if wecom is not None:
                if not isinstance(wecom, str) or not WECOM_USERID.fullmatch(wecom):
                    raise CountyFileError(f"{where}.wecom: a WeCom user id (账号: 1–64 letters, digits, _ - . @), "
                                          f"got {wecom!r}")
                if wecom.lower() in wecom_ids:   # WeCom's user ids are case-insensitive
                    raise CountyFileError(f"{where}.wecom: this WeCom user id is given to two people")
                wecom_ids.add(wecom.lower())
            people.append({"name": _require(p, "name", where), "phone": phone, "openid": p.get("openid"),
                           "unit": unit, "role": role, "title": p.get("title"), "wecom": wecom})

    if unit_aliases:
        options["unit_aliases"] = unit_aliases     # 住建局 → the unit's code (core.directory.lookup.find_unit)
    return {"county": {"name": name, "prefix": prefix, "timezone": tz, "options": options},
            "townships": townships, "units": units, "people": people}


def _assign(obj, report: LoadReport, label: str, **values) -> None:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed:
        report._bump(report.updated, label)


def county_row(session: Session, prefix: str, kind: str = "county") -> County | None:
    """The row a file loads into: the county (or city) of this prefix; in a deployment of one
    county, its only county whatever the prefix (a file may change it: edit and re-run)."""
    rows = list(session.scalars(select(County).where(County.kind == kind).order_by(County.id)))
    for row in rows:
        if row.prefix == prefix:
            return row
    if len(rows) == 1 and rows[0].parent_id is None and not session.scalar(
            select(County.id).where(County.kind == ("city" if kind == "county" else "county"),
                                    County.id != rows[0].id).limit(1)):
        return rows[0]
    return None


def load_county(session: Session, data: dict, kind: str = "county", parent: County | None = None) -> LoadReport:
    """Upsert the parsed county file (``kind="city"``: the city's own file) into its county's row
    — found by its prefix — and its directory; ``parent``: the county's city. The session is left
    bound to the county (core.store.scope): what the caller writes next is the county's. The
    caller commits."""
    report = LoadReport()
    c = data["county"]
    scope.bind(session, None)   # the counties' own rows are no county's
    county = county_row(session, c["prefix"], kind)
    if county is None:
        county = County(name=c["name"], prefix=c["prefix"], timezone=c["timezone"], options=c["options"], kind=kind,
                        parent_id=parent.id if parent is not None else None)
        session.add(county)
        report._bump(report.created, "county")
    else:
        _assign(county, report, "county", name=c["name"], prefix=c["prefix"], timezone=c["timezone"],
                options=c["options"])
        if parent is not None:
            _assign(county, report, "county", parent_id=parent.id)
    session.flush()
    elsewhere = {p.phone for p in session.scalars(select(Person).where(
        Person.phone.in_([p["phone"] for p in data["people"]]), Person.county_id != county.id))}
    if elsewhere:   # an address says who writes, hence the county: one person, one county
        raise CountyFileError(f"{len(elsewhere)} phone number(s) of this file belong to another county's people")
    scope.bind(session, county.id)   # its places, units and people; new ones are its own

    townships = {t.name: t for t in session.scalars(select(Township))}
    for t in data["townships"]:
        row = townships.get(t["name"])
        if row is None:
            row = townships[t["name"]] = Township(name=t["name"], active=True)
            session.add(row)
            report._bump(report.created, "townships")
        else:
            _assign(row, report, "townships", active=True)
    listed = {t["name"] for t in data["townships"]}
    for name, row in townships.items():
        if name not in listed and row.active:
            row.active = False
            report._bump(report.deactivated, "townships")
    session.flush()

    villages = {(v.township_id, v.name): v for v in session.scalars(   # a village is its township's county's
        select(Village).where(Village.township_id.in_([t.id for t in townships.values()])))}
    wanted = set()
    for t in data["townships"]:
        tid = townships[t["name"]].id
        for vname in t["villages"]:
            wanted.add((tid, vname))
            row = villages.get((tid, vname))
            if row is None:
                session.add(Village(township_id=tid, name=vname, active=True))
                report._bump(report.created, "villages")
            else:
                _assign(row, report, "villages", active=True)
    for key, row in villages.items():
        if key not in wanted and row.active:
            row.active = False
            report._bump(report.deactivated, "villages")

    units = {u.code: u for u in session.scalars(select(Unit))}
    for u in data["units"]:
        tid = townships[u["township"]].id if u["township"] else None
        row = units.get(u["code"])
        if row is None:
            row = units[u["code"]] = Unit(code=u["code"], name=u["name"], kind=u["kind"], township_id=tid, active=True)
            session.add(row)
            report._bump(report.created, "units")
        else:
            _assign(row, report, "units", name=u["name"], kind=u["kind"], township_id=tid, active=True)
    listed_codes = {u["code"] for u in data["units"]}
    for code, row in units.items():
        if code not in listed_codes and row.active:
            row.active = False
            report._bump(report.deactivated, "units")
    session.flush()

    people = {p.phone: p for p in session.scalars(select(Person))}
    for p in data["people"]:
        unit_id = units[p["unit"]].id if p["unit"] else None
        row = people.get(p["phone"])
        if row is not None and row.managed == "console":   # an administrator's change stands
            report.kept += 1
            continue
        values = dict(name=p["name"], unit_id=unit_id, role=p["role"], title=p["title"], active=True,
                      wecom_userid=p.get("wecom"))
        if p["openid"]:
            values["openid"] = p["openid"]
        if row is None:
            session.add(Person(phone=p["phone"], **values))
            report._bump(report.created, "people")
        else:
            _assign(row, report, "people", **values)
    listed_phones = {p["phone"] for p in data["people"]}
    for phone, row in people.items():
        if phone not in listed_phones and row.active and row.managed != "console":
            row.active = False
            report._bump(report.deactivated, "people")
    session.flush()
    return report


def record_load(session: Session, report: LoadReport, source: str, digest: str, now: datetime) -> None:
    """The county file's state, for the 管理 page: this load, what it changed, whom it left be."""
    session.add(DirectoryLoad(at=now, source=source[-255:], digest=digest, summary=report.summary(),
                              kept=report.kept))


def load_city(session: Session, data: dict) -> list[tuple[County, dict, LoadReport]]:
    """Load a parsed city file (:func:`parse_city_file`): the city's row (kind "city") and its
    own directory, then each county (kind "county", its parent the city) with its own. Each is
    loaded with the session bound to it; returns (row, its parsed data, what changed) for each,
    the city first. The caller commits."""
    city_report = load_county(session, data["city"], kind="city")
    scope.bind(session, None)
    city = county_row(session, data["city"]["county"]["prefix"], "city")
    loaded = [(city, data["city"], city_report)]
    for county in data["counties"]:
        report = load_county(session, county, parent=city)
        scope.bind(session, None)
        loaded.append((county_row(session, county["county"]["prefix"]), county, report))
    return loaded
