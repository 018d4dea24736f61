"""The console's error pages in words a clerk reads (issue 31's review: a city's clerk asking for a
county that is not the city's, a page gone, a form sent twice met Werkzeug's English "Not Found").
Every HTTP error of an address under /console — an ``abort`` in a view, an address no route has,
a CSRF token expired, a server error — is answered with its status and a short Chinese page;
the webhooks' errors stay what their peers (WeChat, Twilio, Tencent) are sent. The page stands
alone (no sign-in, no database): it must show when the database does not."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from bot.console.common import LookingInto
from core.words import console as W


def _page(e: HTTPException):
    if not request.path.startswith("/console"):
        return e                                   # a webhook's, or the app's own: as it was
    if isinstance(e, CSRFError):
        title, said = W.ERRORS["csrf"]
    elif isinstance(e, LookingInto):
        title, said = W.ERRORS["looked_into"]
    else:
        title, said = W.ERRORS.get(e.code or 500, W.ERRORS[500 if (e.code or 500) >= 500 else 400])
    response = render_template("console/error.html", title=title, said=said, code=e.code or 500), e.code or 500
    return response


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, _page)
    app.register_error_handler(InternalServerError, _page)
