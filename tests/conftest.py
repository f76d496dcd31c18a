"""Shared fixtures: Prism mock servers serving `openapi.yaml`, one static and one dynamic.

Each is a real `prism mock` subprocess on a loopback port that was free when the session
started it, shared by the whole session and terminated at its end. Prism validates every
request against the spec: an invalid one gets a 4xx whose `sl-violations` header lists
the violations (the body is just the spec's example problem).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import free_port, paths

# Helper modules that several test modules load as plugins: rewrite their asserts whichever
# test module imports them first.
pytest.register_assert_rewrite("tests.support.clients", "tests.support.reliability")

ROOT = paths.ROOT
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SPEC = paths.SPEC_PATH
STARTUP_DEADLINE_S = 60.0
_PORT_ATTEMPTS = 3


@dataclass(frozen=True)
class PrismServer:
    url: str
    dynamic: bool
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    # Prism runs in its own process group (start_new_session), so this reaches only it.
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_until_ready(proc: subprocess.Popen[bytes], url: str) -> bool:
    """True once Prism answers HTTP at `url`; False if the process exits first."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            answer = httpx.get(url + "/", timeout=1.0, trust_env=False)
            # Prism answers "/" with its own 404 problem. Another server that took the port
            # first answers differently: keep waiting for Prism to fail to bind and exit.
            if "stoplight.io/prism" in answer.text:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


def _run_prism(tmp_dir: Path, *, dynamic: bool) -> Iterator[PrismServer]:
    if not PRISM.exists():
        pytest.fail(f"Prism is not installed at {PRISM}: run `make setup` (npm ci)")
    mode = "dynamic" if dynamic else "static"
    for attempt in range(1, _PORT_ATTEMPTS + 1):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = tmp_dir / f"prism-{mode}-{attempt}.log"
        cmd = [str(PRISM), "mock", str(SPEC), "-h", "127.0.0.1", "-p", str(port)]
        if dynamic:
            cmd.append("-d")
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = PrismServer(url=url, dynamic=dynamic, log_path=log_path)
        try:
            if _wait_until_ready(proc, url):
                yield server
                return
            _stop(proc)
            output = server.log_tail()
            # Someone took the port between our probe and Prism's bind: try another one.
            if "EADDRINUSE" in output and attempt < _PORT_ATTEMPTS:
                continue
            pytest.fail(
                f"Prism ({mode}) did not come up on {url} within {STARTUP_DEADLINE_S:.0f}s "
                f"(exit code {proc.returncode}); `{' '.join(cmd)}` said:\n{output}",
                pytrace=False,
            )
        finally:
            _stop(proc)


@pytest.fixture(scope="session")
def prism_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    """Prism answering every operation with its static example response."""
    yield from _run_prism(tmp_path_factory.mktemp("prism-static"), dynamic=False)


@pytest.fixture(scope="session")
def prism_dynamic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    """Prism answering with responses generated at random from the schemas (`-d`)."""
    yield from _run_prism(tmp_path_factory.mktemp("prism-dynamic"), dynamic=True)


@pytest.fixture(scope="session")
def prism_static_url(prism_static: PrismServer) -> str:
    return prism_static.url


@pytest.fixture(scope="session")
def prism_dynamic_url(prism_dynamic: PrismServer) -> str:
    return prism_dynamic.url
