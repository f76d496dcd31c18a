"""Rules of datasets, their examples and experiments, one test each over HTTP."""

from __future__ import annotations

from tests.support.mock_rules import JSON, Ctx, covers

pytest_plugins = [
    "arize_api.mock.pytest_plugin",
    "tests.support.mock_fixtures",
    "tests.support.mock_rules",
]

MISSING = "TWlzc2luZzo5OTk6eHh4eA=="


def _examples_path(dataset: JSON) -> str:
    return f"/v2/datasets/{dataset['id']}/examples"


def _latest(ctx: Ctx, dataset: JSON) -> str:
    return str(ctx.ok("GET", f"/v2/datasets/{dataset['id']}")["versions"][0]["id"])


# -- datasets ----------------------------------------------------------------------------


@covers("datasets.create.name-unique-in-space")
def test_datasets__create__name_unique_in_space(ctx: Ctx) -> None:
    ctx.dataset("same")
    body = {"name": "same", "space_id": ctx.space_id, "examples": [{"a": 1}]}
    assert ctx.status("POST", "/v2/datasets", body) == 409
    assert ctx.status("POST", "/v2/datasets", {**body, "name": "Same"}) == 201
    assert ctx.status("POST", "/v2/datasets", {**body, "space_id": ctx.space("s2")}) == 201


@covers("datasets.create.examples-required")
def test_datasets__create__examples_required(ctx: Ctx) -> None:
    body = {"name": "empty", "space_id": ctx.space_id, "examples": []}
    assert ctx.status("POST", "/v2/datasets", body) == 422


@covers("datasets.create.system-fields-rejected")
def test_datasets__create__system_fields_rejected(ctx: Ctx) -> None:
    for member in ("id", "created_at", "updated_at"):
        body = {"name": member, "space_id": ctx.space_id, "examples": [{member: "x", "a": 1}]}
        assert ctx.status("POST", "/v2/datasets", body) == 422


@covers("datasets.create.empty-example-rejected")
def test_datasets__create__empty_example_rejected(ctx: Ctx) -> None:
    body = {"name": "e", "space_id": ctx.space_id, "examples": [{"a": 1}, {}]}
    assert ctx.status("POST", "/v2/datasets", body) == 422


@covers("datasets.create.first-version")
def test_datasets__create__first_version(ctx: Ctx) -> None:
    dataset = ctx.dataset(rows=3)
    assert len(dataset["versions"]) == 1
    assert len(ctx.examples(dataset["id"])) == 3


@covers("datasets.list.versions-left-out")
def test_datasets__list__versions_left_out(ctx: Ctx) -> None:
    ctx.dataset()
    assert all("versions" not in d for d in ctx.ok("GET", "/v2/datasets")["datasets"])


@covers("datasets.list.name-filter-ignores-case")
def test_datasets__list__name_filter_ignores_case(ctx: Ctx) -> None:
    ctx.dataset("Golden Set")
    ctx.dataset("other")
    found = ctx.ok("GET", "/v2/datasets", params={"name": "gOLD"})["datasets"]
    assert [d["name"] for d in found] == ["Golden Set"]


@covers("datasets.list.unreadable-space-404")
def test_datasets__list__unreadable_space_404(ctx: Ctx) -> None:
    hidden = ctx.space("hidden")
    key = ctx.key("member", org_role="none")
    assert ctx.status("GET", "/v2/datasets", params={"space_id": hidden}, key=key) == 404
    assert ctx.status("GET", "/v2/datasets", params={"space_id": MISSING}) == 404


