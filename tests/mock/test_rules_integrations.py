"""Rules of monitors, webhooks (and their subscriptions), integrations, AI integrations and
dashboard widgets, one test each over HTTP."""

from __future__ import annotations

from typing import Any

from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]


# -- monitors -------------------------------------------------------------------------------


@covers("monitors.list.project-name-exact")
def test_monitors__list__project_name_exact(ctx: Ctx) -> None:
    project = ctx.project("Checkout")
    monitor = ctx.mock.add_monitor(project)["id"]
    found = [
        m["id"]
        for m in ctx.ok("GET", "/v2/monitors", params={"project_name": "Checkout"})["monitors"]
    ]
    assert found == [monitor]
    assert ctx.ok("GET", "/v2/monitors", params={"project_name": "checkout"})["monitors"] == []
    assert ctx.ok("GET", "/v2/monitors", params={"project_name": "Check"})["monitors"] == []


@covers("monitors.list.name-ignores-case")
def test_monitors__list__name_ignores_case(ctx: Ctx) -> None:
    project = ctx.project()
    monitor = ctx.mock.add_monitor(project, name="Production latency")["id"]
    found = ctx.ok("GET", "/v2/monitors", params={"name": "PROD"})["monitors"]
    assert [m["id"] for m in found] == [monitor]


@covers("monitors.list.malformed-id-400")
def test_monitors__list__malformed_id_400(ctx: Ctx) -> None:
    for param in ("space_id", "project_id", "custom_metric_id"):
        assert ctx.status("GET", "/v2/monitors", params={param: "not an id"}) == 400
    assert ctx.status("GET", "/v2/monitors", params={"project_id": ctx.space_id}) == 400


@covers("monitors.list.unknown-project-404")
def test_monitors__list__unknown_project_404(ctx: Ctx) -> None:
    missing = "TW9kZWw6OTk5Onh4eHg="  # Model:999:xxxx
    assert ctx.status("GET", "/v2/monitors", params={"project_id": missing}) == 404
    assert ctx.status("GET", "/v2/monitors", params={"space_id": "U3BhY2U6OTk5Onh4eHg="}) == 404


@covers("monitors.list.unsatisfiable-filters-empty")
def test_monitors__list__unsatisfiable_filters_empty(ctx: Ctx) -> None:
    ctx.mock.add_monitor(ctx.project())
    params = {"type": "DRIFT", "performance_metric": "ACCURACY"}
    answer = ctx.call("GET", "/v2/monitors", params=params)
    assert answer.status_code == 200 and answer.json()["monitors"] == []


@covers("monitors.list.no-space-403")
def test_monitors__list__no_space_403(ctx: Ctx) -> None:
    outsider = ctx.mock.state.create_key().api_key
    assert ctx.status("GET", "/v2/monitors", key=outsider) == 403


# -- webhooks -------------------------------------------------------------------------------


def _webhook_body(ctx: Ctx, **extra: Any) -> JSON:
    body: JSON = {"organization_id": ctx.org_id, "name": "hook", "url": "https://example.com/h"}
    body.update(extra)
    return body


def _webhook(ctx: Ctx, **extra: Any) -> JSON:
    return dict(ctx.ok("POST", "/v2/webhooks", _webhook_body(ctx, **extra)))


@covers("webhooks.create.timeout-defaults-30-seconds")
def test_webhooks__create__timeout_defaults_30_seconds(ctx: Ctx) -> None:
    assert _webhook(ctx)["timeout_ms"] == 30000


@covers("webhooks.create.timeout-1-to-60-seconds")
def test_webhooks__create__timeout_1_to_60_seconds(ctx: Ctx) -> None:
    assert ctx.status("POST", "/v2/webhooks", _webhook_body(ctx, timeout_ms=999)) == 422
    assert ctx.status("POST", "/v2/webhooks", _webhook_body(ctx, timeout_ms=60001)) == 422


