"""One AiohttpWire, several event loops: at once in two threads, and one after another."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import threading
import time
import warnings

import pytest

from arize_api._wires import ConnectionSettings, WireRequest, WireTimeout
from arize_api._wires.async_aiohttp import AiohttpWire
from tests.support import EchoServer
from tests.support.raw import RawServer, read_head, response

pytestmark = pytest.mark.timeout(30)


def _request(url: str, timeout: float = 5.0) -> WireRequest:
    return WireRequest("GET", url, {}, None, time.monotonic() + timeout)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _unclosed(caught: list[warnings.WarningMessage], records: _Records) -> list[str]:
    texts = [str(w.message) for w in caught] + records.messages
    return [t for t in texts if "nclosed" in t]


def test_two_loops_in_two_threads_at_once() -> None:
    records = _Records()
    logging.getLogger("asyncio").addHandler(records)
    try:
        with warnings.catch_warnings(record=True) as caught, EchoServer() as server:
            warnings.simplefilter("always")
            wire = AiohttpWire(ConnectionSettings())
            barrier = threading.Barrier(2)
            results: dict[str, list[str]] = {}
            failures: list[BaseException] = []

            async def calls(name: str) -> list[str]:
                barrier.wait(5)  # both loops are running from here on

                async def one(i: int) -> str:
                    answer = await wire.send(_request(f"{server.url}/l?who={name}-{i}"))
                    return str(json.loads(answer.body)["query"]["who"])

                seen = []
                for batch in range(5):
                    seen += await asyncio.gather(*(one(batch * 10 + i) for i in range(10)))
                return seen

            def thread(name: str) -> None:
                try:
                    results[name] = asyncio.run(calls(name))
                except BaseException as exc:  # pragma: no cover - reported below
                    failures.append(exc)

            threads = [threading.Thread(target=thread, args=(n,)) for n in ("a", "b")]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=20)
            assert not failures, failures
            for name in ("a", "b"):
                assert results[name] == [f"{name}-{i}" for i in range(50)]
            asyncio.run(wire.aclose())
            gc.collect()
        assert _unclosed(caught, records) == []
    finally:
        logging.getLogger("asyncio").removeHandler(records)


def test_loops_one_after_another_and_close_from_a_third() -> None:
    records = _Records()
    logging.getLogger("asyncio").addHandler(records)
    try:
        with warnings.catch_warnings(record=True) as caught, EchoServer() as server:
            warnings.simplefilter("always")
            wire = AiohttpWire()

            async def call() -> int:
                return (await wire.send(_request(f"{server.url}/turn"))).status

            assert [asyncio.run(call()) for _ in range(3)] == [200, 200, 200]
            # a loop closed without closing its async generators leaves a session behind
            loop = asyncio.new_event_loop()
            assert loop.run_until_complete(call()) == 200
            loop.close()
            assert asyncio.run(call()) == 200  # releases the dead loop's session
            asyncio.run(wire.aclose())
            gc.collect()
        # that loop's sockets could only be closed through it: they go with the garbage (and
        # asyncio says so); but no session or connector is left unclosed
        left = [t for t in _unclosed(caught, records) if "socket" not in t and "transport" not in t]
        assert left == []
    finally:
        logging.getLogger("asyncio").removeHandler(records)


def test_aclose_closes_the_session_of_a_loop_running_in_another_thread() -> None:
    with EchoServer() as server:
        wire = AiohttpWire()
        loop = asyncio.new_event_loop()
        runner = threading.Thread(target=loop.run_forever, daemon=True)
        runner.start()
        try:
            future = asyncio.run_coroutine_threadsafe(
                wire.send(_request(f"{server.url}/other")), loop
            )
            assert future.result(10).status == 200
            session = next(iter(wire._sessions.values())).session
            asyncio.run(wire.aclose())
            assert session.closed
        finally:
            loop.call_soon_threadsafe(loop.stop)
            runner.join(timeout=5)
            loop.close()


def test_a_cancelled_send_releases_its_connection() -> None:
    release = threading.Event()

    def slow(conn):  # type: ignore[no-untyped-def]
        while read_head(conn):
            release.wait(10)
            conn.sendall(response(200, b"{}"))

    async def main() -> None:
        wire = AiohttpWire(ConnectionSettings(max_connections=1))
        try:
            task = asyncio.create_task(wire.send(_request(f"{server.url}/slow", 10)))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            release.set()
            # with one connection allowed, this works only if the cancelled one was released
            answer = await wire.send(_request(f"{server.url}/next", 5))
            assert answer.status == 200
        finally:
            await wire.aclose()

    with RawServer(slow) as server:
        asyncio.run(main())


def test_a_closed_wire_refuses_new_sends() -> None:
    async def main() -> None:
        wire = AiohttpWire()
        await wire.aclose()
        with pytest.raises(Exception) as caught:
            await wire.send(_request("http://127.0.0.1:9/x"))
        assert "closed" in str(caught.value)
        assert not isinstance(caught.value, WireTimeout)

    asyncio.run(main())
