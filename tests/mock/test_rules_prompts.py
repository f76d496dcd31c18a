"""Rules of prompts and evaluators (and their versions), one test each over HTTP."""

from __future__ import annotations

from typing import Any

from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

MISSING_EVALUATOR = "RXZhbHVhdG9yOjk5OTp4eHh4"  # Evaluator:999:xxxx


def _version(message: str = "v") -> JSON:
    return {
        "commit_message": message,
        "provider": "OPEN_AI",
        "messages": [{"role": "USER", "content": "hi {name}"}],
    }


def _prompt(ctx: Ctx, name: str = "p") -> JSON:
    return dict(
        ctx.ok(
            "POST", "/v2/prompts", {"name": name, "space_id": ctx.space_id, "version": _version()}
        )
    )


def _labels(ctx: Ctx, prompt: str) -> dict[str, list[str]]:
    versions = ctx.ok("GET", f"/v2/prompts/{prompt}/versions")["prompt_versions"]
    return {v["id"]: v["labels"] for v in versions}


# -- prompts -------------------------------------------------------------------------------


@covers("prompts.create.name-unique-in-space")
def test_prompts__create__name_unique_in_space(ctx: Ctx) -> None:
    _prompt(ctx, "same")
    body = {"name": "same", "space_id": ctx.space_id, "version": _version()}
    assert ctx.status("POST", "/v2/prompts", body) == 409
    assert ctx.status("POST", "/v2/prompts", {**body, "space_id": ctx.space("s2")}) == 201


@covers("prompts.create.at-least-one-message")
def test_prompts__create__at_least_one_message(ctx: Ctx) -> None:
    body = {"name": "p", "space_id": ctx.space_id, "version": {**_version(), "messages": []}}
    assert ctx.status("POST", "/v2/prompts", body) == 422


@covers("prompts.create.with-a-first-version")
def test_prompts__create__with_a_first_version(ctx: Ctx) -> None:
    prompt = _prompt(ctx)
    assert prompt["version"]["commit_message"] == "v"
    assert len(_labels(ctx, prompt["id"])) == 1


@covers("prompts.create-version.commit-message-required")
def test_prompts__create_version__commit_message_required(ctx: Ctx) -> None:
    prompt = _prompt(ctx)["id"]
    body = {k: v for k, v in _version().items() if k != "commit_message"}
    assert ctx.status("POST", f"/v2/prompts/{prompt}/versions", body) == 400


@covers("prompts.create-version.system-fields-rejected")
def test_prompts__create_version__system_fields_rejected(ctx: Ctx) -> None:
    prompt = _prompt(ctx)["id"]
    for member in ("id", "commit_hash", "created_at", "created_by_user_id"):
        body = {**_version(), member: "x"}
        assert ctx.status("POST", f"/v2/prompts/{prompt}/versions", body) == 422


@covers("prompts.create-version.variable-format-defaults-f-string")
def test_prompts__create_version__variable_format_defaults_f_string(ctx: Ctx) -> None:
    prompt = _prompt(ctx)["id"]
    version = ctx.ok("POST", f"/v2/prompts/{prompt}/versions", _version())
    assert version["input_variable_format"] == "F_STRING"


@covers("prompts.create-version.becomes-the-latest")
def test_prompts__create_version__becomes_the_latest(ctx: Ctx) -> None:
    prompt = _prompt(ctx)["id"]
    version = ctx.ok("POST", f"/v2/prompts/{prompt}/versions", _version("second"))
    assert ctx.ok("GET", f"/v2/prompts/{prompt}")["version"]["id"] == version["id"]


@covers("prompts.get.version-id-or-label-not-both")
def test_prompts__get__version_id_or_label_not_both(ctx: Ctx) -> None:
    prompt = _prompt(ctx)
    params = {"version_id": prompt["version"]["id"], "label": "production"}
    assert ctx.status("GET", f"/v2/prompts/{prompt['id']}", params=params) == 400


@covers("prompts.get.resolves-version-or-label")
def test_prompts__get__resolves_version_or_label(ctx: Ctx) -> None:
    prompt = _prompt(ctx)
    first = prompt["version"]["id"]
    second = ctx.ok("POST", f"/v2/prompts/{prompt['id']}/versions", _version("2"))["id"]
    ctx.ok("PUT", f"/v2/prompt-versions/{first}/labels", {"labels": ["stable"]})
    path = f"/v2/prompts/{prompt['id']}"
    assert ctx.ok("GET", path)["version"]["id"] == second
    assert ctx.ok("GET", path, params={"label": "stable"})["version"]["id"] == first
    assert ctx.ok("GET", path, params={"version_id": first})["version"]["id"] == first
    assert ctx.status("GET", path, params={"label": "nope"}) == 404


