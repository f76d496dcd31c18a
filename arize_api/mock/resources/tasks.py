"""Tasks (online evaluations and experiment runs) and their runs.

A task runs on a project (its spans) or a dataset (its experiments, or new ones), never
both. Evaluation tasks name evaluators of their space; RUN_EXPERIMENT tasks carry a run
configuration instead. Triggering starts a run (409 while another is in progress); a
RUN_EXPERIMENT trigger also creates the experiment it names (409 if the dataset has one of
that name), with a run per example. A run is RUNNING until ``MockState.task_run_seconds``
of mock time have passed, then COMPLETED with every item a success; cancelling an unfinished
run makes it CANCELLED, and cancelling a finished one is a 400. A task names each evaluator
once; a dataset evaluation task names experiments and takes no sampling_rate or
is_continuous; members of another task type than the task's are a 400 on update and trigger.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..engine import KINDS, Behaviour, Placement
from ..models import Document, rfc3339
from ..problems import bad_request, conflict, errors_member, not_found, unprocessable
from . import spans
from .experiments import dataset_for, start_experiment

__all__ = ["Runs", "Tasks", "in_project_or_dataset"]

JSON = dict[str, Any]
RUN_EXPERIMENT = "RUN_EXPERIMENT"
UNFINISHED = ("PENDING", "RUNNING")


def in_project_or_dataset(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """In the space of the body's ``project_id`` or ``dataset_id`` (exactly one), owned by it."""
    project_id, dataset_id = body.get("project_id"), body.get("dataset_id")
    if (project_id is None) == (dataset_id is None):
        raise unprocessable("a task runs on a project_id or on a dataset_id: give exactly one")
    if project_id is not None:
        project = spans.project_for(call, str(project_id), action)
        return Placement((project.space_id,), (project.id,))
    dataset = dataset_for(call, str(dataset_id), action)
    return Placement((dataset.space_id,), (dataset.id,))


EVALUATION_TRIGGER = frozenset(
    {"data_start_time", "data_end_time", "max_spans", "override_evaluations", "experiment_ids"}
)
PROJECT_ONLY = ("sampling_rate", "is_continuous")
EVALUATION_UPDATE = frozenset(
    {"name", "sampling_rate", "is_continuous", "query_filter", "query_filters", "evaluators"}
)


def _check_fields(task: Document, body: Mapping[str, Any], evaluation: frozenset[str]) -> None:
    """400 for members the task's type does not take (``evaluation``: what evaluation tasks
    take; RUN_EXPERIMENT tasks take none of those but the name)."""
    if task.data["type"] == RUN_EXPERIMENT:
        wrong = [key for key in body if key in evaluation and key != "name"]
    else:
        wrong = [key for key in body if key not in evaluation]
    if wrong:
        raise bad_request(f"not applicable to a {task.data['type']} task: {', '.join(wrong)}")


class Tasks(Behaviour):
    """Evaluators of the task's space; the members each task type has; its last run."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if doc is not None:
            _check_fields(doc, call.body, EVALUATION_UPDATE)
        ids = [str(item["evaluator_id"]) for item in data.get("evaluators") or []]
        if len(set(ids)) != len(ids):
            raise unprocessable("a task names each evaluator once")
        if data.get("dataset_id") and data["type"] != RUN_EXPERIMENT:
            if not data.get("experiment_ids"):
                raise unprocessable("a dataset task names at least one of its experiment_ids")
            if doc is None and (given := [key for key in PROJECT_ONLY if key in call.body]):
                raise unprocessable(f"only project tasks take {', '.join(given)}")
        if data["type"] == RUN_EXPERIMENT:
            if data.get("evaluators"):
                raise unprocessable("RUN_EXPERIMENT tasks have a run_configuration, not evaluators")
        elif data.get("run_configuration") is not None:
            raise unprocessable("only RUN_EXPERIMENT tasks have a run_configuration")
        problems = []
        for index, item in enumerate(data.get("evaluators") or []):
            evaluator = call.state.document("evaluator", str(item["evaluator_id"]))
            if evaluator is None or evaluator.scope != where.scope:
                problems.append((f"/evaluators/{index}/evaluator_id", "no such evaluator here"))
            elif (version_id := item.get("evaluator_version_id")) is not None:
                version = call.state.document("evaluator_version", str(version_id))
                if version is None or evaluator.id not in version.owners:
                    where_ = f"/evaluators/{index}/evaluator_version_id"
                    problems.append((where_, "no such version of the evaluator"))
        owner = where.owners[0]
        for index, experiment_id in enumerate(data.get("experiment_ids") or []):
            experiment = call.state.experiments.get(str(experiment_id))
            if experiment is None or experiment.dataset_id != owner:
                problems.append((f"/experiment_ids/{index}", "no such experiment of the dataset"))
        if problems:
            detail = "; ".join(f"{p}: {m}" for p, m in problems[:3])
            raise unprocessable(detail, errors=errors_member(problems[:10]))
        if doc is None:
            data.setdefault("is_continuous", False)
            data.setdefault("query_filter", None)
            data.setdefault("experiment_ids", [])
            data.setdefault("evaluators", [])

    def view(self, call: Call, doc: Document) -> JSON:
        evaluators = call.state.store("evaluator")
        shown = []
        for item in doc.data.get("evaluators") or []:
            evaluator = evaluators.get(item["evaluator_id"])
            shown.append(
                {
                    "evaluator_version_id": None,
                    "query_filter": None,
                    "column_mappings": None,
                    **item,
                    "evaluator_name": evaluator.name if evaluator else "",
                }
            )
        runs = _runs(call, doc)
        return {
            "evaluators": shown,
            "last_run_at": runs[-1].data["run_started_at"] if runs else None,
        }


def _runs(call: Call, task: Document) -> list[Document]:
    return [r for r in call.state.store("task_run").values() if task.id in r.owners]


class Runs(Behaviour):
    """A run's status moves with the mock clock (see the module docstring)."""

    def view(self, call: Call, doc: Document) -> JSON:
        if doc.data["status"] != "RUNNING":
            return {}
        started = datetime.fromisoformat(doc.data["run_started_at"])
        finished = started + timedelta(seconds=call.state.task_run_seconds)
        if call.state.now() < finished:
            return {}
        return {
            "status": "COMPLETED",
            "run_finished_at": rfc3339(finished),
            "num_successes": doc.private.get("items", 0),
        }


