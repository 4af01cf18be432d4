import pytest

from bot.core.faq import FaqMatcher, load_examples, load_faq


@pytest.fixture(scope="module")
def entries():
    return load_faq()


@pytest.fixture(scope="module")
def examples(entries):
    return load_examples(entries)


@pytest.fixture(scope="module")
def matcher(entries, examples):
    return FaqMatcher(entries, examples)


@pytest.fixture(scope="module")
def words_matcher(entries, examples):
    return FaqMatcher(entries, examples, words_only=True)
