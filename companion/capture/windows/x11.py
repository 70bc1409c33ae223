"""Top-level windows on X11 through EWMH properties (python-xlib, no Qt)."""

from __future__ import annotations

import logging
from typing import Any

from Xlib import X, Xatom, display, error
from Xlib.xobject.drawable import Window

from companion.capture.windows import WindowInfo
from companion.errors import InputError
from companion.model import Box

log = logging.getLogger(__name__)

_ICONIC_STATE = 3


class X11Lister:
    """Lists managed windows from ``_NET_CLIENT_LIST_STACKING`` (bottom first).

    Titles come from ``_NET_WM_NAME`` (UTF-8) or ``WM_NAME``, the owner from ``WM_CLASS``,
    minimised from ``_NET_WM_STATE_HIDDEN`` or an unmapped window; ``frame`` adds
    ``_NET_FRAME_EXTENTS``. X11 coordinates are physical pixels.
    """

    def __init__(self, display_name: str | None = None) -> None:
        try:
            self._display: display.Display | None = display.Display(display_name)
        except (error.DisplayError, error.ConnectionClosedError) as exc:
            raise InputError(f"cannot open the X display: {exc}") from exc
        self._root = self._display.screen().root
        self._atoms = {
            name: self._display.intern_atom(name)
            for name in (
                "_NET_CLIENT_LIST_STACKING",
                "_NET_CLIENT_LIST",
                "_NET_WM_NAME",
                "UTF8_STRING",
                "_NET_WM_PID",
                "_NET_FRAME_EXTENTS",
                "_NET_WM_STATE",
                "_NET_WM_STATE_HIDDEN",
                "_NET_WM_WINDOW_TYPE",
                "_NET_WM_WINDOW_TYPE_DESKTOP",
                "WM_STATE",
            )
        }

    def windows(self) -> list[WindowInfo]:
        """Managed top-level windows, bottom of the stack first."""
        if self._display is None:
            raise RuntimeError("window lister used after close()")
        found: list[WindowInfo] = []
        for wid in self._client_ids():
            try:
                info = self._describe(self._display.create_resource_object("window", wid))
            except error.XError:
                continue  # the window went away while we asked about it
            if info is not None:
                found.append(info)
        return found

    def close(self) -> None:
        """Close the X connection. Safe to call twice."""
        if self._display is not None:
            self._display.close()
            self._display = None

    def _client_ids(self) -> list[int]:
        for name in ("_NET_CLIENT_LIST_STACKING", "_NET_CLIENT_LIST"):
            prop = self._root.get_full_property(self._atoms[name], Xatom.WINDOW)
            if prop is not None:
                return [int(v) for v in prop.value]
        log.info("the window manager publishes no EWMH client list; no windows can be found")
        return []

    def _describe(self, win: Window) -> WindowInfo | None:
        types = self._cardinals(win, "_NET_WM_WINDOW_TYPE", Xatom.ATOM)
        if self._atoms["_NET_WM_WINDOW_TYPE_DESKTOP"] in types:
            return None
        geometry = win.get_geometry()
        origin = self._root.translate_coords(win, 0, 0)
        box = Box(origin.x, origin.y, geometry.width, geometry.height)
        extents = self._cardinals(win, "_NET_FRAME_EXTENTS", Xatom.CARDINAL)
        left, right, top, bottom = ([*extents, 0, 0, 0, 0])[:4]
        frame = Box(box.x - left, box.y - top, box.w + left + right, box.h + top + bottom)
        pids = self._cardinals(win, "_NET_WM_PID", Xatom.CARDINAL)
        wm_class = win.get_wm_class()
        return WindowInfo(
            id=int(win.id),
            title=self._title(win),
            owner=wm_class[1] if wm_class else "",
            pid=pids[0] if pids else 0,
            box=box,
            frame=frame,
            minimized=self._minimized(win),
        )

    def _title(self, win: Window) -> str:
        prop = win.get_full_property(self._atoms["_NET_WM_NAME"], self._atoms["UTF8_STRING"])
        if prop is not None:
            return _text(prop.value)
        prop = win.get_full_property(Xatom.WM_NAME, X.AnyPropertyType)
        return _text(prop.value) if prop is not None else ""

    def _minimized(self, win: Window) -> bool:
        states = self._cardinals(win, "_NET_WM_STATE", Xatom.ATOM)
        if self._atoms["_NET_WM_STATE_HIDDEN"] in states:
            return True
        wm_state = self._cardinals(win, "WM_STATE", self._atoms["WM_STATE"])
        if wm_state and wm_state[0] == _ICONIC_STATE:
            return True
        return bool(win.get_attributes().map_state != X.IsViewable)

    def _cardinals(self, win: Window, name: str, kind: int) -> list[int]:
        prop = win.get_full_property(self._atoms[name], kind)
        return [int(v) for v in prop.value] if prop is not None else []


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
