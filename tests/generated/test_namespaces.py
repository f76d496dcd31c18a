"""Resource namespaces (client.<tag>.<verb>): generated, complete, typed, and working."""

from __future__ import annotations

import asyncio
import inspect
import re
import subprocess
import sys
import textwrap
import warnings
from functools import cached_property
from pathlib import Path

import pytest
import yaml

import arize_api
from arize_api import ArizeClient, AsyncArizeClient
from arize_api._release_stage import _warned
from arize_api.api import AsyncResources, SyncResources
from arize_api.mock import MockServer
from arize_api.models import CreateDatasetRequest, CreateDatasetRequestExamplesItem
from tests.support import paths
from tests.support.spec import snake_case

pytest_plugins = ["arize_api.mock.pytest_plugin"]

ROOT = paths.ROOT
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())


SPEC_OPERATIONS = {
    snake_case(op["operationId"]) for path in SPEC["paths"].values() for op in path.values()
}


@pytest.mark.parametrize("flavour", [ArizeClient, AsyncArizeClient])
def test_every_operation_is_reachable_through_a_namespace(flavour: type) -> None:
    found: dict[str, str] = {}

    def walk(namespace: object, where: str) -> None:
        for name, member in vars(type(namespace)).items():
            if name == "with_raw_response":
                continue  # the raw twins, checked by tests/clients/test_raw_response.py
            if isinstance(member, cached_property):
                walk(getattr(namespace, name), f"{where}.{name}")
            elif inspect.isfunction(member) and not name.startswith("_"):
                for operation in re.findall(r"from \. import (\w+)", inspect.getsource(member)):
                    assert operation not in found, f"{operation} placed twice"
                    found[operation] = f"{where}.{name}"

    client = flavour(api_key="offline-key-0000000000")  # nothing is sent
    for name, member in vars(SyncResources if flavour is ArizeClient else AsyncResources).items():
        if isinstance(member, cached_property):
            walk(getattr(client, name), f"client.{name}")
    assert set(found) == SPEC_OPERATIONS
    assert found["list_dataset_examples"] == "client.datasets.examples.list"
    assert found["insert_experiment_runs"] == "client.experiments.runs.insert"
    assert found["get_dataset"] == "client.datasets.get"
    assert found["remove_space_user"] == "client.spaces.users.remove"
    # Operations of one tag on other paths, and nouns of several words.
    assert found["list_webhook_subscriptions"] == "client.webhooks.subscriptions.list"
    assert found["get_evaluator_version"] == "client.evaluators.versions.get"
    assert found["trigger_task_run"] == "client.tasks.runs.trigger"
    assert found["set_prompt_version_label"] == "client.prompts.version_labels.set"
    assert found["get_dashboard_widget"] == "client.dashboards.widgets.get"
    assert found["list_ai_integrations"] == "client.ai_integrations.list"
    # A lone operation whose verb is not list/get/create/update/delete stays on the tag.
    assert found["reset_user_password"] == "client.users.reset_password"
    assert found["resend_user_invitation"] == "client.users.resend_invitation"
    assert found["test_webhook"] == "client.webhooks.test"


def dataset_body(mock: MockServer, rows: int = 7, name: str = "ns") -> CreateDatasetRequest:
    examples = [CreateDatasetRequestExamplesItem.from_dict({"q": f"q{i}"}) for i in range(rows)]
    return CreateDatasetRequest(name=name, space_id=mock.space_id, examples=examples)


def test_sync_namespaces_do_crudl_and_paginate(arize_mock: MockServer) -> None:
    with ArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client:
        created = client.datasets.create(body=dataset_body(arize_mock))
        assert client.datasets.get(created.id).name == "ns"
        examples = client.datasets.examples.list(created.id, limit=3)
        assert [e.additional_properties["q"] for e in examples] == [f"q{i}" for i in range(7)]
        assert [len(p.examples) for p in examples.pages()] == [3, 3, 1]
        assert len(list(client.datasets.examples.list(created.id, limit=2, max_items=5))) == 5
        assert [d.id for d in client.datasets.list(space_id=arize_mock.space_id)] == [created.id]
        client.datasets.delete(created.id)
        with pytest.raises(arize_api.NotFoundError):
            client.datasets.get(created.id)


def test_async_namespaces_are_coroutines_and_async_iterators(arize_mock: MockServer) -> None:
    async def run() -> None:
        async with AsyncArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client:
            created = await client.datasets.create(body=dataset_body(arize_mock))
            assert (await client.datasets.get(created.id)).id == created.id
            ids = [e.id async for e in client.datasets.examples.list(created.id, limit=2)]
            assert len(ids) == 7
            pages = [p async for p in client.datasets.examples.list(created.id, limit=5).pages()]
            assert [len(p.examples) for p in pages] == [5, 2]

    asyncio.run(run())


def test_reprs_are_short(arize_mock: MockServer) -> None:
    with ArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client:
        assert repr(client.datasets) == (
            "<Datasets: create, delete, examples, get, list, tags, update>"
        )
        pager = client.datasets.list(space_id=arize_mock.space_id)
        assert repr(pager).startswith("<SyncPaginator list_datasets") and len(repr(pager)) < 200


