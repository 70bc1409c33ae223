"""Spans where a trace stands out: the cue engine's event logic run over a whole array.

The hysteresis, merging and duration rules are those of `companion.cues.events` (see
`EventParams`); the review only feeds it a finished recording's samples at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from companion.cues.events import EventDetector, EventParams, RawEvent, acceptable

FloatArray = npt.NDArray[np.float64]


def find_spans(t: FloatArray, values: FloatArray, params: EventParams) -> list[RawEvent]:
    """Every event of ``values`` sampled at times ``t`` that lasted an acceptable time."""
    detector = EventDetector(params)
    found = [detector.update(ti, v) for ti, v in zip(t.tolist(), values.tolist(), strict=True)]
    found.append(detector.finish())
    return [e for e in found if e is not None and acceptable(e, params, None)]
