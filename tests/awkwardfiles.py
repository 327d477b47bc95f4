"""The folder of awkward files the batch and Ray tests feed the engines: empty, binary, GB18030, HTML."""
from pathlib import Path

CORPUS_HTML = "reports/pingtan_zhq_2024_table.html"


def write_awkward_files(folder: Path, corpus: Path) -> None:
    """An empty and a binary ``.txt``, a real report encoded in GB18030, and a real HTML page."""
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "b_binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "c_gb18030.txt").write_bytes((corpus / "reports/pingtan_zhq_2021.txt").read_text(encoding="utf-8")
                                           .encode("gb18030"))
    (folder / "d_page.html").write_bytes((corpus / CORPUS_HTML).read_bytes())
