"""Shared pieces of the reliability and security suite (`tests/test_reliability_*.py`).

PYTEST_DONT_REWRITE (test modules import this before pytest loads it as a plugin; the few
checks here carry their own messages).

Three servers, all on loopback sockets:

- `RawServer`: a threaded raw-TCP server that reads one request per connection and answers with
  whatever bytes it is told to, for faults an HTTP server library will not produce: closing
  mid-headers, a body shorter than its Content-Length, a malformed status line.
- `AioServer`: a lean aiohttp.web server in a subprocess (so that 5,000 calls do not compete
  with the client for the GIL) that echoes the requested id back, can stall before or in the
  middle of an answer, and counts what it saw: requests, requests in flight, connections open
  now, at most, and in all.
- `tests.scripted_server.ScriptedServer` (imported by the test modules) for everything else.

`leak_guard` is the fixture every reliability module uses: while a test runs, every logger is
at DEBUG and every log record (message, arguments, traceback) is searched for the API key.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

import pytest

from arize_api import ArizeError, RetryPolicy
from tests import client_support

ROOT = Path(__file__).resolve().parent.parent

# Distinctive, so that a search for it cannot hit by accident. Every client of the suite uses it.
API_KEY = "arz-rel-9Xk2Vq7LmP3sT8wZ-KEY-c41f"
SPACE_KEY = "spk-rel-R5nD8hJ2bQ6yF1uC-SPACE-0b7e"
# The other client tests' key too: a leak of it is as much a leak.
SECRETS = (API_KEY, SPACE_KEY, client_support.API_KEY)
SPACE_ID = "U3BhY2U6MQ=="
# Retries in milliseconds; max_retries still comes from the client (default 2).
FAST = RetryPolicy(initial_delay=0.01, max_delay=0.05)


def dataset_json(dataset_id: str = "d1", name: str | None = None) -> dict[str, Any]:
    """A `Dataset` as the server sends it; its name repeats the id so answers can be matched."""
    return {
        "id": dataset_id,
        "name": name if name is not None else f"name of {dataset_id}",
        "space_id": SPACE_ID,
        "created_at": "2024-05-01T12:00:00Z",
        "updated_at": "2024-05-02T12:00:00Z",
    }


def secret_hits(*texts: object) -> list[str]:
    """The texts (str of each) that contain a secret."""
    return [str(t)[:120] for t in texts for s in SECRETS if s in str(t)]


def exception_texts(error: BaseException) -> list[str]:
    """Everything a user could see of an exception: str, repr and the formatted chain."""
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


def make_client(flavour: client_support.Flavour, url: str, **options: Any) -> Any:
    """A client of `flavour` on `url` with the suite's key and millisecond backoff."""
    options.setdefault("api_key", API_KEY)
    options.setdefault("retry_policy", FAST)
    return flavour.client(base_url=url, **options)


def one_typed_error(call: Callable[[], Any], expected: type[ArizeError]) -> Any:
    """Run `call`; it must raise exactly one `expected` (an ArizeError) with a clear message."""
    try:
        result = call()
    except BaseException as exc:  # anything else is a failure of the property
        if type(exc) is not expected:
            raise AssertionError(
                f"expected one {expected.__name__}, got {type(exc).__name__}: {exc}"
            ) from exc
        message = str(exc)
        if not message.strip() or len(message) > 2000:
            raise AssertionError(
                f"unclear message ({len(message)} chars): {message[:300]!r}"
            ) from None
        leaks = secret_hits(*exception_texts(exc))
        if leaks:
            raise AssertionError(f"a secret is in the error: {leaks}") from None
        return exc
    raise AssertionError(f"expected {expected.__name__}, got a result: {result!r}")


# --------------------------------------------------------------------------------- leak guard


