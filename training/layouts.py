"""``python -m training.layouts`` from a checkout: runs :mod:`gktagger.training.layouts`."""
import sys

from gktagger.training.layouts import main

if __name__ == "__main__":
    sys.exit(main())
