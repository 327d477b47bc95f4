"""``python -m training.model_card`` from a checkout: runs :mod:`gktagger.training.model_card`."""
import sys

from gktagger.training.model_card import main

if __name__ == "__main__":
    sys.exit(main())
