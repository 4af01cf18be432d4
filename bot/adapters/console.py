"""The console chat: a real adapter on the same core and delivery path, in a terminal."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.core.coach import Coach
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


class ConsoleChat:
    """One person chatting in this terminal; buttons are shown as `[n] Label`."""

    def __init__(self, coach: Coach, user: str, out: TextIO | None = None,
                 interactive: bool | None = None, images: bool = True) -> None:
        self.coach = coach
        self.identity = Identity(PLATFORM, user)
        self.out = out or sys.stdout
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.images = images
        self.choices: list[Choice] = []
        self._message_id = 0
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

    def show(self, text: str, choices: list[Choice], image: Image | None = None) -> None:
        """Print one bot message (and where its picture is) and make its buttons the ones a number presses."""
        lines = [f"bot> {text}".replace("\n", "\n     ")]
        if image is not None and self.images:
            lines.append(f"     [picture: {self._image_path(image)}]")
        lines += [f"  [{n}] {choice.label}" for n, choice in enumerate(choices, start=1)]
        print("\n".join(lines), file=self.out, flush=True)
        # Numbers always mean the buttons of the latest message, as a reader would expect.
        self.choices = list(choices)

    def show_replies(self, replies: list[Reply]) -> None:
        """Print the core's replies in order; an alert leaves the buttons as they were."""
        for reply in replies:
            if reply.alert:
                print(f"bot> (!) {reply.text}", file=self.out, flush=True)
            else:
                self.show(reply.text, reply.choices, reply.image)

    async def send(self, message: Outbound) -> DeliveryResult:
        """Deliver a message the bot sends on its own, while the prompt waits."""
        if message.to != self.identity:
            return DeliveryResult(DeliveryStatus.FAILED, detail="not the person at this console")
        if self.interactive:
            print(file=self.out)
        self.show(message.text, message.choices, message.image)
        if self.interactive:
            print(PROMPT, end="", file=self.out, flush=True)
        return DeliveryResult(DeliveryStatus.SENT, self._next_id())

    def to_event(self, line: str) -> Command | Text | ButtonPress | None:
        """Turn a typed line into a neutral event: a number or label presses a button."""
        text = line.strip()
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self.choices):
            return ButtonPress(self._origin(), self.choices[int(text) - 1].payload)
        for choice in self.choices:
            if choice.label.casefold() == text.casefold():
                return ButtonPress(self._origin(), choice.payload)
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return Command(self._origin(), name, args.strip())
        return Text(self._origin(), text)

    async def handle_line(self, line: str) -> None:
        """Send one typed line to the core and print what comes back."""
        event = self.to_event(line)
        if event is not None:
            self.show_replies(await self.coach.handle(event))

    async def run(self) -> None:
        """Read lines until EOF (Ctrl-D or the end of a piped file)."""
        loop = asyncio.get_running_loop()
        if self.interactive:
            print("HeroCoach console. Type /help, or /start. Ctrl-D quits.", file=self.out)
        while True:
            if self.interactive:
                print(PROMPT, end="", file=self.out, flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                if self.interactive:
                    print("\nBye!", file=self.out)
                return
            if not self.interactive:
                print(f"{PROMPT}{line.rstrip()}", file=self.out, flush=True)
            await self.handle_line(line)
