"""Write files whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from companion.errors import OutputError


def check_writable(path: Path) -> None:
    """Fail early, with an `OutputError`, when ``path`` cannot be written as a file."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    _check_folder(path, path.parent)


def check_writable_folder(folder: Path) -> None:
    """Fail early, with an `OutputError`, when ``folder`` cannot be filled with files.

    An existing folder must be writable; a new one must have a writable parent to be
    created in.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder")
    _check_folder(folder, folder if folder.is_dir() else folder.parent)


def _check_folder(path: Path, folder: Path) -> None:
    """``path`` is written by creating a file in ``folder``: it must be a writable folder."""
    if not folder.exists():
        raise OutputError(f"{path}: cannot write, folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"{path}: cannot write, {folder} is a file, not a folder")
    # access() also says no on a read-only file system; root passes the mode bits here
    # just as it would when writing, so this refuses nothing that would have worked.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write, folder {folder} is not writable")


@contextlib.contextmanager
def atomic_text_writer(path: Path, newline: str | None = None) -> Iterator[IO[str]]:
    """Yield a text file that replaces ``path`` only when the block finishes without error.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    check_writable(path)
    directory = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes owner-only files; give the result the usual umask-based mode.
        tmp.chmod(0o666 & ~current_umask())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask (what new files and folders leave out of their mode)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step."""
    with atomic_text_writer(path) as handle:
        handle.write(text)


def write_json_atomic(path: Path, doc: object) -> None:
    """Replace ``path`` with ``doc`` as indented JSON, in one step."""
    write_text_atomic(path, json.dumps(doc, indent=1) + "\n")
