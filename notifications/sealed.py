"""Texts whose words must not lie in the database in clear: a sign-in code (issue 29, 12).

The outbox row of such a text keeps its purpose, its template and a body and parameters with
the secret masked ("验证码******"), and beside them the real body and parameters encrypted
(Fernet: AES-128-CBC with HMAC-SHA-256) under a key derived from the app's secret
(``SECRET_KEY``, or instance/secret_key — the same on every web process and worker, as the
leaders' signed links already need). Only the deliverer opens it, at the moment of sending
(notifications.outbox), and once the text is sent or has failed for good the sealed part is
erased from the row: what stays is the masked text. A copy of the database, a backup or the
console's list of texts never shows the code.

Why not keep the code in Redis with a time-out: the outbox's promise is that a text written
is sent, also after Redis or a worker was away for a while (retries, the minute's flush); and
Redis's time-out runs on the wall clock, not the county's.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken

from notifications.report_html import secret_key

PURPOSES = ("console_code",)   # the purposes written sealed (the deliverer opens only these)
MASK = "******"
SEALED = "sealed"       # the key of the encrypted part in a row's params


def _fernet(key: bytes | None = None) -> Fernet:
    derived = hmac.new(key or secret_key(), b"xinfang:outbox-sealed", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(purpose: str, body: str, values: list[str], secret: str, now: datetime,
         key: bytes | None = None) -> tuple[str, dict]:
    """(the body to store, the params to store) for a text carrying ``secret``: ``secret``
    masked in both, the real body and values encrypted beside them (``now``: the county's
    clock, stamped in the token; no time limit is read from it)."""
    token = _fernet(key).encrypt_at_time(json.dumps({"b": body, "v": values}, ensure_ascii=False).encode(),
                                         int(now.timestamp()))
    return body.replace(secret, MASK), {"t": purpose, "v": [MASK if v == secret else v for v in values],
                                        SEALED: token.decode()}


def is_sealed(params) -> bool:
    return isinstance(params, dict) and SEALED in params


def open_sealed(params: dict, key: bytes | None = None) -> tuple[str, list[str]]:
    """The real (body, values) of a sealed row's params; ValueError when it cannot be opened
    (the secret changed since it was written)."""
    try:
        opened = json.loads(_fernet(key).decrypt(params[SEALED].encode()))
    except (InvalidToken, KeyError, ValueError) as exc:
        raise ValueError("sealed text cannot be opened (SECRET_KEY changed since it was written?)") from exc
    return opened["b"], opened["v"]


def erased(params: dict) -> dict:
    """A sealed row's params once it is sent or failed for good: the masked ones only."""
    return {k: v for k, v in params.items() if k != SEALED}
