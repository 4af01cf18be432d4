"""Questions: safety triage, the FAQ, "did you mean", small talk, and the hand-off to the coach."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.content.loader import Content
from bot.content.schema import FaqEntry
from bot.core import texts
from bot.core.buttons import Payload, encode
from bot.core.context import CoreConfig, Turn
from bot.core.events import Choice, Identity, Image, Outbound, Reply
from bot.core.faq.matcher import Outcome, Verdict
from bot.core.faq.triage import Caution, Severity
from bot.core.models import Question
from bot.core.ports import Delivery, Metrics, NoMetrics
from bot.core.questions import smalltalk
from bot.core.questions.matching import BackgroundMatcher
from bot.core.repositories import PeopleRepository, QuestionsRepository

log = logging.getLogger(__name__)

PASSED_ON = (
    "I'm not sure I have a good answer to that, so I've passed your question to the coach. "
    "Their reply will come to you here."
)
OUTSIDE_MY_FIELD = (
    "That's outside what I can help with (I know Hero pose, sit-breaks and your reminders), "
    "so I've passed it to the coach in case they can. Their reply will come to you here."
)
SENT_TO_COACH = "Sent to the coach. Their reply will come to you here."
SMALL_TALK_REPLIES = {
    smalltalk.Kind.GREETING: "Hi{name}! Ask me anything about Hero pose or your sit-breaks, "
                             "or type /help to see what I can do.",
    smalltalk.Kind.THANKS: "You're welcome! 🙂",
    smalltalk.Kind.PRAISE: "Thank you, that's kind of you! 🙂",
    smalltalk.Kind.ACK: "👍",
    smalltalk.Kind.FAREWELL: "Bye for now, take care! I'm here whenever you need me.",
    smalltalk.Kind.LAUGHTER: "😄",
    smalltalk.Kind.EMOJI: "🙂",
    smalltalk.Kind.BUTTON: "There are no buttons to press right now. /help shows what I can do.",
}
# Called when a warning sign is heard, so an open /hero session can end safely first.
OnWarning = Callable[[Turn], Awaitable[list[Reply]]]


def answer_text(entry: FaqEntry) -> str:
    """Format one FAQ answer with its question as a heading."""
    return f"{entry.question}\n\n{entry.answer}"


class Asking:
    """Answer questions and keep the record the coach's inbox and stats read."""

    def __init__(
        self,
        *,
        questions: QuestionsRepository,
        people: PeopleRepository,
        config: CoreConfig,
        matcher: BackgroundMatcher,
        content: Content,
        delivery: Delivery,
        on_warning: OnWarning | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or NoMetrics()
        self.questions = questions
        self.people = people
        self.config = config
        self.matcher = matcher
        self.content = content
        self.delivery = delivery
        self.on_warning = on_warning

    def _feedback(self, question_id: int) -> list[Choice]:
        return [Choice("👍 Helpful", encode("q", question_id, "up")),
                Choice("👎 Not quite", encode("q", question_id, "down"))]

    async def ask(self, turn: Turn, text: str) -> list[Reply]:
        """Answer a question, suggest close matches, pass it to the coach, or answer small talk."""
        text = text.strip()
        if not text:
            return [Reply("What would you like to know? For example: /ask why tuck the tail?")]
        kind = smalltalk.kind_of(text)
        if kind is not None:
            self.metrics.small_talk(kind)
            name = f" {turn.person.display_name}" if turn.person.display_name else ""
            return [Reply(SMALL_TALK_REPLIES[kind].format(name=name), quote=True)]
        text = smalltalk.question_inside(text)
        minute_ago = turn.now - timedelta(minutes=1)
        limit = self.config.questions_per_minute
        if await self.questions.asked_since(turn.person.id, minute_ago) >= limit:
            return [Reply(f"That's a lot of questions at once (my limit is {limit} a minute). "
                          "Give me a minute, then ask again.", quote=True)]
        verdict = await self.matcher.match(text)
        self.metrics.faq_outcome(verdict.outcome)
        outcome = Outcome.ESCALATE if verdict.outcome is Outcome.OFF_TOPIC else verdict.outcome
        question = Question(
            id=0, person_id=turn.person.id, asked_at=turn.now, text=text,
            faq_id=verdict.entry.id if verdict.entry else None,
            confidence=round(verdict.confidence, 4), outcome=str(outcome),
            chat_id=turn.origin.chat_id, message_id=turn.origin.message_id,
        )
        question.id = await self.questions.add(question)
        if verdict.outcome is Outcome.SAFETY:
            stops = self.on_warning and verdict.severity is not Severity.CAUTION
            stopped = await self.on_warning(turn) if stops else []
            return [*stopped, self._safety(verdict)]
        return [await self._reply(turn, question, verdict)]

    def _safety(self, verdict: Verdict) -> Reply:
        """Name the warning sign heard, then say what to do: get help now, or stop and get checked."""
        words = self.content.safety
        said = self.content.triage.heard_as(verdict.red_flag or "")
        if verdict.caution is Caution.LASTING_REPAIR:
            return Reply(f"{words.heard_lasting_repair}\n\n{words.caution}", quote=True)
        if verdict.caution is Caution.SOMEONE_ELSE:
            return Reply(f"{words.heard_for_someone_else.format(sign=said)}\n\n{words.caution}",
                         quote=True)
        if said is None:
            heard = words.heard_by_meaning
        elif verdict.where:
            heard = words.heard_where.format(sign=said, where=verdict.where)
        else:
            heard = words.heard.format(sign=said)
        if verdict.severity is Severity.URGENT:
            return Reply(f"{heard}\n\n{words.urgent}", quote=True)
        advice = verdict.entry.answer if verdict.entry else words.urgent
        return Reply(f"{heard}\n\n{advice}", quote=True)

    async def _reply(self, turn: Turn, question: Question, verdict: Verdict) -> Reply:
        if verdict.outcome is Outcome.ANSWER and verdict.entry:
            return Reply(answer_text(verdict.entry), self._feedback(question.id), quote=True,
                         image=self._picture(verdict.entry))
        if verdict.outcome is Outcome.SUGGEST and verdict.suggestions:
            choices = [Choice(entry.question[:60], encode("q", question.id, "f", entry.id))
                       for entry in verdict.suggestions[:3]]
            choices.append(Choice("None of these: ask the coach", encode("q", question.id, "coach")))
            return Reply("I'm not quite sure what you mean. Did you mean one of these?", choices,
                         quote=True)
        await self.notify_coaches(turn, question)
        return Reply(OUTSIDE_MY_FIELD if verdict.outcome is Outcome.OFF_TOPIC else PASSED_ON,
                     quote=True)

    async def notify_coaches(self, turn: Turn, question: Question) -> None:
        """Send each coach a DM about a question handed to them."""
        name = turn.person.display_name or turn.person.identity.key
        for key in sorted(self.config.coach_ids):
            try:
                coach = Identity.parse(key)
            except ValueError:
                continue
            if coach == turn.person.identity:
                continue
            known = await self.people.find(coach)
            result = await self.delivery.send(Outbound(
                to=coach, chat_id=known.chat_id if known else None,
                text=(f"New question #{question.id} from {name} ({turn.person.identity.platform}):\n"
                      f"{question.text[:1500]}\n\nReply to this message to answer, "
                      f"or use /answer {question.id} your reply"),
            ))
            if not result.ok:
                log.info("coach %s not notified of question %s: %s", key, question.id, result.status)
            elif result.message_id:
                await self.questions.add_notice(question.id, coach, result.message_id)

    async def press(self, turn: Turn, payload: Payload) -> list[Reply]:
        """Handle 👍/👎, a "did you mean" pick, or "ask the coach"."""
        question_id, action = payload.number(0), payload.part(1)
        question = await self.questions.get(question_id) if question_id else None
        if question is None or action is None:
            return [Reply(texts.EXPIRED, alert=True)]
        if question.person_id != turn.person.id:
            return [Reply("That question belongs to someone else.", alert=True)]
        entry = self._entry(question.faq_id)
        if action in ("up", "down") and question.outcome == Outcome.ANSWER and entry:
            await self.questions.set_feedback(question.id, 1 if action == "up" else -1)
            if action == "up":
                return [Reply(f"{answer_text(entry)}\n\nThanks, glad it helped!", edit=True,
                              image=self._picture(entry))]
            return [Reply(f"{answer_text(entry)}\n\nThanks for telling me. Shall I pass your "
                          "question to the coach?",
                          [Choice("Ask the coach", encode("q", question.id, "coach"))], edit=True,
                          image=self._picture(entry))]
        if action == "f" and question.outcome == Outcome.SUGGEST:
            picked = self._entry(payload.part(2))
            if picked is None:
                return [Reply(texts.EXPIRED, alert=True)]
            await self.questions.resolve(question.id, "answer", picked.id)
            return [Reply(answer_text(picked), self._feedback(question.id), edit=True,
                          image=self._picture(picked))]
        if action == "coach" and question.outcome in ("suggest", "answer"):
            await self.questions.resolve(question.id, "escalate", question.faq_id)
            await self.notify_coaches(turn, question)
            return [Reply(SENT_TO_COACH, edit=True)]
        return [Reply(texts.EXPIRED, alert=True)]

    def _picture(self, entry: FaqEntry) -> Image | None:
        return self.content.picture(entry.illustration)

    def _entry(self, faq_id: str | None) -> FaqEntry | None:
        try:
            return self.content.faq_entry(faq_id) if faq_id else None
        except KeyError:
            return None
