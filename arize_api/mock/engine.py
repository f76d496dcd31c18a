"""One engine for the plain collections: a declarative ``Kind`` per resource, handlers from it.

A ``Kind`` says where a collection lives (its collection and item paths), how its ids look
(a global-id type), what governs access to a new item (its ``place``: a space, an
organization, a parent item, the scopings of the body, the account), whether names are
unique among siblings, and what, if anything, it does beyond storing its body (its
``Behaviour``). ``generic_handlers`` looks its operations up in a spec by path and method:

    GET  <path>           list      POST   <path>         create
    GET  <item>           get       PATCH  <item>         update    DELETE <item>   delete
    GET  <item>/tags      tags      POST   <item>/tags    add tags  DELETE <item>/tags  remove

and gives the generic handler of each one the spec has (``custom`` verbs are left to a
resource module); an app takes them for the spec it serves (``handlers.py``). Items are
``Document``s: the create body (after ``renames``) plus id, timestamps and creator, rendered
through the answering operation's response schema, so the shape comes from the spec.
Updates merge the PATCH body (the ``replaced`` members are replaced whole). Lists are
readable items, filtered by the query (``space_id``/``org_id``/``project_id`` must name a
readable resource: 404, checked first; ``space_name`` and ``name`` are case-insensitive
substrings; any other parameter must equal the member of the same name, or what
``filters`` says), one page at a time, in the kind's ``order_by``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .auth import Action, account_role, authorize, can, role_for
from .call import Call, handled_operations
from .crud import (
    authorized,
    check_name,
    contains,
    org_for,
    page_of,
    same_name,
    space_for,
    tag_handlers,
)
from .models import Document, rfc3339
from .pagination import Key
from .problems import conflict, forbidden, not_found, unprocessable
from .spec import Operation, Spec

__all__ = [
    "KINDS",
    "Behaviour",
    "Filter",
    "Kind",
    "Placement",
    "Placer",
    "generic_handlers",
    "in_account",
    "in_org",
    "in_parent",
    "in_scopings",
    "in_space",
    "list_key",
    "members_at",
    "merge",
]

JSON = dict[str, Any]
Filter = Callable[[Call, Document, JSON, Any], bool]  # (call, item, its view, value) -> keep?
_PARAM = re.compile(r"\{(\w+)\}")
_PAGING = ("limit", "cursor")


@dataclass(frozen=True)
class Placement:
    """Where a new item goes: the spaces/organizations governing it, and what owns it."""

    scope: tuple[str, ...]
    owners: tuple[str, ...] = ()


# (call, create body, action needed) -> placement; raises 404/403 as the caller's roles say
Placer = Callable[[Call, Mapping[str, Any], Action], Placement]


class Behaviour:
    """What a kind does beyond storing its body. Every hook does nothing by default."""

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        """Check and complete ``data`` before it is stored (``doc`` is None on create)."""

    def visible(self, call: Call, doc: Document) -> bool:
        """Whether the caller may see ``doc`` at all, beyond its scope's roles."""
        return True

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        """Side effects once ``doc`` is stored (a first version, records, events)."""

    def view(self, call: Call, doc: Document) -> JSON:
        """Members computed when ``doc`` is read (its latest version, a run's status)."""
        return {}

    def deleting(self, call: Call, doc: Document) -> None:
        """Checks (409) or side effects before ``doc`` is deleted."""


