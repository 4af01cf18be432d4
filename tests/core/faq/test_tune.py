from pathlib import Path

from bot.core.faq import FaqMatcher, load_examples, load_faq
from bot.core.faq.evaluate import load_cases
from bot.core.faq.matcher import DEFAULT_BLEND
from bot.core.faq.tune import tune

HERE = Path(__file__).parent


def test_shipped_defaults_are_what_cross_validation_chooses():
    cases = load_cases(HERE / "eval_tuning.jsonl") + load_cases(HERE / "eval_dev.jsonl")
    entries = load_faq()
    examples = load_examples(entries)
    matcher = FaqMatcher(entries, examples)
    result = tune(entries, examples, cases)
    assert result.setting.blend == DEFAULT_BLEND
    assert result.setting.answer_threshold == matcher.answer_threshold
    assert result.setting.margin == matcher.margin
    assert result.cross_validated.top1_on_topic >= 0.90
    assert result.cross_validated.offtopic_refused >= 0.90
    assert result.folds == 5


def test_examples_file_holds_no_second_dev_question():
    dev2 = {c.q.lower() for c in load_cases(HERE / "eval_dev2.jsonl")}
    assert not dev2 & {x.q.lower() for x in load_examples(load_faq())}
