"""Datasets: CRUDL and tags, plus the version and row rules their examples follow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..crud import Collection, check_name, in_spaces, space_for, tag_handlers
from ..models import Dataset, DatasetVersion, Example
from ..problems import errors_member, unprocessable
from ..state import MockState

DATASETS: Collection[Dataset] = Collection(
    what="dataset",
    plural="datasets",
    id_param="dataset_id",
    store=lambda state: state.datasets,
    unique_within=lambda dataset: dataset.space_id,
    newest_first=True,
)
FIRST_VERSION = "v1"
# System-managed members of an example. The reference names id, created_at and updated_at;
# annotations is reserved too because DatasetExample gives it a fixed shape.
RESERVED = ("id", "created_at", "updated_at", "annotations")


def check_rows(rows: Sequence[Mapping[str, Any]], *, allowed: Iterable[str] = ()) -> None:
    """422 unless every row has a field and sets no system-managed one (except ``allowed``)."""
    reserved = [key for key in RESERVED if key not in set(allowed)]
    problems = []
    for index, row in enumerate(rows):
        if not row:
            problems.append((f"/examples/{index}", "an example must have at least one field"))
        if bad := [key for key in reserved if key in row]:
            problems.append((f"/examples/{index}", f"system-managed field(s) not allowed: {bad}"))
    if problems:
        detail = "; ".join(f"{pointer}: {message}" for pointer, message in problems[:3])
        raise unprocessable(detail, errors=errors_member(problems[:10]))


def new_version(state: MockState, dataset: Dataset, name: str) -> DatasetVersion:
    """Append an empty version to ``dataset``."""
    now = state.now()
    version = DatasetVersion(
        id=state.ids.global_id("DatasetVersion"),
        name=name,
        dataset_id=dataset.id,
        created_at=now,
        updated_at=now,
    )
    dataset.versions.append(version)
    dataset.updated_at = now
    return version


def add_examples(
    state: MockState, version: DatasetVersion, rows: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Append ``rows`` to ``version`` in order; the new example ids."""
    now = state.now()
    ids = []
    for row in rows:
        example = Example(
            id=state.ids.ordered_uuid(),
            seq=state.next_seq(),
            created_at=now,
            updated_at=now,
            fields=dict(row),
        )
        version.examples[example.id] = example
        ids.append(example.id)
    version.updated_at = now
    return ids


@handles("listDatasets")
def list_datasets(call: Call) -> Any:
    return DATASETS.list(call, in_spaces(call, call.state.datasets.values()), _listed)


def _listed(dataset: Dataset) -> dict[str, Any]:
    """A dataset as lists show it: without its versions."""
    return {k: v for k, v in dataset.to_wire().items() if k != "versions"}


@handles("createDataset")
def create_dataset(call: Call) -> Any:
    state = call.state
    space = space_for(call, call.body["space_id"], Action.WRITE)
    name = check_name(call.body["name"], DATASETS.what)
    check_rows(call.body["examples"])
    DATASETS.ensure_unique(state, space.id, name)
    now = state.now()
    dataset = Dataset(
        id=state.ids.global_id("Dataset"),
        seq=state.next_seq(),
        name=name,
        created_at=now,
        updated_at=now,
        space_id=space.id,
    )
    add_examples(state, new_version(state, dataset, FIRST_VERSION), call.body["examples"])
    state.datasets[dataset.id] = dataset
    return dataset.to_wire()


get_dataset = DATASETS.getter("getDataset", Dataset.to_wire)
update_dataset = DATASETS.updater("updateDataset", Dataset.to_wire)
delete_dataset = DATASETS.deleter("deleteDataset", MockState.delete_dataset)
dataset_tags = tag_handlers(DATASETS, "listDatasetTags", "addDatasetTags", "removeDatasetTags")
