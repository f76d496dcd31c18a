"""The mock server in a separate process, for tests whose client-side figures must be its own.

Bulk logging and memory tests run the mock out of process: in-process, the server would
compete for the GIL and its stored records would count as the client's memory.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import httpx

from tests.support import free_port


@attrs.frozen
class MockProcess:
    base_url: str
    api_key: str
    space_id: str

    def control(self, method: str, path: str, body: Any = None) -> Any:
        with httpx.Client(base_url=self.base_url, trust_env=False, timeout=30) as http:
            response = http.request(method, f"/_mock/{path}", json=body)
            response.raise_for_status()
            return response.json() if response.content else None

    def faults(self, *rules: dict[str, Any]) -> None:
        self.control("POST", "faults", {"rules": list(rules)})

    def records(self) -> list[dict[str, Any]]:
        return [entry["record"] for entry in self.control("GET", "v1/records")["records"]]

    def reset(self) -> None:
        self.control("POST", "reset")


@contextmanager
def mock_process(timeout: float = 30.0) -> Iterator[MockProcess]:
    """Start ``python -m arize_api.mock`` on a free port; poll until it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "arize_api.mock", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"mock exited: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            try:
                info = httpx.get(f"{base_url}/_mock/info", timeout=1, trust_env=False).json()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the mock server did not come up in time") from None
                time.sleep(0.05)  # polling readiness, not waiting a fixed time
        yield MockProcess(base_url=base_url, api_key=info["api_key"], space_id=info["space_id"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
