"""The tag operations of every taggable resource keep the documented rules, one test per
rule and resource (the test id is the rule id): attach (1 to 100 existing tags of the
resource's space, idempotent, 200 with the whole list, unknown members 422), detach (tags not
attached are reported, unknown members 400), list (none is an empty list; unreadable is the
404 of a missing resource). Then the rules of the tags themselves."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.mock_rules import Ctx, covers, covers_each

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

# tag of the rule ids -> (item path, has a detach operation)
TAGGABLE = {
    "datasets": ("/v2/datasets/{dataset_id}", True),
    "experiments": ("/v2/experiments/{experiment_id}", False),
    "projects": ("/v2/projects/{project_id}", True),
    "prompts": ("/v2/prompts/{prompt_id}", True),
    "evaluators": ("/v2/evaluators/{evaluator_id}", True),
    "annotation-configs": ("/v2/annotation-configs/{annotation_config_id}", False),
    "annotation-queues": ("/v2/annotation-queues/{annotation_queue_id}", False),
    "monitors": ("/v2/monitors/{monitor_id}", True),
}
MISSING = "TWlzc2luZzo5OTk6eHh4eA=="  # a well-formed global id of nothing


def _tags(ctx: Ctx, item: str) -> list[str]:
    return [t["id"] for t in ctx.ok("GET", item + "/tags")["tags"]]


def idempotent(ctx: Ctx, item: str) -> None:
    tag = ctx.tag("again")
    first = ctx.call("POST", item + "/tags", {"tag_ids": [tag]})
    second = ctx.call("POST", item + "/tags", {"tag_ids": [tag, tag]})
    assert first.status_code == second.status_code == 200
    assert _tags(ctx, item).count(tag) == 1


def whole_list(ctx: Ctx, item: str) -> None:
    a, b = ctx.tag("a"), ctx.tag("b")
    ctx.ok("POST", item + "/tags", {"tag_ids": [a]})
    answer = ctx.call("POST", item + "/tags", {"tag_ids": [b]})
    assert answer.status_code == 200
    assert [t["id"] for t in answer.json()["tags"]] == [a, b]


def other_space(ctx: Ctx, item: str) -> None:
    foreign = ctx.tag("foreign", space_id=ctx.space("elsewhere"))
    assert ctx.status("POST", item + "/tags", {"tag_ids": [foreign]}) == 422
    assert _tags(ctx, item) == []


def unknown_member_422(ctx: Ctx, item: str) -> None:
    body = {"tag_ids": [ctx.tag()], "colour": "RED"}
    assert ctx.status("POST", item + "/tags", body) == 422


def one_to_hundred(ctx: Ctx, item: str) -> None:
    assert ctx.status("POST", item + "/tags", {"tag_ids": []}) == 422
    assert ctx.status("POST", item + "/tags", {"tag_ids": [MISSING] * 101}) == 422


def not_attached_reported(ctx: Ctx, item: str) -> None:
    a, b = ctx.tag("a"), ctx.tag("b")
    ctx.ok("POST", item + "/tags", {"tag_ids": [a]})
    answer = ctx.call("DELETE", item + "/tags", {"tag_ids": [a, b]})
    assert answer.status_code == 200
    assert answer.json() == {"completed": True, "deleted": [a], "not_deleted": [b]}
    assert _tags(ctx, item) == []


def unknown_member_400(ctx: Ctx, item: str) -> None:
    assert ctx.status("DELETE", item + "/tags", {"tag_ids": [ctx.tag()], "x": 1}) == 400


def none_is_empty(ctx: Ctx, item: str) -> None:
    answer = ctx.call("GET", item + "/tags")
    assert answer.status_code == 200
    assert answer.json() == {"tags": [], "pagination": {"has_more": False}}


def unreadable_is_missing(ctx: Ctx, item: str) -> None:
    outsider = ctx.key("none")
    hidden = ctx.call("GET", item + "/tags", key=outsider)
    parameter = item.rsplit("/", 1)[-1]
    missing = ctx.call("GET", item.replace(parameter, MISSING) + "/tags", key=outsider)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]


Check = Callable[[Ctx, str], None]
ATTACH: list[tuple[str, Check]] = [
    ("add-tags.idempotent", idempotent),
    ("add-tags.answers-200-with-every-tag", whole_list),
    ("add-tags.tag-of-another-space-422", other_space),
    ("add-tags.unknown-member-422", unknown_member_422),
    ("add-tags.one-to-a-hundred-tags", one_to_hundred),
]
DETACH: list[tuple[str, Check]] = [
    ("remove-tags.not-attached-reported", not_attached_reported),
    ("remove-tags.unknown-member-400", unknown_member_400),
]
LIST: list[tuple[str, Check]] = [
    ("list-tags.none-is-an-empty-list", none_is_empty),
    ("list-tags.unreadable-is-404", unreadable_is_missing),
]


def _cases() -> list[tuple[str, tuple[str, Check]]]:
    cases = []
    for tag, (item, detaches) in TAGGABLE.items():
        for rule, check in ATTACH + (DETACH if detaches else []) + LIST:
            cases.append((f"{tag}.{rule}", (item, check)))
    return cases


@covers_each(_cases())
def test_tag_operations(case: tuple[str, Check], ctx: Ctx) -> None:
    item, check = case
    check(ctx, ctx.path(item))


# -- the tags themselves ----------------------------------------------------------------


@covers("tags.create.name-unique-in-space-ignoring-case")
def test_tags__create__name_unique_in_space_ignoring_case(ctx: Ctx) -> None:
    ctx.tag("Release")
    body = {"name": "release", "space_id": ctx.space_id}
    assert ctx.status("POST", "/v2/tags", body) == 409
    other = {"name": "release", "space_id": ctx.space("elsewhere")}
    assert ctx.status("POST", "/v2/tags", other) == 201


@covers("tags.create.name-trimmed-not-empty")
def test_tags__create__name_trimmed_not_empty(ctx: Ctx) -> None:
    assert ctx.status("POST", "/v2/tags", {"name": "   ", "space_id": ctx.space_id}) == 422


@covers("tags.create.name-at-most-100")
def test_tags__create__name_at_most_100(ctx: Ctx) -> None:
    assert ctx.status("POST", "/v2/tags", {"name": "x" * 101, "space_id": ctx.space_id}) == 422
    assert ctx.status("POST", "/v2/tags", {"name": "x" * 100, "space_id": ctx.space_id}) == 201


@covers("tags.create.unknown-member-400")
def test_tags__create__unknown_member_400(ctx: Ctx) -> None:
    body = {"name": "n", "space_id": ctx.space_id, "colour": "RED"}
    assert ctx.status("POST", "/v2/tags", body) == 400


@covers("tags.create.system-fields-rejected")
def test_tags__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at", "updated_at"):
        body = {"name": "n", "space_id": ctx.space_id, member: "x"}
        assert ctx.status("POST", "/v2/tags", body) == 400


@covers("tags.update.needs-a-member-400")
def test_tags__update__needs_a_member_400(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/tags/{ctx.tag()}", {}) == 400


@covers("tags.update.unknown-member-400")
def test_tags__update__unknown_member_400(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/tags/{ctx.tag()}", {"colour": "RED"}) == 400


@covers("tags.update.name-unique-in-space-ignoring-case")
def test_tags__update__name_unique_in_space_ignoring_case(ctx: Ctx) -> None:
    ctx.tag("Release")
    other = ctx.tag("other")
    assert ctx.status("PATCH", f"/v2/tags/{other}", {"name": "RELEASE"}) == 409
    mine = ctx.tag("mine")
    assert ctx.status("PATCH", f"/v2/tags/{mine}", {"name": "MINE"}) == 200


@covers("tags.update.omitted-kept-null-clears")
def test_tags__update__omitted_kept_null_clears(ctx: Ctx) -> None:
    body = {"name": "c", "space_id": ctx.space_id, "color": "RED", "description": "d"}
    tag = ctx.ok("POST", "/v2/tags", body)["id"]
    kept = ctx.ok("PATCH", f"/v2/tags/{tag}", {"name": "c2"})
    assert (kept["color"], kept["description"]) == ("RED", "d")
    cleared = ctx.ok("PATCH", f"/v2/tags/{tag}", {"color": None})
    assert (cleared["color"], cleared["description"]) == (None, "d")


@covers("tags.update.updated-at-advances")
def test_tags__update__updated_at_advances(ctx: Ctx) -> None:
    tag = ctx.ok("POST", "/v2/tags", {"name": "u", "space_id": ctx.space_id})
    changed = ctx.ok("PATCH", f"/v2/tags/{tag['id']}", {"description": "new"})
    assert changed["updated_at"] > tag["updated_at"]
    assert changed["created_at"] == tag["created_at"]


@covers("tags.update.shown-on-every-resource")
def test_tags__update__shown_on_every_resource(ctx: Ctx) -> None:
    tag = ctx.tag("shared")
    dataset, project = ctx.dataset()["id"], ctx.project()
    for item in (f"/v2/datasets/{dataset}", f"/v2/projects/{project}"):
        ctx.ok("POST", item + "/tags", {"tag_ids": [tag]})
    ctx.ok("PATCH", f"/v2/tags/{tag}", {"name": "renamed"})
    for item in (f"/v2/datasets/{dataset}", f"/v2/projects/{project}"):
        assert [t["name"] for t in ctx.ok("GET", item + "/tags")["tags"]] == ["renamed"]


@covers("tags.delete.detached-everywhere")
def test_tags__delete__detached_everywhere(ctx: Ctx) -> None:
    tag = ctx.tag("gone")
    dataset = ctx.dataset()["id"]
    ctx.ok("POST", f"/v2/datasets/{dataset}/tags", {"tag_ids": [tag]})
    assert ctx.status("DELETE", f"/v2/tags/{tag}") == 204
    assert ctx.ok("GET", f"/v2/datasets/{dataset}/tags")["tags"] == []
    assert ctx.status("GET", f"/v2/datasets/{dataset}") == 200  # the resource stays
