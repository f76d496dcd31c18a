"""v1 logging over a loopback socket: a 2xx is an accepted record, and log_many's ledger is exact.

Every case runs with both clients. The server is a `ScriptedServer`, so the test knows exactly
what reached it: the summary's `sent` must equal the records the server received, `sent +
failed` the items taken from the input, and nothing may arrive after log_many has returned or
raised (checked by keeping the loop, or the process, alive for a second afterwards).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import pytest

from arize_api import (
    ArizeError,
    BadRequestError,
    InternalServerError,
    LogManyError,
    PermissionDeniedError,
)
from arize_api.v1 import LogSummary, record
from tests.support import clients as client_support
from tests.support.clients import Flavour
from tests.support.scripted import RecordedRequest, Reply, ScriptedServer

# Fixtures from client_support used by this module.
flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("clean_env")]

SPACE_KEY = "space-key-never-shown-0123"
QUIET_PERIOD = 1.0  # how long the test keeps watching for stray records after log_many ended


def records(count: int) -> Iterator[Any]:
    for n in range(count):
        yield record("ledger-model", prediction_label=1.0, prediction_id=f"p{n}")


def received(server: ScriptedServer) -> int:
    return len(server.requests_to("POST", "/v1/log"))


def assert_quiet_afterwards(server: ScriptedServer, flavour: Flavour, count: int) -> None:
    """Nothing reaches the server after log_many ended, even with its loop kept running."""
    if flavour.is_async:
        flavour.run(asyncio.sleep(QUIET_PERIOD))
    else:
        time.sleep(QUIET_PERIOD)
    assert received(server) == count, "records were sent after log_many had ended"


def log_many(flavour: Flavour, client: Any, items: Any, **options: Any) -> LogSummary:
    result = client.log_many(items, **options)
    return flavour.run(result) if flavour.is_async else result  # type: ignore[no-any-return]


def v1_client(flavour: Flavour, server: ScriptedServer) -> Any:
    return flavour.client(base_url=server.url, space_id="space-1", space_key=SPACE_KEY)


# ---------------------------------------------------------------- a 2xx is a record accepted

ACCEPTED = {
    "empty body": Reply(200, body=b""),
    "text OK": Reply(200, body="OK"),
    "empty JSON object": Reply(200, json={}),
    "any JSON object": Reply(200, json={"status": "stored", "ids": [1, 2], "nested": {"a": None}}),
    "JSON array": Reply(200, json=[1, "two"]),
    "JSON null": Reply(200, body=b"null", headers={"Content-Type": "application/json"}),
    "HTML": Reply(200, body=b"<html>ok</html>", headers={"Content-Type": "text/html"}),
    "202 no body": Reply(202, body=b""),
    "undecodable gzip": Reply(200, body=b"hello", headers={"Content-Encoding": "gzip"}),
}


@pytest.mark.parametrize("reply", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_any_2xx_answer_is_a_record_accepted(
    flavour: Flavour, server: ScriptedServer, reply: Reply
) -> None:
    server.add("POST", "/v1/log", reply)
    client = v1_client(flavour, server)
    one = client.log(record("m", prediction_label=1.0, prediction_id="only"))
    assert (flavour.run(one) if flavour.is_async else one) == "only"
    summary = log_many(flavour, client, records(5), concurrency=2)
    assert (summary.sent, summary.failed) == (5, 0)
    assert received(server) == 6


V1_ERRORS = {
    "grpc-gateway JSON": lambda status: Reply(
        status, json={"code": 3, "message": f"rejected with {status}", "details": []}
    ),
    "plain JSON": lambda status: Reply(status, json={"error": f"rejected with {status}"}),
    "text": lambda status: Reply(status, body=f"rejected with {status}"),
}
STATUS_ERRORS = {400: BadRequestError, 403: PermissionDeniedError, 500: InternalServerError}


@pytest.mark.parametrize("status", STATUS_ERRORS)
@pytest.mark.parametrize("body", V1_ERRORS.values(), ids=V1_ERRORS.keys())
def test_an_error_answer_is_a_typed_error_with_the_servers_message(
    flavour: Flavour, server: ScriptedServer, status: int, body: Any
) -> None:
    server.add("POST", "/v1/log", body(status))
    client = v1_client(flavour, server)
    with pytest.raises(STATUS_ERRORS[status]) as raised:
        result = client.log(record("m", prediction_label=1.0))
        if flavour.is_async:
            flavour.run(result)
    assert raised.value.status == status
    assert f"rejected with {status}" in str(raised.value)
    summary = log_many(flavour, client, records(3), concurrency=1)
    assert (summary.sent, summary.failed) == (0, 3)
    assert all(f.status == status for f in summary.failures)
    assert all(f"rejected with {status}" in f.message for f in summary.failures)


# ---------------------------------------------------------------- the ledger under interruption


class RaisesOnceThenGoesOn:
    """An iterator whose 51st ``next()`` raises, and which would go on yielding afterwards."""

    def __init__(self, count: int) -> None:
        self.taken = 0
        self.count = count

    def __iter__(self) -> RaisesOnceThenGoesOn:
        return self

    def __next__(self) -> Any:
        self.taken += 1
        if self.taken == 51:
            raise ConnectionResetError("the source of the records blinked")
        if self.taken > self.count:
            raise StopIteration
        return record("m", prediction_label=1.0, prediction_id=f"i{self.taken}")


def raising_generator(count: int, fail_at: int) -> Iterator[Any]:
    for n in range(count):
        if n == fail_at:
            raise RuntimeError("the database cursor went away")
        yield record("m", prediction_label=1.0, prediction_id=f"g{n}")


class BrokenMapping(Mapping[str, Any]):
    """A dict-like item whose reading raises something no record builder expects."""

    def __getitem__(self, key: str) -> Any:
        raise LookupError(key)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("this row cannot be read")

    def __len__(self) -> int:
        return 1


def test_a_raising_generator_stops_the_run_and_the_error_carries_the_account(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", Reply(200, json={}))
    client = v1_client(flavour, server)
    with pytest.raises(LogManyError) as raised:
        log_many(flavour, client, raising_generator(100, fail_at=50), concurrency=8)
    summary = raised.value.summary
    assert (summary.sent, summary.failed) == (50, 0)
    assert received(server) == 50
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert "the records iterable raised RuntimeError" in str(raised.value)
    assert_quiet_afterwards(server, flavour, 50)


def test_an_iterator_that_raises_once_is_not_read_past_its_failure(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", Reply(200, json={}))
    source = RaisesOnceThenGoesOn(100)
    with pytest.raises(LogManyError) as raised:
        log_many(flavour, v1_client(flavour, server), source, concurrency=4)
    summary = raised.value.summary
    assert summary.total == 50 == source.taken - 1  # the 51st next() raised; none after it
    assert summary.sent == received(server) == 50
    assert_quiet_afterwards(server, flavour, 50)


def test_an_async_generator_that_raises_stops_the_run(server: ScriptedServer) -> None:
    server.add("POST", "/v1/log", Reply(200, json={}))
    flavour = Flavour("async")
    try:

        async def rows() -> AsyncIterator[Any]:
            for n in range(100):
                if n == 30:
                    raise RuntimeError("stream closed")
                yield record("m", prediction_label=1.0)

        with pytest.raises(LogManyError) as raised:
            log_many(flavour, v1_client(flavour, server), rows(), concurrency=8)
        assert raised.value.summary.sent == received(server) == 30
        assert_quiet_afterwards(server, flavour, 30)
    finally:
        flavour.finish()


def test_items_that_cannot_be_made_into_records_are_failures_with_their_reason(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", Reply(200, json={}))
    items: list[Any] = [dict(model_id="m", prediction_label=1.0) for _ in range(20)]
    items[3] = dict(model_id="m", prediction_label=1.0, timestamp=1e300)  # OverflowError
    items[7] = BrokenMapping()  # RuntimeError while read
    items[11] = 42  # not a record at all
    items[15] = dict(model_id="m")  # no label: the builder's own ValueError
    summary = log_many(flavour, v1_client(flavour, server), items, concurrency=4)
    assert (summary.sent, summary.failed) == (16, 4) and received(server) == 16
    by_index = {f.index: f for f in summary.failures}
    assert sorted(by_index) == [3, 7, 11, 15]
    assert "OverflowError" in by_index[3].message
    assert "RuntimeError: this row cannot be read" in by_index[7].message
    assert "TypeError" in by_index[11].message
    assert "prediction_label" in by_index[15].message
    assert all(f.status is None and "record" in f.message for f in summary.failures)


def test_an_undecodable_reply_is_counted_for_what_its_status_says(
    flavour: Flavour, server: ScriptedServer
) -> None:
    def reply(request: RecordedRequest) -> Reply:
        if json.loads(request.body)["prediction_id"] == "p7":
            return Reply(200, body=b"\x1f\x8b garbage", headers={"Content-Encoding": "gzip"})
        if json.loads(request.body)["prediction_id"] == "p9":
            return Reply(400, body=b"\x1f\x8b garbage", headers={"Content-Encoding": "gzip"})
        return Reply(200, json={})

    server.add("POST", "/v1/log", reply)
    summary = log_many(flavour, v1_client(flavour, server), records(20), concurrency=4)
    assert (summary.sent, summary.failed) == (19, 1) and received(server) == 20
    (failure,) = summary.failures
    assert (failure.index, failure.status) == (9, 400)


def test_a_raising_progress_callback_stops_the_run_with_the_account(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", Reply(200, json={}))

    def progress(summary: LogSummary) -> None:
        if summary.total == 10:
            raise ValueError("the notebook widget broke")

    with pytest.raises(LogManyError) as raised:
        log_many(
            flavour, v1_client(flavour, server), records(200), concurrency=4, progress=progress
        )
    summary = raised.value.summary
    assert summary.sent == received(server) and 10 <= summary.total < 200
    assert "progress callback raised ValueError" in str(raised.value)
    assert_quiet_afterwards(server, flavour, summary.sent)


def test_cancelling_an_async_log_many_lets_requests_in_flight_finish_and_sends_no_more(
    server: ScriptedServer,
) -> None:
    server.add("POST", "/v1/log", Reply(200, json={}, delay=0.05))
    flavour = Flavour("async")
    yielded = 0

    def counted() -> Iterator[Any]:
        nonlocal yielded
        for item in records(10_000):
            yielded += 1
            yield item

    async def run() -> BaseException:
        client = v1_client(flavour, server)
        task = asyncio.ensure_future(client.log_many(counted(), concurrency=8))
        while received(server) < 20:
            await asyncio.sleep(0.01)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError as error:
            return error
        raise AssertionError("log_many finished although it was cancelled")

    try:
        error = flavour.run(run())
        summary = error.summary  # type: ignore[attr-defined]
        assert isinstance(summary, LogSummary)
        assert summary.total == yielded and summary.sent == received(server)
        assert summary.failed == 0
        assert any("log_many stopped" in note for note in error.__notes__)
        assert_quiet_afterwards(server, flavour, summary.sent)
    finally:
        flavour.finish()


CHILD = textwrap.dedent(
    """
    import json, sys, time
    from arize_api import ArizeClient
    from arize_api.v1 import record

    yielded = 0

    def counted():
        global yielded
        for n in range(10_000):
            yielded += 1
            yield record("m", prediction_label=1.0, prediction_id=f"k{n}")

    client = ArizeClient(api_key="k" * 20, base_url=sys.argv[1], space_id="s")
    print("ready", flush=True)
    try:
        client.log_many(counted(), concurrency=8)
    except KeyboardInterrupt as interrupt:
        summary = interrupt.summary
        print(json.dumps({"sent": summary.sent, "failed": summary.failed,
                          "total": summary.total, "yielded": yielded}), flush=True)
        time.sleep(1.0)  # the process lives on: stray daemon threads would send now
    """
)


def test_keyboard_interrupt_stops_a_sync_log_many_and_nothing_is_sent_afterwards(
    server: ScriptedServer,
) -> None:
    server.add("POST", "/v1/log", Reply(200, json={}, delay=0.02))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, server.url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        server.wait_for_requests(30, timeout=20)
        child.send_signal(signal.SIGINT)
        report = json.loads(child.stdout.readline())
        assert child.wait(timeout=20) == 0
    finally:
        child.kill()
    assert report["total"] == report["yielded"]
    assert report["sent"] == received(server) and report["failed"] == 0


def test_the_space_key_never_reaches_a_failure_message(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", Reply(400, body=f"bad space key {SPACE_KEY}"))
    summary = log_many(flavour, v1_client(flavour, server), records(2), concurrency=1)
    assert summary.failed == 2
    assert all(SPACE_KEY not in f.message for f in summary.failures)


def test_log_many_error_is_an_arize_error() -> None:
    error = LogManyError("the records iterable", RuntimeError("x" * 5000), LogSummary(sent=1))
    assert isinstance(error, ArizeError)
    assert len(str(error)) < 800