@dataclass(frozen=True)
class Kind:
    """One collection of documents, declared once (see the module docstring)."""

    name: str  # "prompt": the store's name and the noun of messages
    path: str  # "/v2/prompts": the collection (list, create)
    item: str  # "/v2/prompts/{prompt_id}": one item (get, update, delete, tags)
    type_name: str | None  # "Prompt": ids are global ids of this type; None: UUIDs
    place: Placer
    parent: str | None = None  # the kind whose id appears in ``path``, for child collections
    unique_names: bool = False  # names unique among siblings (same scope and owners): 409
    # names unique in the whole account instead (within the namespace this gives an item)
    unique_in_account: Callable[[Mapping[str, Any]], str] | None = None
    replaced: tuple[str, ...] = ()  # object members (dotted) an update replaces, not merges
    names_ignore_case: bool = False  # uniqueness compares names case-insensitively
    model: type[Document] = Document  # the class of its items (typed views of some kinds)
    renames: Mapping[str, str] = field(default_factory=dict)  # body member -> stored member
    immutable: tuple[str, ...] = ()  # stored members an update may not change (422)
    manage: Action = Action.WRITE  # needed to create, change or delete one
    filters: Mapping[str, Filter] = field(default_factory=dict)  # query parameter -> test
    # query parameter -> a check of its value before any filtering (404/403)
    checks: Mapping[str, Callable[[Call, Any], None]] = field(default_factory=dict)
    used_by: tuple[tuple[str, str], ...] = ()  # (kind, member path): a delete answers 409
    custom: frozenset[str] = frozenset()  # verbs a resource module handles itself
    behaviour: Behaviour = field(default_factory=Behaviour)
    # list order: by creation ("created") or by last change ("updated"), newest first or not
    order_by: str = "created"
    newest_first: bool = False

    @property
    def id_param(self) -> str:
        """The item path's id parameter (``prompt_id``)."""
        return str(_PARAM.findall(self.item)[-1])

    # -- fetching and viewing --------------------------------------------------------------

    def get(self, call: Call, action: Action = Action.READ) -> Document:
        """The item the path names, or 404/403 as the caller's role dictates."""
        return self.fetch(call, call.path[self.id_param], action)

    def fetch(self, call: Call, doc_id: str, action: Action = Action.READ) -> Document:
        """The item ``doc_id``, authorized for ``action`` (404 if missing or unreadable)."""
        doc = call.state.document(self.name, doc_id)
        if doc is None or not self.behaviour.visible(call, doc):
            raise not_found(self.noun)
        if self.parent is not None and _misplaced(call, KINDS[self.parent].id_param, doc):
            raise not_found(self.noun)  # /v2/dashboards/{a}/widgets/{b} of another dashboard
        authorize(call.state, call.principal, doc, action, self.noun)
        return doc

    def view(self, call: Call, doc: Document) -> JSON:
        """The stored members plus the computed ones: what gets rendered."""
        return {**doc.data, **self.behaviour.view(call, doc)}

    @property
    def noun(self) -> str:
        return self.name.replace("_", " ")

    def siblings(
        self, call: Call, scope: tuple[str, ...], owners: tuple[str, ...]
    ) -> list[Document]:
        return [
            d
            for d in call.state.store(self.name).values()
            if d.scope == scope and d.owners == owners
        ]

    def ensure_unique(
        self,
        call: Call,
        name: str,
        placement: Placement,
        exclude: Document | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """409 if a sibling (or, ``unique_in_account``, another item of the namespace of
        ``data``) already has ``name``."""
        if (namespace := self.unique_in_account) is not None:
            space = namespace(data or {})
            others = [d for d in call.state.store(self.name).values() if namespace(d.data) == space]
        else:
            others = self.siblings(call, placement.scope, placement.owners)
        same = same_name if self.names_ignore_case else str.__eq__
        for other in others:
            if other is not exclude and same(other.name, name):
                raise conflict(f"{_a(self.noun)} named {name!r} already exists here")

    # -- the generic handlers -------------------------------------------------------------

    def listing(self, call: Call) -> Any:
        docs: Iterable[Document] = call.state.store(self.name).values()
        if self.parent is not None and (params := _PARAM.findall(self.path)):
            parent = KINDS[self.parent].fetch(call, call.path[params[-1]])
            docs = [d for d in docs if parent.id in d.owners]
        state, user, visible = call.state, call.principal, self.behaviour.visible
        readable = [
            d for d in docs if can(role_for(state, user, d), Action.READ) and visible(call, d)
        ]
        chosen = self.filtered(call, [(d, self.view(call, d)) for d in readable])
        key = list_key(call.op, call.spec)
        return page_of(
            call,
            key,
            chosen,
            order=lambda pair: self.sort_key(pair[0]),
            newest_first=self.newest_first,
            render=lambda pair: call.render_item(key, pair[1]),
        )

    def sort_key(self, doc: Document) -> Key:
        """Where ``doc`` goes in a list: its creation, or its last change then creation."""
        if self.order_by == "updated":
            return (str(doc.data.get("updated_at") or ""), doc.seq)
        return (doc.seq,)

    def filtered(
        self, call: Call, items: list[tuple[Document, JSON]]
    ) -> list[tuple[Document, JSON]]:
        """``items`` narrowed by every query parameter but ``limit`` and ``cursor``; a
        parameter naming a resource must name a readable one (404), whatever the items."""
        checks = {**_CHECKS, **self.checks}
        for param, value in call.query.items():
            if (check := checks.get(param)) is not None:
                check(call, value)
        for param, value in call.query.items():
            if param in _PAGING:
                continue
            test = self.filters.get(param) or _STOCK_FILTERS.get(param) or _equals(param)
            items = [(d, v) for d, v in items if test(call, d, v, value)]
        return items

    def create(self, call: Call) -> Any:
        placement = self.place(call, call.body, self.manage)
        return call.render(self.view(call, self.add(call, call.body, placement)))

    def add(self, call: Call, body: Mapping[str, Any], placement: Placement) -> Document:
        """Store a new item made from a create ``body`` at ``placement`` (checked, named,
        completed by the behaviour); also how a resource creates another's first item."""
        data = _renamed(body, self.renames)
        if isinstance(name := data.get("name"), str):
            check_name(name, self.noun)
            if self.unique_names:
                self.ensure_unique(call, name, placement, data=data)
        data.setdefault("created_by_user_id", call.principal.id)
        self.behaviour.prepare(call, data, None, placement)
        doc = call.state.add_document(
            self.name,
            data,
            type_name=self.type_name,
            scope=placement.scope,
            owners=placement.owners,
            model=self.model,
        )
        self.behaviour.created(call, doc, body)
        return doc

    def read(self, call: Call) -> Any:
        return call.render(self.view(call, self.get(call)))

    def update(self, call: Call) -> Any:
        doc = self.get(call, self.manage)
        patch = _renamed(call.body or {}, self.renames)
        for member in self.immutable:
            if member in patch and patch[member] != doc.data.get(member):
                raise unprocessable(
                    f"the {member} of {_a(self.noun)} cannot change "
                    f"(it is {doc.data.get(member)!r})"
                )
        if isinstance(name := patch.get("name"), str):
            check_name(name, self.noun)
            if self.unique_names:
                where = Placement(doc.scope, doc.owners)
                self.ensure_unique(call, name, where, exclude=doc, data=doc.data)
        data = merge(doc.data, patch, self.replaced)
        self.behaviour.prepare(call, data, doc, Placement(doc.scope, doc.owners))
        data["updated_at"] = rfc3339(call.state.now())
        doc.data = data
        return call.render(self.view(call, doc))

    def delete(self, call: Call) -> None:
        doc = self.get(call, self.manage)
        for other, path in self.used_by:
            for user in call.state.store(other).values():
                if doc.id in members_at(user.data, path):
                    raise conflict(
                        f"the {self.noun} is in use by {other.replace('_', ' ')} {user.id}; "
                        "remove that first"
                    )
        self.behaviour.deleting(call, doc)
        call.state.delete_document(doc)


class _Catalog(Mapping[str, "Kind"]):
    """The kinds of ``resources/catalog.py`` by name: a read-only view of that constant
    table, looked up when first used (the catalog imports this module)."""

    def _kinds(self) -> Mapping[str, Kind]:
        from .resources.catalog import BY_NAME

        return BY_NAME

    def __getitem__(self, name: str) -> Kind:
        return self._kinds()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds())

    def __len__(self) -> int:
        return len(self._kinds())


