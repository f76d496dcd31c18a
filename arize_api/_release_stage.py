"""A one-time notice when code calls an operation Arize marks alpha (may change without notice)."""

from __future__ import annotations

import os
import sys
import threading
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._operation import Operation

__all__ = ["AlphaOperationWarning", "notice_release_stage"]

_warned: set[str] = set()
# Frames in these packages are the call's machinery, not the line that made the call.
_INTERNAL = tuple(
    os.path.dirname(path) + os.sep for path in (os.path.dirname(__file__) + os.sep + "x",)
)
_lock = threading.Lock()


class AlphaOperationWarning(FutureWarning):
    """The operation is in Arize's alpha stage: breaking changes are expected."""


def notice_release_stage(op: Operation) -> None:
    """Warn once per process per alpha operation; silence with ``warn_alpha=False``."""
    if op.stage != "alpha":
        return
    operation = op.name
    with _lock:
        if operation in _warned:
            return
        _warned.add(operation)
    warnings.warn(
        f"{operation} is an alpha operation of the Arize API: breaking changes are expected. "
        "Pass warn_alpha=False to the client to silence this notice.",
        AlphaOperationWarning,
        stacklevel=_caller_stacklevel(),
    )


def _caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside arize_api: the user's call."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        frame = frame.f_back
        level += 1
    return level
