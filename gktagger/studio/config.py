"""The Label Studio labeling config, generated from the field catalogue (:mod:`gktagger.schema`).

One ``<Labels>`` control (``name="label"``) over one ``<Text>`` object (``name="text"``), as
:mod:`gktagger.training.annotations` expects (``FROM_NAME``/``TO_NAME``). The ~240 labels are grouped under a
``<Header>`` per group and coloured by group; each label's hover hint is its Chinese name.

>>> import xml.etree.ElementTree as ET
>>> root = ET.fromstring(labeling_config())
>>> [l.get("value") for l in root.iter("Label")][:2]
['overview', 'proactive']
>>> root.find("Labels").get("name"), root.find("Text").get("name")
('label', 'text')
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from gktagger.schema import FIELDS, GROUPS, SECTIONS
from gktagger.training.annotations import FROM_NAME, TO_NAME

GROUP_TITLES = {
    "sections": "Section headings 章节标题",
    "table2": "Table 2 主动公开 (t2.*)",
    "table3": "Table 3 依申请公开 (t3.*)",
    "table4": "Table 4 复议诉讼 (t4.*)",
    "prose": "Figures in prose 正文数字",
}
GROUP_COLOURS = {
    "sections": "#C0392B",
    "table2": "#2E86C1",
    "table3": "#28B463",
    "table4": "#D68910",
    "prose": "#8E44AD",
}


def grouped_labels() -> dict[str, list[tuple[str, str]]]:
    """Group → [(label ID, Chinese name)], in catalogue order."""
    out: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    for section in SECTIONS.values():
        out["sections"].append((section.id, section.heading))
    for f in FIELDS.values():
        out[f.group].append((f.id, f.label))
    return out


def labeling_config() -> str:
    """The XML labeling config (deterministic: same catalogue, same bytes)."""
    lines = ["<View>",
             f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}" showInline="true">']
    for group, labels in grouped_labels().items():
        lines.append(f"    <Header value={quoteattr(GROUP_TITLES[group])} size=\"5\"/>")
        colour = GROUP_COLOURS[group]
        for value, hint in labels:
            lines.append(f"    <Label value={quoteattr(value)} hint={quoteattr(hint)} background=\"{colour}\"/>")
    lines += ["  </Labels>",
              f'  <Text name="{TO_NAME}" value="${TO_NAME}" granularity="symbol"/>',
              "</View>"]
    return "\n".join(lines) + "\n"
