"""Whether the others in a call see the overlay when the user shares their screen.

The overlay asks the OS to keep its windows out of screen captures
(`companion.ui.exclusion`), which is what a meeting app's screen sharing is. That holds on
Windows 10 2004 and later. It does not on macOS 15 and later, whose screen sharing goes
through ScreenCaptureKit, and ScreenCaptureKit ignores the "sharing none" a window asks
for; nor on X11, which has no such request at all, nor on Windows builds before 2004. There
the first-run window says so (`sharing_notice`), and pausing hides the markers and cards.

Decisions are pure functions of plain values, tested from tables on Linux; the lookups of
the running system (`mac_version`) are thin and, on macOS, have never run.
"""

from __future__ import annotations

import platform as platform_module

from companion.ui.exclusion import os_excludes_from_capture

MACOS_SHARES_FROM = (15,)
"""The first macOS whose screen sharing (ScreenCaptureKit) shows windows asking not to be."""


def parse_mac_version(text: str) -> tuple[int, ...] | None:
    """``platform.mac_ver()[0]`` ("15.1.1") as numbers; None when empty or not known.

    "10.16" is what macOS 11 and later report to a Python built against an old SDK, so it
    says nothing about which macOS this is: None.
    """
    try:
        numbers = tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        return None
    if not numbers or numbers[:2] == (10, 16):
        return None
    return numbers


def mac_version() -> tuple[int, ...] | None:
    """This macOS's version (`parse_mac_version`); None elsewhere or when unknown."""
    return parse_mac_version(platform_module.mac_ver()[0])


def shares_overlay(
    platform: str, mac_version: tuple[int, ...] | None, windows_build: int | None = None
) -> bool:
    """Whether a screen shared in a call shows the overlay, on ``platform`` (a
    ``sys.platform`` value) at that macOS version or Windows build (None: not known).

    An unknown macOS version counts as sharing: a warning too many costs less than markers
    beside the others' faces on a shared screen.
    """
    if platform == "darwin":
        return mac_version is None or mac_version >= MACOS_SHARES_FROM
    return not os_excludes_from_capture(platform, windows_build)


def sharing_notice(
    platform: str,
    mac_version: tuple[int, ...] | None,
    windows_build: int | None,
    shortcut: str,
) -> str | None:
    """What the first-run window says about sharing the screen; None where it need not.

    ``shortcut`` is the pause shortcut's text (`companion.ui.hotkey.SHORTCUT_TEXT`).
    """
    if not shares_overlay(platform, mac_version, windows_build):
        return None
    if platform == "darwin":
        why = (
            "On macOS 15 and later, the others in the call see Companion's panel, markers "
            "and cards when you share your screen: macOS no longer lets an app keep its "
            "windows out of a shared screen."
        )
    else:
        why = (
            "When you share your screen, the others in the call see Companion's panel, "
            "markers and cards: this system cannot keep them out of a shared screen."
        )
    return (
        f"{why} Pause Companion before you share ({shortcut}, or Pause on the panel): "
        "pausing hides the markers and cards; the panel stays, showing \u201cPaused\u201d."
    )
