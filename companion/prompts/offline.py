"""Prompts for a recorded video, paced exactly as the live overlay paces them.

``companion analyze`` has no user clicking: a card shown at ``t`` stays until it expires
(``card_s``), and each cluster is offered at the moment it ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from companion.model import Cluster, Prompt
from companion.prompts.library import PhraseLibrary
from companion.prompts.pacing import PacingConfig, Prompter


def prompts_for(
    clusters: Iterable[Cluster],
    context: str = "meeting",
    config: PacingConfig | None = None,
    *,
    seed: int = 0,
    start: float = 0.0,
    library: PhraseLibrary | None = None,
) -> list[Prompt]:
    """The prompts a viewer of the video would have been shown, in time order.

    ``clusters`` may come from several participants in any order; each is offered at its
    ``end`` through one `Prompter`. ``start`` is the video time the session began (0).
    """
    prompter = Prompter(context, config, library=library, seed=seed, start=start)
    ordered = sorted(clusters, key=lambda c: (c.end, c.start, c.participant, c.pattern))
    shown: list[Prompt] = []
    for cluster in ordered:
        prompt = prompter.offer(cluster, cluster.end)
        if prompt is not None:
            shown.append(prompt)
    return shown


def prompt_record(prompt: Prompt) -> dict[str, Any]:
    """One entry of a participant's ``prompts`` list in the analysis JSON."""
    return {"t_s": round(prompt.t, 3), "pattern": prompt.pattern, "text": prompt.text}
