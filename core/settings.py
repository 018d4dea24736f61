"""Settings read from environment variables.

Every setting has one place here. A channel whose settings are missing is *off*
(reported by :meth:`Settings.channel_problems`); a malformed setting raises
:class:`SettingsError` naming the variable, so the process refuses to start.
"""
from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse



class SettingsError(ValueError):
    """A setting is present but malformed: ``name`` the variable, ``code`` what is wrong with it
    and ``values`` what its sentence needs (the words: core.words.operator.setting)."""

    def __init__(self, name: str, code: str, **values) -> None:
        super().__init__(name, code, values)
        self.name, self.code, self.values = name, code, values

    def __str__(self) -> str:
        return f"{self.name} ({self.code}{' ' + str(self.values) if self.values else ''})"


DEFAULT_INSTANCE_DIR = Path(os.environ.get("XINFANG_INSTANCE", "instance"))


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None = None
    wechat_token: str | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = None
    wechat_aes_key: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    public_base_url: str | None = None
    # How old (seconds) a signed WeChat request may be before it is refused.
    wechat_max_age: int = 300
    # Per-sender flood limit: at most `rate_limit_count` messages in `rate_limit_window` seconds.
    rate_limit_count: int = 30
    rate_limit_window: int = 600
    max_content_chars: int = 5000
    max_body_bytes: int = 64 * 1024   # a request body larger is refused before it is read (413)
    # "queue": the outbox is delivered by RQ workers (web processes enqueue a job after each
    # commit); "inline": by the process that wrote it, right after the commit (chat, demo, tests)
    outbox_delivery: str = "queue"
    # SMS sent per second from one sender number (0: no throttle); TWILIO_TIMEOUT: seconds
    sms_rate: int = 10
    twilio_timeout: int = 10
    twilio_api_base: str | None = None      # a local stub of Twilio's API (tests, benchmarks)
    wechat_api_base: str | None = None      # a local stub of WeChat's API (tests, benchmarks)
    # where the copies of the media people send are kept (MEDIA_DIR; notifications.media)
    media_dir: Path = DEFAULT_INSTANCE_DIR / "media"
    # where the 台账 exports built by workers are written (EXPORT_DIR; notifications.exports)
    export_dir: Path = DEFAULT_INSTANCE_DIR / "exports"
    # Tencent Cloud SMS (issue 21): the secret in the callback URLs its console is given for
    # 回复短信 and 短信下发状态 (/sms/tencent/<secret>, …/status) — the callbacks carry no signature
    tencent_sms_callback_secret: str | None = None
    # SMS_PROVIDER as set (or tencent, when a TENCENT_* key is): who sends is :attr:`sms_sender`
    sms_provider: str | None = None
    tencent_secret_id: str | None = None
    tencent_secret_key: str | None = None
    tencent_sms_app_id: str | None = None
    tencent_sms_region: str = "ap-guangzhou"
    tencent_sms_api_base: str | None = None     # a local stub of Tencent's API (tests, the demo)
    # WeCom (企业微信 / 政务微信) for officials (issue 21): the corp and its app — outbound app
    # messages (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET) and the app's callback (/wecom:
    # WECOM_TOKEN, WECOM_AES_KEY; always encrypted)
    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: str | None = None
    wecom_token: str | None = None
    wecom_aes_key: str | None = None
    wecom_api_base: str | None = None           # a local stub of WeCom's API (tests, the demo)
    # the console behind HTTPS (XINFANG_HTTPS=1): its cookie is Secure on every response, also
    # where TLS ends before our proxy (a load balancer); otherwise Secure when the request is HTTPS
    https: bool = False
    # proxies in front of the web processes whose X-Forwarded-For / -Proto are believed
    # (XINFANG_TRUSTED_PROXY; `xinfang serve` with nginx sets 1): 0 — the client's address is the
    # connection's, and a forwarded header a client sends is ignored
    trusted_proxy: int = 0
    # each county's own entrance in a city (docs/city.md): its prefix → its settings by name, from
    # the variables ending in _<PREFIX> (WECHAT_TOKEN_LS …, ENTRANCE_KEYS); :meth:`for_county`
    counties: dict = field(default_factory=dict)
    suffix: str = ""   # "_LS" in a county's entrance settings: the names its problems give
    extra: dict = field(default_factory=dict)

    def for_county(self, prefix: str) -> Settings:
        """The settings of a county's own entrance (/county/<prefix>/wechat, …/sms): its own
        Official Account (WECHAT_TOKEN_LS, WECHAT_APP_ID_LS, WECHAT_APP_SECRET_LS, WECHAT_AES_KEY_LS
        — none taken from the deployment's: an account is one county's), and the SMS callbacks'
        TWILIO_AUTH_TOKEN_LS and TENCENT_SMS_CALLBACK_SECRET_LS, which default to the deployment's
        (one provider account, a number per county); and its own WeCom app (WECOM_AGENT_ID_LS,
        WECOM_SECRET_LS, WECOM_TOKEN_LS, WECOM_AES_KEY_LS — none taken from the deployment's) in
        the deployment's corp, or its own (WECOM_CORP_ID_LS)."""
        own = self.counties.get(prefix, {})
        agent = own.get("WECOM_AGENT_ID")
        return replace(self, wechat_token=own.get("WECHAT_TOKEN"), wechat_app_id=own.get("WECHAT_APP_ID"),
                       wechat_app_secret=own.get("WECHAT_APP_SECRET"), wechat_aes_key=own.get("WECHAT_AES_KEY"),
                       wecom_corp_id=own.get("WECOM_CORP_ID", self.wecom_corp_id),
                       wecom_agent_id=int(agent) if agent else None, wecom_secret=own.get("WECOM_SECRET"),
                       wecom_token=own.get("WECOM_TOKEN"), wecom_aes_key=own.get("WECOM_AES_KEY"),
                       twilio_auth_token=own.get("TWILIO_AUTH_TOKEN", self.twilio_auth_token),
                       tencent_sms_callback_secret=own.get("TENCENT_SMS_CALLBACK_SECRET",
                                                           self.tencent_sms_callback_secret),
                       suffix=f"_{prefix}")

    @property
    def wechat_safe_mode(self) -> bool:
        return bool(self.wechat_aes_key)

    def wechat_missing(self) -> tuple[str, str | None] | None:
        """What turns the WeChat channel off: the variable not set (and the one that needs it)."""
        if not self.wechat_token:
            return "WECHAT_TOKEN" + self.suffix, None
        if self.wechat_aes_key and not self.wechat_app_id:
            return "WECHAT_APP_ID" + self.suffix, "WECHAT_AES_KEY" + self.suffix
        return None

    def sms_missing(self) -> tuple[str, str | None] | None:
        """What turns the inbound SMS channel off."""
        return ("TWILIO_AUTH_TOKEN" + self.suffix, None) if not self.twilio_auth_token else None

    def wechat_problem(self) -> str | None:
        """Why the WeChat channel is off, or None when it is on (for the health check and the logs)."""
        return _problem(self.wechat_missing())

    def tencent_problem(self) -> str | None:
        """Why Tencent Cloud SMS's callbacks are off, or None when they are on."""
        if not self.tencent_sms_callback_secret:
            return f"TENCENT_SMS_CALLBACK_SECRET{self.suffix} is not set"
        return None

    def wecom_problem(self) -> str | None:
        """Why WeCom's callback (/wecom) is off, or None when it is on."""
        for name, value in (("WECOM_TOKEN", self.wecom_token), ("WECOM_AES_KEY", self.wecom_aes_key),
                            ("WECOM_CORP_ID", self.wecom_corp_id)):
            if not value:
                return f"{name}{self.suffix} is not set"
        return None

    @property
    def wecom_outbound(self) -> bool:
        return bool(self.wecom_corp_id and self.wecom_agent_id and self.wecom_secret)

    def sms_problem(self) -> str | None:
        """Why the inbound SMS channel is off, or None when it is on."""
        return _problem(self.sms_missing())

    @property
    def status_callback_url(self) -> str | None:
        """Where Twilio reports what became of a text we sent (needs the public URL)."""
        return self.public_base_url + "/sms/status" if self.public_base_url else None

    @property
    def wechat_outbound(self) -> bool:
        return bool(self.wechat_app_id and self.wechat_app_secret)

    @property
    def twilio_outbound(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from)

    @property
    def sms_sender(self) -> str:
        """Who sends the texts: the provider set, else Twilio when its three settings are there,
        else the console."""
        return self.sms_provider or ("twilio" if self.twilio_outbound else "console")


