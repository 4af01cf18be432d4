"""What every platform adapter provides to the process that runs it."""

from __future__ import annotations

from typing import Protocol

from bot.core.events import DeliveryResult, Outbound


class BadToken(Exception):  # noqa: N818 - reads as the condition it reports
    """The platform refused the bot's token; the message names the platform, never the token."""


class BadSetting(BadToken):
    """A setting the platform or this host refused (a webhook URL, an address to listen on).

    Reported like a refused token: one line naming the setting, and exit code 2.
    """


class PlatformAdapter(Protocol):
    """An adapter holds the core (through the runtime) and is the delivery path for its platform."""

    platform: str

    async def start(self) -> None:
        """Connect and begin receiving updates; raise BadToken when the token is refused."""
        ...

    async def failed(self) -> BadToken:
        """Return once the platform refuses the token while running (never, while all is well)."""
        ...

    async def quiesce(self, grace: float) -> None:
        """Take no new updates, and let those being handled finish for up to `grace` seconds."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...

    async def send(self, message: Outbound) -> DeliveryResult:
        """Deliver a message the bot sends on its own (a DM)."""
        ...
