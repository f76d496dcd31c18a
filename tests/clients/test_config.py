"""Client configuration: regions, base URLs, environment precedence, bad settings, with_options.

Construction-only checks run for both client classes; anything about where requests go is
checked on the wire, against Prism serving `openapi.yaml` or the scripted server.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import httpx
import pytest

from arize_api import (
    REGIONS,
    ArizeClient,
    ArizeError,
    AsyncArizeClient,
    ConfigurationError,
)
from arize_api.api.datasets import get_dataset, list_datasets
from arize_api.api.v1 import log_record
from arize_api.models import Dataset, ListDatasetsResponse, V1Record
from tests.support import clients as client_support
from tests.support.clients import API_KEY, DATASET_ID, Flavour
from tests.support.payloads import SPACE_ID, dataset_json
from tests.support.scripted import ScriptedServer

# Fixtures from client_support used by this module.
flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
pytestmark = pytest.mark.usefixtures("clean_env")

CLIENT_CLASSES = [ArizeClient, AsyncArizeClient]


@pytest.fixture(params=CLIENT_CLASSES, ids=["sync", "async"])
def client_cls(request: pytest.FixtureRequest) -> type[Any]:
    cls: type[Any] = request.param
    return cls


def make(cls: type[Any], **kwargs: Any) -> Any:
    """Construct only (no request is made, so nothing needs closing beyond the pool object)."""
    kwargs.setdefault("api_key", API_KEY)
    return cls(**kwargs)


# --------------------------------------------------------------------------- regions


@pytest.mark.parametrize("region", REGIONS)
def test_region_selects_the_regional_host(client_cls: type[Any], region: str) -> None:
    client = make(client_cls, region=region)
    assert client.base_url == f"https://api.{region}.arize.com"
    assert client.config.region == region
    assert f"region={region!r}" in repr(client)


def test_no_region_means_the_global_host(client_cls: type[Any]) -> None:
    client = make(client_cls)
    assert client.base_url == "https://api.arize.com"
    assert client.config.region is None


def test_regions_are_the_documented_four() -> None:
    assert set(REGIONS) == {"us-central-1a", "us-east-1b", "ca-central-1a", "eu-west-1a"}


@pytest.mark.parametrize("region", [None, "eu-west-1a", "us-east-1b"])
def test_region_requests_go_to_the_regional_host(
    flavour: Flavour, prism_static_url: str, region: str | None
) -> None:
    """The URL the client builds, seen by a user-supplied transport that forwards it to Prism."""
    http_client, seen = flavour.forwarding_http_client(prism_static_url)
    client = flavour.client(region=region, http_client=http_client)
    dataset = flavour.call(get_dataset, client=client, dataset_id=DATASET_ID)
    assert isinstance(dataset, Dataset)
    host = f"api.{region}.arize.com" if region else "api.arize.com"
    assert [str(url) for url in seen] == [f"https://{host}/v2/datasets/{DATASET_ID}"]


# --------------------------------------------------------------------------- base URL


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://arize.example.com", "https://arize.example.com"),
        ("https://arize.example.com/", "https://arize.example.com"),
        ("https://arize.example.com/v2", "https://arize.example.com"),
        ("https://arize.example.com/v2/", "https://arize.example.com"),
        ("https://arize.example.com:8443/v2", "https://arize.example.com:8443"),
        ("https://arize.example.com/arize/v2", "https://arize.example.com/arize"),
        ("  https://arize.example.com/v2  ", "https://arize.example.com"),
        ("http://127.0.0.1:8080/v2", "http://127.0.0.1:8080"),
        ("http://localhost:8080", "http://localhost:8080"),
    ],
)
def test_base_url_is_normalised(client_cls: type[Any], raw: str, expected: str) -> None:
    client = make(client_cls, base_url=raw)
    assert client.base_url == expected
    assert client.config.region is None


def test_base_url_with_v2_suffix_calls_prism(flavour: Flavour, prism_static_url: str) -> None:
    client = flavour.client(base_url=prism_static_url + "/v2")
    dataset = flavour.call(get_dataset, client=client, dataset_id=DATASET_ID)
    assert isinstance(dataset, Dataset)
    page = flavour.call(list_datasets, client=client, space_id=SPACE_ID, limit=10)
    assert isinstance(page, ListDatasetsResponse)
    assert all(isinstance(d, Dataset) for d in page.datasets)


def test_base_url_path_prefix_is_kept_for_v2_and_v1(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", "/arize/v2/datasets/d1", json=dataset_json())
    server.add("POST", "/arize/v1/log", json={})
    client = flavour.client(base_url=server.url + "/arize/v2/", space_id=SPACE_ID)
    assert client.base_url == server.url + "/arize"
    flavour.call(get_dataset, client=client, dataset_id="d1")
    flavour.call(log_record, client=client, body=V1Record(model_id="m", prediction_id="p"))
    v2, v1 = server.requests
    assert v2.path == "/arize/v2/datasets/d1"
    assert v2.header("Authorization") == f"Bearer {API_KEY}"
    assert v1.path == "/arize/v1/log"
    assert v1.header("Authorization") == API_KEY
    assert v1.header("Grpc-Metadata-space_id") == SPACE_ID


# --------------------------------------------------------------------------- environment


def test_api_key_from_environment(
    flavour: Flavour, server: ScriptedServer, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_API_KEY", "env-key-0123456789")
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    client = flavour.client(base_url=server.url, api_key=None)
    flavour.call(get_dataset, client=client, dataset_id="d1")
    assert server.requests[0].header("Authorization") == "Bearer env-key-0123456789"


def test_api_key_argument_beats_environment(
    flavour: Flavour, server: ScriptedServer, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_API_KEY", "env-key-0123456789")
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    client = flavour.client(base_url=server.url, api_key="arg-key-9876543210")
    flavour.call(get_dataset, client=client, dataset_id="d1")
    assert server.requests[0].header("Authorization") == "Bearer arg-key-9876543210"


def test_base_url_from_environment_reaches_the_server(
    flavour: Flavour, server: ScriptedServer, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_BASE_URL", server.url + "/v2")
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    client = flavour.client()
    assert client.base_url == server.url
    assert flavour.call(get_dataset, client=client, dataset_id="d1").id == "d1"
    assert len(server.requests) == 1


def test_region_from_environment(client_cls: type[Any], clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ARIZE_REGION", "ca-central-1a")
    client = make(client_cls)
    assert client.base_url == "https://api.ca-central-1a.arize.com"
    assert client.config.region == "ca-central-1a"


def test_region_argument_beats_environment_region(
    client_cls: type[Any], clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_REGION", "ca-central-1a")
    assert make(client_cls, region="eu-west-1a").base_url == "https://api.eu-west-1a.arize.com"


def test_base_url_argument_beats_environment_region(
    client_cls: type[Any], clean_env: pytest.MonkeyPatch
) -> None:
    """An explicit location replaces the environment's; it does not clash with it."""
    clean_env.setenv("ARIZE_REGION", "ca-central-1a")
    client = make(client_cls, base_url="https://arize.example.com/v2")
    assert client.base_url == "https://arize.example.com"
    assert client.config.region is None


