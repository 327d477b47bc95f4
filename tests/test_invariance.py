"""Metamorphic tests on the real corpus: a navigation line, CRLF, trailing spaces or a ``<pre>`` wrapper
change no extracted value (issue 16). The shares are printed (``pytest -s``)."""
import random

import numpy as np
import pytest

from gktagger.tagging.windows import make_windows, owner_windows


@pytest.fixture(scope="module")
def shares(corpus):
    from gktagger.training.annotations import corpus_files
    from gktagger.io.document import Document
    from gktagger.extract import Extractor
    from metamorphic import unchanged_share, values_of, variants
    from gktagger.io.reading import document_from_text, read_path

    extractor = Extractor()
    original, changed = {}, {}
    for path in corpus_files(corpus):
        if path.suffix not in (".txt", ".md"):
            continue
        text = read_path(path).text
        named = variants(text)
        docs = [Document(path.name, text)] + [
            document_from_text(v, id=f"{path.name}:{name}", suffix=".html" if name == "pre" else ".txt")
            for name, v in named.items()]
        records = extractor.extract(docs)
        original[path.name] = values_of(records[0])
        for name, record in zip(named, records[1:]):
            changed.setdefault(name, {})[path.name] = values_of(record)
    out = {name: unchanged_share(original, c) for name, c in changed.items()}
    print({name: f"{same}/{total} = {same / total:.2%}" for name, (same, total) in out.items()})
    return out


@pytest.mark.parametrize("name", ["nav_line", "crlf", "trailing_spaces", "pre"])
def test_no_value_changes(shares, name):
    same, total = shares[name]
    assert total > 1000 and same == total, f"{name}: {same}/{total} values unchanged"


@pytest.mark.parametrize("seed", range(5))
def test_line_aligned_windows_cover_every_character_once(seed):
    rng = random.Random(seed)
    text = "".join("数" * rng.randint(0, 90) + rng.choice(["\n", "\t", ""]) for _ in range(rng.randint(1, 400)))
    size, stride = rng.choice([(510, 382), (40, 30), (8, 6)])
    windows = make_windows(len(text), size, stride, text=text)
    assert windows[0][0] == 0 and windows[-1][1] == len(text)
    assert all(0 < e - s <= size for s, e in windows) and windows == sorted(set(windows))
    assert all(b[0] < a[1] for a, b in zip(windows, windows[1:])), "a gap between windows"
    owner = np.array(owner_windows(len(text), windows))
    assert all(windows[w][0] <= i < windows[w][1] for i, w in enumerate(owner))
