"""Cut the upstream API descriptions down to what the emulators' contract checks read.

Run from the repository root with the two upstream files at the pinned commits (see README.md):

    python -m tests.specs.trim --telegram api.json --telegram-commit SHA \
        --discord openapi.json --discord-commit SHA

Trimming a trimmed file gives the same file, which tests/specs/test_trim.py checks.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TELEGRAM_FILE = HERE / "telegram-bot-api.json"
DISCORD_FILE = HERE / "discord-openapi.json"
TELEGRAM_SOURCE = "https://github.com/PaulSonOfLars/telegram-bot-api-spec/blob/{commit}/api.json"
DISCORD_SOURCE = "https://github.com/discord/discord-api-spec/blob/{commit}/specs/openapi.json"

# A field's prose is kept only where the contract reads a rule from it: a size range
# ("1-4096 characters", "1-64 bytes") or a type field's fixed value ("must be photo").
SIZE_RULE = re.compile(r"\b(\d+)-(\d+) (characters|bytes)\b")
FIXED_TYPE = re.compile(r'(?:must be |always ")(\w+)"?$')
_TYPE_NAME = re.compile(r"[A-Z]\w*")
_HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def _telegram_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for field in fields:
        entry = {key: field[key] for key in ("name", "types", "required")}
        description = field.get("description", "")
        fixed_type = field["name"] == "type" and FIXED_TYPE.search(description)
        if SIZE_RULE.search(description) or fixed_type:
            entry["description"] = field["description"]
        kept.append(entry)
    return kept


def trim_telegram(spec: dict[str, Any], commit: str) -> dict[str, Any]:
    """Keep every method's parameters and the types they reach, without the prose."""
    methods = {
        name: {"name": name, "fields": _telegram_fields(method.get("fields", []))}
        for name, method in sorted(spec["methods"].items())
    }
    wanted = [t for m in methods.values() for f in m["fields"] for ts in f["types"]
              for t in _TYPE_NAME.findall(ts)]
    types: dict[str, Any] = {}
    while wanted:
        name = wanted.pop()
        if name in types or name not in spec["types"]:
            continue
        source = spec["types"][name]
        entry: dict[str, Any] = {"name": name}
        if "fields" in source:
            entry["fields"] = _telegram_fields(source["fields"])
            wanted += [t for f in entry["fields"] for ts in f["types"] for t in _TYPE_NAME.findall(ts)]
        if "subtypes" in source:
            entry["subtypes"] = source["subtypes"]
            wanted += source["subtypes"]
        types[name] = entry
    source_url = spec.get("x-source") or TELEGRAM_SOURCE.format(commit=commit)
    return {
        "version": spec["version"],
        "release_date": spec["release_date"],
        "x-source": source_url,
        "methods": methods,
        "types": dict(sorted(types.items())),
    }


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _parameters(parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("name", "in", "required", "schema")
    return [{key: p[key] for key in keys if key in p} for p in parameters]


def trim_discord(spec: dict[str, Any], commit: str) -> dict[str, Any]:
    """Keep every path, method, parameter and request body, and the schemas they reach."""
    paths: dict[str, Any] = {}
    for path, item in sorted(spec["paths"].items()):
        entry: dict[str, Any] = {}
        if "parameters" in item:
            entry["parameters"] = _parameters(item["parameters"])
        for method in _HTTP_METHODS:
            if method not in item:
                continue
            operation = item[method]
            kept: dict[str, Any] = {"operationId": operation["operationId"]}
            if "parameters" in operation:
                kept["parameters"] = _parameters(operation["parameters"])
            if "requestBody" in operation:
                kept["requestBody"] = operation["requestBody"]
            entry[method] = kept
        paths[path] = entry
    schemas = spec["components"]["schemas"]
    kept_schemas: dict[str, Any] = {}
    wanted = _refs(paths)
    while wanted:
        name = wanted.pop().removeprefix("#/components/schemas/")
        if name not in kept_schemas:
            kept_schemas[name] = schemas[name]
            wanted += _refs(schemas[name])
    info = {key: spec["info"][key] for key in ("title", "version", "license")}
    return {
        "openapi": spec["openapi"],
        "info": info,
        "x-source": spec.get("x-source") or DISCORD_SOURCE.format(commit=commit),
        "paths": paths,
        "components": {"schemas": dict(sorted(kept_schemas.items()))},
    }


def dump(spec: dict[str, Any]) -> str:
    """Return the JSON text the pinned files are written as (stable, diff-friendly)."""
    return json.dumps(spec, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    """Write the trimmed copies next to this script from the upstream files named."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--telegram", type=Path, help="upstream api.json")
    parser.add_argument("--telegram-commit", default="")
    parser.add_argument("--discord", type=Path, help="upstream specs/openapi.json")
    parser.add_argument("--discord-commit", default="")
    args = parser.parse_args()
    if args.telegram:
        spec = json.loads(args.telegram.read_text(encoding="utf-8"))
        TELEGRAM_FILE.write_text(dump(trim_telegram(spec, args.telegram_commit)), encoding="utf-8")
    if args.discord:
        spec = json.loads(args.discord.read_text(encoding="utf-8"))
        DISCORD_FILE.write_text(dump(trim_discord(spec, args.discord_commit)), encoding="utf-8")


if __name__ == "__main__":
    main()
