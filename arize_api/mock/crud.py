"""The CRUDL pattern once: fetch-and-authorize, list-filter-paginate, rename, get, delete, tags.

Each resource module describes its collection with a ``Collection`` and takes the generic
handlers it can use (module-level names, marked with the operations they handle); only what
differs (create bodies, cascades) is written there.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .auth import Action, authorize, can, role_for
from .call import Call, Handler, handles
from .models import Document, Organization, Resource, Space
from .pagination import Key, fingerprint, paginate
from .problems import ApiError, conflict, not_found, unprocessable
from .state import MockState

__all__ = [
    "Collection",
    "authorized",
    "bulk_delete",
    "check_name",
    "in_spaces",
    "org_for",
    "page_of",
    "readable",
    "space_for",
    "tag_handlers",
]

R = TypeVar("R", bound=Resource)
A = TypeVar("A", bound=Resource | Document)  # what access is checked on
T = TypeVar("T")


class Tagged(Protocol):
    """Anything tags of its space attach to (a ``Taggable`` resource, a document)."""

    @property
    def space_id(self) -> str: ...

    @property
    def tags(self) -> list[str]: ...


TR = TypeVar("TR", bound=Tagged)
TR_co = TypeVar("TR_co", bound=Tagged, covariant=True)


class Fetches(Protocol[TR_co]):
    """A collection that fetches the item a request names, authorized for ``action``."""

    def get(self, call: Call, action: Action = ...) -> TR_co: ...


def check_name(name: str, what: str) -> str:
    """A resource name must not be blank (422)."""
    if not name.strip():
        raise unprocessable(f"{what} name must not be blank")
    return name


def readable(call: Call, items: Iterable[R]) -> list[R]:
    """The ``items`` the caller may read, in insertion (``seq``) order."""
    state, user = call.state, call.principal
    visible = [i for i in items if can(role_for(state, user, i), Action.READ)]
    return sorted(visible, key=lambda item: item.seq)


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same ignoring case (tags' rule of uniqueness)."""
    return a.casefold() == b.casefold()


def contains(text: str, needle: str | None) -> bool:
    """Case-insensitive substring match, the reference's rule for ``name`` filters."""
    return needle is None or needle.casefold() in text.casefold()


def authorized(call: Call, store: Mapping[str, A], key: str, what: str, action: Action) -> A:
    """``store[key]`` authorized for ``action``: 404 if missing or unreadable, 403 if the
    caller may read it but not act on it."""
    item = store.get(key)
    if item is None:
        raise not_found(what)
    authorize(call.state, call.principal, item, action, what)
    return item


