"""Indices of the MediaPipe face-mesh landmarks Companion reads, declared once.

The Face Landmarker gives 478 points (468 of the mesh, then 10 of the irises). "Right" is
the person's right, the left of the image. Pairs of brow points are the upper and lower
edge of the brow at that place.
"""

from __future__ import annotations

EYE_R_OUTER, EYE_R_INNER, EYE_L_INNER, EYE_L_OUTER = 33, 133, 362, 263
"""Eye corners."""
LID_R_UP, LID_R_LOW, LID_L_UP, LID_L_LOW = 159, 145, 386, 374
"""The middle of each eye's upper and lower lid."""
IRIS_R, IRIS_L = 468, 473
"""Iris centres."""
BROW_R_INNER, BROW_L_INNER = (107, 55), (336, 285)
BROW_R_MID, BROW_L_MID = (105, 52), (334, 282)
BROW_R_OUTER, BROW_L_OUTER = (70, 46), (300, 276)
LIP_UP_OUTER, LIP_UP_INNER, LIP_LOW_INNER, LIP_LOW_OUTER = 0, 13, 14, 17
"""Lip edges at the midline, top to bottom."""
MOUTH_R, MOUTH_L = 61, 291
"""Mouth corners."""
NOSE_TIP = 1
