import pytest

from bot.core.faq import Outcome, red_flag
from bot.core.faq.warning import MAX_CLAUSES, SOUNDS_LIKE_A_WARNING, clauses, heard


@pytest.mark.parametrize(("message", "expected"), [
    ("Quick one, how many blocks for a tall guy? Also my heel buzzes on the way down",
     ["Quick one, how many blocks for a tall guy?", "Also my heel buzzes on the way down"]),
    ("it's fine but my heel buzzes", ["my heel buzzes"]),
    ("how long should I hold it? (first trimester btw)",
     ["how long should I hold it?", "first trimester btw"]),
    ("the scar is still pink but i'm bored of resting, how high should the seat be",
     ["the scar is still pink", "i'm bored of resting, how high should the seat be"]),
    ("ok - so my leg is numb - what now", ["so my leg is numb"]),
    ("hi.\n\nmy foot tingles when i sit back", ["my foot tingles when i sit back"]),
])
def test_a_message_splits_into_the_clauses_worth_judging(message, expected):
    assert clauses(message) == expected


@pytest.mark.parametrize("message", ["my knee hurts when i sit back", "", "ow. ow.", "   "])
def test_a_single_clause_has_no_clauses_of_its_own(message):
    assert clauses(message) == []


def test_a_long_paste_is_judged_on_a_bounded_number_of_clauses():
    assert len(clauses("my knee is fine today. " * 100)) == MAX_CLAUSES


@pytest.mark.parametrize(("warning", "calm", "expected"), [
    (0.7, 0.6, True), (0.6, 0.6, True), (0.6, 0.7, False), (0.45, 0.3, False),
])
def test_a_warning_is_heard_when_close_to_a_red_flag_and_closest_to_one(warning, calm, expected):
    assert heard(warning, calm) is expected


@pytest.mark.parametrize("message", [
    "how long should the hold be - my left heel feels like it's full of static",
    "how often should i practise? the physio only took the brace off my knee last week",
])
def test_a_warning_sign_mentioned_in_passing_is_heard_in_its_clause(matcher, message):
    whole = matcher.signals(message)
    assert red_flag(message) is None
    assert not heard(whole.warning, whole.closest_calm)
    verdict = matcher.match(message)
    assert verdict.outcome is Outcome.SAFETY
    assert verdict.red_flag == SOUNDS_LIKE_A_WARNING


@pytest.mark.parametrize("message", [
    "how many blocks should I use? also, what does tucking the tail mean",
    "Love the reminders. How do I change the time?",
])
def test_ordinary_clauses_are_not_warning_signs(matcher, message):
    assert matcher.match(message).outcome is not Outcome.SAFETY

