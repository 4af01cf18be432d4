"""DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS: which shards a process runs, and one-line errors."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import Settings


def shards(**env: object) -> tuple[int, list[int]] | None:
    return Settings(_env_file=None, **env).discord_shards()  # type: ignore[arg-type]


def test_unset_means_one_connection_and_ids_default_to_every_shard() -> None:
    assert shards() is None
    assert shards(discord_shard_count=3) == (3, [0, 1, 2])
    assert shards(discord_shard_count=4, discord_shard_ids=" 3, 1") == (4, [3, 1])
    assert shards(discord_shard_count=1, discord_shard_ids="0") == (1, [0])


@pytest.mark.parametrize(("env", "says"), [
    ({"discord_shard_ids": "0,1"}, "set DISCORD_SHARD_COUNT too"),
    ({"discord_shard_count": 2, "discord_shard_ids": "2"},
     "shard 2 is not below DISCORD_SHARD_COUNT=2; shards are numbered 0 to 1"),
    ({"discord_shard_count": 2, "discord_shard_ids": "0;1"}, "like 0,1; got '0;1'"),
    ({"discord_shard_count": 2, "discord_shard_ids": "-1"}, "like 0,1"),
    ({"discord_shard_count": 2, "discord_shard_ids": "1,1"}, "listed twice"),
    ({"discord_shard_count": 0}, "greater than or equal to 1"),
])
def test_bad_shard_settings_say_what_is_wrong_in_one_line(env: dict, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, **env)
    [error] = refused.value.errors()
    assert says in error["msg"] and "\n" not in error["msg"]
