"""Forward compatibility over the wire: a newer server's answers parse, and keep what they carry.

Unknown fields (at every level), unknown enum values, an unknown discriminator of a
polymorphic member and extra problem members, sent by a real server to both clients through
the generated operations and the paginator.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from arize_api import APIStatusError, ConflictError, InternalServerError
from arize_api._unions import UnknownVariant
from arize_api.api.organizations import add_organization_user
from arize_api.api.projects import get_project, list_projects
from arize_api.api.spaces import add_space_user
from arize_api.api.v1 import log_record
from arize_api.models import (
    AddOrganizationUserRequest,
    AddSpaceUserRequest,
    OrganizationPredefinedRoleAssignmentRequest,
    PredefinedRoleAssignmentRequest,
    V1Record,
)
from tests.support.clients import Flavour
from tests.support.reliability import make_client, one_typed_error
from tests.support.scripted import Reply, ScriptedServer

pytest_plugins = ["tests.support.clients", "tests.support.reliability"]
pytestmark = [pytest.mark.usefixtures("clean_env", "leak_guard"), pytest.mark.timeout(30)]

CREATED = "2024-05-01T12:34:56+00:00"
FUTURE = {"nested": {"list": [1, "two", None, {"deep": True}]}, "flag": False}
PROBLEM = {"Content-Type": "application/problem+json"}


def project(pid: str, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "name": f"p {pid}", "space_id": "s1", "created_at": CREATED, **extra}


def test_unknown_discriminator_parses_into_an_unknown_variant(
    flavour: Flavour, server: ScriptedServer
) -> None:
    role = {"type": "SOMETHING_NEW", "group_id": "g1", "scopes": ["read", "annotate"]}
    sent = {"id": "m1", "user_id": "u1", "space_id": "s1", "role": role, "invited_by": FUTURE}
    server.add("POST", "/v2/spaces/s1/users", json=sent)
    client = make_client(flavour, server.url)
    body = AddSpaceUserRequest(
        user_id="u1", role=PredefinedRoleAssignmentRequest(type_="PREDEFINED", name="MEMBER")
    )
    membership = flavour.call(add_space_user, "s1", client=client, body=body)
    assert isinstance(membership.role, UnknownVariant)
    assert membership.role["type"] == "SOMETHING_NEW"
    assert membership.role.data == role
    assert repr(membership.role) == "UnknownVariant(type='SOMETHING_NEW')"
    assert membership.additional_properties == {"invited_by": FUTURE}
    assert membership.to_dict() == sent  # nothing lost on the way through


def test_unknown_organization_role_kind_parses(flavour: Flavour, server: ScriptedServer) -> None:
    role = {"type": "SCIM_GROUP", "group": "eng"}
    sent = {"id": "m1", "user_id": "u1", "organization_id": "o1", "role": role}
    server.add("POST", "/v2/organizations/o1/users", json=sent)
    client = make_client(flavour, server.url)
    body = AddOrganizationUserRequest(
        user_id="u1",
        role=OrganizationPredefinedRoleAssignmentRequest(type_="PREDEFINED", name="MEMBER"),
    )
    membership = flavour.call(add_organization_user, "o1", client=client, body=body)
    assert isinstance(membership.role, UnknownVariant)
    assert membership.to_dict() == sent


def test_unknown_enum_value_and_unknown_fields_parse(
    flavour: Flavour, server: ScriptedServer
) -> None:
    sent = project("p1", project_type="AGENT_SWARM", owner_team=FUTURE, archived=True)
    server.add("GET", "/v2/projects/p1", json=sent)
    client = make_client(flavour, server.url)
    got = flavour.call(get_project, "p1", client=client)
    assert got.project_type == "AGENT_SWARM"
    assert got.additional_properties == {"owner_team": FUTURE, "archived": True}
    assert got.to_dict() == sent


def test_walk_over_pages_with_unknowns_at_every_level(
    flavour: Flavour, server: ScriptedServer
) -> None:
    page1 = {
        "projects": [project("p1", project_type="NEW_KIND", labels=["x"])],
        "pagination": {"has_more": True, "next_cursor": "c2", "total_estimate": 2},
        "request_id": "r1",
    }
    page2 = {
        "projects": [project("p2", project_type="APPLICATION")],
        "pagination": {"has_more": False, "next_cursor": None, "hint": "done"},
        "served_by": {"region": "mars"},
    }
    server.add("GET", "/v2/projects?limit=50", json=copy.deepcopy(page1))
    server.add("GET", "/v2/projects?limit=50&cursor=c2", json=copy.deepcopy(page2))
    client = make_client(flavour, server.url)
    pages = flavour.items(client.paginate(list_projects, pages=True))
    assert [p.to_dict() for p in pages] == [page1, page2]
    items = flavour.items(client.paginate(list_projects))
    assert [(p.id, p.project_type) for p in items] == [("p1", "NEW_KIND"), ("p2", "APPLICATION")]


def test_v1_answer_with_unknown_fields_is_accepted(
    flavour: Flavour, server: ScriptedServer
) -> None:
    """A 2xx of /v1/log promises no body: whatever it holds, the record was taken."""
    server.add("POST", "/v1/log", json={"accepted": 1, "trace": {"id": "t"}})
    client = make_client(flavour, server.url)
    got = flavour.call(log_record, client=client, body=V1Record(model_id="m", prediction_id="p"))
    assert got is None


EXTRA_MEMBERS = {
    "error_code": "DUPLICATE_NAME",
    "errors": [{"pointer": "/name", "detail": "taken"}],
    "conflicting_id": "RGF0YXNldDo5",
    "retryable": False,
    "docs": {"url": "https://arize.com/docs/errors#dup", "since": "2026-01"},
}


def test_extra_problem_members_land_in_extra(flavour: Flavour, server: ScriptedServer) -> None:
    problem = {
        "type": "https://arize.com/problems/duplicate-name",
        "title": "Conflict",
        "status": 409,
        "detail": "a project named p already exists",
        "instance": "/v2/projects/p1",
        "request_id": "req-9",
        **EXTRA_MEMBERS,
    }
    server.add("GET", "/v2/projects/p1", Reply(409, json=problem, headers=PROBLEM))
    client = make_client(flavour, server.url)
    error = one_typed_error(lambda: flavour.call(get_project, "p1", client=client), ConflictError)
    assert (error.status, error.title, error.detail) == (409, "Conflict", problem["detail"])
    assert error.type == problem["type"] and error.instance == "/v2/projects/p1"
    assert error.request_id == "req-9"
    assert error.extra == {"request_id": "req-9", **EXTRA_MEMBERS}
    assert error.body == problem
    assert str(error) == (
        "409 GET /v2/projects/p1: Conflict - a project named p already exists (request id req-9)"
    )


@pytest.mark.parametrize(
    ("status", "cls"), [(418, APIStatusError), (451, APIStatusError), (503, InternalServerError)]
)
def test_extra_members_on_unexpected_statuses(
    flavour: Flavour, server: ScriptedServer, status: int, cls: type[APIStatusError]
) -> None:
    problem = {"title": "Odd", "status": status, **EXTRA_MEMBERS}
    server.add("GET", "/v2/projects/p1", Reply(status, json=problem, headers=PROBLEM))
    client = make_client(flavour, server.url)
    error = one_typed_error(lambda: flavour.call(get_project, "p1", client=client), cls)
    assert error.status == status and error.extra == EXTRA_MEMBERS


def test_problem_members_of_unexpected_types_do_not_break_the_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    problem = {"title": 42, "detail": ["a", "list"], "type": None, "status": "409", "x": 1}
    server.add("GET", "/v2/projects/p1", Reply(409, json=problem, headers=PROBLEM))
    client = make_client(flavour, server.url)
    error = one_typed_error(lambda: flavour.call(get_project, "p1", client=client), ConflictError)
    assert (error.title, error.detail, error.type) == (None, None, None)
    assert error.extra == {"x": 1}
    assert str(error).startswith("409 GET /v2/projects/p1: ")
