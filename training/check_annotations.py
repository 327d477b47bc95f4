"""``python -m training.check_annotations`` from a checkout: runs :mod:`gktagger.training.check_annotations`."""
import sys

from gktagger.training.check_annotations import main

if __name__ == "__main__":
    sys.exit(main())
