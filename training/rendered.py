"""``python -m training.rendered`` from a checkout: runs :mod:`gktagger.training.rendered`."""
import sys

from gktagger.training.rendered import main

if __name__ == "__main__":
    sys.exit(main())
