"""``ARIZE_LOG=debug|info`` shows the ``arize_api`` logger on stderr, and never the API key.

Each case is a fresh interpreter (the variable is read when ``arize_api`` is imported) whose
sync and async clients talk over loopback to a ``python -m arize_api.mock`` process that
answers the first request to each route with a 503, so there is a retry to log too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.support.mock_process import MockProcess, mock_process

pytestmark = pytest.mark.timeout(90)

SCRIPT = """
import asyncio, os
from arize_api import ArizeClient, AsyncArizeClient

with ArizeClient(max_retries=1) as client:
    print("sync", client.spaces.get(os.environ["ARIZE_SPACE_ID"]).id)

async def main() -> None:
    async with AsyncArizeClient(max_retries=1) as client:
        pager = client.datasets.list(space_id=os.environ["ARIZE_SPACE_ID"])
        print("async", len([dataset async for dataset in pager]))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def remote() -> Iterator[MockProcess]:
    with mock_process() as process:
        yield process


def run(remote: MockProcess, arize_log: str | None) -> subprocess.CompletedProcess[str]:
    remote.reset()
    remote.faults(
        {"path": "/v2/spaces/*", "status": 503, "retry_after": 0, "times": 1},
        {"path": "/v2/datasets", "status": 503, "retry_after": 0, "times": 1},
    )
    env = {
        **os.environ,
        "ARIZE_API_KEY": remote.api_key,
        "ARIZE_BASE_URL": remote.base_url,
        "ARIZE_SPACE_ID": remote.space_id,
    }
    env.pop("ARIZE_REGION", None)
    env.pop("ARIZE_LOG", None)
    if arize_log is not None:
        env["ARIZE_LOG"] = arize_log
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"sync {remote.space_id}", "async 0"]
    assert remote.api_key not in result.stderr + result.stdout
    return result


def lines(stderr: str, level: str) -> list[str]:
    return [line for line in stderr.splitlines() if f" arize_api {level}] " in line]


@pytest.mark.parametrize("value", ["debug", "DEBUG", " debug "])
def test_debug_shows_every_request_and_every_retry(remote: MockProcess, value: str) -> None:
    stderr = run(remote, value).stderr
    debug, info = lines(stderr, "DEBUG"), lines(stderr, "INFO")
    # one line per request answered (its method, path and status), one per retry
    assert any(f"GET /v2/spaces/{remote.space_id} " in line and " 200 " in line for line in debug)
    assert any("GET /v2/datasets " in line and " 200 " in line for line in debug), stderr
    assert len(info) == 2, stderr  # the two 503s, each retried once
    assert all("503" in line and "retry 1 of 1" in line for line in info), stderr
    assert len(debug) + len(info) == len(stderr.splitlines())  # nothing else, nothing twice


def test_info_shows_the_retries_but_not_each_request(remote: MockProcess) -> None:
    stderr = run(remote, "info").stderr
    assert lines(stderr, "DEBUG") == []
    assert len(lines(stderr, "INFO")) == 2
    assert len(stderr.splitlines()) == 2, stderr


@pytest.mark.parametrize("value", [None, ""])
def test_unset_or_empty_configures_nothing(remote: MockProcess, value: str | None) -> None:
    assert run(remote, value).stderr == ""


def test_an_unknown_value_is_ignored_with_one_warning(remote: MockProcess) -> None:
    stderr = run(remote, "verbose").stderr
    warnings = [line for line in stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warnings) == 1, stderr
    assert "ARIZE_LOG='verbose' is not 'debug' or 'info'; ignored" in warnings[0]
    assert lines(stderr, "DEBUG") == lines(stderr, "INFO") == []


def test_the_handler_is_added_once_and_only_when_the_variable_is_set() -> None:
    code = """
import importlib, logging, arize_api
importlib.reload(arize_api)
from arize_api import _logs
_logs.configure_from_env()
logger = logging.getLogger("arize_api")
print(len(logger.handlers), logging.getLevelName(logger.level), logger.propagate)
"""
    counts = {}
    for value in ("debug", "info", "verbose", None):
        env = {k: v for k, v in os.environ.items() if k != "ARIZE_LOG"}
        if value is not None:
            env["ARIZE_LOG"] = value
        result = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        counts[value] = result.stdout.strip()
    # the app's own handlers (propagation) still get the records
    assert counts == {
        "debug": "1 DEBUG True",
        "info": "1 INFO True",
        "verbose": "0 NOTSET True",
        None: "0 NOTSET True",
    }
