"""``companion eval``: score the cue engine against the hand-labelled clips."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from companion.atomic import check_writable, write_json_atomic
from companion.errors import InputError
from companion.offline.evaluation import SETS, Report, Split

log = logging.getLogger("companion")

_HEADINGS = {
    "validation": "validation: {n} clips the defaults were never tuned on",
    "tune": "tune: {n} clips the defaults were chosen on",
    "unsplit": "unsplit: {n} labelled clips the split does not list",
}
_EARLY_HEADING = (
    "early movement: each clip of one labelled person starts with {lead:g} s of that person's "
    "longest brow or lip movement, labelled as such"
)
_TAKE_HEADING = (
    "take: each clip of one labelled person read as `companion review` reads a self-tape "
    "(the neutral learned over the whole take; no clusters)"
)
_GALLERY_HEADING = (
    "gallery: the clips of one labelled person, {n}x{n} at {width}x{height} ({fill}), each "
    "set in galleries of its own; {run}, {fps:g} frames a second"
)


def handle(args: argparse.Namespace) -> int:
    """Analyse every labelled clip, print the tables by set and optionally write the JSON."""
    from companion.offline.evaluation import load_split

    if args.json is not None:
        check_writable(args.json)
    split = load_split(args.split) if args.split is not None else Split(frozenset(), frozenset())
    modes = [name for name in ("tune", "early_movement", "gallery", "take") if getattr(args, name)]
    if len(modes) > 1:
        flags = " and ".join("--" + m.replace("_", "-") for m in modes)
        raise InputError(f"{flags} are separate runs: choose one")
    if args.tune:
        return _tune(args, split)
    heading, report = _report(args, split)
    sets = _by_set(report, split)
    if args.json is not None:
        doc = report.to_json()
        doc["sets"] = {name: part.to_json() for name, part in sets.items()}
        write_json_atomic(args.json, doc)
    text = _tables(sets)
    sys.stdout.write((heading + "\n\n" if heading else "") + text + "\n")
    return 0


def _report(args: argparse.Namespace, split: Split) -> tuple[str | None, Report]:
    """The evaluation the command line asks for, with a heading saying what it is."""
    from companion.offline.evaluation import evaluate_clips

    if args.early_movement:
        from companion.offline.early_movement import LEAD_S, early_movement_clips

        report = early_movement_clips(
            args.labels, args.clips, rules=args.rules, on_clip=lambda n: log.info("%s", n)
        )
        return _EARLY_HEADING.format(lead=LEAD_S), report
    if args.gallery is not None:
        return _gallery(args, split)
    if args.take:
        from companion.offline.take_eval import take_clips

        report = take_clips(args.labels, args.clips, on_clip=lambda n: log.info("%s", n))
        return _TAKE_HEADING, report
    report = evaluate_clips(
        args.labels, args.clips, rules=args.rules, on_clip=lambda n: log.info("%s", n)
    )
    return None, report


def _gallery(args: argparse.Namespace, split: Split) -> tuple[str, Report]:
    """Each set's clips in galleries of their own, scored tile by tile."""
    from companion.cues.rules import load_rules
    from companion.gallery_eval import GalleryEvalConfig, evaluate_gallery
    from companion.offline.evaluation import load_labelled_clips

    if args.gallery < 1:
        raise InputError(f"--gallery must be at least 1, got {args.gallery}")
    config = GalleryEvalConfig(n=args.gallery, fill=args.gallery_fill, run=args.gallery_run)
    patterns = load_rules(args.rules)
    docs = load_labelled_clips(args.labels, args.clips)
    clips = []
    for name in SETS:
        part = [d for d in docs if split.set_of(str(d["source"])) == name]
        if not part:
            continue

        def progress(i: int, count: int, name: str = name) -> None:
            log.info("%s: gallery %d of %d", name, i + 1, count)

        clips += evaluate_gallery(part, args.clips, patterns, config, progress).clips
    heading = _GALLERY_HEADING.format(
        n=config.n,
        width=config.width,
        height=config.height,
        fill=config.fill,
        run=(
            f"live pipeline, {config.budget_cores:g} core"
            if config.run == "live"
            else "offline pipeline (companion analyze), every face on every frame"
        ),
        fps=config.fps,
    )
    return heading, Report(clips)


def _by_set(report: Report, split: Split) -> dict[str, Report]:
    """The report of each set that has clips, validation first."""
    parts = {
        name: report.subset(c.source for c in report.clips if split.set_of(c.source) == name)
        for name in SETS
    }
    return {name: part for name, part in parts.items() if part.clips}


def _tables(sets: dict[str, Report]) -> str:
    return "\n\n".join(
        _HEADINGS[name].format(n=len(part.clips)) + "\n" + part.table()
        for name, part in sets.items()
    )


def _tune(args: argparse.Namespace, split: Split) -> int:
    """Search the settings on the tune clips, then score the validation clips with them."""
    from companion.offline.tuning import default_params, tune_clips

    result = tune_clips(
        args.labels, args.clips, split, rules=args.rules, on_clip=lambda n: log.info("%s", n)
    )
    defaults = default_params()
    changed = {k: v for k, v in result.chosen.items() if v != defaults[k]}
    picked = ", ".join(f"{k} {v:g}" for k, v in changed.items()) or "the defaults"
    lines = [
        f"settings picked on the {len(result.tune.clips)} tune clips: {picked}",
        _tables({"validation": result.validation, "tune": result.tune}),
    ]
    if args.json is not None:
        doc: dict[str, Any] = {
            "picked": result.chosen,
            "sets": {
                "validation": result.validation.to_json(),
                "tune": result.tune.to_json(),
            },
        }
        write_json_atomic(args.json, doc)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
