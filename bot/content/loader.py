"""Load and validate `content/`, collecting every problem with its file and field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.images import as_image, check_illustration
from bot.content.schema import (
    FaqEntry,
    FaqExample,
    Level,
    Movement,
    Movements,
    Progression,
    SafetyText,
    TriageVocabulary,
)
from bot.core.events import Image

PROGRESSION_FILE = "progression.yaml"
MOVEMENTS_FILE = "movements.yaml"
SAFETY_FILE = "safety.yaml"
TRIAGE_FILE = "triage.yaml"
FAQ_DIR = "faq"
EXAMPLES_FILE = "faq-examples.jsonl"
# Example labels besides FAQ ids: no entry answers it; a warning sign needing the safety
# answer; normal discomfort that is not one.
OFFTOPIC, REDFLAG, ORDINARY = "offtopic", "redflag", "ordinary"
EXAMPLE_LABELS = (OFFTOPIC, REDFLAG, ORDINARY)
REQUIRED_FAQ_IDS = (
    "why-hero-helps-back", "hip-flexors", "anterior-pelvic-tilt", "glutes-inhibited",
    "who-is-it-for", "props", "top-of-foot", "knee-pain", "ease-in-out",
    "pain-and-breathing", "static-hold", "tuck-tail", "backbend-variation", "progress",
    "what-it-stretches", "sit-breaks", "series", "ask-coach", "safety",
)

M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """Content failed validation; `problems` holds one readable line per fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Content:
    """Everything the bot teaches, validated."""

    progression: Progression
    faq: tuple[FaqEntry, ...]
    movements: tuple[Movement, ...]
    safety: SafetyText
    triage: TriageVocabulary
    examples: tuple[FaqExample, ...] = ()
    pictures: dict[str, Image] = field(default_factory=dict)

    def level(self, level_id: str) -> Level:
        """Return the level with this id."""
        for level in self.progression.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def faq_entry(self, faq_id: str) -> FaqEntry:
        """Return the FAQ entry with this id."""
        for entry in self.faq:
            if entry.id == faq_id:
                return entry
        raise KeyError(faq_id)

    def picture(self, file: str | None) -> Image | None:
        """Return the image of an illustration file (e.g. images/high.svg), if there is one."""
        return self.pictures.get(file) if file else None


def default_content_dir() -> Path:
    """Return the `content/` folder shipped beside the `bot` package."""
    return Path(__file__).resolve().parents[2] / "content"


def _shown(path: Path, root: Path) -> Path:
    return path.relative_to(root.parent) if path.is_relative_to(root.parent) else path


# An FAQ file's answer is its Markdown body, which has no field name a writer would know.
BODY = "the answer (the text below the front matter)"


def _describe(where: Path | str, error: ValidationError,
              names: dict[str, str] | None = None) -> Iterable[str]:
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(top level)"
        if names and field in names:
            empty = item["type"] == "string_too_short"
            yield f"{where}: {names[field]}{' is empty' if empty else ': ' + item['msg']}"
        else:
            yield f"{where}: field '{field}': {item['msg']}"


def yaml_problem(error: yaml.YAMLError, first_line: int = 1) -> str:
    """Say what is wrong in YAML and where, as `line L, column C: ...`, without PyYAML's stream name.

    PyYAML names a string it parsed `<unicode string>`; the caller names the file, and
    `first_line` is the file's line number of the YAML's first line (front matter starts on 2).
    """
    if not isinstance(error, yaml.MarkedYAMLError):
        return str(error)
    what = " ".join(part for part in (error.problem, error.context and f"({error.context})") if part)
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return what or str(error)
    return f"line {mark.line + first_line}, column {mark.column + 1}: {what}"


def _read_yaml(path: Path, root: Path, problems: list[str]) -> object:
    rel = _shown(path, root)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{rel}: file is missing")
    except UnicodeDecodeError as exc:
        problems.append(f"{rel}: cannot be read as UTF-8 text: {exc}")
    except yaml.YAMLError as exc:
        problems.append(f"{rel}: not valid YAML at {yaml_problem(exc)}")
    return None


def _validate(
    model: type[M], data: object, path: Path, root: Path, problems: list[str],
    names: dict[str, str] | None = None,
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_describe(_shown(path, root), exc, names))
        return None


def _load_yaml_model(model: type[M], path: Path, root: Path, problems: list[str]) -> M | None:
    before = len(problems)
    data = _read_yaml(path, root, problems)
    if len(problems) > before:
        return None
    return _validate(model, data, path, root, problems)


LIST_ITEM = re.compile(r"^\s*(?:[-*]|\d+[.)])\s")