@covers("webhooks.create.auth-defaults-bearer")
def test_webhooks__create__auth_defaults_bearer(ctx: Ctx) -> None:
    assert _webhook(ctx)["auth_type"] == "BEARER"


@covers("webhooks.create.name-unique-in-organization")
def test_webhooks__create__name_unique_in_organization(ctx: Ctx) -> None:
    _webhook(ctx)
    assert ctx.status("POST", "/v2/webhooks", _webhook_body(ctx)) == 409
    other = ctx.ok("POST", "/v2/organizations", {"name": "o2"})["id"]
    assert ctx.status("POST", "/v2/webhooks", _webhook_body(ctx, organization_id=other)) == 201


@covers("webhooks.create.at-most-20-headers")
def test_webhooks__create__at_most_20_headers(ctx: Ctx) -> None:
    headers = {f"X-H{i}": "v" for i in range(21)}
    assert ctx.status("POST", "/v2/webhooks", _webhook_body(ctx, headers=headers)) == 422
    del headers["X-H20"]
    assert ctx.status("POST", "/v2/webhooks", _webhook_body(ctx, headers=headers)) == 201


@covers("webhooks.create.header-names-valid-not-connection")
def test_webhooks__create__header_names_valid_not_connection(ctx: Ctx) -> None:
    for name in ("Bad Header", "Connection", "transfer-encoding"):
        body = _webhook_body(ctx, headers={name: "v"})
        assert ctx.status("POST", "/v2/webhooks", body) == 422


@covers("webhooks.create.secrets-write-only")
def test_webhooks__create__secrets_write_only(ctx: Ctx) -> None:
    webhook = _webhook(ctx, auth_token="tok", headers={"X-Key": "secret"})
    shown = ctx.ok("GET", f"/v2/webhooks/{webhook['id']}")
    for answer in (webhook, shown):
        assert "auth_token" not in answer and "headers" not in answer


@covers("webhooks.create.auth-token-bearer-only")
def test_webhooks__create__auth_token_bearer_only(ctx: Ctx) -> None:
    body = _webhook_body(ctx, auth_type="HMAC_SHA256", auth_token="tok")
    assert ctx.status("POST", "/v2/webhooks", body) == 422


@covers("webhooks.create.signing-secret-shown-once")
def test_webhooks__create__signing_secret_shown_once(ctx: Ctx) -> None:
    webhook = _webhook(ctx, auth_type="HMAC_SHA256")
    assert webhook["signing_secret"]
    shown = ctx.ok("GET", f"/v2/webhooks/{webhook['id']}")
    assert (
        "signing_secret" not in shown
        and shown["signing_secret_hint"] == webhook["signing_secret"][-4:]
    )


@covers("webhooks.create.system-fields-rejected")
def test_webhooks__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at", "updated_at"):
        assert ctx.status("POST", "/v2/webhooks", _webhook_body(ctx, **{member: "x"})) == 422


@covers("webhooks.update.needs-a-member")
def test_webhooks__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/webhooks/{_webhook(ctx)['id']}", {}) == 400


@covers("webhooks.update.auth-type-fixed")
def test_webhooks__update__auth_type_fixed(ctx: Ctx) -> None:
    webhook = _webhook(ctx)["id"]
    assert ctx.status("PATCH", f"/v2/webhooks/{webhook}", {"auth_type": "HMAC_SHA256"}) == 422


@covers("webhooks.update.name-unique-in-organization")
def test_webhooks__update__name_unique_in_organization(ctx: Ctx) -> None:
    _webhook(ctx)
    other = _webhook(ctx, name="other")["id"]
    assert ctx.status("PATCH", f"/v2/webhooks/{other}", {"name": "hook"}) == 409


@covers("webhooks.test.hmac-unsupported-400")
def test_webhooks__test__hmac_unsupported_400(ctx: Ctx) -> None:
    webhook = _webhook(ctx, auth_type="HMAC_SHA256")["id"]
    assert ctx.status("POST", f"/v2/webhooks/{webhook}/test", {}) == 400
    bearer = _webhook(ctx, name="bearer")["id"]
    assert ctx.ok("POST", f"/v2/webhooks/{bearer}/test", {})["status_code"] == 200


