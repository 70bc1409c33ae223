"""End to end: ``companion run --attach "Zoom Meeting"`` beside a stand-in meeting window.

The stand-in (meeting_window.py) plays a 3x3 gallery of real clips in a window titled
like Zoom's call window. The companion must find it by title, capture it with mss, report
nine participants, follow it when it moves, pause while it is minimised, pause and resume
on the global shortcut, and show a prompt card once a clip's labelled cluster plays after
the prompter's warm-up. Screenshots of the screen go to the test's folder (and to
``$COMPANION_E2E_SHOTS`` when set).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mss
import mss.tools
import pytest
from xhelpers import XServer, start_python

from companion.bench.zoo.xserver import stop_process
from companion.capture.windows import WindowInfo
from companion.capture.windows.x11 import X11Lister
from companion.settings import Settings, save_settings

pytestmark = pytest.mark.e2e

# liveportrait_d19 and _d13 carry labelled "masked" clusters (3.8-5.9 s and 8.6-11.1 s),
# liveportrait_d10 a labelled "tension" one (11.0-14.0 s); the rest are calm talkers.
GALLERY = (
    "grid_bbaf2n.mpg",
    "liveportrait_d19.mp4",
    "grid_lbax4n.mpg",
    "videoretalking_face2.mp4",
    "liveportrait_d10.mp4",
    "pcavs_vox_Audio_Source_00104.mp4",
    "grid_brbk7n.mpg",
    "liveportrait_d13.mp4",
    "sadtalker_WDA_KatieHill_000.mp4",
)
RUN_SECONDS = 95.0


def read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if raw.endswith("\n"):
            lines.append(json.loads(raw))
    return lines


def screenshot(x: XServer, path: Path) -> Path:
    os.environ["DISPLAY"] = x.display
    with mss.MSS() as sct:
        shot = sct.grab(sct.monitors[1])
        mss.tools.to_png(shot.rgb, shot.size, output=str(path))
    keep = os.environ.get("COMPANION_E2E_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path


def ours(lister: X11Lister, pid: int, title: str) -> list[WindowInfo]:
    """Our windows whose title starts with ``title`` (Qt appends " — Companion")."""
    return [w for w in lister.windows() if w.pid == pid and w.title.startswith(title)]


def test_companion_follows_a_meeting_window_and_prompts(
    xserver: XServer, clip: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", xserver.display)
    clips = [str(clip(name)) for name in GALLERY]
    config = tmp_path / "config"
    save_settings(Settings(first_run_done=True), config / "companion" / "settings.json")
    events = tmp_path / "events.jsonl"
    player = start_python(
        xserver,
        "meeting_window.py",
        "--title",
        "Zoom Meeting",
        "--size",
        "1200x675",
        "--pos",
        "40,40",
        "--fps",
        "15",
        *clips,
        log=tmp_path / "player.log",
    )
    lister = X11Lister(xserver.display)
    companion: subprocess.Popen[str] | None = None
    try:
        assert player.stdout is not None and player.stdout.readline().strip() == "ready"
        companion = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "companion",
                "run",
                "--attach",
                "Zoom Meeting",
                "--events-jsonl",
                str(events),
                "--exit-after",
                str(RUN_SECONDS),
            ],
            env={**xserver.env, "XDG_CONFIG_HOME": str(config)},
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "companion.log").open("w"),
            text=True,
        )

        def lines(kind: str) -> list[dict[str, Any]]:
            return [e for e in read_events(events) if e["type"] == kind]

        def nine_in(region: list[float]) -> bool:
            return any(p["count"] == 9 and p["region"] == region for p in lines("participants"))

        xserver.wait_for(
            "watching", lambda: any(t["status"] == "watching" for t in lines("target")), 60
        )
        first = next(t for t in lines("target") if t["status"] == "watching")
        meeting = next(w for w in lister.windows() if w.pid == player.pid)
        assert first["title"] == "Zoom Meeting"
        assert first["region"] == [meeting.box.x, meeting.box.y, meeting.box.w, meeting.box.h]
        xserver.wait_for("nine participants", lambda: nine_in(first["region"]), 60)
        people = next(p for p in lines("participants") if p["count"] == 9)
        x, y, w, h = first["region"]
        for p in people["participants"]:
            bx, by, bw, bh = p["box"]
            assert x <= bx and bx + bw <= x + w and y <= by and by + bh <= y + h
        assert ours(lister, companion.pid, "Companion")
        screenshot(xserver, tmp_path / "overlay-watching.png")

        xserver.run("xdotool", "windowmove", hex(meeting.id), "300", "180")
        xserver.wait_for(
            "the new place",
            lambda: any(
                t["status"] == "watching" and t["region"][:2] != first["region"][:2]
                for t in lines("target")
            ),
            30,
        )
        moved = [t for t in lines("target") if t["status"] == "watching"][-1]
        assert moved["region"][2:] == first["region"][2:]
        assert moved["region"][0] > first["region"][0] and moved["region"][1] > first["region"][1]
        xserver.wait_for("nine participants in the new place", lambda: nine_in(moved["region"]), 60)

        xserver.run("xdotool", "windowminimize", hex(meeting.id))
        xserver.wait_for(
            "paused while minimised",
            lambda: any(t["status"] == "minimized" for t in lines("target")),
            30,
        )
        xserver.run("xdotool", "windowactivate", hex(meeting.id))
        xserver.wait_for(
            "watching again",
            lambda: lines("target")[-1]["status"] == "watching",
            30,
        )

        xserver.run("xdotool", "key", "ctrl+alt+p")
        xserver.wait_for("pause on the shortcut", lambda: bool(lines("pause")), 20)
        xserver.run("xdotool", "key", "ctrl+alt+p")
        xserver.wait_for("resume on the shortcut", lambda: bool(lines("resume")), 20)

        xserver.wait_for("a prompt", lambda: bool(lines("prompt")), RUN_SECONDS)
        prompt = lines("prompt")[0]
        assert prompt["text"] and prompt["pattern"] in {"tension", "drop", "masked"}
        assert any(
            c["pattern"] == prompt["pattern"] and c["participant"] == prompt["participant"]
            for c in lines("cluster")
        )
        xserver.wait_for(
            "the prompt card", lambda: bool(ours(lister, companion.pid, "Companion prompt")), 10
        )
        time.sleep(1.0)  # let the card finish its fade-in before the picture
        card = ours(lister, companion.pid, "Companion prompt")[0]
        assert card.box.w > 200 and card.box.h > 80
        screenshot(xserver, tmp_path / "overlay-prompt.png")

        assert companion.wait(timeout=RUN_SECONDS + 30) == 0
    finally:
        if companion is not None:
            stop_process(companion)
        stop_process(player)
        lister.close()
