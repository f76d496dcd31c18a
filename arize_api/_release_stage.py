"""A one-time notice when code calls an operation Arize marks alpha (may change without notice)."""

from __future__ import annotations

import threading
import warnings

import httpx

from .api._stages import RELEASE_STAGES

__all__ = ["AlphaOperationWarning", "notice_release_stage"]

_warned: set[str] = set()
_lock = threading.Lock()


class AlphaOperationWarning(FutureWarning):
    """The operation is in Arize's alpha stage: breaking changes are expected."""


def notice_release_stage(request: httpx.Request) -> None:
    """Warn once per process per alpha operation; silence with ``warn_alpha=False``."""
    operation = request.extensions.get("arize_operation")
    if not isinstance(operation, str) or RELEASE_STAGES.get(operation) != "alpha":
        return
    with _lock:
        if operation in _warned:
            return
        _warned.add(operation)
    warnings.warn(
        f"{operation} is an alpha operation of the Arize API: breaking changes are expected. "
        "Pass warn_alpha=False to the client to silence this notice.",
        AlphaOperationWarning,
        stacklevel=2,
    )