@covers("webhooks.delete.detaches-its-subscriptions")
def test_webhooks__delete__detaches_its_subscriptions(ctx: Ctx) -> None:
    webhook, subscription = ctx.world["webhook_id"], ctx.world["subscription_id"]
    assert ctx.status("DELETE", f"/v2/webhooks/{webhook}") == 204
    assert ctx.status("GET", f"/v2/webhook-subscriptions/{subscription}") == 404


def _subscription(ctx: Ctx, **extra: Any) -> Any:
    body = {
        "webhook_id": ctx.world["webhook_id"],
        "source_type": "PROMPT",
        "source_id": ctx.world["prompt_id"],
        "event": "PROMPT_VERSION_LABELED",
    }
    body.update(extra)
    return ctx.call("POST", "/v2/webhook-subscriptions", body)


@covers("webhooks.create-subscription.event-of-the-source-type")
def test_webhooks__create_subscription__event_of_the_source_type(ctx: Ctx) -> None:
    assert _subscription(ctx, event="EVALUATOR_VERSION_CREATED").status_code == 422
    space = {"source_type": "SPACE", "source_id": ctx.space_id}
    assert _subscription(ctx, event="PROMPT_VERSION_CREATED", **space).status_code == 422
    assert _subscription(ctx, event="ONLINE_TASK_RUN_FAILED", **space).status_code == 201


@covers("webhooks.create-subscription.once-per-webhook-409")
def test_webhooks__create_subscription__once_per_webhook_409(ctx: Ctx) -> None:
    assert _subscription(ctx).status_code == 201
    assert _subscription(ctx).status_code == 409


@covers("webhooks.create-subscription.webhook-of-the-organization")
def test_webhooks__create_subscription__webhook_of_the_organization(ctx: Ctx) -> None:
    org = ctx.ok("POST", "/v2/organizations", {"name": "o2"})["id"]
    foreign = ctx.ok("POST", "/v2/webhooks", _webhook_body(ctx, organization_id=org))["id"]
    assert _subscription(ctx, webhook_id=foreign).status_code == 404
    assert _subscription(ctx, webhook_id="V2ViaG9vazo5OTk6eHh4eA==").status_code == 404


@covers("webhooks.create-subscription.online-task-is-an-evaluation")
def test_webhooks__create_subscription__online_task_is_an_evaluation(ctx: Ctx) -> None:
    config = {
        "experiment_type": "LLM_GENERATION",
        "ai_integration_id": ctx.world["ai_integration_id"],
        "messages": [{"role": "USER", "content": "x"}],
        "input_variable_format": "F_STRING",
    }
    runner = ctx.ok(
        "POST",
        "/v2/tasks",
        {
            "name": "r",
            "type": "RUN_EXPERIMENT",
            "dataset_id": ctx.world["dataset_id"],
            "run_configuration": config,
        },
    )["id"]
    source = {"source_type": "ONLINE_TASK", "event": "ONLINE_TASK_RUN_FAILED"}
    assert _subscription(ctx, source_id=runner, **source).status_code == 422
    assert _subscription(ctx, source_id=ctx.world["task_id"], **source).status_code == 201


@covers("webhooks.create-subscription.unreadable-source-404")
def test_webhooks__create_subscription__unreadable_source_404(ctx: Ctx) -> None:
    assert _subscription(ctx, source_id="UHJvbXB0Ojk5OTp4eHh4").status_code == 404


