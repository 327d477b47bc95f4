"""``python -m training.synth`` from a checkout: :mod:`gktagger.training.synth`."""
