"""Writing-system variants: traditional characters, inline pinyin, full-width digits.

>>> to_traditional("总体情况")
'總體情況'
>>> to_fullwidth("2021年")
'２０２１年'
"""
from __future__ import annotations

import random

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def to_fullwidth(s: str) -> str:
    return s.translate(_FULLWIDTH)


class _S2T(dict):
    """Character table filled lazily from OpenCC; only one-to-one mappings so offsets stay simple."""

    def __init__(self) -> None:
        super().__init__()
        from opencc import OpenCC

        self._cc = OpenCC("s2t")

    def __missing__(self, code: int) -> int:
        converted = self._cc.convert(chr(code)) if code > 0x2E80 else chr(code)
        value = ord(converted) if len(converted) == 1 else code
        self[code] = value
        return value


_s2t: _S2T | None = None


def to_traditional(s: str) -> str:
    global _s2t
    if _s2t is None:
        _s2t = _S2T()
    return s.translate(_s2t)


# Common characters of these reports with their pinyin; web pages with a "注音" widget print them inline.
PINYIN = {
    "据": "jù", "據": "jù", "政": "zhèng", "府": "fǔ", "信": "xìn", "息": "xī", "公": "gōng", "开": "kāi",
    "開": "kāi", "年": "nián", "报": "bào", "報": "bào", "告": "gào", "工": "gōng", "作": "zuò",
    "申": "shēn", "请": "qǐng", "請": "qǐng", "情": "qíng", "况": "kuàng", "況": "kuàng", "主": "zhǔ",
    "动": "dòng", "動": "dòng", "依": "yī", "法": "fǎ", "规": "guī", "規": "guī", "行": "xíng",
    "办": "bàn", "辦": "bàn", "理": "lǐ", "结": "jié", "結": "jié", "果": "guǒ", "区": "qū", "區": "qū",
    "县": "xiàn", "縣": "xiàn", "市": "shì", "制": "zhì", "度": "dù", "设": "shè", "設": "shè",
    "管": "guǎn", "务": "wù", "務": "wù", "处": "chǔ", "處": "chǔ", "部": "bù", "门": "mén", "門": "mén",
    "体": "tǐ", "體": "tǐ", "总": "zǒng", "總": "zǒng", "问": "wèn", "問": "wèn", "题": "tí", "題": "tí",
    "进": "jìn", "進": "jìn", "改": "gǎi", "网": "wǎng", "網": "wǎng", "站": "zhàn", "数": "shù",
    "數": "shù", "量": "liàng", "件": "jiàn", "条": "tiáo", "條": "tiáo", "加": "jiā", "强": "qiáng",
    "強": "qiáng", "推": "tuī", "提": "tí", "升": "shēng", "平": "píng", "台": "tái", "臺": "tái",
    "重": "zhòng", "点": "diǎn", "點": "diǎn", "领": "lǐng", "領": "lǐng", "域": "yù", "解": "jiě",
    "读": "dú", "讀": "dú", "策": "cè", "文": "wén", "要": "yào", "求": "qiú", "完": "wán", "善": "shàn",
}


def add_pinyin(s: str, rng: random.Random, rate: float) -> str:
    """Insert ``(pīnyīn)`` after some characters that the table knows."""
    if not any(ch in PINYIN for ch in s):
        return s
    out = []
    for ch in s:
        out.append(ch)
        if ch in PINYIN and rng.random() < rate:
            out.append(f"({PINYIN[ch]})")
    return "".join(out)
