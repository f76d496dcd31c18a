"""Misbehaviour on demand, for testing clients: errors, rate limits, latency, dropped connections.

A ``FaultRule`` says which requests it applies to (operation, path pattern, method), what it
does (answer ``status``, add ``latency``, ``drop`` the connection mid-response, answer
lists with ``has_more`` but no cursor, or make a bulk delete that declares a 503 stop
``partial``-way and say what it did) and how often (the next ``times`` matches, and/or a
``rate`` rolled on a seeded random source, so runs repeat). ``RateLimit`` is a real
fixed-window limiter per API key that answers 429 with ``Retry-After``.

Set them with ``Faults(...)``, ``ARIZE_MOCK_*`` environment variables (``Faults.from_env``)
or at run time through ``POST /_mock/faults``.
"""

from __future__ import annotations

import fnmatch
import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .spec import snake_case

__all__ = ["FaultRule", "Faults", "RateLimit", "Verdict"]

ENV_PREFIX = "ARIZE_MOCK_"


@dataclass
class FaultRule:
    """One fault. Unset matchers match everything; the control plane (``/_mock``) is exempt."""

    operation: str | None = None  # "list_datasets" or "listDatasets"
    path: str | None = None  # fnmatch pattern on the URL path, e.g. "/v2/datasets*"
    method: str | None = None
    status: int | None = None  # answer this status with a problem body
    retry_after: float | None = None  # seconds, sent as Retry-After with `status`
    latency: float = 0.0  # seconds added before answering
    drop: bool = False  # send part of the response, then close the connection
    has_more_without_cursor: bool = False  # list answers: has_more kept, next_cursor left out
    partial: bool = False  # bulk deletes declaring 503: delete half, answer 503 + deleted_*
    times: int | None = None  # fire on the next N matching requests only
    rate: float = 1.0  # probability of firing on a matching request

    def __post_init__(self) -> None:
        if self.operation is not None:
            self.operation = snake_case(self.operation)
        if self.method is not None:
            self.method = self.method.upper()
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"status must be a 4xx or 5xx code, got {self.status}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {self.rate}")
        if self.times is not None and self.times < 1:
            raise ValueError(f"times must be at least 1, got {self.times}")
        if self.latency < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("latency and retry_after must not be negative")
        effects = (self.status, self.latency, self.drop, self.has_more_without_cursor, self.partial)
        if not any(effects):
            raise ValueError(
                "a fault needs an effect: status, latency, drop, has_more_without_cursor or partial"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultRule:
        """Build from JSON; ValueError names unknown or mistyped members."""
        known = {f.name: f for f in fields(cls)}
        unknown = set(data) - set(known)
        if unknown:
            raise ValueError(f"unknown fault member(s): {', '.join(sorted(unknown))}")
        try:
            return cls(**dict(data))
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False, 0.0) or k == "rate"}

    def matches(self, operation: str, method: str, path: str) -> bool:
        return (
            (self.operation is None or self.operation == operation)
            and (self.method is None or self.method == method)
            and (self.path is None or fnmatch.fnmatchcase(path, self.path))
        )


