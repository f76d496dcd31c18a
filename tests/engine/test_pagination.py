"""client.paginate(): cursors in the query and in the body, pages, max_items, broken cursors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from arize_api import (
    ArizeClient,
    AsyncArizeClient,
    AsyncPaginator,
    InternalServerError,
    PaginationError,
    SyncPaginator,
)
from arize_api.api.datasets import (
    create_dataset,
    get_dataset,
    list_datasets,
    search_dataset_examples,
)
from arize_api.models import (
    CreateDatasetRequest,
    Dataset,
    DatasetExample,
    ListDatasetExamplesResponse,
    ListDatasetsResponse,
    SearchDatasetExamplesRequest,
)
from tests.support import clients as client_support
from tests.support.clients import API_KEY, FAST_RETRIES, Flavour, problem_reply
from tests.support.payloads import SPACE_ID, dataset_json, example_json
from tests.support.scripted import RecordedRequest, Reply, ScriptedServer

# Fixtures from client_support used by this module.
flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
anyio_backend = client_support.anyio_backend
pytestmark = pytest.mark.usefixtures("clean_env")

# A page: (item ids, next_cursor or None to leave it out, has_more).
Page = tuple[list[str], str | None, bool]

FIVE_PAGES: dict[str | None, Page] = {
    None: (["d1", "d2", "d3"], "c2", True),
    "c2": (["d4", "d5", "d6"], "c3", True),
    "c3": (["d7", "d8", "d9"], "c4", True),
    "c4": (["d10", "d11", "d12"], "c5", True),
    "c5": (["d13", "d14", "d15"], None, False),
}
ALL_IDS = [f"d{i}" for i in range(1, 16)]


def pages_by_cursor(
    pages: dict[str | None, Page], *, key: str = "datasets", cursor_in_body: bool = False
) -> Callable[[RecordedRequest], Reply]:
    """A reply callable answering the page scripted for the request's cursor."""
    make_item = dataset_json if key == "datasets" else example_json

    def reply(request: RecordedRequest) -> Reply:
        if cursor_in_body:
            cursor = request.json().get("cursor")
        else:
            cursor = request.query.get("cursor", [None])[0]
        if cursor not in pages:
            return problem_reply(400, detail=f"unknown cursor {cursor!r}")
        ids, next_cursor, has_more = pages[cursor]
        pagination: dict[str, Any] = {"has_more": has_more}
        if next_cursor is not None:
            pagination["next_cursor"] = next_cursor
        return Reply(200, json={key: [make_item(i) for i in ids], "pagination": pagination})

    return reply


def cursors_sent(server: ScriptedServer) -> list[str | None]:
    return [r.query.get("cursor", [None])[0] for r in server.requests]


@pytest.fixture
def five_pages(server: ScriptedServer) -> ScriptedServer:
    server.add("GET", "/v2/datasets", pages_by_cursor(FIVE_PAGES))
    return server


def test_all_items_of_many_pages_in_order(flavour: Flavour, five_pages: ScriptedServer) -> None:
    client = flavour.client(base_url=five_pages.url)
    paginator = client.paginate(list_datasets, space_id=SPACE_ID, limit=3)
    assert isinstance(paginator, AsyncPaginator if flavour.is_async else SyncPaginator)
    items = flavour.items(paginator)
    assert all(isinstance(d, Dataset) for d in items)
    assert [d.id for d in items] == ALL_IDS
    assert cursors_sent(five_pages) == [None, "c2", "c3", "c4", "c5"]
    for request in five_pages.requests:
        assert request.query["space_id"] == [SPACE_ID]
        assert request.query["limit"] == ["3"]
        assert request.header("Authorization") == f"Bearer {API_KEY}"


def test_paginating_twice_starts_over(flavour: Flavour, five_pages: ScriptedServer) -> None:
    client = flavour.client(base_url=five_pages.url)
    paginator = client.paginate(list_datasets, space_id=SPACE_ID)
    assert [d.id for d in flavour.items(paginator)] == ALL_IDS
    assert [d.id for d in flavour.items(paginator)] == ALL_IDS
    assert len(five_pages.requests) == 10


