"""Follow each person across frames under a stable id (pure numpy and scipy).

The tracker has one verb, `ParticipantTracker.update`: it is told what a frame showed
(`Evidence`: detector sightings, landmarking results, identity looks, a changed layout)
and does the rest itself (confirming, backing off, freeing and re-identifying ids,
dropping duplicates and the long missing), reporting what changed (`TrackerUpdate`).

Detections arrive now and then; landmarks of known participants arrive most frames. A
detection that matches no one starts a tentative track, which becomes a participant once
landmarks confirm a face there (a face seen to change: a photo never does). Matching is an
optimal one-to-one assignment over box overlap, centre shift, the distance between anchor
points (eyes, nose, mouth) and, when known, appearance.

Ids follow people, not places. Tracks survive short misses, back off when landmarking
keeps failing, and are dropped after ``max_missing_s``; a dropped participant is
remembered for ``reid_memory_s``. When a gallery reshuffles (someone joins or leaves),
the face in a tile can change under a track: an identity check (`Evidence.looks`, sent
periodically, and every detection in a track's place) notices that the face there looks
unlike the track's person, or clearly more like someone else known, and after two such
checks frees the id. A newly confirmed face first looks among the departed, and while the
layout is unsettled among the missing and doubted, for someone who looks the same, and
takes their id back; while unsettled, a face that matches nobody waits briefly before
getting a new id, so people freed a moment later can still be matched.

Appearance is a colour-histogram signature (see `appearance`): reliable between people
in different rooms, weak between similar-looking people in front of one backdrop. Then
ids fall back to following places.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from companion.model import Box, Participant
from companion.vision.appearance import Signature, blend, distance
from companion.vision.facepoints import Points, eye_distance, shifted

log = logging.getLogger(__name__)

_NO_MATCH = 1e6
_CONFLICT = 1e3
"""Added to the cost of a match in place whose appearance says another person."""
MAX_SIZE_RATIO = 2.0


@dataclass(frozen=True, eq=False)
class Sighting:
    """A face seen by the detector: where, its anchor points, how it looks, which tile."""

    box: Box
    points: Points | None = None
    signature: Signature | None = None
    area: Box | None = None


@dataclass
class Track:
    """Mutable state of one followed face."""

    key: int
    box: Box
    first_seen: float
    last_seen: float
    id: str | None = None
    seen_before: float = -math.inf
    """When the face was seen the time before ``last_seen`` (landmarks found it, or it
    was seen unchanged where they had)."""
    failures: int = 0
    crop: Box | None = field(default=None)
    from_landmarks: bool = False
    """Whether ``box`` comes from landmarks (tight, whole face) or from the detector."""
    area: Box | None = None
    """The gallery tile the face is in; crops never reach past it."""
    points: Points | None = None
    signature: Signature | None = None
    """How this person looks (a slowly updated reference)."""
    named_at: float = -math.inf
    """When the face last got an id (new, or taken back)."""
    looks_learned: int = 0
    """Looks averaged into ``signature`` since then (see `TrackerConfig.reference_s`)."""
    retry_at: float = -math.inf
    """Earliest time to try landmarking again after failures (back-off)."""
    missing_since: float = math.inf
    """When the first of the current ``failures`` came: looked for there and not found."""
    suspect: int = 0
    """Consecutive appearance checks that did not look like this person."""
    waiting_since: float | None = None
    """When this unnamed face first waited for the layout to settle (see `unrest_s`)."""

    @property
    def confirmed(self) -> bool:
        """Whether landmarks have confirmed a face here (it then has an id)."""
        return self.id is not None

    def as_participant(self) -> Participant:
        """The frozen view handed to later stages."""
        if self.id is None:
            raise ValueError("a tentative track is not a participant")
        return Participant(self.id, self.box, self.first_seen, self.last_seen)


@dataclass(frozen=True, eq=False)
class Departed:
    """A participant no longer followed, remembered so they can be recognised on return."""

    id: str
    first_seen: float
    last_seen: float
    box: Box
    signature: Signature | None


@dataclass(frozen=True, eq=False)
class Landmarked:
    """Landmarks found the face of a track."""

    box: Box
    points: Points | None = None
    look: Signature | None = None
    """How the face looks around the landmarks (needed to confirm it: a confirmed face
    first looks among the missing and departed for its id, and this is its reference)."""
    alive: bool = True
    """Whether the face has been seen to change (a photo, an avatar or a frozen video
    never does, and never becomes a participant)."""


@dataclass(frozen=True, eq=False)
class Evidence:
    """What one frame (or one stage of it) showed the tracker; every part may be empty."""

    sightings: Sequence[Sighting | Box] = ()
    """Faces the detector found."""
    looks: Mapping[int, Signature] = field(default_factory=dict)
    """Identity checks: how the face at each track's place looks now."""
    landmarked: Mapping[int, Landmarked | None] = field(default_factory=dict)
    """Landmarking results by track key, in the order they were made: the face found, or
    None when the track's crop held no face (it then backs off)."""
    still: Collection[int] = ()
    """Tracks whose face was seen unchanged where its last landmarks are (the pipeline
    keeps those landmarks without a model call): seen there again."""
    gone: Collection[int] = ()
    """Tracks to forget (a face in a region never analysed)."""
    tiles: Sequence[Box] | None = None
    """The layout's tiles, when they moved: each track's area becomes the tile holding it."""
    reshuffled: bool = False
    """A tile with someone in it appeared or went (`layout.reshuffled`): people may turn up
    in other places."""


