"""The mock's resources as plain dataclasses, each rendering its wire (snake_case JSON) form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "Dataset",
    "DatasetVersion",
    "Document",
    "Example",
    "Experiment",
    "LoggedRecord",
    "Membership",
    "Organization",
    "Resource",
    "Run",
    "Space",
    "Stamped",
    "Taggable",
    "User",
    "rfc3339",
]

JSON = dict[str, Any]


def rfc3339(moment: datetime) -> str:
    """``2025-10-08T03:24:38.014847Z``: UTC with microseconds, as Arize writes timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(kw_only=True)
class Membership:
    """A user's predefined role in one space or organization."""

    id: str
    user_id: str
    role: str

    def to_wire(self, scope_key: str, scope_id: str) -> JSON:
        return {
            "id": self.id,
            "user_id": self.user_id,
            scope_key: scope_id,
            "role": {"type": "PREDEFINED", "name": self.role},
        }


@dataclass(kw_only=True)
class Resource:
    """What every named, listable resource has; ``seq`` orders lists and cursors."""

    id: str
    seq: int
    name: str
    created_at: datetime

    def touch(self, now: datetime) -> None:
        """Record a change (resources with ``updated_at`` keep it)."""


@dataclass(kw_only=True)
class Stamped(Resource):
    """A resource that also reports ``updated_at``."""

    updated_at: datetime

    def touch(self, now: datetime) -> None:
        self.updated_at = now


@dataclass(kw_only=True)
class Taggable(Resource):
    """A resource in a space that tags of that space can be attached to."""

    space_id: str
    tags: list[str] = field(default_factory=list)


def _annotations(by_name: dict[str, JSON] | None) -> list[JSON]:
    return list((by_name or {}).values())


@dataclass(kw_only=True)
class Example:
    """One dataset row: user fields plus the system-managed ones."""

    id: str
    seq: int
    created_at: datetime
    updated_at: datetime
    fields: JSON

    def copy(self) -> Example:
        return Example(
            id=self.id,
            seq=self.seq,
            created_at=self.created_at,
            updated_at=self.updated_at,
            fields=dict(self.fields),
        )

    def to_wire(self, annotations: dict[str, JSON] | None) -> JSON:
        return {
            "id": self.id,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
            **self.fields,
            "annotations": _annotations(annotations),
        }


@dataclass(kw_only=True)
class DatasetVersion:
    id: str
    name: str
    dataset_id: str
    created_at: datetime
    updated_at: datetime
    examples: dict[str, Example] = field(default_factory=dict)

    def to_wire(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "dataset_id": self.dataset_id,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        }


@dataclass(kw_only=True)
class Dataset(Taggable, Stamped):
    versions: list[DatasetVersion] = field(default_factory=list)
    # example id -> annotation name -> Annotation: annotations follow the example across versions
    annotations: dict[str, dict[str, JSON]] = field(default_factory=dict)

    @property
    def latest(self) -> DatasetVersion:
        return self.versions[-1]

    def version(self, version_id: str | None) -> DatasetVersion | None:
        if version_id is None:
            return self.latest
        return next((v for v in self.versions if v.id == version_id), None)

    def to_wire(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "space_id": self.space_id,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
            # the most recently created version first
            "versions": [v.to_wire() for v in reversed(self.versions)],
        }


@dataclass(kw_only=True)
class Run:
    """One experiment run: the output for one example plus any user fields."""

    id: str
    seq: int
    example_id: str | None
    output: str
    fields: JSON
    annotations: dict[str, JSON] = field(default_factory=dict)

    def to_wire(self) -> JSON:
        return {
            "id": self.id,
            "example_id": self.example_id,
            "output": self.output,
            **self.fields,
            "annotations": _annotations(self.annotations),
        }


