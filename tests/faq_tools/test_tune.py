import pytest

from bot.core.faq import FaqMatcher, load_examples, load_faq
from bot.core.faq.scoring import SEMANTIC_SETTING, WORDS_ONLY_SETTING
from bot.faq_tools.evaluate import load_cases
from bot.faq_tools.tune import figures_of, objective, tune
from tests.faq_tools.conftest import SETS, TUNING

WRITERS = [*TUNING, SETS / "eval_dev.jsonl"]

# How far the shipped setting's objective may fall below the best tune finds today before
# it must be re-tuned. The objective is the worse of on-topic top-1 and off-topic refusal
# over 1,299 and 388 questions, so one off-topic question is a quarter of a point. Tune chooses
# on a plateau (scores smoothed over neighbouring thresholds), not at the single best
# point, and a new entry or a few new examples move that plateau by a question or two.
# The leave-one-writer-out figures differ by several points from writer to writer, so a
# setting within a point of the optimum is as good as the optimum as far as this data can
# tell, and re-tuning for less would only chase noise.
EPSILON = 0.01


# Leave-one-writer-out figures as measured when the settings were chosen: 93.2% / 89.4%
# with the sentence model, 86.6% / 84.0% on words alone. They are estimates for a new
# writer, so the floors sit two points below them: a new entry or a batch of examples may
# move them by a question or two either way, a real decline by more.
@pytest.mark.parametrize(("words_only", "shipped", "on_floor", "off_floor"), [
    (False, SEMANTIC_SETTING, 0.91, 0.87),
    (True, WORDS_ONLY_SETTING, 0.84, 0.82),
])
def test_shipped_settings_are_within_epsilon_of_what_cross_validation_chooses(
        words_only, shipped, on_floor, off_floor):
    entries = load_faq()
    examples = load_examples(entries)
    writers = [load_cases(path) for path in WRITERS]
    result = tune(entries, examples, writers, words_only=words_only)
    ours = figures_of(shipped, entries, examples, writers, words_only=words_only)
    assert objective(result.fitted) - objective(ours) <= EPSILON
    matcher = FaqMatcher(entries, examples, words_only=words_only)
    assert (matcher.blend, matcher.answer_threshold, matcher.margin) == (
        shipped.blend, shipped.answer_threshold, shipped.margin)
    assert result.folds == len(WRITERS)
    assert result.cross_validated.top1_on_topic >= on_floor
    assert result.cross_validated.offtopic_refused >= off_floor


def test_a_setting_is_scored_as_tune_scores_its_choice():
    entries = load_faq()
    examples = load_examples(entries)
    writers = [load_cases(path) for path in WRITERS[:3]]
    result = tune(entries, examples, writers, words_only=True)
    assert figures_of(result.setting, entries, examples, writers, words_only=True) == result.fitted


def test_tuning_needs_two_writers():
    entries = load_faq()
    with pytest.raises(ValueError, match="two writers"):
        tune(entries, (), [load_cases(WRITERS[0])])
