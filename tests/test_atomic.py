"""Files are written whole or not at all, with ordinary permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from companion.atomic import (
    atomic_text_writer,
    check_writable,
    check_writable_folder,
    write_text_atomic,
)
from companion.errors import OutputError


def test_written_file_has_umask_permissions_not_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "a.json", "{}\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_text_writer(target) as handle:
        handle.write("half")
        raise RuntimeError("stage failed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_text_atomic(tmp_path / "nope" / "a.json", "x")


def test_a_file_in_place_of_the_folder_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_writable(tmp_path / "notes.txt" / "a.json")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_writable_folder(tmp_path / "notes.txt" / "report")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        check_writable_folder(tmp_path / "notes.txt")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_folder_is_an_output_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            check_writable(locked / "a.json")
        with pytest.raises(OutputError, match="not writable"):
            check_writable_folder(locked)  # an existing report folder is written into
        with pytest.raises(OutputError, match="not writable"):
            check_writable_folder(locked / "report")
    finally:
        locked.chmod(0o700)


def test_a_writable_folder_passes(tmp_path: Path) -> None:
    check_writable(tmp_path / "a.json")
    check_writable_folder(tmp_path / "report")
    check_writable_folder(tmp_path)