def default_database_url(instance_dir: Path = DEFAULT_INSTANCE_DIR) -> str:
    instance_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(instance_dir / 'xinfang.sqlite3').resolve()}"


def _int(env: dict, name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, "int", raw=raw) from None
    if value < minimum:
        raise SettingsError(name, "min", minimum=minimum, value=value)
    return value


def _flag(env: dict, name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(name, "flag", raw=raw)


def _check_url(name: str, value: str | None, schemes: tuple[str, ...]) -> None:
    if not value:
        return
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise SettingsError(name, "url", schemes=tuple(schemes), value=value)


def load_settings(env: dict | None = None) -> Settings:
    """Build :class:`Settings` from a mapping (default: ``os.environ``)."""
    env = dict(os.environ if env is None else env)

    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value and value.strip() else None

    database_url = get("DATABASE_URL")
    if database_url:
        if database_url.startswith("postgres://"):  # Heroku-style alias
            database_url = "postgresql://" + database_url[len("postgres://"):]
        if database_url.startswith("postgresql://"):
            database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
        if not database_url.startswith(("sqlite:", "postgresql")):
            raise SettingsError("DATABASE_URL", "database", scheme=database_url.split('://')[0])
    else:
        database_url = default_database_url()

    redis_url = get("REDIS_URL")
    _check_url("REDIS_URL", redis_url, ("redis", "rediss", "unix"))

    aes_key = _aes_key("WECHAT_AES_KEY", get("WECHAT_AES_KEY"))

    public_base_url = get("PUBLIC_BASE_URL")
    _check_url("PUBLIC_BASE_URL", public_base_url, ("http", "https"))

    delivery = get("OUTBOX_DELIVERY") or "queue"
    if delivery not in ("queue", "inline"):
        raise SettingsError("OUTBOX_DELIVERY", "delivery", value=delivery)
    twilio_api_base = get("TWILIO_API_BASE")
    _check_url("TWILIO_API_BASE", twilio_api_base, ("http", "https"))
    wechat_api_base = get("WECHAT_API_BASE")
    _check_url("WECHAT_API_BASE", wechat_api_base, ("http", "https"))

    tencent_secret = get("TENCENT_SMS_CALLBACK_SECRET")
    _callback_secret("TENCENT_SMS_CALLBACK_SECRET", tencent_secret)

    tencent = {name: get(name) for name in ("TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_SMS_APP_ID")}
    provider = get("SMS_PROVIDER") or ("tencent" if any(tencent.values()) else None)
    if provider not in (None, "twilio", "tencent", "console"):
        raise SettingsError("SMS_PROVIDER", "provider", value=provider)
    if provider == "tencent":
        for name, value in tencent.items():   # a partial setting stops the start, naming what is missing
            if not value:
                raise SettingsError(name, "tencent_missing", needed=tuple(tencent))
        if not tencent["TENCENT_SMS_APP_ID"].isdigit():
            raise SettingsError("TENCENT_SMS_APP_ID", "tencent_app")
    tencent_api_base = get("TENCENT_SMS_API_BASE")
    _check_url("TENCENT_SMS_API_BASE", tencent_api_base, ("http", "https"))

    wecom = _wecom(get)

    twilio_from = get("TWILIO_FROM")
    if twilio_from and not (twilio_from.startswith("+") or twilio_from.startswith("MG")):
        raise SettingsError("TWILIO_FROM", "twilio_from")

    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        wechat_token=get("WECHAT_TOKEN"),
        wechat_app_id=get("WECHAT_APP_ID"),
        wechat_app_secret=get("WECHAT_APP_SECRET"),
        wechat_aes_key=aes_key,
        twilio_account_sid=get("TWILIO_ACCOUNT_SID"),
        twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
        twilio_from=twilio_from,
        public_base_url=public_base_url.rstrip("/") if public_base_url else None,
        wechat_max_age=_int(env, "WECHAT_MAX_AGE", 300, minimum=1),
        rate_limit_count=_int(env, "RATE_LIMIT_COUNT", 30, minimum=1),
        rate_limit_window=_int(env, "RATE_LIMIT_WINDOW", 600, minimum=1),
        max_content_chars=_int(env, "MAX_CONTENT_CHARS", 5000, minimum=100),
        max_body_bytes=_int(env, "MAX_BODY_BYTES", 64 * 1024, minimum=16 * 1024),
        outbox_delivery=delivery,
        sms_rate=_int(env, "SMS_RATE", 10, minimum=0),
        twilio_timeout=_int(env, "TWILIO_TIMEOUT", 10, minimum=1),
        twilio_api_base=twilio_api_base,
        wechat_api_base=wechat_api_base,
        media_dir=Path(get("MEDIA_DIR") or DEFAULT_INSTANCE_DIR / "media"),
        export_dir=Path(get("EXPORT_DIR") or DEFAULT_INSTANCE_DIR / "exports"),
        tencent_sms_callback_secret=tencent_secret,
        sms_provider=provider,
        tencent_secret_id=tencent["TENCENT_SECRET_ID"],
        tencent_secret_key=tencent["TENCENT_SECRET_KEY"],
        tencent_sms_app_id=tencent["TENCENT_SMS_APP_ID"],
        tencent_sms_region=get("TENCENT_SMS_REGION") or "ap-guangzhou",
        tencent_sms_api_base=tencent_api_base,
        https=_flag(env, "XINFANG_HTTPS"),
        trusted_proxy=_int(env, "XINFANG_TRUSTED_PROXY", 0, minimum=0),
        counties=_counties(env, get),
        **wecom,
    )


