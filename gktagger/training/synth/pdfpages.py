"""Layout families of PDF pages whose table structure or headings the conversion lost.

- ``verticalheads``: column headers set vertically (one character per line) or garbled (multi-line
  header cells read across the columns), page footers inside tables, row labels broken over lines,
  and a row-group label cut by a page break (``（四）无 1.本机关不掌握… 318 9 0 0 4 1 332`` ⏎
  ``- 5 -`` ⏎ ``法提供 2.没有现成信息…``);
- ``mdfragments``: markdown from a PDF converter, each table cut into pieces; in some pieces the
  value rows lost their labels, which float as lines before or after the piece;
- ``noheadings``: one or two section heading lines dropped (ordinals then skip a number); the
  section's gold heading is its first line, which names its topic (GUIDELINES.md).

>>> garbled(["结果维持", "尚未审结"], 2)
['结果尚未', '维持审结']
"""
from __future__ import annotations

from gktagger.training.synth.layouts import MarkdownWriter, PdfRowWriter, Writer
from gktagger.training.synth.tables import Cell, Grid


def garbled(heads: list[str], width: int) -> list[str]:
    """Header cells wrapped to ``width`` characters, read across the columns line by line."""
    lines = range(0, max(map(len, heads), default=0), width)
    return ["".join(h[i:i + width] for h in heads) for i in lines]


def is_header(row: list[Cell]) -> bool:
    return len(row) > 1 and not any(c.label for c in row) and not any(c.text.isdigit() for c in row)


class VerticalHeadWriter(PdfRowWriter):
    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.vertical = self.rng.random() < 0.5  # else garbled
        self.carry = ""  # the tail of a row-group label cut by a page break

    def table(self, grid: Grid) -> None:
        self.kind, self.carry = "", ""
        breaks = set(self.rng.sample(range(1, len(grid)), min(len(grid) - 1, self.rng.randint(1, 2))))
        for k, row in enumerate(grid):
            if k in breaks and not self.carry:
                self.page_footer()
            self.row(row)

    def row(self, row: list[Cell]) -> None:
        if is_header(row):
            heads = [c.text for c in row if c.text]
            lines = [ch for h in heads for ch in h] if self.vertical else garbled(heads, self.rng.choice([2, 3]))
            self.b.text("".join(line + "\n" for line in lines))
            return
        group = next((i for i, c in enumerate(row) if c.rowspan > 1 and len(c.text) >= 4), None)
        cut = ""
        if group is not None and self.rng.random() < 0.6:
            text = row[group].text
            k = self.rng.randint(2, len(text) - 2)
            row, cut = row[:group] + [Cell(text[:k])] + row[group + 1:], text[k:]
        label = self.label(row, " ")
        self.b.text(" ".join(p for p in (self.carry, label) if p))
        self.carry = cut
        for c in row:
            if c.label and c.text:
                self.b.text(" ")
                self.cell(c)
        self.b.text("\n")
        if cut:
            self.page_footer()


def value_row(row: list[Cell]) -> bool:
    return any(c.label for c in row)


class FragmentWriter(MarkdownWriter):
    def table(self, grid: Grid) -> None:
        rng = self.rng
        cuts = sorted(rng.sample(range(1, len(grid)), min(len(grid) - 1, rng.randint(1, 3))))
        pieces = [grid[a:b] for a, b in zip([0] + cuts, cuts + [len(grid)])]
        unlabelled = [k for k, p in enumerate(pieces) if any(value_row(r) and self.label_text(r) for r in p)]
        lost = {k for k in unlabelled if rng.random() < 0.5} | set(rng.sample(unlabelled, min(1, len(unlabelled))))
        for k, piece in enumerate(pieces):
            labels = [self.label_text(r) for r in piece if value_row(r)] if k in lost else []
            after = rng.random() < 0.5
            if not after:
                self.b.text("".join(f"{line}\n" for line in labels if line))
            self.b.text("\n")
            for j, row in enumerate(piece):
                cells = [c for c in row if c.label or not c.text] if k in lost and value_row(row) else row
                self._row(cells)
                if j == 0:
                    self.b.text("|" + "---|" * len(cells) + "\n")
            self.b.text("\n")
            if after:
                self.b.text("".join(f"{line}\n" for line in labels if line))
            if k + 1 < len(pieces) and rng.random() < 0.4:
                self.page_footer()

    @staticmethod
    def label_text(row: list[Cell]) -> str:
        return " ".join(c.text for c in row if not c.label and c.text)


# A section's first line when its heading is lost: a sub-heading or a sentence naming its topic
# (each matches lexicon.TOPIC_WORDS of its section).
TOPIC_LINES = {
    "proactive": ["（一）主动公开政府信息情况", "本年度主动公开政府信息情况如下。", "主动公开情况"],
    "requests": ["（一）收到申请情况", "本年度依申请公开政府信息情况如下。", "（一）依申请公开情况"],
    "appeals": ["（一）行政复议、行政诉讼情况", "本年度政府信息公开行政复议、行政诉讼情况如下。"],
    "problems": ["（一）存在的主要问题", "政府信息公开工作还存在一些问题和不足。", "1.存在的不足"],
}


class NoHeadingWriter(Writer):
    def __init__(self, *a) -> None:
        super().__init__(*a)
        self.indent = ""  # the topic line opens its line
        self.drop = set(self.rng.sample(sorted(TOPIC_LINES), self.rng.randint(1, 2)))
        self.lost: str | None = None

    def heading(self, ordinal, words, label, run_on=None) -> None:
        # a lost section left bare (tables missing) prints nothing: its topic line must not open the next one
        self.lost = label if label in self.drop else None
        if not self.lost:
            super().heading(ordinal, words, label, run_on)

    def topic(self) -> None:
        if self.lost:
            self.b.section(self.rng.choice(TOPIC_LINES[self.lost]), self.lost)
            self.b.text(self.para_sep)
            self.lost = None

    def para(self, parts) -> None:
        self.topic()
        super().para(parts)

    def sub_heading(self, text: str) -> None:
        self.topic()
        super().sub_heading(text)

    def table(self, grid: Grid) -> None:
        self.topic()
        super().table(grid)