@dataclass(frozen=True, eq=False)
class TrackerUpdate:
    """What a `ParticipantTracker.update` changed."""

    created: tuple[Track, ...] = ()
    """Tentative tracks started on new sightings."""
    freed: tuple[int, ...] = ()
    """Keys of tracks whose id an identity check freed (someone else is there now)."""
    dropped: tuple[Track, ...] = ()
    """Participants forgotten: on a face an older one follows, or missing too long."""
    given_up: tuple[Box, ...] = ()
    """Where faces found and never landmarked were given up (`TrackerConfig.tentative_failures`)."""


@dataclass
class TrackerConfig:
    """Matching, lifetime and identity settings, in seconds and box fractions."""

    max_missing_s: float = 2.0
    """A confirmed participant looked for and not found this long is dropped."""
    tentative_failures: int = 3
    """A tentative track whose crop shows no face this many times is discarded."""
    min_iou: float = 0.05
    max_center_shift: float = 0.6
    """A match may move its centre at most this many box sizes."""
    max_point_shift: float = 1.2
    """A match may move its eyes, nose and mouth at most this many eye distances on average."""
    point_weight: float = 0.5
    same_face_points: float = 2.0
    """Two participants whose eyes, nose and mouth lie on average within this many eye
    distances are one face. Two people's faces are at least a face width (about 2.2 eye
    distances) apart; a second fit that slid down a 31 px face of a meeting room, its
    eyes on the first fit's mouth, lay 1.5 away."""
    shrunk_area: float = 0.5
    """Of two fits on one face, one whose box is less than this fraction of the other's
    area has shrunk onto part of the face (a 15 px box on a 32 px face of a meeting room):
    the person keeps the older id either way, on the larger fit, since a shrunk fit
    keeps sliding and is soon lost."""
    same_face_overlap: float = 0.6
    """A participant whose box lies this much (by area) inside another's is on the same
    face, wherever its points are: a fit that shrank onto part of a 40 px face of a meeting
    room (23 px, its box three quarters inside the box a new detection gave that face)
    while a new track formed on the whole face. Side by side, two people's boxes share a
    sliver at most."""
    backoff_s: float = 0.1
    """Wait after the first failed landmarking; doubles with each further failure."""
    max_backoff_s: float = 0.4
    same_person: float = 0.25
    """Appearance distance under which a newly confirmed face takes back a missing id."""
    reid_margin: float = 0.05
    """The best re-identification must beat the runner-up by this much."""
    reid_ratio: float = 0.5
    """... or, up to ``other_person``, be at most this fraction of the runner-up's
    distance: a face unmistakably nearer one person than anyone else on the page. A face
    of 50 px moved to another tile of a speaker view's strip was 0.29-0.35 from its own
    look and 0.61-0.69 from everyone else's, and took a new id at every switch."""
    other_person: float = 0.4
    """Appearance distance over which a face cannot be the same person."""
    same_place_s: float = 5.0
    """A face found where a participant departed from, within this long and with the
    layout settled, takes their id back at any appearance distance under
    ``other_person``: a 28 px face of a meeting room, lost for 2 s, came back 0.31 from
    its own look, over ``same_person``."""
    suspect_checks: int = 2
    """This many appearance mismatches in a row free a track's id."""
    reid_memory_s: float = 120.0
    """How long a departed participant is remembered."""
    signature_rate: float = 0.05
    """How far each consistent check moves a track's reference appearance."""
    reference_s: float = 1.0
    """A face's reference look, once it gets an id, is the mean of its look then and at
    its checks for this long; until then a check only adds to it, unless it is over
    ``other_person`` from it (someone else's, as any check would say). One moment's look
    is a poor reference: on the layout zoo a TV studio's camera panned and the look of
    the same person moved 0.38 within a second, and a check against the look at
    confirmation freed their id half a second in, and again later."""
    unrest_s: float = 0.75
    """After an appearance mismatch anywhere, a newly confirmed face that looks like nobody
    missing waits for someone to be freed before it gets a new id: until the layout has
    been calm this long, and at most this long itself. Without the cap the calm never
    came on the 7x7 zoo page, and its new faces waited for seconds, some to the end (its
    layout was read as reshuffled at nearly every reading, until a tile read in pieces
    stopped counting as one: `layout.reshuffled`). Freeing an id takes
    `suspect_checks` checks at the participant's model calls, at least
    `PipelineConfig.verify_interval_s` apart (0.5 s in all for a face sampled four times a
    second or more), so this is that with a margin; at 1.5 s the 7x7 page found everyone
    4.3-6.4 s in."""


