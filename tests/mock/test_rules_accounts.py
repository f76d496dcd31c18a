"""Rules of projects, spaces, organizations and users, one test each over HTTP."""

from __future__ import annotations

import httpx

from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

MISSING = "TWlzc2luZzo5OTk6eHh4eA=="
MEMBER = {"type": "PREDEFINED", "name": "MEMBER"}


def _invite(
    ctx: Ctx, email: str, mode: str = "EMAIL_LINK", role: str = "MEMBER", **options: str
) -> httpx.Response:
    body = {
        "name": email.split("@")[0],
        "email": email,
        "role": {"type": "PREDEFINED", "name": role},
        "invite_mode": mode,
    }
    response: httpx.Response = ctx.call("POST", "/v2/users", body, **options)
    return response


def _user(ctx: Ctx, email: str, role: str = "MEMBER") -> JSON:
    response = _invite(ctx, email, "NONE", role)
    assert response.status_code == 201, response.text
    return dict(response.json())


# -- projects ------------------------------------------------------------------------------


@covers("projects.create.name-unique-in-space")
def test_projects__create__name_unique_in_space(ctx: Ctx) -> None:
    ctx.project("same")
    assert ctx.status("POST", "/v2/projects", {"name": "same", "space_id": ctx.space_id}) == 409
    assert ctx.status("POST", "/v2/projects", {"name": "same", "space_id": ctx.space("s2")}) == 201


@covers("projects.create.starts-as-application")
def test_projects__create__starts_as_application(ctx: Ctx) -> None:
    project = ctx.ok("POST", "/v2/projects", {"name": "app", "space_id": ctx.space_id})
    assert project["project_type"] == "APPLICATION"


