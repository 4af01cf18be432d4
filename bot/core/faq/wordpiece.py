"""BERT's uncased WordPiece tokenizer, the one all-MiniLM-L6-v2 was trained with.

The model's `tokenizer.json` names these steps (BertNormalizer, BertPreTokenizer,
WordPiece, [CLS] ... [SEP]); written out here they cost a 30k-entry dict instead of a
compiled tokenizer library and its memory. A test checks it against Hugging Face's
`tokenizers` on every question the project holds and on random text.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

# Past this many characters a "word" is a paste, not a word; BERT calls it unknown.
_MAX_WORD_CHARS = 100
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
        (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _is_control(char: str) -> bool:
    # Unassigned code points (Cn) are kept, as the reference does: they become [UNK].
    return char not in "\t\n\r" and unicodedata.category(char) in ("Cc", "Cf", "Co")


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK)


def _normalise(text: str) -> str:
    out = []
    for char in text:
        if char in ("\0", "\ufffd") or _is_control(char):
            continue
        if char.isspace():
            out.append(" ")
        elif _is_cjk(char):
            out.append(f" {char} ")
        else:
            out.append(char)
    # Letter by letter: str.lower() on a whole word applies Greek final-sigma, BERT does not.
    lowered = "".join(char.lower() for char in "".join(out))
    return "".join(c for c in unicodedata.normalize("NFD", lowered)
                   if unicodedata.category(c) != "Mn")


def _words(text: str) -> list[str]:
    words: list[str] = []
    for chunk in text.split():
        start = 0
        for i, char in enumerate(chunk):
            if _is_punctuation(char):
                if start < i:
                    words.append(chunk[start:i])
                words.append(char)
                start = i + 1
        if start < len(chunk):
            words.append(chunk[start:])
    return words


class WordPiece:
    """Turn text into the model's token ids, [CLS] first and [SEP] last."""

    def __init__(self, vocab_file: Path, max_tokens: int) -> None:
        with vocab_file.open(encoding="utf-8") as lines:
            self._vocab = {line.rstrip("\n"): number for number, line in enumerate(lines)}
        self._max_tokens = max_tokens
        self._unknown = self._vocab["[UNK]"]
        self._first, self._last = self._vocab["[CLS]"], self._vocab["[SEP]"]

    def ids(self, text: str) -> list[int]:
        """Return the ids for `text`, cut to fit `max_tokens` with [CLS] and [SEP]."""
        ids: list[int] = []
        room = self._max_tokens - 2
        for word in _words(_normalise(text)):
            ids.extend(self._pieces(word))
            if len(ids) >= room:
                break
        return [self._first, *ids[:room], self._last]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > _MAX_WORD_CHARS:
            return [self._unknown]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else f"##{word[start:end]}"
                if piece in self._vocab:
                    pieces.append(self._vocab[piece])
                    break
                end -= 1
            else:
                return [self._unknown]
            start = end
        return pieces
