"""The main face's movements against its own resting face, as the review reads them.

What moved and when is read by the cue engine's whole-take mode (`companion.cues.take`):
the engine replayed over the take with its resting face learned over the whole of it, plus
the take's own blinks, eye line, brows and smiles. This only hands it a recorded face.
"""

from __future__ import annotations

from companion.cues.take import TakeReading, read_take
from companion.offline.recording import FaceSeries


def analyse_face(series: FaceSeries) -> TakeReading:
    """Events and traces of one face against its own resting face (`read_take`)."""
    return read_take(series.participant, series.t, series.measures)
