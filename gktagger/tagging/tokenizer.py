"""A character tokenizer: every character of the normalised text is one token.

Real pages run table cells together (``640020470`` = 64,0,0,2,0,4,70), so a tag
boundary must be able to fall between any two digits; WordPiece merges would
make that impossible. Whitespace is kept as tokens too, because a newline or a
tab is often the only thing separating two cells.

>>> tok = build_tokenizer("据0123")
>>> tok("据 1\\n2")["input_ids"][1:-1] == [tok.convert_tokens_to_ids(c) for c in "据 1\\n2"]
True
"""
from __future__ import annotations

from typing import Iterable

from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def common_characters() -> set[str]:
    """Printable ASCII and every character of GB2312 (the 6,763 common hanzi and its symbols)."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | {"\n", "\t"}
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def build_tokenizer(extra_chars: Iterable[str] = (), model_max_length: int = 510) -> PreTrainedTokenizerFast:
    """A fast tokenizer over the common inventory plus ``extra_chars`` (corpus and generated text).

    ``model_max_length`` is the model's window (its position embeddings less [CLS] and [SEP]), so
    ``transformers.pipeline(..., stride=N)`` splits a long page into windows the model can read;
    gktagger's own tagger windows the text itself (:mod:`gktagger.tagging.windows`)."""
    chars = sorted(common_characters() | {c for text in extra_chars for c in text})
    vocab = {t: i for i, t in enumerate(SPECIAL_TOKENS)}
    for c in chars:
        vocab.setdefault(c, len(vocab))
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    core.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                   model_max_length=model_max_length)


def char_ids(tokenizer: PreTrainedTokenizerFast, text: str) -> list[int]:
    """Token ids of ``text``, one per character, without special tokens."""
    ids = tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
    if len(ids) != len(text):
        raise ValueError("tokenizer is not character-level: load a gktagger model's tokenizer")
    return ids
