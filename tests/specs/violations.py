"""What an emulator received that the platform's API description forbids, kept until a test looks."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Iterator
from dataclasses import dataclass

from jsonschema import ValidationError
from jsonschema.exceptions import best_match


@dataclass(frozen=True)
class Violation:
    """One broken rule: the request it was in, the field (a dotted path, or empty) and the rule."""

    request: str
    field: str
    rule: str

    def __str__(self) -> str:
        where = f"{self.request}, field {self.field}" if self.field else self.request
        return f"{where}: {self.rule}"


def field_path(error: ValidationError) -> str:
    """Return the dotted path of the field an error is about ("reply_markup.inline_keyboard[0][1]")."""
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.removeprefix(".")


def _named(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _wrong_kind(error: ValidationError) -> bool:
    """Whether a branch of an anyOf failed because the value is another kind of thing altogether."""
    path = tuple(error.relative_path)
    return (error.validator == "type" and not path) or (
        error.validator in ("const", "enum") and path == ("type",)
    )


def _none_of(request: str, error: ValidationError) -> Violation:
    """Say what a failed anyOf would have accepted, for a value that is none of those kinds."""
    path = field_path(error)
    kinds = [sub.validator_value for sub in error.context if sub.validator == "const"]
    kinds += [kind for sub in error.context if sub.validator == "enum" for kind in sub.validator_value]
    if kinds and isinstance(error.instance, dict):
        expected = ", ".join(repr(kind) for kind in dict.fromkeys(kinds))
        rule = f"{error.instance.get('type')!r} is none of {expected}"
        return Violation(request, _named(path, "type"), rule)
    types = dict.fromkeys(str(sub.validator_value) for sub in error.context if sub.validator == "type")
    return Violation(request, path, f"{error.instance!r} is none of the types {', '.join(types)}")


def _leaves(error: ValidationError) -> Iterator[tuple[ValidationError, bool]]:
    """Yield the errors that say what was meant, each with whether its value fits no branch at all.

    Inside a failed anyOf, the branches for other kinds of value (another ``type``) are set aside;
    when one branch is left, its errors are the ones to report.
    """
    if not error.context:
        yield error, False
        return
    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    viable = [errors for errors in branches.values() if not any(map(_wrong_kind, errors))]
    if not viable:
        yield error, True
    elif len(viable) > 1:
        yield best_match([error]), False
    else:
        for sub in viable[0]:
            yield from _leaves(sub)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}...{text[-10:]} ({len(text):,} chars)"


def _rule(error: ValidationError) -> str:
    """Say what rule a value broke, without quoting a long value whole."""
    value, limit = error.instance, error.validator_value
    sizes = {"maxLength": "more than", "minLength": "fewer than", "maxItems": "more than",
             "minItems": "fewer than"}
    if error.validator in sizes and isinstance(value, str | list):
        unit = "characters" if isinstance(value, str) else "items"
        return f"{len(value):,} {unit}, {sizes[error.validator]} {limit:,}"
    if error.validator == "pattern":
        return f"{_short(value)} does not match {limit}"
    if error.validator == "type":
        return f"{_short(value)} is not of type {limit!r}"
    return error.message if len(error.message) <= 200 else f"{_short(value)} breaks {error.validator}"


def from_schema(request: str, errors: Iterable[ValidationError]) -> list[Violation]:
    """Turn jsonschema's errors into violations, one per failing field, each naming that field."""
    violations = []
    for telling, no_kind_fits in (leaf for error in errors for leaf in _leaves(error)):
        path, instance = field_path(telling), telling.instance
        if no_kind_fits:
            violations.append(_none_of(request, telling))
        elif telling.validator == "required" and isinstance(instance, dict):
            missing = [name for name in telling.validator_value if name not in instance]
            violations += [Violation(request, _named(path, name), "required, missing") for name in missing]
        elif telling.validator == "additionalProperties" and isinstance(instance, dict):
            known = telling.schema.get("properties", {})
            unknown = [name for name in instance if name not in known]
            rule = "not in the API description (misspelt, or from another version?)"
            violations += [Violation(request, _named(path, name), rule) for name in unknown]
        else:
            violations.append(Violation(request, path, _rule(telling)))
    return violations


class Violations:
    """The violations an emulator recorded; the emulator checks they were all claimed when it stops."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.checked = 0
        self._found: list[Violation] = []

    def add(self, found: Iterable[Violation]) -> None:
        """Record one request's violations, in the order the requests arrived."""
        self.checked += 1
        self._found.extend(found)

    async def record(self, request: str, checking: Awaitable[list[Violation]]) -> None:
        """Record what a check of one request found; a check that crashes is a violation too."""
        try:
            found = await checking
        except ConnectionResetError:
            # The client hung up before its request was read (a long poll cancelled at a
            # stop): nothing was sent that could break the description.
            found = []
        except Exception as error:  # noqa: BLE001 - the emulator must still answer; the test fails
            found = [Violation(request, "", f"could not be checked: {error!r}")]
        self.add(found)

    def take(self) -> list[Violation]:
        """Return and forget what was recorded (a test that sends a bad request on purpose)."""
        found, self._found = self._found, []
        return found

    def assert_none(self) -> None:
        """Raise AssertionError naming every request that broke the API description."""
        if self._found:
            found = self.take()
            lines = "\n".join(f"  - {violation}" for violation in found)
            raise AssertionError(
                f"{len(found)} request(s) to the {self.platform} emulator broke the API "
                f"description (tests/specs):\n{lines}"
            )
