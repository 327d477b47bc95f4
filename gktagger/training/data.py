"""From annotated documents to model inputs: the normalised view, projected labels, windows.

Real and synthetic documents go through exactly the steps inference takes
(normalise → body → windows), so the model never sees text shaped otherwise.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from datasets import Dataset

from gktagger.tagging.tags import OUTSIDE, spans_to_tags
from gktagger.tagging.windows import make_windows
from gktagger.text.normalize import normalise
from gktagger.text.repeats import find_body
from gktagger.training import annotations as ann
from gktagger.training.annotations import AnnotatedDoc
from gktagger.training.config import RecipeError
from gktagger.training.synth import LAYOUTS, SynthOptions, generate


@dataclass
class Example:
    """One document as the model sees it: the normalised body and a tag id per character."""
    document: str
    text: str
    tags: list[int]
    offset: int  # where ``text`` starts in the full normalised text


def model_region(norm_text: str, labelled: Iterable[tuple[int, int]] = ()) -> tuple[int, int]:
    """The part of the normalised text the model reads: the first complete body, widened to the labels."""
    start, end = find_body(norm_text)
    for s, e in labelled:
        start, end = min(start, s), max(end, e)
    return start, end


def to_example(raw_text: str, doc: AnnotatedDoc) -> Example:
    """Project ``doc``'s raw spans onto the normalised text and cut it to the model region."""
    norm = normalise(raw_text)
    projected = []
    for span in doc.spans:
        if doc.body and not (doc.body[0] <= span.start and span.end <= doc.body[1]):
            continue
        s, e = norm.from_raw(span.start, span.end)
        projected.append((s, e, span.label))
    start, end = model_region(norm.text, [(s, e) for s, e, _ in projected])
    dropped: list[tuple[int, int, str]] = []
    tags = spans_to_tags(len(norm.text), projected, dropped)[start:end]
    if dropped:  # one tag per character: a gold span that cannot be tagged is an annotation error
        s, e, label = dropped[0]
        raise ValueError(f"{doc.document}: {len(dropped)} spans overlap others or are empty, first {label} at "
                         f"normalised [{s}, {e}): fix the annotation")
    return Example(doc.document, norm.text[start:end], tags, start)


def corpus_examples(annotation_dirs: list[str | Path], include: set[str] | None = None,
                    exclude: set[str] = frozenset()) -> list[Example]:
    """Examples of annotated real documents (texts from the shared corpus, or carried by the annotation)."""
    docs = [d for d in ann.load_dir(*annotation_dirs)
            if d.document not in exclude and (include is None or d.document in include)]
    return examples_of(docs)


def examples_of(docs: Iterable[AnnotatedDoc]) -> list[Example]:
    out = []
    for doc in docs:
        raw = ann.document_text(doc)
        if ann.sha256_text(raw) != doc.sha256:
            raise RecipeError(f"{doc.document} changed since it was annotated (sha256 differs): re-annotate it")
        out.append(to_example(raw, doc))
    return out


@dataclass
class RealDocuments:
    """The annotated real documents of a recipe: to train on, to select checkpoints on, and left out."""
    train: list[AnnotatedDoc]
    dev: list[AnnotatedDoc]
    held_copies: list[str]  # training documents left out because their text is a dev/excluded document's


def split_documents(annotation_dirs: Iterable[str | Path], dev_documents: Iterable[str] = (),
                    exclude_documents: Iterable[str] = ()) -> RealDocuments:
    """Load the annotation folders and hold the dev and excluded documents out **by the sha256 of their
    text**: the same page pulled again under another name is held out too.

    Every folder must exist and hold annotations, every named dev/excluded document must be in them, and
    something must be left to train on; otherwise a :class:`RecipeError` says which.
    """
    dirs = [Path(d) for d in annotation_dirs]
    docs: list[AnnotatedDoc] = []
    for d in dirs:
        if not d.is_dir():
            raise RecipeError(f"annotation folder not found: {d} (check data.annotations or --annotations)")
        found = ann.load_dir(d)
        if not found:
            raise RecipeError(f"no annotations (*.json) in {d} (check data.annotations or --annotations)")
        docs += found
    names = {d.document for d in docs}
    dev_names, held_names = set(dev_documents), set(dev_documents) | set(exclude_documents)
    missing = sorted(held_names - names)
    if dirs and missing:
        raise RecipeError(f"{len(missing)} dev/excluded document(s) in none of the annotation folders, e.g. "
                          f"{missing[0]} (check data.dev_documents / data.exclude_documents)")
    held_sha = {d.sha256 for d in docs if d.document in held_names}
    dev = sorted({d.document: d for d in docs if d.document in dev_names}.values(), key=lambda d: d.document)
    train = [d for d in docs if d.sha256 not in held_sha]
    copies = sorted(d.document for d in docs if d.sha256 in held_sha and d.document not in held_names)
    if dirs and not train:
        raise RecipeError(f"0 documents to train on in {', '.join(map(str, dirs))}: all of them are dev or "
                          "excluded documents")
    return RealDocuments(train, dev, copies)


def synthetic_examples(n: int, seed: int, formats: Iterable[str] = ("2021", "2019", "legacy"),
                       layouts: dict[str, float] | None = None) -> list[Example]:
    """``n`` generated reports; ``layouts`` (layout → weight) changes the generator's layout weights."""
    return [to_example(text, doc) for text, doc in generate(n, seed, formats=tuple(formats),
                                                            options=synth_options(layouts))]


def synth_options(layouts: dict[str, float] | None) -> SynthOptions:
    """Generator options with the layout weights of a config (``data.synthetic_layouts``).

    >>> synth_options({"wholeruns": 0.5}).layout_weights["wholeruns"], synth_options(None).layout_weights.get("wholeruns", 0)
    (0.5, 0)
    """
    unknown = sorted(set(layouts or {}) - set(LAYOUTS))
    if unknown:
        raise RecipeError(f"unknown layout {unknown[0]} in data.synthetic_layouts (known: {', '.join(LAYOUTS)})")
    opts = SynthOptions()
    return replace(opts, layout_weights={**opts.layout_weights, **(layouts or {})})


def build_dataset(examples: list[Example], tokenizer, size: int, stride: int, repeat: int = 1,
                  keep_empty: float = 0.3, seed: int = 0) -> Dataset:
    """A ``datasets.Dataset`` of windows: ``input_ids`` with [CLS]/[SEP], ``labels`` with -100 on them."""
    rng = random.Random(seed)
    rows = {"input_ids": [], "labels": [], "document": []}
    for ex in examples:
        ids = tokenizer(ex.text, add_special_tokens=False, verbose=False)["input_ids"]
        for r in range(repeat):
            # shift the window grid on repeats so each character is seen in several contexts
            shift = rng.randrange(stride) if r else 0
            for s, e in make_windows(max(len(ex.text) - shift, 0), size, stride):
                s, e = s + shift, e + shift
                tags = ex.tags[s:e]
                if not any(t != OUTSIDE for t in tags) and rng.random() > keep_empty:
                    continue
                rows["input_ids"].append([tokenizer.cls_token_id] + ids[s:e] + [tokenizer.sep_token_id])
                rows["labels"].append([-100] + tags + [-100])
                rows["document"].append(ex.document)
    return Dataset.from_dict(rows)
