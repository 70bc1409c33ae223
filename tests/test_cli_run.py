"""`companion run` and `companion` alone: no display, waiting for a window, the default command;
`companion windows`; the command line without stdout and stderr (a windowed build).

Nothing here opens a window: every path tested ends before Qt starts, and the Qt entry
points are replaced by functions that fail the test if they are reached.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from companion.capture.windows import WindowInfo
from companion.capture.windows.macos import TITLES_HIDDEN_NOTE
from companion.cli import main, missing_streams, parse_args
from companion.commands import run as run_command
from companion.commands import windows as windows_command
from companion.errors import InputError
from companion.model import Box
from companion.ui.qtenv import NO_DISPLAY_MESSAGE, has_display

linux_only = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="Windows and macOS always have a display"
)


def _no_qt(*_args: object, **_kwargs: object) -> int:
    raise AssertionError("Qt was started")


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("companion.ui.app.run_overlay", _no_qt)
    monkeypatch.setattr("companion.ui.app.show_message", _no_qt)


@pytest.fixture
def x11(monkeypatch: pytest.MonkeyPatch) -> None:
    """An X11 session as far as the checks can tell; Qt itself is never reached."""
    monkeypatch.setenv("DISPLAY", ":99")
    for name in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("companion.ui.app.run_overlay", _no_qt)


class Lister:
    """A window lister that plays back one window list per call, then repeats the last."""

    def __init__(self, *polls: list[WindowInfo]) -> None:
        self.polls = list(polls)
        self.calls = 0
        self.closed = False

    def windows(self) -> list[WindowInfo]:
        self.calls += 1
        return self.polls.pop(0) if len(self.polls) > 1 else self.polls[0]

    def close(self) -> None:
        self.closed = True


def window(title: str) -> WindowInfo:
    box = Box(100, 100, 800, 450)
    return WindowInfo(7, title, "zoom", 10, box, box)


# -- no display ---------------------------------------------------------------------


@linux_only
@pytest.mark.usefixtures("no_display")
@pytest.mark.parametrize("argv", [["run"], ["run", "--attach", "Standup"], []])
def test_the_overlay_without_a_display_says_so_in_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == InputError.exit_code == 3
    err = capsys.readouterr().err
    assert err == f"companion: error: {NO_DISPLAY_MESSAGE}\n"
    assert "companion analyze VIDEO" in err


@linux_only
@pytest.mark.usefixtures("no_display")
def test_the_review_player_without_a_display_fails_before_the_analysis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("companion.review.run.run_review", _no_qt)
    video = tmp_path / "take.mp4"
    video.write_bytes(b"not looked at")
    assert main(["review", str(video), "--player"]) == 3
    assert capsys.readouterr().err.startswith("companion: error: no display found")


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({"QT_QPA_PLATFORM": "minimal"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen:fontengine=freetype"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland;offscreen"}, "linux", True),
        ({}, "freebsd14", False),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_has_display(env: dict[str, str], platform: str, expected: bool) -> None:
    assert has_display(env, platform) is expected


# -- waiting for the window ---------------------------------------------------------


@pytest.mark.usefixtures("x11")
@pytest.mark.parametrize("headless", [True, False])
def test_wait_gives_up_with_a_clear_message_and_exit_code_3(
    headless: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lister = Lister([window("Inbox - Mail")])
    monkeypatch.setattr("companion.capture.windows.open_lister", lambda: lister)
    monkeypatch.setattr("companion.live.build_runner", _no_qt)  # no model loads either
    events = tmp_path / "events.jsonl"
    argv = ["run", "--attach", "Standup", "--wait", "0.2", "--events-jsonl", str(events)]
    code = main([*argv, "--headless"] if headless else argv)
    assert code == InputError.exit_code == 3
    assert capsys.readouterr().err.splitlines() == [
        'companion: waiting up to 0.2 s for a window with "Standup" in its title (Ctrl+C to stop)',
        'companion: error: a window with "Standup" in its title did not appear within 0.2 s; '
        "`companion windows --all` lists what can be attached to",
    ]
    assert lister.calls >= 2 and lister.closed
    assert not events.exists()


def test_wait_returns_once_the_window_appears(capsys: pytest.CaptureFixture[str]) -> None:
    lister = Lister([], [window("Inbox")], [window("Standup - Zoom Meeting")])
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    run_command.wait_for_window("standup", 60.0, lambda: lister, lambda: now[0], sleep)
    assert lister.calls == 3 and lister.closed
    assert now[0] == pytest.approx(2 * run_command.WAIT_POLL_S)
    assert capsys.readouterr().err.count("waiting up to 60 s") == 1


def test_without_wait_it_says_what_it_waits_for_once_and_goes_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lister = Lister([window("Inbox")])

    def sleep(_seconds: float) -> None:
        raise AssertionError("waited")

    run_command.wait_for_window(None, None, lambda: lister, sleep=sleep)
    assert lister.calls == 1 and lister.closed
    assert capsys.readouterr().err == (
        "companion: waiting for a Zoom, Meet or Teams window (Ctrl+C to stop)\n"
    )


def test_a_window_already_there_is_not_announced(capsys: pytest.CaptureFixture[str]) -> None:
    lister = Lister([window("Zoom Meeting")])
    run_command.wait_for_window(None, 5.0, lambda: lister)
    assert lister.calls == 1 and lister.closed
    assert capsys.readouterr().err == ""


def test_no_window_system_is_left_to_the_runner_unless_waiting() -> None:
    def no_lister() -> Lister:
        raise InputError("no display: DISPLAY is not set, so there are no windows to find")

    run_command.wait_for_window("x", None, no_lister)
    with pytest.raises(InputError, match="no display"):
        run_command.wait_for_window("x", 1.0, no_lister)


@pytest.mark.parametrize("wait", ["0", "-3", "soon", "nan", "inf"])
def test_wait_needs_a_positive_number(wait: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["run", "--wait", wait])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_wait_does_not_go_with_region(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["run", "--region", "0,0,100,100", "--wait", "5"])
    assert exited.value.code == 2
    assert "--wait" in capsys.readouterr().err


# -- `companion` alone is `companion run` -------------------------------------------


def test_no_command_parses_as_run_with_its_defaults() -> None:
    assert parse_args([]) == parse_args(["run"])
    verbose = parse_args(["-v"])
    assert verbose.command == "run" and verbose.verbose


def test_no_command_dispatches_to_the_run_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []

    def handle(args: argparse.Namespace) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(run_command, "handle", handle)
    assert main([]) == 0
    assert [a.command for a in seen] == ["run"]
    assert seen[0].attach is None and seen[0].region is None and not seen[0].headless


# -- a windowed build: no stdout, no stderr ------------------------------------------


def test_a_windowed_build_without_stdout_or_stderr_still_reports_its_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    video = tmp_path / "missing.mp4"
    assert main(["analyze", str(video), "--json", str(tmp_path / "out.json")]) == 3
    assert main(["--verbose", "analyze", str(video), "--json", str(tmp_path / "o.json")]) == 3
    with pytest.raises(SystemExit) as bad:
        main(["--no-such-option"])
    assert bad.value.code == 2
    assert sys.stdout is None and sys.stderr is None  # put back as they were
    assert list(tmp_path.iterdir()) == []


def test_missing_streams() -> None:
    assert missing_streams(None, None) == ("stdout", "stderr")
    assert missing_streams(sys.__stdout__, None) == ("stderr",)
    assert missing_streams(sys.__stdout__, sys.__stderr__) == ()


# -- matching while macOS hides window titles ---------------------------------------


class HiddenTitles(Lister):
    """A macOS lister refused Screen Recording: titles are empty."""

    titles_hidden = True
    notice = TITLES_HIDDEN_NOTE


def untitled(wid: int, owner: str, w: float = 800) -> WindowInfo:
    box = Box(100, 100, w, 450)
    return WindowInfo(wid, "", owner, 10 + wid, box, box)


def test_wait_finds_an_untitled_zoom_window_while_titles_are_hidden(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lister = HiddenTitles([untitled(1, "zoom.us")])
    run_command.wait_for_window(None, 5.0, lambda: lister)
    assert capsys.readouterr().err == ""  # found at once: nothing announced
    shown = Lister([untitled(1, "zoom.us")])  # the same window, titles not hidden: no call
    with pytest.raises(InputError):
        run_command.wait_for_window(None, 0.01, lambda: shown, sleep=lambda _: None)


def test_an_attach_title_cannot_match_while_titles_are_hidden() -> None:
    lister = HiddenTitles([untitled(1, "zoom.us")])
    with pytest.raises(InputError, match="Zoom"):
        run_command.wait_for_window("Zoom", 0.01, lambda: lister, sleep=lambda _: None)


def test_companion_windows_lists_meetings_by_owner_while_titles_are_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lister = HiddenTitles([untitled(1, "zoom.us"), untitled(2, "Safari"), untitled(3, "MSTeams")])
    monkeypatch.setattr("companion.capture.windows.open_lister", lambda: lister)
    assert main(["windows"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()] == ["teams", "zoom"]  # top first
    assert TITLES_HIDDEN_NOTE in err
    assert main(["windows", "--all"]) == 0
    out, _ = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()] == ["teams", "-", "zoom"]


def test_companion_windows_says_in_one_line_what_it_looks_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lister = Lister([window("Zoom Workplace"), window("Google Meet - Google Chrome")])
    monkeypatch.setattr("companion.capture.windows.open_lister", lambda: lister)
    assert main(["windows"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line == windows_command.NOTHING_FOUND
    for named in ("Zoom", "any of Zoom's languages", "Meet - <code or name>", "| Microsoft Teams"):
        assert named in line
    assert "Zoom Meeting, Zoom Webinar" not in line and "--all" in line
