"""A real Chromium tab titled as Meet titles a call is found as a meeting, with no --attach."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from xhelpers import XServer, _need

from companion.capture.windows.x11 import X11Lister

pytestmark = pytest.mark.e2e

CALL_TITLE = "Meet \u2013 abc-defg-hij"  # an en dash, as Meet writes it


def test_a_chromium_meet_tab_with_an_en_dash_is_a_meeting(xserver: XServer, tmp_path: Path) -> None:
    chromium = _need("chromium")
    page = tmp_path / "call.html"
    page.write_text(
        f"<!doctype html><meta charset=utf-8><title>{CALL_TITLE}</title>"
        "<body style='background:#202124'>",
        encoding="utf-8",
    )
    profile = tmp_path / "profile"
    browser = subprocess.Popen(
        [
            chromium,
            "--no-sandbox",
            "--test-type",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--password-store=basic",
            f"--user-data-dir={profile}",
            "--window-size=900,600",
            page.as_uri(),  # a normal browser window: its title ends in " - Chromium"
        ],
        # its singleton socket folder goes to TMPDIR and outlives a terminated browser
        env={**xserver.env, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    lister = X11Lister(xserver.display)
    env = {**xserver.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        xserver.wait_for(
            "the Meet tab", lambda: any(CALL_TITLE in w.title for w in lister.windows()), 60
        )
        title = next(w.title for w in lister.windows() if CALL_TITLE in w.title)
        assert title != CALL_TITLE  # the browser's own suffix is there, as in real use

        listed = subprocess.run(
            [sys.executable, "-m", "companion", "windows"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f"'{title}'" in listed and listed.lstrip().startswith("meet"), listed

        events = tmp_path / "events.jsonl"
        headless = ["run", "--headless", "--events-jsonl", str(events), "--exit-after", "3"]
        run = subprocess.run(
            [sys.executable, "-m", "companion", *headless],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        lines = [json.loads(line) for line in events.read_text().splitlines()]
        followed = [line.get("title") for line in lines if line["type"] == "target"]
        assert title in followed, lines[:5]
    finally:
        lister.close()
        os.killpg(browser.pid, signal.SIGKILL)
        browser.wait()
