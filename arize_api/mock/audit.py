"""The audit log: one entry per request that succeeded, the most recent ``AUDIT_LOG_SIZE``."""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .models import User
from .stores import Stores

if TYPE_CHECKING:
    from .spec import Operation

__all__ = ["AUDIT_LOG_SIZE", "Audit"]

AUDIT_LOG_SIZE = 10_000  # the most recent entries kept


class Audit(Stores):
    """The audit entries of ``MockState`` (documents of kind ``audit_log``)."""

    _audit_numbers: itertools.count[int]

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