KINDS: Mapping[str, Kind] = _Catalog()


def _misplaced(call: Call, parent_param: str, doc: Document) -> bool:
    """Whether the path names a parent (by ``parent_param``) that does not own ``doc``."""
    return parent_param in call.path and call.path[parent_param] not in doc.owners


def generic_handlers(kind: Kind, spec: Spec) -> dict[str, Callable[[Call], Any]]:
    """The generic handlers of ``kind`` for the operations ``spec`` has, by operationId."""
    found: dict[str, Callable[[Call], Any]] = {}
    routes = {(op.method, op.path): op for op in spec.operations}
    tags = kind.item + "/tags"
    verbs: dict[str, tuple[str, str, Callable[[Call], Any]]] = {
        "list": ("GET", kind.path, kind.listing),
        "create": ("POST", kind.path, kind.create),
        "get": ("GET", kind.item, kind.read),
        "update": ("PATCH", kind.item, kind.update),
        "delete": ("DELETE", kind.item, kind.delete),
    }
    for verb, (method, path, handler) in verbs.items():
        op = routes.get((method, path))
        if op is not None and verb not in kind.custom:
            found[op.operation_id] = handler
    tag_ops = [routes.get((method, tags)) for method in ("GET", "POST", "DELETE")]
    if tag_ops[0] is not None and tag_ops[1] is not None and "tags" not in kind.custom:
        remove = tag_ops[2].operation_id if tag_ops[2] is not None else None
        for handler in tag_handlers(kind, tag_ops[0].operation_id, tag_ops[1].operation_id, remove):
            found.update(dict.fromkeys(handled_operations(handler), handler))
    return found


def list_key(op: Operation, spec: Spec | None) -> str:
    """The array member of a list answer (``prompts``), read from its response schema."""
    schema = op.schemas.get(op.success_status)
    if schema is None or spec is None:
        raise RuntimeError(f"{op.operation_id} has no response schema to list with")
    properties = spec.resolve(schema).get("properties", {})
    for key, prop in properties.items():
        if key != "pagination" and spec.resolve(prop).get("type") == "array":
            return str(key)
    raise RuntimeError(f"{op.operation_id}'s response has no array member")


