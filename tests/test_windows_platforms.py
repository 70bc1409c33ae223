"""The Windows and macOS window listers' decisions, run here on Linux from tables.

The listers call user32 and Quartz, which do not exist here; what they decide is in pure
functions of plain values, tested below, and the macOS lister also runs whole against a
stand-in Quartz module.
"""

from __future__ import annotations

import logging
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from companion.capture.windows import WindowInfo
from companion.capture.windows.follow import (
    COVERED,
    MINIMIZED,
    SEARCHING,
    WATCHING,
    TargetState,
    WindowFollower,
    matcher_for,
    with_owner_fallback,
)
from companion.capture.windows.macos import (
    GRANTED,
    NEWLY_REFUSED,
    REFUSED,
    TITLES_HIDDEN_NOTE,
    TITLES_HIDDEN_NOTICE,
    QuartzLister,
    ScreenCaptureAccess,
    owner_only_kind,
    window_from_entry,
)
from companion.capture.windows.matching import meeting_matcher, title_matcher
from companion.capture.windows.win32 import (
    LWA_ALPHA,
    SHOWN,
    UNLISTED,
    WS_EX_LAYERED,
    WS_EX_NOACTIVATE,
    WS_EX_TOOLWINDOW,
    WS_EX_TRANSPARENT,
    presence,
    reads_title,
    see_through,
)
from companion.capture.windows.win32 import (
    MINIMIZED as WIN_MINIMIZED,
)
from companion.model import Box

WS_EX_APPWINDOW = 0x00040000  # an ordinary style bit, for contrast
WS_EX_TOPMOST = 0x00000008

# -- Windows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visible", "cloaked", "iconic", "titled", "known", "expected"),
    [
        # First sight: only a visible, uncloaked, titled window is listed.
        (True, False, False, True, False, SHOWN),
        (True, False, True, True, False, WIN_MINIMIZED),
        (False, False, False, True, False, UNLISTED),
        (True, True, False, True, False, UNLISTED),
        (True, False, False, False, False, UNLISTED),
        # Listed before: hidden (Zoom while sharing) or cloaked (another virtual desktop)
        # is minimised, never gone, whatever the title says now.
        (True, False, False, True, True, SHOWN),
        (False, False, False, True, True, WIN_MINIMIZED),
        (True, True, False, True, True, WIN_MINIMIZED),
        (False, True, True, True, True, WIN_MINIMIZED),
        (True, False, True, True, True, WIN_MINIMIZED),
        (True, False, False, False, True, SHOWN),
        (False, False, False, False, True, WIN_MINIMIZED),
    ],
)
def test_hidden_or_cloaked_reads_as_minimised_never_as_closed(
    visible: bool, cloaked: bool, iconic: bool, titled: bool, known: bool, expected: str
) -> None:
    assert presence(visible, cloaked, iconic, titled, known) == expected


@pytest.mark.parametrize(
    ("ex_style", "alpha", "expected"),
    [
        (0, None, False),
        (WS_EX_APPWINDOW | WS_EX_TOPMOST, None, False),
        (WS_EX_TRANSPARENT, None, True),
        (WS_EX_TOOLWINDOW, None, True),
        (WS_EX_NOACTIVATE, None, True),
        # A GeForce-Overlay-like full-screen window: layered, click-through, topmost.
        (WS_EX_LAYERED | WS_EX_TRANSPARENT | WS_EX_TOPMOST, 255, True),
        (WS_EX_LAYERED, 0, True),
        (WS_EX_LAYERED, 1, False),
        (WS_EX_LAYERED, 255, False),
        (WS_EX_LAYERED, None, False),  # per-pixel alpha: cannot tell, so it covers
        (WS_EX_APPWINDOW, 0, False),  # an alpha means nothing without WS_EX_LAYERED
        (0xFFFFFFFF, 255, True),
    ],
)
def test_see_through_windows(ex_style: int, alpha: int | None, expected: bool) -> None:
    assert see_through(ex_style, alpha) is expected


def test_style_bits_are_the_documented_values() -> None:
    assert (WS_EX_TRANSPARENT, WS_EX_TOOLWINDOW, WS_EX_LAYERED, WS_EX_NOACTIVATE) == (
        0x20,
        0x80,
        0x80000,
        0x8000000,
    )
    assert LWA_ALPHA == 0x2


@pytest.mark.parametrize(
    ("pid", "own", "expected"), [(10, 20, True), (20, 20, False), (0, 20, True)]
)
def test_our_own_windows_are_never_asked_for_their_title(
    pid: int, own: int, expected: bool
) -> None:
    assert reads_title(pid, own) is expected


# -- macOS --------------------------------------------------------------------------------


