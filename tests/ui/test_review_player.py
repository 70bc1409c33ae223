"""The review player on a real clip: jump between moments, slow replay, step, loop, seek."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from companion.model import CueEvent
from companion.review.moments import Flag, Moment
from companion.ui.review_player import SLOW, ReviewPlayer

ClipFinder = Callable[[str], Path]


def _moment(kind: str, cue: str, start: float, end: float) -> Moment:
    flag = Flag(kind, start, end, (start + end) / 2, (cue,))
    return Moment(start, end, flag.apex, (flag,), (cue,), end - start < 0.5)


# Moments of liveportrait_d19.mp4 as a review lists them (times in seconds).
MOMENTS = [
    _moment("lip_press", "lip_press", 3.0, 3.27),
    _moment("lip_press", "lip_press", 3.87, 4.47),
    _moment("smile_without_eyes", "smile", 6.4, 6.6),
]
EVENTS = [CueEvent("p1", "lip_press", 3.87, 4.47, 4.37, 0.6)]


@pytest.fixture
def player(qtbot: QtBot, clip: ClipFinder) -> Iterator[ReviewPlayer]:
    """A player on the real clip, shown offscreen, with a short lead so replays end soon."""
    widget = ReviewPlayer(clip("liveportrait_d19.mp4"), MOMENTS, EVENTS, lead_s=0.1)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()


def _key(qtbot: QtBot, player: ReviewPlayer, key: Qt.Key) -> None:
    qtbot.keyClick(player, key)


def test_next_and_previous_jump_between_moments(qtbot: QtBot, player: ReviewPlayer) -> None:
    assert player.index == 0 and player.title_label.text() == "Between moments"
    _key(qtbot, player, Qt.Key.Key_N)
    assert player.index == player.frame_of(3.0) == 90
    assert player.title_label.text().startswith("1. Lips pressed, briefly")
    _key(qtbot, player, Qt.Key.Key_N)
    assert player.index == player.frame_of(3.87)
    assert player.title_label.text().startswith("2. Lips held pressed")
    assert "Breathe out" in player.tip_label.text()
    assert "lips pressed" in player.now_label.text()
    _key(qtbot, player, Qt.Key.Key_N)
    _key(qtbot, player, Qt.Key.Key_N)  # past the last moment: stays on it
    assert player.index == player.frame_of(6.4)
    _key(qtbot, player, Qt.Key.Key_P)
    assert player.index == player.frame_of(3.87)
    _key(qtbot, player, Qt.Key.Key_P)
    _key(qtbot, player, Qt.Key.Key_P)  # before the first: stays on it
    assert player.index == player.frame_of(3.0)
    assert not player.playing


def test_step_moves_one_frame_and_back_to_the_same_picture(
    qtbot: QtBot, player: ReviewPlayer
) -> None:
    player.seek_frame(100)
    before = player.frame
    assert before is not None
    _key(qtbot, player, Qt.Key.Key_Right)
    assert player.index == 101
    assert player.frame is not None and not np.array_equal(player.frame, before)
    _key(qtbot, player, Qt.Key.Key_Left)
    assert player.index == 100
    assert np.array_equal(player.frame, before)
    _key(qtbot, player, Qt.Key.Key_Left)
    assert player.index == 99
    player.seek_frame(0)
    _key(qtbot, player, Qt.Key.Key_Left)  # no frame before the first
    assert player.index == 0


def test_slow_replay_plays_the_moment_frame_by_frame_and_stops(
    qtbot: QtBot, player: ReviewPlayer
) -> None:
    _key(qtbot, player, Qt.Key.Key_N)
    shown: list[int] = []
    player.position_changed.connect(shown.append)
    _key(qtbot, player, Qt.Key.Key_S)
    first, last = player.frame_of(3.0 - 0.1), player.frame_of(3.27 + 0.1)
    assert player.replay_range == (first, last)
    assert player.playing and player.speed == SLOW
    assert player.timer.interval() == round(1000 / (player.fps * SLOW))
    assert "1/4 speed" in player.status_label.text()
    qtbot.waitUntil(lambda: not player.playing, timeout=20_000)
    assert player.index == last
    assert shown == list(range(first, last + 1))  # every frame, in order, none skipped


def test_loop_replays_the_moment_again(qtbot: QtBot, player: ReviewPlayer) -> None:
    _key(qtbot, player, Qt.Key.Key_N)
    _key(qtbot, player, Qt.Key.Key_L)
    assert player.loop and "loop on" in player.status_label.text()
    shown: list[int] = []
    player.position_changed.connect(shown.append)
    _key(qtbot, player, Qt.Key.Key_S)
    first, last = player.replay_range or (0, 0)
    qtbot.waitUntil(lambda: shown.count(first) >= 2, timeout=30_000)
    assert player.playing and max(shown) == last
    _key(qtbot, player, Qt.Key.Key_Space)
    assert not player.playing


def test_play_runs_at_normal_speed_and_pause_holds(qtbot: QtBot, player: ReviewPlayer) -> None:
    _key(qtbot, player, Qt.Key.Key_Space)
    assert player.playing and player.speed == 1.0
    assert player.timer.interval() == round(1000 / player.fps)
    qtbot.waitUntil(lambda: player.index >= 5, timeout=10_000)
    _key(qtbot, player, Qt.Key.Key_Space)
    held = player.index
    qtbot.wait(200)
    assert not player.playing and player.index == held


def test_clicking_the_timeline_seeks(qtbot: QtBot, player: ReviewPlayer) -> None:
    timeline = player.timeline
    x = round(timeline.x_of(4.0))
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, timeline.height() // 2))
    assert abs(player.t - 4.0) < 0.1
    assert player.title_label.text().startswith("2.")
    assert timeline.current == 1
