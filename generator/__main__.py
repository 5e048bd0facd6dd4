"""Run the command line: python -m generator."""

from .cli import run

run()
