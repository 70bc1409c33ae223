"""The self-contained report page: inline CSS, images as data URIs, no script, no requests.

Each moment can be played from the recording beside the report: a ``<video>`` whose source
is the recording's path relative to the report with a media fragment (``#t=start,end``), so
pressing play shows that moment and stops at its end, with no script. The video is only
read when played, and only if it is still where it was.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from companion.review import wording
from companion.review.report import Review

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a202c;
  background: #f7fafc; margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
.meta { color: #4a5568; margin: 0 0 16px; }
.summary { background: #fff; border-left: 4px solid #dd6b20; padding: 10px 16px;
  border-radius: 4px; }
.summary p { margin: 6px 0; }
.timeline { width: 100%; height: auto; background: #fff; border-radius: 4px; }
.legend { color: #4a5568; font-size: 13px; }
ol.moments { list-style: none; padding: 0; margin: 0; }
.moment { display: flex; gap: 16px; background: #fff; border-radius: 6px; padding: 12px;
  margin: 0 0 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.moment img, .moment video { width: 168px; height: 168px; border-radius: 4px; flex: none;
  background: #000; object-fit: contain; }
.moment h3 { font-size: 16px; margin: 0 0 4px; }
.moment p { margin: 4px 0; }
.when { color: #4a5568; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px;
  background: #feebc8; color: #7b341e; margin-left: 6px; }
.tip { background: #ebf8ff; border-radius: 4px; padding: 6px 10px; }
table.others { border-collapse: collapse; background: #fff; width: 100%; }
table.others td, table.others th { text-align: left; padding: 4px 10px;
  border-bottom: 1px solid #edf2f7; font-size: 14px; }
footer { color: #718096; font-size: 13px; margin-top: 32px; }
"""

FOOTER = (
    "Made on this computer by Companion from your own recording; nothing was sent anywhere. "
    "It describes movements of the face against your own resting face. It does not read "
    "emotions and it is not an assessment of anyone."
)


def data_uri(mime: str, data: bytes) -> str:
    """``data:`` URI of some bytes."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def render_html(
    review: Review,
    thumbnails: Sequence[bytes | None],
    timeline: bytes | None,
    video_href: str | None = None,
) -> str:
    """The whole page; ``thumbnails`` are JPEGs in the order of ``review.moments``;
    ``video_href`` is the recording's URL relative to the page (None: no playing)."""
    rec = review.recording
    doc = review.to_json()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Self-tape review: {escape(rec.source)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>Self-tape review: {escape(rec.source)}</h1>",
        f'<p class="meta">{wording.clock(rec.duration_s)} long, {rec.fps:.0f} frames a '
        f"second, {rec.width}x{rec.height}.</p>",
        '<section class="summary" id="summary">',
        *(f"<p>{escape(line)}</p>" for line in doc["summary"]),
        "</section>",
    ]
    if timeline is not None:
        parts += [
            "<h2>Timeline</h2>",
            f'<img class="timeline" alt="Movement traces over time with the moments shaded" '
            f'src="{data_uri("image/png", timeline)}">',
            '<p class="legend">Each line is one kind of movement against your own resting face '
            "(rest at 0, a clear movement at the dashed line). Shaded, numbered stretches are "
            "the moments below; triangles mark blinks.</p>",
        ]
    parts.append("<h2>Moments</h2>")
    if review.moments:
        parts.append('<ol class="moments">')
        for item, thumb in zip(doc["moments"], thumbnails, strict=True):
            parts.append(_moment(item, thumb, video_href))
        parts.append("</ol>")
    else:
        parts.append("<p>No moments to show.</p>")
    if doc["other_movements"]:
        parts += [
            "<h2>Other movements</h2>",
            '<table class="others"><tr><th>When</th><th>How long</th><th>What moved</th>'
            "<th>Not a moment because</th></tr>",
            *(
                f"<tr><td>{wording.clock(o['start_s'])}</td>"
                f"<td>{wording.seconds(o['end_s'] - o['start_s'])}</td>"
                f"<td>{escape(o['what_moved'])}</td>"
                f"<td>{escape(o['why_not_a_moment'])}</td></tr>"
                for o in doc["other_movements"]
            ),
            "</table>",
        ]
    parts += [f"<footer>{escape(FOOTER)}</footer>", "</main></body></html>", ""]
    return "\n".join(parts)


def _moment(item: dict[str, object], thumb: bytes | None, video_href: str | None) -> str:
    start, end, apex = (float(str(item[k])) for k in ("start_s", "end_s", "apex_s"))
    number = item["number"]
    flags = " ".join(str(f) for f in item["flags"])  # type: ignore[attr-defined]
    poster = data_uri("image/jpeg", thumb) if thumb is not None else None
    if video_href is not None:
        # the moment plays from its start and stops at its end (a media fragment)
        image = (
            f'<video controls preload="none" src="{escape(video_href)}#t={start:.2f},{end:.2f}"'
            + (f' poster="{poster}"' if poster else "")
            + f' title="Play {wording.clock(start)} to {wording.clock(end)}"></video>'
        )
    elif poster is not None:
        image = f'<img alt="Face at {wording.clock(apex)}" src="{poster}">'
    else:
        image = ""
    brief = f'<span class="badge">{escape(wording.BRIEF_NOTE)}</span>' if item["brief"] else ""
    details = " ".join(escape(str(d)) for d in item["details"])  # type: ignore[attr-defined]
    return (
        f'<li class="moment" id="moment-{number}" data-start="{start:.3f}" '
        f'data-end="{end:.3f}" data-apex="{apex:.3f}" data-flags="{escape(flags)}">'
        f"{image}<div>"
        f"<h3>{number}. {escape(str(item['title']))}</h3>"
        f'<p class="when">{wording.clock(start)} to {wording.clock(end)} · '
        f"{wording.seconds(end - start)} · clearest at {wording.clock(apex)}{brief}</p>"
        f"<p><b>What moved:</b> {escape(str(item['what_moved']))}. {details}</p>"
        f'<p class="tip"><b>Tip:</b> {escape(str(item["tip"]))}</p>'
        "</div></li>"
    )
