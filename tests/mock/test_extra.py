"""Without the ``mock`` extra, ``import arize_api.mock`` says what to install.

Each test runs a fresh interpreter in which the extra's modules are made uninstalled by a
meta-path finder, the way they are in an environment that has only ``pip install arize-api``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

HINT = "pip install 'arize-api[mock]'"

# Put first on sys.meta_path: the named top-level packages (and their submodules) are not
# installed, as far as this interpreter can tell.
BLOCKER = """
import sys

class NotInstalled:
    def __init__(self, *names):
        self.names = set(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None

sys.meta_path.insert(0, NotInstalled(*sys.argv[1].split(",")))
"""


def run(code: str, *missing: str) -> subprocess.CompletedProcess[str]:
    source = BLOCKER + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", source, ",".join(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.timeout(90)
@pytest.mark.parametrize("missing", ["starlette", "uvicorn", "jsonschema", "yaml"])
def test_import_without_the_extra_says_what_to_install(missing: str) -> None:
    result = run(
        """
        try:
            import arize_api.mock
        except ImportError as error:
            print(type(error).__name__, isinstance(error, ModuleNotFoundError), error.name)
            print(error)
        else:
            print("imported")
        """,
        missing,
    )
    assert result.returncode == 0, result.stderr
    kind, message = result.stdout.splitlines()
    assert kind == f"ModuleNotFoundError True {missing}"
    assert HINT in message
    assert "'mock' extra" in message
    assert repr(missing) in message  # which module is missing, too


@pytest.mark.timeout(60)
def test_the_traceback_ends_with_the_hint_not_a_bare_module_name() -> None:
    result = run("import arize_api.mock", "starlette")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: arize_api.mock needs the 'mock' extra")
    assert last.endswith(HINT)
    assert "During handling" not in result.stderr  # one error, not a chain of two


@pytest.mark.timeout(60)
def test_python_dash_m_arize_api_mock_without_the_extra() -> None:
    result = run(
        """
        import runpy
        runpy.run_module("arize_api.mock", run_name="__main__", alter_sys=True)
        """,
        "uvicorn",
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith(HINT)


@pytest.mark.timeout(60)
def test_the_client_itself_needs_no_part_of_the_extra() -> None:
    result = run(
        """
        from arize_api import ArizeClient
        with ArizeClient(api_key="k", base_url="http://127.0.0.1:9") as client:
            print(client.base_url)
        """,
        "starlette",
        "uvicorn",
        "jsonschema",
        "yaml",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:9"
