"""Private chats (DM channel ids, closed DMs) on SQLite and a real PostgreSQL, shared by processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.events import Identity
from bot.storage.store import Store

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one database, as two bot processes have."""
    first = await Store.open(database_url)
    second = await Store.open(database_url)
    yield first, second
    await second.close()
    await first.close()


async def test_a_channel_opened_by_one_process_is_found_by_the_other(
    stores: tuple[Store, Store],
) -> None:
    one, other = stores
    assert await other.private_chats.channel("discord", "42") is None
    await one.private_chats.opened("discord", "42", "900")
    assert await other.private_chats.channel("discord", "42") == "900"
    assert await other.private_chats.channel("telegram", "42") is None
    assert not await other.private_chats.is_closed("discord", "42")


async def test_closed_dms_are_told_once_across_processes_until_the_person_writes(
    stores: tuple[Store, Store],
) -> None:
    one, other = stores
    await one.private_chats.opened("discord", "42", "900")
    await one.private_chats.closed("discord", "42", NOW)
    await other.private_chats.closed("discord", "42", NOW + timedelta(minutes=1))
    assert await other.private_chats.is_closed("discord", "42")
    told = [await s.private_chats.take_closed_notice("discord", "42", NOW) for s in (other, one)]
    assert told == [True, False]
    await one.private_chats.closed("discord", "42", NOW)  # another failed DM: not told again
    assert not await other.private_chats.take_closed_notice("discord", "42", NOW)

    await other.private_chats.heard_from("discord", "42", "900")  # they wrote in their DM
    assert not await one.private_chats.is_closed("discord", "42")
    assert not await one.private_chats.take_closed_notice("discord", "42", NOW)
    await one.private_chats.closed("discord", "42", NOW)  # closed again later: told again
    assert await other.private_chats.take_closed_notice("discord", "42", NOW)
    assert await one.private_chats.channel("discord", "42") == "900"


async def test_closed_before_any_channel_and_heard_from_first(stores: tuple[Store, Store]) -> None:
    one, other = stores
    await one.private_chats.closed("discord", "7", NOW)
    assert await other.private_chats.channel("discord", "7") is None
    assert await other.private_chats.is_closed("discord", "7")
    await other.private_chats.heard_from("discord", "8", "801")
    await other.private_chats.heard_from("discord", "8", "801")
    assert await one.private_chats.channel("discord", "8") == "801"


async def test_forget_deletes_the_private_chat(stores: tuple[Store, Store]) -> None:
    one, _ = stores
    ann = await one.people.upsert(Identity("discord", "42"), NOW, "900", "Ann")
    await one.people.upsert(Identity("discord", "43"), NOW, "901", "Bob")
    for user_id, channel in (("42", "900"), ("43", "901")):
        await one.private_chats.opened("discord", user_id, channel)
        await one.private_chats.closed("discord", user_id, NOW)
    await one.people.forget(ann.id)
    rows = await one.db.fetchall("SELECT platform, user_id FROM private_chats")
    assert [tuple(row) for row in rows] == [("discord", "43")]