def bulk_delete(
    call: Call,
    noun: str,
    listed: Iterable[str],
    present: Container[str],
    delete: Callable[[list[str]], None],
) -> dict[str, Any]:
    """A partial-tolerant bulk delete: ``delete`` gets the listed ids found in ``present``
    (once each, in the order listed), and the answer reports ``deleted_<noun>_ids`` and
    ``not_deleted_<noun>_ids``. A ``partial`` fault deletes the first half only and
    answers 503 with the same two lists."""
    listed = list(dict.fromkeys(listed))
    found = [key for key in listed if key in present]
    deleted = found[: len(found) // 2] if call.partial else found
    delete(deleted)
    gone = set(deleted)
    members: dict[str, Any] = {
        f"deleted_{noun}_ids": deleted,
        f"not_deleted_{noun}_ids": [key for key in listed if key not in gone],
    }
    if call.partial:
        raise ApiError(
            503,
            f"some {noun}s were deleted before the request was cut short; retry the whole request",
            **members,
        )
    return {"completed": True, **members}


def space_for(call: Call, space_id: str, action: Action) -> Space:
    """The space a request names (query or body), authorized for ``action``."""
    return authorized(call, call.state.spaces, space_id, "space", action)


def org_for(call: Call, org_id: str, action: Action) -> Organization:
    """The organization a request names (query or body), authorized for ``action``."""
    return authorized(call, call.state.orgs, org_id, "organization", action)


class InSpace(Protocol):
    space_id: str


S = TypeVar("S", bound=InSpace)


def in_spaces(call: Call, items: Iterable[S]) -> list[S]:
    """``items`` narrowed by the ``space_id`` (must be readable) and ``space_name`` filters."""
    chosen = list(items)
    if (space_id := call.query.get("space_id")) is not None:
        space_for(call, space_id, Action.READ)
        chosen = [i for i in chosen if i.space_id == space_id]
    if (space_name := call.query.get("space_name")) is not None:
        spaces = call.state.spaces
        chosen = [i for i in chosen if contains(spaces[i.space_id].name, space_name)]
    return chosen


def page_of(
    call: Call,
    key: str,
    items: Sequence[T],
    *,
    order: Callable[[T], Key],
    render: Callable[[T], Any],
    newest_first: bool = False,
    limit: int | None = None,
    cursor: str | None = None,
    filters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``{key: [...], "pagination": {...}}`` for one page of ``items`` sorted by ``order``
    (descending with ``newest_first``)."""
    query = {k: v for k, v in (filters or call.query).items() if k not in ("limit", "cursor")}
    page, pagination = paginate(
        items,
        key=order,
        newest_first=newest_first,
        limit=limit if limit is not None else int(call.query.get("limit", 50)),
        cursor=cursor if cursor is not None else call.query.get("cursor"),
        query=fingerprint(call.op.name, {**query, **call.path}),
        cursorless=call.cursorless,
    )
    return {key: [render(item) for item in page], "pagination": pagination}


@dataclass(frozen=True)
class Collection(Generic[R]):
    """One kind of resource: where it lives, how it is named and who may change it."""

    what: str  # "dataset": used in messages
    plural: str  # "datasets": the list key
    id_param: str  # "dataset_id": the path parameter
    store: Callable[[MockState], dict[str, R]]
    unique_within: Callable[[R], str]  # names are unique among items with the same key
    manage: Action = Action.WRITE  # the action needed to change or delete one
    newest_first: bool = False  # lists: most recently created first (else oldest first)
    names_ignore_case: bool = False  # uniqueness compares names case-insensitively

    def get(self, call: Call, action: Action = Action.READ) -> R:
        """The resource named by the path, or 404/403 as the caller's role dictates."""
        return authorized(call, self.store(call.state), call.path[self.id_param], self.what, action)

    def ensure_unique(
        self, state: MockState, scope: str, name: str, exclude: R | None = None
    ) -> None:
        same = same_name if self.names_ignore_case else str.__eq__
        for other in self.store(state).values():
            if (
                other is not exclude
                and self.unique_within(other) == scope
                and same(other.name, name)
            ):
                raise conflict(f"a {self.what} named {name!r} already exists here")

    def rename(self, call: Call, item: R, name: str) -> None:
        check_name(name, self.what)
        self.ensure_unique(call.state, self.unique_within(item), name, exclude=item)
        item.name = name

    def list(self, call: Call, items: Iterable[R], render: Callable[[R], Any]) -> dict[str, Any]:
        """Readable ``items`` filtered by the ``name`` query parameter, one page of them."""
        name = call.query.get("name")
        chosen = [i for i in readable(call, items) if contains(i.name, name)]
        return page_of(
            call,
            self.plural,
            chosen,
            order=lambda i: (i.seq,),
            newest_first=self.newest_first,
            render=render,
        )

    # -- generic handlers (a module keeps each under a name of its own) -----------------------

    def getter(self, operation_id: str, render: Callable[[R], Any]) -> Handler:
        def get(call: Call) -> Any:
            return render(self.get(call))

        return handles(operation_id)(get)

    def deleter(self, operation_id: str, remove: Callable[[MockState, R], None]) -> Handler:
        def delete(call: Call) -> None:
            remove(call.state, self.get(call, self.manage))

        return handles(operation_id)(delete)

    def updater(
        self,
        operation_id: str,
        render: Callable[[R], Any],
        apply: Callable[[Call, R, Mapping[str, Any]], None] | None = None,
    ) -> Handler:
        """PATCH: rename (unique, non-blank) plus whatever ``apply`` does with the rest."""

        def update(call: Call) -> Any:
            item = self.get(call, self.manage)
            body: Mapping[str, Any] = call.body
            if "name" in body:
                self.rename(call, item, body["name"])
            if apply is not None:
                apply(call, item, body)
            item.touch(call.state.now())
            return render(item)

        return handles(operation_id)(update)


def tag_handlers(
    collection: Fetches[Tagged], list_op: str, add_op: str, remove_op: str | None = None
) -> tuple[Handler, ...]:
    """Tag handlers: list, attach (tags of the same space only) and detach (partial-tolerant)."""

    def listing(call: Call) -> Any:
        return _tag_list(call, collection.get(call))

    def add(call: Call) -> Any:
        item = collection.get(call, Action.WRITE)
        wanted = list(dict.fromkeys(call.body["tag_ids"]))
        missing = [t for t in wanted if _space_of_tag(call, t) != item.space_id]
        if missing:
            raise unprocessable(f"no such tag(s) in this space: {', '.join(missing[:10])}")
        item.tags.extend(t for t in wanted if t not in item.tags)
        return _tag_list(call, item)

    def remove(call: Call) -> Any:
        item = collection.get(call, Action.WRITE)
        wanted = list(dict.fromkeys(call.body["tag_ids"]))
        deleted = [t for t in wanted if t in item.tags]
        item.tags[:] = [t for t in item.tags if t not in deleted]
        not_deleted = [t for t in wanted if t not in deleted]
        return {"completed": True, "deleted": deleted, "not_deleted": not_deleted}

    handlers = [handles(list_op)(listing), handles(add_op)(add)]
    if remove_op is not None:
        handlers.append(handles(remove_op)(remove))
    return tuple(handlers)


def _space_of_tag(call: Call, tag_id: str) -> str | None:
    tag = call.state.tags.get(tag_id)
    return tag.space_id if tag else None


def _tag_list(call: Call, item: Tagged) -> dict[str, Any]:
    """Tag lists are not paged yet: every attached tag, ``has_more`` false."""
    tags = [
        call.render_item("tags", call.state.tags[t].data) for t in item.tags if t in call.state.tags
    ]
    return {"tags": tags, "pagination": {"has_more": False}}
