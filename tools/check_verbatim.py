"""Find spec prose copied from the official Arize SDK: runs of 10 or more words in common.

    python tools/check_verbatim.py openapi.yaml --sdk /tmp/sdk/unpacked
    python tools/check_verbatim.py openapi.yaml --download       # fetch arize==8.61.0 first

openapi.yaml's descriptions are written in this project's own words (issue 18): facts may come
from the SDK, sentences may not. This compares every ``description`` and ``summary`` in the
spec with the SDK's docstrings and ``description=`` arguments (``Field(description=...)``) in
its generated ``api/*.py`` and ``models/*.py``, word by word (lower case, punctuation and
markup ignored), and reports each run of ``--words`` (10) or more words that both share, with
where it is in each. Exit status 1 when there is any, 0 when there is none.

``--sdk`` is a folder holding the unpacked SDK: its generated ``api_client`` folder (with
``api/`` and ``models/``) or any folder above it, such as an unpacked wheel. ``--download``
runs ``pip download --no-deps arize==VERSION`` into a temporary folder and unpacks it there.
A tool for writers and the merger; ``make test`` does not run it.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SDK_VERSION = "8.61.0"
WORDS = 10
# Values that are data, not prose: a "description" key inside them is not checked.
DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
_WORD = re.compile(r"[a-z0-9_]+")


def words(text: str) -> list[str]:
    """``text`` as lower-case words, markup and punctuation dropped."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Source:
    """A piece of SDK prose: where it is and its words."""

    where: str  # "api/datasets_api.py:123"
    words: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """A run of words a spec text shares with the SDK."""

    pointer: str  # where in the spec: "/paths/~1v2~1datasets/get/description"
    run: tuple[str, ...]
    source: str  # where in the SDK


def sdk_root(folder: Path) -> Path:
    """The SDK's generated ``api_client`` folder: ``folder`` itself or one below it."""
    if (folder / "api").is_dir() and (folder / "models").is_dir():
        return folder
    for candidate in sorted(folder.glob("**/_generated/api_client")):
        if (candidate / "api").is_dir() and (candidate / "models").is_dir():
            return candidate
    sys.exit(f"no SDK api_client folder (with api/ and models/) in {folder}")


def sdk_prose(root: Path) -> Iterator[Source]:
    """Every docstring and ``description=`` string in the SDK's ``api/`` and ``models/``."""
    for path in sorted([*root.glob("api/*.py"), *root.glob("models/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        name = path.relative_to(root).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node, clean=False)
                if doc and node.body:
                    yield Source(f"{name}:{node.body[0].lineno}", tuple(words(doc)))
            elif isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "description"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        yield Source(f"{name}:{value.lineno}", tuple(words(value.value)))


def index(sources: Iterator[Source], size: int) -> dict[tuple[str, ...], str]:
    """Each run of ``size`` words in the SDK's prose, with the first place it occurs."""
    runs: dict[tuple[str, ...], str] = {}
    for source in sources:
        for start in range(len(source.words) - size + 1):
            runs.setdefault(source.words[start : start + size], source.where)
    return runs


def spec_prose(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every ``description`` and ``summary`` text in the spec, with its JSON pointer."""
    if isinstance(node, list):
        for position, item in enumerate(node):
            yield from spec_prose(item, f"{pointer}/{position}")
    elif isinstance(node, dict):
        for key, value in node.items():
            step = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key in ("description", "summary") and isinstance(value, str):
                yield step, value
            elif key not in DATA_KEYS:
                yield from spec_prose(value, step)


def shared_runs(
    text: str, runs: dict[tuple[str, ...], str], size: int
) -> Iterator[tuple[tuple[str, ...], str]]:
    """The longest stretches of ``text`` made of overlapping ``size``-word runs of the SDK."""
    tokens = words(text)
    start = 0
    while start <= len(tokens) - size:
        source = runs.get(tuple(tokens[start : start + size]))
        if source is None:
            start += 1
            continue
        end = start + size
        while end < len(tokens) and tuple(tokens[end - size + 1 : end + 1]) in runs:
            end += 1
        yield tuple(tokens[start:end]), source
        start = end


def find_hits(spec: Any, sdk: Path, size: int = WORDS) -> list[Hit]:
    """Every run of ``size`` or more words a spec text shares with the SDK's prose."""
    runs = index(sdk_prose(sdk_root(sdk)), size)
    return [
        Hit(pointer, run, source)
        for pointer, text in spec_prose(spec)
        for run, source in shared_runs(text, runs, size)
    ]


def download(version: str, into: Path) -> Path:
    """``arize==version`` from the package index, unpacked in ``into``; its folder."""
    wheels = into / "wheels"
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    cmd += ["--only-binary", ":all:", "--dest", str(wheels), f"arize=={version}"]
    subprocess.run(cmd, check=True)
    (wheel,) = sorted(wheels.glob("arize-*.whl"))
    unpacked = into / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    return unpacked


def report(hits: list[Hit], size: int) -> int:
    for hit in hits:
        print(f"{hit.pointer}: {len(hit.run)} words as in the SDK's {hit.source}:")
        print(f"    ...{' '.join(hit.run)}...")
    texts = len({hit.pointer for hit in hits})
    print(f"{texts} description(s) or summary(ies) share a run of {size}+ words with the SDK")
    return 1 if hits else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("spec", type=Path, help="the OpenAPI document (openapi.yaml)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--sdk", type=Path, help="a folder holding the unpacked SDK")
    where.add_argument(
        "--download", action="store_true", help="download and unpack the SDK into a temp folder"
    )
    parser.add_argument("--version", default=SDK_VERSION, help=f"with --download ({SDK_VERSION})")
    parser.add_argument("--words", type=int, default=WORDS, help=f"run length ({WORDS})")
    args = parser.parse_args(argv)
    spec = yaml.safe_load(args.spec.read_text(encoding="utf-8"))
    if args.download:
        with tempfile.TemporaryDirectory(prefix="arize-sdk-") as tmp:
            return report(
                find_hits(spec, download(args.version, Path(tmp)), args.words), args.words
            )
    return report(find_hits(spec, args.sdk, args.words), args.words)


if __name__ == "__main__":
    sys.exit(main())
