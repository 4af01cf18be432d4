"""The coach's side: the inbox of passed-on questions, answers relayed back, and stats."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.charts import draw
from bot.core.charts import stats as chart
from bot.core.context import CoreConfig, Turn
from bot.core.events import Identity, Image, Outbound, Reply
from bot.core.models import Question
from bot.core.ports import Delivery
from bot.core.repositories import HeroRepository, PeopleRepository, QuestionsRepository

ANSWER_USAGE = "Usage: /answer <question number> <your answer>, e.g. /answer 12 Tuck the tail first."


def _ago(then: datetime, now: datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def relay_text(question: Question) -> str:
    """Return the message that carries the coach's answer to the asker."""
    asked = question.text if len(question.text) <= 300 else question.text[:297] + "..."
    return f"The coach answered your question:\n\u201c{asked}\u201d\n\n{question.answer}"


class Inbox:
    """Coach commands; the core checks COACH_IDS before calling them."""

    def __init__(
        self,
        *,
        questions: QuestionsRepository,
        people: PeopleRepository,
        hero: HeroRepository,
        config: CoreConfig,
        delivery: Delivery,
    ) -> None:
        self.questions = questions
        self.people = people
        self.hero = hero
        self.config = config
        self.delivery = delivery

    async def inbox(self, turn: Turn) -> list[Reply]:
        """List the open questions, oldest first."""
        waiting = await self.questions.inbox()
        if not waiting:
            return [Reply("Inbox zero: no questions are waiting for you.")]
        lines = [f"{len(waiting)} question(s) waiting:"]
        for q in waiting:
            person = await self.people.get(q.person_id)
            who = (person.display_name or person.identity.key) if person else "someone"
            text = q.text if len(q.text) <= 200 else q.text[:197] + "..."
            lines.append(f"#{q.id} from {who}, {_ago(q.asked_at, turn.now)}: {text}")
        lines.append("\nAnswer with /answer <number> <your answer>.")
        return [Reply("\n".join(lines))]

    async def answer(self, turn: Turn, args: str) -> list[Reply]:
        """Store the coach's answer and relay it to the asker."""
        number, _, text = args.strip().partition(" ")
        number = number.lstrip("#")
        if not number.isdigit() or len(number) > 12 or not text.strip():
            return [Reply(ANSWER_USAGE)]
        question = await self.questions.get(int(number))
        if question is None:
            return [Reply(f"There's no question #{number}. /inbox lists the open ones.")]
        if question.answered_at is not None:
            return [Reply(f"Question #{number} has already been answered.")]
        coach = turn.person.identity.key
        await self.questions.answer(question.id, text.strip(), coach, turn.now)
        if question.outcome != "escalate":
            await self.questions.resolve(question.id, "escalate", question.faq_id)
        question = await self.questions.get(question.id)
        asker = await self.people.get(question.person_id) if question else None
        if question is None or asker is None:
            return [Reply(f"Saved, but the person who asked #{number} has since left.")]
        if await self.relay(question, asker.identity, turn.now):
            return [Reply(f"Sent your answer to #{number} to {asker.display_name or 'them'}.")]
        # Not an error for the coach: the answer is stored and reaches them when they're back.
        return [Reply(f"Saved your answer to #{number} for {asker.display_name or 'them'}. "
                      "They'll get it as soon as they're back in the chat.")]

    async def relay(self, question: Question, to: Identity, now: datetime) -> bool:
        """Deliver one stored answer as a reply to the original question."""
        result = await self.delivery.send(Outbound(
            to=to, text=relay_text(question), chat_id=question.chat_id,
            reply_to=question.message_id,
        ))
        if result.ok:
            await self.questions.mark_relayed(question.id, now)
        return result.ok

    async def pending_for(self, turn: Turn) -> list[Reply]:
        """Return answers that could not be delivered earlier, now that the person is back."""
        replies = []
        for question in await self.questions.unrelayed(turn.person.id):
            await self.questions.mark_relayed(question.id, turn.now)
            replies.append(Reply(relay_text(question)))
        return replies

    async def stats(self, turn: Turn) -> list[Reply]:
        """Give people, sessions, questions and the FAQ hit rate."""
        people = await self.people.count()
        sessions = await self.hero.completed_count()
        counts = await self.questions.outcome_counts()
        total = sum(counts.values())
        matchable = sum(counts.get(k, 0) for k in ("answer", "suggest", "escalate"))
        hit_rate = f"{100 * counts.get('answer', 0) / matchable:.0f}%" if matchable else "n/a"
        open_count = len(await self.questions.inbox(limit=1000))
        lines = [
            f"People: {people}",
            f"Hero sessions completed: {sessions}",
            f"Questions: {total} (answered from the FAQ {counts.get('answer', 0)}, "
            f"did-you-mean {counts.get('suggest', 0)}, passed to you {counts.get('escalate', 0)}, "
            f"safety {counts.get('safety', 0)})",
            f"FAQ hit rate: {hit_rate}",
            f"Waiting in your inbox: {open_count}",
        ]
        data = await self._chart_data(turn, counts)
        words = chart.summary(data)
        png = await draw(chart.render, data)
        lines.append(words)
        return [Reply("\n".join(lines), image=Image("stats.png", words, data=png))]

    async def _chart_data(self, turn: Turn, outcomes: dict[str, int]) -> chart.StatsData:
        zone = self.config.zone_for(turn.person)
        since = turn.now - timedelta(weeks=chart.WEEKS)
        sessions = await self.hero.completed_since(since)
        questions = await self.questions.asked_by_since(since)
        return chart.StatsData(
            turn.now.astimezone(zone).date(),
            [(person, moment.astimezone(zone).date()) for person, moment in sessions],
            [(person, moment.astimezone(zone).date()) for person, moment in questions],
            outcomes,
        )
