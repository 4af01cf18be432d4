"""What Discord checks on attachments and embeds, and how it turns uploads into attachments.

A message with files arrives as multipart: ``payload_json`` plus ``files[n]`` parts, and the
payload's ``attachments`` list names each upload by its index. Discord stores each upload,
answers with a CDN URL for it, and resolves an embed image of ``attachment://<filename>`` to
that URL. Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
10 embeds, title 256, description 4,096, 25 fields, footer 2,048, author 256, 6,000 characters
in all; 10 files; each file at most the attachment size limit (10 MiB by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.discord import payloads as p
from tests.discord.payloads import JSON

ATTACHMENT_LIMIT = 10 * 1024 * 1024
MAX_EMBEDS = 10
MAX_FILES = 10
CDN = "https://cdn.discordapp.com/attachments"


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request."""

    field: str
    filename: str
    data: bytes


class Refused(Exception):  # noqa: N818 - named for what Discord does
    """Discord answers with this status and body."""

    def __init__(self, status: int, body: JSON) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body


def _invalid(where: str, message: str) -> Refused:
    errors = {where: {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": message}]}}
    return Refused(400, {"message": "Invalid Form Body", "code": 50035, "errors": errors})


def check_embeds(embeds: list[JSON]) -> None:
    """Refuse embeds over Discord's limits."""
    if len(embeds) > MAX_EMBEDS:
        raise _invalid("embeds", f"Must be {MAX_EMBEDS} or fewer in length.")
    total = 0
    for n, embed in enumerate(embeds):
        sizes = {
            "title": (len(embed.get("title") or ""), 256),
            "description": (len(embed.get("description") or ""), 4096),
            "footer.text": (len((embed.get("footer") or {}).get("text") or ""), 2048),
            "author.name": (len((embed.get("author") or {}).get("name") or ""), 256),
            "fields": (len(embed.get("fields") or []), 25),
        }
        for name, (size, limit) in sizes.items():
            if size > limit:
                raise _invalid(f"embeds.{n}.{name}", f"Must be {limit} or fewer in length.")
        total += sum(size for name, (size, _) in sizes.items() if name != "fields")
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields") or [])
    if total > 6000:
        raise _invalid("embeds", "Embed size exceeds maximum size of 6000")


def resolve(body: JSON, uploads: list[Upload], channel_id: int) -> JSON:
    """Return the body with uploads turned into attachments and embed images resolved."""
    check_embeds(body.get("embeds") or [])
    if len(uploads) > MAX_FILES:
        raise _invalid("files", f"Must be {MAX_FILES} or fewer in length.")
    by_index = {upload.field.removeprefix("files[").rstrip("]"): upload for upload in uploads}
    attachments: list[JSON] = []
    for item in body.get("attachments") or []:
        upload = by_index.get(str(item.get("id")))
        if upload is None:  # an attachment the message already has, kept by id
            attachments.append(item)
            continue
        if len(upload.data) > ATTACHMENT_LIMIT:
            raise Refused(413, {"message": "Request entity too large", "code": 40005})
        attachment_id = p.snowflake()
        url = f"{CDN}/{channel_id}/{attachment_id}/{upload.filename}?ex=67890abc&is=1234&hm=signed"
        attachments.append({
            "id": str(attachment_id), "filename": upload.filename, "size": len(upload.data),
            "url": url, "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
            "content_type": "image/png", "description": item.get("description"),
        })
    resolved: dict[str, Any] = dict(body)
    if "attachments" in body or uploads:
        resolved["attachments"] = attachments
    urls = {a["filename"]: a["url"] for a in attachments if "filename" in a}
    embeds = []
    for n, embed in enumerate(body.get("embeds") or []):
        image = (embed.get("image") or {}).get("url", "")
        if image.startswith("attachment://"):
            name = image.removeprefix("attachment://")
            if name not in urls:
                raise _invalid(f"embeds.{n}.image.url", f"Unknown attachment {name!r}.")
            embed = {**embed, "image": {"url": urls[name], "proxy_url": urls[name]}}
        elif image and not image.startswith(("http://", "https://")):
            raise _invalid(f"embeds.{n}.image.url", "Not a well formed URL.")
        embeds.append({"type": "rich", **embed})
    if "embeds" in body:
        resolved["embeds"] = embeds
    return resolved
