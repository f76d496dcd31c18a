"""arize-api end to end: a dataset with examples, paging, an experiment with runs, v1 logging.

    python examples/quickstart.py          # against ARIZE_BASE_URL/ARIZE_API_KEY/ARIZE_SPACE_ID

`make demo` runs it against the offline mock server when no ARIZE_API_KEY is set.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

from arize_api import ArizeClient, AsyncArizeClient
from arize_api.models import (
    CreateDatasetRequest,
    CreateDatasetRequestExamplesItem,
    CreateExperimentRequest,
    ExperimentRunInput,
)
from arize_api.v1 import LogSummary, record

QUESTIONS = [f"What is {a} + {a}?" for a in range(120)]


def main() -> None:
    space_id = os.environ.get("ARIZE_SPACE_ID")
    if not space_id:
        sys.exit("set ARIZE_SPACE_ID to the space to work in (make demo sets it for the mock)")
    # Dataset names are unique in a space: a fresh one per run, so it can run again and again
    # against one long-lived server (or while another run is in progress).
    name = f"arize-api quickstart {uuid.uuid4().hex[:8]}"
    with ArizeClient() as client:  # key, host and space from ARIZE_* variables
        print(f"Talking to {client.base_url}")
        rows = [CreateDatasetRequestExamplesItem.from_dict({"question": q}) for q in QUESTIONS]
        dataset = client.datasets.create(
            body=CreateDatasetRequest(name=name, space_id=space_id, examples=rows)
        )
        print(f"Created dataset {dataset.name!r} ({dataset.id}) with {len(rows)} examples")

        examples = list(client.datasets.examples.list(dataset.id, limit=50))
        page_count = sum(1 for _ in client.datasets.examples.list(dataset.id, limit=50).pages())
        print(f"Paged through {len(examples)} examples in {page_count} pages of up to 50")

        runs = [
            ExperimentRunInput(example_id=example.id, output=str(2 * i))
            for i, example in enumerate(examples)
        ]
        experiment = client.experiments.create(
            body=CreateExperimentRequest(
                name="doubling", dataset_id=dataset.id, experiment_runs=runs
            )
        )
        run_count = len(list(client.experiments.runs.list(experiment.id)))
        print(f"Ran experiment {experiment.name!r} ({experiment.id}): {run_count} runs recorded")

        summary = asyncio.run(log_predictions_and_actuals())
        print(f"Logged v1 records: {summary.sent} sent, {summary.failed} failed")

        client.experiments.delete(experiment.id)
        client.datasets.delete(dataset.id)
        print("Cleaned up the experiment and the dataset")


async def log_predictions_and_actuals() -> LogSummary:
    """Log 200 predictions and their actuals from async code, 16 requests at a time."""
    records = (
        record(
            "quickstart-fraud-model",
            prediction_id=f"pred-{i}",
            prediction_label=("fraud" if i % 7 == 0 else "not_fraud", 0.9),
            actual_label="fraud" if i % 5 == 0 else "not_fraud",
            label_type="score_categorical",
            features={"amount": 10.5 * i, "merchant": f"m{i % 3}"},
        )
        for i in range(200)
    )
    async with AsyncArizeClient() as client:
        return await client.log_many(records, concurrency=16)


if __name__ == "__main__":
    main()
