"""The account feature's declaration: `/timezone`, `/settings` and `/forget`."""

from __future__ import annotations

from bot.core.account.settings import Account
from bot.core.features import CommandHandler, CommandSpec, Feature, Option
from bot.core.timezones import zone_suggestions


def declare(account: Account, settings: CommandHandler) -> Feature:
    """Return what the account feature handles; `settings` answers `/settings`."""
    return Feature(
        "account",
        commands=(
            CommandSpec("timezone", "set your time zone, e.g. /timezone Europe/Berlin",
                        account.timezone,
                        options=(Option("zone", "a zone such as Europe/Berlin, or a city "
                                                "(empty shows yours)", suggest=zone_suggestions),)),
            CommandSpec("settings", "what I have stored for you", settings),
            CommandSpec("forget", "delete everything I store about you",
                        lambda turn, _: account.forget(turn)),
        ),
        buttons={"tz": account.press_zone, "f": account.press_forget},
    )
