"""Rows of results, rounds that alternate contenders, and the summary numbers of a row."""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Metric:
    key: str
    title: str  # column heading, unit included
    higher_is_better: bool
    ratios: bool = True  # whether a ratio to raw httpx / the SDK means anything


@dataclass
class Row:
    """One contender in one case of a scenario: a list of samples per metric (one per round)."""

    scenario: str
    case: str
    key: str
    label: str
    role: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""  # why a row has no numbers ("n/a: ...") or what it measures differently

    def median(self, metric: str) -> float | None:
        values = self.samples.get(metric)
        return statistics.median(values) if values else None

    def spread(self, metric: str) -> tuple[float, float] | None:
        values = self.samples.get(metric)
        return (min(values), max(values)) if values else None

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "case": self.case,
            "contender": self.key,
            "label": self.label,
            "role": self.role,
            "note": self.note,
            "metrics": {
                name: {
                    "median": statistics.median(values),
                    "min": min(values),
                    "max": max(values),
                    "samples": values,
                }
                for name, values in self.samples.items()
                if values
            },
        }


def rotations(items: Sequence[T], rounds: int) -> Iterator[tuple[int, T]]:
    """Each round visits every item once, starting one further along than the last round."""
    for round_ in range(rounds):
        start = round_ % len(items)
        for item in [*items[start:], *items[:start]]:
            yield round_, item


class CpuClock(Protocol):
    def cpu_seconds(self) -> float: ...


@contextmanager
def timed(server: CpuClock | None = None) -> Iterator[dict[str, float]]:
    """Wall and process CPU seconds (all threads) of the block, after a collection.

    With ``server``, also ``server_busy``: the share of one core the server used meanwhile.
    """
    gc.collect()
    sample: dict[str, float] = {}
    server0 = server.cpu_seconds() if server is not None else 0.0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    yield sample
    sample["wall"] = time.perf_counter() - wall0
    sample["cpu"] = time.process_time() - cpu0
    if server is not None:
        sample["server_busy"] = (server.cpu_seconds() - server0) / sample["wall"]


def say(message: str) -> None:
    """Progress on stderr, so stdout carries only the report."""
    print(message, file=sys.stderr, flush=True)


def collect(
    rows: dict[str, Row], rounds: int, items: Sequence[T], key: Callable[[T], str], run: Any
) -> None:
    """Run ``run(item)`` for every item, round after round, adding its samples to its row."""
    for _round, item in rotations(items, rounds):
        row = rows[key(item)]
        for metric, value in run(item).items():
            row.samples.setdefault(metric, []).append(value)
