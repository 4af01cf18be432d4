"""Every request the Telegram emulator receives, checked against the pinned Bot API description.

tests/specs/telegram-bot-api.json lists each method's parameters with their types and whether they
are required, and each object type's fields. It is turned into one JSON Schema per method: unknown
methods, missing required parameters, wrong types and unknown parameters or fields are violations
(the live server ignores unknown parameters, but a misspelt one is a bug that silently drops what
the bot meant). The sizes the description states in words ("1-4096 characters after entities
parsing", "1-64 bytes") are checked too, by the ``x-sizes`` keyword below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator, ValidationError, validators

from tests.specs.violations import Violation, Violations, from_schema
from tests.telegram.validation import EntityParseError, parse_html

SPEC = Path(__file__).parent.parent / "specs" / "telegram-bot-api.json"
_SIZE = re.compile(r"\b(\d+)-(\d+) (characters|bytes)\b")
_FIXED_TYPE = re.compile(r'(?:must be |always ")(\w+)"?$')
_SCALARS = {
    "Integer": {"type": "integer"},
    "Float": {"type": "number"},
    "Boolean": {"type": "boolean"},
    "String": {"type": "string"},
    "InputFile": {"type": "file"},
}
_ATTACH = "attach://"
JSON = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Attached:
    """A file sent as a multipart part (its bytes stay with the emulator)."""

    part: str


@dataclass(frozen=True)
class _Size:
    low: int
    high: int
    unit: str
    parsed: bool

    def measure(self, value: str, parse_mode: object) -> int | None:
        """Return the size as the description counts it, or None when it can't be known."""
        if self.unit == "bytes":
            return len(value.encode())
        if self.parsed:
            mode = str(parse_mode or "").lower()
            if mode == "html":
                return len(parse_html(value)[0])
            if mode:  # Markdown: the parsed length is unknown here, and never longer than raw.
                return None
        return len(value)


def _sizes(
    validator: Draft202012Validator, sizes: dict[str, _Size], instance: Any, schema: JSON
) -> Iterator[ValidationError]:
    """The ``x-sizes`` keyword: each named string field's documented size range."""
    if not isinstance(instance, dict):
        return
    for name, size in sizes.items():
        value = instance.get(name)
        if not isinstance(value, str):
            continue
        try:
            length = size.measure(value, instance.get("parse_mode"))
        except EntityParseError as error:
            yield ValidationError(f"can't parse entities: {error}", path=[name])
            continue
        if length is not None and not size.low <= length <= size.high:
            after = " after entities parsing" if size.parsed else ""
            rule = f"{size.low}-{size.high} {size.unit}{after}"
            yield ValidationError(f"{length:,} {size.unit}{after}, outside {rule}", path=[name])


def _is_file(checker: object, instance: object) -> bool:
    return isinstance(instance, Attached)


_Validator = validators.extend(
    Draft202012Validator,
    {"x-sizes": _sizes},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("file", _is_file),
)


def _type_schema(name: str) -> JSON:
    if name.startswith("Array of "):
        return {"type": "array", "items": _type_schema(name.removeprefix("Array of "))}
    return _SCALARS.get(name) or {"$ref": f"#/$defs/{name}"}


def _object_schema(fields: list[JSON]) -> JSON:
    properties: JSON = {}
    sizes: dict[str, _Size] = {}
    for field in fields:
        options = [_type_schema(name) for name in field["types"]]
        schema = options[0] if len(options) == 1 else {"anyOf": options}
        description = field.get("description", "")
        if field["name"] == "type" and (fixed := _FIXED_TYPE.search(description)):
            schema = {**schema, "const": fixed.group(1)}
        if size := _SIZE.search(description):
            parsed = "after entit" in description
            sizes[field["name"]] = _Size(int(size[1]), int(size[2]), size[3], parsed)
        properties[field["name"]] = schema
    schema = {
        "type": "object",
        "properties": properties,
        "required": [field["name"] for field in fields if field["required"]],
        "additionalProperties": False,
    }
    return schema | ({"x-sizes": sizes} if sizes else {})


@dataclass(frozen=True)
class BotApi:
    """The pinned Bot API description: a validator per method, found by case-insensitive name."""

    version: str
    methods: dict[str, tuple[str, Draft202012Validator, dict[str, list[str]]]]

    def method(self, name: str) -> tuple[str, Draft202012Validator, dict[str, list[str]]] | None:
        """Return a method's canonical name, its validator and its parameters' types."""
        return self.methods.get(name.lower())


@cache
def bot_api() -> BotApi:
    """Load the pinned description once per test session."""
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    defs: JSON = {}
    for name, kind in spec["types"].items():
        if "subtypes" in kind:
            defs[name] = {"anyOf": [{"$ref": f"#/$defs/{sub}"} for sub in kind["subtypes"]]}
        else:
            defs[name] = _object_schema(kind.get("fields", []))
    methods = {}
    for name, method in spec["methods"].items():
        schema = {**_object_schema(method["fields"]), "$defs": defs}
        types = {field["name"]: field["types"] for field in method["fields"]}
        methods[name.lower()] = (name, _Validator(schema), types)
    return BotApi(spec["version"], methods)


def _decode(raw: str, types: list[str]) -> Any:
    """Decode one form value as the Bot API does: as JSON unless the parameter is a string."""
    if types == ["String"]:
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return raw if isinstance(value, str) else value


def _attachments(value: Any) -> Iterator[str]:
    """Yield the part names an ``attach://`` reference anywhere in a parameter points to."""
    if isinstance(value, str) and value.startswith(_ATTACH):
        yield value.removeprefix(_ATTACH)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _attachments(item)
    elif isinstance(value, list):
        for item in value:
            yield from _attachments(item)


async def _params(request: web.Request, types: dict[str, list[str]]) -> tuple[JSON, dict[str, Attached]]:
    """Return the request's parameters decoded per the description, and its file parts."""
    if request.content_type == "application/json":
        return dict(await request.json()), {}
    params: JSON = {}
    files: dict[str, Attached] = {}
    form = dict(request.query) | dict(await request.post())
    for key, value in form.items():
        if isinstance(value, str):
            params[key] = _decode(value, types.get(key, []))
        else:
            files[key] = Attached(key)
    return params, files


async def check_request(request: web.Request, method: str) -> list[Violation]:
    """Return what in one Bot API request breaks the pinned description."""
    api = bot_api()
    entry = api.method(method)
    if entry is None:
        return [Violation(method, "", f"no such method in the Bot API ({api.version})")]
    name, validator, types = entry
    params, files = await _params(request, types)
    uploads = {part: file for part, file in files.items() if part in types}
    found = from_schema(name, validator.iter_errors(params | uploads))
    referenced = {part for value in params.values() for part in _attachments(value)}
    for part in sorted(referenced - files.keys()):
        found.append(Violation(name, "", f"attach://{part} names no file part of the request"))
    for part in sorted(files.keys() - referenced - types.keys()):
        found.append(Violation(name, part, "a file part no parameter names (attach://...)"))
    return found


def checked_against_spec(violations: Violations) -> Callable[[web.Request, Handler], Awaitable[Any]]:
    """Return aiohttp middleware that records every request's violations, then serves it as usual."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        method = request.match_info.get("method")
        if method is not None:
            await violations.record(method, check_request(request, method))
        else:
            rule = "not a Bot API URL (/bot<token>/<method>)"
            violations.add([Violation(f"{request.method} {request.path}", "", rule)])
        return await handler(request)

    return middleware
