"""The audit log: read-only, one entry per request that succeeded (``MockState.audit``).

Only account admins read it (403 for others: the operation declares no 404). Entries are
listed newest first; ``start_time``/``end_time`` bound ``created_at``, both inclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Role, account_role
from ..call import Call, handles
from ..engine import KINDS, Filter
from ..models import Document
from ..problems import forbidden
from ..validation import parse_datetime

__all__ = ["FILTERS"]


def _since(call: Call, doc: Document, item: dict[str, Any], value: Any) -> bool:
    return parse_datetime(item["created_at"], "created_at") >= parse_datetime(value, "start_time")


def _until(call: Call, doc: Document, item: dict[str, Any], value: Any) -> bool:
    return parse_datetime(item["created_at"], "created_at") <= parse_datetime(value, "end_time")


FILTERS: Mapping[str, Filter] = {"start_time": _since, "end_time": _until}


@handles("listAuditLogs")
def list_audit_logs(call: Call) -> Any:
    if account_role(call.principal) is not Role.ADMIN:
        raise forbidden("only account admins read the audit log")
    return KINDS["audit_log"].listing(call)
