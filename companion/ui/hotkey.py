"""The pause shortcut, global where the platform allows it.

On X11 the key is grabbed on the root window (python-xlib, in its own thread with its
own connection), so it works whichever window has the focus. Elsewhere, or when another
program holds the key, the overlay falls back to an application shortcut that works only
while one of its windows has the focus, and says so.
"""

from __future__ import annotations

import logging
import select
import threading

from companion.capture.windows import display_server

log = logging.getLogger(__name__)

SHORTCUT_TEXT = "Ctrl+Alt+P"


class GlobalHotkey:
    """Ctrl+Alt+P grabbed on the X11 root window; `take` says whether it was pressed."""

    def __init__(self) -> None:
        self._pressed = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Grab the key; False when this platform or display does not allow it."""
        if display_server() != "x11":
            return False
        try:
            from Xlib import XK, X, display, error

            conn = display.Display()
            root = conn.screen().root
            keycode = conn.keysym_to_keycode(XK.string_to_keysym("p"))
            catcher = error.CatchError(error.BadAccess)
            base = X.ControlMask | X.Mod1Mask
            for extra in (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask):
                root.grab_key(
                    keycode, base | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=catcher
                )
            conn.sync()
            if catcher.get_error() is not None:
                conn.close()
                log.info("%s is taken by another program; using an app shortcut", SHORTCUT_TEXT)
                return False
        except Exception:
            log.info("could not grab %s globally", SHORTCUT_TEXT, exc_info=True)
            return False
        self._thread = threading.Thread(target=self._listen, args=(conn,), daemon=True)
        self._thread.start()
        return True

    def _listen(self, conn: object) -> None:
        from Xlib import X
        from Xlib.display import Display

        assert isinstance(conn, Display)
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([conn.fileno()], [], [], 0.2)
                if not ready:
                    continue
                while conn.pending_events():
                    if conn.next_event().type == X.KeyPress:
                        self._pressed.set()
        finally:
            conn.close()

    def take(self) -> bool:
        """Whether the key was pressed since the last call."""
        if self._pressed.is_set():
            self._pressed.clear()
            return True
        return False

    def stop(self) -> None:
        """Release the grab and end the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None
