"""Self-contained HTML pages for reviewers: Jinja2 templates (``templates/``), rebuilt tables, inline SVG charts.

Every page is one file with its CSS inline and no external URL, so it opens from disk with no
server and no network. Pages are rendered by the one autoescaping environment of :mod:`gktagger.review.page`.
See :mod:`gktagger.review.show`, :mod:`gktagger.review.report` and :mod:`gktagger.review.crosspage`.
"""
