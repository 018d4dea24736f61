"""``/console``: the bureau's workplace in a browser (docs/console.md) — the same use cases as the
SMS commands (core.actions' catalogue, the areas' use cases), the console's own read models
(core.workplace.workbench). One module per area, every route on the one ``console`` blueprint
(``common.bp``: endpoints are ``console.<view>``, as the templates name them):

- ``common`` — the blueprint, what the areas share (the request's services and clock, the client's
  address, the signed-in person, names of units and people, days and ids a request gives), the
  template filters and context processor, and the security headers of every response;
- ``sign_in`` — /login, /login/code, /logout; the session cookie, CSRF and the login manager;
- ``cases`` — the 工作台 (/) and its shelves (/evenings, /follow-ups), the list and search (/cases),
  bulk actions (/cases/bulk);
- ``case_file`` — a case (/cases/<no>), its actions (…/act), its history (…/events), the
  petitioner's number (…/reveal) and media (/media/<id>);
- ``documents`` — the case file's 文书 (/cases/<no>/documents/<kind>; its own ``documents``
  blueprint);
- ``register`` — 登记 (/register);
- ``stats`` — 统计 (/stats) and the 台账 exports (/export, /export.csv, /exports/…);
- ``reception`` — 接访日程 (/reception);
- ``analysis`` — 分析 (/analysis);
- ``admin`` — 管理: the directory's people (/admin, /admin/people/…);
- ``city`` — the city's pages over its counties (/city, /city/ranking; docs/city.md);
- ``errors`` — every error of a console address as a short page in Chinese, with its status.

What holds for all of it:

- Sign-in (core.workplace.signin): a person of the county file gives their number and gets a one-time code
  by SMS; everyone is told the same whether the number is known or not, "too frequent" included;
  the limits are per number and address, per address and overall, so nobody can use up an
  official's codes; a code answers only in the browser that asked for it. The SMS is sealed in
  the outbox (notifications.sealed): no code in clear in the database.
- Sessions are the server's (``console_session``): the cookie carries a random id only. Signing
  out, 30 minutes idle, 12 hours, the person stopped or their role, unit or 管理 changed: the
  row is ended and the cookie opens nothing.
- Every response of the console carries a Content-Security-Policy (scripts and styles from
  /console/static only), X-Frame-Options DENY, nosniff, a same-origin referrer and ``no-store``.
- The client's address is the connection's, or — with ``XINFANG_TRUSTED_PROXY`` (set by ``xinfang
  serve`` in front of its nginx) — the one our proxy forwards; a header a client sends itself is
  never believed.
- Every form is CSRF-checked (Flask-WTF, app-wide; the channels' webhooks are exempt: they are
  signed).
- Every view of a case file, every reveal of a petitioner's number and every action is recorded
  (audit_event) and shown to the bureau on the case file.
- Scope and recusal are core.workplace.workbench's: an accused person or unit never sees the case — a
  case file they ask for is "没有找到", like an unknown number.
"""
from __future__ import annotations

from flask import Flask

# each area declares its routes on the blueprint as it is imported
from bot.console import admin, analysis, case_file, cases, city, documents, reception, register, sign_in, stats  # noqa: F401
from bot.console import errors
from bot.console.common import bp

__all__ = ["bp", "install"]


def install(app: Flask) -> None:
    """The console on ``app``: sign-in (the session cookie, CSRF exempting the signed webhooks, the
    client's address from a trusted proxy when there is one), the blueprint, and the case file's
    documents (after the console: they use its sign-in)."""
    sign_in.set_up(app)
    errors.install(app)
    app.register_blueprint(bp)
    app.register_blueprint(documents.bp)
