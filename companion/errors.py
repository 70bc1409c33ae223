"""Errors a user can act on, each with the command-line exit code it maps to.

The CLI prints one line for these (never a traceback) and exits with `exit_code`.
"""

from __future__ import annotations


class CompanionError(Exception):
    """Base of every error with a message meant for the user."""

    exit_code = 1


class InputError(CompanionError):
    """An input file or capture region that cannot be used (exit code 3)."""

    exit_code = 3


class ModelError(CompanionError):
    """The bundled face model is missing or altered (exit code 4)."""

    exit_code = 4


class OutputError(CompanionError):
    """An output file that cannot be written (exit code 5)."""

    exit_code = 5
