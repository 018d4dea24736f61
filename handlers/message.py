"""The one value every channel adapter produces (cf. Rasa's UserMessage, Errbot's Message)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.conversations import ConversationRow


@dataclass(frozen=True)
class Inbound:
    channel: str                 # wechat | sms | console
    sender: str                  # WeChat OpenID, or the sender's phone number in E.164
    kind: str                    # text | image | voice | video | location | event | other
    received_at: datetime
    text: str = ""
    event: str | None = None     # subscribe | unsubscribe | click | other
    event_key: str | None = None
    media_id: str | None = None
    url: str | None = None
    location: dict | None = None  # {"x": lat, "y": lng, "label": ...}
    inbound_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def phone_is_verified(self) -> bool:
        """An SMS sender's number is the number the message came from: trusted."""
        return self.channel == "sms"


@dataclass
class Outcome:
    """What handling produced: the reply, and the outbox rows written in the same transaction."""

    reply: str
    outbox_ids: list[int] = field(default_factory=list)
    petition_id: int | None = None
    # questions put to someone else (channel, recipient, ask), recorded on their conversation
    # after this transaction commits (handlers.asks.record)
    asks: list[tuple[str, str, dict]] = field(default_factory=list)
    county_id: int | None = None   # the county the message was handled for (its entrance's): the asks' county
    # the sender's conversation as handling left it, for the caller to write back with its own
    # last statement (handlers.context.save_conversation)
    conversation: ConversationRow | None = None
    # media recorded from this message, for a worker to download after the commit (notifications.media)
    media_ids: list[int] = field(default_factory=list)
    # the reply as a template-only SMS provider sends it ({"t": key, "v": [...]}; None: by its shape)
    reply_params: dict | None = None
