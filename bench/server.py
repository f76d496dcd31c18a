"""A lean HTTP/1.1 server for the benchmarks, run in its own process(es).

Raw ``asyncio.Protocol`` (on uvloop when installed) with pre-rendered bodies: a request costs
a header scan, a dict lookup and one ``writelines``. Keep-alive, ``Content-Length`` bodies
only (every client here sends those). Routes:

- ``GET /v2/datasets/{id}``: a ``Dataset``
- ``GET /v2/datasets/{id}/examples?limit=&cursor=``: a ``ListDatasetExamplesResponse`` page;
  the id says how many examples the dataset holds (``bodies.dataset_id(n)``)
- ``POST /v2/datasets/{id}/examples/search``: the same pages, cursor and limit in the body
- ``POST /v1/log``: 200 ``{}``
- ``GET /healthz``: 200, for readiness polling

``python -m bench.server [--workers N]`` binds 127.0.0.1 on a free port (``SO_REUSEPORT``, so
extra worker processes share it), prints one JSON line ``{"port": ..., "pids": [...]}`` and
serves until SIGTERM. ``BenchServer`` starts it from the harness and waits until it answers.
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
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qs, unquote

from . import ROOT, bodies

_HEAD = (
    b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
    b"x-request-id: bench-0001\r\n\r\n"
)
_REASONS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 501: b"Not Implemented"}


def _response(status: int, body: bytes) -> list[bytes]:
    return [_HEAD % (status, _REASONS[status], len(body)), body]


def _problem(status: int, detail: str) -> list[bytes]:
    body = {"status": status, "title": _REASONS[status].decode(), "detail": detail}
    return _response(status, json.dumps(body).encode())


class _Pages:
    """Example pages, rendered from cached item arrays plus a per-page pagination suffix."""

    def __init__(self) -> None:
        self._items: dict[int, bytes] = {}

    def render(self, dataset: str, limit: int, cursor: str | None) -> list[bytes]:
        total = bodies.total_of(dataset)
        if total <= 0:
            return _problem(404, "no such dataset")
        offset = bodies.offset_of(cursor)
        count = max(0, min(limit, total - offset))
        items = self._items.get(count)
        if items is None:
            items = self._items[count] = bodies.page_items_json(count)
        tail = json.dumps(bodies.pagination(offset, count, total), separators=(",", ":"))
        parts = [b'{"examples":[', items, b'],"pagination":', tail.encode(), b"}"]
        head = _HEAD % (200, b"OK", sum(len(part) for part in parts))
        return [head, *parts]


class _Routes:
    def __init__(self) -> None:
        self.dataset = _response(200, json.dumps(bodies.dataset()).encode())
        self.logged = _response(200, b"{}")
        self.health = _response(200, b'{"ok":true}')
        self.pages = _Pages()

    def answer(self, method: bytes, target: bytes, body: bytes) -> list[bytes]:
        path, _, query = target.partition(b"?")
        if path.startswith(b"/v2/datasets/"):
            rest = unquote(path[len(b"/v2/datasets/") :].decode())
            if method == b"GET" and "/" not in rest:
                return self.dataset
            if method == b"GET" and rest.endswith("/examples"):
                params = parse_qs(query.decode())
                limit = int(params.get("limit", ["50"])[0])
                return self.pages.render(rest[: -len("/examples")], limit, _first(params, "cursor"))
            if method == b"POST" and rest.endswith("/examples/search"):
                search = json.loads(body or b"{}")
                limit = int(search.get("limit") or 50)
                dataset = rest[: -len("/examples/search")]
                return self.pages.render(dataset, limit, search.get("cursor"))
        if method == b"POST" and path == b"/v1/log":
            return self.logged
        if path == b"/healthz":
            return self.health
        return _problem(404, f"no route for {method.decode()} {path.decode()}")


def _first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


class _Http(asyncio.Protocol):
    """One connection: parse pipelined or sequential requests from a buffer, answer each."""

    def __init__(self, routes: _Routes) -> None:
        self.routes = routes
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        transport = self.transport
        assert transport is not None
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).lower()
            length = 0
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                length = int(head[at + 17 : stop if stop >= 0 else None])
            elif b"\r\ntransfer-encoding:" in head:
                transport.writelines(_problem(501, "send a Content-Length body"))
                transport.close()
                return
            total = end + 4 + length
            if len(buffer) < total:
                return
            method, target, _ = bytes(buffer[: head.find(b"\r\n")]).split(b" ", 2)
            body = bytes(buffer[end + 4 : total])
            del buffer[:total]
            try:
                answer = self.routes.answer(method, target, body)
            except (ValueError, KeyError) as error:
                answer = _problem(400, f"bad request: {error}")
            transport.writelines(answer)
            if b"\r\nconnection: close" in head:
                transport.close()
                return


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _serve(sock: socket.socket) -> None:
    loop = _new_loop()
    routes = _Routes()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    server = loop.run_until_complete(
        loop.create_server(lambda: _Http(routes), sock=sock, backlog=2048)
    )
    loop.run_until_complete(stop)
    server.close()
    loop.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="(internal: extra workers)")
    args = parser.parse_args(argv)
    sock = _listen(args.port)
    if args.port:  # an extra worker: the first process already told the harness the port
        _serve(sock)
        return
    port = sock.getsockname()[1]
    children = [
        subprocess.Popen([sys.executable, "-m", "bench.server", "--port", str(port)])
        for _ in range(args.workers - 1)
    ]
    print(json.dumps({"port": port, "pids": [os.getpid(), *(c.pid for c in children)]}))
    sys.stdout.flush()
    try:
        _serve(sock)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BenchServer:
    """The bench server as a child process: started, polled until it answers, then stopped."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self.port = 0
        self.pids: list[int] = []
        self._process: subprocess.Popen[str] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "--workers", str(self.workers)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            assert self._process.stdout is not None
            line = self._process.stdout.readline()
            if not line:
                raise RuntimeError("the bench server exited before printing its port")
            info = json.loads(line)
            self.port, self.pids = info["port"], info["pids"]
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(request)
                    if sock.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bench server did not answer within {timeout} s")
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError("the bench server exited while starting")
            time.sleep(0.01)  # poll again; readiness, not a fixed wait

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def info() -> dict[str, Any]:
    """What the server runs on, for the report."""
    try:
        import uvloop

        loop = f"uvloop {uvloop.__version__}"
    except ImportError:
        loop = "asyncio"
    return {"loop": loop}


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
