"""Pictures on Telegram: /hero's set-up as a photo with buttons, reused by file_id; charts."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image as PillowImage
from telegram.error import BadRequest

from bot.core.events import Choice, DeliveryStatus, Identity, Outbound
from tests.telegram.harness import ALICE, BOB, TelegramBot, labels, running_bot
from tests.telegram.photos import Upload
from tests.telegram.updates import JSON


@pytest.fixture
async def tg(tmp_path: Path, database_url: str) -> AsyncIterator[TelegramBot]:
    # On both backends: the uploads the photos reuse are stored like everything else.
    async with running_bot(tmp_path, database_url=database_url) as bot:
        yield bot


async def to_setup(tg: TelegramBot, user) -> JSON:
    mark = tg.mark()
    tg.say(user, "/hero")
    await tg.sent(user.id, mark, markup=True)
    await tg.step(user, "All clear")
    return await tg.advance(user, "Bolster")


async def test_the_set_up_step_is_a_photo_with_its_steps_and_buttons_then_reused_by_file_id(
    tg: TelegramBot,
) -> None:
    setup = await to_setup(tg, ALICE)
    assert setup["caption"].startswith("Set up: High seat\nA bolster")
    assert "1. Kneel with your knees together" in setup["caption"]
    assert labels(setup)[0] == ["I'm in position"] and labels(setup)[-1] == ["Too intense", "Stop"]
    [first] = tg.emulator.calls_to("sendPhoto")
    assert isinstance(first["photo"], Upload) and first["photo"].filename == "high.png"
    props = [m for m in tg.emulator.sent_messages(ALICE.id) if m.get("text", "").startswith("What will")]
    assert props and "reply_markup" not in props[-1]  # the props step's buttons are gone

    ease = await tg.advance(ALICE, "I'm in position")
    assert ease["text"].startswith("Ease in and out, round 1 of 3")
    photo = next(m for m in tg.emulator.sent_messages(ALICE.id) if m["message_id"] == setup["message_id"])
    assert "reply_markup" not in photo and photo["caption"] == setup["caption"]  # kept, no buttons
    await tg.step(ALICE, "Stop")

    stored = await tg.runtime.store.uploads.get("telegram", tg.runtime.content.picture("images/high.svg").key)
    assert stored is not None and stored[0] == setup["photo"][-1]["file_id"]
    again = await to_setup(tg, BOB)
    second = tg.emulator.calls_to("sendPhoto")[-1]
    assert second["photo"] == setup["photo"][-1]["file_id"]  # sent by file_id, not uploaded
    assert again["photo"][-1]["file_id"] == setup["photo"][-1]["file_id"]
    assert len(tg.emulator.photos.uploads) == 1


async def test_the_tuck_cue_comes_with_its_picture(tg: TelegramBot) -> None:
    await to_setup(tg, ALICE)
    step = await tg.advance(ALICE, "I'm in position")
    while labels(step)[0][0] in ("Next round", "Ready to hold still"):
        step = await tg.advance(ALICE, labels(step)[0][0])
    assert labels(step)[0] == ["Tail tucked"]
    assert step["caption"].startswith("Once you're seated, let your tailbone drop")
    assert tg.emulator.calls_to("sendPhoto")[-1]["photo"].filename == "tail-tuck.png"
    hold = await tg.advance(ALICE, "Tail tucked")
    assert "hold still for 45 seconds" in hold["text"]


async def test_a_forgotten_file_id_is_uploaded_again(tg: TelegramBot) -> None:
    image = tg.runtime.content.picture("images/high.svg")
    await tg.runtime.store.uploads.put("telegram", image.key, "AgAC-gone", tg.clock.now())
    await to_setup(tg, ALICE)
    calls = tg.emulator.calls_to("sendPhoto")
    assert [c["photo"] if isinstance(c["photo"], str) else "upload" for c in calls] == ["AgAC-gone", "upload"]
    stored = await tg.runtime.store.uploads.get("telegram", image.key)
    assert stored is not None and stored[0] == tg.emulator.photos.uploads[0].file_id


async def test_a_caption_too_long_sends_the_photo_then_the_text_with_buttons(tg: TelegramBot) -> None:
    tg.emulator.add_chat(ALICE.private_chat)
    image = tg.runtime.content.picture("images/coming-out.svg")
    text = "Come out slowly. " * 80  # about 1,360 characters
    result = await tg.adapter.send(Outbound(Identity("telegram", str(ALICE.id)), text,
                                            [Choice("Check in", "x:1")], image=image))
    assert result.status is DeliveryStatus.SENT
    photo, words = tg.emulator.sent_messages(ALICE.id)[-2:]
    assert "photo" in photo and "caption" not in photo and "reply_markup" not in photo
    assert words["text"] == text and labels(words) == [["Check in"]]


async def test_the_emulator_refuses_what_telegram_refuses(tg: TelegramBot) -> None:
    tg.emulator.add_chat(ALICE.private_chat)
    bot = tg.adapter.application.bot
    png = tg.runtime.content.picture("images/floor.svg").read()
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_photo(ALICE.id, png, caption="x" * 1025)
    (too_long,) = tg.emulator.violations.take()
    assert (too_long.request, too_long.field) == ("sendPhoto", "caption")
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_photo(ALICE.id, "AgAC-never-uploaded")
    for size in ((9000, 1200), (2100, 100)):
        buffer = io.BytesIO()
        PillowImage.new("RGB", size).save(buffer, "PNG")
        with pytest.raises(BadRequest, match="(?i)PHOTO_INVALID_DIMENSIONS"):
            await bot.send_photo(ALICE.id, buffer.getvalue())
    with pytest.raises(BadRequest, match="(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(ALICE.id, b"not a picture")
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        await bot.send_photo(ALICE.id, png + b"\0" * 10_000_000)


async def test_progress_arrives_as_a_chart(tg: TelegramBot) -> None:
    person = await tg.runtime.store.people.upsert(
        Identity("telegram", str(ALICE.id)), tg.clock.now(), str(ALICE.id), "Alice")
    for days_ago in (9, 5, 1):
        when = tg.clock.now() - timedelta(days=days_ago)
        session = await tg.runtime.store.hero.start_session(person.id, "done", "high", when)
        session.intensity, session.outcome, session.ended_at = 4, "completed", when
        await tg.runtime.store.hero.save_session(session)
    mark = tg.mark()
    tg.say(ALICE, "/progress")
    call = await tg.emulator.wait_for("sendPhoto", since=mark)
    upload = call.params["photo"]
    assert isinstance(upload, Upload) and upload.filename == "progress.png"
    with PillowImage.open(io.BytesIO(upload.data)) as chart:
        assert (chart.format, chart.size) == ("PNG", (1000, 600))
    assert call.params["caption"].startswith("Your next /hero starts at: High seat")
    assert "Chart: 3 sessions in the last 12 weeks" in call.params["caption"]
    # A chart is about one person: it is neither kept nor reused.
    [[uploads]] = await tg.runtime.store.db.fetchall("SELECT COUNT(*) FROM uploads")
    assert uploads == 0