# a county's own entrance (Settings.for_county): these names ending in _<its prefix>
ENTRANCE_KEYS = ("WECHAT_TOKEN", "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_AES_KEY", "TWILIO_AUTH_TOKEN",
                 "TENCENT_SMS_CALLBACK_SECRET", "WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN",
                 "WECOM_AES_KEY")
_ENTRANCE = re.compile(rf"({'|'.join(ENTRANCE_KEYS)})_([A-Z]{{1,6}})")


def _counties(env: dict, get) -> dict:
    """Each county's entrance settings by its prefix: {"LS": {"WECHAT_TOKEN": …}, …}."""
    counties: dict[str, dict[str, str]] = {}
    for name in sorted(env):
        match = _ENTRANCE.fullmatch(name)
        value = get(name)
        if match is None or value is None:
            continue
        key, prefix = match.groups()
        if key in ("WECHAT_AES_KEY", "WECOM_AES_KEY"):
            _aes_key(name, value)
        if key == "WECOM_AGENT_ID" and not value.isdigit():
            raise SettingsError(name, "wecom_agent")
        if key == "TENCENT_SMS_CALLBACK_SECRET":
            _callback_secret(name, value)
        counties.setdefault(prefix, {})[key] = value
    return counties


def _callback_secret(name: str, value: str | None) -> None:
    if value and (len(value) < 24 or not value.replace("-", "").replace("_", "").isalnum()):
        raise SettingsError(name, "callback_secret")


