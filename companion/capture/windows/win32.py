"""Top-level windows on Windows through user32 and dwmapi (ctypes, no extra packages).

Written against the documented Win32 API; it cannot run on the Linux machines the tests
use, so it is exercised only on Windows.
"""

from __future__ import annotations

import contextlib
import ctypes
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


class Win32Lister:
    """Lists visible, titled top-level windows with EnumWindows (bottom of the z-order first).

    ``box`` is the client area, ``frame`` the visible frame (DWM extended frame bounds),
    both in physical pixels: the process asks for per-monitor DPI awareness first.
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

    def windows(self) -> list[WindowInfo]:
        """Visible titled top-level windows, bottom first."""
        if sys.platform != "win32":
            return []
        handles: list[int] = []
        proc = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)

        def collect(hwnd: int, _: int) -> bool:
            handles.append(hwnd)
            return True

        self._user32.EnumWindows(proc(collect), 0)
        found = [info for h in handles if (info := self._describe(h)) is not None]
        found.reverse()  # EnumWindows goes top to bottom
        return found

    def close(self) -> None:
        """Nothing to release."""

    def _describe(self, hwnd: int) -> WindowInfo | None:
        if sys.platform != "win32":
            return None
        user32 = self._user32
        if not user32.IsWindowVisible(hwnd) or self._cloaked(hwnd):
            return None
        length = user32.GetWindowTextLengthW(hwnd)
        if length <= 0:
            return None
        buffer = ctypes.create_unicode_buffer(length + 1)
        user32.GetWindowTextW(hwnd, buffer, length + 1)
        pid = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
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
        return WindowInfo(
            id=int(hwnd),
            title=buffer.value,
            owner=self._process_name(pid.value),
            pid=int(pid.value),
            box=box,
            frame=frame,
            minimized=bool(user32.IsIconic(hwnd)),
        )

    def _cloaked(self, hwnd: int) -> bool:
        cloaked = wintypes.DWORD()
        failed = self._dwm.DwmGetWindowAttribute(
            hwnd, _DWMWA_CLOAKED, ctypes.byref(cloaked), ctypes.sizeof(cloaked)
        )
        return not failed and bool(cloaked.value)

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
