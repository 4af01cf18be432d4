"""Settings from the environment or `.env`; secrets have no default and are never logged."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.context import CoreConfig
from bot.core.events import Identity

# What Telegram accepts as a webhook's secret_token.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_url: str = "sqlite:///herocoach.db"
    database_pool_size: int = Field(default=10, ge=1, le=100)
    default_timezone: str = "UTC"
    coach_ids: str = ""
    content_dir: Path | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    # Telegram webhooks: setting the URL switches from long polling to webhooks.
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1:8443"
    telegram_webhook_secret: SecretStr | None = Field(default=None, validate_default=True)

    discord_bot_token: SecretStr | None = None
    discord_api_base_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg"
    discord_guild_id: int | None = None
    # Sharding: unset runs one gateway connection (no sharding), as a small bot needs.
    discord_shard_count: int | None = Field(default=None, ge=1, le=16384)
    discord_shard_ids: str = ""

    min_break_minutes: int = Field(default=10, ge=1, le=480)
    sweep_seconds: float = Field(default=20, ge=0.5, le=300)

    # Operator endpoints (/healthz, /metrics): off unless set to host:port.
    http_listen: str | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from bot.core.timezones import find_zone

        return find_zone(value).key

    @field_validator("http_listen")
    @classmethod
    def _http_listen_address(cls, value: str | None) -> str | None:
        if value:
            from bot.web import parse_listen

            parse_listen(value, setting="HTTP_LISTEN")
        return value

    @field_validator("coach_ids")
    @classmethod
    def _coach_ids_parse(cls, value: str) -> str:
        for key in filter(None, (part.strip() for part in value.split(","))):
            Identity.parse(key)
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError(f"must be the public https:// address Telegram posts to, not {value!r}")
        return value

    @field_validator("telegram_webhook_listen")
    @classmethod
    def _webhook_listen_address(cls, value: str) -> str:
        from bot.web import parse_listen

        try:
            parse_listen(value, setting="TELEGRAM_WEBHOOK_LISTEN")
        except ValueError:
            raise ValueError(f"must look like 0.0.0.0:8443 (host:port), not {value!r}") from None
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None:
            if info.data.get("telegram_webhook_url"):
                raise ValueError(
                    "must be set when TELEGRAM_WEBHOOK_URL is (1-256 characters of A-Z, a-z, 0-9, "
                    "_ and -; for example the output of: openssl rand -hex 32)")
            return None
        if not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters, only A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_ids_parse(cls, value: str, info: ValidationInfo) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts:
            return ""
        if not all(part.isdigit() for part in parts):
            raise ValueError(f"expected shard numbers separated by commas, like 0,1; got {value!r}")
        count = info.data.get("discord_shard_count")
        if count is None:
            raise ValueError("set DISCORD_SHARD_COUNT too (the total number of shards)")
        too_big = [part for part in parts if int(part) >= count]
        if too_big:
            raise ValueError(f"shard {too_big[0]} is not below DISCORD_SHARD_COUNT={count}; "
                             f"shards are numbered 0 to {count - 1}")
        if len(set(map(int, parts))) != len(parts):
            raise ValueError(f"a shard is listed twice in {value!r}")
        return ",".join(parts)

    def discord_shards(self) -> tuple[int, list[int]] | None:
        """Return (shard count, this process's shard ids), or None when not sharding."""
        if self.discord_shard_count is None:
            return None
        ids = [int(part) for part in self.discord_shard_ids.split(",") if part]
        return self.discord_shard_count, ids or list(range(self.discord_shard_count))

    def coach_identities(self) -> frozenset[str]:
        """Return COACH_IDS as normalised `platform:id` keys."""
        keys = (part.strip() for part in self.coach_ids.split(","))
        return frozenset(Identity.parse(key).key for key in keys if key)

    def core_config(self) -> CoreConfig:
        """Return the part of the settings the core needs."""
        return CoreConfig(
            coach_ids=self.coach_identities(),
            default_timezone=self.default_timezone,
            min_break_interval=timedelta(minutes=self.min_break_minutes),
        )

    def secrets(self) -> list[str]:
        """Return the secret values, so log output can be scrubbed of them."""
        tokens = (self.telegram_bot_token, self.discord_bot_token, self.telegram_webhook_secret)
        return [token.get_secret_value() for token in tokens if token]
