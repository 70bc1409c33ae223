"""Undo what OpenCV's Qt build does to the environment before PyQt6 starts.

MediaPipe depends on opencv-contrib-python, whose ``cv2`` package on Linux is built with
its own Qt 5 and, on import, points ``QT_QPA_PLATFORM_PLUGIN_PATH`` (and
``QT_QPA_FONTDIR``) into the ``cv2`` package. A PyQt6 application created afterwards may
then try to load Qt 5 platform plugins ("Could not load the Qt platform plugin xcb ...
even though it was found") or look for fonts in a folder that does not exist. Removing
those variables when they point inside ``cv2`` lets Qt 6 use its own plugins again.
Variables a user set to somewhere else are left alone. No Qt import here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from pathlib import Path

log = logging.getLogger(__name__)

CV2_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


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
