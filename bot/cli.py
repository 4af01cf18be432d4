"""The command line: `python -m bot` (or `herocoach`) and its subcommands."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.config import Settings


def _parser() -> argparse.ArgumentParser:
    from bot.schedule_cli import add_preview_arguments

    parser = argparse.ArgumentParser(
        prog="herocoach",
        description="HeroCoach: sit-break nudges, a guided Hero pose progression, and answers.",
        epilog="With no command it connects to the platforms whose tokens are set, "
               "or opens the console chat when none are.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    console = commands.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--user", help="who you are in the chat (default: your OS user name)")
    console.add_argument("--db", help="SQLite file to use (default: DATABASE_URL)")
    console.add_argument("--no-images", action="store_true",
                         help="don't print where pictures and charts can be opened")
    commands.add_parser("worker", help="only sweep and send due nudges (beside a bot on PostgreSQL)")
    content = commands.add_parser("content", help="work with the curated content")
    content_commands = content.add_subparsers(dest="content_command", metavar="ACTION")
    check = content_commands.add_parser("check", help="validate every file in content/")
    check.add_argument("--dir", type=Path, help="content folder (default: the shipped one)")
    render = content_commands.add_parser(
        "render", help="make the PNG beside each illustration's SVG (where missing or stale)")
    render.add_argument("--dir", type=Path, help="content folder (default: the shipped one)")
    vectors = content_commands.add_parser(
        "vectors", help="precompute the FAQ's sentence vectors shipped with the content")
    vectors.add_argument("--dir", type=Path, help="content folder (default: the shipped one)")
    ask = commands.add_parser("ask", help="answer questions with the FAQ matcher ('-' reads stdin)")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("questions", nargs="+", metavar="QUESTION")
    evaluate = commands.add_parser("faq-eval", help="measure FAQ accuracy on a JSONL file")
    evaluate.add_argument("file", type=Path)
    schedule = commands.add_parser("schedule", help="inspect nudge schedules")
    schedule_commands = schedule.add_subparsers(dest="schedule_command", metavar="ACTION")
    preview = schedule_commands.add_parser("preview", help="print the next nudge times")
    add_preview_arguments(preview)
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        print(f"herocoach: bad configuration: {problems}", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "content":
        from bot.content.cli import run_check, run_render, run_vectors

        if args.content_command == "render":
            return run_render(args.dir)
        if args.content_command == "vectors":
            return run_vectors(args.dir)
        if args.content_command != "check":
            print("usage: herocoach content {check,render,vectors} [--dir DIR]", file=sys.stderr)
            return 2
        return run_check(args.dir)
    if args.command == "ask":
        from bot.faq_cli import run_ask

        return run_ask(args.questions, as_json=args.json)
    if args.command == "faq-eval":
        from bot.faq_tools.cli import run_faq_eval

        return run_faq_eval(args.file)
    if args.command == "schedule":
        from bot.schedule_cli import preview_from_args

        if args.schedule_command != "preview":
            print("usage: herocoach schedule preview --tz ZONE ...", file=sys.stderr)
            return 2
        return preview_from_args(args)
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
