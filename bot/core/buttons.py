"""Button payloads: short, ASCII, strictly parsed, so a forged one is simply "expired"."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PAYLOAD_BYTES = 64
_PART = r"[A-Za-z0-9_./+-]{1,40}"
_PAYLOAD = re.compile(rf"^[a-z]{{1,6}}(?::{_PART}){{0,4}}$")


@dataclass(frozen=True, slots=True)
class Payload:
    """A parsed payload: the feature it belongs to and its parts."""

    feature: str
    parts: tuple[str, ...]

    def part(self, index: int) -> str | None:
        """Return one part, or None when the payload is shorter."""
        return self.parts[index] if index < len(self.parts) else None

    def number(self, index: int) -> int | None:
        """Return one part as a non-negative integer, or None when it is not one."""
        value = self.part(index)
        if value is None or not value.isdigit() or len(value) > 12:
            return None
        return int(value)


def encode(feature: str, *parts: object) -> str:
    """Build a payload; raise ValueError when it would break the platform limits."""
    text = ":".join([feature, *(str(part) for part in parts)])
    if len(text.encode()) > MAX_PAYLOAD_BYTES or not _PAYLOAD.match(text):
        raise ValueError(f"invalid button payload {text!r}")
    return text


def decode(text: str) -> Payload | None:
    """Parse a payload, returning None for anything this bot could not have sent."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PAYLOAD_BYTES or not _PAYLOAD.match(text):
        return None
    feature, *parts = text.split(":")
    return Payload(feature, tuple(parts))
