"""The core's pictures on Discord: an embed showing the image, uploaded once as an attachment.

The first time a picture is sent it goes as an attachment (with its alt text as the
attachment's description) that the embed shows. Discord answers with the attachment's URL,
which is stored and reused by later embeds instead of uploading again. Attachment URLs are
signed and expire after about a day, so a stored URL is only reused for URL_LIFETIME.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import Any

import discord

from bot.core.events import Image
from bot.core.ports import Clock
from bot.storage.store import Uploads

log = logging.getLogger(__name__)

PLATFORM = "discord"
URL_LIFETIME = timedelta(hours=20)
COLOUR = discord.Colour(0x5F8FA6)


class Pictures:
    """Turn an image into message fields, and remember the URL Discord gives its upload."""

    def __init__(self, uploads: Uploads, clock: Clock) -> None:
        self.uploads = uploads
        self.clock = clock

    async def fields(self, image: Image | None, *, editing: bool = False) -> dict[str, Any]:
        """Return the keyword arguments that show `image` (or, when editing, clear the old one)."""
        if image is None:
            return {"embed": None, "attachments": []} if editing else {}
        embed = discord.Embed(colour=COLOUR)
        url = await self._fresh_url(image)
        if url is not None:
            embed.set_image(url=url)
            return {"embed": embed, "attachments": []} if editing else {"embed": embed}
        upload = discord.File(io.BytesIO(image.read()), filename=image.name, description=image.alt)
        embed.set_image(url=f"attachment://{image.name}")
        return {"embed": embed, "attachments": [upload]} if editing else {"embed": embed, "file": upload}

    async def _fresh_url(self, image: Image) -> str | None:
        if image.key is None:
            return None
        found = await self.uploads.get(PLATFORM, image.key)
        if found is None or self.clock.now() - found[1] > URL_LIFETIME:
            return None
        return found[0]

    async def remember(self, image: Image | None, message: object) -> None:
        """Store the URL of a picture's upload from the message Discord returned."""
        if image is None or image.key is None or not isinstance(message, discord.Message):
            return
        uploaded = [a for a in message.attachments if a.filename == image.name]
        if not uploaded:
            return
        await self.uploads.put(PLATFORM, image.key, uploaded[0].url, self.clock.now())