@covers("prompts.set-labels.replaces-the-versions-labels")
def test_prompts__set_labels__replaces_the_versions_labels(ctx: Ctx) -> None:
    prompt = _prompt(ctx)
    version = prompt["version"]["id"]
    path = f"/v2/prompt-versions/{version}/labels"
    ctx.ok("PUT", path, {"labels": ["a", "b"]})
    assert ctx.ok("PUT", path, {"labels": ["b", "c"]})["labels"] == ["b", "c"]
    assert ctx.ok("PUT", path, {"labels": ["b", "c"]})["labels"] == ["b", "c"]  # idempotent


@covers("prompts.set-labels.moves-from-other-versions")
def test_prompts__set_labels__moves_from_other_versions(ctx: Ctx) -> None:
    prompt = _prompt(ctx)
    first = prompt["version"]["id"]
    second = ctx.ok("POST", f"/v2/prompts/{prompt['id']}/versions", _version("2"))["id"]
    ctx.ok("PUT", f"/v2/prompt-versions/{first}/labels", {"labels": ["production", "x"]})
    ctx.ok("PUT", f"/v2/prompt-versions/{second}/labels", {"labels": ["production"]})
    assert _labels(ctx, prompt["id"]) == {second: ["production"], first: ["x"]}
    label = ctx.ok("GET", f"/v2/prompts/{prompt['id']}/labels/production")
    assert label["id"] == second


@covers("prompts.delete-label.removes-only-it")
def test_prompts__delete_label__removes_only_it(ctx: Ctx) -> None:
    version = _prompt(ctx)["version"]["id"]
    ctx.ok("PUT", f"/v2/prompt-versions/{version}/labels", {"labels": ["a", "b"]})
    assert ctx.status("DELETE", f"/v2/prompt-versions/{version}/labels/a") == 204
    assert ctx.ok("GET", f"/v2/prompt-versions/{version}")["labels"] == ["b"]
    assert ctx.status("DELETE", f"/v2/prompt-versions/{version}/labels/a") == 404


@covers("prompts.update.name-immutable")
def test_prompts__update__name_immutable(ctx: Ctx) -> None:
    prompt = _prompt(ctx)["id"]
    assert ctx.status("PATCH", f"/v2/prompts/{prompt}", {"name": "renamed"}) == 422
    changed = ctx.ok("PATCH", f"/v2/prompts/{prompt}", {"description": "d"})
    assert (changed["name"], changed["description"]) == ("p", "d")


@covers("prompts.update.touches-updated-at")
def test_prompts__update__touches_updated_at(ctx: Ctx) -> None:
    prompt = _prompt(ctx)
    changed = ctx.ok("PATCH", f"/v2/prompts/{prompt['id']}", {"description": "d"})
    assert changed["updated_at"] > prompt["updated_at"]


@covers("prompts.delete.takes-its-versions")
def test_prompts__delete__takes_its_versions(ctx: Ctx) -> None:
    prompt = _prompt(ctx)
    assert ctx.status("DELETE", f"/v2/prompts/{prompt['id']}") == 204
    assert ctx.status("GET", f"/v2/prompt-versions/{prompt['version']['id']}") == 404


# -- evaluators ------------------------------------------------------------------------------


def _template(ctx: Ctx, name: str = "quality") -> JSON:
    llm = {
        "ai_integration_id": ctx.world["ai_integration_id"],
        "model_name": "gpt-4o",
        "invocation_parameters": {},
        "provider_parameters": {},
    }
    return {
        "name": name,
        "template": "Is {output} good?",
        "include_explanations": False,
        "use_function_calling": False,
        "classification_choices": {"good": 1, "bad": 0},
        "llm_config": llm,
    }


def _evaluator(ctx: Ctx, name: str = "judge", **extra: Any) -> JSON:
    body = {
        "name": name,
        "space_id": ctx.space_id,
        "type": "TEMPLATE",
        "version": {"commit_message": "v1", "template_config": _template(ctx)},
        **extra,
    }
    return dict(ctx.ok("POST", "/v2/evaluators", body))


def _versions_path(evaluator: JSON) -> str:
    return f"/v2/evaluators/{evaluator['id']}/versions"


def _online_task(ctx: Ctx, evaluator: JSON) -> str:
    body = {
        "name": "online",
        "type": "TEMPLATE_EVALUATION",
        "project_id": ctx.world["project_id"],
        "is_continuous": True,
        "evaluators": [{"evaluator_id": evaluator["id"]}],
    }
    return str(ctx.ok("POST", "/v2/tasks", body)["id"])


