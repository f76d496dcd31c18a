"""Every list answers in its documented order (or the mock's documented choice): one test
per list operation, over HTTP, its test id the rule's id.

Each case makes three items of its list the way a user would (a request each, so their
creation times differ), lists them, and compares the order of their ids with the rule's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from arize_api.mock import MockServer
from tests.support import mock_world
from tests.support.mock_fixtures import raw
from tests.support.mock_rules import covers_each

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]

JSON = dict[str, Any]
World = dict[str, str]


@pytest.fixture
def http(arize_mock: MockServer) -> Iterator[httpx.Client]:
    with raw(arize_mock) as client:
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content else None


class Ctx:
    """What a case needs: the HTTP client, the mock and a world of one of everything."""

    def __init__(self, http: httpx.Client, mock: MockServer, world: World) -> None:
        self.http, self.mock, self.world = http, mock, world

    def post(self, path: str, body: JSON) -> JSON:
        return dict(ok(self.http.post(path.format_map(self.world), json=body)))

    def made(self, path: str, body: Callable[[int], JSON], count: int = 3) -> list[str]:
        return [self.post(path, body(i))["id"] for i in range(count)]

    def listed(self, path: str, key: str, **params: Any) -> list[str]:
        answer = ok(self.http.get(path.format_map(self.world), params=params))
        return [item["id"] for item in answer[key]]


# A case: ctx -> (the ids as listed, restricted to the ones made; the ids in the rule's order)
Case = Callable[[Ctx], tuple[list[str], list[str]]]


def _only(listed: list[str], made: list[str]) -> list[str]:
    return [i for i in listed if i in made]


def oldest_first(path: str, key: str, body: Callable[[Ctx, int], JSON], **params: Any) -> Case:
    def case(ctx: Ctx) -> tuple[list[str], list[str]]:
        made = ctx.made(path, lambda i: body(ctx, i))
        return _only(ctx.listed(path, key, **params), made), made

    return case


def newest_first(path: str, key: str, body: Callable[[Ctx, int], JSON], **params: Any) -> Case:
    def case(ctx: Ctx) -> tuple[list[str], list[str]]:
        made = ctx.made(path, lambda i: body(ctx, i))
        return _only(ctx.listed(path, key, **params), made), made[::-1]

    return case


def tag_list(item: str) -> Case:
    """Tags of an item list in the order they were attached."""

    def case(ctx: Ctx) -> tuple[list[str], list[str]]:
        space = ctx.world["space_id"]
        tags = [ctx.post("/v2/tags", {"name": f"t{i}", "space_id": space})["id"] for i in range(3)]
        path = item.format_map(ctx.world) + "/tags"
        for tag in (tags[2], tags[0], tags[1]):
            ok(ctx.http.post(path, json={"tag_ids": [tag]}))
        return _only(ctx.listed(path, "tags"), tags), [tags[2], tags[0], tags[1]]

    return case


def _named(ctx: Ctx, i: int) -> JSON:
    return {"name": f"order-{i}", "space_id": ctx.world["space_id"]}


def _config(ctx: Ctx, i: int) -> JSON:
    return {**_named(ctx, i), "annotation_config_type": "FREEFORM"}


def _queue(ctx: Ctx, i: int) -> JSON:
    return {
        **_named(ctx, i),
        "annotation_config_ids": [ctx.world["annotation_config_id"]],
        "annotator_emails": ["admin@example.com"],
    }


def _message() -> JSON:
    return {
        "commit_message": "v",
        "provider": "OPEN_AI",
        "messages": [{"role": "USER", "content": "hi"}],
    }


def _evaluator_version(ctx: Ctx) -> JSON:
    evaluator = ctx.http.get(f"/v2/evaluators/{ctx.world['evaluator_id']}").json()
    config = evaluator["version"]["template_config"]
    return {"commit_message": "next", "template_config": config}


def _webhook(ctx: Ctx, i: int) -> JSON:
    return {
        "organization_id": ctx.world["org_id"],
        "name": f"hook-{i}",
        "url": f"https://example.com/{i}",
    }


def _subscription(ctx: Ctx, i: int) -> JSON:
    prompt = ctx.post("/v2/prompts", {**_named(ctx, 10 + i), "version": _message()})
    return {
        "webhook_id": ctx.world["webhook_id"],
        "source_type": "PROMPT",
        "source_id": prompt["id"],
        "event": "PROMPT_VERSION_CREATED",
    }


def _integration(ctx: Ctx, i: int) -> JSON:
    return {"type": "LLM", "name": f"int-{i}", "config": {"provider": "OPEN_AI", "api_key": "k"}}


def _ai_integration(ctx: Ctx, i: int) -> JSON:
    return {"name": f"ai-{i}", "provider": "OPEN_AI", "api_key": "k"}


def _task(ctx: Ctx, i: int) -> JSON:
    evaluators = [{"evaluator_id": ctx.world["evaluator_id"]}]
    return {
        "name": f"task-{i}",
        "type": "TEMPLATE_EVALUATION",
        "project_id": ctx.world["project_id"],
        "evaluators": evaluators,
    }


def _role(ctx: Ctx, i: int) -> JSON:
    return {"name": f"role-{i}", "permissions": ["DATASET_READ"]}


def _user(ctx: Ctx, i: int) -> JSON:
    role = {"type": "PREDEFINED", "name": "MEMBER"}
    return {"name": f"u{i}", "email": f"order{i}@example.com", "role": role, "invite_mode": "NONE"}


def _organization(ctx: Ctx, i: int) -> JSON:
    return {"name": f"org-{i}"}


def _space(ctx: Ctx, i: int) -> JSON:
    return {"name": f"space-{i}", "organization_id": ctx.world["org_id"]}


def _experiment(ctx: Ctx, i: int) -> JSON:
    return {
        "name": f"exp-{i}",
        "space_id": ctx.world["space_id"],
        "experiment_runs": [{"output": "o"}],
    }


def _api_key(ctx: Ctx, i: int) -> JSON:
    return {"key_type": "USER", "name": f"key-{i}"}


def updated_first(path: str, key: str, body: Callable[[Ctx, int], JSON], **params: Any) -> Case:
    """Made 0, 1, 2, then 0 changed: 0, 2, 1."""

    def case(ctx: Ctx) -> tuple[list[str], list[str]]:
        made = ctx.made(path, lambda i: body(ctx, i))
        item = path + "/" + made[0]
        ok(ctx.http.patch(item.format_map(ctx.world), json={"description": "changed"}))
        return _only(ctx.listed(path, key, **params), made), [made[0], made[2], made[1]]

    return case


def examples_by_creation(ctx: Ctx) -> tuple[list[str], list[str]]:
    path = f"/v2/datasets/{ctx.world['dataset_id']}/examples"
    made: list[str] = []
    for i in range(3):
        made += ok(ctx.http.post(path, json={"examples": [{"q": f"{i}a"}, {"q": f"{i}b"}]}))[
            "example_ids"
        ]
    return _only(ctx.listed(path, "examples"), made), made


def example_search_by_creation(ctx: Ctx) -> tuple[list[str], list[str]]:
    _listed, made = examples_by_creation(ctx)
    path = f"/v2/datasets/{ctx.world['dataset_id']}/examples/search"
    found = [e["id"] for e in ok(ctx.http.post(path, json={}))["examples"]]
    return _only(found, made), made


def _runs(ctx: Ctx) -> list[str]:
    path = f"/v2/experiments/{ctx.world['experiment_id']}/runs"
    made: list[str] = []
    for i in range(3):
        body = {"experiment_runs": [{"example_id": ctx.world["example_id"], "output": str(i)}]}
        made += ok(ctx.http.post(path, json=body))["run_ids"]
    return made


def runs_by_insertion(ctx: Ctx) -> tuple[list[str], list[str]]:
    made = _runs(ctx)
    return _only(ctx.listed("/v2/experiments/{experiment_id}/runs", "experiment_runs"), made), made


def run_search_by_id(ctx: Ctx) -> tuple[list[str], list[str]]:
    made = _runs(ctx)
    path = f"/v2/experiments/{ctx.world['experiment_id']}/runs/search"
    found = [r["id"] for r in ok(ctx.http.post(path, json={}))["experiment_runs"]]
    return _only(found, made), sorted(made)


def _spans(ctx: Ctx) -> list[tuple[str, str]]:
    """Three traces of two spans; their start times out of order: (trace id, root span id)."""
    base = datetime.now(UTC) - timedelta(hours=1)
    made = []
    for n, minutes in enumerate((5, 1, 9)):
        start = (base + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        later = (base + timedelta(minutes=minutes, seconds=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        span = {"kind": "LLM", "end_time": later, "attributes": {}}
        trace = f"order-trace-{n}"
        ctx.mock.add_spans(
            ctx.world["project_id"],
            [
                {
                    **span,
                    "name": "root",
                    "start_time": start,
                    "context": {"trace_id": trace, "span_id": f"{trace}-a"},
                },
                {
                    **span,
                    "name": "child",
                    "start_time": later,
                    "parent_id": f"{trace}-a",
                    "context": {"trace_id": trace, "span_id": f"{trace}-b"},
                },
            ],
        )
        made.append((trace, f"{trace}-a"))
    return made


def spans_newest_start_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    _spans(ctx)
    body = {"project_id": ctx.world["project_id"], "start_time": "2000-01-01T00:00:00Z"}
    found = [s["context"]["span_id"] for s in ok(ctx.http.post("/v2/spans", json=body))["spans"]]
    # by start time: trace 2 (9 min, +30 s child), trace 0 (5 min), trace 1 (1 min)
    expected = [f"order-trace-{n}-{x}" for n in (2, 0, 1) for x in ("b", "a")]
    return _only(found, expected), expected


def traces_newest_root_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    _spans(ctx)
    body = {"project_id": ctx.world["project_id"], "start_time": "2000-01-01T00:00:00Z"}
    found = [t["trace_id"] for t in ok(ctx.http.post("/v2/traces", json=body))["traces"]]
    expected = ["order-trace-2", "order-trace-0", "order-trace-1"]
    return _only(found, expected), expected


def monitors_newest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    made = [ctx.mock.add_monitor(ctx.world["project_id"], name=f"m{i}")["id"] for i in range(3)]
    return _only(ctx.listed("/v2/monitors", "monitors"), made), made[::-1]


def attempts_newest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    webhook = ctx.world["webhook_id"]
    for _ in range(3):
        ok(ctx.http.post(f"/v2/webhooks/{webhook}/test", json={}))
    found = ok(ctx.http.get(f"/v2/webhooks/{webhook}/delivery-attempts"))["delivery_attempts"]
    stamps = [a["created_at"] for a in found]
    assert len(set(stamps)) == 3
    return stamps, sorted(stamps, reverse=True)


def task_runs_newest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    path = f"/v2/tasks/{ctx.world['task_id']}"
    made = [ctx.world["task_run_id"]]
    for _ in range(2):  # one run at a time: cancel the running one first
        ok(ctx.http.post(f"/v2/task-runs/{made[-1]}/cancel"))
        made.append(ok(ctx.http.post(path + "/trigger", json={}))["id"])
    return _only(ctx.listed(path + "/runs", "task_runs"), made), made[::-1]


def queue_records_oldest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    path = f"/v2/annotation-queues/{ctx.world['annotation_queue_id']}/records"
    made = [r["id"] for r in ok(ctx.http.get(path))["records"]]
    source = {"record_type": "EXAMPLE", "dataset_id": ctx.world["dataset_id"]}
    ok(ctx.http.post(path, json={"record_sources": [source]}))
    listed = ok(ctx.http.get(path))["records"]
    return [r["id"] for r in listed][: len(made)], made


def evaluator_templates_by_name(ctx: Ctx) -> tuple[list[str], list[str]]:
    found = ok(ctx.http.get("/v2/evaluator-templates"))["evaluator_templates"]
    names = [t["column_name"] for t in found]
    return names, sorted(names)


def prompt_versions_newest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    path = "/v2/prompts/{prompt_id}/versions"
    made = ctx.made(path, lambda i: _message())
    return _only(ctx.listed(path, "prompt_versions"), made), made[::-1]


def evaluator_versions_newest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    path = "/v2/evaluators/{evaluator_id}/versions"
    made = ctx.made(path, lambda i: _evaluator_version(ctx))
    return _only(ctx.listed(path, "evaluator_versions"), made), made[::-1]


def prompts_updated_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    return updated_first(
        "/v2/prompts", "prompts", lambda c, i: {**_named(c, i), "version": _message()}
    )(ctx)


def evaluators_updated_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    def body(c: Ctx, i: int) -> JSON:
        return {**_named(c, i), "type": "TEMPLATE", "version": _evaluator_version(c)}

    return updated_first("/v2/evaluators", "evaluators", body)(ctx)


def restrictions_oldest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    projects = ctx.made("/v2/projects", lambda i: _named(ctx, i))
    for project in projects:
        ok(ctx.http.post("/v2/resource-restrictions", json={"resource_id": project}))
    found = ok(ctx.http.get("/v2/resource-restrictions"))["resource_restrictions"]
    return _only([r["resource_id"] for r in found], projects), projects


def bindings_oldest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    users = [ctx.mock.state.create_key({ctx.mock.space_id: "member"}).user_id for _ in range(3)]
    made = ctx.made(
        "/v2/role-bindings",
        lambda i: {
            "role_id": ctx.world["role_id"],
            "user_id": users[i],
            "resource_type": "SPACE",
            "resource_id": ctx.world["space_id"],
        },
    )
    listed = ctx.listed(
        "/v2/role-bindings",
        "role_bindings",
        resource_type="SPACE",
        resource_id=ctx.world["space_id"],
    )
    return _only(listed, made), made


def audit_logs_newest_first(ctx: Ctx) -> tuple[list[str], list[str]]:
    for _ in range(3):
        ok(ctx.http.get("/v2/datasets"))
    entries = ok(ctx.http.get("/v2/audit-logs"))["logs"]
    stamps = [e["created_at"] for e in entries]
    return stamps, sorted(stamps, reverse=True)


CASES: list[tuple[str, Case]] = [
    ("datasets.list-examples.created-then-id", examples_by_creation),
    ("datasets.search-examples.created-then-id", example_search_by_creation),
    ("datasets.list-tags.attach-order", tag_list("/v2/datasets/{dataset_id}")),
    ("experiments.list.oldest-first", oldest_first("/v2/experiments", "experiments", _experiment)),
    ("experiments.list-runs.insertion-order", runs_by_insertion),
    ("experiments.search-runs.id-ascending", run_search_by_id),
    ("experiments.list-tags.attach-order", tag_list("/v2/experiments/{experiment_id}")),
    ("projects.list.oldest-first", oldest_first("/v2/projects", "projects", _named)),
    ("projects.list-tags.attach-order", tag_list("/v2/projects/{project_id}")),
    ("spaces.list.oldest-first", oldest_first("/v2/spaces", "spaces", _space)),
    (
        "organizations.list.oldest-first",
        oldest_first("/v2/organizations", "organizations", _organization),
    ),
    ("users.list.oldest-first", oldest_first("/v2/users", "users", _user)),
    ("prompts.list.updated-newest-first", prompts_updated_first),
    ("prompts.list-versions.newest-first", prompt_versions_newest_first),
    ("prompts.list-tags.attach-order", tag_list("/v2/prompts/{prompt_id}")),
    ("evaluators.list.updated-newest-first", evaluators_updated_first),
    ("evaluators.list-versions.newest-first", evaluator_versions_newest_first),
    ("evaluators.list-templates.by-name", evaluator_templates_by_name),
    ("evaluators.list-tags.attach-order", tag_list("/v2/evaluators/{evaluator_id}")),
    (
        "annotation-configs.list.oldest-first",
        oldest_first("/v2/annotation-configs", "annotation_configs", _config),
    ),
    (
        "annotation-configs.list-tags.attach-order",
        tag_list("/v2/annotation-configs/{annotation_config_id}"),
    ),
    (
        "annotation-queues.list.oldest-first",
        oldest_first("/v2/annotation-queues", "annotation_queues", _queue),
    ),
    ("annotation-queues.list-records.oldest-first", queue_records_oldest_first),
    (
        "annotation-queues.list-tags.attach-order",
        tag_list("/v2/annotation-queues/{annotation_queue_id}"),
    ),
    ("spans.list.newest-start-first", spans_newest_start_first),
    ("traces.list.newest-root-start-first", traces_newest_root_first),
    ("tasks.list.oldest-first", oldest_first("/v2/tasks", "tasks", _task)),
    ("tasks.list-runs.newest-first", task_runs_newest_first),
    ("monitors.list.newest-first", monitors_newest_first),
    ("monitors.list-tags.attach-order", tag_list("/v2/monitors/{monitor_id}")),
    ("webhooks.list.newest-first", newest_first("/v2/webhooks", "webhooks", _webhook)),
    (
        "webhooks.list-subscriptions.newest-first",
        newest_first("/v2/webhook-subscriptions", "subscriptions", _subscription),
    ),
    ("webhooks.list-delivery-attempts.newest-first", attempts_newest_first),
    (
        "integrations.list.newest-first",
        newest_first("/v2/integrations", "integrations", _integration),
    ),
    (
        "ai-integrations.list.oldest-first",
        oldest_first("/v2/ai-integrations", "ai_integrations", _ai_integration),
    ),
    ("api-keys.list.oldest-first", oldest_first("/v2/api-keys", "api_keys", _api_key)),
    ("roles.list.oldest-first", oldest_first("/v2/roles", "roles", _role)),
    ("role-bindings.list.oldest-first", bindings_oldest_first),
    ("resource-restrictions.list.oldest-first", restrictions_oldest_first),
    ("audit-logs.list.newest-first", audit_logs_newest_first),
]


@covers_each(CASES)
def test_list_order(case: Case, http: httpx.Client, arize_mock: MockServer) -> None:
    listed, expected = case(Ctx(http, arize_mock, mock_world.build(arize_mock)))
    assert len(expected) >= 2
    assert listed == expected
