"""Dataset examples: list, search, insert (in place), update (in place or as a new version),
delete and annotate. Examples keep insertion order; annotations follow an example's id
across versions."""

from __future__ import annotations

from typing import Any

from ..annotations import annotate
from ..auth import Action
from ..call import Call, handles
from ..crud import bulk_delete, check_name, page_of
from ..filters import compile_filter
from ..models import Dataset, DatasetVersion, Example, rfc3339
from ..problems import conflict, not_found, unprocessable
from .datasets import DATASETS, add_examples, check_rows, new_version

JSON = dict[str, Any]


def _version(dataset: Dataset, version_id: str | None) -> DatasetVersion:
    """The version ``version_id`` names; none or empty (``?dataset_version_id=``): the latest."""
    version = dataset.version(version_id or None)
    if version is None:
        raise not_found("dataset version")
    return version


def _with_ids(dataset: Dataset, version: DatasetVersion, example_ids: list[str]) -> JSON:
    """``DatasetVersionWithExampleIds``: the dataset, the version written and the rows."""
    return {
        "id": dataset.id,
        "name": dataset.name,
        "space_id": dataset.space_id,
        "created_at": rfc3339(dataset.created_at),
        "updated_at": rfc3339(dataset.updated_at),
        "dataset_version_id": version.id,
        "example_ids": example_ids,
    }


def _touch(call: Call, dataset: Dataset, version: DatasetVersion) -> None:
    version.updated_at = dataset.updated_at = call.state.now()


def _rendered(dataset: Dataset, version: DatasetVersion) -> list[JSON]:
    return [e.to_wire(dataset.annotations.get(e.id)) for e in version.examples.values()]


def _created_then_id(example: JSON) -> tuple[str, str]:
    """Examples list in ascending ``created_at``, ties broken by ``id``."""
    return (str(example["created_at"]), str(example["id"]))


@handles("listDatasetExamples")
def list_examples(call: Call) -> Any:
    dataset = DATASETS.get(call)
    version = _version(dataset, call.query.get("dataset_version_id"))
    items = _rendered(dataset, version)
    return page_of(call, "examples", items, order=_created_then_id, render=_same)


@handles("searchDatasetExamples")
def search_examples(call: Call) -> Any:
    dataset = DATASETS.get(call)
    body: JSON = call.body or {}
    version = _version(dataset, body.get("dataset_version_id"))
    keep = compile_filter(body.get("filter"), blank=False)
    items = [example for example in _rendered(dataset, version) if keep(example)]
    filters = {k: body.get(k) for k in ("filter", "dataset_version_id")}
    return page_of(
        call,
        "examples",
        items,
        order=_created_then_id,
        render=_same,
        limit=int(body.get("limit", 50)),
        cursor=body.get("cursor") or "",
        filters=filters,
    )


@handles("insertDatasetExamples")
def insert_examples(call: Call) -> Any:
    dataset = DATASETS.get(call, Action.WRITE)
    version = _version(dataset, call.query.get("dataset_version_id"))
    check_rows(call.body["examples"])
    ids = add_examples(call.state, version, call.body["examples"])
    _touch(call, dataset, version)
    return _with_ids(dataset, version, ids)


@handles("updateDatasetExamples")
def update_examples(call: Call) -> Any:
    """Patch rows by id; ids the version does not have are ignored, as the reference says."""
    dataset = DATASETS.get(call, Action.WRITE)
    base = _version(dataset, call.query.get("dataset_version_id"))
    rows: list[JSON] = call.body["examples"]
    check_rows(rows, allowed=("id",))
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise unprocessable("each example id may appear only once in an update")
    version = base
    if (name := call.body.get("new_version")) is not None:
        check_name(name, "dataset version")
        if any(v.name == name for v in dataset.versions):
            raise conflict(f"dataset version {name!r} already exists")
        version = new_version(call.state, dataset, name)
        version.examples = {key: example.copy() for key, example in base.examples.items()}
    now = call.state.now()
    updated = []
    for row in rows:
        example: Example | None = version.examples.get(row["id"])
        if example is None:
            continue
        example.fields.update({k: v for k, v in row.items() if k != "id"})
        example.updated_at = now
        updated.append(example.id)
    _touch(call, dataset, version)
    return _with_ids(dataset, version, updated)


@handles("deleteDatasetExamples")
def delete_examples(call: Call) -> Any:
    """Idempotent and partial-tolerant: ids not in the version are reported, not an error.
    A ``partial`` fault stops half-way and answers 503 with what was and was not deleted."""
    dataset = DATASETS.get(call, Action.WRITE)
    version = _version(dataset, call.body["dataset_version_id"])

    def delete(keys: list[str]) -> None:
        for key in keys:
            del version.examples[key]
        if keys:
            _touch(call, dataset, version)

    listed: list[str] = call.body["example_ids"]
    if len(set(listed)) != len(listed) or not all(key.strip() for key in listed):
        raise unprocessable("example_ids must not repeat an id or hold an empty one")
    return bulk_delete(call, "example", listed, version.examples, delete)


@handles("annotateDatasetExamples")
def annotate_examples(call: Call) -> None:
    dataset = DATASETS.get(call, Action.ANNOTATE)
    known = {key for version in dataset.versions for key in version.examples}

    def annotations_of(example_id: str) -> dict[str, JSON] | None:
        return dataset.annotations.setdefault(example_id, {}) if example_id in known else None

    annotate(call, annotations_of, "dataset example", dataset.space_id)


def _same(example: JSON) -> JSON:
    return example