class ParticipantTracker:
    """Assigns sightings to tracks with an optimal one-to-one matching."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self._tracks: dict[int, Track] = {}
        self._departed: dict[str, Departed] = {}
        self._next_key = 0
        self._next_id = 1
        self._unrest_until = -math.inf
        self._given_up: list[Box] = []

    @property
    def tracks(self) -> list[Track]:
        """All live tracks, tentative ones included, oldest first."""
        return list(self._tracks.values())

    def get(self, key: int) -> Track | None:
        """The live track with this key, if any."""
        return self._tracks.get(key)

    def participants(self) -> list[Participant]:
        """Confirmed participants, oldest first."""
        return [t.as_participant() for t in self._tracks.values() if t.confirmed]

    def update(self, evidence: Evidence, t: float) -> TrackerUpdate:
        """Take in what a frame showed at ``t`` and follow everyone accordingly.

        In order: the layout (`Evidence.reshuffled`, `Evidence.tiles`), sightings matched
        (unmatched ones start tentative tracks; those missing too long are dropped first,
        so they match nothing), identity looks checked, tracks forgotten
        (`Evidence.gone`), landmarking results taken (confirming, or backing off),
        duplicates on one face dropped, and those missing too long dropped. An empty
        `Evidence` only does the last two.
        """
        if evidence.reshuffled:
            self._unrest_until = t + self.config.unrest_s
        if evidence.tiles is not None:
            for track in self._tracks.values():
                track.area = _tile_of(track.box, evidence.tiles)
        dropped: list[Track] = []
        created: list[Track] = []
        freed: list[int] = []
        if evidence.sightings:
            dropped = self._expire(t)
            created, freed = self._match(evidence.sightings, t)
        freed += [key for key, look in evidence.looks.items() if not self._verify(key, look, t)]
        for key in evidence.gone:
            self._tracks.pop(key, None)
        for key, found in evidence.landmarked.items():
            if key not in self._tracks:
                continue  # forgotten earlier in this update (gone, or its id taken back)
            if found is None:
                self._miss(key, t)
            else:
                self._observe(key, found, t)
        for key in evidence.still:
            unchanged = self._tracks.get(key)
            if unchanged is not None:
                unchanged.seen_before, unchanged.last_seen = unchanged.last_seen, t
        dropped += self._drop_duplicates() + self._expire(t)
        given_up, self._given_up = tuple(self._given_up), []
        return TrackerUpdate(tuple(created), tuple(freed), tuple(dropped), given_up)

    def _match(
        self, sightings: Sequence[Sighting | Box], t: float
    ) -> tuple[list[Track], list[int]]:
        """Match sightings to tracks; unmatched sightings start tentative tracks. Returns
        those tracks, and the keys of tracks whose id a sighting's identity check freed."""
        seen = [s if isinstance(s, Sighting) else Sighting(s) for s in sightings]
        tracks = list(self._tracks.values())
        matched: set[int] = set()
        freed: list[int] = []
        if tracks and seen:
            cost = np.array([[self._match_cost(tr, s) for s in seen] for tr in tracks])
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] >= _NO_MATCH:
                    continue
                matched.add(int(c))
                track, sighting = tracks[r], seen[c]
                # In the track's place, but looking like someone else: an identity check.
                look = sighting.signature
                if (
                    cost[r, c] >= _CONFLICT
                    and look is not None
                    and not self._verify(track.key, look, t)
                ):
                    freed.append(track.key)
                self._refresh(track, sighting, t)
        # A sighting on a face already followed is that face seen again at another scale,
        # not a second person: merge rather than create.
        fresh = [
            s
            for i, s in enumerate(seen)
            if i not in matched
            and not any(tr.box.contains_point(s.box.cx, s.box.cy) for tr in tracks)
        ]
        return [self._start(s, t) for s in fresh], freed

    def _observe(self, key: int, found: Landmarked, t: float) -> None:
        """Landmarks found the face of track ``key``; a tentative track is confirmed once
        its face has been seen alive (see `Landmarked.alive`).

        A track confirmed here first tries to take back the id of a missing or departed
        participant who looks the same (`Landmarked.look`). That look, taken around the
        landmarks, then becomes the track's reference: identity checks measure it the same
        way, and the detector's points, which the first reference came from, sit less
        exactly.
        """
        track = self._tracks[key]
        track.box = found.box
        track.from_landmarks = True
        track.seen_before, track.last_seen = track.last_seen, t
        track.failures = 0
        track.retry_at = -math.inf
        if found.points is not None:
            track.points = found.points
        if found.look is not None:
            track.signature = found.look
            track.looks_learned = 1
        if track.id is not None or not found.alive:
            return
        if not self._reidentify(track, found.look, t) and self._may_name(track, t):
            track.id = f"p{self._next_id}"
            self._next_id += 1
            track.first_seen = t
            log.debug("t=%.2f new participant %s at %s", t, track.id, track.box.as_list(0))
        if track.id is not None:
            track.named_at = t

    def _may_name(self, track: Track, t: float) -> bool:
        """Whether an unnamed face that looks like nobody missing gets a new id now: when
        every face followed near it (`_within_reach`) has been seen twice since it was
        found (`Track.seen_before`), and the layout is calm or it has waited
        `TrackerConfig.unrest_s` for it.

        A large gallery's faces are sampled a few times a second: a head that moved since
        its last sample leaves its box behind, the detector's box of it then matches
        nothing and starts a new track, and named at once that track was a second
        participant on one face until the followed face's next samples showed where it
        had gone (a 6x5 browser gallery, 70 px faces, a head that jumps where its video
        loops). The landmarker looks for a face in its last fit's box grown by half, so
        after a jump its first fit may still lie between the old place and the new. Seen
        twice, the followed face either covers the new track, which is then forgotten
        (`_drop_duplicates`), or does not, and the new face is someone else.

        A face that overlaps someone followed and looks clearly unlike them waits too: in
        a speaker view whose main tile switched to someone from the strip, the face there
        was named anew before the strip's checks freed that person's id in their old tile,
        and each person then had two records, too alike to tell apart, at every later
        switch.
        """
        if any(
            o is not track
            and o.confirmed
            and not o.failures
            and o.seen_before < track.first_seen
            and _within_reach(o, track)
            for o in self._tracks.values()
        ):
            return False
        cfg = self.config
        if track.waiting_since is None and any(
            o is not track
            and o.confirmed
            and o.box.overlap(track.box) > 0
            and _clearly_other(o, track, cfg.other_person)
            for o in self._tracks.values()
        ):
            # Where someone is followed, someone else shows now: a view that switches whom
            # it shows (an active speaker's). The person now shown may be followed in a
            # tile not yet checked, and freed there in a moment: wait, as after any
            # appearance mismatch.
            self._unrest_until = max(self._unrest_until, t + cfg.unrest_s)
        if t >= self._unrest_until:
            return True
        if track.waiting_since is None:
            track.waiting_since = t
        return t - track.waiting_since >= self.config.unrest_s

    def may_name_at(self, track: Track) -> float:
        """When a face seen alive and told to wait for its id (`_may_name`) may be named;
        -inf for a face not waiting. Under a CPU budget the pipeline landmarks a waiting
        face only now and then until then."""
        if track.id is not None or track.waiting_since is None:
            return -math.inf
        return min(self._unrest_until, track.waiting_since + self.config.unrest_s)

    def _miss(self, key: int, t: float) -> None:
        """The track's crop held no face at ``t``: back off further attempts."""
        track = self._tracks[key]
        if not track.failures:
            track.missing_since = t
        track.failures += 1
        wait = min(self.config.max_backoff_s, self.config.backoff_s * 2 ** (track.failures - 1))
        track.retry_at = t + wait
        if not track.confirmed and track.failures >= self.config.tentative_failures:
            del self._tracks[key]
            self._given_up.append(track.box)

    def _verify(self, key: int, look: Signature, t: float) -> bool:
        """Compare how the face at a track's place looks now with how its person looked.

        It is someone else when it looks unlike the track's person (over
        ``other_person``), or clearly more like another participant, present or departed,
        than like them. After `suspect_checks` such checks in a row the id is freed and
        False returned; the track stays, tentative, on the face now there, and its next
        confirmation re-identifies that person.
        """
        track = self._tracks.get(key)
        if track is None:
            return True
        if track.signature is None or not track.confirmed:
            track.signature = look if track.signature is None else track.signature
            return True
        if t - track.named_at < self.config.reference_s:
            # Still learning their look, which is only added to, unless it is clearly
            # someone else's: a speaker view switched as its newest face was named, and
            # the look of the person shown next was learned as theirs.
            if not self._clearly_someone_else(track, distance(track.signature, look)):
                track.suspect = 0
                track.looks_learned += 1
                track.signature = blend(track.signature, look, 1.0 / track.looks_learned)
                return True
        elif not self._looks_like_someone_else(track, look):
            track.suspect = 0
            track.signature = blend(track.signature, look, self.config.signature_rate)
            return True
        track.suspect += 1
        self._unrest_until = t + self.config.unrest_s
        if track.suspect < self.config.suspect_checks:
            return True
        if log.isEnabledFor(logging.DEBUG) and track.signature is not None:
            log.debug(
                "t=%.2f %s looks like someone else now (%.3f from their look, %.3f from "
                "another's): id freed",
                t,
                track.id,
                distance(track.signature, look),
                self._closest_other(track, look),
            )
        self._depart(track)
        track.id = None
        track.signature = look
        track.suspect = 0
        track.failures = 0
        track.waiting_since = None
        return False

    def _clearly_someone_else(self, track: Track, own: float) -> bool:
        """Whether a look ``own`` from the track's is too far to be their person
        (`other_person`), where no other followed face shares their area."""
        return own > self.config.other_person and not self._shares_area(track)

    def _looks_like_someone_else(self, track: Track, look: Signature) -> bool:
        config = self.config
        if track.signature is None:
            return False
        own = distance(track.signature, look)
        if self._clearly_someone_else(track, own):
            return True
        if own <= config.same_person:
            return False
        return self._closest_other(track, look) + config.reid_margin < own

    def _closest_other(self, track: Track, look: Signature) -> float:
        """How near ``look`` is to the nearest other person who could be here."""
        # Only someone not seen elsewhere right now can be here: in a meeting room four
        # people in one backdrop look alike to a colour histogram, and each face's look
        # drifts nearer a neighbour's now and then, though neither moved.
        others = [
            o.signature
            for o in self._tracks.values()
            if o is not track and o.confirmed and o.signature is not None and not _here(o)
        ]
        others += [d.signature for d in self._departed.values() if d.signature is not None]
        return min((distance(s, look) for s in others), default=math.inf)

    def _shares_area(self, track: Track) -> bool:
        """Whether another followed face is in the track's area (a meeting-room tile, a
        camera scene). A small face's signature there is mostly the shared backdrop and the
        neighbours, so a turn or a lean moves it far: only looking more like someone else
        than like its own person frees its id (a reshuffled tile changes all of them)."""
        return track.area is not None and any(
            o is not track and o.confirmed and o.area == track.area for o in self._tracks.values()
        )

    def _drop_duplicates(self) -> list[Track]:
        """Forget each confirmed track on a face an older one follows, and each face not
        yet confirmed on a face a confirmed one follows; returns them. Unless the older
        one's fit shrank onto part of the face (the newer takes over, with the older one's
        id), or the two clearly look like two people: the older fit was then left on
        someone else's face, and its person departs.

        Two tracks are on one face when their faces' centres lie in one area (a tile, or
        the whole scene) and the smaller box lies mostly inside the larger
        (`TrackerConfig.same_face_overlap`), or their eyes, nose and mouth lie, on average,
        within `TrackerConfig.same_face_points` eye distances of each other, or, without
        points, when either box holds the other's centre. Tracks come apart on one face when
        a sighting lands just outside a small face's box, and the landmarks fitted from it
        slide down the face, or when a fit shrinks onto part of the face.
        """
        cfg = self.config
        kept: list[Track] = []
        dropped: list[Track] = []
        for track in self._tracks.values():
            if not track.confirmed:
                continue
            older = next(
                (
                    o
                    for o in kept
                    if _on_one_face(o, track, cfg.same_face_points, cfg.same_face_overlap)
                ),
                None,
            )
            if older is None:
                kept.append(track)
                continue
            left_over = _clearly_other(older, track, cfg.other_person)
            if left_over or _shrunk_onto(older, track, cfg.shrunk_area):
                kept[kept.index(older)] = track
                dropped.append(older)
                if left_over:
                    # The older fit was left on someone else's face (tiles that moved, a
                    # strip that shifted by one): its person is elsewhere, and may take
                    # their id back there. The newer was confirmed from these pixels.
                    log.debug(
                        "%s at %s left on the face of someone else, %s at %s: %s departs",
                        older.id, older.box.as_list(0), track.id, track.box.as_list(0), older.id,
                    )  # fmt: skip
                    self._depart(older)
                else:
                    log.debug(
                        "%s at %s shrank onto part of the face %s holds at %s: %s kept there",
                        older.id, older.box.as_list(0), track.id, track.box.as_list(0), older.id,
                    )  # fmt: skip
                    _hand_over(older, track)
                continue
            dropped.append(track)
            log.debug(
                "%s at %s dropped: on the face %s follows at %s",
                track.id, track.box.as_list(0), older.id, older.box.as_list(0),
            )  # fmt: skip
        gone = {track.key for track in dropped}
        dropped += [
            track
            for track in self._tracks.values()
            if not track.confirmed
            and track.key not in gone
            and any(
                _on_one_face(o, track, cfg.same_face_points, cfg.same_face_overlap)
                and not _shrunk_onto(o, track, cfg.shrunk_area)
                for o in kept
            )
        ]
        for track in dropped:
            del self._tracks[track.key]
        return dropped

    def _expire(self, t: float) -> list[Track]:
        """Drop confirmed tracks missing for too long; returns them. Forgets old departures.

        Missing means looked for and not found, from the first failed landmarking since it
        was last seen: a participant the scheduler has not got round to in a crowded
        gallery on a busy machine is not missing, and when it is got round to after
        seconds, one miss (the face moved meanwhile) is not seconds of absence.
        """
        gone = [
            tr
            for tr in self._tracks.values()
            if tr.confirmed and tr.failures and t - tr.missing_since > self.config.max_missing_s
        ]
        for tr in gone:
            del self._tracks[tr.key]
            self._depart(tr)
            log.debug("t=%.2f %s departed (unseen since %.2f)", t, tr.id, tr.last_seen)
        memory = self.config.reid_memory_s
        for pid in [p for p, d in self._departed.items() if t - d.last_seen > memory]:
            del self._departed[pid]
        return gone

    def _left_from_here(self, left: Departed, box: Box, t: float) -> bool:
        """Whether ``left`` departed, a short while ago, from the place where ``box`` (its
        centre) is."""
        recent = t - left.last_seen <= self.config.same_place_s
        return recent and left.box.contains_point(box.cx, box.cy)

    def _depart(self, track: Track) -> None:
        if track.id is not None:
            self._departed[track.id] = Departed(
                track.id, track.first_seen, track.last_seen, track.box, track.signature
            )

    def _reidentify(self, track: Track, look: Signature | None, t: float) -> bool:
        """Give ``track`` the id of the missing or departed person it looks like, if clear.

        Departed participants are always candidates. Participants still followed but
        missing, or doubted by an appearance check, are candidates near ``track``
        (`_within_reach`: a head that moved further than its landmarker's region between
        two samples, a video that froze and jumped) or anywhere while the layout is
        unsettled (people do not jump across a camera scene), and otherwise competition:
        the best match must beat them by ``reid_margin``. Participants found at their last
        look are neither: a person cannot be in two places. A participant who departed from
        where ``track`` is, a moment ago, or is missing from just beside it (`_just_beside`),
        is matched up to ``other_person`` rather than ``same_person``
        (`TrackerConfig.same_place_s`): where a video loops the head jumps, and its look
        there was 0.32 from the face's.
        """
        if look is None:
            return False
        candidates: list[tuple[float, str, Track | None, Departed | None]] = []
        competition = [math.inf]
        unsettled = t < self._unrest_until
        for other in self._tracks.values():
            if other is track or not other.confirmed or other.signature is None:
                continue
            apart = distance(other.signature, look)
            if (unsettled or _within_reach(other, track)) and not _here(other):
                candidates.append((apart, other.id or "", other, None))
            elif not _here(other):
                competition.append(apart)
        for gone in self._departed.values():
            if gone.signature is not None:
                candidates.append((distance(gone.signature, look), gone.id, None, gone))
        if not candidates:
            return False
        candidates.sort(key=lambda c: c[0])
        best = candidates[0]
        runner_up = min(candidates[1][0] if len(candidates) > 1 else math.inf, min(competition))
        log.debug(
            "t=%.2f re-identify at %s: best %s %.3f, runner-up %.3f",
            t, track.box.as_list(0), best[1], best[0], runner_up,
        )  # fmt: skip
        _, pid, lost, left = best
        same = self.config.same_person
        if left is not None and not unsettled and self._left_from_here(left, track.box, t):
            same = self.config.other_person
        if lost is not None and lost.failures and _just_beside(lost, track):
            same = self.config.other_person  # missing from just beside it: moved, not new
        if not self._same_person(best[0], runner_up, same):
            return False
        if lost is not None:
            track.first_seen = lost.first_seen
            if lost.failures:
                del self._tracks[lost.key]
            else:
                # Their old place shows someone else now: that track starts over, unnamed.
                lost.id = None
                lost.signature = None
                lost.suspect = 0
                lost.waiting_since = None
        elif left is not None:
            track.first_seen = left.first_seen
            del self._departed[left.id]
        track.id = pid
        return True

    def _same_person(self, best: float, runner_up: float, same: float) -> bool:
        """Whether the best match (appearance distance ``best``) is the person: near enough
        (``same``) and clear of the runner-up by ``reid_margin``, or, up to ``other_person``,
        at most ``reid_ratio`` of a runner-up's distance (none: no such evidence)."""
        cfg = self.config
        if best <= same and runner_up - best >= cfg.reid_margin:
            return True
        if not math.isfinite(runner_up):
            return False
        return best <= min(cfg.other_person, cfg.reid_ratio * runner_up)

    def _refresh(self, track: Track, seen: Sighting, t: float) -> None:
        if seen.area is not None:
            track.area = seen.area
        if track.confirmed and not track.failures:
            return
        # The landmarker lost it (or never had it): look where the detector sees it.
        if seen.points is not None:
            track.points = seen.points
        elif track.points is not None:
            track.points = shifted(track.points, track.box, seen.box)
        track.box = seen.box
        track.from_landmarks = False
        track.crop = None
        track.retry_at = min(track.retry_at, t)
        if track.signature is None and seen.signature is not None:
            track.signature = seen.signature

    def _start(self, seen: Sighting, t: float) -> Track:
        track = Track(
            key=self._next_key,
            box=seen.box,
            first_seen=t,
            last_seen=t,
            area=seen.area,
            points=seen.points,
            signature=seen.signature,
        )
        self._tracks[track.key] = track
        self._next_key += 1
        return track

    def _match_cost(self, track: Track, seen: Sighting) -> float:
        """Box overlap, centre shift, anchor-point distance; `_NO_MATCH` when impossible.

        Detector boxes span eyes to mouth and landmark boxes the whole face, so sizes may
        differ by up to `MAX_SIZE_RATIO` for one face; more than that is another face. A
        clearly different appearance is another person, wherever they sit.
        """
        config = self.config
        tb, box = track.box, seen.box
        track_size = max(1.0, math.sqrt(tb.area))
        ratio = max(1.0, math.sqrt(box.area)) / track_size
        if not 1 / MAX_SIZE_RATIO < ratio < MAX_SIZE_RATIO:
            return _NO_MATCH
        shift = math.hypot(tb.cx - box.cx, tb.cy - box.cy) / track_size
        iou = tb.iou(box)
        if iou < config.min_iou and shift > config.max_center_shift:
            return _NO_MATCH
        if shift > 2 * config.max_center_shift:
            return _NO_MATCH
        cost = (1.0 - iou) + shift
        if track.points is not None and seen.points is not None:
            moved = float(np.mean(np.hypot(*(track.points - seen.points).T)))
            spread = moved / eye_distance(track.points)
            if spread > config.max_point_shift:
                return _NO_MATCH
            cost += config.point_weight * spread
        if track.signature is not None and seen.signature is not None:
            apart = distance(track.signature, seen.signature)
            cost += apart
            if track.confirmed and self._looks_like_someone_else(track, seen.signature):
                cost += _CONFLICT
        return cost


