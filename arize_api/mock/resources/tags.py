"""Tags of a space: documents of the catalog (``Kind`` "tag"); what the engine cannot say.

A tag's name is unique in its space ignoring case (the catalog's ``names_ignore_case``);
color and description default to none. Deleting a tag detaches it from everything it was
attached to; the resources stay. Listing and attaching tags are the tag operations of each
taggable resource (``crud``).
"""

from __future__ import annotations

from ..call import Call
from ..engine import Behaviour, Placement
from ..models import Document

__all__ = ["Tags"]

JSON = dict[str, object]


class Tags(Behaviour):
    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if doc is None:
            data.setdefault("color", None)
            data.setdefault("description", None)
            data.pop("created_by_user_id", None)  # a tag does not say who made it

    def deleting(self, call: Call, doc: Document) -> None:
        call.state.detach_tag(doc.id)