@covers("webhooks.create-subscription.events-are-delivered")
def test_webhooks__create_subscription__events_are_delivered(ctx: Ctx) -> None:
    version = ctx.world["prompt_version_id"]
    ctx.ok("PUT", f"/v2/prompt-versions/{version}/labels", {"labels": ["production"]})
    before = ctx.ok("GET", f"/v2/webhooks/{ctx.world['webhook_id']}/delivery-attempts")[
        "delivery_attempts"
    ]
    message = {
        "commit_message": "v",
        "provider": "OPEN_AI",
        "messages": [{"role": "USER", "content": "x"}],
    }
    ctx.ok("POST", f"/v2/prompts/{ctx.world['prompt_id']}/versions", message)
    after = ctx.ok("GET", f"/v2/webhooks/{ctx.world['webhook_id']}/delivery-attempts")[
        "delivery_attempts"
    ]
    assert len(after) == len(before) + 1
    assert after[0]["payload"]["event"] == "PROMPT_VERSION_CREATED"


# -- integrations ---------------------------------------------------------------------------


def _llm(name: str = "llm") -> JSON:
    return {"type": "LLM", "name": name, "config": {"provider": "OPEN_AI", "api_key": "k"}}


def _remote(kind: str, name: str) -> JSON:
    config: JSON = {"endpoint": "https://eval.example.com", "input_schema": {"type": "object"}}
    if kind == "AGENT":
        config = {"endpoint": "https://agent.example.com"}
    return {"type": kind, "name": name, "config": config}


@covers("integrations.create.name-unique-per-namespace")
def test_integrations__create__name_unique_per_namespace(ctx: Ctx) -> None:
    ctx.ok("POST", "/v2/integrations", _llm("same"))
    assert ctx.status("POST", "/v2/integrations", _llm("same")) == 409
    scoped = {**_llm("same"), "scopings": [{"space_id": ctx.space_id}]}
    assert ctx.status("POST", "/v2/integrations", scoped) == 409  # account-wide, not per scope
    assert ctx.status("POST", "/v2/integrations", _remote("EVALUATOR", "same")) == 201


