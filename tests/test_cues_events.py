"""Event logic, table-driven: a sequence of per-frame intensities in, the events out."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from companion.cues.events import EventDetector, EventParams, acceptable

FPS = 30.0
PARAMS = EventParams(on=1.0, off=0.6, min_duration_s=0.15, merge_gap_s=0.2)
SPEECH_ON = 1.5
SPEECH_MIN_S = 0.3


def _events(
    values: Sequence[float],
    speaking: Sequence[bool] | None = None,
    params: EventParams = PARAMS,
) -> list[tuple[float, float, float]]:
    """Feed one value per frame at 30 fps; the accepted events as (start, end, peak time)."""
    detector = EventDetector(params)
    speaking = speaking or [False] * len(values)
    raw = []
    for i, (value, talk) in enumerate(zip(values, speaking, strict=True)):
        raw.append(detector.update(i / FPS, value, strict_on=SPEECH_ON, strict=talk))
    raw.append(detector.finish())
    return [
        (round(e.start, 3), round(e.end, 3), round(e.peak_t, 3))
        for e in raw
        if e is not None and acceptable(e, params, SPEECH_MIN_S)
    ]


def _frames(*runs: tuple[float, int]) -> list[float]:
    """(value, number of frames), ... -> one value per frame."""
    return [value for value, count in runs for _ in range(count)]


def _t(frame: int) -> float:
    return round(frame / FPS, 3)


CASES = [
    pytest.param(
        # a 2-frame flicker above the threshold is landmark jitter, not a movement
        _frames((0.0, 10), (1.4, 2), (0.0, 10)),
        None,
        [],
        id="two-frame-flicker",
    ),
    pytest.param(
        # a press held for 18 frames (0.6 s): one event from onset to offset, apex at the top
        _frames((0.0, 10), (1.2, 8), (1.8, 1), (1.2, 9), (0.0, 10)),
        None,
        [(_t(10), _t(27), _t(18))],
        id="held-press",
    ),
    pytest.param(
        # the same 0.2 s press while talking: speech closes the lips that briefly, so no event
        _frames((0.0, 10), (1.8, 6), (0.0, 10)),
        [True] * 26,
        [],
        id="short-press-during-speech",
    ),
    pytest.param(
        # ... but the same 0.2 s press when silent is a (micro) press
        _frames((0.0, 10), (1.8, 6), (0.0, 10)),
        None,
        [(_t(10), _t(15), _t(10))],
        id="short-press-silent",
    ),
    pytest.param(
        # a long press during speech that reaches the raised bar still counts
        _frames((0.0, 10), (1.8, 12), (0.0, 10)),
        [True] * 32,
        [(_t(10), _t(21), _t(10))],
        id="long-press-during-speech",
    ),
    pytest.param(
        # during speech a long but weak press (above `on`, below the raised bar) does not
        _frames((0.0, 10), (1.2, 12), (0.0, 10)),
        [True] * 32,
        [],
        id="weak-press-during-speech",
    ),
    pytest.param(
        # two bursts 3 frames (0.1 s) apart are one movement
        _frames((0.0, 10), (1.5, 5), (0.0, 3), (1.5, 5), (0.0, 10)),
        None,
        [(_t(10), _t(22), _t(10))],
        id="two-bursts-merge",
    ),
    pytest.param(
        # two bursts 12 frames (0.4 s) apart are two movements
        _frames((0.0, 10), (1.5, 6), (0.0, 12), (1.5, 6), (0.0, 10)),
        None,
        [(_t(10), _t(15), _t(10)), (_t(28), _t(33), _t(28))],
        id="two-bursts-apart",
    ),
    pytest.param(
        # hysteresis: dipping below `on` but staying above `off` does not end the event
        _frames((0.0, 10), (1.2, 5), (0.7, 10), (1.2, 5), (0.0, 10)),
        None,
        [(_t(10), _t(29), _t(10))],
        id="hysteresis",
    ),
    pytest.param(
        # the onset is where the value first reached `off`, not where it crossed `on`
        _frames((0.0, 10), (0.8, 3), (1.4, 6), (0.0, 10)),
        None,
        [(_t(10), _t(18), _t(13))],
        id="onset-at-off-threshold",
    ),
    pytest.param(
        # a face first seen mid-movement: no onset was seen, so no event until it relaxes
        _frames((1.5, 10), (0.0, 10), (1.5, 6), (0.0, 10)),
        None,
        [(_t(20), _t(25), _t(20))],
        id="no-onset-at-first-frame",
    ),
    pytest.param(
        # below `on` all the time: nothing
        _frames((0.0, 5), (0.9, 20), (0.0, 5)),
        None,
        [],
        id="never-reaches-on",
    ),
    pytest.param(
        # still under way at the end of the video: closed at the last frame above `off`
        _frames((0.0, 10), (1.3, 10)),
        None,
        [(_t(10), _t(19), _t(10))],
        id="open-at-end",
    ),
]


@pytest.mark.parametrize(("values", "speaking", "expected"), CASES)
def test_events_from_frame_values(
    values: list[float], speaking: list[bool] | None, expected: list[tuple[float, float, float]]
) -> None:
    assert _events(values, speaking) == expected


def test_maximum_duration_drops_long_events() -> None:
    # a blink lasts well under half a second; eyes closed for 1 s is not a blink
    blink = EventParams(on=1.0, off=0.6, min_duration_s=0.05, merge_gap_s=0.1, max_duration_s=0.5)
    short = _frames((0.0, 10), (1.5, 4), (0.0, 10))
    long = _frames((0.0, 10), (1.5, 30), (0.0, 10))
    assert _events(short, params=blink) == [(_t(10), _t(13), _t(10))]
    assert _events(long, params=blink) == []


def test_detector_reports_when_active() -> None:
    detector = EventDetector(PARAMS)
    assert detector.update(0.0, 0.0) is None and not detector.active
    detector.update(0.1, 1.5)
    assert detector.active
    event = detector.finish()
    assert event is not None and not detector.active


@pytest.mark.parametrize(
    ("on", "off", "min_s"),
    [(1.0, 1.2, 0.1), (1.0, 0.0, 0.1), (1.0, 0.5, -0.1)],
)
def test_event_params_are_checked(on: float, off: float, min_s: float) -> None:
    with pytest.raises(ValueError):
        EventParams(on=on, off=off, min_duration_s=min_s)