def _status(call: Call, run: Document) -> str:
    return str(KINDS["task_run"].view(call, run)["status"])


@handles("triggerTaskRun")
def trigger(call: Call) -> Any:
    task = KINDS["task"].get(call, Action.WRITE)
    body: JSON = call.body or {}
    _check_fields(task, body, EVALUATION_TRIGGER)
    if any(_status(call, run) in UNFINISHED for run in _runs(call, task)):
        raise conflict("a run of this task is in progress; wait for it or cancel it")
    experiment_id, items = None, 0
    if task.data["type"] == RUN_EXPERIMENT:
        experiment_id, items = _experiment(call, task, body)
    elif task.data.get("project_id"):
        found = spans.in_window(
            call, task.data["project_id"], body.get("data_start_time"), body.get("data_end_time")
        )
        items = min(len(found), body.get("max_spans") or len(found))
    else:
        chosen = body.get("experiment_ids") or task.data.get("experiment_ids") or []
        items = sum(
            len(e.runs) for key in chosen if (e := call.state.experiments.get(key)) is not None
        )
    run = call.state.add_document(
        "task_run",
        {
            "task_id": task.id,
            "experiment_id": experiment_id,
            "status": "RUNNING",
            "run_started_at": rfc3339(call.state.now()),
            "run_finished_at": None,
            "data_start_time": body.get("data_start_time"),
            "data_end_time": body.get("data_end_time"),
            "num_successes": 0,
            "num_errors": 0,
            "num_skipped": 0,
            "created_by_user_id": call.principal.id,
            "failure_reason": None,
        },
        type_name="TaskRun",
        scope=task.scope,
        owners=(task.id,),
    )
    run.private["items"] = items
    return call.render(KINDS["task_run"].view(call, run))


def _experiment(call: Call, task: Document, body: JSON) -> tuple[str, int]:
    """The experiment a RUN_EXPERIMENT trigger creates: a run per chosen example."""
    if "experiment_name" not in body:
        raise unprocessable("a RUN_EXPERIMENT task run needs an experiment_name")
    if body.get("example_ids") and body.get("max_examples") is not None:
        raise unprocessable("give example_ids or max_examples, not both")
    dataset = dataset_for(call, task.data["dataset_id"], Action.WRITE)
    version = dataset.version(body.get("dataset_version_id"))
    if version is None:
        raise not_found("dataset version")
    wanted = list(body.get("example_ids") or version.examples)
    if missing := [key for key in wanted if key not in version.examples]:
        raise unprocessable(f"no such example(s) in the dataset version: {missing[:10]}")
    wanted = wanted[: body.get("max_examples") or len(wanted)]
    runs = [{"example_id": key, "output": f"(mock output for {key})"} for key in wanted]
    space = call.state.spaces[dataset.space_id]
    experiment = start_experiment(
        call, space, dataset, body["experiment_name"], runs, version_id=version.id
    )
    return experiment.id, len(runs)


@handles("cancelTaskRun")
def cancel(call: Call) -> Any:
    run = KINDS["task_run"].get(call, Action.WRITE)
    if _status(call, run) not in UNFINISHED:
        raise bad_request(
            f"only a pending or running run can be cancelled (it is {_status(call, run)})"
        )
    run.data["status"] = "CANCELLED"
    run.data["run_finished_at"] = rfc3339(call.state.now())
    return call.render(KINDS["task_run"].view(call, run))
