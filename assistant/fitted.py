"""The fitted knobs, read from `data/fitted.json`: the ranking `Fusion` and the answerability
`Judge`. Both are refitted from data by `benchmarks/fit.py`; this file is plain JSON, never a
pickle, with a format number that the reader checks."""

from __future__ import annotations

import functools
import json
from importlib import resources

from .answerability import Judge
from .retrieval import Fusion

FORMAT = 1
FITTED_FILE = "data/fitted.json"


def parse(data: dict) -> tuple[Fusion, Judge]:
    """The fusion and judge of a fitted-knobs document. Raises ValueError if it is malformed."""
    if data.get("format") != FORMAT:
        raise ValueError(f"fitted knobs of format {data.get('format')!r}; this version reads {FORMAT}")
    try:
        judge = data["judge"]
        return Fusion(**data["fusion"]), Judge(
            features=tuple(judge["features"]), baseline=float(judge["baseline"]),
            trees=tuple(tuple((int(f), float(t), int(a), int(b), float(v)) for f, t, a, b, v in tree)
                        for tree in judge["trees"]),
            typical=tuple(float(v) for v in judge["typical"]), thresholds=dict(judge["thresholds"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed fitted knobs: {exc}") from None


@functools.lru_cache(maxsize=1)
def load() -> tuple[Fusion, Judge]:
    """The shipped knobs."""
    return parse(json.loads(resources.files("assistant").joinpath(FITTED_FILE).read_text("utf-8")))
