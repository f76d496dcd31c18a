"""Rules of annotation configs, annotation queues and their records, one test each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

ADMIN = "admin@example.com"


def _categorical(
    ctx: Ctx, name: str = "quality", labels: tuple[str, ...] = ("good", "bad")
) -> JSON:
    values = [{"label": label, "score": float(n)} for n, label in enumerate(labels)]
    body = {
        "name": name,
        "space_id": ctx.space_id,
        "annotation_config_type": "CATEGORICAL",
        "values": values,
    }
    return dict(ctx.ok("POST", "/v2/annotation-configs", body))


def _queue(ctx: Ctx, name: str = "q", configs: list[str] | None = None, **extra: object) -> JSON:
    if configs is None:
        configs = [_categorical(ctx, f"cfg-{name}")["id"]]
    body = {
        "name": name,
        "space_id": ctx.space_id,
        "annotation_config_ids": configs,
        "annotator_emails": [ADMIN],
        **extra,
    }
    return dict(ctx.ok("POST", "/v2/annotation-queues", body))


def _records(ctx: Ctx, queue: JSON) -> list[JSON]:
    return list(ctx.ok("GET", f"/v2/annotation-queues/{queue['id']}/records")["records"])


def _with_examples(ctx: Ctx, queue: JSON) -> list[JSON]:
    dataset = ctx.dataset(rows=2)["id"]
    source = {"record_type": "EXAMPLE", "dataset_id": dataset}
    ctx.ok("POST", f"/v2/annotation-queues/{queue['id']}/records", {"record_sources": [source]})
    return _records(ctx, queue)


# -- configs -------------------------------------------------------------------------------


@covers("annotation-configs.create.name-unique-in-space")
def test_annotation_configs__create__name_unique_in_space(ctx: Ctx) -> None:
    _categorical(ctx, "same")
    body = {"name": "same", "space_id": ctx.space_id, "annotation_config_type": "FREEFORM"}
    assert ctx.status("POST", "/v2/annotation-configs", body) == 409
    assert (
        ctx.status("POST", "/v2/annotation-configs", {**body, "space_id": ctx.space("s2")}) == 201
    )


@covers("annotation-configs.create.two-to-500-labels")
def test_annotation_configs__create__two_to_500_labels(ctx: Ctx) -> None:
    body = {
        "name": "c",
        "space_id": ctx.space_id,
        "annotation_config_type": "CATEGORICAL",
        "values": [{"label": "only"}],
    }
    assert ctx.status("POST", "/v2/annotation-configs", body) == 422
    body["values"] = [{"label": f"l{i}"} for i in range(501)]
    assert ctx.status("POST", "/v2/annotation-configs", body) == 422


@covers("annotation-configs.create.continuous-range-ordered")
def test_annotation_configs__create__continuous_range_ordered(ctx: Ctx) -> None:
    body = {
        "name": "c",
        "space_id": ctx.space_id,
        "annotation_config_type": "CONTINUOUS",
        "minimum_score": 1,
        "maximum_score": 0,
    }
    assert ctx.status("POST", "/v2/annotation-configs", body) == 422


@covers("annotation-configs.update.type-required-and-fixed")
def test_annotation_configs__update__type_required_and_fixed(ctx: Ctx) -> None:
    config = _categorical(ctx)["id"]
    path = f"/v2/annotation-configs/{config}"
    assert ctx.status("PATCH", path, {"name": "x"}) == 400
    assert ctx.status("PATCH", path, {"annotation_config_type": "FREEFORM", "name": "x"}) == 422
    assert (
        ctx.ok("PATCH", path, {"annotation_config_type": "CATEGORICAL", "name": "x"})["name"] == "x"
    )


@covers("annotation-configs.update.omitted-kept-values-replaced")
def test_annotation_configs__update__omitted_kept_values_replaced(ctx: Ctx) -> None:
    config = _categorical(ctx, labels=("a", "b", "c"))["id"]
    path = f"/v2/annotation-configs/{config}"
    values = [{"label": "x", "score": 1}, {"label": "y", "score": 0}]
    changed = ctx.ok("PATCH", path, {"annotation_config_type": "CATEGORICAL", "values": values})
    assert [v["label"] for v in changed["values"]] == ["x", "y"]
    assert changed["name"] == "quality"


@covers("annotation-configs.update.name-unique-in-space")
def test_annotation_configs__update__name_unique_in_space(ctx: Ctx) -> None:
    _categorical(ctx, "taken")
    mine = _categorical(ctx, "mine")["id"]
    body = {"annotation_config_type": "CATEGORICAL", "name": "taken"}
    assert ctx.status("PATCH", f"/v2/annotation-configs/{mine}", body) == 409


@covers("annotation-configs.delete.queue-blocks-409")
def test_annotation_configs__delete__queue_blocks_409(ctx: Ctx) -> None:
    config = _categorical(ctx)["id"]
    queue = _queue(ctx, configs=[config])
    assert ctx.status("DELETE", f"/v2/annotation-configs/{config}") == 409
    ctx.ok("DELETE", f"/v2/annotation-queues/{queue['id']}")
    assert ctx.status("DELETE", f"/v2/annotation-configs/{config}") == 204


# -- queues -------------------------------------------------------------------------------


@covers("annotation-queues.create.name-unique-in-space")
def test_annotation_queues__create__name_unique_in_space(ctx: Ctx) -> None:
    config = _categorical(ctx)["id"]
    _queue(ctx, "same", [config])
    body = {
        "name": "same",
        "space_id": ctx.space_id,
        "annotation_config_ids": [config],
        "annotator_emails": [ADMIN],
    }
    assert ctx.status("POST", "/v2/annotation-queues", body) == 409


@covers("annotation-queues.create.configs-of-the-space")
def test_annotation_queues__create__configs_of_the_space(ctx: Ctx) -> None:
    other = ctx.space("s2")
    body = {"name": "c", "space_id": other, "annotation_config_type": "FREEFORM"}
    foreign = ctx.ok("POST", "/v2/annotation-configs", body)["id"]
    queue = {
        "name": "q",
        "space_id": ctx.space_id,
        "annotation_config_ids": [foreign],
        "annotator_emails": [ADMIN],
    }
    assert ctx.status("POST", "/v2/annotation-queues", queue) == 422
    assert (
        ctx.status("POST", "/v2/annotation-queues", {**queue, "annotation_config_ids": []}) == 422
    )


@covers("annotation-queues.create.assignment-defaults-to-all")
def test_annotation_queues__create__assignment_defaults_to_all(ctx: Ctx) -> None:
    ctx.mock.state.create_key({ctx.space_id: "member"}, email="second@example.com")
    queue = _queue(ctx, annotator_emails=[ADMIN, "second@example.com"])
    record = _with_examples(ctx, queue)[0]
    emails = [a["user"]["email"] for a in record["assigned_users"]]
    assert emails == [ADMIN, "second@example.com"]  # every annotator, not one at random


@covers("annotation-queues.create.system-fields-rejected")
def test_annotation_queues__create__system_fields_rejected(ctx: Ctx) -> None:
    config = _categorical(ctx)["id"]
    for member in ("id", "created_at", "updated_at"):
        body = {
            "name": member,
            "space_id": ctx.space_id,
            "annotation_config_ids": [config],
            "annotator_emails": [ADMIN],
            member: "x",
        }
        assert ctx.status("POST", "/v2/annotation-queues", body) == 422


@covers("annotation-queues.get.shows-its-configs")
def test_annotation_queues__get__shows_its_configs(ctx: Ctx) -> None:
    config = _categorical(ctx)
    queue = _queue(ctx, configs=[config["id"]])
    shown = ctx.ok("GET", f"/v2/annotation-queues/{queue['id']}")
    assert [c["id"] for c in shown["annotation_configs"]] == [config["id"]]
    assert "records" not in shown


@covers("annotation-queues.update.needs-a-member")
def test_annotation_queues__update__needs_a_member(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/annotation-queues/{_queue(ctx)['id']}", {}) == 400


@covers("annotation-queues.update.configs-and-annotators-replaced")
def test_annotation_queues__update__configs_and_annotators_replaced(ctx: Ctx) -> None:
    queue = _queue(ctx)
    other = _categorical(ctx, "other")["id"]
    member = ctx.mock.state.create_key({ctx.space_id: "member"}, email="m@example.com")
    body = {"annotation_config_ids": [other], "annotator_emails": ["m@example.com"]}
    changed = ctx.ok("PATCH", f"/v2/annotation-queues/{queue['id']}", body)
    assert [c["id"] for c in changed["annotation_configs"]] == [other]
    assert [a["id"] for a in changed["annotators"]] == [member.user_id]


@covers("annotation-queues.update.annotators-active-users")
def test_annotation_queues__update__annotators_active_users(ctx: Ctx) -> None:
    queue = _queue(ctx)
    invite = {
        "name": "i",
        "email": "inv@example.com",
        "role": {"type": "PREDEFINED", "name": "MEMBER"},
        "invite_mode": "EMAIL_LINK",
    }
    ctx.ok("POST", "/v2/users", invite)
    path = f"/v2/annotation-queues/{queue['id']}"
    assert ctx.status("PATCH", path, {"annotator_emails": ["inv@example.com"]}) == 422
    assert ctx.status("PATCH", path, {"annotator_emails": ["nobody@example.com"]}) == 422


@covers("annotation-queues.update.name-unique-in-space")
def test_annotation_queues__update__name_unique_in_space(ctx: Ctx) -> None:
    _queue(ctx, "taken")
    mine = _queue(ctx, "mine")
    assert ctx.status("PATCH", f"/v2/annotation-queues/{mine['id']}", {"name": "taken"}) == 409


@covers("annotation-queues.create-records.201-new-200-already-there")
def test_annotation_queues__create_records__201_new_200_already_there(ctx: Ctx) -> None:
    queue = _queue(ctx)
    dataset = ctx.dataset(rows=2)["id"]
    path = f"/v2/annotation-queues/{queue['id']}/records"
    body = {"record_sources": [{"record_type": "EXAMPLE", "dataset_id": dataset}]}
    first = ctx.call("POST", path, body)
    again = ctx.call("POST", path, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(first.json()["record_sources"]) == 2
    assert len(_records(ctx, queue)) == 2


@covers("annotation-queues.create-records.one-or-two-sources")
def test_annotation_queues__create_records__one_or_two_sources(ctx: Ctx) -> None:
    queue = _queue(ctx)
    path = f"/v2/annotation-queues/{queue['id']}/records"
    source = {"record_type": "EXAMPLE", "dataset_id": ctx.dataset()["id"]}
    assert ctx.status("POST", path, {"record_sources": []}) == 422
    assert ctx.status("POST", path, {"record_sources": [source] * 3}) == 422


@covers("annotation-queues.create-records.window-ordered-at-most-7-days")
def test_annotation_queues__create_records__window_ordered_at_most_7_days(ctx: Ctx) -> None:
    queue = ctx.ok("GET", f"/v2/annotation-queues/{ctx.world['annotation_queue_id']}")
    path = f"/v2/annotation-queues/{queue['id']}/records"
    now = datetime.now(UTC)

    def source(start: datetime, end: datetime) -> JSON:
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        return {
            "record_type": "SPAN",
            "project_id": ctx.world["project_id"],
            "start_time": start.strftime(stamp),
            "end_time": end.strftime(stamp),
            "span_ids": ["span-1"],
        }

    assert (
        ctx.status("POST", path, {"record_sources": [source(now, now - timedelta(hours=1))]}) == 422
    )
    assert (
        ctx.status("POST", path, {"record_sources": [source(now - timedelta(days=8), now)]}) == 422
    )
    assert ctx.call(
        "POST",
        path,
        {"record_sources": [source(now - timedelta(days=1), now + timedelta(minutes=1))]},
    ).is_success


@covers("annotation-queues.create-records.at-most-500")
def test_annotation_queues__create_records__at_most_500(ctx: Ctx) -> None:
    queue = _queue(ctx)
    dataset = ctx.dataset(rows=501)["id"]
    body = {"record_sources": [{"record_type": "EXAMPLE", "dataset_id": dataset}]}
    assert ctx.status("POST", f"/v2/annotation-queues/{queue['id']}/records", body) == 422


@covers("annotation-queues.delete-records.unknown-ids-ignored")
def test_annotation_queues__delete_records__unknown_ids_ignored(ctx: Ctx) -> None:
    queue = _queue(ctx)
    records = _with_examples(ctx, queue)
    body = {"record_ids": [records[0]["id"], "QW5ub3RhdGlvblF1ZXVlUmVjb3JkOjk5OTp4"]}
    assert ctx.status("DELETE", f"/v2/annotation-queues/{queue['id']}/records", body) == 204
    assert [r["id"] for r in _records(ctx, queue)] == [records[1]["id"]]


@covers("annotation-queues.delete-records.unknown-queue-404")
def test_annotation_queues__delete_records__unknown_queue_404(ctx: Ctx) -> None:
    body = {"record_ids": ["x"]}
    assert (
        ctx.status("DELETE", "/v2/annotation-queues/QW5ub3RhdGlvblF1ZXVlOjk5OTp4/records", body)
        == 404
    )


@covers("annotation-queues.annotate-record.names-of-the-queue")
def test_annotation_queues__annotate_record__names_of_the_queue(ctx: Ctx) -> None:
    queue = _queue(ctx)
    record = _with_examples(ctx, queue)[0]
    _categorical(ctx, "elsewhere")  # a config of the space, not of the queue
    path = f"/v2/annotation-queues/{queue['id']}/records/{record['id']}/annotate"
    assert (
        ctx.status("POST", path, {"annotations": [{"name": "elsewhere", "label": "good"}]}) == 422
    )


@covers("annotation-queues.annotate-record.omitted-fields-kept")
def test_annotation_queues__annotate_record__omitted_fields_kept(ctx: Ctx) -> None:
    config = {"name": "notes", "space_id": ctx.space_id, "annotation_config_type": "FREEFORM"}
    free = ctx.ok("POST", "/v2/annotation-configs", config)["id"]
    categorical = _categorical(ctx, "grade")["id"]
    queue = _queue(ctx, configs=[free, categorical])
    record = _with_examples(ctx, queue)[0]
    path = f"/v2/annotation-queues/{queue['id']}/records/{record['id']}/annotate"
    ctx.ok(
        "POST",
        path,
        {
            "annotations": [
                {"name": "grade", "label": "good", "score": 1},
                {"name": "notes", "text": "fine"},
            ]
        },
    )
    ctx.ok("POST", path, {"annotations": [{"name": "grade", "label": "bad"}]})
    shown = {a["name"]: a for a in _records(ctx, queue)[0]["annotations"]}
    assert (shown["grade"]["label"], shown["grade"]["score"]) == ("bad", 1)
    assert shown["notes"]["text"] == "fine"


@covers("annotation-queues.annotate-record.one-to-500")
def test_annotation_queues__annotate_record__one_to_500(ctx: Ctx) -> None:
    queue = _queue(ctx)
    record = _with_examples(ctx, queue)[0]
    path = f"/v2/annotation-queues/{queue['id']}/records/{record['id']}/annotate"
    assert ctx.status("POST", path, {"annotations": []}) == 422
    assert ctx.status("POST", path, {"annotations": [{"name": "x", "text": "t"}] * 501}) == 422


@covers("annotation-queues.assign-record.replaces-and-resets")
def test_annotation_queues__assign_record__replaces_and_resets(ctx: Ctx) -> None:
    queue = _queue(ctx)
    record = _with_examples(ctx, queue)[0]
    base = f"/v2/annotation-queues/{queue['id']}/records/{record['id']}"
    config = queue["annotation_configs"][0]["name"]
    ctx.ok("POST", base + "/annotate", {"annotations": [{"name": config, "label": "good"}]})
    status = _records(ctx, queue)[0]["assigned_users"][0]["completion_status"]
    assert status == "COMPLETED"
    ctx.ok("POST", base + "/assign", {"assigned_user_emails": [ADMIN]})
    assert _records(ctx, queue)[0]["assigned_users"][0]["completion_status"] == "PENDING"
    ctx.ok("POST", base + "/assign", {"assigned_user_emails": []})
    assert _records(ctx, queue)[0]["assigned_users"] == []


@covers("annotation-queues.assign-record.users-with-access")
def test_annotation_queues__assign_record__users_with_access(ctx: Ctx) -> None:
    queue = _queue(ctx)
    record = _with_examples(ctx, queue)[0]
    ctx.mock.state.create_key(email="outsider@other.com")
    path = f"/v2/annotation-queues/{queue['id']}/records/{record['id']}/assign"
    assert ctx.status("POST", path, {"assigned_user_emails": ["outsider@other.com"]}) == 422
    assert ctx.status("POST", path, {"assigned_user_emails": [ADMIN] * 101}) == 422