class _LeakScanner(logging.Handler):
    """Searches every record for the secrets as it is emitted (nothing is kept)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.scanned = 0
        self.hits: list[str] = []
        self._lock_hits = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            texts = [record.getMessage(), str(record.msg), repr(record.args)]
        except Exception:  # a record whose arguments do not format: search what is there
            texts = [str(record.msg), repr(record.args)]
        if record.exc_info and record.exc_info[1] is not None:
            texts.extend(exception_texts(record.exc_info[1]))
        if record.exc_text:
            texts.append(record.exc_text)
        found = secret_hits(*texts)
        with self._lock_hits:
            self.scanned += 1
            if found:
                self.hits.append(f"{record.name}: {found}")


@dataclass
class LeakGuard:
    scanner: _LeakScanner

    @property
    def scanned(self) -> int:
        return self.scanner.scanned


LEAK_TOTALS = {"records": 0}


@pytest.fixture
def leak_guard() -> Iterator[LeakGuard]:
    """DEBUG on for every logger during the test; fails it if any record shows a secret."""
    root = logging.getLogger()
    scanner = _LeakScanner()
    names = ["arize_api", "httpx", "httpcore", "aiohttp", "asyncio", "hpack", "urllib3"]
    names += [n for n in logging.Logger.manager.loggerDict if isinstance(n, str)]
    loggers = [root, *(logging.getLogger(n) for n in set(names))]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
    root.addHandler(scanner)
    try:
        yield LeakGuard(scanner)
    finally:
        root.removeHandler(scanner)
        for lg, level, disabled in saved:
            lg.setLevel(level)
            lg.disabled = disabled
        LEAK_TOTALS["records"] += scanner.scanned
    if scanner.hits:
        raise AssertionError(
            f"a secret leaked into {len(scanner.hits)} log records: {scanner.hits}"
        )


# ----------------------------------------------------------------------------- raw TCP server


@dataclass(frozen=True)
class RawRequest:
    method: str
    target: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    connection: int

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass(frozen=True)
class RawReply:
    """Bytes to send after reading the request (after `delay`), then what to do with the socket.

    `then`: "close" (FIN), "reset" (RST) or "hang" (keep the socket open, say nothing more,
    until the server stops).
    """

    data: bytes = b""
    delay: float = 0.0
    then: Literal["close", "reset", "hang"] = "close"

    @classmethod
    def response(
        cls,
        status: int = 200,
        body: bytes | str | Any = b"",
        *,
        reason: str = "OK",
        headers: dict[str, str] | None = None,
        content_length: int | None = None,
        then: Literal["close", "reset", "hang"] = "close",
        delay: float = 0.0,
    ) -> RawReply:
        """A well-formed HTTP/1.1 answer (Connection: close), or one with a lying length."""
        if isinstance(body, str):
            raw = body.encode()
        elif isinstance(body, bytes):
            raw = body
        else:
            raw = json.dumps(body).encode()
        hdrs = {"Content-Type": "application/json", "Connection": "close", **(headers or {})}
        hdrs["Content-Length"] = str(len(raw) if content_length is None else content_length)
        head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items())
        return cls(head.encode() + b"\r\n" + raw, delay=delay, then=then)


class RawServer:
    """One request per connection, answered from a per-path script; see the module docstring.

    `script(path, *replies)`: replies consumed one per request to `path` (query ignored), the
    last repeating. Anything unscripted gets a 404.
    """

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._scripts: dict[str, list[RawReply]] = {}
        self._served: dict[str, int] = {}
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.requests: list[RawRequest] = []
        self.connections = 0
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def script(self, path: str, *replies: RawReply) -> None:
        with self._lock:
            self._scripts[path] = list(replies)
            self._served[path] = 0

    def requests_to(self, path: str) -> list[RawRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> Self:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._acceptor.join(timeout=5)
        self._sock.close()
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()
        for thread in threads:
            thread.join(timeout=5)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
                number = self.connections
                self._conns.append(conn)
                thread = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
                self._threads.append(thread)
            thread.start()

    def _next_reply(self, path: str) -> RawReply:
        with self._lock:
            replies = self._scripts.get(path)
            if not replies:
                return RawReply.response(404, {"title": "Not Found", "status": 404})
            index = min(self._served[path], len(replies) - 1)
            self._served[path] += 1
            return replies[index]

    def _serve(self, conn: socket.socket, number: int) -> None:
        try:
            conn.settimeout(10)
            request = self._read_request(conn, number)
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
            reply = self._next_reply(request.path)
            if reply.delay and self._stop.wait(reply.delay):
                return
            if reply.data:
                conn.sendall(reply.data)
            if reply.then == "hang":
                self._stop.wait()
            elif reply.then == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _read_request(conn: socket.socket, number: int) -> RawRequest | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        return RawRequest(method, target, headers, rest[:length], number)


# --------------------------------------------------------------------- aiohttp server process


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
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability_support", "aioserver"],
        cwd=ROOT,
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


# ------------------------------------------------------------------------------------ helpers


def run_bounded(coro_fn: Callable[[], Any], seconds: float) -> Any:
    """`asyncio.run(coro_fn())` in a thread, failing (not hanging) after `seconds`."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro_fn())
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"did not finish within {seconds} s (a hang)")
    if "error" in result:
        raise result["error"]
    return result.get("value")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["aioserver"])
    parser.parse_args()
    _serve_aiohttp()
