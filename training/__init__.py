"""A thin shim so ``python -m training.train`` (and evaluate, loso, model_card, check_annotations, synth)
keeps working from a checkout. The code is :mod:`gktagger.training`; this folder is not installed."""
