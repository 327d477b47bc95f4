import pytest

from gktagger.decoding.values import parse_value


@pytest.mark.parametrize("text,kind,value,na,approx", [
    ("0", "count", 0, False, False),
    ("1,209", "count", 1209, False, False),
    ("１２３", "count", 123, False, False),
    ("24.50", "decimal", 24.5, False, False),
    ("47222.14", "decimal", 47222.14, False, False),
    ("-375", "change", -375, False, False),
    ("+378", "change", 378, False, False),
    ("减375", "change", -375, False, False),
    ("減3", "change", -3, False, False),
    ("230餘", "count", 230, False, True),
    ("無", "count", None, True, False),
    ("增12", "change", 12, False, False),
    ("230余", "count", 230, False, True),
    ("1000多", "count", 1000, False, True),
    ("近百", "count", 100, False, True),
    ("/", "count", None, True, False),
    ("-", "count", None, True, False),
    ("—", "count", None, True, False),
    ("无", "count", None, True, False),
    ("不适用", "count", None, True, False),
])
def test_value_forms(text, kind, value, na, approx):
    v = parse_value(text, kind)
    assert (v.value, v.na, v.approx) == (value, na, approx)


def test_no_number_is_none():
    assert parse_value("情况") is None
