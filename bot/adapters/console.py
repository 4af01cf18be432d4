"""The console chat: a real adapter on the same core and delivery path, in a terminal."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import getpass
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import TextIO

from bot.core.buttons import decode
from bot.core.context import Turn
from bot.core.conversation import Conversation
from bot.core.events import (
    ButtonPress,
    Choice,
    Command,
    DeliveryResult,
    DeliveryStatus,
    Identity,
    Image,
    Origin,
    Outbound,
    Reply,
    Text,
)

PLATFORM = "console"
PROMPT = "you> "
# Buttons of messages the bot sends on its own (a nudge, a reminder) are typed with this
# prefix, so they never take over the numbers of the conversation (a /hero session).
SIDE_PREFIX = "n"
# How often a waiting console looks in the database for a coach's answer sent from another
# process (the coach's own console, say).
POLL_SECONDS = 2.0
_OUT_OF_TEN = re.compile(r"^(\d{1,2})\s*/\s*10$")


def default_user() -> str:
    """Return the name the console chats under: the OS user's, or "guest"."""
    try:
        name = getpass.getuser().strip()
    except (OSError, KeyError, ImportError):
        name = ""
    return name or "guest"


def _is_number(label: str) -> bool:
    return label.isdigit() and len(label) <= 3


def _keys(choices: list[Choice], prefix: str = "") -> list[str]:
    # On a numeric scale (the 0-10 check-in) the number typed is the value meant; its other
    # buttons (Stop) take the numbers after the scale's.
    values = [int(c.label) for c in choices if _is_number(c.label)]
    if prefix or len(values) < 3 or len(set(values)) != len(values):
        return [f"{prefix}{n}" for n in range(1, len(choices) + 1)]
    after = iter(range(max(values) + 1, max(values) + 1 + len(choices)))
    return [str(int(c.label)) if _is_number(c.label) else str(next(after)) for c in choices]


def _feature(choice: Choice) -> str:
    payload = decode(choice.payload)
    return payload.feature if payload else ""


