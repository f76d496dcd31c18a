"""The mock's resources behave: create, get, list, update, delete, over HTTP with the client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

import arize_api
from arize_api.api.datasets import (
    add_dataset_tags,
    annotate_dataset_examples,
    create_dataset,
    delete_dataset,
    delete_dataset_examples,
    get_dataset,
    insert_dataset_examples,
    list_dataset_examples,
    list_dataset_tags,
    list_datasets,
    remove_dataset_tags,
    search_dataset_examples,
    update_dataset,
    update_dataset_examples,
)
from arize_api.api.experiments import (
    add_experiment_tags,
    annotate_experiment_runs,
    create_experiment,
    delete_experiment,
    get_experiment,
    insert_experiment_runs,
    list_experiment_runs,
    list_experiments,
    search_experiment_runs,
)
from arize_api.api.organizations import (
    add_organization_user,
    create_organization,
    delete_organization,
    get_organization,
    list_organizations,
    remove_organization_user,
    update_organization,
)
from arize_api.api.projects import (
    create_project,
    delete_project,
    get_project,
    list_projects,
    update_project,
)
from arize_api.api.spaces import (
    add_space_user,
    create_space,
    delete_space,
    get_space,
    list_spaces,
    remove_space_user,
    update_space,
)
from arize_api.mock import MockServer
from arize_api.models import (
    AddOrganizationUserRequest,
    AddSpaceUserRequest,
    AddTagsRequest,
    AnnotateDatasetExamplesRequest,
    AnnotateExperimentRunsRequest,
    CreateDatasetRequest,
    CreateExperimentRequest,
    CreateOrganizationRequest,
    CreateProjectRequest,
    CreateSpaceRequest,
    DeleteDatasetExamplesRequest,
    InsertDatasetExamplesRequest,
    InsertExperimentRunsRequest,
    RemoveTagsRequest,
    SearchDatasetExamplesRequest,
    SearchExperimentRunsRequest,
    UpdateDatasetExamplesRequest,
    UpdateDatasetRequest,
    UpdateOrganizationRequest,
    UpdateProjectRequest,
    UpdateSpaceRequest,
)
from tests.support.mock_fixtures import Connect, annotation_config, dataset_body, decoded

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def client(connect: Connect, arize_mock: MockServer) -> arize_api.ArizeClient:
    return connect()


def _dataset(client: arize_api.ArizeClient, mock: MockServer, **kw: object) -> object:
    return create_dataset.sync(
        client=client, body=CreateDatasetRequest.from_dict(dataset_body(mock, **kw))
    )


def test_dataset_lifecycle(client: arize_api.ArizeClient, arize_mock: MockServer) -> None:
    created = create_dataset.sync(
        client=client, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock, "qa"))
    )
    assert re.fullmatch(r"Dataset:\d+:\w{4}", decoded(created.id))
    assert created.space_id == arize_mock.space_id
    assert created.created_at == created.updated_at
    assert created.created_at.tzinfo is not None
    assert [v.name for v in created.versions] == ["v1"]
    assert decoded(created.versions[0].id).startswith("DatasetVersion:")

    assert get_dataset.sync(client=client, dataset_id=created.id) == created
    listed = list_datasets.sync(client=client, space_id=arize_mock.space_id)
    assert [d.id for d in listed.datasets] == [created.id]
    assert listed.pagination.has_more is False

    renamed = update_dataset.sync(
        client=client, dataset_id=created.id, body=UpdateDatasetRequest(name="renamed")
    )
    assert renamed.name == "renamed"
    assert renamed.updated_at > created.updated_at
    assert renamed.created_at == created.created_at

    delete_dataset.sync(client=client, dataset_id=created.id)
    with pytest.raises(arize_api.NotFoundError):
        get_dataset.sync(client=client, dataset_id=created.id)
    assert list_datasets.sync(client=client).datasets == []


def test_list_filters_by_name_and_space_name(
    client: arize_api.ArizeClient, arize_mock: MockServer
) -> None:
    for name in ("Alpha set", "beta set", "gamma"):
        _dataset(client, arize_mock, name=name)
    names = [d.name for d in list_datasets.sync(client=client, name="SET").datasets]
    assert names == ["beta set", "Alpha set"]  # newest first
    assert list_datasets.sync(client=client, space_name="mock sp").datasets
    assert list_datasets.sync(client=client, space_name="elsewhere").datasets == []


def test_examples_keep_order_and_versions(
    client: arize_api.ArizeClient, arize_mock: MockServer
) -> None:
    dataset = _dataset(client, arize_mock, rows=3)
    v1 = dataset.versions[0].id
    first = list_dataset_examples.sync(client=client, dataset_id=dataset.id).examples
    assert [e["question"] for e in first] == ["q0", "q1", "q2"]
    assert all(UUID.match(e.id) for e in first)

    inserted = insert_dataset_examples.sync(
        client=client,
        dataset_id=dataset.id,
        body=InsertDatasetExamplesRequest.from_dict({"examples": [{"question": "q3"}]}),
    )
    assert inserted.dataset_version_id == v1  # inserts append in place
    assert inserted.id == dataset.id and inserted.space_id == arize_mock.space_id
    assert len(inserted.example_ids) == 1

    target = first[1].id
    body = {"examples": [{"id": target, "answer": "changed"}, {"id": "nope"}], "new_version": "v2"}
    updated = update_dataset_examples.sync(
        client=client, dataset_id=dataset.id, body=UpdateDatasetExamplesRequest.from_dict(body)
    )
    assert updated.example_ids == [target]  # unknown ids are ignored
    v2 = updated.dataset_version_id
    assert v2 != v1
    versions = get_dataset.sync(client=client, dataset_id=dataset.id).versions
    assert [v.name for v in versions] == ["v2", "v1"]  # the newest version first

    old = list_dataset_examples.sync(client=client, dataset_id=dataset.id, dataset_version_id=v1)
    new = list_dataset_examples.sync(client=client, dataset_id=dataset.id, dataset_version_id=v2)
    latest = list_dataset_examples.sync(client=client, dataset_id=dataset.id)
    answers = [e.additional_properties.get("answer") for e in old.examples]
    assert answers == ["0", "1", "2", None]
    assert new.examples[1]["answer"] == "changed"
    assert [e.id for e in new.examples] == [e.id for e in old.examples]
    assert latest == new
    assert new.examples[1].updated_at > new.examples[0].updated_at

    in_place = update_dataset_examples.sync(
        client=client,
        dataset_id=dataset.id,
        dataset_version_id=v1,
        body=UpdateDatasetExamplesRequest.from_dict({"examples": [{"id": target, "extra": 1}]}),
    )
    assert in_place.dataset_version_id == v1
    assert len(get_dataset.sync(client=client, dataset_id=dataset.id).versions) == 2

    deleted = delete_dataset_examples.sync(
        client=client,
        dataset_id=dataset.id,
        body=DeleteDatasetExamplesRequest(dataset_version_id=v2, example_ids=[target, "ghost"]),
    )
    assert (deleted.completed, deleted.deleted_example_ids) == (True, [target])
    assert deleted.not_deleted_example_ids == ["ghost"]
    remaining = list_dataset_examples.sync(
        client=client, dataset_id=dataset.id, dataset_version_id=v2
    )
    assert target not in [e.id for e in remaining.examples]
    assert (
        len(
            list_dataset_examples.sync(
                client=client, dataset_id=dataset.id, dataset_version_id=v1
            ).examples
        )
        == 4
    )


def test_search_and_annotate_examples(
    client: arize_api.ArizeClient, arize_mock: MockServer
) -> None:
    dataset = _dataset(client, arize_mock, rows=5)
    found = search_dataset_examples.sync(
        client=client,
        dataset_id=dataset.id,
        body=SearchDatasetExamplesRequest(filter_="answer >= '3' and question contains 'q'"),
    )
    assert [e["answer"] for e in found.examples] == ["3", "4"]
    target = found.examples[0].id
    annotation_config(arize_mock, "quality")
    annotate_dataset_examples.sync(
        client=client,
        dataset_id=dataset.id,
        body=AnnotateDatasetExamplesRequest.from_dict(
            {"annotations": [{"record_id": target, "values": [{"name": "quality", "score": 0.5}]}]}
        ),
    )
    again = search_dataset_examples.sync(
        client=client,
        dataset_id=dataset.id,
        body=SearchDatasetExamplesRequest(filter_="answer = '3'"),
    )
    (annotation,) = again.examples[0].annotations
    assert (annotation.name, annotation.score) == ("quality", 0.5)
    assert annotation.annotator.email == "admin@example.com"


def test_experiment_with_runs(client: arize_api.ArizeClient, arize_mock: MockServer) -> None:
    dataset = _dataset(client, arize_mock, rows=2)
    examples = list_dataset_examples.sync(client=client, dataset_id=dataset.id).examples
    runs = [
        {"example_id": e.id, "output": f"out {i}", "latency_ms": i} for i, e in enumerate(examples)
    ]
    experiment = create_experiment.sync(
        client=client,
        body=CreateExperimentRequest.from_dict(
            {"name": "baseline", "dataset_id": dataset.id, "experiment_runs": runs}
        ),
    )
    assert decoded(experiment.id).startswith("Experiment:")
    assert experiment.dataset_version_id == dataset.versions[0].id
    assert experiment.space_id == arize_mock.space_id
    traces = get_project.sync(client=client, project_id=experiment.experiment_traces_project_id)
    assert traces.project_type == "EXPERIMENT"

    added = insert_experiment_runs.sync(
        client=client,
        experiment_id=experiment.id,
        body=InsertExperimentRunsRequest.from_dict(
            # a correlation id: never looked up in the dataset
            {"experiment_runs": [{"example_id": "not-an-example", "output": "no example"}]}
        ),
    )
    assert len(added.run_ids) == 1 and UUID.match(added.run_ids[0])
    listed = list_experiment_runs.sync(client=client, experiment_id=experiment.id)
    assert [r.output for r in listed.experiment_runs] == ["out 0", "out 1", "no example"]
    assert listed.experiment_runs[0]["latency_ms"] == 0
    assert listed.experiment_runs[2].example_id == "not-an-example"

    run_id = listed.experiment_runs[1].id
    annotation_config(arize_mock, "ok")
    annotate_experiment_runs.sync(
        client=client,
        experiment_id=experiment.id,
        body=AnnotateExperimentRunsRequest.from_dict(
            {"annotations": [{"record_id": run_id, "values": [{"name": "ok", "label": "yes"}]}]}
        ),
    )
    found = search_experiment_runs.sync(
        client=client,
        experiment_id=experiment.id,
        body=SearchExperimentRunsRequest(filter_="output = 'out 1'"),
    )
    assert [r.id for r in found.experiment_runs] == [run_id]
    assert found.experiment_runs[0].annotations[0].label == "yes"

    assert get_experiment.sync(client=client, experiment_id=experiment.id).id == experiment.id
    by_dataset = list_experiments.sync(client=client, dataset_id=dataset.id).experiments
    by_space = list_experiments.sync(client=client, space_id=arize_mock.space_id).experiments
    assert [e.id for e in by_dataset] == [e.id for e in by_space] == [experiment.id]

    delete_experiment.sync(client=client, experiment_id=experiment.id)
    with pytest.raises(arize_api.NotFoundError):
        get_experiment.sync(client=client, experiment_id=experiment.id)
    with pytest.raises(arize_api.NotFoundError):
        get_project.sync(client=client, project_id=experiment.experiment_traces_project_id)


def test_deleting_a_dataset_deletes_its_experiments(
    client: arize_api.ArizeClient, arize_mock: MockServer
) -> None:
    dataset = _dataset(client, arize_mock)
    experiment = create_experiment.sync(
        client=client,
        body=CreateExperimentRequest.from_dict(
            {
                "name": "e",
                "dataset_id": dataset.id,
                "experiment_runs": [{"example_id": "x", "output": "x"}],
            }
        ),
    )
    delete_dataset.sync(client=client, dataset_id=dataset.id)
    with pytest.raises(arize_api.NotFoundError):
        get_experiment.sync(client=client, experiment_id=experiment.id)


def test_project_lifecycle_and_tags(client: arize_api.ArizeClient, arize_mock: MockServer) -> None:
    project = create_project.sync(
        client=client, body=CreateProjectRequest(name="chatbot", space_id=arize_mock.space_id)
    )
    assert decoded(project.id).startswith("Model:")  # projects are models underneath
    assert list_projects.sync(client=client, project_type="APPLICATION").projects == [project]
    assert list_projects.sync(client=client, project_type="EXPERIMENT").projects == []
    assert (
        update_project.sync(
            client=client, project_id=project.id, body=UpdateProjectRequest(name="bot")
        ).name
        == "bot"
    )
    delete_project.sync(client=client, project_id=project.id)
    assert list_projects.sync(client=client).projects == []


def test_tags_attach_and_detach(client: arize_api.ArizeClient, arize_mock: MockServer) -> None:
    dataset = _dataset(client, arize_mock)
    tag_ids = [t.id for t in arize_mock.state.tags.values()]
    added = add_dataset_tags.sync(
        client=client, dataset_id=dataset.id, body=AddTagsRequest(tag_ids=tag_ids[:2] + tag_ids[:1])
    )
    assert [t.id for t in added.tags] == tag_ids[:2]
    assert added.pagination.has_more is False
    removed = remove_dataset_tags.sync(
        client=client,
        dataset_id=dataset.id,
        body=RemoveTagsRequest(tag_ids=[tag_ids[0], tag_ids[2]]),
    )
    assert (removed.deleted, removed.not_deleted) == ([tag_ids[0]], [tag_ids[2]])
    assert [t.id for t in list_dataset_tags.sync(client=client, dataset_id=dataset.id).tags] == [
        tag_ids[1]
    ]
    with pytest.raises(arize_api.UnprocessableEntityError):
        add_dataset_tags.sync(
            client=client, dataset_id=dataset.id, body=AddTagsRequest(tag_ids=["nope"])
        )
    experiment = create_experiment.sync(
        client=client,
        body=CreateExperimentRequest.from_dict(
            {"name": "e", "space_id": arize_mock.space_id, "experiment_runs": [{"output": "x"}]}
        ),
    )
    assert experiment.dataset_id is None
    tagged = add_experiment_tags.sync(
        client=client, experiment_id=experiment.id, body=AddTagsRequest(tag_ids=tag_ids)
    )
    assert len(tagged.tags) == 3


def test_spaces_and_organizations(
    connect: Connect, client: arize_api.ArizeClient, arize_mock: MockServer
) -> None:
    org = create_organization.sync(client=client, body=CreateOrganizationRequest(name="Acme"))
    assert org.description == ""
    assert decoded(org.id).startswith("AccountOrganization:")
    org = update_organization.sync(
        client=client,
        org_id=org.id,
        body=UpdateOrganizationRequest(name="Acme Inc", description="d"),
    )
    assert (org.name, org.description) == ("Acme Inc", "d")
    assert get_organization.sync(client=client, org_id=org.id) == org
    assert [o.name for o in list_organizations.sync(client=client).organizations] == [
        "Mock Organization",
        "Acme Inc",
    ]

    space = create_space.sync(
        client=client,
        body=CreateSpaceRequest(name="research", organization_id=org.id, is_private=True),
    )
    assert (space.organization_id, space.is_private, space.description) == (org.id, True, "")
    space = update_space.sync(
        client=client,
        space_id=space.id,
        body=UpdateSpaceRequest.from_dict(
            {
                "description": "r&d",
                "default_llm_integration": {"integration_id": "i", "model_name": "m"},
            }
        ),
    )
    assert space.description == "r&d"
    assert space.default_llm_integration.model_name == "m"
    assert get_space.sync(client=client, space_id=space.id) == space
    assert [s.id for s in list_spaces.sync(client=client, org_id=org.id).spaces] == [space.id]

    other = arize_mock.state.create_key()
    arize_mock.state.grant(other.user_id, org.id, "read-only")  # spaces take org members only
    member = add_space_user.sync(
        client=client,
        space_id=space.id,
        body=AddSpaceUserRequest.from_dict(
            {"user_id": other.user_id, "role": {"type": "PREDEFINED", "name": "READ_ONLY"}}
        ),
    )
    assert (member.user_id, member.space_id, member.role.name) == (
        other.user_id,
        space.id,
        "READ_ONLY",
    )
    as_other = connect(other.api_key)
    assert get_space.sync(client=as_other, space_id=space.id).id == space.id
    remove_space_user.sync(client=client, space_id=space.id, user_id=other.user_id)
    with pytest.raises(arize_api.NotFoundError):  # no longer a member
        remove_space_user.sync(client=client, space_id=space.id, user_id=other.user_id)

    org_member = add_organization_user.sync(
        client=client,
        org_id=org.id,
        body=AddOrganizationUserRequest.from_dict(
            {"user_id": other.user_id, "role": {"type": "PREDEFINED", "name": "MEMBER"}}
        ),
    )
    assert org_member.organization_id == org.id
    assert get_organization.sync(client=as_other, org_id=org.id).id == org.id
    with pytest.raises(arize_api.NotFoundError):  # a private space stays hidden from org members
        get_space.sync(client=as_other, space_id=space.id)
    remove_organization_user.sync(client=client, org_id=org.id, user_id=other.user_id)

    delete_space.sync(client=client, space_id=space.id)
    delete_organization.sync(client=client, org_id=org.id)
    with pytest.raises(arize_api.NotFoundError):
        get_organization.sync(client=client, org_id=org.id)


def test_deleting_a_space_deletes_what_is_in_it(
    client: arize_api.ArizeClient, arize_mock: MockServer
) -> None:
    dataset = _dataset(client, arize_mock)
    delete_space.sync(client=client, space_id=arize_mock.space_id)
    with pytest.raises(arize_api.NotFoundError):
        get_dataset.sync(client=client, dataset_id=dataset.id)


def test_timestamps_follow_the_clock(connect: Connect, arize_mock: MockServer) -> None:
    later = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    arize_mock.state.clock = lambda: later
    try:
        client = connect()
        dataset = _dataset(client, arize_mock)
        assert dataset.created_at == dataset.updated_at == later
        arize_mock.state.clock = lambda: later + timedelta(seconds=1)
        renamed = update_dataset.sync(
            client=client, dataset_id=dataset.id, body=UpdateDatasetRequest(name="x")
        )
        assert renamed.updated_at - renamed.created_at == timedelta(seconds=1)
    finally:
        arize_mock.state.clock = lambda: datetime.now(UTC)


def test_same_seed_same_ids(arize_mock: MockServer) -> None:
    first = (arize_mock.space_id, arize_mock.org_id, arize_mock.state.admin.user_id)
    arize_mock.reset()
    assert (arize_mock.space_id, arize_mock.org_id, arize_mock.state.admin.user_id) == first
    assert decoded(arize_mock.space_id).startswith("Space:1:")
