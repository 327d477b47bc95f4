"""find_body(): the first complete copy of a repeated body, the whole text otherwise."""
from __future__ import annotations

import pytest

from gktagger.io.reading import read_path
from gktagger.text.normalize import normalise
from gktagger.text.repeats import find_body
from gktagger.training.annotations import corpus_files, corpus_root

NAV = "首页 | 政务公开 | 政府信息公开 | 政策文件 | 互动交流 | 办事服务\n您当前的位置: 首页 > 政府信息公开 > 年报\n"
FOOTER = "\n打印本页 关闭窗口\n主办单位: 某某市人民政府办公室 网站标识码3306830002 备案号 浙ICP备11041973号-1\n"


def report(name: str) -> str:
    """A corpus report's normalised text from its 正文 marker on (the crawler header stays out)."""
    text = normalise(read_path(corpus_root() / "reports" / name).text).text
    marker = text.find("正文")
    return text[text.index("\n", marker) + 1:].strip() if marker >= 0 else text.strip()


@pytest.fixture(scope="module")
def body():
    return report("pingtan_zhq_2019.txt")


def assert_is_copy(page: str, span: tuple[int, int], at: int, body: str, slack: int = len(NAV) + len(FOOTER) + 40):
    start, end = span
    assert at - slack <= start <= at, (span, at)
    assert at + len(body) <= end <= at + len(body) + slack, (span, at + len(body))


@pytest.mark.parametrize("copies", [2, 3, 4])
def test_repeated_body_with_chrome(body, copies):
    headers = [NAV + f"【第{k}视图】 字号: 大 中 小\n" for k in range(copies)]
    page = "".join(h + body + FOOTER for h in headers)
    at = len(headers[0])
    assert_is_copy(page, find_body(page), at, body)


def test_copies_directly_after_each_other(body):
    page = NAV + body + "\n" + body + "\n" + body + FOOTER
    assert_is_copy(page, find_body(page), len(NAV), body)


def test_a_match_running_into_the_next_copy_does_not_join_two_copies(body):
    """The first copy ends ``。\n`` before chrome, the second ``。`` right before the third: the match of
    the first and second copies runs on by that newline into the third."""
    page = NAV + body + "\n" + FOOTER + "\n" + body + "\n" + body + FOOTER
    assert_is_copy(page, find_body(page), len(NAV), body)

def test_truncated_first_copy_is_skipped(body):
    teaser = body[:600]
    page = NAV + teaser + "…[阅读全文]\n" + NAV + body + FOOTER
    at = page.rindex(body)
    start, end = find_body(page)
    assert at - len(NAV) - 40 <= start <= at and end >= at + len(body)


def test_teaser_before_two_complete_copies(body):
    teaser = body[:500]
    page = NAV + teaser + "…\n【打印版】\n" + body + FOOTER + "【网页版】\n" + body + FOOTER
    at = page.index(body)
    assert_is_copy(page, find_body(page), at, body)


def test_summary_after_the_body_keeps_the_whole_body(body):
    page = NAV + body + FOOTER + "相关阅读:\n" + body[:700] + "…\n" + FOOTER
    start, end = find_body(page)
    assert start <= len(NAV) and end >= len(NAV) + len(body)


def test_same_report_in_two_layouts():
    """The flattened page text and the HTML table view of one report, as two tabs of a page."""
    flat, table = report("pingtan_zhq_2024.txt"), report("pingtan_zhq_2024_table.html")
    page = NAV + flat + FOOTER + table + FOOTER
    start, end = find_body(page)
    assert start <= len(NAV) + 5 and len(NAV) + len(flat) - 40 <= end <= len(NAV) + len(flat) + len(FOOTER)


@pytest.mark.parametrize("first, second", [("pingtan_zhq_2021.txt", "pingtan_zhq_2023.txt"),
                                           ("pingtan_zhq_2017.txt", "pingtan_zhq_2018.txt")])
def test_two_years_reports_sharing_a_template_are_not_copies(first, second):
    page = NAV + report(first) + FOOTER + report(second) + FOOTER
    assert find_body(page) == (0, len(page))


def test_no_repeat_returns_the_whole_text(body):
    assert find_body(body) == (0, len(body))
    assert find_body("") == (0, 0)
    assert find_body("一、总体情况") == (0, 6)


def test_repeated_chrome_is_not_a_body(body):
    menu = "".join(f"{name}\n" for name in ["首页", "政务公开", "政府信息公开指南", "政府信息公开制度",
                                            "法定主动公开内容", "政府信息公开年报", "依申请公开", "互动交流"] * 12)
    page = menu + body + "\n" + menu + "|" * 800 + "\n" + "|" * 800
    assert len(menu) > 400
    assert find_body(page) == (0, len(page))


def test_long_tables_of_zeros_are_not_copies(body):
    zeros = "0\t" * 6 + "0\n"
    page = body[:2000] + zeros * 200 + body[2000:] + zeros * 200
    assert find_body(page) == (0, len(page))


def test_no_corpus_document_repeats_its_body():
    """Checked by hand: no corpus page holds its body twice (000_… only repeats ``|||`` rules)."""
    for path in corpus_files():
        raw = read_path(path).text
        assert find_body(raw) == (0, len(raw)), path.name
        text = normalise(raw).text
        assert find_body(text) == (0, len(text)), path.name


def test_every_corpus_report_doubled_gives_its_first_copy():
    for path in corpus_files():
        text = normalise(read_path(path).text).text
        page = text + FOOTER + text
        start, end = find_body(page)
        assert start == 0 and len(text) - 5 <= end <= len(text) + len(FOOTER), (path.name, start, end, len(text))


def test_large_page_is_handled():
    texts = [normalise(read_path(p).text).text for p in corpus_files()]
    page = "\n".join(texts) * 2
    assert len(page) > 150_000
    start, end = find_body(page)
    assert start == 0 and abs(end - len(page) // 2) <= 5
