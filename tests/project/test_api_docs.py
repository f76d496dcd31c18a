"""The spec's prose in what a user reads: docstrings, help() and api.md.

Operations whose description is still empty in openapi.yaml are skipped where the committed
code is read, so these pass before and after the prose lands; one test generates the client
from a copy of the spec with made-up prose, so a template that drops it fails here.
"""

from __future__ import annotations

import ast
import inspect
import pydoc
import re
import sys
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import yaml

from arize_api import ArizeClient, AsyncArizeClient
from tests.support import paths
from tests.support.spec import snake_case

ROOT = paths.ROOT
sys.path.insert(0, str(ROOT / "tools"))

import generate  # noqa: E402
from spec_docs import operations, plain_text  # noqa: E402

SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
DESCRIPTIONS = {
    snake_case(op["operationId"]): str(op.get("description") or "")
    for _method, _path, op, _params in operations(SPEC)
}
API_MD = (ROOT / "api.md").read_text()


def words(text: str) -> str:
    return " ".join(text.split())


def namespace_methods(client: object) -> Iterator[tuple[str, str, Any]]:
    """(client.<tag>...<method>, operation module name, function) for every namespace method."""

    def walk(namespace: object, where: str) -> Iterator[tuple[str, str, Any]]:
        members = {k: v for c in reversed(type(namespace).__mro__) for k, v in vars(c).items()}
        for name, member in sorted(members.items()):
            if name == "with_raw_response":
                continue  # the raw twins: tests/clients/test_raw_response.py
            if isinstance(member, cached_property) and not name.startswith("_"):
                yield from walk(getattr(namespace, name), f"{where}.{name}")
            elif (
                inspect.isfunction(member)
                and not name.startswith("_")
                and member.__module__.startswith("arize_api.api.")  # not client.log & co
            ):
                (operation,) = re.findall(r"from \. import (\w+)", inspect.getsource(member))
                yield f"{where}.{name}", operation, member

    yield from walk(client, "client")


SYNC = list(namespace_methods(ArizeClient(api_key="offline-key-0000000000")))
ASYNC = list(namespace_methods(AsyncArizeClient(api_key="offline-key-0000000000")))


@pytest.mark.parametrize("found", [SYNC, ASYNC], ids=["sync", "async"])
def test_every_namespace_method_docstring_holds_its_operations_description(
    found: list[tuple[str, str, Any]],
) -> None:
    assert len(found) == len(DESCRIPTIONS)
    described = 0
    for where, operation, method in found:
        doc = inspect.getdoc(method) or ""
        assert doc.splitlines()[0].endswith(")."), where  # summary (METHOD path).
        text = plain_text(DESCRIPTIONS[operation])
        if text:
            described += 1
            assert words(text) in words(doc), f"{where}: description missing from its docstring"
    print(f"{described} of {len(found)} operations have a description to carry")


def test_help_on_a_namespace_method_shows_what_it_does_and_its_parameters() -> None:
    client = ArizeClient(api_key="offline-key-0000000000")
    shown = pydoc.render_doc(client.datasets.examples.insert, renderer=pydoc.plaintext)
    assert "Insert dataset examples (POST /v2/datasets/{dataset_id}/examples)." in shown
    assert words(plain_text(DESCRIPTIONS["insert_dataset_examples"])) in words(shown)
    for name in ("dataset_id (str)", "body (InsertDatasetExamplesRequest)", "dataset_version_id"):
        assert f"    {name}" in shown
    assert "Args:" in shown
    assert "Raises:" in shown
    assert "Returns:" in shown
    assert (
        max(len(line) for line in inspect.getdoc(client.datasets.examples.insert).splitlines())
        <= 80
    )


def api_md_sections() -> dict[str, str]:
    parts = re.split(r"^### (client\.[\w.]+)\n", API_MD, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_api_md_lists_exactly_the_namespace_methods() -> None:
    sections = api_md_sections()
    assert set(sections) == {where for where, _operation, _method in SYNC}
    assert set(sections) == {where for where, _operation, _method in ASYNC}
    for where, operation, method in SYNC:
        module = sys.modules.get(f"{method.__module__}.{operation}")
        if module is None:
            module = __import__(f"{method.__module__}.{operation}", fromlist=["METHOD"])
        section = sections[where]
        assert f"`{module.OP.method} {module.OP.path}`" in section, where
        assert f"```python\n{where}(" in section, where
        assert set(inspect.signature(method).parameters) - {"self"} <= set(
            re.findall(r"(\w+):", section)
        )


def test_api_md_groups_by_namespace_and_is_linked_from_the_readme() -> None:
    assert "## client.datasets.examples\n" in API_MD
    assert "### client.datasets.examples.insert\n" in API_MD
    assert "(alpha)" in API_MD  # release stages shown when not stable
    readme = (ROOT / "README.md").read_text()
    assert "(api.md)" in readme


@pytest.mark.timeout(600)
def test_made_up_prose_reaches_every_docstring(tmp_path: Path) -> None:
    """Generate from a spec copy with prose the real spec lacks: every docstring carries it."""
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    by_id = {op["operationId"]: op for _m, _p, op, _params in operations(spec)}
    insert = by_id["insertDatasetExamples"]
    insert["description"] = (
        "Made-up prose for the test: adds the\nrows to a version.\n\n"
        "A second paragraph: 409 when an id clashes."
    )
    for parameter in insert["parameters"]:
        if parameter.get("name") == "dataset_version_id":
            parameter["description"] = "Made-up: which version gets the rows."
    for parameter in by_id["listApiKeys"]["parameters"]:
        if parameter.get("name") == "key_type":  # its schema is a $ref to an enum
            parameter["description"] = "Made-up: only keys of this kind."
    response = spec["components"]["schemas"]["ListDatasetsResponse"]["properties"]
    response["pagination"]["description"] = "Made-up: where the next page starts."  # a $ref
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))

    package = generate.run_generator(tmp_path / "out", spec_path)

    prose = "Made-up prose for the test: adds the rows to a version."
    second = "A second paragraph: 409 when an id clashes."
    version_line = "dataset_version_id (str | Unset): Made-up: which version gets the rows."

    def docstrings(path: Path) -> dict[str, str]:
        tree = ast.parse(path.read_text())
        found = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                found[node.name] = ast.get_docstring(node) or ""
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        found[f"{node.name}.{item.name}"] = ast.get_docstring(item) or ""
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.col_offset == 0:
                found[node.name] = ast.get_docstring(node) or ""
        return found

    module = docstrings(package / "api" / "datasets" / "insert_dataset_examples.py")
    namespaces = docstrings(package / "api" / "datasets" / "__init__.py")
    carriers = {
        name: module[name] for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
    }
    carriers |= {
        name: namespaces[f"{name}.insert"] for name in ("DatasetsExamples", "AsyncDatasetsExamples")
    }
    for name, doc in carriers.items():
        assert words(prose) in words(doc), name
        assert f"\n\n{second}\n" in doc, f"{name}: the description's paragraphs are kept"
        assert words(version_line) in words(doc), name
        assert max(len(line) for line in doc.splitlines()) <= 80, name
    api_keys = docstrings(package / "api" / "api_keys" / "__init__.py")
    for name in ("ApiKeys.list", "AsyncApiKeys.list"):
        assert "key_type (" in api_keys[name]
        assert "Made-up: only keys of this kind." in words(api_keys[name]), name
    models = docstrings(package / "models" / "list_datasets_response.py")
    assert "Made-up: where the next page starts." in words(models["ListDatasetsResponse"])
