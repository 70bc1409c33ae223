"""End to end: where the overlay puts itself beside a real Chromium meeting window.

A zoo page (Meet-style 3x2 of 16:9 webcams, one tile a meeting room) is drawn by Chromium
under Xvfb and openbox in three ways: a normal window with room on the right, maximized,
and full screen. ``companion run --attach`` then runs with its first-run window open. Read
from the X server (the window manager's frames), no overlay window may cover a
participant's head (the boxes companion reports, grown to the head), the panel must not
cover the first-run window, and both must be on the screen. Beside a normal window the
panel touches nothing of the meeting; over a maximized or full-screen one it is a pill
clear of every tile of the page.

``COMPANION_E2E_SHOTS=DIR`` keeps a screenshot of each case (docs/images has them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from xhelpers import _need, child_env

from companion.bench.zoo.browser import Browser, prepare_page, screenshot
from companion.bench.zoo.catalog import Page, placeholders
from companion.bench.zoo.xserver import display_for
from companion.capture.windows import WindowInfo
from companion.capture.windows.x11 import X11Lister
from companion.model import Box
from companion.ui.layout import head_of, overlaps
from companion.ui.panel import PANEL_SIZE, PILL_SIZE

pytestmark = pytest.mark.e2e

SCREEN = (1920, 1080)
HTML = "meet_webcam_3x2.html"
CASES = {
    "normal": Page(
        "placement_normal",
        HTML,
        "Zoo placement normal window",
        screen=SCREEN,
        window=(1280, 760),
        window_at=(300, 60),
    ),
    "maximized": Page(
        "placement_maximized", HTML, "Zoo placement maximized", SCREEN, maximized=True
    ),
    "fullscreen": Page(
        "placement_fullscreen", HTML, "Zoo placement full screen", SCREEN, fullscreen=True
    ),
}
SETTLE_S = 4.0
"""After the last face is found: time for the overlay to place its windows."""
FIRST_RUN_TITLE = "Welcome to Companion"


def _inside(box: Box, screen: Box) -> bool:
    return (
        box.x >= screen.x
        and box.y >= screen.y
        and box.x + box.w <= screen.x + screen.w
        and box.y + box.h <= screen.y + screen.h
    )


def _events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:  # the line being written
            continue
    return out


def _wait(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def _ours(lister: X11Lister, pid: int, title: str) -> list[WindowInfo]:
    """Our windows titled ``title`` (Qt may append " \u2014 Companion")."""
    return [w for w in lister.windows() if w.pid == pid and w.title.split(" \u2014 ")[0] == title]


def _overlay(lister: X11Lister, pid: int) -> list[WindowInfo]:
    """Our windows but the markers layer (click-through, shaped to bars off the faces)."""
    return [w for w in lister.windows() if w.pid == pid and "markers" not in w.title]


@pytest.mark.parametrize("case", list(CASES))
def test_no_overlay_window_covers_a_face_or_the_first_run_window(
    case: str,
    clip: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for tool in ("chromium", "Xvfb", "openbox"):
        _need(tool)
    page = CASES[case]
    clips = {name: clip(name) for _, name in placeholders(page.path.read_text(encoding="utf-8"))}
    monkeypatch.delenv("DISPLAY", raising=False)  # an Xvfb of the page's own size
    html = prepare_page(page, next(iter(clips.values())).parent, tmp_path)
    events = tmp_path / "events.jsonl"
    screen = Box(0, 0, *SCREEN)
    with display_for(page.screen) as display:
        browser = Browser(page, html, display.name, tmp_path)
        companion: subprocess.Popen[bytes] | None = None
        lister = X11Lister(display.name)
        try:
            layout = browser.wait_playing()
            meeting = browser.window()
            tiles = [t.box for t in layout.on_screen(meeting.box) if t.faces > 0]
            config = Path(tempfile.mkdtemp(dir=tmp_path))  # no settings: first run
            env = {**child_env(display.name), "XDG_CONFIG_HOME": str(config)}
            args = ["run", "--attach", page.title, "--events-jsonl", str(events)]
            companion = subprocess.Popen(
                [sys.executable, "-m", "companion", *args, "--exit-after", "90"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(tmp_path / "companion.log").open("wb"),
            )
            pid = companion.pid

            def people() -> list[dict[str, Any]]:
                found = [e for e in _events(events) if e["type"] == "participants"]
                return found[-1]["participants"] if found else []

            # With the first-run window open: the panel beside or over it, never on it.
            _wait("the meeting found", lambda: len(people()) >= 4, 60)
            time.sleep(SETTLE_S)
            panel = _ours(lister, pid, "Companion")[0].frame
            dialogs = _ours(lister, pid, FIRST_RUN_TITLE)
            assert dialogs, "no first-run window"
            dialog = dialogs[0].frame
            _keep(screenshot(display.name, screen, tmp_path / f"placement-{case}-first-run.png"))
            where = {"panel": panel, "dialog": dialog, "meeting": meeting.frame}
            assert _inside(panel, screen) and _inside(dialog, screen), where
            assert not overlaps(panel, dialog), where

            # "Got it": now every face must be found, and nothing of the overlay covers one.
            subprocess.run(
                ["xdotool", "windowactivate", "--sync", str(dialogs[0].id), "key", "Return"],
                env=env,
                check=True,
                timeout=20,
            )
            _wait(
                "the first-run window closed", lambda: not _ours(lister, pid, FIRST_RUN_TITLE), 20
            )
            _wait("all nine faces", lambda: len(people()) == 9, 60)
            time.sleep(SETTLE_S)
            heads = [head_of(Box(*p["box"])) for p in people()]
            overlay = [w.frame for w in _overlay(lister, pid)]
            titles = [w.title for w in _overlay(lister, pid)]
            panel = _ours(lister, pid, "Companion")[0]
            _keep(screenshot(display.name, screen, tmp_path / f"placement-{case}.png"))
        finally:
            lister.close()
            if companion is not None:
                companion.terminate()
                companion.wait(timeout=30)
            browser.close()
    where = {
        "panel": panel.frame,
        "meeting": meeting.frame,
        "overlay": list(zip(titles, overlay, strict=True)),
    }
    assert _inside(panel.frame, screen), where
    assert not any(overlaps(w, h) for w in overlay for h in heads), (where, heads)
    if case == "normal":
        assert (panel.box.w, panel.box.h) == PANEL_SIZE
        assert not any(overlaps(w, meeting.frame) for w in overlay), where
    else:
        assert meeting.frame.w >= SCREEN[0] - 2, where
        assert (panel.box.w, panel.box.h) == PILL_SIZE
        assert not any(overlaps(w, t) for w in overlay for t in tiles), (where, tiles)


def _keep(shot: Path) -> None:
    keep = os.environ.get("COMPANION_E2E_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
