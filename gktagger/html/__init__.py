"""Self-contained HTML pages for reviewers: Jinja2 templates (``templates/``), rebuilt tables, inline SVG charts.

Every page is one file with its CSS inline and no external URL, so it opens from disk with no
server and no network. Pages are rendered by the one autoescaping environment of :mod:`.page`.
See :mod:`gktagger.show`, :mod:`gktagger.report` and :mod:`gktagger.crosspage`.
"""