def test_alpha_operations_warn_once_per_process_and_can_be_silenced(
    arize_mock: MockServer,
) -> None:
    _warned.clear()
    with ArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client:
        created = client.datasets.create(body=dataset_body(arize_mock))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list(client.datasets.tags.list(created.id))  # alpha
            list(client.datasets.tags.list(created.id))
            client.datasets.get(created.id)  # beta: no notice
        notices = [w for w in caught if issubclass(w.category, arize_api.AlphaOperationWarning)]
        assert len(notices) == 1 and "list_dataset_tags is an alpha operation" in str(
            notices[0].message
        )
        assert notices[0].filename == __file__  # it points at the caller's line
        _warned.clear()
        quiet = client.with_options(warn_alpha=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list(quiet.datasets.tags.list(created.id))
        assert not caught


def test_model_and_page_reprs_summarise_instead_of_dumping(arize_mock: MockServer) -> None:
    with ArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client:
        rows = [{"question": "q" * 5_000, "n": i} for i in range(300)]
        body = CreateDatasetRequest(
            name="big",
            space_id=arize_mock.space_id,
            examples=[CreateDatasetRequestExamplesItem.from_dict(row) for row in rows],
        )
        created = client.datasets.create(body=body)
        page = next(iter(client.datasets.examples.list(created.id, limit=300).pages()))
    assert len(page.examples) == 300
    text = repr(page)
    assert len(text) <= 300
    assert "examples=[300 x DatasetExample]" in text and "has_more=False" in text
    example = repr(page.examples[0])
    assert example.startswith("DatasetExample(id=") and "n=0" in example
    assert "q" * 41 not in example and len(example) <= 300  # long values are cut
    dataset = repr(created)
    assert dataset.startswith("Dataset(id=") and "name='big'" in dataset


def test_pages_and_paginators_to_pandas(arize_mock: MockServer) -> None:
    pandas = pytest.importorskip("pandas")  # the dev extra installs it
    with ArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client:
        created = client.datasets.create(body=dataset_body(arize_mock, rows=3))
        frame = client.datasets.examples.list(created.id, limit=1).to_pandas()
        page = next(iter(client.datasets.examples.list(created.id, limit=1).pages()))
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 3  # every page
    assert list(frame["q"]) == ["q0", "q1", "q2"]
    assert list(page.to_pandas()["id"]) == [frame["id"][0]]  # one page

    async def walk() -> object:
        async with AsyncArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client:
            return await client.datasets.examples.list(created.id, limit=1).to_pandas()

    assert asyncio.run(walk()).equals(frame)  # type: ignore[attr-defined]


def test_to_pandas_says_how_to_get_pandas(
    arize_mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with (
        ArizeClient(arize_mock.api_key, base_url=arize_mock.base_url) as client,
        pytest.raises(ImportError, match="pip install pandas"),
    ):
        client.datasets.list().to_pandas()


USAGE = """
from arize_api import ArizeClient, AsyncArizeClient
from arize_api.models import Dataset, DatasetExample


def good(client: ArizeClient) -> None:
    dataset: Dataset = client.datasets.get("id")
    for example in client.datasets.examples.list("id", limit=10):
        reveal_type(example)
    client.datasets.delete("id")


async def good_async(client: AsyncArizeClient) -> None:
    dataset: Dataset = await client.datasets.get("id")
    async for example in client.datasets.examples.list("id"):
        item: DatasetExample = example


def bad(client: ArizeClient) -> None:
    client.datasets.examples.list("id", limit="ten")  # BAD
"""


def test_namespaces_are_statically_typed(tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(textwrap.dedent(USAGE))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(usage)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    out = result.stdout
    assert 'Revealed type is "arize_api.models.dataset_example.DatasetExample"' in out, out
    errors = [line for line in out.splitlines() if ": error:" in line]
    bad_line = (
        textwrap.dedent(USAGE)
        .splitlines()
        .index('    client.datasets.examples.list("id", limit="ten")  # BAD')
        + 1
    )
    assert len(errors) == 1 and f"usage.py:{bad_line}:" in errors[0], out
    assert '"limit"' in errors[0] and '"str"' in errors[0], out


def test_a_new_operation_in_the_spec_appears_as_a_method(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    spec["paths"]["/v2/datasets/{dataset_id}/dummies"] = {
        "get": {
            "operationId": "listDatasetDummies",
            "summary": "List dataset dummies",
            "tags": ["datasets"],
            "parameters": [{"$ref": "#/components/parameters/datasetId"}],
            "responses": {"204": {"description": "Nothing."}},
        }
    }
    spec["paths"]["/v2/datasets/{dataset_id}/polish"] = {
        "post": {
            "operationId": "polishDatasetSurface",
            "summary": "Polish dataset surface",
            "tags": ["datasets"],
            "parameters": [{"$ref": "#/components/parameters/datasetId"}],
            "responses": {"204": {"description": "Done."}},
        }
    }
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    sys.path.insert(0, str(ROOT / "tools"))
    import generate

    package = generate.run_generator(tmp_path / "gen", tmp_path / "openapi.yaml")
    namespace = (package / "api" / "datasets" / "__init__.py").read_text()
    assert "class DatasetsDummies(SyncResource):" in namespace
    assert "class AsyncDatasetsDummies(AsyncResource):" in namespace
    assert "from . import list_dataset_dummies" in namespace
    assert "def dummies(self) -> DatasetsDummies:" in namespace
    # Alone in its sub-resource and not a CRUDL verb: a method of the tag itself.
    assert "def polish_surface(" in namespace and "DatasetsSurfaces" not in namespace
