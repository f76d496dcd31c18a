"""Annotation configs, annotation queues and queue records: what the engine cannot derive.

A config's rules (a continuous range, distinct categorical labels); a queue's references
(configs of its space, annotators by email) and the records it is filled with, from dataset
examples or from spans, traces and sessions of a project; annotating a record against the
queue's configs; assigning it to annotators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from ..auth import Action, authorize, can, scope_role
from ..call import Answer, Call, handles
from ..engine import KINDS, Behaviour, Placement
from ..models import Document, User, rfc3339
from ..problems import errors_member, not_found, unprocessable
from ..validation import parse_datetime
from . import spans

__all__ = ["ConfigRules", "Queues", "Records", "add_records", "users_by_email"]

JSON = dict[str, Any]
MIN_LABELS, MAX_LABELS = 2, 500  # a categorical config's values
MAX_RECORDS, MAX_SESSIONS = 500, 100  # records one request may add (session records)
MAX_WINDOW = timedelta(days=7)  # a project record source's time range


def _reject(problems: list[tuple[str, str]]) -> None:
    if problems:
        detail = "; ".join(f"{pointer}: {message}" for pointer, message in problems[:3])
        raise unprocessable(detail, errors=errors_member(problems[:10]))


def users_by_email(
    call: Call, emails: Iterable[str], member: str, scope: tuple[str, ...] = ()
) -> list[User]:
    """The active users with these emails (case-insensitive), in order, who can read the
    spaces of ``scope``; 422 naming the others."""
    known = {user.email.casefold(): user for user in call.state.users.values()}
    users, problems = [], []
    for index, email in enumerate(emails):
        user = known.get(str(email).casefold())
        where = f"/{member}/{index}"
        if user is None or user.status != "ACTIVE":
            problems.append((where, f"no active user with email {str(email)[:100]!r}"))
        elif not all(can(scope_role(call.state, user, s), Action.READ) for s in scope):
            problems.append((where, f"{str(email)[:100]!r} has no access to the queue's space"))
        elif user not in users:
            users.append(user)
    _reject(problems)
    return users


class ConfigRules(Behaviour):
    """A continuous config needs minimum < maximum; a categorical one distinct labels."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if data["type"] == "CONTINUOUS" and not data["minimum_score"] < data["maximum_score"]:
            raise unprocessable("minimum_score must be less than maximum_score")
        if data["type"] == "CATEGORICAL":
            labels = [value["label"] for value in data["values"]]
            if not MIN_LABELS <= len(labels) <= MAX_LABELS:
                raise unprocessable(
                    f"a categorical annotation config has {MIN_LABELS} to {MAX_LABELS} values"
                )
            if any(not label.strip() for label in labels) or len(set(labels)) != len(labels):
                raise unprocessable("categorical labels must be distinct and not blank")


class Queues(Behaviour):
    """Configs must be of the queue's space, annotators existing users; records on create."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        data.pop("record_sources", None)  # records, not members: see created()
        if doc is None:
            data.setdefault("assignment_method", "ALL")
        config_ids = list(dict.fromkeys(data.get("annotation_config_ids") or []))
        problems = []
        for index, config_id in enumerate(config_ids):
            config = call.state.document("annotation_config", config_id)
            if config is None or config.scope != where.scope:
                where_ = f"/annotation_config_ids/{index}"
                problems.append((where_, "no such annotation config in this space"))
        _reject(problems)
        data["annotation_config_ids"] = config_ids
        emails = data.get("annotator_emails") or []
        users = users_by_email(call, emails, "annotator_emails", where.scope)
        data["annotator_emails"] = [user.email for user in users]

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        if body.get("record_sources"):
            add_records(call, doc, body["record_sources"])

    def view(self, call: Call, doc: Document) -> JSON:
        configs = [call.state.document("annotation_config", c) for c in _config_ids(doc)]
        kind = KINDS["annotation_config"]
        return {
            "annotation_configs": [kind.view(call, c) for c in configs if c is not None],
            "annotators": [_annotator(user) for user in _annotators(call, doc)],
        }


class Records(Behaviour):
    """A record shows its annotations, evaluations and assignments."""

    def view(self, call: Call, doc: Document) -> JSON:
        users = call.state.users
        assigned = doc.private.get("assigned", {})
        return {
            "annotations": list(doc.private.get("annotations", {}).values()),
            "assigned_users": [
                {"user": _annotator(users[user_id]), "completion_status": status}
                for user_id, status in assigned.items()
                if user_id in users
            ],
        }


def _config_ids(queue: Document) -> list[str]:
    return list(queue.data.get("annotation_config_ids") or [])


def _annotators(call: Call, queue: Document) -> list[User]:
    emails = {str(e).casefold() for e in queue.data.get("annotator_emails") or []}
    return [u for u in call.state.users.values() if u.email.casefold() in emails]


def _annotator(user: User) -> JSON:
    return {"id": user.id, "email": user.email}


# -- records ---------------------------------------------------------------------------------


def add_records(
    call: Call, queue: Document, sources: Iterable[Mapping[str, Any]]
) -> tuple[list[Document], bool]:
    """The queue's records for ``sources`` (existing ones reused) and whether any is new."""
    records: list[Document] = []
    created = False
    existing = {
        r.private.get("source"): r
        for r in call.state.store("annotation_queue_record").values()
        if queue.id in r.owners
    }
    items = [item for n, source in enumerate(sources) for item in _items(call, queue, source, n)]
    if len(items) > MAX_RECORDS:
        raise unprocessable(f"at most {MAX_RECORDS} records may be added in one request")
    if sum(1 for item in items if item[2] == "SESSION") > MAX_SESSIONS:
        raise unprocessable(f"at most {MAX_SESSIONS} session records may be added at once")
    for key, source_type, granularity, data in items:
        record = existing.get(key)
        if record is None:
            record = _new_record(call, queue, key, source_type, granularity, data)
            existing[key] = record
            created = True
        if record not in records:
            records.append(record)
    return records, created


