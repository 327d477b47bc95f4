"""``python -m training.loso`` from a checkout: runs :mod:`gktagger.training.loso`."""
import sys

from gktagger.training.loso import main

if __name__ == "__main__":
    sys.exit(main())
