"""Participant tracking, driven by tables of synthetic boxes."""

from __future__ import annotations

from companion.model import Box
from companion.vision.tracker import ParticipantTracker, TrackerConfig


def _confirm_all(tracker: ParticipantTracker, t: float) -> None:
    for track in tracker.tracks:
        tracker.observe(track.key, track.box, t)


def test_detections_become_participants_only_when_landmarks_confirm_them() -> None:
    tracker = ParticipantTracker()
    created = tracker.update([Box(0, 0, 50, 50), Box(200, 0, 50, 50)], t=0.0)
    assert len(created) == 2
    assert tracker.participants() == []
    tracker.observe(created[1].key, Box(200, 0, 50, 50), 0.0)
    assert [p.id for p in tracker.participants()] == ["p1"]


def test_ids_follow_moving_boxes_frame_to_frame() -> None:
    tracker = ParticipantTracker()
    tracker.update([Box(0, 0, 50, 50), Box(300, 0, 50, 50)], 0.0)
    _confirm_all(tracker, 0.0)
    before = {p.id: p.box for p in tracker.participants()}
    # Both people move 10 px right; the list order is swapped to show matching is by place.
    created = tracker.update([Box(310, 0, 50, 50), Box(10, 0, 50, 50)], 0.1)
    assert created == []
    ids = {p.id for p in tracker.participants()}
    assert ids == set(before)


# Each row: seconds since the face was last seen -> whether it is still a participant.
ABSENCE_TABLE = [
    (0.5, True),  # a hand over the face for half a second: kept
    (1.9, True),  # just under the limit: kept
    (2.5, False),  # gone longer than max_missing_s (2.0): dropped
]


def test_short_misses_keep_a_participant_long_ones_drop_it() -> None:
    for gap, kept in ABSENCE_TABLE:
        tracker = ParticipantTracker(TrackerConfig(max_missing_s=2.0))
        tracker.update([Box(0, 0, 50, 50)], 0.0)
        _confirm_all(tracker, 0.0)
        tracker.update([], gap)
        assert (len(tracker.participants()) == 1) is kept, gap


def test_a_face_that_returns_after_being_dropped_gets_a_new_id() -> None:
    tracker = ParticipantTracker(TrackerConfig(max_missing_s=1.0))
    tracker.update([Box(0, 0, 50, 50)], 0.0)
    _confirm_all(tracker, 0.0)
    tracker.update([], 5.0)
    tracker.update([Box(0, 0, 50, 50)], 5.1)
    _confirm_all(tracker, 5.1)
    assert [p.id for p in tracker.participants()] == ["p2"]


def test_tentative_track_with_no_face_is_discarded_after_a_few_misses() -> None:
    tracker = ParticipantTracker(TrackerConfig(tentative_failures=3))
    (track,) = tracker.update([Box(0, 0, 50, 50)], 0.0)
    for _ in range(3):
        tracker.miss(track.key)
    assert tracker.tracks == []


def test_far_away_detection_starts_a_new_track_instead_of_stealing_an_id() -> None:
    tracker = ParticipantTracker()
    tracker.update([Box(0, 0, 50, 50)], 0.0)
    _confirm_all(tracker, 0.0)
    created = tracker.update([Box(400, 400, 50, 50)], 0.1)
    assert len(created) == 1
    assert len(tracker.tracks) == 2