def _read_stdin(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """Feed stdin's lines to the loop; None means end of input.

    A daemon thread on the raw file descriptor, so Ctrl-C or the end of the chat never
    waits for a pending read, and no lock on sys.stdin is held at interpreter exit.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""

    def put(item: str | None) -> bool:
        try:
            loop.call_soon_threadsafe(lines.put_nowait, item)
        except RuntimeError:  # the loop has closed: the chat is over
            return False
        return True

    while True:
        try:
            chunk = os.read(sys.stdin.fileno(), 4096)
        except (OSError, ValueError):
            chunk = b""
        if not chunk:
            if pending:
                put(pending)
            put(None)
            return
        pending += decoder.decode(chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            if not put(line + "\n"):
                return


class ConsoleChat:
    """One person chatting in this terminal; buttons are shown as `[key] Label`.

    The conversation's buttons (a /hero step, a set-up question) are typed as `1`, `2`, ...,
    or as the value on a 0-10 scale; a nudge's buttons as `n1`, `n2`, ... A label works too.
    """

    def __init__(self, core: Conversation, user: str, out: TextIO | None = None,
                 interactive: bool | None = None, images: bool = True) -> None:
        self.core = core
        self.identity = Identity(PLATFORM, user)
        self.out = out or sys.stdout
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.choices: list[Choice] = []
        self.side_choices: list[Choice] = []
        self._message_id = 0
        self._turns = asyncio.Lock()
        self.images = images
        self._charts: Path | None = None

    def close(self) -> None:
        """Delete the charts this chat saved for viewing."""
        if self._charts is not None:
            shutil.rmtree(self._charts, ignore_errors=True)
            self._charts = None

    def _image_path(self, image: Image) -> Path:
        if image.path is not None:
            return image.path
        # A terminal can't show a chart inline, so it is saved for the person at this console
        # to open, in a folder only they can read, removed when the chat ends.
        if self._charts is None:
            self._charts = Path(tempfile.mkdtemp(prefix="herocoach-charts-"))
        self._message_id += 1
        path = self._charts / f"{self._message_id}-{image.name}"
        path.write_bytes(image.read())
        return path

    def _next_id(self) -> str:
        self._message_id += 1
        return str(self._message_id)

    def _origin(self) -> Origin:
        user = self.identity.user_id
        return Origin(self.identity, user, self._next_id(), is_private=True, display_name=user)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def show(self, text: str, choices: list[Choice], side: bool = False,
             image: Image | None = None) -> None:
        """Print one bot message; its buttons become the conversation's, or the nudge's (`side`)."""
        keys = _keys(choices, SIDE_PREFIX if side else "")
        lines = [f"bot> {text}".replace("\n", "\n     ")]
        if image is not None and self.images:
            lines.append(f"     [picture: {self._image_path(image)}]")
        lines += [f"  [{key}] {choice.label}" for key, choice in zip(keys, choices, strict=True)]
        if side and choices and self.choices:
            lines.append(f"  (type {keys[0]}-{keys[-1]} for these; 1, 2, ... still answer "
                         "the conversation above)")
        self._print("\n".join(lines))
        if side:
            self.side_choices = list(choices)
        elif choices:
            self.choices = list(choices)

    def show_replies(self, replies: list[Reply], pressed_side: bool = False) -> None:
        """Print the core's replies in order; an alert leaves the buttons as they were.

        A message without buttons leaves the shown buttons pressable, unless it replaces
        (edits) the message whose button was pressed.
        """
        for reply in replies:
            if reply.alert:
                self._print(f"bot> (!) {reply.text}")
                continue
            side = pressed_side and reply.edit and not self._is_conversation(reply.choices)
            if reply.edit and not reply.choices:
                if pressed_side:
                    self.side_choices = []
                else:
                    self.choices = []
            self.show(reply.text, reply.choices, side=side, image=reply.image)

    @staticmethod
    def _is_conversation(choices: list[Choice]) -> bool:
        return bool(choices) and all(_feature(c) == "h" for c in choices)

    async def send(self, message: Outbound) -> DeliveryResult:
        """Deliver a message the bot sends on its own, while the prompt waits."""
        if message.to != self.identity:
            return DeliveryResult(DeliveryStatus.FAILED, detail="not the person at this console")
        self._interject(message.text, message.choices,
                        side=bool(message.choices) and not self._is_conversation(message.choices),
                        image=message.image)
        return DeliveryResult(DeliveryStatus.SENT, self._next_id())

    def _interject(self, text: str, choices: list[Choice], side: bool,
                   image: Image | None = None) -> None:
        if self.interactive:
            self._print("")
        self.show(text, choices, side=side, image=image)
        if self.interactive:
            print(PROMPT, end="", file=self.out, flush=True)

    def _press(self, text: str) -> tuple[Choice, bool] | None:
        wanted = text.casefold()
        if match := _OUT_OF_TEN.match(wanted):
            wanted = str(int(match.group(1)))
        for side, choices in ((False, self.choices), (True, self.side_choices)):
            keys = _keys(choices, SIDE_PREFIX if side else "")
            for key, choice in zip(keys, choices, strict=True):
                if key == wanted:
                    return choice, side
        for side, choices in ((False, self.choices), (True, self.side_choices)):
            for choice in choices:
                if choice.label.casefold() == wanted:
                    return choice, side
        return None

    def to_event(self, line: str) -> Command | Text | ButtonPress | None:
        """Turn a typed line into a neutral event: a button's key or label presses it."""
        text = line.strip()
        if not text:
            return None
        if (pressed := self._press(text)) is not None:
            return ButtonPress(self._origin(), pressed[0].payload)
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return Command(self._origin(), name, args.strip())
        return Text(self._origin(), text)

    async def handle_line(self, line: str) -> None:
        """Send one typed line to the core and print what comes back."""
        pressed = self._press(line.strip()) if line.strip() else None
        event = self.to_event(line)
        if event is None:
            return
        async with self._turns:
            self.show_replies(await self.core.handle(event), pressed_side=bool(pressed and pressed[1]))

    async def deliver_pending(self) -> int:
        """Show answers left for this person by another process (a coach's console); return how many."""
        async with self._turns:
            core = self.core
            person = await core.store.people.find(self.identity)
            if person is None:
                return 0
            turn = Turn(person, self._origin(), core.clock.now())
            replies = await self.core.inbox.pending_for(turn)
            for reply in replies:
                self._interject(reply.text, reply.choices, side=False)
            return len(replies)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await self.deliver_pending()
            except Exception as exc:  # a busy or closing database: try again next time
                if self.interactive:
                    self._print(f"(could not check for messages: {type(exc).__name__})")

    async def run(self) -> None:
        """Read lines until EOF (Ctrl-D or the end of a piped file) or Ctrl-C."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(target=_read_stdin, args=(loop, lines), name="console-stdin",
                         daemon=True).start()
        poller = asyncio.create_task(self._poll())
        if self.interactive:
            self._print("HeroCoach console. Type /help, or /start. Ctrl-D or Ctrl-C quits.")
        try:
            while True:
                if self.interactive:
                    print(PROMPT, end="", file=self.out, flush=True)
                line = await lines.get()
                if line is None:
                    break
                if not self.interactive:
                    self._print(f"{PROMPT}{line.rstrip()}")
                await self.handle_line(line)
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            if self.interactive:
                self._print("\nBye!")
