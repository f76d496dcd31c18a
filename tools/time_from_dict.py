"""Time ``from_dict`` on two typical answers: one ``Dataset`` and a 500-example page.

    python tools/time_from_dict.py

Prints the best of 5 timeit runs per call, in microseconds; used to show what the strict
member checks of templates/model.py.jinja cost (issue 16).
"""

from __future__ import annotations

import timeit

from arize_api.models import Dataset, ListDatasetExamplesResponse

STAMP = "2026-01-02T03:04:05.123456Z"
DATASET = {
    "id": "RGF0YXNldDox",
    "name": "evals",
    "space_id": "U3BhY2U6MQ==",
    "created_at": STAMP,
    "updated_at": STAMP,
    "versions": [
        {"id": f"v{i}", "name": f"version {i}", "dataset_id": "RGF0YXNldDox", "created_at": STAMP,
         "updated_at": STAMP}
        for i in range(3)
    ],
}  # fmt: skip
PAGE = {
    "examples": [
        {"id": f"ex-{i}", "created_at": STAMP, "updated_at": STAMP, "question": f"{i}+{i}?",
         "answer": str(2 * i), "score": i / 7}
        for i in range(500)
    ],
    "pagination": {"has_more": True, "next_cursor": "abc"},
}  # fmt: skip


def best(call: object, number: int) -> float:
    """Microseconds per call, best of 5 runs of ``number`` calls."""
    return min(timeit.repeat(call, number=number, repeat=5)) / number * 1e6  # type: ignore[arg-type]


def main() -> None:
    Dataset.from_dict(DATASET)
    ListDatasetExamplesResponse.from_dict(PAGE)
    dataset = best(lambda: Dataset.from_dict(DATASET), 20_000)
    page = best(lambda: ListDatasetExamplesResponse.from_dict(PAGE), 200)
    print(f"Dataset.from_dict: {dataset:.2f} us")
    print(f"ListDatasetExamplesResponse.from_dict (500 examples): {page:.0f} us")


if __name__ == "__main__":
    main()
