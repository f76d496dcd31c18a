"""All of the mock's data, in memory: stores per resource, id minting, seed data, cascades.

Handlers run one at a time under ``lock``; take it too when touching the state from another
thread (a test reading ``logged_records`` while the server runs).
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .auth import Role, parse_role
from .ids import IdMinter
from .models import (
    Dataset,
    Experiment,
    LoggedRecord,
    Membership,
    Organization,
    Project,
    Space,
    Tag,
    User,
)

__all__ = ["DEFAULT_API_KEY", "Credentials", "MockState"]

DEFAULT_API_KEY = "arize-mock-admin-key"
SEED_TAGS = (("production", "GREEN"), ("baseline", "BLUE"), ("needs-review", "ORANGE"))


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
            self.keys: dict[str, str] = {}  # api key -> user id
            self.orgs: dict[str, Organization] = {}
            self.spaces: dict[str, Space] = {}
            self.projects: dict[str, Project] = {}
            self.tags: dict[str, Tag] = {}
            self.datasets: dict[str, Dataset] = {}
            self.experiments: dict[str, Experiment] = {}
            self.logged_records: list[LoggedRecord] = []
            self._seed_data()

    def _seed_data(self) -> None:
        admin = self.add_user("admin@example.com")
        self.keys[self._admin_key] = admin.id
        org = self.create_org("Mock Organization", "Seeded by arize_api.mock", admin)
        space = self.create_space(org, "Mock Space", admin, description="Seeded by arize_api.mock")
        for name, color in SEED_TAGS:
            self.create_tag(space, name, color=color)
        self.admin = Credentials(self._admin_key, admin.id, admin.email)
        self.org_id = org.id
        self.space_id = space.id

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

    def add_user(self, email: str | None = None) -> User:
        with self.lock:
            user_id = self.ids.global_id("User")
            user = User(id=user_id, email=email or f"user{len(self.users) + 1}@example.com")
            self.users[user_id] = user
            return user

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
            self.keys[key] = user.id
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

    # -- deletion, with cascades --------------------------------------------------------------

    def delete_org(self, org: Organization) -> None:
        for space in [s for s in self.spaces.values() if s.org_id == org.id]:
            self.delete_space(space)
        del self.orgs[org.id]

    def delete_space(self, space: Space) -> None:
        for store in (self.experiments, self.datasets, self.projects, self.tags):
            for key in [k for k, v in store.items() if v.space_id == space.id]:
                del store[key]
        del self.spaces[space.id]

    def delete_project(self, project: Project) -> None:
        del self.projects[project.id]

    def delete_dataset(self, dataset: Dataset) -> None:
        for experiment in [e for e in self.experiments.values() if e.dataset_id == dataset.id]:
            self.delete_experiment(experiment)
        del self.datasets[dataset.id]

    def delete_experiment(self, experiment: Experiment) -> None:
        self.projects.pop(experiment.traces_project_id, None)
        del self.experiments[experiment.id]

    # -- views for tests --------------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """What ``/v1/log`` accepted, oldest first, as ``GET /_mock/v1/records`` shows it."""
        with self.lock:
            return [r.to_wire() for r in self.logged_records]
