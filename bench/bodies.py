"""The fixed, realistic payloads the bench server sends and the clients log.

Shapes follow ``openapi.yaml``: ``Dataset`` (with three versions) for ``GET /v2/datasets/{id}``,
``ListDatasetExamplesResponse`` pages of free-form examples with an annotation each, and the
proto-JSON ``V1Record`` for ``POST /v1/log``. Everything here is plain data, shared by the
server (which renders bytes once at start) and the contenders (which check what they got).
"""

from __future__ import annotations

import base64
import json
from typing import Any, Final

API_KEY: Final = "bench-key-0123456789abcdef"
SPACE_ID: Final = "U3BhY2U6OTk6YmVuY2g="  # "Space:99:bench"
DATASET_NAME: Final = "support-tickets-eval"
PAGE_SIZE: Final = 500
MODEL_ID: Final = "fraud-model"

_T0: Final = "2025-03-14T09:26:53.589793Z"
_T1: Final = "2025-06-01T17:02:11.123456Z"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def dataset_id(total_examples: int) -> str:
    """An id the server (and the official SDK's id check) reads: ``Dataset:<total>:bench``."""
    return _b64(f"Dataset:{total_examples}:bench")


def total_of(dataset: str) -> int:
    """How many examples the dataset ``dataset_id(n)`` holds (0 for any other id)."""
    try:
        kind, total, _ = base64.b64decode(dataset).decode().split(":", 2)
        return int(total) if kind == "Dataset" else 0
    except ValueError:
        return 0


def cursor_for(offset: int) -> str:
    return _b64(f"offset:{offset}")


def offset_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(base64.b64decode(cursor).decode().split(":", 1)[1])


GET_DATASET_ID: Final = dataset_id(1_000)


def dataset(dataset_id_: str = GET_DATASET_ID) -> dict[str, Any]:
    versions = [
        {
            "id": _b64(f"DatasetVersion:{n}:bench"),
            "name": f"v{n}",
            "dataset_id": dataset_id_,
            "created_at": _T0,
            "updated_at": _T1,
        }
        for n in (3, 2, 1)
    ]
    return {
        "id": dataset_id_,
        "name": DATASET_NAME,
        "space_id": SPACE_ID,
        "created_at": _T0,
        "updated_at": _T1,
        "versions": versions,
    }


def example(index: int) -> dict[str, Any]:
    """One dataset row: system fields, user columns and one annotation (about 0.7 KB)."""
    return {
        "id": _b64(f"DatasetExample:{index}:bench"),
        "created_at": _T0,
        "updated_at": _T1,
        "input": f"Ticket {index}: I cannot reset my password from the mobile app, the link "
        "in the email says it has expired even though I clicked it straight away.",
        "output": "Sorry about that! Reset links last 15 minutes; request a new one from "
        "Settings > Security and open it on the same device.",
        "expected": "Explain the link lifetime and how to request a new link.",
        "metadata": {"source": "zendesk", "ticket": 40_000 + index, "lang": "en", "tier": "pro"},
        "annotations": [
            {
                "name": "correctness",
                "label": "correct",
                "score": 1.0,
                "updated_at": _T1,
                "annotator": {"id": _b64("User:7:bench"), "email": "reviewer@example.com"},
            }
        ],
    }


def page_items_json(count: int) -> bytes:
    """The JSON array members (without brackets) of a page of ``count`` examples."""
    return b",".join(json.dumps(example(i), separators=(",", ":")).encode() for i in range(count))


def pagination(offset: int, count: int, total: int) -> dict[str, Any]:
    end = offset + count
    if end < total:
        return {"has_more": True, "next_cursor": cursor_for(end)}
    return {"has_more": False}


FEATURES: Final = {
    "amount": 120.5,
    "merchant": "acme",
    "is_online": "True",
    "country": "DE",
    "n_items": 3,
}
TAGS: Final = {"region": "eu"}


def record_kwargs(index: int) -> dict[str, Any]:
    """Arguments of ``arize_api.v1.record`` for record ``index`` (the SDK gets the same values)."""
    return {
        "prediction_id": f"pred-{index}",
        "prediction_label": ("fraud", 0.87),
        "features": FEATURES,
        "tags": TAGS,
        "model_version": "v3",
    }


def record_wire(index: int) -> dict[str, Any]:
    """The proto-JSON body a raw client posts for record ``index`` (what ``record()`` builds)."""
    return {
        "model_id": MODEL_ID,
        "prediction_id": f"pred-{index}",
        "prediction": {
            "prediction_label": {
                "score_categorical": {"score_category": {"category": "fraud", "score": 0.87}}
            },
            "model_version": "v3",
            "features": {
                "amount": {"double": 120.5},
                "merchant": {"string": "acme"},
                "is_online": {"string": "True"},
                "country": {"string": "DE"},
                "n_items": {"int": "3"},
            },
            "tags": {"region": {"string": "eu"}},
        },
        "environment_params": {"production": {}},
    }
