"""The README's examples, as a user would copy them, pass pyright in strict mode.

(tests/project/test_readme.py runs them against the mock; mypy --strict checks them too.)
pyright comes from package.json, installed by `make setup` with the other node tools.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import paths

ROOT = paths.ROOT
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.DOTALL)


@pytest.mark.timeout(300)
def test_readme_examples_pass_pyright_strict(tmp_path: Path) -> None:
    assert PYRIGHT.exists(), "pyright is missing: run `make setup` (npm ci installs it)"
    for index, source in enumerate(BLOCKS):
        (tmp_path / f"readme_block_{index}.py").write_text(source)
    (tmp_path / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": "strict"}))
    result = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "--outputjson", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=280,
    )
    report = json.loads(result.stdout)
    problems = [
        f"{Path(d['file']).name}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    assert problems == [], "\n".join(problems)
    assert report["summary"]["filesAnalyzed"] == len(BLOCKS) >= 6
