"""The Telegram adapter end to end: real PTB polls the loopback emulator, the real core behind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.buttons import encode
from bot.core.events import Choice, DeliveryStatus, Identity, Outbound
from tests.core.test_features import toy_feature
from tests.telegram import updates
from tests.telegram.harness import ALICE, BOB, COACH, GROUP, TelegramBot, labels, running_bot
from tests.telegram.updates import JSON

MEMBERS = ["hero", "progress", "ask", "breaks", "remind", "pause", "resume", "timezone",
           "settings", "forget", "help"]


@pytest.fixture
async def tg(tmp_path: Path) -> AsyncIterator[TelegramBot]:
    async with running_bot(tmp_path) as bot:
        yield bot


def alice() -> Identity:
    return Identity("telegram", str(ALICE.id))


async def test_commands_are_registered_with_scopes(tg: TelegramBot) -> None:
    emu = tg.emulator
    default = emu.commands[('{"type": "default"}', "")]
    assert [c["command"] for c in default] == MEMBERS
    assert all(c["description"] for c in default)
    groups = emu.commands[('{"type": "all_group_chats"}', "")]
    assert [c["command"] for c in groups] == ["hero", "ask", "breaks", "help"]
    coach_scope = f'{{"chat_id": {COACH.id}, "type": "chat"}}'
    assert [c["command"] for c in emu.commands[(coach_scope, "")]] == [
        *MEMBERS, "inbox", "answer", "stats"]


async def test_full_session_by_buttons_and_the_next_level(tg: TelegramBot) -> None:
    mark = tg.mark()
    tg.say(ALICE, "/start")
    welcome = await tg.sent(ALICE.id, mark)
    assert welcome["text"].startswith("Hi Alice! I'm HeroCoach")

    mark = tg.mark()
    tg.say(ALICE, "/hero")
    safety = await tg.sent(ALICE.id, mark, markup=True)
    assert safety["text"].startswith("Quick check before we start")
    props = await tg.step(ALICE, "All clear")
    assert labels(props)[0] == ["Bolster or stacked blocks (suggested)"]
    assert labels(props)[-1] == ["Too intense", "Stop"]
    setup = await tg.advance(ALICE, "Bolster")
    assert setup["caption"].startswith("Set up:") and "photo" in setup
    step = await tg.advance(ALICE, "I'm in position")
    while "Tail tucked" not in sum(labels(step), []):
        first = labels(step)[0][0]
        assert first in ("Next round", "Ready to hold still")
        step = await tg.advance(ALICE, first)
    hold = await tg.advance(ALICE, "Tail tucked")
    assert "hold still for 45 seconds" in hold["text"]
    intensity = await tg.step(ALICE, "Done holding")
    rows = labels(intensity)
    assert rows[:2] == [["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]]
    where = await tg.step(ALICE, "9")
    done = await tg.step(ALICE, "Front of thighs")
    assert "intensity 9/10" in done["text"] and "reply_markup" not in done
    assert "next time we'll start with more support (Prep: kneeling)" in done["text"]
    # Text steps edit one message; a picture arrives as a new photo and the text after it
    # as a new message, and only the latest message keeps buttons.
    kinds = ["photo" if "photo" in m else "text" for m in tg.emulator.sent_messages(ALICE.id)[1:]]
    assert kinds == ["text", "photo", "text", "photo", "text"]
    assert where["message_id"] == hold["message_id"]
    assert sum("reply_markup" in m for m in tg.emulator.sent_messages(ALICE.id)) == 0

    mark = tg.mark()
    tg.say(ALICE, "/hero")
    await tg.sent(ALICE.id, mark, markup=True)
    props = await tg.step(ALICE, "All clear")
    assert labels(props)[0] == ["Just a blanket under my shins (suggested)"]
    answers = tg.emulator.calls_to("answerCallbackQuery")
    assert answers and all(not a.get("show_alert") for a in answers)


async def test_faq_answer_is_a_reply_to_the_question(tg: TelegramBot) -> None:
    mark = tg.mark()
    tg.say(ALICE, "/start")
    welcome = await tg.sent(ALICE.id, mark)
    mark = tg.mark()
    question = tg.emulator.inject(updates.reply_to(ALICE, "why should I tuck my tail?", welcome))
    answer = await tg.sent_photo(ALICE.id, mark)  # the answer comes with the tail-tuck picture
    assert answer["caption"].startswith('What does "tuck the tail" mean')
    assert answer["reply_to_message"]["message_id"] == question["message"]["message_id"]
    assert labels(answer) == [["👍 Helpful", "👎 Not quite"]]
    mark = tg.mark()
    await tg.press(ALICE, "👍")
    await tg.emulator.wait_for("editMessageMedia", since=mark)
    thanked = tg.emulator.sent_messages(ALICE.id)[-1]
    assert thanked["caption"].endswith("Thanks, glad it helped!") and "reply_markup" not in thanked
    assert thanked["photo"] == answer["photo"]  # the same picture, by its file_id


async def coach_gets_question(tg: TelegramBot, text: str) -> tuple[JSON, JSON]:
    for user in (COACH, ALICE):
        mark = tg.mark()
        tg.say(user, "/start")
        await tg.sent(user.id, mark)
    mark = tg.mark()
    asked = tg.say(ALICE, text)
    passed = await tg.sent(ALICE.id, mark)
    assert "to the coach" in passed["text"]
    notice = await tg.sent(COACH.id, mark)
    return asked, notice


async def test_coach_answers_by_replying_to_the_dm(tg: TelegramBot) -> None:
    asked, notice = await coach_gets_question(tg, "Is <b>yoga</b> & pilates better? x > y")
    assert notice["text"].startswith("New question #1 from Alice (telegram):")
    assert "Is <b>yoga</b> & pilates better? x > y" in notice["text"]
    mark = tg.mark()
    tg.emulator.inject(updates.reply_to(COACH, "Both help; pick the one you enjoy.", notice))
    relayed = await tg.sent(ALICE.id, mark)
    assert relayed["text"].startswith("The coach answered your question:")
    assert relayed["text"].endswith("Both help; pick the one you enjoy.")
    assert relayed["reply_to_message"]["message_id"] == asked["message_id"]
    confirmation = await tg.sent(COACH.id, mark)
    assert confirmation["text"].startswith("Sent your answer to #1")


async def test_coach_answers_with_the_answer_command(tg: TelegramBot) -> None:
    await coach_gets_question(tg, "what's the capital of France?")
    mark = tg.mark()
    tg.say(COACH, "/answer 1 Paris, but let's stick to hips.")
    relayed = await tg.sent(ALICE.id, mark)
    assert relayed["text"].endswith("Paris, but let's stick to hips.")


async def test_dm_with_buttons_reaches_the_core(tg: TelegramBot) -> None:
    tg.emulator.add_chat(ALICE.private_chat)
    start = Choice("Start now", encode("h", "new"))
    result = await tg.runtime.router.send(Outbound(alice(), "Time to practise!", [start]))
    assert result.status is DeliveryStatus.SENT
    [dm] = tg.emulator.sent_messages(ALICE.id)
    assert str(dm["message_id"]) == result.message_id and labels(dm) == [["Start now"]]
    mark = tg.mark()
    await tg.press(ALICE, "Start now", dm)
    session = await tg.sent(ALICE.id, mark, markup=True)
    assert session["text"].startswith("Quick check before we start")


async def test_times_up_dm_check_in_button(tg: TelegramBot) -> None:
    mark = tg.mark()
    tg.say(ALICE, "/hero")
    await tg.sent(ALICE.id, mark, markup=True)
    for label in ("All clear", "Bolster", "I'm in position", "Next round", "Next round",
                  "Ready to hold still", "Tail tucked"):
        await tg.advance(ALICE, label)
    tg.clock.advance(seconds=46)
    mark = tg.mark()
    assert await tg.runtime.core.sweep() == 1
    times_up = await tg.sent_photo(ALICE.id, mark)  # with the coming-out picture
    assert times_up["caption"].startswith("Time's up.") and labels(times_up) == [["Check in"]]
    assert tg.emulator.calls_to("sendPhoto")[-1]["photo"].filename == "coming-out.png"
    checkin = await tg.advance(ALICE, "Check in")
    assert checkin["text"].startswith("How strong did that feel")


async def test_blocked_person_is_unreachable(tg: TelegramBot) -> None:
    tg.emulator.add_chat(ALICE.private_chat)
    tg.emulator.block(ALICE.id)
    result = await tg.runtime.router.send(Outbound(alice(), "Stand up!"))
    assert result.status is DeliveryStatus.UNREACHABLE
    assert "blocked" in result.detail
    assert tg.unreachable == [(alice(), result.detail)]
    assert len(tg.emulator.calls_to("sendMessage")) == 1  # a 403 is not retried


async def test_never_started_is_unreachable(tg: TelegramBot) -> None:
    result = await tg.runtime.router.send(Outbound(Identity("telegram", "4242"), "hello"))
    assert result.status is DeliveryStatus.UNREACHABLE


async def test_blocking_update_reports_unreachable(tg: TelegramBot) -> None:
    tg.emulator.inject(updates.my_chat_member(ALICE, tg.emulator.bot, "kicked"))
    tg.emulator.inject(updates.my_chat_member(BOB, tg.emulator.bot, "kicked", chat=GROUP))
    await tg.sync()
    assert tg.unreachable == [(alice(), "blocked the bot")]


async def test_rate_limited_message_is_sent_after_retry(tg: TelegramBot) -> None:
    tg.emulator.add_chat(ALICE.private_chat)
    tg.emulator.rate_limit("sendMessage", retry_after=1, chat_id=ALICE.id)
    result = await tg.runtime.router.send(Outbound(alice(), "Stand up!"))
    assert result.status is DeliveryStatus.SENT
    assert len(tg.emulator.calls_to("sendMessage")) == 2
    assert [m["text"] for m in tg.emulator.sent_messages(ALICE.id)] == ["Stand up!"]


async def test_group_hero_opens_the_private_chat(tg: TelegramBot) -> None:
    mark = tg.mark()
    asked = tg.say(ALICE, "/hero@herocoach_bot", chat=GROUP)
    link = await tg.sent(GROUP["id"], mark, markup=True)
    [[button]] = link["reply_markup"]["inline_keyboard"]
    assert button["url"] == "https://t.me/herocoach_bot?start=hero"
    assert link["reply_to_message"]["message_id"] == asked["message_id"]
    mark = tg.mark()
    tg.say(ALICE, "/breaks", chat=GROUP)
    link = await tg.sent(GROUP["id"], mark, markup=True)
    assert link["reply_markup"]["inline_keyboard"][0][0]["url"].endswith("?start=breaks")
    assert await tg.runtime.store.hero.open_session(1) is None  # no session ran in the group

    mark = tg.mark()
    tg.say(ALICE, "/start hero")
    deep_linked = await tg.sent(ALICE.id, mark, markup=True)
    assert deep_linked["text"].startswith("Quick check before we start")


async def test_group_chatter_and_other_bots_are_ignored(tg: TelegramBot) -> None:
    tg.say(BOB, "anyone up for a walk?", chat=GROUP)
    tg.say(BOB, "/hero@other_bot", chat=GROUP)
    await tg.sync()
    assert tg.emulator.sent_messages(GROUP["id"]) == []


async def test_stranger_press_in_group_gets_an_alert(tg: TelegramBot) -> None:
    mark = tg.mark()
    tg.say(ALICE, "/hero", chat=GROUP)
    link = await tg.sent(GROUP["id"], mark)
    mark = tg.mark()
    question = tg.emulator.inject(updates.reply_to(ALICE, "why tuck the tail?", link))
    answer = await tg.sent_photo(GROUP["id"], mark)
    assert answer["reply_to_message"]["message_id"] == question["message"]["message_id"]
    mark = tg.mark()
    answered = await tg.press(BOB, "👍", answer)
    assert answered["show_alert"] is True and "someone else" in answered["text"]
    await tg.sync()
    after = tg.emulator.sent_messages(GROUP["id"])
    assert [m for m in after if m["message_id"] == answer["message_id"]] == [answer]
    assert not [c for c in tg.emulator.calls[mark:] if c.method.startswith("edit")]


async def test_long_text_is_split_with_buttons_on_the_last_part(tg: TelegramBot) -> None:
    tg.emulator.add_chat(ALICE.private_chat)
    paragraph = "Breathe in & out <slowly>. " * 60
    text = "\n\n".join(f"{n}. {paragraph}" for n in range(1, 7))
    start = Choice("Start", encode("h", "new"))
    result = await tg.runtime.router.send(Outbound(alice(), text, [start]))
    assert result.ok
    parts = tg.emulator.sent_messages(ALICE.id)
    assert len(parts) == 3 and all(len(p["text"]) <= 4096 for p in parts)
    assert "\n\n".join(p["text"] for p in parts) == text
    assert [bool(p.get("reply_markup")) for p in parts] == [False, False, True]
    assert result.message_id == str(parts[0]["message_id"])


async def test_other_updates_get_a_kind_answer_or_are_ignored(tg: TelegramBot) -> None:
    mark = tg.mark()
    original = tg.say(ALICE, "/start")
    await tg.sent(ALICE.id, mark)
    mark = tg.mark()
    for update in (updates.sticker(ALICE), updates.photo(ALICE, caption="my setup"),
                   updates.voice(ALICE), updates.forwarded(ALICE, "look", origin=BOB),
                   updates.edited_message(original, "/hero"),
                   updates.channel_post(updates.channel(-100987, "News"), "/hero"),
                   updates.poll("Best pose?", ["Hero", "Squat"])):
        tg.emulator.inject(update)
    await tg.sync()
    texts = [m["text"] for m in tg.emulator.sent_messages(ALICE.id)[1:]]
    assert texts[:3] == [texts[0]] * 3 and texts[0].startswith("I can only read text")
    assert texts[3].startswith("I don't act on forwarded messages")
    assert len(texts) == 4


async def test_nudge_arrives_as_a_dm_and_done_is_logged(tg: TelegramBot) -> None:
    tg.say(ALICE, "/breaks every 30m 09:00-17:00 mon-fri")
    await tg.sync()
    confirm = tg.emulator.sent_messages(ALICE.id)[-1]
    assert "Break nudges on: every 30 min, 09:00-17:00, Mon-Fri" in confirm["text"]
    tg.clock.advance(minutes=30)
    mark = tg.mark()
    assert await tg.runtime.core.sweep() == 1
    nudge = await tg.sent(ALICE.id, mark, markup=True)
    assert nudge["text"].startswith("Time to get up")
    assert labels(nudge) == [["Done", "Snooze 10 min"], ["Skip", "Pause today"]]
    done = await tg.step(ALICE, "Done")
    assert "Break logged" in done["text"]
    stats = await tg.runtime.store.schedules.counts()
    assert stats["sent"] == 1 and stats["done"] == 1


async def test_a_declared_feature_is_in_every_command_menu(tmp_path: Path) -> None:
    async with running_bot(tmp_path, features=(toy_feature(),)) as bot:
        menus = bot.emulator.commands
        assert "water" in [c["command"] for c in menus[('{"type": "default"}', "")]]
        assert "water" in [c["command"] for c in menus[('{"type": "all_group_chats"}', "")]]
        coach_scope = f'{{"chat_id": {COACH.id}, "type": "chat"}}'
        assert "water" in [c["command"] for c in menus[(coach_scope, "")]]
        mark = bot.mark()
        bot.say(ALICE, "/water 2")
        await bot.sent(ALICE.id, mark, markup=True)  # after the newcomer's welcome
        assert bot.emulator.sent_messages(ALICE.id)[-1]["text"] == "Drink 2 glass of water."