def _aes_key(name: str, value: str | None) -> str | None:
    """A 43-character EncodingAESKey (WeChat's, WeCom's), checked; SettingsError naming ``name``."""
    if value:
        if len(value) != 43:
            raise SettingsError(name, "aes_length")
        try:
            if len(base64.b64decode(value + "=", validate=True)) != 32:
                raise binascii.Error
        except (binascii.Error, ValueError):
            raise SettingsError(name, "aes_base64") from None
    return value


def _wecom(get) -> dict:
    """WeCom's settings: the app's three for sending, or none; the callback's token and key
    together, with the corp id (its messages are sealed for it)."""
    sending = {name: get(name) for name in ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET")}
    callback = {name: get(name) for name in ("WECOM_TOKEN", "WECOM_AES_KEY")}
    if any(sending.values()) or any(callback.values()):
        needed = list(sending) if any(sending.values()) else ["WECOM_CORP_ID"]
        needed += list(callback) if any(callback.values()) else []
        for name in needed:   # a partial setting stops the start, naming what is missing
            if not (sending | callback)[name]:
                raise SettingsError(name, "wecom_missing", needed=tuple(needed))
    agent = sending["WECOM_AGENT_ID"]
    if agent and not agent.isdigit():
        raise SettingsError("WECOM_AGENT_ID", "wecom_agent")
    api_base = get("WECOM_API_BASE")
    _check_url("WECOM_API_BASE", api_base, ("http", "https"))
    return dict(wecom_corp_id=sending["WECOM_CORP_ID"], wecom_agent_id=int(agent) if agent else None,
                wecom_secret=sending["WECOM_SECRET"], wecom_token=callback["WECOM_TOKEN"],
                wecom_aes_key=_aes_key("WECOM_AES_KEY", callback["WECOM_AES_KEY"]), wecom_api_base=api_base)


def _problem(missing: tuple[str, str | None] | None) -> str | None:
    if missing is None:
        return None
    name, needed_by = missing
    return f"{name} is not set" + (f" (required with {needed_by})" if needed_by else "")