@covers("integrations.create.account-wide-by-default")
def test_integrations__create__account_wide_by_default(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/integrations", _llm())
    assert made["scopings"] == []
    member = ctx.key("member")
    assert ctx.status("GET", f"/v2/integrations/{made['id']}", key=member) == 200


@covers("integrations.create.evaluator-needs-endpoint-and-schema")
def test_integrations__create__evaluator_needs_endpoint_and_schema(ctx: Ctx) -> None:
    body = _remote("EVALUATOR", "e")
    del body["config"]["endpoint"]
    assert ctx.status("POST", "/v2/integrations", body) in (400, 422)


@covers("integrations.create.headers-never-shown")
def test_integrations__create__headers_never_shown(ctx: Ctx) -> None:
    body = _remote("EVALUATOR", "e")
    body["config"]["headers"] = {"X-Key": "secret"}
    made = ctx.ok("POST", "/v2/integrations", body)
    shown = ctx.ok("GET", f"/v2/integrations/{made['id']}")
    assert "headers" not in shown["config"] and shown["config"]["has_headers"] is True


@covers("integrations.update.type-required-and-fixed")
def test_integrations__update__type_required_and_fixed(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/integrations", _llm())["id"]
    assert ctx.status("PATCH", f"/v2/integrations/{made}", {"name": "x"}) == 400
    assert ctx.status("PATCH", f"/v2/integrations/{made}", {"type": "AGENT", "name": "x"}) == 422


@covers("integrations.update.needs-a-member-besides-type")
def test_integrations__update__needs_a_member_besides_type(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/integrations", _llm())["id"]
    assert ctx.status("PATCH", f"/v2/integrations/{made}", {"type": "LLM"}) == 400


@covers("integrations.update.headers-replaced")
def test_integrations__update__headers_replaced(ctx: Ctx) -> None:
    body = _remote("EVALUATOR", "e")
    body["config"]["headers"] = {"X-A": "1", "X-B": "2"}
    made = ctx.ok("POST", "/v2/integrations", body)["id"]
    patch = {"type": "EVALUATOR", "config": {"headers": {"X-C": "3"}}}
    ctx.ok("PATCH", f"/v2/integrations/{made}", patch)
    with ctx.mock.state.lock:
        stored = ctx.mock.state.store("integration")[made].data["config"]
    assert stored["headers"] == {"X-C": "3"} and stored["endpoint"] == "https://eval.example.com"


@covers("integrations.delete.used-by-an-evaluator-409")
def test_integrations__delete__used_by_an_evaluator_409(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/integrations", _remote("EVALUATOR", "e"))["id"]
    body = {
        "name": "remote",
        "space_id": ctx.space_id,
        "type": "REMOTE",
        "version": {"commit_message": "v", "remote_config": {"integration_id": made}},
    }
    evaluator = ctx.ok("POST", "/v2/evaluators", body)["id"]
    assert ctx.status("DELETE", f"/v2/integrations/{made}") == 409
    ctx.ok("DELETE", f"/v2/evaluators/{evaluator}")
    assert ctx.status("DELETE", f"/v2/integrations/{made}") == 204


# -- AI integrations -------------------------------------------------------------------------


def _ai(name: str = "ai", **extra: Any) -> JSON:
    body: JSON = {"name": name, "provider": "OPEN_AI", "api_key": "sk"}
    body.update(extra)
    return body


@covers("ai-integrations.create.name-unique-in-account")
def test_ai_integrations__create__name_unique_in_account(ctx: Ctx) -> None:
    ctx.ok("POST", "/v2/ai-integrations", _ai("same", scopings=[{"space_id": ctx.space_id}]))
    assert ctx.status("POST", "/v2/ai-integrations", _ai("same")) == 409


@covers("ai-integrations.create.defaults")
def test_ai_integrations__create__defaults(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/ai-integrations", _ai())
    assert (made["enable_default_models"], made["function_calling_enabled"], made["auth_type"]) == (
        False,
        True,
        "DEFAULT",
    )
    assert made["scopings"] == [] and made["has_api_key"] is True and "api_key" not in made


@covers("ai-integrations.create.provider-metadata-required")
def test_ai_integrations__create__provider_metadata_required(ctx: Ctx) -> None:
    assert ctx.status("POST", "/v2/ai-integrations", _ai(provider="AWS_BEDROCK")) == 422
    assert (
        ctx.status(
            "POST",
            "/v2/ai-integrations",
            _ai(provider="VERTEX_AI", provider_metadata={"kind": "AWS", "role_arn": "r"}),
        )
        == 422
    )


@covers("ai-integrations.update.needs-a-member")
def test_ai_integrations__update__needs_a_member(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/ai-integrations", _ai())["id"]
    assert ctx.status("PATCH", f"/v2/ai-integrations/{made}", {}) == 400


@covers("ai-integrations.update.null-api-key-removes-it")
def test_ai_integrations__update__null_api_key_removes_it(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/ai-integrations", _ai())["id"]
    kept = ctx.ok("PATCH", f"/v2/ai-integrations/{made}", {"name": "renamed"})
    assert kept["has_api_key"] is True
    removed = ctx.ok("PATCH", f"/v2/ai-integrations/{made}", {"api_key": None})
    assert removed["has_api_key"] is False


@covers("ai-integrations.update.scopings-and-metadata-replaced")
def test_ai_integrations__update__scopings_and_metadata_replaced(ctx: Ctx) -> None:
    metadata = {"kind": "GCP", "project_id": "p", "location": "l", "project_access_label": "a"}
    made = ctx.ok(
        "POST", "/v2/ai-integrations", _ai(provider="VERTEX_AI", provider_metadata=metadata)
    )["id"]
    other = ctx.space("s2")
    patch = {
        "scopings": [{"space_id": other}],
        "provider_metadata": {
            "kind": "GCP",
            "project_id": "q",
            "location": "m",
            "project_access_label": "b",
        },
    }
    changed = ctx.ok("PATCH", f"/v2/ai-integrations/{made}", patch)
    assert [s["space_id"] for s in changed["scopings"]] == [other]
    assert changed["provider_metadata"]["project_id"] == "q"


@covers("ai-integrations.update.name-unique-in-account")
def test_ai_integrations__update__name_unique_in_account(ctx: Ctx) -> None:
    ctx.ok("POST", "/v2/ai-integrations", _ai("taken"))
    mine = ctx.ok("POST", "/v2/ai-integrations", _ai("mine"))["id"]
    assert ctx.status("PATCH", f"/v2/ai-integrations/{mine}", {"name": "taken"}) == 409


@covers("webhooks.create-subscription.source-updaters-only")
def test_webhooks__create_subscription__source_updaters_only(ctx: Ctx) -> None:
    member, reader = ctx.key("member"), ctx.key("read-only")
    body = {
        "webhook_id": ctx.world["webhook_id"],
        "source_type": "PROMPT",
        "source_id": ctx.world["prompt_id"],
        "event": "PROMPT_VERSION_LABELED",
    }
    assert ctx.status("POST", "/v2/webhook-subscriptions", body, key=reader) == 403
    assert ctx.status("POST", "/v2/webhook-subscriptions", body, key=member) == 201
    space = {
        **body,
        "source_type": "SPACE",
        "source_id": ctx.space_id,
        "event": "ONLINE_TASK_RUN_FAILED",
    }
    assert ctx.status("POST", "/v2/webhook-subscriptions", space, key=member) == 403
    assert ctx.status("POST", "/v2/webhook-subscriptions", space) == 201


@covers("webhooks.delete-subscription.source-updaters-only")
def test_webhooks__delete_subscription__source_updaters_only(ctx: Ctx) -> None:
    subscription = ctx.world["subscription_id"]  # on the world's prompt
    assert (
        ctx.status("DELETE", f"/v2/webhook-subscriptions/{subscription}", key=ctx.key("read-only"))
        == 403
    )
    assert (
        ctx.status("DELETE", f"/v2/webhook-subscriptions/{subscription}", key=ctx.key("none"))
        == 404
    )
    assert (
        ctx.status("DELETE", f"/v2/webhook-subscriptions/{subscription}", key=ctx.key("member"))
        == 204
    )
    assert ctx.status("GET", f"/v2/webhooks/{ctx.world['webhook_id']}") == 200  # the webhook stays


@covers("webhooks.get-subscription.unreadable-source-404")
def test_webhooks__get_subscription__unreadable_source_404(ctx: Ctx) -> None:
    subscription = ctx.world["subscription_id"]
    ctx.ok("POST", "/v2/resource-restrictions", {"resource_id": ctx.world["prompt_id"]})
    assert (
        ctx.status("GET", f"/v2/webhook-subscriptions/{subscription}", key=ctx.key("member")) == 404
    )
    assert ctx.status("GET", f"/v2/webhook-subscriptions/{subscription}") == 200


@covers("dashboards.get-widget.of-its-dashboard")
def test_dashboards__get_widget__of_its_dashboard(ctx: Ctx) -> None:
    first = ctx.mock.add_dashboard(ctx.space_id, "first")
    second = ctx.mock.add_dashboard(ctx.space_id, "second")
    widget = first["widgets"][0]["id"]
    assert ctx.status("GET", f"/v2/dashboards/{first['id']}/widgets/{widget}") == 200
    assert ctx.status("GET", f"/v2/dashboards/{second['id']}/widgets/{widget}") == 404


@covers("dashboards.get-widget.dashboard-readers-only")
def test_dashboards__get_widget__dashboard_readers_only(ctx: Ctx) -> None:
    dashboard = ctx.mock.add_dashboard(ctx.space_id, "private")
    path = f"/v2/dashboards/{dashboard['id']}/widgets/{dashboard['widgets'][0]['id']}"
    member = ctx.key("member")
    assert ctx.status("GET", path, key=member) == 200
    ctx.ok("POST", "/v2/resource-restrictions", {"resource_id": dashboard["id"]})
    assert ctx.status("GET", path, key=member) == 404
    assert ctx.status("GET", path, key=ctx.key("none")) == 404
