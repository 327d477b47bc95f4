"""``python -m training.synth`` from a checkout: runs :mod:`gktagger.training.synth`."""
import runpy

runpy.run_module("gktagger.training.synth", run_name="__main__")
