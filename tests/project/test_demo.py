"""`make demo` needs only the package and its mock extra, and it runs again and again.

The quickstart, `tools/demo.py` and the README's examples run twice (or more) against one
long-lived mock, as against a `python -m arize_api.mock` left running; `make demo` runs for
real on a copy of the repository, in an environment of its own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from arize_api.mock import MockServer
from tests.support import paths
from tests.support.mock_process import MockProcess, mock_process

pytest_plugins = ["arize_api.mock.pytest_plugin"]

ROOT = paths.ROOT
README = ROOT / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
# The examples that run against whatever ARIZE_BASE_URL says (not a mock of their own).
# Blocks that use the environment's Arize; not those that start their own mock, nor the
# proxies example, which test_readme.py runs with a proxy and a CA of its own.
AGAINST_THE_ENVIRONMENT = [
    block for block in BLOCKS if "serve(" not in block and "CORPORATE_PROXY" not in block
]


@pytest.fixture(scope="module")
def remote() -> Iterator[MockProcess]:
    with mock_process() as process:
        yield process


def environment(remote: MockProcess) -> dict[str, str]:
    env = {
        **os.environ,
        "ARIZE_API_KEY": remote.api_key,
        "ARIZE_BASE_URL": remote.base_url,
        "ARIZE_SPACE_ID": remote.space_id,
    }
    env.pop("ARIZE_REGION", None)
    return env


def datasets(remote: MockProcess) -> list[str]:
    response = httpx.get(
        f"{remote.base_url}/v2/datasets",
        params={"space_id": remote.space_id},
        headers={"authorization": f"Bearer {remote.api_key}"},
        trust_env=False,
    )
    response.raise_for_status()
    return [dataset["name"] for dataset in response.json()["datasets"]]


@pytest.mark.timeout(120)
def test_the_quickstart_runs_twice_against_one_mock_process(remote: MockProcess) -> None:
    remote.reset()
    outputs = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "quickstart.py")],
            env=environment(remote),
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "Cleaned up the experiment and the dataset" in result.stdout
        outputs.append(result.stdout)
    names = [re.findall(r"Created dataset '([^']+)'", out) for out in outputs]
    assert len(names[0]) == len(names[1]) == 1 and names[0] != names[1]  # a fresh name each
    assert datasets(remote) == []  # each run cleaned up after itself


@pytest.mark.timeout(120)
def test_tools_demo_against_a_local_server_says_so_and_runs_twice(remote: MockProcess) -> None:
    remote.reset()
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "demo.py")],
            env=environment(remote),
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        first = result.stdout.splitlines()[0]
        assert (
            first == f"ARIZE_API_KEY is set: running against the local server at {remote.base_url}."
        )
        assert "REAL" not in result.stdout
    assert datasets(remote) == []


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "source",
    AGAINST_THE_ENVIRONMENT,
    ids=[f"block{BLOCKS.index(block)}" for block in AGAINST_THE_ENVIRONMENT],
)
def test_readme_example_runs_three_times_against_one_mock(
    source: str,
    arize_mock: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ARIZE_API_KEY", arize_mock.api_key)
    monkeypatch.setenv("ARIZE_BASE_URL", arize_mock.base_url)
    monkeypatch.setenv("ARIZE_SPACE_ID", arize_mock.space_id)
    monkeypatch.delenv("ARIZE_REGION", raising=False)
    code = compile(source, str(README), "exec")
    for _ in range(3):  # no reset in between: what one run created is still there
        exec(code, {"__name__": "__readme__"})
        assert capsys.readouterr().out.strip()


def test_the_readme_examples_that_create_named_things_are_among_them() -> None:
    assert any("datasets.create" in block for block in AGAINST_THE_ENVIRONMENT)


def dry_run(*targets: str) -> str:
    result = subprocess.run(
        ["make", "-n", "-B", "-C", str(ROOT), *targets],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("target", ["demo", "mock"])
def test_make_demo_and_mock_would_install_only_the_mock_extra(target: str) -> None:
    recipe = dry_run(target)
    assert "pip install --quiet -e '.[mock]'" in recipe
    assert ".venv-demo/bin/python" in recipe
    for unwanted in ("npm", "[dev]", ".venv/bin", "node_modules"):
        assert unwanted not in recipe, recipe
    assert "npm ci" in dry_run("test")  # the full toolchain is still make test's


@pytest.mark.timeout(300)
def test_make_demo_on_a_fresh_copy_installs_only_the_mock_extra(tmp_path: Path) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    copy = tmp_path / "arize-api"
    for name in filter(None, (path.decode() for path in tracked)):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIZE_")}
    env.pop("VIRTUAL_ENV", None)
    base_python = getattr(sys, "_base_executable", sys.executable)
    result = subprocess.run(
        ["make", "demo", f"PYTHON={base_python}"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "running against the offline mock server" in result.stdout
    assert "Cleaned up the experiment and the dataset" in result.stdout
    assert not (copy / "node_modules").exists()
    assert not (copy / ".venv").exists()
    demo_python = copy / ".venv-demo" / "bin" / "python"
    probe = subprocess.run(
        [
            str(demo_python),
            "-c",
            "import importlib.util as u; print([m for m in "
            "('pytest', 'ruff', 'mypy', 'openapi_python_client', 'schemathesis', 'pandas') "
            "if u.find_spec(m)]); import starlette, uvicorn, jsonschema, yaml, arize_api",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"  # none of the development extra
