"""Read deploy/Dockerfile's instructions, and replay its build steps in a folder instead of an image."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
# Steps that change the machine itself (users, ownership): checked by hadolint, not replayed.
SYSTEM_STEPS = ("groupadd ", "useradd ", "chown ")


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction: its keyword and the rest of it, continuation lines joined."""

    keyword: str
    text: str


def instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """Return the Dockerfile's instructions, without comments."""
    found, pending = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        keyword, _, rest = pending.strip().partition(" ")
        found.append(Instruction(keyword.upper(), rest.strip()))
        pending = ""
    return found


def env_pairs(text: str) -> dict[str, str]:
    """Parse an ENV instruction's `KEY=value` pairs."""
    return dict(pair.split("=", 1) for pair in shlex.split(text))


@dataclass
class Replay:
    """The image's file system paths mapped into a temporary folder, and the build's environment."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    user: str = "root"
    skipped: list[str] = field(default_factory=list)

    def path(self, image_path: str) -> Path:
        """Return where an absolute path in the image lives in the replay."""
        return self.root / image_path.lstrip("/")

    def remap(self, text: str) -> str:
        """Rewrite the image's absolute paths (/opt, /app, /data, /home) into the replay's root."""
        return re.sub(r"(?<![\w.])/(opt|app|data|home)\b", lambda m: f"{self.root}/{m.group(1)}", text)

    def run(self, script: str) -> None:
        """Run a RUN step with the build's environment; its system steps are skipped."""
        parts = [part.strip() for part in script.split("&&")]
        kept = [part for part in parts if not part.startswith(SYSTEM_STEPS)]
        self.skipped += [part for part in parts if part.startswith(SYSTEM_STEPS)]
        for part in kept:
            if part.startswith("mkdir "):
                for folder in shlex.split(self.remap(part))[1:]:
                    Path(folder).mkdir(parents=True, exist_ok=True)
                continue
            subprocess.run(["/bin/sh", "-c", self.remap(part)], cwd=self.workdir or self.root,
                           env=self.env, check=True, timeout=900)

    def copy(self, text: str) -> None:
        """Copy repository files as a COPY step does (into the current WORKDIR)."""
        *sources, target = shlex.split(text)
        where = self.workdir or self.root
        destination = where / target if not target.startswith("/") else self.path(target)
        for source in sources:
            origin = ROOT / source
            if origin.is_dir():
                shutil.copytree(origin, destination, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                destination.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, destination / origin.name)


def replay(root: Path) -> Replay:
    """Replay the Dockerfile's ENV, WORKDIR, COPY and RUN steps under `root`; return the result.

    The base image's Python is this interpreter's (the same minor version), found on PATH as
    `python` before the venv exists, as it is in python:3.11-slim.
    """
    shim = root / "base-image-bin"
    shim.mkdir(parents=True)
    (shim / "python").symlink_to(sys.base_prefix + f"/bin/python{sys.version_info.major}."
                                 f"{sys.version_info.minor}")
    base_path = f"{shim}:/usr/local/bin:/usr/bin:/bin"
    state = Replay(root, env={"PATH": base_path, "HOME": str(root / "root-home"), "LANG": "C.UTF-8"})
    for name, value in os.environ.items():
        if name.startswith("PIP_") or name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            state.env[name] = value  # how this machine reaches its package index
    for step in instructions():
        if step.keyword == "ENV":
            for key, value in env_pairs(step.text).items():
                value = value.replace("$PATH", state.env.get("PATH", ""))
                state.env[key] = state.remap(value)
                if key == "HOME":  # what useradd --create-home made
                    Path(state.env[key]).mkdir(parents=True, exist_ok=True)
        elif step.keyword == "WORKDIR":
            state.workdir = state.path(step.text)
            state.workdir.mkdir(parents=True, exist_ok=True)
        elif step.keyword == "COPY":
            state.copy(step.text)
        elif step.keyword == "RUN":
            state.run(step.text)
        elif step.keyword == "USER":
            state.user = step.text
    return state
