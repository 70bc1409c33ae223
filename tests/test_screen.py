"""Screen capture follows display changes (screens added, removed, resized)."""

from __future__ import annotations

from typing import Any

import mss
import numpy as np
import pytest

from companion.capture.screen import SCREENS_REREAD_S, ScreenGrabber
from companion.errors import InputError
from companion.model import Box


class Display:
    """The fake X server: its size can change under the grabber, like a real one."""

    def __init__(self) -> None:
        self.size = (1920, 1080)
        self.fail_next = False
        self.opened = 0


def fake_mss(display: Display) -> Any:
    class FakeMSS:
        """Reads the screen layout once, when created, as mss does."""

        def __init__(self) -> None:
            display.opened += 1
            w, h = display.size
            self.monitors = [{"left": 0, "top": 0, "width": w, "height": h}]

        def grab(self, monitor: dict[str, int]) -> np.ndarray:
            if display.fail_next:
                display.fail_next = False
                raise mss.ScreenShotError("XGetImage failed")
            return np.zeros((monitor["height"], monitor["width"], 4), np.uint8)

        def close(self) -> None:
            pass

    return FakeMSS


def test_a_smaller_screen_is_noticed_within_the_reread_interval() -> None:
    display, now = Display(), [0.0]
    grabber = ScreenGrabber(clock=lambda: now[0], open_mss=fake_mss(display))
    region = Box(1000, 500, 800, 400)
    first = grabber.grab(region)
    assert first is not None and first.region == region
    display.size = (1280, 720)  # the big monitor was unplugged
    now[0] += SCREENS_REREAD_S + 0.1
    later = grabber.grab(region)
    assert later is not None and later.region == Box(1000, 500, 280, 220)
    assert later.pixels.shape == (220, 280, 3)


def test_a_region_now_off_every_screen_gives_no_frame() -> None:
    display, now = Display(), [0.0]
    grabber = ScreenGrabber(clock=lambda: now[0], open_mss=fake_mss(display))
    assert grabber.grab(Box(1500, 800, 300, 200)) is not None
    display.size = (1280, 720)
    now[0] += SCREENS_REREAD_S + 0.1
    assert grabber.grab(Box(1500, 800, 300, 200)) is None


def test_a_failed_grab_is_an_input_error_and_the_next_grab_starts_afresh() -> None:
    display, now = Display(), [0.0]
    grabber = ScreenGrabber(clock=lambda: now[0], open_mss=fake_mss(display))
    assert grabber.grab(Box(0, 0, 100, 100)) is not None
    display.fail_next = True
    with pytest.raises(InputError, match="screen capture failed"):
        grabber.grab(Box(0, 0, 100, 100))
    assert grabber.grab(Box(0, 0, 100, 100)) is not None
    assert display.opened == 2
