"""Which windows are meetings: by title, checked against the owning application.

The title rules live in the tables below (`ZOOM_CALL_TITLES`, `TEAMS_NAVIGATION_TITLES`,
the browser names); `meeting_kind` applies them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from companion.capture.windows import WindowInfo

ZOOM_CALL_TITLES: tuple[str, ...] = (
    "Zoom Meeting",
    "Zoom Webinar",
    "Zoom 회의",  # Korean
    "Zoom ミーティング",  # Japanese
    "Zoom 会议",  # Chinese, simplified
    "Zoom 會議",  # Chinese, traditional
    "Zoom-Meeting",  # German
    "Réunion Zoom",  # French
    "Reunión de Zoom",  # Spanish
    "Reunião Zoom",  # Portuguese
    "Riunione Zoom",  # Italian
)
"""How Zoom titles its call window, per language; the title starts with one of these.

Zoom's idle windows ("Zoom", "Zoom Workplace", "Zoom Cloud Meetings") start with none.
"""

TEAMS_NAVIGATION_TITLES: frozenset[str] = frozenset(
    {
        "activity",
        "apps",
        "approvals",
        "assignments",
        "bookings",
        "calendar",
        "calls",
        "chat",
        "communities",
        "copilot",
        "files",
        "help",
        "lists",
        "loop",
        "meet",
        "microsoft teams",
        "notifications",
        "onedrive",
        "people",
        "planner",
        "screen sharing toolbar",
        "search",
        "settings",
        "sharing control bar",
        "shifts",
        "tasks",
        "tasks by planner and to do",
        "teams",
        "updates",
        "viva connections",
        "viva engage",
        "viva insights",
        "whiteboard",
        "wiki",
    }
)
"""Teams pages and tool windows titled "<page> | Microsoft Teams" that show no call.

Compared case-insensitively with the first "|" part of the title. Every other title
with the Teams suffix is a call: the meeting's subject, the other person's name in a
one-to-one call, "Meeting compact view", or the older "Meeting in ..." forms.
"""

BROWSER_OWNERS: tuple[str, ...] = (
    "chrome",
    "chromium",
    "firefox",
    "msedge",
    "edge",
    "brave",
    "safari",
    "opera",
    "vivaldi",
    "arc",
)
"""Parts of the owner name (process, WM_CLASS or app name) of the browsers Meet runs in."""

BROWSER_TITLES: tuple[str, ...] = (
    "Google Chrome",
    "Chromium",
    "Mozilla Firefox",
    "Firefox",
    "Microsoft Edge",
    "Brave",
    "Opera",
    "Vivaldi",
    "Safari",
    "Arc",
)
"""Names browsers append to the active tab's title ("Meet - abc-defg-hij - Google Chrome")."""

TEAMS_OWNERS: frozenset[str] = frozenset(
    {"ms-teams", "msteams", "teams", "teams-for-linux", "microsoft teams"}
)
"""Owner names of the Teams clients, lower case without ".exe" (the old client's names all
start with "Microsoft Teams", which also counts)."""

# Zero-width characters: Edge writes "Microsoft\u200b Edge" in its window titles.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"\s+")  # \s covers the non-breaking spaces too
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_MEET_CODE = re.compile(r"(?<![\w-])[a-z]{3}-[a-z]{4}-[a-z]{3}(?![\w-])")
_MEET_CALL_TAB = re.compile(r"^meet ?- ?\S", re.IGNORECASE)
_TEAMS_SUFFIX = re.compile(r"\s*\|\s*microsoft teams(\s*\([^)]*\))?$", re.IGNORECASE)
_BROWSER_SUFFIX = re.compile(
    r" - (" + "|".join(re.escape(b) for b in BROWSER_TITLES) + r")\b[^-]*$", re.IGNORECASE
)

WindowMatcher = Callable[[WindowInfo], bool]
"""Picks the windows to follow (see `meeting_matcher`, `title_matcher`)."""


def meeting_kind(title: str, owner: str) -> str | None:
    """``zoom``, ``meet`` or ``teams`` for a window showing a call; None otherwise.

    Zoom: the title starts with a `ZOOM_CALL_TITLES` entry, whatever the owner. Meet: the
    window belongs to a browser (or the owner is unknown) and its tab is "Meet - <code or
    meeting name>", or shows a meeting code (``abc-defg-hij``) with "meet" in the title;
    the home page "Google Meet" is not a call. Teams: the window belongs to Teams, to a
    browser (Teams on the web), or to an unknown owner, its title ends in
    " | Microsoft Teams", and what comes before is not a `TEAMS_NAVIGATION_TITLES` page.
    """
    text = normalize_title(title)
    owner_l = owner.strip().lower()
    browser = any(b in owner_l for b in BROWSER_OWNERS)
    if _is_zoom_call(text):
        return "zoom"
    if (not owner_l or browser) and _is_meet_call(strip_browser_suffix(text)):
        return "meet"
    if (not owner_l or browser or _is_teams_owner(owner_l)) and _is_teams_call(
        strip_browser_suffix(text) if browser else text
    ):
        return "teams"
    return None


def normalize_title(title: str) -> str:
    """``title`` in NFC with plain spaces (one at a time) and "-" for every kind of dash."""
    text = unicodedata.normalize("NFC", title).translate(_INVISIBLE)
    return _DASHES.sub("-", _SPACES.sub(" ", text)).strip()


def strip_browser_suffix(title: str) -> str:
    """A normalised window title without the browser's name ("... - Google Chrome")."""
    return _BROWSER_SUFFIX.sub("", title).strip()


_ZOOM_STARTS = tuple(normalize_title(name).casefold() for name in ZOOM_CALL_TITLES)


def _is_zoom_call(text: str) -> bool:
    folded = text.casefold()
    for start in _ZOOM_STARTS:
        rest = folded.removeprefix(start)
        # "Zoom Meeting 40-Minutes" is a call; "Zoom Meetings" is another word.
        if rest != folded and (not rest or not rest[0].isalnum()):
            return True
    return False


def _is_meet_call(tab: str) -> bool:
    if _MEET_CALL_TAB.match(tab):
        return True
    # While loading, the tab shows the address: "meet.google.com/abc-defg-hij".
    if _MEET_CODE.search(tab) is None:
        return False
    return "meet" in tab.casefold() or _MEET_CODE.fullmatch(tab) is not None


def _is_teams_owner(owner_l: str) -> bool:
    name = owner_l.removesuffix(".exe")
    return name in TEAMS_OWNERS or name.startswith("microsoft teams")


def _is_teams_call(text: str) -> bool:
    suffix = _TEAMS_SUFFIX.search(text)
    if suffix is None:
        return False
    page = text[: suffix.start()].split("|", 1)[0].strip().casefold()
    return bool(page) and page not in TEAMS_NAVIGATION_TITLES


def title_matcher(text: str) -> WindowMatcher:
    """Windows whose title contains ``text``, ignoring case."""
    wanted = text.casefold()
    return lambda w: wanted in w.title.casefold()


def meeting_matcher(window: WindowInfo) -> bool:
    """Windows that show a Zoom, Meet or Teams call."""
    return meeting_kind(window.title, window.owner) is not None


def best_match(
    windows: Sequence[WindowInfo], matcher: WindowMatcher, ignore_pids: frozenset[int]
) -> WindowInfo | None:
    """The largest matching window not owned by an ignored process (our own overlay)."""
    found = [w for w in windows if w.pid not in ignore_pids and matcher(w)]
    if not found:
        return None
    return max(found, key=lambda w: (not w.minimized, w.box.area))
