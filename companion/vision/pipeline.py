"""Wires the stages: find tiles and faces now and then, follow participants, landmark each one.

Synchronous by design: `Pipeline.step` takes one frame and returns what it saw. The UI
owns the worker thread; `companion analyze` and `companion bench` call it in a loop.

Per frame (`Pipeline.step`):

1. A survey, told to the tracker in one `ParticipantTracker.update`: every
   ``layout_interval_s``, and in a gallery at the frame after a face is found where
   nobody was followed, the gallery layout is read (`vision.layout`: the tiles of a Zoom
   or Meet gallery, or one area for a camera scene or a single video); face search runs
   per tile, at the tile's own scale (`tiling.search_windows`), only where it is due
   (tiles with nobody followed every ``detect_interval_s``, tiles where someone is
   missing every ``lost_detect_interval_s``, tiles whose person is followed every
   ``recheck_interval_s``), its detector calls spread over frames within the search share
   of the CPU budget; found faces whose brows or mouth changed are seen to be alive.
2. Landmarking, in the order of the scheduler's plan (`vision.scheduler`) while the
   budget lasts: the focused participant every frame, the others round-robin, nobody
   starved. A face whose brows and mouth did not change since its last model call keeps
   its landmarks without a model call (``still_level``). The results go to the tracker
   in a second update, with each participant's look around the landmarks just found (at
   most every ``verify_interval_s``), so an id never stays on a tile whose person
   changed (a reshuffled gallery).

Face detection and landmarking come in through small protocols, so this module never
imports MediaPipe and tests can drive it with fakes and a fake CPU clock.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from companion.model import Box, Face, Frame, Participant, RGBImage
from companion.vision.appearance import Signature, signature
from companion.vision.facepoints import points_from_landmarks
from companion.vision.imaging import CROP_MAX_SIDE
from companion.vision.layout import LayoutConfig, find_tiles, is_gallery, reshuffled
from companion.vision.motion import (
    AliveRule,
    FirstLook,
    Snapshot,
    came_alive,
    drifted,
    first_look,
    is_still,
    snapshot,
    snapshot_at,
)
from companion.vision.scheduler import Candidate, Scheduler, SchedulerConfig
from companion.vision.tiling import (
    Detection,
    search_windows,
    suppress_overlaps,
    too_small,
    touches_inner_edge,
)
from companion.vision.tracker import (
    Evidence,
    Landmarked,
    ParticipantTracker,
    Sighting,
    Track,
    TrackerConfig,
)


class Detector(Protocol):
    """Finds face boxes inside one window of a frame."""

    def detect(self, pixels: RGBImage, window: Box, within: Box | None = None) -> list[Detection]:
        """Faces found in ``window``, in frame pixels (pixels outside ``within`` black)."""
        ...

    def close(self) -> None:
        """Release native resources."""
        ...


class Landmarker(Protocol):
    """Landmarks the single face inside a crop of a frame."""

    def landmark(
        self, pixels: RGBImage, crop: Box, t: float, within: Box | None = None
    ) -> Face | None:
        """The face in ``crop`` (pixels outside ``within`` black), in frame coordinates."""
        ...

    def close(self) -> None:
        """Release native resources."""
        ...


@dataclass
class PipelineConfig:
    """Where and how often to search, how to crop, and the CPU budget."""

    detect_interval_s: float = 1.0
    """Search a tile with nobody followed (or a camera scene) this often."""
    lost_detect_interval_s: float = 0.25
    """Search a tile where a participant is missing this often."""
    recheck_interval_s: float = 5.0
    """Search a gallery tile whose participant is followed this often (someone may join them)."""
    scene_recheck_interval_s: float = 2.0
    """Search a camera scene whose faces are all followed this often (someone may walk in)."""
    layout_interval_s: float = 1.0
    """Read the gallery layout this often (a reshuffle shows sooner in identity checks)."""
    min_face: float = 24.0
    """Smallest face height in frame pixels worth finding (a 7x7 gallery's faces, a meeting
    room's people in one tile). Once a tile's people are followed, its later searches look
    for faces down to half the smallest of theirs."""
    crop_from_landmarks: float = 1.6
    """Crop side as a multiple of the landmark box's larger side."""
    crop_from_detection: float = 2.4
    """Crop side as a multiple of a detector box (which spans eyes to mouth only) ..."""
    crop_from_small_detection: float = 3.0
    """... or up to this multiple while the crop stays small enough not to be scaled down
    (`CROP_MAX_SIDE`): a wider margin then costs no resolution, and a small face's crop
    holds its whole head, which the landmarker's region reaches (an 11 px face in a 7x7
    gallery read presence 0.09 at 2.4 and 0.92 at 3)."""
    exclude: tuple[Box, ...] = ()
    """Regions never analysed, such as the user's own self-view tile."""
    verify_interval_s: float = 0.25
    """Check each participant's appearance this often (ids follow people, not places), at
    their model calls: the look is taken around the landmarks just found. Taken where
    the last landmarks were, up to a second earlier for a face sampled once a second in
    a large gallery, it read the wall beside a person who had leaned since, and freed the
    ids of people who had not changed."""
    check_size_change: float = 1.3
    """A look is taken for the check only around a fit of about the size of the face's
    last few (width and height within this factor of the median of its last `FITS_KEPT`
    fits). In a 7x7 gallery a 70x90 px face's fit shrank to part of it (59x54) for a call
    or two now and then: the look around it held less hair and collar and read as someone
    else, and the id was freed. A fit that shrinks over two calls passes a test against
    the last fit alone: such checks were most of the 7x7's looks far from the person's
    own. A person's fits one second apart on the labelled clips change by at most 1.18
    (height) and 1.14 (width) in 99 of 100 pairs; a swapped tile is checked once its
    fits have settled."""
    fit_collapse: float = 1.8
    """A fit narrower or shorter than the median of the face's last `FITS_KEPT` fits by
    more than this is part of the face (an eye, the mouth), not the face, and counts as a
    miss. A phone video's 36 px face (`liveportrait_s29`, mid-laugh) was fitted as 16x14;
    the track's box stayed there, the detector's 37 px box of the face no longer matched
    it, and the face came back as a new track that had to be seen alive again (missing
    for the last 6.5 s of a 15 s browser run). A person's fits one second apart change
    by at most 1.40 in 999 pairs of 1000 (see `check_size_change`)."""
    still_level: float | None = 0.5
    """Mean grey change in brows and mouth under which a face counts as unchanged and keeps
    its landmarks without a model call; None always calls the model. At 0.5 the blendshape
    changes it hides stay within the landmarker's own jitter on repeated identical frames
    (about 0.1 on talking-head clips); 1.0 would hide changes of 0.2, a real movement."""
    max_still_s: float = 1.0
    """An unchanged face is landmarked again at least this often."""
    alive_level: float | None = 0.05
    """Mean grey change in brows or mouth, between the first look at a found face and a
    later frame, that a person on video shows at least ... A photo, an avatar or a frozen
    video never becomes a participant: the screen pixels of a still image are identical
    from frame to frame. Until then the face costs a glance at a few thumbnails per frame,
    not a model call. None: every face found is a participant (a screenshot, where nothing
    moves)."""
    alive_contrast: float = 0.3
    """... and, in the brows or the mouth, more than this fraction of what shifting that
    region by one pixel changes (see `motion.came_alive`): a video's noise changes a face
    printed in it by less, a person's smallest head movement by more. On the layout zoo's
    pages, recorded from the screen for 20-30 s, a face the detector sees in a map behind
    a talker changed by at most 0.23 of it against its first look (it had passed the
    backdrop margin alone in 0.9 s); each of 54 people passed 0.3 within 0.6 s."""
    alive_margin: float = 2.0
    """... and by more than this many times the calmer side of its backdrop did: a face
    printed on a poster in someone's video moves with the camera's shake as the wall
    beside it does. On the layout zoo's webcam and meeting-room tiles real faces changed
    2-30 times as much as the calmer side within 0.3 s of being found. At 3, a 7x7
    gallery's small faces, against padding that changes with their own video, took up to
    7.5 s to be confirmed."""
    alive_margin_below: float = 0.25
    """Only a face shorter than this fraction of its tile's short side, or beside a larger
    one, must beat its backdrop by `alive_margin`. The faces printed in someone's room
    are smaller than the person beside them (on the zoo's pages: a map face 0.18-0.19 of
    its tile by its detector box, beside a talker of 0.35; banner faces and a poster
    0.03-0.04); the largest face of a tile, this large, is the tile's person, whose
    camera may move (a phone in the hand, a dolly) and change the backdrop as much as
    the face: `liveportrait_s18` in a filmstrip tile (0.35) changed by 1.1-1.2 times her
    backdrop and was never confirmed."""
    still_recheck_s: float = 2.0
    """A found face not yet seen to change is landmarked again only this often (so a
    photo that goes away is noticed)."""
    waiting_recheck_s: float = 0.25
    """Under a CPU budget, a face seen alive and waiting for its id (`may_name_at`)
    is landmarked again only this often, and when it may be named. New faces come first
    in the landmarking order: on every frame of their wait, four or five waiting faces of
    a 7x7 page took the first calls of the faces found after them for a second or two.
    Not landmarked at all while waiting, a walking person's box stayed behind (58 px in
    0.8 s in `facerecognition_short_hamilton_clip`) and a search started a second track
    on their face. Without a budget everyone is landmarked on every frame."""
    tracker: TrackerConfig = field(default_factory=TrackerConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    layout: LayoutConfig = field(default_factory=LayoutConfig)

    @classmethod
    def offline(cls) -> PipelineConfig:
        """Settings for a recorded video: every participant landmarked on every frame, and
        every face found a participant (a recording shows people, not a call's photos)."""
        return cls(still_level=None, alive_level=None, scheduler=SchedulerConfig(budget_cores=None))


@dataclass(frozen=True)
class StepResult:
    """What one frame showed."""

    t: float
    participants: tuple[Participant, ...]
    faces: Mapping[str, Face]
    """Faces sampled in this frame, by participant id (absent: not sampled this frame)."""
    searched: bool
    """Whether any face search ran on this frame."""
    carried: frozenset[str] = frozenset()
    """Ids whose face is the previous landmarks, re-stamped: brows and mouth had not changed."""
    focus: str | None = None
    """The participant sampled at full rate."""
    tiles: tuple[Box, ...] = ()
    """The layout's tiles (one area for a camera scene)."""


@dataclass
class PipelineStats:
    """Running counts and CPU seconds, for `companion bench`."""

    frames: int = 0
    model_calls: int = 0
    carried: int = 0
    detector_calls: int = 0
    landmark_s: float = 0.0
    search_s: float = 0.0
    total_s: float = 0.0


@dataclass
class _Area:
    box: Box
    last_search: float = -math.inf
    """Frame time its last search completed."""
    queued: int = 0
    """Its windows still in the search queue: a search of it is under way while any are."""
    search_by: float = math.inf
    """When to search it again whatever its people: soon after a face found in it was
    given up (`PipelineConfig.detect_interval_s`)."""


@dataclass
class _Landmarking:
    """One frame's landmarking: each track's result for the tracker, and the faces."""

    results: dict[int, Landmarked | None] = field(default_factory=dict)
    """By track key, in the order the calls were made (None: no face in the crop)."""
    faces: dict[int, Face] = field(default_factory=dict)
    """By track key: the faces landmarked or re-stamped, in the order they were."""
    carried: dict[int, str] = field(default_factory=dict)
    """The re-stamped ones (brows and mouth unchanged), with their participant's id."""
    looks: dict[int, Signature] = field(default_factory=dict)
    """Identity checks: how the participants landmarked now look around their new
    landmarks (`PipelineConfig.verify_interval_s`)."""
    focus: str | None = None
    """The participant sampled at full rate (`Plan.focus`)."""


FITS_KEPT = 5
"""Fits of a face whose median size a check's fit is compared with (`check_size_change`)."""


@dataclass
class _Sampled:
    """Per-track state the tracker does not need: the model, the last face, its snapshot."""

    landmarker: Landmarker
    face: Face | None = None
    snap: Snapshot | None = None
    last_sample: float = -math.inf
    last_model: float = -math.inf
    first_look: FirstLook | None = None
    """Brows and mouth, and beside them, when the face was first landmarked, until it is
    seen to change."""
    alive: bool = False
    """Whether the face has been seen to change: a photo, an avatar or a frozen video never
    does, and never becomes a participant (`PipelineConfig.alive_level`)."""
    recheck_at: float = -math.inf
    """A face not yet seen to change is landmarked again only from then on
    (`PipelineConfig.still_recheck_s`)."""
    next_check: float = -math.inf
    """The participant's look is checked at their first model call from then on."""
    fits: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=FITS_KEPT))
    """Width and height of the face's last few fits (`PipelineConfig.check_size_change`)."""