def entry(**fields: Any) -> dict[str, Any]:
    """A CGWindowListCopyWindowInfo entry with the keys Quartz gives, overridden by ``fields``."""
    base: dict[str, Any] = {
        "kCGWindowLayer": 0,
        "kCGWindowNumber": 41,
        "kCGWindowOwnerName": "zoom.us",
        "kCGWindowOwnerPID": 501,
        "kCGWindowBounds": {"X": 10, "Y": 30, "Width": 1280, "Height": 720},
        "kCGWindowIsOnscreen": True,
        "kCGWindowAlpha": 1.0,
        "kCGWindowName": "Zoom Meeting",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def test_a_quartz_entry_becomes_a_window() -> None:
    info = window_from_entry(entry())
    assert info == WindowInfo(
        41, "Zoom Meeting", "zoom.us", 501, Box(10, 30, 1280, 720), Box(10, 30, 1280, 720)
    )


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"kCGWindowLayer": 25}, lambda w: w is None),  # a status item
        ({"kCGWindowBounds": {"X": 0, "Y": 0, "Width": 1, "Height": 500}}, lambda w: w is None),
        ({"kCGWindowBounds": None}, lambda w: w is None),
        ({"kCGWindowName": None}, lambda w: w.title == ""),  # no Screen Recording permission
        ({"kCGWindowIsOnscreen": None}, lambda w: w.minimized),  # minimised, other Space
        ({"kCGWindowIsOnscreen": False}, lambda w: w.minimized),
        ({"kCGWindowAlpha": 0.0}, lambda w: w.see_through),
        ({"kCGWindowAlpha": 0}, lambda w: w.see_through),
        ({"kCGWindowAlpha": 0.05}, lambda w: not w.see_through),
        ({"kCGWindowAlpha": None}, lambda w: not w.see_through),
    ],
)
def test_quartz_entries(fields: dict[str, Any], check: Any) -> None:
    assert check(window_from_entry(entry(**fields)))


@pytest.mark.parametrize(
    ("title", "owner", "kind"),
    [
        ("", "zoom.us", "zoom"),
        ("  ", "zoom.us", "zoom"),
        ("", "Microsoft Teams", "teams"),
        ("", "MSTeams", "teams"),
        ("", "Microsoft Teams (work or school)", "teams"),
        ("", "Microsoft Teams classic", "teams"),
        ("Zoom Workplace", "zoom.us", None),  # a title is judged by its title
        ("", "Google Chrome", None),  # Meet cannot be told from the browser's name
        ("", "Safari", None),
        ("", "Firefox", None),
        ("", "Finder", None),
        ("", "", None),
    ],
)
def test_owner_only_kind(title: str, owner: str, kind: str | None) -> None:
    assert owner_only_kind(title, owner) == kind


class Calls:
    """A stand-in for a Quartz function that answers ``value`` and counts its calls."""

    def __init__(self, value: bool) -> None:
        self.value = value
        self.count = 0

    def __call__(self) -> bool:
        self.count += 1
        return self.value


@pytest.mark.parametrize(
    ("preflight", "granting", "answers", "requests"),
    [
        (True, False, [GRANTED, GRANTED], 0),
        (False, False, [NEWLY_REFUSED, REFUSED, REFUSED], 1),
        (False, True, [GRANTED, REFUSED], 1),  # granted at once (asked before, elsewhere)
        (None, None, [GRANTED], 0),  # before macOS 10.15, or an old pyobjc: nothing to ask
        (False, None, [NEWLY_REFUSED, REFUSED], 0),
    ],
)
def test_screen_recording_is_asked_for_once_a_process(
    preflight: bool | None, granting: bool | None, answers: list[str], requests: int
) -> None:
    access = ScreenCaptureAccess()
    ask = Calls(granting) if granting is not None else None
    check = Calls(preflight) if preflight is not None else None
    assert [access.check(check, ask) for _ in answers] == answers
    assert (ask.count if ask else 0) == requests


def fake_quartz(entries: list[dict[str, Any]], granted: bool) -> SimpleNamespace:
    return SimpleNamespace(
        kCGWindowListOptionAll=0,
        kCGWindowListExcludeDesktopElements=16,
        kCGNullWindowID=0,
        CGWindowListCopyWindowInfo=lambda options, window: entries,
        CGPreflightScreenCaptureAccess=Calls(granted),
        CGRequestScreenCaptureAccess=Calls(False),
    )


