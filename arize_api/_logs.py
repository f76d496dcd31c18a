"""``ARIZE_LOG=debug`` or ``info``: the ``arize_api`` logger's records on stderr, no code needed.

As ``OPENAI_LOG`` does for the openai package: read once, when ``arize_api`` is imported. With
the variable unset (or empty) nothing is configured, so an application's own logging setup is
all there is. What the logger says never holds a credential: the engine masks them before it
logs.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import TextIO

__all__ = ["ENV_VAR", "LEVELS", "configure_from_env"]

ENV_VAR = "ARIZE_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
FORMAT = "[%(asctime)s %(name)s %(levelname)s] %(message)s"


class EnvHandler(logging.StreamHandler[TextIO]):
    """The stderr handler ``ARIZE_LOG`` adds (its own class, so it is added only once)."""


def configure_from_env() -> None:
    """Apply ``ARIZE_LOG``: set the ``arize_api`` logger's level and give it a stderr handler."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return
    level = LEVELS.get(value.lower())
    if level is None:
        known = " or ".join(repr(name) for name in LEVELS)
        warnings.warn(
            f"{ENV_VAR}={value!r} is not {known}; ignored (no arize_api log output)",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    logger = logging.getLogger("arize_api")
    logger.setLevel(level)
    if not any(isinstance(handler, EnvHandler) for handler in logger.handlers):
        handler = EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
