"""The audio stage: rendered blocks -> sentences -> engine (through the cache) -> MP3 + captions.

Everything here is the same for every engine: an engine only ever sees one normalized
sentence at a time. The stage is split into modules with one job each; this module keeps the
names other modules, tests and plugins import:

- `plan`: sentences, their normalization and cache keys, word counts;
- `pace`: the voices' pace calibration, a cached task kept in `pace.json`;
- `synthesize`: one sentence through the engine and the cache, many over an executor;
- `assemble`: pauses fitted to the pace, mastering, MP3 tags, captions (pure: bytes out);
- `article`: one article planned, compared with its state, written;
- `voices`: which engine and voice speak a locale, checked before any work;
- `stage`: `toolkit audio` and the build's audio as per-pair tasks on an executor.

Pace is measured on the result: words over the whole file, pauses included. Sentences are
asked for a little faster than the configured rate (`speech_rate`), and each article's pauses
are then fitted (between bounds that keep them clearly audible) so that words / (speech +
pauses) comes out at the rate.
"""

from __future__ import annotations

from typing import Any

from . import synthesize as _synthesize
from .article import (
    OUTPUTS,
    AudioResult,
    Prepared,
    finish_article,
    prepare_article,
    render_prepared,
    synthesize_article,
    write_article,
)
from .assemble import (
    HEADING_PAUSE_FACTOR,
    MAX_PAUSE_STRETCH,
    MIN_PARAGRAPH_PAUSE,
    MIN_SENTENCE_PAUSE,
    Rendered,
    assemble,
    fit_pauses,
    output_rate,
    render,
)
from .pace import CALIBRATION_WORDS, PaceTable, calibration_sample, learn
from .plan import PAUSE_SHARE, Sentence, count_words, plan, speech_rate
from .stage import (
    PairJob,
    PairMade,
    PairRequest,
    generate_audio,
    lexicon_digests,
    pair_task,
    runner_for,
    speak_pairs,
)
from .synthesize import Clip, Progress, WarmProcesses, synthesize_all
from .synthesize import drop_pool as _drop_pool
from .synthesize import get_pool as _get_pool
from .voices import check_voice, check_voices, engine_for, resolve_voice

__all__ = [
    "CALIBRATION_WORDS",
    "HEADING_PAUSE_FACTOR",
    "MAX_PAUSE_STRETCH",
    "MIN_PARAGRAPH_PAUSE",
    "MIN_SENTENCE_PAUSE",
    "OUTPUTS",
    "PAUSE_SHARE",
    "AudioResult",
    "Clip",
    "PaceTable",
    "PairJob",
    "PairMade",
    "PairRequest",
    "Prepared",
    "Progress",
    "Rendered",
    "Sentence",
    "WarmProcesses",
    "_drop_pool",
    "_get_pool",
    "assemble",
    "calibration_sample",
    "check_voice",
    "check_voices",
    "count_words",
    "engine_for",
    "finish_article",
    "fit_pauses",
    "generate_audio",
    "learn",
    "lexicon_digests",
    "output_rate",
    "pair_task",
    "plan",
    "prepare_article",
    "render",
    "render_prepared",
    "resolve_voice",
    "runner_for",
    "speak_pairs",
    "speech_rate",
    "synthesize_all",
    "synthesize_article",
    "write_article",
]


def __getattr__(name: str) -> Any:
    """`_pool`: the warm pool as it is now (it lives in `synthesize`)."""
    if name == "_pool":
        return _synthesize._pool
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
