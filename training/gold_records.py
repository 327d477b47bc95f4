"""``python -m training.gold_records`` from a checkout: runs :mod:`gktagger.training.gold_records`."""
import sys

from gktagger.training.gold_records import main

if __name__ == "__main__":
    sys.exit(main())