@dataclass(kw_only=True)
class Experiment(Taggable, Stamped):
    dataset_id: str | None = None
    dataset_version_id: str | None = None
    traces_project_id: str = ""
    runs: dict[str, Run] = field(default_factory=dict)

    def to_wire(self) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "space_id": self.space_id,
            "dataset_id": self.dataset_id,
            "dataset_version_id": self.dataset_version_id,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
            "experiment_traces_project_id": self.traces_project_id,
            "integration_id": None,
        }


@dataclass(kw_only=True)
class LoggedRecord:
    """A record ``/v1/log`` accepted, exactly as it arrived."""

    space_id: str
    received_at: datetime
    record: JSON

    def to_wire(self) -> JSON:
        return {
            "space_id": self.space_id,
            "received_at": rfc3339(self.received_at),
            "record": self.record,
        }


@dataclass(kw_only=True)
class Document:
    """A resource kept as its wire form: the create body plus server-set members.

    The resources added with the whole v2 surface (prompts, evaluators, tasks, webhooks, ...)
    are stored this way and rendered through the response schema of the operation answering
    (``render.py``), so their shape comes from the spec rather than from a class per resource.
    """

    kind: str  # "prompt": its table entry in resources/catalog.py
    id: str
    seq: int
    data: JSON  # snake_case members, as stored (secrets included; rendering drops them)
    scope: tuple[str, ...] = ()  # spaces/organizations that govern access; () = the account
    owners: tuple[str, ...] = ()  # resources it cannot outlive (its parent, project, dataset)
    tags: list[str] = field(default_factory=list)
    private: JSON = field(default_factory=dict)  # bookkeeping never rendered

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    @property
    def space_id(self) -> str:
        """The space it lives in ("" when it is not scoped to exactly one space)."""
        return self.scope[0] if len(self.scope) == 1 else ""


@dataclass(kw_only=True)
class WithMembers(Document):
    """A document that also holds memberships (organizations and spaces), by user id."""

    @property
    def members(self) -> dict[str, Membership]:
        members: dict[str, Membership] = self.private.setdefault("members", {})
        return members


@dataclass(kw_only=True)
class Organization(WithMembers):
    """An organization: a document (kind ``organization``) with its members."""


@dataclass(kw_only=True)
class Space(WithMembers):
    """A space: a document (kind ``space``, scoped to its organization) with its members and
    the v1 space key some SDKs still send in a record's body."""

    @property
    def org_id(self) -> str:
        return str(self.data["organization_id"])

    @property
    def is_private(self) -> bool:
        return bool(self.data.get("is_private"))

    @property
    def legacy_key(self) -> str:
        return str(self.private.get("legacy_key", ""))


@dataclass(kw_only=True)
class User(Document):
    """A user of the (single) mock account; API keys act as one. A document (kind ``user``)
    whose data is the ``User`` schema's members; ``role`` is the account role's name (ADMIN,
    MEMBER, ANNOTATOR), ``custom_role`` a custom role assigned instead."""

    @property
    def email(self) -> str:
        return str(self.data["email"])

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    @name.setter
    def name(self, value: str) -> None:
        self.data["name"] = value

    @property
    def status(self) -> str:
        """UserStatus: ACTIVE, INVITED, EXPIRED."""
        return str(self.data["status"])

    @status.setter
    def status(self, value: str) -> None:
        self.data["status"] = value

    @property
    def is_developer(self) -> bool:
        return bool(self.data.get("is_developer"))

    @is_developer.setter
    def is_developer(self, value: bool) -> None:
        self.data["is_developer"] = value

    @property
    def role(self) -> str:
        return str(self.private.get("role", "MEMBER"))

    @role.setter
    def role(self, value: str) -> None:
        self.private["role"] = value
        self._show_role()

    @property
    def custom_role(self) -> JSON | None:
        custom: JSON | None = self.private.get("custom_role")
        return custom

    @custom_role.setter
    def custom_role(self, value: JSON | None) -> None:
        self.private["custom_role"] = value
        self._show_role()

    def _show_role(self) -> None:
        self.data["role"] = self.custom_role or {"type": "PREDEFINED", "name": self.role}
