"""An offline, in-memory Arize-compatible server for demos, tests and notebooks.

Serves every operation of ``openapi.yaml`` with real behaviour (state, ids, pagination,
validation, auth, /v1/log) plus fault injection; an operation the spec gains before the mock
has a handler for it answers 501. Needs the ``mock`` extra (``pip install 'arize-api[mock]'``).
It never imports the client, so it tests it honestly.

    from arize_api.mock import serve

    with serve() as mock:                  # background thread, free port
        mock.base_url, mock.api_key, mock.space_id, mock.state, mock.faults
        mock.add_spans(project_id, spans)  # what the API reads but cannot create

``python -m arize_api.mock`` serves it in the foreground; ``arize_api.mock.pytest_plugin``
provides the ``arize_mock`` fixture. See README.md beside this file.
"""

from . import _extra  # noqa: F401 (first: without the mock extra, says what to install)
from .app import create_app
from .auth import Role
from .faults import FaultRule, Faults, RateLimit
from .server import MockServer, serve
from .state import DEFAULT_API_KEY, Credentials, MockState

__all__ = [
    "DEFAULT_API_KEY",
    "Credentials",
    "FaultRule",
    "Faults",
    "MockServer",
    "MockState",
    "RateLimit",
    "Role",
    "create_app",
    "serve",
]