def _new_record(
    call: Call, queue: Document, key: str, source_type: str, granularity: str | None, data: JSON
) -> Document:
    annotators = [user.id for user in _annotators(call, queue)]
    if queue.data.get("assignment_method") == "RANDOM" and annotators:
        annotators = [call.state.ids.choice(annotators)]
    record = call.state.add_document(
        "annotation_queue_record",
        {
            "annotation_queue_id": queue.id,
            "source_type": source_type,
            "granularity": granularity,
            "data": data,
            "trace_annotations": [],
            "evaluations": [],
        },
        type_name="AnnotationQueueRecord",
        scope=queue.scope,
        owners=(queue.id,),
    )
    record.private.update(source=key, annotations={}, assigned=dict.fromkeys(annotators, "PENDING"))
    return record


Item = tuple[str, str, str | None, JSON]  # (source key, source_type, granularity, data)


def _items(call: Call, queue: Document, source: Mapping[str, Any], index: int) -> list[Item]:
    where = f"/record_sources/{index}"
    if source["record_type"] == "EXAMPLE":
        return _example_items(call, queue, source, where)
    project = call.state.projects.get(str(source["project_id"]))
    if project is None or project.space_id not in queue.scope:
        raise not_found("project")
    start, end = source.get("start_time"), source.get("end_time")
    if start is not None and end is not None:
        low, high = parse_datetime(start, "start_time"), parse_datetime(end, "end_time")
        if not low < high or high - low > MAX_WINDOW:
            raise unprocessable(f"{where}: start_time comes before end_time, at most 7 days")
    authorize(call.state, call.principal, project, Action.READ, "project")
    found = spans.in_window(call, project.id, source.get("start_time"), source.get("end_time"))
    granularity = str(source["record_type"])
    if granularity == "SPAN":
        by_id = {s.data["context"]["span_id"]: s for s in found}
        wanted, member = source["span_ids"], "span_ids"
        items = {i: by_id.get(i) for i in wanted}
        data = {i: spans.wire(call, s) for i, s in items.items() if s is not None}
    elif granularity == "TRACE":
        traces = spans.traces_of(found)
        wanted, member = source["trace_ids"], "trace_ids"
        data = {
            i: {"trace_id": i, "spans": [spans.wire(call, s) for s in traces[i]]}
            for i in wanted
            if i in traces
        }
    else:
        sessions = spans.sessions_of(found)
        wanted, member = source["session_ids"], "session_ids"
        data = {
            i: {"session_id": i, "trace_ids": sorted(sessions[i])} for i in wanted if i in sessions
        }
    missing = [
        (f"{where}/{member}/{n}", "not found in the project and time range")
        for n, i in enumerate(wanted)
        if i not in data
    ]
    _reject(missing)
    return [(f"{granularity}:{project.id}:{i}", "SPANS", granularity, data[i]) for i in wanted]