@covers("evaluators.create.name-unique-in-space")
def test_evaluators__create__name_unique_in_space(ctx: Ctx) -> None:
    _evaluator(ctx, "same")
    body = {
        "name": "same",
        "space_id": ctx.space_id,
        "type": "TEMPLATE",
        "version": {"commit_message": "v", "template_config": _template(ctx)},
    }
    assert ctx.status("POST", "/v2/evaluators", body) == 409


@covers("evaluators.create.type-matches-config")
def test_evaluators__create__type_matches_config(ctx: Ctx) -> None:
    code = {
        "type": "CUSTOM",
        "name": "my_eval",
        "code": "class Evaluator: ...",
        "variables": ["input"],
    }
    body = {
        "name": "bad",
        "space_id": ctx.space_id,
        "type": "TEMPLATE",
        "version": {"commit_message": "v", "code_config": code},
    }
    assert ctx.status("POST", "/v2/evaluators", body) == 422


@covers("evaluators.create.system-fields-rejected")
def test_evaluators__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at", "updated_at", "created_by_user_id"):
        body = {
            "name": member,
            "space_id": ctx.space_id,
            "type": "TEMPLATE",
            member: "x",
            "version": {"commit_message": "v", "template_config": _template(ctx)},
        }
        assert ctx.status("POST", "/v2/evaluators", body) == 422


@covers("evaluators.create.template-column-name-pattern")
def test_evaluators__create__template_column_name_pattern(ctx: Ctx) -> None:
    body = {
        "name": "e",
        "space_id": ctx.space_id,
        "type": "TEMPLATE",
        "version": {"commit_message": "v", "template_config": _template(ctx, "bad/name!")},
    }
    assert ctx.status("POST", "/v2/evaluators", body) == 422
    body["version"]["template_config"] = _template(ctx, "ok name-1 & (x)")  # type: ignore[index]
    assert ctx.status("POST", "/v2/evaluators", body) == 201


@covers("evaluators.create.template-needs-classification-choices")
def test_evaluators__create__template_needs_classification_choices(ctx: Ctx) -> None:
    config = {k: v for k, v in _template(ctx).items() if k != "classification_choices"}
    body = {
        "name": "e",
        "space_id": ctx.space_id,
        "type": "TEMPLATE",
        "version": {"commit_message": "v", "template_config": config},
    }
    assert ctx.status("POST", "/v2/evaluators", body) == 422


