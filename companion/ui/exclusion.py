"""Keep the overlay's own pixels out of the capture where the OS can do it.

Windows 10 2004+ excludes a window from every capture with ``SetWindowDisplayAffinity``
(``WDA_EXCLUDEFROMCAPTURE``); earlier builds take that value as ``WDA_MONITOR`` and show
the window as a black box in captures, so there it is not asked (`os_excludes_from_capture`)
and the overlay masks its windows, as on X11. macOS does the same for a window whose
``sharingType`` is ``NSWindowSharingNone``, except that ScreenCaptureKit, through which
macOS 15 and later capture the screen a meeting app shares, ignores it: the others in the
call then see the overlay (`companion.ui.sharing`). X11 has no such thing: there the
overlay paints its rectangles out of each frame instead (see
`companion.capture.screen.paint_masks`). Neither the Windows nor the macOS path can be
exercised on the Linux machines the tests run on.
"""

from __future__ import annotations

import ctypes
import importlib
import logging
import sys

from PyQt6.QtWidgets import QWidget

log = logging.getLogger(__name__)

_WDA_EXCLUDEFROMCAPTURE = 0x11
_NS_WINDOW_SHARING_NONE = 0

WINDOWS_EXCLUDE_BUILD = 19041
"""Windows 10 version 2004, the first build that knows ``WDA_EXCLUDEFROMCAPTURE``."""


def os_excludes_from_capture(platform: str, windows_build: int | None = None) -> bool:
    """Whether to ask the OS to keep a window out of captures on ``platform`` (a
    ``sys.platform`` value); ``windows_build`` is the Windows build number, None if unknown.

    False means the overlay masks its windows out of its own frames instead. An unknown
    Windows build is not trusted: a black box in the user's shared screen is worse than a
    masked rectangle in the analysis.
    """
    if platform == "win32":
        return windows_build is not None and windows_build >= WINDOWS_EXCLUDE_BUILD
    return platform == "darwin"


def windows_build() -> int | None:
    """This Windows' build number; None elsewhere.

    ``getwindowsversion().build`` comes from GetVersionEx, which reports an older version to
    a program without a compatibility manifest, never a newer one; ``platform_version``
    reads the system's own file version. The larger of the two is the real build.
    """
    getter = getattr(sys, "getwindowsversion", None)
    if getter is None:
        return None
    version = getter()
    return max(int(version.build), int(version.platform_version[2]))


def exclude_from_capture(widget: QWidget) -> bool:
    """Ask the OS to leave ``widget``'s window out of screen captures; True if it agreed."""
    if not os_excludes_from_capture(sys.platform, windows_build()):
        return False
    try:
        if sys.platform == "win32":
            user32 = ctypes.WinDLL("user32", use_last_error=True)
            hwnd = ctypes.c_void_p(int(widget.winId()))
            return bool(user32.SetWindowDisplayAffinity(hwnd, _WDA_EXCLUDEFROMCAPTURE))
        objc = importlib.import_module("objc")
        view = objc.objc_object(c_void_p=int(widget.winId()))
        view.window().setSharingType_(_NS_WINDOW_SHARING_NONE)
        return True
    except Exception:
        log.info("the OS would not exclude %s from capture", widget.windowTitle(), exc_info=True)
    return False