def _example_items(
    call: Call, queue: Document, source: Mapping[str, Any], where: str
) -> list[Item]:
    dataset = call.state.datasets.get(str(source["dataset_id"]))
    if dataset is None or dataset.space_id not in queue.scope:
        raise not_found("dataset")
    authorize(call.state, call.principal, dataset, Action.READ, "dataset")
    version = dataset.version(source.get("dataset_version_id"))
    if version is None:
        raise not_found("dataset version")
    wanted = list(source.get("example_ids") or version.examples)
    missing = [
        (f"{where}/example_ids/{n}", "no such example in the dataset version")
        for n, i in enumerate(wanted)
        if i not in version.examples
    ]
    _reject(missing)
    return [
        (
            f"EXAMPLE:{dataset.id}:{i}",
            "DATASET",
            None,
            version.examples[i].to_wire(dataset.annotations.get(i)),
        )
        for i in wanted
    ]


@handles("createAnnotationQueueRecord")
def create_records(call: Call) -> Answer:
    """201 when a record was added; 200 when every source was already in the queue."""
    queue = KINDS["annotation_queue"].get(call, Action.WRITE)
    records, created = add_records(call, queue, call.body["record_sources"])
    kind = KINDS["annotation_queue_record"]
    status = 201 if created else 200
    body = {"record_sources": [kind.view(call, r) for r in records]}
    return Answer(status, call.render(body, status))


@handles("deleteAnnotationQueueRecord")
def delete_records(call: Call) -> None:
    """Deletes the listed records of this queue; other ids are silently ignored."""
    queue = KINDS["annotation_queue"].get(call, Action.WRITE)
    store = call.state.store("annotation_queue_record")
    for record_id in dict.fromkeys(call.body["record_ids"]):
        record = store.get(record_id)
        if record is not None and queue.id in record.owners:
            call.state.delete_document(record)


@handles("annotateAnnotationQueueRecord")
def annotate_record(call: Call) -> Any:
    """Upsert annotations by config name, each checked against its config of the queue."""
    record = KINDS["annotation_queue_record"].get(call, Action.ANNOTATE)
    queue = call.state.store("annotation_queue")[record.owners[0]]
    configs: dict[str, JSON] = {}
    for config_id in _config_ids(queue):
        if (found := call.state.document("annotation_config", config_id)) is not None:
            configs[found.name] = found.data
    problems = []
    for index, annotation in enumerate(call.body["annotations"]):
        config = configs.get(annotation["name"])
        problem = (
            f"no annotation config named {annotation['name'][:100]!r} in this queue"
            if config is None
            else _misfit(config, annotation)
        )
        if problem:
            problems.append((f"/annotations/{index}", problem))
    _reject(problems)
    user, now = call.principal, rfc3339(call.state.now())
    stored = record.private.setdefault("annotations", {})
    for annotation in call.body["annotations"]:
        stored[annotation["name"]] = {  # omitted label, score or text keep their value
            **stored.get(annotation["name"], {}),
            **annotation,
            "updated_at": now,
            "annotator": _annotator(user),
        }
    assigned = record.private.setdefault("assigned", {})
    if user.id in assigned:
        assigned[user.id] = "COMPLETED"
    return call.render(KINDS["annotation_queue_record"].view(call, record))


def _misfit(config: Mapping[str, Any], annotation: Mapping[str, Any]) -> str | None:
    kind = config["type"]
    if kind == "CATEGORICAL":
        labels = [value["label"] for value in config["values"]]
        if annotation.get("label") not in labels:
            return f"label must be one of {labels[:20]}"
    elif kind == "CONTINUOUS":
        score = annotation.get("score")
        low, high = config["minimum_score"], config["maximum_score"]
        if score is None or not low <= score <= high:
            return f"score must be between {low} and {high}"
    elif "text" not in annotation:
        return "a freeform annotation needs a text"
    return None


@handles("assignAnnotationQueueRecord")
def assign_record(call: Call) -> Any:
    """Assign to exactly these users, each PENDING again (a completed one too); [] unassigns."""
    record = KINDS["annotation_queue_record"].get(call, Action.WRITE)
    emails = call.body["assigned_user_emails"]
    users = users_by_email(call, emails, "assigned_user_emails", record.scope)
    record.private["assigned"] = dict.fromkeys((u.id for u in users), "PENDING")
    return call.render(KINDS["annotation_queue_record"].view(call, record))
