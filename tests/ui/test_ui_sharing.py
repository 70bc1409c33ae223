"""Sharing the screen: where the others see the overlay, and where the OS is asked to hide it.

Tables of plain values: the Windows and macOS calls around these decisions cannot run here.
"""

from __future__ import annotations

import ctypes
import sys
from types import SimpleNamespace

import pytest
from PyQt6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from companion.prompts.guard import find_banned
from companion.ui import exclusion
from companion.ui.exclusion import os_excludes_from_capture, windows_build
from companion.ui.sharing import parse_mac_version, shares_overlay, sharing_notice


@pytest.mark.parametrize(
    ("platform", "build", "excluded"),
    [
        ("win32", 17763, False),  # 1809
        ("win32", 18363, False),  # 1909: WDA_EXCLUDEFROMCAPTURE would be WDA_MONITOR
        ("win32", 19041, True),  # 2004
        ("win32", 22631, True),  # Windows 11 23H2
        ("win32", None, False),  # unknown: mask rather than risk black boxes
        ("darwin", None, True),
        ("linux", None, False),  # X11: masking only
    ],
)
def test_os_exclusion_is_asked_only_where_it_works(
    platform: str, build: int | None, excluded: bool
) -> None:
    assert os_excludes_from_capture(platform, build) is excluded


@pytest.mark.parametrize(
    ("build", "platform_version", "expected"),
    [
        (19045, (10, 0, 19045), 19045),
        (9200, (10, 0, 19045), 19045),  # GetVersionEx lying to an unmanifested program
        (18363, (10, 0, 18363), 18363),
    ],
)
def test_windows_build_trusts_the_larger_number(
    monkeypatch: pytest.MonkeyPatch, build: int, platform_version: tuple[int, ...], expected: int
) -> None:
    version = SimpleNamespace(build=build, platform_version=platform_version)
    monkeypatch.setattr(sys, "getwindowsversion", lambda: version, raising=False)
    assert windows_build() == expected


def test_no_windows_build_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "getwindowsversion", raising=False)
    assert windows_build() is None


@pytest.mark.parametrize(("build", "asked"), [(18363, False), (19041, True)])
def test_windows_before_2004_is_never_asked_to_exclude(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, build: int, asked: bool
) -> None:
    calls: list[int] = []
    user32 = SimpleNamespace(SetWindowDisplayAffinity=lambda hwnd, value: calls.append(value) or 1)
    monkeypatch.setattr(exclusion.sys, "platform", "win32")
    monkeypatch.setattr(exclusion, "windows_build", lambda: build)
    monkeypatch.setattr(ctypes, "WinDLL", lambda *a, **k: user32, raising=False)
    widget = QWidget()
    qtbot.addWidget(widget)
    assert exclusion.exclude_from_capture(widget) is asked
    assert calls == ([0x11] if asked else [])


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("15.1.1", (15, 1, 1)),
        ("14.6", (14, 6)),
        ("26.0", (26, 0)),
        ("10.16", None),  # macOS 11+ seen by a Python built against an old SDK
        ("", None),
        ("15.x", None),
    ],
)
def test_parse_mac_version(text: str, version: tuple[int, ...] | None) -> None:
    assert parse_mac_version(text) == version


@pytest.mark.parametrize(
    ("platform", "mac", "build", "shared"),
    [
        ("darwin", (14, 6), None, False),
        ("darwin", (15, 0), None, True),  # ScreenCaptureKit ignores "sharing none"
        ("darwin", (26, 0), None, True),
        ("darwin", None, None, True),  # unknown: warn
        ("win32", None, 19045, False),
        ("win32", None, 18363, True),
        ("linux", None, None, True),
    ],
)
def test_shares_overlay(
    platform: str, mac: tuple[int, ...] | None, build: int | None, shared: bool
) -> None:
    assert shares_overlay(platform, mac, build) is shared
    notice = sharing_notice(platform, mac, build, "Ctrl+Alt+P")
    assert (notice is not None) is shared
    if notice is not None:
        assert "Ctrl+Alt+P" in notice and "hides the markers and cards" in notice
        assert not find_banned(notice)
        assert ("macOS 15" in notice) is (platform == "darwin")