@covers("datasets.get.no-examples")
def test_datasets__get__no_examples(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    assert "examples" not in ctx.ok("GET", f"/v2/datasets/{dataset['id']}")


@covers("datasets.get.unreadable-is-404")
def test_datasets__get__unreadable_is_404(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    key = ctx.key("none")
    hidden = ctx.call("GET", f"/v2/datasets/{dataset['id']}", key=key)
    missing = ctx.call("GET", f"/v2/datasets/{MISSING}", key=key)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]


@covers("datasets.get.read-only-cannot-change-403")
def test_datasets__get__read_only_cannot_change_403(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    key = ctx.key("read-only")
    assert ctx.status("GET", f"/v2/datasets/{dataset['id']}", key=key) == 200
    assert ctx.status("PATCH", f"/v2/datasets/{dataset['id']}", {"name": "x"}, key=key) == 403


@covers("datasets.update.name-required")
def test_datasets__update__name_required(ctx: Ctx) -> None:
    assert ctx.status("PATCH", f"/v2/datasets/{ctx.dataset()['id']}", {}) == 400


@covers("datasets.update.name-unique-in-space")
def test_datasets__update__name_unique_in_space(ctx: Ctx) -> None:
    ctx.dataset("taken")
    mine = ctx.dataset("mine")["id"]
    assert ctx.status("PATCH", f"/v2/datasets/{mine}", {"name": "taken"}) == 409
    assert ctx.status("PATCH", f"/v2/datasets/{mine}", {"name": "mine"}) == 200


@covers("datasets.update.name-not-blank")
def test_datasets__update__name_not_blank(ctx: Ctx) -> None:
    mine = ctx.dataset()["id"]
    assert ctx.status("PATCH", f"/v2/datasets/{mine}", {"name": "  "}) == 422


@covers("datasets.delete.gone")
def test_datasets__delete__gone(ctx: Ctx) -> None:
    dataset = ctx.dataset()["id"]
    assert ctx.status("DELETE", f"/v2/datasets/{dataset}") == 204
    assert ctx.status("GET", f"/v2/datasets/{dataset}") == 404
    assert ctx.status("DELETE", f"/v2/datasets/{dataset}") == 404


# -- examples --------------------------------------------------------------------------


@covers("datasets.insert-examples.appends-in-place")
def test_datasets__insert_examples__appends_in_place(ctx: Ctx) -> None:
    dataset = ctx.dataset(rows=2)
    answer = ctx.ok("POST", _examples_path(dataset), {"examples": [{"q": "new"}]})
    assert answer["dataset_version_id"] == dataset["versions"][0]["id"]
    assert len(ctx.examples(dataset["id"])) == 3


@covers("datasets.insert-examples.ids-generated")
def test_datasets__insert_examples__ids_generated(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    answer = ctx.ok("POST", _examples_path(dataset), {"examples": [{"q": 1}, {"q": 2}]})
    assert len(set(answer["example_ids"])) == 2
    listed = [e["id"] for e in ctx.examples(dataset["id"])]
    assert listed[-2:] == answer["example_ids"]


@covers("datasets.insert-examples.system-fields-rejected")
def test_datasets__insert_examples__system_fields_rejected(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    for member in ("id", "created_at", "updated_at"):
        body = {"examples": [{member: "x", "q": 1}]}
        assert ctx.status("POST", _examples_path(dataset), body) == 422
    assert len(ctx.examples(dataset["id"])) == 2


@covers("datasets.insert-examples.empty-example-rejected")
def test_datasets__insert_examples__empty_example_rejected(ctx: Ctx) -> None:
    assert ctx.status("POST", _examples_path(ctx.dataset()), {"examples": [{}]}) == 422


@covers("datasets.insert-examples.one-to-a-thousand")
def test_datasets__insert_examples__one_to_a_thousand(ctx: Ctx) -> None:
    path = _examples_path(ctx.dataset())
    assert ctx.status("POST", path, {"examples": []}) == 422
    assert ctx.status("POST", path, {"examples": [{"q": i} for i in range(1001)]}) == 422
    assert ctx.call("POST", path, {"examples": [{"q": i} for i in range(1000)]}).is_success


@covers("datasets.insert-examples.unknown-version-404")
def test_datasets__insert_examples__unknown_version_404(ctx: Ctx) -> None:
    path = _examples_path(ctx.dataset())
    body = {"examples": [{"q": 1}]}
    assert ctx.status("POST", path, body, params={"dataset_version_id": MISSING}) == 404


@covers("datasets.update-examples.unknown-ids-ignored")
def test_datasets__update_examples__unknown_ids_ignored(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    first = ctx.examples(dataset["id"])[0]["id"]
    body = {"examples": [{"id": "nope", "a": 1}, {"id": first, "answer": "new"}]}
    answer = ctx.ok("PATCH", _examples_path(dataset), body)
    assert answer["example_ids"] == [first]
    assert len(ctx.examples(dataset["id"])) == 2


@covers("datasets.update-examples.id-required")
def test_datasets__update_examples__id_required(ctx: Ctx) -> None:
    body = {"examples": [{"answer": "new"}]}
    assert ctx.status("PATCH", _examples_path(ctx.dataset()), body) in (400, 422)


@covers("datasets.update-examples.timestamps-rejected")
def test_datasets__update_examples__timestamps_rejected(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    first = ctx.examples(dataset["id"])[0]["id"]
    for member in ("created_at", "updated_at"):
        body = {"examples": [{"id": first, member: "2020-01-01T00:00:00Z"}]}
        assert ctx.status("PATCH", _examples_path(dataset), body) == 422


@covers("datasets.update-examples.new-version-leaves-the-old")
def test_datasets__update_examples__new_version_leaves_the_old(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    old = ctx.examples(dataset["id"])
    body = {"examples": [{"id": old[0]["id"], "answer": "new"}], "new_version": "v2"}
    answer = ctx.ok("PATCH", _examples_path(dataset), body)
    version = dataset["versions"][0]["id"]
    assert answer["dataset_version_id"] != version
    kept = ctx.ok("GET", _examples_path(dataset), params={"dataset_version_id": version})
    assert kept["examples"] == old
    assert ctx.examples(dataset["id"])[0]["answer"] == "new"


@covers("datasets.update-examples.in-place-without-new-version")
def test_datasets__update_examples__in_place_without_new_version(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    old = ctx.examples(dataset["id"])
    body = {"examples": [{"id": old[0]["id"], "answer": "new", "extra": True}]}
    answer = ctx.ok("PATCH", _examples_path(dataset), body)
    assert answer["dataset_version_id"] == dataset["versions"][0]["id"]
    now = ctx.examples(dataset["id"])[0]
    assert (now["answer"], now["extra"], now["question"]) == ("new", True, old[0]["question"])


@covers("datasets.update-examples.version-name-unique")
def test_datasets__update_examples__version_name_unique(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    first = ctx.examples(dataset["id"])[0]["id"]
    body = {"examples": [{"id": first, "a": 1}], "new_version": "v2"}
    ctx.ok("PATCH", _examples_path(dataset), body)
    assert ctx.status("PATCH", _examples_path(dataset), body) == 409


@covers("datasets.delete-examples.partial-tolerant")
def test_datasets__delete_examples__partial_tolerant(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    first = ctx.examples(dataset["id"])[0]["id"]
    body = {"dataset_version_id": _latest(ctx, dataset), "example_ids": [first, "ghost"]}
    answer = ctx.ok("DELETE", _examples_path(dataset), body)
    assert answer == {
        "completed": True,
        "deleted_example_ids": [first],
        "not_deleted_example_ids": ["ghost"],
    }


@covers("datasets.delete-examples.idempotent")
def test_datasets__delete_examples__idempotent(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    first = ctx.examples(dataset["id"])[0]["id"]
    body = {"dataset_version_id": _latest(ctx, dataset), "example_ids": [first]}
    ctx.ok("DELETE", _examples_path(dataset), body)
    again = ctx.ok("DELETE", _examples_path(dataset), body)
    assert again["not_deleted_example_ids"] == [first] and again["completed"] is True


@covers("datasets.delete-examples.version-required")
def test_datasets__delete_examples__version_required(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    first = ctx.examples(dataset["id"])[0]["id"]
    assert ctx.status("DELETE", _examples_path(dataset), {"example_ids": [first]}) == 400


@covers("datasets.delete-examples.one-to-a-thousand-ids")
def test_datasets__delete_examples__one_to_a_thousand_ids(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    version = _latest(ctx, dataset)
    body = {"dataset_version_id": version, "example_ids": []}
    assert ctx.status("DELETE", _examples_path(dataset), body) == 422
    body["example_ids"] = [f"x{i}" for i in range(1001)]
    assert ctx.status("DELETE", _examples_path(dataset), body) == 422


@covers("datasets.delete-examples.no-duplicate-or-empty-ids")
def test_datasets__delete_examples__no_duplicate_or_empty_ids(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    first = ctx.examples(dataset["id"])[0]["id"]
    version = _latest(ctx, dataset)
    for ids in ([first, first], [first, ""]):
        body = {"dataset_version_id": version, "example_ids": ids}
        assert ctx.status("DELETE", _examples_path(dataset), body) == 422
    assert len(ctx.examples(dataset["id"])) == 2


@covers("datasets.search-examples.blank-filter-invalid")
def test_datasets__search_examples__blank_filter_invalid(ctx: Ctx) -> None:
    path = _examples_path(ctx.dataset()) + "/search"
    assert ctx.status("POST", path, {"filter": "  "}) == 422
    assert ctx.status("POST", path, {"filter": ""}) == 422
    assert len(ctx.ok("POST", path, {})["examples"]) == 2


@covers("datasets.search-examples.limit-one-to-500-default-50")
def test_datasets__search_examples__limit_one_to_500_default_50(ctx: Ctx) -> None:
    dataset = ctx.dataset(rows=60)
    path = _examples_path(dataset) + "/search"
    assert ctx.status("POST", path, {"limit": 501}) == 422
    assert ctx.status("POST", path, {"limit": 0}) == 422
    assert len(ctx.ok("POST", path, {})["examples"]) == 50
    assert len(ctx.ok("POST", path, {"limit": 500})["examples"]) == 60


@covers("datasets.search-examples.filter-kept-across-pages")
def test_datasets__search_examples__filter_kept_across_pages(ctx: Ctx) -> None:
    dataset = ctx.dataset(rows=4)
    path = _examples_path(dataset) + "/search"
    first = ctx.ok("POST", path, {"filter": "answer != '9'", "limit": 2})
    cursor = first["pagination"]["next_cursor"]
    assert ctx.status("POST", path, {"filter": "answer = '1'", "cursor": cursor}) == 400
    rest = ctx.ok("POST", path, {"filter": "answer != '9'", "limit": 2, "cursor": cursor})
    assert len(first["examples"] + rest["examples"]) == 4


@covers("datasets.annotate-examples.unmatched-ignored")
def test_datasets__annotate_examples__unmatched_ignored(ctx: Ctx) -> None:
    dataset = ctx.world["dataset_id"]
    example = ctx.world["example_id"]
    value = [{"name": "quality", "label": "good"}]
    body = {
        "annotations": [
            {"record_id": "ghost", "values": value},
            {"record_id": example, "values": value},
        ]
    }
    assert ctx.status("POST", f"/v2/datasets/{dataset}/examples/annotate", body) == 202
    annotated = [e for e in ctx.examples(dataset) if e["annotations"]]
    assert [e["id"] for e in annotated] == [example]


@covers("datasets.annotate-examples.upsert-by-name")
def test_datasets__annotate_examples__upsert_by_name(ctx: Ctx) -> None:
    dataset, example = ctx.world["dataset_id"], ctx.world["example_id"]
    path = f"/v2/datasets/{dataset}/examples/annotate"
    for label in ("good", "bad"):
        body = {
            "annotations": [{"record_id": example, "values": [{"name": "quality", "label": label}]}]
        }
        assert ctx.status("POST", path, body) == 202
    shown = next(e for e in ctx.examples(dataset) if e["id"] == example)["annotations"]
    assert [(a["name"], a["label"]) for a in shown] == [("quality", "bad")]


@covers("datasets.annotate-examples.names-are-configs-of-the-space")
def test_datasets__annotate_examples__names_are_configs_of_the_space(ctx: Ctx) -> None:
    dataset, example = ctx.world["dataset_id"], ctx.world["example_id"]
    body = {
        "annotations": [
            {"record_id": example, "values": [{"name": "no-such-config", "label": "x"}]}
        ]
    }
    assert ctx.status("POST", f"/v2/datasets/{dataset}/examples/annotate", body) == 422


@covers("datasets.annotate-examples.at-most-1000")
def test_datasets__annotate_examples__at_most_1000(ctx: Ctx) -> None:
    dataset = ctx.world["dataset_id"]
    entry = {"record_id": "x", "values": [{"name": "quality", "label": "good"}]}
    body = {"annotations": [entry] * 1001}
    assert ctx.status("POST", f"/v2/datasets/{dataset}/examples/annotate", body) == 422


# -- experiments -------------------------------------------------------------------------


def _experiment(ctx: Ctx, dataset: JSON, name: str = "exp", **extra: object) -> JSON:
    example = ctx.examples(dataset["id"])[0]["id"]
    runs = [{"example_id": example, "output": "o"}]
    body = {"name": name, "dataset_id": dataset["id"], "experiment_runs": runs, **extra}
    return dict(ctx.ok("POST", "/v2/experiments", body))


@covers("experiments.create.dataset-or-space-not-both")
def test_experiments__create__dataset_or_space_not_both(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    runs = [{"example_id": "e", "output": "o"}]
    both = {
        "name": "b",
        "dataset_id": dataset["id"],
        "space_id": ctx.space_id,
        "experiment_runs": runs,
    }
    assert ctx.status("POST", "/v2/experiments", both) == 422
    neither = {"name": "n", "experiment_runs": runs}
    assert ctx.status("POST", "/v2/experiments", neither) == 422


@covers("experiments.create.name-unique-in-dataset")
def test_experiments__create__name_unique_in_dataset(ctx: Ctx) -> None:
    first, second = ctx.dataset("a"), ctx.dataset("b")
    _experiment(ctx, first, "same")
    runs = [{"example_id": "e", "output": "o"}]
    again = {"name": "same", "dataset_id": first["id"], "experiment_runs": runs}
    assert ctx.status("POST", "/v2/experiments", again) == 409
    assert ctx.status("POST", "/v2/experiments", {**again, "dataset_id": second["id"]}) == 201


@covers("experiments.create.name-unique-in-space-without-dataset")
def test_experiments__create__name_unique_in_space_without_dataset(ctx: Ctx) -> None:
    body = {"name": "solo", "space_id": ctx.space_id, "experiment_runs": [{"output": "o"}]}
    assert ctx.status("POST", "/v2/experiments", body) == 201
    assert ctx.status("POST", "/v2/experiments", body) == 409
    assert ctx.status("POST", "/v2/experiments", {**body, "space_id": ctx.space("s2")}) == 201


@covers("experiments.create.name-without-quotes-or-backslashes")
def test_experiments__create__name_without_quotes_or_backslashes(ctx: Ctx) -> None:
    for name in ('say "hi"', "back\\slash"):
        body = {"name": name, "space_id": ctx.space_id, "experiment_runs": [{"output": "o"}]}
        assert ctx.status("POST", "/v2/experiments", body) == 422


@covers("experiments.create.at-least-one-run")
def test_experiments__create__at_least_one_run(ctx: Ctx) -> None:
    body = {"name": "none", "space_id": ctx.space_id, "experiment_runs": []}
    assert ctx.status("POST", "/v2/experiments", body) == 422


@covers("experiments.create.output-required")
def test_experiments__create__output_required(ctx: Ctx) -> None:
    body = {"name": "x", "space_id": ctx.space_id, "experiment_runs": [{"model": "m"}]}
    assert ctx.status("POST", "/v2/experiments", body) == 400


@covers("experiments.create.example-id-required-with-dataset")
def test_experiments__create__example_id_required_with_dataset(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    body = {"name": "x", "dataset_id": dataset["id"], "experiment_runs": [{"output": "o"}]}
    assert ctx.status("POST", "/v2/experiments", body) == 422
    solo = {"name": "y", "space_id": ctx.space_id, "experiment_runs": [{"output": "o"}]}
    assert ctx.status("POST", "/v2/experiments", solo) == 201


@covers("experiments.create.example-id-never-checked")
def test_experiments__create__example_id_never_checked(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    runs = [{"example_id": "not-an-example", "output": "o"}]
    body = {"name": "x", "dataset_id": dataset["id"], "experiment_runs": runs}
    assert ctx.status("POST", "/v2/experiments", body) == 201


@covers("experiments.create.traces-project")
def test_experiments__create__traces_project(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    project = experiment["experiment_traces_project_id"]
    assert ctx.status("GET", f"/v2/projects/{project}") == 200


@covers("experiments.get.no-runs")
def test_experiments__get__no_runs(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    shown = ctx.ok("GET", f"/v2/experiments/{experiment['id']}")
    assert "experiment_runs" not in shown and "runs" not in shown


@covers("experiments.list.dataset-or-space-filter-not-both")
def test_experiments__list__dataset_or_space_filter_not_both(ctx: Ctx) -> None:
    dataset = ctx.dataset()
    experiment = _experiment(ctx, dataset)
    solo = ctx.ok(
        "POST",
        "/v2/experiments",
        {"name": "s", "space_id": ctx.space_id, "experiment_runs": [{"output": "o"}]},
    )
    params = {"dataset_id": dataset["id"], "space_id": ctx.space_id}
    assert ctx.status("GET", "/v2/experiments", params=params) == 400
    by_dataset = ctx.ok("GET", "/v2/experiments", params={"dataset_id": dataset["id"]})
    assert [e["id"] for e in by_dataset["experiments"]] == [experiment["id"]]
    everything = [e["id"] for e in ctx.ok("GET", "/v2/experiments")["experiments"]]
    assert {experiment["id"], solo["id"]} <= set(everything)


@covers("experiments.list.unknown-dataset-404")
def test_experiments__list__unknown_dataset_404(ctx: Ctx) -> None:
    assert ctx.status("GET", "/v2/experiments", params={"dataset_id": MISSING}) == 404


@covers("experiments.delete.gone-with-traces-project")
def test_experiments__delete__gone_with_traces_project(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    assert ctx.status("DELETE", f"/v2/experiments/{experiment['id']}") == 204
    assert ctx.status("GET", f"/v2/experiments/{experiment['id']}") == 404
    project = experiment["experiment_traces_project_id"]
    assert ctx.status("GET", f"/v2/projects/{project}") == 404


@covers("experiments.insert-runs.one-to-a-thousand")
def test_experiments__insert_runs__one_to_a_thousand(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    path = f"/v2/experiments/{experiment['id']}/runs"
    assert ctx.status("POST", path, {"experiment_runs": []}) == 422
    runs = [{"example_id": "e", "output": "o"}] * 1001
    assert ctx.status("POST", path, {"experiment_runs": runs}) == 422
    assert ctx.call("POST", path, {"experiment_runs": runs[:1000]}).is_success


@covers("experiments.insert-runs.example-id-required-with-dataset")
def test_experiments__insert_runs__example_id_required_with_dataset(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    path = f"/v2/experiments/{experiment['id']}/runs"
    assert ctx.status("POST", path, {"experiment_runs": [{"output": "o"}]}) == 422


@covers("experiments.insert-runs.example-id-never-checked")
def test_experiments__insert_runs__example_id_never_checked(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    path = f"/v2/experiments/{experiment['id']}/runs"
    body = {"experiment_runs": [{"example_id": "unknown", "output": "o", "model": "m"}]}
    answer = ctx.ok("POST", path, body)
    runs = ctx.ok("GET", path)["experiment_runs"]
    assert [r["example_id"] for r in runs if r["id"] in answer["run_ids"]] == ["unknown"]


@covers("experiments.insert-runs.extra-fields-kept")
def test_experiments__insert_runs__extra_fields_kept(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    path = f"/v2/experiments/{experiment['id']}/runs"
    body = {"experiment_runs": [{"example_id": "e", "output": "o", "latency_ms": 12, "model": "m"}]}
    run_id = ctx.ok("POST", path, body)["run_ids"][0]
    run = next(r for r in ctx.ok("GET", path)["experiment_runs"] if r["id"] == run_id)
    assert (run["latency_ms"], run["model"]) == (12, "m")


@covers("experiments.search-runs.unknown-member-rejected")
def test_experiments__search_runs__unknown_member_rejected(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    path = f"/v2/experiments/{experiment['id']}/runs/search"
    assert ctx.status("POST", path, {"filters": "output = 'o'"}) == 422


@covers("experiments.search-runs.blank-filter-invalid")
def test_experiments__search_runs__blank_filter_invalid(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    path = f"/v2/experiments/{experiment['id']}/runs/search"
    assert ctx.status("POST", path, {"filter": " "}) == 422
    assert len(ctx.ok("POST", path, {})["experiment_runs"]) == 1


@covers("experiments.search-runs.limit-one-to-500")
def test_experiments__search_runs__limit_one_to_500(ctx: Ctx) -> None:
    experiment = _experiment(ctx, ctx.dataset())
    path = f"/v2/experiments/{experiment['id']}/runs/search"
    assert ctx.status("POST", path, {"limit": 501}) == 422
    assert ctx.status("POST", path, {"limit": 500}) == 200


@covers("experiments.annotate-runs.unmatched-ignored")
def test_experiments__annotate_runs__unmatched_ignored(ctx: Ctx) -> None:
    experiment, run = ctx.world["experiment_id"], ctx.world["run_id"]
    value = [{"name": "quality", "label": "good"}]
    body = {
        "annotations": [
            {"record_id": "ghost", "values": value},
            {"record_id": run, "values": value},
        ]
    }
    assert ctx.status("POST", f"/v2/experiments/{experiment}/runs/annotate", body) == 202
    runs = ctx.ok("GET", f"/v2/experiments/{experiment}/runs")["experiment_runs"]
    assert [r["id"] for r in runs if r["annotations"]] == [run]


@covers("experiments.annotate-runs.upsert-by-name")
def test_experiments__annotate_runs__upsert_by_name(ctx: Ctx) -> None:
    experiment, run = ctx.world["experiment_id"], ctx.world["run_id"]
    path = f"/v2/experiments/{experiment}/runs/annotate"
    for label in ("good", "bad"):
        body = {
            "annotations": [{"record_id": run, "values": [{"name": "quality", "label": label}]}]
        }
        assert ctx.status("POST", path, body) == 202
    runs = ctx.ok("GET", f"/v2/experiments/{experiment}/runs")["experiment_runs"]
    shown = next(r for r in runs if r["id"] == run)["annotations"]
    assert [(a["name"], a["label"]) for a in shown] == [("quality", "bad")]


@covers("experiments.annotate-runs.names-are-configs-of-the-space")
def test_experiments__annotate_runs__names_are_configs_of_the_space(ctx: Ctx) -> None:
    experiment, run = ctx.world["experiment_id"], ctx.world["run_id"]
    body = {"annotations": [{"record_id": run, "values": [{"name": "nope", "score": 1}]}]}
    assert ctx.status("POST", f"/v2/experiments/{experiment}/runs/annotate", body) == 422


@covers("experiments.annotate-runs.at-most-1000")
def test_experiments__annotate_runs__at_most_1000(ctx: Ctx) -> None:
    experiment = ctx.world["experiment_id"]
    entry = {"record_id": "x", "values": [{"name": "quality", "label": "good"}]}
    body = {"annotations": [entry] * 1001}
    assert ctx.status("POST", f"/v2/experiments/{experiment}/runs/annotate", body) == 422
