"""The environment Qt needs before PyQt6 starts: no OpenCV plugin paths, and a display.

MediaPipe depends on opencv-contrib-python, whose ``cv2`` package on Linux is built with
its own Qt 5 and, on import, points ``QT_QPA_PLATFORM_PLUGIN_PATH`` (and
``QT_QPA_FONTDIR``) into the ``cv2`` package. A PyQt6 application created afterwards may
then try to load Qt 5 platform plugins ("Could not load the Qt platform plugin xcb ...
even though it was found") or look for fonts in a folder that does not exist. Removing
those variables when they point inside ``cv2`` lets Qt 6 use its own plugins again.
Variables a user set to somewhere else are left alone.

`require_display` checks, before any QApplication exists, that Qt has somewhere to show
windows: on Linux without one, Qt's xcb plugin aborts the process with no usable message.
No Qt import here.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from companion.errors import InputError

log = logging.getLogger(__name__)

CV2_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")

NO_DISPLAY_MESSAGE = (
    "no display found: the overlay needs an X11 or Wayland session (DISPLAY / "
    "WAYLAND_DISPLAY unset); `companion analyze VIDEO` works without one"
)


def scrub_cv2_qt_paths(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Remove the Qt variables that point into the ``cv2`` package; returns their names."""
    env = os.environ if environ is None else environ
    removed = []
    for name in CV2_QT_VARIABLES:
        value = env.get(name)
        if value and _inside_cv2(value):
            del env[name]
            removed.append(name)
    if removed:
        log.debug("removed %s set by OpenCV's Qt build", ", ".join(removed))
    return removed


def _inside_cv2(value: str) -> bool:
    return any("cv2" in Path(part).parts for part in value.split(os.pathsep) if part)


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt can show windows here.

    Windows and macOS always can. Elsewhere Qt needs ``DISPLAY`` or ``WAYLAND_DISPLAY``,
    unless ``QT_QPA_PLATFORM`` names a platform that draws without one (offscreen,
    minimal, eglfs, vnc ...).
    """
    env = os.environ if environ is None else environ
    if (sys.platform if platform is None else platform) in ("win32", "darwin"):
        return True
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return True
    # "wayland;xcb" is a list to try in turn; "offscreen:fontengine=freetype" has options.
    names = [
        part.split(":")[0].strip().lower() for part in env.get("QT_QPA_PLATFORM", "").split(";")
    ]
    return any(name and not name.startswith(("xcb", "wayland")) for name in names)


def require_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> None:
    """Raise `InputError` (`NO_DISPLAY_MESSAGE`) where Qt has no display to open."""
    if not has_display(environ, platform):
        raise InputError(NO_DISPLAY_MESSAGE)
