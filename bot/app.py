"""The Flask application factory."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import configure_mappers

from bot import console, reports, sms, sms_tencent, wechat, wecom
from core.phones import install_log_redaction
from core.settings import Settings, load_settings
from core.store import counters, inbox, media
from core.store import outbox as outbox_rows
from core.store.db import read, write
from core.store.models import County
from core.words.templates import unregistered
from notifications.services import Services, build_services

log = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` may carry ``SETTINGS`` (a Settings), ``SERVICES`` (a Services),
    or any Flask setting; by default everything comes from the environment."""
    config = dict(config or {})
    app = Flask(__name__)
    services: Services | None = config.pop("SERVICES", None)
    settings: Settings | None = config.pop("SETTINGS", None)
    if services is None:
        services = build_services(settings or load_settings())
    # refused by its Content-Length, or while a body without one streams in, before it is in memory
    app.config["MAX_CONTENT_LENGTH"] = services.settings.max_body_bytes
    app.config.update(config)
    app.extensions["xinfang"] = services

    install_log_redaction()
    for channel, problem in (("WeChat", services.settings.wechat_problem()), ("SMS", services.settings.sms_problem())):
        if problem:
            log.warning("%s channel is off: %s", channel, problem)

    _warm(services)
    if getattr(services.sms, "needs_templates", False):
        _say_unregistered(services)
    app.register_blueprint(wechat.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(sms_tencent.bp)
    app.register_blueprint(wecom.bp)
    app.register_blueprint(reports.bp)
    console.install(app)   # with the case file's 文书 (bot/console/documents.py)

    @app.get("/healthz")
    def healthz():
        """Up when the database takes a write; says how far behind the outbox and the inbound
        messages are (docs/operations.md)."""
        now = services.clock.now()
        try:
            with write(services.engine) as conn:
                counters.can_write(conn)
            writes = "ok"
        except SQLAlchemyError as exc:
            writes = f"refused: {type(exc.orig if hasattr(exc, 'orig') else exc).__name__}"
        with read(services.engine, single=True) as conn:    # no rollback: see core.store.db.reading
            waiting, late = outbox_rows.backlog(conn, "sms", now)
            pending = inbox.pending_count(conn)
            media_waiting, media_late = media.backlog(conn, now)
        body = dict(ok=writes == "ok", database=writes, wechat=services.settings.wechat_problem() or "on",
                    sms=services.settings.sms_problem() or "on", wecom=services.settings.wecom_problem() or "on",
                    outbox={"sms_waiting": waiting, "sms_oldest_due_s": late}, inbound={"not_handled": pending},
                    media={"not_stored": media_waiting, "oldest_s": media_late})
        return jsonify(body), 200 if writes == "ok" else 503

    return app


def _say_unregistered(services: Services) -> None:
    """Under a template-only provider: the templates the county file gives no id for, at start
    (their texts would fail, one by one, each telling the bureau)."""
    try:
        with read(services.engine, single=True) as conn:
            options = conn.scalar(select(County.options).limit(1)) or {}
    except SQLAlchemyError:   # not migrated yet: `xinfang init` says the rest
        return
    lacking, stray = unregistered((options.get("sms") or {}).get("templates") or {})
    if lacking:
        log.warning("SMS templates without an id in the county file ([county.sms.templates]), their texts will "
                    "fail: %s (xinfang sms-templates --county FILE)", ", ".join(lacking))
    if stray:
        log.warning("SMS template ids in the county file for no template: %s", ", ".join(stray))
    if not {"param_limit", "param_max"} & set(options.get("sms") or {}):
        log.warning("the county file does not say its Tencent account's variable length ([county.sms] param_limit = "
                    "\"none\" when verified as an organisation, 12 when personal); taken as none, so a value too "
                    "long is refused by Tencent (xinfang sms-templates --county FILE)")


def _warm(services: Services) -> None:
    """Pay before the first request what a process pays once: the mappers' configuration (the
    Redis client and RQ are imported with this module, through notifications.services), which
    would otherwise land on the first citizen whose message writes a text — seen as the tail of
    the latency bench."""
    configure_mappers()
