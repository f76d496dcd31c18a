"""Parsing RFC 3339 timestamps from the wire (a hook used by the generated models)."""

from __future__ import annotations

import datetime

from dateutil.parser import isoparse

__all__ = ["parse_datetime"]


def parse_datetime(value: str) -> datetime.datetime:
    """Parse an RFC 3339 date-time: the fast standard parser first, dateutil for the rest.

    Python 3.11's ``fromisoformat`` rejects forms RFC 3339 allows and servers send, such as
    a lower-case ``z`` or nanosecond fractions; dateutil's ``isoparse`` accepts them.
    """
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return isoparse(value)
