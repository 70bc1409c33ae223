"""Logging: one line per message on stderr, and a rotating file under the platform's log folder.

Only what the program did goes into the log (files, counts, timings, errors); never face
data, landmarks, frames or anything said about a person.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

import platformdirs

LOG_FILE_NAME = "companion.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3


def log_dir() -> Path:
    """The platform's log folder for Companion (for example ~/.local/state/companion/log)."""
    return platformdirs.user_log_path("companion", appauthor=False)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each message.

    The stream is looked up, never stored: a stream replaced and closed in between (the
    CLI's native-stderr silencing, a test's capture) can never make logging raise.
    """

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure_logging(verbose: bool = False, level: str | None = None) -> Path | None:
    """Set up stderr and rotating-file logging for the command line and the overlay.

    ``verbose`` shows debug messages on stderr; otherwise stderr gets warnings only. The
    file gets ``level`` (default INFO). Returns the log file, or None when the log folder
    cannot be written (logging then goes to stderr only; nothing else breaks).
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG)
    console = _CurrentStderr()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("companion: %(message)s"))
    root.addHandler(console)
    path = log_dir() / LOG_FILE_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError:
        root.warning("cannot write the log file in %s; logging to the terminal only", path.parent)
        return None
    file_handler.setLevel(getattr(logging, (level or "INFO").upper(), logging.INFO))
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(file_handler)
    return path
