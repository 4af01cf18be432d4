"""The emulator proven with the real python-telegram-bot 22.8 over a loopback socket."""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.updates import User

TOKEN = "123456789:TEST-emulator-token"
ALICE = User(1001, "Alice", "alice")
BOB = User(1002, "Bob")
GROUP = updates.group(-1001234567890, "Mobility crew")


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN) as emu:
        yield emu


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    emulator.add_chat(ALICE.private_chat)
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        yield bot


def builder(emulator: TelegramEmulator) -> ApplicationBuilder:
    return ApplicationBuilder().token(TOKEN).base_url(emulator.base_url)


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_get_me_and_wrong_token(emulator: TelegramEmulator) -> None:
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        me = await bot.get_me()
    assert me.is_bot and me.username == emulator.bot.username and me.id == emulator.bot.id
    with pytest.raises(InvalidToken):
        async with Bot("42:wrong", base_url=emulator.base_url):
            pass
    app = ApplicationBuilder().token("42:wrong").base_url(emulator.base_url).build()
    with pytest.raises(InvalidToken):
        await app.initialize()


async def test_start_command_is_answered(emulator: TelegramEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Hi {update.effective_user.first_name}", do_quote=True)

    app = builder(emulator).build()
    app.add_handler(CommandHandler("start", start))
    async with polling(app):
        injected = emulator.inject(updates.command(ALICE, "/start"))
        call = await emulator.wait_for("sendMessage")
    assert call.params["chat_id"] == ALICE.id
    [sent] = emulator.sent_messages(ALICE.id)
    assert sent["text"] == "Hi Alice"
    assert sent["from"]["id"] == emulator.bot.id
    assert sent["reply_to_message"]["message_id"] == injected["message"]["message_id"]
    assert sent["message_id"] == injected["message"]["message_id"] + 1
    assert [call.method for call in emulator.calls[:2]] == ["getMe", "deleteWebhook"]
    offsets = [params.get("offset") for params in emulator.calls_to("getUpdates")]
    assert injected["update_id"] + 1 in offsets


async def test_group_command_and_reply_to_bot(emulator: TelegramEmulator) -> None:
    seen: list[str] = []

    async def hero(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_chat.send_message("Hero pose, step 1")

    async def replied(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(f"{update.message.text} -> {update.message.reply_to_message.text}")

    app = builder(emulator).build()
    app.add_handler(CommandHandler("hero", hero))
    app.add_handler(MessageHandler(filters.REPLY, replied))
    async with polling(app):
        emulator.inject(updates.command(ALICE, "/hero@other_bot", chat=GROUP))
        emulator.inject(updates.command(ALICE, f"/hero@{emulator.bot.username}", chat=GROUP))
        await emulator.wait_for("sendMessage")
        [step] = emulator.sent_messages(GROUP["id"])
        reply = emulator.inject(updates.reply_to(BOB, "done!", step))
        await emulator.wait_for("getUpdates", lambda p: p.get("offset", 0) > reply["update_id"])
    assert step["text"] == "Hero pose, step 1"
    assert len(emulator.calls_to("sendMessage")) == 1
    assert seen == ["done! -> Hero pose, step 1"]


async def test_callback_query_round_trip(emulator: TelegramEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = [[InlineKeyboardButton("Done", callback_data="hero:done:1")]]
        await update.message.reply_text("Step 1", reply_markup=InlineKeyboardMarkup(keyboard))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("Nice")
        await query.edit_message_text(f"You pressed {query.data}")

    app = builder(emulator).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with polling(app):
        emulator.inject(updates.command(ALICE, "/start"))
        await emulator.wait_for("sendMessage")
        [keyboard_message] = emulator.sent_messages(ALICE.id)
        button = keyboard_message["reply_markup"]["inline_keyboard"][0][0]
        assert button["callback_data"] == "hero:done:1"
        emulator.inject(updates.callback_query(ALICE, keyboard_message, button["callback_data"]))
        answer = await emulator.wait_for("answerCallbackQuery")
        await emulator.wait_for("editMessageText")
    assert answer.params["text"] == "Nice"
    [edited] = emulator.sent_messages(ALICE.id)
    assert edited["text"] == "You pressed hero:done:1"
    assert "reply_markup" not in edited and "edit_date" in edited


async def test_rate_limited_send_is_retried(emulator: TelegramEmulator) -> None:
    emulator.add_chat(ALICE.private_chat)
    emulator.rate_limit("sendMessage", retry_after=1, chat_id=ALICE.id)
    app = builder(emulator).rate_limiter(AIORateLimiter(max_retries=2)).build()
    async with app:
        message = await app.bot.send_message(ALICE.id, "Time to stand up")
    assert message.text == "Time to stand up"
    assert len(emulator.calls_to("sendMessage")) == 2
    assert len(emulator.sent_messages(ALICE.id)) == 1


async def test_error_scenarios(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.rate_limit("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(ALICE.id, "hi")
    emulator.bad_request("sendMessage", "chat not found", chat_id=ALICE.id)
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(ALICE.id, "hi")
    emulator.block(ALICE.id)
    with pytest.raises(Forbidden, match="(?i)blocked by the user"):
        await bot.send_message(ALICE.id, "hi")
    emulator.unblock(ALICE.id)
    assert (await bot.send_message(ALICE.id, "hi")).text == "hi"
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(BOB.id, "never started the bot")


async def test_blocking_via_my_chat_member_update(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.inject(updates.my_chat_member(ALICE, emulator.bot, "kicked"))
    with pytest.raises(Forbidden):
        await bot.send_message(ALICE.id, "hi")
    emulator.inject(updates.my_chat_member(ALICE, emulator.bot, "member"))
    await bot.send_message(ALICE.id, "welcome back")


async def test_callback_data_limit(emulator: TelegramEmulator, bot: Bot) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=data)]])

    await bot.send_message(ALICE.id, "ok", reply_markup=keyboard("é" * 32))
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(ALICE.id, "too long", reply_markup=keyboard("é" * 32 + "x"))
    assert len(emulator.calls_to("sendMessage")) == 2
    assert [str(v) for v in emulator.violations.take()] == [
        "sendMessage, field reply_markup.inline_keyboard[0][0].callback_data: "
        "65 bytes, outside 1-64 bytes"
    ]


async def test_text_length_is_counted_after_entity_parsing(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    await bot.send_message(ALICE.id, "x" * 4096)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(ALICE.id, "x" * 4097)
    (too_long,) = emulator.violations.take()
    assert (too_long.field, too_long.rule) == (
        "text", "4,097 characters after entities parsing, outside 1-4096 characters after "
        "entities parsing"
    )
    sent = await bot.send_message(ALICE.id, "<b>" + "&lt;" * 4096 + "</b>", parse_mode="HTML")
    assert sent.text == "<" * 4096
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(ALICE.id, "<i> </i>", parse_mode="HTML")


@pytest.mark.parametrize(
    "bad_html",
    ["<b>bold", "<b><i>x</b></i>", "x</b>", "<div>x</div>", "<span>x</span>", "1 < 2", "Q&A"],
)
async def test_invalid_html_is_rejected(emulator: TelegramEmulator, bot: Bot, bad_html: str) -> None:
    with pytest.raises(BadRequest, match="(?i)can.t parse entities"):
        await bot.send_message(ALICE.id, bad_html, parse_mode="HTML")
    (violation,) = emulator.violations.take()
    assert violation.field == "text" and violation.rule.startswith("can't parse entities: ")


async def test_valid_html_with_escaped_user_text(bot: Bot) -> None:
    user_text = "<script> & 'quotes' \"too\" 🦸"
    body = f'<b>{html.escape(user_text)}</b> <a href="https://example.com/?a=1&amp;b=2">link</a>'
    sent = await bot.send_message(ALICE.id, body, parse_mode="HTML")
    assert sent.text == f"{user_text} link"
    bold, link = sent.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 0, len(user_text) + 1)
    assert link.url == "https://example.com/?a=1&b=2"
    assert sent.text_html == body.replace("&amp;b=2", "&b=2")


async def test_html_entities_use_utf16_offsets(bot: Bot) -> None:
    body = (
        '<pre><code class="language-python">x = 1</code></pre>&#128512;'
        "<tg-spoiler>s</tg-spoiler><blockquote expandable><i>q</i></blockquote>"
    )
    sent = await bot.send_message(ALICE.id, body, parse_mode="HTML")
    assert sent.text == "x = 1😀sq"
    summary = [(e.type, e.offset, e.length, e.language) for e in sent.entities]
    assert summary == [
        ("pre", 0, 5, "python"),
        ("spoiler", 7, 1, None),
        ("expandable_blockquote", 8, 1, None),
        ("italic", 8, 1, None),
    ]


async def test_non_actionable_updates_are_parsed(emulator: TelegramEmulator, bot: Bot) -> None:
    original = emulator.inject(updates.private_message(ALICE, "hello"))["message"]
    injected = [
        updates.sticker(ALICE),
        updates.photo(ALICE, caption="my setup"),
        updates.voice(ALICE),
        updates.edited_message(original, "hello again"),
        updates.forwarded(ALICE, "look", origin=BOB),
        updates.channel_post(updates.channel(-1009876543210, "News"), "post"),
        updates.my_chat_member(ALICE, emulator.bot, "kicked"),
        updates.poll("Best pose?", ["Hero", "Squat"]),
        updates.group_message(BOB, GROUP, "hi all"),
    ]
    for update in injected:
        emulator.inject(update)
    received = await bot.get_updates(offset=0, timeout=0)
    assert [update.update_id for update in received] == list(range(1, 11))
    _, sticker, photo, voice, edited, forwarded, post, member, poll, group = received
    assert sticker.message.sticker.emoji == "👍"
    assert photo.message.photo[-1].width == 800 and photo.message.caption == "my setup"
    assert voice.message.voice.duration == 3
    assert edited.edited_message.text == "hello again"
    assert edited.edited_message.message_id == original["message_id"]
    assert forwarded.message.forward_origin.sender_user.id == BOB.id
    assert post.channel_post.text == "post" and post.effective_user is None
    assert member.my_chat_member.new_chat_member.status == "kicked"
    assert poll.poll.question == "Best pose?"
    assert group.message.chat.type == "supergroup"
    assert await bot.get_updates(offset=received[-1].update_id + 1, timeout=0) == ()


async def test_long_poll_wakes_on_injected_update(emulator: TelegramEmulator, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=5) == ()
    assert 0.9 < loop.time() - started < 2
    since = len(emulator.calls)
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emulator.wait_for("getUpdates", since=since)
    started = loop.time()
    emulator.inject(updates.private_message(ALICE, "hi"))
    [update] = await poll
    assert update.message.text == "hi" and loop.time() - started < 0.5


async def test_second_poller_conflicts(emulator: TelegramEmulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=1))
    await emulator.wait_for("getUpdates")
    async with Bot(TOKEN, base_url=emulator.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict):
        await first


async def test_other_methods(emulator: TelegramEmulator, bot: Bot) -> None:
    assert await bot.set_my_commands([("start", "Begin"), ("hero", "Hero pose")])
    assert [command.command for command in await bot.get_my_commands()] == ["start", "hero"]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([("Hero-Pose", "bad name")])
    assert await bot.send_chat_action(ALICE.id, "typing")
    chat = await bot.get_chat(ALICE.id)
    assert chat.first_name == "Alice" and chat.type == "private"
    sent = await bot.send_message(ALICE.id, "tmp")
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await sent.edit_text("tmp")
    assert await sent.delete()
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await sent.delete()
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("12345")
    assert emulator.sent_messages(ALICE.id) == []
    assert await bot.close() and await bot.log_out()