def test_region_argument_beats_environment_base_url(
    client_cls: type[Any], clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_BASE_URL", "https://arize.example.com")
    client = make(client_cls, region="us-east-1b")
    assert client.base_url == "https://api.us-east-1b.arize.com"


def test_environment_region_and_base_url_together_is_an_error(
    client_cls: type[Any], clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_REGION", "ca-central-1a")
    clean_env.setenv("ARIZE_BASE_URL", "https://arize.example.com")
    with pytest.raises(ConfigurationError) as info:
        make(client_cls)
    message = str(info.value)
    assert "ARIZE_REGION" in message
    assert "ARIZE_BASE_URL" in message
    assert "choose one" in message


def test_unknown_region_from_environment_lists_valid_regions(
    client_cls: type[Any], clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_REGION", "mars-north-1")
    with pytest.raises(ConfigurationError) as info:
        make(client_cls)
    assert "'mars-north-1'" in str(info.value)
    for region in REGIONS:
        assert region in str(info.value)


def test_space_id_from_environment_is_sent_on_v1(
    flavour: Flavour, server: ScriptedServer, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_SPACE_ID", "env-space")
    server.add("POST", "/v1/log", json={})
    client = flavour.client(base_url=server.url)
    flavour.call(log_record, client=client, body=V1Record(model_id="m", prediction_id="p"))
    assert server.requests[0].header("Grpc-Metadata-space_id") == "env-space"


# --------------------------------------------------------------------------- bad settings


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_api_key_is_a_clear_error(client_cls: type[Any], key: str | None) -> None:
    with pytest.raises(ConfigurationError) as info:
        client_cls(api_key=key)
    message = str(info.value)
    assert "API key" in message
    assert "api_key=" in message
    assert "ARIZE_API_KEY" in message


@pytest.mark.parametrize("key", [" padded-key ", "key-with-newline\n"])
def test_api_key_with_whitespace_is_refused(client_cls: type[Any], key: str) -> None:
    with pytest.raises(ConfigurationError, match="whitespace or a line break"):
        client_cls(api_key=key)


@pytest.mark.parametrize("region", ["mars-north-1", "EU-WEST-1A", "eu-west-1", ""])
def test_unknown_region_lists_the_valid_ones(client_cls: type[Any], region: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        make(client_cls, region=region)
    message = str(info.value)
    assert f"unknown region {region!r}" in message
    for valid in REGIONS:
        assert valid in message


@pytest.mark.parametrize(
    "base_url",
    [
        "not a url",
        "api.arize.com",
        "ftp://arize.example.com",
        "https://",
        "//arize.example.com",
        "",
        "https://arize.example.com/v2?space=1",
        "https://arize.example.com/#top",
    ],
)
def test_malformed_base_url_is_refused(client_cls: type[Any], base_url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        make(client_cls, base_url=base_url)
    assert repr(base_url) in str(info.value)
    assert "base_url" in str(info.value)


@pytest.mark.parametrize("base_url", ["https://exa mple.com", "https://arize.example.com/a b"])
def test_base_url_with_whitespace_inside_is_refused(client_cls: type[Any], base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="whitespace"):
        make(client_cls, base_url=base_url)


def test_region_together_with_base_url_is_an_error(client_cls: type[Any]) -> None:
    with pytest.raises(ConfigurationError) as info:
        make(client_cls, region="eu-west-1a", base_url="https://arize.example.com")
    message = str(info.value)
    assert "region=" in message
    assert "base_url=" in message
    assert "choose one" in message


@pytest.mark.parametrize("timeout", [0, -1, -0.5, math.inf, math.nan, "5", True, [5]])
def test_bad_timeout_is_refused(client_cls: type[Any], timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout must be"):
        make(client_cls, timeout=timeout)


def test_timeout_none_is_refused(client_cls: type[Any]) -> None:
    with pytest.raises(ConfigurationError) as info:
        make(client_cls, timeout=None)
    assert "timeout=None" in str(info.value)
    assert "forever" in str(info.value)


@pytest.mark.parametrize(
    "timeout",
    [httpx.Timeout(None), httpx.Timeout(5.0, read=None), httpx.Timeout(5.0, pool=None)],
)
def test_unbounded_httpx_timeout_is_refused(client_cls: type[Any], timeout: httpx.Timeout) -> None:
    """An httpx.Timeout with a phase of None would hang as long as timeout=None would."""
    with pytest.raises(ConfigurationError, match="hang a call forever"):
        make(client_cls, timeout=timeout)


def test_timeout_values_that_are_accepted(client_cls: type[Any]) -> None:
    # Seconds for a whole attempt; an httpx.Timeout counts as its longest phase.
    assert make(client_cls, timeout=5).config.timeout == 5.0
    assert make(client_cls, timeout=2.5).config.timeout == 2.5
    custom = httpx.Timeout(30.0, connect=3.0)
    assert make(client_cls, timeout=custom).config.timeout == 30.0


def test_default_timeout_is_finite(client_cls: type[Any]) -> None:
    timeout = make(client_cls).config.timeout
    assert 0 < timeout < math.inf


@pytest.mark.parametrize("max_retries", [-1, 1.5, "2", True, None])
def test_bad_max_retries_is_refused(client_cls: type[Any], max_retries: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_retries must be an integer >= 0"):
        make(client_cls, max_retries=max_retries)


def test_max_retries_default_and_override(client_cls: type[Any]) -> None:
    assert make(client_cls).config.max_retries == 2
    assert make(client_cls, max_retries=0).config.max_retries == 0
    assert make(client_cls, max_retries=7).config.max_retries == 7


def test_configuration_error_is_an_arize_error_and_a_value_error(client_cls: type[Any]) -> None:
    with pytest.raises(ConfigurationError) as info:
        make(client_cls, region="nowhere")
    assert isinstance(info.value, ArizeError)
    assert isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- plain http


@pytest.mark.parametrize("base_url", ["http://arize.example.com", "http://10.1.2.3:8080/v2"])
def test_plain_http_to_a_non_loopback_host_warns(client_cls: type[Any], base_url: str) -> None:
    with pytest.warns(UserWarning, match="plain http to a non-loopback host") as record:
        make(client_cls, base_url=base_url)
    assert len(record) == 1
    assert "https" in str(record[0].message)


def test_plain_http_from_environment_warns(
    client_cls: type[Any], clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("ARIZE_BASE_URL", "http://arize.example.com")
    with pytest.warns(UserWarning, match="unencrypted"):
        make(client_cls)


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:8080",
        "http://127.0.0.2:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
        "https://arize.example.com",
    ],
)
def test_loopback_or_https_does_not_warn(client_cls: type[Any], base_url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(client_cls, base_url=base_url)


def test_plain_http_warning_points_at_the_callers_line(client_cls: type[Any]) -> None:
    with pytest.warns(UserWarning) as record:
        make(client_cls, base_url="http://arize.example.com")  # make() is in this file
    assert record[0].filename == __file__


# --------------------------------------------------------------------------- with_options


def test_with_options_copies_without_touching_the_original(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    original = flavour.client(
        base_url=server.url, timeout=30, max_retries=2, default_headers={"X-Team": "core"}
    )
    config_before = original.config
    repr_before = repr(original)
    headers_before = dict(original._engine.core._v2_headers)

    copy = flavour.adopt(
        original.with_options(
            api_key="other-key-0123456789",
            timeout=5,
            max_retries=0,
            default_headers={"X-Extra": "yes"},
        )
    )
    assert type(copy) is type(original)
    assert copy.config.timeout == 5.0
    assert copy.config.max_retries == 0
    assert dict(copy.config.default_headers) == {"X-Team": "core", "X-Extra": "yes"}
    assert copy.base_url == original.base_url

    assert original.config == config_before
    assert original.config.timeout == 30.0
    assert original.config.max_retries == 2
    assert dict(original.config.default_headers) == {"X-Team": "core"}
    assert repr(original) == repr_before
    assert dict(original._engine.core._v2_headers) == headers_before

    flavour.call(get_dataset, client=original, dataset_id="d1")
    flavour.call(get_dataset, client=copy, dataset_id="d1")
    flavour.call(get_dataset, client=original, dataset_id="d1")
    first, second, third = server.requests
    assert first.header("Authorization") == f"Bearer {API_KEY}"
    assert first.header("X-Team") == "core"
    assert first.header("X-Extra") is None
    assert second.header("Authorization") == "Bearer other-key-0123456789"
    assert second.header("X-Team") == "core"
    assert second.header("X-Extra") == "yes"
    assert third.header("Authorization") == f"Bearer {API_KEY}"
    assert third.header("X-Extra") is None
    # One shared pool: the copy's request reuses the original's kept-alive connection.
    assert first.connection_id == second.connection_id == third.connection_id


def test_with_options_can_switch_location(client_cls: type[Any]) -> None:
    original = make(client_cls, base_url="https://arize.example.com")
    copy = original.with_options(region="eu-west-1a")
    assert copy.base_url == "https://api.eu-west-1a.arize.com"
    assert original.base_url == "https://arize.example.com"
    back = copy.with_options(base_url="https://other.example.com/v2")
    assert back.base_url == "https://other.example.com"
    assert back.config.region is None
    assert copy.config.region == "eu-west-1a"


def test_with_options_rejects_unknown_and_bad_options(client_cls: type[Any]) -> None:
    original = make(client_cls)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'bogus'"):
        original.with_options(bogus=1)
    with pytest.raises(ConfigurationError, match="timeout=None"):
        original.with_options(timeout=None)
    with pytest.raises(ConfigurationError, match="unknown region"):
        original.with_options(region="nowhere")
    assert original.config.region is None
    assert original.config.timeout == make(client_cls).config.timeout
