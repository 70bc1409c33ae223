"""Keep the overlay's own pixels out of the capture where the OS can do it.

Windows 10 2004+ excludes a window from every capture with ``SetWindowDisplayAffinity``
(``WDA_EXCLUDEFROMCAPTURE``); macOS does the same for a window whose ``sharingType`` is
``NSWindowSharingNone``. X11 has no such thing: there the overlay paints its rectangles
out of each frame instead (see `companion.capture.screen.paint_masks`). Neither path can be
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


def exclude_from_capture(widget: QWidget) -> bool:
    """Ask the OS to leave ``widget``'s window out of screen captures; True if it agreed."""
    try:
        if sys.platform == "win32":
            user32 = ctypes.WinDLL("user32", use_last_error=True)
            hwnd = ctypes.c_void_p(int(widget.winId()))
            return bool(user32.SetWindowDisplayAffinity(hwnd, _WDA_EXCLUDEFROMCAPTURE))
        if sys.platform == "darwin":
            objc = importlib.import_module("objc")
            view = objc.objc_object(c_void_p=int(widget.winId()))
            view.window().setSharingType_(_NS_WINDOW_SHARING_NONE)
            return True
    except Exception:
        log.info("the OS would not exclude %s from capture", widget.windowTitle(), exc_info=True)
    return False
