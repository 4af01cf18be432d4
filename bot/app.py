"""Assemble the bot: storage, content, matcher, delivery, clock and core, for any set of adapters."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import cast

from bot.clockwork import SWEEP_EVERY, Clockwork
from bot.config import Settings
from bot.content.loader import Content, ContentError, load_content
from bot.core.context import CoreConfig, Services
from bot.core.conversation import Conversation
from bot.core.faq.matcher import FaqMatcher
from bot.core.faq.vocabulary import Vocabulary
from bot.core.features import Feature
from bot.core.ports import Clock, SystemClock
from bot.core.questions.matching import BackgroundMatcher
from bot.delivery import Router
from bot.storage.migrations import MigrationError
from bot.storage.sender import SenderLock, sender_lock_for
from bot.storage.store import Store


@dataclass
class Runtime:
    """Everything one bot process runs on."""

    store: Store
    content: Content
    router: Router
    clockwork: Clockwork
    core: Conversation
    matcher: BackgroundMatcher
    sender: SenderLock

    async def stop_sending(self, grace: float) -> None:
        """Claim nothing new; give the sweep in flight `grace` seconds, then hold back the rest.

        What the sweep has not sent by then is released, so it goes out after the restart
        (or from another process, which may take over the sending as soon as this one lets go).
        """
        await self.clockwork.stop(grace, cut=self.router.hold)
        await self.sender.release()

    async def close(self) -> None:
        """Stop the clock (releasing what a sweep cut short), the matching thread and the database."""
        await self.stop_sending(grace=5.0)
        self.matcher.close()
        await self.store.close()


async def build_runtime(
    *,
    database_url: str,
    config: CoreConfig,
    content_dir: Path | None = None,
    clock: Clock | None = None,
    pool_size: int = 10,
    sweep_every: timedelta = SWEEP_EVERY,
    answers: bool = True,
    features: tuple[Feature, ...] = (),
) -> Runtime:
    """Open storage, load content and wire the core; the caller starts the clock and adapters.

    With `answers` off (a worker), the FAQ matcher is built only if a question ever comes.
    `features` are declared beside the shipped ones (a plug-in, or a test's toy feature).
    """
    content = load_content(content_dir)
    store = await Store.open(database_url, pool_size=pool_size)
    sender = sender_lock_for(database_url)
    router, clockwork = Router(), Clockwork(sweep_every, leads=sender.held)
    matcher = BackgroundMatcher(lambda: FaqMatcher(
        content.faq, examples=content.examples, vocabulary=Vocabulary.build(content.triage)),
        eager=answers)
    services = Services(
        store=store, content=content, delivery=router, clock=clock or SystemClock(),
        matcher=matcher, wakeup=clockwork, config=config,
    )
    core = Conversation(services, extra=features)
    clockwork.attach(core.sweep_timers)
    clockwork.attach(core.nudges.sweep, sender_only=True)
    router.on_unreachable.append(core.nudges.unreachable)
    try:
        await core.nudges.mark_lost()
    except BaseException:
        matcher.close()
        await store.close()
        raise
    return Runtime(store, content, router, clockwork, core, matcher, sender)


async def open_or_explain(settings: Settings, **overrides: object) -> Runtime | None:
    """Build the runtime, or print one clear line on stderr and return None when it can't start."""
    try:
        return await runtime_from_settings(settings, **overrides)
    except ContentError as exc:
        print("herocoach: the content has problems:\n" + "\n".join(exc.problems), file=sys.stderr)
    except (MigrationError, ValueError, OSError) as exc:
        print(f"herocoach: cannot open the database: {exc}", file=sys.stderr)
    return None


async def runtime_from_settings(settings: Settings, **overrides: object) -> Runtime:
    """Build the runtime from settings; a caller may override the database, config or answers."""
    database_url = str(overrides.get("database_url") or settings.database_url)
    config = overrides.get("config") or settings.core_config()
    features = overrides.get("features", ())
    clock = cast("Clock | None", overrides.get("clock"))
    assert isinstance(config, CoreConfig)  # noqa: S101 - typed by the callers in this package
    assert isinstance(features, tuple)  # noqa: S101
    return await build_runtime(
        database_url=database_url, config=config, content_dir=settings.content_dir,
        features=features, clock=clock,
        pool_size=settings.database_pool_size, sweep_every=timedelta(seconds=settings.sweep_seconds),
        answers=overrides.get("answers", True) is not False,
    )
