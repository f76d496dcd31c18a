"""What every scenario is given: the server, the sizes, the rounds and the one event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from .server import BenchServer

T = TypeVar("T")


@dataclass(frozen=True)
class Sizes:
    overhead_calls: int = 1_000  # sequential get_dataset calls per contender and round
    concurrency_calls: int = 2_000
    slow_calls: int = 500  # raw httpx.AsyncClient in scenario 2 (150-500 calls/s here)
    widths: tuple[int, ...] = (1, 8, 64)
    page_totals: tuple[int, ...] = (10_000, 100_000)
    log_records: int = 1_000  # per round (the issue's 10,000: --issue-sizes)
    log_records_serial: int = 500  # at concurrency 1
    log_records_slow: int = 250  # raw httpx.AsyncClient, which manages ~70-400 records/s here
    log_widths: tuple[int, ...] = (1, 8, 32, 64)


FULL = Sizes()  # the default run: the issue's sizes except bulk logging (a tenth of it)
ISSUE = Sizes(  # every size exactly as issue 6 states it (a run of about 15 minutes)
    log_records=10_000,
    log_records_serial=10_000,
    log_records_slow=2_000,  # raw httpx.AsyncClient: 10,000 would take minutes a round
)
QUICK = Sizes(
    overhead_calls=50,
    concurrency_calls=128,
    slow_calls=64,
    page_totals=(1_000, 3_000),
    log_records=256,
    log_records_serial=64,
    log_records_slow=64,
)


@dataclass
class Context:
    server: BenchServer
    sizes: Sizes
    rounds: int  # of the scenario being run
    loop: asyncio.AbstractEventLoop  # every async contender lives in this one loop

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)
