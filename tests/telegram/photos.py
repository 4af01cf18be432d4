"""What the Bot API checks on photos: sendPhoto and editMessageMedia, with Telegram's wording.

A photo arrives as a multipart upload, as ``attach://<name>`` naming an upload in the same
request, or as the ``file_id`` of a photo the bot sent before. Uploads must be images of at
most 10 MB whose width + height is at most 10,000 and whose sides differ by at most 20 times;
captions are at most 1,024 characters after entity parsing.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from tests.telegram.validation import JSON, EntityParseError, Rejected, parse_html

MAX_PHOTO_BYTES = 10 * 1000 * 1000
MAX_SIDES = 10_000
MAX_RATIO = 20
MAX_CAPTION = 1024
_ids = itertools.count(1)


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class StoredPhoto:
    """A photo Telegram keeps: what a file_id refers to."""

    file_id: str
    width: int
    height: int
    size: int
    data: bytes


class PhotoStore:
    """The photos the bot has uploaded, by file_id; counts uploads and reuses."""

    def __init__(self) -> None:
        self.by_id: dict[str, StoredPhoto] = {}
        self.uploads: list[StoredPhoto] = []
        self.reused: list[str] = []

    def resolve(self, value: object, params: JSON) -> StoredPhoto:
        """Return the photo a request names (upload, attach:// or file_id), checking limits."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, Upload):
            return self._store(value)
        if isinstance(value, str) and value in self.by_id:
            self.reused.append(value)
            return self.by_id[value]
        if isinstance(value, str) and value:
            raise Rejected("wrong file identifier/HTTP URL specified")
        raise Rejected("there is no photo in the request")

    def _store(self, upload: Upload) -> StoredPhoto:
        if len(upload.data) > MAX_PHOTO_BYTES:
            raise Rejected("file is too big")
        try:
            with Image.open(io.BytesIO(upload.data)) as image:
                width, height = image.size
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise Rejected("IMAGE_PROCESS_FAILED") from None
        if width + height > MAX_SIDES or max(width, height) > MAX_RATIO * min(width, height):
            raise Rejected("PHOTO_INVALID_DIMENSIONS")
        photo = StoredPhoto(f"AgAC-photo-{next(_ids)}", width, height, len(upload.data), upload.data)
        self.by_id[photo.file_id] = photo
        self.uploads.append(photo)
        return photo


def sizes(photo: StoredPhoto) -> list[JSON]:
    """Return the PhotoSize list Telegram answers with (a thumbnail and the full size)."""
    scale = 90 / max(photo.width, photo.height)
    thumb = {"file_id": photo.file_id + "-s", "file_unique_id": photo.file_id + "-su",
             "width": max(1, round(photo.width * scale)),
             "height": max(1, round(photo.height * scale)), "file_size": 1200}
    full = {"file_id": photo.file_id, "file_unique_id": photo.file_id + "-u",
            "width": photo.width, "height": photo.height, "file_size": photo.size}
    return [thumb, full]


def check_caption(params: JSON) -> tuple[str, list[JSON]]:
    """Return the caption and its entities, or reject one Telegram would refuse."""
    caption = params.get("caption")
    if caption is None:
        return "", []
    if str(params.get("parse_mode") or "").lower() == "html":
        try:
            caption, entities = parse_html(str(caption))
        except EntityParseError as error:
            raise Rejected(f"can't parse entities: {error}") from None
    else:
        entities = params.get("caption_entities") or []
    if len(caption.encode("utf-16-le")) // 2 > MAX_CAPTION:
        raise Rejected("message caption is too long")
    return caption, entities
