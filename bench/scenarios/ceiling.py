"""Scenario 0, the server's own ceiling, so the other figures can be read against it."""

from __future__ import annotations

from ..context import Context
from ..loadgen import ROUTES, ceiling
from ..stats import Metric, Row, say

SCENARIO = "0. Bench server ceiling"
METRICS = (
    Metric("requests_per_s", "requests/s", higher_is_better=True, ratios=False),
    Metric("server_cpu_us", "server CPU µs/request", higher_is_better=False, ratios=False),
    Metric("server_busy", "server busy (share of a core)", higher_is_better=False, ratios=False),
)
CONNECTIONS = 64


def run(ctx: Context) -> list[Row]:
    seconds = 1.0 if ctx.sizes.overhead_calls >= 1_000 else 0.3
    say(f"{SCENARIO}: {len(ROUTES)} routes x {ctx.rounds} rounds of {seconds} s")
    case = f"raw-socket load generator, {CONNECTIONS} keep-alive connections"
    rows = {route: Row(SCENARIO, case, route, route, "server") for route in ROUTES}
    for _round in range(ctx.rounds):
        for result in ceiling(ctx.server, connections=CONNECTIONS, seconds=seconds):
            row = rows[result["route"]]
            row.samples.setdefault("requests_per_s", []).append(result["requests_per_s"])
            cpu = result["server_cpu_us_per_request"]
            row.samples.setdefault("server_cpu_us", []).append(cpu)
            row.samples.setdefault("server_busy", []).append(result["server_cpu_share"])
    return list(rows.values())
