"""record() writes the wire form the generated V1Record model reads and writes back unchanged.

log() and log_many() send that wire form as the body without parsing it into the model and
serialising it again (arize_api/v1/_bulk.py); this is what makes that equivalent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from arize_api.models import V1Record
from arize_api.v1 import ScoreCategorical, record
from arize_api.v1._bulk import _body
from tests.v1.test_logging import FEATURES

WHEN = datetime.now(UTC) - timedelta(hours=2)
CASES: dict[str, dict[str, Any]] = {
    "numeric prediction": {"prediction_label": 1.5, "features": FEATURES, "tags": {"t": 1}},
    "score categorical": {"prediction_label": ("fraud", 0.87), "model_version": "v3"},
    "score object": {"prediction_label": ScoreCategorical(category="a", score=0.5)},
    "binary both": {"prediction_label": True, "actual_label": False, "timestamp": WHEN},
    "categorical actual only": {"actual_label": "dog", "tags": {"late": True}},
    "training": {"prediction_label": 1.0, "actual_label": 2.0, "environment": "training"},
    "validation": {
        "prediction_label": "cat",
        "actual_label": "cat",
        "environment": "validation",
        "batch_id": "b-7",
        "timestamp": WHEN.timestamp(),
    },
}


@pytest.mark.parametrize("case", CASES)
def test_wire_survives_the_generated_model_unchanged(case: str) -> None:
    rec = record("model-a", prediction_id=f"p-{case}", **CASES[case])
    assert V1Record.from_dict(rec.wire).to_dict() == dict(rec.wire)


@pytest.mark.parametrize("space_key", [None, "legacy-key"])
def test_the_sent_body_is_the_wire(space_key: str | None) -> None:
    rec = record("model-a", prediction_id="p", **CASES["numeric prediction"])
    prediction_id, body = _body(rec, space_key)
    expected = dict(rec.wire) | ({"space_key": space_key} if space_key else {})
    assert prediction_id == "p"
    assert isinstance(body, V1Record)
    assert body.to_dict() == expected
    assert V1Record.from_dict(expected).to_dict() == body.to_dict()


def test_a_mapping_is_built_and_validated_first() -> None:
    _, body = _body({"model_id": "m", "prediction_label": 2.0}, None)
    assert body.to_dict()["prediction"] == {"prediction_label": {"numeric": 2.0}}
    with pytest.raises(ValueError, match="prediction_label or an actual_label"):
        _body({"model_id": "m"}, None)
