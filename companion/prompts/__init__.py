"""Prompts that ask instead of assume: phrasings, pacing, the language guard, and the
calm routine and reflection card around a call. Pure Python, no Qt, no MediaPipe.

- `companion.prompts.library`: the packaged phrasing library and its rotation.
- `companion.prompts.pacing`: `Prompter` and `PacingConfig` (when a card may show).
- `companion.prompts.offline`: `prompts_for` for a recorded video.
- `companion.prompts.guard`: the one list of words never written about a person.
- `companion.prompts.session`: the calm routine and the private reflection card.
"""