class Pipeline:
    """Face finding, participant tracking and per-participant landmarking for a stream.

    ``clock`` measures CPU seconds (the budget's currency); tests pass a fake one.
    """

    def __init__(
        self,
        detector: Detector,
        make_landmarker: Callable[[], Landmarker],
        config: PipelineConfig | None = None,
        clock: Callable[[], float] = time.process_time,
    ) -> None:
        self.config = config or PipelineConfig()
        self.stats = PipelineStats()
        self._detector = detector
        self._make_landmarker = make_landmarker
        self._clock = clock
        self._tracker = ParticipantTracker(self.config.tracker)
        self._scheduler = Scheduler(self.config.scheduler)
        self._sampled: dict[int, _Sampled] = {}
        self._areas: list[_Area] = []
        self._gallery = False
        self._queue: deque[tuple[Box, Box]] = deque()
        self._next_layout = -math.inf

    @property
    def focus(self) -> str | None:
        """The participant the user chose to follow at full rate (None: the largest face)."""
        return self._scheduler.focus

    @focus.setter
    def focus(self, participant: str | None) -> None:
        self._scheduler.focus = participant

    def step(self, frame: Frame) -> StepResult:
        """Process one frame: read the layout and search if due, then landmark under budget."""
        start = self._clock()
        spent = self.stats.search_s + self.stats.landmark_s
        t = frame.t
        evidence, searched = self._survey(frame.pixels, t)
        seen = self._tracker.update(evidence, t)
        if seen.created and self._gallery:
            # A face where nobody was followed may be a tile that moved: the layout is
            # read again at the next frame, before the face can be named (it must first
            # be seen to change), so that a reflow is known while it waits for its id.
            self._next_layout = t
        self._forget_faces(seen.freed)
        done = self._landmark(frame, t)
        after = self._tracker.update(
            Evidence(looks=done.looks, landmarked=done.results, still=done.carried.keys()), t
        )
        self._forget_faces(after.freed)
        self._search_again([*seen.given_up, *after.given_up], t)
        faces = self._faces(done, [*seen.dropped, *after.dropped])
        self._release_orphans()
        self._charge_overhead(start, spent)
        return StepResult(
            t,
            tuple(self._tracker.participants()),
            faces,
            searched,
            frozenset(done.carried.values()),
            done.focus,
            tuple(a.box for a in self._areas),
        )

    def _survey(self, pixels: RGBImage, t: float) -> tuple[Evidence, bool]:
        """What the frame shows the tracker before landmarking: the layout and the faces
        found, where due and the budget allows, found faces seen to come alive, faces in
        excluded regions. Also whether any search ran."""
        layout = self._read_layout(pixels, t) if t >= self._next_layout else Evidence()
        self._enqueue_due_searches(t)
        # A face found and awaiting confirmation needs landmark calls as much as a followed
        # one: were search to take the whole budget until someone is confirmed, a large
        # gallery still being searched would never confirm anyone.
        tracking = bool(self._tracker.tracks)
        self._scheduler.begin(t, bool(self._queue), tracking, urgent=self._search_urgent())
        sightings, searched = self._search(pixels, t)
        evidence = Evidence(
            sightings=sightings,
            landmarked=self._watch_for_life(pixels),
            # An excluded face (the user's own tile) costs no model call and never appears
            # in the result.
            gone=[tr.key for tr in self._tracker.tracks if self._excluded(tr.box)],
            tiles=layout.tiles,
            reshuffled=layout.reshuffled,
        )
        return evidence, searched

    def _charge_overhead(self, start: float, spent: float) -> None:
        """Count the frame, and charge the budget the frame's own work: its CPU time since
        ``start`` less the searches and model calls, already charged."""
        elapsed = self._clock() - start
        work = self.stats.search_s + self.stats.landmark_s - spent
        self._scheduler.spend_overhead(max(0.0, elapsed - work))
        self.stats.frames += 1
        self.stats.total_s += elapsed

    def close(self) -> None:
        """Close the detector and every landmarker."""
        for key in list(self._sampled):
            self._release(key)
        self._detector.close()

    # Layout and search

    def _read_layout(self, pixels: RGBImage, t: float) -> Evidence:
        """Read the tiles; what the tracker is to know of them (moved, reshuffled)."""
        self._next_layout = t + self.config.layout_interval_s
        tiles = [b for b in find_tiles(pixels, self.config.layout) if not self._excluded(b)]
        old = self._areas
        areas: list[_Area] = []
        moved = len(tiles) != len(old)
        for box in tiles:
            same = max(old, key=lambda a: a.box.iou(box), default=None)
            overlap = same.box.iou(box) if same is not None else 0.0
            if same is None or overlap <= 0.5:
                moved = True
                areas.append(_Area(box))
            elif overlap > 0.9:
                areas.append(_Area(same.box, same.last_search, search_by=same.search_by))
            else:
                moved = True
                areas.append(_Area(box, same.last_search, search_by=same.search_by))
        self._areas = areas
        self._gallery = is_gallery(tiles)
        live = {a.box for a in areas}
        self._queue = deque(item for item in self._queue if item[0] in live)
        queued = Counter(item[0] for item in self._queue)
        for area in areas:
            area.queued = queued[area.box]
        return Evidence(
            tiles=[a.box for a in areas] if moved else None,
            reshuffled=reshuffled([a.box for a in old], tiles, self._people()),
        )

    def _people(self) -> list[tuple[float, float]]:
        """Where the participants' faces are (their boxes' centres)."""
        return [(tr.box.cx, tr.box.cy) for tr in self._tracker.tracks if tr.confirmed]

    def _search_interval(self, area: Box) -> float:
        inside = [tr for tr in self._tracker.tracks if area.contains_point(tr.box.cx, tr.box.cy)]
        config = self.config
        if any(tr.failures for tr in inside):
            return config.lost_detect_interval_s
        if not any(tr.confirmed or self._watched(tr.key) for tr in inside):
            return config.detect_interval_s
        return config.recheck_interval_s if self._gallery else config.scene_recheck_interval_s

    def _watched(self, key: int) -> bool:
        """Whether a found face was landmarked and is being watched for life: its tile
        need not be searched again for it. Searched again, it took the budget from other
        tiles' first model calls, and its detector box replaced the landmarks the face
        is confirmed with once it moves (a model call more)."""
        state = self._sampled.get(key)
        return state is not None and state.first_look is not None

    def _smallest_face(self, area: Box) -> float:
        """The smallest face worth searching ``area`` for: `PipelineConfig.min_face`, or,
        once its people are followed, half the smallest of their faces (someone joining a
        webcam sits about as far from it as the others)."""
        sizes = [
            tr.box.h
            for tr in self._tracker.tracks
            if tr.confirmed and area.contains_point(tr.box.cx, tr.box.cy)
        ]
        return max(self.config.min_face, 0.5 * min(sizes)) if sizes else self.config.min_face

    def _search_again(self, given_up: Sequence[Box], t: float) -> None:
        """Search the areas of faces given up again within `PipelineConfig.detect_interval_s`.

        The landmarker fails now and then on a face the detector found (a head turned, a
        hand, a wide first crop); given up after a few tries, it was looked for again only
        at its area's next routine search, which in a meeting room whose other people are
        followed comes 5 s later (the zoo's man with a leaflet, found at once, landmarked
        in vain three times, then found again 5.6 s in)."""
        for box in given_up:
            for area in self._areas:
                if area.box.contains_point(box.cx, box.cy):
                    area.search_by = min(area.search_by, t + self.config.detect_interval_s)

    def _search_urgent(self) -> bool:
        return bool(self._queue) and (
            any(a.last_search == -math.inf for a in self._areas)
            or any(tr.failures for tr in self._tracker.tracks if tr.confirmed)
        )

    def _enqueue_due_searches(self, t: float) -> None:
        added = False
        for area in self._areas:
            due = t - area.last_search >= self._search_interval(area.box) or t >= area.search_by
            if area.queued or not due:
                continue
            added = True
            area.search_by = math.inf
            windows = search_windows(area.box, self._smallest_face(area.box))
            area.queued = len(windows)
            self._queue.extend((area.box, window) for window in windows)
        if added:
            # Coarse windows of every tile first: the large faces of a gallery are found in
            # its first few calls, a meeting room's small ones after.
            self._queue = deque(sorted(self._queue, key=lambda item: -item[1].w))

    def _search(self, pixels: RGBImage, t: float) -> tuple[list[Sighting], bool]:
        """The due detector calls the budget allows: the faces found, and whether any ran."""
        found: list[Detection] = []
        where: dict[int, Box] = {}
        areas = {a.box: a for a in self._areas}
        ran = False
        height, width = pixels.shape[:2]
        followed = [tr.box for tr in self._tracker.tracks if tr.confirmed and not tr.failures]
        while self._queue and self._scheduler.can_search():
            area, window = self._queue.popleft()
            state = areas[area]
            state.queued -= 1
            if not state.queued:
                state.last_search = t
            if any(_covers(face, window) for face in followed):
                continue  # a followed face fills it: nobody else can be there
            started = self._clock()
            detections = self._detector.detect(pixels, window, area)
            cost = self._clock() - started
            self._scheduler.spend_search(cost)
            self.stats.search_s += cost
            self.stats.detector_calls += 1
            ran = True
            for det in detections:
                box = det.box
                if touches_inner_edge(box, window, width, height, origin=area):
                    continue
                if too_small(box, area):
                    continue
                if not area.contains_point(box.cx, box.cy) or self._excluded(box):
                    continue
                found.append(det)
                where[id(det)] = area
        sightings = []
        for det in suppress_overlaps(found) if found else []:
            area = where[id(det)]
            look = signature(pixels, det.points, area) if det.points is not None else None
            sightings.append(Sighting(det.box, det.points, look, area))
        return sightings, ran

    # Identity checks

    def _forget_faces(self, keys: Sequence[int]) -> None:
        """Someone else is at these tracks' places now: their last faces do not hold."""
        for key in keys:
            state = self._sampled.get(key)
            if state is not None:
                state.face = None
                state.snap = None

    # Landmarking

    def _landmark(self, frame: Frame, t: float) -> _Landmarking:
        """Landmark the tracks in the scheduler's order while the budget lasts."""
        done = _Landmarking()
        candidates = [
            Candidate(
                key=tr.key,
                size=math.sqrt(tr.box.area),
                last_sample=self._last_sample(tr.key),
                retry_at=self._ready_at(tr),
                confirmed=tr.confirmed,
                id=tr.id,
            )
            for tr in self._tracker.tracks
        ]
        plan = self._scheduler.plan(t, candidates)
        done.focus = plan.focus
        for key in plan.order:
            track = self._tracker.get(key)
            if track is None:
                continue
            if not self._scheduler.can_landmark():
                break
            state = self._state(key)
            kept, look_now = self._unchanged(track, state, frame, t)
            if kept is not None and track.id is not None:
                done.faces[key] = kept
                done.carried[key] = track.id
                state.last_sample = t
                self.stats.carried += 1
                continue
            face = self._call_model(track, state, frame)
            if face is not None and track.area is not None and too_small(face.box, track.area):
                face = None  # the fit settled on a picture in the room (see too_small)
            if face is not None and _collapsed(state.fits, face.box, self.config.fit_collapse):
                face = None  # the fit shrank onto part of the face: a miss
            if face is None:
                done.results[key] = None
                continue
            points = points_from_landmarks(face.landmarks)
            watching = self.config.alive_level is not None and not state.alive
            if watching:
                if state.first_look is None:
                    state.first_look = first_look(frame.pixels, points, track.area)
                state.recheck_at = t + self.config.still_recheck_s
            look = None if track.confirmed else signature(frame.pixels, points, track.area)
            if (
                track.confirmed
                and t >= state.next_check
                and _fit_like(state.fits, face.box, self.config.check_size_change)
            ):
                done.looks[key] = signature(frame.pixels, points, track.area)
                state.next_check = t + self.config.verify_interval_s
            state.fits.append((face.box.w, face.box.h))
            done.results[key] = Landmarked(face.box, points, look, alive=not watching)
            done.faces[key] = face
            state.face = face
            state.last_sample = state.last_model = t
            if self.config.still_level is not None:
                if look_now is None or drifted(look_now, points):
                    look_now = snapshot(frame.pixels, points, track.area)
                state.snap = look_now
        return done

    def _faces(self, done: _Landmarking, dropped: Sequence[Track]) -> dict[str, Face]:
        """This frame's faces by participant id: those re-stamped, and those landmarked
        whose track is a participant now and not in doubt; none of a track just dropped."""
        faces: dict[str, Face] = {}
        for key, face in done.faces.items():
            pid = done.carried.get(key)
            if pid is None:
                track = self._tracker.get(key)
                if track is None or track.id is None or track.suspect:
                    continue
                pid = track.id
            faces[pid] = face
        for track in dropped:
            if track.id is not None:
                faces.pop(track.id, None)
        return faces

    def _watch_for_life(self, pixels: RGBImage) -> dict[int, Landmarked]:
        """Each found face whose brows or mouth changed since its first look is a person on
        video: it is confirmed with the landmarks of that look, without waiting for a model
        call (returned for the tracker, when its points came from landmarks); its next
        model call refreshes them. Waiting for that call instead, tried on the 7x7 zoo
        page, lost faces no less often and cost id switches."""
        config = self.config
        level = config.alive_level
        woke: dict[int, Landmarked] = {}
        if level is None:
            return woke
        printable = AliveRule(level, config.alive_contrast, config.alive_margin)
        person_sized = AliveRule(level, config.alive_contrast, None)
        for track in self._tracker.tracks:
            state = self._sampled.get(track.key)
            if state is None or state.alive or state.first_look is None:
                continue
            rule = person_sized if self._tiles_person(track) else printable
            if not came_alive(state.first_look, pixels, track.area, rule):
                continue
            state.alive = True
            state.recheck_at = -math.inf
            state.first_look = None
            if track.points is not None and track.from_landmarks:
                look = signature(pixels, track.points, track.area)
                woke[track.key] = Landmarked(track.box, track.points, look)
        return woke

    def _tiles_person(self, track: Track) -> bool:
        """Whether a found face is its tile's person by its size: at least
        `PipelineConfig.alive_margin_below` of the tile's short side, and no other face
        found there is larger (a print in someone's room hangs beside them)."""
        area = track.area
        if area is None or track.box.h < self.config.alive_margin_below * min(area.w, area.h):
            return False
        return not any(
            o.area == area and o.key != track.key and o.box.h > track.box.h
            for o in self._tracker.tracks
        )

    def _ready_at(self, track: Track) -> float:
        """When a track may be landmarked again: after its back-off, a face not yet seen
        to change after its recheck wait, and, under a budget, a face waiting for its id
        now and then (`PipelineConfig.waiting_recheck_s`)."""
        state = self._sampled.get(track.key)
        if state is None:
            return track.retry_at
        ready = max(track.retry_at, state.recheck_at)
        named_from = self._tracker.may_name_at(track)
        if self._scheduler.limited and named_from > ready:
            now_and_then = state.last_sample + self.config.waiting_recheck_s
            ready = max(ready, min(named_from, now_and_then))
        return ready

    def _last_sample(self, key: int) -> float:
        state = self._sampled.get(key)
        return state.last_sample if state is not None else -math.inf

    def _state(self, key: int) -> _Sampled:
        state = self._sampled.get(key)
        if state is None:
            state = self._sampled[key] = _Sampled(self._make_landmarker())
        return state

    def _unchanged(
        self, track: Track, state: _Sampled, frame: Frame, t: float
    ) -> tuple[Face | None, Snapshot | None]:
        """The last face re-stamped, when brows and mouth have not changed since it.

        Also returns the look taken now (reused as the next reference after a model call).
        """
        level = self.config.still_level
        if (
            level is None
            or state.face is None
            or state.snap is None
            or not track.confirmed
            or track.suspect
            or t - state.last_model >= self.config.max_still_s
        ):
            return None, None
        now = snapshot_at(frame.pixels, state.snap.regions, track.area)
        if not is_still(state.snap, now, level):
            return None, now
        old = state.face
        return Face(old.landmarks, old.blendshapes, old.pose, t), now

    def _call_model(self, track: Track, state: _Sampled, frame: Frame) -> Face | None:
        track.crop = self._crop_for(track)
        started = self._clock()
        face = state.landmarker.landmark(frame.pixels, track.crop, frame.t, track.area)
        cost = self._clock() - started
        self._scheduler.spend_model(cost)
        self.stats.landmark_s += cost
        self.stats.model_calls += 1
        return face

    def _crop_for(self, track: Track) -> Box:
        config = self.config
        face = max(track.box.w, track.box.h)
        if track.from_landmarks:
            side = face * config.crop_from_landmarks
        else:
            side = max(
                face * config.crop_from_detection,
                min(face * config.crop_from_small_detection, CROP_MAX_SIDE),
            )
        wanted = Box(track.box.cx - side / 2, track.box.cy - side / 2, side, side)
        old = track.crop
        if old is not None and _close_enough(old, wanted):
            return old
        return wanted

    # Housekeeping

    def _excluded(self, box: Box) -> bool:
        return any(region.contains_point(box.cx, box.cy) for region in self.config.exclude)

    def _release_orphans(self) -> None:
        live = {t.key for t in self._tracker.tracks}
        for key in [k for k in self._sampled if k not in live]:
            self._release(key)

    def _release(self, key: int) -> None:
        state = self._sampled.pop(key, None)
        if state is not None:
            state.landmarker.close()