@dataclass
class RateLimit:
    """At most ``requests`` per ``per`` seconds for each API key; then 429 + Retry-After."""

    requests: int
    per: float = 1.0

    def __post_init__(self) -> None:
        if self.requests < 1 or self.per <= 0:
            raise ValueError("rate limit needs requests >= 1 and per > 0")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"20"`` (per second) or ``"100/60"`` (per minute)."""
        count, _, per = text.partition("/")
        return cls(int(count), float(per) if per else 1.0)


@dataclass
class Verdict:
    """What the faults decided for one request."""

    status: int | None = None
    retry_after: float | None = None
    latency: float = 0.0
    drop: bool = False
    has_more_without_cursor: bool = False
    partial: bool = False
    reasons: list[str] = field(default_factory=list)


class Faults:
    """The active fault rules and rate limit; thread-safe, deterministic for a given seed."""

    def __init__(
        self,
        rules: Iterable[FaultRule] = (),
        *,
        rate_limit: RateLimit | None = None,
        seed: int | None = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._baseline = ([*rules], rate_limit)
        self._seed = seed
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        """Back to the rules and limit given at construction (or by the environment)."""
        with self._lock:
            self.rules = [FaultRule(**asdict(rule)) for rule in self._baseline[0]]
            self.rate_limit = self._baseline[1]
            self._rng = random.Random(self._seed)
            self._windows: dict[str, tuple[float, int]] = {}

    def add(self, *rules: FaultRule) -> None:
        with self._lock:
            self.rules.extend(rules)

    def clear(self) -> None:
        """Remove every rule and the rate limit (the baseline returns on ``reset``)."""
        with self._lock:
            self.rules = []
            self.rate_limit = None

    def set_rate_limit(self, limit: RateLimit | None) -> None:
        with self._lock:
            self.rate_limit = limit
            self._windows = {}

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            limit = asdict(self.rate_limit) if self.rate_limit else None
            return {"rules": [r.to_dict() for r in self.rules], "rate_limit": limit}

    def decide(self, operation: str, method: str, path: str, client: str) -> Verdict:
        """Roll every matching rule for one request and apply the rate limit."""
        verdict = Verdict()
        with self._lock:
            for rule in list(self.rules):
                if not rule.matches(operation, method, path):
                    continue
                if rule.rate < 1.0 and self._rng.random() >= rule.rate:
                    continue
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times == 0:
                        self.rules.remove(rule)
                self._apply(rule, verdict)
            if verdict.status is None:
                self._limit(client, verdict)
        return verdict

    @staticmethod
    def _apply(rule: FaultRule, verdict: Verdict) -> None:
        verdict.latency += rule.latency
        verdict.drop = verdict.drop or rule.drop
        verdict.has_more_without_cursor = (
            verdict.has_more_without_cursor or rule.has_more_without_cursor
        )
        verdict.partial = verdict.partial or rule.partial
        if rule.status is not None and verdict.status is None:
            verdict.status = rule.status
            verdict.retry_after = rule.retry_after
        verdict.reasons.append(json.dumps(rule.to_dict(), sort_keys=True))

    def _limit(self, client: str, verdict: Verdict) -> None:
        limit = self.rate_limit
        if limit is None:
            return
        now = self._clock()
        start, count = self._windows.get(client, (now, 0))
        if now - start >= limit.per:
            start, count = now, 0
        count += 1
        self._windows[client] = (start, count)
        if count > limit.requests:
            verdict.status = 429
            verdict.retry_after = float(max(1, math.ceil(start + limit.per - now)))
            verdict.reasons.append(f"rate limit {limit.requests}/{limit.per}s")

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, seed: int | None = 0) -> Faults:
        """Faults from ``ARIZE_MOCK_*`` variables; ValueError names a malformed one.

        ``LATENCY_MS``, ``ERROR_RATE`` (with ``ERROR_STATUS``, default 503), ``DROP_RATE``,
        ``RATE_LIMIT`` (``N`` or ``N/seconds``), ``HAS_MORE_WITHOUT_CURSOR`` (comma-separated
        operations), ``FAULTS`` (a JSON list of rules) and ``SEED``.
        """

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name, "").strip()
            return value or None

        rules: list[FaultRule] = []
        name = ""
        try:
            name = "SEED"
            if (text := get(name)) is not None:
                seed = int(text)
            name = "LATENCY_MS"
            if latency := get(name):
                rules.append(FaultRule(latency=float(latency) / 1000))
            name = "ERROR_RATE"
            if rate := get(name):
                status = int(get("ERROR_STATUS") or 503)
                rules.append(FaultRule(status=status, rate=float(rate)))
            name = "DROP_RATE"
            if rate := get(name):
                rules.append(FaultRule(drop=True, rate=float(rate)))
            name = "HAS_MORE_WITHOUT_CURSOR"
            for op in (get(name) or "").split(","):
                if op.strip():
                    rules.append(FaultRule(operation=op.strip(), has_more_without_cursor=True))
            name = "FAULTS"
            for item in json.loads(get(name) or "[]"):
                rules.append(FaultRule.from_dict(item))
            name = "RATE_LIMIT"
            limit = RateLimit.parse(text) if (text := get(name)) is not None else None
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"{ENV_PREFIX}{name} is malformed: {exc}") from None
        return cls(rules, rate_limit=limit, seed=seed)
