"""Entry point of the frozen app: the same command line as the installed package."""

import sys

from companion.cli import run

sys.exit(run())
