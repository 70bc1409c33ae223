"""The population prior of every measure: fitted on the tune clips, shipped as a data file.

    population = load_population()       # the packaged companion/cues/population.json
    population = fit_population(people, MEASURE_FLOOR, lips_closed)   # one array per person

Each person's resting face is the calm middle of their frontal samples (as `Neutral` learns
it); the prior's centre is the median of those over people, and its spread the spread
between people combined with the typical spread within one person.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from companion.cues.baseline import MAD_TO_SIGMA, Neutral, NeutralConfig, Prior, Vector
from companion.cues.signals import LOWER_FACE, MEASURES, M
from companion.errors import InputError

POPULATION_SCHEMA = "companion.population/1"
LOWER_FACE_MASK = np.array([name in LOWER_FACE for name in MEASURES], dtype=bool)
"""The measures learned from the calmest samples (speech and smiles move them)."""


def resting_centre(samples: Vector, floor: Vector) -> tuple[Vector, Vector]:
    """One person's resting centre and spread from all their frontal samples (n, measures)."""
    flat = Prior(np.zeros(len(MEASURES)), np.zeros(len(MEASURES)), np.zeros(len(MEASURES)))
    neutral = Neutral(
        flat,
        floor,
        NeutralConfig(window_s=float("inf"), prior_s=1e-9),
        M["mouth_activity"],
        LOWER_FACE_MASK,
    )
    neutral.prime([(0.1 * i, row) for i, row in enumerate(samples)])
    return neutral.at(0.0)


def fit_prior(people: Sequence[Vector], floor: Vector) -> Prior:
    """The prior from the frontal samples of each person of the tune clips."""
    if len(people) < 3:
        raise ValueError(f"a population prior needs at least 3 people, got {len(people)}")
    centres, spreads = zip(*(resting_centre(np.asarray(p), floor) for p in people), strict=True)
    stack = np.vstack(centres)
    centre = np.median(stack, axis=0)
    between = np.maximum(MAD_TO_SIGMA * np.median(np.abs(stack - centre), axis=0), floor)
    within = np.maximum(np.median(np.vstack(spreads), axis=0), floor)
    strength = np.clip((within / between) ** 2, 0.05, 5.0)
    return Prior(centre, np.sqrt(between**2 + within**2), strength)


@dataclass(frozen=True)
class Population:
    """The prior of the resting face, and of the resting face with the lips closed."""

    rest: Prior
    closed: Prior


def fit_population(people: Sequence[Vector], floor: Vector, lips_closed: float) -> Population:
    """Both priors from the frontal samples of each person of the tune clips."""
    closed = [p[p[:, M["lip_gap"]] < lips_closed] for p in (np.asarray(q) for q in people)]
    return Population(
        fit_prior(people, floor), fit_prior([c for c in closed if len(c) >= 5], floor)
    )


def population_to_json(population: Population, sources: Sequence[str]) -> dict[str, Any]:
    """The population file's document."""

    def table(prior: Prior) -> dict[str, Any]:
        return {
            name: {
                "centre": round(float(c), 6),
                "spread": round(float(s), 6),
                "strength": round(float(k), 4),
            }
            for name, c, s, k in zip(
                MEASURES, prior.centre, prior.spread, prior.strength, strict=True
            )
        }

    return {
        "schema": POPULATION_SCHEMA,
        "fitted_on": list(sources),
        "rest": table(population.rest),
        "closed_lips": table(population.closed),
    }


def population_from_json(doc: Any, where: str) -> Population:
    """Read a population document; every measure must be there."""
    if not isinstance(doc, dict) or doc.get("schema") != POPULATION_SCHEMA:
        raise InputError(f"{where}: not a {POPULATION_SCHEMA} file")

    def prior(key: str) -> Prior:
        measures = doc.get(key, {})
        missing = [name for name in MEASURES if name not in measures]
        if missing:
            raise InputError(f"{where}: {key}: no prior for {', '.join(missing)}")
        centre = np.array([float(measures[n]["centre"]) for n in MEASURES], dtype=np.float64)
        spread = np.array([float(measures[n]["spread"]) for n in MEASURES], dtype=np.float64)
        strength = np.array([float(measures[n]["strength"]) for n in MEASURES], np.float64)
        return Prior(centre, spread, strength)

    return Population(prior("rest"), prior("closed_lips"))


def load_population(path: Path | None = None) -> Population:
    """The population priors from ``path`` (None: the packaged one)."""
    if path is None:
        text = (resources.files("companion.cues") / "population.json").read_text(encoding="utf-8")
        return population_from_json(json.loads(text), "companion/cues/population.json")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable population file ({exc})") from exc
    return population_from_json(doc, str(path))
