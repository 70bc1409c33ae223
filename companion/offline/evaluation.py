"""`companion eval`: score the cue engine against hand labels (`companion.labels/1`).

The matching rule is DESIGN.md's: a detected event matches a labelled one of the same cue
when their intervals overlap once the label is widened by 0.25 s on each side, one to one
(a maximum matching, so one long detection cannot claim two labels). False positives count
only for the clip's ``labeled_cues``; a participant's ``sustained`` cues are ignored. Clusters
are scored the same way per pattern. Clips marked ``neutral`` should raise no cluster: any
cluster or prompt there counts as a false alarm, reported per 10 minutes of video.

Scoring works on analysis documents (`companion.analysis/1`), so it does not care how they
were produced; `evaluate_clips` runs the real pipeline to produce them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.errors import InputError
from companion.model import Box

LABELS_SCHEMA = "companion.labels/1"
EVAL_SCHEMA = "companion.eval/1"
WIDEN_S = 0.25
"""Labels are widened by this much on each side before matching."""

Interval = tuple[float, float]


@dataclass
class Tally:
    """Counts for one cue or pattern."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    clear_tp: int = 0
    clear_n: int = 0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.clear_tp += other.clear_tp
        self.clear_n += other.clear_n

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP), None when nothing was detected."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN), None when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall; None when either is undefined."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def clear_recall(self) -> float | None:
        """Recall on the events labelled ``clear``."""
        return self.clear_tp / self.clear_n if self.clear_n else None

    def to_json(self) -> dict[str, Any]:
        """Counts and rates, rates rounded to 3 decimals (null when undefined)."""

        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": r(self.precision),
            "recall": r(self.recall),
            "f1": r(self.f1),
            "clear": self.clear_n,
            "clear_recall": r(self.clear_recall),
        }


def max_matching(detected: Sequence[Interval], labelled: Sequence[Interval]) -> int:
    """Size of the largest one-to-one matching of detections to widened labels that overlap."""
    edges = [
        [j for j, (ls, le) in enumerate(labelled) if ds <= le + WIDEN_S and de >= ls - WIDEN_S]
        for ds, de in detected
    ]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return sum(augment(i, set()) for i in range(len(detected)))


def _intervals(items: Iterable[Mapping[str, Any]], key: str, name: str) -> list[Interval]:
    return [(float(e["start_s"]), float(e["end_s"])) for e in items if e[key] == name]


def score_participant(
    detected_events: Sequence[Mapping[str, Any]],
    labelled_events: Sequence[Mapping[str, Any]],
    cue: str,
) -> Tally:
    """Counts for one cue of one participant (events are JSON objects as in the files)."""
    found = _intervals(detected_events, "cue", cue)
    wanted = _intervals(labelled_events, "cue", cue)
    clear = _intervals((e for e in labelled_events if e.get("confidence") == "clear"), "cue", cue)
    tp = max_matching(found, wanted)
    return Tally(tp, len(found) - tp, len(wanted) - tp, max_matching(found, clear), len(clear))


def score_clusters(
    detected: Sequence[Mapping[str, Any]], labelled: Sequence[Mapping[str, Any]], pattern: str
) -> Tally:
    """Counts for one pattern of one participant."""
    found = _intervals(detected, "pattern", pattern)
    wanted = _intervals(labelled, "pattern", pattern)
    tp = max_matching(found, wanted)
    return Tally(tp, len(found) - tp, len(wanted) - tp)


def _box(values: Sequence[float]) -> Box:
    x, y, w, h = (float(v) for v in values)
    return Box(x, y, w, h)


def pair_participants(
    labelled: Sequence[Mapping[str, Any]], detected: Sequence[Mapping[str, Any]]
) -> list[tuple[int | None, int | None]]:
    """Pairs (label index, detection index) by face-box overlap; None on an unpaired side."""
    pairs: list[tuple[float, int, int]] = []
    for i, lab in enumerate(labelled):
        for j, det in enumerate(detected):
            iou = _box(lab["box"]).iou(_box(det["box"]))
            if iou > 0.1:
                pairs.append((iou, i, j))
    used_l: set[int] = set()
    used_d: set[int] = set()
    out: list[tuple[int | None, int | None]] = []
    for _iou, i, j in sorted(pairs, reverse=True):
        if i not in used_l and j not in used_d:
            used_l.add(i)
            used_d.add(j)
            out.append((i, j))
    out += [(i, None) for i in range(len(labelled)) if i not in used_l]
    out += [(None, j) for j in range(len(detected)) if j not in used_d]
    return out


@dataclass
class ClipScore:
    """Everything counted on one labelled clip."""

    source: str
    duration_s: float
    neutral: bool
    cues: dict[str, Tally] = field(default_factory=dict)
    patterns: dict[str, Tally] = field(default_factory=dict)
    clusters_found: int = 0
    prompts_found: int = 0

    def to_json(self) -> dict[str, Any]:
        """Per-clip counts."""
        return {
            "source": self.source,
            "duration_s": round(self.duration_s, 3),
            "neutral": self.neutral,
            "clusters": self.clusters_found,
            "prompts": self.prompts_found,
            "cues": {k: v.to_json() for k, v in self.cues.items()},
            "patterns": {k: v.to_json() for k, v in self.patterns.items()},
        }


