"""The questions feature's declaration: `/ask`, the coach's `/inbox`, `/answer` and `/stats`."""

from __future__ import annotations

from bot.core.features import Audience, CommandHandler, CommandSpec, Feature, Option, OptionKind
from bot.core.questions.asking import Asking
from bot.core.questions.inbox import Inbox


def declare(asking: Asking, inbox: Inbox, stats: CommandHandler) -> Feature:
    """Return what the questions feature handles; `stats` answers `/stats`."""
    return Feature(
        "questions",
        commands=(
            CommandSpec("ask", "ask a question, e.g. /ask why tuck the tail?", asking.ask,
                        hint="<question>",
                        options=(Option("question", "what you'd like to know", required=True),),
                        in_groups=True),
            CommandSpec("inbox", "questions waiting for you", lambda turn, _: inbox.inbox(turn),
                        audience=Audience.COACH),
            CommandSpec("answer", "answer one: /answer 12 your text", inbox.answer,
                        hint="<number> <text>", audience=Audience.COACH,
                        options=(Option("number", "the question number from /inbox",
                                        required=True, kind=OptionKind.NUMBER),
                                 Option("text", "your answer", required=True))),
            CommandSpec("stats", "people, sessions, questions and FAQ hit rate", stats,
                        audience=Audience.COACH),
        ),
        buttons={"q": asking.press},
    )
