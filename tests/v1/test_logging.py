"""v1 record logging against the mock server: builders, validation, log(), log_many()."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import arize_api
from arize_api.api.v1 import log_record
from arize_api.mock import FaultRule, MockServer
from arize_api.models import V1Record
from arize_api.v1 import Embedding, LogSummary, ScoreCategorical, record
from tests.support.mock_process import MockProcess, mock_process

pytest_plugins = ["arize_api.mock.pytest_plugin"]

FAST = arize_api.RetryPolicy(initial_delay=0.001, max_delay=0.005, max_retry_after=0.01)


def sync_client(mock: MockServer, **options: Any) -> arize_api.ArizeClient:
    options.setdefault("space_id", mock.space_id)
    options.setdefault("api_key", mock.api_key)
    return arize_api.ArizeClient(base_url=mock.base_url, retry_policy=FAST, **options)


def async_client(mock: MockServer, **options: Any) -> arize_api.AsyncArizeClient:
    options.setdefault("space_id", mock.space_id)
    return arize_api.AsyncArizeClient(
        mock.api_key, base_url=mock.base_url, retry_policy=FAST, **options
    )


def stored(mock: MockServer) -> list[dict[str, Any]]:
    return [entry["record"] for entry in mock.state.records()]


LABELS = {
    "numeric": (3.5, 4.0, {"numeric": 3.5}, {"numeric": 4.0}),
    "score_categorical_class": (
        "fraud",
        "not_fraud",
        {"score_categorical": {"category": {"category": "fraud"}}},
        {"score_categorical": {"category": {"category": "not_fraud"}}},
    ),
    "score_categorical_score": (
        0.25,
        0.75,
        {"score_categorical": {"score_value": {"value": 0.25}}},
        {"score_categorical": {"score_value": {"value": 0.75}}},
    ),
    "score_categorical_both": (
        ("fraud", 0.87),
        ScoreCategorical(category="fraud", score=1.0),
        {"score_categorical": {"score_category": {"category": "fraud", "score": 0.87}}},
        {"score_categorical": {"score_category": {"category": "fraud", "score": 1.0}}},
    ),
    "binary": (True, False, {"binary": True}, {"binary": False}),
    "categorical": ("cat", "dog", {"categorical": "cat"}, {"categorical": "dog"}),
}
ENVIRONMENTS = {
    "production": ({}, {"production": {}}),
    "training": ({}, {"training": {}}),
    "validation": ({"batch_id": "batch-7"}, {"validation": {"batch_id": "batch-7"}}),
}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("kind", LABELS)
def test_each_label_kind_and_environment_round_trips(
    arize_mock: MockServer, kind: str, environment: str
) -> None:
    prediction, actual, wire_prediction, wire_actual = LABELS[kind]
    env_args, wire_env = ENVIRONMENTS[environment]
    label_type = "score_categorical" if kind.startswith("score") else kind
    when = datetime.now(UTC) - timedelta(hours=1)
    rec = record(
        "model-a",
        prediction_id=f"{kind}-{environment}",
        prediction_label=prediction,
        actual_label=actual,
        label_type=label_type,  # type: ignore[arg-type]
        model_version="v3",
        features={"age": 42, "state": "CA"},
        environment=environment,  # type: ignore[arg-type]
        timestamp=when,
        **env_args,
    )
    with sync_client(arize_mock) as client:
        assert client.log(rec) == f"{kind}-{environment}"
    stamp = when.isoformat()
    assert stored(arize_mock) == [
        {
            "model_id": "model-a",
            "prediction_id": f"{kind}-{environment}",
            "prediction_and_actual": {
                "prediction": {
                    "prediction_label": wire_prediction,
                    "model_version": "v3",
                    "features": {"age": {"int": "42"}, "state": {"string": "CA"}},
                    "timestamp": stamp,
                },
                "actual": {"actual_label": wire_actual, "timestamp": stamp},
            },
            "environment_params": wire_env,
        }
    ]


def test_prediction_only_and_actual_only_records_use_their_own_keys(
    arize_mock: MockServer,
) -> None:
    with sync_client(arize_mock) as client:
        client.log(record("m", prediction_id="p1", prediction_label=1.5, tags={"team": "a"}))
        client.log(record("m", prediction_id="p1", actual_label=2.0, tags={"late": True}))
    first, second = stored(arize_mock)
    assert first["prediction"] == {
        "prediction_label": {"numeric": 1.5},
        "tags": {"team": {"string": "a"}},
    }
    assert second["actual"] == {
        "actual_label": {"numeric": 2.0},
        "tags": {"late": {"string": "True"}},
    }


# One feature of each value kind: string, int, float, bool, string list, float list, embedding.
FEATURES: dict[str, object] = {
    "s": "text",
    "i": 7,
    "f": 0.5,
    "b": False,
    "words": ["a", "b"],
    "vec": [0.1, 0.2],
    "emb": Embedding(vector=[1.0, 2.0], data=["hello", "world"], link_to_data="s3://x"),
}


def test_feature_values_map_to_the_right_value_kinds(arize_mock: MockServer) -> None:
    with sync_client(arize_mock) as client:
        client.log(record("m", prediction_label=1.0, features=FEATURES))
    assert stored(arize_mock)[0]["prediction"]["features"] == {
        "s": {"string": "text"},
        "i": {"int": "7"},
        "f": {"double": 0.5},
        "b": {"string": "False"},
        "words": {"multi_value": {"values": ["a", "b"]}},
        "vec": {"embedding": {"vector": [0.1, 0.2]}},
        "emb": {
            "embedding": {
                "vector": [1.0, 2.0],
                "raw_data": {"tokenArray": {"tokens": ["hello", "world"]}},
                "link_to_data": "s3://x",
            }
        },
    }


def test_prediction_id_is_generated_and_returned(arize_mock: MockServer) -> None:
    rec = record("m", prediction_label=1.0)
    with sync_client(arize_mock) as client:
        returned = client.log(rec)
    assert returned == rec.prediction_id and len(returned) == 36
    assert stored(arize_mock)[0]["prediction_id"] == returned


def test_space_key_travels_in_the_body(arize_mock: MockServer) -> None:
    space = arize_mock.state.spaces[arize_mock.space_id]
    with sync_client(arize_mock, space_id=None, space_key=space.legacy_key) as client:
        client.log(record("m", prediction_id="p", prediction_label=1.0))
    assert stored(arize_mock)[0]["space_key"] == space.legacy_key


OLD = time.time() - 91 * 86400
VALIDATION_CASES = {
    "neither": ({}, ValueError, "needs a prediction_label or an actual_label"),
    "bad feature": (
        {"prediction_label": 1.0, "features": {"x": {"nested": 1}}},
        TypeError,
        "features['x']: unsupported value type dict",
    ),
    "nan feature": ({"prediction_label": 1.0, "features": {"x": float("nan")}}, ValueError, "NaN"),
    "old timestamp": ({"prediction_label": 1.0, "timestamp": OLD}, ValueError, "more than 90 days"),
    "future timestamp": (
        {"prediction_label": 1.0, "timestamp": time.time() + 3600},
        ValueError,
        "in the future",
    ),
    "empty prediction id": ({"prediction_label": 1.0, "prediction_id": ""}, ValueError, "1..512"),
    "long prediction id": (
        {"prediction_label": 1.0, "prediction_id": "x" * 513},
        ValueError,
        "1..512",
    ),
    "training without actual": (
        {"prediction_label": 1.0, "environment": "training"},
        ValueError,
        "training records must carry an actual_label",
    ),
    "validation without actual": (
        {"prediction_label": 1.0, "environment": "validation", "batch_id": "b"},
        ValueError,
        "validation records must carry an actual_label",
    ),
    "validation without batch": (
        {"prediction_label": 1.0, "actual_label": 1.0, "environment": "validation"},
        ValueError,
        "need a batch_id",
    ),
    "wrong kind numeric": (
        {"prediction_label": "fraud", "label_type": "numeric"},
        TypeError,
        "prediction_label: 'fraud' (str) is not a numeric label",
    ),
    "wrong kind binary": (
        {"actual_label": 1, "label_type": "binary"},
        TypeError,
        "actual_label: 1 (int) is not a binary label",
    ),
    "mixed kinds": (
        {"prediction_label": 1.0, "actual_label": "x"},
        TypeError,
        "different kinds",
    ),
    "unknown environment": (
        {"prediction_label": 1.0, "environment": "staging"},
        ValueError,
        "one of",
    ),
    "reserved tag": (
        {"prediction_label": 1.0, "tags": {"total_token_count": 3}},
        ValueError,
        "reserved tag name",
    ),
}


@pytest.mark.parametrize("case", VALIDATION_CASES)
def test_validation_names_the_field_and_the_rule(arize_mock: MockServer, case: str) -> None:
    kwargs, error, message = VALIDATION_CASES[case]
    with pytest.raises(
        error, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        record("m", **kwargs)
    # As a mapping given to log(), it fails the same way, before any request.
    with sync_client(arize_mock) as client, pytest.raises(error):
        client.log({"model_id": "m", **kwargs})
    assert stored(arize_mock) == []


def test_server_answers_map_to_typed_errors_with_the_message(arize_mock: MockServer) -> None:
    old = (datetime.now(UTC) - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = V1Record.from_dict(
        {"model_id": "m", "prediction": {"timestamp": old, "prediction_label": {"numeric": 1}}}
    )
    with sync_client(arize_mock, max_retries=0) as client:
        with pytest.raises(arize_api.BadRequestError, match="timestamp must range"):
            log_record.sync(client=client, body=body)
        arize_mock.faults.add(FaultRule(path="/v1/log", status=500, times=1))
        with pytest.raises(arize_api.InternalServerError) as info:
            client.log(record("m", prediction_label=1.0))
        assert info.value.status == 500
    with (
        sync_client(arize_mock, api_key="not-a-real-key-1234") as client,
        pytest.raises(arize_api.PermissionDeniedError, match="invalid api-key"),
    ):
        client.log(record("m", prediction_label=1.0))


def records_for(count: int, prefix: str = "p") -> Iterator[Any]:
    for i in range(count):
        yield record("bulk", prediction_id=f"{prefix}-{i}", prediction_label=float(i))


@pytest.fixture(scope="module")
def mock_proc() -> Iterator[MockProcess]:
    with mock_process() as proc:
        yield proc


@pytest.fixture
def remote(mock_proc: MockProcess) -> MockProcess:
    mock_proc.reset()
    return mock_proc


def remote_client(mock: MockProcess, **options: Any) -> arize_api.AsyncArizeClient:
    return arize_api.AsyncArizeClient(
        mock.api_key, base_url=mock.base_url, space_id=mock.space_id, retry_policy=FAST, **options
    )


def check_accounting(summary: LogSummary, ids: list[str], count: int) -> None:
    assert summary.sent + summary.failed == count
    assert summary.sent == len(ids)
    assert len(set(ids)) == len(ids), "a record was stored twice"
    failed = {f.prediction_id for f in summary.failures}
    assert len(failed) == summary.failed and not failed & set(ids)
    assert all(f.status in (429, 503) and f.message for f in summary.failures)


def test_log_many_accounts_for_all_10000_records_under_injected_faults(
    remote: MockProcess,
) -> None:
    remote.faults(
        {"path": "/v1/log", "status": 429, "retry_after": 0, "rate": 0.15},
        {"path": "/v1/log", "status": 503, "rate": 0.03},
    )

    async def run() -> LogSummary:
        async with remote_client(remote) as client:
            return await client.log_many(records_for(10_000), concurrency=32)

    summary = asyncio.run(run())
    check_accounting(summary, [r["prediction_id"] for r in remote.records()], 10_000)
    assert summary.failed > 0 and summary.sent > 9_000  # 429s mostly retried, 503s reported


def test_sync_log_many_accounts_for_every_record(arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(path="/v1/log", status=503, rate=0.1))
    seen: list[int] = []
    with sync_client(arize_mock) as client:
        summary = client.log_many(
            records_for(600), concurrency=8, progress=lambda s: seen.append(s.total)
        )
    check_accounting(summary, [r["prediction_id"] for r in stored(arize_mock)], 600)
    assert sorted(seen) == list(range(1, 601))


def test_progress_true_shows_a_tqdm_bar(
    arize_mock: MockServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tqdm")  # the dev extra installs it
    with sync_client(arize_mock) as client:
        summary = client.log_many(list(records_for(40)), concurrency=4, progress=True)
    assert (summary.sent, summary.failed) == (40, 0)
    bar = capsys.readouterr().err
    assert "log_many" in bar and "40/40" in bar


def test_log_many_reports_records_that_fail_validation(arize_mock: MockServer) -> None:
    items = [{"model_id": "m", "prediction_label": 1.0}, {"model_id": "m"}]

    async def run() -> LogSummary:
        async with async_client(arize_mock) as client:
            return await client.log_many(items, concurrency=2)

    summary = asyncio.run(run())
    assert (summary.sent, summary.failed) == (1, 1)
    assert summary.failures[0].index == 1 and summary.failures[0].status is None
    assert "needs a prediction_label" in summary.failures[0].message


def test_log_many_keeps_at_most_concurrency_records_in_flight(arize_mock: MockServer) -> None:
    done = 0
    max_ahead = 0

    def generate() -> Iterator[Any]:
        nonlocal max_ahead
        for i, rec in enumerate(records_for(400)):
            max_ahead = max(max_ahead, i - done)
            yield rec

    def progress(summary: LogSummary) -> None:
        nonlocal done
        done = summary.total

    async def run() -> LogSummary:
        async with async_client(arize_mock) as client:
            return await client.log_many(generate(), concurrency=5, progress=progress)

    summary = asyncio.run(run())
    assert summary.sent == 400
    assert max_ahead <= 5


def peak_memory(mock: MockProcess, count: int) -> int:
    """Peak bytes this (client) process allocates while logging ``count`` generated records."""

    async def run() -> None:
        async with remote_client(mock) as client:
            summary = await client.log_many(records_for(count, str(count)), concurrency=16)
            assert summary.sent == count

    mock.reset()
    tracemalloc.start()
    try:
        asyncio.run(run())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_generator_input_is_consumed_lazily_in_constant_memory(remote: MockProcess) -> None:
    peak_memory(remote, 100)  # warm caches and imports
    small = peak_memory(remote, 300)
    large = peak_memory(remote, 1_500)
    assert large < small * 1.25, (small, large)
