"""SMS backends behind one interface (cf. Errbot's backends): console for the defaults, Twilio, and
Tencent Cloud SMS (China's carriers: registered templates only, docs/channels.md)."""
from __future__ import annotations

# Imports inside functions: twilio (and tencentcloud) only when that provider is configured (the
# console backend needs none of it, and importing it costs a CLI command a third of a second).

import logging
import sys
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlparse

from core.phones import mask_phone

log = logging.getLogger(__name__)


class SendError(Exception):
    def __init__(self, message: str, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Templated:
    """How a template-only provider sends a text: the county's registered template for its
    purpose, the parameters in order (core.words.templates), the signature (签名)."""

    template_id: str
    params: list[str]
    sign: str
    limit: int | None = None     # the account's variable length ([county.sms] param_limit); None: none


PARAM_TOO_LONG = "over the account's variable length"


def too_long(template: Templated) -> str | None:
    """Why a provider would refuse these parameters for their length (None: they fit): the first
    variable longer than the account allows, as the stored error says it."""
    for i, value in enumerate(template.params, 1):
        if template.limit is not None and len(value) > template.limit:
            return (f"template {template.template_id} variable {{{i}}} has {len(value)} characters, {PARAM_TOO_LONG} "
                    f"{template.limit} ([county.sms] param_limit; xinfang sms-templates --county FILE)")
    return None


class SmsBackend(Protocol):
    name: str
    needs_templates: bool = False

    def send(self, to: str, body: str, status_callback: str | None = None, template: Templated | None = None) -> str:
        """Send one text; return the provider's message id or raise :class:`SendError` (any other
        exception is taken as temporary). ``template``: for a provider that sends templates only."""


class ConsoleSms:
    """Prints messages (number masked) and keeps them, for the defaults, the demo and tests."""

    name = "console"

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream
        self.quiet = quiet
        self.sent: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def send(self, to: str, body: str, status_callback: str | None = None, template: Templated | None = None) -> str:
        with self._lock:
            self.sent.append((to, body))
            n = len(self.sent)
        if not self.quiet:
            print(f"[短信 → {mask_phone(to)}] {body}", file=self.stream or sys.stdout)
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

    def send(self, to: str, body: str, status_callback: str | None = None, template: Templated | None = None) -> str:
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


# Tencent's error codes a later try may get past: its frequency limits per number (30 s, an hour,
# a day), its own trouble, a package run dry (the county tops it up); anything else — a number that
# is none, a template or signature not approved, a sensitive word — will not get better.
TEMPORARY = ("LimitExceeded.", "InternalError", "RequestLimitExceeded", "FailedOperation.InsufficientBalance",
             "AuthFailure.")


class TencentSms:
    """Tencent Cloud SMS's SendSms through its official SDK (``tencentcloud-sdk-python-sms``):
    one number a request, the county's template for the text's purpose with its parameters, the
    county's signature. The SDK's own retries are off (the outbox retries, with backoff)."""

    name = "tencent"
    needs_templates = True

    def __init__(self, secret_id: str, secret_key: str, app_id: str, region: str = "ap-guangzhou",
                 api_base: str | None = None, timeout: float = 10.0):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        at = urlparse(api_base) if api_base else None   # a local stub in tests and the demo
        http = HttpProfile(protocol=at.scheme if at else None, endpoint=at.netloc if at else None,
                           reqTimeout=int(timeout))
        self.client = sms_client.SmsClient(credential.Credential(secret_id, secret_key), region,
                                           ClientProfile(httpProfile=http))
        self.app_id = self.sender = app_id

    def send(self, to: str, body: str, status_callback: str | None = None, template: Templated | None = None) -> str:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        if template is None:
            raise SendError("tencent: no SMS template registered for this text's purpose "
                            "([county.sms.templates] in the county file)", permanent=True)
        if (problem := too_long(template)) is not None:   # what Tencent refuses as TemplateParameterLengthLimit
            raise SendError(f"tencent: {problem}", permanent=True)
        req = models.SendSmsRequest()
        req.PhoneNumberSet, req.SmsSdkAppId, req.SignName = [to], self.app_id, template.sign
        req.TemplateId, req.TemplateParamSet = template.template_id, list(template.params)
        try:
            resp = self.client.SendSms(req)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or "ClientError"
            raise SendError(f"tencent {code}: {exc.get_message()}", permanent=not code.startswith(TEMPORARY)) from None
        [status] = resp.SendStatusSet
        if status.Code != "Ok":
            raise SendError(f"tencent {status.Code}: {status.Message}", permanent=not status.Code.startswith(TEMPORARY))
        return status.SerialNo
