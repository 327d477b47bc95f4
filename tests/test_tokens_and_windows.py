import random

import numpy as np
import pytest
from transformers import AutoTokenizer

from gktagger.tagging.tags import LABELS, spans_to_tags, tags_to_spans
from gktagger.tagging.tokenizer import build_tokenizer, char_ids, common_characters
from gktagger.tagging.windows import make_windows, owner_windows


def test_tokenizer_is_one_token_per_character_and_round_trips(tmp_path):
    tok = build_tokenizer(["據㐀"])
    text = "予以公开640020470件\n\t　據 x㐀"
    ids = char_ids(tok, text)
    assert len(ids) == len(text)
    assert tok.unk_token_id not in ids
    tok.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert char_ids(again, text) == ids
    assert again.convert_ids_to_tokens(ids) == list(text)


def test_the_tagger_reads_a_saved_tokenizer_as_the_tokenizer_does(tmp_path):
    from tokenizers import Tokenizer

    from gktagger.tagging.encoder import CharTable, Encoder

    tok = build_tokenizer(["據㐀😀"])
    tok.save_pretrained(tmp_path)
    encoder = Encoder.from_folder(tmp_path)
    assert isinstance(encoder.encode, CharTable) and isinstance(Encoder.of(tok).encode, CharTable)
    library = Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    rng = random.Random(4)
    inventory = sorted(common_characters() | set("據㐀😀")) + ["\u3400", "\U0001F600", "\U00020000", "\u0000", "\t"]
    text = "".join(rng.choice(inventory) for _ in range(5000))
    assert encoder.ids(text).tolist() == library.encode(text, add_special_tokens=False).ids
    assert (encoder.pad, encoder.cls, encoder.sep) == (tok.pad_token_id, tok.cls_token_id, tok.sep_token_id)
    # a page's literal "[SEP]" is five characters, not the special token (every later id moved by four),
    # and a lone surrogate of a broken page is one unknown character
    ids = encoder.ids("据[SEP]1\ud800")
    assert len(ids) == 8 and tok.sep_token_id not in ids.tolist() and ids[-1] == tok.unk_token_id


def test_a_tokenizer_that_is_not_one_character_per_token_goes_through_the_library(tmp_path):
    from gktagger.tagging.encoder import CharTable, Encoder

    tok = build_tokenizer()
    tok.backend_tokenizer.normalizer = __import__("tokenizers").normalizers.Lowercase()
    tok.save_pretrained(tmp_path)
    encoder = Encoder.from_folder(tmp_path)
    assert not isinstance(encoder.encode, CharTable)
    assert encoder.ids("A1").tolist() == [tok.convert_tokens_to_ids("a"), tok.convert_tokens_to_ids("1")]


def test_common_inventory_covers_gb2312():
    chars = common_characters()
    assert len([c for c in chars if "\u4e00" <= c <= "\u9fff"]) == 6763
    assert {"予", "沭", "\n", "7"} <= chars


def test_spans_round_trip_through_tags():
    spans = [(0, 6, "requests"), (8, 9, "t3.new.natural"), (9, 10, "t3.new.commercial"), (12, 15, "proactive.total")]
    tags = spans_to_tags(20, spans)
    assert [(s.start, s.end, s.label) for s in tags_to_spans(tags)] == spans


@pytest.mark.parametrize("length,size,stride", [(1, 8, 6), (8, 8, 6), (9, 8, 6), (100, 8, 6), (1000, 510, 384), (511, 510, 1)])
def test_windows_cover_every_character_once_when_stitched(length, size, stride):
    windows = make_windows(length, size, stride)
    assert windows[0][0] == 0 and windows[-1][1] == length
    assert all(e - s <= size for s, e in windows)
    owner = owner_windows(length, windows)
    truth = np.array([random.Random(length).randrange(len(LABELS)) for _ in range(length)])
    stitched = np.full(length, -1)
    for w, (s, e) in enumerate(windows):
        for i in range(s, e):
            if owner[i] == w:
                assert stitched[i] == -1, "a character predicted twice"
                stitched[i] = truth[i]
    assert (stitched == truth).all()


def test_overlapping_spans_are_reported_not_dropped_silently():
    dropped = []
    tags = spans_to_tags(10, [(0, 4, "requests"), (2, 3, "t3.new.total"), (5, 5, "t3.new.natural")], dropped)
    assert [LABELS[t] for t in tags[:4]] == ["B-requests", "I-requests", "I-requests", "I-requests"]
    assert dropped == [(2, 3, "t3.new.total"), (5, 5, "t3.new.natural")]
