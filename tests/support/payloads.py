"""Answers as the server sends them, for the tests that script a server by hand."""

from __future__ import annotations

from typing import Any

SPACE_ID = "U3BhY2U6MQ=="


def dataset_json(dataset_id: str = "d1", name: str | None = None) -> dict[str, Any]:
    """A `Dataset`; its name repeats the id unless given, so answers can be matched."""
    return {
        "id": dataset_id,
        "name": name if name is not None else f"name of {dataset_id}",
        "space_id": SPACE_ID,
        "created_at": "2024-05-01T12:00:00Z",
        "updated_at": "2024-05-02T12:00:00Z",
    }


def example_json(example_id: str) -> dict[str, Any]:
    """A `DatasetExample`."""
    return {
        "id": example_id,
        "created_at": "2024-05-01T12:00:00Z",
        "updated_at": "2024-05-02T12:00:00Z",
    }
