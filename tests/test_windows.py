"""Meeting-window matching and following, driven by tables of window lists."""

from __future__ import annotations

from dataclasses import replace

import pytest

from companion.capture.windows import WindowInfo, display_server, open_lister
from companion.capture.windows.follow import (
    CLOSED,
    CONFIRMING,
    COVERED,
    MINIMIZED,
    SEARCHING,
    WATCHING,
    FixedRegion,
    WindowFollower,
    covered_fraction,
)
from companion.capture.windows.matching import (
    best_match,
    meeting_kind,
    meeting_matcher,
    title_matcher,
)
from companion.errors import InputError
from companion.model import Box


@pytest.mark.parametrize(
    ("title", "owner", "kind"),
    [
        ("Zoom Meeting", "zoom", "zoom"),
        ("Zoom Webinar", "zoom.us", "zoom"),
        ("Zoom Meeting 40-Minutes", "Zoom.exe", "zoom"),
        ("Zoom 회의", "Zoom.exe", "zoom"),
        ("Zoom ミーティング", "zoom.us", "zoom"),
        ("Zoom 会议", "zoom", "zoom"),
        ("Zoom 會議", "Zoom.exe", "zoom"),
        ("Zoom-Meeting", "zoom", "zoom"),
        ("Réunion Zoom", "zoom.us", "zoom"),
        ("Re\u0301union Zoom", "zoom.us", "zoom"),  # decomposed accent, as macOS may give
        ("Reunión de Zoom", "Zoom.exe", "zoom"),
        ("Reunião Zoom", "zoom", "zoom"),
        ("Riunione Zoom", "zoom", "zoom"),
        ("Zoom Workplace", "zoom", None),
        ("Zoom", "zoom", None),
        ("Zoom Cloud Meetings", "Zoom.exe", None),
        ("Zoom Meetings", "zoom", None),
        ("Meet - abc-defg-hij - Google Chrome", "Google-chrome", "meet"),
        ("Meet - abc-defg-hij", "firefox", "meet"),
        ("Meet \u2013 abc-defg-hij", "chrome", "meet"),
        ("Meet \u2013 abc-defg-hij", "", "meet"),
        ("Meet\u00a0\u2013\u00a0abc-defg-hij - Google Chrome", "chrome.exe", "meet"),
        ("Meet \u2014 abc-defg-hij \u2014 Mozilla Firefox", "firefox", "meet"),
        ("Meet \u2013 Weekly design review - Microsoft\u200b Edge", "msedge.exe", "meet"),
        ("Meet - abc-defg-hij - Chromium", "chromium", "meet"),
        ("Meet - abc-defg-hij - Brave", "brave-browser", "meet"),
        ("meet.google.com/abc-defg-hij - Google Chrome", "Google-chrome", "meet"),
        ("abc-defg-hij - Google Chrome", "Google-chrome", "meet"),
        ("Google Meet", "Google-chrome", None),
        ("Google Meet - Google Chrome", "chrome.exe", None),
        ("Google Meet \u2014 Mozilla Firefox", "firefox", None),
        ("Google Meet - Chromium", "chromium", None),
        ("Meet - Google Chrome", "Google-chrome", None),
        ("Notes on the abc-defg-hij bug - Google Chrome", "Google-chrome", None),
        ("Meet \u2013 abc-defg-hij", "slack", None),
        ("Meet - notes.txt", "gedit", None),
        ("Meeting with Ana | Microsoft Teams", "ms-teams", "teams"),
        ("Weekly sync | Microsoft Teams", "ms-teams.exe", "teams"),
        ("Jane Doe | Microsoft Teams", "ms-teams", "teams"),
        ("Meeting compact view | Microsoft Teams", "ms-teams.exe", "teams"),
        ('Meeting in "General" | Microsoft Teams', "Teams.exe", "teams"),
        ("Call with Jane Doe | Microsoft Teams", "Microsoft Teams", "teams"),
        ("Weekly sync | Microsoft Teams", "Microsoft Teams (work or school)", "teams"),
        ("Weekly sync | Microsoft Teams", "teams-for-linux", "teams"),
        ("Weekly sync\u00a0|\u00a0Microsoft Teams", "", "teams"),
        ("Weekly sync | Microsoft Teams - Google Chrome", "Google-chrome", "teams"),
        ("Chat | Microsoft Teams", "ms-teams", None),
        ("Chat | Jane Doe | Microsoft Teams", "ms-teams.exe", None),
        ("Calendar | Microsoft Teams", "ms-teams.exe", None),
        ("Calendar | Microsoft Teams", "", None),
        ("Activity | Microsoft Teams", "Microsoft Teams", None),
        ("Teams | Microsoft Teams", "ms-teams", None),
        ("Calls | Microsoft Teams", "ms-teams.exe", None),
        ("Files | Microsoft Teams", "teams", None),
        ("Apps | Microsoft Teams", "teams-for-linux", None),
        ("Assignments | Microsoft Teams", "ms-teams", None),
        ("Microsoft Teams", "ms-teams", None),
        ("Weekly sync | Microsoft Teams", "gedit", None),
        ("Meeting notes - LibreOffice Writer", "libreoffice", None),
    ],
)
def test_meeting_kind(title: str, owner: str, kind: str | None) -> None:
    assert meeting_kind(title, owner) == kind


