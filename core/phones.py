"""Phone numbers (phonenumbers, region CN by default) and masking for logs and digests."""
from __future__ import annotations

import logging
import re

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str, region: str = "CN") -> str:
    """Return the E.164 form of a phone number, or raise :class:`InvalidPhone`."""
    text = re.sub(r"[\s\-()（）]", "", raw or "")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# A mainland mobile number written in a message: 11 digits starting 1[3-9], optionally +86.
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?!\d)")


def find_mobile(text: str) -> str | None:
    """The first mainland mobile number in free text, as E.164, or None."""
    for match in MOBILE_IN_TEXT.finditer(text or ""):
        try:
            return normalize_phone(match.group(1))
        except InvalidPhone:
            continue
    return None


def mask_phone(phone: str | None) -> str:
    """+8613812345678 → 138****5678 (what logs and digests may show)."""
    if not phone:
        return "-"
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str | None) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明 (digests carry masked names only)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name or "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])|(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
# the words that name a number just before it: "电话13838765432", "俺身份证号是4104…"
NUMBER_NAMED = re.compile(r"(?:我的|俺的|我|俺)?(?:联系)?(?:电话|手机|手机号|号码|身份证|身份证号)(?:码|号码)?[是为:：\s]*$")
_PLAIN = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９＋－"} | {0x3000: 0x20}   # one for one: spans stay


def without_numbers(text: str) -> str:
    """Free text without the phone and ID numbers typed into it (and the words that named them):
    a number is the petitioner's data, kept apart, never in the matter a unit reads nor in a
    quote of their words (a 【预警】)."""
    plain = text.translate(_PLAIN)
    spans = [m.span() for m in MOBILE_IN_TEXT.finditer(plain)] + [m.span() for m in ID_NUMBER.finditer(plain)]
    if not spans:
        return text
    out, at = [], 0
    for start, end in sorted(spans):
        if start < at:
            continue
        before = text[at:start]
        label = NUMBER_NAMED.search(before)
        out.append(before[:label.start()] if label else before)
        at = end
    out.append(text[at:])
    joined = "".join(out)
    joined = re.sub(r"[，,；;：:\s]*([，,。；;！!？?\n])", r"\1", joined)   # no stop left hanging
    return re.sub(r"^[，,。；;：:\s]+|[，,；;：:\s]+$", "", joined)


_PII = [
    # 18-character resident ID numbers
    (re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])"), r"\1********\2"),
    # mobile numbers, with or without +86, also written in groups ("139 0375 2222", "139-0375-2222")
    (re.compile(r"(?<!\d)(\+?86[\s-]?)?(1[3-9]\d)[\s-]?\d{4}[\s-]?(\d{4})(?!\d)"), r"\2****\3"),
]
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９＋", "0123456789+")


def redact(text: str) -> str:
    """Phone and ID numbers masked (full-width digits read as digits)."""
    text = text.translate(_WIDE_DIGITS)
    for pattern, repl in _PII:
        text = pattern.sub(repl, text)
    return text


def mask_text(text: str, names) -> str:
    """Free text fit for a leader's or a unit head's eyes: phone and ID numbers masked, and every
    one of ``names`` (the petitioner's, the directory's) masked wherever it stands — "我姓王，叫王秀兰"
    becomes "我姓王，叫王*兰". The one masking of personal data in texts (mask_name for a name field)."""
    text = redact(text or "")
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


class RedactingFilter(logging.Filter):
    """Masks phone and ID numbers in every log record, whatever the code that logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction() -> None:
    root = logging.getLogger()
    for handler in root.handlers or []:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    if not any(isinstance(f, RedactingFilter) for f in root.filters):
        root.addFilter(RedactingFilter())
