"""A small connected world in the mock: one of every resource, linked as in life.

``build(mock)`` makes a dataset with examples, an experiment with runs, a project with two
spans, a member user, and one of each document resource (annotation config and queue,
prompt with a labelled version, AI integration, integration, evaluator, task and a run,
webhook and subscription, role and binding, API key, monitor, dashboard with a widget),
and answers their ids by path parameter name. The schemathesis run swaps generated ids for
these; the resource tests walk them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from arize_api.mock import MockServer
from tests.support.mock_fixtures import dataset_body, raw

RECENT = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
# The document kinds whose loss means the world must be rebuilt, and their id parameter.
KEY_DOCUMENTS = ("prompt", "evaluator", "task", "webhook", "annotation_queue", "role")


def build(mock: MockServer) -> dict[str, str]:
    """Create the world in ``mock`` (as its admin); its ids by path parameter name."""
    with raw(mock) as http:

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            answer: dict[str, Any] = http.post(path, json=body).raise_for_status().json()
            return answer

        dataset = post("/v2/datasets", dataset_body(mock, name="fuzz"))
        examples = http.get(f"/v2/datasets/{dataset['id']}/examples").json()["examples"]
        runs = [{"example_id": e["id"], "output": "out"} for e in examples]
        body = {"name": "fuzz", "dataset_id": dataset["id"], "experiment_runs": runs}
        experiment = post("/v2/experiments", body)
        runs_path = f"/v2/experiments/{experiment['id']}/runs"
        http_runs = http.get(runs_path).json()["experiment_runs"]
        project = post("/v2/projects", {"name": "fuzz", "space_id": mock.space_id})
        member = mock.state.create_key({mock.space_id: "member", mock.org_id: "member"})
        documents = _documents(mock, post, dataset["id"], project["id"], member.user_id)
    with mock.state.lock:
        tag_id = next(iter(mock.state.tags))
    return {
        "space_id": mock.space_id,
        "org_id": mock.org_id,
        "organization_id": mock.org_id,
        "dataset_id": dataset["id"],
        "dataset_version_id": dataset["versions"][0]["id"],
        "experiment_id": experiment["id"],
        "project_id": project["id"],
        "user_id": member.user_id,
        "example_id": examples[0]["id"],
        "run_id": http_runs[0]["id"],
        "tag_id": tag_id,
        "label_name": "production",
        "resource_id": project["id"],
        **documents,
    }


def _documents(
    mock: MockServer,
    post: Callable[[str, dict[str, Any]], dict[str, Any]],
    dataset_id: str,
    project_id: str,
    user_id: str,
) -> dict[str, str]:
    """One of each document resource, connected as in life; their ids by parameter name."""
    space = mock.space_id
    span = {"kind": "LLM", "start_time": RECENT, "end_time": RECENT, "attributes": {}}
    mock.add_spans(
        project_id,
        [
            {**span, "name": "root", "context": {"trace_id": "trace-1", "span_id": "span-1"}},
            {
                **span,
                "name": "child",
                "parent_id": "span-1",
                "context": {"trace_id": "trace-1", "span_id": "span-2"},
            },
        ],
    )
    config = post(
        "/v2/annotation-configs",
        {
            "name": "quality",
            "space_id": space,
            "annotation_config_type": "CATEGORICAL",
            "values": [{"label": "good"}, {"label": "bad"}],
        },
    )
    source = {"record_type": "EXAMPLE", "dataset_id": dataset_id}
    queue = post(
        "/v2/annotation-queues",
        {
            "name": "fuzz",
            "space_id": space,
            "annotation_config_ids": [config["id"]],
            "annotator_emails": ["admin@example.com"],
            "record_sources": [source],
        },
    )
    records = post(f"/v2/annotation-queues/{queue['id']}/records", {"record_sources": [source]})
    message = {"role": "USER", "content": "Answer {question}"}
    version = {"commit_message": "first", "provider": "OPEN_AI", "messages": [message]}
    prompt = post("/v2/prompts", {"name": "fuzz", "space_id": space, "version": version})
    labelled = post(f"/v2/prompts/{prompt['id']}/versions", version)
    mock.state.store("prompt_version")[labelled["id"]].data["labels"] = ["production"]
    ai = post("/v2/ai-integrations", {"name": "fuzz", "provider": "OPEN_AI", "api_key": "k"})
    integration = post(
        "/v2/integrations",
        {"type": "LLM", "name": "fuzz", "config": {"provider": "OPEN_AI", "api_key": "k"}},
    )
    llm = {
        "ai_integration_id": ai["id"],
        "model_name": "gpt-4o",
        "invocation_parameters": {},
        "provider_parameters": {},
    }
    template = {
        "name": "fuzz",
        "template": "{input}",
        "include_explanations": False,
        "use_function_calling": False,
        "classification_choices": {"good": 1, "bad": 0},
        "llm_config": llm,
    }
    evaluator = post(
        "/v2/evaluators",
        {
            "name": "fuzz",
            "space_id": space,
            "type": "TEMPLATE",
            "version": {"commit_message": "first", "template_config": template},
        },
    )
    task = post(
        "/v2/tasks",
        {
            "name": "fuzz",
            "type": "TEMPLATE_EVALUATION",
            "project_id": project_id,
            "evaluators": [{"evaluator_id": evaluator["id"]}],
        },
    )
    run = post(f"/v2/tasks/{task['id']}/trigger", {})
    webhook = post(
        "/v2/webhooks",
        {"organization_id": mock.org_id, "name": "fuzz", "url": "https://example.com/hook"},
    )
    subscription = post(
        "/v2/webhook-subscriptions",
        {
            "webhook_id": webhook["id"],
            "source_type": "PROMPT",
            "source_id": prompt["id"],
            "event": "PROMPT_VERSION_CREATED",
        },
    )
    role = post("/v2/roles", {"name": "fuzz", "permissions": ["DATASET_READ"]})
    binding = post(
        "/v2/role-bindings",
        {"role_id": role["id"], "user_id": user_id, "resource_type": "SPACE", "resource_id": space},
    )
    key = post("/v2/api-keys", {"key_type": "USER", "name": "fuzz"})
    monitor = mock.add_monitor(project_id)
    dashboard = mock.add_dashboard(space)
    return {
        "annotation_config_id": config["id"],
        "annotation_queue_id": queue["id"],
        "annotation_queue_record_id": records["record_sources"][0]["id"],
        "prompt_id": prompt["id"],
        "prompt_version_id": labelled["id"],
        "ai_integration_id": ai["id"],
        "integration_id": integration["id"],
        "evaluator_id": evaluator["id"],
        "evaluator_version_id": evaluator["version"]["id"],
        "task_id": task["id"],
        "task_run_id": run["id"],
        "webhook_id": webhook["id"],
        "subscription_id": subscription["id"],
        "source_id": prompt["id"],
        "role_id": role["id"],
        "binding_id": binding["id"],
        "api_key_id": key["id"],
        "monitor_id": monitor["id"],
        "dashboard_id": dashboard["id"],
        "widget_id": dashboard["widgets"][0]["id"],
    }
