"""Experiments and their runs. An experiment runs against a dataset version (or just lives in
a space); creating one also creates its traces project, as the service does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..annotations import annotate
from ..auth import Action
from ..call import Call, handles
from ..crud import Collection, authorized, check_name, page_of, space_for, tag_handlers
from ..filters import compile_filter
from ..models import Dataset, Experiment, Run, Space
from ..problems import errors_member, unprocessable
from ..state import MockState

EXPERIMENTS: Collection[Experiment] = Collection(
    what="experiment",
    plural="experiments",
    id_param="experiment_id",
    store=lambda state: state.experiments,
    # names are unique per dataset, or per space for experiments without a dataset
    unique_within=lambda e: e.dataset_id or e.space_id,
)
TRACES_PROJECT_TYPE = "EXPERIMENT"
RESERVED = ("id", "annotations")  # system-managed members of a run

JSON = dict[str, Any]


def dataset_for(call: Call, dataset_id: str, action: Action) -> Dataset:
    """The dataset ``dataset_id``, authorized for ``action`` (404/403 otherwise)."""
    return authorized(call, call.state.datasets, dataset_id, "dataset", action)


@handles("listExperiments")
def list_experiments(call: Call) -> Any:
    """Filtered by ``dataset_id`` or ``space_id`` (not both), or every readable one."""
    dataset_id, space_id = call.query.get("dataset_id"), call.query.get("space_id")
    if dataset_id is not None and space_id is not None:
        raise unprocessable("filter by dataset_id or by space_id, not both")
    experiments: Sequence[Experiment] = list(call.state.experiments.values())
    if dataset_id is not None:
        dataset_for(call, dataset_id, Action.READ)
        experiments = [e for e in experiments if e.dataset_id == dataset_id]
    if space_id is not None:
        space_for(call, space_id, Action.READ)
        experiments = [e for e in experiments if e.space_id == space_id]
    return EXPERIMENTS.list(call, experiments, Experiment.to_wire)


def _check_runs(call: Call, experiment: Experiment, runs: Sequence[Mapping[str, Any]]) -> None:
    """422 for reserved members, a non-text ``error``, or a run of an experiment with a
    dataset that names no ``example_id`` (which is a correlation id: never looked up)."""
    problems = []
    for index, run in enumerate(runs):
        where = f"/experiment_runs/{index}"
        if bad := [key for key in RESERVED if key in run]:
            problems.append((where, f"system-managed field(s) not allowed: {bad}"))
        if not isinstance(run.get("error"), str | None):
            problems.append((f"{where}/error", "error must be a string or null"))
        if experiment.dataset_id is not None and not run.get("example_id"):
            problems.append((f"{where}/example_id", "a run of a dataset's experiment needs one"))
    if problems:
        detail = "; ".join(f"{pointer}: {message}" for pointer, message in problems[:3])
        raise unprocessable(detail, errors=errors_member(problems[:10]))


def _add_runs(
    state: MockState, experiment: Experiment, runs: Sequence[Mapping[str, Any]]
) -> list[str]:
    ids = []
    for data in runs:
        fields = {k: v for k, v in data.items() if k not in ("example_id", "output")}
        run = Run(
            id=state.ids.ordered_uuid(),
            seq=state.next_seq(),
            example_id=data.get("example_id"),
            output=data["output"],
            fields=fields,
        )
        experiment.runs[run.id] = run
        ids.append(run.id)
    experiment.updated_at = state.now()
    return ids


@handles("createExperiment")
def create_experiment(call: Call) -> Any:
    body = call.body
    dataset_id, space_id = body.get("dataset_id"), body.get("space_id")
    if (dataset_id is None) == (space_id is None):
        raise unprocessable("an experiment needs a dataset_id or a space_id (exactly one)")
    dataset = dataset_for(call, dataset_id, Action.WRITE) if dataset_id is not None else None
    space = space_for(call, dataset.space_id if dataset else space_id, Action.WRITE)
    return start_experiment(call, space, dataset, body["name"], body["experiment_runs"]).to_wire()


def start_experiment(
    call: Call,
    space: Space,
    dataset: Dataset | None,
    name: str,
    runs: Sequence[Mapping[str, Any]],
    version_id: str | None = None,
) -> Experiment:
    """A new experiment (name unique: 409) with its traces project and ``runs``."""
    state = call.state
    check_name(name, EXPERIMENTS.what)
    now = state.now()
    experiment = Experiment(
        id=state.ids.global_id("Experiment"),
        seq=state.next_seq(),
        name=name,
        created_at=now,
        updated_at=now,
        space_id=space.id,
        dataset_id=dataset.id if dataset else None,
        dataset_version_id=(version_id or dataset.latest.id) if dataset else None,
    )
    _check_runs(call, experiment, runs)
    EXPERIMENTS.ensure_unique(state, EXPERIMENTS.unique_within(experiment), name)
    project_name = f"{name} (experiment {experiment.id})"
    experiment.traces_project_id = state.create_project(space, project_name, TRACES_PROJECT_TYPE).id
    _add_runs(state, experiment, runs)
    state.experiments[experiment.id] = experiment
    return experiment


get_experiment = EXPERIMENTS.getter("getExperiment", Experiment.to_wire)
delete_experiment = EXPERIMENTS.deleter("deleteExperiment", MockState.delete_experiment)
experiment_tags = tag_handlers(EXPERIMENTS, "listExperimentTags", "addExperimentTags")


@handles("listExperimentRuns")
def list_runs(call: Call) -> Any:
    experiment = EXPERIMENTS.get(call)
    runs = list(experiment.runs.values())
    # "a stable insertion order"
    return page_of(call, "experiment_runs", runs, order=lambda r: (r.seq,), render=Run.to_wire)


@handles("searchExperimentRuns")
def search_runs(call: Call) -> Any:
    experiment = EXPERIMENTS.get(call)
    body: JSON = call.body or {}
    keep = compile_filter(body.get("filter"), blank=False)
    items = [wire for r in experiment.runs.values() if keep(wire := r.to_wire())]
    return page_of(
        call,
        "experiment_runs",
        items,
        order=lambda run: (str(run["id"]),),  # "stable id ascending order"
        render=lambda run: run,
        limit=int(body.get("limit", 50)),
        cursor=body.get("cursor") or "",
        filters={"filter": body.get("filter")},
    )


@handles("insertExperimentRuns")
def insert_runs(call: Call) -> Any:
    experiment = EXPERIMENTS.get(call, Action.WRITE)
    _check_runs(call, experiment, call.body["experiment_runs"])
    ids = _add_runs(call.state, experiment, call.body["experiment_runs"])
    return {**experiment.to_wire(), "run_ids": ids}


@handles("annotateExperimentRuns")
def annotate_runs(call: Call) -> None:
    experiment = EXPERIMENTS.get(call, Action.ANNOTATE)

    def annotations_of(run_id: str) -> dict[str, JSON] | None:
        run = experiment.runs.get(run_id)
        return run.annotations if run else None

    annotate(call, annotations_of, "experiment run", experiment.space_id)
