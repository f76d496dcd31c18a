"""Running the mock: ``serve()`` in a background thread (tests, notebooks) or in the foreground.

The listening socket is bound before the server starts, so the port (0: any free one) is
known at once and nothing races for it. Readiness is an event the server sets once it
serves; the wait on it only wakes to check that the server thread is still alive.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from . import seeding
from .app import Exchange, MockRuntime, create_app
from .faults import Faults
from .state import MockState

__all__ = ["MockServer", "bind", "build", "serve"]

STARTUP_TIMEOUT_S = 30.0


@dataclass
class MockServer:
    """A running mock: where it listens, its ready-made credentials and its live state."""

    base_url: str
    state: MockState
    faults: Faults
    app: Starlette

    @property
    def api_key(self) -> str:
        """The seeded admin key (``Authorization: Bearer <api_key>``, raw on /v1/log)."""
        return self.state.admin.api_key

    @property
    def space_id(self) -> str:
        return self.state.space_id

    @property
    def org_id(self) -> str:
        return self.state.org_id

    @property
    def journal(self) -> list[Exchange]:
        """The requests answered so far (most recent last; the last 10,000 are kept)."""
        return list(self.runtime.journal)

    @property
    def runtime(self) -> MockRuntime:
        runtime: MockRuntime = self.app.state.mock
        return runtime

    def reset(self) -> None:
        """Back to the seed data and the configured faults, with an empty journal."""
        self.state.reset()
        self.faults.reset()
        self.runtime.journal.clear()

    def add_spans(self, project_id: str, spans: Iterable[Mapping[str, Any]]) -> int:
        """Store spans (``Span`` objects of the spec) in a project, as if traced."""
        return seeding.add_spans(self.state, self.runtime.spec, project_id, spans)

    def add_monitor(self, project_id: str, **fields: Any) -> dict[str, Any]:
        """A monitor of a project (a PERFORMANCE monitor unless ``fields`` say otherwise)."""
        return seeding.add_monitor(self.state, self.runtime.spec, project_id, **fields)

    def add_dashboard(
        self, space_id: str, name: str = "Dashboard", widgets: Iterable[Mapping[str, Any]] = ({},)
    ) -> dict[str, Any]:
        """A dashboard of a space with widgets (one TEXT widget unless told otherwise)."""
        return seeding.add_dashboard(self.state, self.runtime.spec, space_id, name, widgets)

    def control(self) -> httpx.Client:
        """An httpx client for the ``/_mock`` control plane (close it, or use ``with``)."""
        return httpx.Client(base_url=self.base_url, trust_env=False)


def build(
    *,
    state: MockState | None = None,
    faults: Faults | None = None,
    seed: int | None = 0,
    env: Mapping[str, str] | None = None,
    strict: bool = True,
) -> tuple[Starlette, MockState, Faults]:
    """The app with its state and faults; faults come from ``env`` (default: ``os.environ``)."""
    environ = os.environ if env is None else env
    faults = faults or Faults.from_env(environ, seed=seed)
    state = state or MockState(seed=seed)
    return create_app(state=state, faults=faults, strict=strict), state, faults


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0 picks a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it every keep-alive request waits out a 40 ms delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    """A uvicorn server that says when it is serving (and when it gave up)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


@contextmanager
def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    state: MockState | None = None,
    faults: Faults | None = None,
    seed: int | None = 0,
    env: Mapping[str, str] | None = None,
    strict: bool = True,
    log_level: str = "warning",
    **uvicorn_options: Any,
) -> Iterator[MockServer]:
    """Run the mock in a background thread; yields a ``MockServer`` and stops it on exit.

    Example::

        with serve() as mock:
            client = ArizeClient(api_key=mock.api_key, base_url=mock.base_url)
            ...
    """
    app, state, faults = build(state=state, faults=faults, seed=seed, env=env, strict=strict)
    sock = bind(host, port)
    config = uvicorn.Config(
        app, lifespan="off", log_level=log_level, access_log=False, **uvicorn_options
    )
    server = _Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="arize-mock", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        while not server.ready.wait(timeout=0.05):
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock server did not start; see its log above")
        yield MockServer(base_url=url_of(sock), state=state, faults=faults, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_S)
        sock.close()
