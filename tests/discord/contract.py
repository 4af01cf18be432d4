"""Every REST request the Discord emulator receives, checked against the pinned OpenAPI document.

tests/specs/discord-openapi.json (OpenAPI 3.1, whose schemas are JSON Schema 2020-12) gives the
paths, their methods and parameters, and each request body's schema; a multipart request's body
is its ``payload_json`` part. On top of it, the limits Discord's developer documentation states
for bots where the document is looser: message content up to 2,000 characters (the document says
4,000, what Nitro members may send), at most 5 action rows in a message without the
IS_COMPONENTS_V2 flag, and files sent as parts named ``files[n]``, at most 10. One rule is looser
than the document: a snowflake in a request may be an integer (the document types it as a string;
Discord reads both, the docs give an attachment's id as "snowflake or integer", and discord.py sends
DM recipients, message references and attachment ids as integers).
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.specs.violations import Violation, Violations, from_schema

SPEC = Path(__file__).parent.parent / "specs" / "discord-openapi.json"
SPEC_URI = "urn:discord-openapi"
GATEWAY_PATH = "/gateway"
BOT_CONTENT_LIMIT = 2000
LEGACY_ROWS = 5
IS_COMPONENTS_V2 = 1 << 15
_FILE_PART = re.compile(r"files\[\d\]")
_MESSAGE_BODIES = ("MessageCreateRequest", "MessageEditRequestPartial", "BaseCreateMessageCreateRequest")
JSON = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _legacy_rows(
    validator: Draft202012Validator, limit: int, instance: Any, schema: JSON
) -> Iterator[ValidationError]:
    """The ``x-legacy-rows`` keyword: without IS_COMPONENTS_V2, only up to 5 action rows."""
    if not isinstance(instance, dict) or not isinstance(instance.get("components"), list):
        return
    if int(instance.get("flags") or 0) & IS_COMPONENTS_V2:
        return
    rows = instance["components"]
    if len(rows) > limit:
        yield ValidationError(f"{len(rows)} action rows, more than {limit}", path=["components"])
    for index, row in enumerate(rows):
        if isinstance(row, dict) and row.get("type") != 1:
            rule = f"type {row.get('type')} at the top level needs the IS_COMPONENTS_V2 flag"
            yield ValidationError(rule, path=["components", index, "type"])


_Validator = validators.extend(Draft202012Validator, {"x-legacy-rows": _legacy_rows})


def _with_bot_limits(spec: JSON) -> JSON:
    """Return the document with the documented limits for bots, and integer snowflakes allowed."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    as_integer = {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], as_integer]}
    for name, schema in schemas.items():
        properties = schema.get("properties", {})
        if name in _MESSAGE_BODIES and "content" in properties:
            properties["content"]["maxLength"] = BOT_CONTENT_LIMIT
        if "components" in properties and "flags" in properties:
            schema["x-legacy-rows"] = LEGACY_ROWS
    return spec


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="{}@") for p in parts)


@dataclass
class Operation:
    """One method on one path: its parameters' validators and its body's, per content type."""

    label: str
    parameters: dict[tuple[str, str], tuple[bool, Draft202012Validator]] = field(default_factory=dict)
    bodies: dict[str, Draft202012Validator] = field(default_factory=dict)
    body_required: bool = False


@dataclass(frozen=True)
class _Path:
    template: str
    pattern: re.Pattern[str]
    literal: int
    operations: dict[str, Operation]


@dataclass(frozen=True)
class DiscordApi:
    """The pinned document: paths as patterns, most specific first."""

    paths: list[_Path]

    def find(self, path: str) -> _Path | None:
        """Return the most specific path template matching a request path."""
        return next((entry for entry in self.paths if entry.pattern.fullmatch(path)), None)


def _schema_validator(registry: Registry, pointer: str) -> Draft202012Validator:
    return _Validator({"$ref": f"{SPEC_URI}{pointer}"}, registry=registry)


def _operation(path: str, method: str, item: JSON, registry: Registry) -> Operation:
    operation = item[method]
    entry = Operation(f"{method.upper()} {path}")
    for level, listed in (((), item), ((method,), operation)):
        for index, parameter in enumerate(listed.get("parameters", [])):
            pointer = _pointer("paths", path, *level, "parameters", str(index), "schema")
            required = parameter.get("required", False)
            key = (parameter["in"], parameter["name"])
            entry.parameters[key] = (required, _schema_validator(registry, pointer))
    body = operation.get("requestBody")
    if body is not None:
        entry.body_required = body.get("required", False)
        for content_type in body["content"]:
            pointer = _pointer("paths", path, method, "requestBody", "content", content_type, "schema")
            entry.bodies[content_type] = _schema_validator(registry, pointer)
    return entry


