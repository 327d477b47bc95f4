"""Every validator rule passing and failing, naming exactly the fields involved; `gktagger validate`."""
import json

import pytest

from gktagger.cli import main as cli
from gktagger.record.validate import revalidate, validate
from gktagger.training import annotations as ann

ANNOTATIONS = ann.REPO_ROOT / "data" / "annotations" / "corpus"


def gold_record(name):
    """A record built from a gold annotation (as a user would get from a perfect extraction)."""
    doc = ann.load(ANNOTATIONS / name)
    fields = {k: {"value": v.value, **({"na": True} if v.na else {})} for k, v in ann.gold_values(doc).items()}
    return {"id": doc.document, "status": "ok", "format": doc.format, "fields": fields, "checks": []}


def by_rule(checks, rule, scope=None):
    return [c for c in checks if c["rule"] == rule and (scope is None or c["scope"] == scope)]


def test_a_clean_2021_table_passes_every_identity():
    checks = validate(gold_record("pingtan_zhq_2021.txt.json"))
    assert {c["status"] for c in checks if not c["rule"].startswith("plausible.")} == {"pass"}
    assert len(by_rule(checks, "t3.balance")) == 7 and len(by_rule(checks, "t3.results")) == 7
    assert len(by_rule(checks, "t3.applicants")) == 25 and len(by_rule(checks, "t4.sum")) == 3


@pytest.mark.parametrize("cell,failing", [
    ("t3.new.natural", {("t3.balance", "natural"), ("t3.applicants", "new")}),
    ("t3.carried_forward.total", {("t3.balance", "total"), ("t3.applicants", "carried_forward")}),
    ("t3.unable_not_held.legal", {("t3.results", "legal"), ("t3.applicants", "unable_not_held")}),
    ("t3.other_misc.research", {("t3.results", "research"), ("t3.applicants", "other_misc")}),
    ("t4.suit_direct.pending", {("t4.sum", "suit_direct")}),
])
def test_a_wrong_cell_fails_exactly_its_rules(cell, failing):
    record = gold_record("pingtan_zhq_2021.txt.json")
    record["fields"][cell]["value"] += 1
    checks = validate(record)
    assert {(c["rule"], c["scope"]) for c in checks if c["status"] == "fail"} == failing
    for c in checks:
        if c["status"] == "fail":
            assert cell in c["fields"] and "≠" in c["message"]


def test_balance_message_shows_the_arithmetic():
    record = {"format": "2021", "fields": {"t3.new.natural": {"value": 3}, "t3.carried_over.natural": {"value": 0},
                                           "t3.total.natural": {"value": 2},
                                           "t3.carried_forward.natural": {"value": 0}}}
    check = by_rule(validate(record), "t3.balance", "natural")[0]
    assert check["status"] == "fail"
    assert check["message"] == "一+二 (3+0) ≠ 三(七)+四 (2+0)"
    assert check["fields"] == ["t3.new.natural", "t3.carried_over.natural", "t3.total.natural",
                               "t3.carried_forward.natural"]


def test_2019_results_use_the_single_other_processing_row():
    checks = validate(gold_record("pingtan_zhq_2019.txt.json"))
    results = by_rule(checks, "t3.results", "total")[0]
    assert "t3.other_processing.total" in results["fields"] and "t3.other_misc.total" not in results["fields"]
    assert {c["status"] for c in checks} == {"pass"}


def test_na_or_missing_makes_a_rule_unknown():
    record = gold_record("pingtan_zhq_2021.txt.json")
    record["fields"]["t3.new.natural"] = {"value": None, "na": True}
    del record["fields"]["t4.review.upheld"]
    checks = validate(record)
    assert by_rule(checks, "t3.balance", "natural")[0]["status"] == "unknown"
    assert by_rule(checks, "t4.sum", "review")[0]["status"] == "unknown"


@pytest.mark.parametrize("received,status", [(70, "pass"), (71, "pass"), (99, "fail")])
def test_prose_requests_received_fits_new_or_new_plus_carried(received, status):
    record = {"format": "2021", "fields": {"requests.received": {"value": received},
                                           "t3.new.total": {"value": 70}, "t3.carried_over.total": {"value": 1}}}
    check = by_rule(validate(record), "prose.requests_received")[0]
    assert check["status"] == status
    assert check["fields"] == ["requests.received", "t3.new.total", "t3.carried_over.total"]


def test_prose_suit_equals_direct_plus_after_review():
    fields = {"t4.suit.total": {"value": 7}, "t4.suit_direct.total": {"value": 5},
              "t4.suit_after_review.total": {"value": 2}}
    assert by_rule(validate({"format": "2021", "fields": fields}), "prose.t4_suit", "total")[0]["status"] == "pass"
    fields["t4.suit.total"]["value"] = 8
    check = by_rule(validate({"format": "2021", "fields": fields}), "prose.t4_suit", "total")[0]
    assert check["status"] == "fail" and set(check["fields"]) == set(fields)


def test_prose_row_total_must_equal_the_table():
    record = {"format": "2021", "fields": {"t3.granted.total": {"value": 30, "text": "30", "start": 900}},
              "mentions": [{"field": "t3.granted.total", "value": 33, "text": "33", "start": 120, "prose": True}]}
    check = by_rule(validate(record), "prose.t3_total")[0]
    assert check["status"] == "fail" and check["fields"] == ["t3.granted.total"] and "≠" in check["message"]
    record["mentions"][0]["value"] = 30
    assert by_rule(validate(record), "prose.t3_total")[0]["status"] == "pass"


def test_proactive_total_non_negative():
    assert by_rule(validate({"fields": {"proactive.total": {"value": -3}}}), "prose.proactive_total")[0]["status"] == "fail"
    assert by_rule(validate({"fields": {"proactive.total": {"value": 30}}}), "prose.proactive_total")[0]["status"] == "pass"


def test_known_source_defects_are_flagged():
    """The corpus's own arithmetic errors are what the validator must report."""
    for path in ANNOTATIONS.glob("*.json"):
        doc = ann.load(path)
        record = gold_record(path.name)
        failing = {(c["rule"], c["scope"]) for c in validate(record) if c["status"] == "fail"
                   and not c["rule"].startswith("prose.")}
        listed = {(d["rule"], d["scope"]) for d in doc.defects if d["rule"] != "source"}
        assert failing == listed, doc.document


def test_validate_command_on_hand_edited_records(tmp_path):
    good = gold_record("pingtan_zhq_2021.txt.json")
    edited = json.loads(json.dumps(good))
    edited["fields"]["t3.granted.natural"] = {"value": 28}  # a reviewer "corrected" one cell, badly
    error = {"id": "x", "status": "error", "error": "empty document", "fields": {}, "checks": []}
    src = tmp_path / "edited.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (good, edited, error)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli(["validate", str(src), "-o", str(out)]) == 0
    records = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok", "invalid", "error"]
    failing = [c for c in records[1]["checks"] if c["status"] == "fail"]
    assert {(c["rule"], c["scope"]) for c in failing} == {("t3.results", "natural"), ("t3.applicants", "granted")}
    assert revalidate(records[1]) == records[1]


def test_validate_command_bad_line_is_one_error_record(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n{oops\n', encoding="utf-8")
    assert cli(["validate", str(bad), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert "line 2: invalid JSON" in capsys.readouterr().err
    out = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in out] == ["ok", "error"]
    assert cli(["validate", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