def win(
    wid: int,
    title: str,
    box: tuple[float, float, float, float] = (100, 100, 800, 450),
    minimized: bool = False,
    pid: int = 10,
) -> WindowInfo:
    b = Box(*box)
    return WindowInfo(
        wid, title, "zoom", pid, b, Box(b.x - 1, b.y - 20, b.w + 2, b.h + 21), minimized
    )


class Script:
    """A window lister that plays back one window list per poll."""

    def __init__(self, *polls: list[WindowInfo]) -> None:
        self.polls = list(polls)
        self.closed = False

    def windows(self) -> list[WindowInfo]:
        return self.polls.pop(0) if len(self.polls) > 1 else self.polls[0]

    def close(self) -> None:
        self.closed = True


def statuses(follower: WindowFollower, n: int) -> list[str]:
    return [follower.poll().status for _ in range(n)]


def test_attaches_only_after_the_window_matched_on_several_polls() -> None:
    zoom = win(1, "Zoom Meeting")
    lister = Script([], [zoom], [zoom], [zoom], [zoom])
    follower = WindowFollower(lister, meeting_matcher, confirm_polls=3, ignore_pids=frozenset())
    assert statuses(follower, 5) == [SEARCHING, CONFIRMING, CONFIRMING, WATCHING, WATCHING]
    assert follower.attached == 1


def test_a_window_that_flashes_past_is_not_attached() -> None:
    zoom = win(1, "Zoom Meeting")
    lister = Script([zoom], [zoom], [], [zoom], [zoom], [zoom])
    follower = WindowFollower(lister, meeting_matcher, confirm_polls=3, ignore_pids=frozenset())
    assert statuses(follower, 6) == [
        CONFIRMING,
        CONFIRMING,
        SEARCHING,
        CONFIRMING,
        CONFIRMING,
        WATCHING,
    ]


def test_follows_moves_and_resizes_by_window_id() -> None:
    first = win(7, "Zoom Meeting", (100, 100, 800, 450))
    moved = win(7, "Zoom Meeting", (300, 220, 960, 540))
    lister = Script([first], [moved])
    follower = WindowFollower(lister, meeting_matcher, confirm_polls=1, ignore_pids=frozenset())
    assert follower.poll().region == first.box
    state = follower.poll()
    assert state.status == WATCHING and state.region == moved.box


def test_pauses_when_minimised_or_covered_and_resumes() -> None:
    zoom = win(1, "Zoom Meeting")
    hidden = win(1, "Zoom Meeting", minimized=True)
    editor = win(2, "notes.txt - editor", (80, 60, 900, 560))
    small = win(3, "calculator", (100, 100, 200, 200))
    lister = Script([zoom], [hidden], [zoom, editor], [zoom, small], [editor, zoom])
    follower = WindowFollower(lister, meeting_matcher, confirm_polls=1, ignore_pids=frozenset())
    assert statuses(follower, 5) == [WATCHING, MINIMIZED, COVERED, WATCHING, WATCHING]


