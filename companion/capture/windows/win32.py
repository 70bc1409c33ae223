"""Top-level windows on Windows through user32 and dwmapi (ctypes, no extra packages).

Written against the documented Win32 API; it cannot run on the Linux machines the tests
use. Each decision is a pure function of plain values (`presence`, `see_through`,
`reads_title`), tested there with tables; `Win32Lister` only gathers those values.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from ctypes import wintypes
from typing import Any

from companion.capture.windows import WindowInfo
from companion.errors import InputError
from companion.model import Box

_DWMWA_EXTENDED_FRAME_BOUNDS = 9
_DWMWA_CLOAKED = 14
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_PER_MONITOR_AWARE_V2 = -4
_GWL_EXSTYLE = -20

WS_EX_TRANSPARENT = 0x00000020
WS_EX_TOOLWINDOW = 0x00000080
WS_EX_LAYERED = 0x00080000
WS_EX_NOACTIVATE = 0x08000000
LWA_ALPHA = 0x00000002

SHOWN = "shown"
MINIMIZED = "minimized"
UNLISTED = "unlisted"


def presence(visible: bool, cloaked: bool, iconic: bool, titled: bool, known: bool) -> str:
    """How a window that still exists (EnumWindows returned it) goes into the list.

    `SHOWN`, `MINIMIZED`, or `UNLISTED` (left out). A window never listed before is listed
    only when it is visible, not cloaked and titled. Once listed it stays listed for as
    long as it exists: minimised, hidden (Zoom hides its meeting window while the user
    shares their screen) or cloaked (on another virtual desktop) all read as minimised, so
    the follower pauses instead of taking the call for closed. Only a window that no
    longer exists, which EnumWindows no longer returns (IsWindow fails), leaves the list.
    """
    if not known and not (visible and not cloaked and titled):
        return UNLISTED
    return MINIMIZED if iconic or not visible or cloaked else SHOWN


def see_through(ex_style: int, layered_alpha: int | None) -> bool:
    """Whether a window with the extended style ``ex_style`` leaves what is under it visible.

    Click-through (``WS_EX_TRANSPARENT``), tool (``WS_EX_TOOLWINDOW``) and never-activated
    (``WS_EX_NOACTIVATE``) windows are overlays, palettes and toolbars, such as the
    full-screen GeForce Overlay; a layered window (``WS_EX_LAYERED``) whose constant alpha
    is 0 is invisible. ``layered_alpha`` is that alpha (GetLayeredWindowAttributes with
    ``LWA_ALPHA``), None when the window has none or it could not be read.
    """
    if ex_style & (WS_EX_TRANSPARENT | WS_EX_TOOLWINDOW | WS_EX_NOACTIVATE):
        return True
    return bool(ex_style & WS_EX_LAYERED) and layered_alpha == 0


def reads_title(pid: int, own_pid: int) -> bool:
    """Whether to ask a window of process ``pid`` for its title.

    GetWindowText on a window of our own process sends it a message and waits for our GUI
    thread to answer; at exit that thread is blocked joining the capture worker, which
    would stall quitting for the join's 10 s timeout. Our own windows are never matched nor
    counted as covering anyway, so they are left out of the list.
    """
    return pid != own_pid


class Win32Lister:
    """Lists top-level windows with EnumWindows (bottom of the z-order first).

    ``box`` is the client area, ``frame`` the visible frame (DWM extended frame bounds),
    both in physical pixels: the process asks for per-monitor DPI awareness first.
    Visible, titled windows are listed; see `presence` for hidden and cloaked ones.
    """

    _user32: Any
    _dwm: Any
    _kernel32: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise InputError("the Windows window lister runs only on Windows")
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)
        self._dwm = ctypes.WinDLL("dwmapi")
        self._kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        # Missing before Windows 10 1703; Qt sets awareness itself when the UI runs.
        with contextlib.suppress(AttributeError):
            self._user32.SetProcessDpiAwarenessContext(ctypes.c_void_p(_PER_MONITOR_AWARE_V2))
        self._names: dict[int, str] = {}
        self._known: set[int] = set()
        self._pid = os.getpid()

    def windows(self) -> list[WindowInfo]:
        """Top-level windows, bottom first."""
        if sys.platform != "win32":
            return []
        handles: list[int] = []
        proc = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)

        def collect(hwnd: int, _: int) -> bool:
            handles.append(hwnd)
            return True

        self._user32.EnumWindows(proc(collect), 0)
        found = [info for h in handles if (info := self._describe(h)) is not None]
        # EnumWindows returns only windows that exist: the rest are gone for good.
        self._known = {w.id for w in found}
        found.reverse()  # EnumWindows goes top to bottom
        return found

    def close(self) -> None:
        """Nothing to release."""

    def _describe(self, hwnd: int) -> WindowInfo | None:
        if sys.platform != "win32":
            return None
        user32 = self._user32
        pid = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        if not reads_title(int(pid.value), self._pid):
            return None
        title = self._title(hwnd)
        visible = bool(user32.IsWindowVisible(hwnd))
        state = presence(
            visible=visible,
            cloaked=self._cloaked(hwnd),
            iconic=bool(user32.IsIconic(hwnd)),
            titled=bool(title),
            known=int(hwnd) in self._known,
        )
        if state == UNLISTED:
            return None
        rect = wintypes.RECT()
        if self._dwm.DwmGetWindowAttribute(
            hwnd, _DWMWA_EXTENDED_FRAME_BOUNDS, ctypes.byref(rect), ctypes.sizeof(rect)
        ):
            user32.GetWindowRect(hwnd, ctypes.byref(rect))
        frame = Box(rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top)
        client = wintypes.RECT()
        user32.GetClientRect(hwnd, ctypes.byref(client))
        origin = wintypes.POINT(0, 0)
        user32.ClientToScreen(hwnd, ctypes.byref(origin))
        box = Box(origin.x, origin.y, client.right, client.bottom)
        ex_style = int(user32.GetWindowLongW(hwnd, _GWL_EXSTYLE)) & 0xFFFFFFFF
        return WindowInfo(
            id=int(hwnd),
            title=title,
            owner=self._process_name(pid.value),
            pid=int(pid.value),
            box=box,
            frame=frame,
            minimized=state == MINIMIZED,
            see_through=see_through(ex_style, self._layered_alpha(hwnd, ex_style)),
        )

    def _title(self, hwnd: int) -> str:
        if sys.platform != "win32":
            return ""
        length = self._user32.GetWindowTextLengthW(hwnd)
        if length <= 0:
            return ""
        buffer = ctypes.create_unicode_buffer(length + 1)
        self._user32.GetWindowTextW(hwnd, buffer, length + 1)
        return buffer.value

    def _cloaked(self, hwnd: int) -> bool:
        cloaked = wintypes.DWORD()
        failed = self._dwm.DwmGetWindowAttribute(
            hwnd, _DWMWA_CLOAKED, ctypes.byref(cloaked), ctypes.sizeof(cloaked)
        )
        return not failed and bool(cloaked.value)

    def _layered_alpha(self, hwnd: int, ex_style: int) -> int | None:
        if not ex_style & WS_EX_LAYERED:
            return None
        key = wintypes.DWORD()
        alpha = ctypes.c_ubyte()
        flags = wintypes.DWORD()
        # Fails for windows drawn with UpdateLayeredWindow (per-pixel alpha): unknown then.
        if not self._user32.GetLayeredWindowAttributes(
            hwnd, ctypes.byref(key), ctypes.byref(alpha), ctypes.byref(flags)
        ):
            return None
        return int(alpha.value) if flags.value & LWA_ALPHA else None

    def _process_name(self, pid: int) -> str:
        if pid in self._names:
            return self._names[pid]
        name = ""
        if sys.platform == "win32":
            handle = self._kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
            if handle:
                size = wintypes.DWORD(1024)
                buffer = ctypes.create_unicode_buffer(size.value)
                if self._kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
                    name = buffer.value.replace("\\", "/").rsplit("/", 1)[-1]
                self._kernel32.CloseHandle(handle)
        self._names[pid] = name
        return name
