"""Keep the overlay's tool windows in view while the meeting app has the focus (macOS).

Qt makes a ``Qt.Tool`` window an NSPanel on macOS, and an NSPanel hides whenever its app
is inactive, which during a call is all the time: the meeting app has the focus.
``WA_MacAlwaysShowToolWindow`` turns that off; Qt reads it when it creates the native
window, so `keep_in_view` is called in each tool window's constructor.

Spaces: Qt gives its panels the "full-screen auxiliary" collection behaviour (they may
share a Space with a full-screen window) and moves them to the active Space when they are
shown. Qt has no flag for "join all Spaces", which a window needs to stay on every Space,
including the one of a meeting in full screen; `join_all_spaces` sets it on the NSWindow
through pyobjc each time the window is shown. What Qt does not allow and is not done
here: the non-activating panel style (AppKit honours it fully only on a panel created
with it, and Qt creates the panel), which some apps also need to float over another
app's full-screen window. None of this has been run on macOS; other systems ignore it.
"""

from __future__ import annotations

import importlib
import logging
import sys

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtWidgets import QWidget

log = logging.getLogger(__name__)

NS_CAN_JOIN_ALL_SPACES = 1 << 0
NS_MOVE_TO_ACTIVE_SPACE = 1 << 1
NS_FULL_SCREEN_PRIMARY = 1 << 7
NS_FULL_SCREEN_AUXILIARY = 1 << 8
NS_FULL_SCREEN_NONE = 1 << 9
"""NSWindowCollectionBehavior bits (AppKit's NSWindow.h)."""

_failed = False


def all_spaces_behavior(current: int) -> int:
    """``current`` collection behaviour made to join every Space, full-screen ones included.

    AppKit refuses "join all Spaces" together with "move to the active Space", and allows
    one full-screen role only, so those bits are cleared.
    """
    cleared = current & ~(NS_MOVE_TO_ACTIVE_SPACE | NS_FULL_SCREEN_PRIMARY | NS_FULL_SCREEN_NONE)
    return cleared | NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY


def keep_in_view(widget: QWidget) -> None:
    """Keep the tool window ``widget`` shown while another app is active, on every Space.

    Call it in the constructor, after the window flags and before the first show.
    """
    widget.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)
    if sys.platform == "darwin":
        widget.installEventFilter(_JoinOnShow(widget))


def join_all_spaces(widget: QWidget) -> bool:
    """Make ``widget``'s NSWindow join every Space (`all_spaces_behavior`); True if done."""
    global _failed
    try:
        objc = importlib.import_module("objc")
        window = objc.objc_object(c_void_p=int(widget.winId())).window()
        window.setCollectionBehavior_(all_spaces_behavior(int(window.collectionBehavior())))
    except Exception:
        if not _failed:  # once: cards are shown at every prompt
            _failed = True
            log.info("%s cannot join all Spaces", widget.windowTitle(), exc_info=True)
        return False
    return True


class _JoinOnShow(QObject):
    """Applies `join_all_spaces` each time the watched window is shown."""

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:  # noqa: N802 (Qt override)
        """Never consumes the event."""
        if event is not None and event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            join_all_spaces(watched)
        return False
