"""Sending v1 records: one at a time, or many with bounded concurrency and an exact ledger.

``log_many`` never holds more than ``concurrency`` records in flight and pulls the next record
only when a slot frees, so a generator of millions of records runs in constant memory.

The ledger: every item taken from the input ends as sent (the server answered 2xx) or as a
``LogFailure`` with its index, the status when there was an answer, and the reason, including
items that could not be made into a record at all. When something stops the run early (the
input raised, the progress callback raised, KeyboardInterrupt or SystemExit in a sync caller,
cancellation of an async caller), no further item is taken, the requests already in flight are
let finish so each of them is counted for what it was, and only then does ``log_many`` raise:
``LogManyError`` (with ``.summary``) for a failing input or callback, or the interrupt itself
with the summary at ``.summary`` and in a note. Nothing is sent after ``log_many`` returns or
raises. A second interrupt while waiting abandons the requests in flight: they are counted as
failures that "may or may not have been stored", and their late outcome is ignored.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
    Sized,
)
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from .._errors import APIStatusError, ArizeError, LogManyError
from ..api.v1 import log_record
from ..models import V1Record
from ._records import LogRecord, record

if TYPE_CHECKING:
    from .._client import ArizeClient, AsyncArizeClient

__all__ = [
    "LogFailure",
    "LogManyError",
    "LogSummary",
    "alog_many",
    "alog_one",
    "log_many",
    "log_one",
]

RecordLike = LogRecord | Mapping[str, Any]


@attrs.frozen
class LogFailure:
    """One record that was not accepted: its position in the input and why."""

    index: int
    prediction_id: str | None
    status: int | None
    message: str


@attrs.define
class LogSummary:
    """The outcome of ``log_many``: ``sent + failed`` equals the number of records given."""

    sent: int = 0
    failed: int = 0
    failures: list[LogFailure] = attrs.field(factory=list, repr=False)

    @property
    def total(self) -> int:
        return self.sent + self.failed

    def __repr__(self) -> str:
        return f"LogSummary(sent={self.sent}, failed={self.failed})"


class Progress(Protocol):
    def __call__(self, summary: LogSummary) -> None: ...


class _BuiltRecord(V1Record):
    """A ``V1Record`` whose JSON is the wire form ``record()`` built and validated.

    ``record()`` writes exactly what ``V1Record.from_dict(wire).to_dict()`` would give back
    (tests/v1/test_wire.py holds it to that), so parsing the wire into the model only for the
    operation to serialise it again cost ~33 µs a record: a tenth of log_many's CPU.
    """

    __slots__ = ("_wire",)

    def __init__(self, wire: dict[str, Any]) -> None:
        super().__init__()
        self._wire = wire

    def to_dict(self) -> dict[str, Any]:
        return dict(self._wire)


def _body(item: RecordLike, space_key: str | None) -> tuple[str, V1Record]:
    rec = item if isinstance(item, LogRecord) else record(**item)
    wire = dict(rec.wire)
    if space_key is not None:
        wire["space_key"] = space_key
    return rec.prediction_id, _BuiltRecord(wire)


def log_one(client: ArizeClient, item: RecordLike) -> str:
    """Send one record; return its prediction id. Errors raise typed exceptions."""
    prediction_id, body = _body(item, client.config.space_key)
    log_record.sync(client=client, body=body)
    return prediction_id


async def alog_one(client: AsyncArizeClient, item: RecordLike) -> str:
    """Send one record from async code; return its prediction id."""
    prediction_id, body = _body(item, client.config.space_key)
    await log_record.asyncio(client=client, body=body)
    return prediction_id


_MESSAGE_LIMIT = 500


def _cut(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + "..."


def _scrubbed(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with the client's credentials masked: a failure message may echo a header."""
    for secret in secrets:
        text = text.replace(secret, "****")
    return text


def _attempt_failure(error: Exception) -> tuple[int | None, str]:
    """The status and message a failed send leaves in the ledger."""
    if isinstance(error, APIStatusError):
        return error.status, error.detail or error.title or str(error)
    if isinstance(error, ArizeError):
        return None, str(error)
    return None, f"{type(error).__name__}: {error}"  # not ours: still a failure, never a drop