# -- placers: where a new item goes and who may put it there ------------------------------


def in_space(member: str = "space_id") -> Placer:
    """In the space the body names (``action`` needed there; unreadable: 404)."""

    def place(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
        return Placement((space_for(call, str(body[member]), action).id,))

    return place


def in_org(member: str = "organization_id") -> Placer:
    """In the organization the body names."""

    def place(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
        return Placement((org_for(call, str(body[member]), action).id,))

    return place


def in_parent(parent: str, member: str | None = None) -> Placer:
    """Under an item of ``parent`` (named by the path, or by body ``member``): its scope."""

    def place(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
        kind = KINDS[parent]
        doc_id = str(body[member]) if member is not None else call.path[kind.id_param]
        owner = kind.fetch(call, doc_id, action)
        return Placement(owner.scope, (owner.id,))

    return place


def in_account(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """Account-wide: every user reads it, account admins change it (else 403)."""
    role = account_role(call.principal)
    if not can(role, action):
        raise forbidden(f"your account role ({call.principal.role}) does not allow this action")
    return Placement(())


def in_scopings(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """In each space/organization of the body's ``scopings``; none: account-wide."""
    scope: list[str] = []
    for scoping in body.get("scopings") or []:
        if space_id := scoping.get("space_id"):
            scope.append(space_for(call, str(space_id), action).id)
        elif org_id := scoping.get("organization_id"):
            scope.append(org_for(call, str(org_id), action).id)
    return Placement(tuple(dict.fromkeys(scope))) if scope else in_account(call, body, action)


# -- stock filters and helpers --------------------------------------------------------------


def _equals(member: str) -> Filter:
    """The stock test of a query parameter: the member of the same name equals it (or, for
    an array parameter, is one of its values)."""

    def test(call: Call, doc: Document, item: JSON, value: Any) -> bool:
        if isinstance(value, list):
            return item.get(member) in value
        return bool(item.get(member) == value)

    return test


def _space_id(call: Call, doc: Document, item: JSON, value: Any) -> bool:
    space_for(call, str(value), Action.READ)
    return value in doc.scope


def _org_id(call: Call, doc: Document, item: JSON, value: Any) -> bool:
    org_for(call, str(value), Action.READ)
    return value in doc.scope


def _space_name(call: Call, doc: Document, item: JSON, value: Any) -> bool:
    spaces = [call.state.spaces.get(s) for s in doc.scope]
    return any(space is not None and contains(space.name, value) for space in spaces)


def _name(call: Call, doc: Document, item: JSON, value: Any) -> bool:
    return contains(str(item.get("name") or ""), value)


def _readable(kind: str) -> Callable[[Call, Any], None]:
    """A check that a filter's id names a resource the caller can read (404 otherwise)."""

    def check(call: Call, value: Any) -> None:
        if kind == "space":
            space_for(call, str(value), Action.READ)
        elif kind == "organization":
            org_for(call, str(value), Action.READ)
        else:
            authorized(call, call.state.projects, str(value), "project", Action.READ)

    return check


# the query parameters that name a resource, checked before any filtering
_CHECKS: Mapping[str, Callable[[Call, Any], None]] = {
    "space_id": _readable("space"),
    "org_id": _readable("organization"),
    "project_id": _readable("project"),
}

_STOCK_FILTERS: Mapping[str, Filter] = {
    "space_id": _space_id,
    "org_id": _org_id,
    "space_name": _space_name,
    "name": _name,
}


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _renamed(body: Mapping[str, Any], renames: Mapping[str, str]) -> JSON:
    return {renames.get(key, key): value for key, value in body.items()}


def merge(
    stored: Mapping[str, Any], patch: Mapping[str, Any], replaced: tuple[str, ...] = ()
) -> JSON:
    """``stored`` with ``patch`` applied: objects merge member by member, except those at the
    dotted paths of ``replaced``; the rest replaces."""
    out = dict(stored)
    for key, value in patch.items():
        current = out.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping) and key not in replaced:
            inner = tuple(p.split(".", 1)[1] for p in replaced if p.startswith(key + "."))
            out[key] = merge(current, value, inner)
        else:
            out[key] = value
    return out


def members_at(data: Any, path: str) -> list[Any]:
    """The values at a dotted ``path`` (``*`` walks a list): ``evaluators.*.evaluator_id``."""
    values = [data]
    for part in path.split("."):
        found: list[Any] = []
        for value in values:
            if part == "*" and isinstance(value, list):
                found.extend(value)
            elif isinstance(value, Mapping) and part in value:
                found.append(value[part])
        values = found
    return [v for value in values for v in (value if isinstance(value, list) else [value])]
