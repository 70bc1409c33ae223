"""Nothing leaves the device, and nothing is written but what the user asked for and the log."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ClipFinder = Callable[[str], Path]
INET = re.compile(r"socket\((AF_INET6?),")


def _strace() -> str:
    path = shutil.which("strace")
    if path is None:
        message = "strace is needed to watch system calls (apt-get install strace)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def test_guard_refuses_internet_sockets_but_not_local_ones() -> None:
    code = (
        "import socket, subprocess, sys\n"
        "from companion.netguard import block_internet_sockets\n"
        "assert block_internet_sockets()\n"
        "for family in (socket.AF_INET, socket.AF_INET6):\n"
        "    try:\n"
        "        socket.socket(family)\n"
        "        sys.exit('internet socket allowed')\n"
        "    except PermissionError:\n"
        "        pass\n"
        "socket.socket(socket.AF_UNIX).close()\n"
        "child = 'import socket; socket.socket()'\n"
        "sys.exit(0 if subprocess.run([sys.executable, '-c', child]).returncode else 'child')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _assert_offline(command: list[str], tmp_path: Path) -> None:
    """Run ``python -m companion COMMAND`` under strace: no internet socket, no DNS query.

    MediaPipe's wheel does try (its usage logger resolves a Google host); every try must
    have been refused, so no internet socket ever existed.
    """
    trace = tmp_path / "trace.txt"
    strace = [_strace(), "-f", "-e", "trace=socket,connect,sendto,sendmmsg", "-o", str(trace)]
    proc = subprocess.run(
        [*strace, sys.executable, "-m", "companion", *command],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = trace.read_text().splitlines()
    opened = [line for line in lines if INET.search(line) and "EPERM" not in line]
    assert opened == [], opened
    assert not [line for line in lines if "sin_port=htons(53)" in line or "AF_INET6, sin6" in line]


def test_analysis_never_opens_an_internet_socket(clip: ClipFinder, tmp_path: Path) -> None:
    video = str(clip("grid_bbaf2n.mpg"))
    _assert_offline(["analyze", video, "--json", str(tmp_path / "out.json")], tmp_path)


def test_the_live_path_never_opens_an_internet_socket(clip: ClipFinder, tmp_path: Path) -> None:
    # The overlay's worker minus the screen: pipeline, cue engine and prompter (a soak).
    video = str(clip("liveportrait_d19.mp4"))
    _assert_offline(["bench", video, "--grid", "1", "--soak", "0.1"], tmp_path)


def test_analysis_writes_only_its_output_and_the_log(clip: ClipFinder, tmp_path: Path) -> None:
    home = tmp_path / "home"
    work = tmp_path / "work"
    tmp = tmp_path / "tmp"
    for folder in (home, work, tmp):
        folder.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "TMPDIR": str(tmp),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "companion",
            "analyze",
            str(clip("grid_bbaf2n.mpg")),
            "--json",
            "out.json",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    expected = {"home/.local/state/companion/log/companion.log", "work/out.json"}
    assert expected <= set(written)
    # matplotlib (imported by MediaPipe) keeps a list of system fonts, in Companion's cache.
    others = set(written) - expected
    assert all(
        re.fullmatch(r"home/\.cache/companion/matplotlib/fontlist-.*\.json", o) for o in others
    )
    log_text = (home / ".local/state/companion/log/companion.log").read_text()
    assert "analysed 75 frames, 1 participants" in log_text
    assert "browDown" not in log_text and "landmark" not in log_text.lower()
