"""Tags of a space: create, rename/recolour, delete (detaching them everywhere).

Listing and attaching tags are the tag operations of each taggable resource (``crud``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..crud import Collection, check_name, space_for
from ..models import Tag
from ..state import MockState

TAGS: Collection[Tag] = Collection(
    what="tag",
    plural="tags",
    id_param="tag_id",
    store=lambda state: state.tags,
    unique_within=lambda tag: tag.space_id,
    names_ignore_case=True,
)


@handles("createTag")
def create_tag(call: Call) -> Any:
    space = space_for(call, call.body["space_id"], Action.WRITE)
    name = check_name(call.body["name"], TAGS.what)
    TAGS.ensure_unique(call.state, space.id, name)
    tag = call.state.create_tag(
        space, name, color=call.body.get("color"), description=call.body.get("description")
    )
    return tag.to_wire()


def _apply(call: Call, tag: Tag, body: Mapping[str, Any]) -> None:
    if "description" in body:
        tag.description = body["description"]
    if "color" in body:
        tag.color = body["color"]


update_tag = TAGS.updater("updateTag", Tag.to_wire, _apply)
delete_tag = TAGS.deleter("deleteTag", MockState.delete_tag)
