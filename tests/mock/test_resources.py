"""The document resources of the mock (prompts, evaluators, tasks, webhooks, ...) behave.

One test per kind walks an item of ``mock_world`` through the fidelity rules the original
resources follow: it reads back, every page of its list finds it exactly once, who may not
read it gets 404 and who may read but not change it gets 403 (or the 404 the spec falls back
to when the operation declares no 403), and a delete makes it gone. The operations come from
the spec; the kinds from the mock's catalog. The tests after it follow particular behaviours
through the typed client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from arize_api import ArizeClient
from arize_api.api.prompts import (
    create_prompt,
    create_prompt_version,
    get_prompt,
    set_prompt_version_label,
)
from arize_api.api.spans import delete_spans, list_spans
from arize_api.api.webhooks import (
    create_webhook,
    create_webhook_subscription,
    list_webhook_delivery_attempts,
)
from arize_api.mock import FaultRule, MockServer, resources
from arize_api.mock.engine import KINDS, Kind
from arize_api.mock.spec import Operation, load_spec
from arize_api.models import (
    CreatePromptRequest,
    CreateWebhookRequest,
    CreateWebhookSubscriptionRequest,
    DeleteSpansRequest,
    ListSpansRequest,
    PromptVersionCreateRequest,
    PromptWithVersion,
    SetPromptVersionLabelsRequest,
)
from tests.support import mock_world
from tests.support.mock_fixtures import Connect, raw

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]

assert resources  # importing the package registers every kind
SPEC = load_spec()
# The world's id of each kind, where it is not "<kind>_id".
WORLD_KEYS = {
    "webhook_subscription": "subscription_id",
    "role_binding": "binding_id",
    "dashboard_widget": "widget_id",
}

# Kinds only the admins of their space read (the API documents a 404 for other callers).
ADMIN_READ = {"role_binding"}
# Required list filters that the world's ids by name do not answer.
LIST_QUERY = {"role_binding": {"resource_type": "SPACE", "resource_id": "{space_id}"}}


def _operation(method: str, path: str) -> Operation | None:
    return next((o for o in SPEC.operations if (o.method, o.path) == (method, path)), None)


READABLE = [kind for kind in KINDS.values() if _operation("GET", kind.item)]


@pytest.fixture
def world(arize_mock: MockServer) -> dict[str, str]:
    return mock_world.build(arize_mock)


def _item_path(kind: Kind, world: dict[str, str]) -> tuple[str, str]:
    item_id = world.get(WORLD_KEYS.get(kind.name, f"{kind.name}_id"))
    assert item_id is not None, f"mock_world makes no {kind.name}: add one there"
    return item_id, kind.item.format_map({**world, kind.id_param: item_id})


def _pages(http: httpx.Client, op: Operation, query: dict[str, str]) -> Iterator[list[Any]]:
    """Every page of a list operation, one item per page, its required query from ``query``."""
    params: dict[str, Any] = {p.name: query[p.name] for p in op.query() if p.required}
    path = op.path.format_map(query)
    while True:
        answer = http.get(path, params={**params, "limit": 1})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        (items,) = [v for k, v in page.items() if isinstance(v, list)]
        yield items
        meta = page["pagination"]
        if not meta["has_more"]:
            assert "next_cursor" not in meta or meta["next_cursor"] is None
            return
        params["cursor"] = meta["next_cursor"]


@pytest.mark.parametrize("kind", READABLE, ids=lambda kind: kind.name)
def test_every_document_kind_lives_by_the_rules(
    arize_mock: MockServer, world: dict[str, str], kind: Kind
) -> None:
    item_id, path = _item_path(kind, world)
    state = arize_mock.state
    outsider = state.create_key({})
    reader = state.create_key({arize_mock.space_id: "read-only", arize_mock.org_id: "read-only"})
    with raw(arize_mock) as admin, raw(arize_mock, outsider.api_key) as out:
        got = admin.get(path)
        assert got.status_code == 200, got.text
        assert got.json()["id"] == item_id

        listing = _operation("GET", kind.path)
        if listing is not None:
            extra = {k: v.format_map(world) for k, v in LIST_QUERY.get(kind.name, {}).items()}
            query = {**world, **extra}
            seen = [item["id"] for page in _pages(admin, listing, query) for item in page]
            assert seen.count(item_id) == 1
            assert len(seen) == len(set(seen))

        # unscoped documents are account-wide, but an organization is read by its members
        doc = state.document(kind.name, item_id)
        account_wide = doc is not None and doc.scope == () and kind.name != "organization"
        assert out.get(path).status_code == (200 if account_wide else 404)

        delete = _operation("DELETE", kind.item)
        if delete is None:
            return
        with raw(arize_mock, reader.api_key) as read_only:
            # role bindings are read with ROLE_BINDING_READ (space admins): 404 for readers
            assert read_only.get(path).status_code == (404 if kind.name in ADMIN_READ else 200)
            refused = read_only.delete(path)
        assert refused.status_code == (403 if 403 in delete.statuses else 404), refused.text
        assert admin.get(path).status_code == 200

        deleted = admin.delete(path)
        if kind.used_by and deleted.status_code == 409:
            assert "in use" in deleted.json()["detail"]
            assert admin.get(path).status_code == 200
            return
        assert deleted.status_code == delete.success_status, deleted.text
        assert admin.get(path).status_code == 404


def test_every_readable_kind_is_walked() -> None:
    names = {kind.name for kind in READABLE}
    assert len(names) >= 15
    assert {"prompt", "evaluator", "task", "webhook", "role", "monitor"} <= names


def _version(message: str) -> PromptVersionCreateRequest:
    return PromptVersionCreateRequest.from_dict(
        {
            "commit_message": message,
            "provider": "OPEN_AI",
            "messages": [{"role": "USER", "content": "Answer {question}"}],
        }
    )


def _prompt(client: ArizeClient, mock: MockServer) -> PromptWithVersion:
    body = CreatePromptRequest.from_dict(
        {"name": "qa", "space_id": mock.space_id, "version": _version("v1").to_dict()}
    )
    return create_prompt.sync(client=client, body=body)


def test_a_label_moves_to_the_version_it_is_set_on(
    connect: Connect, arize_mock: MockServer
) -> None:
    client = connect(warn_alpha=False)
    prompt = _prompt(client, arize_mock)
    first = prompt.version
    second = create_prompt_version.sync(client=client, prompt_id=prompt.id, body=_version("v2"))
    label = SetPromptVersionLabelsRequest(labels=["production"])
    set_prompt_version_label.sync(client=client, version_id=first.id, body=label)
    read = get_prompt.sync(client=client, prompt_id=prompt.id, label="production")
    assert read.version.id == first.id

    moved = set_prompt_version_label.sync(client=client, version_id=second.id, body=label)
    assert moved.labels == ["production"]
    read = get_prompt.sync(client=client, prompt_id=prompt.id, label="production")
    assert read.version.id == second.id
    assert get_prompt.sync(client=client, prompt_id=prompt.id).version.id == second.id


def test_a_subscribed_event_is_delivered_and_recorded(
    connect: Connect, arize_mock: MockServer
) -> None:
    client = connect(warn_alpha=False)
    prompt = _prompt(client, arize_mock)
    webhook = create_webhook.sync(
        client=client,
        body=CreateWebhookRequest.from_dict(
            {"organization_id": arize_mock.org_id, "name": "ci", "url": "https://example.com/h"}
        ),
    )
    create_webhook_subscription.sync(
        client=client,
        body=CreateWebhookSubscriptionRequest.from_dict(
            {
                "webhook_id": webhook.id,
                "source_type": "PROMPT",
                "source_id": prompt.id,
                "event": "PROMPT_VERSION_CREATED",
            }
        ),
    )
    assert list(client.paginate(list_webhook_delivery_attempts, webhook_id=webhook.id)) == []

    create_prompt_version.sync(client=client, prompt_id=prompt.id, body=_version("v2"))
    (attempt,) = client.paginate(list_webhook_delivery_attempts, webhook_id=webhook.id)
    assert attempt.attempt_number == 1


def _spans(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"step-{i}",
            "kind": "LLM",
            "start_time": mock_world.RECENT,
            "end_time": mock_world.RECENT,
            "attributes": {},
            "context": {"trace_id": "trace-1", "span_id": f"span-{i}"},
        }
        for i in range(count)
    ]


def test_spans_page_with_filters_in_the_body(connect: Connect, arize_mock: MockServer) -> None:
    project = mock_world.build(arize_mock)["project_id"]
    arize_mock.add_spans(project, _spans(7))
    client = connect(warn_alpha=False)
    body = ListSpansRequest.from_dict({"project_id": project})
    found = list(client.paginate(list_spans, body=body, limit=2))
    names = {span.name for span in found}
    assert {f"step-{i}" for i in range(7)} <= names
    assert len(found) == len(names)


def test_a_partial_span_delete_is_sent_again_until_whole(
    connect: Connect, arize_mock: MockServer
) -> None:
    project = mock_world.build(arize_mock)["project_id"]
    arize_mock.add_spans(project, _spans(6))
    arize_mock.faults.add(FaultRule(operation="delete_spans", partial=True, times=1))
    client = connect(warn_alpha=False)
    ids = [f"span-{i}" for i in range(6)]
    body = DeleteSpansRequest.from_dict({"project_id": project, "span_ids": ids})
    done = delete_spans.sync(client=client, body=body)
    statuses = [e.status for e in arize_mock.journal if e.operation == "delete_spans"]
    assert statuses == [503, 200]
    assert done.deleted_span_ids == ids[3:]  # the first send deleted the other half
    left = list(
        client.paginate(list_spans, body=ListSpansRequest.from_dict({"project_id": project}))
    )
    assert not {span.context.span_id for span in left} & set(ids)
