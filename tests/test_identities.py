from gktagger.identities import check_tables, evaluate, t3_result_rows, table_identities
from gktagger.schema import T3_COLUMNS


def balanced_table3(fmt):
    """A table 3 where every identity holds: 2 new + 1 carried over per column, all granted but 1 carried forward."""
    values = {}
    rows = t3_result_rows(fmt)
    for col in T3_COLUMNS:
        k = 6 if col == "total" else 1
        values[f"t3.new.{col}"] = 2 * k
        values[f"t3.carried_over.{col}"] = 1 * k
        for row in rows:
            values[f"t3.{row}.{col}"] = 0
        values[f"t3.granted.{col}"] = 2 * k
        values[f"t3.total.{col}"] = 2 * k
        values[f"t3.carried_forward.{col}"] = 1 * k
    return values


def test_balanced_tables_pass_in_both_formats():
    for fmt in ("2019", "2021"):
        outcomes = check_tables(balanced_table3(fmt), fmt)
        assert outcomes and {o.status for o in outcomes} == {"pass"}
        assert len(outcomes) == 7 + 7 + (23 if fmt == "2019" else 25)


def test_a_wrong_cell_fails_exactly_its_identities_and_names_them():
    values = balanced_table3("2021")
    values["t3.granted.natural"] = 5
    failing = {(o.rule, o.scope) for o in check_tables(values, "2021") if o.status == "fail"}
    assert failing == {("t3.results", "natural"), ("t3.applicants", "granted")}
    outcome = next(o for o in check_tables(values, "2021") if o.rule == "t3.applicants" and o.scope == "granted")
    assert "t3.granted.natural" in outcome.fields and "(5+2+2+2+2+2) ≠ 总计 (12)" in outcome.message


def test_missing_or_na_is_unknown():
    values = balanced_table3("2021")
    values["t3.new.natural"] = None
    del values["t3.carried_over.natural"]
    outcome = next(o for o in check_tables(values, "2021") if o.rule == "t3.balance" and o.scope == "natural")
    assert outcome.status == "unknown" and "t3.carried_over.natural" in outcome.message


def test_table4_sum():
    rule = next(i for i in table_identities("2021") if i.rule == "t4.sum" and i.scope == "review")
    vals = {"t4.review.upheld": 1, "t4.review.corrected": 0, "t4.review.other": 2, "t4.review.pending": 0,
            "t4.review.total": 4}
    out = evaluate(rule, vals)
    assert out.status == "fail" and out.message == "结果维持+结果纠正+其他结果+尚未审结 (1+0+2+0) ≠ 总计 (4)"


def test_legacy_reports_get_no_table3_grid_checks():
    outcomes = check_tables({"t3.granted.total": 3, "t4.review.total": 1}, "legacy")
    assert {o.rule for o in outcomes} == {"t4.sum"}