def unwrap(markdown: str) -> str:
    """Join hard-wrapped lines into paragraphs, keeping blank lines and list items."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not LIST_ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def parse_faq_file(path: Path, root: Path, problems: list[str]) -> FaqEntry | None:
    """Parse one Markdown file with YAML front matter into an entry, noting problems."""
    rel = path.relative_to(root.parent)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{rel}: cannot be read as UTF-8 text: {exc}")
        return None
    if not text.startswith("---"):
        problems.append(f"{rel}: must start with '---' front matter")
        return None
    parts = text.split("---", 2)
    if len(parts) < 3:
        problems.append(f"{rel}: front matter is not closed with '---'")
        return None
    try:
        front = yaml.safe_load(parts[1]) or {}
    except yaml.YAMLError as exc:
        problems.append(f"{rel}: front matter is not valid YAML at {yaml_problem(exc, first_line=1)}")
        return None
    if not isinstance(front, dict):
        problems.append(f"{rel}: front matter must be a mapping of fields")
        return None
    if "answer" in front:
        problems.append(f"{rel}: field 'answer': the answer goes below the front matter, not in it")
        return None
    entry = _validate(FaqEntry, {**front, "answer": unwrap(parts[2])}, path, root, problems,
                      names={"answer": BODY})
    if entry is not None and entry.id != path.stem:
        problems.append(f"{rel}: field 'id': '{entry.id}' must match the file name '{path.stem}'")
        return None
    return entry


def _load_faq(root: Path, problems: list[str]) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    for path in sorted((root / FAQ_DIR).glob("*.md")):
        entry = parse_faq_file(path, root, problems)
        if entry is not None:
            entries.append(entry)
    ids = [entry.id for entry in entries]
    for faq_id in REQUIRED_FAQ_IDS:
        if faq_id not in ids and not (root / FAQ_DIR / f"{faq_id}.md").exists():
            problems.append(f"{root.name}/{FAQ_DIR}/{faq_id}.md: required FAQ entry is missing")
    return entries


def _json_problem(error: json.JSONDecodeError, line: str) -> str:
    # json's message alone ("Expecting ',' delimiter") doesn't say where; show the spot.
    start = max(error.colno - 30, 0)
    near = line[start:error.colno + 10].strip()
    return f"not valid JSON at column {error.colno}: {error.msg} near {near!r}"


def load_examples(path: Path, root: Path, faq_ids: Iterable[str], problems: list[str],
                  broken_ids: Iterable[str] = ()) -> list[FaqExample]:
    """Read labelled example questions (JSONL), noting bad lines; a missing file means none.

    Examples of an entry whose own file has a problem (`broken_ids`) are skipped quietly:
    that file's problem is the one to fix. Lines naming one unknown id are reported together.
    """
    rel = _shown(path, root)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{rel}: cannot be read as UTF-8 text: {exc}")
        return []
    known, skipped = {*faq_ids, *EXAMPLE_LABELS}, set(broken_ids)
    unknown: dict[str, list[int]] = {}
    examples: list[FaqExample] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{rel}:{number}: {_json_problem(exc, line)}")
            continue
        try:
            example = FaqExample.model_validate(data)
        except ValidationError as exc:
            problems.extend(_describe(f"{rel}:{number}", exc))
            continue
        if example.faq in skipped:
            continue
        if example.faq not in known:
            unknown.setdefault(example.faq, []).append(number)
            continue
        examples.append(example)
    for faq_id, numbers in unknown.items():
        also = f" (and {len(numbers) - 1} more lines)" if len(numbers) > 1 else ""
        problems.append(f"{rel}:{numbers[0]}: field 'faq': unknown FAQ id '{faq_id}'{also}")
    return examples


def _load_triage(root: Path, problems: list[str]) -> TriageVocabulary | None:
    path = root / TRIAGE_FILE
    vocabulary = _load_yaml_model(TriageVocabulary, path, root, problems)
    if vocabulary is None:
        return None
    faults = [f"{_shown(path, root)}: {fault}" for fault in vocabulary.problems()]
    problems.extend(faults)
    return None if faults else vocabulary


def load_triage(root: Path | None = None) -> TriageVocabulary:
    """Load and validate only `content/triage.yaml`, raising ContentError on any problem."""
    root = (root or default_content_dir()).resolve()
    problems: list[str] = []
    vocabulary = _load_triage(root, problems)
    if vocabulary is None:
        raise ContentError(problems or [f"{root.name}/{TRIAGE_FILE}: could not be loaded"])
    return vocabulary


def _check_pictures(progression: Progression, faq: list[FaqEntry], root: Path,
                    problems: list[str]) -> None:
    where = f"{root.name}/{PROGRESSION_FILE}"
    for illustration in progression.illustrations():
        problems.extend(check_illustration(illustration, root, where))
    known = {illustration.file for illustration in progression.illustrations()}
    for entry in faq:
        if entry.illustration and entry.illustration not in known:
            problems.append(
                f"{root.name}/{FAQ_DIR}/{entry.id}.md: field 'illustration': {entry.illustration} "
                f"is not one of the pictures in {PROGRESSION_FILE} (where its alt text lives)"
            )


def load_content(root: Path | None = None) -> Content:
    """Load every content file under `root`, raising ContentError listing all problems."""
    root = (root or default_content_dir()).resolve()
    if not root.is_dir():
        raise ContentError([f"{root}: content folder not found"])
    problems: list[str] = []
    prog_path, move_path = root / PROGRESSION_FILE, root / MOVEMENTS_FILE
    progression = _load_yaml_model(Progression, prog_path, root, problems)
    movements = _load_yaml_model(Movements, move_path, root, problems)
    safety = _load_yaml_model(SafetyText, root / SAFETY_FILE, root, problems)
    triage = _load_triage(root, problems)
    faq = _load_faq(root, problems)
    ids = {entry.id for entry in faq}
    broken = {path.stem for path in (root / FAQ_DIR).glob("*.md")} - ids
    examples = load_examples(root / EXAMPLES_FILE, root, ids, problems, broken)
    if progression is not None:
        _check_pictures(progression, faq, root, problems)
    if problems or progression is None or movements is None or safety is None or triage is None:
        raise ContentError(problems or ["content could not be loaded"])
    pictures = {ill.file: as_image(ill, root) for ill in progression.illustrations()}
    return Content(progression, tuple(faq), tuple(movements.movements), safety, triage,
                   tuple(examples), pictures)


def check_content(root: Path | None = None) -> list[str]:
    """Return every problem in the content under `root` (empty when all is well)."""
    try:
        load_content(root)
    except ContentError as exc:
        return exc.problems
    return []