def score_clip(
    labels: Mapping[str, Any], analysis: Mapping[str, Any], patterns: Sequence[str]
) -> ClipScore:
    """Compare one clip's analysis with its labels."""
    labelled_cues = list(labels["labeled_cues"])
    lab_people = list(labels["participants"])
    det_people = list(analysis["participants"])
    clip = ClipScore(
        source=str(labels["source"]),
        duration_s=float(analysis.get("duration_s", 0.0)),
        neutral=bool(labels.get("neutral", False)),
        cues={c: Tally() for c in labelled_cues},
        patterns={p: Tally() for p in patterns},
    )
    for person in det_people:
        clip.clusters_found += len(person.get("clusters", []))
        clip.prompts_found += len(person.get("prompts", []))
    for li, di in pair_participants(lab_people, det_people):
        lab: Mapping[str, Any] = lab_people[li] if li is not None else {}
        det: Mapping[str, Any] = det_people[di] if di is not None else {}
        sustained = set(lab.get("sustained", []))
        for cue in labelled_cues:
            if cue not in sustained:
                clip.cues[cue].add(
                    score_participant(det.get("events", []), lab.get("events", []), cue)
                )
        for pattern in patterns:
            clip.patterns[pattern].add(
                score_clusters(det.get("clusters", []), lab.get("clusters", []), pattern)
            )
    return clip


@dataclass
class Report:
    """Totals over all clips."""

    clips: list[ClipScore]

    def subset(self, names: Iterable[str]) -> Report:
        """The report of the clips named (in this report's order)."""
        wanted = set(names)
        return Report([c for c in self.clips if c.source in wanted])

    def cue_totals(self) -> dict[str, Tally]:
        """Per-cue counts summed over clips."""
        totals: dict[str, Tally] = {}
        for clip in self.clips:
            for cue, tally in clip.cues.items():
                totals.setdefault(cue, Tally()).add(tally)
        return dict(sorted(totals.items()))

    def pattern_totals(self) -> dict[str, Tally]:
        """Per-pattern counts summed over clips."""
        totals: dict[str, Tally] = {}
        for clip in self.clips:
            for pattern, tally in clip.patterns.items():
                totals.setdefault(pattern, Tally()).add(tally)
        return totals

    def all_clusters(self) -> Tally:
        """Every pattern together."""
        total = Tally()
        for tally in self.pattern_totals().values():
            total.add(tally)
        return total

    def neutral(self) -> dict[str, Any]:
        """False alarms on the neutral clips."""
        clips = [c for c in self.clips if c.neutral]
        seconds = sum(c.duration_s for c in clips)
        clusters = sum(c.clusters_found for c in clips)
        prompts = sum(c.prompts_found for c in clips)

        def per_10_min(n: int) -> float | None:
            return round(n * 600.0 / seconds, 2) if seconds else None

        return {
            "clips": len(clips),
            "seconds": round(seconds, 2),
            "clusters": clusters,
            "clusters_per_10_min": per_10_min(clusters),
            "prompts": prompts,
            "prompts_per_10_min": per_10_min(prompts),
            "with_clusters": [c.source for c in clips if c.clusters_found],
        }

    def to_json(self) -> dict[str, Any]:
        """The `companion.eval/1` document."""
        return {
            "schema": EVAL_SCHEMA,
            "matching": f"same cue, label widened by {WIDEN_S} s each side, overlap, one to one",
            "cues": {k: v.to_json() for k, v in self.cue_totals().items()},
            "patterns": {k: v.to_json() for k, v in self.pattern_totals().items()},
            "clusters_all_patterns": self.all_clusters().to_json(),
            "neutral": self.neutral(),
            "clips": [c.to_json() for c in self.clips],
        }

    def table(self) -> str:
        """A plain-text summary for the terminal."""

        def fmt(v: float | None) -> str:
            return "   -" if v is None else f"{v:4.2f}"

        head = f"{'':22} {'TP':>3} {'FP':>3} {'FN':>3}  prec  rec   F1   clear-rec"
        lines = [f"{len(self.clips)} labelled clips", head]

        def row(name: str, t: Tally) -> str:
            clear = f"{fmt(t.clear_recall)} ({t.clear_tp}/{t.clear_n})" if t.clear_n else ""
            return (
                f"{name:22} {t.tp:3d} {t.fp:3d} {t.fn:3d}  {fmt(t.precision)} "
                f"{fmt(t.recall)} {fmt(t.f1)}  {clear}"
            )

        lines += [row(cue, t) for cue, t in self.cue_totals().items()]
        lines.append("patterns")
        lines += [row(p, t) for p, t in self.pattern_totals().items()]
        lines.append(row("all clusters", self.all_clusters()))
        n = self.neutral()
        if not n["clips"]:
            lines.append("neutral clips: none labelled, so no false-alarm rate")
        else:
            lines.append(
                f"neutral clips: {n['clips']} ({n['seconds']} s): {n['clusters']} clusters "
                f"({n['clusters_per_10_min']} per 10 min), {n['prompts']} prompts "
                f"({n['prompts_per_10_min']} per 10 min)"
            )
        if n["with_clusters"]:
            lines.append("  clusters on: " + ", ".join(n["with_clusters"]))
        return "\n".join(lines)


