"""Parsing RFC 3339 timestamps from the wire (a hook used by the generated models)."""

from __future__ import annotations

import datetime

__all__ = ["parse_datetime"]

_fromisoformat = datetime.datetime.fromisoformat


def parse_datetime(value: str) -> datetime.datetime:
    """Parse an RFC 3339 date-time: the fast standard parser first, dateutil for the rest.

    Python 3.11's ``fromisoformat`` rejects forms RFC 3339 allows and servers send, such as
    a lower-case ``z`` or nanosecond fractions; dateutil's ``isoparse`` accepts them. It is
    imported on the first such timestamp only: most programs never need it.
    """
    try:
        return _fromisoformat(value)
    except ValueError:
        from dateutil.parser import isoparse

        return isoparse(value)
