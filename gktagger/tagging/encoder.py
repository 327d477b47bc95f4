"""Token ids of a text for the tagger: one per character, and the special ids around a window.

gktagger's tokenizer (``tokenizer.py``) is a vocabulary of single characters with no normaliser,
so a character's id is a table lookup: :class:`CharTable` reads the whole text in a few numpy calls
(about a hundredth of the ``tokenizers`` library's time) and, unlike that library, never reads a literal
``[SEP]`` or ``[CLS]`` in a scraped page as one special token, which left every later character's
prediction on its neighbour's. Any other tokenizer goes through the library.

>>> table = CharTable({"[UNK]": 1, "据": 5, "1": 6, "[": 7}, unk=1)
>>> table("据1[SEP]😀").tolist()
[5, 6, 7, 1, 1, 1, 1, 1]
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

_BMP = 0x10000


class CharTable:
    """``text`` → the id of each character in ``vocab`` (single-character tokens), else ``unk``."""
    def __init__(self, vocab: dict[str, int], unk: int):
        self.unk = unk
        self.table = np.full(_BMP, unk, dtype=np.int64)
        self.astral: dict[int, int] = {}
        for token, i in vocab.items():
            if len(token) == 1:
                if ord(token) < _BMP:
                    self.table[ord(token)] = i
                else:
                    self.astral[ord(token)] = i

    def __call__(self, text: str) -> np.ndarray:
        # lone surrogates (scraped pages have them) are code points like any other: unknown characters
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = self.table[np.minimum(points, _BMP - 1)]
        for k in np.flatnonzero(points >= _BMP):
            ids[k] = self.astral.get(int(points[k]), self.unk)
        return ids

    @classmethod
    def of(cls, spec: dict) -> "CharTable | None":
        """The table of a ``tokenizer.json``'s contents, None unless it is a character tokenizer."""
        model, pre = spec.get("model") or {}, spec.get("pre_tokenizer") or {}
        if (model.get("type") != "WordLevel" or spec.get("normalizer") is not None or pre.get("type") != "Split"
                or pre.get("pattern") != {"Regex": r"[\s\S]"} or pre.get("behavior") != "Isolated"
                or pre.get("invert") or model.get("unk_token") not in model.get("vocab", {})):
            return None
        return cls(model["vocab"], model["vocab"][model["unk_token"]])


@dataclass(frozen=True)
class Encoder:
    """Token ids of a text (one per character) and the special ids around a window."""
    encode: Callable[[str], "list[int] | np.ndarray"]
    pad: int
    cls: int
    sep: int

    def ids(self, text: str) -> np.ndarray:
        return np.asarray(self.encode(text), dtype=np.int64)

    @classmethod
    def of(cls, tokenizer) -> "Encoder":
        """From a transformers tokenizer."""
        table = CharTable.of(json.loads(tokenizer.backend_tokenizer.to_str())) if tokenizer.is_fast else None
        encode = table or (lambda text: tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])
        return cls(encode, tokenizer.pad_token_id, tokenizer.cls_token_id, tokenizer.sep_token_id)

    @classmethod
    def from_folder(cls, folder: Path) -> "Encoder | None":
        """From the folder's ``tokenizer.json``, without importing transformers (the same ids as the
        transformers tokenizer saved with it); None if it has none."""
        settings = folder / "tokenizer_config.json"
        if not (folder / "tokenizer.json").exists() or not settings.exists():
            return None
        spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        names = json.loads(settings.read_text(encoding="utf-8"))
        vocab = (spec.get("model") or {}).get("vocab") or {}
        added = {t["content"]: t["id"] for t in spec.get("added_tokens", [])}
        special = [added.get(names.get(f"{k}_token") or "", vocab.get(names.get(f"{k}_token") or ""))
                   for k in ("pad", "cls", "sep")]
        if None in special:
            return None
        table = CharTable.of(spec)
        if table is not None:
            return cls(table, *special)
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        return cls(lambda text: tokenizer.encode(text, add_special_tokens=False).ids, *special)
