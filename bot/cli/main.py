"""`herocoach` (or `python -m bot`): the bot itself, the console, and the other commands."""

from __future__ import annotations

import argparse
import asyncio
import sys
from types import ModuleType

from pydantic import ValidationError

from bot.config import Settings


def _commands() -> dict[str, tuple[str, ModuleType]]:
    from bot.cli import ask, content, faq_eval, schedule

    return {
        "content": ("work with the curated content", content),
        "ask": ("answer questions with the FAQ matcher ('-' reads stdin)", ask),
        "faq-eval": ("measure FAQ accuracy on a JSONL file", faq_eval),
        "schedule": ("inspect nudge schedules", schedule),
    }


def _parser(commands: dict[str, tuple[str, ModuleType]]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="herocoach",
        description="HeroCoach: sit-break nudges, a guided Hero pose progression, and answers.",
        epilog="With no command it connects to the platforms whose tokens are set, "
               "or opens the console chat when none are.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    console = subparsers.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--user", help="who you are in the chat (default: your OS user name)")
    console.add_argument("--db", help="SQLite file to use (default: DATABASE_URL)")
    console.add_argument("--no-images", action="store_true",
                         help="don't print where pictures and charts can be opened")
    subparsers.add_parser("worker",
                          help="only sweep and send due nudges (beside a bot on PostgreSQL)")
    for name, (help_text, module) in commands.items():
        module.add_arguments(subparsers.add_parser(name, help=help_text))
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: "
            f"{err['msg'].removeprefix('Value error, ')}" for err in exc.errors()
        )
        print(f"herocoach: bad configuration: {problems}", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    commands = _commands()
    args = _parser(commands).parse_args(argv)
    if args.command in commands:
        _, module = commands[args.command]
        return int(module.run(args))
    from bot.runner import run_bot, run_console

    settings = _settings()
    if args.command == "console":
        try:
            return asyncio.run(run_console(settings, user=args.user, db=args.db,
                                           images=not args.no_images))
        except KeyboardInterrupt:  # Ctrl-C: the chat has already said goodbye
            return 0
    if args.command == "worker":
        from bot.logs import setup_logging
        from bot.platforms import run_worker

        setup_logging(settings.log_level, settings.secrets())
        return asyncio.run(run_worker(settings))
    return run_bot(settings)