def test_our_own_windows_never_match_nor_cover() -> None:
    ours = win(9, "Zoom Meeting notes", (90, 90, 820, 470), pid=4242)
    zoom = win(1, "Zoom Meeting", pid=10)
    lister = Script([zoom, ours])
    follower = WindowFollower(
        lister, title_matcher("zoom meeting"), confirm_polls=1, ignore_pids=frozenset({4242})
    )
    state = follower.poll()
    assert state.status == WATCHING and state.window == zoom


def test_detaches_when_closed_and_finds_the_next_meeting() -> None:
    old = win(1, "Zoom Meeting")
    new = win(5, "Meet - abc-defg-hij - Chromium", (0, 0, 1280, 720))
    new = WindowInfo(5, new.title, "chromium", 11, new.box, new.frame)
    follower = WindowFollower(
        Script([old], [old], [], [new], [new]), meeting_matcher, 2, ignore_pids=frozenset()
    )
    assert statuses(follower, 5) == [CONFIRMING, WATCHING, CLOSED, CONFIRMING, WATCHING]
    assert follower.attached == 5


def test_prefers_the_largest_matching_window() -> None:
    small = win(1, "Zoom Meeting", (0, 0, 320, 180))
    large = win(2, "Zoom Meeting", (0, 0, 1280, 720))
    follower = WindowFollower(Script([small, large]), meeting_matcher, 1, ignore_pids=frozenset())
    assert follower.poll().window == large


def test_the_full_teams_meeting_window_wins_over_its_compact_view() -> None:
    def teams(wid: int, title: str, box: Box, minimized: bool = False) -> WindowInfo:
        return WindowInfo(wid, title, "ms-teams.exe", 10, box, box, minimized)

    compact = teams(1, "Meeting compact view | Microsoft Teams", Box(1500, 40, 360, 200))
    full = teams(2, "Weekly sync | Microsoft Teams", Box(0, 0, 1280, 720))
    chat = teams(3, "Chat | Microsoft Teams", Box(0, 0, 1920, 1040))  # larger, not a call
    for windows in ([compact, full, chat], [chat, full, compact]):
        assert best_match(windows, meeting_matcher, frozenset()) == full
    hidden = replace(full, minimized=True)
    assert best_match([hidden, compact, chat], meeting_matcher, frozenset()) == compact


def test_covered_fraction() -> None:
    box = Box(0, 0, 800, 400)
    assert covered_fraction(box, []) == 0.0
    assert covered_fraction(box, [Box(0, 0, 400, 400)]) == pytest.approx(0.5)
    assert covered_fraction(box, [Box(0, 0, 400, 400), Box(200, 0, 400, 400)]) == pytest.approx(
        0.75
    )
    assert covered_fraction(box, [Box(-50, -50, 900, 500)]) == 1.0
    assert covered_fraction(box, [Box(900, 0, 100, 100)]) == 0.0


def test_fixed_region_is_always_watched() -> None:
    region = FixedRegion(Box(10, 20, 640, 360))
    state = region.poll()
    assert state.watching and state.region == Box(10, 20, 640, 360)
    with pytest.raises(ValueError, match="empty"):
        FixedRegion(Box(0, 0, 0, 10))


def test_wayland_is_refused_with_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert display_server() == "wayland"
    with pytest.raises(InputError, match="Xorg"):
        open_lister()


def test_no_display_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    assert display_server() == "none"
    with pytest.raises(InputError, match="DISPLAY"):
        open_lister()


def test_run_on_wayland_explains_what_works_instead(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from companion.cli import main

    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert main(["run", "--headless", "--exit-after", "1"]) == InputError.exit_code
    err = capsys.readouterr().err
    assert "Wayland" in err and "X11" in err