@pytest.mark.parametrize("how", ["pages=True", ".pages()"])
def test_pages_yields_typed_pages(flavour: Flavour, five_pages: ScriptedServer, how: str) -> None:
    client = flavour.client(base_url=five_pages.url)
    if how == "pages=True":
        iterable = client.paginate(list_datasets, space_id=SPACE_ID, pages=True)
    else:
        iterable = client.paginate(list_datasets, space_id=SPACE_ID).pages()
    pages = flavour.items(iterable)
    assert len(pages) == 5
    assert all(isinstance(page, ListDatasetsResponse) for page in pages)
    assert [[d.id for d in page.datasets] for page in pages] == [
        ALL_IDS[i : i + 3] for i in range(0, 15, 3)
    ]
    assert [page.pagination.has_more for page in pages] == [True] * 4 + [False]


@pytest.mark.parametrize(("max_items", "requests"), [(7, 3), (3, 1), (4, 2), (15, 5), (100, 5)])
def test_max_items_stops_early(
    flavour: Flavour, five_pages: ScriptedServer, max_items: int, requests: int
) -> None:
    client = flavour.client(base_url=five_pages.url)
    items = flavour.items(client.paginate(list_datasets, space_id=SPACE_ID, max_items=max_items))
    assert [d.id for d in items] == ALL_IDS[:max_items]
    assert len(five_pages.requests) == requests


def test_max_items_zero_sends_nothing(flavour: Flavour, five_pages: ScriptedServer) -> None:
    client = flavour.client(base_url=five_pages.url)
    assert flavour.items(client.paginate(list_datasets, space_id=SPACE_ID, max_items=0)) == []
    assert five_pages.requests == []


def test_negative_max_items_is_refused(flavour: Flavour, five_pages: ScriptedServer) -> None:
    client = flavour.client(base_url=five_pages.url)
    with pytest.raises(ValueError, match="max_items"):
        client.paginate(list_datasets, space_id=SPACE_ID, max_items=-1)


def test_start_from_a_given_cursor(flavour: Flavour, five_pages: ScriptedServer) -> None:
    client = flavour.client(base_url=five_pages.url)
    items = flavour.items(client.paginate(list_datasets, space_id=SPACE_ID, cursor="c3"))
    assert [d.id for d in items] == ALL_IDS[6:]
    assert cursors_sent(five_pages) == ["c3", "c4", "c5"]


def test_pages_are_fetched_lazily(flavour: Flavour, five_pages: ScriptedServer) -> None:
    """One page in memory at a time: the first item costs one request, not five."""
    client = flavour.client(base_url=five_pages.url)
    first = flavour.first(client.paginate(list_datasets, space_id=SPACE_ID))
    assert first.id == "d1"
    assert len(five_pages.requests) == 1


def test_short_and_empty_pages_with_has_more_continue(
    flavour: Flavour, server: ScriptedServer
) -> None:
    pages: dict[str | None, Page] = {
        None: (["a"], "p2", True),
        "p2": ([], "p3", True),
        "p3": (["b", "c"], "p4", True),
        "p4": ([], None, False),
    }
    server.add("GET", "/v2/datasets", pages_by_cursor(pages))
    client = flavour.client(base_url=server.url)
    items = flavour.items(client.paginate(list_datasets, space_id=SPACE_ID, limit=50))
    assert [d.id for d in items] == ["a", "b", "c"]
    assert cursors_sent(server) == [None, "p2", "p3", "p4"]


