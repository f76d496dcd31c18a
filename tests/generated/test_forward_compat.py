"""Forward compatibility: responses from a newer server still parse, and keep what they carry.

Acceptance: "A response carrying an enum value or a field the spec does not know still parses
(forward compatibility); the unknown field is kept." Checked three ways: hand-written cases on
the models, a property test over every model a response can carry (unknown members injected at
every level, unknown values in every enum), and real calls through the generated operations
against tests/support/scripted.py.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import arize_api.models as models
from arize_api._unions import UnknownVariant
from arize_api.api.projects import get_project, list_projects
from arize_api.models import (
    CustomRoleAssignment,
    ListProjectsResponse,
    OrganizationCustomRoleAssignment,
    OrganizationMembership,
    OrganizationPredefinedRoleAssignment,
    PredefinedRoleAssignment,
    Project,
    SpaceMembership,
    Tag,
)
from tests.generated.test_models_roundtrip import (
    COMPONENTS,
    REF_PREFIX,
    ROUNDTRIP_SETTINGS,
    SPEC,
    assert_same_json,
    is_object_model,
    make_validator,
    strategy_for,
)
from tests.support.plain_client import PlainClient
from tests.support.scripted import ScriptedServer

FUTURE_FIELD = {"nested": {"list": [1, "two", None, {"deep": True}]}, "flag": False}
CREATED = "2024-05-01T12:34:56.789000+00:00"


# --------------------------------------------------------------------------------------------
# (a) Hand-written cases
# --------------------------------------------------------------------------------------------


def project_json(**extra: Any) -> dict[str, Any]:
    return {"id": "p1", "name": "proj", "space_id": "s1", "created_at": CREATED, **extra}


def test_project_with_unknown_enum_value_and_unknown_field() -> None:
    data = project_json(project_type="AGENT_SWARM", owner_team=copy.deepcopy(FUTURE_FIELD))

    project = Project.from_dict(data)

    assert project.project_type == "AGENT_SWARM"
    assert project.additional_properties == {"owner_team": FUTURE_FIELD}
    assert project["owner_team"] == FUTURE_FIELD
    assert project.to_dict() == data
    assert Project.from_dict(project.to_dict()) == project


def test_known_enum_value_and_null_still_parse() -> None:
    assert Project.from_dict(project_json(project_type="HARNESS")).project_type == "HARNESS"
    assert Project.from_dict(project_json(project_type=None)).project_type is None


def test_tag_with_unknown_color_and_unknown_field() -> None:
    data = {
        "id": "t1",
        "name": "tag",
        "space_id": "s1",
        "created_at": CREATED,
        "updated_at": CREATED,
        "description": None,
        "color": "ULTRAVIOLET",
        "usage_count": 7,
    }

    tag = Tag.from_dict(data)

    assert tag.color == "ULTRAVIOLET"
    assert tag.description is None
    assert tag.additional_properties == {"usage_count": 7}
    assert tag.to_dict() == data


def test_list_response_keeps_unknown_fields_at_every_level() -> None:
    data = {
        "projects": [
            project_json(project_type="APPLICATION"),
            project_json(id="p2", project_type="NEW_KIND", archived=True, labels=["x"]),
        ],
        "pagination": {"has_more": True, "next_cursor": "c2", "total_estimate": 1234},
        "request_id": "r-1",
    }

    page = ListProjectsResponse.from_dict(copy.deepcopy(data))

    assert [p.project_type for p in page.projects] == ["APPLICATION", "NEW_KIND"]
    assert page.projects[1].additional_properties == {"archived": True, "labels": ["x"]}
    assert page.pagination.additional_properties == {"total_estimate": 1234}
    assert page.additional_properties == {"request_id": "r-1"}
    assert page.to_dict() == data


MEMBERSHIP = {"id": "m1", "user_id": "u1", "space_id": "s1"}


@pytest.mark.parametrize(
    ("role", "variant"),
    [
        ({"type": "PREDEFINED", "name": "ADMIN"}, PredefinedRoleAssignment),
        ({"type": "PREDEFINED", "name": "OWNER", "granted_by": "u0"}, PredefinedRoleAssignment),
        # An extra `id` makes it look like a CustomRoleAssignment; the `type` const decides.
        ({"type": "PREDEFINED", "name": "MEMBER", "id": "r9"}, PredefinedRoleAssignment),
        ({"type": "CUSTOM", "id": "r1"}, CustomRoleAssignment),
        (
            {"type": "CUSTOM", "id": "r1", "name": "Reviewer", "permissions": ["read"]},
            CustomRoleAssignment,
        ),
    ],
)
def test_space_membership_picks_the_variant_by_type(role: dict[str, Any], variant: type) -> None:
    data = {**MEMBERSHIP, "role": role, "invited_at": CREATED}

    membership = SpaceMembership.from_dict(copy.deepcopy(data))

    assert type(membership.role) is variant
    assert membership.role.type_ == role["type"]
    known = {"type", "name"} if variant is PredefinedRoleAssignment else {"type", "id", "name"}
    extra = {k: v for k, v in role.items() if k not in known}
    assert membership.role.additional_properties == extra
    assert membership.additional_properties == {"invited_at": CREATED}
    assert membership.to_dict() == data
    assert SpaceMembership.from_dict(membership.to_dict()) == membership


@pytest.mark.parametrize(
    ("role", "variant"),
    [
        ({"type": "PREDEFINED", "name": "ANNOTATOR", "x": 1}, OrganizationPredefinedRoleAssignment),
        (
            {"type": "PREDEFINED", "name": "BILLING", "id": "r"},
            OrganizationPredefinedRoleAssignment,
        ),
        ({"type": "CUSTOM", "id": "r1", "x": [1]}, OrganizationCustomRoleAssignment),
    ],
)
def test_organization_membership_picks_the_variant_by_type(
    role: dict[str, Any], variant: type
) -> None:
    data = {"id": "m1", "user_id": "u1", "organization_id": "o1", "role": role}

    membership = OrganizationMembership.from_dict(copy.deepcopy(data))

    assert type(membership.role) is variant
    assert membership.to_dict() == data


@pytest.mark.parametrize("model", [SpaceMembership, OrganizationMembership])
def test_membership_with_unknown_role_assignment_type(model: type) -> None:
    # The discriminator is documented as a *RoleAssignmentType enum value: a newer server may
    # send a kind this client does not know. The membership still parses; the role is kept as
    # sent in an UnknownVariant.
    owner = "space_id" if model is SpaceMembership else "organization_id"
    role = {"type": "GROUP", "id": "g1", "members": ["u1", "u2"]}
    data = {"id": "m1", "user_id": "u1", owner: "s1", "role": role, "since": CREATED}

    membership = model.from_dict(copy.deepcopy(data))

    assert isinstance(membership.role, UnknownVariant)
    assert membership.role.data == role
    assert membership.role["type"] == "GROUP"
    assert membership.additional_properties == {"since": CREATED}
    assert membership.to_dict() == data
    assert model.from_dict(membership.to_dict()) == membership


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ({"type": "CUSTOM"}, KeyError),  # a known kind missing its required `id`
        ({"type": "PREDEFINED"}, KeyError),  # ... or its required `name`
        ("CUSTOM", TypeError),  # not an object at all
    ],
)
def test_malformed_known_role_assignment_still_raises(role: Any, error: type) -> None:
    # Forward compatibility is for kinds the client does not know, not a licence to swallow
    # a known kind that is malformed.
    data = {**MEMBERSHIP, "role": role}

    with pytest.raises(error):
        SpaceMembership.from_dict(data)


LLM_INTEGRATION = {
    "id": "i1",
    "type": "LLM",
    "name": "vertex",
    "scopings": [],
    "created_at": CREATED,
    "updated_at": CREATED,
    "created_by_user_id": "u1",
}


def test_a_variant_is_refused_for_its_kind_before_its_members() -> None:
    # AnthropicConfig lists `is_function_calling_enabled` before its `provider` const; a config
    # of another provider lacks that member, and must still be refused for its provider: a
    # provider from the future is an UnknownVariant, not a missing-member error.
    vertex = {
        "provider": "VERTEX_AI",
        "project_id": "p",
        "location": "l",
        "project_access_label": "x",
    }
    parsed = models.LlmIntegration.from_dict({**LLM_INTEGRATION, "config": vertex})
    assert isinstance(parsed.config, models.VertexAiConfig)

    future = {"provider": "MISTRAL", "api_base": "https://example.test"}
    parsed = models.LlmIntegration.from_dict({**LLM_INTEGRATION, "config": future})
    assert isinstance(parsed.config, UnknownVariant) and parsed.config.data == future
    assert parsed.to_dict()["config"] == future

    with pytest.raises(KeyError):  # a known provider missing a required member still raises
        models.LlmIntegration.from_dict({**LLM_INTEGRATION, "config": {"provider": "GEMINI"}})


@pytest.mark.parametrize(
    ("evaluator", "variant"),
    [
        ({"evaluator_id": "e1", "query_filter": "x"}, models.SpanEvaluatorInput),
        (
            {
                "evaluator_id": "e1",
                "query_mappings": [{"variable_name": "v", "query_ids": [], "attribute_path": "a"}],
            },
            models.TraceOrSessionEvaluatorInput,
        ),
    ],
)
def test_a_closed_variant_that_would_drop_members_is_not_the_match(
    evaluator: dict[str, Any], variant: type
) -> None:
    # TaskEvaluatorInput has no discriminator, and SpanEvaluatorInput needs only evaluator_id:
    # parsed first, it would take a trace evaluator and silently drop its query_mappings.
    body = {"name": "t", "type": "CODE_EVALUATION", "evaluators": [evaluator]}

    request = models.CreateCodeEvaluationTaskRequest.from_dict(copy.deepcopy(body))

    assert type(request.evaluators[0]) is variant
    assert request.to_dict() == body


# --------------------------------------------------------------------------------------------
# (a') Every model a response can carry, with unknown members and enum values everywhere
# --------------------------------------------------------------------------------------------


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def response_models() -> list[str]:
    """Object schemas reachable from any response body (success or error) in the spec."""
    responses = [
        response
        for path_item in SPEC["paths"].values()
        for operation in path_item.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
    ]
    responses += SPEC["components"].get("responses", {}).values()
    todo = [r for r in _refs(responses) if r.startswith(REF_PREFIX)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()[len(REF_PREFIX) :]
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(COMPONENTS[name]))
    return sorted(name for name in seen if is_object_model(COMPONENTS[name]))


RESPONSE_MODELS = response_models()
UNKNOWN_ENUM_VALUE = "VALUE_FROM_THE_FUTURE"
UNKNOWN_MEMBER = "member_from_the_future"


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"][len(REF_PREFIX) :]]
    return schema


def inject_unknowns(schema: dict[str, Any], value: Any, *, new_kinds: bool = False) -> Any:
    """`value` with an unknown member in every open object and unknown values in every enum.

    With `new_kinds`, the discriminator of every discriminated union also gets a value the spec
    does not list (a kind added by a newer server); otherwise the variant's const is kept.
    """
    schema = _resolve(schema)
    if "enum" in schema and isinstance(value, str):
        return UNKNOWN_ENUM_VALUE
    for union in ("anyOf", "oneOf"):
        if union in schema:
            branches = [_resolve(b) for b in schema[union]]
            if isinstance(value, str) and any("enum" in b for b in branches):
                return UNKNOWN_ENUM_VALUE
            tag = schema.get("discriminator", {}).get("propertyName")
            if new_kinds and tag is not None and isinstance(value, dict):
                return {**value, tag: UNKNOWN_ENUM_VALUE, UNKNOWN_MEMBER: FUTURE_FIELD}
            for branch in branches:
                if make_validator(branch).is_valid(value):
                    return inject_unknowns(branch, value, new_kinds=new_kinds)
            raise AssertionError(f"no branch of {schema} matches {value!r}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        out = {
            key: inject_unknowns(properties[key], item, new_kinds=new_kinds)
            if key in properties
            else item
            for key, item in value.items()
        }
        additional = schema.get("additionalProperties", True)
        if additional is True or additional == {}:
            out[UNKNOWN_MEMBER] = copy.deepcopy(FUTURE_FIELD)
        elif isinstance(additional, dict):
            out = {
                key: item
                if key in properties
                else inject_unknowns(additional, item, new_kinds=new_kinds)
                for key, item in out.items()
            }
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [inject_unknowns(schema["items"], item, new_kinds=new_kinds) for item in value]
    return value


def test_response_models_found() -> None:
    assert {"Project", "ListProjectsResponse", "SpaceMembership", "Problem"} <= set(RESPONSE_MODELS)


@pytest.mark.parametrize("model_name", RESPONSE_MODELS)
def test_response_schemas_leave_objects_open(model_name: str) -> None:
    # A closed object (additionalProperties: false) in a response would license a client to
    # reject a newer server's answer; the spec keeps every response object open.
    assert COMPONENTS[model_name].get("additionalProperties", True) is not False


@pytest.mark.parametrize("model_name", RESPONSE_MODELS)
@ROUNDTRIP_SETTINGS
@given(data=st.data())
def test_response_model_keeps_unknowns(model_name: str, data: st.DataObject) -> None:
    model = getattr(models, model_name)
    instance = data.draw(strategy_for(model_name), label="instance")
    new_kinds = data.draw(st.booleans(), label="new_kinds")
    future = inject_unknowns(COMPONENTS[model_name], instance, new_kinds=new_kinds)
    assert future[UNKNOWN_MEMBER] == FUTURE_FIELD

    parsed = model.from_dict(copy.deepcopy(future))

    assert_same_json(future, parsed.to_dict())
    assert model.from_dict(parsed.to_dict()) == parsed


# --------------------------------------------------------------------------------------------
# (b) Over a real socket, through the generated operations
# --------------------------------------------------------------------------------------------

FUTURE_PROJECT = {
    "id": "p 1/ü",
    "name": "proj",
    "space_id": "s1",
    "created_at": "2024-05-01T12:34:56.123456789Z",
    "project_type": "AGENT_SWARM",
    "owner_team": FUTURE_FIELD,
}


def assert_future_project(project: Project) -> None:
    assert isinstance(project, Project)
    assert project.project_type == "AGENT_SWARM"
    assert project.additional_properties == {"owner_team": FUTURE_FIELD}
    dumped = project.to_dict()
    assert dumped["owner_team"] == FUTURE_FIELD
    assert dumped["project_type"] == "AGENT_SWARM"
    assert dumped["created_at"] == "2024-05-01T12:34:56.123456+00:00"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


def test_get_project_sync_over_http(server: ScriptedServer) -> None:
    server.add("GET", "/v2/projects/p%201%2F%C3%BC", json=FUTURE_PROJECT)
    client = PlainClient(server.url)
    try:
        project = get_project.sync(project_id="p 1/ü", client=client)
    finally:
        client.close()

    assert_future_project(project)
    [request] = server.requests
    assert request.method == "GET"
    assert request.header("authorization") == "Bearer test-key"


def test_get_project_asyncio_over_http(server: ScriptedServer) -> None:
    server.add("GET", "/v2/projects/p1", json={**FUTURE_PROJECT, "id": "p1"})

    async def call() -> Project:
        client = PlainClient(server.url)
        try:
            return await get_project.asyncio(project_id="p1", client=client)
        finally:
            await client.aclose()
            client.close()

    project = asyncio.run(call())

    assert_future_project(project)
    assert [r.path for r in server.requests] == ["/v2/projects/p1"]


def test_list_projects_sync_over_http(server: ScriptedServer) -> None:
    body = {
        "projects": [FUTURE_PROJECT, project_json(project_type="HARNESS")],
        "pagination": {"has_more": False, "total_estimate": 2},
        "request_id": "r-1",
    }
    server.add("GET", "/v2/projects", json=body)
    client = PlainClient(server.url)
    try:
        page = list_projects.sync(client=client, space_id="s1", project_type="APPLICATION")
    finally:
        client.close()

    assert_future_project(page.projects[0])
    assert page.projects[1].project_type == "HARNESS"
    assert page.pagination.additional_properties == {"total_estimate": 2}
    assert page.additional_properties == {"request_id": "r-1"}
    [request] = server.requests
    assert request.query["space_id"] == ["s1"]
    assert request.query["project_type"] == ["APPLICATION"]