class _Ledger:
    """The account of one ``log_many`` run, shared by its workers (threads or tasks).

    An item is registered as in flight when it is taken and settled exactly once, as sent or
    failed; ``abandon()`` settles whatever is still in flight, and outcomes that arrive after
    it are ignored, so the summary never changes once ``log_many`` has returned or raised.
    """

    def __init__(
        self, progress: Progress | bool | None, records: object, secrets: tuple[str, ...]
    ) -> None:
        self.summary = LogSummary()
        self.stop_reason: tuple[str, BaseException] | None = None
        self._stopping = False
        self._lock = threading.Lock()
        self._in_flight: dict[int, object] = {}
        self._next_index = 0
        self._secrets = tuple(s for s in secrets if s)
        # A bar can show a total only for inputs that know their length (not generators).
        total = len(records) if isinstance(records, Sized) else None
        self._progress = _progress_callback(progress, total)

    @property
    def stopping(self) -> bool:
        return self._stopping

    def stop(self, what: str | None = None, error: BaseException | None = None) -> None:
        """Take no further item; with a reason, ``finish()`` raises ``LogManyError``."""
        with self._lock:
            self._stopping = True
            if what is not None and error is not None and self.stop_reason is None:
                self.stop_reason = (what, error)

    def register(self, item: object) -> int:
        """Number ``item`` and mark it in flight. An item already taken from the input is
        always registered, even if the run began to stop meanwhile: it is then sent (or
        abandoned) and counted like any other, never dropped."""
        with self._lock:
            index = self._next_index
            self._next_index += 1
            self._in_flight[index] = item
            return index

    def settle(self, index: int, error: Exception | None, *, built: bool = True) -> None:
        with self._lock:
            item = self._in_flight.pop(index, _ABANDONED)
            if item is _ABANDONED:
                return
            if error is None:
                self.summary.sent += 1
            elif built:
                self._fail(index, item, *_attempt_failure(error))
            else:
                reason = f"could not be made into a record: {type(error).__name__}: {error}"
                self._fail(index, item, None, reason)
            self._report()

    def abandon(self) -> None:
        """Settle every item still in flight as a failure whose fate is unknown."""
        with self._lock:
            self._stopping = True
            for index, item in sorted(self._in_flight.items()):
                self._fail(
                    index,
                    item,
                    None,
                    "abandoned in flight when log_many was interrupted a second time: "
                    "it may or may not have been stored",
                )
            self._in_flight.clear()

    def _fail(self, index: int, item: object, status: int | None, message: str) -> None:
        prediction_id = item.prediction_id if isinstance(item, LogRecord) else None
        message = _cut(_scrubbed(message, self._secrets))
        self.summary.failed += 1
        self.summary.failures.append(
            LogFailure(index=index, prediction_id=prediction_id, status=status, message=message)
        )

    def _report(self) -> None:
        if self._progress is None:
            return
        try:
            self._progress(self.summary)
        except Exception as error:  # the caller's callback: stop the run, keep the account
            self._stopping = True
            if self.stop_reason is None:
                self.stop_reason = ("the progress callback", error)

    def finish(self) -> LogSummary:
        """Close the progress bar; raise ``LogManyError`` if the run was stopped by a failure."""
        with self._lock:
            self._stopping = True
        close = getattr(self._progress, "close", None)
        if close is not None:
            close()
        if self.stop_reason is not None:
            what, error = self.stop_reason
            raise LogManyError(what, error, self.summary) from error
        return self.summary

    def mark(self, interrupt: BaseException) -> None:
        """Leave the account on an interrupt that is about to propagate."""
        with self._lock:
            self._stopping = True
        close = getattr(self._progress, "close", None)
        if close is not None:
            close()
        try:
            interrupt.summary = self.summary  # type: ignore[attr-defined]
            interrupt.add_note(f"log_many stopped: {self.summary!r} (at .summary)")
        except (AttributeError, TypeError):  # an exception type that takes no attributes
            pass


_ABANDONED = object()


def _secrets(client: ArizeClient | AsyncArizeClient) -> tuple[str, ...]:
    return (client.config.api_key, client.config.space_key or "")


def _check_concurrency(concurrency: int) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an integer >= 1, got {concurrency!r}")


