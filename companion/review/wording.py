"""Every sentence of the review: titles, what moved, tips and the summary.

Movements only, never a state of mind: the report says what the face did and offers a
habit from actor and presenter practice. The person is never scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from companion.cues.take import EYES_HELD
from companion.review.moments import Flag, Moment

MOVEMENTS: dict[str, str] = {
    "brow_lower": "brows drew down and together",
    "lip_press": "lips pressed together",
    "mouth_corners_down": "mouth corners pulled down",
    "inner_brow_raise": "inner brows lifted",
    "brow_raise": "brows lifted",
    "gaze_down": "eyes flicked down",
    EYES_HELD: "eyes lowered or closed and held",
    "head_down": "chin dropped",
    "nose_wrinkle": "nose wrinkled",
    "smile": "lip corners lifted",
    "eye_smile": "cheeks lifted, eyes narrowed",
    "one_sided_smile": "one lip corner lifted",
    "blink": "blinks",
    "look_away": "head or eyes turned off the lens",
}
"""What each cue looks like, in plain words."""

TITLES: dict[str, str] = {
    "smile_without_eyes": "Smile without the eyes",
    "blink_burst": "Blink burst",
    "lip_press": "Lips held pressed",
    "brow_lower": "Brows lowered",
    "off_lens": "Eye line off the lens",
    "contradiction": "Two movements pulling opposite ways",
    "flicking": "Expression flicking between states",
    "movement": "Movement",
}

PLURALS: dict[str, str] = {
    "smile_without_eyes": "smiles without the eyes",
    "blink_burst": "blink bursts",
    "lip_press": "lip presses",
    "brow_lower": "brow lowerings",
    "off_lens": "eye line off the lens",
    "contradiction": "opposite movements at once",
    "flicking": "expression flicking",
}

TIPS: dict[str, str] = {
    "contradiction": (
        "Match the expression to the character: decide what this beat needs and let one "
        "movement carry it."
    ),
    "smile_without_eyes": (
        "Soft eyes, half smile: let the smile reach the eyes, a slight narrowing with the "
        "cheeks lifting, rather than lifting the lip corners on their own."
    ),
    "brow_lower": (
        "Let a flubbed line go without a frown: keep the brows easy and carry on, or pause, "
        "breathe and take the line again."
    ),
    "lip_press": (
        "Breathe out before the line: a slow breath out lets the lips part and the jaw "
        "soften before you speak."
    ),
    "off_lens": (
        "Keep your eye line on the lens, or just beside it where your reader sits; look away "
        "only when the scene asks for it."
    ),
    "blink_burst": (
        "Breathe out before the line and let your gaze rest on the lens; blinking usually "
        "settles with the breath."
    ),
    "flicking": (
        "Match the expression to the character: choose one expression for the beat and hold "
        "it a moment longer before you change."
    ),
}
"""One practical habit per flag, from actor and presenter practice."""

BRIEF_NOTE = "brief: under half a second, easy to miss at full speed"

WHY_NOT_A_MOMENT: dict[str, str] = {
    "smile": "a smile the eyes joined",
    "one_sided_smile": "a smile the eyes joined",
    "eye_smile": "a smile the eyes joined",
    "brow_raise": "brows lifted: on the list only against a lowering at the same time",
    "inner_brow_raise": "on the list only against a smile at the same time",
    "mouth_corners_down": "on the list only against a smile at the same time",
    "nose_wrinkle": "not on the review's list",
    "head_down": "not on the review's list",
}
"""Why a clear movement outside every moment is not one (`other_movements` lists it)."""


def why_not_a_moment(cues: Sequence[str]) -> str:
    """The reason a listed movement made no moment, from its cues."""
    reasons = [WHY_NOT_A_MOMENT.get(cue, "not on the review's list") for cue in cues]
    return "; ".join(dict.fromkeys(reasons))


def clock(t: float) -> str:
    """Video time as ``m:ss.s``."""
    t = max(0.0, t)
    minutes = int(t // 60)
    return f"{minutes}:{t - 60 * minutes:04.1f}"


def seconds(s: float) -> str:
    """A duration in plain words: ``0.27 s``, ``1.4 s``."""
    return f"{s:.2f} s" if s < 1 else f"{s:.1f} s"


def title(moment: Moment) -> str:
    """The moment's headline: its flags, the strongest leading."""
    names = [_flag_title(moment, kind) for kind in moment.kinds]
    return " · ".join(names)


def _flag_title(moment: Moment, kind: str) -> str:
    if kind == "lip_press" and moment.brief:
        return "Lips pressed, briefly"
    return TITLES[kind]


def tip(moment: Moment) -> str:
    """The practical tip for the moment's leading (strongest) flag."""
    return TIPS[moment.kinds[0]]


def moved(cues: Sequence[str]) -> str:
    """What moved, as one phrase: ``brows drew down and together, lips pressed together``."""
    if "one_sided_smile" in cues:
        cues = [c for c in cues if c != "smile"]  # the one-sided phrase says it better
    words = [MOVEMENTS.get(cue, cue.replace("_", " ")) for cue in cues]
    return ", ".join(dict.fromkeys(words)) or "no single movement stood out"


def details(moment: Moment) -> list[str]:
    """A line for each flag whose makeup "what moved" does not already say."""
    return [d for d in (_detail(flag, moment) for flag in moment.flags) if d]


def _detail(flag: Flag, moment: Moment) -> str:
    if flag.kind == "smile_without_eyes":
        return "Lip corners up while the eyes and cheeks mostly stayed as they are at rest."
    if flag.kind == "blink_burst":
        return f"{len(flag.cues)} blinks in {seconds(flag.duration)}, well above your own rate."
    if flag.kind == "contradiction":
        a, b = (MOVEMENTS.get(c, c) for c in flag.cues[:2])
        return f"At the same time: {a}, and {b}."
    if flag.kind == "flicking" and moved(flag.cues) != moved(moment.moved):
        return f"Switching between: {moved(flag.cues)}."
    return ""


def summary(
    moments: Sequence[Moment],
    duration_s: float,
    blinks_per_min: float | None,
    others: int,
    face_found: bool = True,
) -> list[str]:
    """The plain-words summary at the top of the report, one paragraph per entry."""
    if not face_found:
        return [
            f"In {seconds(duration_s)} of video no face was seen clearly enough to review. "
            "Face the camera in good, even light and try again."
        ]
    lines = []
    if not moments:
        lines.append(
            f"In {seconds(duration_s)} of video nothing from the review's list stood out "
            "against your own resting face."
        )
    else:
        counts = Counter(kind for m in moments for kind in m.kinds)
        parts = [f"{PLURALS[k]} ({n})" for k, n in counts.most_common()]
        noun = "moment" if len(moments) == 1 else "moments"
        lines.append(
            f"In {seconds(duration_s)} of video, {len(moments)} {noun} stood out against "
            f"your own resting face: {', '.join(parts)}."
        )
        brief = sum(m.brief for m in moments)
        if brief:
            lines.append(
                f"{brief} of them lasted under half a second: replay those at quarter speed."
            )
    if blinks_per_min is not None:
        lines.append(f"Blinking: about {blinks_per_min:.0f} a minute over the take.")
    if others:
        word = "movement" if others == 1 else "movements"
        lines.append(f"{others} other {word} outside these moments are listed at the end.")
    lines.append(
        "These are movements, not judgements: watch each moment and decide whether it "
        "served the scene."
    )
    return lines