@covers("projects.update.name-required")
def test_projects__update__name_required(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/projects/{ctx.project()}", {}) == 400


@covers("projects.update.name-unique-in-space")
def test_projects__update__name_unique_in_space(ctx: Ctx) -> None:
    ctx.project("taken")
    mine = ctx.project("mine")
    assert ctx.status("PATCH", f"/v2/projects/{mine}", {"name": "taken"}) in (409, 422)
    assert ctx.ok("PATCH", f"/v2/projects/{mine}", {"name": "renamed"})["name"] == "renamed"


@covers("projects.update.system-fields-rejected")
def test_projects__update__system_fields_rejected(ctx: Ctx) -> None:
    mine = ctx.project("mine")
    for member in ("id", "created_at", "updated_at"):
        assert ctx.status("PATCH", f"/v2/projects/{mine}", {"name": "x", member: "y"}) == 422


@covers("projects.list.unknown-space-404")
def test_projects__list__unknown_space_404(ctx: Ctx) -> None:
    assert ctx.status("GET", "/v2/projects", params={"space_id": MISSING}) == 404


@covers("projects.delete.takes-its-spans-and-monitors")
def test_projects__delete__takes_its_spans_and_monitors(ctx: Ctx) -> None:
    project = ctx.world["project_id"]
    monitor = ctx.world["monitor_id"]
    assert ctx.status("DELETE", f"/v2/projects/{project}") == 204
    assert ctx.status("GET", f"/v2/monitors/{monitor}") == 404
    spans = {"project_id": project, "start_time": "2000-01-01T00:00:00Z"}
    assert ctx.status("POST", "/v2/spans", spans) == 404


# -- spaces ---------------------------------------------------------------------------


@covers("spaces.create.name-unique-in-organization")
def test_spaces__create__name_unique_in_organization(ctx: Ctx) -> None:
    body = {"name": "Mock Space", "organization_id": ctx.org_id}
    assert ctx.status("POST", "/v2/spaces", body) == 409
    other = ctx.ok("POST", "/v2/organizations", {"name": "second org"})["id"]
    assert ctx.status("POST", "/v2/spaces", {**body, "organization_id": other}) == 201


@covers("spaces.create.description-defaults-empty")
def test_spaces__create__description_defaults_empty(ctx: Ctx) -> None:
    space = ctx.ok("POST", "/v2/spaces", {"name": "bare", "organization_id": ctx.org_id})
    assert space["description"] == ""


@covers("spaces.create.system-fields-rejected")
def test_spaces__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at"):
        body = {"name": "s", "organization_id": ctx.org_id, member: "x"}
        assert ctx.status("POST", "/v2/spaces", body) == 422


@covers("spaces.update.needs-a-member")
def test_spaces__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/spaces/{ctx.space_id}", {}) == 400


@covers("spaces.update.omitted-kept-null-clears")
def test_spaces__update__omitted_kept_null_clears(ctx: Ctx) -> None:
    space = ctx.ok(
        "POST",
        "/v2/spaces",
        {"name": "s", "organization_id": ctx.org_id, "description": "d", "is_private": True},
    )
    renamed = ctx.ok("PATCH", f"/v2/spaces/{space['id']}", {"name": "s2"})
    assert (renamed["description"], renamed["is_private"]) == ("d", True)
    cleared = ctx.ok("PATCH", f"/v2/spaces/{space['id']}", {"description": None})
    assert cleared["description"] == "" and cleared["name"] == "s2"


@covers("spaces.update.name-unique-in-organization")
def test_spaces__update__name_unique_in_organization(ctx: Ctx) -> None:
    other = ctx.space("other")
    assert ctx.status("PATCH", f"/v2/spaces/{other}", {"name": "Mock Space"}) == 409


@covers("spaces.delete.takes-its-contents")
def test_spaces__delete__takes_its_contents(ctx: Ctx) -> None:
    space = ctx.space("doomed")
    dataset = ctx.dataset(space_id=space)["id"]
    project = ctx.project(space_id=space)
    assert ctx.status("DELETE", f"/v2/spaces/{space}") == 204
    assert ctx.status("GET", f"/v2/datasets/{dataset}") == 404
    assert ctx.status("GET", f"/v2/projects/{project}") == 404


@covers("spaces.add-user.upsert")
def test_spaces__add_user__upsert(ctx: Ctx) -> None:
    user = ctx.user("member")
    path = f"/v2/spaces/{ctx.space_id}/users"
    first = ctx.ok(
        "POST", path, {"user_id": user, "role": {"type": "PREDEFINED", "name": "READ_ONLY"}}
    )
    second = ctx.ok(
        "POST", path, {"user_id": user, "role": {"type": "PREDEFINED", "name": "ADMIN"}}
    )
    assert first["id"] == second["id"] and second["role"]["name"] == "ADMIN"


@covers("spaces.add-user.organization-member-first")
def test_spaces__add_user__organization_member_first(ctx: Ctx) -> None:
    outsider = ctx.mock.state.create_key().user_id
    body = {"user_id": outsider, "role": MEMBER}
    assert ctx.status("POST", f"/v2/spaces/{ctx.space_id}/users", body) == 400


@covers("spaces.add-user.annotators-take-annotator-only")
def test_spaces__add_user__annotators_take_annotator_only(ctx: Ctx) -> None:
    annotator = _user(ctx, "ann@example.com", "ANNOTATOR")["id"]
    org_body = {"user_id": annotator, "role": {"type": "PREDEFINED", "name": "ANNOTATOR"}}
    ctx.ok("POST", f"/v2/organizations/{ctx.org_id}/users", org_body)
    path = f"/v2/spaces/{ctx.space_id}/users"
    assert ctx.status("POST", path, {"user_id": annotator, "role": MEMBER}) == 400
    member = ctx.user("member")
    annotate = {"type": "PREDEFINED", "name": "ANNOTATOR"}
    assert ctx.status("POST", path, {"user_id": member, "role": annotate}) == 400
    assert ctx.status("POST", path, {"user_id": annotator, "role": annotate}) == 200


@covers("spaces.remove-user.not-a-member-404")
def test_spaces__remove_user__not_a_member_404(ctx: Ctx) -> None:
    outsider = ctx.mock.state.create_key().user_id
    assert ctx.status("DELETE", f"/v2/spaces/{ctx.space_id}/users/{outsider}") == 404


@covers("spaces.remove-user.takes-role-bindings")
def test_spaces__remove_user__takes_role_bindings(ctx: Ctx) -> None:
    user, binding = ctx.world["user_id"], ctx.world["binding_id"]
    assert ctx.status("GET", f"/v2/role-bindings/{binding}") == 200
    assert ctx.status("DELETE", f"/v2/spaces/{ctx.space_id}/users/{user}") == 204
    assert ctx.status("GET", f"/v2/role-bindings/{binding}") == 404


# -- organizations -------------------------------------------------------------------------


@covers("organizations.create.name-unique-in-account")
def test_organizations__create__name_unique_in_account(ctx: Ctx) -> None:
    assert ctx.status("POST", "/v2/organizations", {"name": "Mock Organization"}) == 409


@covers("organizations.create.description-defaults-empty")
def test_organizations__create__description_defaults_empty(ctx: Ctx) -> None:
    assert ctx.ok("POST", "/v2/organizations", {"name": "bare"})["description"] == ""


@covers("organizations.create.system-fields-rejected")
def test_organizations__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at"):
        assert ctx.status("POST", "/v2/organizations", {"name": "o", member: "x"}) == 422


@covers("organizations.update.needs-a-member")
def test_organizations__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/organizations/{ctx.org_id}", {}) == 400


@covers("organizations.update.name-unique-in-account")
def test_organizations__update__name_unique_in_account(ctx: Ctx) -> None:
    other = ctx.ok("POST", "/v2/organizations", {"name": "other"})["id"]
    assert ctx.status("PATCH", f"/v2/organizations/{other}", {"name": "Mock Organization"}) == 409
    assert ctx.ok("PATCH", f"/v2/organizations/{other}", {"description": "d"})["name"] == "other"


@covers("organizations.delete.takes-its-spaces")
def test_organizations__delete__takes_its_spaces(ctx: Ctx) -> None:
    org = ctx.ok("POST", "/v2/organizations", {"name": "doomed"})["id"]
    space = ctx.ok("POST", "/v2/spaces", {"name": "s", "organization_id": org})["id"]
    dataset = ctx.dataset(space_id=space)["id"]
    assert ctx.status("DELETE", f"/v2/organizations/{org}") == 204
    assert ctx.status("GET", f"/v2/spaces/{space}") == 404
    assert ctx.status("GET", f"/v2/datasets/{dataset}") == 404


@covers("organizations.add-user.upsert")
def test_organizations__add_user__upsert(ctx: Ctx) -> None:
    user = ctx.user("member")
    path = f"/v2/organizations/{ctx.org_id}/users"
    ctx.ok("POST", path, {"user_id": user, "role": {"type": "PREDEFINED", "name": "READ_ONLY"}})
    again = ctx.ok("POST", path, {"user_id": user, "role": {"type": "PREDEFINED", "name": "ADMIN"}})
    assert again["role"]["name"] == "ADMIN"


@covers("organizations.add-user.annotators-take-annotator-only")
def test_organizations__add_user__annotators_take_annotator_only(ctx: Ctx) -> None:
    annotator = _user(ctx, "ann@example.com", "ANNOTATOR")["id"]
    path = f"/v2/organizations/{ctx.org_id}/users"
    assert (
        ctx.status(
            "POST", path, {"user_id": annotator, "role": {"type": "PREDEFINED", "name": "ADMIN"}}
        )
        == 400
    )
    assert (
        ctx.status(
            "POST",
            path,
            {"user_id": ctx.user(), "role": {"type": "PREDEFINED", "name": "ANNOTATOR"}},
        )
        == 400
    )
    assert (
        ctx.status(
            "POST",
            path,
            {"user_id": annotator, "role": {"type": "PREDEFINED", "name": "ANNOTATOR"}},
        )
        == 200
    )


@covers("organizations.remove-user.takes-space-memberships")
def test_organizations__remove_user__takes_space_memberships(ctx: Ctx) -> None:
    user, binding = ctx.world["user_id"], ctx.world["binding_id"]
    assert ctx.status("DELETE", f"/v2/organizations/{ctx.org_id}/users/{user}") == 204
    assert ctx.status("DELETE", f"/v2/spaces/{ctx.space_id}/users/{user}") == 404
    assert ctx.status("GET", f"/v2/role-bindings/{binding}") == 404


# -- users -----------------------------------------------------------------------------------


@covers("users.create.invited-again-answers-200")
def test_users__create__invited_again_answers_200(ctx: Ctx) -> None:
    first = _invite(ctx, "new@example.com")
    again = _invite(ctx, "NEW@example.com", "TEMPORARY_PASSWORD")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


@covers("users.create.active-email-409")
def test_users__create__active_email_409(ctx: Ctx) -> None:
    _user(ctx, "here@example.com")
    for mode in ("NONE", "EMAIL_LINK"):
        assert _invite(ctx, "here@example.com", mode).status_code == 409


@covers("users.create.expired-invited-anew")
def test_users__create__expired_invited_anew(ctx: Ctx) -> None:
    first = _invite(ctx, "late@example.com").json()
    with ctx.mock.state.lock:
        ctx.mock.state.users[first["id"]].status = "EXPIRED"
    again = _invite(ctx, "late@example.com")
    assert again.status_code == 201
    assert again.json()["status"] == "INVITED"


@covers("users.create.email-link-starts-invited")
def test_users__create__email_link_starts_invited(ctx: Ctx) -> None:
    answer = _invite(ctx, "link@example.com").json()
    assert answer["status"] == "INVITED" and "temporary_password" not in answer


@covers("users.create.none-starts-active")
def test_users__create__none_starts_active(ctx: Ctx) -> None:
    assert _user(ctx, "sso@example.com")["status"] == "ACTIVE"


@covers("users.create.members-invite-members-or-annotators")
def test_users__create__members_invite_members_or_annotators(ctx: Ctx) -> None:
    member = ctx.key("member")
    assert _invite(ctx, "a@example.com", role="ADMIN", key=member).status_code == 403
    assert _invite(ctx, "b@example.com", role="ANNOTATOR", key=member).status_code == 201


@covers("users.create.annotators-invite-no-one")
def test_users__create__annotators_invite_no_one(ctx: Ctx) -> None:
    _user(ctx, "ann@example.com", "ANNOTATOR")
    key = ctx.mock.state.create_key(email="x@example.com").api_key
    with ctx.mock.state.lock:
        user = ctx.mock.state.users[ctx.mock.state.keys[key]]
        user.role = "ANNOTATOR"
    assert _invite(ctx, "c@example.com", key=key).status_code == 403


@covers("users.create.name-one-to-255")
def test_users__create__name_one_to_255(ctx: Ctx) -> None:
    for name in ("", "x" * 256):
        body = {"name": name, "email": "n@example.com", "role": MEMBER, "invite_mode": "NONE"}
        assert ctx.status("POST", "/v2/users", body) == 422


@covers("users.delete.blocks-and-cascades")
def test_users__delete__blocks_and_cascades(ctx: Ctx) -> None:
    user, binding = ctx.world["user_id"], ctx.world["binding_id"]
    assert ctx.status("DELETE", f"/v2/users/{user}") == 204
    assert ctx.status("GET", f"/v2/role-bindings/{binding}") == 404
    assert ctx.status("DELETE", f"/v2/spaces/{ctx.space_id}/users/{user}") == 404
    assert ctx.status("DELETE", f"/v2/organizations/{ctx.org_id}/users/{user}") == 404
    assert user not in [u["id"] for u in ctx.ok("GET", "/v2/users")["users"]]


@covers("users.delete.idempotent")
def test_users__delete__idempotent(ctx: Ctx) -> None:
    user = _user(ctx, "gone@example.com")["id"]
    assert ctx.status("DELETE", f"/v2/users/{user}") == 204
    assert ctx.status("DELETE", f"/v2/users/{user}") == 204


@covers("users.delete.blocked-cannot-be-invited")
def test_users__delete__blocked_cannot_be_invited(ctx: Ctx) -> None:
    user = _user(ctx, "gone@example.com")["id"]
    ctx.ok("DELETE", f"/v2/users/{user}")
    assert _invite(ctx, "gone@example.com").status_code == 409


@covers("users.delete.not-oneself")
def test_users__delete__not_oneself(ctx: Ctx) -> None:
    assert ctx.status("DELETE", f"/v2/users/{ctx.mock.state.admin.user_id}") == 403


@covers("users.delete.keys-stop-working")
def test_users__delete__keys_stop_working(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key({ctx.space_id: "member"})
    assert ctx.status("GET", "/v2/datasets", key=credentials.api_key) == 200
    ctx.ok("DELETE", f"/v2/users/{credentials.user_id}")
    assert ctx.status("GET", "/v2/datasets", key=credentials.api_key) == 401


@covers("users.list.annotators-403")
def test_users__list__annotators_403(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key()
    with ctx.mock.state.lock:
        ctx.mock.state.users[credentials.user_id].role = "ANNOTATOR"
    assert ctx.status("GET", "/v2/users", key=credentials.api_key) == 403
    assert ctx.status("GET", "/v2/users", key=ctx.key("member")) == 200


@covers("users.get.unreadable-404")
def test_users__get__unreadable_404(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key()
    with ctx.mock.state.lock:
        ctx.mock.state.users[credentials.user_id].role = "ANNOTATOR"
    admin = ctx.mock.state.admin.user_id
    assert ctx.status("GET", f"/v2/users/{admin}", key=credentials.api_key) == 404
    assert ctx.status("GET", f"/v2/users/{MISSING}") == 404


@covers("users.update.needs-a-member")
def test_users__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/users/{ctx.user()}", {}) == 400


@covers("users.update.blank-name-400")
def test_users__update__blank_name_400(ctx: Ctx) -> None:
    user = ctx.user()
    assert ctx.status("PATCH", f"/v2/users/{user}", {"name": "   "}) == 400
    assert ctx.ok("PATCH", f"/v2/users/{user}", {"name": "  Jane  "})["name"] == "Jane"


@covers("users.update.developer-flag-admins-only")
def test_users__update__developer_flag_admins_only(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key({ctx.space_id: "member"})
    path = f"/v2/users/{credentials.user_id}"
    assert ctx.status("PATCH", path, {"is_developer": True}, key=credentials.api_key) == 403
    assert ctx.ok("PATCH", path, {"is_developer": True})["is_developer"] is True
    assert ctx.ok("PATCH", path, {"is_developer": True})["is_developer"] is True  # a no-op


@covers("users.resend-invitation.invited-only-400")
def test_users__resend_invitation__invited_only_400(ctx: Ctx) -> None:
    active = _user(ctx, "act@example.com")["id"]
    invited = _invite(ctx, "inv@example.com").json()["id"]
    assert ctx.status("POST", f"/v2/users/{active}/resend-invitation") == 400
    assert ctx.status("POST", f"/v2/users/{invited}/resend-invitation") == 204


@covers("users.reset-password.verified-only-400")
def test_users__reset_password__verified_only_400(ctx: Ctx) -> None:
    active = _user(ctx, "act@example.com")["id"]
    invited = _invite(ctx, "inv@example.com").json()["id"]
    assert ctx.status("POST", f"/v2/users/{invited}/reset-password") == 400
    assert ctx.status("POST", f"/v2/users/{active}/reset-password") == 204


@covers("users.reset-password.admins-only")
def test_users__reset_password__admins_only(ctx: Ctx) -> None:
    credentials = ctx.mock.state.create_key({ctx.space_id: "member"})
    path = f"/v2/users/{credentials.user_id}/reset-password"
    assert ctx.status("POST", path, key=credentials.api_key) == 403
