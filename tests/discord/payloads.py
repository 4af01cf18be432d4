"""Payload factories shaped like Discord API v10 objects, as discord.py 2.7.1 parses them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

# Snowflakes only need to be unique and increasing; starting high keeps them realistic-looking.
_snowflakes = itertools.count(1_300_000_000_000_000_000)

SLASH_COMMAND = 2
COMPONENT = 3
AUTOCOMPLETE = 4
BUTTON = 2
EPHEMERAL = 64
LOADING = 128

_OPTION_TYPES: list[tuple[type, int]] = [(bool, 5), (int, 4), (float, 10), (str, 3)]


def snowflake() -> int:
    """Return a fresh, increasing snowflake id."""
    return next(_snowflakes)


def now_iso() -> str:
    """Return the current UTC time the way Discord writes timestamps."""
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> JSON:
    """Build a user object."""
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


def member(user_obj: JSON, *, permissions: str = "2248473465835073") -> JSON:
    """Build a guild member object (as sent inside interactions, with permissions)."""
    return {
        "user": user_obj,
        "roles": [],
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "permissions": permissions,
    }


def text_channel(channel_id: int, guild_id: int, name: str = "general") -> JSON:
    """Build a guild text channel object."""
    return {
        "id": str(channel_id),
        "guild_id": str(guild_id),
        "type": 0,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
    }


def dm_channel(channel_id: int, recipient: JSON) -> JSON:
    """Build a DM channel object (type 1)."""
    return {"id": str(channel_id), "type": 1, "recipients": [recipient], "last_message_id": None}


def guild(guild_id: int, name: str, channels: list[JSON], *, owner_id: int) -> JSON:
    """Build the full guild object sent in GUILD_CREATE."""
    return {
        "id": str(guild_id),
        "name": name,
        "unavailable": False,
        "owner_id": str(owner_id),
        "member_count": 2,
        "large": False,
        "features": [],
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": "2248473465835073",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "preferred_locale": "en-US",
        "premium_tier": 0,
    }


def application(app_id: int, owner: JSON, *, flags: int = 0) -> JSON:
    """Build the application object returned by GET /oauth2/applications/@me."""
    return {
        "id": str(app_id),
        "name": owner["username"],
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "flags": flags,
        "interactions_endpoint_url": None,
        "summary": "",
    }


def message(
    *,
    channel_id: int,
    author: JSON,
    content: str = "",
    guild_id: int | None = None,
    message_id: int | None = None,
    message_type: int = 0,
    extra: JSON | None = None,
) -> JSON:
    """Build a message object; `extra` holds the sender's fields (embeds, components...)."""
    msg: JSON = {
        "id": str(message_id or snowflake()),
        "channel_id": str(channel_id),
        "type": message_type,
        "content": content,
        "author": author,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }
    if guild_id is not None:
        msg["guild_id"] = str(guild_id)
    msg.update(extra or {})
    return msg


def message_fields(body: JSON | None) -> JSON:
    """Keep the parts of a create/edit body that become message fields."""
    keep = ("content", "embeds", "components", "flags", "tts", "attachments", "poll")
    return {k: v for k, v in (body or {}).items() if k in keep and v is not None}


def command_data(
    commands: dict[int | None, list[JSON]], name: str, values: JSON, focused: str | None
) -> JSON:
    """Build slash/autocomplete `data`, reusing the id and option types the bot synced."""
    synced = [(gid, c) for gid, cmds in commands.items() for c in cmds if c["name"] == name]
    guild_id, command = synced[0] if synced else (None, {"id": str(snowflake())})
    declared = {opt["name"]: opt.get("type") for opt in command.get("options", [])}
    options = []
    for option_name, value in values.items():
        option_type = declared.get(option_name) or next(
            code for kind, code in _OPTION_TYPES if isinstance(value, kind)
        )
        option: JSON = {"name": option_name, "type": option_type, "value": value}
        if option_name == focused:
            option["focused"] = True
        options.append(option)
    data: JSON = {"id": command["id"], "name": name, "type": 1, "options": options}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def reply_fields(referenced: JSON, channel_id: int, guild_id: int | None) -> JSON:
    """Return the message fields that make a message a reply to `referenced`."""
    reference: JSON = {"type": 0, "message_id": referenced["id"], "channel_id": str(channel_id)}
    if guild_id is not None:
        reference["guild_id"] = str(guild_id)
    return {"type": 19, "message_reference": reference, "referenced_message": referenced}


def ready(
    bot_user: JSON, guild_ids: list[int], session_id: str, gateway_url: str, app: JSON
) -> JSON:
    """Build the READY dispatch data."""
    return {
        "v": 10,
        "user": {**bot_user, "verified": True, "mfa_enabled": False},
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": session_id,
        "resume_gateway_url": gateway_url,
        "application": {"id": app["id"], "flags": app["flags"]},
        "private_channels": [],
        "relationships": [],
    }


def rate_limited(retry_after: float) -> tuple[JSON, dict[str, str]]:
    """Return the body and headers of a per-route 429 as Discord's edge sends it."""
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": str(retry_after),
        "X-RateLimit-Bucket": "emulated-bucket",
        "X-RateLimit-Scope": "user",
    }
    return body, headers


def callback_result(interaction_obj: JSON, kind: int, message_obj: JSON | None) -> JSON:
    """Build the 200 body of POST /interactions/{id}/{token}/callback?with_response=1."""
    info: JSON = {"id": interaction_obj["id"], "type": interaction_obj["type"]}
    resource: JSON = {"type": kind}
    if message_obj is not None:
        info.update(
            response_message_id=message_obj["id"],
            response_message_loading=kind == 5,
            response_message_ephemeral=bool(int(message_obj["flags"]) & EPHEMERAL),
        )
        resource["message"] = message_obj
    return {"interaction": info, "resource": resource}


def invoker(interaction_obj: JSON) -> JSON:
    """Return the user who triggered an interaction payload."""
    if "member" in interaction_obj:
        return interaction_obj["member"]["user"]
    return interaction_obj["user"]


def interaction(
    *,
    interaction_type: int,
    data: JSON,
    app_id: int,
    user_obj: JSON,
    channel: JSON,
    guild_id: int | None,
    message_obj: JSON | None = None,
) -> JSON:
    """Build an INTERACTION_CREATE payload, from a guild member or from a DM user."""
    payload: JSON = {
        "id": str(snowflake()),
        "application_id": str(app_id),
        "type": interaction_type,
        "data": data,
        "token": f"itoken-{snowflake()}",
        "version": 1,
        "channel": channel,
        "channel_id": channel["id"],
        "locale": "en-US",
        "app_permissions": "2248473465835073",
        "entitlements": [],
        "authorizing_integration_owners": {"0": channel.get("guild_id", "0")},
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild_id is None:
        payload["user"] = user_obj
        payload["context"] = 1
    else:
        payload["guild_id"] = str(guild_id)
        payload["guild_locale"] = "en-US"
        payload["member"] = member(user_obj)
        payload["context"] = 0
    if message_obj is not None:
        payload["message"] = message_obj
    return payload
