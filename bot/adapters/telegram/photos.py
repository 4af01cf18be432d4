"""The core's pictures as Telegram photos: uploaded once, then sent by the file_id kept in the database."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, InputFile, InputMediaPhoto, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.adapters.telegram import render
from bot.core.events import Image
from bot.core.ports import Clock
from bot.storage.store import Uploads

log = logging.getLogger(__name__)

PLATFORM = "telegram"
MAX_CAPTION = 1024
# Telegram's words for a file_id it no longer knows (e.g. after the bot's token changed).
STALE_FILE = ("wrong file identifier", "file reference", "wrong remote file", "file_id")


def fits_caption(text: str) -> bool:
    """Return whether text fits a photo caption (1,024 UTF-16 units after HTML is parsed)."""
    return render.units(text) <= MAX_CAPTION


class Photos:
    """Send and swap photos, reusing each picture's upload by its file_id."""

    def __init__(self, bot: Bot, uploads: Uploads, clock: Clock) -> None:
        self.bot = bot
        self.uploads = uploads
        self.clock = clock

    async def _known(self, image: Image) -> str | None:
        if image.key is None:
            return None
        found = await self.uploads.get(PLATFORM, image.key)
        return found[0] if found else None

    async def _remember(self, image: Image, message: Message | bool) -> None:
        if image.key is None or not isinstance(message, Message) or not message.photo:
            return
        await self.uploads.put(PLATFORM, image.key, message.photo[-1].file_id, self.clock.now())

    async def _forget_if_stale(self, image: Image, error: BadRequest) -> bool:
        if image.key is None or not any(word in error.message.lower() for word in STALE_FILE):
            return False
        log.info("telegram no longer knows the upload of %s; uploading it again", image.name)
        await self.uploads.drop(PLATFORM, image.key)
        return True

    async def send(
        self, chat_id: int | str, image: Image, caption: str | None,
        markup: InlineKeyboardMarkup | None = None, reply_to: int | None = None,
    ) -> Message:
        """Send a photo with an optional plain-text caption and buttons."""
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        for attempt in (1, 2):
            file_id = await self._known(image)
            photo: str | InputFile = file_id or InputFile(image.read(), filename=image.name)
            try:
                message = await self.bot.send_photo(
                    chat_id, photo, caption=render.escape(caption) if caption else None,
                    parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=reply,
                )
            except BadRequest as exc:
                if attempt == 1 and file_id and await self._forget_if_stale(image, exc):
                    continue
                raise
            if file_id is None:
                await self._remember(image, message)
            return message
        raise AssertionError("unreachable: the second attempt uploads or raises")

    async def swap(
        self, pressed: Message, image: Image, caption: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Replace the photo and caption of a photo message the bot sent (editMessageMedia)."""
        for attempt in (1, 2):
            file_id = await self._known(image)
            media = InputMediaPhoto(
                file_id or InputFile(image.read(), filename=image.name),
                caption=render.escape(caption), parse_mode=ParseMode.HTML,
            )
            try:
                message = await self.bot.edit_message_media(
                    media, chat_id=pressed.chat.id, message_id=pressed.message_id,
                    reply_markup=markup,
                )
            except BadRequest as exc:
                if attempt == 1 and file_id and await self._forget_if_stale(image, exc):
                    continue
                raise
            if file_id is None:
                await self._remember(image, message)
            return