@cache
def discord_api() -> DiscordApi:
    """Load the pinned document once per test session."""
    spec = _with_bot_limits(json.loads(SPEC.read_text(encoding="utf-8")))
    registry = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(spec))
    paths = []
    for template, item in spec["paths"].items():
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        methods = [m for m in item if m != "parameters"]
        operations = {m.upper(): _operation(template, m, item, registry) for m in methods}
        literal = len(re.sub(r"\{\w+\}", "", template))
        paths.append(_Path(template, re.compile(regex), literal, operations))
    paths.sort(key=lambda entry: -entry.literal)
    return DiscordApi(paths)


def _readings(raw: str) -> Iterator[Any]:
    """Yield what a query string value may mean: itself, a number, or a boolean as Discord reads it."""
    yield raw
    with contextlib.suppress(ValueError):
        yield json.loads(raw)
    if raw.lower() in ("true", "false"):
        yield raw.lower() == "true"
    if raw in ("0", "1"):
        yield raw == "1"


def _parameter_violations(
    operation: Operation, where: str, values: dict[str, str]
) -> Iterator[Violation]:
    prefix = "?" if where == "query" else "{"
    suffix = "" if where == "query" else "}"
    for name, raw in values.items():
        known = operation.parameters.get((where, name))
        if known is None:
            yield Violation(operation.label, f"{prefix}{name}{suffix}", f"not a {where} parameter here")
        elif not any(known[1].is_valid(value) for value in _readings(raw)):
            for violation in from_schema(operation.label, known[1].iter_errors(raw)):
                yield Violation(violation.request, f"{prefix}{name}{suffix}", violation.rule)
    for (kind, name), (required, _) in operation.parameters.items():
        if kind == where and required and name not in values:
            yield Violation(operation.label, f"{prefix}{name}{suffix}", "required, missing")


async def _body(request: web.Request, operation: Operation) -> tuple[Any, str, list[Violation]]:
    """Return the request's JSON body, the content type whose schema applies, and form problems."""
    found: list[Violation] = []
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files = [name for name, value in form.items() if isinstance(value, web.FileField)]
        for name in files:
            if not _FILE_PART.fullmatch(name):
                found.append(Violation(operation.label, name, "a file part must be named files[n]"))
        for name in form.keys() - set(files) - {"payload_json"}:
            found.append(Violation(operation.label, name, "a form field other than payload_json"))
        payload = form.get("payload_json")
        body = json.loads(str(payload)) if payload is not None else None
        return body, "multipart/form-data", found
    raw = await request.text()
    if not raw:
        return None, "application/json", found
    if request.content_type != "application/json":
        rule = f"a body sent as {request.content_type}, not application/json"
        return None, "application/json", [Violation(operation.label, "", rule)]
    try:
        return json.loads(raw), "application/json", found
    except ValueError as error:
        return None, "application/json", [Violation(operation.label, "", f"not JSON: {error}")]


async def check_request(request: web.Request, path: str) -> list[Violation]:
    """Return what in one REST request (its path without the /api/v10 prefix) breaks the document."""
    api = discord_api()
    entry = api.find(path)
    if entry is None:
        return [Violation(f"{request.method} {path}", "", "no such path in Discord's HTTP API")]
    operation = entry.operations.get(request.method)
    if operation is None:
        methods = ", ".join(entry.operations)
        rule = f"no such method on this path (it has {methods})"
        return [Violation(f"{request.method} {entry.template}", "", rule)]
    path_values = entry.pattern.fullmatch(path)
    assert path_values is not None
    found = list(_parameter_violations(operation, "path", path_values.groupdict()))
    found += _parameter_violations(operation, "query", dict(request.query))
    body, content_type, problems = await _body(request, operation)
    found += problems
    if body is None:
        if operation.body_required and not problems:
            found.append(Violation(operation.label, "", "a request body is required"))
        return found
    validator = operation.bodies.get(content_type) or operation.bodies.get("application/json")
    if validator is None:
        return [*found, Violation(operation.label, "", "this endpoint takes no request body")]
    return found + from_schema(operation.label, validator.iter_errors(body))


def checked_against_spec(
    violations: Violations, prefix: str
) -> Callable[[web.Request, Handler], Awaitable[Any]]:
    """Return aiohttp middleware that records each REST request's violations, then serves it."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(prefix + "/"):
            path = request.path.removeprefix(prefix)
            await violations.record(f"{request.method} {path}", check_request(request, path))
        elif request.path != GATEWAY_PATH:
            rule = f"not under {prefix}, Discord's HTTP API, nor the gateway"
            violations.add([Violation(f"{request.method} {request.path}", "", rule)])
        return await handler(request)

    return middleware
