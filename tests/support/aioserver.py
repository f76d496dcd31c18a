"""`AioServer`: a lean aiohttp.web server in a subprocess (so that 5,000 calls do not compete
with the client for the GIL) that echoes the requested id back, can stall before or in the
middle of an answer, and counts what it saw: requests, requests in flight, connections open
now, at most, and in all. Its fixtures: ``pytest_plugins = ["tests.support.aioserver"]``.

PYTEST_DONT_REWRITE (test modules import this before pytest loads it as a plugin).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support import paths
from tests.support.payloads import dataset_json


@dataclass
class AioServer:
    """Handle on the aiohttp server subprocess (see `_serve_aiohttp` for its routes)."""

    url: str
    proc: subprocess.Popen[bytes]
    _http: Any = field(default=None, repr=False)

    def _control(self) -> Any:
        if self._http is None:
            import httpx

            self._http = httpx.Client(base_url=self.url, trust_env=False, timeout=30)
        return self._http

    def stats(self) -> dict[str, int]:
        answer: dict[str, int] = self._control().get("/_stats").json()
        return answer

    def reset(self) -> None:
        self._control().post("/_stats/reset").raise_for_status()

    def wait_inflight(
        self, at_least: int = 0, at_most: int | None = None, timeout: float = 10.0
    ) -> dict[str, int]:
        """Block until the number of requests being answered (held) is within the bounds."""
        params: dict[str, Any] = {"min": at_least, "timeout": timeout}
        if at_most is not None:
            params["max"] = at_most
        answer: dict[str, Any] = self._control().get("/_stats/wait", params=params).json()
        if not answer.pop("ok"):
            raise TimeoutError(f"{at_least}..{at_most} requests in flight expected: {answer}")
        return answer

    def settled_open_connections(self, at_most: int, timeout: float = 10.0) -> int:
        """Open connections once they stop changing (or drop to `at_most`)."""
        deadline = time.monotonic() + timeout
        last = -1
        while True:
            now = self.stats()["open"] - 1  # minus the control connection
            if now <= at_most or (now == last) or time.monotonic() > deadline:
                return now
            last = now
            time.sleep(0.2)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@contextlib.contextmanager
def aio_server_process() -> Iterator[AioServer]:
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.aioserver", "aioserver"],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    server: AioServer | None = None
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().strip()  # the server prints its URL once bound
        if not line.startswith("http://"):
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"the aiohttp test server did not start: {line!r} {err}")
        server = AioServer(url=line, proc=proc)
        yield server
    finally:
        if server is not None:
            server.close()
        elif proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def aio_server() -> Iterator[AioServer]:
    with aio_server_process() as server:
        yield server


@pytest.fixture
def aio(aio_server: AioServer) -> AioServer:
    """The session's aiohttp server, its counters reset."""
    aio_server.reset()
    return aio_server


PAGE_SIZE = 3
PAGES = 4


def page_item_id(name: str, page: int, index: int) -> str:
    return f"{name}-p{page}-i{index}"


def _serve_aiohttp() -> None:
    """Routes:

    GET /v2/datasets/{id}: the dataset `{id}`. Ids starting `slow-` are held (60 s) before any
    byte is sent; `stall-` sends the headers and half the body, then holds.
    GET /v2/datasets?name=N&cursor=pK: page K (0..PAGES-1) of PAGE_SIZE items; a name starting
    `slow` holds every page after the first.
    GET /_stats, POST /_stats/reset, GET /_stats/wait?min=N&max=M&timeout=S (in-flight bounds).
    """
    from aiohttp import web

    stats = {"requests": 0, "inflight": 0, "open": 0, "peak_open": 0, "connections": 0}
    hold = 60.0

    def entered() -> None:
        stats["requests"] += 1
        stats["inflight"] += 1

    async def get_dataset(request: web.Request) -> web.StreamResponse:
        dataset_id = request.match_info["dataset_id"]
        entered()
        try:
            body = json.dumps(dataset_json(dataset_id)).encode()
            if dataset_id.startswith("slow-"):
                await asyncio.sleep(hold)
            if dataset_id.startswith("stall-"):
                response = web.StreamResponse(headers={"Content-Type": "application/json"})
                response.content_length = len(body)
                await response.prepare(request)
                await response.write(body[: len(body) // 2])
                await asyncio.sleep(hold)
                return response
            return web.Response(body=body, content_type="application/json")
        finally:
            stats["inflight"] -= 1

    async def list_datasets(request: web.Request) -> web.Response:
        name = request.query.get("name", "walk")
        cursor = request.query.get("cursor", "p0")
        page = int(cursor[1:])
        entered()
        try:
            if name.startswith("slow") and page > 0:
                await asyncio.sleep(hold)
            items = [dataset_json(page_item_id(name, page, i)) for i in range(PAGE_SIZE)]
            more = page < PAGES - 1
            pagination: dict[str, Any] = {"has_more": more}
            if more:
                pagination["next_cursor"] = f"p{page + 1}"
            return web.json_response({"datasets": items, "pagination": pagination})
        finally:
            stats["inflight"] -= 1

    async def get_stats(request: web.Request) -> web.Response:
        return web.json_response(stats)

    async def reset_stats(request: web.Request) -> web.Response:
        stats.update(requests=0, peak_open=stats["open"], connections=0)
        return web.json_response(stats)

    async def wait_stats(request: web.Request) -> web.Response:
        low = int(request.query.get("min", "0"))
        high = int(request.query.get("max", str(1 << 30)))
        deadline = time.monotonic() + float(request.query.get("timeout", "10"))

        def ok() -> bool:
            return low <= stats["inflight"] <= high

        while not ok() and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        return web.json_response({"ok": ok(), **stats})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/v2/datasets/{dataset_id}", get_dataset)
        app.router.add_get("/v2/datasets", list_datasets)
        app.router.add_get("/_stats", get_stats)
        app.router.add_post("/_stats/reset", reset_stats)
        app.router.add_get("/_stats/wait", wait_stats)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await runner.setup()
        server = runner.server
        assert server is not None
        made, lost = server.connection_made, server.connection_lost

        def connection_made(handler: Any, transport: Any) -> None:
            made(handler, transport)
            stats["open"] += 1
            stats["connections"] += 1
            stats["peak_open"] = max(stats["peak_open"], stats["open"])

        def connection_lost(handler: Any, exc: BaseException | None = None) -> None:
            lost(handler, exc)
            stats["open"] -= 1

        server.connection_made = connection_made  # type: ignore[method-assign]
        server.connection_lost = connection_lost  # type: ignore[method-assign]
        sock = socket.create_server(("127.0.0.1", 0), backlog=1024)
        site = web.SockSite(runner, sock)
        await site.start()
        print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["aioserver"])
    parser.parse_args()
    _serve_aiohttp()
