"""gktagger: validated figures from 政府信息公开工作年度报告 pages.

>>> from gktagger import Extractor, extract_text, extract_file
>>> record = extract_file("examples/county_2021_cells_per_line.txt")
>>> record["format"], record["fields"]["t3.new.total"]["value"] > 0
('2021', True)

``import gktagger`` stays light: torch and transformers are imported on first use of these names
(README: Python API).
"""
__version__ = "0.1.0"
__all__ = ["Extractor", "extract_text", "extract_file", "__version__"]


def __getattr__(name: str):
    if name == "Extractor":
        from gktagger.extract import Extractor

        return Extractor
    if name in ("extract_text", "extract_file"):
        from gktagger import api

        return getattr(api, name)
    raise AttributeError(f"module 'gktagger' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
