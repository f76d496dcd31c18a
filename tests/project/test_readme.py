"""Every Python example in README.md runs, as written, against the mock server."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import trustme

from arize_api.mock import MockServer
from tests.support import paths
from tests.support.proxy import ForwardProxy

pytest_plugins = ["arize_api.mock.pytest_plugin"]

README = paths.ROOT / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(
    source: str,
    arize_mock: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ARIZE_API_KEY", arize_mock.api_key)
    monkeypatch.setenv("ARIZE_BASE_URL", arize_mock.base_url)
    monkeypatch.setenv("ARIZE_SPACE_ID", arize_mock.space_id)
    monkeypatch.delenv("ARIZE_REGION", raising=False)
    with contextlib.ExitStack() as stack:
        proxy = None
        if "CORPORATE_PROXY" in source:  # the proxies example: a real proxy and CA of its own
            proxy = stack.enter_context(ForwardProxy())
            ca = trustme.CA()
            ca_path = stack.enter_context(ca.cert_pem.tempfile())
            monkeypatch.setenv("CORPORATE_PROXY", proxy.url)
            monkeypatch.setenv("CORPORATE_CA_BUNDLE", ca_path)
            for name in ("NO_PROXY", "no_proxy"):
                monkeypatch.delenv(name, raising=False)
        exec(compile(source, str(README), "exec"), {"__name__": "__readme__"})
        if proxy is not None:
            assert proxy.seen, "the example's requests went through the proxy"
    assert capsys.readouterr().out.strip(), "each example prints what it did"


def test_readme_examples_pass_mypy_strict(tmp_path: Path) -> None:
    # As a user would check them: each block a module of its own, under mypy --strict.
    scripts = []
    for index, source in enumerate(BLOCKS):
        script = tmp_path / f"readme_block{index}.py"
        script.write_text(source)
        scripts.append(str(script))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *scripts],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
