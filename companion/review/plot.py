"""The timeline image: the main movement traces against the person's own rest, moments marked.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no window, no global
state), straight to PNG bytes in memory.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from companion.cues.take import TakeReading
from companion.review.moments import Moment

PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Brows lowered", ("brows_lowered",)),
    ("Lips pressed", ("lips_pressed",)),
    ("Smile and\neyes narrowed", ("smile", "eyes_narrowed")),
    ("Eyes closing", ("eye_closure",)),
    ("Off the lens", ("off_lens",)),
)
COLOURS = ("#2b6cb0", "#c05621")
MOMENT_COLOUR = "#f6ad55"
Y_RANGE = (-1.0, 3.2)
"""Each panel shows at least this range (units of a clear movement) ..."""
Y_CAP = 8.0
"""... and grows to fit its traces up to this; beyond it a trace is cut at the top edge."""


def timeline_png(
    signals: TakeReading, moments: Sequence[Moment], duration_s: float, width_px: int = 1100
) -> bytes:
    """PNG bytes of the traces of ``signals`` with ``moments`` shaded and numbered."""
    dpi = 100
    fig = Figure(figsize=(width_px / dpi, 1.45 * len(PANELS) + 0.6), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(PANELS), 1, sharex=True)
    end = max(duration_s, float(signals.t[-1]) if len(signals.t) else 0.0, 0.1)
    for row, (ax, (label, names)) in enumerate(zip(axes, PANELS, strict=True)):
        for number, moment in enumerate(moments, start=1):
            ax.axvspan(
                moment.start,
                max(moment.end, moment.start + 0.05),
                color=MOMENT_COLOUR,
                alpha=0.3,
                lw=0,
            )
            if row == 0:
                ax.text(
                    moment.start,
                    1.0,
                    str(number),
                    ha="left",
                    va="top",
                    fontsize=8,
                    fontweight="bold",
                    color="#7b341e",
                    transform=ax.get_xaxis_transform(),  # x in seconds, y at the panel top
                )
        ax.axhline(0.0, color="#718096", lw=0.8)
        ax.axhline(1.0, color="#a0aec0", lw=0.8, ls="--")
        shown = [signals.traces.get(name) for name in names]
        peak = max((float(v.max()) for v in shown if v is not None and len(v)), default=0.0)
        top = max(Y_RANGE[1], min(peak * 1.08, Y_CAP))
        for name, values, colour in zip(names, shown, COLOURS, strict=False):
            if values is not None and len(values):
                clipped = values.clip(Y_RANGE[0], top)
                ax.plot(signals.t, clipped, color=colour, lw=1.1, label=_legend(name))
        if len(names) > 1:
            # beside the panel, not on it: the traces use the whole height
            ax.legend(loc="center left", bbox_to_anchor=(1.005, 0.5), fontsize=7, frameon=False)
        if names == ("eye_closure",):
            for e in signals.events:
                if e.cue == "blink":
                    ax.plot([e.peak], [top - 0.5], marker="v", ms=4, color="#4a5568")
        ax.set_ylim(Y_RANGE[0], top)
        ax.set_xlim(0.0, end)
        ax.set_yticks([0.0, 1.0], ["rest", "clear"], fontsize=7)
        ax.set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].set_xlabel("seconds", fontsize=8)
    axes[-1].tick_params(axis="x", labelsize=8)
    fig.subplots_adjust(left=0.14, right=0.87, top=0.97, bottom=0.08, hspace=0.25)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _legend(name: str) -> str:
    return {"smile": "lip corners up", "eyes_narrowed": "eyes narrowed"}.get(name, name)
