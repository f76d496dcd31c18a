"""A redirect is an answer, never followed: for every wire, including an httpx client made
with follow_redirects=True (the test harness makes every httpx client so)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import EchoServer
from tests.wires.conftest import ALL_WIRES, AUTH, Caller

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize("kind", ALL_WIRES)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_returned_not_followed(
    kind: str, status: int, make_wire: Callable[..., Caller]
) -> None:
    with EchoServer() as server, EchoServer() as elsewhere:
        wire = make_wire(kind)
        if kind in ("httpx", "async_httpx"):
            assert wire._client.follow_redirects is True
        answer = wire.send(
            f"{server.url}/status/{status}?to={elsewhere.url}/stolen",
            method="POST",
            headers={**AUTH, "Grpc-Metadata-space": "space-key"},
            body=b'{"space_key": "space-key"}',
        )
        assert answer.status == status
        assert answer.headers["location"] == f"{elsewhere.url}/stolen"
        assert len(server.seen) == 1
        assert elsewhere.seen == []
