"""What the generated models and operations check (issues 16 and 17).

* Strict primitives: ``from_dict`` refuses a value of the wrong kind for a declared string,
  integer, number or boolean member, naming the model and the member; from an answer that is an
  ``APIResponseValidationError``. Unknown members stay accepted; nullable members take null.
* A missing required member names the model and the member (no bare ``KeyError``).
* Response models never show ``Unset``: an absent optional member reads as ``None`` (counted
  below: 0 members typed with ``Unset``); request models keep ``UNSET``, so a PATCH built with
  one member sends exactly that member.
* ``body=`` takes the model or a plain dict (through the model's own ``from_dict``), members
  holding models take dicts too, anything else is a ``TypeError``; the ``<Name>Dict`` twins
  make a dict literal type-checked (``mypy --strict`` on a user script).
* Path parameters are checked before anything is sent.
* ``to_json()`` on every model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import arize_api.models as models
from arize_api import (
    APIResponseValidationError,
    MissingMemberError,
    ModelValidationError,
)
from arize_api.api.tasks import update_task
from arize_api.models import (
    CreateDatasetRequest,
    Dataset,
    PaginationMetadata,
    ToolConfig,
    UpdateEvaluationTaskRequest,
    UpdateWebhookRequest,
)
from arize_api.types import UNSET, Unset
from tests.support import clients as client_support
from tests.support import paths
from tests.support.clients import Flavour
from tests.support.payloads import dataset_json
from tests.support.scripted import ScriptedServer

sys.path.insert(0, str(paths.TOOLS))
from model_roles import request_models

flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env

ROOT = paths.ROOT
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
REQUEST_MODELS = request_models(SPEC)
MODEL_CLASSES = {
    name: obj
    for name in models.__all__
    if isinstance(obj := getattr(models, name), type) and hasattr(obj, "from_dict")
}


def call(flavour: Flavour, awaitable_or_value: object) -> Any:
    return flavour.run(awaitable_or_value) if flavour.is_async else awaitable_or_value


# --------------------------------------------------------------------------------------------
# Unset in response models
# --------------------------------------------------------------------------------------------


def test_every_request_model_is_generated() -> None:
    assert set(MODEL_CLASSES) >= REQUEST_MODELS
    assert len(REQUEST_MODELS) > 100


def test_no_response_model_member_is_typed_with_unset() -> None:
    members = [
        (name, member, annotation)
        for name, cls in MODEL_CLASSES.items()
        if name not in REQUEST_MODELS
        for member, annotation in cls.__annotations__.items()
    ]
    with_unset = [m for m in members if "Unset" in str(m[2])]
    print(f"response-model members typed with Unset: {len(with_unset)} of {len(members)}")
    assert with_unset == []
    documented = [
        n
        for n, c in MODEL_CLASSES.items()
        if n not in REQUEST_MODELS and "Unset" in (c.__doc__ or "")
    ]
    assert documented == []  # nor does help() show it
    assert len(members) > 1000


def test_an_absent_optional_member_reads_as_none_and_stays_absent() -> None:
    dataset = Dataset.from_dict(dataset_json())
    assert dataset.versions is None
    assert "versions" not in dataset.to_dict()
    assert "Unset" not in repr(dataset) and "None" not in repr(dataset)
    page = PaginationMetadata.from_dict({"has_more": False})
    assert page.next_cursor is None


def test_an_explicit_null_of_an_optional_member_round_trips() -> None:
    sent = {"tools": [], "tool_choice": None}
    assert ToolConfig.from_dict(sent).to_dict() == sent
    assert ToolConfig.from_dict({"tools": []}).to_dict() == {"tools": []}
    assert ToolConfig.from_dict(sent) == ToolConfig.from_dict({"tools": []})


def test_a_patch_built_with_one_member_serialises_to_exactly_that_member() -> None:
    body = UpdateWebhookRequest(name="renamed")
    assert isinstance(body.url, Unset) and body.description is UNSET
    assert body.to_dict() == {"name": "renamed"}
    assert json.loads(body.to_json()) == {"name": "renamed"}
    # None is a value (sent as null), not "not given".
    assert UpdateWebhookRequest(description=None).to_dict() == {"description": None}
    assert UpdateWebhookRequest.from_dict({"name": "renamed"}).to_dict() == {"name": "renamed"}


def test_a_patch_sends_only_the_members_given(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("PATCH", "/v2/datasets/d1", json=dataset_json(name="renamed"))
    client = flavour.client(base_url=server.url)
    call(flavour, client.datasets.update("d1", body={"name": "renamed"}))
    (request,) = server.requests
    assert json.loads(request.body) == {"name": "renamed"}


# --------------------------------------------------------------------------------------------
# Strict primitives and missing members
# --------------------------------------------------------------------------------------------

GOOD = dataset_json()


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (Dataset, {**GOOD, "name": ["a"]}, "Dataset.name: expected a string, got list"),
        (Dataset, {**GOOD, "id": 123}, "Dataset.id: expected a string, got int"),
        (Dataset, {**GOOD, "versions": "v1"}, "Dataset.versions: expected a list, got str"),
        (PaginationMetadata, {"has_more": "false"}, "has_more: expected a boolean, got str"),
        (PaginationMetadata, {"has_more": 1}, "has_more: expected a boolean, got int"),
        (PaginationMetadata, {"has_more": True, "next_cursor": 7}, "next_cursor: expected a str"),
        (UpdateWebhookRequest, {"timeout_ms": True}, "timeout_ms: expected an integer, got bool"),
        (UpdateWebhookRequest, {"timeout_ms": 2.5}, "timeout_ms: expected an integer, got float"),
        (UpdateWebhookRequest, {"timeout_ms": "9"}, "timeout_ms: expected an integer, got str"),
        (UpdateWebhookRequest, {"name": None}, "name: expected a string, got null"),
        (UpdateEvaluationTaskRequest, {"sampling_rate": False}, "expected a number, got bool"),
        (UpdateEvaluationTaskRequest, {"is_continuous": 0}, "expected a boolean, got int"),
        (Dataset, ["not", "an", "object"], "Dataset: expected an object, got list"),
        (Dataset, {**GOOD, "created_at": 17}, "Dataset.created_at: expected an RFC 3339 timestamp"),
        (Dataset, {**GOOD, "updated_at": "noon"}, "updated_at: expected an RFC 3339 timestamp"),
    ],
)
def test_a_member_of_the_wrong_kind_is_refused(model: Any, data: Any, message: str) -> None:
    with pytest.raises(ModelValidationError, match=message.replace("[", r"\[")):
        model.from_dict(data)


def test_numbers_and_nulls_that_fit_are_taken() -> None:
    assert UpdateWebhookRequest.from_dict({"timeout_ms": 3.0}).timeout_ms == 3  # no fraction
    assert UpdateEvaluationTaskRequest.from_dict({"sampling_rate": 1}).sampling_rate == 1
    assert UpdateWebhookRequest.from_dict({"description": None}).description is None
    kept = Dataset.from_dict({**GOOD, "future_member": {"x": 1}})
    assert kept["future_member"] == {"x": 1}


def test_a_missing_required_member_is_named() -> None:
    with pytest.raises(MissingMemberError) as caught:
        CreateDatasetRequest.from_dict({"name": "d", "examples": []})
    assert str(caught.value) == "CreateDatasetRequest.space_id: required member missing"
    assert (caught.value.model, caught.value.member) == ("CreateDatasetRequest", "space_id")
    assert isinstance(caught.value, KeyError)  # as the bare KeyError it replaces was


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({**GOOD, "id": 123, "name": ["a"]}, "Dataset.id: expected a string, got int"),
        ({"id": "d1"}, "Dataset.name: required member missing"),
    ],
)
def test_a_malformed_answer_names_the_model_and_member(
    flavour: Flavour, server: ScriptedServer, body: dict[str, Any], named: str
) -> None:
    server.add("GET", "/v2/datasets/d1", json=body)
    client = flavour.client(base_url=server.url)
    with pytest.raises(APIResponseValidationError, match=named) as caught:
        call(flavour, client.datasets.get("d1"))
    assert isinstance(caught.value.__cause__, ModelValidationError)


# --------------------------------------------------------------------------------------------
# Dict bodies
# --------------------------------------------------------------------------------------------


def test_a_dict_body_is_sent_as_its_model(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("POST", "/v2/datasets", json=dataset_json(), status=201)
    client = flavour.client(base_url=server.url)
    body = {"name": "d", "space_id": "s1", "examples": [{"question": "2+2?"}]}
    created = call(flavour, client.datasets.create(body=body))
    assert created.id == "d1"
    assert json.loads(server.requests[0].body) == body


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"name": "d", "space_id": 5, "examples": []}, ModelValidationError, "space_id"),
        ({"name": "d", "examples": []}, MissingMemberError, "space_id: required member missing"),
        (["d"], TypeError, "body must be a CreateDatasetRequest or a dict"),
        ("d", TypeError, "got str"),
        ({"name": "d", "space_id": "s", "examples": [5]}, TypeError, "ExamplesItem: expected an"),
    ],
)
def test_a_body_that_does_not_fit_is_refused_before_sending(
    flavour: Flavour, server: ScriptedServer, body: Any, error: type, message: str
) -> None:
    client = flavour.client(base_url=server.url)
    with pytest.raises(error, match=message):
        call(flavour, client.datasets.create(body=body))
    assert server.requests == []


def test_members_holding_models_take_dicts() -> None:
    request = CreateDatasetRequest(name="d", space_id="s", examples=[{"question": "2+2?"}])
    assert request.to_dict()["examples"] == [{"question": "2+2?"}]
    parsed = CreateDatasetRequest.from_dict(request.to_dict())
    assert parsed.to_dict() == request.to_dict()
    wrong = CreateDatasetRequest(name="d", space_id="s", examples=[5])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"CreateDatasetRequest\.examples must be a CreateDataset"):
        wrong.to_dict()


def test_union_members_take_dicts_through_their_own_parser() -> None:
    from arize_api.models import AddSpaceUserRequest, PredefinedRoleAssignmentRequest

    request = AddSpaceUserRequest(user_id="u1", role={"type": "PREDEFINED", "name": "ADMIN"})
    assert request.to_dict() == {"user_id": "u1", "role": {"type": "PREDEFINED", "name": "ADMIN"}}
    typed = PredefinedRoleAssignmentRequest(type_="PREDEFINED", name="ADMIN")
    assert AddSpaceUserRequest(user_id="u1", role=typed).to_dict() == request.to_dict()
    with pytest.raises(ModelValidationError, match="RoleAssignmentRequest"):  # no variant fits
        AddSpaceUserRequest(user_id="u1", role={"type": "PREDEFINED", "name": 3}).to_dict()
    filters = UpdateEvaluationTaskRequest(query_filters={"filters": []}).to_dict()
    assert filters == {"query_filters": {"filters": []}}


def test_a_union_body_dict_becomes_its_variant() -> None:
    kwargs = update_task._get_kwargs("t1", body={"name": "n", "sampling_rate": 0.5})
    assert kwargs["json"] == {"name": "n", "sampling_rate": 0.5}
    with pytest.raises(TypeError, match="UpdateEvaluationTaskRequest or"):
        update_task._get_kwargs("t1", body=5)  # type: ignore[arg-type]
    with pytest.raises(ModelValidationError, match="sampling_rate"):
        update_task._get_kwargs("t1", body={"sampling_rate": "half"})


DICT_BODIES = """
from arize_api import ArizeClient
from arize_api.models import CreateDatasetRequestDict

