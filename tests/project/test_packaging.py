"""The wheel carries the Apache-2.0 LICENSE file and the project URLs in its metadata.

Built for real from the working tree with ``pip wheel . --no-deps`` (hatchling in pip's
isolated build environment), then read back as an installer would.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from email.message import Message
from email.parser import Parser

import pytest

from tests.support import paths

ROOT = paths.ROOT
LICENSE = ROOT / "LICENSE"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    (built,) = out.glob("arize_api-*.whl")
    return zipfile.ZipFile(built)


def metadata(wheel: zipfile.ZipFile) -> Message:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return Parser().parsestr(wheel.read(name).decode())


def test_the_repository_has_the_full_apache_2_license() -> None:
    text = LICENSE.read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    for section in range(1, 10):
        assert f"\n   {section}. " in text, section  # all nine sections, not a notice
    assert "END OF TERMS AND CONDITIONS" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]


@pytest.mark.timeout(300)
def test_the_wheel_ships_the_license_file(wheel: zipfile.ZipFile) -> None:
    licenses = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert len(licenses) == 1, wheel.namelist()
    assert wheel.read(licenses[0]) == LICENSE.read_bytes()
    meta = metadata(wheel)
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]


@pytest.mark.timeout(300)
def test_the_wheel_metadata_has_the_project_urls(wheel: zipfile.ZipFile) -> None:
    urls = dict(entry.split(", ", 1) for entry in metadata(wheel).get_all("Project-URL") or [])
    repository = "https://github.com/arize-api/arize-api"  # a placeholder home for now
    assert urls["Homepage"] == urls["Repository"] == repository
    assert urls["Issues"] == f"{repository}/issues"
    assert urls["Documentation"].startswith(repository)
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls == declared


@pytest.mark.timeout(300)
def test_the_wheel_still_carries_the_package_and_the_mocks_spec(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert {"arize_api/__init__.py", "arize_api/py.typed", "arize_api/mock/openapi.yaml"} <= names
    assert not any(name.startswith(("tests/", "tools/", "LICENSE")) for name in names)
