"""Building the token-classification model: from scratch, or from a local pretrained checkpoint."""
from __future__ import annotations

import torch
from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

from gktagger.tagging.tags import LABELS
from gktagger.training.config import ModelConfig


def label_maps() -> tuple[dict[int, str], dict[str, int]]:
    return dict(enumerate(LABELS)), {l: i for i, l in enumerate(LABELS)}


def new_model(cfg: ModelConfig, tokenizer) -> BertForTokenClassification:
    """A randomly initialised BERT sized by ``cfg``, or one started from ``cfg.init_from``."""
    id2label, label2id = label_maps()
    if cfg.init_from:
        return from_checkpoint(cfg.init_from, tokenizer, id2label, label2id)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=cfg.hidden_size, num_hidden_layers=cfg.num_hidden_layers,
        num_attention_heads=cfg.num_attention_heads, intermediate_size=cfg.intermediate_size,
        max_position_embeddings=cfg.max_position_embeddings, type_vocab_size=1,
        hidden_dropout_prob=cfg.dropout, attention_probs_dropout_prob=cfg.dropout,
        pad_token_id=tokenizer.pad_token_id, num_labels=len(LABELS), id2label=id2label, label2id=label2id)
    return BertForTokenClassification(config)


def from_checkpoint(path: str, tokenizer, id2label, label2id) -> BertForTokenClassification:
    """Start from a local BERT checkpoint; its embeddings are carried over character by character.

    Our vocabulary is one token per character, so each of our characters takes
    the checkpoint's embedding of the same token where the checkpoint has one.
    """
    model = BertForTokenClassification.from_pretrained(
        path, num_labels=len(LABELS), id2label=id2label, label2id=label2id, ignore_mismatched_sizes=True)
    source_vocab = AutoTokenizer.from_pretrained(path).get_vocab()
    old = model.get_input_embeddings().weight.detach().clone()
    model.resize_token_embeddings(len(tokenizer))
    new = model.get_input_embeddings().weight
    copied = 0
    with torch.no_grad():
        for token, i in tokenizer.get_vocab().items():
            j = source_vocab.get(token)
            if j is not None and j < old.shape[0]:
                new[i] = old[j]
                copied += 1
    model.config.pad_token_id = tokenizer.pad_token_id
    model.config.gktagger_embeddings_copied = copied
    return model
