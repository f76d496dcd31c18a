"""Rules of tasks and their runs, one test each over HTTP."""

from __future__ import annotations

from typing import Any

from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]


def _body(ctx: Ctx, **extra: Any) -> JSON:
    body: JSON = {
        "name": "t",
        "type": "TEMPLATE_EVALUATION",
        "project_id": ctx.world["project_id"],
        "evaluators": [{"evaluator_id": ctx.world["evaluator_id"]}],
    }
    body.update(extra)
    return body


def _task(ctx: Ctx, **extra: Any) -> JSON:
    return dict(ctx.ok("POST", "/v2/tasks", _body(ctx, **extra)))


def _llm_generation(ctx: Ctx) -> JSON:
    return {
        "experiment_type": "LLM_GENERATION",
        "ai_integration_id": ctx.world["ai_integration_id"],
        "messages": [{"role": "USER", "content": "{question}"}],
        "input_variable_format": "F_STRING",
    }


def _experiment_task(ctx: Ctx) -> JSON:
    config = _llm_generation(ctx)
    body = {
        "name": "runner",
        "type": "RUN_EXPERIMENT",
        "dataset_id": ctx.world["dataset_id"],
        "run_configuration": config,
    }
    response = ctx.call("POST", "/v2/tasks", body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@covers("tasks.create.at-least-one-evaluator")
def test_tasks__create__at_least_one_evaluator(ctx: Ctx) -> None:
    assert ctx.status("POST", "/v2/tasks", _body(ctx, evaluators=[])) == 422


@covers("tasks.create.evaluators-once")
def test_tasks__create__evaluators_once(ctx: Ctx) -> None:
    item = {"evaluator_id": ctx.world["evaluator_id"]}
    assert ctx.status("POST", "/v2/tasks", _body(ctx, evaluators=[item, item])) == 422


@covers("tasks.create.dataset-task-names-experiments")
def test_tasks__create__dataset_task_names_experiments(ctx: Ctx) -> None:
    body = _body(ctx, dataset_id=ctx.world["dataset_id"])
    del body["project_id"]
    assert ctx.status("POST", "/v2/tasks", body) == 422
    body["experiment_ids"] = [ctx.world["experiment_id"]]
    assert ctx.status("POST", "/v2/tasks", body) == 201


@covers("tasks.create.sampling-and-continuous-on-projects-only")
def test_tasks__create__sampling_and_continuous_on_projects_only(ctx: Ctx) -> None:
    body = _body(
        ctx,
        dataset_id=ctx.world["dataset_id"],
        experiment_ids=[ctx.world["experiment_id"]],
        is_continuous=True,
    )
    del body["project_id"]
    assert ctx.status("POST", "/v2/tasks", body) == 422
    assert ctx.status("POST", "/v2/tasks", _body(ctx, is_continuous=True, sampling_rate=0.5)) == 201


@covers("tasks.create.project-or-dataset")
def test_tasks__create__project_or_dataset(ctx: Ctx) -> None:
    both = _body(
        ctx, dataset_id=ctx.world["dataset_id"], experiment_ids=[ctx.world["experiment_id"]]
    )
    assert ctx.status("POST", "/v2/tasks", both) == 422


@covers("tasks.create.system-fields-rejected")
def test_tasks__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at", "updated_at"):
        assert ctx.status("POST", "/v2/tasks", _body(ctx, **{member: "x"})) in (400, 422)


@covers("tasks.create.pinned-version-of-its-evaluator")
def test_tasks__create__pinned_version_of_its_evaluator(ctx: Ctx) -> None:
    other = ctx.world["prompt_version_id"]  # not a version of the evaluator
    item = {"evaluator_id": ctx.world["evaluator_id"], "evaluator_version_id": other}
    assert ctx.status("POST", "/v2/tasks", _body(ctx, evaluators=[item])) == 422
    item["evaluator_version_id"] = ctx.world["evaluator_version_id"]
    assert ctx.status("POST", "/v2/tasks", _body(ctx, evaluators=[item])) == 201


@covers("tasks.create.latest-version-by-default")
def test_tasks__create__latest_version_by_default(ctx: Ctx) -> None:
    assert _task(ctx)["evaluators"][0]["evaluator_version_id"] is None


@covers("tasks.create.run-experiment-needs-run-configuration")
def test_tasks__create__run_experiment_needs_run_configuration(ctx: Ctx) -> None:
    body = {"name": "r", "type": "RUN_EXPERIMENT", "dataset_id": ctx.world["dataset_id"]}
    assert ctx.status("POST", "/v2/tasks", body) in (400, 422)


@covers("tasks.update.needs-a-member")
def test_tasks__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/tasks/{_task(ctx)['id']}", {}) == 400


@covers("tasks.update.evaluators-replaced")
def test_tasks__update__evaluators_replaced(ctx: Ctx) -> None:
    task = _task(ctx)
    item = {
        "evaluator_id": ctx.world["evaluator_id"],
        "evaluator_version_id": ctx.world["evaluator_version_id"],
    }
    changed = ctx.ok("PATCH", f"/v2/tasks/{task['id']}", {"evaluators": [item]})
    assert [e["evaluator_version_id"] for e in changed["evaluators"]] == [
        ctx.world["evaluator_version_id"]
    ]
    renamed = ctx.ok("PATCH", f"/v2/tasks/{task['id']}", {"name": "renamed"})
    assert renamed["evaluators"] == changed["evaluators"]  # omitted: left as they were


@covers("tasks.update.other-types-fields-400")
def test_tasks__update__other_types_fields_400(ctx: Ctx) -> None:
    task = _task(ctx)
    config = _llm_generation(ctx)
    assert ctx.status("PATCH", f"/v2/tasks/{task['id']}", {"run_configuration": config}) == 400
    runner = _experiment_task(ctx)
    assert ctx.status("PATCH", f"/v2/tasks/{runner['id']}", {"sampling_rate": 0.5}) == 400


@covers("tasks.trigger.other-types-fields-400")
def test_tasks__trigger__other_types_fields_400(ctx: Ctx) -> None:
    task = _task(ctx)
    assert ctx.status("POST", f"/v2/tasks/{task['id']}/trigger", {"experiment_name": "x"}) == 400
    runner = _experiment_task(ctx)
    body = {"experiment_name": "x", "max_spans": 3}
    assert ctx.status("POST", f"/v2/tasks/{runner['id']}/trigger", body) == 400


@covers("tasks.trigger.empty-body-for-evaluations")
def test_tasks__trigger__empty_body_for_evaluations(ctx: Ctx) -> None:
    task = _task(ctx)
    run = ctx.call("POST", f"/v2/tasks/{task['id']}/trigger", {})
    assert run.status_code == 201 and run.json()["task_id"] == task["id"]


@covers("tasks.trigger.run-experiment-needs-a-name")
def test_tasks__trigger__run_experiment_needs_a_name(ctx: Ctx) -> None:
    runner = _experiment_task(ctx)
    assert ctx.status("POST", f"/v2/tasks/{runner['id']}/trigger", {"max_examples": 1}) in (
        400,
        422,
    )
    run = ctx.ok("POST", f"/v2/tasks/{runner['id']}/trigger", {"experiment_name": "made"})
    assert ctx.status("GET", f"/v2/experiments/{run['experiment_id']}") == 200


@covers("tasks.trigger.example-ids-or-max-examples")
def test_tasks__trigger__example_ids_or_max_examples(ctx: Ctx) -> None:
    runner = _experiment_task(ctx)
    body = {"experiment_name": "x", "example_ids": [ctx.world["example_id"]], "max_examples": 1}
    assert ctx.status("POST", f"/v2/tasks/{runner['id']}/trigger", body) == 422


@covers("tasks.trigger.one-run-at-a-time")
def test_tasks__trigger__one_run_at_a_time(ctx: Ctx) -> None:
    task = _task(ctx)
    ctx.ok("POST", f"/v2/tasks/{task['id']}/trigger", {})
    assert ctx.status("POST", f"/v2/tasks/{task['id']}/trigger", {}) == 409


@covers("tasks.cancel-run.unfinished-only")
def test_tasks__cancel_run__unfinished_only(ctx: Ctx) -> None:
    run = ctx.world["task_run_id"]
    cancelled = ctx.ok("POST", f"/v2/task-runs/{run}/cancel")
    assert cancelled["status"] == "CANCELLED"
    assert ctx.status("POST", f"/v2/task-runs/{run}/cancel") == 400


@covers("tasks.get-run.completes-in-mock-time")
def test_tasks__get_run__completes_in_mock_time(ctx: Ctx) -> None:
    run = ctx.world["task_run_id"]
    assert ctx.ok("GET", f"/v2/task-runs/{run}")["status"] == "RUNNING"
    with ctx.mock.state.lock:
        ctx.mock.state.task_run_seconds = 0
    assert ctx.ok("GET", f"/v2/task-runs/{run}")["status"] == "COMPLETED"


@covers("tasks.delete.takes-its-runs")
def test_tasks__delete__takes_its_runs(ctx: Ctx) -> None:
    task, run = ctx.world["task_id"], ctx.world["task_run_id"]
    assert ctx.status("DELETE", f"/v2/tasks/{task}") == 204
    assert ctx.status("GET", f"/v2/task-runs/{run}") == 404


@covers("tasks.list.filters-by-project-and-type")
def test_tasks__list__filters_by_project_and_type(ctx: Ctx) -> None:
    task = _task(ctx)
    runner = _experiment_task(ctx)
    by_project = ctx.ok("GET", "/v2/tasks", params={"project_id": ctx.world["project_id"]})["tasks"]
    assert task["id"] in [t["id"] for t in by_project] and runner["id"] not in [
        t["id"] for t in by_project
    ]
    by_type = ctx.ok("GET", "/v2/tasks", params={"type": "RUN_EXPERIMENT"})["tasks"]
    assert [t["id"] for t in by_type] == [runner["id"]]
