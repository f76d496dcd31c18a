"""The mock's stores: users and keys, organizations, spaces, projects, tags, datasets,
experiments, logged records and the documents of ``resources/catalog.py``, and how new items
are made in them. ``MockState`` (``state.py``) adds its lifecycle, the cascades of deletes
(``cascades.py``) and the audit log (``audit.py``); ``seed.py`` fills a fresh state.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .auth import Role, parse_role
from .ids import IdMinter
from .models import (
    Dataset,
    Document,
    Experiment,
    LoggedRecord,
    Membership,
    Organization,
    Space,
    User,
    rfc3339,
)

__all__ = ["SPACE_SETTINGS", "Credentials", "Stores", "redact"]

# a new space's settings (members of the space's answers, changed by updateSpace)
SPACE_SETTINGS: Mapping[str, Any] = {
    "default_llm_integration": None,
    "ml_models_enabled": True,
    "gradient_start_color": "#4F46E5",
    "gradient_end_color": "#06B6D4",
    "default_agent_runtime": None,
}


@dataclass(frozen=True)
class Credentials:
    """An API key and the user it acts as."""

    api_key: str
    user_id: str
    email: str


class Stores:
    """Every store of the mock and the ways new items enter them (see the module docstring).

    The attributes are set by ``MockState.reset``; every method holds ``lock``.
    """

    lock: threading.RLock
    rng: random.Random
    ids: IdMinter
    clock: Callable[[], datetime]
    _instant: datetime | None
    _seq: itertools.count[int]
    blocked_users: dict[str, User]
    keys: dict[str, str]  # api key -> user id
    key_expiry: dict[str, datetime]  # api key -> when it stops working
    datasets: dict[str, Dataset]
    experiments: dict[str, Experiment]
    logged_records: list[LoggedRecord]
    docs: dict[str, dict[str, Document]]  # kind -> id -> document

    def now(self) -> datetime:
        """The current time; one instant for everything a request does (see ``instant``)."""
        return self._instant or self.clock()

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
            email = email or f"user{len(self.users) + 1}@example.com"
            data = {
                "email": email,
                "name": name or email.partition("@")[0],
                "status": status,
                "is_developer": False,
            }
            user = self.add_document("user", data, type_name="User", model=User)
            assert isinstance(user, User)
            user.role = role
            return user

    @property
    def users(self) -> dict[str, User]:
        """The users of the account (blocked ones apart), by id."""
        return self.store("user")  # type: ignore[return-value]

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
        """An organization (a document of kind ``organization``) with ``creator`` its admin."""
        with self.lock:
            data = {"name": name, "description": description}
            org = self.add_document(
                "organization", data, type_name="AccountOrganization", model=Organization
            )
            self.grant(creator.id, org.id, Role.ADMIN)
            assert isinstance(org, Organization)
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
        """A space of ``org`` (a document of kind ``space``) with ``creator`` its admin."""
        with self.lock:
            data = {
                "name": name,
                "organization_id": org.id,
                "description": description,
                "is_private": is_private,
                **SPACE_SETTINGS,
            }
            space = self.add_document(
                "space", data, type_name="Space", scope=(org.id,), model=Space
            )
            assert isinstance(space, Space)
            space.private["legacy_key"] = self.ids.token("sk-")
            self.grant(creator.id, space.id, Role.ADMIN)
            return space

    @property
    def orgs(self) -> dict[str, Organization]:
        """The organizations, by id."""
        return self.store("organization")  # type: ignore[return-value]

    @property
    def spaces(self) -> dict[str, Space]:
        """The spaces, by id."""
        return self.store("space")  # type: ignore[return-value]

    def create_project(self, space: Space, name: str, project_type: str | None) -> Document:
        """A project of ``space`` (a document of kind ``project``; ids are ``Model:`` ids)."""
        data = {"name": name, "space_id": space.id, "project_type": project_type}
        return self.add_document("project", data, type_name="Model", scope=(space.id,))

    @property
    def projects(self) -> dict[str, Document]:
        """The projects, by id."""
        return self.store("project")

    def create_tag(
        self, space: Space, name: str, *, color: str | None = None, description: str | None = None
    ) -> Document:
        """A tag of ``space`` (a document of kind ``tag``, like the API's)."""
        data = {"name": name, "space_id": space.id, "color": color, "description": description}
        return self.add_document("tag", data, type_name="Tag", scope=(space.id,))

    @property
    def tags(self) -> dict[str, Document]:
        """The tags, by id."""
        return self.store("tag")

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
        model: type[Document] = Document,
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
            doc = model(
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

    # -- views for tests --------------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """What ``/v1/log`` accepted, oldest first, as ``GET /_mock/v1/records`` shows it."""
        with self.lock:
            return [r.to_wire() for r in self.logged_records]


def redact(key: str) -> str:
    """``ak-...wXyZ``: how a key is shown after its creation."""
    return f"{key[:3]}...{key[-4:]}"
