"""All of the mock's data, in memory: stores per resource, id minting, seed data, cascades.

Handlers run one at a time under ``lock``; take it too when touching the state from another
thread (a test reading ``logged_records`` while the server runs).
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .auth import Role, parse_role
from .ids import IdMinter
from .models import (
    Dataset,
    Document,
    Experiment,
    LoggedRecord,
    Membership,
    Organization,
    Project,
    Space,
    Tag,
    User,
    rfc3339,
)

if TYPE_CHECKING:
    from .spec import Operation

__all__ = ["DEFAULT_API_KEY", "Credentials", "MockState"]

DEFAULT_API_KEY = "arize-mock-admin-key"
SEED_TAGS = (("production", "GREEN"), ("baseline", "BLUE"), ("needs-review", "ORANGE"))
AUDIT_LOG_SIZE = 10_000  # the most recent entries kept
# The predefined roles ``GET /v2/roles`` lists (the space roles), with a few of their
# permissions; custom roles are created through the API.
_READ = ("DATASET_READ", "EXPERIMENT_READ", "PROJECT_READ", "PROMPT_READ", "EVALUATOR_READ")
_ANNOTATE = ("DATASET_EXAMPLE_ANNOTATE", "EXPERIMENT_RUN_ANNOTATE", "PROJECT_SPAN_ANNOTATE")
_WRITE = ("DATASET_CREATE", "DATASET_UPDATE", "PROMPT_CREATE", "PROMPT_UPDATE", "TAG_CREATE")
_MANAGE = ("SPACE_UPDATE", "ROLE_BINDING_CREATE", "ROLE_BINDING_DELETE", "USER_READ")
PREDEFINED_ROLES = (
    (
        "Admin",
        "Everything in the space, including its members",
        _READ + _ANNOTATE + _WRITE + _MANAGE,
    ),
    ("Member", "Reads, annotates and changes the space's content", _READ + _ANNOTATE + _WRITE),
    ("Annotator", "Reads and annotates", _READ + _ANNOTATE),
    ("Read only", "Reads", _READ),
)


@dataclass(frozen=True)
class Credentials:
    """An API key and the user it acts as."""

    api_key: str
    user_id: str
    email: str


def _utcnow() -> datetime:
    return datetime.now(UTC)


class MockState:
    """The in-memory service: one organization, one space and an admin key to begin with.

    Args:
        seed: seeds every id, key and fault roll, so a run can be reproduced (None: random).
        api_key: the ready-made admin key of the seeded space.
        clock: returns "now" (a timezone-aware datetime); for tests that travel in time.
    """

    def __init__(
        self,
        *,
        seed: int | None = 0,
        api_key: str = DEFAULT_API_KEY,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.clock = clock
        # how long a triggered task run stays RUNNING (in mock time) before it completes
        self.task_run_seconds = 1.0
        self._instant: datetime | None = None
        self._admin_key = api_key
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything and re-create the seed data (same ids for the same seed)."""
        with self.lock:
            self.rng = random.Random(self.seed)
            self.ids = IdMinter(self.rng)
            self._seq = itertools.count(1)
            self.users: dict[str, User] = {}
            # deleted (blocked) users: out of every list and read, kept so that a repeated
            # delete succeeds and their email cannot be invited again
            self.blocked_users: dict[str, User] = {}
            self.keys: dict[str, str] = {}  # api key -> user id
            self.orgs: dict[str, Organization] = {}
            self.spaces: dict[str, Space] = {}
            self.projects: dict[str, Project] = {}
            self.tags: dict[str, Tag] = {}
            self.datasets: dict[str, Dataset] = {}
            self.experiments: dict[str, Experiment] = {}
            self.logged_records: list[LoggedRecord] = []
            # kind ("prompt", "webhook", ...) -> id -> document: the resources of catalog.py
            self.docs: dict[str, dict[str, Document]] = {}
            self.key_expiry: dict[str, datetime] = {}  # api key -> when it stops working
            self._audit_numbers = itertools.count(1)
            self._seed_data()

    def _seed_data(self) -> None:
        admin = self.add_user("admin@example.com", name="Mock Admin", role="ADMIN")
        self.register_key(self._admin_key, admin, name="mock admin key")
        org = self.create_org("Mock Organization", "Seeded by arize_api.mock", admin)
        space = self.create_space(org, "Mock Space", admin, description="Seeded by arize_api.mock")
        for name, color in SEED_TAGS:
            self.create_tag(space, name, color=color)
        self.admin = Credentials(self._admin_key, admin.id, admin.email)
        self.org_id = org.id
        self.space_id = space.id
        for name, description, permissions in PREDEFINED_ROLES:
            role = {"name": name, "description": description, "permissions": list(permissions)}
            self.add_document("role", {**role, "is_predefined": True}, type_name="Role")

    def now(self) -> datetime:
        """The current time; one instant for everything a request does (see ``instant``)."""
        return self._instant or self.clock()

    @contextmanager
    def instant(self) -> Iterator[datetime]:
        """Hold the lock and freeze ``now()`` for one request, as a transaction would."""
        with self.lock:
            self._instant = self.clock()
            try:
                yield self._instant
            finally:
                self._instant = None

    def next_seq(self) -> int:
        return next(self._seq)

    # -- users and keys ---------------------------------------------------------------------

    def add_user(
        self,
        email: str | None = None,
        *,
        name: str = "",
        role: str = "MEMBER",
        status: str = "ACTIVE",
    ) -> User:
        """A user of the account (``role`` is the account role, not a space role)."""
        with self.lock:
            user_id = self.ids.global_id("User")
            user = User(
                id=user_id,
                email=email or f"user{len(self.users) + 1}@example.com",
                name=name,
                created_at=self.now(),
                role=role,
                status=status,
                seq=self.next_seq(),
            )
            self.users[user_id] = user
            return user

    def register_key(
        self, key: str, user: User, *, name: str = "api key", key_type: str = "USER"
    ) -> Document:
        """Make ``key`` authenticate as ``user`` and list it as one of the account's keys."""
        with self.lock:
            self.keys[key] = user.id
            data = {
                "name": name,
                "key_type": key_type,
                "status": "ACTIVE",
                "redacted_key": redact(key),
                "created_by_user_id": user.id,
                "user_id": user.id,
                "key": key,  # shown by the answers whose schema has it (create, refresh)
            }
            return self.add_document("api_key", data, type_name="ApiKey")

    def key_user(self, key: str) -> str | None:
        """The user an API key acts as, or None if unknown, revoked or past its expiry."""
        user_id = self.keys.get(key)
        expiry = self.key_expiry.get(key)
        if user_id is None or (expiry is not None and expiry <= self.now()):
            return None
        return user_id

    def create_key(
        self, roles: Mapping[str, str | Role] | None = None, *, email: str | None = None
    ) -> Credentials:
        """A new user with an API key and a role per space or organization id.

        ``roles`` maps a space id or organization id to a role name (``"admin"``,
        ``"member"``, ``"annotator"``, ``"read-only"``, ``"none"``).
        """
        with self.lock:
            user = self.add_user(email)
            key = self.ids.token("ak-")
            self.register_key(key, user)
            for scope_id, role in (roles or {}).items():
                self.grant(user.id, scope_id, role)
            return Credentials(key, user.id, user.email)

    def grant(self, user_id: str, scope_id: str, role: str | Role) -> Membership | None:
        """Give ``user_id`` a role in a space or organization (NONE removes it)."""
        with self.lock:
            parsed = role if isinstance(role, Role) else parse_role(role)
            scope: Space | Organization | None = self.spaces.get(scope_id) or self.orgs.get(
                scope_id
            )
            if scope is None:
                raise KeyError(f"no space or organization with id {scope_id!r}")
            if parsed is Role.NONE:
                scope.members.pop(user_id, None)
                return None
            kind = "SpaceMembership" if isinstance(scope, Space) else "OrganizationMembership"
            current = scope.members.get(user_id)
            membership = Membership(
                id=current.id if current else self.ids.global_id(kind),
                user_id=user_id,
                role=parsed.value,
            )
            scope.members[user_id] = membership
            return membership

    # -- creation -------------------------------------------------------------------------

    def create_org(self, name: str, description: str, creator: User) -> Organization:
        with self.lock:
            org = Organization(
                id=self.ids.global_id("AccountOrganization"),
                seq=self.next_seq(),
                name=name,
                description=description,
                created_at=self.now(),
            )
            self.orgs[org.id] = org
            self.grant(creator.id, org.id, Role.ADMIN)
            return org

    def create_space(
        self,
        org: Organization,
        name: str,
        creator: User,
        *,
        description: str = "",
        is_private: bool = False,
    ) -> Space:
        with self.lock:
            space = Space(
                id=self.ids.global_id("Space"),
                seq=self.next_seq(),
                name=name,
                created_at=self.now(),
                org_id=org.id,
                description=description,
                is_private=is_private,
                legacy_key=self.ids.token("sk-"),
                settings={
                    "default_llm_integration": None,
                    "ml_models_enabled": True,
                    "gradient_start_color": "#4F46E5",
                    "gradient_end_color": "#06B6D4",
                    "default_agent_runtime": None,
                },
            )
            self.spaces[space.id] = space
            self.grant(creator.id, space.id, Role.ADMIN)
            return space

    def create_project(self, space: Space, name: str, project_type: str | None) -> Project:
        with self.lock:
            project = Project(
                id=self.ids.global_id("Model"),
                seq=self.next_seq(),
                name=name,
                created_at=self.now(),
                space_id=space.id,
                project_type=project_type,
            )
            self.projects[project.id] = project
            return project

    def create_tag(
        self, space: Space, name: str, *, color: str | None = None, description: str | None = None
    ) -> Tag:
        with self.lock:
            now = self.now()
            tag = Tag(
                id=self.ids.global_id("Tag"),
                seq=self.next_seq(),
                name=name,
                created_at=now,
                updated_at=now,
                space_id=space.id,
                color=color,
                description=description,
            )
            self.tags[tag.id] = tag
            return tag

    # -- documents: the resources of resources/catalog.py ----------------------------------------

    def store(self, kind: str) -> dict[str, Document]:
        """Every document of ``kind``, by id, in insertion order."""
        return self.docs.setdefault(kind, {})

    def add_document(
        self,
        kind: str,
        data: Mapping[str, Any],
        *,
        type_name: str | None = None,
        scope: tuple[str, ...] = (),
        owners: tuple[str, ...] = (),
        doc_id: str | None = None,
        stamp: bool = True,
    ) -> Document:
        """Store a new document; its id is a global id of ``type_name`` (else a UUID).

        With ``stamp``, ``data`` gets its ``id`` and, unless it has them, ``created_at`` and
        ``updated_at`` (now).
        """
        with self.lock:
            if doc_id is None:
                doc_id = self.ids.global_id(type_name) if type_name else self.ids.uuid()
            now = rfc3339(self.now())
            stamps = {"id": doc_id, "created_at": now, "updated_at": now} if stamp else {}
            stored = {**stamps, **data}
            doc = Document(
                kind=kind,
                id=doc_id,
                seq=self.next_seq(),
                data=stored,
                scope=scope,
                owners=owners,
            )
            self.store(kind)[doc_id] = doc
            return doc

    def document(self, kind: str, doc_id: str) -> Document | None:
        return self.store(kind).get(doc_id)

    def delete_document(self, doc: Document) -> None:
        """Delete ``doc`` and, recursively, every document it owns."""
        with self.lock:
            self.store(doc.kind).pop(doc.id, None)
            self.forget(doc.id)

    def forget(self, owner_id: str) -> None:
        """Delete the documents ``owner_id`` owns (its versions, runs, records, spans...)."""
        for store in list(self.docs.values()):
            for doc in [d for d in store.values() if owner_id in d.owners]:
                self.delete_document(doc)

    def forget_scope(self, scope_id: str) -> None:
        """A space or organization is gone: its documents go, or stop being scoped to it."""
        for store in list(self.docs.values()):
            for doc in [d for d in store.values() if scope_id in d.scope]:
                if len(doc.scope) == 1:
                    self.delete_document(doc)
                    continue
                doc.scope = tuple(s for s in doc.scope if s != scope_id)
                scopings = doc.data.get("scopings")
                if isinstance(scopings, list):
                    doc.data["scopings"] = [
                        s
                        for s in scopings
                        if scope_id not in (s.get("space_id"), s.get("organization_id"))
                    ]

    def audit(self, user: User, op: Operation, ip: str, path_params: Mapping[str, str]) -> None:
        """Add the audit-log entry of a request that succeeded (listing the log adds none)."""
        if op.operation_id == "listAuditLogs":
            return
        reads = op.method == "GET" or op.operation_id.startswith(("list", "search", "get"))
        number = next(self._audit_numbers)
        data = {
            "user_id": user.id,
            "ip": ip or "127.0.0.1",
            "operation_type": "QUERY" if reads else "MUTATION",
            "operation_name": op.operation_id,
            "operation_text": f"{op.method} {op.path}",
            "variables": json.dumps(dict(path_params), sort_keys=True) if path_params else None,
        }
        # a counter, not the seeded random source: logging must not shift the ids of resources
        doc_id = base64.b64encode(f"AuditLog:{number}".encode()).decode()
        self.add_document("audit_log", data, doc_id=doc_id)
        logs = self.store("audit_log")
        while len(logs) > AUDIT_LOG_SIZE:
            del logs[next(iter(logs))]

    # -- deletion, with cascades --------------------------------------------------------------

    def delete_org(self, org: Organization) -> None:
        for space in [s for s in self.spaces.values() if s.org_id == org.id]:
            self.delete_space(space)
        self.forget_scope(org.id)
        del self.orgs[org.id]

    def delete_space(self, space: Space) -> None:
        for store in (self.experiments, self.datasets, self.projects, self.tags):
            for key in [k for k, v in store.items() if v.space_id == space.id]:
                self.forget(key)
                del store[key]
        self.forget_scope(space.id)
        del self.spaces[space.id]

    def delete_project(self, project: Project) -> None:
        self.forget(project.id)
        del self.projects[project.id]

    def delete_dataset(self, dataset: Dataset) -> None:
        for experiment in [e for e in self.experiments.values() if e.dataset_id == dataset.id]:
            self.delete_experiment(experiment)
        self.forget(dataset.id)
        del self.datasets[dataset.id]

    def delete_experiment(self, experiment: Experiment) -> None:
        if self.projects.pop(experiment.traces_project_id, None) is not None:
            self.forget(experiment.traces_project_id)
        self.forget(experiment.id)
        del self.experiments[experiment.id]

    def delete_tag(self, tag: Tag) -> None:
        """Delete ``tag`` and detach it from everything it was attached to."""
        for store in (self.datasets, self.experiments, self.projects):
            for item in store.values():
                if tag.id in item.tags:
                    item.tags.remove(tag.id)
        for docs in self.docs.values():
            for doc in docs.values():
                if tag.id in doc.tags:
                    doc.tags.remove(tag.id)
        del self.tags[tag.id]

    def delete_user(self, user: User) -> None:
        """Block ``user``: their keys, memberships and role bindings go; they are kept aside
        (``blocked_users``), no longer listed or readable."""
        for key in [k for k, v in self.keys.items() if v == user.id]:
            del self.keys[key]
        for space in self.spaces.values():
            self.remove_member(space, user.id)
        for org in self.orgs.values():
            self.remove_member(org, user.id)
        for doc in [d for d in self.store("api_key").values() if d.data.get("user_id") == user.id]:
            self.delete_document(doc)
        self.forget(user.id)
        self.blocked_users[user.id] = self.users.pop(user.id)

    def remove_member(self, scope: Space | Organization, user_id: str) -> None:
        """Take ``user_id`` out of a space, or of an organization and all its spaces, with
        their role bindings there."""
        scope.members.pop(user_id, None)
        bindings = self.store("role_binding")
        for doc in [d for d in bindings.values() if d.data["user_id"] == user_id]:
            if doc.data["resource_id"] == scope.id or scope.id in doc.scope:
                self.delete_document(doc)
        if isinstance(scope, Organization):
            for space in [s for s in self.spaces.values() if s.org_id == scope.id]:
                self.remove_member(space, user_id)

    # -- views for tests --------------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """What ``/v1/log`` accepted, oldest first, as ``GET /_mock/v1/records`` shows it."""
        with self.lock:
            return [r.to_wire() for r in self.logged_records]


def redact(key: str) -> str:
    """``ak-...wXyZ``: how a key is shown after its creation."""
    return f"{key[:3]}...{key[-4:]}"