def test_single_page_without_more(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets", pages_by_cursor({None: (["only"], None, False)}))
    client = flavour.client(base_url=server.url)
    assert [d.id for d in flavour.items(client.paginate(list_datasets))] == ["only"]
    assert len(server.requests) == 1


# --------------------------------------------------------------------------- body cursors


SEARCH_PATH = "/v2/datasets/d1/examples/search"
SEARCH_PAGES: dict[str | None, Page] = {
    None: (["e1", "e2"], "s2", True),
    "s2": (["e3", "e4"], "s3", True),
    "s3": (["e5"], None, False),
}


def test_search_sends_the_cursor_in_the_json_body(flavour: Flavour, server: ScriptedServer) -> None:
    server.add(
        "POST", SEARCH_PATH, pages_by_cursor(SEARCH_PAGES, key="examples", cursor_in_body=True)
    )
    client = flavour.client(base_url=server.url)
    body = SearchDatasetExamplesRequest(filter_="label = 'cat'", limit=2)
    items = flavour.items(client.paginate(search_dataset_examples, dataset_id="d1", body=body))
    assert all(isinstance(e, DatasetExample) for e in items)
    assert [e.id for e in items] == ["e1", "e2", "e3", "e4", "e5"]
    assert [r.json() for r in server.requests] == [
        {"filter": "label = 'cat'", "limit": 2},
        {"filter": "label = 'cat'", "limit": 2, "cursor": "s2"},
        {"filter": "label = 'cat'", "limit": 2, "cursor": "s3"},
    ]
    for request in server.requests:
        assert request.path == SEARCH_PATH
        assert request.query == {}
    assert body.to_dict() == {"filter": "label = 'cat'", "limit": 2}  # caller's model untouched


def test_search_pages_and_start_cursor(flavour: Flavour, server: ScriptedServer) -> None:
    server.add(
        "POST", SEARCH_PATH, pages_by_cursor(SEARCH_PAGES, key="examples", cursor_in_body=True)
    )
    client = flavour.client(base_url=server.url)
    body = SearchDatasetExamplesRequest(limit=2)
    pages = flavour.items(
        client.paginate(search_dataset_examples, dataset_id="d1", body=body, cursor="s2").pages()
    )
    assert all(isinstance(p, ListDatasetExamplesResponse) for p in pages)
    assert [[e.id for e in p.examples] for p in pages] == [["e3", "e4"], ["e5"]]
    assert [r.json().get("cursor") for r in server.requests] == ["s2", "s3"]


# --------------------------------------------------------------------------- broken cursors


@pytest.mark.parametrize("missing", [None, ""], ids=["absent", "empty"])
def test_has_more_without_next_cursor_stops_with_an_error(
    flavour: Flavour, server: ScriptedServer, missing: str | None
) -> None:
    pages: dict[str | None, Page] = {
        None: (["d1", "d2"], "c2", True),
        "c2": (["d3", "d4"], missing, True),
    }
    server.add("GET", "/v2/datasets", pages_by_cursor(pages))
    client = flavour.client(base_url=server.url)
    items, error = flavour.collect(client.paginate(list_datasets, space_id=SPACE_ID))
    # Everything received is handed out before the error: nothing is silently dropped.
    assert [d.id for d in items] == ["d1", "d2", "d3", "d4"]
    assert isinstance(error, PaginationError)
    message = str(error)
    assert "list_datasets" in message
    assert "has_more=true without a next_cursor" in message
    assert "after 4 items" in message
    assert len(server.requests) == 2


def test_has_more_without_next_cursor_yields_the_page_first(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", "/v2/datasets", pages_by_cursor({None: (["d1"], None, True)}))
    client = flavour.client(base_url=server.url)
    pages, error = flavour.collect(client.paginate(list_datasets, pages=True))
    assert [[d.id for d in p.datasets] for p in pages] == [["d1"]]
    assert isinstance(error, PaginationError)


def test_missing_cursor_is_no_error_once_max_items_is_reached(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", "/v2/datasets", pages_by_cursor({None: (["d1", "d2"], None, True)}))
    client = flavour.client(base_url=server.url)
    items = flavour.items(client.paginate(list_datasets, max_items=2))
    assert [d.id for d in items] == ["d1", "d2"]


@pytest.mark.parametrize(
    ("pages", "expected_ids", "expected_requests"),
    [
        # The server hands back the cursor it was just given.
        ({None: (["a"], "c2", True), "c2": (["b"], "c2", True)}, ["a", "b"], 2),
        # A cycle: c2 -> c3 -> c2.
        (
            {None: (["a"], "c2", True), "c2": (["b"], "c3", True), "c3": (["c"], "c2", True)},
            ["a", "b", "c"],
            3,
        ),
    ],
    ids=["same", "cycle"],
)
def test_repeated_cursor_stops_with_an_error(
    flavour: Flavour,
    server: ScriptedServer,
    pages: dict[str | None, Page],
    expected_ids: list[str],
    expected_requests: int,
) -> None:
    server.add("GET", "/v2/datasets", pages_by_cursor(pages))
    client = flavour.client(base_url=server.url)
    items, error = flavour.collect(client.paginate(list_datasets, space_id=SPACE_ID))
    assert [d.id for d in items] == expected_ids
    assert isinstance(error, PaginationError)
    assert "list_datasets returned a cursor it had already returned (c2" in str(error)
    assert "rather than looping forever" in str(error)
    assert len(server.requests) == expected_requests


def test_repeat_of_the_start_cursor_is_caught(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets", pages_by_cursor({"c9": (["z"], "c9", True)}))
    client = flavour.client(base_url=server.url)
    items, error = flavour.collect(client.paginate(list_datasets, cursor="c9"))
    assert [d.id for d in items] == ["z"]
    assert isinstance(error, PaginationError)
    assert len(server.requests) == 1


def test_prism_endless_static_cursor_is_caught(flavour: Flavour, prism_static_url: str) -> None:
    """Prism's static example always says has_more with the same next_cursor: a real loop."""
    client = flavour.client(base_url=prism_static_url)
    items, error = flavour.collect(client.paginate(list_datasets, space_id=SPACE_ID, limit=10))
    assert len(items) == 2  # one example item per page, two pages before the repeat shows
    assert all(isinstance(d, Dataset) for d in items)
    assert isinstance(error, PaginationError)
    assert "already returned" in str(error)
    first = flavour.items(client.paginate(list_datasets, space_id=SPACE_ID, max_items=1))
    assert len(first) == 1


def test_http_error_mid_walk_is_raised_typed(flavour: Flavour, server: ScriptedServer) -> None:
    def reply(request: RecordedRequest) -> Reply:
        if "cursor" in request.query:
            return problem_reply(503, detail="overloaded")
        return Reply(
            200,
            json={
                "datasets": [dataset_json("a")],
                "pagination": {"has_more": True, "next_cursor": "c2"},
            },
        )

    server.add("GET", "/v2/datasets", reply)
    client = flavour.client(base_url=server.url, max_retries=1)
    items, error = flavour.collect(client.paginate(list_datasets))
    assert [d.id for d in items] == ["a"]
    assert isinstance(error, InternalServerError)
    assert len(server.requests) == 3  # page 1, page 2 and its one retry


# --------------------------------------------------------------------------- misuse


def test_non_list_operations_are_refused(flavour: Flavour, server: ScriptedServer) -> None:
    client = flavour.client(base_url=server.url)
    with pytest.raises(TypeError, match="get_dataset is not a list operation"):
        client.paginate(get_dataset, dataset_id="d1")
    create = CreateDatasetRequest(name="n", space_id=SPACE_ID, examples=[])
    with pytest.raises(TypeError, match="create_dataset is not a list operation"):
        client.paginate(create_dataset, body=create)
    with pytest.raises(TypeError, match="generated operation module"):
        client.paginate(list_datasets.sync)
    with pytest.raises(TypeError, match="pass body="):
        client.paginate(search_dataset_examples, dataset_id="d1")
    assert server.requests == []


@pytest.mark.parametrize("operation", ["list_datasets", None])
def test_non_module_operation_is_a_clear_type_error(
    flavour: Flavour, server: ScriptedServer, operation: Any
) -> None:
    client = flavour.client(base_url=server.url)
    with pytest.raises(TypeError, match="generated operation module"):
        client.paginate(operation)


# --------------------------------------------------------------------------- as users write it


def test_sync_for_loop(five_pages: ScriptedServer) -> None:
    with ArizeClient(api_key=API_KEY, base_url=five_pages.url, retry_policy=FAST_RETRIES) as c:
        names = [d.id for d in c.paginate(list_datasets, space_id=SPACE_ID)]
        pages = list(c.paginate(list_datasets, space_id=SPACE_ID).pages())
    assert names == ALL_IDS
    assert len(pages) == 5


@pytest.mark.anyio
async def test_async_for_loop(five_pages: ScriptedServer) -> None:
    async with AsyncArizeClient(
        api_key=API_KEY, base_url=five_pages.url, retry_policy=FAST_RETRIES
    ) as client:
        names = [d.id async for d in client.paginate(list_datasets, space_id=SPACE_ID)]
        pages = [p async for p in client.paginate(list_datasets, space_id=SPACE_ID).pages()]
        limited = [d.id async for d in client.paginate(list_datasets, max_items=4)]
    assert names == ALL_IDS
    assert [len(p.datasets) for p in pages] == [3, 3, 3, 3, 3]
    assert limited == ALL_IDS[:4]
