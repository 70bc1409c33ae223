"""Window finding and screen capture on a real X server (Xvfb + openbox)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from xhelpers import XServer, start_python

from companion.bench.zoo.xserver import stop_process
from companion.capture.screen import MASK_RGB, ScreenGrabber
from companion.capture.windows.x11 import X11Lister
from companion.model import Box

pytestmark = pytest.mark.e2e


def find(lister: X11Lister, title: str) -> list[Box]:
    return [w.box for w in lister.windows() if w.title == title and not w.minimized]


def test_lists_follows_and_captures_a_real_window(
    xserver: XServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", xserver.display)
    window = start_python(
        xserver, "solid_window.py", "--rgb", "40,120,200", "--geometry", "100,80,640,360"
    )
    lister = X11Lister(xserver.display)
    try:
        assert window.stdout is not None and window.stdout.readline().strip() == "ready"
        xserver.wait_for("the window", lambda: bool(find(lister, "Zoom Meeting")))
        info = next(w for w in lister.windows() if w.title == "Zoom Meeting")
        assert info.pid == window.pid
        assert (info.box.w, info.box.h) == (640, 360)
        assert info.frame.w >= info.box.w and info.frame.h > info.box.h, "decorations"
        assert info.frame.x <= info.box.x and info.frame.y < info.box.y

        listed = subprocess.run(
            [sys.executable, "-m", "companion", "windows"],
            env={**xserver.env, "PYTHONPATH": os.pathsep.join(sys.path)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        b = info.box
        assert f"zoom   {b.x:.0f},{b.y:.0f},640,360  'Zoom Meeting'" in listed

        grabber = ScreenGrabber()
        frame = grabber.grab(info.box, masks=[Box(info.box.x, info.box.y, 50, 40)])
        assert frame is not None and frame.region == info.box
        assert frame.pixels.shape == (360, 640, 3)
        centre = frame.pixels[100:300, 100:600].reshape(-1, 3)
        assert np.abs(centre.astype(int) - (40, 120, 200)).max() <= 2
        assert (frame.pixels[:40, :50] == MASK_RGB).all()
        off = grabber.grab(Box(xserver.size[0] - 100, 10, 400, 300))
        assert off is not None and off.region.w == 100
        assert grabber.grab(Box(xserver.size[0] + 10, 0, 100, 100)) is None
        errors: list[BaseException] = []
        other = threading.Thread(target=lambda: _grab_catching(grabber, info.box, errors))
        other.start()
        other.join()
        assert errors and "thread" in str(errors[0])
        grabber.close()

        wid = hex(info.id)
        xserver.run("xdotool", "windowmove", wid, "300", "200")
        xserver.wait_for("the move", lambda: find(lister, "Zoom Meeting") != [info.box])
        moved = find(lister, "Zoom Meeting")[0]
        assert (moved.w, moved.h) == (640, 360) and moved.x > info.box.x

        xserver.run("xdotool", "windowminimize", wid)
        xserver.wait_for(
            "minimised",
            lambda: any(w.minimized for w in lister.windows() if w.title == "Zoom Meeting"),
        )
    finally:
        stop_process(window)
        lister.close()
    fresh = X11Lister(xserver.display)
    try:
        xserver.wait_for("the window to go", lambda: not find(fresh, "Zoom Meeting"))
    finally:
        fresh.close()


def _grab_catching(grabber: ScreenGrabber, box: Box, errors: list[BaseException]) -> None:
    try:
        grabber.grab(box)
    except RuntimeError as exc:
        errors.append(exc)


def test_qt_starts_on_xcb_after_opencv_was_imported(xserver: XServer, tmp_path: Path) -> None:
    code = (
        "import os, cv2\n"
        "assert 'cv2' in os.environ.get('QT_QPA_PLATFORM_PLUGIN_PATH', 'cv2'), 'cv2 set nothing'\n"
        "from companion.ui.qtenv import scrub_cv2_qt_paths\n"
        "removed = scrub_cv2_qt_paths()\n"
        "from PyQt6.QtWidgets import QApplication, QLabel\n"
        "app = QApplication([])\n"
        "label = QLabel('hello'); label.show(); app.processEvents()\n"
        "print(app.platformName(), ','.join(sorted(removed)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=xserver.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    platform, removed = done.stdout.split()
    assert platform == "xcb"
    assert "QT_QPA_PLATFORM_PLUGIN_PATH" in removed.split(",")


def test_a_headless_run_that_never_finds_its_window_says_so(xserver: XServer) -> None:
    command = ["run", "--headless", "--attach", "No Such Call", "--exit-after", "6"]
    done = subprocess.run(  # 6 s: the model loads before the first look for the window
        [sys.executable, "-m", "companion", *command],
        env={**xserver.env, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "companion: Looking for a meeting window" in done.stderr
    assert 'a window with "No Such Call" in its title never appeared' in done.stderr
