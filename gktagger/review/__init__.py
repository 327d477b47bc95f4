"""Self-contained HTML pages for reviewers: shared shell, rebuilt tables, inline SVG charts.

Every page is one file with its CSS inline and no external URL, so it opens from disk with no
server and no network. See :mod:`gktagger.review.show` and :mod:`gktagger.review.report`."""