def _shrunk_onto(older: Track, newer: Track, area: float) -> bool:
    """Whether ``older``'s fit is a small part of the face ``newer`` holds whole."""
    return older.box.area < area * newer.box.area


def _clearly_other(a: Track, b: Track, bar: float) -> bool:
    """Whether two tracks' looks are further apart than ``bar`` (unknown looks are not)."""
    return (
        a.signature is not None
        and b.signature is not None
        and distance(a.signature, b.signature) > bar
    )


def _hand_over(older: Track, newer: Track) -> None:
    """``newer`` follows ``older``'s person from now on (id, times, look); ``older`` is
    left without an id, to be dropped."""
    newer.id, older.id = older.id, None
    newer.first_seen = older.first_seen
    newer.last_seen = max(newer.last_seen, older.last_seen)
    newer.signature = older.signature
    newer.named_at = older.named_at
    newer.looks_learned = older.looks_learned
    newer.suspect = older.suspect
    newer.waiting_since = None


def _tile_of(box: Box, tiles: Sequence[Box]) -> Box | None:
    """The tile holding the centre of ``box`` (None: outside every tile)."""
    return next((tile for tile in tiles if tile.contains_point(box.cx, box.cy)), None)


def _here(track: Track) -> bool:
    """Whether ``track``'s person is followed right now: found at the last look, never
    doubted since. Such a person cannot also be somewhere else."""
    return track.failures == 0 and track.suspect == 0