def test_the_macos_lister_asks_once_and_says_to_restart(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    front = entry(kCGWindowName=None, kCGWindowNumber=2)
    back = entry(kCGWindowName=None, kCGWindowNumber=1, kCGWindowOwnerName="Finder")
    quartz = fake_quartz([front, back], granted=False)
    monkeypatch.setitem(sys.modules, "Quartz", quartz)
    access = ScreenCaptureAccess()
    with caplog.at_level(logging.WARNING):
        first = QuartzLister(access)
        second = QuartzLister(access)
    assert first.titles_hidden and second.titles_hidden
    assert first.notice == second.notice == TITLES_HIDDEN_NOTE
    assert "restart" in TITLES_HIDDEN_NOTE and "restart" in TITLES_HIDDEN_NOTICE
    assert "Meet" in TITLES_HIDDEN_NOTICE
    assert quartz.CGRequestScreenCaptureAccess.count == 1
    assert [r.getMessage() for r in caplog.records] == [TITLES_HIDDEN_NOTICE]
    assert [w.id for w in first.windows()] == [1, 2]  # bottom first


def test_the_macos_lister_with_permission_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    quartz = fake_quartz([entry()], granted=True)
    monkeypatch.setitem(sys.modules, "Quartz", quartz)
    lister = QuartzLister(ScreenCaptureAccess())
    assert not lister.titles_hidden and lister.notice is None
    assert quartz.CGRequestScreenCaptureAccess.count == 0
    assert [w.title for w in lister.windows()] == ["Zoom Meeting"]


# -- following, with what the listers now report ------------------------------------------


def window(
    wid: int,
    title: str,
    owner: str = "zoom",
    box: tuple[float, float, float, float] = (100, 100, 800, 450),
    minimized: bool = False,
    clear: bool = False,
) -> WindowInfo:
    b = Box(*box)
    return WindowInfo(wid, title, owner, 10 + wid, b, b, minimized, see_through=clear)


class Lister:
    """Plays back window lists; optionally a macOS lister refused window titles."""

    def __init__(self, *polls: list[WindowInfo], titles_hidden: bool = False) -> None:
        self.polls = list(polls)
        if titles_hidden:
            self.titles_hidden = True
            self.notice = TITLES_HIDDEN_NOTE

    def windows(self) -> list[WindowInfo]:
        return self.polls.pop(0) if len(self.polls) > 1 else self.polls[0]

    def close(self) -> None:
        pass


def test_see_through_windows_never_cover_the_meeting() -> None:
    zoom = window(1, "Zoom Meeting")
    overlay = window(
        2, "NVIDIA GeForce Overlay", "nvcontainer.exe", (0, 0, 1920, 1080), False, True
    )
    editor = window(3, "notes.txt - editor", "notepad.exe", (0, 0, 1920, 1080))
    lister = Lister([zoom, overlay], [zoom, editor], [zoom, editor, overlay])
    follower = WindowFollower(lister, meeting_matcher, 1, ignore_pids=frozenset())
    assert [follower.poll().status for _ in range(3)] == [WATCHING, COVERED, COVERED]


def test_a_window_hidden_while_sharing_pauses_the_follower_instead_of_closing() -> None:
    zoom = window(1, "Zoom Meeting")
    hidden = window(1, "Zoom Meeting", minimized=True)  # how the Windows lister reports it
    follower = WindowFollower(Lister([zoom], [hidden], [zoom]), meeting_matcher, 1)
    assert [follower.poll().status for _ in range(3)] == [WATCHING, MINIMIZED, WATCHING]
    assert follower.attached == 1


def test_without_titles_zoom_is_followed_by_its_owner_and_the_user_is_told() -> None:
    home = window(1, "", "zoom.us", (0, 0, 400, 300))
    call = window(2, "", "zoom.us", (0, 0, 1280, 720))
    chrome = window(3, "", "Google Chrome", (0, 0, 1600, 900))
    lister = Lister([chrome], [home, call, chrome], titles_hidden=True)
    follower = WindowFollower(lister, meeting_matcher, 1, ignore_pids=frozenset())
    searching = follower.poll()
    assert searching.status == SEARCHING
    assert searching.describe() == f"Looking for a meeting window\n{TITLES_HIDDEN_NOTE}"
    state = follower.poll()
    assert state.window == call  # the largest Zoom window: Chrome (Meet?) cannot be told
    assert state.describe().startswith("Paused: the zoom.us window is covered")


def test_owner_fallback_only_for_meeting_matching_while_titles_are_hidden() -> None:
    untitled_zoom = window(1, "", "zoom.us")
    titled_zoom = window(2, "Zoom Workplace", "zoom.us")
    call = window(3, "Zoom Meeting", "zoom.us")
    assert matcher_for(meeting_matcher, titles_hidden=False) is meeting_matcher
    by_title = title_matcher("weekly sync")
    assert matcher_for(by_title, titles_hidden=True) is by_title
    fallback = matcher_for(meeting_matcher, titles_hidden=True)
    assert [fallback(w) for w in (untitled_zoom, titled_zoom, call)] == [True, False, True]
    assert with_owner_fallback(lambda w: False)(untitled_zoom)


def test_describe_names_untitled_windows_by_their_owner() -> None:
    untitled = window(1, "", "zoom.us")
    assert TargetState(WATCHING, untitled.box, untitled).describe() == "Watching the zoom.us window"
    assert TargetState(MINIMIZED, window=window(1, "", "")).describe() == (
        "Paused: the meeting window is minimised"
    )
    assert TargetState(SEARCHING).describe() == "Looking for a meeting window"
