"""``python -m training.evaluate`` from a checkout: runs :mod:`gktagger.training.evaluate`."""
import sys

from gktagger.training.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
