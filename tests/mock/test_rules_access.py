"""Rules of API keys, roles, role bindings, resource restrictions and the audit log, one
test each over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

STAMP = "%Y-%m-%dT%H:%M:%SZ"


def _role(name: str) -> JSON:
    return {"type": "PREDEFINED", "name": name}


def _service(ctx: Ctx, space_role: str | None = None, **extra: Any) -> JSON:
    space: JSON = {"space_id": ctx.space_id}
    if space_role:
        space["role"] = _role(space_role)
    body: JSON = {
        "key_type": "SERVICE",
        "name": "bot",
        "organizations": [{"org_id": ctx.org_id, "spaces": [space]}],
    }
    body.update(extra)
    return body


# -- API keys -------------------------------------------------------------------------------


@covers("api-keys.create.secret-shown-once")
def test_api_keys__create__secret_shown_once(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/api-keys", {"key_type": "USER", "name": "k"})
    assert made["key"].endswith(made["redacted_key"][-4:])
    listed = [k for k in ctx.ok("GET", "/v2/api-keys")["api_keys"] if k["id"] == made["id"]]
    assert listed and "key" not in listed[0]
    assert ctx.status("GET", "/v2/datasets", key=made["key"]) == 200


@covers("api-keys.create.service-role-defaults")
def test_api_keys__create__service_role_defaults(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/api-keys", _service(ctx))
    bot = made["bot_user"]
    assert bot["account_role"]["name"] == "MEMBER"
    (org,) = bot["organizations"]
    assert org["role"]["name"] == "READ_ONLY" and org["spaces"][0]["role"]["name"] == "MEMBER"


@covers("api-keys.create.service-keys-by-space-members")
def test_api_keys__create__service_keys_by_space_members(ctx: Ctx) -> None:
    member = ctx.key("member")
    assert ctx.status("POST", "/v2/api-keys", _service(ctx), key=member) == 201
    reader = ctx.key("read-only")
    assert ctx.status("POST", "/v2/api-keys", _service(ctx), key=reader) == 403


@covers("api-keys.create.no-role-above-ones-own")
def test_api_keys__create__no_role_above_ones_own(ctx: Ctx) -> None:
    member = ctx.key("member")
    assert ctx.status("POST", "/v2/api-keys", _service(ctx, "ADMIN"), key=member) == 422
    body = _service(ctx, account_role=_role("ADMIN"))
    assert ctx.status("POST", "/v2/api-keys", body, key=member) == 422


@covers("api-keys.create.expiry-in-the-future")
def test_api_keys__create__expiry_in_the_future(ctx: Ctx) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).strftime(STAMP)
    assert (
        ctx.status("POST", "/v2/api-keys", {"key_type": "USER", "name": "k", "expires_at": past})
        == 422
    )


@covers("api-keys.list.user-filter-admins-only")
def test_api_keys__list__user_filter_admins_only(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key({ctx.space_id: "member"})
    params = {"user_id": credentials.user_id}
    assert ctx.status("GET", "/v2/api-keys", params=params, key=credentials.api_key) == 403
    assert len(ctx.ok("GET", "/v2/api-keys", params=params)["api_keys"]) == 1


@covers("api-keys.list.space-lists-service-keys")
def test_api_keys__list__space_lists_service_keys(ctx: Ctx) -> None:
    service = ctx.ok("POST", "/v2/api-keys", _service(ctx))["id"]
    listed = ctx.ok("GET", "/v2/api-keys", params={"space_id": ctx.space_id})["api_keys"]
    assert [k["id"] for k in listed] == [service]


@covers("api-keys.list.own-keys-only")
def test_api_keys__list__own_keys_only(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key({ctx.space_id: "member"})
    listed = ctx.ok("GET", "/v2/api-keys", key=credentials.api_key)["api_keys"]
    assert {k["created_by_user_id"] for k in listed} == {credentials.user_id}


@covers("api-keys.refresh.old-key-stops")
def test_api_keys__refresh__old_key_stops(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/api-keys", {"key_type": "USER", "name": "k"})
    fresh = ctx.ok("POST", f"/v2/api-keys/{made['id']}/refresh", {})
    assert fresh["key"] != made["key"] and fresh["name"] == "k"
    assert ctx.status("GET", "/v2/datasets", key=made["key"]) == 401
    assert ctx.status("GET", "/v2/datasets", key=fresh["key"]) == 200


@covers("api-keys.refresh.grace-period")
def test_api_keys__refresh__grace_period(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/api-keys", {"key_type": "USER", "name": "k"})
    ctx.ok("POST", f"/v2/api-keys/{made['id']}/refresh", {"grace_period_seconds": 60})
    assert ctx.status("GET", "/v2/datasets", key=made["key"]) == 200


@covers("api-keys.refresh.expiring-key-needs-no-later-expiry")
def test_api_keys__refresh__expiring_key_needs_no_later_expiry(ctx: Ctx) -> None:
    soon = datetime.now(UTC) + timedelta(days=2)
    made = ctx.ok(
        "POST",
        "/v2/api-keys",
        {"key_type": "USER", "name": "k", "expires_at": soon.strftime(STAMP)},
    )
    path = f"/v2/api-keys/{made['id']}/refresh"
    assert ctx.status("POST", path, {}) == 422
    later = (soon + timedelta(days=1)).strftime(STAMP)
    assert ctx.status("POST", path, {"expires_at": later}) == 422
    earlier = (soon - timedelta(days=1)).strftime(STAMP)
    assert ctx.call("POST", path, {"expires_at": earlier}).is_success


@covers("api-keys.revoke.idempotent")
def test_api_keys__revoke__idempotent(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/api-keys", {"key_type": "USER", "name": "k"})
    assert ctx.status("PUT", f"/v2/api-keys/{made['id']}/revoke") == 204
    assert ctx.status("PUT", f"/v2/api-keys/{made['id']}/revoke") == 204
    assert ctx.status("GET", "/v2/datasets", key=made["key"]) == 401


@covers("api-keys.revoke.others-keys-404")
def test_api_keys__revoke__others_keys_404(ctx: Ctx) -> None:
    made = ctx.ok("POST", "/v2/api-keys", {"key_type": "USER", "name": "k"})
    other = ctx.key("member")
    assert ctx.status("PUT", f"/v2/api-keys/{made['id']}/revoke", key=other) == 404


# -- roles ------------------------------------------------------------------------------------


def _custom(ctx: Ctx, name: str = "custom") -> JSON:
    return dict(ctx.ok("POST", "/v2/roles", {"name": name, "permissions": ["DATASET_READ"]}))


@covers("roles.create.name-unique-in-account")
def test_roles__create__name_unique_in_account(ctx: Ctx) -> None:
    _custom(ctx, "same")
    assert ctx.status("POST", "/v2/roles", {"name": "same", "permissions": ["DATASET_READ"]}) == 409
    assert (
        ctx.status("POST", "/v2/roles", {"name": "Admin", "permissions": ["DATASET_READ"]}) == 409
    )


@covers("roles.create.permissions-required")
def test_roles__create__permissions_required(ctx: Ctx) -> None:
    assert ctx.status("POST", "/v2/roles", {"name": "r"}) == 400
    assert ctx.status("POST", "/v2/roles", {"name": "r", "permissions": []}) == 422
    assert (
        ctx.status("POST", "/v2/roles", {"name": "r", "permissions": ["NOT_A_PERMISSION"]}) == 400
    )


@covers("roles.create.system-fields-rejected")
def test_roles__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at", "updated_at", "is_predefined"):
        body = {"name": member, "permissions": ["DATASET_READ"], member: True}
        assert ctx.status("POST", "/v2/roles", body) == 422


@covers("roles.update.permissions-replaced")
def test_roles__update__permissions_replaced(ctx: Ctx) -> None:
    role = _custom(ctx)
    changed = ctx.ok(
        "PATCH", f"/v2/roles/{role['id']}", {"permissions": ["PROJECT_READ", "DATASET_CREATE"]}
    )
    assert changed["permissions"] == ["PROJECT_READ", "DATASET_CREATE"]
    assert changed["name"] == "custom"


@covers("roles.update.needs-a-member")
def test_roles__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/roles/{_custom(ctx)['id']}", {}) == 400


@covers("roles.update.predefined-fixed")
def test_roles__update__predefined_fixed(ctx: Ctx) -> None:
    predefined = ctx.ok("GET", "/v2/roles", params={"is_predefined": "true"})["roles"][0]["id"]
    assert ctx.status("PATCH", f"/v2/roles/{predefined}", {"description": "x"}) == 403
    assert ctx.status("DELETE", f"/v2/roles/{predefined}") == 403


@covers("roles.delete.bound-role-409")
def test_roles__delete__bound_role_409(ctx: Ctx) -> None:
    role, binding = ctx.world["role_id"], ctx.world["binding_id"]
    assert ctx.status("DELETE", f"/v2/roles/{role}") == 409
    ctx.ok("DELETE", f"/v2/role-bindings/{binding}")
    assert ctx.status("DELETE", f"/v2/roles/{role}") == 204


@covers("roles.list.annotators-403")
def test_roles__list__annotators_403(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key()
    with ctx.mock.state.lock:
        ctx.mock.state.users[credentials.user_id].role = "ANNOTATOR"
    assert ctx.status("GET", "/v2/roles", key=credentials.api_key) == 403
    assert ctx.status("GET", "/v2/roles", key=ctx.key("member")) == 200


# -- role bindings ----------------------------------------------------------------------------


def _binding_body(ctx: Ctx, user: str, **extra: Any) -> JSON:
    body: JSON = {
        "role_id": ctx.world["role_id"],
        "user_id": user,
        "resource_type": "SPACE",
        "resource_id": ctx.space_id,
    }
    body.update(extra)
    return body


@covers("role-bindings.create.one-per-user-and-resource")
def test_role_bindings__create__one_per_user_and_resource(ctx: Ctx) -> None:
    user = ctx.world["user_id"]  # already bound on the space
    assert ctx.status("POST", "/v2/role-bindings", _binding_body(ctx, user)) == 409
    project = {"resource_type": "PROJECT", "resource_id": ctx.world["project_id"]}
    assert ctx.status("POST", "/v2/role-bindings", _binding_body(ctx, user, **project)) == 201


@covers("role-bindings.create.id-of-the-resource-type")
def test_role_bindings__create__id_of_the_resource_type(ctx: Ctx) -> None:
    body = _binding_body(ctx, ctx.user(), resource_type="PROJECT")  # a space id
    assert ctx.status("POST", "/v2/role-bindings", body) == 400


@covers("role-bindings.create.unknown-resource-403")
def test_role_bindings__create__unknown_resource_403(ctx: Ctx) -> None:
    body = _binding_body(
        ctx, ctx.user(), resource_type="PROJECT", resource_id="TW9kZWw6OTk5Onh4eHg="
    )
    assert ctx.status("POST", "/v2/role-bindings", body) == 403
    body = _binding_body(ctx, ctx.user())
    assert ctx.status("POST", "/v2/role-bindings", body, key=ctx.key("member")) == 403


@covers("role-bindings.create.unknown-user-or-role-404")
def test_role_bindings__create__unknown_user_or_role_404(ctx: Ctx) -> None:
    assert (
        ctx.status("POST", "/v2/role-bindings", _binding_body(ctx, "VXNlcjo5OTk6eHh4eA==")) == 404
    )
    body = _binding_body(ctx, ctx.user(), role_id="Um9sZTo5OTk6eHh4eA==")
    assert ctx.status("POST", "/v2/role-bindings", body) == 404


@covers("role-bindings.get.admins-only-404")
def test_role_bindings__get__admins_only_404(ctx: Ctx) -> None:
    binding = ctx.world["binding_id"]
    member = ctx.key("member")
    assert ctx.status("GET", f"/v2/role-bindings/{binding}", key=member) == 404
    assert ctx.status("DELETE", f"/v2/role-bindings/{binding}", key=member) == 404
    assert ctx.status("GET", f"/v2/role-bindings/{binding}") == 200


@covers("role-bindings.update.role-id-only")
def test_role_bindings__update__role_id_only(ctx: Ctx) -> None:
    binding = ctx.world["binding_id"]
    other = ctx.ok("POST", "/v2/roles", {"name": "other", "permissions": ["PROJECT_READ"]})["id"]
    assert (
        ctx.status(
            "PATCH", f"/v2/role-bindings/{binding}", {"role_id": other, "user_id": ctx.user()}
        )
        == 422
    )
    changed = ctx.ok("PATCH", f"/v2/role-bindings/{binding}", {"role_id": other})
    assert changed["role_id"] == other and changed["user_id"] == ctx.world["user_id"]


@covers("role-bindings.list.readable-spaces-only")
def test_role_bindings__list__readable_spaces_only(ctx: Ctx) -> None:
    assert ctx.world["binding_id"]  # a binding on the space
    params = {"resource_type": "SPACE"}
    member = ctx.key("member")
    answer = ctx.call("GET", "/v2/role-bindings", params=params, key=member)
    assert answer.status_code == 200 and answer.json()["role_bindings"] == []
    assert len(ctx.ok("GET", "/v2/role-bindings", params=params)["role_bindings"]) == 1


@covers("role-bindings.list.unknown-user-404")
def test_role_bindings__list__unknown_user_404(ctx: Ctx) -> None:
    params = {"resource_type": "SPACE", "user_id": "VXNlcjo5OTk6eHh4eA=="}
    assert ctx.status("GET", "/v2/role-bindings", params=params) == 404


# -- resource restrictions -------------------------------------------------------------------


@covers("resource-restrictions.create.idempotent-200")
def test_resource_restrictions__create__idempotent_200(ctx: Ctx) -> None:
    project = ctx.project()
    first = ctx.call("POST", "/v2/resource-restrictions", {"resource_id": project})
    again = ctx.call("POST", "/v2/resource-restrictions", {"resource_id": project})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()


@covers("resource-restrictions.create.restrictable-types-only-400")
def test_resource_restrictions__create__restrictable_types_only_400(ctx: Ctx) -> None:
    dataset = ctx.dataset()["id"]
    for resource in ("Not a valid global ID", dataset):
        assert ctx.status("POST", "/v2/resource-restrictions", {"resource_id": resource}) == 400
    assert (
        ctx.status("POST", "/v2/resource-restrictions", {"resource_id": "TW9kZWw6OTk5Onh4eHg="})
        == 404
    )


@covers("resource-restrictions.create.space-admins-only")
def test_resource_restrictions__create__space_admins_only(ctx: Ctx) -> None:
    project = ctx.project()
    assert (
        ctx.status(
            "POST", "/v2/resource-restrictions", {"resource_id": project}, key=ctx.key("member")
        )
        == 403
    )


@covers("resource-restrictions.create.hides-from-non-admins")
def test_resource_restrictions__create__hides_from_non_admins(ctx: Ctx) -> None:
    project = ctx.project()
    member = ctx.key("member")
    assert ctx.status("GET", f"/v2/projects/{project}", key=member) == 200
    ctx.ok("POST", "/v2/resource-restrictions", {"resource_id": project})
    assert ctx.status("GET", f"/v2/projects/{project}", key=member) == 404
    assert ctx.status("GET", f"/v2/projects/{project}") == 200
    ctx.ok("DELETE", f"/v2/resource-restrictions/{project}")
    assert ctx.status("GET", f"/v2/projects/{project}", key=member) == 200


@covers("resource-restrictions.delete.unrestricted-404")
def test_resource_restrictions__delete__unrestricted_404(ctx: Ctx) -> None:
    assert ctx.status("DELETE", f"/v2/resource-restrictions/{ctx.project()}") == 404


@covers("resource-restrictions.list.managed-only")
def test_resource_restrictions__list__managed_only(ctx: Ctx) -> None:
    project = ctx.project()
    ctx.ok("POST", "/v2/resource-restrictions", {"resource_id": project})
    assert (
        ctx.ok("GET", "/v2/resource-restrictions", key=ctx.key("member"))["resource_restrictions"]
        == []
    )
    listed = ctx.ok("GET", "/v2/resource-restrictions", params={"resource_type": "PROJECT"})
    assert [r["resource_id"] for r in listed["resource_restrictions"]] == [project]
    other = ctx.ok("GET", "/v2/resource-restrictions", params={"resource_type": "PROMPT"})
    assert other["resource_restrictions"] == []


# -- audit logs -------------------------------------------------------------------------------


@covers("audit-logs.list.account-admins-only-403")
def test_audit_logs__list__account_admins_only_403(ctx: Ctx) -> None:
    assert ctx.status("GET", "/v2/audit-logs", key=ctx.key("admin")) == 403  # a space admin
    assert ctx.status("GET", "/v2/audit-logs") == 200


@covers("audit-logs.list.one-entry-per-successful-request")
def test_audit_logs__list__one_entry_per_successful_request(ctx: Ctx) -> None:
    ctx.ok("GET", "/v2/datasets")
    ctx.call("GET", "/v2/datasets/TWlzc2luZzo5OTk6eHh4eA==")  # a 404: not logged
    logs = ctx.ok("GET", "/v2/audit-logs")["logs"]
    assert [entry["operation_name"] for entry in logs] == ["listDatasets"]
    assert logs[0]["operation_type"] == "QUERY"


@covers("audit-logs.list.window-inclusive")
def test_audit_logs__list__window_inclusive(ctx: Ctx) -> None:
    ctx.ok("GET", "/v2/datasets")
    (entry,) = ctx.ok("GET", "/v2/audit-logs")["logs"]
    at = entry["created_at"]
    found = ctx.ok("GET", "/v2/audit-logs", params={"start_time": at, "end_time": at})["logs"]
    assert [e["id"] for e in found] == [entry["id"]]
