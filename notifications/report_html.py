"""The analyses as HTML pages with charts (the Jinja2 template ``templates/report.html``), and the
signed, expiring links that lead to them.

The charts are drawn in the browser by the vendored Apache ECharts (notifications.charts gives each
chart's figures as JSON, ``bot/static/charts.js`` draws them), with each chart's figures in a table
under it. The scripts come from the console's ``/console/static`` on the same app as ``/reports``
— not inlined: the page is one request of a few kilobytes, the script (1 MB) is cached by the
phone after the first link, and the console shows this page in a frame under its
Content-Security-Policy, which lets in scripts from its own static files only. Opened without
them (``xinfang report``'s file), the page keeps its tables.

A link is ``/reports/<kind>/<first day>?exp=<unix time>&sig=<hex>``: HMAC-SHA256 (itsdangerous'
HMACAlgorithm) over kind, day and expiry with the deployment's secret (``SECRET_KEY``; without
it, a key generated once in the instance directory). A link past its expiry, or with any part
changed, is refused. The signature stays hex on the query string, not an itsdangerous token:
the link must fit in the leaders' three-segment SMS beside the summary, and links already sent
keep working.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from itsdangerous.signer import HMACAlgorithm
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from core.reports.analysis import NOTE_SECTIONS, AUDIENCE, KINDS, Analysis
from core.clock import SHANGHAI
from core.reports.digest import LEVELS
from core.settings import DEFAULT_INSTANCE_DIR
from core.reports.scores import COLOUR_WORDS, GAMING, GROUPS, KIND_WORDS
from notifications import charts
from core.words import reports as words
from notifications.report_text import evenings_text, ranking_text

STATIC = "/console/static"   # the console's static files (the blueprint of bot/console/), on the same app
VALID_FOR = {"daily": timedelta(days=7), "weekly": timedelta(days=30), "monthly": timedelta(days=90)}
_HMAC = HMACAlgorithm(hashlib.sha256)
PAGES = Environment(loader=PackageLoader("notifications", "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)


def secret_key() -> bytes:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key.encode()
    path = Path(DEFAULT_INSTANCE_DIR) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def sign(kind: str, day: str, expires: int, key: bytes | None = None) -> str:
    return _HMAC.get_signature(key or secret_key(), f"{kind}|{day}|{expires}".encode()).hex()


def link(base: str, kind: str, day: str, now: datetime, key: bytes | None = None) -> str:
    expires = int((now + VALID_FOR[kind]).timestamp())
    return f"{base.rstrip('/')}/reports/{kind}/{day}?exp={expires}&sig={sign(kind, day, expires, key)}"


def check(kind: str, day: str, exp: str, sig: str, now: datetime, key: bytes | None = None) -> str | None:
    """None when the link is good; else why not."""
    if kind not in VALID_FOR or not exp.isdigit():
        return "bad link"
    try:
        given = bytes.fromhex(sig or "")
    except ValueError:
        return "bad signature"
    if not _HMAC.verify_signature(key or secret_key(), f"{kind}|{day}|{exp}".encode(), given):
        return "bad signature"
    if now.timestamp() > int(exp):
        return "link expired"
    return None


def figure(chart: dict) -> Markup:
    """One chart of notifications.charts as HTML: the element charts.js draws it into, its JSON, and
    its figures as a table (the same for the console's 统计 and this page)."""
    return Markup(PAGES.get_template("chart.html").render(c=chart))


def _charts(a: Analysis) -> list[dict]:
    first, last = a.period.first, a.period.last
    out = charts.over_time(a.trend, first, last) if a.trend is not None else []
    out.append(charts.by_tally("units", first, last, a.current.units))
    out.append(charts.by_tally("categories", first, last, a.current.categories))
    if a.trend is not None:
        out.append(charts.bars("townships", first, last, {k: n for k, (n, _) in a.trend.townships.items()}))
    out.append(charts.by_tally("channels", first, last, a.current.channels))
    return out


def render(a: Analysis, county: str, static: str = STATIC) -> str:
    c, p, y = a.current.county, a.previous.county, a.year_before.county
    beyond = "、".join(f"{w}{a.beyond.get(level, (0, 0))[0]}批{a.beyond.get(level, (0, 0))[1]}人"
                       for level, w in LEVELS)
    return PAGES.get_template("report.html").render(
        title=f"{county}{KINDS[a.period.kind]}（{a.period.label}）",
        as_of=a.now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        totals=[("批次", (c.petitions, p.petitions, y.petitions)), ("人次", (c.people, p.people, y.people)),
                ("重复访（批）", (c.repeats, p.repeats, y.repeats))],
        beyond=beyond, beyond_previous=sum(b for b, _ in a.beyond_previous.values()),
        change_previous=Analysis.change(c.petitions, p.petitions), change_year=Analysis.change(c.petitions, y.petitions),
        charts=_charts(a), figure=figure, static=static,
        scores_chart=charts.scores(a.period.first, a.period.last, a.scores) if a.scores else None,
        rates=[(k, (words.figure(k, v), words.figure(k, p.rates()[k]), words.figure(k, y.rates()[k])))
               for k, v in c.rates().items()],
        evenings=evenings_text(a.evenings) if a.evenings is not None and a.evenings.cases else None,
        sms=[(AUDIENCE[k], n, parts) for k, (n, parts) in sorted(a.sms.items())] if a.sms else [],
        notes=[(NOTE_SECTIONS[k], a.notes[k]) for k in NOTE_SECTIONS if k in a.notes],
        scores=a.scores or [], groups=GROUPS, colour_words=COLOUR_WORDS, gaming=GAMING,
        details=lambda u: "，".join(f"{KIND_WORDS.get(k, k)}{v:+d}" for k, v in sorted(u.by_kind.items())) or "—",
        ranking=(ranking_text(a.scores, a.period.first.year, a.period.first.month, a.score_rules)
                 if a.scores else None),
    )