def _covers(face: Box, window: Box) -> bool:
    """Whether ``face`` covers most (60 %) of ``window``."""
    return window.area > 0 and face.overlap(window) >= 0.6 * window.area


def _fit_like(fits: Sequence[tuple[float, float]], box: Box, factor: float) -> bool:
    """Whether a new fit ``box`` has about the median size of the face's last ``fits``
    (none yet: no telling)."""
    if not fits:
        return True
    width, height = _median_fit(fits)
    return all(1 / factor <= new / old <= factor for new, old in ((box.w, width), (box.h, height)))


def _collapsed(fits: Sequence[tuple[float, float]], box: Box, factor: float) -> bool:
    """Whether a new fit ``box`` is narrower or shorter than the median of the face's last
    ``fits`` by more than ``factor``."""
    if not fits:
        return False
    width, height = _median_fit(fits)
    return box.w * factor < width or box.h * factor < height


def _median_fit(fits: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The median width and the median height of some fits."""
    return statistics.median(w for w, _ in fits), statistics.median(h for _, h in fits)


def _close_enough(old: Box, wanted: Box) -> bool:
    """Keep the previous crop while the face stays near its middle at a similar size.

    A steady crop lets the landmarker track from its last result instead of re-detecting.
    """
    shift = max(abs(old.cx - wanted.cx), abs(old.cy - wanted.cy))
    ratio = wanted.w / old.w if old.w else 0.0
    return shift < 0.12 * old.w and 0.85 < ratio < 1.18
