"""``python -m training.train`` from a checkout: runs :mod:`gktagger.training.train`."""
import sys

from gktagger.training.train import main

if __name__ == "__main__":
    sys.exit(main())