def load_labels(folders: Sequence[Path]) -> list[dict[str, Any]]:
    """Every `companion.labels/1` file in ``folders`` (``*.json``), sorted by clip name.

    A clip labelled in two folders is an error: which labels count would be a guess.
    """
    docs: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for folder in folders:
        for doc, path in _load_folder(folder):
            name = str(doc["source"])
            if name in seen:
                raise InputError(f"{path}: {name} is labelled in {seen[name]} as well")
            seen[name] = path
            docs.append(doc)
    return sorted(docs, key=lambda d: str(d["source"]))


def _read_schema_file(path: Path, schema: str, what: str) -> dict[str, Any]:
    """The JSON object in ``path``, which must say it is a ``schema`` document."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable {what} ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("schema") != schema:
        raise InputError(f"{path}: not a {schema} file")
    return doc


def read_labels(path: Path) -> dict[str, Any]:
    """One `companion.labels/1` file, checked to name its clip, cues and participants."""
    doc = _read_schema_file(path, LABELS_SCHEMA, "labels file")
    for key in ("source", "labeled_cues", "participants"):
        if key not in doc:
            raise InputError(f"{path}: missing {key!r}")
    return doc


def _load_folder(folder: Path) -> list[tuple[dict[str, Any], Path]]:
    if not folder.is_dir():
        raise InputError(f"{folder}: labels folder not found")
    docs = [(read_labels(path), path) for path in sorted(folder.glob("*.json"))]
    if not docs:
        raise InputError(f"{folder}: no labels files (*.json)")
    return docs


def evaluate(
    labels: Sequence[Mapping[str, Any]],
    analyse: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    patterns: Sequence[str],
) -> Report:
    """Score ``analyse(labels_doc) -> analysis doc`` on every labelled clip.

    Every pattern in ``patterns`` or in any labels file is scored.
    """
    labelled = (
        c["pattern"] for doc in labels for p in doc["participants"] for c in p.get("clusters", [])
    )
    names = list(dict.fromkeys([*patterns, *labelled]))
    return Report([score_clip(doc, analyse(doc), names) for doc in labels])


SPLIT_SCHEMA = "companion.split/1"
SETS = ("validation", "tune", "unsplit")
"""The sets a labelled clip can be in, in the order eval reports them."""


@dataclass(frozen=True)
class Split:
    """A fixed split of the labelled clips: defaults are chosen on ``tune`` only, and
    ``validation`` says how well they carry to faces they were never tuned on."""

    tune: frozenset[str]
    validation: frozenset[str]

    def set_of(self, name: str) -> str:
        """``validation``, ``tune`` or ``unsplit`` (a labelled clip the split does not list)."""
        if name in self.validation:
            return "validation"
        return "tune" if name in self.tune else "unsplit"

    def names(self, docs: Iterable[Mapping[str, Any]], which: str) -> list[str]:
        """The clips of ``docs`` in the set ``which``."""
        return [str(d["source"]) for d in docs if self.set_of(str(d["source"])) == which]


def load_split(path: Path) -> Split:
    """Read a `companion.split/1` file; a clip may not be in both sets."""
    doc = _read_schema_file(path, SPLIT_SCHEMA, "split file")
    tune, validation = frozenset(doc.get("tune", [])), frozenset(doc.get("validation", []))
    both = sorted(tune & validation)
    if both:
        raise InputError(f"{path}: in both tune and validation: {', '.join(both)}")
    return Split(tune, validation)


def load_labelled_clips(labels_dirs: Sequence[Path], clips_dir: Path) -> list[dict[str, Any]]:
    """The labels files of ``labels_dirs``, each clip checked to be in ``clips_dir``."""
    docs = load_labels(labels_dirs)
    for doc in docs:
        if not (clips_dir / str(doc["source"])).is_file():
            raise InputError(f"{clips_dir / str(doc['source'])}: labelled clip not found")
    return docs


def evaluate_clips(
    labels_dirs: Sequence[Path],
    clips_dir: Path,
    rules: Path | None = None,
    on_clip: Callable[[str], None] | None = None,
) -> Report:
    """Run `companion analyze` on each labelled clip found in ``clips_dir`` and score it.

    The rules file is read once, before any clip: every clip is scored with the same rules.
    """
    from companion.cues.engine import CueEngine
    from companion.cues.rules import load_rules
    from companion.offline.analysis import analyze_file

    docs = load_labelled_clips(labels_dirs, clips_dir)
    patterns = load_rules(rules)

    def analyse(doc: Mapping[str, Any]) -> Mapping[str, Any]:
        name = str(doc["source"])
        if on_clip is not None:
            on_clip(name)
        engine = CueEngine(patterns=patterns)  # one per clip: it keeps per-face state
        return analyze_file(clips_dir / name, engine=engine).to_json()

    return evaluate(docs, analyse, [p.name for p in patterns])
