"""Summaries of timing samples (milliseconds): the numbers every benchmark reports.

Percentiles are nearest-rank (a value that was actually measured): with fewer than 100 samples
p99 is the maximum, which is what a small N can honestly say about the tail.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import TypedDict


class Summary(TypedDict):
    n: int
    min: float
    median: float
    p90: float
    p99: float
    max: float
    mean: float


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, 0 < q <= 100."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples: Sequence[float]) -> Summary:
    """min, median, p90, p99, max, mean of `samples` (rounded to 0.01 ms)."""
    return Summary(
        n=len(samples),
        min=round(min(samples), 2),
        median=round(statistics.median(samples), 2),
        p90=round(percentile(samples, 90), 2),
        p99=round(percentile(samples, 99), 2),
        max=round(max(samples), 2),
        mean=round(statistics.fmean(samples), 2),
    )


def ratio(a: float, b: float) -> float:
    """a / b rounded to 0.01 (inf when b is 0)."""
    return round(a / b, 2) if b else math.inf


def ms(seconds: float) -> float:
    return seconds * 1000.0
