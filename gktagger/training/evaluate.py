"""Field- and section-level scores of a model on annotated real documents.

    python -m training.evaluate --model DIR [--annotations DIR ...] [--documents reports/x.txt ...] [--out PREFIX]

A field counts as found when the record has the same field ID with the same
value (NA counts as the value ``na``) — the scores answer "would a user get
the right number". A section counts when its ID and start offset match.
Precision/recall/F1 come from scikit-learn over the union of gold and
predicted items, per group (table2, table3, table4, prose) and overall.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import precision_recall_fscore_support

from gktagger.config import PipelineConfig
from gktagger.errors import UsageError
from gktagger.extract import Extractor
from gktagger.schema import FIELDS, GROUPS
from gktagger.tagging.tagger import DEFAULT_MODEL_DIR
from gktagger.training import annotations as ann
from gktagger.training.annotations import AnnotatedDoc
from gktagger.training.config import RecipeError

FIELD_GROUPS = [g for g in GROUPS if g != "sections"]


def value_key(value, na: bool = False) -> str:
    if na or value is None:
        return "na"
    return f"{float(value):.4f}"


def gold_items(doc: AnnotatedDoc) -> tuple[set, set]:
    fields = {(doc.document, k, value_key(v.value, v.na)) for k, v in ann.gold_values(doc).items()}
    sections = {(doc.document, s["id"], s["start"]) for s in doc.sections()}
    return fields, sections


def predicted_items(document: str, record: dict, read=None) -> tuple[set, set]:
    """Items of a record; ``read`` (the Document it was extracted from) maps the section starts of an
    HTML page from its source back to the reduced text that annotations index."""
    fields = {(document, k, value_key(v.get("value"), v.get("na", False))) for k, v in record["fields"].items()
              if not v.get("ambiguous")}  # a run the pipeline declined to read is no answer
    at = (lambda i: read.from_source(i, i)[0]) if read is not None else (lambda i: i)
    sections = {(document, s["id"], at(s["start"])) for s in record["sections"]}
    return fields, sections


def prf(gold: set, pred: set) -> dict:
    items = sorted(gold | pred)
    if not items:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 0}
    y_true = [i in gold for i in items]
    y_pred = [i in pred for i in items]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
    return {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
            "support": len(gold)}


def score(docs: list[AnnotatedDoc], records: list[dict], read: list | None = None) -> dict:
    """Scores of ``records`` (in the order of ``docs``, extracted from the documents ``read``) against
    the gold annotations."""
    read = read or [None] * len(docs)
    gold_f, gold_s, pred_f, pred_s = set(), set(), set(), set()
    for doc, record, r in zip(docs, records, read):
        gf, gs = gold_items(doc)
        pf, ps = predicted_items(doc.document, record, r)
        gold_f |= gf; gold_s |= gs; pred_f |= pf; pred_s |= ps
    by_group = lambda items, g: {i for i in items if FIELDS[i[1]].group == g}
    out = {"fields": prf(gold_f, pred_f), "sections": prf(gold_s, pred_s)}
    for g in FIELD_GROUPS:
        out[g] = prf(by_group(gold_f, g), by_group(pred_f, g))
    per_doc = {}
    for doc, record, r in zip(docs, records, read):
        gf, gs = gold_items(doc)
        pf, ps = predicted_items(doc.document, record, r)
        missed, spurious = sorted(k for _, k, _ in gf - pf), sorted(k for _, k, _ in pf - gf)
        per_doc[doc.document] = {"fields": prf(gf, pf), "sections": prf(gs, ps),
                                 "missed_count": len(missed), "spurious_count": len(spurious),
                                 "missed": missed[:50], "spurious": spurious[:50]}
    out["documents"] = per_doc
    return out


def evaluate_model(extractor, docs: list[AnnotatedDoc]) -> dict:
    """Scores of ``extractor`` on annotated documents, each read as ``gktagger extract`` reads it."""
    read = [ann.read_document(d, extractor.config.limits) for d in docs]
    return score(docs, extractor.extract(read), read)


def score_documents(model_dir, documents: list[str], annotation_dirs: list[str]) -> dict:
    """Scores of the model in ``model_dir`` on the named annotated documents, with the current pipeline."""
    wanted = set(documents)
    docs = [d for d in ann.load_dir(*(ann.REPO_ROOT / a for a in annotation_dirs)) if d.document in wanted]
    return evaluate_model(Extractor(model=str(model_dir)), docs)


def markdown(scores: dict, title: str = "Evaluation") -> str:
    lines = [f"## {title}", "", "| group | precision | recall | F1 | gold items |", "|---|---|---|---|---|"]
    for g in ["fields", *FIELD_GROUPS, "sections"]:
        s = scores[g]
        lines.append(f"| {g} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['support']} |")
    lines += ["", "| document | field F1 | section F1 | missed | spurious |", "|---|---|---|---|---|"]
    for name, s in scores["documents"].items():
        lines.append(f"| {name} | {s['fields']['f1']:.4f} | {s['sections']['f1']:.4f} | "
                     f"{s.get('missed_count', len(s['missed']))} | {s.get('spurious_count', len(s['spurious']))} |")
    return "\n".join(lines) + "\n"


def documents_to_score(args) -> list[AnnotatedDoc]:
    """The annotated documents ``main`` scores; a missing folder, an unknown name or nothing to score is an error."""
    from gktagger.training.data import split_documents

    docs = split_documents(args.annotations).train
    wanted = set(args.documents or [])
    if args.dev:

        meta_path = Path(args.model or DEFAULT_MODEL_DIR) / "gktagger.json"
        if not meta_path.is_file():
            raise RecipeError(f"--dev needs the model's gktagger.json, not found: {meta_path}")
        wanted |= set(json.loads(meta_path.read_text(encoding="utf-8"))["config"]["data"]["dev_documents"])
    if wanted:
        unknown = sorted(wanted - {d.document for d in docs})
        if unknown:
            raise RecipeError(f"{len(unknown)} document(s) in none of the annotation folders, e.g. {unknown[0]}")
        docs = [d for d in docs if d.document in wanted]
    if not docs:
        raise RecipeError("0 documents to score")
    return docs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="gktagger evaluate", description="Score a gktagger model on annotated real documents.")
    p.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    p.add_argument("--annotations", nargs="+", default=[str(ann.REPO_ROOT / "data/annotations/corpus")])
    p.add_argument("--documents", nargs="*", help="only these documents (e.g. reports/pingtan_zhq_2019.txt)")
    p.add_argument("--dev", action="store_true", help="only the model's dev documents (from its gktagger.json)")
    p.add_argument("--out", help="write PREFIX.md and PREFIX.json")
    p.add_argument("--no-template-order", action="store_true",
                   help="score the model's own tags, without constrained decoding of table cells "
                        "(ablation; the same as --set 'disabled=[decode,realign]')")
    p.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                   help="override a pipeline setting of the model's pipeline.json, e.g. decoder.skip_penalty=2")
    args = p.parse_args(argv)
    model_dir = Path(args.model) if args.model else DEFAULT_MODEL_DIR
    overrides = [*args.set, *(["disabled=[decode,realign]"] if args.no_template_order else [])]
    try:
        config = PipelineConfig.load(model_dir).override(overrides)
        docs = documents_to_score(args)
        extractor = Extractor(model=args.model, config=config)
    except (RecipeError, UsageError, FileNotFoundError) as e:
        print(f"evaluate: error: {e}", file=sys.stderr)
        return 2
    scores = evaluate_model(extractor, docs)
    md = markdown(scores, f"{args.model or 'shipped model'} on {len(docs)} documents")
    print(md)
    if args.out:
        Path(args.out + ".md").write_text(md, encoding="utf-8")
        Path(args.out + ".json").write_text(json.dumps(scores, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
