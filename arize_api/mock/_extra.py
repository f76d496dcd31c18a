"""Imported first by ``arize_api.mock``: without the ``mock`` extra, say what to install.

Without this, ``import arize_api.mock`` would fail with a bare ``No module named 'starlette'``
from deep inside the package.
"""

from __future__ import annotations

import importlib

# What the ``mock`` extra of pyproject.toml installs, as modules.
EXTRA_MODULES = ("starlette", "uvicorn", "jsonschema", "yaml")
HINT = "pip install 'arize-api[mock]'"


def require_the_mock_extra() -> None:
    """Raise ``ModuleNotFoundError`` naming the extra if one of its modules is missing."""
    for module in EXTRA_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            raise ModuleNotFoundError(
                f"arize_api.mock needs the 'mock' extra, which is not installed ({error}): {HINT}",
                name=error.name,
            ) from None


require_the_mock_extra()
