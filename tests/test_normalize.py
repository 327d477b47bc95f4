"""normalise(): the exact offset map on every corpus document, and the individual operations."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import pytest

from gktagger.io.reading import read_path
from gktagger.text.normalize import LOST, is_traditional, normalise
from gktagger.training.annotations import corpus_files


@lru_cache(maxsize=None)
def t2s(c: str) -> set[str]:
    return {converter().convert(c)}


@lru_cache(maxsize=1)
def converter():
    import opencc

    return opencc.OpenCC("t2s")


def plausible(piece: str, out: str, left: str, right: str) -> bool:
    """Whether normalised char ``out`` can come from raw ``piece`` (between ``left`` and ``right``)."""
    if piece.isspace() or not piece.strip("\u200b\u200c\u200d\u2060\ufeff\u00ad"):
        has_break = any(c in piece for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
        return out == ("\n" if has_break else "\t" if piece == "\t" else " ")
    if set(piece) <= {"?", LOST}:
        return out == LOST and (LOST in piece or (left >= "\u3400" and right >= "\u3400"))
    if len(piece) > 1 and piece[1] in "(（" and piece[-1] in ")）":  # a hanzi with its pinyin reading
        return plausible(piece[0], out, left, piece[1])
    if len(piece) != 1:
        return False
    folded = unicodedata.normalize("NFKC", piece)
    candidates = {piece, folded} | t2s(piece) | t2s(folded)
    return out in candidates or unicodedata.name(piece, "").startswith("CJK RADICAL")


@pytest.fixture(scope="module")
def corpus():
    return [(p.name, read_path(p).text) for p in corpus_files()]


def test_every_normalised_char_comes_from_its_raw_span(corpus):
    for name, raw in corpus:
        n = normalise(raw)
        assert len(n.text) == len(n.starts) == len(n.ends), name
        for i, out in enumerate(n.text):
            s, e = n.starts[i], n.ends[i]
            assert 0 <= s < e <= len(raw), (name, i)
            assert i == 0 or n.ends[i - 1] <= s, (name, i, "spans must be ordered and disjoint")
            left, right = raw[s - 1:s], raw[e:e + 1]
            assert plausible(raw[s:e], out, left, right), (name, i, raw[s:e], out)


def test_dropped_raw_chars_are_only_whitespace_or_zero_width(corpus):
    for name, raw in corpus:
        n = normalise(raw)
        kept = set()
        for s, e in zip(n.starts, n.ends):
            kept.update(range(s, e))
        dropped = "".join(raw[i] for i in range(len(raw)) if i not in kept)
        assert not dropped.strip("\u200b\u200c\u200d\u2060\ufeff\u00ad"), (name, dropped[:50])


def test_round_trip_of_token_aligned_spans(corpus):
    for name, raw in corpus:
        n = normalise(raw)
        step = max(1, len(n.text) // 300)
        for a in range(0, len(n.text), step):
            for length in (1, 2, 7, 40):
                b = min(len(n.text), a + length)
                assert n.from_raw(*n.to_raw(a, b)) == (a, b), (name, a, b)


def test_from_raw_covers_every_surviving_char_of_an_annotation():
    raw = "总体情况：　 本年１２件。"
    n = normalise(raw)
    assert n.text == "总体情况: 本年12件。"
    a, b = n.from_raw(raw.index("１"), raw.index("件"))
    assert n.text[a:b] == "12"
    a, b = n.from_raw(5, 6)  # one raw char inside a whitespace run: the whole collapsed space
    assert n.text[a:b] == " " and n.to_raw(a, b) == (5, 7)


def test_from_raw_rejects_spans_that_vanish():
    n = normalise("公开\u200b\u200b数量 \t 3")
    assert n.text == "公开数量\t3"
    with pytest.raises(ValueError, match="survives"):
        n.from_raw(2, 4)
    with pytest.raises(ValueError, match="survives"):
        n.from_raw(6, 7)  # the space before the tab
    with pytest.raises(ValueError):
        n.to_raw(3, 3)


def test_inline_pinyin_is_dropped():
    for raw, expected in [("根據(jù)条例", "根据条例"), ("根據（jù）条例", "根据条例"),
                          ("依據(yī jù)", "依据"), ("重庆(chongqing)市", "重庆市"), ("公开(gongkai1)", "公开")]:
        assert normalise(raw).text == expected, raw
    n = normalise("根據(jù)条例")
    assert n.to_raw(1, 3) == (1, 7) and n.from_raw(0, 2) == (0, 2)
    assert n.to_raw(0, 2) == (0, 6)  # a heading ending in a reading keeps it: 總體情況(kuàng)
    assert n.from_raw(2, 6) == (1, 2)  # the reading alone stands for its hanzi


def test_real_parenthesised_content_is_kept():
    for raw in ["(一)主动公开", "网站(www.gov.cn)", "附件(gov)", "说明(PDF)", "表(1)", "x(ju)", "条例(a)"]:
        assert normalise(raw).text == raw, raw
    assert normalise("（一）予以公开").text == "(一)予以公开"


def test_full_width_forms_fold_to_one_char_each():
    raw = "２０２１年：１２３件，占１５．５％；ＡＢｃ"
    n = normalise(raw)
    assert n.text == "2021年:123件,占15.5%;ABc"
    assert len(n.text) == len(raw)
    assert normalise("、。《》“”〔〕…①").text == "、。《》“”〔〕…①"
    assert normalise("⽣产⻓期").text == "生产长期"  # Kangxi / simplified radicals from PDF text


def test_whitespace():
    assert normalise("a\xa0\xa0b\u3000c").text == "a b c"
    assert normalise("a\r\nb\rc\n\n  d").text == "a\nb\nc\nd"
    assert normalise("a \u200b b\u200bc").text == "a bc"
    assert normalise("0 \t0\t\t0 \n 5").text == "0\t0\t\t0\n5"
    n = normalise("一\r\n\r\n二")
    assert n.text == "一\n二" and n.to_raw(1, 2) == (1, 5)


def test_lost_characters():
    assert normalise("政府信息公开??作").text == f"政府信息公开{LOST}作"
    assert normalise("已\ufffd\ufffd\ufffd理").text == f"已{LOST}理"
    assert normalise("是否? Yes?").text == "是否? Yes?"


def test_traditional_to_simplified():
    raw = "政府資訊公開工作年度報告：答覆申請人，關於本機關"
    n = normalise(raw)
    assert n.text == "政府资讯公开工作年度报告:答复申请人,关于本机关"
    assert len(n.text) == len(raw)
    assert is_traditional(raw)


def test_simplified_text_never_changes():
    raw = "关於本机关的答覆；乾坤；平台；后面；著作；夥伴"
    assert not is_traditional(raw)
    assert normalise(raw).text == raw.replace("；", ";")
    assert normalise("生于1949年，后来").text == "生于1949年,后来"


def test_generated_examples_with_traditional_text_and_pinyin():
    """examples/ holds generated pages (traditional with inline pinyin among them): same exactness."""
    from gktagger.training.annotations import REPO_ROOT

    paths = sorted((REPO_ROOT / "examples").glob("*.*"))
    if not paths:
        pytest.skip("examples/ is empty")
    for path in paths:
        raw = read_path(path).text
        n = normalise(raw)
        for i, out in enumerate(n.text):
            s, e = n.starts[i], n.ends[i]
            assert plausible(raw[s:e], out, raw[s - 1:s], raw[e:e + 1]), (path.name, i, raw[s:e], out)
        assert "(jù)" not in n.text and "(zhèng)" not in n.text, path.name