@covers("evaluators.create-version.becomes-the-latest")
def test_evaluators__create_version__becomes_the_latest(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    version = ctx.ok(
        "POST",
        _versions_path(evaluator),
        {"commit_message": "v2", "template_config": _template(ctx)},
    )
    assert ctx.ok("GET", f"/v2/evaluators/{evaluator['id']}")["version"]["id"] == version["id"]


@covers("evaluators.create-version.invalid-body-422")
def test_evaluators__create_version__invalid_body_422(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    assert ctx.status("POST", _versions_path(evaluator), {"template_config": _template(ctx)}) == 422
    assert (
        ctx.status(
            "POST",
            _versions_path(evaluator),
            {"commit_message": 3, "template_config": _template(ctx)},
        )
        == 422
    )


@covers("evaluators.create-version.malformed-evaluator-id-400")
def test_evaluators__create_version__malformed_evaluator_id_400(ctx: Ctx) -> None:
    body = {"commit_message": "v", "template_config": _template(ctx)}
    assert ctx.status("POST", "/v2/evaluators/not-an-id/versions", body) == 400
    assert ctx.status("POST", f"/v2/evaluators/{MISSING_EVALUATOR}/versions", body) == 404


@covers("evaluators.create-version.unknown-ai-integration-404")
def test_evaluators__create_version__unknown_ai_integration_404(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    config = _template(ctx)
    config["llm_config"]["ai_integration_id"] = "QWlJbnRlZ3JhdGlvbjo5OTk6eHh4eA=="
    body = {"commit_message": "v", "template_config": config}
    assert ctx.status("POST", _versions_path(evaluator), body) == 404


@covers("evaluators.create-version.remote-needs-an-evaluator-integration")
def test_evaluators__create_version__remote_needs_an_evaluator_integration(ctx: Ctx) -> None:
    llm = ctx.world["integration_id"]  # an LLM integration
    body = {
        "name": "remote",
        "space_id": ctx.space_id,
        "type": "REMOTE",
        "version": {"commit_message": "v", "remote_config": {"integration_id": llm}},
    }
    assert ctx.status("POST", "/v2/evaluators", body) == 422
    body["version"]["remote_config"]["integration_id"] = "SW50ZWdyYXRpb246OTk5Onh4eHg="  # type: ignore[index]
    assert ctx.status("POST", "/v2/evaluators", body) == 404


@covers("evaluators.get.resolves-a-version")
def test_evaluators__get__resolves_a_version(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    first = evaluator["version"]["id"]
    ctx.ok(
        "POST",
        _versions_path(evaluator),
        {"commit_message": "v2", "template_config": _template(ctx)},
    )
    shown = ctx.ok("GET", f"/v2/evaluators/{evaluator['id']}", params={"version_id": first})
    assert shown["version"]["id"] == first


@covers("evaluators.update.needs-a-member")
def test_evaluators__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/evaluators/{_evaluator(ctx)['id']}", {}) == 400


@covers("evaluators.update.name-unique-in-space")
def test_evaluators__update__name_unique_in_space(ctx: Ctx) -> None:
    _evaluator(ctx, "taken")
    mine = _evaluator(ctx, "mine")["id"]
    assert ctx.status("PATCH", f"/v2/evaluators/{mine}", {"name": "taken"}) == 409
    assert ctx.ok("PATCH", f"/v2/evaluators/{mine}", {"description": "d"})["name"] == "mine"


@covers("evaluators.update.system-fields-fixed")
def test_evaluators__update__system_fields_fixed(ctx: Ctx) -> None:
    mine = _evaluator(ctx)["id"]
    for member in ("type", "space_id", "created_at"):
        assert ctx.status("PATCH", f"/v2/evaluators/{mine}", {member: "x"}) == 422


@covers("evaluators.delete.online-task-blocks-409")
def test_evaluators__delete__online_task_blocks_409(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    task = _online_task(ctx, evaluator)
    assert ctx.status("DELETE", f"/v2/evaluators/{evaluator['id']}") == 409
    ctx.ok("DELETE", f"/v2/tasks/{task}")
    assert ctx.status("DELETE", f"/v2/evaluators/{evaluator['id']}") == 204
    assert ctx.status("GET", f"/v2/evaluator-versions/{evaluator['version']['id']}") == 404


@covers("evaluators.delete-versions.partial-tolerant")
def test_evaluators__delete_versions__partial_tolerant(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    other = _evaluator(ctx, "other")
    keep = ctx.ok(
        "POST",
        _versions_path(evaluator),
        {"commit_message": "v2", "template_config": _template(ctx)},
    )
    first = evaluator["version"]["id"]
    body = {"version_ids": [first, first, other["version"]["id"]]}
    answer = ctx.ok("DELETE", _versions_path(evaluator), body)
    assert answer == {
        "completed": True,
        "deleted_version_ids": [first],
        "not_deleted_version_ids": [other["version"]["id"]],
    }
    assert ctx.status("GET", f"/v2/evaluator-versions/{keep['id']}") == 200


@covers("evaluators.delete-versions.one-to-a-hundred-400")
def test_evaluators__delete_versions__one_to_a_hundred_400(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    assert ctx.status("DELETE", _versions_path(evaluator), {"version_ids": []}) == 400
    ids = [evaluator["version"]["id"]] * 101
    assert ctx.status("DELETE", _versions_path(evaluator), {"version_ids": ids}) == 400
    assert ctx.status("DELETE", _versions_path(evaluator), {"version_ids": ["not an id"]}) == 400


@covers("evaluators.delete-versions.online-task-keeps-one-409")
def test_evaluators__delete_versions__online_task_keeps_one_409(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    only = {"version_ids": [evaluator["version"]["id"]]}
    _online_task(ctx, evaluator)
    assert ctx.status("DELETE", _versions_path(evaluator), only) == 409
    unused = _evaluator(ctx, "unused")
    assert (
        ctx.status("DELETE", _versions_path(unused), {"version_ids": [unused["version"]["id"]]})
        == 200
    )


@covers("evaluators.delete-versions.unpins-tasks")
def test_evaluators__delete_versions__unpins_tasks(ctx: Ctx) -> None:
    evaluator = _evaluator(ctx)
    pinned = evaluator["version"]["id"]
    ctx.ok(
        "POST",
        _versions_path(evaluator),
        {"commit_message": "v2", "template_config": _template(ctx)},
    )
    body = {
        "name": "pinned",
        "type": "TEMPLATE_EVALUATION",
        "project_id": ctx.world["project_id"],
        "evaluators": [{"evaluator_id": evaluator["id"], "evaluator_version_id": pinned}],
    }
    task = ctx.ok("POST", "/v2/tasks", body)["id"]
    ctx.ok("DELETE", _versions_path(evaluator), {"version_ids": [pinned]})
    assert ctx.ok("GET", f"/v2/tasks/{task}")["evaluators"][0]["evaluator_version_id"] is None