client = ArizeClient(api_key="k", base_url="http://127.0.0.1:9")
body: CreateDatasetRequestDict = {"name": "d", "space_id": "s", "examples": [{"q": 1}]}
client.datasets.create(body=body)
client.datasets.create(body={"name": "d", "space_id": "s", "examples": [{"q": 1}]})
client.datasets.update("d1", body={"name": "renamed"})
client.webhooks.update("w1", body={"timeout_ms": 1000, "description": None})
client.datasets.create(body={"name": "d", "space_id": "s", "exampels": []})
client.datasets.update("d1", body={"name": 3})
"""


def test_a_dict_body_is_type_checked_by_mypy_strict(tmp_path: Path) -> None:
    script = tmp_path / "bodies.py"
    script.write_text(DICT_BODIES)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    lines = sorted({int(line.split(":")[1]) for line in errors})
    assert lines == [11, 12], result.stdout  # the misspelt key and the int name only


# --------------------------------------------------------------------------------------------
# Path parameters, to_json
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (123, TypeError, "dataset_id must be a str, got int"),
        (None, TypeError, "dataset_id must be a str, got null"),
        ("", ValueError, "dataset_id must not be empty"),
    ],
)
def test_a_bad_path_parameter_is_refused_before_sending(
    flavour: Flavour, server: ScriptedServer, value: Any, error: type, message: str
) -> None:
    client = flavour.client(base_url=server.url)
    with pytest.raises(error, match=message):
        call(flavour, client.datasets.get(value))
    with pytest.raises(error, match=message):
        call(flavour, client.datasets.update(value, body={"name": "n"}))
    assert server.requests == []


def test_every_model_has_to_json() -> None:
    assert all(hasattr(cls, "to_json") for cls in MODEL_CLASSES.values())
    dataset = Dataset.from_dict({**GOOD, "extra": "é"})
    assert dataset.to_json() == json.dumps(
        dataset.to_dict(), separators=(",", ":"), ensure_ascii=False
    )
    assert json.loads(dataset.to_json())["extra"] == "é"
