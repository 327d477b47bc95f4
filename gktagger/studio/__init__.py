"""Label Studio loop: push documents pre-annotated by the model, correct them, pull them for training.

See README "Annotating with Label Studio"; the subcommands are in :mod:`gktagger.studio.commands`.
"""
from gktagger.studio.commands import add_studio_parser as add_parser

__all__ = ["add_parser"]
