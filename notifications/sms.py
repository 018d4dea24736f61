"""SMS backends behind one interface (cf. Errbot's backends): console for the defaults, Twilio for real."""
from __future__ import annotations

# Imports inside functions: twilio only when Twilio is configured (the console backend needs
# none of it, and importing it costs a CLI command a third of a second).

import logging
import sys
import threading
from typing import Protocol

from core.phones import mask_phone

log = logging.getLogger(__name__)


class SendError(Exception):
    def __init__(self, message: str, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class SmsBackend(Protocol):
    name: str

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        """Send one text; return the provider's message id or raise :class:`SendError` (any other
        exception is taken as temporary)."""


class ConsoleSms:
    """Prints messages (number masked) and keeps them, for the defaults, the demo and tests."""

    name = "console"

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream
        self.quiet = quiet
        self.sent: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        with self._lock:
            self.sent.append((to, body))
            n = len(self.sent)
        if not self.quiet:
            print(f"[SMS → {mask_phone(to)}] {body}", file=self.stream or sys.stdout)
        return f"console-{n}"


class TwilioSms:
    """Twilio's Messages API through the official client (its own retries off: the outbox retries,
    with backoff, and records every attempt)."""

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, sender: str, base_url: str | None = None,
                 timeout: float = 10.0):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout, max_retries=0))
        if base_url:  # a local stub in tests and benchmarks
            self.client.api.base_url = base_url.rstrip("/")
        self.sender = sender

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        from twilio.base.exceptions import TwilioRestException

        kwargs = {"messaging_service_sid": self.sender} if self.sender.startswith("MG") else {"from_": self.sender}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            return self.client.messages.create(to=to, body=body, **kwargs).sid
        except TwilioRestException as exc:
            # 429 and 5xx are Twilio's or the carrier's trouble: try again; other 4xx (21211
            # invalid number, 21610 unsubscribed, …) will not get better
            permanent = exc.status != 429 and exc.status < 500
            raise SendError(f"twilio {exc.status} {exc.code}: {exc.msg}", permanent=permanent) from None
