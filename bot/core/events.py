"""The neutral message model: what adapters hand the core and what the core hands back.

No platform type ever appears here. Ids are strings because Telegram's are 64-bit
integers, Discord's are snowflakes and the console's are names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Identity:
    """One person on one platform; data is kept per platform identity."""

    platform: str
    user_id: str

    @property
    def key(self) -> str:
        """Return the `platform:user_id` form used in COACH_IDS and logs."""
        return f"{self.platform}:{self.user_id}"

    @classmethod
    def parse(cls, key: str) -> Identity:
        """Parse a `platform:user_id` string."""
        platform, sep, user_id = key.strip().partition(":")
        if not sep or not platform or not user_id:
            raise ValueError(f"expected platform:user_id, got {key!r}")
        return cls(platform.lower(), user_id)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an inbound event came from."""

    identity: Identity
    chat_id: str
    message_id: str | None = None
    is_private: bool = True
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command such as `/hero` or `/ask why tuck the tail`."""

    origin: Origin
    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    """Free text that is not a command and not a reply to the bot."""

    origin: Origin
    text: str


@dataclass(frozen=True, slots=True)
class ReplyToBot:
    """A message that replies to one of the bot's own messages."""

    origin: Origin
    text: str
    replied_message_id: str | None = None
    replied_text: str = ""


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A press of a button the bot sent; `payload` is the opaque string it carried."""

    origin: Origin
    payload: str


InboundEvent = Command | Text | ReplyToBot | ButtonPress


@dataclass(frozen=True, slots=True)
class Choice:
    """One button. `payload` fits Telegram's 64-byte callback_data limit."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Image:
    """A picture shown with a message; adapters turn it into a photo, an attachment or a path.

    A content illustration has a `path` and a `key` that changes when the picture does, so a
    platform's upload of it can be reused. A chart is `data` rendered in memory: it has no key
    and is never stored.
    """

    name: str
    alt: str
    path: Path | None = None
    data: bytes | None = None
    key: str | None = None

    def read(self) -> bytes:
        """Return the PNG bytes."""
        if self.data is not None:
            return self.data
        if self.path is None:
            raise ValueError(f"image {self.name} has neither data nor a path")
        return self.path.read_bytes()


@dataclass(slots=True)
class Reply:
    """A message the core wants shown in answer to an inbound event.

    `edit` asks the adapter to replace the message whose button was pressed, when it
    can; `private` asks for a message only the person sees (ephemeral on Discord, a
    DM deep link on Telegram groups); `quote` asks for a threaded reply to the
    person's message; `image` is shown with the text (the text becomes its caption when it fits).
    """

    text: str
    choices: list[Choice] = field(default_factory=list)
    edit: bool = False
    private: bool = False
    quote: bool = False
    alert: bool = False
    image: Image | None = None


@dataclass(slots=True)
class Outbound:
    """A message the bot sends on its own: a relay, a nudge, "time's up".

    `reply_to` is the platform message id to thread under, when one is known.
    """

    to: Identity
    text: str
    choices: list[Choice] = field(default_factory=list)
    chat_id: str | None = None
    reply_to: str | None = None
    image: Image | None = None


class DeliveryStatus(StrEnum):
    """What happened to an outbound message."""

    SENT = "sent"
    UNREACHABLE = "unreachable"
    RATE_LIMITED = "rate_limited"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome of sending one outbound message."""

    status: DeliveryStatus
    message_id: str | None = None
    detail: str = ""
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        """Return True when the message reached the platform."""
        return self.status is DeliveryStatus.SENT
