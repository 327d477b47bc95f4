import re

from gktagger import schema
from gktagger.training.annotations import corpus_root

SPEC = corpus_root().parent / "spec" / "fields.md"


def spec_text():
    return SPEC.read_text(encoding="utf-8")


def test_every_section_id_of_the_spec_is_in_the_catalogue():
    table = spec_text().split("## 1. Sections")[1].split("## 2.")[0]
    ids = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M)
    assert ids == list(schema.SECTIONS)


def test_table3_rows_and_columns_match_the_spec():
    part = spec_text().split("## 2.")[1].split("## 3.")[0]
    cols, rows = part.split("Rows `<row>`")
    assert re.findall(r"^\| `([a-z_]+)` \|", cols, flags=re.M) == list(schema.T3_COLUMNS)
    assert re.findall(r"^\| `([a-z_]+)` \|", rows, flags=re.M) == list(schema.T3_ROWS)


def test_every_table2_id_of_the_spec_is_in_the_catalogue():
    part = spec_text().split("## 4.")[1].split("## 5.")[0]
    ids = set()
    for line in part.splitlines():
        full = re.findall(r"`(t2\.[a-z_]+)\.([a-z_]+)`", line)
        for item, measure in full:
            ids.add(f"{item}.{measure}")
            ids |= {f"{item}.{m}" for m in re.findall(r"/ `\.([a-z_]+)`", line)}
    assert ids == {f for f in schema.FIELDS if f.startswith("t2.")}


def test_counts_and_label_set():
    assert len([f for f in schema.FIELDS if f.startswith("t3.")]) == 26 * 7
    assert len([f for f in schema.FIELDS if f.startswith("t4.")]) == 4 * 5
    assert {"proactive.total", "requests.received"} <= set(schema.FIELDS)
    labels = schema.bio_labels()
    assert labels[0] == "O" and len(labels) == 1 + 2 * (len(schema.SECTIONS) + len(schema.FIELDS))


def test_2021_and_2019_cell_counts():
    t3_2021 = [f for f in schema.FIELDS.values() if f.group == "table3" and "2021" in f.formats]
    t3_2019 = [f for f in schema.FIELDS.values() if f.group == "table3" and "2019" in f.formats]
    assert (len(t3_2021), len(t3_2019)) == (175, 161)


def test_unknown_label_error_says_what_is_wrong():
    try:
        schema.group_of("t9.nothing")
    except KeyError as e:
        assert "fields.md" in str(e)
    else:
        raise AssertionError("no error")
