"""Legacy ``/v1/log`` record logging: build validated records, send one or many.

from arize_api.v1 import record
rec = record("fraud-model", prediction_label=("fraud", 0.87), features={"age": 42})
client.log(rec)
"""

from ._bulk import LogFailure, LogManyError, LogSummary
from ._labels import ScoreCategorical
from ._records import LogRecord, record
from ._values import Embedding

__all__ = [
    "Embedding",
    "LogFailure",
    "LogManyError",
    "LogRecord",
    "LogSummary",
    "ScoreCategorical",
    "record",
]
