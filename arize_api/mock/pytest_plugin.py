"""pytest fixtures for testing code that talks to Arize, against the mock.

Enable with ``pytest_plugins = ["arize_api.mock.pytest_plugin"]`` in your root conftest.py
(or ``-p arize_api.mock.pytest_plugin``). One server runs per session; ``arize_mock`` resets
it to the seed data and configured faults before each test::

    def test_upload(arize_mock):
        client = ArizeClient(api_key=arize_mock.api_key, base_url=arize_mock.base_url)
        ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import MockServer, serve

__all__ = ["arize_mock", "arize_mock_server"]


@pytest.fixture(scope="session")
def arize_mock_server() -> Iterator[MockServer]:
    """The session's mock server (state shared across tests; prefer ``arize_mock``)."""
    with serve() as server:
        yield server


@pytest.fixture
def arize_mock(arize_mock_server: MockServer) -> MockServer:
    """The session's mock server, reset to its seed data and configured faults."""
    arize_mock_server.reset()
    return arize_mock_server