def _within_reach(a: Track, b: Track) -> bool:
    """Whether two tracks could be on one face: in one area (a tile, or the whole scene)
    and no further apart than three face sizes (a head that moved between two samples)."""
    if a.area is not None and b.area is not None and a.area != b.area:
        # Two videos of a gallery. A close-up larger than its tile has landmarks past the
        # tile's edges, its box reaching into the next tile, and two of its eye distances
        # span the face there (a 294 px fit over a 245 px tile, 1 px into its neighbour's).
        return False
    reach = 3 * max(a.box.w, a.box.h, b.box.w, b.box.h)
    return abs(a.box.cx - b.box.cx) <= reach and abs(a.box.cy - b.box.cy) <= reach


def _just_beside(a: Track, b: Track) -> bool:
    """Whether two tracks' centres lie within one face size of each other: a face that
    jumped (0.7 of its width where a video loops), not a meeting room's neighbour (three
    face widths away)."""
    size = max(a.box.w, a.box.h, b.box.w, b.box.h)
    return _within_reach(a, b) and math.hypot(a.box.cx - b.box.cx, a.box.cy - b.box.cy) <= size


def _on_one_face(a: Track, b: Track, eye_distances: float, overlap: float) -> bool:
    # Faces further apart than a few face sizes fail every test below: skip the numpy work,
    # which runs for every pair of participants on every frame.
    if not _within_reach(a, b):
        return False
    smaller = min(a.box.area, b.box.area)
    shared = a.box.overlap(b.box)
    if smaller > 0 and shared >= overlap * smaller:
        return True
    if shared <= 0:
        # Two fits on one face always share some of it, however far one slid; two faces of
        # stacked tiles do not, though a big face's eye distances can span the gap to the
        # tile above (130 px faces 122 px apart in a 5x5 gallery).
        return False
    if a.points is not None and b.points is not None:
        apart = float(np.mean(np.hypot(*(a.points - b.points).T)))
        return apart < eye_distances * max(eye_distance(a.points), eye_distance(b.points))
    return a.box.contains_point(b.box.cx, b.box.cy) or b.box.contains_point(a.box.cx, a.box.cy)
