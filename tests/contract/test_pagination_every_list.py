"""Auto-pagination works on every list operation of openapi.yaml, sync and async, over a socket.

Spec-driven: a list operation is one whose answer holds `pagination` beside one array of
items. Each is walked through `client.paginate(...)` against a scripted server that answers a
first page with `has_more` and a cursor, then a last page. The walk must yield the items of
both pages as the item's model, and the second request must carry the cursor where the spec
puts it: in the query (most lists, and `POST /v2/spans` / `POST /v2/traces`, whose filters stay
in the body), or in the JSON body (the searches), never both and never on the first request.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import arize_api.models
from arize_api import PaginationError
from tests.support import spec as spec_support
from tests.support.calls import prepare
from tests.support.clients import Flavour
from tests.support.scripted import RecordedRequest, Reply, ScriptedServer

pytest_plugins = ["tests.support.clients"]

CURSOR = "opaque/cursor+1=="  # characters that must survive the query and the body


def _list_member(op: spec_support.Operation) -> tuple[str, dict[str, Any]] | None:
    """The name and item schema of the page's array, for a list operation; None otherwise."""
    if op.success_schema is None:
        return None
    page = spec_support.resolve(op.success_schema)
    members = page.get("properties", {})
    arrays = {n: s for n, s in members.items() if spec_support.resolve(s).get("type") == "array"}
    if "pagination" not in members or len(arrays) != 1:
        return None
    ((name, schema),) = arrays.items()
    return name, spec_support.resolve(schema)["items"]


def _cursor_in_query(op: spec_support.Operation) -> bool:
    return any(p.name == "cursor" and p.location == "query" for p in op.parameters)


def _is_list(op: spec_support.Operation) -> bool:
    """A listing (list* or search*) that answers pages; not a write that answers with a list."""
    return op.operation_id.startswith(("list", "search")) and _list_member(op) is not None


def _cursor_in_body(op: spec_support.Operation) -> bool:
    body = spec_support.resolve(op.body_schema) if op.body_schema else {}
    return "cursor" in body.get("properties", {})


LISTS = [op for op in spec_support.operations() if _is_list(op)]
PAGED = [op for op in LISTS if _cursor_in_query(op) or _cursor_in_body(op)]
ONE_PAGE = [op for op in LISTS if op not in PAGED]


def test_the_spec_has_list_operations_of_every_kind() -> None:
    ids = {op.operation_id for op in LISTS}
    listings = {
        op.operation_id
        for op in spec_support.operations()
        if op.operation_id.startswith(("list", "search"))
    }
    assert listings - ids == {"listEvaluatorTemplates"}  # the one list the API does not page
    assert {"listDatasets", "searchDatasetExamples", "listSpans", "listTraces"} <= ids
    assert {"listDatasetTags", "listAuditLogs"} <= ids
    assert {op.operation_id for op in ONE_PAGE} == {
        op.operation_id for op in LISTS if op.operation_id.endswith("Tags")
    }  # the tag lists take no cursor: the API does not page them yet


def _pages(op: spec_support.Operation) -> Any:
    name, item_schema = _list_member(op)  # type: ignore[misc]
    item = spec_support.build_value(item_schema)
    first = {name: [item, item], "pagination": {"has_more": True, "next_cursor": CURSOR}}
    last = {name: [item], "pagination": {"has_more": False}}
    in_query = _cursor_in_query(op)

    def answer(request: RecordedRequest) -> Reply:
        if in_query:
            cursor = parse_qs(urlsplit(request.target).query).get("cursor", [None])[0]
        else:
            cursor = json.loads(request.body or b"{}").get("cursor")
        return Reply(op.success_status, json=last if cursor == CURSOR else first)

    return answer


@pytest.mark.parametrize("op", PAGED, ids=[op.operation_id for op in PAGED])
def test_every_list_operation_walks_every_page(
    op: spec_support.Operation, flavour: Flavour
) -> None:
    call = prepare(op)
    params = {k: v for k, v in call.kwargs.items() if k != "cursor"}
    with ScriptedServer() as server:
        server.fallback = _pages(op)
        client = flavour.client(server.url, space_id="U3BhY2U6MQ==")
        items = flavour.items(client.paginate(call.module, **params))
        requests = server.requests

    _, item_schema = _list_member(op)  # type: ignore[misc]
    models = tuple(getattr(arize_api.models, n) for n in spec_support.model_names(item_schema))
    assert len(items) == 3, f"{op.operation_id}: {items!r}"
    if models:
        assert all(isinstance(item, models) for item in items)
    assert [r.method for r in requests] == [op.method, op.method]
    first, second = requests
    assert first.path == second.path and first.path.startswith("/v2/")
    other_query = [
        {k: v for k, v in parse_qs(urlsplit(r.target).query).items() if k != "cursor"}
        for r in requests
    ]
    assert other_query[0] == other_query[1]  # the same filters on every page
    query_cursors = [parse_qs(urlsplit(r.target).query).get("cursor") for r in requests]
    body_cursors = [json.loads(r.body).get("cursor") if r.body else None for r in requests]
    if _cursor_in_query(op):
        assert query_cursors == [None, [CURSOR]] and body_cursors == [None, None]
    else:
        assert body_cursors == [None, CURSOR] and query_cursors == [None, None]
    if op.body_schema is not None:  # the filters go out on every page, unchanged
        bodies = [json.loads(r.body) for r in requests]
        bodies[1].pop("cursor", None)
        assert bodies[0] == bodies[1]


@pytest.mark.parametrize("op", ONE_PAGE, ids=[op.operation_id for op in ONE_PAGE])
def test_a_list_without_a_cursor_walks_its_one_page_and_says_if_there_is_more(
    op: spec_support.Operation, flavour: Flavour
) -> None:
    call = prepare(op)
    name, item_schema = _list_member(op)  # type: ignore[misc]
    item = spec_support.build_value(item_schema)
    with ScriptedServer() as server:
        server.fallback = lambda request: Reply(
            200, json={name: [item, item], "pagination": {"has_more": False}}
        )
        client = flavour.client(server.url)
        assert len(flavour.items(client.paginate(call.module, **call.kwargs))) == 2
        server.fallback = lambda request: Reply(
            200, json={name: [item], "pagination": {"has_more": True, "next_cursor": CURSOR}}
        )
        items, error = flavour.collect(client.paginate(call.module, **call.kwargs))
        assert len(items) == 1 and len(server.requests) == 2  # one page, then a clear stop
    assert isinstance(error, PaginationError) and "takes no cursor" in str(error)
