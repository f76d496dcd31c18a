"""Every list's ``limit`` bounds, one test per list operation (the test id is the rule id):
outside the documented range is a 400, its maximum is served."""

from __future__ import annotations

from tests.support.mock_rules import Ctx, covers_each

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

# (rule id, (list path, its largest limit, required query))
LISTS: list[tuple[str, tuple[str, int, dict[str, str]]]] = [
    ("ai-integrations.list.limit-1-to-100", ("/v2/ai-integrations", 100, {})),
    ("annotation-configs.list.limit-1-to-100", ("/v2/annotation-configs", 100, {})),
    ("annotation-queues.list.limit-1-to-100", ("/v2/annotation-queues", 100, {})),
    (
        "annotation-queues.list-records.limit-1-to-500",
        ("/v2/annotation-queues/{annotation_queue_id}/records", 500, {}),
    ),
    ("api-keys.list.limit-1-to-100", ("/v2/api-keys", 100, {})),
    ("audit-logs.list.limit-1-to-100", ("/v2/audit-logs", 100, {})),
    ("datasets.list.limit-1-to-100", ("/v2/datasets", 100, {})),
    ("datasets.list-examples.limit-1-to-500", ("/v2/datasets/{dataset_id}/examples", 500, {})),
    ("evaluators.list.limit-1-to-100", ("/v2/evaluators", 100, {})),
    (
        "evaluators.list-versions.limit-1-to-100",
        ("/v2/evaluators/{evaluator_id}/versions", 100, {}),
    ),
    ("experiments.list.limit-1-to-100", ("/v2/experiments", 100, {})),
    ("experiments.list-runs.limit-1-to-500", ("/v2/experiments/{experiment_id}/runs", 500, {})),
    ("integrations.list.limit-1-to-100", ("/v2/integrations", 100, {})),
    ("monitors.list.limit-1-to-100", ("/v2/monitors", 100, {})),
    ("organizations.list.limit-1-to-100", ("/v2/organizations", 100, {})),
    ("projects.list.limit-1-to-100", ("/v2/projects", 100, {})),
    ("prompts.list.limit-1-to-100", ("/v2/prompts", 100, {})),
    ("prompts.list-versions.limit-1-to-100", ("/v2/prompts/{prompt_id}/versions", 100, {})),
    ("resource-restrictions.list.limit-1-to-100", ("/v2/resource-restrictions", 100, {})),
    ("role-bindings.list.limit-1-to-100", ("/v2/role-bindings", 100, {"resource_type": "SPACE"})),
    ("roles.list.limit-1-to-100", ("/v2/roles", 100, {})),
    ("spaces.list.limit-1-to-100", ("/v2/spaces", 100, {})),
    ("tasks.list.limit-1-to-100", ("/v2/tasks", 100, {})),
    ("tasks.list-runs.limit-1-to-100", ("/v2/tasks/{task_id}/runs", 100, {})),
    ("users.list.limit-1-to-100", ("/v2/users", 100, {})),
    ("webhooks.list.limit-1-to-100", ("/v2/webhooks", 100, {})),
    (
        "webhooks.list-delivery-attempts.limit-1-to-500",
        ("/v2/webhooks/{webhook_id}/delivery-attempts", 500, {}),
    ),
    ("webhooks.list-subscriptions.limit-1-to-100", ("/v2/webhook-subscriptions", 100, {})),
]


@covers_each(LISTS)
def test_list_limit(case: tuple[str, int, dict[str, str]], ctx: Ctx) -> None:
    path, largest, query = case
    for bad in (0, largest + 1, "ten"):
        answer = ctx.call("GET", path, params={**query, "limit": bad})
        assert answer.status_code == 400, (bad, answer.text)
        assert "limit" in answer.json()["detail"]
    assert ctx.status("GET", path, params={**query, "limit": largest}) == 200
    assert ctx.status("GET", path, params={**query, "limit": 1}) == 200
