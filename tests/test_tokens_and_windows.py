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