def log_many(
    client: ArizeClient,
    records: Iterable[RecordLike],
    *,
    concurrency: int = 8,
    progress: Progress | bool | None = None,
) -> LogSummary:
    """Send every record with at most ``concurrency`` requests in flight (threads)."""
    _check_concurrency(concurrency)
    source = iter(records)
    ledger = _Ledger(progress, records, _secrets(client))
    space_key = client.config.space_key
    source_lock = threading.Lock()  # a generator must not be resumed by two threads at once

    def take() -> tuple[int, object] | None:
        with source_lock:
            if ledger.stopping:
                return None
            try:
                item = next(source)
            except StopIteration:
                ledger.stop()
                return None
            except BaseException as error:  # the input's own failure ends the run, loudly
                ledger.stop("the records iterable", error)
                return None
            return ledger.register(item), item

    def worker() -> None:
        while (taken := take()) is not None:
            index, item = taken
            try:
                _, body = _body(item, space_key)  # type: ignore[arg-type]
            except Exception as error:
                ledger.settle(index, error, built=False)
                continue
            try:
                log_record.sync(client=client, body=body)
            except Exception as error:
                ledger.settle(index, error)
            else:
                ledger.settle(index, None)

    # Each worker says when it is done through an Event of its own: Thread.join() cut short
    # by Ctrl-C can leave is_alive() False for a thread still running (Python 3.11), and a
    # worker still sending after log_many returned is exactly what must not happen.
    finished: list[threading.Event] = []

    def run(done: threading.Event) -> None:
        try:
            worker()
        finally:
            done.set()

    try:
        for _ in range(concurrency):
            done = threading.Event()
            threading.Thread(target=run, args=(done,), daemon=True).start()
            finished.append(done)
        for done in finished:
            done.wait()
    except BaseException as interrupt:  # KeyboardInterrupt, SystemExit: stop, settle, re-raise
        ledger.stop()
        try:
            for done in finished:
                done.wait()
        except BaseException:
            ledger.abandon()
        ledger.mark(interrupt)
        raise
    return ledger.finish()


async def alog_many(
    client: AsyncArizeClient,
    records: Iterable[RecordLike] | AsyncIterable[RecordLike],
    *,
    concurrency: int = 8,
    progress: Progress | bool | None = None,
) -> LogSummary:
    """Send every record with at most ``concurrency`` requests in flight (asyncio tasks)."""
    _check_concurrency(concurrency)
    take_next = _taker(records)
    ledger = _Ledger(progress, records, _secrets(client))
    space_key = client.config.space_key
    source_lock = asyncio.Lock()  # an async generator must not be awaited by two tasks at once

    async def take() -> tuple[int, object] | None:
        async with source_lock:
            if ledger.stopping:
                return None
            try:
                item = await take_next()
            except Exception as error:
                ledger.stop("the records iterable", error)
                return None
            if item is _END:
                ledger.stop()
                return None
            return ledger.register(item), item

    async def worker() -> None:
        while (taken := await take()) is not None:
            index, item = taken
            try:
                _, body = _body(item, space_key)  # type: ignore[arg-type]
            except Exception as error:
                ledger.settle(index, error, built=False)
                continue
            try:
                await log_record.asyncio(client=client, body=body)
            except Exception as error:
                ledger.settle(index, error)
            else:
                ledger.settle(index, None)

    # Workers are tasks of their own, awaited with wait() (gather() would cancel them when the
    # caller is cancelled): a cancelled caller stops them taking more, waits for the requests
    # in flight, then re-raises; a second cancellation abandons those requests.
    workers = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    try:
        await asyncio.wait(workers)
    except BaseException as interrupt:
        ledger.stop()
        try:
            await asyncio.wait(workers)
        except BaseException:
            for task in workers:
                task.cancel()
            ledger.abandon()
        ledger.mark(interrupt)
        raise
    for task in workers:
        task.result()  # a worker settles every failure itself: only a bug of ours lands here
    return ledger.finish()


def _taker(
    records: Iterable[RecordLike] | AsyncIterable[RecordLike],
) -> Callable[[], Awaitable[object]]:
    """An async ``next()`` over sync or async records; ``_END`` once they are exhausted."""
    if isinstance(records, AsyncIterable):
        iterator: AsyncIterator[RecordLike] = aiter(records)

        async def pull_async() -> object:
            try:
                return await anext(iterator)
            except StopAsyncIteration:
                return _END

        return pull_async
    sync_iterator = iter(records)

    async def pull() -> object:
        return next(sync_iterator, _END)  # StopIteration cannot leave a coroutine

    return pull


_END = object()


def _progress_callback(progress: Progress | bool | None, total: int | None) -> Any:
    if progress is None or progress is False:
        return None
    if progress is not True:
        return progress
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        warnings.warn(
            "progress=True shows a tqdm bar, but tqdm is not installed "
            "(pip install 'arize-api[progress]'); "
            "pass a callback instead to see progress",
            stacklevel=4,
        )
        return None
    return _TqdmProgress(tqdm, total)


class _TqdmProgress:
    def __init__(self, tqdm: Any, total: int | None) -> None:
        self._bar = tqdm(unit="record", desc="log_many", total=total)

    def __call__(self, summary: LogSummary) -> None:
        self._bar.update(1)
        self._bar.set_postfix(failed=summary.failed, refresh=False)

    def close(self) -> None:
        self._bar.close()
