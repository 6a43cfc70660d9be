"""`python -m aigentflow` runs the command line."""

from aigentflow.cli import entry

entry()
