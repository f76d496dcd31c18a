"""Self-test of tests/support/scripted.py with httpx, so later suites can trust it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.scripted import RecordedRequest, Reply, ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


@pytest.fixture
def client(server: ScriptedServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=5) as c:
        yield c


def test_ready_on_a_free_port_and_records_requests(
    server: ScriptedServer, client: httpx.Client
) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port > 0
    server.add("POST", "/v2/things", status=201, json={"id": "t1"}, headers={"X-Trace": "abc"})

    response = client.post(
        "/v2/things?limit=5&cursor=&tag=a&tag=b",
        json={"name": "n"},
        headers={"Authorization": "Bearer k"},
    )

    assert response.status_code == 201
    assert response.json() == {"id": "t1"}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-trace"] == "abc"
    [request] = server.requests
    assert request.method == "POST"
    assert request.path == "/v2/things"
    assert request.target == "/v2/things?limit=5&cursor=&tag=a&tag=b"
    assert request.query == {"limit": ["5"], "cursor": [""], "tag": ["a", "b"]}
    assert request.header("authorization") == "Bearer k"
    assert request.header("x-missing") is None
    assert request.json() == {"name": "n"}
    assert request.http_version == "HTTP/1.1"


def test_replies_in_sequence_then_the_last_repeats(
    server: ScriptedServer, client: httpx.Client
) -> None:
    server.add("GET", "/flaky", Reply(503, headers={"Retry-After": "0"}), Reply(200, json=[1]))

    statuses = [client.get("/flaky").status_code for _ in range(4)]

    assert statuses == [503, 200, 200, 200]
    assert len(server.requests_to("GET", "/flaky")) == 4


def test_exhausted_route_without_repeat_falls_through(
    server: ScriptedServer, client: httpx.Client
) -> None:
    server.add("GET", "/once", Reply(200, body=b"ok"), repeat_last=False)
    server.fallback = lambda request: Reply(418, body=f"fallback for {request.path}")

    first, second = client.get("/once"), client.get("/once")

    assert (first.status_code, first.content) == (200, b"ok")
    assert (second.status_code, second.text) == (418, "fallback for /once")


def test_unscripted_route_is_a_404_problem(server: ScriptedServer, client: httpx.Client) -> None:
    response = client.delete("/nowhere?x=1")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "scripted server: no reply for DELETE /nowhere?x=1"


def test_route_with_query_matches_the_whole_target(
    server: ScriptedServer, client: httpx.Client
) -> None:
    server.add("GET", "/items", json={"page": 1})
    server.add("GET", "/items?cursor=c2", json={"page": 2})

    assert client.get("/items").json() == {"page": 1}
    assert client.get("/items", params={"cursor": "c2"}).json() == {"page": 2}


def test_callable_reply_sees_the_request_and_errors_are_recorded(
    server: ScriptedServer, client: httpx.Client
) -> None:
    def echo(request: RecordedRequest) -> Reply:
        return Reply(200, body=request.body, headers={"Content-Type": "application/octet-stream"})

    def broken(request: RecordedRequest) -> Reply:
        raise RuntimeError("boom")

    server.add("PUT", "/echo", echo)
    server.add("GET", "/broken", broken)

    assert client.put("/echo", content=b"\x00\x01payload").content == b"\x00\x01payload"
    assert client.get("/broken").status_code == 500
    [error] = server.errors
    assert "RuntimeError: boom" in error


def test_chunked_request_body_is_decoded(server: ScriptedServer, client: httpx.Client) -> None:
    server.add("POST", "/upload", status=204)

    response = client.post("/upload", content=iter([b"hello ", b"chunked ", b"world"]))

    assert response.status_code == 204
    [request] = server.requests
    assert request.header("transfer-encoding") == "chunked"
    assert request.body == b"hello chunked world"


def test_keep_alive_reuses_one_connection(server: ScriptedServer, client: httpx.Client) -> None:
    server.add("GET", "/a", json={})
    server.add("HEAD", "/a", json={"not": "sent"})
    server.add("GET", "/bye", json={}, close=True)

    for _ in range(3):
        client.get("/a")
    head = client.head("/a")
    client.get("/bye")  # answered with Connection: close
    client.get("/a")  # so this one needs a new connection

    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(b'{"not": "sent"}')
    ids = [r.connection_id for r in server.requests]
    assert ids[:5] == [ids[0]] * 5
    assert ids[5] != ids[0]


def test_close_without_answering(server: ScriptedServer, client: httpx.Client) -> None:
    server.add("GET", "/dies", Reply.close_connection(), Reply(200, json={"ok": True}))

    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/dies")
    assert client.get("/dies").json() == {"ok": True}
    assert len(server.requests_to("GET", "/dies")) == 2


def test_reset_without_answering(server: ScriptedServer, client: httpx.Client) -> None:
    server.add("GET", "/rst", Reply.reset_connection(), Reply(200))

    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.get("/rst")
    assert client.get("/rst").status_code == 200


def test_truncated_body(server: ScriptedServer, client: httpx.Client) -> None:
    server.add("GET", "/cut", json={"a": "x" * 100}, truncate_body_to=10)

    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/cut")


def test_delay_then_answer_and_timeouts(server: ScriptedServer) -> None:
    server.add("GET", "/slow", json={"late": True}, delay=0.2)
    server.add("GET", "/stuck", json={}, delay=30)

    with httpx.Client(base_url=server.url, timeout=5) as patient:
        started = time.monotonic()
        assert patient.get("/slow").json() == {"late": True}
        assert time.monotonic() - started >= 0.2
    with (
        httpx.Client(base_url=server.url, timeout=0.1) as hasty,
        pytest.raises(httpx.ReadTimeout),
    ):
        hasty.get("/stuck")


def test_stop_cuts_delays_short_and_closes_kept_alive_connections() -> None:
    server = ScriptedServer().start()
    server.add("GET", "/stuck", json={}, delay=30)
    server.add("GET", "/a", json={})
    with httpx.Client(base_url=server.url, timeout=0.1) as c:
        c.get("/a")  # leaves a kept-alive connection open
        with pytest.raises(httpx.ReadTimeout):
            c.get("/stuck")
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2
        with pytest.raises(httpx.TransportError):
            c.get("/a")


def test_async_concurrent_requests_are_all_recorded(server: ScriptedServer) -> None:
    server.add("GET", "/n", lambda request: Reply(200, json={"i": request.query["i"][0]}))

    async def main() -> list[str]:
        async with httpx.AsyncClient(base_url=server.url, timeout=5) as c:
            responses = await asyncio.gather(*(c.get("/n", params={"i": i}) for i in range(20)))
        return [r.json()["i"] for r in responses]

    assert asyncio.run(main()) == [str(i) for i in range(20)]
    recorded = server.wait_for_requests(20, timeout=1)
    assert sorted(int(r.query["i"][0]) for r in recorded) == list(range(20))


def test_reset_forgets_routes_and_requests(server: ScriptedServer, client: httpx.Client) -> None:
    server.add("GET", "/a", json={})
    client.get("/a")
    server.reset()

    assert server.requests == []
    assert client.get("/a").status_code == 404


def test_reply_rejects_json_and_body_together() -> None:
    with pytest.raises(ValueError, match="not both"):
        Reply(json={}, body=b"x")
