"""Telegram's command menus: everyone's, a short one in groups, and the coaches' own."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.adapters.telegram.translate import PLATFORM
from bot.core.conversation import Conversation
from bot.core.events import Identity

log = logging.getLogger(__name__)


async def register_commands(bot: Bot, core: Conversation) -> None:
    """Fill the command menu: everyone's commands, a short group list, and coaches' extras."""
    features = core.features
    everyone = [BotCommand(spec.name, spec.description) for spec in features.listed()]
    in_groups = [BotCommand(spec.name, spec.description)
                 for spec in features.listed(groups=True)]
    coach = [BotCommand(spec.name, spec.description) for spec in features.listed(coach=True)]
    try:
        await bot.set_my_commands(everyone)
        await bot.set_my_commands(in_groups, scope=BotCommandScopeAllGroupChats())
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc.message)
    for key in sorted(core.config.coach_ids):
        coach_id = Identity.parse(key)
        if coach_id.platform != PLATFORM or not coach_id.user_id.isdigit():
            continue
        try:
            await bot.set_my_commands(coach, scope=BotCommandScopeChat(int(coach_id.user_id)))
        except TelegramError as exc:
            # Usually "chat not found": the coach hasn't opened the bot yet.
            log.info("coach menu for %s not set: %s", key, exc.message)
