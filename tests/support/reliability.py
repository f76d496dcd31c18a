"""Shared pieces of the reliability and security suite (`tests/reliability/`).

PYTEST_DONT_REWRITE (test modules import this before pytest loads it as a plugin; the few
checks here carry their own messages).

Its servers live beside it: `tests.support.scripted_raw.ScriptedRawServer` (exact bytes),
`tests.support.aioserver.AioServer` (aiohttp in a subprocess, counting connections) and
`tests.support.scripted.ScriptedServer` for everything else.

`leak_guard` is the fixture every reliability module uses: while a test runs, every logger is
at DEBUG and every log record (message, arguments, traceback) is searched for the API key.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from arize_api import ArizeError, RetryPolicy
from tests.support import clients as client_support

# Distinctive, so that a search for it cannot hit by accident. Every client of the suite uses it.
API_KEY = "arz-rel-9Xk2Vq7LmP3sT8wZ-KEY-c41f"
SPACE_KEY = "spk-rel-R5nD8hJ2bQ6yF1uC-SPACE-0b7e"
# The other client tests' key too: a leak of it is as much a leak.
SECRETS = (API_KEY, SPACE_KEY, client_support.API_KEY)
# Retries in milliseconds; max_retries still comes from the client (default 2).
FAST = RetryPolicy(initial_delay=0.01, max_delay=0.05)


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
